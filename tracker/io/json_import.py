"""Load a JSON export (``docs/export-format.md``, versions 1 and 2) back into an empty record.

The round trip of :mod:`tracker.io.json_export`: the same children, phases,
milestones, blood counts, lumbar punctures, team thresholds, appointments and
questions, with the same uids, values, dates and notes (the row timestamps are
those of the import).  Values marked ``"calculated": true`` are not part of the
record and are skipped.

1. :func:`read_export` parses the text with its own small JSON reader, which
   remembers the line of every value, then checks every field's type and form
   and runs the program's own rules (``tracker.forms.validate_*``) on every
   entry.  Each problem names its line and key path::

       line 57 (children[0].counts[2].values[1].unit): "K/xx" is not a unit of Platelets

   Nothing is written unless the whole file is right.
2. :func:`load_export` writes it into an **empty** record in one transaction
   (all or nothing), after a backup if the record already existed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from tracker.clock import Clock
from tracker.dates import date_window
from tracker.i18n import tr
from tracker.io import listing
from tracker.io.json_export import FORMAT, VERSION

# the strict reader is a module of its own (roadmap templates use it too)
from tracker.io.json_text import JsonImportError as JsonImportError
from tracker.io.json_text import KeyPath as KeyPath
from tracker.io.json_text import parse_with_lines as parse_with_lines
from tracker.kinds import ALL_CHANGED, CHILD, Changes, Context, Kind, by_key, child_kinds
from tracker.kinds.fields import Date as DateField
from tracker.kinds.fields import Derived, Link, Number, Rows, Text
from tracker.kinds.kind import indefinite
from tracker.model import Child
from tracker.store.errors import RecordError, ValidationFailed
from tracker.store.record import Record

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

# The latest time zone on Earth (Kiribati's Line Islands).  An export made there at
# 00:30 holds entries dated a day (or two) after the date at UTC-11 at the same
# instant, so "in the future" for a file means after today in this zone.
LATEST_ZONE = dt.timezone(dt.timedelta(hours=14))
MAX_PROBLEMS_SHOWN = listing.SHOWN
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d", re.ASCII)
_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)


def latest_clock(clock: Clock) -> Clock:
    """``clock`` read in :data:`LATEST_ZONE`: the same instant, the latest date on Earth.

    Import with it (``read_export`` and the record it loads into) so that a date is
    "in the future" only if it is after today everywhere, wherever the export was made.
    """
    return lambda: clock().astimezone(LATEST_ZONE)


# ---------------------------------------------------------------------- what a file holds


@dataclass(frozen=True, slots=True)
class Read:
    """One entry read from a file (ids not yet known), with the uids its links name."""

    value: Any
    links: tuple[tuple[str, str | None], ...] = ()  # (field, uid of the entry linked to)
    anchored: bool = True  # its dates (and numbers) that others are measured by are usable
    # ``value`` as the rules saw it: a stand-in id of its own, and its links to entries
    # read before it by their stand-in ids (the ids are known only once it is saved)
    checked: Any = None


@dataclass(frozen=True, slots=True)
class ChildData:
    """One child and everything recorded for them, ready to save, kind by kind."""

    child: Child
    entries: tuple[tuple[str, tuple[Read, ...]], ...] = ()  # (kind key, entries)

    def of(self, key: str) -> tuple[Any, ...]:
        """The entries of the kind ``key``."""
        for k, entries in self.entries:
            if k == key:
                return tuple(read.value for read in entries)
        return ()


@dataclass(frozen=True, slots=True)
class ExportContents:
    children: tuple[ChildData, ...]
    skipped_calculated: int = 0
    record_uid: str | None = None  # the record's own uid (export format 2 on)

    def describe(self) -> str:
        """ "1 child (Mila): 152 blood counts, 19 growth measurements, …": every kind of
        entry of the file that it has any of, in the kinds' order (tracker.kinds)."""
        if not self.children:
            return tr("no children")
        names = ", ".join(c.child.name for c in self.children)
        held = [
            kind.amount(n)
            for kind in child_kinds()
            if (n := sum(len(c.of(kind.key)) for c in self.children))
        ]
        return f"{CHILD.amount(len(self.children))} ({names})" + (
            f": {', '.join(held)}" if held else ""
        )


