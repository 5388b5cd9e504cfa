"""Sample containers: what a sensor recording is, independent of where it came from.

Nothing here reads files or talks to devices; :mod:`tracker.files.csv_recording` and the BLE
adapter produce these values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tracker.core.limits import Limit
from tracker.errors import ConfigurationError

STANDARD_GRAVITY_MS2 = 9.80665

#: The sample rates a worn motion sensor sends, Hz. IMU chips offer output rates from about
#: 1 Hz (low-power modes) to 1.6-6.7 kHz, but a wearable streams or logs movement at 12.5-800 Hz
#: (Bluetooth bandwidth, battery); 1-2000 Hz covers every one with a margin. A rate outside it
#: is a wrong header or a unit slip (milliseconds taken for seconds), not a sensor, and it sizes
#: the engine's buffers: 1e7 Hz would ask for gigabytes.
MIN_SAMPLE_RATE_HZ = 1.0
MAX_SAMPLE_RATE_HZ = 2000.0
SAMPLE_RATE = Limit("rate_hz", MIN_SAMPLE_RATE_HZ, MAX_SAMPLE_RATE_HZ, "a sample rate a wearable sends", "Hz")


#: Full scale of a wearable's accelerometer, g. The consumer IMUs worn for movement (BMI160/270,
#: LSM6DS3/DSO, MPU-6050/9250, ICM-20948/42688) measure at most ±16 g; a thigh in these
#: exercises sees under 2 g, a heel strike under 10 g at the shank. A reading at or beyond full
#: scale is clipped (the sensor saturated) or garbage (a corrupted packet, a logger's overflow):
#: not a measurement. It is a drop-out, like a missing value.
ACCEL_FULL_SCALE_G = 16.0
#: Full scale of a wearable's gyro, deg/s: ±2000 on the same chips. A few newer parts reach
#: ±4000, but the limit is 2000 on purpose: a saturating ±2000 part reads ±2000 (or just
#: above), and a thigh in these exercises turns well under 500 deg/s (a brisk kick under
#: 1500), so a reading of 2000 or more is never a movement worth counting, on any part.
GYRO_FULL_SCALE_DPS = 2000.0


def beyond_full_scale(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None) -> NDArray[np.bool_]:
    """Per sample: is a reading at or beyond :data:`ACCEL_FULL_SCALE_G` or :data:`GYRO_FULL_SCALE_DPS`
    on any axis (infinities included; a NaN is missing, not beyond)?"""
    beyond = (np.abs(accel_g) >= ACCEL_FULL_SCALE_G).any(axis=1)
    if gyro_dps is not None:
        beyond |= (np.abs(gyro_dps) >= GYRO_FULL_SCALE_DPS).any(axis=1)
    return np.asarray(beyond)


def mask_beyond_full_scale(accel_g: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None
                           ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
    """The samples with every reading of a sample beyond full scale made NaN (a dropped sample);
    the inputs are not modified (copies only when there is something to mask), and the mask."""
    beyond = beyond_full_scale(accel_g, gyro_dps)
    if beyond.any():
        accel_g = accel_g.copy()
        accel_g[beyond] = np.nan
        if gyro_dps is not None:
            gyro_dps = gyro_dps.copy()
            gyro_dps[beyond] = np.nan
    return accel_g, gyro_dps, beyond


def check_sample_rate(rate_hz: float, *, sensor: str = "the sensor") -> float:
    """``rate_hz`` if it is a rate a wearable sends (:data:`SAMPLE_RATE`).

    The last guard before anything is sized by a rate (the engine's buffers, the calibration
    flows' windows): a source that declares an absurd rate is refused, never allocated for.

    Raises
    ------
    ConfigurationError
        Saying whose rate it is and what is allowed.
    """
    if not SAMPLE_RATE.contains(rate_hz):
        raise ConfigurationError(f"{sensor} declares a sample rate of {rate_hz:g} Hz, which is not {SAMPLE_RATE.describe()}")
    return rate_hz


class Placement(enum.Enum):
    """Where the sensor is strapped."""

    THIGH = "thigh"
    SHANK = "shank"
    PELVIS = "pelvis"
    AUTO = "auto"


class Stream(enum.Enum):
    """Which sensor of a session a sample comes from."""

    MAIN = "main"  # the thigh, shank or pelvis sensor the exercise is counted on
    PELVIS = "pelvis"  # a second sensor on the pelvis, alongside a thigh or shank one


class Side(enum.Enum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Gap:
    """A stretch with no data (sensor drop-out, lost packets), in recording seconds."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class RecordingMeta:
    """Metadata of a recording (the CSV's leading ``# key: value`` lines).

    ``sample_rate_hz`` is the nominal rate; ``simulated`` marks synthetic data.
    Unknown keys are kept verbatim in ``extra`` so a round trip loses nothing.
    """

    sensor: str | None = None
    placement: Placement | None = None
    side: Side | None = None
    exercise: str | None = None
    sample_rate_hz: float | None = None
    simulated: bool = False
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, eq=False)
class Recording:
    """One sensor's samples.

    Attributes
    ----------
    t_s:
        Sample times in seconds, strictly increasing, shape ``(n,)``.
    accel_g:
        Specific force in g (gravity included, about 1 at rest), shape ``(n, 3)``.
    gyro_dps:
        Angular rate in deg/s, shape ``(n, 3)``, or ``None`` when the sensor has no gyro.
    meta:
        Recording metadata.
    gaps:
        Stretches without data found while reading (kept, never papered over).
    """

    t_s: NDArray[np.float64]
    accel_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64] | None = None
    meta: RecordingMeta = field(default_factory=RecordingMeta)
    gaps: tuple[Gap, ...] = ()

    def __post_init__(self) -> None:
        n = self.t_s.shape[0]
        if self.t_s.ndim != 1:
            raise ValueError("t_s must be 1-D")
        if self.accel_g.shape != (n, 3):
            raise ValueError(f"accel_g must have shape ({n}, 3), got {self.accel_g.shape}")
        if self.gyro_dps is not None and self.gyro_dps.shape != (n, 3):
            raise ValueError(f"gyro_dps must have shape ({n}, 3), got {self.gyro_dps.shape}")

    def __len__(self) -> int:
        return int(self.t_s.shape[0])

    @property
    def has_gyro(self) -> bool:
        return self.gyro_dps is not None

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1] - self.t_s[0]) if len(self) > 1 else 0.0

    def nominal_rate_hz(self) -> float:
        """The declared sample rate, else the median of the sample intervals."""
        if self.meta.sample_rate_hz:
            return float(self.meta.sample_rate_hz)
        if len(self) < 2:
            raise ValueError("cannot infer a sample rate from fewer than 2 samples")
        return float(1.0 / np.median(np.diff(self.t_s)))
