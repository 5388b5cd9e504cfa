"""The labelled simulator: realistic accelerometer (+ gyro) recordings of home hip exercise.

It produces recordings with known truth (reps, sets, injected form faults, setup motion)
to evaluate the rep counter and the form-flag detector.  It is independent of the analysis
pipeline (it imports nothing from it).

Modules: :mod:`~tracker.simulate.kinematics` (minimum-jerk profiles, rotations),
:mod:`~tracker.simulate.body` (body model, postures, setup motion),
:mod:`~tracker.simulate.reps` (how reps move the body),
:mod:`~tracker.simulate.behaviours` (what real people do beyond the exercise sheet, opt-in), :mod:`~tracker.simulate.sensor`
(sensor model), :mod:`~tracker.simulate.scenario` (sessions, corpus) and
:mod:`~tracker.simulate.labels` (the truth and its JSON).
"""

from tracker.simulate.behaviours import Realism, SetBehaviour, SetStyle
from tracker.simulate.labels import Interval, Labels, RepLabel, SensorTruth, SetLabel, read_labels, write_labels
from tracker.simulate.scenario import (
    Simulation,
    SimulationConfig,
    corpus_combinations,
    injectable_faults,
    labels_path_for,
    pelvis_path_for,
    simulate,
    simulate_corpus,
)

__all__ = [
    "Interval",
    "Labels",
    "Realism",
    "RepLabel",
    "SensorTruth",
    "SetBehaviour",
    "SetLabel",
    "SetStyle",
    "Simulation",
    "SimulationConfig",
    "corpus_combinations",
    "injectable_faults",
    "labels_path_for",
    "pelvis_path_for",
    "read_labels",
    "simulate",
    "simulate_corpus",
    "write_labels",
]
