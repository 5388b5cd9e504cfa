from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from hand_signals import rep_angles_deg, sensor_from_angles
from tracker.errors import ReptrackError
from tracker.core.exercises import FlagKind, get_exercise
from tracker.pipeline import Personalisation, PipelineConfig, RepCompleted, RepPipeline, analyze_recording
from tracker.pipeline.smoothness import count_velocity_peaks, sparc
from tracker.core.recording import Placement, Recording, RecordingMeta

RATE = 50.0
EX = get_exercise("side-lying-hip-abduction")


def recording(angle, *, rate=RATE, gyro=True, **kw) -> Recording:
    t, acc, gyr = sensor_from_angles(angle, rate_hz=rate, **kw)
    return Recording(t, acc, gyr if gyro else None, RecordingMeta(sample_rate_hz=rate, placement=Placement.THIGH))


def events_of(rec: Recording, chunks: list[int] | None = None, hold_s: float | None = None):
    cfg = PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=rec.has_gyro, personal=Personalisation(hold_s=hold_s))
    pipe = RepPipeline(cfg)
    out = []
    n = len(rec)
    bounds = [0, n] if chunks is None else [0, *sorted(set(min(c, n) for c in chunks)), n]
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b > a:
            out += pipe.feed(rec.t_s[a:b], rec.accel_g[a:b], None if rec.gyro_dps is None else rec.gyro_dps[a:b])
    out += pipe.finish()
    return out


def reps_of(events):
    return [e.rep for e in events if isinstance(e, RepCompleted)]


@pytest.mark.parametrize("gyro", [True, False])
def test_counts_clean_reps_with_exact_range_and_boundaries(gyro):
    angle, truth = rep_angles_deg(rate_hz=RATE, reps=8, rom_deg=30.0)
    reps = reps_of(events_of(recording(angle, gyro=gyro)))
    assert len(reps) == 8
    for rep, (a, b) in zip(reps, truth):
        assert rep.rom_deg == pytest.approx(30.0, abs=1.5)
        assert abs(rep.start_s - a) < 0.5  # onset lags by the 3 % of range the filter needs
        assert abs(rep.end_s - b) < 0.6
        assert rep.flag_kinds == ()
    assert [r.index for r in reps] == list(range(1, 9))
    assert {r.set_index for r in reps} == {1}


def test_strap_orientation_does_not_matter():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=6, rom_deg=25.0)
    base = reps_of(events_of(recording(angle)))
    for seed in range(3):
        mount = Rotation.random(random_state=seed)
        turned = reps_of(events_of(recording(angle, mount=mount)))
        assert len(turned) == len(base) == 6
        for a, b in zip(base, turned):
            assert a.rom_deg == pytest.approx(b.rom_deg, abs=0.5)
            assert a.start_s == pytest.approx(b.start_s, abs=0.05)


def test_long_hold_is_one_rep_and_holds_are_measured():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=20.0, hold_s=5.0)
    reps = reps_of(events_of(recording(angle), hold_s=5.0))
    assert len(reps) == 4
    assert all(r.hold_s == pytest.approx(5.0, abs=0.8) for r in reps)
    assert all(FlagKind.SHORT_HOLD not in r.flag_kinds for r in reps)


def test_short_hold_and_too_fast_are_flagged():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=25.0, lift_s=0.4, lower_s=0.4, hold_s=0.2)
    reps = reps_of(events_of(recording(angle), hold_s=5.0))
    assert len(reps) == 4
    assert all({FlagKind.TOO_FAST, FlagKind.SHORT_HOLD} <= set(r.flag_kinds) for r in reps)


def test_partial_range_flagged_against_session_best():
    a1, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=30.0, tail_s=0.0)
    a2, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=12.0, lead_s=0.0)
    reps = reps_of(events_of(recording(np.concatenate([a1, a2]))))
    assert len(reps) == 8
    assert [FlagKind.PARTIAL_ROM in r.flag_kinds for r in reps] == [False] * 5 + [True] * 3


def test_thigh_only_range_beyond_physiology_infers_pelvic_rise():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=55.0)
    reps = reps_of(events_of(recording(angle)))
    assert len(reps) == 3
    flags = [f for r in reps for f in r.flags if f.kind is FlagKind.PELVIC_RISE]
    assert len(flags) == 3 and all(f.inferred for f in flags)


def test_single_isolated_movement_is_not_a_rep():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=1, rom_deg=30.0)
    evs = events_of(recording(angle))
    assert reps_of(evs) == []
    assert any(getattr(e, "reason", "") for e in evs)


def test_large_posture_change_is_not_a_rep():
    # lying down: a 90 deg turn that stays
    n = int(RATE * 20)
    angle = np.concatenate([np.zeros(int(RATE * 3)), 90 * np.clip(np.linspace(-0.5, 1.5, n), 0, 1)])
    evs = events_of(recording(angle))
    assert reps_of(evs) == []


def test_sets_split_at_rest():
    a1, _ = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=25.0, tail_s=40.0)
    a2, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=25.0, lead_s=0.0)
    reps = reps_of(events_of(recording(np.concatenate([a1, a2]))))
    assert [r.set_index for r in reps] == [1] * 4 + [2] * 3


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=2500), min_size=0, max_size=12))
def test_any_chunking_gives_identical_events(cuts):
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=22.0)
    rec = recording(angle, noise_g=0.01, seed=3)
    assert events_of(rec, cuts) == events_of(rec)


