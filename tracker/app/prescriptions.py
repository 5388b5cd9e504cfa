"""Prescription use cases: prescribe, and how a person follows their prescriptions (adherence,
rests, the next step), with the rule that recent pain marks them for the therapist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tracker.core.exercises import HOLD, Exercise
from tracker.core.progression import PAIN_THRESHOLD, EntryKind, PrescriptionValue, ProgressReport, SessionValue, assess_progress
from tracker.errors import ConfigurationError, InvalidValueError
from tracker.store import Entry, Note, Prescription, Store
from tracker.store.repository import parse_iso

#: the limits of a prescription's numbers (beyond them: a typo)
MAX_SETS = 20
MAX_REPS = 500
MAX_LOAD_KG = 100.0
#: a rest shorter than this is taken for minutes typed as seconds ("1-3")
MIN_REST_MAX_S = 10.0


@dataclass(frozen=True)
class PrescriptionRequest:
    person: str
    exercise: Exercise
    sets: int = 2
    reps_min: int = 8
    reps_max: int = 12
    hold_s: float | None = None
    rest_min_s: float = 60.0
    rest_max_s: float = 180.0
    days_per_week: int = 3
    load_kg: float = 0.0
    therapist: str | None = None
    #: in force from (backdated: the person trained to it before it was written down); None: now
    starts_at: datetime | None = None


def prescribe(store: Store, request: PrescriptionRequest) -> Prescription:
    """Store a new prescription for a person and exercise (earlier ones are kept as history);
    the person is created when new and put on the therapist's list when one is named."""
    r = request
    if r.exercise is Exercise.AUTO:
        raise ConfigurationError("a prescription names its exercise ('auto' is for analysing an unknown one)")
    if r.rest_max_s < MIN_REST_MAX_S:
        raise InvalidValueError("rest_s", f"is in seconds (1-3 minutes is 60-180), not {r.rest_min_s:g}-{r.rest_max_s:g}")
    if not 0 <= r.rest_min_s <= r.rest_max_s:
        raise InvalidValueError("rest_s", f"MIN must be at most MAX, got {r.rest_min_s:g}-{r.rest_max_s:g}")
    if not 1 <= r.sets <= MAX_SETS:
        raise InvalidValueError("sets", f"is 1-{MAX_SETS} sets per session, not {r.sets}")
    if not 1 <= r.days_per_week <= 7:
        raise InvalidValueError("days_per_week", f"is 1-7, not {r.days_per_week}")
    if not 0 <= r.load_kg < MAX_LOAD_KG:
        raise InvalidValueError("load_kg", f"is an ankle weight in kg (0-{MAX_LOAD_KG:g}), not {r.load_kg:g}")
    if r.hold_s is not None:
        HOLD.check(r.hold_s)
    if not 1 <= r.reps_max <= MAX_REPS or not 0 <= r.reps_min <= r.reps_max:
        raise InvalidValueError("reps", f"is MIN-MAX reps per set, 1-{MAX_REPS}, not {r.reps_min}-{r.reps_max}")
    starts_at = None
    if r.starts_at is not None:
        when = r.starts_at if r.starts_at.tzinfo is not None else r.starts_at.replace(tzinfo=UTC)
        if when > datetime.now(UTC):
            raise InvalidValueError("from", f"is in the future ({when.isoformat()}): a prescription is in force from when it is "
                                            "written, or from an earlier date")
        starts_at = when.astimezone(UTC).isoformat(timespec="milliseconds")  # as the store writes times
    store.ensure_person(r.person, therapist=r.therapist)
    return store.add_prescription(r.person, r.exercise, sets=r.sets, reps_min=r.reps_min, reps_max=r.reps_max, hold_s=r.hold_s,
                                  rest_min_s=r.rest_min_s, rest_max_s=r.rest_max_s, days_per_week=r.days_per_week, load_kg=r.load_kg,
                                  created_at=starts_at)


@dataclass(frozen=True)
class ProgressOverview:
    person: str
    reports: tuple[ProgressReport, ...]  # one per prescribed exercise
    entries: tuple[Entry, ...]  # pain and effort, oldest first
    notes: tuple[Note, ...]  # oldest first
    #: the person carries the attention mark (written by :func:`tracker.app.people.log_entry`
    #: for pain at or above PAIN_THRESHOLD, cleared by a resolving note)
    marked_for_attention: bool = False

    def recent_entries(self, now: datetime, *, days: int = 30) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if (now - parse_iso(e.created_at).astimezone(now.tzinfo)).days < days)


def progress(store: Store, person: str, *, exercise: Exercise | None = None, pain_threshold: int = PAIN_THRESHOLD,
             now: datetime | None = None) -> ProgressOverview:
    """How ``person`` follows each prescription (or the one of ``exercise``): adherence, rests,
    sets against the rep range, and the next step. Recent pain at or above ``pain_threshold``
    blocks progression and is reported for the therapist. Days are the person's local days.

    Reads only: the attention mark is written where pain is entered (:func:`tracker.app.people.log_entry`),
    so looking at progress (with any threshold, on a read-only store) changes nothing.
    """
    now = now or datetime.now().astimezone()
    tz = now.tzinfo

    def local(text: str) -> datetime:
        return parse_iso(text).astimezone(tz)

    info = store.person(person)
    history = store.prescription_history(info.name, exercise)
    if not history:
        raise ConfigurationError(f"{info.name} has no prescription" + (f" for {exercise.value}" if exercise else "")
                                 + ": see 'reptrack prescribe'")
    entries = store.entries(info.name)
    pains = [(local(e.created_at), e.value) for e in entries if e.kind is EntryKind.PAIN]
    cleared = local(info.attention_cleared_at) if info.attention_cleared_at else None
    reports = []
    for ex in dict.fromkeys(p.exercise for p in history):
        hist = [PrescriptionValue(p.exercise.value, p.sets, p.reps_min, p.reps_max, p.hold_s, p.rest_min_s, p.rest_max_s,
                                  p.days_per_week, p.load_kg, local(p.created_at)) for p in history if p.exercise is ex]
        values = []
        for s in store.sessions(person=info.name, exercise=ex):
            sets = store.sets(s.id)
            values.append(SessionValue(s.id, local(s.started_at), s.status.value, s.load_kg, tuple(x.rep_count for x in sets),
                                       tuple(x.rest_before_s for x in sets if x.rest_before_s is not None), s.rep_count,
                                       store.flagged_rep_count(s.id)))
        reports.append(assess_progress(info.name, hist, values, pains, now, pain_threshold=pain_threshold, attention_cleared_at=cleared))
    return ProgressOverview(info.name, tuple(reports), tuple(entries), tuple(store.notes(info.name)), info.needs_attention)
