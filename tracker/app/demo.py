"""The demo: a simulated sensor session streamed live into a demo store, for a first look at
reptrack without a sensor (the README's quick start).

The session is simulated (a person doing side-lying leg raises, thigh and pelvis sensors, with
the faults real people show injected into some reps) and replayed through the same recorder,
engine and store as ``reptrack record``; it goes into its own store (``demo.db`` in the data
directory), so the person's own store is never touched.

For the dashboard (``reptrack demo --dashboard``), :func:`add_demo_history` first gives the demo
store three weeks of simulated sessions for the demo patient and a second simulated person, with
a therapist, prescriptions, pain and effort and a note.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tracker.app.sessions import ReplayFiles, SessionRequest, check_replay_speed, plan_session
from tracker.core.exercises import Exercise
from tracker.core.recording import Placement, Recording
from tracker.sensors.replay import ReplaySource
from tracker.store import Store

#: the demo's person: the name says the data is not a real person's
DEMO_PERSON = "Demo patient (simulated)"
DEMO_EXERCISE = Exercise.SIDE_LYING_HIP_ABDUCTION
#: 10x real time: the two sets (about 3 minutes) stream in under 20 s, slow enough to watch
#: the count go up rep by rep
DEMO_SPEED = 10.0
#: a simulated person whose session shows the product: two sets, most reps good, a few with
#: pelvic rise, too fast or short holds (the seed of the quick-start sample in sample_data/)
DEMO_SEED = 3
#: the demo prescription's hold at the top, s (short_hold is judged against it)
DEMO_HOLD_S = 2.0
#: sensor rate of the demo, Hz: a typical wearable's
DEMO_RATE_HZ = 50.0
#: rest between the sets, s: shorter than a real 1-3 minutes (nothing in a rest is counted)
DEMO_REST_S = (20.0, 25.0)


@dataclass(frozen=True)
class DemoRecording:
    """The demo's simulated recordings (thigh and pelvis) and what they were made from."""

    thigh: Recording
    pelvis: Recording
    seed: int


def demo_recording(seed: int = DEMO_SEED) -> DemoRecording:
    """The simulated session the demo streams (the same every time for a seed)."""
    from tracker.simulate import SimulationConfig, simulate

    sim = simulate(SimulationConfig(exercise=DEMO_EXERCISE.value, seed=seed, sample_rate_hz=DEMO_RATE_HZ, n_sets=2, reps_per_set=(8, 10),
                                    hold_s=DEMO_HOLD_S, placement=Placement.THIGH, rest_between_sets_s=DEMO_REST_S))
    assert sim.pelvis is not None  # the simulator always models the pelvis sensor
    return DemoRecording(sim.main, sim.pelvis, seed)


def open_demo(speed: float = DEMO_SPEED) -> tuple[ReplayFiles, SessionRequest]:
    """The demo session as a live source replayed ``speed`` times faster than real time
    (``inf``: at once), and the request to record it with."""
    check_replay_speed(speed)
    rec = demo_recording()
    source = ReplaySource(rec.thigh, pelvis=rec.pelvis, speed=speed, name="simulated sensor (demo)", kind="simulated")
    return ReplayFiles(source, ()), SessionRequest(DEMO_PERSON, DEMO_EXERCISE, Placement.THIGH, hold_s=DEMO_HOLD_S)


# ---------------------------------------------------------------------- history for the dashboard
#: the demo's therapist and second person (names say they are not real)
DEMO_THERAPIST = "Demo therapist (simulated)"
SECOND_PERSON = "Second patient (simulated)"
#: weeks of history, and the weekdays each person trains (the demo patient keeps to three days
#: a week, the second person misses some)
HISTORY_WEEKS = 3
TRAINING_DAYS = {DEMO_PERSON: (0, 2, 4), SECOND_PERSON: (1, 4)}
#: replayed into the store in batches this long: a stored session is the same whatever the
#: batches, and long ones make the history quick to build
HISTORY_BATCH_S = 5.0
#: the history's simulated people start from another seed than the live session's
HISTORY_SEED = 100


def _store_simulated(store: Store, thigh: Recording, pelvis: Recording | None, person: str, started: datetime) -> int:
    from tracker.app.recorder import SessionRecorder

    source = ReplaySource(thigh, pelvis=pelvis, speed=math.inf, batch_s=HISTORY_BATCH_S, name="simulated sensor (demo)", kind="simulated")
    planned = plan_session(store, source.info, SessionRequest(person, DEMO_EXERCISE, Placement.THIGH, hold_s=DEMO_HOLD_S,
                                                              started_at=started))
    rec = SessionRecorder(store, source, planned.plan)
    asyncio.run(rec.run())
    return rec.session_id


def add_demo_history(store: Store, *, now: datetime | None = None, seed: int = HISTORY_SEED) -> int:
    """Give the demo store HISTORY_WEEKS weeks of simulated sessions (every one marked simulated)
    for the demo patient and :data:`SECOND_PERSON`, their therapist's prescriptions, pain and
    effort, and a note; returns the sessions added (none when the store has the history already)."""
    from tracker.app.people import add_note, log_entry
    from tracker.app.prescriptions import PrescriptionRequest, prescribe
    from tracker.core.progression import EntryKind
    from tracker.errors import NotFoundError
    from tracker.simulate import SimulationConfig, simulate

    try:
        store.person(SECOND_PERSON)
        return 0  # built before
    except NotFoundError:
        pass
    now = now or datetime.now(UTC)
    start = (now - timedelta(weeks=HISTORY_WEEKS)).replace(hour=8, minute=30, second=0, microsecond=0)
    start -= timedelta(days=start.weekday())  # a Monday
    for person in TRAINING_DAYS:
        prescribe(store, PrescriptionRequest(person, DEMO_EXERCISE, sets=2, reps_min=8, reps_max=12, hold_s=DEMO_HOLD_S, days_per_week=3,
                                             therapist=DEMO_THERAPIST, starts_at=start - timedelta(weeks=1)))
    plan = [(person, start + timedelta(weeks=w, days=d, hours=k)) for k, (person, days) in enumerate(TRAINING_DAYS.items())
            for w in range(HISTORY_WEEKS) for d in days if start + timedelta(weeks=w, days=d) < now - timedelta(hours=12)]
    ids = []
    for k, (person, when) in enumerate(plan):
        sim = simulate(SimulationConfig(exercise=DEMO_EXERCISE.value, seed=seed + k, sample_rate_hz=DEMO_RATE_HZ, n_sets=2,
                                        reps_per_set=(8, 12), hold_s=DEMO_HOLD_S, placement=Placement.THIGH,
                                        rest_between_sets_s=DEMO_REST_S, setup_motion=False))
        ids.append(_store_simulated(store, sim.main, sim.pelvis, person, when))
    if ids:
        log_entry(store, DEMO_PERSON, EntryKind.RPE, 4, session_id=ids[0], note="simulated")
        log_entry(store, SECOND_PERSON, EntryKind.PAIN, 6, session_id=ids[-1], note="simulated: a twinge at the top")
        add_note(store, DEMO_PERSON, "Good control; keep the hold at the top. (simulated note)", session_id=ids[min(1, len(ids) - 1)],
                 therapist=DEMO_THERAPIST)
    return len(ids)
