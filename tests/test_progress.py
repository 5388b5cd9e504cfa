"""Prescriptions, adherence and progression (tracker.core.progression), and the commands around them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.test_cli import STANDING, Cli, assert_one_line_error
from tracker.core.progression import PrescriptionValue, SessionValue, assess_progress, load_since
from tracker.store import Store

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _presc(days_ago: int, load: float = 1.0) -> PrescriptionValue:
    return PrescriptionValue("hip-raise", 2, 8, 12, None, 60.0, 180.0, 3, load, NOW - timedelta(days=days_ago))


def _session(i: int, days_ago: float, reps: tuple[int, ...] = (12, 12), rests: tuple[float, ...] = (90.0,), flagged: int = 0) -> SessionValue:
    return SessionValue(i, NOW - timedelta(days=days_ago), "complete", 1.0, reps, rests, sum(reps), flagged)


def _thrice_weekly(weeks: int, **kw: object) -> list[SessionValue]:
    return [_session(k, d, **kw) for k, d in enumerate(sorted((7 * w + o for w in range(weeks) for o in (0.5, 2.5, 4.5)), reverse=True))]  # type: ignore[arg-type]


def test_top_of_range_with_good_form_after_six_weeks_suggests_more_load() -> None:
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(7), [], NOW)
    assert r.progress_load and "add 0.5 kg" in r.suggestion and "to 1.5 kg" in r.suggestion
    assert not r.needs_attention
    assert r.sessions_per_week == 3.0 and [n for _, n in r.weeks] == [3, 3, 3, 3]
    assert r.data_days_30 == 13 and round(r.expected_days_30) == 13  # 3 a week, and 28.5 days ago
    assert (r.rests_ok, r.rests_short, r.rests_long) == (21, 0, 0)


def test_not_before_six_weeks_on_the_load() -> None:
    history = [_presc(60, load=0.5), _presc(20, load=1.0)]
    assert load_since(history) == NOW - timedelta(days=20)
    r = assess_progress("Ann", history, _thrice_weekly(2), [], NOW)
    assert not r.progress_load and "keep 1 kg until" in r.suggestion
    # counted from the first session with the weight (11.5 days ago), not from the prescription
    assert r.since_load_change == timedelta(days=11.5)


def test_six_weeks_count_sessions_from_before_a_prescription_of_the_same_load() -> None:
    # weeks of training at 1 kg (imported history), then the therapist writes the prescription down
    r = assess_progress("Ann", [_presc(3)], _thrice_weekly(7), [], NOW)
    assert r.progress_load and "6 weeks of training with 1 kg" in r.suggestion
    assert r.since_load_change == timedelta(days=46.5)  # from the first session with the weight
    # re-prescribing the same load does not restart the six weeks
    assert load_since([_presc(50), _presc(3)]) is None
    assert assess_progress("Ann", [_presc(50), _presc(3)], _thrice_weekly(7), [], NOW).progress_load
    # the prescription that changed the load does: the sessions before it were with another weight
    history = [_presc(60, load=0.5), _presc(30, load=1.0), _presc(3, load=1.0)]
    assert load_since(history) == NOW - timedelta(days=30)
    r = assess_progress("Ann", history, _thrice_weekly(7), [], NOW)
    assert not r.progress_load and r.since_load_change == timedelta(days=28.5)
    assert f"keep 1 kg until {(NOW + timedelta(days=42 - 28.5)).date().isoformat()}" in r.suggestion


def test_six_weeks_means_six_weeks_of_training_two_days_a_week() -> None:
    # prescribed long ago, but only this week's two sessions at the weight
    r = assess_progress("Ann", [_presc(70)], [_session(1, 1.0), _session(2, 3.0)], [], NOW)
    assert not r.progress_load and "keep 1 kg until" in r.suggestion
    # six weeks of it, but once a week lately
    weekly = _thrice_weekly(7)[:9] + [_session(90 + k, 7 * k + 0.5) for k in range(4)]
    r = assess_progress("Ann", [_presc(70)], weekly, [], NOW)
    assert r.sessions_per_week == 1.0 and not r.progress_load and "1.0 session days a week" in r.suggestion


def test_poor_form_or_short_sets_do_not_progress() -> None:
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(3, flagged=8), [], NOW)
    assert not r.progress_load and "work on form" in r.suggestion
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(3, reps=(10, 9)), [], NOW)
    assert not r.progress_load and "build up to 12" in r.suggestion


def test_sessions_done_with_less_weight_than_prescribed_do_not_progress() -> None:
    sessions = _thrice_weekly(4)
    light = [SessionValue(x.id, x.started_at, x.status, 0.0, x.set_reps, x.rests_s, x.rep_count, x.flagged_reps) for x in sessions]
    r = assess_progress("Ann", [_presc(50, load=2.0)], light, [], NOW)
    assert not r.progress_load and "with 0 kg where 2 kg is prescribed" in r.suggestion
    assert not r.sessions[-1].at_load


def test_pain_blocks_progression_and_asks_for_the_therapist() -> None:
    pains = [(NOW - timedelta(days=3), 6), (NOW - timedelta(days=40), 9)]
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(7), pains, NOW)
    assert not r.progress_load and r.needs_attention
    assert r.attention_reason is not None and "pain 6/10" in r.attention_reason
    # old pain, or pain under the threshold, does not
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(7), [(NOW - timedelta(days=3), 4), (NOW - timedelta(days=40), 9)], NOW)
    assert r.progress_load and not r.needs_attention
    # pain the therapist has seen to (note --resolve) no longer blocks
    r = assess_progress("Ann", [_presc(50)], _thrice_weekly(7), pains, NOW, attention_cleared_at=NOW - timedelta(days=1))
    assert r.progress_load and not r.needs_attention


def test_rests_and_adherence_against_the_prescription() -> None:
    sessions = [_session(1, 1.0, reps=(12, 12, 12), rests=(30.0, 240.0)), _session(2, 9.0, rests=(100.0,))]
    r = assess_progress("Ann", [_presc(50)], sessions, [], NOW)
    assert (r.rests_ok, r.rests_short, r.rests_long) == (1, 1, 1)
    assert r.data_days_30 == 2 and r.sessions_per_week < 3


def test_prescribe_log_and_progress_commands(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out, err = cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--sets", "1", "--reps", "8-10",
                         "--load-kg", "0.5", "--therapist", "Dr Lee")
    assert code == 0 and "1 sets of 8-10 reps" in out, err
    for _ in range(2):
        code, out, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann")
        assert code == 0, err
    with Store.open(db) as store:
        (s1, s2) = store.sessions(person="Ann")
        assert s1.load_kg == 0.5  # from the prescription
        assert store.person("Ann").therapist == "Dr Lee"
    code, out, err = cli("progress", "Ann", "--db", db, "--json")
    assert code == 0, err
    (rep,) = json.loads(out)
    assert rep["exercise"] == "standing-hip-abduction" and len(rep["sessions"]) == 2
    assert rep["sessions"][0]["set_reps"] == [s1.rep_count]
    assert rep["adherence"]["data_days_30"] == 1 and not rep["needs_attention"]
    # the load was prescribed today: top of the range, but not yet six weeks
    assert not rep["progress_load"]
    code, out, _ = cli("log", "Ann", "--db", db, "--pain", "7", "--session", "last", "--note", "sharp, outer hip")
    assert code == 0 and "Stop the exercise if the pain is sharp" in out
    code, out, _ = cli("progress", "Ann", "--db", db)
    assert "marked for the therapist's attention: pain 7/10" in out
    with Store.open(db) as store:
        assert store.person("Ann").needs_attention
    code, out, _ = cli("note", "Ann", "check the hip next visit", "--db", db, "--therapist", "Dr Lee", "--session", "1")
    assert code == 0 and "on session 1" in out
    code, out, _ = cli("show", "2", "--db", db)
    assert "pain 7/10: sharp, outer hip" in out
    assert f"Prescribed: 1 sets of 8-10 reps, 60-180 s rest, 0.5 kg. Done: {s2.rep_count} reps" in out
    code, out, _ = cli("show", "1", "--db", db, "--json")
    assert json.loads(out)["notes"][0]["text"] == "check the hip next visit"
    assert_one_line_error(cli("log", "Ann", "--db", db), "--pain")
    assert_one_line_error(cli("log", "Ann", "--db", db, "--rpe", "12"), "0-10")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--reps", "12-8"), "--reps")
    assert_one_line_error(cli("progress", "Bob", "--db", db), "no person named 'Bob'")


def test_imported_history_counts_on_the_day_it_was_recorded(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--sets", "1")[0] == 0
    now = datetime.now(UTC)
    for days in (8, 1):
        when = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
        code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann", "--started-at", when)
        assert code == 0, err
    code, out, _ = cli("sessions", "--db", db, "--json")
    started = [s["started_at"] for s in json.loads(out)]
    assert started[0] < started[1] < now.isoformat()
    code, out, _ = cli("progress", "Ann", "--db", db, "--json")
    (rep,) = json.loads(out)
    assert rep["adherence"]["data_days_30"] == 2
    assert_one_line_error(cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann",
                              "--started-at", "last tuesday"), "--started-at")


def test_the_therapists_view_pain_attention_and_session_ownership(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    for person in ("Ann", "Bob"):
        assert cli("prescribe", person, "--db", db, "--exercise", "standing-hip-abduction", "--therapist", "Dr Lee")[0] == 0
        code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", person,
                           "--started-at", "2026-11-20T09:00")
        assert code == 0, err
    # pain marks the person at once; the therapist's list shows who needs attention first
    code, out, _ = cli("log", "Bob", "--db", db, "--pain", "8", "--session", "last", "--note", "sharp")
    assert code == 0 and "(session 2)" in out  # Bob's last session, not the store's
    code, out, _ = cli("patients", "--db", db, "--therapist", "Dr Lee")
    lines = out.splitlines()
    assert lines[1].startswith("Bob") and "! pain 8/10" in lines[1] and lines[2].startswith("Ann") and "!" not in lines[2]
    code, out, _ = cli("patients", "--db", db, "--json")
    rows = {r["person"]: r for r in json.loads(out)}
    assert rows["Bob"]["needs_attention"] and rows["Bob"]["last_pain"]["value"] == 8 and rows["Ann"]["sessions"] == 1
    # a session of someone else is refused
    assert_one_line_error(cli("log", "Ann", "--db", db, "--rpe", "4", "--session", "2"), "Bob's, not Ann's")
    # the therapist sees to it: the mark stays cleared when progress runs again
    assert cli("note", "Bob", "called, rest a week", "--db", db, "--resolve")[0] == 0
    code, out, _ = cli("progress", "Bob", "--db", db)
    assert "marked for the therapist's attention" not in out and "pain 8/10 (sharp)" in out and "called, rest a week" in out
    with Store.open(db) as store:
        assert not store.person("Bob").needs_attention
        (s,) = store.sessions(person="Ann")
        assert s.started_at.startswith("2026-11-20T09:00") and s.ended_at is not None and s.ended_at.startswith("2026-11-20T09:01")
    code, out, _ = cli("show", "1", "--db", db)
    assert "Prescribed: 2 sets of 8-12 reps" not in out  # the prescription came after the recording
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "auto"), "names its exercise")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--rest-s", "1-3"), "in seconds")


def _import(cli: Cli, db: Path, *extra: str, recording: Path = STANDING) -> None:
    code, _, err = cli("import", recording, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Ann", *extra)
    assert code == 0, err


def test_imported_history_counts_towards_six_weeks_under_a_prescription_made_today(cli: Cli, tmp_path: Path) -> None:
    # sessions done well (the sample recording has injected faults, and a person who makes them
    # keeps the load): a simulated set with none, recorded the same way
    code, _, err = cli("simulate", "--exercise", "standing-hip-abduction", "--out", tmp_path / "sim",
                       "--fault-rate", "0", "--sets", "1", "--seed", "1")
    assert code == 0, err
    (good,) = (tmp_path / "sim").glob("*-seed1.csv")
    db = tmp_path / "r.db"
    now = datetime.now(UTC)
    code, out, err = cli("analyze", good, "--exercise", "standing-hip-abduction", "--json")
    reps = json.loads(out)["rep_count"]
    assert reps >= 8 and not any(r["flags"] for r in json.loads(out)["reps"])
    assert cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--sets", "1", "--reps", f"1-{reps}")[0] == 0
    for days in (44, 27, 24, 20, 17, 13, 10, 6, 3):  # history, imported with its dates
        _import(cli, db, "--started-at", (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M"), recording=good)
    for _ in range(2):  # and today's sessions, under the prescription
        _import(cli, db, recording=good)
    code, out, err = cli("progress", "Ann", "--db", db, "--json")
    assert code == 0, err
    (rep,) = json.loads(out)
    assert rep["adherence"]["sessions_per_week"] >= 2 and rep["days_since_load_change"] >= 42
    assert rep["progress_load"] and "ready to progress" in rep["suggestion"], rep["suggestion"]


def test_a_prescription_can_be_backdated(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    _import(cli, db, "--started-at", "2026-03-02T09:00")
    code, out, err = cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--sets", "1", "--from", "2026-03-01")
    assert code == 0 and "from 2026-03-01" in out, err
    code, out, err = cli("prescribe", "Ann", "--db", db, "--exercise", "standing-hip-abduction", "--from", "2026-03-05T09:30+02:00")
    assert code == 0, err
    with Store.open(db) as store:
        first, second = store.prescription_history("Ann")
    assert first.created_at == "2026-03-01T00:00:00.000+00:00" and second.created_at == "2026-03-05T07:30:00.000+00:00"
    code, out, _ = cli("show", "1", "--db", db)
    assert "Prescribed: 1 sets of 8-12 reps" in out  # the prescription in force on 2 March
    future = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--from", future), "--from", "future")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--from", "last monday"), "--from")
    assert_one_line_error(cli("prescribe", "Ann", "--db", db, "--exercise", "hip-raise", "--from", "0001-01-01T00:00+05:00"), "--from")
