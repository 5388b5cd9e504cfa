"""A live sensor source: notifications from one or two links -> samples on one time axis.

Everything after the radio happens here, the same for a Bluetooth sensor
(:mod:`tracker.sensors.ble`) and the simulated one (:mod:`tracker.sensors.sim`): a link only
delivers the bytes of each notification; this decodes them with the sensor's profile, places
them in time (:class:`~tracker.sensors.timing.StreamClock`), counts and skips bad packets,
turns drop-outs into :class:`~tracker.sensors.SourceGap` and keeps the counts the live view
shows. As in bleak's own examples, a notification callback only queues ``(time, bytes)``;
this consumer does the work.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from tracker.core.recording import Stream
from tracker.errors import PacketError, PacketFault, SensorError
from tracker.sensors.base import LinkState, LinkStatus, SampleBatch, SourceGap, SourceInfo
from tracker.sensors.profiles.base import PacketDecoder, SensorProfile
from tracker.sensors.timing import StreamClock

#: notifications are gathered for this long before they go on as one batch, s: 100 notifications
#: a second would otherwise be 100 trips through the engine, and 50 ms is a sixth of the 300 ms
#: a rep may take to show
BATCH_S = 0.05
#: the actual rate shown is measured over this many seconds of arrivals
RATE_WINDOW_S = 5.0
#: how long a link is given to disconnect when the session ends, s
DISCONNECT_TIMEOUT_S = 5.0
#: the live view is told of a link's counts at most this often, s
STATUS_EVERY_S = 1.0


class Link(Protocol):
    """A connection to one sensor, kept up until :meth:`stop` (reconnecting on its own).

    ``run`` calls ``deliver(bytes)`` for every notification of the sensor's data
    characteristic, and ``report(state)`` whenever the link's state changes; reporting
    ``STREAMING`` means a new connection (its decoder starts afresh). It returns once stopped
    (or, for a finite source, when the data ends) and raises :class:`~tracker.errors.SensorError`
    when the sensor is gone for good.
    """

    label: str

    async def run(self, deliver: Callable[[bytes], None], report: Callable[[LinkState], None]) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class SensorLink:
    """A link, what it streams and where the sensor is worn."""

    stream: Stream
    link: Link
    profile: SensorProfile
    identity: str  # stable: the address
    name: str | None = None  # advertised name


class _StreamState:
    def __init__(self, sensor: SensorLink, origin_s: float) -> None:
        self.sensor = sensor
        self.clock = StreamClock(sample_rate_hz=sensor.profile.sample_rate_hz, origin_host_s=origin_s)
        self.decoder: PacketDecoder = sensor.profile.decoder()
        self.status = LinkStatus(sensor.stream, sensor.name or sensor.identity, LinkState.CONNECTING)
        self.connections = 0
        self.arrivals: deque[tuple[float, int]] = deque()
        self.faults = {f: 0 for f in PacketFault}
        self.reported_at = -1e9

    def rate_hz(self) -> float | None:
        a = self.arrivals
        while len(a) > 2 and a[-1][0] - a[0][0] > RATE_WINDOW_S:
            a.popleft()
        span = a[-1][0] - a[0][0] if len(a) > 1 else 0.0
        return sum(n for _, n in list(a)[1:]) / span if span >= 1.0 else None


class LiveSource:
    """Samples from live sensors (a thigh or shank sensor, and optionally one on the pelvis).

    Parameters
    ----------
    sensors:
        The main sensor first, then the pelvis sensor if there is one.
    on_status:
        Called with a sensor's :class:`~tracker.sensors.LinkStatus` when its link changes
        state, and about once a second while it streams.
    clock:
        Host clock, s (monotonic); the tests pass their own.
    """

    def __init__(self, sensors: list[SensorLink], *, on_status: Callable[[LinkStatus], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, batch_s: float = BATCH_S) -> None:
        if not sensors or sensors[0].stream is not Stream.MAIN:
            raise ValueError("the main sensor comes first")
        self._sensors = sensors
        self.on_status = on_status
        self._clock = clock
        self._batch_s = batch_s
        main = sensors[0]
        pelvis = next((s for s in sensors if s.stream is Stream.PELVIS), None)
        meta = {"profile": main.profile.kind, "ble_address": main.identity}
        if main.name:
            meta["ble_name"] = main.name
        if pelvis is not None:
            meta["pelvis_device"] = pelvis.identity
            meta["pelvis_profile"] = pelvis.profile.kind
        self.info = SourceInfo(
            device_name=main.identity, device_kind=main.profile.kind, sample_rate_hz=main.profile.sample_rate_hz,
            has_gyro=main.profile.has_gyro, has_pelvis=pelvis is not None, meta=meta,
            pelvis_sample_rate_hz=None if pelvis is None else pelvis.profile.sample_rate_hz,
            pelvis_has_gyro=None if pelvis is None else pelvis.profile.has_gyro,
            aliases=(main.name,) if main.name and main.name != main.identity else (),
        )
        self._states: dict[Stream, _StreamState] = {}

    # ------------------------------------------------------------------ what happened
    def statuses(self) -> list[LinkStatus]:
        return [s.status for s in self._states.values()]

    def summary(self) -> list[str]:
        """One line per sensor that lost or skipped anything (for the end of a session)."""
        out = []
        for st in self._states.values():
            s = st.status
            who = "pelvis sensor" if s.stream is Stream.PELVIS else "sensor"
            parts = []
            if s.drop_outs:
                parts.append(f"{s.drop_outs} drop-out{'s' if s.drop_outs != 1 else ''} ({s.lost_samples} samples lost, "
                             f"{100 * s.loss_fraction:.1f} %)")
            if s.reconnects:
                parts.append(f"reconnected {s.reconnects} time{'s' if s.reconnects != 1 else ''}")
            skipped = [f"{n} {f.value}" for f, n in st.faults.items() if n]
            if skipped:
                parts.append(f"packets skipped: {', '.join(skipped)}")
            if parts:
                out.append(f"{who} {s.sensor}: " + "; ".join(parts))
        return out

    # ------------------------------------------------------------------ the stream
    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        queue: asyncio.Queue[tuple[Stream, float, bytes] | BaseException | None] = asyncio.Queue()
        origin = self._clock()
        self._states = {s.stream: _StreamState(s, origin) for s in self._sensors}
        tasks = [asyncio.ensure_future(self._run_link(s, queue)) for s in self._sensors]
        running = len(tasks)
        try:
            while running:
                first = await queue.get()
                items = [first]
                if self._batch_s > 0 and isinstance(first, tuple):
                    await asyncio.sleep(self._batch_s)
                while not queue.empty():
                    items.append(queue.get_nowait())
                out: list[SampleBatch | SourceGap] = []
                for item in items:
                    if item is None:
                        running -= 1  # a finite link ended
                    elif isinstance(item, BaseException):
                        raise item
                    else:
                        self._take(*item, out)
                for x in _merged(out):
                    yield x
                self._report_counts()
        finally:
            for s in self._sensors:
                s.link.stop()
            done, pending = await asyncio.wait(tasks, timeout=DISCONNECT_TIMEOUT_S)
            for t in pending:
                t.cancel()
            for t in done:
                if not t.cancelled():
                    t.exception()  # retrieved: an error while closing is not news any more
            for st in self._states.values():
                self._set(st, state=LinkState.CLOSED if st.status.state is not LinkState.GAVE_UP else LinkState.GAVE_UP)

    async def _run_link(self, sensor: SensorLink, queue: asyncio.Queue) -> None:  # type: ignore[type-arg]
        st = self._states[sensor.stream]

        def deliver(data: bytes) -> None:
            queue.put_nowait((sensor.stream, self._clock(), bytes(data)))

        def report(state: LinkState) -> None:
            if state is LinkState.STREAMING:
                st.connections += 1
                st.decoder = sensor.profile.decoder()  # a new connection: no half frame carried over
                if st.connections > 1:
                    self._set(st, state=state, reconnects=st.status.reconnects + 1)
                    return
            self._set(st, state=state)

        try:
            await sensor.link.run(deliver, report)
        except SensorError as exc:
            self._set(st, state=LinkState.GAVE_UP)
            queue.put_nowait(exc)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug or an unexpected backend error: still one line, still a gap
            self._set(st, state=LinkState.GAVE_UP)
            queue.put_nowait(SensorError(f"{sensor.link.label}: the link failed ({type(exc).__name__}: {exc})"))
            return
        queue.put_nowait(None)

    def _take(self, stream: Stream, host_s: float, data: bytes, out: list[SampleBatch | SourceGap]) -> None:
        st = self._states[stream]
        try:
            samples = st.decoder.decode(data)
        except PacketError as exc:
            self._fault(st, exc.fault)
            return
        for f in samples.skipped:
            self._fault(st, f)
        n = len(samples)
        if n == 0:
            return
        try:
            placed = st.clock.place(host_s, n, samples.sensor_t_s)
        except PacketError as exc:
            self._fault(st, exc.fault)
            return
        s = st.status
        if placed.gap is not None:
            out.append(SourceGap(stream, placed.gap[0], placed.gap[1]))
            s = replace(s, drop_outs=s.drop_outs + 1, lost_samples=s.lost_samples + placed.lost_samples)
        st.status = replace(s, samples=s.samples + n)
        st.arrivals.append((host_s, n))
        gyro = samples.gyro_dps if st.sensor.profile.has_gyro else None
        out.append(SampleBatch(stream, placed.t_s, samples.accel_g, gyro))

    def _fault(self, st: _StreamState, fault: PacketFault) -> None:
        st.faults[fault] += 1
        s = st.status
        if fault is PacketFault.DUPLICATE:
            st.status = replace(s, duplicates=s.duplicates + 1)
        else:
            st.status = replace(s, bad_packets=s.bad_packets + 1)

    def _set(self, st: _StreamState, **changes: object) -> None:
        st.status = replace(st.status, **changes)  # type: ignore[arg-type]
        st.reported_at = self._clock()
        if self.on_status is not None:
            self.on_status(st.status)

    def _report_counts(self) -> None:
        now = self._clock()
        for st in self._states.values():
            if now - st.reported_at >= STATUS_EVERY_S:
                self._set(st, rate_hz=st.rate_hz())


def _merged(items: list[SampleBatch | SourceGap]) -> list[SampleBatch | SourceGap]:
    """Consecutive batches of one stream joined (fewer, larger batches for the engine)."""
    out: list[SampleBatch | SourceGap] = []
    run: list[SampleBatch] = []

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            out.append(run[0])
        else:
            gyro = None if any(b.gyro_dps is None for b in run) else np.concatenate([b.gyro_dps for b in run])  # type: ignore[misc]
            out.append(SampleBatch(run[0].stream, np.concatenate([b.t_s for b in run]), np.concatenate([b.accel_g for b in run]), gyro))
        run.clear()

    for x in items:
        if isinstance(x, SampleBatch) and (not run or run[-1].stream is x.stream):
            run.append(x)
            continue
        flush()
        if isinstance(x, SampleBatch):
            run.append(x)
        else:
            out.append(x)
    flush()
    return out


async def wait_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep ``seconds`` unless ``stop`` is set first; True when stopped."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    return stop.is_set()
