"""Personal-range calibration (pure): a few comfortable reps -> targets and baselines.

The person does 2-3 comfortable, good reps; their range becomes the target that
``partial_rom`` judges against, their pelvic motion the baseline above which
``pelvic_rise`` / ``pelvis_not_level`` fire, and their smoothness (SPARC) a baseline shown beside
each session's (``jerky`` is judged against the person's own reps of the session).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tracker.errors import CalibrationError
from tracker.pipeline.config import Personalisation
from tracker.pipeline.types import Rep


@dataclass(frozen=True)
class PersonalRange:
    """What a range calibration found.

    Attributes
    ----------
    target_rom_deg:
        Median range of the calibration reps.
    rom_spread_deg:
        Range of the calibration reps' ranges (max - min), to judge consistency.
    pelvic_baseline_deg:
        Largest pelvic tilt seen in the calibration reps plus a 2 deg margin, when a
        pelvis sensor was worn; ``None`` otherwise.
    sparc_baseline:
        Median SPARC of the calibration reps.
    reps_used:
        How many reps the calibration rests on.
    """

    target_rom_deg: float
    rom_spread_deg: float
    pelvic_baseline_deg: float | None
    sparc_baseline: float
    reps_used: int

    def personalisation(self, *, hold_s: float | None = None) -> Personalisation:
        return Personalisation(target_rom_deg=self.target_rom_deg, pelvic_baseline_deg=self.pelvic_baseline_deg, hold_s=hold_s,
                               sparc_baseline=self.sparc_baseline if math.isfinite(self.sparc_baseline) else None)

    def to_json(self) -> dict[str, float | int | None]:
        return {"target_rom_deg": self.target_rom_deg, "rom_spread_deg": self.rom_spread_deg,
                "pelvic_baseline_deg": self.pelvic_baseline_deg,
                "sparc_baseline": self.sparc_baseline if math.isfinite(self.sparc_baseline) else None, "reps_used": self.reps_used}

    @property
    def quality(self) -> str:
        return f"{self.reps_used} reps, ranges within {self.rom_spread_deg:.1f} deg"


PELVIC_MARGIN_DEG = 2.0
MAX_ROM_SPREAD_FRACTION = 0.35


def personal_range_from_reps(reps: Sequence[Rep], *, min_reps: int = 2) -> PersonalRange:
    """Derive a :class:`PersonalRange` from the reps of a calibration recording.

    Raises
    ------
    CalibrationError
        Fewer than ``min_reps`` reps, or ranges too different from each other (more than
        35 % of the median apart): the person should repeat the calibration with steady reps.
        Reps read from a fast set's rhythm (no gyro) have no measured range and do not count.
    """
    reps = [r for r in reps if not r.range_estimated]
    if len(reps) < min_reps:
        raise CalibrationError(
            f"range calibration needs at least {min_reps} comfortable reps, found {len(reps)}: "
            "do 2-3 slow reps as far as is comfortable"
        )
    roms = np.array([r.rom_deg for r in reps])
    target = float(np.median(roms))
    spread = float(roms.max() - roms.min())
    if spread > MAX_ROM_SPREAD_FRACTION * target:
        raise CalibrationError(
            f"the calibration reps differ too much ({roms.min():.0f}-{roms.max():.0f} deg): "
            "repeat them the same way each time"
        )
    tilts = [r.pelvis_tilt_deg for r in reps if r.pelvis_tilt_deg is not None]
    laterals = [r.pelvis_lateral_deg for r in reps if r.pelvis_lateral_deg is not None]
    pelvic = tilts or laterals
    sparcs = [r.sparc for r in reps if math.isfinite(r.sparc)]
    return PersonalRange(
        target_rom_deg=target,
        rom_spread_deg=spread,
        pelvic_baseline_deg=(max(pelvic) + PELVIC_MARGIN_DEG) if pelvic else None,
        sparc_baseline=float(np.median(sparcs)) if sparcs else float("nan"),
        reps_used=len(reps),
    )
