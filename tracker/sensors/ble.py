"""Bluetooth LE sensors through bleak (the adapter over the radio).

:func:`scan` lists the sensors in range and the profile that recognises each; :func:`find`
picks one by name or address. :class:`BleakLink` keeps a connection to one sensor: it
connects from the scanned device with bleak-retry-connector's ``establish_connection``
(connections are serialised with a lock: BlueZ refuses a second connect while one is in
progress), starts notifications, writes the profile's start commands, and on link loss
scans again and reconnects with back-off until the sensor is back or the give-up time has
passed. Notifications from an earlier connection's subscription are dropped (a known
BlueZ/bleak problem after a reconnect is receiving every notification twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.errors import SensorError, SensorLostError, SensorNotFoundError
from tracker.sensors.base import LinkState
from tracker.sensors.live import wait_or_stop
from tracker.sensors.profiles import recognise
from tracker.sensors.profiles.base import SensorProfile

#: a scan for a named sensor gives up after this long, s (sensors advertise every 0.1-2 s)
SCAN_TIMEOUT_S = 10.0
#: a re-scan during a drop-out is shorter: the link loop tries again soon anyway
RESCAN_TIMEOUT_S = 4.0
#: connection attempts per try of establish_connection (it backs off between them itself)
CONNECT_ATTEMPTS = 2
#: back-off between tries after a link loss: doubles from the first to the cap, s
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 8.0
#: a sensor that is gone this long is given up, s; the session ends as interrupted. A person
#: walks back into range or restarts a sensor within a minute; longer, they have stopped
GIVE_UP_S = 60.0
#: connected and nothing for this long: the link is dead even if BlueZ has not noticed, s
SILENCE_S = 5.0
#: after each connect the first notification must come within this long, s, else it is a
#: sensor that connects but never sends (a wrong profile, a sensor in another mode)
FIRST_DATA_S = 10.0
#: each write or disconnect is given this long, s
GATT_TIMEOUT_S = 5.0

_ADDRESS = re.compile(r"^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def backoff_s(attempt: int) -> float:
    """Seconds to wait before reconnect try ``attempt`` (0-based)."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2.0 ** max(0, attempt))


def is_address(text: str) -> bool:
    """A Bluetooth address (Linux, Windows) or a CoreBluetooth UUID (macOS)."""
    return bool(_ADDRESS.match(text.strip()))


class NotifyMode(enum.Enum):
    """How BlueZ subscribes: ``StartNotify`` (bleak's default; works with most sensors) or
    ``AcquireNotify`` (a file descriptor; avoids a read being delivered as a notification too)."""

    START_NOTIFY = "start-notify"
    ACQUIRE_NOTIFY = "acquire-notify"


@dataclass(frozen=True)
class Sighting:
    """A sensor seen in a scan."""

    name: str | None
    address: str
    rssi_dbm: int | None
    profile: SensorProfile | None  # None: a device no profile recognises
    device: Any = field(default=None, compare=False, repr=False)  # bleak's BLEDevice, to connect from

    @property
    def label(self) -> str:
        return f"{self.name} ({self.address})" if self.name else self.address


def _bluetooth_unavailable(exc: Exception) -> SensorError:
    return SensorError(f"Bluetooth is not available ({exc}): is an adapter present and switched on, and is bluetoothd running?")


def _sighting(device: Any, adv: Any, extra: tuple[SensorProfile, ...]) -> Sighting:
    name = getattr(adv, "local_name", None) or device.name
    uuids = list(getattr(adv, "service_uuids", None) or [])
    return Sighting(name, device.address, getattr(adv, "rssi", None), recognise(name, uuids, extra=extra), device)


