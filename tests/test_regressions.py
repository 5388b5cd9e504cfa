"""Regression tests for defects found in review (each failed before its fix)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from hand_signals import min_jerk, rep_angles_deg, sensor_from_angles
from tracker.core.exercises import get_exercise
from tracker.pipeline import PipelineConfig, PostureChanged, RejectedMovement, RepCompleted, RepPipeline, SetCompleted, make_config
from tracker.core.recording import Placement
from tracker.evaluation.latency import stream_in_chunks
from tracker.pipeline.config import Personalisation
from tracker.pipeline.setup import SessionSetup
from tracker.pipeline.types import RepSource
from tracker.simulate import Realism, SimulationConfig, simulate

RATE = 50.0
EX = get_exercise("side-lying-hip-abduction")


def _feed(pipe: RepPipeline, t, acc, gyr, size: int) -> list:
    out: list = []
    for a in range(0, t.size, size):
        out += pipe.feed(t[a:a + size], acc[a:a + size], None if gyr is None else gyr[a:a + size])
    return out + pipe.finish()


@pytest.mark.parametrize("gyro", [True, False])
def test_hip_raise_with_pelvis_is_chunk_invariant(gyro: bool) -> None:
    # the hold-replay compared against the peak at the start of a block, not the running peak
    sim = simulate(SimulationConfig("hip-raise", seed=0, sample_rate_hz=25.0, with_gyro=gyro, n_sets=3, fault_rate=0.5))
    rec, pel = sim.main, sim.pelvis
    assert pel is not None

    def run(size: int) -> list:
        p = RepPipeline(make_config(rec, get_exercise("hip-raise"), pelvis=pel),
                        pelvis_sample_rate_hz=pel.nominal_rate_hz(), pelvis_has_gyro=pel.has_gyro)
        head = p.feed_pelvis(pel.t_s, pel.accel_g, pel.gyro_dps)
        return head + _feed(p, rec.t_s, rec.accel_g, rec.gyro_dps, size)

    whole = run(len(rec))
    assert any(isinstance(e, RepCompleted) for e in whole)
    assert run(100) == whole
    assert run(7) == whole


def _sway_then_reps(sway_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = int
    up = 25.0 * min_jerk(n(RATE * 2))
    parts = [np.zeros(n(RATE * 3)), up, 25 - 15 * min_jerk(n(RATE * 1))]  # lift, come only part way down
    t_sway = np.arange(n(RATE * sway_s)) / RATE
    parts.append(10 + 3 * np.sin(2 * np.pi * 1.0 * t_sway))  # sway +-3 deg around 10 deg
    parts += [10 * (1 - min_jerk(n(RATE * 1))), np.zeros(n(RATE * 3))]
    for _ in range(3):
        parts += [25 * min_jerk(n(RATE * 2)), np.full(n(RATE * 1), 25.0), 25 * (1 - min_jerk(n(RATE * 2))), np.zeros(n(RATE * 2))]
    angle = np.concatenate(parts)
    return sensor_from_angles(angle, rate_hz=RATE)


def test_a_lowering_that_never_ends_is_no_rep_and_history_stays_bounded() -> None:
    t, acc, gyr = _sway_then_reps(300.0)
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=True))
    events = _feed(pipe, t, acc, gyr, 500)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert all(r.duration_s <= EX.max_rep_s for r in reps)
    assert len(reps) == 3
    assert pipe._hist._n <= 2 * pipe._hist.capacity + 4096


def test_a_waiting_quick_movement_expires_and_long_sway_does_not_crash() -> None:
    # a quick 1 s swing, then minutes of small sway: the swing must be rejected with its own
    # times (it used to be kept, trimmed out of the history, and crash feed() with IndexError)
    n = lambda s: int(RATE * s)  # noqa: E731
    swing = np.concatenate([25 * min_jerk(n(0.5)), 25 * (1 - min_jerk(n(0.5)))])
    t_sway = np.arange(n(600)) / RATE
    angle = np.concatenate([np.zeros(n(3)), swing, 2.5 * np.sin(2 * np.pi * 0.7 * t_sway)])
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE)
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=True))
    events = _feed(pipe, t, acc, gyr, 500)
    assert not any(isinstance(e, RepCompleted) for e in events)
    first = [e for e in events if isinstance(e, RejectedMovement)][0]
    assert first.start_s == pytest.approx(3.0, abs=0.3) and first.end_s < 4.5


def test_set_completes_during_the_rest_even_after_a_lone_movement() -> None:
    n = lambda s: int(RATE * s)  # noqa: E731
    rep = lambda rom: [rom * min_jerk(n(2)), np.full(n(1), rom), rom * (1 - min_jerk(n(2))), np.zeros(n(2))]  # noqa: E731
    parts = [np.zeros(n(3))]
    for _ in range(4):
        parts += rep(25.0)
    parts += [np.zeros(n(30)), np.zeros(n(600))]
    angle = np.concatenate(parts)
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE)
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=True))
    seen_at = None
    for a in range(0, t.size, 25):
        evs = pipe.feed(t[a:a + 25], acc[a:a + 25], gyr[a:a + 25])
        if any(isinstance(e, SetCompleted) for e in evs):
            seen_at = t[min(a + 24, t.size - 1)]
            break
    assert seen_at is not None and seen_at < 60.0


@pytest.mark.parametrize("gyro", [True, False])
def test_spike_at_the_top_does_not_make_a_slow_rep_too_fast(gyro: bool) -> None:
    # A jerk at the top of the lift that the 0.15 s smoothing removes left the 90 % level of
    # the raw peak uncrossed: the phase measured 0 s and a 2 s lift was flagged too_fast.
    angle, truth = rep_angles_deg(rate_hz=100.0, reps=4, rom_deg=25.0, lift_s=2.0, hold_s=1.5, lower_s=2.0)
    for start_s, _ in truth:
        top = int(round((start_s + 2.5) * 100.0))
        angle[top: top + 4] += 6.0  # 40 ms spike
    t, acc, gyr = sensor_from_angles(angle, rate_hz=100.0)
    cfg = PipelineConfig(exercise=EX, sample_rate_hz=100.0, has_gyro=gyro)
    reps = [e.rep for e in _feed(RepPipeline(cfg), t, acc, gyr if gyro else None, 50) if isinstance(e, RepCompleted)]
    assert len(reps) == 4
    for rep in reps:
        assert 1.5 < rep.lift_s < 2.6 and 1.5 < rep.lower_s < 2.6, (rep.lift_s, rep.lower_s)
        assert "too_fast" not in [f.kind.value for f in rep.flags]


@pytest.mark.parametrize("gyro", [True, False])
@pytest.mark.parametrize(("lie_deg", "bridge_deg", "hold_s"), [(50.0, 25.0, 0.4), (46.0, 35.0, 5.0)])
def test_lying_down_before_bridges_is_not_a_rep(gyro: bool, lie_deg: float, bridge_deg: float, hold_s: float) -> None:
    # Thigh sensor, hip raise: sitting still, lying down turns the thigh ~50 deg, then each
    # bridge turns it ~25 deg back towards the sitting orientation and returns. The lying
    # posture is the start posture; counting from the sitting one merged the lie-down with
    # the first bridge and every later "rep" was half a bridge out of phase.
    rate = 50.0
    # (the second case: the bridge top within a quarter of the lie-down from sitting, held 5 s)
    top = lie_deg - bridge_deg
    parts = [np.zeros(int(3 * rate)), lie_deg * min_jerk(int(1.2 * rate)), np.full(int(3 * rate), lie_deg)]
    truth = []
    t = sum(p.size for p in parts) / rate
    for _ in range(6):
        lift, lower, pause = 2.0, 2.0, 1.5
        rep = np.concatenate([lie_deg - bridge_deg * min_jerk(int(lift * rate)), np.full(int(hold_s * rate), top),
                              top + bridge_deg * min_jerk(int(lower * rate))])
        truth.append((t, t + rep.size / rate))
        parts += [rep, np.full(int(pause * rate), lie_deg)]
        t += (rep.size + int(pause * rate)) / rate
    parts.append(np.full(int(3 * rate), lie_deg))
    t_s, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=rate, noise_g=0.004, seed=2)
    cfg = PipelineConfig(exercise=get_exercise("hip-raise"), sample_rate_hz=rate, has_gyro=gyro)
    reps = [e.rep for e in _feed(RepPipeline(cfg), t_s, acc, gyr if gyro else None, 64) if isinstance(e, RepCompleted)]
    assert len(reps) == 6
    for rep, (start_s, end_s) in zip(reps, truth):
        assert abs(rep.start_s - start_s) < 0.8 and abs(rep.end_s - end_s) < 0.8, (rep.start_s, rep.end_s, start_s, end_s)
        assert 0.8 * bridge_deg < rep.rom_deg < 1.2 * bridge_deg


def test_sitting_up_after_the_last_rep_is_not_a_rep_with_a_pelvis_sensor() -> None:
    # Straight-leg raises, then the person sits up to take the weight off: the thigh turns a
    # few degrees slowly (a "rep" to the thigh alone), the pelvis turns ~80 deg. It counted.
    rate = 50.0
    thigh, truth = rep_angles_deg(rate_hz=rate, reps=5, rom_deg=30.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, tail_s=1.0)
    n_reps = thigh.size
    sit_up = min_jerk(int(3.0 * rate))
    thigh = np.concatenate([thigh, 8.0 * sit_up, 8.0 - 8.0 * min_jerk(int(3.0 * rate)), np.zeros(int(4 * rate))])
    pelvis = np.concatenate([np.zeros(n_reps), 80.0 * sit_up, np.full(thigh.size - n_reps - sit_up.size, 80.0)])
    t, acc, gyr = sensor_from_angles(thigh, rate_hz=rate, noise_g=0.003, seed=3)
    _, p_acc, p_gyr = sensor_from_angles(pelvis, rate_hz=rate, axis=(0.0, 1.0, 0.0), noise_g=0.003, seed=4)
    cfg = PipelineConfig(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=rate, has_gyro=True, with_pelvis=True)
    pipe = RepPipeline(cfg, pelvis_sample_rate_hz=rate, pelvis_has_gyro=True)
    events = pipe.feed_pelvis(t, p_acc, p_gyr) + _feed(pipe, t, acc, gyr, 25)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == len(truth) == 5
    assert any("pelvis turned" in e.reason for e in events if isinstance(e, RejectedMovement))
    sets = [e for e in events if isinstance(e, SetCompleted)]
    assert [s.rep_count for s in sets] == [5] and [r.index for r in reps] == [1, 2, 3, 4, 5]


def test_slow_lift_after_a_long_rest_is_not_a_posture_change() -> None:
    # Small prone leg lifts without a gyro: the first 0.4 s of a slow 9 deg lift are under
    # the still speed, so the still run of the rest before (20 s) went on into the lift and
    # was taken for a hold longer than any hold: "settled away from the start posture".
    rate = 100.0
    angle, truth = rep_angles_deg(rate_hz=rate, reps=6, rom_deg=9.0, lift_s=2.0, hold_s=0.2, lower_s=2.5,
                                  pause_s=1.5, lead_s=20.0)
    t, acc, _ = sensor_from_angles(angle, rate_hz=rate, noise_g=0.003, seed=5)
    cfg = PipelineConfig(exercise=get_exercise("prone-leg-lift"), sample_rate_hz=rate, has_gyro=False)
    events = _feed(RepPipeline(cfg), t, acc, None, 100)
    assert not [e for e in events if isinstance(e, PostureChanged)]
    assert len([e for e in events if isinstance(e, RepCompleted)]) == len(truth) == 6


def test_a_tiny_movement_the_same_way_inside_a_set_is_not_a_rep() -> None:
    # 30 deg reps; between two of them the leg moves 5 deg the same way (shifting, or
    # standing up at the end): under a fifth of the set's range it is no rep.
    rate = 50.0
    first, _ = rep_angles_deg(rate_hz=rate, reps=5, rom_deg=30.0, tail_s=0.0)
    tiny, _ = rep_angles_deg(rate_hz=rate, reps=1, rom_deg=5.0, lead_s=0.0, tail_s=0.0)
    last, _ = rep_angles_deg(rate_hz=rate, reps=3, rom_deg=30.0, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([first, tiny, last]), rate_hz=rate, noise_g=0.003, seed=6)
    events = _feed(RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=rate, has_gyro=True)), t, acc, gyr, 50)
    assert len([e for e in events if isinstance(e, RepCompleted)]) == 8
    assert any(e.reason == "small movement between reps" and e.rom_deg < 7 for e in events if isinstance(e, RejectedMovement))



def test_fast_rep_between_slow_settling_movements_is_counted() -> None:
    # Each lowering ends with a slow settling of a few degrees, taken for a small movement of
    # its own; a fast rep right after it had "no pause before it" and, with another slow
    # movement after it, "no pause after it". Slow movements are no movements for the pauses.
    rate = 50.0

    def rep(rom: float, lift: float, hold: float, lower: float) -> np.ndarray:
        return np.concatenate([rom * min_jerk(int(lift * rate)), np.full(int(hold * rate), rom),
                               rom * (1 - min_jerk(int(lower * rate)))])

    def settle(deg: float, s: float) -> np.ndarray:  # a slow excursion of ``deg`` and back
        return np.concatenate([deg * min_jerk(int(s / 2 * rate)), deg * (1 - min_jerk(int(s / 2 * rate)))])

    parts = [np.zeros(int(4 * rate))]
    for k in range(8):
        parts.append(rep(28.0, 0.4, 0.4, 0.6) if k == 4 else rep(29.0, 1.9, 0.4, 2.2))
        parts.append(settle(3.8, 1.0))
        parts.append(np.zeros(0) if k in (3, 4) else np.zeros(int(1.0 * rate)))
    parts.append(np.zeros(int(3 * rate)))
    t, acc, _ = sensor_from_angles(np.concatenate(parts), rate_hz=rate, noise_g=0.003, seed=8)
    cfg = PipelineConfig(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=rate, has_gyro=False)
    events = _feed(RepPipeline(cfg), t, acc, None, 50)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == 8, [(e.start_s, e.reason) for e in events if isinstance(e, RejectedMovement)]


@pytest.mark.parametrize("cfg", [
    SimulationConfig("seated-knee-extension", seed=213, sample_rate_hz=50.0, with_gyro=False, n_sets=3,
                     fault_rate=0.4, placement=Placement.SHANK),
    SimulationConfig("squat", seed=245, sample_rate_hz=25.0, with_gyro=True, n_sets=2, fault_rate=0.4),
], ids=["seated-knee-extension-213", "squat-245"])
def test_quick_rep_accepted_at_its_pause_whatever_the_chunking(cfg: SimulationConfig) -> None:
    # A quick rep waiting for its pause was accepted at the start of the block holding the
    # pause, ahead of earlier events in that block (set timeout, expiry): chunking changed
    # the sets and the count. Found by a reviewer's fuzzing.
    sim = simulate(cfg)
    ex = get_exercise(cfg.exercise)

    def run(size: int) -> list[str]:
        p = RepPipeline(make_config(sim.main, ex))
        return [repr(e) for e in _feed(p, sim.main.t_s, sim.main.accel_g, sim.main.gyro_dps, size)]

    whole = run(len(sim.main))
    assert run(10) == whole
    assert run(1) == whole


def test_sitting_up_does_not_confirm_a_lone_raise() -> None:
    # The posture gate acts as reps go out; the sit-up confirmed the lone raise before it as a
    # one-rep set (found by review). Reps confirmed by each other now go out together, and a
    # gated one takes the others with it.
    # 5 reps, 40 s rest, one lone raise, then sitting up (pelvis turns 80 deg). Without the
    # sit-up the lone raise is rejected as isolated; with it, it must stay rejected.
    rate = 50.0
    first, _ = rep_angles_deg(rate_hz=rate, reps=5, rom_deg=30.0, tail_s=0.0)
    lone, _ = rep_angles_deg(rate_hz=rate, reps=1, rom_deg=30.0, lead_s=40.0, tail_s=0.0)
    n3 = int(3 * rate)
    thigh = np.concatenate([first, lone, 15.0 * min_jerk(n3), 15.0 - 15.0 * min_jerk(n3), np.zeros(int(20 * rate))])
    pelvis = np.concatenate([np.zeros(first.size + lone.size), 80.0 * min_jerk(n3), np.full(n3 + int(20 * rate), 80.0)])
    t, acc, gyr = sensor_from_angles(thigh, rate_hz=rate, noise_g=0.003, seed=3)
    _, p_acc, p_gyr = sensor_from_angles(pelvis, rate_hz=rate, axis=(0.0, 1.0, 0.0), noise_g=0.003, seed=4)
    cfg = PipelineConfig(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=rate, has_gyro=True, with_pelvis=True)
    pipe = RepPipeline(cfg, pelvis_sample_rate_hz=rate, pelvis_has_gyro=True)
    events = pipe.feed_pelvis(t, p_acc, p_gyr) + pipe.feed(t, acc, gyr) + pipe.finish()
    assert len([e for e in events if isinstance(e, RepCompleted)]) == 5


def test_filling_a_dropped_sample_leaves_the_real_samples_bit_for_bit() -> None:
    # Drops were filled by recomputing every sample of the block as prev + 1.0 * (cur - prev),
    # which can round away from cur; whether a sample went through that depended on the
    # chunking, so full-precision input (a device calibration applied) was not chunk-invariant.
    # Found when a stored session with a device calibration reanalysed 1 ULP differently.
    from pathlib import Path

    from tracker.files.csv_recording import read_recording

    rec = read_recording(Path(__file__).resolve().parents[1] / "sample_data" / "standing-hip-abduction.csv").recording
    steps = np.rint(np.diff(rec.t_s) * rec.nominal_rate_hz())
    assert (steps > 1).sum() >= 3  # the sample has dropped samples
    acc = (rec.accel_g - np.array([0.0302, -0.0199, 0.0501])) * np.array([1.0199, 0.9701, 1.0099])  # not float32 values

    def run(size: int) -> list[str]:
        p = RepPipeline(make_config(rec, get_exercise("standing-hip-abduction")))
        return [repr(e) for e in _feed(p, rec.t_s, acc, rec.gyro_dps, size)]  # repr: NaN equals NaN

    whole = run(len(rec))
    assert sum("RepCompleted" in e for e in whole) >= 8
    for size in (3, 10, 37):
        assert run(size) == whole


def test_a_file_that_says_it_holds_another_exercise_is_warned_about(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Found by the fuzz test: '# exercise: juggling' (or another exercise) was analysed as asked
    without a word in analyze, import and record."""
    from tests.conftest import ROOT

    text = (ROOT / "sample_data" / "clamshell.csv").read_text().replace("# exercise: clamshell", "# exercise: juggling")
    (tmp_path / "j.csv").write_text(text)
    (tmp_path / "h.csv").write_text(text.replace("# exercise: juggling", "# exercise: Hip_Raise"))
    db = tmp_path / "s.db"
    for argv in (("analyze", tmp_path / "j.csv", "--exercise", "clamshell"),
                 ("import", tmp_path / "j.csv", "--exercise", "clamshell", "--person", "p", "--db", db),
                 ("record", "--source", tmp_path / "j.csv", "--exercise", "clamshell", "--person", "p", "--db", db, "--speed", "max", "--plain")):
        code, _, err = cli(*argv)
        assert code == 0
        assert "warning: the file says its exercise is 'juggling', which is not one reptrack knows: analysed as clamshell" in err
    code, _, err = cli("analyze", tmp_path / "h.csv", "--exercise", "clamshell")
    assert code == 0 and "the file says its exercise is hip-raise: analysed as clamshell, as asked" in err
    code, _, err = cli("analyze", ROOT / "sample_data" / "clamshell.csv", "--exercise", "clamshell")
    assert code == 0 and "file says" not in err


