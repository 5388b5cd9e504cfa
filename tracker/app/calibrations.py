"""Calibration use cases: the guided calibrations on a sample source, stored; and the
calibrations a new session uses.

The hold-still flows and the maths are pure (:mod:`calibration`); this runs them on a
:class:`~tracker.sensors.SampleSource` (a recording replayed, or a live sensor) and keeps
the results in the :class:`~tracker.store.Store`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from calibration.device import DeviceCalibration
from calibration.flows import DeviceFlow, FlowEvent, MountingFlow
from calibration.kinds import CalibrationKind
from calibration.mounting import Mounting
from calibration.personal_range import PersonalRange, personal_range_from_reps
from tracker.core.exercises import Exercise
from tracker.core.recording import Placement, Stream, beyond_full_scale
from tracker.errors import InvalidValueError
from tracker.pipeline import AccelCorrection, RepCompleted, SessionSetup
from tracker.sensors import SampleBatch, SampleSource, SourceInfo
from tracker.store import Store


async def run_flow(source: SampleSource, flow: DeviceFlow | MountingFlow, on_event: Callable[[FlowEvent], None], *,
                   correction: AccelCorrection | None = None) -> None:
    """Feed the source's main stream (corrected by ``correction``) to ``flow`` until it is done or the source ends."""
    for e in flow.start():
        on_event(e)
    async for item in source.batches():
        if not isinstance(item, SampleBatch) or item.stream is not Stream.MAIN:
            continue
        t, acc, gyr = item.t_s, item.accel_g, item.gyro_dps
        beyond = beyond_full_scale(acc, gyr)
        if beyond.any():  # readings beyond the sensor's range are no measurement: left out of the holds
            t, acc, gyr = t[~beyond], acc[~beyond], None if gyr is None else gyr[~beyond]
        acc = acc if correction is None else correction.apply(acc)
        for e in flow.feed(t, acc, gyr):
            on_event(e)
        if flow.done:
            break


async def run_range(source: SampleSource, setup: SessionSetup, *, max_reps: int = 3,
                    on_rep: Callable[[RepCompleted], None] | None = None) -> PersonalRange:
    """2-3 comfortable reps through the live engine -> the person's range and baselines."""
    info = source.info
    pipe = setup.pipeline(sample_rate_hz=info.sample_rate_hz, has_gyro=info.has_gyro, pelvis_sample_rate_hz=info.pelvis_sample_rate_hz,
                          pelvis_has_gyro=info.pelvis_has_gyro)
    reps = []

    def take(events: list) -> None:  # type: ignore[type-arg]
        for e in events:
            if isinstance(e, RepCompleted):
                reps.append(e.rep)
                if on_rep is not None:
                    on_rep(e)

    async for item in source.batches():
        if not isinstance(item, SampleBatch):
            continue
        if item.stream is Stream.PELVIS and not setup.with_pelvis:
            continue
        prepared = setup.prepare(item.accel_g, item.gyro_dps, stream=item.stream)
        if item.stream is Stream.PELVIS:
            take(pipe.feed_pelvis(item.t_s, prepared.accel_g, prepared.gyro_dps))
            continue
        take(pipe.feed(item.t_s, prepared.accel_g, prepared.gyro_dps))
        if len(reps) >= max_reps:
            break
    take(pipe.finish())
    return personal_range_from_reps(reps[:max_reps])


# ---------------------------------------------------------------------- use cases
@dataclass(frozen=True)
class StoredCalibration:
    """A calibration just made and stored."""

    id: int
    kind: CalibrationKind
    quality: str


@dataclass(frozen=True)
class DeviceCalibrated(StoredCalibration):
    result: DeviceCalibration


@dataclass(frozen=True)
class MountingCalibrated(StoredCalibration):
    result: Mounting
    exercise: Exercise
    placement: Placement


@dataclass(frozen=True)
class RangeCalibrated(StoredCalibration):
    result: PersonalRange
    exercise: Exercise
    placement: Placement


def device_name(name: str) -> str:
    """A sensor's name as the person gives it (trimmed); an empty one is refused."""
    name = name.strip()
    if not name:
        raise InvalidValueError("device", "is a sensor's name or address, not ''")
    return name


def device_correction(store: Store, device: str | None) -> AccelCorrection | None:
    """The stored device calibration of the sensor a person named (``None``: none named) as a correction.

    The one rule for naming a sensor, for sessions and calibrations alike: the name is not
    empty and the sensor has a device calibration (naming one is asking for its correction;
    a typo must not record uncorrected without a word).

    Raises
    ------
    InvalidValueError
        An empty name, or a sensor without a device calibration (field ``device``).
    """
    if device is None:
        return None
    device = device_name(device)
    found = store.latest_calibration(CalibrationKind.DEVICE, device=device)
    if found is None:
        raise InvalidValueError("device", f"names a calibrated sensor, and there is no device calibration for {device!r} "
                                          "(see 'reptrack calibrate device')")
    return DeviceCalibration.from_json(found.data).correction


def calibrated_identity(store: Store, names: tuple[str, ...]) -> str:
    """The first of a sensor's names (its address, then its advertised name) that has a device
    calibration; the first name when none has: a live sensor is found by whichever it was
    calibrated under."""
    for name in names:
        if name and store.latest_calibration(CalibrationKind.DEVICE, device=name) is not None:
            return name
    return names[0]


