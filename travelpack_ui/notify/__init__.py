"""Mail for people who are away: last-seen marks, digests, reminders, the outbox and its scheduler."""
