"""The CSV recording format: text in, :class:`~tracker.core.recording.Recording` out, and back.

The format (documented with an example in ``sample_data/README.md``)::

    # sensor: MetaMotionS
    # placement: thigh
    # sample_rate_hz: 100.0
    t,ax,ay,az,gx,gy,gz
    0.000000,0.012000,-0.981000,0.051000,0.1200,-0.0400,0.3300
    ...

Optional ``# key: value`` metadata lines come first, then a header row naming the
columns, then one sample per line.  ``t`` is in seconds, ``ax, ay, az`` in g (gravity
included; m/s² is detected and converted), ``gx, gy, gz`` (optional) in deg/s.

Reading is pure (:func:`parse_recording` takes text) and vectorised: a clean 1-hour
100 Hz file is parsed without a Python loop over its lines.  Anything irregular falls
back to an exact line-by-line pass, which is also what finds the line a
:class:`~tracker.errors.RecordingError` names.  Damaged but usable data (drop-outs,
time gaps) is kept as :class:`~tracker.core.recording.Gap` entries plus a warning, never
silently dropped.
"""

from __future__ import annotations

import codecs
import dataclasses
import math
import os
import warnings as _pywarnings
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np
from numpy.typing import NDArray

from tracker.errors import RecordingError
from tracker.core.recording import (
    ACCEL_FULL_SCALE_G,
    GYRO_FULL_SCALE_DPS,
    SAMPLE_RATE,
    STANDARD_GRAVITY_MS2,
    Gap,
    Placement,
    Recording,
    RecordingMeta,
    Side,
    beyond_full_scale,
)

__all__ = [
    "ReadResult",
    "format_recording",
    "parse_recording",
    "read_recording",
    "write_recording",
]

#: Decimal places written for each quantity.  1 µs for times resolves 1 kHz (and faster)
#: timestamps over any realistic recording length (float64 resolves 1 µs up to ~1e9 s);
#: 1 µg and 0.1 mdps are far below any MEMS sensor's noise floor.
TIME_DECIMALS: Final = 6
ACCEL_DECIMALS: Final = 6
GYRO_DECIMALS: Final = 4

TIME_COLUMN: Final = "t"
ACCEL_COLUMNS: Final = ("ax", "ay", "az")
GYRO_COLUMNS: Final = ("gx", "gy", "gz")

#: Median |a| ranges (gravity included) that identify the accelerometer unit.
G_PLAUSIBLE_RANGE: Final = (0.6, 1.4)
MS2_PLAUSIBLE_RANGE: Final = (6.0, 14.0)

#: A time step longer than this many nominal sample intervals (and at least
#: ``MIN_GAP_S``) is recorded as a gap.
GAP_SAMPLE_INTERVALS: Final = 5
MIN_GAP_S: Final = 0.5

#: Relative disagreement between a declared sample rate and the timestamps that earns
#: a warning.
RATE_MISMATCH_TOLERANCE: Final = 0.1

#: A declared rate more than this factor above or below the timestamps' median rate is not
#: the rate of these samples (a wrong header, a copied line, a unit slip): the timestamps
#: win, with a warning. Closer than that, the declared rate is kept (a sensor's clock and
#: its nominal rate differ by a few percent; a logger's timestamps jitter).
RATE_FAR_FACTOR: Final = 2.0

#: At most this many drop-out / time-gap warnings each; the rest are summarised.
MAX_GAP_WARNINGS: Final = 10

_SEPARATORS: Final = (",", ";", "\t")
_RATE_KEYS: Final = frozenset({"sample_rate_hz", "sample_rate", "rate_hz"})
_KNOWN_KEYS: Final = frozenset({"sensor", "placement", "side", "exercise", "simulated"}) | _RATE_KEYS
_TRUE_WORDS: Final = frozenset({"true", "yes", "1"})
_FALSE_WORDS: Final = frozenset({"false", "no", "0"})
_MISSING_WORDS: Final = frozenset({"", "nan"})
_POW10: Final = np.array([float(10**k) for k in range(23)])  # 1e0..1e22, all exact in float64
_MAX_EXACT_INT: Final = 2**53
_WRITE_CHUNK_ROWS: Final = 65536
#: The vectorised reader parses this many bytes of lines at a time (rounded up to a line end).
_PARSE_CHUNK_BYTES = 1 << 18

_EnumT = TypeVar("_EnumT", Placement, Side)


@dataclass(frozen=True)
class ReadResult:
    """A parsed recording and what was noticed while reading it.

    Attributes
    ----------
    recording:
        The samples, in g and deg/s, with any gaps found.
    warnings:
        One-line messages about data that was usable but not clean (unit conversion,
        ignored columns, drop-outs, time gaps), in the order they were found.
    """

    recording: Recording
    warnings: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def read_recording(path: str | os.PathLike[str], *, rate_hz: float | None = None) -> ReadResult:
    """Read a CSV recording file.

    Parameters
    ----------
    path:
        The ``.csv`` file (UTF-8; a byte-order mark and CRLF line ends are accepted).
    rate_hz:
        Sample rate in Hz.  Required when the file has no ``t`` column and no
        ``# sample_rate_hz:`` line; when given it overrides the file's declared rate.

    Returns
    -------
    ReadResult
        The recording (accelerations in g, angular rates in deg/s) and warnings.

    Notes
    -----
    The format is described in ``sample_data/README.md``.  In short: accelerations whose
    median magnitude is about 9.8 are taken as m/s² and converted (with a warning); rows
    with empty or ``nan`` cells are removed and the stretch they covered becomes a
    :class:`~tracker.core.recording.Gap`, as does any time step longer than
    ``max(MIN_GAP_S, GAP_SAMPLE_INTERVALS / rate)``; ``meta.sample_rate_hz`` is the
    declared rate, else ``1 / median(dt)``.

    Raises
    ------
    RecordingError
        If the file cannot be read or is not a usable recording; the error names the
        file and, where there is one, the 1-based line.
    """
    source = os.fspath(path)
    from tracker.files.phone_exports import is_phone_export, read_phone_export

    if is_phone_export(path):
        phone = read_phone_export(path)
        read = parse_recording(phone.text, rate_hz=rate_hz, source=source)
        return ReadResult(read.recording, phone.notes + read.warnings)
    # Bytes all the way: the vectorised parsers work on bytes, so decoding 20 MB only to
    # encode it again would be wasted time.  The bytes are handed over without a name in
    # this frame, so ``_parse`` holds the only reference and can free them once parsed.
    return _parse(_read_bytes(path, source), rate_hz, source)


