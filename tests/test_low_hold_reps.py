"""Reps held part of the way down (UCI subject 2, thigh, straight-leg raise): the leg is kicked up
past its hold, settles lower for the hold, then goes back down through an undershoot to rest.

Counted as two movements, the kick and the lowering went opposite ways and no set formed
(a whole 10-rep block counted 0). The lowering is the rest of the rep.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.hand_signals import min_jerk, sensor_from_angles
from tracker.core.exercises import get_exercise
from tracker.core.recording import Placement, Recording
from tracker.pipeline import RejectedMovement, RepCompleted, SessionSetup, analyze_recording

RATE_HZ = 50.0


def _seg(a: float, b: float, s: float) -> np.ndarray:
    return a + (b - a) * min_jerk(int(s * RATE_HZ))


def low_hold_reps(n: int, *, kick_deg: float, hold_deg: float, under_deg: float = -13.0, rest_deg: float = 3.0) -> np.ndarray:
    parts = [np.zeros(int(3 * RATE_HZ))]
    for _ in range(n):
        parts += [_seg(0, kick_deg, 0.6), _seg(kick_deg, hold_deg, 0.5), np.full(int(3.0 * RATE_HZ), hold_deg),
                  _seg(hold_deg, under_deg, 0.6), _seg(under_deg, rest_deg, 0.6), _seg(rest_deg, 0, 1.5),
                  np.zeros(int(1.5 * RATE_HZ))]
    parts.append(np.zeros(int(3 * RATE_HZ)))
    return np.concatenate(parts)


@pytest.mark.parametrize(("kick_deg", "hold_deg"), [(40.0, 17.0), (18.0, 5.5)])
def test_a_rep_held_part_of_the_way_down_is_one_rep(kick_deg: float, hold_deg: float) -> None:
    ang = low_hold_reps(10, kick_deg=kick_deg, hold_deg=hold_deg)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 10
    lowering = [r for r in res.rejected if "rest of the lowering" in r.reason]
    assert len(lowering) >= 8  # each lowering recognised as the end of its rep, not a movement of its own


def test_a_rep_that_comes_back_all_the_way_still_counts_once_and_the_next_goes_the_same_way() -> None:
    # a plain rep to a hold and back: nothing is taken for "the rest of a lowering"
    parts = [np.zeros(int(3 * RATE_HZ))]
    for _ in range(6):
        parts += [_seg(0, 30, 1.5), np.full(int(2 * RATE_HZ), 30.0), _seg(30, 0, 1.5), np.zeros(int(2 * RATE_HZ))]
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 6
    assert not [r for r in res.rejected if isinstance(r, RejectedMovement) and "rest of the lowering" in r.reason]


def partial_return_set(n_partial: int, *, top_deg: float = 30.0, rest_deg: float = 15.0, rest_s: float = 1.0,
                       hold_s: float = 1.0) -> np.ndarray:
    """A first rep from rest, then ``n_partial`` reps that come back only part of the way and go
    again from that raised rest (issue 11: low-amplitude reps returning 40-60 % of the way),
    then home."""
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, top_deg, 1.2), np.full(int(hold_s * RATE_HZ), top_deg),
             _seg(top_deg, rest_deg, 1.0), np.full(int(rest_s * RATE_HZ), rest_deg)]
    for _ in range(n_partial):
        parts += [_seg(rest_deg, top_deg, 1.0), np.full(int(hold_s * RATE_HZ), top_deg), _seg(top_deg, rest_deg, 1.0),
                  np.full(int(rest_s * RATE_HZ), rest_deg)]
    parts += [_seg(rest_deg, 0, 1.2), np.zeros(int(3 * RATE_HZ))]
    return np.concatenate(parts)


@pytest.mark.parametrize("gyro", [True, False])
@pytest.mark.parametrize(("rest_deg", "rest_s"), [(15.0, 1.0), (18.0, 2.0), (12.0, 0.6), (16.0, 0.0), (17.0, 0.2), (17.5, 0.4)])
def test_reps_that_come_back_part_of_the_way_are_each_a_rep(gyro: bool, rest_deg: float, rest_s: float) -> None:
    # merged into one long "rep" before: the raised rest never went under the lift's exit level;
    # back to 53-58 % of the top with no rest there to find (0-0.4 s), the whole set was one
    # excursion, turned down as too long for one rep, until a turn ended a rep (TURNED_PART_WAY)
    ang = partial_return_set(7, rest_deg=rest_deg, rest_s=rest_s)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr if gyro else None), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 8
    # each rep from the raised rest is measured from there
    assert all(abs(r.rom_deg - (30.0 - rest_deg)) < 3.0 for r in res.reps[1:-1])


@pytest.mark.parametrize(("rest_deg", "rest_s"), [(15.0, 1.0), (17.0, 0.1)])
def test_partial_returns_give_the_same_events_in_any_chunks(rest_deg: float, rest_s: float) -> None:
    # resting at the raised level (RESTED_PART_WAY), or turning there at once (TURNED_PART_WAY)
    ang = partial_return_set(6, rest_deg=rest_deg, rest_s=rest_s)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    setup = SessionSetup.resolve("straight-leg-raise", Placement.THIGH)
    outs = []
    for chunk in (1, 7, 33, 10_000):
        pipe = setup.pipeline(sample_rate_hz=RATE_HZ, has_gyro=True)
        ev = []
        for a in range(0, t.size, chunk):
            ev += pipe.feed(t[a:a + chunk], acc[a:a + chunk], gyr[a:a + chunk])
        outs.append(ev + pipe.finish())
    assert outs[0] == outs[1] == outs[2] == outs[3]
    assert sum(isinstance(e, RepCompleted) for e in outs[0]) == 7


def test_a_leg_that_stays_part_of_the_way_back_is_not_a_rep_from_there() -> None:
    # up, a third of the way back (above the lift's exit level), and left there: a new posture;
    # the lift from there long after is no rep of a raised-rest set
    parts = [np.zeros(int(3 * RATE_HZ))]
    for _ in range(3):
        parts += [_seg(0, 30, 1.2), np.full(int(1.0 * RATE_HZ), 30.0), _seg(30, 0, 1.2), np.zeros(int(1.5 * RATE_HZ))]
    parts += [_seg(0, 30, 1.2), _seg(30, 20, 1.0), np.full(int(8 * RATE_HZ), 20.0), _seg(20, 27, 1.0),
              np.full(int(20 * RATE_HZ), 27.0)]
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 3


@pytest.mark.parametrize(("dip_deg", "dip_s"), [(16.0, 0.25), (17.5, 0.3)])
def test_a_dip_at_the_top_soon_after_the_peak_is_no_turn(dip_deg: float, dip_s: float) -> None:
    # a quick lift whose top dips to 53-58 % and comes back within half a second (the
    # tilt a shank sensor shows as the leg decelerates, or a wobble) stays one rep
    parts = [np.zeros(int(3 * RATE_HZ))]
    for _ in range(6):
        parts += [_seg(0, 30, 1.0), _seg(30, dip_deg, dip_s), _seg(dip_deg, 30, dip_s), np.full(int(1.5 * RATE_HZ), 30.0),
                  _seg(30, 0, 1.2), np.zeros(int(2 * RATE_HZ))]
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 6


def test_a_rest_part_of_the_way_longer_than_a_pause_is_no_turn() -> None:
    # 10 s at the raised level: no rep from there (part_way_rest_s); the lowest sample of the
    # rest's noise was taken for a turn, and reps of 10-20 s ended inside the rests (review)
    t, acc, gyr = sensor_from_angles(partial_return_set(6, rest_deg=17.0, rest_s=10.0), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert not [r for r in res.reps if r.duration_s > 12.0]


def top_wobble_reps(n: int) -> np.ndarray:
    """Controlled lifts whose arrival at the top dips the tilt two thirds of the way for 0.16 s
    (issue 11: a rebound at the top, as an accelerometer's tilt shows it), then a hold and home."""
    parts = [np.zeros(int(3 * RATE_HZ))]
    for _ in range(n):
        parts += [_seg(0, 40, 1.5), _seg(40, 14, 0.08), _seg(14, 30, 0.08), np.full(int(3 * RATE_HZ), 30.0),
                  _seg(30, 0, 1.5), np.zeros(int(2 * RATE_HZ))]
    parts.append(np.zeros(int(3 * RATE_HZ)))
    return np.concatenate(parts)


@pytest.mark.parametrize("gyro", [True, False])
def test_a_wobble_as_the_leg_arrives_at_the_top_is_not_a_second_rep(gyro: bool) -> None:
    # each rep counted twice before (the dip below the exit level and the rise from it were
    # taken for a lowering and the next lift): real-behaviour corpus, standing shank sets
    t, acc, gyr = sensor_from_angles(top_wobble_reps(6), rate_hz=RATE_HZ, noise_g=0.003)
    setup = SessionSetup.resolve("standing-hip-abduction", Placement.SHANK)
    outs = []
    for chunk in (1, 2, 3, 7, 33, 10_000):
        pipe = setup.pipeline(sample_rate_hz=RATE_HZ, has_gyro=gyro)
        ev = []
        for a in range(0, t.size, chunk):
            ev += pipe.feed(t[a:a + chunk], acc[a:a + chunk], gyr[a:a + chunk] if gyro else None)
        outs.append(ev + pipe.finish())
    assert all(out == outs[0] for out in outs[1:])
    reps = [e.rep for e in outs[0] if isinstance(e, RepCompleted)]
    assert len(reps) == 6
    assert all(r.duration_s > 5.0 for r in reps)  # each the whole lift, hold and lowering



def paused_partial_return_set(*, pause_deg: float, top_deg: float = 30.0, first_rest_deg: float = 15.0,
                              rest_deg: float = 20.0, n_more: int = 3) -> np.ndarray:
    """A first rep from rest that comes back part of the way, a lift from there that pauses on
    its way up (a jerky lift), then comes back part of the way to a raised rest near that pause,
    and ``n_more`` reps from there before going home."""
    rest_n, hold_n = int(0.5 * RATE_HZ), int(RATE_HZ)
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, top_deg, 1.2), np.full(hold_n, top_deg),
             _seg(top_deg, first_rest_deg, 1.0), np.full(rest_n, first_rest_deg),
             _seg(first_rest_deg, pause_deg, 0.5), np.full(int(0.8 * RATE_HZ), pause_deg), _seg(pause_deg, top_deg, 0.8),
             np.full(hold_n, top_deg), _seg(top_deg, rest_deg, 1.0), np.full(rest_n, rest_deg)]
    for _ in range(n_more):
        parts += [_seg(rest_deg, top_deg, 1.0), np.full(hold_n, top_deg), _seg(top_deg, rest_deg, 1.0), np.full(rest_n, rest_deg)]
    parts += [_seg(rest_deg, 0, 1.2), np.zeros(int(3 * RATE_HZ))]
    return np.concatenate(parts)


