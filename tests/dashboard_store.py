"""A small store for the dashboard's tests: two people of one therapist and one of another,
sessions imported from the bundled samples, a prescription, pain, accounts."""

from __future__ import annotations

from pathlib import Path

from tracker.app.accounts import Role, add_user
from tracker.cli import main
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_data"
PASSWORD = "correct horse 1"


def build_store(path: Path, *, accounts: bool = True) -> Path:
    db = ["--db", str(path)]

    def run(*argv: str) -> None:
        assert main([*argv, *db]) == 0, argv

    run("prescribe", "Ann Lee", "--exercise", "side-lying-hip-abduction", "--therapist", "Dr Kim", "--from", "2026-10-01")
    run("import", str(SAMPLES / "side-lying-hip-abduction.csv"), "--pelvis", str(SAMPLES / "side-lying-hip-abduction.pelvis.csv"),
        "--exercise", "side-lying-hip-abduction", "--person", "Ann Lee", "--started-at", "2026-11-20T09:00")
    run("import", str(SAMPLES / "standing-hip-abduction.csv"), "--pelvis", str(SAMPLES / "standing-hip-abduction.pelvis.csv"),
        "--exercise", "standing-hip-abduction", "--person", "Bob Ray", "--started-at", "2026-11-21T09:00")
    run("prescribe", "Bob Ray", "--exercise", "standing-hip-abduction", "--therapist", "Dr Who", "--from", "2026-10-01")
    run("log", "Bob Ray", "--pain", "6", "--note", "sharp at the top")
    if accounts:
        with Store.open(path) as store:
            add_user(store, "Dr Kim", Role.THERAPIST, PASSWORD)
            add_user(store, "Bob Ray", Role.PATIENT, PASSWORD)
            add_user(store, "Ann Lee", Role.PATIENT, PASSWORD)
    return path
