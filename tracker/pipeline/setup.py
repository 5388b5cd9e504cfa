"""How one session is analysed, decided once (pure).

A :class:`SessionSetup` is built when a session starts (or a file is analysed) and is the
one place that knows: which exercise, where the sensor is (``auto`` resolved), whether a
second sensor on the pelvis is used (and the rule that refuses one when the main sensor is
already on the pelvis), what the person's calibration and prescription say
(:class:`~tracker.pipeline.config.Personalisation`), and how the accelerometer is corrected
(device calibration). It makes the engine, corrects the samples and runs the batch
analysis; the store keeps it with the session (:meth:`SessionSetup.to_json`) so a
re-analysis runs with exactly the same setup.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracker.core.exercises import Exercise, ExerciseDefinition
from tracker.core.recording import Placement, Recording, Stream, mask_beyond_full_scale
from tracker.errors import ConfigurationError, InvalidValueError
from tracker.pipeline.config import DetectorConfig, Personalisation, PipelineConfig, Thresholds
from tracker.pipeline.detector import RepPipeline
from tracker.pipeline.orientation import OrientationConfig
from tracker.pipeline.results import collect, merge_gaps
from tracker.pipeline.types import AnalysisResult, Event, GapDetected

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class AccelCorrection:
    """A device calibration as applied: ``accel_true = (accel_raw - offset_g) * scale`` per axis."""

    offset_g: Vec3 = (0.0, 0.0, 0.0)
    scale: Vec3 = (1.0, 1.0, 1.0)

    def apply(self, accel_g: NDArray[np.float64]) -> NDArray[np.float64]:
        """The corrected samples (``accel_g`` is ``(n, 3)``, g)."""
        return (accel_g - np.asarray(self.offset_g, dtype=np.float64)) * np.asarray(self.scale, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class PreparedSamples:
    """Samples ready for the engine (see :meth:`SessionSetup.prepare`)."""

    accel_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64] | None
    #: per sample: a reading was beyond the sensor's full scale (now NaN, a dropped sample)
    beyond_range: NDArray[np.bool_]


class PelvisOnPelvisError(InvalidValueError):
    """A second pelvis sensor was asked for while the main sensor is on the pelvis."""

    def __init__(self) -> None:
        super().__init__("pelvis", "adds a pelvis sensor to a thigh or shank sensor; the main sensor is already on the pelvis")


def resolve_placement(placement: Placement, declared: Placement | None, exercise: ExerciseDefinition) -> Placement:
    """``AUTO`` becomes what the recording declares, else the exercise's moving segment."""
    if placement is Placement.AUTO:
        placement = declared or exercise.moving_segment
        if placement is Placement.AUTO:
            placement = Placement.THIGH
    return placement


