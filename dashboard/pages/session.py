"""``/session/<id>``: a session report -- per set and rep (range, lift/hold/lower, smoothness,
pelvis, flags with cues), the angle trace with reps shaded and flagged reps marked (a click on
a rep zooms to it), the comparison with the calibrated range and earlier sessions, the
prescription comparison ``reptrack show`` computes, notes, exports."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, Patch, State, callback, dash_table, dcc, html, no_update

from dashboard import ids
from dashboard.components import card, frame, graph, notes_list, num, refusal_card, tile, tiles, when
from dashboard.context import Refusal, current_viewer, guarded, reading, refusal, writing
from dashboard.exports import rep_rows
from dashboard.figures import FONT, comparison_figure, minmax_downsample, rep_window, session_figure
from dashboard.pages.person import parse_id
from tracker.app.accounts import check_may_write_notes, check_session
from tracker.app.history import SessionComparison, compare_session
from tracker.app.people import add_note
from tracker.app.sessions import SessionReport, show_session
from tracker.app.traces import SessionTrace, session_trace
from tracker.errors import ReptrackError
from tracker.store import SessionStatus

dash.register_page(__name__, path_template="/session/<session_id>", title="reptrack · session", name="Session")

#: a note longer than this is refused (a note is a few lines, not a document)
MAX_NOTE_CHARS = 4000

REP_COLUMNS = [
    {"id": "set", "name": "Set", "type": "numeric"}, {"id": "rep", "name": "Rep", "type": "numeric"},
    {"id": "range", "name": "Range °", "type": "numeric"}, {"id": "lift", "name": "Lift s", "type": "numeric"},
    {"id": "hold", "name": "Hold s", "type": "numeric"}, {"id": "lower", "name": "Lower s", "type": "numeric"},
    {"id": "sparc", "name": "Smoothness (SPARC)", "type": "numeric"}, {"id": "pelvis", "name": "Pelvic tilt °", "type": "numeric"},
    {"id": "flags", "name": "Flags"}, {"id": "cues", "name": "Cue"},
]


def prescription_line(report: SessionReport) -> html.Div | None:
    check = report.prescription
    if check is None:
        return None
    p = check.prescription
    hold = f", hold {p.hold_s:g} s" if p.hold_s else ""
    done = "/".join(str(n) for n in check.set_reps) or "no set"
    rests = ", ".join(f"{r:.0f} s" for r in check.rests_s)
    parts = [html.Div([html.B("Prescribed "), f"{p.sets} sets of {p.reps_min}-{p.reps_max} reps{hold}, "
                       f"{p.rest_min_s:g}-{p.rest_max_s:g} s rest, {p.load_kg:g} kg"]),
             html.Div([html.B("Done "), f"{done} reps" + (f"; rests {rests}" if rests else "")
                       + (f" ({check.rests_outside} outside the range)" if check.rests_outside else "")
                       + ("" if check.load_kg is None else f"; with {check.load_kg:g} kg")])]
    return html.Div(parts, className="presc")


def comparison_block(comp: SessionComparison) -> list[Any]:
    this = comp.this
    lines = []
    if comp.target_rom_deg:
        lines.append(f"Calibrated range {comp.target_rom_deg:.0f}°" + (f" (calibrated {comp.range_calibrated_at[:10]})"
                                                                       if comp.range_calibrated_at else "")
                     + (f"; this session's mean {this.mean_rom_deg:.0f}° ({100 * this.mean_rom_deg / comp.target_rom_deg:.0f} %)"
                        if this.mean_rom_deg else ""))
    else:
        lines.append("No range calibration for this exercise: the comparison is with earlier sessions only.")
    baselines = []
    if comp.pelvic_baseline_deg is not None:
        baselines.append(f"pelvic baseline {comp.pelvic_baseline_deg:.1f}°")
    if comp.sparc_baseline is not None:
        baselines.append(f"smoothness baseline (SPARC) {comp.sparc_baseline:.2f}" + (
            f", this session's mean {this.mean_sparc:.2f}" if this.mean_sparc is not None else ""))
    if baselines:
        lines.append("Calibrated " + "; ".join(baselines) + ".")
    if comp.previous:
        prev = [s.mean_rom_deg for s in comp.previous if s.mean_rom_deg]
        if prev and this.mean_rom_deg:
            lines.append(f"Earlier {len(comp.previous)} sessions: mean range {sum(prev) / len(prev):.0f}°, "
                         f"this one {this.mean_rom_deg:.0f}°")
    return [html.P(x) for x in lines]


def body(report: SessionReport, comp: SessionComparison, trace: SessionTrace, *, may_note: bool) -> list[Any]:
    info, result = report.info, report.result
    reps = result.reps
    flagged = sum(1 for r in reps if r.flags)
    mean_rom = comp.this.mean_rom_deg
    stat = tiles([
        tile("reps", str(len(reps))), tile("sets", "/".join(str(s.rep_count) for s in result.sets) or "0", hint="reps per set"),
        tile("mean range", num(mean_rom, ".0f", "°")), tile("flagged reps", str(flagged), tone="warn" if flagged else "ok"),
        tile("duration", f"{result.duration_s / 60:.1f} min"),
    ])
    extras = [html.P(w, className="warning") for w in result.warnings]
    extras += [html.P(f"Note: {n}.", className="muted flag-note") for n in report.result.flag_notes]
    for e in report.entries:
        extras.append(html.P(f"{'Pain' if e.kind.value == 'pain' else 'Effort (RPE)'} {e.value}/10" + (f": {e.note}" if e.note else "")))
    for c in report.calibrations:
        extras.append(html.P(f"Calibration used: {c.kind.value} ({c.created_at[:10]}): {c.quality}", className="muted"))
    note_form = [dcc.Textarea(id=ids.SESSION_NOTE_TEXT, placeholder="A note on this session (the person sees it too)",
                              className="note-input", maxLength=MAX_NOTE_CHARS),
                 html.Button("Save note", id=ids.SESSION_NOTE_SAVE, className="button", n_clicks=0),
                 html.Span(id=ids.SESSION_NOTE_STATUS, className="note-status")] if may_note else []
    return [
        dcc.Store(id=ids.SESSION_ID, data=info.id),
        stat,
        card(prescription_line(report), *extras) if (report.prescription or extras) else None,
        card(graph(session_figure(trace, reps), id=ids.SESSION_GRAPH, interactive=True),
             html.Div([html.Span("Click a rep's marker or its row to zoom to it. ", className="muted"),
                       html.Button("Whole session", id=ids.SESSION_RESET_ZOOM, className="button ghost small", n_clicks=0)]),
             title="Angle over the session"),
        card(dash_table.DataTable(  # type: ignore[attr-defined]
            id=ids.SESSION_REPS, columns=REP_COLUMNS, data=rep_rows(report), sort_action="native", filter_action="native",
            page_size=20, style_as_list_view=True, style_table={"overflowX": "auto"},
            style_cell={"fontFamily": FONT, "padding": "6px 8px", "textAlign": "right", "minWidth": "56px", "whiteSpace": "normal",
                        "height": "auto"},
            style_cell_conditional=[{"if": {"column_id": c}, "textAlign": "left"} for c in ("flags", "cues")],
            style_header={"fontWeight": "600", "backgroundColor": "#f5f7fa"},
            style_data_conditional=[{"if": {"filter_query": '{flags} != ""'}, "backgroundColor": "#fdf0f0"}]),
            title="Reps", className="table-card"),
        html.Div([card(*comparison_block(comp), graph(comparison_figure(comp))),
                  card(html.Div(notes_list(report.notes), id=ids.SESSION_NOTES), *note_form, title="Notes")], className="grid2"),
    ]


@guarded(refusal_card)
def layout(session_id: str | None = None, **_: Any) -> html.Div:
    sid = parse_id(session_id, "session")
    with reading() as store:
        viewer = current_viewer(store)
        info = check_session(store, viewer, sid)
        if info.status is SessionStatus.RECORDING:
            return frame(card(html.P(f"Session {sid} is still recording: its report is ready once it ends."),
                              dcc.Link("Watch it live", href=f"/live/{sid}", className="button")),
                         title=f"Session {sid} · recording", subtitle=info.person)
        report = show_session(store, sid)
        comp = compare_session(store, sid)
        trace = session_trace(store, sid)
    status = "" if info.status is SessionStatus.COMPLETE else f" · {info.status.value} (stopped unexpectedly; what was saved is here)"
    load = f" · {info.load_kg:g} kg" if info.load_kg else ""
    sub = f"{info.exercise.definition.title} · {when(info.started_at)} UTC{load}{status}"
    actions = html.Div([
        dcc.Link(f"← {info.person}", href=f"/person/{info.person_id}", className="button ghost"),
        html.A("Report (HTML)", href=f"/export/session/{sid}.html", className="button ghost", id="export-html"),
        html.A("Reps (CSV)", href=f"/export/session/{sid}.csv", className="button ghost", id="export-csv"),
    ], className="actions")
    return frame(actions, *body(report, comp, trace, may_note=viewer.writes_notes), title=f"Session {sid} · {info.person}",
                 subtitle=sub, wide=True)


# ---------------------------------------------------------------------- callbacks
def zoom_patch(session: int, rep_index: int | None) -> Patch:
    """The figure's change for a zoom to rep ``rep_index`` (None: the whole session): the x range,
    and the trace at full detail within the window (the whole-session line is reduced)."""
    with reading() as store:
        check_session(store, current_viewer(store), session)
        trace = session_trace(store, session)
        reps = store.reps(session)
    p = Patch()
    rep = next((r for r in reps if r.index == rep_index), None)
    if rep is None:
        t, y = minmax_downsample(trace.t_s, trace.angle_deg)
        p["layout"]["xaxis"]["range"] = None
        p["layout"]["xaxis"]["autorange"] = True
    else:
        lo, hi = rep_window(rep)
        keep = (trace.t_s >= lo) & (trace.t_s <= hi)
        t, y = minmax_downsample(trace.t_s[keep], trace.angle_deg[keep])
        p["layout"]["xaxis"]["range"] = [lo, hi]
        p["layout"]["xaxis"]["autorange"] = False
    p["data"][0]["x"] = t.tolist()
    p["data"][0]["y"] = [None if v != v else v for v in y.tolist()]
    return p


def _no_zoom(_: Refusal) -> Any:
    return no_update


@callback(Output(ids.SESSION_GRAPH, "figure"), Input(ids.SESSION_GRAPH, "clickData"), Input(ids.SESSION_REPS, "active_cell"),
          Input(ids.SESSION_RESET_ZOOM, "n_clicks"), State(ids.SESSION_REPS, "derived_viewport_data"), State(ids.SESSION_ID, "data"),
          prevent_initial_call=True)
@guarded(_no_zoom)
def zoom_to_rep(click: dict[str, Any] | None, cell: dict[str, Any] | None, _reset: int, rows: list[dict[str, Any]] | None,
                session: int) -> Any:
    trigger = dash.ctx.triggered_id
    if trigger == ids.SESSION_RESET_ZOOM:
        return zoom_patch(session, None)
    if trigger == ids.SESSION_GRAPH and click:
        point = click["points"][0]
        data = point.get("customdata")
        if not data:
            return no_update  # a click on the line, not on a rep
        return zoom_patch(session, int(data[0]))
    if trigger == ids.SESSION_REPS and cell and rows:
        return zoom_patch(session, int(rows[cell["row"]]["rep"]))
    return no_update


def _note_refused(r: Refusal) -> tuple[Any, Any, str]:
    return no_update, no_update, f"not saved: {r.message}"


@callback(Output(ids.SESSION_NOTES, "children"), Output(ids.SESSION_NOTE_TEXT, "value"), Output(ids.SESSION_NOTE_STATUS, "children"),
          Input(ids.SESSION_NOTE_SAVE, "n_clicks"), State(ids.SESSION_NOTE_TEXT, "value"), State(ids.SESSION_ID, "data"),
          prevent_initial_call=True)
@guarded(_note_refused)
def save_note(_clicks: int, text: str | None, session: int) -> tuple[Any, Any, str]:
    return save_note_for(session, text)


def save_note_for(session: int, text: str | None) -> tuple[Any, Any, str]:
    """Save a therapist's note on ``session``; returns the notes list, the cleared text box and a status line."""
    text = (text or "").strip()
    if not text:
        return no_update, no_update, "write the note first"
    if len(text) > MAX_NOTE_CHARS:
        return no_update, no_update, f"a note is at most {MAX_NOTE_CHARS} characters"
    with reading() as store:
        viewer = current_viewer(store)
        check_may_write_notes(viewer)
        info = check_session(store, viewer, session)
    try:
        with writing() as store:
            added = add_note(store, info.person, text, session_id=session, therapist=viewer.therapist)
            notes = store.notes(info.person, session_id=session)
    except ReptrackError as exc:
        return no_update, no_update, f"not saved: {refusal(exc).message}"
    return notes_list(notes), "", f"saved {when(added.note.created_at)}"
