"""Speed and memory of the analysis (prints figures; not a test).

    python benchmarks/bench_pipeline.py [--minutes 60] [--rate-hz 100] [--runs 5]

One line per figure, with its target (see ``benchmarks/README.md``):

1. ``reptrack analyze`` on 1 hour of 100 Hz data with gyro, as a fresh subprocess per run:
   best wall time (target <= 1 s) and the largest peak RSS of the runs (target <= 300 MB).
   Each run's peak RSS is its own: ``os.wait4`` on that child alone, from a small wrapper
   process (see ``_MEASURE``).
2. What the subprocess spends its time on: the imports an ``analyze`` needs (fresh
   subprocesses), and in this process the CSV read and the pipeline alone (best of N).
3. ``RepPipeline.feed`` in 10-sample batches, with and without gyro, pinned to one core:
   samples per second (target >= 100,000).

The machine may be shared: compare best-of-N figures, not single runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from tracker.files.csv_recording import read_recording, write_recording
from tracker.core.exercises import get_exercise
from tracker.pipeline import PipelineConfig, RepPipeline, analyze_recording
from tracker.core.recording import Placement, Recording, RecordingMeta

EXERCISE = "side-lying-hip-abduction"
TARGET_WALL_S = 1.0
TARGET_RSS_MB = 300.0
TARGET_FEED_SPS = 100_000.0
FEED_BATCH = 10
FEED_MINUTES = 20.0  # of the recording, fed in batches (enough for a steady rate)
#: The modules ``reptrack analyze`` imports, for the start-up figure.
ANALYZE_IMPORTS = "import tracker.cli, tracker.app.analysis, tracker.files.csv_recording, tracker.pipeline, tracker.pipeline.result_json"


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


#: Runs a command and reports its wall time and peak RSS.  It is a separate small process
#: because a child's ``ru_maxrss`` starts from the RSS of the process it was forked from
#: (Linux carries the high-water mark across ``exec``): forked straight from this
#: benchmark, which holds the recording, every child would seem to use at least as much.
_MEASURE = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    t0 = time.perf_counter()
    proc = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "maxrss": usage.ru_maxrss, "exit": os.waitstatus_to_exitcode(status)}))
"""


def run_child(cmd: list[str], stdout_path: Path) -> tuple[float, float]:
    """Run ``cmd`` to completion in a fresh process: (wall s, peak RSS MB of that process alone).

    ``os.wait4`` gives the resource usage of the one child waited for, unlike
    ``getrusage(RUSAGE_CHILDREN)``, which is the maximum over every child so far.
    Standard output goes to a file, so a large output cannot fill a pipe while we wait.
    """
    stderr_path = stdout_path.with_suffix(".stderr")
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(stdout_path), str(stderr_path), *cmd],
                          capture_output=True, text=True, check=True)
    report = json.loads(done.stdout)
    if report["exit"] != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {report['exit']}:\n{stderr_path.read_text()}")
    # ru_maxrss is in KiB on Linux, bytes on macOS
    rss_mb = report["maxrss"] / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return float(report["wall_s"]), rss_mb


def best_of(runs: int, fn: Callable[[], object]) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), times


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def feed_rate(rec: Recording, rate_hz: float, with_gyro: bool) -> tuple[float, int]:
    cfg = PipelineConfig(exercise=get_exercise(EXERCISE), sample_rate_hz=rate_hz, has_gyro=with_gyro)
    pipe = RepPipeline(cfg)
    n = min(len(rec), int(FEED_MINUTES * 60 * rate_hz))
    gyro = rec.gyro_dps if with_gyro else None
    t0 = time.perf_counter()
    for a in range(0, n, FEED_BATCH):
        pipe.feed(rec.t_s[a : a + FEED_BATCH], rec.accel_g[a : a + FEED_BATCH], None if gyro is None else gyro[a : a + FEED_BATCH])
    pipe.finish()
    return n / (time.perf_counter() - t0), n


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def runs_text(values: list[float], fmt: str) -> str:
    return ", ".join(format(v, fmt) for v in values)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--rate-hz", type=float, default=100.0)
    ap.add_argument("--runs", type=int, default=5, help="repeats of each timing (best is reported)")
    args = ap.parse_args()
    runs = max(1, args.runs)

    rec = make_recording(args.minutes, args.rate_hz)
    exercise = get_exercise(EXERCISE)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "hour.csv"
        write_recording(path, rec)
        size_mb = path.stat().st_size / 1e6
        print(f"data: {args.minutes:g} min at {args.rate_hz:g} Hz with gyro, {len(rec)} samples, {size_mb:.1f} MB CSV; "
              f"best of {runs} runs")

        # 1. the whole command, one fresh process per run
        cmd = [sys.executable, "-m", "tracker.cli", "analyze", str(path), "--exercise", EXERCISE, "--json"]
        out_path = Path(d) / "out.json"
        walls, rsss = [], []
        for _ in range(runs):
            wall, rss = run_child(cmd, out_path)
            walls.append(wall)
            rsss.append(rss)
        reps = json.loads(out_path.read_text())["rep_count"]
        print(f"analyze wall:       {min(walls):7.3f} s      target <= {TARGET_WALL_S:g} s     {verdict(min(walls) <= TARGET_WALL_S):6}"
              f" (runs: {runs_text(walls, '.3f')}; {reps} reps)")
        print(f"analyze peak RSS:   {max(rsss):7.0f} MB     target <= {TARGET_RSS_MB:g} MB   {verdict(max(rsss) <= TARGET_RSS_MB):6}"
              f" (largest of the runs: {runs_text(rsss, '.0f')})")

        # 2. where the time goes
        import_cmd = [sys.executable, "-c", ANALYZE_IMPORTS]
        imports = [run_child(import_cmd, out_path)[0] for _ in range(runs)]
        print(f"  start-up imports: {min(imports):7.3f} s      (part of the analyze wall; runs: {runs_text(imports, '.3f')})")
        read_best, read_runs = best_of(runs, lambda: read_recording(path))
        print(f"  CSV read:         {read_best:7.3f} s      (part of the analyze wall, in-process; runs: {runs_text(read_runs, '.3f')})")
    pipe_best, pipe_runs = best_of(runs, lambda: analyze_recording(rec, exercise))
    print(f"  pipeline:         {pipe_best:7.3f} s      (part of the analyze wall, in-process; runs: {runs_text(pipe_runs, '.3f')})")

    # 3. live feeding, one core
    pinned = pin_to_one_core()
    for with_gyro in (True, False):
        rates = [feed_rate(rec, args.rate_hz, with_gyro) for _ in range(max(1, min(runs, 3)))]
        best = max(r for r, _ in rates)
        label = "with gyro" if with_gyro else "no gyro  "
        print(f"feed() {label}:   {best:9,.0f} samples/s target >= {TARGET_FEED_SPS:,.0f} {verdict(best >= TARGET_FEED_SPS):6}"
              f" ({FEED_BATCH}-sample batches, {rates[0][1]} samples, {pinned}; runs: {runs_text([r for r, _ in rates], ',.0f')})")


if __name__ == "__main__":
    main()
