"""The SQLite store (tracker.store): schema, refusal of foreign files, samples, results, staleness.

All on real SQLite files under pytest's tmp_path.
"""

from __future__ import annotations

import hashlib
import math
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tracker.core.exercises import FlagKind, Severity
from tracker.pipeline.types import Flag, Rep, RepSource, SetSummary
from tracker.core.exercises import Exercise
from tracker.core.progression import EntryKind
from tracker.core.recording import Placement
from tracker.pipeline import Personalisation, SessionSetup
from tracker.store import NewSession, SessionStatus, Store, StoreError, Stream
from tracker.store.schema import APPLICATION_ID, SCHEMA_VERSION


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new(person: str = "Ann", **kw: object) -> NewSession:
    base: dict[str, object] = dict(
        person=person, setup=SessionSetup(Exercise.STANDING_HIP_ABDUCTION, Placement.THIGH, personal=Personalisation(hold_s=2.0)), source="test",
        sample_rate_hz=100.0, has_gyro=True, has_pelvis=False, device_name="dev-1", device_kind="test", meta={"k": "v"},
    )
    base.update(kw)
    return NewSession(**base)  # type: ignore[arg-type]


def _rep(i: int, set_index: int = 1, flags: tuple[Flag, ...] = ()) -> Rep:
    return Rep(index=i, set_index=set_index, start_s=10.0 * i, peak_s=10.0 * i + 2, end_s=10.0 * i + 5, rom_deg=30.0 + i,
               lift_s=2.0, hold_s=1.0, lower_s=2.0, peak_speed_dps=40.0, sparc=-1.7 if i % 2 else math.nan, velocity_peaks=1,
               shake_g=0.01, tremor_dps=2.0 + (i % 3), pelvis_tilt_deg=None if i % 2 else 2.5, pelvis_lateral_deg=None, axis=(0.0, 0.0, 1.0), flags=flags)


def test_a_new_store_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "r.db"
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION >= 1
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert {"people", "therapists", "devices", "sessions", "sample_chunks", "sets", "reps", "flags", "calibrations",
            "prescriptions", "notes", "entries", "gaps"} <= tables
    con.close()
    # opening again does not migrate twice
    with Store.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance REAL)")
    con.execute("INSERT INTO accounts VALUES (1, 100.0)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="another application"):
        Store.open(path)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("content", [b"", b"hello, this is a text file\n" * 50, b"SQLite format 3\x00" + bytes(range(256)) * 20])
def test_a_corrupt_or_foreign_file_is_refused_and_left_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    if not content:
        # an empty file is a fresh store (sqlite3 itself creates files that way)
        with Store.open(path) as store:
            assert store.schema_version == SCHEMA_VERSION
        return
    before = _digest(path)
    with pytest.raises(StoreError, match="left untouched"):
        Store.open(path)
    assert _digest(path) == before


def test_a_store_from_a_newer_reptrack_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="newer reptrack"):
        Store.open(path)
    assert _digest(path) == before


def test_a_directory_is_no_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)