@pytest.mark.parametrize(("pause_deg", "rest_deg"), [(20.5, 20.0), (21.0, 20.0), (20.0, 20.5)])
def test_a_pause_on_the_way_up_from_a_raised_rest_is_no_new_start_posture(pause_deg: float, rest_deg: float) -> None:
    # The pause was taken for a hold, and the lowering back to the raised rest next to it for a
    # rep from a new start posture that came back there (BACK_AT_HOLD): the set's first rep, still
    # waiting for the second to confirm it, was dropped as a posture change (real-behaviour corpus
    # seed 2026, recording 0008: a prone shank's jerky lift from a raised rest, 7 of 8 counted)
    ang = paused_partial_return_set(pause_deg=pause_deg, rest_deg=rest_deg)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 5
    assert not any("posture" in r.reason for r in res.rejected)


def wobble_before_second_rep(*, wobble_hz: float, cycles: int, wobble_deg: float = 6.0) -> np.ndarray:
    """Three 30 deg reps; before the second, the leg wobbles ``cycles`` times at ``wobble_hz``
    about the rest, ``wobble_deg`` either way."""
    def rep() -> list[np.ndarray]:
        return [_seg(0, 30, 1.2), np.full(int(RATE_HZ), 30.0), _seg(30, 0, 1.2), np.zeros(int(RATE_HZ))]
    n = int(cycles * RATE_HZ / wobble_hz)
    wobble = wobble_deg * np.sin(2.0 * np.pi * wobble_hz * np.arange(n) / RATE_HZ)
    return np.concatenate([np.zeros(int(3 * RATE_HZ)), *rep(), wobble, np.zeros(int(0.6 * RATE_HZ)), *rep(), *rep(),
                           np.zeros(int(3 * RATE_HZ))])


