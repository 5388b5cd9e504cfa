"""A session's first reps judged again once the person's range is known (issue 11, stop 48).

A fast set first thing -- reps back to back, far past the person's range -- shows no range of the
person's (rushed reps overshoot or fall short), so as its reps end they are judged against
themselves and pass. The steady set after it shows the person's range; then the engine judges the
first set's reps again, and a :class:`RepRevised` adds ``beyond_range`` to each far past it. The
batch result has the revised reps, whatever the chunking; a live store replaces their flags.
"""

from __future__ import annotations

import numpy as np
import pytest

from hand_signals import quick_reps_deg, rep_angles_deg, sensor_from_angles
from tracker.core.exercises import get_exercise
from tracker.core.recording import Placement, Recording, RecordingMeta
from tracker.evaluation.latency import stream_in_chunks
from tracker.pipeline import RepCompleted, RepRevised, SessionSetup, analyze_recording

RATE_HZ = 50.0
EX = get_exercise("side-lying-hip-abduction")  # typical range 20-35 deg, the table's limit 63.5


def _session(fast_rom_deg: float, steady_rom_deg: float = 22.0) -> Recording:
    """Still, ten quick reps of ``fast_rom_deg`` back to back, a minute's rest, six steady reps."""
    fast, _ = quick_reps_deg(10, rate_hz=RATE_HZ, rom_deg=fast_rom_deg, rep_s=0.8, gap_s=0.1)
    steady, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=6, rom_deg=steady_rom_deg, lift_s=2.0, hold_s=1.0, lower_s=2.0,
                               lead_s=0.0)
    angle = np.concatenate([np.zeros(int(3 * RATE_HZ)), fast, np.zeros(int(60 * RATE_HZ)), steady])
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE_HZ, noise_g=0.003, seed=4)
    return Recording(t_s=t, accel_g=acc, gyro_dps=gyr, meta=RecordingMeta(sample_rate_hz=RATE_HZ))


def _beyond(reps) -> list[bool]:
    return ["beyond_range" in {f.kind.value for f in r.flags} for r in reps]


@pytest.mark.parametrize(("fast_rom_deg", "beyond"), [(45.0, True), (25.0, False)])
def test_a_first_fast_set_past_the_range_the_next_set_shows_is_flagged_beyond_range(fast_rom_deg: float,
                                                                                      beyond: bool) -> None:
    result = analyze_recording(_session(fast_rom_deg), EX, placement=Placement.THIGH)
    assert [s.rep_count for s in result.sets] == [10, 6]
    first, second = result.reps[:10], result.reps[10:]
    # twice the steady range (past 1.5 times it, under the table's 63.5): flagged; a fast set of
    # about the steady range: not
    assert _beyond(first) == [beyond] * 10
    assert _beyond(second) == [False] * 6
    if beyond:
        flag = next(f for f in first[0].flags if f.kind.value == "beyond_range")
        assert flag.threshold == pytest.approx(1.5 * 22.0, abs=1.5)


@pytest.mark.parametrize("chunk", [1, 7, 250])
def test_the_revision_goes_out_once_the_range_is_known_and_streaming_equals_batch(chunk: int) -> None:
    rec = _session(45.0)
    setup = SessionSetup.resolve(EX.exercise, Placement.THIGH, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=chunk)]
    completed = [e.rep for e in events if isinstance(e, RepCompleted)]
    revised = [e.rep for e in events if isinstance(e, RepRevised)]
    # as they ended, the fast reps passed (nothing to judge them by) ...
    assert _beyond(completed) == [False] * 16
    # ... and each was judged again, after the steady set's second rep showed the range
    assert sorted(r.index for r in revised) == list(range(1, 11))
    shown_by = max(i for i, e in enumerate(events) if isinstance(e, RepRevised))
    steady_reps_before = [e for e in events[:shown_by] if isinstance(e, RepCompleted) and e.rep.set_index == 2]
    assert len(steady_reps_before) == 2
    for r in revised:
        old = completed[r.index - 1]
        assert r.flags[:-1] == old.flags and r.flags[-1].kind.value == "beyond_range"
        assert (r.start_s, r.end_s, r.rom_deg) == (old.start_s, old.end_s, old.rom_deg)
    batch = analyze_recording(rec, EX, placement=Placement.THIGH)
    assert batch.reps[:10] == tuple(revised)


def test_a_live_session_stores_the_revised_flags_and_its_reanalysis_is_identical(tmp_path) -> None:
    """The recorder replaces a revised rep's stored flags: the report and a reanalysis of the raw
    samples agree (a real SQLite file, the session replayed from a CSV as fast as it goes)."""
    import asyncio

    from tracker.app.recorder import SessionRecorder
    from tracker.app.sessions import SessionRequest, open_replay, plan_session, reanalyse_session, show_session
    from tracker.core.exercises import Exercise
    from tracker.files.csv_recording import write_recording
    from tracker.store import SessionStatus, Store

    rec = _session(45.0)
    path = tmp_path / "fast-first.csv"
    write_recording(path, Recording(t_s=rec.t_s, accel_g=rec.accel_g, gyro_dps=rec.gyro_dps,
                                    meta=RecordingMeta(sample_rate_hz=RATE_HZ, placement=Placement.THIGH)))
    with Store.open(tmp_path / "r.db") as store:
        replay = open_replay(path, speed=float("inf"))
        planned = plan_session(store, replay.source.info, SessionRequest("Ann", Exercise.SIDE_LYING_HIP_ABDUCTION))
        recorder = SessionRecorder(store, replay.source, planned.plan)
        assert asyncio.run(recorder.run()) is SessionStatus.COMPLETE
        stored = show_session(store, recorder.session_id).result.reps
        assert _beyond(stored) == [True] * 10 + [False] * 6
        assert reanalyse_session(store, recorder.session_id, write=False).identical
        # a revision of a rep the store does not hold is refused, and changes nothing
        from dataclasses import replace

        from tracker.errors import NotFoundError
        with pytest.raises(NotFoundError, match="no rep 99"):
            store.revise_rep_flags(recorder.session_id, replace(stored[0], index=99))
        assert show_session(store, recorder.session_id).result.reps == stored


