"""The vectorised CSV reader works a chunk of lines at a time and frees the file's bytes
early: its results must not depend on the chunks, and its peak memory must stay a small
multiple of the file (the 1-hour ``analyze`` budget is 300 MB in all)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from tracker.files import csv_recording as csvio
from tracker.files.csv_recording import format_recording, parse_recording, read_recording, write_recording
from tracker.core.recording import Recording, RecordingMeta


def _recording(n: int, *, gyro: bool = True, seed: int = 0) -> Recording:
    rng = np.random.default_rng(seed)
    t_s = np.arange(n) / 100.0
    accel_g = rng.normal(0.0, 0.3, (n, 3)) + np.array([0.0, 0.0, 1.0])
    gyro_dps = rng.normal(0.0, 50.0, (n, 3)) if gyro else None
    return Recording(t_s=t_s, accel_g=accel_g, gyro_dps=gyro_dps, meta=RecordingMeta(sensor="s", sample_rate_hz=100.0))


def _outcome(text: str) -> tuple[object, ...]:
    result = parse_recording(text)
    rec = result.recording
    gyro = None if rec.gyro_dps is None else rec.gyro_dps.tolist()
    return rec.t_s.tolist(), rec.accel_g.tolist(), gyro, rec.gaps, result.warnings


def _variants(text: str) -> dict[str, str]:
    lines = text.splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    body = lines[header + 1 :]
    # an exponent in one row sends its chunk (only) to the float parser
    body[7] = _with_cells(body[7], {0: body[7].split(",")[0].replace("0.0", "0.", 1) + "e-1"})  # 0.07 as 0.7e-1
    # a drop-out and a NaN in the middle, an empty cell near the end
    body[40] = _with_cells(body[40], {k: "" for k in range(1, 7)})
    body[41] = _with_cells(body[41], {2: "nan"})
    body[-3] = _with_cells(body[-3], {6: ""})
    preamble = "".join(lines[:header])
    mixed = preamble + lines[header] + "".join(body)
    return {
        "clean": text,
        "mixed": mixed,
        "crlf-no-final-newline": mixed.replace("\n", "\r\n").rstrip("\r\n"),
        "trailing-blank-lines": mixed + "\n\n",
        "blanks-around-cells": mixed.replace(",", " , "),
        "semicolons-decimal-commas": preamble + "".join(
            line.replace(",", ";").replace(".", ",") for line in [lines[header], *body]
        ),
        "reordered-extra-column": "".join(
            lines[:header] + ["gz,extra,ax,gy,t,az,gx,ay\n"]
            + [_reorder(line) for line in body]
        ),
    }


def _with_cells(line: str, cells: dict[int, str]) -> str:
    parts = line.rstrip("\n").split(",")
    for index, cell in cells.items():
        parts[index] = cell
    return ",".join(parts) + "\n"


def _reorder(line: str) -> str:
    t, ax, ay, az, gx, gy, gz = line.rstrip("\n").split(",")
    return ",".join([gz, "1.5", ax, gy, t, az, gx, ay]) + "\n"


def _must_not_be_called(*args: object, **kwargs: object) -> None:
    raise AssertionError("the line-by-line parser was used")


@pytest.mark.parametrize("chunk_bytes", [1, 64, 1000, 4096])
def test_results_do_not_depend_on_the_chunks(monkeypatch: pytest.MonkeyPatch, chunk_bytes: int) -> None:
    text = format_recording(_recording(300))
    for name, variant in _variants(text).items():
        whole = _outcome(variant)
        by_line = _outcome(variant.rstrip("\r\n") + "\n# a trailing comment forces the line-by-line parser\n")
        with monkeypatch.context() as m:
            m.setattr(csvio, "_PARSE_CHUNK_BYTES", chunk_bytes)
            m.setattr(csvio, "_parse_lines", _must_not_be_called)  # every variant is vectorised
            chunked = _outcome(variant)
        assert chunked == whole, name
        assert by_line == whole, name


def test_errors_are_found_in_any_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = format_recording(_recording(500, gyro=False)).splitlines()
    rows[300] = rows[300].replace("0.", "0.x", 1)
    monkeypatch.setattr(csvio, "_PARSE_CHUNK_BYTES", 512)
    with pytest.raises(csvio.RecordingError) as info:
        parse_recording("\n".join(rows) + "\n")
    assert info.value.line == 301
    assert "non-numeric value" in info.value.message


def test_reading_a_large_file_peaks_at_a_small_multiple_of_its_size(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    write_recording(path, _recording(200_000))
    size = path.stat().st_size
    read_recording(path)  # warm up (imports, caches)
    tracemalloc.start()
    try:
        result = read_recording(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.recording) == 200_000
    # the bytes (1x), the parsed table and the recording's arrays (about 0.9x each) and
    # chunk-sized temporaries; it was 8.5x before the reader worked in chunks
    assert peak < 3.0 * size, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"