@pytest.mark.parametrize("rom_deg", [70.0, 100.0])
def test_a_shank_sensor_in_a_hip_exercise_counts_reps_beyond_the_thighs_range(rom_deg: float) -> None:
    """Issue 11: the exercise table's range is the thigh's; a shank sensor turns with the knee too.
    UCI subject 2's shank blocks past it counted 0 reps (each rep abandoned as 'a change of
    posture'); now they count, and the thigh's limit still stands for a thigh sensor."""
    from tracker.pipeline.config import PipelineConfig as Config

    slr = get_exercise("straight-leg-raise")
    angle, truth = rep_angles_deg(rate_hz=RATE, reps=6, rom_deg=rom_deg, lift_s=2.0, hold_s=1.0, lower_s=2.0)
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE)
    shank = Config(exercise=slr, sample_rate_hz=RATE, has_gyro=True, placement=Placement.SHANK)
    reps = [e.rep for e in _feed(RepPipeline(shank), t, acc, gyr, 25) if isinstance(e, RepCompleted)]
    assert len(reps) == len(truth) == 6
    thigh = Config(exercise=slr, sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    counted = [e for e in _feed(RepPipeline(thigh), t, acc, gyr, 25) if isinstance(e, RepCompleted)]
    # a thigh turning past the table's range is counted as well (a rep beyond the usual range is
    # a rep, issue 11), and flagged beyond_range; a change of posture is told by where it settles
    assert len(counted) == 6
    beyond = ["beyond_range" in {f.kind.value for f in e.rep.flags} for e in counted]
    assert beyond == [rom_deg > slr.max_rep_rom_deg] * 6


def test_a_rep_half_as_far_again_as_the_usual_range_is_counted_and_flagged_beyond_range() -> None:
    from tracker.pipeline.config import PipelineConfig as Config

    angle, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=20.0, lift_s=2.0, hold_s=1.0, lower_s=2.0)
    big, _ = rep_angles_deg(rate_hz=RATE, reps=1, rom_deg=34.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([angle, big]), rate_hz=RATE)
    cfg = Config(exercise=EX, sample_rate_hz=RATE, has_gyro=True)
    reps = [e.rep for e in _feed(RepPipeline(cfg), t, acc, gyr, 25) if isinstance(e, RepCompleted)]
    assert len(reps) == 6
    assert [("beyond_range" in {f.kind.value for f in r.flags}) for r in reps] == [False] * 5 + [True]
    flag = next(f for f in reps[-1].flags if f.kind.value == "beyond_range")
    assert flag.threshold == pytest.approx(1.5 * 20.0, abs=1.0) and "usual range" in flag.cue


