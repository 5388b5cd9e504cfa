"""Asking before a change that cannot be undone (deleting, merging, renaming), and how sizes and
counts are said in those questions."""

from __future__ import annotations

import sys

from tracker.errors import ConfigurationError


def confirmed(question: str, *, yes: bool, command: str) -> bool:
    """Whether to go ahead: ``--yes`` says so; on a terminal, ``question [y/N]`` is asked (on
    stderr) and only "y" or "yes" is yes; without a terminal (a script, a pipe) it is refused,
    as nobody is there to answer.

    Raises
    ------
    ConfigurationError
        No ``--yes`` and stdin is not a terminal.
    """
    if yes:
        return True
    if not sys.stdin.isatty():
        raise ConfigurationError(f"'reptrack {command}' asks before it changes anything, and there is no terminal to ask on: "
                                 "add --yes to go ahead")
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().casefold() in ("y", "yes")


def size(n_bytes: int) -> str:
    """``3.4 MB``, ``820 kB``, ``96 bytes`` (decimal units, as a file manager shows them)."""
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1e6:.1f} MB"
    if n_bytes >= 1_000:
        return f"{n_bytes / 1e3:.0f} kB"
    return f"{n_bytes} bytes"


def counted(n: int, thing: str, plural: str | None = None) -> str:
    """``1 session``, ``2 sessions``."""
    return f"{n} {thing if n == 1 else plural or thing + 's'}"


def listed(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
