"""The sets an evaluation counted wrong, and why (pure).

For each labelled set whose count is off: the labelled reps no counted rep matches, the counted
reps that match no labelled rep, and the engine's own reasons for the movements it turned down
during each missed rep ("too short for a rep", "settled away from the start posture", ...). Where
only set counts are known (UCI blocks), the reasons of every movement turned down in the set.
This is what ``reptrack eval --misses`` prints: the list to read before changing a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.evaluation.metrics import FoundRep, RecordingTruth, TrueRep, in_set, match_reps, set_reps
from tracker.pipeline.types import RejectedMovement


@dataclass(frozen=True)
class MissedRep:
    """A labelled rep no counted rep matches, and why the movements during it were turned down."""

    start_s: float
    end_s: float
    reasons: tuple[str, ...]  # distinct, in the order they came; else merged into a counted rep, or unseen


@dataclass(frozen=True)
class SetMiss:
    recording: str
    set_number: int  # 1-based, in the labels' order
    start_s: float
    end_s: float
    true_count: int
    counted: int
    missed: tuple[MissedRep, ...]  # empty when reps are not labelled
    extra: tuple[tuple[float, float], ...]  # counted reps (start, end) that match no labelled rep
    reasons: tuple[str, ...]  # reps not labelled: the reasons of what was turned down in the set

    def to_json(self) -> dict[str, Any]:
        return {
            "recording": self.recording, "set": self.set_number, "start_s": round(self.start_s, 2),
            "end_s": round(self.end_s, 2), "true": self.true_count, "counted": self.counted,
            "missed": [{"start_s": round(m.start_s, 2), "end_s": round(m.end_s, 2), "reasons": list(m.reasons)}
                       for m in self.missed],
            "extra": [[round(a, 2), round(b, 2)] for a, b in self.extra],
            "reasons": list(self.reasons),
        }


def _reason(text: str) -> str:
    """A reason without its numbers ("too short for a rep (0.31 s)" -> "too short for a rep")."""
    return text.split(" (", 1)[0]


def _distinct(reasons: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(reasons))


#: a missed rep nothing was turned down during, and no counted rep overlaps: the engine saw no
#: movement there (a rep under the detector's onset level, or read as the segment's rest)
UNSEEN = "no movement seen there (under the onset level, or read as the rest)"


def _overlap(a: RejectedMovement | FoundRep, b: TrueRep) -> bool:
    return min(a.end_s, b.end_s) - max(a.start_s, b.start_s) > 0


def _unexplained(rep: TrueRep, near: Sequence[FoundRep]) -> tuple[str, ...]:
    """Why a missed rep with no movement turned down during it was missed: a counted rep overlaps
    it (merged into that rep), or none does (unseen)."""
    merged = [f for f in near if _overlap(f, rep)]
    if merged:
        return (f"merged into the rep counted at {merged[0].start_s:.1f}-{merged[0].end_s:.1f} s",)
    return (UNSEEN,)


def set_misses(truth: RecordingTruth, found: Sequence[FoundRep], turned: Sequence[RejectedMovement]) -> list[SetMiss]:
    """The sets of ``truth`` whose count ``found`` gets wrong (as :func:`evaluate_recording` counts
    them), each with what was missed, what was extra and the reasons of ``turned`` there."""
    out = []
    for number, s in enumerate(truth.sets, start=1):
        near = [f for f in found if in_set(s, f)]
        if len(near) == s.rep_count:
            continue
        if truth.reps is None:
            reasons = _distinct([_reason(t.reason) for t in turned if s.start_s <= t.start_s <= s.end_s])
            out.append(SetMiss(truth.name, number, s.start_s, s.end_s, s.rep_count, len(near), (), (), reasons))
            continue
        reps = set_reps(truth, s)
        pairs = match_reps(reps, near)
        hit_true = {i for i, _ in pairs}
        hit_found = {j for _, j in pairs}
        missed = tuple(
            MissedRep(r.start_s, r.end_s, _distinct([_reason(t.reason) for t in turned if _overlap(t, r)])
                      or _unexplained(r, near))
            for i, r in enumerate(reps) if i not in hit_true
        )
        extra = tuple((f.start_s, f.end_s) for j, f in enumerate(near) if j not in hit_found)
        out.append(SetMiss(truth.name, number, s.start_s, s.end_s, s.rep_count, len(near), missed, extra, ()))
    return out


def format_misses(misses: Sequence[dict[str, Any]]) -> list[str]:
    """Lines for the text report: one per set off, then one per missed rep."""
    lines = []
    for m in misses:
        extra = f"; counted where no rep was labelled: {', '.join(f'{a:.1f}-{b:.1f} s' for a, b in m['extra'])}" if m["extra"] else ""
        lines.append(f"  {m['recording']} set {m['set']} ({m['start_s']:.1f}-{m['end_s']:.1f} s): "
                     f"{m['counted']} counted of {m['true']}{extra}")
        for r in m["missed"]:
            why = "; ".join(r["reasons"])
            lines.append(f"      missed {r['start_s']:.1f}-{r['end_s']:.1f} s: {why}")
        if m["reasons"]:
            lines.append(f"      turned down in the set: {'; '.join(m['reasons'])}")
    return lines


__all__ = ["MissedRep", "SetMiss", "format_misses", "set_misses"]