def test_samples_round_trip_in_chunks(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    with Store.open(tmp_path / "r.db") as store:
        sid = store.create_session(_new())
        t = np.cumsum(rng.uniform(0.009, 0.011, 1000)) + 1234.5
        a = rng.normal(0, 1, (1000, 3))
        g = rng.normal(0, 100, (1000, 3))
        for k in range(0, 1000, 137):
            with store.transaction():
                store.add_samples(sid, Stream.MAIN, t[k:k + 137], a[k:k + 137], g[k:k + 137])
        with store.transaction():
            store.add_samples(sid, Stream.PELVIS, t[:10], a[:10], None)
        got = store.samples(sid)
        assert np.array_equal(got.t_s, t)  # times exact
        assert np.array_equal(got.accel_g, a.astype(np.float32).astype(np.float64))
        assert got.gyro_dps is not None and np.array_equal(got.gyro_dps, g.astype(np.float32).astype(np.float64))
        pel = store.samples(sid, Stream.PELVIS)
        assert len(pel.t_s) == 10 and pel.gyro_dps is None
        assert store.session(sid).sample_count == 1000
        assert store.time_span(sid) == (t[0], t[-1])


def test_stored_reps_fill_every_field_of_rep() -> None:
    # Store.reps builds Rep values without their __init__: it must know every field
    from dataclasses import fields

    from tracker.store.repository import REP_FIELDS

    assert REP_FIELDS == tuple(f.name for f in fields(Rep))


def test_results_round_trip_with_flags_and_missing_values(tmp_path: Path) -> None:
    flag = Flag(FlagKind.PELVIC_RISE, Severity.MODERATE, "keep your pelvis level", 7.5, 5.0, "deg", inferred=True)
    # the second set read from its rhythm (no gyro): its range an estimate, kept so
    reps = [_rep(1), _rep(2, flags=(flag,)), replace(_rep(3, set_index=2), source=RepSource.RHYTHM)]
    sets = [SetSummary(1, 10.0, 25.0, 2, None), SetSummary(2, 30.0, 35.0, 1, 5.0)]
    with Store.open(tmp_path / "r.db") as store:
        sid = store.create_session(_new())
        with store.transaction():
            for r in reps:
                store.add_rep(sid, r)
            for s in sets:
                store.add_set(sid, s)
        got = store.reps(sid)
        assert [r.index for r in got] == [1, 2, 3]
        assert got[1].flags == (flag,)
        assert math.isnan(got[1].sparc) and got[0].sparc == -1.7
        assert got[0] == reps[0] and got[2] == reps[2]
        assert [r.source for r in got] == [RepSource.EXCURSION, RepSource.EXCURSION, RepSource.RHYTHM]
        assert store.sets(sid) == sets
        info = store.session(sid)
        assert (info.rep_count, info.set_count) == (3, 2)
        # replacing results is all-or-nothing and recounts
        store.replace_results(sid, reps[:1], sets[:1], [])
        assert [r.index for r in store.reps(sid)] == [1]
        assert store.session(sid).rep_count == 1


def test_a_session_whose_process_is_gone_becomes_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        sid = store.create_session(_new())
        with store.transaction():
            store.add_samples(sid, Stream.MAIN, np.arange(5.0), np.ones((5, 3)), np.zeros((5, 3)))
            store.heartbeat(sid)
        # this process is alive: the session is still recording for a reader
        assert store.mark_stale_sessions() == []
    # pretend the session belonged to a process that has exited
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    con = sqlite3.connect(path)
    con.execute("UPDATE sessions SET pid = ? WHERE id = ?", (int(dead.stdout), sid))
    con.commit()
    con.close()
    with Store.open(path) as store:
        info = store.session(sid)
        assert info.status is SessionStatus.INTERRUPTED
        assert info.ended_at is not None
        assert len(store.samples(sid).t_s) == 5


def test_a_silent_recorder_becomes_interrupted_after_the_stale_limit(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        sid = store.create_session(_new())
    con = sqlite3.connect(path)
    con.execute("UPDATE sessions SET last_commit_at = '2026-01-01T00:00:00.000+00:00', host = 'elsewhere' WHERE id = ?", (sid,))
    con.commit()
    con.close()
    with Store.open(path) as store:
        assert store.session(sid).status is SessionStatus.INTERRUPTED


def test_people_prescriptions_notes_entries(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        store.ensure_person("Ann", therapist="Dr Lee")
        store.ensure_person("Bob")
        assert [p.name for p in store.people(therapist="Dr Lee")] == ["Ann"]
        p1 = store.add_prescription("Ann", Exercise.HIP_RAISE, sets=2, reps_min=8, reps_max=12, hold_s=None, rest_min_s=60,
                                    rest_max_s=180, days_per_week=3, load_kg=0.0, created_at="2026-01-01T00:00:00.000+00:00")
        p2 = store.add_prescription("Ann", Exercise.HIP_RAISE, sets=2, reps_min=8, reps_max=12, hold_s=2.0, rest_min_s=60,
                                    rest_max_s=180, days_per_week=3, load_kg=0.5)
        assert store.current_prescription("Ann", Exercise.HIP_RAISE) == p2
        assert store.prescription_history("Ann", Exercise.HIP_RAISE) == [p1, p2]
        assert store.current_prescription("Bob", Exercise.HIP_RAISE) is None
        n = store.add_note("Ann", "good progress", therapist="Dr Lee")
        assert n.therapist == "Dr Lee" and store.notes("Ann") == [n]
        e = store.add_entry("Ann", EntryKind.PAIN, 3)
        assert store.entries("Ann", kind=EntryKind.PAIN) == [e]
        with pytest.raises(StoreError, match="0-10"):
            store.add_entry("Ann", EntryKind.RPE, 11)
        store.set_attention("Ann", "pain 7/10")
        assert store.person("Ann").needs_attention and store.person("Ann").attention_reason == "pain 7/10"


def test_an_older_store_is_migrated_in_place_keeping_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import repository, schema

    path = tmp_path / "r.db"
    with Store.open(path) as store:
        store.ensure_person("Ann")
    # a later reptrack adds a migration
    extra = "ALTER TABLE people ADD COLUMN birth_year INTEGER; CREATE INDEX people_birth ON people(birth_year)"
    monkeypatch.setattr(repository, "MIGRATIONS", (*schema.MIGRATIONS, extra))
    monkeypatch.setattr(repository, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    with Store.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION + 1
        assert store.person("Ann").name == "Ann"
    con = sqlite3.connect(path)
    assert "birth_year" in [r[1] for r in con.execute("PRAGMA table_info(people)")]
    con.close()


def test_a_version_1_store_with_sessions_opens_after_the_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import repository, schema

    path = tmp_path / "r.db"
    with monkeypatch.context() as m:  # the store as the first schema made it
        m.setattr(repository, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(repository, "SCHEMA_VERSION", 1)
        Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO people (name, created_at) VALUES ('Ann', '2026-11-01T09:00:00.000+00:00')")
    con.execute(
        "INSERT INTO sessions (person_id, exercise, placement, source, sample_rate_hz, has_gyro, has_pelvis, params, meta, started_at, "
        "status, last_commit_at, host, pid) VALUES (1, 'hip-raise', 'pelvis', 'x', 50, 1, 0, ?, '{}', '2026-11-01T10:00:00.000+00:00', "
        "'complete', '2026-11-01T10:05:00.000+00:00', 'h', 1)", ('{"exercise": "hip-raise", "placement": "pelvis"}',))
    con.commit()
    con.close()
    with Store.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION >= 2
        (info,) = store.sessions(person="Ann")
        assert info.exercise is Exercise.HIP_RAISE and info.pelvis_sample_rate_hz is None


def test_the_open_set_of_a_session_stored_by_an_older_version_gets_its_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import repository, schema

    path = tmp_path / "r.db"
    with monkeypatch.context() as m:  # schema 3: a recorder kept only the sets it had closed
        m.setattr(repository, "MIGRATIONS", schema.MIGRATIONS[:3])
        m.setattr(repository, "SCHEMA_VERSION", 3)
        with Store.open(path) as store:
            store._conn.execute("INSERT INTO people (name, created_at) VALUES ('Ann', '2026-11-01T09:00:00.000+00:00')")
            for _ in range(2):
                store._conn.execute(
                    "INSERT INTO sessions (person_id, exercise, placement, source, sample_rate_hz, has_gyro, has_pelvis, params, meta, "
                    "started_at, status, last_commit_at, host, pid) VALUES (1, 'hip-raise', 'pelvis', 'x', 50, 1, 0, ?, '{}', "
                    "'2026-11-01T10:00:00.000+00:00', 'recording', '2026-11-01T10:05:00.000+00:00', 'h', 1)",
                    ('{"exercise": "hip-raise", "placement": "pelvis"}',))
            sid, complete = 1, 2
            def add_rep(session_id: int, rep: Rep) -> None:  # as that version stored it (no tremor)
                store._conn.execute(
                    "INSERT INTO reps (session_id, rep_index, set_index, start_s, peak_s, end_s, rom_deg, lift_s, hold_s, lower_s, "
                    "peak_speed_dps, sparc, velocity_peaks, shake_g, pelvis_tilt_deg, pelvis_lateral_deg, axis_x, axis_y, axis_z) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (session_id, rep.index, rep.set_index, rep.start_s, rep.peak_s, rep.end_s, rep.rom_deg, rep.lift_s, rep.hold_s,
                     rep.lower_s, rep.peak_speed_dps, None, rep.velocity_peaks, rep.shake_g, None, None, *rep.axis))
                store._conn.execute("UPDATE sessions SET rep_count = rep_count + 1 WHERE id = ?", (session_id,))

            with store.transaction():
                for r in (_rep(1), _rep(2), _rep(3, set_index=2), _rep(4, set_index=2)):
                    add_rep(sid, r)
                store.add_set(sid, SetSummary(1, 10.0, 25.0, 2, None))  # set 2 was still open when the recorder died
                add_rep(complete, _rep(1))
                store.add_set(complete, SetSummary(1, 10.0, 15.0, 1, None))
            store.finish_session(sid, SessionStatus.INTERRUPTED)
            store.finish_session(complete)
    with Store.open(path) as store:
        assert store.sets(sid) == [SetSummary(1, 10.0, 25.0, 2, None), SetSummary(2, 30.0, 45.0, 2, 5.0)]
        assert store.session(sid).set_count == 2
        assert store.sets(complete) == [SetSummary(1, 10.0, 15.0, 1, None)]
        assert [r.tremor_dps for r in store.reps(sid)] == [0.0] * 4  # not measured then
        assert {r.source for r in store.reps(sid)} == {RepSource.EXCURSION}  # none read from a rhythm then
