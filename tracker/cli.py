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
        if not 0 < v < 1e9:  # not inf, not nan
            raise argparse.ArgumentTypeError(f"{name} must be a positive number, got {text!r}")
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

    db = _OneLineParser(add_help=False)
    db.add_argument("--db", type=Path, help="the store (default: $REPTRACK_DB, else reptrack.db in your data directory)")

    r = sub.add_parser("record", parents=[db], help="record a session live into the store (from a recording replayed, for now)")
    r.add_argument("--source", type=Path, required=True, help="a recording CSV to replay as a live sensor")
    r.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
    r.add_argument("--person", required=True, help="whose session this is (created when new)")
    r.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto")
    r.add_argument("--pelvis", type=Path, help="a second recording, from a sensor on the pelvis")
    r.add_argument("--speed", default="1", help="1 = real time, X = X times faster, max = as fast as possible (default 1)")
    r.add_argument("--hold-s", type=_positive("--hold-s"), help="prescribed hold (default: the person's prescription)")
    r.add_argument("--load-kg", type=float, help="ankle weight, kg (default: the person's prescription)")
    r.add_argument("--plain", action="store_true", help="one line per rep instead of the live panel")
    r.add_argument("--device", help="the sensor's name, for its device calibration (default: replay:FILE)")
    r.add_argument("--rate-hz", type=_positive("--rate-hz"), help="sample rate, for a file without a 't' column")

    i = sub.add_parser("import", parents=[db], help="import a recording CSV as a stored session (analysed like a live one)")
    i.add_argument("file", type=Path)
    i.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
    i.add_argument("--person", required=True)
    i.add_argument("--placement", default="auto")
    i.add_argument("--pelvis", type=Path)
    i.add_argument("--hold-s", type=_positive("--hold-s"))
    i.add_argument("--load-kg", type=float)
    i.add_argument("--rate-hz", type=_positive("--rate-hz"))
    i.add_argument("--device", help="the sensor's name, for its device calibration (default: replay:FILE)")
    i.add_argument("--started-at", help="when the recording was made, ISO 8601 (default: now; UTC unless a zone is given)")

    cal = sub.add_parser("calibrate", help="guided calibrations: device (six poses), mounting (start posture), range (2-3 reps)")
    calsub = cal.add_subparsers(dest="kind", required=True)
    cd = calsub.add_parser("device", parents=[db], help="six still poses, each face of the sensor up once -> offset and scale")
    cd.add_argument("--source", type=Path, required=True, help="a recording of the six poses")
    cd.add_argument("--device", required=True, help="the sensor's name (sessions recorded with it use the calibration)")
    cm = calsub.add_parser("mounting", parents=[db], help="a few seconds still in the exercise's start posture -> how the sensor sits")
    cr = calsub.add_parser("range", parents=[db], help="2-3 comfortable reps -> target range and baselines for the flags")
    for q in (cm, cr):
        q.add_argument("--device", help="the sensor's name: its device calibration is applied first")
        q.add_argument("--source", type=Path, required=True, help="a recording (from the sensor in place)")
        q.add_argument("--person", required=True)
        q.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
        q.add_argument("--placement", default="auto")
    cr.add_argument("--pelvis", type=Path, help="a second recording, from a sensor on the pelvis (pelvic baseline)")
    for q in (cd, cm, cr):
        q.add_argument("--speed", default="max", help="replay speed of the recording: 1 = real time, max (default)")
        q.add_argument("--rate-hz", type=_positive("--rate-hz"), help="sample rate, for a file without a 't' column")

    pa = sub.add_parser("patients", parents=[db], help="a therapist's list: each person, their last session, and who needs attention")
    pa.add_argument("--therapist", help="only this therapist's patients")
    pa.add_argument("--json", action="store_true")

    ls = sub.add_parser("sessions", parents=[db], help="list stored sessions")
    ls.add_argument("--person", help="only this person's")
    ls.add_argument("--json", action="store_true")

    sh = sub.add_parser("show", parents=[db], help="the per-set, per-rep report of a stored session")
    sh.add_argument("session", help="session id, or 'last'")
    sh.add_argument("--json", action="store_true")

    ra = sub.add_parser("reanalyze", parents=[db], help="run the analysis again from a session's stored raw samples")
    ra.add_argument("session", help="session id, or 'last'")
    ra.add_argument("--dry-run", action="store_true", help="compare only; keep the stored results")

    ex = sub.add_parser("export", parents=[db], help="write a session's raw samples and reps as CSV and the whole session as JSON")
    ex.add_argument("session", help="session id, or 'last'")
    ex.add_argument("--out", type=Path, required=True, help="output folder")

    pr = sub.add_parser("prescribe", parents=[db], help="set a person's prescription for an exercise (kept as history)")
    pr.add_argument("person")
    pr.add_argument("--exercise", required=True, help=f"one of: {', '.join(EXERCISES)}")
    pr.add_argument("--sets", type=int, default=2, help="sets per session (default 2)")
    pr.add_argument("--reps", default="8-12", help="rep range per set, MIN-MAX (default 8-12)")
    pr.add_argument("--hold-s", type=_positive("--hold-s"), help="hold at the top, s")
    pr.add_argument("--rest-s", default="60-180", help="rest between sets, MIN-MAX seconds (default 60-180)")
    pr.add_argument("--days-per-week", type=int, default=3, help="sessions per week (default 3)")
    pr.add_argument("--load-kg", type=float, default=0.0, help="ankle weight, kg (default 0)")
    pr.add_argument("--therapist", help="the prescribing therapist (the person is added to their list)")

    pg = sub.add_parser("progress", parents=[db], help="adherence, rests and the next step against the prescription")
    pg.add_argument("person")
    pg.add_argument("--exercise", help="one exercise (default: every prescribed one)")
    pg.add_argument("--pain-threshold", type=int, default=5, choices=range(1, 11), metavar="1-10",
                    help="pain (0-10) at or above this blocks progression (default 5)")
    pg.add_argument("--json", action="store_true")

    lg = sub.add_parser("log", parents=[db], help="record pain or effort (RPE), 0-10, for a person (and a session)")
    lg.add_argument("person")
    lg.add_argument("--pain", type=int, help="pain 0-10")
    lg.add_argument("--rpe", type=int, help="effort 0-10 (rate of perceived exertion)")
    lg.add_argument("--session", help="the session it refers to (id or 'last')")
    lg.add_argument("--note", help="a few words")

    nt = sub.add_parser("note", parents=[db], help="a therapist's note on a person or a session")
    nt.add_argument("person")
    nt.add_argument("text")
    nt.add_argument("--session", help="session id or 'last'")
    nt.add_argument("--therapist")
    nt.add_argument("--resolve", action="store_true", help="the note answers the person's attention mark (pain): clear it")

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


