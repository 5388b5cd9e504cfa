"""Reps as cycles of a burst's rhythm, for a sensor without a gyro (pure).

Without a gyro the segment's tilt is read from gravity alone, and in a fast rep (0.5-1 s, no
pause) the leg's own acceleration swamps it. For a point at ``r`` from a hinge turning by
``theta`` at angular frequency ``w``, the tangential acceleration ``r * theta''`` lies along the
same sensor axis as gravity's change ``g * theta``, in the ratio ``r w^2 / g``: about 1 for a thigh
sensor (0.2 m) at 1.1 Hz, 3 for a shank sensor (0.6 m) at 1.1 Hz. The tilt so read is scaled,
inverted or cancelled, and splits into pieces no rep detector can time: a set of 8-12 fast reps
lying down counted 0 in 66 of 70 such sets of the real-behaviour corpus (seed 2026).

The *rhythm* survives: the specific force repeats once per rep, whatever the ratio. So a burst
of movement between two rests is read here as a whole:

1. its edges, where the specific force leaves and comes back within ``edge_g`` of the rests
   around it (a fast set's first rep starts from rest, its last ends there);
2. its fundamental, the rep rate: the frequency whose first ``harmonics`` multiples hold the
   most power (subharmonic summation, Hermes 1988) -- a rep's acceleration has several lobes
   (up, brake, down, brake), so the strongest single line is often a harmonic;
3. its cycles, from the phase of the band around the fundamental along the burst's main axis
   (the analytic signal): the phase advances by a turn per rep, however the tempo drifts.

A rep's range is then estimated from the mean specific force over its cycle: the tangential
acceleration averages out over a cycle that starts and ends at rest, and the mean gravity
direction is turned by the mean tilt, half the range for a rep shaped like a raised cosine.
The centripetal acceleration (along the segment) does not average out: lying down, with the
segment across gravity, it turns the mean towards the joint and the estimate reads low at a
fast tempo. It is an estimate, and the rules that judge range are told so (:mod:`flags`).

The decision *whether* a burst is a set of reps (the posture around it) is not made here:
:mod:`tracker.pipeline.runs` makes it.

Reference
---------
Hermes, D. J. (1988). Measurement of pitch by subharmonic summation. J. Acoust. Soc. Am.
83(1):257-264.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.pipeline.orientation import DEG


@dataclass(frozen=True)
class RhythmConfig:
    """How a burst's rhythm is read (see the module's description)."""

    edge_g: float = 0.06  # a burst starts and ends where the specific force (smoothed over ``edge_smooth_s``) is this far from the rest's: 6 x a commodity accelerometer's noise (0.01 g), under the first 0.1 s of a lift from rest
    edge_smooth_s: float = 0.1  # smoothing of the specific force for its edges (a heel strike's spike, 0.02-0.05 s, is not a rep's start)
    min_cycle_s: float = 0.45  # the quickest rep a rhythm counts (the exercise table's quickest, ``min_rep_s``)
    max_cycle_s: float = 1.6  # the slowest: a rep that slow shows its own tilt, and a fast set's reps take 0.5-1 s
    harmonics: int = 3  # multiples of a candidate rep rate summed: up, brake, down and brake put a rep's power in its first three
    harmonic_decay: float = 0.5  # each multiple weighs ``k ** -harmonic_decay`` (Hermes 1988 weighs by a factor per multiple; the square root keeps the first three near each other)
    min_fundamental_share: float = 0.1  # a rep rate holds at least this share of the strongest rate's own power (the fundamental of a thigh near the tempo where its own acceleration cancels gravity's change is weak, not gone: 0.1 keeps it, and keeps 0.5-1 s reps back to back from reading as half as many)
    rate_step_hz: float = 0.01  # the rep rates tried: 0.1 % of a 10-rep count at 1 Hz
    band: tuple[float, float] = (0.7, 1.4)  # the band kept around the rep rate for the phase: below its second multiple, above half of it
    turn_smooth_cycles: float = 0.4  # the main axis's acceleration is smoothed over this share of a cycle before its peaks are looked for: the lowering's braking and the next lift's push, either side of the turn, merge into one peak there (0.1-0.3 found one or the other, 0.1-0.2 s off; a heel strike's 0.02-0.05 s spike is at the same turn)
    lead_cycles: float = 0.25  # the way the first lift accelerates: the larger swing of the burst's first quarter cycle
    turn_search_cycles: float = 0.35  # a boundary moves at most this share of a cycle from where the phase put it
    min_band_share: float = 0.2  # the rep rate and its multiples hold at least this share of the burst's power (a fast set 0.5-0.9 on the real-behaviour corpora; shifting on the mat or a bend is not periodic)


@dataclass(frozen=True)
class Rhythm:
    """A burst read as cycles: indices into the samples given, ``first..last`` inclusive."""

    first: int  # where the movement leaves the rest
    last: int  # where it is back
    rate_hz: float  # the rep rate (fundamental)
    band_share: float  # share of the burst's power at the rate and its multiples
    bounds: tuple[int, ...]  # cycle boundaries, ``first`` ... ``last`` (one more than the cycles)

    @property
    def cycles(self) -> int:
        return len(self.bounds) - 1


def _moving_average(x: NDArray[np.float64], width: int) -> NDArray[np.float64]:
    """Centred moving average over ``width`` samples along the first axis, the ends repeated
    (numpy only: the analysis path does not import scipy.signal or ndimage, a tenth of a second
    of start-up)."""
    if width <= 1:
        return x.astype(float, copy=True)
    before, after = width // 2, width - 1 - width // 2
    padded = np.concatenate([np.repeat(x[:1], before, axis=0), x, np.repeat(x[-1:], after, axis=0)])
    c = np.cumsum(padded, axis=0)
    c = np.concatenate([np.zeros((1,) + x.shape[1:]), c])
    return (c[width:] - c[:-width]) / width


def _edges(accel_g: NDArray[np.float64], rest_before_g: NDArray[np.float64], rest_after_g: NDArray[np.float64],
           sample_rate_hz: float, config: RhythmConfig) -> tuple[int, int] | None:
    """First sample away from the rest before and last away from the rest after, or None."""
    width = max(1, int(round(config.edge_smooth_s * sample_rate_hz)))
    smooth = _moving_average(accel_g, width)
    away_before = np.flatnonzero(np.linalg.norm(smooth - rest_before_g, axis=1) > config.edge_g)
    away_after = np.flatnonzero(np.linalg.norm(smooth - rest_after_g, axis=1) > config.edge_g)
    if away_before.size == 0 or away_after.size == 0 or away_after[-1] <= away_before[0]:
        return None
    return int(away_before[0]), int(away_after[-1])


def _rep_rate(x: NDArray[np.float64], sample_rate_hz: float, config: RhythmConfig) -> tuple[float, float]:
    """The rep rate (Hz) by subharmonic summation over the power of all three axes, and the share
    of the power at it and its multiples."""
    n = x.shape[0]
    # zero-padded to a resolution under ``rate_step_hz`` (the rate is read to a fraction of a bin)
    n_fft = int(2 ** np.ceil(np.log2(max(n, sample_rate_hz / config.rate_step_hz * 2))))
    spectrum = np.fft.rfft(x * np.hanning(n)[:, None], n_fft, axis=0)
    power = (spectrum.real ** 2 + spectrum.imag ** 2).sum(axis=1)
    df = sample_rate_hz / n_fft
    # a line spreads over the Hann window's main lobe: 2 bins of the unpadded transform either side
    lobe = max(1, int(round(2.0 * n_fft / n)))
    rates = np.arange(1.0 / config.max_cycle_s, 1.0 / config.min_cycle_s + config.rate_step_hz / 2, config.rate_step_hz)
    score = np.zeros(rates.size)
    reach = np.arange(-lobe, lobe + 1)
    # a multiple's window stops half way to the next: wider, one line counts for two multiples
    within = np.abs(reach)[None, :] <= np.maximum(1.0, 0.5 * rates / df)[:, None]
    fundamental = np.zeros(rates.size)
    for k in range(1, config.harmonics + 1):
        # the largest power near each multiple (beyond the spectrum: none)
        idx = np.round(k * rates / df).astype(np.int64)[:, None] + reach[None, :]
        near = np.where((idx < power.size) & within, power[np.clip(idx, 0, power.size - 1)], 0.0).max(axis=1)
        score += near * k ** -config.harmonic_decay
        if k == 1:
            fundamental = near
    # ... and a rate with next to no power of its own is a subharmonic: in a short burst a line's
    # lobe is wide, and the multiples of half the rep rate both fell on it (a 5 s burst of 0.5 s
    # reps read as 5 cycles at 0.8 Hz, 4.5 against 3000 at 2 Hz: review helper-49)
    score[fundamental < config.min_fundamental_share * float(fundamental.max())] = -np.inf
    rate = float(rates[int(np.argmax(score))])
    at = np.zeros(power.size, dtype=bool)
    for k in range(1, config.harmonics + 1):
        i = int(round(k * rate / df))
        at[max(0, i - lobe): i + lobe + 1] = True
    total = float(power[int(round(0.5 * rate / df)):].sum())  # above half the rate: the rests' drift is no movement
    share = float(power[at].sum()) / total if total > 0 else 0.0
    return rate, share


#: the band's cosine roll-off either side, as a share of the rep rate (a flat band with steep
#: edges rings; a 2nd-order Butterworth band-pass run both ways falls 6 dB at its edges)
_BAND_EDGE = 0.2


def _band_phase(x: NDArray[np.float64], sample_rate_hz: float, rate_hz: float, band: tuple[float, float]) -> NDArray[np.float64]:
    """The unwrapped phase of ``x``'s band ``band`` times ``rate_hz``: its analytic signal made in
    the frequency domain (the positive frequencies of the band, doubled, flat with cosine edges
    against ringing; zero-padded to twice its length against wrap-around)."""
    n = x.size
    n_fft = int(2 ** np.ceil(np.log2(2 * n)))
    spectrum = np.fft.fft(x, n_fft)
    freq = np.fft.fftfreq(n_fft, 1.0 / sample_rate_hz)
    lo, hi = band[0] * rate_hz, min(band[1] * rate_hz, 0.45 * sample_rate_hz)
    edge = _BAND_EDGE * rate_hz
    taper = np.zeros(n_fft)
    flat = (freq >= lo) & (freq <= hi)
    taper[flat] = 1.0
    for a, b in ((lo - edge, lo), (hi + edge, hi)):  # cosine roll-off from 0 at ``a`` to 1 at ``b``
        ramp = (freq > min(a, b)) & (freq < max(a, b)) & (freq > 0)
        taper[ramp] = np.sin(0.5 * np.pi * (freq[ramp] - a) / (b - a)) ** 2
    analytic = np.fft.ifft(spectrum * 2.0 * taper)[:n]
    return np.unwrap(np.angle(analytic))


def find_cycles(accel_g: NDArray[np.float64], *, sample_rate_hz: float, rest_before_g: NDArray[np.float64],
                rest_after_g: NDArray[np.float64], config: RhythmConfig = RhythmConfig()) -> Rhythm | None:
    """A burst of movement (``accel_g``, ``(n, 3)`` specific force in g, evenly sampled) between
    two rests (their mean specific force) read as cycles; None when it has no rhythm of reps: no
    edges, shorter than two of the slowest reps' worth of quick ones, or too little of its power
    at one rep rate and its multiples (``min_band_share``)."""
    edges = _edges(accel_g, np.asarray(rest_before_g, float), np.asarray(rest_after_g, float), sample_rate_hz, config)
    if edges is None:
        return None
    first, last = edges
    x = accel_g[first: last + 1]
    n = x.shape[0]
    if n < 2 * config.min_cycle_s * sample_rate_hz:
        return None
    x = x - x.mean(axis=0)
    rate, share = _rep_rate(x, sample_rate_hz, config)
    if share < config.min_band_share:
        return None
    # the main axis of the burst's acceleration: gravity's change and the tangential
    # acceleration both lie along the direction the segment turns
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    main = x @ vt[0]
    phase = _band_phase(main, sample_rate_hz, rate, config.band)
    turns = (phase[-1] - phase[0]) / (2.0 * np.pi)
    cycles = int(round(turns))
    if cycles < 1 or turns <= 0:
        return None
    # boundaries where the phase has gone a whole number of the cycles' share of the way (the
    # burst's edges are a rep's start and end, so its phase error is spread over its cycles) ...
    progress = (phase - phase[0]) / (phase[-1] - phase[0])
    inner = np.searchsorted(np.maximum.accumulate(progress), np.arange(1, cycles) / cycles)
    # ... then each moved to where the segment turns back up at the bottom: the main axis's
    # acceleration peaks there the way it first left the rest (the lift starts by accelerating
    # up; the top turns the other way). The phase alone put them 0.1-0.25 s off, the same way
    # through a set: the band-pass's start-up bends the phase at the burst's edges
    smooth = _moving_average(main, int(round(config.turn_smooth_cycles * sample_rate_hz / rate)))
    lead = smooth[: max(2, int(round(config.lead_cycles * sample_rate_hz / rate)))]
    up_sign = 1.0 if abs(float(lead.max())) >= abs(float(lead.min())) else -1.0
    reach = int(round(config.turn_search_cycles * sample_rate_hz / rate))
    turns_at = []
    for i in inner:
        lo_i, hi_i = max(1, int(i) - reach), min(n - 1, int(i) + reach + 1)
        turns_at.append(lo_i + int(np.argmax(up_sign * smooth[lo_i:hi_i])))
    refined = np.array([0, *turns_at, n - 1])
    if np.diff(refined).min() < 0.5 * config.min_cycle_s * sample_rate_hz:
        # a turn found twice, or two close together (an irregular burst): the phase's boundaries
        # (a cycle of no length came out as a rep of 3e7 deg/s: review helper-49)
        refined = np.array([0, *inner, n - 1])
        if np.diff(refined).min() < 0.5 * config.min_cycle_s * sample_rate_hz:
            return None  # no rhythm of reps: cycles that short are none
    bounds = tuple(first + int(i) for i in refined)
    return Rhythm(first=first, last=last, rate_hz=rate, band_share=share, bounds=bounds)


def cycle_range_deg(accel_g: NDArray[np.float64], rest_up: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """A cycle's range estimated from its mean specific force (``accel_g``, ``(n, 3)``), and the
    direction it turned (unit, perpendicular to ``rest_up``): twice the mean tilt from the rest
    (see the module's description: reads low at a fast tempo lying down)."""
    mean = accel_g.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    rest = np.asarray(rest_up, float) / float(np.linalg.norm(rest_up))
    if norm < 1e-9:
        return 0.0, np.zeros(3)
    mean = mean / norm
    across = mean - float(mean @ rest) * rest
    tilt = float(np.arctan2(float(np.linalg.norm(across)), float(mean @ rest))) * DEG
    size = float(np.linalg.norm(across))
    return 2.0 * tilt, (across / size if size > 1e-12 else np.zeros(3))
