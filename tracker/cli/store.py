"""Store commands: ``store upgrade``."""

from __future__ import annotations

import argparse

from tracker.cli.common import add_command, open_store


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    st = add_command(sub, "store", "the store itself: upgrade it to this reptrack's schema",
                     ["reptrack store upgrade", "reptrack store upgrade --db ~/backup/reptrack.db"])
    stsub = st.add_subparsers(dest="store_command", required=True)
    up = add_command(stsub, "upgrade", "bring a store made by an older reptrack up to date (reading commands never change a store)",
                     ["reptrack store upgrade", "reptrack store upgrade --db ~/backup/reptrack.db"], parents=[db])
    up.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    with open_store(args, create=False) as store:
        before, now = store.upgraded_from, store.schema_version
    if before is None:
        print(f"{store.path}: up to date (schema {now})")
    else:
        print(f"{store.path}: upgraded from schema {before} to {now}")
    return 0
