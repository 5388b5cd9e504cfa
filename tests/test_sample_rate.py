"""A declared sample rate is believed only when it is a rate a wearable sends and agrees with
the timestamps; an absurd one is a warning (the timestamps win) or a one-line error, never an
allocation of gigabytes or a traceback from the filter design.

(Hardening issue, item 1: ``# sample_rate_hz: 1e7`` grew ``analyze`` to ~24 GB; ``1e300`` gave
``ValueError: StatefulBiquad needs a complex-conjugate pole pair``.)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calibration.flows import DeviceFlow
from calibration.stillness import HoldStill
from tracker.app.recorder import SessionPlan, SessionRecorder
from tracker.core.recording import Recording
from tracker.errors import ConfigurationError, RecordingError
from tracker.files.csv_recording import parse_recording, read_recording
from tracker.pipeline import SessionSetup
from tracker.sensors import ReplaySource
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
CLAMSHELL = ROOT / "sample_data" / "clamshell.csv"
SIDE_LYING = ROOT / "sample_data" / "side-lying-hip-abduction.csv"
SIDE_LYING_PELVIS = ROOT / "sample_data" / "side-lying-hip-abduction.pelvis.csv"
ARGS = ("--exercise", "clamshell")

Cli = Callable[..., tuple[int, str, str]]


def _with_rate(tmp_path: Path, rate: str, *, drop_t: bool = False, scale_t: float = 1.0) -> Path:
    """The clamshell sample (25 Hz, timestamped) with its '# sample_rate_hz' line set to ``rate``."""
    out = []
    header_seen = False
    for line in CLAMSHELL.read_text().splitlines():
        if line.startswith("# sample_rate_hz:"):
            line = f"# sample_rate_hz: {rate}"
        elif not line.startswith("#"):
            t, rest = line.split(",", 1)
            if drop_t:
                line = rest
            elif header_seen and scale_t != 1.0:
                line = f"{float(t) * scale_t:.6f},{rest}"
            header_seen = True
        out.append(line)
    path = tmp_path / "rate.csv"
    path.write_text("\n".join(out) + "\n")
    return path


def _one_line_error(result: tuple[int, str, str], *fragments: str) -> str:
    code, out, err = result
    assert code == 2, (code, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reptrack: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    from tracker.cli import main
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["analyze", str(CLAMSHELL), *ARGS, "--json"]) == 0
    d = json.loads(out.getvalue())
    assert d["rep_count"] == 9
    return d


def test_the_plausible_range_is_named_in_the_core() -> None:
    from tracker.core.recording import MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ, SAMPLE_RATE

    assert (MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ) == (1.0, 2000.0)
    assert SAMPLE_RATE.contains(25.0) and SAMPLE_RATE.contains(2000.0) and SAMPLE_RATE.contains(1.0)
    for absurd in (0.5, 2000.1, 1e7, 1e300, float("inf"), float("nan"), -25.0):
        assert not SAMPLE_RATE.contains(absurd)


# --------------------------------------------------------------------------- the CSV reader
@pytest.mark.parametrize("rate", ["1e7", "1e300", "0.01", "100", "10"])
def test_a_declared_rate_that_is_absurd_or_far_from_the_timestamps_gives_way_to_them(
        tmp_path: Path, cli: Cli, reference: dict[str, Any], rate: str) -> None:
    path = _with_rate(tmp_path, rate)
    result = read_recording(path)
    assert result.recording.meta.sample_rate_hz == pytest.approx(25.0, rel=0.02)
    (warning,) = [w for w in result.warnings if "sample rate" in w]
    assert f"declared sample rate {float(rate):g} Hz" in warning and "using the timestamps'" in warning
    code, out, err = cli("analyze", path, *ARGS, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["rep_count"] == reference["rep_count"]
    assert len(d["sets"]) == len(reference["sets"])


def test_a_declared_rate_near_the_timestamps_is_kept_with_a_warning(tmp_path: Path) -> None:
    result = read_recording(_with_rate(tmp_path, "30"))  # 1.2 x the timestamps' 25 Hz
    assert result.recording.meta.sample_rate_hz == 30.0
    assert any("disagrees with the timestamps" in w and "keeping the declared rate" in w for w in result.warnings)


@pytest.mark.parametrize("rate", ["1e7", "1e300", "0.5"])
def test_without_timestamps_an_absurd_declared_rate_is_a_one_line_error(tmp_path: Path, cli: Cli, rate: str) -> None:
    path = _with_rate(tmp_path, rate, drop_t=True)
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert info.value.line == 5  # the '# sample_rate_hz' line
    _one_line_error(cli("analyze", path, *ARGS), str(path), "line 5", "1-2000 Hz")


def test_without_timestamps_a_plausible_declared_rate_times_the_samples(tmp_path: Path, cli: Cli,
                                                                       reference: dict[str, Any]) -> None:
    code, out, err = cli("analyze", _with_rate(tmp_path, "25", drop_t=True), *ARGS, "--json")
    assert code == 0, err
    assert json.loads(out)["rep_count"] == reference["rep_count"]


def test_timestamps_that_no_wearable_gives_are_refused(tmp_path: Path, cli: Cli) -> None:
    # milliseconds in the 't' column: 40 "s" between samples, 0.025 Hz
    path = _with_rate(tmp_path, "25", scale_t=1000.0)
    _one_line_error(cli("analyze", path, *ARGS), str(path), "the timestamps give 0.02", "median interval 40", "is the 't' column in seconds?")


def test_the_caller_rate_is_checked_like_a_declared_one() -> None:
    text = "ax,ay,az\n0,0,1\n0,0,1\n0,0,1\n"
    with pytest.raises(RecordingError, match="given by the caller, 1e\\+07 Hz, is not"):
        parse_recording(text, rate_hz=1e7)


# --------------------------------------------------------------------------- the command line
@pytest.mark.parametrize("value", ["1e7", "1e300", "0", "-3", "nan", "inf", "fast"])
@pytest.mark.parametrize("command", ["analyze", "record", "import", "calibrate-range", "simulate"])
def test_rate_hz_option_names_its_range(tmp_path: Path, cli: Cli, command: str, value: str) -> None:
    argv: tuple[Any, ...] = {
        "analyze": ("analyze", CLAMSHELL, *ARGS),
        "record": ("record", "--source", CLAMSHELL, *ARGS, "--person", "Ann", "--speed", "max", "--db", tmp_path / "r.db"),
        "import": ("import", CLAMSHELL, *ARGS, "--person", "Ann", "--db", tmp_path / "r.db"),
        "calibrate-range": ("calibrate", "range", "--source", CLAMSHELL, *ARGS, "--person", "Ann", "--db", tmp_path / "r.db"),
        "simulate": ("simulate", *ARGS, "--out", tmp_path / "sim"),
    }[command]
    with pytest.raises(SystemExit) as stop:  # argparse's own (one-line) usage error
        cli(*argv, "--rate-hz", value)
    assert stop.value.code == 2
    assert not (tmp_path / "r.db").exists() and not (tmp_path / "sim").exists()


def test_rate_hz_refusal_is_worded_by_its_range(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli("analyze", CLAMSHELL, *ARGS, "--rate-hz", "1e300")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "reptrack: error: --rate-hz is a sample rate a wearable sends, 1-2000 Hz, not '1e300' (see 'reptrack analyze --help')"]
    assert "positive number" not in err


@pytest.mark.parametrize("argv,option", [
    (("prescribe", "Ann", "--exercise", "clamshell", "--hold-s", "1000"), "--hold-s"),
    (("prescribe", "Ann", "--exercise", "clamshell", "--hold-s", "1e300"), "--hold-s"),
    (("analyze", str(CLAMSHELL), *ARGS, "--hold-s", "0"), "--hold-s"),
    (("analyze", str(CLAMSHELL), *ARGS, "--target-rom-deg", "1e300"), "--target-rom-deg"),
    (("record", "--source", str(CLAMSHELL), *ARGS, "--person", "A", "--hold-s", "61"), "--hold-s"),
])
def test_other_numeric_options_say_their_range_not_positive_number(cli: Cli, capsys: pytest.CaptureFixture[str],
                                                                  tmp_path: Path, argv: tuple[str, ...], option: str) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(*argv, "--db", tmp_path / "r.db") if argv[0] != "analyze" else cli(*argv)
    assert stop.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"reptrack: error: {option} is ") and "positive number" not in line, line
    assert ("at most 60 s" in line) if option == "--hold-s" else ("at most 180 deg" in line), line


# --------------------------------------------------------------------------- the engine: the last guard
@pytest.mark.parametrize("rate", [1e7, 1e300, 0.1, float("nan")])
def test_the_engine_refuses_an_absurd_rate_before_allocating(rate: float) -> None:
    setup = SessionSetup.resolve("clamshell")
    with pytest.raises(ConfigurationError, match="not a sample rate a wearable sends"):
        setup.pipeline(sample_rate_hz=rate, has_gyro=True)
    pelvis_setup = SessionSetup.resolve("side-lying-hip-abduction", with_pelvis=True)
    with pytest.raises(ConfigurationError, match="the pelvis sensor declares"):
        pelvis_setup.pipeline(sample_rate_hz=50.0, has_gyro=True, pelvis_sample_rate_hz=rate)


def test_the_calibration_flows_refuse_an_absurd_rate() -> None:
    with pytest.raises(ConfigurationError):
        HoldStill(1e7)
    with pytest.raises(ConfigurationError):
        DeviceFlow(1e300)


def test_a_live_source_with_an_absurd_rate_is_refused_before_recording(tmp_path: Path) -> None:
    rec = read_recording(CLAMSHELL).recording
    lying = Recording(rec.t_s, rec.accel_g, rec.gyro_dps, replace(rec.meta, sample_rate_hz=1e7))
    source = ReplaySource(lying, speed=float("inf"))
    with Store.open(tmp_path / "r.db") as store:
        plan = SessionPlan("Ann", SessionSetup.resolve("clamshell"))
        with pytest.raises(ConfigurationError, match="1e\\+07 Hz"):
            asyncio.run(SessionRecorder(store, source, plan).run())
        assert store.sessions() == []  # nothing was started


def test_sample_rates_of_the_bundled_samples_are_unchanged() -> None:
    # every bundled sample declares the rate its timestamps give: nothing to correct
    for path in sorted((ROOT / "sample_data").glob("*.csv")):
        result = read_recording(path)
        assert not any("sample rate" in w for w in result.warnings), (path, result.warnings)
        assert np.isfinite(result.recording.meta.sample_rate_hz or np.nan)
