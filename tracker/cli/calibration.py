"""Calibration commands: ``calibrate device|mounting|range``."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.analysis import EXERCISE_HELP
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from tracker.cli.common import Interrupted, add_command, limited, open_store, speed
from tracker.core.recording import SAMPLE_RATE

T = TypeVar("T")

if TYPE_CHECKING:
    from tracker.app.calibrations import DeviceCalibrated, MountingCalibrated, RangeCalibrated
    from tracker.pipeline import RepCompleted


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cal = add_command(sub, "calibrate", "guided calibrations: device (six poses), mounting (start posture), range (2-3 reps)", [
        "reptrack calibrate device --source sample_data/calibration/device-six-poses.csv --device my-sensor",
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
    ])
    calsub = cal.add_subparsers(dest="kind", required=True)
    cd = add_command(calsub, "device", "six still poses, each face of the sensor up once -> offset and scale", [
        "reptrack calibrate device --device 'BBC micro:bit [zotip]'",
        "reptrack calibrate device --source sample_data/calibration/device-six-poses.csv --device my-sensor",
        "reptrack calibrate device --device sim:sample_data/calibration/device-six-poses.csv --speed 20",
    ], parents=[db])
    cd.add_argument("--source", type=Path, help="a recording of the six poses (without it: live, from --device)")
    cd.add_argument("--device", required=True, help="the live sensor (name or address, see 'reptrack scan'; sim:FILE.csv streams a "
                                                   "recording as one), or with --source the name to store the calibration under")
    cm = add_command(calsub, "mounting", "a few seconds still in the exercise's start posture -> how the sensor sits", [
        "reptrack calibrate mounting --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
        "reptrack calibrate mounting --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction --device my-sensor",
        "reptrack calibrate mounting --device 'BBC micro:bit [zotip]' --person zoe --exercise side-lying-hip-abduction",
    ], parents=[db])
    cr = add_command(calsub, "range", "2-3 comfortable reps -> target range and baselines for the flags", [
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --person zoe --exercise side-lying-hip-abduction",
        "reptrack calibrate range --source sample_data/calibration/range-side-lying-hip-abduction.csv --pelvis sample_data/calibration/range-side-lying-hip-abduction.pelvis.csv --person zoe --exercise side-lying-hip-abduction",
        "reptrack calibrate range --device sim:sample_data/calibration/range-side-lying-hip-abduction.csv --speed 20 --person zoe --exercise side-lying-hip-abduction",
    ], parents=[db])
    for q in (cm, cr):
        q.add_argument("--device", help="without --source: the live sensor (name or address, see 'reptrack scan'; sim:FILE.csv streams "
                                        "a recording as one), its device calibration applied when it has one; with --source: the "
                                        "sensor's name, for its device calibration")
        q.add_argument("--source", type=Path, help="a recording (from the sensor in place); without it: live, from --device")
        q.add_argument("--person", required=True, help="whose calibration it is (created when new)")
        q.add_argument("--exercise", required=True, help=EXERCISE_HELP)
        q.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto (default: from the file, else the exercise)")
    cr.add_argument("--pelvis", type=Path, help="a second recording, from a sensor on the pelvis (pelvic baseline)")
    cr.add_argument("--pelvis-device", help="live: a second sensor, on the pelvis (pelvic baseline)")
    for q in (cd, cm, cr):
        q.add_argument("--speed", default="max", help="replay speed of a recording (--source, or --device sim:FILE): 1 = real time, "
                                                     "max (default)")
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


def _is_live(args: argparse.Namespace) -> bool:
    """Without --source, the calibration streams from the live sensor --device names."""
    from tracker.errors import InvalidValueError

    if args.source is not None:
        if getattr(args, "pelvis_device", None) is not None:
            raise InvalidValueError("pelvis_device", "is a live sensor; with --source, a pelvis recording is --pelvis")
        return False
    if not args.device:
        raise InvalidValueError("source", "or --device is needed: a recording (--source FILE) or a live sensor (--device NAME)")
    if getattr(args, "pelvis", None) is not None:
        raise InvalidValueError("pelvis", "is a recording, for --source; a live pelvis sensor is --pelvis-device")
    return True


async def _open_live(args: argparse.Namespace, exercise: object):  # type: ignore[no-untyped-def]
    from tracker.app.live import LiveRequest, open_live
    from tracker.core.exercises import Exercise

    request = LiveRequest(args.device, pelvis_device=getattr(args, "pelvis_device", None), speed=speed(args.speed))
    source = await open_live(request, exercise if isinstance(exercise, Exercise) else Exercise.SIDE_LYING_HIP_ABDUCTION)
    print(f"streaming from {source.info.device_name} ({source.info.device_kind}, {source.info.sample_rate_hz:g} Hz)")
    return source


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

    from tracker.app.calibrations import live_sensor_names

    with open_store(args) as store:
        if _is_live(args):
            async def live() -> tuple[str, DeviceCalibrated]:
                source = await _open_live(args, None)
                identity, _ = live_sensor_names(store, source.info)  # stored under the sensor's address
                return identity, await calibrate_device(store, source, device=identity, on_event=_show_flow_event)
            args.device, done = _calibrate(live())
        else:
            replay = _replay(args)
            _warn(replay.warnings)
            done = _calibrate(calibrate_device(store, replay.source, device=args.device, on_event=_show_flow_event))
    r = done.result
    print(f"device calibration {done.id} stored for {args.device}: offset "
          f"{', '.join(f'{x:+.3f}' for x in r.offset_g)} g, scale {', '.join(f'{x:.3f}' for x in r.scale)}; {done.quality}")
    return 0


def _mounting(args: argparse.Namespace) -> int:
    from tracker.app.calibrations import calibrate_mounting, live_sensor_names
    from tracker.core.exercises import Exercise, parse_placement

    exercise, placement = Exercise.parse(args.exercise), parse_placement(args.placement)
    with open_store(args) as store:
        if _is_live(args):
            async def live() -> MountingCalibrated:
                source = await _open_live(args, exercise)
                _, calibrated = live_sensor_names(store, source.info)  # its device calibration, when it has one
                return await calibrate_mounting(store, source, person=args.person, exercise=exercise, placement=placement,
                                                device=calibrated, on_event=_show_flow_event)
            done = _calibrate(live())
        else:
            replay = _replay(args)
            _warn(replay.warnings)
            done = _calibrate(calibrate_mounting(store, replay.source, person=args.person, exercise=exercise, placement=placement,
                                                  device=args.device, on_event=_show_flow_event))
    print(f"mounting calibration {done.id} stored for {args.person}, {done.exercise.value} ({done.placement.value}): {done.quality}")
    return 0


def _range(args: argparse.Namespace) -> int:
    from tracker.app.calibrations import calibrate_range, live_sensor_names
    from tracker.core.exercises import Exercise, parse_placement

    exercise, placement = Exercise.parse(args.exercise), parse_placement(args.placement)
    warnings: tuple[str, ...] = ()

    def start() -> None:
        _warn(warnings)
        print(f"Do 2-3 slow, comfortable reps of '{exercise.definition.title}', as far as is comfortable.")

    def rep(e: RepCompleted) -> None:
        print(f"rep {e.rep.index}: {e.rep.rom_deg:.0f}°")

    with open_store(args) as store:
        if _is_live(args):
            async def live() -> RangeCalibrated:
                source = await _open_live(args, exercise)
                _, calibrated = live_sensor_names(store, source.info)
                return await calibrate_range(store, source, person=args.person, exercise=exercise, placement=placement,
                                             device=calibrated, on_start=start, on_rep=rep)
            done = _calibrate(live())
        else:
            replay = _replay(args, pelvis=args.pelvis)
            warnings = replay.warnings
            done = _calibrate(calibrate_range(store, replay.source, person=args.person, exercise=exercise, placement=placement,
                                               device=args.device, on_start=start, on_rep=rep))
    r = done.result
    base = f", pelvic baseline {r.pelvic_baseline_deg:.1f}°" if r.pelvic_baseline_deg is not None else ""
    print(f"range calibration {done.id} stored for {args.person}, {done.exercise.value}: target {r.target_rom_deg:.1f}°{base}; {done.quality}")
    return 0
