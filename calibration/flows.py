"""The guided calibrations as sans-IO flows: samples in, prompts and results out.

Each flow is fed the sensor's batches (from a recording or a live sensor alike) and
returns :class:`Prompt` lines for the person, :class:`StepRejected` with the reason when a
"hold still" step failed, and finally its result via :meth:`result` (or a
:class:`~tracker.errors.CalibrationError` saying what is missing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calibration.device import FACES, DeviceCalibration, face_of, fit_six_pose
from calibration.mounting import Mounting, mounting_from_still
from calibration.stillness import Captured, HoldStill, Rejected, Settled
from tracker.errors import CalibrationError
from tracker.core.exercises import ExerciseDefinition
from tracker.core.recording import Placement


@dataclass(frozen=True)
class Prompt:
    text: str


@dataclass(frozen=True)
class StepRejected:
    t_s: float
    reason: str


FlowEvent = Prompt | StepRejected


class _HoldFlow:
    """What the flows share: hold-still steps, their prompts and rejections."""

    def __init__(self, sample_rate_hz: float, hold_s: float) -> None:
        self._hold = HoldStill(sample_rate_hz, hold_s=hold_s)
        self.rejections: list[StepRejected] = []

    @property
    def done(self) -> bool:
        raise NotImplementedError

    def _reject(self, t_s: float, reason: str, out: list[FlowEvent]) -> None:
        r = StepRejected(t_s, reason)
        self.rejections.append(r)
        out.append(r)

    def _captured(self, e: Captured, out: list[FlowEvent]) -> None:
        raise NotImplementedError

    def feed(self, t_s: NDArray[np.float64], accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None) -> list[FlowEvent]:
        out: list[FlowEvent] = []
        if self.done:
            return out
        for e in self._hold.feed(t_s, accel_g, gyro_dps):
            if isinstance(e, Settled):
                out.append(Prompt("holding …"))
            elif isinstance(e, Rejected):
                self._reject(e.t_s, e.reason, out)
            elif isinstance(e, Captured):
                self._captured(e, out)
                if self.done:
                    break
        return out


class DeviceFlow(_HoldFlow):
    """Six poses, each face up once, held still for ``hold_s``."""

    def __init__(self, sample_rate_hz: float, *, hold_s: float = 3.0) -> None:
        super().__init__(sample_rate_hz, hold_s)
        self._poses: dict[str, NDArray[np.float64]] = {}

    def start(self) -> list[FlowEvent]:
        return [Prompt(f"Put the sensor on a table with one face up and hold it still for {self._hold.hold_s:.0f} s; "
                       f"then turn it to the next face. Faces to do: {', '.join(FACES)}")]

    @property
    def done(self) -> bool:
        return len(self._poses) == 6

    def _captured(self, e: Captured, out: list[FlowEvent]) -> None:
        face = face_of(e.mean_g)
        if face is None:
            self._reject(e.end_s, "the sensor was not flat (no axis points up): lay it flat on a face and hold still", out)
        elif face in self._poses:
            out.append(Prompt(f"{face} is done already: turn the sensor to another face "
                              f"({', '.join(f for f in FACES if f not in self._poses)})"))
        else:
            self._poses[face] = e.accel_g
            left = [f for f in FACES if f not in self._poses]
            out.append(Prompt(f"✓ {face} up captured" + (f"; next: any of {', '.join(left)}" if left else "; all six done")))

    def result(self) -> DeviceCalibration:
        if not self.done:
            missing = [f for f in FACES if f not in self._poses]
            why = f"; {len(self.rejections)} hold(s) rejected, the last: {self.rejections[-1].reason}" if self.rejections else ""
            raise CalibrationError(f"device calibration incomplete: no still pose with {', '.join(missing)} up{why}")
        return fit_six_pose([self._poses[f] for f in FACES])


class MountingFlow(_HoldFlow):
    """A few seconds still in the exercise's start posture."""

    def __init__(self, sample_rate_hz: float, exercise: ExerciseDefinition, placement: Placement, *, hold_s: float = 3.0) -> None:
        super().__init__(sample_rate_hz, hold_s)
        self._exercise = exercise
        self._placement = placement
        self._capture: Captured | None = None

    def start(self) -> list[FlowEvent]:
        return [Prompt(f"Strap the sensor on the {self._placement.value}, get into the start position of "
                       f"'{self._exercise.title}' and hold still for {self._hold.hold_s:.0f} s")]

    @property
    def done(self) -> bool:
        return self._capture is not None

    def _captured(self, e: Captured, out: list[FlowEvent]) -> None:
        self._capture = e
        out.append(Prompt("✓ start posture captured"))

    def result(self) -> Mounting:
        if self._capture is None:
            why = f" (the last try: {self.rejections[-1].reason})" if self.rejections else ""
            raise CalibrationError(f"mounting calibration incomplete: no still {self._hold.hold_s:.0f} s in the start posture{why}")
        return mounting_from_still(self._capture.accel_g, self._exercise, self._placement)
