"""The output queue: events in order, reps numbered as they go out, pelvis metrics attached.

The detector and the run logic push events (and confirmed reps, :class:`PendingRep`) here;
:meth:`OutputQueue.drain` hands out what is ready. A confirmed rep waits for the pelvis
sensor's data over its time (:mod:`tracker.pipeline.pelvis`), and everything after it waits
too, so the order of the events never depends on when the pelvis data arrived. Reps and
sets are numbered here, from what actually went out.
"""

from __future__ import annotations

from dataclasses import replace

from tracker.pipeline.candidate import RepCandidate
from tracker.pipeline.config import PipelineConfig
from tracker.pipeline.flags import SessionRanges, SessionTempo, assess_flags, judged_again, judged_before_range_known
from tracker.pipeline.pelvis import PelvisMetrics, PelvisStream
from tracker.pipeline.types import Event, RejectedMovement, Rep, RepCompleted, RepRevised, RepSource, SetCompleted


#: a rep whose pelvis metrics are not known yet
UNRESOLVED = object()


class PendingRep:
    """A confirmed rep waiting for its pelvis metrics (or for earlier events to go out)."""

    __slots__ = ("cand", "index", "set_index", "pelvis", "batch", "announced")

    def __init__(self, cand: RepCandidate, index: int, set_index: int, batch: int | None = None,
                 announced: bool = False) -> None:
        self.cand = cand
        #: it went out as a RepTentative before
        self.announced = announced
        self.index = index
        self.set_index = set_index
        self.pelvis: object = UNRESOLVED
        #: reps confirmed by each other (a set's first reps) share a batch: they go out together
        self.batch = batch


