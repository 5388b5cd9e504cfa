"""Folding the engine's events into results: sets with their rests, gaps, the whole result (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tracker.core.recording import Placement, Recording
from tracker.pipeline.config import PipelineConfig
from tracker.pipeline.types import (
    AnalysisResult,
    Event,
    GapDetected,
    PostureChanged,
    RejectedMovement,
    Rep,
    RepCompleted,
    RepRevised,
    SetCompleted,
    SetSummary,
)


class RepSpan(Protocol):
    """What a set is made of: a rep's set and its times (a :class:`Rep`, or a stored row)."""

    @property
    def set_index(self) -> int: ...
    @property
    def start_s(self) -> float: ...
    @property
    def end_s(self) -> float: ...


def set_so_far(reps: Sequence[RepSpan]) -> SetCompleted:
    """The set that ``reps`` (one set's reps so far, in order) make while it is open: the
    :class:`SetCompleted` the engine emits for it if no rep follows (from its first rep's
    start to its last rep's end). A live session stores it at each commit, so a session that
    ends without closing its set (a crash, Ctrl-C) holds the set as it was."""
    return SetCompleted(reps[0].set_index, reps[0].start_s, reps[-1].end_s, len(reps))


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
    revised = {e.rep.index: e.rep for e in events if isinstance(e, RepRevised)}  # the last word on each
    reps = [revised.get(r.index, r) for r in reps]
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


def merge_gaps(engine: Sequence[GapDetected], source: Sequence[GapDetected]) -> tuple[GapDetected, ...]:
    """The engine's gaps, plus the source's (reader, sensor) that none of them overlaps, by time."""
    found = list(engine)
    for g in source:
        if not any(min(g.end_s, f.end_s) - max(g.start_s, f.start_s) >= 0 for f in found):
            found.append(g)
    return tuple(sorted(found, key=lambda g: g.start_s))
