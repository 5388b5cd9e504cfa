"""Ground truth of a simulated recording, and its JSON form.

All times are recording seconds (the time base of ``Recording.t_s``, starting at 0).
Angles are degrees.  The JSON is a plain object; :meth:`Labels.to_json` /
:meth:`Labels.from_json` convert both ways without loss, and :func:`write_labels` /
:func:`read_labels` put it in a file.

Example (abridged)::

    {
      "format": "reptrack-simulation-labels", "version": 1,
      "exercise": "side-lying-hip-abduction", "declared_exercise": "side-lying-hip-abduction",
      "placement": "thigh", "side": "right", "seed": 7, "sample_rate_hz": 50.0,
      "has_gyro": true, "pelvis_file": true, "duration_s": 171.3, "hold_s": null,
      "lift_axis_in_segment": [-1.0, 0.0, 0.0], "injectable_faults": ["jerky", "pelvic_rise", ...],
      "rep_count": 19,
      "reps": [{"index": 0, "set_index": 0, "start_s": 41.2, "lift_end_s": 43.1, "peak_s": 43.3,
                "lower_start_s": 43.5, "end_s": 45.6, "rom_deg": 27.9, "joint_rom_deg": 27.9,
                "pelvis_deg": 0.0, "hold_s": 0.4, "lift_s": 1.9, "lower_s": 2.1, "flags": [],
                "n_submovements": 1, "main_segment_rotation_deg": 28.0,
                "pelvis_rotation_deg": 0.3}, ...],
      "sets": [{"index": 0, "start_s": 41.2, "end_s": 98.0, "rep_count": 10, "normal_rom_deg": 28.4}, ...],
      "setup_intervals": [{"start_s": 3.1, "end_s": 9.8, "kind": "walk"}, ...],
      "idle_intervals": [{"start_s": 0.0, "end_s": 3.1, "kind": "still"}, ...],
      "sensors": [{"placement": "thigh", "n_samples": 8540, "strap_rotvec_deg": [...], ...,
                   "gaps": [{"start_s": 120.4, "end_s": 121.2}]}, ...]
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.errors import DatasetError
from tracker.core.exercises import FlagKind
from tracker.core.recording import Gap, Placement
from tracker.simulate.behaviours import SetBehaviour

LABELS_FORMAT = "reptrack-simulation-labels"
LABELS_VERSION = 1


@dataclass(frozen=True)
class RepLabel:
    """One rep as simulated.

    Attributes
    ----------
    start_s, lift_end_s, peak_s, lower_start_s, end_s:
        Lift start, top reached, middle of the top, lowering starts, back at rest.
    rom_deg:
        Rotation of the moving segment in the world about the rep axis at the top, relative
        to the start of the rep (what a sensor on that segment sees; for leg lifts it
        includes any pelvic rise).
    joint_rom_deg:
        The part done by the joint (hip for leg lifts, knee for knee extension; equal to
        ``rom_deg`` for the bridge and the squat).
    pelvis_deg:
        Injected pelvic compensation at the top (pelvic rise tilt, or the bridge's roll);
        0 for reps without a pelvis fault.
    hold_s:
        Time at the top (``lower_start_s - lift_end_s``).
    lift_s, lower_s:
        Durations of the lift and of the lower.
    flags:
        The injected faults (empty for a correct rep).
    n_submovements:
        Largest number of sub-movements in the lift or the lower (1 = smooth).
    main_segment_rotation_deg, pelvis_rotation_deg:
        Measured on the simulated truth: rotation of the main sensor's segment and of the
        pelvis between ``start_s`` and ``peak_s`` (includes sway and drift).
    """

    index: int
    set_index: int
    start_s: float
    lift_end_s: float
    peak_s: float
    lower_start_s: float
    end_s: float
    rom_deg: float
    joint_rom_deg: float
    pelvis_deg: float
    hold_s: float
    lift_s: float
    lower_s: float
    flags: tuple[FlagKind, ...]
    n_submovements: int
    main_segment_rotation_deg: float
    pelvis_rotation_deg: float

    def to_json(self) -> dict[str, Any]:
        d = _plain(self)
        d["flags"] = [f.value for f in self.flags]
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> RepLabel:
        return _build(RepLabel, d, flags=tuple(FlagKind(f) for f in d["flags"]))


@dataclass(frozen=True)
class SetLabel:
    """One set: from the first rep's start to the last rep's end."""

    index: int
    start_s: float
    end_s: float
    rep_count: int
    normal_rom_deg: float

    def to_json(self) -> dict[str, Any]:
        return _plain(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> SetLabel:
        return _build(SetLabel, d)


@dataclass(frozen=True)
class Interval:
    """A labelled stretch of time (``kind``: e.g. ``walk``, ``lie_down``, ``rest``)."""

    start_s: float
    end_s: float
    kind: str

    def to_json(self) -> dict[str, Any]:
        return _plain(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> Interval:
        return _build(Interval, d)


@dataclass(frozen=True)
class SensorTruth:
    """The sensor model drawn for one recording (for calibration and robustness studies).

    ``strap_rotvec_deg`` is the rotation vector of the sensor frame in the segment frame
    (``R_sensor = R_segment @ R_strap``).  Biases and scale factors are per sensor axis.
    """

    placement: Placement
    n_samples: int
    strap_rotvec_deg: tuple[float, float, float]
    accel_noise_g: float
    accel_bias_g: tuple[float, float, float]
    accel_scale: tuple[float, float, float]
    accel_lsb_g: float
    gyro_noise_dps: float
    gyro_bias_dps: tuple[float, float, float]
    gyro_scale: tuple[float, float, float]
    gyro_lsb_dps: float
    dropped_fraction: float
    gaps: tuple[Gap, ...]

    def to_json(self) -> dict[str, Any]:
        d = _plain(self)
        d["placement"] = self.placement.value
        d["gaps"] = [{"start_s": g.start_s, "end_s": g.end_s} for g in self.gaps]
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> SensorTruth:
        return _build(
            SensorTruth,
            d,
            placement=Placement(d["placement"]),
            gaps=tuple(Gap(float(g["start_s"]), float(g["end_s"])) for g in d["gaps"]),
        )


@dataclass(frozen=True)
class Labels:
    """Everything known about a simulated recording.

    ``exercise`` is what was performed (for a declared ``auto`` one of the others, drawn from
    the seed); ``declared_exercise`` is what the configuration asked for.  ``pelvis_file``
    says whether a second, time-aligned pelvis recording exists.
    ``setup_intervals`` are transitions and setup motion (no rep may be counted there);
    ``idle_intervals`` the remaining time outside the sets (standing or lying still, rests).
    ``hold_s`` is the prescribed hold (``None``: none prescribed); each rep's actual hold is
    in its :class:`RepLabel`.  ``set_behaviours`` are the behaviours each set drew under
    ``Realism.REAL`` (empty for the clean simulator; the JSON then has no such key, so clean
    labels are what they always were).
    """

    exercise: str
    declared_exercise: str
    placement: Placement
    side: str
    seed: int
    sample_rate_hz: float
    has_gyro: bool
    pelvis_file: bool
    duration_s: float
    hold_s: float | None
    lift_axis_in_segment: tuple[float, float, float]
    injectable_faults: tuple[FlagKind, ...]
    reps: tuple[RepLabel, ...]
    sets: tuple[SetLabel, ...]
    setup_intervals: tuple[Interval, ...]
    idle_intervals: tuple[Interval, ...]
    sensors: tuple[SensorTruth, ...]
    set_behaviours: tuple[SetBehaviour, ...] = ()

    @property
    def rep_count(self) -> int:
        return len(self.reps)

    def to_json(self) -> dict[str, Any]:
        out = {
            "format": LABELS_FORMAT,
            "version": LABELS_VERSION,
            "exercise": self.exercise,
            "declared_exercise": self.declared_exercise,
            "placement": self.placement.value,
            "side": self.side,
            "seed": self.seed,
            "sample_rate_hz": self.sample_rate_hz,
            "has_gyro": self.has_gyro,
            "pelvis_file": self.pelvis_file,
            "duration_s": self.duration_s,
            "hold_s": self.hold_s,
            "lift_axis_in_segment": list(self.lift_axis_in_segment),
            "injectable_faults": [f.value for f in self.injectable_faults],
            "rep_count": self.rep_count,
            "reps": [r.to_json() for r in self.reps],
            "sets": [s.to_json() for s in self.sets],
            "setup_intervals": [i.to_json() for i in self.setup_intervals],
            "idle_intervals": [i.to_json() for i in self.idle_intervals],
            "sensors": [s.to_json() for s in self.sensors],
        }
        if self.set_behaviours:
            out["realism"] = "real"
            out["set_behaviours"] = [b.to_json() for b in self.set_behaviours]
        return out

    @staticmethod
    def from_json(d: dict[str, Any]) -> Labels:
        """Rebuild labels from :meth:`to_json` output.

        Raises
        ------
        DatasetError
            When the object is not simulation labels or ``rep_count`` disagrees with ``reps``.
        """
        if d.get("format") != LABELS_FORMAT:
            raise DatasetError(f"not reptrack simulation labels (format={d.get('format')!r})")
        if d.get("version") != LABELS_VERSION:
            raise DatasetError(f"unsupported simulation labels version {d.get('version')!r}")
        try:
            labels = Labels(
                exercise=str(d["exercise"]),
                declared_exercise=str(d["declared_exercise"]),
                placement=Placement(d["placement"]),
                side=str(d["side"]),
                seed=int(d["seed"]),
                sample_rate_hz=float(d["sample_rate_hz"]),
                has_gyro=bool(d["has_gyro"]),
                pelvis_file=bool(d["pelvis_file"]),
                duration_s=float(d["duration_s"]),
                hold_s=None if d["hold_s"] is None else float(d["hold_s"]),
                lift_axis_in_segment=tuple(float(v) for v in d["lift_axis_in_segment"]),  # type: ignore[arg-type]
                injectable_faults=tuple(FlagKind(f) for f in d["injectable_faults"]),
                reps=tuple(RepLabel.from_json(r) for r in d["reps"]),
                sets=tuple(SetLabel.from_json(s) for s in d["sets"]),
                setup_intervals=tuple(Interval.from_json(i) for i in d["setup_intervals"]),
                idle_intervals=tuple(Interval.from_json(i) for i in d["idle_intervals"]),
                sensors=tuple(SensorTruth.from_json(s) for s in d["sensors"]),
                set_behaviours=tuple(SetBehaviour.from_json(b) for b in d.get("set_behaviours", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"malformed simulation labels: {exc}") from exc
        if int(d["rep_count"]) != labels.rep_count:
            raise DatasetError(f"rep_count {d['rep_count']} disagrees with {labels.rep_count} reps")
        return labels


def write_labels(path: str | Path, labels: Labels) -> None:
    """Write ``labels`` as indented JSON to ``path``."""
    Path(path).write_text(json.dumps(labels.to_json(), indent=1) + "\n", encoding="utf-8")


def read_labels(path: str | Path) -> Labels:
    """Read labels written by :func:`write_labels`.

    Raises
    ------
    DatasetError
        When the file is missing, not JSON, or not simulation labels.
    """
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DatasetError(f"{p}: cannot read labels: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{p}: labels are not valid JSON: {exc}") from exc
    return Labels.from_json(data)


# --------------------------------------------------------------------------- helpers
def _plain(obj: Any) -> dict[str, Any]:
    """Shallow field dict with tuples turned into lists (JSON arrays)."""
    out: dict[str, Any] = {}
    for name in obj.__dataclass_fields__:
        v = getattr(obj, name)
        out[name] = list(v) if isinstance(v, tuple) else v
    return out


def _build(cls: type, d: dict[str, Any], **overrides: Any) -> Any:
    """Construct ``cls`` from a JSON dict: lists back to tuples, numbers to the field's type."""
    kwargs: dict[str, Any] = {}
    for name, f in cls.__dataclass_fields__.items():  # type: ignore[attr-defined]
        if name in overrides:
            kwargs[name] = overrides[name]
            continue
        v = d[name]
        ftype = str(f.type)
        if isinstance(v, list):
            v = tuple(float(x) for x in v) if "float" in ftype else tuple(v)
        elif ftype == "float":
            v = float(v)
        elif ftype == "int":
            v = int(v)
        kwargs[name] = v
    return cls(**kwargs)
