"""Persistence adapter: the SQLite store (the only package that imports sqlite3)."""

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
from tracker.store.repository import NotFoundError, OpenMode, Store, StoreError, StoredSamples, default_store_path, demo_store_path

__all__ = [
    "CalibrationKind", "CalibrationRecord", "Entry", "EntryKind", "NewSession", "Note", "NotFoundError", "OpenMode", "Person", "PersonRecords",
    "Prescription", "SessionInfo", "SessionRecords", "SessionStatus", "Store", "StoreError", "StoredSamples", "Stream", "UserRecord", "default_store_path", "demo_store_path",
]
