"""A simulated sensor: a recording sent as a sensor profile's notifications, in real time.

For people without hardware (``--device sim``) and for the quick start: the recording's
samples are encoded with a profile (WitMotion by default: accelerometer and gyro at 100 Hz),
and :class:`~tracker.sensors.live.LiveSource` decodes them with the same parser, clock and
drop-out handling as a Bluetooth sensor's. A drop-out withholds the notifications of a
stretch, as a sensor out of range would.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tracker.core.recording import Recording
from tracker.sensors.base import LinkState
from tracker.sensors.live import wait_or_stop
from tracker.sensors.profiles.base import SensorProfile

#: samples sent together, s: BLE sensors notify every connection interval, and a micro:bit
#: bunches several samples into one connection event; 100 ms is a typical burst
SIM_BURST_S = 0.1


@dataclass(frozen=True)
class DropOut:
    """The link is lost at ``at_s`` (recording seconds) for ``duration_s``."""

    at_s: float
    duration_s: float


class SimClock:
    """The host clock a simulated sensor's notifications are timed with: the real clock sped up
    ``speed`` times, or (``speed`` infinite) the time of the burst last sent, so a replay at any
    speed arrives as it would in real time."""

    def __init__(self, speed: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.speed = speed
        self._clock = clock
        self._virtual_s = 0.0

    def __call__(self) -> float:
        if math.isfinite(self.speed):
            return self._clock() * self.speed
        return self._virtual_s

    def sent(self, t_s: float) -> None:
        """A burst due at ``t_s`` (recording seconds) goes out now."""
        self._virtual_s = max(self._virtual_s, t_s)


class SimLink:
    """Streams ``recording`` as ``profile`` notifications.

    Parameters
    ----------
    speed:
        1 for real time, ``math.inf`` for as fast as possible (tests).
    drop_outs:
        Stretches whose notifications are withheld; the link reports ``RECONNECTING`` and
        then a new connection.
    """

    def __init__(self, profile: SensorProfile, recording: Recording, *, clock: SimClock, drop_outs: tuple[DropOut, ...] = (),
                 label: str = "simulated sensor") -> None:
        if profile.encoder is None:
            raise ValueError(f"the {profile.title} profile cannot be simulated")
        self.label = label
        self._profile = profile
        self._rec = recording
        self._speed = clock.speed
        self._drop_outs = drop_outs
        self._clock = clock
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    def _in_drop_out(self, t: float) -> bool:
        return any(d.at_s <= t < d.at_s + d.duration_s for d in self._drop_outs)

    async def run(self, deliver: Callable[[bytes], None], report: Callable[[LinkState], None]) -> None:
        rec = self._rec
        t = rec.t_s - rec.t_s[0]
        encode = self._profile.encoder
        assert encode is not None
        report(LinkState.STREAMING)
        wall0 = self._clock()  # recording time 0 (the real clock sped up, when it is finite)
        connected = True
        k = np.floor(t / SIM_BURST_S)
        bounds = np.concatenate([[0], np.nonzero(np.diff(k))[0] + 1, [len(t)]])
        for a, b in zip(bounds[:-1], bounds[1:]):
            due = float(t[b - 1])
            if math.isfinite(self._speed):
                delay = (wall0 + due - self._clock()) / self._speed
                if delay > 0 and await wait_or_stop(self._stop, delay):
                    return
            else:
                await asyncio.sleep(0)
                if self._stop.is_set():
                    return
            if not math.isfinite(self._speed):
                self._clock.sent(due)
            if self._in_drop_out(due):
                if connected:
                    report(LinkState.RECONNECTING)
                    connected = False
                continue
            if not connected:
                report(LinkState.STREAMING)  # a new connection
                connected = True
            keep = ~np.isnan(rec.accel_g[a:b]).any(axis=1)
            if not keep.any():
                continue
            gyro = None if rec.gyro_dps is None else np.nan_to_num(rec.gyro_dps[a:b][keep])
            for packet in encode(rec.accel_g[a:b][keep], gyro, t[a:b][keep]):
                deliver(packet)
