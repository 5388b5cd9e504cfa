"""A person's history for the dashboard: one summary per session (reps, sets, range,
smoothness, flags), the calendar of exercise days, progress against the prescriptions (the
same :func:`~tracker.app.prescriptions.progress` as ``reptrack progress``), pain, effort,
notes; and how one session compares with the person's calibration and their earlier sessions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from tracker.app.prescriptions import ProgressOverview, progress
from calibration.kinds import CalibrationKind
from tracker.core.exercises import Exercise, FlagKind
from tracker.errors import ConfigurationError
from tracker.pipeline import Rep
from tracker.pipeline.types import RepSource
from tracker.store import Entry, Note, Person, Prescription, SessionInfo, SessionStatus, Store
from tracker.store.repository import parse_iso

#: earlier sessions of the same exercise a session report compares with
COMPARED_SESSIONS = 5


def _mean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None and math.isfinite(x)]
    return sum(xs) / len(xs) if xs else None


@dataclass(frozen=True)
class SessionSummary:
    """One stored session in a person's history."""

    id: int
    started_at: str  # ISO 8601 UTC
    exercise: Exercise
    status: SessionStatus
    load_kg: float | None
    rep_count: int
    set_reps: tuple[int, ...]
    mean_rom_deg: float | None
    mean_sparc: float | None  # closer to 0 is smoother
    flagged_reps: int  # reps with at least one flag
    flag_counts: tuple[tuple[FlagKind, int], ...]  # reps with each kind of flag, in FlagKind order

    def share_flagged(self, kind: FlagKind) -> float:
        if not self.rep_count:
            return 0.0
        return dict(self.flag_counts).get(kind, 0) / self.rep_count


def summarise_session(info: SessionInfo, reps: list[Rep], set_reps: tuple[int, ...]) -> SessionSummary:
    counts = {k: sum(1 for r in reps if k in r.flag_kinds) for k in FlagKind}
    return SessionSummary(
        id=info.id, started_at=info.started_at, exercise=info.exercise, status=info.status, load_kg=info.load_kg,
        rep_count=len(reps), set_reps=set_reps, mean_rom_deg=_mean([r.rom_deg for r in reps if r.source is RepSource.EXCURSION]),
        mean_sparc=_mean([r.sparc for r in reps]), flagged_reps=sum(1 for r in reps if r.flags),
        flag_counts=tuple((k, n) for k, n in counts.items() if n),
    )


def session_summaries(store: Store, person: str) -> list[SessionSummary]:
    """Every session of ``person``, oldest first, summarised."""
    return [summarise_session(s, store.reps(s.id), tuple(x.rep_count for x in store.sets(s.id))) for s in store.sessions(person=person)]


@dataclass(frozen=True)
class PersonHistory:
    person: Person
    sessions: tuple[SessionSummary, ...]  # oldest first
    exercise_days: tuple[date, ...]  # the person's local days with a session with reps
    progress: ProgressOverview | None  # None: no prescription yet
    prescriptions: tuple[Prescription, ...]  # every prescription, oldest first (the load history)
    entries: tuple[Entry, ...]
    notes: tuple[Note, ...]


def person_history(store: Store, person: str, *, now: datetime | None = None) -> PersonHistory:
    """Everything the person page shows of ``person``."""
    now = now or datetime.now().astimezone()
    p = store.person(person)
    sessions = session_summaries(store, p.name)
    days = sorted({parse_iso(s.started_at).astimezone(now.tzinfo).date() for s in sessions if s.rep_count})
    try:
        overview: ProgressOverview | None = progress(store, p.name, now=now)
    except ConfigurationError:
        overview = None  # no prescription
    return PersonHistory(
        person=p, sessions=tuple(sessions), exercise_days=tuple(days), progress=overview,
        prescriptions=tuple(store.prescription_history(p.name)),
        entries=tuple(store.entries(p.name)) if overview is None else overview.entries,
        notes=tuple(store.notes(p.name)) if overview is None else overview.notes,
    )


@dataclass(frozen=True)
class SessionComparison:
    """A session against the person's calibrated range and their earlier sessions."""

    this: SessionSummary
    target_rom_deg: float | None  # the calibrated range the session was analysed with
    range_calibrated_at: str | None
    pelvic_baseline_deg: float | None
    sparc_baseline: float | None
    previous: tuple[SessionSummary, ...]  # up to COMPARED_SESSIONS earlier sessions of the exercise, oldest first


def compare_session(store: Store, session_id: int) -> SessionComparison:
    info = store.session(session_id)
    earlier = [s for s in store.sessions(person=info.person, exercise=info.exercise)
               if (s.started_at, s.id) < (info.started_at, info.id)][-COMPARED_SESSIONS:]
    this = summarise_session(info, store.reps(info.id), tuple(x.rep_count for x in store.sets(info.id)))
    previous = tuple(summarise_session(s, store.reps(s.id), tuple(x.rep_count for x in store.sets(s.id))) for s in earlier)
    personal = info.setup.personal
    when = None
    for cid in info.setup.calibration_ids:
        c = store.calibration(cid)
        if c.kind is CalibrationKind.RANGE:
            when = c.created_at
    return SessionComparison(this, personal.target_rom_deg, when, personal.pelvic_baseline_deg, personal.sparc_baseline, previous)
