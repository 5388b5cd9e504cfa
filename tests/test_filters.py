"""The numpy-only filters and peak prominences against their SciPy definitions.

The pipeline avoids importing ``scipy.signal`` (it costs more than analysing an hour of
data); these tests hold the replacements to the reference implementations, and to exact
chunking invariance, which the pipeline's own invariance rests on.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from tracker.pipeline.filters import FirstOrderIir, PoleScan, butterworth2_lowpass, lowpass
from tracker.pipeline.smoothness import peak_prominences, prominent_peak_count, tremor_dps


@pytest.mark.parametrize("rate_hz", [25.0, 50.0, 100.0, 200.0, 400.0])
@pytest.mark.parametrize("cutoff_hz", [0.5, 3.0, 12.0])
def test_butterworth_design_matches_scipy(rate_hz: float, cutoff_hz: float) -> None:
    b, a = butterworth2_lowpass(cutoff_hz, sample_rate_hz=rate_hz)
    ref_b, ref_a = signal.butter(2, min(cutoff_hz, 0.45 * rate_hz), fs=rate_hz)
    np.testing.assert_allclose(b, ref_b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a, ref_a[1:], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("rate_hz", [25.0, 100.0, 200.0])
def test_lowpass_matches_lfilter_from_steady_state(rate_hz: float) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3000, 3)) + np.array([0.1, -0.5, 1.0])
    b, a = signal.butter(2, 3.0, fs=rate_hz)
    ref, _ = signal.lfilter(b, a, x, axis=0, zi=signal.lfilter_zi(b, a)[:, None] * x[0][None, :])
    y = lowpass(3.0, sample_rate_hz=rate_hz)(x)
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-12)


def test_lowpass_of_a_constant_is_that_constant() -> None:
    x = np.tile([0.2, -0.3, 0.93], (500, 1))
    np.testing.assert_allclose(lowpass(3.0, sample_rate_hz=50.0)(x), x, atol=1e-14)


@pytest.mark.parametrize("alpha", [0.5, 0.9615, 0.995])
def test_first_order_matches_lfilter(alpha: float) -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4000, 2))
    y0 = np.array([1.0, -2.0])
    ref, _ = signal.lfilter([1.0], [1.0, -alpha], x, axis=0, zi=(alpha * y0)[None, :])
    y = FirstOrderIir(alpha)(x, y0)
    np.testing.assert_allclose(y, ref, rtol=0, atol=1e-11 * np.abs(ref).max())


def test_pole_scan_rejects_unstable_pole() -> None:
    with pytest.raises(ValueError):
        PoleScan(1.0)
    with pytest.raises(ValueError):
        PoleScan(0.9 + 0.6j)


@settings(max_examples=60, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=30),
    rate_hz=st.sampled_from([25.0, 52.0, 100.0, 200.0]),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_any_chunking_is_bit_identical(cuts: list[int], rate_hz: float, seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=(sum(cuts), 3))
    whole_lp = lowpass(3.0, sample_rate_hz=rate_hz)(x)
    whole_iir = FirstOrderIir(0.97)(x, x[0])
    lp, iir = lowpass(3.0, sample_rate_hz=rate_hz), FirstOrderIir(0.97)
    parts_lp, parts_iir, at = [], [], 0
    for c in cuts:
        parts_lp.append(lp(x[at : at + c]))
        parts_iir.append(iir(x[at : at + c], x[0]))
        at += c
    assert np.array_equal(np.concatenate(parts_lp), whole_lp)
    assert np.array_equal(np.concatenate(parts_iir), whole_iir)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=5), min_size=0, max_size=60))
def test_prominences_match_scipy(values: list[int]) -> None:
    # small integers: many plateaus and ties, the cases that are easy to get wrong
    x = np.concatenate([[0.0], np.asarray(values, dtype=float), [0.0]])
    peaks, props = signal.find_peaks(x, prominence=0)
    mine = peak_prominences(x)
    assert mine.size == peaks.size
    np.testing.assert_allclose(mine, props["prominences"])
    for level in (0.5, 1.0, 3.0):
        assert prominent_peak_count(x, level) == signal.find_peaks(x, prominence=level)[0].size


@pytest.mark.parametrize("window", [4, 5])
def test_tremor_is_the_rms_about_a_centred_moving_average(window: int) -> None:
    rng = np.random.default_rng(window)
    g = rng.normal(size=(60, 3)) * 10.0
    # brute force: each full window's mean against the sample (or, even, the two samples) at its centre
    resid = []
    for i in range(60 - window + 1):
        w = g[i: i + window]
        centre = w[(window - 1) // 2] if window % 2 else 0.5 * (w[window // 2 - 1] + w[window // 2])
        resid.append(centre - w.mean(axis=0))
    want = float(np.sqrt(np.mean(np.sum(np.square(resid), axis=1))))
    assert tremor_dps(g, sample_rate_hz=100.0, window_s=window / 100.0) == pytest.approx(want, rel=1e-12)
    # a steady turn, or one speeding up evenly, has none; a phase shorter than two windows has none
    ramp = np.outer(np.arange(60.0), [1.0, -2.0, 0.5]) + 7.0
    assert tremor_dps(ramp, sample_rate_hz=100.0, window_s=window / 100.0) == pytest.approx(0.0, abs=1e-9)
    assert tremor_dps(g[: 2 * window - 1], sample_rate_hz=100.0, window_s=window / 100.0) == 0.0


def test_analysis_path_does_not_import_scipy_signal() -> None:
    import subprocess
    import sys

    code = "import sys, tracker.cli, tracker.files.csv_recording, tracker.pipeline, tracker.pipeline.result_json; print('scipy.signal' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
