"""Polar H10 and Verity Sense: the Polar Measurement Data (PMD) service.

A data frame is: measurement type (1 byte: 0x02 accelerometer, 0x05 gyro), the sensor's
clock at the frame's last sample (uint64 little-endian, ns since 2000-01-01), the frame type
(1 byte; bit 7 set: delta-compressed), then the samples. The H10 sends raw frames (type 1:
int16 x, y, z in mG); the Verity Sense sends compressed frames (type 0x80): a reference
sample (3 x int16), then blocks of (bit width, sample count, the deltas of that many samples
packed least significant bit first, two's complement in that width), each delta added to
the previous sample. The decoder spreads a frame's samples evenly between the previous
frame's timestamp and this one's.

References
----------
Polar Electro, "Polar BLE SDK" technical documentation: PMD service FB005C80, control point
FB005C81, data FB005C82; start measurement ``02 <type> <settings>``, each setting
``<setting type> <count> <uint16 value>`` (0 sample rate, 1 resolution, 2 range);
"Time system in Polar sensors" (ns since 2000-01-01).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault
from tracker.sensors.profiles.base import Command, Samples, SensorProfile, no_samples

SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"

_HEADER = struct.Struct("<BQB")
COMPRESSED_BIT = 0x80
NS_PER_S = 1e9
#: a timestamp this far behind the previous one is a sensor that restarted its clock, not an old packet
CLOCK_RESTART_S = 1.0
#: frames whose timestamps differ by more than this fraction from n samples at the nominal
#: rate are not back to back (frames were lost between them): their samples get the nominal spacing
FRAME_SPREAD_TOL = 0.2


class PmdMeasurement(enum.IntEnum):
    ACC = 0x02
    GYRO = 0x05


def start_command(measurement: PmdMeasurement, *, sample_rate_hz: int, resolution_bits: int = 16, range_: int | None = None) -> bytes:
    """``02 <measurement> <settings>``: start a PMD stream."""
    out = bytes([0x02, measurement])
    settings = [(0x00, sample_rate_hz), (0x01, resolution_bits)] + ([] if range_ is None else [(0x02, range_)])
    for kind, value in settings:
        out += struct.pack("<BBH", kind, 1, value)
    return out


def unpack_deltas(content: bytes, *, channels: int, resolution_bits: int) -> NDArray[np.int64]:
    """A delta-compressed frame's samples, ``(n, channels)`` integers.

    Raises
    ------
    PacketError
        A frame that ends inside its reference sample or a block.
    """
    width = (resolution_bits + 7) // 8
    if len(content) < channels * width:
        raise PacketError(PacketFault.SHORT, f"compressed PMD frame of {len(content)} bytes has no reference sample")
    ref = [int.from_bytes(content[c * width:(c + 1) * width], "little", signed=True) for c in range(channels)]
    out = [np.array(ref, dtype=np.int64)]
    i = channels * width
    while i < len(content):
        if i + 2 > len(content):
            raise PacketError(PacketFault.SHORT, "compressed PMD frame ends inside a block header")
        bits, count = content[i], content[i + 1]
        i += 2
        if bits == 0 or bits > 32:
            raise PacketError(PacketFault.MALFORMED, f"compressed PMD block of {bits}-bit deltas")
        nbytes = (bits * count * channels + 7) // 8
        if i + nbytes > len(content):
            raise PacketError(PacketFault.SHORT, "compressed PMD frame ends inside a block")
        raw = np.unpackbits(np.frombuffer(content[i:i + nbytes], dtype=np.uint8), bitorder="little")[: bits * count * channels]
        weights = (1 << np.arange(bits, dtype=np.int64))
        values = raw.reshape(-1, bits).astype(np.int64) @ weights
        values = np.where(values >= 1 << (bits - 1), values - (1 << bits), values)  # two's complement in `bits`
        deltas = values.reshape(count, channels)
        out.extend(out[-1] + np.cumsum(deltas, axis=0))
        i += nbytes
    return np.vstack(out)


def pack_deltas(samples: NDArray[np.int64], *, bits: int = 16) -> bytes:
    """The inverse of :func:`unpack_deltas` (one block; for the tests and the fake sensors)."""
    samples = np.asarray(samples, dtype=np.int64)
    out = b"".join(int(v).to_bytes(2, "little", signed=True) for v in samples[0])
    deltas = np.diff(samples, axis=0)
    if len(deltas):
        values = deltas.reshape(-1) & ((1 << bits) - 1)
        raw = ((values[:, None] >> np.arange(bits)) & 1).astype(np.uint8).reshape(-1)
        out += bytes([bits, len(deltas)]) + np.packbits(raw, bitorder="little").tobytes()
    return out


@dataclass(frozen=True, eq=False)
class PmdFrame:
    """One PMD data frame: what it measures, the sensor's clock at its last sample, its values
    (``(n, 3)``, after the factor: mG for the accelerometer, deg/s for the gyro)."""

    measurement: PmdMeasurement
    stamp_ns: int
    counts: NDArray[np.float64]


def parse_frame(packet: bytes, *, factor: float = 1.0) -> PmdFrame:
    """A PMD data frame (raw int8/16/24 or delta-compressed 16-bit, 3 channels).

    Raises
    ------
    PacketError
        Short, or not an accelerometer or gyro frame of a known type.
    """
    if len(packet) < _HEADER.size:
        raise PacketError(PacketFault.SHORT, f"a PMD frame has a {_HEADER.size}-byte header, got {len(packet)} bytes")
    kind, stamp_ns, frame_type = _HEADER.unpack_from(packet)
    content = bytes(packet[_HEADER.size:])
    try:
        measurement = PmdMeasurement(kind)
    except ValueError:
        raise PacketError(PacketFault.MALFORMED, f"PMD measurement type {kind:#04x} is neither accelerometer nor gyro") from None
    if frame_type & COMPRESSED_BIT:
        if frame_type & ~COMPRESSED_BIT != 0:
            raise PacketError(PacketFault.MALFORMED, f"compressed PMD frame type {frame_type:#04x}")
        counts = unpack_deltas(content, channels=3, resolution_bits=16).astype(np.float64) * factor
    else:
        width = frame_type + 1  # type 0: int8, 1: int16, 2: int24
        if width > 3:
            raise PacketError(PacketFault.MALFORMED, f"raw PMD frame type {frame_type:#04x}")
        if len(content) < 3 * width or len(content) % (3 * width):
            raise PacketError(PacketFault.SHORT if len(content) < 3 * width else PacketFault.MALFORMED,
                              f"raw PMD frame of {len(content)} bytes is not whole {3 * width}-byte samples")
        counts = np.array([int.from_bytes(content[k:k + width], "little", signed=True) for k in range(0, len(content), width)],
                          dtype=np.float64).reshape(-1, 3)
    return PmdFrame(measurement, stamp_ns, counts)


class PolarDecoder:
    """Accelerometer frames of one connection -> samples in g with sensor times.

    Parameters
    ----------
    sample_rate_hz:
        The rate asked for: spaces the first frame's samples.
    factor:
        Counts -> mG (a compressed frame's unit is set by the sensor's settings; raw frames are mG).
    """

    def __init__(self, *, sample_rate_hz: float, factor: float = 1.0) -> None:
        self._rate = sample_rate_hz
        self._factor = factor
        self._prev_ns: int | None = None

    def decode(self, packet: bytes) -> Samples:
        frame = parse_frame(packet, factor=self._factor)
        if frame.measurement is PmdMeasurement.GYRO:
            return no_samples(gyro=False, timestamped=True)  # this profile streams the accelerometer only
        counts, stamp_ns = frame.counts, frame.stamp_ns
        n = len(counts)
        prev = self._prev_ns
        if prev is not None and stamp_ns == prev:
            raise PacketError(PacketFault.DUPLICATE, f"PMD frame with the timestamp of the previous one ({stamp_ns} ns)")
        if prev is not None and stamp_ns < prev and (prev - stamp_ns) / NS_PER_S < CLOCK_RESTART_S:
            raise PacketError(PacketFault.DUPLICATE, f"PMD frame older than the previous one ({stamp_ns} < {prev} ns)")
        end_s = stamp_ns / NS_PER_S
        step = 1.0 / self._rate
        if prev is not None and stamp_ns > prev:
            spread = (stamp_ns - prev) / NS_PER_S / n
            if abs(spread - step) <= FRAME_SPREAD_TOL * step:  # frames back to back: the sensor's own spacing
                step = spread
        t = (end_s - (n - 1 - np.arange(n)) * step).astype(np.float64)
        self._prev_ns = stamp_ns
        return Samples(counts / 1000.0, None, t)


def encode_frame(accel_mg: NDArray[np.int64], stamp_ns: int, *, compressed: bool, measurement: PmdMeasurement = PmdMeasurement.ACC) -> bytes:
    """One frame: raw int16 (H10) or delta-compressed (Verity Sense)."""
    accel_mg = np.asarray(accel_mg, dtype=np.int64)
    if compressed:
        return _HEADER.pack(measurement, stamp_ns, COMPRESSED_BIT) + pack_deltas(accel_mg)
    return _HEADER.pack(measurement, stamp_ns, 0x01) + np.clip(accel_mg, -32768, 32767).astype("<i2").tobytes()


def _encoder(compressed: bool, rate_hz: float, per_frame: int):  # type: ignore[no-untyped-def]
    def encode(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None,
               t_s: NDArray[np.float64] | None = None) -> list[bytes]:
        mg = np.round(np.asarray(accel_g) * 1000.0).astype(np.int64)
        t = np.arange(len(mg)) / rate_hz if t_s is None else np.asarray(t_s)
        return [encode_frame(mg[i:i + per_frame], int(round((1.0 + float(t[min(i + per_frame, len(mg)) - 1])) * NS_PER_S)),
                             compressed=compressed) for i in range(0, len(mg), per_frame)]
    return encode


#: the H10 streams its accelerometer at 25, 50, 100 or 200 Hz; 100 Hz is plenty for a leg lift
H10_RATE_HZ = 100
#: the Verity Sense's accelerometer runs at 52 Hz only
VERITY_RATE_HZ = 52
#: samples per frame the fakes send (a 2M PHY H10 sends about this many at 100 Hz)
FRAME_SAMPLES = 10

H10 = SensorProfile(
    kind="polar-h10", title="Polar H10", service_uuid=SERVICE_UUID, notify_uuid=DATA_UUID,
    sample_rate_hz=float(H10_RATE_HZ), has_gyro=False, timestamped=True,
    decoder=lambda: PolarDecoder(sample_rate_hz=H10_RATE_HZ),
    start=(Command(CONTROL_UUID, start_command(PmdMeasurement.ACC, sample_rate_hz=H10_RATE_HZ, range_=8),
                   "start the accelerometer: 100 Hz, 16 bit, ±8 g"),),
    stop=(Command(CONTROL_UUID, bytes([0x03, PmdMeasurement.ACC]), "stop the accelerometer"),),
    name_prefixes=("Polar H10",), encoder=_encoder(False, H10_RATE_HZ, FRAME_SAMPLES),
)
VERITY = SensorProfile(
    kind="polar-verity", title="Polar Verity Sense", service_uuid=SERVICE_UUID, notify_uuid=DATA_UUID,
    sample_rate_hz=float(VERITY_RATE_HZ), has_gyro=False, timestamped=True,
    decoder=lambda: PolarDecoder(sample_rate_hz=VERITY_RATE_HZ),
    start=(Command(CONTROL_UUID, start_command(PmdMeasurement.ACC, sample_rate_hz=VERITY_RATE_HZ, range_=8),
                   "start the accelerometer: 52 Hz, 16 bit, ±8 g"),),
    stop=(Command(CONTROL_UUID, bytes([0x03, PmdMeasurement.ACC]), "stop the accelerometer"),),
    name_prefixes=("Polar Sense", "Polar Verity"), encoder=_encoder(True, VERITY_RATE_HZ, FRAME_SAMPLES),
)
