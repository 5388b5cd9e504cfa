"""The terminal's live view of a session (an adapter over rich).

On a terminal: a panel redrawn a few times a second with the rep count in large digits,
the set, the last rep's range and tempo, the cues of its flags and the rest time between
sets. Elsewhere (a pipe, a log): one plain line per rep, set and gap.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tracker.pipeline.live_state import LiveState
from tracker.pipeline.types import Event, GapDetected, RepCompleted, SetCompleted

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


def big_number(n: int) -> str:
    """``n`` in 5-line block digits."""
    rows = ["  ".join(_DIGITS[d][k] for d in str(n)) for k in range(5)]
    return "\n".join(rows)


def rep_line(state: LiveState) -> str:
    r = state.last_rep
    if r is None:
        return ""
    return f"rep {r.index} (set {r.set_index}): {r.rom_deg:.0f}°, up {r.lift_s:.1f} s, hold {r.hold_s:.1f} s, down {r.lower_s:.1f} s"


def event_lines(events: list[Event], state: LiveState) -> list[str]:
    """Plain-text lines for what just happened."""
    out = []
    for e in events:
        if isinstance(e, RepCompleted):
            r = e.rep
            line = (f"[{r.end_s:7.1f} s] rep {r.index} (set {r.set_index}): {r.rom_deg:.0f}°, "
                    f"up {r.lift_s:.1f} s, hold {r.hold_s:.1f} s, down {r.lower_s:.1f} s")
            if r.flags:
                line += " — " + "; ".join(f.cue for f in r.flags)
            out.append(line)
        elif isinstance(e, SetCompleted):
            out.append(f"[{e.end_s:7.1f} s] set {e.set_index} done: {e.rep_count} reps — rest now")
        elif isinstance(e, GapDetected):
            out.append(f"[{e.end_s:7.1f} s] no data for {e.end_s - e.start_s:.1f} s (sensor drop-out)")
    return out


class PlainView:
    """One line per event (for pipes, logs and tests); warnings on stderr, as every command's."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._err = err or sys.stderr

    def __enter__(self) -> PlainView:
        return self

    def __exit__(self, *exc: object) -> None:
        self._out.flush()

    def update(self, state: LiveState, events: list[Event]) -> None:
        for line in event_lines(events, state):
            print(line, file=self._out, flush=True)

    def warn(self, message: str) -> None:
        print(f"warning: {message}", file=self._err, flush=True)


class RichView:
    """A live panel on a terminal."""

    def __init__(self, title: str) -> None:
        from rich.console import Console
        from rich.live import Live

        self._title = title
        self._warning: str | None = None
        self._state = LiveState()
        self._console = Console()
        self._live = Live(self._render(LiveState()), console=self._console, refresh_per_second=8, transient=False)

    def __enter__(self) -> RichView:
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.__exit__(None, None, None)

    def update(self, state: LiveState, events: list[Event]) -> None:
        self._state = state
        self._live.update(self._render(state))

    def warn(self, message: str) -> None:
        self._warning = message
        self._live.update(self._render(self._state))

    def _render(self, state: LiveState):  # type: ignore[no-untyped-def]
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        count = Text(big_number(state.rep_count), style="bold green")
        lines = [count, Text("")]
        where = f"set {state.set_number}" if state.set_number else "waiting for the first rep"
        if state.in_set:
            where += f" · {state.reps_in_set} reps in this set"
        lines.append(Text(where, style="bold"))
        if state.last_rep is not None:
            lines.append(Text(rep_line(state)))
        for f in state.last_flags:
            lines.append(Text(f"⚠ {f.cue}", style="bold yellow" if f.severity.value != "severe" else "bold red"))
        if state.last_rep is not None and not state.last_flags:
            lines.append(Text("✓ good rep", style="green"))
        if self._warning:
            lines.append(Text(f"⚠ {self._warning}", style="bold red"))
        rest = state.rest_s
        if rest is not None:
            m, s = divmod(int(rest), 60)
            lines.append(Text(f"rest {m}:{s:02d}", style="cyan"))
        if state.gaps:
            lines.append(Text(f"{state.gaps} sensor drop-out(s), {state.gap_s:.1f} s without data", style="dim"))
        lines.append(Text(f"{state.t_s:.0f} s recorded · {state.sample_count} samples", style="dim"))
        return Panel(Group(*lines), title=self._title, expand=False)
