"""What a rep measured: range, phases, tempo, hold, smoothness, direction (pure).

:func:`measure_rep` is a pure function of one rep's samples (the segment's up direction,
angular speed and shake, from its onset to its end) and the reference posture it started
from. The detector (:mod:`tracker.pipeline.detector`) decides *where* a rep is; this
module decides *what it measured*, so a metric can change without touching the state
machine, and be tested on hand-made samples.

The tempo and hold are read as a minimum-jerk movement would show them (Flash & Hogan
1985): its speed profile ``v(tau) = 30 tau^2 (1 - tau)^2`` gives the constants below.

References
----------
Flash, T., Hogan, N. (1985). The coordination of arm movements: an experimentally
confirmed mathematical model. J. Neuroscience 5(7):1688-1703.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.config import DetectorConfig
from tracker.pipeline.orientation import DEG, dot_rows, tilt_deg, unit
from tracker.pipeline.smoothness import count_velocity_peaks, sparc, tremor_dps

#: share of a minimum-jerk movement's duration spent below 20 % of its peak speed at its end:
#: v(tau) = 30 tau^2 (1-tau)^2 is 0.2 * v(0.5) at tau = 0.872
MJ_SLOW_TAIL = 0.128
#: a minimum-jerk movement goes from 10 % to 90 % of its amplitude in 0.52 of its duration
MJ_RISE_10_90 = 0.52
#: ... and spends its last 0.24 of its duration above 90 %
MJ_TOP_10 = 0.24
#: the tempo is read from the 10 % and 90 % crossings of the range, the levels the two
#: constants above are for
TEMPO_LOW_FRACTION = 0.1
TEMPO_HIGH_FRACTION = 0.9
#: a minimum-jerk movement with no hold spends the top region of its range (from 80 % up) at a
#: median of 0.966 of the range (numerically, tau where x(tau) >= 0.8)
MJ_TOP_REGION_MEDIAN = 0.966


@dataclass(frozen=True)
class RepMetrics:
    """One rep's measurements (times in s, angles in deg, vectors unit, in the sensor frame)."""

    rom_deg: float  # peak tilt above the rest just before the lift
    lift_s: float  # minimum-jerk equivalent duration of the lift (from its 10-90 % rise time)
    hold_s: float  # time held at the top
    lower_s: float  # ... of the lowering
    peak_speed_dps: float
    sparc: float  # the worse of the lift's and the lowering's SPARC (NaN: not measurable)
    velocity_peaks: int  # the more of the lift's and the lowering's speed peaks
    shake_g: float  # RMS shake during the lift and the lowering
    tremor_dps: float  # the more of the lift's and the lowering's tremor (angular velocity about its moving average)
    direction: NDArray[np.float64]  # of the peak's up direction, perpendicular to the reference
    axis: NDArray[np.float64]  # rotation axis, reference x peak
    lateral_deg: float  # the segment out of the plane of the session's reps (hip raise with a pelvis sensor)
    start_deg: float = 0.0  # tilt of the rest before the lift above the reference (rest) posture: a raised start
    end_deg: float = 0.0  # tilt where the rep ended above the reference posture: a partial return
    held_rom_deg: float | None = None  # the held top above the rest before the lift (a flick past the top left out)


def rep_range(theta_deg: NDArray[np.float64], pre_theta_deg: NDArray[np.float64], k_peak: int) -> tuple[float, float]:
    """``(base_deg, rom_deg)``: the rest's tilt before the lift, and the peak's tilt above it.

    The range is measured from the rest just before the lift (``pre_theta_deg``, the tilt
    over ``quiet_before_s`` before the onset, which is already on its way up).
    """
    base = min(float(theta_deg[0]), float(pre_theta_deg.min()))
    return base, float(theta_deg[k_peak]) - base


#: a rep's direction is read at most this far from the rest (see :func:`measure_rep`)
_RIGHT_ANGLE_DEG = 90.0


