"""A reading beyond any wearable's full scale is no measurement: it is a drop-out (removed,
recorded as a gap, warned about), from a file or from any live source, and no numpy warning
reaches the person.

(Hardening issue, item 3: one accelerometer value of 1e30 in the clamshell sample turned 9 reps
into 4 with exit 0 and no warning; ten values of 1e308 did the same plus numpy RuntimeWarnings;
three gyro samples at 2000 deg/s turned 9 reps in 1 set into 7 in 2.)
"""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tracker.app.recorder import SessionPlan, SessionRecorder
from tracker.app.sessions import reanalyse_session
from tracker.core.recording import Recording
from tracker.files.csv_recording import parse_recording, read_recording
from tracker.pipeline import SessionSetup
from tracker.sensors import ReplaySource
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
CLAMSHELL = ROOT / "sample_data" / "clamshell.csv"
ARGS = ("--exercise", "clamshell")
COLUMNS = {"ax": 1, "ay": 2, "az": 3, "gx": 4, "gy": 5, "gz": 6}

Cli = Callable[..., tuple[int, str, str]]

#: the glitches of the issue: data row -> (column, value written)
ONE_1E30 = {300: ("ax", "1e30")}
TEN_1E308 = {r: ("ay", "1e308") for r in range(400, 1400, 100)}
THREE_GYRO_2000 = {700: ("gx", "2000.0"), 701: ("gx", "2000.0"), 702: ("gx", "2000.0")}
GLITCHES = {"one 1e30 g": ONE_1E30, "ten 1e308 g": TEN_1E308, "three 2000 dps": THREE_GYRO_2000}


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors() -> Iterator[None]:
    """No RuntimeWarning (overflow, invalid value) may reach the person: here it fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _lines() -> tuple[list[str], int]:
    lines = CLAMSHELL.read_text().splitlines()
    return lines, next(i for i, line in enumerate(lines) if not line.startswith("#")) + 1


def _glitched(tmp_path: Path, glitches: dict[int, tuple[str, str]]) -> Path:
    lines, first = _lines()
    for row, (column, value) in glitches.items():
        cells = lines[first + row].split(",")
        cells[COLUMNS[column]] = value
        lines[first + row] = ",".join(cells)
    path = tmp_path / "glitched.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _glitched_recording(glitches: dict[int, tuple[str, str]]) -> Recording:
    """The clean sample with the same glitches in memory: what a live source could send."""
    rec = read_recording(CLAMSHELL).recording
    assert rec.gyro_dps is not None
    accel, gyro = rec.accel_g.copy(), rec.gyro_dps.copy()
    for row, (column, value) in glitches.items():
        k = COLUMNS[column] - 1
        (accel if k < 3 else gyro)[row, k % 3] = float(value)
    return Recording(rec.t_s, accel, gyro, rec.meta, rec.gaps)


@pytest.fixture(scope="module")
def clean() -> dict[str, Any]:
    with warnings.catch_warnings():
        result = SessionSetup.resolve("clamshell").analyse(read_recording(CLAMSHELL).recording)
    assert (result.rep_count, len(result.sets)) == (9, 1)
    return {"reps": result.rep_count, "sets": [s.rep_count for s in result.sets]}


def test_the_limits_are_named_in_the_core() -> None:
    from tracker.core.recording import ACCEL_FULL_SCALE_G, GYRO_FULL_SCALE_DPS

    assert (ACCEL_FULL_SCALE_G, GYRO_FULL_SCALE_DPS) == (16.0, 2000.0)


# --------------------------------------------------------------------------- from a file
@pytest.mark.parametrize("name", list(GLITCHES))
def test_a_glitch_in_a_file_does_not_change_the_count(tmp_path: Path, cli: Cli, clean: dict[str, Any], name: str) -> None:
    glitches = GLITCHES[name]
    path = _glitched(tmp_path, glitches)
    code, out, err = cli("analyze", path, *ARGS, "--json")
    assert code == 0, err
    assert "Traceback" not in err and "RuntimeWarning" not in err
    d = json.loads(out)
    assert d["rep_count"] == clean["reps"]
    assert [s["rep_count"] for s in d["sets"]] == clean["sets"]
    # each glitch is a drop-out: a warning naming its line and value, and a gap
    _, first = _lines()
    text = " ".join(d["warnings"])
    named: set[int] = set()
    for a, b in re.findall(r"drop-out on lines? (\d+)(?:-(\d+))?", text):
        named.update(range(int(a), int(b or a) + 1))
    for row, (column, value) in glitches.items():
        assert first + row + 1 in named, (row, text)  # 1-based file line of data row ``row``
        assert f"{column} = {float(value):g}" in text, text
    assert "beyond the sensor's range" in text
    t = read_recording(CLAMSHELL).recording.t_s
    for row in glitches:
        assert any(g["start_s"] <= t[row] <= g["end_s"] for g in d["gaps"]), (row, d["gaps"])


def test_a_glitch_row_is_removed_and_recorded_like_a_nan_row() -> None:
    header = "t,ax,ay,az,gx,gy,gz"
    rows = [f"{i / 100:.2f},0,0,1,0,0,0" for i in range(8)]
    rows[3] = "0.03,0,0,1,-2500,0,0"
    rows[4] = "0.04,,,,,,"
    rows[6] = "0.06,0,-16,1,0,0,0"  # at full scale: clipped, not a measurement
    result = parse_recording("\n".join([header, *rows]) + "\n")
    np.testing.assert_array_equal(result.recording.t_s, [0.0, 0.01, 0.02, 0.05, 0.07])
    assert [(g.start_s, g.end_s) for g in result.recording.gaps] == [(0.02, 0.05), (0.05, 0.07)]
    assert result.warnings == (
        "sensor drop-out on lines 5-6 (2 rows: 1 with a value beyond the sensor's range, gx = -2500 deg/s, "
        "1 with empty/NaN values): rows removed, gap 0.020-0.050 s recorded",
        "sensor drop-out on line 8 (1 row with a value beyond the sensor's range, ay = -16 g): rows removed, "
        "gap 0.050-0.070 s recorded",
    )


def test_values_just_inside_the_range_are_kept() -> None:
    rows = [f"{i / 100:.2f},0,0,1,0,0,0" for i in range(5)]
    rows[2] = "0.02,15.99,0,1,1999.9,-1999.9,0"
    result = parse_recording("t,ax,ay,az,gx,gy,gz\n" + "\n".join(rows) + "\n")
    assert len(result.recording) == 5 and result.recording.gaps == () and result.warnings == ()


def test_infinite_sensor_values_are_drop_outs_too() -> None:
    text = "t,ax,ay,az\n0.00,0,0,1\n0.01,inf,0,1\n0.02,0,-inf,1\n0.03,0,0,1\n"
    result = parse_recording(text)
    np.testing.assert_array_equal(result.recording.t_s, [0.0, 0.03])
    assert result.warnings == (
        "sensor drop-out on lines 3-4 (2 rows with a value beyond the sensor's range, ax = inf g): rows removed, "
        "gap 0.000-0.030 s recorded",)


def test_the_range_is_judged_in_g_after_unit_conversion() -> None:
    rows = [f"{i / 100:.2f},0,0,9.81" for i in range(6)]
    rows[2] = "0.02,100,0,9.81"  # 10.2 g: a hard knock, but a measurement
    rows[4] = "0.04,200,0,9.81"  # 20.4 g: beyond any wearable's range
    result = parse_recording("t,ax,ay,az\n" + "\n".join(rows) + "\n")
    assert len(result.recording) == 5
    assert any("ax = 20.39 g" in w for w in result.warnings), result.warnings


# --------------------------------------------------------------------------- from any source
@pytest.mark.parametrize("name", list(GLITCHES))
def test_the_setup_masks_a_glitch_from_any_source(clean: dict[str, Any], tmp_path: Path, name: str) -> None:
    live = SessionSetup.resolve("clamshell").analyse(_glitched_recording(GLITCHES[name]))
    assert live.rep_count == clean["reps"] and [s.rep_count for s in live.sets] == clean["sets"]
    # the same result as reading the glitches from a file (rows removed there, masked here)
    read = read_recording(_glitched(tmp_path, GLITCHES[name]))
    from_file = SessionSetup.resolve("clamshell").analyse(read.recording)
    assert [(r.start_s, r.end_s, r.rom_deg) for r in live.reps] == [(r.start_s, r.end_s, r.rom_deg) for r in from_file.reps]


@pytest.mark.parametrize("name", list(GLITCHES))
def test_a_live_session_with_glitches_counts_stores_and_reanalyses_the_same(tmp_path: Path, clean: dict[str, Any],
                                                                          name: str) -> None:
    source = ReplaySource(_glitched_recording(GLITCHES[name]), speed=float("inf"))
    said: list[str] = []
    with Store.open(tmp_path / "r.db") as store:
        rec = SessionRecorder(store, source, SessionPlan("Ann", SessionSetup.resolve("clamshell")), on_warning=said.append)
        asyncio.run(rec.run())
        info = store.session(rec.session_id)
        assert info.rep_count == clean["reps"] and info.set_count == len(clean["sets"])
        assert said and "beyond the sensor's range" in said[0], said
        again = reanalyse_session(store, rec.session_id, write=False)
        assert again.identical
        stored = store.samples(rec.session_id)
        assert np.isnan(stored.accel_g).any(axis=1).sum() == len(GLITCHES[name])  # kept as drop-outs
