""""Hold still" steps of the guided calibrations (pure, sans-IO).

:class:`HoldStill` is fed samples and says when the sensor has settled (the hold begins),
when a hold of ``hold_s`` is complete (:class:`Captured`, with its samples), and when the
person moved during it (:class:`Rejected`, with the reason in words). After a capture or
a rejection it waits for the sensor to move before it starts another hold, so a person
still holding the last pose is not captured twice nor told off.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.core.recording import check_sample_rate

#: motion is judged on the accelerometer averaged over this (a consumer sensor's own noise is
#: 10-15 mg per axis; a knock or a shift of the leg lasts longer)
SMOOTH_S = 0.2
#: still enough to start a hold: every (averaged) sample of the settle window within this of its mean
SETTLE_TOL_G = 0.03
#: a hold is broken by a sample this far from the hold's mean posture ...
HOLD_TOL_G = 0.06
#: ... or turning faster than this (with a gyro)
HOLD_TOL_DPS = 10.0
#: the sensor "moved on" (to the next pose) when it changed this much from the last hold
MOVED_G = 0.1


@dataclass(frozen=True)
class Settled:
    t_s: float


@dataclass(frozen=True, eq=False)
class Captured:
    start_s: float
    end_s: float
    accel_g: NDArray[np.float64]  # the hold's samples, (n, 3)

    @property
    def mean_g(self) -> NDArray[np.float64]:
        return np.asarray(self.accel_g.mean(axis=0))


@dataclass(frozen=True)
class Rejected:
    t_s: float
    reason: str


HoldEvent = Settled | Captured | Rejected


class HoldStill:
    def __init__(self, sample_rate_hz: float, *, settle_s: float = 1.0, hold_s: float = 3.0) -> None:
        check_sample_rate(sample_rate_hz)  # the windows below are sized by it
        self.hold_s = hold_s
        self._settle_n = max(2, int(round(settle_s * sample_rate_hz)))
        self._smooth: deque[NDArray[np.float64]] = deque(maxlen=max(1, int(round(SMOOTH_S * sample_rate_hz))))
        self._hold_n = max(2, int(round(hold_s * sample_rate_hz)))
        self._window: deque[tuple[float, NDArray[np.float64], float]] = deque(maxlen=self._settle_n)
        self._holding = False
        self._ref: NDArray[np.float64] | None = None
        self._start_s = 0.0
        self._held: list[NDArray[np.float64]] = []
        self._armed = True
        self._last_pose: NDArray[np.float64] | None = None

    def reject_current(self, t_s: float, reason: str) -> Rejected:
        """The flow refuses the pose being held (not flat, say): wait for a move, then try again."""
        self._holding = False
        self._armed = False
        self._last_pose = self._ref
        self._window.clear()
        return Rejected(t_s, reason)

    def feed(self, t_s: NDArray[np.float64], accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None) -> list[HoldEvent]:
        out: list[HoldEvent] = []
        speed = np.zeros(len(t_s)) if gyro_dps is None else np.linalg.norm(gyro_dps, axis=1)
        for t, a, w in zip(t_s.tolist(), np.asarray(accel_g, dtype=np.float64), speed.tolist()):
            if not (np.all(np.isfinite(a)) and math.isfinite(w)):
                continue
            self._smooth.append(a)
            m = np.mean(self._smooth, axis=0)  # the motion signal; the raw samples are what is kept
            if not self._armed:
                if self._last_pose is None or float(np.linalg.norm(m - self._last_pose)) > MOVED_G or w > 3 * HOLD_TOL_DPS:
                    self._armed = True
                else:
                    continue
            if self._holding:
                assert self._ref is not None
                dev = float(np.linalg.norm(m - self._ref))
                if dev > HOLD_TOL_G or w > HOLD_TOL_DPS:
                    what = (f"the sensor turned at {w:.0f} deg/s (limit {HOLD_TOL_DPS:.0f})" if w > HOLD_TOL_DPS
                            else f"the accelerometer changed by {math.ceil(1000 * dev)} mg (limit {1000 * HOLD_TOL_G:.0f} mg)")
                    out.append(self.reject_current(
                        t, f"moved {t - self._start_s:.1f} s into the {self.hold_s:.0f} s hold: {what}; hold still and try again"))
                    continue
                self._held.append(a)
                if len(self._held) >= self._hold_n:
                    samples = np.array(self._held)
                    out.append(Captured(self._start_s, t, samples))
                    self._holding = False
                    self._armed = False
                    self._last_pose = samples.mean(axis=0)
                    self._window.clear()
                continue
            self._window.append((t, m, w))
            if len(self._window) == self._settle_n:
                win = np.array([x[1] for x in self._window])
                mean = win.mean(axis=0)
                if float(np.max(np.linalg.norm(win - mean, axis=1))) <= SETTLE_TOL_G and max(x[2] for x in self._window) <= HOLD_TOL_DPS:
                    self._holding = True
                    self._ref = mean
                    self._start_s = t
                    self._held = []
                    out.append(Settled(t))
        return out
