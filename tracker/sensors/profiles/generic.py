"""A sensor without code: its profile declared in a TOML file (``--profile FILE``).

Example::

    name = "My IMU"                 # what a person calls it
    kind = "my-imu"                 # stored with each session
    service = "6e400001-b5a3-f393-e0a9-e50e24dcca9e"
    notify = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"
    sample_rate_hz = 50
    name_prefixes = ["MyIMU"]       # optional: advertised names that recognise it

    [[start]]                       # optional, written in order after notifications start
    char = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"
    bytes = "01 32"
    with_response = false           # optional, default true

    [frame]
    header = "AA"                   # optional: bytes every notification starts with
    format = "<hhh"                 # one sample, Python struct codes (little-endian '<' or big '>')
    accel = [0, 1, 2]               # fields holding x, y, z
    accel_scale_g = 0.001           # field value x scale = g
    gyro = [3, 4, 5]                # optional
    gyro_scale_dps = 0.01
    timestamp = 6                   # optional: a field holding the sensor's clock
    timestamp_scale_s = 0.001

A notification holds one or more whole samples after the header.
"""

from __future__ import annotations

import re
import struct
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tracker.core.recording import SAMPLE_RATE
from tracker.errors import PacketError, PacketFault, ProfileError
from tracker.sensors.profiles.base import Command, Samples, SensorProfile

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHORT_UUID = re.compile(r"^[0-9a-f]{4}$")
#: integer and float struct codes a sample field may use
_FIELD_CODES = set("bBhHiIlLqQefd")


@dataclass(frozen=True)
class FrameLayout:
    header: bytes
    format: struct.Struct
    accel: tuple[int, int, int]
    accel_scale_g: float
    gyro: tuple[int, int, int] | None = None
    gyro_scale_dps: float = 1.0
    timestamp: int | None = None
    timestamp_scale_s: float = 1.0


class LayoutDecoder:
    """Decodes notifications of whole samples laid out as a :class:`FrameLayout` says."""

    def __init__(self, layout: FrameLayout) -> None:
        self._l = layout

    def decode(self, packet: bytes) -> Samples:
        lay = self._l
        packet = bytes(packet)
        if not packet.startswith(lay.header):
            if len(packet) < len(lay.header):
                raise PacketError(PacketFault.SHORT, f"{len(packet)} bytes, shorter than the header")
            raise PacketError(PacketFault.MALFORMED, f"does not start with the header {lay.header.hex(' ')}")
        body = packet[len(lay.header):]
        size = lay.format.size
        if len(body) < size:
            raise PacketError(PacketFault.SHORT, f"{len(body)} bytes after the header, a sample is {size}")
        if len(body) % size:
            raise PacketError(PacketFault.MALFORMED, f"{len(body)} bytes after the header is not whole {size}-byte samples")
        rows = np.array(list(lay.format.iter_unpack(body)), dtype=np.float64)
        accel = rows[:, list(lay.accel)] * lay.accel_scale_g
        gyro = None if lay.gyro is None else rows[:, list(lay.gyro)] * lay.gyro_scale_dps
        t = None if lay.timestamp is None else rows[:, lay.timestamp] * lay.timestamp_scale_s
        return Samples(accel, gyro, t)


def _uuid(value: Any, key: str) -> str:
    text = str(value).strip().lower() if isinstance(value, str) else ""
    if _SHORT_UUID.match(text):
        text = f"0000{text}-0000-1000-8000-00805f9b34fb"
    if not _UUID.match(text):
        raise ProfileError(f"{key} is a UUID like 6e400001-b5a3-f393-e0a9-e50e24dcca9e, not {value!r}")
    return text


def _hex(value: Any, key: str) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    raise ProfileError(f"{key} is bytes in hex like \"01 32\", not {value!r}")


def _number(table: dict[str, Any], key: str, *, default: float | None = None, where: str = "") -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value) or value == 0:
        raise ProfileError(f"{where}{key} is a non-zero number, not {value!r}")
    return float(value)


def _fields(table: dict[str, Any], key: str, n_fields: int) -> tuple[int, int, int] | None:
    value = table.get(key)
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < n_fields
                                                                for v in value)):
        raise ProfileError(f"frame.{key} is three field indices of the format (0-{n_fields - 1}), not {value!r}")
    return (value[0], value[1], value[2])


