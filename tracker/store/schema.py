"""The store's schema, as an ordered list of migrations (SQL, or a data migration in Python).

``PRAGMA user_version`` holds the number of migrations applied; ``PRAGMA application_id``
marks the file as reptrack's, so a foreign SQLite file is recognised and left alone.
A migration is never edited once released: a change is a new migration at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any, Final, NamedTuple

from tracker.core.names import name_key
from tracker.pipeline.results import set_so_far, summarise_sets
from tracker.pipeline.types import SetCompleted

#: "RPTK" -- written into the SQLite header of every reptrack store.
APPLICATION_ID: Final = 0x5250544B

class _StoredRep(NamedTuple):
    set_index: int
    start_s: float
    end_s: float


def _store_open_sets(conn: Any) -> None:
    """4: the set a session never closed (its recorder crashed, an import was cut short) gets
    its row, as a recorder now stores it at each commit: older ones kept only closed sets,
    and each reader made up the open one its own way."""
    rows = conn.execute(
        "SELECT r.session_id, r.set_index, r.start_s, r.end_s FROM reps r WHERE NOT EXISTS "
        "(SELECT 1 FROM sets x WHERE x.session_id = r.session_id AND x.set_index = r.set_index) "
        "ORDER BY r.session_id, r.rep_index").fetchall()
    for (sid, index), group in groupby(rows, key=lambda r: (r[0], r[1])):
        reps = [_StoredRep(r[1], r[2], r[3]) for r in group]
        before = conn.execute("SELECT set_index, start_s, end_s, rep_count FROM sets WHERE session_id = ? AND set_index < ? "
                              "ORDER BY set_index DESC LIMIT 1", (sid, index)).fetchone()
        done = [] if before is None else [SetCompleted(*before)]
        s = summarise_sets([*done, set_so_far(reps)])[-1]
        conn.execute("INSERT INTO sets (session_id, set_index, start_s, end_s, rep_count, rest_before_s) VALUES (?, ?, ?, ?, ?, ?)",
                     (sid, s.set_index, s.start_s, s.end_s, s.rep_count, s.rest_before_s))


def _name_keys(conn: Any) -> None:
    """5: people and therapists are matched by the key of their name (NFKC, case folded,
    whitespace collapsed: "zoe", "ZOE" and "Ｚｏｅ" are one person); names keep their display form.
    People an older reptrack stored apart under one key stay apart until merged."""
    for table in ("people", "therapists"):
        conn.execute(f"ALTER TABLE {table} ADD COLUMN name_key TEXT")
        for rid, name in conn.execute(f"SELECT id, name FROM {table}").fetchall():
            conn.execute(f"UPDATE {table} SET name_key = ? WHERE id = ?", (name_key(name), rid))
        conn.execute(f"CREATE INDEX {table}_name_key ON {table}(name_key)")


#: a migration: SQL statements, or a data migration in Python given the connection
Migration = str | Callable[[Any], None]

MIGRATIONS: Final[tuple[Migration, ...]] = (
    # 1: people, devices, sessions with raw samples and results, calibrations,
    #    prescriptions, notes, pain and effort entries
    """
    CREATE TABLE therapists (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        therapist_id INTEGER REFERENCES therapists(id),
        needs_attention INTEGER NOT NULL DEFAULT 0,
        attention_reason TEXT,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,          -- a BLE address, or a label such as "replay:file.csv"
        kind TEXT NOT NULL,                 -- micro:bit, witmotion, csv, simulated, ...
        has_gyro INTEGER NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id),
        device_id INTEGER REFERENCES devices(id),
        exercise TEXT NOT NULL,
        placement TEXT NOT NULL,
        source TEXT NOT NULL,
        sample_rate_hz REAL NOT NULL,
        has_gyro INTEGER NOT NULL,
        has_pelvis INTEGER NOT NULL,
        params TEXT NOT NULL,               -- JSON: the analysis parameters (reanalyze uses them)
        meta TEXT NOT NULL,                 -- JSON: the recording's metadata
        started_at TEXT NOT NULL,           -- ISO 8601, UTC
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'interrupted')),
        load_kg REAL,
        sample_count INTEGER NOT NULL DEFAULT 0,
        rep_count INTEGER NOT NULL DEFAULT 0,
        last_commit_at TEXT NOT NULL,       -- heartbeat of the recording process
        host TEXT NOT NULL,
        pid INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX sessions_person ON sessions(person_id, started_at);
    CREATE INDEX sessions_status ON sessions(status);
    CREATE TABLE sample_chunks (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        stream TEXT NOT NULL CHECK (stream IN ('main', 'pelvis')),
        seq INTEGER NOT NULL,
        n INTEGER NOT NULL,
        t0_s REAL NOT NULL,
        t1_s REAL NOT NULL,
        t_s BLOB NOT NULL,                  -- float64 little-endian, n values
        accel_g BLOB NOT NULL,              -- float32 little-endian, n x 3
        gyro_dps BLOB,                      -- float32 little-endian, n x 3, or NULL
        PRIMARY KEY (session_id, stream, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE gaps (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        origin TEXT NOT NULL                -- 'source' (the reader or the sensor) or 'analysis'
    ) STRICT;
    CREATE INDEX gaps_session ON gaps(session_id);
    CREATE TABLE sets (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        set_index INTEGER NOT NULL,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        rep_count INTEGER NOT NULL,
        rest_before_s REAL,
        PRIMARY KEY (session_id, set_index)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE reps (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        rep_index INTEGER NOT NULL,
        set_index INTEGER NOT NULL,
        start_s REAL NOT NULL,
        peak_s REAL NOT NULL,
        end_s REAL NOT NULL,
        rom_deg REAL NOT NULL,
        lift_s REAL NOT NULL,
        hold_s REAL NOT NULL,
        lower_s REAL NOT NULL,
        peak_speed_dps REAL NOT NULL,
        sparc REAL,
        velocity_peaks INTEGER NOT NULL,
        shake_g REAL NOT NULL,
        pelvis_tilt_deg REAL,
        pelvis_lateral_deg REAL,
        axis_x REAL NOT NULL,
        axis_y REAL NOT NULL,
        axis_z REAL NOT NULL,
        PRIMARY KEY (session_id, rep_index)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE flags (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        rep_index INTEGER NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        cue TEXT NOT NULL,
        value REAL NOT NULL,
        threshold REAL NOT NULL,
        unit TEXT NOT NULL,
        inferred INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX flags_session ON flags(session_id, rep_index);
    CREATE TABLE calibrations (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('device', 'mounting', 'range')),
        device_id INTEGER REFERENCES devices(id),
        person_id INTEGER REFERENCES people(id),
        exercise TEXT,
        placement TEXT,
        data TEXT NOT NULL,                 -- JSON, the calibration's values
        quality TEXT NOT NULL,              -- one line: residual, spread ...
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX calibrations_lookup ON calibrations(kind, person_id, device_id, exercise, created_at);
    CREATE TABLE prescriptions (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id),
        exercise TEXT NOT NULL,
        sets INTEGER NOT NULL,
        reps_min INTEGER NOT NULL,
        reps_max INTEGER NOT NULL,
        hold_s REAL,
        rest_min_s REAL NOT NULL,
        rest_max_s REAL NOT NULL,
        days_per_week INTEGER NOT NULL,
        load_kg REAL NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX prescriptions_lookup ON prescriptions(person_id, exercise, created_at);
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id),
        session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
        therapist_id INTEGER REFERENCES therapists(id),
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id),
        session_id INTEGER REFERENCES sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('pain', 'rpe')),
        value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 10),
        note TEXT,
        created_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX entries_person ON entries(person_id, created_at);
    """,
    # 2: a pelvis sensor's own rate and gyro (it may differ from the main sensor's)
    """
    ALTER TABLE sessions ADD COLUMN pelvis_sample_rate_hz REAL;
    ALTER TABLE sessions ADD COLUMN pelvis_has_gyro INTEGER;
    """,
    # 3: when the therapist last saw to a person's attention mark (pain before it is handled)
    """
    ALTER TABLE people ADD COLUMN attention_cleared_at TEXT;
    """,
    # 4: every session's open set has its row
    _store_open_sets,
    # 5: names matched by their key
    _name_keys,
    # 6: dashboard accounts (issue 10): a therapist account sees the people on its therapist's
    #    list, a patient account its own person only; passwords as Werkzeug hashes, never in clear
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('therapist', 'patient')),
        password_hash TEXT NOT NULL,
        therapist_id INTEGER REFERENCES therapists(id) ON DELETE CASCADE,
        person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        CHECK ((role = 'therapist') = (therapist_id IS NOT NULL) AND (role = 'patient') = (person_id IS NOT NULL))
    ) STRICT;
    CREATE INDEX notes_session ON notes(session_id);
    CREATE INDEX entries_session ON entries(session_id);
    """,
    # 7: a recording session's reps shown but not yet sure (the engine's tentative reps: a set's
    #    first reps before the second confirms them) and those taken back, for the live page
    """
    ALTER TABLE sessions ADD COLUMN tentative_reps INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN taken_back_reps INTEGER NOT NULL DEFAULT 0;
    """,
    # 8: a rep's tremor (its angular velocity about its moving average; jerky with a gyro). Reps
    #    stored before have none measured: 0, until the session is analysed again
    """
    ALTER TABLE reps ADD COLUMN tremor_dps REAL NOT NULL DEFAULT 0;
    """,
    # 9: how a rep was found (Rep.source): an excursion of its own, or a cycle of a fast set's
    #    rhythm read without a gyro, whose range is estimated. Reps stored before were excursions
    """
    ALTER TABLE reps ADD COLUMN source TEXT NOT NULL DEFAULT 'excursion' CHECK (source IN ('excursion', 'rhythm'));
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)