def _open_store(args: argparse.Namespace, *, create: bool = True):  # type: ignore[no-untyped-def]
    """The store (``--db``, else the default); commands that only read do not create one."""
    from tracker.store import Store, default_store_path

    return Store.open(args.db if args.db is not None else default_store_path(), create=create)


def _session_id(store, text: str, person: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """A session id from the command line: a number, or 'last' (the latest started, of
    ``person`` when given). With ``person``, the session must be theirs."""
    from tracker.errors import ConfigurationError

    if text in ("last", "latest"):
        sessions = store.sessions(person=person)  # oldest first
        if not sessions:
            raise ConfigurationError(f"no sessions{f' for {person}' if person else ''} in {store.path} yet")
        return int(sessions[-1].id)
    try:
        sid = int(text)
    except ValueError:
        sid = -1
    if not 0 < sid < 2**63:
        raise ConfigurationError(f"a session is given by its id (see 'reptrack sessions') or 'last', not {text!r}")
    owner = store.session(sid).person  # says so when there is no such session
    if person is not None and owner != person.strip():
        raise ConfigurationError(f"session {sid} is {owner}'s, not {person.strip()}'s")
    return sid


def _speed(text: str) -> float:
    import math

    from tracker.errors import ConfigurationError

    if text in ("max", "inf"):
        return math.inf
    try:
        v = float(text)
    except ValueError:
        v = -1.0
    if not v > 0:
        raise ConfigurationError(f"--speed is a positive number or 'max', not {text!r}")
    return v


def _iso_utc(text: str | None) -> str | None:
    from datetime import UTC, datetime

    from tracker.errors import ConfigurationError

    if text is None:
        return None
    try:
        d = datetime.fromisoformat(text)
        if d.tzinfo is None:
            d = d.replace(tzinfo=UTC)
        return d.astimezone(UTC).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError):
        raise ConfigurationError(f"--started-at is a date and time like 2026-11-02T09:30, not {text!r}") from None


