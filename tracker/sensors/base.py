"""What a sample source is: the seam between sensors and the recorder.

A source is an async iterator of :class:`SampleBatch` (and :class:`SourceGap` when the
sensor reports lost data), with a :class:`SourceInfo` known before the first sample.
:class:`~tracker.sensors.replay.ReplaySource` plays a recording back in real time (or
faster); a Bluetooth sensor is another source of the same shape.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from tracker.core.recording import Placement, Stream


@dataclass(frozen=True)
class SourceInfo:
    device_name: str  # stable identity (a BLE address, "replay:<file>")
    device_kind: str  # "csv", "simulated", "micro:bit", ...
    sample_rate_hz: float
    has_gyro: bool
    has_pelvis: bool
    placement: Placement | None = None
    meta: dict[str, str] = field(default_factory=dict)
    pelvis_sample_rate_hz: float | None = None
    pelvis_has_gyro: bool | None = None
    #: other names the sensor is known by (a live sensor's advertised name, when ``device_name``
    #: is its address): a device calibration stored under one of them applies too
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class SampleBatch:
    stream: Stream
    t_s: NDArray[np.float64]
    accel_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64] | None


@dataclass(frozen=True)
class SourceGap:
    """The source knows data is missing (a reader's NaN run, a sensor drop-out)."""

    stream: Stream
    start_s: float
    end_s: float


class SampleSource(Protocol):
    info: SourceInfo

    def batches(self) -> AsyncIterator[SampleBatch | SourceGap]: ...


class LinkState(enum.Enum):
    """Where a live sensor's link stands."""

    SCANNING = "scanning"
    CONNECTING = "connecting"
    STREAMING = "streaming"
    RECONNECTING = "reconnecting"
    GAVE_UP = "gave up"
    CLOSED = "closed"


@dataclass(frozen=True)
class LinkStatus:
    """One live sensor's link, as the live view shows it."""

    stream: Stream
    sensor: str  # its name, else its address
    state: LinkState
    rate_hz: float | None = None  # samples per second actually arriving (last seconds)
    samples: int = 0
    lost_samples: int = 0  # in drop-outs, at the sensor's rate
    bad_packets: int = 0  # malformed or short, skipped
    duplicates: int = 0  # skipped
    drop_outs: int = 0
    reconnects: int = 0

    @property
    def loss_fraction(self) -> float:
        """Samples lost of samples sent (0-1)."""
        total = self.samples + self.lost_samples
        return self.lost_samples / total if total else 0.0
