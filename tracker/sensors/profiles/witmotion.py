"""WitMotion WT901BLECL / BWT901BLECL (BLE 5.0 inclinometers with a 6-axis IMU).

The sensor streams 20-byte frames: ``55 61`` then 9 int16 little-endian: ax, ay, az
(x 16/32768 g), wx, wy, wz (x 2000/32768 deg/s), roll, pitch, yaw (x 180/32768 deg). A BLE
notification may split a frame or join several, so the decoder keeps the bytes of an
incomplete frame and re-syncs on ``55 61``; other frames (``55 71``, register replies) are
passed over. No timestamps.

References
----------
WitMotion, "WT901BLECL BLE 5.0 communication protocol": service 0000ffe5, notify 0000ffe4,
write 0000ffe9; unlock ``FF AA 69 88 B5``; output rate register 0x03 (0x08 = 50 Hz,
0x09 = 100 Hz).
"""

from __future__ import annotations


import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault
from tracker.sensors.profiles.base import Command, Samples, SensorProfile, int16_imu_counts, no_samples

SERVICE_UUID = "0000ffe5-0000-1000-8000-00805f9a34fb"
NOTIFY_UUID = "0000ffe4-0000-1000-8000-00805f9a34fb"
WRITE_UUID = "0000ffe9-0000-1000-8000-00805f9a34fb"

SYNC = b"\x55\x61"
#: any frame of this protocol starts with 0x55 and is 20 bytes long
FRAME_HEAD = 0x55
FRAME_BYTES = 20
_BODY = np.dtype("<i2")
ACCEL_SCALE_G = 16.0 / 32768.0
GYRO_SCALE_DPS = 2000.0 / 32768.0
#: register 0x03 value for 100 Hz output
RATE_100_HZ = 0x09
UNLOCK = bytes.fromhex("FFAA6988B5")
#: a frame never spans more than two notifications; a buffer this long without a sync is junk
MAX_PENDING_BYTES = 2 * FRAME_BYTES


class WitMotionDecoder:
    """Re-assembles frames across notifications."""

    def __init__(self) -> None:
        self._pending = b""

    def decode(self, packet: bytes) -> Samples:
        buf = self._pending + bytes(packet)
        rows: list[bytes] = []
        skipped: list[PacketFault] = []
        i = 0
        while True:
            j = buf.find(bytes([FRAME_HEAD]), i)
            if j < 0:
                if i < len(buf):
                    skipped.append(PacketFault.MALFORMED)
                i = len(buf)
                break
            if j > i:
                skipped.append(PacketFault.MALFORMED)  # junk before a frame
            if len(buf) - j < FRAME_BYTES:
                i = j
                break  # the rest comes in the next notification
            if buf[j:j + 2] == SYNC:
                rows.append(buf[j + 2:j + FRAME_BYTES])
                i = j + FRAME_BYTES
            elif buf[j + 1] in (0x50, 0x51, 0x52, 0x53, 0x54, 0x57, 0x58, 0x59, 0x5A, 0x5F, 0x71):
                i = j + FRAME_BYTES  # another frame of the protocol: not samples
            else:
                i = j + 1  # a stray 0x55 in junk: look further
        self._pending = buf[i:]
        if len(self._pending) > MAX_PENDING_BYTES:
            self._pending = b""
            skipped.append(PacketFault.MALFORMED)
        if not rows:
            if skipped:
                raise PacketError(skipped[0], f"no WitMotion frame in {len(packet)} bytes")
            return no_samples(gyro=True, timestamped=False)
        body = np.frombuffer(b"".join(rows), dtype=_BODY).reshape(-1, 9).astype(np.float64)
        return Samples(body[:, 0:3] * ACCEL_SCALE_G, body[:, 3:6] * GYRO_SCALE_DPS, None, tuple(skipped))


def encode(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None, t_s: NDArray[np.float64] | None = None) -> list[bytes]:
    """One 20-byte frame per sample (angles zero)."""
    counts = int16_imu_counts(accel_g, gyro_dps, accel_scale_g=ACCEL_SCALE_G, gyro_scale_dps=GYRO_SCALE_DPS)
    return [SYNC + row.tobytes() for row in counts]


PROFILE = SensorProfile(
    kind="witmotion", title="WitMotion WT901BLE", service_uuid=SERVICE_UUID, notify_uuid=NOTIFY_UUID,
    sample_rate_hz=100.0, has_gyro=True, timestamped=False, decoder=WitMotionDecoder,
    start=(Command(WRITE_UUID, UNLOCK, "unlock the configuration registers", with_response=False),
           Command(WRITE_UUID, bytes([0xFF, 0xAA, 0x03, RATE_100_HZ, 0x00]), "output rate 100 Hz", with_response=False)),
    name_prefixes=("WT901", "BWT901"), encoder=encode,
)
