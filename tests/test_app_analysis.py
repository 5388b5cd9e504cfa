"""The analysis use cases (tracker.app.analysis): a file analysed, simulated recordings written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import SIDE_LYING, SIDE_LYING_PELVIS
from tracker.app.analysis import AnalysisRequest, SimulationRequest, analyse_file, simulate_recordings
from tracker.core.exercises import Exercise, get_exercise
from tracker.core.recording import Placement
from tracker.errors import InvalidValueError
from tracker.files.csv_recording import read_recording
from tracker.pipeline import Personalisation, analyze_recording


def test_a_file_analysed_is_the_engine_on_its_samples(tmp_path: Path) -> None:
    result = analyse_file(AnalysisRequest(SIDE_LYING, Exercise.SIDE_LYING_HIP_ABDUCTION, pelvis=SIDE_LYING_PELVIS, hold_s=2.0))
    main, pelvis = read_recording(SIDE_LYING).recording, read_recording(SIDE_LYING_PELVIS).recording
    direct = analyze_recording(main, get_exercise("side-lying-hip-abduction"), pelvis=pelvis, personal=Personalisation(hold_s=2.0))
    assert result.reps == direct.reps and result.sets == direct.sets
    assert result.exercise is Exercise.SIDE_LYING_HIP_ABDUCTION and result.placement is Placement.THIGH
    # damaged but usable: the damage is a warning of the result
    lines = SIDE_LYING.read_text().splitlines()
    row = next(i for i, ln in enumerate(lines) if ln.startswith("t,")) + 100
    lines[row] = lines[row].split(",")[0] + ",nan,nan,nan,nan,nan,nan"  # a sample that lost its values
    damaged = tmp_path / "damaged.csv"
    damaged.write_text("\n".join(lines) + "\n")
    warned = analyse_file(AnalysisRequest(damaged, Exercise.SIDE_LYING_HIP_ABDUCTION))
    assert [w for w in warned.warnings if "line 109" in w and "drop-out" in w]
    assert all(w.startswith("pelvis: ") for w in result.warnings)  # the pelvis sample has a hole; the main one is clean


def test_simulated_recordings_come_with_their_labels(tmp_path: Path) -> None:
    files = simulate_recordings(SimulationRequest(Exercise.PRONE_LEG_LIFT, tmp_path, seed=3, count=2, rate_hz=25.0, sets=1))
    assert [f.path.name for f in files] == ["prone-leg-lift-thigh-seed3.csv", "prone-leg-lift-thigh-seed4.csv"]
    for f in files:
        labels = json.loads(f.path.with_name(f.path.name.replace(".csv", ".labels.json")).read_text())
        assert len(labels["reps"]) == f.rep_count and len(labels["sets"]) == f.set_count == 1
        assert len(read_recording(f.path).recording) == f.samples
    with pytest.raises(InvalidValueError) as info:
        simulate_recordings(SimulationRequest(Exercise.PRONE_LEG_LIFT, tmp_path, fault_rate=2.0))
    assert info.value.field == "fault_rate"
