"""Tiny hand-made signals with analytic truth for pipeline tests (no simulator)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation


def min_jerk(n: int) -> NDArray[np.float64]:
    tau = np.linspace(0.0, 1.0, n)
    return 10 * tau**3 - 15 * tau**4 + 6 * tau**5


def rep_angles_deg(
    *, rate_hz: float, reps: int, rom_deg: float, lift_s: float = 2.0, hold_s: float = 1.0,
    lower_s: float = 2.0, pause_s: float = 2.0, lead_s: float = 3.0, tail_s: float = 3.0,
) -> tuple[NDArray[np.float64], list[tuple[float, float]]]:
    """Angle profile of ``reps`` minimum-jerk reps; returns (angle_deg, [(start_s, end_s)])."""
    dt = 1.0 / rate_hz
    parts = [np.zeros(int(lead_s * rate_hz))]
    truth = []
    t = lead_s
    for _ in range(reps):
        up = rom_deg * min_jerk(int(lift_s * rate_hz))
        hold = np.full(int(hold_s * rate_hz), rom_deg)
        down = rom_deg * (1 - min_jerk(int(lower_s * rate_hz)))
        pause = np.zeros(int(pause_s * rate_hz))
        rep = np.concatenate([up, hold, down])
        truth.append((t, t + (rep.size - 1) * dt))
        parts += [rep, pause]
        t += (rep.size + pause.size) * dt
    parts.append(np.zeros(int(tail_s * rate_hz)))
    return np.concatenate(parts), truth


def sensor_from_angles(
    angle_deg: NDArray[np.float64], *, rate_hz: float, axis: tuple[float, float, float] = (1.0, 0.0, 0.0),
    up0: tuple[float, float, float] = (0.0, 0.0, 1.0), mount: Rotation | None = None, noise_g: float = 0.0,
    seed: int = 0, t0_s: float = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Accelerometer (g) and gyro (deg/s) of a segment rotating by ``angle_deg`` about ``axis``.

    Only gravity (no linear acceleration): the tilt seen by the sensor equals the angle.
    """
    n = angle_deg.size
    t = t0_s + np.arange(n) / rate_hz
    ax = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    rot = Rotation.from_rotvec(np.radians(angle_deg)[:, None] * ax[None, :])
    up_seg = rot.inv().apply(np.asarray(up0, dtype=float))  # world up seen from the segment
    omega_seg = np.gradient(angle_deg, 1.0 / rate_hz)[:, None] * ax[None, :]
    if mount is not None:
        up_seg = mount.inv().apply(up_seg)
        omega_seg = mount.inv().apply(omega_seg)
    rng = np.random.default_rng(seed)
    acc = up_seg + rng.normal(0, noise_g, up_seg.shape) if noise_g else up_seg
    return t, acc, omega_seg


G_MS2 = 9.80665


def hinge_without_gyro(angle_deg: NDArray[np.float64], *, rate_hz: float, radius_m: float, noise_g: float = 0.005,
                       seed: int = 2, up0: tuple[float, float, float] = (0.0, 0.0, 1.0)) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Times and accelerometer (g) of a sensor ``radius_m`` from the joint of a segment turning by
    ``angle_deg`` about x: the segment's tangential and centripetal acceleration added to gravity
    (specific force), as a thigh (0.2 m) or shank (0.6 m) sensor feels it in a quick lift.
    The segment lies along the sensor's z; ``up0`` is gravity's reaction at angle 0: along the
    segment by default (a leg hanging, standing), across it for a leg lying down (``(0, 1, 0)``)."""
    t, acc, _ = sensor_from_angles(angle_deg, rate_hz=rate_hz, up0=up0, noise_g=noise_g, seed=seed)
    w = np.radians(np.gradient(angle_deg, 1.0 / rate_hz))
    alpha = np.gradient(w, 1.0 / rate_hz)
    # the sensor at -r z (segment frame: below the joint): alpha x r = alpha r y; centripetal w^2 r z
    return t, acc + np.stack([np.zeros_like(w), alpha * radius_m / G_MS2, w ** 2 * radius_m / G_MS2], axis=1)


def quick_reps_deg(n: int, *, rate_hz: float, rom_deg: float = 25.0, rep_s: float = 0.6, gap_s: float = 0.1,
                   seed: int = 1) -> tuple[NDArray[np.float64], list[float]]:
    """``n`` quick minimum-jerk reps back to back (tilt, deg; each +-10 % in range, +-15 % in
    duration) and each rep's start (s from the first sample)."""
    rng = np.random.default_rng(seed)
    parts, starts, at = [], [], 0
    for _ in range(n):
        r = rom_deg * rng.uniform(0.9, 1.1)
        s = rep_s * rng.uniform(0.85, 1.15)
        up, down = (int(round(0.5 * s * rate_hz)),) * 2
        piece = np.concatenate([r * min_jerk(up), r * (1 - min_jerk(down)), np.zeros(int(round(gap_s * rate_hz)))])
        starts.append(at / rate_hz)
        parts.append(piece)
        at += piece.size
    return np.concatenate(parts), starts
