"""The layers import only downwards: front doors -> application -> adapters -> core.

Every ``import`` in the project's packages (at module level or inside a function) is read
with ``ast`` and checked against the layer table below, so a shortcut (a page importing
SQL, the engine importing the store, the calibration maths importing an adapter) fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: packages (by dotted prefix) and their layer; a module belongs to the longest prefix that matches
LAYERS: dict[str, str] = {
    "tracker.errors": "core",
    "tracker.core": "core",
    "tracker.pipeline": "core",
    "calibration": "core",
    "tracker.files": "adapter",
    "tracker.sensors": "adapter",
    # sensor profiles and time reconstruction are pure (bytes in, samples out; no clocks, no radio)
    "tracker.sensors.profiles": "core",
    "tracker.sensors.timing": "core",
    "tracker.store": "adapter",
    "tracker.terminal": "adapter",
    "tracker.simulate": "tool",
    "tracker.evaluation": "tool",
    "tracker.app": "app",
    "tracker.cli": "front",
    "dashboard": "front",
}

#: what each layer may import from the project (its own layer included)
MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "adapter": {"core", "adapter"},
    # the offline tools read and write recording files; the simulator is also a sensor for demos
    "tool": {"core", "tool", "adapter"},
    "app": {"core", "adapter", "tool", "app"},
    "front": {"core", "adapter", "tool", "app", "front"},
}

#: third-party I/O libraries the pure core must never import
NOT_IN_CORE = {"sqlite3", "bleak", "dash", "flask", "rich", "asyncio", "socket"}


def layer_of(module: str) -> str | None:
    best = None
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and (best is None or len(prefix) > len(best)):
            best = prefix
    return None if best is None else LAYERS[best]


def project_modules() -> list[tuple[str, Path]]:
    out = []
    for top in ("tracker", "calibration", "dashboard"):
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []:
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out.append((name, path))
    return out


def imports_of(path: Path, module: str) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.append(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.append(node.module)
                found += [f"{node.module}.{a.name}" for a in node.names]  # `from tracker import x` imports tracker.x
    return found


MODULES = project_modules()


def test_every_module_has_a_layer() -> None:
    assert MODULES
    unplaced = [name for name, _ in MODULES if name not in ("tracker", "dashboard") and layer_of(name) is None]
    assert unplaced == [], f"modules outside the layer table: {unplaced}"


@pytest.mark.parametrize("module,path", MODULES, ids=[m for m, _ in MODULES])
def test_imports_go_one_way(module: str, path: Path) -> None:
    mine = layer_of(module)
    if mine is None:
        return  # the package roots (tracker/__init__.py holds the version)
    bad = []
    for imported in imports_of(path, module):
        theirs = layer_of(imported)
        if theirs is not None and theirs not in MAY_IMPORT[mine]:
            bad.append(f"{imported} ({theirs})")
        if mine == "core" and imported.split(".")[0] in NOT_IN_CORE:
            bad.append(f"{imported} (I/O in the pure core)")
    assert bad == [], f"{module} ({mine}) imports {bad}"


def test_the_core_packages_do_not_import_the_calibration_maths() -> None:
    # calibration/ builds on the engine's values; the engine and the values know nothing of it
    for module, path in MODULES:
        if module.startswith(("tracker.core", "tracker.pipeline", "tracker.errors")):
            assert not [m for m in imports_of(path, module) if m.split(".")[0] == "calibration"], module


def test_the_layer_table_catches_a_shortcut(tmp_path: Path) -> None:
    # the check itself can fail: a core module importing the store is caught
    bad = tmp_path / "bad.py"
    bad.write_text("from tracker.store import Store\n")
    assert layer_of("tracker.store") not in MAY_IMPORT[layer_of("tracker.pipeline.detector") or ""]
    assert "tracker.store" in imports_of(bad, "tracker.pipeline.bad")
