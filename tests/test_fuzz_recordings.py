"""300 randomly damaged recordings through ``analyze``, ``import`` and ``record`` (issue 12).

Damage to values, rates, timestamps, metadata and structure (tests/fuzz_recordings.py draws
it, seeded: a failing case is reproduced by its number). Every case must end with exit 0 or 2,
never a traceback or a numpy RuntimeWarning; an exit 2 is one line; a recording that is still
usable (exit 0) has its damage named in a warning; the process stays within a few hundred MB
(under a 1 GB address-space limit, which turns a runaway allocation into a MemoryError that
the test sees as a traceback).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.fuzz_recordings import BENIGN, DAMAGES

CASES = 300
#: two children share the cases (the machine has two cores)
CHILDREN = 2
#: the address-space limit of each child: numpy, scipy and the CLI need ~0.5 GB of address space
ADDRESS_SPACE_MB = 1024
#: "never more than a few hundred MB": the highest resident size allowed
PEAK_RSS_MB = 300


@pytest.fixture(scope="module")
def results() -> tuple[list[dict[str, object]], list[float]]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    children = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "fuzz_recordings.py"), "--first", str(k), "--count", str(CASES - k),
                                  "--step", str(CHILDREN), "--memory-limit-mb", str(ADDRESS_SPACE_MB)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
                for k in range(CHILDREN)]
    rows: list[dict[str, object]] = []
    peaks: list[float] = []
    for child in children:
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0, err[-3000:]
        for line in out.splitlines():
            row = json.loads(line)
            if "peak_rss_mb" in row:
                peaks.append(float(row["peak_rss_mb"]))
            else:
                rows.append(row)
    return rows, peaks


def test_every_case_ran_and_every_kind_of_damage_was_tried(results: tuple[list[dict[str, object]], list[float]]) -> None:
    rows, peaks = results
    assert sorted(int(r["case"]) for r in rows) == list(range(CASES))  # type: ignore[call-overload]
    assert {r["damage"] for r in rows} == {d.name for d in DAMAGES}
    assert {r["command"] for r in rows} == {"analyze", "import", "record"}
    assert len(peaks) == CHILDREN


def test_exit_0_or_2_and_never_a_traceback(results: tuple[list[dict[str, object]], list[float]]) -> None:
    rows, _ = results
    bad = [(r["case"], r["damage"], r["command"], r["code"], r["traceback"], r["runtime_warnings"]) for r in rows
           if r["code"] not in (0, 2) or r["traceback"] or r["runtime_warnings"] or "Traceback" in str(r["stderr"])]
    assert not bad, bad[:5]


def test_a_refusal_is_one_line(results: tuple[list[dict[str, object]], list[float]]) -> None:
    rows, _ = results
    refused = [r for r in rows if r["code"] == 2]
    assert len(refused) > 50  # the broken files are refused, not read
    for r in refused:
        lines = str(r["stderr"]).strip().splitlines()
        errors = [line for line in lines if line.startswith("reptrack: error:")]
        assert len(errors) == 1 and lines[-1] == errors[0], (r["case"], r["damage"], r["stderr"])


def test_usable_damage_is_named_in_a_warning(results: tuple[list[dict[str, object]], list[float]]) -> None:
    rows, _ = results
    words = {d.name: d.warned_by for d in DAMAGES}
    silent = []
    for r in rows:
        expected = words[str(r["damage"])]
        if r["code"] != 0 or r["damage"] in BENIGN:
            continue
        err = str(r["stderr"]).lower()
        if expected is None or not any(w.lower() in err for w in expected):
            silent.append((r["case"], r["damage"], r["command"], r["stderr"]))
    assert not silent, silent[:5]
    assert sum(r["code"] == 0 for r in rows) > 100  # most damage leaves a usable recording


def test_memory_stays_within_a_few_hundred_mb(results: tuple[list[dict[str, object]], list[float]]) -> None:
    _, peaks = results
    assert max(peaks) < PEAK_RSS_MB, peaks
