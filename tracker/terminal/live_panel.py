"""The terminal's live view of a session (an adapter over rich).

On a terminal: a panel redrawn a few times a second with the rep count in large digits,
the set, the last rep's range and tempo, the cues of its flags and the rest time between
sets. Elsewhere (a pipe, a log): one plain line per rep, set and gap.

The panel keeps one width for the whole session and never grows taller than the terminal:
on a small terminal it drops the block digits for a one-line count, and it cuts what does
not fit rather than letting the terminal scroll (a scrolled live region leaves copies of
the panel behind). Output to a pipe that closes (``reptrack record ... | head``) does not end
the session: the lines stop, the recording goes on, and one message on stderr says so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from tracker.core.recording import Stream
from tracker.pipeline.live_state import LiveState
from tracker.pipeline.types import Event, GapDetected, RejectedMovement, Rep, RepCompleted, RepRevised, RepTentative, SetCompleted
from tracker.sensors.base import LinkState, LinkStatus

# 3x5 block digits: readable from a mat on the floor
_DIGITS = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
}
#: the panel's width when the terminal allows it (the longest line, a rep's tempo, fits)
PANEL_WIDTH = 64
#: below this terminal height the count is one line instead of block digits (5 rows of
#: digits, a blank, 4 lines of text and the panel's 2 borders)
BIG_DIGITS_MIN_ROWS = 14


def big_number(n: int) -> str:
    """``n`` in 5-line block digits."""
    rows = ["  ".join(_DIGITS[d][k] for d in str(n)) for k in range(5)]
    return "\n".join(rows)


def _range(rep: Rep) -> str:
    """A rep's range, "~" before it when estimated (a fast set read from its rhythm, no gyro)."""
    return f"{'~' if rep.range_estimated else ''}{rep.rom_deg:.0f}°"


def rep_line(state: LiveState) -> str:
    r = state.last_rep
    if r is None:
        return ""
    return f"rep {r.index} (set {r.set_index}): {_range(r)}, up {r.lift_s:.1f} s, hold {r.hold_s:.1f} s, down {r.lower_s:.1f} s"


def tentative_line(state: LiveState) -> str:
    """The reps shown before the engine is sure of them (a set's first reps)."""
    n = len(state.tentative)
    if not n:
        return ""
    last = state.tentative[-1]
    return (f"rep {state.shown_count}: {last.rom_deg:.0f}° — not yet sure"
            f"{'' if n == 1 else f' ({n} reps)'}: counted for good when the next rep follows")


def taken_back_line(state: LiveState) -> str:
    e = state.last_taken_back
    if e is None:
        return ""
    return f"↺ the movement at {e.start_s:.0f} s was not a rep: taken back ({e.reason})"


def event_lines(events: list[Event], state: LiveState) -> list[str]:
    """Plain-text lines for what just happened."""
    out = []
    for e in events:
        if isinstance(e, RepTentative):
            out.append(f"[{e.end_s:7.1f} s] rep? {e.rom_deg:.0f}° — not yet sure (counted for good when the next rep follows)")
        elif isinstance(e, RejectedMovement) and e.tentative:
            out.append(f"[{e.end_s:7.1f} s] taken back: the movement from {e.start_s:.1f} s was not a rep ({e.reason})")
        elif isinstance(e, RepCompleted):
            r = e.rep
            line = (f"[{r.end_s:7.1f} s] rep {r.index} (set {r.set_index}): {_range(r)}, "
                    f"up {r.lift_s:.1f} s, hold {r.hold_s:.1f} s, down {r.lower_s:.1f} s")
            if r.flags:
                line += " — " + "; ".join(f.cue for f in r.flags)
            out.append(line)
        elif isinstance(e, RepRevised):
            r = e.rep
            out.append(f"[{r.end_s:7.1f} s] rep {r.index} (set {r.set_index}) judged again now that your range is known: "
                       + "; ".join(f.cue for f in r.flags))
        elif isinstance(e, SetCompleted):
            out.append(f"[{e.end_s:7.1f} s] set {e.set_index} done: {e.rep_count} reps — rest now")
        elif isinstance(e, GapDetected):
            out.append(f"[{e.end_s:7.1f} s] no data for {e.end_s - e.start_s:.1f} s (sensor drop-out)")
    return out


