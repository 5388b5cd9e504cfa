"""Time reconstruction for live streams: jitter, bursts, drift, gaps, duplicates (pure, host times passed in)."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.errors import PacketError, PacketFault
from tracker.sensors.timing import HOST_GAP_TOLERANCE_S, StreamClock


def feed(clock: StreamClock, arrivals: list[tuple[float, int]]) -> tuple[np.ndarray, list[tuple[float, float]]]:
    times, gaps = [], []
    for host_s, n in arrivals:
        p = clock.place(host_s, n)
        times.append(p.t_s)
        if p.gap is not None:
            gaps.append(p.gap)
    return np.concatenate(times), gaps


def test_steady_stream_keeps_the_nominal_spacing() -> None:
    t, gaps = feed(StreamClock(sample_rate_hz=100, origin_host_s=50.0), [(50.0 + k / 100, 1) for k in range(500)])
    assert gaps == [] and np.allclose(np.diff(t), 0.01) and t[0] == pytest.approx(0.0)


def test_jitter_does_not_move_the_samples() -> None:
    rng = np.random.default_rng(3)
    true = np.arange(3000) / 100  # 30 s at 100 Hz
    arrivals = [(float(x + rng.uniform(0.005, 0.06)), 1) for x in true]
    arrivals.sort()
    t, gaps = feed(StreamClock(sample_rate_hz=100, origin_host_s=0.0), arrivals)
    assert gaps == []
    assert np.all(np.diff(t) > 0)
    err = (t - t[0]) - true
    assert np.max(np.abs(err)) < 0.02  # 20 ms in 30 s, whatever the jitter


def test_bursts_are_spread_at_the_rate() -> None:
    # 5 samples arrive together every 50 ms (a micro:bit's burst), 20 s
    arrivals = [(0.05 * k + 0.04, 5) for k in range(400)]
    t, gaps = feed(StreamClock(sample_rate_hz=100, origin_host_s=0.0), arrivals)
    assert gaps == [] and len(t) == 2000 and np.allclose(np.diff(t), 0.01)


def test_drift_is_corrected_without_false_gaps() -> None:
    # the sensor's clock runs 2 % slow: 98 samples a second of host time, for 10 minutes
    rng = np.random.default_rng(5)
    n = 98 * 600
    true = np.arange(n) / 98.0
    arrivals = [(float(x + rng.uniform(0.0, 0.03)), 1) for x in true]
    clock = StreamClock(sample_rate_hz=100, origin_host_s=0.0)
    t, gaps = feed(clock, sorted(arrivals))
    assert gaps == []
    assert clock.rate_hz == pytest.approx(98.0, rel=2e-3)
    assert abs((t[-1] - t[0]) - (true[-1] - true[0])) < 0.1  # within 0.1 s after 10 min


def test_a_drop_out_is_a_gap_of_the_right_length() -> None:
    arrivals = [(k / 100, 1) for k in range(300)] + [(5.0 + k / 100, 1) for k in range(300)]  # 3 s..5 s lost
    clock = StreamClock(sample_rate_hz=100, origin_host_s=0.0)
    placed = [clock.place(h, n) for h, n in arrivals]
    gaps = [(p.gap, p.lost_samples) for p in placed if p.gap is not None]
    assert len(gaps) == 1
    (start, end), lost = gaps[0]
    assert start == pytest.approx(2.99) and end == pytest.approx(5.0, abs=1e-9) and lost == 200


def test_a_short_stall_within_tolerance_is_no_gap() -> None:
    stall = HOST_GAP_TOLERANCE_S * 0.6
    arrivals = [(k / 100, 1) for k in range(100)] + [(1.0 + stall, 30)] + [(1.3 + k / 100, 1) for k in range(100)]
    t, gaps = feed(StreamClock(sample_rate_hz=100, origin_host_s=0.0), arrivals)
    assert gaps == [] and np.allclose(np.diff(t), 0.01)  # delayed, not lost: the burst catches up


def test_sensor_timestamps_are_kept_and_gaps_found() -> None:
    clock = StreamClock(sample_rate_hz=100, origin_host_s=10.0)
    a = clock.place(10.2, 3, np.array([100.00, 100.01, 100.02]))
    assert a.t_s.tolist() == pytest.approx([0.18, 0.19, 0.2]) and a.gap is None
    b = clock.place(10.3, 2, np.array([100.03, 100.04]))
    assert b.t_s.tolist() == pytest.approx([0.21, 0.22]) and b.gap is None
    c = clock.place(12.0, 2, np.array([101.5, 101.51]))  # 1.46 s lost
    assert c.gap == pytest.approx((0.22, 1.68)) and c.lost_samples == 145


def test_sensor_timestamps_duplicates_and_a_restarted_clock() -> None:
    clock = StreamClock(sample_rate_hz=100, origin_host_s=0.0)
    clock.place(1.0, 2, np.array([50.0, 50.01]))
    with pytest.raises(PacketError) as exc:
        clock.place(1.01, 2, np.array([50.0, 50.01]))
    assert exc.value.fault is PacketFault.DUPLICATE
    # the sensor rebooted during a drop-out: its clock starts again near 0
    p = clock.place(4.0, 2, np.array([0.5, 0.51]))
    assert p.gap is not None and p.t_s[0] > 1.0 and p.t_s[0] == pytest.approx(4.0 - 0.01)
    assert clock.place(4.1, 1, np.array([0.52])).t_s[0] == pytest.approx(p.t_s[-1] + 0.01)
