"""People who are not looking: in-app notifications (`service`, `derive`, `away`) and mail for people who are away
(last-seen marks, digests, reminders, the outbox and its scheduler)."""
