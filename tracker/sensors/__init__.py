"""Sample sources (adapters): where a session's samples come from.

* :mod:`tracker.sensors.base` — the seam: :class:`SampleSource`, :class:`SampleBatch`,
  :class:`SourceGap`, :class:`SourceInfo`.
* :mod:`tracker.sensors.replay` — a recording replayed as if it were live.
"""

from tracker.sensors.base import LinkState, LinkStatus, SampleBatch, SampleSource, SourceGap, SourceInfo
from tracker.sensors.replay import ReplaySource

__all__ = ["LinkState", "LinkStatus", "ReplaySource", "SampleBatch", "SampleSource", "SourceGap", "SourceInfo"]
