"""Segment orientation from gravity, fused with the gyro when there is one.

The tracker estimates the direction of "up" (gravity reaction) in the sensor frame.

* Accelerometer only: a 2nd-order Butterworth low-pass of the specific force.
* With a gyro: a complementary filter, ``g[n] = a*(g[n-1] - (w[n] x g[n-1]) dt) + (1-a)*acc[n]``
  (Mahony-style, time constant ``fusion_tau_s``), ``w`` the gyro less its bias, estimated
  while the sensor is still (:mod:`tracker.pipeline.gyro_bias`).  The cross term makes it nonlinear;
  we solve it with two fixed-point passes in which the cross product uses the previous
  pass's estimate of ``g[n-1]``.  Each pass is then a linear first-order IIR that runs
  vectorised with carried state, so the tracker stays chunk-invariant and fast.

References
----------
Mahony, R., Hamel, T., Pflimlin, J.-M. (2008). Nonlinear complementary filters on the
special orthogonal group. IEEE Trans. Automatic Control 53(5):1203-1218.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.filters import FirstOrderIir, lowpass
from tracker.pipeline.gyro_bias import GyroBias, GyroBiasConfig

DEG = 180.0 / np.pi


def dot_rows(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise dot product of ``(n, 3)`` arrays (or one with a ``(3,)``).

    Spelled out in elementwise operations, not a reduction or BLAS: those may add in an
    order that depends on the memory alignment of the slice, and the engine must give
    bitwise the same results however its input is chunked (and whatever buffer it lands in).
    The products are taken at once (fewer numpy calls), then added ``(p0 + p1) + p2``.
    """
    p = a * b
    return p[..., 0] + p[..., 1] + p[..., 2]


