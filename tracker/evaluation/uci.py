"""Adapter for the UCI "Physical Therapy Exercises" data set (Yurtman & Barshan 2014).

Layout and ground truth are described in ``shared/data/uci-pt/README.md``: per subject and
exercise, one continuous ``test.txt`` per sensor unit (Xsens MTx, 25 Hz; acceleration in
m/s^2, angular rate in rad/s), 10 correct reps in t < 100 s, 10 too-fast reps in
100 <= t < 160 s, 10 low-amplitude reps after 160 s. Subject 1 also has hand-labelled
rep boundaries (``test_times.csv``).

References
----------
Yurtman, A., Barshan, B. (2014). Automated evaluation of physical therapy exercises using
multi-template dynamic time warping on wearable sensor signals. Computer Methods and
Programs in Biomedicine 117(2):189-207. Data: UCI ML Repository, doi:10.24432/C5JK60 (CC BY 4.0).
"""

from __future__ import annotations

import csv
import enum
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tracker.core.exercises import get_exercise
from tracker.errors import DatasetError
from tracker.core.recording import STANDARD_GRAVITY_MS2, Placement, Recording, RecordingMeta, Side

SAMPLE_RATE_HZ = 25.0
REPS_PER_BLOCK = 10
#: a template session's reps: 3 of each execution type, with no windows given for them
TEMPLATE_REPS = 9


class ExecutionType(enum.Enum):
    CORRECT = 1
    FAST = 2
    LOW_AMPLITUDE = 3


#: block windows of the protocol, seconds
BLOCK_WINDOWS_S: dict[ExecutionType, tuple[float, float]] = {
    ExecutionType.CORRECT: (0.0, 100.0),
    ExecutionType.FAST: (100.0, 160.0),
    ExecutionType.LOW_AMPLITUDE: (160.0, float("inf")),
}

#: the data set's exercises, as reptrack exercises
EXERCISE_MAP: dict[str, str] = {
    "e1": "seated-knee-extension",
    "e3": "straight-leg-raise",
    "e4": "side-lying-hip-abduction",
    "e5": "prone-leg-lift",
}

#: sensor units on the moving (right) leg, as placements
UNIT_PLACEMENT: dict[str, Placement] = {"u2": Placement.SHANK, "u3": Placement.THIGH}


@dataclass(frozen=True)
class LabelledRep:
    execution: ExecutionType
    start_s: float
    end_s: float


@dataclass(frozen=True)
class UciRecording:
    subject: str
    exercise_code: str
    unit: str
    exercise: str
    placement: Placement
    recording: Recording
    reps: tuple[LabelledRep, ...] | None  # hand labels (subject 1 only)


def load_unit_file(path: Path) -> Recording:
    """Read one ``test.txt``/``template_session.txt`` into a :class:`Recording` in g and deg/s."""
    try:
        data = np.loadtxt(path, delimiter=";", skiprows=1, ndmin=2)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read UCI unit file ({exc})") from None
    if data.shape[1] < 7:
        raise DatasetError(f"{path}: expected at least 7 columns, found {data.shape[1]}")
    t = (data[:, 0] - 1.0) / SAMPLE_RATE_HZ
    acc = data[:, 1:4] / STANDARD_GRAVITY_MS2
    gyr = np.degrees(data[:, 4:7])
    meta = RecordingMeta(sensor="Xsens MTx (UCI PT data set)", side=Side.RIGHT, sample_rate_hz=SAMPLE_RATE_HZ)
    return Recording(t_s=t, accel_g=acc, gyro_dps=gyr, meta=meta)


def load_rep_labels(path: Path) -> tuple[LabelledRep, ...]:
    reps = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            reps.append(LabelledRep(
                ExecutionType(int(row["execution.type"])),
                (float(row["start"]) - 1.0) / SAMPLE_RATE_HZ,
                (float(row["end"]) - 1.0) / SAMPLE_RATE_HZ,
            ))
    return tuple(reps)


class Session(enum.Enum):
    """Which recording of each sensor unit an evaluation reads."""

    TEST = "test"  # ``test.txt``: 10 reps of each execution type in the protocol's windows (the README's figures)
    #: ``template_session.txt``: 3 reps of each type, shorter and with shorter rests; only their
    #: total is known (``template_times.txt`` picks one rep of each type, not the windows), and no
    #: rule was tuned on them until stop 46: a check on recordings the engine was not fitted to
    TEMPLATE = "template"

    @property
    def file_name(self) -> str:
        return "test.txt" if self is Session.TEST else "template_session.txt"


class PlacementSelection(enum.Enum):
    """Which sensor units of the moving leg an evaluation analyses."""

    PRIMARY = "primary"  # the exercise's moving segment only (shank for e1, thigh otherwise)
    ALL = "all"  # every placement on the moving leg: thigh (u3) and shank (u2) for every exercise


def iter_dataset(root: Path, *, units: tuple[str, ...] = ("u2", "u3"),
                 placements: PlacementSelection = PlacementSelection.ALL,
                 subject: str | None = None, session: Session = Session.TEST) -> list[UciRecording]:
    """Every (subject, exercise, unit) recording under ``root`` (the ``uci-pt`` folder).

    ``placements`` PRIMARY keeps only the unit on each exercise's moving segment; ``subject``
    (``s1``, ``s2``, ...) keeps one subject's recordings (leave-one-subject-out scoring);
    ``session`` chooses the test or the template recordings (hand labels only for the former).
    """
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: no such folder (expected the uci-pt data set)")
    subjects = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("s"))
    if subject is not None:
        subjects = [p for p in subjects if p.name == subject]
        if not subjects:
            raise DatasetError(f"{root}: no subject folder {subject!r} (e.g. --subject s1)")
    out: list[UciRecording] = []
    for subject_dir in subjects:
        for ex_dir in sorted(p for p in subject_dir.iterdir() if p.is_dir() and p.name in EXERCISE_MAP):
            labels_path = ex_dir / "test_times.csv"
            labels = load_rep_labels(labels_path) if labels_path.exists() and session is Session.TEST else None
            moving = get_exercise(EXERCISE_MAP[ex_dir.name]).moving_segment
            for unit in units:
                f = ex_dir / unit / session.file_name
                placement = UNIT_PLACEMENT[unit]
                if not f.exists() or (placements is PlacementSelection.PRIMARY and placement is not moving):
                    continue
                rec = load_unit_file(f)
                out.append(UciRecording(subject_dir.name, ex_dir.name, unit, EXERCISE_MAP[ex_dir.name], placement, rec, labels))
    if not out:
        raise DatasetError(f"{root}: no s*/e*/u*/{session.file_name} files found")
    return out


def block_of(t_s: float) -> ExecutionType:
    for kind, (lo, hi) in BLOCK_WINDOWS_S.items():
        if lo <= t_s < hi:
            return kind
    return ExecutionType.LOW_AMPLITUDE
