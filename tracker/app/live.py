"""Live sensor use cases: list the sensors in range, open one or two as a session's source.

``--device`` names a Bluetooth sensor (its address, or its advertised name), or ``sim``
(the simulator, a session simulated for the exercise) or ``sim:FILE.csv`` (a recording):
a simulated sensor sends its samples as a sensor profile's notifications, through the same
decoding, timing and drop-out handling as a real one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from tracker.app.limits import GIVE_UP, SCAN_TIME
from tracker.core.exercises import Exercise
from tracker.core.recording import Placement, Recording, Stream
from tracker.errors import ConfigurationError, InvalidValueError, SensorError
from tracker.files.csv_recording import read_recording
from tracker.sensors.ble import GIVE_UP_S, BleakLink, NotifyMode, Sighting, find, scan
from tracker.sensors.live import LiveSource, SensorLink
from tracker.sensors.profiles import generic, witmotion
from tracker.sensors.profiles.base import SensorProfile
from tracker.sensors.sim import DropOut, SimClock, SimLink

SIM = "sim"
#: the profile a simulated sensor speaks: accelerometer and gyro at 100 Hz, frames that may
#: split across notifications (the most demanding decoder path)
SIM_PROFILE = witmotion.PROFILE
#: the simulator's sessions: a short demo (one set of 8-10 reps)
SIM_SETS = 1
SIM_REPS = (8, 10)


def load_profile(path: Path | None) -> SensorProfile | None:
    """A ``--profile`` file (None: none given)."""
    return None if path is None else generic.load_profile(path)


async def scan_sensors(timeout_s: float, *, profile: Path | None = None) -> list[Sighting]:
    """The Bluetooth LE devices in range, recognised sensors first (strongest signal first)."""
    SCAN_TIME.check(timeout_s)
    extra = load_profile(profile)
    return await scan(timeout_s, extra=() if extra is None else (extra,))


@dataclass(frozen=True)
class LiveRequest:
    """Which sensors a live session streams from, and how."""

    device: str
    pelvis_device: str | None = None
    profile: Path | None = None
    give_up_s: float = GIVE_UP_S
    notify_mode: NotifyMode = NotifyMode.START_NOTIFY
    speed: float = 1.0  # simulated sensors only
    drop_outs: tuple[DropOut, ...] = ()  # simulated sensors only
    seed: int = 1  # the simulator's session


def is_simulated(device: str) -> bool:
    return device == SIM or device.startswith(SIM + ":")


def _simulated(device: str, exercise: Exercise, seed: int, *, pelvis: bool) -> tuple[Recording, str]:
    if device == SIM:
        from tracker.simulate import SimulationConfig, simulate

        sim = simulate(SimulationConfig(exercise=exercise.value, seed=seed, sample_rate_hz=SIM_PROFILE.sample_rate_hz, with_gyro=True,
                                        n_sets=SIM_SETS, reps_per_set=SIM_REPS, setup_motion=False, placement=Placement.THIGH,
                                        rest_between_sets_s=(20.0, 30.0)))
        rec = sim.pelvis if pelvis else sim.main
        if rec is None:
            raise ConfigurationError("the simulator has no pelvis sensor for this exercise")
        return rec, SIM
    text = device[len(SIM) + 1:].strip()
    if not text:
        raise InvalidValueError("device", "is sim or sim:FILE.csv (a recording to stream as a sensor), not 'sim:'")
    path = Path(text)
    return read_recording(path).recording, f"{SIM}:{path.name}"


async def open_live(request: LiveRequest, exercise: Exercise) -> LiveSource:
    """The sensors of a live session, found and ready to stream (connected when the session starts).

    Raises
    ------
    SensorNotFoundError
        A named sensor did not answer a scan.
    SensorError
        Bluetooth unavailable, or a sensor of an unknown kind without ``--profile``.
    ProfileError
        A ``--profile`` file with a mistake.
    """
    GIVE_UP.check(request.give_up_s)
    extra = load_profile(request.profile)
    lock = asyncio.Lock()
    sim_clock = SimClock(request.speed)  # one for both simulated sensors: they stay aligned
    links: list[SensorLink] = []
    for stream, spec in ((Stream.MAIN, request.device), (Stream.PELVIS, request.pelvis_device)):
        if spec is None:
            continue
        spec = spec.strip()
        if not spec:
            raise InvalidValueError("device" if stream is Stream.MAIN else "pelvis_device", "is a sensor's name or address, or sim, not ''")
        if is_simulated(spec):
            rec, name = _simulated(spec, exercise, request.seed, pelvis=stream is Stream.PELVIS)
            label = "simulated pelvis sensor" if stream is Stream.PELVIS else "simulated sensor"
            # the simulated sensor sends at the recording's rate (a 25 Hz recording as a 100 Hz
            # sensor would have its clock reconstructed 4x too fast)
            sim_profile = replace(SIM_PROFILE, sample_rate_hz=rec.nominal_rate_hz())
            link = SimLink(sim_profile, rec, clock=sim_clock, drop_outs=request.drop_outs if stream is Stream.MAIN else (), label=label)
            links.append(SensorLink(stream, link, sim_profile, name if stream is Stream.MAIN else f"{name}:pelvis"))
            continue
        sighting = await find(spec, extra=() if extra is None else (extra,))
        profile = extra or sighting.profile
        if profile is None:
            raise SensorError(f"{sighting.label} is a sensor of an unknown kind: describe it in a profile file and give it with "
                              "--profile FILE (see the README, 'Live capture')")
        links.append(SensorLink(stream, BleakLink(sighting, profile, lock=lock, give_up_s=request.give_up_s,
                                                  notify_mode=request.notify_mode), profile, sighting.address, sighting.name))
    simulated = [is_simulated((spec or "").strip()) for spec in (request.device, request.pelvis_device) if spec is not None]
    if any(simulated) and not all(simulated):
        raise InvalidValueError("pelvis_device", "is simulated when --device is, and live when it is live")
    return LiveSource(links, clock=sim_clock) if all(simulated) else LiveSource(links)
