"""People commands: ``patients``, ``log`` (pain and effort), ``note``, ``person rename|merge|delete``."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from tracker.cli.common import add_command, open_store, session_ref
from tracker.cli.confirm import confirmed, counted, listed, size
from tracker.errors import ConfigurationError

if TYPE_CHECKING:
    from tracker.store import PersonRecords

#: the exit code of a change the user declined when asked
EXIT_DECLINED = 1


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    pa = add_command(sub, "patients", "a therapist's list: each person, their last session, and who needs attention",
                     ["reptrack patients", "reptrack patients --therapist 'Dr Lee' --json"], parents=[db])
    pa.add_argument("--therapist", help="only this therapist's patients")
    pa.add_argument("--json", action="store_true", help="print one JSON object")
    pa.set_defaults(handler=_patients)

    lg = add_command(sub, "log", "record pain or effort (RPE), 0-10, for a person (and a session)",
                     ["reptrack log zoe --pain 3 --session last", "reptrack log zoe --rpe 6 --note 'last set was hard'"], parents=[db])
    lg.add_argument("person", help="whose entry it is (by name)")
    lg.add_argument("--pain", type=int, help="pain 0-10")
    lg.add_argument("--rpe", type=int, help="effort 0-10 (rate of perceived exertion)")
    lg.add_argument("--session", help="the session it refers to (id or 'last')")
    lg.add_argument("--note", help="a few words")
    lg.set_defaults(handler=_log)

    nt = add_command(sub, "note", "a therapist's note on a person or a session", [
        "reptrack note zoe 'keep the pelvis still: slower on the way up' --session last --therapist 'Dr Lee'",
        "reptrack note zoe 'pain settled after rest; carry on' --resolve",
    ], parents=[db])
    nt.add_argument("person", help="the person the note is about (by name)")
    nt.add_argument("text", help="the note (quote it)")
    nt.add_argument("--session", help="session id or 'last'")
    nt.add_argument("--therapist", help="who writes the note")
    nt.add_argument("--resolve", action="store_true", help="the note answers the person's attention mark (pain): clear it")
    nt.set_defaults(handler=_note)

    pe = add_command(sub, "person", "rename, merge or delete a person (asks first; --yes to skip that)",
                     ["reptrack person rename zoe 'Zoë Smith'", "reptrack person delete 'Test Patient' --yes"])
    pesub = pe.add_subparsers(dest="person_command", required=True)

    def command(name: str, about: str, example: str) -> argparse.ArgumentParser:
        c = add_command(pesub, name, about, [example, f"{example} --yes"], parents=[db])
        c.add_argument("--yes", action="store_true", help="do it without asking (needed when stdin is not a terminal)")
        return c

    rn = command("rename", "give a person another name, or write theirs another way (names match whatever their case or width)",
                 "reptrack person rename zoe 'Zoë Smith'")
    rn.add_argument("person", help="the person, by their current name")
    rn.add_argument("new_name", metavar="NEW", help="their new name (refused when it is someone else's: see 'person merge')")
    rn.set_defaults(handler=_rename)
    mg = command("merge", "make two people one: the sessions, prescriptions, notes, pain and effort and calibrations of FROM "
                          "move to INTO, and FROM is removed", "reptrack person merge 'Zoe Smiht' 'Zoë Smith'")
    mg.add_argument("source", metavar="FROM", help="the person to merge (removed)")
    mg.add_argument("into", metavar="INTO", help="the person who remains, with their name")
    mg.set_defaults(handler=_merge)
    dl = command("delete", "delete a person and all they have in the store: sessions with their raw samples, prescriptions, "
                           "notes, pain and effort, calibrations", "reptrack person delete 'Test Patient'")
    dl.add_argument("person", help="the person, by name")
    dl.set_defaults(handler=_delete)


def _patients(args: argparse.Namespace) -> int:
    from tracker.app.people import patients_overview

    with open_store(args, read_only=True) as store:
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


def _records(r: PersonRecords) -> list[str]:
    """What a person has, in words (sessions always, the rest when there is any)."""
    parts = [counted(r.sessions, "session") + (f" ({size(r.sample_bytes)} of raw samples)" if r.sample_bytes else "")]
    for n, thing in ((r.prescriptions, "prescription"), (r.notes, "note"), (r.entries, "pain/effort entry"),
                     (r.calibrations, "calibration")):
        if n:
            parts.append(counted(n, thing, "pain/effort entries" if thing == "pain/effort entry" else None))
    return parts


def _rename(args: argparse.Namespace) -> int:
    from tracker.app.people import person_footprint, rename_person
    from tracker.core.names import clean_name

    new_name = clean_name(args.new_name)
    with open_store(args, create=False) as store:
        has = person_footprint(store, args.person)
        if not confirmed(f"rename {has.person} to {new_name} ({counted(has.sessions, 'session')})?", yes=args.yes,
                         command="person rename"):
            print("nothing changed")
            return EXIT_DECLINED
        p = rename_person(store, has.person, new_name)
    print(f"renamed {has.person} to {p.name}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    from tracker.app.people import merge_footprint, merge_people

    with open_store(args, create=False) as store:
        has, into = merge_footprint(store, args.source, args.into)
        if not confirmed(f"merge {has.person} into {into.name}: move {listed(_records(has))} to {into.name}, and remove "
                         f"{has.person}?", yes=args.yes, command="person merge"):
            print("nothing changed")
            return EXIT_DECLINED
        merged = merge_people(store, has.person, into.name)
    print(f"merged {merged.moved.person} into {merged.person.name}: {listed(_records(merged.moved))} moved"
          + ("; marked for the therapist's attention" if merged.person.needs_attention else ""))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from tracker.app.people import delete_person, person_footprint

    with open_store(args, create=False) as store:
        has = person_footprint(store, args.person)
        if not confirmed(f"delete {has.person} with {listed(_records(has))}?", yes=args.yes, command="person delete"):
            print("nothing changed")
            return EXIT_DECLINED
        gone = delete_person(store, has.person)
    print(f"deleted {gone.person} with {listed(_records(gone))}")
    return 0
