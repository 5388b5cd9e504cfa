"""The calibration use cases (tracker.app.calibrations) on recordings replayed as a live sensor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from calibration.flows import Prompt
from calibration.kinds import CalibrationKind
from tests.test_app_sessions import SIX_POSES
from tests.test_cli import STANDING
from tracker.app.calibrations import (
    calibrate_device,
    calibrate_mounting,
    calibrate_range,
    calibration_for_session,
    device_correction,
)
from tracker.app.sessions import open_replay
from tracker.core.exercises import Exercise
from tracker.core.recording import Placement
from tracker.errors import ConfigurationError, InvalidValueError
from tracker.store import Store

EX = Exercise.STANDING_HIP_ABDUCTION


def test_device_calibration_is_stored_for_the_sensor_and_used_as_a_correction(tmp_path: Path) -> None:
    events: list[object] = []
    with Store.open(tmp_path / "r.db") as store:
        with pytest.raises(InvalidValueError):
            asyncio.run(calibrate_device(store, open_replay(SIX_POSES, speed=float("inf")).source, device=" ", on_event=events.append))
        done = asyncio.run(calibrate_device(store, open_replay(SIX_POSES, speed=float("inf")).source, device="wit-1",
                                            on_event=events.append))
        assert done.kind is CalibrationKind.DEVICE and done.result.residual_g < 0.01
        assert any(isinstance(e, Prompt) for e in events)
        correction = device_correction(store, "wit-1")
        assert correction is not None and correction.offset_g == done.result.offset_g
        raw = np.array([[0.1, 0.2, 1.0]])
        assert np.array_equal(correction.apply(raw), done.result.apply(raw))
        assert device_correction(store, None) is None
        with pytest.raises(ConfigurationError, match="no device calibration for 'other'"):
            device_correction(store, "other")


def test_mounting_and_range_are_the_persons_and_a_session_finds_the_latest(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        mounting = asyncio.run(calibrate_mounting(store, open_replay(STANDING, speed=float("inf")).source, person="Ann", exercise=EX,
                                                  on_event=lambda e: None))
        assert mounting.kind is CalibrationKind.MOUNTING and mounting.placement is Placement.THIGH
        started: list[bool] = []
        reps: list[float] = []
        rng = asyncio.run(calibrate_range(store, open_replay(STANDING, speed=float("inf")).source, person="Ann", exercise=EX,
                                          on_start=lambda: started.append(True), on_rep=lambda e: reps.append(e.rep.rom_deg)))
        assert started == [True] and len(reps) == 3 and rng.result.reps_used == 3
        assert 10 < rng.result.target_rom_deg < 40
        found = calibration_for_session(store, device="replay:x", person="Ann", exercise=EX, placement=Placement.THIGH)
        assert found.ids == (mounting.id, rng.id) and found.device is None
        assert found.mounting == mounting.result and found.target_rom_deg == rng.result.target_rom_deg
        # another exercise or placement has none
        assert calibration_for_session(store, device="x", person="Ann", exercise=EX, placement=Placement.SHANK).ids == ()
        assert calibration_for_session(store, device="x", person="Ann", exercise=Exercise.CLAMSHELL, placement=Placement.THIGH).ids == ()
