"""Exercise motion: how a set of reps moves the body, for each kind of exercise.

A rep is a rotation of the moving segment about an axis of its own frame by the rep's
range of motion: a minimum-jerk lift, a hold, a minimum-jerk lower.  Four kinematic
models cover the programme:

* :attr:`MotionKind.LEG_LIFT` - the thigh rotates at the hip; the shank goes with it
  (knee angle fixed, unless the set lets the knee bend: ``SetPhase.knee_flex_ratio``).  A pelvic compensation rotates the pelvis about the *same* world axis
  around the other hip, so the thigh's world rotation is hip ROM + pelvic rise.
* :attr:`MotionKind.KNEE_EXTENSION` - the shank rotates at the knee.
* :attr:`MotionKind.BRIDGE` - the pelvis tilts about its ``z`` around the shoulders and
  rises; thigh and shank follow from a closed chain with the feet planted.
* :attr:`MotionKind.SQUAT` - the thigh flexes with the feet planted; shank and pelvis tilt
  forward in proportion.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from tracker.core.exercises import ExerciseDefinition, Posture
from tracker.core.recording import STANDARD_GRAVITY_MS2, Placement
from tracker.simulate.body import UP, BodyDimensions, BodyPosture, BodyState, Perturbation, Pose, squat_chain
from tracker.simulate.kinematics import (
    Burst,
    FloatArray,
    MinJerkStep,
    Profile,
    axis_angle_matrix,
    frame_from_long_axis,
)

_Y = np.array([0.0, 1.0, 0.0])
_Z = np.array([0.0, 0.0, 1.0])

#: Spacing of the sub-movements of a jerky phase, as a fraction of one sub-movement's duration.
SUBMOVEMENT_SPACING = 0.7


class MotionKind(enum.Enum):
    LEG_LIFT = "leg-lift"
    KNEE_EXTENSION = "knee-extension"
    BRIDGE = "bridge"
    SQUAT = "squat"


def motion_kind(definition: ExerciseDefinition) -> MotionKind:
    """Which kinematic model simulates ``definition``."""
    if definition.name == "squat":
        return MotionKind.SQUAT
    if definition.moving_segment is Placement.PELVIS:
        return MotionKind.BRIDGE
    if definition.moving_segment is Placement.SHANK:
        return MotionKind.KNEE_EXTENSION
    return MotionKind.LEG_LIFT


def rest_posture(definition: ExerciseDefinition) -> BodyPosture:
    """The body posture the reps start from."""
    if definition.name == "clamshell":
        return BodyPosture.SIDE_LYING_BENT
    return {
        Posture.STANDING: BodyPosture.STANDING,
        Posture.SEATED: BodyPosture.SEATED_HIGH,
        Posture.SUPINE: BodyPosture.SUPINE,
        Posture.PRONE: BodyPosture.PRONE,
        Posture.SIDE_LYING: BodyPosture.SIDE_LYING,
        Posture.HOOK_LYING: BodyPosture.HOOK_LYING,
    }[definition.start_posture]


def lift_axis(definition: ExerciseDefinition) -> FloatArray:
    """The rotation axis of the lift in the moving segment's frame, right-hand rule.

    ``axis_in_segment`` is used as declared, except that an axis along the anterior ``x``
    (abduction, clamshell) is oriented so that the knee moves laterally, i.e. to ``+z`` for
    the right leg.  (By the right-hand rule ``+x`` would move a right knee medially; the
    declared sign is read as "the abduction axis" and the simulator follows the anatomy.)
    """
    axis = np.asarray(definition.axis_in_segment, dtype=float)
    axis = axis / np.linalg.norm(axis)
    distal_velocity = np.cross(axis, -_Y)
    if abs(axis[0]) > 0.5 and distal_velocity[2] < 0.0:
        axis = -axis
    return axis + 0.0  # no negative zeros in the labels


@dataclass(frozen=True)
class RepMotion:
    """Timing and size of one rep, in seconds from the start of its set phase.

    ``lift_fractions`` / ``lower_fractions`` split a phase into sub-movements (one entry:
    smooth).  ``tremor`` is added to the moving segment's angle (amplitudes in degrees).
    ``pelvis_deg`` is the pelvic compensation at the top (pelvic rise for leg lifts, roll for
    the bridge); ``pelvis_sign`` its direction for the bridge roll.  ``lower_rom_deg`` is how far
    the lowering goes back (``None``: all the way, ``joint_rom_deg``); ``extra_steps`` are further
    moves of the segment's angle that are no rep (a rebound at the top, a landing rebound).
    """

    start_s: float
    lift_s: float
    hold_s: float
    lower_s: float
    joint_rom_deg: float
    pelvis_deg: float = 0.0
    pelvis_sign: float = 1.0
    lift_fractions: tuple[float, ...] = (1.0,)
    lower_fractions: tuple[float, ...] = (1.0,)
    tremor: tuple[Burst, ...] = ()
    lower_rom_deg: float | None = None
    extra_steps: tuple[MinJerkStep, ...] = ()

    @property
    def lift_end_s(self) -> float:
        return self.start_s + self.lift_s

    @property
    def lower_start_s(self) -> float:
        return self.lift_end_s + self.hold_s

    @property
    def end_s(self) -> float:
        return self.lower_start_s + self.lower_s

    @property
    def peak_s(self) -> float:
        """Middle of the top position."""
        return self.lift_end_s + 0.5 * self.hold_s


def _phase_steps(start_s: float, duration_s: float, amplitude: float, fractions: tuple[float, ...]) -> list[MinJerkStep]:
    k = len(fractions)
    d = duration_s / (1.0 + (k - 1) * SUBMOVEMENT_SPACING)
    total = float(sum(fractions))
    return [
        MinJerkStep(start_s + j * SUBMOVEMENT_SPACING * d, d, amplitude * f / total) for j, f in enumerate(fractions)
    ]


def rep_profiles(reps: tuple[RepMotion, ...]) -> tuple[Profile, Profile]:
    """The moving segment's angle and the pelvic compensation (both degrees) over a set."""
    angle_steps: list[MinJerkStep] = []
    pelvis_steps: list[MinJerkStep] = []
    bursts: list[Burst] = []
    for r in reps:
        angle_steps += _phase_steps(r.start_s, r.lift_s, r.joint_rom_deg, r.lift_fractions)
        lower = r.joint_rom_deg if r.lower_rom_deg is None else r.lower_rom_deg
        angle_steps += _phase_steps(r.lower_start_s, r.lower_s, -lower, r.lower_fractions)
        angle_steps += r.extra_steps
        bursts += r.tremor
        if r.pelvis_deg:
            # The compensation starts a little after the leg and is complete at the top.
            amp = r.pelvis_deg * r.pelvis_sign
            pelvis_steps.append(MinJerkStep(r.start_s + 0.1 * r.lift_s, 0.9 * r.lift_s, amp))
            pelvis_steps.append(MinJerkStep(r.lower_start_s, 0.9 * r.lower_s, -amp))
    return Profile(tuple(angle_steps), tuple(bursts)), Profile(tuple(pelvis_steps))


