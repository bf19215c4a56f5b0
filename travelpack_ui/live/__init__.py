"""Live state: one room per open list, presence, coalescing, and the server side of a browser tab."""
