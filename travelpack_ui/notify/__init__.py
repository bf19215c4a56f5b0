"""In-app notifications: the store and its per-person live updates (`service`), and what makes them (`derive`)."""