class OutputQueue:
    """Events waiting to go out, in the order they happened."""

    def __init__(self, config: PipelineConfig, pelvis: PelvisStream | None) -> None:
        self._config = config
        self._pelvis = pelvis
        self._items: list[Event | PendingRep] = []
        # numbering of what went out (see ``drain``): internal set index -> (set index,
        # start, end, reps) of the open emitted sets; ranges of the emitted reps
        self._emitted_reps = 0
        self._emitted_set_count = 0
        self._emitted_sets: dict[int, tuple[int, float, float, int]] = {}
        #: the ranges of the emitted reps that show the person's typical rep: see ``_make_rep``
        self._emitted_roms: list[float] = []
        self._emitted_history: list[Rep] = []  # the reps gone out so far: their flags judge the next (never a later one)
        self._emitted_ranges = SessionRanges(config)  # ... and their ranges, kept as they go out
        self._emitted_tempo = SessionTempo()  # ... and their tempo and smoothness
        #: reps gone out before the person's range was known (index in ``_emitted_history``):
        #: judged again when it is (:func:`~tracker.pipeline.flags.judged_again`)
        self._before_range_known: list[int] = []

    def push(self, event: Event) -> None:
        self._items.append(event)

    def push_rep(self, cand: RepCandidate, index: int, set_index: int, batch: int | None, announced: bool) -> None:
        """A confirmed rep (``index`` and ``set_index`` internal; the numbers that go out are given in ``drain``)."""
        self._items.append(PendingRep(cand, index, set_index, batch, announced))

    def waiting_for_pelvis_s(self) -> list[float]:
        """Start times of the confirmed reps still waiting for the pelvis sensor."""
        return [item.cand.start_s for item in self._items if isinstance(item, PendingRep) and item.pelvis is UNRESOLVED]

    def resolve_pelvis(self, main_t_s: float | None) -> None:
        """Attach pelvis metrics to confirmed reps whose time the pelvis sensor now covers.

        A pelvis sensor that has sent nothing up to a rep's end while the main one has run
        ``pelvis_wait_s`` past it has dropped out: the rep goes out with what the pelvis sent
        during it (maybe nothing), as it would at the end of the recording.
        """
        wait_s = self._config.detector.pelvis_wait_s
        main_t = main_t_s
        for item in self._items:
            if isinstance(item, PendingRep) and item.pelvis is UNRESOLVED:
                if self._pelvis is None or (item.cand.source is RepSource.RHYTHM and not self._pelvis.tracker.has_gyro):
                    # (without a gyro the pelvis sensor's tilt in a fast rep is as misread as the main
                    # one's: 93-165 deg "turns" in a fast bridge, real-behaviour corpus seed 11, turned a
                    # whole set down as changes of posture -- and it is not read, so that its
                    # misreading judges no rep after it either)
                    item.pelvis = None
                elif self._pelvis.covers(item.cand.end_s) or (main_t is not None and main_t - item.cand.end_s > wait_s):
                    item.pelvis = self._pelvis.metrics(item.cand.start_s, item.cand.end_s)
                else:
                    break  # later reps end later still

    def drain(self, main_t_s: float | None) -> list[Event]:
        """Events ready to go out, in order.

        Reps and sets are numbered here, as they go out: a confirmed rep that the pelvis
        sensor shows was a change of posture (the pelvis turned further than a rep can turn
        it) goes out as a rejected movement instead, and a set left without reps is dropped.
        Only what goes out depends on that; the detector's own state does not, so the events
        do not depend on when the pelvis data arrived.
        """
        self.resolve_pelvis(main_t_s)
        events: list[Event] = []
        while self._items:
            item = self._items[0]
            if isinstance(item, PendingRep):
                if item.pelvis is UNRESOLVED:
                    break  # wait for the pelvis sensor to catch up
                mates = ([] if item.batch is None else
                         [m for m in self._items if isinstance(m, PendingRep) and m.batch == item.batch])
                if any(m.pelvis is UNRESOLVED for m in mates):
                    break  # reps that confirmed each other go out together
                pelvis = item.pelvis if isinstance(item.pelvis, PelvisMetrics) else None
                c = item.cand
                if pelvis is not None and pelvis.posture_change:
                    events.append(RejectedMovement(
                        c.start_s, c.end_s, c.rom_deg,
                        f"the pelvis turned {pelvis.tilt_deg:.0f} deg: a change of posture, not a rep", tentative=item.announced))
                elif any(isinstance(m.pelvis, PelvisMetrics) and m.pelvis.posture_change for m in mates):
                    # confirmed as a set only by a movement that was a change of posture
                    events.append(RejectedMovement(c.start_s, c.end_s, c.rom_deg, "not followed by a similar rep",
                                                   tentative=item.announced))
                else:
                    events.append(RepCompleted(self._emit_rep(item, pelvis)))
                    events += self._judged_again()
            elif isinstance(item, SetCompleted):
                done = self._emitted_sets.pop(item.set_index, None)
                if done is not None:
                    index, start_s, end_s, count = done
                    events.append(SetCompleted(index, start_s, end_s, count))
            else:
                events.append(item)
            self._items.pop(0)
        return events

    def _emit_rep(self, item: PendingRep, pelvis: PelvisMetrics | None) -> Rep:
        c = item.cand
        self._emitted_reps += 1
        done = self._emitted_sets.get(item.set_index)
        if done is None:
            self._emitted_set_count += 1
            done = (self._emitted_set_count, c.start_s, c.end_s, 0)
        self._emitted_sets[item.set_index] = (done[0], done[1], c.end_s, done[3] + 1)
        rep = self._make_rep(c, self._emitted_reps, done[0], pelvis)
        typical = not self._emitted_ranges.returned_part_way(rep)
        if judged_before_range_known(rep, self._config, self._emitted_ranges):
            self._before_range_known.append(len(self._emitted_history))
        self._emitted_history.append(rep)
        self._emitted_ranges.add(rep)
        self._emitted_tempo.add(rep)
        if c.source is RepSource.EXCURSION and typical:  # (an estimated range judges no rep after it)
            self._emitted_roms.append(c.rom_deg)
        return rep

    def _judged_again(self) -> list[Event]:
        """Reps gone out before the person's range was known, judged again now that it is: a
        :class:`RepRevised` for each whose flags changed."""
        out: list[Event] = []
        waiting = []
        for i in self._before_range_known:
            rep = self._emitted_history[i]
            again = judged_again(rep, self._config, self._emitted_ranges, self._emitted_roms)
            if again is None:
                waiting.append(i)
            elif again != rep:
                self._emitted_history[i] = again
                out.append(RepRevised(again))
        self._before_range_known = waiting
        return out

    def _make_rep(self, c: RepCandidate, index: int, set_index: int, pelvis: PelvisMetrics | None) -> Rep:
        cfg = self._config
        m = c.metrics
        if cfg.main_is_pelvis:
            pelvis_tilt, pelvis_lateral = None, m.lateral_deg
        elif pelvis is not None:
            pelvis_tilt, pelvis_lateral = pelvis.tilt_deg, pelvis.lateral_deg
        else:
            pelvis_tilt, pelvis_lateral = None, None
        rep = Rep(
            index=index, set_index=set_index,
            start_s=c.start_s, peak_s=c.peak_s, end_s=c.end_s, rom_deg=c.rom_deg,
            lift_s=m.lift_s, hold_s=m.hold_s, lower_s=m.lower_s,
            peak_speed_dps=m.peak_speed_dps, sparc=m.sparc, velocity_peaks=m.velocity_peaks, shake_g=m.shake_g,
            tremor_dps=m.tremor_dps,
            pelvis_tilt_deg=pelvis_tilt, pelvis_lateral_deg=pelvis_lateral,
            axis=(float(c.axis[0]), float(c.axis[1]), float(c.axis[2])),
            start_deg=m.start_deg, end_deg=m.end_deg, held_rom_deg=m.held_rom_deg,
            start_up=(float(c.start_up[0]), float(c.start_up[1]), float(c.start_up[2])), source=c.source,
        )
        # The session's typical rep, that a rep's range is judged against beside the person's usual
        # one (and, while that is unknown, beyond_range's reference), is the median of the session's
        # reps so far but for partial returns' (started part of the way up, each flagged partial_rom
        # for it), this one included if it is not one; before any, this rep's own. A session's
        # first set of partial returns (10-12 reps of 40-60 % of the range, lifted again from part
        # of the way back) made it so small that no short rep of the full sets after it was
        # partial (real behaviours, partial_rom F1 with a gyro: seed
        # 2026 0.879 -> 0.904, seed 11 0.837 -> 0.853; beyond_range 0.701 -> 0.728, 0.685 -> 0.693).
        # Not only the controlled reps (not rushed either, from rest: ``SessionRanges``' usual
        # range): UCI's correct blocks replayed twice as fast are rushed, and without them the
        # typical rep rose and 27.5 % of the primary sensor's correct reps were partial (7.5 %)
        returned = self._emitted_ranges.returned_part_way(rep)
        roms_so_far = [*self._emitted_roms, c.rom_deg] if not returned or not self._emitted_roms else self._emitted_roms
        flags = assess_flags(rep, config=cfg, session_roms_deg=roms_so_far,
                             session_reps=self._emitted_history, session_ranges=self._emitted_ranges,
                             session_tempo=self._emitted_tempo)
        return replace(rep, flags=flags)
