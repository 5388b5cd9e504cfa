"""Evaluation runners: analyse labelled recordings and score them.

* :func:`evaluate_directory` — a folder of labelled recordings (``reptrack simulate``'s
  ``NAME.csv`` + ``NAME.labels.json`` [+ ``NAME.pelvis.csv``]).
* :func:`evaluate_uci` — the UCI physical-therapy data set (see :mod:`tracker.evaluation.uci`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from tracker.errors import ConfigurationError, DatasetError, ReptrackError
from tracker.evaluation.latency import LatencyStats, rep_delays, stream_in_chunks
from tracker.evaluation.metrics import (FoundRep, GroupMetrics, RecordingTruth, TrueRep, TrueSet, evaluate_recording,
                                        in_set, set_reps)
from tracker.evaluation.misses import format_misses, set_misses
from tracker.evaluation.uci import (BLOCK_WINDOWS_S, REPS_PER_BLOCK, TEMPLATE_REPS, ExecutionType, PlacementSelection, Session,
                                    block_of, iter_dataset)
from tracker.core.exercises import FlagKind, get_exercise
from tracker.pipeline import AnalysisResult, Personalisation, SessionSetup, analyze_recording
from tracker.pipeline.filters import lowpass
from tracker.pipeline.gyro_bias import GyroBias
from tracker.pipeline.orientation import OrientationConfig
from tracker.core.recording import Placement, Recording

SCORED_FLAGS = [k.value for k in FlagKind]


def found_reps(result: AnalysisResult) -> list[FoundRep]:
    return [FoundRep(r.start_s, r.peak_s, r.end_s, frozenset(f.kind.value for f in r.flags)) for r in result.reps]


@dataclass(frozen=True)
class EvaluationReport:
    title: str
    groups: dict[str, dict[str, Any]]
    overall: dict[str, Any]
    extra: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "overall": self.overall, "groups": self.groups, **self.extra}


# ---------------------------------------------------------------------------- folders
def truth_from_labels(labels: dict[str, Any], name: str) -> RecordingTruth:
    try:
        sets = tuple(TrueSet(float(s["start_s"]), float(s["end_s"]), int(s["rep_count"])) for s in labels["sets"])
        reps = tuple(TrueRep(float(r["start_s"]), float(r["end_s"]), frozenset(r.get("flags", []))) for r in labels["reps"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DatasetError(f"{name}: labels are missing a field ({exc})") from None
    no_rep = tuple(
        (float(iv["start_s"]), float(iv["end_s"]))
        for key in ("setup_intervals", "idle_intervals")
        for iv in labels.get(key, [])
    )
    group = f"{labels['exercise']}/{labels['placement']}"
    return RecordingTruth(name=name, group=group, sets=sets, reps=reps, no_rep_intervals=no_rep)


def behaviour_rows(behaviour: dict[str, Any]) -> list[str]:
    """The rows of the per-behaviour breakdown a set of ``Realism.REAL`` labels belongs to
    (a set shows several behaviours at once, so it is in several rows)."""
    style = str(behaviour.get("style", "steady"))
    rows = [f"set style {style}"]
    if style == "fast_no_pause" and float(behaviour.get("range_factor", 1.0)) > 1.5:
        rows.append("fast no-pause, overshooting")
    if float(behaviour.get("knee_flex_ratio", 0.0)) > 0.0:
        rows.append("knee bends")
    if float(behaviour.get("top_rebound_fraction", 0.0)) > 0.0:
        rows.append("rebound at the top")
    if float(behaviour.get("landing_rebound_fraction", 0.0)) > 0.0:
        rows.append("landing rebound")
    if float(behaviour.get("heel_strike_g", 0.0)) > 0.0:
        rows.append("heel strike")
    hold = behaviour.get("hold_s")
    if hold is not None and float(hold) >= 3.0:
        rows.append("hold 3-6 s")
    drift = float(behaviour.get("tempo_drift", 1.0))
    if drift < 0.85 or drift > 1.2:
        rows.append("tempo drifts > 15 %")
    return rows


def _by_set_behaviour(labels: dict[str, Any], truth: RecordingTruth, found: list[FoundRep],
                      out: dict[str, GroupMetrics]) -> None:
    """Each set of a ``Realism.REAL`` recording scored alone, into the rows of its behaviours."""
    behaviours = {int(b["set_index"]): b for b in labels.get("set_behaviours", [])}
    if not behaviours or truth.reps is None:
        return
    for index, true_set in enumerate(truth.sets):
        b = behaviours.get(index)
        if b is None:
            continue
        reps = set_reps(truth, true_set)
        near = [f for f in found if in_set(true_set, f)]
        one = RecordingTruth(truth.name, truth.group, (true_set,), reps)
        m = evaluate_recording(one, near, SCORED_FLAGS)
        m.recordings = m.recordings_clean = 0  # false reps outside sets belong to the recording, not a set
        for row in behaviour_rows(b):
            out[row].merge(m)


@dataclass(frozen=True)
class LabelledRecording:
    """One recording of a labelled folder: ``NAME.csv`` (+ ``NAME.pelvis.csv``) and its labels."""

    stem: str
    labels: dict[str, Any]
    main: Recording
    pelvis: Recording | None  # None when absent, or when the main sensor is itself on the pelvis
    placement: Placement


def read_labelled(folder: Path, label_file: Path) -> LabelledRecording:
    """The recording that ``label_file`` (``NAME.labels.json``) labels, read.

    Raises
    ------
    ReptrackError
        A recording that cannot be read.
    """
    from tracker.files.csv_recording import read_recording  # adapter: file reading stays out of the pure core

    stem = label_file.name[: -len(".labels.json")]
    labels = json.loads(label_file.read_text())
    main = read_recording(folder / f"{stem}.csv").recording
    pelvis_path = folder / f"{stem}.pelvis.csv"
    pelvis = read_recording(pelvis_path).recording if pelvis_path.exists() else None
    placement = Placement(labels["placement"])
    return LabelledRecording(stem, labels, main, None if placement is Placement.PELVIS else pelvis, placement)


def evaluate_directory(folder: Path, *, hold_s: float | None = None, latency: bool = False,
                       misses: bool = False) -> EvaluationReport:
    """Analyse and score every ``*.labels.json`` recording in ``folder``.

    ``misses``: also list each set counted wrong, with the reps missed and why
    (:mod:`tracker.evaluation.misses`).

    ``latency``: also stream each recording sample by sample and measure how long after each
    labelled rep's end the engine shows it (:mod:`tracker.evaluation.latency`).
    Recordings simulated with ``Realism.REAL`` (``reptrack corpus --real-behaviours``) are also
    scored set by set per behaviour (``by_behaviour``: fast no-pause sets, knee bending, ...).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder")
    label_files = sorted(folder.glob("*.labels.json"))
    if not label_files:
        raise DatasetError(f"{folder}: no *.labels.json files (make some with 'reptrack simulate')")
    groups: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    by_rate: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    #: sensors with a gyro and without one: the flags' targets are for the former, and jerky is
    #: judged otherwise without one (``exercises.certainty_notes``)
    by_sensor: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    by_behaviour: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    failures: list[str] = []
    off: list[dict[str, Any]] = []
    delays = LatencyStats()
    for lf in label_files:
        stem = lf.name[: -len(".labels.json")]
        labels = json.loads(lf.read_text())
        truth = truth_from_labels(labels, stem)
        try:
            rec = read_labelled(folder, lf)
            main, pelvis, placement = rec.main, rec.pelvis, rec.placement
            hold = hold_s if hold_s is not None else labels.get("hold_s")
            result = analyze_recording(main, get_exercise(labels["exercise"]), placement=placement, pelvis=pelvis,
                                       personal=Personalisation(hold_s=hold))
            if latency and truth.reps is not None:
                setup = SessionSetup.resolve(labels["exercise"], placement, with_pelvis=pelvis is not None,
                                             personal=Personalisation(hold_s=hold))
                delays.merge(rep_delays(stream_in_chunks(setup, main, pelvis), truth.reps, truth.sets))
        except ReptrackError as exc:
            failures.append(f"{stem}: {exc}")
            continue
        found = found_reps(result)
        m = evaluate_recording(truth, found, SCORED_FLAGS)
        if misses:
            off += [x.to_json() for x in set_misses(truth, found, result.rejected)]
        groups[truth.group].merge(m)
        _by_set_behaviour(labels, truth, found, by_behaviour)
        sensor = "gyro" if main.has_gyro else "accel only"
        by_rate[f"{int(round(main.nominal_rate_hz()))} Hz {sensor}"].merge(m)
        by_sensor[sensor].merge(m)
    overall = GroupMetrics()
    for g in groups.values():
        overall.merge(g)
    return EvaluationReport(
        title=f"labelled recordings in {folder}",
        groups={k: v.summary() for k, v in sorted(groups.items())},
        overall=overall.summary(),
        extra={"by_rate": {k: v.summary() for k, v in sorted(by_rate.items())},
               "by_sensor": {k: v.summary() for k, v in sorted(by_sensor.items())}, "failures": failures,
               **({"latency": delays.summary()} if latency else {}),
               **({"by_behaviour": {k: v.summary() for k, v in sorted(by_behaviour.items())}} if by_behaviour else {}),
               **({"misses": off} if misses else {})},
    )


