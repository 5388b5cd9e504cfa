"""The session use cases (tracker.app.sessions), called with values on a real SQLite store."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.test_cli import SAMPLES, SIDE_LYING, SIDE_LYING_PELVIS, STANDING
from tracker.app.calibrations import calibrate_device
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import (
    SessionRequest,
    export_session,
    find_session,
    list_sessions,
    open_replay,
    plan_session,
    reanalyse_session,
    show_session,
)
from tracker.core.exercises import Exercise
from tracker.core.progression import EntryKind
from tracker.core.recording import Placement
from tracker.errors import ConfigurationError, InvalidValueError, NotFoundError
from tracker.files.csv_recording import read_recording
from tracker.pipeline import PelvisOnPelvisError
from tracker.core.exercises import JERKY_WITHOUT_GYRO_NOTE
from tracker.store import SessionStatus, Store

SIX_POSES = Path(__file__).resolve().parents[1] / "sample_data" / "calibration" / "device-six-poses.csv"


def _record(store: Store, path: Path, person: str, exercise: Exercise, *, pelvis: Path | None = None,
            started_at: datetime | None = None, hold_s: float | None = None, device: str | None = None) -> int:
    replay = open_replay(path, pelvis=pelvis, speed=float("inf"), device=device)
    planned = plan_session(store, replay.source.info, SessionRequest(person, exercise, hold_s=hold_s, started_at=started_at))
    rec = SessionRecorder(store, replay.source, planned.plan)
    assert asyncio.run(rec.run()) is SessionStatus.COMPLETE
    return rec.session_id


def test_a_plan_takes_hold_and_weight_from_the_prescription_and_the_calibrations(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        store.add_prescription("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, sets=2, reps_min=8, reps_max=12, hold_s=2.0, rest_min_s=60,
                               rest_max_s=180, days_per_week=3, load_kg=1.5)
        six = open_replay(SIX_POSES, speed=float("inf"), device="wit-1")
        asyncio.run(calibrate_device(store, six.source, device="wit-1", on_event=lambda e: None))
        replay = open_replay(SIDE_LYING, pelvis=SIDE_LYING_PELVIS, speed=float("inf"), device="wit-1")
        planned = plan_session(store, replay.source.info, SessionRequest(" Ann ", Exercise.SIDE_LYING_HIP_ABDUCTION))
        plan = planned.plan
        assert plan.person == "Ann" and plan.load_kg == 1.5
        assert plan.setup.personal.hold_s == 2.0
        assert plan.setup.placement is Placement.THIGH and plan.setup.with_pelvis
        assert plan.setup.accel_correction is not None and planned.calibration.device is not None
        assert plan.setup.calibration_ids == planned.calibration.ids == (1,)
        # what is asked for wins over the prescription
        asked = plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, hold_s=3.0, load_kg=0.5))
        assert asked.plan.setup.personal.hold_s == 3.0 and asked.plan.load_kg == 0.5


def test_a_plan_refuses_what_cannot_be_recorded(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        replay = open_replay(SIDE_LYING, pelvis=SIDE_LYING_PELVIS, speed=float("inf"))
        with pytest.raises(PelvisOnPelvisError) as info:
            plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.HIP_RAISE, Placement.PELVIS))
        assert info.value.field == "pelvis"
        with pytest.raises(InvalidValueError) as bad_load:
            plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, load_kg=250.0))
        assert bad_load.value.field == "load_kg"
        assert store.people() == []  # refused before anything was written


def test_find_show_reanalyse_and_export_a_recorded_session(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        store.add_prescription("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, sets=2, reps_min=8, reps_max=12, hold_s=2.0, rest_min_s=60,
                               rest_max_s=180, days_per_week=3, load_kg=0.0, created_at="2026-01-01T00:00:00.000+00:00")
        sid = _record(store, SIDE_LYING, "Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, pelvis=SIDE_LYING_PELVIS)
        other = _record(store, STANDING, "Bob", Exercise.STANDING_HIP_ABDUCTION)
        store.add_note("Ann", "good", session_id=sid, therapist="Dr Lee")
        store.add_entry("Ann", EntryKind.RPE, 4, session_id=sid)

        assert [s.id for s in list_sessions(store)] == [sid, other]
        assert [s.id for s in list_sessions(store, person="Ann")] == [sid]
        assert find_session(store, None).id == other  # the latest
        assert find_session(store, None, person="Ann").id == sid
        with pytest.raises(ConfigurationError, match="Bob's, not Ann's"):
            find_session(store, other, person="Ann")
        with pytest.raises(NotFoundError, match="no session 99"):
            find_session(store, 99)

        report = show_session(store, sid)
        assert report.info.id == sid and report.info.exercise is Exercise.SIDE_LYING_HIP_ABDUCTION
        assert report.result.rep_count == report.info.rep_count > 10 and len(report.result.sets) == 2
        check = report.prescription
        assert check is not None and check.prescription.hold_s == 2.0
        assert check.set_reps == tuple(s.rep_count for s in report.result.sets)
        assert len(check.rests_s) == 1 and check.rests_outside == int(not 60 <= check.rests_s[0] <= 180)
        assert [n.text for n in report.notes] == ["good"] and [e.value for e in report.entries] == [4]
        assert show_session(store, other).prescription is None  # Bob has none

        again = reanalyse_session(store, sid, write=False)
        assert again.identical and again.new_rep_count == report.info.rep_count

        written = export_session(store, sid, tmp_path / "out")
        names = sorted(p.name for p in written)
        assert names == [f"session-{sid}.json", f"session-{sid}.pelvis.csv", f"session-{sid}.reps.csv", f"session-{sid}.samples.csv"]
        doc = json.loads((tmp_path / "out" / f"session-{sid}.json").read_text())
        assert doc["id"] == sid and len(doc["report"]["reps"]) == report.info.rep_count
        with open(tmp_path / "out" / f"session-{sid}.reps.csv") as fh:
            assert len(list(csv.DictReader(fh))) == report.info.rep_count
        exported = read_recording(tmp_path / "out" / f"session-{sid}.samples.csv").recording
        assert len(exported) == report.info.sample_count


def test_the_report_of_a_session_from_a_sensor_without_a_gyro_says_jerky_is_less_certain(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        without = _record(store, SAMPLES / "prone-leg-lift-accel-only.csv", "Ann", Exercise.PRONE_LEG_LIFT,
                          pelvis=SAMPLES / "prone-leg-lift-accel-only.pelvis.csv")
        with_gyro = _record(store, SIDE_LYING, "Ann", Exercise.SIDE_LYING_HIP_ABDUCTION, pelvis=SIDE_LYING_PELVIS)
        report = show_session(store, without)
        assert not report.info.has_gyro and report.result.rep_count > 0
        assert report.result.flag_notes == (JERKY_WITHOUT_GYRO_NOTE,)
        gyro_report = show_session(store, with_gyro)
        assert gyro_report.info.has_gyro and gyro_report.result.flag_notes == ()


def test_an_imported_session_keeps_its_own_date_and_a_recording_one_is_not_reanalysed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        sid = _record(store, STANDING, "Ann", Exercise.STANDING_HIP_ABDUCTION, started_at=when)
        assert find_session(store, sid).started_at.startswith("2026-03-01T09:30:00")
        replay = open_replay(STANDING, speed=float("inf"))
        live = SessionRecorder(store, replay.source, plan_session(store, replay.source.info,
                                                                  SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION)).plan)
        with pytest.raises(ConfigurationError, match="still recording"):
            reanalyse_session(store, live.session_id)


def test_deleting_a_session_removes_its_raw_samples_from_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from tracker.app.sessions import delete_session, session_footprint

    connect = sqlite3.connect

    def without_secure_delete(*args: object, **kw: object) -> sqlite3.Connection:
        con = connect(*args, **kw)  # type: ignore[arg-type]
        con.execute("PRAGMA secure_delete = 0")  # SQLite's own default (some distributions build it on)
        return con

    monkeypatch.setattr(sqlite3, "connect", without_secure_delete)
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        sid = _record(store, SIDE_LYING, "Ann", Exercise.SIDE_LYING_HIP_ABDUCTION)
        keep = _record(store, STANDING, "Ann", Exercise.STANDING_HIP_ABDUCTION)
        store.add_note("Ann", "test session", session_id=sid)
        store.add_note("Ann", "about Ann")
        store.add_entry("Ann", EntryKind.RPE, 3, session_id=sid)
    con = connect(db)
    blobs = [b for row in con.execute("SELECT t_s, accel_g, gyro_dps FROM sample_chunks WHERE session_id = ?", (sid,))
             for b in row if b is not None]
    con.close()
    pieces = [b[k:k + 16] for b in blobs for k in range(0, len(b) - 16, 4096)]  # one in each page's worth
    # on disk before: in the database file, or still in its write-ahead log (a checkpoint at close
    # is not guaranteed; the test flaked ~1 in 20 reading the database file alone). A blob longer
    # than a page is stored across overflow pages, each beginning with a 4-byte pointer, so a
    # piece may straddle two of them; which ones do depends on where the recorder's commits (wall
    # clock) cut the blobs -- it failed 1 in ~20 runs with 64-byte pieces all required whole
    before = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
    assert len(pieces) >= 20 and sum(p in before for p in pieces) >= 0.9 * len(pieces)
    with Store.open(db) as store:
        seen = session_footprint(store, sid)
        assert seen.info.id == sid and seen.sample_bytes == sum(len(b) for b in blobs) and (seen.notes, seen.entries) == (1, 1)
        gone = delete_session(store, sid)
        assert gone == seen
        assert [s.id for s in store.sessions()] == [keep]
        assert [n.text for n in store.notes("Ann")] == ["about Ann"] and store.entries("Ann") == []
        with pytest.raises(NotFoundError):
            delete_session(store, sid)
    content = db.read_bytes() + (Path(f"{db}-wal").read_bytes() if Path(f"{db}-wal").exists() else b"")
    assert not any(p in content for p in pieces)  # overwritten, not merely unlinked


def test_a_session_still_recording_is_not_deleted(tmp_path: Path) -> None:
    from tracker.app.sessions import delete_session

    with Store.open(tmp_path / "r.db") as store:
        replay = open_replay(STANDING, speed=float("inf"))
        live = SessionRecorder(store, replay.source, plan_session(store, replay.source.info,
                                                                  SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION)).plan)
        with pytest.raises(ConfigurationError, match="still recording"):
            delete_session(store, live.session_id)


def test_the_live_page_sees_a_sets_first_rep_before_the_second_confirms_it(tmp_path: Path) -> None:
    """The recorder stores how many reps are shown but not yet sure; the live view counts them."""
    from itertools import count

    from tracker.app.traces import live_view
    from tracker.pipeline import RepCompleted, RepTentative

    ticks = count()
    seen: list[tuple[int, int, int]] = []  # (tentative in the tally, stored tentative, live view's shown count)
    with Store.open(tmp_path / "r.db") as store:
        replay = open_replay(SIDE_LYING, pelvis=SIDE_LYING_PELVIS, speed=float("inf"))
        planned = plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION))
        rec: SessionRecorder | None = None

        def update(state: object, events: list[object]) -> None:
            assert rec is not None
            stored = store.session(rec.session_id).tentative_reps
            if stored and not seen:  # the live page's whole view, once (it reads the trace)
                view = live_view(store, rec.session_id)
                seen.append((len(rec.state.tentative), view.tentative, view.shown_count))

        # a clock that runs a second per call: the recorder commits after every batch
        rec = SessionRecorder(store, replay.source, planned.plan, on_update=update, commit_s=0.5, clock=lambda: float(next(ticks)))
        assert asyncio.run(rec.run()) is SessionStatus.COMPLETE
        events = rec.events
        done = live_view(store, rec.session_id)
    assert any(isinstance(e, RepTentative) for e in events)
    # committed one batch later than the tally has it: the store showed a tentative rep while recording ...
    assert any(stored >= 1 and shown >= 1 for _, stored, shown in seen)
    # ... and the shown count never ran ahead of what was counted plus what was tentative
    assert done.tentative == 0 and done.shown_count == done.rep_count == sum(isinstance(e, RepCompleted) for e in events)
