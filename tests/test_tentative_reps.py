"""A rep counts the moment it ends: the first reps of a set go out as tentative at once.

The engine confirms a set by its second rep (one movement alone may be setup motion). So
that the person is not left at "waiting for the first rep" while they do it, every rep
candidate the engine is not yet sure of goes out as :class:`RepTentative` when it ends, and
is later counted (:class:`RepCompleted`, same start) or taken back (:class:`RejectedMovement`
with ``tentative=True``). Batch results do not change; the delays are sensor time.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tracker.core.recording import Placement
from tracker.evaluation.latency import TARGET_MS, rep_delays, stream_in_chunks
from tracker.evaluation.metrics import TrueRep, TrueSet
from tracker.pipeline import (DetectorConfig, RejectedMovement, RepCompleted, RepTentative, SessionSetup,
                              analyze_recording)
from tracker.pipeline.live_state import LiveTally
from tracker.core.exercises import get_exercise
from tracker.simulate import Simulation, SimulationConfig, simulate
from tracker.terminal.live_panel import event_lines, panel_lines

EXERCISE = "side-lying-hip-abduction"


@cache
def session() -> Simulation:
    return simulate(SimulationConfig(EXERCISE, seed=3, sample_rate_hz=50.0, n_sets=2, fault_rate=0.0))


def _setup() -> SessionSetup:
    return SessionSetup.resolve(EXERCISE, Placement.THIGH)


def test_each_rep_is_shown_within_300_ms_of_its_end_first_reps_of_a_set_too() -> None:
    sim = session()
    stamped = stream_in_chunks(_setup(), sim.main)
    truth = [TrueRep(r.start_s, r.end_s) for r in sim.labels.reps]
    stats = rep_delays(stamped, truth)
    assert len(stats.shown_ms) >= 0.9 * len(truth)
    assert stats.shown_tentative_ms, "the first rep of each set goes out tentatively"
    assert max(stats.shown_tentative_ms) <= TARGET_MS
    assert np.median(stats.shown_ms) <= TARGET_MS
    # without tentative events the first rep of a set waits for the second
    assert max(stats.counted_ms) > 1000.0


def test_a_sets_first_rep_is_measured_on_its_own() -> None:
    """The issue's latency target holds for a set's first rep as for the others: the delays of
    each labelled set's first rep are kept apart (``reptrack eval --latency`` prints them)."""
    sim = session()
    stamped = stream_in_chunks(_setup(), sim.main)
    truth = [TrueRep(r.start_s, r.end_s) for r in sim.labels.reps]
    sets = [TrueSet(s.start_s, s.end_s, s.rep_count) for s in sim.labels.sets]
    stats = rep_delays(stamped, truth, sets)
    firsts = [min(r.end_s for r in truth if s.start_s <= r.start_s <= s.end_s) for s in sets]
    assert len(sets) == 2 and len(stats.first_of_set_ms) == 2
    # each is the shown delay of the rep that ends first in its set
    ends_shown = {round(end + d / 1000.0, 6) for end, d in zip(firsts, stats.first_of_set_ms)}
    assert ends_shown <= {round(s.t_s, 6) for s in stamped}
    assert set(stats.first_of_set_ms) <= set(stats.shown_ms)
    summary = stats.summary()
    assert summary["first_of_set"] == 2 and summary["first_of_set_p95_ms"] is not None
    assert rep_delays(stamped, truth).first_of_set_ms == []  # no sets given: none


def test_tentative_reps_are_counted_with_the_same_start_and_batch_results_are_unchanged() -> None:
    sim = session()
    stamped = stream_in_chunks(_setup(), sim.main)
    events = [s.event for s in stamped]
    tentative = [e for e in events if isinstance(e, RepTentative)]
    counted = {e.rep.start_s for e in events if isinstance(e, RepCompleted)}
    taken_back = {e.start_s for e in events if isinstance(e, RejectedMovement) and e.tentative}
    assert tentative
    # walking, fetching the weight, lying down and shifting between sets do not flash up as reps
    assert not taken_back
    # every tentative rep is settled one way or the other, exactly once
    for t in tentative:
        assert (t.start_s in counted) != (t.start_s in taken_back)
    batch = analyze_recording(sim.main, get_exercise(EXERCISE), placement=Placement.THIGH)
    assert [r.start_s for r in batch.reps] == [e.rep.start_s for e in events if isinstance(e, RepCompleted)]
    # ... and a tentative event goes out before the event that settles it
    order = {id(e): k for k, e in enumerate(events)}
    for t in tentative:
        settle = next(e for e in events if (isinstance(e, RepCompleted) and e.rep.start_s == t.start_s)
                      or (isinstance(e, RejectedMovement) and e.tentative and e.start_s == t.start_s))
        assert order[id(t)] < order[id(settle)]


