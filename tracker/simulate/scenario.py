"""A session of home exercise, from configuration to labelled recordings.

:func:`simulate` draws a person, a timeline (setup motion, sets of reps with injected
faults, rests, getting up), evaluates the body's motion on a fine time grid, and samples
it with one or two simulated sensors.  :func:`simulate_corpus` writes many such
recordings to disk for evaluation.

Time compression: real rests between sets last 60-180 s; the default here is 20-60 s
(``SimulationConfig.rest_between_sets_s``) to keep files small.  Nothing in a rest
depends on its length.
"""

from __future__ import annotations

from typing import Any
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tracker.errors import ConfigurationError
from tracker.core.exercises import EXERCISES, ExerciseDefinition, FlagKind, Posture, get_exercise
from tracker.core.recording import STANDARD_GRAVITY_MS2, Placement, Recording, RecordingMeta, Side
from tracker.simulate.body import (
    UP,
    BendPhase,
    BodyPosture,
    BodyState,
    Perturbation,
    Person,
    Phase,
    Pose,
    StillPhase,
    TransitionPhase,
    TurnPhase,
    WalkPhase,
    draw_variation,
    end_pose,
    posture_pose,
    sensor_position_m,
)
from tracker.simulate.behaviours import (
    BEYOND_RANGE_FRACTION,
    FAST_GAP_S,
    FAST_REP_S,
    HOLD_JITTER,
    HOLD_S,
    PARTIAL_ROM_FRACTION,
    REP_RANGE_SPAN,
    SHORT_HOLD_FRACTION,
    SKIPPED_HOLD_FRACTION,
    USUAL_HOLD_MIN_S,
    STEADY_PHASE_S,
    Realism,
    SetBehaviour,
    SetStyle,
    draw_person_range_factor,
    draw_person_hold_s,
    draw_person_wobble_gain,
    movement_wobble,
    draw_set_behaviour,
)
from tracker.simulate.kinematics import (
    Burst,
    FloatArray,
    MinJerkStep,
    body_angular_velocity,
    matrix_to_rotvec,
    rotation_angle_deg,
    second_derivative,
)
from tracker.simulate.labels import Interval, Labels, RepLabel, SensorTruth, SetLabel, write_labels
from tracker.simulate.reps import Landing, MotionKind, RepMotion, SetPhase, lift_axis, motion_kind, rest_posture
from tracker.simulate.sensor import SensorModel, sense

#: Fine simulation grid: at least this rate, and at least 2x the sensor rate (the body's
#: motion, heel strikes included, has no content near 200 Hz).
MIN_FINE_RATE_HZ = 400.0

#: Lift / lower durations of correct reps (s) are never shorter than this.
MIN_CORRECT_PHASE_S = 1.4

#: Entropy mixed into the seed for ``Realism.REAL``'s own random stream.
_BEHAVIOUR_STREAM = 0xBE4A
#: ... and the person's usual hold from one more (added later: the other behaviours' draws kept)
_PERSON_HOLD_STREAM = 0xB01D
#: ... and the movement wobble from one more (its gain, then each sensor's noise)
_WOBBLE_STREAM = 0x3088