def _flicks_then_steady() -> Recording:
    """Eight 45 deg reps flicked up (0.5 s) and lowered slowly (2 s): rushed, so they show no range
    (their range measured, not read from a rhythm); a minute's rest; six steady 22 deg reps."""
    flicks, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=8, rom_deg=45.0, lift_s=0.5, hold_s=0.5, lower_s=2.0, pause_s=1.5)
    steady, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=6, rom_deg=22.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, lead_s=0.0)
    angle = np.concatenate([flicks, np.zeros(int(60 * RATE_HZ)), steady])
    t, acc, gyr = sensor_from_angles(angle, rate_hz=RATE_HZ, noise_g=0.003, seed=5)
    return Recording(t_s=t, accel_g=acc, gyro_dps=gyr, meta=RecordingMeta(sample_rate_hz=RATE_HZ))


@pytest.mark.parametrize(("gyro", "placement", "revised"), [
    (True, Placement.THIGH, 8), (False, Placement.THIGH, 0), (True, Placement.SHANK, 0)])
def test_no_revision_without_a_gyro_or_off_the_moving_segment(gyro: bool, placement: Placement, revised: int) -> None:
    """Without a gyro a quick rep's tilt is bent by the leg's own acceleration, and a shank in a
    hip exercise turns with the knee: their ranges are no yardstick across sets (UCI's correct
    blocks were flagged beyond the low-amplitude block's range so), and nothing is judged again;
    a thigh with a gyro is."""
    rec = _flicks_then_steady()
    if not gyro:
        rec = Recording(t_s=rec.t_s, accel_g=rec.accel_g, gyro_dps=None, meta=rec.meta)
    setup = SessionSetup.resolve(EX.exercise, placement, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=25)]
    completed = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(completed) == 14 and all(r.source.name == "EXCURSION" for r in completed)
    assert sum(isinstance(e, RepRevised) for e in events) == revised


def test_the_live_tally_and_the_terminal_show_the_revised_flags() -> None:
    from tracker.pipeline.live_state import LiveTally
    from tracker.terminal.live_panel import event_lines

    rec = _session(45.0)
    setup = SessionSetup.resolve(EX.exercise, Placement.THIGH, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=250)]
    tally = LiveTally()
    state = tally.apply(events[: next(i for i, e in enumerate(events) if isinstance(e, RepRevised))])
    assert state.rep_count == 12 and state.last_rep is not None and state.last_rep.index == 12
    revised = [e for e in events if isinstance(e, RepRevised)]
    lines = event_lines(revised, state)
    assert len(lines) == 10 and "rep 1 (set 1) judged again" in lines[0] and "usual range" in lines[0]
    # the last rep shown keeps its own flags: a revision of an earlier rep does not replace them
    after = tally.apply(revised)
    assert after.last_rep is not None and after.last_rep.index == 12 and after.rep_count == 12


@pytest.mark.parametrize("chunk", [1, 25])
def test_a_first_rep_short_of_the_range_its_set_shows_is_flagged_partial_once_it_is_known(chunk: int) -> None:
    """A mobile person's first lift of the session, 30 deg, then five of 50 (the table's typical
    20-35 deg): as it ended no range of theirs was known, and 30 deg is no partial rep against the
    table; once the set shows 50 it is (under 0.8 of it)."""
    first, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=1, rom_deg=30.0, lift_s=2.0, hold_s=1.0, lower_s=2.0)
    rest, _ = rep_angles_deg(rate_hz=RATE_HZ, reps=5, rom_deg=50.0, lift_s=2.0, hold_s=1.0, lower_s=2.0, lead_s=0.0)
    t, acc, gyr = sensor_from_angles(np.concatenate([first, rest]), rate_hz=RATE_HZ, noise_g=0.003, seed=6)
    rec = Recording(t_s=t, accel_g=acc, gyro_dps=gyr, meta=RecordingMeta(sample_rate_hz=RATE_HZ))
    setup = SessionSetup.resolve(EX.exercise, Placement.THIGH, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=chunk)]
    completed = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(completed) == 6 and not any(f.kind.value == "partial_rom" for r in completed for f in r.flags)
    revised = [e.rep for e in events if isinstance(e, RepRevised)]
    assert [r.index for r in revised] == [1] and [f.kind.value for f in revised[0].flags] == ["partial_rom"]
    assert revised[0].flags[0].threshold == pytest.approx(0.8 * 40.0, abs=1.5)  # the median of 30 and 50
    batch = analyze_recording(rec, EX, placement=Placement.THIGH).reps
    assert batch[0] == revised[0] and _beyond(batch) == [False] * 6


def test_a_first_fast_set_short_of_the_range_is_not_judged_partial_again() -> None:
    """Partial is judged again, as when a rep ends, against the session's typical rep too: ten
    quick 12 deg reps, then the steady 22 deg set -- the fast reps are the session's typical
    rep (a fast set falls short as often as it overshoots): too fast, not partial."""
    rec = _session(12.0)
    setup = SessionSetup.resolve(EX.exercise, Placement.THIGH, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=25)]
    completed = [e.rep for e in events if isinstance(e, RepCompleted)]
    assert len(completed) == 16 and all(r.source.name == "EXCURSION" for r in completed)
    assert all("too_fast" in {f.kind.value for f in r.flags} for r in completed[:10])
    assert not any(isinstance(e, RepRevised) for e in events)
