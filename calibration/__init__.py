"""Calibration maths (pure): turns calibration recordings into what the analysis needs.

* :mod:`calibration.personal_range` — 2-3 comfortable reps -> target range and baselines,
  consumed by the analysis as :class:`tracker.pipeline.config.Personalisation`.

Device (six static poses) and mounting calibration come with the store (issue 3).
"""

from calibration.personal_range import CalibrationError, PersonalRange, personal_range_from_reps

__all__ = ["CalibrationError", "PersonalRange", "personal_range_from_reps"]
