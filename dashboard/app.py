"""The Dash app: Dash Pages (one module per page under :mod:`dashboard.pages`), the shared
frame with its navigation, accounts when served beyond this computer, the export routes.

One app per process (Dash keeps its page registry and callbacks per process).
"""

from __future__ import annotations

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


def create_app(db: Path, *, accounts: bool = False) -> Dash:
    """The dashboard over the store at ``db``; ``accounts``: every request needs a signed-in account."""
    app = Dash("dashboard", use_pages=True, pages_folder=str(HERE / "pages"), assets_folder=str(HERE / "assets"),
               title="reptrack", update_title=None, suppress_callback_exceptions=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}])
    app.server.config[DB_KEY] = str(db)
    app.server.config[ACCOUNTS_KEY] = accounts
    app.layout = _shell
    if accounts:
        auth.install(app.server)
    else:
        app.server.secret_key = b"local"  # no session is ever kept without accounts
    exports.install(app.server)
    return app
