"""Calibration commands: ``calibrate device|mounting|range``."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.analysis import EXERCISE_HELP
from collections.abc import Coroutine
from typing import Any, TypeVar

from tracker.cli.common import Interrupted, add_command, limited, open_store, speed
from tracker.core.recording import SAMPLE_RATE

T = TypeVar("T")


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cal = add_command(sub, "calibrate", "guided calibrations: device (six poses), mounting (start posture), range (2-3 reps)", [
        "reptrack calibrate device --source sample_data/calibration/device-six-poses.csv --device my-sensor",
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
    ])
    calsub = cal.add_subparsers(dest="kind", required=True)
    cd = add_command(calsub, "device", "six still poses, each face of the sensor up once -> offset and scale", [
        "reptrack calibrate device --source sample_data/calibration/device-six-poses.csv --device my-sensor",
    ], parents=[db])
    cd.add_argument("--source", type=Path, required=True, help="a recording of the six poses")
    cd.add_argument("--device", required=True, help="the sensor's name (sessions recorded with it use the calibration)")
    cm = add_command(calsub, "mounting", "a few seconds still in the exercise's start posture -> how the sensor sits", [
        "reptrack calibrate mounting --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
        "reptrack calibrate mounting --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction --device my-sensor",
    ], parents=[db])
    cr = add_command(calsub, "range", "2-3 comfortable reps -> target range and baselines for the flags", [
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --pelvis sample_data/calibration/range-side-lying-hip-abduction.pelvis.csv --person zoe --exercise side-lying-hip-abduction",
    ], parents=[db])
    for q in (cm, cr):
        q.add_argument("--device", help="the sensor's name: its device calibration is applied first")
        q.add_argument("--source", type=Path, required=True, help="a recording (from the sensor in place)")
        q.add_argument("--person", required=True, help="whose calibration it is (created when new)")
        q.add_argument("--exercise", required=True, help=EXERCISE_HELP)
        q.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto (default: from the file, else the exercise)")
    cr.add_argument("--pelvis", type=Path, help="a second recording, from a sensor on the pelvis (pelvic baseline)")
    for q in (cd, cm, cr):
        q.add_argument("--speed", default="max", help="replay speed of the recording: 1 = real time, max (default)")
        q.add_argument("--rate-hz", type=limited(SAMPLE_RATE), help="sample rate, for a file without a 't' column")
    cd.set_defaults(handler=_device)
    cm.set_defaults(handler=_mounting)
    cr.set_defaults(handler=_range)


def _show_flow_event(e: object) -> None:
    from calibration.flows import Prompt

    if isinstance(e, Prompt):
        print(e.text)
    else:
        print(f"✗ [{e.t_s:6.1f} s] {e.reason}")  # type: ignore[attr-defined]


def _replay(args: argparse.Namespace, *, pelvis: Path | None = None):  # type: ignore[no-untyped-def]
    from tracker.app.sessions import open_replay

    return open_replay(args.source, pelvis=pelvis, rate_hz=args.rate_hz, speed=speed(args.speed), device=args.device)


def _warn(warnings: tuple[str, ...]) -> None:
    from tracker.cli.render import print_warnings

    print_warnings(warnings)  # the data is usable: say what was wrong with it


def _calibrate(job: Coroutine[Any, Any, T]) -> T:
    """Run a calibration; Ctrl-C cuts it short, and nothing is stored."""
    import asyncio

    try:
        return asyncio.run(job)
    except KeyboardInterrupt:
        raise Interrupted("no calibration was stored") from None


def _device(args: argparse.Namespace) -> int:
    from tracker.app.calibrations import calibrate_device

    replay = _replay(args)
    _warn(replay.warnings)
    with open_store(args) as store:
        done = _calibrate(calibrate_device(store, replay.source, device=args.device, on_event=_show_flow_event))
    r = done.result
    print(f"device calibration {done.id} stored for {args.device}: offset "
          f"{', '.join(f'{x:+.3f}' for x in r.offset_g)} g, scale {', '.join(f'{x:.3f}' for x in r.scale)}; {done.quality}")
    return 0


def _mounting(args: argparse.Namespace) -> int:
    from tracker.app.calibrations import calibrate_mounting
    from tracker.core.exercises import Exercise, parse_placement

    exercise, placement = Exercise.parse(args.exercise), parse_placement(args.placement)
    replay = _replay(args)
    _warn(replay.warnings)
    with open_store(args) as store:
        done = _calibrate(calibrate_mounting(store, replay.source, person=args.person, exercise=exercise, placement=placement,
                                              device=args.device, on_event=_show_flow_event))
    print(f"mounting calibration {done.id} stored for {args.person}, {done.exercise.value} ({done.placement.value}): {done.quality}")
    return 0


def _range(args: argparse.Namespace) -> int:
    from tracker.app.calibrations import calibrate_range
    from tracker.core.exercises import Exercise, parse_placement

    exercise, placement = Exercise.parse(args.exercise), parse_placement(args.placement)
    replay = _replay(args, pelvis=args.pelvis)

    def start() -> None:
        _warn(replay.warnings)
        print(f"Do 2-3 slow, comfortable reps of '{exercise.definition.title}', as far as is comfortable.")

    with open_store(args) as store:
        done = _calibrate(calibrate_range(store, replay.source, person=args.person, exercise=exercise, placement=placement,
                                           device=args.device, on_start=start,
                                           on_rep=lambda e: print(f"rep {e.rep.index}: {e.rep.rom_deg:.0f}°")))
    r = done.result
    base = f", pelvic baseline {r.pelvic_baseline_deg:.1f}°" if r.pelvic_baseline_deg is not None else ""
    print(f"range calibration {done.id} stored for {args.person}, {done.exercise.value}: target {r.target_rom_deg:.1f}°{base}; {done.quality}")
    return 0
