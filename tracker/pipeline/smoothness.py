"""Movement smoothness: SPARC and velocity-peak counting.

References
----------
Balasubramanian, S., Melendez-Calderon, A., Roby-Brami, A., Burdet, E. (2015).
On the analysis of movement smoothness. Journal of NeuroEngineering and
Rehabilitation 12:112. doi:10.1186/s12984-015-0090-9
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks


def sparc(
    speed: NDArray[np.float64],
    *,
    sample_rate_hz: float,
    max_cutoff_hz: float = 10.0,
    amplitude_threshold: float = 0.05,
    pad_level: int = 4,
) -> float:
    """Spectral arc length of a speed profile (Balasubramanian et al. 2015).

    Parameters
    ----------
    speed:
        Speed profile of one movement (any unit: the spectrum is normalised), shape ``(n,)``.
    sample_rate_hz:
        Sample rate of ``speed``.
    max_cutoff_hz:
        Upper bound of the adaptive cut-off frequency (the paper's ``fc``, 10 Hz).
    amplitude_threshold:
        Adaptive cut-off: the spectrum is kept up to the last frequency whose
        normalised magnitude is at least this (the paper's ``Vbar``, 0.05).
    pad_level:
        Zero padding to ``2**(ceil(log2(n)) + pad_level)`` points.

    Returns
    -------
    float
        The SPARC value: negative; closer to 0 is smoother. A single minimum-jerk
        movement gives about -1.4. ``nan`` for fewer than 4 samples or a zero profile.
    """
    v = np.asarray(speed, dtype=np.float64)
    if v.size < 4 or not np.any(v):
        return float("nan")
    nfft = int(2 ** (np.ceil(np.log2(v.size)) + pad_level))
    freq = np.arange(nfft // 2 + 1) * (sample_rate_hz / nfft)
    mag = np.abs(np.fft.rfft(v, nfft))
    mag = mag / mag.max()
    inside = freq <= max_cutoff_hz
    freq_sel = freq[inside]
    mag_sel = mag[inside]
    above = np.nonzero(mag_sel >= amplitude_threshold)[0]
    last = int(above[-1]) if above.size else 1
    freq_sel = freq_sel[: last + 1]
    mag_sel = mag_sel[: last + 1]
    if freq_sel.size < 2:
        return float("nan")
    df = np.diff(freq_sel) / (freq_sel[-1] - freq_sel[0])
    dm = np.diff(mag_sel)
    return float(-np.sum(np.sqrt(df * df + dm * dm)))


def count_velocity_peaks(speed: NDArray[np.float64], *, min_prominence_frac: float = 0.2) -> int:
    """Number of speed peaks whose prominence is at least ``min_prominence_frac`` of the maximum.

    One smooth sub-movement gives 1; jerky corrections give more.
    """
    v = np.asarray(speed, dtype=np.float64)
    if v.size < 3:
        return int(v.size > 0 and v.max() > 0)
    top = float(v.max())
    if top <= 0:
        return 0
    padded = np.concatenate([[0.0], v, [0.0]])
    peaks, _ = find_peaks(padded, prominence=min_prominence_frac * top, height=min_prominence_frac * top)
    return int(peaks.size)
