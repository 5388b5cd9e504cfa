"""Pure figure builders: frozen values in, ``plotly.graph_objects.Figure`` out.

No dash import, no store: the pages fetch values through the application layer and call
these; ``reptrack show --plot`` and the standalone HTML report use the same ones.

Traces are reduced for display by :func:`minmax_downsample` (the minimum and maximum of each
pixel column, so a spike or a rep's peak is never lost): a browser never receives more than
about :data:`MAX_TRACE_POINTS` points per line, whatever the session's length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

from tracker.app.history import PersonHistory, SessionComparison, SessionSummary
from tracker.app.traces import LiveView, SessionTrace
from tracker.core.exercises import FlagKind
from tracker.pipeline import Rep

#: pixel columns a trace is reduced to (a wide screen); two points (min, max) per column
TRACE_COLUMNS = 2000
#: what a line may send to the browser at most (two per column)
MAX_TRACE_POINTS = 2 * TRACE_COLUMNS

# the palette: calm blue for the movement, amber for rests, red for form flags
INK = "#1f2933"
MUTED = "#7b8794"
BLUE = "#2f6fde"
TEAL = "#1c9a8f"
RED = "#d64545"
AMBER = "#e8a33c"
REP_FILL = "rgba(47, 111, 222, 0.10)"
FLAG_FILL = "rgba(214, 69, 69, 0.14)"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

FLAG_LABELS = {
    FlagKind.PELVIC_RISE: "pelvic rise", FlagKind.PELVIS_NOT_LEVEL: "pelvis not level", FlagKind.JERKY: "jerky",
    FlagKind.TOO_FAST: "too fast", FlagKind.SHORT_HOLD: "short hold", FlagKind.PARTIAL_ROM: "partial range",
    FlagKind.BEYOND_RANGE: "beyond range",
}
FLAG_COLOURS = {
    FlagKind.PELVIC_RISE: RED, FlagKind.PELVIS_NOT_LEVEL: "#b83280", FlagKind.JERKY: AMBER, FlagKind.TOO_FAST: "#8e6bd8",
    FlagKind.SHORT_HOLD: TEAL, FlagKind.PARTIAL_ROM: "#5f6c7b", FlagKind.BEYOND_RANGE: "#b7791f",
}


def minmax_downsample(t: NDArray[np.float64], y: NDArray[np.float64], columns: int = TRACE_COLUMNS
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(t, y)`` reduced to the minimum and maximum of ``y`` in each of ``columns`` equal time
    columns (in time order within the column); unchanged when already that short.

    NaN (a dropped sample) is kept as a break in the line where a whole column is NaN.
    """
    n = len(t)
    if n <= 2 * columns or n < 2:
        return t, y
    edges = np.linspace(t[0], t[-1], columns + 1)
    col = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, columns - 1)
    starts = np.flatnonzero(np.r_[True, col[1:] != col[:-1]])
    ends = np.r_[starts[1:], n]
    out_t: list[float] = []
    out_y: list[float] = []
    for a, b in zip(starts, ends):
        seg = y[a:b]
        if np.isnan(seg).all():
            out_t.append(float(t[a]))
            out_y.append(math.nan)
            continue
        i, j = a + int(np.nanargmin(seg)), a + int(np.nanargmax(seg))
        for k in sorted({i, j}):
            out_t.append(float(t[k]))
            out_y.append(float(y[k]))
    return np.asarray(out_t), np.asarray(out_y)


def _base(fig: go.Figure, *, height: int, title: str | None = None) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, margin=dict(l=56, r=16, t=48 if title else 16, b=40),
        font=dict(family=FONT, color=INK, size=13), title=dict(text=title, x=0, xanchor="left", font=dict(size=15)) if title else None,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0), hovermode="closest",
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="white",
    )
    fig.update_xaxes(gridcolor="#eef1f4", zeroline=False)
    fig.update_yaxes(gridcolor="#eef1f4", zeroline=False)
    return fig


def _date_axis(fig: go.Figure, xs: Sequence[str]) -> None:
    """A time axis of days: a few days either side when the points span less than a week (one
    session would otherwise get an axis of milliseconds)."""
    if not xs:
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False)
        return
    from datetime import datetime as dt

    lo, hi = dt.fromisoformat(min(xs)[:19]), dt.fromisoformat(max(xs)[:19])
    if hi - lo < timedelta(days=7):
        pad = timedelta(days=3)
        fig.update_xaxes(type="date", range=[(lo - pad).isoformat(), (hi + pad).isoformat()])


