"""A check mark on every row: SHA-256 over the row's stored content.

``PRAGMA integrity_check`` finds broken structure but not changed values (14 of
15 single-byte flips inside data went unnoticed, reliability.md), so every row
carries ``checksum``: the SHA-256 of its table name and every other column.
The store seals every row it writes inside the same transaction (a save's seals go in
together at its end: :func:`sealing`); :mod:`tracker.store.integrity` recomputes them to
name any row changed outside the program.

The encoding is canonical: JSON with sorted keys, and a number that is a whole
value is written as an integer, so ``5`` and ``5.0`` (SQLite hands back either
for a REAL column, depending on the statement) seal the same.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

COLUMN = "checksum"
_WHOLE = 2.0**53


def _canonical(value: Any) -> Any:
    if type(value) is float:  # the common case first
        return int(value) if value.is_integer() and abs(value) < _WHOLE else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < _WHOLE:
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    return value


# the values ``_canonical`` hands back unchanged (bool is not ``int`` here: ``type`` is exact)
_AS_THEY_ARE = frozenset((str, int, type(None)))
# json.dumps(…, sort_keys=True, ensure_ascii=False, separators=(",", ":")), built once
_ENCODE = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def row_checksum(table: str, row: Mapping[str, Any]) -> str:
    """The seal of one row: every column but ``checksum`` itself, and the table's name.

    Called for every row a save writes and a check or backup verifies: a row whose values
    are all text, integers or NULL (most of them) is taken as it is, without a call per
    value; the text hashed is the same either way."""
    if _AS_THEY_ARE.issuperset(map(type, row.values())):
        content = dict(row)
    else:
        content = {n: v if type(v) in _AS_THEY_ARE else _canonical(v) for n, v in row.items()}
    content.pop(COLUMN, None)
    text = _ENCODE([table, content])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# the same without sorting, for keys given in sorted order (the text is the same)
_ENCODE_IN_ORDER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@functools.lru_cache(maxsize=256)
def sealer(table: str, names: tuple[str, ...]) -> Callable[[Sequence[Any]], str]:
    """:func:`row_checksum` of rows of ``table`` read as tuples of the columns ``names``
    (a ``SELECT *``), without a dict per row: what a check of every row's seal uses."""
    keep = sorted((n, i) for i, n in enumerate(names) if n != COLUMN)
    if len(keep) < 2:  # too few columns to pick with one itemgetter
        return lambda values: row_checksum(table, dict(zip(names, values, strict=True)))
    keys = [n for n, _ in keep]
    pick = operator.itemgetter(*(i for _, i in keep))
    head = _ENCODE_IN_ORDER(table)

    def seal_of(values: Sequence[Any]) -> str:
        picked = pick(values)
        if not _AS_THEY_ARE.issuperset(map(type, picked)):
            picked = [v if type(v) in _AS_THEY_ARE else _canonical(v) for v in picked]
        text = f"[{head},{_ENCODE_IN_ORDER(dict(zip(keys, picked, strict=True)))}]"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    return seal_of


def as_dict(names: Sequence[str], values: Iterable[Any]) -> dict[str, Any]:
    return dict(zip(names, values, strict=True))


def column_names(cursor: sqlite3.Cursor) -> list[str]:
    return [d[0] for d in cursor.description or ()]


