"""Motion primitives: minimum-jerk profiles, smooth perturbations and rotation maths.

Everything here is a pure, vectorised function of time (seconds) or of arrays of
rotation matrices.  Angles are in radians inside this module unless a name says
``_deg``.  Rotation matrices map segment coordinates to world coordinates
(``v_world = R @ v_segment``), so a rotation *about an axis of the segment's own frame*
is a right-multiplication ``R @ axis_angle_matrix(axis, angle)``.

References
----------
Flash T, Hogan N (1985). The coordination of arm movements: an experimentally confirmed
mathematical model. J Neurosci 5(7):1688-1703 (the minimum-jerk profile).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- profiles
def min_jerk(s: FloatArray) -> FloatArray:
    """Minimum-jerk position profile, 0 before ``s = 0`` and 1 after ``s = 1``.

    ``10 s^3 - 15 s^4 + 6 s^5``: zero velocity and acceleration at both ends, so pieces
    glued together stay twice differentiable (no acceleration steps in the accelerometer).
    """
    s = np.clip(s, 0.0, 1.0)
    return s * s * s * (10.0 + s * (-15.0 + 6.0 * s))


def min_jerk_integral(s: FloatArray) -> FloatArray:
    """Integral of :func:`min_jerk` from 0 to ``s`` (for ``0 <= s <= 1``), in units of ``s``."""
    s = np.clip(s, 0.0, 1.0)
    s4 = s**4
    return s4 * (2.5 - 3.0 * s + s * s)


def bump(s: FloatArray) -> FloatArray:
    """Smooth bump ``64 s^3 (1 - s)^3`` on ``[0, 1]`` (peak 1 at 0.5), zero outside.

    Its first two derivatives vanish at both ends, like :func:`min_jerk`.
    """
    inside = (s > 0.0) & (s < 1.0)
    sc = np.where(inside, s, 0.0)
    return np.where(inside, 64.0 * sc**3 * (1.0 - sc) ** 3, 0.0)


def taper(tau_s: FloatArray, duration_s: float, ramp_s: float) -> FloatArray:
    """Window rising 0 -> 1 over ``ramp_s`` and falling back over the last ``ramp_s``.

    Used to fade perturbations (sway, tremor) in and out so consecutive phases join with
    continuous velocity and acceleration.
    """
    ramp_s = max(min(ramp_s, duration_s / 2.0), 1e-9)
    return min_jerk(tau_s / ramp_s) * min_jerk((duration_s - tau_s) / ramp_s)


@dataclass(frozen=True)
class MinJerkStep:
    """A minimum-jerk change of ``amplitude`` starting at ``start_s`` lasting ``duration_s``."""

    start_s: float
    duration_s: float
    amplitude: float


@dataclass(frozen=True)
class Burst:
    """A sinusoid under a :func:`bump` window (tremor, oscillation) on ``[start_s, start_s + duration_s]``."""

    start_s: float
    duration_s: float
    amplitude: float
    frequency_hz: float
    phase_rad: float


@dataclass(frozen=True)
class Profile:
    """A scalar time profile: a sum of minimum-jerk steps and windowed sinusoids.

    A rep is a positive step (the lift) followed by a negative step (the lower); a jerky
    lift is several overlapping smaller steps; tremor is a :class:`Burst`.
    """

    steps: tuple[MinJerkStep, ...] = ()
    bursts: tuple[Burst, ...] = ()

    def __call__(self, t_s: FloatArray) -> FloatArray:
        """Evaluate at the (sorted, ascending) times ``t_s``."""
        t_s = np.asarray(t_s, dtype=float)
        out = np.zeros_like(t_s)
        settled = np.zeros(t_s.shape[0] + 1)
        for step in self.steps:
            # Only the samples inside the step need the polynomial; later ones get the
            # full amplitude through a cumulative sum (keeps long recordings fast).
            i0 = int(np.searchsorted(t_s, step.start_s, side="left"))
            i1 = int(np.searchsorted(t_s, step.start_s + step.duration_s, side="left"))
            if i1 > i0:
                out[i0:i1] += step.amplitude * min_jerk((t_s[i0:i1] - step.start_s) / step.duration_s)
            settled[i1] += step.amplitude
        out += np.cumsum(settled)[:-1]
        for b in self.bursts:
            i0 = int(np.searchsorted(t_s, b.start_s, side="right"))
            i1 = int(np.searchsorted(t_s, b.start_s + b.duration_s, side="left"))
            if i1 > i0:
                tt = t_s[i0:i1] - b.start_s
                out[i0:i1] += (
                    b.amplitude
                    * bump(tt / b.duration_s)
                    * np.sin(2.0 * np.pi * b.frequency_hz * tt + b.phase_rad)
                )
        return out


@dataclass(frozen=True)
class Sines:
    """Sum of sinusoids per component: smooth random sway, analytic in time.

    ``amplitudes`` has shape ``(k, d)``, ``frequencies_hz`` ``(k,)``, ``phases_rad`` ``(k, d)``.
    """

    amplitudes: FloatArray
    frequencies_hz: FloatArray
    phases_rad: FloatArray

    def __call__(self, t_s: FloatArray) -> FloatArray:
        t_s = np.asarray(t_s, dtype=float)
        if self.frequencies_hz.size == 0:
            return np.zeros((t_s.shape[0], self.amplitudes.shape[1]))
        # sin(wt + p) = sin(wt) cos(p) + cos(wt) sin(p): 2k transcendental calls per sample
        # instead of k * d, then a small matrix product.
        wt = 2.0 * np.pi * t_s[:, None] * self.frequencies_hz[None, :]
        return np.sin(wt) @ (self.amplitudes * np.cos(self.phases_rad)) + np.cos(wt) @ (
            self.amplitudes * np.sin(self.phases_rad)
        )

    @staticmethod
    def draw(
        rng: np.random.Generator, *, rms: float, band_hz: tuple[float, float], n_components: int = 4, dims: int = 3
    ) -> Sines:
        """Random sway with the given RMS per component, frequencies uniform in ``band_hz``."""
        freqs = rng.uniform(band_hz[0], band_hz[1], size=n_components)
        amps = rng.uniform(0.5, 1.0, size=(n_components, dims))
        # RMS of a sum of independent unit sines is sqrt(sum(a^2) / 2).
        amps *= rms / np.sqrt(np.sum(amps**2, axis=0, keepdims=True) / 2.0)
        phases = rng.uniform(0.0, 2.0 * np.pi, size=(n_components, dims))
        return Sines(amps, freqs, phases)

    @staticmethod
    def zero(dims: int = 3) -> Sines:
        return Sines(np.zeros((0, dims)), np.zeros(0), np.zeros((0, dims)))


# --------------------------------------------------------------------------- rotations
def skew(v: FloatArray) -> FloatArray:
    """Cross-product matrices of vectors ``(..., 3)`` -> ``(..., 3, 3)``."""
    v = np.asarray(v, dtype=float)
    z = np.zeros(v.shape[:-1])
    return np.stack(
        [
            np.stack([z, -v[..., 2], v[..., 1]], axis=-1),
            np.stack([v[..., 2], z, -v[..., 0]], axis=-1),
            np.stack([-v[..., 1], v[..., 0], z], axis=-1),
        ],
        axis=-2,
    )


def rotvec_to_matrix(rotvec: FloatArray) -> FloatArray:
    """Rodrigues' formula for rotation vectors ``(m, 3)`` (radians) -> ``(m, 3, 3)``."""
    rv = np.atleast_2d(np.asarray(rotvec, dtype=float))
    theta2 = np.einsum("ij,ij->i", rv, rv)
    theta = np.sqrt(theta2)
    small = theta < 1e-6
    safe = np.where(small, 1.0, theta)
    a = np.where(small, 1.0 - theta2 / 6.0, np.sin(safe) / safe)
    b = np.where(small, 0.5 - theta2 / 24.0, (1.0 - np.cos(safe)) / (safe * safe))
    # R = I + a [v]x + b [v]x^2 with [v]x^2 = v v^T - |v|^2 I, written out element-wise.
    x, y, z = rv[:, 0], rv[:, 1], rv[:, 2]
    c = 1.0 - b * theta2
    out = np.empty((rv.shape[0], 3, 3))
    out[:, 0, 0] = c + b * x * x
    out[:, 1, 1] = c + b * y * y
    out[:, 2, 2] = c + b * z * z
    bxy, bxz, byz = b * x * y, b * x * z, b * y * z
    out[:, 0, 1] = bxy - a * z
    out[:, 1, 0] = bxy + a * z
    out[:, 0, 2] = bxz + a * y
    out[:, 2, 0] = bxz - a * y
    out[:, 1, 2] = byz - a * x
    out[:, 2, 1] = byz + a * x
    return out


