"""The demo: a store with a few weeks of simulated history for two people, so the whole product
can be seen without a sensor (``reptrack demo``). Every session is simulated and marked so (the
recordings' metadata says ``simulated: true``, the people's names say "(demo)")."""

from __future__ import annotations

import asyncio
import math
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.app.analysis import SimulationRequest, simulate_recordings
from tracker.app.people import add_note, log_entry
from tracker.app.prescriptions import PrescriptionRequest, prescribe
from tracker.app.recorder import SessionRecorder
from tracker.app.sessions import SessionRequest, plan_session
from tracker.core.exercises import Exercise
from tracker.core.progression import EntryKind
from tracker.core.recording import Recording
from tracker.sensors import ReplaySource
from tracker.store import Store

#: the demo's therapist and people (names say they are not real)
THERAPIST = "Dr Demo"
PEOPLE = ("Ann (demo)", "Ben (demo)")
#: weeks of history, and the weekdays each person trains (Ann keeps to it, Ben misses some)
WEEKS = 3
TRAINING_DAYS = {PEOPLE[0]: (0, 2, 4), PEOPLE[1]: (1, 4)}
EXERCISE = Exercise.SIDE_LYING_HIP_ABDUCTION


@dataclass(frozen=True)
class DemoStore:
    path: Path
    sessions: int
    live_recording: Path  # a simulated recording (with its pelvis recording beside it) to stream live
    live_pelvis: Path | None
    person: str  # whose live session it is


#: replayed into the store in batches this long: a stored session is the same whatever the
#: batches, and long ones make the history quick to build
HISTORY_BATCH_S = 5.0


def _record(store: Store, recording: Recording, pelvis: Recording | None, person: str, started: datetime, load_kg: float) -> int:
    source = ReplaySource(recording, pelvis=pelvis, speed=math.inf, batch_s=HISTORY_BATCH_S, name="simulator (demo)")
    planned = plan_session(store, source.info, SessionRequest(person, EXERCISE, started_at=started, load_kg=load_kg))
    rec = SessionRecorder(store, source, planned.plan)
    asyncio.run(rec.run())
    return rec.session_id


def build_demo_store(folder: Path | None = None, *, now: datetime | None = None, seed: int = 7) -> DemoStore:
    """A fresh demo store in ``folder`` (default: a new temporary folder): prescriptions by a
    therapist, WEEKS weeks of simulated sessions, pain and effort, a note. The person's own
    store is never touched."""
    folder = Path(tempfile.mkdtemp(prefix="reptrack-demo-")) if folder is None else Path(folder)
    now = now or datetime.now(UTC)
    start = (now - timedelta(weeks=WEEKS)).replace(hour=8, minute=30, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())  # a Monday
    plan = [(person, start + timedelta(weeks=w, days=d, hours=k)) for k, person in enumerate(PEOPLE)
            for w in range(WEEKS) for d in TRAINING_DAYS[person] if start + timedelta(weeks=w, days=d) < now - timedelta(hours=12)]
    from tracker.simulate import SimulationConfig, simulate

    placement = EXERCISE.definition.moving_segment
    db = folder / "demo.db"
    with Store.open(db) as store:
        for person in PEOPLE:
            prescribe(store, PrescriptionRequest(person, EXERCISE, sets=2, reps_min=8, reps_max=12, days_per_week=3, load_kg=0.5,
                                                 therapist=THERAPIST, starts_at=start - timedelta(weeks=1)))
        ids = []
        for k, (person, when) in enumerate(plan):
            sim = simulate(SimulationConfig(exercise=EXERCISE.definition.name, seed=seed + k, n_sets=2, placement=placement,
                                            setup_motion=False))
            ids.append(_record(store, sim.main, sim.pelvis, person, when, 0.5))
        log_entry(store, PEOPLE[0], EntryKind.RPE, 4, session_id=ids[0], note="simulated")
        log_entry(store, PEOPLE[1], EntryKind.PAIN, 6, session_id=ids[-1], note="simulated: a twinge at the top")
        add_note(store, PEOPLE[0], "Good control; keep the hold at the top. (demo note)", session_id=ids[1], therapist=THERAPIST)
    # the live session: a recording file, streamed by 'reptrack record' as a sensor would
    live = simulate_recordings(SimulationRequest(EXERCISE, folder / "recordings", seed=seed + len(plan), sets=2))[0].path
    pelvis = live.with_suffix(".pelvis.csv")
    return DemoStore(db, len(ids), live, pelvis if pelvis.exists() else None, PEOPLE[0])
