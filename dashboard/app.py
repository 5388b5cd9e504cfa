"""The Dash app: Dash Pages (one module per page under :mod:`dashboard.pages`), the shared
frame with its navigation, accounts when served beyond this computer, the export routes.

One app per process (Dash keeps its page registry and callbacks per process).
"""

from __future__ import annotations

import logging
from pathlib import Path

import dash
from dash import Dash, dcc, html

from dashboard import auth, exports
from dashboard.context import ACCOUNTS_KEY, DB_KEY

HERE = Path(__file__).resolve().parent


def _shell() -> html.Div:
    nav = html.Nav([
        dcc.Link("reptrack", href="/", className="brand"),
        html.Div([dcc.Link("Overview", href="/", className="nav-link"), dcc.Link("Live", href="/live", className="nav-link")],
                 className="nav-links"),
    ], className="nav")
    return html.Div([nav, html.Main(dash.page_container, className="main")], className="shell")


_APP: Dash | None = None


def create_app(db: Path, *, accounts: bool = False) -> Dash:
    """The dashboard over the store at ``db``; ``accounts``: every request needs a signed-in account.

    Dash keeps its pages and callbacks per process, so there is one app per process: a second
    call points the same app at ``db`` (the tests do that).
    """
    global _APP
    if _APP is None:
        app = Dash("dashboard", use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
                   title="reptrack", update_title=None,  # type: ignore[arg-type]  # None: the tab keeps its title while updating
                   suppress_callback_exceptions=True,
                   meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
        app.layout = _shell
        auth.install(app.server)  # its guard lets everything through unless accounts are required
        exports.install(app.server)
        app.server.register_error_handler(Exception, _one_line)
        _APP = app
    _APP.server.config[DB_KEY] = str(db)
    _APP.server.config[ACCOUNTS_KEY] = accounts
    return _APP


def _one_line(exc: Exception) -> tuple[str, int]:
    """An error no page caught: one line in the log, a plain 500 (or the HTTP error it is)."""
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return exc.description or exc.name, exc.code or 500
    logging.getLogger("reptrack.dashboard").error("dashboard: %s: %s", type(exc).__name__, exc)
    return "Something went wrong; the log says why.", 500
