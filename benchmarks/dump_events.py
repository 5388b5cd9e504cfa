"""Dump every event the streaming engine gives on a set of recordings, bit for bit.

A check that a change of the engine's code changes nothing it does: run it before and
after, and ``diff`` the two files. Every event is written with ``repr`` (floats as
``repr`` gives them: the shortest text that reads back to the same bits), one a line,
under a header naming the recording and how it was fed.

* UCI physical-therapy recordings (every subject, exercise and placement), fed whole and
  in chunks of ``--chunk`` samples, hold 5 s (as ``reptrack eval --uci`` does).
* Labelled recordings of a folder (``reptrack corpus``/``reptrack simulate``), analysed as
  :func:`tracker.evaluation.runner.evaluate_directory` does (with the pelvis recording when
  there is one), fed whole and in chunks (the pelvis samples up to each chunk's last time
  fed before it, as a live session would).

Usage::

    reptrack corpus --out /tmp/corpus --seed 2026 --recordings 60
    python benchmarks/dump_events.py --uci ../shared/data/uci-pt --corpus /tmp/corpus --out before.txt
    # ... change the engine ...
    python benchmarks/dump_events.py --uci ../shared/data/uci-pt --corpus /tmp/corpus --out after.txt
    diff before.txt after.txt && echo identical
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


from tracker.core.exercises import get_exercise
from tracker.core.recording import Recording, Stream
from tracker.evaluation.latency import stream_in_chunks
from tracker.pipeline import Event, Personalisation, RepPipeline, SessionSetup


def _pipeline(setup: SessionSetup, main: Recording, pelvis: Recording | None) -> RepPipeline:
    return setup.pipeline(
        sample_rate_hz=main.nominal_rate_hz(), has_gyro=main.has_gyro,
        pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
        pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro,
    )


def stream_events(setup: SessionSetup, main: Recording, pelvis: Recording | None, chunk: int | None) -> Iterator[Event]:
    """The engine's events for ``main`` (and ``pelvis``), fed whole (``chunk`` None) or in chunks."""
    if chunk is not None:
        yield from (s.event for s in stream_in_chunks(setup, main, pelvis, chunk_n=chunk))
        return
    pelvis = pelvis if setup.with_pelvis else None
    pipe = _pipeline(setup, main, pelvis)
    m = setup.prepare(main.accel_g, main.gyro_dps)
    # as SessionSetup.analyse: the pelvis first, then the main sensor
    if pelvis is not None:
        p = setup.prepare(pelvis.accel_g, pelvis.gyro_dps, stream=Stream.PELVIS)
        yield from pipe.feed_pelvis(pelvis.t_s, p.accel_g, p.gyro_dps)
    yield from pipe.feed(main.t_s, m.accel_g, m.gyro_dps)
    yield from pipe.finish()


def _write(out: TextIO, header: str, events: Iterator[Event]) -> int:
    out.write(f"## {header}\n")
    n = 0
    for e in events:
        out.write(repr(e) + "\n")
        n += 1
    out.write(f"## {n} events\n")
    return n


def dump_uci(root: Path, out: TextIO, chunk: int) -> int:
    from tracker.evaluation.uci import PlacementSelection, iter_dataset

    n = 0
    for r in iter_dataset(root, placements=PlacementSelection.ALL):
        setup = SessionSetup.resolve(r.exercise, r.placement, personal=Personalisation(hold_s=5.0))
        name = f"uci {r.subject}/{r.exercise_code}/{r.unit} ({r.exercise}, {r.placement.value})"
        for c in (None, chunk):
            n += _write(out, f"{name} fed {'whole' if c is None else f'in chunks of {c}'}", stream_events(setup, r.recording, None, c))
    return n


def dump_folder(folder: Path, out: TextIO, chunk: int) -> int:
    from tracker.evaluation.runner import read_labelled

    n = 0
    for lf in sorted(folder.glob("*.labels.json")):
        r = read_labelled(folder, lf)
        # as evaluate_directory -> analyze_recording -> SessionSetup.resolve
        setup = SessionSetup.resolve(get_exercise(r.labels["exercise"]).exercise, r.placement, declared=r.main.meta.placement,
                                     with_pelvis=r.pelvis is not None, personal=Personalisation(hold_s=r.labels.get("hold_s")))
        for c in (None, chunk):
            n += _write(out, f"{r.stem} fed {'whole' if c is None else f'in chunks of {c}'}", stream_events(setup, r.main, r.pelvis, c))
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--uci", type=Path, help="the uci-pt folder")
    ap.add_argument("--corpus", type=Path, help="a folder of labelled recordings")
    ap.add_argument("--chunk", type=int, default=7, help="samples per feed when fed in chunks (default 7)")
    ap.add_argument("--out", type=Path, required=True, help="text file to write")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    n = 0
    with open(args.out, "w") as out:
        if args.uci is not None:
            n += dump_uci(args.uci, out, args.chunk)
        if args.corpus is not None:
            n += dump_folder(args.corpus, out, args.chunk)
    print(f"{n} events written to {args.out} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