def cross_rows(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise cross product of ``(n, 3)`` arrays (or one with a ``(3,)``); faster than np.cross."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    # the common shapes without numpy's general broadcasting rules (a per-call cost)
    shape = a.shape if a.shape == b.shape or b.ndim == 1 else np.broadcast_shapes(a.shape, b.shape)
    out = np.empty(shape)
    out[..., 0] = a1 * b2 - a2 * b1
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def tilt_deg(up: NDArray[np.float64], ref: NDArray[np.float64]) -> NDArray[np.float64]:
    """Angle between each row of ``up`` and ``ref`` (both unit), deg; exact near 0.

    The cross product's components are used as they come (the same operations as
    :func:`cross_rows`, without assembling them into one array).
    """
    u0, u1, u2 = up[:, 0], up[:, 1], up[:, 2]
    r0, r1, r2 = float(ref[0]), float(ref[1]), float(ref[2])
    c0 = u1 * r2 - u2 * r1
    c1 = u2 * r0 - u0 * r2
    c2 = u0 * r1 - u1 * r0
    dot = u0 * r0 + u1 * r1 + u2 * r2  # not BLAS: bitwise the same for any slice
    return np.arctan2(np.sqrt(c0 ** 2 + c1 ** 2 + c2 ** 2), dot) * DEG


def unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """``v`` scaled to length 1 (zeros when it has none)."""
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else np.zeros_like(v)


@dataclass(frozen=True)
class OrientationConfig:
    gravity_cutoff_hz: float = 3.0  # accelerometer low-pass: the accelerometer's input to the fusion; above it: shake (tremor)
    gravity_cutoff_accel_only_hz: float = 2.0  # gravity low-pass without a gyro (below a fast swing's own acceleration)
    fusion_tau_s: float = 0.25  # complementary filter time constant with a gyro (short: trusts the accelerometer; UCI s2 gyros disagree with their accelerometers)
    fusion_passes: int = 2
    speed_lag_s: float = 0.2  # accelerometer only: angular speed from the tilt change over this lag
    gyro_bias: GyroBiasConfig = GyroBiasConfig()  # the gyro's offset, taken off its angular speed (``gyro_bias``)


@dataclass(frozen=True)
class OrientationBlock:
    up: NDArray[np.float64]  # (n, 3) unit vectors, sensor frame
    speed_dps: NDArray[np.float64]  # (n,) angular speed of the segment, deg/s (the gyro's, less its bias)
    shake_g: NDArray[np.float64]  # (n,) accelerometer content above the gravity low-pass, g (tremor, jerks)
    #: (n,) rate of turning about the up vector (a change of heading), deg/s: the gyro less its
    #: bias along ``up``; zeros without a gyro (an accelerometer cannot see a turn about gravity)
    turn_dps: NDArray[np.float64]


class OrientationTracker:
    """Streaming up-vector estimator (sans-IO: call it with consecutive blocks)."""

    def __init__(self, *, sample_rate_hz: float, has_gyro: bool, config: OrientationConfig = OrientationConfig()) -> None:
        self.sample_rate_hz = sample_rate_hz
        self.has_gyro = has_gyro
        self.config = config
        self._dt = 1.0 / sample_rate_hz
        self._lp = lowpass(config.gravity_cutoff_hz, sample_rate_hz=sample_rate_hz)
        # without a gyro the tilt is the gravity estimate itself, and a fast swing's own
        # acceleration (a 0.3-0.7 s phase: 1.5-3 Hz) leaks into it: a lower cut-off there
        self._lp_gravity = lowpass(config.gravity_cutoff_accel_only_hz, sample_rate_hz=sample_rate_hz)
        alpha = config.fusion_tau_s / (config.fusion_tau_s + self._dt)
        self._alpha = alpha
        self._passes = [FirstOrderIir(alpha) for _ in range(config.fusion_passes)]
        self._prev_source: list[NDArray[np.float64] | None] = [None] * config.fusion_passes
        self._prev_up: NDArray[np.float64] | None = None  # last ``lag`` up vectors (no gyro)
        self._lag = max(1, int(round(config.speed_lag_s * sample_rate_hz)))
        self._gyro_bias = GyroBias(sample_rate_hz=sample_rate_hz, config=config.gyro_bias)

    def reset(self) -> None:
        """After a data gap: the filters start again from the next sample."""
        self._lp.reset()
        self._lp_gravity.reset()
        for p in self._passes:
            p.reset()
        self._prev_source = [None] * self.config.fusion_passes
        self._prev_up = None
        self._gyro_bias.restart()  # the sensor's offset outlives a gap in its data

    def update(self, accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None) -> OrientationBlock:
        n = accel_g.shape[0]
        lp = self._lp(accel_g)
        rate: NDArray[np.float64] | None = None
        if self.has_gyro and gyro_dps is not None:
            # the gyro less its bias: a bias b tilts the fused up vector by about b * fusion_tau_s
            rate = gyro_dps - self._gyro_bias.update(gyro_dps, lp)
            w_rad_dt = rate * (self._dt / DEG)
            source = lp  # pass 0 linearises around the low-passed accelerometer
            acc_part = (1.0 - self._alpha) * accel_g  # the same in every pass
            for k, iir in enumerate(self._passes):
                carry = self._prev_source[k]
                first = source[0] if carry is None else carry
                # estimate of g[n-1] for every n of this block, from the previous pass
                est_prev = np.empty_like(source)
                est_prev[0] = first
                est_prev[1:] = source[:-1]
                self._prev_source[k] = source[-1].copy()
                u = acc_part - self._alpha * cross_rows(w_rad_dt, est_prev)
                source = iir(u, lp[0])
            g = source
        else:
            g = self._lp_gravity(accel_g)
        resid = accel_g - lp
        # the lengths of the gravity estimate, the shake and the rotation rate at once (one
        # product and two additions for all, each row added ``(x0 + x1) + x2`` as ``dot_rows``
        # does): numpy's per-call cost, not the arithmetic, is what a short block pays. The
        # angular speed is the gyro's less its bias too (a bias near the still speed would
        # keep the segment from ever being still)
        parts = np.concatenate((g, resid, rate) if rate is not None else (g, resid), axis=1)
        sq = parts * parts
        lengths = np.sqrt(sq[:, 0::3] + sq[:, 1::3] + sq[:, 2::3])
        norm = lengths[:, 0:1]
        shake = lengths[:, 1]
        up = g / np.maximum(norm, 1e-9)
        if rate is not None:
            speed = lengths[:, 2]
            turn = dot_rows(rate, up)
        else:
            turn = np.zeros(n)
            # rate of tilt over a lag of ``speed_lag_s``: differentiating sample to sample
            # would amplify accelerometer noise to tens of deg/s
            lag = self._lag
            hist = self._prev_up if self._prev_up is not None else np.repeat(up[:1], lag, axis=0)
            joined = np.vstack([hist, up])
            before = joined[:n]
            c = cross_rows(before, up)
            cross = np.sqrt(dot_rows(c, c))
            dot = dot_rows(before, up)
            speed = np.arctan2(cross, dot) * DEG / (lag * self._dt)
            self._prev_up = joined[-lag:].copy()
        return OrientationBlock(up=up, speed_dps=speed, shake_g=shake, turn_dps=turn)
