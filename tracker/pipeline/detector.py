"""The streaming rep detector: a sans-IO engine, ``feed(samples) -> events``.

How it works
------------
1. Timestamps are checked; single dropped samples are filled by linear
   interpolation, holes longer than ``gap_s`` become a :class:`GapDetected` and the
   engine restarts after them (nothing is invented across a real gap).
2. :class:`~tracker.pipeline.orientation.OrientationTracker` turns the samples into the
   segment's "up" direction in the sensor frame (gravity, gyro-fused when there is a gyro)
   and its angular speed; they are kept, by absolute sample index, in
   :class:`~tracker.pipeline.history.History`.
3. The *reference posture* is the mean up direction over ``still_s`` of stillness. It is
   re-taken at every new still period near it, which follows slow drift of the strap
   or the body.
4. The rep signal is the tilt of the segment away from the reference,
   ``theta = angle(up, up_ref)``. It needs no knowledge of how the strap is turned: any
   single-joint movement of the segment that is not a pure rotation about the vertical
   tilts the up vector. The rotation axis of each rep is measured (``up_ref x up_peak``)
   and reported.
5. A state machine with hysteresis finds excursions (this module): entry above the
   exercise's ``min_detect_rom_deg``, the peak followed through any hold, exit below
   ``exit_fraction`` of the peak, end back near the reference or settled -- or, when the
   segment rests part of the way back and lifts again from there (a raised rest), where
   that rest began. Its modes are
   :class:`_Mode`; what moves it on is a named :class:`Transition`, one method per mode
   (``_advance_idle``, ``_advance_lifting``, ``_advance_lowering``), ties at a sample
   broken by the mode's ``*_PRIORITY`` tuple. Every level is a field of
   :class:`~tracker.pipeline.config.DetectorConfig`.
6. A closed excursion is measured by a pure function of its samples,
   :func:`~tracker.pipeline.rep_metrics.measure_rep` (range, phases, tempo, hold,
   smoothness, direction, axis), and becomes a
   :class:`~tracker.pipeline.candidate.RepCandidate` -- unless its duration or range is
   implausible for the exercise, or the segment settles away from the reference (a
   posture change: lying down, standing up).
7. Gating against setup motion (:class:`~tracker.pipeline.runs.RunTracker`): a candidate
   counts only as part of a *run*: the first rep of a run must start from stillness, and
   a rep is confirmed once a second rep in the same direction follows within
   ``run_gap_s``. Walking swings the thigh both ways without rest, so it never forms a
   run; a real set does from its second rep on (the first rep is shown at once as a
   :class:`RepTentative` when it looks like one, and counted together with the second).
   Sets split at rests longer than ``set_gap_s``, posture changes and data gaps.
   A lift that has come back down to ``show_on_the_way_down_fraction`` of its peak and stopped
   there is shown then, not yet sure (a rep that comes back only part of the way ends where it turns, which
   only the next lift proves): whatever closes it later counts it or takes it back.
8. Events go out through :class:`~tracker.pipeline.output.OutputQueue`, which numbers
   reps and sets and waits for the optional pelvis sensor
   (:class:`~tracker.pipeline.pelvis.PelvisStream`) to cover each rep.

Feeding the same samples whole or in any chunks gives identical events: every
decision is taken at a sample, from causal state only. Samples are processed in
blocks of at least ``block_s`` to amortise numpy's per-call cost; ``finish()``
flushes the rest.
"""
from __future__ import annotations

import enum
import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from tracker.errors import ReptrackError, SampleOrderError
from tracker.pipeline.config import PipelineConfig
from tracker.pipeline.history import MAX_BLOCK, History, run_lengths
from tracker.pipeline.output import OutputQueue
from tracker.pipeline.orientation import OrientationTracker, tilt_deg, unit
from tracker.pipeline.rhythm_sets import Burst, BurstWatcher, rhythm_candidates
from tracker.pipeline.pelvis import PelvisStream
from tracker.pipeline.candidate import RepCandidate, pause_limit_dps, pause_limits_dps
from tracker.pipeline.rep_metrics import measure_rep, rep_range
from tracker.pipeline.runs import RhythmVerdict, RunTracker
from tracker.pipeline.types import (
    Event,
    GapDetected,
    PostureChanged,
    RejectedMovement,
)
from tracker.core.recording import check_sample_rate


class _Mode(enum.Enum):
    NO_REFERENCE = 0
    IDLE = 1
    LIFTING = 2  # above entry; following the peak (lift and hold)
    LOWERING = 3  # below the exit level; waiting for the end


class Transition(enum.Enum):
    """What moves the state machine on at a sample (see ``RepPipeline._advance``).

    Each mode looks for its own transitions; when several happen at the same sample, the
    one listed first in the mode's priority tuple below wins.
    """

    # IDLE (at the reference posture, between reps)
    QUICK_REP_PAUSED = enum.auto()  # the quick rep waiting for a pause after it is still: it counts
    LIFT_STARTED = enum.auto()  # the tilt rose above the entry level: a lift begins (-> LIFTING)
    REST_RETAKEN = enum.auto()  # a new still, steady period: the reference posture is taken again
    RUN_EXPIRED = enum.auto()  # the unconfirmed run or waiting quick rep can no longer be confirmed
    # LIFTING (above the entry level: the lift and any hold at the top)
    LOWERING_STARTED = enum.auto()  # below the exit level: the lowering begins (-> LOWERING)
    STILL_TOO_LONG = enum.auto()  # still away from the reference for longer than any hold: a posture change
    TOO_LONG = enum.auto()  # away from the reference for longer than any rep (also in LOWERING)
    SETTLED_FAR = enum.auto()  # still, before any hold was found, far past any rep (``new_posture_factor``), back from a far posture (``posture_return_fraction``) or, lying, turned round before the lift (``posture_turn_deg``): a posture change at once (lying down, rolling over, up from a bend)
    SETTLED_ELSEWHERE = enum.auto()  # before the session's first rep, still again past any rep's range and away from a hold near the reference or past the range: look again from the excursion's start, as TOO_LONG does (lying down, then rolling over)
    HOLD_FOUND = enum.auto()  # a still, steady posture near the top: a hold, or the new start posture
    LEFT_HOLD = enum.auto()  # moved a rep's size away from that posture
    BACK_AT_HOLD = enum.auto()  # ... and came back and settled there: past the typical range it was the new start posture; within it a pause on the way up, or a rep's top left for a raised rest
    REST_SHIFTED = enum.auto()  # before the session's first rep, left further up from a hold within twice the entry level, held a while: the start posture had shifted there (``shift_hold_factor``)
    FAR_HOLD = enum.auto()  # before the first rep, the hold left, still again far past a typical rep (``far_hold_factor``): the hold now (lying down after a pause sitting)
    RESTED_PART_WAY = enum.auto()  # came part of the way back from the peak and rests there (a raised rest, or a hold lower down)
    LIFT_FROM_REST = enum.auto()  # ... and lifts again from there: the rep ended where that rest began, the next begins
    TURNED_PART_WAY = enum.auto()  # came part of the way back and lifted again at once: the rep ended at the turn, the next begins
    # LOWERING (below the exit level, waiting for the end)
    RETURNED = enum.auto()  # back near the reference: the rep ends (-> IDLE)
    SETTLED = enum.auto()  # still for ``settle_s`` on the way down: the rep ends there, or a posture change
    TOP_WOBBLE = enum.auto()  # rose again at once, at the top of a controlled lift from IDLE: a wobble as the leg arrived, no lowering (-> LIFTING)
    NEXT_LIFT = enum.auto()  # rose again before coming back: the rep ends at the trough, the next begins


#: ties between transitions at the same sample go to the one listed first
_IDLE_PRIORITY = (Transition.QUICK_REP_PAUSED, Transition.LIFT_STARTED, Transition.REST_RETAKEN, Transition.RUN_EXPIRED)
_LIFTING_PRIORITY = (Transition.LOWERING_STARTED, Transition.STILL_TOO_LONG, Transition.TOO_LONG, Transition.SETTLED_ELSEWHERE,
                     Transition.SETTLED_FAR, Transition.HOLD_FOUND, Transition.REST_SHIFTED, Transition.LEFT_HOLD, Transition.BACK_AT_HOLD,
                     Transition.FAR_HOLD, Transition.RESTED_PART_WAY, Transition.LIFT_FROM_REST, Transition.TURNED_PART_WAY)
_LOWERING_PRIORITY = (Transition.RETURNED, Transition.SETTLED, Transition.TOP_WOBBLE, Transition.NEXT_LIFT, Transition.TOO_LONG)
_NONE: NDArray[np.int64] = np.empty(0, dtype=np.int64)  # no candidate sample (never written to)


