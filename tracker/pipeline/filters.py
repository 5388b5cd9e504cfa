"""Filters designed once and applied with state (causal, chunk-invariant)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import signal


class StatefulBiquad:
    """A causal 2nd-order IIR over the rows of a ``(n, k)`` signal, carrying its state.

    For a single second-order section ``lfilter`` is as well conditioned as ``sosfilt``
    and has a fraction of its per-call cost, which matters when feeding small live blocks.
    """

    def __init__(self, sos: NDArray[np.float64]) -> None:
        if sos.shape[0] != 1:
            raise ValueError("StatefulBiquad takes exactly one second-order section")
        self._b = np.ascontiguousarray(sos[0, :3])
        self._a = np.ascontiguousarray(sos[0, 3:])
        self._zi_unit = signal.lfilter_zi(self._b, self._a)  # (2,)
        self._zi: NDArray[np.float64] | None = None

    def reset(self) -> None:
        self._zi = None

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        if x.shape[0] == 0:
            return x.copy()
        if self._zi is None:
            self._zi = self._zi_unit[:, None] * x[0][None, :]
        y, self._zi = signal.lfilter(self._b, self._a, x, axis=0, zi=self._zi)
        return np.asarray(y)


def lowpass_sos(cutoff_hz: float, *, sample_rate_hz: float, order: int = 2) -> NDArray[np.float64]:
    """Butterworth low-pass as second-order sections.

    The cutoff is clipped below Nyquist so low sample rates stay valid.
    """
    nyq = sample_rate_hz / 2.0
    cutoff = min(cutoff_hz, 0.45 * sample_rate_hz)
    if cutoff <= 0 or cutoff >= nyq:
        raise ValueError(f"cutoff {cutoff_hz} Hz invalid at {sample_rate_hz} Hz")
    return np.asarray(signal.butter(order, cutoff, btype="low", output="sos", fs=sample_rate_hz))


class FirstOrderIir:
    """y[n] = a*y[n-1] + x[n], over rows of a (n, k) signal, with carried state."""

    def __init__(self, a: float) -> None:
        self._b = np.array([1.0])
        self._a = np.array([1.0, -a])
        self._zi: NDArray[np.float64] | None = None

    def reset(self) -> None:
        self._zi = None

    def __call__(self, x: NDArray[np.float64], y_prev_init: NDArray[np.float64]) -> NDArray[np.float64]:
        if x.shape[0] == 0:
            return x.copy()
        if self._zi is None:
            # state so that y[-1] == y_prev_init
            self._zi = (-self._a[1] * y_prev_init)[None, :]
        y, self._zi = signal.lfilter(self._b, self._a, x, axis=0, zi=self._zi)
        return np.asarray(y)
