"""People use cases: the therapist's list of patients, pain and effort entries (and the rule
that pain marks a person for the therapist's attention), therapists' notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.app.sessions import find_session
from tracker.core.progression import PAIN_THRESHOLD, EntryKind
from tracker.errors import InvalidValueError
from tracker.store import Entry, Note, Store
from tracker.store.repository import parse_iso

#: "days with a session" in the patients' list look back this far
RECENT_DAYS = 30


@dataclass(frozen=True)
class PatientSummary:
    """One line of a therapist's list."""

    person: str
    therapist: str | None
    needs_attention: bool
    attention_reason: str | None
    sessions: int
    last_session: str | None  # when the latest session started, ISO 8601 UTC
    session_days_30: int  # days with a session (with reps) in the last 30, the person's local days
    last_pain: Entry | None

    @property
    def attention_first(self) -> tuple[bool, str]:
        """Sort key: who needs attention first, then by name."""
        return (not self.needs_attention, self.person)


def patients_overview(store: Store, *, therapist: str | None = None, now: datetime | None = None) -> list[PatientSummary]:
    """Each person (of ``therapist`` when given), by name: their last session, days with a session
    in the last 30 days, last pain entry and attention mark."""
    now = now or datetime.now().astimezone()
    out = []
    for p in store.people(therapist=therapist):
        sessions = store.sessions(person=p.name)
        days = {parse_iso(x.started_at).astimezone(now.tzinfo).date() for x in sessions if x.rep_count}
        pains = store.entries(p.name, kind=EntryKind.PAIN)
        out.append(PatientSummary(
            person=p.name, therapist=p.therapist, needs_attention=p.needs_attention, attention_reason=p.attention_reason,
            sessions=len(sessions), last_session=sessions[-1].started_at if sessions else None,
            session_days_30=sum(now.date() - d < timedelta(days=RECENT_DAYS) for d in days),
            last_pain=pains[-1] if pains else None,
        ))
    return out


@dataclass(frozen=True)
class LoggedEntry:
    entry: Entry
    #: pain at or above the threshold: the person is now marked for the therapist's attention
    marked_for_attention: bool


def log_entry(store: Store, person: str, kind: EntryKind, value: int, *, session_id: int | None = None, latest_session: bool = False,
              note: str | None = None) -> LoggedEntry:
    """Record pain or effort (0-10) for ``person`` (and one of their sessions: ``session_id``, or
    their latest with ``latest_session``). Pain at or above :data:`PAIN_THRESHOLD` marks the
    person for the therapist's attention at once."""
    if not 0 <= value <= 10:
        raise InvalidValueError(kind.value, f"is rated 0-10, not {value}")
    store.person(person)  # says so when there is no such person
    sid = find_session(store, session_id, person=person).id if session_id is not None or latest_session else None
    entry = store.add_entry(person, kind, value, session_id=sid, note=note)
    marked = kind is EntryKind.PAIN and value >= PAIN_THRESHOLD
    if marked:
        store.set_attention(person, f"pain {value}/10 reported on {entry.created_at[:10]}" + (f": {note}" if note else ""))
    return LoggedEntry(entry, marked)


@dataclass(frozen=True)
class AddedNote:
    note: Note
    attention_cleared: bool  # the note answered the person's attention mark


def add_note(store: Store, person: str, text: str, *, session_id: int | None = None, latest_session: bool = False,
             therapist: str | None = None, resolve: bool = False) -> AddedNote:
    """A therapist's note on a person (or one of their sessions); ``resolve`` clears the
    person's attention mark (the pain that caused it no longer blocks progression), when there
    is one: ``attention_cleared`` says whether there was."""
    marked = store.person(person).needs_attention
    sid = find_session(store, session_id, person=person).id if session_id is not None or latest_session else None
    note = store.add_note(person, text, session_id=sid, therapist=therapist)
    if resolve and marked:
        store.set_attention(person, None)
    return AddedNote(note, resolve and marked)
