"""Layering: ``tracker/`` never imports Qt (style.md §1), and no module imports itself.

Every module under ``tracker`` is imported in a fresh interpreter, which then
reports whether any PySide6 (or other Qt binding) module got loaded: headless use
depends on it.

No import cycles in ``tracker/`` and ``ui/``, not even through an import inside a
function: a cycle means two modules are one job split in two (or a lower layer that
knows a higher one), and it only works as long as nobody moves an import.  The graph
is read from the source with :mod:`ast`, every ``import`` statement wherever it stands.
What counts as an edge from module *m*:

- ``import a.b`` and ``from a.b import name``: an edge to ``a.b``;
- ``from a import b`` where ``a.b`` is a module of ours: an edge to ``a.b`` (not to the
  package ``a``, whose ``__init__`` runs too but gives nothing to *m*);
- relative imports, resolved against *m*'s package;
- imports under ``if TYPE_CHECKING:`` count too: a type that only a cycle can name is
  the same tangle, and mypy and readers follow those imports like any other.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pkgutil
import subprocess
import sys
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

import tracker

ROOT = Path(tracker.__file__).resolve().parent.parent
LAYERED = ("tracker", "ui")

QT_PACKAGES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "shiboken2")

PROBE = """
import importlib, json, pkgutil, sys
import tracker

names = ["tracker"] + [m.name for m in pkgutil.walk_packages(tracker.__path__, "tracker.")]
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as exc:  # reported, not hidden
        failed[name] = f"{type(exc).__name__}: {exc}"
qt = sorted(m for m in sys.modules if m.split(".")[0] in QT)
print(json.dumps({"modules": names, "failed": failed, "qt": qt}))
"""


def run_probe(extra: str = "") -> dict[str, object]:
    code = f"QT = {QT_PACKAGES!r}\n{PROBE}\n{extra}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_no_tracker_module_loads_qt() -> None:
    result = run_probe()
    assert result["failed"] == {}, "a tracker module failed to import"
    assert result["qt"] == [], f"tracker pulled in Qt: {result['qt']}"


def test_the_walk_sees_every_module() -> None:
    """The probe really covers the package (a control against an empty walk)."""
    result = run_probe()
    modules = set(result["modules"])  # type: ignore[arg-type]
    on_disk = {
        name
        for name, path in modules_on_disk(ROOT, ["tracker"]).items()
        if path.name != "__init__.py"
    }
    assert on_disk <= modules
    for required in ("tracker.store.record", "tracker.forms", "tracker.mrd", "tracker.phases"):
        assert required in modules
    assert len(list(pkgutil.walk_packages(tracker.__path__, "tracker."))) == len(modules) - 1


@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="PySide6 not installed")
def test_the_probe_would_notice_qt() -> None:
    """The control: importing PySide6 in the same probe is reported."""
    result = run_probe("import PySide6.QtCore\nprint(json.dumps({'qt': 'PySide6' in sys.modules}))")
    assert result == {"qt": True}


# ---------------------------------------------------------------------- import cycles


def modules_on_disk(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of ``packages`` (folders under ``root``) by dotted name; a package is
    named by its ``__init__.py``."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: Mapping[str, Path]) -> set[str]:
    """The modules of ``known`` that module ``name`` (the file ``path``) imports, from
    any statement anywhere in it (see the module docstring for what counts)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    found.add(f"{source}.{alias.name}")
                elif source in known:
                    found.add(source)
    found.discard(name)
    return found


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    known = modules_on_disk(root, packages)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def import_cycles(graph: Mapping[str, set[str]]) -> list[str]:
    """Each cycle as "a → b → a": for every import that lies on a cycle, the shortest way
    back, named from its smallest module so the same cycle is listed once."""

    def shortest_path(start: str, goal: str) -> list[str] | None:
        came_from: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == goal:
                steps: list[str] = []
                at: str | None = here
                while at is not None:
                    steps.append(at)
                    at = came_from[at]
                return steps[::-1]
            for there in sorted(graph.get(here, ())):
                if there not in came_from:
                    came_from[there] = here
                    queue.append(there)
        return None

    cycles: set[tuple[str, ...]] = set()
    for importer in graph:
        for imported in graph[importer]:
            back = shortest_path(imported, importer)
            if back is not None:
                ring = [importer, *back[:-1]]
                first = ring.index(min(ring))
                cycles.add(tuple(ring[first:] + ring[:first]))
    return [" → ".join([*ring, ring[0]]) for ring in sorted(cycles, key=lambda r: (len(r), r))]


def test_no_import_cycles() -> None:
    graph = import_graph(ROOT, LAYERED)
    assert "tracker.store.record" in graph and "ui.main_window" in graph
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_check_would_notice(tmp_path: Path) -> None:
    """The control: cycles hidden in every way the check claims to see are reported."""
    files = {
        "pkg/__init__.py": "",
        "pkg/low.py": "def late():\n    from pkg.high import thing\n    return thing\n",
        "pkg/high.py": "from pkg import low\nthing = low\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/a.py": "from . import b\n",
        "pkg/sub/b.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..sub.a import x\n"
        ),
        "pkg/alone.py": "import pkg.low\nimport os\nfrom pkg.sub import a\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path, ["pkg"])
    assert graph["pkg.alone"] == {"pkg.low", "pkg.sub.a"}
    assert import_cycles(graph) == [
        "pkg.high → pkg.low → pkg.high",
        "pkg.sub.a → pkg.sub.b → pkg.sub.a",
    ]


# ---------------------------------------------------------------------- asking the family

ASKING = frozenset({"QMessageBox", "QFileDialog", "QInputDialog"})


def asking_outside_interaction(root: Path, packages: Iterable[str]) -> list[str]:
    """Every use of Qt's message boxes and file or input pickers (imported, named or reached
    as an attribute) in a module other than ``ui.interaction``, as "module:line name"."""
    found: list[str] = []
    for name, path in modules_on_disk(root, packages).items():
        if name == "ui.interaction":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                used = {alias.name.rsplit(".", 1)[-1] for alias in node.names}
            elif isinstance(node, ast.Name):
                used = {node.id}
            elif isinstance(node, ast.Attribute):
                used = {node.attr}
            else:
                continue
            found.extend(f"{name}:{node.lineno} {what}" for what in sorted(used & ASKING))
    return sorted(set(found))


def test_every_question_goes_through_interaction() -> None:
    """Tests replace the one Interaction; a message box or file picker anywhere else would
    block a test (or a screenshot run) and escape the plain-text rule."""
    found = asking_outside_interaction(ROOT, ["ui"])
    assert found == [], "ask through ui.interaction.Interaction instead:\n" + "\n".join(found)


def test_the_asking_check_would_notice(tmp_path: Path) -> None:
    """The control: each way of reaching a message box or picker is reported."""
    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "interaction.py").write_text("from PySide6.QtWidgets import QMessageBox\n")
    (tmp_path / "ui" / "a.py").write_text(
        "from PySide6.QtWidgets import QFileDialog as Picker\n"
        "import PySide6.QtWidgets\n"
        "def f():\n    return PySide6.QtWidgets.QInputDialog.getText(None, '', '')\n"
    )
    (tmp_path / "ui" / "b.py").write_text("def g(w):\n    return w.QMessageBox\n")
    assert asking_outside_interaction(tmp_path, ["ui"]) == [
        "ui.a:1 QFileDialog",
        "ui.a:4 QInputDialog",
        "ui.b:2 QMessageBox",
    ]
