"""Store commands: ``store upgrade``."""

from __future__ import annotations

import argparse

from tracker.cli.common import open_store


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    st = sub.add_parser("store", help="the store itself: upgrade it to this reptrack's schema")
    stsub = st.add_subparsers(dest="store_command", required=True)
    up = stsub.add_parser(
        "upgrade", parents=[db], help="bring a store made by an older reptrack up to date (reading commands never change a store)",
        epilog="example: reptrack store upgrade --db ~/backup/reptrack.db")
    up.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    with open_store(args, create=False) as store:
        before, now = store.upgraded_from, store.schema_version
    if before is None:
        print(f"{store.path}: up to date (schema {now})")
    else:
        print(f"{store.path}: upgraded from schema {before} to {now}")
    return 0
