"""New entries of a :meth:`~tracker.store.record.Record.save_all` written together.

An import writes thousands of new blood counts.  Row by row each is an ``INSERT …
RETURNING *`` (and its seal); here the new rows of many entries go in with one
``executemany`` per table, then are read back as stored and sealed from what was read.

The rows, their ids and their order are exactly those that saving the entries one by one
writes: each id is given explicitly, and it is the one SQLite itself would have given (one
more than the largest id in the table; no table of the record is ``AUTOINCREMENT``),
counted on from the largest id read inside the open write transaction (no other writer
can add a row meanwhile).  The seal is worked out from each row as SQLite stored it
(defaults filled in, column types applied), never from what was sent.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from typing import Any

from tracker.kinds import Kind, by_key
from tracker.store.checksums import PendingSeals, column_names


class NewRows:
    """The rows of new entries waiting to be written inside the open transaction."""

    def __init__(self, conn: sqlite3.Connection, now: str, seals: PendingSeals) -> None:
        self._conn = conn
        self._now = now
        self._seals = seals
        self._next: dict[str, int] = {}  # table → the next id to give
        self._first: dict[str, int] = {}  # table → the first id given since the last write
        # (table, columns) → rows, in the order first used: an entry's table comes before
        # the tables of its own rows, so every row's parent is in before it
        self._rows: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}

    def add_entry(self, kind: Kind[Any], entry: Any) -> None:
        """A new entry (its id is None) and its own rows (a count's values), as
        ``Record._write_entry`` would insert them."""
        row_id = self._add(kind.table, entry.uid, kind.columns(entry))
        for f in kind.rows_fields:
            sub = by_key(f.kind)
            for item in getattr(entry, f.name):
                self._add(sub.table, item.uid, {sub.parent_column: row_id, **sub.columns(item)})

    def _add(self, table: str, uid: str, cols: dict[str, Any]) -> int:
        row_id = self._next.get(table)
        if row_id is None:
            (largest,) = self._conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            row_id = int(largest) + 1
            self._first[table] = row_id
        self._next[table] = row_id + 1
        names = ("id", "uid", "created_at", "updated_at", *cols)
        values = (row_id, uid or str(uuid.uuid4()), self._now, self._now, *cols.values())
        self._rows.setdefault((table, names), []).append(values)
        return row_id

    def write(self) -> None:
        """Insert the waiting rows and seal them: all of them or none (a savepoint), so an
        error leaves no half entry behind even inside a larger transaction that goes on.
        Afterwards ids are read afresh (a row written another way may come next)."""
        if not self._rows:
            return
        spans = {table: (first, self._next[table] - 1) for table, first in self._first.items()}
        groups = list(self._rows.items())
        self._rows.clear()
        self._next.clear()
        self._first.clear()
        self._conn.execute("SAVEPOINT new_rows")
        try:
            for (table, names), rows in groups:
                marks = ", ".join("?" for _ in names)
                self._conn.executemany(
                    f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows
                )
            stored = []  # each row as SQLite stored it, for its seal
            for table, span in spans.items():
                cur = self._conn.execute(f"SELECT * FROM {table} WHERE id BETWEEN ? AND ?", span)
                stored.append((table, tuple(column_names(cur)), cur.fetchall()))
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._conn.execute("ROLLBACK TO new_rows")
                self._conn.execute("RELEASE new_rows")
            raise
        self._conn.execute("RELEASE new_rows")
        for table, names, values in stored:
            self._seals.add_values(table, names, values)
