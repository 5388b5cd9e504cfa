"""A fake BlueZ (org.bluez) on a private D-Bus, for bleak's real BlueZ backend to talk to.

Run as ``python tests/fake_bluez.py SCENARIO.json`` with ``DBUS_SYSTEM_BUS_ADDRESS`` set to a
private bus. It serves an adapter (Adapter1: StartDiscovery, StopDiscovery,
SetDiscoveryFilter, RemoveDevice) and the scenario's devices (Device1: Connect, Disconnect;
GattService1, GattCharacteristic1: StartNotify, StopNotify, ReadValue, WriteValue;
AcquireNotify is refused, as some sensors do). A device advertises (every Device1 property
change counts as an advertisement) while the adapter discovers and the device is not
connected. Once notifications start, it streams its recording in real time as its sensor
profile's notifications (PropertiesChanged of Value), from the first StartNotify on: a link
loss drops the connection and withholds what the sensor measures meanwhile, as a real one.

Events go to stdout, one JSON object a line: ready, write, connect, loss, end (with the
samples actually delivered).

Note: no ``from __future__ import annotations`` here: dbus-fast reads the D-Bus signatures
from the annotations.
"""

import asyncio
import json
import sys
from pathlib import Path

import numpy as np
from dbus_fast import BusType, DBusError, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.service import PropertyAccess, ServiceInterface, dbus_property, method

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.files.csv_recording import read_recording  # noqa: E402
from tracker.sensors.profiles import by_kind  # noqa: E402

ADAPTER = "/org/bluez/hci0"
#: the fake's streaming tick, s: notifications due by then go out together (a connection interval)
TICK_S = 0.02
#: bytes per notification the WitMotion fake cuts its frames into (frames split and joined)
WITMOTION_CHUNK = 17
#: seconds between advertisements (RSSI changes)
ADVERTISE_EVERY_S = 0.1


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


class Adapter(ServiceInterface):
    def __init__(self, fake: "Fake") -> None:
        super().__init__("org.bluez.Adapter1")
        self.fake = fake
        self.discovering = False

    @method()
    def StartDiscovery(self):
        self.discovering = True
        self.emit_properties_changed({"Discovering": True})

    @method()
    def StopDiscovery(self):
        self.discovering = False
        self.emit_properties_changed({"Discovering": False})

    @method()
    def SetDiscoveryFilter(self, properties: "a{sv}"):
        pass

    @method()
    def RemoveDevice(self, device: "o"):
        pass

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":
        return "00:1A:7D:DA:71:13"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":
        return "fake-hci0"

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> "s":
        return "fake-hci0"

    @dbus_property(access=PropertyAccess.READ)
    def Powered(self) -> "b":
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Discovering(self) -> "b":
        return self.discovering

    @dbus_property(access=PropertyAccess.READ)
    def Roles(self) -> "as":
        return ["central", "peripheral"]

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> "as":
        return []


