"""reptrack: rep counting and form flags for home hip-strengthening exercise.

The package is layered (front doors -> application -> adapters -> core; see the README's
"Architecture"):

* core, pure — :mod:`tracker.core` (recording values, exercises, progression rules),
  :mod:`tracker.pipeline` (the sans-IO streaming analysis and the session setup), and the
  top-level :mod:`calibration` package;
* adapters — :mod:`tracker.files` (CSV), :mod:`tracker.sensors` (sample sources),
  :mod:`tracker.store` (SQLite), :mod:`tracker.terminal` (the live panel);
* application — :mod:`tracker.app` (the use cases);
* front doors — :mod:`tracker.cli` (and the top-level ``dashboard`` package);
* offline tools — :mod:`tracker.simulate`, :mod:`tracker.evaluation`.
"""

__version__ = "0.1.0"
