"""``reptrack dashboard``'s composition root: build the app and serve it (threaded, quiet logs)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer


def start(db: Path, *, host: str, port: int, accounts: bool = False) -> BaseWSGIServer:
    """The dashboard's HTTP server, bound and ready (call ``serve_forever``, then ``server_close``)."""
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    # a line per request would bury what matters; errors are logged by the pages, one line each
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    app = create_app(db, accounts=accounts)
    return make_server(host, port, app.server, threaded=True)


def serve(db: Path, *, host: str, port: int, accounts: bool) -> None:
    """Serve the dashboard until Ctrl-C."""
    server = start(db, host=host, port=port, accounts=accounts)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
