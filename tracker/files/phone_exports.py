"""A phone as the sensor: the CSV exports of phyphox and Sensor Logger, read as recordings.

Both apps log the phone's own accelerometer (and gyroscope), so a person with a phone in an
armband on the thigh and no wearable can use reptrack. Their layouts, from their documentation:

* **phyphox**, experiment "Acceleration with g", exported as CSV: one file (``Raw Data.csv``)
  with the header ``"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)",
  "Acceleration z (m/s^2)"`` (some versions add ``"Absolute acceleration (m/s^2)"``), comma
  separated, time from the start in s, acceleration *with* gravity in m/s². phyphox's "Linear
  Acceleration" leaves gravity out, and with it the tilt reptrack measures: refused, naming the
  experiment to use instead.
* **Sensor Logger** (zip export, or its folder unzipped): one CSV per sensor with the columns
  ``time`` (UNIX ns), ``seconds_elapsed``, ``z``, ``y``, ``x``. ``TotalAcceleration.csv``
  (Android) holds the acceleration with gravity, in m/s²; ``Accelerometer.csv`` holds it
  *without* gravity on both platforms, so without TotalAcceleration it is added to
  ``Gravity.csv`` (m/s²). ``Gyroscope.csv`` is in rad/s. Each sensor has its own timestamps:
  the gyroscope (and gravity) are interpolated onto the accelerometer's.

The export is rewritten as a reptrack recording (g, deg/s, ``t`` in s from the first sample)
and read by the one CSV reader, so every check of a reptrack file applies to a phone's too.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tracker.errors import RecordingError

#: standard gravity, m/s²: both apps convert with it (Sensor Logger's units reference)
STANDARD_GRAVITY_MS2 = 9.80665

PHYPHOX_ACCEL = ("Acceleration x (m/s^2)", "Acceleration y (m/s^2)", "Acceleration z (m/s^2)")
PHYPHOX_LINEAR = "Linear Acceleration x (m/s^2)"
SENSOR_LOGGER_COLUMNS = ("time", "seconds_elapsed", "z", "y", "x")


@dataclass(frozen=True)
class PhoneExport:
    """A phone export turned into the text of a reptrack recording."""

    text: str
    app: str  # "phyphox" or "Sensor Logger"
    notes: tuple[str, ...]  # what was done to it, for the warnings


def is_phone_export(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a phyphox CSV or a Sensor Logger export (zip or folder)."""
    p = Path(path)
    if p.is_dir():
        return any((p / name).is_file() for name in ("TotalAcceleration.csv", "Accelerometer.csv"))
    if p.suffix.lower() == ".zip":
        return True
    if p.is_file():
        try:
            with open(p, encoding="utf-8-sig", errors="replace") as f:
                head = f.readline()
        except OSError:
            return False
        return "Acceleration x (m/s^2)" in head or "Gyroscope x (rad/s)" in head
    return False


def read_phone_export(path: str | os.PathLike[str]) -> PhoneExport:
    """The phone export at ``path`` as reptrack recording text.

    Raises
    ------
    RecordingError
        A layout that is not one of the two apps', or an export without the acceleration with
        gravity; the message says which file or experiment to use.
    """
    p = Path(path)
    source = os.fspath(path)
    if p.is_dir() or p.suffix.lower() == ".zip":
        return _sensor_logger(_files(p, source), source)
    return _phyphox(p, source)


def _phyphox(path: Path, source: str) -> PhoneExport:
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise RecordingError(f"cannot read the file: {exc.strerror or exc}", path=source) from exc
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]] if rows else []
    if PHYPHOX_LINEAR in header:
        raise RecordingError("phyphox's 'Linear Acceleration' leaves gravity out, and with it the tilt reptrack measures: "
                             "record with the experiment 'Acceleration with g'", path=source)
    if "Time (s)" not in header or not all(c in header for c in PHYPHOX_ACCEL):
        raise RecordingError("a phyphox export needs the columns \"Time (s)\" and \"Acceleration x/y/z (m/s^2)\" "
                             "(experiment 'Acceleration with g', exported as CSV)", path=source)
    cols = [header.index(c) for c in ("Time (s)", *PHYPHOX_ACCEL)]
    table = _numbers(rows[1:], cols, source, first_line=2)
    t, acc = table[:, 0], table[:, 1:4] / STANDARD_GRAVITY_MS2
    return PhoneExport(_recording_text(t - t[0] if t.size else t, acc, None, "phone (phyphox)"), "phyphox",
                       ("a phyphox export: acceleration converted from m/s² to g",))