def _read_bytes(path: str | os.PathLike[str], source: str) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as exc:
        raise RecordingError(f"cannot read the file: {exc.strerror or exc}", path=source) from exc


def parse_recording(text: str, *, rate_hz: float | None = None, source: str = "<string>") -> ReadResult:
    """Parse the text of a CSV recording; see :func:`read_recording`.

    Parameters
    ----------
    text:
        The whole file content.
    rate_hz:
        Sample rate in Hz, as for :func:`read_recording`.
    source:
        Name used in error messages (normally the file path).

    Returns
    -------
    ReadResult
        The recording and the warnings raised while reading it.

    Raises
    ------
    RecordingError
        If the text is not a usable recording.
    """
    return _parse(text.encode("utf-8", errors="replace"), rate_hz, source)


def _parse(content: bytes, rate_hz: float | None, source: str) -> ReadResult:
    """Parse a whole file's bytes.  The caller must not keep ``content``: it is dropped as
    soon as the samples are parsed, before the arrays of the recording are built, so a
    large file is never in memory twice."""
    if rate_hz is not None and not (math.isfinite(rate_hz) and rate_hz > 0):
        raise RecordingError(f"sample rate must be a positive number of Hz, got {rate_hz!r}", path=source)
    content = content.removeprefix(codecs.BOM_UTF8)
    if b"\r" in content:
        content = content.replace(b"\r\n", b"\n")  # one copy at a time: files can be large
        if b"\r" in content:
            content = content.replace(b"\r", b"\n")
    if not content or content.isspace():
        raise RecordingError("the file is empty", path=source)

    warnings: list[str] = []
    preamble = _split_preamble(content, source)
    meta, rate_line = _parse_metadata(preamble.metadata_lines, source, warnings)
    columns = _parse_header(preamble.header, preamble.header_line, source, warnings)
    values, line_numbers = _parse_body(content, preamble.body_start, preamble.header_line + 1, columns, source)
    del content
    recording = _build_recording(values, line_numbers, columns, meta, rate_hz, preamble.header_line, source, warnings,
                                 rate_line=rate_line)
    return ReadResult(recording=recording, warnings=tuple(warnings))


def format_recording(recording: Recording) -> str:
    """Render a recording as CSV text that :func:`parse_recording` reads back.

    Metadata comes first as ``# key: value`` lines (only fields that are set, then
    ``meta.extra`` in order), then the header ``t,ax,ay,az[,gx,gy,gz]`` and one line per
    sample.  Times and accelerations are written with ``TIME_DECIMALS`` /
    ``ACCEL_DECIMALS`` (6) decimals, angular rates with ``GYRO_DECIMALS`` (4).
    ``recording.gaps`` are not stored: a reader re-derives them from the timestamps.

    Parameters
    ----------
    recording:
        The recording to write.

    Returns
    -------
    str
        The file content, ending with a newline.

    Raises
    ------
    RecordingError
        If a value is not finite, two timestamps collapse at the written precision, or
        a metadata key or value cannot be written so that it reads back unchanged.
    """
    parts = [f"# {key}: {value}".rstrip() + "\n" for key, value in _metadata_items(recording.meta)]
    columns = [recording.t_s[:, np.newaxis], recording.accel_g]
    formats = [f"%.{TIME_DECIMALS}f"] + [f"%.{ACCEL_DECIMALS}f"] * 3
    names = [TIME_COLUMN, *ACCEL_COLUMNS]
    if recording.gyro_dps is not None:
        columns.append(recording.gyro_dps)
        formats += [f"%.{GYRO_DECIMALS}f"] * 3
        names += GYRO_COLUMNS
    table = np.hstack(columns).astype(np.float64, copy=False)

    if not np.isfinite(table).all():
        row = int(np.flatnonzero(~np.isfinite(table).all(axis=1))[0])
        raise RecordingError(f"cannot write non-finite values (sample {row})")
    t_written = np.round(recording.t_s, TIME_DECIMALS)
    if len(recording) > 1 and not (np.diff(t_written) > 0).all():
        raise RecordingError(
            f"timestamps must increase by at least 1e-{TIME_DECIMALS} s to be written "
            f"(sample {int(np.flatnonzero(np.diff(t_written) <= 0)[0]) + 1})"
        )

    parts.append(",".join(names) + "\n")
    row_format = ",".join(formats) + "\n"
    # One %-format per chunk of rows: C-level formatting, about twice as fast as
    # np.savetxt's per-row Python loop, without one huge argument tuple.
    for start in range(0, table.shape[0], _WRITE_CHUNK_ROWS):
        chunk = table[start : start + _WRITE_CHUNK_ROWS]
        parts.append((row_format * chunk.shape[0]) % tuple(chunk.ravel().tolist()))
    return "".join(parts)


def write_recording(path: str | os.PathLike[str], recording: Recording) -> None:
    """Write a recording as a CSV file; see :func:`format_recording` for the layout.

    Parameters
    ----------
    path:
        Destination file; overwritten if it exists.
    recording:
        The recording to write.

    Raises
    ------
    RecordingError
        If the recording cannot be represented (see :func:`format_recording`) or the
        file cannot be written.
    """
    source = os.fspath(path)
    try:
        text = format_recording(recording)
    except RecordingError as exc:
        raise RecordingError(exc.message, path=source) from exc
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
    except OSError as exc:
        raise RecordingError(f"cannot write the file: {exc.strerror or exc}", path=source) from exc


