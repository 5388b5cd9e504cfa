"""Text renderings shared by the commands: the per-set, per-rep report of an analysis."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable

from tracker.pipeline.types import AnalysisResult, Rep


def print_warnings(warnings: Iterable[str], *, prefix: str = "") -> None:
    """Warnings go to stderr, one ``warning: ...`` line each, whatever the command and its output."""
    for w in warnings:
        print(f"warning: {prefix}{w}", file=sys.stderr)


def _range(rep: Rep) -> str:
    """A rep's range for the table: measured, or estimated ("~") for a rep read from a fast set's
    rhythm without a gyro."""
    mark = "~" if rep.range_estimated else " "
    return f"{mark}{rep.rom_deg:5.1f}°"


def _smooth(sparc: float) -> str:
    """The smoothness column: the SPARC, or a dash for a rep with none (read from a fast set's
    rhythm without a gyro: no speed to measure it on), not "nan"."""
    return f"{sparc:6.2f}" if math.isfinite(sparc) else f"{'–':>6}"


def _fmt_s(x: float) -> str:
    m, s = divmod(x, 60.0)
    return f"{int(m):d}:{s:04.1f}"


def format_report(result: AnalysisResult) -> str:
    """A per-set, per-rep report for a person or a therapist (its warnings are printed apart: :func:`print_warnings`)."""
    title = result.exercise.definition.title
    lines = [
        f"{title} — sensor on the {result.placement.value}, {result.sample_rate_hz:.0f} Hz"
        f"{' with gyro' if result.has_gyro else ''}, {result.duration_s:.0f} s recorded",
        f"{result.rep_count} reps in {len(result.sets)} set{'s' if len(result.sets) != 1 else ''}",
    ]
    lines += [f"Note: {n}." for n in result.flag_notes]
    if any(r.range_estimated for r in result.reps):
        lines.append("Note: reps marked ~ were counted from a fast set's rhythm (a sensor without a gyro cannot time "
                     "fast reps): their range is estimated and not judged.")
    for s in result.sets:
        rest = f", after {s.rest_before_s:.0f} s rest" if s.rest_before_s is not None else ""
        lines.append("")
        lines.append(f"Set {s.set_index}: {s.rep_count} reps, {_fmt_s(s.start_s)}–{_fmt_s(s.end_s)}{rest}")
        lines.append("  rep  start    range   lift  hold  lower  smooth  form")
        for r in (r for r in result.reps if r.set_index == s.set_index):
            form = "; ".join(f"{f.kind.value} ({f.severity.value}{', inferred' if f.inferred else ''}): {f.cue}" for f in r.flags) or "good"
            lines.append(
                f"  {r.index:3d}  {_fmt_s(r.start_s):>6} {_range(r)}  {r.lift_s:4.1f}s {r.hold_s:4.1f}s {r.lower_s:4.1f}s"
                f"  {_smooth(r.sparc)}  {form}"
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
