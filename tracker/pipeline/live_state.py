"""What a live session shows, folded from the engine's events (pure).

:class:`LiveTally` turns the event stream of :class:`~tracker.pipeline.RepPipeline` into a
:class:`LiveState` -- the count, the set, the last rep's range and tempo, the cues of its
flags, the rest since the last set -- that any view (terminal, dashboard) renders.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from tracker.pipeline.types import Event, Flag, GapDetected, RejectedMovement, Rep, RepCompleted, RepTentative, SetCompleted


@dataclass(frozen=True)
class LiveState:
    t_s: float = 0.0  # time of the latest sample, recording seconds
    sample_count: int = 0
    rep_count: int = 0
    set_number: int = 0  # the set in progress, or the last one
    reps_in_set: int = 0
    in_set: bool = False
    last_rep: Rep | None = None
    last_flags: tuple[Flag, ...] = ()
    rest_since_s: float | None = None  # end of the last completed set
    gaps: int = 0
    gap_s: float = 0.0
    set_rep_counts: tuple[int, ...] = ()  # completed sets
    ended: bool = False  # the session is over: no rest is running
    #: reps shown the moment they ended, not yet counted for sure (a set's first reps)
    tentative: tuple[RepTentative, ...] = ()
    taken_back: int = 0  # tentative reps that turned out to be no rep
    last_taken_back: RejectedMovement | None = None

    @property
    def shown_count(self) -> int:
        """What the person sees: the reps counted and those not yet sure."""
        return self.rep_count + len(self.tentative)

    @property
    def shown_in_set(self) -> int:
        """Reps of the set in progress, the ones not yet sure included (they open a set)."""
        return (self.reps_in_set if self.in_set else 0) + len(self.tentative)

    @property
    def rest_s(self) -> float | None:
        """Time since the last set ended, while not in a set (and the session goes on)."""
        if self.ended or self.in_set or self.tentative or self.rest_since_s is None:  # a rep not yet sure: no rest
            return None
        return max(0.0, self.t_s - self.rest_since_s)


class LiveTally:
    """Folds events into a :class:`LiveState`."""

    def __init__(self) -> None:
        self.state = LiveState()

    def advance(self, t_s: float, n_samples: int) -> LiveState:
        s = self.state
        self.state = replace(s, t_s=max(s.t_s, t_s), sample_count=s.sample_count + n_samples)
        return self.state

    def end(self) -> LiveState:
        """The session is over (the source ended, or the person stopped it): what was not yet
        sure has been counted or taken back by the engine's last events."""
        self.state = replace(self.state, ended=True, in_set=False, tentative=())
        return self.state

    def apply(self, events: list[Event]) -> LiveState:
        s = self.state
        for e in events:
            if isinstance(e, RepTentative):
                s = replace(s, tentative=(*s.tentative, e), last_taken_back=None)
            elif isinstance(e, RepCompleted):
                rep = e.rep
                new_set = not s.in_set or rep.set_index != s.set_number
                s = replace(
                    s, rep_count=s.rep_count + 1, set_number=rep.set_index, in_set=True,
                    reps_in_set=1 if new_set else s.reps_in_set + 1, last_rep=rep, last_flags=rep.flags,
                    tentative=tuple(x for x in s.tentative if x.start_s != rep.start_s), last_taken_back=None,
                )
            elif isinstance(e, RejectedMovement) and e.tentative:
                if any(x.start_s == e.start_s for x in s.tentative):
                    s = replace(s, tentative=tuple(x for x in s.tentative if x.start_s != e.start_s),
                                taken_back=s.taken_back + 1, last_taken_back=e)
            elif isinstance(e, SetCompleted):
                s = replace(s, in_set=False, rest_since_s=e.end_s, set_number=e.set_index, reps_in_set=e.rep_count,
                            set_rep_counts=(*s.set_rep_counts, e.rep_count))
            elif isinstance(e, GapDetected):
                s = replace(s, gaps=s.gaps + 1, gap_s=s.gap_s + (e.end_s - e.start_s))
        self.state = s
        return s