async def scan(timeout_s: float = 5.0, *, extra: tuple[SensorProfile, ...] = ()) -> list[Sighting]:
    """Every Bluetooth LE device heard in ``timeout_s``, strongest first.

    Raises
    ------
    SensorError
        No adapter, Bluetooth off, or BlueZ not running.
    """
    from bleak import BleakScanner
    from bleak.exc import BleakError

    try:
        found = await BleakScanner.discover(timeout=timeout_s, return_adv=True)
    except (BleakError, OSError, EOFError) as exc:
        raise _bluetooth_unavailable(exc) from None
    out = [_sighting(dev, adv, extra) for dev, adv in found.values()]
    out.sort(key=lambda s: (s.profile is None, -(s.rssi_dbm if s.rssi_dbm is not None else -999), s.address))
    return out


async def find(spec: str, *, timeout_s: float = SCAN_TIMEOUT_S, extra: tuple[SensorProfile, ...] = ()) -> Sighting:
    """The sensor named ``spec`` (its address, its advertised name, or the start of its name).

    Raises
    ------
    SensorNotFoundError
        Nothing by that name or address answered within ``timeout_s``.
    SensorError
        Bluetooth unavailable.
    """
    from bleak import BleakScanner
    from bleak.exc import BleakError

    want = spec.strip()
    by_address = is_address(want)
    hit: asyncio.Future[Sighting] = asyncio.get_running_loop().create_future()
    seen: dict[str, Sighting] = {}

    def on_adv(device: Any, adv: Any) -> None:
        s = _sighting(device, adv, extra)
        seen[s.address] = s
        if hit.done():
            return
        if (by_address and s.address.lower() == want.lower()) or (not by_address and s.name is not None
                                                                 and s.name.casefold() == want.casefold()):
            hit.set_result(s)

    try:
        async with BleakScanner(detection_callback=on_adv):
            with contextlib.suppress(asyncio.TimeoutError):
                return await asyncio.wait_for(asyncio.shield(hit), timeout=timeout_s)
    except (BleakError, OSError, EOFError) as exc:
        raise _bluetooth_unavailable(exc) from None
    if not by_address:
        starts = [s for s in seen.values() if s.name and s.name.casefold().startswith(want.casefold())]
        if len(starts) == 1:
            return starts[0]
        if len(starts) > 1:
            raise SensorNotFoundError(f"{want!r} could be any of {', '.join(s.label for s in starts)}: give the whole name or the address")
    raise SensorNotFoundError(f"no sensor {want!r} answered a {timeout_s:g} s scan: is it switched on, in range, and not "
                              "connected to a phone? ('reptrack scan' lists what is in range)")


