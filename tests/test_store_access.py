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
