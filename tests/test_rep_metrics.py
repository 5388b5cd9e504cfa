"""Rep metrics as a pure function of a rep's samples, and the state machine's tie-breaking.

A hand-made minimum-jerk rep (lift, hold, lowering; analytic truth) goes through
:func:`measure_rep` with no detector around it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tracker.pipeline.config import DetectorConfig
from tracker.pipeline.detector import Transition, _first_transition
from tracker.pipeline.rep_metrics import measure_rep, rep_range

FS = 100.0


def _min_jerk(tau: np.ndarray) -> np.ndarray:
    return 10 * tau**3 - 15 * tau**4 + 6 * tau**5


def _rep(lift_s: float, hold_s: float, lower_s: float, rom_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Angle (deg) over time of a rep about the sensor's x axis, with 1 s of rest before and after."""
    parts = [
        np.zeros(int(FS)),
        rom_deg * _min_jerk(np.arange(int(lift_s * FS)) / (lift_s * FS)),
        np.full(int(hold_s * FS), rom_deg),
        rom_deg * (1 - _min_jerk(np.arange(int(lower_s * FS)) / (lower_s * FS))),
        np.zeros(int(FS)),
    ]
    angle = np.concatenate(parts)
    t = np.arange(angle.size) / FS
    rad = np.radians(angle)
    up = np.column_stack([np.zeros_like(rad), np.sin(rad), np.cos(rad)])
    speed = np.abs(np.gradient(angle, t))
    return t, up, speed


def test_a_minimum_jerk_rep_measures_its_own_range_phases_and_hold() -> None:
    t, up, speed = _rep(2.0, 3.0, 2.0, 60.0)
    k_peak = int(FS) + int(2.0 * FS) + int(1.5 * FS)
    m = measure_rep(t_s=t, up=up, speed_dps=speed, shake_g=np.zeros(t.size), ref_up=np.array([0.0, 0.0, 1.0]),
                    pre_theta_deg=np.zeros(5), k_peak=k_peak, plane_axis_sum=np.zeros(3), sample_rate_hz=FS,
                    config=DetectorConfig())
    assert m.rom_deg == pytest.approx(60.0, abs=1e-9)
    assert m.lift_s == pytest.approx(2.0, abs=0.1)
    assert m.lower_s == pytest.approx(2.0, abs=0.1)
    assert m.hold_s == pytest.approx(3.0, abs=0.3)
    assert m.velocity_peaks == 1
    assert abs(m.axis[0]) == pytest.approx(1.0, abs=1e-9)  # about the x axis
    assert m.direction == pytest.approx(np.array([0.0, 1.0, 0.0]), abs=1e-9)
    assert m.lateral_deg == pytest.approx(0.0, abs=1e-6)  # in its own plane
    assert m.shake_g == 0.0


def test_a_rep_past_a_right_angle_goes_the_way_it_went_up() -> None:
    """Issue 11: a 110 deg leg raise seen by an accelerometer bent by the leg's acceleration peaks
    near 175 deg, where the up direction's offset from the rest's opposite is a few hundredths of its
    length and points anywhere: read at the peak, the rep's direction said "another way" and the
    set's next rep broke the run (a rep taken back). Read where it crossed 90 deg on the way up."""
    t, up, speed = _rep(2.0, 0.5, 2.0, 175.0)
    k_peak = int(FS) + int(2.0 * FS) + int(0.25 * FS)
    # the top bent sideways (about the y axis), as a jolt of acceleration bends the gravity estimate
    up = up.copy()
    top = slice(k_peak - 10, k_peak + 10)
    tilt = np.radians(12.0)
    x, z = up[top, 0].copy(), up[top, 2].copy()
    up[top, 0], up[top, 2] = x * np.cos(tilt) + z * np.sin(tilt), -x * np.sin(tilt) + z * np.cos(tilt)
    m = measure_rep(t_s=t, up=up, speed_dps=speed, shake_g=np.zeros(t.size), ref_up=np.array([0.0, 0.0, 1.0]),
                    pre_theta_deg=np.zeros(5), k_peak=k_peak, plane_axis_sum=np.zeros(3), sample_rate_hz=FS,
                    config=DetectorConfig())
    assert m.rom_deg > 160.0
    assert float(m.direction @ np.array([0.0, 1.0, 0.0])) > 0.99
    assert abs(m.axis[0]) > 0.99


def test_the_range_is_measured_from_the_rest_before_the_onset() -> None:
    theta = np.array([2.0, 10.0, 30.0, 12.0])
    assert rep_range(theta, np.array([1.5, 1.0, 2.0]), 2) == (1.0, 29.0)


def test_the_earliest_transition_wins_and_ties_go_by_priority() -> None:
    prio = (Transition.RETURNED, Transition.SETTLED, Transition.NEXT_LIFT, Transition.TOO_LONG)
    none = np.empty(0, dtype=np.int64)
    hits = {Transition.RETURNED: np.array([7]), Transition.SETTLED: np.array([5, 9]), Transition.NEXT_LIFT: np.array([5]),
            Transition.TOO_LONG: none}
    assert _first_transition(prio, hits) == (5, Transition.SETTLED)
    assert _first_transition(prio, {k: none for k in prio}) is None
