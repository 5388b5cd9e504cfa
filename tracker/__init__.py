"""reptrack: rep counting and form flags for home hip-strengthening exercise.

The package is layered:

* pure core — :mod:`tracker.recording` (sample containers), :mod:`tracker.csvio`
  (the CSV recording format), :mod:`tracker.exercises` (exercises as data),
  :mod:`tracker.pipeline` (the sans-IO streaming analysis), :mod:`tracker.simulate`
  (the labelled simulator) and :mod:`tracker.evaluation` (accuracy metrics);
* one composition root — :mod:`tracker.cli`.
"""

__version__ = "0.1.0"