def _empty(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(color=MUTED, size=15))
    fig.update_xaxes(showticklabels=False, showgrid=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, title_text=None)


def _rep_shapes(reps: Sequence[Rep]) -> list[dict[str, object]]:
    return [dict(type="rect", xref="x", yref="paper", x0=r.start_s, x1=r.end_s, y0=0, y1=1, line=dict(width=0), layer="below",
                 fillcolor=FLAG_FILL if r.flags else REP_FILL) for r in reps]


def _cue_text(rep: Rep) -> str:
    return "; ".join(f.cue for f in rep.flags)


def session_figure(trace: SessionTrace, reps: Sequence[Rep], *, title: str | None = None, height: int = 420,
                   columns: int = TRACE_COLUMNS, x_range: tuple[float, float] | None = None) -> go.Figure:
    """The angle (and pelvis) trace of a session with each rep shaded, flagged reps red and
    marked at their peak (hover: the flags' cues; a click on a marker zooms to that rep)."""
    fig = go.Figure()
    t, y = minmax_downsample(trace.t_s, trace.angle_deg, columns)
    fig.add_trace(go.Scattergl(x=t, y=y, mode="lines", name="segment angle", line=dict(color=BLUE, width=1.4),
                               hovertemplate="%{x:.1f} s: %{y:.0f}°<extra></extra>"))
    if trace.pelvis_t_s is not None and trace.pelvis_deg is not None and len(trace.pelvis_t_s):
        pt, py = minmax_downsample(trace.pelvis_t_s, trace.pelvis_deg, columns)
        fig.add_trace(go.Scattergl(x=pt, y=py, mode="lines", name="pelvis", line=dict(color=AMBER, width=1.2),
                                   hovertemplate="pelvis %{x:.1f} s: %{y:.1f}°<extra></extra>"))
    if reps:
        ok = [r for r in reps if not r.flags]
        bad = [r for r in reps if r.flags]
        for group, colour, name, symbol in ((ok, BLUE, "rep", "circle"), (bad, RED, "flagged rep", "x")):
            if not group:
                continue
            fig.add_trace(go.Scatter(
                x=[r.peak_s for r in group], y=[r.rom_deg for r in group], mode="markers+text" if len(reps) <= 60 else "markers",
                name=name, marker=dict(color=colour, size=9 if symbol == "x" else 6, symbol=symbol),
                text=[str(r.index) for r in group], textposition="top center", textfont=dict(size=10, color=MUTED),
                customdata=[[r.index, r.start_s, r.end_s] for r in group],
                hovertext=[f"rep {r.index} (set {r.set_index}): {'~' if r.range_estimated else ''}{r.rom_deg:.0f}°"
                           + (" (estimated: a fast set read from its rhythm)" if r.range_estimated else "")
                           + (f"<br>{_cue_text(r)}" if r.flags else "")
                           for r in group],
                hovertemplate="%{hovertext}<extra></extra>",
            ))
        fig.update_layout(shapes=_rep_shapes(reps))
    _base(fig, height=height, title=title)
    fig.update_xaxes(title_text="time (s)", range=list(x_range) if x_range else None)
    fig.update_yaxes(title_text="angle (°)", rangemode="tozero")
    return fig


def rep_window(rep: Rep, *, margin_s: float = 1.5) -> tuple[float, float]:
    """The time range a click on ``rep`` zooms to: the rep with some context either side."""
    return rep.start_s - margin_s, rep.end_s + margin_s


def live_figure(view: LiveView) -> go.Figure:
    """The last seconds of the live trace, reps shaded, the window fixed to the latest sample."""
    tr = view.trace
    fig = session_figure(tr, view.window_reps, height=320, columns=600)
    end = max(view.latest_t_s, 1.0)
    fig.update_xaxes(range=[end - (tr.t_s[-1] - tr.t_s[0] if len(tr.t_s) > 1 and end < 20 else 20.0), end], title_text=None)
    fig.update_layout(showlegend=False, uirevision="live", margin=dict(l=48, r=12, t=8, b=28))
    return fig


