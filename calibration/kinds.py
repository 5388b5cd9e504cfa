"""The kinds of calibration reptrack stores."""

from __future__ import annotations

import enum


class CalibrationKind(enum.Enum):
    DEVICE = "device"  # six still poses: the sensor's accelerometer offset and scale
    MOUNTING = "mounting"  # still in the start posture: how the sensor sits on the segment
    RANGE = "range"  # 2-3 comfortable reps: the person's target range and baselines