class BleakLink:
    """A kept-up connection to one sensor (see the module's description).

    Parameters
    ----------
    sighting:
        The scanned sensor (connected from its BLEDevice, not from a bare address).
    profile:
        How to start it and which characteristic streams.
    lock:
        Shared by every link of a session: one connect at a time.
    give_up_s:
        A sensor gone this long ends the session (:class:`~tracker.errors.SensorLostError`).
    notify_mode:
        StartNotify or AcquireNotify.
    """

    def __init__(self, sighting: Sighting, profile: SensorProfile, *, lock: asyncio.Lock, give_up_s: float = GIVE_UP_S,
                 notify_mode: NotifyMode = NotifyMode.START_NOTIFY, clock: Callable[[], float] = time.monotonic) -> None:
        self.label = sighting.label
        self._sighting = sighting
        self._profile = profile
        self._lock = lock
        self._give_up_s = give_up_s
        self._notify_mode = notify_mode
        self._clock = clock
        self._stop = asyncio.Event()
        self._generation = 0
        self._last_rx = 0.0

    def stop(self) -> None:
        self._stop.set()

    async def run(self, deliver: Callable[[bytes], None], report: Callable[[LinkState], None]) -> None:
        from bleak.exc import BleakError

        device = self._sighting.device
        lost_at: float | None = None
        attempt = 0
        ever_streamed = False
        while not self._stop.is_set():
            reason = ""
            try:
                if device is None:
                    report(LinkState.SCANNING)
                    try:
                        device = (await find(self._sighting.address, timeout_s=RESCAN_TIMEOUT_S)).device
                    except SensorNotFoundError:
                        device = None
                        reason = "not seen in a scan"
                if device is not None:
                    report(LinkState.CONNECTING if not ever_streamed else LinkState.RECONNECTING)
                    outcome = await self._session(device, deliver, report)
                    if outcome == "stopped":
                        return
                    ever_streamed = ever_streamed or outcome != "never sent"
                    if outcome == "never sent" and not ever_streamed:
                        raise SensorError(f"{self.label} connected but sent nothing in {FIRST_DATA_S:g} s: is it a "
                                          f"{self._profile.title}, and not busy with another app?")
                    if outcome != "never sent":
                        attempt, lost_at = 0, None
                    reason = outcome
                    device = None  # BlueZ may forget the device after a loss: scan for it again
            except (TimeoutError, BleakError, OSError, EOFError) as exc:
                reason = str(exc) or type(exc).__name__
                device = None
            if self._stop.is_set():
                return
            now = self._clock()
            lost_at = now if lost_at is None else lost_at
            if now - lost_at >= self._give_up_s:
                report(LinkState.GAVE_UP)
                raise SensorLostError(f"{self.label} has been gone for {self._give_up_s:g} s ({reason}): the session is kept "
                                      "as interrupted; check the sensor's battery and distance, then record again")
            report(LinkState.RECONNECTING)
            if await wait_or_stop(self._stop, backoff_s(attempt)):
                return
            attempt += 1

    async def _session(self, device: Any, deliver: Callable[[bytes], None], report: Callable[[LinkState], None]) -> str:
        """One connection, until it is lost or the link is stopped: 'stopped', 'lost', 'silent' or 'never sent'."""
        from bleak import BleakClient
        from bleak_retry_connector import establish_connection

        lost = asyncio.Event()
        async with self._lock:
            client = await establish_connection(BleakClient, device, self.label, disconnected_callback=lambda _c: lost.set(),
                                                max_attempts=CONNECT_ATTEMPTS)
        self._generation += 1
        generation = self._generation
        received = 0

        def on_notify(_char: Any, data: bytearray) -> None:
            nonlocal received
            if generation != self._generation:
                return  # a notification of an earlier connection's subscription: a duplicate
            received += 1
            self._last_rx = self._clock()
            deliver(bytes(data))

        try:
            await client.start_notify(self._profile.notify_uuid, on_notify,
                                      bluez={"use_start_notify": self._notify_mode is NotifyMode.START_NOTIFY})
            for cmd in self._profile.start:
                await asyncio.wait_for(client.write_gatt_char(cmd.char_uuid, cmd.payload, response=cmd.with_response), GATT_TIMEOUT_S)
            report(LinkState.STREAMING)
            started = self._last_rx = self._clock()
            while True:
                if await wait_or_stop(self._stop, 0.5):
                    await self._close(client, stop_commands=True)
                    return "stopped"
                if lost.is_set():
                    return "lost"
                quiet = self._clock() - self._last_rx
                if received == 0 and self._clock() - started >= FIRST_DATA_S:
                    await self._close(client, stop_commands=False)
                    return "never sent"
                if received and quiet >= SILENCE_S:
                    await self._close(client, stop_commands=False)
                    return "silent"
        finally:
            self._generation += 1  # whatever the old subscription still delivers is dropped
            if not lost.is_set() and client.is_connected and not self._stop.is_set():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.disconnect(), GATT_TIMEOUT_S)

    async def _close(self, client: Any, *, stop_commands: bool) -> None:
        with contextlib.suppress(Exception):
            if stop_commands:
                for cmd in self._profile.stop:
                    await asyncio.wait_for(client.write_gatt_char(cmd.char_uuid, cmd.payload, response=cmd.with_response), GATT_TIMEOUT_S)
            await asyncio.wait_for(client.stop_notify(self._profile.notify_uuid), GATT_TIMEOUT_S)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(), GATT_TIMEOUT_S)
