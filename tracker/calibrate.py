"""Running the guided calibrations on a sample source, and the calibrations a session uses.

The adapter between :mod:`calibration.flows` (pure) and a :class:`~tracker.sources.SampleSource`
(a recording replayed, or a live sensor), and between stored calibrations and a session's
:class:`~tracker.store.AnalysisParams`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from calibration.device import DeviceCalibration
from calibration.flows import DeviceFlow, FlowEvent, MountingFlow
from calibration.mounting import Mounting
from calibration.personal_range import PersonalRange, personal_range_from_reps
from tracker.exercises import ExerciseDefinition
from tracker.pipeline import RepCompleted, RepPipeline, pipeline_config
from tracker.recording import Placement, Stream
from tracker.sources import SampleBatch, SampleSource
from tracker.store import Store


async def run_flow(source: SampleSource, flow: DeviceFlow | MountingFlow, on_event: Callable[[FlowEvent], None]) -> None:
    """Feed the source's main stream to ``flow`` until it is done or the source ends."""
    for e in flow.start():
        on_event(e)
    async for item in source.batches():
        if not isinstance(item, SampleBatch) or item.stream is not Stream.MAIN:
            continue
        for e in flow.feed(item.t_s, item.accel_g, item.gyro_dps):
            on_event(e)
        if flow.done:
            break


async def run_range(source: SampleSource, exercise: ExerciseDefinition, placement: Placement, *, max_reps: int = 3,
                    on_rep: Callable[[RepCompleted], None] | None = None) -> PersonalRange:
    """2-3 comfortable reps through the live engine -> the person's range and baselines."""
    info = source.info
    with_pelvis = info.has_pelvis and placement is not Placement.PELVIS
    pipe = RepPipeline(pipeline_config(exercise, placement, sample_rate_hz=info.sample_rate_hz, has_gyro=info.has_gyro,
                                       with_pelvis=with_pelvis),
                       pelvis_sample_rate_hz=info.pelvis_sample_rate_hz, pelvis_has_gyro=info.pelvis_has_gyro)
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
        if item.stream is Stream.PELVIS:
            if with_pelvis:
                take(pipe.feed_pelvis(item.t_s, item.accel_g, item.gyro_dps))
            continue
        take(pipe.feed(item.t_s, item.accel_g, item.gyro_dps))
        if len(reps) >= max_reps:
            break
    take(pipe.finish())
    return personal_range_from_reps(reps[:max_reps])


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


def calibration_for_session(store: Store, *, device: str, person: str, exercise: str, placement: str) -> SessionCalibration:
    ids: list[int] = []
    dev = store.latest_calibration("device", device=device)
    mnt = store.latest_calibration("mounting", person=person, exercise=exercise, placement=placement)
    rng = store.latest_calibration("range", person=person, exercise=exercise, placement=placement)
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
