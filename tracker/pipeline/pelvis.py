"""The optional second sensor on the pelvis: its orientation by time, and what it did during a rep.

The main stream's detector finds the reps; for each confirmed rep the output queue
(:mod:`tracker.pipeline.output`) asks :meth:`PelvisStream.metrics` how far the pelvis
turned (``pelvic_rise``, ``pelvis_not_level``) and whether the "rep" was a change of
posture. The pelvis samples may arrive before or after the main ones: reps wait for them
(``pelvis_wait_s``), so the events do not depend on when they came.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.core.exercises import FlagKind
from tracker.core.recording import Placement
from tracker.errors import SampleOrderError
from tracker.pipeline.config import PipelineConfig
from tracker.pipeline.orientation import DEG, OrientationTracker, dot_rows, tilt_deg, unit


@dataclass(frozen=True)
class PelvisMetrics:
    """The pelvis during one rep, deg."""

    tilt_deg: float
    lateral_deg: float
    posture_change: bool


class PelvisStream:
    """The optional second sensor on the pelvis: orientation history by time."""

    def __init__(self, config: PipelineConfig, sample_rate_hz: float, has_gyro: bool) -> None:
        self.tracker = OrientationTracker(sample_rate_hz=sample_rate_hz, has_gyro=has_gyro, config=config.orientation)
        # samples are staged and run through the orientation filter in blocks of ``block_s``
        # (or when a rep's metrics need them): a live sensor sends a few samples per packet,
        # and the filter's per-call cost would otherwise be paid per packet
        self._staged: list[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]] = []
        self._staged_n = 0
        self._block_n = max(1, int(round(config.detector.block_s * sample_rate_hz)))
        # the history: preallocated, grown by doubling, so appending costs O(block)
        self._t = np.empty(256)
        self._up = np.empty((256, 3))
        self._n = 0
        self.capacity = int(config.detector.buffer_s * 2 * sample_rate_hz)
        self.last_t = -np.inf
        self.finished = False
        self.axis_sum = np.zeros(3)
        ex = config.exercise
        #: the pelvis turning more than this during a "rep" is a change of posture: a leg lift
        #: cannot tilt it so far, a bridge turns it by its range; exercises that move the
        #: pelvis on purpose (squat, seated knee extension) are not gated
        self.posture_change_deg = (
            config.detector.pelvis_posture_change_deg if FlagKind.PELVIC_RISE in ex.flags
            else max(config.detector.pelvis_posture_change_deg, ex.max_rep_rom_deg) if ex.moving_segment is Placement.PELVIS
            else np.inf
        )
        #: ... when it starts within this of the pelvis posture at the start of the last rep
        self.same_posture_deg = config.detector.pelvis_same_posture_deg
        self.last_rep_up: NDArray[np.float64] | None = None

    def feed(self, t_s: NDArray[np.float64], accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None) -> None:
        if t_s.size == 0:
            return
        if t_s[0] <= self.last_t or np.any(np.diff(t_s) <= 0):
            raise SampleOrderError("pelvis sensor timestamps must increase")
        ok = np.isfinite(t_s) & np.isfinite(accel_g).all(axis=1)
        if gyro_dps is not None:
            ok &= np.isfinite(gyro_dps).all(axis=1)
        if not ok.all():
            t_s, accel_g, gyro_dps = t_s[ok], accel_g[ok], None if gyro_dps is None else gyro_dps[ok]
            if t_s.size == 0:
                return
        self._staged.append((t_s, accel_g, gyro_dps))
        self._staged_n += t_s.size
        self.last_t = float(t_s[-1])
        if self._staged_n >= self._block_n:
            self._flush()

    def _flush(self) -> None:
        """Run the staged samples through the orientation filter into the history."""
        if not self._staged:
            return
        t_s = np.concatenate([x[0] for x in self._staged])
        accel_g = np.concatenate([x[1] for x in self._staged])
        gyros = [x[2] for x in self._staged if x[2] is not None]
        gyro_dps: NDArray[np.float64] | None = np.concatenate(gyros) if len(gyros) == len(self._staged) else None
        self._staged, self._staged_n = [], 0
        block = self.tracker.update(accel_g, gyro_dps)
        k = t_s.size
        if self._n + k > self._t.shape[0]:
            size = max(self._n + k, 2 * self._t.shape[0])
            t_new, up_new = np.empty(size), np.empty((size, 3))
            t_new[: self._n], up_new[: self._n] = self._t[: self._n], self._up[: self._n]
            self._t, self._up = t_new, up_new
        self._t[self._n: self._n + k] = t_s
        self._up[self._n: self._n + k] = block.up
        self._n += k

    @property
    def t(self) -> NDArray[np.float64]:
        self._flush()
        return self._t[: self._n]

    @property
    def up(self) -> NDArray[np.float64]:
        self._flush()
        return self._up[: self._n]

    def trim(self, before_s: float) -> None:
        """Forget samples older than ``before_s`` (what the main stream no longer needs)."""
        if self._n + self._staged_n > self.capacity:
            t = self.t
            k = int(np.searchsorted(t, before_s))
            if k > 0:
                m = self._n - k
                self._t[:m] = self._t[k: self._n]
                self._up[:m] = self._up[k: self._n]
                self._n = m

    def covers(self, t_s: float) -> bool:
        return self.finished or self.last_t >= t_s

    def metrics(self, start_s: float, end_s: float) -> PelvisMetrics | None:
        """Pelvis tilt change and out-of-plane tilt during [start_s, end_s], deg.

        Called once per confirmed rep, in order. A "rep" during which the pelvis turned
        further than a rep can turn it, starting from the posture of the reps before it, was
        a change of posture (sitting up after the last set, rolling over): it is marked so,
        and kept out of the axis estimate. The first rep of a session is never marked: it may
        have begun while the person was still lying down.
        """
        sel = (self.t >= start_s) & (self.t <= end_s)
        if np.count_nonzero(sel) < 2:
            return None
        up = self.up[sel]
        tilt = tilt_deg(up, up[0])
        tilt_max = float(tilt.max())
        last = self.last_rep_up
        if tilt_max > self.posture_change_deg and last is not None and float(tilt_deg(up[:1], last)[0]) < self.same_posture_deg:
            return PelvisMetrics(tilt_max, float("nan"), posture_change=True)
        self.last_rep_up = up[0].copy()
        peak = int(np.argmax(tilt))
        axis = np.cross(up[0], up[peak])
        if float(np.linalg.norm(axis)) > 1e-9:
            if float(axis @ self.axis_sum) < 0:
                axis = -axis  # a mean of axes, not of signed rotations
            self.axis_sum += axis
        n = unit(self.axis_sum)
        lateral = float(np.max(np.abs(np.arcsin(np.clip(dot_rows(up, n), -1, 1)) - np.arcsin(np.clip(dot_rows(up[0], n), -1, 1)))) * DEG)
        return PelvisMetrics(tilt_max, lateral, posture_change=False)
