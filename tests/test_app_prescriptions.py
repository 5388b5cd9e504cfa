"""The prescription use cases (tracker.app.prescriptions): prescribe and progress."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.test_cli import STANDING
from tracker.app.people import log_entry
from tracker.app.prescriptions import PrescriptionRequest, prescribe, progress
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import SessionRequest, open_replay, plan_session
from tracker.core.exercises import Exercise
from tracker.core.progression import EntryKind
from tracker.errors import ConfigurationError, InvalidValueError
from tracker.store import Store

EX = Exercise.STANDING_HIP_ABDUCTION


@pytest.mark.parametrize("change,field", [
    ({"sets": 0}, "sets"), ({"sets": 21}, "sets"), ({"days_per_week": 8}, "days_per_week"), ({"load_kg": -1.0}, "load_kg"),
    ({"load_kg": 100.0}, "load_kg"), ({"reps_min": 0, "reps_max": 0}, "reps"), ({"reps_min": 12, "reps_max": 8}, "reps"),
    ({"rest_min_s": 1, "rest_max_s": 3}, "rest_s"),
])
def test_each_bad_number_names_its_field(tmp_path: Path, change: dict[str, float], field: str) -> None:
    with Store.open(tmp_path / "r.db") as store:
        with pytest.raises(InvalidValueError) as info:
            prescribe(store, PrescriptionRequest("Ann", EX, **change))  # type: ignore[arg-type]
        assert info.value.field == field
        assert store.people() == []  # nothing written


def test_prescribing_keeps_history_and_puts_the_person_on_the_therapists_list(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        with pytest.raises(ConfigurationError, match="names its exercise"):
            prescribe(store, PrescriptionRequest("Ann", Exercise.AUTO))
        first = prescribe(store, PrescriptionRequest("Ann", EX, therapist="Dr Lee"))
        second = prescribe(store, PrescriptionRequest("Ann", EX, sets=3, reps_min=10, reps_max=12, hold_s=2.0, load_kg=0.5))
        assert (first.sets, first.reps_min, first.reps_max, first.load_kg) == (2, 8, 12, 0.0)
        assert store.prescription_history("Ann", EX) == [first, second]
        assert store.current_prescription("Ann", EX) == second and second.exercise is EX
        assert [p.name for p in store.people(therapist="Dr Lee")] == ["Ann"]


def test_progress_reports_each_prescription_and_pain_marks_the_person(tmp_path: Path) -> None:
    now = datetime.now().astimezone()
    with Store.open(tmp_path / "r.db") as store:
        with pytest.raises(Exception, match="no person named 'Ann'"):
            progress(store, "Ann")
        store.ensure_person("Ann")
        with pytest.raises(ConfigurationError, match="no prescription"):
            progress(store, "Ann")
        store.add_prescription("Ann", EX, sets=1, reps_min=5, reps_max=10, hold_s=None, rest_min_s=60, rest_max_s=180, days_per_week=3,
                               load_kg=0.0, created_at=(now - timedelta(days=20)).isoformat())
        for days_ago in (2, 9):
            replay = open_replay(STANDING, speed=float("inf"))
            plan = plan_session(store, replay.source.info, SessionRequest("Ann", EX, started_at=now - timedelta(days=days_ago))).plan
            asyncio.run(SessionRecorder(store, replay.source, plan).run())
        overview = progress(store, "Ann", now=now)
        (report,) = overview.reports
        assert report.exercise == EX.value and len(report.sessions) == 2 and report.data_days_30 == 2
        assert not report.needs_attention and not store.person("Ann").needs_attention
        # pain entered directly (as an import of older entries would): progress reports it, but
        # only reads (the mark is written by log_entry, where pain is entered)
        store.add_entry("Ann", EntryKind.PAIN, 6, created_at=(now - timedelta(days=1)).isoformat())
        store.add_entry("Ann", EntryKind.RPE, 3, created_at=(now - timedelta(days=45)).isoformat())
        overview = progress(store, "Ann", now=now)
        assert overview.reports[0].needs_attention and not overview.marked_for_attention
        assert not store.person("Ann").needs_attention
        assert [e.kind for e in overview.recent_entries(now)] == [EntryKind.PAIN]  # the RPE is older than 30 days
        assert progress(store, "Ann", exercise=EX, pain_threshold=7, now=now).reports[0].needs_attention is False
        log_entry(store, "Ann", EntryKind.RPE, 5)
        assert len(progress(store, "Ann", now=now).entries) == 3


def test_a_prescription_in_force_from_an_earlier_date(tmp_path: Path) -> None:
    from datetime import UTC, timezone

    with Store.open(tmp_path / "r.db") as store:
        p = prescribe(store, PrescriptionRequest("Ann", EX, starts_at=datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))))
        assert p.created_at == "2026-03-01T07:30:00.000+00:00"
        assert prescribe(store, PrescriptionRequest("Ann", EX, starts_at=datetime(2026, 2, 1))).created_at.startswith("2026-02-01T00:00")
        assert [x.id for x in store.prescription_history("Ann", EX)] == [2, 1]  # history by the date in force
        with pytest.raises(InvalidValueError) as info:
            prescribe(store, PrescriptionRequest("Ann", EX, starts_at=datetime.now(UTC) + timedelta(days=1)))
        assert info.value.field == "from"
