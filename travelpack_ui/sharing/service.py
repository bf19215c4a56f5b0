"""Sharing: who is on a list, with which role, and the two ways in (email invitations and share links).

One part per concern, all working with one `SharingContext` (database, writer, signer, clock):
`collaborators` (roles, removal, ownership, the welcome), `invitations` (and their mail outbox), `links`, and
`accepting` (what a token lets in, and joining). Callers reach the part they need: `sharing.links.create(...)`.
"""
from dataclasses import dataclass

from travelpack_ui.sharing.accepting import Accepting
from travelpack_ui.sharing.collaborators import Collaborators
from travelpack_ui.sharing.context import SharingContext
from travelpack_ui.sharing.invitations import Invitations
from travelpack_ui.sharing.links import Links


@dataclass
class Sharing:
    """The sharing parts of the object graph; `context` is what they have in common."""
    context: SharingContext
    collaborators: Collaborators
    invitations: Invitations
    links: Links
    accepting: Accepting