def link_line(status: LinkStatus) -> str:
    """A live sensor's link in one line: state, the rate actually arriving, samples lost."""
    who = "pelvis sensor" if status.stream is Stream.PELVIS else "sensor"
    text = f"{who} {status.state.value}"
    if status.rate_hz is not None and status.state is LinkState.STREAMING:
        text += f" · {status.rate_hz:.0f} Hz"
    text += f" · {100 * status.loss_fraction:.1f} % lost"
    if status.bad_packets or status.duplicates:
        text += f" · {status.bad_packets + status.duplicates} bad packets"
    return text


class ClosablePipe:
    """A text stream whose reader may go away (``| head``): writes after that are dropped, and
    ``on_closed`` is told once, so the session goes on instead of failing."""

    def __init__(self, out: TextIO, on_closed: Callable[[], None] | None = None) -> None:
        self._out = out
        self._on_closed = on_closed
        self.closed = False

    def write_line(self, line: str) -> None:
        if self.closed:
            return
        try:
            print(line, file=self._out, flush=True)
        except BrokenPipeError:
            self._close()

    def flush(self) -> None:
        if not self.closed:
            try:
                self._out.flush()
            except BrokenPipeError:
                self._close()

    def _close(self) -> None:
        self.closed = True
        if self._out is sys.stdout:
            # what is still buffered for the closed pipe would fail again at exit
            import os

            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        if self._on_closed is not None:
            self._on_closed()


def say_pipe_closed() -> None:
    print("reptrack: the output was closed; the session goes on (Ctrl-C ends it)", file=sys.stderr, flush=True)


class PlainView:
    """One line per event (for pipes, logs and tests); warnings on stderr, as every command's."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = ClosablePipe(out or sys.stdout, on_closed=say_pipe_closed)
        self._err = err or sys.stderr
        self._links: dict[Stream, LinkState] = {}

    def __enter__(self) -> PlainView:
        return self

    def __exit__(self, *exc: object) -> None:
        self._out.flush()

    @property
    def closed(self) -> bool:
        """The reader of the output went away."""
        return self._out.closed

    def update(self, state: LiveState, events: list[Event]) -> None:
        for line in event_lines(events, state):
            self._out.write_line(line)

    def warn(self, message: str) -> None:
        print(f"warning: {message}", file=self._err, flush=True)

    def link(self, status: LinkStatus) -> None:
        """A live sensor's link changed state: one line on stderr (the counts are left to the summary)."""
        if self._links.get(status.stream) is not status.state:
            self._links[status.stream] = status.state
            who = "pelvis sensor" if status.stream is Stream.PELVIS else "sensor"
            print(f"{who} {status.sensor}: {status.state.value}", file=self._err, flush=True)