@pytest.mark.parametrize("size", [7, 25, 1000])
@pytest.mark.parametrize(("gap_s", "counted"), [(1.5, 6), (10.0, 5)])
def test_a_first_rep_past_the_range_counts_when_the_set_follows_it(size: int, gap_s: float, counted: int) -> None:
    """Issue 11: a set's first rep twice the usual range, the next 1.5 s later (the real-behaviour
    corpus: a person's first rep overshooting) is a rep, flagged beyond_range -- it was dropped as
    a movement past the range 'not followed by a similar one', and the steady set counted one
    short. The same movement 10 s before the reps (a bend to fetch a weight, then walking back and
    strapping it on) is still no rep and sets no range for the reps after it."""
    first, _ = rep_angles_deg(rate_hz=RATE, reps=1, rom_deg=90.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, pause_s=0.0, tail_s=gap_s)
    rest, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=40.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, pause_s=1.5, lead_s=0.0)
    reps, postures = _counted_and_postures(np.concatenate([first, rest]), size)
    assert len(reps) == counted and postures == 0
    beyond = ["beyond_range" in {f.kind.value for f in r.flags} for r in reps]
    assert beyond == [True] * (counted - 5) + [False] * 5
    assert all(35.0 < r.rom_deg < 45.0 for r in reps[counted - 5:])


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_quick_first_rep_past_the_range_keeps_the_reference_for_the_set_without_pauses(size: int) -> None:
    """Issue 11 (UCI subject 2 replayed twice as fast): a set of 1.8 s reps with no pause between
    them, the first twice the usual range. The reference was dropped after it, to be taken again
    at the next still period -- which such a set never gives: 0 reps."""
    first, _ = rep_angles_deg(rate_hz=RATE, reps=1, rom_deg=95.0, lift_s=0.9, hold_s=0.0, lower_s=0.9, pause_s=0.0, tail_s=0.05)
    rest, _ = rep_angles_deg(rate_hz=RATE, reps=7, rom_deg=40.0, lift_s=0.9, hold_s=0.0, lower_s=0.9, pause_s=0.05, lead_s=0.0)
    reps, postures = _counted_and_postures(np.concatenate([first, rest]), size)
    assert len(reps) == 8 and postures == 0
    assert "beyond_range" in {f.kind.value for f in reps[0].flags}
    assert all(35.0 < r.rom_deg < 45.0 for r in reps[1:])


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_set_of_small_reps_after_a_rest_is_not_judged_by_the_big_reps_before_it(size: int) -> None:
    """Issue 11: after a set of 60 deg reps and a minute's rest, reps of 10 deg (a partial-return set,
    a low-amplitude block) were all turned down as 'small movement between reps' -- judged against
    the last set's reps, which no longer make a run with them. The real-behaviour corpus lost a
    whole set so (9 of 9 reps)."""
    big, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=60.0, pause_s=1.5, tail_s=60.0)
    small, _ = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=10.0, pause_s=1.5, lead_s=0.0)
    reps, postures = _counted_and_postures(np.concatenate([big, small]), size)
    assert postures == 0
    assert [round(r.rom_deg / 5.0) * 5 for r in reps] == [60] * 5 + [10] * 5
    assert [r.set_index for r in reps] == [1] * 5 + [2] * 5


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_quick_rep_inside_a_set_counts_even_under_the_exercises_shortest_rep(size: int) -> None:
    """Issue 11: a squat of 0.8 s (60 deg, no hold) measures about 0.6 s between its onset and end
    levels, under the squat's 0.8 s: in the middle of a set it was turned down as too short (the
    clean corpus seed 7 lost a rep so in five sets). From a pause, the set's way and range, with a
    pause after it, it is the set's next rep, flagged too_fast."""
    from tracker.pipeline.config import PipelineConfig as Config

    slow, _ = rep_angles_deg(rate_hz=RATE, reps=3, rom_deg=60.0, lift_s=1.5, hold_s=0.5, lower_s=1.5, pause_s=1.5, tail_s=1.5)
    quick, _ = rep_angles_deg(rate_hz=RATE, reps=1, rom_deg=60.0, lift_s=0.4, hold_s=0.0, lower_s=0.4, pause_s=0.0, lead_s=0.0,
                              tail_s=1.5)
    more, _ = rep_angles_deg(rate_hz=RATE, reps=2, rom_deg=60.0, lift_s=1.5, hold_s=0.5, lower_s=1.5, pause_s=1.5, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([slow, quick, more]), rate_hz=RATE)
    cfg = Config(exercise=get_exercise("squat"), sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    reps = [e.rep for e in _feed(RepPipeline(cfg), t, acc, gyr, size) if isinstance(e, RepCompleted)]
    assert len(reps) == 6
    assert reps[3].duration_s < get_exercise("squat").min_rep_s
    assert [("too_fast" in {f.kind.value for f in r.flags}) for r in reps] == [False] * 3 + [True] + [False] * 2


def _counted_and_postures(angle: np.ndarray, size: int) -> tuple[list, int]:
    from tracker.pipeline.config import PipelineConfig as Config

    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE)
    cfg = Config(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t, acc, gyr, size)
    return [e.rep for e in events if isinstance(e, RepCompleted)], sum(isinstance(e, PostureChanged) for e in events)


