"""An analysis result as a JSON object (pure): what ``--json`` prints and exports hold."""

from __future__ import annotations

import math
from typing import Any

from tracker.pipeline.types import AnalysisResult, Rep


def _r(x: float | None, nd: int = 2) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), nd)


def rep_to_json(rep: Rep) -> dict[str, Any]:
    return {
        "index": rep.index,
        "set": rep.set_index,
        "start_s": _r(rep.start_s, 3),
        "peak_s": _r(rep.peak_s, 3),
        "end_s": _r(rep.end_s, 3),
        "duration_s": _r(rep.duration_s, 3),
        "rom_deg": _r(rep.rom_deg, 1),
        "source": rep.source.value,
        "lift_s": _r(rep.lift_s),
        "hold_s": _r(rep.hold_s),
        "lower_s": _r(rep.lower_s),
        "peak_speed_dps": _r(rep.peak_speed_dps, 1),
        "sparc": _r(rep.sparc, 3),
        "velocity_peaks": rep.velocity_peaks,
        "pelvis_tilt_deg": _r(rep.pelvis_tilt_deg, 1),
        "pelvis_lateral_deg": _r(rep.pelvis_lateral_deg, 1),
        "axis": [round(a, 3) for a in rep.axis],
        "flags": [f.kind.value for f in rep.flags],
        "flag_details": [
            {
                "flag": f.kind.value,
                "severity": f.severity.value,
                "cue": f.cue,
                "value": f.value,
                "threshold": f.threshold,
                "unit": f.unit,
                "inferred": f.inferred,
            }
            for f in rep.flags
        ],
    }


def result_to_json(result: AnalysisResult) -> dict[str, Any]:
    """The ``--json`` object of ``reptrack analyze``."""
    return {
        "exercise": result.exercise.value,
        "placement": result.placement.value,
        "sample_rate_hz": _r(result.sample_rate_hz, 3),
        "duration_s": _r(result.duration_s, 3),
        "has_gyro": result.has_gyro,
        "rep_count": result.rep_count,
        "sets": [
            {
                "index": s.set_index,
                "start_s": _r(s.start_s, 3),
                "end_s": _r(s.end_s, 3),
                "rep_count": s.rep_count,
                "rest_before_s": _r(s.rest_before_s, 1),
            }
            for s in result.sets
        ],
        "reps": [rep_to_json(r) for r in result.reps],
        "gaps": [{"start_s": _r(g.start_s, 3), "end_s": _r(g.end_s, 3)} for g in result.gaps],
        "rejected": [
            {"start_s": _r(m.start_s, 3), "end_s": _r(m.end_s, 3), "rom_deg": _r(m.rom_deg, 1), "reason": m.reason}
            for m in result.rejected
        ],
        "warnings": list(result.warnings),
        "notes": list(result.flag_notes),
    }