def profile_from_toml(text: str, *, path: str | None = None) -> SensorProfile:
    """A :class:`SensorProfile` from the text of a profile file.

    Raises
    ------
    ProfileError
        Not TOML, or a key missing or wrong (the message names it).
    """
    try:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(f"not a TOML file ({exc})") from None
        known = {"name", "kind", "service", "notify", "sample_rate_hz", "name_prefixes", "start", "frame"}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise ProfileError(f"unknown key {unknown[0]!r} (keys: {', '.join(sorted(known))})")
        for key in ("name", "service", "notify", "sample_rate_hz", "frame"):
            if key not in doc:
                raise ProfileError(f"{key} is missing")
        name = doc["name"]
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(f"name is the sensor's name, not {name!r}")
        kind = doc.get("kind", name.strip().lower().replace(" ", "-"))
        if not isinstance(kind, str) or not kind.strip():
            raise ProfileError(f"kind is a short name, not {kind!r}")
        rate = _number(doc, "sample_rate_hz")
        if not SAMPLE_RATE.contains(rate):
            raise ProfileError(f"sample_rate_hz is {SAMPLE_RATE.describe()}, not {rate:g}")
        prefixes = doc.get("name_prefixes", [])
        if not isinstance(prefixes, list) or not all(isinstance(p, str) and p for p in prefixes):
            raise ProfileError(f"name_prefixes is a list of names, not {prefixes!r}")
        start = []
        for k, cmd in enumerate(doc.get("start", [])):
            if not isinstance(cmd, dict) or "char" not in cmd or "bytes" not in cmd:
                raise ProfileError(f"start[{k}] has char and bytes")
            start.append(Command(_uuid(cmd["char"], f"start[{k}].char"), _hex(cmd["bytes"], f"start[{k}].bytes"), f"start[{k}]",
                                 with_response=bool(cmd.get("with_response", True))))
        frame = doc["frame"]
        if not isinstance(frame, dict):
            raise ProfileError("frame is a table ([frame])")
        fmt = frame.get("format")
        if not isinstance(fmt, str) or not fmt or fmt[0] not in "<>!" or not set(fmt[1:]) <= _FIELD_CODES:
            raise ProfileError(f"frame.format is struct codes after '<' or '>' (e.g. \"<hhh\"), not {fmt!r}")
        layout_struct = struct.Struct(fmt)
        n_fields = len(fmt) - 1
        accel = _fields(frame, "accel", n_fields)
        if accel is None:
            raise ProfileError("frame.accel is missing")
        gyro = _fields(frame, "gyro", n_fields)
        ts = frame.get("timestamp")
        if ts is not None and not (isinstance(ts, int) and not isinstance(ts, bool) and 0 <= ts < n_fields):
            raise ProfileError(f"frame.timestamp is a field index of the format (0-{n_fields - 1}), not {ts!r}")
        layout = FrameLayout(
            header=_hex(frame.get("header"), "frame.header"), format=layout_struct, accel=accel,
            accel_scale_g=_number(frame, "accel_scale_g", where="frame."), gyro=gyro,
            gyro_scale_dps=_number(frame, "gyro_scale_dps", default=1.0, where="frame."),
            timestamp=ts, timestamp_scale_s=_number(frame, "timestamp_scale_s", default=1.0, where="frame."),
        )
        return SensorProfile(
            kind=kind.strip(), title=name.strip(), service_uuid=_uuid(doc["service"], "service"), notify_uuid=_uuid(doc["notify"], "notify"),
            sample_rate_hz=rate, has_gyro=gyro is not None, timestamped=ts is not None, decoder=lambda: LayoutDecoder(layout),
            start=tuple(start), name_prefixes=tuple(prefixes),
        )
    except ProfileError as exc:
        raise ProfileError(exc.message, path=path) from None


def load_profile(path: Path) -> SensorProfile:
    """A profile file; a missing or unreadable file is a :class:`ProfileError` naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read the profile ({getattr(exc, 'strerror', None) or exc})", path=str(path)) from None
    return profile_from_toml(text, path=str(path))
