"""The analysis engine: orientation, rep detection, metrics and form flags (pure, sans-IO)."""

from tracker.pipeline.analysis import analyze_recording, make_config
from tracker.pipeline.results import summarise_sets
from tracker.pipeline.config import DetectorConfig, Personalisation, PipelineConfig, Thresholds
from tracker.pipeline.detector import RepPipeline, SampleOrderError
from tracker.pipeline.setup import AccelCorrection, PelvisOnPelvisError, SessionSetup, resolve_placement
from tracker.pipeline.types import (
    AnalysisResult,
    Event,
    Flag,
    GapDetected,
    PostureChanged,
    RejectedMovement,
    Rep,
    RepCompleted,
    RepRevised,
    RepTentative,
    SetCompleted,
    SetSummary,
)

__all__ = [
    "AccelCorrection", "AnalysisResult", "PelvisOnPelvisError", "SessionSetup", "DetectorConfig", "Event", "Flag", "GapDetected", "Personalisation", "PipelineConfig",
    "PostureChanged", "RejectedMovement", "Rep", "RepCompleted", "RepPipeline", "RepRevised", "RepTentative", "SampleOrderError",
    "SetCompleted", "SetSummary", "Thresholds", "analyze_recording", "make_config", "resolve_placement",
    "summarise_sets",
]