def measure_rep(
    *,
    t_s: NDArray[np.float64],
    up: NDArray[np.float64],
    speed_dps: NDArray[np.float64],
    shake_g: NDArray[np.float64],
    ref_up: NDArray[np.float64],
    pre_theta_deg: NDArray[np.float64],
    k_peak: int,
    plane_axis_sum: NDArray[np.float64],
    sample_rate_hz: float,
    config: DetectorConfig,
    gyro_dps: NDArray[np.float64] | None = None,
) -> RepMetrics:
    """Measure one rep from its samples.

    Parameters
    ----------
    t_s, up, speed_dps, shake_g:
        The rep's samples from its onset to its end: times (s), unit up direction in the
        sensor frame ``(n, 3)``, angular speed (deg/s), shake (g).
    ref_up:
        The reference (rest) posture's unit up direction.
    pre_theta_deg:
        Tilt from the reference of the samples just before the onset (see :func:`rep_range`).
    k_peak:
        Position of the peak in the rep's samples.
    plane_axis_sum:
        Sum of the session's confirmed reps' axes weighted by their range (the plane of the
        reps, for ``lateral_deg``); zeros before the first.
    sample_rate_hz:
        The samples' rate.
    config:
        Levels of the phases and smoothness (``phase_*``, ``angle_smoothing_s``, ...).
    gyro_dps:
        The rep's angular velocity ``(n, 3)`` (deg/s), for its tremor; None without a gyro.
    """
    dc = config
    t, up, speed = t_s, up, speed_dps
    th = tilt_deg(up, ref_up)
    base, rom = rep_range(th, pre_theta_deg, k_peak)
    # Phases. The lift ends where the segment slows below ``phase_speed_fraction`` of the
    # rep's peak speed once past 80 % of the range (pauses between sub-movements lower
    # down do not end it); the lowering starts at the last such slow sample before the
    # leg comes back through half the range (a hold that sags stays a hold).
    high = base + dc.phase_top_fraction * rom
    over = np.nonzero(th[: k_peak + 1] >= high)[0]
    first_high = int(over[0]) if over.size else k_peak
    after = np.nonzero(th[k_peak:] < base + dc.phase_lowering_fraction * rom)[0]
    last_half = k_peak + int(after[0]) - 1 if after.size else th.size - 1
    thr = max(dc.phase_speed_floor_dps, dc.phase_speed_fraction * float(speed.max()))
    slow = speed < thr
    stop = np.nonzero(slow[first_high: last_half + 1])[0]
    if stop.size:
        first_hi = first_high + int(stop[0])
        last_hi = first_high + int(stop[-1])
    else:
        first_hi = last_hi = k_peak
    lift_meas = float(t[first_hi] - t[0])
    lower_meas = float(t[-1] - t[last_hi])
    # A minimum-jerk phase spends its last 12.8 % below 20 % of its peak speed: take that
    # time from the measured hold.
    hold_speed_s = max(0.0, float(t[last_hi] - t[first_hi]) - MJ_SLOW_TAIL / (1.0 - MJ_SLOW_TAIL) * (lift_meas + lower_meas))
    # Tempo from the 10-90 % rise and fall times of the angle, which pauses and noise in
    # the speed do not disturb (the angle is smoothed over ``angle_smoothing_s`` against
    # tremor); a minimum-jerk phase of duration T rises from 10 % to 90 % in 0.52 T, so the
    # phases are reported as that equivalent duration.
    # The levels are taken on the smoothed angle's own range: a spike at the top (a jerk,
    # noise) that smoothing removes must not leave the 90 % level uncrossed.
    k_s = max(1, int(round(dc.angle_smoothing_s * sample_rate_hz)))
    th_s = moving_average(th, k_s)
    ks_peak = int(np.argmax(th_s))
    rom_s = float(th_s[ks_peak]) - base
    end_base = float(th[-1])
    # The top the leg was held at: a flick past it as the lift ends and an oscillation about
    # it (a rebound at the top) make the peak no measure of the hold or of where the movement
    # phases whose smoothness is judged end. The level is
    # the median of the smoothed angle over the top region (as high as the peak for a held
    # rep; a minimum-jerk rep with no hold spends that region at a median of 0.966 of its
    # range, which the division undoes), never above the peak.
    top_level = plateau_level_deg(th_s, base, rom_s, dc.top_region_fraction)
    amp = top_level - base
    drop_amp = top_level - end_base
    drop_pk = float(th_s[ks_peak]) - end_base
    lo_f, hi_f = TEMPO_LOW_FRACTION, TEMPO_HIGH_FRACTION
    lift_s = crossing_time(t, th_s, base + lo_f * rom_s, base + hi_f * rom_s, 0, ks_peak) / MJ_RISE_10_90
    # The lift and lowering are timed between 10 % and 90 % of the way from the (smoothed) peak:
    # a flick past the top makes them read longer, never shorter, so it adds no too_fast flag.
    # The lowering is timed down to where the rep ended, which reads steady lowerings ~15 %
    # short in the simulator (a rep is over once back within ``end_fraction`` of its peak);
    # timing it against the rest the lift started from instead flagged more of UCI's correct
    # reps, whose lowerings drop fast and settle slowly, as too fast (12-35 % against 0-25 %).
    lower_s = crossing_time(t[::-1], th_s[::-1], end_base + lo_f * drop_pk, end_base + hi_f * drop_pk, 0,
                            th.size - 1 - ks_peak) / MJ_RISE_10_90
    # not crossed (a range too small for the smoothing): the measured phase itself
    if lift_s <= 0.0:
        lift_s = lift_meas
    if lower_s <= 0.0:
        lower_s = lower_meas
    # The hold: from the speed (still between lift and lowering), or from the angle (time
    # within the top 10 % of the held range, less the 24 % of each minimum-jerk phase spent
    # there), whichever is longer -- a noisy speed or an oscillation at the top shortens the
    # first, a sagging hold the second.
    top = np.nonzero(th_s >= base + hi_f * amp)[0]
    hold_angle_s = float(t[top[-1]] - t[top[0]]) - MJ_TOP_10 * (lift_s + lower_s) if top.size else 0.0
    hold_s = max(hold_speed_s, hold_angle_s, 0.0)
    # Smoothness of the movement phases alone (a hold is no movement, nor are a rebound and
    # oscillation about the top or a bounce as the leg lands). The lift is cut where the
    # smoothed angle first reaches ``smoothness_cut_fraction`` of the held range, the lowering
    # from where it last leaves that level to where it first comes within
    # ``smoothness_end_fraction`` of the end; tremor and pauses in the speed do not move them.
    i_hi = np.nonzero(th_s[: ks_peak + 1] >= base + dc.smoothness_cut_fraction * amp)[0]
    lift_end = int(i_hi[0]) if i_hi.size else k_peak
    j_hi = np.nonzero(th_s[ks_peak:] >= end_base + dc.smoothness_cut_fraction * drop_amp)[0]
    lower_start = ks_peak + int(j_hi[-1]) if j_hi.size else k_peak
    j_lo = np.nonzero(th_s[lower_start:] <= end_base + dc.smoothness_end_fraction * drop_amp)[0]
    lower_end = lower_start + int(j_lo[0]) if j_lo.size else th.size - 1
    lower_end = max(lower_end, min(lower_start + 4, th.size - 1))
    phases = [speed[: lift_end + 1], speed[lower_start: lower_end + 1]]
    shake = shake_g
    moving = np.concatenate([shake[: lift_end + 1], shake[lower_start: lower_end + 1]])
    shake_rms = float(np.sqrt(np.mean(moving * moving))) if moving.size else 0.0
    sparcs = [sparc(p, sample_rate_hz=sample_rate_hz) for p in phases]
    floor = dc.velocity_peak_noise_fraction * dc.still_dps
    peaks = [count_velocity_peaks(p, sample_rate_hz=sample_rate_hz, noise_dps=floor, smooth_s=dc.velocity_peak_smooth_s)
             for p in phases]
    tremor = 0.0 if gyro_dps is None else max(
        tremor_dps(g, sample_rate_hz=sample_rate_hz, window_s=dc.tremor_window_s)
        for g in (gyro_dps[: lift_end + 1], gyro_dps[lower_start: lower_end + 1]))
    finite = [s for s in sparcs if np.isfinite(s)]
    worst_sparc = min(finite) if finite else float("nan")
    ref = ref_up
    # the way the rep went: the peak's direction away from the rest -- or, past a right angle from
    # it, the direction where it last crossed the right angle on the way up. Near 180 deg the peak's
    # own offset from the rest's opposite is a few hundredths of the length, and an accelerometer's
    # tilt bent by the leg's acceleration (a 110 deg leg raise seen as 175 deg) turns it any way:
    # the set's next rep then went "another way" and a counted rep of a set was taken back.
    k_dir = k_peak
    if th[k_peak] > _RIGHT_ANGLE_DEG:
        below = np.nonzero(th[: k_peak + 1] <= _RIGHT_ANGLE_DEG)[0]
        k_dir = int(below[-1]) if below.size else k_peak
    peak_up = up[k_dir]
    direction = unit(peak_up - ref * float(peak_up @ ref))
    axis = unit(np.cross(ref, peak_up))
    # out-of-plane motion of the main segment (hip raise with the sensor on the pelvis)
    run_axis = plane_axis_sum
    plane_axis = unit(run_axis + (-1.0 if float(axis @ run_axis) < 0 else 1.0) * axis * max(rom, 0.0))
    lateral = float(np.max(np.abs(np.arcsin(np.clip(dot_rows(up, plane_axis), -1, 1)) - np.arcsin(np.clip(dot_rows(ref, plane_axis), -1, 1)))) * DEG)
    return RepMetrics(
        rom_deg=rom, lift_s=lift_s, hold_s=hold_s, lower_s=lower_s,
        peak_speed_dps=float(speed.max()), sparc=worst_sparc, velocity_peaks=max(peaks), shake_g=shake_rms, tremor_dps=tremor,
        direction=direction, axis=axis, lateral_deg=lateral, start_deg=max(base, 0.0), end_deg=max(end_base, 0.0),
        held_rom_deg=min(rom, amp),
    )


