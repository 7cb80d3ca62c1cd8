"""Nothing in the program reads the wall clock except through the injectable clock.

Every ``.py`` file under ``tracker/`` and ``ui/`` is parsed (``ast``, so comments, strings
and look-alike names do not count) and every use of a wall-clock read is reported with its
file and line: ``datetime.now``/``utcnow``/``today``, ``date.today``, ``time.time``,
``time.time_ns``, ``time.localtime``/``gmtime``/``ctime``/``asctime`` without a time,
``time.strftime`` without a time, Qt's ``currentDate``/``currentDateTime``/``currentTime``
and their kin, however they were imported (``import datetime as dt``, ``from time import
time``, ``from PySide6 import QtCore``).  The one allowed place is
``tracker.clock.system_clock``; the program passes it (or a test's fixed clock) around
as a ``Clock``.  ``time.monotonic`` and ``time.perf_counter`` measure durations, not the
date, and are fine.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "ui")

# read the wall clock whatever their arguments (also when passed around uncalled)
WALL_CLOCK = {
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date.today",
    "time.time",
    "time.time_ns",
    "time.clock_gettime",
    "time.clock_gettime_ns",
    *(
        f"{qt}.QtCore.{name}"
        for qt in ("PySide6", "PySide2", "PyQt5", "PyQt6")
        for name in (
            "QDate.currentDate",
            "QTime.currentTime",
            "QDateTime.currentDateTime",
            "QDateTime.currentDateTimeUtc",
            "QDateTime.currentMSecsSinceEpoch",
            "QDateTime.currentSecsSinceEpoch",
        )
    ),
}
# read the wall clock when called with at most this many positional arguments (no time given)
WALL_CLOCK_WITHOUT_A_TIME = {
    "time.localtime": 0,
    "time.gmtime": 0,
    "time.ctime": 0,
    "time.asctime": 0,
    "time.strftime": 1,
}

# where the wall clock may be read: (file, function)
ALLOWED = {("tracker/clock.py", "system_clock")}
# Known exceptions (none now): a (file, call) pair allowed while it is being fixed.
KNOWN: set[tuple[str, str]] = set()


def _imports(tree: ast.AST) -> dict[str, str]:
    """Local names bound by imports anywhere in the module, to what they name."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """``dt.date.today`` → ``datetime.date.today`` (through the imports), else None."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in names:
        return None
    return ".".join([names[node.id], *reversed(attrs)])


def wall_clock_reads(source: str) -> list[tuple[int, str, str | None]]:
    """(line, what, enclosing function) for every wall-clock read in ``source``."""
    tree = ast.parse(source)
    names = _imports(tree)
    found: list[tuple[int, str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        if isinstance(node, ast.Attribute | ast.Name):
            what = _dotted(node, names)
            if what in WALL_CLOCK:
                found.append((node.lineno, what, function))
        if isinstance(node, ast.Call):
            what = _dotted(node.func, names)
            limit = WALL_CLOCK_WITHOUT_A_TIME.get(what or "")
            if what and limit is not None and len(node.args) <= limit and not node.keywords:
                found.append((node.lineno, what, function))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    return found


def test_nothing_reads_the_wall_clock_but_the_system_clock() -> None:
    files = sorted(f for package in PACKAGES for f in (ROOT / package).rglob("*.py"))
    assert len(files) > 40, "the scan sees the program's modules"
    offences, allowed_seen, known_seen = [], set(), set()
    for file in files:
        name = file.relative_to(ROOT).as_posix()
        for line, what, function in wall_clock_reads(file.read_text(encoding="utf-8")):
            if (name, function) in ALLOWED:
                allowed_seen.add((name, function))
            elif (name, what) in KNOWN:
                known_seen.add((name, what))
            else:
                offences.append(f"{name}:{line}: {what}() in {function or 'the module'}")
    assert offences == [], "read the clock passed in instead:\n" + "\n".join(offences)
    assert allowed_seen == ALLOWED, "the system clock is where the scan expects it"
    assert known_seen == KNOWN, "a known exception is gone: remove it from KNOWN"


def test_the_scan_finds_every_kind_of_wall_clock_read() -> None:
    """The control: each way of reading the wall clock is found, however it was imported."""
    source = """
import datetime as dt
import time
import time as t
from datetime import date, datetime
from datetime import datetime as D
from time import time as now, strftime
from PySide6 import QtCore
from PySide6.QtCore import QDate, QDateTime

a = dt.datetime.now()
b = dt.date.today()
c = datetime.utcnow()
d = date.today()
e = D.now(dt.UTC)
f = time.time()
g = t.time_ns()
h = now()
i = time.localtime()
j = strftime("%Y")
k = QDate.currentDate()
m = QDateTime.currentDateTime()
n = QtCore.QTime.currentTime()
o = time.gmtime()
clock = dt.datetime.now
def later():
    return datetime.today()
"""
    found = wall_clock_reads(source)
    lines = [line for line, _, _ in found]
    assert sorted(lines) == [*range(11, 26), 27], found
    assert found[-1][2] == "later"


def test_the_scan_lets_durations_and_given_times_be() -> None:
    source = """
import datetime as dt
import time

started = time.monotonic()
took = time.perf_counter() - started
stamp = time.strftime("%Y", time.gmtime(0))
local = time.localtime(86400)
day = dt.date.fromisoformat("2026-11-24")
today = record.today()
now = record.clock()
later = day.today  # not through an import: a value's attribute, not the class
"""
    assert wall_clock_reads(source) == []
