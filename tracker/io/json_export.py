"""The whole record as one JSON document: the public, lossless export format (:data:`VERSION`).

``docs/export-format.md`` is the contract; keep the two in step.  Every row
carries its ``uid``; integer row ids never appear (they mean nothing outside one
file), so a CNS visit names its phase by ``phase_uid``.  Dates are ISO 8601
text, enums their stored string values, and each blood value keeps what the
family typed (``value_text``, ``unit``, ``range_text``) beside the parsed and
normalised numbers.

:func:`write_json` replaces the target atomically: a private (0600) temporary
file in the same folder, flushed and fsynced, then ``os.replace``.  If anything
fails, the old target is left exactly as it was and the temporary file is
removed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker.i18n import tr
from tracker.kinds import CHILD, Kind, all_kinds, by_key, child_kinds
from tracker.kinds.fields import Choice, Group, Json, Rows, Text
from tracker.progress import Progress, no_progress, part_of
from tracker.store import durable
from tracker.store.record import Record

FORMAT = "treatment-tracker"
# The export format.  It goes up whenever a kind, a field or an enum value is added or
# changed (tests/test_export_shape.py holds the shape of each version); a reader refuses a
# file of a newer format.  2: the record's uid, entries ordered by date then uid, every
# kind's list present.  3: a blood value's lab flag, lab comment and hours after an
# infusion; a blood count's results of tests the program does not know (``other_results``).
# 4: growth measurements (``growth``).  5: medicines at home (``medicine_plans``, ``doses``);
# the child's fever-card fields (central line, allergies, the team's day and 24-hour
# phones, blood-product notes); temperatures, the team's fever rules and symptoms
# (``temperatures``, ``fever_rules``, ``symptoms``); transfusions and hospital stays
# (``transfusions``, ``stays``).  6: appointments that repeat (``repeat``, ``changes``); a
# medicine plan's ``form`` may be null (not entered); ``roadmaps`` (protocol roadmaps
# applied to a child, with their planned items).
VERSION = 6

JsonObject = dict[str, Any]


EVERY = 100
"""Entries turned into JSON between two calls of ``progress`` (a few milliseconds)."""


def export_record(
    record: Record, exported_at: dt.datetime, progress: Progress = no_progress
) -> JsonObject:
    """Everything in ``record`` as plain JSON-ready data (dicts, lists, str, float, bool, None).

    Driven by the kind registry (:mod:`tracker.kinds`): each child, then under it every
    kind of entry that belongs to a child, in the registry's order.  ``progress`` hears of
    the kinds done (and of the entries within one) and may stop it (Cancelled)."""
    uids: dict[tuple[str, int], str] = {}

    def uid_of(key: str, row_id: int | None) -> str | None:
        if row_id is None:
            return None
        if (key, row_id) not in uids:  # the store keeps a link within its child
            uids[(key, row_id)] = record.entry(by_key(key).model, row_id).uid
        return uids[(key, row_id)]

    def rows(f: Rows, items: Any) -> list[Json]:
        sub = by_key(f.kind)
        return [sub.to_json(item, uid_of, rows) for item in sorted(items, key=sub.sort_key)]

    def entry_json(kind: Kind[Any], entry: Any) -> JsonObject:
        obj = kind.to_json(entry, uid_of, rows)
        if kind.export_extra is not None:
            field = kind.rows_fields[0]  # a count's values: the worked-out ANC joins them
            assert field.json is not None
            obj[field.json] = [*obj[field.json], *kind.export_extra(entry)]
        return obj

    children: list[JsonObject] = []
    kinds = child_kinds()
    family = sorted(record.children(), key=CHILD.sort_key)
    steps = max(1, len(family) * len(kinds))
    progress(0, 100 * steps)
    for c, child in enumerate(family):
        assert child.id is not None
        obj = entry_json(CHILD, child)
        for k, kind in enumerate(kinds):
            assert kind.json is not None
            part = part_of(progress, 100 * (c * len(kinds) + k), 100, 100 * steps)
            entries = record.entries(kind.model, child.id)
            if kind.has_id:
                uids.update(((kind.key, e.id), e.uid) for e in entries)
            ordered = sorted(entries, key=kind.sort_key)  # the same on every computer
            made: list[JsonObject] = []
            for i, e in enumerate(ordered):
                if i % EVERY == 0:
                    part(len(ordered) + 2 * i, 3 * len(ordered))  # reading: about a third
                made.append(entry_json(kind, e))
            obj[kind.json] = made
            part(1, 1)
        children.append(obj)
    return {
        "format": FORMAT,
        "version": VERSION,
        "record_uid": record.record_uid,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "children": children,
    }


def export_shape() -> dict[str, Any]:
    """What the export can hold, from the kind registry: each kind's keys and each closed
    list's values.  A change to it is a new export format (:data:`VERSION`)."""
    shape: dict[str, Any] = {}
    for kind in all_kinds():
        keys: list[str] = ["uid"]
        choices: dict[str, list[str]] = {}
        for f in kind.fields:
            inner = f.fields if isinstance(f, Group) else ()
            if f.json is not None:
                keys.append(f.json)
                keys.extend(f"{f.json}.{g.json}" for g in inner if g.json)
            for g in (f, *inner):
                if isinstance(g, Choice):
                    choices[g.json or g.name] = list(g.values)
                elif isinstance(g, Text) and g.codes:
                    choices[g.json or g.name] = list(g.codes)
        shape[kind.key] = {"json": kind.json, "keys": keys, "choices": choices}
    return shape


CHUNKS = 20_000
"""Pieces of text the encoder makes between two calls of ``progress``."""


def dumps(data: JsonObject, progress: Progress = no_progress) -> str:
    """The exported text: UTF-8 characters as themselves, stable key order, no NaN
    (``json.dumps``'s text, made piece by piece so that ``progress`` may stop it)."""
    return "".join(_pieces(data, progress))


def _pieces(data: JsonObject, progress: Progress) -> Iterator[str]:
    """:func:`dumps`'s text, :data:`CHUNKS` of the encoder's pieces at a time."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False)
    waiting: list[str] = []
    for piece in encoder.iterencode(data):
        waiting.append(piece)
        if len(waiting) >= CHUNKS:
            progress(0, 0)  # how many pieces is not known ahead
            yield "".join(waiting)
            waiting.clear()
    waiting.append("\n")
    yield "".join(waiting)


def write_json(
    record: Record, path: Path, exported_at: dt.datetime, progress: Progress = no_progress
) -> None:
    """Export ``record`` to ``path``, replacing it atomically (0600; old file kept on failure).

    ``progress`` hears of the work and may stop it (Cancelled) before anything is
    written: then no file is made and an existing one is unchanged."""
    data = export_record(record, exported_at, part_of(progress, 0, 60, 100))
    # encoded a piece at a time: one whole text, joined and encoded, held the GIL long
    payload = b"".join(
        piece.encode("utf-8") for piece in _pieces(data, lambda _d, _t: progress(60, 100))
    )
    progress(95, 100)
    durable.write_atomically(Path(path), payload, tr("the export"))