def _run_session(args: argparse.Namespace, file: Path, *, speed: float, live_view: bool) -> int:
    import asyncio
    import signal

    from tracker.calibrate import calibration_for_session
    from tracker.csvio import read_recording
    from tracker.errors import ConfigurationError
    from tracker.exercises import get_exercise, parse_placement
    from tracker.liveview import PlainView, RichView
    from tracker.pipeline import resolve_placement
    from tracker.recorder import SessionRecorder
    from tracker.recording import Placement
    from tracker.sources import ReplaySource

    exercise = get_exercise(args.exercise)
    if args.load_kg is not None and not 0 <= args.load_kg < 100:
        raise ConfigurationError(f"--load-kg is an ankle weight in kg (0-100), not {args.load_kg}")
    args.person = args.person.strip()
    read = read_recording(file, rate_hz=args.rate_hz)
    warnings = [f"warning: {w}" for w in read.warnings]
    pelvis = None
    if args.pelvis is not None:
        pread = read_recording(args.pelvis, rate_hz=args.rate_hz)
        warnings += [f"warning: pelvis: {w}" for w in pread.warnings]
        pelvis = pread.recording
    source = ReplaySource(read.recording, pelvis=pelvis, speed=speed, name=args.device or f"replay:{file.name}")
    placement = resolve_placement(parse_placement(args.placement), read.recording.meta.placement, exercise)
    if pelvis is not None and placement is Placement.PELVIS:
        raise ConfigurationError("--pelvis adds a pelvis sensor to a thigh or shank recording; the main one is already on the pelvis")
    for w in warnings:  # the data is usable: say what was wrong with it
        print(w, file=sys.stderr)
    with _open_store(args) as store:
        store.ensure_person(args.person)
        presc = store.current_prescription(args.person, exercise.name)
        hold_s = args.hold_s if args.hold_s is not None else (presc.hold_s if presc else None)
        load_kg = args.load_kg if args.load_kg is not None else (presc.load_kg if presc else None)
        cal = calibration_for_session(store, device=source.info.device_name, person=args.person, exercise=exercise.name,
                                      placement=placement.value)
        for line in cal.describe():
            print(f"using {line}")
        view = None
        if live_view:
            view = RichView(f"{args.person} · {exercise.title}") if sys.stdout.isatty() and not args.plain else PlainView()
        rec = SessionRecorder(store, source, person=args.person, exercise=exercise.name, placement=placement.value,
                              hold_s=hold_s, load_kg=load_kg, target_rom_deg=cal.target_rom_deg,
                              pelvic_baseline_deg=cal.pelvic_baseline_deg, sparc_baseline=cal.sparc_baseline,
                              calibration_ids=cal.ids, accel_offset_g=cal.device.offset_g if cal.device else None,
                              accel_scale=cal.device.scale if cal.device else None,
                              started_at=_iso_utc(getattr(args, "started_at", None)),
                              mounting_up=cal.mounting.up_sensor if cal.mounting else None,
                              on_warning=None if view is None else view.warn,
                              on_update=None if view is None else view.update)

        async def run() -> None:
            if live_view:
                # Ctrl-C, closing the terminal or a polite kill: the person ended the session
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                    if sig is not None:
                        try:
                            loop.add_signal_handler(sig, rec.stop)
                        except (NotImplementedError, RuntimeError, ValueError):
                            pass
            await rec.run()

        try:
            if view is not None:
                with view:
                    asyncio.run(run())
            else:
                asyncio.run(run())
        except KeyboardInterrupt:
            # an import cut short is no complete session
            print(f"reptrack: interrupted: session {rec.session_id} is stored as 'interrupted' with what was read so far",
                  file=sys.stderr)
            return 130
        info = store.session(rec.session_id)
        print(f"session {info.id} {info.status.value}: {info.rep_count} reps in {info.set_count} "
              f"set{'s' if info.set_count != 1 else ''}, {info.sample_count} samples stored in {store.path}")
        print(f"report: reptrack show {info.id}" + (f" --db {args.db}" if args.db else ""))
    return 0


