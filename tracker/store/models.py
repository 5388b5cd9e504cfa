"""What the store holds, as frozen values (no SQL here)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from tracker.recording import Stream

__all__ = ["AnalysisParams", "CalibrationRecord", "Entry", "NewSession", "Note", "Person", "Prescription", "SessionInfo",
           "SessionStatus", "Stream"]


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
class AnalysisParams:
    """Everything the analysis of a session depends on besides its samples.

    Stored with the session, so ``reanalyze`` runs with exactly these.
    """

    exercise: str
    placement: str
    hold_s: float | None = None
    target_rom_deg: float | None = None
    pelvic_baseline_deg: float | None = None
    sparc_baseline: float | None = None
    #: ids of the calibrations applied (device, mounting, range), for the record
    calibration_ids: tuple[int, ...] = ()
    #: device calibration applied to the raw accelerometer before analysis:
    #: per-axis offset (g) and scale, ``accel_cal = (accel_raw - offset) * scale``
    accel_offset_g: tuple[float, float, float] | None = None
    accel_scale: tuple[float, float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise, "placement": self.placement, "hold_s": self.hold_s,
            "target_rom_deg": self.target_rom_deg, "pelvic_baseline_deg": self.pelvic_baseline_deg,
            "sparc_baseline": self.sparc_baseline, "calibration_ids": list(self.calibration_ids),
            "accel_offset_g": None if self.accel_offset_g is None else list(self.accel_offset_g),
            "accel_scale": None if self.accel_scale is None else list(self.accel_scale),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> AnalysisParams:
        def vec(v: Any) -> tuple[float, float, float] | None:
            return None if v is None else (float(v[0]), float(v[1]), float(v[2]))
        return cls(
            exercise=d["exercise"], placement=d["placement"], hold_s=d.get("hold_s"),
            target_rom_deg=d.get("target_rom_deg"), pelvic_baseline_deg=d.get("pelvic_baseline_deg"),
            sparc_baseline=d.get("sparc_baseline"), calibration_ids=tuple(d.get("calibration_ids", ())),
            accel_offset_g=vec(d.get("accel_offset_g")), accel_scale=vec(d.get("accel_scale")),
        )


@dataclass(frozen=True)
class NewSession:
    person: str
    params: AnalysisParams
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
    exercise: str
    placement: str
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
    params: AnalysisParams
    meta: dict[str, str]
    pelvis_sample_rate_hz: float | None = None
    pelvis_has_gyro: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "person": self.person, "exercise": self.exercise, "placement": self.placement,
            "source": self.source, "device": self.device, "sample_rate_hz": self.sample_rate_hz,
            "has_gyro": self.has_gyro, "has_pelvis": self.has_pelvis, "started_at": self.started_at,
            "ended_at": self.ended_at, "status": self.status.value, "load_kg": self.load_kg,
            "sample_count": self.sample_count, "rep_count": self.rep_count, "set_count": self.set_count,
            "pelvis_sample_rate_hz": self.pelvis_sample_rate_hz, "pelvis_has_gyro": self.pelvis_has_gyro,
            "params": self.params.to_json(),
        }


@dataclass(frozen=True)
class Prescription:
    id: int
    person: str
    exercise: str
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
    kind: str  # "pain" or "rpe"
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
    kind: str  # device, mounting, range
    device: str | None
    person: str | None
    exercise: str | None
    placement: str | None
    data: dict[str, Any]
    quality: str
    created_at: str
