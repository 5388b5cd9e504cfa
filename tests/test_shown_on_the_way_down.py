"""A rep that comes back only part of the way shows as it comes down, not when the next lift
proves it turned (issue 11: a rep counts the moment it ends).

A partial return ends where the leg turns at its raised rest; the engine knows it turned only
when the next lift has risen by the entry level, 0.4-1.2 s later. A lift that has come most of
the way back down (``show_on_the_way_down_fraction`` of its peak) is shown then, not yet sure,
when the set would show it at its end; what closes it later counts it or takes it back.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tests.hand_signals import hinge_without_gyro, min_jerk, quick_reps_deg, sensor_from_angles
from tracker.core.recording import Placement, Recording
from tracker.evaluation.latency import TARGET_MS, StampedEvent, stream_in_chunks
from tracker.pipeline import DetectorConfig, RejectedMovement, RepCompleted, RepTentative, SessionSetup, analyze_recording
from tracker.core.exercises import get_exercise

RATE_HZ = 50.0
EXERCISE = "straight-leg-raise"


def _seg(a: float, b: float, s: float) -> np.ndarray:
    return a + (b - a) * min_jerk(int(s * RATE_HZ))


def partial_returns(n: int, *, top_deg: float = 30.0, rest_deg: float = 15.0, turn_s: float = 0.2,
                    tail: list[np.ndarray] | None = None) -> tuple[np.ndarray, list[float]]:
    """A rep from rest back only to ``rest_deg``, then ``n`` reps from there back to it, each
    turning there within ``turn_s``, then home; returns the angle and the ends (s: where each
    lowering to the raised rest ends) of the first ``n`` reps."""
    parts = [np.zeros(int(3 * RATE_HZ)), _seg(0, top_deg, 1.2), np.full(int(RATE_HZ), top_deg), _seg(top_deg, rest_deg, 1.0)]
    ends = []
    for _ in range(n):
        ends.append(sum(p.size for p in parts) / RATE_HZ)
        parts += [np.full(int(turn_s * RATE_HZ), rest_deg), _seg(rest_deg, top_deg, 1.0), np.full(int(RATE_HZ), top_deg),
                  _seg(top_deg, rest_deg, 1.0)]
    parts += tail if tail is not None else [_seg(rest_deg, 0, 1.2), np.zeros(int(3 * RATE_HZ))]
    return np.concatenate(parts), ends


def _first_shown(stamped: list[StampedEvent]) -> dict[float, float]:
    """Each rep's start -> when it was first shown (tentative or counted)."""
    first: dict[float, float] = {}
    for s in stamped:
        e = s.event
        if isinstance(e, RepTentative):
            first.setdefault(e.start_s, s.t_s)
        elif isinstance(e, RepCompleted):
            first.setdefault(e.rep.start_s, s.t_s)
    return first


def _delays_ms(detector: DetectorConfig) -> list[float]:
    ang, ends = partial_returns(6)
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    stamped = stream_in_chunks(SessionSetup.resolve(EXERCISE, Placement.THIGH), Recording(t, acc, gyr), detector=detector)
    reps = [e.rep for e in (s.event for s in stamped) if isinstance(e, RepCompleted)]
    assert len(reps) == 7
    first = _first_shown(stamped)
    # the reps that end at a raised rest: each against its labelled end (the turn), matched by
    # the counted rep whose end is nearest
    out = []
    for end in ends:
        rep = min(reps, key=lambda r: abs(r.end_s - end))
        assert abs(rep.end_s - end) < 0.5
        out.append(1000.0 * (first[rep.start_s] - end))
    return out


def test_a_partial_return_shows_within_300_ms_of_its_turn() -> None:
    # the set's first rep waits for the turn to be proved (getting into position comes part of the
    # way back and settles too); from the second on, each shows as it stops at its raised rest
    first, *others = _delays_ms(DetectorConfig())
    assert max(others) <= TARGET_MS, others
    assert first > TARGET_MS
    # what did it: without the show on the way down each waited for the next lift to prove the turn
    waited = _delays_ms(dataclasses.replace(DetectorConfig(), show_on_the_way_down_fraction=0.0))
    assert min(waited) > TARGET_MS, waited


def test_a_rep_shown_on_its_way_down_that_settles_there_is_taken_back() -> None:
    # the last lift comes down part of the way and the leg stays there for good (a new posture):
    # shown as it came down, it is no rep, and it is taken back
    stay = [np.full(int(30 * RATE_HZ), 15.0)]
    ang, _ = partial_returns(4, tail=[np.full(int(0.2 * RATE_HZ), 15.0), _seg(15.0, 30.0, 1.0), np.full(int(RATE_HZ), 30.0),
                                      _seg(30.0, 12.0, 1.0), *stay])
    t, acc, gyr = sensor_from_angles(ang, rate_hz=RATE_HZ, noise_g=0.003)
    rec = Recording(t, acc, gyr)
    stamped = stream_in_chunks(SessionSetup.resolve(EXERCISE, Placement.THIGH), rec)
    events = [s.event for s in stamped]
    tentative = {e.start_s for e in events if isinstance(e, RepTentative)}
    counted = {e.rep.start_s for e in events if isinstance(e, RepCompleted)}
    taken_back = [e for e in events if isinstance(e, RejectedMovement) and e.tentative]
    assert len(taken_back) == 1 and taken_back[0].start_s in tentative
    assert taken_back[0].start_s not in counted
    # every rep shown was counted or taken back, and the batch count is the stream's
    assert tentative <= counted | {e.start_s for e in taken_back}
    res = analyze_recording(rec, get_exercise(EXERCISE), placement=Placement.THIGH)
    assert res.rep_count == len(counted) == 5