def axis_angle_matrix(axis: FloatArray, angle_rad: FloatArray) -> FloatArray:
    """Rotations by ``angle_rad`` ``(m,)`` about the fixed unit ``axis`` ``(3,)`` -> ``(m, 3, 3)``."""
    axis = np.asarray(axis, dtype=float)
    axis = axis / np.linalg.norm(axis)
    angle = np.atleast_1d(np.asarray(angle_rad, dtype=float))
    return rotvec_to_matrix(angle[:, None] * axis[None, :])


def rot_x(angle_rad: float) -> FloatArray:
    return axis_angle_matrix(np.array([1.0, 0.0, 0.0]), np.array([angle_rad]))[0]


def rot_y(angle_rad: float) -> FloatArray:
    return axis_angle_matrix(np.array([0.0, 1.0, 0.0]), np.array([angle_rad]))[0]


def rot_z(angle_rad: float) -> FloatArray:
    return axis_angle_matrix(np.array([0.0, 0.0, 1.0]), np.array([angle_rad]))[0]


def matrix_to_rotvec(matrix: FloatArray) -> FloatArray:
    """Rotation vectors (radians) of rotation matrices ``(..., 3, 3)``."""
    m = np.asarray(matrix, dtype=float)
    return np.asarray(Rotation.from_matrix(m.reshape(-1, 3, 3)).as_rotvec()).reshape(m.shape[:-2] + (3,))


