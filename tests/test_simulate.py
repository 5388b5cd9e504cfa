"""Tests of the labelled simulator (tracker.simulate).

The simulator is the ground truth of the evaluation, so these tests check the physics
against the labels: gravity at rest, sensor tilt and integrated gyro against the labelled
range of motion, fault injection visible in the signals, and the bookkeeping of the labels.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.signal import find_peaks
from scipy.spatial.transform import Rotation

from tracker.errors import ConfigurationError, DatasetError
from tracker.core.exercises import EXERCISES, UP_IN_SEGMENT, FlagKind, Posture
from tracker.core.recording import Placement, Recording
from tracker.simulate import (
    Labels,
    Simulation,
    SimulationConfig,
    corpus_combinations,
    injectable_faults,
    labels_path_for,
    pelvis_path_for,
    read_labels,
    simulate,
    simulate_corpus,
    write_labels,
)

EXERCISE_NAMES = sorted(n for n in EXERCISES if n != "auto")
MAIN_PLACEMENT = {"seated-knee-extension": Placement.SHANK, "hip-raise": Placement.PELVIS}


def _window_mean(rec: Recording, t0: float, t1: float) -> np.ndarray:
    m = (rec.t_s >= t0) & (rec.t_s <= t1)
    assert m.sum() >= 2, "window without samples"
    return rec.accel_g[m].mean(axis=0)


def _tilt_deg(a: np.ndarray, b: np.ndarray) -> float:
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    return float(np.degrees(np.arccos(np.clip(a @ b, -1.0, 1.0))))


def _rep_tilt_deg(rec: Recording, start_s: float, peak_s: float) -> float:
    """Tilt of the gravity direction seen by ``rec`` between just before a rep and its top."""
    return _tilt_deg(_window_mean(rec, start_s - 0.12, start_s), _window_mean(rec, peak_s - 0.06, peak_s + 0.06))


def _check_labels(sim: Simulation) -> None:
    lab = sim.labels
    reps = lab.reps
    assert lab.rep_count == len(reps) == sum(s.rep_count for s in lab.sets)
    assert [r.index for r in reps] == list(range(len(reps)))
    t0, t1 = float(sim.main.t_s[0]), float(sim.main.t_s[-1])
    for r in reps:
        assert t0 <= r.start_s < r.lift_end_s <= r.peak_s <= r.lower_start_s < r.end_s <= t1
        assert r.hold_s == pytest.approx(r.lower_start_s - r.lift_end_s)
        assert r.rom_deg > 0 and r.joint_rom_deg > 0
    for a, b in zip(reps, reps[1:]):
        assert a.end_s < b.start_s, "reps overlap or are not sorted"
    for s in lab.sets:
        in_set = [r for r in reps if r.set_index == s.index]
        assert len(in_set) == s.rep_count
        assert s.start_s == in_set[0].start_s and s.end_s == in_set[-1].end_s
    for s0, s1 in zip(lab.sets, lab.sets[1:]):
        assert s0.end_s < s1.start_s
    # No rep may fall into setup or idle time.
    for iv in lab.setup_intervals + lab.idle_intervals:
        assert iv.start_s < iv.end_s
        for r in reps:
            assert r.end_s <= iv.start_s + 1e-9 or r.start_s >= iv.end_s - 1e-9, (iv, r)
    assert lab.duration_s >= t1
    assert set(r_flag for r in reps for r_flag in r.flags) <= set(lab.injectable_faults)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def side_lying() -> Simulation:
    return simulate(SimulationConfig("side-lying-hip-abduction", seed=21, sample_rate_hz=100.0))


@pytest.fixture(scope="module")
def ideal_clean() -> dict[str, Simulation]:
    return {
        name: simulate(
            SimulationConfig(
                name,
                seed=3,
                sample_rate_hz=100.0,
                ideal_sensor=True,
                fault_rate=0.0,
                n_sets=1,
                reps_per_set=(5, 6),
                placement=MAIN_PLACEMENT.get(name, Placement.THIGH),
            )
        )
        for name in EXERCISE_NAMES
    }


# --------------------------------------------------------------------------- determinism
def test_same_config_gives_identical_output() -> None:
    cfg = SimulationConfig("standing-hip-flexion", seed=5, hold_s=2.0, fault_rate=0.5)
    a, b = simulate(cfg), simulate(cfg)
    np.testing.assert_array_equal(a.main.t_s, b.main.t_s)
    np.testing.assert_array_equal(a.main.accel_g, b.main.accel_g)
    np.testing.assert_array_equal(a.main.gyro_dps, b.main.gyro_dps)
    assert a.pelvis is not None and b.pelvis is not None
    np.testing.assert_array_equal(a.pelvis.accel_g, b.pelvis.accel_g)
    assert a.labels == b.labels
    assert a.main.gaps == b.main.gaps


def test_different_seeds_differ() -> None:
    a = simulate(SimulationConfig("clamshell", seed=1, n_sets=1))
    b = simulate(SimulationConfig("clamshell", seed=2, n_sets=1))
    assert a.labels.reps != b.labels.reps


def test_motion_does_not_depend_on_rate_gyro_or_sensor_quality() -> None:
    base = SimulationConfig("prone-leg-lift", seed=8, n_sets=1, sample_rate_hz=25.0)
    ref = simulate(base).labels
    for other in (
        replace(base, sample_rate_hz=200.0),
        replace(base, with_gyro=False),
        replace(base, ideal_sensor=True),
    ):
        lab = simulate(other).labels
        assert lab.reps == ref.reps
        assert lab.setup_intervals == ref.setup_intervals


# --------------------------------------------------------------------------- labels
@pytest.mark.parametrize(
    "cfg",
    [
        SimulationConfig("side-lying-hip-abduction", seed=1),
        SimulationConfig("standing-hip-abduction", seed=2, hold_s=3.0, fault_rate=0.6),
        SimulationConfig("hip-raise", seed=3, placement=Placement.PELVIS, n_sets=3),
        SimulationConfig("seated-knee-extension", seed=4, placement=Placement.SHANK, setup_motion=False),
        SimulationConfig("squat", seed=5, reps_per_set=(3, 3), with_gyro=False),
    ],
    ids=lambda c: c.exercise,
)
def test_labels_are_consistent(cfg: SimulationConfig) -> None:
    sim = simulate(cfg)
    _check_labels(sim)
    lo, hi = cfg.reps_per_set
    assert all(lo <= s.rep_count <= hi for s in sim.labels.sets)
    assert len(sim.labels.sets) == cfg.n_sets
    assert (sim.pelvis is None) == (cfg.placement is Placement.PELVIS) == (not sim.labels.pelvis_file)
    assert sim.main.has_gyro == cfg.with_gyro == sim.labels.has_gyro


def test_setup_motion_is_labelled(side_lying: Simulation) -> None:
    kinds = {iv.kind for iv in side_lying.labels.setup_intervals}
    assert {"walk", "fetch_weight", "lie_down", "stand_up"} <= kinds
    first_rep = side_lying.labels.reps[0].start_s
    walks = [iv for iv in side_lying.labels.setup_intervals if iv.kind == "walk" and iv.end_s < first_rep]
    assert walks
    # Walking really moves the thigh: large gyro swings and heel-strike peaks above 1.3 g.
    m = (side_lying.main.t_s >= walks[0].start_s) & (side_lying.main.t_s <= walks[0].end_s)
    assert side_lying.main.gyro_dps is not None
    assert np.abs(side_lying.main.gyro_dps[m]).max() > 60.0
    assert np.linalg.norm(side_lying.main.accel_g[m], axis=1).max() > 1.3


def test_standing_exercise_walk_is_setup() -> None:
    sim = simulate(SimulationConfig("standing-hip-extension", seed=9))
    walks = [iv for iv in sim.labels.setup_intervals if iv.kind == "walk"]
    assert len(walks) >= 2
    assert walks[0].end_s < sim.labels.reps[0].start_s
    assert walks[-1].start_s > sim.labels.reps[-1].end_s


def test_without_setup_motion_there_is_none() -> None:
    sim = simulate(SimulationConfig("straight-leg-raise", seed=2, setup_motion=False))
    assert sim.labels.setup_intervals == ()
    assert sim.labels.idle_intervals[0].start_s == 0.0


def test_labels_json_round_trip(tmp_path, side_lying: Simulation) -> None:
    lab = side_lying.labels
    d = lab.to_json()
    text = json.dumps(d)  # plain JSON types only
    for key in (
        "exercise", "placement", "rep_count", "reps", "sets", "setup_intervals", "idle_intervals",
        "sample_rate_hz", "seed", "has_gyro", "pelvis_file",
    ):
        assert key in d
    rep = d["reps"][0]
    for key in ("start_s", "peak_s", "end_s", "set_index", "rom_deg", "hold_s", "flags"):
        assert key in rep
    assert all(isinstance(f, str) for r in d["reps"] for f in r["flags"])
    assert {"start_s", "end_s", "rep_count"} <= set(d["sets"][0])
    assert {"start_s", "end_s", "kind"} <= set(d["setup_intervals"][0])
    assert Labels.from_json(json.loads(text)) == lab
    path = tmp_path / "x.labels.json"
    write_labels(path, lab)
    assert read_labels(path) == lab


def test_labels_reject_inconsistent_json(side_lying: Simulation) -> None:
    d = side_lying.labels.to_json()
    d["rep_count"] += 1
    with pytest.raises(DatasetError):
        Labels.from_json(d)
    with pytest.raises(DatasetError):
        Labels.from_json({"format": "something else"})


def test_flagged_fault_values_in_json() -> None:
    sim = simulate(SimulationConfig("standing-hip-flexion", seed=4, fault_rate=1.0, n_sets=1))
    values = {f for r in sim.labels.to_json()["reps"] for f in r["flags"]}
    assert values and values <= {f.value for f in FlagKind}


# --------------------------------------------------------------------------- physics
def test_accel_is_one_g_at_rest(side_lying: Simulation) -> None:
    ideal = simulate(replace(SimulationConfig("side-lying-hip-abduction", seed=21), ideal_sensor=True))
    for sim, tol in ((ideal, 0.01), (side_lying, 0.06)):
        for iv in sim.labels.idle_intervals:
            m = (sim.main.t_s >= iv.start_s) & (sim.main.t_s <= iv.end_s)
            if m.sum() < 10:
                continue
            mag = np.linalg.norm(sim.main.accel_g[m], axis=1)
            assert abs(np.median(mag) - 1.0) < tol, iv


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_sensor_tilt_matches_rom_of_clean_reps(name: str, ideal_clean: dict[str, Simulation]) -> None:
    sim = ideal_clean[name]
    assert sim.labels.reps
    for r in sim.labels.reps:
        assert r.flags == ()
        assert abs(_rep_tilt_deg(sim.main, r.start_s, r.peak_s) - r.rom_deg) < 3.0, r


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_gyro_integrates_to_rep_angle(name: str, ideal_clean: dict[str, Simulation]) -> None:
    sim = ideal_clean[name]
    rec = sim.main
    assert rec.gyro_dps is not None
    for r in sim.labels.reps:
        m = (rec.t_s >= r.start_s) & (rec.t_s <= r.peak_s)
        angle = np.linalg.norm(np.trapezoid(rec.gyro_dps[m], rec.t_s[m], axis=0))
        assert abs(angle - r.main_segment_rotation_deg) < 2.0, r
        if sim.labels.placement.value == EXERCISES[name].moving_segment.value:
            assert abs(angle - r.rom_deg) < 3.0, r


@pytest.mark.parametrize(
    "name, up_in_segment",
    [
        ("standing-hip-abduction", UP_IN_SEGMENT[Posture.STANDING]),
        ("straight-leg-raise", UP_IN_SEGMENT[Posture.SUPINE]),
        ("prone-leg-lift", UP_IN_SEGMENT[Posture.PRONE]),
        ("side-lying-hip-abduction", UP_IN_SEGMENT[Posture.SIDE_LYING]),
        ("clamshell", UP_IN_SEGMENT[Posture.SIDE_LYING]),
        # Hip flexed 45 deg on the back: the knee is above the hip, so the thigh's superior
        # axis points down (exercises.UP_IN_SEGMENT[HOOK_LYING] has +0.71 for y).
        ("hip-raise", (0.7071, -0.7071, 0.0)),
    ],
)
def test_strap_maps_readings_to_the_posture(name: str, up_in_segment: tuple[float, float, float]) -> None:
    """Undoing the labelled strap rotation puts gravity where the start posture says."""
    sim = simulate(SimulationConfig(name, seed=22, ideal_sensor=True, n_sets=1, placement=Placement.THIGH))
    strap = Rotation.from_rotvec(np.radians(sim.labels.sensors[0].strap_rotvec_deg)).as_matrix()
    r = sim.labels.reps[0]
    up_sensor = _window_mean(sim.main, r.start_s - 0.5, r.start_s)
    assert _tilt_deg(strap @ up_sensor, np.asarray(up_in_segment)) < 10.0
    # Any strap: the readings' magnitude does not depend on it.
    assert np.linalg.norm(up_sensor) == pytest.approx(1.0, abs=0.01)


def _phase_durations_from_gyro(rec: Recording, t0: float, t1: float) -> float:
    """Length of the stretch where the angular rate exceeds 10 % of its peak in [t0, t1]."""
    m = (rec.t_s >= t0) & (rec.t_s <= t1)
    w = np.linalg.norm(rec.gyro_dps[m], axis=1)  # type: ignore[index]
    above = rec.t_s[m][w > 0.1 * w.max()]
    return float(above[-1] - above[0])


def test_too_fast_reps_really_have_short_phases() -> None:
    sim = simulate(
        SimulationConfig(
            "side-lying-hip-abduction", seed=12, ideal_sensor=True, fault_rate=0.5,
            faults=frozenset({FlagKind.TOO_FAST}), n_sets=2, hold_s=1.0,
        )
    )
    fast = [r for r in sim.labels.reps if FlagKind.TOO_FAST in r.flags]
    slow = [r for r in sim.labels.reps if not r.flags]
    assert fast and slow
    for r in fast:
        assert r.lift_s <= 0.7 and r.lower_s <= 0.7
        assert _phase_durations_from_gyro(sim.main, r.start_s - 0.2, r.lift_end_s + 0.3) < 0.8
        assert _phase_durations_from_gyro(sim.main, r.lower_start_s - 0.3, r.end_s + 0.2) < 0.8
    for r in slow:
        assert r.lift_s >= 1.2 and r.lower_s >= 1.2
        assert _phase_durations_from_gyro(sim.main, r.start_s - 0.2, r.lift_end_s + 0.3) > 1.1


@pytest.mark.parametrize("name", ["standing-hip-abduction", "prone-leg-lift", "straight-leg-raise", "clamshell"])
def test_pelvic_rise_tilts_the_pelvis_recording(name: str) -> None:
    sim = simulate(
        SimulationConfig(
            name, seed=13, ideal_sensor=True, fault_rate=0.5, faults=frozenset({FlagKind.PELVIC_RISE}), n_sets=1,
            reps_per_set=(10, 10),
        )
    )
    assert sim.pelvis is not None
    risen = [r for r in sim.labels.reps if FlagKind.PELVIC_RISE in r.flags]
    clean = [r for r in sim.labels.reps if not r.flags]
    assert risen and clean
    for r in risen:
        assert 6.0 <= r.pelvis_deg <= 15.0
        tilt = _rep_tilt_deg(sim.pelvis, r.start_s, r.peak_s)
        assert tilt == pytest.approx(r.pelvis_deg, abs=2.0)
        # The thigh sees hip ROM + pelvic rise.
        assert r.rom_deg == pytest.approx(r.joint_rom_deg + r.pelvis_deg)
        assert _rep_tilt_deg(sim.main, r.start_s, r.peak_s) == pytest.approx(r.rom_deg, abs=3.0)
    for r in clean:
        assert _rep_tilt_deg(sim.pelvis, r.start_s, r.peak_s) < 2.0
        assert r.pelvis_rotation_deg < 2.0


def test_pelvis_not_level_rolls_the_pelvis_in_hip_raise() -> None:
    sim = simulate(
        SimulationConfig(
            "hip-raise", seed=14, ideal_sensor=True, fault_rate=0.5, faults=frozenset({FlagKind.PELVIS_NOT_LEVEL}),
            placement=Placement.PELVIS,
        )
    )
    tilted = [r for r in sim.labels.reps if r.flags]
    clean = [r for r in sim.labels.reps if not r.flags]
    assert tilted and clean
    for r in tilted:
        # Pelvis rotation = tilt about z combined with the roll about y.
        expected = np.degrees(np.arccos(np.cos(np.radians(r.rom_deg)) * np.cos(np.radians(r.pelvis_deg))))
        assert r.pelvis_rotation_deg == pytest.approx(expected, abs=2.0)
        assert r.pelvis_rotation_deg > r.rom_deg + 0.5
    for r in clean:
        assert r.pelvis_rotation_deg == pytest.approx(r.rom_deg, abs=2.0)


def test_jerky_reps_have_several_velocity_peaks() -> None:
    sim = simulate(
        SimulationConfig(
            "side-lying-hip-abduction", seed=15, ideal_sensor=True, fault_rate=0.5, faults=frozenset({FlagKind.JERKY}),
            n_sets=3,
        )
    )
    rec = sim.main

    def n_peaks(t0: float, t1: float) -> int:
        m = (rec.t_s >= t0) & (rec.t_s <= t1)
        w = np.linalg.norm(rec.gyro_dps[m], axis=1)  # type: ignore[index]
        peaks, _ = find_peaks(w, prominence=0.2 * w.max())
        return len(peaks)

    jerky = [r for r in sim.labels.reps if r.flags]
    clean = [r for r in sim.labels.reps if not r.flags]
    assert jerky and clean
    for r in jerky:
        assert max(n_peaks(r.start_s, r.lift_end_s), n_peaks(r.lower_start_s, r.end_s)) >= 2, r
    for r in clean:
        assert n_peaks(r.start_s, r.lift_end_s) == 1 and n_peaks(r.lower_start_s, r.end_s) == 1, r


def test_short_hold_and_partial_rom_are_what_they_say() -> None:
    sim = simulate(
        SimulationConfig(
            "straight-leg-raise", seed=16, hold_s=4.0, fault_rate=0.6,
            faults=frozenset({FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM}), n_sets=3,
        )
    )
    normal = {s.index: s.normal_rom_deg for s in sim.labels.sets}
    kinds: set[FlagKind] = set()
    for r in sim.labels.reps:
        kinds.update(r.flags)
        if FlagKind.SHORT_HOLD in r.flags:
            assert r.hold_s < 0.5 * 4.0
        else:
            assert r.hold_s >= 4.0
        if FlagKind.PARTIAL_ROM in r.flags:
            assert 0.35 * normal[r.set_index] - 1e-9 <= r.joint_rom_deg <= 0.6 * normal[r.set_index]
        else:
            assert r.joint_rom_deg >= 0.85 * normal[r.set_index]
    assert kinds == {FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM}


def test_correct_reps_are_clearly_correct() -> None:
    for name in EXERCISE_NAMES:
        sim = simulate(SimulationConfig(name, seed=17, hold_s=2.0, fault_rate=0.5, n_sets=1))
        normal = sim.labels.sets[0].normal_rom_deg
        for r in sim.labels.reps:
            if r.flags:
                continue
            assert r.lift_s >= 1.2 and r.lower_s >= 1.2
            assert r.hold_s >= 2.0
            assert r.n_submovements == 1
            assert r.pelvis_deg == 0.0
            assert r.joint_rom_deg >= 0.85 * normal
            if name not in ("hip-raise", "squat"):  # there the pelvis is part of the movement
                assert r.pelvis_rotation_deg <= 2.0


# --------------------------------------------------------------------------- sensor model
@pytest.mark.parametrize("rate", [25.0, 200.0])
def test_sample_counts(rate: float) -> None:
    ideal = simulate(SimulationConfig("clamshell", seed=18, sample_rate_hz=rate, ideal_sensor=True, n_sets=1))
    n = int(np.floor(ideal.labels.duration_s * rate))
    assert len(ideal.main) == n
    assert ideal.pelvis is not None and len(ideal.pelvis) == n
    np.testing.assert_allclose(np.diff(ideal.main.t_s), 1.0 / rate)
    noisy = simulate(SimulationConfig("clamshell", seed=18, sample_rate_hz=rate, n_sets=1))
    assert 0.95 * n <= len(noisy.main) <= n
    assert np.all(np.diff(noisy.main.t_s) > 0.0)
    assert noisy.main.meta.sample_rate_hz == rate and noisy.main.nominal_rate_hz() == rate


def test_recording_metadata(side_lying: Simulation) -> None:
    meta = side_lying.main.meta
    assert meta.simulated and meta.sensor == "simulated"
    assert meta.placement is Placement.THIGH and meta.exercise == "side-lying-hip-abduction"
    assert side_lying.pelvis is not None and side_lying.pelvis.meta.placement is Placement.PELVIS
    # Time aligned: the two sensors span the same session.
    assert abs(side_lying.main.t_s[0] - side_lying.pelvis.t_s[0]) < 0.1
    assert abs(side_lying.main.t_s[-1] - side_lying.pelvis.t_s[-1]) < 0.1


def test_noise_bias_and_quantisation_are_present(side_lying: Simulation) -> None:
    truth = side_lying.labels.sensors[0]
    assert 0.005 <= truth.accel_noise_g <= 0.02 and 0.3 <= truth.gyro_noise_dps <= 1.0
    assert max(abs(b) for b in truth.accel_bias_g) <= 0.03
    lsb = truth.accel_lsb_g
    np.testing.assert_allclose(side_lying.main.accel_g / lsb, np.round(side_lying.main.accel_g / lsb), atol=1e-6)
    dt = np.diff(side_lying.main.t_s) * 100.0
    assert dt.min() > 0.85  # jitter stays within +-5 % of the interval
    assert np.any(np.abs(dt - np.round(dt)) > 0.01)  # but is there


def test_long_dropouts_are_reported_as_gaps() -> None:
    found = 0
    for seed in range(40):
        sim = simulate(SimulationConfig("prone-leg-lift", seed=seed, n_sets=1, reps_per_set=(3, 3), setup_motion=False))
        for gap in sim.main.gaps:
            found += 1
            assert gap.duration_s > 0.5
            inside = (sim.main.t_s > gap.start_s) & (sim.main.t_s < gap.end_s)
            assert not inside.any()
            i = int(np.searchsorted(sim.main.t_s, gap.start_s))
            assert sim.main.t_s[i] == gap.start_s and sim.main.t_s[i + 1] == gap.end_s
        assert sim.labels.sensors[0].gaps == sim.main.gaps
        # Bursts last at most 1 s: every longer hole is a reported gap.
        starts = set(sim.main.t_s[:-1][np.diff(sim.main.t_s) > 1.1])
        assert starts <= {g.start_s for g in sim.main.gaps}
    assert found > 0


# --------------------------------------------------------------------------- configuration
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_every_exercise_simulates(name: str) -> None:
    sim = simulate(SimulationConfig(name, seed=19, n_sets=1, reps_per_set=(3, 4), fault_rate=0.5))
    _check_labels(sim)
    assert sim.main.gyro_dps is not None
    assert np.all(np.isfinite(sim.main.accel_g)) and np.all(np.isfinite(sim.main.gyro_dps))
    assert sim.labels.exercise in EXERCISE_NAMES
    assert sim.labels.declared_exercise == name
    assert sim.main.meta.exercise == name


def test_default_faults_per_exercise() -> None:
    leg = EXERCISES["side-lying-hip-abduction"]
    assert FlagKind.PELVIC_RISE in injectable_faults(leg, hold_s=None)
    assert FlagKind.SHORT_HOLD not in injectable_faults(leg, hold_s=None)
    assert FlagKind.SHORT_HOLD in injectable_faults(leg, hold_s=2.0)
    assert FlagKind.PELVIS_NOT_LEVEL in injectable_faults(EXERCISES["hip-raise"], hold_s=None)
    assert FlagKind.PELVIC_RISE not in injectable_faults(EXERCISES["squat"], hold_s=None)


def test_only_requested_faults_are_injected() -> None:
    sim = simulate(SimulationConfig("standing-hip-flexion", seed=20, fault_rate=1.0, faults=frozenset({FlagKind.JERKY})))
    assert all(r.flags == (FlagKind.JERKY,) for r in sim.labels.reps)


@pytest.mark.parametrize(
    "cfg",
    [
        SimulationConfig("nope", seed=1),
        SimulationConfig("squat", seed=1, sample_rate_hz=10.0),
        SimulationConfig("squat", seed=1, placement=Placement.AUTO),
        SimulationConfig("squat", seed=1, n_sets=0),
        SimulationConfig("squat", seed=1, reps_per_set=(5, 3)),
        SimulationConfig("squat", seed=1, fault_rate=1.5),
        SimulationConfig("squat", seed=1, faults=frozenset({FlagKind.PELVIC_RISE})),
        SimulationConfig("squat", seed=1, faults=frozenset({FlagKind.SHORT_HOLD})),
    ],
)
def test_bad_configuration_is_rejected(cfg: SimulationConfig) -> None:
    with pytest.raises(ConfigurationError):
        simulate(cfg)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    name=st.sampled_from(sorted(EXERCISES)),
    rate=st.sampled_from([25.0, 50.0, 100.0, 200.0]),
    hold=st.sampled_from([None, 1.0, 3.0]),
    setup=st.booleans(),
)
def test_label_invariants_hold_for_any_seed(seed: int, name: str, rate: float, hold: float | None, setup: bool) -> None:
    sim = simulate(
        SimulationConfig(
            name, seed=seed, sample_rate_hz=rate, hold_s=hold, setup_motion=setup, n_sets=2, reps_per_set=(2, 4),
            rest_between_sets_s=(5.0, 10.0),
        )
    )
    _check_labels(sim)
    assert np.all(np.isfinite(sim.main.accel_g))
    assert np.all(np.abs(sim.main.accel_g) < 16.0)


# --------------------------------------------------------------------------- corpus
def test_corpus_combinations_cover_exercises_and_placements() -> None:
    combos = corpus_combinations()
    assert {n for n, _ in combos} == set(EXERCISE_NAMES)
    assert ("hip-raise", Placement.PELVIS) in combos and ("hip-raise", Placement.THIGH) in combos
    assert ("seated-knee-extension", Placement.SHANK) in combos


def test_companion_paths() -> None:
    assert pelvis_path_for("out/a.csv").name == "a.pelvis.csv"
    assert labels_path_for("out/a.csv").name == "a.labels.json"


def test_simulate_corpus_writes_files(tmp_path) -> None:
    csvio = pytest.importorskip("tracker.files.csv_recording")
    paths = simulate_corpus(
        tmp_path, n_recordings=12, seed=1, n_sets=1, reps_per_set=(2, 3), setup_motion=False
    )
    assert len(paths) == 12
    seen = set()
    for p in paths:
        lab = read_labels(labels_path_for(p))
        seen.add((lab.exercise, lab.placement))
        rec = csvio.read_recording(p).recording
        assert len(rec) == lab.sensors[0].n_samples
        assert pelvis_path_for(p).exists() == lab.pelvis_file
    assert seen == set(corpus_combinations())