def test_a_rep_shown_inside_a_fast_set_read_from_its_rhythm_is_resolved() -> None:
    """Without a gyro, lying, after a set counted there: a lift shown on its way down inside a
    burst that then counts as a fast set read from its rhythm was neither counted nor taken back
    (review helper-51): an extra rep not yet sure for the rest of the session."""
    rate = 50.0

    def seg(a: float, b: float, s: float) -> np.ndarray:
        return a + (b - a) * min_jerk(int(round(s * rate)))

    def still(s: float, deg: float = 0.0) -> np.ndarray:
        return np.full(int(round(s * rate)), deg)

    slow = np.concatenate([np.concatenate([seg(0, 25, 1.2), still(1.0, 25), seg(25, 0, 1.2), still(1.5)]) for _ in range(4)])
    # a fast set read from its rhythm, then 2.5 s later a second burst: 3 very quick reps, a pause,
    # a lift to 12 deg back to 55 % of it, resting there 3 s (shown as it stopped: the next rep
    # of the fast set), then home -- the burst counts from its rhythm while that lift is followed
    burst_a = quick_reps_deg(6, rate_hz=rate, rom_deg=12.0, rep_s=0.6, seed=5)[0]
    burst_b = quick_reps_deg(3, rate_hz=rate, rom_deg=12.0, rep_s=0.35)[0]
    tail = np.concatenate([still(0.5), seg(0, 12, 0.6), seg(12, 0.55 * 12, 0.4), still(3, 0.55 * 12), seg(0.55 * 12, 0, 1.0),
                           still(4)])
    t, acc = hinge_without_gyro(np.concatenate([still(3), slow, still(20), burst_a, still(2.5), burst_b, tail]), rate_hz=rate,
                                radius_m=0.3)
    outs = []
    for chunk in (1, 7, 1000):
        stamped = stream_in_chunks(SessionSetup.resolve("prone-leg-lift", Placement.THIGH), Recording(t, acc, None),
                                   chunk_n=chunk)
        outs.append([s.event for s in stamped])
    assert outs[0] == outs[1] == outs[2]
    events = outs[0]
    shown = [e.start_s for e in events if isinstance(e, RepTentative)]
    counted = [e.rep.start_s for e in events if isinstance(e, RepCompleted)]
    taken_back = [e.start_s for e in events if isinstance(e, RejectedMovement) and e.tentative]
    assert shown
    for start in set(shown):
        assert (start in counted) != (start in taken_back), start  # one or the other, once


def _after_a_set(partial: np.ndarray) -> tuple[Recording, float]:
    """Five steady reps to 30 deg, a minute's rest there, then ``partial``; and the offset (s) of
    ``partial``'s samples."""
    steady = np.concatenate([np.zeros(int(3 * RATE_HZ))] + [np.concatenate([_seg(0, 30, 1.2), np.full(int(RATE_HZ), 30.0),
                                                                            _seg(30, 0, 1.2), np.zeros(int(1.5 * RATE_HZ))])
                                                            for _ in range(5)] + [np.zeros(int(60 * RATE_HZ))])
    t, acc, gyr = sensor_from_angles(np.concatenate([steady, partial]), rate_hz=RATE_HZ, noise_g=0.003)
    return Recording(t, acc, gyr), steady.size / RATE_HZ


def test_a_set_of_partial_returns_after_a_set_counted_shows_its_first_rep_as_it_turns() -> None:
    """At the rest of a set counted, a set of partial returns' first rep shows as it stops at its
    raised rest (stop 51), as the reps after it do; it waited for the next lift before (0.68 s)."""
    ang, ends = partial_returns(6)
    rec, offset = _after_a_set(ang)
    outs = [[s.event for s in stream_in_chunks(SessionSetup.resolve(EXERCISE, Placement.THIGH), rec, chunk_n=chunk)]
            for chunk in (1, 7, 100_000)]
    assert outs[0] == outs[1] == outs[2]
    stamped = stream_in_chunks(SessionSetup.resolve(EXERCISE, Placement.THIGH), rec)
    reps = [e.rep for e in (s.event for s in stamped) if isinstance(e, RepCompleted)]
    assert len(reps) == 5 + 7
    first = _first_shown(stamped)
    delays = []
    for end in ends:
        rep = min(reps, key=lambda r: abs(r.end_s - (offset + end)))
        assert abs(rep.end_s - (offset + end)) < 0.5
        delays.append(1000.0 * (first[rep.start_s] - (offset + end)))
    assert max(delays) <= TARGET_MS, delays
    assert not [e for e in outs[0] if isinstance(e, RejectedMovement) and e.tentative]
    # the same set as the session's first still waits for its turn to be proved
    alone = _delays_ms(DetectorConfig())
    assert alone[0] > TARGET_MS
