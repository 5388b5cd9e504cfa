from __future__ import annotations

import pytest

from calibration import CalibrationError, personal_range_from_reps
from tracker.pipeline.types import Rep


def rep(rom: float, pelvis: float | None = None, sparc: float = -1.5) -> Rep:
    return Rep(index=1, set_index=1, start_s=0.0, peak_s=1.0, end_s=2.0, rom_deg=rom, lift_s=1.0, hold_s=0.0,
               lower_s=1.0, peak_speed_dps=30.0, sparc=sparc, velocity_peaks=1, shake_g=0.01, tremor_dps=3.0, pelvis_tilt_deg=pelvis,
               pelvis_lateral_deg=None, axis=(1.0, 0.0, 0.0))


def test_target_is_median_range_and_pelvic_baseline_has_margin():
    pr = personal_range_from_reps([rep(30, 1.0), rep(32, 3.5, -1.7), rep(31, 2.0, -1.6)])
    assert pr.target_rom_deg == 31
    assert pr.rom_spread_deg == 2
    assert pr.pelvic_baseline_deg == pytest.approx(5.5)
    assert pr.sparc_baseline == pytest.approx(-1.6)
    p = pr.personalisation(hold_s=3.0)
    assert (p.target_rom_deg, p.pelvic_baseline_deg, p.hold_s) == (31, pytest.approx(5.5), 3.0)


def test_too_few_or_inconsistent_reps_are_rejected_with_reason():
    with pytest.raises(CalibrationError, match="at least 2"):
        personal_range_from_reps([rep(30)])
    with pytest.raises(CalibrationError, match="differ too much"):
        personal_range_from_reps([rep(15), rep(35)])


def test_no_pelvis_sensor_means_no_pelvic_baseline():
    assert personal_range_from_reps([rep(20), rep(21)]).pelvic_baseline_deg is None
