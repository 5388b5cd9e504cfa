"""Session use cases: plan and record a session from any sample source, list, show,
re-analyse, export and delete stored sessions.

Each takes plain values and a :class:`~tracker.store.Store` and returns frozen values; none
prints or parses command lines, so the CLI, the live capture and the dashboard share them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from tracker.app.calibrations import SessionCalibration, calibrated_identity, calibration_for_session, device_correction, device_name
from tracker.app.limits import REPLAY_SPEED
from tracker.app.recorder import SessionPlan
from tracker.app.session_data import (
    Reanalysis,
    reanalyze,
    reps_csv,
    session_json,
    stored_recordings,
    stored_result,
)
from tracker.core.exercises import HOLD, Exercise, declared_exercise_warning
from tracker.core.recording import SAMPLE_RATE, Placement, Recording
from tracker.errors import ConfigurationError, InvalidValueError, NotFoundError
from tracker.files.csv_recording import read_recording, write_recording
from tracker.pipeline import AnalysisResult, Personalisation, SessionSetup
from tracker.sensors import ReplaySource, SourceInfo
from tracker.store import CalibrationRecord, Entry, Note, Prescription, SessionInfo, SessionRecords, SessionStatus, Store

#: an ankle weight is at most this, kg (anything above is a typo: a pound value, an extra digit)
MAX_LOAD_KG = 100.0


# ---------------------------------------------------------------------- finding a session
def find_session(store: Store, session_id: int | None, *, person: str | None = None) -> SessionInfo:
    """The session ``session_id``, or (``None``) the latest one (of ``person`` when given).

    With ``person``, the session must be theirs: another person's session is refused.

    Raises
    ------
    ConfigurationError
        No session yet, or the session is someone else's.
    NotFoundError
        No session with that id.
    """
    if session_id is None:
        sessions = store.sessions(person=person)  # oldest first
        if not sessions:
            raise ConfigurationError(f"no sessions{f' for {person}' if person else ''} in {store.path} yet")
        return sessions[-1]
    if not 0 < session_id < 2**63:
        raise NotFoundError(f"no session {session_id} in {store.path}")
    info = store.session(session_id)  # says so when there is no such session
    if person is not None:
        who = store.person(person)  # matched by name key: "zoe" is Zoe
        if info.person_id != who.id:
            raise ConfigurationError(f"session {session_id} is {info.person}'s, not {who.name}'s")
    return info


# ---------------------------------------------------------------------- recording
@dataclass(frozen=True)
class SessionRequest:
    """What a person asks for when a session starts. ``None``: from their prescription."""

    person: str
    exercise: Exercise
    placement: Placement = Placement.AUTO
    hold_s: float | None = None
    load_kg: float | None = None
    started_at: datetime | None = None  # a recording made earlier (import); None: now
    #: the sensor the person named: its device calibration must exist (None: the source's own
    #: name, whose calibration is used when there is one)
    device: str | None = None


@dataclass(frozen=True)
class PlannedSession:
    plan: SessionPlan
    calibration: SessionCalibration
    warnings: tuple[str, ...] = ()  # what the source says that disagrees with the request


def plan_session(store: Store, source: SourceInfo, request: SessionRequest) -> PlannedSession:
    """Decide how a session from ``source`` is recorded: the setup (exercise, placement, pelvis
    sensor, personalisation, device calibration), the hold and weight from the person's
    prescription unless given, and the calibrations to use. Creates the person when new.
    """
    if request.load_kg is not None and not 0 <= request.load_kg < MAX_LOAD_KG:
        raise InvalidValueError("load_kg", f"is an ankle weight in kg (0-{MAX_LOAD_KG:g}), not {request.load_kg}")
    if request.hold_s is not None:
        HOLD.check(request.hold_s)
    # the exercise, the placement, the pelvis rule and the named sensor, before anything is written
    setup = SessionSetup.resolve(request.exercise, request.placement, declared=source.placement, with_pelvis=source.has_pelvis)
    device = source.device_name
    if request.device is not None:
        device_correction(store, request.device)  # refuses an empty name or an uncalibrated sensor
        device = device_name(request.device)
    else:
        device = calibrated_identity(store, (source.device_name, *source.aliases))
    person = store.ensure_person(request.person).name  # as the store knows them ("zoe" is Zoe)
    presc = store.current_prescription(person, setup.exercise)
    hold_s = request.hold_s if request.hold_s is not None else (presc.hold_s if presc else None)
    load_kg = request.load_kg if request.load_kg is not None else (presc.load_kg if presc else None)
    cal = calibration_for_session(store, device=device, person=person, exercise=setup.exercise, placement=setup.placement)
    setup = replace(
        setup,
        personal=Personalisation(target_rom_deg=cal.target_rom_deg, pelvic_baseline_deg=cal.pelvic_baseline_deg, hold_s=hold_s,
                                 sparc_baseline=cal.sparc_baseline),
        accel_correction=None if cal.device is None else cal.device.correction,
        calibration_ids=cal.ids,
    )
    started = None if request.started_at is None else request.started_at.astimezone(UTC).isoformat(timespec="milliseconds")
    mismatch = declared_exercise_warning(source.meta.get("exercise"), request.exercise)
    return PlannedSession(SessionPlan(person, setup, load_kg=load_kg, started_at=started, mounting=cal.mounting), cal,
                          warnings=() if mismatch is None else (mismatch,))


def check_replay_speed(speed: float) -> None:
    """A replay speed is within :data:`REPLAY_SPEED` times real time, or ``inf`` (as fast as possible)."""
    if speed != math.inf and not REPLAY_SPEED.contains(speed):
        raise InvalidValueError("speed", f"{REPLAY_SPEED.refusal(speed)} (or 'max': as fast as possible)")


@dataclass(frozen=True)
class ReplayFiles:
    """A recording (and an optional pelvis recording) opened as a live source."""

    source: ReplaySource
    warnings: tuple[str, ...]  # what was wrong with the files but usable


def open_replay(path: Path, *, pelvis: Path | None = None, rate_hz: float | None = None, speed: float = 1.0,
                device: str | None = None) -> ReplayFiles:
    """Recording files as a source replayed ``speed`` times faster than real time (``inf``: at once)."""
    check_replay_speed(speed)
    if rate_hz is not None:
        SAMPLE_RATE.check(rate_hz)
    read = read_recording(path, rate_hz=rate_hz)
    warnings = list(read.warnings)
    pelvis_rec = None
    if pelvis is not None:
        pread = read_recording(pelvis, rate_hz=rate_hz)
        warnings += [f"pelvis: {w}" for w in pread.warnings]
        pelvis_rec = pread.recording
    source = ReplaySource(read.recording, pelvis=pelvis_rec, speed=speed, name=(device or "").strip() or f"replay:{Path(path).name}")
    return ReplayFiles(source, tuple(warnings))


def list_sessions(store: Store, *, person: str | None = None) -> list[SessionInfo]:
    """Stored sessions, oldest first (of one person when given)."""
    return store.sessions(person=person)


# ---------------------------------------------------------------------- the report of a session
@dataclass(frozen=True)
class PrescriptionCheck:
    """A session against the prescription in force when it was recorded."""

    prescription: Prescription
    set_reps: tuple[int, ...]  # reps per set done
    rests_s: tuple[float, ...]  # rest before each set after the first
    rests_outside: int  # rests outside the prescribed range
    load_kg: float | None  # the weight used, when it differs from the prescription's


@dataclass(frozen=True)
class SessionReport:
    info: SessionInfo
    result: AnalysisResult
    notes: tuple[Note, ...]
    entries: tuple[Entry, ...]  # pain and effort recorded for the session
    prescription: PrescriptionCheck | None
    calibrations: tuple[CalibrationRecord, ...]  # used by the session


def prescription_in_force(store: Store, info: SessionInfo) -> Prescription | None:
    """The person's prescription for the session's exercise when the session was recorded."""
    in_force = [p for p in store.prescription_history(info.person, info.exercise) if p.created_at <= info.started_at]
    return in_force[-1] if in_force else None


def show_session(store: Store, session_id: int | None) -> SessionReport:
    """A stored session's results, notes, pain and effort, the prescription it is held against
    and the calibrations it used (``None``: the latest session)."""
    info = find_session(store, session_id)
    sid = info.id
    result = stored_result(store, sid)
    presc = prescription_in_force(store, info)
    check = None
    if presc is not None:
        rests = tuple(x.rest_before_s for x in result.sets if x.rest_before_s is not None)
        check = PrescriptionCheck(
            presc, tuple(x.rep_count for x in result.sets), rests,
            sum(1 for r in rests if not presc.rest_min_s <= r <= presc.rest_max_s),
            None if info.load_kg is None or info.load_kg == presc.load_kg else info.load_kg,
        )
    return SessionReport(
        info=info, result=result, notes=tuple(store.notes(info.person, session_id=sid)),
        entries=tuple(e for e in store.entries(info.person) if e.session_id == sid), prescription=check,
        calibrations=tuple(store.calibration(c) for c in info.setup.calibration_ids),
    )


# ---------------------------------------------------------------------- re-analysis and export
def reanalyse_session(store: Store, session_id: int | None, *, write: bool = True) -> Reanalysis:
    """Run the analysis again from a session's raw samples; store the new results unless ``write`` is false."""
    info = find_session(store, session_id)
    if info.status is SessionStatus.RECORDING:
        raise ConfigurationError(f"session {info.id} is still recording: reanalyse it once it has ended")
    return reanalyze(store, info.id, write=write)


