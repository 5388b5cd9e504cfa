"""The session's typical rep, that partial_rom judges a rep against beside the person's usual
range, is read from its reps but for partial returns' (issue 11, stop 51).

A session's first set of partial returns -- the leg lifted to half its range, then brought back
only half of the way and lifted again -- has a dozen reps of a quarter of the person's range. Read
from every rep, the session's typical rep was that quarter, and no short rep of a full set after it
was partial; read from the reps that did not start part of the way up (the partial set's first
lift, the full set's reps), it is the person's range.
"""

from __future__ import annotations

import numpy as np
import pytest

from hand_signals import min_jerk, sensor_from_angles
from tracker.core.exercises import get_exercise
from tracker.core.recording import Placement, Recording, RecordingMeta
from tracker.evaluation.latency import stream_in_chunks
from tracker.pipeline import RepCompleted, RepRevised, SessionSetup, analyze_recording

RATE_HZ = 50.0
EX = get_exercise("side-lying-hip-abduction")  # typical range 20-35 deg
FULL_DEG = 30.0


def _move(a_deg: float, b_deg: float, s: float) -> np.ndarray:
    return a_deg + (b_deg - a_deg) * min_jerk(int(s * RATE_HZ))


def _still(deg: float, s: float) -> np.ndarray:
    return np.full(int(s * RATE_HZ), deg)


def _session(short_rom_deg: float) -> Recording:
    """Still; a set of partial returns (a lift to half the range, then 9 more between a quarter and
    a half of it); a minute's rest; 6 reps of the full range, the 4th only ``short_rom_deg``."""
    top, low = 0.5 * FULL_DEG, 0.25 * FULL_DEG
    parts = [_still(0.0, 3.0), _move(0.0, top, 1.5), _still(top, 1.0)]
    for _ in range(9):
        parts += [_move(top, low, 1.2), _still(low, 0.6), _move(low, top, 1.2), _still(top, 1.0)]
    parts += [_move(top, 0.0, 1.5), _still(0.0, 60.0)]
    for k in range(6):
        rom = short_rom_deg if k == 3 else FULL_DEG
        parts += [_move(0.0, rom, 2.0), _still(rom, 1.0), _move(rom, 0.0, 2.0), _still(0.0, 2.0)]
    parts.append(_still(0.0, 3.0))
    t, acc, gyr = sensor_from_angles(np.concatenate(parts), rate_hz=RATE_HZ, noise_g=0.003, seed=5)
    return Recording(t_s=t, accel_g=acc, gyro_dps=gyr, meta=RecordingMeta(sample_rate_hz=RATE_HZ))


def _partial(rep) -> bool:
    return "partial_rom" in {f.kind.value for f in rep.flags}


@pytest.mark.parametrize(("short_rom_deg", "flagged"), [(15.0, True), (27.0, False)])
def test_a_short_rep_after_a_set_of_partial_returns_is_partial(short_rom_deg: float, flagged: bool) -> None:
    result = analyze_recording(_session(short_rom_deg), EX, placement=Placement.THIGH)
    assert [s.rep_count for s in result.sets] == [10, 6]
    full = result.reps[10:]
    # half the range (under 80 % of it): partial; 90 % of it: not. The full set's other reps: not
    assert [_partial(r) for r in full] == [False, False, False, flagged, False, False]
    if flagged:
        flag = next(f for f in full[3].flags if f.kind.value == "partial_rom")
        assert flag.threshold == pytest.approx(0.8 * FULL_DEG, abs=1.5)


@pytest.mark.parametrize("chunk", [1, 13, 100_000])
def test_streaming_judges_the_short_rep_as_the_batch_does(chunk: int) -> None:
    rec = _session(15.0)
    setup = SessionSetup.resolve(EX.exercise, Placement.THIGH, with_pelvis=False)
    events = [s.event for s in stream_in_chunks(setup, rec, None, chunk_n=chunk)]
    latest = {}
    for e in events:
        if isinstance(e, (RepCompleted, RepRevised)):
            latest[e.rep.index] = e.rep
    batch = analyze_recording(rec, EX, placement=Placement.THIGH)
    assert tuple(latest[i] for i in sorted(latest)) == batch.reps
    assert _partial(batch.reps[13])
