"""Live sessions into the store: recorder, replay source, and the session commands.

Recordings from sample_data/ are replayed through the real streaming engine into real
SQLite files; the stored results are checked against a fresh analysis of the stored samples.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_cli import SIDE_LYING, SIDE_LYING_PELVIS, STANDING, Cli, assert_one_line_error
from tracker.files.csv_recording import read_recording, write_recording
from tracker.core.exercises import get_exercise
from tracker.pipeline import analyze_recording, Personalisation
from tracker.pipeline.types import RepCompleted, SetCompleted
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import SessionRequest, plan_session
from tracker.core.exercises import Exercise
from tracker.core.recording import Recording, Stream
from tracker.sensors import ReplaySource, SampleBatch, SourceGap
from tracker.store import SessionStatus, Store
from tracker.app.session_data import analyse_stored, reanalyze, stored_recordings, stored_result


def _recorder(store: Store, source: Any, exercise: str = "standing-hip-abduction", *, hold_s: float | None = None,
              **kw: Any) -> SessionRecorder:
    """A recorder for Ann's session from ``source``, planned as ``reptrack record`` plans one."""
    plan = plan_session(store, source.info, SessionRequest("Ann", Exercise.parse(exercise), hold_s=hold_s)).plan
    return SessionRecorder(store, source, plan, **kw)


def _record(db: Path, rec: Recording, *, pelvis: Recording | None = None, exercise: str = "standing-hip-abduction",
            hold_s: float | None = None, clock: Any = None, commit_s: float = 1.0) -> tuple[int, SessionRecorder]:
    with Store.open(db) as store:
        kw: dict[str, Any] = {} if clock is None else {"clock": clock}
        r = _recorder(store, ReplaySource(rec, pelvis=pelvis, speed=float("inf")), exercise, hold_s=hold_s, commit_s=commit_s, **kw)
        assert asyncio.run(r.run()) is SessionStatus.COMPLETE
        return r.session_id, r


