"""Stored sessions as analysis values: rebuild recordings and results, re-run the analysis,
export forms.

Helpers of the session use cases (:mod:`tracker.app.sessions`) over
:class:`~tracker.store.Store`: no SQL here, no printing.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, fields, replace
from typing import Any

from calibration.kinds import CalibrationKind
from calibration.mounting import START_POSTURE_TOL_DEG, Mounting, start_posture_offsets
from tracker.core.recording import Gap, Placement, Recording, RecordingMeta, Stream
from tracker.pipeline import AnalysisResult, Rep, SetSummary
from tracker.pipeline.results import merge_gaps
from tracker.pipeline.result_json import rep_to_json, result_to_json
from tracker.store import Store


def stored_recordings(store: Store, session_id: int) -> tuple[Recording, Recording | None]:
    """The raw samples of a session as recordings (main, pelvis), with the source's gaps."""
    info = store.session(session_id)
    main = store.samples(session_id, Stream.MAIN)
    meta = RecordingMeta(sensor=info.meta.get("sensor"), placement=info.placement,
                         exercise=info.exercise.value, sample_rate_hz=info.sample_rate_hz,
                         simulated=info.meta.get("simulated") == "true",
                         extra=tuple((k, v) for k, v in info.meta.items() if k not in ("sensor", "simulated", "exercise")))
    gaps = tuple(Gap(g.start_s, g.end_s) for g in store.gaps(session_id, origin="source"))
    rec = Recording(main.t_s, main.accel_g, main.gyro_dps, meta, gaps)
    pelvis = None
    if info.has_pelvis:
        p = store.samples(session_id, Stream.PELVIS)
        if len(p.t_s):
            pgaps = tuple(Gap(g.start_s, g.end_s) for g in store.gaps(session_id, origin="source:pelvis"))
            pelvis = Recording(p.t_s, p.accel_g, p.gyro_dps,
                               RecordingMeta(placement=Placement.PELVIS, sample_rate_hz=info.pelvis_sample_rate_hz), pgaps)
    return rec, pelvis


def analyse_stored(store: Store, session_id: int) -> AnalysisResult:
    """Run the analysis on a session's stored samples with its stored parameters."""
    info = store.session(session_id)
    rec, pelvis = stored_recordings(store, session_id)
    setup = info.setup
    if len(rec) < 2:
        return AnalysisResult(setup.exercise, setup.placement, info.sample_rate_hz, 0.0, info.has_gyro, (), ())
    if pelvis is None:
        setup = replace(setup, with_pelvis=False)  # a pelvis sensor that never sent anything
    return setup.analyse(rec, pelvis)


def stored_result(store: Store, session_id: int) -> AnalysisResult:
    """A session's results as stored (what ``show`` reports)."""
    info = store.session(session_id)
    t0, t1 = store.time_span(session_id)
    duration = t1 - t0
    gaps = merge_gaps(store.gaps(session_id, origin="analysis"),
                      store.gaps(session_id, origin="source") + store.gaps(session_id, origin="source:pelvis"))
    reps = store.reps(session_id)
    sets = store.sets(session_id)  # the open set of a session that ended without closing it included
    return AnalysisResult(
        exercise=info.exercise, placement=info.placement, sample_rate_hz=info.sample_rate_hz, duration_s=duration,
        has_gyro=info.has_gyro, reps=tuple(reps), sets=tuple(sets),
        gaps=gaps, warnings=tuple(posture_warnings(store, session_id, sets)),
    )


def posture_warnings(store: Store, session_id: int, sets: list[SetSummary]) -> list[str]:
    """Sets that began away from the calibrated start posture (when a mounting calibration was used)."""
    info = store.session(session_id)
    mounting = None
    for cid in info.setup.calibration_ids:
        c = store.calibration(cid)
        if c.kind is CalibrationKind.MOUNTING:
            mounting = Mounting.from_json(c.data)
    if mounting is None or not sets:
        return []
    main = store.samples(session_id, Stream.MAIN)
    acc = info.setup.correct(main.accel_g)
    out = []
    for s, angle in zip(sets, start_posture_offsets(main.t_s, acc, [s.start_s for s in sets], mounting.up_sensor)):
        if angle is not None and angle > START_POSTURE_TOL_DEG:
            out.append(f"set {s.set_index} began {angle:.0f}° away from the calibrated start posture: "
                       "has the strap slipped, or is the position different?")
    return out


@dataclass(frozen=True)
class Reanalysis:
    session_id: int
    identical: bool
    old_rep_count: int
    new_rep_count: int
    changed_reps: int  # reps whose metrics or flags differ (by index)


def reanalyze(store: Store, session_id: int, *, write: bool = True) -> Reanalysis:
    """Re-run the analysis from the stored samples; store the new results when asked."""
    old = stored_result(store, session_id)
    new = analyse_stored(store, session_id)
    changed = sum(1 for a, b in zip(old.reps, new.reps) if not _same(a, b)) + abs(len(old.reps) - len(new.reps))
    same_sets = [(s.set_index, s.rep_count, s.start_s, s.end_s) for s in old.sets] == [(s.set_index, s.rep_count, s.start_s, s.end_s) for s in new.sets]
    identical = changed == 0 and same_sets
    if write and not identical:
        analysis_gaps = [g for g in new.gaps if not any(abs(g.start_s - s.start_s) < 1e-9 and abs(g.end_s - s.end_s) < 1e-9
                                                       for s in store.gaps(session_id, origin="source"))]
        store.replace_results(session_id, new.reps, new.sets, analysis_gaps)
    return Reanalysis(session_id, identical, len(old.reps), len(new.reps), changed)


def _same(a: Rep, b: Rep) -> bool:
    """Exactly equal, NaN equal to NaN (a rep with no finite SPARC); what is not stored is not compared."""
    for f in fields(Rep):
        if not f.compare:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if x != y and not (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y)):
            return False
    return True


# ---------------------------------------------------------------------- export
def session_json(store: Store, session_id: int) -> dict[str, Any]:
    """The whole session: its record, results, notes and entries (raw samples are the CSV export)."""
    info = store.session(session_id)
    result = stored_result(store, session_id)
    out = info.to_json()
    out["report"] = result_to_json(result)
    out["notes"] = [{"text": n.text, "therapist": n.therapist, "created_at": n.created_at} for n in store.notes(info.person, session_id=session_id)]
    out["entries"] = [{"kind": e.kind.value, "value": e.value, "note": e.note, "created_at": e.created_at}
                      for e in store.entries(info.person) if e.session_id == session_id]
    return out


REP_COLUMNS = ("index", "set", "start_s", "peak_s", "end_s", "duration_s", "rom_deg", "source", "lift_s", "hold_s", "lower_s",
               "peak_speed_dps", "sparc", "velocity_peaks", "pelvis_tilt_deg", "pelvis_lateral_deg", "flags")


def reps_csv(store: Store, session_id: int) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(REP_COLUMNS)
    for r in store.reps(session_id):
        j = rep_to_json(r)
        w.writerow(["" if j[c] is None else (" ".join(j[c]) if c == "flags" else j[c]) for c in REP_COLUMNS])
    return buf.getvalue()

