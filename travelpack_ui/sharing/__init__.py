"""Sharing: collaborators, invitations and their mail, share links, accepting."""
