"""Loyalty: rewards programs, the user's memberships and which merchant earns in which program."""
