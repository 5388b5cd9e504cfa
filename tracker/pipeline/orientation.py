"""Segment orientation from gravity, fused with the gyro when there is one.

The tracker estimates the direction of "up" (gravity reaction) in the sensor frame.

* Accelerometer only: a 2nd-order Butterworth low-pass of the specific force.
* With a gyro: a complementary filter, ``g[n] = a*R(-w[n] dt) g[n-1] + (1-a)*acc[n]``
  (Mahony-style, time constant ``fusion_tau_s``): the previous estimate turned by the gyro
  over the sample (``R``: the rotation by the angle ``|w| dt`` about ``-w``), ``w`` the gyro
  less its bias, estimated while the sensor is still (:mod:`tracker.pipeline.gyro_bias`). The
  time constant is shorter while the gyro turns "up" more than gravity shows
  (:mod:`tracker.pipeline.gyro_gain`).
  It runs sample by sample, in plain floats (about 1.5 us a sample; what does not depend on the
  estimate is taken for a whole block at once), so it is exact and bit-identical
  for any chunking. Until stop 45 it was solved by two fixed-point passes of a vectorised linear
  filter, each adding one order of the turn made within the filter's memory: at the 450-780
  deg/s of a fast shank set it was off by up to 168 deg, and with a memory of 1 s it diverged.

References
----------
Mahony, R., Hamel, T., Pflimlin, J.-M. (2008). Nonlinear complementary filters on the
special orthogonal group. IEEE Trans. Automatic Control 53(5):1203-1218.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.filters import lowpass
from tracker.pipeline.gyro_bias import GyroBias, GyroBiasConfig
from tracker.pipeline.gyro_gain import GyroGain, GyroGainConfig

DEG = 180.0 / np.pi
#: The fusion takes blocks this long or longer with numpy's help, shorter ones (a live stream's)
#: in plain floats alone: the same bits, and numpy's 15 calls cost about what 30 samples do
VECTOR_MIN_SAMPLES = 64


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
    # The complementary filter's memory with a gyro: how long the gyro's turns are trusted over
    # the accelerometer's tilt, which a leg's own acceleration bends (a fast swing's 1-6 g, a heel
    # strike, tremor, a knee bending). ``reptrack eval``, real behaviours, exact: the two-pass
    # filter at 0.25 s 81.5 % (seed 2026) / 79.8 % (seed 11); the exact one at 0.25 s 81.8 % (seed
    # 2026), at 0.5 s 84.5 / 83.2 %, at 1 s 84.7 / 83.5 %, and gyro flags up (jerky 0.61 -> 0.72,
    # too_fast 0.95 -> 0.98, short_hold 0.94 -> 0.97, seed 2026). The price is a gyro's own errors
    # carried longer: a 2 deg/s bias tilts "up" by about 2 deg (bias x memory), and a wrong gain
    # overshoots every rep (hence the next). UCI as recorded: 97.9 -> 89.6 % exact at 1 s
    # throughout (subject 2, whose gyros disagree with its accelerometers), 91.7 % with the next.
    fusion_tau_s: float = 1.0
    # ... and while the gyro's gain is doubted (``gyro_gain``: it turns "up" further than gravity
    # shows), the accelerometer is trusted as before. UCI subject 2's thigh sensor (3.7 times
    # over) counted 4 of 10 low prone leg lifts with 1 s throughout, 10 with this.
    fusion_tau_doubted_s: float = 0.25
    speed_lag_s: float = 0.2  # accelerometer only: angular speed from the tilt change over this lag
    gyro_bias: GyroBiasConfig = GyroBiasConfig()  # the gyro's offset, taken off its angular speed (``gyro_bias``)
    gyro_gain: GyroGainConfig = GyroGainConfig()  # the gyro's gain, checked against gravity: whether the fusion trusts it (``gyro_gain``)


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
        self._weights = tuple((tau / (tau + self._dt), self._dt / (tau + self._dt))
                              for tau in (config.fusion_tau_doubted_s, config.fusion_tau_s))
        self._fused: tuple[float, float, float] | None = None  # the fusion's last estimate of up (g)
        self._gyro_gain = GyroGain(sample_rate_hz=sample_rate_hz, config=config.gyro_gain)
        self._prev_up: NDArray[np.float64] | None = None  # last ``lag`` up vectors (no gyro)
        self._lag = max(1, int(round(config.speed_lag_s * sample_rate_hz)))
        self._gyro_bias = GyroBias(sample_rate_hz=sample_rate_hz, config=config.gyro_bias)

    def reset(self) -> None:
        """After a data gap: the filters start again from the next sample."""
        self._lp.reset()
        self._lp_gravity.reset()
        self._fused = None
        self._prev_up = None
        self._gyro_bias.restart()  # the sensor's offset outlives a gap in its data
        self._gyro_gain.restart()  # ... and its gain

    def _fuse(self, accel_g: NDArray[np.float64], rate_dps: NDArray[np.float64], trusted: NDArray[np.bool_],
              start: NDArray[np.float64]) -> NDArray[np.float64]:
        """The complementary filter over a block, sample by sample (see the module's text), with
        the memory ``fusion_tau_s`` where the gyro is ``trusted`` and ``fusion_tau_doubted_s``
        where not; ``start``: the first sample's estimate when there is none yet. The samples must be
        finite (the pipeline drops the others first): a NaN would stay in the estimate until a reset."""
        n = accel_g.shape[0]
        if n == 0:
            return accel_g.copy()
        if self._fused is None:
            gx, gy, gz = (float(v) for v in start)
        else:
            gx, gy, gz = self._fused
        rows = (self._steps_one_by_one if n < VECTOR_MIN_SAMPLES else self._steps_at_once)(accel_g, rate_dps, trusted)
        out = array("d")  # the estimates, flat (a list of tuples and np.array of it cost a third more)
        extend = out.extend
        for kx, ky, kz, c, s, one_less_c, a_i, bx, by, bz in rows:
            # up, as the sensor sees it, turns by -w dt: Rodrigues' formula about k; then the blend
            kg = (kx * gx + ky * gy + kz * gz) * one_less_c
            gx, gy, gz = (a_i * (gx * c + (ky * gz - kz * gy) * s + kx * kg) + bx,
                          a_i * (gy * c + (kz * gx - kx * gz) * s + ky * kg) + by,
                          a_i * (gz * c + (kx * gy - ky * gx) * s + kz * kg) + bz)
            extend((gx, gy, gz))
        self._fused = (gx, gy, gz)
        return np.frombuffer(out).reshape(n, 3)

    # Each sample's step of the filter, what does not depend on the estimate: the turn's axis
    # k = -w / |w|, the cosine and sine of its angle |w| dt and one less the cosine, and the weights
    # (the estimate's, and the accelerometer's times its reading). A sample with no turn (or the
    # first, whose estimate is its own) gets k = 0, cos 1 and sin 0, which leave the estimate as it
    # is. Two ways to the same bits, as in ``gyro_gain``: a live block in plain floats, a long one
    # with numpy's help; the cosine and sine by ``math`` in both (numpy's may come from a vector
    # library a few ulp away: SVML on AVX-512, on aarch64 lanes and tail apart).

    def _steps_one_by_one(self, accel_g: NDArray[np.float64], rate_dps: NDArray[np.float64],
                          trusted: NDArray[np.bool_]) -> list[tuple[float, ...]]:
        weights = self._weights  # (estimate's, accelerometer's): [0] the gyro doubted, [1] trusted
        dps_to_rad = self._dt / DEG  # a rate over one sample, as an angle
        rows: list[tuple[float, ...]] = []
        for k, ((wx, wy, wz), (ax, ay, az), ok) in enumerate(zip(rate_dps.tolist(), accel_g.tolist(), trusted.tolist())):
            a, b = weights[ok]
            angle_rad = math.sqrt((wx * wx + wy * wy) + wz * wz) * dps_to_rad
            if angle_rad > 1e-12 and (k or self._fused is not None):
                scale = -dps_to_rad / angle_rad
                c = math.cos(angle_rad)
                rows.append((wx * scale, wy * scale, wz * scale, c, math.sin(angle_rad), 1.0 - c, a, b * ax, b * ay, b * az))
            else:
                rows.append((0.0, 0.0, 0.0, 1.0, 0.0, 0.0, a, b * ax, b * ay, b * az))
        return rows

    def _steps_at_once(self, accel_g: NDArray[np.float64], rate_dps: NDArray[np.float64],
                       trusted: NDArray[np.bool_]) -> list[list[float]]:
        n = accel_g.shape[0]
        dps_to_rad = self._dt / DEG
        wx, wy, wz = rate_dps[:, 0], rate_dps[:, 1], rate_dps[:, 2]
        angle_rad = np.sqrt((wx * wx + wy * wy) + wz * wz) * dps_to_rad
        turns = angle_rad > 1e-12
        if self._fused is None:
            turns[0] = False
        scale = np.divide(-dps_to_rad, angle_rad, out=np.zeros(n), where=turns)
        angles = angle_rad.tolist()
        cos = np.where(turns, [math.cos(x) for x in angles], 1.0)
        sin = np.where(turns, [math.sin(x) for x in angles], 0.0)
        (a_doubted, b_doubted), (a_trusted, b_trusted) = self._weights
        a = np.where(trusted, a_trusted, a_doubted)
        b = np.where(trusted, b_trusted, b_doubted)[:, None] * accel_g
        steps: list[list[float]] = np.column_stack((wx * scale, wy * scale, wz * scale, cos, sin, 1.0 - cos, a, b)).tolist()
        return steps

    def update(self, accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None) -> OrientationBlock:
        n = accel_g.shape[0]
        lp = self._lp(accel_g)
        rate: NDArray[np.float64] | None = None
        if self.has_gyro and gyro_dps is not None:
            # the gyro less its bias: a bias b tilts the fused up vector by about b * fusion_tau_s
            rate = gyro_dps - self._gyro_bias.update(gyro_dps, lp)
            g = self._fuse(accel_g, rate, self._gyro_gain.update(rate, lp, accel_g), lp[0] if n else lp)
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
