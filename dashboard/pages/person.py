"""``/person/<id>``: one person's history -- exercise days against the prescription, reps and
sets, range and smoothness, flags, load with the suggested next step, pain and effort, notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash
from dash import dash_table, dcc, html

from dashboard import ids
from dashboard.figures import FONT
from dashboard.components import card, frame, graph, notes_list, refusal_card, tile, tiles, when
from dashboard.context import Refusal, current_viewer, guarded, reading
from dashboard.figures import calendar_figure, flag_share_figure, load_figure, pain_effort_figure, rep_bars_figure, trends_figure
from tracker.app.accounts import check_person
from tracker.app.history import PersonHistory, person_history

dash.register_page(__name__, path_template="/person/<person_id>", title="reptrack · person", name="Person")


def parse_id(text: object, what: str) -> int:
    """An id from an address; anything else is a page that does not exist."""
    try:
        value = int(str(text))
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise Refusal(404, "Not found", f"there is no {what} {text!r}")
    return value


def body(h: PersonHistory) -> list[Any]:
    now = datetime.now().astimezone()
    reports = h.progress.reports if h.progress else ()
    days_pw = max((r.prescription.days_per_week for r in reports), default=None)
    done = [s for s in h.sessions if s.rep_count]
    last = h.sessions[-1] if h.sessions else None
    stat = [
        tile("sessions", str(len(h.sessions)), hint=f"last {when(last.started_at)}" if last else None),
        tile("days with data / 30", str(sum((now.date() - d).days < 30 for d in h.exercise_days)),
             hint=f"prescribed {max(r.expected_days_30 for r in reports):.0f}" if reports else None),
        tile("reps", str(sum(s.rep_count for s in done))),
        tile("share flagged", f"{100 * sum(s.flagged_reps for s in done) / max(1, sum(s.rep_count for s in done)):.0f} %"),
    ]
    if h.person.needs_attention:
        stat.insert(0, tile("needs attention", "!", hint=h.person.attention_reason, tone="warn"))
    steps = [html.Li([html.B(f"{r.exercise}: "), r.suggestion], className="progress-ready" if r.progress_load else "")
             for r in reports] or [html.Li("No prescription yet ('reptrack prescribe').", className="muted")]
    sessions_table = dash_table.DataTable(  # type: ignore[attr-defined]
        id=ids.PERSON_SESSIONS, columns=[
            {"id": "session", "name": "Session", "presentation": "markdown"}, {"id": "when", "name": "Started (UTC)"},
            {"id": "exercise", "name": "Exercise"}, {"id": "reps", "name": "Reps", "type": "numeric"},
            {"id": "sets", "name": "Sets"}, {"id": "rom", "name": "Mean range °", "type": "numeric"},
            {"id": "flagged", "name": "Flagged %", "type": "numeric"}, {"id": "load", "name": "kg", "type": "numeric"},
            {"id": "status", "name": "Status"}],
        data=[{"session": f"[#{s.id}](/session/{s.id})", "when": when(s.started_at), "exercise": s.exercise.value, "reps": s.rep_count,
               "sets": "/".join(map(str, s.set_reps)) or "-", "rom": None if s.mean_rom_deg is None else round(s.mean_rom_deg),
               "flagged": round(100 * s.flagged_reps / s.rep_count) if s.rep_count else None, "load": s.load_kg,
               "status": s.status.value} for s in reversed(h.sessions)],
        sort_action="native", page_size=15, markdown_options={"link_target": "_self"}, style_as_list_view=True,
        style_table={"overflowX": "auto"}, style_cell={"fontFamily": FONT, "padding": "6px 10px", "textAlign": "left"},
        style_header={"fontWeight": "600", "backgroundColor": "#f5f7fa"})
    entries = [html.Li(f"{when(e.created_at)} · {'pain' if e.kind.value == 'pain' else 'effort'} {e.value}/10"
                       + (f" · {e.note}" if e.note else "")) for e in reversed(h.entries[-8:])]
    return [
        tiles(stat),
        html.Div([card(graph(calendar_figure(h.exercise_days, today=now.date(), days_per_week=days_pw)), className="span2"),
                  card(html.Ul(steps, className="steps"), title="Next step (progression rules)")], className="grid"),
        html.Div([card(graph(rep_bars_figure(h.sessions[-60:]))),
                  card(graph(trends_figure(h.sessions)))], className="grid2"),
        html.Div([card(graph(flag_share_figure(h.sessions))), card(graph(load_figure(h)))], className="grid2"),
        html.Div([card(graph(pain_effort_figure(h)), html.Ul(entries, className="entries")),
                  card(notes_list(h.notes), title="Notes")], className="grid2"),
        card(sessions_table, title="Sessions", className="table-card"),
    ]


@guarded(refusal_card)
def layout(person_id: str | None = None, **_: Any) -> html.Div:
    pid = parse_id(person_id, "person")
    with reading() as store:
        viewer = current_viewer(store)
        person = check_person(store, viewer, pid)
        h = person_history(store, person.name)
    sub = f"therapist {person.therapist}" if person.therapist else "no therapist named"
    live = [dcc.Link("Live view", href="/live", className="button ghost")]
    return frame(html.Div(live, className="actions"), *body(h), title=person.name, subtitle=f"{sub} · {len(h.sessions)} session{'s' if len(h.sessions) != 1 else ''}",
                 wide=True)
