"""The demo: a simulated sensor session streamed live into a demo store, for a first look at
reptrack without a sensor (the README's quick start).

The session is simulated (a person doing side-lying leg raises, thigh and pelvis sensors, with
the faults real people show injected into some reps) and replayed through the same recorder,
engine and store as ``reptrack record``; it goes into its own store (``demo.db`` in the data
directory), so the person's own store is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.app.sessions import ReplayFiles, SessionRequest, check_replay_speed
from tracker.core.exercises import Exercise
from tracker.core.recording import Placement, Recording
from tracker.sensors.replay import ReplaySource

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