# ---------------------------------------------------------------------------- UCI
def replayed_faster(recording: Recording, tempo: float) -> Recording:
    """``recording`` as if done ``tempo`` times faster: timestamps divided by it, the gyro's
    rates of turn multiplied -- not its offset, which is the sensor's, not the person's (its
    estimate over the recording, :class:`GyroBias`, is taken off before and put back after;
    multiplied, subject 2's 3.5 deg/s became 7 at twice the tempo). The accelerometer is kept, so
    its own linear acceleration is not scaled up. The declared sample rate is multiplied too: the
    same samples in a tempo-th of the time are that many times as many per second. Left as it
    was, the engine, which times by the declared rate, turned each sample by the multiplied rate
    over the old interval -- a gyro reading tempo times too far, and every window in samples
    covering a tempo-th of the time it was meant to -- and below a tempo of 2/3 it took every
    step for a dropped sample and filled one in (at 0.6: 30 Hz, the gyro 1.2 times too far)."""
    gyr = recording.gyro_dps
    meta = recording.meta
    if meta.sample_rate_hz:
        meta = replace(meta, sample_rate_hz=meta.sample_rate_hz * tempo)
    if gyr is None:
        return replace(recording, t_s=recording.t_s / tempo, meta=meta)
    fs = recording.nominal_rate_hz()
    orientation = OrientationConfig()
    est = GyroBias(sample_rate_hz=fs, config=orientation.gyro_bias)
    est.update(gyr, lowpass(orientation.gravity_cutoff_hz, sample_rate_hz=fs)(recording.accel_g))
    bias = est.bias_dps
    return replace(recording, t_s=recording.t_s / tempo, gyro_dps=(gyr - bias) * tempo + bias, meta=meta)


