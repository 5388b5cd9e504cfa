"""The SQLite store: the one place with SQL.

One file per user (WAL mode, so a dashboard or a second terminal can read while a
session records). Raw samples go in chunk blobs, at most a second apart; results
(sets, reps, flags) as they happen. Every write path commits in short transactions;
a recorder killed mid-session loses at most the samples since its last commit.
"""

from __future__ import annotations

import enum
import json
import math
import os
import socket
import sqlite3
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracker.core.exercises import Exercise, FlagKind, Severity
from tracker.core.recording import Placement
from tracker.core.names import clean_name, name_key
from tracker.errors import AmbiguousNameError, ConfigurationError, NotFoundError, ReadOnlyStoreError, StoreError
from tracker.pipeline.setup import SessionSetup
from tracker.pipeline.types import Flag, GapDetected, Rep, RepSource, SetSummary
from tracker.store import samples as codec
from tracker.store.models import (
    CalibrationKind,
    CalibrationRecord,
    Entry,
    EntryKind,
    NewSession,
    Note,
    Person,
    PersonRecords,
    Prescription,
    SessionInfo,
    SessionRecords,
    SessionStatus,
    Stream,
    UserRecord,
)
from tracker.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION


#: a recording session whose process has not committed for this long is taken as crashed
STALE_AFTER_S = 30.0
BUSY_TIMEOUT_MS = 10_000


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    d = datetime.fromisoformat(text)
    return d if d.tzinfo is not None else d.replace(tzinfo=UTC)


class OpenMode(enum.Enum):
    """How a store is opened.

    ``READ`` never writes: no store is created, no schema migrated, no session marked (a
    crashed recorder's session still reads as ``interrupted``), and the file is opened with
    SQLite's ``mode=ro``. ``WRITE`` creates the store when asked, migrates it and persists
    what readers derive.
    """

    READ = "read"
    WRITE = "write"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def orphaned(host: str, pid: int, last_commit_at: str, *, now: datetime | None = None) -> bool:
    """Whether a session in state ``recording`` has lost its recorder.

    Orphaned when it has not committed for :data:`STALE_AFTER_S` (a live recorder commits
    every second, data or not), or at once when it was recorded on this host by another
    process that no longer exists. Writers persist it (:meth:`Store.mark_stale_sessions`);
    readers derive it, so both see the same status.
    """
    now = now or datetime.now(UTC)
    if parse_iso(last_commit_at) < now - timedelta(seconds=STALE_AFTER_S):
        return True  # silent for too long (a pid can be reused, a host rebooted)
    return host == socket.gethostname() and pid != os.getpid() and not _pid_alive(pid)


class _GuardedCursor:
    """A cursor whose SQLite errors come out as :class:`StoreError`."""

    __slots__ = ("_cur", "_path")

    def __init__(self, cur: sqlite3.Cursor, path: Path) -> None:
        self._cur = cur
        self._path = path

    @property
    def lastrowid(self) -> int | None:
        return self._cur.lastrowid

    def fetchone(self) -> Any:
        with _translated(self._path):
            return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        with _translated(self._path):
            return self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class _GuardedConnection:
    """The store's connection: every statement's SQLite error becomes a :class:`StoreError`
    (a file damaged beyond its header is found only when a damaged page is read)."""

    __slots__ = ("_conn", "_path")

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._path = path

    def execute(self, sql: str, args: Sequence[Any] = ()) -> _GuardedCursor:
        with _translated(self._path):
            return _GuardedCursor(self._conn.execute(sql, args), self._path)

    def executemany(self, sql: str, rows: Any) -> None:
        with _translated(self._path):
            self._conn.executemany(sql, rows)

    def close(self) -> None:
        self._conn.close()


#: SQLite's primary result codes we tell apart (extended codes carry them in the low byte)
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14
#: what a user can still do with a store they cannot write to
_READING_STILL_WORKS = "reading commands (sessions, show, progress, export) still work"


def _sqlite_code(exc: sqlite3.Error) -> int:
    return int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _read_only(path: Path, why: str) -> ReadOnlyStoreError:
    return ReadOnlyStoreError(f"{path}: the store is read-only ({why}); {_READING_STILL_WORKS}")


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.IntegrityError:
        raise  # a broken invariant of ours: a bug, not the user's file
    except sqlite3.DatabaseError as exc:
        if _sqlite_code(exc) == _SQLITE_READONLY:
            raise _read_only(path, "SQLite cannot write to it here") from None
        raise StoreError(f"{path}: the store could not be used ({exc}): if it says 'malformed', the file is damaged") from None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _check_writable(path: Path) -> None:
    """Refuse, before anything starts, a store that cannot be written: the file itself, and its
    folder (in WAL mode SQLite creates the ``-wal`` and ``-shm`` files next to the store)."""
    folder = path.parent
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    folder_ok = _writable(folder) or (wal.exists() and shm.exists() and _writable(wal) and _writable(shm))
    if not path.exists() or path.stat().st_size == 0:
        if not folder_ok:
            raise ReadOnlyStoreError(f"{path}: cannot create a store there: the folder {folder} is read-only")
    elif not _writable(path):
        raise _read_only(path, "the file is write-protected" if folder_ok else f"its folder {folder} is on a read-only disk or mount")
    elif not folder_ok:
        raise _read_only(path, f"its folder {folder} is read-only, and the store writes its -wal and -shm files there")


@dataclass(frozen=True)
class StoredSamples:
    t_s: NDArray[np.float64]
    accel_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64] | None


