"""A phone as the sensor (issue 9, item 9): `reptrack import` (and analyze, record --source) read
the CSV exports of phyphox ("Acceleration with g") and Sensor Logger (zip or folder), in the
layouts and units their documentation gives; the exports here are written from a bundled sample,
so the count must be the sample's."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT
from tracker.files.csv_recording import read_recording

SAMPLE = ROOT / "sample_data" / "clamshell.csv"
G = 9.80665
T0_NS = 1_733_270_400_000_000_000  # Sensor Logger's `time`: UNIX ns


def _sample() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rec = read_recording(SAMPLE).recording
    assert rec.gyro_dps is not None
    return rec.t_s, rec.accel_g * G, np.radians(rec.gyro_dps)


def _phyphox(path: Path, *, linear: bool = False) -> Path:
    t, a, _ = _sample()
    name = "Linear Acceleration" if linear else "Acceleration"
    with open(path, "w") as f:
        f.write(f'"Time (s)","{name} x (m/s^2)","{name} y (m/s^2)","{name} z (m/s^2)","Absolute acceleration (m/s^2)"\n')
        for i in range(t.size):
            f.write(f"{t[i]:.9E},{a[i, 0]:.9E},{a[i, 1]:.9E},{a[i, 2]:.9E},{np.linalg.norm(a[i]):.9E}\n")
    return path


def _sensor_logger(folder: Path, *, total: bool) -> Path:
    t, a, w = _sample()
    folder.mkdir()

    def write(name: str, ts: np.ndarray, v: np.ndarray) -> None:
        with open(folder / name, "w") as f:
            f.write("time,seconds_elapsed,z,y,x\n")  # Sensor Logger's column order
            for i in range(ts.size):
                f.write(f"{T0_NS + int(ts[i] * 1e9)},{ts[i]:.6f},{v[i, 2]:.6f},{v[i, 1]:.6f},{v[i, 0]:.6f}\n")
    if total:
        write("TotalAcceleration.csv", t + 0.2, a)  # Android: with gravity
    else:
        gravity = a / np.linalg.norm(a, axis=1, keepdims=True) * G
        write("Accelerometer.csv", t + 0.2, a - gravity)  # without gravity (both platforms)
        write("Gravity.csv", t + 0.2, gravity)
    write("Gyroscope.csv", t + 0.203, w)  # its own timestamps
    return folder


def _count(cli, *argv: object) -> int:  # type: ignore[no-untyped-def]
    code, out, err = cli("analyze", *argv, "--exercise", "clamshell", "--json")
    assert code == 0, err
    return int(json.loads(out)["rep_count"])


def test_sensor_logger_export_folder_and_zip_count_as_the_sample(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    expected = _count(cli, SAMPLE)
    android = _sensor_logger(tmp_path / "android", total=True)
    ios = _sensor_logger(tmp_path / "ios", total=False)
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as z:
        for f in ios.iterdir():
            z.write(f, f.name)
    for export in (android, ios, tmp_path / "export.zip"):
        assert _count(cli, export) == expected >= 8
    read = read_recording(ios)
    assert read.recording.has_gyro
    assert any("Gravity.csv" in w for w in read.warnings)
    code, out, err = cli("import", tmp_path / "export.zip", "--exercise", "clamshell", "--person", "zoe", "--db", tmp_path / "s.db")
    assert code == 0, err
    assert f"{expected} reps" in out and "Sensor Logger" in err


def test_phyphox_acceleration_with_g_counts_as_the_sample(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    raw = _phyphox(tmp_path / "Raw Data.csv")
    read = read_recording(raw)
    assert not read.recording.has_gyro and "phyphox" in read.warnings[0]
    sample = read_recording(SAMPLE).recording
    assert np.allclose(read.recording.accel_g, sample.accel_g, atol=1e-6)
    assert np.allclose(read.recording.t_s, sample.t_s - sample.t_s[0], atol=1e-6)
    assert _count(cli, raw) >= 8


def _without_gravity(p: Path) -> Path:
    (p / "a").mkdir()
    (p / "a" / "Accelerometer.csv").write_text("time,seconds_elapsed,z,y,x\n1,0,0,0,0\n")
    return p / "a"


def _not_a_zip(p: Path) -> Path:
    (p / "bad.zip").write_bytes(b"not a zip")
    return p / "bad.zip"


@pytest.mark.parametrize("make,message", [
    (lambda p: _phyphox(p / "lin.csv", linear=True), "record with the experiment 'Acceleration with g'"),
    (_without_gravity, "needs TotalAcceleration.csv, or Accelerometer.csv with Gravity.csv"),
    (_not_a_zip, "cannot read the export"),
])
def test_phone_exports_that_cannot_be_used_are_one_line(cli, tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("import", make(tmp_path), "--exercise", "clamshell", "--person", "zoe", "--db", tmp_path / "s.db")
    assert code == 2 and err.count("\n") == 1 and message in err, err