def with_gyro_offset(recording: Recording, offset_dps: float, *, seed: str) -> Recording:
    """``recording`` with ``offset_dps`` added to its gyro, in a direction drawn from ``seed`` (the
    same for the same recording every run)."""
    if recording.gyro_dps is None:
        return recording
    rng = np.random.default_rng(list(seed.encode()))
    direction = rng.normal(size=3)
    return replace(recording, gyro_dps=recording.gyro_dps + offset_dps * direction / np.linalg.norm(direction))


def evaluate_uci(root: Path, *, hold_s: float | None = 5.0,
                 placements: PlacementSelection = PlacementSelection.PRIMARY,
                 subject: str | None = None, latency: bool = False, tempo: float = 1.0,
                 misses: bool = False, gyro_offset_dps: float = 0.0, with_gyro: bool = True,
                 session: Session = Session.TEST, gyro_gain: float = 1.0) -> EvaluationReport:
    """Score reptrack on the UCI data set: each 10-rep block is a set -- or, with ``session``
    TEMPLATE, each template session is one set of 9 reps (3 of each execution type, no windows known).

    Rep boundaries and flag truth come from subject 1's hand labels; block counts and
    the per-block flag shares use the protocol windows for every subject. ``placements``
    chooses the sensor units analysed (the overall figure covers them all); ``subject``
    scores one subject only, so a setting chosen on one can be read on the other.
    ``latency`` measures when each hand-labelled rep is shown (subject 1's labels).
    ``tempo`` replays every recording that many times faster (:func:`replayed_faster`): a proxy
    for people who move faster than the two subjects, labels scaled alike.
    ``gyro_offset_dps`` adds that offset to every gyro (:func:`with_gyro_offset`): a sensor out of
    calibration; ``gyro_gain`` multiplies every gyro's reading (a full-scale range decoded as another).
    ``with_gyro=False`` drops every gyro: the engine counts from the accelerometer
    alone, a proxy for a sensor that has none (a micro:bit, a Polar H10); there is then no gyro for
    an offset. ``misses`` lists every block counted wrong: with subject 1's labels, the reps missed and why;
    for the other subjects, what was turned down in the block (:mod:`tracker.evaluation.misses`).
    """
    if not with_gyro and gyro_offset_dps:
        raise ConfigurationError("without the gyros there is none to add an offset to: give --no-gyro or --gyro-offset, not both")
    if not with_gyro and gyro_gain != 1.0:
        raise ConfigurationError("without the gyros there is none to put a gain on: give --no-gyro or --gyro-gain, not both")
    templates = session is Session.TEMPLATE
    if templates and latency:
        raise ConfigurationError("--latency needs labelled reps, and only the test sessions have them (subject 1's): "
                                 "leave out --latency or --sessions template")
    recs = iter_dataset(Path(root), placements=placements, subject=subject, session=session)
    groups: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    # per subject, every placement: leave-one-subject-out reads as "chosen on s1, scored on s2"
    by_subject: dict[str, GroupMetrics] = defaultdict(GroupMetrics)
    block_flags: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    rows: list[dict[str, Any]] = []
    off: list[dict[str, Any]] = []
    delays = LatencyStats()
    for r in recs:
        ex = get_exercise(r.exercise)
        primary = r.placement is ex.moving_segment
        if not with_gyro:
            r = replace(r, recording=replace(r.recording, gyro_dps=None))
        else:
            if gyro_gain != 1.0 and r.recording.gyro_dps is not None:
                r = replace(r, recording=replace(r.recording, gyro_dps=r.recording.gyro_dps * gyro_gain))
            if gyro_offset_dps:
                r = replace(r, recording=with_gyro_offset(r.recording, gyro_offset_dps, seed=f"{r.subject}/{r.exercise_code}/{r.unit}"))
        if tempo != 1.0:
            r = replace(r, recording=replayed_faster(r.recording, tempo),
                        reps=None if r.reps is None else tuple(replace(x, start_s=x.start_s / tempo, end_s=x.end_s / tempo)
                                                               for x in r.reps))
        result = analyze_recording(r.recording, ex, placement=r.placement, personal=Personalisation(hold_s=hold_s))
        found = found_reps(result)
        end_s = float(r.recording.t_s[-1])
        sets = [TrueSet(0.0, end_s, TEMPLATE_REPS)] if templates else [
            TrueSet((lo + 1.0) / tempo, min(hi / tempo, end_s) - 1.0 / tempo, REPS_PER_BLOCK) for lo, hi in BLOCK_WINDOWS_S.values()]
        reps = None
        if r.reps is not None:
            reps = tuple(
                TrueRep(x.start_s, x.end_s, frozenset(
                    {ExecutionType.FAST: {"too_fast|short_hold"}, ExecutionType.LOW_AMPLITUDE: {"partial_rom"}}.get(x.execution, set())))
                for x in r.reps
            )
        truth = RecordingTruth(f"{r.subject}/{r.exercise_code}/{r.unit}", f"{r.exercise}/{r.placement.value}", tuple(sets), reps)
        if latency and reps is not None:
            setup = SessionSetup.resolve(r.exercise, r.placement, personal=Personalisation(hold_s=hold_s))
            delays.merge(rep_delays(stream_in_chunks(setup, r.recording), reps, sets))
        # flags scored: the protocol's two faults
        found_scored = [
            FoundRep(f.start_s, f.peak_s, f.end_s, frozenset(
                ({"too_fast|short_hold"} if f.flags & {"too_fast", "short_hold"} else set())
                | ({"partial_rom"} if "partial_rom" in f.flags else set())))
            for f in found
        ]
        m = evaluate_recording(truth, found_scored, ["too_fast|short_hold", "partial_rom"])
        if misses:
            off += [x.to_json() for x in set_misses(truth, found_scored, result.rejected)]
        groups[truth.group].merge(m)
        by_subject[r.subject].merge(m)
        if templates:
            rows.append({"recording": truth.name, "group": truth.group, "primary_placement": primary,
                         "counts": {"session": len(found)}, "errors": [len(found) - TEMPLATE_REPS]})
            continue
        counts = {k.name.lower(): 0 for k in ExecutionType}
        for f in found:
            blk = block_of(f.peak_s * tempo).name.lower()
            counts[blk] += 1
            stats = block_flags["primary" if primary else "secondary"]
            key = f"{blk}"
            stats[key][0] += 1
            stats[key][1] += int(bool(f.flags & {"too_fast", "short_hold"}))
            stats[key][2] += int("partial_rom" in f.flags)
            stats[key][3] += int("beyond_range" in f.flags)
            stats[key][4] += int("jerky" in f.flags)  # no labels: the correct blocks' share is a false-flag bound
        rows.append({"recording": truth.name, "group": truth.group, "primary_placement": primary,
                     "counts": counts, "errors": [counts[k.name.lower()] - REPS_PER_BLOCK for k in ExecutionType]})
    primary_m, all_m = GroupMetrics(), GroupMetrics()
    for g, v in groups.items():
        all_m.merge(v)
        ex_name, place = g.split("/")
        if get_exercise(ex_name).moving_segment.value == place:
            primary_m.merge(v)
    extra: dict[str, Any] = {}
    shares = {
        which: {blk: {"reps": n, "too_fast_or_short_hold_pct": round(100 * a / n, 1) if n else None,
                      "partial_rom_pct": round(100 * b / n, 1) if n else None,
                      "beyond_range_pct": round(100 * c / n, 1) if n else None,
                      "jerky_pct": round(100 * j / n, 1) if n else None}
                for blk, (n, a, b, c, j) in sorted(stats.items())}
        for which, stats in block_flags.items()
    }
    which = ("each exercise's moving segment (shank for seated knee extension, thigh otherwise)"
             if placements is PlacementSelection.PRIMARY else "every placement on the moving leg (thigh and shank)")
    who = f"subject {subject}" if subject is not None else "every subject"
    notes = "; the template sessions, each one set of 9 reps" if templates else ""
    notes += f"; replayed {tempo:g} times faster" if tempo != 1.0 else ""
    if not with_gyro:
        notes += "; accelerometer alone (every gyro dropped)"
    else:
        notes += f"; every gyro's reading times {gyro_gain:g}" if gyro_gain != 1.0 else ""
        notes += f"; {gyro_offset_dps:g} deg/s added to every gyro" if gyro_offset_dps else ""
    def summary(m: GroupMetrics) -> dict[str, Any]:
        s = m.summary()
        if templates:
            # the one set spans the whole recording: there is no setup or idle time to count false reps in
            s["false_reps_in_setup_or_idle"] = s["recordings_without_false_rep_pct"] = None
        return s

    if placements is PlacementSelection.ALL:
        extra["overall_moving_segment_only"] = summary(primary_m)
    if subject is None:
        extra["by_subject"] = {k: summary(v) for k, v in sorted(by_subject.items())}
    return EvaluationReport(
        title=f"UCI physical-therapy exercises in {root} ({'no hold' if hold_s is None else f'hold {hold_s} s'}; {placements.value} placements; {who}{notes})",
        groups={k: summary(v) for k, v in sorted(groups.items())},
        overall=summary(all_m),
        extra={**extra, **({"latency": delays.summary()} if latency else {}), **({"misses": off} if misses else {}),
               "placements": placements.value, "subject": subject,
               **({} if templates else {"block_flag_shares": shares}), "recordings": rows, "session": session.value,
               "note": f"overall = {which}, {who}"},
    )


