"""``reptrack person rename|merge|delete`` and ``reptrack session delete``: each says what it
will do and asks on a terminal, takes ``--yes`` instead, and refuses without a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.test_cli import STANDING, Cli, assert_one_line_error
from tracker.cli.main import build_parser


class _Terminal(io.StringIO):
    """A terminal on stdin that answers ``answer``."""

    def isatty(self) -> bool:
        return True


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "r.db"
    for person in ("zoe", "Ann"):
        code, _, err = cli("import", STANDING, "--db", path, "--exercise", "standing-hip-abduction", "--person", person)
        assert code == 0, err
    assert cli("note", "Ann", "test account", "--db", path)[0] == 0
    return path


def _people(cli: Cli, db: Path) -> list[str]:
    code, out, _ = cli("patients", "--db", db, "--json")
    return [r["person"] for r in json.loads(out)]


def test_without_a_terminal_a_change_needs_yes(cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Pipe("y\n"))
    for argv in (("person", "rename", "zoe", "Zoë"), ("person", "merge", "zoe", "Ann"), ("person", "delete", "Ann"),
                 ("session", "delete", "1")):
        assert_one_line_error(cli(*argv, "--db", db), "--yes")
    assert _people(cli, db) == ["Ann", "zoe"]
    code, out, _ = cli("sessions", "--db", db, "--json")
    assert len(json.loads(out)) == 2


def test_on_a_terminal_it_asks_and_no_is_no(cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    code, out, err = cli("person", "delete", "ANN", "--db", db)
    assert code == 1 and "nothing changed" in out
    assert err.startswith("delete Ann with 1 session (") and "of raw samples) and 1 note? [y/N]" in err, err
    assert _people(cli, db) == ["Ann", "zoe"]
    monkeypatch.setattr("sys.stdin", _Terminal(""))  # end of input: no
    assert cli("session", "delete", "1", "--db", db)[0] == 1


def test_rename_merge_and_delete_people(cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    code, out, err = cli("person", "rename", "ZOE", "Zoë Smith", "--db", db)
    assert code == 0 and "renamed zoe to Zoë Smith" in out and "rename zoe to Zoë Smith (1 session)? [y/N]" in err, (out, err)
    assert _people(cli, db) == ["Ann", "Zoë Smith"]
    assert_one_line_error(cli("person", "rename", "Ann", "zoë smith", "--db", db, "--yes"), "already", "person merge")
    assert_one_line_error(cli("person", "rename", "Ann", "Ann\tLee", "--db", db, "--yes"), "control character")
    code, out, err = cli("person", "merge", "Ann", "zoë smith", "--db", db, "--yes")
    assert code == 0 and "merged Ann into Zoë Smith: 1 session (" in out and "of raw samples) and 1 note moved" in out, (out, err)
    assert _people(cli, db) == ["Zoë Smith"]
    code, out, _ = cli("sessions", "--db", db, "--json")
    assert [s["person"] for s in json.loads(out)] == ["Zoë Smith", "Zoë Smith"]
    code, out, err = cli("person", "delete", "Zoë Smith", "--db", db, "--yes")
    assert code == 0 and out.startswith("deleted Zoë Smith with 2 sessions (") and err == "", (out, err)
    assert _people(cli, db) == []
    code, out, _ = cli("sessions", "--db", db, "--json")
    assert json.loads(out) == []
    assert_one_line_error(cli("person", "delete", "Zoë Smith", "--db", db, "--yes"), "no person named")


def test_delete_a_session(cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("yes\n"))
    code, out, err = cli("session", "delete", "1", "--db", db)
    assert code == 0 and out.startswith("deleted session 1 (zoe,") and "of raw samples" in out, (out, err)
    assert err.startswith("delete session 1 (zoe, standing-hip-abduction, ") and err.rstrip().endswith("[y/N]"), err
    code, out, _ = cli("sessions", "--db", db, "--json")
    assert [s["id"] for s in json.loads(out)] == [2]
    assert_one_line_error(cli("session", "delete", "1", "--db", db, "--yes"), "no session 1")
    assert_one_line_error(cli("session", "delete", "x", "--db", db, "--yes"), "'last'")
    assert_one_line_error(cli("session", "delete", "1", "--db", db.parent / "typo.db", "--yes"), "no store there yet")
    assert not (db.parent / "typo.db").exists()


@pytest.mark.parametrize("argv", [("person", "rename"), ("person", "merge"), ("person", "delete"), ("session", "delete")])
def test_each_command_has_help_with_an_example(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([*argv, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "--yes" in out and f"examples:\n  reptrack {' '.join(argv)} " in out
