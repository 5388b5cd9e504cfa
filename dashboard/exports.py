"""Session reports to take away: a standalone HTML page (plotly.js inside: it opens offline
and prints cleanly to PDF from a browser) and the reps as CSV (the same table as
``reptrack export``)."""

from __future__ import annotations

import html

import flask

from dashboard.context import current_viewer, reading, refusal
from dashboard.figures import comparison_figure, session_figure
from tracker.app.accounts import check_session
from tracker.app.history import SessionComparison, compare_session
from tracker.app.session_data import reps_csv
from tracker.app.sessions import SessionReport, show_session
from tracker.app.traces import SessionTrace, session_trace
from tracker.errors import ReptrackError

PRINT_CSS = """
body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;color:#1f2933;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} .sub{color:#7b8794;margin-bottom:16px}
table{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0 20px} th,td{border-bottom:1px solid #e4e7eb;padding:4px 6px;text-align:right}
th{background:#f5f7fa} td.l,th.l{text-align:left} tr.flagged td{background:#fdf0f0}
.muted{color:#7b8794} @media print{.plot{break-inside:avoid} body{margin:0}}
"""


#: what the table says of a rep whose range is an estimate
ESTIMATED_RANGE_NOTE = "range estimated: counted from the fast set's rhythm (no gyro)"


def rep_rows(report: SessionReport) -> list[dict[str, object]]:
    """One row per rep, as the session page's table and the HTML report show it."""
    out: list[dict[str, object]] = []
    for r in report.result.reps:
        out.append({
            "set": r.set_index, "rep": r.index, "range": round(r.rom_deg, 1), "lift": round(r.lift_s, 2), "hold": round(r.hold_s, 2),
            "lower": round(r.lower_s, 2), "sparc": None if r.sparc != r.sparc else round(r.sparc, 2),
            "pelvis": None if r.pelvis_tilt_deg is None else round(r.pelvis_tilt_deg, 1),
            "flags": ", ".join(f.kind.value.replace("_", " ") for f in r.flags),
            "cues": " · ".join(([ESTIMATED_RANGE_NOTE] if r.range_estimated else []) + [f.cue for f in r.flags]),
        })
    return out


def report_html(report: SessionReport, comparison: SessionComparison, trace: SessionTrace) -> str:
    """The standalone report of a session."""
    info = report.info
    fig = session_figure(trace, report.result.reps, title="Angle over the session (shaded: reps; red: flagged)")
    comp = comparison_figure(comparison)
    head = ["set", "rep", "range °", "lift s", "hold s", "lower s", "SPARC", "pelvis °", "flags", "cues"]
    rows = []
    for row in rep_rows(report):
        cells = "".join(f"<td{' class=l' if k in ('flags', 'cues') else ''}>{html.escape('' if v is None else str(v))}</td>"
                        for k, v in row.items())
        rows.append(f"<tr{' class=flagged' if row['flags'] else ''}>{cells}</tr>")
    sets = ", ".join(f"set {s.set_index}: {s.rep_count}" for s in report.result.sets) or "no sets"
    notes = "".join(f"<li>{html.escape(n.created_at[:10])} {html.escape(n.therapist or '')}: {html.escape(n.text)}</li>"
                    for n in report.notes) or "<li class=muted>none</li>"
    presc = ""
    if report.prescription is not None:
        p = report.prescription.prescription
        presc = (f"<p>Prescribed: {p.sets} sets of {p.reps_min}-{p.reps_max} reps, {p.rest_min_s:g}-{p.rest_max_s:g} s rest, "
                 f"{p.load_kg:g} kg. Done: {'/'.join(map(str, report.prescription.set_reps)) or 'no set'} reps"
                 f"{f'; {report.prescription.rests_outside} rests outside the range' if report.prescription.rests_outside else ''}.</p>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reptrack session {info.id}</title>
<style>{PRINT_CSS}</style></head><body>
<h1>Session {info.id} · {html.escape(info.person)}</h1>
<div class="sub">{html.escape(info.exercise.definition.title)} · {info.started_at[:16].replace('T', ' ')} UTC · {info.status.value}
 · {len(report.result.reps)} reps ({sets})</div>
{presc}{''.join(f'<p class="muted">Note: {html.escape(n)}.</p>' for n in report.result.flag_notes)}
<div class="plot">{fig.to_html(include_plotlyjs=True, full_html=False, config={'displaylogo': False})}</div>
<div class="plot">{comp.to_html(include_plotlyjs=False, full_html=False, config={'displaylogo': False})}</div>
<h2>Reps</h2><table><tr>{''.join(f'<th{" class=l" if h in ("flags", "cues") else ""}>{h}</th>' for h in head)}</tr>
{''.join(rows)}</table>
<h2>Notes</h2><ul>{notes}</ul>
<p class="muted">reptrack · written {html.escape(info.started_at[:10])}</p></body></html>"""


def _export(session_id: int, kind: str) -> flask.Response:
    try:
        with reading() as store:
            viewer = current_viewer(store)
            check_session(store, viewer, session_id)
            if kind == "csv":
                body, mime = reps_csv(store, session_id), "text/csv"
            else:
                body = report_html(show_session(store, session_id), compare_session(store, session_id), session_trace(store, session_id))
                mime = "text/html"
    except ReptrackError as exc:
        r = refusal(exc)
        return flask.Response(f"{r.title}: {r.message}\n", status=r.status, mimetype="text/plain")
    resp = flask.Response(body, mimetype=mime)
    resp.headers["Content-Disposition"] = f'attachment; filename="session-{session_id}.{"reps.csv" if kind == "csv" else "html"}"'
    return resp


def install(server: flask.Flask) -> None:
    server.add_url_rule("/export/session/<int:session_id>.html", "export_html", lambda session_id: _export(session_id, "html"))
    server.add_url_rule("/export/session/<int:session_id>.csv", "export_csv", lambda session_id: _export(session_id, "csv"))
