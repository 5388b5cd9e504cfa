"""The live source after the radio: decoding, timing, gaps and counts, with scripted and simulated links."""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Callable

import numpy as np
import pytest

from tracker.core.recording import Recording, Stream
from tracker.errors import SensorLostError
from tracker.sensors import LinkState, LinkStatus, SampleBatch, SourceGap
from tracker.sensors.ble import BACKOFF_MAX_S, backoff_s, is_address
from tracker.sensors.live import LiveSource, SensorLink
from tracker.sensors.profiles import microbit, witmotion
from tracker.sensors.sim import SIM_BURST_S, DropOut, SimClock, SimLink


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class ScriptedLink:
    """Delivers (host time, bytes) pairs, then ends, or raises at the end."""

    label = "scripted"

    def __init__(self, clock: Clock, script: list[tuple[float, bytes]], *, then: BaseException | None = None) -> None:
        self._clock, self._script, self._then = clock, script, then

    async def run(self, deliver: Callable[[bytes], None], report: Callable[[LinkState], None]) -> None:
        report(LinkState.STREAMING)
        for t, data in self._script:
            self._clock.t = t
            deliver(data)
            await asyncio.sleep(0)
        if self._then is not None:
            raise self._then

    def stop(self) -> None:
        pass


async def collect(source: LiveSource) -> list[SampleBatch | SourceGap]:
    return [x async for x in source.batches()]


def mb(x_mg: int, y_mg: int = 0, z_mg: int = 1000) -> bytes:
    return struct.pack("<3h", x_mg, y_mg, z_mg)


def test_scripted_micro_bit_packets_bad_ones_counted_and_skipped() -> None:
    clock = Clock()
    script = [(100.0 + k / 100, mb(k)) for k in range(50)]
    script.insert(10, (100.095, b"\x01\x02"))  # short
    script.insert(20, (100.195, bytes(9)))  # malformed
    statuses: list[LinkStatus] = []
    src = LiveSource([SensorLink(Stream.MAIN, ScriptedLink(clock, script), microbit.PROFILE, "AA:BB:CC:DD:EE:FF", "BBC micro:bit [x]")],
                     clock=clock, batch_s=0, on_status=statuses.append)
    items = asyncio.run(collect(src))
    batches = [x for x in items if isinstance(x, SampleBatch)]
    acc = np.concatenate([b.accel_g for b in batches])
    assert acc[:, 0].tolist() == [k / 1000 for k in range(50)]  # every good sample, in order
    t = np.concatenate([b.t_s for b in batches])
    assert np.allclose(np.diff(t), 0.01) and not any(isinstance(x, SourceGap) for x in items)
    final = src.statuses()[0]
    assert (final.samples, final.bad_packets, final.duplicates, final.state) == (50, 2, 0, LinkState.CLOSED)
    assert src.summary() == ["sensor BBC micro:bit [x]: packets skipped: 1 malformed, 1 short"]
    assert statuses[0].state is LinkState.STREAMING
    assert src.info.device_name == "AA:BB:CC:DD:EE:FF" and src.info.aliases == ("BBC micro:bit [x]",)
    assert (src.info.device_kind, src.info.sample_rate_hz, src.info.has_gyro) == ("micro:bit", 100.0, False)


def test_a_link_that_gives_up_ends_the_stream_with_its_error() -> None:
    clock = Clock()
    lost = SensorLostError("gone for 60 s")
    src = LiveSource([SensorLink(Stream.MAIN, ScriptedLink(clock, [(100.0, mb(1))], then=lost), microbit.PROFILE, "A")], clock=clock, batch_s=0)

    async def run() -> list[object]:
        got: list[object] = []
        with pytest.raises(SensorLostError, match="gone for 60 s"):
            async for x in src.batches():
                got.append(x)
        return got

    assert len(asyncio.run(run())) == 1  # what came before is delivered
    assert src.statuses()[0].state is LinkState.GAVE_UP


def _recording(seconds: float, rate_hz: float = 100.0) -> Recording:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    acc = np.column_stack([np.sin(t), np.zeros_like(t), np.cos(t)]).round(3)
    return Recording(t, acc, np.zeros((len(t), 3)))


def test_simulated_sensor_with_a_drop_out_goes_through_the_same_path() -> None:
    rec = _recording(5.0)
    clock = SimClock(math.inf)
    link = SimLink(witmotion.PROFILE, rec, clock=clock, drop_outs=(DropOut(2.0, 1.0),))
    src = LiveSource([SensorLink(Stream.MAIN, link, witmotion.PROFILE, "sim")], clock=clock, batch_s=0)
    items = asyncio.run(collect(src))
    gaps = [x for x in items if isinstance(x, SourceGap)]
    batches = [x for x in items if isinstance(x, SampleBatch)]
    n = sum(len(b.t_s) for b in batches)
    assert n == 400  # 1 s of the 5 withheld
    # without sensor timestamps a gap's place is known to within one burst of notifications (0.1 s here)
    assert len(gaps) == 1 and gaps[0].end_s - gaps[0].start_s == pytest.approx(1.0, abs=SIM_BURST_S + 0.01)
    acc = np.concatenate([b.accel_g for b in batches])
    keep = ~((rec.t_s >= 2.0) & (rec.t_s < 3.0))
    assert np.allclose(acc, rec.accel_g[keep], atol=1e-3)  # WitMotion's resolution: 16 g / 32768
    s = src.statuses()[0]
    assert (s.reconnects, s.drop_outs) == (1, 1)
    assert 99 <= s.lost_samples <= 99 + SIM_BURST_S * 100  # 100 withheld, the one after the gap's start counted as its end
    assert s.loss_fraction == pytest.approx(s.lost_samples / (400 + s.lost_samples))
    t = np.concatenate([b.t_s for b in batches])
    assert np.all(np.diff(t) > 0)


def test_backoff_doubles_to_its_cap() -> None:
    assert [backoff_s(k) for k in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, BACKOFF_MAX_S]


def test_addresses_and_names() -> None:
    assert is_address("C0:11:22:33:44:55") and is_address("7A3B1C2D-0000-1111-2222-333344445555")
    assert not is_address("BBC micro:bit [zotip]") and not is_address("sim")
