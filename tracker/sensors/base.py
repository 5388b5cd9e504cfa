"""What a sample source is: the seam between sensors and the recorder.

A source is an async iterator of :class:`SampleBatch` (and :class:`SourceGap` when the
sensor reports lost data), with a :class:`SourceInfo` known before the first sample.
:class:`~tracker.sensors.replay.ReplaySource` plays a recording back in real time (or
faster); a Bluetooth sensor is another source of the same shape.
"""

from __future__ import annotations

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