def _cmd_record(args: argparse.Namespace) -> int:
    return _run_session(args, args.source, speed=_speed(args.speed), live_view=True)


def _cmd_import(args: argparse.Namespace) -> int:
    import math

    args.plain = True
    return _run_session(args, args.file, speed=math.inf, live_view=False)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    import asyncio

    from dataclasses import replace

    from calibration.device import DeviceCalibration
    from calibration.flows import DeviceFlow, MountingFlow, Prompt
    from tracker.errors import ConfigurationError
    from tracker.recording import Placement
    from tracker.calibrate import run_flow, run_range
    from tracker.csvio import read_recording
    from tracker.exercises import get_exercise, parse_placement
    from tracker.pipeline import resolve_placement
    from tracker.sources import ReplaySource

    read = read_recording(args.source, rate_hz=args.rate_hz)
    for w in read.warnings:
        print(f"warning: {w}", file=sys.stderr)
    rec = read.recording
    speed = _speed(args.speed)

    def show(e: object) -> None:
        if isinstance(e, Prompt):
            print(e.text)
        else:
            print(f"✗ [{e.t_s:6.1f} s] {e.reason}")  # type: ignore[attr-defined]

    with _open_store(args) as store:
        if args.kind == "device":
            source = ReplaySource(rec, speed=speed, name=args.device)
            dflow = DeviceFlow(source.info.sample_rate_hz)
            asyncio.run(run_flow(source, dflow, show))
            dres = dflow.result()
            cid = store.add_calibration("device", dres.to_json(), dres.quality, device=args.device,
                                        device_kind=source.info.device_kind, has_gyro=source.info.has_gyro)
            print(f"device calibration {cid} stored for {args.device}: offset "
                  f"{', '.join(f'{x:+.3f}' for x in dres.offset_g)} g, scale {', '.join(f'{x:.3f}' for x in dres.scale)}; {dres.quality}")
            return 0
        exercise = get_exercise(args.exercise)
        placement = resolve_placement(parse_placement(args.placement), rec.meta.placement, exercise)
        if args.device:
            dev = store.latest_calibration("device", device=args.device)
            if dev is None:
                raise ConfigurationError(f"no device calibration for {args.device!r}: see 'reptrack calibrate device'")
            rec = replace(rec, accel_g=DeviceCalibration.from_json(dev.data).apply(rec.accel_g))
        if args.kind == "range" and args.pelvis is not None and placement is Placement.PELVIS:
            raise ConfigurationError("--pelvis adds a pelvis sensor to a thigh or shank recording; the main one is already on the pelvis")
        store.ensure_person(args.person)
        if args.kind == "mounting":
            source = ReplaySource(rec, speed=speed)
            mflow = MountingFlow(source.info.sample_rate_hz, exercise, placement)
            asyncio.run(run_flow(source, mflow, show))
            mres = mflow.result()
            cid = store.add_calibration("mounting", mres.to_json(), mres.quality, person=args.person, exercise=exercise.name,
                                        placement=placement.value)
            print(f"mounting calibration {cid} stored for {args.person}, {exercise.name} ({placement.value}): {mres.quality}")
            return 0
        pelvis = read_recording(args.pelvis, rate_hz=args.rate_hz).recording if args.pelvis is not None else None
        source = ReplaySource(rec, pelvis=pelvis, speed=speed)
        print(f"Do 2-3 slow, comfortable reps of '{exercise.title}', as far as is comfortable.")
        rres = asyncio.run(run_range(source, exercise, placement,
                                     on_rep=lambda e: print(f"rep {e.rep.index}: {e.rep.rom_deg:.0f}°")))
        cid = store.add_calibration("range", rres.to_json(), rres.quality, person=args.person, exercise=exercise.name,
                                    placement=placement.value)
        base = f", pelvic baseline {rres.pelvic_baseline_deg:.1f}°" if rres.pelvic_baseline_deg is not None else ""
        print(f"range calibration {cid} stored for {args.person}, {exercise.name}: target {rres.target_rom_deg:.1f}°{base}; {rres.quality}")
    return 0