# --------------------------------------------------------------------------- kinematic models
def leg_lift_state(
    rest: Pose,
    dims: BodyDimensions,
    axis: FloatArray,
    theta_rad: FloatArray,
    pelvis_rad: FloatArray,
    knee_rad: FloatArray | None = None,
) -> BodyState:
    """Thigh rotation ``theta_rad`` about ``axis`` (thigh frame) plus pelvic compensation.

    The pelvis turns by ``pelvis_rad`` about the same world axis, around the left hip joint
    centre (frontal-plane hike for abduction, sagittal tilt for flexion/extension, roll-back
    for the clamshell); the thigh, attached at the right hip, turns with it.  ``knee_rad``
    flexes the knee (the shank about its own ``z``, the way :class:`~tracker.simulate.body.WalkPhase`
    bends it): it adds to the shank's turn in an extension lift, is out of the plane of an
    abduction (the shank still turns further) and takes from a flexion lift.
    """
    world_axis = rest.thigh_r @ axis
    pelvis_axis = rest.pelvis_r.T @ world_axis
    rp = rest.pelvis_r[None] @ axis_angle_matrix(pelvis_axis, pelvis_rad)
    pelvis_turn = rp @ rest.pelvis_r.T[None]
    pivot = rest.hip_m - dims.hip_width_m * rest.pelvis_r[:, 2]  # the other (left) hip
    hip = pivot[None] + pelvis_turn @ (rest.hip_m - pivot)
    rt = pelvis_turn @ rest.thigh_r[None] @ axis_angle_matrix(axis, theta_rad)
    rs = rt @ (rest.thigh_r.T @ rest.shank_r)[None]
    if knee_rad is not None:
        rs = rs @ axis_angle_matrix(_Z, -knee_rad)
    return BodyState(rp, hip, rt, rs)


