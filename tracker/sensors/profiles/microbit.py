"""BBC micro:bit accelerometer service (the Bluetooth profile of the micro:bit runtime).

One notification holds one sample: int16 x, y, z little-endian in milli-g. No timestamps,
and the micro:bit sends in bursts (several samples in one connection event), so times are
reconstructed from the period written to the period characteristic.

References
----------
Lancaster University, "micro:bit Bluetooth profile", Accelerometer Service
(E95D0753-251D-470A-A062-FA1922DFA9A8): Accelerometer Data E95DCA4B (read, notify; 3 x
int16, milli-g), Accelerometer Period E95DFB24 (uint16, ms; 1, 2, 5, 10, 20, 80, 160, 640).
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault
from tracker.sensors.profiles.base import Command, Samples, SensorProfile

SERVICE_UUID = "e95d0753-251d-470a-a062-fa1922dfa9a8"
DATA_UUID = "e95dca4b-251d-470a-a062-fa1922dfa9a8"
PERIOD_UUID = "e95dfb24-251d-470a-a062-fa1922dfa9a8"

#: the periods the runtime accepts, ms (any other value is rounded by it to one of these)
PERIODS_MS = (1, 2, 5, 10, 20, 80, 160, 640)
#: 10 ms = 100 Hz: the fastest period a micro:bit keeps up over BLE without dropping most samples
PERIOD_MS = 10
_SAMPLE = struct.Struct("<3h")
#: milli-g per count
_MG = 1000.0


class MicrobitDecoder:
    """One sample per notification."""

    def decode(self, packet: bytes) -> Samples:
        if len(packet) < _SAMPLE.size:
            raise PacketError(PacketFault.SHORT, f"micro:bit accelerometer sends {_SAMPLE.size} bytes, got {len(packet)}")
        if len(packet) != _SAMPLE.size:
            raise PacketError(PacketFault.MALFORMED, f"micro:bit accelerometer sends {_SAMPLE.size} bytes, got {len(packet)}")
        return Samples(np.array([_SAMPLE.unpack(packet)], dtype=np.float64) / _MG)


def encode(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None, t_s: NDArray[np.float64] | None = None) -> list[bytes]:
    """One notification per sample (for the simulated sensor and the tests)."""
    counts = np.clip(np.round(np.asarray(accel_g) * _MG), -32768, 32767).astype(int)
    return [_SAMPLE.pack(*map(int, row)) for row in counts]


PROFILE = SensorProfile(
    kind="micro:bit", title="BBC micro:bit", service_uuid=SERVICE_UUID, notify_uuid=DATA_UUID,
    sample_rate_hz=1000.0 / PERIOD_MS, has_gyro=False, timestamped=False, decoder=MicrobitDecoder,
    start=(Command(PERIOD_UUID, struct.pack("<H", PERIOD_MS), "sample period 10 ms (100 Hz)"),),
    name_prefixes=("BBC micro:bit",), encoder=encode,
)