def rep_bars_figure(sessions: Sequence[SessionSummary]) -> go.Figure:
    """Reps per session, stacked by set, one colour per set number."""
    fig = go.Figure()
    most = max((len(s.set_reps) for s in sessions), default=0)
    x = [s.started_at[:10] + f" #{s.id}" for s in sessions]
    for k in range(most):
        fig.add_trace(go.Bar(x=x, y=[s.set_reps[k] if k < len(s.set_reps) else 0 for s in sessions], name=f"set {k + 1}",
                             marker_color=[BLUE, TEAL, "#6c8ebf", "#8fb9a8", MUTED][k % 5],
                             hovertemplate="%{x}: %{y} reps<extra>set " + str(k + 1) + "</extra>"))
    _base(fig, height=300, title="Reps and sets per session")
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", showticklabels=len(sessions) <= 40)
    fig.update_yaxes(title_text="reps")
    return fig


def trends_figure(sessions: Sequence[SessionSummary], *, target_rom_deg: float | None = None) -> go.Figure:
    """Mean range of motion and smoothness (SPARC, closer to 0 is smoother) per session."""
    s = [x for x in sessions if x.rep_count]
    dates = [x.started_at[:19] for x in s]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=dates, y=[x.mean_rom_deg for x in s], name="range (°)", mode="lines+markers",
                             line=dict(color=BLUE), hovertemplate="%{x|%d %b}: %{y:.0f}°<extra>range</extra>"))
    fig.add_trace(go.Scatter(x=dates, y=[x.mean_sparc for x in s], name="smoothness (SPARC)", mode="lines+markers", yaxis="y2",
                             line=dict(color=TEAL, dash="dot"), hovertemplate="%{x|%d %b}: %{y:.2f}<extra>SPARC</extra>"))
    if target_rom_deg:
        fig.add_hline(y=target_rom_deg, line=dict(color=MUTED, dash="dash", width=1), annotation_text="calibrated range",
                      annotation_font_color=MUTED)
    _base(fig, height=300, title="Range and smoothness")
    _date_axis(fig, dates)
    fig.update_layout(yaxis=dict(title="range (°)", rangemode="tozero"),
                      yaxis2=dict(title="SPARC", overlaying="y", side="right", showgrid=False,
                                  # two decimals: a range of a few tenths gets ticks 0.05 apart, which
                                  # one decimal showed as the same label twice (-2.0, -2.0, -2.1, -2.1)
                                  tickformat=".2f"))
    return fig


def flag_share_figure(sessions: Sequence[SessionSummary]) -> go.Figure:
    """Share of each session's reps with each kind of flag."""
    s = [x for x in sessions if x.rep_count]
    dates = [x.started_at[:19] for x in s]
    fig = go.Figure()
    for kind in FlagKind:
        shares = [100 * x.share_flagged(kind) for x in s]
        if any(shares):
            fig.add_trace(go.Scatter(x=dates, y=shares, name=FLAG_LABELS[kind], mode="lines+markers",
                                     line=dict(color=FLAG_COLOURS[kind]),
                                     hovertemplate="%{x|%d %b}: %{y:.0f} %<extra>" + FLAG_LABELS[kind] + "</extra>"))
    _base(fig, height=340, title="Reps flagged, by flag")
    # up to seven flags take two rows of legend: under the plot, where they do not run into the title
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0.0),
                      margin=dict(b=96))
    fig.update_yaxes(title_text="% of reps", range=[0, 100])
    if not fig.data:
        _empty(fig, "no flagged reps")
    else:
        _date_axis(fig, dates)
    return fig


def load_figure(history: PersonHistory) -> go.Figure:
    """The prescribed ankle weight over time (a step line) and the weight each session used."""
    fig = go.Figure()
    pres = history.prescriptions
    if pres:
        xs = [p.created_at[:19] for p in pres]
        ys = [p.load_kg for p in pres]
        end = max([xs[-1]] + [s.started_at[:19] for s in history.sessions])
        fig.add_trace(go.Scatter(x=[*xs, end], y=[*ys, ys[-1]], mode="lines", line=dict(shape="hv", color=BLUE, width=2),
                                 name="prescribed", hovertemplate="%{x|%d %b %Y}: %{y:g} kg<extra>prescribed</extra>"))
    used = [s for s in history.sessions if s.load_kg is not None]
    if used:
        fig.add_trace(go.Scatter(x=[s.started_at[:19] for s in used], y=[s.load_kg for s in used], mode="markers", name="used",
                                 marker=dict(color=TEAL, size=7), hovertemplate="%{x|%d %b}: %{y:g} kg<extra>session</extra>"))
    _base(fig, height=260, title="Ankle weight")
    fig.update_yaxes(title_text="kg", rangemode="tozero")
    if not fig.data:
        _empty(fig, "no load recorded")
    return fig


