"""Dashboard commands: ``dashboard`` (serve it) and ``user add`` (its accounts)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker.cli.common import EXIT_USAGE, open_store
from tracker.errors import ConfigurationError

#: where the dashboard listens unless told: this computer only, no login
LOCAL_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: addresses that reach only this computer: no accounts needed there
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    d = sub.add_parser("dashboard", parents=[db], help="serve the dashboard (live count, history, session reports) in a browser",
                       epilog="example: reptrack dashboard, then open http://127.0.0.1:8050")
    d.add_argument("--host", default=LOCAL_HOST,
                   help=f"address to listen on (default {LOCAL_HOST}: this computer only, no login; any other needs accounts, "
                        "see 'reptrack user add')")
    d.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    d.set_defaults(handler=_dashboard)

    dm = sub.add_parser("demo", help="the whole product without a sensor: a demo store of simulated history, a simulated "
                                     "session streaming live, and the dashboard", epilog="example: reptrack demo")
    dm.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the dashboard's port (default {DEFAULT_PORT})")
    dm.add_argument("--speed", default="1", help="the live session's replay speed: 1 = real time (default), X = X times faster, max")
    dm.add_argument("--serve-s", type=float, default=None,
                    help="stop the dashboard this many seconds after the live session (default: when you press Ctrl-C)")
    dm.set_defaults(handler=_demo)

    u = sub.add_parser("user", help="dashboard accounts (needed to serve the dashboard beyond this computer)")
    usub = u.add_subparsers(dest="user_command", required=True)
    about = ("add a dashboard account: a therapist sees the people on their list (prescribe --therapist NAME), a patient only "
             "their own data (NAME is the person's name)")
    ua = usub.add_parser("add", parents=[db], help=about, description=about,
                         epilog="example: reptrack user add 'Dr Lee' --role therapist")
    ua.add_argument("name")
    ua.add_argument("--role", required=True, choices=["therapist", "patient"])
    ua.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin (no prompt)")
    ua.set_defaults(handler=_user_add)


def _user_add(args: argparse.Namespace) -> int:
    from tracker.app.accounts import Role, add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        if not sys.stdin.isatty():
            raise ConfigurationError("the password is asked for on a terminal; without one, give it with --password-stdin")
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ConfigurationError("the two passwords differ; nothing changed")
    with open_store(args, create=False) as store:
        viewer = add_user(store, args.name, Role(args.role), password)
    tied = f"sees {viewer.therapist}'s patients" if viewer.therapist else "sees their own data"
    print(f"account {viewer.name} ({viewer.role.value}) added: {tied}")
    return 0


def _dashboard(args: argparse.Namespace) -> int:

    from tracker.store import default_store_path

    path: Path = args.db if args.db is not None else default_store_path()
    if not 0 < args.port < 65536:
        raise ConfigurationError(f"--port is 1-65535, not {args.port}")
    local = args.host in LOOPBACK
    if not local:
        from tracker.app.accounts import has_accounts
        from tracker.errors import StoreError

        try:
            with open_store(args, read_only=True) as store:
                ok = has_accounts(store)
        except StoreError as exc:
            raise ConfigurationError(f"--host {args.host} needs accounts, and the store cannot say it has any: {exc}") from None
        if not ok:
            raise ConfigurationError(f"--host {args.host} serves beyond this computer, which needs accounts: add one with "
                                     "'reptrack user add NAME --role therapist' (or serve on 127.0.0.1)")
    if not _port_free(args.host, args.port):
        return EXIT_USAGE
    from dashboard.server import serve

    print(f"reptrack dashboard: http://{args.host if ':' not in args.host else f'[{args.host}]'}:{args.port}/  "
          f"(store {path}{'' if local else '; sign-in required'}; Ctrl-C stops it)", flush=True)
    serve(path, host=args.host, port=args.port, accounts=not local)
    return 0


def _port_free(host: str, port: int) -> bool:
    """Whether the dashboard can listen there; says why not in one line (before the app is built:
    a port in use is one line, not a server's traceback)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            print(f"reptrack: error: cannot listen on {host}:{port}: {exc.strerror or exc} "
                  f"(another dashboard running? try --port {port + 1})", file=sys.stderr)
            return False
    return True


def _demo(args: argparse.Namespace) -> int:
    import threading
    import time

    from tracker.app.demo import EXERCISE, build_demo_store
    from tracker.cli.common import speed
    from tracker.cli.main import main as reptrack

    speed(args.speed)  # refused before anything is built
    if not 0 < args.port < 65536:
        raise ConfigurationError(f"--port is 1-65535, not {args.port}")
    if not _port_free(LOCAL_HOST, args.port):
        return EXIT_USAGE
    print("building a demo store: three weeks of simulated sessions for two people (your own store is not touched) ...", flush=True)
    demo = build_demo_store()
    from dashboard.server import start

    server = start(demo.path, host=LOCAL_HOST, port=args.port)
    threading.Thread(target=server.serve_forever, name="dashboard", daemon=True).start()
    url = f"http://{LOCAL_HOST}:{args.port}/"
    print(f"demo store: {demo.path} ({demo.sessions} sessions, all simulated)")
    print(f"dashboard: {url}   (live count: {url}live)", flush=True)
    argv = ["record", "--source", str(demo.live_recording), "--exercise", EXERCISE.value, "--person", demo.person,
            "--speed", args.speed, "--db", str(demo.path)]
    if demo.live_pelvis is not None:
        argv += ["--pelvis", str(demo.live_pelvis)]
    try:
        code = reptrack(argv)
        if code:
            return code
        print(f"the live session is over; the dashboard is still at {url}" +
              (" (Ctrl-C stops it)" if args.serve_s is None else f" for {args.serve_s:g} s"), flush=True)
        if args.serve_s is None:
            while True:
                time.sleep(3600)
        time.sleep(max(0.0, args.serve_s))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
