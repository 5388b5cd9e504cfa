"""Exercises, postures and form flags, declared as data.

Segment frames follow the ISB convention for a right-side segment: ``x`` anterior,
``y`` superior (along the long axis, towards proximal), ``z`` to the right.  A posture is
the direction of "up" (the direction an accelerometer at rest reads +1 g) in the frame of
the segment that carries the sensor.  A movement is a rotation of the moving segment about
an axis of its own frame.

Typical ranges of motion are for older adults doing the home programme and come from the
clinical literature on hip range of motion (American Academy of Orthopaedic Surgeons
normal values: hip abduction 0-45 deg, flexion with straight knee about 0-80 deg,
extension 0-30 deg) scaled to what a home exercise sheet asks for.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tracker.errors import ConfigurationError
from tracker.core.limits import Limit
from tracker.core.recording import Placement

#: The longest hold at the top of a rep, s. Home hip programmes prescribe holds of 2-10 s
#: (isometric ones up to 30 s); a minute or more is no rep's hold but a slip of the keyboard.
MAX_HOLD_S = 60.0
HOLD = Limit("hold_s", 0.0, MAX_HOLD_S, "a hold at the top of a rep", "s", low_exclusive=True)
#: A target range of motion is a joint angle: no hip or knee turns further than 180°.
TARGET_ROM = Limit("target_rom_deg", 0.0, 180.0, "a range of motion", "deg", low_exclusive=True)


class Posture(enum.Enum):
    STANDING = "standing"
    SUPINE = "supine"
    PRONE = "prone"
    SIDE_LYING = "side-lying"
    SEATED = "seated"
    HOOK_LYING = "hook-lying"  # on the back, knees bent, feet down (bridge start)
    ANY = "any"

    @property
    def lying(self) -> bool:
        """Lying down (on the back, front or side): no one walks from here."""
        return self in (Posture.SUPINE, Posture.PRONE, Posture.SIDE_LYING, Posture.HOOK_LYING)


class Plane(enum.Enum):
    SAGITTAL = "sagittal"
    FRONTAL = "frontal"
    TRANSVERSE = "transverse"
    ANY = "any"


class FlagKind(enum.Enum):
    """Form problems reptrack can flag on a rep."""

    PELVIC_RISE = "pelvic_rise"
    PELVIS_NOT_LEVEL = "pelvis_not_level"
    JERKY = "jerky"
    TOO_FAST = "too_fast"
    SHORT_HOLD = "short_hold"
    PARTIAL_ROM = "partial_rom"
    BEYOND_RANGE = "beyond_range"


class Exercise(enum.Enum):
    """The exercises reptrack knows; the value is the name used on the command line and in files."""

    STANDING_HIP_ABDUCTION = "standing-hip-abduction"
    STANDING_HIP_FLEXION = "standing-hip-flexion"
    STANDING_HIP_EXTENSION = "standing-hip-extension"
    SIDE_LYING_HIP_ABDUCTION = "side-lying-hip-abduction"
    PRONE_LEG_LIFT = "prone-leg-lift"
    STRAIGHT_LEG_RAISE = "straight-leg-raise"
    HIP_RAISE = "hip-raise"
    CLAMSHELL = "clamshell"
    SQUAT = "squat"
    SEATED_KNEE_EXTENSION = "seated-knee-extension"
    AUTO = "auto"

    @classmethod
    def parse(cls, name: str | Exercise) -> Exercise:
        """An exercise from its name.

        Raises
        ------
        ConfigurationError
            When the name is unknown; the message lists the known names.
        """
        if isinstance(name, Exercise):
            return name
        try:
            return cls(name)
        except ValueError:
            known = ", ".join(sorted(e.value for e in cls))
            raise ConfigurationError(f"unknown exercise {name!r}; choose one of: {known}") from None

    @property
    def definition(self) -> ExerciseDefinition:
        return EXERCISES[self.value]


class Severity(enum.Enum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


#: What the person is told when a flag is raised (plain language, one line).
FLAG_CUES: dict[FlagKind, str] = {
    FlagKind.PELVIC_RISE: "keep your pelvis level: lift only the leg",
    FlagKind.PELVIS_NOT_LEVEL: "keep your hip bones level as you lift",
    FlagKind.JERKY: "move smoothly, without jerks",
    FlagKind.TOO_FAST: "slower: about 2-3 seconds up and 2-3 seconds down",
    FlagKind.SHORT_HOLD: "hold the top position a little longer",
    FlagKind.PARTIAL_ROM: "lift a little further, as far as is comfortable",
    FlagKind.BEYOND_RANGE: "a smaller movement: only as far as your usual range, knee straight and pelvis still",
}

#: What a report says of ``jerky`` judged without a gyro (:func:`certainty_notes`)
JERKY_WITHOUT_GYRO_NOTE = ("this sensor has no gyro, so jerky is less certain: it is judged from tremor alone (shaking "
                           "above 3 Hz), and a jerk or a stop part way through a lift is not seen")


def certainty_notes(exercise: ExerciseDefinition, *, has_gyro: bool) -> tuple[str, ...]:
    """What the report of a session of ``exercise`` says of the flags judged less surely with its
    sensor: ``jerky`` without a gyro (``tracker.pipeline.flags.assess_flags``; its F1 on the
    simulated corpora is lower without one, ``reptrack eval``)."""
    return (JERKY_WITHOUT_GYRO_NOTE,) if not has_gyro and FlagKind.JERKY in exercise.flags else ()


ALL_LEG_LIFT_FLAGS = frozenset(
    {FlagKind.PELVIC_RISE, FlagKind.JERKY, FlagKind.TOO_FAST, FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE}
)
HIP_RAISE_FLAGS = frozenset(
    {FlagKind.PELVIS_NOT_LEVEL, FlagKind.JERKY, FlagKind.TOO_FAST, FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE}
)
GENERIC_FLAGS = frozenset({FlagKind.JERKY, FlagKind.TOO_FAST, FlagKind.SHORT_HOLD, FlagKind.PARTIAL_ROM, FlagKind.BEYOND_RANGE})

Vec3 = tuple[float, float, float]

UP_IN_SEGMENT: dict[Posture, Vec3] = {
    Posture.STANDING: (0.0, 1.0, 0.0),
    Posture.SUPINE: (1.0, 0.0, 0.0),
    Posture.PRONE: (-1.0, 0.0, 0.0),
    Posture.SIDE_LYING: (0.0, 0.0, 1.0),  # lying on the left side, right leg on top
    Posture.SEATED: (1.0, 0.0, 0.0),  # thigh horizontal (the shank hangs: (0, 1, 0))
    Posture.HOOK_LYING: (0.7071, -0.7071, 0.0),  # thigh at about 45 deg, knee above the hip
}


@dataclass(frozen=True)
class ExerciseDefinition:
    """One exercise, as data.

    Attributes
    ----------
    name:
        The CLI name (``side-lying-hip-abduction``).
    title:
        Human-readable name.
    start_posture:
        Body posture the reps start from; setup motion outside it is not counted.
    plane:
        Movement plane of the moving segment.
    moving_segment:
        The segment whose rotation is the rep (``thigh``, ``shank`` or ``pelvis``).
    axis_in_segment:
        Rotation axis of the rep in the moving segment's frame, right-hand rule, signed so
        the rotation is the lift (right leg: abduction is about -x).
    typical_rom_deg:
        (low, high) range of motion asked for by a home programme.
    max_physiological_rom_deg:
        Beyond this the joint alone cannot go: larger ranges imply compensation
        (the pelvis rising) when only a thigh sensor is worn.
    min_detect_rom_deg:
        Smallest excursion counted as a rep (below it: tremor, fidgeting).
    min_rep_s, max_rep_s:
        Plausible duration of one rep, hold included.
    too_fast_phase_s:
        A lift or lower phase shorter than this is "too fast".
    flags:
        Flags that apply.
    """

    name: str
    title: str
    start_posture: Posture
    plane: Plane
    moving_segment: Placement
    axis_in_segment: Vec3
    typical_rom_deg: tuple[float, float]
    max_physiological_rom_deg: float
    min_detect_rom_deg: float = 3.0
    min_rep_s: float = 0.45
    max_rep_s: float = 25.0
    too_fast_phase_s: float = 0.8
    flags: frozenset[FlagKind] = GENERIC_FLAGS
    description: str = ""
    rep_rom_limit_deg: float | None = None

    @property
    def exercise(self) -> Exercise:
        return Exercise(self.name)

    @property
    def max_rep_rom_deg(self) -> float:
        """Largest excursion still taken for a rep; beyond it the person changes posture.

        Lying down or standing up turns the thigh by about 90 deg, so the default is
        capped at 80 deg while leaving room for compensation beyond the physiological range.
        """
        if self.rep_rom_limit_deg is not None:
            return self.rep_rom_limit_deg
        return min(1.3 * self.max_physiological_rom_deg + 5.0, 80.0)


_DEFS = [
    ExerciseDefinition(
        "standing-hip-abduction", "Standing hip abduction (holding a chair)", Posture.STANDING,
        Plane.FRONTAL, Placement.THIGH, (-1.0, 0.0, 0.0), (20.0, 35.0), 45.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Stand tall holding a chair; lift the straight leg out to the side.",
    ),
    ExerciseDefinition(
        "standing-hip-flexion", "Standing hip flexion (straight-leg lift forward)", Posture.STANDING,
        Plane.SAGITTAL, Placement.THIGH, (0.0, 0.0, 1.0), (25.0, 50.0), 80.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Stand holding a chair; lift the straight leg forward.",
    ),
    ExerciseDefinition(
        "standing-hip-extension", "Standing hip extension (straight-leg lift back)", Posture.STANDING,
        Plane.SAGITTAL, Placement.THIGH, (0.0, 0.0, -1.0), (10.0, 20.0), 30.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Stand holding a chair; move the straight leg backwards without leaning forward.",
    ),
    ExerciseDefinition(
        "side-lying-hip-abduction", "Side-lying leg raise", Posture.SIDE_LYING, Plane.FRONTAL,
        Placement.THIGH, (-1.0, 0.0, 0.0), (20.0, 35.0), 45.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Lie on one side; lift the top leg, knee straight, toes forward.",
    ),
    ExerciseDefinition(
        "prone-leg-lift", "Prone leg lift (hip extension lying face down)", Posture.PRONE,
        Plane.SAGITTAL, Placement.THIGH, (0.0, 0.0, -1.0), (8.0, 20.0), 30.0, flags=ALL_LEG_LIFT_FLAGS,
        min_detect_rom_deg=2.5,
        description="Lie face down; lift the straight leg a few inches without the pelvis rising.",
    ),
    ExerciseDefinition(
        "straight-leg-raise", "Straight-leg raise (lying on the back)", Posture.SUPINE, Plane.SAGITTAL,
        Placement.THIGH, (0.0, 0.0, 1.0), (15.0, 45.0), 80.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Lie on the back, other knee bent; lift the straight leg to the height of the bent knee.",
    ),
    ExerciseDefinition(
        "hip-raise", "Hip raise (bridge; feet on floor, chair or ball)", Posture.HOOK_LYING,
        Plane.SAGITTAL, Placement.PELVIS, (0.0, 0.0, 1.0), (15.0, 35.0), 45.0, flags=HIP_RAISE_FLAGS,
        description="Lie on the back, knees bent, feet on the floor, a chair or a ball; lift the hips.",
    ),
    ExerciseDefinition(
        "clamshell", "Clamshell (side-lying, knees bent)", Posture.SIDE_LYING, Plane.TRANSVERSE,
        Placement.THIGH, (-1.0, 0.0, 0.0), (20.0, 40.0), 60.0, flags=ALL_LEG_LIFT_FLAGS,
        description="Lie on one side, knees bent; open the top knee keeping the feet together.",
    ),
    ExerciseDefinition(
        "squat", "Squat (sit-to-stand to a chair)", Posture.STANDING, Plane.SAGITTAL, Placement.THIGH,
        (0.0, 0.0, 1.0), (50.0, 90.0), 120.0, min_detect_rom_deg=8.0, min_rep_s=0.8, flags=GENERIC_FLAGS,
        rep_rom_limit_deg=130.0,
        description="Feet apart, sit back towards a chair and stand up again.",
    ),
    ExerciseDefinition(
        "seated-knee-extension", "Seated knee extension", Posture.SEATED, Plane.SAGITTAL,
        Placement.SHANK, (0.0, 0.0, 1.0), (45.0, 80.0), 100.0, flags=GENERIC_FLAGS, rep_rom_limit_deg=110.0,
        description="Sit on a high surface; straighten the knee to lift the foot.",
    ),
    ExerciseDefinition(
        "auto", "Any repetitive single-joint movement", Posture.ANY, Plane.ANY, Placement.AUTO,
        (0.0, 0.0, 1.0), (10.0, 60.0), 180.0, flags=GENERIC_FLAGS, rep_rom_limit_deg=120.0,
        description="Counts along the dominant rotation found in the data.",
    ),
]

EXERCISES: dict[str, ExerciseDefinition] = {d.name: d for d in _DEFS}


def get_exercise(name: str | Exercise) -> ExerciseDefinition:
    """Look an exercise up by its CLI name (or :class:`Exercise`).

    Raises
    ------
    ConfigurationError
        When the name is unknown; the message lists the known names.
    """
    return Exercise.parse(name).definition


def declared_exercise_warning(declared: str | None, asked: Exercise) -> str | None:
    """A warning when a recording says it holds another exercise than the one it is analysed as
    (the person's choice wins: a file's metadata is often a leftover; ``auto`` detects it anyway)."""
    if not declared or not declared.strip() or asked is Exercise.AUTO:
        return None
    key = "-".join(declared.strip().lower().replace("_", " ").split())
    try:
        said = Exercise(key)
    except ValueError:
        return f"the file says its exercise is {declared.strip()!r}, which is not one reptrack knows: analysed as {asked.value}, as asked"
    if said is asked:
        return None
    return f"the file says its exercise is {said.value}: analysed as {asked.value}, as asked"


def parse_placement(name: str | Placement) -> Placement:
    if isinstance(name, Placement):
        return name
    try:
        return Placement(name)
    except ValueError:
        known = ", ".join(p.value for p in Placement)
        raise ConfigurationError(f"unknown placement {name!r}; choose one of: {known}") from None