@pytest.mark.parametrize("wobble_hz", [3.0, 3.5, 4.0])
def test_a_wobble_between_a_sets_first_reps_is_one_movement_not_many(wobble_hz: float) -> None:
    # each half cycle crossing the entry level was a movement of its own, "too short for a rep":
    # ten of them between a set's first two reps broke the first off ("other movement before the
    # next rep"; real-behaviour corpus seed 2026, recording 0014: a leg oscillating at 3-4 Hz
    # about a posture). With a gyro: without one, the accelerometer's low-pass smooths the wobble
    ang = wobble_before_second_rep(wobble_hz=wobble_hz, cycles=10)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 3
    assert sum("too short" in r.reason for r in res.rejected) >= 8  # the wobble was seen, and turned down


def raised_then_reps(n: int) -> np.ndarray:
    """The leg raised to 20 deg and held there 1 s, ``n`` reps from there up to 40 and back, 10 s
    at 20, then home."""
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, 20, 1.0), np.full(int(RATE_HZ), 20.0)]
    for _ in range(n):
        parts += [_seg(20, 40, 1.2), np.full(int(RATE_HZ), 40.0), _seg(40, 20, 1.2), np.full(int(0.5 * RATE_HZ), 20.0)]
    parts += [np.full(int(10 * RATE_HZ), 20.0), _seg(20, 0, 1.0), np.zeros(int(3 * RATE_HZ))]
    return np.concatenate(parts)