def test_a_replayed_session_is_stored_and_reanalyses_identically(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    main = read_recording(SIDE_LYING).recording
    pelvis = read_recording(SIDE_LYING_PELVIS).recording
    sid, rec = _record(db, main, pelvis=pelvis, exercise="side-lying-hip-abduction", hold_s=2.0)
    live_reps = [e.rep for e in rec.events if isinstance(e, RepCompleted)]
    live_sets = [e for e in rec.events if isinstance(e, SetCompleted)]
    with Store.open(db) as store:
        info = store.session(sid)
        assert info.status is SessionStatus.COMPLETE
        assert info.sample_count == len(main) and info.has_pelvis
        assert info.rep_count == len(live_reps) > 10 and info.set_count == len(live_sets) == 2
        assert store.reps(sid) == live_reps  # every metric and flag, as they were seen live
        # every raw sample kept, times exact, values at float32
        m, p = stored_recordings(store, sid)
        assert np.array_equal(m.t_s, main.t_s) and np.allclose(m.accel_g, main.accel_g, atol=1e-6)
        assert p is not None and np.array_equal(p.t_s, pelvis.t_s)
        assert [(g.start_s, g.end_s) for g in p.gaps] == [(g.start_s, g.end_s) for g in pelvis.gaps]
        # the batch analysis of what is stored gives what the live session found
        again = analyse_stored(store, sid)
        assert list(again.reps) == live_reps
        assert reanalyze(store, sid).identical
    # and the count is the one of analysing the CSV itself
    direct = analyze_recording(main, get_exercise("side-lying-hip-abduction"), pelvis=pelvis, personal=Personalisation(hold_s=2.0))
    assert direct.rep_count == len(live_reps)


def test_samples_are_committed_at_least_every_second(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    ticks = iter(np.arange(0.0, 1e6, 0.25))  # every batch (0.1 s of data) "takes" 0.25 s of wall time

    sid, _ = _record(tmp_path / "r.db", main, clock=lambda: float(next(ticks)))
    con = sqlite3.connect(tmp_path / "r.db")
    chunks = con.execute("SELECT n, t0_s, t1_s FROM sample_chunks WHERE session_id = ? ORDER BY seq", (sid,)).fetchall()
    con.close()
    assert sum(c[0] for c in chunks) == len(main)
    # a commit at least every 4 batches (1 s of wall time): chunks of at most ~0.4 s of data
    assert max(c[2] - c[1] for c in chunks) <= 0.45
    assert len(chunks) >= main.duration_s / 0.45


class _Misbehaving:
    """A recording replayed at full speed, as a sensor that misbehaves in some way."""

    def __init__(self, rec: Recording, n: int = 0) -> None:
        self._inner = ReplaySource(rec, speed=float("inf"))
        self.info = self._inner.info
        self._n = n


class _FailingSource(_Misbehaving):
    """A sensor that delivers ``n`` batches, then drops the connection."""

    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        k = 0
        async for b in self._inner.batches():
            if k == self._n:
                raise ConnectionError("sensor disconnected")
            k += 1
            yield b


def test_a_failing_source_leaves_an_interrupted_session_with_its_samples(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        r = _recorder(store, _FailingSource(main, 50))
        with pytest.raises(ConnectionError):
            asyncio.run(r.run())
        info = store.session(r.session_id)
        assert info.status is SessionStatus.INTERRUPTED
        got = store.samples(r.session_id, Stream.MAIN)
        assert np.array_equal(got.t_s, main.t_s[: len(got.t_s)]) and len(got.t_s) > 0.9 * 50 * 0.1 * main.nominal_rate_hz()


def test_stop_ends_the_session_as_complete(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    with Store.open(tmp_path / "r.db") as store:
        seen = []

        def on_update(state: Any, events: Any) -> None:
            seen.append(state.sample_count)
            if state.sample_count > 300:
                r.stop()

        r = _recorder(store, ReplaySource(main, speed=float("inf")),
                            on_update=on_update)
        assert asyncio.run(r.run()) is SessionStatus.COMPLETE
        info = store.session(r.session_id)
        assert 300 < info.sample_count < len(main)


# --------------------------------------------------------------------------- CLI
def test_record_sessions_show_reanalyze_export_import(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out, err = cli("record", "--db", db, "--source", STANDING, "--exercise", "standing-hip-abduction", "--person", "Ann",
                         "--speed", "max", "--plain")
    assert code == 0, err
    assert "rep 1 (set 1)" in out and "session 1 complete" in out
    code, out, err = cli("sessions", "--db", db, "--json")
    assert code == 0, err
    (s,) = json.loads(out)
    for key in ("id", "person", "exercise", "started_at", "status", "rep_count", "sample_count"):
        assert key in s
    assert (s["person"], s["exercise"], s["status"]) == ("Ann", "standing-hip-abduction", "complete")
    assert s["sample_count"] == len(read_recording(STANDING).recording) and s["rep_count"] > 0

    code, out, err = cli("show", "1", "--db", db, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["rep_count"] == s["rep_count"] == len(shown["reps"])
    code, out, _ = cli("show", "last", "--db", db)
    assert code == 0 and "Session 1 — Ann" in out and "Set 1:" in out

    code, out, _ = cli("reanalyze", "1", "--db", db)
    assert code == 0 and "identical" in out

    code, out, err = cli("export", "1", "--db", db, "--out", tmp_path / "exp")
    assert code == 0, err
    exported = read_recording(tmp_path / "exp" / "session-1.samples.csv").recording
    assert np.array_equal(exported.t_s, read_recording(STANDING).recording.t_s)
    doc = json.loads((tmp_path / "exp" / "session-1.json").read_text())
    assert doc["report"]["rep_count"] == s["rep_count"]
    lines = (tmp_path / "exp" / "session-1.reps.csv").read_text().splitlines()
    assert lines[0].startswith("index,set,start_s") and len(lines) == 1 + s["rep_count"]

    # the export imports back as a session with the same results
    code, out, err = cli("import", tmp_path / "exp" / "session-1.samples.csv", "--db", db, "--exercise", "standing-hip-abduction",
                         "--person", "Ann")
    assert code == 0, err
    code, out, _ = cli("sessions", "--db", db, "--person", "Ann", "--json")
    a, b = json.loads(out)
    assert b["status"] == "complete" and b["rep_count"] == a["rep_count"] and b["sample_count"] == a["sample_count"]


def test_session_commands_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert_one_line_error(cli("show", "7", "--db", db), "no store there yet")
    assert not db.exists()  # reading commands do not create a store
    Store.open(db).close()
    assert_one_line_error(cli("show", "7", "--db", db), "no session 7")
    assert_one_line_error(cli("log", "Ann", "--db", db, "--pain", "3", "--session", "99"), "no person named 'Ann'")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--load-kg", "nan"), "--load-kg")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--reps", "8.5-12"), "whole reps")
    assert_one_line_error(cli("record", "--db", db, "--source", SIDE_LYING, "--pelvis", SIDE_LYING_PELVIS, "--placement", "pelvis",
                              "--exercise", "side-lying-hip-abduction", "--person", "Ann", "--speed", "max"), "already on the pelvis")
    assert_one_line_error(cli("show", "x", "--db", db), "'last'")
    assert_one_line_error(cli("sessions", "--db", db, "--person", "Nobody"), "no person named 'Nobody'")
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database at all\n" * 10)
    assert_one_line_error(cli("sessions", "--db", foreign), "left untouched")
    assert_one_line_error(cli("record", "--db", db, "--source", STANDING, "--exercise", "standing-hip-abduction", "--person", "A",
                              "--speed", "fast"), "--speed")
    assert_one_line_error(cli("record", "--db", db, "--source", tmp_path / "missing.csv", "--exercise", "standing-hip-abduction",
                              "--person", "A"), "missing.csv")


def test_default_store_is_in_the_user_data_directory(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPTRACK_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    code, out, err = cli("record", "--source", STANDING, "--exercise", "standing-hip-abduction", "--person", "Ann", "--speed", "max", "--plain")
    assert code == 0, err
    dbs = list(tmp_path.rglob("reptrack.db"))
    assert len(dbs) == 1 and str(dbs[0]) in out


class _SilentSource(_Misbehaving):
    """A sensor that sends a little, then nothing (out of range, or a long hole)."""

    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        k = 0
        async for b in self._inner.batches():
            yield b
            k += 1
            if k == 20:
                await asyncio.sleep(3600)


def test_stop_and_heartbeat_while_the_source_is_silent(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    with Store.open(tmp_path / "r.db") as store:
        r = _recorder(store, _SilentSource(main), commit_s=0.05)
        beats: list[str] = []

        async def go() -> SessionStatus:
            loop = asyncio.get_running_loop()
            for k in range(1, 6):
                loop.call_later(0.1 * k, lambda: beats.append(store.session(r.session_id).meta.get("x", "") +
                                                               _last_commit(tmp_path / "r.db", r.session_id)))
            loop.call_later(0.7, r.stop)
            return await asyncio.wait_for(r.run(), timeout=10)

        assert asyncio.run(go()) is SessionStatus.COMPLETE
        info = store.session(r.session_id)
        assert info.sample_count > 0 and info.status is SessionStatus.COMPLETE
        assert len(set(beats)) >= 4  # the session kept committing while no data came


def _last_commit(db: Path, sid: int) -> str:
    con = sqlite3.connect(db)
    try:
        return str(con.execute("SELECT last_commit_at FROM sessions WHERE id = ?", (sid,)).fetchone()[0])
    finally:
        con.close()


def test_a_recording_session_is_not_reanalysed_under_the_recorder(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    main = read_recording(STANDING).recording
    with Store.open(db) as store:
        r = _recorder(store, ReplaySource(main, speed=float("inf")))
        # not run: the session is "recording", owned by this (live) process
    assert_one_line_error(cli("reanalyze", str(r.session_id), "--db", db), "still recording")


def test_a_pelvis_sensor_at_its_own_rate_reanalyses_identically(tmp_path: Path) -> None:
    main = read_recording(SIDE_LYING).recording
    pel = read_recording(SIDE_LYING_PELVIS).recording
    half = Recording(pel.t_s[::2], pel.accel_g[::2], None, replace(pel.meta, sample_rate_hz=25.0))  # 25 Hz, no gyro
    db = tmp_path / "r.db"
    sid, rec = _record(db, main, pelvis=half, exercise="side-lying-hip-abduction", hold_s=2.0)
    live = [e.rep for e in rec.events if isinstance(e, RepCompleted)]
    direct = analyze_recording(main, get_exercise("side-lying-hip-abduction"), pelvis=half, personal=Personalisation(hold_s=2.0))
    # the same as analysing the files (up to the store's float32 rounding of the samples)
    assert len(live) == direct.rep_count > 10
    assert np.allclose([r.pelvis_tilt_deg for r in live], [r.pelvis_tilt_deg for r in direct.reps], atol=1e-3)
    with Store.open(db) as store:
        info = store.session(sid)
        assert (info.pelvis_sample_rate_hz, info.pelvis_has_gyro) == (25.0, False)
        assert reanalyze(store, sid, write=False).identical


def test_a_huge_hole_in_the_timestamps_is_a_gap_not_a_crash(cli: Cli, tmp_path: Path) -> None:
    rec = read_recording(STANDING).recording
    t = rec.t_s.copy()
    t[-50:] += 1e9  # the sensor's clock jumped
    write_recording(tmp_path / "jump.csv", replace(rec, t_s=t, gaps=()))
    db = tmp_path / "r.db"
    code, out, err = cli("import", tmp_path / "jump.csv", "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
    assert code == 0, err
    code, out, _ = cli("show", "last", "--db", db, "--json")
    shown = json.loads(out)
    assert shown["status"] == "complete" and shown["sample_count"] == len(rec)
    assert any(g["end_s"] - g["start_s"] > 9e8 for g in shown["gaps"])
    assert len(shown["gaps"]) == len({(g["start_s"], g["end_s"]) for g in shown["gaps"]})  # each gap once


def test_an_interrupted_session_shows_the_reps_of_its_open_set(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        r = _recorder(store, _FailingSource(main, 400))
        with pytest.raises(ConnectionError):
            asyncio.run(r.run())
        result = stored_result(store, r.session_id)
    assert result.rep_count >= 5 and len(result.sets) == 1 and result.sets[0].rep_count == result.rep_count


def test_a_store_damaged_inside_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
    assert code == 0, err
    con = sqlite3.connect(db)
    page = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'sample_chunks'").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page: root * page] = b"\xab" * page  # the raw samples' table, nothing else
    db.write_bytes(bytes(data))
    code, out, err = cli("sessions", "--db", db)
    assert code == 0, err  # the damage is found only where it is
    for argv in (("show", "1"), ("reanalyze", "1"), ("export", "1", "--out", tmp_path / "x")):
        code, out, err = cli(*argv, "--db", db)
        assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1, (argv, err)


class _GyroGapSource(_Misbehaving):
    """A sensor with a gyro that sends some notifications without their rates."""

    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        k = 0
        async for b in self._inner.batches():
            k += 1
            if isinstance(b, SampleBatch) and 100 <= k < 110:
                b = SampleBatch(b.stream, b.t_s, b.accel_g, None)
            yield b


def test_batches_without_gyro_rates_are_kept_and_reanalyse_identically(tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    with Store.open(tmp_path / "r.db") as store:
        r = _recorder(store, _GyroGapSource(main), commit_s=0.0)
        asyncio.run(r.run())
        got = store.samples(r.session_id)
        assert len(got.t_s) == len(main) and got.gyro_dps is not None
        missing = np.isnan(got.gyro_dps).any(axis=1)
        assert 0 < missing.sum() < 0.2 * len(main)
        assert np.allclose(got.gyro_dps[~missing], main.gyro_dps[~missing], atol=1e-3)
        assert reanalyze(store, r.session_id, write=False).identical


def test_a_session_silent_for_too_long_is_interrupted_and_its_recorder_revives_it(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    main = read_recording(STANDING).recording
    with Store.open(db) as store:
        r = _recorder(store, ReplaySource(main, speed=float("inf")))
    con = sqlite3.connect(db)  # this (live) process, but silent since long ago: a reused pid, say
    con.execute("UPDATE sessions SET last_commit_at = '2026-01-01T00:00:00.000+00:00' WHERE id = ?", (r.session_id,))
    con.commit()
    con.close()
    with Store.open(db) as store:
        assert store.session(r.session_id).status is SessionStatus.INTERRUPTED
        with store.transaction():
            store.heartbeat(r.session_id)  # ... but the recorder was only suspended
        assert store.session(r.session_id).status is SessionStatus.RECORDING


def test_overflowing_and_infinite_arguments_are_one_line_errors(cli: Cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
    assert code == 0, err
    huge = "99999999999999999999"
    assert_one_line_error(cli("show", huge, "--db", db), "'last'")
    assert_one_line_error(cli("log", "Ann", "--db", db, "--pain", "3", "--session", huge), "'last'")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--sets", huge), "--sets")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--reps", "8-inf"), "--reps")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--rest-s", "60-1e20"), "--rest-s")
    assert_one_line_error(cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann",
                              "--started-at", "0001-01-01T00:00+05:00"), "--started-at")
    for argv in (("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--hold-s", "inf"),
                 ("progress", "Ann", "--db", db, "--pain-threshold", "-3")):
        with pytest.raises(SystemExit) as stop:  # argparse's own one-line usage error
            cli(*argv)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and argv[-2] in err, err
    assert_one_line_error(cli("reanalyze", "1", "--db", tmp_path / "typo.db"), "no store there yet")
    assert not (tmp_path / "typo.db").exists()


def test_progress_counts_the_open_set_of_an_interrupted_session(cli: Cli, tmp_path: Path) -> None:
    main = read_recording(STANDING).recording
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        store.add_prescription("Ann", Exercise.STANDING_HIP_ABDUCTION, sets=1, reps_min=5, reps_max=10, hold_s=None, rest_min_s=60,
                               rest_max_s=180, days_per_week=3, load_kg=0.0, created_at="2026-01-01T00:00:00.000+00:00")
        r = _recorder(store, _FailingSource(main, 400))
        with pytest.raises(ConnectionError):
            asyncio.run(r.run())
    code, out, err = cli("progress", "Ann", "--db", db, "--json")
    assert code == 0, err
    (rep,) = json.loads(out)
    assert rep["sessions"][0]["set_reps"] and rep["sessions"][0]["set_reps"][0] >= 5


# --------------------------------------------------------------------------- one set count, from one place
KILLED_MID_SET = """
import asyncio, os, signal, sys
from pathlib import Path
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import SessionRequest, open_replay, plan_session
from tracker.core.exercises import Exercise
from tracker.store import Store

db, csv, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
replay = open_replay(csv, speed=float("inf"))


class KilledAfter:
    info = replay.source.info

    async def batches(self):
        k = 0
        async for b in replay.source.batches():
            if k == n:
                os.kill(os.getpid(), signal.SIGKILL)  # no except path, no last commit: as a crash
            k += 1
            yield b


store = Store.open(db)
plan = plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION)).plan
asyncio.run(SessionRecorder(store, KilledAfter(), plan, commit_s=0.0).run())
"""


class _CtrlC(_Misbehaving):
    """An import cut short by Ctrl-C after ``n`` batches (KeyboardInterrupt, as the CLI gets it)."""

    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        k = 0
        async for b in self._inner.batches():
            if k == self._n:
                raise KeyboardInterrupt
            k += 1
            yield b


def test_every_session_state_has_one_set_count(cli: Cli, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "r.db"
    main = read_recording(STANDING).recording
    assert cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--sets", "1")[0] == 0
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")  # complete
    assert code == 0, err
    child = subprocess.run([sys.executable, "-c", KILLED_MID_SET, str(db), str(STANDING), "400"], capture_output=True, text=True,
                           timeout=120, check=False)
    assert child.returncode == -9, child.stderr  # killed mid-set
    with Store.open(db) as store:
        r = _recorder(store, _CtrlC(main, 400), commit_s=0.0)
        with pytest.raises(KeyboardInterrupt):
            asyncio.run(r.run())
    code, out, err = cli("sessions", "--db", db, "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert [s["status"] for s in listed] == ["complete", "interrupted", "interrupted"]
    for s in listed:
        code, out, err = cli("show", str(s["id"]), "--db", db, "--json")
        assert code == 0, err
        shown = json.loads(out)
        assert s["rep_count"] == len(shown["reps"]) > 0
        assert s["set_count"] == len(shown["sets"]) == len({r["set"] for r in shown["reps"]}) >= 1, (s["status"], s["set_count"])
        assert sum(x["rep_count"] for x in shown["sets"]) == s["rep_count"]
        code, out, _ = cli("show", str(s["id"]), "--db", db)
        n = s["set_count"]
        assert f"{s['rep_count']} reps in {n} set{'s' if n != 1 else ''}" in out
        code, out, _ = cli("sessions", "--db", db)
        row = next(line for line in out.splitlines() if line.split()[0] == str(s["id"]))
        assert row.split()[-2] == str(n)  # the 'sets' column
    code, out, _ = cli("progress", "Ann", "--db", db, "--json")
    (report,) = json.loads(out)
    assert [len(x["set_reps"]) for x in report["sessions"]] == [s["set_count"] for s in listed]
