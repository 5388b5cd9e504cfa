"""Values the analysis produces: reps, sets, events. All frozen."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tracker.core.exercises import Exercise, FlagKind, Severity, certainty_notes
from tracker.core.recording import Placement


@dataclass(frozen=True)
class Flag:
    """One form problem on one rep.

    ``value`` and ``threshold`` are in the unit named by ``unit`` (deg, s, or a
    dimensionless SPARC value); ``inferred`` marks a flag deduced indirectly
    (pelvic rise seen only through an implausible thigh range).
    """

    kind: FlagKind
    severity: Severity
    cue: str
    value: float
    threshold: float
    unit: str
    inferred: bool = False


class RepSource(enum.Enum):
    """How a rep was found, and so how far its metrics were measured."""

    #: an excursion of the segment's tilt from its rest and back: range, phases, hold and
    #: smoothness measured on it
    EXCURSION = "excursion"
    #: a cycle of a fast set's rhythm, read without a gyro (:mod:`tracker.pipeline.rhythm`): its
    #: tilt cannot be timed, so its range is estimated from its mean tilt, its lift and lowering
    #: are each half the cycle, and no rule that needs a measured range judges it
    RHYTHM = "rhythm"


@dataclass(frozen=True)
class Rep:
    """One counted repetition and its metrics (times in recording seconds)."""

    index: int  # 1-based over the session
    set_index: int  # 1-based
    start_s: float
    peak_s: float
    end_s: float
    rom_deg: float
    lift_s: float
    hold_s: float
    lower_s: float
    peak_speed_dps: float
    sparc: float  # smoothness of the worse of lift and lower; closer to 0 is smoother
    velocity_peaks: int  # velocity peaks in the worse phase (1 = one smooth sub-movement)
    shake_g: float  # RMS accelerometer content above 3 Hz while lifting and lowering (tremor), g
    tremor_dps: float  # RMS angular velocity about its 0.2 s moving average, the worse phase (tremor), deg/s; 0 without a gyro
    pelvis_tilt_deg: float | None  # pelvis tilt change during the rep, when a pelvis sensor is present
    pelvis_lateral_deg: float | None  # pelvis tilt out of its movement plane (hip raise: not level)
    axis: tuple[float, float, float]  # rotation axis of the rep in the sensor frame (unit)
    flags: tuple[Flag, ...] = ()
    source: RepSource = RepSource.EXCURSION
    # where the rep started and ended, as the tilt above the rest posture it was measured from
    # (a rep that starts or ends well above it did not return to rest: a partial return)
    # (used to flag the reps after it; not stored, so not compared: a stored rep has none)
    start_deg: float = field(default=0.0, compare=False)
    end_deg: float = field(default=0.0, compare=False)
    held_rom_deg: float | None = field(default=None, compare=False)  # the top it was held at above the rest (None: rom_deg)
    start_up: tuple[float, float, float] | None = field(default=None, compare=False)  # the segment's up direction (unit, sensor frame) where the rep started

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def range_estimated(self) -> bool:
        """Its range is an estimate, not a measurement (read from a fast set's rhythm)."""
        return self.source is RepSource.RHYTHM

    @property
    def flag_kinds(self) -> tuple[FlagKind, ...]:
        return tuple(f.kind for f in self.flags)


@dataclass(frozen=True)
class RepCompleted:
    """Event: a rep was counted."""

    rep: Rep


@dataclass(frozen=True)
class RepRevised:
    """Event: a rep counted before, judged again once the person's range became known.

    A rep's flags are judged as it ends, against the reps before it. The first reps of a
    session (a fast set first of all, whose rushed reps show no range) go out before any range
    of the person's is known; when one is, those reps are judged against it once more: a rep
    far past it gains ``beyond_range``, one well short of it ``partial_rom``. ``rep``
    has the same ``index`` as the rep it replaces; nothing but its flags differs (flags are
    only added). A view or a store replaces the rep by its index.
    """

    rep: Rep


@dataclass(frozen=True)
class RepTentative:
    """Event: a movement that looks like a rep has just ended, before the engine is sure of it.

    The first reps of a set (and a quick rep waiting to see a pause after it) are counted
    only once the set confirms them -- a single movement may be setup motion. So that the
    person sees each rep the moment it ends, it goes out at once as tentative. Later either
    a :class:`RepCompleted` with the same ``start_s`` counts it, or a
    :class:`RejectedMovement` with the same ``start_s`` and ``tentative=True`` takes it back.
    Batch results (:class:`AnalysisResult`) do not depend on these events.
    """

    start_s: float
    end_s: float
    rom_deg: float


@dataclass(frozen=True)
class SetCompleted:
    """Event: a set ended (no rep for ``set_gap_s``, a posture change, a gap, or the end)."""

    set_index: int
    start_s: float
    end_s: float
    rep_count: int


@dataclass(frozen=True)
class GapDetected:
    """Event: no data between ``start_s`` and ``end_s``; the pipeline restarted after it."""

    start_s: float
    end_s: float


@dataclass(frozen=True)
class PostureChanged:
    """Event: the segment settled in a new posture (setup motion); reps restart from it."""

    t_s: float
    angle_deg: float


@dataclass(frozen=True)
class RejectedMovement:
    """Event: a movement looked like a rep but was not counted, with the reason."""

    start_s: float
    end_s: float
    rom_deg: float
    reason: str
    #: it went out as a :class:`RepTentative` first: a live view takes it back
    tentative: bool = False


Event = RepCompleted | RepRevised | RepTentative | SetCompleted | GapDetected | PostureChanged | RejectedMovement


@dataclass(frozen=True)
class SetSummary:
    set_index: int
    start_s: float
    end_s: float
    rep_count: int
    rest_before_s: float | None


@dataclass(frozen=True)
class AnalysisResult:
    """Everything the batch analysis of one recording found."""

    exercise: Exercise
    placement: Placement
    sample_rate_hz: float
    duration_s: float
    has_gyro: bool
    reps: tuple[Rep, ...]
    sets: tuple[SetSummary, ...]
    gaps: tuple[GapDetected, ...] = ()
    rejected: tuple[RejectedMovement, ...] = ()
    posture_changes: tuple[PostureChanged, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    @property
    def flag_notes(self) -> tuple[str, ...]:
        """What a report of this analysis says of the flags judged less surely with its sensor
        (:func:`~tracker.core.exercises.certainty_notes`: jerky without a gyro)."""
        return certainty_notes(self.exercise.definition, has_gyro=self.has_gyro)