def test_reps_from_a_posture_raised_and_held_first_are_each_counted() -> None:
    # The pause at the raised posture is a hold that the first rep leaves upwards and the leg
    # comes back to: as a raised rest (see the test above), not a new start posture. The count
    # is the same either way; the first rep now takes in the raise (review of stop 33)
    t, acc, gyr = sensor_from_angles(raised_then_reps(6), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("straight-leg-raise"), placement=Placement.THIGH)
    assert res.rep_count == 6
    assert res.reps[0].rom_deg > 35.0 and all(abs(r.rom_deg - 20.0) < 3.0 for r in res.reps[1:])


def big_held_reps_with_a_droop(n: int, *, peak_deg: float = 80.0, droop_deg: float = 12.0, droop_rep: int = 4) -> np.ndarray:
    """``n`` reps to ``peak_deg`` held 3 s at the top; in rep ``droop_rep`` the held leg droops by
    ``droop_deg`` and comes back during the hold."""
    parts = [np.zeros(int(5 * RATE_HZ))]
    for k in range(n):
        parts += [_seg(0, peak_deg, 1.5), np.full(int(RATE_HZ), peak_deg)]
        if k == droop_rep:
            parts += [_seg(peak_deg, peak_deg - droop_deg, 0.4), _seg(peak_deg - droop_deg, peak_deg, 0.4)]
        parts += [np.full(int(2 * RATE_HZ), peak_deg), _seg(peak_deg, 0, 1.5), np.zeros(int(3 * RATE_HZ))]
    parts.append(np.zeros(int(3 * RATE_HZ)))
    return np.concatenate(parts)


@pytest.mark.parametrize("gyro", [True, False])
def test_a_droop_in_the_hold_of_a_big_rep_in_a_set_under_way_is_no_posture_change(gyro: bool) -> None:
    # A hold far past the exercise's typical range is left by a rep of the typical size only before
    # the session's first rep (FAR_HOLD, lying down): applied later, an 80 deg shank rep whose held
    # leg drooped 12 deg and came back was taken for a posture change (review of stop 33: 7 of 8)
    t, acc, gyr = sensor_from_angles(big_held_reps_with_a_droop(8), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr if gyro else None), get_exercise("side-lying-hip-abduction"),
                            placement=Placement.SHANK)
    assert res.rep_count == 8
    assert not any("posture" in r.reason for r in res.rejected)