@dataclass(frozen=True)
class PanelLine:
    text: str
    style: str = ""
    #: what goes first when the terminal is too small: 0 is never dropped, higher is dropped sooner
    drop_order: int = 0
    #: a line the person must read whole (a cue) wraps; others are cut with an ellipsis
    wraps: bool = False

    def rows(self, width: int) -> int:
        """Terminal rows this line takes at ``width`` columns."""
        return max(1, -(-len(self.text) // max(1, width))) if self.wraps else 1


def fit_lines(lines: list[PanelLine], *, width: int, rows: int) -> list[PanelLine]:
    """The lines that fit ``rows`` terminal rows of ``width`` columns, in their order, dropping
    the least important first."""
    kept = list(lines)
    while sum(x.rows(width) for x in kept) > rows and any(x.drop_order for x in kept):
        worst = max(range(len(kept)), key=lambda i: (kept[i].drop_order, i))
        del kept[worst]
    return kept


def panel_lines(state: LiveState, *, warning: str | None = None, big_digits: bool = True,
                links: tuple[LinkStatus, ...] = ()) -> list[PanelLine]:
    """What the panel shows, top to bottom (pure: the view draws these)."""
    lines: list[PanelLine] = []
    if big_digits:
        # reps not yet sure are in the count at once, in yellow until the set confirms them
        colour = "bold yellow" if state.tentative else "bold green"
        lines += [PanelLine(row, colour) for row in big_number(state.shown_count).splitlines()]
        lines.append(PanelLine("", drop_order=5))
    if state.in_set:
        where = f"set {state.set_number} · {state.shown_in_set} reps in this set"
    elif state.tentative:
        where = f"set {state.set_number + 1} · {state.shown_in_set} rep{'s' if state.shown_in_set != 1 else ''} in this set"
    else:
        where = f"set {state.set_number}" if state.set_number else "waiting for the first rep"
    if not big_digits:
        where = f"{state.shown_count} reps · {where}"
    lines.append(PanelLine(where, "bold"))
    if state.tentative:
        lines.append(PanelLine(tentative_line(state), "yellow", drop_order=2, wraps=True))
    if state.last_taken_back is not None:
        lines.append(PanelLine(taken_back_line(state), "bold yellow", drop_order=1, wraps=True))
    if state.ended:
        n_sets = len(state.set_rep_counts)
        lines.append(PanelLine(f"session over: {state.rep_count} reps in {n_sets} set{'s' if n_sets != 1 else ''}", "bold cyan",
                               wraps=True))
    if state.last_rep is not None:
        lines.append(PanelLine(rep_line(state), drop_order=3))
    for f in state.last_flags:
        lines.append(PanelLine(f"⚠ {f.cue}", "bold yellow" if f.severity.value != "severe" else "bold red", drop_order=1, wraps=True))
    if state.last_rep is not None and not state.last_flags:
        lines.append(PanelLine("✓ good rep", "green", drop_order=1))
    if warning:
        lines.append(PanelLine(f"⚠ {warning}", "bold red", drop_order=1, wraps=True))
    rest = state.rest_s
    if rest is not None:
        m, s = divmod(int(rest), 60)
        lines.append(PanelLine(f"rest {m}:{s:02d}", "cyan", drop_order=2))
    if state.gaps:
        lines.append(PanelLine(f"{state.gaps} sensor drop-out(s), {state.gap_s:.1f} s without data", "dim", drop_order=4, wraps=True))
    for link in links:
        # a link that is not streaming is news the person must see (move closer, check the sensor)
        down = link.state is not LinkState.STREAMING and not state.ended
        lines.append(PanelLine(link_line(link), "bold red" if down else "dim", drop_order=1 if down else 4, wraps=down))
    lines.append(PanelLine(f"{state.t_s:.0f} s recorded · {state.sample_count} samples", "dim", drop_order=4))
    return lines


class RichView:
    """A live panel on a terminal."""

    def __init__(self, title: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self._title = title
        self._warning: str | None = None
        self._links: dict[Stream, LinkStatus] = {}
        self._state = LiveState()
        self._console = Console()
        self._live = Live(self._render(LiveState()), console=self._console, refresh_per_second=8, transient=False,
                          vertical_overflow="crop", get_renderable=lambda: self._render(self._state))

    def __enter__(self) -> RichView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.update(self._render(self._state), refresh=True)
        self._live.__exit__(None, None, None)

    def update(self, state: LiveState, events: list[Event]) -> None:
        self._state = state
        self._live.update(self._render(state))

    def warn(self, message: str) -> None:
        self._warning = message
        self._live.update(self._render(self._state))

    def link(self, status: LinkStatus) -> None:
        self._links[status.stream] = status
        self._live.update(self._render(self._state))

    def _render(self, state: LiveState):  # type: ignore[no-untyped-def]
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        width, height = self._console.size
        panel_width = min(PANEL_WIDTH, width)
        inner = panel_width - 4  # borders and padding
        room = max(1, height - 2 - 1)  # the borders, and the line the cursor rests on
        big = height >= BIG_DIGITS_MIN_ROWS and width >= 20
        rows = fit_lines(panel_lines(state, warning=self._warning, big_digits=big, links=tuple(self._links.values())),
                         width=inner, rows=room)
        texts = [Text(r.text, style=r.style, no_wrap=not r.wraps, overflow="fold" if r.wraps else "ellipsis") for r in rows]
        return Panel(Group(*texts), title=self._title, width=panel_width, title_align="left")