def _range(text: str, what: str) -> tuple[float, float]:
    from tracker.errors import ConfigurationError

    try:
        lo, hi = (float(x) for x in text.split("-", 1))
    except ValueError:
        raise ConfigurationError(f"{what} is MIN-MAX, e.g. 8-12, not {text!r}") from None
    if not 0 <= lo <= hi < 1e6:  # not inf, not nan
        raise ConfigurationError(f"{what}: MIN must be at most MAX, both finite, got {text!r}")
    return lo, hi


def _cmd_prescribe(args: argparse.Namespace) -> int:
    from tracker.errors import ConfigurationError
    from tracker.exercises import get_exercise

    exercise = get_exercise(args.exercise)
    if exercise.name == "auto":
        raise ConfigurationError("a prescription names its exercise ('auto' is for analysing an unknown one)")
    rmin, rmax = _range(args.reps, "--reps")
    smin, smax = _range(args.rest_s, "--rest-s")
    if smax < 10:
        raise ConfigurationError(f"--rest-s is in seconds (1-3 minutes is 60-180), not {args.rest_s!r}")
    if not 1 <= args.sets <= 20 or not 1 <= args.days_per_week <= 7 or not 0 <= args.load_kg < 100 or not 1 <= rmax <= 500:
        raise ConfigurationError("--sets 1-20, --days-per-week 1-7, --load-kg 0-100 and 1-500 reps, please")
    if rmin != int(rmin) or rmax != int(rmax):
        raise ConfigurationError(f"--reps counts whole reps, not {args.reps!r}")
    with _open_store(args) as store:
        store.ensure_person(args.person, therapist=args.therapist)
        p = store.add_prescription(args.person, exercise.name, sets=args.sets, reps_min=int(rmin), reps_max=int(rmax), hold_s=args.hold_s,
                                   rest_min_s=smin, rest_max_s=smax, days_per_week=args.days_per_week, load_kg=args.load_kg)
    hold = f", hold {p.hold_s:g} s" if p.hold_s else ""
    print(f"{p.person}, {exercise.title}: {p.sets} sets of {p.reps_min}-{p.reps_max} reps{hold}, {p.rest_min_s:g}-{p.rest_max_s:g} s rest, "
          f"{p.days_per_week} days a week, {p.load_kg:g} kg (prescription {p.id})")
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime

    from tracker.errors import ConfigurationError
    from tracker.progress import PrescriptionValue, SessionValue, assess_progress
    from tracker.stored import stored_sets
    from tracker.store.repository import parse_iso as _parse

    def parse_iso(text: str) -> datetime:
        return _parse(text).astimezone()  # days are the person's local days

    with _open_store(args, create=False) as store:
        person = store.person(args.person)
        history = store.prescription_history(person.name, args.exercise)
        if not history:
            raise ConfigurationError(f"{person.name} has no prescription" + (f" for {args.exercise}" if args.exercise else "")
                                     + ": see 'reptrack prescribe'")
        entries = store.entries(person.name)
        notes = store.notes(person.name)
        pains = [(parse_iso(e.created_at), e.value) for e in entries if e.kind == "pain"]
        reports = []
        for exercise in dict.fromkeys(p.exercise for p in history):
            hist = [PrescriptionValue(p.exercise, p.sets, p.reps_min, p.reps_max, p.hold_s, p.rest_min_s, p.rest_max_s, p.days_per_week,
                                      p.load_kg, parse_iso(p.created_at)) for p in history if p.exercise == exercise]
            values = []
            for s in store.sessions(person=person.name, exercise=exercise):
                sets = stored_sets(store, s.id)
                values.append(SessionValue(s.id, parse_iso(s.started_at), s.status.value, s.load_kg, tuple(x.rep_count for x in sets),
                                           tuple(x.rest_before_s for x in sets if x.rest_before_s is not None), s.rep_count,
                                           store.flagged_rep_count(s.id)))
            reports.append(assess_progress(person.name, hist, values, pains, datetime.now().astimezone(),
                                           pain_threshold=args.pain_threshold,
                                           attention_cleared_at=parse_iso(person.attention_cleared_at) if person.attention_cleared_at else None))
        reasons = [r.attention_reason for r in reports if r.attention_reason]
        if reasons:
            store.set_attention(person.name, reasons[0])
    if args.json:
        print(json.dumps([r.to_json() for r in reports]))
        return 0
    for r in reports:
        p = r.prescription
        print(f"{r.person} — {r.exercise}: {p.sets} x {p.reps_min}-{p.reps_max} reps, {p.days_per_week} days/week, {p.load_kg:g} kg "
              f"(since {p.created_at.date().isoformat()})")
        print(f"  sessions per week: {r.sessions_per_week:.1f} (prescribed {p.days_per_week}); "
              f"days with data in the last 30: {r.data_days_30} of about {r.expected_days_30:.0f}")
        print("  last 4 weeks: " + ", ".join(f"{w}: {n}" for w, n in r.weeks))
        if r.rests_ok + r.rests_short + r.rests_long:
            print(f"  rests between sets: {r.rests_ok} within {p.rest_min_s:g}-{p.rest_max_s:g} s, {r.rests_short} shorter, {r.rests_long} longer")
        for c in r.sessions[-5:]:
            print(f"  {c.date} session {c.id}: sets {'/'.join(str(n) for n in c.set_reps) or '-'}"
                  f"{' (top of range)' if c.top_reached else ''}, {100 * c.good_form_share:.0f} % good form")
        print(f"  next: {r.suggestion}")
        if r.needs_attention:
            print(f"  ! marked for the therapist's attention: {r.attention_reason}")
    recent = [e for e in entries if (datetime.now().astimezone() - parse_iso(e.created_at)).days < 30]
    if recent:
        print("pain and effort, last 30 days: " + "; ".join(
            f"{e.created_at[:10]} {e.kind} {e.value}/10" + (f" ({e.note})" if e.note else "") for e in recent))
    for n in notes[-5:]:
        print(f"note{f' by {n.therapist}' if n.therapist else ''} ({n.created_at[:10]}"
              f"{f', session {n.session_id}' if n.session_id else ''}): {n.text}")
    return 0


