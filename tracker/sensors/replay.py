"""A recording played back as if it were a live sensor."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

import numpy as np

from tracker.core.recording import Recording, Stream
from tracker.errors import ConfigurationError
from tracker.sensors.base import SampleBatch, SourceGap, SourceInfo


class ReplaySource:
    """Replays a recording (and an optional pelvis recording) as if it were live.

    Parameters
    ----------
    speed:
        1 for real time, X for X times faster, ``math.inf`` for as fast as possible.
    batch_s:
        Duration of one batch (a BLE notification carries 10-50 ms; 0.1 s is smooth
        enough for the view).
    """

    def __init__(self, recording: Recording, *, pelvis: Recording | None = None, speed: float = 1.0, batch_s: float = 0.1,
                 name: str = "replay", kind: str | None = None) -> None:
        if not speed > 0:
            raise ConfigurationError(f"--speed must be positive, got {speed}")
        if len(recording) == 0:
            raise ConfigurationError("the recording has no samples")
        self._rec = recording
        self._pelvis = pelvis
        self._speed = speed
        self._batch_s = batch_s
        meta = {k: v for k, v in recording.meta.extra}
        if recording.meta.sensor:
            meta["sensor"] = recording.meta.sensor
        if recording.meta.simulated:
            meta["simulated"] = "true"
        if recording.meta.exercise:
            meta["exercise"] = recording.meta.exercise
        self.info = SourceInfo(
            device_name=name,
            device_kind=kind or ("simulated" if recording.meta.simulated else "csv"),
            sample_rate_hz=recording.nominal_rate_hz(),
            has_gyro=recording.has_gyro,
            has_pelvis=pelvis is not None,
            placement=recording.meta.placement,
            meta=meta,
            pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
            pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro,
        )

    def _items(self) -> list[tuple[float, SampleBatch | SourceGap]]:
        """Every batch and gap, keyed by the time it becomes available (its last sample)."""
        out: list[tuple[float, SampleBatch | SourceGap]] = []
        for stream, rec in ((Stream.MAIN, self._rec), (Stream.PELVIS, self._pelvis)):
            if rec is None or len(rec) == 0:
                continue
            t = rec.t_s
            # batch k holds the samples of [t0 + k * batch_s, t0 + (k + 1) * batch_s); a hole
            # in the timestamps is no batches, however long it is
            k = np.floor((t - t[0]) / self._batch_s)
            bounds = np.concatenate([[0], np.nonzero(np.diff(k))[0] + 1, [len(t)]])
            for a, b in zip(bounds[:-1], bounds[1:]):
                if b > a:
                    out.append((float(t[b - 1]), SampleBatch(stream, t[a:b], rec.accel_g[a:b],
                                                             None if rec.gyro_dps is None else rec.gyro_dps[a:b])))
            for g in rec.gaps:
                out.append((g.end_s, SourceGap(stream, g.start_s, g.end_s)))
        out.sort(key=lambda item: (item[0], isinstance(item[1], SampleBatch)))
        return out

    async def batches(self) -> AsyncIterator[SampleBatch | SourceGap]:
        items = self._items()
        if not items:
            return
        t0 = float(self._rec.t_s[0])
        wall0 = time.monotonic()
        for due_s, item in items:
            if math.isfinite(self._speed):
                delay = wall0 + (due_s - t0) / self._speed - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)  # let the view and signals run
            yield item
