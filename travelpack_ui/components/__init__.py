"""Reusable NiceGUI pieces: page chrome, avatars, and the browser-rendered item table."""