def _cmd_log(args: argparse.Namespace) -> int:
    from tracker.errors import ConfigurationError
    from tracker.progress import PAIN_THRESHOLD as PAIN_ATTENTION

    if (args.pain is None) == (args.rpe is None):
        raise ConfigurationError("give one of --pain N or --rpe N (0-10)")
    kind, value = ("pain", args.pain) if args.pain is not None else ("rpe", args.rpe)
    with _open_store(args, create=False) as store:
        store.person(args.person)
        sid = _session_id(store, args.session, args.person) if args.session else None
        e = store.add_entry(args.person, kind, value, session_id=sid, note=args.note)
        if kind == "pain" and value >= PAIN_ATTENTION:
            store.set_attention(args.person, f"pain {value}/10 reported on {e.created_at[:10]}" + (f": {args.note}" if args.note else ""))
    print(f"{kind} {e.value}/10 recorded for {e.person}" + (f" (session {sid})" if sid else ""))
    if kind == "pain" and value >= PAIN_ATTENTION:
        print("Stop the exercise if the pain is sharp; you are marked for your therapist's attention ('reptrack patients').")
    return 0


def _cmd_note(args: argparse.Namespace) -> int:
    with _open_store(args, create=False) as store:
        store.person(args.person)
        sid = _session_id(store, args.session, args.person) if args.session else None
        n = store.add_note(args.person, args.text, session_id=sid, therapist=args.therapist)
        if args.resolve:
            store.set_attention(args.person, None)
    print(f"note {n.id} added for {n.person}" + (f" on session {sid}" if sid else "") + ("; attention mark cleared" if args.resolve else ""))
    return 0


