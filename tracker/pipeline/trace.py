"""The angle of a segment over time, for display (pure).

The engine measures each rep's range against a reference posture it keeps internally; a
picture of a session needs the same kind of angle as one continuous trace. Here the
segment's "up" direction comes from the engine's own :class:`OrientationTracker`, and the
angle of every sample is taken against the up direction at the start of the latest rep that
began at or before it (before the first rep: the first rep's start; without reps: the
median posture). So each rep rises from about 0 to about its range, as the report says.

This is a view of the data, not a measurement: reps, ranges and flags come from the engine.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.orientation import DEG, OrientationTracker, dot_rows


def _filled(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Rows with a NaN (a dropped sample) replaced by the last good row (the filters would
    carry a NaN on forever); also returns which rows were dropped."""
    bad: NDArray[np.bool_] = np.asarray(~np.isfinite(x).all(axis=1))
    if not bad.any():
        return x, bad
    good = np.flatnonzero(~bad)
    if good.size == 0:
        return np.zeros_like(x), bad
    idx = np.where(bad, 0, np.arange(len(x)))
    np.maximum.accumulate(idx, out=idx)
    idx[: good[0]] = good[0]
    return x[idx], bad


def segment_angle_deg(t_s: NDArray[np.float64], accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None, *,
                      sample_rate_hz: float, rep_spans_s: Sequence[tuple[float, float]] = ()) -> NDArray[np.float64]:
    """The segment's tilt, deg, at each sample of ``t_s`` (NaN where a sample was dropped).

    Parameters
    ----------
    t_s, accel_g, gyro_dps:
        Samples, seconds; ``(n, 3)`` g (device calibration applied); ``(n, 3)`` deg/s or ``None``.
    sample_rate_hz:
        The nominal rate of the samples.
    rep_spans_s:
        ``(start, end)`` of each rep, recording seconds, in order: the reference postures.
    """
    n = len(t_s)
    if n == 0:
        return np.empty(0)
    acc, dropped = _filled(np.asarray(accel_g, dtype=np.float64))
    gyr = None if gyro_dps is None else _filled(np.asarray(gyro_dps, dtype=np.float64))[0]
    tracker = OrientationTracker(sample_rate_hz=sample_rate_hz, has_gyro=gyr is not None)
    up = tracker.update(acc, gyr).up
    spans = np.asarray(rep_spans_s, dtype=np.float64).reshape(-1, 2)
    if len(spans):
        starts, ends = spans[:, 0], spans[:, 1]
        ref_up = up[np.clip(np.searchsorted(t_s, starts), 0, n - 1)]  # the posture at each rep's start
        k = np.clip(np.searchsorted(starts, t_s, side="right") - 1, 0, len(starts) - 1)  # the rep begun last
        nxt = np.minimum(k + 1, len(starts) - 1)
        # in the rest after rep k (after its end, before the next start): blend towards the next start posture
        gap = starts[nxt] - ends[k]
        w = np.where((nxt > k) & (gap > 0) & (t_s > ends[k]), np.clip((t_s - ends[k]) / np.where(gap > 0, gap, 1.0), 0.0, 1.0), 0.0)
        ref = (1.0 - w)[:, None] * ref_up[k] + w[:, None] * ref_up[nxt]
        ref /= np.maximum(np.sqrt(dot_rows(ref, ref)), 1e-9)[:, None]
    else:
        med = np.median(up, axis=0)
        ref = np.broadcast_to(med / max(float(np.linalg.norm(med)), 1e-9), up.shape)
    angle = np.arccos(np.clip(dot_rows(up, ref), -1.0, 1.0)) * DEG
    angle[dropped] = np.nan
    return angle
