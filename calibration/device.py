"""Device calibration (pure): six static poses -> per-axis accelerometer offset and scale.

Model: ``a_true = (a_raw - offset_g) * scale`` per axis. In every still pose the true
specific force has magnitude 1 g, so offset and scale are found by least squares on
``|a_cal| - 1`` over every still sample of the six poses (each axis up and down) -- the
classic six-position calibration (e.g. Frosio et al., IEEE TIM 2009), which does not need
the poses to be exactly axis-aligned. The RMS of ``|a_cal| - 1`` is reported as the residual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracker.errors import CalibrationError
from tracker.pipeline.setup import AccelCorrection

Vec3 = tuple[float, float, float]

#: a pose's axis must carry at least this share of gravity to count as "that face up"
FACE_MIN_G = 0.8
#: the fit is refused above this residual (a sensor this far from a linear model, or poses
#: that were not still)
MAX_RESIDUAL_G = 0.02
#: offsets and scales beyond these are no plausible MEMS error: a wrong unit or a broken axis
MAX_OFFSET_G = 0.25
MAX_SCALE_ERROR = 0.15

FACES = ("+x", "-x", "+y", "-y", "+z", "-z")


def face_of(mean_g: NDArray[np.float64]) -> str | None:
    """Which face is up in a still pose (``"+z"`` when the z axis reads +1 g), or None."""
    k = int(np.argmax(np.abs(mean_g)))
    if abs(mean_g[k]) < FACE_MIN_G * float(np.linalg.norm(mean_g)):
        return None
    return ("+" if mean_g[k] > 0 else "-") + "xyz"[k]


@dataclass(frozen=True)
class DeviceCalibration:
    offset_g: Vec3
    scale: Vec3
    residual_g: float  # RMS of |a_cal| - 1 over the poses' samples
    residual_before_g: float  # the same, uncalibrated
    samples_used: int

    @property
    def correction(self) -> AccelCorrection:
        """The correction a session applies to the raw accelerometer."""
        return AccelCorrection(self.offset_g, self.scale)

    def apply(self, accel_g: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.correction.apply(accel_g)

    def to_json(self) -> dict[str, Any]:
        return {"offset_g": list(self.offset_g), "scale": list(self.scale), "residual_g": self.residual_g,
                "residual_before_g": self.residual_before_g, "samples_used": self.samples_used}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DeviceCalibration:
        o, s = d["offset_g"], d["scale"]
        return cls((float(o[0]), float(o[1]), float(o[2])), (float(s[0]), float(s[1]), float(s[2])),
                   float(d["residual_g"]), float(d["residual_before_g"]), int(d["samples_used"]))

    @property
    def quality(self) -> str:
        return (f"residual {1000 * self.residual_g:.1f} mg RMS (uncalibrated {1000 * self.residual_before_g:.1f} mg) "
                f"over {self.samples_used} samples")


def fit_six_pose(poses: Sequence[NDArray[np.float64]]) -> DeviceCalibration:
    """Fit offset and scale to the still samples of (at least) six poses, one per face.

    Parameters
    ----------
    poses:
        One ``(n, 3)`` array of still accelerometer samples (g) per pose.

    Raises
    ------
    CalibrationError
        A face is missing, or the fit is implausible (the message says which and why).
    """
    if len(poses) < 6:
        raise CalibrationError(f"six poses are needed (each axis up and down), got {len(poses)}")
    faces = [face_of(np.asarray(p).mean(axis=0)) for p in poses]
    missing = [f for f in FACES if f not in faces]
    if missing:
        raise CalibrationError(f"no pose with {', '.join(missing)} up: turn the sensor so each face points up once")
    a = np.concatenate([np.asarray(p, dtype=np.float64) for p in poses])
    # per-axis start: the classic up/down estimate
    o0 = np.zeros(3)
    s0 = np.ones(3)
    for k in range(3):
        up = np.mean([np.asarray(p).mean(axis=0)[k] for p, f in zip(poses, faces) if f == "+" + "xyz"[k]])
        down = np.mean([np.asarray(p).mean(axis=0)[k] for p, f in zip(poses, faces) if f == "-" + "xyz"[k]])
        o0[k] = 0.5 * (up + down)
        s0[k] = 2.0 / (up - down)

    from scipy.optimize import least_squares

    # weight every pose equally, however long it was held
    w = np.concatenate([np.full(len(p), 1.0 / np.sqrt(len(p))) for p in poses])

    def resid(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return w * (np.linalg.norm((a - x[:3]) * x[3:], axis=1) - 1.0)

    sol = least_squares(resid, np.concatenate([o0, s0]), method="lm")
    off, sc = sol.x[:3], sol.x[3:]
    res = float(np.sqrt(np.mean((np.linalg.norm((a - off) * sc, axis=1) - 1.0) ** 2)))
    before = float(np.sqrt(np.mean((np.linalg.norm(a, axis=1) - 1.0) ** 2)))
    if np.any(np.abs(off) > MAX_OFFSET_G) or np.any(np.abs(sc - 1.0) > MAX_SCALE_ERROR):
        raise CalibrationError(
            f"implausible calibration (offset {np.round(off, 3).tolist()} g, scale {np.round(sc, 3).tolist()}): "
            "is the accelerometer in g, and were the poses still?")
    if res > MAX_RESIDUAL_G:
        raise CalibrationError(f"the poses do not fit one calibration (residual {1000 * res:.0f} mg, limit {1000 * MAX_RESIDUAL_G:.0f} mg): "
                               "hold each pose still on a firm surface and try again")
    return DeviceCalibration((float(off[0]), float(off[1]), float(off[2])), (float(sc[0]), float(sc[1]), float(sc[2])),
                             res, before, int(a.shape[0]))
