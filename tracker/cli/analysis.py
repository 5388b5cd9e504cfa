"""Commands of analysis and evaluation: ``analyze``, ``simulate``, ``corpus``, ``eval``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tracker.app.limits import CORPUS_RECORDINGS, EVAL_GYRO_GAIN, EVAL_GYRO_OFFSET, EVAL_TEMPO, SEED, SIMULATED_RECORDINGS, SIMULATED_SETS
from tracker.cli.common import add_command, limited
from tracker.core.exercises import EXERCISES, HOLD, TARGET_ROM
from tracker.core.recording import SAMPLE_RATE

EXERCISE_HELP = f"one of: {', '.join(EXERCISES)}"
REAL_HELP = ("sets show what real people do, drawn from the seed: fast sets with no pause, ranges from a third to 2.5 times "
             "the exercise's, a bending knee, rebounds at the top and landing jolts, holds of 0-6 s, drifting tempo, "
             "partial returns (default: the exercise sheet's clean reps)")


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    a = add_command(sub, "analyze", "analyse a recording: reps, sets, per-rep metrics and form flags", [
        "reptrack analyze sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction",
        "reptrack analyze sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction --pelvis sample_data/side-lying-hip-abduction.pelvis.csv --hold-s 2",
        "reptrack analyze sample_data/clamshell.csv --exercise clamshell --json",
    ])
    a.add_argument("file", type=Path, help="recording CSV (see sample_data/README.md)")
    a.add_argument("--exercise", required=True, help=EXERCISE_HELP)
    a.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto (default: from the file, else the exercise)")
    a.add_argument("--pelvis", type=Path, help="a second, time-aligned recording from a sensor on the pelvis")
    a.add_argument("--hold-s", type=limited(HOLD), help="prescribed hold at the top, s (enables short_hold)")
    a.add_argument("--target-rom-deg", type=limited(TARGET_ROM), help="target range of motion (else: the session's best reps)")
    a.add_argument("--rate-hz", type=limited(SAMPLE_RATE), help="sample rate, for a file without a 't' column")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.set_defaults(handler=_analyze)

    s = add_command(sub, "simulate", "write labelled simulated recordings (a CSV per sensor and the truth as JSON)", [
        "reptrack simulate --exercise clamshell --out /tmp/sim",
        "reptrack simulate --exercise hip-raise --seed 7 --sets 3 --rate-hz 100 --count 5 --out /tmp/sim",
        "reptrack simulate --exercise standing-hip-abduction --placement shank --real-behaviours --out /tmp/sim",
    ])
    s.add_argument("--exercise", required=True, help=EXERCISE_HELP)
    s.add_argument("--seed", type=limited(SEED), default=0, help="which simulated person and session: a seed gives the same files every time (default 0)")
    s.add_argument("--out", type=Path, required=True, help="output folder")
    s.add_argument("--placement", default=None, help="sensor of the main recording (default: the exercise's moving segment)")
    s.add_argument("--rate-hz", type=limited(SAMPLE_RATE), default=50.0, help="sample rate of the simulated sensor, Hz (default 50)")
    s.add_argument("--no-gyro", action="store_true", help="accelerometer only")
    s.add_argument("--sets", type=limited(SIMULATED_SETS), default=2, help="sets in the session (default 2)")
    s.add_argument("--hold-s", type=limited(HOLD), help="prescribed hold at the top")
    s.add_argument("--fault-rate", type=float, default=0.3, help="share of reps with an injected fault (0-1)")
    s.add_argument("--no-setup", action="store_true", help="no setup motion (walking, lying down) around the sets")
    s.add_argument("--count", type=limited(SIMULATED_RECORDINGS), default=1, help="number of recordings (seeds seed, seed+1, ...)")
    s.add_argument("--real-behaviours", action="store_true", help=REAL_HELP)
    s.set_defaults(handler=_simulate)

    e = add_command(sub, "eval", "score reptrack on labelled recordings: rep counts and flags against the truth", [
        "reptrack eval /tmp/corpus",
        "reptrack eval --dataset uci-pt ../shared/data/uci-pt --json",
        "reptrack eval /tmp/corpus --latency",
        "reptrack eval /tmp/corpus --misses",
    ])
    e.add_argument("path", type=Path, help="a folder of labelled recordings, or the data set folder with --dataset")
    e.add_argument("--dataset", choices=["uci-pt"], help="evaluate on a public data set")
    e.add_argument("--hold-s", type=limited(HOLD), help="prescribed hold (uci-pt default: 5, the protocol's)")
    e.add_argument("--no-hold", action="store_true",
                   help="uci-pt: score as if no hold were prescribed (tempo judged by too_fast alone, no short_hold)")
    e.add_argument("--placements", choices=["primary", "all"],
                   help="uci-pt: the exercise's moving segment only (default), or thigh and shank for every exercise")
    e.add_argument("--subject", help="uci-pt: score one subject only, e.g. s1 (leave-one-subject-out)")
    e.add_argument("--sessions", choices=["test", "template"],
                   help="uci-pt: the test sessions (default: 10 reps of each execution type, in the protocol's windows), "
                        "or the shorter template sessions (3 of each, scored as one set of 9: recordings no rule was "
                        "tuned on)")
    e.add_argument("--tempo", type=limited(EVAL_TEMPO), default=1.0,
                   help="uci-pt: replay every recording this many times faster (timestamps divided, sample rate "
                        "and gyro rates of turn multiplied, not its offset): a proxy for people faster than the "
                        "two subjects")
    e.add_argument("--gyro-offset", type=limited(EVAL_GYRO_OFFSET), default=0.0, metavar="DPS",
                   help="uci-pt: add this offset to every gyro, deg/s, in a random direction per recording (the "
                        "same each run): a sensor out of calibration")
    e.add_argument("--gyro-gain", type=limited(EVAL_GYRO_GAIN), default=1.0, metavar="FACTOR",
                   help="uci-pt: multiply every gyro's reading by this (a full-scale range decoded as another reads "
                        "2, 4 or 8 times, or a half): a sensor whose gyro turns further or less far than gravity shows")
    e.add_argument("--no-gyro", action="store_true",
                   help="uci-pt: drop every gyro and count from the accelerometer alone, as a sensor without one "
                        "(a micro:bit, a Polar H10) would")
    e.add_argument("--misses", action="store_true",
                   help="also list each set counted wrong: the labelled reps missed, the reps counted where none was "
                        "labelled, and the engine's reasons for the movements it turned down there")
    e.add_argument("--latency", action="store_true",
                   help="also stream every recording sample by sample and measure how long after a labelled rep's end "
                        "it is shown (median, 95th percentile; slower)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    e.set_defaults(handler=_eval)

    c = add_command(sub, "corpus", "write the synthetic evaluation corpus (many labelled recordings, every exercise)", [
        "reptrack corpus --out /tmp/corpus",
        "reptrack corpus --out /tmp/small --recordings 50 --seed 7",
        "reptrack corpus --out /tmp/c_real --seed 2026 --real-behaviours",
    ])
    c.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    c.add_argument("--recordings", type=limited(CORPUS_RECORDINGS), default=300, help="how many recordings (default 300)")
    c.add_argument("--seed", type=limited(SEED), default=2026,
                   help="seed of the corpus: the same seed writes the same corpus (default 2026, the README's figures)")
    c.add_argument("--real-behaviours", action="store_true", help=REAL_HELP + "; leg lifts are also worn on the shank")
    c.set_defaults(handler=_corpus)


def _analyze(args: argparse.Namespace) -> int:
    from tracker.app.analysis import AnalysisRequest, analyse_file
    from tracker.cli.render import format_report, print_warnings
    from tracker.core.exercises import Exercise, parse_placement
    from tracker.pipeline.result_json import result_to_json

    result = analyse_file(AnalysisRequest(
        args.file, Exercise.parse(args.exercise), parse_placement(args.placement), pelvis=args.pelvis, hold_s=args.hold_s,
        target_rom_deg=args.target_rom_deg, rate_hz=args.rate_hz,
    ))
    print_warnings(result.warnings)  # also in the JSON
    print(json.dumps(result_to_json(result)) if args.json else format_report(result))
    return 0


def _simulate(args: argparse.Namespace) -> int:
    from tracker.app.analysis import SimulationRequest, simulate_recordings
    from tracker.core.exercises import Exercise, parse_placement

    files = simulate_recordings(SimulationRequest(
        Exercise.parse(args.exercise), args.out, seed=args.seed, count=args.count,
        placement=parse_placement(args.placement) if args.placement else None, rate_hz=args.rate_hz, with_gyro=not args.no_gyro,
        sets=args.sets, hold_s=args.hold_s, fault_rate=args.fault_rate, setup_motion=not args.no_setup,
        real_behaviours=args.real_behaviours,
    ))
    for f in files:
        print(f"{f.path}: {f.rep_count} reps in {f.set_count} set{'s' if f.set_count != 1 else ''}, "
              f"{f.samples} samples at {args.rate_hz:g} Hz")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from tracker.evaluation.runner import evaluate_directory, evaluate_uci, format_evaluation

    if args.dataset == "uci-pt":
        from tracker.evaluation.uci import PlacementSelection, Session

        if args.no_hold and args.hold_s is not None:
            from tracker.errors import ConfigurationError

            raise ConfigurationError("--no-hold and --hold-s contradict each other: give one")
        report = evaluate_uci(args.path, hold_s=None if args.no_hold else args.hold_s if args.hold_s is not None else 5.0,
                              placements=PlacementSelection(args.placements or "primary"), subject=args.subject,
                              latency=args.latency, tempo=args.tempo, misses=args.misses, gyro_offset_dps=args.gyro_offset,
                              gyro_gain=args.gyro_gain,
                              with_gyro=not args.no_gyro, session=Session(args.sessions or "test"))
    else:
        if (args.placements is not None or args.subject is not None or args.sessions is not None or args.no_hold
                or args.tempo != 1.0 or args.gyro_offset or args.gyro_gain != 1.0 or args.no_gyro):
            from tracker.errors import ConfigurationError

            raise ConfigurationError("--placements, --subject, --sessions, --no-hold, --tempo, --gyro-offset, --gyro-gain and --no-gyro are for UCI recordings: use them with --dataset uci-pt "
                                     "(e.g. reptrack eval --dataset uci-pt ../shared/data/uci-pt --placements all --subject s1)")
        report = evaluate_directory(args.path, hold_s=args.hold_s, latency=args.latency, misses=args.misses)
    print(json.dumps(report.to_json()) if args.json else format_evaluation(report))
    return 0


def _corpus(args: argparse.Namespace) -> int:
    from tracker.app.analysis import write_corpus

    paths = write_corpus(args.out, recordings=args.recordings, seed=args.seed, real_behaviours=args.real_behaviours)
    print(f"wrote {len(paths)} labelled recordings to {args.out}")
    return 0
