"""A fast set's first rep shows the moment it ends where no one walks (issue 11: a rep counts
the moment it ends).

A quick rep with no pause after it waits: it may be a stride of a walk, and a walk's first stride
from standing still looks like a fast set's first rep. So a fast set's first rep showed only once
enough quick reps had come for a set, 1-2 s after it ended (real behaviours seed 2026: 10 of 61
fast sets seen with a gyro showed their first rep within 300 ms). Lying down at the rest of a
set counted there, no walk can be what moves: the first quick rep shows at once, not yet sure.
Standing in a hip abduction (or with a shank seated) it shows at once moving the way the set counted
there moved: a walk's stride swings the leg across that plane (stop 52). Standing in the sagittal
plane, a walk's own, and before any set is counted, it waits as before.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.hand_signals import min_jerk, sensor_from_angles
from tracker.core.recording import Placement
from tracker.pipeline import DetectorConfig, RejectedMovement, RepCompleted, RepTentative, SessionSetup
from tracker.pipeline.types import Event

RATE_HZ = 50.0
#: the target: a rep shows within this of its end, sensor time (issue 11)
SHOWN_WITHIN_S = 0.3


def _seg(a: float, b: float, s: float) -> np.ndarray:
    return a + (b - a) * min_jerk(int(round(s * RATE_HZ)))


def _still(s: float) -> np.ndarray:
    return np.zeros(int(round(s * RATE_HZ)))


def _slow_reps(n: int, rom_deg: float = 25.0) -> np.ndarray:
    return np.concatenate([np.concatenate([_seg(0, rom_deg, 1.2), np.full(int(RATE_HZ), rom_deg), _seg(rom_deg, 0, 1.2), _still(1.5)])
                           for _ in range(n)])


def _fast_reps(n: int, rom_deg: float = 25.0, rep_s: float = 0.9, gap_s: float = 0.1, seed: int = 3) -> tuple[np.ndarray, list[float]]:
    """``n`` quick reps back to back and each one's end (s from the first sample)."""
    rng = np.random.default_rng(seed)
    parts, ends, at = [], [], 0
    for _ in range(n):
        r, s = rom_deg * rng.uniform(0.9, 1.1), rep_s * rng.uniform(0.9, 1.1)
        piece = np.concatenate([_seg(0, r, 0.5 * s), _seg(r, 0, 0.5 * s)])
        at += piece.size
        ends.append(at / RATE_HZ)
        parts += [piece, _still(gap_s)]
        at += int(round(gap_s * RATE_HZ))
    return np.concatenate(parts), ends


def _stamped(angles: np.ndarray, exercise: str, chunk: int, *, across: np.ndarray | None = None,
             detector: DetectorConfig | None = None) -> list[tuple[float, Event]]:
    """Each event with the time of the last sample fed when it came out (a gyro, a thigh sensor):
    ``angles`` about one axis, then ``across`` (if any) about another, from the same rest."""
    t, acc, gyr = sensor_from_angles(angles, rate_hz=RATE_HZ, noise_g=0.002)
    if across is not None:
        t2, acc2, gyr2 = sensor_from_angles(across, rate_hz=RATE_HZ, axis=(0.0, 1.0, 0.0), noise_g=0.002, seed=1,
                                            t0_s=float(t[-1]) + 1.0 / RATE_HZ)
        t, acc, gyr = np.concatenate([t, t2]), np.concatenate([acc, acc2]), np.concatenate([gyr, gyr2])
    setup = SessionSetup.resolve(exercise, Placement.THIGH)
    m = setup.prepare(acc, gyr)
    pipe = setup.pipeline(sample_rate_hz=RATE_HZ, has_gyro=True, detector=detector or DetectorConfig())
    out: list[tuple[float, Event]] = []
    for a in range(0, t.size, chunk):
        out += [(float(t[min(a + chunk, t.size) - 1]), e) for e in pipe.feed(t[a:a + chunk], m.accel_g[a:a + chunk], m.gyro_dps[a:a + chunk])]
    return out + [(float(t[-1]), e) for e in pipe.finish()]


def _session(first: np.ndarray) -> tuple[np.ndarray, float]:
    """``first`` (what comes before), 20 s at rest, a fast set of 10; and the end of the fast set's first rep (s)."""
    fast, ends = _fast_reps(10)
    before = np.concatenate([_still(3.0), first, _still(20.0)])
    return np.concatenate([before, fast, _still(4.0)]), before.size / RATE_HZ + ends[0]


def _first_shown_after_s(stamped: list[tuple[float, Event]], rep_end_s: float) -> float:
    """How long after ``rep_end_s`` the rep ending there first came out (shown or counted)."""
    times = [t for t, e in stamped
             if (isinstance(e, RepTentative) and abs(e.end_s - rep_end_s) < 0.3)
             or (isinstance(e, RepCompleted) and abs(e.rep.end_s - rep_end_s) < 0.3)]
    assert times, "the fast set's first rep never came out"
    return min(times) - rep_end_s