@pytest.mark.xfail(strict=True, reason=(
    "since stop 34 the reps are counted (4) but timed upside down: the reference is taken again at the "
    "turn's top (an excursion too long for a rep), the settle half way back (45 deg, the exercise's largest "
    "typical range) is a hold, and reps from it towards that top and back read as a rep's top left part of "
    "the way down (BACK_AT_HOLD within the typical range, which fixed partial-return sets held at the top: "
    "real behaviours seeds 2026 / 11 exact 75.2 -> 75.5 / 75.3 -> 76.3 %). No cheap condition told the two "
    "apart (both run on a reference taken again; the depth of the turn overlaps)"))
@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_turn_past_the_range_that_settles_away_is_a_posture_change_not_a_rep(size: int) -> None:
    """Issue 11: size alone no longer refuses a rep; a change of posture is told by the rest
    after it. The thigh turns 90 deg and settles 45 deg from where it started (half way: no
    rep comes back there), then four reps of 30 deg from that new posture are counted."""
    up = np.concatenate([np.zeros(int(3 * RATE)), 90.0 * min_jerk(int(1.5 * RATE)), np.full(int(1.0 * RATE), 90.0),
                         90.0 - 45.0 * min_jerk(int(1.5 * RATE)), np.full(int(4 * RATE), 45.0)])
    reps_angle, _ = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=30.0, lead_s=1.0)
    reps, postures = _counted_and_postures(np.concatenate([up, 45.0 + reps_angle]), size)
    assert postures >= 1
    assert len(reps) == 4 and all(25.0 < r.rom_deg < 35.0 for r in reps)


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_set_of_reps_past_the_tables_range_that_come_back_counts_every_rep(size: int) -> None:
    reps_angle, truth = rep_angles_deg(rate_hz=RATE, reps=5, rom_deg=95.0, lift_s=1.5, hold_s=0.5, lower_s=1.5, pause_s=1.0)
    reps, postures = _counted_and_postures(reps_angle, size)
    assert len(reps) == len(truth) == 5 and postures == 0
    assert all("beyond_range" in {f.kind.value for f in r.flags} for r in reps)


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_a_quick_last_rep_followed_by_a_still_new_posture_is_counted(size: int) -> None:
    """Issue 11 (UCI s2 e3, shank): the last rep of a fast set waits for a pause after it; the leg
    was put down a little higher and stayed there, which the detector takes for a posture change.
    The stillness there is the pause the quick rep needed: it counts (it was rejected)."""
    reps_angle, truth = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=40.0, lift_s=1.5, hold_s=0.5, lower_s=1.5,
                                       pause_s=1.5, tail_s=1.5)
    n_q = int(0.45 * RATE)
    quick = np.concatenate([40.0 * min_jerk(n_q), 40.0 * (1.0 - min_jerk(n_q))])
    higher = np.concatenate([12.0 * min_jerk(int(0.5 * RATE)), np.full(int(20 * RATE), 12.0)])
    reps, postures = _counted_and_postures(np.concatenate([reps_angle, quick, higher]), size)
    assert postures >= 1
    assert len(reps) == len(truth) + 1 == 5
    assert "too_fast" in {f.kind.value for f in reps[-1].flags}


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_reps_right_after_a_turn_past_the_range_count_from_the_new_posture(size: int) -> None:
    """Issue 11 (corpus seed 7, prone after rolling over): a turn past the exercise's range is no
    longer given up at the range, so the new posture was taken only once still for max_hold_s,
    and reps begun before then were lost. Before the session's first rep, the first rep's top
    held past the range and away from the still posture (``SETTLED_ELSEWHERE``) makes the engine
    look again from the turn's start: the still posture is the start posture, the turn no rep."""
    turn = np.concatenate([np.zeros(int(3 * RATE)), 120.0 * min_jerk(int(2.0 * RATE)), np.full(int(2 * RATE), 120.0)])
    reps_angle, truth = rep_angles_deg(rate_hz=RATE, reps=4, rom_deg=25.0, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([turn, 120.0 + reps_angle]), rate_hz=RATE)
    cfg = PipelineConfig(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t, acc, gyr, size)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    turned_down = [e for e in events if isinstance(e, RejectedMovement)]
    assert [e.reason for e in turned_down] == ["settled in another posture"] and turned_down[0].start_s < 4.0
    assert len(reps) == len(truth) == 4 and all(20.0 < r.rom_deg < 30.0 for r in reps)


@pytest.mark.parametrize("size", [7, 25, 1000])
def test_small_reps_right_after_lying_down_count_from_the_new_posture(size: int) -> None:
    """Issue 11 (real-behaviour corpus: the first reps after lying down prone were lost): the thigh
    turns 170 deg and is still there for 2 s, then six prone leg lifts of 4 deg -- under a
    hold's ``hold_away_fraction`` of the table's range, so they never left the "hold" to prove
    it the start posture, and the excursion ran on until too long for a rep. A still posture
    past ``new_posture_factor`` times the typical range is a new posture at once."""
    lie = np.concatenate([np.zeros(int(3 * RATE)), 170.0 * min_jerk(int(2.0 * RATE)), np.full(int(2 * RATE), 170.0)])
    reps_angle, truth = rep_angles_deg(rate_hz=RATE, reps=6, rom_deg=4.0, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([lie, 170.0 + reps_angle]), rate_hz=RATE, noise_g=0.002)
    cfg = PipelineConfig(exercise=get_exercise("prone-leg-lift"), sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t, acc, gyr, size)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert sum(isinstance(e, PostureChanged) for e in events) == 1
    assert len(reps) == len(truth) == 6 and all(3.0 < r.rom_deg < 5.0 for r in reps)


def _low_prone_set(tops: list[float], *, raised_deg: float = 0.5, pause_s: float = 3.0) -> np.ndarray:
    """Low prone leg lifts with the thigh sensor: the first from the rest, each coming back to a
    rest ``raised_deg`` higher that sways by 0.3 deg (so it is taken for no new reference)."""
    rate = RATE

    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(round(s * rate)))

    def sway(s: float) -> np.ndarray:
        return raised_deg + 0.3 * np.sin(2 * np.pi * 0.4 * np.arange(int(s * rate)) / rate)

    parts = [np.zeros(int(4 * rate)), seg(0, tops[0], 1.0), np.full(int(rate), tops[0]), seg(tops[0], raised_deg, 1.0), sway(pause_s)]
    for top in tops[1:]:
        peak = raised_deg + top
        parts += [seg(raised_deg, peak, 1.0), np.full(int(rate), peak), seg(peak, raised_deg, 1.0), sway(pause_s)]
    return np.concatenate(parts + [np.full(int(3 * rate), raised_deg)])


@pytest.mark.parametrize("gyro", [True, False])
def test_low_reps_just_under_the_entry_level_count_in_a_set_of_low_reps(gyro: bool) -> None:
    # UCI subject 1's low prone leg lifts (thigh): 2.2-3.5 deg reps, the smaller ones crossing the
    # 2.5 deg entry level from a slightly raised rest but measuring under it from there; 5 of 10
    # were turned down as too small. From a pause, and like the set's other reps, they count
    from tracker.core.recording import Recording
    from tracker.pipeline import analyze_recording
    t, acc, gyr = sensor_from_angles(_low_prone_set([3.4, 2.2, 3.2, 2.3, 3.1, 2.2, 3.4, 2.1]), rate_hz=RATE, noise_g=0.002)
    res = analyze_recording(Recording(t, acc, gyr if gyro else None), get_exercise("prone-leg-lift"), placement=Placement.THIGH)
    assert res.rep_count == 8  # 4 before


def test_small_movements_without_pauses_after_a_low_rep_are_no_reps() -> None:
    # shifting about after a low rep moves the thigh as far, 2.2 deg to and fro, but with no pause
    from tracker.core.recording import Recording
    from tracker.pipeline import analyze_recording
    first = _low_prone_set([3.4], pause_s=1.0)[: -int(3 * RATE)]
    wobble = 0.5 + 1.1 * (1 - np.cos(2 * np.pi * 1.2 * np.arange(int(8 * RATE)) / RATE))
    angles = np.concatenate([first, wobble, np.full(int(4 * RATE), 0.5)])
    t, acc, gyr = sensor_from_angles(angles, rate_hz=RATE, noise_g=0.002)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("prone-leg-lift"), placement=Placement.THIGH)
    assert res.rep_count == 0
    assert any("too small" in r.reason for r in res.rejected)


def _sub_entry_moves(base_deg: float, top_deg: float, n: int) -> list[np.ndarray]:
    """``n`` slow movements of ``top_deg`` from a swaying rest at ``base_deg``, each with a pause."""
    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(round(s * RATE)))

    def sway(s: float) -> np.ndarray:
        return base_deg + 0.3 * np.sin(2 * np.pi * 0.4 * np.arange(int(s * RATE)) / RATE)

    peak = base_deg + top_deg
    return [sway(3.0)] + [x for _ in range(n) for x in (seg(base_deg, peak, 1.0), np.full(int(RATE), peak), seg(peak, base_deg, 1.0), sway(3.0))]


