"""Dashboard server times, bytes sent, and the live page's delay (prints figures; not a test).

    python benchmarks/bench_dashboard.py [--runs 5] [--live-reps 20] [--no-live]

1. ``person page``: the person page's layout (``dashboard.pages.person.layout``: every use
   case it calls, every figure built) for a person with 300 sessions and 10,000 reps over two
   years, in-process in a Flask request context, best of N (target <= 1 s); and the bytes of
   its JSON (what the browser receives for the page).
2. ``session page 30 min`` / ``session page 60 min``: the session report's layout for a
   30-minute and a 60-minute session at 50 Hz with gyro (imported with ``reptrack import``:
   real reps, sets, flags), best of N (target <= 1 s, <= 2 MB sent).
3. ``overview``: the overview's layout for that store.
4. ``live delay``: ``reptrack dashboard`` and ``reptrack record --speed 5`` as child processes on
   one store, the live page in headless Chromium; for each rep, the time from the store holding
   it (polled every 20 ms) to the page showing it (polled every 20 ms); median and max over
   ``--live-reps`` reps (target: median <= 1 s).
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))
from bench_pipeline import best_of, make_recording, runs_text, verdict  # noqa: E402

from tracker.cli import main as cli  # noqa: E402
from tracker.core.exercises import FlagKind, Severity  # noqa: E402
from tracker.files.csv_recording import read_recording, write_recording  # noqa: E402
from tracker.core.recording import Recording  # noqa: E402
from tracker.pipeline import SessionSetup  # noqa: E402
from tracker.pipeline.types import Flag, Rep, SetSummary  # noqa: E402
from tracker.store import NewSession, OpenMode, SessionStatus, Store, Stream  # noqa: E402

EXERCISE = "side-lying-hip-abduction"


def history_person(store: Store, name: str, *, sessions: int = 300, reps: int = 10_000) -> int:
    """Two years of sessions (about 33 reps each in 3 sets, a fifth flagged), a prescription
    raised every 6 weeks, pain and effort now and then; returns the person's id."""
    store.ensure_person(name, therapist="Dr Bench")
    start = datetime(2024, 12, 1, 9, tzinfo=UTC)
    per = reps // sessions
    extra = reps - per * sessions
    rng = np.random.default_rng(0)
    for w in range(0, 104, 6):
        store.add_prescription(name, SessionSetup.resolve(EXERCISE, "thigh").exercise, sets=3, reps_min=8, reps_max=12, hold_s=None,
                               rest_min_s=60, rest_max_s=180, days_per_week=3, load_kg=0.5 * (w // 6),
                               created_at=(start + timedelta(weeks=w)).isoformat(timespec="milliseconds"))
    t = np.arange(50) / 50.0
    acc = np.tile([0.0, 0.0, 1.0], (50, 1))
    for k in range(sessions):
        when = start + timedelta(days=k * 730 // sessions)
        sid = store.create_session(NewSession(person=name, setup=SessionSetup.resolve(EXERCISE, "thigh"), source="bench",
                                              sample_rate_hz=50.0, has_gyro=False, has_pelvis=False, device_name="bench",
                                              device_kind="bench", meta={"simulated": "true"}, load_kg=0.5 * (k // 25),
                                              started_at=when.isoformat(timespec="milliseconds")))
        n = per + (1 if k < extra else 0)
        with store.transaction():
            store.add_samples(sid, Stream.MAIN, t, acc, None)
            for i in range(n):
                s = 1 + i * 3 // n
                flags = (Flag(FlagKind.PELVIC_RISE, Severity.MILD, "keep your pelvis level", 9.0, 8.0, "deg"),) if rng.random() < 0.2 else ()
                store.add_rep(sid, Rep(index=i + 1, set_index=s, start_s=10.0 * i, peak_s=10.0 * i + 3, end_s=10.0 * i + 6,
                                       rom_deg=float(rng.uniform(20, 35)), lift_s=2.0, hold_s=1.0, lower_s=2.0, peak_speed_dps=40.0,
                                       sparc=float(rng.uniform(-2.2, -1.5)), velocity_peaks=1, shake_g=0.01, tremor_dps=3.0,
                                       pelvis_tilt_deg=1.0, pelvis_lateral_deg=0.5, axis=(0.0, 0.0, 1.0), flags=flags))
            for s in range(1, 4):
                store.add_set(sid, SetSummary(s, 0.0, 1.0, n // 3, None if s == 1 else 90.0))
        store.finish_session(sid, SessionStatus.COMPLETE, ended_at=(when + timedelta(minutes=20)).isoformat(timespec="milliseconds"))
        if k % 10 == 0:
            from tracker.core.progression import EntryKind

            store.add_entry(name, EntryKind.RPE, int(rng.integers(3, 8)), session_id=sid, created_at=when.isoformat(timespec="milliseconds"))
    return store.person(name).id


def import_minutes(db: Path, folder: Path, minutes: float, person: str) -> int:
    rec = make_recording(minutes, 50.0, seed=int(minutes))
    path = folder / f"{minutes:g}min.csv"
    write_recording(path, rec)
    assert cli(["import", str(path), "--exercise", EXERCISE, "--person", person, "--placement", "thigh", "--db", str(db)]) == 0
    with Store.open(db, mode=OpenMode.READ) as store:
        return store.sessions(person=person)[-1].id


def layout_bytes(layout: object) -> int:
    import plotly

    return len(json.dumps(layout.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder).encode())  # type: ignore[attr-defined]


def tiled(path: Path, times: int, out: Path) -> Path:
    """A recording played ``times`` times over, one after the other (more reps for the live test)."""
    rec = read_recording(path).recording
    span = rec.t_s[-1] - rec.t_s[0] + 1.0 / (rec.meta.sample_rate_hz or 50.0)
    t = np.concatenate([rec.t_s + k * span for k in range(times)])
    acc = np.concatenate([rec.accel_g] * times)
    gyr = None if rec.gyro_dps is None else np.concatenate([rec.gyro_dps] * times)
    write_recording(out, Recording(t, acc, gyr, rec.meta))
    return out


def live_delays(folder: Path, reps_wanted: int) -> list[float]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    db = folder / "live.db"
    source = tiled(ROOT / "sample_data" / f"{EXERCISE}.csv", 3, folder / "tiled.csv")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert cli(["import", str(ROOT / "sample_data" / f"{EXERCISE}.csv"), "--exercise", EXERCISE, "--person", "Warm Up", "--db", str(db)]) == 0
    server = subprocess.Popen([sys.executable, "-m", "tracker.cli", "dashboard", "--db", str(db), "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    o = Options()
    o.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={folder / 'chromium'}"):
        o.add_argument(flag)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    rec = None
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        d.get(f"http://127.0.0.1:{port}/live")
        time.sleep(2)
        rec = subprocess.Popen([sys.executable, "-m", "tracker.cli", "record", "--source", str(source), "--exercise", EXERCISE,
                                "--person", "Live Bench", "--speed", "5", "--plain", "--db", str(db)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        store = Store.open(db, mode=OpenMode.READ)
        sid = None
        committed: dict[int, float] = {}
        shown: dict[int, float] = {}
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and len([n for n in shown if n > 0]) < reps_wanted:
            now = time.monotonic()
            if sid is None:
                live = [s for s in store.sessions() if s.status is SessionStatus.RECORDING]
                sid = live[0].id if live else None
            else:
                committed.setdefault(store.session(sid).rep_count, now)
                title, count = d.execute_script("return [document.getElementById('live-title').innerText, "
                                                "document.getElementById('live-count').innerText]")
                if f"session {sid}" in title and count.isdigit():
                    shown.setdefault(int(count), time.monotonic())
            time.sleep(0.02)
        store.close()
        # the first rep of a set is committed with the second: a count the page jumps over was never in the store alone
        return [shown[n] - committed[n] for n in sorted(shown) if n > 0 and n in committed]
    finally:
        if rec is not None:
            rec.send_signal(signal.SIGINT)
            rec.wait(30)
        d.quit()
        server.send_signal(signal.SIGINT)
        server.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--live-reps", type=int, default=20)
    ap.add_argument("--no-live", action="store_true", help="skip the browser measurement")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        t0 = time.perf_counter()
        with Store.open(db) as store:
            pid = history_person(store, "Hana Long")
        s30 = import_minutes(db, folder, 30, "Ivo Short")
        s60 = import_minutes(db, folder, 60, "Ivo Short")
        print(f"store built in {time.perf_counter() - t0:.1f} s ({db.stat().st_size / 1e6:.0f} MB)")

        from dashboard.app import create_app

        app = create_app(db)  # first: Dash imports the pages when the app is made
        from dashboard.pages import overview, person, session
        with app.server.test_request_context("/"):
            for label, fn, target_s in (
                ("person page (300 sessions, 10,000 reps)", lambda: person.layout(person_id=str(pid)), 1.0),
                ("session page 30 min", lambda: session.layout(session_id=str(s30)), 1.0),
                ("session page 60 min", lambda: session.layout(session_id=str(s60)), 1.0),
                ("overview (3 people)", lambda: overview.layout(), 1.0),
            ):
                best, runs = best_of(args.runs, fn)
                size = layout_bytes(fn())
                ok = best <= target_s and (size <= 2e6 or not label.startswith("session"))
                print(f"{label}: {best * 1000:.0f} ms server, {size / 1e6:.2f} MB sent (target <= {target_s:g} s"
                      f"{', <= 2 MB' if label.startswith('session') else ''}) {verdict(ok)}  runs: {runs_text(runs, '.3f')}")
        if not args.no_live:
            delays = live_delays(folder, args.live_reps)
            if delays:
                med = statistics.median(delays)
                print(f"live delay over {len(delays)} reps: median {med * 1000:.0f} ms, max {max(delays) * 1000:.0f} ms "
                      f"(target median <= 1 s) {verdict(med <= 1.0)}")
            else:
                print("live delay: no rep seen")


if __name__ == "__main__":
    main()
