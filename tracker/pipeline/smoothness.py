"""Movement smoothness: SPARC, velocity-peak counting and tremor.

References
----------
Balasubramanian, S., Melendez-Calderon, A., Roby-Brami, A., Burdet, E. (2015).
On the analysis of movement smoothness. Journal of NeuroEngineering and
Rehabilitation 12:112. doi:10.1186/s12984-015-0090-9
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


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


def count_velocity_peaks(
    speed: NDArray[np.float64],
    *,
    sample_rate_hz: float,
    min_prominence_frac: float = 0.2,
    noise_dps: float = 0.0,
    smooth_s: float = 0.04,
) -> int:
    """Number of distinct speed peaks in one movement phase.

    The profile is first smoothed over ``smooth_s`` (sensor noise, not tremor, which is
    slower); a peak counts when its prominence is at least ``min_prominence_frac`` of the
    phase's maximum and at least ``noise_dps``. One smooth sub-movement gives 1;
    corrections and tremor give more.
    """
    v = np.asarray(speed, dtype=np.float64)
    if v.size == 0:
        return 0
    k = max(1, int(round(smooth_s * sample_rate_hz)))
    if k > 1 and v.size > k:
        v = np.convolve(v, np.ones(k) / k, mode="same")
    top = float(v.max())
    if top <= 0:
        return 0
    padded = np.concatenate([[0.0], v, [0.0]])
    prominence = max(min_prominence_frac * top, noise_dps)
    return int(max(prominent_peak_count(padded, prominence), 1 if top > noise_dps else 0))


def tremor_dps(gyro_dps: NDArray[np.float64], *, sample_rate_hz: float, window_s: float) -> float:
    """RMS of a phase's angular velocity about its own moving average over ``window_s``
    (deg/s): the oscillation too quick to be a sub-movement (tremor, shaking). Taken on the
    vector: the speed (its length) folds an oscillation about rest into twice its frequency and
    a third of its size. The ends, where the average is cut short, are left out; a phase
    shorter than two windows has none (0.0)."""
    w = np.asarray(gyro_dps, dtype=np.float64).reshape(len(gyro_dps), -1)
    k = max(2, int(round(window_s * sample_rate_hz)))
    if w.shape[0] < 2 * k:
        return 0.0
    c = np.concatenate([np.zeros((1, w.shape[1])), np.cumsum(w, axis=0)])
    mean = (c[k:] - c[:-k]) / k  # mean of w[i:i + k], centred at i + (k - 1) / 2
    m = mean.shape[0]
    centre = w[(k - 1) // 2: (k - 1) // 2 + m]
    if k % 2 == 0:  # an even window's centre falls between two samples
        centre = 0.5 * (centre + w[k // 2: k // 2 + m])
    resid = centre - mean
    return float(np.sqrt(np.mean(np.sum(resid * resid, axis=1))))


def peak_prominences(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Prominence of every local maximum of ``x`` (flat tops count once), in index order.

    The topographic prominence, as ``scipy.signal.peak_prominences`` defines it: the peak's
    height above the higher of the two lowest points between it and the nearest higher
    sample on either side (or the signal's end). Kept here, in numpy, because importing
    ``scipy.signal`` costs more than a whole analysis of a short recording.
    """
    v = np.asarray(x, dtype=np.float64)
    if v.size < 3:
        return np.zeros(0)
    # collapse runs of equal values so a flat top is one sample with lower neighbours
    keep = np.concatenate([[True], v[1:] != v[:-1]])
    u = v[keep]
    if u.size < 3:
        return np.zeros(0)
    peaks = np.nonzero((u[1:-1] > u[:-2]) & (u[1:-1] > u[2:]))[0] + 1
    if peaks.size == 0:
        return np.zeros(0)
    # one row per peak: the nearest higher sample on each side bounds its base
    h = u[peaks][:, None]
    pos = np.arange(u.size)[None, :]
    higher = u[None, :] > h
    left_edge = np.where(higher & (pos < peaks[:, None]), pos, -1).max(axis=1)  # -1: none
    right_edge = np.where(higher & (pos > peaks[:, None]), pos, u.size).min(axis=1)  # n: none
    left_min = np.where((pos > left_edge[:, None]) & (pos < peaks[:, None]), u[None, :], np.inf).min(axis=1)
    right_min = np.where((pos > peaks[:, None]) & (pos < right_edge[:, None]), u[None, :], np.inf).min(axis=1)
    return u[peaks] - np.maximum(left_min, right_min)


def prominent_peak_count(x: NDArray[np.float64], prominence: float) -> int:
    """Number of local maxima of ``x`` with a prominence of at least ``prominence``."""
    return int(np.count_nonzero(peak_prominences(x) >= prominence))
