"""The dashboard end to end, in a real headless Chromium (Debian's chromium + chromium-driver,
driven by Selenium) against ``reptrack dashboard`` served by a child process.

Screenshots of every page go to /tmp/dash-shots/ (looked at by eye when the pages change).
Skipped when Chromium or its driver is missing (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard_store import PASSWORD, ROOT, SAMPLES, build_store
from tracker.store import OpenMode, SessionStatus, Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = Path("/tmp/dash-shots")
#: a rep committed by the recorder is on the live page within this at the latest: a page that
#: stopped polling. The target (median 1 s) is measured by benchmarks/bench_dashboard.py, not here:
#: a loaded machine misses it now and then (median 1.1 s, one of 2.9 s, with an evaluation and two
#: test workers on two cores, stop 47), and a timed test that flakes is no check
LIVE_DELAY_MAX_S = 10.0

pytestmark = pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                                reason="needs Debian's chromium and chromium-driver (.ci/run installs them)")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, db: Path, *, host: str = "127.0.0.1") -> None:
        self.port = free_port(host)
        self.base = f"http://{host}:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "tracker.cli", "dashboard", "--db", str(db), "--host", host,
                                      "--port", str(self.port)], cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((host, self.port), timeout=0.2):
                    return
            except OSError:
                assert self.proc.poll() is None, self.output()
                time.sleep(0.1)
        raise AssertionError("the dashboard did not start: " + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return self.output()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("browser") / "store.db")


@pytest.fixture(scope="module")
def local(db: Path) -> Iterator[Server]:
    s = Server(db)
    yield s
    out = s.stop()
    assert "Traceback" not in out, out


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    o = Options()
    o.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2",
                 f"--user-data-dir={tmp_path / 'chromium'}"):
        o.add_argument(flag)
    d = webdriver.Chrome(service=Service(DRIVER), options=o)
    d.set_page_load_timeout(20)
    yield d
    d.quit()


def wait_text(d, text: str, timeout: float = 10.0) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        body = d.execute_script("return document.body ? document.body.innerText : ''") or ""
        if text in body:
            return str(body)
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not on {d.current_url} after {timeout} s; the page says: {body[:500]!r}")


def shot(d, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = d.get_window_size()["width"]
    height = d.execute_script("return document.documentElement.scrollHeight")
    d.set_window_size(width, min(max(height, 600), 5000))
    time.sleep(0.3)
    d.save_screenshot(str(SHOTS / f"{name}.png"))
    d.set_window_size(width, 1000)


def test_overview_person_session_note_export_and_404(local: Server, browser, db: Path) -> None:  # type: ignore[no-untyped-def]
    d = browser
    d.get(local.base + "/")
    body = wait_text(d, "Ann Lee")
    assert "Bob Ray" in body and "pain 6/10" in body  # who needs attention, first
    assert body.index("Bob Ray") < body.index("Ann Lee")
    shot(d, "overview")
    d.find_element("link text", "Ann Lee").click()
    wait_text(d, "Exercise days")
    wait_text(d, "Next step")
    shot(d, "person")
    # as drawn, no legend runs into its figure's title (the six flags' legend did, stop 52), and
    # every axis labels each of its ticks differently
    drawn = drawn_figures(d)
    assert len(drawn) >= 5 and any(p["ticks"].get("y2tick") for p in drawn)
    assert_drawn_cleanly(drawn)

    with Store.open(db, mode=OpenMode.READ) as store:
        sid = store.sessions(person="Ann Lee")[0].id
        reps = store.reps(sid)
    d.get(f"{local.base}/session/{sid}")
    wait_text(d, "Angle over the session")
    rows = d.find_elements("css selector", "#session-reps tbody tr td[data-dash-column='rep']")
    assert len(rows) == len(reps)
    flagged = [r for r in reps if r.flags]
    body = wait_text(d, flagged[0].flags[0].cue)
    assert f"{len(flagged)}\nflagged reps" in body
    shot(d, "session")
    # a click on a rep's row zooms the trace to it
    rows[flagged[0].index - 1].click()
    deadline = time.monotonic() + 5
    rng = None
    while time.monotonic() < deadline and not rng:
        rng = d.execute_script("var g = document.querySelector('#session-graph .js-plotly-plot'); "
                               "return g && g.layout.xaxis.autorange === false ? g.layout.xaxis.range : null")
        time.sleep(0.05)
    assert rng is not None and rng[0] < flagged[0].start_s < flagged[0].end_s < rng[1] and rng[1] - rng[0] < 30
    # a note, saved, survives a reload
    note = f"hold the top longer {time.time():.0f}"
    d.find_element("id", "session-note-text").send_keys(note)
    d.find_element("id", "session-note-save").click()
    wait_text(d, "saved")
    d.refresh()
    wait_text(d, note)
    # the exports
    with urllib.request.urlopen(f"{local.base}/export/session/{sid}.html", timeout=20) as r:
        page = r.read().decode()
    assert "plotly.js v" in page and page.count("<tr") == len(reps) + 1 and note in page
    with urllib.request.urlopen(f"{local.base}/export/session/{sid}.csv", timeout=20) as r:
        assert len(r.read().decode().splitlines()) == len(reps) + 1
    # what does not exist says so
    d.get(local.base + "/no/such/page")
    wait_text(d, "No such page")
    shot(d, "not-found")
    d.get(local.base + "/session/99999")
    wait_text(d, "no session 99999")
    d.get(local.base + "/person/xyz")
    wait_text(d, "Not found")


#: Each figure on the page as drawn: its title, its ticks' labels by axis, and whether its legend
#: and its title overlap on screen
_DRAWN_FIGURES_JS = """
    const out = [];
    for (const g of document.querySelectorAll('.js-plotly-plot')) {
      const ticks = {};
      for (const t of g.querySelectorAll('g.xtick text, g.ytick text, g.y2tick text')) {
        const axis = t.parentNode.getAttribute('class');
        (ticks[axis] = ticks[axis] || []).push(t.textContent);
      }
      const title = g.querySelector('text.gtitle'), legend = g.querySelector('g.legend');
      let overlap = false;
      if (title && legend) {
        const a = title.getBoundingClientRect(), b = legend.getBoundingClientRect();
        overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      }
      out.push({title: title ? title.textContent : '', ticks: ticks, overlap: overlap});
    }
    return out;"""


def drawn_figures(d) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(d.execute_script(_DRAWN_FIGURES_JS))


def assert_drawn_cleanly(drawn: list[dict]) -> None:
    for p in drawn:
        assert not p["overlap"], f"the legend runs into the title {p['title']!r}"
        for axis, labels in p["ticks"].items():
            assert len(labels) == len(set(labels)), f"{p['title']!r}: {axis} labels {labels}"


def test_a_narrow_smoothness_range_gets_distinct_tick_labels(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # SPARC of a person's sessions within a few tenths (-2.2 to -1.95): one decimal labelled the
    # axis -2.0, -2.0, -2.1, -2.1 (the demo's person page, stop 52)
    from dashboard.figures import flag_share_figure, trends_figure
    from tracker.app.history import SessionSummary
    from tracker.core.exercises import FlagKind, get_exercise

    sparc = [-2.19, -2.02, -2.11, -1.96, -2.17, -2.05, -1.98, -2.14]
    sessions = [SessionSummary(i + 1, f"2026-11-{10 + 2 * i:02d}T10:00:00", get_exercise("side-lying-hip-abduction"),
                               SessionStatus.COMPLETE, None, 20, (10, 10), 25.0 + i, s, 6,
                               tuple((k, 1 + (i + j) % 4) for j, k in enumerate(FlagKind)))
                for i, s in enumerate(sparc)]
    page = tmp_path / "figures.html"
    page.write_text("<html><body style='width:620px'>" + trends_figure(sessions).to_html(full_html=False, include_plotlyjs="inline")
                    + flag_share_figure(sessions).to_html(full_html=False, include_plotlyjs=False) + "</body></html>")
    browser.get(page.as_uri())
    deadline = time.monotonic() + 10
    drawn: list[dict] = []
    while time.monotonic() < deadline and not (len(drawn) == 2 and all(p["ticks"] for p in drawn)):
        drawn = drawn_figures(browser)
        time.sleep(0.1)
    assert [p["title"] for p in drawn] == ["Range and smoothness", "Reps flagged, by flag"]
    assert len(drawn[0]["ticks"]["y2tick"]) >= 3
    assert_drawn_cleanly(drawn)


def test_a_phone_width_shows_the_pages_without_sideways_scrolling(local: Server, browser, db: Path) -> None:  # type: ignore[no-untyped-def]
    d = browser
    d.set_window_size(390, 844)
    for path, text, name in (("/", "Ann Lee", "overview-390"), ("/session/1", "Angle over the session", "session-390"),
                             ("/live", "set ", "live-390")):
        d.get(local.base + path)
        wait_text(d, text)
        time.sleep(0.3)
        assert d.execute_script("return document.documentElement.scrollWidth") <= 390, path
        shot(d, name)


def test_accounts_refuse_strangers_and_anonymous_visitors(db: Path, browser) -> None:  # type: ignore[no-untyped-def]
    d = browser
    server = Server(db, host="127.0.0.2")  # not loopback by name: accounts required
    try:
        with Store.open(db, mode=OpenMode.READ) as store:
            ann_sid = store.sessions(person="Ann Lee")[0].id
            bob_sid = store.sessions(person="Bob Ray")[0].id
        d.get(f"{server.base}/session/{ann_sid}")
        assert "/login" in d.current_url
        wait_text(d, "Sign in")
        shot(d, "login")
        with urllib.request.urlopen(urllib.request.Request(f"{server.base}/export/session/{ann_sid}.csv"), timeout=10) as r:
            assert "/login" in r.url and "rom_deg" not in r.read().decode()  # redirected, no data

        def login(name: str, path: str) -> None:
            d.delete_all_cookies()
            d.get(f"{server.base}/login?next={path}")
            d.find_element("id", "login-name").send_keys(name)
            d.find_element("id", "login-password").send_keys(PASSWORD)
            d.find_element("id", "login-submit").click()

        login("Bob Ray", f"/session/{ann_sid}")  # patient B asks for patient A's session
        body = wait_text(d, "403")
        assert "Not yours to see" in body and "Ann Lee" not in body
        shot(d, "forbidden")
        d.get(f"{server.base}/session/{bob_sid}")  # his own
        body = wait_text(d, "Angle over the session")
        assert "Save note" not in body  # notes are written by therapists
        d.get(f"{server.base}/")
        body = wait_text(d, "Bob Ray")
        assert "Ann Lee" not in body

        login("Dr Kim", "/")
        body = wait_text(d, "Ann Lee")
        assert "Bob Ray" not in body  # Dr Who's patient
        d.get(f"{server.base}/session/{bob_sid}")
        wait_text(d, "403")
    finally:
        out = server.stop()
    assert "Traceback" not in out, out


def test_live_page_shows_each_new_rep_within_a_second(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]
    """A real ``reptrack record`` child process writes the store the dashboard reads."""
    d = browser
    db = build_store(tmp_path / "live.db", accounts=False)
    server = Server(db)
    rec = None
    try:
        d.get(server.base + "/live")
        wait_text(d, "set ")
        rec = subprocess.Popen([sys.executable, "-m", "tracker.cli", "record", "--source", str(SAMPLES / "side-lying-hip-abduction.csv"),
                                "--exercise", "side-lying-hip-abduction", "--person", "Cy Live", "--speed", "5", "--plain",
                                "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        store = Store.open(db, mode=OpenMode.READ)
        sid = None
        committed: dict[int, float] = {}
        shown: dict[int, float] = {}
        shots_taken = False
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and len(shown) < 6:
            now = time.monotonic()
            if sid is None:
                live = [s for s in store.sessions() if s.status is SessionStatus.RECORDING]
                sid = live[0].id if live else None
            else:
                # what the page must show: the reps counted and those not yet sure (a set's first
                # rep shows as soon as it ends, before the second confirms the set)
                info = store.session(sid)
                committed.setdefault(info.rep_count + info.tentative_reps, now)
                title, count = d.execute_script("return [document.getElementById('live-title').innerText, "
                                                "document.getElementById('live-count').innerText]")
                if f"session {sid}" in title and count.isdigit():
                    shown.setdefault(int(count), time.monotonic())
                if len(shown) == 3 and not shots_taken:
                    shots_taken = True
                    shot(d, "live")  # (its time is not counted: the next rep is seconds away)
            time.sleep(0.02)
        store.close()
        delays = [shown[n] - committed[n] for n in sorted(shown) if n > 0 and n in committed]
        assert len(delays) >= 4, (committed, shown)
        assert max(delays) <= LIVE_DELAY_MAX_S, delays
        assert sorted(shown) == sorted(n for n in committed if n <= max(shown))  # no rep skipped on the page
    finally:
        if rec is not None:
            rec.send_signal(signal.SIGINT)
            rec.wait(20)
        out = server.stop()
    assert "Traceback" not in out, out
