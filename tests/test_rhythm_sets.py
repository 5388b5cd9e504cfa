"""Fast sets without a gyro, read from their rhythm in the pipeline (issue 11;
:mod:`tracker.pipeline.rhythm_sets`; the pure part: ``test_rhythm.py``).

Without a gyro a fast set came out as pieces too short or too quick to count, and a whole set
counted 0. Tested on whole sessions of a hinge's physics, for the rules around the rhythm: lying
down, after a set counted there; back to the rest it left; nothing the detector timed itself; any
chunking; the range marked as an estimate wherever it goes.
"""

from __future__ import annotations

import json
import math

import numpy as np

from dashboard.exports import ESTIMATED_RANGE_NOTE, rep_rows
from tests.hand_signals import hinge_without_gyro, min_jerk, quick_reps_deg
from tracker.app.sessions import SessionReport
from tracker.cli.render import format_report
from tracker.core.exercises import FlagKind, get_exercise
from tracker.core.recording import Placement, Recording
from tracker.pipeline import DetectorConfig, RepCompleted, SessionSetup, analyze_recording
from tracker.pipeline.live_state import LiveState
from tracker.pipeline.result_json import rep_to_json
from tracker.pipeline.types import RepSource
from tracker.terminal.live_panel import event_lines

RATE_HZ = 50.0
LYING = "prone-leg-lift"


def _seg(a: float, b: float, s: float) -> np.ndarray:
    return a + (b - a) * min_jerk(int(round(s * RATE_HZ)))


def _still(s: float, deg: float = 0.0) -> np.ndarray:
    return np.full(int(round(s * RATE_HZ)), deg)


def fast_reps(n: int, **kw: float) -> np.ndarray:
    return quick_reps_deg(n, rate_hz=RATE_HZ, **kw)[0]


def slow_reps(n: int, *, rom_deg: float = 25.0) -> np.ndarray:
    return np.concatenate([np.concatenate([_seg(0, rom_deg, 1.2), _still(1.0, rom_deg), _seg(rom_deg, 0, 1.2), _still(1.5)])
                           for _ in range(n)])


def with_own_acceleration(angles: np.ndarray, radius_m: float) -> Recording:
    t, acc = hinge_without_gyro(angles, rate_hz=RATE_HZ, radius_m=radius_m)
    return Recording(t, acc, None)


def _session(fast: np.ndarray, *, radius_m: float = 0.3, before: np.ndarray | None = None) -> Recording:
    first = slow_reps(4) if before is None else before
    return with_own_acceleration(np.concatenate([_still(3.0), first, _still(20.0), fast, _still(4.0)]), radius_m)


def test_a_fast_set_lying_down_without_a_gyro_is_counted_after_a_set_there_and_flagged_too_fast() -> None:
    reps = fast_reps(10)
    res = analyze_recording(_session(reps), get_exercise(LYING), placement=Placement.THIGH)
    assert [s.rep_count for s in res.sets] == [4, 10]
    fast = [r for r in res.reps if r.set_index == 2]
    assert all(r.source is RepSource.RHYTHM for r in fast)
    assert all(FlagKind.TOO_FAST in r.flag_kinds for r in fast)
    # its range is an estimate: no rule of measured range judges it
    assert not any(k in r.flag_kinds for r in fast for k in (FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE))
    assert all(r.source is RepSource.EXCURSION for r in res.reps if r.set_index == 1)


def test_a_fast_set_read_from_its_rhythm_does_not_depend_on_chunking() -> None:
    reps = fast_reps(9, rep_s=0.7)
    rec = _session(reps)
    setup = SessionSetup.resolve(LYING, Placement.THIGH)
    m = setup.prepare(rec.accel_g, None)
    outs = []
    for chunk in (1, 7, 64, 100_000):
        pipe = setup.pipeline(sample_rate_hz=RATE_HZ, has_gyro=False, detector=DetectorConfig())
        ev = []
        for a in range(0, rec.t_s.size, chunk):
            ev += pipe.feed(rec.t_s[a:a + chunk], m.accel_g[a:a + chunk])
        ev += pipe.finish()
        outs.append(ev)
    assert outs[0] == outs[1] == outs[2] == outs[3]
    assert sum(1 for e in outs[0] if isinstance(e, RepCompleted)) == 4 + 9


