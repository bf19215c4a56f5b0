"""Reusable NiceGUI pieces: page chrome, avatars, list cards, the bin, dialogs, and the browser-rendered item table."""
