"""How long after a rep ends the person sees it: the engine's algorithmic latency (pure).

A recording is streamed through the engine one sample per ``feed`` call, as a sensor
sends it, and every event is stamped with the time of the last sample fed when it came
out. For each labelled rep that the engine counted, two delays are measured from the rep's
labelled end (sensor time, so the figure does not depend on the machine's speed):

* **shown**: its first event -- a :class:`~tracker.pipeline.types.RepTentative` for a rep the
  engine is not yet sure of (the first reps of a set), else its
  :class:`~tracker.pipeline.types.RepCompleted`. This is what the live count shows.
* **counted**: its :class:`~tracker.pipeline.types.RepCompleted`, when the count is final.

Reps shown tentatively and later taken back are counted as well (the live view shows them
being taken back).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tracker.core.recording import Recording, Stream
from tracker.evaluation.metrics import FoundRep, TrueRep, TrueSet, match_reps
from tracker.pipeline.config import DetectorConfig
from tracker.pipeline.setup import SessionSetup
from tracker.pipeline.types import Event, RejectedMovement, RepCompleted, RepTentative

#: the latency target of the issues (a rep on screen within this of its end, sensor time)
TARGET_MS = 300.0


@dataclass(frozen=True)
class StampedEvent:
    t_s: float  # time of the last sample fed when the event came out
    event: Event


def stream_in_chunks(setup: SessionSetup, recording: Recording, pelvis: Recording | None = None, *, chunk_n: int = 1,
                     detector: DetectorConfig = DetectorConfig()) -> list[StampedEvent]:
    """Feed ``recording`` ``chunk_n`` samples at a time (the pelvis sensor's samples up to the
    same time before each chunk), stamping each event with the last sample fed when it came out.
    ``chunk_n`` 1 is a sensor sending sample by sample: the engine's own latency."""
    pelvis = pelvis if setup.with_pelvis else None
    pipe = setup.pipeline(
        sample_rate_hz=recording.nominal_rate_hz(), has_gyro=recording.has_gyro,
        pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
        pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro, detector=detector,
    )
    m = setup.prepare(recording.accel_g, recording.gyro_dps)
    p = None if pelvis is None else setup.prepare(pelvis.accel_g, pelvis.gyro_dps, stream=Stream.PELVIS)
    out: list[StampedEvent] = []

    def feed_pelvis(k: int, k2: int, t_s: float) -> None:
        if pelvis is not None and p is not None and k2 > k:
            gyr = None if p.gyro_dps is None else p.gyro_dps[k:k2]
            out.extend(StampedEvent(t_s, e) for e in pipe.feed_pelvis(pelvis.t_s[k:k2], p.accel_g[k:k2], gyr))

    k = 0  # pelvis samples fed so far
    t = recording.t_s
    for a in range(0, t.size, chunk_n):
        b = min(t.size, a + chunk_n)
        last = float(t[b - 1])
        if pelvis is not None:
            k2 = int(np.searchsorted(pelvis.t_s, last, side="right"))
            feed_pelvis(k, k2, last)
            k = max(k, k2)
        gyr = None if m.gyro_dps is None else m.gyro_dps[a:b]
        out.extend(StampedEvent(last, e) for e in pipe.feed(t[a:b], m.accel_g[a:b], gyr))
    end = float(t[-1])
    if pelvis is not None:
        feed_pelvis(k, pelvis.t_s.size, end)
    out += [StampedEvent(end, e) for e in pipe.finish()]
    return out


