"""``/``: the therapist's overview -- each person, their last session, adherence, and who needs
attention first (pain, frequent pelvic rise, missed weeks); sortable and filterable."""

from __future__ import annotations

from typing import Any

import dash
from dash import dash_table, html

from dashboard import ids
from dashboard.figures import FONT
from dashboard.components import card, frame, refusal_card, tile, tiles, when
from dashboard.context import current_viewer, guarded, reading
from tracker.app.accounts import Role
from tracker.app.overview import OverviewRow, therapist_overview

dash.register_page(__name__, path="/", title="reptrack · overview", name="Overview")

COLUMNS = [
    {"id": "attention", "name": "Needs attention", "presentation": "markdown"},
    {"id": "person", "name": "Person", "presentation": "markdown"},
    {"id": "last_session", "name": "Last session (UTC)"},
    {"id": "sessions", "name": "Sessions", "type": "numeric"},
    {"id": "days_30", "name": "Days / 30", "type": "numeric"},
    {"id": "per_week", "name": "Days / week (4 wk)", "type": "numeric"},
    {"id": "prescribed", "name": "Prescribed / week", "type": "numeric"},
    {"id": "pelvic_rise", "name": "Pelvic rise %", "type": "numeric"},
    {"id": "last_pain", "name": "Last pain", "type": "numeric"},
    {"id": "therapist", "name": "Therapist"},
]


def table_rows(rows: list[OverviewRow]) -> list[dict[str, Any]]:
    """The overview's rows as the table shows them (plain values: sortable and filterable)."""
    out = []
    for r in rows:
        s = r.summary
        out.append({
            "attention": " · ".join(f"⚠ {x}" for x in r.reasons) if r.reasons else "✓ on track",
            "person": f"[{s.person}](/person/{r.person_id})", "last_session": when(s.last_session), "sessions": s.sessions,
            "days_30": s.session_days_30, "per_week": None if r.sessions_per_week is None else round(r.sessions_per_week, 1),
            "prescribed": r.days_per_week_prescribed,
            "pelvic_rise": None if r.pelvic_rise_share is None else round(100 * r.pelvic_rise_share),
            "last_pain": None if s.last_pain is None else s.last_pain.value, "therapist": s.therapist or "-",
        })
    return out


@guarded(refusal_card)
def layout(**_: Any) -> html.Div:
    with reading() as store:
        viewer = current_viewer(store)
        rows = therapist_overview(store, viewer)
    who = {Role.LOCAL: "Everyone in this store", Role.THERAPIST: f"{viewer.therapist}'s people",
           Role.PATIENT: "Your own record"}[viewer.role]
    if not rows:
        return frame(card(html.P("No people yet. Record a session ('reptrack record') or prescribe one ('reptrack prescribe') "
                                 "and they appear here.", className="muted")), title="Overview", subtitle=who)
    attention = sum(1 for r in rows if r.needs_attention)
    table = dash_table.DataTable(  # type: ignore[attr-defined]
        id=ids.OVERVIEW_TABLE, columns=COLUMNS, data=table_rows(rows), sort_action="native", filter_action="native",
        page_action="none", markdown_options={"link_target": "_self"}, style_as_list_view=True,
        style_table={"overflowX": "auto"}, style_cell={"fontFamily": FONT, "padding": "8px 10px", "textAlign": "left",
                                                       "whiteSpace": "normal", "height": "auto", "minWidth": "70px"},
        style_header={"fontWeight": "600", "backgroundColor": "#f5f7fa"},
        style_cell_conditional=[{"if": {"column_id": "attention"}, "minWidth": "220px"},
                                {"if": {"column_id": "person"}, "minWidth": "110px"}],
        style_data_conditional=[{"if": {"filter_query": '{attention} contains "⚠"'}, "backgroundColor": "#fff6f0"},
                                {"if": {"column_id": "attention", "filter_query": '{attention} contains "⚠"'}, "color": "#b3261e"}],
    )
    return frame(
        tiles([tile("people", str(len(rows))), tile("need attention", str(attention), tone="warn" if attention else "ok"),
               tile("sessions", str(sum(r.summary.sessions for r in rows)))]),
        card(table, title="People, who needs attention first", className="table-card"),
        title="Overview", subtitle=who, wide=True,
    )
