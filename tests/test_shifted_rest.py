"""Before the session's first rep, a still posture a few degrees from the rest, held a while and
left further up, is the start posture having shifted (getting into position), not the hold of a
small lift (``REST_SHIFTED``). A pause as short as a rep's own, or one after the first rep, is a
pause part of the way up as before."""

from __future__ import annotations

import numpy as np
import pytest

from tests.hand_signals import min_jerk, sensor_from_angles
from tracker.core.exercises import get_exercise
from tracker.core.recording import Placement, Recording
from tracker.pipeline import analyze_recording

RATE_HZ = 100.0
SHIFT_REASON = "a small shift of the start posture"


def _seg(a: float, b: float, s: float) -> np.ndarray:
    return a + (b - a) * min_jerk(int(s * RATE_HZ))


def _reps(n: int, base_deg: float, rep_deg: float) -> list[np.ndarray]:
    parts: list[np.ndarray] = []
    for _ in range(n):
        parts += [_seg(base_deg, base_deg + rep_deg, 1.0), np.full(int(0.5 * RATE_HZ), base_deg + rep_deg),
                  _seg(base_deg + rep_deg, base_deg, 1.0), np.full(int(1.5 * RATE_HZ), base_deg)]
    return parts


def _analyze(ang: np.ndarray):  # type: ignore[no-untyped-def]
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    return analyze_recording(Recording(t, acc, gyr), get_exercise("standing-hip-flexion"), placement=Placement.THIGH)


@pytest.mark.parametrize("shift_deg", [4.0, 5.5])
def test_a_shift_held_before_the_first_rep_is_the_start_posture(shift_deg: float) -> None:
    ang = np.concatenate([np.zeros(int(3 * RATE_HZ)), _seg(0.0, shift_deg, 0.5), np.full(int(3 * RATE_HZ), shift_deg),
                          *_reps(8, shift_deg, 30.0), np.full(int(3 * RATE_HZ), shift_deg)])
    res = _analyze(ang)
    assert res.rep_count == 8
    # the first rep starts where it leaves the shifted posture (6.5 s), not at the shift (3 s):
    # its range is its own (it measured 34 deg with the shift in it) and so is its 0.5 s hold
    # (it measured 0.03 s: the top of the lift from the "hold" was taken for a passing peak)
    first = res.reps[0]
    assert first.start_s > 6.0
    assert all(abs(r.rom_deg - 30.0) < 3.0 for r in res.reps)
    assert first.hold_s > 0.3
    shifts = [r for r in res.rejected if r.reason == SHIFT_REASON]
    assert len(shifts) == 1 and shifts[0].start_s < 4.0


def _paused_rep(pause_deg: float, pause_s: float) -> list[np.ndarray]:
    """A 30 deg rep from rest that pauses ``pause_s`` at ``pause_deg`` on its way up."""
    return [_seg(0.0, pause_deg, 0.5), np.full(int(pause_s * RATE_HZ), pause_deg), _seg(pause_deg, 30.0, 1.0),
            np.full(int(0.5 * RATE_HZ), 30.0), _seg(30.0, 0.0, 1.5), np.full(int(1.5 * RATE_HZ), 0.0)]


@pytest.mark.parametrize(("reps_before", "pause_deg", "pause_s"), [
    (0, 4.0, 1.0),  # the first rep pauses 1 s at 4 deg: shorter than a shift is held
    (3, 4.0, 3.0),  # once a rep was counted, a 3 s pause at 4 deg is a pause part of the way up
    (0, 10.0, 3.0),  # past twice the entry level (20 deg from the pause, were it taken for a shift)
])
def test_a_pause_on_the_way_up_that_is_no_shift(reps_before: int, pause_deg: float, pause_s: float) -> None:
    ang = np.concatenate([np.zeros(int(3 * RATE_HZ)), *_reps(reps_before, 0.0, 30.0), *_paused_rep(pause_deg, pause_s),
                          *_reps(7 - reps_before, 0.0, 30.0), np.zeros(int(3 * RATE_HZ))])
    res = _analyze(ang)
    assert res.rep_count == 8
    assert not [r for r in res.rejected if r.reason == SHIFT_REASON]
    assert abs(res.reps[reps_before].rom_deg - 30.0) < 3.0  # the paused rep measured from the rest
