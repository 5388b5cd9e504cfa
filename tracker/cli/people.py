"""People commands: ``patients``, ``log`` (pain and effort), ``note``."""

from __future__ import annotations

import argparse
import json

from tracker.cli.common import open_store, session_ref
from tracker.errors import ConfigurationError


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pa = sub.add_parser("patients", parents=[db], help="a therapist's list: each person, their last session, and who needs attention")
    pa.add_argument("--therapist", help="only this therapist's patients")
    pa.add_argument("--json", action="store_true")
    pa.set_defaults(handler=_patients)

    lg = sub.add_parser("log", parents=[db], help="record pain or effort (RPE), 0-10, for a person (and a session)")
    lg.add_argument("person")
    lg.add_argument("--pain", type=int, help="pain 0-10")
    lg.add_argument("--rpe", type=int, help="effort 0-10 (rate of perceived exertion)")
    lg.add_argument("--session", help="the session it refers to (id or 'last')")
    lg.add_argument("--note", help="a few words")
    lg.set_defaults(handler=_log)

    nt = sub.add_parser("note", parents=[db], help="a therapist's note on a person or a session")
    nt.add_argument("person")
    nt.add_argument("text")
    nt.add_argument("--session", help="session id or 'last'")
    nt.add_argument("--therapist")
    nt.add_argument("--resolve", action="store_true", help="the note answers the person's attention mark (pain): clear it")
    nt.set_defaults(handler=_note)


def _patients(args: argparse.Namespace) -> int:
    from tracker.app.people import patients_overview

    with open_store(args, create=False) as store:
        rows = patients_overview(store, therapist=args.therapist)
    if args.json:
        print(json.dumps([{
            "person": r.person, "therapist": r.therapist, "needs_attention": r.needs_attention, "attention_reason": r.attention_reason,
            "sessions": r.sessions, "last_session": r.last_session, "session_days_30": r.session_days_30,
            "last_pain": None if r.last_pain is None else {"value": r.last_pain.value, "at": r.last_pain.created_at,
                                                            "note": r.last_pain.note},
        } for r in rows]))
        return 0
    if not rows:
        print("no patients" + (f" for {args.therapist}" if args.therapist else ""))
        return 0
    print(f"{'person':<18} {'therapist':<14} {'sessions':>8} {'last session (UTC)':<18} {'days/30':>7}  attention")
    for r in sorted(rows, key=lambda r: r.attention_first):  # who needs attention first
        last = (r.last_session or "-")[:16].replace("T", " ")
        flag = f"! {r.attention_reason}" if r.needs_attention else ""
        print(f"{r.person[:18]:<18} {(r.therapist or '-')[:14]:<14} {r.sessions:>8} {last:<18} {r.session_days_30:>7}  {flag}")
    return 0


def _log(args: argparse.Namespace) -> int:
    from tracker.app.people import log_entry
    from tracker.core.progression import EntryKind

    if (args.pain is None) == (args.rpe is None):
        raise ConfigurationError("give one of --pain N or --rpe N (0-10)")
    kind, value = (EntryKind.PAIN, args.pain) if args.pain is not None else (EntryKind.RPE, args.rpe)
    ref = session_ref(args.session) if args.session else None
    with open_store(args, create=False) as store:
        logged = log_entry(store, args.person, kind, value, session_id=ref, latest_session=args.session is not None and ref is None,
                           note=args.note)
    e = logged.entry
    print(f"{kind.value} {e.value}/10 recorded for {e.person}" + (f" (session {e.session_id})" if e.session_id else ""))
    if logged.marked_for_attention:
        print("Stop the exercise if the pain is sharp; you are marked for your therapist's attention ('reptrack patients').")
    return 0


def _note(args: argparse.Namespace) -> int:
    from tracker.app.people import add_note

    ref = session_ref(args.session) if args.session else None
    with open_store(args, create=False) as store:
        added = add_note(store, args.person, args.text, session_id=ref, latest_session=args.session is not None and ref is None,
                         therapist=args.therapist, resolve=args.resolve)
    n = added.note
    cleared = "; attention mark cleared" if added.attention_cleared else "; there was no attention mark to clear" if args.resolve else ""
    print(f"note {n.id} added for {n.person}" + (f" on session {n.session_id}" if n.session_id else "") + cleared)
    return 0
