"""Live capture through bleak's real BlueZ backend against the fake BlueZ of the tests.

Starts a private dbus-daemon and the fake (tests/fake_bluez.py) streaming a simulated
recording as a micro:bit at 100 Hz, runs ``reptrack record --device ... --plain`` in its own
process until the recording has been sent, then prints: the recorder's CPU (user + system
time of its process over its wall time, % of one core), samples sent vs stored (loss), and
the latency from the notification carrying a rep's last sample to the rep's line on the
recorder's output (the rep's end from the offline analysis of the same recording; this
includes the engine's own delay in calling a rep done, BATCH_S and the D-Bus hops).

    python benchmarks/bench_ble.py               # 60 s at 100 Hz
    python benchmarks/bench_ble.py --seconds 600 --losses 5
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_ble_fake_bluez import BUS_CONFIG, FakeEvents  # noqa: E402
from tracker.core.recording import Placement  # noqa: E402
from tracker.files.csv_recording import write_recording  # noqa: E402
from tracker.simulate import SimulationConfig, simulate  # noqa: E402

ADDRESS = "C0:11:22:33:44:77"


def _cpu_ticks(pid: int) -> int:
    """User + system CPU of a running process so far, clock ticks (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--losses", type=int, default=0, help="link losses of 1.5 s spread over the stream")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ble-"))
    sets = max(1, int(args.seconds // 60))
    sim = simulate(SimulationConfig(exercise="straight-leg-raise", seed=7, sample_rate_hz=100, with_gyro=True, n_sets=sets, reps_per_set=(8, 8),
                                    setup_motion=False, placement=Placement.THIGH, fault_rate=0.0, rest_between_sets_s=(20, 20)))
    rec = sim.main
    keep = rec.t_s < args.seconds
    from tracker.core.recording import Recording

    rec = Recording(rec.t_s[keep], rec.accel_g[keep], None if rec.gyro_dps is None else rec.gyro_dps[keep], meta=rec.meta)
    path = tmp / "rec.csv"
    write_recording(path, rec)
    losses = [[args.seconds * (k + 1) / (args.losses + 1), 1.5] for k in range(args.losses)]
    (tmp / "scenario.json").write_text(json.dumps({"devices": [{"address": ADDRESS, "name": "BBC micro:bit [bench]", "profile": "micro:bit",
                                                                 "recording": str(path), "losses": losses}]}))
    (tmp / "bus.conf").write_text(BUS_CONFIG.format(socket=tmp / "bus"))
    daemon = subprocess.Popen(["dbus-daemon", f"--config-file={tmp / 'bus.conf'}", "--nofork", "--print-address"], stdout=subprocess.PIPE, text=True)
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": daemon.stdout.readline().strip(), "PYTHONPATH": str(ROOT)}  # type: ignore[union-attr]
    fake = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_bluez.py"), str(tmp / "scenario.json")], env=env, stdout=subprocess.PIPE, text=True)
    events = FakeEvents(fake.stdout)
    try:
        assert events.wait(lambda e: e["event"] == "ready", 15)
        offline = json.loads(subprocess.run([sys.executable, "-m", "tracker.cli", "analyze", str(path), "--exercise", "straight-leg-raise",
                                             "--json"], env=env, capture_output=True, text=True, check=True).stdout)
        db = tmp / "r.db"
        proc = subprocess.Popen([sys.executable, "-m", "tracker.cli", "record", "--device", ADDRESS, "--exercise", "straight-leg-raise",
                                 "--person", "Bench", "--plain", "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        lines: list[tuple[float, str]] = []

        def read() -> None:
            for line in proc.stdout:  # type: ignore[union-attr]
                lines.append((time.monotonic(), line))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        start = events.wait(lambda e: e["event"] == "start", 60)
        ticks0, t0 = _cpu_ticks(proc.pid), time.monotonic()
        end = events.wait(lambda e: e["event"] == "end", args.seconds * 2 + 60)
        ticks1, t1 = _cpu_ticks(proc.pid), time.monotonic()
        time.sleep(0.6)
        proc.send_signal(signal.SIGINT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        reader.join(timeout=5)
        err = proc.stderr.read()  # type: ignore[union-attr]
        show = json.loads(subprocess.run([sys.executable, "-m", "tracker.cli", "show", "last", "--json", "--db", str(db)], env=env,
                                         capture_output=True, text=True, check=True).stdout)
    finally:
        for p in (fake, daemon):
            p.terminate()
    cpu = 100 * (usage.ru_utime + usage.ru_stime) / wall
    # each rep's lines carry its end (recording time): "rep?" when shown tentatively, "rep N" when counted
    parsed = [(t, float(m.group(1)), m.group(2) == "rep?") for t, line in lines
              if (m := re.match(r"^\[\s*([\d.]+) s\] (rep\?|rep \d+)", line))]
    assert start is not None and end is not None
    # counted lines in order are the offline reps in order (the live clock starts elsewhere); a
    # rep's tentative line carries the same end as its counted line
    shown, counted = [], []
    for (t, end_s), r in zip([(t, e) for t, e, tentative in parsed if not tentative], offline["reps"]):
        due = start["monotonic_s"] + r["end_s"]
        first = min(t2 for t2, e2, _ in parsed if abs(e2 - end_s) < 1e-9)
        shown.append(first - due)
        counted.append(t - due)
    print(f"stream: {args.seconds:g} s at 100 Hz (micro:bit profile), {args.losses} link losses; recorder wall {wall:.1f} s")
    print(f"recorder CPU (user+sys / wall, incl. start-up): {cpu:.1f} % of one core (target <= 5 %)")
    steady = 100 * (ticks1 - ticks0) / os.sysconf("SC_CLK_TCK") / (t1 - t0)
    print(f"recorder CPU while streaming (from the first to the last notification): {steady:.1f} % of one core")
    print(f"samples sent {end['delivered_samples']}, stored {show['sample_count']}: "
          f"{end['delivered_samples'] - show['sample_count']} lost after delivery (target 0)")
    print(f"reps: live {show['rep_count']}, offline analysis of the recording {len(offline['reps'])}; stored gaps {len(show['gaps'])}")
    for what, lat in (("shown (tentative or counted)", sorted(shown)), ("counted for good", sorted(counted))):
        if lat:
            print(f"latency notification of a rep's last sample -> its first line, {what}: median {1000 * lat[len(lat) // 2]:.0f} ms, "
                  f"max {1000 * lat[-1]:.0f} ms over {len(lat)} reps")
    print("recorder stderr:", " | ".join(x for x in err.splitlines() if x))


if __name__ == "__main__":
    main()
