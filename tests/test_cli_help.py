"""Help, examples, the calibration samples, the mounting message and the demo (issue 12, item 12).

The help test walks the whole argparse tree, so a command added later without a description,
examples or option help fails here; every example must parse, and some are run as written.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.cli.main import build_parser

CALIBRATION = ROOT / "sample_data" / "calibration"


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("reptrack",)) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield " ".join(path), parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def _examples(parser: argparse.ArgumentParser) -> list[str]:
    lines = (parser.epilog or "").splitlines()
    assert lines and lines[0] == "examples:", f"{parser.prog}: no examples"
    # an example line may be followed by a few spaces and what it does (the top-level list)
    return [line.strip().split("   ")[0] for line in lines[1:] if line.strip()]


ALL = list(_commands(build_parser()))


def test_the_tree_is_walked() -> None:
    names = {name for name, _ in ALL}
    assert {"reptrack demo", "reptrack import", "reptrack calibrate range", "reptrack person delete", "reptrack store upgrade"} <= names
    assert len(ALL) >= 28


@pytest.mark.parametrize("name,parser", ALL, ids=[name for name, _ in ALL])
def test_every_command_has_a_description_examples_and_option_help(name: str, parser: argparse.ArgumentParser) -> None:
    assert parser.description and len(parser.description) > 15, f"{name}: no description"
    assert len(_examples(parser)) >= 1
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
            continue
        what = action.option_strings[0] if action.option_strings else action.dest
        assert action.help and len(action.help) > 5, f"{name} {what}: no help text"


@pytest.mark.parametrize("name,parser", ALL, ids=[name for name, _ in ALL])
def test_every_example_parses_as_its_command(name: str, parser: argparse.ArgumentParser) -> None:
    for example in _examples(parser):
        argv = shlex.split(example)
        assert argv[0] == "reptrack"
        if argv[-1] == "--help" or "COMMAND" in argv:
            continue
        args = build_parser().parse_args(argv[1:])  # a bad example exits with a usage error
        assert callable(args.handler)
        if name != "reptrack":
            assert " ".join(argv[: len(name.split())]) == name, f"{example!r} is not an example of {name}"


def test_import_help_names_file_person_pelvis_and_hold(cli) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as done:
        cli("import", "--help")
    assert done.value.code == 0


def test_import_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["import", "--help"])
    out = capsys.readouterr().out
    for words in ("the recording CSV", "whose session this is", "from a sensor on the", "prescribed hold", "examples:"):
        assert words in " ".join(out.split()), words


def test_the_calibration_examples_run_as_written(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """device, then mounting and range on the bundled sample (one example uses the device calibrated first)."""
    monkeypatch.chdir(ROOT)
    db = tmp_path / "cal.db"
    parser = dict(ALL)
    for name in ("reptrack calibrate device", "reptrack calibrate mounting", "reptrack calibrate range"):
        for example in _examples(parser[name]):
            if "--source" not in example and "sim:" not in example:
                continue  # a real Bluetooth sensor (the live flows are tested with sim:FILE in test_calibrate_live.py)
            code, out, err = cli(*shlex.split(example)[1:], "--db", db)
            assert code == 0, (example, err)
            assert "stored for" in out
    code, out, _ = cli("analyze", *shlex.split(_examples(parser["reptrack analyze"])[1])[2:])
    assert code == 0 and "reps" in out


def test_calibrate_range_takes_the_bundled_sample(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("calibrate", "range", "--source", CALIBRATION / "range-side-lying-hip-abduction.csv",
                         "--pelvis", CALIBRATION / "range-side-lying-hip-abduction.pelvis.csv", "--person", "zoe",
                         "--exercise", "side-lying-hip-abduction", "--db", tmp_path / "s.db")
    assert code == 0, err
    assert "3 reps" in out and "pelvic baseline" in out


def test_the_bundled_calibration_samples_are_what_make_samples_writes(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "sample_data"))
    try:
        import make_samples
    finally:
        sys.path.remove(str(ROOT / "sample_data"))
    for path in make_samples.write_calibration_samples(tmp_path):
        assert path.read_bytes() == (CALIBRATION / path.name).read_bytes(), path.name


def test_the_mounting_message_speaks_to_the_patient(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli("calibrate", "mounting", "--source", CALIBRATION / "range-side-lying-hip-abduction.csv", "--person", "zoe",
                         "--exercise", "side-lying-hip-abduction", "--db", tmp_path / "m.db")
    assert code == 0, err
    assert "segment's axes" not in out and "not observable" not in out
    assert "start position saved (lying on your side, sensor on the thigh, face down)" in out
    assert "keep the strap where it is" in out


@pytest.mark.parametrize("up,words", [((0.0, 0.0, 1.0), "face up"), ((0.1, 0.0, -0.99), "face down"), ((0.9, 0.1, 0.4), "on its edge")])
def test_how_the_sensor_sits_in_words(up: tuple[float, float, float], words: str) -> None:
    from calibration.mounting import how_it_sits

    assert how_it_sits(up) == words


def test_demo_streams_into_its_own_store_and_counts_as_analyze(tmp_path: Path) -> None:
    """The quick start: an empty home, the person's own store named by $REPTRACK_DB stays untouched,
    and the demo's count is what ``analyze`` finds in the same simulated recording."""
    from tracker.app.demo import demo_recording
    from tracker.files.csv_recording import write_recording

    home = tmp_path / "home"
    home.mkdir()
    own = tmp_path / "own.db"
    env = {**os.environ, "HOME": str(home), "REPTRACK_DB": str(own), "XDG_DATA_HOME": str(home / ".local" / "share")}
    done = subprocess.run([sys.executable, "-m", "tracker.cli", "demo", "--no-dashboard", "--speed", "max", "--plain"], env=env, capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    demo_db = home / ".local" / "share" / "reptrack" / "demo.db"
    assert demo_db.is_file() and not own.exists()
    summary = next(line for line in done.stdout.splitlines() if line.startswith("session 1 complete"))
    stored = int(summary.split(": ")[1].split(" reps")[0])

    rec = demo_recording()
    write_recording(tmp_path / "demo.csv", rec.thigh)
    write_recording(tmp_path / "demo.pelvis.csv", rec.pelvis)
    analysed = subprocess.run([sys.executable, "-m", "tracker.cli", "analyze", str(tmp_path / "demo.csv"), "--pelvis",
                               str(tmp_path / "demo.pelvis.csv"), "--exercise", "side-lying-hip-abduction", "--hold-s", "2", "--json"],
                              env=env, capture_output=True, text=True, timeout=120)
    assert analysed.returncode == 0, analysed.stderr
    import json

    assert stored == json.loads(analysed.stdout)["rep_count"] >= 12
    assert "Demo patient (simulated)" in done.stdout and "Set 2:" in done.stdout
