from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UCI = SHARED / "data" / "uci-pt"


@pytest.fixture
def uci_root() -> Path:
    if not (UCI / "s1").is_dir():
        pytest.skip("shared UCI data not present")
    return UCI
