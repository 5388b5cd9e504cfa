"""Sample times for a live stream (pure: host arrival times are passed in, no clock is read).

A sensor that stamps its samples keeps its own times, shifted once onto the session's time
axis (the host's clock at the first packet). A sensor that does not (micro:bit, WitMotion,
Thingy:52) gets times from its nominal rate, corrected for the drift between its clock and
the host's; lost samples are found by comparing how much time the samples cover with how
much passed on the host. Bluetooth delivers late and in bursts, never early, so the host
side is read through its lower envelope: the earliest a packet has arrived relative to the
samples it carries.

Both kinds report a stretch without samples as a gap, so the session records it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tracker.errors import PacketError, PacketFault

#: consecutive sensor timestamps further apart than this many sample periods: samples were lost
#: (Polar and Movesense space samples exactly; 2.5 periods leaves room for a rounded ms stamp)
GAP_PERIODS = 2.5
#: without timestamps: a packet this much later than its samples' place says samples were lost.
#: BLE connection intervals (7.5-50 ms), retransmissions and a busy host delay a packet by up to
#: about 0.3 s without loss; a longer lag is a drop-out
HOST_GAP_TOLERANCE_S = 0.5
#: how far a sensor's clock may run from its nominal rate, fraction (RC oscillators of low-power
#: accelerometers are within a few percent; more is a wrong nominal rate, not drift)
MAX_DRIFT = 0.1
#: the host's view of the sensor's clock is the earliest arrival in each window of this many
#: seconds (a second holds tens of packets at 100 Hz: at least one comes with the least delay)
ENVELOPE_WINDOW_S = 1.0
#: a sensor clock this far behind its previous sample restarted (a reboot during a drop-out); less is an old packet
CLOCK_RESTART_S = 1.0


@dataclass(frozen=True, eq=False)
class Placed:
    """Samples of one packet on the session's time axis.

    Attributes
    ----------
    t_s:
        Their times, s since the session's origin, strictly after the previous packet's.
    gap:
        ``(start_s, end_s)`` of a stretch without samples just before these (lost samples),
        or ``None``.
    lost_samples:
        How many samples the gap held, at the stream's rate.
    """

    t_s: NDArray[np.float64]
    gap: tuple[float, float] | None = None
    lost_samples: int = 0


class StreamClock:
    """Places one stream's packets on the session's time axis.

    Parameters
    ----------
    sample_rate_hz:
        The nominal rate asked of the sensor.
    origin_host_s:
        The host clock reading that is time 0 of the session (the same for every sensor of a
        session, so two sensors line up).
    """

    def __init__(self, *, sample_rate_hz: float, origin_host_s: float) -> None:
        self.nominal_rate_hz = sample_rate_hz
        self.rate_hz = sample_rate_hz
        self._origin = origin_host_s
        self._last_t: float | None = None
        # sensor timestamps
        self._offset_s: float | None = None
        self._last_sensor_s: float | None = None
        # host times
        self._next_t: float | None = None
        self._lag_min_s = 0.0
        self._index = 0  # samples placed since the stream (re)started
        self._window: tuple[float, float, int] | None = None  # (window start host time, least lead, its index)
        self._first_low: tuple[float, int] | None = None  # the first complete window's least lead and its index
        self._last_low: tuple[float, int] | None = None

    @property
    def last_t_s(self) -> float | None:
        return self._last_t

    def place(self, host_s: float, n: int, sensor_t_s: NDArray[np.float64] | None = None) -> Placed:
        """Times for ``n`` samples that arrived at host time ``host_s`` (with the sensor's own times, if it sends them).

        Raises
        ------
        PacketError
            ``DUPLICATE``: sensor times not after the previous packet's (an old packet again).
        """
        if n == 0:
            return Placed(np.zeros(0))
        host_t = host_s - self._origin
        placed = self._by_sensor(host_t, np.asarray(sensor_t_s, dtype=np.float64)) if sensor_t_s is not None else self._by_host(host_t, n)
        self._last_t = float(placed.t_s[-1])
        return placed

    # ------------------------------------------------------------------
    def _by_sensor(self, host_t: float, sensor: NDArray[np.float64]) -> Placed:
        last = self._last_sensor_s
        restarted = False
        if last is not None and sensor[0] <= last:
            if last - sensor[0] < CLOCK_RESTART_S:
                raise PacketError(PacketFault.DUPLICATE, f"sensor time {sensor[0]:.3f} s is not after the previous {last:.3f} s")
            restarted = True
        if self._offset_s is None or restarted:
            self._offset_s = host_t - float(sensor[-1])
        t = sensor + self._offset_s
        gap = None
        lost = 0
        if self._last_t is not None:
            if restarted and t[0] <= self._last_t:
                t = t + (self._last_t - t[0]) + 1.0 / self.rate_hz
                self._offset_s += float(t[0] - sensor[0] - self._offset_s)
            step = float(t[0]) - self._last_t
            if step > GAP_PERIODS / self.rate_hz or restarted:
                gap = (self._last_t, float(t[0]))
                lost = max(0, int(round(step * self.rate_hz)) - 1)
        self._last_sensor_s = float(sensor[-1])
        return Placed(t, gap, lost)

    def _by_host(self, host_t: float, n: int) -> Placed:
        k = np.arange(n, dtype=np.float64)
        if self._next_t is None:
            t = host_t - (n - 1 - k) / self.rate_hz
            self._restart_envelope()
            self._observe(host_t, n)
            self._advance(t)
            return Placed(t)
        t = self._next_t + k / self.rate_hz
        lag = host_t - float(t[-1])
        if lag - self._lag_min_s > HOST_GAP_TOLERANCE_S:
            # more time passed on the host than the samples cover: samples were lost
            t = (host_t - self._lag_min_s) - (n - 1 - k) / self.rate_hz
            last = self._last_t if self._last_t is not None else float(t[0])
            self._restart_envelope()
            self._observe(host_t, n)
            self._advance(t)
            return Placed(t, (last, float(t[0])), max(0, int(round((float(t[0]) - last) * self.rate_hz)) - 1))
        self._lag_min_s = min(self._lag_min_s, lag)
        self._observe(host_t, n)
        self._advance(t)
        return Placed(t)

    def _restart_envelope(self) -> None:
        self._index = 0
        self._window = None
        self._first_low = self._last_low = None

    def _observe(self, host_t: float, n: int) -> None:
        """Track the lower envelope of (arrival - sample index / nominal rate); its slope is the drift."""
        self._index += n
        lead = host_t - self._index / self.nominal_rate_hz
        w = self._window
        if w is None or host_t - w[0] >= ENVELOPE_WINDOW_S:
            if w is not None:
                low = (w[1], w[2])
                if self._first_low is None:
                    self._first_low = low
                else:
                    self._last_low = low
                    self._update_rate()
            self._window = (host_t, lead, self._index)
        elif lead < w[1]:
            self._window = (w[0], lead, self._index)

    def _update_rate(self) -> None:
        assert self._first_low is not None and self._last_low is not None
        (r0, j0), (r1, j1) = self._first_low, self._last_low
        if j1 <= j0:
            return
        period = 1.0 / self.nominal_rate_hz + (r1 - r0) / (j1 - j0)
        if period <= 0:
            return
        lo, hi = self.nominal_rate_hz * (1 - MAX_DRIFT), self.nominal_rate_hz * (1 + MAX_DRIFT)
        self.rate_hz = min(hi, max(lo, 1.0 / period))

    def _advance(self, t: NDArray[np.float64]) -> None:
        self._next_t = float(t[-1]) + 1.0 / self.rate_hz
