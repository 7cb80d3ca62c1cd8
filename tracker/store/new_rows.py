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
import dataclasses
import operator
import sqlite3
import uuid
from collections.abc import Callable
from typing import Any

from tracker.kinds import Kind, by_key
from tracker.kinds.fields import Derived, Field, Rows, Text
from tracker.progress import Progress, no_progress
from tracker.store.checksums import PendingSeals, column_names

_CHUNK = 2000  # rows per executemany: progress is heard between two

Columns = Callable[[Any], tuple[Any, ...]]


def column_plan(kind: Kind[Any]) -> tuple[tuple[str, ...], Columns] | None:
    """The column names of ``kind``'s rows and a function giving an entry's values in
    that order: :meth:`Kind.columns` without a dict per field and entry (an import writes
    tens of thousands): the attributes are read in one ``attrgetter`` and only fields whose
    ``to_db`` changes a value (a date, a choice) convert theirs.  None for a kind whose
    fields are not all plain attributes of one column or none (a group of columns)."""
    if kind.key in _PLANS:
        return _PLANS[kind.key]
    attributes = {f.name for f in dataclasses.fields(kind.model)}
    attr = kind.parent_attribute
    names: list[str] = [kind.parent_column] if attr is not None else []
    read: list[str] = [attr] if attr is not None else []
    convert: list[Callable[[Any], Any] | None] = [None] if attr is not None else []
    plan: tuple[tuple[str, ...], Columns] | None = None
    for f in kind.fields:
        if isinstance(f, Rows | Derived):
            continue  # no column of their own
        if type(f).columns is not Field.columns or (f.column and f.name not in attributes):
            break  # a group of columns, or a value Kind.columns finds missing
        if f.column:
            names.append(f.column)
            read.append(f.name)
            convert.append(_converter(f))
    else:
        if len(read) >= 2 and len(set(names)) == len(names):
            plan = (tuple(names), _values_of(read, convert))
    _PLANS[kind.key] = plan
    return plan


def _values_of(read: list[str], convert: list[Callable[[Any], Any] | None]) -> Columns:
    """An entry's attributes ``read`` (two or more), each through its converter, if any."""
    get = operator.attrgetter(*read)
    if not any(convert):
        return get
    steps = tuple(convert)

    def values(entry: Any) -> tuple[Any, ...]:
        return tuple(v if c is None else c(v) for v, c in zip(get(entry), steps, strict=True))

    return values


def _converter(f: Field) -> Callable[[Any], Any] | None:
    """``f.to_db``, or None where it gives every value back as it is."""
    if type(f).to_db is Field.to_db:
        return None
    if type(f) is Text and not f.strip:  # str(value): the same text for a text
        to_db = f.to_db
        return lambda v: v if type(v) is str else to_db(v)
    return f.to_db


_PLANS: dict[str, tuple[tuple[str, ...], Columns] | None] = {}


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
        plan = column_plan(kind)
        if plan is None:
            cols = kind.columns(entry)
            row_id = self._add(kind.table, entry.uid, tuple(cols), tuple(cols.values()))
        else:
            row_id = self._add(kind.table, entry.uid, plan[0], plan[1](entry))
        for f in kind.rows_fields:
            sub = by_key(f.kind)
            sub_plan = column_plan(sub) if sub.parent_attribute is None else None
            for item in getattr(entry, f.name):
                if sub_plan is None:
                    cols = {sub.parent_column: row_id, **sub.columns(item)}
                    self._add(sub.table, item.uid, tuple(cols), tuple(cols.values()))
                else:
                    names = (sub.parent_column, *sub_plan[0])
                    self._add(sub.table, item.uid, names, (row_id, *sub_plan[1](item)))

    def _add(self, table: str, uid: str, names: tuple[str, ...], cols: tuple[Any, ...]) -> int:
        row_id = self._next.get(table)
        if row_id is None:
            (largest,) = self._conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
            row_id = int(largest) + 1
            self._first[table] = row_id
        self._next[table] = row_id + 1
        values = (row_id, uid or str(uuid.uuid4()), self._now, self._now, *cols)
        self._rows.setdefault(
            (table, ("id", "uid", "created_at", "updated_at", *names)), []
        ).append(values)
        return row_id

    @property
    def waiting(self) -> int:
        """How many rows :meth:`write` would insert."""
        return sum(len(rows) for rows in self._rows.values())

    def write(self, progress: Progress = no_progress) -> None:
        """Insert the waiting rows and seal them: all of them or none (a savepoint), so an
        error leaves no half entry behind even inside a larger transaction that goes on.
        Afterwards ids are read afresh (a row written another way may come next).
        ``progress`` hears of the rows inserted, every :data:`_CHUNK` (its Cancelled
        undoes them, like any error)."""
        if not self._rows:
            return
        total = self.waiting
        spans = {table: (first, self._next[table] - 1) for table, first in self._first.items()}
        groups = list(self._rows.items())
        self._rows.clear()
        self._next.clear()
        self._first.clear()
        self._conn.execute("SAVEPOINT new_rows")
        try:
            done = 0
            for (table, names), rows in groups:
                marks = ", ".join("?" for _ in names)
                sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
                for start in range(0, len(rows), _CHUNK):
                    progress(done, total)
                    chunk = rows[start : start + _CHUNK]
                    self._conn.executemany(sql, chunk)
                    done += len(chunk)
            progress(done, total)
            stored = []  # each row as SQLite stored it, for its seal
            for table, span in spans.items():
                cur = self._conn.execute(f"SELECT * FROM {table} WHERE id BETWEEN ? AND ?", span)
                cur.row_factory = None  # plain tuples: the seal picks columns by position
                stored.append((table, tuple(column_names(cur)), cur.fetchall()))
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._conn.execute("ROLLBACK TO new_rows")
                self._conn.execute("RELEASE new_rows")
            raise
        self._conn.execute("RELEASE new_rows")
        for table, names, values in stored:
            self._seals.add_values(table, names, values)
