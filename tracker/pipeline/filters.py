"""Causal IIR filters with carried state, in numpy only, exactly chunk-invariant.

Why not ``scipy.signal.lfilter``: importing ``scipy.signal`` costs ~0.7 s (it pulls in
``scipy.stats``), most of a one-hour ``reptrack analyze``. The two filters the pipeline
needs are a 2nd-order Butterworth low-pass and a first-order recursion, and both reduce
to first-order recursions ``w[n] = p*w[n-1] + c*x[n]`` with a real or complex pole ``p``
(a biquad is a constant plus a complex pole pair, by partial fractions).

:class:`PoleScan` evaluates such a recursion blockwise without a Python loop per sample.
Time is cut into fixed blocks of ``B`` samples counted from the first sample (not from
the chunk). Inside a block, with ``s`` its first sample,
``w[s+m] = p**(m+1) * w[s-1] + p**m * sum_{j<=m} c * p**-j * x[s+j]``: a cumulative sum;
the block's last output is the state the next block starts from.
Blocks are long (``|p|**B`` about 1e-30, at most 4096 samples) so the per-block Python work
is rare; the rounding of the sum stays relative to the output, as in the sequential
recursion (the error is about ``eps * |x| / (1 - |p|)`` whatever ``B``), and ``|p|**-B``
stays far from overflow. Every output is computed by the same sequence
of correctly rounded elementwise operations and one sequential ``cumsum`` whatever the
chunking (a block split across two calls carries its partial sum), so feeding the
samples in any chunks gives bit-identical results — the property the pipeline's
chunking-invariance rests on. Complex arithmetic is spelled out on real arrays so that
no fused multiply-add path can depend on an element's position.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def butterworth2_lowpass(cutoff_hz: float, *, sample_rate_hz: float) -> tuple[tuple[float, float, float], tuple[float, float]]:
    """2nd-order Butterworth low-pass by the bilinear transform (with pre-warping).

    Returns ``(b0, b1, b2), (a1, a2)`` of ``H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)``
    — the same filter as ``scipy.signal.butter(2, cutoff_hz, fs=sample_rate_hz)``. The
    cutoff is clipped to 0.45 of the sample rate so low sample rates stay valid.
    """
    cutoff = min(cutoff_hz, 0.45 * sample_rate_hz)
    if not (cutoff > 0 and sample_rate_hz > 0):
        raise ValueError(f"cutoff {cutoff_hz} Hz invalid at {sample_rate_hz} Hz")
    k = math.tan(math.pi * cutoff / sample_rate_hz)
    norm = 1.0 / (1.0 + math.sqrt(2.0) * k + k * k)
    b0 = k * k * norm
    a1 = 2.0 * (k * k - 1.0) * norm
    a2 = (1.0 - math.sqrt(2.0) * k + k * k) * norm
    return (b0, 2.0 * b0, b0), (a1, a2)


class PoleScan:
    """``w[n] = p*w[n-1] + c*x[n]`` over the columns of a real ``(n, k)`` signal, with state.

    Call :meth:`start` with ``w[-1]`` (real and imaginary parts, shape ``(k,)``) before the
    first block, then :meth:`__call__` with consecutive blocks; it returns the real and
    imaginary parts of ``w`` (the imaginary part is ``None`` for a real pole and gain).
    """

    def __init__(self, pole: complex, gain: complex = 1.0, *, decay: float = 1e-30) -> None:
        pole, gain = complex(pole), complex(gain)
        rho = abs(pole)
        if not 0.0 < rho < 1.0:
            raise ValueError(f"pole {pole} is not inside the unit circle")
        self.pole, self.gain = pole, gain
        self.block = int(min(4096, max(4, math.ceil(math.log(decay) / math.log(rho)))))
        m = np.arange(self.block)
        p_m = np.power(pole, m)  # p**m
        p_m1 = p_m * pole  # p**(m+1)
        q = gain * np.power(1.0 / pole, m)  # c * p**-m
        self.is_complex = pole.imag != 0.0 or gain.imag != 0.0
        # as columns (``(B, 1)``), to scale the ``(n, k)`` signal without re-shaping per call
        self._pm_r, self._pm_i = p_m.real[:, None].copy(), p_m.imag[:, None].copy()
        self._pm1_r, self._pm1_i = p_m1.real[:, None].copy(), p_m1.imag[:, None].copy()
        self._q_r, self._q_i = q.real[:, None].copy(), q.imag[:, None].copy()
        self._pos = 0  # position of the next sample in its block
        self._w_r: NDArray[np.float64] | None = None  # w just before the current block
        self._w_i: NDArray[np.float64] | None = None
        self._s_r: NDArray[np.float64] | None = None  # partial cumulative sum of the current block
        self._s_i: NDArray[np.float64] | None = None

    @property
    def started(self) -> bool:
        return self._w_r is not None

    def reset(self) -> None:
        self._pos = 0
        self._w_r = self._w_i = self._s_r = self._s_i = None

    def start(self, w_r: NDArray[np.float64], w_i: NDArray[np.float64] | None = None) -> None:
        self._pos = 0
        self._w_r = np.array(w_r, dtype=np.float64)
        self._w_i = np.zeros_like(self._w_r) if w_i is None else np.array(w_i, dtype=np.float64)
        self._s_r = self._s_i = None

    def __call__(self, x: NDArray[np.float64], *, imag: bool = True) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """``w`` over the block ``x``; with ``imag=False`` only its real part (the imaginary
        part is then computed only where the state needs it: the last sample of each block)."""
        if self._w_r is None or self._w_i is None:
            raise RuntimeError("PoleScan.start() must be called before the first block")
        n, k = x.shape
        cplx = self.is_complex
        b, pos = self.block, self._pos
        # a chunk inside one block (the usual case when fed live) is computed straight into
        # its own arrays; one that crosses a block boundary is assembled run by run
        want_i = cplx and imag
        whole = n <= b - pos
        out_r: NDArray[np.float64] | None = None if whole else np.empty((n, k))
        out_i: NDArray[np.float64] | None = np.empty((n, k)) if want_i and not whole else None
        w_r, w_i, s_r, s_i = self._w_r, self._w_i, self._s_r, self._s_i
        i = 0
        while i < n:
            # one run of samples inside one block: positions pos..pos+seg-1
            seg = min(n - i, b - pos)
            xs = x[i : i + seg]
            lo, hi = pos, pos + seg
            t_r = xs * self._q_r[lo:hi]
            if s_r is not None:
                t_r[0] = s_r + t_r[0]  # the same addition the cumulative sum makes unsplit
            # the cumulative sum, in place (what ``cumsum`` runs, without its wrapper's per-call cost)
            c_r = np.add.accumulate(t_r, axis=0, out=t_r)
            pm_r, pm1_r = self._pm_r[lo:hi], self._pm1_r[lo:hi]
            if not cplx:
                run_r = pm1_r * w_r + pm_r * c_r
                w_i_next = w_i
            else:
                t_i = xs * self._q_i[lo:hi]
                if s_i is not None:
                    t_i[0] = s_i + t_i[0]
                c_i = np.add.accumulate(t_i, axis=0, out=t_i)
                pm_i, pm1_i = self._pm_i[lo:hi], self._pm1_i[lo:hi]
                run_r = (pm1_r * w_r - pm1_i * w_i) + (pm_r * c_r - pm_i * c_i)
                if want_i:
                    run_i = (pm1_r * w_i + pm1_i * w_r) + (pm_r * c_i + pm_i * c_r)
                    if out_i is None:
                        out_i = run_i  # the whole chunk
                    else:
                        out_i[i : i + seg] = run_i
                    w_i_next = run_i[-1]
                elif hi == b:
                    # the same elementwise operations on the last row only: the same value
                    w_i_next = (pm1_r[-1] * w_i + pm1_i[-1] * w_r) + (pm_r[-1] * c_i[-1] + pm_i[-1] * c_r[-1])
            if out_r is None:
                out_r = run_r  # the whole chunk
            else:
                out_r[i : i + seg] = run_r
            i += seg
            if hi == b:
                # block complete: its last output is the state before the next one
                w_r = run_r[-1].copy()
                w_i = w_i_next.copy()
                s_r = s_i = None
                pos = 0
            else:
                s_r = c_r[-1].copy()
                s_i = c_i[-1].copy() if cplx else None
                pos = hi
        self._pos, self._w_r, self._w_i, self._s_r, self._s_i = pos, w_r, w_i, s_r, s_i
        if out_r is None:  # no samples
            return np.empty((0, k)), (np.empty((0, k)) if want_i else None)
        return out_r, out_i


class StatefulBiquad:
    """A causal 2nd-order IIR over the rows of a ``(n, k)`` signal, carrying its state.

    ``H(z) = k0 + r / (1 - p z^-1) + conj(r) / (1 - conj(p) z^-1)``, so
    ``y = k0*x + 2*Re(w)`` with ``w[n] = p*w[n-1] + r*x[n]`` (a :class:`PoleScan`). It starts
    in the steady state of the first sample (no start-up transient).
    """

    def __init__(self, b: tuple[float, float, float], a: tuple[float, float]) -> None:
        b0, b1, b2 = b
        a1, a2 = a
        disc = complex(a1 * a1 - 4.0 * a2)
        pole = (-a1 + disc**0.5) / 2.0
        if abs(pole.imag) < 1e-12 or a2 == 0.0:
            raise ValueError("StatefulBiquad needs a complex-conjugate pole pair (an underdamped section)")
        self._k0 = b2 / a2
        residue = (b0 + b1 / pole + b2 / pole**2 - self._k0 * (1 + a1 / pole + a2 / pole**2)) / (1.0 - pole.conjugate() / pole)
        self._residue = residue
        self._scan = PoleScan(pole, residue)
        self._steady = residue / (1.0 - pole)  # w for a constant input of 1

    def reset(self) -> None:
        self._scan.reset()

    def __call__(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        if x.shape[0] == 0:
            return x.copy()
        if not self._scan.started:
            self._scan.start(self._steady.real * x[0], self._steady.imag * x[0])
        w_r, _ = self._scan(x, imag=False)  # the output is the real part
        return self._k0 * x + 2.0 * w_r


def lowpass(cutoff_hz: float, *, sample_rate_hz: float) -> StatefulBiquad:
    """A streaming 2nd-order Butterworth low-pass."""
    b, a = butterworth2_lowpass(cutoff_hz, sample_rate_hz=sample_rate_hz)
    return StatefulBiquad(b, a)


class FirstOrderIir:
    """y[n] = a*y[n-1] + x[n], over rows of a (n, k) signal, with carried state."""

    def __init__(self, a: float) -> None:
        self._scan = PoleScan(a)

    def reset(self) -> None:
        self._scan.reset()

    def __call__(self, x: NDArray[np.float64], y_prev_init: NDArray[np.float64]) -> NDArray[np.float64]:
        if x.shape[0] == 0:
            return x.copy()
        if not self._scan.started:
            self._scan.start(y_prev_init)  # so that y[-1] == y_prev_init
        y, _ = self._scan(x)
        return y