def pain_effort_figure(history: PersonHistory) -> go.Figure:
    """Pain and effort (RPE) ratings, 0-10."""
    fig = go.Figure()
    for kind, colour, name in (("pain", RED, "pain"), ("rpe", AMBER, "effort (RPE)")):
        es = [e for e in history.entries if e.kind.value == kind]
        if es:
            fig.add_trace(go.Scatter(x=[e.created_at[:19] for e in es], y=[e.value for e in es], name=name, mode="lines+markers",
                                     line=dict(color=colour), text=[e.note or "" for e in es],
                                     hovertemplate="%{x|%d %b}: %{y}/10 %{text}<extra>" + name + "</extra>"))
    _base(fig, height=260, title="Pain and effort")
    fig.update_yaxes(title_text="0-10", range=[0, 10.5])
    if not fig.data:
        _empty(fig, "no pain or effort entered")
    else:
        _date_axis(fig, [e.created_at for e in history.entries])
    return fig


def calendar_figure(days: Sequence[date], *, today: date, weeks: int = 12, days_per_week: int | None = None) -> go.Figure:
    """Exercise days as a calendar (weeks across, Monday to Sunday down) for the last ``weeks``,
    with the prescribed days a week in the title."""
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    have = set(days)
    z, text = [], []
    for wd in range(7):
        row, tr = [], []
        for w in range(weeks):
            d = start + timedelta(weeks=w, days=wd)
            row.append(None if d > today else (1 if d in have else 0))
            tr.append(d.strftime("%a %d %b") + (": exercised" if d in have else ""))
        z.append(row)
        text.append(tr)
    per_week = [sum(1 for wd in range(7) if z[wd][w] == 1) for w in range(weeks)]
    fig = go.Figure(go.Heatmap(
        z=z, text=text, hovertemplate="%{text}<extra></extra>", x=[(start + timedelta(weeks=w)).strftime("%d %b") for w in range(weeks)],
        y=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], colorscale=[[0, "#edf1f5"], [1, TEAL]], zmin=0, zmax=1,
        showscale=False, xgap=3, ygap=3))
    goal = f" · prescribed {days_per_week} days a week" if days_per_week else ""
    _base(fig, height=290, title=f"Exercise days (last {weeks} weeks){goal}")
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, side="top", tickangle=0, nticks=weeks // 2)
    if days_per_week and have:
        first = min(have)
        for w, n in enumerate(per_week):
            week = start + timedelta(weeks=w)
            if n < days_per_week and week + timedelta(days=6) >= first:
                fig.add_annotation(x=w, y=7.0, text=f"{n}/{days_per_week}", showarrow=False, yshift=-2,
                                   font=dict(size=10, color=RED if n == 0 else MUTED), xref="x", yref="y")
    return fig


def comparison_figure(comp: SessionComparison) -> go.Figure:
    """This session's mean range against the calibrated range and the earlier sessions."""
    rows = [*comp.previous, comp.this]
    x = [f"{s.started_at[:10]} #{s.id}" + (" (this)" if s is comp.this else "") for s in rows]
    fig = go.Figure(go.Bar(x=x, y=[s.mean_rom_deg or 0 for s in rows], marker_color=[MUTED] * len(comp.previous) + [BLUE],
                           text=[f"{s.mean_rom_deg:.0f}°" if s.mean_rom_deg else "-" for s in rows], textposition="outside",
                           hovertemplate="%{x}: %{y:.0f}°<extra>mean range</extra>"))
    if comp.target_rom_deg:
        fig.add_hline(y=comp.target_rom_deg, line=dict(color=RED, dash="dash", width=1.5),
                      annotation_text=f"calibrated {comp.target_rom_deg:.0f}°", annotation_font_color=RED)
    _base(fig, height=280, title="Mean range: this session and earlier ones")
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text="°", rangemode="tozero")
    return fig
