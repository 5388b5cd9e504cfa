"""Body model, postures and setup motion (walking, turning, bending, changing posture).

World frame
-----------
z-up, right-handed: ``Z`` points up (against gravity), ``X`` and ``Y`` are horizontal.  At
the start of a recording the person faces a random heading.  Gravity is ``-9.80665 Z``
m/s^2, so an accelerometer at rest reads ``R^T Z`` (+1 g along "up").

Segments
--------
Three right-side segments, each an orientation ``R`` (segment -> world) following the ISB
frames used by :mod:`tracker.core.exercises` (``x`` anterior, ``y`` superior along the long
axis, ``z`` to the right), plus the world position of the right hip joint centre:

* pelvis: ``R_pelvis``; the right hip joint centre ``hip_m`` is its origin here;
* thigh: from the hip to the knee (``knee = hip - thigh_length * y_thigh``);
* shank: from the knee to the ankle (``ankle = knee - shank_length * y_shank``).

A state is a set of arrays over time (:class:`BodyState`); a phase of motion
(:class:`StillPhase`, :class:`WalkPhase`, ...) is an analytic function from phase time to a
state, which is how the scenario glues phases together without steps in velocity.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tracker.core.recording import STANDARD_GRAVITY_MS2, Placement
from tracker.simulate.kinematics import (
    FloatArray,
    Sines,
    axis_angle_matrix,
    bump,
    min_jerk,
    min_jerk_integral,
    rot_x,
    rot_z,
    rotvec_to_matrix,
    slerp_matrices,
    taper,
)

UP = np.array([0.0, 0.0, 1.0])
_X = np.array([1.0, 0.0, 0.0])
_Y = np.array([0.0, 1.0, 0.0])
_Z = UP

SEGMENTS: tuple[Placement, Placement, Placement] = (Placement.PELVIS, Placement.THIGH, Placement.SHANK)


# --------------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class BodyDimensions:
    """Segment lengths and where the sensors sit (metres).

    Sensor offsets are in the segment's own frame: the thigh sensor from the hip joint
    centre (on the lateral thigh), the shank sensor from the knee (front of the shin), the
    pelvis sensor from the right hip joint centre (on the sacrum).
    """

    thigh_length_m: float = 0.42
    shank_length_m: float = 0.42
    hip_width_m: float = 0.18  # between the hip joint centres
    trunk_length_m: float = 0.50  # pelvis centre to shoulders (bridge pivot)
    ankle_height_m: float = 0.07
    thigh_sensor_m: tuple[float, float, float] = (0.0, -0.25, 0.07)
    shank_sensor_m: tuple[float, float, float] = (0.04, -0.30, 0.0)
    pelvis_sensor_m: tuple[float, float, float] = (-0.12, 0.06, -0.09)


@dataclass(frozen=True, eq=False)
class Pose:
    """The body at one instant (world frame)."""

    pelvis_r: FloatArray  # (3, 3)
    hip_m: FloatArray  # (3,)
    thigh_r: FloatArray  # (3, 3)
    shank_r: FloatArray  # (3, 3)

    def repeat(self, m: int) -> BodyState:
        return BodyState(
            np.repeat(self.pelvis_r[None], m, axis=0),
            np.repeat(self.hip_m[None], m, axis=0),
            np.repeat(self.thigh_r[None], m, axis=0),
            np.repeat(self.shank_r[None], m, axis=0),
        )

    def transformed(self, yaw_rad: float, origin_m: FloatArray) -> Pose:
        """This pose (given in a heading frame) turned by ``yaw_rad`` about ``Z`` and moved to ``origin_m``."""
        yaw = rot_z(yaw_rad)
        return Pose(yaw @ self.pelvis_r, origin_m + yaw @ self.hip_m, yaw @ self.thigh_r, yaw @ self.shank_r)

    def heading_rad(self) -> float:
        """Facing direction (yaw of the pelvis' anterior axis); meaningful when upright."""
        fwd = self.pelvis_r[:, 0]
        return float(np.arctan2(fwd[1], fwd[0]))


@dataclass(frozen=True, eq=False)
class BodyState:
    """The body over ``m`` instants: orientations ``(m, 3, 3)``, hip position ``(m, 3)``.

    ``impact_ms2`` ``(m, 3, 3)`` holds extra world-frame accelerations of the pelvis,
    thigh and shank (heel-strike transients) that the rigid kinematics cannot produce.
    """

    pelvis_r: FloatArray
    hip_m: FloatArray
    thigh_r: FloatArray
    shank_r: FloatArray
    impact_ms2: FloatArray | None = None

    def __len__(self) -> int:
        return int(self.hip_m.shape[0])

    def pose(self, i: int = -1) -> Pose:
        return Pose(self.pelvis_r[i], self.hip_m[i], self.thigh_r[i], self.shank_r[i])

    def rotations(self, segment: Placement) -> FloatArray:
        return {Placement.PELVIS: self.pelvis_r, Placement.THIGH: self.thigh_r, Placement.SHANK: self.shank_r}[
            segment
        ]


def sensor_position_m(state: BodyState, dims: BodyDimensions, segment: Placement) -> FloatArray:
    """World position ``(m, 3)`` of the sensor on ``segment``."""
    if segment is Placement.PELVIS:
        return state.hip_m + state.pelvis_r @ np.asarray(dims.pelvis_sensor_m)
    if segment is Placement.THIGH:
        return state.hip_m + state.thigh_r @ np.asarray(dims.thigh_sensor_m)
    if segment is Placement.SHANK:
        knee = state.hip_m - dims.thigh_length_m * state.thigh_r[:, :, 1]
        return knee + state.shank_r @ np.asarray(dims.shank_sensor_m)
    raise ValueError(f"no sensor segment {segment!r}")


def _cols(x: FloatArray, y: FloatArray, z: FloatArray) -> FloatArray:
    return np.stack([x, y, z], axis=-1)


# Base orientations in a heading frame (person facing +X when upright, right = -Y).
STANDING_R = _cols(_X, _Z, -_Y)
# Lying: head towards -X of the base, then turned so the head points to +Y of the heading
# frame (the person sat on a bed edge facing +X and swung the legs onto the bed).
_LIE_YAW = rot_z(-np.pi / 2.0)
SUPINE_R = _LIE_YAW @ _cols(_Z, -_X, -_Y)
PRONE_R = _LIE_YAW @ _cols(-_Z, -_X, _Y)
SIDE_LYING_R = _LIE_YAW @ _cols(_Y, -_X, _Z)  # on the left side, right leg on top


class BodyPosture(enum.Enum):
    """Postures the simulator can put the body in (finer than :class:`tracker.core.exercises.Posture`)."""

    STANDING = "standing"
    SEATED_HIGH = "seated-high"  # on a high surface, feet off the floor (knee extension)
    BED_EDGE = "bed-edge"  # sitting on the edge of the bed on the way to lying down
    SUPINE = "supine"
    HOOK_LYING = "hook-lying"
    PRONE = "prone"
    SIDE_LYING = "side-lying"
    SIDE_LYING_BENT = "side-lying-bent"  # clamshell: hips ~45 deg, knees ~90 deg


LYING_POSTURES = frozenset(
    {BodyPosture.SUPINE, BodyPosture.HOOK_LYING, BodyPosture.PRONE, BodyPosture.SIDE_LYING, BodyPosture.SIDE_LYING_BENT}
)


@dataclass(frozen=True, eq=False)
class Person:
    """One simulated person: dimensions and personal deviations from the textbook postures.

    ``variations`` maps a posture to small rotation vectors (rad) of pelvis, thigh and shank
    applied in each segment's frame, so two people never lie exactly alike.
    """

    dims: BodyDimensions
    variations: dict[BodyPosture, FloatArray] = field(default_factory=dict)

    @staticmethod
    def draw(rng: np.random.Generator) -> Person:
        scale = rng.uniform(0.92, 1.08)
        hip_width_m = rng.uniform(0.16, 0.20)
        dims = BodyDimensions(
            thigh_length_m=0.42 * scale,
            shank_length_m=0.42 * scale,
            hip_width_m=hip_width_m,
            trunk_length_m=0.50 * scale,
            thigh_sensor_m=(rng.uniform(-0.02, 0.03), -rng.uniform(0.20, 0.30), rng.uniform(0.05, 0.08)),
            shank_sensor_m=(rng.uniform(0.03, 0.05), -rng.uniform(0.26, 0.33), rng.uniform(-0.02, 0.02)),
            pelvis_sensor_m=(-rng.uniform(0.10, 0.13), rng.uniform(0.03, 0.08), -0.5 * hip_width_m + rng.uniform(-0.01, 0.01)),
        )
        return Person(dims, {p: draw_variation(rng) for p in BodyPosture})


def draw_variation(rng: np.random.Generator) -> FloatArray:
    """Small random posture deviations: pelvis ~1.5 deg, thigh and shank ~2 deg (clipped at 4 deg)."""
    sd = np.radians(np.array([1.5, 2.0, 2.0]))[:, None]
    return np.clip(rng.normal(0.0, 1.0, size=(3, 3)) * sd, -np.radians(4.0), np.radians(4.0))


def posture_pose(
    posture: BodyPosture, person: Person, *, yaw_rad: float, origin_m: FloatArray, variation: FloatArray | None = None
) -> Pose:
    """The rest pose of ``posture`` in the world.

    The heading frame has the person facing ``+X`` (turned by ``yaw_rad``) with its origin
    at ``origin_m`` on the floor.  Standing: right hip above the origin.  Seated / lying:
    the seat or the bed is behind (``-X``); lying, the head points to ``+Y``.
    """
    d = person.dims
    var = person.variations[posture] if variation is None else variation
    vp, vt, vs = (rotvec_to_matrix(v[None])[0] for v in var)
    deg = np.radians
    if posture is BodyPosture.STANDING:
        rp, rt, rs = STANDING_R @ vp, STANDING_R @ vt, STANDING_R @ vs
        hip_z = d.ankle_height_m + d.thigh_length_m * rt[2, 1] + d.shank_length_m * rs[2, 1]
        hip = np.array([0.0, 0.0, hip_z])
    elif posture in (BodyPosture.SEATED_HIGH, BodyPosture.BED_EDGE):
        rp = STANDING_R @ rot_z(deg(8.0)) @ vp  # slight posterior pelvic tilt when sitting
        rt = STANDING_R @ rot_z(deg(90.0)) @ vt
        rs = rt @ rot_z(deg(-90.0)) @ vs
        hip = np.array([-0.2, 0.0, 0.65 if posture is BodyPosture.SEATED_HIGH else 0.6])
    elif posture is BodyPosture.SUPINE:
        rp, rt, rs = SUPINE_R @ vp, SUPINE_R @ vt, SUPINE_R @ vs
        hip = np.array([-0.55, 0.0, 0.6])
    elif posture is BodyPosture.HOOK_LYING:
        rp = SUPINE_R @ vp
        rt = SUPINE_R @ rot_z(deg(45.0)) @ vt
        rs = rt @ rot_z(deg(-90.0)) @ vs
        hip = np.array([-0.55, 0.0, 0.6])
    elif posture is BodyPosture.PRONE:
        rp, rt, rs = PRONE_R @ vp, PRONE_R @ vt, PRONE_R @ vs
        hip = np.array([-0.55, 0.0, 0.62])
    elif posture is BodyPosture.SIDE_LYING:
        rp = SIDE_LYING_R @ vp
        # Top leg slightly flexed and resting adducted on the bottom leg (knee below the hip).
        rt = SIDE_LYING_R @ rot_z(deg(10.0)) @ rot_x(deg(6.0)) @ vt
        rs = rt @ vs
        hip = np.array([-0.55, 0.0, 0.6 + d.hip_width_m])
    elif posture is BodyPosture.SIDE_LYING_BENT:
        rp = SIDE_LYING_R @ vp
        rt = SIDE_LYING_R @ rot_z(deg(45.0)) @ rot_x(deg(4.0)) @ vt
        rs = rt @ rot_z(deg(-90.0)) @ vs
        hip = np.array([-0.55, 0.0, 0.6 + d.hip_width_m])
    else:  # pragma: no cover - enum is exhaustive
        raise ValueError(posture)
    return Pose(rp, hip, rt, rs).transformed(yaw_rad, np.asarray(origin_m, dtype=float))


# --------------------------------------------------------------------------- phases
class Phase(Protocol):
    """A stretch of motion: an analytic function of phase time ``tau_s`` in ``[0, duration_s]``."""

    @property
    def duration_s(self) -> float: ...

    def state(self, tau_s: FloatArray) -> BodyState: ...


def end_pose(phase: Phase) -> Pose:
    """The exact pose at the end of ``phase`` (where the next phase must start)."""
    return phase.state(np.array([phase.duration_s])).pose(0)


@dataclass(frozen=True)
class Fidget:
    """A small excursion-and-return of one segment (scratching, shifting weight)."""

    segment: int  # 0 pelvis, 1 thigh, 2 shank
    start_s: float
    duration_s: float
    rotvec_rad: tuple[float, float, float]


@dataclass(frozen=True, eq=False)
class Perturbation:
    """Small motions on top of a phase: sway, fidgets and slow drift of the posture.

    Sway and fidgets fade in and out (zero at both ends of the phase); the drift grows
    from zero to ``drift_rad[segment]`` over the phase (so the next phase starts from the
    drifted posture).
    """

    sway: tuple[Sines, Sines, Sines] = (Sines.zero(), Sines.zero(), Sines.zero())
    hip_sway: Sines = field(default_factory=Sines.zero)
    fidgets: tuple[Fidget, ...] = ()
    drift_rad: FloatArray = field(default_factory=lambda: np.zeros((3, 3)))
    tremor: tuple[Sines, Sines, Sines] = (Sines.zero(), Sines.zero(), Sines.zero())
    ramp_s: float = 0.6

    def apply(self, state: BodyState, tau_s: FloatArray, duration_s: float) -> BodyState:
        win = taper(tau_s, duration_s, self.ramp_s)[:, None]
        grow = min_jerk(tau_s / max(duration_s, 1e-9))[:, None]
        rvs = []
        for k in range(3):
            rv = (self.sway[k](tau_s) + self.tremor[k](tau_s)) * win + grow * self.drift_rad[k][None, :]
            rvs.append(rv)
        for f in self.fidgets:
            rvs[f.segment] = rvs[f.segment] + bump((tau_s - f.start_s) / f.duration_s)[:, None] * np.asarray(
                f.rotvec_rad
            )
        dhip = self.hip_sway(tau_s) * win
        return BodyState(
            state.pelvis_r @ rotvec_to_matrix(rvs[0]),
            state.hip_m + dhip,
            state.thigh_r @ rotvec_to_matrix(rvs[1]),
            state.shank_r @ rotvec_to_matrix(rvs[2]),
            state.impact_ms2,
        )

    @staticmethod
    def draw(
        rng: np.random.Generator,
        duration_s: float,
        *,
        sway_deg: tuple[float, float, float],
        fidgets_per_min: float = 0.0,
        fidget_max_deg: float = 1.5,
        drift_deg: tuple[float, float, float] = (0.0, 0.0, 0.0),
        hip_sway_m: float = 0.002,
        tremor_deg: float = 0.0,
    ) -> Perturbation:
        """Random perturbations for a phase of ``duration_s``.

        ``sway_deg`` is the RMS slow sway (0.1-0.8 Hz) of pelvis, thigh and shank;
        ``tremor_deg`` the RMS physiological tremor (8-12 Hz) of the thigh and shank;
        ``drift_deg`` the total drift of each segment over the phase (random direction).
        Fidgets never overlap and stay below ``fidget_max_deg``.
        """
        sway = tuple(
            Sines.draw(rng, rms=np.radians(s), band_hz=(0.1, 0.8)) if s > 0 else Sines.zero() for s in sway_deg
        )
        tremor = (
            Sines.zero(),
            Sines.draw(rng, rms=np.radians(tremor_deg), band_hz=(8.0, 12.0), n_components=2)
            if tremor_deg > 0
            else Sines.zero(),
            Sines.draw(rng, rms=np.radians(tremor_deg), band_hz=(8.0, 12.0), n_components=2)
            if tremor_deg > 0
            else Sines.zero(),
        )
        hip_sway = Sines.draw(rng, rms=hip_sway_m, band_hz=(0.1, 0.6)) if hip_sway_m > 0 else Sines.zero()
        drift = np.zeros((3, 3))
        for k in range(3):
            axis = rng.normal(size=3)
            drift[k] = np.radians(drift_deg[k]) * axis / np.linalg.norm(axis)
        fidgets: list[Fidget] = []
        t = rng.exponential(60.0 / fidgets_per_min) if fidgets_per_min > 0 else np.inf
        while t < duration_s - 2.5:
            dur = rng.uniform(0.6, 2.0)
            axis = rng.normal(size=3)
            amp = np.radians(rng.uniform(0.3, fidget_max_deg))
            seg = int(rng.integers(0, 3))
            rv = amp * axis / np.linalg.norm(axis)
            fidgets.append(Fidget(seg, float(t), float(dur), (float(rv[0]), float(rv[1]), float(rv[2]))))
            t += dur + rng.exponential(60.0 / fidgets_per_min)
        return Perturbation(sway, hip_sway, tuple(fidgets), drift, tremor)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class StillPhase:
    """Staying in a pose, with sway and fidgets (idle time, rests between sets)."""

    start: Pose
    duration_s: float
    perturbation: Perturbation = field(default_factory=Perturbation)

    def state(self, tau_s: FloatArray) -> BodyState:
        return self.perturbation.apply(self.start.repeat(len(tau_s)), tau_s, self.duration_s)


@dataclass(frozen=True, eq=False)
class TransitionPhase:
    """Changing posture: every segment turns along its geodesic, the hip moves, all minimum-jerk.

    ``lift_m`` raises the hip on an arc in the middle of the move (rolling over, sitting up).
    """

    start: Pose
    end: Pose
    duration_s: float
    lift_m: float = 0.0

    def state(self, tau_s: FloatArray) -> BodyState:
        s = min_jerk(tau_s / self.duration_s)
        hip = self.start.hip_m[None] + s[:, None] * (self.end.hip_m - self.start.hip_m)[None]
        hip = hip + (self.lift_m * bump(tau_s / self.duration_s))[:, None] * UP[None]
        return BodyState(
            slerp_matrices(self.start.pelvis_r, self.end.pelvis_r, s),
            hip,
            slerp_matrices(self.start.thigh_r, self.end.thigh_r, s),
            slerp_matrices(self.start.shank_r, self.end.shank_r, s),
        )


def _heading_axes(pose: Pose) -> tuple[FloatArray, FloatArray]:
    fwd = pose.pelvis_r[:, 0].copy()
    fwd[2] = 0.0
    fwd /= np.linalg.norm(fwd)
    return fwd, np.cross(UP, fwd)


def _von_mises(phase: FloatArray, centre: float, kappa: float) -> FloatArray:
    return np.exp(kappa * (np.cos(2.0 * np.pi * (phase - centre)) - 1.0))


@dataclass(frozen=True, eq=False)
class WalkPhase:
    """Straight walking from standing to standing.

    Stride frequency ~1 Hz, right thigh swinging ``5 + thigh_amp_deg * cos(2 pi phase)``
    (flexion at heel strike, extension at toe-off), knee flexing ~15 deg in loading and
    ~55-60 deg in swing, pelvis bobbing twice per stride, swaying and rotating; every heel
    strike adds a damped 15-25 Hz transient (strongest on the shank of the striking leg).
    The gait fades in and out over ``ramp_s`` (gait initiation and termination).

    References
    ----------
    Perry J, Burnfield JM (2010). Gait Analysis: Normal and Pathological Function, 2nd ed.
    (typical sagittal thigh and knee angles over the gait cycle).
    """

    start: Pose
    n_strides: int
    stride_hz: float = 0.95
    stride_m: float = 1.2
    thigh_amp_deg: float = 22.0
    knee_swing_deg: float = 58.0
    bob_m: float = 0.022
    sway_m: float = 0.02
    surge_m: float = 0.012
    obliquity_deg: float = 4.0
    pelvis_yaw_deg: float = 4.0
    pelvis_tilt_deg: float = 1.5
    impact_g: float = 2.5
    impact_hz: float = 20.0
    impact_tau_s: float = 0.02
    ramp_s: float = 0.8

    @property
    def duration_s(self) -> float:
        return self.n_strides / self.stride_hz + self.ramp_s

    def _envelope(self, tau_s: FloatArray) -> FloatArray:
        return taper(tau_s, self.duration_s, self.ramp_s)

    def _distance_m(self, tau_s: FloatArray) -> FloatArray:
        r, t_total = self.ramp_s, self.duration_s
        v = self.stride_m * self.stride_hz
        tau = np.clip(tau_s, 0.0, t_total)
        head = r * min_jerk_integral(tau / r)
        total = (t_total - r) * v
        tail = total - v * r * min_jerk_integral((t_total - tau) / r)
        mid = v * (0.5 * r + (tau - r))
        return np.where(tau < r, v * head, np.where(tau > t_total - r, tail, mid))

    def state(self, tau_s: FloatArray) -> BodyState:
        p0 = self.start
        e = self._envelope(tau_s)
        ph = self.stride_hz * tau_s
        fwd, left = _heading_axes(p0)
        deg = np.pi / 180.0
        surge = self.surge_m * e * np.sin(4.0 * np.pi * (ph - 0.08))
        bob = -self.bob_m * e * np.cos(4.0 * np.pi * (ph - 0.08))
        lateral = -self.sway_m * e * np.sin(2.0 * np.pi * ph)
        hip = (
            p0.hip_m[None]
            + (self._distance_m(tau_s) + surge)[:, None] * fwd[None]
            + lateral[:, None] * left[None]
            + bob[:, None] * UP[None]
        )
        yaw = rotvec_to_matrix((self.pelvis_yaw_deg * deg * e * np.sin(2.0 * np.pi * ph))[:, None] * UP[None])
        rp = (
            yaw
            @ p0.pelvis_r
            @ axis_angle_matrix(_X, self.obliquity_deg * deg * e * np.sin(2.0 * np.pi * (ph - 0.1)))
            @ axis_angle_matrix(_Z, self.pelvis_tilt_deg * deg * e * np.sin(4.0 * np.pi * ph))
        )
        thigh_flex = e * (5.0 + self.thigh_amp_deg * np.cos(2.0 * np.pi * ph)) * deg
        rt = yaw @ p0.thigh_r @ axis_angle_matrix(_Z, thigh_flex) @ axis_angle_matrix(_X, 3.0 * deg * e * np.sin(2.0 * np.pi * ph))
        knee = e * (4.0 + 14.0 * _von_mises(ph, 0.15, 5.2) + self.knee_swing_deg * _von_mises(ph, 0.72, 2.1)) * deg
        knee_rest = p0.thigh_r.T @ p0.shank_r
        rs = rt @ knee_rest[None] @ axis_angle_matrix(_Z, -knee)
        return BodyState(rp, hip, rt, rs, self._impacts(tau_s, fwd))

    def _impacts(self, tau_s: FloatArray, fwd: FloatArray) -> FloatArray:
        out = np.zeros((len(tau_s), 3, 3))
        direction = UP - 0.3 * fwd  # upward deceleration of the falling limb, and braking
        amp = self.impact_g * STANDARD_GRAVITY_MS2
        n_events = int(np.ceil(self.stride_hz * self.duration_s * 2)) + 1
        for k in range(n_events):
            t_k = k / (2.0 * self.stride_hz)
            if self._envelope(np.array([t_k]))[0] < 0.5:
                continue
            gains = np.array([0.35, 0.5, 1.0]) if k % 2 == 0 else np.array([0.35, 0.12, 0.05])
            i0 = int(np.searchsorted(tau_s, t_k, side="left"))
            i1 = int(np.searchsorted(tau_s, t_k + 8.0 * self.impact_tau_s, side="left"))
            if i1 <= i0:
                continue
            dt = tau_s[i0:i1] - t_k
            w = amp * np.exp(-dt / self.impact_tau_s) * np.sin(2.0 * np.pi * self.impact_hz * dt)
            out[i0:i1] += w[:, None, None] * gains[None, :, None] * direction[None, None, :]
        return out


@dataclass(frozen=True, eq=False)
class TurnPhase:
    """Turning on the spot by ``angle_rad`` about the vertical, stepping while turning."""

    start: Pose
    angle_rad: float
    duration_s: float
    hip_width_m: float = 0.18
    step_hz: float = 1.6
    step_deg: float = 12.0

    def state(self, tau_s: FloatArray) -> BodyState:
        p0 = self.start
        centre = p0.hip_m - 0.5 * self.hip_width_m * p0.pelvis_r[:, 2]
        yaw = rotvec_to_matrix((self.angle_rad * min_jerk(tau_s / self.duration_s))[:, None] * UP[None])
        win = taper(tau_s, self.duration_s, 0.3 * self.duration_s)
        step = np.radians(self.step_deg) * win * 0.5 * (1.0 - np.cos(2.0 * np.pi * self.step_hz * tau_s))
        rt = yaw @ p0.thigh_r @ axis_angle_matrix(_Z, step)
        rs = rt @ (p0.thigh_r.T @ p0.shank_r)[None] @ axis_angle_matrix(_Z, -2.0 * step)
        hip = centre[None] + yaw @ (p0.hip_m - centre)
        return BodyState(yaw @ p0.pelvis_r, hip, rt, rs)


def squat_chain(
    rest: Pose,
    dims: BodyDimensions,
    thigh_rad: FloatArray,
    *,
    shank_ratio: float,
    pelvis_ratio: float,
) -> BodyState:
    """Sit-back motion with the feet on the floor (squat, bending down to pick something up).

    The thigh flexes by ``thigh_rad`` (about its ``z``), the shank tilts forward by
    ``shank_ratio * thigh_rad`` and the pelvis tilts forward by ``pelvis_ratio * thigh_rad``;
    the ankle stays put and the hip follows from the chain.
    """
    ankle = rest.hip_m - dims.thigh_length_m * rest.thigh_r[:, 1] - dims.shank_length_m * rest.shank_r[:, 1]
    rs = rest.shank_r[None] @ axis_angle_matrix(_Z, -shank_ratio * thigh_rad)
    rt = rest.thigh_r[None] @ axis_angle_matrix(_Z, thigh_rad)
    rp = rest.pelvis_r[None] @ axis_angle_matrix(_Z, -pelvis_ratio * thigh_rad)
    knee = ankle[None] + dims.shank_length_m * rs[:, :, 1]
    hip = knee + dims.thigh_length_m * rt[:, :, 1]
    return BodyState(rp, hip, rt, rs)


@dataclass(frozen=True, eq=False)
class BendPhase:
    """Bending down to pick something up (the ankle weight) and coming back up."""

    start: Pose
    dims: BodyDimensions
    down_s: float
    hold_s: float
    up_s: float
    thigh_deg: float = 85.0
    shank_ratio: float = 0.45
    pelvis_ratio: float = 0.6

    @property
    def duration_s(self) -> float:
        return self.down_s + self.hold_s + self.up_s

    def state(self, tau_s: FloatArray) -> BodyState:
        theta = np.radians(self.thigh_deg) * (
            min_jerk(tau_s / self.down_s) - min_jerk((tau_s - self.down_s - self.hold_s) / self.up_s)
        )
        return squat_chain(self.start, self.dims, theta, shank_ratio=self.shank_ratio, pelvis_ratio=self.pelvis_ratio)