def _files(path: Path, source: str) -> dict[str, str]:
    """The CSV files of a Sensor Logger export (folder or zip), by name."""
    out: dict[str, str] = {}
    try:
        if path.is_dir():
            for f in path.glob("*.csv"):
                out[f.name] = f.read_text(encoding="utf-8-sig", errors="replace")
        else:
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    if name.lower().endswith(".csv"):
                        out[Path(name).name] = z.read(name).decode("utf-8-sig", errors="replace")
    except (OSError, zipfile.BadZipFile) as exc:
        raise RecordingError(f"cannot read the export: {getattr(exc, 'strerror', None) or exc}", path=source) from exc
    return out


def _sensor_logger(files: dict[str, str], source: str) -> PhoneExport:
    notes = ["a Sensor Logger export: acceleration converted from m/s² to g"]
    if "TotalAcceleration.csv" in files:
        t, acc = _sensor(files["TotalAcceleration.csv"], "TotalAcceleration.csv", source)
    elif "Accelerometer.csv" in files and "Gravity.csv" in files:
        # Accelerometer.csv is the acceleration without gravity: add gravity back
        t, user = _sensor(files["Accelerometer.csv"], "Accelerometer.csv", source)
        tg, grav = _sensor(files["Gravity.csv"], "Gravity.csv", source)
        acc = user + _onto(t, tg, grav)
        notes.append("acceleration = Accelerometer.csv + Gravity.csv (Sensor Logger's Accelerometer leaves gravity out)")
    else:
        raise RecordingError("a Sensor Logger export needs TotalAcceleration.csv, or Accelerometer.csv with Gravity.csv "
                             "(its Accelerometer.csv alone leaves gravity out, and with it the tilt reptrack measures)", path=source)
    gyro = None
    if "Gyroscope.csv" in files:
        tw, w = _sensor(files["Gyroscope.csv"], "Gyroscope.csv", source)
        gyro = np.degrees(_onto(t, tw, w))
        notes.append("Gyroscope.csv converted from rad/s to deg/s, on the accelerometer's timestamps")
    return PhoneExport(_recording_text(t, acc / STANDARD_GRAVITY_MS2, gyro, "phone (Sensor Logger)"), "Sensor Logger", tuple(notes))


def _sensor(text: str, name: str, source: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Seconds from the recording's start and x, y, z of one Sensor Logger CSV."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip() for h in rows[0]] if rows else []
    if not all(c in header for c in SENSOR_LOGGER_COLUMNS):
        raise RecordingError(f"{name}: expected the columns {', '.join(SENSOR_LOGGER_COLUMNS)} (Sensor Logger's CSV export)",
                             path=source)
    table = _numbers(rows[1:], [header.index(c) for c in ("seconds_elapsed", "x", "y", "z")], f"{source}: {name}", first_line=2)
    order = np.argsort(table[:, 0], kind="stable")
    table = table[order]
    return table[:, 0], table[:, 1:4]


def _onto(t: NDArray[np.float64], ts: NDArray[np.float64], v: NDArray[np.float64]) -> NDArray[np.float64]:
    if ts.size == 0:
        return np.full((t.size, 3), np.nan)
    # the sensors start and stop within a sample of each other: the nearest value holds at the ends
    return np.column_stack([np.interp(t, ts, v[:, k]) for k in range(3)])


def _numbers(rows: list[list[str]], cols: list[int], source: str, *, first_line: int) -> NDArray[np.float64]:
    out = np.empty((len(rows), len(cols)))
    for i, row in enumerate(rows):
        try:
            out[i] = [float(row[c]) for c in cols]
        except (ValueError, IndexError):
            if not any(cell.strip() for cell in row):
                out[i] = np.nan
                continue
            raise RecordingError(f"line {first_line + i}: not a number where a sample is expected: {','.join(row)[:80]!r}",
                                 path=source) from None
    return out[~np.isnan(out[:, 0])] if out.size else out.reshape(0, len(cols))


def _recording_text(t: NDArray[np.float64], acc: NDArray[np.float64], gyro: NDArray[np.float64] | None, sensor: str) -> str:
    lines = [f"# sensor: {sensor}", "t,ax,ay,az" + (",gx,gy,gz" if gyro is not None else "")]
    for i in range(t.size):
        cells = [f"{t[i]:.6f}", *(f"{x:.6f}" for x in acc[i])]
        if gyro is not None:
            cells += [f"{x:.4f}" for x in gyro[i]]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"
