"""The people use cases (tracker.app.people): the patients' list, pain and effort, notes."""

from __future__ import annotations

import asyncio
import sqlite3
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


# ---------------------------------------------------------------------- rename, merge, delete
def test_a_person_is_renamed_unless_the_new_name_is_someone_elses(tmp_path: Path) -> None:
    from tracker.app.people import rename_person

    with Store.open(tmp_path / "r.db") as store:
        sid = _session(store, "zoe")
        store.ensure_person("Ann")
        assert rename_person(store, "ZOE", "Zoë Smith").name == "Zoë Smith"  # found by any spelling
        assert store.person("zoë smith").id == store.session(sid).person_id and store.session(sid).person == "Zoë Smith"
        assert rename_person(store, "zoë smith", "ZOË SMITH").name == "ZOË SMITH"  # the same key: only the display form
        with pytest.raises(ConfigurationError, match="already.*'Ann'.*person merge"):
            rename_person(store, "Zoë Smith", "ann")
        with pytest.raises(ConfigurationError, match="control character"):
            rename_person(store, "Ann", "Ann\tLee")
        with pytest.raises(NotFoundError):
            rename_person(store, "Nobody", "Somebody")
        assert [p.name for p in store.people()] == ["Ann", "ZOË SMITH"]


def test_merging_moves_everything_and_keeps_the_mark(tmp_path: Path) -> None:
    from calibration.kinds import CalibrationKind
    from tracker.app.people import merge_people, person_footprint

    with Store.open(tmp_path / "r.db") as store:
        typo = _session(store, "Zoe Smiht")
        _session(store, "Zoe Smith")
        store.add_prescription("Zoe Smiht", Exercise.HIP_RAISE, sets=2, reps_min=8, reps_max=12, hold_s=None, rest_min_s=60,
                               rest_max_s=180, days_per_week=3, load_kg=0.0)
        add_note(store, "Zoe Smiht", "first visit", therapist="Dr Lee")
        log_entry(store, "Zoe Smiht", EntryKind.PAIN, 6, session_id=typo)
        store.add_calibration(CalibrationKind.RANGE, {"target_rom_deg": 40.0}, "ok", person="Zoe Smiht", exercise=Exercise.HIP_RAISE)
        moving = person_footprint(store, "Zoe Smiht")
        assert (moving.sessions, moving.prescriptions, moving.notes, moving.entries, moving.calibrations) == (1, 1, 1, 1, 1)
        assert moving.sample_bytes > 0
        with pytest.raises(ConfigurationError, match="same person"):
            merge_people(store, "zoe smiht", "ZOE SMIHT")
        merged = merge_people(store, "Zoe Smiht", "zoe smith")
        assert merged.person.name == "Zoe Smith" and merged.moved == moving
        assert [p.name for p in store.people()] == ["Zoe Smith"]
        after = person_footprint(store, "Zoe Smith")
        assert (after.sessions, after.prescriptions, after.notes, after.entries, after.calibrations) == (2, 1, 1, 1, 1)
        assert store.session(typo).person == "Zoe Smith"
        zoe = store.person("Zoe Smith")
        assert zoe.needs_attention and zoe.attention_reason is not None and "pain 6/10" in zoe.attention_reason  # still to be seen to
        assert store.latest_calibration(CalibrationKind.RANGE, person="Zoe Smith") is not None


def test_deleting_a_person_removes_all_of_their_data_and_no_one_elses(tmp_path: Path) -> None:
    from calibration.kinds import CalibrationKind
    from tracker.app.people import delete_person

    db = tmp_path / "r.db"
    with Store.open(db) as store:
        ann = _session(store, "Ann")
        bob = _session(store, "Bob")
        log_entry(store, "Ann", EntryKind.RPE, 4, session_id=ann)
        log_entry(store, "Ann", EntryKind.PAIN, 2)
        add_note(store, "Ann", "test person", therapist="Dr Lee")
        store.add_prescription("Ann", Exercise.HIP_RAISE, sets=2, reps_min=8, reps_max=12, hold_s=None, rest_min_s=60, rest_max_s=180,
                               days_per_week=3, load_kg=0.0)
        store.add_calibration(CalibrationKind.MOUNTING, {}, "ok", person="Ann", exercise=Exercise.HIP_RAISE)
        store.add_calibration(CalibrationKind.DEVICE, {}, "ok", device="wit-1")
        gone = delete_person(store, "ann")
        assert (gone.person, gone.sessions, gone.entries, gone.notes, gone.prescriptions, gone.calibrations) == ("Ann", 1, 2, 1, 1, 1)
        assert [p.name for p in store.people()] == ["Bob"] and [s.id for s in store.sessions()] == [bob]
        assert store.latest_calibration(CalibrationKind.DEVICE, device="wit-1") is not None  # the sensor's, not Ann's
        with pytest.raises(NotFoundError):
            delete_person(store, "Ann")
    con = sqlite3.connect(db)
    for table in ("sample_chunks", "reps", "sets", "flags", "gaps", "notes", "entries", "prescriptions"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE {'person_id = 1' if table in ('notes', 'entries', 'prescriptions') else f'session_id = {ann}'}").fetchone()[0] == 0, table
    con.close()


def test_a_person_recording_now_is_not_deleted(tmp_path: Path) -> None:
    from tracker.app.people import delete_person

    with Store.open(tmp_path / "r.db") as store:
        replay = open_replay(STANDING, speed=float("inf"))
        SessionRecorder(store, replay.source, plan_session(store, replay.source.info,
                                                           SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION)).plan)
        with pytest.raises(ConfigurationError, match="recording"):
            delete_person(store, "Ann")
        assert [p.name for p in store.people()] == ["Ann"]
