"""What the store holds, as frozen values (no SQL here)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from calibration.kinds import CalibrationKind
from tracker.core.exercises import Exercise
from tracker.core.progression import EntryKind
from tracker.core.recording import Placement, Stream
from tracker.pipeline.setup import SessionSetup

__all__ = ["CalibrationKind", "CalibrationRecord", "Entry", "EntryKind", "NewSession", "Note", "Person", "PersonRecords", "Prescription",
           "SessionInfo", "SessionRecords", "SessionStatus", "Stream", "UserRecord"]


class SessionStatus(enum.Enum):
    RECORDING = "recording"
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    therapist: str | None
    needs_attention: bool
    attention_reason: str | None
    attention_cleared_at: str | None = None  # when the therapist last cleared the mark


@dataclass(frozen=True)
class NewSession:
    person: str
    setup: SessionSetup
    source: str
    sample_rate_hz: float
    has_gyro: bool
    has_pelvis: bool
    device_name: str
    device_kind: str
    meta: dict[str, str]
    load_kg: float | None = None
    started_at: str | None = None  # ISO 8601 UTC; default: now
    pelvis_sample_rate_hz: float | None = None
    pelvis_has_gyro: bool | None = None


@dataclass(frozen=True)
class SessionInfo:
    id: int
    person: str
    exercise: Exercise
    placement: Placement
    source: str
    device: str | None
    sample_rate_hz: float
    has_gyro: bool
    has_pelvis: bool
    started_at: str
    ended_at: str | None
    status: SessionStatus
    load_kg: float | None
    sample_count: int
    rep_count: int
    set_count: int
    setup: SessionSetup
    meta: dict[str, str]
    pelvis_sample_rate_hz: float | None = None
    pelvis_has_gyro: bool | None = None
    person_id: int | None = None  # the person's id in the store (their name may be written many ways)
    #: while recording: reps shown but not yet sure (a set's first reps), not among the stored reps
    tentative_reps: int = 0
    taken_back_reps: int = 0  # tentative reps that turned out to be no rep

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "person": self.person, "exercise": self.exercise.value, "placement": self.placement.value,
            "source": self.source, "device": self.device, "sample_rate_hz": self.sample_rate_hz,
            "has_gyro": self.has_gyro, "has_pelvis": self.has_pelvis, "started_at": self.started_at,
            "ended_at": self.ended_at, "status": self.status.value, "load_kg": self.load_kg,
            "sample_count": self.sample_count, "rep_count": self.rep_count, "set_count": self.set_count,
            "pelvis_sample_rate_hz": self.pelvis_sample_rate_hz, "pelvis_has_gyro": self.pelvis_has_gyro,
            "params": self.setup.to_json(),
        }


@dataclass(frozen=True)
class PersonRecords:
    """What the store holds of a person: what deleting them removes, merging them moves."""

    person: str
    sessions: int
    sample_bytes: int  # the raw samples of their sessions, as stored
    prescriptions: int
    notes: int
    entries: int  # pain and effort
    calibrations: int  # their mounting and range calibrations (a sensor's own stay)


@dataclass(frozen=True)
class SessionRecords:
    """What the store holds of a session: what deleting it removes."""

    info: SessionInfo
    sample_bytes: int
    notes: int  # notes on the session
    entries: int  # pain and effort entered for the session


@dataclass(frozen=True)
class Prescription:
    id: int
    person: str
    exercise: Exercise
    sets: int
    reps_min: int
    reps_max: int
    hold_s: float | None
    rest_min_s: float
    rest_max_s: float
    days_per_week: int
    load_kg: float
    created_at: str


@dataclass(frozen=True)
class Entry:
    """A pain or effort (RPE) rating, 0-10."""

    id: int
    person: str
    session_id: int | None
    kind: EntryKind
    value: int
    note: str | None
    created_at: str


@dataclass(frozen=True)
class Note:
    id: int
    person: str
    session_id: int | None
    therapist: str | None
    text: str
    created_at: str


@dataclass(frozen=True)
class CalibrationRecord:
    id: int
    kind: CalibrationKind
    device: str | None
    person: str | None
    exercise: Exercise | None
    placement: Placement | None
    data: dict[str, Any]
    quality: str
    created_at: str


@dataclass(frozen=True)
class UserRecord:
    """A dashboard account as stored (the hash only; the store never sees a password)."""

    id: int
    name: str
    role: str  # 'therapist' or 'patient'
    password_hash: str
    therapist: str | None  # a therapist account: the therapist whose list it sees
    person: str | None  # a patient account: the person it is
    person_id: int | None
