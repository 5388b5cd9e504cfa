"""Device and mounting calibration maths, the guided "hold still" flows, and their use by sessions."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.spatial.transform import Rotation

from calibration.device import fit_six_pose
from calibration.flows import DeviceFlow, MountingFlow
from calibration.mounting import minimal_rotation, mounting_from_still, start_posture_offsets
from calibration.stillness import Captured, HoldStill, Rejected, Settled
from tests.test_cli import STANDING, Cli, assert_one_line_error
from tracker.app.calibrations import run_range
from tracker.files.csv_recording import read_recording, write_recording
from tracker.errors import CalibrationError
from tracker.core.exercises import get_exercise
from tracker.pipeline import SessionSetup
from tracker.core.recording import Placement, Recording
from tracker.simulate.calibration import simulate_six_poses
from tracker.sensors import ReplaySource


def _turn(rec: Recording, deg: float) -> Recording:
    """The recording with the strap turned by ``deg`` about an axis across gravity."""
    g = rec.accel_g[:25].mean(axis=0)
    axis = np.cross(g, [1.0, 0.0, 0.0])
    rot = Rotation.from_rotvec(np.radians(deg) * axis / np.linalg.norm(axis))
    return replace(rec, accel_g=rot.apply(rec.accel_g), gyro_dps=None if rec.gyro_dps is None else rot.apply(rec.gyro_dps))


def _run_device(rec: Recording) -> DeviceFlow:
    flow = DeviceFlow(rec.nominal_rate_hz())
    for a in range(0, len(rec), 7):  # fed in small batches, like a live sensor
        flow.feed(rec.t_s[a:a + 7], rec.accel_g[a:a + 7], None)
    return flow


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_six_poses_recover_offset_and_scale(seed: int) -> None:
    rec, truth = simulate_six_poses(seed=seed, offset_g=(0.04 * seed, -0.03, 0.02), scale=(0.96, 1.03, 1.0 + 0.01 * seed))
    cal = _run_device(rec).result()
    assert np.allclose(cal.offset_g, truth.offset_g, atol=0.003)
    assert np.allclose(cal.scale, truth.scale, atol=0.003)
    assert cal.residual_g < 0.005 < cal.residual_before_g
    # applying it puts every still pose at 1 g
    assert np.allclose(np.linalg.norm(cal.apply(np.array([[truth.offset_g[0] + 1 / truth.scale[0], truth.offset_g[1], truth.offset_g[2]]])), axis=1), 1.0, atol=0.005)


def test_motion_during_a_hold_is_rejected_with_the_reason() -> None:
    rec, _ = simulate_six_poses(seed=1, bump_in_pose=2)  # a knock while +y is up
    flow = _run_device(rec)
    assert flow.rejections and "moved" in flow.rejections[0].reason and "hold still" in flow.rejections[0].reason
    with pytest.raises(CalibrationError, match=r"\+y") as err:
        flow.result()
    assert "rejected" in str(err.value)


def test_missing_faces_and_implausible_fits_are_refused() -> None:
    rec, _ = simulate_six_poses(seed=1)
    half = rec.t_s < rec.t_s[-1] / 2
    flow = _run_device(Recording(rec.t_s[half], rec.accel_g[half]))
    with pytest.raises(CalibrationError, match="incomplete"):
        flow.result()
    poses = [np.tile(f, (50, 1)) * 9.81 for f in np.vstack([np.eye(3), -np.eye(3)])]  # m/s^2, not g
    with pytest.raises(CalibrationError, match="implausible"):
        fit_six_pose(poses)


def test_hold_still_captures_once_and_rejects_movement() -> None:
    fs = 50.0
    t = np.arange(0, 10, 1 / fs)
    acc = np.tile([0.0, 0.0, 1.0], (t.size, 1))
    h = HoldStill(fs, settle_s=1.0, hold_s=3.0)
    ev = h.feed(t, acc)
    assert [type(e) for e in ev] == [Settled, Captured]  # still on: no second capture
    assert isinstance(ev[1], Captured) and ev[1].accel_g.shape == (150, 3)
    # a knock 1 s into the hold
    acc2 = acc.copy()
    acc2[(t > 2.0) & (t < 2.2), 0] += 0.2
    ev = HoldStill(fs).feed(t, acc2)
    rej = [e for e in ev if isinstance(e, Rejected)]
    assert len(rej) == 1 and re.search(r"moved 1\.[01] s into the 3 s hold: the accelerometer changed by \d+ mg \(limit 60 mg\)", rej[0].reason)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=3, max_size=3), st.lists(st.floats(-1, 1), min_size=3, max_size=3))
@example([0.75, 0.0, 0.75], [-0.5, 1e-12, -0.5])  # nearly opposite: the bisector was rounding error
def test_minimal_rotation_takes_a_onto_b(a: list[float], b: list[float]) -> None:
    va, vb = np.array(a), np.array(b)
    if np.linalg.norm(va) < 1e-3 or np.linalg.norm(vb) < 1e-3:
        return
    for target in (vb, -va):  # including the opposite direction
        r = minimal_rotation(va, target)
        assert np.allclose(r @ r.T, np.eye(3), atol=1e-9) and np.isclose(np.linalg.det(r), 1.0)
        assert np.allclose(r @ (va / np.linalg.norm(va)), target / np.linalg.norm(target), atol=1e-7)


def test_mounting_from_the_start_posture_and_the_set_start_check() -> None:
    rec = read_recording(STANDING).recording
    ex = get_exercise("standing-hip-abduction")
    flow = MountingFlow(rec.nominal_rate_hz(), ex, Placement.THIGH)
    flow.feed(rec.t_s, rec.accel_g, rec.gyro_dps)
    m = flow.result()
    r = np.array(m.rotation)
    assert np.allclose(r @ np.array(m.up_sensor), m.up_segment, atol=1e-9)
    assert m.up_segment == (0.0, 1.0, 0.0)  # standing: the thigh's long axis is vertical
    # sets that start in that posture pass; the same data with the strap turned 30 deg do not
    assert start_posture_offsets(rec.t_s, rec.accel_g, [5.0], m.up_sensor)[0] < 5.0
    turned = _turn(rec, 30.0).accel_g
    assert start_posture_offsets(rec.t_s, turned, [5.0], m.up_sensor)[0] == pytest.approx(30, abs=3)
    # motion instead of stillness: no capture, and the reason
    moving = MountingFlow(rec.nominal_rate_hz(), ex, Placement.THIGH)
    wobble = rec.accel_g + 0.2 * np.sin(2 * np.pi * 1.5 * rec.t_s)[:, None] * np.array([1.0, 0.0, 0.0])
    moving.feed(rec.t_s, wobble, None)
    with pytest.raises(CalibrationError, match="mounting calibration incomplete"):
        moving.result()
    assert mounting_from_still(rec.accel_g[:50], ex, Placement.THIGH).still_spread_g < 0.05


def test_range_calibration_through_the_live_engine() -> None:
    rec = read_recording(STANDING).recording
    setup = SessionSetup.resolve("standing-hip-abduction", Placement.THIGH)
    pr = asyncio.run(run_range(ReplaySource(rec, speed=float("inf")), setup))
    assert pr.reps_used == 3 and 10 < pr.target_rom_deg < 40


# --------------------------------------------------------------------------- CLI and sessions
def test_calibrate_commands_and_their_use_by_a_session(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    six, truth = simulate_six_poses(seed=4)
    write_recording(tmp_path / "six.csv", six)
    code, out, err = cli("calibrate", "device", "--db", db, "--source", tmp_path / "six.csv", "--device", "wit-7")
    assert code == 0, err
    assert "+y up captured" in out and "device calibration 1 stored for wit-7" in out
    bumped, _ = simulate_six_poses(seed=4, bump_in_pose=5)
    write_recording(tmp_path / "bumped.csv", bumped)
    code, out, err = cli("calibrate", "device", "--db", db, "--source", tmp_path / "bumped.csv", "--device", "wit-7")
    assert code == 2 and "✗" in out and "moved" in out and "-z" in err and len(err.splitlines()) == 1
    # mounting from the start posture with the strap turned 40 deg, then a session as recorded
    rec = read_recording(STANDING).recording
    turned = replace(_turn(rec, 40.0), gyro_dps=None)
    write_recording(tmp_path / "turned.csv", turned)
    code, out, err = cli("calibrate", "mounting", "--db", db, "--source", tmp_path / "turned.csv", "--person", "Ann",
                         "--exercise", "standing-hip-abduction")
    assert code == 0 and "mounting calibration 2 stored" in out, (out, err)
    code, out, err = cli("calibrate", "range", "--db", db, "--source", STANDING, "--person", "Ann", "--exercise", "standing-hip-abduction")
    assert code == 0 and "range calibration 3 stored" in out, err
    code, out, err = cli("record", "--db", db, "--source", STANDING, "--person", "Ann", "--exercise", "standing-hip-abduction",
                         "--device", "wit-7", "--speed", "max", "--plain")
    assert code == 0, err
    assert "using device calibration" in out and "using range calibration" in out
    # told during the session (a warning: on stderr, as every warning)
    assert re.search(r"^warning: set 1 began (3[6-9]|4[0-4])° away from the calibrated start posture", err, re.MULTILINE), err
    code, out, _ = cli("sessions", "--db", db, "--json")
    (s,) = json.loads(out)
    assert s["params"]["calibration_ids"] == [1, 2, 3]
    assert np.allclose(s["params"]["accel_offset_g"], truth.offset_g, atol=0.003)
    assert s["params"]["target_rom_deg"] > 0
    code, out, err = cli("show", "last", "--db", db)
    assert re.search(r"^warning: set 1 began (3[6-9]|4[0-4])° away from the calibrated start posture", err, re.MULTILINE), err
    code, out, _ = cli("reanalyze", "last", "--db", db)
    assert "identical" in out


def test_the_bundled_six_pose_sample_calibrates(cli: Cli, tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "calibration" / "device-six-poses.csv"
    code, out, err = cli("calibrate", "device", "--db", tmp_path / "r.db", "--source", sample, "--device", "demo")
    assert code == 0, err
    # its documented errors (sample_data/README.md) come back
    assert "offset +0.030, -0.020, +0.050 g, scale 1.020, 0.970, 1.010" in out


def test_range_calibration_uses_the_pelvis_sensor_at_its_own_rate(cli: Cli, tmp_path: Path) -> None:
    from calibration.personal_range import personal_range_from_reps
    from tests.test_cli import SIDE_LYING_PELVIS
    from tracker.pipeline import analyze_recording

    main = read_recording(STANDING).recording
    pel = read_recording(STANDING.with_name("standing-hip-abduction.pelvis.csv")).recording
    half = Recording(pel.t_s[::2], pel.accel_g[::2], None, replace(pel.meta, sample_rate_hz=12.5))  # 12.5 Hz, no gyro
    ex = get_exercise("standing-hip-abduction")
    live = asyncio.run(run_range(ReplaySource(main, pelvis=half, speed=float("inf")), SessionSetup.resolve(ex.exercise, Placement.THIGH,
                                                                                                          with_pelvis=True)))
    batch = personal_range_from_reps(analyze_recording(main, ex, pelvis=half).reps[:3])
    assert live.pelvic_baseline_deg == pytest.approx(batch.pelvic_baseline_deg, abs=1e-9)
    hip = Path(__file__).resolve().parents[1] / "sample_data" / "hip-raise.csv"
    assert_one_line_error(cli("calibrate", "range", "--db", tmp_path / "r.db", "--source", hip, "--pelvis", SIDE_LYING_PELVIS,
                              "--person", "Ann", "--exercise", "hip-raise"), "already on the pelvis")
