"""The gyro fusion: exact for fast swings, bit-identical in any chunks, and wary of a gyro whose
gain gravity contradicts (``tracker.pipeline.orientation``, ``tracker.pipeline.gyro_gain``)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from hand_signals import hinge_without_gyro, quick_reps_deg, rep_angles_deg, sensor_from_angles
from tracker.pipeline.filters import lowpass
from tracker.pipeline.gyro_gain import VECTOR_MIN_SAMPLES, GyroGain, GyroGainConfig
from tracker.pipeline.orientation import OrientationConfig, OrientationTracker, tilt_deg

RATE_HZ = 100.0


def _tilt(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64], chunks: list[int] | None = None) -> NDArray[np.float64]:
    tracker = OrientationTracker(sample_rate_hz=RATE_HZ, has_gyro=True)
    cuts = [0, *(chunks or []), len(accel_g)]
    up = np.vstack([tracker.update(accel_g[a:b], gyro_dps[a:b]).up for a, b in zip(cuts[:-1], cuts[1:]) if b > a])
    return tilt_deg(up, np.array([0.0, 0.0, 1.0]))


def _fast_swings() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """A standing shank sensor 0.4 m below the knee swinging 90 deg ten times, 0.6 s a swing,
    back to back: 600-700 deg/s, and 2-6 g of its own acceleration on the accelerometer."""
    swings, _ = quick_reps_deg(10, rate_hz=RATE_HZ, rom_deg=90.0, rep_s=0.6, gap_s=0.05)
    angle = np.concatenate([np.zeros(int(2 * RATE_HZ)), swings, np.zeros(int(2 * RATE_HZ))])
    _, accel = hinge_without_gyro(angle, rate_hz=RATE_HZ, radius_m=0.4)
    _, _, gyro = sensor_from_angles(angle, rate_hz=RATE_HZ)
    return angle, accel, gyro


def test_the_fusion_follows_fast_swings_that_bury_gravity_in_the_legs_own_acceleration() -> None:
    angle, accel, gyro = _fast_swings()
    assert float(np.max(np.abs(np.linalg.norm(accel, axis=1) - 1.0))) > 2.0  # gravity is a small part of it
    err = np.abs(_tilt(accel, gyro) - angle)
    # measured 1.5 / 17.7 / 31.2 deg (median, 90th percentile, largest); the two-pass
    # approximation it replaced 15.7 / 42.6 / 88.9 (each pass added one order of the turn made
    # within the filter's memory). What is left is the accelerometer's pull, 2-6 g off gravity.
    assert float(np.median(err)) < 4.0
    assert float(np.percentile(err, 90)) < 25.0
    assert float(np.max(err)) < 40.0


@pytest.mark.parametrize("chunks", [[1, 2, 3], list(range(7, 1050, 7)), [500, 501, 1000]])
def test_the_fusion_is_bit_identical_in_any_chunks(chunks: list[int]) -> None:
    _, accel, gyro = _fast_swings()
    assert np.array_equal(_tilt(accel, gyro, chunks), _tilt(accel, gyro))


def _slow_reps(gyro_factor: float) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Eight 40 deg reps, 2 s up, 1 s held, 2 s down, 2 s apart: the gyro at 37 deg/s at most."""
    angle, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=8, rom_deg=40.0)
    _, accel, gyro = sensor_from_angles(angle, rate_hz=RATE_HZ, noise_g=0.005, seed=5)
    return angle, accel, gyro * gyro_factor


def test_a_gyro_that_reads_four_times_the_turn_gravity_shows_is_not_trusted() -> None:
    """A full-scale range set to one value and decoded as another: the gyro reads 4 times its
    rate. Past the first reps the fusion trusts the accelerometer, and the holds read right."""
    angle, accel, gyro = _slow_reps(4.0)
    still = np.gradient(angle) == 0.0  # the holds and the rests
    later = np.arange(angle.size) > angle.size // 2

    def worst_still_error(config: OrientationConfig) -> float:
        up = OrientationTracker(sample_rate_hz=RATE_HZ, has_gyro=True, config=config).update(accel, gyro).up
        err = np.abs(tilt_deg(up, np.array([0.0, 0.0, 1.0])) - angle)
        return float(np.max(err[later & still]))

    # measured 5.4 deg (a hold's first moments); trusted throughout, 42.3: the long memory
    # carried each over-read turn into the hold and the rest after it
    assert worst_still_error(OrientationConfig()) < 8.0
    assert worst_still_error(OrientationConfig(gyro_gain=GyroGainConfig(tolerance=float("inf")))) > 25.0


@pytest.mark.parametrize("factor", [1.0, 1.3, 0.7])
def test_a_gyro_that_reads_its_turn_or_less_is_trusted(factor: float) -> None:
    """Reading less than gravity shows cannot be told from the leg's own acceleration turning
    the accelerometer (the simulator's shank sensors read up to 2.2 times with a true gain):
    only reading more is held against the gyro."""
    _, accel, gyro = _slow_reps(factor)
    check = GyroGain(sample_rate_hz=RATE_HZ)
    trusted = check.update(gyro, lowpass(OrientationConfig().gravity_cutoff_hz, sample_rate_hz=RATE_HZ)(accel), accel)
    assert bool(trusted.all())
    assert check.gain == pytest.approx(1.0 / factor, rel=0.15)


def test_the_gain_is_read_the_same_in_any_chunks() -> None:
    _, accel, gyro = _slow_reps(4.0)
    lp = lowpass(OrientationConfig().gravity_cutoff_hz, sample_rate_hz=RATE_HZ)(accel)
    expected = GyroGain(sample_rate_hz=RATE_HZ).update(gyro, lp, accel)
    check = GyroGain(sample_rate_hz=RATE_HZ)
    parts = [check.update(gyro[a:a + 13], lp[a:a + 13], accel[a:a + 13]) for a in range(0, len(accel), 13)]
    assert np.array_equal(np.concatenate(parts), expected)
    assert not expected[-1]  # and it was judged: four times over



@pytest.mark.parametrize("factor", [4.0, 1.0])
def test_the_gain_checks_two_ways_give_the_same_verdicts(factor: float) -> None:
    """A live block is checked sample by sample in plain floats, a long one in numpy: the same
    additions in the same order, so the same verdicts and the same running sums, to the bit,
    however the blocks alternate between the two."""
    _, accel, gyro = _slow_reps(factor)
    lp = lowpass(OrientationConfig().gravity_cutoff_hz, sample_rate_hz=RATE_HZ)(accel)
    sizes = [VECTOR_MIN_SAMPLES - 1, VECTOR_MIN_SAMPLES, 5, 300]
    cuts = [0]
    while cuts[-1] < len(accel):
        cuts.append(min(len(accel), cuts[-1] + sizes[len(cuts) % len(sizes)]))
    mixed, at_once, one_by_one = (GyroGain(sample_rate_hz=RATE_HZ) for _ in range(3))
    got = np.concatenate([mixed.update(gyro[a:b], lp[a:b], accel[a:b]) for a, b in zip(cuts[:-1], cuts[1:])])
    whole = at_once.update(gyro, lp, accel)
    single = np.concatenate([one_by_one.update(gyro[a:a + 1], lp[a:a + 1], accel[a:a + 1]) for a in range(len(accel))])
    assert np.array_equal(got, whole) and np.array_equal(got, single)
    assert mixed.gain == at_once.gain == one_by_one.gain
    assert mixed.turned_deg == at_once.turned_deg == one_by_one.turned_deg
    assert (not whole.all()) == (factor == 4.0)  # four times over is doubted, a true gain is not
