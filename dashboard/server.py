"""``reptrack dashboard``'s composition root: build the app and serve it (threaded, quiet logs)."""

from __future__ import annotations

import logging
from pathlib import Path


def serve(db: Path, *, host: str, port: int, accounts: bool) -> None:
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    # a line per request would bury what matters; errors are logged by the pages, one line each
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    app = create_app(db, accounts=accounts)
    server = make_server(host, port, app.server, threaded=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
