"""Golden outputs: ``reptrack analyze --json`` on every bundled sample recording.

Change aversion, not correctness: the files in ``tests/golden/`` are whatever the analysis
printed when they were last regenerated (see ``tests/golden/README.md``).  A failure means
the analysis of a sample changed; if that was intended, regenerate with
``python tests/golden/regenerate.py`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tracker.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "sample_data"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGENERATE = "python tests/golden/regenerate.py"

#: Tolerances: rep boundaries (s) and range of motion (deg).
TIME_TOL_S = 0.05
ROM_TOL_DEG = 0.5


@dataclass(frozen=True)
class GoldenCase:
    """How one sample is analysed: ``sample_data/<sample>.csv`` with these options."""

    sample: str
    exercise: str
    hold_s: float | None = None
    pelvis: bool = False  # add --pelvis sample_data/<sample>.pelvis.csv

    def argv(self) -> list[str]:
        args = ["analyze", str(SAMPLE_DIR / f"{self.sample}.csv"), "--exercise", self.exercise, "--json"]
        if self.pelvis:
            args += ["--pelvis", str(SAMPLE_DIR / f"{self.sample}.pelvis.csv")]
        if self.hold_s is not None:
            args += ["--hold-s", f"{self.hold_s:g}"]
        return args

    @property
    def golden_path(self) -> Path:
        return GOLDEN_DIR / f"{self.sample}.json"


CASES: tuple[GoldenCase, ...] = (
    GoldenCase("side-lying-hip-abduction", "side-lying-hip-abduction", hold_s=2.0, pelvis=True),
    GoldenCase("standing-hip-abduction", "standing-hip-abduction", pelvis=True),
    GoldenCase("prone-leg-lift-accel-only", "prone-leg-lift", pelvis=True),
    GoldenCase("straight-leg-raise-setup", "straight-leg-raise"),
    GoldenCase("hip-raise", "hip-raise"),
    GoldenCase("clamshell", "clamshell"),
    GoldenCase("seated-knee-extension", "seated-knee-extension"),
    GoldenCase("squat", "squat"),
)


def analyze(case: GoldenCase) -> dict[str, Any]:
    """The ``analyze --json`` object for ``case`` (run in-process)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(case.argv())
    if code != 0:
        raise RuntimeError(f"reptrack {' '.join(case.argv())} exited with {code}: {err.getvalue().strip()}")
    return json.loads(out.getvalue())


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs beyond the tolerances, one line per difference (empty: the same)."""
    diffs = []
    for key in ("exercise", "placement", "has_gyro", "rep_count"):
        if expected[key] != actual[key]:
            diffs.append(f"{key}: expected {expected[key]!r}, got {actual[key]!r}")
    exp_sets = [s["rep_count"] for s in expected["sets"]]
    act_sets = [s["rep_count"] for s in actual["sets"]]
    if exp_sets != act_sets:
        diffs.append(f"reps per set: expected {exp_sets}, got {act_sets}")
    if len(expected["gaps"]) != len(actual["gaps"]):
        diffs.append(f"gaps: expected {len(expected['gaps'])}, got {len(actual['gaps'])}")
    for i, (e, a) in enumerate(zip(expected["reps"], actual["reps"]), start=1):
        for key in ("start_s", "peak_s", "end_s"):
            if abs(e[key] - a[key]) > TIME_TOL_S:
                diffs.append(f"rep {i} {key}: expected {e[key]}, got {a[key]} (tolerance {TIME_TOL_S} s)")
        if abs(e["rom_deg"] - a["rom_deg"]) > ROM_TOL_DEG:
            diffs.append(f"rep {i} rom_deg: expected {e['rom_deg']}, got {a['rom_deg']} (tolerance {ROM_TOL_DEG} deg)")
        if e["flags"] != a["flags"]:
            diffs.append(f"rep {i} flags: expected {e['flags']}, got {a['flags']}")
    return diffs


def test_every_sample_has_a_golden_case() -> None:
    samples = sorted(p.name[: -len(".csv")] for p in SAMPLE_DIR.glob("*.csv") if not p.name.endswith(".pelvis.csv"))
    assert samples, "no sample recordings in sample_data/"
    assert samples == sorted(c.sample for c in CASES), "add the new sample to CASES in tests/test_golden.py"
    for case in CASES:
        assert case.pelvis == (SAMPLE_DIR / f"{case.sample}.pelvis.csv").is_file(), case.sample


@pytest.mark.parametrize("case", CASES, ids=[c.sample for c in CASES])
def test_analysis_matches_golden_output(case: GoldenCase) -> None:
    assert case.golden_path.is_file(), f"{case.golden_path} is missing; create it with: {REGENERATE}"
    expected = json.loads(case.golden_path.read_text(encoding="utf-8"))
    actual = analyze(case)
    diffs = differences(expected, actual)
    assert not diffs, (
        f"the analysis of sample_data/{case.sample}.csv changed:\n  " + "\n  ".join(diffs)
        + f"\nIf the change is intended, regenerate the golden outputs with: {REGENERATE}"
        + " (and review the diff of tests/golden/)"
    )


def test_comparison_catches_changes() -> None:
    """The comparison itself: tolerances hold, and each kind of change is reported."""
    rep = {"start_s": 1.0, "peak_s": 2.0, "end_s": 3.0, "rom_deg": 30.0, "flags": ["jerky"]}
    base = {"exercise": "squat", "placement": "thigh", "has_gyro": True, "rep_count": 1,
            "sets": [{"rep_count": 1}], "gaps": [], "reps": [rep]}
    assert differences(base, json.loads(json.dumps(base))) == []
    within = {**base, "reps": [{**rep, "peak_s": 2.04, "rom_deg": 30.4}]}
    assert differences(base, within) == []
    changes: tuple[dict[str, Any], ...] = ({"end_s": 3.06}, {"rom_deg": 30.6}, {"flags": []}, {"flags": ["too_fast", "jerky"]})
    for changed in changes:
        assert len(differences(base, {**base, "reps": [{**rep, **changed}]})) == 1, changed
    assert len(differences(base, {**base, "rep_count": 2, "sets": [{"rep_count": 2}]})) == 2
