"""Size and speed of the SQLite store (prints figures; not a test).

    python benchmarks/bench_store.py [--runs 5]

1. ``store size``: a 30-minute session at 100 Hz with gyro recorded through the real
   recorder (replay at full speed: samples, reps, sets, flags) into a fresh store; the
   file's size after it is closed (target <= 10 MB).
2. ``insert rate``: one process pinned to one core commits 1-second chunks of 200 Hz
   samples with gyro for 50 sessions in turn, as 50 live sensors would; samples per
   second and how many 200 Hz streams that is (target >= 50 streams).
3. ``list sessions``: ``Store.sessions(person=...)`` for a person with 300 sessions, best of
   N (target <= 100 ms).
4. ``load reps``: ``Store.reps(session)`` of a session with 10,000 reps (a fifth flagged),
   best of N (target <= 100 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import best_of, make_recording, pin_to_one_core, runs_text, verdict  # noqa: E402

from tracker.core.exercises import FlagKind, Severity  # noqa: E402
from tracker.pipeline.types import Flag, Rep  # noqa: E402
from tracker.app.recorder import SessionRecorder  # noqa: E402
from tracker.sensors import ReplaySource  # noqa: E402
from tracker.app.recorder import SessionPlan  # noqa: E402
from tracker.pipeline import SessionSetup  # noqa: E402
from tracker.store import NewSession, Store, Stream  # noqa: E402

EXERCISE = "side-lying-hip-abduction"


def _new(person: str, rate_hz: float = 200.0) -> NewSession:
    return NewSession(person=person, setup=SessionSetup.resolve(EXERCISE, "thigh"), source="bench", sample_rate_hz=rate_hz,
                      has_gyro=True, has_pelvis=False, device_name="bench", device_kind="bench", meta={})


def store_size(folder: Path) -> tuple[float, int, int]:
    rec = make_recording(30.0, 100.0)
    db = folder / "size.db"
    with Store.open(db) as store:
        r = SessionRecorder(store, ReplaySource(rec, speed=math.inf), SessionPlan("bench", SessionSetup.resolve(EXERCISE, "thigh")))
        asyncio.run(r.run())
        info = store.session(r.session_id)
    size = db.stat().st_size + sum(p.stat().st_size for p in folder.glob("size.db-*"))
    return size / 1e6, info.sample_count, info.rep_count


def insert_rate(folder: Path, streams: int = 50, seconds: int = 20) -> float:
    db = folder / "insert.db"
    rng = np.random.default_rng(0)
    acc = rng.normal(0, 1, (200, 3))
    gyr = rng.normal(0, 50, (200, 3))
    with Store.open(db) as store:
        ids = [store.create_session(_new(f"p{k}")) for k in range(streams)]
        t0 = time.perf_counter()
        for sec in range(seconds):
            t = sec + np.arange(200) / 200.0
            for sid in ids:
                with store.transaction():
                    store.add_samples(sid, Stream.MAIN, t, acc, gyr)
                    store.heartbeat(sid)
        wall = time.perf_counter() - t0
    return streams * seconds * 200 / wall


def _rep(i: int) -> Rep:
    flags = (Flag(FlagKind.TOO_FAST, Severity.MILD, "slower", 0.8, 1.0, "s"),) if i % 5 == 0 else ()
    return Rep(index=i, set_index=1 + i // 12, start_s=10.0 * i, peak_s=10.0 * i + 3, end_s=10.0 * i + 6, rom_deg=30.0, lift_s=2.0,
               hold_s=1.0, lower_s=2.0, peak_speed_dps=40.0, sparc=-1.7, velocity_peaks=1, shake_g=0.01, tremor_dps=3.0,
               pelvis_tilt_deg=1.0, pelvis_lateral_deg=0.5, axis=(0.0, 0.0, 1.0), flags=flags)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    core = pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size_mb, n, reps = store_size(folder)
        print(f"store size      {size_mb:7.2f} MB  for 30 min at 100 Hz with gyro ({n} samples, {reps} reps)   "
              f"target <= 10 MB   {verdict(size_mb <= 10.0)}")
        rates = [insert_rate(folder / f"r{k}") for k in range(min(args.runs, 3)) if (folder / f"r{k}").mkdir() is None]
        best = max(rates)
        print(f"insert rate     {best:9,.0f} samples/s = {best / 200:.0f} streams at 200 Hz (one core: {core}; 1-s chunks, "
              f"a commit per chunk)   target >= 50 streams   {verdict(best / 200 >= 50)}   runs {runs_text([r / 200 for r in rates], '.0f')}")

        db = folder / "read.db"
        with Store.open(db) as store:
            for _ in range(300):
                sid = store.create_session(_new("Ann"))
            store.create_session(_new("Bob"))
            big = store.create_session(_new("Ann"))
            with store.transaction():
                for i in range(1, 10_001):
                    store.add_rep(big, _rep(i))
        with Store.open(db) as store:
            best_list, runs_list = best_of(args.runs, lambda: store.sessions(person="Ann"))
            assert len(store.sessions(person="Ann")) == 301
            best_reps, runs_reps = best_of(args.runs, lambda: store.reps(big))
            assert len(store.reps(big)) == 10_000
        print(f"list sessions   {1000 * best_list:7.1f} ms  for a person with 301 sessions   target <= 100 ms   "
              f"{verdict(best_list <= 0.1)}   runs {runs_text([1000 * x for x in runs_list], '.1f')} ms")
        print(f"load reps       {1000 * best_reps:7.1f} ms  for one session's 10,000 reps (2,000 flagged)   target <= 100 ms   "
              f"{verdict(best_reps <= 0.1)}   runs {runs_text([1000 * x for x in runs_reps], '.1f')} ms")
        del sid
    os.sync()


if __name__ == "__main__":
    main()
