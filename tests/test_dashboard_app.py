"""The dashboard without a browser: the accounts rule, the overview's attention reasons, the
live view, page layouts and callbacks called as plain functions, the command line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.dashboard_store import PASSWORD, build_store
from tracker.app.accounts import LOCAL_VIEWER, Role, Viewer, add_user, authenticate, check_person, check_session, visible_people
from tracker.app.overview import therapist_overview
from tracker.app.traces import live_view
from tracker.errors import AccessDeniedError, InvalidValueError, NotFoundError
from tracker.store import OpenMode, Store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("dash") / "store.db")


@pytest.fixture(scope="module")
def app(db: Path):  # type: ignore[no-untyped-def]
    from dashboard.app import create_app

    return create_app(db)


def test_accounts_see_only_their_own(db: Path) -> None:
    with Store.open(db, mode=OpenMode.READ) as store:
        kim = authenticate(store, "dr kim", PASSWORD)  # names match as everywhere else
        bob = authenticate(store, "Bob Ray", PASSWORD)
        assert authenticate(store, "Bob Ray", "wrong password") is None and authenticate(store, "nobody", PASSWORD) is None
        assert kim is not None and kim.role is Role.THERAPIST and bob is not None and bob.role is Role.PATIENT
        ann_session, bob_session = (s.id for s in store.sessions())
        ann = store.person("Ann Lee").id
        assert [p.name for p in visible_people(store, kim)] == ["Ann Lee"]
        assert [p.name for p in visible_people(store, bob)] == ["Bob Ray"]
        assert check_session(store, kim, ann_session).person == "Ann Lee"
        for viewer, sid in ((kim, bob_session), (bob, ann_session)):
            with pytest.raises(AccessDeniedError):
                check_session(store, viewer, sid)
        with pytest.raises(AccessDeniedError):
            check_person(store, bob, ann)
        with pytest.raises(AccessDeniedError):  # an account cannot tell a missing id from a refused one
            check_session(store, bob, 99999)
        with pytest.raises(NotFoundError):  # the local user is told plainly
            check_session(store, LOCAL_VIEWER, 99999)
        assert not bob.writes_notes and kim.writes_notes


def test_account_refusals(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        with pytest.raises(InvalidValueError):
            add_user(store, "Dr Short", Role.THERAPIST, "short")
        with pytest.raises(Exception, match="already an account"):
            add_user(store, "DR KIM", Role.THERAPIST, PASSWORD)
        with pytest.raises(NotFoundError):
            add_user(store, "Nobody Here", Role.PATIENT, PASSWORD)
        row = store.user("Dr Kim")
        assert row is not None and PASSWORD not in row.password_hash and row.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_overview_puts_pain_first_with_its_reason(db: Path) -> None:
    with Store.open(db, mode=OpenMode.READ) as store:
        rows = therapist_overview(store, LOCAL_VIEWER)
        assert [r.summary.person for r in rows] == ["Bob Ray", "Ann Lee"]
        assert rows[0].reasons[0].startswith("pain 6/10 reported on")
        kim = therapist_overview(store, Viewer(Role.THERAPIST, "Dr Kim", therapist="Dr Kim"))
        assert [r.summary.person for r in kim] == ["Ann Lee"]


def test_live_view_of_a_finished_session_counts_its_reps(db: Path) -> None:
    with Store.open(db, mode=OpenMode.READ) as store:
        latest = store.sessions()[-1]
        view = live_view(store)  # nothing recording: the latest session
        assert view.info.id == latest.id and view.rep_count == latest.rep_count and not view.recording
        assert view.trace.t_s[-1] - view.trace.t_s[0] <= 21.0  # the last ~20 s only
        assert all(r.end_s >= view.latest_t_s - 20.0 for r in view.window_reps)


def texts(component: object) -> str:
    """Every string in a Dash component tree."""
    out: list[str] = []

    def walk(c: object) -> None:
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list | tuple):
            for x in c:
                walk(x)
        elif hasattr(c, "children"):
            walk(c.children)
    walk(component)
    return " ".join(out)


def test_pages_say_what_is_wrong_instead_of_a_traceback(app, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dashboard.pages import overview, person, session

    with app.server.test_request_context("/"):
        assert "Ann Lee" in texts(overview.layout()) or overview.layout() is not None
        assert "No such" in texts(session.layout(session_id="99999")) or "no session 99999" in texts(session.layout(session_id="99999"))
        assert "Not found" in texts(person.layout(person_id="abc"))
        app.server.config["REPTRACK_DB"] = str(tmp_path / "missing.db")
        try:
            assert "No data yet" in texts(overview.layout())
        finally:
            app.server.config["REPTRACK_DB"] = str(db)


def test_session_page_lists_every_rep_and_a_note_is_saved(app, db: Path) -> None:  # type: ignore[no-untyped-def]
    from dashboard.pages import session

    with Store.open(db, mode=OpenMode.READ) as store:
        sid = store.sessions()[0].id
        n_reps = len(store.reps(sid))
    with app.server.test_request_context(f"/session/{sid}"):
        page = session.layout(session_id=str(sid))
        table = next(c for c in _all(page) if getattr(c, "id", None) == "session-reps")
        assert len(table.data) == n_reps and any(row["flags"] for row in table.data)
        notes, cleared, status = session.save_note_for(sid, "  lift slower in set 2  ")
        assert status.startswith("saved") and cleared == "" and "lift slower in set 2" in texts(notes)
        assert session.save_note_for(sid, "   ")[2] == "write the note first"
    with Store.open(db, mode=OpenMode.READ) as store:
        assert [n.text for n in store.notes("Ann Lee", session_id=sid)][-1] == "lift slower in set 2"


def test_the_session_page_of_a_sensor_without_a_gyro_says_jerky_is_less_certain(app, cli, db: Path,  # type: ignore[no-untyped-def]
                                                                                 tmp_path: Path) -> None:
    from dashboard.pages import session
    from tests.test_cli import SAMPLES, SIDE_LYING, SIDE_LYING_PELVIS
    from tracker.core.exercises import JERKY_WITHOUT_GYRO_NOTE

    own = tmp_path / "store.db"
    for csv, pelvis, exercise in ((SAMPLES / "prone-leg-lift-accel-only.csv", SAMPLES / "prone-leg-lift-accel-only.pelvis.csv",
                                   "prone-leg-lift"), (SIDE_LYING, SIDE_LYING_PELVIS, "side-lying-hip-abduction")):
        code, _, err = cli("import", csv, "--pelvis", pelvis, "--exercise", exercise, "--person", "Ann Lee", "--db", own)
        assert code == 0, err
    with Store.open(own, mode=OpenMode.READ) as store:
        sessions = {s.has_gyro: s.id for s in store.sessions()}
    assert set(sessions) == {False, True}
    app.server.config["REPTRACK_DB"] = str(own)
    try:
        for has_gyro, sid in sessions.items():
            with app.server.test_request_context(f"/session/{sid}"):
                page = texts(session.layout(session_id=str(sid)))
            assert ("jerky is less certain" in page) is not has_gyro
            assert (JERKY_WITHOUT_GYRO_NOTE in page) is not has_gyro
            exported = app.server.test_client().get(f"/export/session/{sid}.html")  # the report to print or send
            assert exported.status_code == 200
            assert ("jerky is less certain" in exported.get_data(as_text=True)) is not has_gyro
    finally:
        app.server.config["REPTRACK_DB"] = str(db)


def test_live_callback_renders_the_count(app, db: Path) -> None:  # type: ignore[no-untyped-def]
    from dashboard.pages import live

    with Store.open(db, mode=OpenMode.READ) as store:
        latest = store.sessions()[-1]
    with app.server.test_request_context("/live"):
        title, count, set_line, _status, _rest, _cues, fig, _seen = live.update_live(0, None)
        assert count == str(latest.rep_count) and set_line.startswith("set ")
        assert fig.data[0].mode == "lines"
        assert live.update_live(0, -1)[0].children == "Not found"


def _all(c: object) -> list[object]:
    out = [c]
    kids = getattr(c, "children", None)
    for k in kids if isinstance(kids, list | tuple) else [kids] if kids is not None else []:
        out += _all(k)
    return out


def test_dashboard_refuses_a_port_in_use_and_a_network_address_without_accounts(cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    empty = build_store(tmp_path / "plain.db", accounts=False)
    capsys.readouterr()  # what building the store wrote
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, _, err = cli("dashboard", "--db", empty, "--port", port)
    assert code == 2 and err.count("\n") == 1 and "cannot listen on 127.0.0.1" in err
    code, _, err = cli("dashboard", "--db", empty, "--host", "0.0.0.0", "--port", port)
    assert code == 2 and err.count("\n") == 1 and "needs accounts" in err and "reptrack user add" in err


def test_user_add_reads_the_password_from_stdin(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import io

    db = build_store(tmp_path / "u.db", accounts=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough one\n"))
    code, out, _ = cli("user", "add", "Dr Who", "--role", "therapist", "--password-stdin", "--db", db)
    assert code == 0 and "sees Dr Who's patients" in out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code, _, err = cli("user", "add", "Bob Ray", "--role", "patient", "--password-stdin", "--db", db)
    assert code == 2 and "--password needs at least 8 characters" in err


def test_show_plot_writes_a_standalone_html_figure(cli, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s.html"
    code, _, err = cli("show", "1", "--plot", out, "--db", db)
    assert code == 0 and "figure written" in err
    text = out.read_text()
    assert "plotly.js v" in text and "flagged rep" in text  # plotly.js inside: opens offline
    code, _, err = cli("show", "1", "--plot", tmp_path / "s.svg", "--db", db)
    assert code == 2 and ".html or .png" in err


def test_a_store_that_cannot_be_read_and_a_session_still_recording_get_a_page_that_says_so(app, db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import sqlite3

    from dashboard.pages import live, overview, session
    from tracker.pipeline import SessionSetup
    from tracker.store import NewSession
    from tracker.store.schema import SCHEMA_VERSION

    newer = tmp_path / "newer.db"
    shutil.copy(db, newer)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    empty = tmp_path / "empty.db"
    Store.open(empty).close()
    recording = tmp_path / "recording.db"
    with Store.open(recording) as store:
        sid = store.create_session(NewSession("Cy", SessionSetup.resolve("side-lying-hip-abduction", "thigh"), "test", 50.0, False,
                                              False, "test", "test", {}))
    with app.server.test_request_context("/"):
        try:
            app.server.config["REPTRACK_DB"] = str(newer)
            assert "newer reptrack" in texts(overview.layout())
            app.server.config["REPTRACK_DB"] = str(empty)
            assert "No people yet" in texts(overview.layout())
            assert live.update_live(0, None)[0].children == "No sessions yet"
            assert "no sessions" in live.update_live(0, None)[2]
            app.server.config["REPTRACK_DB"] = str(recording)
            page = texts(session.layout(session_id=str(sid)))
            assert "still recording" in page and "Watch it live" in page
            assert live.update_live(0, None)[1] == "0"  # the live page shows it, waiting for its first rep
            with Store.open(recording, mode=OpenMode.READ) as store:
                view = live_view(store)
            assert "sensor sending" in texts(live.render(view, 0.0)[3])
            assert "no data from the sensor for 5 s" in texts(live.render(view, 5.0)[3])
        finally:
            app.server.config["REPTRACK_DB"] = str(db)


def test_demo_with_the_dashboard_adds_history_serves_it_and_leaves_home_alone(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.dashboard_store import ROOT

    home = tmp_path / "home"
    home.mkdir()
    own = tmp_path / "own.db"
    env = {**os.environ, "HOME": str(home), "REPTRACK_DB": str(own), "XDG_DATA_HOME": str(home / ".local" / "share")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = subprocess.run([sys.executable, "-m", "tracker.cli", "demo", "--dashboard", "--port", str(port), "--speed", "max", "--plain",
                          "--serve-s", "0"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"the dashboard is at http://127.0.0.1:{port}/" in run.stdout and "Traceback" not in run.stderr
    assert not own.exists()  # the person's own store untouched
    demo_db = home / ".local" / "share" / "reptrack" / "demo.db"
    with Store.open(demo_db, mode=OpenMode.READ) as store:
        sessions = store.sessions()
        assert len({s.person for s in sessions}) == 2 and len(sessions) >= 8
        assert all(s.meta.get("simulated") == "true" for s in sessions)  # marked so
        assert sessions[-1].status.value == "complete" and sessions[-1].rep_count > 0  # the live one
        assert {p.therapist for p in store.people()} == {"Demo therapist (simulated)"}


def test_live_page_says_when_the_sensor_has_gone_silent(db: Path) -> None:
    from dashboard.pages import live

    with Store.open(db, mode=OpenMode.READ) as store:
        view = live_view(store)
    silent, seen = live.silent_for(view, None, 100.0)
    assert silent == 0.0 and seen["samples"] == view.info.sample_count
    assert live.silent_for(view, seen, 104.5)[0] == 4.5  # no new samples for 4.5 s
    grown = dict(seen, samples=seen["samples"] - 10)
    assert live.silent_for(view, grown, 104.5) == (0.0, {"session": view.info.id, "samples": view.info.sample_count, "since": 104.5})
