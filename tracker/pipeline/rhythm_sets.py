"""Fast sets without a gyro, counted from their rhythm (streaming part of :mod:`rhythm`).

The detector's excursions cannot time a fast rep without a gyro (see :mod:`tracker.pipeline.rhythm`):
a set of them comes out as pieces turned down as too short or quick. This part watches the
same stream for *bursts* -- movement from a rest (still for ``quiet_before_s``) to the next rest
of ``burst_rest_s`` (a fast set's reps come 0-0.2 s apart; a pause of ``quiet_before_s`` within
a set, where the tilt's speed dips under the still speed, does not end it) -- keeps the
burst's samples, and when the rest after it has lasted ``burst_rest_s``, reads the burst as
cycles and makes each a rep candidate (:class:`RepCandidate`, measured by :func:`cycle_metrics`).

Whether they count is for :meth:`tracker.pipeline.runs.RunTracker.rhythm_verdict`: only where a
walk can be told from a set (``PipelineConfig.reads_fast_sets_from_rhythm``), from the rest of a
set counted there, or held until the next set counted is at its rest -- a walk is as periodic as
a fast set (a share of its power at its stride rate and multiples of 0.3-0.9, mostly 0.6-0.7, on
the real-behaviour corpus of seed 2026, against 0.2-0.8 for fast sets).

Sans-IO and chunk-free: it reads per-sample values the detector computed for any chunking,
and the detector hands it the stream split at the samples where a rest reaches ``burst_rest_s``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.candidate import RepCandidate
from tracker.pipeline.orientation import dot_rows, unit
from tracker.pipeline.rep_metrics import RepMetrics
from tracker.pipeline.rhythm import RhythmConfig, cycle_range_deg, find_cycles
from tracker.pipeline.types import RepSource


@dataclass(frozen=True)
class Burst:
    """Movement between two rests: its samples with ``quiet_n`` of the rest either side."""

    first: int  # absolute index of its first sample
    t_s: NDArray[np.float64]
    accel_g: NDArray[np.float64]
    up: NDArray[np.float64]
    shake_g: NDArray[np.float64]
    rest_before_g: NDArray[np.float64]  # mean specific force over the rest before ...
    rest_after_g: NDArray[np.float64]  # ... and after it
    rest_up: NDArray[np.float64]  # the segment's up direction at the rest before (unit)

    @property
    def force_along_rest(self) -> float:
        """The mean specific force over the burst along the rest's up direction, as a share of the
        rest's own (:attr:`~tracker.pipeline.config.PipelineConfig.tells_lying_rest_from_rhythm`).

        Over a burst that leaves a rest and comes back to it the tangential acceleration averages
        out; gravity's reaction, turned by the tilt, keeps ``cos(tilt)`` of itself along the rest's
        up; the centripetal acceleration (``r * w**2``, towards the joint) lies along the segment.
        A segment lying across gravity (a leg lying down) adds nothing along the rest's up: under 1.
        One along gravity (a standing leg in a walk) adds its centripetal term, and a shank
        sensor 0.3-0.4 m below the knee adds more than the tilt takes in any stride quicker than
        1.7 s at 0.3 m (``r w**2 > g / 2``): over 1. Read against the rest after the burst (its
        last samples, a second after it): the rest before ends where the tilt starts to move, and a
        lift's first push (along the rest's up, lying) or a weight shift before a step (along a
        hanging shank, which does not tilt it) is in it (review helper-58: a 20 deg set read 0.84
        against it, 0.98 against the rest after). Summed exactly (``math.fsum``)."""
        rest = math.hypot(*self.rest_after_g.tolist())
        if rest <= 0.0 or self.accel_g.shape[0] == 0:
            return math.inf
        along = dot_rows(self.accel_g, self.rest_after_g / rest)
        return math.fsum(along.tolist()) / along.size / rest


class BurstWatcher:
    """Cuts the stream into bursts (state: the recent samples, the open burst's samples).

    Cheap per block (``feed`` runs for every block of a sensor without a gyro lying down): blocks
    are kept as they came, and joined only when a burst opens or closes."""

    def __init__(self, *, quiet_n: int, rest_n: int, max_n: int) -> None:
        self._quiet_n = quiet_n  # a rest: still for this many samples ...
        self.rest_n = rest_n  # ... a burst's end: still for this many
        self._max_n = max_n  # a longer burst is no set of fast reps: dropped
        self._last_run = 0  # the still run at the last sample seen
        self._next = 0  # absolute index of the next sample
        # the latest blocks, at least ``quiet_n`` samples of them (the rest before a burst)
        self._recent: list[_Block] = []
        self._recent_n = 0
        # the open burst's blocks (its rest before first), or None
        self._parts: list[_Block] | None = None
        self._open_at = 0
        self._open_n = 0
        #: the open burst's rest before it: mean specific force, up direction, its first sample's time
        self._rest: tuple[NDArray[np.float64], NDArray[np.float64], float] = (np.zeros(3), np.zeros(3), 0.0)

    def reset(self) -> None:
        """After a gap in the data: no rest is known, no burst open."""
        self._last_run = 0
        self._recent, self._recent_n = [], 0
        self._parts = None
        self._open_n = 0

    def feed(self, first: int, t_s: NDArray[np.float64], accel_g: NDArray[np.float64], up: NDArray[np.float64],
             shake_g: NDArray[np.float64], still_run: NDArray[np.int64]) -> Burst | None:
        """Samples from absolute index ``first`` on; the last burst that closes among them, if one
        does (the detector splits the stream where one may: :meth:`split_points`)."""
        if first != self._next:
            self.reset()  # samples skipped (a gap): start again
        n = t_s.size
        self._next = first + n
        block: _Block = (t_s, accel_g, up, shake_g)
        last_run = self._last_run
        self._last_run = int(still_run[-1])
        if self._parts is None and self._last_run >= n:
            self._remember(block)  # still throughout: no burst opens (the usual block)
            return None
        closed: Burst | None = None
        i = 0
        while i < n:
            if self._parts is None:
                # a burst opens at the first moving sample after a rest
                prev = np.concatenate(([last_run], still_run[:-1]))[i:]
                opens = np.flatnonzero((still_run[i:] == 0) & (prev >= self._quiet_n))
                if opens.size == 0:
                    self._remember(_cut(block, i, n))
                    break
                j = i + int(opens[0])
                self._remember(_cut(block, i, j))
                if self._recent_n >= self._quiet_n:  # (after a gap, a rest shorter than that)
                    rest = _cut(_join(self._recent), self._recent_n - self._quiet_n, self._recent_n)
                    self._parts = [rest]
                    self._rest = (rest[1].mean(axis=0), unit(rest[2].mean(axis=0)), float(rest[0][0]))
                    self._open_at = first + j - self._quiet_n
                    self._open_n = self._quiet_n
                    i = j
                else:
                    self._remember(_cut(block, j, j + 1))
                    i = j + 1
                continue
            # open: it closes where the rest after it reaches ``rest_n``
            run = still_run[i:]
            ends = np.flatnonzero(run == self.rest_n) if int(run.max()) >= self.rest_n else _NO_SAMPLES
            stop = n if ends.size == 0 else i + int(ends[0]) + 1
            room = self._max_n + self.rest_n - self._open_n  # samples it may take before it is too long
            if stop - i > room or (stop - i == room and not ends.size):
                # too long for a set of fast reps: dropped once it has all the samples it may take
                # (the detector cuts the stream there: :attr:`room`), and the rest of the block
                # looked at afresh (a burst may open there, whatever the chunking)
                over = i + max(room, 0)
                self._parts.append(_cut(block, i, over))
                self._recent, self._recent_n = [], 0
                self._remember(_join(self._parts))
                self._parts = None
                i = over
                continue
            self._parts.append(_cut(block, i, stop))
            self._open_n += stop - i
            if ends.size:
                closed = self._close(self.rest_n)
            i = stop
        return closed

    @property
    def open_rest(self) -> tuple[NDArray[np.float64], NDArray[np.float64], float] | None:
        """The rest before the burst under way (mean specific force, up direction, the time it is
        taken from), or None: what decides whether it may be a fast set, without joining its samples."""
        return None if self._parts is None else self._rest

    def open_burst(self) -> Burst | None:
        """The burst under way so far (its rest after taken as the rest before it: a fast set comes
        back there), or None."""
        if self._parts is None:
            return None
        t, acc, up, shake = _join(self._parts)
        rest_g, rest_up, _ = self._rest
        return Burst(first=self._open_at, t_s=t, accel_g=acc, up=up, shake_g=shake, rest_before_g=rest_g,
                     rest_after_g=rest_g, rest_up=rest_up)

    @staticmethod
    def split_points(still_run: NDArray[np.int64], rest_n: int) -> NDArray[np.int64]:
        """Offsets just after the samples where a rest reaches ``rest_n``: a burst may close there."""
        return np.flatnonzero(still_run == rest_n) + 1

    def _remember(self, block: _Block) -> None:
        """Keep ``block`` among the latest, dropping blocks no longer needed for ``quiet_n`` samples."""
        k = block[0].size
        if k == 0:
            return
        self._recent.append(block)
        self._recent_n += k
        while self._recent_n - self._recent[0][0].size >= self._quiet_n:
            self._recent_n -= self._recent.pop(0)[0].size

    @property
    def room(self) -> int:
        """Samples the burst under way may still take; it is dropped at the last of them (at least 1)."""
        return max(1, self._max_n + self.rest_n - self._open_n)

    @property
    def is_open(self) -> bool:
        """A burst is under way."""
        return self._parts is not None

    def finish(self) -> Burst | None:
        """The end of the stream: the burst under way, closed if a rest of ``quiet_n`` follows it
        (a set ended just before the recording did), else dropped."""
        if self._parts is None or self._last_run < self._quiet_n:
            self._parts = None
            return None
        return self._close(self._last_run)

    def _close(self, rest_after_n: int) -> Burst | None:
        """The open burst, ended by a rest of ``rest_after_n`` samples (its last ones)."""
        assert self._parts is not None
        t, acc, up, shake = _join(self._parts)
        self._parts = None
        q = self._quiet_n
        # the rest after: its first ``quiet_n`` samples end the burst, its last ``quiet_n`` are its
        # mean and the rest before the next burst
        end = t.size - rest_after_n + q
        self._recent, self._recent_n = [], 0
        self._remember(_cut((t, acc, up, shake), t.size - q, t.size))
        return Burst(
            first=self._open_at, t_s=t[:end], accel_g=acc[:end], up=up[:end], shake_g=shake[:end],
            rest_before_g=self._rest[0], rest_after_g=acc[-q:].mean(axis=0), rest_up=self._rest[1],
        )


#: a run of samples: times, specific force, up direction, shake
_Block = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]
_NO_SAMPLES: NDArray[np.int64] = np.empty(0, dtype=np.int64)


def _cut(block: _Block, a: int, b: int) -> _Block:
    return (block[0][a:b], block[1][a:b], block[2][a:b], block[3][a:b])


def _join(blocks: list[_Block]) -> _Block:
    if len(blocks) == 1:
        return blocks[0]
    return (np.concatenate([b[0] for b in blocks]), np.concatenate([b[1] for b in blocks]),
            np.concatenate([b[2] for b in blocks]), np.concatenate([b[3] for b in blocks]))


def cycle_metrics(burst: Burst, a: int, b: int) -> RepMetrics:
    """A cycle's measurements (samples ``a..b`` of ``burst``): its range estimated from its mean
    specific force (:func:`rhythm.cycle_range_deg`), its lift and lowering each half of it (a rep
    of a fast set has no hold, and its tilt cannot time the turn), its peak speed as a raised
    cosine's over that range (pi times the range over the duration), its shake measured; no
    SPARC, speed peaks or tremor without a gyro's speed."""
    rom, direction = cycle_range_deg(burst.accel_g[a: b + 1], burst.rest_up)
    duration = float(burst.t_s[b] - burst.t_s[a])
    shake = burst.shake_g[a: b + 1]
    axis = unit(np.cross(burst.rest_up, direction))
    return RepMetrics(
        rom_deg=rom, lift_s=duration / 2.0, hold_s=0.0, lower_s=duration / 2.0,
        peak_speed_dps=math.pi * rom / max(duration, 1e-6), sparc=math.nan, velocity_peaks=1,
        shake_g=float(np.sqrt(np.mean(shake * shake))), tremor_dps=0.0, direction=direction, axis=axis, lateral_deg=0.0,
    )


def rhythm_candidates(burst: Burst, *, sample_rate_hz: float, config: RhythmConfig, min_cycles: int,
                      max_mean_cycle_s: float, min_rom_deg: float) -> list[RepCandidate]:
    """The burst's cycles as rep candidates, or none: no rhythm (:func:`rhythm.find_cycles`), fewer
    than ``min_cycles``, or cycles slower on average than ``max_mean_cycle_s`` (reps that slow
    show their own tilt: the detector times them) or quicker than the quickest rep, or whose
    median estimated range is under ``min_rom_deg`` (the exercise's smallest rep)."""
    rhythm = find_cycles(burst.accel_g, sample_rate_hz=sample_rate_hz, rest_before_g=burst.rest_before_g,
                         rest_after_g=burst.rest_after_g, config=config)
    if rhythm is None or rhythm.cycles < min_cycles:
        return []
    t = burst.t_s
    mean_cycle_s = (t[rhythm.last] - t[rhythm.first]) / rhythm.cycles
    if not config.min_cycle_s <= mean_cycle_s <= max_mean_cycle_s:
        return []  # (quicker: the phase ran ahead of the rep rate in noise or a wobble)
    metrics = [cycle_metrics(burst, rhythm.bounds[k], rhythm.bounds[k + 1]) for k in range(rhythm.cycles)]
    if float(np.median([m.rom_deg for m in metrics])) < min_rom_deg:
        return []  # cycles that hardly turn the segment (a wobble), though the estimate reads low
    cands = []
    way = unit(np.sum([m.direction for m in metrics], axis=0))
    for k in range(rhythm.cycles):
        a, b = rhythm.bounds[k], rhythm.bounds[k + 1]
        peak = (a + b) // 2
        # past the rest the other way (the up vector against the way): a walk's swing back
        against = float((-dot_rows(burst.up[a: b + 1], way)).max())
        cands.append(RepCandidate(
            start=burst.first + a, peak=burst.first + peak, end=burst.first + b,
            start_s=float(t[a]), peak_s=float(t[peak]), end_s=float(t[b]),
            quiet_before=k == 0, calm_before=k == 0, pause=None, metrics=metrics[k],
            start_up=burst.up[a].copy(), end_up=burst.up[b].copy(), ref=burst.rest_up, source=RepSource.RHYTHM,
            swing_back_deg=math.degrees(math.asin(min(max(against, 0.0), 1.0))),
        ))
    return cands
