"""reptrack: rep counting and form flags for home hip-strengthening exercise.

The package is layered:

* pure core — :mod:`tracker.core.recording` (sample containers), :mod:`tracker.files.csv_recording`
  (the CSV recording format), :mod:`tracker.core.exercises` (exercises as data),
  :mod:`tracker.pipeline` (the sans-IO streaming analysis), :mod:`tracker.simulate`
  (the labelled simulator) and :mod:`tracker.evaluation` (accuracy metrics);
* one composition root — :mod:`tracker.cli`.
"""

__version__ = "0.1.0"
