"""Reports of an analysis: a readable per-set, per-rep text and a JSON object (pure)."""

from __future__ import annotations

import math
from typing import Any

from tracker.exercises import EXERCISES
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
        "exercise": result.exercise,
        "placement": result.placement,
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
    }


def _fmt_s(x: float) -> str:
    m, s = divmod(x, 60.0)
    return f"{int(m):d}:{s:04.1f}"


def format_report(result: AnalysisResult) -> str:
    """A per-set, per-rep report for a person or a therapist."""
    ex = EXERCISES.get(result.exercise)
    title = ex.title if ex else result.exercise
    lines = [
        f"{title} — sensor on the {result.placement}, {result.sample_rate_hz:.0f} Hz"
        f"{' with gyro' if result.has_gyro else ''}, {result.duration_s:.0f} s recorded",
        f"{result.rep_count} reps in {len(result.sets)} set{'s' if len(result.sets) != 1 else ''}",
    ]
    for w in result.warnings:
        lines.append(f"warning: {w}")
    for s in result.sets:
        rest = f", after {s.rest_before_s:.0f} s rest" if s.rest_before_s is not None else ""
        lines.append("")
        lines.append(f"Set {s.set_index}: {s.rep_count} reps, {_fmt_s(s.start_s)}–{_fmt_s(s.end_s)}{rest}")
        lines.append("  rep  start    range   lift  hold  lower  smooth  form")
        for r in (r for r in result.reps if r.set_index == s.set_index):
            form = "; ".join(f"{f.kind.value} ({f.severity.value}{', inferred' if f.inferred else ''}): {f.cue}" for f in r.flags) or "good"
            lines.append(
                f"  {r.index:3d}  {_fmt_s(r.start_s):>6}  {r.rom_deg:5.1f}°  {r.lift_s:4.1f}s {r.hold_s:4.1f}s {r.lower_s:4.1f}s"
                f"  {r.sparc:6.2f}  {form}"
            )
    flagged = [r for r in result.reps if r.flags]
    lines.append("")
    if result.reps:
        lines.append(f"{len(result.reps) - len(flagged)} of {len(result.reps)} reps with good form.")
    else:
        lines.append("No reps found. Is the exercise right, and the sensor strapped firmly?")
    if result.gaps:
        lines.append(f"{len(result.gaps)} data gap(s): " + ", ".join(f"{_fmt_s(g.start_s)}–{_fmt_s(g.end_s)}" for g in result.gaps))
    return "\n".join(lines)
