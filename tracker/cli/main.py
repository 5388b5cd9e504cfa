"""The ``reptrack`` command line: parse, call the application layer, render.

Every user error surfaces as one line on stderr and exit code 2; nothing else is caught, so
a bug still shows its traceback.

Start-up time counts (a whole ``analyze`` of an hour of data is budgeted at 1 s), so each
command imports what it needs when it runs: module level holds only what the argument
parser needs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from tracker import __version__
from tracker.cli import analysis, calibration, dashboard, people, prescriptions, sensors, sessions, store
from tracker.cli.common import EXIT_INTERRUPTED, EXIT_USAGE, OneLineParser, option_name, store_option
from tracker.errors import InvalidValueError, ReptrackError

#: the command groups, in the order of the help text
GROUPS = (analysis, sessions, sensors, calibration, people, prescriptions, store, dashboard)

EXAMPLES = """examples:
  reptrack demo                       a simulated session, live, then its report (no sensor needed)
  reptrack analyze sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction
  reptrack record --source sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction --person zoe
  reptrack show last
  reptrack COMMAND --help             what a command does, its options and examples"""


def build_parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog="reptrack", description="Count reps and check form of home hip exercises from a wearable accelerometer.",
                      formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXAMPLES)
    p.add_argument("--version", action="version", version=f"reptrack {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    db = store_option()
    for group in GROUPS:
        group.register(sub, db)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InvalidValueError as exc:
        print(f"reptrack: error: {option_name(exc.field)} {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except ReptrackError as exc:
        print(f"reptrack: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): stop quietly
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps interpreter shutdown from failing again
        return 1
    except OSError as exc:
        # a missing or unreadable file: say which, no traceback
        print(f"reptrack: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as exc:
        # Ctrl-C cut the command short (ending a live 'record' session is no interruption: exit 0)
        print("reptrack: interrupted" + (f": {exc}" if str(exc) else ""), file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
