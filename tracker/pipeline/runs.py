"""Runs and sets: which rep candidates count, and when.

A candidate counts only as part of a *run* of similar reps: the first rep of a run must
start from stillness, and a run is confirmed once a second rep of similar range, in the
same direction, follows within ``run_gap_s`` (walking swings the thigh both ways without
rest and never forms a run; a bend to pick something up is not like the reps around it).
Until then the reps of a run wait, shown as tentative (:class:`RepTentative`) when they
look like a set's first rep; a quick rep waits for a pause after it (a step of walking is
followed by the next step), and, with a gyro, a movement that follows such steps with no pause
when no set is under way is setup motion (``RunTracker._ends_a_walk``). Quick
reps back to back, the same way, of like range and with no swing back past the rest between them
(walking swings the thigh back between its forward swings; a fast set's landing does now and
then: ``fast_swing_back_share``), are a *fast set*
once ``fast_run_min_reps`` of them came and a pause follows -- or, from
``fast_run_unfinished_min_reps``, when other movement ends them, or as soon as a slower rep of
their tempo follows them as their next rep would (``fast_tempo_ratio``: a set's tempo either side
of ``min_unpaused_rep_s``). Lying down (or seated, a thigh), from the rest of a set counted there, no walk can be what
moves and the swing back is not looked for. Without a gyro the swing back cannot be read, nor a
fast rep timed: a fast set is read from its rhythm instead (:mod:`tracker.pipeline.rhythm_sets`),
only where a walk can be told from one (lying down, seated, or standing in the frontal plane or
with a thigh sensor: ``PipelineConfig.reads_fast_sets_from_rhythm``), from the rest of a set counted there
(``fast_rest_match_deg``: :meth:`RunTracker.rhythm_verdict`) -- or, at a rest where none was,
once the next set is counted there (:meth:`RunTracker.hold_rhythm_set`). Sets split at rests
longer than ``set_gap_s``.

The detector (:mod:`tracker.pipeline.detector`) feeds closed candidates to
:meth:`RunTracker.add` and tells it about time passing, posture changes and gaps; what
comes out goes to the output queue (:mod:`tracker.pipeline.output`).
"""

from __future__ import annotations

import dataclasses
import enum
import math

import numpy as np
from numpy.typing import NDArray

from tracker.core.exercises import Plane, Posture
from tracker.pipeline.candidate import RepCandidate, pause_limit_dps
from tracker.pipeline.config import PipelineConfig
from tracker.pipeline.history import History
from tracker.pipeline.orientation import DEG, dot_rows, unit
from tracker.pipeline.output import OutputQueue
from tracker.pipeline.types import RejectedMovement, RepSource, RepTentative, SetCompleted


class RhythmVerdict(enum.Enum):
    """What a burst without a gyro may be (:meth:`RunTracker.rhythm_verdict`)."""

    COUNT = "count"  # a fast set: its cycles count
    WAIT = "wait"  # a fast set if a set of the exercise is counted at its rest
    NO = "no"  # no fast set


