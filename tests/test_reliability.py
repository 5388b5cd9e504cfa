"""The store under real processes: a recorder with a concurrent reader, and a recorder killed.

These run the real ``reptrack record`` in a child process, in real time (the 200 Hz test
takes a minute), against a real SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from tracker.files.csv_recording import read_recording, write_recording
from tracker.core.recording import Recording
from tracker.simulate import SimulationConfig, simulate
from tracker.store import SessionStatus, Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def recording_200hz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 70 s of simulated standing hip abduction at 200 Hz with a gyro."""
    sim = simulate(SimulationConfig(exercise="standing-hip-abduction", seed=11, sample_rate_hz=200.0, with_gyro=True, n_sets=1,
                                    setup_motion=False))
    rec = sim.main
    keep = rec.t_s - rec.t_s[0] <= 70.0
    cut = Recording(rec.t_s[keep], rec.accel_g[keep], None if rec.gyro_dps is None else rec.gyro_dps[keep], rec.meta)
    path = tmp_path_factory.mktemp("rec") / "hip-200hz.csv"
    write_recording(path, cut)
    return path


def _recorder(db: Path, source: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracker.cli", "record", "--db", str(db), "--source", str(source), "--exercise",
         "standing-hip-abduction", "--person", "Ann", "--plain", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


READER = textwrap.dedent(
    """
    import json, sys, time
    from tracker.store import Store, SessionStatus
    db, until = sys.argv[1], float(sys.argv[2])
    reads, errors, counts, status = 0, [], [], None
    store = None
    while time.time() < until:
        try:
            if store is None:
                store = Store.open(db)
            sessions = store.sessions()
            if sessions:
                s = sessions[0]
                n = len(store.samples(s.id).t_s)
                store.reps(s.id)
                counts.append(n)
                status = s.status.value
                if status != "recording":
                    break
            reads += 1
        except Exception as exc:  # every failure is a finding
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.25)
    print(json.dumps({"reads": reads, "errors": errors, "counts": counts, "status": status}))
    """
)


#: how long the recorder records in real time while another process reads its store
RECORD_S = 30.0


def test_a_reader_every_250_ms_never_blocks_a_200_hz_recorder(tmp_path: Path, recording_200hz: Path) -> None:
    db = tmp_path / "r.db"
    source = read_recording(recording_200hz).recording
    # the first 30 s in real time (a minute until stop 42: the suite's slowest test, 61 s; 30 s is
    # still some 30 commits, each read while it may be written; 120 reads asked, 75 required below)
    part = tmp_path / "30s.csv"
    keep = source.t_s - source.t_s[0] < RECORD_S
    write_recording(part, Recording(source.t_s[keep], source.accel_g[keep], None if source.gyro_dps is None else source.gyro_dps[keep], source.meta))
    n_expected = int(keep.sum())
    Store.open(db).close()  # both processes start on an existing store
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(time.time() + 120)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rec = _recorder(db, part, "--speed", "1")
    out, err = rec.communicate(timeout=120)
    assert rec.returncode == 0, err
    rout, rerr = reader.communicate(timeout=30)
    assert reader.returncode == 0, rerr
    report = json.loads(rout)
    assert report["errors"] == []
    assert report["reads"] >= 2.5 * RECORD_S  # every 250 ms while it records, less the time each read takes
    counts = report["counts"]
    assert counts == sorted(counts) and counts[-1] == n_expected  # grew in commits, and nothing was lost
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status is SessionStatus.COMPLETE
        got = store.samples(info.id)
        assert np.array_equal(got.t_s, source.t_s[keep])


def test_sigkill_mid_session_keeps_every_committed_second(tmp_path: Path, recording_200hz: Path) -> None:
    db = tmp_path / "r.db"
    source = read_recording(recording_200hz).recording
    rec = _recorder(db, recording_200hz, "--speed", "1")
    # wait until the session has committed data for a few seconds
    deadline = time.time() + 60
    seen = 0
    started_at = None
    while time.time() < deadline and seen < 5 * 200:
        time.sleep(0.2)
        if db.exists():
            try:
                with Store.open(db, check_stale=False) as store:
                    sessions = store.sessions()
                    if sessions:
                        seen = sessions[0].sample_count
                        started_at = sessions[0].started_at
            except Exception:  # the recorder may be creating the file right now
                continue
    assert rec.poll() is None, rec.stderr.read() if rec.stderr else ""
    time.sleep(1.3)
    killed_at = time.time()
    os.kill(rec.pid, signal.SIGKILL)
    rec.wait(timeout=10)
    assert started_at is not None
    with Store.open(db) as store:  # opens cleanly, and finds the session orphaned
        (info,) = store.sessions()
        assert info.status is SessionStatus.INTERRUPTED
        got = store.samples(info.id)
        n = len(got.t_s)
        assert n >= seen  # nothing that was committed was lost
        assert np.array_equal(got.t_s, source.t_s[:n])  # an exact prefix of the stream
        assert got.gyro_dps is not None and np.allclose(got.accel_g, source.accel_g[:n], atol=1e-6)
        # at most about one second of data lost: the replay ran in real time since the session began
        streamed_s = killed_at - datetime.fromisoformat(started_at).timestamp()
        stored_s = float(got.t_s[-1] - source.t_s[0])
        assert stored_s >= streamed_s - 1.0 - 0.5, (stored_s, streamed_s)
        # the stored results are consistent with what was stored, the set still open included
        reps = store.reps(info.id)
        assert info.rep_count == len(reps) and info.set_count == len({r.set_index for r in reps}) == len(store.sets(info.id))


def _wait_for_samples(db: Path, proc: subprocess.Popen[str], n: int, timeout_s: float = 60.0) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        if db.exists():
            try:
                with Store.open(db, check_stale=False, create=False) as store:
                    s = store.sessions()
                    if s and s[0].sample_count >= n:
                        return
            except Exception:
                pass
        time.sleep(0.05)
    raise AssertionError("the recorder never got going")


def test_sigterm_ends_a_live_session_as_complete(tmp_path: Path, recording_200hz: Path) -> None:
    db = tmp_path / "r.db"
    rec = _recorder(db, recording_200hz, "--speed", "1")
    _wait_for_samples(db, rec, 400)
    rec.send_signal(signal.SIGTERM)
    out, err = rec.communicate(timeout=30)
    assert rec.returncode == 0, err
    assert "reptrack: session 1 ended (SIGTERM): stored as complete" in err.splitlines(), err
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status is SessionStatus.COMPLETE and 400 <= info.sample_count < 70 * 200


def test_ctrl_c_ends_a_live_session_as_complete_and_says_so(tmp_path: Path, recording_200hz: Path) -> None:
    # Ctrl-C is how a person ends a live session: its job done, exit 0 (see test_cli_conventions.py)
    db = tmp_path / "r.db"
    rec = _recorder(db, recording_200hz, "--speed", "1")
    _wait_for_samples(db, rec, 400)
    rec.send_signal(signal.SIGINT)
    out, err = rec.communicate(timeout=30)
    assert rec.returncode == 0, err
    assert "reptrack: session 1 ended (Ctrl-C): stored as complete" in err.splitlines(), err
    assert "session 1 complete:" in out
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status is SessionStatus.COMPLETE


def test_ctrl_c_during_an_import_leaves_it_interrupted(tmp_path: Path, recording_200hz: Path) -> None:
    src = read_recording(recording_200hz).recording
    span = float(src.t_s[-1] - src.t_s[0]) + 0.005
    k = 12  # about 14 minutes at 200 Hz: long enough to interrupt
    t = np.concatenate([src.t_s + j * span for j in range(k)])
    big = Recording(t, np.tile(src.accel_g, (k, 1)), None if src.gyro_dps is None else np.tile(src.gyro_dps, (k, 1)), src.meta)
    write_recording(tmp_path / "big.csv", big)
    db = tmp_path / "r.db"
    proc = subprocess.Popen([sys.executable, "-m", "tracker.cli", "import", str(tmp_path / "big.csv"), "--db", str(db), "--exercise",
                             "standing-hip-abduction", "--person", "Ann"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_samples(db, proc, 1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status is SessionStatus.INTERRUPTED
        got = store.samples(info.id)
        written = read_recording(tmp_path / "big.csv").recording
        assert 0 < len(got.t_s) < len(written) and np.array_equal(got.t_s, written.t_s[: len(got.t_s)])