def format_evaluation(report: EvaluationReport) -> str:
    lines = [f"Evaluation: {report.title}", ""]
    head = f"{'group':42s} {'sets':>5s} {'exact%':>7s} {'±1%':>6s} {'MAE':>6s} {'miss%':>6s} {'noFalse%':>8s} {'bound%':>7s}"
    lines.append(head)

    def row(name: str, s: dict[str, Any]) -> str:
        def f(x: Any, w: int) -> str:
            return f"{x:>{w}}" if x is not None else f"{'-':>{w}}"
        return (f"{name:42s} {f(s['sets'],5)} {f(s['exact_pct'],7)} {f(s['within1_pct'],6)} {f(s['mae_per_set'],6)}"
                f" {f(s['miscount_rate_pct'],6)} {f(s['recordings_without_false_rep_pct'],8)} {f(s['boundary_error_pct_of_duration'],7)}")

    for g, s in report.groups.items():
        lines.append(row(g, s))
    lines.append(row("OVERALL", report.overall))
    if "overall_moving_segment_only" in report.extra:
        lines.append(row("moving segment only", report.extra["overall_moving_segment_only"]))
    for subject, s in report.extra.get("by_subject", {}).items():
        lines.append(row(f"subject {subject}", s))
    if report.extra.get("by_behaviour"):
        lines.append("")
        lines.append("Sets by simulated behaviour (a set shows several; each set scored alone, noFalse% not applicable):")
        for name, s in report.extra["by_behaviour"].items():
            lines.append(row(name, s))
    lines.append("")
    by_sensor = report.extra.get("by_sensor", {})
    tables = [("", report.overall["flags"])]
    if len(by_sensor) > 1:  # both kinds of sensor: each apart too
        tables += [(f", {name}", by_sensor[k]["flags"]) for k, name in (("gyro", "sensors with a gyro"), ("accel only", "accelerometer only"))]
    if not report.overall["flags"]:
        lines.append("Flags: not scored (no labelled reps)")
        tables = []
    for n, (which, flags) in enumerate(tables):
        if n:
            lines.append("")
        lines.append(f"Flags (matched reps{which}):  flag  precision  recall  F1  (tp/fp/fn)")
        for k, c in flags.items():
            lines.append(f"  {k:22s} {c['precision']!s:>6} {c['recall']!s:>6} {c['f1']!s:>6}  ({c['tp']}/{c['fp']}/{c['fn']})")
    if "block_flag_shares" in report.extra:
        lines.append("")
        lines.append("Share of counted reps flagged, per protocol block:")
        for which, blocks in report.extra["block_flag_shares"].items():
            for blk, v in blocks.items():
                lines.append(f"  {which:9s} {blk:14s} reps={v['reps']:4d}  too_fast|short_hold={v['too_fast_or_short_hold_pct']}%"
                             f"  partial_rom={v['partial_rom_pct']}%  beyond_range={v['beyond_range_pct']}%"
                             f"  jerky={v['jerky_pct']}%")
    if "latency" in report.extra:
        v = report.extra["latency"]
        lines.append("")
        lines.append(f"Latency (sensor time from a labelled rep's end to its event, {v['reps']} reps; target <= 300 ms):")
        lines.append(f"  shown (tentative or counted): median {v['shown_median_ms']} ms, 95th percentile {v['shown_p95_ms']} ms, "
                     f"max {v['shown_max_ms']} ms; within target {v['shown_within_target_pct']} %")
        lines.append(f"  a set's first rep ({v['first_of_set']} sets whose first rep was counted): median {v['first_of_set_median_ms']} ms, "
                     f"95th percentile {v['first_of_set_p95_ms']} ms; within target {v['first_of_set_within_target_pct']} %")
        lines.append(f"  first shown as tentative ({v['first_shown_tentative']} reps: a set's first, a quick rep's, one shown on its way down): "
                     f"median {v['tentative_median_ms']} ms, 95th percentile {v['tentative_p95_ms']} ms")
        lines.append(f"  counted for good: median {v['counted_median_ms']} ms, 95th percentile {v['counted_p95_ms']} ms")
        lines.append(f"  tentative reps shown {v['tentative_events']}, taken back {v['taken_back']} "
                     f"({v['taken_back_overlapping_a_true_rep']} of them a labelled rep)")
    if "misses" in report.extra:
        off = report.extra["misses"]
        lines.append("")
        lines.append(f"Sets counted wrong ({len(off)}), with the reasons of the movements turned down during each missed rep:")
        lines += format_misses(off) or ["  none"]
    if report.extra.get("failures"):
        lines.append("")
        lines.append("Recordings that could not be analysed:")
        lines += [f"  {x}" for x in report.extra["failures"]]
    lines.append("")
    lines.append("exact/±1: share of sets counted exactly / within one rep; MAE: mean |error| per set; miss%: sum|error| / true reps;")
    lines.append("noFalse%: recordings with no rep counted during setup or idle motion; bound%: median rep boundary error, % of rep duration.")
    return "\n".join(lines)
