"""``/live`` and ``/live/<session>``: the count, large enough to read from the floor, the set,
the last ~20 s of the angle with reps shaded, each flag's cue as it happens, the rest timer
and the state of the recording. Polls the store every :data:`POLL_MS`: ``reptrack record``
commits every second, so a rep shows within a second of being committed."""

from __future__ import annotations

import time
from typing import Any

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import ids
from dashboard.components import graph
from dashboard.context import Refusal, current_viewer, guarded, reading
from dashboard.figures import live_figure
from dashboard.pages.person import parse_id
from tracker.app.accounts import Role, check_session
from tracker.app.traces import LiveView, live_view

dash.register_page(__name__, path_template="/live/<session_id>", title="reptrack · live", name="Live session")
dash.register_page("dashboard.pages.live_latest", path="/live", title="reptrack · live", name="Live",
                   layout=lambda **kw: layout(None, **kw))

#: the poll period, ms: the store is read at least twice a second (a rep shows within 1 s)
POLL_MS = 400
#: no new samples for this long while recording: the sensor is said to be silent (the recorder
#: commits every second, so 3 s is two commits without data)
SILENT_AFTER_S = 3.0


def layout(session_id: str | None = None, **_: Any) -> html.Div:
    sid = None if session_id is None else parse_id(session_id, "session") if str(session_id).isdigit() else -1
    return html.Div([
        dcc.Store(id=ids.LIVE_SESSION, data=sid),
        dcc.Store(id=ids.LIVE_SEEN, data=None),
        dcc.Interval(id=ids.LIVE_INTERVAL, interval=POLL_MS, n_intervals=0),
        html.Div(id=ids.LIVE_TITLE, className="live-title"),
        html.Div([
            html.Div([html.Div("–", id=ids.LIVE_COUNT, className="live-count"), html.Div("", id=ids.LIVE_SET, className="live-set")],
                     className="live-main"),
            html.Div([html.Div("", id=ids.LIVE_STATUS, className="live-status"), html.Div("", id=ids.LIVE_REST, className="live-rest"),
                      html.Div("", id=ids.LIVE_CUES, className="live-cues")], className="live-side"),
        ], className="live-top"),
        html.Div(graph({"data": [], "layout": {"height": 320}}, id=ids.LIVE_GRAPH), className="card live-graph"),
    ], className="page live")


def silent_for(view: LiveView, seen: dict[str, Any] | None, now: float) -> tuple[float, dict[str, Any]]:
    """How long the session's sample count has not grown (0 when it just did), and what to
    remember for the next poll."""
    info = view.info
    if not seen or seen.get("session") != info.id or seen.get("samples") != info.sample_count:
        return 0.0, {"session": info.id, "samples": info.sample_count, "since": now}
    return max(0.0, now - float(seen["since"])), seen


def render(view: LiveView, silent_s: float = 0.0) -> tuple[Any, ...]:
    """The live page's parts for a view: title, count, set line, status, rest, cues, figure."""
    info = view.info
    title = [html.Span(info.person, className="live-person"), html.Span(f" · {info.exercise.definition.title} · session {info.id}")]
    set_line = f"set {view.set_number} · {view.reps_in_set} in this set" if view.set_number else "waiting for the first rep"
    if view.recording and view.tentative:
        # the first reps of a set are shown at once, and counted for good when the next rep follows
        set_line = f"{view.tentative} rep{'s' if view.tentative != 1 else ''} not yet sure (counted when the next rep follows)"
    if view.recording and silent_s >= SILENT_AFTER_S:
        status = html.Span(f"● recording · no data from the sensor for {silent_s:.0f} s", className="badge silent")
    elif view.recording:
        status = html.Span("● recording · sensor sending", className="badge live")
    else:
        status = html.Span([f"session {info.status.value} · ", dcc.Link("report", href=f"/session/{info.id}")], className="badge")
    rest = ""
    if view.recording and view.since_last_rep_s is not None and view.since_last_rep_s >= 3:
        m, s = divmod(int(view.since_last_rep_s), 60)
        rest = f"rest {m}:{s:02d}"
    cues = [html.Div(c, className="cue") for c in view.cues] if view.cues else [html.Div("good form", className="cue ok")] \
        if view.last_rep is not None else []
    count = str(view.shown_count) if view.recording else str(view.rep_count)
    return title, count, set_line, status, rest, cues, live_figure(view)


def _refused(r: Refusal) -> tuple[Any, ...]:
    return (html.Span(r.title), "–", r.message, "", "", [], no_update, None)


@callback(Output(ids.LIVE_TITLE, "children"), Output(ids.LIVE_COUNT, "children"), Output(ids.LIVE_SET, "children"),
          Output(ids.LIVE_STATUS, "children"), Output(ids.LIVE_REST, "children"), Output(ids.LIVE_CUES, "children"),
          Output(ids.LIVE_GRAPH, "figure"), Output(ids.LIVE_SEEN, "data"), Input(ids.LIVE_INTERVAL, "n_intervals"),
          Input(ids.LIVE_SESSION, "data"), State(ids.LIVE_SEEN, "data"))
@guarded(_refused)
def update_live(_n: int, session: int | None, seen: dict[str, Any] | None = None) -> tuple[Any, ...]:
    if session == -1:
        raise Refusal(404, "Not found", "no such session")
    with reading() as store:
        viewer = current_viewer(store)
        if session is None and viewer.role is not Role.LOCAL:
            # an account's live page: the latest session of someone it may see
            from tracker.app.accounts import visible_people

            mine = [s for p in visible_people(store, viewer) for s in store.sessions(person=p.name)]
            if not mine:
                raise Refusal(404, "No sessions yet", "nothing recorded yet for the people you see")
            live = [s for s in mine if s.status.value == "recording"]
            session = max(live or mine, key=lambda s: (s.started_at, s.id)).id
        if session is not None:
            check_session(store, viewer, session)
        view = live_view(store, session)
    silent_s, seen = silent_for(view, seen, time.monotonic())
    return (*render(view, silent_s), seen)
