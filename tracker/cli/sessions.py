"""Session commands: ``record``, ``import``, ``sessions``, ``show``, ``reanalyze``, ``export``."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.analysis import EXERCISE_HELP
from tracker.cli.common import Interrupted, add_command, limited, open_store, session_ref, speed, started_at
from tracker.core.exercises import HOLD
from tracker.core.recording import SAMPLE_RATE
from tracker.app.limits import GIVE_UP, GIVE_UP_DEFAULT_S, NOTIFY_MODES

if TYPE_CHECKING:
    from tracker.app.sessions import ReplayFiles, SessionReport, SessionRequest


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    d = add_command(sub, "demo", "see the whole of reptrack without a sensor: a demo store with weeks of simulated history, the "
                                 "dashboard on 127.0.0.1, a simulated session streaming live, then its report",
                    ["reptrack demo", "reptrack demo --speed 1 --port 8051", "reptrack demo --no-dashboard --speed max --plain"])
    d.add_argument("--speed", default="10", help="1 = real time, X = X times faster, max = at once (default 10: two sets in ~20 s)")
    d.add_argument("--plain", action="store_true", help="one line per rep instead of the live panel")
    d.add_argument("--db", type=Path, help="the demo's store (default: demo.db in your data directory; your own store is not touched)")
    d.add_argument("--dashboard", action=argparse.BooleanOptionalAction, default=True,
                   help="give the demo store weeks of simulated history and serve the dashboard on 127.0.0.1 until Ctrl-C "
                        "(default; --no-dashboard: the terminal only)")
    d.add_argument("--port", type=int, default=8050, help="the dashboard's port, with --dashboard (default 8050)")
    d.add_argument("--serve-s", type=float, help="with --dashboard: stop serving this many seconds after the session (default: at Ctrl-C)")
    d.set_defaults(handler=_demo)

    r = add_command(sub, "record", "record a session live into the store, from a sensor (--device) or a recording replayed (--source)", [
        "reptrack record --device sim --exercise clamshell --person zoe",
        "reptrack record --device 'BBC micro:bit [zotip]' --exercise hip-raise --person zoe",
        "reptrack record --source sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction --person zoe --speed 10",
        "reptrack record --source sample_data/side-lying-hip-abduction.csv --pelvis sample_data/side-lying-hip-abduction.pelvis.csv --exercise side-lying-hip-abduction --person zoe --plain",
    ], parents=[db])
    r.add_argument("--source", type=Path, help="a recording CSV to replay as a live sensor")
    r.add_argument("--exercise", required=True, help=EXERCISE_HELP)
    r.add_argument("--person", required=True, help="whose session this is (created when new)")
    r.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto")
    r.add_argument("--pelvis", type=Path, help="a second recording, from a sensor on the pelvis")
    r.add_argument("--speed", default="1", help="1 = real time, X = X times faster, max = as fast as possible (default 1)")
    r.add_argument("--hold-s", type=limited(HOLD), help="prescribed hold (default: the person's prescription)")
    r.add_argument("--load-kg", type=float, help="ankle weight, kg (default: the person's prescription)")
    r.add_argument("--plain", action="store_true", help="one line per rep instead of the live panel")
    r.add_argument("--device", help="the live sensor: its name or address (see 'reptrack scan'), 'sim' (the simulator) or "
                                    "'sim:FILE.csv' (a recording streamed as a sensor); with --source: the sensor's name, for its "
                                    "device calibration (default: replay:FILE)")
    r.add_argument("--pelvis-device", help="a second live sensor, on the pelvis (name, address, sim or sim:FILE.csv)")
    r.add_argument("--profile", type=Path, help="a sensor profile file (TOML) for a sensor reptrack does not know")
    r.add_argument("--give-up-s", type=limited(GIVE_UP), default=GIVE_UP_DEFAULT_S,
                   help=f"a lost sensor not back within this many seconds ends the session as interrupted (default {GIVE_UP_DEFAULT_S:g})")
    r.add_argument("--notify-mode", choices=NOTIFY_MODES, default=NOTIFY_MODES[0],
                   help="how BlueZ subscribes to notifications (default start-notify; acquire-notify if a sensor sends each twice)")
    r.add_argument("--sim-drop-out", action="append", default=[], metavar="AT:SECONDS",
                   help="simulated sensor: lose the link at AT s for SECONDS (repeatable), e.g. 20:3")
    r.add_argument("--rate-hz", type=limited(SAMPLE_RATE), help="sample rate, for a file without a 't' column")
    r.set_defaults(handler=_record)

    i = add_command(sub, "import", "import a recording CSV as a stored session (analysed like a live one)", [
        "reptrack import sample_data/side-lying-hip-abduction.csv --exercise side-lying-hip-abduction --person zoe",
        "reptrack import sample_data/side-lying-hip-abduction.csv --pelvis sample_data/side-lying-hip-abduction.pelvis.csv --exercise side-lying-hip-abduction --person zoe "
        "--hold-s 2 --load-kg 0.5 --started-at 2026-11-02T09:30",
    ], parents=[db])
    i.add_argument("file", type=Path, help="the recording CSV (format: sample_data/README.md)")
    i.add_argument("--exercise", required=True, help=EXERCISE_HELP)
    i.add_argument("--person", required=True, help="whose session this is (created when new)")
    i.add_argument("--placement", default="auto", help="thigh, shank, pelvis or auto (default: from the file, else the exercise)")
    i.add_argument("--pelvis", type=Path, help="a second, time-aligned recording from a sensor on the pelvis")
    i.add_argument("--hold-s", type=limited(HOLD), help="prescribed hold at the top, s (default: the person's prescription)")
    i.add_argument("--load-kg", type=float, help="ankle weight, kg (default: the person's prescription)")
    i.add_argument("--rate-hz", type=limited(SAMPLE_RATE), help="sample rate, for a file without a 't' column")
    i.add_argument("--device", help="the sensor's name, for its device calibration (default: replay:FILE)")
    i.add_argument("--started-at", help="when the recording was made, ISO 8601 (default: now; UTC unless a zone is given)")
    i.set_defaults(handler=_import)

    ls = add_command(sub, "sessions", "list stored sessions", ["reptrack sessions", "reptrack sessions --person zoe --json"], parents=[db])
    ls.add_argument("--person", help="only this person's")
    ls.add_argument("--json", action="store_true", help="print one JSON object")
    ls.set_defaults(handler=_sessions)

    sh = add_command(sub, "show", "the per-set, per-rep report of a stored session", ["reptrack show last", "reptrack show 12 --json"],
                     parents=[db])
    sh.add_argument("session", help="session id, or 'last'")
    sh.add_argument("--json", action="store_true", help="print one JSON object")
    sh.add_argument("--plot", type=Path, metavar="FILE",
                    help="also write the session's figure (angle, reps shaded, flagged reps marked) to FILE.html (opens offline) "
                         "or FILE.png (needs the kaleido package)")
    sh.set_defaults(handler=_show)

    ra = add_command(sub, "reanalyze", "run the analysis again from a session's stored raw samples",
                     ["reptrack reanalyze last --dry-run", "reptrack reanalyze 12"], parents=[db])
    ra.add_argument("session", help="session id, or 'last'")
    ra.add_argument("--dry-run", action="store_true", help="compare only; keep the stored results")
    ra.set_defaults(handler=_reanalyze)

    ex = add_command(sub, "export", "write a session's raw samples and reps as CSV and the whole session as JSON",
                     ["reptrack export last --out /tmp/session", "reptrack export 12 --out ~/for-my-therapist"], parents=[db])
    ex.add_argument("session", help="session id, or 'last'")
    ex.add_argument("--out", type=Path, required=True, help="output folder")
    ex.set_defaults(handler=_export)

    se = add_command(sub, "session", "delete a stored session (asks first; --yes to skip that)",
                     ["reptrack session delete 12", "reptrack session delete last --yes"])
    sesub = se.add_subparsers(dest="session_command", required=True)
    about = ("delete a session (a test session, a false start) with its raw samples, results, and the notes and pain and effort "
             "entered for it")
    sd = add_command(sesub, "delete", about, ["reptrack session delete 12", "reptrack session delete last --yes"], parents=[db])
    sd.add_argument("session", help="session id (see 'reptrack sessions'), or 'last'")
    sd.add_argument("--yes", action="store_true", help="do it without asking (needed when stdin is not a terminal)")
    sd.set_defaults(handler=_delete)


def _run_session(args: argparse.Namespace, file: Path, *, replay_speed: float, live_view: bool) -> int:
    from tracker.app.sessions import SessionRequest, open_replay
    from tracker.core.exercises import Exercise, parse_placement

    exercise = Exercise.parse(args.exercise)
    placement = parse_placement(args.placement)
    when = started_at(getattr(args, "started_at", None))
    replay = open_replay(file, pelvis=args.pelvis, rate_hz=args.rate_hz, speed=replay_speed, device=args.device)
    request = SessionRequest(args.person, exercise, placement, hold_s=args.hold_s, load_kg=args.load_kg, started_at=when,
                             device=args.device)
    return _stream_session(args, replay, request, live_view=live_view)


def _stream_session(args: argparse.Namespace, replay: ReplayFiles, request: SessionRequest, *, live_view: bool) -> int:
    """Record ``replay`` into the store (``args.db``) as ``request`` asks, with the live view
    (``live_view``) or quietly; print the summary. ``record``, ``import`` and ``demo`` alike."""
    import asyncio
    import signal

    from tracker.app.recorder import SessionRecorder
    from tracker.app.sessions import plan_session
    from tracker.cli.render import print_warnings
    from tracker.terminal.live_panel import PlainView, RichView

    exercise = request.exercise
    with open_store(args) as store:
        planned = plan_session(store, replay.source.info, request)
        print_warnings(replay.warnings + planned.warnings)  # the data is usable: say what was wrong with it
        for line in planned.calibration.describe():
            print(f"using {line}")
        view: PlainView | RichView | None = None
        if live_view:
            title = f"{planned.plan.person} · {exercise.definition.title}"
            view = RichView(title) if sys.stdout.isatty() and not args.plain else PlainView()
        rec = SessionRecorder(store, replay.source, planned.plan,
                              on_warning=(lambda w: print_warnings([w])) if view is None else view.warn,
                              on_update=None if view is None else view.update)
        ended_by: list[str] = []

        def end_session(name: str) -> None:
            ended_by.append(name)
            rec.stop()

        async def run() -> None:
            if live_view:
                # Ctrl-C, closing the terminal or a polite kill: the person ended the session
                loop = asyncio.get_running_loop()
                for sig, name in ((signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM"),
                                  (getattr(signal, "SIGHUP", None), "the terminal closed")):
                    if sig is not None:
                        try:
                            loop.add_signal_handler(sig, end_session, name)
                        except (NotImplementedError, RuntimeError, ValueError):
                            pass
            await rec.run()

        try:
            if view is not None:
                with view:
                    asyncio.run(run())
            else:
                asyncio.run(run())
        except KeyboardInterrupt:
            # cut short (an import, or a session before it began listening): no complete session
            raise Interrupted(f"session {rec.session_id} is stored as 'interrupted' with what was read so far") from None
        if ended_by:
            # how a live session ends: its job is done (exit 0), and it is kept whole
            print(f"reptrack: session {rec.session_id} ended ({ended_by[0]}): stored as complete", file=sys.stderr)
        info = store.session(rec.session_id)
        # the summary goes where it is read: stdout, or stderr once the reader of stdout went away
        out = sys.stderr if isinstance(view, PlainView) and view.closed else sys.stdout
        print(f"session {info.id} {info.status.value}: {info.rep_count} reps in {info.set_count} "
              f"set{'s' if info.set_count != 1 else ''}, {info.sample_count} samples stored in {store.path}", file=out)
        print(f"report: reptrack show {info.id}" + (f" --db {args.db}" if args.db else ""), file=out)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from tracker.app.demo import open_demo
    from tracker.app.sessions import show_session
    from tracker.store import demo_store_path

    if args.db is None:
        args.db = demo_store_path()
    replay, request = open_demo(speed(args.speed))
    server = None
    if args.dashboard:
        from tracker.cli.common import EXIT_USAGE
        from tracker.cli.dashboard import start_demo_dashboard

        server = start_demo_dashboard(args.db, args.port)
        if server is None:
            return EXIT_USAGE
    print(f"reptrack demo: a simulated person, {request.person!r}, does two sets of {request.exercise.definition.title.lower()}s "
          f"(thigh and pelvis sensors, simulated); the demo store is {args.db}")
    _stream_session(args, replay, request, live_view=True)
    with open_store(args, read_only=True) as store:
        report = show_session(store, None)
    print()
    print(_report_text(report))
    print()
    print("your own sessions go to your own store: reptrack record --help, reptrack import --help")
    if server is not None:
        from tracker.cli.dashboard import serve_until

        serve_until(server, args.serve_s)
    return 0


def _record(args: argparse.Namespace) -> int:
    from tracker.errors import InvalidValueError

    if args.source is not None:
        for option in ("pelvis_device", "profile"):
            if getattr(args, option) is not None:
                raise InvalidValueError(option, "is for a live sensor (--device), not a replayed --source")
        return _run_session(args, args.source, replay_speed=speed(args.speed), live_view=True)
    if args.device is None:
        raise InvalidValueError("device", "or --source is needed: a sensor (e.g. --device sim) or a recording (--source FILE)")
    if args.pelvis is not None:
        raise InvalidValueError("pelvis", "is a recording to replay with --source; a live pelvis sensor is --pelvis-device")
    return _run_live(args)


def _drop_outs(texts: list[str]):  # type: ignore[no-untyped-def]
    from tracker.errors import InvalidValueError
    from tracker.sensors.sim import DropOut

    out = []
    for text in texts:
        try:
            at, dur = (float(x) for x in text.split(":", 1))
        except ValueError:
            at = dur = math.nan
        if not (0 <= at < 1e6 and 0 < dur < 1e6):
            raise InvalidValueError("sim_drop_out", f"is AT:SECONDS, e.g. 20:3, not {text!r}")
        out.append(DropOut(at, dur))
    return tuple(out)


def _run_live(args: argparse.Namespace) -> int:
    """``record --device``: a live (or simulated) sensor through the recorder, the engine, the store and the live view."""
    import asyncio
    import signal

    from tracker.app.live import LiveRequest, is_simulated, open_live
    from tracker.app.recorder import SessionRecorder
    from tracker.app.sessions import SessionRequest, plan_session
    from tracker.cli.render import print_warnings
    from tracker.core.exercises import Exercise, parse_placement
    from tracker.errors import InvalidValueError, SensorError
    from tracker.sensors.ble import NotifyMode
    from tracker.terminal.live_panel import PlainView, RichView

    exercise = Exercise.parse(args.exercise)
    placement = parse_placement(args.placement)
    simulated = is_simulated(args.device.strip())
    drop_outs = _drop_outs(args.sim_drop_out)
    if drop_outs and not simulated:
        raise InvalidValueError("sim_drop_out", "is for a simulated sensor (--device sim or sim:FILE.csv)")
    live = LiveRequest(args.device, pelvis_device=args.pelvis_device, profile=args.profile, give_up_s=args.give_up_s,
                       notify_mode=NotifyMode(args.notify_mode), speed=speed(args.speed), drop_outs=drop_outs)
    request = SessionRequest(args.person, exercise, placement, hold_s=args.hold_s, load_kg=args.load_kg)
    ended_by: list[str] = []
    session: list[int] = []

    with open_store(args) as store:
        async def run() -> object:
            source = await open_live(live, exercise)
            planned = plan_session(store, source.info, request)
            for line in planned.calibration.describe():
                print(f"using {line}")
            title = f"{planned.plan.person} · {exercise.definition.title}"
            view = RichView(title) if sys.stdout.isatty() and not args.plain else PlainView()
            source.on_status = view.link
            rec = SessionRecorder(store, source, planned.plan, on_warning=view.warn, on_update=view.update)
            session.append(rec.session_id)

            def end_session(name: str) -> None:
                ended_by.append(name)
                rec.stop()

            loop = asyncio.get_running_loop()
            for sig, name in ((signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM"), (getattr(signal, "SIGHUP", None), "the terminal closed")):
                if sig is not None:
                    try:
                        loop.add_signal_handler(sig, end_session, name)
                    except (NotImplementedError, RuntimeError, ValueError):
                        pass
            try:
                with view:
                    await rec.run()
            finally:
                print_warnings(source.summary())
            return view

        try:
            view = asyncio.run(run())
        except KeyboardInterrupt:
            if not session:
                raise Interrupted("no session was started") from None
            raise Interrupted(f"session {session[0]} is stored as 'interrupted' with what was read so far") from None
        except SensorError as exc:
            if not session:
                raise
            info = store.session(session[0])
            raise SensorError(f"{exc} (session {info.id}: {info.rep_count} reps, {info.sample_count} samples stored)") from None
        if ended_by:
            print(f"reptrack: session {session[0]} ended ({ended_by[0]}): stored as complete", file=sys.stderr)
        info = store.session(session[0])
        out = sys.stderr if isinstance(view, PlainView) and view.closed else sys.stdout
        print(f"session {info.id} {info.status.value}: {info.rep_count} reps in {info.set_count} "
              f"set{'s' if info.set_count != 1 else ''}, {info.sample_count} samples stored in {store.path}", file=out)
        print(f"report: reptrack show {info.id}" + (f" --db {args.db}" if args.db else ""), file=out)
    return 0


def _import(args: argparse.Namespace) -> int:
    import math

    args.plain = True
    return _run_session(args, args.file, replay_speed=math.inf, live_view=False)


def _sessions(args: argparse.Namespace) -> int:
    from tracker.app.sessions import list_sessions

    with open_store(args, read_only=True) as store:
        sessions = list_sessions(store, person=args.person)
    if args.json:
        print(json.dumps([x.to_json() for x in sessions]))
        return 0
    if not sessions:
        print("no sessions" + (f" for {args.person}" if args.person else ""))
        return 0
    print(f"{'id':>4}  {'person':<16} {'exercise':<26} {'started (UTC)':<20} {'status':<12} {'reps':>5} {'sets':>4} {'samples':>8}")
    for x in sessions:
        print(f"{x.id:>4}  {x.person[:16]:<16} {x.exercise.value[:26]:<26} {x.started_at[:19].replace('T', ' '):<20} "
              f"{x.status.value:<12} {x.rep_count:>5} {x.set_count:>4} {x.sample_count:>8}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from tracker.app.sessions import show_session
    from tracker.cli.render import print_warnings

    ref = session_ref(args.session)
    plot = getattr(args, "plot", None)
    if plot is not None:
        _check_plot_target(plot)
    with open_store(args, read_only=True) as store:
        report = show_session(store, ref)
        if plot is not None:
            from tracker.app.traces import session_trace

            trace = session_trace(store, report.info.id)
    print_warnings(report.result.warnings)  # also in the JSON
    if plot is not None:
        _write_plot(plot, report, trace)
    print(json.dumps(_report_json(report)) if args.json else _report_text(report))
    return 0


def _check_plot_target(path: Path) -> None:
    """Refuse, before any work, a figure file that cannot be written."""
    from tracker.errors import InvalidValueError

    suffix = path.suffix.lower()
    if suffix not in (".html", ".png"):
        raise InvalidValueError("plot", f"is a .html or .png file, not {str(path)!r}")
    if suffix == ".png":
        try:
            import kaleido  # noqa: F401
        except ImportError:
            raise InvalidValueError("plot", "writes PNG only with the kaleido package installed (pip install kaleido); "
                                            f"write {path.with_suffix('.html')} instead") from None


def _write_plot(path: Path, report: SessionReport, trace: object) -> None:
    from dashboard.figures import session_figure

    info = report.info
    fig = session_figure(trace, report.result.reps,  # type: ignore[arg-type]
                         title=f"Session {info.id} · {info.person} · {info.exercise.definition.title} · {info.started_at[:16].replace('T', ' ')} UTC")
    if path.suffix.lower() == ".png":
        fig.write_image(str(path), width=1400, height=500, scale=1)
    else:
        fig.write_html(str(path), include_plotlyjs=True, full_html=True, config={"displaylogo": False})
    print(f"figure written to {path}", file=sys.stderr)


def _report_json(report: SessionReport) -> dict[str, object]:
    from tracker.pipeline.result_json import result_to_json

    out = report.info.to_json()
    out.update(result_to_json(report.result))
    out["notes"] = [{"text": n.text, "therapist": n.therapist, "created_at": n.created_at} for n in report.notes]
    out["entries"] = [{"kind": e.kind.value, "value": e.value, "note": e.note, "created_at": e.created_at} for e in report.entries]
    return out


def _report_text(report: SessionReport) -> str:
    from tracker.cli.render import format_report
    from tracker.core.progression import EntryKind
    from tracker.store import SessionStatus

    info = report.info
    load = f", ankle weight {info.load_kg:g} kg" if info.load_kg else ""
    lines = [f"Session {info.id} — {info.person}, {info.started_at[:16].replace('T', ' ')} UTC, {info.status.value}{load}"]
    if info.status is SessionStatus.INTERRUPTED:
        lines.append("(the recording stopped unexpectedly; everything up to its last saved second is here)")
    lines.append(format_report(report.result))
    check = report.prescription
    if check is not None:
        presc = check.prescription
        done = "/".join(str(n) for n in check.set_reps) or "no set"
        hold = f", hold {presc.hold_s:g} s" if presc.hold_s else ""
        rests = check.rests_s
        lines.append(
            f"Prescribed: {presc.sets} sets of {presc.reps_min}-{presc.reps_max} reps{hold}, {presc.rest_min_s:g}-{presc.rest_max_s:g} s "
            f"rest, {presc.load_kg:g} kg. Done: {done} reps"
            + (f"; rests {', '.join(f'{r:.0f} s' for r in rests)}" + (f" ({check.rests_outside} outside the range)"
                                                                   if check.rests_outside else "") if rests else "")
            + ("" if check.load_kg is None else f"; with {check.load_kg:g} kg"))
    for c in report.calibrations:
        lines.append(f"calibration used: {c.kind.value} ({c.created_at[:10]}): {c.quality}")
    for e in report.entries:
        lines.append(f"{'pain' if e.kind is EntryKind.PAIN else 'effort (RPE)'} {e.value}/10" + (f": {e.note}" if e.note else ""))
    for n in report.notes:
        lines.append(f"note{f' by {n.therapist}' if n.therapist else ''} ({n.created_at[:10]}): {n.text}")
    return "\n".join(lines)


def _reanalyze(args: argparse.Namespace) -> int:
    from tracker.app.sessions import reanalyse_session

    ref = session_ref(args.session)
    with open_store(args, create=False, read_only=args.dry_run) as store:
        r = reanalyse_session(store, ref, write=not args.dry_run)
    if r.identical:
        print(f"session {r.session_id}: reanalysed from its raw samples — identical results ({r.new_rep_count} reps)")
    else:
        verb = "would change" if args.dry_run else "updated"
        print(f"session {r.session_id}: {verb}: {r.old_rep_count} -> {r.new_rep_count} reps, {r.changed_reps} reps differ")
    return 0


def _export(args: argparse.Namespace) -> int:
    from tracker.app.sessions import export_session

    ref = session_ref(args.session)
    with open_store(args, read_only=True) as store:
        written = export_session(store, ref, args.out)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def _delete(args: argparse.Namespace) -> int:
    from tracker.app.sessions import delete_session, session_footprint
    from tracker.cli.confirm import confirmed, counted, listed, size

    ref = session_ref(args.session)
    with open_store(args, create=False) as store:
        has = session_footprint(store, ref)
        info = has.info
        what = [f"{info.person}, {info.exercise.value}, {info.started_at[:16].replace('T', ' ')} UTC",
                counted(info.rep_count, "rep"), f"{size(has.sample_bytes)} of raw samples"]
        if has.notes:
            what.append(counted(has.notes, "note"))
        if has.entries:
            what.append(counted(has.entries, "pain/effort entry", "pain/effort entries"))
        described = f"session {info.id} ({listed(what)})"
        if not confirmed(f"delete {described}?", yes=args.yes, command="session delete"):
            print("nothing changed")
            return 1
        delete_session(store, info.id)
    print(f"deleted {described}")
    return 0
