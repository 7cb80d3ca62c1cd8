"""How one field of an entry is stored, exported and read back.

A field names a dataclass attribute of the entry (``name``), its column in the record's
table (``column``, default the name; ``None`` when it is not a column of its own) and its
key in the JSON export (``json``, default the name).  Each kind of field knows how its
value becomes a column value (:meth:`Field.to_db`), comes back from one
(:meth:`Field.from_db`), is written to JSON (:meth:`Field.to_json`) and is read and checked
from JSON (:meth:`Field.from_json`, through a :class:`JsonReader` that notes every problem
with its place in the file and returns a usable value anyway).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from tracker.i18n import tr

KeyPath = tuple[str | int, ...]
Json = Any
E = TypeVar("E", bound=StrEnum)


class JsonReader(Protocol):
    """Typed getters over one object of a JSON file (tracker.io.json_import's checker).

    Each notes a problem with its key path (missing key, wrong type, bad form) and
    returns a usable value so that every problem of a file is found in one pass.
    """

    today: dt.date

    def add(self, path: KeyPath, message: str) -> None: ...
    def refuse_unknown(
        self, obj: dict[str, Any], path: KeyPath, known: set[str], what: str
    ) -> None: ...
    def obj(self, value: Any, path: KeyPath, what: str) -> dict[str, Any] | None: ...
    def items(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> list[Any]: ...
    def text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str: ...
    def optional_text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str | None: ...
    def date(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> dt.date | None: ...
    def time(self, obj: dict[str, Any], key: str, path: KeyPath) -> dt.time | None: ...
    def flag(self, obj: dict[str, Any], key: str, path: KeyPath) -> bool: ...
    def number(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> float | None: ...
    def choice(
        self,
        obj: dict[str, Any],
        key: str,
        path: KeyPath,
        enum: type[E],
        *,
        optional: bool = False,
    ) -> E | None: ...


@dataclass(frozen=True)
class Field:
    """One stored field.  ``label`` names it for people ("Date of birth"; English, marked
    with N_() in the declaration: show it with ``tr(field.label)``)."""

    name: str
    label: str = ""
    column: str | None = ""  # "" means the same as name; None: no column of its own
    json: str | None = ""  # "" means the same as name; None: not in the JSON export
    # Read from a column that is NULL (an older row, a value not given), and the value an
    # entry gets when a JSON file's value is unusable (so one pass finds every problem).
    default: Any = None
    # The export format that added the field: a file of an older format may lack its key
    # (the entry then gets ``default``).  Fields there from the start have 1.
    since: int = 1

    def __post_init__(self) -> None:
        if self.column == "":
            object.__setattr__(self, "column", self.name)
        if self.json == "":
            object.__setattr__(self, "json", self.name)
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

    # the column ---------------------------------------------------------------

    def to_db(self, value: Any) -> Any:
        return value

    def from_db(self, raw: Any) -> Any:
        return raw

    def columns(self, value: Any) -> dict[str, Any]:
        """This field's column values (one column, or none, or several for a group)."""
        return {self.column: self.to_db(value)} if self.column else {}

    def from_row(self, row: Mapping[str, Any]) -> Any:
        if not self.column:
            return self.default
        try:
            raw = row[self.column]
        except IndexError:  # a record of an older format, read as it is: not there yet
            return self.default
        return self.from_db(raw)

    # comparing ----------------------------------------------------------------

    def same(self, a: Any, b: Any) -> bool:
        """Whether two values of this field say the same (an edit that changes nothing)."""
        return bool(a == b)

    # the export ---------------------------------------------------------------

    def to_json(self, value: Any) -> Json:
        return value

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        raise NotImplementedError


# The longest text a field keeps, in characters (docs/export-format.md, "Text lengths"):
# names and short labels, and notes and other free text.  The form, the store and every
# import refuse more (Kind.problems), naming the field and the limit.
SHORT_TEXT = 200
LONG_TEXT = 2000


@dataclass(frozen=True)
class Text(Field):
    default: Any = ""
    longest: int = SHORT_TEXT  # characters kept (SHORT_TEXT, LONG_TEXT, or more for a file)
    strip: bool = False  # saved without leading and trailing spaces (names, questions)
    # The codes a coded text may hold (a blood value's analyte), checked by the kind's rules;
    # part of what the export can hold (tracker.io.json_export.export_shape).
    codes: tuple[str, ...] = ()
    # The one written form a text is kept in (an appointment's repeat rule), applied as a
    # file is read; it leaves a text it cannot read as it is, for the kind's rules to name.
    normal: Callable[[str], str] | None = None

    def to_db(self, value: Any) -> Any:
        return str(value).strip() if self.strip else str(value)

    def length_problem(self, value: Any) -> str | None:
        """Why ``value`` is longer than this field keeps, or None."""
        n = len(value) if isinstance(value, str) else 0
        if n <= self.longest:
            return None
        return tr(
            "{field}: {n} characters, more than the {longest} this field keeps; shorten it"
        ).format(field=tr(self.label), n=f"{n:,}", longest=f"{self.longest:,}")

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        value = check.text(obj, self.json, path)
        return self.normal(value) if self.normal is not None else value


@dataclass(frozen=True)
class Date(Field):
    optional: bool = False

    def to_db(self, value: Any) -> Any:
        return value.isoformat() if value is not None else None

    def from_db(self, raw: Any) -> Any:
        return dt.date.fromisoformat(raw) if raw else None

    def to_json(self, value: Any) -> Json:
        return value.isoformat() if value is not None else None

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        return check.date(obj, self.json, path, optional=self.optional)


@dataclass(frozen=True)
class Time(Field):
    """A time of day ("HH:MM", 24-hour), or None."""

    def to_db(self, value: Any) -> Any:
        return value.strftime("%H:%M") if value is not None else None

    def from_db(self, raw: Any) -> Any:
        return dt.time.fromisoformat(raw) if raw else None

    to_json = to_db

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        return check.time(obj, self.json, path)


@dataclass(frozen=True)
class Flag(Field):
    default: Any = False

    def to_db(self, value: Any) -> Any:
        return int(bool(value))

    def from_db(self, raw: Any) -> Any:
        return bool(raw)

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        return check.flag(obj, self.json, path)


@dataclass(frozen=True)
class Number(Field):
    optional: bool = True

    def same(self, a: Any, b: Any) -> bool:
        """Equal to the last bits a float keeps (0.1 + 0.2 is 0.3)."""
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        found = check.number(obj, self.json, path, optional=self.optional)
        return found if found is not None or self.optional else self.default


@dataclass(frozen=True)
class Choice(Field):
    """One value of a closed list (a StrEnum), stored and exported as its text."""

    enum: type[StrEnum] = StrEnum
    optional: bool = False

    def to_db(self, value: Any) -> Any:
        return value.value if value is not None else None

    def from_db(self, raw: Any) -> Any:
        return self.enum(raw) if raw is not None else None

    to_json = to_db

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        found = check.choice(obj, self.json, path, self.enum, optional=self.optional)
        return found if found is not None or self.optional else self.default

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(m.value for m in self.enum)


@dataclass(frozen=True)
class Link(Field):
    """A link to another entry of the same child (``phase_id``), NULL when unlinked.

    Stored as the row id; exported as the other entry's uid (row ids mean nothing outside
    one file).  Deleting the entry linked to unlinks (``ON DELETE SET NULL``)."""

    target: str = ""  # the key of the kind linked to

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        raise TypeError("a link is read by the import, which knows the uids")  # i18n: not shown


@dataclass(frozen=True)
class Group(Field):
    """A small value object (an MRD result) kept in columns of its own, ``prefix`` + name,
    and exported as one nested object, or null when there is none (``present`` is the
    column that is NULL then)."""

    model: type = object
    fields: tuple[Field, ...] = ()
    prefix: str = ""
    present: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "column", None)

    def columns(self, value: Any) -> dict[str, Any]:
        return {
            self.prefix + f.name: (f.to_db(getattr(value, f.name)) if value is not None else None)
            for f in self.fields
        }

    def from_row(self, row: Mapping[str, Any]) -> Any:
        if row[self.prefix + self.present] is None:
            return None
        values = {}
        for f in self.fields:
            raw = row[self.prefix + f.name]
            values[f.name] = f.from_db(raw) if raw is not None else f.default
        return self.model(**values)

    def same(self, a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is b
        return all(f.same(getattr(a, f.name), getattr(b, f.name)) for f in self.fields)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(self.prefix + f.name for f in self.fields)

    def to_json(self, value: Any) -> Json:
        if value is None:
            return None
        return {f.json: f.to_json(getattr(value, f.name)) for f in self.fields if f.json}

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        if self.json not in obj:
            check.add((*path, self.json), tr("“{key}” is missing").format(key=self.json))
            return None
        if obj[self.json] is None:
            return None
        inner = check.obj(obj[self.json], (*path, self.json), f"“{self.json}”")
        if inner is None:
            return None
        where = (*path, self.json)
        check.refuse_unknown(
            inner, where, {f.json for f in self.fields if f.json}, f"“{self.json}”"
        )
        return self.model(**{f.name: f.from_json(check, inner, where) for f in self.fields})


@dataclass(frozen=True)
class Rows(Field):
    """The entry's own rows in another table (a blood count's values): saved, deleted and
    put back with it.  Rows are matched to the saved ones by ``key`` (one per analyte), so
    an edit keeps each row's uid."""

    kind: str = ""  # the key of the kind of the rows
    key: str = ""  # the field that tells the rows apart within one entry

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "column", None)

    def columns(self, value: Any) -> dict[str, Any]:
        return {}

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        raise TypeError("rows are read by the import, through their own kind")  # i18n: not shown


@dataclass(frozen=True)
class Derived(Field):
    """A value the export writes for readers' convenience, worked out from the entry
    (``taken_at`` from date and time).  An import reads the file's value with ``reads``
    (a field of the right type) and ``agrees(entry, value)`` says what is wrong with it,
    if anything."""

    export: Callable[[Any], Json] = field(default=lambda entry: None)
    reads: Field | None = None
    agrees: Callable[[Any, Any], str | None] = field(default=lambda entry, value: None)

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "column", None)

    def columns(self, value: Any) -> dict[str, Any]:
        return {}

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.reads is not None
        return self.reads.from_json(check, obj, path)