def knee_extension_state(rest: Pose, axis: FloatArray, theta_rad: FloatArray) -> BodyState:
    """Shank rotation ``theta_rad`` about ``axis`` (shank frame); thigh and pelvis stay."""
    m = len(theta_rad)
    base = rest.repeat(m)
    return BodyState(base.pelvis_r, base.hip_m, base.thigh_r, rest.shank_r[None] @ axis_angle_matrix(axis, theta_rad))


def bridge_state(
    rest: Pose, dims: BodyDimensions, tilt_rad: FloatArray, roll_rad: FloatArray
) -> BodyState:
    """Hip raise: the pelvis tilts about its ``z`` (and rolls about its ``y``) around the shoulders.

    The shoulders and the ankles stay put; the hip rises on a circle about the shoulders;
    the knee follows from the two leg lengths (sphere intersection), staying on the side it
    started on.
    """
    rp0 = rest.pelvis_r
    half_width = 0.5 * dims.hip_width_m
    centre0 = rest.hip_m - half_width * rp0[:, 2]
    shoulders = centre0 + dims.trunk_length_m * rp0[:, 1]
    knee0 = rest.hip_m - dims.thigh_length_m * rest.thigh_r[:, 1]
    ankle = knee0 - dims.shank_length_m * rest.shank_r[:, 1]

    rp = rp0[None] @ axis_angle_matrix(_Z, tilt_rad) @ axis_angle_matrix(_Y, roll_rad)
    centre = shoulders[None] - dims.trunk_length_m * rp[:, :, 1]
    hip = centre + half_width * rp[:, :, 2]

    to_ankle = ankle[None] - hip
    dist = np.linalg.norm(to_ankle, axis=1)
    u = to_ankle / dist[:, None]
    l1, l2 = dims.thigh_length_m, dims.shank_length_m
    along = (l1 * l1 - l2 * l2 + dist * dist) / (2.0 * dist)
    across = np.sqrt(np.maximum(l1 * l1 - along * along, 0.0))
    # Direction of the knee off the hip-ankle line, taken from the rest pose.
    u0 = (ankle - rest.hip_m) / np.linalg.norm(ankle - rest.hip_m)
    off0 = (knee0 - rest.hip_m) - np.dot(knee0 - rest.hip_m, u0) * u0
    ref = off0 / np.linalg.norm(off0)
    n = ref[None] - np.sum(ref[None] * u, axis=1, keepdims=True) * u
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    knee = hip + along[:, None] * u + across[:, None] * n
    rt = frame_from_long_axis(hip - knee, rest.thigh_r[:, 2])
    rs = frame_from_long_axis(knee - ankle[None], rest.shank_r[:, 2])
    return BodyState(rp, hip, rt, rs)