@pytest.mark.parametrize("after", ["a rest", "the other way"])
def test_movements_under_the_entry_level_are_no_reps_after_a_rest_or_the_other_way(after: str) -> None:
    # two 2.2 deg movements after the set of low reps: 20 s after its last rep, or the other way
    # from a rest that settled 1 deg lower, are no next reps of it (they made a second set of 2)
    from tracker.core.recording import Recording
    from tracker.pipeline import analyze_recording
    low_set = _low_prone_set([3.4, 2.2, 3.2, 2.3, 3.1, 2.2, 3.4, 2.1])[: -int(3 * RATE)]
    if after == "a rest":
        tail = [np.full(int(17 * RATE), 0.5)] + _sub_entry_moves(0.5, 2.2, 2)
    else:
        tail = [0.5 - min_jerk(int(2 * RATE))] + _sub_entry_moves(-0.5, -2.2, 2)
    t, acc, gyr = sensor_from_angles(np.concatenate([low_set, *tail, np.full(int(3 * RATE), float(tail[-1][-1]))]),
                                     rate_hz=RATE, noise_g=0.002)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("prone-leg-lift"), placement=Placement.THIGH)
    assert res.rep_count == 8
    assert len(res.sets) == 1


@pytest.mark.parametrize("size", [1, 7, 33, 1000])
def test_a_first_rep_past_the_range_that_paused_on_the_way_up_is_no_posture_change(size: int) -> None:
    """Review of SETTLED_ELSEWHERE (issue 11): a first rep past the range (prone leg lift, 50 deg
    against a 44 deg limit) that paused 1.5 s at 25 deg on the way up and held at the top looked
    like lying down and rolling over -- a still "hold", then still elsewhere past the range -- and
    looking again from its start took the pause for the start posture: all four reps were lost.
    Only a hold near the reference or itself past the range counts for that."""
    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(s * RATE))

    def rep() -> np.ndarray:
        return np.concatenate([seg(0, 25, 1.5), np.full(int(1.5 * RATE), 25.0), seg(25, 50, 1.5),
                               np.full(int(2 * RATE), 50.0), seg(50, 0, 2.0), np.zeros(int(2.5 * RATE))])

    angle = np.concatenate([np.zeros(int(4 * RATE)), rep(), rep(), rep(), rep(), np.zeros(int(3 * RATE))])
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE)
    cfg = PipelineConfig(exercise=get_exercise("prone-leg-lift"), sample_rate_hz=RATE, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t, acc, gyr, size)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == 4 and all(45.0 < r.rom_deg < 55.0 for r in reps)
    assert not any(isinstance(e, RejectedMovement) and e.reason == "settled in another posture" for e in events)


@pytest.mark.parametrize("size", [1, 33, 100_000])
def test_fetching_the_weight_and_walking_back_is_not_the_sets_first_rep(size: int) -> None:
    # Real-behaviour corpus seed 11, recording 123 (standing hip flexion, thigh, 100 Hz, no gyro):
    # the person walks, bends to pick up the weight (an 85 deg "rep" of 4 s), walks back and
    # starts reps 11 s later. The walk's steps were too small to count against the bend's
    # range, so nothing came between the two, and the first rep confirmed the bend as the set's
    # first. Moving for seconds between them is no set's rest.
    sim = simulate(SimulationConfig("standing-hip-flexion", seed=397862165, sample_rate_hz=100.0, with_gyro=False,
                                    n_sets=2, reps_per_set=(8, 12), hold_s=5.0, fault_rate=0.3,
                                    placement=Placement.THIGH, realism=Realism.REAL))
    fetch = next(s for s in sim.labels.setup_intervals if s.kind == "fetch_weight")
    setup = SessionSetup.resolve("standing-hip-flexion", Placement.THIGH, with_pelvis=True,
                                 personal=Personalisation(hold_s=5.0))
    events = [s.event for s in stream_in_chunks(setup, sim.main, sim.pelvis, chunk_n=size)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert not [r for r in reps if fetch.start_s <= r.peak_s <= fetch.end_s]
    assert any(isinstance(e, RejectedMovement) and fetch.start_s <= e.start_s <= fetch.end_s
               and e.reason == "other movement before the next rep" for e in events)
    assert abs(len(reps) - sim.labels.rep_count) <= 1


@pytest.mark.parametrize("size", [1, 33, 100_000])
def test_the_last_stride_of_a_walk_is_no_sets_first_rep(size: int) -> None:
    # Real-behaviour corpus seed 2026, recording 87 (standing hip extension, thigh, 100 Hz, gyro):
    # each walk ends with a stride whose swing settles slowly (0.4 s up, 1.0 s down: long enough
    # for a rep with no pause before it), straight after strides turned down as quick. The first
    # walk's last stride, the bend to fetch the weight and the walk back's last stride were counted
    # as a set of three before the first set.
    sim = simulate(SimulationConfig("standing-hip-extension", seed=420090160, sample_rate_hz=100.0, with_gyro=True,
                                    n_sets=2, reps_per_set=(8, 12), hold_s=2.0, fault_rate=0.3,
                                    placement=Placement.THIGH, realism=Realism.REAL))
    walks = [s for s in sim.labels.setup_intervals if s.kind == "walk" and s.end_s < sim.labels.sets[0].start_s]
    assert len(walks) == 2
    setup = SessionSetup.resolve("standing-hip-extension", Placement.THIGH, with_pelvis=True,
                                 personal=Personalisation(hold_s=2.0))
    events = [s.event for s in stream_in_chunks(setup, sim.main, sim.pelvis, chunk_n=size)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert not [r for r in reps if r.peak_s < sim.labels.sets[0].start_s]
    # the first walk's last stride is what the rule turned down (the bend then opens no set)
    ends = [e for e in events if isinstance(e, RejectedMovement) and e.reason.startswith("straight after quick strides")]
    assert any(walks[0].start_s <= e.start_s <= walks[0].end_s + 0.5 for e in ends)
    assert [sum(1 for r in reps if s.start_s - 1 <= r.peak_s <= s.end_s + 1) for s in sim.labels.sets] == \
        [s.rep_count for s in sim.labels.sets]


@pytest.mark.parametrize("gap_s", [1.0, 3.0, 6.0])
def test_a_walk_ending_in_a_slow_stride_then_a_set_counts_the_set_alone(gap_s: float) -> None:
    # A walk (the thigh forward and back behind the body, 0.95 strides a second), its last stride
    # settling slowly (0.45 s up, 1.5 s down: over ``min_unpaused_rep_s``), then a set of four.
    # The stride is like the set's reps and opened it: five counted. Turned down as the end of a
    # walk (``walk_end_*``), the set counts four, however long the person stands before it.
    rate = 50.0

    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(round(s * rate)))

    t = np.arange(int(3 / 0.95 * rate)) / rate
    walk = np.clip(t / 0.4, 0, 1) * (5 + 22 * np.cos(2 * np.pi * 0.95 * t - np.pi))
    walk -= walk[0]
    last = [seg(walk[-1], 28, 0.45), seg(28, 0, 1.5)]
    reps = [p for _ in range(4) for p in (seg(0, 30, 1.2), np.full(int(rate), 30.0), seg(30, 0, 1.2), np.zeros(int(1.5 * rate)))]
    angle = np.concatenate([np.zeros(int(3 * rate)), walk, *last, np.zeros(int(gap_s * rate)), *reps, np.zeros(int(3 * rate))])
    t_s, acc, gyr = sensor_from_angles(angle, rate_hz=rate)
    set_start_s = (len(angle) - len(np.concatenate(reps)) - 3 * rate) / rate

    def counted(config: PipelineConfig) -> tuple[list[float], list[RejectedMovement]]:
        pipe = RepPipeline(config)
        events = pipe.feed(t_s, acc, gyr) + pipe.finish()
        return ([e.rep.start_s for e in events if isinstance(e, RepCompleted)],
                [e for e in events if isinstance(e, RejectedMovement)])

    cfg = PipelineConfig(exercise=get_exercise("standing-hip-extension"), sample_rate_hz=rate, has_gyro=True, placement=Placement.THIGH)
    starts, rejected = counted(cfg)
    assert len(starts) == 4 and min(starts) > set_start_s - 0.5
    assert any(r.reason.startswith("straight after quick strides") and r.end_s < set_start_s for r in rejected)
    # (the signal is one the rule decides: without it the stride opens the set)
    without = dataclasses.replace(cfg, detector=dataclasses.replace(cfg.detector, walk_end_min_strides=99))
    assert len(counted(without)[0]) == 5


def _walk_then_held_reps(pause_s: float, rate: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A walk (3 strides, the thigh forward and back behind the body), a pause of ``pause_s``,
    then five reps held 1 s (review helper-64's signal)."""
    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(round(s * rate)))

    t = np.arange(int(3 / 0.95 * rate)) / rate
    walk = np.clip(t / 0.4, 0, 1) * (5 + 22 * np.cos(2 * np.pi * 0.95 * t - np.pi))
    walk = np.concatenate([walk - walk[0], seg(walk[-1] - walk[0], 0, 0.3)])
    reps = [p for _ in range(5) for p in (seg(0, 30, 1.2), np.full(int(rate) + 1, 30.0), seg(30, 0, 1.2), np.zeros(int(1.5 * rate)))]
    angle = np.concatenate([np.zeros(int(3 * rate)), walk, np.zeros(int(pause_s * rate) + 1), *reps, np.zeros(int(3 * rate))])
    return sensor_from_angles(angle, rate_hz=rate)


@pytest.mark.parametrize("pause_s", [0.3, 0.6, 1.0])
def test_a_set_started_after_a_short_pause_from_walking_counts_its_first_rep(pause_s: float) -> None:
    # The end-of-walk rule (``walk_end_*``) is for movement with no pause after the strides: a
    # set's first rep after a pause of 0.3 s or more counts.
    t_s, acc, gyr = _walk_then_held_reps(pause_s, 50.0)
    cfg = PipelineConfig(exercise=get_exercise("standing-hip-extension"), sample_rate_hz=50.0, has_gyro=True, placement=Placement.THIGH)
    pipe = RepPipeline(cfg)
    events = pipe.feed(t_s, acc, gyr) + pipe.finish()
    assert sum(isinstance(e, RepCompleted) for e in events) == 5
    assert not any(isinstance(e, RejectedMovement) and e.reason.startswith("straight after quick strides") for e in events)


@pytest.mark.xfail(strict=True, reason="the end-of-walk rule's price: a set's first rep started with no pause at all "
                   "after walking is taken for setup motion (config.DetectorConfig.walk_end_gap_s)")
def test_a_set_started_with_no_pause_after_walking_counts_its_first_rep() -> None:
    t_s, acc, gyr = _walk_then_held_reps(0.0, 50.0)
    cfg = PipelineConfig(exercise=get_exercise("standing-hip-extension"), sample_rate_hz=50.0, has_gyro=True, placement=Placement.THIGH)
    pipe = RepPipeline(cfg)
    events = pipe.feed(t_s, acc, gyr) + pipe.finish()
    assert sum(isinstance(e, RepCompleted) for e in events) == 5


@pytest.mark.parametrize("gyro", [True, False])
def test_swaying_between_a_sets_first_two_reps_is_no_walking(gyro: bool) -> None:
    # The walking rule counts time moving between a set's first reps. Counted at still_dps
    # (8 deg/s), 8 s of +-3 deg sway at 0.8 Hz (15 deg/s at its fastest) measured 5 s "moving",
    # broke the set and lost its first rep (review). Walking swings a thigh at 100-300 deg/s.
    n = lambda s: int(round(RATE * s))  # noqa: E731
    rep = [25.0 * min_jerk(n(2.0)), np.full(n(1.0), 25.0), 25.0 * (1.0 - min_jerk(n(2.0)))]
    tt = np.arange(n(8.0)) / RATE
    sway = 3.0 * np.sin(2 * np.pi * 0.8 * tt) * np.minimum(1.0, np.minimum(tt, 8.0 - tt) / 0.5)
    parts = [np.zeros(n(3.0)), *rep, np.zeros(n(1.0)), sway, np.zeros(n(1.0))]
    for _ in range(7):
        parts += [*rep, np.zeros(n(2.0))]
    angle = np.concatenate([*parts, np.zeros(n(5.0))])
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE, noise_g=0.02 if not gyro else 0.0, seed=1)
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE, has_gyro=gyro))
    events = pipe.feed(t, acc, gyr if gyro else None) + pipe.finish()
    assert sum(isinstance(e, RepCompleted) for e in events) == 8


