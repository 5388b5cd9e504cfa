"""Mounting calibration (pure): still in the start posture -> sensor-to-segment rotation.

Gravity seen by the sensor while the person is still in the exercise's start posture fixes
how the sensor sits on the segment, up to a turn about the vertical (a static pose cannot
show that turn; the rep axis measured during a session can). The rotation stored is the
smallest one taking the measured "up" onto the segment's "up" in that posture.

The analysis uses it to check each set's start posture: a set that starts far from the
calibrated posture means the strap slipped, or the person is not in the position the
exercise asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracker.core.exercises import UP_IN_SEGMENT, ExerciseDefinition, Posture
from tracker.core.recording import Placement

Vec3 = tuple[float, float, float]

#: a set starting further than this from the calibrated start posture gets a warning
START_POSTURE_TOL_DEG = 20.0

#: the start postures as the person exercising would say them (the mounting message is for them)
POSTURE_WORDS = {
    Posture.STANDING: "standing", Posture.SUPINE: "lying on your back", Posture.PRONE: "lying on your front",
    Posture.SIDE_LYING: "lying on your side", Posture.SEATED: "sitting", Posture.HOOK_LYING: "lying on your back, knees bent",
    Posture.ANY: "in your start position",
}
#: "up" within this angle of the sensor's face normal (+z) counts as "face up" (or "face down"),
#: beyond it the sensor is "on its edge": about the limit a person would still call it flat
FACE_FLAT_DEG = 45.0
#: how still the hold was, in words: below this RMS the person held very still (a strapped sensor at
#: rest shows 10-15 mg of noise and breathing); the hold itself was accepted at up to 60 mg per axis
VERY_STILL_G = 0.02


def how_it_sits(up_sensor: Sequence[float]) -> str:
    """Which way the sensor's face (+z, the side with the logo or screen on most wearables) points."""
    z = float(np.clip(up_sensor[2], -1.0, 1.0))
    tilt_deg = float(np.degrees(np.arccos(abs(z))))
    if tilt_deg > FACE_FLAT_DEG:
        return "on its edge"
    return "face up" if z > 0 else "face down"


def expected_up(posture: Posture, placement: Placement) -> Vec3:
    """Direction of "up" in the segment frame (ISB axes) in a posture."""
    if placement in (Placement.PELVIS, Placement.SHANK) and posture is Posture.SEATED:
        return (0.0, 1.0, 0.0)  # seated: the pelvis upright, the shank hanging
    if placement is Placement.PELVIS and posture is Posture.HOOK_LYING:
        return UP_IN_SEGMENT[Posture.SUPINE]
    return UP_IN_SEGMENT.get(posture, (0.0, 1.0, 0.0))


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    return v / float(np.linalg.norm(v))


#: ``a + b`` shorter than this: the vectors are taken as opposite (see :func:`minimal_rotation`)
_OPPOSITE_TOLERANCE = 1e-8


def minimal_rotation(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """The smallest rotation matrix taking unit vector ``a`` onto unit vector ``b``.

    Built as a half turn about the bisector of ``a`` and ``b`` followed by a half turn about
    ``b``: a rotation about ``a x b`` by the angle between them, stable down to opposite
    vectors (then any axis across ``a`` will do).
    """
    a, b = _unit(np.asarray(a, dtype=np.float64)), _unit(np.asarray(b, dtype=np.float64))
    s = a + b
    # nearly opposite, the bisector is rounding error (a and b 1e-12 from opposite turned a onto
    # a point 1.6e-4 from b: found by the property test); a half turn across ``a`` is off by no
    # more than this instead
    if float(np.linalg.norm(s)) < _OPPOSITE_TOLERANCE:
        p = np.eye(3)[int(np.argmin(np.abs(a)))]
        h = _unit(np.cross(a, p))
    else:
        h = _unit(s)
    eye = np.eye(3)
    return (2.0 * np.outer(b, b) - eye) @ (2.0 * np.outer(h, h) - eye)


@dataclass(frozen=True)
class Mounting:
    up_sensor: Vec3  # "up" in the sensor frame in the start posture (unit)
    up_segment: Vec3  # "up" in the segment frame in that posture
    rotation: tuple[Vec3, Vec3, Vec3]  # sensor -> segment, rows
    posture: str
    placement: str
    tilt_from_expected_deg: float  # angle the rotation turns: how the sensor sits on the segment
    still_spread_g: float  # how still the person was (RMS deviation in the hold)

    def to_json(self) -> dict[str, Any]:
        return {"up_sensor": list(self.up_sensor), "up_segment": list(self.up_segment), "rotation": [list(r) for r in self.rotation],
                "posture": self.posture, "placement": self.placement, "tilt_from_expected_deg": self.tilt_from_expected_deg,
                "still_spread_g": self.still_spread_g}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Mounting:
        def v(x: Sequence[float]) -> Vec3:
            return (float(x[0]), float(x[1]), float(x[2]))
        rot = d["rotation"]
        return cls(v(d["up_sensor"]), v(d["up_segment"]), (v(rot[0]), v(rot[1]), v(rot[2])), d["posture"], d["placement"],
                   float(d["tilt_from_expected_deg"]), float(d["still_spread_g"]))

    @property
    def quality(self) -> str:
        """What was saved, in the words of the person who wears the sensor (any orientation on the
        segment works: what matters is that the strap stays where it was)."""
        posture = POSTURE_WORDS.get(Posture(self.posture), self.posture)
        still = "very still" if self.still_spread_g < VERY_STILL_G else "still enough"
        return (f"start position saved ({posture}, sensor on the {self.placement}, {how_it_sits(self.up_sensor)}); you held "
                f"{still} ({1000 * self.still_spread_g:.0f} mg); any way round is fine: keep the strap where it is, and "
                f"reptrack warns at the start of a set if it has slipped")


def mounting_from_still(accel_g: NDArray[np.float64], exercise: ExerciseDefinition, placement: Placement) -> Mounting:
    a = np.asarray(accel_g, dtype=np.float64)
    mean = a.mean(axis=0)
    up_s = _unit(mean)
    up_seg = np.asarray(expected_up(exercise.start_posture, placement), dtype=np.float64)
    up_seg = _unit(up_seg)
    r = minimal_rotation(up_s, up_seg)
    angle = float(np.degrees(np.arccos(np.clip(up_s @ up_seg, -1.0, 1.0))))
    spread = float(np.sqrt(np.mean(np.sum((a - mean) ** 2, axis=1))))
    rows = tuple((float(x[0]), float(x[1]), float(x[2])) for x in r)
    return Mounting((float(up_s[0]), float(up_s[1]), float(up_s[2])), (float(up_seg[0]), float(up_seg[1]), float(up_seg[2])),
                    rows, exercise.start_posture.value, placement.value, angle, spread)  # type: ignore[arg-type]


def start_posture_offsets(t_s: NDArray[np.float64], accel_g: NDArray[np.float64], set_starts_s: Sequence[float],
                          up_sensor: Sequence[float], *, window_s: float = 1.0) -> list[float | None]:
    """Angle (deg) between the posture just before each set and the calibrated start posture.

    ``None`` for a set with no samples in the second before it.
    """
    ref = _unit(np.asarray(up_sensor, dtype=np.float64))
    out: list[float | None] = []
    for s in set_starts_s:
        a, b = np.searchsorted(t_s, [s - window_s, s])
        if b <= a:
            out.append(None)
            continue
        up = _unit(np.asarray(accel_g[a:b]).mean(axis=0))
        out.append(float(np.degrees(np.arccos(np.clip(up @ ref, -1.0, 1.0)))))
    return out
