"""Test support: real mail server, real server processes, sign-in helpers."""
