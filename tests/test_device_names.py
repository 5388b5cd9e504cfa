"""One rule for naming a sensor: its device calibration must exist, and a name is not empty;
``record`` and ``import`` refuse like ``calibrate mounting`` and ``calibrate range``.

(Hardening issue, item 4: ``record --device no-such-sensor`` recorded uncalibrated without a
word while ``calibrate mounting/range --device no-such-sensor`` refused; ``calibrate device
--device ""`` stored a calibration "for : ".)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from calibration.kinds import CalibrationKind
from tracker.app.calibrations import device_correction
from tracker.app.sessions import SessionRequest, open_replay, plan_session
from tracker.core.exercises import Exercise
from tracker.errors import InvalidValueError
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
STANDING = ROOT / "sample_data" / "standing-hip-abduction.csv"
SIX_POSES = ROOT / "sample_data" / "calibration" / "device-six-poses.csv"
EX = ("--exercise", "standing-hip-abduction")

Cli = Callable[..., tuple[int, str, str]]


def _argv(command: str, db: Path, device: str) -> tuple[object, ...]:
    return {
        "record": ("record", "--source", STANDING, *EX, "--person", "Ann", "--speed", "max", "--plain"),
        "import": ("import", STANDING, *EX, "--person", "Ann"),
        "calibrate mounting": ("calibrate", "mounting", "--source", STANDING, *EX, "--person", "Ann"),
        "calibrate range": ("calibrate", "range", "--source", STANDING, *EX, "--person", "Ann"),
        "calibrate device": ("calibrate", "device", "--source", SIX_POSES),
    }[command] + ("--db", db, "--device", device)


def _error(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 2, (code, out, err)
    (line,) = err.splitlines()
    assert line.startswith("reptrack: error: --device "), line
    return line


USERS = ("record", "import", "calibrate mounting", "calibrate range")


def test_an_uncalibrated_device_is_refused_alike_by_every_command(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    said = {command: _error(cli(*_argv(command, db, "no-such-sensor"))) for command in USERS}
    assert len(set(said.values())) == 1, said  # one rule, one message
    assert "no device calibration for 'no-such-sensor'" in said["record"]
    if db.exists():
        with Store.open(db) as store:
            assert store.sessions() == []  # nothing was recorded uncalibrated


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_device_name_is_refused_by_every_command(cli: Cli, tmp_path: Path, name: str) -> None:
    db = tmp_path / "r.db"
    said = {command: _error(cli(*_argv(command, db, name))) for command in (*USERS, "calibrate device")}
    assert len(set(said.values())) == 1, said
    assert "not ''" in said["record"]
    if db.exists():
        with Store.open(db) as store:
            assert store.sessions() == []
            assert store.latest_calibration(CalibrationKind.DEVICE, device=name) is None
            assert store.latest_calibration(CalibrationKind.DEVICE, device="") is None


def test_a_calibrated_device_is_used_by_record_and_import(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out, err = cli(*_argv("calibrate device", db, "wit-7"))
    assert code == 0, err
    for command in ("record", "import"):
        code, out, err = cli(*_argv(command, db, "wit-7"))
        assert code == 0, err
        assert "using device calibration" in out, (command, out)


def test_the_application_applies_the_rule(tmp_path: Path) -> None:
    replay = open_replay(STANDING, speed=float("inf"))
    with Store.open(tmp_path / "r.db") as store:
        for name in ("no-such-sensor", "", " "):
            with pytest.raises(InvalidValueError) as info:
                plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION, device=name))
            assert info.value.field == "device"
            with pytest.raises(InvalidValueError):
                device_correction(store, name)
        assert store.sessions() == [] and not store.people()  # refused before anything was written
        # no name: the source's own (a live sensor's address), calibrated or not
        planned = plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.STANDING_HIP_ABDUCTION))
        assert planned.plan.setup.accel_correction is None
