"""Tests for the CSV recording format (:mod:`tracker.files.csv_recording`).

Small hand-written files with exact expected results, one test per kind of bad input
(message and line number), and hypothesis properties for the round trip and for the
agreement of the vectorised and line-by-line parsers.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from tracker.files.csv_recording import (
    ReadResult,
    format_recording,
    parse_recording,
    read_recording,
    write_recording,
)
from tracker.errors import RecordingError
from tracker.core.recording import STANDARD_GRAVITY_MS2, Gap, Placement, Recording, RecordingMeta, Side

# What the writer's precision guarantees (half a unit in the last written decimal,
# plus float64 rounding on the way back).
T_TOL_S = 0.5e-6 + 1e-9
ACCEL_TOL_G = 0.5e-6 + 1e-12
GYRO_TOL_DPS = 0.5e-4 + 1e-9


def csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def still_rows(n: int, *, rate_hz: float = 100.0, gyro: bool = False) -> list[str]:
    """``n`` data lines of a sensor at rest (1 g on z), comma separated."""
    rows = []
    for i in range(n):
        row = f"{i / rate_hz:.6f},0.010000,-0.020000,1.000000"
        if gyro:
            row += ",0.5000,-0.2500,0.1250"
        rows.append(row)
    return rows


def make_recording(
    n: int = 50, *, rate_hz: float = 100.0, gyro: bool = True, meta: RecordingMeta | None = None, seed: int = 1
) -> Recording:
    rng = np.random.default_rng(seed)
    t_s = 12.5 + np.arange(n) / rate_hz
    accel_g = rng.normal(0.0, 0.2, (n, 3)) + np.array([0.0, -0.98, 0.1])
    gyro_dps = rng.normal(0.0, 80.0, (n, 3)) if gyro else None
    return Recording(t_s=t_s, accel_g=accel_g, gyro_dps=gyro_dps, meta=meta or RecordingMeta())


def assert_same_samples(read: Recording, original: Recording) -> None:
    assert len(read) == len(original)
    np.testing.assert_allclose(read.t_s, original.t_s, rtol=0, atol=T_TOL_S)
    np.testing.assert_allclose(read.accel_g, original.accel_g, rtol=0, atol=ACCEL_TOL_G)
    if original.gyro_dps is None:
        assert read.gyro_dps is None
    else:
        assert read.gyro_dps is not None
        np.testing.assert_allclose(read.gyro_dps, original.gyro_dps, rtol=0, atol=GYRO_TOL_DPS)


def parse_error(text: str, *, rate_hz: float | None = None, source: str = "<string>") -> RecordingError:
    with pytest.raises(RecordingError) as info:
        parse_recording(text, rate_hz=rate_hz, source=source)
    return info.value


FULL_META = RecordingMeta(
    sensor="MetaMotionS C8:4B",
    placement=Placement.THIGH,
    side=Side.LEFT,
    exercise="side-lying hip abduction",
    sample_rate_hz=100.0,
    simulated=True,
    extra=(("subject", "P07"), ("session started", "2024-03-01 10:15"), ("note", "")),
)


# ---------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------


def test_round_trip_with_gyro_and_metadata(tmp_path: Path) -> None:
    original = make_recording(gyro=True, meta=FULL_META)
    path = tmp_path / "rec.csv"
    write_recording(path, original)
    result = read_recording(path)
    assert isinstance(result, ReadResult)
    assert_same_samples(result.recording, original)
    assert result.recording.meta == FULL_META
    assert result.recording.gaps == ()
    assert result.warnings == ()


def test_round_trip_without_gyro(tmp_path: Path) -> None:
    meta = RecordingMeta(placement=Placement.SHANK, side=Side.RIGHT, sample_rate_hz=52.0)
    original = make_recording(n=30, rate_hz=52.0, gyro=False, meta=meta)
    path = tmp_path / "rec.csv"
    write_recording(path, original)
    result = read_recording(path)
    assert not result.recording.has_gyro
    assert_same_samples(result.recording, original)
    assert result.recording.meta == meta
    assert result.warnings == ()


def test_written_text_is_exactly_the_documented_layout() -> None:
    recording = Recording(
        t_s=np.array([0.0, 0.01]),
        accel_g=np.array([[0.012, -0.981, 0.051], [0.0101, -0.9805, 0.0502]]),
        gyro_dps=np.array([[0.12, -0.04, 0.33], [1.5, -2.25, 100.0]]),
        meta=RecordingMeta(sensor="MetaMotionS", placement=Placement.THIGH, sample_rate_hz=100.0,
                           extra=(("subject", "P07"),)),
    )
    assert format_recording(recording) == csv(
        "# sensor: MetaMotionS",
        "# placement: thigh",
        "# sample_rate_hz: 100.0",
        "# subject: P07",
        "t,ax,ay,az,gx,gy,gz",
        "0.000000,0.012000,-0.981000,0.051000,0.1200,-0.0400,0.3300",
        "0.010000,0.010100,-0.980500,0.050200,1.5000,-2.2500,100.0000",
    )


def test_one_khz_timestamps_survive_hours(tmp_path: Path) -> None:
    n = 2000
    t_s = 5 * 3600.0 + np.arange(n) / 1000.0  # five hours into a 1 kHz recording
    accel_g = np.tile([0.0, 0.0, 1.0], (n, 1))
    original = Recording(t_s=t_s, accel_g=accel_g)
    path = tmp_path / "khz.csv"
    write_recording(path, original)
    read = read_recording(path).recording
    np.testing.assert_allclose(read.t_s, t_s, rtol=0, atol=T_TOL_S)
    np.testing.assert_allclose(np.diff(read.t_s), 0.001, rtol=0, atol=1e-9)
    assert read.gaps == ()
    assert read.meta.sample_rate_hz == pytest.approx(1000.0, rel=1e-6)


def test_writer_rejects_non_finite_values() -> None:
    recording = make_recording(n=5, gyro=False)
    accel = recording.accel_g.copy()
    accel[3, 1] = math.inf
    with pytest.raises(RecordingError, match="non-finite"):
        format_recording(Recording(t_s=recording.t_s, accel_g=accel))


@pytest.mark.parametrize(
    "extra",
    [(("sensor", "x"),), (("bad:key", "x"),), (("key", "two\nlines"),), ((" padded", "x"),), (("Sample Rate", "5"),)],
)
def test_writer_rejects_metadata_that_would_not_read_back(extra: tuple[tuple[str, str], ...], tmp_path: Path) -> None:
    recording = make_recording(n=5, gyro=False, meta=RecordingMeta(extra=extra))
    with pytest.raises(RecordingError, match="metadata") as info:
        write_recording(tmp_path / "x.csv", recording)
    assert info.value.path == str(tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# ---------------------------------------------------------------------------------------
# Units, time base and sample rate
# ---------------------------------------------------------------------------------------


def test_ms2_values_are_detected_and_converted() -> None:
    text = csv("t,ax,ay,az", "0.00,0.1,-9.81,0.2", "0.01,0.0,-9.80,0.3", "0.02,0.2,-9.79,0.1")
    result = parse_recording(text)
    expected = np.array([[0.1, -9.81, 0.2], [0.0, -9.80, 0.3], [0.2, -9.79, 0.1]]) / STANDARD_GRAVITY_MS2
    np.testing.assert_allclose(result.recording.accel_g, expected, rtol=1e-12)
    assert result.warnings == ("accelerometer values look like m/s² (median |a| = 9.80); converted to g",)


def test_values_in_g_are_not_converted() -> None:
    result = parse_recording(csv("t,ax,ay,az", *still_rows(5)))
    np.testing.assert_array_equal(result.recording.accel_g[:, 2], 1.0)
    assert result.warnings == ()


@pytest.mark.parametrize("az", ["3.0", "0.2", "30.0"])
def test_implausible_accelerometer_units_are_an_error(az: str) -> None:
    error = parse_error(csv("t,ax,ay,az", f"0.00,0,0,{az}", f"0.01,0,0,{az}", f"0.02,0,0,{az}"))
    assert "not plausible g or m/s²" in str(error)
    assert f"median |a| = {float(az):.3g}" in str(error)


def test_no_time_column_with_rate_hz() -> None:
    text = csv("ax,ay,az", "0,0,1", "0,0.1,1", "0,0.2,1", "0,0.3,1")
    recording = parse_recording(text, rate_hz=50.0).recording
    np.testing.assert_allclose(recording.t_s, [0.0, 0.02, 0.04, 0.06], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(recording.accel_g[:, 1], [0.0, 0.1, 0.2, 0.3])
    assert recording.meta.sample_rate_hz == 50.0


def test_no_time_column_with_rate_in_metadata() -> None:
    text = csv("# sample rate: 25 Hz", "ax,ay,az", "0,0,1", "0,0,1", "0,0,1")
    recording = parse_recording(text).recording
    np.testing.assert_allclose(recording.t_s, [0.0, 0.04, 0.08], rtol=0, atol=1e-15)
    assert recording.meta.sample_rate_hz == 25.0


def test_no_time_column_without_rate_is_an_error() -> None:
    error = parse_error(csv("ax,ay,az", "0,0,1", "0,0,1"), source="walk.csv")
    assert error.message.startswith("no 't' column: pass --rate-hz")
    assert error.path == "walk.csv"
    assert error.line == 1


def test_rate_is_inferred_from_median_interval_when_not_declared() -> None:
    rows = still_rows(20, rate_hz=40.0)
    recording = parse_recording(csv("t,ax,ay,az", *rows)).recording
    assert recording.meta.sample_rate_hz == pytest.approx(40.0, rel=1e-9)


def test_rate_alias_keys_are_accepted() -> None:
    for line in ("# rate_hz: 100", "# Sample_Rate_Hz: 100.0", "# sample rate: 100hz"):
        recording = parse_recording(csv(line, "t,ax,ay,az", *still_rows(5))).recording
        assert recording.meta.sample_rate_hz == 100.0, line
        assert recording.meta.extra == (), line


def test_caller_rate_overrides_declared_rate_with_a_warning() -> None:
    text = csv("# sample_rate_hz: 50", "ax,ay,az", "0,0,1", "0,0,1", "0,0,1")
    result = parse_recording(text, rate_hz=100.0)
    assert result.recording.meta.sample_rate_hz == 100.0
    np.testing.assert_allclose(result.recording.t_s, [0.0, 0.01, 0.02])
    assert any("overrides the file's sample_rate_hz 50" in w for w in result.warnings)


def test_declared_rate_contradicted_by_timestamps_warns() -> None:
    result = parse_recording(csv("# sample_rate_hz: 100", "t,ax,ay,az", *still_rows(10, rate_hz=50.0)))
    assert result.recording.meta.sample_rate_hz == 100.0
    assert len(result.warnings) == 1
    assert "disagrees with the timestamps" in result.warnings[0]


# ---------------------------------------------------------------------------------------
# Layout variants
# ---------------------------------------------------------------------------------------


def test_semicolon_separator() -> None:
    text = csv("t;ax;ay;az;gx;gy;gz", "0.00;0.0;0.0;1.0;1.5;2.5;3.5", "0.01;0.1;0.0;1.0;1.5;2.5;3.5")
    recording = parse_recording(text).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.01])
    np.testing.assert_array_equal(recording.accel_g, [[0.0, 0.0, 1.0], [0.1, 0.0, 1.0]])
    assert recording.gyro_dps is not None
    np.testing.assert_array_equal(recording.gyro_dps[1], [1.5, 2.5, 3.5])


@pytest.mark.parametrize("comment", ["", "# forces the line-by-line parser\n"])
def test_semicolon_separator_with_decimal_commas(comment: str) -> None:
    text = "t;ax;ay;az\n" + comment + "0,00;0,5;0;0,9\n0,01;0,25;0;0,95\n"
    recording = parse_recording(text).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.01])
    np.testing.assert_array_equal(recording.accel_g[:, 0], [0.5, 0.25])


def test_tab_separator() -> None:
    recording = parse_recording(csv("t\tax\tay\taz", "0.0\t0\t0\t1", "0.5\t0\t0.5\t1")).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.5])
    np.testing.assert_array_equal(recording.accel_g[:, 1], [0.0, 0.5])


def test_column_order_is_free_and_names_are_case_insensitive() -> None:
    recording = parse_recording(csv("AZ, t, AY, AX", "1.0,0.0,0.2,0.1", "0.9,0.1,0.3,0.0")).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.1])
    np.testing.assert_array_equal(recording.accel_g, [[0.1, 0.2, 1.0], [0.0, 0.3, 0.9]])


def test_blanks_around_cells_are_ignored() -> None:
    recording = parse_recording(csv("t, ax, ay, az", "0.0, 0.5 ,0.25 , 0.75", " 0.1,0.125  ,0,1.0 ")).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.1])
    np.testing.assert_array_equal(recording.accel_g, [[0.5, 0.25, 0.75], [0.125, 0.0, 1.0]])


def test_extra_columns_are_ignored_with_a_warning() -> None:
    text = csv("t,ax,temp_c,ay,az,label", "0.00,0,31.5,0,1,rest", "0.01,0,,0,1,lift", "0.02,0,31.6,0,1,")
    result = parse_recording(text)
    assert result.warnings == ("ignoring unknown columns: temp_c, label",)
    assert len(result.recording) == 3  # an empty extra cell is not a drop-out
    assert result.recording.gaps == ()
    np.testing.assert_array_equal(result.recording.accel_g[:, 2], 1.0)


def test_crlf_line_ends_byte_order_mark_and_trailing_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "windows.csv"
    path.write_bytes("\ufeff# sensor: phone\r\nt,ax,ay,az\r\n0.0,0,0,1\r\n0.1,0,0,1\r\n\r\n\r\n".encode())
    recording = read_recording(path).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.1])
    assert recording.meta.sensor == "phone"


def test_comment_lines_after_the_header_are_ignored() -> None:
    text = csv("t,ax,ay,az", "0.00,0,0,1", "# sensor re-seated", "0.01,0,0,1", "", "0.02,0,0,1")
    recording = parse_recording(text).recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.01, 0.02])


def test_metadata_fields_and_unknown_keys_in_order() -> None:
    text = csv(
        "# a free comment without a colon",
        "# Sensor: MetaWear",
        "# trial: 3",
        "# placement: Pelvis",
        "# side: right",
        "# exercise: bridge",
        "# simulated: false",
        "# operator: A. B.",
        "t,ax,ay,az",
        *still_rows(3),
    )
    meta = parse_recording(text).recording.meta
    assert meta == RecordingMeta(
        sensor="MetaWear",
        placement=Placement.PELVIS,
        side=Side.RIGHT,
        exercise="bridge",
        sample_rate_hz=meta.sample_rate_hz,
        simulated=False,
        extra=(("trial", "3"), ("operator", "A. B.")),
    )
    assert meta.sample_rate_hz == pytest.approx(100.0)


def test_vectorised_and_line_by_line_parsers_agree() -> None:
    rows = still_rows(200, gyro=True)
    rows[50] = "0.500000,0.123456789,-0.5,0.875,-12.5,1e2,0.0001"
    plain = csv("t,ax,ay,az,gx,gy,gz", *rows)
    no_exponent = plain.replace("1e2", "100")
    with_comment = no_exponent.replace("\n0.500000,", "\n# a comment\n0.500000,")
    fixed = parse_recording(no_exponent).recording
    floating = parse_recording(plain).recording
    by_line = parse_recording(with_comment).recording
    assert fixed.gyro_dps is not None
    for other in (floating, by_line):
        np.testing.assert_array_equal(other.t_s, fixed.t_s)
        np.testing.assert_array_equal(other.accel_g, fixed.accel_g)
        assert other.gyro_dps is not None
        np.testing.assert_array_equal(other.gyro_dps, fixed.gyro_dps)
    assert fixed.accel_g[50, 0] == 0.123456789
    assert fixed.gyro_dps[50, 1] == 100.0


# ---------------------------------------------------------------------------------------
# Bad input: the message names the problem and the line
# ---------------------------------------------------------------------------------------

HEADER = "t,ax,ay,az"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param(csv(HEADER, "0.00,0,0,1", "0.01,0,abc,1", "0.02,0,0,1"),
                     "non-numeric value 'abc' in column 'ay'", 3, id="non-numeric"),
        pytest.param(csv("# sensor: x", HEADER, "0.00,0,0,1", "0.01,0,0", "0.02,0,0,1"),
                     "expected 4 cells (as in the header), found 3", 4, id="too-few-cells"),
        pytest.param(csv(HEADER, "0.00,0,0,1", "0.01,0,0,1,7"),
                     "expected 4 cells (as in the header), found 5", 3, id="too-many-cells"),
        pytest.param(csv(HEADER, "0.00,0,0,1", "0.01,0,0,1", "0.01,0,0,1", "0.02,0,0,1"),
                     "duplicate timestamp t = 0.010000 s (same as line 3)", 4, id="duplicate-t"),
        pytest.param(csv(HEADER, "0.00,0,0,1", "0.02,0,0,1", "0.01,0,0,1"),
                     "timestamps go backwards: t = 0.010000 s after 0.020000 s on line 3", 4, id="backwards-t"),
        # an infinite time is an error; an infinite sensor value is a reading beyond the sensor's
        # range, a drop-out (test_sensor_range.py)
        pytest.param(csv(HEADER, "0.00,0,0,1", "inf,0,0,1"), "infinite value in column 't'", 3, id="inf"),
        pytest.param(csv("# exercise: clam", "", "0.00,0,0,1", "0.01,0,0,1"), "no header row", 3,
                     id="no-header"),
        pytest.param(csv("t,ax,az", "0,0,1"), "missing required column 'ay' (the header has: t, ax, az)", 1,
                     id="missing-ay"),
        pytest.param(csv("t,ax,ay,az,gx", "0,0,0,1,5"),
                     "incomplete gyro columns: 'gx' present but 'gy', 'gz' missing", 1, id="partial-gyro"),
        pytest.param(csv("t,ax,ay,ax,az", "0,0,0,0,1"), "column 'ax' appears twice in the header", 1,
                     id="duplicate-column"),
        pytest.param(csv("# sensor: a", "# placement: knee", HEADER, "0,0,0,1"),
                     "unknown placement 'knee' (expected one of: thigh, shank, pelvis, auto)", 2,
                     id="bad-placement"),
        pytest.param(csv("# side: middle", HEADER, "0,0,0,1"), "unknown side 'middle'", 1, id="bad-side"),
        pytest.param(csv("# sample_rate_hz: fast", HEADER, "0,0,0,1"),
                     "sample_rate_hz must be a positive number of Hz, got 'fast'", 1, id="bad-rate"),
        pytest.param(csv("# sample_rate_hz: -5", HEADER, "0,0,0,1"),
                     "sample_rate_hz must be a positive number of Hz", 1, id="negative-rate"),
        pytest.param(csv("# simulated: maybe", HEADER, "0,0,0,1"), "simulated must be true or false", 1,
                     id="bad-bool"),
        pytest.param(csv("# sensor: a", HEADER, ""), "no data rows after the header", 2, id="no-rows"),
    ],
)
def test_bad_input_names_problem_and_line(text: str, message: str, line: int) -> None:
    error = parse_error(text, source="rec.csv")
    assert message in error.message
    assert error.line == line
    assert str(error).startswith(f"rec.csv, line {line}: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param("\n  \n\t\n", "the file is empty", id="blank"),
        pytest.param(csv("# sensor: a", "# comment"), "no header row", id="only-metadata"),
        pytest.param(csv(HEADER, "0.00,0,0,", "0.01,0,0,", "0.02,0,0,nan"),
                     "column 'az' has no values (every cell is empty or NaN)", id="az-all-empty"),
        pytest.param(csv("t,ax,ay,az,gx,gy,gz", "0,0,0,1,,1,1", "0.01,0,0,1,,1,1"),
                     "column 'gx' has no values", id="gx-all-empty"),
        pytest.param(csv(HEADER, "0.00,0,0,1", "0.01,,0,1", "0.02,0,nan,1"),
                     "fewer than 2 usable samples (3 rows read, 2 with empty/NaN values)", id="too-few-samples"),
        pytest.param(csv(HEADER, "0.00,0,0,1"), "fewer than 2 usable samples (1 row read, 0 with empty/NaN values)",
                     id="one-row"),
    ],
)
def test_bad_input_without_a_line(text: str, message: str) -> None:
    error = parse_error(text, source="rec.csv")
    assert message in error.message
    assert error.line is None
    assert str(error) == f"rec.csv: {error.message}"


def test_bad_cell_deep_in_a_large_file_is_found_on_its_line() -> None:
    rows = still_rows(5000, gyro=True)
    rows[4321] = rows[4321].replace("0.2500", "0.25x0")
    error = parse_error(csv("# sensor: s", "t,ax,ay,az,gx,gy,gz", *rows))
    assert error.message == "non-numeric value '-0.25x0' in column 'gy'"
    assert error.line == 4321 + 3


def test_ragged_line_in_a_large_file_is_found_on_its_line() -> None:
    rows = still_rows(5000)
    rows[1234] += ",0.5"
    rows[3000] = rows[3000].rsplit(",", 1)[0]  # would compensate the cell count
    error = parse_error(csv("t,ax,ay,az", *rows))
    assert error.message == "expected 4 cells (as in the header), found 5"
    assert error.line == 1234 + 2


def test_missing_file_is_a_recording_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(RecordingError, match="cannot read the file") as info:
        read_recording(path)
    assert info.value.path == str(path)


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"# sensor: M\xfcller\nt,ax,ay,az\n0,0,0,1\n0.1,0,0,1\n", 1),
        (b"t,ax,ay,az,note\n0,0,0,1,ok\n0.1,0,0,1,caf\xe9\n", 3),
    ],
)
def test_non_utf8_file_is_a_recording_error(content: bytes, line: int, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(content)
    with pytest.raises(RecordingError, match="not UTF-8 text") as info:
        read_recording(path)
    assert info.value.line == line


def test_utf8_text_in_metadata_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "utf8.csv"
    path.write_text("# sensor: Müller-Gerät\nt,ax,ay,az,note\n0,0,0,1,café\n0.1,0,0,1,\n", encoding="utf-8")
    result = read_recording(path)
    assert result.recording.meta.sensor == "Müller-Gerät"
    assert len(result.recording) == 2


# ---------------------------------------------------------------------------------------
# Damaged but usable data: warnings and gaps
# ---------------------------------------------------------------------------------------


def test_time_gap_is_recorded_with_a_warning() -> None:
    rows = still_rows(100)
    later = [f"{3.0 + i / 100:.6f},0.010000,-0.020000,1.000000" for i in range(50)]
    result = parse_recording(csv(HEADER, *rows, *later))
    assert result.recording.gaps == (Gap(0.99, 3.0),)
    assert len(result.recording) == 150
    assert result.warnings == (
        "time gap of 2.010 s between lines 101 and 102 (t = 0.990 s to 3.000 s): recorded as a gap",
    )


def test_short_jitter_is_not_a_gap() -> None:
    # 0.3 s at 100 Hz is 30 sample intervals but under the 0.5 s floor.
    t = [0.0, 0.01, 0.02, 0.32, 0.33, 0.34]
    result = parse_recording(csv(HEADER, *(f"{x},0,0,1" for x in t)))
    assert result.recording.gaps == ()
    assert result.warnings == ()


def test_gap_threshold_scales_with_a_slow_sample_rate() -> None:
    # At 1 Hz, five intervals (5 s) is the threshold: a 4 s step is not a gap, a 6 s step is.
    t = [0, 1, 2, 3, 7, 8, 9, 15, 16]
    result = parse_recording(csv("# sample_rate_hz: 1", HEADER, *(f"{x},0,0,1" for x in t)))
    assert result.recording.gaps == (Gap(9.0, 15.0),)


def test_nan_run_is_removed_and_recorded_as_a_gap() -> None:
    text = csv(
        HEADER,
        "0.00,0,0,1",
        "0.01,0,0.1,1",
        "0.02,,,",
        "0.03,nan,0,1",
        "0.04,0,NaN,1",
        "0.05,0,0.2,1",
        "0.06,0,0.3,1",
    )
    result = parse_recording(text)
    recording = result.recording
    np.testing.assert_array_equal(recording.t_s, [0.0, 0.01, 0.05, 0.06])
    np.testing.assert_array_equal(recording.accel_g[:, 1], [0.0, 0.1, 0.2, 0.3])
    assert recording.gaps == (Gap(0.01, 0.05),)
    assert result.warnings == (
        "sensor drop-out on lines 4-6 (3 rows with empty/NaN values): rows removed, gap 0.010-0.050 s recorded",
    )


def test_nan_runs_at_start_and_end_are_trimmed_and_recorded() -> None:
    text = csv(HEADER, "0.00,,,", "0.01,,,", "0.02,0,0,1", "0.03,0,0,1", "0.04,0,0,1", "0.05,0,,1")
    result = parse_recording(text)
    np.testing.assert_array_equal(result.recording.t_s, [0.02, 0.03, 0.04])
    assert result.recording.gaps == (Gap(0.0, 0.02), Gap(0.04, 0.05))
    assert [w.split(" (")[0] for w in result.warnings] == ["sensor drop-out on lines 2-3", "sensor drop-out on line 7"]


def test_nan_run_without_time_column_keeps_the_time_base() -> None:
    text = csv("ax,ay,az", "0,0,1", "0,0,1", ",,", ",,", "0,0,1")
    recording = parse_recording(text, rate_hz=10.0).recording
    np.testing.assert_allclose(recording.t_s, [0.0, 0.1, 0.4])
    assert recording.gaps == (Gap(0.1, 0.4),)


def test_long_drop_out_gives_one_gap_not_two() -> None:
    rows = still_rows(300)
    for i in range(100, 200):  # one second of empty cells at 100 Hz
        rows[i] = f"{i / 100:.6f},,,"
    result = parse_recording(csv(HEADER, *rows))
    assert result.recording.gaps == (Gap(0.99, 2.0),)
    assert len(result.warnings) == 1
    assert len(result.recording) == 200


def test_many_drop_outs_are_all_recorded_but_warnings_are_capped() -> None:
    rows = still_rows(400)
    for i in range(10, 400, 10):
        rows[i] = f"{i / 100:.6f},,,"
    result = parse_recording(csv(HEADER, *rows))
    assert len(result.recording.gaps) == 39
    assert len(result.warnings) == 11
    assert result.warnings[-1] == "... and 29 more drop-outs (29 rows) removed and recorded as gaps"


def test_large_clean_file_with_one_drop_out() -> None:
    rows = still_rows(20000, gyro=True)
    rows[777] = "7.770000,,,,,,"
    result = parse_recording(csv("t,ax,ay,az,gx,gy,gz", *rows))
    assert len(result.recording) == 19999
    assert result.recording.gaps == (Gap(7.76, 7.78),)
    assert result.recording.gyro_dps is not None
    np.testing.assert_array_equal(result.recording.gyro_dps[-1], [0.5, -0.25, 0.125])


# ---------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------

_KEY_CHARS = st.characters(categories=("Lu", "Ll", "Nd"), include_characters="_-. ")
_VALUE_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))


def _stripped_text(chars: st.SearchStrategy[str], min_size: int) -> st.SearchStrategy[str]:
    return st.text(chars, min_size=min_size, max_size=20).map(str.strip).filter(lambda s: len(s) >= min_size)


_RESERVED = {"sensor", "placement", "side", "exercise", "simulated", "sample_rate_hz", "sample_rate", "rate_hz"}

metas = st.builds(
    RecordingMeta,
    sensor=st.none() | _stripped_text(_VALUE_CHARS, 1),
    placement=st.none() | st.sampled_from(Placement),
    side=st.none() | st.sampled_from(Side),
    exercise=st.none() | _stripped_text(_VALUE_CHARS, 1),
    sample_rate_hz=st.just(None),  # drawn with the timestamps (see recordings())
    simulated=st.booleans(),
    extra=st.lists(
        st.tuples(
            _stripped_text(_KEY_CHARS, 1).filter(
                lambda k: k.lower().replace(" ", "_").replace("-", "_") not in _RESERVED
            ),
            _stripped_text(_VALUE_CHARS, 0),
        ),
        max_size=3,
    ).map(tuple),
)


@st.composite
def recordings(draw: st.DrawFn) -> Recording:
    n = draw(st.integers(2, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    t0 = draw(st.sampled_from([0.0, 0.123456, 1234.5, 86400.0]))
    dt = draw(st.sampled_from([0.001, 0.01, 1 / 52, 0.1]))
    steps = dt * rng.uniform(0.5, 1.5, n - 1)
    if n >= 4 and draw(st.booleans()):
        steps[rng.integers(0, n - 1)] += 3.0  # a time gap (with enough steps that the median is a sample interval)
    t_s = t0 + np.concatenate(([0.0], np.cumsum(steps)))
    accel_g = np.column_stack(
        [rng.uniform(-0.3, 0.3, n), rng.uniform(-0.3, 0.3, n), rng.uniform(0.8, 1.2, n)]
    )[:, rng.permutation(3)]
    gyro_dps = rng.uniform(-2000, 2000, (n, 3)) if draw(st.booleans()) else None
    # The declared rate is within a factor 1.6 of what the timestamps give, as in a real file (the
    # reader believes a declared rate only that close: a far one gives way to the timestamps,
    # tested in test_sample_rate.py), and a rate a wearable sends.
    meta = draw(metas)
    declared = float(np.clip(draw(st.floats(0.6, 1.6)) / float(np.median(steps)), 1.0, 2000.0))
    meta = dataclasses.replace(meta, sample_rate_hz=declared)
    return Recording(t_s=t_s, accel_g=accel_g, gyro_dps=gyro_dps, meta=meta)


@settings(max_examples=150, deadline=None)
@given(recordings())
def test_property_format_then_parse_round_trips(recording: Recording) -> None:
    result = parse_recording(format_recording(recording))
    assert_same_samples(result.recording, recording)
    assert result.recording.meta == recording.meta
    # A second trip reproduces the first exactly: the reader rounds correctly.
    again = parse_recording(format_recording(result.recording)).recording
    np.testing.assert_array_equal(again.t_s, result.recording.t_s)
    np.testing.assert_array_equal(again.accel_g, result.recording.accel_g)
    assert again.gaps == result.recording.gaps


def _decimal(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-0.35, 0.35), st.floats(-0.35, 0.35), st.floats(0.8, 1.2), st.integers(0, 12)),
        min_size=2,
        max_size=30,
    ),
    st.sampled_from([",", ";", "\t"]),
)
def test_property_every_parser_reads_decimals_like_float(
    cells: list[tuple[float, float, float, int]], separator: str
) -> None:
    lines = [separator.join(["t", "ax", "ay", "az"])]
    expected: list[list[float]] = []
    for i, (ax, ay, az, decimals) in enumerate(cells):
        texts = [_decimal(ax, decimals), _decimal(ay, max(decimals - 3, 0)), _decimal(az, decimals)]
        lines.append(separator.join([str(i), *texts]))
        expected.append([float(x) for x in texts])
    text = "\n".join(lines) + "\n"
    commented = text.replace("\n", "\n# comment forcing the line-by-line parser\n", 1)
    want: NDArray[np.float64] = np.array(expected)
    for variant in (text, commented):
        np.testing.assert_array_equal(parse_recording(variant).recording.accel_g, want)


def _outcome(text: str) -> tuple[object, ...]:
    try:
        result = parse_recording(text)
    except RecordingError as error:
        return ("error", error.message, error.line)
    recording = result.recording
    return ("ok", recording.t_s.tolist(), recording.accel_g.tolist(), recording.gaps, result.warnings)


_JUNK_CELLS = st.one_of(
    st.text(alphabet="0123456789.-+ ", max_size=5),
    st.text(alphabet="0123456789.-+ \teEnaif", max_size=6),
    st.sampled_from(["-", "+", ".", "-.", "+.", " ", "1 2", " 0.5 ", "5.", ".5", "-.5", "nan", "", "1e3", "inf"]),
    st.sampled_from(["\u00a01.5", "\n", "-12345678901234567890.5", "0.1234567890123456789"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_JUNK_CELLS, min_size=2, max_size=8), st.sampled_from([",", ";", "\t"]))
def test_property_vectorised_parsers_behave_like_the_line_parser(cells: list[str], separator: str) -> None:
    """Junk in a cell must give the same values or the same error on every parsing path."""
    header = separator.join(["t", "ax", "ay", "az"])
    rows = [separator.join([str(i), cell, "0", "1"]) for i, cell in enumerate(cells)]
    text = "\n".join([header, *rows]) + "\n"
    # A trailing comment line sends the same content through the line-by-line parser.
    assert _outcome(text) == _outcome(text + "# end\n")
