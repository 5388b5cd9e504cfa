"""Sensor profiles: bytes in, the whole decoded result asserted; bad packets raise typed errors."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from tracker.errors import PacketError, PacketFault, ProfileError, ReptrackError, SensorError
from tracker.sensors.profiles import BUILT_IN, Samples, by_kind, recognise
from tracker.sensors.profiles.generic import load_profile, profile_from_toml
from tracker.sensors.profiles.microbit import MicrobitDecoder
from tracker.sensors.profiles.movesense import MovesenseDecoder, subscribe_command
from tracker.sensors.profiles.polar import PmdMeasurement, PolarDecoder, encode_frame, pack_deltas, parse_frame, start_command, unpack_deltas
from tracker.sensors.profiles.thingy import ThingyDecoder
from tracker.sensors.profiles.witmotion import WitMotionDecoder


def a(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64)


def fault(exc: pytest.ExceptionInfo[PacketError]) -> PacketFault:
    return exc.value.fault


def test_packet_error_is_in_the_hierarchy() -> None:
    assert issubclass(PacketError, SensorError) and issubclass(SensorError, ReptrackError)


# ---------------------------------------------------------------------- micro:bit
def test_microbit_one_sample_in_milli_g() -> None:
    # x = 1000 mg, y = -500 mg, z = 16 mg
    assert MicrobitDecoder().decode(bytes.fromhex("e803 0cfe 1000")) == Samples(a([[1.0, -0.5, 0.016]]))


@pytest.mark.parametrize("packet,kind", [(b"", PacketFault.SHORT), (bytes(5), PacketFault.SHORT), (bytes(7), PacketFault.MALFORMED)])
def test_microbit_bad_lengths(packet: bytes, kind: PacketFault) -> None:
    with pytest.raises(PacketError) as exc:
        MicrobitDecoder().decode(packet)
    assert fault(exc) is kind


# ---------------------------------------------------------------------- WitMotion
FRAME_A = bytes.fromhex("5561" "0008" "00f8" "0000" "4000" "c0ff" "0000" "0100" "0200" "0300")
# ax 0x0800 = 2048 -> 1 g, ay -2048 -> -1 g; wx 0x40 = 64 -> 64*2000/32768 = 3.90625 deg/s, wy -64
EXPECT_A = Samples(a([[1.0, -1.0, 0.0]]), a([[3.90625, -3.90625, 0.0]]))
FRAME_B = bytes.fromhex("5561" "0004" "0000" "0008" "0000" "0000" "0010" "0000" "0000" "0000")
EXPECT_B = Samples(a([[0.5, 0.0, 1.0]]), a([[0.0, 0.0, 250.0]]))


def test_witmotion_one_frame() -> None:
    assert WitMotionDecoder().decode(FRAME_A) == EXPECT_A


def test_witmotion_joined_frames() -> None:
    assert WitMotionDecoder().decode(FRAME_A + FRAME_B) == Samples(a([[1.0, -1.0, 0.0], [0.5, 0.0, 1.0]]),
                                                                    a([[3.90625, -3.90625, 0.0], [0.0, 0.0, 250.0]]))


def test_witmotion_split_frames_give_the_same_samples_whatever_the_split() -> None:
    stream = FRAME_A + FRAME_B
    for cut in range(1, len(stream)):
        d = WitMotionDecoder()
        parts = [d.decode(stream[:cut]), d.decode(stream[cut:])]
        acc = np.concatenate([p.accel_g for p in parts])
        gyr = np.concatenate([p.gyro_dps for p in parts if p.gyro_dps is not None])
        assert Samples(acc, gyr) == Samples(a([[1.0, -1.0, 0.0], [0.5, 0.0, 1.0]]), a([[3.90625, -3.90625, 0.0], [0.0, 0.0, 250.0]])), cut


def test_witmotion_resyncs_after_junk_and_skips_other_frames() -> None:
    register_reply = bytes.fromhex("5571") + bytes(18)
    out = WitMotionDecoder().decode(b"\x01\x02\x03" + FRAME_A + register_reply + FRAME_B)
    assert out == Samples(a([[1.0, -1.0, 0.0], [0.5, 0.0, 1.0]]), a([[3.90625, -3.90625, 0.0], [0.0, 0.0, 250.0]]),
                          skipped=(PacketFault.MALFORMED,))


def test_witmotion_only_junk_is_an_error() -> None:
    with pytest.raises(PacketError) as exc:
        WitMotionDecoder().decode(b"\x01\x02\x03\x04")
    assert fault(exc) is PacketFault.MALFORMED


# ---------------------------------------------------------------------- Polar PMD
def test_polar_start_command() -> None:
    assert start_command(PmdMeasurement.ACC, sample_rate_hz=200, range_=8) == bytes.fromhex("0202 0001c800 01011000 02010800")


def test_polar_h10_raw_frame() -> None:
    stamp = 1_000_000_000  # 1 s after 2000-01-01, the last sample's time
    frame = bytes([0x02]) + stamp.to_bytes(8, "little") + bytes([0x01]) + bytes.fromhex("e8030000f4ff" "0000e8030000")
    d = PolarDecoder(sample_rate_hz=100)
    assert d.decode(frame) == Samples(a([[1.0, 0.0, -0.012], [0.0, 1.0, 0.0]]), None, np.array([0.99, 1.0]))
    # the next frame 20 ms later: spread between the two timestamps
    nxt = bytes([0x02]) + (stamp + 20_000_000).to_bytes(8, "little") + bytes([0x01]) + bytes(12)
    assert d.decode(nxt) == Samples(a([[0, 0, 0], [0, 0, 0]]), None, np.array([1.01, 1.02]))


def test_polar_duplicate_and_old_frames() -> None:
    d = PolarDecoder(sample_rate_hz=100)
    frame = encode_frame(np.array([[0, 0, 1000]]), 5_000_000_000, compressed=False)
    d.decode(frame)
    with pytest.raises(PacketError) as exc:
        d.decode(frame)
    assert fault(exc) is PacketFault.DUPLICATE
    with pytest.raises(PacketError) as exc:
        d.decode(encode_frame(np.array([[0, 0, 1000]]), 4_990_000_000, compressed=False))
    assert fault(exc) is PacketFault.DUPLICATE
    # a clock far behind: the sensor restarted; accepted
    assert len(d.decode(encode_frame(np.array([[0, 0, 1000]]), 1_000_000, compressed=False))) == 1


def test_polar_delta_frame_by_hand() -> None:
    # reference (10, -5, 0) as int16, then one block of 4-bit deltas, 1 sample: (+2, -1, +3)
    # bits LSB first: 2 = 0010, -1 = 1111, 3 = 0011 -> nibbles 2, f, 3 -> bytes 0xf2, 0x03
    content = bytes.fromhex("0a00 fbff 0000".replace(" ", "")) + bytes([4, 1, 0xF2, 0x03])
    assert unpack_deltas(content, channels=3, resolution_bits=16).tolist() == [[10, -5, 0], [12, -6, 3]]


def test_polar_verity_compressed_frame() -> None:
    samples = np.array([[0, 0, 1000], [10, -20, 990], [-300, 200, 1005]])
    frame = encode_frame(samples, 2_000_000_000, compressed=True)
    assert frame[:10] == bytes([0x02]) + (2_000_000_000).to_bytes(8, "little") + bytes([0x80])
    out = PolarDecoder(sample_rate_hz=52).decode(frame)
    assert out == Samples(samples / 1000.0, None, 2.0 - np.array([2, 1, 0]) / 52)


def test_polar_gyro_frame_parses() -> None:
    frame = encode_frame(np.array([[100, -100, 0], [110, -90, 5]]), 7, compressed=True, measurement=PmdMeasurement.GYRO)
    parsed = parse_frame(frame, factor=0.5)
    assert parsed.measurement is PmdMeasurement.GYRO and parsed.stamp_ns == 7
    assert parsed.counts.tolist() == [[50.0, -50.0, 0.0], [55.0, -45.0, 2.5]]


@pytest.mark.parametrize("packet,kind", [
    (bytes(5), PacketFault.SHORT),
    (bytes([0x09]) + bytes(9), PacketFault.MALFORMED),  # not ACC or GYRO
    (bytes([0x02]) + bytes(8) + bytes([0x01]) + bytes(7), PacketFault.MALFORMED),  # not whole samples
    (bytes([0x02]) + bytes(8) + bytes([0x80]) + bytes(3), PacketFault.SHORT),  # no reference sample
    (bytes([0x02]) + bytes(8) + bytes([0x80]) + bytes(6) + bytes([8, 4, 1]), PacketFault.SHORT),  # block cut
])
def test_polar_bad_frames(packet: bytes, kind: PacketFault) -> None:
    with pytest.raises(PacketError) as exc:
        PolarDecoder(sample_rate_hz=100).decode(packet)
    assert fault(exc) is kind


def test_pack_deltas_round_trips_with_large_steps() -> None:
    rng = np.random.default_rng(1)
    s = np.cumsum(rng.integers(-3000, 3000, size=(12, 3)), axis=0)
    assert (unpack_deltas(pack_deltas(s), channels=3, resolution_bits=16) == s).all()


# ---------------------------------------------------------------------- Movesense
def test_movesense_subscribe_command() -> None:
    assert subscribe_command() == b"\x01\x63/Meas/IMU6/104"


def test_movesense_imu6_packet() -> None:
    g = 9.80665
    values = [0.0, 0.0, g, g, 0.0, 0.0, 1.5, -2.0, 0.25, 0.0, 0.0, 0.0]  # 2 acc samples then 2 gyro samples
    packet = bytes([2, 0x63]) + struct.pack("<I", 1000) + struct.pack("<12f", *values)
    out = MovesenseDecoder().decode(packet)
    acc = np.array([[0.0, 0.0, np.float32(g)], [np.float32(g), 0.0, 0.0]]) / g
    assert out == Samples(acc, a([[1.5, -2.0, 0.25], [0.0, 0.0, 0.0]]), np.array([1.0, 1.0 + 1 / 104]))


def test_movesense_two_part_packet_and_reply_and_duplicate() -> None:
    d = MovesenseDecoder()
    assert len(d.decode(bytes([1, 0x63, 0, 200]))) == 0  # the reply to the subscription
    values = struct.pack("<6f", 0, 0, 9.80665, 1, 2, 3)
    head = bytes([2, 0x63]) + struct.pack("<I", 50)
    assert len(d.decode(head + values[:8])) == 0
    out = d.decode(bytes([3, 0x63]) + values[8:])
    assert out == Samples(a([[0, 0, float(np.float32(9.80665)) / 9.80665]]), a([[1, 2, 3]]), np.array([0.05]))
    with pytest.raises(PacketError) as exc:
        d.decode(head + values)
    assert fault(exc) is PacketFault.DUPLICATE


@pytest.mark.parametrize("packet,kind", [(b"\x02", PacketFault.SHORT), (bytes([2, 0x63, 0, 0, 0, 0, 1]), PacketFault.SHORT),
                                         (bytes([2, 0x10]) + bytes(28), PacketFault.MALFORMED), (bytes([7, 0x63]) + bytes(28), PacketFault.MALFORMED),
                                         (bytes([3, 0x63]) + bytes(8), PacketFault.MALFORMED)])
def test_movesense_bad_packets(packet: bytes, kind: PacketFault) -> None:
    with pytest.raises(PacketError) as exc:
        MovesenseDecoder().decode(packet)
    assert fault(exc) is kind


# ---------------------------------------------------------------------- Thingy:52
def test_thingy_raw_data() -> None:
    # accel Q6.10: 1024 = 1 g, -512 = -0.5 g; gyro Q11.5: 32 = 1 deg/s, -320 = -10; compass ignored
    packet = struct.pack("<9h", 1024, -512, 0, 32, -320, 16, 7, 8, 9)
    assert ThingyDecoder().decode(packet) == Samples(a([[1.0, -0.5, 0.0]]), a([[1.0, -10.0, 0.5]]))
    with pytest.raises(PacketError) as exc:
        ThingyDecoder().decode(packet[:10])
    assert fault(exc) is PacketFault.SHORT


# ---------------------------------------------------------------------- every built-in profile
@pytest.mark.parametrize("profile", BUILT_IN, ids=[p.kind for p in BUILT_IN])
def test_encoders_round_trip_through_the_decoders(profile) -> None:  # type: ignore[no-untyped-def]
    t = np.arange(20) / profile.sample_rate_hz
    acc = np.column_stack([np.sin(t), np.cos(t), np.full(20, 0.5)]).round(3)
    gyr = np.column_stack([10 * t, -5 * t, np.zeros(20)]).round(1) if profile.has_gyro else None
    d = profile.decoder()
    parts = [d.decode(p) for p in profile.encoder(acc, gyr, t)]
    got = np.concatenate([p.accel_g for p in parts])
    assert np.allclose(got, acc, atol=2e-3)
    if profile.has_gyro:
        assert np.allclose(np.concatenate([p.gyro_dps for p in parts]), gyr, atol=0.1)
    if profile.timestamped:
        st = np.concatenate([p.sensor_t_s for p in parts])
        assert np.allclose(np.diff(st), 1 / profile.sample_rate_hz, atol=1.5e-3)


def test_recognise_by_service_and_name() -> None:
    assert recognise("BBC micro:bit [zotip]", []) is by_kind("micro:bit")
    assert recognise(None, ["0000FFE5-0000-1000-8000-00805F9A34FB"]) is by_kind("witmotion")
    assert recognise("Polar Sense B5A7", ["fb005c80-02e7-f387-1cad-8acd2d8df0c8"]) is by_kind("polar-verity")
    assert recognise("Polar H10 1234", ["fb005c80-02e7-f387-1cad-8acd2d8df0c8"]) is by_kind("polar-h10")
    assert recognise("Headphones", ["0000110b-0000-1000-8000-00805f9b34fb"]) is None


# ---------------------------------------------------------------------- TOML profiles
TOML = """
name = "Nordic UART IMU"
service = "6e400001-b5a3-f393-e0a9-e50e24dcca9e"
notify = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"
sample_rate_hz = 50
name_prefixes = ["NUS-IMU"]

