"""Dashboard commands: ``dashboard`` (serve it) and ``user add`` (its accounts)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.common import EXIT_USAGE, add_command, open_store
from tracker.errors import ConfigurationError

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

#: where the dashboard listens unless told: this computer only, no login
LOCAL_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
#: addresses that reach only this computer: no accounts needed there
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    d = add_command(sub, "dashboard", "serve the dashboard (live count, history, session reports, therapist overview) in a browser",
                    ["reptrack dashboard", "reptrack dashboard --port 8051 --db ~/backup/reptrack.db",
                     "reptrack dashboard --host 0.0.0.0"], parents=[db])
    d.add_argument("--host", default=LOCAL_HOST,
                   help=f"address to listen on (default {LOCAL_HOST}: this computer only, no login; any other needs accounts, "
                        "see 'reptrack user add')")
    d.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    d.set_defaults(handler=_dashboard)

    u = add_command(sub, "user", "dashboard accounts (needed to serve the dashboard beyond this computer)",
                    ["reptrack user add 'Dr Lee' --role therapist"])
    usub = u.add_subparsers(dest="user_command", required=True)
    about = ("add a dashboard account: a therapist sees the people on their list (prescribe --therapist NAME), a patient only "
             "their own data (NAME is the person's name)")
    ua = add_command(usub, "add", about, ["reptrack user add 'Dr Lee' --role therapist", "reptrack user add zoe --role patient"],
                     parents=[db])
    ua.add_argument("name", help="the account's name: the therapist's name, or the person's (as 'reptrack patients' lists them)")
    ua.add_argument("--role", required=True, choices=["therapist", "patient"],
                    help="therapist: sees their own people and writes notes; patient: sees their own data")
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


def start_demo_dashboard(db: Path, port: int) -> BaseWSGIServer | None:
    """For ``reptrack demo --dashboard``: the demo's history in its store, and the dashboard
    serving it on 127.0.0.1:``port`` in a background thread (``None``, said in one line, when the
    port is taken)."""
    import threading

    from tracker.app.demo import HISTORY_WEEKS, add_demo_history
    from tracker.store import OpenMode, Store

    if not 0 < port < 65536:
        raise ConfigurationError(f"--port is 1-65535, not {port}")
    if not _port_free(LOCAL_HOST, port):
        return None
    print(f"reptrack demo: adding {HISTORY_WEEKS} weeks of simulated history for the dashboard (once per demo store) ...", flush=True)
    with Store.open(db, mode=OpenMode.WRITE) as store:
        add_demo_history(store)
    from dashboard.server import start

    server = start(db, host=LOCAL_HOST, port=port)
    threading.Thread(target=server.serve_forever, name="dashboard", daemon=True).start()
    url = f"http://{LOCAL_HOST}:{port}/"
    print(f"reptrack demo: the dashboard is at {url}  (the live count: {url}live)", flush=True)
    return server


def serve_until(server: BaseWSGIServer, serve_s: float | None) -> None:
    """Keep the demo's dashboard up: ``serve_s`` seconds more, or (``None``) until Ctrl-C."""
    import time

    url = f"http://{LOCAL_HOST}:{server.server_port}/"
    print(f"reptrack demo: the dashboard is still at {url}" + (" (Ctrl-C stops it)" if serve_s is None else f" for {serve_s:g} s"),
          flush=True)
    try:
        if serve_s is None:
            while True:
                time.sleep(3600)
        time.sleep(max(0.0, serve_s))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
