"""With a real sensor (opt-in: ``pytest --ble-address ADDRESS tests/test_ble_hardware.py``): it is found,
recognised, and streams at about its nominal rate for a few seconds."""

from __future__ import annotations

import asyncio

import numpy as np

from tracker.core.recording import Stream
from tracker.sensors import SampleBatch
from tracker.sensors.ble import BleakLink, find
from tracker.sensors.live import LiveSource, SensorLink

#: how long the real sensor streams in the test, s
STREAM_S = 5.0


def test_a_real_sensor_streams_at_its_rate(ble_address: str) -> None:
    async def run() -> tuple[float, int]:
        sighting = await find(ble_address)
        assert sighting.profile is not None, f"{sighting.label}: no profile recognises it"
        link = BleakLink(sighting, sighting.profile, lock=asyncio.Lock())
        source = LiveSource([SensorLink(Stream.MAIN, link, sighting.profile, sighting.address, sighting.name)])
        times = []
        loop = asyncio.get_running_loop()
        start = loop.time()
        async for item in source.batches():
            if isinstance(item, SampleBatch):
                times.append(item.t_s)
            if loop.time() - start > STREAM_S:
                break
        t = np.concatenate(times)
        return sighting.profile.sample_rate_hz, len(t)

    rate, n = asyncio.run(run())
    assert n > 0.5 * rate * (STREAM_S - 2)  # connecting takes a second or two