def export_session(store: Store, session_id: int | None, out_dir: Path) -> tuple[Path, ...]:
    """Write a session's raw samples (CSV, as recorded), its reps (CSV) and the whole session (JSON)
    into ``out_dir``; returns the files written."""
    info = find_session(store, session_id)
    sid = info.id
    main, pelvis = stored_recordings(store, sid)
    doc = session_json(store, sid)
    table = reps_csv(store, sid)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"session-{sid}"
    written: list[Path] = []
    recordings: list[tuple[str, Recording | None]] = [("samples", main if len(main) else None), ("pelvis", pelvis)]
    for suffix, rec in recordings:
        if rec is not None:
            path = Path(f"{stem}.{suffix}.csv")
            write_recording(path, rec)
            written.append(path)
    reps_path, json_path = Path(f"{stem}.reps.csv"), Path(f"{stem}.json")
    reps_path.write_text(table)
    json_path.write_text(json.dumps(doc, indent=1))
    return (*written, reps_path, json_path)


# ---------------------------------------------------------------------- deletion
def session_footprint(store: Store, session_id: int | None) -> SessionRecords:
    """What the store holds of a session (``None``: the latest; what :func:`delete_session`
    would remove): to say so before asking."""
    return store.session_records(find_session(store, session_id).id)


def delete_session(store: Store, session_id: int) -> SessionRecords:
    """Remove a session (a test session, a false start): its raw samples, results, and the
    notes and pain and effort entered for it; returns what was removed.

    Raises
    ------
    ConfigurationError
        The session is still recording.
    NotFoundError
        No such session.
    """
    info = find_session(store, session_id)
    if info.status is SessionStatus.RECORDING:
        raise ConfigurationError(f"session {info.id} is still recording: end it before deleting it")
    return store.delete_session(info.id)