def _corpus_recording_streamed(exercise: str, placement: Placement, *, seed: int, rate_hz: float, gyro: bool, hold_s: float | None,
                               size: int, reps_out: list | None = None) -> tuple[list[int], list[int], int]:
    """A recording of the real-behaviour corpus (two sets, as ``reptrack corpus --real-behaviours``
    draws them), streamed in chunks of ``size``: each set's true reps, the reps counted in each
    (peak within a second of it), and the reps counted outside every set (the reps themselves
    appended to ``reps_out``)."""
    sim = simulate(SimulationConfig(exercise, seed=seed, sample_rate_hz=rate_hz, with_gyro=gyro, n_sets=2,
                                    reps_per_set=(8, 12), hold_s=hold_s, fault_rate=0.3, placement=placement,
                                    realism=Realism.REAL))
    setup = SessionSetup.resolve(exercise, placement, with_pelvis=sim.pelvis is not None, personal=Personalisation(hold_s=hold_s))
    events = [s.event for s in stream_in_chunks(setup, sim.main, sim.pelvis, chunk_n=size)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    counted = [sum(1 for r in reps if s.start_s - 1.0 <= r.peak_s <= s.end_s + 1.0) for s in sim.labels.sets]
    if reps_out is not None:
        reps_out.extend(reps)
    return [s.rep_count for s in sim.labels.sets], counted, len(reps) - sum(counted)


@pytest.mark.parametrize("size", [1, 33, 100_000])
def test_fast_sets_seen_from_the_shank_are_read_from_the_gyro(size: int) -> None:
    # Real-behaviour corpus seed 2026, recording 238 (standing hip flexion, shank, 100 Hz, gyro):
    # both sets are fast, with no pause. The fused tilt of the shank swung back past the rest by
    # 14-35 deg between reps (the quick lift's own acceleration) where the gyro turned it back by
    # 0-2.4 deg, and every rep was taken for a step of walking: 0 of 23 counted.
    truth, counted, outside = _corpus_recording_streamed("standing-hip-flexion", Placement.SHANK, seed=1023309955, rate_hz=100.0,
                                                         gyro=True, hold_s=2.0, size=size)
    assert all(abs(c - t) <= 1 for c, t in zip(counted, truth))
    assert outside == 0


@pytest.mark.parametrize("size", [1, 33, 100_000])
def test_a_fast_set_lying_down_counts_without_a_gyro(size: int) -> None:
    # Real-behaviour corpus seed 2026, recording 262 (straight-leg raise, thigh, 50 Hz, no gyro):
    # a steady set of 8, then 11 fast reps with no pause. Without a gyro the swing back that tells
    # a walk from a fast set is lost (the accelerometer's tilt of a fast raise measures 100-180
    # deg), so quick reps never made a fast set: 0 of 11 counted. Lying down, from the rest of the
    # set counted there, no one walks. The walk after the session (from standing) stays uncounted.
    truth, counted, outside = _corpus_recording_streamed("straight-leg-raise", Placement.THIGH, seed=744272806, rate_hz=50.0,
                                                         gyro=False, hold_s=3.0, size=size)
    assert counted == truth == [8, 11]
    assert outside == 0  # nothing counted outside the sets


@pytest.mark.parametrize("size", [1, 33, 100_000])
def test_a_fast_set_after_a_small_shift_held_still_is_counted(size: int) -> None:
    # Real-behaviour corpus seed 2026, recording 170 (standing hip flexion, shank, 100 Hz, gyro):
    # getting into position moved the shank 3.5 deg and stood it there 3 s, then 11 fast reps of
    # about 60 deg with no pause. The 3 s was taken for the hold of a 3.5 deg lift, the first fast
    # rep for leaving it, and the set (never settling) counted 0 of 11. Now the shift is the start
    # posture and the set counts; the second set, steady, stays exact. (Until the simulator's
    # movement wobble, stop 36, the set's first 7 counted: after a 165 deg reading of the 8th, the
    # reps that followed read the other way. With it, 10.)
    truth, counted, outside = _corpus_recording_streamed("standing-hip-flexion", Placement.SHANK, seed=4286495422, rate_hz=100.0,
                                                         gyro=True, hold_s=3.0, size=size)
    assert truth == [11, 12]
    # the same for every chunking (0 and 12 before stop 34; 10 and 12 before the exact gyro fusion
    # of stop 45, which follows the set's swings)
    assert counted == [11, 12]
    assert outside == 0


@pytest.mark.parametrize(("gyro", "size"), [(False, 1), (False, 100_000), (True, 100_000)])
def test_raised_rests_count_after_a_first_excursion_too_long_for_a_rep(gyro: bool, size: int) -> None:
    # Real-behaviour corpus seed 2026, recording 93 (prone leg lift, shank, 50 Hz, no gyro): a
    # partial-return set whose first excursion ran too long for a rep, so the reference was taken
    # again and, no rep having come back to it, the part-way rules were off: the raised rests were
    # no rests and the set counted 6 of 8. They are on now (with a gyro too: the same people)
    truth, counted, outside = _corpus_recording_streamed("prone-leg-lift", Placement.SHANK, seed=490847526, rate_hz=50.0,
                                                         gyro=gyro, hold_s=2.0, size=size)
    assert counted[0] == truth[0] == 8
    assert abs(counted[1] - truth[1]) <= 1
    assert outside == 0


@pytest.mark.parametrize(("exercise", "placement", "seed", "rate_hz", "hold_s", "sets"), [
    ("straight-leg-raise", Placement.THIGH, 2968053191, 25.0, 3.0, [12, 10]),  # seed 11, recording 194: 11 of 12 before
    ("hip-raise", Placement.PELVIS, 667963402, 100.0, 2.0, [8, 12]),  # seed 11, recording 27: 7 of 8 before
])
@pytest.mark.parametrize("size", [7, 100_000])
def test_a_top_held_then_left_part_of_the_way_down_is_no_new_start_posture(
        exercise: str, placement: Placement, seed: int, rate_hz: float, hold_s: float, sets: list[int], size: int) -> None:
    # Real-behaviour corpus, seed 11 (gyro): a partial-return set whose reps are held at the top.
    # The first rep's held top was left for a raised rest part of the way down, and the next rep
    # came back up to it and held: taken for the set's real start posture (BACK_AT_HOLD), a rep
    # was lost and the reps after it read upside down. Within the typical range it is the top of
    # a rep now, the rep ending at the raised rest
    reps: list = []
    truth, counted, outside = _corpus_recording_streamed(exercise, placement, seed=seed, rate_hz=rate_hz,
                                                         gyro=True, hold_s=hold_s, size=size, reps_out=reps)
    assert counted == truth == sets
    assert outside == 0
    # each rep ends before the next begins: its peak is its own top, not the next rep's
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(reps, reps[1:]))
    assert all(r.start_s <= r.peak_s <= r.end_s for r in reps)




