"""Simulated calibration recordings with known truth: the six-pose device calibration.

The sensor is laid on each face in turn (not quite flat: a few degrees of tilt), held for
``hold_s``, and turned to the next face in about a second. The accelerometer reads
``a_true / scale + offset`` plus noise, so a calibration should recover ``offset_g`` and
``scale``. ``bump_in_pose`` puts a knock into one hold (its index), to test rejection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.core.recording import Recording, RecordingMeta

_FACES = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=np.float64)


@dataclass(frozen=True)
class SixPoseTruth:
    offset_g: tuple[float, float, float]
    scale: tuple[float, float, float]


def _slerp(a: NDArray[np.float64], b: NDArray[np.float64], s: NDArray[np.float64]) -> NDArray[np.float64]:
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    om = np.arccos(np.clip(a @ b, -1, 1))
    if om < 1e-6:
        return np.repeat(a[None], len(s), axis=0)
    if np.pi - om < 1e-3:  # opposite faces: go through a perpendicular one
        mid = np.cross(a, [0.3, 0.5, 0.8])
        mid /= np.linalg.norm(mid)
        half = s < 0.5
        out = np.empty((len(s), 3))
        out[half] = _slerp(a, mid, 2 * s[half])
        out[~half] = _slerp(mid, b, 2 * s[~half] - 1)
        return out
    return (np.sin((1 - s) * om)[:, None] * a + np.sin(s * om)[:, None] * b) / np.sin(om)


def simulate_six_poses(*, seed: int = 0, rate_hz: float = 50.0, hold_s: float = 5.0, offset_g: tuple[float, float, float] = (0.03, -0.02, 0.05),
                       scale: tuple[float, float, float] = (1.02, 0.97, 1.01), noise_g: float = 0.003,
                       bump_in_pose: int | None = None) -> tuple[Recording, SixPoseTruth]:
    rng = np.random.default_rng(seed)
    dt = 1.0 / rate_hz
    ups: list[NDArray[np.float64]] = []
    prev = None
    for face in _FACES:
        tilt = rng.normal(0, np.radians(3.0), 3)
        up = face + np.cross(tilt, face)
        up /= np.linalg.norm(up)
        if prev is not None:
            n = int(1.2 * rate_hz)
            s = 0.5 - 0.5 * np.cos(np.pi * np.arange(1, n + 1) / n)
            ups.extend(_slerp(prev, up, s))
        n = int(hold_s * rate_hz)
        pose = np.repeat(up[None], n, axis=0)
        if bump_in_pose is not None and np.allclose(face, _FACES[bump_in_pose]):
            k0 = int(0.6 * n)
            k = np.arange(int(0.3 * rate_hz))
            pose[k0:k0 + k.size] += 0.25 * np.sin(np.pi * k / k.size)[:, None] * np.array([0.6, 0.8, 0.0])
        if prev is None:  # a still second on the table first
            ups.extend(np.repeat(up[None], int(rate_hz), axis=0))
        ups.extend(pose)
        prev = up
    true = np.array(ups)
    raw = true / np.asarray(scale) + np.asarray(offset_g) + rng.normal(0, noise_g, true.shape)
    raw = np.round(raw * 2048) / 2048  # a 16-bit +-16 g accelerometer's resolution
    t = np.arange(len(raw), dtype=np.float64) * dt
    meta = RecordingMeta(sensor="simulated", sample_rate_hz=rate_hz, simulated=True,
                         extra=(("calibration", "device six poses"), ("seed", str(seed))))
    return Recording(t, np.asarray(raw, dtype=np.float64), None, meta), SixPoseTruth(offset_g, scale)
