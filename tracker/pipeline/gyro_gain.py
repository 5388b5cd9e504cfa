"""Whether a gyro's gain agrees with gravity (pure, streaming).

The fusion (:mod:`tracker.pipeline.orientation`) turns its estimate of "up" by the gyro's
reading and trusts it over the accelerometer for ``fusion_tau_s``. A gyro whose gain is wrong
turns it too far, and every rep then overshoots and drifts back for that long. A wrong gain is
a real fault, not noise: a full-scale range set to one value and decoded as another reads 2, 4
or 8 times the true rate. UCI subject 2's thigh sensor turns "up" about 3.7 times as far as its
accelerometer shows in the straight-leg raise and the prone leg lift (gain 0.26 and 0.28
below; ``benchmarks/gyro_gain.py``).

Gravity gives the check. While the accelerometer reads within ``max_accel_error_g`` of 1 g,
the direction of its low-pass turns over ``lag_s`` as far as the gyro's part across it,
``|sum(w x up) dt|``. Over every such moment where the gyro turned it faster than
``min_rate_dps``, the gain is the least-squares slope of the first on the second. Once those
turns add up to ``evidence_deg``, a gain under ``1 / tolerance`` (the gyro turns "up" that
much further than gravity shows) is held against the gyro, sample by sample as the estimate
goes.

Only that side is judged. The leg's own acceleration turns the accelerometer's direction as
well, and more often further than less, so a gain over 1 cannot be told from a good gyro: the
simulator's sensors (true gain 0.97-1.03) read 0.75-3.6 over whole recordings (real-behaviour
corpus seed 2026, 150 with a gyro), UCI's other sensors 0.74-1.09 and subject 2's shank sensors
1.87-2.09. The price: a simulated walk or turn before the first set reads under 0.67 for a
moment in 29 of those 150 recordings (0.2-7.4 % of their samples, 6-8 s in), where the fusion
trusts the accelerometer as it did before stop 45.

Each sample's verdict comes from the samples up to and including it, summed one after another
in plain floats whatever the chunking: it is bit-identical for any chunking.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DEG_PER_RAD = 180.0 / math.pi
#: Blocks this long or longer are checked in numpy, shorter ones sample by sample (the same bits):
#: numpy's 40 calls cost about what 25 samples do in plain floats (measured: 10-sample blocks,
#: 45,000 samples/s through the pipeline in numpy against 52,000 in floats)
VECTOR_MIN_SAMPLES = 64


@dataclass(frozen=True)
class GyroGainConfig:
    max_accel_error_g: float = 0.1  # the accelerometer reads gravity alone within this (a slow rep's own acceleration is 0.01-0.05 g; a fast swing's 1-4 g)
    lag_s: float = 0.2  # turns are compared over this long (sample to sample, the accelerometer's noise made a turn of its own: UCI's good shank sensors read 2.1)
    min_rate_dps: float = 15.0  # the gyro's part across "up" turns it faster than this over the lag (a still gyro's noise and tolerated bias are under 5 deg/s)
    evidence_deg: float = 90.0  # the gain is judged once such turns add up to this (one to three reps: UCI subject 2's thigh sensor was doubted from 7-10 s; 180 deg, from 13 s)
    tolerance: float = 1.5  # ... and doubted when the gyro turns "up" more than this many times as far as gravity shows (UCI's other sensors 1 / 1.35 at most, the simulator's 1 / 1.33 over whole recordings)


class GyroGain:
    """Streaming check of a gyro's gain: :meth:`update` with consecutive blocks returns, for each
    sample, whether the fusion may trust the gyro (True until the evidence is in)."""

    def __init__(self, *, sample_rate_hz: float, config: GyroGainConfig = GyroGainConfig()) -> None:
        self.config = config
        self._dt = 1.0 / sample_rate_hz
        self._lag = max(1, int(round(config.lag_s * sample_rate_hz)))
        self._min_turn_rad = math.radians(config.min_rate_dps) * self._lag * self._dt
        self._evidence_rad = math.radians(config.evidence_deg)
        # sums of x*y, of y*y, and of y / lag (the turns seen): x the accelerometer's turn over the
        # lag, y the gyro's
        self._sums = (0.0, 0.0, 0.0)
        self._turned = (0.0, 0.0, 0.0)  # the gyro's turn of up, summed since the last restart
        self._history: deque[tuple[float, float, float, float, float, float]] = deque(maxlen=self._lag)
        self.restart()

    def restart(self) -> None:
        """After a data gap: the turns over the lag start again; the estimate is kept (the
        sensor's gain outlives a gap)."""
        self._history.clear()  # the last ``lag`` samples' up and turn
        self._turned = (0.0, 0.0, 0.0)

    @property
    def turned_deg(self) -> float:
        """The turns the gain was read over so far (deg)."""
        return math.degrees(self._sums[2])

    @property
    def gain(self) -> float:
        """The gain as read so far (the accelerometer's turn per gyro turn; 1.0 before any)."""
        return self._sums[0] / self._sums[1] if self._sums[1] > 0 else 1.0

    def update(self, rate_dps: NDArray[np.float64], gravity_g: NDArray[np.float64],
               accel_g: NDArray[np.float64]) -> NDArray[np.bool_]:
        """``rate_dps``: the gyro less its bias; ``gravity_g``: the accelerometer's low-pass;
        ``accel_g``: the raw accelerometer, all finite (the pipeline drops the other samples first).
        Returns whether each sample's gyro is trusted, ``(n,)``.

        Two ways to the same bits: a live block (the engine's 10-50 samples) sample by sample in
        plain floats, where numpy's cost per call would be most of the time; a longer one (a
        recording analysed at once) in numpy, 20 times faster a sample. Every running sum there is a
        sequential ``np.add.accumulate`` started from the carried value, and a sample that adds
        nothing adds 0.0, which leaves a sum as it is: the same additions in the same order as the
        loop (``tests/test_orientation.py`` holds the two to each other, and to any chunking)."""
        n = gravity_g.shape[0]
        if n < VECTOR_MIN_SAMPLES:
            return self._one_by_one(rate_dps, gravity_g, accel_g)
        return self._at_once(rate_dps, gravity_g, accel_g)

    def _one_by_one(self, rate_dps: NDArray[np.float64], gravity_g: NDArray[np.float64],
                    accel_g: NDArray[np.float64]) -> NDArray[np.bool_]:
        out = np.ones(gravity_g.shape[0], dtype=bool)
        cfg = self.config
        dps_to_rad = self._dt / DEG_PER_RAD  # a rate over one sample, as an angle
        min_turn_rad, evidence_rad, max_error_g = self._min_turn_rad, self._evidence_rad, cfg.max_accel_error_g
        under = 1.0 / cfg.tolerance
        lag = self._lag
        history = self._history
        s_xy, s_yy, turned_rad = self._sums
        tx, ty, tz = self._turned
        for i, ((gx, gy, gz), (wx, wy, wz), (ax, ay, az)) in enumerate(zip(gravity_g.tolist(), rate_dps.tolist(), accel_g.tolist())):
            norm = max(math.sqrt((gx * gx + gy * gy) + gz * gz), 1e-9)
            ux, uy, uz = gx / norm, gy / norm, gz / norm
            if not history:
                # the first sample (after a restart): no turn before it to compare with the accelerometer's
                history.extend([(ux, uy, uz, tx, ty, tz)] * lag)
            else:
                # the gyro's turn of up over the sample, w x up dt, summed one after another
                wx, wy, wz = wx * dps_to_rad, wy * dps_to_rad, wz * dps_to_rad
                tx, ty, tz = tx + (wy * uz - wz * uy), ty + (wz * ux - wx * uz), tz + (wx * uy - wy * ux)
            px, py, pz, qx, qy, qz = history[0]  # ``lag`` samples before
            history.append((ux, uy, uz, tx, ty, tz))
            dx, dy, dz = tx - qx, ty - qy, tz - qz
            gyro_turn_rad = math.sqrt((dx * dx + dy * dy) + dz * dz)
            if gyro_turn_rad > min_turn_rad and abs(math.sqrt((ax * ax + ay * ay) + az * az) - 1.0) < max_error_g:
                accel_turn_rad = math.acos(min(max((px * ux + py * uy) + pz * uz, -1.0), 1.0))
                s_xy += accel_turn_rad * gyro_turn_rad
                s_yy += gyro_turn_rad * gyro_turn_rad
                turned_rad += gyro_turn_rad / lag
            if turned_rad >= evidence_rad and s_xy < under * s_yy:
                out[i] = False
        self._sums = (s_xy, s_yy, turned_rad)
        self._turned = (tx, ty, tz)
        return out

    def _at_once(self, rate_dps: NDArray[np.float64], gravity_g: NDArray[np.float64],
                 accel_g: NDArray[np.float64]) -> NDArray[np.bool_]:
        """:meth:`_one_by_one`'s operations, each over the whole block."""
        n = gravity_g.shape[0]
        cfg = self.config
        lag = self._lag
        gx, gy, gz = gravity_g[:, 0], gravity_g[:, 1], gravity_g[:, 2]
        norm = np.maximum(np.sqrt((gx * gx + gy * gy) + gz * gz), 1e-9)
        ux, uy, uz = gx / norm, gy / norm, gz / norm
        w = rate_dps * (self._dt / DEG_PER_RAD)
        wx, wy, wz = w[:, 0], w[:, 1], w[:, 2]
        steps = np.empty((n + 1, 3))  # row 0: the carried sum; then each sample's turn of up
        steps[0] = self._turned
        steps[1:, 0] = wy * uz - wz * uy
        steps[1:, 1] = wz * ux - wx * uz
        steps[1:, 2] = wx * uy - wy * ux
        fresh = not self._history
        if fresh:
            steps[1] = 0.0  # the first sample after a restart: no turn before it
        turned = np.add.accumulate(steps, axis=0)[1:]
        now = np.column_stack((ux, uy, uz, turned))
        before = np.repeat(now[:1], lag, axis=0) if fresh else np.array(self._history)
        joined = np.concatenate((before, now))
        past = joined[:n]  # each sample's up and turn ``lag`` samples before
        d = turned - past[:, 3:]
        dx, dy, dz = d[:, 0], d[:, 1], d[:, 2]
        gyro_turn_rad = np.sqrt((dx * dx + dy * dy) + dz * dz)
        ax, ay, az = accel_g[:, 0], accel_g[:, 1], accel_g[:, 2]
        counted = (gyro_turn_rad > self._min_turn_rad) & (
            np.abs(np.sqrt((ax * ax + ay * ay) + az * az) - 1.0) < cfg.max_accel_error_g)
        px, py, pz = past[:, 0], past[:, 1], past[:, 2]
        # the arc cosine by ``math.acos``, as the loop takes it: numpy's may come from a vector
        # library (SVML on AVX-512) a few ulp away, and the two ways would part
        rows = np.flatnonzero(counted)
        accel_turn_rad = np.zeros(n)
        accel_turn_rad[rows] = [math.acos(x) for x in np.clip((px * ux + py * uy) + pz * uz, -1.0, 1.0)[rows].tolist()]
        sums = np.empty((n + 1, 3))
        sums[0] = self._sums
        sums[1:, 0] = np.where(counted, accel_turn_rad * gyro_turn_rad, 0.0)
        sums[1:, 1] = np.where(counted, gyro_turn_rad * gyro_turn_rad, 0.0)
        sums[1:, 2] = np.where(counted, gyro_turn_rad / lag, 0.0)
        sums = np.add.accumulate(sums, axis=0)[1:]
        s_xy, s_yy, turned_rad = sums[:, 0], sums[:, 1], sums[:, 2]
        doubted = (turned_rad >= self._evidence_rad) & (s_xy < (1.0 / cfg.tolerance) * s_yy)
        self._sums = (float(s_xy[-1]), float(s_yy[-1]), float(turned_rad[-1]))
        self._turned = (float(turned[-1, 0]), float(turned[-1, 1]), float(turned[-1, 2]))
        self._history.clear()
        self._history.extend(tuple(row) for row in joined[-lag:].tolist())
        return ~doubted
