"""The two UCI subjects replayed faster (``reptrack eval --tempo``): a proxy for people who move
faster than they did, the engine's check that its counts do not hang on their tempo.

A faster person overshoots the rest and settles without ever being still (subject 2's prone leg
lifts: a pause is relative to the rep's own speed), and a small dip past the rest after a rep
comes right before the next rep (subject 1's low-amplitude side-lying block: a movement against
the set's reps does not break it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.hand_signals import rep_angles_deg, sensor_from_angles
from tracker.core.recording import Recording
from tracker.evaluation.runner import evaluate_uci, replayed_faster
from tracker.evaluation.uci import PlacementSelection


@pytest.mark.parametrize("subject", ["s1", "s2"])
def test_every_block_of_a_subject_replayed_a_quarter_faster_is_within_one_rep(uci_root: Path, subject: str) -> None:
    report = evaluate_uci(uci_root, placements=PlacementSelection.ALL, subject=subject, tempo=1.25)
    rows = report.extra["recordings"]
    assert len(rows) == 8  # four exercises, thigh and shank
    off = {r["recording"]: r["errors"] for r in rows if any(abs(e) > 1 for e in r["errors"])}
    assert not off


def test_subject_2s_low_amplitude_prone_lifts_half_again_faster_are_all_counted(uci_root: Path) -> None:
    # replayed 1.5 times faster, a small movement starts as a low rep lands (the leg bouncing):
    # taken for a movement of its own, it cost the block a rep (9 of 10)
    report = evaluate_uci(uci_root, placements=PlacementSelection.ALL, subject="s2", tempo=1.5)
    errors = {r["recording"]: r["errors"] for r in report.extra["recordings"]}
    assert errors["s2/e5/u3"][2] == 0


def test_a_replay_turns_the_person_faster_not_the_sensors_offset() -> None:
    # the gyro reads its offset at rest; multiplied with the rates of turn, subject 2's shank
    # sensor (3-3.5 deg/s) read 7 deg/s at twice the tempo, and a still leg looked moving
    rate_hz = 50.0
    angle, _ = rep_angles_deg(rate_hz=rate_hz, reps=4, rom_deg=30.0)
    t, acc, gyr = sensor_from_angles(angle, rate_hz=rate_hz)
    offset = np.array([2.5, -2.0, 1.0])
    fast = replayed_faster(Recording(t_s=t, accel_g=acc, gyro_dps=gyr + offset), 2.0)
    assert np.allclose(fast.t_s, t / 2.0)
    assert np.allclose(fast.gyro_dps, 2.0 * gyr + offset, atol=1e-9)


def test_subject_2s_fast_prone_lifts_twice_as_fast_are_counted(uci_root: Path) -> None:
    # replayed twice as fast, the shank rebounds 16-26 deg for 0.5-0.8 s as each 0.6-0.9 s rep
    # lands, and the segment is briefly still after some landings: timed from the rep's end the
    # next rep came too late for a fast set, and a pair of quick reps after a quick rep counted
    # alone was turned down as a step or two -- the block counted 0
    report = evaluate_uci(uci_root, placements=PlacementSelection.ALL, subject="s2", tempo=2.0)
    rows = {r["recording"]: r for r in report.extra["recordings"]}
    assert abs(rows["s2/e5/u2"]["errors"][1]) <= 1
    assert all(count > 0 for r in rows.values() for count in r["counts"].values())