def _cmd_patients(args: argparse.Namespace) -> int:
    import json
    from datetime import datetime, timedelta

    from tracker.store.repository import parse_iso

    rows = []
    with _open_store(args, create=False) as store:
        now = datetime.now().astimezone()
        for p in store.people(therapist=args.therapist):
            sessions = store.sessions(person=p.name)
            days = {parse_iso(x.started_at).astimezone().date() for x in sessions if x.rep_count}
            pains = store.entries(p.name, kind="pain")
            rows.append({
                "person": p.name, "therapist": p.therapist, "needs_attention": p.needs_attention, "attention_reason": p.attention_reason,
                "sessions": len(sessions), "last_session": sessions[-1].started_at if sessions else None,
                "session_days_30": sum(now.date() - d < timedelta(days=30) for d in days),
                "last_pain": None if not pains else {"value": pains[-1].value, "at": pains[-1].created_at, "note": pains[-1].note},
            })
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("no patients" + (f" for {args.therapist}" if args.therapist else ""))
        return 0
    rows.sort(key=lambda r: (not r["needs_attention"], r["person"]))  # who needs attention first
    print(f"{'person':<18} {'therapist':<14} {'sessions':>8} {'last session (UTC)':<18} {'days/30':>7}  attention")
    for r in rows:
        last = (r["last_session"] or "-")[:16].replace("T", " ")
        flag = f"! {r['attention_reason']}" if r["needs_attention"] else ""
        print(f"{r['person'][:18]:<18} {(r['therapist'] or '-')[:14]:<14} {r['sessions']:>8} {last:<18} {r['session_days_30']:>7}  {flag}")
    return 0


def _cmd_sessions(args: argparse.Namespace) -> int:
    import json

    with _open_store(args, create=False) as store:
        sessions = store.sessions(person=args.person)
    if args.json:
        print(json.dumps([x.to_json() for x in sessions]))
        return 0
    if not sessions:
        print("no sessions" + (f" for {args.person}" if args.person else ""))
        return 0
    print(f"{'id':>4}  {'person':<16} {'exercise':<26} {'started (UTC)':<20} {'status':<12} {'reps':>5} {'sets':>4} {'samples':>8}")
    for x in sessions:
        print(f"{x.id:>4}  {x.person[:16]:<16} {x.exercise[:26]:<26} {x.started_at[:19].replace('T', ' '):<20} "
              f"{x.status.value:<12} {x.rep_count:>5} {x.set_count:>4} {x.sample_count:>8}")
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    import json

    from tracker.report import format_report, result_to_json
    from tracker.stored import stored_result

    with _open_store(args, create=False) as store:
        sid = _session_id(store, args.session)
        info = store.session(sid)
        result = stored_result(store, sid)
        notes = store.notes(info.person, session_id=sid)
        entries = [e for e in store.entries(info.person) if e.session_id == sid]
        in_force = [p for p in store.prescription_history(info.person, info.exercise) if p.created_at <= info.started_at]
        presc = in_force[-1] if in_force else None
        calibrations = [store.calibration(c) for c in info.params.calibration_ids]
    if args.json:
        out = info.to_json()
        out.update(result_to_json(result))
        out["notes"] = [{"text": n.text, "therapist": n.therapist, "created_at": n.created_at} for n in notes]
        out["entries"] = [{"kind": e.kind, "value": e.value, "note": e.note, "created_at": e.created_at} for e in entries]
        print(json.dumps(out))
        return 0
    load = f", ankle weight {info.load_kg:g} kg" if info.load_kg else ""
    print(f"Session {info.id} — {info.person}, {info.started_at[:16].replace('T', ' ')} UTC, {info.status.value}{load}")
    if info.status.value == "interrupted":
        print("(the recording stopped unexpectedly; everything up to its last saved second is here)")
    print(format_report(result))
    if presc is not None:
        done = "/".join(str(x.rep_count) for x in result.sets) or "no set"
        rests = [x.rest_before_s for x in result.sets if x.rest_before_s is not None]
        off = [r for r in rests if not presc.rest_min_s <= r <= presc.rest_max_s]
        hold = f", hold {presc.hold_s:g} s" if presc.hold_s else ""
        print(f"Prescribed: {presc.sets} sets of {presc.reps_min}-{presc.reps_max} reps{hold}, {presc.rest_min_s:g}-{presc.rest_max_s:g} s "
              f"rest, {presc.load_kg:g} kg. Done: {done} reps"
              + (f"; rests {', '.join(f'{r:.0f} s' for r in rests)}" + (f" ({len(off)} outside the range)" if off else "") if rests else "")
              + ("" if info.load_kg is None or info.load_kg == presc.load_kg else f"; with {info.load_kg:g} kg"))
    for c in calibrations:
        print(f"calibration used: {c.kind} ({c.created_at[:10]}): {c.quality}")
    for e in entries:
        print(f"{'pain' if e.kind == 'pain' else 'effort (RPE)'} {e.value}/10" + (f": {e.note}" if e.note else ""))
    for n in notes:
        print(f"note{f' by {n.therapist}' if n.therapist else ''} ({n.created_at[:10]}): {n.text}")
    return 0


