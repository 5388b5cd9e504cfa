"""What every command group of the CLI shares: the parser class, argument converters, the
store option, and turning command-line text into the application layer's values."""

from __future__ import annotations

import argparse
import math
import re
import shutil
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tracker.core.limits import Limit
from tracker.errors import ConfigurationError, InvalidValueError

if TYPE_CHECKING:
    from tracker.store import Store

EXIT_USAGE = 2
#: help text is wrapped to the terminal, but no wider than this (long lines are hard to read)
HELP_WIDTH = 100
#: Ctrl-C cut the command short: the shell's 128 + SIGINT
EXIT_INTERRUPTED = 130


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, with what became of the command's work: ``reptrack: interrupted: <that>``, exit 130."""


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the README promises that), exit code 2, worded
    like every other error: ``reptrack: error: --rate-hz is ...``."""

    def error(self, message: str) -> NoReturn:
        # argparse says "argument --rate-hz: is a sample rate ..."; the application's errors say
        # "--rate-hz is a sample rate ...": one form for both
        message = re.sub(r"^argument ([^:]+): ", r"\1 ", message)
        self.exit(EXIT_USAGE, f"reptrack: error: {message} (see '{self.prog} --help')\n")


def add_command(sub: argparse._SubParsersAction, name: str, about: str, examples: Sequence[str],  # type: ignore[type-arg]
                parents: Sequence[argparse.ArgumentParser] = ()) -> argparse.ArgumentParser:
    """A command (or subcommand) with its one-line ``about`` in the list of commands, that line
    as its description, and ``examples`` under its ``--help``: every command is added this way, so
    none is without them (tests/test_cli_help.py walks the whole tree)."""
    width = max(min(shutil.get_terminal_size().columns, HELP_WIDTH) - 2, 40)
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    return sub.add_parser(name, parents=list(parents), help=about, description=textwrap.fill(about[0].upper() + about[1:] + ".", width),
                          epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)


def limited(limit: Limit) -> Callable[[str], float]:
    """An argparse type: a number within ``limit`` (the application layer checks the same limit)."""

    def conv(text: str) -> float:
        try:
            v: float = int(text) if limit.integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(limit.refusal(text)) from None
        if not limit.contains(v):
            raise argparse.ArgumentTypeError(limit.refusal(text))
        return v
    return conv


def store_option() -> argparse.ArgumentParser:
    """The ``--db`` option, as a parent parser for the commands that use the store."""
    db = OneLineParser(add_help=False)
    db.add_argument("--db", type=Path, help="the store (default: $REPTRACK_DB, else reptrack.db in your data directory)")
    return db


def open_store(args: argparse.Namespace, *, create: bool = True, read_only: bool = False) -> Store:
    """The store (``--db``, else the default). Commands that only read open it ``read_only``
    (they never write, not even to create it); ``create=False``: a writing command that needs
    what is already there."""
    from tracker.store import OpenMode, Store, default_store_path

    path = args.db if args.db is not None else default_store_path()
    return Store.open(path, mode=OpenMode.READ if read_only else OpenMode.WRITE, create=create)


def session_ref(text: str) -> int | None:
    """A session on the command line: its id, or ``last`` (None: the latest)."""
    if text in ("last", "latest"):
        return None
    try:
        sid = int(text)
    except ValueError:
        sid = -1
    if not 0 < sid < 2**63:
        raise ConfigurationError(f"a session is given by its id (see 'reptrack sessions') or 'last', not {text!r}")
    return sid


def speed(text: str) -> float:
    """``--speed``: a factor within :data:`~tracker.app.limits.REPLAY_SPEED`, or ``max`` (as fast as possible)."""
    from tracker.app.limits import REPLAY_SPEED

    if text in ("max", "inf"):
        return math.inf
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not REPLAY_SPEED.contains(v):
        raise InvalidValueError("speed", f"{REPLAY_SPEED.refusal(text)} (or 'max': as fast as possible)")
    return v


def started_at(text: str | None) -> datetime | None:
    """``--started-at``: ISO 8601; without a zone, UTC."""
    if text is None:
        return None
    try:
        d = datetime.fromisoformat(text)
        if d.tzinfo is None:
            d = d.replace(tzinfo=UTC)
        d.astimezone(UTC)  # an impossible date overflows here
        return d
    except (ValueError, OverflowError):
        raise InvalidValueError("started_at", f"is a date and time like 2026-11-02T09:30, not {text!r}") from None


def number_range(text: str, field: str, *, what: str, example: str) -> tuple[float, float]:
    """``MIN-MAX`` for the option of ``field`` (``--reps 8-12``: ``what`` "reps per set", ``example`` "8-12")."""
    try:
        lo, hi = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise InvalidValueError(field, f"is MIN-MAX {what}, e.g. {example}, not {text!r}") from None
    if not 0 <= lo <= hi < 1e6:  # not inf, not nan
        raise InvalidValueError(field, f"is MIN-MAX {what} with MIN at most MAX, e.g. {example}, not {text!r}")
    return lo, hi


def option_name(field: str) -> str:
    """The command-line option of an application-layer field (``load_kg`` -> ``--load-kg``)."""
    return "--" + field.replace("_", "-")
