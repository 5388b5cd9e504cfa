"""Simulator -> analysis round trips across exercises, placements and rates.

Each case simulates a fault-free session (``fault_rate=0``, no setup motion, two sets)
with known truth and runs :func:`~tracker.pipeline.analyze_recording` on it, then checks
the count of every set, the range of motion of every clean rep and that fault-free reps
are not flagged ``partial_rom`` or ``too_fast``.

The cases follow one rule, fixed before any result was seen: every exercise except
``auto`` with its natural placement (:func:`~tracker.simulate.corpus_combinations`) at
25 Hz without a gyro and at 100 Hz with one, plus every fifth combination at 50 Hz with a
gyro and at 200 Hz without; the seed of a case is its position in :data:`CASES`.  A case
that fails is marked ``xfail(strict=True)`` with the measured numbers, never re-seeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest

from tracker.evaluation.metrics import FoundRep, TrueRep, match_reps
from tracker.core.exercises import FlagKind, get_exercise
from tracker.pipeline import AnalysisResult, analyze_recording
from tracker.core.recording import Placement
from tracker.simulate import Labels, SimulationConfig, corpus_combinations, simulate

#: A found rep belongs to the set whose labelled span, widened by this, holds its peak
#: (the rule of :func:`tracker.evaluation.metrics.evaluate_recording`).
SET_MARGIN_S = 1.0
MIN_EXACT_SET_SHARE = 0.9
ROM_REL_TOL = 0.25
MIN_UNFLAGGED_SHARE = 0.9
CLEAN_REP_FALSE_FLAGS = frozenset({FlagKind.PARTIAL_ROM, FlagKind.TOO_FAST})


@dataclass(frozen=True)
class RoundTrip:
    exercise: str
    placement: Placement
    sample_rate_hz: float
    with_gyro: bool
    seed: int

    @property
    def id(self) -> str:
        sensor = "gyro" if self.with_gyro else "accel"
        return f"{self.exercise}-{self.placement.value}-{self.sample_rate_hz:g}hz-{sensor}"


def _cases() -> tuple[RoundTrip, ...]:
    combos = corpus_combinations()
    grid = [(e, p, 25.0, False) for e, p in combos] + [(e, p, 100.0, True) for e, p in combos]
    grid += [(e, p, 50.0, True) for e, p in combos[::5]] + [(e, p, 200.0, False) for e, p in combos[::5]]
    return tuple(RoundTrip(e, p, rate, gyro, seed) for seed, (e, p, rate, gyro) in enumerate(grid))


CASES = _cases()


@cache
def _round_trip(case: RoundTrip) -> tuple[Labels, AnalysisResult]:
    """Simulate and analyse a case once per test session (several tests read each)."""
    sim = simulate(
        SimulationConfig(
            case.exercise,
            seed=case.seed,
            sample_rate_hz=case.sample_rate_hz,
            with_gyro=case.with_gyro,
            n_sets=2,
            fault_rate=0.0,
            setup_motion=False,
            placement=case.placement,
        )
    )
    return sim.labels, analyze_recording(sim.main, get_exercise(case.exercise))


def _set_errors(labels: Labels, result: AnalysisResult) -> list[int]:
    """Counted minus labelled reps, per labelled set."""
    errors = []
    for s in labels.sets:
        found = sum(1 for r in result.reps if s.start_s - SET_MARGIN_S <= r.peak_s <= s.end_s + SET_MARGIN_S)
        errors.append(found - s.rep_count)
    return errors


def _matched_clean_roms(labels: Labels, result: AnalysisResult) -> list[tuple[float, float]]:
    """(labelled, counted) range of every clean labelled rep matched one-to-one by overlap."""
    true = [TrueRep(r.start_s, r.end_s) for r in labels.reps]
    found = [FoundRep(r.start_s, r.peak_s, r.end_s) for r in result.reps]
    return [(labels.reps[i].rom_deg, result.reps[j].rom_deg) for i, j in match_reps(true, found) if not labels.reps[i].flags]


def _params(known_failures: dict[str, str]) -> list[object]:
    unknown = set(known_failures) - {c.id for c in CASES}
    assert not unknown, f"known failures name no case: {unknown}"
    return [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=known_failures[c.id])] if c.id in known_failures else [])
        for c in CASES
    ]


#: Cases whose range check fails, with the numbers measured when they were marked (none
#: since the range is measured from the rest before the lift, the reference is re-taken only
#: once the tilt is steady, and small reps have an exit level below their entry level).
ROM_FAILURES: dict[str, str] = {
    # With the 2 Hz gravity low-pass of accelerometer-only sensors (it halves the miscounts of
    # fast reps) the peak of a short 9.6 deg rep at 25 Hz measures 7.0 deg (27 %). Over the
    # 2,079 clean accelerometer-only reps of the seed-2026 corpus the share beyond 25 % fell
    # from 9 to 7 reps, so this case is the exception, not the rule.
    "prone-leg-lift-thigh-25hz-accel": "one short 9.6 deg rep measures 7.0 deg without a gyro",
}


def test_cases_cover_every_exercise_placement_and_rate() -> None:
    assert {(c.exercise, c.placement) for c in CASES} == set(corpus_combinations())
    assert {c.sample_rate_hz for c in CASES} == {25.0, 50.0, 100.0, 200.0}
    assert {c.with_gyro for c in CASES} == {True, False}


@pytest.mark.parametrize("case", _params({}))
def test_every_set_counted_within_one(case: RoundTrip) -> None:
    labels, result = _round_trip(case)
    errors = _set_errors(labels, result)
    assert len(errors) == 2
    assert all(abs(e) <= 1 for e in errors), f"counted minus labelled reps per set: {errors}"


def test_nine_sets_in_ten_counted_exactly() -> None:
    errors = [e for c in CASES for e in _set_errors(*_round_trip(c))]
    exact = sum(1 for e in errors if e == 0) / len(errors)
    assert exact >= MIN_EXACT_SET_SHARE, f"{exact:.1%} of {len(errors)} sets exact"


@pytest.mark.parametrize("case", _params(ROM_FAILURES))
def test_range_of_clean_reps_within_a_quarter(case: RoundTrip) -> None:
    labels, result = _round_trip(case)
    pairs = _matched_clean_roms(labels, result)
    assert pairs, "no counted rep overlaps a clean labelled rep"
    worst = max(abs(found - true) / true for true, found in pairs)
    off = [(round(t, 1), round(f, 1)) for t, f in pairs if abs(f - t) / t > ROM_REL_TOL]
    assert worst <= ROM_REL_TOL, f"worst relative range error {worst:.3f}; (labelled, counted) deg beyond it: {off}"


@pytest.mark.parametrize("case", _params({}))
def test_fault_free_reps_not_flagged_partial_or_too_fast(case: RoundTrip) -> None:
    _, result = _round_trip(case)
    assert result.reps, "no rep counted"
    flagged = [r.index for r in result.reps if CLEAN_REP_FALSE_FLAGS & set(r.flag_kinds)]
    unflagged = 1.0 - len(flagged) / len(result.reps)
    assert unflagged >= MIN_UNFLAGGED_SHARE, f"reps {flagged} of {len(result.reps)} flagged partial_rom or too_fast"