def _gravity_and_gyro(rot: Rotation, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """What a sensor turning as ``rot`` (sensor to world, one per sample at ``rate``) reads with
    gravity only: its specific force (g) and its body rates between samples (deg/s)."""
    acc = rot.inv().apply([0.0, 0.0, 1.0])
    step = (rot[:-1].inv() * rot[1:]).as_rotvec() * rate  # body rates, rad/s, between samples
    return acc, np.degrees(np.vstack([step[:1], step]))


def _onto_the_bed_then_raises(rate: float, raises: int, *, bump_deg: float, lying_deg: float, rep_deg: float = 30.0
                              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[float, float]]]:
    """A thigh sensor: sitting on the bed's edge (thigh level, pointing forward), swinging the legs
    onto the bed (a quarter turn about the vertical, the thigh lifted ``bump_deg`` over the edge and
    put down ``lying_deg`` from level), then raises of ``rep_deg`` held 0.6 s (straight-leg raises;
    negative, back towards level: bridges from hook lying); gravity only, so the tilt is exact."""
    def n(s: float) -> int:
        return int(round(s * rate))
    swing = min_jerk(n(2.0))
    yaw = [np.zeros(n(3)), 90.0 * swing, np.full(n(3), 90.0)]
    pitch = [np.zeros(n(3)), bump_deg * np.sin(np.pi * swing) + lying_deg * swing, np.full(n(3), lying_deg)]
    truth = []
    t = sum(p.size for p in pitch) / rate
    for _ in range(raises):
        rep = lying_deg + np.concatenate([rep_deg * min_jerk(n(1.5)), np.full(n(0.6), rep_deg), rep_deg * (1 - min_jerk(n(1.5)))])
        truth.append((t, t + rep.size / rate))
        pitch += [rep, np.full(n(1.5), lying_deg)]
        yaw.append(np.full(rep.size + n(1.5), 90.0))
        t += (rep.size + n(1.5)) / rate
    pitch.append(np.full(n(3), lying_deg))
    yaw.append(np.full(n(3), 90.0))
    yaw_deg, pitch_deg = np.concatenate(yaw), np.concatenate(pitch)
    # the segment in the world: turned about the vertical, then its long axis (x) raised
    rot = Rotation.from_euler("zy", np.column_stack([yaw_deg, -pitch_deg]), degrees=True)
    acc, gyr = _gravity_and_gyro(rot, rate)
    return np.arange(yaw_deg.size) / rate, acc, gyr, truth


@pytest.mark.parametrize("chunk", [1, 7, 64, 100_000])
def test_a_quarter_turn_while_lying_down_is_not_part_of_the_first_rep(chunk: int) -> None:
    """Issue 11 (real-behaviour corpus: hip raises and straight-leg raises with a thigh sensor and
    a gyro): swinging the legs onto the bed turns the thigh a quarter turn about the vertical and
    leaves its tilt almost as it was. Judged by the tilt alone, the lie-down began a "rep" that
    the first raise ended (a false rep before the set, or the first rep 6 s too early). The gyro
    sees the turn: the posture the person settled in is the start posture."""
    rate = 50.0
    t_s, acc, gyr, truth = _onto_the_bed_then_raises(rate, 6, bump_deg=3.0, lying_deg=4.0)
    cfg = PipelineConfig(exercise=get_exercise("straight-leg-raise"), sample_rate_hz=rate, has_gyro=True)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, chunk)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == 6, [(round(r.start_s, 1), round(r.end_s, 1)) for r in reps]
    for rep, (start_s, end_s) in zip(reps, truth):
        assert abs(rep.start_s - start_s) < 0.8 and abs(rep.end_s - end_s) < 0.8, (rep.start_s, rep.end_s, start_s, end_s)
        assert 26.0 < rep.rom_deg < 34.0, rep.rom_deg
    assert any(isinstance(e, PostureChanged) for e in events)


@pytest.mark.parametrize("chunk", [1, 64, 100_000])
def test_a_quarter_turn_into_hook_lying_is_not_part_of_the_first_bridge(chunk: int) -> None:
    """Stop 40 (real-behaviour corpora: seed 2026 recording 0169, seed 11 0091 and 0125, hip raises
    with a thigh sensor and a gyro): into hook lying the thigh turns a quarter turn about the
    vertical and tilts 41 deg from sitting as the knees bend -- a turn 2.2 times the tilt, under the
    3 that tells a posture change -- and each bridge turns it back most of the way to sitting (34 of
    41 deg here). The lie-down and the first bridge were one "rep" (a false rep, and the first
    bridge lost). No rep swings 60 deg about the vertical: before the first rep, the posture
    settled in is the start posture."""
    rate = 50.0
    t_s, acc, gyr, truth = _onto_the_bed_then_raises(rate, 6, bump_deg=3.0, lying_deg=41.0, rep_deg=-34.0)
    cfg = PipelineConfig(exercise=get_exercise("hip-raise"), sample_rate_hz=rate, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, chunk)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(reps) == 6, [(round(r.start_s, 1), round(r.end_s, 1)) for r in reps]
    for rep, (start_s, end_s) in zip(reps, truth):
        assert abs(rep.start_s - start_s) < 0.8 and abs(rep.end_s - end_s) < 0.8, (rep.start_s, rep.end_s, start_s, end_s)
    assert any(isinstance(e, PostureChanged) for e in events)


@pytest.mark.parametrize("chunk", [1, 7, 64, 100_000])
def test_standing_again_after_a_bend_is_the_start_posture(chunk: int) -> None:
    """Issue 11 (real-behaviour corpus, seed 2026, recording 0104: a fast set counted 0): a bend to
    pick up the ankle weight (the thigh at 84 deg, still for a second and a half) is a posture
    change at once; standing again, a few degrees from where the person stood before, measured
    78 deg from the bend -- under the 80 deg that makes a posture change for a standing hip
    extension -- and the walk back had swung the thigh too far for it to be a hold: the fast set
    that followed was one long excursion from the bend."""
    rate = 50.0

    def n(s: float) -> int:
        return int(round(s * rate))
    stride = np.arange(n(3.2)) / rate
    walk = 6.0 - 22.0 * np.sin(2 * np.pi * stride / 1.6) * np.sin(np.pi * stride / 3.2)  # two strides back to the chair
    parts = [np.zeros(n(3)), 84.0 * min_jerk(n(1.2)), np.full(n(1.5), 84.0), 84.0 - 78.0 * min_jerk(n(1.2)), walk, np.full(n(2.5), 6.0)]
    t = sum(p.size for p in parts) / rate
    truth = []
    for _ in range(8):  # fast hip extensions, 0.35 s each way, no pause
        rep = 6.0 - 20.0 * np.concatenate([min_jerk(n(0.35)), 1.0 - min_jerk(n(0.35))])
        truth.append((t, t + rep.size / rate))
        parts.append(rep)
        t += rep.size / rate
    parts.append(np.full(n(3), 6.0))
    t_s, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=rate, noise_g=0.003, seed=4)
    cfg = PipelineConfig(exercise=get_exercise("standing-hip-extension"), sample_rate_hz=rate, has_gyro=True)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, chunk)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len([e for e in events if isinstance(e, PostureChanged)]) == 2  # into the bend, and back
    assert len(reps) == 8, [(round(r.start_s, 2), round(r.end_s, 2)) for r in reps]
    for rep, (start_s, end_s) in zip(reps, truth):
        assert abs(rep.start_s - start_s) < 0.3 and abs(rep.end_s - end_s) < 0.3, (rep.start_s, rep.end_s, start_s, end_s)
        assert "too_fast" in [f.kind.value for f in rep.flags]


@pytest.mark.parametrize(("lift_deg", "swing_deg"), [(15.0, 32.0), (20.0, 45.0), (25.0, 30.0)])
@pytest.mark.parametrize(("up_s", "hold_s", "rest_s"), [(1.2, 2.0, 1.5), (0.5, 0.0, 1.5)])
def test_a_leg_raise_that_swings_forward_as_it_lifts_is_counted(lift_deg: float, swing_deg: float, up_s: float,
                                                                 hold_s: float, rest_s: float) -> None:
    """Review of the turn rule (issue 11): a side-lying leg raise that also swings forward turns
    the thigh about the vertical during the lift, by up to twice and more its tilt. The first turn
    rule (from 2 times the tilt) made each of these holds a posture change and counted 0 of 6;
    a posture change turns the thigh far more than it tilts it (lying down: ~90 deg for 3-5).
    Brisk (1 s a rep), each is a quick movement turning more than 1.5 times its tilt on the way: the
    turning-round rule of stop 41, judged by the most it turned, counted 0 of 6 (review helper-55);
    by the heading it ends at, a rep turns back as it comes back."""
    rate = 50.0

    def n(s: float) -> int:
        return int(round(s * rate))
    yaw, pitch = [np.zeros(n(3))], [np.zeros(n(3))]
    for _ in range(6):
        up = min_jerk(n(up_s))
        pitch.append(np.concatenate([lift_deg * up, np.full(n(hold_s), lift_deg), lift_deg * (1 - up), np.zeros(n(rest_s))]))
        yaw.append(np.concatenate([swing_deg * up, np.full(n(hold_s), swing_deg), swing_deg * (1 - up), np.zeros(n(rest_s))]))
    yaw.append(np.zeros(n(3)))
    pitch.append(np.zeros(n(3)))
    rot = Rotation.from_euler("zy", np.column_stack([np.concatenate(yaw), -np.concatenate(pitch)]), degrees=True)
    acc, gyr = _gravity_and_gyro(rot, rate)
    t_s = np.arange(acc.shape[0]) / rate
    cfg = PipelineConfig(exercise=get_exercise("side-lying-hip-abduction"), sample_rate_hz=rate, has_gyro=True)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, 64)
    assert len([e for e in events if isinstance(e, RepCompleted)]) == 6
    assert not any(isinstance(e, PostureChanged) for e in events)


