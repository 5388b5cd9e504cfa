"""End to end through bleak's real, unmodified BlueZ backend, against a fake BlueZ.

A private ``dbus-daemon`` (a system-type bus in a temporary folder) serves the fake
(:mod:`tests.fake_bluez`, dbus-fast); ``DBUS_SYSTEM_BUS_ADDRESS`` points every process of
these tests at it. ``reptrack scan`` and ``reptrack record --device ...`` run as separate
processes, as a person would run them, and stream recordings the fake sends at 100 Hz as
micro:bit, WitMotion and Polar H10 notifications. The recordings run at the same time (the
fake serves all its sensors at once), so the whole module takes about 25 s.

Skipped (not failed) where ``dbus-daemon`` is missing; ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tracker.core.recording import Placement, Recording
from tracker.files.csv_recording import write_recording
from tracker.simulate import SimulationConfig, simulate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="dbus-daemon not installed (apt-get install dbus-daemon)")

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow send_destination="*"/>
  </policy>
</busconfig>
"""

MICROBIT = "C0:11:22:33:44:01"
WITMOTION = "C0:11:22:33:44:02"
POLAR = "C0:11:22:33:44:03"
THIGH = "C0:11:22:33:44:04"
PELVIS = "C0:11:22:33:44:05"
HEADPHONES = "C0:11:22:33:44:09"
#: sensors nobody connects to, for the scan: a connected sensor stops advertising (as a real one
#: does), and the recording sessions, started at the same time, connect to the others -- a scan
#: that came after a session's connect missed that sensor (CI, stop 31). Not a second "Polar H10":
#: the Polar session names its sensor so, and two would make the name ambiguous
SCAN_MICROBIT, SCAN_WITMOTION, SCAN_POLAR = "C0:11:22:33:44:11", "C0:11:22:33:44:12", "C0:11:22:33:44:13"
#: a WitMotion link loss: at 6 s, for 1.5 s (mid-set: the first rep runs from about 2.7 s to 7.8 s)
LOSS_AT_S, LOSS_S = 6.0, 1.5
#: the Polar H10 goes away for good at 4 s; the session gives up 3 s later
GONE_AT_S, GIVE_UP_S = 4.0, 3.0
#: every 40th micro:bit notification is cut short, every 25th Polar frame sent twice
SHORT_EVERY, DUPLICATE_EVERY = 40, 25


def _recording(tmp: Path, name: str, *, pelvis: bool = False) -> Path:
    """2 straight-leg raises at 100 Hz with a pelvis sensor, 16.5 s (the still start trimmed)."""
    sim = simulate(SimulationConfig(exercise="straight-leg-raise", seed=3, sample_rate_hz=100, with_gyro=True, n_sets=1, reps_per_set=(2, 2),
                                    setup_motion=False, placement=Placement.THIGH, fault_rate=0.0))
    rec = sim.pelvis if pelvis else sim.main
    assert rec is not None and rec.gyro_dps is not None
    keep = (rec.t_s >= 2.5) & (rec.t_s < 19.0)
    cut = Recording(rec.t_s[keep] - rec.t_s[keep][0], rec.accel_g[keep], rec.gyro_dps[keep], meta=rec.meta)
    path = tmp / name
    write_recording(path, cut)
    return path


