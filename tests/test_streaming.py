"""Streaming properties of :class:`~tracker.pipeline.RepPipeline` with a pelvis sensor.

The batch analysis feeds each stream whole; live capture feeds two sensors whose packets
arrive in chunks of any size, interleaved, one sensor possibly behind the other.  The
results must not depend on that (the h11 property: any chunking gives identical events),
misuse must raise typed errors, and holes in the data must be handled: long ones restart
the engine with a :class:`~tracker.pipeline.GapDetected`, short ones are bridged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import cycle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import ReptrackError
from tracker.evaluation.metrics import FoundRep, TrueRep, match_reps
from tracker.core.exercises import FlagKind, get_exercise
from tracker.pipeline import (
    AnalysisResult,
    DetectorConfig,
    Event,
    GapDetected,
    PipelineConfig,
    Rep,
    RepCompleted,
    RepRevised,
    RepPipeline,
    SetCompleted,
    analyze_recording,
    make_config,
)
from tracker.core.recording import Recording
from tracker.simulate import Labels, Simulation, SimulationConfig, simulate

EXERCISE = "side-lying-hip-abduction"
EX = get_exercise(EXERCISE)
RATE_HZ = 50.0
PELVIS_LAG_S = 2.0
MIN_PELVIC_RISE_RECALL = 0.8


@cache
def faulty_session(*, ideal_sensor: bool = False) -> Simulation:
    """Three sets with setup motion and faults, pelvic rise among them, and a pelvis sensor.

    ``ideal_sensor``: the same session logged without noise, jitter or dropped samples.
    """
    return simulate(
        SimulationConfig(
            EXERCISE,
            seed=0,
            sample_rate_hz=RATE_HZ,
            n_sets=3,
            fault_rate=0.6,
            faults=frozenset({FlagKind.PELVIC_RISE, FlagKind.TOO_FAST, FlagKind.JERKY}),
            ideal_sensor=ideal_sensor,
        )
    )


@cache
def clean_session() -> Simulation:
    """Two fault-free sets without setup motion (for the data-gap tests)."""
    return simulate(SimulationConfig(EXERCISE, seed=0, sample_rate_hz=RATE_HZ, n_sets=2, fault_rate=0.0, setup_motion=False))


def pipeline_for(main: Recording, pelvis: Recording | None = None) -> RepPipeline:
    """The pipeline :func:`analyze_recording` builds for these recordings."""
    return RepPipeline(
        make_config(main, EX, pelvis=pelvis),
        pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
        pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro,
    )


@dataclass(frozen=True)
class Delivery:
    """What one ``feed`` / ``feed_pelvis`` call returned."""

    stream: str  # "main" or "pelvis"
    pelvis_until_s: float  # time of the last pelvis sample fed so far
    events: list[Event]
    main_until_s: float = -np.inf  # time of the last main sample fed so far


def stream_both(
    pipe: RepPipeline, main: Recording, pelvis: Recording, main_sizes: list[int], pelvis_sizes: list[int],
    *, pelvis_lag_s: float = 0.0,
) -> list[Delivery]:
    """Feed both recordings in chunks, in arrival order, then finish.

    Chunk sizes cycle through ``main_sizes`` / ``pelvis_sizes``.  The next chunk is taken
    from the stream whose next sample arrives first; a pelvis sample recorded at ``t``
    arrives at ``t + pelvis_lag_s``.
    """
    out: list[Delivery] = []
    sizes = {"main": cycle(main_sizes), "pelvis": cycle(pelvis_sizes)}
    recs = {"main": main, "pelvis": pelvis}
    lag = {"main": 0.0, "pelvis": pelvis_lag_s}
    pos = {"main": 0, "pelvis": 0}
    pelvis_until = main_until = -np.inf
    while pos["main"] < len(main) or pos["pelvis"] < len(pelvis):
        waiting = [k for k in recs if pos[k] < len(recs[k])]
        name = min(waiting, key=lambda k: recs[k].t_s[pos[k]] + lag[k])
        rec, a = recs[name], pos[name]
        b = min(len(rec), a + next(sizes[name]))
        gyro = None if rec.gyro_dps is None else rec.gyro_dps[a:b]
        if name == "main":
            events = pipe.feed(rec.t_s[a:b], rec.accel_g[a:b], gyro)
            main_until = float(rec.t_s[b - 1])
        else:
            events = pipe.feed_pelvis(rec.t_s[a:b], rec.accel_g[a:b], gyro)
            pelvis_until = float(rec.t_s[b - 1])
        pos[name] = b
        out.append(Delivery(name, pelvis_until, events, main_until))
    out.append(Delivery("finish", np.inf, pipe.finish(), np.inf))
    return out


def all_events(deliveries: list[Delivery]) -> list[Event]:
    return [e for d in deliveries for e in d.events]


def reps_in(events: list[Event]) -> tuple[Rep, ...]:
    """The reps counted, each as its last event leaves it (a :class:`RepRevised` replaces one)."""
    revised = {e.rep.index: e.rep for e in events if isinstance(e, RepRevised)}
    return tuple(revised.get(e.rep.index, e.rep) for e in events if isinstance(e, RepCompleted))


def sets_in(events: list[Event]) -> list[tuple[int, float, float, int]]:
    return [(e.set_index, e.start_s, e.end_s, e.rep_count) for e in events if isinstance(e, SetCompleted)]


def same_reps(a: tuple[Rep, ...], b: tuple[Rep, ...]) -> bool:
    """Every field equal; ``repr`` so that a NaN ``sparc`` equals NaN (floats repr exactly)."""
    return [repr(r) for r in a] == [repr(r) for r in b]


@cache
def batch_result(*, ideal_sensor: bool = False) -> AnalysisResult:
    sim = faulty_session(ideal_sensor=ideal_sensor)
    return analyze_recording(sim.main, EX, pelvis=sim.pelvis)


def set_rows(result: AnalysisResult) -> list[tuple[int, float, float, int]]:
    return [(s.set_index, s.start_s, s.end_s, s.rep_count) for s in result.sets]


def test_session_has_reps_and_pelvic_rises() -> None:
    # the properties below are only worth something on a recording with reps and pelvic rises
    sim = faulty_session()
    assert sim.pelvis is not None
    assert batch_result().rep_count >= 20
    assert int(np.sum(np.diff(sim.main.t_s) > 1.5 / RATE_HZ)) > 0  # it drops samples, as real sensors do
    ideal = faulty_session(ideal_sensor=True)
    assert int(np.sum(np.diff(ideal.main.t_s) > 1.5 / RATE_HZ)) == 0
    assert sum(FlagKind.PELVIC_RISE in r.flags for r in sim.labels.reps) >= 5


# --------------------------------------------------------------------------- (a) chunking
chunk_sizes = st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=20)


def assert_interleaved_equals_batch(ideal_sensor: bool, main_sizes: list[int], pelvis_sizes: list[int]) -> None:
    sim = faulty_session(ideal_sensor=ideal_sensor)
    assert sim.pelvis is not None
    events = all_events(stream_both(pipeline_for(sim.main, sim.pelvis), sim.main, sim.pelvis, main_sizes, pelvis_sizes))
    result = batch_result(ideal_sensor=ideal_sensor)
    assert same_reps(reps_in(events), result.reps)
    assert sets_in(events) == set_rows(result)


@settings(max_examples=10, deadline=None)
@given(main_sizes=chunk_sizes, pelvis_sizes=chunk_sizes)
def test_interleaved_chunks_give_the_batch_events(main_sizes: list[int], pelvis_sizes: list[int]) -> None:
    assert_interleaved_equals_batch(False, main_sizes, pelvis_sizes)


@settings(max_examples=10, deadline=None)
@given(main_sizes=chunk_sizes, pelvis_sizes=chunk_sizes)
def test_interleaved_chunks_give_the_batch_events_without_dropped_samples(main_sizes: list[int], pelvis_sizes: list[int]) -> None:
    # the same session from a sensor that drops no sample: interleaving and chunking alone
    assert_interleaved_equals_batch(True, main_sizes, pelvis_sizes)


# --------------------------------------------------------------------------- (b) pelvic rise
def pelvic_rise_recall(labels: Labels, reps: tuple[Rep, ...]) -> tuple[float, int]:
    """Share of labelled pelvic rises whose rep (matched by overlap) is flagged; and their number."""
    true = [TrueRep(r.start_s, r.end_s) for r in labels.reps]
    found = [FoundRep(r.start_s, r.peak_s, r.end_s) for r in reps]
    match = dict(match_reps(true, found))
    rises = [i for i, r in enumerate(labels.reps) if FlagKind.PELVIC_RISE in r.flags]
    measured = [  # seen by the pelvis sensor, not inferred from the thigh's range
        i for i in rises if i in match
        and any(f.kind is FlagKind.PELVIC_RISE and not f.inferred for f in reps[match[i]].flags)
    ]
    return len(measured) / len(rises), len(rises)


def test_labelled_pelvic_rises_are_flagged_with_the_pelvis_sensor() -> None:
    recall, n = pelvic_rise_recall(faulty_session().labels, batch_result().reps)
    assert n >= 5
    assert recall >= MIN_PELVIC_RISE_RECALL, f"pelvic rise recall {recall:.2f} over {n} reps"


# --------------------------------------------------------------------------- (c) lagging pelvis
def test_reps_wait_for_a_lagging_pelvis_sensor() -> None:
    sim = faulty_session()
    assert sim.pelvis is not None
    second = int(RATE_HZ)
    in_step = stream_both(pipeline_for(sim.main, sim.pelvis), sim.main, sim.pelvis, [second], [second])
    lagging = stream_both(pipeline_for(sim.main, sim.pelvis), sim.main, sim.pelvis, [second], [second], pelvis_lag_s=PELVIS_LAG_S)
    # no rep goes out before the pelvis data of its whole duration is in ...
    early = [(d.pelvis_until_s, r.end_s) for d in lagging for r in reps_in(d.events) if r.end_s > d.pelvis_until_s]
    assert early == []
    # ... so reps are released by the pelvis data arriving ...
    assert any(reps_in(d.events) for d in lagging if d.stream == "pelvis")
    # ... and once both streams are complete they are those of the same chunks fed in step
    events, reference = all_events(lagging), all_events(in_step)
    assert len(reps_in(events)) >= 20
    assert same_reps(reps_in(events), reps_in(reference))
    assert sets_in(events) == sets_in(reference)


def test_reps_do_not_wait_forever_for_a_pelvis_sensor_that_dropped_out() -> None:
    # found in review: reps waited for pelvis data that never came, until the recording ended
    sim = faulty_session()
    assert sim.pelvis is not None
    keep = sim.pelvis.t_s < sim.pelvis.t_s[0] + 60.0
    cut = Recording(sim.pelvis.t_s[keep], sim.pelvis.accel_g[keep], None if sim.pelvis.gyro_dps is None else sim.pelvis.gyro_dps[keep],
                    sim.pelvis.meta)
    second = int(RATE_HZ)
    live = stream_both(pipeline_for(sim.main, cut), sim.main, cut, [second], [second])
    wait_s = DetectorConfig().pelvis_wait_s
    # every rep goes out at most the wait (plus a second's chunk) after it does with the pelvis data all there
    full = stream_both(pipeline_for(sim.main, sim.pelvis), sim.main, sim.pelvis, [second], [second])

    def out_at(deliveries: list[Delivery]) -> dict[float, float]:
        return {round(r.start_s, 6): d.main_until_s for d in deliveries for r in reps_in(d.events)}

    expected, got = out_at(full), out_at(live)
    late = [(k, expected[k], got[k]) for k in got if k in expected and got[k] > expected[k] + wait_s + 2.0]
    assert late == [] and len(got) >= 20
    reps = reps_in(all_events(live))
    assert len(reps) >= 20 and any(r.pelvis_tilt_deg is None for r in reps)
    # and the batch analysis of the same data agrees
    whole = pipeline_for(sim.main, cut)
    batch = whole.feed_pelvis(cut.t_s, cut.accel_g, cut.gyro_dps) + whole.feed(sim.main.t_s, sim.main.accel_g, sim.main.gyro_dps) + whole.finish()
    assert same_reps(reps, reps_in(batch))


# --------------------------------------------------------------------------- (d) misuse
def still_samples(n: int, *, t0_s: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = t0_s + np.arange(n) / RATE_HZ
    return t, np.tile([0.0, 0.0, 1.0], (n, 1)), np.zeros((n, 3))


def test_feed_after_finish_raises() -> None:
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE_HZ, has_gyro=True))
    t, acc, gyr = still_samples(100)
    pipe.feed(t, acc, gyr)
    pipe.finish()
    t2, acc2, gyr2 = still_samples(10, t0_s=10.0)
    with pytest.raises(ReptrackError):
        pipe.feed(t2, acc2, gyr2)


def test_feed_pelvis_without_a_pelvis_sensor_raises() -> None:
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE_HZ, has_gyro=True, with_pelvis=False))
    with pytest.raises(ReptrackError):
        pipe.feed_pelvis(*still_samples(10))


def test_gyro_pipeline_fed_without_gyro_raises() -> None:
    pipe = RepPipeline(PipelineConfig(exercise=EX, sample_rate_hz=RATE_HZ, has_gyro=True))
    t, acc, _ = still_samples(100)
    with pytest.raises(ReptrackError):
        pipe.feed(t, acc)


# --------------------------------------------------------------------------- (e, f) data gaps
def with_hole(rec: Recording, start_s: float, duration_s: float) -> Recording:
    keep = (rec.t_s < start_s) | (rec.t_s >= start_s + duration_s)
    return Recording(rec.t_s[keep], rec.accel_g[keep], None if rec.gyro_dps is None else rec.gyro_dps[keep], rec.meta)


def run_pipeline(rec: Recording) -> list[Event]:
    pipe = pipeline_for(rec)
    return pipe.feed(rec.t_s, rec.accel_g, rec.gyro_dps) + pipe.finish()


def mid_first_set_s(labels: Labels) -> float:
    first = labels.sets[0]
    return 0.5 * (first.start_s + first.end_s)


def test_long_hole_mid_set_restarts_and_counts_reps_around_it() -> None:
    sim = clean_session()
    labels = sim.labels
    h0 = mid_first_set_s(labels) - 2.5
    h1 = h0 + 5.0
    events = run_pipeline(with_hole(sim.main, h0, 5.0))
    gaps = [e for e in events if isinstance(e, GapDetected)]
    assert len(gaps) == 1
    dt = 1.0 / RATE_HZ
    assert h0 - 2 * dt <= gaps[0].start_s < h0 and h1 <= gaps[0].end_s <= h1 + 2 * dt
    reps = reps_in(events)
    before = [r for r in labels.reps if r.end_s <= h0]
    after = [r for r in labels.reps if r.start_s >= h1]
    assert before and after and len(before) + len(after) < len(labels.reps)  # the hole cut a rep
    assert abs(sum(r.end_s <= h0 for r in reps) - len(before)) <= 1
    assert abs(sum(r.start_s >= h1 for r in reps) - len(after)) <= 1
    assert abs(len(reps) - (len(before) + len(after))) <= 1


def test_short_hole_is_bridged() -> None:
    sim = clean_session()
    full = reps_in(run_pipeline(sim.main))
    events = run_pipeline(with_hole(sim.main, mid_first_set_s(sim.labels), 0.5))
    assert not any(isinstance(e, GapDetected) for e in events)
    assert abs(len(reps_in(events)) - len(full)) <= 1
    assert abs(len(reps_in(events)) - sim.labels.rep_count) <= 1