def rotation_angle_deg(r_from: FloatArray, r_to: FloatArray) -> FloatArray:
    """Angle (deg) of the rotation taking orientation ``r_from`` to ``r_to`` (broadcasts)."""
    rel = np.swapaxes(r_from, -1, -2) @ r_to
    cos = (np.trace(rel, axis1=-2, axis2=-1) - 1.0) / 2.0
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def slerp_matrices(r_start: FloatArray, r_end: FloatArray, s: FloatArray) -> FloatArray:
    """Geodesic interpolation from ``r_start`` (3, 3) to ``r_end`` (3, 3) at fractions ``s`` ``(m,)``."""
    rv = matrix_to_rotvec(r_start.T @ r_end)
    return r_start[None] @ rotvec_to_matrix(np.asarray(s, dtype=float)[:, None] * rv[None, :])


def frame_from_long_axis(long_axis: FloatArray, right_ref: FloatArray) -> FloatArray:
    """Segment frames whose ``y`` is ``long_axis`` and whose ``z`` is closest to ``right_ref``.

    Both arguments are ``(m, 3)`` (or ``(3,)`` for ``right_ref``); returns ``(m, 3, 3)`` with
    columns ``x, y, z`` (``x = y x z``, right-handed).
    """
    y = long_axis / np.linalg.norm(long_axis, axis=-1, keepdims=True)
    ref = np.broadcast_to(right_ref, y.shape)
    z = ref - np.sum(ref * y, axis=-1, keepdims=True) * y
    z = z / np.linalg.norm(z, axis=-1, keepdims=True)
    x = np.cross(y, z)
    return np.stack([x, y, z], axis=-1)


def body_angular_velocity(rotations: FloatArray, dt_s: float) -> FloatArray:
    """Angular velocity in the body frame (rad/s) of a uniformly sampled rotation track.

    ``R_k^T R_{k+1}`` gives the body-frame increment between samples (exact, not a
    small-angle formula); midpoint rates are averaged back onto the samples.
    """
    n = rotations.shape[0]
    if n < 2:
        return np.zeros((n, 3))
    inc = np.swapaxes(rotations[:-1], -1, -2) @ rotations[1:]
    v = 0.5 * np.stack(
        [inc[:, 2, 1] - inc[:, 1, 2], inc[:, 0, 2] - inc[:, 2, 0], inc[:, 1, 0] - inc[:, 0, 1]], axis=-1
    )
    sin_a = np.linalg.norm(v, axis=-1)
    cos_a = (np.trace(inc, axis1=-2, axis2=-1) - 1.0) / 2.0
    angle = np.arctan2(sin_a, cos_a)
    scale = np.where(sin_a > 1e-12, angle / np.where(sin_a > 1e-12, sin_a, 1.0), 1.0)
    mid = v * scale[:, None] / dt_s
    out = np.empty((n, 3))
    out[1:-1] = 0.5 * (mid[:-1] + mid[1:])
    out[0] = mid[0]
    out[-1] = mid[-1]
    return out


def second_derivative(values: FloatArray, dt_s: float) -> FloatArray:
    """Central second difference along axis 0 (ends copied from their neighbours)."""
    out = np.empty_like(values)
    out[1:-1] = (values[2:] - 2.0 * values[1:-1] + values[:-2]) / (dt_s * dt_s)
    out[0] = out[1]
    out[-1] = out[-2]
    return out