SIMULATED_PLACEMENTS = frozenset({Placement.THIGH, Placement.SHANK, Placement.PELVIS})


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate.

    Attributes
    ----------
    exercise:
        A name in :data:`tracker.core.exercises.EXERCISES`; ``"auto"`` performs one of the others,
        drawn from the seed.
    seed:
        Everything random derives from it; the same configuration gives identical output.
    sample_rate_hz:
        Nominal sensor rate, 25-200 Hz.
    with_gyro:
        Whether the sensors log angular rate too.
    n_sets:
        Number of sets.
    reps_per_set:
        Inclusive range the number of reps of each set is drawn from.
    hold_s:
        Prescribed hold at the top; ``None``: a short natural pause of 0-0.5 s.
    fault_rate:
        Probability that a rep carries an injected fault.
    faults:
        Faults that may be injected; ``None``: the exercise's flags that can be simulated
        (pelvic rise only for leg lifts, pelvis-not-level only for the hip raise, short hold
        only with a prescribed hold).
    setup_motion:
        Walk to fetch the ankle weight, get into position, shift between sets, get up at the
        end.  Without it the recording starts and ends still in the start posture.
    placement:
        The sensor of the main recording: thigh, shank or pelvis.
    ideal_sensor:
        No noise, bias, scale error, quantisation, jitter or drop-outs (the strap rotation
        is still random).  The body's motion (sway, tremor) is unchanged.
    rest_between_sets_s:
        Range the rest between sets is drawn from (compressed from the real 60-180 s).
    realism:
        ``Realism.CLEAN`` (default): reps as an exercise sheet draws them.  ``Realism.REAL``:
        each set also draws the behaviours real people show (fast sets with no pause, ranges
        from a third to 2.5 times the table's, a bending knee, rebounds, holds of 0-6 s,
        drifting tempo, partial returns, landing jolts; :mod:`tracker.simulate.behaviours`),
        recorded in the labels' ``set_behaviours``.
    """

    exercise: str
    seed: int
    sample_rate_hz: float = 50.0
    with_gyro: bool = True
    n_sets: int = 2
    reps_per_set: tuple[int, int] = (8, 12)
    hold_s: float | None = None
    fault_rate: float = 0.3
    faults: frozenset[FlagKind] | None = None
    setup_motion: bool = True
    placement: Placement = Placement.THIGH
    ideal_sensor: bool = False
    rest_between_sets_s: tuple[float, float] = (20.0, 60.0)
    realism: Realism = Realism.CLEAN


@dataclass(frozen=True)
class Simulation:
    """A simulated session: the main recording, the pelvis recording, the truth."""

    main: Recording
    pelvis: Recording | None
    labels: Labels


# --------------------------------------------------------------------------- configuration
def injectable_faults(definition: ExerciseDefinition, *, hold_s: float | None,
                      realism: Realism = Realism.CLEAN) -> frozenset[FlagKind]:
    """Faults the simulator can inject for ``definition`` (the default fault set)."""
    kind = motion_kind(definition)
    faults = set(definition.flags)
    if kind is MotionKind.LEG_LIFT:
        faults.add(FlagKind.PELVIC_RISE)
    else:
        faults.discard(FlagKind.PELVIC_RISE)
    if kind is not MotionKind.BRIDGE:
        faults.discard(FlagKind.PELVIS_NOT_LEVEL)
    if hold_s is None:
        faults.discard(FlagKind.SHORT_HOLD)
    if realism is Realism.CLEAN:
        # a rep past the usual range is compensation (a knee that bends, a pelvis that rolls)
        # that the clean body model does not make: its joints stop at their physiological
        # range. Drawn, it labelled ordinary reps beyond_range (corpus F1 0.02). The real
        # behaviours make such reps.
        faults.discard(FlagKind.BEYOND_RANGE)
    return frozenset(faults)


def _validate(config: SimulationConfig) -> None:
    get_exercise(config.exercise)
    if not 25.0 <= config.sample_rate_hz <= 200.0:
        raise ConfigurationError(f"sample_rate_hz must be within 25-200 Hz, got {config.sample_rate_hz}")
    if config.n_sets < 1:
        raise ConfigurationError(f"n_sets must be at least 1, got {config.n_sets}")
    lo, hi = config.reps_per_set
    if not 1 <= lo <= hi:
        raise ConfigurationError(f"reps_per_set must be (low, high) with 1 <= low <= high, got {config.reps_per_set}")
    if config.hold_s is not None and not 0.0 < config.hold_s <= 30.0:
        raise ConfigurationError(f"hold_s must be within (0, 30] s or None, got {config.hold_s}")
    if not 0.0 <= config.fault_rate <= 1.0:
        raise ConfigurationError(f"fault_rate must be within 0-1, got {config.fault_rate}")
    if config.placement not in SIMULATED_PLACEMENTS:
        raise ConfigurationError(f"placement must be thigh, shank or pelvis, got {config.placement.value}")
    r_lo, r_hi = config.rest_between_sets_s
    if not 0.0 < r_lo <= r_hi:
        raise ConfigurationError(f"rest_between_sets_s must be (low, high) with 0 < low <= high, got {config.rest_between_sets_s}")


def _resolve_faults(config: SimulationConfig, definition: ExerciseDefinition) -> frozenset[FlagKind]:
    possible = injectable_faults(definition, hold_s=config.hold_s, realism=config.realism)
    if config.faults is None:
        return possible
    requested = frozenset(config.faults)
    if config.exercise == "auto":
        return requested & possible
    unsupported = requested - possible
    if unsupported:
        names = ", ".join(sorted(f.value for f in unsupported))
        hint = " (short_hold needs a prescribed hold_s)" if FlagKind.SHORT_HOLD in unsupported else ""
        raise ConfigurationError(f"cannot inject {names} into {definition.name}{hint}")
    return requested


# --------------------------------------------------------------------------- rep planning
@dataclass(frozen=True)
class _Tempo:
    lift_s: float
    lower_s: float


@dataclass(frozen=True)
class _PlannedRep:
    motion: RepMotion
    flags: tuple[FlagKind, ...]
    rom_deg: float


# Pairs of faults never injected together (a "too fast" phase has no room for sub-movements).
_INCOMPATIBLE = frozenset({frozenset({FlagKind.JERKY, FlagKind.TOO_FAST})})


def _draw_flags(rng: np.random.Generator, allowed: frozenset[FlagKind], fault_rate: float) -> tuple[FlagKind, ...]:
    if not allowed or rng.random() >= fault_rate:
        return ()
    pool = sorted(allowed, key=lambda f: f.value)
    first = pool[int(rng.integers(len(pool)))]
    flags = [first]
    if rng.random() < 0.15:
        rest = [f for f in pool if f is not first and frozenset({first, f}) not in _INCOMPATIBLE]
        if rest:
            flags.append(rest[int(rng.integers(len(rest)))])
    return tuple(sorted(flags, key=lambda f: f.value))


def _plan_rep(
    rng: np.random.Generator,
    start_s: float,
    *,
    definition: ExerciseDefinition,
    kind: MotionKind,
    normal_rom_deg: float,
    max_joint_rom_deg: float,
    tempo: _Tempo,
    prescribed_hold_s: float | None,
    flags: tuple[FlagKind, ...],
    phase_limits_s: tuple[float, float, float] = (MIN_CORRECT_PHASE_S, 3.2, 3.4),
    natural_hold_s: float | None = None,
    beyond_range_factor: tuple[float, float] | None = None,
) -> _PlannedRep:
    """One rep's timing, size and injected faults.

    The keyword defaults are the clean simulator's; ``Realism.REAL`` passes wider phase limits
    (shortest, longest lift, longest lower), the set's hold when none is prescribed, and the
    range of an injected ``beyond_range`` rep (a multiple of the usual range; the clean
    simulator does not change such a rep).
    """
    shortest, longest_lift, longest_lower = phase_limits_s
    lift = float(np.clip(tempo.lift_s * rng.uniform(0.85, 1.15), shortest, longest_lift))
    lower = float(np.clip(tempo.lower_s * rng.uniform(0.85, 1.15), shortest, longest_lower))
    if prescribed_hold_s is None and natural_hold_s is not None:
        hold = float(np.clip(natural_hold_s * rng.uniform(1.0 - HOLD_JITTER, 1.0 + HOLD_JITTER), *HOLD_S))
    elif prescribed_hold_s is None:
        hold = rng.uniform(0.0, 0.5)
    else:
        hold = prescribed_hold_s * rng.uniform(1.0, 1.3)
    rom = float(min(normal_rom_deg * np.clip(1.0 + rng.normal(0.0, 0.04), 0.9, 1.1), max_joint_rom_deg))
    pelvis_deg, pelvis_sign = 0.0, 1.0
    lift_fr: tuple[float, ...] = (1.0,)
    lower_fr: tuple[float, ...] = (1.0,)
    tremor: list[Burst] = []
    # Natural, small tremor while holding the weighted leg up (not a fault).
    tremor_hold = hold if hold > 0.3 else 0.0
    if FlagKind.TOO_FAST in flags:
        lift, lower = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    if FlagKind.SHORT_HOLD in flags and prescribed_hold_s is not None:
        # clearly short: at most 30 % of the prescription (reptrack flags under 40 %; real
        # "correct" reps of the UCI data set hold 45-100 % of an instructed 5 s)
        hold = prescribed_hold_s * rng.uniform(0.05, 0.3)
        tremor_hold = 0.0
    if FlagKind.PARTIAL_ROM in flags:
        low = max(0.35 * normal_rom_deg, min(definition.min_detect_rom_deg + 1.5, 0.55 * normal_rom_deg))
        rom = rng.uniform(low, 0.6 * normal_rom_deg)
    if FlagKind.BEYOND_RANGE in flags and beyond_range_factor is not None:
        rom = float(min(normal_rom_deg * rng.uniform(*beyond_range_factor), max_joint_rom_deg))
    if FlagKind.PELVIC_RISE in flags or FlagKind.PELVIS_NOT_LEVEL in flags:
        pelvis_deg = rng.uniform(6.0, 15.0)
        if FlagKind.PELVIS_NOT_LEVEL in flags:
            pelvis_sign = 1.0 if rng.random() < 0.5 else -1.0
    if FlagKind.JERKY in flags:
        mode = ("submovements", "tremor", "both")[int(rng.integers(3))]
        where = ("lift", "lower", "both")[int(rng.integers(3))]
        if mode in ("submovements", "both"):
            fr = tuple(float(v) for v in rng.uniform(0.6, 1.4, size=int(rng.integers(2, 5))))
            if where in ("lift", "both"):
                lift_fr = fr
            if where in ("lower", "both"):
                lower_fr = fr
        if mode in ("tremor", "both"):
            if where in ("lift", "both"):
                tremor.append(
                    Burst(start_s, lift, rng.uniform(1.0, 3.0), rng.uniform(4.0, 8.0), rng.uniform(0, 2 * np.pi))
                )
            if where in ("lower", "both"):
                tremor.append(
                    Burst(start_s + lift + hold, lower, rng.uniform(1.0, 3.0), rng.uniform(4.0, 8.0), rng.uniform(0, 2 * np.pi))
                )
    if tremor_hold > 0.0:
        tremor.append(
            Burst(start_s + lift, tremor_hold, rng.uniform(0.03, 0.1), rng.uniform(7.0, 10.0), rng.uniform(0, 2 * np.pi))
        )
    motion = RepMotion(
        start_s=start_s,
        lift_s=float(lift),
        hold_s=float(hold),
        lower_s=float(lower),
        joint_rom_deg=float(rom),
        pelvis_deg=float(pelvis_deg),
        pelvis_sign=pelvis_sign,
        lift_fractions=lift_fr,
        lower_fractions=lower_fr,
        tremor=tuple(tremor),
    )
    world_rom = rom + pelvis_deg if kind is MotionKind.LEG_LIFT else rom
    return _PlannedRep(motion, flags, float(world_rom))


def _set_perturbation(
    rng: np.random.Generator, duration_s: float, kind: MotionKind, standing: bool
) -> Perturbation:
    # Moving segment drifts a few degrees over the set; the pelvis stays within ~1 deg
    # (so a correct rep moves the pelvis by well under 2 deg).
    pelvis_drift = rng.uniform(0.3, 1.0)
    thigh_drift = rng.uniform(0.5, 1.5)
    shank_drift = rng.uniform(0.5, 1.5)
    if kind is MotionKind.LEG_LIFT:
        thigh_drift = rng.uniform(1.5, 4.0)
    elif kind is MotionKind.KNEE_EXTENSION:
        shank_drift = rng.uniform(1.5, 4.0)
    elif kind is MotionKind.BRIDGE:
        pelvis_drift = rng.uniform(1.0, 3.0)
    sway = (0.25, 0.35, 0.35) if standing else (0.12, 0.25, 0.25)
    return Perturbation.draw(
        rng,
        duration_s,
        sway_deg=sway,
        drift_deg=(pelvis_drift, thigh_drift, shank_drift),
        hip_sway_m=0.003 if standing else 0.001,
        tremor_deg=0.01,
    )


# --------------------------------------------------------------------------- timeline
@dataclass
class _Entry:
    start_s: float
    phase: Phase
    label: str  # "setup:<kind>", "idle:<kind>" or "set"
    set_index: int = -1
    planned: tuple[_PlannedRep, ...] = ()
    normal_rom_deg: float = 0.0


@dataclass
class _Timeline:
    """Mutable builder used only inside :func:`simulate`: phases appended back to back."""

    pose: Pose
    t_s: float = 0.0
    entries: list[_Entry] = field(default_factory=list)

    def add(self, phase: Phase, label: str, **extra: object) -> None:
        self.entries.append(_Entry(self.t_s, phase, label, **extra))  # type: ignore[arg-type]
        self.t_s += phase.duration_s
        self.pose = end_pose(phase)


@dataclass(frozen=True)
class _Gait:
    stride_hz: float
    stride_m: float
    thigh_amp_deg: float
    knee_swing_deg: float
    impact_g: float
    impact_hz: float
    impact_tau_s: float

    @staticmethod
    def draw(rng: np.random.Generator) -> _Gait:
        return _Gait(
            stride_hz=rng.uniform(0.85, 1.05),
            stride_m=rng.uniform(1.0, 1.3),
            thigh_amp_deg=rng.uniform(20.0, 27.0),
            knee_swing_deg=rng.uniform(52.0, 62.0),
            impact_g=rng.uniform(1.5, 3.5),
            impact_hz=rng.uniform(15.0, 25.0),
            impact_tau_s=rng.uniform(0.015, 0.03),
        )


@dataclass
class _Session:
    """Everything drawn once per recording, plus the builder."""

    rng: np.random.Generator
    person: Person
    gait: _Gait
    tl: _Timeline
    target: BodyPosture
    yaw_rad: float = 0.0
    origin_m: FloatArray = field(default_factory=lambda: np.zeros(3))

    def still(self, duration_s: float, label: str, *, fidgets_per_min: float = 3.0) -> None:
        standing = self.tl.pose.pelvis_r[2, 1] > 0.8
        pert = Perturbation.draw(
            self.rng,
            duration_s,
            sway_deg=(0.25, 0.35, 0.35) if standing else (0.12, 0.25, 0.25),
            fidgets_per_min=fidgets_per_min,
            hip_sway_m=0.003 if standing else 0.001,
        )
        self.tl.add(StillPhase(self.tl.pose, duration_s, pert), label)

    def walk(self, n_strides: int, label: str = "setup:walk") -> None:
        g = self.gait
        self.tl.add(
            WalkPhase(
                self.tl.pose,
                n_strides,
                stride_hz=g.stride_hz,
                stride_m=g.stride_m,
                thigh_amp_deg=g.thigh_amp_deg,
                knee_swing_deg=g.knee_swing_deg,
                impact_g=g.impact_g,
                impact_hz=g.impact_hz,
                impact_tau_s=g.impact_tau_s,
            ),
            label,
        )

    def turn(self, angle_deg: float, label: str = "setup:turn") -> None:
        dur = self.rng.uniform(0.8, 1.4) * (0.6 + abs(angle_deg) / 180.0)
        self.tl.add(TurnPhase(self.tl.pose, np.radians(angle_deg), dur, self.person.dims.hip_width_m), label)

    def move_to(self, posture: BodyPosture, duration_s: float, label: str, *, variation: FloatArray | None = None, lift_m: float = 0.0) -> None:
        target = posture_pose(posture, self.person, yaw_rad=self.yaw_rad, origin_m=self.origin_m, variation=variation)
        self.tl.add(TransitionPhase(self.tl.pose, target, duration_s, lift_m), label)

    def anchor_here(self) -> None:
        """Make the current standing position the origin of the seat/bed/chair heading frame."""
        self.yaw_rad = self.tl.pose.heading_rad()
        self.origin_m = np.array([self.tl.pose.hip_m[0], self.tl.pose.hip_m[1], 0.0])


def _setup_before(s: _Session) -> None:
    rng = s.rng
    s.still(rng.uniform(2.0, 4.0), "idle:still")
    strides = int(rng.integers(3, 6))
    s.walk(strides)
    s.tl.add(
        BendPhase(
            s.tl.pose,
            s.person.dims,
            down_s=rng.uniform(1.0, 1.8),
            hold_s=rng.uniform(1.0, 2.5),
            up_s=rng.uniform(1.0, 1.8),
            thigh_deg=rng.uniform(70.0, 95.0),
        ),
        "setup:fetch_weight",
    )
    s.turn(180.0 * (1 if rng.random() < 0.5 else -1))
    s.walk(strides)
    target = s.target
    if target is BodyPosture.STANDING:
        s.turn(90.0 * (1 if rng.random() < 0.5 else -1))
        s.anchor_here()
        s.move_to(BodyPosture.STANDING, rng.uniform(0.8, 1.5), "setup:get_into_position", variation=draw_variation(rng))
    elif target is BodyPosture.SEATED_HIGH:
        s.turn(180.0)
        s.anchor_here()
        s.move_to(BodyPosture.SEATED_HIGH, rng.uniform(1.5, 2.5), "setup:sit_down")
        s.still(rng.uniform(2.0, 5.0), "setup:strap_weight", fidgets_per_min=12.0)
    else:
        s.turn(180.0)
        s.anchor_here()
        s.move_to(BodyPosture.BED_EDGE, rng.uniform(1.5, 2.5), "setup:sit_down")
        s.still(rng.uniform(2.0, 5.0), "setup:strap_weight", fidgets_per_min=12.0)
        s.move_to(BodyPosture.SUPINE, rng.uniform(2.5, 4.0), "setup:lie_down", lift_m=0.05)
        if target is BodyPosture.HOOK_LYING:
            s.move_to(BodyPosture.HOOK_LYING, rng.uniform(1.0, 2.0), "setup:get_into_position")
        elif target is BodyPosture.PRONE:
            s.move_to(BodyPosture.SIDE_LYING, rng.uniform(1.2, 2.0), "setup:roll", lift_m=0.08)
            s.move_to(BodyPosture.PRONE, rng.uniform(1.2, 2.0), "setup:roll", lift_m=0.05)
        elif target is not BodyPosture.SUPINE:
            s.move_to(target, rng.uniform(1.5, 2.5), "setup:roll", lift_m=0.08)
    s.still(rng.uniform(1.0, 3.0), "idle:still", fidgets_per_min=0.0)


def _setup_between(s: _Session, rest_s: float) -> None:
    rng = s.rng
    if rng.random() >= 0.5:
        s.still(rest_s, "idle:rest", fidgets_per_min=4.0)
        return
    first = rest_s * rng.uniform(0.3, 0.6)
    s.still(first, "idle:rest", fidgets_per_min=4.0)
    if s.target is BodyPosture.STANDING:
        strides = int(rng.integers(1, 3))
        s.turn(180.0, "setup:shift_position")
        s.walk(strides, "setup:shift_position")
        s.turn(180.0, "setup:shift_position")
        s.walk(strides, "setup:shift_position")
        s.anchor_here()
        s.move_to(BodyPosture.STANDING, rng.uniform(0.8, 1.5), "setup:shift_position", variation=draw_variation(rng))
    else:
        s.move_to(s.target, rng.uniform(1.5, 3.0), "setup:shift_position", variation=draw_variation(rng), lift_m=0.03)
    s.still(max(rest_s - first, 3.0), "idle:rest", fidgets_per_min=4.0)


def _setup_after(s: _Session) -> None:
    rng = s.rng
    s.still(rng.uniform(1.0, 3.0), "idle:still")
    target = s.target
    if target is BodyPosture.STANDING:
        s.turn(90.0 * (1 if rng.random() < 0.5 else -1))
    elif target is BodyPosture.SEATED_HIGH:
        s.move_to(BodyPosture.STANDING, rng.uniform(1.5, 2.5), "setup:stand_up", variation=s.person.variations[BodyPosture.STANDING])
    else:
        if target is BodyPosture.PRONE:
            s.move_to(BodyPosture.SIDE_LYING, rng.uniform(1.2, 2.0), "setup:roll", lift_m=0.05)
        if target is not BodyPosture.SUPINE:
            s.move_to(BodyPosture.SUPINE, rng.uniform(1.2, 2.0), "setup:roll", lift_m=0.05)
        s.move_to(BodyPosture.BED_EDGE, rng.uniform(2.5, 4.0), "setup:sit_up", lift_m=0.05)
        s.still(rng.uniform(1.0, 3.0), "setup:strap_weight", fidgets_per_min=12.0)
        s.move_to(BodyPosture.STANDING, rng.uniform(1.5, 2.5), "setup:stand_up")
    s.walk(int(rng.integers(2, 4)))
    s.still(rng.uniform(1.0, 2.0), "idle:still")


def _set_phase(s: _Session, kind: MotionKind, axis: FloatArray, planned: list[_PlannedRep], end_s: float,
               **behaviour: Any) -> SetPhase:
    """The set's phase of the timeline: its reps' motions, the body's sway and how far the shank
    and pelvis follow (drawn in this order from the session's random stream)."""
    rng = s.rng
    standing = s.target is BodyPosture.STANDING
    return SetPhase(
        s.tl.pose,
        s.person.dims,
        kind,
        axis,
        tuple(p.motion for p in planned),
        end_s,
        _set_perturbation(rng, end_s, kind, standing),
        shank_ratio=rng.uniform(0.35, 0.5),
        pelvis_ratio=rng.uniform(0.3, 0.5),
        **behaviour,
    )


def _add_set(
    s: _Session,
    set_index: int,
    *,
    config: SimulationConfig,
    definition: ExerciseDefinition,
    kind: MotionKind,
    axis: FloatArray,
    normal_rom_deg: float,
    tempo: _Tempo,
    faults: frozenset[FlagKind],
) -> None:
    rng = s.rng
    n_reps = int(rng.integers(config.reps_per_set[0], config.reps_per_set[1] + 1))
    max_joint = definition.max_physiological_rom_deg - 2.0
    if kind is MotionKind.BRIDGE:
        max_joint = min(max_joint, 40.0)  # the closed chain cannot rise further
    t = rng.uniform(1.0, 2.0)  # lead-in: still, before the first lift
    planned = []
    for i in range(n_reps):
        flags = _draw_flags(rng, faults, config.fault_rate)
        rep = _plan_rep(
            rng,
            t,
            definition=definition,
            kind=kind,
            normal_rom_deg=normal_rom_deg,
            max_joint_rom_deg=max_joint,
            tempo=tempo,
            prescribed_hold_s=config.hold_s,
            flags=flags,
        )
        planned.append(rep)
        t = rep.motion.end_s + (rng.uniform(0.5, 2.5) if i < n_reps - 1 else rng.uniform(1.0, 2.0))
    phase = _set_phase(s, kind, axis, planned, t)
    s.tl.add(phase, "set", set_index=set_index, planned=tuple(planned), normal_rom_deg=float(normal_rom_deg))


#: ``Realism.REAL``: the largest joint range a rep can have, whatever the person and the set
#: (beyond it the body model itself breaks: a straight leg lifted past ~110 deg, a bridge
#: whose closed chain cannot rise further than 40 deg, a knee or squat past its physiological
#: limit).
_REAL_MAX_JOINT_DEG = {MotionKind.LEG_LIFT: 110.0, MotionKind.BRIDGE: 40.0}
#: ``Realism.REAL``: an injected ``beyond_range`` rep is this multiple of the usual range
#: (clearly past the 1.5x line).
_REAL_BEYOND_FACTOR = (1.7, 2.3)
#: ``Realism.REAL``: the turn-around at a partial return's raised rest, s (the leg "goes again").
_PARTIAL_TURN_S = (0.1, 0.6)
#: ``Realism.REAL``: a rebound's way out (and again back) as a share of the lift (at the top) or
#: the lowering (landing): the tail of the movement carried on, never quicker than the movement
#: itself; within ``_REBOUND_S`` (a landing's bounce over by 1.5 x 0.3 s after the rep's end,
#: before the next rep's start at least 0.5 s later).  How long an oscillation at the top lasts, s.
_REBOUND_SHARE = (0.2, 0.35)
_REBOUND_S = (0.15, 0.5)
_LANDING_REBOUND_MAX_S = 0.3
#: ``Realism.REAL``: lying, the moving segment lands on the floor (or, side-lying, on the other
#: leg) and cannot pass its rest: its landing rebound bounces up off it, the way the rep went,
#: and is over within 2 x this after the rep's end (before the next rep, 0.5 s later at least).
_LANDS_ON_A_SURFACE = frozenset({Posture.SUPINE, Posture.PRONE, Posture.SIDE_LYING, Posture.HOOK_LYING})
_LANDING_BOUNCE_MAX_S = 0.25
_TOP_OSCILLATION_S = (0.5, 1.0)


def _real_joint_limits(definition: ExerciseDefinition, kind: MotionKind) -> tuple[float, float]:
    """Smallest and largest joint range of a rep under ``Realism.REAL``."""
    lo, hi = definition.typical_rom_deg
    cap = _REAL_MAX_JOINT_DEG.get(kind, definition.max_physiological_rom_deg - 2.0)
    smallest = max(REP_RANGE_SPAN[0] * lo, definition.min_detect_rom_deg + 1.5)
    return smallest, max(smallest, min(REP_RANGE_SPAN[1] * hi, cap))


def _rep_range_limit_deg(definition: ExerciseDefinition, placement: Placement) -> float:
    """The exercise table's largest rep range for a sensor at ``placement``: what
    ``PipelineConfig.max_rep_rom_deg`` gives (none for a shank sensor in a thigh exercise, whose
    knee adds its own range)."""
    if placement is Placement.SHANK and definition.moving_segment is Placement.THIGH:
        return float("inf")
    return definition.max_rep_rom_deg


def _main_excursion_deg(phase: SetPhase, segment: Placement, from_deg: tuple[float, float], to_deg: tuple[float, float]) -> float:
    """How far ``segment`` turns between two (rep angle, pelvic compensation) states, deg,
    without sway or drift: what a sensor there measures as the rep's range."""
    theta = np.radians(np.array([from_deg[0], to_deg[0]]))
    pelvis = np.radians(np.array([from_deg[1], to_deg[1]]))
    rot = phase.kinematic_state(theta, pelvis).rotations(segment)
    return float(rotation_angle_deg(rot[0], rot[1]))


def _truthful_flags(
    planned: list[_PlannedRep],
    phase: SetPhase,
    *,
    definition: ExerciseDefinition,
    placement: Placement,
    usual_rom_deg: float,
    prescribed_hold_s: float | None,
    usual_hold_s: float | None = None,
) -> list[_PlannedRep]:
    """The flags of each rep as reptrack defines them (``tracker/pipeline/flags.py``), decided
    from what was simulated: tempo, hold (against the prescription, or with none the person's
    ``usual_hold_s``), and the range the main sensor's segment turns against the person's usual
    one.  Pelvic faults and jerkiness stay as injected."""
    injected_only = {FlagKind.PELVIC_RISE, FlagKind.PELVIS_NOT_LEVEL, FlagKind.JERKY}
    usual = _main_excursion_deg(phase, placement, (0.0, 0.0), (usual_rom_deg, 0.0))
    limit = min(BEYOND_RANGE_FRACTION * usual, _rep_range_limit_deg(definition, placement))
    out = []
    for p in planned:
        m = p.motion
        theta0, pelvis0 = (float(v[0]) for v in phase.angles_deg(np.array([m.start_s])))
        top = (theta0 + m.joint_rom_deg, pelvis0 + m.pelvis_deg * m.pelvis_sign)
        excursion = _main_excursion_deg(phase, placement, (theta0, pelvis0), top)
        flags = {f for f in p.flags if f in injected_only}
        if min(m.lift_s, m.lower_s) < definition.too_fast_phase_s:
            flags.add(FlagKind.TOO_FAST)
        elif (prescribed_hold_s is None and usual_hold_s is not None and usual_hold_s >= USUAL_HOLD_MIN_S
              and m.hold_s < SKIPPED_HOLD_FRACTION * usual_hold_s):
            flags.add(FlagKind.TOO_FAST)
        if prescribed_hold_s is not None and m.hold_s < SHORT_HOLD_FRACTION * prescribed_hold_s:
            flags.add(FlagKind.SHORT_HOLD)
        if excursion < PARTIAL_ROM_FRACTION * usual:
            flags.add(FlagKind.PARTIAL_ROM)
        if excursion > limit:
            flags.add(FlagKind.BEYOND_RANGE)
        kept = tuple(sorted(flags & definition.flags, key=lambda f: f.value))
        out.append(replace(p, flags=kept))
    return out


def _add_real_set(
    s: _Session,
    set_index: int,
    *,
    config: SimulationConfig,
    definition: ExerciseDefinition,
    kind: MotionKind,
    axis: FloatArray,
    normal_rom_deg: float,
    tempo: _Tempo,
    faults: frozenset[FlagKind],
    behaviour: SetBehaviour,
    person_hold_s: float,
) -> None:
    """A set under ``Realism.REAL``: the clean set's reps reshaped by ``behaviour``."""
    rng = s.rng
    b = behaviour
    n_reps = int(rng.integers(config.reps_per_set[0], config.reps_per_set[1] + 1))
    smallest, largest = _real_joint_limits(definition, kind)
    usual = float(np.clip(normal_rom_deg, smallest, largest))
    set_rom = float(np.clip(usual * b.range_factor, smallest, largest))
    allowed = set(faults)
    if b.style is SetStyle.FAST_NO_PAUSE:
        # every rep is fast and holds nothing; a sub-movement has no room in 0.3 s
        allowed -= {FlagKind.TOO_FAST, FlagKind.JERKY, FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE}
    elif b.style is SetStyle.PARTIAL_RETURN:
        allowed -= {FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE}  # the set's reps are its own size
    # a partial return's lift from the raised rest is the rep: at least the smallest range
    top_rom = max(set_rom, smallest / b.return_fraction)
    t = rng.uniform(1.0, 2.0)  # lead-in: still, before the first lift
    planned: list[_PlannedRep] = []
    landings: list[Landing] = []
    for i in range(n_reps):
        flags = _draw_flags(rng, frozenset(allowed), config.fault_rate)
        drift = b.tempo_drift ** (i / max(n_reps - 1, 1))
        rep = _plan_rep(
            rng,
            t,
            definition=definition,
            kind=kind,
            normal_rom_deg=set_rom,
            max_joint_rom_deg=largest,
            tempo=_Tempo(tempo.lift_s * drift, tempo.lower_s * drift),
            prescribed_hold_s=config.hold_s if b.hold_s is None else None,
            flags=flags,
            phase_limits_s=(STEADY_PHASE_S[0], STEADY_PHASE_S[1], STEADY_PHASE_S[1]),
            natural_hold_s=b.hold_s,
            beyond_range_factor=_REAL_BEYOND_FACTOR,
        )
        m = rep.motion
        m = replace(m, joint_rom_deg=float(max(m.joint_rom_deg, smallest)))
        returns_to_rest = True
        if b.style is SetStyle.FAST_NO_PAUSE:
            whole = rng.uniform(*FAST_REP_S)
            lift = whole * rng.uniform(0.4, 0.6)
            m = replace(m, lift_s=float(lift), lower_s=float(whole - lift), hold_s=0.0, tremor=())
        elif b.style is SetStyle.PARTIAL_RETURN:
            first, last = i == 0, i == n_reps - 1
            up = top_rom if first else b.return_fraction * top_rom
            down = top_rom if last else b.return_fraction * top_rom
            m = replace(m, joint_rom_deg=float(up), lower_rom_deg=float(down))
            returns_to_rest = last
        extra: list[MinJerkStep] = []
        bursts = list(m.tremor)
        if b.top_rebound_fraction > 0.0:
            d = float(np.clip(m.lift_s * rng.uniform(*_REBOUND_SHARE), *_REBOUND_S))
            o = b.top_rebound_fraction * m.joint_rom_deg
            extra += [MinJerkStep(m.lift_end_s - 0.5 * d, d, o), MinJerkStep(m.lift_end_s + 0.5 * d, d, -o)]
            bursts.append(Burst(m.lift_end_s, rng.uniform(*_TOP_OSCILLATION_S), 0.5 * o, b.top_oscillation_hz,
                                rng.uniform(0.0, 2.0 * np.pi)))
        if returns_to_rest and b.landing_rebound_fraction > 0.0:
            d = float(np.clip(m.lower_s * rng.uniform(*_REBOUND_SHARE), _REBOUND_S[0], _LANDING_REBOUND_MAX_S))
            o = b.landing_rebound_fraction * m.joint_rom_deg
            if definition.start_posture in _LANDS_ON_A_SURFACE:
                d = min(d, _LANDING_BOUNCE_MAX_S)
                extra += [MinJerkStep(m.end_s, d, o), MinJerkStep(m.end_s + d, d, -o)]
            else:
                extra += [MinJerkStep(m.end_s - 0.5 * d, d, -o), MinJerkStep(m.end_s + 0.5 * d, d, o)]
        if returns_to_rest and b.heel_strike_g > 0.0:
            landings.append(Landing(m.end_s, b.heel_strike_g * rng.uniform(0.8, 1.2), rng.uniform(15.0, 25.0),
                                    rng.uniform(0.015, 0.03)))
        m = replace(m, extra_steps=tuple(extra), tremor=tuple(bursts))
        world_rom = m.joint_rom_deg + m.pelvis_deg if kind is MotionKind.LEG_LIFT else m.joint_rom_deg
        planned.append(_PlannedRep(m, rep.flags, float(world_rom)))
        if i == n_reps - 1:
            gap = rng.uniform(1.0, 2.0)
        elif b.style is SetStyle.FAST_NO_PAUSE:
            gap = rng.uniform(*FAST_GAP_S)
        elif b.style is SetStyle.PARTIAL_RETURN:
            gap = rng.uniform(*_PARTIAL_TURN_S)
        else:
            gap = rng.uniform(0.5, 2.5)
        t = m.end_s + gap
    phase = _set_phase(s, kind, axis, planned, t, knee_flex_ratio=b.knee_flex_ratio, landings=tuple(landings))
    planned = _truthful_flags(planned, phase, definition=definition, placement=config.placement, usual_rom_deg=usual,
                              prescribed_hold_s=config.hold_s, usual_hold_s=person_hold_s)
    s.tl.add(phase, "set", set_index=set_index, planned=tuple(planned), normal_rom_deg=usual)


# --------------------------------------------------------------------------- evaluation
@dataclass(frozen=True, eq=False)
class _Truth:
    fine_rate_hz: float
    state: BodyState
    impacts_ms2: FloatArray  # (n, 3 segments, 3)


def _evaluate(entries: list[_Entry], duration_s: float, fine_rate_hz: float) -> _Truth:
    n = int(np.ceil(duration_s * fine_rate_hz)) + 2
    t = np.arange(n) / fine_rate_hz
    pelvis_r = np.empty((n, 3, 3))
    thigh_r = np.empty((n, 3, 3))
    shank_r = np.empty((n, 3, 3))
    hip = np.empty((n, 3))
    impacts = np.zeros((n, 3, 3))
    for k, e in enumerate(entries):
        i0 = int(np.searchsorted(t, e.start_s, side="left"))
        i1 = n if k == len(entries) - 1 else int(np.searchsorted(t, e.start_s + e.phase.duration_s, side="left"))
        if i1 <= i0:
            continue
        tau = np.minimum(t[i0:i1] - e.start_s, e.phase.duration_s)
        st = e.phase.state(tau)
        pelvis_r[i0:i1], thigh_r[i0:i1], shank_r[i0:i1], hip[i0:i1] = st.pelvis_r, st.thigh_r, st.shank_r, st.hip_m
        if st.impact_ms2 is not None:
            impacts[i0:i1] = st.impact_ms2
    return _Truth(fine_rate_hz, BodyState(pelvis_r, hip, thigh_r, shank_r), impacts)


_SEGMENT_INDEX = {Placement.PELVIS: 0, Placement.THIGH: 1, Placement.SHANK: 2}


def _segment_signals(truth: _Truth, person: Person, segment: Placement, with_gyro: bool) -> tuple[FloatArray, FloatArray | None]:
    """Specific force (m/s^2) and angular velocity (rad/s) of ``segment``'s sensor, segment frame."""
    dt = 1.0 / truth.fine_rate_hz
    pos = sensor_position_m(truth.state, person.dims, segment)
    acc = second_derivative(pos, dt) + truth.impacts_ms2[:, _SEGMENT_INDEX[segment]]
    f_world = acc + STANDARD_GRAVITY_MS2 * UP[None]
    rot = truth.state.rotations(segment)
    f_seg = np.einsum("nji,nj->ni", rot, f_world)
    omega = body_angular_velocity(rot, dt) if with_gyro else None
    return f_seg, omega


# --------------------------------------------------------------------------- labels
def _intervals(entries: list[_Entry], duration_s: float) -> tuple[list[Interval], list[Interval]]:
    setup: list[Interval] = []
    idle: list[Interval] = []

    def push(out: list[Interval], start: float, end: float, kind: str) -> None:
        if end - start <= 1e-9:
            return
        if out and out[-1].kind == kind and abs(out[-1].end_s - start) < 1e-9:
            out[-1] = Interval(out[-1].start_s, end, kind)
        else:
            out.append(Interval(start, end, kind))

    for e in entries:
        end = min(e.start_s + e.phase.duration_s, duration_s)
        if e.label == "set":
            first = e.start_s + e.planned[0].motion.start_s
            last = e.start_s + e.planned[-1].motion.end_s
            push(idle, e.start_s, first, "still")
            push(idle, last, end, "still")
        else:
            group, kind = e.label.split(":", 1)
            push(setup if group == "setup" else idle, e.start_s, end, kind)
    return setup, idle


def _rep_labels(
    entries: list[_Entry], main_segment: Placement
) -> tuple[list[RepLabel], list[SetLabel]]:
    reps: list[RepLabel] = []
    sets: list[SetLabel] = []
    for e in entries:
        if e.label != "set":
            continue
        phase = e.phase
        assert isinstance(phase, SetPhase)
        times = np.array(sorted({v for p in e.planned for v in (p.motion.start_s, p.motion.peak_s)}))
        st = phase.state(times)
        index_of = {v: i for i, v in enumerate(times)}
        for p in e.planned:
            m = p.motion
            i0, i1 = index_of[m.start_s], index_of[m.peak_s]
            main_rot = st.rotations(main_segment)
            reps.append(
                RepLabel(
                    index=len(reps),
                    set_index=e.set_index,
                    start_s=e.start_s + m.start_s,
                    lift_end_s=e.start_s + m.lift_end_s,
                    peak_s=e.start_s + m.peak_s,
                    lower_start_s=e.start_s + m.lower_start_s,
                    end_s=e.start_s + m.end_s,
                    rom_deg=p.rom_deg,
                    joint_rom_deg=m.joint_rom_deg,
                    pelvis_deg=m.pelvis_deg,
                    hold_s=m.hold_s,
                    lift_s=m.lift_s,
                    lower_s=m.lower_s,
                    flags=p.flags,
                    n_submovements=max(len(m.lift_fractions), len(m.lower_fractions)),
                    main_segment_rotation_deg=float(rotation_angle_deg(main_rot[i0], main_rot[i1])),
                    pelvis_rotation_deg=float(rotation_angle_deg(st.pelvis_r[i0], st.pelvis_r[i1])),
                )
            )
        sets.append(
            SetLabel(
                index=e.set_index,
                start_s=e.start_s + e.planned[0].motion.start_s,
                end_s=e.start_s + e.planned[-1].motion.end_s,
                rep_count=len(e.planned),
                normal_rom_deg=e.normal_rom_deg,
            )
        )
    return reps, sets


# --------------------------------------------------------------------------- entry points
def simulate(config: SimulationConfig) -> Simulation:
    """Simulate one session of a home hip exercise with known truth.

    Parameters
    ----------
    config:
        What to simulate; see :class:`SimulationConfig`.

    Returns
    -------
    Simulation
        ``main``: the sensor at ``config.placement``; ``pelvis``: a second, time-aligned
        pelvis sensor (``None`` when the main sensor is the pelvis); ``labels``: the truth.

    Raises
    ------
    ConfigurationError
        For an unknown exercise, a rate outside 25-200 Hz, an unsupported placement or a
        fault that cannot be injected into the exercise.
    """
    _validate(config)
    plan_seq, main_seq, pelvis_seq = np.random.SeedSequence(config.seed).spawn(3)
    rng = np.random.default_rng(plan_seq)

    name = config.exercise
    if name == "auto":
        choices = sorted(n for n in EXERCISES if n != "auto")
        name = choices[int(rng.integers(len(choices)))]
    definition = get_exercise(name)
    faults = _resolve_faults(config, definition)
    kind = motion_kind(definition)
    axis = lift_axis(definition)

    person = Person.draw(rng)
    start = posture_pose(BodyPosture.STANDING, person, yaw_rad=rng.uniform(-np.pi, np.pi), origin_m=np.zeros(3))
    target = rest_posture(definition)
    session = _Session(rng, person, _Gait.draw(rng), _Timeline(start), target)

    if config.setup_motion:
        _setup_before(session)
    else:
        session.anchor_here()
        session.tl.pose = posture_pose(target, person, yaw_rad=session.yaw_rad, origin_m=session.origin_m)
        session.still(rng.uniform(2.0, 4.0), "idle:still")

    lo, hi = definition.typical_rom_deg
    person_rom = rng.uniform(lo, hi)
    tempo_lift, tempo_lower = rng.uniform(1.6, 2.6), rng.uniform(1.8, 2.8)
    # Realism.REAL draws its behaviours from a stream of their own (the clean draws are untouched)
    behaviour_rng = np.random.default_rng(np.random.SeedSequence([config.seed, _BEHAVIOUR_STREAM]))
    real = config.realism is Realism.REAL
    person_hold_s = draw_person_hold_s(np.random.default_rng(np.random.SeedSequence([config.seed, _PERSON_HOLD_STREAM])))
    if real:
        person_rom *= draw_person_range_factor(behaviour_rng)
    wobble_rng = np.random.default_rng(np.random.SeedSequence([config.seed, _WOBBLE_STREAM]))
    wobble_gain = draw_person_wobble_gain(wobble_rng)
    behaviours: list[SetBehaviour] = []
    for set_index in range(config.n_sets):
        if set_index > 0:
            rest = rng.uniform(*config.rest_between_sets_s)
            if config.setup_motion:
                _setup_between(session, rest)
            else:
                session.still(rest, "idle:rest", fidgets_per_min=4.0)
        normal_rom_deg = person_rom * rng.uniform(0.95, 1.05)
        tempo = _Tempo(tempo_lift * rng.uniform(0.9, 1.1), tempo_lower * rng.uniform(0.9, 1.1))
        if not real:
            _add_set(session, set_index, config=config, definition=definition, kind=kind, axis=axis,
                     normal_rom_deg=normal_rom_deg, tempo=tempo, faults=faults)
            continue
        behaviour = draw_set_behaviour(
            behaviour_rng,
            set_index,
            knee_can_bend=kind is MotionKind.LEG_LIFT and target is not BodyPosture.SIDE_LYING_BENT,
            standing=target is BodyPosture.STANDING,
            prescribed_hold_s=config.hold_s,
            person_hold_s=person_hold_s,
        )
        behaviours.append(behaviour)
        _add_real_set(session, set_index, config=config, definition=definition, kind=kind, axis=axis,
                      normal_rom_deg=normal_rom_deg, tempo=tempo, faults=faults, behaviour=behaviour,
                      person_hold_s=person_hold_s)
    if config.setup_motion:
        _setup_after(session)
    else:
        session.still(rng.uniform(2.0, 3.0), "idle:still")

    entries = session.tl.entries
    duration_s = session.tl.t_s
    fine_rate = max(MIN_FINE_RATE_HZ, 2.0 * config.sample_rate_hz)
    truth = _evaluate(entries, duration_s, fine_rate)

    recordings: dict[Placement, Recording] = {}
    sensors: list[SensorTruth] = []
    needed = [config.placement] + ([Placement.PELVIS] if config.placement is not Placement.PELVIS else [])
    for segment, seq in zip(needed, (main_seq, pelvis_seq)):
        srng = np.random.default_rng(seq)
        model = SensorModel.draw(srng, duration_s, ideal=config.ideal_sensor)
        f_seg, omega = _segment_signals(truth, person, segment, config.with_gyro or real)
        if real:
            # the sensor wobbles as its segment moves: turned by ``turn`` it sees gravity (and the
            # rest of the specific force) turned back, to first order, and turns at ``turn_rate``
            # more (the segment's own rate is not turned with it: second order, about 0.5 %)
            assert omega is not None
            turn, turn_rate = movement_wobble(omega, fine_rate_hz=fine_rate, gain=wobble_gain, rng=wobble_rng)
            f_seg = f_seg - np.cross(turn, f_seg)
            omega = omega + turn_rate if config.with_gyro else None
        sensed = sense(
            model,
            srng,
            specific_force_ms2=f_seg,
            angular_velocity_rad_s=omega,
            fine_rate_hz=fine_rate,
            duration_s=duration_s,
            sample_rate_hz=config.sample_rate_hz,
        )
        meta = RecordingMeta(
            sensor="simulated",
            placement=segment,
            side=Side.RIGHT,
            exercise=config.exercise,
            sample_rate_hz=float(config.sample_rate_hz),
            simulated=True,
            extra=(("seed", str(config.seed)), ("performed_exercise", definition.name)),
        )
        recordings[segment] = Recording(sensed.t_s, sensed.accel_g, sensed.gyro_dps, meta, sensed.gaps)
        n_nominal = max(int(np.floor(duration_s * config.sample_rate_hz)), 2)
        sensors.append(
            SensorTruth(
                placement=segment,
                n_samples=len(sensed.t_s),
                strap_rotvec_deg=tuple(float(v) for v in np.degrees(matrix_to_rotvec(model.strap_r))),  # type: ignore[arg-type]
                accel_noise_g=float(model.accel_noise_g),
                accel_bias_g=tuple(float(v) for v in model.accel_bias_g),  # type: ignore[arg-type]
                accel_scale=tuple(float(v) for v in model.accel_scale),  # type: ignore[arg-type]
                accel_lsb_g=float(model.accel_lsb_g),
                gyro_noise_dps=float(model.gyro_noise_dps),
                gyro_bias_dps=tuple(float(v) for v in model.gyro_bias_dps),  # type: ignore[arg-type]
                gyro_scale=tuple(float(v) for v in model.gyro_scale),  # type: ignore[arg-type]
                gyro_lsb_dps=float(model.gyro_lsb_dps),
                dropped_fraction=float(1.0 - len(sensed.t_s) / n_nominal),
                gaps=sensed.gaps,
            )
        )

    reps, sets = _rep_labels(entries, config.placement)
    setup, idle = _intervals(entries, duration_s)
    labels = Labels(
        exercise=definition.name,
        declared_exercise=config.exercise,
        placement=config.placement,
        side=Side.RIGHT.value,
        seed=config.seed,
        sample_rate_hz=float(config.sample_rate_hz),
        has_gyro=config.with_gyro,
        pelvis_file=config.placement is not Placement.PELVIS,
        duration_s=float(duration_s),
        hold_s=config.hold_s,
        lift_axis_in_segment=tuple(float(v) for v in axis),  # type: ignore[arg-type]
        injectable_faults=tuple(sorted(faults, key=lambda f: f.value)),
        reps=tuple(reps),
        sets=tuple(sets),
        setup_intervals=tuple(setup),
        idle_intervals=tuple(idle),
        sensors=tuple(sensors),
        set_behaviours=tuple(behaviours),
    )
    pelvis = recordings[Placement.PELVIS] if config.placement is not Placement.PELVIS else None
    return Simulation(recordings[config.placement], pelvis, labels)


def pelvis_path_for(csv_path: str | Path) -> Path:
    """``<name>.pelvis.csv`` beside ``<name>.csv``."""
    p = Path(csv_path)
    return p.with_name(p.name[: -len(".csv")] + ".pelvis.csv") if p.name.endswith(".csv") else p.with_name(p.name + ".pelvis.csv")


def labels_path_for(csv_path: str | Path) -> Path:
    """``<name>.labels.json`` beside ``<name>.csv``."""
    p = Path(csv_path)
    stem = p.name[: -len(".csv")] if p.name.endswith(".csv") else p.name
    return p.with_name(stem + ".labels.json")


#: (exercise, placement) combinations a corpus cycles through.
def corpus_combinations(
    exercises: tuple[str, ...] | None = None, *, realism: Realism = Realism.CLEAN
) -> tuple[tuple[str, Placement], ...]:
    """Exercise/placement pairs covered by :func:`simulate_corpus`.

    Every exercise except ``auto`` with the thigh sensor, except seated knee extension
    (shank); the hip raise additionally with the pelvis sensor.  Under ``Realism.REAL`` every
    straight-leg lift is also worn on the shank, where a bending knee shows most.
    """
    names = sorted(n for n in EXERCISES if n != "auto") if exercises is None else list(exercises)
    combos: list[tuple[str, Placement]] = []
    for n in names:
        definition = get_exercise(n)
        if n == "seated-knee-extension":
            combos.append((n, Placement.SHANK))
        elif n == "hip-raise":
            combos.append((n, Placement.PELVIS))
            combos.append((n, Placement.THIGH))
        else:
            combos.append((n, Placement.THIGH))
            if (realism is Realism.REAL and motion_kind(definition) is MotionKind.LEG_LIFT
                    and rest_posture(definition) is not BodyPosture.SIDE_LYING_BENT):
                combos.append((n, Placement.SHANK))
    return tuple(combos)


def simulate_corpus(
    out_dir: str | Path,
    *,
    n_recordings: int,
    seed: int,
    exercises: tuple[str, ...] | None = None,
    rates_hz: tuple[float, ...] = (25.0, 50.0, 100.0, 200.0),
    holds_s: tuple[float | None, ...] = (None, 2.0, 3.0, 5.0),
    n_sets: int = 2,
    reps_per_set: tuple[int, int] = (8, 12),
    fault_rate: float = 0.3,
    setup_motion: bool = True,
    realism: Realism = Realism.CLEAN,
) -> list[Path]:
    """Write ``n_recordings`` simulated sessions to ``out_dir``.

    Each recording ``<name>`` gives ``<name>.csv`` (main sensor), ``<name>.pelvis.csv``
    (when the main sensor is not the pelvis) and ``<name>.labels.json``.  Exercise/placement
    pairs (:func:`corpus_combinations`) are cycled so that ``n_recordings >= 11`` covers all;
    rates, gyro on/off and hold (prescribed or not, every other recording) are cycled in
    independently shuffled orders.  ``realism`` is passed to every simulation (and under
    ``Realism.REAL`` adds shank placements of the leg lifts; names then start ``real``).

    Returns
    -------
    list[Path]
        The main CSV files, in the order written.
    """
    from tracker.files import csv_recording as csvio  # adapter: imported lazily, the simulator itself writes no files

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    combos = corpus_combinations(exercises, realism=realism)
    combo_order = rng.permutation(len(combos))

    def cycled(values: tuple, i: int, cache: dict[int, np.ndarray]) -> object:
        block = i // len(values)
        if block not in cache:
            cache[block] = rng.permutation(len(values))
        return values[int(cache[block][i % len(values)])]

    rate_cache: dict[int, np.ndarray] = {}
    gyro_cache: dict[int, np.ndarray] = {}
    hold_flag_cache: dict[int, np.ndarray] = {}
    prescribed = tuple(h for h in holds_s if h is not None) or (None,)
    paths: list[Path] = []
    for i in range(n_recordings):
        exercise, placement = combos[int(combo_order[i % len(combos)])]
        rate = float(cycled(tuple(rates_hz), i, rate_cache))  # type: ignore[arg-type]
        with_gyro = bool(cycled((True, False), i, gyro_cache))
        if None in holds_s and prescribed != (None,):
            with_hold = bool(cycled((False, True), i, hold_flag_cache))
        else:
            with_hold = None not in holds_s
        hold = prescribed[int(rng.integers(len(prescribed)))] if with_hold else None
        rec_seed = int(np.random.SeedSequence([seed, i]).generate_state(1)[0])
        sim = simulate(
            SimulationConfig(
                exercise=exercise,
                seed=rec_seed,
                sample_rate_hz=rate,
                with_gyro=with_gyro,
                n_sets=n_sets,
                reps_per_set=reps_per_set,
                hold_s=hold,
                fault_rate=fault_rate,
                setup_motion=setup_motion,
                placement=placement,
                realism=realism,
            )
        )
        prefix = "real" if realism is Realism.REAL else "sim"
        name = f"{prefix}{seed}_{i:04d}_{exercise}_{placement.value}_{int(rate)}hz"
        main_path = out / f"{name}.csv"
        csvio.write_recording(main_path, sim.main)
        if sim.pelvis is not None:
            csvio.write_recording(pelvis_path_for(main_path), sim.pelvis)
        write_labels(labels_path_for(main_path), sim.labels)
        paths.append(main_path)
    return paths
