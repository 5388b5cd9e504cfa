"""What a request needs: the store (opened read-only for the request, closed after it), the
viewer (the local user, or the signed-in account), and the translation of errors into a page
that says what is wrong -- never a traceback, in the browser or in the log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import flask

from tracker.app.accounts import LOCAL_VIEWER, Viewer, account
from tracker.errors import AccessDeniedError, NotFoundError, ReptrackError
from tracker.store import OpenMode, Store

log = logging.getLogger("reptrack.dashboard")

#: the Flask config keys the server sets
DB_KEY = "REPTRACK_DB"
ACCOUNTS_KEY = "REPTRACK_ACCOUNTS"


def store_path() -> Path:
    return Path(flask.current_app.config[DB_KEY])


def accounts_required() -> bool:
    return bool(flask.current_app.config.get(ACCOUNTS_KEY))


@contextmanager
def reading() -> Iterator[Store]:
    """The store, read-only, for one request (SQLite connections are cheap; one per request is
    safe across the server's threads and always sees what ``reptrack record`` committed)."""
    store = Store.open(store_path(), mode=OpenMode.READ)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def writing() -> Iterator[Store]:
    """The store opened to write, only for the moment a note is saved."""
    store = Store.open(store_path(), mode=OpenMode.WRITE, create=False)
    try:
        yield store
    finally:
        store.close()


def current_viewer(store: Store) -> Viewer:
    """The local user, or the signed-in account as the store has it now.

    Raises :class:`AccessDeniedError` when accounts are required and nobody (valid) is signed in.
    """
    if not accounts_required():
        return LOCAL_VIEWER
    from flask_login import current_user

    name = getattr(current_user, "id", None) if current_user.is_authenticated else None
    viewer = account(store, name) if name else None
    if viewer is None:
        raise AccessDeniedError("sign in first")
    return viewer


class Refusal(Exception):
    """A page that cannot be shown: its title, its explanation and the HTTP status it stands for."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def refusal(exc: Exception) -> Refusal:
    """The page an error becomes: what is wrong in words (the store's message names the file)."""
    if isinstance(exc, AccessDeniedError):
        return Refusal(403, "Not yours to see", "This page belongs to someone else's care. Sign in as the right person, "
                                                 "or go back to your overview.")
    if isinstance(exc, NotFoundError):
        return Refusal(404, "Not found", str(exc))
    text = str(exc)
    if "no store there yet" in text:
        return Refusal(503, "No data yet", f"{text}. Record a session ('reptrack record') and this page fills in.")
    if "newer reptrack" in text:
        return Refusal(503, "Store from a newer reptrack", f"{text}. Update reptrack to read it.")
    if text.startswith("no sessions"):
        return Refusal(404, "No sessions yet", text)
    if "older reptrack" in text:
        return Refusal(503, "Store needs an upgrade", text)
    return Refusal(400, "Cannot show this", text)


P = ParamSpec("P")
R = TypeVar("R")


def guarded(render_refusal: Callable[[Refusal], Any]) -> Callable[[Callable[P, R]], Callable[P, R | Any]]:
    """Run a page's layout or a callback; a reptrack error becomes ``render_refusal(refusal)``,
    and anything else a one-line log entry and a generic refusal (no traceback anywhere)."""

    def deco(fn: Callable[P, R]) -> Callable[P, R | Any]:
        @wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R | Any:
            try:
                return fn(*args, **kwargs)
            except ReptrackError as exc:
                return render_refusal(refusal(exc))
            except Refusal as r:
                return render_refusal(r)
            except Exception as exc:  # a bug: one line in the log, a calm page in the browser
                if type(exc).__name__ == "PreventUpdate":
                    raise
                log.error("dashboard: %s in %s: %s", type(exc).__name__, fn.__name__, exc)
                return render_refusal(Refusal(500, "Something went wrong", "This page could not be built; the log says why."))
        return run
    return deco
