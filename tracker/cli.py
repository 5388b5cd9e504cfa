"""The composition root: ``reptrack`` command line.

Every user error surfaces as one line on stderr and exit code 2; nothing else
catches exceptions, so a bug still shows its traceback.

Start-up time counts (a whole ``analyze`` of an hour of data is budgeted at 1 s), so
each subcommand imports what it needs when it runs: module level holds only what the
argument parser needs (the exercise names for the help text).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn
from pathlib import Path

from tracker import __version__
from tracker.errors import ReptrackError
from tracker.exercises import EXERCISES

EXIT_USAGE = 2


def _positive(name: str):  # type: ignore[no-untyped-def]
    def conv(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not v > 0:
            raise argparse.ArgumentTypeError(f"{name} must be positive, got {text!r}")
        return v
    return conv


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the README promises that), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    p = _OneLineParser(prog="reptrack", description="Count reps and check form of home hip exercises from a wearable accelerometer.")
    p.add_argument("--version", action="version", version=f"reptrack {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    a = sub.add_parser("analyze", help="analyse a recording: reps, sets, per-rep metrics and form flags")
    a.add_argument("file", type=Path, help="recording CSV (see sample_data/README.md)")
    a.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
    a.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto (default: from the file, else the exercise)")
    a.add_argument("--pelvis", type=Path, help="a second, time-aligned recording from a sensor on the pelvis")
    a.add_argument("--hold-s", type=_positive("--hold-s"), help="prescribed hold at the top, s (enables short_hold)")
    a.add_argument("--target-rom-deg", type=_positive("--target-rom-deg"), help="target range of motion (else: the session's best reps)")
    a.add_argument("--rate-hz", type=_positive("--rate-hz"), help="sample rate, for a file without a 't' column")
    a.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("simulate", help="write labelled simulated recordings")
    s.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", type=Path, required=True, help="output folder")
    s.add_argument("--placement", default=None, help="sensor of the main recording (default: the exercise's moving segment)")
    s.add_argument("--rate-hz", type=_positive("--rate-hz"), default=50.0)
    s.add_argument("--no-gyro", action="store_true", help="accelerometer only")
    s.add_argument("--sets", type=int, default=2)
    s.add_argument("--hold-s", type=_positive("--hold-s"), help="prescribed hold at the top")
    s.add_argument("--fault-rate", type=float, default=0.3, help="share of reps with an injected fault (0-1)")
    s.add_argument("--no-setup", action="store_true", help="no setup motion (walking, lying down) around the sets")
    s.add_argument("--count", type=int, default=1, help="number of recordings (seeds seed, seed+1, ...)")

    e = sub.add_parser("eval", help="score reptrack on labelled recordings")
    e.add_argument("path", type=Path, help="a folder of labelled recordings, or the data set folder with --dataset")
    e.add_argument("--dataset", choices=["uci-pt"], help="evaluate on a public data set")
    e.add_argument("--hold-s", type=_positive("--hold-s"), help="prescribed hold (uci-pt default: 5, the protocol's)")
    e.add_argument("--json", action="store_true")

    c = sub.add_parser("corpus", help="write the synthetic evaluation corpus (many labelled recordings)")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--recordings", type=int, default=300)
    c.add_argument("--seed", type=int, default=2026)
    return p


def _cmd_analyze(args: argparse.Namespace) -> int:
    import json

    from tracker.csvio import read_recording
    from tracker.exercises import get_exercise, parse_placement
    from tracker.pipeline import Personalisation, analyze_recording
    from tracker.report import format_report, result_to_json

    exercise = get_exercise(args.exercise)
    placement = parse_placement(args.placement)
    read = read_recording(args.file, rate_hz=args.rate_hz)
    warnings = list(read.warnings)
    pelvis = None
    if args.pelvis is not None:
        pread = read_recording(args.pelvis, rate_hz=args.rate_hz)
        warnings += [f"pelvis: {w}" for w in pread.warnings]
        pelvis = pread.recording
    result = analyze_recording(
        read.recording, exercise, placement=placement, pelvis=pelvis,
        personal=Personalisation(hold_s=args.hold_s, target_rom_deg=args.target_rom_deg),
        warnings=tuple(warnings),
    )
    if args.json:
        print(json.dumps(result_to_json(result)))
    else:
        print(format_report(result))  # warnings are part of the report
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from tracker.csvio import write_recording
    from tracker.errors import ConfigurationError
    from tracker.exercises import get_exercise, parse_placement
    from tracker.recording import Placement
    from tracker.simulate import SimulationConfig, simulate, write_labels

    exercise = get_exercise(args.exercise)
    placement = parse_placement(args.placement) if args.placement else exercise.moving_segment
    if placement is Placement.AUTO:
        placement = Placement.THIGH
    if not 0 <= args.fault_rate <= 1:
        raise ConfigurationError("--fault-rate must be between 0 and 1")
    args.out.mkdir(parents=True, exist_ok=True)
    for k in range(args.count):
        seed = args.seed + k
        cfg = SimulationConfig(
            exercise=exercise.name, seed=seed, sample_rate_hz=args.rate_hz, with_gyro=not args.no_gyro,
            n_sets=args.sets, hold_s=args.hold_s, fault_rate=args.fault_rate, setup_motion=not args.no_setup,
            placement=placement,
        )
        sim = simulate(cfg)
        stem = f"{exercise.name}-{placement.value}-seed{seed}"
        write_recording(args.out / f"{stem}.csv", sim.main)
        if sim.pelvis is not None:
            write_recording(args.out / f"{stem}.pelvis.csv", sim.pelvis)
        write_labels(args.out / f"{stem}.labels.json", sim.labels)
        n_sets = len(sim.labels.sets)
        print(f"{args.out / stem}.csv: {sim.labels.rep_count} reps in {n_sets} set{'s' if n_sets != 1 else ''}, "
              f"{len(sim.main)} samples at {args.rate_hz:g} Hz")
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    import json

    from tracker.evaluation.runner import evaluate_directory, evaluate_uci, format_evaluation

    if args.dataset == "uci-pt":
        report = evaluate_uci(args.path, hold_s=args.hold_s if args.hold_s is not None else 5.0)
    else:
        report = evaluate_directory(args.path, hold_s=args.hold_s)
    if args.json:
        print(json.dumps(report.to_json()))
    else:
        print(format_evaluation(report))
    return 0


def _cmd_corpus(args: argparse.Namespace) -> int:
    from tracker.simulate import simulate_corpus

    paths = simulate_corpus(args.out, n_recordings=args.recordings, seed=args.seed)
    print(f"wrote {len(paths)} labelled recordings to {args.out}")
    return 0


COMMANDS = {"analyze": _cmd_analyze, "simulate": _cmd_simulate, "eval": _cmd_eval, "corpus": _cmd_corpus}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
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
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
