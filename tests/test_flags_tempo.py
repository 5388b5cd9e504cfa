"""Tempo and range judged against the person's own reps (flags.assess_flags, pure)."""

from __future__ import annotations

from dataclasses import replace

from tracker.core.exercises import FlagKind, get_exercise
from tracker.pipeline import Personalisation, PipelineConfig, Rep
from tracker.pipeline.flags import assess_flags

EX = get_exercise("side-lying-hip-abduction")


def _rep(duration_s: float, rom_deg: float = 30.0, lift_s: float = 1.2, lower_s: float = 1.2, hold_s: float = 0.3) -> Rep:
    return Rep(index=1, set_index=1, start_s=0.0, peak_s=duration_s / 2, end_s=duration_s, rom_deg=rom_deg,
               lift_s=lift_s, hold_s=hold_s, lower_s=lower_s, peak_speed_dps=40.0, sparc=-1.5, velocity_peaks=1,
               shake_g=0.02, pelvis_tilt_deg=None, pelvis_lateral_deg=None, axis=(1.0, 0.0, 0.0))


def _kinds(rep: Rep, config: PipelineConfig, durations: list[float], roms: list[float] | None = None) -> set[FlagKind]:
    roms = roms if roms is not None else [rep.rom_deg] * len(durations)
    return {f.kind for f in assess_flags(rep, config=config, session_roms_deg=roms, session_durations_s=durations)}


def test_a_rep_rushed_against_the_persons_own_tempo_is_too_fast_when_no_hold_is_prescribed() -> None:
    config = PipelineConfig(EX, 50.0, True)
    usual = [5.0, 5.5, 4.8, 5.2, 5.1]
    rushed = _rep(2.0)  # phases of 1.2 s: not too fast by the phase rule
    assert FlagKind.TOO_FAST in _kinds(rushed, config, usual + [2.0])
    flag = next(f for f in assess_flags(rushed, config=config, session_roms_deg=[30.0] * 6, session_durations_s=usual + [2.0])
                if f.kind is FlagKind.TOO_FAST)
    assert flag.unit == "s" and flag.value == 2.0 and 2.9 < flag.threshold < 3.1  # 0.6 x the median, 5.05 s
    # a rep at the usual pace is not
    assert FlagKind.TOO_FAST not in _kinds(_rep(4.5), config, usual + [4.5])


def test_the_usual_tempo_needs_a_few_reps_and_a_prescribed_hold_leaves_it_to_short_hold() -> None:
    config = PipelineConfig(EX, 50.0, True)
    # a slow first rep (setup at its start) does not make the second one "rushed"
    assert FlagKind.TOO_FAST not in _kinds(_rep(3.8), config, [9.9, 3.8])
    held = replace(config, personal=Personalisation(hold_s=5.0))
    kinds = _kinds(_rep(2.0, hold_s=0.2), held, [8.0, 8.2, 7.9, 8.1, 2.0])
    assert FlagKind.SHORT_HOLD in kinds and FlagKind.TOO_FAST not in kinds


def test_partial_range_is_judged_against_the_persons_usual_range() -> None:
    config = PipelineConfig(EX, 50.0, True)
    roms = [30.0, 31.0, 29.0, 30.0]
    assert FlagKind.PARTIAL_ROM in _kinds(_rep(4.0, rom_deg=23.0), config, [4.0] * 5, roms + [23.0])  # 77 % of 30
    assert FlagKind.PARTIAL_ROM not in _kinds(_rep(4.0, rom_deg=26.0), config, [4.0] * 5, roms + [26.0])  # 87 %
