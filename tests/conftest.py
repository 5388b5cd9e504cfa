from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the shared folder beside the checkout (main), or beside the worktrees' folder (/work/wt/NAME)
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()), ROOT.parent / "shared")
UCI = SHARED / "data" / "uci-pt"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the ``reptrack`` CLI in-process: ``cli(*argv) -> (exit code, stdout, stderr)``."""
    from tracker.cli import main

    def run(*argv: object) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def uci_root() -> Path:
    if not (UCI / "s1").is_dir():
        pytest.skip("shared UCI data not present")
    return UCI


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--ble-address", default=None,
                     help="run the hardware tests against this Bluetooth sensor (its address or name); skipped without it")


@pytest.fixture
def ble_address(request: pytest.FixtureRequest) -> str:
    address = request.config.getoption("--ble-address")
    if not address:
        pytest.skip("hardware test: give --ble-address ADDRESS to run it with a real sensor")
    return str(address)
