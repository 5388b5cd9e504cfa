"""The therapist's overview: each person with their last session, adherence, and what needs
attention first -- pain at or above the threshold (the mark :func:`tracker.app.people.log_entry`
sets), pelvic rise becoming frequent, weeks without a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tracker.app.accounts import Viewer, visible_people
from tracker.app.people import PatientSummary, patients_overview
from tracker.app.prescriptions import progress
from tracker.core.exercises import FlagKind
from tracker.errors import ConfigurationError
from tracker.store import Store

#: pelvic rise is "frequent" when at least this share of the reps of the recent sessions has it:
#: one rep in four hitched is a pattern, not a slip
PELVIC_RISE_FREQUENT_SHARE = 0.25
#: ... over the person's latest sessions, this many
PELVIC_RISE_SESSIONS = 3


@dataclass(frozen=True)
class OverviewRow:
    summary: PatientSummary
    person_id: int
    sessions_per_week: float | None  # over the last 4 weeks (None: no prescription)
    days_per_week_prescribed: int | None
    missed_weeks: int  # of the last 4 seven-day windows, those without a session (with a prescription)
    pelvic_rise_share: float | None  # share of the latest sessions' reps with a pelvic-rise flag
    reasons: tuple[str, ...]  # what needs attention, most serious first

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def attention_first(self) -> tuple[bool, int, str]:
        """Sort key: who needs attention first (pain first), then by name."""
        return (not self.needs_attention, 0 if self.summary.needs_attention else 1, self.summary.person)


def therapist_overview(store: Store, viewer: Viewer, *, now: datetime | None = None) -> list[OverviewRow]:
    """The people ``viewer`` may see, who needs attention first."""
    now = now or datetime.now().astimezone()
    mine = {p.name: p.id for p in visible_people(store, viewer)}
    rows = []
    for s in patients_overview(store, now=now):
        if s.person not in mine:
            continue
        per_week = prescribed = None
        missed = 0
        try:
            reports = progress(store, s.person, now=now).reports
        except ConfigurationError:
            reports = ()
        if reports:
            per_week = min(r.sessions_per_week for r in reports)
            prescribed = max(r.prescription.days_per_week for r in reports)
            first = min(r.prescription.created_at.date() for r in reports)
            missed = max(sum(1 for w, n in r.weeks if n == 0 and w >= first.isoformat()) for r in reports)
        recent = [x for x in store.sessions(person=s.person) if x.rep_count][-PELVIC_RISE_SESSIONS:]
        n_reps = sum(x.rep_count for x in recent)
        risen = sum(1 for x in recent for r in store.reps(x.id) if FlagKind.PELVIC_RISE in r.flag_kinds)
        share = risen / n_reps if n_reps else None
        reasons = []
        if s.needs_attention:
            reasons.append(s.attention_reason or "marked for attention")
        if share is not None and share >= PELVIC_RISE_FREQUENT_SHARE:
            reasons.append(f"pelvic rise in {100 * share:.0f} % of reps (last {len(recent)} sessions)")
        if missed:
            reasons.append(f"{missed} of the last 4 weeks without a session")
        rows.append(OverviewRow(s, mine[s.person], per_week, prescribed, missed, share, tuple(reasons)))
    return sorted(rows, key=lambda r: r.attention_first)