def plateau_level_deg(th_s: NDArray[np.float64], base_deg: float, rom_deg: float, region_fraction: float) -> float:
    """The level a rep was held at: the median of the (smoothed) angle over the samples at or
    above ``region_fraction`` of the range, scaled by :data:`MJ_TOP_REGION_MEDIAN` (so a rep with
    no hold gives its peak), never above the peak. A brief flick past the held level and an
    oscillation about it move a median little, the peak a lot."""
    if rom_deg <= 0.0:
        return base_deg + rom_deg
    region = th_s[th_s >= base_deg + region_fraction * rom_deg]
    if region.size == 0:
        return base_deg + rom_deg
    return base_deg + min(rom_deg, (float(np.median(region)) - base_deg) / MJ_TOP_REGION_MEDIAN)


def moving_average(x: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Centred moving average over ``k`` samples; the ends average what is there."""
    if k <= 1 or x.size < 2:
        return x
    c = np.cumsum(np.concatenate([[0.0], x]))
    half = k // 2
    lo = np.clip(np.arange(x.size) - half, 0, x.size)
    hi = np.clip(np.arange(x.size) + k - half, 0, x.size)
    return (c[hi] - c[lo]) / (hi - lo)


def crossing_time(t: NDArray[np.float64], x: NDArray[np.float64], low: float, high: float, a: int, b: int) -> float:
    """Time from the first crossing of ``low`` to the first later crossing of ``high`` in x[a:b+1].

    Crossings are interpolated linearly between samples. 0 when the levels are not both crossed.
    """
    seg = x[a: b + 1]
    i_lo = np.nonzero(seg >= low)[0]
    if i_lo.size == 0:
        return 0.0
    k0 = int(i_lo[0])
    i_hi = np.nonzero(seg[k0:] >= high)[0]
    if i_hi.size == 0:
        return 0.0
    k1 = k0 + int(i_hi[0])

    def at(k: int, level: float) -> float:
        if k == 0 or seg[k] == seg[k - 1]:
            return float(t[a + k])
        f = (level - seg[k - 1]) / (seg[k] - seg[k - 1])
        return float(t[a + k - 1] + f * (t[a + k] - t[a + k - 1]))

    return abs(at(k1, high) - at(k0, low))
