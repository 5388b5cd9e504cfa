"""A live session: a sample source through the streaming engine into the store.

The adapter between a :class:`~tracker.sensors.SampleSource`, the engine and the
:class:`~tracker.store.Store`. Samples are rounded to the store's precision before the
engine sees them, so the stored session re-analyses to identical results. Raw samples
and the results so far are committed at least every ``commit_s`` (1 s): a crash loses
at most that much.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from datetime import datetime, timedelta
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calibration.mounting import START_POSTURE_TOL_DEG, Mounting, start_posture_offsets
from tracker.core.recording import ACCEL_FULL_SCALE_G, GYRO_FULL_SCALE_DPS, Stream, mask_beyond_full_scale
from tracker.pipeline import Event, GapDetected, RepCompleted, RepRevised, SessionSetup, SetCompleted, summarise_sets
from tracker.pipeline.live_state import LiveState, LiveTally
from tracker.pipeline.results import set_so_far
from tracker.pipeline.types import PostureChanged, Rep, RejectedMovement
from tracker.sensors import SampleBatch, SampleSource, SourceGap
from tracker.store import NewSession, SessionStatus, Store
from tracker.store.samples import at_storage_precision


#: the last samples kept in memory, to check the posture a set started from
_RECENT_S = 30.0


@dataclass(frozen=True)
class SessionPlan:
    """What a session is recorded with, decided before it starts (see :func:`tracker.app.sessions.plan_session`)."""

    person: str
    setup: SessionSetup
    load_kg: float | None = None  # ankle weight, kg (None: not recorded)
    started_at: str | None = None  # ISO 8601 UTC of a recording made earlier; None: now
    mounting: Mounting | None = None  # the mounting calibration: each set's start posture is checked against it


@dataclass
class _Pending:
    """What has not been committed yet."""

    samples: dict[Stream, list[SampleBatch]] = field(default_factory=lambda: {Stream.MAIN: [], Stream.PELVIS: []})
    events: list[Event] = field(default_factory=list)
    source_gaps: list[SourceGap] = field(default_factory=list)


class SessionRecorder:
    """Records one session. ``on_update(state, events)`` is called after every batch."""

    def __init__(self, store: Store, source: SampleSource, plan: SessionPlan, *, on_warning: Callable[[str], None] | None = None,
                 on_update: Callable[[LiveState, list[Event]], None] | None = None, commit_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        info = source.info
        self.plan = plan
        self.setup = plan.setup
        self._pipe = plan.setup.pipeline(sample_rate_hz=info.sample_rate_hz, has_gyro=info.has_gyro,
                                         pelvis_sample_rate_hz=info.pelvis_sample_rate_hz, pelvis_has_gyro=info.pelvis_has_gyro)
        self._use_pelvis = plan.setup.with_pelvis
        self._store = store
        self._source = source
        self._commit_s = commit_s
        self._on_update = on_update
        self._clock = clock
        self._tally = LiveTally()
        self._pending = _Pending()
        self._sets_done: list[SetCompleted] = []
        self._open_set: list[Rep] = []  # the reps of the set not closed yet
        self.session_id = store.create_session(NewSession(
            person=plan.person, setup=plan.setup, source=info.device_name, sample_rate_hz=info.sample_rate_hz,
            has_gyro=info.has_gyro, has_pelvis=self._use_pelvis, device_name=info.device_name, device_kind=info.device_kind,
            meta=info.meta, load_kg=plan.load_kg, started_at=plan.started_at, pelvis_sample_rate_hz=info.pelvis_sample_rate_hz,
            pelvis_has_gyro=info.pelvis_has_gyro,
        ))
        self.events: list[Event] = []
        self._started_at = plan.started_at
        self._first_t: float | None = None
        self._last_t: float | None = None
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._recent: deque[SampleBatch] = deque()
        self._mounting_up = None if plan.mounting is None else plan.mounting.up_sensor
        self._on_warning = on_warning
        self._sets_checked: set[int] = set()
        self._beyond_count = {Stream.MAIN: 0, Stream.PELVIS: 0}
        self.warnings: list[str] = []

    @property
    def state(self) -> LiveState:
        return self._tally.state

    def stop(self) -> None:
        """End the session now (the person pressed Ctrl-C, say), even while the source is silent."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()

    async def run(self) -> SessionStatus:
        """Record until the source ends or :meth:`stop` is called (``complete``).

        While the source is silent (a sensor out of range, a hole in a replayed recording)
        the session still commits every ``commit_s``, so readers see it alive. When the
        source fails, what came is kept, the session is ``interrupted`` and the error is
        re-raised.
        """
        self._stop_event = asyncio.Event()
        if self._stopping:
            self._stop_event.set()
        last_commit = self._clock()
        items = aiter(self._source.batches())
        stopper = asyncio.ensure_future(self._stop_event.wait())
        nxt: asyncio.Future[SampleBatch | SourceGap] | None = None
        try:
            while not self._stopping:
                if nxt is None:
                    nxt = asyncio.ensure_future(anext(items))
                waiting: set[asyncio.Future[Any]] = {nxt, stopper}
                done, _ = await asyncio.wait(waiting, timeout=self._commit_s, return_when=asyncio.FIRST_COMPLETED)
                if nxt in done:
                    fut, nxt = nxt, None
                    try:
                        item = fut.result()
                    except StopAsyncIteration:
                        break
                    self._take(item)
                if not done or self._clock() - last_commit >= self._commit_s:
                    self._commit()
                    last_commit = self._clock()
        except BaseException:
            try:
                self._commit()
            finally:
                self._store.finish_session(self.session_id, SessionStatus.INTERRUPTED, ended_at=self._ended_at())
                with contextlib.suppress(Exception):  # the view's last update must not hide why the session ended
                    self._show_end()
            raise
        finally:
            stopper.cancel()
            if nxt is not None:
                nxt.cancel()
            closer = getattr(items, "aclose", None)
            if closer is not None:
                try:
                    await closer()
                except (RuntimeError, StopAsyncIteration):
                    pass
        for stream, n in self._beyond_count.items():
            if n > 1:
                self._warn(f"{'pelvis sensor: ' if stream is Stream.PELVIS else ''}{n} samples beyond the sensor's range "
                           "were treated as dropped")
        self._after(self._pipe.finish())
        self._commit()
        self._store.finish_session(self.session_id, SessionStatus.COMPLETE, ended_at=self._ended_at())
        self._show_end()
        return SessionStatus.COMPLETE

    def _show_end(self) -> None:
        state = self._tally.end()
        if self._on_update is not None:
            self._on_update(state, [])

    def _ended_at(self) -> str | None:
        """For a recording made earlier (``started_at`` given): its own end; else now."""
        if self._started_at is None or self._first_t is None or self._last_t is None:
            return None
        start = datetime.fromisoformat(self._started_at)
        return (start + timedelta(seconds=self._last_t - self._first_t)).isoformat(timespec="milliseconds")

    # ------------------------------------------------------------------
    def _take(self, item: SampleBatch | SourceGap) -> None:
        if isinstance(item, SourceGap):
            self._pending.source_gaps.append(item)
            return
        if item.stream is Stream.PELVIS and not self._use_pelvis:
            return
        has_gyro = self._source.info.has_gyro if item.stream is Stream.MAIN else bool(self._source.info.pelvis_has_gyro)
        # a reading beyond the sensor's range is stored as a dropped sample (NaN), as the setup
        # would treat it (float32 cannot even hold 1e308); what is stored re-analyses the same
        acc, gyr, beyond = mask_beyond_full_scale(np.asarray(item.accel_g, dtype=np.float64),
                                                  None if item.gyro_dps is None or not has_gyro else np.asarray(item.gyro_dps, dtype=np.float64))
        if beyond.any():
            self._beyond_range(item, beyond)
        acc = at_storage_precision(acc)
        gyr = None if gyr is None else at_storage_precision(gyr)
        if has_gyro and gyr is None:
            gyr = np.full(acc.shape, np.nan)  # a batch without its rates: dropped samples to the engine, kept as NaN
        stored = SampleBatch(item.stream, np.asarray(item.t_s, dtype=np.float64), acc, gyr)
        self._pending.samples[item.stream].append(stored)
        prepared = self.setup.prepare(acc, gyr, stream=item.stream)
        acc_cal = prepared.accel_g
        if item.stream is Stream.MAIN:
            if self._first_t is None:
                self._first_t = float(stored.t_s[0])
            self._last_t = float(stored.t_s[-1])
            self._recent.append(SampleBatch(Stream.MAIN, stored.t_s, acc_cal, None))
            while len(self._recent) > 2 and self._recent[-1].t_s[-1] - self._recent[1].t_s[0] > _RECENT_S:
                self._recent.popleft()
            events = self._pipe.feed(stored.t_s, acc_cal, gyr)
            self._tally.advance(float(stored.t_s[-1]), len(stored.t_s))
        else:
            events = self._pipe.feed_pelvis(stored.t_s, acc_cal, gyr)
        self._after(events)

    def _beyond_range(self, item: SampleBatch, beyond: np.ndarray) -> None:  # type: ignore[type-arg]
        """Say so (once per stream, then a count at the end) when the sensor sends readings beyond its range."""
        n = int(np.count_nonzero(beyond))
        first = self._beyond_count[item.stream] == 0
        self._beyond_count[item.stream] += n
        if first:
            k = int(np.argmax(beyond))
            values = np.concatenate([item.accel_g[k], [] if item.gyro_dps is None else item.gyro_dps[k]])
            who = "pelvis sensor: " if item.stream is Stream.PELVIS else ""
            self._warn(f"{who}a reading beyond the sensor's range (±{ACCEL_FULL_SCALE_G:g} g, ±{GYRO_FULL_SCALE_DPS:g} deg/s) at "
                       f"t = {float(item.t_s[k]):.2f} s ({', '.join(f'{v:.4g}' for v in values)}): treated as a dropped sample; "
                       "any more are counted")

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        if self._on_warning is not None:
            self._on_warning(message)

    def _after(self, events: list[Event]) -> None:
        if self._mounting_up is not None:
            for e in events:
                if isinstance(e, RepCompleted) and e.rep.set_index not in self._sets_checked:
                    self._sets_checked.add(e.rep.set_index)
                    self._check_start_posture(e.rep.set_index, e.rep.start_s)
        self._pending.events += events
        self.events += events
        state = self._tally.apply(events)
        if self._on_update is not None:
            self._on_update(state, events)

    def _check_start_posture(self, set_index: int, start_s: float) -> None:
        if not self._recent or self._mounting_up is None:
            return
        t = np.concatenate([b.t_s for b in self._recent])
        acc = np.concatenate([b.accel_g for b in self._recent])
        (angle,) = start_posture_offsets(t, acc, [start_s], self._mounting_up)
        if angle is not None and angle > START_POSTURE_TOL_DEG:
            self._warn(f"set {set_index} began {angle:.0f}° away from the calibrated start posture: "
                       "has the strap slipped, or is the position different?")

    def _commit(self) -> None:
        """Write what is pending in one transaction; it stays pending if the write fails.

        The set still open is stored as it stands (:func:`set_so_far`) with its reps, and
        replaced by the engine's summary when it closes: the ``sets`` table is the one place a
        session's sets are counted, whatever way the session ends.
        """
        p = self._pending
        store = self._store
        sid = self.session_id
        sets_done = list(self._sets_done)
        open_set = list(self._open_set)
        open_changed = False
        with store.transaction():
            for stream, batches in p.samples.items():
                if batches:
                    gyro = [b.gyro_dps for b in batches if b.gyro_dps is not None]
                    store.add_samples(sid, stream, np.concatenate([b.t_s for b in batches]), np.concatenate([b.accel_g for b in batches]),
                                      np.concatenate(gyro) if gyro else None)  # all or none (see _take)
            for g in p.source_gaps:
                store.add_gap(sid, g.start_s, g.end_s, "source" if g.stream is Stream.MAIN else "source:pelvis")
            for e in p.events:
                if isinstance(e, RepCompleted):
                    store.add_rep(sid, e.rep)
                    if open_set and open_set[-1].set_index != e.rep.set_index:
                        open_set = []
                    open_set.append(e.rep)
                    open_changed = True
                elif isinstance(e, RepRevised):
                    store.revise_rep_flags(sid, e.rep)
                    open_set = [e.rep if r.index == e.rep.index else r for r in open_set]
                elif isinstance(e, SetCompleted):
                    sets_done.append(e)
                    store.add_set(sid, summarise_sets(sets_done[-2:])[-1])  # the rest before it, as the batch analysis has it
                    open_set, open_changed = [], False
                elif isinstance(e, GapDetected):
                    store.add_gap(sid, e.start_s, e.end_s, "analysis")
                elif isinstance(e, PostureChanged | RejectedMovement):
                    pass  # not stored: reanalyze gives them again
            if open_changed:
                store.add_set(sid, summarise_sets([*sets_done[-1:], set_so_far(open_set)])[-1])
            live = self._tally.state
            store.heartbeat(sid, tentative_reps=len(live.tentative), taken_back_reps=live.taken_back)
        self._pending = _Pending()
        self._sets_done = sets_done
        self._open_set = open_set