@pytest.mark.parametrize("chunk", [1, 7, 100_000])
@pytest.mark.parametrize("exercise", ["prone-leg-lift", "standing-hip-abduction"])
def test_a_fast_sets_first_rep_shows_as_it_ends_at_the_rest_of_a_set_counted(exercise: str, chunk: int) -> None:
    # lying down no one walks; standing in a hip abduction a walk's first stride swings the leg across
    # the plane of the set counted at that rest, and a quick rep moving that set's way shows at once
    # (it waited 1.2-2.2 s until stop 52)
    angles, first_end_s = _session(_slow_reps(4))
    stamped = _stamped(angles, exercise, chunk)
    counted = [e.rep for _, e in stamped if isinstance(e, RepCompleted)]
    assert [r.set_index for r in counted] == [1] * 4 + [2] * 10
    assert not [e for _, e in stamped if isinstance(e, RejectedMovement) and e.tentative]
    if chunk == 1:  # (a chunk's last sample is when its events come out: only sample by sample is that the sensor's time)
        assert _first_shown_after_s(stamped, first_end_s) <= SHOWN_WITHIN_S
    # the same events for any chunking
    assert [e for _, e in stamped] == [e for _, e in _stamped(angles, exercise, 1)]


def test_a_fast_sets_first_rep_standing_in_the_sagittal_plane_waits_for_the_set() -> None:
    # hip flexion: a walk's first stride swings the thigh the set's way, in its plane: it waits, as before
    angles, first_end_s = _session(_slow_reps(4))
    stamped = _stamped(angles, "standing-hip-flexion", 1)
    assert sum(isinstance(e, RepCompleted) for _, e in stamped) == 14
    assert _first_shown_after_s(stamped, first_end_s) > 2 * SHOWN_WITHIN_S


def _stride_s(forward_deg: float = 25.0, back_deg: float = 12.0) -> np.ndarray:
    """One quick stride: the thigh forward, back behind the rest, and to rest again."""
    return np.concatenate([_seg(0, forward_deg, 0.45), _seg(forward_deg, -back_deg, 0.55), _seg(-back_deg, 0, 0.35)])


def test_a_walks_stride_across_a_standing_hip_abductions_plane_is_not_shown() -> None:
    # at the rest of a hip abduction set, a stride about another axis (a walk's, across the set's
    # plane), as far as the set went and as quick as a fast rep: not shown as a set's first rep --
    # and it is the way that holds it back (the rule with any way shows it)
    before = np.concatenate([_still(3.0), _slow_reps(4), _still(20.0)])
    walk = np.concatenate([_stride_s() for _ in range(4)] + [_still(4.0)])
    walk_from_s = before.size / RATE_HZ
    shown = [e for _, e in _stamped(before, "standing-hip-abduction", 1, across=walk)
             if isinstance(e, RepTentative) and e.end_s > walk_from_s]
    assert not shown
    any_way = DetectorConfig(quick_first_rep_min_cos=-1.0)
    assert [e for _, e in _stamped(before, "standing-hip-abduction", 1, across=walk, detector=any_way)
            if isinstance(e, RepTentative) and e.end_s > walk_from_s]


def test_a_sessions_first_set_fast_lying_down_waits_for_the_set() -> None:
    # lying down, but no set counted yet: the person may still be walking to the mat
    fast, ends = _fast_reps(10)
    angles = np.concatenate([_still(3.0), fast, _still(4.0)])
    stamped = _stamped(angles, "prone-leg-lift", 1)
    assert sum(isinstance(e, RepCompleted) for _, e in stamped) == 10
    assert _first_shown_after_s(stamped, 3.0 + ends[0]) > 2 * SHOWN_WITHIN_S


def test_a_small_jerk_before_a_lying_fast_set_is_not_shown_and_still_leads_its_first_rep_in() -> None:
    # review helper-65: a 6 deg jerk from rest (0.9 s) just before a fast set of 4, shown as a set's
    # first rep, was no longer the lead-in of the set's first rep (one shown is no lead-in: a lift
    # split in two would show twice), and the set needed 5 quick reps, not 3: it counted none. Only a
    # quick rep as far as the set counted there went shows at once
    jerk = np.concatenate([_seg(0, 6.0, 0.45), _seg(6.0, 0, 0.45)])
    fast, ends = _fast_reps(4)
    before = np.concatenate([_still(3.0), _slow_reps(4), _still(20.0), jerk])
    angles = np.concatenate([before, fast, _still(5.0)])
    stamped = _stamped(angles, "prone-leg-lift", 1)
    counted = [e.rep for _, e in stamped if isinstance(e, RepCompleted)]
    assert [r.set_index for r in counted] == [1] * 4 + [2] * 4
    assert not [e for _, e in stamped if isinstance(e, RejectedMovement) and e.tentative]
    assert _first_shown_after_s(stamped, before.size / RATE_HZ + ends[0]) <= SHOWN_WITHIN_S


def test_a_jerk_into_a_fast_set_standing_is_not_shown_and_still_leads_its_first_rep_in() -> None:
    # review helper-67: after a set of 25 deg, a 9 deg jerk from rest straight into a fast set of 4
    # at 33 deg, shown as a set's first rep (it moved the set's way, a third of its range), was no
    # longer the lead-in of the fast set's first rep, and the set counted none. Shown only from 0.9
    # of the counted range (no rep within ``confirm_rom_ratio`` of it takes that for its lead-in)
    jerk = np.concatenate([_seg(0, 9.0, 0.45), _seg(9.0, 0, 0.45)])
    fast, ends = _fast_reps(4, rom_deg=33.0)
    before = np.concatenate([_still(3.0), _slow_reps(4), _still(20.0), jerk])
    stamped = _stamped(np.concatenate([before, fast, _still(5.0)]), "standing-hip-abduction", 1)
    counted = [e.rep for _, e in stamped if isinstance(e, RepCompleted)]
    assert [r.set_index for r in counted] == [1] * 4 + [2] * 4
    assert not [e for _, e in stamped if isinstance(e, RejectedMovement) and e.tentative]
    assert _first_shown_after_s(stamped, before.size / RATE_HZ + ends[0]) <= SHOWN_WITHIN_S
