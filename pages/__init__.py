"""One module per page or flow; each exposes `register(services)`."""
