"""Accuracy metrics of a rep counter, as the field reports them (pure).

* counting, per set: share counted exactly, share within +-1, mean absolute error,
  miscount rate (sum of |error| over sum of true reps);
* false reps during idle time and setup motion (and the share of recordings with none);
* rep boundary error: mean of |start error| and |end error| of matched reps, as a
  percentage of the true rep's duration;
* form flags: precision, recall and F1 per flag over matched reps.

Detected and true reps are matched one-to-one, greedily by temporal overlap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TrueRep:
    start_s: float
    end_s: float
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FoundRep:
    start_s: float
    peak_s: float
    end_s: float
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TrueSet:
    start_s: float
    end_s: float
    rep_count: int


@dataclass(frozen=True)
class RecordingTruth:
    """Ground truth of one recording, whatever data set it comes from."""

    name: str
    group: str  # e.g. "side-lying-hip-abduction/thigh"
    sets: tuple[TrueSet, ...]
    reps: tuple[TrueRep, ...] | None  # None where only set counts are known
    no_rep_intervals: tuple[tuple[float, float], ...] = ()  # setup and idle motion


@dataclass
class FlagCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if not (np.isfinite(p) and np.isfinite(r)) or p + r == 0:
            return float("nan") if self.tp + self.fp + self.fn == 0 else 0.0
        return 2 * p * r / (p + r)


@dataclass
class GroupMetrics:
    set_errors: list[int] = field(default_factory=list)
    true_reps: int = 0
    false_reps_no_rep: int = 0
    recordings: int = 0
    recordings_clean: int = 0  # no false rep in setup or idle time
    boundary_errors_pct: list[float] = field(default_factory=list)
    matched: int = 0
    flags: dict[str, FlagCounts] = field(default_factory=lambda: defaultdict(FlagCounts))

    def merge(self, other: GroupMetrics) -> None:
        self.set_errors += other.set_errors
        self.true_reps += other.true_reps
        self.false_reps_no_rep += other.false_reps_no_rep
        self.recordings += other.recordings
        self.recordings_clean += other.recordings_clean
        self.boundary_errors_pct += other.boundary_errors_pct
        self.matched += other.matched
        for k, c in other.flags.items():
            mine = self.flags[k]
            mine.tp += c.tp
            mine.fp += c.fp
            mine.fn += c.fn

    def summary(self) -> dict[str, object]:
        err = np.abs(np.asarray(self.set_errors, dtype=float))
        n = err.size
        return {
            "sets": n,
            "exact_pct": round(100 * float(np.mean(err == 0)), 1) if n else None,
            "within1_pct": round(100 * float(np.mean(err <= 1)), 1) if n else None,
            "mae_per_set": round(float(err.mean()), 3) if n else None,
            "miscount_rate_pct": round(100 * float(err.sum()) / self.true_reps, 2) if self.true_reps else None,
            "recordings": self.recordings,
            "false_reps_in_setup_or_idle": self.false_reps_no_rep,
            "recordings_without_false_rep_pct": round(100 * self.recordings_clean / self.recordings, 1) if self.recordings else None,
            "boundary_error_pct_of_duration": round(float(np.median(self.boundary_errors_pct)), 2) if self.boundary_errors_pct else None,
            "boundary_error_mean_pct": round(float(np.mean(self.boundary_errors_pct)), 2) if self.boundary_errors_pct else None,
            "matched_reps": self.matched,
            "flags": {
                k: {"tp": c.tp, "fp": c.fp, "fn": c.fn,
                    "precision": _round(c.precision), "recall": _round(c.recall), "f1": _round(c.f1)}
                for k, c in sorted(self.flags.items())
            },
        }


def _round(x: float) -> float | None:
    return round(x, 3) if np.isfinite(x) else None


#: a counted rep belongs to the set whose span, widened by this on both sides, holds its peak (a set's
#: first rep can peak just before the labelled start when its onset is early, the last just after)
SET_MARGIN_S = 1.0


def in_set(s: TrueSet, f: FoundRep) -> bool:
    """``f`` is counted in set ``s`` (its peak within :data:`SET_MARGIN_S` of the set's span)."""
    return s.start_s - SET_MARGIN_S <= f.peak_s <= s.end_s + SET_MARGIN_S


def set_reps(truth: RecordingTruth, s: TrueSet) -> tuple[TrueRep, ...]:
    """The labelled reps of ``truth`` inside set ``s`` (``truth.reps`` must be known)."""
    assert truth.reps is not None
    return tuple(r for r in truth.reps if s.start_s <= r.start_s and r.end_s <= s.end_s)


def match_reps(true: Sequence[TrueRep], found: Sequence[FoundRep]) -> list[tuple[int, int]]:
    """One-to-one matches (true index, found index), greedy by overlap, overlap > 0."""
    pairs = []
    for i, t in enumerate(true):
        for j, f in enumerate(found):
            ov = min(t.end_s, f.end_s) - max(t.start_s, f.start_s)
            if ov > 0:
                pairs.append((ov, i, j))
    pairs.sort(reverse=True)
    used_t: set[int] = set()
    used_f: set[int] = set()
    out = []
    for _, i, j in pairs:
        if i in used_t or j in used_f:
            continue
        used_t.add(i)
        used_f.add(j)
        out.append((i, j))
    return sorted(out)


def evaluate_recording(truth: RecordingTruth, found: Sequence[FoundRep], flag_names: Iterable[str] = ()) -> GroupMetrics:
    """Metrics of one recording. ``flag_names`` are the flags to score (others are ignored)."""
    m = GroupMetrics(recordings=1)
    # counting per set: a found rep belongs to the set whose span contains its peak
    for s in truth.sets:
        n_found = sum(1 for f in found if in_set(s, f))
        m.set_errors.append(n_found - s.rep_count)
        m.true_reps += s.rep_count
    false_reps = sum(1 for f in found if any(a <= f.peak_s <= b for a, b in truth.no_rep_intervals))
    m.false_reps_no_rep = false_reps
    m.recordings_clean = int(false_reps == 0)
    if truth.reps is not None:
        matches = match_reps(truth.reps, found)
        m.matched = len(matches)
        for i, j in matches:
            t, f = truth.reps[i], found[j]
            dur = max(t.end_s - t.start_s, 1e-6)
            m.boundary_errors_pct.append(100.0 * (abs(f.start_s - t.start_s) + abs(f.end_s - t.end_s)) / 2.0 / dur)
            for k in flag_names:
                has_t, has_f = k in t.flags, k in f.flags
                c = m.flags[k]
                if has_t and has_f:
                    c.tp += 1
                elif has_f:
                    c.fp += 1
                elif has_t:
                    c.fn += 1
    return m
