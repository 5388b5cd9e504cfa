"""Who may write to the store: reading commands never do, and a read-only store says so.

Reading commands (``sessions``, ``show``, ``patients``, ``progress``, ``export``,
``reanalyze --dry-run``) open the store read-only: they create nothing, migrate nothing and
mark no session, yet a crashed recorder's session still reads as ``interrupted``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import STANDING, Cli, assert_one_line_error
from tracker.store import SessionStatus, Store, StoreError

READING_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("sessions",), ("sessions", "--json"), ("show", "last"), ("patients",), ("progress", "Ann"), ("reanalyze", "last", "--dry-run"),
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def _files(path: Path) -> dict[str, str]:
    """The store and its WAL by content. SQLite's coordination files are not data: a reader may
    leave an empty -wal and the -shm index behind (a read-only connection cannot remove them)."""
    wal = Path(f"{path}-wal")
    return {"db": _digest(path), "wal": "absent" if not wal.exists() or wal.stat().st_size == 0 else _digest(wal)}


@pytest.mark.parametrize("argv", READING_COMMANDS, ids=lambda a: " ".join(a))
def test_a_reading_command_leaves_a_0_byte_file_alone(cli: Cli, tmp_path: Path, argv: tuple[str, ...]) -> None:
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    assert_one_line_error(cli(*argv, "--db", db), "no store there yet")
    assert db.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]  # no -wal, no -shm either


def test_export_leaves_a_0_byte_file_alone(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    assert_one_line_error(cli("export", "last", "--db", db, "--out", tmp_path / "out"), "no store there yet")
    assert db.stat().st_size == 0 and not (tmp_path / "out").exists()


def test_read_mode_refuses_a_missing_or_empty_file_and_creates_nothing(tmp_path: Path) -> None:
    from tracker.store import OpenMode

    for content in (None, b""):
        db = tmp_path / "r.db"
        if content is not None:
            db.write_bytes(content)
        with pytest.raises(StoreError, match="no store there yet"):
            Store.open(db, mode=OpenMode.READ)
        assert (db.exists(), db.exists() and db.stat().st_size) == (content is not None, 0 if content is not None else False)


def _orphan(db: Path) -> int:
    """A session left 'recording' by a recorder that died (its pid no longer exists)."""
    with Store.open(db) as store:
        from tests.test_store import _new

        sid = store.create_session(_new())
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    con = sqlite3.connect(db)
    con.execute("UPDATE sessions SET pid = ? WHERE id = ?", (int(dead.stdout), sid))
    con.commit()
    con.close()
    return sid


def test_a_crashed_recorders_session_reads_as_interrupted_without_a_write(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction")
    assert code == 0, err
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
    assert code == 0, err
    sid = _orphan(db)
    before = _files(db)
    for argv in (*READING_COMMANDS, ("export", "last", "--out", str(tmp_path / "out"))):
        code, out, err = cli(*argv, "--db", db)
        assert code == 0, (argv, err)
        assert _files(db) == before, argv
    code, out, _ = cli("sessions", "--db", db)
    assert "interrupted" in out.splitlines()[-1]
    from tracker.store import OpenMode

    with Store.open(db, mode=OpenMode.READ) as store:
        info = store.session(sid)
        assert info.status is SessionStatus.INTERRUPTED and info.ended_at is not None
        assert [s.status for s in store.sessions()] == [SessionStatus.COMPLETE, SessionStatus.INTERRUPTED]
    assert _files(db) == before
    # a writer persists what readers derive
    with Store.open(db) as store:
        assert store.session(sid).status is SessionStatus.INTERRUPTED
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM sessions WHERE id = ?", (sid,)).fetchone()[0] == "interrupted"
    con.close()


def test_progress_reports_pain_without_writing_the_mark(cli: Cli, tmp_path: Path) -> None:
    """``progress`` is a reading command: the attention mark is written by ``log`` (at once, for
    pain at or above 5); a lower ``--pain-threshold`` is a way of looking, not a new mark."""
    db = tmp_path / "r.db"
    assert cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction")[0] == 0
    assert cli("log", "Ann", "--db", db, "--pain", "3")[0] == 0
    before = _files(db)
    code, out, err = cli("progress", "Ann", "--db", db, "--pain-threshold", "3")
    assert code == 0, err
    assert "pain 3/10" in out and _files(db) == before
    from tracker.store import OpenMode

    with Store.open(db, mode=OpenMode.READ) as store:
        assert not store.person("Ann").needs_attention


def test_an_older_store_is_read_only_after_an_explicit_upgrade(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import repository, schema

    db = tmp_path / "r.db"
    with monkeypatch.context() as m:  # the store as the first schema made it
        m.setattr(repository, "MIGRATIONS", schema.MIGRATIONS[:1])
        m.setattr(repository, "SCHEMA_VERSION", 1)
        Store.open(db).close()
    before = _files(db)
    assert_one_line_error(cli("sessions", "--db", db), "older reptrack", "reptrack store upgrade")
    assert _files(db) == before
    code, out, err = cli("store", "upgrade", "--db", db)
    assert code == 0 and f"upgraded from schema 1 to {schema.SCHEMA_VERSION}" in out, err
    code, out, err = cli("store", "upgrade", "--db", db)
    assert code == 0 and "up to date" in out, err
    code, out, err = cli("sessions", "--db", db)
    assert code == 0 and "no sessions" in out, err
    assert_one_line_error(cli("store", "upgrade", "--db", tmp_path / "typo.db"), "no store there yet")
    assert not (tmp_path / "typo.db").exists()


# --------------------------------------------------------------------------- read-only stores
SIX_POSES = Path(__file__).resolve().parents[1] / "sample_data" / "calibration" / "device-six-poses.csv"
ROOT = Path(__file__).resolve().parents[1]


def _read_only_runner() -> list[str] | None:
    """How to run a command in a private mount namespace (where a bind mount can be made
    read-only, for root as for anyone else), or None where this system does not allow it."""
    import os
    import shutil

    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return None
    base = ["unshare", "--mount", "--propagation", "private"] if os.geteuid() == 0 else \
        ["unshare", "--map-root-user", "--mount", "--propagation", "private"]
    probe = subprocess.run([*base, "sh", "-c", "mount --bind / /mnt 2>/dev/null || mount -t tmpfs none /mnt"], capture_output=True)
    return base if probe.returncode == 0 else None


RUNNER = _read_only_runner()
needs_mounts = pytest.mark.skipif(RUNNER is None, reason="cannot make read-only mounts here (unshare)")


def run_read_only(read_only: list[Path], *argv: object, timeout: float = 120) -> tuple[int, str, str]:
    """``reptrack *argv`` in a child process that sees each of ``read_only`` (files or folders)
    on a read-only mount, as a write-protected file or a read-only disk would be."""
    import shlex

    assert RUNNER is not None
    mounts = " && ".join(f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
                         f"mount -o remount,bind,ro {shlex.quote(str(p))}" for p in read_only)
    command = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "tracker.cli", *argv))
    proc = subprocess.run([*RUNNER, "sh", "-c", f"{mounts} && exec {command}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def _store_with_a_session(folder: Path) -> Path:
    from tests.test_cli import run_quietly

    folder.mkdir()
    db = folder / "r.db"
    assert run_quietly("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction")[0] == 0
    code, _, err = run_quietly("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == ["r.db"]  # closed cleanly: no -wal, no -shm
    return db


def _one_line(result: tuple[int, str, str], *fragments: str) -> str:
    code, out, err = result
    assert code == 2 and "Traceback" not in err and len(err.splitlines()) == 1, (code, out, err)
    line = err.splitlines()[0]
    assert line.startswith("reptrack: error: ")
    for f in fragments:
        assert f in line, (f, line)
    return line


@needs_mounts
def test_a_store_on_a_read_only_disk_can_be_read(tmp_path: Path) -> None:
    db = _store_with_a_session(tmp_path / "disk")
    before = _digest(db)
    for argv in (("sessions", "--json"), ("show", "last", "--json"), ("patients",), ("progress", "Ann"),
                 ("export", "last", "--out", tmp_path / "out")):
        code, out, err = run_read_only([db.parent], *argv, "--db", db)
        assert code == 0, (argv, err)
    code, out, _ = run_read_only([db.parent], "sessions", "--json", "--db", db)
    import json

    (s,) = json.loads(out)
    assert s["person"] == "Ann" and s["status"] == "complete" and s["rep_count"] > 0
    assert (tmp_path / "out" / "session-1.json").exists()
    assert _digest(db) == before
    # writing to it says what is wrong, in one line
    _one_line(run_read_only([db.parent], "log", "Ann", "--rpe", "3", "--db", db), str(db), "read-only")
    _one_line(run_read_only([db.parent], "prescribe", "Bob", "--exercise", "hip-raise", "--db", tmp_path / "disk" / "new.db"),
              "read-only")


@needs_mounts
def test_a_write_protected_store_says_it_is_read_only(tmp_path: Path) -> None:
    db = _store_with_a_session(tmp_path / "home")
    code, out, err = run_read_only([db], "sessions", "--db", db)  # reading works
    assert code == 0 and "Ann" in out, err
    for argv in (("import", STANDING, "--exercise", "standing-hip-abduction", "--person", "Ann"), ("log", "Ann", "--pain", "2"),
                 ("note", "Ann", "fine"), ("prescribe", "Ann", "--exercise", "hip-raise"), ("reanalyze", "last")):
        line = _one_line(run_read_only([db], *argv, "--db", db), str(db), "read-only")
        assert "malformed" not in line and "attempt to write" not in line, line


@needs_mounts
def test_record_and_calibrate_check_the_store_before_the_capture(tmp_path: Path) -> None:
    import time

    db = _store_with_a_session(tmp_path / "home")
    t0 = time.monotonic()
    # in real time this recording would take about a minute to replay
    code, out, err = run_read_only([db], "record", "--source", STANDING, "--exercise", "standing-hip-abduction", "--person", "Ann",
                                   "--speed", "1", "--plain", "--db", db)
    assert time.monotonic() - t0 < 20
    _one_line((code, out, err), "read-only")
    assert out == ""  # no "using ...", no rep: the session never started
    code, out, err = run_read_only([db], "calibrate", "device", "--source", SIX_POSES, "--device", "wit-1", "--db", db)
    _one_line((code, out, err), "read-only")
    assert out == ""  # no prompt: the capture never started


def test_a_write_to_a_store_opened_to_read_says_it_is_read_only(tmp_path: Path) -> None:
    from tracker.errors import ReadOnlyStoreError
    from tracker.store import OpenMode

    db = tmp_path / "r.db"
    Store.open(db).close()
    with Store.open(db, mode=OpenMode.READ) as store, pytest.raises(ReadOnlyStoreError, match="the store is read-only") as info:
        store.ensure_person("Bob")
    assert "malformed" not in str(info.value)


@needs_mounts
def test_a_read_only_copy_with_unsaved_wal_changes_is_not_shown_without_them(tmp_path: Path) -> None:
    import shutil

    db = _store_with_a_session(tmp_path / "home")
    writer = sqlite3.connect(db)  # a recorder's changes still in the -wal (not checkpointed)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("UPDATE people SET attention_reason = 'x'")
    writer.commit()
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(db, copy / "r.db")
    shutil.copy(f"{db}-wal", copy / "r.db-wal")  # without its -shm
    writer.close()
    _one_line(run_read_only([copy], "sessions", "--db", copy / "r.db"), "r.db-wal", "writable folder")