def live_sensor_names(store: Store, info: SourceInfo) -> tuple[str, str | None]:
    """For a calibration on a live sensor: the name its device calibration is stored under (its
    identity: the address of a Bluetooth sensor), and the name under which it already has one
    (``None``: not calibrated yet, which a mounting or range calibration does not need)."""
    names = (info.device_name, *info.aliases)
    calibrated = next((n for n in names if n and store.latest_calibration(CalibrationKind.DEVICE, device=n) is not None), None)
    return info.device_name, calibrated


async def calibrate_device(store: Store, source: SampleSource, *, device: str,
                           on_event: Callable[[FlowEvent], None]) -> DeviceCalibrated:
    """Six still poses from ``source`` -> the sensor's offset and scale, stored for ``device``."""
    device = device_name(device)
    flow = DeviceFlow(source.info.sample_rate_hz)
    await run_flow(source, flow, on_event)
    result = flow.result()
    cid = store.add_calibration(CalibrationKind.DEVICE, result.to_json(), result.quality, device=device,
                                device_kind=source.info.device_kind, has_gyro=source.info.has_gyro)
    return DeviceCalibrated(cid, CalibrationKind.DEVICE, result.quality, result)


async def calibrate_mounting(store: Store, source: SampleSource, *, person: str, exercise: Exercise, placement: Placement = Placement.AUTO,
                             device: str | None = None, on_event: Callable[[FlowEvent], None]) -> MountingCalibrated:
    """A few seconds still in the start posture -> how the sensor sits on the segment, stored for the person."""
    setup = SessionSetup.resolve(exercise, placement, declared=source.info.placement)
    correction = device_correction(store, device)
    store.ensure_person(person)
    flow = MountingFlow(source.info.sample_rate_hz, setup.definition, setup.placement)
    await run_flow(source, flow, on_event, correction=correction)
    result = flow.result()
    cid = store.add_calibration(CalibrationKind.MOUNTING, result.to_json(), result.quality, person=person, exercise=setup.exercise,
                                placement=setup.placement)
    return MountingCalibrated(cid, CalibrationKind.MOUNTING, result.quality, result, setup.exercise, setup.placement)


async def calibrate_range(store: Store, source: SampleSource, *, person: str, exercise: Exercise, placement: Placement = Placement.AUTO,
                          device: str | None = None, on_start: Callable[[], None] | None = None,
                          on_rep: Callable[[RepCompleted], None] | None = None) -> RangeCalibrated:
    """2-3 comfortable reps -> the person's target range, pelvic and smoothness baselines, stored.

    ``on_start`` is called once the request is found valid, before the reps (to ask for them).
    """
    info = source.info
    setup = SessionSetup.resolve(exercise, placement, declared=info.placement, with_pelvis=info.has_pelvis,
                                 accel_correction=device_correction(store, device))
    store.ensure_person(person)
    if on_start is not None:
        on_start()
    result = await run_range(source, setup, on_rep=on_rep)
    cid = store.add_calibration(CalibrationKind.RANGE, result.to_json(), result.quality, person=person, exercise=setup.exercise,
                                placement=setup.placement)
    return RangeCalibrated(cid, CalibrationKind.RANGE, result.quality, result, setup.exercise, setup.placement)


@dataclass(frozen=True)
class SessionCalibration:
    """What the stored calibrations give a new session."""

    ids: tuple[int, ...] = ()
    device: DeviceCalibration | None = None
    mounting: Mounting | None = None
    target_rom_deg: float | None = None
    pelvic_baseline_deg: float | None = None
    sparc_baseline: float | None = None

    def describe(self) -> list[str]:
        out = []
        if self.device is not None:
            out.append(f"device calibration: {self.device.quality}")
        if self.mounting is not None:
            out.append("mounting calibration: start posture checked per set")
        if self.target_rom_deg is not None:
            out.append(f"range calibration: target {self.target_rom_deg:.0f} deg")
        return out


def calibration_for_session(store: Store, *, device: str, person: str, exercise: Exercise, placement: Placement) -> SessionCalibration:
    """The latest device calibration of the sensor, and the person's latest mounting and range
    calibrations for this exercise and placement."""
    ids: list[int] = []
    dev = store.latest_calibration(CalibrationKind.DEVICE, device=device)
    mnt = store.latest_calibration(CalibrationKind.MOUNTING, person=person, exercise=exercise, placement=placement)
    rng = store.latest_calibration(CalibrationKind.RANGE, person=person, exercise=exercise, placement=placement)
    for c in (dev, mnt, rng):
        if c is not None:
            ids.append(c.id)
    sparc = rng.data.get("sparc_baseline") if rng is not None else None
    return SessionCalibration(
        ids=tuple(ids),
        device=DeviceCalibration.from_json(dev.data) if dev is not None else None,
        mounting=Mounting.from_json(mnt.data) if mnt is not None else None,
        target_rom_deg=rng.data.get("target_rom_deg") if rng is not None else None,
        pelvic_baseline_deg=rng.data.get("pelvic_baseline_deg") if rng is not None else None,
        sparc_baseline=sparc if sparc is not None and math.isfinite(sparc) else None,
    )
