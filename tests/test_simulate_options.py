"""The simulator's numbers are refused one line at a time, naming the option, before anything is
written: a negative seed (a traceback from numpy before), no recordings, no sets.

(Hardening issue, items 2 and 11: ``simulate --seed -1`` and ``corpus --seed -1`` ended in a
traceback; ``corpus --recordings -5`` said "wrote 0" with exit 0; ``simulate --count 0`` printed
nothing with exit 0.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.app.analysis import SimulationRequest, simulate_recordings, write_corpus
from tracker.core.exercises import Exercise
from tracker.errors import InvalidValueError

Cli = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize("argv,option", [
    (("simulate", "--exercise", "clamshell", "--seed", "-1"), "--seed"),
    (("simulate", "--exercise", "clamshell", "--seed", "1.5"), "--seed"),
    (("simulate", "--exercise", "clamshell", "--count", "0"), "--count"),
    (("simulate", "--exercise", "clamshell", "--count", "-2"), "--count"),
    (("simulate", "--exercise", "clamshell", "--sets", "0"), "--sets"),
    (("corpus", "--seed", "-1"), "--seed"),
    (("corpus", "--recordings", "-5"), "--recordings"),
    (("corpus", "--recordings", "0"), "--recordings"),
])
def test_simulator_numbers_are_refused_naming_the_option(cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        argv: tuple[str, ...], option: str) -> None:
    out = tmp_path / "out"
    try:
        code = cli(*argv, "--out", out)[0]
    except SystemExit as stop:  # argparse's usage error
        code = stop.code  # type: ignore[assignment]
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    (line,) = err.splitlines()
    assert line.startswith(f"reptrack: error: {option} is "), line
    assert not out.exists()


@pytest.mark.parametrize("field,request_kwargs", [
    ("seed", {"seed": -1}), ("count", {"count": 0}), ("sets", {"sets": 0}),
])
def test_the_simulation_use_case_checks_its_request(tmp_path: Path, field: str, request_kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidValueError) as info:
        simulate_recordings(SimulationRequest(Exercise.CLAMSHELL, tmp_path / "out", **request_kwargs))  # type: ignore[arg-type]
    assert info.value.field == field
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("field,kwargs", [("seed", {"seed": -1}), ("recordings", {"recordings": -5})])
def test_the_corpus_use_case_checks_its_request(tmp_path: Path, field: str, kwargs: dict[str, int]) -> None:
    with pytest.raises(InvalidValueError) as info:
        write_corpus(tmp_path / "out", **kwargs)
    assert info.value.field == field


def test_seed_zero_is_a_seed(cli: Cli, tmp_path: Path) -> None:
    code, out, err = cli("simulate", "--exercise", "clamshell", "--seed", "0", "--sets", "1", "--no-setup", "--rate-hz", "25",
                         "--out", tmp_path)
    assert code == 0, err
    assert "seed0.csv: " in out
