"""Figure builders: values in, figures out (no server, no browser)."""

from __future__ import annotations

from datetime import date

import numpy as np

from dashboard.figures import (
    MAX_TRACE_POINTS,
    calendar_figure,
    minmax_downsample,
    rep_window,
    session_figure,
)
from tracker.app.traces import SessionTrace
from tracker.core.exercises import FlagKind, Severity
from tracker.pipeline import Rep
from tracker.pipeline.types import Flag


def rep(index: int, start: float, *, flagged: bool = False) -> Rep:
    flags = (Flag(FlagKind.PELVIC_RISE, Severity.MODERATE, "keep your pelvis level", 12.0, 8.0, "deg", False),) if flagged else ()
    return Rep(index=index, set_index=1, start_s=start, peak_s=start + 1.5, end_s=start + 3.0, rom_deg=30.0, lift_s=1.0, hold_s=1.0,
               lower_s=1.0, peak_speed_dps=60.0, sparc=-1.6, velocity_peaks=1, shake_g=0.01, tremor_dps=3.0, pelvis_tilt_deg=None,
               pelvis_lateral_deg=None, axis=(0.0, 0.0, 1.0), flags=flags)


def test_minmax_keeps_every_extreme_and_bounds_the_points() -> None:
    t = np.arange(180_000) / 50.0  # an hour at 50 Hz
    y = np.sin(t)
    y[123_457] = 99.0  # one spike
    y[77_777] = -55.0
    td, yd = minmax_downsample(t, y, 1000)
    assert len(td) <= 2000
    assert yd.max() == 99.0 and yd.min() == -55.0
    assert np.all(np.diff(td) >= 0)  # still in time order


def test_minmax_leaves_a_short_trace_alone_and_keeps_all_nan_columns_as_breaks() -> None:
    t = np.arange(100.0)
    y = np.arange(100.0)
    assert minmax_downsample(t, y, 100)[0] is t
    t = np.arange(10_000.0)
    y = np.ones(10_000)
    y[5000:6000] = np.nan
    _, yd = minmax_downsample(t, y, 100)
    assert np.isnan(yd).sum() == 10 and np.nanmax(yd) == 1.0


def test_session_figure_of_an_hour_sends_at_most_the_budget_and_marks_flagged_reps() -> None:
    t = np.arange(180_000) / 50.0
    trace = SessionTrace(t, 20 * np.abs(np.sin(t / 3)), t, np.zeros_like(t))
    reps = [rep(i + 1, 10.0 * i, flagged=i % 4 == 0) for i in range(300)]
    fig = session_figure(trace, reps)
    lines = [d for d in fig.data if d.mode == "lines"]
    assert len(lines) == 2 and all(len(d.x) <= MAX_TRACE_POINTS for d in lines)
    flagged = next(d for d in fig.data if d.name == "flagged rep")
    assert [c[0] for c in flagged.customdata] == [r.index for r in reps if r.flags]
    assert "keep your pelvis level" in flagged.hovertext[0]
    shapes = fig.layout.shapes
    assert len(shapes) == 300 and shapes[0].x0 == 0.0 and shapes[0].x1 == 3.0


def test_rep_window_is_the_rep_with_context() -> None:
    assert rep_window(rep(3, 20.0)) == (18.5, 24.5)


def test_calendar_marks_exercise_days_and_short_weeks() -> None:
    today = date(2026, 12, 3)  # a Thursday
    fig = calendar_figure([date(2026, 12, 1), date(2026, 12, 3)], today=today, weeks=2, days_per_week=3)
    z = fig.data[0].z
    assert z[1][1] == 1 and z[3][1] == 1 and z[0][1] == 0  # Tue and Thu of this week; Monday not
    assert z[4][1] is None  # Friday is still to come
    assert [a.text for a in fig.layout.annotations] == ["2/3"]  # weeks before the first exercise day are not counted
