"""Guided calibration on a live sensor (issue 9, item 8): `calibrate device|mounting|range --device`
without --source runs the hold-still flows on the live stream (here a recording streamed as a
sensor, `sim:FILE.csv`, through the same decoder, clock and gap detection as a Bluetooth one)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

CAL = ROOT / "sample_data" / "calibration"


def test_device_calibration_from_a_live_stream_recovers_the_known_errors(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("calibrate", "device", "--device", f"sim:{CAL / 'device-six-poses.csv'}", "--db", tmp_path / "c.db")
    assert code == 0, err
    assert "streaming from sim:device-six-poses.csv" in out
    assert "all six done" in out  # the prompts of the flow, on screen
    # the sample was simulated with offset (0.03, -0.02, 0.05) g and scale (1.02, 0.97, 1.01)
    assert "device calibration 1 stored for sim:device-six-poses.csv: offset +0.030, -0.020, +0.050 g, scale 1.020, 0.970, 1.010" in out


def test_mounting_and_range_from_a_live_stream(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    sensor = f"sim:{CAL / 'range-side-lying-hip-abduction.csv'}"
    code, out, err = cli("calibrate", "mounting", "--device", sensor, "--person", "zoe", "--exercise", "side-lying-hip-abduction",
                         "--db", db)
    assert code == 0, err
    assert "start position saved (lying on your side" in out
    code, out, err = cli("calibrate", "range", "--device", sensor, "--pelvis-device", f"sim:{CAL / 'range-side-lying-hip-abduction.pelvis.csv'}",
                         "--person", "zoe", "--exercise", "side-lying-hip-abduction", "--db", db)
    assert code == 0, err
    assert "Do 2-3 slow, comfortable reps" in out and "rep 3:" in out
    stored = re.search(r"range calibration 2 stored for zoe, side-lying-hip-abduction: target ([0-9.]+)°, pelvic baseline", out)
    assert stored is not None, out
    # the sample's three reps turn the thigh 35.1, 35.8 and 35.8 deg (the simulator's labels)
    assert abs(float(stored.group(1)) - 35.6) < 1.0


def test_a_live_calibration_needs_a_sensor_and_keeps_recordings_and_sensors_apart(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "c.db"
    code, _, err = cli("calibrate", "range", "--person", "zoe", "--exercise", "clamshell", "--db", db)
    assert code == 2 and err.strip() == ("reptrack: error: --source or --device is needed: a recording (--source FILE) or a live "
                                         "sensor (--device NAME)")
    code, _, err = cli("calibrate", "range", "--device", "sim", "--pelvis", CAL / "range-side-lying-hip-abduction.pelvis.csv",
                       "--person", "zoe", "--exercise", "clamshell", "--db", db)
    assert code == 2 and "--pelvis is a recording, for --source" in err
    code, _, err = cli("calibrate", "mounting", "--device", "sim:", "--person", "zoe", "--exercise", "clamshell", "--db", db)
    assert code == 2 and err.count("\n") == 1 and "sim:FILE.csv" in err