def _joined(parts: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    """The staged arrays as one (the only one as it is: no copy)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _first_transition(priority: tuple[Transition, ...],
                      hits: Mapping[Transition, NDArray[np.int64]]) -> tuple[int, Transition] | None:
    """The earliest transition: the lowest first candidate sample, ties broken by ``priority``.

    ``hits`` maps each transition to the (sorted) positions where its condition holds.
    """
    best: tuple[int, Transition] | None = None
    for tr in priority:
        a = hits[tr]
        if a.size and (best is None or a[0] < best[0]):
            best = (int(a[0]), tr)
    return best


class RepPipeline:
    """Streaming rep counter and form assessor (sans-IO).

    Parameters
    ----------
    config:
        Exercise, sample rate, sensors present, thresholds and personalisation.
    pelvis_sample_rate_hz:
        Rate of the optional pelvis sensor (defaults to the main rate).
    pelvis_has_gyro:
        Whether the pelvis sensor has a gyro (defaults to the main sensor's).

    Examples
    --------
    >>> pipeline = RepPipeline(config)              # doctest: +SKIP
    >>> for t, acc, gyr in batches:                  # doctest: +SKIP
    ...     for event in pipeline.feed(t, acc, gyr):
    ...         print(event)
    >>> events = pipeline.finish()                   # doctest: +SKIP
    """

    def __init__(self, config: PipelineConfig, *, pelvis_sample_rate_hz: float | None = None, pelvis_has_gyro: bool | None = None) -> None:
        self.config = config
        fs = config.sample_rate_hz  # checked by PipelineConfig
        if config.with_pelvis and pelvis_sample_rate_hz is not None:
            check_sample_rate(pelvis_sample_rate_hz, sensor="the pelvis sensor")
        self._fs = fs
        d = config.detector
        self._block_n = max(1, int(round(d.block_s * fs)))
        self._idle_block_n = max(self._block_n, int(round(d.idle_block_s * fs)))
        self._still_n = max(2, int(round(d.still_s * fs)))
        self._quiet_n = max(1, int(round(d.quiet_before_s * fs)))
        self._settle_n = max(1, int(round(d.settle_s * fs)))
        self._max_hold_n = int(round(config.max_hold_s * fs))
        #: a still posture this far from the reference is a new one (``new_posture_factor``)
        self._new_posture_deg = max(config.detector.new_posture_factor * config.exercise.typical_rom_deg[1], config.max_rep_rom_deg)
        self._far_hold_deg = config.detector.far_hold_factor * config.exercise.typical_rom_deg[1]  # FAR_HOLD
        self._enter_deg = config.exercise.min_detect_rom_deg
        self._onset_deg = d.onset_fraction * self._enter_deg
        self._orientation = OrientationTracker(sample_rate_hz=fs, has_gyro=config.has_gyro, config=config.orientation)
        self._hist = History(int(d.buffer_s * fs))
        self._pelvis = (
            PelvisStream(config, pelvis_sample_rate_hz or fs, config.has_gyro if pelvis_has_gyro is None else pelvis_has_gyro)
            if config.with_pelvis
            else None
        )
        # input staging
        self._pending_t: list[NDArray[np.float64]] = []
        self._pending_acc: list[NDArray[np.float64]] = []
        self._pending_gyr: list[NDArray[np.float64]] = []
        self._pending_n = 0
        self._last_t: float | None = None
        self._last_fed_t: float | None = None
        #: samples fed with a missing (non-finite) value, treated as dropped
        self.dropped_samples = 0
        self._last_acc: NDArray[np.float64] | None = None
        self._last_gyr: NDArray[np.float64] | None = None
        self._still_carry = 0
        # detector state
        self._mode = _Mode.NO_REFERENCE
        self._ref: NDArray[np.float64] | None = None
        self._theta_cache: tuple[NDArray[np.float64], int, int, NDArray[np.float64]] | None = None
        self._rep_start = 0
        #: the rest left at the last posture change, if a far one, and how near it is back there
        self._left_far: tuple[NDArray[np.float64], float] | None = None
        self._turn_from: int | None = None  # the last rest before the lift, lying with a gyro (``_begin_lift``)
        self._enter_at = 0  # where the current lift crossed the entry level
        self._peak = 0
        self._peak_deg = 0.0
        self._trough = 0
        self._trough_deg = 0.0
        self._turn_deg = np.inf  # LIFTING: the lowest tilt since the peak last rose (inf: none yet)
        self._from_rest = False  # LIFTING/LOWERING: the lift began from IDLE (not where the rep before it ended)
        self._looked_on_the_way_down = False  # LIFTING: the lift came down to ``show_on_the_way_down_fraction`` once
        self._last_close = 0
        self._still_floor = 0  # a new reference must be still from here on
        self._reref_run_start = -1  # the still period the reference was last taken in
        self._idle_min = np.inf  # lowest tilt since the engine last became idle
        self._hold_ref: NDArray[np.float64] | None = None  # a still posture inside the excursion
        self._hold_at = 0
        self._hold_deg = 0.0  # ... its tilt from the reference
        self._hold_peak_deg = 0.0  # ... and the excursion's peak tilt when it was found
        self._hold_left = False
        self._hold_left_up = False  # ... left further from the reference than it (a pause part of the way up)
        self._prev_movement_end = 0  # end of the previous excursion, counted or not
        self._rest_at = -1  # where the lift came back part of the way and rested (-1: it has not)
        self._rest_deg = 0.0  # ... at this tilt
        # runs, sets, output
        self._out = OutputQueue(config, self._pelvis)
        self._runs = RunTracker(config, self._hist, self._out, quiet_n=self._quiet_n)
        # fast sets without a gyro, from their rhythm: lying down, or standing in the frontal plane
        # (``PipelineConfig.reads_fast_sets_from_rhythm``, ``RunTracker.rhythm_verdict``)
        self._show_n = max(1, int(round(d.rhythm_show_every_s * fs)))
        self._bursts = (BurstWatcher(quiet_n=self._quiet_n, rest_n=max(self._quiet_n, int(round(d.burst_rest_s * fs))),
                                     max_n=int(round(d.max_burst_s * fs)))
                        if config.reads_fast_sets_from_rhythm else None)
        self._restart_at = 0  # the first sample after the last data gap (``_on_gap``)
        self._finished = False

    # ------------------------------------------------------------------ public API
    def feed(
        self,
        t_s: NDArray[np.float64],
        accel_g: NDArray[np.float64],
        gyro_dps: NDArray[np.float64] | None = None,
    ) -> list[Event]:
        """Feed consecutive samples of the main sensor; returns the events they complete.

        Parameters
        ----------
        t_s:
            Sample times, s, strictly increasing and after the previous batch, shape ``(n,)``.
        accel_g:
            Specific force, g, shape ``(n, 3)``.
        gyro_dps:
            Angular rate, deg/s, shape ``(n, 3)``; required when the config says there is a gyro.

        Raises
        ------
        SampleOrderError
            A timestamp is not after the previous one.
        """
        if self._finished:
            raise ReptrackError("feed() after finish()")
        t_s = np.asarray(t_s, dtype=np.float64)
        if t_s.size == 0:
            return []
        accel_g = np.asarray(accel_g, dtype=np.float64)
        if accel_g.shape != (t_s.size, 3):
            raise ReptrackError(f"accel_g must have shape ({t_s.size}, 3), got {accel_g.shape}")
        if self.config.has_gyro:
            if gyro_dps is None:
                raise ReptrackError("this pipeline was configured with a gyro; pass gyro_dps")
            gyro_dps = np.asarray(gyro_dps, dtype=np.float64)
            if gyro_dps.shape != (t_s.size, 3):
                raise ReptrackError(f"gyro_dps must have shape ({t_s.size}, 3), got {gyro_dps.shape}")
        # A sample with a missing value is a dropped sample: it is bridged or becomes a gap
        # like any other, instead of poisoning the filter state. A dot product is finite
        # when all its inputs are (a NaN or an infinity cannot cancel out), so two of them
        # clear the usual batch in two numpy calls; otherwise (or when huge values overflow
        # them) the samples are checked one by one.
        with_gyr = gyro_dps is not None and self.config.has_gyro
        other = gyro_dps if with_gyr and gyro_dps is not None else accel_g
        probe = float(t_s @ t_s) + float(accel_g.ravel() @ other.ravel())
        ok = None if math.isfinite(probe) else np.isfinite(t_s) & np.isfinite(accel_g).all(axis=1)
        if ok is not None and with_gyr and gyro_dps is not None:
            ok &= np.isfinite(gyro_dps).all(axis=1)
        if ok is not None and not ok.all():
            self.dropped_samples += int(t_s.size - np.count_nonzero(ok))
            t_s, accel_g = t_s[ok], accel_g[ok]
            gyro_dps = gyro_dps[ok] if gyro_dps is not None and self.config.has_gyro else gyro_dps
            if t_s.size == 0:
                return self._out.drain(self._last_fed_t)
        last = self._last_fed_t
        if (last is not None and t_s[0] <= last) or (t_s.size > 1 and bool((t_s[1:] <= t_s[:-1]).any())):
            raise SampleOrderError("sample timestamps must strictly increase")
        self._last_fed_t = float(t_s[-1])
        self._pending_t.append(t_s)
        self._pending_acc.append(accel_g)
        if gyro_dps is not None and self.config.has_gyro:
            self._pending_gyr.append(gyro_dps)
        self._pending_n += t_s.size
        if self._pending_n >= (self._block_n if self._busy() else self._idle_block_n):
            self._process_pending()
        return self._out.drain(self._last_fed_t)

    def feed_pelvis(
        self,
        t_s: NDArray[np.float64],
        accel_g: NDArray[np.float64],
        gyro_dps: NDArray[np.float64] | None = None,
    ) -> list[Event]:
        """Feed consecutive samples of the pelvis sensor (time-aligned with the main one)."""
        if self._pelvis is None:
            raise ReptrackError("this pipeline was configured without a pelvis sensor")
        self._pelvis.feed(np.asarray(t_s, dtype=np.float64), np.asarray(accel_g, dtype=np.float64).reshape(-1, 3),
                          None if gyro_dps is None else np.asarray(gyro_dps, dtype=np.float64).reshape(-1, 3))
        return self._out.drain(self._last_fed_t)

    def finish(self) -> list[Event]:
        """End of the recording: flush, close what is open, return the last events."""
        if self._finished:
            return []
        self._process_pending()
        self._finished = True
        if self._pelvis is not None:
            self._pelvis.finished = True
        if self._mode in (_Mode.LOWERING,):
            # the recording stopped on the way down: close at the last sample
            self._close_candidate(self._hist.end - 1)
        elif self._mode is _Mode.LIFTING and self._runs.is_shown(self._rep_start):
            # ... or before a rep shown on its way down was over: no rep (as before), taken back
            self._reject(self._rep_start, self._hist.end - 1, self._peak_deg, "the recording ended before the rep did")
        if self._bursts is not None:
            self._rhythm_set(self._bursts.finish())
        self._runs.accept_deferred()
        self._runs.drop_held_bursts()
        self._runs.break_run("recording ended before the rep was confirmed")
        self._runs.close_set()
        return self._out.drain(self._last_fed_t)

    def _busy(self) -> bool:
        """A rep is under way, waiting for its pause or for the set to confirm it: events may
        come at any block (``block_s``); otherwise the segment rests (``idle_block_s``)."""
        return self._mode in (_Mode.LIFTING, _Mode.LOWERING) or not self._runs.idle

    # ------------------------------------------------------------------ input staging
    def _process_pending(self) -> None:
        if not self._pending_t:
            return
        t = _joined(self._pending_t)
        acc = _joined(self._pending_acc)
        gyr = _joined(self._pending_gyr) if self._pending_gyr else None
        self._pending_t, self._pending_acc, self._pending_gyr, self._pending_n = [], [], [], 0
        # split at data gaps; fill single drops
        prev_t = self._last_t
        gap_s = self.config.detector.gap_s
        # the times increase, so no step exceeds a gap when the whole block spans less than one
        # (the usual case, without the per-step search)
        if t[-1] - (t[0] if prev_t is None else prev_t) <= gap_s:
            gap_idx = _NONE
        else:
            dt_all = np.diff(t, prepend=t[0] if prev_t is None else prev_t)
            gap_idx = np.nonzero(dt_all > gap_s)[0]
        if gap_idx.size == 0 and t.size <= MAX_BLOCK:
            self._process_segment(t, acc, gyr)  # the usual case: one step
            return
        bounds = [0, *gap_idx.tolist(), t.size]
        for a, b in zip(bounds[:-1], bounds[1:]):
            if a == b:
                continue
            if a in gap_idx:
                assert self._last_t is not None
                self._on_gap(self._last_t, float(t[a]))
            # bounded sub-blocks keep every step's work proportional to the block (the
            # state machine rescans from its position); results do not depend on the split
            for c in range(a, b, MAX_BLOCK):
                d = min(b, c + MAX_BLOCK)
                self._process_segment(t[c:d], acc[c:d], None if gyr is None else gyr[c:d])

    def _fill_drops(
        self, t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
        """Linear interpolation over missing samples shorter than a gap."""
        if self._last_t is None:
            # the very first sample (or the first after a gap) has nothing before it
            if t.size < 2:
                return t, acc, gyr
            t_rest, acc_rest, gyr_rest = self._fill_from(t[0], acc[0], None if gyr is None else gyr[0], t[1:], acc[1:],
                                                         None if gyr is None else gyr[1:])
            return (np.concatenate([t[:1], t_rest]), np.concatenate([acc[:1], acc_rest]),
                    None if gyr is None or gyr_rest is None else np.concatenate([gyr[:1], gyr_rest]))
        assert self._last_acc is not None  # set together with _last_t
        return self._fill_from(self._last_t, self._last_acc, self._last_gyr, t, acc, gyr)

    def _fill_from(
        self, t0: float, acc0: NDArray[np.float64], gyr0: NDArray[np.float64] | None,
        t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
        """Samples ``t`` after a sample at ``t0``, with single drops filled by interpolation."""
        if t.size == 0:
            return t, acc, gyr
        # no drop when the longest step rounds to at most one sample (``rint`` and the scaling
        # are monotonic, so this is the per-step test on the largest step; Python's ``round``
        # rounds half to even like ``np.rint``): the usual case, in a few scalar operations
        longest = float(t[0]) - t0 if t.size == 1 else max(float(t[0]) - t0, float((t[1:] - t[:-1]).max()))
        if round(longest * self._fs) <= 1:
            return t, acc, gyr
        t_all = np.concatenate([[t0], t])
        steps = np.rint(np.diff(t_all) * self._fs).astype(np.int64)
        counts = np.maximum(steps, 1)
        total = int(counts.sum())
        # fractional position of every output sample between its two input samples
        seg = np.repeat(np.arange(t.size), counts)
        within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + 1
        frac = within / np.repeat(counts, counts)
        prev_acc = np.vstack([acc0, acc[:-1]])
        t_new = t_all[seg] + frac * (t_all[seg + 1] - t_all[seg])
        acc_new = prev_acc[seg] + frac[:, None] * (acc[seg] - prev_acc[seg])
        # the samples that were there stay bit for bit (prev + 1.0 * (cur - prev) may round
        # differently from cur, and whether a sample goes through here depends on chunking)
        real = within == np.repeat(counts, counts)
        t_new[real] = t
        acc_new[real] = acc
        gyr_new = None
        if gyr is not None and gyr0 is not None:
            prev_gyr = np.vstack([gyr0, gyr[:-1]])
            gyr_new = prev_gyr[seg] + frac[:, None] * (gyr[seg] - prev_gyr[seg])
            gyr_new[real] = gyr
        return t_new, acc_new, gyr_new

    def _process_segment(self, t: NDArray[np.float64], acc: NDArray[np.float64], gyr: NDArray[np.float64] | None) -> None:
        t_f, acc_f, gyr_f = self._fill_drops(t, acc, gyr)
        self._last_t = float(t[-1])
        self._last_acc = acc[-1].copy()
        self._last_gyr = None if gyr is None else gyr[-1].copy()
        block = self._orientation.update(acc_f, gyr_f)
        still = block.speed_dps < self.config.detector.still_dps
        # run length of stillness at every sample, carried across blocks
        n_still = int(np.count_nonzero(still))
        if n_still == still.size:  # still throughout: the run goes on (the same numbers, fewer steps)
            run = np.arange(self._still_carry + 1, self._still_carry + 1 + still.size, dtype=np.int64)
        elif n_still == 0:  # moving throughout
            run = np.zeros(still.size, dtype=np.int64)
        else:
            run = run_lengths(still, self._still_carry)
        self._still_carry = int(run[-1])
        if self._bursts is None:
            first_new = self._hist.end
            self._hist.append(t_f, block.up, block.speed_dps, run, block.shake_g, gyr_f, block.turn_dps)
            self._advance(first_new)
        else:
            # split where a burst may close, so that it is judged after the same samples
            # whatever the chunking (events keep their order), and on a grid of absolute samples
            # (``rhythm_show_every_s``) where a fast set's reps so far are shown
            start = self._hist.end
            grid = self._show_n - start % self._show_n
            shows = np.arange(grid if grid < self._show_n else self._show_n, run.size + 1, self._show_n)
            shows = shows[run[shows - 1] == 0]  # (a burst is read only while it moves: no cut at rest)
            closes = BurstWatcher.split_points(run, self._bursts.rest_n)
            cuts = sorted({run.size, *closes.tolist(), *shows.tolist()}) if closes.size or shows.size else [run.size]
            a, k = 0, 0
            while a < run.size:
                while cuts[k] <= a:
                    k += 1
                # ... and where a burst under way would grow too long (it is dropped there)
                b = min(cuts[k], a + self._bursts.room) if self._bursts.is_open else cuts[k]
                first_new = self._hist.end
                self._hist.append(t_f[a:b], block.up[a:b], block.speed_dps[a:b], run[a:b], block.shake_g[a:b], None,
                                  block.turn_dps[a:b])
                self._advance(first_new)
                burst = self._bursts.feed(first_new, t_f[a:b], acc_f[a:b], block.up[a:b], block.shake_g[a:b], run[a:b])
                if burst is not None or (not self._bursts.is_open and self._runs.rhythm_shown):
                    self._rhythm_set(burst)  # (none: a burst too long, or none under way, and what it showed)
                elif (start + b) % self._show_n == 0 and run[b - 1] == 0:
                    # (read while it moves: at rest it may be over, and a read of its tail showed a
                    # rep too many in 8 of 14 fast sets, real behaviours seed 2026)
                    self._rhythm_show()
                a = b
        keep = self._rep_start - self._still_n if self._mode in (_Mode.LIFTING, _Mode.LOWERING) else self._hist.end
        keep = self._runs.keep_from(keep)
        self._hist.trim(keep - self._still_n)
        if self._pelvis is not None and self._hist.end > self._hist.start:
            self._out.resolve_pelvis(self._last_fed_t)
            needed = [float(self._hist.t[0])] + self._out.waiting_for_pelvis_s()
            self._pelvis.trim(min(needed))

    def _cycles(self, burst: Burst) -> list[RepCandidate]:
        """The burst's cycles as rep candidates (``rhythm_sets.rhythm_candidates`` with this session's limits)."""
        d = self.config.detector
        return rhythm_candidates(burst, sample_rate_hz=self._fs, config=self.config.rhythm,
                                 min_cycles=d.rhythm_min_cycles, max_mean_cycle_s=d.rhythm_max_cycle_s,
                                 min_rom_deg=self._enter_deg)

    def _rhythm_show(self) -> None:
        """A burst under way (no gyro; ``PipelineConfig.reads_fast_sets_from_rhythm``): the cycles
        it has completed so far, if it may be a fast set, shown as reps not yet sure -- a set read from its rhythm counts only once it
        is over, so the person sees its reps as they go (the last cycle may be unfinished). Whether
        it may be one is asked before its samples are joined (most bursts are a slow set's reps)."""
        rest = self._bursts.open_rest if self._bursts is not None else None
        if rest is None:
            return
        rest_g, rest_up, start_s = rest
        verdict = self._runs.rhythm_verdict(rest_up, rest_g, start_s)
        if verdict is not RhythmVerdict.COUNT:
            # not a fast set (the detector timed a rep in it): what it showed is taken back now,
            # not when it is over (8 fast reps run into steady ones showed 22 for 12 for 15 s);
            # one that may be, at a rest where no set was counted, shows when it is over
            # (walking about between sets would show reps and take them back)
            self._runs.count_rhythm_set([])
            return
        under_way = self._bursts.open_burst() if self._bursts is not None else None
        if under_way is not None:
            self._runs.show_rhythm(self._cycles(under_way)[:-1])

    def _lay_across_gravity(self, cands: list[RepCandidate]) -> bool:
        """A closed burst whose specific force read across gravity (``PipelineConfig.tells_lying_rest_from_rhythm``,
        read when it is over: against its rest after) lay across it, no walk -- with its cycles ``cands`` within
        ``held_burst_max_range_factor`` of the exercise table's largest range, as a held burst's
        (with a shank sensor no range stands for a posture change, ``max_rep_rom_deg``, and getting
        up, walking and lying back down as before reads as cycles of 150-180 deg)."""
        d = self.config.detector
        return bool(cands) and float(np.median([c.rom_deg for c in cands])) <= d.held_burst_max_range_factor * self.config.exercise.max_rep_rom_deg

    def _rhythm_set(self, burst: Burst | None) -> None:
        """A burst of movement closed (no gyro; ``PipelineConfig.reads_fast_sets_from_rhythm``): its
        cycles may be a fast set (none: no burst under way any more, and what was shown of one is
        taken back)."""
        if burst is None:
            self._runs.count_rhythm_set([])
            return
        # the cycles are read once, and only where they are needed: first for a burst that may lie
        # across gravity, else for one that may be a set
        cands = None
        across = False
        if (self.config.tells_lying_rest_from_rhythm
                and burst.force_along_rest < self.config.detector.rhythm_lying_force_share):
            cands = self._cycles(burst)
            across = self._lay_across_gravity(cands)
        verdict = self._runs.rhythm_verdict(burst.rest_up, burst.rest_after_g, float(burst.t_s[0]), across_gravity=across)
        if verdict is RhythmVerdict.NO:
            cands = []
        elif cands is None:
            cands = self._cycles(burst)
        if verdict is RhythmVerdict.WAIT:
            self._runs.hold_rhythm_set(cands, burst.rest_up)  # (nothing shown while it went on)
            return
        counted = self._runs.count_rhythm_set(cands, across_gravity=across)
        if counted and self._mode in (_Mode.LIFTING, _Mode.LOWERING):
            # the excursion followed was a piece of the set (the last rep's tilt, misread, leaves a
            # "hold" at the rest): it is the set's, and the rest after it the reference again
            if self._runs.is_shown(self._rep_start):
                # shown on its way down, it is taken back: the set's reps count it (review helper-51)
                self._reject(self._rep_start, self._hist.end - 1, self._peak_deg, "a piece of the fast set read from its rhythm")
            self._clear_hold()
            self._set_reference(self._hist.end - 1)
            self._mode = _Mode.IDLE
            self._idle_min = np.inf
            self._left_far = None
            self._last_close = self._prev_movement_end = self._hist.end - 1

    # ------------------------------------------------------------------ state machine
    def _theta(self, a: int, b: int) -> NDArray[np.float64]:
        """Tilt from the reference of history samples ``a..b-1``, deg.

        The state machine asks for overlapping ranges many times per block; the tilt of a
        sample depends only on that sample and the reference (``tilt_deg`` is elementwise),
        so one computation per reference and block is sliced, with identical values.
        """
        ref = self._ref
        assert ref is not None
        c = self._theta_cache
        if c is not None and c[0] is ref and c[1] <= a and b <= c[2]:
            return c[3][a - c[1]: b - c[1]]
        lo = max(self._hist.start, min(a, a - self._still_n))
        hi = max(b, self._hist.end)
        th = tilt_deg(self._hist.up[self._hist.rows(lo, hi)], ref)
        self._theta_cache = (ref, lo, hi, th)
        return th[a - lo: b - lo]

    def _steady(self, i: int, end: int, th: NDArray[np.float64], limit_deg: float) -> NDArray[np.bool_]:
        """Samples i..end-1 whose tilt changed less than ``limit_deg`` over ``still_s``."""
        back = i - self._still_n
        if back < self._hist.start:
            return np.zeros(th.size, dtype=bool)
        return np.abs(th - self._theta(back, end - self._still_n)) < limit_deg

    def _set_reference(self, at: int) -> None:
        win = self._hist.up[self._hist.rows(at - self._still_n + 1, at + 1)]
        self._ref = unit(win.mean(axis=0))

    def _advance(self, i: int) -> None:
        """Run the state machine over history samples ``i..`` to the end of the history.

        In each mode every transition's candidate samples are found at once (vectorised);
        the earliest wins, ties going to the transition listed first in the mode's
        ``*_PRIORITY`` tuple. The step then continues from the sample the transition says.
        """
        end = self._hist.end
        while i < end:
            if self._mode is _Mode.NO_REFERENCE:
                nxt = self._advance_no_reference(i, end)
            elif self._mode is _Mode.IDLE:
                nxt = self._advance_idle(i, end)
            elif self._mode is _Mode.LIFTING:
                nxt = self._advance_lifting(i, end)
            else:
                nxt = self._advance_lowering(i, end)
            if nxt is None:
                return  # nothing more happens in the samples there are
            i = nxt

    def _advance_no_reference(self, i: int, end: int) -> int | None:
        h = self._hist
        sr = h.still_run[h.rows(i, end)]
        idx = np.arange(i, end)
        hit = np.nonzero((sr >= self._still_n) & (idx - self._still_n + 1 >= self._still_floor))[0]
        if hit.size == 0:
            return None
        j = i + int(hit[0])
        self._set_reference(j)
        self._left_far = None  # a reference found afresh: the way back is measured from nothing
        self._mode = _Mode.IDLE
        self._idle_min = np.inf
        return j + 1

    def _advance_idle(self, i: int, end: int) -> int | None:
        h = self._hist
        th = self._theta(i, end)
        sr = h.still_run[h.rows(i, end)]
        t_rows = h.t[h.rows(i, end)]
        # a new lift starts above the entry level and clearly above the lowest tilt
        # since the last rep closed (which may have closed above the entry level)
        runmin = np.minimum.accumulate(np.minimum(th, self._idle_min))
        enter = np.nonzero(th > np.maximum(self._enter_deg, runmin + self.config.detector.reenter_fraction * self._enter_deg))[0]
        # the quick rep waiting for its pause got it -- only before the next lift begins
        paused = self._quick_rep_paused(i, end, sr)
        if enter.size and paused.size and paused[0] >= enter[0]:
            paused = _NONE
        # re-take the reference at a new still period -- once the tilt is steady
        # (a slow lowering can be under the still speed and is no rest yet)
        steady = self._steady(i, end, th, self.config.detector.rest_steady_deg)
        run_start = np.arange(i, end) - sr + 1
        reref = np.nonzero((sr >= self._still_n) & steady & (run_start != self._reref_run_start))[0]
        # unconfirmed reps that can no longer be confirmed expire
        expiry = self._runs.expiry_s()
        gone = np.nonzero(t_rows > expiry)[0] if np.isfinite(expiry) else _NONE
        first = _first_transition(_IDLE_PRIORITY, {
            Transition.QUICK_REP_PAUSED: paused, Transition.LIFT_STARTED: enter,
            Transition.REST_RETAKEN: reref, Transition.RUN_EXPIRED: gone,
        })
        if first is None:
            self._idle_min = float(runmin[-1])
            self._runs.check_set_timeout(i, end)
            return None
        jj, tr = first
        j = i + jj
        if tr is Transition.QUICK_REP_PAUSED:
            self._runs.check_set_timeout(i, j)
            self._runs.accept_deferred()
            self._idle_min = float(runmin[jj - 1]) if jj > 0 else self._idle_min
            return j
        self._runs.check_set_timeout(i, j + 1)
        if tr is Transition.RUN_EXPIRED:
            self._runs.expire(float(t_rows[jj]))
            self._idle_min = float(runmin[jj - 1]) if jj > 0 else self._idle_min
            return j
        if tr is Transition.REST_RETAKEN:
            self._set_reference(j)
            self._reref_run_start = int(run_start[jj])  # once per still period
            self._idle_min = np.inf
            return j + 1
        # LIFT_STARTED
        self._begin_lift(self._find_onset(j), j, float(th[jj]), from_rest=True)
        return j + 1

    def _begin_lift(self, start: int, j: int, deg: float, *, from_rest: bool = False) -> None:
        """A lift from sample ``start`` crossed the entry level at ``j`` (tilt ``deg``): follow it
        (``from_rest``: it began from IDLE, not where the rep before it ended)."""
        self._rep_start, self._enter_at = start, j
        # where the segment last rested, for its turn about the vertical since (``posture_turn_deg``):
        # lying only -- standing, a turn about the vertical is the person turning round about
        # their own thigh, which leaves the posture as it was
        lying = self.config.has_gyro and self.config.exercise.start_posture.lying
        self._turn_from = self._last_paused(start) if lying else None
        self._peak, self._peak_deg = j, deg
        self._turn_deg = np.inf
        self._from_rest = from_rest
        self._looked_on_the_way_down = False
        self._mode = _Mode.LIFTING
        self._clear_hold()

    def _quick_rep_paused(self, i: int, end: int, sr: NDArray[np.int64]) -> NDArray[np.int64]:
        """Samples of ``i..end-1`` at which the quick rep waiting for a pause after it has had one
        (still, or slowed to a share of its own speed: ``RunTracker.pause_limit_dps``)."""
        d = self._runs.deferred
        if d is None:
            return _NONE
        limit = self._runs.pause_limit_dps()
        if limit <= self.config.detector.still_dps:
            return np.nonzero(sr >= self._quiet_n)[0]
        # counted from the rep's end -- or from ``quiet_before_s`` before ``i``, which tells the
        # same for every sample from ``i`` on, and keeps the work of a block to its own length
        since = max(self._hist.start, min(i, max(d.end, i - self._quiet_n)))
        calm = self._hist.calm_run(since, end, limit)[i - since:]
        return np.nonzero(np.maximum(sr, calm) >= self._quiet_n)[0]

    def _advance_lifting(self, i: int, end: int) -> int | None:
        h = self._hist
        th = self._theta(i, end)
        runmax = np.maximum.accumulate(np.maximum(th, self._peak_deg))
        # After an excursion of at least the exercise's typical range, a still period
        # and a movement away from it, the lowering must come most of the way back: a
        # movement from that held posture only part of the way towards the reference
        # and back is a rep from a new start posture (lying down before a bridge with
        # the sensor on the thigh, and the bridge turning the thigh back towards
        # sitting). Below the typical range partial returns are common (low-amplitude
        # reps that do not come all the way down: UCI subject 1) and the usual exit
        # level holds.
        exit_frac = np.full(th.size, self.config.detector.exit_fraction)
        if self._hold_left:
            exit_frac[runmax > self.config.exercise.typical_rom_deg[0]] = self.config.detector.held_exit_fraction
            exit_frac[runmax > self.config.exercise.typical_rom_deg[1]] = self.config.detector.held_exit_fraction_beyond
        exit_level = np.maximum(self.config.detector.exit_floor_fraction * self._enter_deg, exit_frac * runmax)
        ex = np.nonzero(th < exit_level)[0]
        sr = h.still_run[h.rows(i, end)]
        # still for longer than any hold, counted from the start of the lift at the
        # earliest (a slow start of the lift can be under the still speed, continuing
        # the rest before it)
        still_in_rep = np.minimum(sr, np.arange(i, end) - self._rep_start + 1)
        settled = np.nonzero(still_in_rep >= self._max_hold_n)[0]
        t_rows = h.t[h.rows(i, end)]
        too_long = np.nonzero(t_rows - h.t[self._rep_start - h.start] > self.config.exercise.max_rep_s)[0]
        # A still posture inside the excursion is a hold -- or the new start posture
        # after setup motion. It is the latter when a rep-sized excursion from it
        # returns to it without passing back through the old reference.
        far_hold = _NONE
        if self._hold_ref is None:
            # still, and the tilt steady over the still window (slow lifting is not a hold)
            steady = self._steady(i, end, th, self.config.detector.hold_steady_deg)
            # ... still since the lift crossed the entry level at least (a slow lift
            # can be under the still speed from the rest before it on)
            still_in_lift = np.minimum(sr, np.arange(i, end) - self._enter_at + 1)
            held = (still_in_lift >= self._still_n) & steady
            hold = np.nonzero(held & (th >= self.config.detector.hold_level_fraction * runmax))[0]
            # ... unless far past any rep (``new_posture_factor``): lying down, rolling over. Not
            # once a hold was found (a posture change would then be judged from the hold's
            # reps; from any still posture far away, clean seed 7 lost one more set: 97.0 -> 96.8 %)
            far = th > self._new_posture_deg
            if held.any() and self._left_far is not None:
                # ... or past any rep's range and most of the way back to the rest left for a far
                # posture (``posture_return_fraction``): a bend to pick up the weight, then standing
                left, within_deg = self._left_far
                far |= (th > self.config.max_rep_rom_deg) & (tilt_deg(h.up[h.rows(i, end)], left) <= within_deg)
            if held.any() and self._turn_from is not None:
                # ... or, lying down, turned about the vertical since the segment last rested far
                # more than it tilted (a gyro sees it, a tilt cannot): from the bed's edge onto the
                # bed, the thigh as tilted as before but a quarter turn round (``posture_turn_deg``)
                d = self.config.detector
                turned = np.abs(h.turned_deg(self._turn_from, end, d.posture_turn_min_dps)[i - self._turn_from:])
                far |= (turned > d.posture_turn_deg) & (turned > d.posture_turn_tilt_ratio * th)
                if self._runs.reps_counted == 0:
                    # ... or, before the session's first rep, turned further than any rep swings
                    # whatever its tilt (``posture_turn_alone_deg``): onto the bed into hook lying
                    far |= turned > d.posture_turn_alone_deg
            settled_far = np.nonzero(held & far)[0]
            away = back = elsewhere = shifted = _NONE
        else:
            hold = settled_far = elsewhere = shifted = _NONE
            th_hold = tilt_deg(h.up[h.rows(i, end)], self._hold_ref)
            # away from the hold by a rep of the exercise: past the exercise's range (a roll,
            # lying down) the excursion's own size says nothing about the reps from there
            far_level = self._far_hold_deg
            if self._hold_deg > far_level and self._runs.reps_counted == 0:
                # ... as from a hold far past any typical rep before the session's first rep (lying
                # down, rolling over: with a sensor on the shank in a hip exercise no range limit
                # says so). Not later: a big rep held at its top would leave that "hold" by a
                # small droop and, settling back, be taken for a posture change (review: an 80 deg
                # shank rep held with a 12 deg droop in a set under way, 7 of 8 counted)
                rep_scale = np.full(th.size, self.config.exercise.typical_rom_deg[1])
            else:
                rep_scale = np.where(runmax > self.config.max_rep_rom_deg,
                                     np.minimum(runmax, self.config.exercise.typical_rom_deg[1]), runmax)
            away_level = np.maximum(self._enter_deg, self.config.detector.hold_away_fraction * rep_scale)
            if not self._hold_left:
                away = np.nonzero(th_hold > away_level)[0]
                back = _NONE
                if away.size and self._is_rest_shift(int(away[0]), i, th):
                    shifted = away[:1]
            else:
                away = _NONE
                # back at that posture and settled there (passing through it is not enough)
                back = np.nonzero((th_hold <= np.maximum(self._onset_deg, self.config.detector.hold_back_fraction * away_level)) & (sr >= self._still_n))[0]
                elsewhere = self._settled_elsewhere(i, end, th, th_hold, away_level, sr)
                if self._hold_deg <= far_level and self._runs.reps_counted == 0 and bool((th > far_level).any()):
                    steady = self._steady(i, end, th, self.config.detector.hold_steady_deg)
                    far_hold = np.nonzero((th > far_level) & (th_hold > away_level) & (sr >= self._still_n) & steady)[0]
        rested, relift = self._part_way(i, end, th, runmax, sr)
        # a turn is looked for only up to the first other transition: none later can come first
        # (a whole recording at once would look through every sample of the block, its lowering too)
        n = 1 + min((int(a[0]) for a in (ex, settled, too_long, elsewhere, settled_far, hold, away, back, far_hold, rested, relift) if a.size),
                    default=th.size - 1)
        turned = self._turned_part_way(i, th[:n], runmax[:n])
        # no transition for a range past the exercise's usual maximum: a big rep is a rep; a
        # posture change settles away (``STILL_TOO_LONG``, the lowering's ``SETTLED``) -- at once
        # far past any rep (``SETTLED_FAR``)
        first = _first_transition(_LIFTING_PRIORITY, {
            Transition.LOWERING_STARTED: ex, Transition.STILL_TOO_LONG: settled, Transition.TOO_LONG: too_long,
            Transition.SETTLED_ELSEWHERE: elsewhere, Transition.SETTLED_FAR: settled_far, Transition.HOLD_FOUND: hold, Transition.REST_SHIFTED: shifted, Transition.LEFT_HOLD: away, Transition.BACK_AT_HOLD: back,
            Transition.FAR_HOLD: far_hold, Transition.RESTED_PART_WAY: rested, Transition.LIFT_FROM_REST: relift,
            Transition.TURNED_PART_WAY: turned,
        })
        # shown on its way down (not yet sure) before whatever happens at the same sample
        upto = th.size if first is None else first[0] + 1
        self._show_on_the_way_down(i, th[:upto], runmax[:upto])
        if first is None:
            k_max = int(np.argmax(th))
            self._turn_deg = self._low_since_peak(th, k_max)
            if th[k_max] > self._peak_deg:
                self._peak, self._peak_deg = i + k_max, float(th[k_max])
            return None
        jj, tr = first
        j = i + jj
        # the peak so far includes the transition's own sample (whatever the block split)
        k_max = int(np.argmax(th[: jj + 1]))
        self._turn_deg = self._low_since_peak(th[: jj + 1], k_max)
        if th[k_max] > self._peak_deg:
            self._peak, self._peak_deg = i + k_max, float(th[k_max])
        if tr is Transition.TURNED_PART_WAY:
            # the rep ended at the turn (the lowest tilt since the peak), the next begins there
            turn = self._peak + int(np.argmin(self._theta(self._peak, j + 1)))
            self._close_candidate(turn)
            self._begin_lift(turn, j, float(th[jj]))
            return j + 1
        if tr is Transition.LOWERING_STARTED:
            self._mode = _Mode.LOWERING
            self._trough, self._trough_deg = j, float(th[jj])
            return j + 1
        if tr in (Transition.STILL_TOO_LONG, Transition.SETTLED_FAR):
            self._posture_change(j, float(th[jj]))
            return j + 1
        if tr in (Transition.TOO_LONG, Transition.SETTLED_ELSEWHERE):
            # Away from the reference for longer than any rep, or settled in a third posture:
            # the reference was not the start posture. Look again from the start of this
            # excursion for the first still posture, and take it from there.
            start = self._rep_start
            self._abandon(j, "too long for one rep" if tr is Transition.TOO_LONG else "settled in another posture")
            self._last_close = self._prev_movement_end = start
            self._still_floor = start + 1  # the new posture: still after the excursion began
            return start + 1
        if tr in (Transition.HOLD_FOUND, Transition.FAR_HOLD):
            win = h.up[h.rows(j - self._still_n + 1, j + 1)]
            hold_ref = unit(win.mean(axis=0))
            self._hold_ref, self._hold_at = hold_ref, j
            self._hold_peak_deg = self._peak_deg
            self._hold_deg = float(tilt_deg(hold_ref[None, :], self._ref)[0]) if self._ref is not None else np.inf
            if tr is Transition.FAR_HOLD:
                self._hold_left = self._hold_left_up = False
            return j + 1
        if tr is Transition.REST_SHIFTED:
            # the excursion up to the hold was getting into position: the hold is the start
            # posture, and the lift is looked at again from there
            at = self._hold_at
            self._reject(self._rep_start, at, self._hold_deg, "a small shift of the start posture")  # (its size: the hold's tilt)
            self._mode = _Mode.IDLE
            self._idle_min = np.inf
            return self._restart_at_hold()
        if tr is Transition.LEFT_HOLD:
            self._hold_left = True
            # left it further from the reference than it is: a pause part of the way up (a plain
            # sign: with a margin -- half the way moved from the hold -- UCI twice as fast lost a
            # block within one, 95.8 -> 93.8 %)
            self._hold_left_up = float(th[jj]) > self._hold_deg
            return j + 1
        if tr is Transition.RESTED_PART_WAY:
            self._rest_at, self._rest_deg = j - self._still_n + 1, float(th[jj])
            return j + 1
        if tr is Transition.LIFT_FROM_REST:
            # the rep ended where the rest began; the next starts where the rest ended
            rest_at = self._rest_at
            sr_rest = h.still_run[h.rows(rest_at, j + 1)]
            start = rest_at + int(np.nonzero(sr_rest > 0)[0][-1])
            self._close_candidate(rest_at)
            self._begin_lift(start, j, float(th[jj]))
            return j + 1
        # BACK_AT_HOLD: a rep went out from the "hold" and came back to it. Past the exercise's
        # typical range that posture is the real start posture; the samples since are re-run
        # against it (at the end). Within it, the "hold" was a pause on the way up: the lift went on up
        # from it, and the leg came back down part of the way, to a raised rest next to it (a
        # jerky lift from a raised rest was a posture change, and the set's first rep was dropped
        # with it: real-behaviour corpora seeds 2026 / 11, exact 72.8 -> 73.7 / 72.5 -> 74.5 %).
        # A lift from the rest itself is included on purpose: with only lifts from a raised rest,
        # stop 33's rules scored 74.2 / 73.7 % against 75.2 / 75.2 %, and UCI twice as fast within
        # one 93.8 against 95.8 %. The price: a leg raised to a posture, held there for a moment,
        # then lifted in reps from it is counted the same, but its first rep takes in the raise,
        # and the others are partial.
        if self._hold_left_up and self._hold_deg <= self.config.exercise.typical_rom_deg[1]:
            # the hold forgotten, not cleared (``_clear_hold``): a rest part of the way found
            # before it is kept, and the sample is looked at again without the hold -- the rest
            # of the part-way rules (RESTED_PART_WAY) may end the rep here. The exit level from
            # here is the plain one (``exit_fraction``), not the held one
            self._hold_ref = None
            self._hold_left = self._hold_left_up = False
            return j
        if self._hold_deg <= self.config.exercise.typical_rom_deg[1] and (
                self._rest_at < 0 or h.t[j - h.start] - h.t[self._rest_at - h.start] <= self.config.detector.part_way_rest_s):
            # ... or, within the typical range, it was left towards the reference and came back to
            # it without getting down to the lowering's exit level: the top of a rep, left for a
            # raised rest part of the way down, and the next rep from there back up to it (a
            # partial-return set whose reps are held at the top made that top the start posture,
            # and the set was counted upside down from its second rep, its last rep, coming home,
            # lost as "settled away": real behaviours seeds 2026 / 11 exact 75.2 -> 75.5 /
            # 75.3 -> 76.3 %; clean corpora and UCI at every tempo unchanged). The rep ended at
            # the lowest point since, and the next began there -- not after a rest part of the way
            # longer than ``part_way_rest_s`` (a new posture, as for LIFT_FROM_REST). Each rep's
            # peak is its own: the next rep's top may have come back a little above the first's
            turn = self._hold_at + int(np.argmin(self._theta(self._hold_at, j + 1)))
            if self._peak > turn:
                before = self._theta(self._rep_start, turn + 1)
                k = int(np.argmax(before))
                self._peak, self._peak_deg = self._rep_start + k, float(before[k])
            self._close_candidate(turn)
            self._begin_lift(turn, j, float(th[jj]))
            since = self._theta(turn, j + 1)
            k = int(np.argmax(since))
            self._peak, self._peak_deg = turn + k, float(since[k])
            return j + 1
        self._posture_change(self._hold_at, float(self._theta(self._hold_at, self._hold_at + 1)[0]))
        return self._restart_at_hold()

    def _restart_at_hold(self) -> int:
        """The hold is the start posture now (``REST_SHIFTED``, ``BACK_AT_HOLD``): the reference
        taken there and the samples since looked at again from it; returns where to go on."""
        at = self._hold_at
        self._ref = self._hold_ref
        self._clear_hold()
        self._last_close = self._prev_movement_end = at
        return at + 1

    def _is_rest_shift(self, k: int, i: int, th: NDArray[np.float64]) -> bool:
        """Whether leaving the hold at sample ``i + k`` (tilt ``th[k]``) is the start posture having
        shifted (``REST_SHIFTED``): before the session's first rep, with no rep of a run waiting, in a
        lift from the rest that went no further than ``shift_hold_factor`` times the entry level
        before the hold, still ``shift_hold_s`` at least since the hold was found (``still_s`` after
        the stillness began) and left further from the reference.

        Getting into position (shifting the weight, a hand on the chair) moved a shank 3.5 deg and
        stood it there 3 s: a "hold". The first rep of a fast set was taken for leaving it, and
        the set, never settling, counted 0 of 11 (real behaviours, seed 2026, recording 0170)."""
        d = self.config.detector
        if (self._runs.reps_counted > 0 or self._runs.last is not None or not self._runs.idle or not self._from_rest
                or self._hold_peak_deg > d.shift_hold_factor * self._enter_deg or float(th[k]) <= self._hold_deg):
            return False
        h = self._hist
        return float(h.t[i + k - h.start] - h.t[self._hold_at - h.start]) >= d.shift_hold_s

    def _settled_elsewhere(self, i: int, end: int, th: NDArray[np.float64], th_hold: NDArray[np.float64],
                           away_level: NDArray[np.float64], sr: NDArray[np.int64]) -> NDArray[np.int64]:
        """Samples of the lift (``i..end-1``; the hold left) where, before the session's first
        rep, the segment is still and steady somewhere else, past any rep's range from the
        reference, and the hold was a pause near the reference (strapping the weight on) or itself
        past any rep (lying): the person lay down, then rolled over or shifted into position, and no
        rep comes back to the "hold" (``SETTLED_ELSEWHERE``). Waiting for ``TOO_LONG`` showed the
        first rep after it 5-14 s late (clean corpus seed 7, 18 of the first 80 recordings). A pause
        part of the way up a big rep is neither (looking again from the excursion's start would take
        it for the start posture, and the session's reps were lost). Not once a rep was counted:
        getting up to walk away would be looked at again too soon (walking with a pelvis sensor
        counted)."""
        if self._runs.reps_counted > 0 or self._hold_ref is None or self._ref is None:
            return _NONE
        limit = self.config.max_rep_rom_deg
        hold_deg = self._hold_deg
        far = ((hold_deg < away_level) | (hold_deg > limit)) & (th > limit) & (th_hold > away_level)
        if not far.any():
            return _NONE
        steady = self._steady(i, end, th, self.config.detector.hold_steady_deg)
        return np.nonzero(far & (sr >= self._still_n) & steady)[0]

    def _part_way(self, i: int, end: int, th: NDArray[np.float64], runmax: NDArray[np.float64],
                  sr: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """``(rested, relift)``: samples of the lift (``i..end-1``) where the segment, back down from
        its peak by at least the entry level and to ``part_way_fraction`` of it or below, has
        been still and steady for ``still_s`` -- it came back part of the way and rests there --
        and, once it has, where it rises again from that rest (as the lowering's ``NEXT_LIFT``, by
        ``rise_peak_fraction`` of the way back to the peak at least).

        Low-amplitude reps from a raised rest come back 40-60 % of the way and go again (issue
        11): each is a rep, ending where the rest began. A leg held lower down and then lowered
        home (UCI subject 2's straight-leg raises) is one rep, and a leg that stays there is a
        posture change (``STILL_TOO_LONG``), so the rep is closed only when the next lift begins
        -- within ``part_way_rest_s`` of the rest: a longer one is no pause between reps.
        Not past the exercise's typical range (:attr:`PipelineConfig.part_way_max_deg`, with the
        knee's for a shank sensor): a posture that far out is where the person lay down, and the
        movement back from it a rep from there (``BACK_AT_HOLD``). Since stop 34
        also from a reference taken again after an excursion too long for a rep that no rep came
        back to yet (left out before, as a posture passed through whose reps beyond it would look
        like raised rests): partial-return sets whose first excursion ran too long had no raised
        rests at all (real behaviours seeds 2026 / 11 exact 75.5 -> 75.8 / 76.3 -> 76.5 %, within
        one 84.2 -> 84.8 % on seed 2026; clean seed 2026 98.3 -> 98.5 %; UCI unchanged)."""
        d = self.config.detector
        if self._rest_at >= 0:
            rise = max(d.rise_entry_fraction * self._enter_deg, d.rise_peak_fraction * (self._peak_deg - self._rest_deg))
            h = self._hist
            soon = h.t[h.rows(i, end)] - h.t[self._rest_at - h.start] <= d.part_way_rest_s
            return _NONE, np.nonzero((th > self._rest_deg + rise) & soon)[0]
        if self._peak_deg > self.config.part_way_max_deg:
            return _NONE, _NONE
        low = (th <= d.part_way_fraction * runmax) & (runmax - th >= self._enter_deg) & (runmax <= self.config.part_way_max_deg)
        if not low.any():
            return _NONE, _NONE
        steady = self._steady(i, end, th, d.hold_steady_deg)
        return np.nonzero(low & steady & (sr >= self._still_n))[0], _NONE

    def _low_since_peak(self, th: NDArray[np.float64], k_max: int) -> float:
        """The lowest tilt since the peak last rose, after the lift's samples ``th`` (``k_max``: the
        first of their highest; the peak so far not yet updated with them)."""
        if th[k_max] > self._peak_deg:
            return float(th[k_max:].min())
        return min(self._turn_deg, float(th.min()))

    def _turned_part_way(self, i: int, th: NDArray[np.float64], runmax: NDArray[np.float64]) -> NDArray[np.int64]:
        """Samples of the lift (``i..``) where the segment, back down from its peak to
        ``turn_fraction`` of it or below (by the entry level at least), no sooner than
        ``turn_min_s`` after it, rises again from its lowest point since the peak by
        ``turn_rise_entry_fraction`` of the entry level or ``rise_peak_fraction`` of the peak,
        whichever is more.

        Low-amplitude reps that come back only part of the way often turn at once (issue 11; the
        simulator's partial returns turn within 0.1-0.6 s): no rest for ``RESTED_PART_WAY`` to
        find, and no lowering below the exit level for the lowering's ``NEXT_LIFT``. The same
        exclusions as ``_part_way`` hold: not past the exercise's typical range (``part_way_max_deg``), nor later than ``part_way_rest_s`` after a rest part-way was found (a leg that stays
        longer has moved to a new posture; the lowest sample of a long rest's noise is no turn).
        """
        d = self.config.detector
        if self._peak_deg > self.config.part_way_max_deg:
            return _NONE
        # the usual case, cheaply: nothing came down that far since the peak, nor in these samples
        # (a low point of a later peak's own samples is at its own peak's level)
        if self._turn_deg > d.turn_fraction * self._peak_deg and not bool((th <= d.turn_fraction * runmax).any()):
            return _NONE
        prev_max = np.empty_like(runmax)
        prev_max[0] = self._peak_deg
        prev_max[1:] = runmax[:-1]
        rose = th > prev_max
        # the samples since each new peak form a group; only groups that came down far enough (or
        # the first, carrying the low point from before) are looked at, each with its own running
        # minimum (exact: a minimum rounds nothing, whatever the chunking)
        group = np.cumsum(rose)
        dipped = np.unique(group[th <= d.turn_fraction * runmax])
        if self._turn_deg <= d.turn_fraction * self._peak_deg and (dipped.size == 0 or dipped[0] != 0):
            dipped = np.concatenate(([0], dipped))
        starts = np.flatnonzero(rose)
        h = self._hist
        t_rows = h.t[h.rows(i, i + th.size)]
        # after a rest found part-way, only within ``part_way_rest_s`` of it (as LIFT_FROM_REST)
        latest_s = h.t[self._rest_at - h.start] + d.part_way_rest_s if self._rest_at >= 0 else np.inf
        top_deg = self.config.part_way_max_deg
        turned: list[NDArray[np.int64]] = []
        for g in dipped.tolist():
            a = 0 if g == 0 else int(starts[g - 1])
            b = int(starts[g]) if g < starts.size else th.size
            peak_deg = float(runmax[a]) if a < b else np.inf
            if peak_deg > top_deg:
                continue  # (or no sample: the block began with a new peak)
            low = np.minimum.accumulate(th[a:b])
            if g == 0:
                low = np.minimum(low, self._turn_deg)
            peak_t = h.t[self._peak - h.start] if g == 0 else t_rows[a]
            rise = max(d.turn_rise_entry_fraction * self._enter_deg, d.rise_peak_fraction * peak_deg)
            ok = ((low <= d.turn_fraction * peak_deg) & (peak_deg - low >= self._enter_deg) & (th[a:b] > low + rise)
                  & (t_rows[a:b] - peak_t >= d.turn_min_s) & (t_rows[a:b] <= latest_s))
            turned.append(a + np.flatnonzero(ok))
        return np.concatenate(turned).astype(np.int64, copy=False) if turned else _NONE

    def _advance_lowering(self, i: int, end: int) -> int | None:
        h = self._hist
        th = self._theta(i, end)
        sr = h.still_run[h.rows(i, end)]
        runmin_prev = np.minimum.accumulate(np.minimum(th, self._trough_deg))
        end_level = max(self._onset_deg, self.config.detector.end_fraction * self._peak_deg)
        back = np.nonzero(th <= end_level)[0]
        settled = np.nonzero((sr >= self._settle_n) & (th < self.config.detector.exit_fraction * self._peak_deg))[0]
        rise = np.nonzero(th > runmin_prev + max(self.config.detector.rise_entry_fraction * self._enter_deg,
                                                   self.config.detector.rise_peak_fraction * self._peak_deg))[0]
        t_rows = h.t[h.rows(i, end)]
        too_long = np.nonzero(t_rows - h.t[self._rep_start - h.start] > self.config.exercise.max_rep_s)[0]
        wobble = rise[t_rows[rise] <= self._top_wobble_until_s()] if rise.size else _NONE
        first = _first_transition(_LOWERING_PRIORITY, {
            Transition.RETURNED: back, Transition.SETTLED: settled, Transition.TOP_WOBBLE: wobble,
            Transition.NEXT_LIFT: rise, Transition.TOO_LONG: too_long,
        })
        if first is None:
            k_min = int(np.argmin(th))
            if th[k_min] < self._trough_deg:
                self._trough, self._trough_deg = i + k_min, float(th[k_min])
            return None
        jj, tr = first
        j = i + jj
        k_min = int(np.argmin(th[: jj + 1]))
        if th[k_min] < self._trough_deg:
            self._trough, self._trough_deg = i + k_min, float(th[k_min])
        peak_deg = self._peak_deg
        if tr is Transition.RETURNED:
            self._close_candidate(j)
            self._after_beyond_range(j, peak_deg)
            return j + 1
        if tr is Transition.SETTLED:
            if (self._peak_deg > self.config.max_rep_rom_deg
                    and th[jj] > self.config.detector.beyond_range_return_fraction * self._peak_deg):
                # past the exercise's range and settled away from the start posture: the
                # person changed posture (a big rep comes back to where it started)
                self._posture_change(j, float(th[jj]))
            else:
                self._close_candidate(j - self._settle_n + 1)
                self._after_beyond_range(j - self._settle_n + 1, peak_deg)
            return j + 1
        if tr is Transition.TOO_LONG:
            # never came back: no rep, and the reference is no longer where the leg rests
            self._abandon(j, "too long for one rep")
            self._last_close = self._prev_movement_end = j
            return j + 1
        if tr is Transition.TOP_WOBBLE:
            # no lowering: the lift goes on, and the dip is no turn either
            self._mode = _Mode.LIFTING
            self._turn_deg = np.inf
            return j + 1
        # NEXT_LIFT: the next lift began before the leg came back: split at the trough
        trough = self._trough
        self._close_candidate(trough)
        self._begin_lift(trough, j, float(th[jj]))
        return j + 1

    def _show_on_the_way_down(self, i: int, th: NDArray[np.float64], runmax: NDArray[np.float64]) -> None:
        """The first of history samples ``i..`` (tilt ``th``, running peak ``runmax``) at which the
        lift has come back down to ``show_on_the_way_down_fraction`` of its peak, by the entry
        level at least, and stopped coming down: the excursion so far, measured, is shown as a rep
        not yet sure when the set would show it at its end (:meth:`RunTracker.announce_on_the_way_down`). Looked at once per
        lift; whatever closes the excursion later counts it (same start) or takes it back."""
        if self._looked_on_the_way_down or self._peak_deg > self.config.part_way_max_deg:
            # (past the top the part-way rules look below they end no rep either: shown past the
            # table's range, 44 of 113 were taken back on real behaviours seed 2026, against 44 of
            # 1,233 within it -- review helper-51; measured before a shank's knee allowance, stop 47,
            # with which 2,953 were shown and 455 taken back, against 2,906 and 450)
            return
        d = self.config.detector
        h = self._hist
        down = (th <= d.show_on_the_way_down_fraction * runmax) & (runmax - th >= self._enter_deg)
        if not down.any():
            return
        # ... and stopped coming down (slowed as a pause after a rep of that range and duration
        # would: ``pause_limit_dps``): a rep coming all the way home shows when it is back, before
        # its labelled end already, and shown on its way it would only be taken back more often
        rows = h.rows(i, i + th.size)
        duration = h.t[rows] - h.t[self._rep_start - h.start]
        stopped = np.nonzero(down & (h.speed[rows] <= pause_limits_dps(runmax, duration, d)))[0]
        if stopped.size == 0:
            return
        self._looked_on_the_way_down = True
        k = int(stopped[0])
        start, j = self._rep_start, i + k
        k_max = int(np.argmax(th[: k + 1]))
        peak = i + k_max if th[k_max] > self._peak_deg else self._peak
        r = h.rows(start, j + 1)
        t = h.t[r]
        if not self.config.exercise.min_rep_s <= t[-1] - t[0] <= self.config.exercise.max_rep_s or not self._runs.may_announce_on_the_way_down():
            # too short for a rep yet (a wobble, a step), too long for one (what comes at this
            # sample turns it down: UCI subject 1 showed one and took it back at once), or quick
            # reps wait for their pause
            return
        pre = self._theta(max(h.start, start - self._quiet_n), start + 1)
        self._runs.announce_on_the_way_down(self._candidate(start, peak, j, self._prev_movement_end, t, h.up[r], pre))

    def _top_wobble_until_s(self) -> float:
        """Until when a rise of the lowering (``NEXT_LIFT``'s) ends a wobble as the leg arrived at
        the top, not a lowering (``TOP_WOBBLE``; -inf: never): within ``top_wobble_s`` of the peak,
        before any hold, at the top of a lift from IDLE that took ``top_wobble_lift_s`` at least
        from its onset. A rebound at the top stopping the leg dips the accelerometer's tilt 60-70 %
        of the way for 0.1-0.2 s (issue 11's "rebounds and wobbles at the top"), and each such rep
        counted twice. After a hold, a dip and rise is a turn or a step away, and a quick swing is
        no controlled lift."""
        if not self._from_rest or self._hold_ref is not None:
            return -np.inf
        t = self._hist.t
        start = self._hist.start
        peak_s = float(t[self._peak - start])
        if peak_s - float(t[self._rep_start - start]) < self.config.detector.top_wobble_lift_s:
            return -np.inf
        return peak_s + self.config.detector.top_wobble_s

    def _after_beyond_range(self, end: int, peak_deg: float) -> None:
        """After an excursion past the exercise's range that came back: unless it was a rep of a
        confirmed set, or quick (``beyond_range_quick_s``), the rest it came back to is taken
        afresh as the reference at the next still period (a bend to fetch a weight comes back
        near, not exactly to, the posture before it; reps measured from the old one would be off
        by the difference)."""
        if peak_deg <= self.config.max_rep_rom_deg or self._mode is not _Mode.IDLE:
            return
        h = self._hist
        if h.t[end - h.start] - h.t[self._rep_start - h.start] <= self.config.detector.beyond_range_quick_s:
            return  # perhaps the first rep of a fast set: no still period will come to take a new one
        if self._runs.in_confirmed_set or self._runs.deferred is not None:
            # ... nor one of quick reps that may be a fast set (overshooting: issue 11), which
            # gives no pause to take a rest afresh in
            return
        self._mode = _Mode.NO_REFERENCE
        self._still_floor = end

    def _clear_hold(self) -> None:
        self._hold_ref = None
        self._hold_left = self._hold_left_up = False
        self._rest_at = -1

    def _find_onset(self, j: int) -> int:
        """Last sample before ``j`` still close to the reference (the start of the lift)."""
        h = self._hist
        lo = max(h.start, self._last_close, j - int(self.config.exercise.max_rep_s * self._fs))
        th = self._theta(lo, j + 1)
        below = np.nonzero(th <= self._onset_deg)[0]
        if below.size:
            return lo + int(below[-1])
        return lo + int(np.argmin(th))

    # ------------------------------------------------------------------ closing an excursion; posture changes and gaps
    def _close_candidate(self, end: int) -> None:
        self._mode = _Mode.IDLE
        self._idle_min = np.inf
        self._last_close = end
        prev_end = self._prev_movement_end
        h = self._hist
        start, peak = self._rep_start, self._peak
        end = max(end, peak + 1)
        r = h.rows(start, end + 1)
        t = h.t[r]
        up = h.up[r]
        assert self._ref is not None
        th = tilt_deg(up, self._ref)
        # the range is measured from the rest just before the lift (the onset sample is
        # already on its way up)
        pre = self._theta(max(h.start, start - self._quiet_n), start + 1)
        k_peak = peak - start
        _, rom = rep_range(th, pre, k_peak)
        duration = float(t[-1] - t[0])
        ex = self.config.exercise
        turned = self._turned_round_deg(start, end, rom, duration)
        if turned is not None:
            # the person turning round on the spot: steps, not reps (a fast set's, else), whatever waits
            self._runs.count_stray_movement(float(t[0]), duration)
            self._reject(start, end, rom, f"turning round ({turned:.0f} deg about the vertical), not a rep")
            if self._runs.deferred is not None:
                self._runs.end_waiting()
            return
        if duration < ex.min_rep_s:
            if self._runs.fast_sets and duration >= self.config.detector.min_fast_rep_s and rom >= self._enter_deg:
                # shorter than a rep on its own, but it may be a rep of a fast set (a 0.5 s
                # rep measures 0.35-0.45 s between the onset and end levels)
                cand = self._candidate(start, peak, end, prev_end, t, up, pre)
                if self._runs.offer_short(cand):
                    return  # (no movement that takes a pause away, as before: a fast set needs none)
            self._runs.count_stray_movement(float(t[0]), duration)
            self._reject(start, end, rom, f"too short for a rep ({duration:.2f} s)")
            d = self._runs.deferred
            if d is not None and rom >= self.config.detector.quick_follow_fraction * d.rom_deg and float(t[0]) - d.end_s > self.config.detector.rebound_s:
                self._runs.end_waiting()  # a quick rep followed by another big quick movement: steps (or a fast set ends)
            return
        # measured when it may be a rep: from the entry level, or just under it in a run of reps near it
        measured: RepCandidate | None = None
        if rom >= self._enter_deg or (rom >= self.config.detector.small_rep_floor_fraction * self._enter_deg
                                      and self._runs.may_take_small_rep(duration)):
            measured = self._candidate(start, peak, end, prev_end, t, up, pre)
        if measured is None or (rom < self._enter_deg and not self._runs.small_rep_of_run(measured, self._enter_deg)):
            self._runs.count_stray_movement(float(t[0]), duration)
            self._reject(start, end, rom, f"too small for a rep ({rom:.1f} deg)")
            return
        cand = measured
        prev = self._runs.deferred if self._runs.deferred is not None else self._runs.last
        if prev is not None and not self._runs.is_short(prev) and self._lowering_of(prev, cand):
            self._runs.reject_cand(cand, "the rest of the lowering of the rep before it (held part of the way down)")
            if prev is self._runs.deferred:
                self._runs.lowered_from(cand)
            # back home: the posture held part-way down was no rest, the one before the rep is
            self._ref = prev.ref
            self._left_far = None
            self._idle_min = np.inf
            return
        if self._runs.add(cand):
            # rep-sized movements need a pause between them (a fidget or the slow end of a
            # lowering is no movement that takes the pause away)
            self._prev_movement_end = max(self._prev_movement_end, cand.end)

    def _turned_round_deg(self, start: int, end: int, rom_deg: float, duration_s: float) -> float | None:
        """How far the segment turned about the vertical over the excursion ``start..end`` if that
        is the person turning round on the spot, else None; never without a gyro (a tilt cannot see
        a turn about gravity). A quick excursion (under ``min_unpaused_rep_s``) is a step of a turn
        past ``turning_round_deg`` and ``turning_round_ratio`` (its heading at its end against its
        start); a slower one, which needs a pause after it and a rep like it to count, only past
        ``turning_round_slow_deg`` and ``turning_round_slow_ratio``."""
        d = self.config.detector
        if not self.config.has_gyro:
            return None
        # the heading it left with, not the most it turned on the way: a rep comes back to its
        # heading as it comes back to its tilt (a raise swinging forward as it lifts turns the thigh
        # twice its tilt and back: review helper-55); a step of a turn leaves it turned
        turned = abs(float(self._hist.turned_deg(start, end + 1, d.posture_turn_min_dps)[-1]))
        if duration_s >= d.min_unpaused_rep_s:
            return turned if turned > d.turning_round_slow_deg and turned > d.turning_round_slow_ratio * rom_deg else None
        return turned if turned > d.turning_round_deg and turned > d.turning_round_ratio * rom_deg else None

    def _candidate(self, start: int, peak: int, end: int, prev_end: int, t: NDArray[np.float64],
                   up: NDArray[np.float64], pre: NDArray[np.float64]) -> RepCandidate:
        """The excursion ``start..end`` (history samples ``t``, ``up``; ``pre``: the tilt just
        before it) measured, as a rep candidate."""
        h = self._hist
        assert self._ref is not None
        r = h.rows(start, end + 1)
        k_peak = peak - start
        metrics = measure_rep(
            t_s=t, up=up, speed_dps=h.speed[r], shake_g=h.shake[r], ref_up=self._ref, pre_theta_deg=pre, k_peak=k_peak,
            plane_axis_sum=self._runs.axis_sum, sample_rate_hz=self._fs, config=self.config.detector,
            gyro_dps=h.gyro_dps[r] if self.config.has_gyro else None,
        )
        # a pause before the rep: stillness between the previous movement and this one
        look = int(self.config.detector.quiet_window_s * self._fs)
        lo = max(h.start, start - look, prev_end)
        sr_start = int(h.still_run[h.rows(lo, start + 1)].max()) if start + 1 > lo else 0
        calm_start = sr_start
        limit = pause_limit_dps(metrics.rom_deg, float(t[-1] - t[0]), self.config.detector)
        if start + 1 > lo and sr_start < self._quiet_n and limit > self.config.detector.still_dps:
            # ... or a slowing to a share of this rep's own speed, for as long (a quick rep)
            calm_start = int(h.calm_run(lo, start + 1, limit).max())
        return RepCandidate(
            start=start, peak=peak, end=end,
            start_s=float(t[0]), peak_s=float(t[k_peak]), end_s=float(t[-1]),
            quiet_before=sr_start >= self._quiet_n, calm_before=calm_start >= self._quiet_n,
            pause=self._pause_before(start), metrics=metrics,
            start_up=up[0].copy(), end_up=up[-1].copy(), ref=self._ref,
        )

    def _pause_before(self, start: int) -> tuple[int, int] | None:
        """The last pause (still for ``quiet_before_s``) within ``gyro_anchor_s`` before sample
        ``start``, as the samples its gyro bias is read from (``RepCandidate.pause``); None without
        a gyro or a pause. The history holds them whatever the chunking: it keeps ``buffer_s``
        (45 s) behind its end, and a rep lasts at most ``max_rep_s``, so the 11 s before its start
        are there however the samples came in."""
        if not self.config.has_gyro:
            return None
        at = self._last_paused(start)
        if at is None:
            return None
        h = self._hist
        d = self.config.detector
        run_n = int(h.still_run[at - h.start])
        skip = int(round(d.gyro_bias_skip_s * self._fs))
        last = at - skip if run_n - skip >= self._quiet_n else at
        first = max(h.start, at - run_n + 1, last - int(round(d.gyro_bias_s * self._fs)) + 1)
        return first, last

    def _last_paused(self, start: int) -> int | None:
        """The last sample within ``gyro_anchor_s`` before sample ``start`` (or at it) that ends a
        pause (still for ``quiet_before_s``); None when there is none."""
        h = self._hist
        lo = max(h.start, self._restart_at, start - int(round(self.config.detector.gyro_anchor_s * self._fs)))
        if start + 1 <= lo:
            return None
        paused = np.nonzero(h.still_run[h.rows(lo, start + 1)] >= self._quiet_n)[0]
        return lo + int(paused[-1]) if paused.size else None

    def _lowering_of(self, prev: RepCandidate, cand: RepCandidate) -> bool:
        """``cand`` is the second half of ``prev``: the leg went up, came part of the way down and
        held there (a low hold, UCI's low-amplitude reps: up to 15-20 deg, held at 5), then went
        back the rest of the way to where ``prev`` started. Counted as movements of their own,
        the two went opposite ways and no set ever formed (a whole block counted 0)."""
        d = self.config.detector
        # away: ``prev`` did not come back (its end is past the level at which a rep is over);
        # home: ``cand`` ends within ``home_fraction`` of ``prev``'s range of where it started
        back_deg = max(self._onset_deg, d.end_fraction * prev.rom_deg)
        away = float(tilt_deg(prev.end_up[None, :], prev.ref)[0])
        home = float(tilt_deg(cand.end_up[None, :], prev.ref)[0])
        return (away > back_deg and home <= max(self._onset_deg, d.home_fraction * prev.rom_deg)
                and float(cand.direction @ prev.direction) < 0.0
                and cand.start_s - prev.end_s <= self.config.max_hold_s)

    def _reject(self, a: int, b: int, rom: float, reason: str) -> None:
        h = self._hist
        last = h.end - h.start - 1
        ta = float(h.t[min(max(a - h.start, 0), last)])
        tb = float(h.t[min(max(b - h.start, 0), last)])
        # shown on its way down, it is taken back
        self._out.push(RejectedMovement(ta, tb, rom, reason, tentative=self._runs.withdraw(a)))

    def _abandon(self, j: int, reason: str) -> None:
        """The current excursion is no rep and the reference no longer holds: look for a new one."""
        self._runs.reject_deferred()
        self._reject(self._rep_start, j, self._peak_deg, reason)
        self._runs.break_run("posture change")
        self._runs.close_set()
        self._mode = _Mode.NO_REFERENCE

    def _posture_change(self, j: int, angle: float) -> None:
        d = self._runs.deferred
        if d is not None and self._runs.waiting_paused_before(j):
            # the quick rep waiting for a pause after it got one -- still, if away from the old
            # rest (the leg put down a little higher after the last fast rep: UCI s2 e3, shank)
            self._runs.accept_deferred()
        self._runs.reject_deferred()
        self._last_close = j
        self._reject(self._rep_start, j, self._peak_deg, "settled away from the start posture")
        self._runs.break_run("posture change")
        self._runs.close_set()
        self._out.push(PostureChanged(float(self._hist.t[j - self._hist.start]), angle))
        left = self._ref
        self._set_reference(j)
        self._left_far = None
        if left is not None and angle > self._new_posture_deg:
            self._left_far = (left, (1.0 - self.config.detector.posture_return_fraction) * angle)
        self._mode = _Mode.IDLE
        self._idle_min = np.inf

    def _on_gap(self, start_s: float, end_s: float) -> None:
        if self._mode in (_Mode.LIFTING, _Mode.LOWERING):
            self._reject(self._rep_start, self._hist.end - 1, self._peak_deg, "interrupted by a data gap")
        self._runs.reject_deferred()
        self._last_close = self._hist.end
        self._runs.break_run("interrupted by a data gap")
        self._runs.drop_held_bursts()  # (the next set may be after a re-strap: no posture to match)
        self._runs.forget_quick_movements()
        self._runs.close_set()
        self._restart_at = self._hist.end  # no pause before this is one the segment rests from after it
        self._out.push(GapDetected(start_s, end_s))
        self._orientation.reset()
        if self._bursts is not None:
            self._bursts.reset()  # a burst across a gap is none: its samples are not all there
            self._runs.count_rhythm_set([])
        self._mode = _Mode.NO_REFERENCE
        self._ref = None
        self._left_far = None
        self._still_carry = 0
        self._last_t = None
        self._last_acc = None
        self._last_gyr = None


__all__ = ["RepPipeline", "SampleOrderError"]
