"""Calibration maths (pure): turns calibration recordings into what the analysis needs.

* :mod:`calibration.device` — six static poses -> accelerometer offset and scale (least squares).
* :mod:`calibration.mounting` — still in the start posture -> sensor-to-segment rotation, and the
  start-posture check of each set.
* :mod:`calibration.personal_range` — 2-3 comfortable reps -> target range and baselines,
  consumed by the analysis as :class:`tracker.pipeline.config.Personalisation`.
* :mod:`calibration.kinds` — the kinds of calibration (device, mounting, range).
* :mod:`calibration.stillness`, :mod:`calibration.flows` — the guided "hold still" steps, sans-IO.
"""

from calibration.kinds import CalibrationKind
from calibration.personal_range import PersonalRange, personal_range_from_reps
from tracker.errors import CalibrationError

__all__ = ["CalibrationError", "CalibrationKind", "PersonalRange", "personal_range_from_reps"]