# ---------------------------------------------------------------------------------------
# Preamble: metadata lines and the header
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Preamble:
    metadata_lines: tuple[tuple[int, str], ...]  # (line number, text without '#')
    header: str
    header_line: int
    body_start: int  # byte offset of the line after the header (the body is not copied)


@dataclass(frozen=True)
class _Columns:
    separator: str
    count: int  # cells per line, as in the header
    t_index: int | None
    accel_index: tuple[int, int, int]
    gyro_index: tuple[int, int, int] | None

    @property
    def used(self) -> tuple[int, ...]:
        """Indices of the columns that are read, in the order t?, ax..az, gx..gz?."""
        t = () if self.t_index is None else (self.t_index,)
        return t + self.accel_index + (self.gyro_index or ())

    @property
    def used_names(self) -> tuple[str, ...]:
        t = () if self.t_index is None else (TIME_COLUMN,)
        return t + ACCEL_COLUMNS + (GYRO_COLUMNS if self.gyro_index is not None else ())


def _split_preamble(content: bytes, source: str) -> _Preamble:
    """Walk the leading lines without splitting the (possibly huge) rest of the file."""
    metadata: list[tuple[int, str]] = []
    position = 0
    line_number = 0
    while position < len(content):
        end = content.find(b"\n", position)
        if end < 0:
            end = len(content)
        line_number += 1
        line = _decode(content[position:end], source, line_number)
        position = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            metadata.append((line_number, stripped[1:]))
            continue
        return _Preamble(tuple(metadata), line, line_number, min(position, len(content)))
    raise RecordingError(
        "no header row: expected a line naming the columns (t, ax, ay, az and optionally gx, gy, gz)",
        path=source,
    )


def _decode(content: bytes, source: str, first_line: int) -> str:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordingError(
            f"not UTF-8 text (undecodable byte 0x{content[exc.start]:02x}); save the file as UTF-8",
            path=source,
            line=first_line + content.count(b"\n", 0, exc.start),
        ) from None


def _parse_metadata(lines: tuple[tuple[int, str], ...], source: str, warnings: list[str]) -> tuple[RecordingMeta, int | None]:
    """The metadata, and the line that declared the sample rate (``None``: none did)."""
    values: dict[str, tuple[int, str]] = {}
    extra: list[tuple[str, str]] = []
    for line_number, content in lines:
        if ":" not in content:
            continue  # a plain comment
        raw_key, raw_value = content.split(":", 1)
        key, value = raw_key.strip(), raw_value.strip()
        canonical = _canonical_key(key)
        if canonical not in _KNOWN_KEYS:
            if key:
                extra.append((key, value))
            continue
        if canonical in _RATE_KEYS:
            canonical = "sample_rate_hz"
        if canonical in values:
            warnings.append(
                f"metadata '{canonical}' is given twice (lines {values[canonical][0]} and {line_number}); "
                "using the last"
            )
        values[canonical] = (line_number, value)

    def text_field(name: str) -> str | None:
        # An empty value means "not given", like a missing line.
        return (values[name][1] or None) if name in values else None

    rate_entry = values.get("sample_rate_hz")
    meta = RecordingMeta(
        sensor=text_field("sensor"),
        placement=_parse_enum(Placement, "placement", values.get("placement"), source),
        side=_parse_enum(Side, "side", values.get("side"), source),
        exercise=text_field("exercise"),
        sample_rate_hz=_parse_rate(rate_entry, source),
        simulated=_parse_bool("simulated", values.get("simulated"), source),
        extra=tuple(extra),
    )
    return meta, None if rate_entry is None else rate_entry[0]


def _canonical_key(key: str) -> str:
    return key.strip().lower().replace(" ", "_").replace("-", "_")


