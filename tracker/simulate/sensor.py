"""Sensor model: from true segment motion to the samples a cheap IMU would log.

The true specific force and angular velocity of a segment are given on a fine uniform
grid.  The sensor sees them through its strap rotation, an anti-aliasing low-pass, its
sample clock (with jitter and dropped samples), per-axis scale errors, biases, white
noise, quantisation and range limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, sosfiltfilt
from scipy.spatial.transform import Rotation

from tracker.core.recording import STANDARD_GRAVITY_MS2, Gap
from tracker.simulate.kinematics import FloatArray

#: Drop-out bursts longer than this are reported as :class:`Gap` s.
GAP_MIN_S = 0.5


@dataclass(frozen=True, eq=False)
class SensorModel:
    """One sensor's imperfections (all drawn per recording from the seed).

    Attributes
    ----------
    strap_r:
        Sensor frame in the segment frame (``R_sensor = R_segment @ strap_r``).
    accel_noise_g, gyro_noise_dps:
        White-noise standard deviation per axis.
    accel_bias_g, gyro_bias_dps:
        Constant offsets per axis.
    accel_scale, gyro_scale:
        Per-axis gain (1 = exact).
    accel_lsb_g, gyro_lsb_dps:
        Quantisation step (0 = none).
    jitter_fraction:
        Timestamp jitter, uniform within +-this fraction of the sample interval.
    drop_fraction:
        Probability that a single sample is lost.
    bursts_s:
        ``(start_s, duration_s)`` of longer drop-outs.
    """

    strap_r: FloatArray
    accel_noise_g: float = 0.0
    accel_bias_g: FloatArray = field(default_factory=lambda: np.zeros(3))
    accel_scale: FloatArray = field(default_factory=lambda: np.ones(3))
    accel_lsb_g: float = 0.0
    gyro_noise_dps: float = 0.0
    gyro_bias_dps: FloatArray = field(default_factory=lambda: np.zeros(3))
    gyro_scale: FloatArray = field(default_factory=lambda: np.ones(3))
    gyro_lsb_dps: float = 0.0
    jitter_fraction: float = 0.0
    drop_fraction: float = 0.0
    bursts_s: tuple[tuple[float, float], ...] = ()
    accel_range_g: float = 16.0
    gyro_range_dps: float = 2000.0

    @staticmethod
    def draw(rng: np.random.Generator, duration_s: float, *, ideal: bool = False) -> SensorModel:
        """A random sensor: any strap rotation; noise, bias, scale, quantisation, timing faults.

        With ``ideal=True`` only the strap rotation is random: no noise, bias, scale error,
        quantisation, jitter or drop-outs (the same random numbers are still drawn, so the
        strap equals that of the non-ideal sensor with the same seed).
        """
        strap = Rotation.random(random_state=rng).as_matrix()
        accel_noise = rng.uniform(0.005, 0.02)
        accel_bias = rng.uniform(-0.03, 0.03, size=3)
        accel_scale = 1.0 + rng.uniform(-0.03, 0.03, size=3)
        accel_lsb = 1.0 / 4096.0 if rng.random() < 0.5 else 1.0 / 1024.0
        gyro_noise = rng.uniform(0.3, 1.0)
        gyro_bias = rng.uniform(-2.0, 2.0, size=3)
        gyro_scale = 1.0 + rng.uniform(-0.03, 0.03, size=3)
        drop = rng.uniform(0.0, 0.01)
        u = rng.random()
        n_bursts = 0 if u < 0.7 else (1 if u < 0.92 else 2)
        bursts = []
        for _ in range(n_bursts):
            length = rng.uniform(0.2, 1.0)
            start = rng.uniform(1.0, max(1.0, duration_s - 2.0 - length))
            bursts.append((float(start), float(length)))
        if ideal:
            return SensorModel(strap_r=strap)
        return SensorModel(
            strap_r=strap,
            accel_noise_g=accel_noise,
            accel_bias_g=accel_bias,
            accel_scale=accel_scale,
            accel_lsb_g=accel_lsb,
            gyro_noise_dps=gyro_noise,
            gyro_bias_dps=gyro_bias,
            gyro_scale=gyro_scale,
            gyro_lsb_dps=1.0 / 16.0,
            jitter_fraction=0.05,
            drop_fraction=drop,
            bursts_s=tuple(bursts),
        )


@dataclass(frozen=True, eq=False)
class SensedSignals:
    """What the sensor logged."""

    t_s: FloatArray
    accel_g: FloatArray
    gyro_dps: FloatArray | None
    gaps: tuple[Gap, ...]


def sample_times(
    model: SensorModel, rng: np.random.Generator, *, duration_s: float, sample_rate_hz: float
) -> tuple[FloatArray, tuple[Gap, ...]]:
    """Logged sample times: a nominal grid ``k / rate`` with jitter and drop-outs.

    ``floor(duration_s * rate)`` nominal samples; jitter below half an interval keeps the
    times strictly increasing.  The first and the last sample are never dropped.
    Bursts longer than :data:`GAP_MIN_S` are returned as gaps between the last sample
    before and the first sample after them.
    """
    n = max(int(np.floor(duration_s * sample_rate_hz)), 2)
    jitter = rng.uniform(-model.jitter_fraction, model.jitter_fraction, size=n)
    jitter[0] = abs(jitter[0])
    t = (np.arange(n) + jitter) / sample_rate_hz
    keep = rng.random(n) >= model.drop_fraction
    for start, length in model.bursts_s:
        keep &= ~((t >= start) & (t < start + length))
    keep[0] = keep[-1] = True
    gaps = []
    for start, length in model.bursts_s:
        if length <= GAP_MIN_S:
            continue
        before = np.flatnonzero(keep & (t < start))
        after = np.flatnonzero(keep & (t >= start + length))
        if before.size and after.size:
            gaps.append(Gap(float(t[before[-1]]), float(t[after[0]])))
    return t[keep], tuple(sorted(gaps, key=lambda g: g.start_s))


def _interpolate(values: FloatArray, fine_rate_hz: float, t_s: FloatArray) -> FloatArray:
    pos = t_s * fine_rate_hz
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, values.shape[0] - 2)
    w = (pos - i0)[:, None]
    return values[i0] * (1.0 - w) + values[i0 + 1] * w


def sense(
    model: SensorModel,
    rng: np.random.Generator,
    *,
    specific_force_ms2: FloatArray,
    angular_velocity_rad_s: FloatArray | None,
    fine_rate_hz: float,
    duration_s: float,
    sample_rate_hz: float,
) -> SensedSignals:
    """Sample a segment's true motion with ``model``.

    Parameters
    ----------
    specific_force_ms2:
        True specific force in the *segment* frame on the fine grid, ``(m, 3)``, m/s^2
        (``R^T (a + g up)``; reads +9.81 along up at rest).
    angular_velocity_rad_s:
        True angular velocity in the segment frame on the fine grid, or ``None`` (no gyro).
    fine_rate_hz:
        Rate of the fine grid (sample ``i`` at ``i / fine_rate_hz``).
    duration_s, sample_rate_hz:
        Length of the recording and the sensor's nominal rate.
    """
    t, gaps = sample_times(model, rng, duration_s=duration_s, sample_rate_hz=sample_rate_hz)
    # The sensor's digital low-pass (zero phase here, so labels need no delay correction).
    sos = butter(2, 0.4 * sample_rate_hz, fs=fine_rate_hz, output="sos")
    strap_t = model.strap_r.T
    acc = _interpolate(sosfiltfilt(sos, specific_force_ms2, axis=0), fine_rate_hz, t) @ strap_t.T
    acc_g = acc / STANDARD_GRAVITY_MS2 * model.accel_scale + model.accel_bias_g
    acc_g = acc_g + rng.normal(0.0, 1.0, size=acc_g.shape) * model.accel_noise_g
    if model.accel_lsb_g > 0:
        acc_g = np.round(acc_g / model.accel_lsb_g) * model.accel_lsb_g
    acc_g = np.clip(acc_g, -model.accel_range_g, model.accel_range_g)
    gyro = None
    if angular_velocity_rad_s is not None:
        w = _interpolate(sosfiltfilt(sos, angular_velocity_rad_s, axis=0), fine_rate_hz, t) @ strap_t.T
        gyro = np.degrees(w) * model.gyro_scale + model.gyro_bias_dps
        gyro = gyro + rng.normal(0.0, 1.0, size=gyro.shape) * model.gyro_noise_dps
        if model.gyro_lsb_dps > 0:
            gyro = np.round(gyro / model.gyro_lsb_dps) * model.gyro_lsb_dps
        gyro = np.clip(gyro, -model.gyro_range_dps, model.gyro_range_dps)
    return SensedSignals(t, acc_g, gyro, gaps)
