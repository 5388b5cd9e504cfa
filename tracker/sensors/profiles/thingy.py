"""Nordic Thingy:52, motion service, raw data characteristic.

Each notification: 9 int16 little-endian, accelerometer x, y, z (Q6.10: counts / 1024 = g),
gyro x, y, z (Q11.5: counts / 32 = deg/s), compass (Q12.4, µT, not used). One sample per
notification; no timestamps. The rate is the motion processing frequency of the motion
configuration characteristic.

References
----------
Nordic Semiconductor, "Nordic Thingy:52 firmware documentation", Motion service
EF680400-9B35-4933-9B10-52FFA9740042: configuration EF680401 (step counter interval ms,
temperature compensation interval ms, magnetometer compensation interval ms, motion
processing frequency Hz: uint16 each; wake on motion: uint8), raw data EF680406.
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault
from tracker.sensors.profiles.base import Command, Samples, SensorProfile, int16_imu_counts

SERVICE_UUID = "ef680400-9b35-4933-9b10-52ffa9740042"
CONFIG_UUID = "ef680401-9b35-4933-9b10-52ffa9740042"
RAW_UUID = "ef680406-9b35-4933-9b10-52ffa9740042"

_RAW = struct.Struct("<9h")
ACCEL_SCALE_G = 1.0 / 2**10  # Q6.10
GYRO_SCALE_DPS = 1.0 / 2**5  # Q11.5
RATE_HZ = 100
#: the configuration is written whole: the firmware's documented defaults for the step counter
#: (1000 ms), temperature (500 ms) and magnetometer (500 ms) compensation, our rate, wake on motion on
CONFIG = struct.pack("<HHHHB", 1000, 500, 500, RATE_HZ, 1)


class ThingyDecoder:
    def decode(self, packet: bytes) -> Samples:
        if len(packet) != _RAW.size:
            raise PacketError(PacketFault.SHORT if len(packet) < _RAW.size else PacketFault.MALFORMED,
                              f"Thingy:52 raw data is {_RAW.size} bytes, got {len(packet)}")
        v = np.array(_RAW.unpack(packet), dtype=np.float64)
        return Samples(v[None, 0:3] * ACCEL_SCALE_G, v[None, 3:6] * GYRO_SCALE_DPS)


def encode(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None, t_s: NDArray[np.float64] | None = None) -> list[bytes]:
    counts = int16_imu_counts(accel_g, gyro_dps, accel_scale_g=ACCEL_SCALE_G, gyro_scale_dps=GYRO_SCALE_DPS)
    return [_RAW.pack(*map(int, row)) for row in counts]


PROFILE = SensorProfile(
    kind="thingy52", title="Nordic Thingy:52", service_uuid=SERVICE_UUID, notify_uuid=RAW_UUID,
    sample_rate_hz=float(RATE_HZ), has_gyro=True, timestamped=False, decoder=ThingyDecoder,
    start=(Command(CONFIG_UUID, CONFIG, "motion processing at 100 Hz"),),
    name_prefixes=("Thingy",), encoder=encode,
)
