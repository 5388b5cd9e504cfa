"""Tests of the ``reptrack`` command line (tracker.cli), run in-process.

Every user error must give exit code 2 and exactly one line on stderr that names the
problem (and the line of the file where there is one), never a traceback; damaged but
usable data must be analysed with a warning.  One test runs the installed console script.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tracker.cli import main
from tracker.core.exercises import FlagKind

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
SIDE_LYING = SAMPLES / "side-lying-hip-abduction.csv"
SIDE_LYING_PELVIS = SAMPLES / "side-lying-hip-abduction.pelvis.csv"
#: 25 Hz, gyro, one set, no drop-outs: the base of the damaged-but-usable cases.
STANDING = SAMPLES / "standing-hip-abduction.csv"
STANDING_ARGS = ("--exercise", "standing-hip-abduction")

KNOWN_FLAGS = {k.value for k in FlagKind}
REP_FIELDS = ("start_s", "peak_s", "end_s", "rom_deg", "duration_s", "flags")

Cli = Callable[..., tuple[int, str, str]]


def run_quietly(*argv: object) -> tuple[int, str, str]:
    """Run the CLI, capturing stdout/stderr without pytest's capsys (for module fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def analyze_json(cli: Cli, *argv: object) -> dict[str, Any]:
    code, out, err = cli("analyze", *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def assert_one_line_error(result: tuple[int, str, str], *fragments: str) -> str:
    code, out, err = result
    assert code == 2, (code, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("reptrack: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


# --------------------------------------------------------------------------- analyze: output
def test_analyze_json_schema_and_consistency(cli: Cli) -> None:
    d = analyze_json(cli, SIDE_LYING, "--exercise", "side-lying-hip-abduction", "--pelvis", SIDE_LYING_PELVIS,
                     "--hold-s", "2")
    assert d["exercise"] == "side-lying-hip-abduction"
    assert d["placement"] == "thigh"
    assert d["has_gyro"] is True
    assert type(d["rep_count"]) is int
    assert d["rep_count"] == len(d["reps"]) > 0
    assert isinstance(d["sets"], list) and d["sets"]
    assert sum(s["rep_count"] for s in d["sets"]) == d["rep_count"]
    set_indices = {s["index"] for s in d["sets"]}
    assert isinstance(d["gaps"], list) and isinstance(d["warnings"], list)
    for rep in d["reps"]:
        for field in REP_FIELDS:
            assert field in rep, field
        assert isinstance(rep["flags"], list)
        assert set(rep["flags"]) <= KNOWN_FLAGS, rep["flags"]
        assert rep["start_s"] < rep["peak_s"] < rep["end_s"]
        assert rep["duration_s"] == pytest.approx(rep["end_s"] - rep["start_s"], abs=0.002)
        assert rep["rom_deg"] > 0
        assert rep["set"] in set_indices
    starts = [r["start_s"] for r in d["reps"]]
    assert starts == sorted(starts)


def test_analyze_text_report_lists_sets_and_reps(cli: Cli) -> None:
    d = analyze_json(cli, STANDING, *STANDING_ARGS)
    code, out, err = cli("analyze", STANDING, *STANDING_ARGS)
    assert code == 0, err
    n_sets = len(d["sets"])
    assert f"{d['rep_count']} reps in {n_sets} set" in out
    for k in range(1, n_sets + 1):
        assert re.search(rf"^Set {k}: \d+ reps, ", out, re.MULTILINE), out
    # one line per rep: "  <index>  <m:ss.s>  <range>° ..."
    rep_lines = re.findall(r"^\s+(\d+)\s+\d+:\d\d\.\d\s+[\d.]+°", out, re.MULTILINE)
    assert [int(i) for i in rep_lines] == [r["index"] for r in d["reps"]]


def test_analyze_with_pelvis_reports_pelvis_angles(cli: Cli) -> None:
    args = (SIDE_LYING, "--exercise", "side-lying-hip-abduction", "--hold-s", "2")
    alone = analyze_json(cli, *args)
    both = analyze_json(cli, *args, "--pelvis", SIDE_LYING_PELVIS)
    assert alone["reps"] and both["reps"]
    assert all(r["pelvis_tilt_deg"] is None for r in alone["reps"])
    assert all(isinstance(r["pelvis_tilt_deg"], float) for r in both["reps"])


def test_analyze_pelvis_sample_as_main_sensor_rejects_a_second_pelvis(cli: Cli) -> None:
    assert_one_line_error(
        cli("analyze", SAMPLES / "hip-raise.csv", "--exercise", "hip-raise", "--pelvis", SIDE_LYING_PELVIS), "--pelvis")


# --------------------------------------------------------------------------- analyze: bad input
def _rows(n: int = 20, rate_hz: float = 50.0) -> list[str]:
    return [f"{i / rate_hz:.2f},0.010,-0.980,0.050" for i in range(n)]


def _text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


_R = _rows()
# name -> (file text, fragments the one error line must contain); data line k is file line k + 2.
BAD_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty file": ("", ("empty",)),
    "no header row": (_text(*_R), ("line 1", "no header row")),
    "missing column": (_text("t,ax,az", *(",".join(r.split(",")[:2] + r.split(",")[3:]) for r in _R)),
                       ("line 1", "missing required column 'ay'")),
    "non-numeric cell": (_text("t,ax,ay,az", *_R[:4], "0.08,0.010,abc,0.050", *_R[5:]),
                         ("line 6", "non-numeric value 'abc'", "'ay'")),
    "duplicate timestamp": (_text("t,ax,ay,az", *_R[:7], "0.12,0.010,-0.980,0.050", *_R[8:]),
                            ("line 9", "duplicate timestamp")),
    "timestamps going back": (_text("t,ax,ay,az", *_R[:7], "0.10,0.010,-0.980,0.050", *_R[8:]),
                              ("line 9", "backwards")),
    "no t column and no rate": (_text("ax,ay,az", *(r.split(",", 1)[1] for r in _R)),
                                ("no 't' column", "--rate-hz")),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_analyze_bad_file_is_one_line_and_exit_2(cli: Cli, tmp_path: Path, name: str) -> None:
    text, fragments = BAD_FILES[name]
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(cli("analyze", path, *STANDING_ARGS), str(path), *fragments)


def test_analyze_bad_exercise_placement_and_missing_files(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("analyze", STANDING, "--exercise", "lunges"), "unknown exercise 'lunges'")
    assert_one_line_error(cli("analyze", STANDING, *STANDING_ARGS, "--placement", "knee"), "unknown placement 'knee'")
    missing = tmp_path / "nope.csv"
    assert_one_line_error(cli("analyze", missing, *STANDING_ARGS), str(missing))
    assert_one_line_error(cli("analyze", STANDING, *STANDING_ARGS, "--pelvis", missing), str(missing))


# --------------------------------------------------------------------------- analyze: damaged but usable
def _split(path: Path) -> tuple[list[str], list[str]]:
    """(metadata + header lines, data lines) of a sample file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    return lines[: header + 1], lines[header + 1:]


@pytest.fixture(scope="module")
def standing_reference() -> dict[str, Any]:
    code, out, err = run_quietly("analyze", STANDING, *STANDING_ARGS, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["rep_count"] > 0 and d["gaps"] == [] and d["warnings"] == []
    return d


def test_analyze_nan_run_is_a_dropout_warning(cli: Cli, tmp_path: Path, standing_reference: dict[str, Any]) -> None:
    head, data = _split(STANDING)
    first, last = 10, 14  # data rows 10-14 (0.4-0.6 s, before the first rep)
    for i in range(first, last + 1):
        data[i] = data[i].split(",")[0] + "," + ",".join(["nan"] * (len(data[i].split(",")) - 1))
    path = tmp_path / "dropout.csv"
    path.write_text(_text(*head, *data), encoding="utf-8")
    d = analyze_json(cli, path, *STANDING_ARGS)
    line0 = len(head) + first + 1
    assert any(f"drop-out on lines {line0}-{line0 + last - first}" in w for w in d["warnings"]), d["warnings"]
    assert d["rep_count"] == standing_reference["rep_count"]


def test_analyze_time_gap_is_reported_and_analysis_goes_on(cli: Cli, tmp_path: Path,
                                                          standing_reference: dict[str, Any]) -> None:
    head, data = _split(STANDING)
    k = 25  # a 6 s hole after about 1 s of the initial still period
    t_before = float(data[k - 1].split(",")[0])
    for i in range(k, len(data)):
        t, rest = data[i].split(",", 1)
        data[i] = f"{float(t) + 6.0:.6f},{rest}"
    path = tmp_path / "gap.csv"
    path.write_text(_text(*head, *data), encoding="utf-8")
    d = analyze_json(cli, path, *STANDING_ARGS)
    assert any("time gap" in w for w in d["warnings"]), d["warnings"]
    assert len(d["gaps"]) == 1
    assert d["gaps"][0]["start_s"] == pytest.approx(t_before, abs=0.001)
    assert d["gaps"][0]["end_s"] - d["gaps"][0]["start_s"] == pytest.approx(6.04, abs=0.05)
    assert d["rep_count"] == standing_reference["rep_count"]
    # the text report names the gap too
    code, out, _ = cli("analyze", path, *STANDING_ARGS)
    assert code == 0 and "1 data gap(s)" in out


def test_analyze_values_in_m_s2_are_converted(cli: Cli, tmp_path: Path, standing_reference: dict[str, Any]) -> None:
    head, data = _split(STANDING)
    scaled = []
    for line in data:
        cells = line.split(",")
        cells[1:4] = [f"{float(c) * 9.80665:.5f}" for c in cells[1:4]]
        scaled.append(",".join(cells))
    path = tmp_path / "ms2.csv"
    path.write_text(_text(*head, *scaled), encoding="utf-8")
    d = analyze_json(cli, path, *STANDING_ARGS)
    assert any("m/s²" in w and "converted to g" in w for w in d["warnings"]), d["warnings"]
    assert d["rep_count"] == standing_reference["rep_count"]


def test_analyze_file_without_t_needs_a_rate(cli: Cli, tmp_path: Path, standing_reference: dict[str, Any]) -> None:
    _, data = _split(STANDING)
    path = tmp_path / "no_t.csv"  # no metadata either, so the rate is nowhere in the file
    path.write_text(_text("ax,ay,az,gx,gy,gz", *(line.split(",", 1)[1] for line in data)), encoding="utf-8")
    assert_one_line_error(cli("analyze", path, *STANDING_ARGS), str(path), "line 1", "--rate-hz")
    d = analyze_json(cli, path, *STANDING_ARGS, "--rate-hz", "25")
    assert d["sample_rate_hz"] == 25.0
    assert d["duration_s"] == pytest.approx((len(data) - 1) / 25.0, abs=0.001)
    assert d["rep_count"] == standing_reference["rep_count"]


# --------------------------------------------------------------------------- simulate and eval
@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("sim")
    code, stdout, err = run_quietly("simulate", "--exercise", "clamshell", "--seed", "5", "--out", out,
                                    "--rate-hz", "25", "--sets", "1", "--no-setup", "--count", "2")
    assert code == 0, err
    return out, stdout


def test_simulate_writes_csv_pelvis_and_labels(simulated: tuple[Path, str]) -> None:
    out, stdout = simulated
    for seed in (5, 6):
        stem = out / f"clamshell-thigh-seed{seed}"
        assert f"{stem}.csv:" in stdout
        csv_text = Path(f"{stem}.csv").read_text(encoding="utf-8")
        assert "# simulated: true" in csv_text.splitlines()[:12]
        assert Path(f"{stem}.pelvis.csv").is_file()
        labels = json.loads(Path(f"{stem}.labels.json").read_text(encoding="utf-8"))
        assert labels["exercise"] == "clamshell" and labels["placement"] == "thigh"
        assert labels["rep_count"] == len(labels["reps"]) >= 8
        duration = labels["duration_s"]
        for rep in labels["reps"]:
            assert 0 <= rep["start_s"] < rep["end_s"] <= duration
            assert set(rep["flags"]) <= KNOWN_FLAGS


def test_simulate_unknown_exercise_is_one_line(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("simulate", "--exercise", "lunges", "--out", tmp_path), "unknown exercise 'lunges'")
    assert list(tmp_path.iterdir()) == []


def test_eval_directory_json(cli: Cli, simulated: tuple[Path, str]) -> None:
    out, _ = simulated
    code, stdout, err = cli("eval", out, "--json")
    assert code == 0, err
    d = json.loads(stdout)
    overall = d["overall"]
    assert overall["sets"] == 2 and overall["recordings"] == 2
    for key in ("exact_pct", "within1_pct"):
        assert 0.0 <= overall[key] <= 100.0
    assert overall["exact_pct"] <= overall["within1_pct"]
    assert list(d["groups"]) == ["clamshell/thigh"]
    assert d["failures"] == []


def test_eval_scores_the_flags_of_sensors_with_a_gyro_and_without_one_apart(cli: Cli, tmp_path: Path) -> None:
    # the flags' targets are for sensors with a gyro; without one jerky is judged otherwise
    for seed, extra in (("5", ()), ("9", ("--no-gyro",))):  # (--count 2 from seed 5: seeds 5 and 6)
        code, _, err = cli("simulate", "--exercise", "side-lying-hip-abduction", "--seed", seed, "--out", tmp_path / "c",
                           "--fault-rate", "0.5", "--count", "2" if not extra else "1", *extra)
        assert code == 0, err
    code, stdout, err = cli("eval", tmp_path / "c", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    kinds = d["by_sensor"]
    assert set(kinds) == {"gyro", "accel only"}
    assert kinds["gyro"]["recordings"] == 2 and kinds["accel only"]["recordings"] == 1
    for flag, c in d["overall"]["flags"].items():  # each match counted once, under its own sensor
        for k in ("tp", "fp", "fn"):
            assert c[k] == sum(v["flags"][flag][k] for v in kinds.values() if flag in v["flags"]), (flag, k)
    code, text, err = cli("eval", tmp_path / "c")
    assert code == 0, err
    assert "Flags (matched reps, sensors with a gyro)" in text and "Flags (matched reps, accelerometer only)" in text


def test_eval_misses_lists_exactly_the_sets_counted_wrong(cli: Cli, simulated: tuple[Path, str]) -> None:
    out, _ = simulated
    code, stdout, err = cli("eval", out, "--misses", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    sets, exact = d["overall"]["sets"], d["overall"]["exact_pct"]
    assert len(d["misses"]) == round(sets * (100.0 - exact) / 100.0)
    code, text, err = cli("eval", out, "--misses")
    assert code == 0, err
    assert f"Sets counted wrong ({len(d['misses'])})" in text


def test_eval_empty_folder_and_missing_dataset_are_one_line(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("eval", tmp_path), str(tmp_path), "labels.json")
    missing = tmp_path / "no-such-uci"
    assert_one_line_error(cli("eval", "--dataset", "uci-pt", missing), str(missing))


def test_eval_uci_json(cli: Cli, uci_root: Path) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert d["overall"]["sets"] > 0
    for key in ("exact_pct", "within1_pct"):
        assert 0.0 <= d["overall"][key] <= 100.0
    assert d["groups"] and all("/" in g for g in d["groups"])
    assert d["recordings"] and all(len(r["counts"]) == len(r["errors"]) for r in d["recordings"])


def test_eval_uci_one_subject_every_placement(cli: Cli, uci_root: Path) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--placements", "all", "--subject", "s1", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert d["placements"] == "all" and d["subject"] == "s1"
    names = [r["recording"] for r in d["recordings"]]
    assert names and all(n.startswith("s1/") for n in names)
    # thigh and shank for every exercise: two units per exercise folder
    assert {n.rsplit("/", 1)[1] for n in names} == {"u2", "u3"}
    assert len(names) == 2 * len({n.rsplit("/", 1)[0] for n in names})
    assert d["overall"]["sets"] == 3 * len(names)


def test_eval_uci_template_sessions_are_one_set_of_nine_reps_each(cli: Cli, uci_root: Path) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--placements", "all", "--subject", "s1",
                            "--sessions", "template", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert d["session"] == "template" and "template sessions" in d["title"]
    rows = d["recordings"]
    assert len(rows) == 8  # four exercises, thigh and shank
    assert d["overall"]["sets"] == len(rows)
    for r in rows:
        assert list(r["counts"]) == ["session"] and r["errors"] == [r["counts"]["session"] - 9]
    assert "block_flag_shares" not in d  # no windows: no blocks
    assert d["overall"]["recordings_without_false_rep_pct"] is None  # no setup or idle time outside the one set
    code, text, err = cli("eval", "--dataset", "uci-pt", uci_root, "--subject", "s1", "--sessions", "template")
    assert code == 0, err
    assert "Flags: not scored (no labelled reps)" in text
    assert_one_line_error(cli("eval", "--dataset", "uci-pt", uci_root, "--sessions", "template", "--latency"), "--latency")


def test_eval_uci_unknown_subject_and_options_without_dataset_are_one_line(cli: Cli, uci_root: Path, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(cli("eval", "--dataset", "uci-pt", uci_root, "--subject", "s9"), "s9")
    assert_one_line_error(cli("eval", tmp_path, "--subject", "s1"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", tmp_path, "--tempo", "1.5"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", tmp_path, "--gyro-offset", "8"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", tmp_path, "--no-gyro"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", tmp_path, "--sessions", "template"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", tmp_path, "--gyro-gain", "2"), "--dataset uci-pt")
    assert_one_line_error(cli("eval", "--dataset", "uci-pt", tmp_path, "--no-gyro", "--gyro-gain", "2"), "--no-gyro", "--gyro-gain")
    assert_one_line_error(cli("eval", "--dataset", "uci-pt", tmp_path, "--no-gyro", "--gyro-offset", "8"), "--no-gyro", "--gyro-offset")
    with pytest.raises(SystemExit) as refused:  # argparse's refusal of a value out of its range
        cli("eval", "--dataset", "uci-pt", uci_root, "--gyro-offset", "-3")
    assert refused.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("reptrack: error: --gyro-offset is a gyro offset, 0-50 deg/s"), line


@pytest.mark.parametrize("option, value, subject, noted", [
    # 12 deg/s more on every gyro: at rest it never read under the still speed (8 deg/s), no
    # reference posture was taken and every block counted 0; the offset's excess is taken off
    ("--gyro-offset", "12", "s2", "12 deg/s added to every gyro"),
    # a full-scale range decoded as the next one up: every gyro reads twice the rate of turn;
    # subject 1's sensors are doubted for the fusion once gravity shows it (measured 100 % within one)
    ("--gyro-gain", "2", "s1", "every gyro's reading times 2"),
])
def test_eval_uci_with_gyros_out_of_calibration_still_counts(cli: Cli, uci_root: Path, option: str, value: str,
                                                             subject: str, noted: str) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--placements", "all", "--subject", subject,
                            option, value, "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert noted in d["title"]
    assert d["overall"]["within1_pct"] >= 90.0


def test_the_analysis_report_says_jerky_is_less_certain_only_without_a_gyro(cli: Cli, tmp_path: Path) -> None:
    accel_only = (SAMPLES / "prone-leg-lift-accel-only.csv", "--exercise", "prone-leg-lift")
    code, out, err = cli("analyze", *accel_only)
    assert code == 0, err
    assert "Note: this sensor has no gyro, so jerky is less certain" in out
    assert any("jerky is less certain" in n for n in analyze_json(cli, *accel_only)["notes"])
    code, out, err = cli("analyze", SIDE_LYING, "--exercise", "side-lying-hip-abduction")
    assert code == 0, err
    assert "with gyro" in out and "jerky is less certain" not in out
    assert analyze_json(cli, SIDE_LYING, "--exercise", "side-lying-hip-abduction")["notes"] == []
    # the stored session's report says it too
    db = tmp_path / "s.db"
    code, _, err = cli("import", *accel_only, "--person", "Ann", "--db", db)
    assert code == 0, err
    code, out, err = cli("show", "1", "--db", db)
    assert code == 0, err
    assert "Note: this sensor has no gyro, so jerky is less certain" in out


def test_eval_uci_from_the_accelerometer_alone_gives_the_engine_no_gyro(cli: Cli, uci_root: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.evaluation.runner as runner

    seen: list[bool] = []  # whether each recording the engine was given (counted and streamed) had a gyro
    analyze, stream = runner.analyze_recording, runner.stream_in_chunks

    def analyze_seen(recording: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(recording.has_gyro)
        return analyze(recording, *args, **kwargs)

    def stream_seen(setup: Any, recording: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(recording.has_gyro)
        return stream(setup, recording, *args, **kwargs)

    monkeypatch.setattr(runner, "analyze_recording", analyze_seen)
    monkeypatch.setattr(runner, "stream_in_chunks", stream_seen)
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--subject", "s1", "--tempo", "1.5", "--latency",
                            "--no-gyro", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert "accelerometer alone" in d["title"]
    assert seen and not any(seen), seen  # counted and streamed without one, replayed faster too
    assert d["overall"]["sets"] == 3 * len(d["recordings"]) > 0
    seen.clear()
    code, _, err = cli("eval", "--dataset", "uci-pt", uci_root, "--subject", "s1", "--json")
    assert code == 0, err
    assert seen and all(seen), seen  # the UCI sensors have gyros: without --no-gyro each is used


def test_eval_uci_replayed_faster_scores_the_scaled_blocks(cli: Cli, uci_root: Path) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--subject", "s1", "--tempo", "1.25", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    assert "1.25 times faster" in d["title"]
    # the blocks are found at their scaled times: subject 1, a quarter faster, still counted
    assert d["overall"]["within1_pct"] >= 90.0


def test_eval_uci_misses_name_the_blocks_off_and_why(cli: Cli, uci_root: Path) -> None:
    code, stdout, err = cli("eval", "--dataset", "uci-pt", uci_root, "--placements", "all", "--subject", "s1", "--misses", "--json")
    assert code == 0, err
    d = json.loads(stdout)
    off = {(r["recording"], k + 1) for r in d["recordings"] for k, e in enumerate(r["errors"]) if e != 0}
    assert {(m["recording"], m["set"]) for m in d["misses"]} == off
    # subject 1's reps are labelled: a block counted short lists its missed reps, each with why
    for m in d["misses"]:
        if m["counted"] < m["true"]:
            assert len(m["missed"]) >= m["true"] - m["counted"]
            assert any(r["reasons"] for r in m["missed"])


# --------------------------------------------------------------------------- the installed script
def test_console_script_runs_the_readme_quick_start() -> None:
    script = Path(sys.executable).with_name("reptrack")
    exe = str(script) if script.exists() else shutil.which("reptrack")
    assert exe, "the reptrack console script is not installed: pip install -e ."
    proc = subprocess.run(
        [exe, "analyze", "sample_data/side-lying-hip-abduction.csv", "--exercise", "side-lying-hip-abduction",
         "--pelvis", "sample_data/side-lying-hip-abduction.pelvis.csv", "--hold-s", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("Side-lying")
    assert re.search(r"^\d+ reps in 2 sets$", proc.stdout, re.MULTILINE), proc.stdout
    assert "Set 2:" in proc.stdout
