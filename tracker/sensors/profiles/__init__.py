"""Sensor profiles (pure): one module per kind of sensor, bytes in, samples in g and deg/s out.

:data:`BUILT_IN` lists the sensors reptrack knows; :func:`~tracker.sensors.profiles.generic.load_profile`
reads any other from a TOML file.
"""

from tracker.sensors.profiles import generic, microbit, movesense, polar, thingy, witmotion
from tracker.sensors.profiles.base import Command, PacketDecoder, Samples, SensorProfile

#: the sensors reptrack knows, in the order a scan tries them
BUILT_IN: tuple[SensorProfile, ...] = (microbit.PROFILE, witmotion.PROFILE, polar.H10, polar.VERITY, movesense.PROFILE, thingy.PROFILE)


def recognise(name: str | None, service_uuids: list[str] | tuple[str, ...], *,
              extra: tuple[SensorProfile, ...] = ()) -> SensorProfile | None:
    """The profile of an advertisement (``extra`` profiles first), or ``None``.

    Polar sensors advertise the same service: the name tells the H10 from the Verity Sense.
    """
    for p in (*extra, *BUILT_IN):
        if p.name_prefixes and name and any(name.startswith(x) for x in p.name_prefixes):
            return p
    for p in (*extra, *BUILT_IN):
        if p.recognises(name, service_uuids):
            return p
    return None


def by_kind(kind: str) -> SensorProfile | None:
    for p in BUILT_IN:
        if p.kind == kind:
            return p
    return None


__all__ = ["BUILT_IN", "Command", "PacketDecoder", "Samples", "SensorProfile", "by_kind", "generic", "recognise"]
