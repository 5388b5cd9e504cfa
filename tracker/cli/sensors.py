"""Sensor commands: ``scan``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tracker.app.limits import SCAN_TIME
from tracker.cli.common import Interrupted, add_command, limited


def register(sub: argparse._SubParsersAction, db: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    s = add_command(sub, "scan", "list the Bluetooth sensors in range and the profile that recognises each (unknown ones too)",
                    ["reptrack scan", "reptrack scan --timeout 8 --json", "reptrack scan --profile my-sensor.toml"])
    s.add_argument("--timeout", type=limited(SCAN_TIME), default=5.0, help="how long to listen, s (default 5)")
    s.add_argument("--profile", type=Path, help="a sensor profile file (TOML): sensors it describes are recognised too")
    s.add_argument("--json", action="store_true", help="print one JSON array")
    s.set_defaults(handler=_scan)


def _scan(args: argparse.Namespace) -> int:
    import asyncio

    from tracker.app.live import scan_sensors

    try:
        found = asyncio.run(scan_sensors(args.timeout, profile=args.profile))
    except KeyboardInterrupt:
        raise Interrupted("scan stopped") from None
    if args.json:
        print(json.dumps([{"name": s.name, "address": s.address, "rssi_dbm": s.rssi_dbm,
                           "profile": None if s.profile is None else s.profile.kind} for s in found]))
        return 0
    if not found:
        print(f"no Bluetooth devices heard in {args.timeout:g} s: are the sensors switched on and not connected to a phone?")
        return 0
    print(f"{'name':<28} {'address':<18} {'signal':>7}  profile")
    for s in found:
        rssi = "" if s.rssi_dbm is None else f"{s.rssi_dbm} dBm"
        kind = s.profile.kind if s.profile is not None else "unknown (give --profile FILE to use it)"
        print(f"{(s.name or '?')[:28]:<28} {s.address:<18} {rssi:>7}  {kind}")
    known = sum(1 for s in found if s.profile is not None)
    print(f"{known} sensor{'s' if known != 1 else ''} reptrack knows; record with: reptrack record --device NAME_OR_ADDRESS ...")
    return 0