@dataclass
class LatencyStats:
    """Delays of matched reps, ms of sensor time, and what was shown and taken back."""

    shown_ms: list[float] = field(default_factory=list)
    counted_ms: list[float] = field(default_factory=list)
    #: delays of the reps first shown as tentative (a set's first, a quick rep's, one shown on its way down)
    shown_tentative_ms: list[float] = field(default_factory=list)
    #: shown delays of each labelled set's first rep, where the engine counted it (the issue's
    #: target holds for it as for the others; a first rep missed is in no delay)
    first_of_set_ms: list[float] = field(default_factory=list)
    tentative: int = 0  # tentative events
    taken_back: int = 0  # ... later taken back
    taken_back_true_rep: int = 0  # ... of which overlapped a labelled rep (a real rep withdrawn)

    def merge(self, other: LatencyStats) -> None:
        self.shown_ms += other.shown_ms
        self.counted_ms += other.counted_ms
        self.shown_tentative_ms += other.shown_tentative_ms
        self.first_of_set_ms += other.first_of_set_ms
        self.tentative += other.tentative
        self.taken_back += other.taken_back
        self.taken_back_true_rep += other.taken_back_true_rep

    def summary(self) -> dict[str, object]:
        def pct(x: list[float], q: float) -> float | None:
            return round(float(np.percentile(x, q)), 0) if x else None

        def within(x: list[float]) -> float | None:
            return round(100.0 * sum(v <= TARGET_MS for v in x) / len(x), 1) if x else None

        return {
            "reps": len(self.shown_ms),
            "shown_median_ms": pct(self.shown_ms, 50), "shown_p95_ms": pct(self.shown_ms, 95),
            "shown_max_ms": pct(self.shown_ms, 100),
            "shown_within_target_pct": within(self.shown_ms),
            "first_of_set": len(self.first_of_set_ms), "first_of_set_median_ms": pct(self.first_of_set_ms, 50),
            "first_of_set_p95_ms": pct(self.first_of_set_ms, 95), "first_of_set_within_target_pct": within(self.first_of_set_ms),
            "first_shown_tentative": len(self.shown_tentative_ms),
            "tentative_median_ms": pct(self.shown_tentative_ms, 50), "tentative_p95_ms": pct(self.shown_tentative_ms, 95),
            "counted_median_ms": pct(self.counted_ms, 50), "counted_p95_ms": pct(self.counted_ms, 95),
            "tentative_events": self.tentative, "taken_back": self.taken_back,
            "taken_back_overlapping_a_true_rep": self.taken_back_true_rep,
        }


def rep_delays(stamped: Sequence[StampedEvent], true_reps: Sequence[TrueRep], sets: Sequence[TrueSet] = ()) -> LatencyStats:
    """Delays from each labelled rep's end to the events of the rep the engine counted for it;
    with the labelled ``sets``, the shown delay of each one's first rep also on its own."""
    firsts = {min((i for i, r in enumerate(true_reps) if s.start_s <= r.start_s <= s.end_s),
                  key=lambda i: true_reps[i].start_s, default=-1) for s in sets}
    first_seen: dict[float, tuple[float, bool]] = {}  # rep start -> (time shown, shown as tentative)
    counted: list[tuple[float, RepCompleted]] = []
    stats = LatencyStats()
    for s in stamped:
        e = s.event
        if isinstance(e, RepTentative):
            stats.tentative += 1
            first_seen.setdefault(e.start_s, (s.t_s, True))
        elif isinstance(e, RepCompleted):
            first_seen.setdefault(e.rep.start_s, (s.t_s, False))
            counted.append((s.t_s, e))
        elif isinstance(e, RejectedMovement) and e.tentative:
            stats.taken_back += 1
            if any(min(t.end_s, e.end_s) - max(t.start_s, e.start_s) > 0 for t in true_reps):
                stats.taken_back_true_rep += 1
    found = [FoundRep(c.rep.start_s, c.rep.peak_s, c.rep.end_s) for _, c in counted]
    for i, j in match_reps(true_reps, found):
        t_counted, c = counted[j]
        end_s = true_reps[i].end_s
        t_shown, tentative = first_seen[c.rep.start_s]
        stats.shown_ms.append(1000.0 * (t_shown - end_s))
        stats.counted_ms.append(1000.0 * (t_counted - end_s))
        if tentative:
            stats.shown_tentative_ms.append(1000.0 * (t_shown - end_s))
        if i in firsts:
            stats.first_of_set_ms.append(1000.0 * (t_shown - end_s))
    return stats


__all__ = ["LatencyStats", "StampedEvent", "TARGET_MS", "rep_delays", "stream_in_chunks"]