class Store:
    """A reptrack store. Use :meth:`open`; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, mode: OpenMode = OpenMode.WRITE) -> None:
        self._conn = _GuardedConnection(conn, path)
        self.path = path
        self.mode = mode
        #: the schema version the store had before this open migrated it (None: not migrated)
        self.upgraded_from: int | None = None
        self._seq: dict[tuple[int, str], int] = {}

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: Path | str, *, mode: OpenMode = OpenMode.WRITE, check_stale: bool = True, create: bool = True) -> Store:
        """Open the store at ``path``.

        ``mode`` :attr:`OpenMode.READ` never writes (see :class:`OpenMode`); it refuses a
        missing or empty file ("no store there yet"). :attr:`OpenMode.WRITE` creates the
        store when absent (unless ``create`` is false), migrates an older one and marks the
        sessions of crashed recorders ``interrupted`` (unless ``check_stale`` is false).

        Raises :class:`StoreError` for a file that is not an SQLite database, is an SQLite
        database of another application, or was written by a newer reptrack. Such a file
        is never modified.
        """
        path = Path(path)
        if path.exists() and path.is_dir():
            raise StoreError(f"{path}: is a directory, not a reptrack store")
        if mode is OpenMode.READ:
            return cls._open_to_read(path)
        existed = path.exists() and path.stat().st_size > 0
        if not create and not path.exists():
            raise StoreError(f"{path}: no store there yet (record or import a session first, or check --db)")
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from None
        if existed:
            cls._check_header(path)
        _check_writable(path)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the store ({exc})") from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if existed and app_id != APPLICATION_ID:
                n_tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
                if n_tables:
                    raise StoreError(f"{path}: an SQLite database of another application (not a reptrack store); left untouched")
            if version > SCHEMA_VERSION:
                raise StoreError(f"{path}: written by a newer reptrack (schema {version}, this one knows {SCHEMA_VERSION}); left untouched")
            if existed:
                # the authority on writing is SQLite itself (a file can be opened read-only for
                # reasons the permission bits do not show): a write, rolled back, before any
                # session or capture starts
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute(f"PRAGMA user_version = {int(version)}")
                finally:
                    conn.execute("ROLLBACK")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(conn, path, OpenMode.WRITE)
            store._migrate()
            if check_stale:
                store.mark_stale_sessions()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _sqlite_code(exc) == _SQLITE_READONLY:
                raise _read_only(path, "SQLite cannot write to it here") from None
            raise StoreError(f"{path}: not a usable reptrack store ({exc}); left untouched") from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _open_to_read(cls, path: Path) -> Store:
        if not path.exists() or path.stat().st_size == 0:
            raise StoreError(f"{path}: no store there yet (record or import a session first, or check --db)")
        cls._check_header(path)
        conn = cls._connect_to_read(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id != APPLICATION_ID:
                if conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
                    raise StoreError(f"{path}: an SQLite database of another application (not a reptrack store); left untouched")
                raise StoreError(f"{path}: no store there yet (record or import a session first, or check --db)")
            if version > SCHEMA_VERSION:
                raise StoreError(f"{path}: written by a newer reptrack (schema {version}, this one knows {SCHEMA_VERSION}); left untouched")
            if version < SCHEMA_VERSION:
                raise StoreError(f"{path}: made by an older reptrack (schema {version}, this one reads {SCHEMA_VERSION}), and "
                                 "reading commands never change a store: upgrade it with 'reptrack store upgrade' (any command "
                                 "that writes to it does it too)")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: not a usable reptrack store ({exc}); left untouched") from None
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, OpenMode.READ)

    @staticmethod
    def _connect_to_read(path: Path) -> sqlite3.Connection:
        """A read-only connection (``mode=ro``). A WAL store in a read-only folder without its
        ``-shm`` index cannot be opened that way (SQLite cannot create the index), so it is
        opened ``immutable`` -- which is exact only when its ``-wal`` holds nothing; when it
        does, that is said instead of showing the store without its latest changes."""
        base = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"

        def connect(uri: str) -> sqlite3.Connection:
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            try:
                conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # opens the -wal and -shm files
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            return connect(base)
        except sqlite3.Error as exc:
            shm, wal = Path(f"{path}-shm"), Path(f"{path}-wal")
            if _sqlite_code(exc) != _SQLITE_CANTOPEN or shm.exists() or _writable(path.parent):
                raise StoreError(f"{path}: not a usable reptrack store ({exc}); left untouched") from None
            if wal.exists() and wal.stat().st_size > 0:
                raise StoreError(f"{path}: its latest changes are in {wal.name}, which SQLite cannot read in a read-only folder "
                                 "without its -shm file: copy the store and its -wal file to a writable folder") from None
        try:
            return connect(base + "&immutable=1")
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: not a usable reptrack store ({exc}); left untouched") from None

    @staticmethod
    def _check_header(path: Path) -> None:
        try:
            with open(path, "rb") as f:
                head = f.read(100)
        except OSError as exc:
            raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
        if not head.startswith(b"SQLite format 3\x00"):
            raise StoreError(f"{path}: not an SQLite database (corrupt, or another kind of file); left untouched")
        if len(head) == 100:
            app_id = int.from_bytes(head[68:72], "big")
            if app_id not in (0, APPLICATION_ID):
                raise StoreError(f"{path}: an SQLite database of another application (not a reptrack store); left untouched")

    def _migrate(self) -> None:
        c = self._conn
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        c.execute("BEGIN IMMEDIATE")
        try:
            version = c.execute("PRAGMA user_version").fetchone()[0]  # another process may have done it
            if version < SCHEMA_VERSION:
                self.upgraded_from = int(version)
            for k in range(version, SCHEMA_VERSION):
                step = MIGRATIONS[k]
                if isinstance(step, str):
                    for stmt in _statements(step):
                        c.execute(stmt)
                else:
                    step(c)  # a data migration, in Python
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (taken at once, so it never fails half-way on a lock)."""
        c = self._conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    # ------------------------------------------------------------------ people
    # A name is matched by its key (tracker.core.names.name_key: NFKC, case folded, whitespace
    # collapsed) and shown as first written. An older reptrack may have stored several people
    # under one key ("zoe", "ZOE"): a name written exactly as one of them is that one; any other
    # spelling is ambiguous until they are merged.
    def ensure_person(self, name: str, *, therapist: str | None = None) -> Person:
        """The person called ``name`` (by its key), created when new; with ``therapist``, put on
        that therapist's list."""
        display = clean_name(name)
        with self.transaction():
            tid = self._ensure_therapist(therapist) if therapist else None
            rows = self._conn.execute("SELECT id, name, therapist_id FROM people WHERE name_key = ?", (name_key(display),)).fetchall()
            if not rows:
                self._conn.execute("INSERT INTO people (name, name_key, therapist_id, created_at) VALUES (?, ?, ?, ?)",
                                   (display, name_key(display), tid, now_iso()))
            else:
                pid = self._pick_person(display, [(r[0], r[1]) for r in rows])
                if tid is not None and next(r[2] for r in rows if r[0] == pid) != tid:
                    self._conn.execute("UPDATE people SET therapist_id = ? WHERE id = ?", (tid, pid))
        return self.person(display)

    def _pick_person(self, display: str, matches: list[tuple[int, str]]) -> int:
        """The one of ``matches`` (id, name: every person under the key of ``display``) meant."""
        if len(matches) == 1:
            return matches[0][0]
        exact = [pid for pid, name in matches if name == display]
        if exact:
            return exact[0]
        names = ", ".join(repr(name) for _, name in sorted(matches))
        raise AmbiguousNameError(
            f"{display!r} matches {len(matches)} people ({names}) in {self.path}: write the name exactly as one of them, or make "
            f"them one with: reptrack person merge {matches[-1][1]!r} {matches[0][1]!r}")

    def _ensure_therapist(self, name: str) -> int:
        display = clean_name(name, what="therapist")
        rows = self._conn.execute("SELECT id, name FROM therapists WHERE name_key = ? ORDER BY id", (name_key(display),)).fetchall()
        if not rows:
            cur = self._conn.execute("INSERT INTO therapists (name, name_key, created_at) VALUES (?, ?, ?)",
                                     (display, name_key(display), now_iso()))
            assert cur.lastrowid is not None
            return int(cur.lastrowid)
        # therapists an older reptrack kept apart under one key: the one written so, else the first
        return next((int(r[0]) for r in rows if r[1] == display), int(rows[0][0]))

    _PERSON_SELECT = ("SELECT p.id, p.name, t.name, p.needs_attention, p.attention_reason, p.attention_cleared_at FROM people p "
                      "LEFT JOIN therapists t ON t.id = p.therapist_id")

    def person(self, name: str) -> Person:
        """The person called ``name`` (matched by its key).

        Raises :class:`NotFoundError` when there is none, :class:`AmbiguousNameError` when the
        name matches several people and is written exactly as none of them.
        """
        display = clean_name(name)
        rows = self._conn.execute(self._PERSON_SELECT + " WHERE p.name_key = ? ORDER BY p.id", (name_key(display),)).fetchall()
        if not rows:
            raise NotFoundError(f"no person named {display!r} in {self.path}")
        pid = self._pick_person(display, [(r[0], r[1]) for r in rows])
        r = next(r for r in rows if r[0] == pid)
        return Person(r[0], r[1], r[2], bool(r[3]), r[4], r[5])

    def people(self, *, therapist: str | None = None) -> list[Person]:
        """Everyone (the patients of ``therapist``, matched by its key), by name."""
        q = self._PERSON_SELECT
        args: tuple[str, ...] = ()
        if therapist is not None:
            q, args = q + " WHERE t.name_key = ?", (name_key(clean_name(therapist, what="therapist")),)
        return [Person(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in self._conn.execute(q + " ORDER BY p.name_key, p.name", args)]

    def person_by_id(self, person_id: int) -> Person:
        """The person with the store id ``person_id`` (a dashboard address names people by id).

        Raises :class:`NotFoundError` when there is none.
        """
        r = self._conn.execute(self._PERSON_SELECT + " WHERE p.id = ?", (int(person_id),)).fetchone()
        if r is None:
            raise NotFoundError(f"no person {person_id} in {self.path}")
        return Person(r[0], r[1], r[2], bool(r[3]), r[4], r[5])

    def set_attention(self, person: str, reason: str | None) -> None:
        """Mark a person for the therapist's attention, or (``None``) clear the mark: what
        caused it has been seen to."""
        pid = self._person_id(person)
        with self.transaction():
            if reason is None:
                self._conn.execute("UPDATE people SET needs_attention = 0, attention_reason = NULL, attention_cleared_at = ? WHERE id = ?",
                                   (now_iso(), pid))
            else:
                self._conn.execute("UPDATE people SET needs_attention = 1, attention_reason = ? WHERE id = ?", (reason, pid))

    def _person_id(self, name: str) -> int:
        return self.person(name).id

    # ------------------------------------------------------------------ people: rename, merge, delete
    def person_records(self, name: str) -> PersonRecords:
        """What the store holds of the person called ``name``."""
        p = self.person(name)
        return self._records_of(p.id, p.name)

    def _records_of(self, pid: int, display: str) -> PersonRecords:
        c = self._conn

        def count(table: str) -> int:
            return int(c.execute(f"SELECT count(*) FROM {table} WHERE person_id = ?", (pid,)).fetchone()[0])

        return PersonRecords(
            person=display, sessions=count("sessions"), sample_bytes=self._sample_bytes("SELECT id FROM sessions WHERE person_id = ?", pid),
            prescriptions=count("prescriptions"), notes=count("notes"), entries=count("entries"), calibrations=count("calibrations"))

    def _sample_bytes(self, sessions_sql: str, arg: int) -> int:
        # length() of a blob is read from the record header, not from the blob's pages
        return int(self._conn.execute(
            "SELECT coalesce(sum(length(t_s) + length(accel_g) + coalesce(length(gyro_dps), 0)), 0) FROM sample_chunks "
            f"WHERE session_id IN ({sessions_sql})", (arg,)).fetchone()[0])

    def rename_person(self, name: str, new_name: str) -> Person:
        """Give a person another name (or another way of writing it: "zoe" -> "Zoë").

        Raises :class:`ConfigurationError` when the new name is someone else's (by key): that
        is a merge, not a rename.
        """
        p = self.person(name)
        display = clean_name(new_name)
        with self.transaction():
            other = self._conn.execute("SELECT name FROM people WHERE name_key = ? AND id != ?", (name_key(display), p.id)).fetchone()
            if other is not None:
                raise ConfigurationError(f"there is already a person named {other[0]!r}: to make {p.name!r} and {other[0]!r} one "
                                         f"person, merge them: reptrack person merge {p.name!r} {other[0]!r}")
            self._conn.execute("UPDATE people SET name = ?, name_key = ? WHERE id = ?", (display, name_key(display), p.id))
        return self.person(display)

    def merge_people(self, source: str, into: str) -> PersonRecords:
        """Move everything of ``source`` (sessions, prescriptions, notes, pain and effort,
        calibrations) to ``into`` and remove ``source``; returns what moved.

        ``into`` keeps its name, and its therapist unless it has none. The attention mark is
        kept if either carries it, and pain either has not had seen to still counts: the
        merged mark's "cleared at" is the earlier of the two among those with pain entries.
        """
        a, b = self.person(source), self.person(into)
        if a.id == b.id:
            raise ConfigurationError(f"{source!r} and {into!r} are the same person ({b.name!r})")
        c = self._conn
        with self.transaction():
            moved = self._records_of(a.id, a.name)
            rows = {r[0]: r[1:] for r in c.execute(
                "SELECT p.id, p.therapist_id, p.needs_attention, p.attention_reason, p.attention_cleared_at, "
                "(SELECT count(*) FROM entries e WHERE e.person_id = p.id AND e.kind = 'pain') FROM people p WHERE p.id IN (?, ?)",
                (a.id, b.id)).fetchall()}
            (ta, na, ra, ca, pa), (tb, nb, rb, cb, pb) = rows[a.id], rows[b.id]
            with_pain = [x for x, n in ((ca, pa), (cb, pb)) if n]
            cleared = cb if not with_pain else (None if None in with_pain else min(with_pain))
            for table in ("sessions", "prescriptions", "notes", "entries", "calibrations"):
                c.execute(f"UPDATE {table} SET person_id = ? WHERE person_id = ?", (b.id, a.id))
            c.execute("UPDATE people SET therapist_id = ?, needs_attention = ?, attention_reason = ?, attention_cleared_at = ? WHERE id = ?",
                      (tb if tb is not None else ta, int(bool(na or nb)), rb if nb else (ra if na else rb), cleared, b.id))
            c.execute("DELETE FROM people WHERE id = ?", (a.id,))
        return moved

    def delete_person(self, name: str) -> PersonRecords:
        """Remove a person and everything of theirs, raw samples included (overwritten, see
        :meth:`_erasing`); a sensor's device calibrations and the therapists stay."""
        p = self.person(name)
        c = self._conn
        with self._erasing():
            gone = self._records_of(p.id, p.name)
            for table in ("notes", "entries", "prescriptions", "calibrations"):
                c.execute(f"DELETE FROM {table} WHERE person_id = ?", (p.id,))
            c.execute("DELETE FROM sessions WHERE person_id = ?", (p.id,))  # samples, sets, reps, flags, gaps: ON DELETE CASCADE
            c.execute("DELETE FROM people WHERE id = ?", (p.id,))
        return gone

    # ------------------------------------------------------------------ devices
    def ensure_device(self, name: str, kind: str, has_gyro: bool) -> int:
        c = self._conn
        c.execute("INSERT OR IGNORE INTO devices (name, kind, has_gyro, created_at) VALUES (?, ?, ?, ?)",
                  (name, kind, int(has_gyro), now_iso()))
        return int(c.execute("SELECT id FROM devices WHERE name = ?", (name,)).fetchone()[0])

    # ------------------------------------------------------------------ sessions: writing
    def create_session(self, new: NewSession) -> int:
        """A new session in state ``recording``, owned by this process."""
        person_id = self.ensure_person(new.person).id
        now = now_iso()
        with self.transaction():
            device_id = self.ensure_device(new.device_name, new.device_kind, new.has_gyro)
            cur = self._conn.execute(
                "INSERT INTO sessions (person_id, device_id, exercise, placement, source, sample_rate_hz, has_gyro, "
                "has_pelvis, pelvis_sample_rate_hz, pelvis_has_gyro, params, meta, started_at, status, load_kg, last_commit_at, host, pid) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recording', ?, ?, ?, ?)",
                (person_id, device_id, new.setup.exercise.value, new.setup.placement.value, new.source, float(new.sample_rate_hz),
                 int(new.has_gyro), int(new.has_pelvis), new.pelvis_sample_rate_hz,
                 None if new.pelvis_has_gyro is None else int(new.pelvis_has_gyro), json.dumps(new.setup.to_json()),
                 json.dumps(new.meta), new.started_at or now, new.load_kg, now, socket.gethostname(), os.getpid()),
            )
        sid = cur.lastrowid
        assert sid is not None
        return int(sid)

    def add_samples(self, session_id: int, stream: Stream, t_s: NDArray[np.float64], accel_g: NDArray[np.float64],
                    gyro_dps: NDArray[np.float64] | None) -> None:
        """One chunk of raw samples (call inside :meth:`transaction`)."""
        n = int(t_s.shape[0])
        if n == 0:
            return
        key = (session_id, stream.value)
        seq = self._seq.get(key)
        if seq is None:
            row = self._conn.execute("SELECT max(seq) FROM sample_chunks WHERE session_id = ? AND stream = ?", key).fetchone()
            seq = -1 if row[0] is None else int(row[0])
        seq += 1
        self._seq[key] = seq
        tb, ab = codec.encode(t_s, accel_g)
        _, gb = codec.encode(t_s, gyro_dps)
        self._conn.execute(
            "INSERT INTO sample_chunks (session_id, stream, seq, n, t0_s, t1_s, t_s, accel_g, gyro_dps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, stream.value, seq, n, float(t_s[0]), float(t_s[-1]), tb, ab, gb),
        )
        if stream is Stream.MAIN:
            self._conn.execute("UPDATE sessions SET sample_count = sample_count + ? WHERE id = ?", (n, session_id))

    def add_rep(self, session_id: int, rep: Rep) -> None:
        c = self._conn
        c.execute(
            "INSERT INTO reps (session_id, rep_index, set_index, start_s, peak_s, end_s, rom_deg, lift_s, hold_s, lower_s, "
            "peak_speed_dps, sparc, velocity_peaks, shake_g, pelvis_tilt_deg, pelvis_lateral_deg, axis_x, axis_y, axis_z, tremor_dps, "
            "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, rep.index, rep.set_index, rep.start_s, rep.peak_s, rep.end_s, rep.rom_deg, rep.lift_s, rep.hold_s,
             rep.lower_s, rep.peak_speed_dps, _nan_to_none(rep.sparc), rep.velocity_peaks, rep.shake_g,
             rep.pelvis_tilt_deg, rep.pelvis_lateral_deg, *rep.axis, rep.tremor_dps, rep.source.value),
        )
        self._insert_flags(session_id, rep)
        c.execute("UPDATE sessions SET rep_count = rep_count + 1 WHERE id = ?", (session_id,))

    def _insert_flags(self, session_id: int, rep: Rep) -> None:
        self._conn.executemany(
            "INSERT INTO flags (session_id, rep_index, kind, severity, cue, value, threshold, unit, inferred) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(session_id, rep.index, f.kind.value, f.severity.value, f.cue, f.value, f.threshold, f.unit, int(f.inferred)) for f in rep.flags],
        )

    def revise_rep_flags(self, session_id: int, rep: Rep) -> None:
        """Replace the flags of a stored rep (same ``rep.index``) with ``rep``'s: the engine judged
        it again once the person's range was known (:class:`~tracker.pipeline.RepRevised`)."""
        c = self._conn
        if c.execute("SELECT 1 FROM reps WHERE session_id = ? AND rep_index = ?", (session_id, rep.index)).fetchone() is None:
            raise NotFoundError(f"session {session_id} has no rep {rep.index} to revise")
        c.execute("DELETE FROM flags WHERE session_id = ? AND rep_index = ?", (session_id, rep.index))
        self._insert_flags(session_id, rep)

    def add_set(self, session_id: int, s: SetSummary) -> None:
        """A set, or (same ``set_index``) the set as it stands now: an open set is stored at each
        commit and replaced when it closes."""
        self._conn.execute(
            "INSERT INTO sets (session_id, set_index, start_s, end_s, rep_count, rest_before_s) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (session_id, set_index) DO UPDATE SET start_s = excluded.start_s, end_s = excluded.end_s, "
            "rep_count = excluded.rep_count, rest_before_s = excluded.rest_before_s",
            (session_id, s.set_index, s.start_s, s.end_s, s.rep_count, s.rest_before_s),
        )

    def add_gap(self, session_id: int, start_s: float, end_s: float, origin: str) -> None:
        self._conn.execute("INSERT INTO gaps (session_id, start_s, end_s, origin) VALUES (?, ?, ?, ?)",
                           (session_id, start_s, end_s, origin))

    def heartbeat(self, session_id: int, *, tentative_reps: int = 0, taken_back_reps: int = 0) -> None:
        """The recording process is alive (call inside the transaction that commits its samples).

        A session a reader took for orphaned (its recorder was suspended, say) is
        recording again as soon as its recorder commits. ``tentative_reps``: reps shown but
        not yet sure (not stored as reps); ``taken_back_reps``: tentative reps taken back so far.
        """
        self._conn.execute("UPDATE sessions SET last_commit_at = ?, status = 'recording', ended_at = NULL, tentative_reps = ?, "
                           "taken_back_reps = ? WHERE id = ?", (now_iso(), tentative_reps, taken_back_reps, session_id))

    def finish_session(self, session_id: int, status: SessionStatus = SessionStatus.COMPLETE, *, ended_at: str | None = None) -> None:
        """End a session; ``ended_at`` defaults to now (an imported recording's own end, say)."""
        with self.transaction():
            self._conn.execute("UPDATE sessions SET status = ?, ended_at = ?, last_commit_at = ? WHERE id = ?",
                               (status.value, ended_at or now_iso(), now_iso(), session_id))

    def mark_stale_sessions(self) -> list[int]:
        """Sessions left ``recording`` by a process that is gone become ``interrupted`` (see
        :func:`orphaned`). Everything they committed stays."""
        rows = self._conn.execute("SELECT id, host, pid, last_commit_at FROM sessions WHERE status = 'recording'").fetchall()
        now = datetime.now(UTC)
        stale = [r[0] for r in rows if orphaned(r[1], r[2], r[3], now=now)]
        if stale:
            with self.transaction():
                for sid in stale:
                    self._conn.execute(
                        "UPDATE sessions SET status = 'interrupted', ended_at = last_commit_at WHERE id = ? AND status = 'recording'", (sid,))
        return stale

    # ------------------------------------------------------------------ sessions: reading
    _SESSION_COLUMNS = (
        "s.id, p.name, s.exercise, s.placement, s.source, d.name, s.sample_rate_hz, s.has_gyro, s.has_pelvis, s.started_at, "
        "s.ended_at, s.status, s.load_kg, s.sample_count, s.rep_count, "
        "(SELECT count(*) FROM sets x WHERE x.session_id = s.id), s.params, s.meta, s.pelvis_sample_rate_hz, s.pelvis_has_gyro, "
        "s.host, s.pid, s.last_commit_at, s.person_id, s.tentative_reps, s.taken_back_reps"
    )

    @staticmethod
    def _session_from_row(r: Sequence[Any]) -> SessionInfo:
        status, ended_at = SessionStatus(r[11]), r[10]
        if status is SessionStatus.RECORDING and orphaned(r[20], r[21], r[22]):
            # what mark_stale_sessions would write, derived (a reader writes nothing)
            status, ended_at = SessionStatus.INTERRUPTED, r[22]
        return SessionInfo(
            id=r[0], person=r[1], exercise=Exercise(r[2]), placement=Placement(r[3]), source=r[4], device=r[5], sample_rate_hz=r[6],
            has_gyro=bool(r[7]), has_pelvis=bool(r[8]), started_at=r[9], ended_at=ended_at, status=status,
            load_kg=r[12], sample_count=r[13], rep_count=r[14], set_count=r[15],
            setup=SessionSetup.from_json(json.loads(r[16]), with_pelvis=bool(r[8])), meta=json.loads(r[17]),
            pelvis_sample_rate_hz=r[18], pelvis_has_gyro=None if r[19] is None else bool(r[19]), person_id=r[23],
            tentative_reps=r[24] if status is SessionStatus.RECORDING else 0, taken_back_reps=r[25],
        )

    def sessions(self, *, person: str | None = None, exercise: Exercise | None = None) -> list[SessionInfo]:
        """Sessions, oldest first."""
        q = (f"SELECT {self._SESSION_COLUMNS} FROM sessions s JOIN people p ON p.id = s.person_id "
             "LEFT JOIN devices d ON d.id = s.device_id")
        where: list[str] = []
        args: list[Any] = []
        if person is not None:
            pid = self._person_id(person)
            where.append("s.person_id = ?")
            args.append(pid)
        if exercise is not None:
            where.append("s.exercise = ?")
            args.append(exercise.value)
        if where:
            q += " WHERE " + " AND ".join(where)
        q += " ORDER BY s.started_at, s.id"
        return [self._session_from_row(r) for r in self._conn.execute(q, args)]

    def session(self, session_id: int) -> SessionInfo:
        r = self._conn.execute(
            f"SELECT {self._SESSION_COLUMNS} FROM sessions s JOIN people p ON p.id = s.person_id "
            "LEFT JOIN devices d ON d.id = s.device_id WHERE s.id = ?", (session_id,)).fetchone()
        if r is None:
            raise NotFoundError(f"no session {session_id} in {self.path}")
        return self._session_from_row(r)

    def samples(self, session_id: int, stream: Stream = Stream.MAIN, *, since_s: float | None = None) -> StoredSamples:
        """A session's raw samples of ``stream``; with ``since_s``, only the chunks that reach
        that recording time or later (a live view's last seconds, without decoding the hour before)."""
        q = "SELECT t_s, accel_g, gyro_dps FROM sample_chunks WHERE session_id = ? AND stream = ?"
        args: tuple[Any, ...] = (session_id, stream.value)
        if since_s is not None:
            q, args = q + " AND t1_s >= ?", (*args, float(since_s))
        rows = self._conn.execute(q + " ORDER BY seq", args).fetchall()
        if not rows:
            return StoredSamples(np.empty(0), np.empty((0, 3)), None)
        times = [codec.decode_times(r[0]) for r in rows]
        t = np.concatenate(times)
        a = np.concatenate([codec.decode_values(r[1]) for r in rows])
        g = None
        if any(r[2] is not None for r in rows):
            # a chunk without gyro in a stream with one: no rate for those samples
            g = np.concatenate([codec.decode_values(r[2]) if r[2] is not None else np.full((len(tt), 3), np.nan)
                                for r, tt in zip(rows, times)])
        return StoredSamples(t, a, g)

    def time_span(self, session_id: int, stream: Stream = Stream.MAIN) -> tuple[float, float]:
        """First and last sample time of a session's stream (0, 0 when it has none)."""
        r = self._conn.execute("SELECT min(t0_s), max(t1_s) FROM sample_chunks WHERE session_id = ? AND stream = ?",
                               (session_id, stream.value)).fetchone()
        return (0.0, 0.0) if r[0] is None else (float(r[0]), float(r[1]))

    def reps(self, session_id: int) -> list[Rep]:
        found: dict[int, list[Flag]] = {}
        for r in self._conn.execute(
                "SELECT rep_index, kind, severity, cue, value, threshold, unit, inferred FROM flags WHERE session_id = ? ORDER BY rowid",
                (session_id,)):
            found.setdefault(r[0], []).append(Flag(FlagKind(r[1]), Severity(r[2]), r[3], r[4], r[5], r[6], bool(r[7])))
        flags = {k: tuple(v) for k, v in found.items()}
        nan = math.nan
        none: tuple[Flag, ...] = ()
        rows = self._conn.execute(
            "SELECT rep_index, set_index, start_s, peak_s, end_s, rom_deg, lift_s, hold_s, lower_s, peak_speed_dps, "
            "sparc, velocity_peaks, shake_g, pelvis_tilt_deg, pelvis_lateral_deg, axis_x, axis_y, axis_z, tremor_dps, source "
            "FROM reps WHERE session_id = ? ORDER BY rep_index", (session_id,)).fetchall()
        new = object.__new__
        out = []
        for r in rows:
            # a Rep from trusted stored values, without the frozen dataclass's per-field
            # object.__setattr__ (half the time of loading 10,000 reps; Rep has no __post_init__)
            rep = new(Rep)
            rep.__dict__.update({
                "index": r[0], "set_index": r[1], "start_s": r[2], "peak_s": r[3], "end_s": r[4], "rom_deg": r[5], "lift_s": r[6],
                "hold_s": r[7], "lower_s": r[8], "peak_speed_dps": r[9], "sparc": nan if r[10] is None else r[10],
                "velocity_peaks": r[11], "shake_g": r[12], "tremor_dps": r[18], "pelvis_tilt_deg": r[13], "pelvis_lateral_deg": r[14],
                "axis": (r[15], r[16], r[17]), "flags": flags.get(r[0], none), "source": RepSource(r[19]),
                # not stored: what the flags of the reps after it were judged from
                "start_deg": 0.0, "end_deg": 0.0, "held_rom_deg": None, "start_up": None,
            })
            out.append(rep)
        return out

    def flagged_rep_count(self, session_id: int) -> int:
        """Reps of a session with at least one form flag."""
        return int(self._conn.execute("SELECT count(DISTINCT rep_index) FROM flags WHERE session_id = ?", (session_id,)).fetchone()[0])

    def sets(self, session_id: int) -> list[SetSummary]:
        return [SetSummary(*r) for r in self._conn.execute(
            "SELECT set_index, start_s, end_s, rep_count, rest_before_s FROM sets WHERE session_id = ? ORDER BY set_index",
            (session_id,))]

    def gaps(self, session_id: int, origin: str | None = None) -> list[GapDetected]:
        q = "SELECT start_s, end_s FROM gaps WHERE session_id = ?"
        args: tuple[Any, ...] = (session_id,)
        if origin is not None:
            q += " AND origin = ?"
            args += (origin,)
        return [GapDetected(r[0], r[1]) for r in self._conn.execute(q + " ORDER BY start_s", args)]

    def replace_results(self, session_id: int, reps: Sequence[Rep], sets: Sequence[SetSummary], analysis_gaps: Sequence[GapDetected]) -> None:
        """Swap a session's results for new ones, in one transaction."""
        c = self._conn
        with self.transaction():
            for table in ("flags", "reps", "sets"):
                c.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
            c.execute("DELETE FROM gaps WHERE session_id = ? AND origin = 'analysis'", (session_id,))
            c.execute("UPDATE sessions SET rep_count = 0 WHERE id = ?", (session_id,))
            for rep in reps:
                self.add_rep(session_id, rep)
            for s in sets:
                self.add_set(session_id, s)
            for g in analysis_gaps:
                self.add_gap(session_id, g.start_s, g.end_s, "analysis")

    def session_records(self, session_id: int) -> SessionRecords:
        """What the store holds of a session."""
        info = self.session(session_id)
        return self._session_records(info)

    def _session_records(self, info: SessionInfo) -> SessionRecords:
        c = self._conn
        return SessionRecords(
            info=info, sample_bytes=self._sample_bytes("?", info.id),
            notes=int(c.execute("SELECT count(*) FROM notes WHERE session_id = ?", (info.id,)).fetchone()[0]),
            entries=int(c.execute("SELECT count(*) FROM entries WHERE session_id = ?", (info.id,)).fetchone()[0]))

    def delete_session(self, session_id: int) -> SessionRecords:
        """Remove a session with its raw samples, results, and the notes and entries made on it
        (ON DELETE CASCADE); the samples are overwritten (see :meth:`_erasing`)."""
        info = self.session(session_id)
        with self._erasing():
            gone = self._session_records(info)
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return gone

    @contextmanager
    def _erasing(self) -> Iterator[None]:
        """A write transaction whose deleted content is overwritten with zeros (SQLite's
        ``secure_delete``; off by default in SQLite's own build), not merely unlinked: a deleted
        person's raw samples do not stay readable in the file's free pages. The freed pages
        are reused by later sessions (the file keeps its size; VACUUM would shrink it). A
        passive checkpoint then carries the overwrite into the store file; the -wal, whose
        older frames may still hold the samples, is removed when the last connection closes."""
        c = self._conn
        before = int(c.execute("PRAGMA secure_delete").fetchone()[0])
        c.execute("PRAGMA secure_delete = 1")
        try:
            with self.transaction():
                yield
        finally:
            c.execute(f"PRAGMA secure_delete = {before}")
        c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    # ------------------------------------------------------------------ calibrations
    def add_calibration(self, kind: CalibrationKind, data: dict[str, Any], quality: str, *, device: str | None = None,
                        person: str | None = None, exercise: Exercise | None = None, placement: Placement | None = None,
                        device_kind: str = "unknown", has_gyro: bool = False) -> int:
        pid = self.ensure_person(person).id if person else None
        with self.transaction():
            did = self.ensure_device(device, device_kind, has_gyro) if device else None
            cur = self._conn.execute(
                "INSERT INTO calibrations (kind, device_id, person_id, exercise, placement, data, quality, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind.value, did, pid, None if exercise is None else exercise.value, None if placement is None else placement.value,
                 json.dumps(data), quality, now_iso()))
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    _CALIBRATION_SELECT = (
        "SELECT c.id, c.kind, d.name, p.name, c.exercise, c.placement, c.data, c.quality, c.created_at FROM calibrations c "
        "LEFT JOIN devices d ON d.id = c.device_id LEFT JOIN people p ON p.id = c.person_id"
    )

    @staticmethod
    def _calibration_from_row(r: Sequence[Any]) -> CalibrationRecord:
        return CalibrationRecord(r[0], CalibrationKind(r[1]), r[2], r[3], None if r[4] is None else Exercise(r[4]),
                                 None if r[5] is None else Placement(r[5]), json.loads(r[6]), r[7], r[8])

    def calibration(self, calibration_id: int) -> CalibrationRecord:
        r = self._conn.execute(self._CALIBRATION_SELECT + " WHERE c.id = ?", (calibration_id,)).fetchone()
        if r is None:
            raise NotFoundError(f"no calibration {calibration_id} in {self.path}")
        return self._calibration_from_row(r)

    def latest_calibration(self, kind: CalibrationKind, *, device: str | None = None, person: str | None = None,
                           exercise: Exercise | None = None, placement: Placement | None = None) -> CalibrationRecord | None:
        q = self._CALIBRATION_SELECT + " WHERE c.kind = ?"
        args: list[Any] = [kind.value]
        person_id = None
        if person is not None:
            try:
                person_id = self._person_id(person)
            except NotFoundError:
                return None
        for col, val in (("d.name", device), ("c.person_id", person_id), ("c.exercise", None if exercise is None else exercise.value),
                         ("c.placement", None if placement is None else placement.value)):
            if val is not None:
                q += f" AND {col} = ?"
                args.append(val)
        r = self._conn.execute(q + " ORDER BY c.created_at DESC, c.id DESC LIMIT 1", args).fetchone()
        return None if r is None else self._calibration_from_row(r)

    # ------------------------------------------------------------------ prescriptions
    def add_prescription(self, person: str, exercise: Exercise, *, sets: int, reps_min: int, reps_max: int, hold_s: float | None,
                         rest_min_s: float, rest_max_s: float, days_per_week: int, load_kg: float,
                         created_at: str | None = None) -> Prescription:
        pid = self.ensure_person(person).id
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO prescriptions (person_id, exercise, sets, reps_min, reps_max, hold_s, rest_min_s, rest_max_s, days_per_week, "
                "load_kg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (pid, exercise.value, sets, reps_min, reps_max, hold_s, rest_min_s, rest_max_s, days_per_week, load_kg, created_at or now_iso()))
        assert cur.lastrowid is not None
        return self._prescriptions("pr.id = ?", (cur.lastrowid,))[0]

    def _prescriptions(self, where: str, args: Sequence[Any]) -> list[Prescription]:
        return [Prescription(r[0], r[1], Exercise(r[2]), *r[3:]) for r in self._conn.execute(
            "SELECT pr.id, p.name, pr.exercise, pr.sets, pr.reps_min, pr.reps_max, pr.hold_s, pr.rest_min_s, pr.rest_max_s, "
            f"pr.days_per_week, pr.load_kg, pr.created_at FROM prescriptions pr JOIN people p ON p.id = pr.person_id WHERE {where} "
            "ORDER BY pr.created_at, pr.id", args)]

    def prescription_history(self, person: str, exercise: Exercise | None = None) -> list[Prescription]:
        """Every prescription of a person (for one exercise), oldest first."""
        pid = self._person_id(person)
        if exercise is None:
            return self._prescriptions("pr.person_id = ?", (pid,))
        return self._prescriptions("pr.person_id = ? AND pr.exercise = ?", (pid, exercise.value))

    def current_prescription(self, person: str, exercise: Exercise) -> Prescription | None:
        h = self.prescription_history(person, exercise)
        return h[-1] if h else None

    # ------------------------------------------------------------------ notes, pain and effort
    def add_note(self, person: str, text: str, *, session_id: int | None = None, therapist: str | None = None) -> Note:
        pid = self._person_id(person)
        with self.transaction():
            tid = self._ensure_therapist(therapist) if therapist else None
            cur = self._conn.execute("INSERT INTO notes (person_id, session_id, therapist_id, text, created_at) VALUES (?, ?, ?, ?, ?)",
                                     (pid, session_id, tid, text, now_iso()))
        assert cur.lastrowid is not None
        return self.notes(person, note_id=int(cur.lastrowid))[0]

    def notes(self, person: str, *, session_id: int | None = None, note_id: int | None = None) -> list[Note]:
        q = ("SELECT n.id, p.name, n.session_id, t.name, n.text, n.created_at FROM notes n JOIN people p ON p.id = n.person_id "
             "LEFT JOIN therapists t ON t.id = n.therapist_id WHERE n.person_id = ?")
        args: list[Any] = [self._person_id(person)]
        if session_id is not None:
            q += " AND n.session_id = ?"
            args.append(session_id)
        if note_id is not None:
            q += " AND n.id = ?"
            args.append(note_id)
        return [Note(*r) for r in self._conn.execute(q + " ORDER BY n.created_at, n.id", args)]

    def add_entry(self, person: str, kind: EntryKind, value: int, *, session_id: int | None = None, note: str | None = None,
                  created_at: str | None = None) -> Entry:
        if not 0 <= value <= 10:
            raise StoreError(f"{kind.value} is rated 0-10, got {value}")
        pid = self._person_id(person)
        with self.transaction():
            cur = self._conn.execute("INSERT INTO entries (person_id, session_id, kind, value, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                     (pid, session_id, kind.value, value, note, created_at or now_iso()))
        assert cur.lastrowid is not None
        return next(e for e in self.entries(person) if e.id == cur.lastrowid)

    def entries(self, person: str, *, kind: EntryKind | None = None) -> list[Entry]:
        q = ("SELECT e.id, p.name, e.session_id, e.kind, e.value, e.note, e.created_at FROM entries e JOIN people p ON p.id = e.person_id "
             "WHERE e.person_id = ?")
        args: list[Any] = [self._person_id(person)]
        if kind is not None:
            q += " AND e.kind = ?"
            args.append(kind.value)
        return [Entry(r[0], r[1], r[2], EntryKind(r[3]), *r[4:]) for r in self._conn.execute(q + " ORDER BY e.created_at, e.id", args)]


    # ------------------------------------------------------------------ dashboard accounts
    def add_user(self, name: str, role: str, password_hash: str) -> UserRecord:
        """A dashboard account: a therapist (linked to the therapist of that name, created when
        new) or a patient (linked to the person of that name, who must exist). ``password_hash``
        is already hashed (the store never sees a password).

        Raises :class:`ConfigurationError` when an account of that name exists.
        """
        display = clean_name(name, what="therapist" if role == "therapist" else "person")
        pid = self.person(display).id if role == "patient" else None
        with self.transaction():
            if self._conn.execute("SELECT 1 FROM users WHERE name_key = ?", (name_key(display),)).fetchone():
                raise ConfigurationError(f"there is already an account named {display!r}")
            tid = self._ensure_therapist(display) if role == "therapist" else None
            self._conn.execute("INSERT INTO users (name, name_key, role, password_hash, therapist_id, person_id, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)", (display, name_key(display), role, password_hash, tid, pid, now_iso()))
        user = self.user(display)
        assert user is not None
        return user

    def user(self, name: str) -> UserRecord | None:
        """The account called ``name`` (matched by its key), or ``None``."""
        try:
            key = name_key(clean_name(name))
        except ConfigurationError:
            return None
        r = self._conn.execute(
            "SELECT u.id, u.name, u.role, u.password_hash, t.name, p.name, p.id FROM users u LEFT JOIN therapists t ON t.id = u.therapist_id "
            "LEFT JOIN people p ON p.id = u.person_id WHERE u.name_key = ?", (key,)).fetchone()
        return None if r is None else UserRecord(*r)

    def user_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM users").fetchone()[0])


#: the fields :meth:`Store.reps` fills (kept in step with Rep by tests/test_store.py)
REP_FIELDS = ("index", "set_index", "start_s", "peak_s", "end_s", "rom_deg", "lift_s", "hold_s", "lower_s", "peak_speed_dps", "sparc",
              "velocity_peaks", "shake_g", "tremor_dps", "pelvis_tilt_deg", "pelvis_lateral_deg", "axis", "flags", "source", "start_deg",
              "end_deg", "held_rom_deg", "start_up")


def _nan_to_none(x: float) -> float | None:
    return None if not math.isfinite(x) else x


def _statements(script: str) -> list[str]:
    """Split a migration into statements (none of ours has a ';' inside a literal)."""
    lines = [ln.split("--", 1)[0] for ln in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def default_store_path() -> Path:
    """``$REPTRACK_DB``, else ``reptrack.db`` in the per-user data directory."""
    env = os.environ.get("REPTRACK_DB")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("reptrack", appauthor=False)) / "reptrack.db"


def demo_store_path() -> Path:
    """``demo.db`` in the per-user data directory: the demo's store, never the person's own
    (``$REPTRACK_DB`` names their store, so the demo does not follow it)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("reptrack", appauthor=False)) / "demo.db"
