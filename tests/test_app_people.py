"""The people use cases (tracker.app.people): the patients' list, pain and effort, notes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.test_cli import STANDING
from tracker.app.people import add_note, log_entry, patients_overview
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import SessionRequest, open_replay, plan_session
from tracker.core.exercises import Exercise
from tracker.core.progression import PAIN_THRESHOLD, EntryKind
from tracker.errors import ConfigurationError, InvalidValueError, NotFoundError
from tracker.store import Store


def _session(store: Store, person: str, started_at: datetime | None = None) -> int:
    replay = open_replay(STANDING, speed=float("inf"))
    plan = plan_session(store, replay.source.info, SessionRequest(person, Exercise.STANDING_HIP_ABDUCTION, started_at=started_at)).plan
    rec = SessionRecorder(store, replay.source, plan)
    asyncio.run(rec.run())
    return rec.session_id


def test_pain_at_the_threshold_marks_the_person_and_effort_does_not(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        store.ensure_person("Ann")
        low = log_entry(store, "Ann", EntryKind.PAIN, PAIN_THRESHOLD - 1)
        assert not low.marked_for_attention and not store.person("Ann").needs_attention
        hard = log_entry(store, "Ann", EntryKind.RPE, 9)
        assert not hard.marked_for_attention and hard.entry.kind is EntryKind.RPE
        sharp = log_entry(store, "Ann", EntryKind.PAIN, PAIN_THRESHOLD, note="knee")
        assert sharp.marked_for_attention and sharp.entry.value == PAIN_THRESHOLD
        ann = store.person("Ann")
        assert ann.needs_attention and ann.attention_reason is not None and "knee" in ann.attention_reason


def test_entries_and_notes_refuse_bad_values_and_other_peoples_sessions(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        ann = _session(store, "Ann")
        bob = _session(store, "Bob")
        with pytest.raises(InvalidValueError) as info:
            log_entry(store, "Ann", EntryKind.PAIN, 11)
        assert info.value.field == "pain"
        with pytest.raises(NotFoundError):
            log_entry(store, "Zed", EntryKind.RPE, 3)
        with pytest.raises(ConfigurationError, match="Bob's, not Ann's"):
            log_entry(store, "Ann", EntryKind.RPE, 3, session_id=bob)
        assert log_entry(store, "Ann", EntryKind.RPE, 3, latest_session=True).entry.session_id == ann
        with pytest.raises(ConfigurationError, match="Bob's, not Ann's"):
            add_note(store, "Ann", "hello", session_id=bob)
        assert store.entries("Ann") == [e for e in store.entries("Ann") if e.session_id == ann]


def test_a_resolving_note_clears_the_attention_mark(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        sid = _session(store, "Ann")
        log_entry(store, "Ann", EntryKind.PAIN, 8)
        plain = add_note(store, "Ann", "seen", therapist="Dr Lee")
        assert not plain.attention_cleared and store.person("Ann").needs_attention
        done = add_note(store, "Ann", "called her: fine now", latest_session=True, therapist="Dr Lee", resolve=True)
        assert done.attention_cleared and done.note.session_id == sid and done.note.therapist == "Dr Lee"
        assert not store.person("Ann").needs_attention


def test_the_patients_list_counts_session_days_and_shows_the_last_pain(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    with Store.open(tmp_path / "r.db") as store:
        store.ensure_person("Ann", therapist="Dr Lee")
        store.ensure_person("Bob", therapist="Dr Lee")
        store.ensure_person("Cy", therapist="Dr Kim")
        for days_ago in (1, 1, 3, 40):  # two sessions on one day, one too long ago
            _session(store, "Bob", started_at=now - timedelta(days=days_ago))
        log_entry(store, "Ann", EntryKind.PAIN, 7)
        rows = patients_overview(store, therapist="Dr Lee", now=now)
        assert [r.person for r in rows] == ["Ann", "Bob"]  # by name; Cy is Dr Kim's
        ann, bob = rows
        assert ann.needs_attention and ann.last_pain is not None and ann.last_pain.value == 7 and ann.sessions == 0
        assert bob.sessions == 4 and bob.session_days_30 == 2 and bob.last_pain is None and not bob.needs_attention
        assert [r.person for r in sorted(rows, key=lambda r: r.attention_first)] == ["Ann", "Bob"]
        assert [r.person for r in patients_overview(store, now=now)] == ["Ann", "Bob", "Cy"]