@dataclass(frozen=True)
class SessionSetup:
    """Everything the analysis of a session depends on besides its samples.

    Build it with :meth:`resolve` (which resolves ``auto`` and applies the pelvis rule);
    the constructor refuses an unresolved placement and a pelvis sensor on a pelvis session.
    """

    exercise: Exercise
    placement: Placement
    with_pelvis: bool = False
    personal: Personalisation = Personalisation()
    #: the device calibration applied to the raw accelerometer before analysis
    accel_correction: AccelCorrection | None = None
    #: ids of the stored calibrations used (device, mounting, range), for the record
    calibration_ids: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.placement is Placement.AUTO:
            raise ConfigurationError("a session's placement is resolved before it starts (see SessionSetup.resolve)")
        if self.with_pelvis and self.placement is Placement.PELVIS:
            raise PelvisOnPelvisError()

    @classmethod
    def resolve(cls, exercise: Exercise | str, placement: Placement | str = Placement.AUTO, *, declared: Placement | None = None,
                with_pelvis: bool = False, personal: Personalisation = Personalisation(),
                accel_correction: AccelCorrection | None = None, calibration_ids: tuple[int, ...] = ()) -> SessionSetup:
        """The setup for ``exercise`` with the sensor at ``placement`` (``auto``: ``declared`` by the
        recording, else the exercise's moving segment).

        Raises
        ------
        ConfigurationError
            An unknown exercise or placement; :class:`PelvisOnPelvisError` for a pelvis sensor
            added to a session whose main sensor is on the pelvis.
        """
        from tracker.core.exercises import parse_placement

        ex = Exercise.parse(exercise)
        resolved = resolve_placement(parse_placement(placement), declared, ex.definition)
        return cls(ex, resolved, with_pelvis=with_pelvis, personal=personal, accel_correction=accel_correction,
                   calibration_ids=tuple(calibration_ids))

    @property
    def definition(self) -> ExerciseDefinition:
        return self.exercise.definition

    def correct(self, accel_g: NDArray[np.float64]) -> NDArray[np.float64]:
        """The main sensor's accelerometer samples with the device calibration applied."""
        return accel_g if self.accel_correction is None else self.accel_correction.apply(accel_g)

    def prepare(self, accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None, *,
                stream: Stream = Stream.MAIN) -> PreparedSamples:
        """Raw samples as the engine is fed them, from any source (a file, a live sensor, the store).

        A sample with a reading at or beyond a wearable's full scale (:data:`ACCEL_FULL_SCALE_G`,
        :data:`GYRO_FULL_SCALE_DPS`) is no measurement: it becomes NaN, a dropped sample the engine
        bridges or records as a gap. Then the main sensor's device calibration is applied (the full
        scale is the raw reading's). Masking first also keeps absurd values (1e308) out of every
        sum and square of the engine.
        """
        accel_g, gyro_dps, beyond = mask_beyond_full_scale(accel_g, gyro_dps)
        if stream is Stream.MAIN:
            accel_g = self.correct(accel_g)
        return PreparedSamples(accel_g, gyro_dps, beyond)

    def pipeline_config(self, *, sample_rate_hz: float, has_gyro: bool, thresholds: Thresholds = Thresholds(),
                        detector: DetectorConfig = DetectorConfig(), orientation: OrientationConfig = OrientationConfig()) -> PipelineConfig:
        return PipelineConfig(
            exercise=self.definition, sample_rate_hz=sample_rate_hz, has_gyro=has_gyro, with_pelvis=self.with_pelvis,
            main_is_pelvis=self.placement is Placement.PELVIS, placement=self.placement, thresholds=thresholds, personal=self.personal,
            detector=detector, orientation=orientation,
        )

    def pipeline(self, *, sample_rate_hz: float, has_gyro: bool, pelvis_sample_rate_hz: float | None = None,
                 pelvis_has_gyro: bool | None = None, thresholds: Thresholds = Thresholds(),
                 detector: DetectorConfig = DetectorConfig(), orientation: OrientationConfig = OrientationConfig()) -> RepPipeline:
        """A streaming engine for this session (feed it samples already :meth:`correct`-ed)."""
        config = self.pipeline_config(sample_rate_hz=sample_rate_hz, has_gyro=has_gyro, thresholds=thresholds, detector=detector,
                                      orientation=orientation)
        return RepPipeline(config, pelvis_sample_rate_hz=pelvis_sample_rate_hz, pelvis_has_gyro=pelvis_has_gyro)

    def analyse(self, recording: Recording, pelvis: Recording | None = None, *, warnings: tuple[str, ...] = (),
                thresholds: Thresholds = Thresholds(), detector: DetectorConfig = DetectorConfig(),
                orientation: OrientationConfig = OrientationConfig()) -> AnalysisResult:
        """Count reps and flag form in a whole recording: the streaming engine fed everything at once.

        ``recording`` holds raw samples (the device calibration is applied here); ``pelvis``
        is used only when the setup says so.
        """
        if self.with_pelvis and pelvis is None:
            raise ConfigurationError("this session has a pelvis sensor: give its recording too")
        pelvis = pelvis if self.with_pelvis else None
        pipe = self.pipeline(
            sample_rate_hz=recording.nominal_rate_hz(), has_gyro=recording.has_gyro,
            pelvis_sample_rate_hz=None if pelvis is None else pelvis.nominal_rate_hz(),
            pelvis_has_gyro=None if pelvis is None else pelvis.has_gyro,
            thresholds=thresholds, detector=detector, orientation=orientation,
        )
        events: list[Event] = []
        if pelvis is not None:
            p = self.prepare(pelvis.accel_g, pelvis.gyro_dps, stream=Stream.PELVIS)
            events += pipe.feed_pelvis(pelvis.t_s, p.accel_g, p.gyro_dps)
        m = self.prepare(recording.accel_g, recording.gyro_dps)
        events += pipe.feed(recording.t_s, m.accel_g, m.gyro_dps)
        events += pipe.finish()
        result = collect(events, pipe.config, recording, self.placement, warnings)
        # every data gap, whether the reader found it (and the engine bridged it) or the engine restarted at it
        return replace(result, gaps=merge_gaps(result.gaps, [GapDetected(g.start_s, g.end_s) for g in recording.gaps]))

    # ------------------------------------------------------------------ stored form
    def to_json(self) -> dict[str, Any]:
        """The stored form (``with_pelvis`` is stored with the session's sensors, not here)."""
        p = self.personal
        c = self.accel_correction
        return {
            "exercise": self.exercise.value, "placement": self.placement.value, "hold_s": p.hold_s,
            "target_rom_deg": p.target_rom_deg, "pelvic_baseline_deg": p.pelvic_baseline_deg,
            "sparc_baseline": p.sparc_baseline, "calibration_ids": list(self.calibration_ids),
            "accel_offset_g": None if c is None else list(c.offset_g),
            "accel_scale": None if c is None else list(c.scale),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any], *, with_pelvis: bool) -> SessionSetup:
        def vec(v: Any) -> Vec3 | None:
            return None if v is None else (float(v[0]), float(v[1]), float(v[2]))

        offset, scale = vec(d.get("accel_offset_g")), vec(d.get("accel_scale"))
        correction = None if offset is None and scale is None else AccelCorrection(offset or (0.0, 0.0, 0.0), scale or (1.0, 1.0, 1.0))
        placement = Placement(d["placement"])
        return cls(
            Exercise.parse(d["exercise"]), placement,
            # a stored session with a pelvis stream on a pelvis placement cannot exist (refused when recorded)
            with_pelvis=with_pelvis and placement is not Placement.PELVIS,
            personal=Personalisation(target_rom_deg=d.get("target_rom_deg"), pelvic_baseline_deg=d.get("pelvic_baseline_deg"),
                                     hold_s=d.get("hold_s"), sparc_baseline=d.get("sparc_baseline")),
            accel_correction=correction, calibration_ids=tuple(int(x) for x in d.get("calibration_ids", ())),
        )
