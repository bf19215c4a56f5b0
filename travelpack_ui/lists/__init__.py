"""Packing lists: the list service, the one op path and its applier, activity."""
