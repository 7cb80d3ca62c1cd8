"""The seal of a row (tracker.store.checksums.row_checksum) is a fixed definition: records
sealed by any version of the program must verify, so the text it hashes never changes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from tracker.store import checksums


def sealed_as_defined(table: str, row: dict[str, Any]) -> str:
    """The seal as it has been defined since format 5, written out plainly."""

    def canonical(value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2.0**53:
            return int(value)
        if isinstance(value, bytes | bytearray | memoryview):
            return {"hex": bytes(value).hex()}
        return value

    content = {name: canonical(v) for name, v in row.items() if name != "checksum"}
    text = json.dumps([table, content], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


ROWS = [
    {"id": 1, "uid": "a", "name": "Ada", "note": None, "checksum": "x"},
    {"id": 2, "value": 5.0, "low": 4.5, "high": -0.0, "checksum": None},
    {"id": 3, "flag": True, "other": False, "n": 7},
    {"id": 4, "big": 2.0**60, "small": 1e-300, "inf": float("inf"), "nan": float("nan")},
    {"id": 5, "blob": b"\x00\xff", "arr": bytearray(b"ab"), "view": memoryview(b"cd")},
    {"id": 6, "text": "Ünïcode — ✓", "odd": "\ud800 lone surrogate", "z": "", "a": 0},
    {"uid": "no id", "b": 1, "a": 2},
    {},
]


@pytest.mark.parametrize("row", ROWS, ids=[str(i) for i in range(len(ROWS))])
def test_row_checksum_is_the_defined_seal(row: dict[str, Any]) -> None:
    assert checksums.row_checksum("count_value", row) == sealed_as_defined("count_value", row)


def test_row_checksum_covers_the_table_and_every_column_but_the_seal() -> None:
    row = {"id": 1, "value": 2.5, "checksum": "old"}
    seal = checksums.row_checksum("count_value", row)
    assert checksums.row_checksum("count_value", {**row, "checksum": "new"}) == seal
    assert checksums.row_checksum("count_result", row) != seal
    assert checksums.row_checksum("count_value", {**row, "value": 2.6}) != seal
    assert checksums.row_checksum("count_value", {**row, "value": 2}) != seal
    assert checksums.row_checksum("count_value", {**row, "value": 2.0}) == checksums.row_checksum(
        "count_value", {**row, "value": 2}
    )


@pytest.mark.parametrize("row", ROWS, ids=[str(i) for i in range(len(ROWS))])
def test_sealer_of_tuples_gives_the_defined_seal(row: dict[str, Any]) -> None:
    names = tuple(row)
    seal_of = checksums.sealer("count_value", names)
    assert seal_of(tuple(row.values())) == sealed_as_defined("count_value", row)
    backwards = tuple(reversed(names))  # the columns in any order
    values = tuple(row[n] for n in backwards)
    assert checksums.sealer("count_value", backwards)(values) == sealed_as_defined(
        "count_value", row
    )
