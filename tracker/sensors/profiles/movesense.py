"""Movesense sensors running the GATT sensor-data firmware (gatt_sensordata_app).

The host writes ``01 <ref> <path>`` (subscribe; the path in ASCII, e.g. ``/Meas/IMU6/104``)
to the write characteristic; the sensor notifies ``02 <ref> <uint32 timestamp, ms> <float32
little-endian values>``. For IMU6 the values are n accelerometer samples (x, y, z in m/s²)
then n gyro samples (deg/s); the timestamp is the sensor's clock at the first sample. A long
packet may come as ``02`` then ``03 <ref> <the rest>``. Replies to commands start with ``01``.

References
----------
Movesense, "gatt_sensordata_app" sample and the Movesense API (``/Meas/IMU6/{SampleRate}``,
13-1666 Hz; timestamp: local time of the first measurement, ms).
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault
from tracker.sensors.profiles.base import STANDARD_GRAVITY_MS2, Command, Samples, SensorProfile, no_samples

SERVICE_UUID = "34802252-7185-4d5d-b431-630e7050e8f0"
WRITE_UUID = "34800001-7185-4d5d-b431-630e7050e8f0"
NOTIFY_UUID = "34800002-7185-4d5d-b431-630e7050e8f0"

RESPONSE, DATA, DATA_PART2 = 0x01, 0x02, 0x03
#: the reference byte the host picks for its subscription (any byte; the sensor echoes it)
REF = 0x63
#: 104 Hz: a rate the Movesense IMU offers, the nearest above 100 Hz
RATE_HZ = 104
PATH = f"/Meas/IMU6/{RATE_HZ}"
_HEAD = struct.Struct("<BBI")
#: values per IMU6 sample: 3 accelerometer + 3 gyro float32
_VALUES = 6
#: the ms timestamp wraps after 2^32 ms (49.7 days): a step back this large is a wrap
_WRAP_MS = 2**32
#: a packet up to this far behind the previous one is an old one again (a reconnect's replay), ms
DUPLICATE_WINDOW_MS = 1000


def subscribe_command(path: str = PATH, ref: int = REF) -> bytes:
    return bytes([0x01, ref]) + path.encode("ascii")


class MovesenseDecoder:
    """IMU6 notifications -> samples in g and deg/s with the sensor's times."""

    def __init__(self, *, sample_rate_hz: float = RATE_HZ, ref: int = REF) -> None:
        self._rate = sample_rate_hz
        self._ref = ref
        self._part1: bytes | None = None
        self._prev_ms: int | None = None

    def decode(self, packet: bytes) -> Samples:
        packet = bytes(packet)
        if len(packet) < 2:
            raise PacketError(PacketFault.SHORT, f"Movesense packet of {len(packet)} bytes")
        kind, ref = packet[0], packet[1]
        if kind == RESPONSE:
            return no_samples(gyro=True, timestamped=True)  # the reply to the subscription
        if ref != self._ref:
            raise PacketError(PacketFault.MALFORMED, f"Movesense packet for subscription {ref}, not {self._ref}")
        if kind == DATA_PART2:
            if self._part1 is None:
                raise PacketError(PacketFault.MALFORMED, "Movesense second part without its first part")
            packet, self._part1 = self._part1 + packet[2:], None
        elif kind != DATA:
            raise PacketError(PacketFault.MALFORMED, f"Movesense packet type {kind:#04x}")
        body = len(packet) - _HEAD.size
        if kind == DATA and body > 0 and body % 4 == 0 and body % (4 * _VALUES):
            self._part1 = packet  # whole floats but not whole samples: the rest comes as a second part
            return no_samples(gyro=True, timestamped=True)
        if body < 4 * _VALUES:
            raise PacketError(PacketFault.SHORT, f"Movesense data packet of {len(packet)} bytes holds no sample")
        if body % (4 * _VALUES):
            raise PacketError(PacketFault.MALFORMED, f"Movesense data of {body} bytes is not whole IMU6 samples")
        _, _, stamp_ms = _HEAD.unpack_from(packet)
        values = np.frombuffer(packet, dtype="<f4", offset=_HEAD.size).astype(np.float64)
        n = len(values) // _VALUES
        if self._prev_ms is not None:
            back = (self._prev_ms - stamp_ms) % _WRAP_MS
            if back < DUPLICATE_WINDOW_MS:
                raise PacketError(PacketFault.DUPLICATE, f"Movesense packet not after the previous one ({stamp_ms} ms)")
        self._prev_ms = stamp_ms
        accel = values[: 3 * n].reshape(n, 3) / STANDARD_GRAVITY_MS2
        gyro = values[3 * n:].reshape(n, 3)
        t = stamp_ms / 1000.0 + np.arange(n) / self._rate
        return Samples(accel, gyro, t)


def encode_packet(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64], stamp_ms: int, ref: int = REF) -> bytes:
    values = np.concatenate([np.asarray(accel_g).reshape(-1) * STANDARD_GRAVITY_MS2, np.asarray(gyro_dps).reshape(-1)])
    return _HEAD.pack(DATA, ref, stamp_ms % _WRAP_MS) + values.astype("<f4").tobytes()


#: samples per packet the fakes send (the firmware packs 8 IMU6 samples at 104 Hz)
PACKET_SAMPLES = 8


def encode(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None, t_s: NDArray[np.float64] | None = None) -> list[bytes]:
    n = len(accel_g)
    gyro = np.zeros((n, 3)) if gyro_dps is None else np.asarray(gyro_dps)
    t = np.arange(n) / RATE_HZ if t_s is None else np.asarray(t_s)
    return [encode_packet(accel_g[i:i + PACKET_SAMPLES], gyro[i:i + PACKET_SAMPLES], int(round(float(t[i]) * 1000)))
            for i in range(0, n, PACKET_SAMPLES)]


PROFILE = SensorProfile(
    kind="movesense", title="Movesense (GATT sensor data)", service_uuid=SERVICE_UUID, notify_uuid=NOTIFY_UUID,
    sample_rate_hz=float(RATE_HZ), has_gyro=True, timestamped=True, decoder=MovesenseDecoder,
    start=(Command(WRITE_UUID, subscribe_command(), f"subscribe to {PATH}"),),
    stop=(Command(WRITE_UUID, bytes([0x02, REF]), "unsubscribe"),),
    name_prefixes=("Movesense",), encoder=encode,
)
