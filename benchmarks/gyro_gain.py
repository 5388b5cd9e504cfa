"""The gyro gain the engine reads against gravity, per recording, and whether it doubts the gyro.

:mod:`tracker.pipeline.gyro_gain` compares how far the accelerometer's direction turns with how
far the gyro says it turned, while the accelerometer reads close to 1 g; the fusion trusts the
gyro less where the gyro turns "up" more than 1.5 times as far as gravity shows. This script
runs the engine's own check over whole recordings and prints, per recording with a gyro, the
gain read (the accelerometer's turn per gyro turn: 1 for a good gyro, under 1 for one that
over-reads), the turn it was read over, and from when the gyro was doubted.

* UCI physical-therapy recordings (every subject, exercise and leg placement; 25 Hz).
* Optionally a folder of labelled recordings (``reptrack corpus``; those with a gyro).

Usage::

    python benchmarks/gyro_gain.py --uci ../shared/data/uci-pt
    python benchmarks/gyro_gain.py --corpus /tmp/corpus --recordings 160
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tracker.core.recording import Recording
from tracker.pipeline.filters import lowpass
from tracker.pipeline.gyro_gain import GyroGain
from tracker.pipeline.orientation import OrientationConfig


def read_gain(rec: Recording) -> tuple[float, float, float | None, float]:
    """The gain read over the whole recording, the turn it was read over (deg), the time from
    which the gyro was first doubted (s; None: never) and the share of samples it was doubted
    (%). Dropped samples are left out; the gyro is taken as it reads (the engine first takes off
    a bias over ``GyroBiasConfig.tolerated_dps``, 4 deg/s)."""
    assert rec.gyro_dps is not None
    keep = ~(np.isnan(rec.accel_g).any(axis=1) | np.isnan(rec.gyro_dps).any(axis=1))
    fs = rec.nominal_rate_hz()
    accel, gyro = rec.accel_g[keep], rec.gyro_dps[keep]
    check = GyroGain(sample_rate_hz=fs, config=OrientationConfig().gyro_gain)
    trusted = check.update(gyro, lowpass(OrientationConfig().gravity_cutoff_hz, sample_rate_hz=fs)(accel), accel)
    doubted_from = float(rec.t_s[keep][int(np.argmin(trusted))]) if not trusted.all() else None
    return check.gain, check.turned_deg, doubted_from, 100.0 * float(np.mean(~trusted))


def _uci(root: Path) -> Iterator[tuple[str, Recording]]:
    from tracker.evaluation.uci import PlacementSelection, iter_dataset

    for r in iter_dataset(root, placements=PlacementSelection.ALL):
        yield f"uci {r.subject}/{r.exercise_code}/{r.unit} ({r.placement.value})", r.recording


def _corpus(folder: Path, limit: int) -> Iterator[tuple[str, Recording]]:
    from tracker.evaluation.runner import read_labelled

    n = 0
    for lf in sorted(folder.glob("*.labels.json")):
        if n >= limit:
            return
        if not json.loads(lf.read_text()).get("has_gyro"):
            continue
        n += 1
        yield lf.name[: -len(".labels.json")], read_labelled(folder, lf).main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uci", type=Path, help="the UCI data set folder (../shared/data/uci-pt)")
    ap.add_argument("--corpus", type=Path, help="a folder of labelled recordings")
    ap.add_argument("--recordings", type=int, default=160, help="at most this many corpus recordings with a gyro")
    args = ap.parse_args()
    sources: list[tuple[str, Iterator[tuple[str, Recording]]]] = []
    if args.uci:
        sources.append(("UCI", _uci(args.uci)))
    if args.corpus:
        sources.append((str(args.corpus), _corpus(args.corpus, args.recordings)))
    if not sources:
        ap.error("give --uci and/or --corpus")
    for title, source in sources:
        print(f"{title}\n{'recording':62s}  gain  over (deg)  gyro doubted from  (of the samples)")
        gains = []
        for name, rec in source:
            gain, turned, doubted, share = read_gain(rec)
            gains.append(gain)
            when = "-" if doubted is None else f"{doubted:.1f} s"
            print(f"{name[:62]:62s} {gain:5.2f} {turned:8.0f}     {when:>8s}           {share:5.1f} %")
        g = np.asarray(gains)
        print(f"{g.size} recordings: gain min {g.min():.2f}, 5th percentile {np.percentile(g, 5):.2f}, median "
              f"{np.median(g):.2f}, 95th percentile {np.percentile(g, 95):.2f}, max {g.max():.2f}\n")


if __name__ == "__main__":
    main()
