"""A rep candidate: an excursion the state machine closed, where it was and what it measured."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.config import DetectorConfig
from tracker.pipeline.rep_metrics import RepMetrics
from tracker.pipeline.types import RepSource


def pause_limit_dps(rom_deg: float, duration_s: float, config: DetectorConfig) -> float:
    """Under this angular speed, before or after a rep of ``rom_deg`` that took ``duration_s``,
    the segment pauses: ``still_dps`` -- or, for a rep no quicker than ``calm_min_rep_s``, a
    share of its mean tilting speed, up and back down its range in its duration
    (``pause_speed_fraction``; the gyro's own peak also counts any turn about the vertical,
    which tilts the segment little)."""
    return float(pause_limits_dps(np.asarray(rom_deg, dtype=float), np.asarray(duration_s, dtype=float), config))


def pause_limits_dps(rom_deg: NDArray[np.float64], duration_s: NDArray[np.float64], config: DetectorConfig) -> NDArray[np.float64]:
    """:func:`pause_limit_dps` for each of several (range, duration) pairs at once."""
    calm = config.pause_speed_fraction * 2.0 * rom_deg / np.maximum(duration_s, config.calm_min_rep_s)
    return np.where(duration_s < config.calm_min_rep_s, config.still_dps, np.maximum(config.still_dps, calm))


@dataclass(frozen=True)
class RepCandidate:
    """An excursion that may be a rep; the run and set logic decides (:mod:`tracker.pipeline.runs`)."""

    start: int  # absolute sample indices of the main stream (onset, peak, end)
    peak: int
    end: int
    start_s: float
    peak_s: float
    end_s: float
    quiet_before: bool  # still for ``quiet_before_s`` somewhere in ``quiet_window_s`` before it
    calm_before: bool  # ... or, a quick rep, slowed to a share of its own speed for as long (``DetectorConfig.pause_speed_fraction``)
    #: the last pause before it (``gyro_anchor_s``), the samples ``first..last`` (absolute) the gyro's
    #: bias is read from, ``last`` where the gyro-turned up vector starts (``RunTracker._gyro_up``)
    pause: tuple[int, int] | None
    metrics: RepMetrics
    start_up: NDArray[np.float64]  # the segment's up direction where it started ...
    end_up: NDArray[np.float64]  # ... and where it ended (sensor frame, unit)
    ref: NDArray[np.float64]  # the reference posture it was measured from
    source: RepSource = RepSource.EXCURSION
    #: read from a rhythm (no gyro): how far the segment tilted past its rest against the way the
    #: burst's cycles went, during this cycle, deg (:func:`tracker.pipeline.rhythm_sets.rhythm_candidates`;
    #: NaN for an excursion the detector timed: no rule reads it there)
    swing_back_deg: float = math.nan

    @property
    def rom_deg(self) -> float:
        return self.metrics.rom_deg

    @property
    def direction(self) -> NDArray[np.float64]:
        """Unit, sensor frame, perpendicular to the reference."""
        return self.metrics.direction

    @property
    def axis(self) -> NDArray[np.float64]:
        return self.metrics.axis