def test_a_first_fast_set_is_not_counted_without_a_set_counted_there() -> None:
    # no one walks lying down -- but before a set is counted, nothing says the person lies there
    # (a walk before lying down is as periodic): the rhythm waits for a rest a set was counted at
    reps = fast_reps(10)
    rec = with_own_acceleration(np.concatenate([_still(3.0), reps, _still(4.0)]), 0.3)
    res = analyze_recording(rec, get_exercise(LYING), placement=Placement.THIGH)
    assert res.rep_count == 0


def test_a_fast_set_standing_without_a_gyro_is_not_read_from_its_rhythm() -> None:
    # standing, a walk between sets comes back to the same rest as a set: no rhythm there
    reps = fast_reps(10)
    res = analyze_recording(_session(reps), get_exercise("standing-hip-abduction"), placement=Placement.THIGH)
    assert all(r.source is RepSource.EXCURSION for r in res.reps)
    assert [s.rep_count for s in res.sets] == [4]


def test_quick_movement_away_from_the_rest_it_left_is_no_fast_set() -> None:
    # quick reps that end 25 deg from where they began (shifting along the mat, rolling): not a
    # set of reps from one rest
    reps = fast_reps(8)
    shifted = np.concatenate([reps, _seg(0, 25.0, 0.6)])
    rec = with_own_acceleration(np.concatenate([_still(3.0), slow_reps(4), _still(20.0), shifted, _still(4.0, 25.0)]), 0.3)
    res = analyze_recording(rec, get_exercise(LYING), placement=Placement.THIGH)
    assert not any(r.source is RepSource.RHYTHM for r in res.reps)


def test_steady_reps_the_detector_times_are_not_read_again_as_a_rhythm() -> None:
    # two sets of steady reps with no hold, quick enough to run together into one burst: measured
    # by the detector, none read from the burst's rhythm
    steady = np.concatenate([np.concatenate([_seg(0, 25.0, 0.9), _seg(25.0, 0, 0.9), _still(0.4)]) for _ in range(8)])
    res = analyze_recording(_session(steady), get_exercise(LYING), placement=Placement.THIGH)
    assert not any(r.source is RepSource.RHYTHM for r in res.reps)


def test_a_rhythm_reps_range_is_marked_as_an_estimate_in_the_report_and_json() -> None:
    reps = fast_reps(10)
    res = analyze_recording(_session(reps), get_exercise(LYING), placement=Placement.THIGH)
    fast = next(r for r in res.reps if r.source is RepSource.RHYTHM)
    assert json.loads(json.dumps(rep_to_json(fast)))["source"] == "rhythm"
    report = format_report(res)
    assert f"~{fast.rom_deg:5.1f}°" in report
    assert "counted from a fast set's rhythm" in report
    assert math.isnan(fast.sparc)


def test_the_live_view_and_the_dashboards_table_mark_an_estimated_range() -> None:
    res = analyze_recording(_session(fast_reps(10)), get_exercise(LYING), placement=Placement.THIGH)
    fast = next(r for r in res.reps if r.range_estimated)
    slow = next(r for r in res.reps if not r.range_estimated)
    lines = event_lines([RepCompleted(slow), RepCompleted(fast)], LiveState())
    assert f": {slow.rom_deg:.0f}°," in lines[0]
    assert f": ~{fast.rom_deg:.0f}°," in lines[1]
    report = SessionReport(info=None, result=res, notes=(), entries=(), prescription=None, calibrations=())  # type: ignore[arg-type]
    rows = {row["rep"]: row for row in rep_rows(report)}
    assert str(rows[fast.index]["cues"]).startswith(ESTIMATED_RANGE_NOTE)
    assert ESTIMATED_RANGE_NOTE not in str(rows[slow.index]["cues"])
