"""Regenerate the bundled sample recordings (all simulated, fixed seeds).

Run from anywhere::

    python sample_data/make_samples.py            # rewrite sample_data/
    python sample_data/make_samples.py --out DIR  # write them elsewhere (e.g. to diff)

Each sample ``NAME`` gives ``NAME.csv`` (the main sensor), ``NAME.labels.json`` (the
simulator's truth) and, for some, ``NAME.pelvis.csv`` (a second, time-aligned sensor on the
pelvis).  Every CSV carries ``# simulated: true`` in its metadata.  The output is a pure
function of :data:`SAMPLES` (same seed, same bytes), so the golden outputs in
``tests/golden/`` stay valid until the simulator itself changes.

Sizes are kept small (the folder stays under ~3 MB): 25 Hz for most files, one set of
8-10 reps, a compressed rest between sets, and a pelvis file only where the exercise has a
pelvis flag worth showing.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from tracker.files.csv_recording import write_recording
from tracker.core.recording import Placement
from tracker.simulate import (
    SimulationConfig,
    labels_path_for,
    pelvis_path_for,
    simulate,
    write_labels,
)

SAMPLE_DIR = Path(__file__).resolve().parent

#: Reps per set for every sample: small files, still a realistic set.
REPS_PER_SET = (8, 10)

#: Rest between sets (s); real rests are 60-180 s, nothing in a rest depends on its length.
REST_BETWEEN_SETS_S = (15.0, 20.0)


@dataclass(frozen=True)
class Sample:
    """One bundled recording and how it was simulated."""

    name: str
    exercise: str
    seed: int
    placement: Placement = Placement.THIGH
    sample_rate_hz: float = 25.0
    with_gyro: bool = True
    n_sets: int = 1
    hold_s: float | None = None
    setup_motion: bool = False
    with_pelvis: bool = False
    note: str = ""


#: The samples.  ``tests/golden/`` has one expected ``analyze --json`` output per entry.
SAMPLES: tuple[Sample, ...] = (
    Sample("side-lying-hip-abduction", "side-lying-hip-abduction", seed=3, sample_rate_hz=50.0, n_sets=2,
           hold_s=2.0, with_pelvis=True, note="README quick start; prescribed 2 s hold, thigh + pelvis"),
    Sample("standing-hip-abduction", "standing-hip-abduction", seed=11, with_pelvis=True,
           note="thigh + pelvis"),
    Sample("prone-leg-lift-accel-only", "prone-leg-lift", seed=12, with_gyro=False, with_pelvis=True,
           note="accelerometer only (no gyro columns), thigh + pelvis"),
    Sample("straight-leg-raise-setup", "straight-leg-raise", seed=13, setup_motion=True,
           note="with setup motion: walking, lying down, getting up"),
    Sample("hip-raise", "hip-raise", seed=14, placement=Placement.PELVIS,
           note="sensor on the pelvis"),
    Sample("clamshell", "clamshell", seed=15, note="thigh"),
    Sample("seated-knee-extension", "seated-knee-extension", seed=16, placement=Placement.SHANK,
           note="sensor on the shank"),
    Sample("squat", "squat", seed=17, sample_rate_hz=50.0, with_gyro=False,
           note="accelerometer only, 50 Hz"),
)


def write_sample(sample: Sample, out_dir: Path) -> list[Path]:
    """Simulate ``sample`` and write its files to ``out_dir``; return the paths written."""
    sim = simulate(
        SimulationConfig(
            exercise=sample.exercise,
            seed=sample.seed,
            sample_rate_hz=sample.sample_rate_hz,
            with_gyro=sample.with_gyro,
            n_sets=sample.n_sets,
            reps_per_set=REPS_PER_SET,
            hold_s=sample.hold_s,
            setup_motion=sample.setup_motion,
            placement=sample.placement,
            rest_between_sets_s=REST_BETWEEN_SETS_S,
        )
    )
    csv_path = out_dir / f"{sample.name}.csv"
    written = [csv_path]
    write_recording(csv_path, sim.main)
    pelvis_path = pelvis_path_for(csv_path)
    if sample.with_pelvis and sim.pelvis is not None:
        write_recording(pelvis_path, sim.pelvis)
        written.append(pelvis_path)
    else:
        pelvis_path.unlink(missing_ok=True)
    # The simulator always models a pelvis sensor; say in the labels whether its file ships.
    labels = dataclasses.replace(sim.labels, pelvis_file=pelvis_path in written)
    labels_path = labels_path_for(csv_path)
    write_labels(labels_path, labels)
    written.append(labels_path)
    return written


#: the seed of the range calibration sample: a person whose three comfortable reps agree (within
#: 0.3 deg) and who holds the start posture still for 3 s first, as `calibrate` asks; most seeds
#: give a person who is less regular (or a recording with a drop-out), which `calibrate` rightly refuses
RANGE_SAMPLE_SEED = 4


def write_calibration_samples(folder: Path) -> list[Path]:
    """The calibration recordings: a device calibration (the sensor still on each of its six faces
    in turn, simulated with a known offset and scale error, 25 Hz, accelerometer only), and three
    comfortable side-lying leg raises, thigh + pelvis, for ``calibrate mounting`` and ``calibrate range``."""
    from tracker.simulate.calibration import simulate_six_poses

    folder.mkdir(parents=True, exist_ok=True)
    rec, _ = simulate_six_poses(seed=5, rate_hz=25.0, hold_s=5.0, offset_g=(0.03, -0.02, 0.05), scale=(1.02, 0.97, 1.01))
    path = folder / "device-six-poses.csv"
    write_recording(path, rec)
    sim = simulate(SimulationConfig(exercise="side-lying-hip-abduction", seed=RANGE_SAMPLE_SEED, sample_rate_hz=25.0, n_sets=1,
                                    reps_per_set=(3, 3), fault_rate=0.0, placement=Placement.THIGH))
    range_path = folder / "range-side-lying-hip-abduction.csv"
    write_recording(range_path, sim.main)
    assert sim.pelvis is not None  # the simulator always models the pelvis sensor
    write_recording(pelvis_path_for(range_path), sim.pelvis)
    return [path, range_path, pelvis_path_for(range_path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="output folder (default: sample_data/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for sample in SAMPLES:
        for path in write_sample(sample, args.out):
            size = path.stat().st_size
            total += size
            print(f"{path.name:45s} {size / 1024:7.0f} KB")
    for path in write_calibration_samples(args.out / "calibration"):
        size = path.stat().st_size
        total += size
        print(f"calibration/{path.name:33s} {size / 1024:7.0f} KB")
    print(f"{'total':45s} {total / 1024:7.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