@dataclass
class _Check:
    """Collects problems with their line and key path."""

    lines: dict[KeyPath, int]
    today: dt.date
    local_today: dt.date | None = None  # the family's own date, named in messages
    found: list[tuple[KeyPath, str]] = field(default_factory=list)
    uids: dict[str, dict[str, KeyPath]] = field(default_factory=dict)
    skipped_calculated: int = 0
    version: int = VERSION  # the file's export format, once read
    # (message, path) for every path a message was said about and every path above it:
    # one look-up per problem (a list scanned per problem made 100,000 alike take hours).
    _said: set[tuple[str, KeyPath]] = field(default_factory=set)

    def add(self, path: KeyPath, message: str) -> None:
        if (message, path) in self._said:
            return  # already said about a part of it (a value's unit, then its count's rules)
        self._said.update((message, path[:i]) for i in range(len(path) + 1))
        self.found.append((path, message))

    @property
    def problems(self) -> list[str]:
        """Each problem with the line of its path (or of the nearest part of it in ``lines``)."""
        out = []
        for path, message in self.found:
            probe = path
            while probe and probe not in self.lines:
                probe = probe[:-1]
            line = self.lines.get(probe)
            where = _path_text(path)
            prefix = tr("line {line}").format(line=line) if line is not None else tr("the file")
            out.append(f"{prefix} ({where}): {message}" if where else f"{prefix}: {message}")
        return out

    def where(self, data: bytes) -> None:
        """Read ``data`` again for the lines of the paths problems were found at."""
        wanted = {path[:i] for path, _ in self.found for i in range(len(path) + 1)}
        self.lines = parse_with_lines(data, wanted)[1]

    # -- typed getters: each returns a usable default after noting the problem

    def obj(self, value: Any, path: KeyPath, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(
                path,
                tr("{what} must be an object {{…}}, not {value}").format(
                    what=what, value=_kind(value)
                ),
            )
            return None
        return value

    def items(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> list[Any]:
        if key not in obj:
            if not optional:
                self.add((*path, key), tr("“{key}” is missing").format(key=key))
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.add(
                (*path, key),
                tr("“{key}” must be a list […], not {value}").format(key=key, value=_kind(value)),
            )
            return []
        return value

    def _present(self, obj: dict[str, Any], key: str, path: KeyPath) -> bool:
        if key not in obj:
            self.add((*path, key), tr("“{key}” is missing").format(key=key))
            return False
        return True

    def text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str:
        if not self._present(obj, key, path):
            return ""
        value = obj[key]
        if not isinstance(value, str):
            self.add(
                (*path, key), tr("must be text in quotes, not {value}").format(value=_kind(value))
            )
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.add((*path, key), tr("holds a broken character (a lone \\ud800-style escape)"))
            return ""
        return value

    def optional_text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str | None:
        if not self._present(obj, key, path) or obj[key] is None:
            return None
        value = self.text(obj, key, path)
        return value if isinstance(obj[key], str) else None

    def date(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> dt.date | None:
        if not self._present(obj, key, path):
            return None
        value = obj[key]
        if value is None and optional:
            return None
        if not isinstance(value, str):
            self.add(
                (*path, key),
                tr('must be a date as text ("YYYY-MM-DD"), not {value}').format(value=_kind(value)),
            )
            return None
        if not _DATE.fullmatch(value):
            self.add(
                (*path, key),
                tr("“{value}” is not a date; write it as YYYY-MM-DD").format(value=value[:40]),
            )
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.add((*path, key), tr("{value} is not a day of the calendar").format(value=value))
            return None
        if (problem := date_window(self.today).problem(day, "date")) is not None:
            self.add((*path, key), problem.removeprefix("date: "))
            return None
        return day

    def time(self, obj: dict[str, Any], key: str, path: KeyPath) -> dt.time | None:
        text = self.optional_text(obj, key, path)
        if text is None:
            return None
        if not _TIME.fullmatch(text):
            self.add(
                (*path, key),
                tr("“{value}” is not a time; write it as HH:MM (24-hour)").format(value=text[:40]),
            )
            return None
        return dt.time.fromisoformat(text)

    def flag(self, obj: dict[str, Any], key: str, path: KeyPath) -> bool:
        if not self._present(obj, key, path):
            return False
        value = obj[key]
        if not isinstance(value, bool):
            self.add(
                (*path, key), tr("must be true or false, not {value}").format(value=_kind(value))
            )
            return False
        return value

    def number(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> float | None:
        if not self._present(obj, key, path):
            return None
        value = obj[key]
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.add((*path, key), tr("must be a number, not {value}").format(value=_kind(value)))
            return None
        number = float(value)
        if not math.isfinite(number):
            self.add((*path, key), tr("is not a finite number"))
            return None
        return number

    def choice(
        self,
        obj: dict[str, Any],
        key: str,
        path: KeyPath,
        enum: type[E],
        *,
        optional: bool = False,
    ) -> E | None:
        if not self._present(obj, key, path):
            return None
        value = obj[key]
        if value is None and optional:
            return None
        if not isinstance(value, str):
            self.add(
                (*path, key), tr("must be text in quotes, not {value}").format(value=_kind(value))
            )
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(f"“{m.value}”" for m in enum)
            self.add(
                (*path, key),
                tr("“{value}” is not one of {allowed}").format(value=value[:40], allowed=allowed),
            )
            return None

    def uid(self, obj: dict[str, Any], path: KeyPath, table: str, key: str = "uid") -> str:
        text = self.text(obj, key, path)
        if key not in obj or not isinstance(obj[key], str):
            return ""
        if not _UID.fullmatch(text):
            self.add(
                (*path, key),
                tr("“{value}” is not a uid (36 lower-case characters such as 3f2b…-…)").format(
                    value=text[:40]
                ),
            )
            return ""
        seen = self.uids.setdefault("", {})  # one identity per thing in the whole file
        if text in seen:
            self.add(
                (*path, key),
                tr("the uid is used twice (also at {value})").format(value=_path_text(seen[text])),
            )
            return ""
        seen[text] = (*path, key) if key != "uid" else path  # where to point back to
        return text

    def refuse_unknown(
        self, obj: dict[str, Any], path: KeyPath, known: set[str], what: str
    ) -> None:
        """A key the format does not have is refused, not dropped: it holds something this
        version of the program would lose."""
        for key in obj:
            if key not in known:
                self.add(
                    (*path, key),
                    tr(
                        "“{value}” is not a key of {what} in export format {version} (a newer "
                        "version of Treatment Tracker, or a change by hand?)"
                    ).format(value=key[:40], what=what, version=self.version),
                )

    def rules(self, path: KeyPath, check: Callable[[], dict[str, str]]) -> None:
        """The program's own rules for a record kind (``tracker.forms.validate_*``)."""
        try:
            errors = check()
        except (ValueError, KeyError) as exc:
            errors = {"": str(exc)}
        for message in errors.values():
            self.add(path, message)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return tr("an object")


def _path_text(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_export(data: bytes, today: dt.date, local_today: dt.date | None = None) -> ExportContents:
    """Parse and check a whole export; JsonImportError lists every problem with its line.

    ``today`` is the program's today: dates after it are refused where the program
    refuses them (a count in the future, say).  Give the date of
    ``latest_clock(clock)()`` so that an export from a time zone ahead of this one
    is not refused, and the family's own date as ``local_today``, which a refusal names
    ("after today (2026-12-01)", not the later date of that zone); dates outside
    ``tracker.dates.date_window`` are refused too.
    Every entry is read through its kind's declaration (:mod:`tracker.kinds`) and checked
    with the same rules as the forms and the store (``Kind.problems``).
    """
    doc, lines = parse_with_lines(data, set())  # the lines of problems are found afterwards
    check = _Check(lines, today, local_today)
    top = check.obj(doc, (), tr("The file"))
    if top is None:
        raise JsonImportError(check.problems, tr("The file is not a Treatment Tracker export."))
    if top.get("format") != FORMAT:
        raise JsonImportError(
            [
                tr("line {get}: “format” is not “{FORMAT}”").format(
                    get=lines.get(("format",), 1), FORMAT=FORMAT
                )
            ],
            tr(
                'The file is not a Treatment Tracker export (it has no "format": '
                '"{FORMAT}"); nothing was imported.'
            ).format(FORMAT=FORMAT),
        )
    version = top.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        check.add(("version",), tr("“version” must be a whole number"))
        version = VERSION
    elif version > VERSION:
        raise JsonImportError(
            [
                tr("line {get}: export format {version}").format(
                    get=lines.get(("version",), 1), version=version
                )
            ],
            tr(
                "The file was exported by a newer version of Treatment Tracker (export "
                "format {version}; this version reads up to {VERSION}); nothing was "
                "imported."
            ).format(version=version, VERSION=VERSION),
        )
    elif version < 1:
        check.add(
            ("version",), tr("export format {version} does not exist").format(version=version)
        )
        version = VERSION  # read the rest as the newest format, to name its problems too
    record_uid = None
    top_keys = {"format", "version", "exported_at", CHILD.json or "children"}
    if version >= _RECORD_UID_SINCE:
        top_keys.add("record_uid")
        if "record_uid" not in top:
            check.add(("record_uid",), tr("“record_uid” is missing"))
        elif top["record_uid"] is not None:
            record_uid = check.uid(top, (), "record", key="record_uid") or None
    check.version = version
    check.refuse_unknown(top, (), top_keys, tr("the file's top level"))
    exported_at = check.text(top, "exported_at", ())
    if isinstance(top.get("exported_at"), str):
        try:
            dt.datetime.fromisoformat(exported_at)
        except ValueError:
            check.add(
                ("exported_at",),
                tr("“{value}” is not a date and time (such as 2026-11-24T09:30:00+00:00)").format(
                    value=exported_at[:40]
                ),
            )
    reading = _Reading(check, version)
    children = tuple(
        c
        for i, item in enumerate(check.items(top, CHILD.json or "children", ()))
        if (c := reading.child(item, ("children", i))) is not None
    )
    if check.found:
        del doc, top  # the document read again for the lines: not two of them at once
        check.where(data)
        raise JsonImportError(check.problems)
    return ExportContents(children, check.skipped_calculated, record_uid)


# The export format from which a file names the record's own uid.
_RECORD_UID_SINCE = 2


@dataclass
class _Reading:
    """Reads entries of any kind from a file's objects, through the kinds' declarations."""

    check: _Check
    version: int
    places: dict[int, str] = field(default_factory=dict)  # id(entry) -> its key path
    # (kind key, uid) -> the stand-in id of an entry read: below 0, never a saved row's
    stand_ins: dict[tuple[str, str], int] = field(default_factory=dict)

    def child(self, item: Any, path: KeyPath) -> ChildData | None:
        check = self.check
        obj = check.obj(item, path, "A child")
        if obj is None:
            return None
        placeholder = Child(name="", birth_date=check.today)
        read = self.entry(
            CHILD, obj, path, placeholder, Context(None, check.today, local_today=check.local_today)
        )
        if read is None or not read.anchored:
            return None  # every other date is checked against the date of birth
        child: Child = read.value
        lists: list[tuple[str, tuple[Read, ...]]] = []
        so_far: dict[str, list[Any]] = {}
        uids: dict[str, set[str]] = {}
        context = Context(
            child,
            check.today,
            lambda key: so_far.get(key, ()),
            where=lambda entry: self.places.get(id(entry), ""),
            local_today=check.local_today,
        )
        for kind in child_kinds():
            assert kind.json is not None
            optional = self.version < kind.json_required_since
            if optional and kind.json in obj:  # a list the file's format does not have
                check.add(
                    (*path, kind.json),
                    tr(
                        "“{json}” is not in export format {version} (it came with format "
                        "{json_required_since}): raise the file's version, or remove the list"
                    ).format(
                        json=kind.json,
                        version=self.version,
                        json_required_since=kind.json_required_since,
                    ),
                )
                continue
            read_here: list[Read] = []
            for i, item in enumerate(check.items(obj, kind.json, path, optional=optional)):
                p = (*path, kind.json, i)
                entry_obj = check.obj(item, p, tr("An entry"))
                if entry_obj is None:
                    continue
                found = self.entry(kind, entry_obj, p, child, context, uids)
                if found is not None:
                    read_here.append(found)
                    so_far.setdefault(kind.key, []).append(found.checked)
                    uids.setdefault(kind.key, set()).add(found.value.uid)
            lists.append((kind.key, tuple(read_here)))
        return ChildData(child, tuple(lists))

    def entry(
        self,
        kind: Kind[Any],
        obj: dict[str, Any],
        path: KeyPath,
        child: Child,
        context: Context,
        uids: dict[str, set[str]] | None = None,
    ) -> Read | None:
        """One entry of ``kind`` from ``obj`` (problems noted), or None if unusable.

        Every field is read (a problem noted for each that is not right); the kind's rules
        then run on the entry unless a date or number they measure against was unusable
        (its stand-in would give false problems), and what they say about an unusable
        field is left out (that field's own problem is already noted)."""
        check = self.check
        # A field of a later format than the file's is refused like any unknown key.
        known = {
            "uid",
            *kind.export_only,
            *(f.json for f in kind.fields if f.json and f.since <= self.version),
        }
        if kind.parent is None:
            known.update(k.json for k in child_kinds() if k.json)
        check.refuse_unknown(obj, path, known, indefinite(kind.singular))
        values: dict[str, Any] = {}
        links: list[tuple[str, str | None]] = []
        derived: list[tuple[Derived, Any]] = []
        unusable: set[str] = set()
        for f in kind.fields:
            if f.json is None:
                continue
            before = len(check.found)
            if self.version < f.since:
                values[f.name] = () if isinstance(f, Rows) else f.default
                continue  # added in a later format: an older file has it not (or refused)
            if isinstance(f, Rows):
                values[f.name] = self.rows(f, obj, path, child, context)
                continue  # a row's problems are its own: the entry is read on
            if isinstance(f, Link):
                named = check.optional_text(obj, f.json, path)
                target = by_key(f.target)
                if named is not None and named not in (uids or {}).get(target.key, set()):
                    check.add(
                        (*path, f.json),
                        tr("names no {singular} of this child").format(singular=target.singular),
                    )
                links.append((f.name, named))
                values[f.name] = None
            elif isinstance(f, Derived):
                derived.append((f, f.from_json(check, obj, path)))
            else:
                value = f.from_json(check, obj, path)
                if value is None and isinstance(f, DateField) and not f.optional:
                    value = child.birth_date  # unusable: noted, and a stand-in to go on with
                codes = f.codes if isinstance(f, Text) else ()
                if codes and isinstance(obj.get(f.json), str) and value not in codes:
                    shown = ", ".join(f"“{c}”" for c in codes)
                    check.add(
                        (*path, f.json),
                        tr("“{value}” is not one of {shown}").format(value=value[:40], shown=shown),
                    )
                values[f.name] = value
            if len(check.found) > before:
                unusable.add(f.name)
        attr = kind.parent_attribute
        if attr is not None:
            values[attr] = 0
        if kind.has_id:  # an entry others belong to (a child) stands for its saved self
            values["id"] = 0 if kind.parent is None else None
        values["uid"] = check.uid(obj, path, kind.table)
        entry = kind.model(**values)
        # the dates and numbers the rules measure against: a stand-in would mislead them
        anchors = {
            f.name for f in kind.fields if isinstance(f, DateField | Number) and not f.optional
        }
        whole = not (unusable - {f.name for f in kind.fields if isinstance(f, Text)})
        for f, value in derived:  # checked against an entry whose values are all usable
            if whole and f.json in obj and (problem := f.agrees(entry, value)) is not None:
                check.add((*path, f.json), problem)
        if kind.check_json is not None and not kind.check_json(
            check, obj, path, entry, frozenset(unusable)
        ):
            return None
        checked = self._with_stand_ins(kind, entry, links)
        if not kind.part_of and not unusable & anchors:
            check.rules(
                path,
                lambda: {
                    k: m for k, m in kind.problems(checked, context).items() if k not in unusable
                },
            )
        self.places[id(checked)] = _path_text(path)
        return Read(entry, tuple(links), anchored=not unusable & anchors, checked=checked)

    def _with_stand_ins(
        self, kind: Kind[Any], entry: Any, links: list[tuple[str, str | None]]
    ) -> Any:
        """``entry`` as the rules see it in the record: an id of its own and its links to
        the entries they name, so that a rule reading the linked entry (a dose's plan and
        schedule, another log of the same dose) is checked while the file is read and the
        problem named with its place, not found only when the record is written."""
        if not kind.has_id or kind.parent is None or not entry.uid:
            return entry
        stand_in = -(len(self.stand_ins) + 1)
        self.stand_ins[(kind.key, entry.uid)] = stand_in
        ids = {
            name: self.stand_ins.get((kind.field(name).target, uid))  # type: ignore[attr-defined]
            for name, uid in links
            if uid is not None
        }
        return replace(entry, id=stand_in, **ids)

    def rows(
        self, f: Rows, obj: dict[str, Any], path: KeyPath, child: Child, context: Context
    ) -> tuple[Any, ...]:
        check = self.check
        sub = by_key(f.kind)
        assert f.json is not None
        out: list[Any] = []
        for i, item in enumerate(check.items(obj, f.json, path)):
            p = (*path, f.json, i)
            row = check.obj(item, p, tr("An entry of “{json}”").format(json=f.json))
            if row is None:
                continue
            if sub.skip_json is not None and sub.skip_json(check, row, p):
                check.skipped_calculated += 1
                continue  # worked out by the export, not part of the record
            found = self.entry(sub, row, p, child, context)
            if found is not None:
                out.append(found.value)
        return tuple(out)


# ---------------------------------------------------------------------- writing


def load_export(record: Record, contents: ExportContents) -> Changes:
    """Write ``contents`` into the empty ``record`` in one transaction (all or nothing).

    Refuses a record that already holds anything (RecordError).  A rule broken only
    in combination (the store checks again on save) raises JsonImportError; nothing
    is written then.
    """
    if not record.is_empty():
        names = ", ".join(c.name for c in record.children()) or tr("some entries")
        raise RecordError(
            tr(
                "{path} already holds a record ({names}); a JSON export can only be "
                "loaded into a new, empty record. Choose a new file name with --db."
            ).format(path=record.path, names=names)
        )
    try:
        with record.batch(tr("import the JSON export")):
            if contents.record_uid is not None:
                record.take_record_uid(contents.record_uid)
            for data in contents.children:
                _write_child(record, data)
    except ValidationFailed as exc:
        raise JsonImportError(
            [str(exc)],
            tr("The file breaks a rule of the record ({exc}); nothing was imported.").format(
                exc=exc
            ),
        ) from None
    except sqlite3.IntegrityError as exc:
        raise JsonImportError(
            [str(exc)],
            tr("The file breaks a rule of the record ({exc}); nothing was imported.").format(
                exc=exc
            ),
        ) from None
    return ALL_CHANGED


def load_into_new_record(path: Path, contents: ExportContents, clock: Clock) -> Record:
    """A new record at ``path`` holding ``contents``, open: built whole in a temporary file
    beside it and put in place at the end, so a crash or a refusal leaves no file at all.

    Refused (RecordError) if anything is at ``path``; JsonImportError as for
    :func:`load_export`.
    """
    return Record.create(path, clock=clock, fill=lambda record: load_export(record, contents))


def _write_child(record: Record, data: ChildData) -> None:
    """The child, then its entries kind by kind (the registry's order: an entry linked to
    comes before the entries that link to it), each link's uid turned into the new id."""
    child, _ = record.save(replace(data.child, id=None))
    assert child.id is not None
    ids: dict[tuple[str, str], int] = {}
    for key, entries in data.entries:
        kind = by_key(key)
        attr = kind.parent_attribute
        assert attr is not None
        ready = []
        # An entry linked to another of its own kind (a plan following the one it changed)
        # is saved after it, one by one in the file's order, so that its id is known.
        self_linked = any(f.target == key for f in kind.link_fields)
        for read in entries:
            links = {
                name: ids[(kind.field(name).target, uid)] if uid is not None else None  # type: ignore[attr-defined]
                for name, uid in read.links
            }
            entry = replace(read.value, **{attr: child.id}, **links)
            if self_linked:
                saved, _ = record.save(entry)
                ids[(key, saved.uid)] = saved.id
            else:
                ready.append(entry)
        if ready:
            record.save_all(ready)
        if kind.has_id:
            for saved in record.entries(kind.model, child.id):
                ids[(key, saved.uid)] = saved.id


def problems_text(exc: JsonImportError) -> Iterator[str]:
    """The problems to show, at most :data:`MAX_PROBLEMS_SHOWN`, then how many more."""
    yield from listing.first_of(exc.problems, MAX_PROBLEMS_SHOWN)
