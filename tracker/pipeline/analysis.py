"""Batch analysis: one recording in, an :class:`AnalysisResult` out.

It runs the very same streaming engine as live capture (one ``feed`` of everything,
then ``finish``), so offline and live results cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tracker.errors import ConfigurationError
from tracker.exercises import ExerciseDefinition
from tracker.pipeline.config import DetectorConfig, Personalisation, PipelineConfig, Thresholds
from tracker.pipeline.detector import RepPipeline
from tracker.pipeline.orientation import OrientationConfig
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
from tracker.recording import Placement, Recording


def resolve_placement(placement: Placement, declared: Placement | None, exercise: ExerciseDefinition) -> Placement:
    """``AUTO`` becomes what the recording declares, else the exercise's moving segment."""
    if placement is Placement.AUTO:
        placement = declared or exercise.moving_segment
        if placement is Placement.AUTO:
            placement = Placement.THIGH
    return placement


def pipeline_config(
    exercise: ExerciseDefinition,
    placement: Placement,
    *,
    sample_rate_hz: float,
    has_gyro: bool,
    with_pelvis: bool = False,
    personal: Personalisation = Personalisation(),
    thresholds: Thresholds = Thresholds(),
    detector: DetectorConfig = DetectorConfig(),
    orientation: OrientationConfig = OrientationConfig(),
) -> PipelineConfig:
    """The engine's configuration for a resolved placement (see :func:`resolve_placement`)."""
    if with_pelvis and placement is Placement.PELVIS:
        raise ConfigurationError("--pelvis adds a pelvis sensor to a thigh or shank recording; the main one is already on the pelvis")
    return PipelineConfig(
        exercise=exercise,
        sample_rate_hz=sample_rate_hz,
        has_gyro=has_gyro,
        with_pelvis=with_pelvis,
        main_is_pelvis=placement is Placement.PELVIS,
        thresholds=thresholds,
        personal=personal,
        detector=detector,
        orientation=orientation,
    )


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
    return pipeline_config(
        exercise, resolve_placement(placement, recording.meta.placement, exercise),
        sample_rate_hz=recording.nominal_rate_hz(), has_gyro=recording.has_gyro, with_pelvis=pelvis is not None,
        personal=personal, thresholds=thresholds, detector=detector, orientation=orientation,
    )


def summarise_sets(done: list[SetCompleted]) -> list[SetSummary]:
    """Set summaries, with the rest before each set, from the engine's set events."""
    sets: list[SetSummary] = []
    prev_end: float | None = None
    for s in done:
        sets.append(SetSummary(s.set_index, s.start_s, s.end_s, s.rep_count, None if prev_end is None else s.start_s - prev_end))
        prev_end = s.end_s
    return sets


def collect(events: list[Event], config: PipelineConfig, recording: Recording, placement: str, warnings: tuple[str, ...] = ()) -> AnalysisResult:
    """Fold a complete event stream into an :class:`AnalysisResult`."""
    reps: list[Rep] = [e.rep for e in events if isinstance(e, RepCompleted)]
    sets = summarise_sets([e for e in events if isinstance(e, SetCompleted)])
    return AnalysisResult(
        exercise=config.exercise.name,
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
    config = make_config(recording, exercise, placement=placement, pelvis=pelvis, personal=personal,
                         thresholds=thresholds, detector=detector, orientation=orientation)
    pipe = RepPipeline(
        config,
        pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
        pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro,
    )
    events: list[Event] = []
    if pelvis is not None:
        events += pipe.feed_pelvis(pelvis.t_s, pelvis.accel_g, pelvis.gyro_dps)
    events += pipe.feed(recording.t_s, recording.accel_g, recording.gyro_dps)
    events += pipe.finish()
    place = resolve_placement(placement, recording.meta.placement, exercise).value
    result = collect(events, config, recording, place, warnings)
    # every data gap, whether the reader found it (and the engine bridged it) or the engine restarted at it
    return replace(result, gaps=merge_gaps(result.gaps, [GapDetected(g.start_s, g.end_s) for g in recording.gaps]))


def merge_gaps(engine: Sequence[GapDetected], source: Sequence[GapDetected]) -> tuple[GapDetected, ...]:
    """The engine's gaps, plus the source's (reader, sensor) that none of them overlaps, by time."""
    found = list(engine)
    for g in source:
        if not any(min(g.end_s, f.end_s) - max(g.start_s, f.start_s) >= 0 for f in found):
            found.append(g)
    return tuple(sorted(found, key=lambda g: g.start_s))