def _lift(t: np.ndarray, start_s: float, up_s: float, hold_s: float, down_s: float, rom_deg: float) -> np.ndarray:
    """A minimum-jerk lift, hold and lowering, deg."""
    ang = np.zeros_like(t)
    def mj(x: np.ndarray) -> np.ndarray:
        x = np.clip(x, 0, 1)
        return 10 * x**3 - 15 * x**4 + 6 * x**5
    a, b, c = start_s + up_s, start_s + up_s + hold_s, start_s + up_s + hold_s + down_s
    ang += np.where((t >= start_s) & (t < a), rom_deg * mj((t - start_s) / up_s), 0)
    ang += np.where((t >= a) & (t < b), rom_deg, 0)
    ang += np.where((t >= b) & (t < c), rom_deg * (1 - mj((t - b) / down_s)), 0)
    return ang


def test_a_lone_movement_is_shown_then_taken_back_visibly() -> None:
    from tracker.core.recording import Recording, RecordingMeta
    fs = 50.0
    t = np.arange(0, 60, 1 / fs)
    ang = _lift(t, 10.0, 1.5, 1.0, 1.5, 35.0)  # one rep-like lift, then nothing for 50 s
    rad = np.deg2rad(ang)
    acc = np.stack([np.sin(rad), np.zeros_like(t), np.cos(rad)], axis=1)
    gyr = np.stack([np.zeros_like(t), np.gradient(ang, t), np.zeros_like(t)], axis=1)
    rec = Recording(t, acc, gyr, RecordingMeta())
    stamped = stream_in_chunks(_setup(), rec)
    tally = LiveTally()
    shown_max = 0
    for s in stamped:
        state = tally.apply([s.event])
        shown_max = max(shown_max, state.shown_count)
    kinds = [type(s.event) for s in stamped]
    assert RepTentative in kinds and RepCompleted not in kinds
    tent = next(s for s in stamped if isinstance(s.event, RepTentative))
    assert tent.t_s - 14.0 <= TARGET_MS / 1000  # shown when the lowering ended (at 14 s)
    assert shown_max == 1 and tally.state.shown_count == 0 and tally.state.rep_count == 0
    assert tally.state.taken_back == 1
    lines = event_lines([s.event for s in stamped], tally.state)
    assert any("rep?" in x for x in lines) and any("taken back" in x for x in lines)
    assert any("taken back" in x.text for x in panel_lines(tally.state))


def test_no_rest_runs_while_a_sets_first_rep_is_shown() -> None:
    from tracker.pipeline import SetCompleted

    tally = LiveTally()
    tally.advance(100.0, 10)
    tally.apply([SetCompleted(1, 10.0, 60.0, 8)])
    assert tally.state.rest_s == 40.0
    state = tally.apply([RepTentative(98.0, 100.0, 30.0)])
    assert state.rest_s is None and state.shown_count == 1
    assert not any(x.text.startswith("rest ") for x in panel_lines(state))


def test_the_live_tally_counts_tentative_reps_at_once_and_once() -> None:
    sim = session()
    stamped = stream_in_chunks(_setup(), sim.main)
    tally = LiveTally()
    seen: list[int] = []
    for s in stamped:
        seen.append(tally.apply([s.event]).shown_count)
    # the shown count never jumps by two and never goes down when nothing is taken back
    steps = np.diff([0, *seen])
    assert set(steps.tolist()) <= {0, 1}
    assert tally.state.shown_count == tally.state.rep_count == sim.labels.rep_count
    state = tally.end()
    assert state.tentative == ()


def test_tentative_events_do_not_depend_on_chunking() -> None:
    sim = session()
    setup = _setup()
    m = setup.prepare(sim.main.accel_g, sim.main.gyro_dps)
    outs = []
    for chunk in (1, 7, 10_000):
        pipe = setup.pipeline(sample_rate_hz=sim.main.nominal_rate_hz(), has_gyro=True, detector=DetectorConfig())
        ev = []
        for a in range(0, sim.main.t_s.size, chunk):
            b = a + chunk
            ev += pipe.feed(sim.main.t_s[a:b], m.accel_g[a:b], None if m.gyro_dps is None else m.gyro_dps[a:b])
        ev += pipe.finish()
        outs.append([e for e in ev if isinstance(e, RepTentative | RejectedMovement)])
    assert outs[0] == outs[1] == outs[2]


