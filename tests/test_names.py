"""People's and therapists' names: one normalisation for matching (Unicode NFKC, case folding,
collapsed whitespace), display forms kept, control characters refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import STANDING, Cli, assert_one_line_error
from tracker.core.exercises import Exercise
from tracker.errors import ConfigurationError
from tracker.store import Store, StoreError


def test_one_key_for_the_ways_of_writing_a_name() -> None:
    from tracker.core.names import name_key

    same = ["zoe", "ZOE", "Zoe", "Ｚｏｅ", "  zoe ", "zoe\u00a0"]
    assert {name_key(n) for n in same} == {"zoe"}
    assert name_key("Zoë") == name_key("Zoe\u0308") == name_key("ZOË")  # composed or not
    assert name_key("Ann  Lee") == name_key("ann lee") and name_key("Straße") == name_key("STRASSE")
    assert name_key("Zoe") != name_key("Zoë") and name_key("Ann Lee") != name_key("AnnLee")
    assert name_key("Ann\x1bLee") == name_key("Ann\tLee") == name_key("Ann Lee")  # as an older reptrack may have stored it


@pytest.mark.parametrize("bad", ["Ann\tLee", "Ann\nLee", "Ann\rLee", "Ann\x00", "Ann\x1b[31m", "Ann\u2028Lee", "Ann\u0085Lee", "Ann\udcff"])
def test_a_name_with_a_control_character_is_refused(bad: str) -> None:
    from tracker.core.names import clean_name

    with pytest.raises(ConfigurationError) as info:
        clean_name(bad)
    message = str(info.value)
    assert len(message.splitlines()) == 1 and ("control character" in message or "not text" in message), message


def test_a_name_keeps_its_display_form() -> None:
    from tracker.core.names import clean_name

    assert clean_name("  Zoë Smith ") == "Zoë Smith"
    with pytest.raises(ConfigurationError, match="needs a name"):
        clean_name("   ")


def test_the_store_matches_names_by_their_key(tmp_path: Path) -> None:
    with Store.open(tmp_path / "r.db") as store:
        zoe = store.ensure_person("Zoe", therapist="Dr Lee")
        assert store.ensure_person("ZOE").id == store.ensure_person("Ｚｏｅ").id == store.ensure_person(" zoe ").id == zoe.id
        assert [p.name for p in store.people()] == ["Zoe"]  # one person, as first written
        assert store.person("ｚｏｅ").name == "Zoe" and store.person("zoe").therapist == "Dr Lee"
        store.ensure_person("Ann", therapist="DR LEE")  # the same therapist
        assert [p.name for p in store.people(therapist="dr lee")] == ["Ann", "Zoe"]
        store.add_prescription("zoe", Exercise.HIP_RAISE, sets=2, reps_min=8, reps_max=12, hold_s=None, rest_min_s=60, rest_max_s=180,
                               days_per_week=3, load_kg=0.0)
        assert store.current_prescription("ZOE", Exercise.HIP_RAISE) is not None
        store.add_note("ZOE", "hello", therapist="dr lee")
        assert [n.therapist for n in store.notes("Zoe")] == ["Dr Lee"]
        store.set_attention("zoe", "pain 6/10")
        assert store.person("Zoe").needs_attention
        with pytest.raises(ConfigurationError, match="control character"):
            store.ensure_person("Zoe\tSmith")


def test_names_that_collide_in_an_older_store_are_told_apart_or_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.store import repository, schema

    path = tmp_path / "r.db"
    with monkeypatch.context() as m:  # an older store, where "zoe" and "ZOE" became two people
        m.setattr(repository, "MIGRATIONS", schema.MIGRATIONS[:4])
        m.setattr(repository, "SCHEMA_VERSION", 4)
        Store.open(path).close()
    con = sqlite3.connect(path)
    for name in ("zoe", "ZOE", "Ann", "Bo\tLee"):
        con.execute("INSERT INTO people (name, created_at) VALUES (?, '2026-11-01T09:00:00.000+00:00')", (name,))
    con.commit()
    con.close()
    with Store.open(path) as store:
        assert store.person("ann").name == "Ann"
        assert store.person("ZOE").name == "ZOE" and store.person("zoe").name == "zoe"  # written as it is: that one
        with pytest.raises(StoreError, match=r"'Zoe' matches 2 people \('zoe', 'ZOE'\).*reptrack person merge"):
            store.person("Zoe")
        assert store.person("bo lee").name == "Bo\tLee"  # a tab an older reptrack let in: named with a space
        assert store.rename_person("Bo Lee", "Bo Lee").name == "Bo Lee"


def test_the_command_line_matches_names_and_refuses_control_characters(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "Zoë")
    assert code == 0, err
    code, _, err = cli("import", STANDING, "--db", db, "--exercise", "standing-hip-abduction", "--person", "ZOË")
    assert code == 0, err
    code, out, _ = cli("patients", "--db", db)
    assert len(out.splitlines()) == 2 and out.splitlines()[1].startswith("Zoë")  # one person
    code, out, err = cli("log", "zoë", "--db", db, "--rpe", "3", "--session", "1")
    assert code == 0 and "for Zoë (session 1)" in out, err
    code, out, _ = cli("sessions", "--db", db, "--person", "ＺＯË")
    assert len(out.splitlines()) == 3
    for argv in (("prescribe", "Ann\tLee", "--exercise", "hip-raise"), ("note", "Zoë", "x", "--therapist", "Dr\nLee"),
                 ("import", STANDING, "--exercise", "standing-hip-abduction", "--person", "Bob\x00")):
        assert_one_line_error(cli(*argv, "--db", db), "control character")
    code, out, _ = cli("patients", "--db", db)
    assert len(out.splitlines()) == 2  # nothing was added
