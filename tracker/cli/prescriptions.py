"""Prescription commands: ``prescribe``, ``progress``."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from tracker.cli.analysis import EXERCISE_HELP
from tracker.cli.common import add_command, limited, number_range, open_store
from tracker.core.exercises import HOLD
from tracker.errors import InvalidValueError


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pr = add_command(sub, "prescribe", "set a person's prescription for an exercise (kept as history)", [
        "reptrack prescribe zoe --exercise side-lying-hip-abduction --sets 2 --reps 8-12 --hold-s 2 --therapist 'Dr Lee'",
        "reptrack prescribe zoe --exercise hip-raise --load-kg 0.5 --days-per-week 3 --from 2026-10-01",
    ], parents=[db])
    pr.add_argument("person", help="whose prescription it is (created when new)")
    pr.add_argument("--exercise", required=True, help=EXERCISE_HELP)
    pr.add_argument("--sets", type=int, default=2, help="sets per session (default 2)")
    pr.add_argument("--reps", default="8-12", help="rep range per set, MIN-MAX (default 8-12)")
    pr.add_argument("--hold-s", type=limited(HOLD), help="hold at the top, s")
    pr.add_argument("--rest-s", default="60-180", help="rest between sets, MIN-MAX seconds (default 60-180)")
    pr.add_argument("--days-per-week", type=int, default=3, help="sessions per week (default 3)")
    pr.add_argument("--load-kg", type=float, default=0.0, help="ankle weight, kg (default 0)")
    pr.add_argument("--therapist", help="the prescribing therapist (the person is added to their list)")
    pr.add_argument("--from", dest="from_date", metavar="DATE",
                    help="in force from this date (ISO 8601: 2026-10-01, or a date and time; UTC unless a zone is given), for "
                         "training that began before the prescription was written down (default: now)")
    pr.set_defaults(handler=_prescribe)

    pg = add_command(sub, "progress", "adherence, rests and the next step against the prescription",
                     ["reptrack progress zoe", "reptrack progress zoe --exercise hip-raise --json"], parents=[db])
    pg.add_argument("person", help="the person, by name")
    pg.add_argument("--exercise", help="one exercise (default: every prescribed one)")
    pg.add_argument("--pain-threshold", type=int, default=5, choices=range(1, 11), metavar="1-10",
                    help="pain (0-10) at or above this blocks progression (default 5)")
    pg.add_argument("--json", action="store_true", help="print one JSON object")
    pg.set_defaults(handler=_progress)


def _prescribe(args: argparse.Namespace) -> int:
    from tracker.app.prescriptions import PrescriptionRequest, prescribe
    from tracker.core.exercises import Exercise

    exercise = Exercise.parse(args.exercise)
    rmin, rmax = number_range(args.reps, "reps", what="reps per set", example="8-12")
    smin, smax = number_range(args.rest_s, "rest_s", what="seconds of rest between sets", example="60-180")
    if rmin != int(rmin) or rmax != int(rmax):
        raise InvalidValueError("reps", f"counts whole reps, not {args.reps!r}")
    with open_store(args) as store:
        p = prescribe(store, PrescriptionRequest(
            args.person, exercise, sets=args.sets, reps_min=int(rmin), reps_max=int(rmax), hold_s=args.hold_s, rest_min_s=smin,
            rest_max_s=smax, days_per_week=args.days_per_week, load_kg=args.load_kg, therapist=args.therapist,
            starts_at=_from_date(args.from_date),
        ))
    hold = f", hold {p.hold_s:g} s" if p.hold_s else ""
    since = f", in force from {p.created_at[:16].replace('T', ' ')} UTC" if args.from_date else ""
    print(f"{p.person}, {exercise.definition.title}: {p.sets} sets of {p.reps_min}-{p.reps_max} reps{hold}, "
          f"{p.rest_min_s:g}-{p.rest_max_s:g} s rest, {p.days_per_week} days a week, {p.load_kg:g} kg (prescription {p.id}{since})")
    return 0


def _from_date(text: str | None) -> datetime | None:
    """``--from``: an ISO 8601 date (midnight) or date and time; UTC unless a zone is given."""
    if text is None:
        return None
    try:
        d = datetime.fromisoformat(text)
        d = d if d.tzinfo is not None else d.replace(tzinfo=UTC)
        d.astimezone(UTC)  # an impossible date overflows here
        return d
    except (ValueError, OverflowError):
        raise InvalidValueError("from", f"is a date like 2026-10-01 (or 2026-10-01T09:30), not {text!r}") from None


def _progress(args: argparse.Namespace) -> int:
    from tracker.app.prescriptions import progress
    from tracker.core.exercises import Exercise

    exercise = Exercise.parse(args.exercise) if args.exercise else None
    now = datetime.now().astimezone()
    with open_store(args, read_only=True) as store:
        overview = progress(store, args.person, exercise=exercise, pain_threshold=args.pain_threshold, now=now)
    if args.json:
        print(json.dumps([r.to_json() for r in overview.reports]))
        return 0
    for r in overview.reports:
        p = r.prescription
        print(f"{r.person} — {r.exercise}: {p.sets} x {p.reps_min}-{p.reps_max} reps, {p.days_per_week} days/week, {p.load_kg:g} kg "
              f"(since {p.created_at.date().isoformat()})")
        print(f"  sessions per week: {r.sessions_per_week:.1f} (prescribed {p.days_per_week}); "
              f"days with data in the last 30: {r.data_days_30} of about {r.expected_days_30:.0f}")
        print("  last 4 weeks: " + ", ".join(f"{w}: {n}" for w, n in r.weeks))
        if r.rests_ok + r.rests_short + r.rests_long:
            print(f"  rests between sets: {r.rests_ok} within {p.rest_min_s:g}-{p.rest_max_s:g} s, {r.rests_short} shorter, {r.rests_long} longer")
        for c in r.sessions[-5:]:
            print(f"  {c.date} session {c.id}: sets {'/'.join(str(n) for n in c.set_reps) or '-'}"
                  f"{' (top of range)' if c.top_reached else ''}, {100 * c.good_form_share:.0f} % good form")
        print(f"  next: {r.suggestion}")
        if r.needs_attention:
            marked = "marked for the therapist's attention" if overview.marked_for_attention else "for the therapist's attention"
            print(f"  ! {marked}: {r.attention_reason}")
    recent = overview.recent_entries(now)
    if recent:
        print("pain and effort, last 30 days: " + "; ".join(
            f"{e.created_at[:10]} {e.kind.value} {e.value}/10" + (f" ({e.note})" if e.note else "") for e in recent))
    for n in overview.notes[-5:]:
        print(f"note{f' by {n.therapist}' if n.therapist else ''} ({n.created_at[:10]}"
              f"{f', session {n.session_id}' if n.session_id else ''}): {n.text}")
    return 0