def seal(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> None:
    """Write the seal of ``row`` (as just stored, with its ``id``) inside the open transaction."""
    conn.execute(
        f"UPDATE {table} SET {COLUMN} = ? WHERE id = ?", (row_checksum(table, row), row["id"])
    )


class PendingSeals:
    """The seals of rows written in the open transaction, written together (one
    ``executemany`` per table) instead of one ``UPDATE`` after each row's write."""

    def __init__(self) -> None:
        self._by_table: dict[str, list[tuple[str, Any]]] = {}

    def add(self, table: str, row: Mapping[str, Any]) -> None:
        """Seal ``row`` as just stored (with its ``id``); a row added twice gets its last."""
        self._by_table.setdefault(table, []).append((row_checksum(table, row), row["id"]))

    def add_values(self, table: str, names: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> None:
        """Seal ``rows`` as just read back (tuples of the columns ``names``, ``id`` among them)."""
        seal_of, at = sealer(table, names), names.index("id")
        self._by_table.setdefault(table, []).extend((seal_of(r), r[at]) for r in rows)

    def write(self, conn: sqlite3.Connection) -> None:
        for table, seals in self._by_table.items():
            conn.executemany(f"UPDATE {table} SET {COLUMN} = ? WHERE id = ?", seals)
        self._by_table.clear()


@contextlib.contextmanager
def sealing(conn: sqlite3.Connection) -> Iterator[PendingSeals]:
    """Seals collected in the block, written at its end inside the caller's transaction.

    An error in the block still seals the rows written before it (as a seal per write
    would have), so a caller that goes on inside a larger transaction never commits an
    unsealed row; a database error then is not allowed to hide the first error."""
    seals = PendingSeals()
    try:
        yield seals
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            seals.write(conn)
        raise
    seals.write(conn)


def reseal(conn: sqlite3.Connection, table: str, row_id: int) -> None:
    """Re-read one stored row and seal it (after SQLite itself changed it, e.g. SET NULL)."""
    cur = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    names = column_names(cur)
    found = cur.fetchone()
    if found is not None:
        seal(conn, table, as_dict(names, found))


def has_checksums(conn: sqlite3.Connection, table: str) -> bool:
    columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    return COLUMN in columns


def broken_rows(
    conn: sqlite3.Connection, table: str, against: str | None = None
) -> Iterable[tuple[dict[str, Any], bool]]:
    """Rows whose seal is wrong, each with ``False`` if it has no seal at all.

    ``against``: the schema name of an attached copy whose rows were all verified (a
    backup whose fingerprint still matches its manifest): only rows that are not, value
    for value, one of its rows are looked at; the others were verified then.  A table the
    copy lacks, or has with other columns, is looked at whole."""
    cur = conn.execute(_unverified_rows(conn, table, against))
    names = column_names(cur)
    seal_of = sealer(table, tuple(names))
    at = names.index(COLUMN) if COLUMN in names else None
    for values in cur:
        stored = values[at] if at is not None else None
        if stored is None:
            yield as_dict(names, values), False
        elif stored != seal_of(values):
            yield as_dict(names, values), True


def _unverified_rows(conn: sqlite3.Connection, table: str, against: str | None) -> str:
    """The query for the rows of ``table`` that ``against`` does not vouch for."""
    whole = f"SELECT * FROM main.{table} ORDER BY id"
    if against is None:
        return whole
    names = [str(r[1]) for r in conn.execute(f"PRAGMA main.table_info({table})")]
    theirs = {str(r[1]) for r in conn.execute(f"PRAGMA {against}.table_info({table})")}
    if not names or set(names) != theirs or "id" not in names:
        return whole
    columns = ", ".join(f'"{n}"' for n in names)
    # EXCEPT compares every column (the seal too; NULLs alike): a row changed in any way
    # since that copy, or added after it, is left to be verified
    return (
        f"SELECT {columns} FROM main.{table} EXCEPT "
        f"SELECT {columns} FROM {against}.{table} ORDER BY id"
    )


def seal_all(
    conn: sqlite3.Connection,
    tables: Iterable[str],
    skip: AbstractSet[tuple[str, int]] = frozenset(),
) -> None:
    """(Re)seal every row of ``tables`` except ``skip`` (rows already found broken stay so)."""
    for table in tables:
        cur = conn.execute(f"SELECT * FROM {table}")
        names = column_names(cur)
        seal_of, at = sealer(table, tuple(names)), names.index("id")
        updates = [
            (seal_of(values), values[at])
            for values in cur.fetchall()
            if (table, values[at]) not in skip
        ]
        conn.executemany(f"UPDATE {table} SET {COLUMN} = ? WHERE id = ?", updates)
