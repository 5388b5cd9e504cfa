"""Rewrite the golden outputs in tests/golden/ from the current analysis.

    python tests/golden/regenerate.py

Runs ``reptrack analyze --json`` (in-process) on every case in ``tests/test_golden.py``'s
``CASES`` and writes ``tests/golden/<sample>.json``.  Do this only after an intended change
of the analysis (or of the sample recordings), and review the diff before committing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(TESTS_DIR))
    from test_golden import CASES, analyze  # the one table of cases and options

    for case in CASES:
        result = analyze(case)
        case.golden_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        sets = [s["rep_count"] for s in result["sets"]]
        print(f"{case.golden_path.name:36s} {result['rep_count']:3d} reps, sets {sets}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