@pytest.mark.parametrize(("exercise", "seed", "rate_hz", "hold_s"), [
    ("standing-hip-abduction", 723935955, 100.0, None),
    ("prone-leg-lift", 1005430238, 50.0, 3.0),
])
def test_a_fast_sets_reps_read_from_its_rhythm_each_end_after_they_start(exercise: str, seed: int, rate_hz: float,
                                                                         hold_s: float | None) -> None:
    # Real-behaviour corpus seed 11, recordings 87 and 200 (no gyro). The reads of a fast set shown
    # while it went on timed its cycles otherwise than the read of the whole set: the cycles after
    # the shown ones were joined on by number, and began before the last shown ended -- a rep ending
    # 2.2 s before it began and 18 reps for 12 (87); a rep of no length counted as well as the one
    # it was cut from (200: helper-51, stop 38). A cycle left with no length is none.
    sim = simulate(SimulationConfig(exercise, seed=seed, sample_rate_hz=rate_hz, with_gyro=False, n_sets=2,
                                    reps_per_set=(8, 12), hold_s=hold_s, fault_rate=0.3, placement=Placement.THIGH,
                                    realism=Realism.REAL))
    setup = SessionSetup.resolve(exercise, Placement.THIGH, with_pelvis=True, personal=Personalisation(hold_s=hold_s))
    events = [s.event for s in stream_in_chunks(setup, sim.main, sim.pelvis, chunk_n=100_000)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert any(r.source is RepSource.RHYTHM for r in reps)
    assert all(r.end_s > r.start_s for r in reps)
    assert all(b.start_s >= a.end_s for a, b in zip(reps, reps[1:]))
    assert abs(len(reps) - sim.labels.rep_count) <= 2


@pytest.mark.parametrize("chunk", [7, 100_000])
def test_a_fast_set_whose_first_rep_came_from_a_rest_is_not_ended_by_one_bent_tilt(chunk: int) -> None:
    # Real-behaviour corpus seed 2026, recording 104 (gyro, thigh): a fast set of 10 whose first rep,
    # from a rest, counted alone, and whose next reps went on from it at once. They were judged as
    # quick movements with no rest before them (a walk's strides): one big quick movement in the
    # middle of the set (the tilt bent by a fast lift's own acceleration) ended them, and every one
    # was turned down -- 0 of 10. Gone on at once from a rep that came from a rest, they are a fast
    # set from that rest.
    sim = simulate(SimulationConfig("standing-hip-extension", seed=1223321572, sample_rate_hz=50.0, with_gyro=True,
                                    n_sets=2, reps_per_set=(8, 12), hold_s=None, fault_rate=0.3,
                                    placement=Placement.THIGH, realism=Realism.REAL))
    first = sim.labels.sets[0]
    assert first.rep_count == 10
    setup = SessionSetup.resolve("standing-hip-extension", Placement.THIGH, with_pelvis=True, personal=Personalisation())
    events = [s.event for s in stream_in_chunks(setup, sim.main, sim.pelvis, chunk_n=chunk)]
    in_set = [e.rep for e in events if isinstance(e, RepCompleted) and first.start_s - 1.0 <= e.rep.peak_s <= first.end_s + 1.0]
    assert len(in_set) >= 8


def test_rolling_and_sitting_up_after_the_last_set_is_no_new_start_posture() -> None:
    # Clean corpus seed 7, recording 97 (hip raise, pelvis sensor, gyro): after the last set the
    # person rolls and sits up, turning 60 deg and more about the vertical. A turn that far is a new
    # posture whatever the tilt only before the session's first rep (stop 40, lying down into hook
    # lying); taken for one here, the reference was taken at sitting and the walk away counted as a
    # set of 6.
    sim = simulate(SimulationConfig("hip-raise", seed=2771890305, sample_rate_hz=100.0, with_gyro=True, n_sets=2,
                                    reps_per_set=(8, 12), hold_s=None, fault_rate=0.3, placement=Placement.PELVIS))
    last_end_s = sim.labels.sets[-1].end_s
    setup = SessionSetup.resolve("hip-raise", Placement.PELVIS, personal=Personalisation())
    events = [s.event for s in stream_in_chunks(setup, sim.main, None, chunk_n=100_000)]
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert abs(len(reps) - sim.labels.rep_count) <= 1
    assert not [r for r in reps if r.start_s > last_end_s + 1.0]


def _standing_turn_then_flexions(rate: float, *, steps: int, step_deg: float, turn_deg: float, flexions: int,
                                 step_s: float = 0.9) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """A thigh sensor, standing still, then turning round on the spot in ``steps`` steps of
    ``step_s`` (each lifting the thigh ``step_deg`` forward while the body turns ``turn_deg / steps``
    about the vertical), still again, then ``flexions`` slow hip flexions of 40 deg; gravity only.
    Returns the samples and when the turn ended."""
    def n(s: float) -> int:
        return int(round(s * rate))
    yaw, flex = [np.zeros(n(3))], [np.zeros(n(3))]
    for k in range(steps):
        ramp = min_jerk(n(step_s))
        yaw.append(turn_deg * (k + ramp) / steps)
        flex.append(step_deg * np.sin(np.pi * ramp))
    yaw.append(np.full(n(4), turn_deg))
    flex.append(np.zeros(n(4)))
    turn_end_s = sum(p.size for p in flex) / rate
    for _ in range(flexions):
        rep = 40.0 * np.concatenate([min_jerk(n(1.5)), np.ones(n(0.5)), 1 - min_jerk(n(1.5)), np.zeros(n(1.5))])
        flex.append(rep)
        yaw.append(np.full(rep.size, turn_deg))
    yaw_deg, flex_deg = np.concatenate(yaw), np.concatenate(flex)
    # the thigh's long axis (x) hangs down (pitched 90 deg), swings forward, and the body turns about the vertical
    rot = Rotation.from_euler("yz", np.column_stack([90.0 - flex_deg, yaw_deg]), degrees=True)
    acc, gyr = _gravity_and_gyro(rot, rate)
    return np.arange(yaw_deg.size) / rate, acc, gyr, turn_end_s


@pytest.mark.parametrize("chunk", [1, 64, 100_000])
def test_turning_round_on_the_spot_after_standing_still_is_no_rep(chunk: int) -> None:
    """Stop 41: a person who stands still, then turns round on the spot, steps the thigh forward
    from its rest a few times in quick succession -- a fast set to the run rules (with a still
    moment added before the simulator's turn, no false rep fell from 95.3 to 83.0 % of the
    real-behaviour recordings, seed 2026). With a gyro the turn is seen: each quick step turns the
    thigh about the vertical more than it tilts it (``turning_round_deg``, ``turning_round_ratio``)."""
    rate = 50.0
    t_s, acc, gyr, turn_end_s = _standing_turn_then_flexions(rate, steps=4, step_deg=25.0, turn_deg=180.0, flexions=4)
    cfg = PipelineConfig(exercise=get_exercise("standing-hip-flexion"), sample_rate_hz=rate, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, chunk)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert [round(r.rom_deg) for r in reps] == [40] * 4
    assert all(r.start_s > turn_end_s for r in reps)
    assert sum(isinstance(e, RejectedMovement) and "turning round" in e.reason for e in events) >= 3


@pytest.mark.parametrize("chunk", [1, 64, 100_000])
def test_turning_round_with_one_slow_step_is_no_rep(chunk: int) -> None:
    """Stop 45: turning round with one slow step, the thigh lifted 40 deg over 1.8 s while the body
    turns 150 deg, is no quick step, and before ``turning_round_slow_deg`` it was the first rep of
    the set of flexions after it (5 counted; the exact gyro fusion showed it in the clean simulator:
    a walk and a turn before a set)."""
    rate = 50.0
    t_s, acc, gyr, turn_end_s = _standing_turn_then_flexions(rate, steps=1, step_deg=40.0, turn_deg=150.0, flexions=4, step_s=1.8)
    cfg = PipelineConfig(exercise=get_exercise("standing-hip-flexion"), sample_rate_hz=rate, has_gyro=True, placement=Placement.THIGH)
    events = _feed(RepPipeline(cfg), t_s, acc, gyr, chunk)
    reps = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert [round(r.rom_deg) for r in reps] == [40] * 4
    assert all(r.start_s > turn_end_s for r in reps)
    assert any(isinstance(e, RejectedMovement) and e.reason.startswith("turning round (14") for e in events)  # 143 deg read