#: How a landing's jolt reaches each segment (pelvis, thigh, shank): strongest near the foot
#: or heel that meets the floor or the bed, as in :class:`~tracker.simulate.body.WalkPhase`.
LANDING_GAINS = np.array([0.3, 0.5, 1.0])


@dataclass(frozen=True)
class Landing:
    """The jolt of the leg landing at the end of a rep: a damped upward ``frequency_hz``
    oscillation of peak ``peak_g`` starting at ``time_s`` (set time)."""

    time_s: float
    peak_g: float
    frequency_hz: float
    tau_s: float


def landing_accelerations(landings: tuple[Landing, ...], tau_s: FloatArray) -> FloatArray:
    """World-frame extra accelerations ``(m, 3 segments, 3)`` of ``landings`` at set times ``tau_s``."""
    out = np.zeros((len(tau_s), 3, 3))
    for lnd in landings:
        i0 = int(np.searchsorted(tau_s, lnd.time_s, side="left"))
        i1 = int(np.searchsorted(tau_s, lnd.time_s + 8.0 * lnd.tau_s, side="left"))
        if i1 <= i0:
            continue
        dt = tau_s[i0:i1] - lnd.time_s
        w = lnd.peak_g * STANDARD_GRAVITY_MS2 * np.exp(-dt / lnd.tau_s) * np.sin(2.0 * np.pi * lnd.frequency_hz * dt)
        out[i0:i1] += w[:, None, None] * LANDING_GAINS[None, :, None] * UP[None, None, :]
    return out


@dataclass(frozen=True, eq=False)
class SetPhase:
    """One set of reps from a rest pose, with sway, tremor and a slow drift of the posture.

    ``knee_flex_ratio`` bends the knee of a leg lift by that share of the hip's rotation;
    ``landings`` are the jolts of the leg landing (both off by default: the clean simulator).
    """

    rest: Pose
    dims: BodyDimensions
    kind: MotionKind
    axis: FloatArray
    reps: tuple[RepMotion, ...]
    duration_s: float
    perturbation: Perturbation = field(default_factory=Perturbation)
    shank_ratio: float = 0.45
    pelvis_ratio: float = 0.4
    knee_flex_ratio: float = 0.0
    landings: tuple[Landing, ...] = ()
    _profiles: tuple[Profile, Profile] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_profiles", rep_profiles(self.reps))

    def angles_deg(self, tau_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The moving segment's angle and the pelvic compensation (degrees) at set times ``tau_s``."""
        angle_profile, pelvis_profile = self._profiles
        return angle_profile(tau_s), pelvis_profile(tau_s)

    def state(self, tau_s: FloatArray) -> BodyState:
        theta_deg, pelvis_deg = self.angles_deg(tau_s)
        st = self.kinematic_state(np.radians(theta_deg), np.radians(pelvis_deg))
        if self.landings:
            st = BodyState(st.pelvis_r, st.hip_m, st.thigh_r, st.shank_r, landing_accelerations(self.landings, tau_s))
        return self.perturbation.apply(st, tau_s, self.duration_s)

    def kinematic_state(self, theta: FloatArray, pelvis: FloatArray) -> BodyState:
        """The body at the rep angle ``theta`` and pelvic compensation ``pelvis`` (radians),
        without sway, drift or tremor."""
        if self.kind is MotionKind.LEG_LIFT:
            knee = self.knee_flex_ratio * theta if self.knee_flex_ratio else None
            st = leg_lift_state(self.rest, self.dims, self.axis, theta, pelvis, knee)
        elif self.kind is MotionKind.KNEE_EXTENSION:
            st = knee_extension_state(self.rest, self.axis, theta)
        elif self.kind is MotionKind.BRIDGE:
            st = bridge_state(self.rest, self.dims, theta, pelvis)
        else:
            st = squat_chain(
                self.rest, self.dims, theta, shank_ratio=self.shank_ratio, pelvis_ratio=self.pelvis_ratio
            )
        return st
