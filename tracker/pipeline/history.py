"""The main stream's recent per-sample values, addressed by absolute sample index."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: the engine works through its input in sub-blocks of at most this many samples (the state
#: machine rescans from its position, so every step's work stays proportional to the block);
#: the history keeps room for one more
MAX_BLOCK = 4096


class History:
    """Recent per-sample values, addressable by absolute sample index.

    Preallocated and compacted in place, so appending a block costs O(block), not
    O(history): the per-block cost of live feeding stays flat.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.start = 0  # absolute index of row 0
        self._n = 0
        size = 2 * capacity + MAX_BLOCK
        self._t = np.empty(size)
        self._up = np.empty((size, 3))
        self._speed = np.empty(size)
        self._still = np.empty(size, dtype=np.int64)
        self._shake = np.empty(size)
        self._gyro = np.empty((size, 3))  # zeros without a gyro
        self._turn = np.empty(size)  # zeros without a gyro

    @property
    def end(self) -> int:
        return self.start + self._n

    @property
    def t(self) -> NDArray[np.float64]:
        return self._t[: self._n]

    @property
    def up(self) -> NDArray[np.float64]:
        return self._up[: self._n]

    @property
    def speed(self) -> NDArray[np.float64]:
        return self._speed[: self._n]

    @property
    def still_run(self) -> NDArray[np.int64]:
        return self._still[: self._n]

    @property
    def shake(self) -> NDArray[np.float64]:
        return self._shake[: self._n]

    @property
    def gyro_dps(self) -> NDArray[np.float64]:
        """The gyro's rate, sensor frame, deg/s (zeros without a gyro)."""
        return self._gyro[: self._n]

    def turned_deg(self, a: int, b: int, min_dps: float = 0.0) -> NDArray[np.float64]:
        """How far the segment turned about its up vector from sample ``a`` to each of ``a..b-1``
        (a change of heading), deg, counting only samples turning faster than ``min_dps``; zeros
        without a gyro. The same numbers for every ``b``: the sum runs in order from ``a``."""
        rows = self.rows(a, b)
        t = self._t[rows]
        rate = self._turn[rows][1:]
        step = np.empty(t.size)
        step[0] = 0.0
        step[1:] = np.where(np.abs(rate) > min_dps, rate, 0.0) * np.diff(t)
        return np.cumsum(step)

    def append(self, t: NDArray[np.float64], up: NDArray[np.float64], speed: NDArray[np.float64], still_run: NDArray[np.int64],
               shake: NDArray[np.float64], gyro_dps: NDArray[np.float64] | None = None,
               turn_dps: NDArray[np.float64] | None = None) -> None:
        k = t.shape[0]
        if self._n + k > self._t.shape[0]:
            self._grow(self._n + k)
        a, b = self._n, self._n + k
        self._t[a:b] = t
        self._up[a:b] = up
        self._speed[a:b] = speed
        self._still[a:b] = still_run
        self._shake[a:b] = shake
        if gyro_dps is None:
            self._gyro[a:b] = 0.0
        else:
            self._gyro[a:b] = gyro_dps
        self._turn[a:b] = 0.0 if turn_dps is None else turn_dps
        self._n = b

    def _grow(self, need: int) -> None:
        size = max(need, 2 * self._t.shape[0])
        for name in ("_t", "_up", "_speed", "_still", "_shake", "_gyro", "_turn"):
            old = getattr(self, name)
            new = np.empty((size,) + old.shape[1:], dtype=old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)

    def trim(self, keep_from: int) -> None:
        """Drop rows before ``keep_from`` once the history is over twice its capacity."""
        if self._n <= 2 * self.capacity:
            return
        cut = min(keep_from, self.end - self.capacity) - self.start
        if cut <= 0:
            return
        m = self._n - cut
        for arr in (self._t, self._up, self._speed, self._still, self._shake, self._gyro, self._turn):
            arr[:m] = arr[cut: self._n]
        self._n = m
        self.start += cut

    def rows(self, a: int, b: int) -> slice:
        return slice(a - self.start, b - self.start)

    def calm_run(self, a: int, b: int, limit_dps: float) -> NDArray[np.int64]:
        """At each sample of ``a..b-1``: for how many samples, counted from ``a`` at the earliest,
        the angular speed has been under ``limit_dps``."""
        return run_lengths(self.speed[self.rows(a, b)] < limit_dps)


def run_lengths(flag: NDArray[np.bool_], carry: int = 0) -> NDArray[np.int64]:
    """At each sample: for how many samples ``flag`` has held, up to and including it (``carry``:
    for how many it held before the first)."""
    idx = np.arange(flag.size)
    last_not = np.maximum.accumulate(np.where(flag, -1, idx))
    return np.where(last_not >= 0, idx - last_not, idx + 1 + carry).astype(np.int64, copy=False)
