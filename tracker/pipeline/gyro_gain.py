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
whatever the chunking (a cumulative sum started from the carried total): it is bit-identical
for any chunking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

DEG_PER_RAD = 180.0 / math.pi


def _lengths(v: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each row's length, its squares added ``(x0 + x1) + x2`` whatever the number of rows (a
    reduction's order may not be: the verdicts must not depend on the chunking)."""
    sq = v * v
    return np.sqrt((sq[:, 0] + sq[:, 1]) + sq[:, 2])


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
        self._sums = np.zeros(3)  # sum of x*y, of y*y, and of y / lag: x the accelerometer's turn over the lag, y the gyro's
        self.restart()

    def restart(self) -> None:
        """After a data gap: the turns over the lag start again; the estimate is kept (the
        sensor's gain outlives a gap)."""
        self._prev_up: NDArray[np.float64] | None = None  # the last ``lag`` up vectors
        self._prev_turned: NDArray[np.float64] | None = None  # the gyro's turn across up, summed up to each of them

    @property
    def turned_deg(self) -> float:
        """The turns the gain was read over so far (deg)."""
        return math.degrees(float(self._sums[2]))

    @property
    def gain(self) -> float:
        """The gain as read so far (the accelerometer's turn per gyro turn; 1.0 before any)."""
        return float(self._sums[0] / self._sums[1]) if self._sums[1] > 0 else 1.0

    def update(self, rate_dps: NDArray[np.float64], gravity_g: NDArray[np.float64],
               accel_g: NDArray[np.float64]) -> NDArray[np.bool_]:
        """``rate_dps``: the gyro less its bias; ``gravity_g``: the accelerometer's low-pass;
        ``accel_g``: the raw accelerometer, all finite (the pipeline drops the other samples first).
        Returns whether each sample's gyro is trusted, ``(n,)``."""
        n = gravity_g.shape[0]
        if n == 0:
            return np.ones(0, dtype=bool)
        lag = self._lag
        up = gravity_g / np.maximum(_lengths(gravity_g), 1e-9)[:, None]
        # the gyro's turn of up, sample by sample (w x up dt), summed one after another from the
        # carried total: over the lag, the difference of two such sums
        across = np.cross(rate_dps * (self._dt / DEG_PER_RAD), up)
        if self._prev_turned is None:
            across[0] = 0.0  # the first sample's: no turn before it to compare with the accelerometer's
        first = np.zeros((1, 3)) if self._prev_turned is None else self._prev_turned[-1:]
        turned = np.cumsum(np.vstack([first, across]), axis=0)[1:]
        hist_up = np.repeat(up[:1], lag, axis=0) if self._prev_up is None else self._prev_up
        hist_turned = np.repeat(first, lag, axis=0) if self._prev_turned is None else self._prev_turned
        joined_up = np.vstack([hist_up, up])
        joined_turned = np.vstack([hist_turned, turned])
        self._prev_up = joined_up[-lag:].copy()
        self._prev_turned = joined_turned[-lag:].copy()
        both = joined_up[:n] * up
        cosine = np.clip((both[:, 0] + both[:, 1]) + both[:, 2], -1.0, 1.0)
        accel_turn_rad = np.arccos(cosine)
        step = turned - joined_turned[:n]
        gyro_turn_rad = _lengths(step)
        size_g = _lengths(accel_g)
        use = (np.abs(size_g - 1.0) < self.config.max_accel_error_g) & (gyro_turn_rad > self._min_turn_rad)
        parts = np.zeros((n + 1, 3))
        parts[0] = self._sums
        parts[1:, 0] = np.where(use, accel_turn_rad * gyro_turn_rad, 0.0)
        parts[1:, 1] = np.where(use, gyro_turn_rad * gyro_turn_rad, 0.0)
        parts[1:, 2] = np.where(use, gyro_turn_rad / lag, 0.0)
        sums = np.cumsum(parts, axis=0)[1:]
        self._sums = sums[-1].copy()
        gain = sums[:, 0] / np.maximum(sums[:, 1], 1e-300)
        judged = sums[:, 2] >= self._evidence_rad
        return np.asarray(~(judged & (gain < 1.0 / self.config.tolerance)))
