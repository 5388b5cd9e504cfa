"""How far the engine's fused "up" is from the complementary filter it solves, at the rates people move.

:class:`tracker.pipeline.orientation.OrientationTracker` solves the filter
``g[n] = a*(g[n-1] - (w[n] x g[n-1]) dt) + (1-a)*acc[n]`` with ``fusion_passes`` fixed-point
passes (each a linear IIR, so the engine stays vectorised and chunk-invariant). Each pass adds
one more order of the rotation within the filter's memory (``fusion_tau_s`` of it), so the
passes needed grow with the angular rate. This script measures the error against the filter
itself, run sample by sample (the definition; slow), for each recording with a gyro, and with
more passes (``--passes``).

* UCI physical-therapy recordings (every subject, exercise, placement; 25 Hz).
* Optionally a folder of labelled recordings (``reptrack corpus``; the ones with a gyro).

Usage::

    python benchmarks/fusion_error.py --uci ../shared/data/uci-pt
    python benchmarks/fusion_error.py --corpus /tmp/corpus --recordings 60 --passes 2 4 8
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tracker.core.recording import Placement, Recording
from tracker.pipeline import Personalisation, SessionSetup
from tracker.pipeline.filters import lowpass
from tracker.pipeline.orientation import DEG, OrientationConfig, OrientationTracker


def sequential_up(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64], sample_rate_hz: float,
                  config: OrientationConfig) -> NDArray[np.float64]:
    """The complementary filter sample by sample, started where the engine starts it."""
    dt = 1.0 / sample_rate_hz
    alpha = config.fusion_tau_s / (config.fusion_tau_s + dt)
    start = lowpass(config.gravity_cutoff_hz, sample_rate_hz=sample_rate_hz)(accel_g)[0]
    w = (gyro_dps * (dt / DEG)).tolist()
    acc = ((1.0 - alpha) * accel_g).tolist()
    g0, g1, g2 = (float(x) for x in start)
    out = np.empty_like(accel_g)
    for n, ((w0, w1, w2), (a0, a1, a2)) in enumerate(zip(w, acc)):
        c0, c1, c2 = w1 * g2 - w2 * g1, w2 * g0 - w0 * g2, w0 * g1 - w1 * g0
        g0, g1, g2 = alpha * (g0 - c0) + a0, alpha * (g1 - c1) + a1, alpha * (g2 - c2) + a2
        out[n] = (g0, g1, g2)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def errors_deg(rec: Recording, exercise: str, placement: Placement, passes: list[int]) -> tuple[float, dict[int, tuple[float, float]]]:
    """The gyro's 99.9th-percentile rate and, per pass count, the 99th percentile and maximum
    angle between the engine's up and the filter's own (deg)."""
    m = SessionSetup.resolve(exercise, placement, personal=Personalisation()).prepare(rec.accel_g, rec.gyro_dps)
    assert m.gyro_dps is not None
    fs = rec.nominal_rate_hz()
    exact = sequential_up(m.accel_g, m.gyro_dps, fs, OrientationConfig())
    out = {}
    for p in passes:
        tracker = OrientationTracker(sample_rate_hz=fs, has_gyro=True, config=OrientationConfig(fusion_passes=p))
        up = tracker.update(m.accel_g, m.gyro_dps).up
        d = np.degrees(np.arccos(np.clip((up * exact).sum(axis=1), -1.0, 1.0)))
        out[p] = (float(np.percentile(d, 99)), float(d.max()))
    rate = float(np.percentile(np.linalg.norm(m.gyro_dps, axis=1), 99.9))
    return rate, out


def _uci(root: Path) -> Iterator[tuple[str, Recording, str, Placement]]:
    from tracker.evaluation.uci import PlacementSelection, iter_dataset

    for r in iter_dataset(root, placements=PlacementSelection.ALL):
        yield f"uci {r.subject}/{r.exercise_code}/{r.unit}", r.recording, r.exercise, r.placement


def _corpus(folder: Path, limit: int) -> Iterator[tuple[str, Recording, str, Placement]]:
    from tracker.evaluation.runner import read_labelled

    n = 0
    for lf in sorted(folder.glob("*.labels.json")):
        if n >= limit:
            return
        if not json.loads(lf.read_text()).get("has_gyro"):
            continue
        rec = read_labelled(folder, lf)
        n += 1
        yield lf.name[: -len(".labels.json")], rec.main, rec.labels["exercise"], rec.placement


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uci", type=Path, help="the UCI data set folder (../shared/data/uci-pt)")
    ap.add_argument("--corpus", type=Path, help="a folder of labelled recordings")
    ap.add_argument("--recordings", type=int, default=60, help="at most this many corpus recordings with a gyro")
    ap.add_argument("--passes", type=int, nargs="+", default=[OrientationConfig().fusion_passes, 4, 8])
    args = ap.parse_args()
    sources: list[Iterator[tuple[str, Recording, str, Placement]]] = []
    if args.uci:
        sources.append(_uci(args.uci))
    if args.corpus:
        sources.append(_corpus(args.corpus, args.recordings))
    if not sources:
        ap.error("give --uci and/or --corpus")
    head = "  ".join(f"{p} passes: p99 / max" for p in args.passes)
    print(f"{'recording':58s} gyro p99.9  {head}   (deg from the filter run sample by sample)")
    worst: dict[int, list[float]] = {p: [] for p in args.passes}
    for source in sources:
        for name, rec, exercise, placement in source:
            rate, err = errors_deg(rec, exercise, placement, args.passes)
            for p in args.passes:
                worst[p].append(err[p][1])
            cells = "  ".join(f"{err[p][0]:7.2f} / {err[p][1]:6.2f}      " for p in args.passes)
            print(f"{name[:58]:58s} {rate:6.0f} dps  {cells}")
    for p in args.passes:
        w = np.asarray(worst[p])
        print(f"{p} passes: worst error per recording, median {np.median(w):.2f} deg, 90th percentile "
              f"{np.percentile(w, 90):.2f} deg, max {w.max():.2f} deg ({w.size} recordings)")


if __name__ == "__main__":
    main()
