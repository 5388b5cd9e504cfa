"""Traces of a stored session, and the live view of a session being recorded.

A session's angle (and pelvis) trace is computed from its stored raw samples with its own
setup (device calibration applied) by :func:`tracker.pipeline.trace.segment_angle_deg`; the
live view reads what ``reptrack record`` has committed so far (it commits every second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.core.recording import Stream
from tracker.errors import ConfigurationError
from tracker.pipeline import Rep
from tracker.pipeline.trace import segment_angle_deg
from tracker.store import SessionInfo, SessionStatus, Store

#: the live page shows this much of the latest trace: a set's last few reps
LIVE_WINDOW_S = 20.0


@dataclass(frozen=True, eq=False)
class SessionTrace:
    """Angle over time, deg: the main sensor's segment, and the pelvis when there is one."""

    t_s: NDArray[np.float64]
    angle_deg: NDArray[np.float64]
    pelvis_t_s: NDArray[np.float64] | None = None
    pelvis_deg: NDArray[np.float64] | None = None


def _trace(store: Store, info: SessionInfo, reps: list[Rep], since_s: float | None) -> SessionTrace:
    spans = [(r.start_s, r.end_s) for r in reps]
    main = store.samples(info.id, Stream.MAIN, since_s=since_s)
    acc = info.setup.correct(main.accel_g) if len(main.t_s) else main.accel_g
    angle = segment_angle_deg(main.t_s, acc, main.gyro_dps if info.has_gyro else None, sample_rate_hz=info.sample_rate_hz,
                              rep_spans_s=spans)
    t, pt, pa = main.t_s, None, None
    if since_s is not None and len(t):
        keep = t >= since_s
        t, angle = t[keep], angle[keep]
    if info.has_pelvis:
        p = store.samples(info.id, Stream.PELVIS, since_s=since_s)
        if len(p.t_s):
            pa = segment_angle_deg(p.t_s, p.accel_g, p.gyro_dps if info.pelvis_has_gyro else None,
                                   sample_rate_hz=info.pelvis_sample_rate_hz or info.sample_rate_hz, rep_spans_s=spans)
            pt = p.t_s
            if since_s is not None:
                keep = pt >= since_s
                pt, pa = pt[keep], pa[keep]
    return SessionTrace(t, angle, pt, pa)


def session_trace(store: Store, session_id: int) -> SessionTrace:
    """The whole angle (and pelvis) trace of a stored session."""
    info = store.session(session_id)
    return _trace(store, info, store.reps(session_id), None)


@dataclass(frozen=True)
class LiveView:
    """What the live page shows of a session (the one recording now, or the latest)."""

    info: SessionInfo
    latest_t_s: float  # the time of the latest committed sample, recording seconds
    rep_count: int
    set_number: int  # the latest set (0: none yet)
    reps_in_set: int
    last_rep: Rep | None
    cues: tuple[str, ...]  # the cues of the last rep's flags
    since_last_rep_s: float | None  # the rest so far: time since the last rep ended (recording time)
    window_reps: tuple[Rep, ...]  # reps that end within the trace window
    trace: SessionTrace  # the last LIVE_WINDOW_S
    tentative: int = 0  # reps shown before the engine is sure of them (a set's first reps), not in rep_count
    taken_back: int = 0  # tentative reps that turned out to be no rep, this session

    @property
    def shown_count(self) -> int:
        """The count the person sees: reps counted and those not yet sure."""
        return self.rep_count + self.tentative

    @property
    def recording(self) -> bool:
        return self.info.status is SessionStatus.RECORDING


def live_view(store: Store, session_id: int | None = None, *, window_s: float = LIVE_WINDOW_S) -> LiveView:
    """The live view of session ``session_id`` (``None``: the one recording now, else the latest).

    Raises
    ------
    ConfigurationError
        No session in the store yet.
    NotFoundError
        No session ``session_id``.
    """
    if session_id is None:
        sessions = store.sessions()
        if not sessions:
            raise ConfigurationError(f"no sessions in {store.path} yet: start one with 'reptrack record'")
        live = [s for s in sessions if s.status is SessionStatus.RECORDING]
        info = (live or sessions)[-1]
    else:
        info = store.session(session_id)
    _, t1 = store.time_span(info.id)
    reps = store.reps(info.id)
    sets = store.sets(info.id)
    since = max(0.0, t1 - window_s)
    window = [r for r in reps if r.end_s >= since]
    last = reps[-1] if reps else None
    current = sets[-1] if sets else None
    return LiveView(
        info=info, latest_t_s=t1, rep_count=len(reps), set_number=0 if current is None else current.set_index,
        reps_in_set=0 if current is None else current.rep_count, last_rep=last,
        cues=() if last is None else tuple(f.cue for f in last.flags),
        since_last_rep_s=None if last is None else max(0.0, t1 - last.end_s),
        window_reps=tuple(window), trace=_trace(store, info, window or reps[-1:], since),
        tentative=info.tentative_reps, taken_back=info.taken_back_reps,
    )
