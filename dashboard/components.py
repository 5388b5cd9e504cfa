"""Layout pieces every page shares: the frame with its navigation, the card a refusal shows,
tiles of numbers, and small formatters. Plain functions returning Dash components."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from dashboard.context import Refusal


def frame(*children: Any, title: str, subtitle: str | None = None, wide: bool = False) -> html.Div:
    """A page: a heading line and its content."""
    head: list[Any] = [html.H1(title, className="page-title")]
    if subtitle:
        head.append(html.Div(subtitle, className="page-subtitle"))
    return html.Div([html.Div(head, className="page-head"), *children], className="page wide" if wide else "page")


def refusal_card(r: Refusal) -> html.Div:
    """What a page shows instead of data: the status, the reason, the way back."""
    return html.Div(html.Div([
        html.Div(str(r.status), className="refusal-status"),
        html.H1(r.title, className="refusal-title"),
        html.P(r.message, className="refusal-text"),
        dcc.Link("Back to the overview", href="/", className="button"),
    ], className="refusal-card"), className=f"page refusal refusal-{r.status}")


def tile(label: str, value: str, *, hint: str | None = None, tone: str = "") -> html.Div:
    return html.Div([html.Div(value, className="tile-value"), html.Div(label, className="tile-label"),
                     html.Div(hint, className="tile-hint") if hint else None], className=f"tile {tone}".strip())


def tiles(items: Sequence[html.Div]) -> html.Div:
    return html.Div(list(items), className="tiles")


def card(*children: Any, title: str | None = None, className: str = "") -> html.Div:
    return html.Div(([html.H2(title, className="card-title")] if title else []) + list(children), className=f"card {className}".strip())


def when(iso: str | None) -> str:
    """An ISO 8601 time as the pages show it: ``2026-11-02 09:30`` (UTC)."""
    return "-" if not iso else iso[:16].replace("T", " ")


def num(x: float | None, fmt: str = ".0f", unit: str = "") -> str:
    return "-" if x is None else f"{x:{fmt}}{unit}"


def graph(figure: Any, *, id: str | None = None, interactive: bool = False, **kw: Any) -> dcc.Graph:
    """A figure as the pages show it: its own height (the container never cuts it), no plotly
    logo; only ``interactive`` figures (the session trace) carry a mode bar."""
    config = {"displaylogo": False, "responsive": True, "displayModeBar": "hover" if interactive else False,
              "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
    height = getattr(getattr(figure, "layout", None), "height", None) or (figure.get("layout", {}).get("height")
                                                                          if isinstance(figure, dict) else None)
    props: dict[str, Any] = dict(figure=figure, config=config, className="graph", style={"height": f"{height or 400}px"}, **kw)
    if id is not None:
        props["id"] = id
    return dcc.Graph(**props)


def notes_list(notes: Sequence[Any]) -> html.Ul | html.P:
    if not notes:
        return html.P("No notes yet.", className="muted")
    return html.Ul([html.Li([html.Span(when(n.created_at), className="note-when"),
                             html.Span(f" {n.therapist}" if n.therapist else "", className="note-who"),
                             html.Div(n.text, className="note-text")], className="note") for n in notes], className="notes")
