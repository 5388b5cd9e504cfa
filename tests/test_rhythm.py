"""A burst's rhythm read as cycles (pure; :mod:`tracker.pipeline.rhythm`).

Without a gyro a fast rep's own acceleration swamps the tilt read from gravity; the specific
force still repeats once a rep. Tested on a hinge's physics: the sensor ``radius_m`` from the
joint, its tangential and centripetal acceleration added to gravity (``hinge_without_gyro``).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.hand_signals import hinge_without_gyro, min_jerk, quick_reps_deg
from tracker.pipeline import DetectorConfig
from tracker.pipeline.rhythm import RhythmConfig, cycle_range_deg, find_cycles

RATE_HZ = 50.0


def _still(s: float) -> np.ndarray:
    return np.zeros(int(round(s * RATE_HZ)))


def _burst(angles: np.ndarray, radius_m: float, rest_s: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The accelerometer of ``angles`` with ``rest_s`` of rest either side, and the rests' means."""
    _, acc = hinge_without_gyro(np.concatenate([_still(rest_s), angles, _still(rest_s)]), rate_hz=RATE_HZ, radius_m=radius_m)
    n = int(rest_s * RATE_HZ)
    return acc, acc[:n].mean(axis=0), acc[-n:].mean(axis=0)


@pytest.mark.parametrize(("n", "rep_s", "gap_s", "radius_m"), [
    (10, 0.6, 0.1, 0.2),  # a thigh sensor near the tempo where its own acceleration cancels gravity's change
    (8, 0.9, 0.0, 0.6),  # a shank sensor: the tilt read from gravity swings the wrong way, three times as far
    (12, 0.5, 0.2, 0.4),
    (9, 0.75, 0.05, 0.25),
    (10, 0.5, 0.0, 0.3),  # 2 Hz with no gap: half the rate read the lobe of 2 Hz twice (review helper-49)
    (8, 0.55, 0.0, 0.6),
])
def test_a_fast_sets_rhythm_counts_its_reps_whatever_its_own_acceleration_does_to_the_tilt(
        n: int, rep_s: float, gap_s: float, radius_m: float) -> None:
    reps, starts = quick_reps_deg(n, rate_hz=RATE_HZ, rep_s=rep_s, gap_s=gap_s)
    # the burst handed over with 1 s of rest either side, inside 2 s of rest
    _, acc = hinge_without_gyro(np.concatenate([_still(2.0), reps, _still(2.0)]), rate_hz=RATE_HZ, radius_m=radius_m)
    rest = int(RATE_HZ)
    rhythm = find_cycles(acc[rest:-rest], sample_rate_hz=RATE_HZ, rest_before_g=acc[:rest].mean(axis=0),
                         rest_after_g=acc[-rest:].mean(axis=0))
    assert rhythm is not None
    assert rhythm.cycles == n
    # each cycle starts where a rep starts, or where the rest between two reps starts (recording
    # time: the burst from 1 s, the reps from 2 s)
    found = [1.0 + b / RATE_HZ for b in rhythm.bounds[:-1]]
    err = [min(abs(f - (2.0 + s)) for s in starts) for f in found]
    assert float(np.median(err)) < 0.1
    assert max(err) <= gap_s + 0.1


def test_rest_alone_has_no_rhythm() -> None:
    acc, before, after = _burst(_still(4.0), 0.3)
    assert find_cycles(acc, sample_rate_hz=RATE_HZ, rest_before_g=before, rest_after_g=after) is None


def test_a_burst_shorter_than_two_quick_reps_has_no_rhythm() -> None:
    one = 20.0 * np.concatenate([min_jerk(15), 1 - min_jerk(15)])
    acc, before, after = _burst(one, 0.3)
    assert find_cycles(acc, sample_rate_hz=RATE_HZ, rest_before_g=before, rest_after_g=after) is None


def test_one_slow_movement_is_no_set_of_cycles() -> None:
    # a slow lift and lowering (a steady rep, or settling on the mat): a cycle or two at most
    slow = 30.0 * np.concatenate([min_jerk(75), 1 - min_jerk(75)])
    acc, before, after = _burst(slow, 0.3)
    rhythm = find_cycles(acc, sample_rate_hz=RATE_HZ, rest_before_g=before, rest_after_g=after)
    assert rhythm is None or rhythm.cycles < DetectorConfig().rhythm_min_cycles


def test_a_burst_of_noise_has_too_little_power_at_one_rate() -> None:
    rng = np.random.default_rng(5)
    still = np.tile([0.0, 0.0, 1.0], (50, 1))
    noise = np.tile([0.0, 0.0, 1.0], (400, 1)) + rng.normal(0.0, 0.2, (400, 3))
    rhythm = find_cycles(np.vstack([still, noise, still]), sample_rate_hz=RATE_HZ, rest_before_g=still[0],
                         rest_after_g=still[0], config=RhythmConfig(min_band_share=0.4))
    assert rhythm is None


def test_a_slow_cycles_range_is_twice_its_mean_tilt() -> None:
    # no own acceleration to speak of: a raised cosine's mean tilt is half its range
    theta = np.radians(30.0) * 0.5 * (1 - np.cos(np.linspace(0, 2 * np.pi, 500, endpoint=False)))
    acc = np.stack([np.zeros_like(theta), np.sin(theta), np.cos(theta)], axis=1)
    rom, direction = cycle_range_deg(acc, np.array([0.0, 0.0, 1.0]))
    assert rom == pytest.approx(30.0, rel=0.03)
    assert direction == pytest.approx([0.0, 1.0, 0.0], abs=1e-6)


def test_irregular_bursts_give_no_cycle_shorter_than_a_quick_rep() -> None:
    # reps of 0.45-1.2 s with gaps of 0-0.3 s: a boundary found twice once made a cycle of no
    # length (review helper-49)
    rng = np.random.default_rng(7)
    for trial in range(40):
        parts = [_still(1.0)]
        for _ in range(int(rng.integers(5, 12))):
            r, up, down = rng.uniform(10, 50), rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.6)
            parts += [r * min_jerk(int(up * RATE_HZ)), r * (1 - min_jerk(int(down * RATE_HZ))), _still(float(rng.uniform(0, 0.3)))]
        parts.append(_still(1.0))
        _, acc = hinge_without_gyro(np.concatenate(parts), rate_hz=RATE_HZ, radius_m=float(rng.uniform(0.15, 0.7)), seed=trial)
        rest = int(RATE_HZ)
        rhythm = find_cycles(acc, sample_rate_hz=RATE_HZ, rest_before_g=acc[:rest].mean(axis=0), rest_after_g=acc[-rest:].mean(axis=0))
        if rhythm is not None:
            assert min(np.diff(rhythm.bounds)) >= 0.5 * RhythmConfig().min_cycle_s * RATE_HZ, trial