[[start]]
char = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"
bytes = "01 32"
with_response = false

[frame]
header = "AA"
format = "<hhhhhhI"
accel = [0, 1, 2]
accel_scale_g = 0.001
gyro = [3, 4, 5]
gyro_scale_dps = 0.5
timestamp = 6
timestamp_scale_s = 0.001
"""


def test_toml_profile_decodes_its_layout() -> None:
    p = profile_from_toml(TOML)
    assert (p.kind, p.sample_rate_hz, p.has_gyro, p.timestamped, p.name_prefixes) == ("nordic-uart-imu", 50.0, True, True, ("NUS-IMU",))
    assert p.start[0].payload == b"\x01\x32" and not p.start[0].with_response
    packet = b"\xaa" + struct.pack("<hhhhhhI", 1000, 0, -250, 2, 4, -6, 1500) + struct.pack("<hhhhhhI", 0, 500, 0, 0, 0, 0, 1520)
    assert p.decoder().decode(packet) == Samples(a([[1.0, 0.0, -0.25], [0.0, 0.5, 0.0]]), a([[1.0, 2.0, -3.0], [0, 0, 0]]),
                                                 np.array([1.5, 1.52]))
    with pytest.raises(PacketError) as exc:
        p.decoder().decode(b"\xbb" + bytes(16))
    assert fault(exc) is PacketFault.MALFORMED
    with pytest.raises(PacketError) as exc:
        p.decoder().decode(b"\xaa" + bytes(30))
    assert fault(exc) is PacketFault.MALFORMED
    with pytest.raises(PacketError) as exc:
        p.decoder().decode(b"\xaa" + bytes(3))
    assert fault(exc) is PacketFault.SHORT


@pytest.mark.parametrize("change,message", [
    (("sample_rate_hz = 50", "sample_rate_hz = 0"), "sample_rate_hz is a non-zero number"),
    (("sample_rate_hz = 50", "sample_rate_hz = 99999"), "sample_rate_hz is a sample rate a wearable sends"),
    (('format = "<hhhhhhI"', 'format = "hhh"'), "frame.format is struct codes"),
    (("accel = [0, 1, 2]", "accel = [0, 1, 9]"), "frame.accel is three field indices"),
    (('notify = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"', 'notify = "uart"'), "notify is a UUID"),
    (('bytes = "01 32"', 'bytes = "zz"'), "start[0].bytes is bytes in hex"),
    (("sample_rate_hz = 50", "sample_rate_hz = 50\ncolour = 1"), "unknown key 'colour'"),
    (("name = \"Nordic UART IMU\"", ""), "name is missing"),
    (("[frame]", "[frame\n"), "not a TOML file"),
])
def test_toml_profile_mistakes_are_one_line(change: tuple[str, str], message: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.toml"
    path.write_text(TOML.replace(*change))
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    assert message in str(exc.value) and str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_missing_profile_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path / "none.toml")