@pytest.mark.parametrize("gyro", [True, False])
def test_a_big_shank_rep_back_to_a_raised_rest_starts_a_set_of_reps_from_there(gyro: bool) -> None:
    # UCI subject 2's template session, prone leg lift by the shank: the knee bends, so the shank
    # turns 57 deg (the table's thigh range tops at 20); the first rep came back to a rest 22 deg
    # above the start and the set went on from there. Past the table's range no part-way rule
    # looked: the held top became the start posture and the set was counted upside down, 6 of 9.
    # Within the knee's allowance (``part_way_knee_deg``) the rest part-way ends the first rep
    top, rest = 57.0, 22.0
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, top, 1.0), np.full(int(2.5 * RATE_HZ), top), _seg(top, rest, 0.8),
             np.full(int(1.5 * RATE_HZ), rest)]
    for _ in range(8):
        parts += [_seg(rest, top, 0.8), np.full(int(2.5 * RATE_HZ), top), _seg(top, rest, 0.8), np.full(int(1.5 * RATE_HZ), rest)]
    parts += [_seg(rest, 0, 1.2), np.zeros(int(4 * RATE_HZ))]  # home after the set
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003)
    res = analyze_recording(Recording(t, acc, gyr if gyro else None), get_exercise("prone-leg-lift"), placement=Placement.SHANK)
    assert res.rep_count == 9
    assert abs(res.reps[0].rom_deg - top) < 4.0
    # each rep after the first is measured from the raised rest it left
    assert all(abs(r.rom_deg - (top - rest)) < 4.0 for r in res.reps[1:])


@pytest.mark.xfail(strict=True, reason="stop 47's knee allowance: the setup past the table's range ends as a rep at "
                   "its raised rest; reps under a third of it are turned down as small movements (5 of 8), or, the "
                   "setup held and abandoned there, counted upside down from it (7 of 8). Two remedies were measured "
                   "and withdrawn (stop 47): each cost the real-behaviour corpora a "
                   "set or two (one recording 2 of 8) and UCI replayed at 0.6 a block, and no corpus recording gained")
@pytest.mark.parametrize(("setup_deg", "hold_s", "rest_deg", "rep_deg", "rest_s"), [
    (45.0, 0.5, 22.0, 8.0, 1.5),
    (60.0, 1.0, 21.0, 10.0, 1.0),
])
def test_a_shank_setup_past_the_range_then_small_reps_from_a_raised_rest(
        setup_deg: float, hold_s: float, rest_deg: float, rep_deg: float, rest_s: float) -> None:
    # review helper-62 of the knee's allowance (``part_way_knee_deg``): lying prone, the knee bent
    # far (getting into position), the shank let down part of the way, and 8 small lifts from there.
    # Before the allowance the setup, past the table's range, ended no rep and all 8 counted
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, setup_deg, 1.5), np.full(int(hold_s * RATE_HZ), setup_deg),
             _seg(setup_deg, rest_deg, 1.0), np.full(int(rest_s * RATE_HZ), rest_deg)]
    for _ in range(8):
        parts += [_seg(rest_deg, rest_deg + rep_deg, 1.0), np.full(int(1.0 * RATE_HZ), rest_deg + rep_deg),
                  _seg(rest_deg + rep_deg, rest_deg, 1.0), np.full(int(1.5 * RATE_HZ), rest_deg)]
    parts += [_seg(rest_deg, 0, 1.5), np.zeros(int(3 * RATE_HZ))]
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003, up0=(0.0, 1.0, 0.0))
    res = analyze_recording(Recording(t, acc, gyr), get_exercise("prone-leg-lift"), placement=Placement.SHANK)
    assert res.rep_count == 8
    # each measured from the raised rest, not from the setup's top
    assert all(abs(r.rom_deg - rep_deg) < 2.0 for r in res.reps)
    lifts_from_s = 3.0 + 1.5 + hold_s + 1.0 + rest_s
    assert all(abs(r.start_s - (lifts_from_s + 4.5 * k)) < 0.5 for k, r in enumerate(res.reps))
