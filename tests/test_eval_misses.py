"""``reptrack eval --misses``: the sets counted wrong, what was missed and the engine's reasons (pure)."""

from __future__ import annotations

from tracker.evaluation.metrics import FoundRep, RecordingTruth, TrueRep, TrueSet, evaluate_recording
from tracker.evaluation.misses import format_misses, set_misses
from tracker.pipeline.types import RejectedMovement


def _truth(reps: bool = True) -> RecordingTruth:
    sets = (TrueSet(10.0, 40.0, 3), TrueSet(100.0, 130.0, 3))
    labelled = (TrueRep(10.0, 18.0), TrueRep(20.0, 28.0), TrueRep(32.0, 40.0),
                TrueRep(100.0, 108.0), TrueRep(110.0, 118.0), TrueRep(122.0, 130.0))
    return RecordingTruth("rec", "clamshell/thigh", sets, labelled if reps else None)


FOUND = [
    FoundRep(10.2, 14.0, 17.8), FoundRep(32.1, 36.0, 39.9),  # set 1: the second rep missed
    FoundRep(100.1, 104.0, 107.9), FoundRep(110.2, 114.0, 117.7), FoundRep(122.1, 126.0, 129.9),  # set 2: right
]
TURNED = [RejectedMovement(20.5, 21.0, 5.0, "too short for a rep (0.50 s)"), RejectedMovement(21.2, 27.5, 5.0, "settled away from the start posture"),
          RejectedMovement(21.3, 22.0, 5.0, "too short for a rep (0.70 s)"), RejectedMovement(50.0, 60.0, 5.0, "too long for one rep")]


def test_a_set_counted_short_names_the_rep_missed_and_the_reasons_during_it() -> None:
    off = set_misses(_truth(), FOUND, TURNED)
    assert len(off) == 1  # the set counted right is not listed
    m = off[0]
    assert (m.set_number, m.true_count, m.counted) == (1, 3, 2)
    assert [(r.start_s, r.end_s) for r in m.missed] == [(20.0, 28.0)]
    # distinct, in order, without their numbers; a rejection outside the rep is not its reason
    assert m.missed[0].reasons == ("too short for a rep", "settled away from the start posture")
    assert m.extra == ()
    # consistent with the evaluation's own count
    assert evaluate_recording(_truth(), FOUND).set_errors == [-1, 0]


def test_a_rep_counted_where_none_was_labelled_is_extra() -> None:
    found = [*FOUND, FoundRep(118.5, 120.0, 121.5)]  # a fourth "rep" in set 2, between two labelled ones
    off = set_misses(_truth(), found, [])
    assert [(m.set_number, m.counted, m.true_count) for m in off] == [(1, 2, 3), (2, 4, 3)]
    assert off[1].missed == () and off[1].extra == ((118.5, 121.5),)
    lines = format_misses([m.to_json() for m in off])
    assert "  rec set 2 (100.0-130.0 s): 4 counted of 3; counted where no rep was labelled: 118.5-121.5 s" in lines
    assert "      missed 20.0-28.0 s: no movement seen there (under the onset level, or read as the rest)" in lines


def test_a_rep_missed_inside_a_counted_one_was_merged_into_it() -> None:
    # stop 45: a missed rep with nothing turned down during it said only "merged into a neighbouring
    # rep?"; a counted rep over it says which, and with none over it, that nothing was seen there
    found = [FoundRep(10.2, 20.0, 27.8), FOUND[1], *FOUND[2:]]  # the first two labelled reps as one
    off = set_misses(_truth(), found, [])
    assert [(r.start_s, r.reasons) for r in off[0].missed] == [(10.0, ("merged into the rep counted at 10.2-27.8 s",))]


def test_sets_without_labelled_reps_list_what_was_turned_down_in_them() -> None:
    found = FOUND[:2] + FOUND[3:]
    off = set_misses(_truth(reps=False), found, TURNED)
    assert [(m.set_number, m.counted) for m in off] == [(1, 2), (2, 2)]
    assert off[0].missed == () and off[0].reasons == ("too short for a rep", "settled away from the start posture")
    assert off[1].reasons == ()
    lines = format_misses([m.to_json() for m in off])
    assert lines[0] == "  rec set 1 (10.0-40.0 s): 2 counted of 3"
    assert lines[1] == "      turned down in the set: too short for a rep; settled away from the start posture"
