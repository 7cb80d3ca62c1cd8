"""The safety net of the kind registry: the demo record's JSON export, byte for byte.

The demo record is built with a fixed clock and fixed uids, then exported; the text must
equal ``tests/golden/demo-export.json`` exactly.  A change that alters the export on
purpose (a new kind, a new enum value, a new field) regenerates the file with

    UPDATE_GOLDEN=1 pytest tests/test_golden_export.py

and commits it with the diff, so every change to the public format is seen.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest

from tracker import demo
from tracker.io.json_export import dumps, export_record
from tracker.store import Record

GOLDEN = Path(__file__).parent / "golden" / "demo-export.json"
DEMO_TODAY = dt.date(2026, 6, 15)
EXPORTED_AT = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def _fixed_uids(monkeypatch: pytest.MonkeyPatch) -> None:
    counter = iter(range(1, 10**9))
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter), version=4))


def demo_export_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo record (fixed clock, fixed uids), exported as text."""
    _fixed_uids(monkeypatch)
    path = tmp_path / "demo.db"
    demo.write_demo(path, DEMO_TODAY)
    with Record.open(path, read_only=True) as record:
        return dumps(export_record(record, EXPORTED_AT))


def test_demo_export_is_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = demo_export_text(tmp_path, monkeypatch)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(text, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    if text != expected:
        got, want = text.splitlines(), expected.splitlines()
        first = next(
            (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
            min(len(got), len(want)),
        )
        pytest.fail(
            f"the demo export differs from {GOLDEN.name} at line {first + 1}: "
            f"got {got[first] if first < len(got) else '<end>'!r}, "
            f"expected {want[first] if first < len(want) else '<end>'!r} "
            "(regenerate on purpose with UPDATE_GOLDEN=1 and commit the diff)"
        )


def test_demo_export_is_the_same_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = demo_export_text(tmp_path / "a", monkeypatch)
    second = demo_export_text(tmp_path / "b", monkeypatch)
    assert first == second
