"""The command line's conventions, each in one place: warnings on stderr, every refusal naming its
option with an example that fits it, bounds on the numbers people type, what Ctrl-C does.

(Hardening issue, item 11.) The Ctrl-C convention: the exit status says whether the command did
its job. Ctrl-C is how a person ends a live ``record`` session: it is stored ``complete``, exit 0,
and stderr says so (tests/test_reliability.py runs it in a real process). Anywhere else Ctrl-C
cuts the command short: exit 130 (the shell's 128 + SIGINT) and one line on stderr saying what
was kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
STANDING = ROOT / "sample_data" / "standing-hip-abduction.csv"
CLAMSHELL = ROOT / "sample_data" / "clamshell.csv"  # has a 1 s sensor drop-out: a warning
SIX_POSES = ROOT / "sample_data" / "calibration" / "device-six-poses.csv"
EX = ("--exercise", "standing-hip-abduction")

Cli = Callable[..., tuple[int, str, str]]


def _refusal(cli: Cli, capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    """The one error line of a refused command (from argparse or from the application)."""
    try:
        code, out, err = cli(*argv)
    except SystemExit as stop:
        code, out, err = int(stop.code or 0), *capsys.readouterr()
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith("reptrack: error: "), line
    return line


# --------------------------------------------------------------------------- warnings on stderr
def test_analyze_prints_its_warnings_on_stderr(cli: Cli) -> None:
    code, out, err = cli("analyze", CLAMSHELL, "--exercise", "clamshell")
    assert code == 0, err
    assert "warning" not in out and "drop-out" not in out
    assert err.startswith("warning: time gap of 1.") or "warning: " in err, err
    assert all(line.startswith("warning: ") for line in err.splitlines()), err
    code, out, err = cli("analyze", CLAMSHELL, "--exercise", "clamshell", "--json")
    assert code == 0 and out.lstrip().startswith("{") and err.startswith("warning: "), (out[:80], err)


def test_record_and_import_print_warnings_like_analyze(cli: Cli, tmp_path: Path) -> None:
    _, _, analysed = cli("analyze", CLAMSHELL, "--exercise", "clamshell")
    for argv in (("record", "--source", CLAMSHELL, "--speed", "max", "--plain"), ("import", CLAMSHELL)):
        code, out, err = cli(*argv, "--exercise", "clamshell", "--person", "Ann", "--db", tmp_path / "r.db")
        assert code == 0, err
        assert [w for w in err.splitlines() if w.startswith("warning: ")] == analysed.splitlines(), argv
        assert "warning" not in out


# --------------------------------------------------------------------------- refusals name their option
def test_rest_s_refusal_gives_an_example_of_rests(cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _refusal(cli, capsys, "prescribe", "Ann", "--exercise", "clamshell", "--rest-s", "auto", "--db", tmp_path / "r.db")
    assert line.startswith("reptrack: error: --rest-s ") and "e.g. 60-180" in line and "8-12" not in line, line
    line = _refusal(cli, capsys, "prescribe", "Ann", "--exercise", "clamshell", "--reps", "many", "--db", tmp_path / "r.db")
    assert line.startswith("reptrack: error: --reps ") and "e.g. 8-12" in line, line


@pytest.mark.parametrize("option,value", [
    ("--sets", "0"), ("--sets", "-1"), ("--load-kg", "-1"), ("--load-kg", "nan"), ("--reps", "0-0"), ("--reps", "12-8"),
    ("--days-per-week", "9"), ("--hold-s", "1000"), ("--rest-s", "0-0"),
])
def test_each_prescription_refusal_names_its_option(cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   option: str, value: str) -> None:
    line = _refusal(cli, capsys, "prescribe", "Ann", "--exercise", "clamshell", option, value, "--db", tmp_path / "r.db")
    assert line.startswith(f"reptrack: error: {option} "), line


@pytest.mark.parametrize("value", ["1e-9", "0", "-2", "5000", "nan", "fast"])
@pytest.mark.parametrize("command", ["record", "calibrate"])
def test_speed_is_a_sensible_factor_or_max(cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str,
                                           value: str) -> None:
    argv: tuple[object, ...] = (("record", "--source", STANDING, *EX, "--person", "Ann") if command == "record"
                                else ("calibrate", "device", "--source", SIX_POSES, "--device", "wit-1"))
    line = _refusal(cli, capsys, *argv, "--speed", value, "--db", tmp_path / "r.db")
    assert line.startswith("reptrack: error: --speed is a replay speed"), line
    assert "0.1-1000" in line and "'max'" in line, line
    assert not (tmp_path / "r.db").exists() or not Store.open(tmp_path / "r.db").sessions()


def test_speed_bounds_and_max_are_accepted(cli: Cli, tmp_path: Path) -> None:
    for value in ("max", "1000"):
        code, _, err = cli("record", "--source", STANDING, *EX, "--person", "Ann", "--plain", "--speed", value, "--db", tmp_path / "r.db")
        assert code == 0, err


# --------------------------------------------------------------------------- note --resolve
def test_note_resolve_says_whether_there_was_a_mark_to_clear(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        store.ensure_person("Ann")
    code, out, err = cli("note", "Ann", "all fine", "--resolve", "--db", db)
    assert code == 0, err
    assert "attention mark cleared" not in out and "no attention mark to clear" in out, out
    code, _, err = cli("log", "Ann", "--pain", "7", "--db", db)
    assert code == 0, err
    code, out, err = cli("note", "Ann", "called her: rest two days", "--resolve", "--db", db)
    assert code == 0 and "attention mark cleared" in out, (out, err)


# --------------------------------------------------------------------------- Ctrl-C
def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


async def _interrupt_async(*_: object, **__: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("kind", ["device", "mounting", "range"])
def test_ctrl_c_during_a_calibration_says_nothing_was_stored(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             kind: str) -> None:
    import tracker.app.calibrations as calibrations

    monkeypatch.setattr(calibrations, "run_range" if kind == "range" else "run_flow", _interrupt_async)
    argv: tuple[object, ...] = (("--source", SIX_POSES, "--device", "wit-1") if kind == "device"
                                else ("--source", STANDING, *EX, "--person", "Ann"))
    code, out, err = cli("calibrate", kind, *argv, "--db", tmp_path / "r.db")
    assert code == 130
    assert err.splitlines()[-1:] == ["reptrack: interrupted: no calibration was stored"], err
    with Store.open(tmp_path / "r.db") as store:
        assert store.latest_calibration(calibrations.CalibrationKind.DEVICE, device="wit-1") is None


def test_ctrl_c_anywhere_else_is_130_with_a_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.app.analysis as analysis

    monkeypatch.setattr(analysis, "read_recording", _interrupt)
    code, out, err = cli("analyze", STANDING, *EX)
    assert code == 130 and err.splitlines() == ["reptrack: interrupted"], err
