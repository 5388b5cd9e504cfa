"""Batch analysis: one recording in, an :class:`AnalysisResult` out.

It runs the very same streaming engine as live capture (one ``feed`` of everything,
then ``finish``), so offline and live results cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.core.exercises import ExerciseDefinition
from tracker.pipeline.config import DetectorConfig, Personalisation, PipelineConfig, Thresholds
from tracker.pipeline.orientation import OrientationConfig
from tracker.pipeline.setup import SessionSetup
from tracker.pipeline.types import (
    AnalysisResult,
    Event,
    GapDetected,
    PostureChanged,
    RejectedMovement,
    Rep,
    RepCompleted,
    SetCompleted,
    SetSummary,
)
from tracker.core.recording import Placement, Recording


def make_config(
    recording: Recording,
    exercise: ExerciseDefinition,
    *,
    placement: Placement = Placement.AUTO,
    pelvis: Recording | None = None,
    personal: Personalisation = Personalisation(),
    thresholds: Thresholds = Thresholds(),
    detector: DetectorConfig = DetectorConfig(),
    orientation: OrientationConfig = OrientationConfig(),
) -> PipelineConfig:
    """The engine's configuration for a recording (see :class:`~tracker.pipeline.setup.SessionSetup`)."""
    setup = SessionSetup.resolve(exercise.exercise, placement, declared=recording.meta.placement, with_pelvis=pelvis is not None,
                                 personal=personal)
    return setup.pipeline_config(sample_rate_hz=recording.nominal_rate_hz(), has_gyro=recording.has_gyro, thresholds=thresholds,
                                 detector=detector, orientation=orientation)


def summarise_sets(done: list[SetCompleted]) -> list[SetSummary]:
    """Set summaries, with the rest before each set, from the engine's set events."""
    sets: list[SetSummary] = []
    prev_end: float | None = None
    for s in done:
        sets.append(SetSummary(s.set_index, s.start_s, s.end_s, s.rep_count, None if prev_end is None else s.start_s - prev_end))
        prev_end = s.end_s
    return sets


def collect(events: list[Event], config: PipelineConfig, recording: Recording, placement: Placement,
            warnings: tuple[str, ...] = ()) -> AnalysisResult:
    """Fold a complete event stream into an :class:`AnalysisResult`."""
    reps: list[Rep] = [e.rep for e in events if isinstance(e, RepCompleted)]
    sets = summarise_sets([e for e in events if isinstance(e, SetCompleted)])
    return AnalysisResult(
        exercise=config.exercise.exercise,
        placement=placement,
        sample_rate_hz=config.sample_rate_hz,
        duration_s=recording.duration_s,
        has_gyro=recording.has_gyro,
        reps=tuple(reps),
        sets=tuple(sets),
        gaps=tuple(e for e in events if isinstance(e, GapDetected)),
        rejected=tuple(e for e in events if isinstance(e, RejectedMovement)),
        posture_changes=tuple(e for e in events if isinstance(e, PostureChanged)),
        warnings=warnings,
    )


def analyze_recording(
    recording: Recording,
    exercise: ExerciseDefinition,
    *,
    placement: Placement = Placement.AUTO,
    pelvis: Recording | None = None,
    personal: Personalisation = Personalisation(),
    thresholds: Thresholds = Thresholds(),
    detector: DetectorConfig = DetectorConfig(),
    orientation: OrientationConfig = OrientationConfig(),
    warnings: tuple[str, ...] = (),
) -> AnalysisResult:
    """Count reps and flag form in a whole recording.

    Parameters
    ----------
    recording:
        The main sensor (thigh, shank or pelvis).
    exercise:
        What the person did.
    placement:
        Where the main sensor is; ``AUTO`` takes the recording's metadata, else the
        exercise's moving segment.
    pelvis:
        An optional second, time-aligned sensor on the pelvis.
    personal:
        Calibrated or prescribed target range, pelvic baseline, prescribed hold.
    """
    setup = SessionSetup.resolve(exercise.exercise, placement, declared=recording.meta.placement, with_pelvis=pelvis is not None,
                                 personal=personal)
    return setup.analyse(recording, pelvis, warnings=warnings, thresholds=thresholds, detector=detector, orientation=orientation)


def merge_gaps(engine: Sequence[GapDetected], source: Sequence[GapDetected]) -> tuple[GapDetected, ...]:
    """The engine's gaps, plus the source's (reader, sensor) that none of them overlaps, by time."""
    found = list(engine)
    for g in source:
        if not any(min(g.end_s, f.end_s) - max(g.start_s, f.start_s) >= 0 for f in found):
            found.append(g)
    return tuple(sorted(found, key=lambda g: g.start_s))