def _cmd_reanalyze(args: argparse.Namespace) -> int:
    from tracker.errors import ConfigurationError
    from tracker.stored import reanalyze

    with _open_store(args, create=False) as store:
        sid = _session_id(store, args.session)
        if store.session(sid).status.value == "recording":
            raise ConfigurationError(f"session {sid} is still recording: reanalyse it once it has ended")
        r = reanalyze(store, sid, write=not args.dry_run)
    if r.identical:
        print(f"session {sid}: reanalysed from its raw samples — identical results ({r.new_rep_count} reps)")
    else:
        verb = "would change" if args.dry_run else "updated"
        print(f"session {sid}: {verb}: {r.old_rep_count} -> {r.new_rep_count} reps, {r.changed_reps} reps differ")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    import json

    from tracker.csvio import write_recording
    from tracker.stored import reps_csv, session_json, stored_recordings

    with _open_store(args, create=False) as store:
        sid = _session_id(store, args.session)
        main, pelvis = stored_recordings(store, sid)
        doc = session_json(store, sid)
        table = reps_csv(store, sid)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"session-{sid}"
    written = []
    if len(main):
        write_recording(f"{stem}.samples.csv", main)
        written.append(f"{stem}.samples.csv")
    if pelvis is not None:
        write_recording(f"{stem}.pelvis.csv", pelvis)
        written.append(f"{stem}.pelvis.csv")
    Path(f"{stem}.reps.csv").write_text(table)
    Path(f"{stem}.json").write_text(json.dumps(doc, indent=1))
    written += [f"{stem}.reps.csv", f"{stem}.json"]
    print("wrote " + ", ".join(written))
    return 0


COMMANDS = {"analyze": _cmd_analyze, "simulate": _cmd_simulate, "eval": _cmd_eval, "corpus": _cmd_corpus,
            "record": _cmd_record, "import": _cmd_import, "sessions": _cmd_sessions, "show": _cmd_show,
            "reanalyze": _cmd_reanalyze, "export": _cmd_export, "calibrate": _cmd_calibrate,
            "prescribe": _cmd_prescribe, "progress": _cmd_progress, "log": _cmd_log, "note": _cmd_note,
            "patients": _cmd_patients}


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
    except Exception as exc:
        # a store damaged beyond its header (found only when a page is read): say so, no traceback
        sqlite3 = sys.modules.get("sqlite3")
        if sqlite3 is not None and isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.IntegrityError):
            print(f"reptrack: error: the store could not be used ({exc}): if it says 'malformed', the file is damaged", file=sys.stderr)
            return EXIT_USAGE
        raise


if __name__ == "__main__":
    sys.exit(main())
