"""The terminal's live view: the panel's content and size, and a closed output pipe."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import ROOT, STANDING
from tracker.files.csv_recording import read_recording
from tracker.pipeline import analyze_recording
from tracker.pipeline.live_state import LiveState, LiveTally
from tracker.pipeline.types import RepCompleted, SetCompleted
from tracker.core.exercises import get_exercise
from tracker.store import SessionStatus, Store
from tracker.core.recording import Stream
from tracker.sensors import LinkState, LinkStatus
from tracker.terminal.live_panel import PANEL_WIDTH, PanelLine, RichView, fit_lines, link_line, panel_lines


def _states() -> list[LiveState]:
    """The live states of the standing sample's session, event by event, then its end."""
    result = analyze_recording(read_recording(STANDING).recording, get_exercise("standing-hip-abduction"))
    tally = LiveTally()
    out = []
    for rep in result.reps:
        tally.advance(rep.end_s, 100)
        out.append(tally.apply([RepCompleted(rep)]))
    s = result.sets[-1]
    out.append(tally.apply([SetCompleted(s.set_index, s.start_s, s.end_s, s.rep_count)]))
    tally.advance(s.end_s + 5.0, 100)
    out.append(tally.state)
    out.append(tally.end())
    return out


def test_after_the_session_no_rest_is_running() -> None:
    *during, resting, ended = _states()
    assert resting.rest_s == pytest.approx(5.0)
    assert any(x.text.startswith("rest 0:05") for x in panel_lines(resting))
    assert ended.ended and ended.rest_s is None
    lines = [x.text for x in panel_lines(ended)]
    assert not any(t.startswith("rest") for t in lines)
    assert any(t.startswith(f"session over: {ended.rep_count} reps in 1 set") for t in lines)


def test_lines_that_do_not_fit_go_least_important_first() -> None:
    lines = [PanelLine("count"), PanelLine("tempo", drop_order=3), PanelLine("a cue the person must read", drop_order=1, wraps=True),
             PanelLine("footer", drop_order=4)]
    assert [x.text for x in fit_lines(lines, width=40, rows=4)] == ["count", "tempo", "a cue the person must read", "footer"]
    assert [x.text for x in fit_lines(lines, width=40, rows=3)] == ["count", "tempo", "a cue the person must read"]
    assert [x.text for x in fit_lines(lines, width=10, rows=4)] == ["count", "a cue the person must read"]  # the cue wraps: 3 rows
    assert [x.text for x in fit_lines(lines, width=10, rows=1)] == ["count"]  # the count always stays


@pytest.mark.parametrize("size", [(34, 12), (80, 24), (120, 40), (20, 6)])
def test_the_panel_keeps_its_width_and_never_outgrows_the_terminal(size: tuple[int, int]) -> None:
    from rich.console import Console

    width, height = size
    view = RichView("Ann · Standing hip abduction (holding a chair)")
    view._console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None)
    widths = set()
    for state in _states():
        view._state = state
        view.warn("set 2 began 40° away from the calibrated start posture: has the strap slipped, or is the position different?")
        out = view._console.render_lines(view._render(state), pad=False)
        assert len(out) <= height - 1, (size, len(out))
        widths |= {sum(seg.cell_length for seg in line) for line in out}
    assert widths == {min(PANEL_WIDTH, width)}  # one width for the whole session


def test_a_closed_output_pipe_does_not_end_or_damage_the_session(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    cmd = (f"{sys.executable} -m tracker.cli record --source {STANDING} --exercise standing-hip-abduction --person Ann "
           f"--speed max --plain --db {db} | head -1")
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("[") and proc.stdout.count("\n") == 1  # head's one line
    assert "Traceback" not in proc.stderr and "the output was closed" in proc.stderr
    assert "session 1 complete" in proc.stderr  # the summary, where it can still be read
    with Store.open(db) as store:
        (info,) = store.sessions()
        assert info.status is SessionStatus.COMPLETE and info.rep_count == 10
        assert info.sample_count == len(read_recording(STANDING).recording)


LINKS = (
    LinkStatus(Stream.MAIN, "BBC micro:bit [zotip]", LinkState.STREAMING, rate_hz=99.6, samples=9000, lost_samples=45, bad_packets=3),
    LinkStatus(Stream.PELVIS, "C0:11:22:33:44:55", LinkState.RECONNECTING, rate_hz=None, samples=8000, lost_samples=120, reconnects=1),
)


def test_the_link_lines_say_state_rate_and_loss() -> None:
    assert link_line(LINKS[0]) == "sensor streaming · 100 Hz · 0.5 % lost · 3 bad packets"
    assert link_line(LINKS[1]) == "pelvis sensor reconnecting · 1.5 % lost"
    lines = panel_lines(LiveState(), links=LINKS)
    down = [x for x in lines if x.text.startswith("pelvis sensor")]
    assert down[0].drop_order == 1 and "red" in down[0].style  # a lost link is news: kept longest
    assert [x for x in lines if x.text.startswith("sensor")][0].drop_order == 4


@pytest.mark.parametrize("size", [(34, 12), (80, 24), (120, 40), (20, 6)])
def test_with_live_sensors_the_panel_keeps_its_width_and_height(size: tuple[int, int]) -> None:
    from rich.console import Console

    width, height = size
    view = RichView("Ann · Standing hip abduction (holding a chair)")
    view._console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None)
    for link in LINKS:
        view.link(link)
    widths = set()
    for state in _states():
        view._state = state
        view.warn("set 2 began 40° away from the calibrated start posture: has the strap slipped, or is the position different?")
        out = view._console.render_lines(view._render(state), pad=False)
        assert len(out) <= height - 1, (size, len(out))
        widths |= {sum(seg.cell_length for seg in line) for line in out}
    assert widths == {min(PANEL_WIDTH, width)}
