"""People use cases: the therapist's list of patients, pain and effort entries (and the rule
that pain marks a person for the therapist's attention), therapists' notes; renaming,
merging and deleting people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.app.sessions import find_session
from tracker.core.progression import PAIN_THRESHOLD, EntryKind
from tracker.errors import ConfigurationError, InvalidValueError
from tracker.store import Entry, Note, Person, PersonRecords, SessionStatus, Store
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


# ---------------------------------------------------------------------- rename, merge, delete
def person_footprint(store: Store, person: str) -> PersonRecords:
    """What the store holds of ``person`` (what :func:`delete_person` would remove, or
    :func:`merge_people` move): to say so before asking."""
    return store.person_records(person)


def rename_person(store: Store, person: str, new_name: str) -> Person:
    """Give ``person`` another name, or write theirs another way ("zoe" -> "Zoë Smith").

    Raises
    ------
    ConfigurationError
        The new name is someone else's (matched as names are: that is a merge), or is not one
        line of text.
    NotFoundError
        No such person.
    """
    return store.rename_person(person, new_name)


@dataclass(frozen=True)
class MergedPeople:
    person: Person  # the one that remains
    moved: PersonRecords  # what came from the other one (removed)


def merge_footprint(store: Store, source: str, into: str) -> tuple[PersonRecords, Person]:
    """What :func:`merge_people` would move from ``source``, and the person it would move it to.

    Raises
    ------
    ConfigurationError
        ``source`` and ``into`` are the same person.
    """
    a, b = store.person(source), store.person(into)
    if a.id == b.id:
        raise ConfigurationError(f"{source!r} and {into!r} are the same person ({b.name!r})")
    return store.person_records(a.name), b


def merge_people(store: Store, source: str, into: str) -> MergedPeople:
    """Make ``source`` and ``into`` one person (two spellings of a name, a test account):
    sessions, prescriptions, notes, pain and effort, calibrations of ``source`` move to
    ``into`` and ``source`` is removed. Pain either has not had seen to still marks them."""
    moved = store.merge_people(source, into)
    return MergedPeople(store.person(into), moved)


def delete_person(store: Store, person: str) -> PersonRecords:
    """Remove ``person`` and all they have in the store -- sessions with their raw samples,
    prescriptions, notes, pain and effort, calibrations -- and return what was removed.

    Raises
    ------
    ConfigurationError
        One of their sessions is recording now (stop it first).
    """
    p = store.person(person)
    live = [s.id for s in store.sessions(person=p.name) if s.status is SessionStatus.RECORDING]
    if live:
        raise ConfigurationError(f"{p.name}'s session {live[0]} is recording now: end it before deleting {p.name}")
    return store.delete_person(p.name)
