"""The command line front door: ``reptrack``."""

from tracker.cli.main import main

__all__ = ["main"]
