"""The display trace of a segment's angle (tracker/pipeline/trace.py), on hand-made tilts."""

from __future__ import annotations

import numpy as np

from tracker.pipeline.trace import segment_angle_deg

RATE_HZ = 50.0


def tilted(angle_deg: np.ndarray) -> np.ndarray:
    """Gravity in the frame of a segment tilted by ``angle_deg`` about x (no noise)."""
    a = np.radians(angle_deg)
    return np.column_stack([np.zeros_like(a), np.sin(a), np.cos(a)])


def test_each_rep_rises_from_zero_to_its_range_and_a_shift_between_reps_is_a_slope() -> None:
    t = np.arange(int(30 * RATE_HZ)) / RATE_HZ
    angle = np.zeros_like(t)
    angle[(t >= 2) & (t < 6)] = 30.0  # rep 1, from a posture of 0
    angle[t >= 6] = 5.0  # the strap settles 5 deg further: the next rep starts from there
    angle[(t >= 14) & (t < 18)] = 5.0 + 25.0  # rep 2, 25 deg from its start
    out = segment_angle_deg(t, tilted(angle), None, sample_rate_hz=RATE_HZ, rep_spans_s=[(1.9, 7.0), (13.9, 19.0)])
    assert abs(out[(t > 4) & (t < 5.5)].mean() - 30.0) < 1.0
    assert abs(out[(t > 16) & (t < 17.5)].mean() - 25.0) < 1.0
    rest = out[(t > 8) & (t < 13.8)]
    assert np.all(np.abs(np.diff(rest)) < 0.1)  # no jump: the reference moves over the rest
    assert rest[0] > 3.5 and rest[-1] < 0.6


def test_without_reps_the_median_posture_and_dropped_samples_stay_gaps() -> None:
    t = np.arange(500) / RATE_HZ
    acc = tilted(np.full(500, 10.0))
    acc[200:210] = np.nan
    out = segment_angle_deg(t, acc, None, sample_rate_hz=RATE_HZ)
    assert np.isnan(out[200:210]).all() and np.nanmax(np.abs(out[100:])) < 0.5
    assert segment_angle_deg(np.empty(0), np.empty((0, 3)), None, sample_rate_hz=RATE_HZ).shape == (0,)
