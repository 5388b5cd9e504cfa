"""The terminal (adapter): the live panel of a session."""
