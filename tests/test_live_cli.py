"""``record --device``: the simulated sensor through the whole path, the device's calibration, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collections.abc import Callable

from tracker.app.calibrations import calibrated_identity
from tracker.store import OpenMode, Store

Cli = Callable[..., tuple[int, str, str]]

ROOT = Path(__file__).resolve().parents[1]
SIX_POSES = ROOT / "sample_data" / "calibration" / "device-six-poses.csv"
CLAMSHELL = ROOT / "sample_data" / "clamshell.csv"


def test_record_from_the_simulator_is_a_complete_session_that_reanalyses_the_same(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out, err = cli("record", "--device", "sim", "--exercise", "clamshell", "--person", "Ann", "--speed", "max", "--plain", "--db", db)
    assert code == 0, err
    assert "sensor sim: streaming" in err
    code, out, _ = cli("show", "last", "--json", "--db", db)
    s = json.loads(out)
    assert (s["status"], s["device"], s["has_gyro"], s["sample_rate_hz"]) == ("complete", "sim", True, 100.0)
    assert 8 <= s["rep_count"] <= 10  # the simulator's set
    code, out, _ = cli("reanalyze", "last", "--dry-run", "--db", db)
    assert "identical" in out


def test_a_recording_streamed_as_a_sensor_with_a_drop_out(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out, err = cli("record", "--device", f"sim:{CLAMSHELL}", "--exercise", "clamshell", "--person", "Ann", "--speed", "max",
                         "--sim-drop-out", "20:3", "--plain", "--db", db)
    assert code == 0, err
    assert "reconnected 1 time" in err and "drop-out" in err
    code, out, _ = cli("show", "last", "--json", "--db", db)
    s = json.loads(out)
    assert s["device"] == "sim:clamshell.csv"
    assert any(g["end_s"] - g["start_s"] >= 2.9 for g in s["gaps"]), s["gaps"]
    code, out, _ = cli("reanalyze", "last", "--dry-run", "--db", db)
    assert "identical" in out


def test_the_live_sensor_gets_its_device_calibration(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("calibrate", "device", "--db", db, "--source", SIX_POSES, "--device", "sim")
    assert code == 0, err
    code, out, err = cli("record", "--device", "sim", "--exercise", "clamshell", "--person", "Ann", "--speed", "max", "--plain", "--db", db)
    assert code == 0, err
    assert "using device calibration" in out


def test_a_sensor_is_found_by_its_address_or_the_name_it_was_calibrated_under(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("calibrate", "device", "--db", db, "--source", SIX_POSES, "--device", "BBC micro:bit [zotip]")
    assert code == 0, err
    with Store.open(db, mode=OpenMode.READ) as store:
        assert calibrated_identity(store, ("C0:11:22:33:44:55", "BBC micro:bit [zotip]")) == "BBC micro:bit [zotip]"
        assert calibrated_identity(store, ("C0:11:22:33:44:55", "other")) == "C0:11:22:33:44:55"


@pytest.mark.parametrize("args,message", [
    ((), "--device or --source is needed"),
    (("--device", "sim", "--pelvis", "x.csv"), "--pelvis is a recording to replay with --source"),
    (("--device", "sim", "--sim-drop-out", "20"), "--sim-drop-out is AT:SECONDS"),
    (("--device", "sim", "--profile", "missing.toml"), "cannot read the profile"),
    (("--device", " "), "--device is a sensor's name or address, or sim"),
    (("--device", "sim:"), "--device is sim or sim:FILE.csv"),
    (("--source", str(CLAMSHELL), "--pelvis-device", "sim"), "--pelvis-device is for a live sensor"),
])
def test_refusals_are_one_line_exit_2(cli: Cli, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = cli("record", "--exercise", "clamshell", "--person", "Ann", "--db", tmp_path / "r.db", *args)
    assert code == 2
    assert message in err and err.count("\n") == 1, err


@pytest.mark.parametrize("args", [("scan", "--timeout", "0"), ("record", "--device", "sim", "--exercise", "clamshell", "--person", "Ann",
                                                                   "--give-up-s", "0")])
def test_numbers_out_of_range_are_refused_by_the_parser(cli: Cli, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"reptrack: error: {args[-2]} ") and err.count("\n") == 1
