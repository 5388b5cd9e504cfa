"""Batch analysis: one recording in, an :class:`AnalysisResult` out.

It runs the very same streaming engine as live capture (one ``feed`` of everything,
then ``finish``), so offline and live results cannot drift apart.
"""

from __future__ import annotations

from tracker.core.exercises import ExerciseDefinition
from tracker.core.recording import Placement, Recording
from tracker.pipeline.config import DetectorConfig, Personalisation, PipelineConfig, Thresholds
from tracker.pipeline.orientation import OrientationConfig
from tracker.pipeline.setup import SessionSetup
from tracker.pipeline.types import AnalysisResult


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
