"""What a sensor profile is: the GATT layout of one kind of sensor and a pure packet decoder.

A profile never connects or polls (the transport does, :mod:`tracker.sensors.ble`); it says
which characteristic notifies, which bytes start the stream, and turns the bytes of one
notification into samples in g and deg/s (with the sensor's own timestamps, in seconds, when
it sends them). A decoder may keep the state a wire format needs (a frame split across two
notifications, the previous frame's timestamp) and nothing else: no smoothing, no clocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketFault

#: 1 g in m/s², for sensors that send m/s² (ISO 80000-3 standard gravity)
STANDARD_GRAVITY_MS2 = 9.80665


def _same(a: NDArray[np.float64] | None, b: NDArray[np.float64] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


@dataclass(frozen=True, eq=False)
class Samples:
    """What one notification carried.

    Attributes
    ----------
    accel_g:
        Specific force, g, shape ``(n, 3)``, in the sensor's axes.
    gyro_dps:
        Angular rate, deg/s, shape ``(n, 3)``, or ``None`` (no gyro in this profile).
    sensor_t_s:
        The sensor's clock at each sample, s, shape ``(n,)``, or ``None`` (it sends none).
    skipped:
        Faults in parts of the notification that were skipped while the rest was decoded
        (junk before a frame's sync bytes, say); the transport counts them.
    """

    accel_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64] | None = None
    sensor_t_s: NDArray[np.float64] | None = None
    skipped: tuple[PacketFault, ...] = ()

    def __len__(self) -> int:
        return int(self.accel_g.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Samples):
            return NotImplemented
        return (_same(self.accel_g, other.accel_g) and _same(self.gyro_dps, other.gyro_dps)
                and _same(self.sensor_t_s, other.sensor_t_s) and self.skipped == other.skipped)

    def __repr__(self) -> str:
        return f"Samples(accel_g={self.accel_g.tolist()}, gyro_dps={None if self.gyro_dps is None else self.gyro_dps.tolist()}, " \
               f"sensor_t_s={None if self.sensor_t_s is None else self.sensor_t_s.tolist()}, skipped={self.skipped})"


def int16_imu_counts(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None, *, accel_scale_g: float,
                     gyro_scale_dps: float) -> NDArray[np.int16]:
    """Samples as the int16 counts of a sensor that sends accel x, y, z then gyro x, y, z (and
    three more fields, zero here), little-endian: what the encoders of the simulated sensors send."""
    n = len(accel_g)
    body = np.zeros((n, 9))
    body[:, 0:3] = np.asarray(accel_g) / accel_scale_g
    body[:, 3:6] = (np.zeros((n, 3)) if gyro_dps is None else np.asarray(gyro_dps)) / gyro_scale_dps
    return np.clip(np.round(body), -32768, 32767).astype("<i2")


def no_samples(*, gyro: bool, timestamped: bool, skipped: tuple[PacketFault, ...] = ()) -> Samples:
    """A notification that carried no samples (a command's reply, a frame still incomplete)."""
    empty = np.zeros((0, 3))
    return Samples(empty, empty.copy() if gyro else None, np.zeros(0) if timestamped else None, skipped)


class PacketDecoder(Protocol):
    """Decodes the notifications of one connection, in order.

    ``decode`` raises :class:`~tracker.errors.PacketError` for a notification that cannot be
    used; the transport counts it and goes on with the next.
    """

    def decode(self, packet: bytes) -> Samples: ...


@dataclass(frozen=True)
class Command:
    """Bytes written to a characteristic to configure or start the stream."""

    char_uuid: str
    payload: bytes
    why: str
    with_response: bool = True


@dataclass(frozen=True)
class SensorProfile:
    """One kind of sensor, as the transport and the scan need it.

    Attributes
    ----------
    kind:
        Short name, stored with a session (``micro:bit``, ``witmotion``, ...).
    title:
        What a person calls it.
    service_uuid, notify_uuid:
        The service that identifies it and the characteristic that streams samples.
    start, stop:
        Written in order after notifications start / before disconnecting.
    sample_rate_hz:
        The rate the start commands ask for (the nominal rate).
    has_gyro, timestamped:
        Whether samples carry angular rate and the sensor's own clock.
    name_prefixes:
        Advertised names that recognise the sensor in a scan when it does not advertise its service.
    decoder:
        Makes a fresh decoder for each connection.
    encoder:
        Turns samples back into notifications (the simulated sensor and the tests' fake
        sensors use it); ``None`` when there is none.
    """

    kind: str
    title: str
    service_uuid: str
    notify_uuid: str
    sample_rate_hz: float
    has_gyro: bool
    timestamped: bool
    decoder: Callable[[], PacketDecoder]
    start: tuple[Command, ...] = ()
    stop: tuple[Command, ...] = ()
    name_prefixes: tuple[str, ...] = ()
    encoder: Callable[..., list[bytes]] | None = field(default=None, compare=False)

    def recognises(self, name: str | None, service_uuids: tuple[str, ...] | list[str]) -> bool:
        """Is an advertisement (its name and service UUIDs) from this kind of sensor?"""
        if self.service_uuid.lower() in (u.lower() for u in service_uuids):
            return True
        return bool(name) and any(name.startswith(p) for p in self.name_prefixes)  # type: ignore[union-attr]
