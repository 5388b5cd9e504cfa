"""Adherence and progression against a prescription (pure).

The seed's dosing: 8-12 reps, at least 2 sets, 1-3 minutes of rest between sets, 2-3 days a
week, ankle weight raised about every 6 weeks, stop on sharp pain. From the stored sessions
of one person and exercise this computes how the prescription is being followed, and
suggests more load when the top of the rep range is reached with good form in the recent
sessions and the load has not changed for six weeks -- unless pain says otherwise, in which
case the therapist is told.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

#: at least this long between load increases (the seed: "about every 6 weeks")
LOAD_STEP_INTERVAL = timedelta(weeks=6)
#: the increase suggested (ankle weights come in 0.5 kg / 1 lb steps)
LOAD_STEP_KG = 0.5
#: sessions that must all reach the top of the range with good form
RECENT_SESSIONS = 2
#: share of a session's reps without a form flag for it to count as "good form"
GOOD_FORM_SHARE = 0.8
#: pain at or above this (0-10) blocks progression and asks for the therapist
PAIN_THRESHOLD = 5
#: how far back pain entries count
PAIN_WINDOW = timedelta(days=14)
#: sessions a week (over the last 4 weeks) below which the load is not raised: the seed's 2-3
#: days a week, at least 2
MIN_DAYS_PER_WEEK = 2


class EntryKind(enum.Enum):
    """What a person rates, 0-10."""

    PAIN = "pain"
    RPE = "rpe"  # effort: rate of perceived exertion


@dataclass(frozen=True)
class PrescriptionValue:
    exercise: str
    sets: int
    reps_min: int
    reps_max: int
    hold_s: float | None
    rest_min_s: float
    rest_max_s: float
    days_per_week: int
    load_kg: float
    created_at: datetime


@dataclass(frozen=True)
class SessionValue:
    id: int
    started_at: datetime
    status: str
    load_kg: float | None
    set_reps: tuple[int, ...]  # reps per set
    rests_s: tuple[float, ...]  # rest before each set after the first
    rep_count: int
    flagged_reps: int


@dataclass(frozen=True)
class SessionCheck:
    id: int
    date: str
    sets_done: int
    sets_prescribed: int
    set_reps: tuple[int, ...]
    reps_in_range: bool  # every prescribed set within the rep range
    top_reached: bool  # every prescribed set at the top of the range
    good_form_share: float
    load_kg: float | None  # the ankle weight used (None: not recorded)
    at_load: bool  # used the prescribed weight (or did not say)
    rests_short: int
    rests_long: int
    rests_ok: int


@dataclass(frozen=True)
class ProgressReport:
    person: str
    exercise: str
    prescription: PrescriptionValue
    weeks: tuple[tuple[str, int], ...]  # (week starting, session days) for the last 4 weeks
    sessions_per_week: float  # over those weeks
    data_days_30: int  # days with a session in the last 30
    expected_days_30: float
    sessions: tuple[SessionCheck, ...]
    rests_ok: int
    rests_short: int
    rests_long: int
    since_load_change: timedelta
    suggestion: str
    progress_load: bool
    needs_attention: bool
    attention_reason: str | None
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        p = self.prescription
        return {
            "person": self.person, "exercise": self.exercise,
            "prescription": {"sets": p.sets, "reps_min": p.reps_min, "reps_max": p.reps_max, "hold_s": p.hold_s,
                             "rest_min_s": p.rest_min_s, "rest_max_s": p.rest_max_s, "days_per_week": p.days_per_week,
                             "load_kg": p.load_kg, "since": p.created_at.isoformat()},
            "adherence": {"weeks": [{"week_starting": w, "session_days": n} for w, n in self.weeks],
                          "sessions_per_week": round(self.sessions_per_week, 2), "days_per_week_prescribed": p.days_per_week,
                          "data_days_30": self.data_days_30, "expected_days_30": round(self.expected_days_30, 1)},
            "rests": {"ok": self.rests_ok, "too_short": self.rests_short, "too_long": self.rests_long},
            "sessions": [s.__dict__ | {"set_reps": list(s.set_reps)} for s in self.sessions],
            "days_since_load_change": self.since_load_change.days,
            "progress_load": self.progress_load, "suggestion": self.suggestion,
            "needs_attention": self.needs_attention, "attention_reason": self.attention_reason,
        }


def load_since(history: Sequence[PrescriptionValue]) -> datetime | None:
    """When the prescription that changed the load to the current one came into force; ``None``
    when the load has been the same since the first prescription.

    Training with a weight counts from the first session with it after this bound: a session
    before it was done with the weight prescribed then. Without a bound, sessions from before
    the first prescription count too (history imported with its dates, a prescription written
    down after weeks of training): re-prescribing the same load restarts nothing.
    """
    current = history[-1]
    for earlier, later in zip(reversed(history[:-1]), reversed(history[1:])):
        if earlier.load_kg != current.load_kg:
            return later.created_at
    return None


def check_session(s: SessionValue, p: PrescriptionValue) -> SessionCheck:
    counted = s.set_reps[: p.sets]
    in_range = len(counted) >= p.sets and all(p.reps_min <= n <= p.reps_max for n in counted)
    top = len(counted) >= p.sets and all(n >= p.reps_max for n in counted)
    short = sum(r < p.rest_min_s for r in s.rests_s)
    long = sum(r > p.rest_max_s for r in s.rests_s)
    good = 1.0 - s.flagged_reps / s.rep_count if s.rep_count else 0.0
    at_load = s.load_kg is None or s.load_kg >= p.load_kg - 1e-9
    return SessionCheck(s.id, s.started_at.date().isoformat(), len(s.set_reps), p.sets, s.set_reps, in_range, top, round(good, 3),
                        s.load_kg, at_load, short, long, len(s.rests_s) - short - long)


def assess_progress(person: str, history: Sequence[PrescriptionValue], sessions: Sequence[SessionValue],
                    pains: Sequence[tuple[datetime, int]], now: datetime, *, pain_threshold: int = PAIN_THRESHOLD,
                    attention_cleared_at: datetime | None = None) -> ProgressReport:
    """How ``person`` follows the latest prescription of ``history``, and what next.

    ``sessions`` are this exercise's sessions (any order); ``pains`` the pain ratings;
    pain before ``attention_cleared_at`` was seen to by the therapist. Days are counted in
    the time zone of the datetimes given (the person's local time).

    More load is suggested when: the last two sessions reached the top of the rep range in
    every prescribed set with at least 80 % of reps free of form flags, at the prescribed
    weight; the person has trained at that weight for six weeks (counted from their first
    session with it since the prescription that changed the load to it -- see :func:`load_since`
    -- not from the current prescription); they trained at least two days a week over
    the last four weeks; and no pain at or above the threshold in the last 14 days.
    """
    p = history[-1]
    done = sorted((s for s in sessions if s.rep_count > 0), key=lambda s: s.started_at)
    # adherence: distinct days with a session, per 7-day window back from now
    days = {s.started_at.date() for s in done}
    weeks = []
    for k in range(4, 0, -1):
        start = now.date() - timedelta(days=7 * k - 1)  # the last window ends today
        end = start + timedelta(days=7)
        weeks.append((start.isoformat(), sum(start <= d < end for d in days)))
    # session days per week over the last 4 weeks (the weeks listed)
    per_week = sum(n for _, n in weeks) / 4.0
    data_days = sum((now.date() - d).days < 30 for d in days)
    expected = p.days_per_week * 30 / 7  # session days a 30-day window asks for
    checks = [check_session(s, p) for s in done if s.started_at >= p.created_at]
    rests_ok = sum(c.rests_ok for c in checks)
    rests_short = sum(c.rests_short for c in checks)
    rests_long = sum(c.rests_long for c in checks)
    # six weeks of training at this weight, from the first session with it (since the load changed to it)
    bound = load_since(history)
    at_weight = [s for s in done if (bound is None or s.started_at >= bound) and (s.load_kg is None or s.load_kg >= p.load_kg - 1e-9)]
    first_at_weight = at_weight[0].started_at if at_weight else now
    since = now - first_at_weight
    cleared = attention_cleared_at
    recent_pain = [(t, v) for t, v in pains if now - t <= PAIN_WINDOW and v >= pain_threshold and (cleared is None or t > cleared)]
    recent = checks[-RECENT_SESSIONS:]
    top_with_form = len(recent) == RECENT_SESSIONS and all(c.top_reached and c.good_form_share >= GOOD_FORM_SHARE for c in recent)
    light = [c for c in recent if not c.at_load]
    attention = None
    progress = False
    if recent_pain:
        worst = max(v for _, v in recent_pain)
        attention = f"pain {worst}/10 reported on {max(t for t, _ in recent_pain).date().isoformat()}"
        suggestion = f"no load increase: {attention}. Stop if the pain is sharp; your therapist has been told."
    elif top_with_form and light:
        used = max(c.load_kg or 0.0 for c in light)
        suggestion = (f"top of the range reached, but with {used:g} kg where {p.load_kg:g} kg is prescribed: "
                      f"use {p.load_kg:g} kg before adding more")
    elif top_with_form and since >= LOAD_STEP_INTERVAL and per_week < MIN_DAYS_PER_WEEK:
        suggestion = (f"top of the range reached, but {per_week:.1f} session days a week over the last 4 weeks: train "
                      f"{max(MIN_DAYS_PER_WEEK, min(p.days_per_week, 3))} days a week for a while before adding weight")
    elif top_with_form and since >= LOAD_STEP_INTERVAL:
        progress = True
        suggestion = (f"ready to progress: the top of the range ({p.reps_max} reps x {p.sets} sets) with good form in the last "
                      f"{RECENT_SESSIONS} sessions, and {since.days // 7} weeks of training with {p.load_kg:g} kg: add {LOAD_STEP_KG:g} kg "
                      f"(to {p.load_kg + LOAD_STEP_KG:g} kg) and start again at {p.reps_min} reps")
    elif top_with_form:
        when = (first_at_weight + LOAD_STEP_INTERVAL).date().isoformat()
        suggestion = (f"top of the range reached with good form; keep {p.load_kg:g} kg until {when} "
                      f"(6 weeks of training with a weight before adding more)")
    elif not checks:
        suggestion = "no sessions since this prescription yet"
    else:
        last = checks[-1]
        if not last.reps_in_range and last.sets_done < p.sets:
            suggestion = f"keep going: {p.sets} sets of {p.reps_min}-{p.reps_max} reps (last session: {last.sets_done} set(s))"
        elif last.good_form_share < GOOD_FORM_SHARE:
            suggestion = f"keep the load and work on form (last session: {100 * last.good_form_share:.0f} % of reps with good form)"
        else:
            suggestion = f"keep the load; build up to {p.reps_max} reps in each of {p.sets} sets"
    return ProgressReport(
        person=person, exercise=p.exercise, prescription=p, weeks=tuple(weeks), sessions_per_week=per_week,
        data_days_30=data_days, expected_days_30=expected, sessions=tuple(checks), rests_ok=rests_ok, rests_short=rests_short,
        rests_long=rests_long, since_load_change=since, suggestion=suggestion, progress_load=progress,
        needs_attention=attention is not None, attention_reason=attention,
    )