class RunTracker:
    """Run and set confirmation of rep candidates (state: the open run, the open set, the waiting quick rep)."""

    def __init__(self, config: PipelineConfig, history: History, out: OutputQueue, *, quiet_n: int) -> None:
        self.config = config
        self._hist = history
        self._out = out
        self._quiet_n = quiet_n  # samples of ``quiet_before_s``
        #: quick reps waiting for a pause after them: one, or a fast set's reps so far
        self._waiting: list[RepCandidate] = []
        self._short: set[int] = set()  # starts of the waiting movements shorter than a rep on their own
        self._stray_movements = 0  # movements that were no rep since the last rep candidate
        self._run_pending: list[RepCandidate] = []
        self._run_last: RepCandidate | None = None
        self._run_len = 0
        self._last_unpaused = False  # the run's last rep was taken in as a fast set's (no pause before it)
        self._run_roms: list[float] = []
        self._run_direction = np.zeros(3)
        self._run_axis = np.zeros(3)
        self._rep_index = 0
        self._set_index = 0
        self._set_start_s = 0.0
        self._set_end_s = 0.0
        self._set_reps = 0
        self._set_open = False
        #: candidates that went out as RepTentative and were neither counted nor taken back yet
        self._tentative: set[int] = set()
        self._last_added: RepCandidate | None = None  # the candidate :meth:`add` was given last
        #: the start of the candidate whose lift began with a jerk just before it (``_is_lead_in``)
        self._lead_in: int | None = None
        self._batch_count = 0
        #: the gyro-turned up vectors from the pause before the waiting reps (``_gyro_up``)
        self._gyro_cache: tuple[tuple[int, int], NDArray[np.float64], list[NDArray[np.float64]]] | None = None
        #: the reference posture of the last rep counted in a set of ``fast_rest_min_reps`` or more
        self._counted_rest: NDArray[np.float64] | None = None
        #: ... the way its reps moved (those the detector timed)
        self._counted_way: NDArray[np.float64] | None = None
        #: ... and the median range of those reps, deg (``_swings_like_a_set``)
        self._counted_rom_deg: float | None = None
        #: the ways of the open set's reps the detector timed, summed, and their ranges (deg)
        self._set_way = np.zeros(3)
        self._set_roms: list[float] = []
        #: where the last landing (a rebound right after a waiting quick rep) ended, and the end of that rep
        self._landed_s = -math.inf
        self._landed_from_s = -math.inf
        #: the cycles of the burst under way shown as reps not yet sure (``show_rhythm``)
        self._rhythm_shown: list[RepCandidate] = []
        #: bursts closed at a rest where no set was counted, as cycles and that rest (``hold_rhythm_set``)
        self._held_bursts: list[tuple[list[RepCandidate], NDArray[np.float64]]] = []
        #: where the last rep the detector timed and counted ended (``rhythm_verdict`` counts no
        #: burst in a set it counts)
        self._counted_end_s = -math.inf
        #: the quick movements turned down lately, ``(end_s, rom_deg)``: strides, if a walk (``_ends_a_walk``)
        self._quick_turned_down: list[tuple[float, float]] = []
        #: the first waiting quick rep followed, at once, a rep of its tempo counted alone (``_follows_quick_rep``)
        self._joins_quick = False
        #: ... or began with a jerk from stillness (``_is_lead_in``)
        self._waiting_led_in = False

    # ------------------------------------------------------------------ what the detector reads
    @property
    def deferred(self) -> RepCandidate | None:
        """The (last) quick rep waiting for a pause after it."""
        return self._waiting[-1] if self._waiting else None

    @property
    def reps_counted(self) -> int:
        """Reps counted so far in the session."""
        return self._rep_index

    @property
    def last(self) -> RepCandidate | None:
        """The last candidate accepted into the run."""
        return self._run_last

    @property
    def idle(self) -> bool:
        """No quick rep waits for its pause and no rep for its set."""
        return not self._waiting and not self._run_pending

    @property
    def in_confirmed_set(self) -> bool:
        """The run is confirmed (two similar reps) and no rep of it is waiting."""
        return self._run_len >= 2 and not self._run_pending

    @property
    def axis_sum(self) -> NDArray[np.float64]:
        """Sum of the confirmed reps' rotation axes weighted by range (the plane of the reps)."""
        return self._run_axis

    def keep_from(self, keep: int) -> int:
        """The earliest sample the waiting reps still need, or ``keep``."""
        if self._run_pending:
            keep = min(keep, self._run_pending[0].start)
        if self._waiting:
            pause = self._waiting[0].pause
            keep = min(keep, self._waiting[0].start if pause is None else pause[0])
        return keep

    # ------------------------------------------------------------------ candidates
    def add(self, cand: RepCandidate) -> bool:
        """A closed excursion of rep size: a fidget, a rebound, a rep waiting for a pause, or a rep.

        Returns whether it was a movement of its own (not a fidget or a rebound): those
        need a pause between them.
        """
        before, self._last_added = self._last_added, cand
        self._lead_in = cand.start if self._is_lead_in(before, cand) else None
        limit = self.config.max_rep_rom_deg
        if (self._run_last is not None and self._run_pending and cand.rom_deg <= limit
                and float(np.median(self._run_roms)) > limit
                and cand.start_s - self._run_last.end_s > self.config.detector.big_first_rep_gap_s):
            # the unconfirmed run so far is movement past the exercise's range (a bend, sitting
            # down and up again) that no similar movement followed soon: it sets no typical range
            # for the reps that now begin. Followed soon by a rep, it was the set's first rep,
            # bigger than the others (counted, and flagged beyond_range)
            self.break_run("beyond the exercise's range and not followed by a similar movement")
        if (self._run_last is not None and not self._waiting
                and cand.start_s - self._run_last.end_s > self.config.detector.run_gap_s):
            # the run is over: its reps judge no movement this long after them (a set of small
            # reps after a rest is no set of fidgets to the big reps before it)
            self.break_run("isolated movement")
        last = self._run_last
        if last is not None or self._waiting:
            # judged against the run's reps, or the quick reps waiting when there is no run yet
            d = self.config.detector
            basis = self._run_roms if last is not None else [c.rom_deg for c in self._waiting]
            typical = float(np.median(basis))
            way = unit(self._run_direction) if last is not None else self._waiting_direction()
            cos = float(cand.direction @ way)
            small = cand.rom_deg < d.minor_fraction * typical
            before = self._waiting[-1] if self._waiting else last
            assert before is not None
            prev_end_s = before.end_s
            rebound = cos < 0.0 and cand.rom_deg < d.rebound_fraction * typical and cand.start_s - prev_end_s <= d.rebound_s
            tiny = cand.rom_deg < d.tiny_fraction * typical  # standing up after the last rep, say
            bounce = small and cand.start_s - prev_end_s <= d.bounce_s  # the leg bouncing as it lands
            if (small and cos < d.direction_min_cos) or rebound or tiny or bounce:
                if rebound or bounce:
                    self._note_landing(cand)
                # a fidget, or the leg overshooting as it lands: not a rep, and not a break --
                # nor the next movement that a quick rep waiting for its pause must not meet
                self.reject_cand(cand, "rebound after a rep" if rebound else "small movement between reps")
                return False
        if self._waiting:
            if self.waiting_paused_before(cand.start):
                # still for a while after it, the small movements since were fidgets
                self.accept_deferred()
            elif self._continues_fast_set(cand):
                # the next rep of a fast set: it waits with the others for the pause after them
                self._waiting.append(cand)
                self._show_fast_set()
                return True
            elif self._slower_next_rep(cand):
                # the next rep at once, only slower than a quick one: the set's tempo straddles
                # ``min_unpaused_rep_s`` -- the quick reps before it are its reps too
                self._accept_fast_set()
            else:
                # the previous quick movement was followed by this one without a pause
                self.end_waiting()
        if self.config.detector.pause_after_quick and cand.end_s - cand.start_s < self.config.detector.min_unpaused_rep_s:
            # A quick rep must be followed by a pause (a step of walking is followed by the
            # next step): decide once the segment is still, or the next movement comes.
            self._waiting = [cand]
            self._joins_quick = self._follows_quick_rep(cand)
            self._waiting_led_in = cand.start == self._lead_in
            self._announce(cand)
            return True
        self._accept(cand)
        return True

    def pause_limit_dps(self) -> float:
        """Under this angular speed after the waiting quick rep, the segment pauses: still, or --
        after a lone rep no quicker than ``calm_min_rep_s`` -- slowed to a share of the rep's own
        tilting speed (``pause_speed_fraction``). Quick movements back to back waiting as a fast
        set must be followed by stillness (shifting about on the mat comes in threes too)."""
        d = self.config.detector
        if len(self._waiting) != 1 or self._lone_short():
            return d.still_dps
        w = self._waiting[0]
        return pause_limit_dps(w.rom_deg, w.end_s - w.start_s, d)

    def waiting_paused_before(self, b: int) -> bool:
        """Between the end of the (last) waiting quick rep and sample ``b`` the segment paused for
        ``quiet_before_s``: still, or slower than :meth:`pause_limit_dps` for as long."""
        a = self._waiting[-1].end
        h = self._hist
        lo = max(a, h.start)
        if b <= lo:
            return False
        still_since_a = np.minimum(h.still_run[h.rows(lo, b + 1)], np.arange(lo, b + 1) - a + 1)
        if still_since_a.max() >= self._quiet_n:
            return True
        limit = self.pause_limit_dps()
        # under the still speed, slower-than-the-limit is stillness, already looked at
        return limit > self.config.detector.still_dps and bool(h.calm_run(lo, b + 1, limit).max() >= self._quiet_n)

    def count_stray_movement(self, start_s: float, duration_s: float) -> None:
        """A movement that is no rep; a rebound right after a rep, or a wobble's half cycle
        (``stray_min_s``), does not count."""
        if duration_s < self.config.detector.stray_min_s:
            return
        last = self._run_last
        if last is None or start_s - last.end_s > self.config.detector.rebound_s:
            self._stray_movements += 1

    def reject_deferred(self) -> None:
        """The waiting quick reps were followed by other movement without a pause: none counts."""
        waiting, self._waiting = self._waiting, []
        for d in waiting:
            if d.start in self._short:
                # a movement shorter than a rep that no fast set followed: what it always was
                self._short.discard(d.start)
                self.count_stray_movement(d.start_s, d.end_s - d.start_s)
                self.reject_cand(d, f"too short for a rep ({d.end_s - d.start_s:.2f} s)")
                continue
            # a rep-sized movement breaks the unconfirmed run -- one the way the run's reps go: one
            # back against them after a rep is its lowering overshooting the rest (UCI subject 1's
            # 5-7 deg side-lying reps, 3.5-4.6 deg back past the rest)
            rep_sized = not self._run_roms or (d.rom_deg >= self.config.detector.rep_sized_fraction * float(np.median(self._run_roms))
                                               and self._same_way(d))
            self.count_stray_movement(d.start_s, d.end_s - d.start_s)
            since_s = d.end_s - self.config.detector.walk_end_window_s
            self._quick_turned_down = [*(q for q in self._quick_turned_down if q[0] >= since_s), (d.end_s, d.rom_deg)]
            if self._run_len < 2 and rep_sized:
                self.break_run("followed by quick movement without a pause")
            self.reject_cand(d, "quick, with no pause after it (walking or setup motion?)")

    def end_waiting(self) -> None:
        """The waiting quick reps were followed by other movement without a pause: a fast set
        long enough not to be setup motion counts (the person stepped away, or the last rep's
        landing swung back past the rest), anything else does not."""
        if len(self._waiting) >= self.config.detector.fast_run_unfinished_min_reps and self._waiting_from_rest():
            self._accept_fast_set()
            return
        if self._joins_quick and self._last_unpaused:
            # one quick rep at the tempo of a fast set just counted (``_follows_quick_rep``) is
            # its last rep, whatever follows it (real behaviours seed 2026, recording 0238 with the
            # exact gyro fusion: the set's 10th rep, 34 deg after 41-46, was turned down when the
            # 11th's fused tilt swung back past the rest, 9 of 11 -> 10). One only: the rule does
            # not carry on to the next, so walking away after a fast set adds a rep at most
            # (review helper-59: six strides after a set of 8 counted 13 when it did, 9 now)
            self._accept_fast_set()
            self._last_unpaused = False
            return
        self.reject_deferred()

    def _accept_fast_set(self) -> None:
        """The waiting quick reps are a fast set: each counts, with no pause before it."""
        waiting, self._waiting = self._waiting, []
        for c in waiting:
            self._short.discard(c.start)
            self._accept(c, unpaused=True)

    def _waiting_from_rest(self) -> bool:
        """The first waiting quick rep started from a rest -- or from a jerk that did, straight
        into it (``_is_lead_in``: UCI subject 2's prone lifts by the shank replayed twice as fast, a
        2.6 deg stir before an 87 deg first rep, and the block's first three reps were turned down as
        a walk's) --, or went on at once from a rep of its tempo that did (``_joins_quick``: a fast
        set's first rep, counted alone), or the set they go on is confirmed. Without ``_joins_quick``, a fast set whose first rep came from a rest was
        judged as if it had not (a walk's strides): a big quick movement in its middle (a tilt
        bent by a fast lift's own acceleration) ended it and all its reps were turned down
        (real behaviours seed 2026, recording 0104: 0 of 10)."""
        last = self._run_last
        joined_from_rest = self._joins_quick and last is not None and last.quiet_before
        return self._waiting[0].quiet_before or self._waiting_led_in or joined_from_rest or self.in_confirmed_set

    def accept_deferred(self) -> None:
        """The waiting quick reps got their pause: one counts as any rep; back to back, they are a
        fast set if there are enough of them and the first started from a rest."""
        waiting = self._waiting
        if self._lone_short():
            if self.config.has_gyro and waiting[0].calm_before and self._continues_set(waiting[0]):
                # shorter than the exercise's rep on its own, but the next rep of the set going on,
                # and a pause followed it: a quick rep (flagged too_fast). A fast squat (a 0.8-1 s
                # sit-to-stand measures 0.6-0.8 s between the onset and end levels) was turned down
                # as too short; the squat keeps its 0.8 s against walking strides before a set.
                # Not without a gyro: there a lone jolt that short is a lowering's own acceleration
                # bending the tilt (0.3 s, 9 deg jolts after slow bridges counted as reps when let through:
                # real-behaviour recording 0288 of seed 2026)
                self._short.discard(waiting[0].start)
                self._waiting = []
                self._accept(waiting[0])
                return
            self.reject_deferred()
            return
        if len(waiting) <= 1:
            self._waiting = []
            if waiting:
                self._accept(waiting[0])
            return
        if self._joins_quick and len(waiting) + 1 >= self.config.detector.fast_run_min_reps:
            # quick reps back to back after a rep of their tempo counted alone, at once and the same way: with
            # it, a fast set from that rep's rest (a shank rebounding as it lands ...)
            self._accept_fast_set()
            return
        if len(waiting) < self._fast_set_min_reps():
            if self._only_jolts_after(waiting):
                # no fast set: a quick rep, then movements that would have been turned down as too
                # short had no fast set been possible (a lowering's jolt; with a gyro too) -- the
                # quick rep had its pause
                self._waiting = waiting[1:]
                self.reject_deferred()
                self._accept(waiting[0])
                return
            self.reject_deferred()
            return
        self._accept_fast_set()

    def _only_jolts_after(self, waiting: list[RepCandidate]) -> bool:
        """After the first of ``waiting`` (a quick rep, not too short on its own) came only
        movements too short for a rep that do not end a quick rep's pause (smaller than
        ``quick_follow_fraction`` of it, or within ``rebound_s``: see the detector)."""
        first = waiting[0]
        d = self.config.detector
        return first.start not in self._short and all(
            c.end_s - c.start_s < self.config.exercise.min_rep_s
            and (c.rom_deg < d.quick_follow_fraction * first.rom_deg or c.start_s - first.end_s <= d.rebound_s)
            for c in waiting[1:])

    def offer_short(self, cand: RepCandidate) -> bool:
        """A movement too short to be a rep on its own (returns whether it is kept): the next rep
        of the fast set that waits, or, with none waiting, perhaps the first of one -- it waits,
        and is turned down as too short unless the next movement continues it."""
        waiting = self._waiting
        if not self.fast_sets:
            return False
        if waiting and not self.waiting_paused_before(cand.start) and self._continues_fast_set(cand):
            waiting.append(cand)
            self._show_fast_set()
            return True
        if waiting and not self._lone_short():
            self._note_landing(cand)
            return False  # a quick rep waits for its pause: this movement decides about it
        if waiting:
            self.reject_deferred()  # the short movement before was not followed by a fast set
        self._waiting = [cand]
        self._joins_quick = False  # (a movement too short for a rep starts no set with a counted one)
        self._waiting_led_in = False
        self._short.add(cand.start)
        return True

    @property
    def fast_sets(self) -> bool:
        """Whether quick reps back to back can make a fast set: with a gyro (the swing back tells a
        walk from one). Without, the swing back is lost -- in the accelerometer's gravity low-pass
        (2 Hz), and in the leg's own acceleration -- and every step of a walk would count (clean
        corpus: a false rep in 20 of 150 recordings without a gyro, none with one); the pieces such
        a set's tilt splits into counted 5 or 6 of a set of 10-12 when let through lying down:
        there the set is read from its rhythm (:meth:`count_rhythm_set`)."""
        return self.config.has_gyro

    def rhythm_verdict(self, rest_up: NDArray[np.float64], rest_after_g: NDArray[np.float64], start_s: float, *,
                       across_gravity: bool = False) -> RhythmVerdict:
        """Whether a burst without a gyro (:mod:`tracker.pipeline.rhythm_sets`) from ``start_s``, at rest
        ``rest_up`` before it and ``rest_after_g`` after, may be counted as a fast set, whatever its
        cycles. Only where a walk can be told from one (``PipelineConfig.reads_fast_sets_from_rhythm``),
        and only when it left and came back to one rest (``rhythm_rest_match_deg``) and none of it
        was counted or waits to be -- reps the detector timed itself are measured, not estimated.
        At the rest of a set counted (``fast_rest_match_deg``) it counts; at another rest it waits
        for a set counted there (:meth:`hold_rhythm_set`): without a gyro a rest lying down cannot
        be told from one standing but by a set of the exercise done there -- or, with a shank sensor,
        by the burst itself (``across_gravity``: :attr:`PipelineConfig.tells_lying_rest_from_rhythm`),
        which then counts as at a set's rest."""
        if not self.config.reads_fast_sets_from_rhythm:
            return RhythmVerdict.NO
        if float(unit(rest_after_g) @ unit(rest_up)) < math.cos(math.radians(self.config.detector.rhythm_rest_match_deg)):
            return RhythmVerdict.NO  # it did not come back to the rest it left: a lift to a hold, a roll
        at_set = self._at_counted_rest(rest_up)
        if start_s - self._counted_end_s <= self.config.detector.set_gap_s:
            return RhythmVerdict.NO  # the detector timed reps in it, or counts a set it is part of
        if across_gravity and not at_set:
            # lying down, but no set counted at its rest: a run or a quick rep from before it waits
            # (a set's first rep, getting down): held as before, for the set they make to settle it.
            # (The burst's own pieces the detector waits on are the burst's: review helper-58)
            before = [c for c in (*self._run_pending, *self._waiting) if c.start_s < start_s]
            return RhythmVerdict.WAIT if before else RhythmVerdict.COUNT
        if at_set and self._run_pending:
            # a set's first rep waiting for the next (a partial return's quick turn at its low point,
            # a wobble after a slow set's first rep: 3 cycles at a clean bridge's second rep broke
            # its set). A burst held waits for a set counted after it (``_count_held_bursts``),
            # which that one is not: what waits then is the last movement of getting down
            return RhythmVerdict.NO
        if at_set and self._waiting and self._waiting[0].start_s < start_s:
            return RhythmVerdict.NO  # a quick rep from before it waiting for its pause: not a burst from rest
        return RhythmVerdict.COUNT if at_set else RhythmVerdict.WAIT

    @property
    def rhythm_shown(self) -> bool:
        """Reps of a burst under way are shown, not yet counted or taken back."""
        return bool(self._rhythm_shown)

    def show_rhythm(self, cands: list[RepCandidate]) -> None:
        """The completed cycles of a burst under way that may be a fast set (none when it may not):
        once there are ``rhythm_show_min_cycles``, each not shown yet is shown as a rep not yet sure."""
        if len(cands) < self.config.detector.rhythm_show_min_cycles or not self._like_counted_set(cands):
            return
        new = cands[len(self._rhythm_shown):]
        if any(c.end_s - c.start_s < self.config.rhythm.min_cycle_s for c in new):
            return  # a cycle quicker than a rep: this read is off (its first cycle began before the set did), wait for the next
        for c in new:
            c = _after(self._rhythm_shown[-1], c) if self._rhythm_shown else c
            if c.end <= c.start:
                return  # (ended before the last shown one did: this read times them otherwise)
            self._rhythm_shown.append(c)
            self._show(c)

    def count_rhythm_set(self, cands: list[RepCandidate], *, across_gravity: bool = False) -> bool:
        """A burst closed: its cycles count as a fast set (``cands``, when :meth:`rhythm_verdict`
        said they may), each flagged as its tempo makes it -- or none do (no ``cands``). Returns
        whether a set counted."""
        cands = self._settle_shown(cands if self._like_counted_set(cands) else [])
        if not cands:
            return False
        if across_gravity and any(self._same_rest(rest_up, cands[0].ref) for _, rest_up in self._held_bursts):
            # counted lying across gravity (``rhythm_verdict``): bursts held at its rest (read just
            # over ``rhythm_lying_force_share``, or with a quick rep before them) are earlier sets
            # there, counted first when they move alike, as for a set the detector timed
            self._count_held_bursts(cands)
        # bursts held for a set timed at their rest: the next set counted is this one, elsewhere
        # (a counted rest is none of theirs), and its reps go out now (review helper-52)
        self.drop_held_bursts("the next set was counted at another posture")
        # quick pieces of it waiting for their pause: the set's, not reps of their own
        self.reject_deferred()
        # what the run held before the burst judges none of it: a set of its own
        self.break_run("not followed by a similar rep")
        self._count_batch(cands)
        self._run_last = cands[-1]
        self._stray_movements = 0
        self._run_len = len(cands)
        self._run_roms = [c.rom_deg for c in cands]
        self._run_direction = np.sum([c.direction for c in cands], axis=0)
        return True

    def hold_rhythm_set(self, cands: list[RepCandidate], rest_up: NDArray[np.float64]) -> None:
        """A burst closed at a rest where no set was counted (:attr:`RhythmVerdict.WAIT`): its
        cycles are shown as reps not yet sure, and count if the next set counted is at that rest,
        moving as they do (:meth:`_count_held_bursts`); otherwise, at a data gap, or when the
        recording ends first (:meth:`drop_held_bursts`), they are taken back. A fast set done
        first, lying down, counted 0 before (19 of the real-behaviour corpus's sets of seed 2026 had a set
        counted after them). Cycles that swing back past the rest like a walk's
        (:meth:`_swings_back_like_a_walk`) are not held: they would show only to be taken back."""
        cands = self._settle_shown(cands)
        d = self.config.detector
        if (not cands or float(np.median([c.rom_deg for c in cands])) > d.held_burst_max_range_factor * self.config.max_rep_rom_deg
                or self._swings_back_like_a_walk(cands)):
            return  # (a walk's cycles are not shown to be taken back when the set comes: review helper-53)
        for c in cands:
            self._show(c)
        self._held_bursts.append((cands, unit(rest_up)))
        while len(self._held_bursts) > d.max_held_bursts:
            self._reject_burst(self._held_bursts.pop(0)[0], "no set of the exercise counted at its posture")

    def drop_held_bursts(self, reason: str = "no set of the exercise counted at its posture") -> None:
        """Bursts still waiting for a set at their rest are no set: the recording ended, or a data
        gap came (the sensor may be strapped on anew), or the next set counted was elsewhere."""
        held, self._held_bursts = self._held_bursts, []
        for cands, _ in held:
            self._reject_burst(cands, reason)

    def _count_held_bursts(self, confirmed: list[RepCandidate]) -> None:
        """A set's first reps confirmed each other (``confirmed``): the bursts held at its rest
        (``fast_rest_match_deg``) before it, moving as its reps move (:meth:`_moves_like`) and,
        standing in the sagittal plane, swinging as far (:meth:`_swings_like_a_set`), were fast
        sets of the exercise -- counted now, before it (they came first). The others were not:
        the next set counted after them was elsewhere, or moved otherwise."""
        if not self._held_bursts:
            return
        held, self._held_bursts = self._held_bursts, []
        first = confirmed[0]
        way = np.sum([c.direction for c in confirmed], axis=0)
        for cands, rest_up in held:
            if not self._same_rest(rest_up, first.ref):
                self._reject_burst(cands, "no set of the exercise counted at its posture")
            elif cands[-1].end_s > first.start_s:
                # among the set's reps (the wobble of its first rep read as cycles): none of its own
                self._reject_burst(cands, "not a set of its own: within the set after it")
            elif not self._moves_like(cands, way):
                self._reject_burst(cands, "not moving as the set counted at its posture")
            elif not self._swings_like_a_set(cands, float(np.median([c.rom_deg for c in confirmed]))):
                self._reject_burst(cands, "not swinging as far as the set counted at its posture, or swinging back past it")
            else:
                self._count_batch(cands)

    def _settle_shown(self, cands: list[RepCandidate]) -> list[RepCandidate]:
        """A burst closed with ``cands`` (none: no set). The cycles shown while it went on are the
        set's first reps (a count read again over the whole burst may time them a little
        differently: they go out at the times shown, so what the person saw is what counts); any
        shown beyond the set's are taken back. The cycles, each starting where the last ended: one
        left with no length so is none (a read that timed the cycles otherwise than the reads shown
        had cycles end before the last shown did -- 18 reps, one ending before it began, for a set
        of 12; a rep of no length counted twice: review of stop 39, helper-51 at stop 38)."""
        shown, self._rhythm_shown = self._rhythm_shown, []
        self._reject_burst(shown[len(cands):], "not a rep of the fast set after all")
        if not cands:
            return []
        cands = [*shown[:len(cands)], *cands[len(shown):]]
        out = [cands[0]]
        for c in cands[1:]:
            c = _after(out[-1], c)
            if c.end > c.start:
                out.append(c)
        return out

    def _count_batch(self, cands: list[RepCandidate]) -> None:
        """A fast set read from its rhythm counts, its reps together."""
        self._batch_count += 1
        for c in cands:
            self._short.discard(c.start)
            self._confirm(c, batch=self._batch_count)

    def _reject_burst(self, cands: list[RepCandidate], reason: str) -> None:
        for c in cands:
            self.reject_cand(c, reason)

    def _moves_like(self, cands: list[RepCandidate], set_way: NDArray[np.float64]) -> bool:
        """A burst's cycles move as the reps of a set moving ``set_way`` do. Lying down, in their
        plane: the way read from a cycle's mean specific force can come out against theirs there,
        the pull towards the joint that a fast rep adds to it outweighing the tilt (cos -0.7 to
        -1.0 in 3 of 3 sessions looked at, seed 2026). Standing or seated, that pull is along the
        hanging leg, towards the rest, and the way holds: their way (a walk swings the leg across a
        frontal set's plane, and both ways)."""
        cos = float(unit(np.sum([c.direction for c in cands], axis=0)) @ unit(set_way))
        return (abs(cos) if self.config.exercise.start_posture.lying else cos) >= self.config.detector.direction_min_cos

    def _like_counted_set(self, cands: list[RepCandidate]) -> bool:
        """Standing or seated, a burst's cycles count (or show) only moving as the reps of the set
        counted at their rest did (:meth:`_moves_like`): a walk swings the leg across a frontal
        set's plane, and a shank both ways; standing in the sagittal plane, swinging as far as
        they did too, and not back past the rest (:meth:`_swings_like_a_set`). (Lying down no one
        walks.)"""
        if self.config.exercise.start_posture.lying or not cands:
            return True
        return (self._counted_way is not None and self._moves_like(cands, self._counted_way)
                and self._counted_rom_deg is not None and self._swings_like_a_set(cands, self._counted_rom_deg))

    @property
    def _standing_sagittal(self) -> bool:
        """The exercise is done standing, in the sagittal plane (a walk's plane)."""
        ex = self.config.exercise
        return ex.start_posture is Posture.STANDING and ex.plane is Plane.SAGITTAL

    def _swings_back_like_a_walk(self, cands: list[RepCandidate]) -> bool:
        """Standing in the sagittal plane (:attr:`PipelineConfig.reads_fast_sets_from_rhythm`), a
        burst's cycles swing past the rest the other way by more than ``rhythm_swing_back_fraction``
        of their own range (the median of each): shifting from foot to foot, or turning on the
        spot, swings a thigh forward about as far as a fast hip flexion does, but back behind the
        body as well (stop 40: 4 such bursts on real behaviours seed 2026, counted as sets without
        this, swung back by 0.2-0.8 of their range; the fast sets 0.0-0.1). Elsewhere, false."""
        if not self._standing_sagittal:
            return False
        rom = float(np.median([c.rom_deg for c in cands]))
        swing = float(np.median([c.swing_back_deg for c in cands]))
        return not swing <= self.config.detector.rhythm_swing_back_fraction * rom  # (NaN: no swing read, a walk)

    def _swings_like_a_set(self, cands: list[RepCandidate], set_rom_deg: float) -> bool:
        """Standing in the sagittal plane, a burst's cycles are a set's only turning at least
        ``fast_set_min_range_fraction`` of the range of the set counted at their rest
        (``set_rom_deg``) and not swinging back like a walk (:meth:`_swings_back_like_a_walk`).
        Elsewhere, true."""
        if not self._standing_sagittal:
            return True
        rom = float(np.median([c.rom_deg for c in cands]))
        return rom >= self.config.detector.fast_set_min_range_fraction * set_rom_deg and not self._swings_back_like_a_walk(cands)

    def _same_rest(self, a_up: NDArray[np.float64], b_up: NDArray[np.float64]) -> bool:
        """Two rests are one: within ``fast_rest_match_deg``."""
        return float(unit(a_up) @ unit(b_up)) >= math.cos(math.radians(self.config.detector.fast_rest_match_deg))

    def _at_counted_rest(self, rest_up: NDArray[np.float64]) -> bool:
        """``rest_up`` is the rest of a set counted (``fast_rest_match_deg``)."""
        return self._counted_rest is not None and self._same_rest(rest_up, self._counted_rest)

    def _at_counted_rest_across_gravity(self, rest_up: NDArray[np.float64]) -> bool:
        """``rest_up`` is the rest of a set counted (``fast_rest_match_deg``) where the segment lies
        across gravity (:attr:`PipelineConfig.rest_across_gravity`: lying, or a thigh seated)."""
        return self.config.rest_across_gravity and self._at_counted_rest(rest_up)

    def _lone_short(self) -> bool:
        """All that waits is one movement too short to be a rep on its own."""
        return len(self._waiting) == 1 and self._waiting[0].start in self._short

    def _fast_set_min_reps(self) -> int:
        """How many quick reps back to back the waiting ones must be to count as a fast set: fewer
        when the first started from a rest (:meth:`_waiting_from_rest`) -- the first fast
        rep may merge with getting into position, and a walk swings back between its strides."""
        d = self.config.detector
        return d.fast_run_min_reps if self._waiting_from_rest() else max(d.fast_run_min_reps, d.fast_run_unpaused_min_reps)

    def _follows_quick_rep(self, cand: RepCandidate) -> bool:
        """``cand`` follows the run's last rep, a quick one or one of its tempo (at most
        ``fast_tempo_ratio`` times as long), as a fast set's next rep would."""
        last = self._run_last
        if last is None or not self.config.has_gyro:
            return False
        d = self.config.detector
        # quick itself, or at the tempo of ``cand`` (a set's tempo either side of ``min_unpaused_rep_s``)
        quick = last.end_s - last.start_s < max(d.min_unpaused_rep_s, d.fast_tempo_ratio * (cand.end_s - cand.start_s))
        return (quick and cand.start_s - self._landing_end_s(last) <= d.fast_gap_s
                and float(cand.direction @ unit(last.direction)) >= d.direction_min_cos
                and self._like_range(cand.rom_deg, last.rom_deg))

    def _note_landing(self, cand: RepCandidate) -> None:
        """``cand``, a movement that is no rep, is the last waiting quick rep's landing if it goes
        back against it within ``rebound_s`` of its end, swinging back past the rest no further than
        a fast set may (``fast_opposite_fraction``; a walk's thigh swings back behind the body):
        the next rep of a fast set is timed from the landing's end (``_continues_fast_set``). UCI
        subject 2's fast prone leg lifts replayed twice as fast rebound for 0.5-0.8 s as they land
        (16-36 deg of 50-100 deg reps, mostly the rest of the lowering), and the blocks counted 0."""
        if not self._waiting:
            return
        d = self.config.detector
        last = self._waiting[-1]
        if cand.start_s - self._landing_end_s(last) > d.rebound_s:
            return
        direction = self._waiting_direction()
        typical = float(np.median([c.rom_deg for c in self._waiting]))
        # back against the reps, and not past the rest further than a fast set may: a walk's swing
        if float(cand.direction @ direction) < 0.0 and (
                self._at_counted_rest_across_gravity(self._waiting[0].ref)
                or self._swing_back_deg(cand.start, cand.end, direction) <= d.fast_opposite_fraction * typical):
            self._landed(cand)

    def lowered_from(self, rest: RepCandidate) -> None:
        """``rest`` was the rest of the last waiting quick rep's lowering (taken as held part of
        the way down, then home): the next rep of a fast set is timed from its end, as from a
        landing. UCI subject 2's fast prone leg lifts replayed twice as fast come down to a quarter
        of their range, bounce back up 5 deg and land 0.4-0.5 s later: timed from the bounce, each
        next rep came too late (0.76 s against ``fast_gap_s``) and the thigh's block counted 0."""
        if self._waiting:
            self._landed(rest)

    def _landed(self, landing: RepCandidate) -> None:
        """The last waiting quick rep landed at the end of ``landing``."""
        self._landed_s, self._landed_from_s = landing.end_s, self._waiting[-1].end_s

    def _landing_end_s(self, rep: RepCandidate) -> float:
        """Where ``rep`` ended, landing included (its end when no landing of its own was seen)."""
        return self._landed_s if self._landed_from_s == rep.end_s else rep.end_s

    def is_short(self, c: RepCandidate) -> bool:
        """``c`` is shorter than a rep on its own (kept as a fast set's rep)."""
        return c.start in self._short

    def _continues_fast_set(self, cand: RepCandidate) -> bool:
        """``cand`` follows the waiting quick reps as the next rep of a fast set: quick itself, at
        once, the same way, of like range, and the segment did not swing back past its rest in between (walking
        does: the thigh swings back behind the body between its forward swings) -- or, in a fast set
        under way, did so only now and then (``fast_swing_back_share``)."""
        return cand.end_s - cand.start_s < self.config.detector.min_unpaused_rep_s and self._follows_waiting(cand)

    def _slower_next_rep(self, cand: RepCandidate) -> bool:
        """``cand``, no quick rep, follows the waiting quick reps as their next rep would
        (:meth:`_follows_waiting`) and at their tempo (``fast_tempo_ratio``), and they are reps of
        a set: none too short for one, the first from a rest (:meth:`_waiting_from_rest`) or in a
        set under way (a walk's strides that end in a slower step are neither). However few they
        are: a quick rep and a slower one at once are two reps of a set whose tempo alternates about
        the limit (asking for as many as a fast set needs, :meth:`_fast_set_min_reps`, counted such a
        set 0 of 10; on UCI replayed twice as fast it took one rep off subject 1's overcounted block
        and one off subject 2's undercounted one)."""
        last = self._waiting[-1]
        return (not any(c.start in self._short for c in self._waiting) and self._waiting_from_rest()
                and cand.end_s - cand.start_s <= self.config.detector.fast_tempo_ratio * (last.end_s - last.start_s)
                and self._follows_waiting(cand))

    def _follows_waiting(self, cand: RepCandidate) -> bool:
        """``cand`` follows the waiting quick reps as their next rep would, whatever its tempo: at
        once, the same way, of like range, with no swing back past the rest (see
        :meth:`_continues_fast_set`)."""
        run = self._waiting
        if not self.fast_sets:
            return False
        d = self.config.detector
        prev = run[-1]
        # from the end of the last rep's landing: a fast prone leg lift's shank rebounds 16-26 deg
        # for 0.5-0.8 s as it lands (UCI subject 2 replayed twice as fast: a block counted 0)
        if cand.start_s - self._landing_end_s(prev) > d.fast_gap_s:
            return False
        direction = self._waiting_direction()
        if float(cand.direction @ direction) < d.direction_min_cos:
            return False
        typical = float(np.median([c.rom_deg for c in run]))
        if not self._like_range(cand.rom_deg, typical):
            return False
        if not self.config.has_gyro or self._at_counted_rest_across_gravity(run[0].ref):
            # no swing back to read, or lying (or a thigh seated) at the rest of a set counted there,
            # where no walk can be what moves (UCI subject 2's fast prone lifts seen by the shank,
            # replayed twice as fast, land 14-23 deg past their rest, a fifth to a third of their
            # range: each was taken for a walking stride, and the block counted 3 of 10; seated,
            # the same subject's knee extensions seen by the thigh, 8 of 10)
            return True
        limit_deg = d.fast_opposite_fraction * typical
        if self._swing_back_deg(prev.start, cand.start, direction) <= limit_deg:
            return True
        # a swing back now and then is a fast rep's landing overshooting the rest (or a shank
        # sensor's tilt bent by the leg's own acceleration); a walk swings back at every stride
        swung = [self._swing_back_deg(a.start, b.start, direction) > limit_deg for a, b in zip(run, run[1:])]
        return (len(run) >= d.fast_swing_back_min_reps and bool(swung) and not swung[-1]
                and sum(swung) + 1 <= len(run) * d.fast_swing_back_share)

    def _waiting_direction(self) -> NDArray[np.float64]:
        """The way the waiting quick reps go (unit)."""
        return unit(np.sum([c.direction for c in self._waiting], axis=0))

    def _swing_back_deg(self, a: int, b: int, direction: NDArray[np.float64]) -> float:
        """How far the segment tilted past its rest against ``direction`` (unit, perpendicular to
        the rest's up) between samples ``a`` and ``b``, deg.

        The up vector is the fused one -- or, with a gyro and a pause before the first waiting rep,
        the up vector at the end of that pause turned by the gyro alone (``_gyro_up``): the fused
        tilt is bent by a quick lift's own acceleration (shank sensors in fast standing hip
        flexions: 14-42 deg of swing back where the gyro turned 0-2.4 deg back, real-behaviour
        corpus), and the fast set was taken for a walk."""
        h = self._hist
        lo = max(a, h.start)
        if b <= lo:
            return 0.0
        pause = self._waiting[0].pause if self._waiting else None
        if pause is not None and pause[1] <= lo:
            up = self._gyro_up(pause, b)[lo - pause[1]:]
        else:
            up = h.up[h.rows(lo, b + 1)]
        against = -dot_rows(up, direction)
        return float(np.degrees(np.arcsin(np.clip(against.max(), 0.0, 1.0))))

    def _gyro_up(self, pause: tuple[int, int], b: int) -> NDArray[np.float64]:
        """The up vector over samples ``pause[1]..b`` (sensor frame, unit): the fused one at the
        end of the pause before the first waiting rep (``RepCandidate.pause``), turned from there
        by the gyro alone, less its bias (its median over the pause: over a fast set's 5-10 s a
        bias of 1-2 deg/s would add 5-20 deg). Kept from call to call while the pause stays (the
        same numbers: each sample is turned once, in order)."""
        h = self._hist
        cache = self._gyro_cache
        if cache is None or cache[0] != pause:
            bias = np.median(h.gyro_dps[h.rows(pause[0], pause[1] + 1)], axis=0)
            cache = (pause, bias, [h.up[pause[1] - h.start].copy()])
            self._gyro_cache = cache
        _, bias, ups = cache
        done = pause[1] + len(ups) - 1
        if b > done:
            rows = h.rows(done, b + 1)
            w = (h.gyro_dps[rows][1:] - bias) * (np.diff(h.t[rows])[:, None] / DEG)
            u0, u1, u2 = (float(x) for x in ups[-1])
            for w0, w1, w2 in w.tolist():
                # d(up)/dt = up x w: a step turns it by |w dt| about -w (Rodrigues, exact for a
                # rate constant over the step; a first-order step under-turns by |w dt|^3 / 3, a
                # tenth of a degree a sample at 25 Hz and 300 deg/s)
                angle = math.sqrt(w0 * w0 + w1 * w1 + w2 * w2)
                if angle > 0.0:
                    k0, k1, k2 = w0 / angle, w1 / angle, w2 / angle
                    c, s = math.cos(angle), math.sin(angle)
                    along = (k0 * u0 + k1 * u1 + k2 * u2) * (1.0 - c)
                    u0, u1, u2 = (u0 * c + (u1 * k2 - u2 * k1) * s + k0 * along,
                                  u1 * c + (u2 * k0 - u0 * k2) * s + k1 * along,
                                  u2 * c + (u0 * k1 - u1 * k0) * s + k2 * along)
                ups.append(np.array((u0, u1, u2)))
        return np.array(ups[: b - pause[1] + 1])

    def _show_fast_set(self) -> None:
        """Show a fast set's reps as tentative once there are enough of them for one (as many as
        ``accept_deferred`` will take: more when the first did not start from a rest -- the
        quick swings of a walk would otherwise show and be taken back)."""
        if len(self._waiting) < self._fast_set_min_reps():
            return
        for c in self._waiting:
            self._show(c)

    def _accept(self, cand: RepCandidate, *, unpaused: bool = False) -> None:
        """Into the run (``unpaused``: a rep of a fast set, which has no pause before it)."""
        d = self.config.detector
        confirmed = self.in_confirmed_set
        if not confirmed and self._run_pending and (
                self._stray_movements >= d.max_stray_movements
                or (self._run_last is not None  # always, with reps pending (for the type checker)
                    and self._moving_s(self._run_last.end, cand.start) > d.max_moving_between_first_reps_s)):
            # between a set's first reps the person does not walk about: no movement after
            # movement, nor seconds of it too small to count (walking back from fetching the weight)
            self.break_run("other movement before the next rep")
        last = self._run_last
        if last is not None:
            same_way = self._same_way(cand)
            close = cand.start_s - last.end_s <= d.run_gap_s
            if not (same_way and close):
                self.break_run("not followed by a similar rep" if close else "isolated movement")
                confirmed = False
        if not unpaused and not cand.calm_before and cand.end_s - cand.start_s < d.min_unpaused_rep_s:
            # walking and other setup motion swing the leg quickly and without pauses; a rep
            # that follows the previous one without a pause must at least take its time
            self.break_run("followed by quick movement without a pause")
            self.reject_cand(cand, "quick, with no pause before it (walking or setup motion?)")
            return
        if not unpaused and not confirmed and self._ends_a_walk(cand):
            self.reject_cand(cand, "straight after quick strides, with no set under way (the end of a walk?)")
            return
        self._run_last = cand
        self._last_unpaused = unpaused  # a fast set's rep, counted with no pause before it
        self._stray_movements = 0
        self._run_len += 1
        self._run_roms.append(cand.rom_deg)
        self._run_direction = self._run_direction + cand.direction
        if confirmed:
            self._confirm(cand)
            return
        # A set is confirmed by two reps of similar range (a step and a bend to pick
        # something up are not); a partial rep between them belongs to it.
        k = next((i for i, p in enumerate(self._run_pending) if self._like_range(cand.rom_deg, p.rom_deg)), None)
        if k is None:
            self._run_pending.append(cand)
            self._announce(cand)
            if len(self._run_pending) > d.max_unconfirmed_reps:
                old = self._run_pending.pop(0)
                self.reject_cand(old, "not followed by a similar rep")
            return
        for p in self._run_pending[:k]:
            self.reject_cand(p, "not followed by a similar rep")
        self._count_held_bursts([*self._run_pending[k:], cand])
        self._batch_count += 1
        for p in self._run_pending[k:]:
            self._confirm(p, batch=self._batch_count)
        self._confirm(cand, batch=self._batch_count)
        self._run_pending = []
        self._run_len = max(self._run_len, 2)

    def _ends_a_walk(self, cand: RepCandidate) -> bool:
        """``cand`` would open a run, but ends a walk -- its last stride, or the bend to pick up
        the weight it runs into: with a gyro, no set under way, no pause before it, straight after
        quick movements turned down as strides are (``walk_end_*``,
        :class:`~tracker.pipeline.config.DetectorConfig`)."""
        d = self.config.detector
        if (not self.config.has_gyro or self._run_last is not None or self._run_pending or cand.calm_before
                or cand.start == self._lead_in or cand.start_s - self._counted_end_s <= d.set_gap_s
                or not self._quick_turned_down or cand.start_s - self._quick_turned_down[-1][0] > d.walk_end_gap_s):
            return False
        strides = [end_s for end_s, rom in self._quick_turned_down
                   if end_s >= cand.start_s - d.walk_end_window_s and rom >= d.walk_end_stride_fraction * cand.rom_deg]
        return len(strides) >= d.walk_end_min_strides

    def forget_quick_movements(self) -> None:
        """A data gap: the quick movements before it are no strides of what comes after it."""
        self._quick_turned_down = []

    def _moving_s(self, a: int, b: int) -> float:
        """How long the segment moved at walking speed (``walking_dps``) between samples ``a`` and ``b``."""
        h = self._hist
        a = max(a, h.start)
        if b <= a + 1:
            return 0.0
        r = h.rows(a, b)
        moving = h.speed[r][1:] > self.config.detector.walking_dps
        return float(np.diff(h.t[r])[moving].sum())

    def break_run(self, reason: str) -> None:
        for c in self._run_pending:
            self.reject_cand(c, reason)
        self._run_pending = []
        self._run_last = None
        self._run_len = 0
        self._last_unpaused = False
        self._run_roms = []
        self._run_direction = np.zeros(3)

    def _continues_set(self, c: RepCandidate) -> bool:
        """``c`` looks like the next rep of the confirmed set going on: soon after its last rep
        (``announce_in_set_gap_s``), the same way, of a like range."""
        return self.in_confirmed_set and self._set_open and self._follows_run(c)

    def _follows_run(self, c: RepCandidate) -> bool:
        """``c`` follows the run's last rep as its next: soon after it (``announce_in_set_gap_s``),
        the same way, of a like range."""
        last = self._run_last
        return (last is not None and c.start_s - last.end_s <= self.config.detector.announce_in_set_gap_s
                and self._same_way(c) and self._like_range(c.rom_deg, float(np.median(self._run_roms))))

    def may_take_small_rep(self, duration_s: float) -> bool:
        """Whether a movement of ``duration_s`` under the entry level may be the next rep of the
        run (:meth:`small_rep_of_run`): a run is open, no quick rep waits, and the movement takes a
        rep's time (``min_unpaused_rep_s``: a wobble that small is under the still speed, so
        stillness before it says little -- it is quicker). Cheap: asked before it is measured."""
        return (self._run_last is not None and not self._waiting
                and duration_s >= self.config.detector.min_unpaused_rep_s)

    def small_rep_of_run(self, c: RepCandidate, enter_deg: float) -> bool:
        """``c`` crossed the entry level but measures under it (``enter_deg``) from the rest before
        it, and is the next rep of a run of reps near that level: it may be
        (:meth:`may_take_small_rep`), starts from stillness, the run's reps are under
        ``small_run_factor`` times the level, and it follows them as their next rep -- the same way,
        within ``run_gap_s`` of the last (UCI subject 1's low prone leg lifts with the thigh
        sensor: 2.2-3.5 deg, half of them turned down as too small). Its range is then like
        theirs whatever it is (0.8-2 times the level), so the way and the gap are what keep a
        sway the other way or a movement after a rest out."""
        last = self._run_last
        if last is None or not self.may_take_small_rep(c.end_s - c.start_s) or not c.quiet_before:
            return False
        typical = float(np.median(self._run_roms))
        return (typical < self.config.detector.small_run_factor * enter_deg and self._same_way(c)
                and c.start_s - last.end_s <= self.config.detector.run_gap_s)

    def _same_way(self, c: RepCandidate) -> bool:
        """``c`` moves the way the run's reps move."""
        return float(c.direction @ unit(self._run_direction)) >= self.config.detector.direction_min_cos

    def _like_range(self, a_deg: float, b_deg: float) -> bool:
        """Ranges close enough for reps of one set (within ``confirm_rom_ratio`` of each other)."""
        ratio = self.config.detector.confirm_rom_ratio
        return 1.0 / ratio <= a_deg / max(b_deg, 1e-6) <= ratio

    def _announce(self, c: RepCandidate) -> None:
        """Show a rep the moment it ends, before the set confirms it (once per candidate).

        Inside a confirmed set, the next rep is shown: soon after the last, the same way, of a
        like range (shifting on the mat or turning round after a set is none of these). Before
        a set, only what looks like its first rep: it starts from stillness, takes a rep's time,
        and its range is the exercise's (up to ``announce_max_range_factor`` times its largest) --
        walking, fetching the weight and lying down would otherwise flash up as reps and be taken
        back, and a count that keeps taking reps back is not believed. A quick rep (under
        ``min_unpaused_rep_s``: a walk's stride from standing still looks the same) only where no
        one walks (:meth:`_quick_first_rep_shown`).
        """
        d = self.config.detector
        next_in_set = self._continues_set(c)
        from_rest = c.quiet_before or c.start == self._lead_in
        first_of_set = (from_rest and (c.end_s - c.start_s >= d.min_unpaused_rep_s or self._quick_first_rep_shown(c))
                        and d.announce_min_rom_deg <= c.rom_deg <= d.announce_max_range_factor * self.config.max_rep_rom_deg)
        if next_in_set or first_of_set:
            self._show(c)

    def _quick_first_rep_shown(self, c: RepCandidate) -> bool:
        """A quick rep from rest (``c``) is shown as a set's first rep the moment it ends only with a
        gyro, at the rest of a set counted and as far as that set's reps went
        (:meth:`_like_counted_set_rep`), where no walk moves the segment as it does: where the
        segment lies across gravity (:meth:`_at_counted_rest_across_gravity`: lying down, or a thigh
        seated) no one walks; standing in the frontal plane (hip abduction) or seated with a shank
        sensor, moving as that set moved (within ``quick_first_rep_min_cos`` of its way: a walk's
        first stride swings the leg across a hip abduction's plane) and turning at least
        ``minor_fraction`` x ``confirm_rom_ratio`` of its range (no rep of a set there takes it for
        its lead-in, :meth:`_is_lead_in`). Not standing in the sagittal plane, a walk's own (stop 52:
        the first stride of the walk away after the last set showed and was taken back, 8 times on
        real behaviours seed 2026), nor in an exercise of any posture or plane. Elsewhere a fast
        set's first rep shows once enough quick reps for a set have come, 1-2 s after it ended (real
        behaviours seed 2026, fast sets seen with a gyro: 10 of 61 showed their first rep within
        300 ms before stop 50, 22 with the lying rule, 29 with the standing one). Not a smaller
        movement: a jerk from rest shown so would no longer lead a fast set's first rep in, and a set
        of 3 or 4 after it counted none (review helper-65 lying down, helper-67 standing). Not
        without a gyro: a fast set is read from its rhythm there, whose cycles show themselves, and
        the quick rep shown first was taken back (real behaviours seed 2026: 18 more taken back). A
        rest kept across a data gap (a re-strap) is still that rest here, as for
        :meth:`_follows_waiting`."""
        if not (self.fast_sets and self._like_counted_set_rep(c)):
            return False
        if self.config.rest_across_gravity:
            return True
        d = self.config.detector
        ex = self.config.exercise
        # standing in the frontal plane or seated (the thigh seated lies across gravity: above);
        # not an exercise of any posture or plane (``auto``), whose walk may move in its set's plane
        if not ((ex.start_posture is Posture.STANDING and ex.plane is Plane.FRONTAL) or ex.start_posture is Posture.SEATED):
            return False
        # and only as far as no rep of a set there (within ``confirm_rom_ratio`` of its range) could
        # take it for the jerk that leads it in (under ``minor_fraction`` of its own, ``_is_lead_in``):
        # shown, it would no longer be one, and a fast set after it counted none (review helper-67:
        # a 9 deg jerk into a fast set of 4 at 33 deg, after a set of 25 deg)
        # (the counted set's way and range are set together: ``_confirm``)
        rom, way = self._counted_rom_deg, self._counted_way
        return (rom is not None and way is not None and c.rom_deg >= d.minor_fraction * d.confirm_rom_ratio * rom
                and float(c.direction @ way) >= d.quick_first_rep_min_cos)

    def _like_counted_set_rep(self, c: RepCandidate) -> bool:
        """``c`` is at the rest of the set counted last (within ``fast_rest_match_deg``) and within
        ``confirm_rom_ratio`` of its range either way: a rep of a set there, going by that set."""
        return (self._at_counted_rest(c.ref) and self._counted_rom_deg is not None
                and self._like_range(c.rom_deg, self._counted_rom_deg))

    def _is_lead_in(self, before: RepCandidate | None, c: RepCandidate) -> bool:
        """The movement offered just ``before`` ``c`` started from stillness, was small next to it
        (``minor_fraction`` of its range) and ran straight into it (within ``bounce_s``): the start
        of ``c``'s lift, a jerk as the leg got going, not a movement of its own. ``c`` is then shown
        as a set's first rep would be from that stillness (:meth:`_announce`; UCI subject 1's
        side-lying leg raise by the thigh: a 3 deg jerk into the set's first rep, which showed only
        when the second rep counted it, 7.6 s after it ended). Not when the jerk was itself shown as
        a rep: one lift split in two would show twice. The jerk is judged as before; a quick ``c``
        waiting for its pause starts a fast set from a rest (:meth:`_waiting_from_rest`)."""
        d = self.config.detector
        return (before is not None and before.quiet_before and before.rom_deg < d.minor_fraction * c.rom_deg
                and 0.0 <= c.start_s - before.end_s <= d.bounce_s and not self.is_shown(before.start))

    def may_announce_on_the_way_down(self) -> bool:
        """Whether a lift under way may be shown before it ends (:meth:`announce_on_the_way_down`):
        not while quick reps wait for their pause (a fast set shows its reps together) or a fast
        set's burst is being shown from its rhythm."""
        return not self._waiting and not self._rhythm_shown

    def announce_on_the_way_down(self, c: RepCandidate) -> None:
        """``c``, a lift under way measured so far, has come most of the way back down and stopped
        (``show_on_the_way_down_fraction``): shown now, not yet sure, when it is the next rep of the
        set going on (:meth:`_continues_set`), or of a run whose first rep was shown, or a set's
        first rep at the rest of a set counted (:meth:`_first_rep_shown_on_the_way_down`). The
        candidate that closes it later has the same start: it is counted, or taken back
        (``withdraw``)."""
        last = self._run_last
        if (self._continues_set(c) or self._first_rep_shown_on_the_way_down(c)
                or (self._run_pending and last is not None and self.is_shown(last.start) and self._follows_run(c))):
            self._show(c)

    def _first_rep_shown_on_the_way_down(self, c: RepCandidate) -> bool:
        """``c``, come most of the way back down, is shown as a set's first rep: nothing waits, it
        started from stillness (``quiet_before``; not a lead-in), takes a rep's time
        (``min_unpaused_rep_s``), turned ``announce_min_rom_deg`` at least, at the rest of a set
        counted (within ``fast_rest_match_deg``) and within ``confirm_rom_ratio`` of that set's range
        either way (:meth:`_like_counted_set_rep`; a partial return's first lift, 40-60 % of the
        range, is). A set of partial returns' first rep ends where it turns, part of the way back,
        and showed only when the next lift proved the turn, 0.4-1.2 s later (real behaviours
        seed 2026: 43 of 107 such sets showed it within 300 ms). Not before any set is counted:
        getting into position comes part of the way back and settles too (the clean corpus's
        bridges with the thigh sensor: 8 more taken back in its first 100 recordings, one 20 s after
        it showed). Not a smaller movement, nor one that did not start from rest: shifting and
        settling at the rest between sets, shown so, were taken back (28 more, seed 2026). A data
        gap before the lift closes takes it back, as it does a rep shown at its end."""
        d = self.config.detector
        return (not self._run_pending and c.quiet_before and c.end_s - c.start_s >= d.min_unpaused_rep_s
                and c.rom_deg >= d.announce_min_rom_deg and self._like_counted_set_rep(c))

    def is_shown(self, start: int) -> bool:
        """The excursion from history sample ``start`` was shown as a rep not yet sure."""
        return start in self._tentative

    def withdraw(self, start: int) -> bool:
        """The excursion from ``start`` is no rep: whether it had been shown (and is taken back)."""
        shown = start in self._tentative
        self._tentative.discard(start)
        return shown

    def _show(self, c: RepCandidate) -> None:
        if c.start not in self._tentative:
            self._tentative.add(c.start)
            self._out.push(RepTentative(c.start_s, c.end_s, c.rom_deg))

    def _confirm(self, c: RepCandidate, batch: int | None = None) -> None:
        announced = self.withdraw(c.start)  # (shown before: it is counted now)
        if self._set_open and c.start_s - self._set_end_s > self.config.detector.set_gap_s:
            self.close_set()
        if not self._set_open:
            self._set_index += 1
            self._set_open = True
            self._set_start_s = c.start_s
            self._set_reps = 0
            self._set_way = np.zeros(3)
            self._set_roms = []
        self._rep_index += 1
        self._set_reps += 1
        if c.source is RepSource.EXCURSION:  # (a fast set read from its rhythm may follow another at once)
            self._counted_end_s = max(self._counted_end_s, c.end_s)
        if c.source is RepSource.EXCURSION:  # (a way read from a rhythm is an estimate)
            self._set_way = self._set_way + c.direction
            self._set_roms.append(c.rom_deg)
        if self._set_reps >= self.config.detector.fast_rest_min_reps:
            self._counted_rest = c.ref
            if self._set_way.any():
                self._counted_way = unit(self._set_way)
                self._counted_rom_deg = float(np.median(self._set_roms))
        self._set_end_s = c.end_s
        # The rotation axis is fixed in the moving segment, and so in the sensor strapped to
        # it: it is estimated over the whole session (a mean of axes, not of signed rotations).
        sign = -1.0 if float(c.axis @ self._run_axis) < 0 else 1.0
        self._run_axis = self._run_axis + sign * c.axis * c.rom_deg
        self._out.push_rep(c, self._rep_index, self._set_index, batch, announced)

    def expiry_s(self) -> float:
        """Time after which the waiting quick rep or the unconfirmed run can no longer be confirmed."""
        gap = self.config.detector.run_gap_s
        limits = [np.inf]
        if self._waiting:
            limits.append(self._waiting[-1].end_s + gap)
        if self._run_pending and self._run_last is not None:
            limits.append(self._run_last.end_s + gap)
        return float(min(limits))

    def expire(self, now_s: float) -> None:
        """What can no longer be confirmed at ``now_s`` is turned down: the unconfirmed run, or the
        waiting quick reps -- each only when its own time is up (a quick rep that just ended is
        not turned down with an older run of setup motion: the first rep of a fast squat set,
        15 s after the walk to the chair, was)."""
        gap = self.config.detector.run_gap_s
        run_over = bool(self._run_pending) and self._run_last is not None and now_s > self._run_last.end_s + gap
        if self._waiting and now_s > self._waiting[-1].end_s + gap:
            self.reject_deferred()
        if run_over and self._run_pending:
            self.break_run("isolated movement")

    def check_set_timeout(self, a: int, b: int) -> None:
        if not self._set_open or self._run_pending:
            return
        t = self._hist.t[self._hist.rows(a, b)]
        if t.size and t[-1] - self._set_end_s > self.config.detector.set_gap_s:
            self.close_set()

    def close_set(self) -> None:
        if self._set_open:
            self._out.push(SetCompleted(self._set_index, self._set_start_s, self._set_end_s, self._set_reps))
            self._set_open = False

    def reject_cand(self, c: RepCandidate, reason: str) -> None:
        self._out.push(RejectedMovement(c.start_s, c.end_s, c.rom_deg, reason, tentative=self.withdraw(c.start)))


def _after(prev: RepCandidate, c: RepCandidate) -> RepCandidate:
    """``c`` starting no earlier than ``prev`` ended: the cycles of a fast set read from its rhythm
    at different times place their boundaries a little differently (neighbours overlapped by up to
    0.33 s: review helper-50)."""
    if c.start >= prev.end:
        return c
    return dataclasses.replace(c, start=prev.end, start_s=prev.end_s, peak=max(c.peak, prev.end), peak_s=max(c.peak_s, prev.end_s))