def _parse_enum(kind: type[_EnumT], name: str, entry: tuple[int, str] | None, source: str) -> _EnumT | None:
    if entry is None or not entry[1]:
        return None
    line_number, value = entry
    try:
        return kind(value.lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise RecordingError(
            f"unknown {name} {value!r} (expected one of: {allowed})", path=source, line=line_number
        ) from None


def _parse_rate(entry: tuple[int, str] | None, source: str) -> float | None:
    if entry is None or not entry[1]:
        return None
    line_number, value = entry
    number = value.lower().removesuffix("hz").strip()
    try:
        rate = float(number)
    except ValueError:
        rate = math.nan
    if not (math.isfinite(rate) and rate > 0):
        raise RecordingError(
            f"sample_rate_hz must be a positive number of Hz, got {value!r}", path=source, line=line_number
        )
    return rate


def _parse_bool(name: str, entry: tuple[int, str] | None, source: str) -> bool:
    if entry is None or not entry[1]:
        return False
    line_number, value = entry
    if value.lower() in _TRUE_WORDS:
        return True
    if value.lower() in _FALSE_WORDS:
        return False
    raise RecordingError(f"{name} must be true or false, got {value!r}", path=source, line=line_number)


def _parse_header(header: str, line_number: int, source: str, warnings: list[str]) -> _Columns:
    # The separator is whichever candidate the header uses most (ties: comma first).
    separator = max(_SEPARATORS, key=header.count)
    if header.count(separator) == 0:
        separator = ","
    names = [cell.strip().strip("\"'").strip().lower() for cell in header.split(separator)]
    if any(names) and all(_is_number(name) for name in names if name):
        raise RecordingError(
            "no header row: this line holds numbers, but the first line after the metadata must name "
            "the columns (t, ax, ay, az and optionally gx, gy, gz)",
            path=source,
            line=line_number,
        )
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in index:
            raise RecordingError(f"column {name!r} appears twice in the header", path=source, line=line_number)
        index.setdefault(name, i)
    found = ", ".join(name or "(unnamed)" for name in names)
    for name in ACCEL_COLUMNS:
        if name not in index:
            raise RecordingError(
                f"missing required column {name!r} (the header has: {found})", path=source, line=line_number
            )
    gyro_present = [name for name in GYRO_COLUMNS if name in index]
    if gyro_present and len(gyro_present) < 3:
        missing = ", ".join(repr(name) for name in GYRO_COLUMNS if name not in index)
        raise RecordingError(
            f"incomplete gyro columns: {', '.join(map(repr, gyro_present))} present but {missing} missing "
            "(give all three or none)",
            path=source,
            line=line_number,
        )
    known = {TIME_COLUMN, *ACCEL_COLUMNS, *GYRO_COLUMNS}
    unknown = [name or f"(unnamed column {i + 1})" for i, name in enumerate(names) if name not in known]
    if unknown:
        warnings.append(f"ignoring unknown columns: {', '.join(unknown)}")
    ax, ay, az = (index[name] for name in ACCEL_COLUMNS)
    gyro = (index["gx"], index["gy"], index["gz"]) if gyro_present else None
    return _Columns(
        separator=separator,
        count=len(names),
        t_index=index.get(TIME_COLUMN),
        accel_index=(ax, ay, az),
        gyro_index=gyro,
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------
# Body: three parsers, fastest first; each either succeeds exactly or declines
# ---------------------------------------------------------------------------------------


def _parse_body(
    content: bytes, start: int, first_line: int, columns: _Columns, source: str
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Parse the sample lines, ``content[start:]``, into the used columns, shape ``(n, len(columns.used))``.

    Returns the values (empty and ``nan`` cells as NaN) and each row's 1-based line number.
    The body is addressed by offset, not copied, unless it has to be rewritten (decimal
    commas, blanks around cells, no final newline).
    """
    separator = columns.separator
    if separator != "," and content.find(b",", start) >= 0 and content.find(b".", start) < 0:
        # Decimal commas, as spreadsheets in many locales write them next to ';' or tabs.
        content, start = content[start:].replace(b",", b"."), 0
    regular = _regular_bytes(content, start, separator)
    if regular is not None:
        table = _parse_table(*regular, columns)
        if table is not None:
            return table, first_line + np.arange(table.shape[0], dtype=np.int64)
    return _parse_lines(_decode(content[start:], source, first_line), first_line, columns, source)


def _regular_bytes(content: bytes, start: int, separator: str) -> tuple[bytes, int, int] | None:
    """``(data, start, stop)``: ``data[start:stop]`` is the body, ASCII, without trailing blank
    lines or blanks around cells, its last line ended by ``"\\n"`` or by the end of ``data``.
    ``data`` is ``content`` itself (not a copy) unless blanks had to be removed.

    Returns ``None`` (leave it to the line-by-line parser) for comment lines (the
    vectorised parsers assume line ``i`` is sample ``i``; blank lines fail the cell-count
    check of :func:`_cell_ends`), non-ASCII text, or a blank inside a cell (``1 2``).
    """
    end = len(content)
    while end > start and content[end - 1] == 0x0A:  # trailing blank lines; only a few bytes
        end -= 1
    if end == start:
        return None
    if np.frombuffer(content, dtype=np.uint8, offset=start).max() >= 0x80:
        return None  # not ASCII; a reduction, with no temporary the size of the file
    stop = min(end + 1, len(content))
    if content.find(b"#", start, stop) >= 0:
        return None
    blanks = b" " if separator == "\t" else b" \t"
    if any(content.find(blank, start, stop) >= 0 for blank in blanks):
        body = content[start:stop]
        stripped = _drop_blanks(body if body.endswith(b"\n") else body + b"\n", separator, blanks)
        return None if stripped is None else (stripped, 0, len(stripped))
    return content, start, stop


def _parse_table(data: bytes, start: int, stop: int, columns: _Columns) -> NDArray[np.float64] | None:
    """The vectorised parsers over ``data[start:stop]`` (see :func:`_regular_bytes`), a chunk
    of whole lines at a time, into a table of the used columns; ``None`` if any chunk declines.

    Chunks bound the temporaries (byte masks, offsets, integer mantissas) to a few times
    ``_PARSE_CHUNK_BYTES`` instead of several times the file, and keep them in cache.
    Every parser gives each cell the correctly rounded value of its decimal, so the result
    does not depend on where the chunks fall or which parser took each chunk.
    """
    separator, n_columns = columns.separator, columns.count
    used = list(columns.used)
    identity = used == list(range(n_columns))
    n_lines = data.count(b"\n", start, stop) + (data[stop - 1] != 0x0A)
    table = np.empty((n_lines, len(used)), dtype=np.float64)
    row = 0
    while start < stop:
        newline = data.find(b"\n", min(start + _PARSE_CHUNK_BYTES, stop) - 1, stop)
        end = stop if newline < 0 else newline + 1
        chunk = data[start:end]
        start = end
        if chunk[-1] != 0x0A:
            chunk += b"\n"  # the parsers want every line ended, the last one included
        cell_ends = _cell_ends(chunk, separator, n_columns)
        if cell_ends is None:
            return None
        values = _parse_fixed_point(chunk, separator, cell_ends)
        if values is None:
            values = _parse_float_text(chunk, separator, cell_ends.size)
            if values is None:
                return None
        rows = values.reshape(-1, n_columns)
        table[row : row + rows.shape[0]] = rows if identity else rows[:, used]
        row += rows.shape[0]
    assert row == n_lines  # every line was checked to hold n_columns cells
    return table


def _drop_blanks(data: bytes, separator: str, blanks: bytes) -> bytes | None:
    """Delete blanks around cells, as ``float()`` ignores them; ``None`` if one sits inside a cell.

    NumPy's text parsers must not see blanks: they read ``" "`` as 0 or -1 rather than
    failing.  A blank-only cell becomes an empty cell, i.e. missing, as in the line parser.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    is_blank = raw == blanks[0]
    for blank in blanks[1:]:
        is_blank |= raw == blank
    positions = np.flatnonzero(is_blank)
    breaks = np.flatnonzero(np.diff(positions) != 1)
    run_first = positions[np.concatenate(([0], breaks + 1))]
    run_last = positions[np.concatenate((breaks, [positions.size - 1]))]
    # data ends with "\n", so run_last + 1 is in range and run_first - 1 == -1 wraps to it.
    before, after = raw[run_first - 1], raw[run_last + 1]
    sep = ord(separator)
    inside = (before != sep) & (before != 0x0A) & (after != sep) & (after != 0x0A)
    if inside.any():
        return None
    return data.translate(None, blanks)


def _cell_ends(data: bytes, separator: str, n_columns: int) -> NDArray[np.intp] | None:
    """Byte offset of the delimiter ending every cell, if every line has ``n_columns`` cells."""
    raw = np.frombuffer(data, dtype=np.uint8)
    is_delimiter = raw == ord(separator)
    is_delimiter |= raw == 0x0A
    cell_ends = np.flatnonzero(is_delimiter)
    if cell_ends.size % n_columns:
        return None
    kinds = raw[cell_ends].reshape(-1, n_columns)
    if not ((kinds[:, -1] == 0x0A).all() and (kinds[:, :-1] == ord(separator)).all()):
        return None
    return cell_ends


def _parse_fixed_point(data: bytes, separator: str, cell_ends: NDArray[np.intp]) -> NDArray[np.float64] | None:
    """Parse plain decimals (``-12.345``) as integers and scale them: the fast path.

    NumPy's integer text parser is about four times faster than its float parser.  With
    the dots removed each cell is an exact integer mantissa ``m`` with ``k`` digits after
    the (removed) dot; ``m / 10**k`` with both exact in float64 is then correctly
    rounded, i.e. identical to parsing the decimal as a float.
    """
    if any(letter in data for letter in (b"e", b"E", b"n", b"N")):
        return None  # exponents, nan, inf: not plain decimals, leave them to the float parser
    raw = np.frombuffer(data, dtype=np.uint8)
    # NumPy reads a lone sign as 0: require every cell to end in a digit, or in a dot
    # after a digit ("5."). This also declines empty cells (they end in a delimiter).
    last = raw[cell_ends - 1]
    ends_in_digit = (last - np.uint8(ord("0"))) < 10
    if not ends_in_digit.all():
        odd = cell_ends[~ends_in_digit]
        before_dot = raw[odd - 2] - np.uint8(ord("0"))
        if not ((raw[odd - 1] == ord(".")) & (before_dot < 10)).all():
            return None
    dots = np.flatnonzero(raw == ord("."))
    n_cells = cell_ends.size
    if dots.size == n_cells and dots[0] < cell_ends[0] and (dots[1:] > cell_ends[:-1]).all():
        # The usual case: exactly one dot in every cell.
        if (dots >= cell_ends).any():
            return None
        fraction_digits = cell_ends - dots - 1
    else:
        fraction_digits = np.zeros(n_cells, dtype=np.intp)
        if dots.size:
            cell_of_dot = np.searchsorted(cell_ends, dots)
            if dots.size > 1 and not (np.diff(cell_of_dot) > 0).all():
                return None  # a cell with two dots
            fraction_digits[cell_of_dot] = cell_ends[cell_of_dot] - dots - 1
    if fraction_digits.max() >= _POW10.size:
        return None
    if dots.size:
        after_dot = raw[dots + 1]  # in range: data ends with "\n"
        if ((after_dot == ord("-")) | (after_dot == ord("+"))).any():
            return None  # ".-5" would read as "-5" once the dot is gone
    stripped = data.translate(bytes.maketrans(b"\n", separator.encode()), b".")
    try:
        with _pywarnings.catch_warnings():
            _pywarnings.simplefilter("error")
            mantissa = np.fromstring(stripped, dtype=np.int64, sep=separator)
    except (ValueError, DeprecationWarning):
        return None  # not plain decimals (exponents, nan, empty cells, text, ...)
    # NumPy saturates an overflowing integer at the int64 maximum, so overflow lands here too.
    if mantissa.size != n_cells or mantissa.max() >= _MAX_EXACT_INT or mantissa.min() <= -_MAX_EXACT_INT:
        return None
    result: NDArray[np.float64] = mantissa / _POW10[fraction_digits]
    return result


def _parse_float_text(data: bytes, separator: str, n_cells: int) -> NDArray[np.float64] | None:
    """NumPy's float text parser: exponents, ``nan`` and empty cells (filled with ``nan``)."""
    sep = separator.encode()
    text = b"\n" + data
    if sep + sep in text or b"\n" + sep in text or sep + b"\n" in text:
        text = text.replace(b"\n" + sep, b"\nnan" + sep).replace(sep + b"\n", sep + b"nan\n")
        # Two passes: replace() does not see overlapping matches (",,," -> ",nan,,").
        for _ in range(2):
            text = text.replace(sep + sep, sep + b"nan" + sep)
    try:
        with _pywarnings.catch_warnings():
            _pywarnings.simplefilter("error")
            values = np.fromstring(text[1:].replace(b"\n", sep), dtype=np.float64, sep=separator)
    except (ValueError, DeprecationWarning):
        return None
    if values.size != n_cells:
        return None
    return values


def _parse_lines(
    body: str, first_line: int, columns: _Columns, source: str
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The exact parser: one line at a time; the first problem becomes the error."""
    separator, expected = columns.separator, columns.count
    used = columns.used
    names = columns.used_names
    rows: list[list[float]] = []
    line_numbers: list[int] = []
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        line_number = first_line + offset
        cells = line.split(separator)
        if len(cells) != expected:
            raise RecordingError(
                f"expected {expected} cells (as in the header), found {len(cells)}", path=source, line=line_number
            )
        row: list[float] = []
        for index, name in zip(used, names, strict=True):
            cell = cells[index].strip()
            if cell.lower() in _MISSING_WORDS:
                row.append(math.nan)
                continue
            try:
                row.append(float(cell))
            except ValueError:
                raise RecordingError(
                    f"non-numeric value {cell!r} in column {name!r}", path=source, line=line_number
                ) from None
        rows.append(row)
        line_numbers.append(line_number)
    table = np.array(rows, dtype=np.float64).reshape(-1, len(used))
    return table, np.array(line_numbers, dtype=np.int64)


# ---------------------------------------------------------------------------------------
# From a table of numbers to a Recording
# ---------------------------------------------------------------------------------------


def _build_recording(
    table: NDArray[np.float64],
    line_numbers: NDArray[np.int64],
    columns: _Columns,
    file_meta: RecordingMeta,
    rate_hz: float | None,
    header_line: int,
    source: str,
    warnings: list[str],
    *,
    rate_line: int | None = None,
) -> Recording:
    names = columns.used_names
    if table.shape[0] == 0:
        raise RecordingError("no data rows after the header", path=source, line=header_line)

    # One cheap pass settles the usual case, a file without a missing or infinite value;
    # the per-row and per-column reductions below cost several times more.
    complete = bool(np.isfinite(table).all())
    missing: NDArray[np.bool_] | None = None  # rows with an empty or NaN cell
    if not complete:
        nan = np.isnan(table)
        empty_columns = np.flatnonzero(nan.all(axis=0))
        if empty_columns.size:
            name = names[int(empty_columns[0])]
            raise RecordingError(f"column {name!r} has no values (every cell is empty or NaN)", path=source)
        if columns.t_index is not None:
            # an infinite sensor value is a reading beyond the sensor's range (a drop-out, below);
            # an infinite time is no time at all
            infinite_t = np.flatnonzero(np.isinf(table[:, 0]))
            if infinite_t.size:
                raise RecordingError("infinite value in column 't'", path=source, line=int(line_numbers[infinite_t[0]]))
        missing = np.asarray(nan.any(axis=1)) if nan.any() else None

    # The caller's rate wins over the file's declaration.
    declared_rate_hz = rate_hz if rate_hz is not None else file_meta.sample_rate_hz
    if rate_hz is not None and file_meta.sample_rate_hz is not None and rate_hz != file_meta.sample_rate_hz:
        warnings.append(
            f"sample rate {rate_hz:g} Hz given by the caller overrides the file's "
            f"sample_rate_hz {file_meta.sample_rate_hz:g} Hz"
        )

    if columns.t_index is None:
        if declared_rate_hz is None:
            raise RecordingError(
                "no 't' column: pass --rate-hz (or add a '# sample_rate_hz: <Hz>' line) "
                "so sample times can be computed",
                path=source,
                line=header_line,
            )
        if not SAMPLE_RATE.contains(declared_rate_hz):
            given_by = "given by the caller" if rate_hz is not None else "declared"
            raise RecordingError(
                f"the sample rate {given_by}, {declared_rate_hz:g} Hz, is not {SAMPLE_RATE.describe()}, and with no "
                "'t' column it is all there is to time the samples: correct it, or add a 't' column in seconds",
                path=source,
                line=rate_line if rate_hz is None else None,
            )
        t_all_s = np.arange(table.shape[0], dtype=np.float64) / declared_rate_hz
        accel_first = 0
    else:
        t_all_s = table[:, 0]
        accel_first = 1

    # The rows with every cell: all of them (a slice, no gather) in a complete file. Column
    # slices of the row-major table are strided, so these are copies and the table can be freed
    # (only a table of exactly these columns would be shared, not duplicated).
    present: slice | NDArray[np.intp] = slice(None) if missing is None else np.flatnonzero(~missing)
    n_present = table.shape[0] if isinstance(present, slice) else present.size
    if n_present < 2:
        raise RecordingError(_too_few_samples(table.shape[0], missing, None), path=source)
    accel_g = np.ascontiguousarray(table[present, accel_first : accel_first + 3])
    gyro_dps = np.ascontiguousarray(table[present, accel_first + 3 :]) if columns.gyro_index is not None else None
    in_ms2 = _accel_in_ms2(accel_g, warnings, source)
    if in_ms2:
        accel_g = accel_g / STANDARD_GRAVITY_MS2
    # readings beyond the sensor's range, among the rows with every cell (usually none)
    beyond_present = _beyond_full_scale(accel_g, gyro_dps)

    dropped, beyond = missing, None
    rows: slice | NDArray[np.intp] = present
    if beyond_present is not None:
        beyond = np.zeros(table.shape[0], dtype=bool)
        beyond[present] = beyond_present
        dropped = beyond if missing is None else missing | beyond
        rows = np.flatnonzero(~dropped)
        if rows.size < 2:
            raise RecordingError(_too_few_samples(table.shape[0], missing, beyond), path=source)
        accel_g, gyro_dps = accel_g[~beyond_present], None if gyro_dps is None else gyro_dps[~beyond_present]
    kept = None if isinstance(rows, slice) else rows
    t_s = np.ascontiguousarray(t_all_s[rows])
    kept_lines = line_numbers[rows]
    _check_increasing(t_s, kept_lines, source)

    nominal_rate_hz = _nominal_rate(t_s, declared_rate_hz, columns.t_index is not None, source, warnings)

    dropout_gaps = [] if dropped is None else _dropout_gaps(
        dropped, t_all_s, line_numbers, warnings,
        describe_beyond=None if beyond is None else _BeyondRange(table[:, accel_first:], beyond, columns.used_names[accel_first:],
                                                                 in_ms2))
    time_gaps = _time_gaps(t_s, kept, kept_lines, nominal_rate_hz, warnings)
    gaps = tuple(sorted(dropout_gaps + time_gaps, key=lambda gap: (gap.start_s, gap.end_s)))

    meta = dataclasses.replace(file_meta, sample_rate_hz=float(nominal_rate_hz))
    return Recording(t_s=t_s, accel_g=accel_g, gyro_dps=gyro_dps, meta=meta, gaps=gaps)


def _nominal_rate(t_s: NDArray[np.float64], declared_rate_hz: float | None, timed: bool, source: str,
                  warnings: list[str]) -> float:
    """The rate the samples are analysed at: the declared one, unless the timestamps (``timed``)
    contradict it by more than :data:`RATE_FAR_FACTOR` or it is no rate a wearable sends; then
    the timestamps' median rate. A rate from the timestamps that no wearable sends is refused."""
    if not timed:
        assert declared_rate_hz is not None  # checked by the caller: times are computed from it
        return declared_rate_hz
    median_step_s = float(np.median(np.diff(t_s)))
    inferred_rate_hz = 1.0 / median_step_s
    if not SAMPLE_RATE.contains(inferred_rate_hz):
        raise RecordingError(
            f"the timestamps give {inferred_rate_hz:.4g} Hz (median interval {median_step_s:.4g} s), not "
            f"{SAMPLE_RATE.describe()}: is the 't' column in seconds?",
            path=source,
        )
    if declared_rate_hz is None:
        return inferred_rate_hz
    ratio = max(declared_rate_hz / inferred_rate_hz, inferred_rate_hz / declared_rate_hz)
    if not SAMPLE_RATE.contains(declared_rate_hz) or ratio > RATE_FAR_FACTOR:
        why = (f"is not {SAMPLE_RATE.describe()}" if not SAMPLE_RATE.contains(declared_rate_hz)
               else f"is {ratio:.3g} times {'more' if declared_rate_hz > inferred_rate_hz else 'less'} than the timestamps give")
        warnings.append(
            f"declared sample rate {declared_rate_hz:g} Hz {why}; using the timestamps' "
            f"{inferred_rate_hz:.4g} Hz (from the median interval) instead"
        )
        return inferred_rate_hz
    if abs(inferred_rate_hz - declared_rate_hz) > RATE_MISMATCH_TOLERANCE * declared_rate_hz:
        warnings.append(
            f"declared sample rate {declared_rate_hz:g} Hz disagrees with the timestamps "
            f"({inferred_rate_hz:.4g} Hz from the median interval); keeping the declared rate"
        )
    return declared_rate_hz


def _check_increasing(t_s: NDArray[np.float64], lines: NDArray[np.int64], source: str) -> None:
    steps = np.diff(t_s)
    bad = np.flatnonzero(steps <= 0)
    if bad.size == 0:
        return
    i = int(bad[0])
    if steps[i] == 0:
        message = f"duplicate timestamp t = {t_s[i + 1]:.6f} s (same as line {int(lines[i])})"
    else:
        message = f"timestamps go backwards: t = {t_s[i + 1]:.6f} s after {t_s[i]:.6f} s on line {int(lines[i])}"
    raise RecordingError(message, path=source, line=int(lines[i + 1]))


def _accel_in_ms2(accel: NDArray[np.float64], warnings: list[str], source: str) -> bool:
    """Whether the accelerometer samples (rows with every cell) are in m/s² (else g), from their
    median |a|. Samples beyond the full scale in m/s² (so beyond it in g too) do not count: no
    square of an absurd value is formed, and a glitch cannot sway the unit."""
    wild_limit = ACCEL_FULL_SCALE_G * STANDARD_GRAVITY_MS2
    if not _peak(accel) < wild_limit:
        accel = accel[(np.abs(accel) < wild_limit).all(axis=1)]
        if accel.shape[0] < 2:
            return False  # nothing left to judge by: the caller refuses the file (fewer than 2 usable samples)
    median_norm = float(np.median(np.sqrt(np.einsum("ij,ij->i", accel, accel))))
    if G_PLAUSIBLE_RANGE[0] <= median_norm <= G_PLAUSIBLE_RANGE[1]:
        return False
    if MS2_PLAUSIBLE_RANGE[0] <= median_norm <= MS2_PLAUSIBLE_RANGE[1]:
        warnings.append(f"accelerometer values look like m/s² (median |a| = {median_norm:.2f}); converted to g")
        return True
    raise RecordingError(
        f"accelerometer values are not plausible g or m/s²: median |a| = {median_norm:.3g} "
        "(expected about 1 g or 9.81 m/s² with gravity included)",
        path=source,
    )


def _beyond_full_scale(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None) -> NDArray[np.bool_] | None:
    """Rows with a reading at or beyond a wearable's full scale (:data:`ACCEL_FULL_SCALE_G`,
    :data:`GYRO_FULL_SCALE_DPS`), infinities included; ``None`` when there is none (the usual case,
    settled by two fast reductions per sensor, without a temporary the size of the samples)."""
    if _peak(accel_g) < ACCEL_FULL_SCALE_G and (gyro_dps is None or _peak(gyro_dps) < GYRO_FULL_SCALE_DPS):
        return None
    return beyond_full_scale(accel_g, gyro_dps)


def _peak(values: NDArray[np.float64]) -> float:
    """The largest magnitude in a contiguous block without NaN."""
    return max(float(values.max()), -float(values.min()))


@dataclass(frozen=True, eq=False)
class _BeyondRange:
    """Says which value of a row was beyond the sensor's range, for the drop-out warning."""

    sensor: NDArray[np.float64]
    rows: NDArray[np.bool_]
    names: tuple[str, ...]
    in_ms2: bool

    def first_in(self, first: int, last: int) -> tuple[int, str] | None:
        """``(rows beyond the range, "ax = 1e+30 g")`` for rows ``first..last``; ``None``: none."""
        run = self.rows[first : last + 1]
        if not run.any():
            return None
        row = first + int(np.argmax(run))
        values = self.sensor[row]
        for k, name in enumerate(self.names):
            value = float(values[k])
            if k < 3:
                g = value / STANDARD_GRAVITY_MS2 if self.in_ms2 else value
                if abs(g) >= ACCEL_FULL_SCALE_G:
                    return int(run.sum()), f"{name} = {g:.4g} g"
            elif abs(value) >= GYRO_FULL_SCALE_DPS:
                return int(run.sum()), f"{name} = {value:.4g} deg/s"
        raise AssertionError("a row beyond the range has a value beyond it")


def _too_few_samples(n_rows: int, missing: NDArray[np.bool_] | None, beyond: NDArray[np.bool_] | None) -> str:
    n_missing = 0 if missing is None else int(missing.sum())
    text = f"fewer than 2 usable samples ({n_rows} row{'s' if n_rows != 1 else ''} read, {n_missing} with empty/NaN values"
    if beyond is not None:
        n_beyond = int((beyond & ~missing).sum() if missing is not None else beyond.sum())
        text += f", {n_beyond} with values beyond the sensor's range"
    return text + ")"


def _runs(flags: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``(first, last)`` index pairs of the runs of True in ``flags``."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    firsts, lasts = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


def _dropout_gaps(
    dropped: NDArray[np.bool_], t_all_s: NDArray[np.float64], lines: NDArray[np.int64], warnings: list[str],
    *, describe_beyond: _BeyondRange | None = None,
) -> list[Gap]:
    """One gap per run of removed rows (a missing value, or one beyond the sensor's range): from
    the last good sample before the run to the first good one after it (a run at either end uses
    its own first/last timestamp)."""
    gaps: list[Gap] = []
    runs = _runs(dropped)
    n = dropped.size
    for k, (first, last) in enumerate(runs):
        start_s = float(t_all_s[first - 1]) if first > 0 else float(t_all_s[first])
        end_s = float(t_all_s[last + 1]) if last + 1 < n else float(t_all_s[last])
        where = f"line {lines[first]}" if first == last else f"lines {lines[first]}-{lines[last]}"
        rows = last - first + 1
        recorded = math.isfinite(start_s) and math.isfinite(end_s) and end_s > start_s
        if recorded:
            gaps.append(Gap(start_s, end_s))
        if k < MAX_GAP_WARNINGS:
            outcome = f"gap {start_s:.3f}-{end_s:.3f} s recorded" if recorded else "no timestamps to bound a gap"
            beyond = None if describe_beyond is None else describe_beyond.first_in(first, last)
            plural = "s" if rows > 1 else ""
            if beyond is None:
                what = f"{rows} row{plural} with empty/NaN values"
            else:
                n_beyond, value = beyond
                why = f"with a value beyond the sensor's range, {value}"
                what = f"{rows} row{plural} {why}" if n_beyond == rows else f"{rows} rows: {n_beyond} {why}, {rows - n_beyond} with empty/NaN values"
            warnings.append(f"sensor drop-out on {where} ({what}): rows removed, {outcome}")
    if len(runs) > MAX_GAP_WARNINGS:
        rest = runs[MAX_GAP_WARNINGS:]
        warnings.append(
            f"... and {len(rest)} more drop-outs ({sum(b - a + 1 for a, b in rest)} rows) removed and recorded as gaps"
        )
    return gaps


def _time_gaps(
    t_s: NDArray[np.float64],
    kept: NDArray[np.intp] | None,
    kept_lines: NDArray[np.int64],
    nominal_rate_hz: float,
    warnings: list[str],
) -> list[Gap]:
    """``kept``: indices of the kept rows among all rows read, ``None`` if all were kept."""
    threshold_s = max(MIN_GAP_S, GAP_SAMPLE_INTERVALS / nominal_rate_hz)
    steps = np.diff(t_s)
    long_steps = steps > threshold_s
    if kept is not None:
        # A step across removed rows is already a drop-out gap.
        long_steps &= np.diff(kept) == 1
    positions = np.flatnonzero(long_steps)
    gaps = [Gap(float(t_s[i]), float(t_s[i + 1])) for i in positions.tolist()]
    for i in positions[:MAX_GAP_WARNINGS].tolist():
        warnings.append(
            f"time gap of {steps[i]:.3f} s between lines {kept_lines[i]} and {kept_lines[i + 1]} "
            f"(t = {t_s[i]:.3f} s to {t_s[i + 1]:.3f} s): recorded as a gap"
        )
    if positions.size > MAX_GAP_WARNINGS:
        warnings.append(f"... and {positions.size - MAX_GAP_WARNINGS} more time gaps recorded")
    return gaps


# ---------------------------------------------------------------------------------------
# Writing metadata
# ---------------------------------------------------------------------------------------


def _metadata_items(meta: RecordingMeta) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if meta.sensor:
        items.append(("sensor", meta.sensor))
    if meta.placement is not None:
        items.append(("placement", meta.placement.value))
    if meta.side is not None:
        items.append(("side", meta.side.value))
    if meta.exercise:
        items.append(("exercise", meta.exercise))
    if meta.sample_rate_hz is not None:
        items.append(("sample_rate_hz", repr(float(meta.sample_rate_hz))))
    if meta.simulated:
        items.append(("simulated", "true"))
    for key, value in meta.extra:
        unreadable = not key or key != key.strip() or any(c in key for c in ":\r\n")
        if unreadable or _canonical_key(key) in _KNOWN_KEYS:
            raise RecordingError(f"metadata key {key!r} cannot be written (empty, padded, ':' or a reserved name)")
        items.append((key, value))
    for key, value in items:
        if value != value.strip() or "\n" in value or "\r" in value:
            raise RecordingError(f"metadata value {value!r} for {key!r} cannot be written (padded or multi-line)")
    return items