def _first_rep_delay_ms(exercise: str, seed: int, placement: Placement) -> tuple[float, int, int]:
    """Streamed one sample at a time: how long after its labelled end the session's first rep
    showed (ms), and the reps counted and labelled (a corpus recording's settings, 100 Hz)."""
    sim = simulate(SimulationConfig(exercise, seed=seed, sample_rate_hz=100.0, n_sets=2, reps_per_set=(8, 12), fault_rate=0.3,
                                    placement=placement))
    truth = [TrueRep(r.start_s, r.end_s) for r in sim.labels.reps]
    stamped = stream_in_chunks(SessionSetup.resolve(exercise, placement), sim.main)
    stats = rep_delays(stamped, truth[:1])
    counted = sum(isinstance(s.event, RepCompleted) for s in stamped)
    assert stats.shown_ms, "the first rep is counted"
    return stats.shown_ms[0], counted, len(truth)


def test_the_first_rep_after_lying_down_and_rolling_onto_the_side_shows_at_once() -> None:
    """Clean corpus seed 7, recording 18: the person lies down, is still, rolls onto the side and
    starts. The engine took the still posture before the roll as a hold of one excursion from
    standing, and no rep came back to it: the first rep showed 9.8 s late, when the excursion
    was too long for a rep. A still posture past any rep's range and away from that hold, before
    the session's first rep, makes it look again from the excursion's start at once."""
    delay_ms, counted, labelled = _first_rep_delay_ms("side-lying-hip-abduction", 3615355025, Placement.THIGH)
    assert delay_ms <= TARGET_MS
    assert counted == labelled



def test_the_first_rep_after_lying_down_from_a_pause_seated_shows_at_once_with_a_shank_sensor() -> None:
    """Clean simulator, side-lying hip abduction with the sensor on the shank: the person sits on
    the bed's edge (a pause near the standing shank's posture: the hold), lies down and rolls onto
    the side. No range limit tells lying down from a rep on the shank in a hip exercise, so the
    excursion from standing went on until it was too long for a rep: the first rep showed 5-17 s
    late in 21 of 24 seeds. Still again far past any typical rep, that posture is watched instead
    of the pause, and the first rep, which comes back to it, makes it the start posture."""
    for seed in (1, 2, 3, 5):
        delay_ms, counted, labelled = _first_rep_delay_ms("side-lying-hip-abduction", seed, Placement.SHANK)
        assert delay_ms <= TARGET_MS, seed
        assert counted == labelled, seed


def test_a_sets_first_rep_that_begins_with_a_jerk_is_shown_when_it_ends() -> None:
    """The leg jerks up 4 deg from stillness, drops back to 1 deg, and goes on at once into a
    16 deg rep (UCI subject 1's side-lying leg raise by the thigh: a 3 deg jerk into the set's
    first rep). The jerk is the start of the lift, not a movement of its own, and the stillness
    before it is the rep's pause: the rep is shown when it ends, not when the second rep counts it
    7 s later. The jerk itself counts no more than before."""
    from tracker.core.recording import Recording, RecordingMeta
    from hand_signals import min_jerk, rep_angles_deg, sensor_from_angles

    fs = 50.0

    def n(s: float) -> int:
        return int(s * fs)

    first = np.concatenate([4.0 * min_jerk(n(0.5)), 4.0 - 3.0 * min_jerk(n(0.4)), 1.0 + 15.0 * min_jerk(n(2.0)),
                            np.full(n(1.0), 16.0), 16.0 * (1 - min_jerk(n(2.0))), np.zeros(n(2.0))])
    more, _ = rep_angles_deg(rate_hz=fs, reps=3, rom_deg=16.0, lead_s=0.0)
    angle = np.concatenate([np.zeros(n(3.0)), first, more])
    first_end_s = (n(3.0) + first.size - n(2.0)) / fs  # back at the rest
    t, acc, gyr = sensor_from_angles(angle, rate_hz=fs, noise_g=0.003, seed=4)
    rec = Recording(t, acc, gyr, RecordingMeta(sample_rate_hz=fs))
    stamped = stream_in_chunks(_setup(), rec)
    counted = [s.event.rep for s in stamped if isinstance(s.event, RepCompleted)]
    assert len(counted) == 4 and counted[0].start_s > 3.5  # the rep, not the jerk (3.0-3.9 s)
    shown = next(s for s in stamped if isinstance(s.event, RepTentative))
    assert shown.event.start_s == counted[0].start_s
    assert shown.t_s - first_end_s <= TARGET_MS / 1000
    assert min(s.t_s for s in stamped if isinstance(s.event, RepCompleted)) - first_end_s > 5.0  # counted with the second