class Device(ServiceInterface):
    def __init__(self, sensor: "Sensor") -> None:
        super().__init__("org.bluez.Device1")
        self.s = sensor

    @method()
    async def Connect(self):
        s = self.s
        if not s.advertising():
            await asyncio.sleep(0.2)
            raise DBusError("org.bluez.Error.Failed", "Page Timeout")
        s.connected = True
        s.connections += 1
        emit("connect", address=s.address, connection=s.connections)
        self.emit_properties_changed({"Connected": True})
        await asyncio.sleep(0.05)
        self.emit_properties_changed({"ServicesResolved": True})  # the GATT objects are exported already

    @method()
    def Disconnect(self):
        self.s.drop_link()

    @method()
    def Pair(self):
        raise DBusError("org.bluez.Error.NotSupported", "no pairing in the fake")

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":
        return self.s.address

    @dbus_property(access=PropertyAccess.READ)
    def AddressType(self) -> "s":
        return "random"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":
        return self.s.name

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> "s":
        return self.s.name

    @dbus_property(access=PropertyAccess.READ)
    def RSSI(self) -> "n":
        return self.s.rssi

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> "as":
        return [self.s.service_uuid] if self.s.service_uuid else []

    @dbus_property(access=PropertyAccess.READ)
    def Adapter(self) -> "o":
        return ADAPTER

    @dbus_property(access=PropertyAccess.READ)
    def Connected(self) -> "b":
        return self.s.connected

    @dbus_property(access=PropertyAccess.READ)
    def ServicesResolved(self) -> "b":
        return self.s.connected

    @dbus_property(access=PropertyAccess.READ)
    def Paired(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Bonded(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Trusted(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Blocked(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def LegacyPairing(self) -> "b":
        return False

    @dbus_property(access=PropertyAccess.READ)
    def ManufacturerData(self) -> "a{qv}":
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def ServiceData(self) -> "a{sv}":
        return {}


class Service(ServiceInterface):
    def __init__(self, uuid: str, device_path: str) -> None:
        super().__init__("org.bluez.GattService1")
        self.uuid = uuid
        self.device_path = device_path

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Primary(self) -> "b":
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Device(self) -> "o":
        return self.device_path

    @dbus_property(access=PropertyAccess.READ)
    def Includes(self) -> "ao":
        return []


class Characteristic(ServiceInterface):
    def __init__(self, sensor: "Sensor", uuid: str, service_path: str, flags: list[str]) -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self.s = sensor
        self.uuid = uuid
        self.service_path = service_path
        self.flags = flags
        self.value = b""
        self.notifying = False

    @method()
    def ReadValue(self, options: "a{sv}") -> "ay":
        return self.value

    @method()
    def WriteValue(self, value: "ay", options: "a{sv}"):
        if not self.s.connected:
            raise DBusError("org.bluez.Error.Failed", "Not connected")
        emit("write", address=self.s.address, char=self.uuid, value=bytes(value).hex())

    @method()
    def StartNotify(self):
        if not self.s.connected:
            raise DBusError("org.bluez.Error.Failed", "Not connected")
        self.notifying = True
        self.emit_properties_changed({"Notifying": True})
        self.s.notifications_started()

    @method()
    def StopNotify(self):
        self.notifying = False
        self.emit_properties_changed({"Notifying": False})

    @method()
    def AcquireNotify(self, options: "a{sv}") -> "hq":
        raise DBusError("org.bluez.Error.NotSupported", "AcquireNotify refused by this sensor")

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":
        return self.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Service(self) -> "o":
        return self.service_path

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> "ay":
        return self.value

    @dbus_property(access=PropertyAccess.READ)
    def Notifying(self) -> "b":
        return self.notifying

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> "as":
        return self.flags

    @dbus_property(access=PropertyAccess.READ)
    def MTU(self) -> "q":
        return 247

    def notify(self, packet: bytes) -> None:
        self.value = packet
        self.emit_properties_changed({"Value": packet})


class Sensor:
    """One fake device and its stream."""

    def __init__(self, fake: "Fake", spec: dict) -> None:
        self.fake = fake
        self.address = spec["address"]
        self.name = spec["name"]
        self.rssi = int(spec.get("rssi", -60))
        self.kind = spec.get("profile")
        self.profile = by_kind(self.kind) if self.kind else None
        self.service_uuid = spec.get("service_uuid") or (self.profile.service_uuid if self.profile else None)
        self.losses = [tuple(x) for x in spec.get("losses", [])]
        self.never_back_at = spec.get("never_back_at")
        self.short_every = int(spec.get("short_every", 0))
        self.duplicate_every = int(spec.get("duplicate_every", 0))
        self.connected = False
        self.connections = 0
        self.t0: float | None = None
        self.path = f"{ADAPTER}/dev_{self.address.replace(':', '_')}"
        self.device = Device(self)
        self.data: Characteristic | None = None
        self.recording = read_recording(spec["recording"]).recording if spec.get("recording") else None

    def now_s(self) -> float:
        return 0.0 if self.t0 is None else asyncio.get_running_loop().time() - self.t0

    def in_loss(self, t: float) -> bool:
        if self.never_back_at is not None and t >= self.never_back_at:
            return True
        return any(a <= t < a + d for a, d in self.losses)

    def advertising(self) -> bool:
        return not self.connected and not self.in_loss(self.now_s())

    def export(self, bus: MessageBus) -> None:
        bus.export(self.path, self.device)
        if self.profile is None:
            return
        p = self.profile
        uuids = {p.notify_uuid, *(c.char_uuid for c in (*p.start, *p.stop))}
        svc_path = f"{self.path}/service000a"
        bus.export(svc_path, Service(p.service_uuid, self.path))
        handle = 0x000B
        for uuid in sorted(uuids):
            flags = ["notify", "read"] if uuid == p.notify_uuid else ["write", "write-without-response", "read"]
            char = Characteristic(self, uuid, svc_path, flags)
            bus.export(f"{svc_path}/char{handle:04x}", char)
            if uuid == p.notify_uuid:
                self.data = char
            handle += 2

    def drop_link(self) -> None:
        if not self.connected:
            return
        self.connected = False
        if self.data is not None and self.data.notifying:
            self.data.notifying = False
            self.data.emit_properties_changed({"Notifying": False})
        self.device.emit_properties_changed({"Connected": False, "ServicesResolved": False})

    def notifications_started(self) -> None:
        if self.t0 is None:
            self.t0 = asyncio.get_running_loop().time()  # time.monotonic(): the same clock in every process
            emit("start", address=self.address, monotonic_s=self.t0)
            asyncio.ensure_future(self.stream())

    async def advertise(self) -> None:
        while True:
            await asyncio.sleep(ADVERTISE_EVERY_S)
            # advertising whether or not this client discovers: BlueZ keeps one discovery per
            # client, and several test clients share this adapter
            if self.advertising():
                self.rssi = -60 + (self.rssi + 61) % 5  # a signal that wobbles: a property change is an advertisement
                self.device.emit_properties_changed({"RSSI": self.rssi})

    async def stream(self) -> None:
        rec = self.recording
        assert rec is not None and self.profile is not None and self.data is not None
        t = rec.t_s - rec.t_s[0]
        acc, gyr = rec.accel_g, rec.gyro_dps
        pos, delivered, packets, pending = 0, 0, 0, []
        lost_once: set[int] = set()
        while pos < len(t):
            await asyncio.sleep(TICK_S)
            now = self.now_s()
            for k, (a, d) in enumerate(self.losses):
                if a <= now < a + d and k not in lost_once:
                    lost_once.add(k)
                    emit("loss", address=self.address, at_s=round(now, 3))
                    self.drop_link()
            if self.never_back_at is not None and now >= self.never_back_at and self.connected:
                emit("loss", address=self.address, at_s=round(now, 3), forever=True)
                self.drop_link()
            end = int(np.searchsorted(t, now, side="right"))
            due = list(range(pos, end))
            pos = end
            if not (self.connected and self.data.notifying):
                pending = []
                continue  # measured but not sent: lost with the link
            pending += due
            if self.kind == "polar-h10":
                chunks = [pending[i:i + 10] for i in range(0, len(pending) - len(pending) % 10, 10)]
                pending = pending[len(chunks) * 10:]
            else:
                chunks = [pending] if pending else []
                pending = []
            for idx in chunks:
                idx = np.array(idx)
                out = self.profile.encoder(acc[idx], None if gyr is None else gyr[idx], t[idx])
                if self.kind == "witmotion":  # frames split and joined across notifications
                    blob = b"".join(out)
                    out = [blob[i:i + WITMOTION_CHUNK] for i in range(0, len(blob), WITMOTION_CHUNK)]
                    delivered += len(idx)
                for packet in out:
                    packets += 1
                    if self.short_every and packets % self.short_every == 0:
                        self.data.notify(packet[:3])  # cut short: the sample is lost
                        continue
                    self.data.notify(packet)
                    if self.kind != "witmotion":
                        delivered += len(idx) if self.kind != "micro:bit" else 1
                    if self.duplicate_every and packets % self.duplicate_every == 0:
                        self.data.notify(packet)
        emit("end", address=self.address, delivered_samples=delivered, packets=packets)


class Fake:
    def __init__(self, scenario: dict) -> None:
        self.adapter = Adapter(self)
        self.sensors = [Sensor(self, spec) for spec in scenario["devices"]]

    async def run(self) -> None:
        bus = await MessageBus(bus_type=BusType.SYSTEM, negotiate_unix_fd=True).connect()
        bus.export(ADAPTER, self.adapter)
        for s in self.sensors:
            s.export(bus)
        await bus.request_name("org.bluez")
        for s in self.sensors:
            asyncio.ensure_future(s.advertise())
        emit("ready")
        await bus.wait_for_disconnect()


if __name__ == "__main__":
    _ = Variant  # dbus-fast's Variant is what a{sv} values are, were any sent
    asyncio.run(Fake(json.loads(Path(sys.argv[1]).read_text())).run())