class FakeEvents:
    """The fake's stdout, read by a thread."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.events: list[dict] = []  # type: ignore[type-arg]
        self._q: queue.Queue[dict] = queue.Queue()  # type: ignore[type-arg]
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            try:
                self._q.put(json.loads(line))
            except ValueError:
                pass

    def wait(self, pred, timeout_s: float) -> dict | None:  # type: ignore[no-untyped-def, type-arg]
        end = time.monotonic() + timeout_s
        for e in self.events:
            if pred(e):
                return e
        while time.monotonic() < end:
            try:
                e = self._q.get(timeout=0.1)
            except queue.Empty:
                continue
            self.events.append(e)
            if pred(e):
                return e
        return None


@dataclass
class Bus:
    env: dict[str, str]
    events: FakeEvents
    tmp: Path
    recordings: dict[str, Path]
    sessions: dict[str, tuple[str, Path, subprocess.Popen[str]]]  # started at once, collected by `runs`


#: the recording sessions: the sensor's address, and how it is named on the command line
SESSIONS = {
    "microbit": (MICROBIT, ["--device", "BBC micro:bit [tezip]"]),
    "witmotion": (WITMOTION, ["--device", WITMOTION]),
    "polar": (POLAR, ["--device", "Polar H10", "--give-up-s", str(GIVE_UP_S)]),
    "two": (THIGH, ["--device", "WT901BLE-thigh", "--pelvis-device", PELVIS]),
}


@pytest.fixture(scope="module")
def bus(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("bluez")
    socket = tmp / "system_bus_socket"
    (tmp / "bus.conf").write_text(BUS_CONFIG.format(socket=socket))
    daemon = subprocess.Popen(["dbus-daemon", f"--config-file={tmp / 'bus.conf'}", "--nofork", "--print-address"],
                              stdout=subprocess.PIPE, text=True)
    address = (daemon.stdout.readline() if daemon.stdout else "").strip()
    assert address.startswith("unix:"), address
    env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    recs = {"thigh": _recording(tmp, "thigh.csv"), "pelvis": _recording(tmp, "pelvis.csv", pelvis=True)}
    scenario = {"devices": [
        {"address": MICROBIT, "name": "BBC micro:bit [tezip]", "profile": "micro:bit", "recording": str(recs["thigh"]),
         "short_every": SHORT_EVERY},
        {"address": WITMOTION, "name": "WT901BLE67", "profile": "witmotion", "recording": str(recs["thigh"]),
         "losses": [[LOSS_AT_S, LOSS_S]]},
        {"address": POLAR, "name": "Polar H10 8C4F2A", "profile": "polar-h10", "recording": str(recs["thigh"]),
         "never_back_at": GONE_AT_S, "duplicate_every": DUPLICATE_EVERY},
        {"address": THIGH, "name": "WT901BLE-thigh", "profile": "witmotion", "recording": str(recs["thigh"])},
        {"address": PELVIS, "name": "BBC micro:bit [pelvi]", "profile": "micro:bit", "recording": str(recs["pelvis"])},
        {"address": HEADPHONES, "name": "Headphones", "service_uuid": "0000110b-0000-1000-8000-00805f9b34fb"},
        {"address": SCAN_MICROBIT, "name": "BBC micro:bit [zotup]", "profile": "micro:bit"},
        {"address": SCAN_WITMOTION, "name": "WT901BLE68", "profile": "witmotion"},
        {"address": SCAN_POLAR, "name": "Polar Sense 1A2B3C", "profile": "polar-verity"},
    ]}
    (tmp / "scenario.json").write_text(json.dumps(scenario))
    fake = subprocess.Popen([sys.executable, str(HERE / "fake_bluez.py"), str(tmp / "scenario.json")], env=env, stdout=subprocess.PIPE,
                            text=True)
    events = FakeEvents(fake.stdout)
    try:
        assert events.wait(lambda e: e["event"] == "ready", 15) is not None, "the fake BlueZ did not start"
        sessions = {}
        for key, (address, device) in SESSIONS.items():
            db = tmp / f"{key}.db"
            sessions[key] = (address, db, subprocess.Popen(
                [sys.executable, "-m", "tracker.cli", "record", *device, "--exercise", "straight-leg-raise", "--person", "Ann", "--plain",
                 "--db", str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        yield Bus(env, events, tmp, recs, sessions)
    finally:
        for _, _, proc in locals().get("sessions", {}).values():
            if proc.poll() is None:
                proc.kill()
        for p in (fake, daemon):
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()


def reptrack(bus: Bus, *args: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tracker.cli", *args], env=bus.env, capture_output=True, text=True, timeout=timeout_s)


@dataclass
class Run:
    db: Path
    rc: int
    out: str
    err: str
    delivered: int | None  # samples the fake sent while connected
    packets: int | None  # notifications the fake sent


@pytest.fixture(scope="module")
def runs(bus: Bus) -> dict[str, Run]:
    """The recording sessions (all started with the fake): each ends with Ctrl-C once its sensor has sent all (or ends itself)."""
    out: dict[str, Run] = {}
    for key, (address, db, proc) in bus.sessions.items():
        end = bus.events.wait(lambda e, a=address: e["event"] == "end" and e["address"] == a, 60)
        if key == "two":
            assert bus.events.wait(lambda e: e["event"] == "end" and e["address"] == PELVIS, 10) is not None
        if proc.poll() is None:
            time.sleep(0.6)  # the last notifications on their way
            proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=30)
        out[key] = Run(db, proc.returncode, stdout, stderr, None if end is None else end["delivered_samples"],
                       None if end is None else end["packets"])
    return out


def show(bus: Bus, db: Path) -> dict:  # type: ignore[type-arg]
    r = reptrack(bus, "show", "last", "--json", "--db", str(db))
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def offline_reps(bus: Bus, path: Path, *extra: str) -> int:
    r = reptrack(bus, "analyze", str(path), "--exercise", "straight-leg-raise", "--json", *extra)
    assert r.returncode == 0, r.stderr
    return len(json.loads(r.stdout)["reps"])


def reanalysed_identical(bus: Bus, db: Path) -> bool:
    r = reptrack(bus, "reanalyze", "last", "--dry-run", "--db", str(db))
    assert r.returncode == 0, r.stderr
    return "identical results" in r.stdout


# ---------------------------------------------------------------------- scan
def test_scan_lists_the_sensors_and_marks_the_others_unknown(bus: Bus) -> None:
    r = reptrack(bus, "scan", "--timeout", "1.5", "--json")
    assert r.returncode == 0, r.stderr
    found = {d["address"]: d for d in json.loads(r.stdout)}
    assert found[SCAN_MICROBIT]["profile"] == "micro:bit" and found[SCAN_MICROBIT]["name"] == "BBC micro:bit [zotup]"
    assert found[SCAN_WITMOTION]["profile"] == "witmotion"
    assert found[SCAN_POLAR]["profile"] == "polar-verity"  # the same service as the H10: told by its name
    assert found[HEADPHONES]["profile"] is None
    assert isinstance(found[SCAN_MICROBIT]["rssi_dbm"], int)


def test_a_sensor_that_is_not_there_is_one_line_and_exit_2(bus: Bus, tmp_path: Path) -> None:
    r = reptrack(bus, "record", "--device", "No Such Sensor", "--exercise", "clamshell", "--person", "Ann", "--db", str(tmp_path / "x.db"),
                 "--plain", timeout_s=30)
    assert r.returncode == 2
    assert r.stderr.startswith("reptrack: error: no sensor 'No Such Sensor' answered") and r.stderr.count("\n") == 1


def test_a_sensor_of_an_unknown_kind_asks_for_a_profile(bus: Bus, tmp_path: Path) -> None:
    r = reptrack(bus, "record", "--device", HEADPHONES, "--exercise", "clamshell", "--person", "Ann", "--db", str(tmp_path / "x.db"),
                 timeout_s=30)
    assert r.returncode == 2 and "unknown kind" in r.stderr and "--profile" in r.stderr and r.stderr.count("\n") == 1


# ---------------------------------------------------------------------- recording
def test_microbit_every_delivered_sample_stored_and_short_packets_counted(bus: Bus, runs: dict[str, Run]) -> None:
    run = runs["microbit"]
    assert run.rc == 0, run.err
    s = show(bus, run.db)
    assert s["status"] == "complete"
    assert s["sample_count"] == run.delivered and run.delivered > 1500
    writes = [e for e in bus.events.events if e["event"] == "write" and e["address"] == MICROBIT]
    assert writes[0]["value"] == "0a00"  # the period: 10 ms
    assert run.packets is not None
    assert f"packets skipped: {run.packets // SHORT_EVERY} short" in run.err, run.err
    assert reanalysed_identical(bus, run.db)
    assert s["rep_count"] == offline_reps(bus, bus.recordings["thigh"]) == 2


def test_witmotion_link_loss_mid_set_reconnects_records_the_gap_and_loses_nothing_delivered(bus: Bus, runs: dict[str, Run]) -> None:
    run = runs["witmotion"]
    assert run.rc == 0, run.err
    connects = [e for e in bus.events.events if e["event"] == "connect" and e["address"] == WITMOTION]
    assert len(connects) == 2  # reconnected once
    s = show(bus, run.db)
    assert s["status"] == "complete"
    assert s["sample_count"] == run.delivered  # every sample that arrived is kept
    gaps = [(g["start_s"], g["end_s"]) for g in s["gaps"]]
    assert gaps, s["gaps"]
    assert any(e - b >= LOSS_S for b, e in gaps)
    assert "reconnected 1 time" in run.err and "1 drop-out" in run.err
    # the stored session re-analyses to the same reps: none lost or counted twice at the reconnect
    assert reanalysed_identical(bus, run.db)
    times = [r["start_s"] for r in s["reps"]]
    assert times == sorted(set(times))


def test_polar_never_coming_back_ends_the_session_interrupted(bus: Bus, runs: dict[str, Run]) -> None:
    run = runs["polar"]
    assert run.rc == 2
    lines = [x for x in run.err.splitlines() if x.startswith("reptrack: error:")]
    assert len(lines) == 1 and "has been gone for 3 s" in lines[0] and "interrupted" in lines[0]
    s = show(bus, run.db)
    assert s["status"] == "interrupted"
    assert s["sample_count"] >= 100 * (GONE_AT_S - 1)  # what came before is kept
    assert "duplicate" in run.err  # the frames sent twice were skipped and reported


def test_two_sensors_thigh_and_pelvis_in_one_session(bus: Bus, runs: dict[str, Run]) -> None:
    run = runs["two"]
    assert run.rc == 0, run.err
    s = show(bus, run.db)
    assert s["has_pelvis"] is True and s["status"] == "complete"
    assert s["pelvis_sample_rate_hz"] == 100.0
    assert s["rep_count"] == 2
    assert all(r["pelvis_tilt_deg"] is not None for r in s["reps"]), s["reps"]  # measured on the pelvis sensor, aligned in time
    assert reanalysed_identical(bus, run.db)
