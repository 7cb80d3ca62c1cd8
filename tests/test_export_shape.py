"""The export format's version goes up whenever what it can hold changes.

``tests/data/export-shape-v<VERSION>.json`` holds the shape of the current format, worked
out from the kind registry (every kind's keys and every closed list's values:
``json_export.export_shape``).  Adding a kind, a field or an enum value changes the shape:
this test then fails until ``VERSION`` goes up (readers of the old version refuse the new
files instead of dropping what they do not know) and the new shape is written with

    UPDATE_EXPORT_SHAPE=1 pytest tests/test_export_shape.py

and committed with docs/export-format.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tracker.io.json_export import VERSION, export_shape

DATA = Path(__file__).parent / "data"


def test_the_shape_is_that_of_the_current_version() -> None:
    path = DATA / f"export-shape-v{VERSION}.json"
    shape = export_shape()
    if os.environ.get("UPDATE_EXPORT_SHAPE") == "1" and not path.exists():
        path.write_text(json.dumps(shape, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.exists(), f"export format {VERSION} has no {path.name}: see this test's docstring"
    recorded = json.loads(path.read_text(encoding="utf-8"))
    assert shape == recorded, (
        f"the export can now hold something format {VERSION} could not: raise VERSION in "
        "tracker/io/json_export.py, document it in docs/export-format.md and record the new "
        "shape (see this test's docstring)"
    )


def test_older_shapes_are_kept() -> None:
    """Each version's shape stays as it was: a reader of it is out there."""
    for version in range(2, VERSION + 1):
        assert (DATA / f"export-shape-v{version}.json").exists()


def test_a_new_enum_value_is_a_new_shape() -> None:
    from tracker.kinds import PHASE

    shape = export_shape()
    assert "prophase" in shape[PHASE.key]["choices"]["kind"]
    changed = json.loads(json.dumps(shape))
    changed[PHASE.key]["choices"]["kind"].append("relapse")
    assert changed != shape
