"""Speed and memory of the analysis (prints figures; not a test).

    python benchmarks/bench_pipeline.py [--minutes 60] [--rate-hz 100]

1. ``reptrack analyze`` on 1 hour of 100 Hz data with gyro, as a subprocess: wall time and
   peak RSS (target: <= 1 s, <= 300 MB).
2. ``RepPipeline.feed`` in 10-sample batches on one core: samples per second (target >= 100,000).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from tracker.csvio import write_recording
from tracker.exercises import get_exercise
from tracker.pipeline import PipelineConfig, RepPipeline
from tracker.recording import Placement, Recording, RecordingMeta


def make_recording(minutes: float, rate_hz: float, seed: int = 1) -> Recording:
    """Sets of 10 minimum-jerk leg lifts with 60 s rests, noise and a random strap rotation."""
    rng = np.random.default_rng(seed)
    n = int(minutes * 60 * rate_hz)
    t = np.arange(n) / rate_hz
    angle = np.zeros(n)
    cursor = 5.0
    while cursor < t[-1] - 80:
        for _ in range(10):
            lift, hold, lower = rng.uniform(1.5, 2.5), rng.uniform(1, 3), rng.uniform(1.5, 2.5)
            rom = rng.uniform(20, 35)
            for a, b, f in ((cursor, cursor + lift, lambda x: x), (cursor + lift + hold, cursor + lift + hold + lower, lambda x: 1 - x)):
                m = (t >= a) & (t < b)
                tau = (t[m] - a) / (b - a)
                angle[m] = rom * f(10 * tau**3 - 15 * tau**4 + 6 * tau**5)
            angle[(t >= cursor + lift) & (t < cursor + lift + hold)] = rom
            cursor += lift + hold + lower + rng.uniform(1, 2)
        cursor += 60
    rot = Rotation.from_rotvec(np.radians(angle)[:, None] * np.array([[1.0, 0, 0]]))
    mount = Rotation.random(random_state=seed)
    up = mount.inv().apply(rot.inv().apply([0.0, 0.0, 1.0]))
    omega = mount.inv().apply(np.gradient(angle, 1 / rate_hz)[:, None] * np.array([[1.0, 0, 0]]))
    acc = up + rng.normal(0, 0.01, up.shape)
    gyr = omega + rng.normal(0, 0.5, omega.shape)
    return Recording(t, acc, gyr, RecordingMeta(sensor="benchmark", placement=Placement.THIGH, sample_rate_hz=rate_hz, simulated=True))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--rate-hz", type=float, default=100.0)
    args = ap.parse_args()
    rec = make_recording(args.minutes, args.rate_hz)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "hour.csv"
        write_recording(path, rec)
        size_mb = path.stat().st_size / 1e6
        cmd = [sys.executable, "-m", "tracker.cli", "analyze", str(path), "--exercise", "side-lying-hip-abduction", "--json"]
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            walls.append(time.perf_counter() - t0)
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        import json
        reps = json.loads(out.stdout)["rep_count"]
    print(f"analyze: {args.minutes:.0f} min at {args.rate_hz:.0f} Hz with gyro ({len(rec)} samples, {size_mb:.1f} MB CSV): "
          f"wall {min(walls):.3f} s best of 3 (runs: {', '.join(f'{w:.3f}' for w in walls)}), peak RSS {rss_mb:.0f} MB, {reps} reps")

    cfg = PipelineConfig(exercise=get_exercise("side-lying-hip-abduction"), sample_rate_hz=args.rate_hz, has_gyro=True)
    pipe = RepPipeline(cfg)
    n = min(len(rec), int(20 * 60 * args.rate_hz))
    t0 = time.perf_counter()
    for a in range(0, n, 10):
        pipe.feed(rec.t_s[a:a + 10], rec.accel_g[a:a + 10], rec.gyro_dps[a:a + 10])
    pipe.finish()
    el = time.perf_counter() - t0
    print(f"feed(): 10-sample batches, {n} samples in {el:.3f} s = {n / el:,.0f} samples/s")


if __name__ == "__main__":
    main()
