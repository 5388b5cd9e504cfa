"""The two UCI subjects replayed faster (``reptrack eval --tempo``): a proxy for people who move
faster than they did, the engine's check that its counts do not hang on their tempo.

A faster person overshoots the rest and settles without ever being still (subject 2's prone leg
lifts: a pause is relative to the rep's own speed), and a small dip past the rest after a rep
comes right before the next rep (subject 1's low-amplitude side-lying block: a movement against
the set's reps does not break it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.evaluation.runner import evaluate_uci
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
