"""Load a JSON export (``docs/export-format.md``, version 1) back into an empty record.

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

import contextlib
import datetime as dt
import json
import math
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from json.scanner import NUMBER_RE
from pathlib import Path
from typing import Any, TypeVar

from tracker import analytes, forms
from tracker.clock import Clock
from tracker.dates import date_window
from tracker.io import listing
from tracker.io.json_export import FORMAT, VERSION
from tracker.model import (
    Appointment,
    Changes,
    Child,
    CnsStatus,
    CnsVisit,
    Comparator,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    Kmt2aStatus,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    PrednisoneResponse,
    Question,
    RiskGroup,
    Sex,
    TeamThreshold,
    ThresholdPurpose,
    YesNoUnknown,
)
from tracker.store.errors import RecordError, ValidationFailed
from tracker.store.record import Record

KeyPath = tuple[str | int, ...]
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

MAX_DEPTH = 64
# The export of ten synthetic years (bench/make_record.py) holds 368,132 JSON values;
# ten times that and more is not an export, and every value costs memory (about 200
# bytes with its line), so the reader stops there: at most about 1 GB for any file.
MAX_VALUES = 4_000_000
# The latest time zone on Earth (Kiribati's Line Islands).  An export made there at
# 00:30 holds entries dated a day (or two) after the date at UTC-11 at the same
# instant, so "in the future" for a file means after today in this zone.
LATEST_ZONE = dt.timezone(dt.timedelta(hours=14))
MAX_PROBLEMS_SHOWN = listing.SHOWN
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d", re.ASCII)
_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_WS_RUN = re.compile(r"[ \t\n\r]*")
# The standard library's string scanner (C-accelerated), not in the type stubs.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def latest_clock(clock: Clock) -> Clock:
    """``clock`` read in :data:`LATEST_ZONE`: the same instant, the latest date on Earth.

    Import with it (``read_export`` and the record it loads into) so that a date is
    "in the future" only if it is after today everywhere, wherever the export was made.
    """
    return lambda: clock().astimezone(LATEST_ZONE)


class JsonImportError(RecordError):
    """The file cannot be loaded; ``problems`` lists every reason, each with its line."""

    def __init__(self, problems: list[str], summary: str | None = None) -> None:
        self.problems = problems
        self.listed = summary is None  # the message only counts them: show the list too
        super().__init__(
            summary or f"{len(problems)} problem(s) in the file; nothing was imported."
        )


# ---------------------------------------------------------------------- JSON with lines


class _Syntax(Exception):
    def __init__(self, pos: int, message: str) -> None:
        self.pos = pos
        self.message = message


class _TooMany(_Syntax):
    pass


class _Reader:
    """A strict JSON reader (RFC 8259: no NaN, no duplicate keys) that notes each value's line."""

    def __init__(self, text: str, wanted: set[KeyPath] | None = None) -> None:
        self.text = text
        self.lines: dict[KeyPath, int] = {}
        # Only the lines asked for (and the top level's) are kept: a line for every
        # value cost about 170 bytes each, a third of the reader's memory.  None: all.
        self._wanted = wanted
        # Line numbers are counted as the reader moves forward (no table of every line
        # break: for a file of newlines that table took 37 bytes per byte of the file).
        self._counted_to = 0
        self._breaks_before = 0
        self._values = 0

    def line(self, pos: int) -> int:
        if pos < self._counted_to:
            return self.text.count("\n", 0, pos) + 1
        self._breaks_before += self.text.count("\n", self._counted_to, pos)
        self._counted_to = pos
        return self._breaks_before + 1

    def column(self, pos: int) -> int:
        return pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def read(self) -> Any:
        pos = self._skip(0)
        value, pos = self._value(pos, (), 0)
        pos = self._skip(pos)
        if pos != len(self.text):
            raise _Syntax(pos, "there is more text after the end of the JSON document")
        return value

    def _skip(self, pos: int) -> int:
        m = _WS_RUN.match(self.text, pos)
        return m.end() if m else pos

    def _value(self, pos: int, path: KeyPath, depth: int) -> tuple[Any, int]:
        text = self.text
        if self._wanted is None or len(path) <= 1 or path in self._wanted:
            self.lines[path] = self.line(pos)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _TooMany(pos, f"more than {MAX_VALUES:,} values")
        if depth > MAX_DEPTH:
            raise _Syntax(pos, "the data is nested too deeply")
        if pos >= len(text):
            raise _Syntax(pos, "the file ends where a value was expected")
        c = text[pos]
        if c == "{":
            return self._object(pos + 1, path, depth)
        if c == "[":
            return self._array(pos + 1, path, depth)
        if c == '"':
            return self._string(pos)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                return value, pos + len(word)
        m = NUMBER_RE.match(text, pos)
        if m:
            integer, frac, exp = m.groups()
            if frac or exp:
                number = float(integer + (frac or "") + (exp or ""))
                if not math.isfinite(number):
                    raise _Syntax(pos, "a number is far too large")
                return number, m.end()
            if len(integer) > 30:
                raise _Syntax(pos, "a number is far too large")
            return int(integer), m.end()
        raise _Syntax(
            pos, "a value was expected here (text in quotes, a number, true, false, null, [ or {)"
        )

    def _string(self, pos: int) -> tuple[str, int]:
        try:
            s, end = _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise _Syntax(exc.pos, f"broken text in quotes ({exc.msg})") from None
        return s, end

    def _object(self, pos: int, path: KeyPath, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        pos = self._skip(pos)
        if pos < len(text) and text[pos] == "}":
            return result, pos + 1
        while True:
            if pos >= len(text) or text[pos] != '"':
                raise _Syntax(pos, "a key in double quotes was expected")
            key, pos = self._string(pos)
            if key in result:
                raise _Syntax(pos, f"the key “{key}” appears twice in the same object")
            pos = self._skip(pos)
            if pos >= len(text) or text[pos] != ":":
                raise _Syntax(pos, "a colon (:) was expected after the key")
            pos = self._skip(pos + 1)
            result[key], pos = self._value(pos, (*path, key), depth + 1)
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
                continue
            if pos < len(text) and text[pos] == "}":
                return result, pos + 1
            raise _Syntax(pos, "a comma (,) or a closing brace (}) was expected")

    def _array(self, pos: int, path: KeyPath, depth: int) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        pos = self._skip(pos)
        if pos < len(text) and text[pos] == "]":
            return result, pos + 1
        while True:
            value, pos = self._value(pos, (*path, len(result)), depth + 1)
            result.append(value)
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                return result, pos + 1
            raise _Syntax(pos, "a comma (,) or a closing bracket (]) was expected")


def parse_with_lines(
    data: bytes, wanted: set[KeyPath] | None = None
) -> tuple[Any, dict[KeyPath, int]]:
    """The JSON document in ``data`` and the line of every value (or only of the top level
    and the paths in ``wanted``); JsonImportError if unreadable."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JsonImportError(
            [f"line {line}: the file is not UTF-8 text (byte {exc.start + 1})"],
            "The file is not a JSON export (it is not UTF-8 text); nothing was imported.",
        ) from None
    reader = _Reader(text, wanted)
    try:
        return reader.read(), reader.lines
    except _TooMany:
        raise JsonImportError(
            [f"the file holds more than {MAX_VALUES:,} values"],
            f"The file holds more than {MAX_VALUES:,} values; a Treatment Tracker export of "
            "ten years holds about 370,000, so this is not one. Nothing was imported.",
        ) from None
    except _Syntax as exc:
        where = f"line {reader.line(exc.pos)}, column {reader.column(exc.pos)}"
        raise JsonImportError(
            [f"{where}: {exc.message}"],
            f"The file is not valid JSON ({where}: {exc.message}); nothing was imported.",
        ) from None
    except RecursionError:
        raise JsonImportError(
            ["the data is nested too deeply"],
            "The file is nested too deeply; nothing was imported.",
        ) from None


# ---------------------------------------------------------------------- what a file holds


@dataclass(frozen=True, slots=True)
class ChildData:
    """One child and everything recorded for them, ready to save (ids not yet known)."""

    child: Child
    phases: tuple[Phase, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    counts: tuple[CountResult, ...] = ()
    cns_visits: tuple[tuple[CnsVisit, str | None], ...] = ()  # with the phase's uid
    thresholds: tuple[TeamThreshold, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportContents:
    children: tuple[ChildData, ...]
    skipped_calculated: int = 0

    def describe(self) -> str:
        n = len(self.children)
        counts = sum(len(c.counts) for c in self.children)
        names = ", ".join(c.child.name for c in self.children)
        return f"{n} child(ren) ({names}), {counts} blood count(s)" if n else "no children"


@dataclass
class _Check:
    """Collects problems with their line and key path."""

    lines: dict[KeyPath, int]
    today: dt.date
    found: list[tuple[KeyPath, str]] = field(default_factory=list)
    uids: dict[str, dict[str, KeyPath]] = field(default_factory=dict)
    skipped_calculated: int = 0
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
            prefix = f"line {line}" if line is not None else "the file"
            out.append(f"{prefix} ({where}): {message}" if where else f"{prefix}: {message}")
        return out

    def where(self, data: bytes) -> None:
        """Read ``data`` again for the lines of the paths problems were found at."""
        wanted = {path[:i] for path, _ in self.found for i in range(len(path) + 1)}
        self.lines = parse_with_lines(data, wanted)[1]

    # -- typed getters: each returns a usable default after noting the problem

    def obj(self, value: Any, path: KeyPath, what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, f"{what} must be an object {{…}}, not {_kind(value)}")
            return None
        return value

    def items(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> list[Any]:
        if key not in obj:
            if not optional:
                self.add((*path, key), f"“{key}” is missing")
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.add((*path, key), f"“{key}” must be a list […], not {_kind(value)}")
            return []
        return value

    def _present(self, obj: dict[str, Any], key: str, path: KeyPath) -> bool:
        if key not in obj:
            self.add((*path, key), f"“{key}” is missing")
            return False
        return True

    def text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str:
        if not self._present(obj, key, path):
            return ""
        value = obj[key]
        if not isinstance(value, str):
            self.add((*path, key), f"must be text in quotes, not {_kind(value)}")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.add((*path, key), "holds a broken character (a lone \\ud800-style escape)")
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
            self.add((*path, key), f'must be a date as text ("YYYY-MM-DD"), not {_kind(value)}')
            return None
        if not _DATE.fullmatch(value):
            self.add((*path, key), f"“{value[:40]}” is not a date; write it as YYYY-MM-DD")
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.add((*path, key), f"{value} is not a day of the calendar")
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
            self.add((*path, key), f"“{text[:40]}” is not a time; write it as HH:MM (24-hour)")
            return None
        return dt.time.fromisoformat(text)

    def flag(self, obj: dict[str, Any], key: str, path: KeyPath) -> bool:
        if not self._present(obj, key, path):
            return False
        value = obj[key]
        if not isinstance(value, bool):
            self.add((*path, key), f"must be true or false, not {_kind(value)}")
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
            self.add((*path, key), f"must be a number, not {_kind(value)}")
            return None
        number = float(value)
        if not math.isfinite(number):
            self.add((*path, key), "is not a finite number")
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
            self.add((*path, key), f"must be text in quotes, not {_kind(value)}")
            return None
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(f"“{m.value}”" for m in enum)
            self.add((*path, key), f"“{value[:40]}” is not one of {allowed}")
            return None

    def uid(self, obj: dict[str, Any], path: KeyPath, table: str) -> str:
        text = self.text(obj, "uid", path)
        if "uid" not in obj or not isinstance(obj["uid"], str):
            return ""
        if not _UID.fullmatch(text):
            self.add(
                (*path, "uid"),
                f"“{text[:40]}” is not a uid (36 lower-case characters such as 3f2b…-…)",
            )
            return ""
        seen = self.uids.setdefault(table, {})
        if text in seen:
            self.add((*path, "uid"), f"the uid is used twice (also at {_path_text(seen[text])})")
            return ""
        seen[text] = path
        return text

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
    return "an object"


def _path_text(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_export(data: bytes, today: dt.date) -> ExportContents:
    """Parse and check a whole export; JsonImportError lists every problem with its line.

    ``today`` is the program's today: dates after it are refused where the program
    refuses them (a count in the future, say).  Give the date of
    ``latest_clock(clock)()`` so that an export from a time zone ahead of this one
    is not refused; dates outside ``tracker.dates.date_window`` are refused too.
    """
    doc, lines = parse_with_lines(data, set())  # the lines of problems are found afterwards
    check = _Check(lines, today)
    top = check.obj(doc, (), "The file")
    if top is None:
        raise JsonImportError(check.problems, "The file is not a Treatment Tracker export.")
    if top.get("format") != FORMAT:
        raise JsonImportError(
            [f"line {lines.get(('format',), 1)}: “format” is not “{FORMAT}”"],
            'The file is not a Treatment Tracker export (it has no "format": '
            f'"{FORMAT}"); nothing was imported.',
        )
    version = top.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        check.add(("version",), "“version” must be a whole number")
    elif version > VERSION:
        raise JsonImportError(
            [f"line {lines.get(('version',), 1)}: export format {version}"],
            f"The file was exported by a newer version of Treatment Tracker (export format "
            f"{version}; this version reads up to {VERSION}); nothing was imported.",
        )
    elif version < 1:
        check.add(("version",), f"export format {version} does not exist")
    children = tuple(
        c
        for i, item in enumerate(check.items(top, "children", ()))
        if (c := _child_data(check, item, ("children", i))) is not None
    )
    if check.found:
        del doc, top  # the document read again for the lines: not two of them at once
        check.where(data)
        raise JsonImportError(check.problems)
    return ExportContents(children, check.skipped_calculated)


def _child_data(check: _Check, item: Any, path: KeyPath) -> ChildData | None:
    obj = check.obj(item, path, "A child")
    if obj is None:
        return None
    birth = check.date(obj, "birth_date", path)
    child = Child(
        name=check.text(obj, "name", path),
        birth_date=birth or check.today,
        sex=check.choice(obj, "sex", path, Sex) or Sex.UNKNOWN,
        diagnosis_date=check.date(obj, "diagnosis_date", path, optional=True),
        immunophenotype=check.text(obj, "immunophenotype", path),
        kmt2a_status=check.choice(obj, "kmt2a_status", path, Kmt2aStatus) or Kmt2aStatus.UNKNOWN,
        kmt2a_partner=check.text(obj, "kmt2a_partner", path),
        wbc_at_diagnosis_text=check.text(obj, "wbc_at_diagnosis_text", path),
        wbc_at_diagnosis_unit=check.text(obj, "wbc_at_diagnosis_unit", path),
        wbc_at_diagnosis=check.number(obj, "wbc_at_diagnosis", path, optional=True),
        cns_status_at_diagnosis=check.choice(obj, "cns_status_at_diagnosis", path, CnsStatus)
        or CnsStatus.UNKNOWN,
        prednisone_response=check.choice(obj, "prednisone_response", path, PrednisoneResponse)
        or PrednisoneResponse.UNKNOWN,
        protocol=check.text(obj, "protocol", path),
        risk_group=check.choice(obj, "risk_group", path, RiskGroup) or RiskGroup.UNKNOWN,
        risk_group_text=check.text(obj, "risk_group_text", path),
        hospital=check.text(obj, "hospital", path),
        team_contacts=check.text(obj, "team_contacts", path),
        notes=check.text(obj, "notes", path),
        id=0,
        uid=check.uid(obj, path, "child"),
    )
    if birth is None:
        return None  # every other date is checked against the date of birth
    check.rules(path, lambda: forms.validate_child(child, check.today))

    phases = _each(check, obj, "phases", path, lambda o, p: _phase(check, o, p, child))
    phase_uids = {ph.uid for ph in phases}
    data = ChildData(
        child=child,
        phases=phases,
        milestones=_each(
            check, obj, "milestones", path, lambda o, p: _milestone(check, o, p, child)
        ),
        counts=_each(check, obj, "counts", path, lambda o, p: _count(check, o, p, child)),
        cns_visits=_each(
            check, obj, "cns_visits", path, lambda o, p: _visit(check, o, p, child, phase_uids)
        ),
        thresholds=_each(
            check, obj, "team_thresholds", path, lambda o, p: _threshold(check, o, p), True
        ),
        appointments=_each(
            check, obj, "appointments", path, lambda o, p: _appointment(check, o, p, child), True
        ),
        questions=_each(
            check, obj, "questions", path, lambda o, p: _question(check, o, p, child), True
        ),
    )
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(data.thresholds):
        key = (t.analyte, t.purpose.value)
        if key in seen:
            check.add(
                (*path, "team_thresholds", i),
                f"a second number for {t.analyte} and {t.purpose.value} "
                f"(the first is team_thresholds[{seen[key]}])",
            )
        seen.setdefault(key, i)
    return data


def _each(
    check: _Check,
    obj: dict[str, Any],
    key: str,
    path: KeyPath,
    make: Callable[[dict[str, Any], KeyPath], T | None],
    optional: bool = False,
) -> tuple[T, ...]:
    out: list[T] = []
    for i, item in enumerate(check.items(obj, key, path, optional=optional)):
        p = (*path, key, i)
        entry = check.obj(item, p, "An entry")
        if entry is not None and (made := make(entry, p)) is not None:
            out.append(made)
    return tuple(out)


def _phase(check: _Check, o: dict[str, Any], path: KeyPath, child: Child) -> Phase | None:
    phase = Phase(
        child_id=0,
        kind=check.choice(o, "kind", path, PhaseKind) or PhaseKind.OTHER,
        name=check.text(o, "name", path),
        planned_start=check.date(o, "planned_start", path, optional=True),
        planned_end=check.date(o, "planned_end", path, optional=True),
        actual_start=check.date(o, "actual_start", path, optional=True),
        actual_end=check.date(o, "actual_end", path, optional=True),
        notes=check.text(o, "notes", path),
        uid=check.uid(o, path, "phase"),
    )
    check.rules(path, lambda: forms.validate_phase(phase, child, check.today))
    return phase


def _milestone(check: _Check, o: dict[str, Any], path: KeyPath, child: Child) -> Milestone | None:
    mrd: Mrd | None = None
    if o.get("mrd") is not None:
        m = check.obj(o["mrd"], (*path, "mrd"), "“mrd”")
        if m is not None:
            mp = (*path, "mrd")
            fraction = check.number(m, "fraction", mp, optional=True)
            mrd = Mrd(
                entered=check.text(m, "entered", mp),
                fraction=fraction,
                qualifier=check.choice(m, "qualifier", mp, MrdQualifier) or MrdQualifier.QUANTIFIED,
                method=check.choice(m, "method", mp, MrdMethod, optional=True),
                sample=check.choice(m, "sample", mp, MrdSample, optional=True),
            )
    elif "mrd" not in o:
        check.add((*path, "mrd"), "“mrd” is missing")
    date = check.date(o, "date", path)
    milestone = Milestone(
        child_id=0,
        date=date or child.birth_date,
        kind=check.choice(o, "kind", path, MilestoneKind) or MilestoneKind.OTHER,
        result_text=check.text(o, "result_text", path),
        planned=check.flag(o, "planned", path),
        mrd=mrd,
        notes=check.text(o, "notes", path),
        uid=check.uid(o, path, "milestone"),
    )
    if date is not None:
        check.rules(path, lambda: forms.validate_milestone(milestone, child, check.today))
    return milestone


def _count(check: _Check, o: dict[str, Any], path: KeyPath, child: Child) -> CountResult | None:
    date = check.date(o, "taken_date", path)
    time = check.time(o, "taken_time", path)
    taken_at = check.text(o, "taken_at", path)
    if date is not None and "taken_at" in o:
        expected = date.isoformat() + (f"T{time.strftime('%H:%M')}" if time else "")
        if taken_at != expected:
            check.add(
                (*path, "taken_at"),
                f"“{taken_at}” does not match taken_date and taken_time (“{expected}”)",
            )
    values: list[CountValue] = []
    for i, item in enumerate(check.items(o, "values", path)):
        vp = (*path, "values", i)
        v = check.obj(item, vp, "A blood value")
        if v is None:
            continue
        calculated = check.flag(v, "calculated", vp)
        if calculated:
            check.skipped_calculated += 1
            continue  # worked out by the export, not part of the record
        made = _value(check, v, vp)
        if made is not None:
            values.append(made)
    result = CountResult(
        child_id=0,
        taken_date=date or child.birth_date,
        taken_time=time,
        source=check.text(o, "source", path),
        note=check.text(o, "note", path),
        values=tuple(values),
        uid=check.uid(o, path, "count_result"),
    )
    if date is not None:
        check.rules(path, lambda: forms.validate_count(result, child, check.today))
    return result


def _value(check: _Check, v: dict[str, Any], path: KeyPath) -> CountValue | None:
    code = check.text(v, "analyte", path)
    a = analytes.BY_CODE.get(code)
    if a is None and "analyte" in v and isinstance(v["analyte"], str):
        codes = ", ".join(analytes.CODES)
        check.add((*path, "analyte"), f"“{code}” is not a blood value this program knows ({codes})")
    value = check.number(v, "value", path)
    unit = check.text(v, "unit", path)
    normalised = check.number(v, "normalised_value", path)
    canonical = check.text(v, "canonical_unit", path)
    comparator = check.choice(v, "comparator", path, Comparator)
    value_text = check.text(v, "value_text", path)
    low = check.number(v, "range_low", path, optional=True)
    high = check.number(v, "range_high", path, optional=True)
    range_text = check.text(v, "range_text", path)
    uid = check.uid(v, path, "count_value")
    if a is None or value is None or normalised is None or comparator is None:
        return None
    if not value_text.strip():
        check.add((*path, "value_text"), "is empty; it holds the value as it was typed")
    if value < 0:
        check.add((*path, "value"), f"{a.name} cannot be negative")
    known = a.unit(unit)
    if known is None:
        check.add((*path, "unit"), analytes.unknown_unit_message(a, unit))
    elif abs(value * known.factor - normalised) > 1e-9 * max(1.0, abs(normalised)):
        check.add(
            (*path, "normalised_value"),
            f"{normalised!r} is not {value!r} {unit} in {a.canonical_unit}",
        )
    if canonical != a.canonical_unit:
        check.add((*path, "canonical_unit"), f"must be “{a.canonical_unit}” for {a.name}")
    _typed_text_agrees(check, path, value, comparator, value_text, low, high, range_text)
    return CountValue(
        analyte=a.code,
        value_text=value_text,
        unit=unit,
        value=value,
        normalised_value=normalised,
        canonical_unit=canonical,
        comparator=comparator,
        range_text=range_text,
        range_low=low,
        range_high=high,
        uid=uid,
    )


def _typed_text_agrees(
    check: _Check,
    path: KeyPath,
    value: float,
    comparator: Comparator,
    value_text: str,
    low: float | None,
    high: float | None,
    range_text: str,
) -> None:
    """The typed text is the truth: the numbers stored beside it must be what the form's
    parsers (``analytes.parse_number``, ``forms.parse_range``) make of it, or the record
    would say one thing in ``check`` and another in the CSV export."""
    if value_text.strip():
        try:
            typed = analytes.parse_number(value_text)
        except ValueError as exc:
            check.add((*path, "value_text"), str(exc))
        else:
            if not _same_number(typed.value, value):
                check.add(
                    (*path, "value"),
                    f"{value:g} does not match value_text “{value_text}” ({typed.value:g})",
                )
            if typed.comparator != comparator:
                check.add(
                    (*path, "comparator"),
                    f"“{comparator.value}” does not match value_text “{value_text}” "
                    f"(“{typed.comparator.value}”)",
                )
    wanted: tuple[float | None, float | None] = (None, None)
    if range_text.strip():
        with contextlib.suppress(ValueError):  # a range kept only as printed has no limits
            wanted = forms.parse_range(range_text)
    for key, stored, expected in (("range_low", low, wanted[0]), ("range_high", high, wanted[1])):
        if (stored is None) != (expected is None) or (
            stored is not None and expected is not None and not _same_number(stored, expected)
        ):
            shown = "none" if stored is None else f"{stored:g}"
            said = (
                f"{expected:g}"
                if expected is not None
                else ("no range" if not range_text.strip() else "no such limit")
            )
            check.add((*path, key), f"{shown} does not match range_text “{range_text}” ({said})")


def _same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def _visit(
    check: _Check, o: dict[str, Any], path: KeyPath, child: Child, phases: set[str]
) -> tuple[CnsVisit, str | None] | None:
    phase_uid = check.optional_text(o, "phase_uid", path)
    if phase_uid is not None and phase_uid not in phases:
        check.add((*path, "phase_uid"), "names no phase of this child")
    drugs: list[ItDose] = []
    for i, item in enumerate(check.items(o, "it_drugs", path)):
        dp = (*path, "it_drugs", i)
        d = check.obj(item, dp, "An intrathecal drug")
        if d is None:
            continue
        drug = check.choice(d, "drug", dp, ItDrug)
        dose = ItDose(
            drug=drug or ItDrug.METHOTREXATE,
            dose_text=check.text(d, "dose_text", dp),
            uid=check.uid(d, dp, "cns_it_drug"),
        )
        if drug is not None:
            drugs.append(dose)
    date = check.date(o, "date", path)
    visit = CnsVisit(
        child_id=0,
        date=date or child.birth_date,
        procedure=check.choice(o, "procedure", path, LpProcedure) or LpProcedure.LP_WITH_IT,
        it_drugs=tuple(drugs),
        csf_wbc=check.number(o, "csf_wbc", path, optional=True),
        csf_rbc=check.number(o, "csf_rbc", path, optional=True),
        blasts_seen=check.choice(o, "blasts_seen", path, YesNoUnknown) or YesNoUnknown.UNKNOWN,
        cns_status=check.choice(o, "cns_status", path, CnsStatus) or CnsStatus.PENDING,
        sedation=check.text(o, "sedation", path),
        platelets=check.number(o, "platelets", path, optional=True),
        complications=check.text(o, "complications", path),
        planned=check.flag(o, "planned", path),
        note=check.text(o, "note", path),
        uid=check.uid(o, path, "cns_visit"),
    )
    if date is not None:
        check.rules(path, lambda: forms.validate_cns_visit(visit, child, check.today))
    return visit, phase_uid


def _threshold(check: _Check, o: dict[str, Any], path: KeyPath) -> TeamThreshold | None:
    code = check.text(o, "analyte", path)
    a = analytes.BY_CODE.get(code)
    purpose = check.choice(o, "purpose", path, ThresholdPurpose)
    normalised = check.number(o, "normalised_value", path)
    t = TeamThreshold(
        child_id=0,
        analyte=code,
        purpose=purpose or ThresholdPurpose.OTHER,
        value_text=check.text(o, "value_text", path),
        unit=check.text(o, "unit", path),
        normalised_value=normalised if normalised is not None else 0.0,
        note=check.text(o, "note", path),
        uid=check.uid(o, path, "team_threshold"),
    )
    canonical = check.text(o, "canonical_unit", path)
    if a is not None and "canonical_unit" in o and canonical != a.canonical_unit:
        check.add((*path, "canonical_unit"), f"must be “{a.canonical_unit}” for {a.name}")
    if normalised is not None and normalised < 0:
        check.add((*path, "normalised_value"), "cannot be negative")
    if purpose is not None and normalised is not None:
        check.rules(path, lambda: forms.validate_threshold(t))
    return t


def _appointment(
    check: _Check, o: dict[str, Any], path: KeyPath, child: Child
) -> Appointment | None:
    date = check.date(o, "date", path)
    a = Appointment(
        child_id=0,
        date=date or child.birth_date,
        time=check.time(o, "time", path),
        with_whom=check.text(o, "with_whom", path),
        place=check.text(o, "place", path),
        note=check.text(o, "note", path),
        uid=check.uid(o, path, "appointment"),
    )
    if date is not None:
        check.rules(path, lambda: forms.validate_appointment(a, child))
    return a


def _question(check: _Check, o: dict[str, Any], path: KeyPath, child: Child) -> Question | None:
    date = check.date(o, "added_on", path)
    q = Question(
        child_id=0,
        added_on=date or child.birth_date,
        text=check.text(o, "text", path),
        answered=check.flag(o, "answered", path),
        answer=check.text(o, "answer", path),
        uid=check.uid(o, path, "question"),
    )
    if date is not None:
        check.rules(path, lambda: forms.validate_question(q, child, check.today))
    return q


# ---------------------------------------------------------------------- writing


def load_export(record: Record, contents: ExportContents) -> Changes:
    """Write ``contents`` into the empty ``record`` in one transaction (all or nothing).

    Refuses a record that already holds anything (RecordError).  A rule broken only
    in combination (the store checks again on save) raises JsonImportError; nothing
    is written then.
    """
    if not record.is_empty():
        names = ", ".join(c.name for c in record.children()) or "some entries"
        raise RecordError(
            f"{record.path} already holds a record ({names}); a JSON export can only be loaded "
            "into a new, empty record. Choose a new file name with --db."
        )
    try:
        with record.batch("import the JSON export"):
            for data in contents.children:
                _write_child(record, data)
    except ValidationFailed as exc:
        raise JsonImportError(
            [str(exc)], f"The file breaks a rule of the record ({exc}); nothing was imported."
        ) from None
    except sqlite3.IntegrityError as exc:
        raise JsonImportError(
            [str(exc)], f"The file breaks a rule of the record ({exc}); nothing was imported."
        ) from None
    return Changes(
        children=True,
        phases=True,
        milestones=True,
        counts=True,
        cns=True,
        thresholds=True,
        appointments=True,
        questions=True,
    )


def load_into_new_record(path: Path, contents: ExportContents, clock: Clock) -> Record:
    """A new record at ``path`` holding ``contents``, open: built whole in a temporary file
    beside it and put in place at the end, so a crash or a refusal leaves no file at all.

    Refused (RecordError) if anything is at ``path``; JsonImportError as for
    :func:`load_export`.
    """
    return Record.create(path, clock=clock, fill=lambda record: load_export(record, contents))


def _write_child(record: Record, data: ChildData) -> None:
    child, _ = record.save_child(replace(data.child, id=None))
    assert child.id is not None
    cid = child.id
    phase_ids: dict[str, int] = {}
    for p in data.phases:
        saved, _ = record.save_phase(replace(p, child_id=cid))
        assert saved.id is not None
        phase_ids[p.uid] = saved.id
    for m in data.milestones:
        record.save_milestone(replace(m, child_id=cid))
    if data.counts:
        record.save_counts([replace(c, child_id=cid) for c in data.counts])
    for visit, phase_uid in data.cns_visits:
        phase_id = phase_ids[phase_uid] if phase_uid is not None else None
        record.save_cns_visit(replace(visit, child_id=cid, phase_id=phase_id))
    for t in data.thresholds:
        record.save_threshold(replace(t, child_id=cid))
    for a in data.appointments:
        record.save_appointment(replace(a, child_id=cid))
    for q in data.questions:
        record.save_question(replace(q, child_id=cid))


def problems_text(exc: JsonImportError) -> Iterator[str]:
    """The problems to show, at most :data:`MAX_PROBLEMS_SHOWN`, then how many more."""
    yield from listing.first_of(exc.problems, MAX_PROBLEMS_SHOWN)
