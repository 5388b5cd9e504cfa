"""Damaged recordings for the fuzz test (tests/test_fuzz_recordings.py), and the driver that
feeds them to ``analyze``, ``import`` and ``record`` in one child process.

Each case is a bundled sample with one kind of damage (values, rates, timestamps, metadata,
structure) drawn from a seeded generator, so a failing case is reproduced by its number:

    python tests/fuzz_recordings.py --first 17 --count 1 --show

The driver runs the CLI's ``main`` in-process for each case (a child process each would take
minutes), under an address-space limit, and prints one JSON line per case: exit code, stderr,
whether an exception escaped ``main`` (a traceback) or a RuntimeWarning was raised, and the
process's peak RSS at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import resource
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"

#: (main file, pelvis file or None, exercise): small files keep 300 cases fast
BASES = (
    ("clamshell.csv", None, "clamshell"),
    ("standing-hip-abduction.csv", "standing-hip-abduction.pelvis.csv", "standing-hip-abduction"),
    ("hip-raise.csv", None, "hip-raise"),
)
COMMANDS = ("analyze", "import", "record")

Lines = list[str]


@dataclass(frozen=True)
class Damage:
    name: str
    apply: Callable[[Lines, random.Random], Lines]
    #: words one of which a warning must contain when the command still succeeds (None: it must
    #: be refused, unless it is in BENIGN)
    warned_by: tuple[str, ...] | None


def _split(lines: Lines) -> tuple[Lines, int]:
    """The lines and the index of the header row."""
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines, header


def _rows(lines: Lines) -> range:
    _, h = _split(lines)
    return range(h + 1, len(lines))


def _set_cell(lines: Lines, rng: random.Random, value: str, *, column: int | None = None, count: int = 1) -> Lines:
    out = list(lines)
    ncol = len(out[_split(out)[1]].split(","))
    for i in rng.sample(list(_rows(out)), count):
        cells = out[i].split(",")
        c = column if column is not None else rng.randrange(1, ncol)
        cells[min(c, len(cells) - 1)] = value
        out[i] = ",".join(cells)
    return out


def _meta(lines: Lines, key: str, value: str) -> Lines:
    out = [line for line in lines if not line.lower().startswith(f"# {key}:")]
    return [f"# {key}: {value}", *out]


def _huge_value(lines: Lines, rng: random.Random) -> Lines:
    return _set_cell(lines, rng, rng.choice(["1e30", "-1e30", "1e308", "-1e308", "3.4e38", "99999"]), count=rng.randint(1, 12))


def _gyro_spike(lines: Lines, rng: random.Random) -> Lines:
    if "gx" not in lines[_split(lines)[1]]:
        return _huge_value(lines, rng)
    return _set_cell(lines, rng, rng.choice(["5000", "-4500", "1e9"]), column=rng.randint(4, 6), count=rng.randint(1, 5))


def _infinite(lines: Lines, rng: random.Random) -> Lines:
    return _set_cell(lines, rng, rng.choice(["inf", "-inf", "Infinity"]), count=rng.randint(1, 5))


def _nan_run(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    rows = list(_rows(out))
    start = rng.randrange(len(rows) - 50)
    for i in rows[start:start + rng.randint(3, 40)]:
        cells = out[i].split(",")
        out[i] = ",".join([cells[0]] + ["nan"] * (len(cells) - 1))
    return out


def _not_a_number(lines: Lines, rng: random.Random) -> Lines:
    return _set_cell(lines, rng, rng.choice(["abc", "", "1,2", "0x10", "--1", "1e", "NaNx"]))


def _rate_meta(lines: Lines, rng: random.Random) -> Lines:
    return _meta(lines, "sample_rate_hz", rng.choice(["1e7", "1e300", "0", "-50", "nan", "inf", "0.0001", "abc", "3000", "5", "1e-300"]))


def _duplicate_time(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    i = rng.choice(list(_rows(out))[1:])
    cells = out[i].split(",")
    cells[0] = out[i - 1].split(",")[0]
    out[i] = ",".join(cells)
    return out


def _backwards_time(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    i = rng.choice(list(_rows(out))[5:])
    cells = out[i].split(",")
    cells[0] = f"{float(cells[0]) - rng.uniform(0.5, 100):.6f}"
    out[i] = ",".join(cells)
    return out


def _time_jump(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    rows = list(_rows(out))
    start = rng.randrange(len(rows) // 2, len(rows) - 1)
    jump = rng.choice([1.5, 5.0, 600.0, 1e6, 1e12])
    for i in rows[start:]:
        cells = out[i].split(",")
        cells[0] = f"{float(cells[0]) + jump:.6f}"
        out[i] = ",".join(cells)
    return out


def _bad_time(lines: Lines, rng: random.Random) -> Lines:
    return _set_cell(lines, rng, rng.choice(["nan", "inf", "1e300", "-1e300", "x"]), column=0)


def _meta_junk(lines: Lines, rng: random.Random) -> Lines:
    key, value = rng.choice([("placement", "elbow"), ("simulated", "perhaps"), ("side", "middle"), ("exercise", "juggling")])
    return _meta(lines, key, value)


def _meta_repeated(lines: Lines, rng: random.Random) -> Lines:
    return ["# placement: thigh", *lines[:1], "# placement: shank", *lines[1:]] if rng.random() < 0.5 else ["# sensor: a", "# sensor: b", *lines]


def _meta_unknown(lines: Lines, rng: random.Random) -> Lines:
    return [f"# colour_{rng.randint(0, 99)}: blue", *lines]


def _crlf(lines: Lines, rng: random.Random) -> Lines:
    return [line + "\r" for line in lines]


def _truncated(lines: Lines, rng: random.Random) -> Lines:
    """Cut short in the middle of a line, a cell or more short (a cut inside the last number
    leaves a shorter number: no reader can tell)."""
    out = list(lines[: rng.randrange(_split(lines)[1] + 2, len(lines))])
    out[-1] = out[-1][: rng.randrange(1, out[-1].rindex(","))]
    return out


def _header_broken(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    h = _split(out)[1]
    out[h] = rng.choice(["t,ax,ay", "time,x,y,z", "", "t,ax,ay,az,gx", "t,ax,ax,az", "\x00\x01\x02"])
    return out


def _extra_column(lines: Lines, rng: random.Random) -> Lines:
    i = rng.choice(list(_rows(lines)))
    out = list(lines)
    out[i] = out[i] + ",1.0"
    return out


def _binary_junk(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    i = rng.choice(list(_rows(out)))
    out[i] = "".join(chr(rng.randrange(0, 256)) for _ in range(rng.randint(1, 40)))
    return out


def _empty(lines: Lines, rng: random.Random) -> Lines:
    return rng.choice([[], lines[: _split(lines)[1] + 1], ["# sensor: x"]])


def _ms2_units(lines: Lines, rng: random.Random) -> Lines:
    out = list(lines)
    for i in _rows(out):
        cells = out[i].split(",")
        cells[1:4] = [f"{float(c) * 9.80665:.5f}" for c in cells[1:4]]
        out[i] = ",".join(cells)
    return out


DAMAGES = (
    Damage("huge value", _huge_value, ("range", "drop-out", "gap")),
    Damage("gyro spike", _gyro_spike, ("range", "drop-out", "gap")),
    Damage("infinite value", _infinite, ("range", "drop-out", "gap", "nan", "not finite")),
    Damage("NaN run", _nan_run, ("nan", "gap", "missing")),
    Damage("not a number", _not_a_number, None),  # a broken cell: refused (exit 2), never silently read
    Damage("sample rate metadata", _rate_meta, ("rate",)),
    Damage("duplicate time", _duplicate_time, None),
    Damage("backwards time", _backwards_time, None),
    Damage("time jump", _time_jump, ("gap",)),
    Damage("bad time", _bad_time, ("drop-out", "time")),  # a NaN time is a drop-out row; others are refused
    Damage("metadata junk", _meta_junk, ("placement", "simulated", "side", "exercise")),
    Damage("metadata repeated", _meta_repeated, ("twice", "given", "last")),
    Damage("metadata unknown", _meta_unknown, None),
    Damage("CRLF", _crlf, None),
    Damage("truncated", _truncated, ("line", "truncated", "incomplete", "last")),
    Damage("header broken", _header_broken, ("column",)),
    Damage("extra column", _extra_column, None),
    Damage("binary junk", _binary_junk, None),
    Damage("empty", _empty, None),
    Damage("m/s2 units", _ms2_units, ("m/s",)),
)

#: damage that changes nothing a user must hear of: an unknown key is kept as it is, CRLF is read
#: as LF. Every other damage is refused (exit 2, ``warned_by`` None: the file cannot be read as
#: written) or, when the recording is still usable, named in a warning.
BENIGN = {"metadata unknown", "CRLF"}


@dataclass(frozen=True)
class Case:
    number: int
    base: tuple[str, str | None, str]
    damage: Damage
    command: str
    damage_pelvis: bool


def case(number: int) -> Case:
    rng = random.Random(number)
    base = BASES[number % len(BASES)]
    return Case(number, base, DAMAGES[rng.randrange(len(DAMAGES))], COMMANDS[(number // len(BASES)) % len(COMMANDS)],
                damage_pelvis=base[1] is not None and rng.random() < 0.25)


def write_case(c: Case, folder: Path) -> tuple[Path, Path | None]:
    rng = random.Random(10_000 + c.number)
    main_name, pelvis_name, _ = c.base
    main_lines = (SAMPLES / main_name).read_text().splitlines()
    pelvis_lines = (SAMPLES / pelvis_name).read_text().splitlines() if pelvis_name else None
    if c.damage_pelvis and pelvis_lines is not None:
        pelvis_lines = c.damage.apply(pelvis_lines, rng)
    else:
        main_lines = c.damage.apply(main_lines, rng)
    main = folder / f"case{c.number}.csv"
    main.write_text("\n".join(main_lines) + ("\n" if main_lines else ""), encoding="utf-8", errors="surrogateescape")
    pelvis = None
    if pelvis_lines is not None:
        pelvis = folder / f"case{c.number}.pelvis.csv"
        pelvis.write_text("\n".join(pelvis_lines) + "\n", encoding="utf-8", errors="surrogateescape")
    return main, pelvis


def argv_for(c: Case, main: Path, pelvis: Path | None, db: Path) -> list[str]:
    exercise = c.base[2]
    extra = ["--pelvis", str(pelvis)] if pelvis else []
    if c.command == "analyze":
        return ["analyze", str(main), "--exercise", exercise, *extra]
    if c.command == "import":
        return ["import", str(main), "--exercise", exercise, "--person", "fuzz", "--db", str(db), *extra]
    return ["record", "--source", str(main), "--exercise", exercise, "--person", "fuzz", "--db", str(db), "--speed", "max", "--plain",
            *extra]


def run_case(c: Case, folder: Path) -> dict[str, object]:
    from tracker.cli import main as reptrack

    main, pelvis = write_case(c, folder)
    argv = argv_for(c, main, pelvis, folder / "fuzz.db")
    out, err = io.StringIO(), io.StringIO()
    escaped = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        warnings.simplefilter("always")
        try:
            code = reptrack(argv)
        except SystemExit as stop:  # argparse
            code = stop.code if isinstance(stop.code, int) else 2
        except BaseException:  # noqa: BLE001 - a traceback is what this test looks for
            code, escaped = -1, traceback.format_exc()
    runtime = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught if issubclass(w.category, RuntimeWarning)]
    return {"case": c.number, "damage": c.damage.name, "pelvis": c.damage_pelvis, "command": c.command, "argv": argv, "code": code,
            "stderr": err.getvalue(), "traceback": escaped, "runtime_warnings": runtime}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--step", type=int, default=1, help="every STEP-th case (two children share the cases)")
    p.add_argument("--memory-limit-mb", type=int, default=0, help="address-space limit of this process (0: none)")
    p.add_argument("--show", action="store_true", help="print each result readably")
    args = p.parse_args(argv)
    if args.memory_limit_mb:
        limit = args.memory_limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.first, args.first + args.count, args.step):
            result = run_case(case(n), Path(tmp))
            print(json.dumps(result, indent=1 if args.show else None), flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mb": peak_mb}), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
