"""The allowed range of a number a person or a device gives, declared once (pure).

A :class:`Limit` is data: the field it concerns (as the application layer names it), its
range, and how to say what it is. The application layer checks a request's values with
:meth:`Limit.check` (an :class:`~tracker.errors.InvalidValueError` naming the field); a front
door uses the same value to refuse its own input early with the same words (the command
line shows ``rate_hz`` as ``--rate-hz``). Each limit is declared next to what it limits, with
the reason for its bounds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tracker.errors import InvalidValueError


@dataclass(frozen=True)
class Limit:
    """``low <= value <= high`` (``low < value`` when ``low_exclusive``), finite; whole numbers when ``integer``.

    Attributes
    ----------
    field:
        The application layer's name of the value (``rate_hz``, ``hold_s``).
    low, high:
        The bounds, in ``unit``.
    what:
        What the value is, in words ("a sample rate").
    unit:
        Its unit as printed ("Hz", "s"), or "" for a plain number.
    """

    field: str
    low: float
    high: float
    what: str
    unit: str = ""
    low_exclusive: bool = False
    integer: bool = False

    def contains(self, value: float) -> bool:
        """Whether ``value`` is allowed (NaN and infinities never are)."""
        if isinstance(value, float) and not math.isfinite(value):
            return False
        if self.integer and value != int(value):
            return False
        above = value > self.low if self.low_exclusive else value >= self.low
        return above and value <= self.high

    def describe(self) -> str:
        """What is allowed, in words: ``a sample rate, 1-2000 Hz``."""
        unit = f" {self.unit}" if self.unit else ""
        whole = "a whole number, " if self.integer else ""
        low, high = (f"{int(x)}" if self.integer else f"{x:g}" for x in (self.low, self.high))
        if self.low_exclusive:
            return f"{self.what}, {whole}more than {low} and at most {high}{unit}"
        return f"{self.what}, {whole}{low}-{high}{unit}"

    def refusal(self, given: object) -> str:
        """The message for a value outside the limit (``given`` as the person typed it)."""
        shown = repr(given) if isinstance(given, str) else str(given) if isinstance(given, int) else f"{given:g}"
        return f"is {self.describe()}, not {shown}"

    def check(self, value: float) -> float:
        """``value`` if it is allowed.

        Raises
        ------
        InvalidValueError
            Naming :attr:`field`, saying what is allowed.
        """
        if not self.contains(value):
            raise InvalidValueError(self.field, self.refusal(value))
        return value