def test_one_sample_at_a_time_gives_identical_events():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=22.0)
    rec = recording(angle, noise_g=0.01, seed=4)
    assert events_of(rec, list(range(1, len(rec)))) == events_of(rec)


@settings(max_examples=10, deadline=None)
@given(st.floats(min_value=-1000.0, max_value=1e5))
def test_time_offset_shifts_events_only(offset):
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=22.0)
    a = reps_of(events_of(recording(angle)))
    b = reps_of(events_of(recording(angle, t0_s=offset)))
    assert len(a) == len(b) == 3
    for x, y in zip(a, b):
        assert y.start_s - offset == pytest.approx(x.start_s, abs=1e-6)
        assert y.rom_deg == pytest.approx(x.rom_deg, abs=1e-6)


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=2, max_value=7), st.floats(min_value=8.0, max_value=40.0), st.floats(min_value=0.3, max_value=4.0))
def test_reps_sorted_and_non_overlapping(n, rom, pause):
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=n, rom_deg=rom, pause_s=pause)
    reps = reps_of(events_of(recording(angle, noise_g=0.005)))
    for a, b in zip(reps, reps[1:]):
        assert a.start_s < a.peak_s < a.end_s <= b.start_s


def test_degenerate_inputs():
    cfg = PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=False)
    pipe = RepPipeline(cfg)
    assert pipe.feed(np.empty(0), np.empty((0, 3))) == []
    # a still sensor: no reps
    t = np.arange(500) / RATE
    evs = pipe.feed(t, np.tile([0.0, 0.0, 1.0], (500, 1))) + pipe.finish()
    assert reps_of(evs) == []
    # all zeros (a dead sensor) must not crash or count
    pipe = RepPipeline(cfg)
    evs = pipe.feed(t, np.zeros((500, 3))) + pipe.finish()
    assert reps_of(evs) == []


def test_non_increasing_timestamps_raise_typed_error():
    cfg = PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=False)
    pipe = RepPipeline(cfg)
    pipe.feed(np.array([0.0, 0.02]), np.zeros((2, 3)) + [0, 0, 1])
    with pytest.raises(ReptrackError):
        pipe.feed(np.array([0.02, 0.04]), np.zeros((2, 3)) + [0, 0, 1])


def test_gap_is_recorded_and_pipeline_restarts():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=6, rom_deg=25.0)
    rec = recording(angle)
    keep = np.ones(len(rec), bool)
    keep[1500:1650] = False  # 3 s hole
    rec2 = Recording(rec.t_s[keep], rec.accel_g[keep], rec.gyro_dps[keep], rec.meta)
    res = analyze_recording(rec2, EX)
    assert len(res.gaps) == 1
    assert res.gaps[0].end_s - res.gaps[0].start_s == pytest.approx(3.02, abs=0.05)
    assert 3 <= res.rep_count <= 6


def test_single_dropped_samples_are_bridged():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=25.0)
    rec = recording(angle)
    keep = np.ones(len(rec), bool)
    keep[::37] = False
    rec2 = Recording(rec.t_s[keep], rec.accel_g[keep], rec.gyro_dps[keep], rec.meta)
    res = analyze_recording(rec2, EX)
    assert res.gaps == ()
    assert res.rep_count == 5


def test_sparc_of_minimum_jerk_is_about_minus_1_4_and_jerky_is_lower():
    fs = 100.0
    tau = np.linspace(0, 1, 200)
    smooth = 30 * tau**2 * (1 - tau) ** 2
    assert sparc(smooth, sample_rate_hz=fs) == pytest.approx(-1.4, abs=0.1)
    wobbly = smooth * (1 + 0.5 * np.sin(2 * np.pi * 6 * tau * 2))
    assert sparc(wobbly, sample_rate_hz=fs) < sparc(smooth, sample_rate_hz=fs) - 0.3
    assert count_velocity_peaks(smooth, sample_rate_hz=fs) == 1
    assert count_velocity_peaks(np.concatenate([smooth, smooth, smooth]), sample_rate_hz=fs) == 3
    noisy = smooth + np.random.default_rng(0).normal(0, 0.02, smooth.size)
    assert count_velocity_peaks(noisy, sample_rate_hz=fs, noise_dps=0.2) == 1
    assert np.isnan(sparc(np.zeros(50), sample_rate_hz=fs))


def test_non_finite_samples_are_dropped_not_propagated():
    angle, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=25.0)
    rec = recording(angle)
    acc = rec.accel_g.copy()
    acc[400] = np.nan  # a malformed packet
    acc[900:905, 1] = np.inf
    cfg = PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=True)
    pipe = RepPipeline(cfg)
    evs = pipe.feed(rec.t_s, acc, rec.gyro_dps) + pipe.finish()
    assert pipe.dropped_samples == 6
    reps = reps_of(evs)
    assert len(reps) == 5
    assert all(np.isfinite(r.rom_deg) and r.rom_deg == pytest.approx(25.0, abs=1.5) for r in reps)


def test_wrong_shapes_raise_typed_error():
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=True))
    with pytest.raises(ReptrackError, match="accel_g must have shape"):
        pipe.feed(np.arange(3) / RATE, np.zeros((2, 3)), np.zeros((3, 3)))
    with pytest.raises(ReptrackError, match="gyro_dps must have shape"):
        pipe.feed(np.arange(3) / RATE, np.zeros((3, 3)), np.zeros((3, 2)))
