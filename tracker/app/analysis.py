"""Analysis use cases: analyse a recording file; write simulated, labelled recordings; score the
engine on labelled data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracker.app.limits import CORPUS_RECORDINGS, SEED, SIMULATED_RECORDINGS, SIMULATED_SETS
from tracker.core.exercises import HOLD, TARGET_ROM, Exercise, declared_exercise_warning
from tracker.core.recording import SAMPLE_RATE, Placement
from tracker.errors import InvalidValueError
from tracker.files.csv_recording import read_recording, write_recording
from tracker.pipeline import AnalysisResult, Personalisation, SessionSetup


@dataclass(frozen=True)
class AnalysisRequest:
    path: Path
    exercise: Exercise
    placement: Placement = Placement.AUTO
    pelvis: Path | None = None  # a second, time-aligned recording from a sensor on the pelvis
    hold_s: float | None = None
    target_rom_deg: float | None = None
    rate_hz: float | None = None  # for a file without a 't' column


def analyse_file(request: AnalysisRequest) -> AnalysisResult:
    """Reps, sets, per-rep metrics and form flags of a recording file; what was wrong with the
    file but usable is in the result's warnings."""
    if request.rate_hz is not None:
        SAMPLE_RATE.check(request.rate_hz)
    if request.hold_s is not None:
        HOLD.check(request.hold_s)
    if request.target_rom_deg is not None:
        TARGET_ROM.check(request.target_rom_deg)
    read = read_recording(request.path, rate_hz=request.rate_hz)
    warnings = list(read.warnings)
    if (mismatch := declared_exercise_warning(read.recording.meta.exercise, request.exercise)) is not None:
        warnings.append(mismatch)
    pelvis = None
    if request.pelvis is not None:
        pread = read_recording(request.pelvis, rate_hz=request.rate_hz)
        warnings += [f"pelvis: {w}" for w in pread.warnings]
        pelvis = pread.recording
    setup = SessionSetup.resolve(request.exercise, request.placement, declared=read.recording.meta.placement,
                                 with_pelvis=pelvis is not None,
                                 personal=Personalisation(hold_s=request.hold_s, target_rom_deg=request.target_rom_deg))
    return setup.analyse(read.recording, pelvis, warnings=tuple(warnings))


@dataclass(frozen=True)
class SimulationRequest:
    exercise: Exercise
    out_dir: Path
    seed: int = 0
    count: int = 1  # recordings, with seeds seed, seed + 1, ...
    placement: Placement | None = None  # the main sensor (None: the exercise's moving segment)
    rate_hz: float = 50.0
    with_gyro: bool = True
    sets: int = 2
    hold_s: float | None = None
    fault_rate: float = 0.3  # share of reps with an injected fault
    setup_motion: bool = True  # walking, lying down ... around the sets
    real_behaviours: bool = False  # the behaviours real people show (Realism.REAL), not the exercise sheet's reps


@dataclass(frozen=True)
class SimulatedFile:
    path: Path  # the main recording; labels and pelvis recording beside it
    rep_count: int
    set_count: int
    samples: int


def simulate_recordings(request: SimulationRequest) -> list[SimulatedFile]:
    """Write ``count`` simulated recordings with their labels (and pelvis recordings) to ``out_dir``."""
    from tracker.simulate import Realism, SimulationConfig, simulate, write_labels

    r = request
    SEED.check(r.seed)
    SIMULATED_RECORDINGS.check(r.count)
    SIMULATED_SETS.check(r.sets)
    SEED.check(r.seed + r.count - 1)  # the last recording's seed
    SAMPLE_RATE.check(r.rate_hz)
    if r.hold_s is not None:
        HOLD.check(r.hold_s)
    if not 0 <= r.fault_rate <= 1:
        raise InvalidValueError("fault_rate", f"is a share of reps, between 0 and 1, not {r.fault_rate:g}")
    exercise = r.exercise.definition
    placement = r.placement or exercise.moving_segment
    if placement is Placement.AUTO:
        placement = Placement.THIGH
    r.out_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(r.count):
        seed = r.seed + k
        cfg = SimulationConfig(
            exercise=exercise.name, seed=seed, sample_rate_hz=r.rate_hz, with_gyro=r.with_gyro, n_sets=r.sets, hold_s=r.hold_s,
            fault_rate=r.fault_rate, setup_motion=r.setup_motion, placement=placement,
            realism=Realism.REAL if r.real_behaviours else Realism.CLEAN,
        )
        sim = simulate(cfg)
        stem = r.out_dir / f"{exercise.name}-{placement.value}-{'real-' if r.real_behaviours else ''}seed{seed}"
        write_recording(f"{stem}.csv", sim.main)
        if sim.pelvis is not None:
            write_recording(f"{stem}.pelvis.csv", sim.pelvis)
        write_labels(Path(f"{stem}.labels.json"), sim.labels)
        out.append(SimulatedFile(Path(f"{stem}.csv"), sim.labels.rep_count, len(sim.labels.sets), len(sim.main)))
    return out


def write_corpus(out_dir: Path, *, recordings: int = 300, seed: int = 2026, real_behaviours: bool = False) -> list[Path]:
    """The synthetic evaluation corpus: ``recordings`` labelled recordings across every exercise,
    placement, rate and sensor kind; with ``real_behaviours`` the sets show what real people do
    (``Realism.REAL``: fast sets with no pause, big and small ranges, a bending knee, rebounds ...)."""
    from tracker.simulate import Realism, simulate_corpus

    SEED.check(seed)
    CORPUS_RECORDINGS.check(recordings)
    return simulate_corpus(out_dir, n_recordings=recordings, seed=seed,
                           realism=Realism.REAL if real_behaviours else Realism.CLEAN)
