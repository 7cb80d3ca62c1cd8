"""A kind of entry, declared once: what the record, the export, the check and the screens
need to know about it.  The declarations themselves are in the sibling modules
(``tracker/kinds/phase.py`` …) and listed in :mod:`tracker.kinds.registry`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from tracker.dates import future_problem
from tracker.i18n import language, plural_index, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import (
    Date,
    Derived,
    Field,
    Json,
    JsonReader,
    KeyPath,
    Link,
    Rows,
    Text,
)
from tracker.model import Child

E = TypeVar("E")
Problems = dict[str, str]  # field name -> one plain sentence
# The Qt context ui/kind_ui.py translates the kinds' names in.  The names are marked with
# N_() (no msgctxt), and the catalogue translator answers Qt by the disambiguation, so the
# context only groups them for Qt.
NAMES = "kinds"


@dataclass(frozen=True)
class DateRule:
    """A date of the entry that must not precede the child's date of birth, and (if
    ``not_in_future``) must not lie after today, unless the flag ``unless`` is set (an entry
    marked planned)."""

    field: str
    not_before_birth: bool = True
    not_in_future: bool = False
    unless: str = ""


@dataclass(frozen=True)
class Context:
    """What a kind's rules may look at besides the entry itself.

    ``child`` is the child the entry belongs to (None for a child); ``today`` the date
    "in the future" is measured from; ``entries(kind_key)`` the other saved entries of that
    kind of the same child (an import gives those read so far), ``where(entry)`` names the
    place of one of those (in a file: "children[0].team_thresholds[1]"; else "").
    ``local_today``: the family's own date when ``today`` is a later one (an import lets
    through a date that is today in a zone ahead); messages name it (dates.future_problem)."""

    child: Child | None
    today: dt.date
    entries: Callable[[str], Sequence[Any]] = lambda _key: ()
    # Where another entry is, for a message (an import: its key path in the file), or "".
    where: Callable[[Any], str] = lambda _entry: ""
    # The other entries of a kind whose fields equal the values given (the store: one
    # indexed query; None: :meth:`find` filters ``entries``).
    matching: Callable[[str, Mapping[str, Any]], Sequence[Any]] | None = None
    local_today: dt.date | None = None

    def find(self, key: str, **values: Any) -> Sequence[Any]:
        """The other saved entries of kind ``key`` whose fields equal ``values``."""
        if self.matching is not None:
            return self.matching(key, values)
        return [e for e in self.entries(key) if all(getattr(e, k) == v for k, v in values.items())]


def _no_rules(_entry: Any, _context: Context) -> Problems:
    return {}


@dataclass(frozen=True, eq=False)
class Kind(Generic[E]):
    """One kind of entry.

    - ``key``: its name in code ("phase"); ``table``: its table in the record;
      ``json``: its key in the export (under each child; None for a kind whose rows are
      exported inside their parent's entry, such as a blood count's values).
    - ``fields``: every stored field in the order the export writes them (the export
      writes ``uid`` first).
    - ``parent`` / ``parent_column``: the kind it belongs to ("child"; None for the child
      itself) and the column holding the parent's row id; ``part_of`` is true for rows
      that are part of their parent entry (saved, deleted and exported with it).
    - ``singular`` / ``plural``: its name for people (English, marked with N_(): show it
      with ``tr()``); ``describe(entry)``: one entry in a sentence, in the family's
      language ("a blood count of 2026-05-10").
    - ``order_by``: the SQL order of a list of entries; ``sort_key``: the order of the
      export (a date, then the uid: the same on every computer).
    - ``dates``: the date rules (:class:`DateRule`); ``validate(entry, context)``: the
      kind's own rules (tracker/forms.py), the same for the forms, the store and the
      import.
    - ``check_json(reader, obj, path, entry, unusable)``: what an import checks beyond the
      fields' own form (a value agrees with the text it was typed as; ``unusable``: the
      fields whose value in the file was not right); False when the entry cannot be used at
      all (its other rules are then not run).
    - ``export_extra(entry)``: rows the export adds to the entry's first ``Rows`` field that are
      not part of the record (a worked-out ANC, marked ``"calculated": true``).
    """

    key: str
    model: type[E]
    table: str
    json: str | None
    fields: tuple[Field, ...]
    singular: str
    plural: str
    describe: Callable[[E], str]
    order_by: str
    sort_key: Callable[[E], tuple[Any, ...]]
    parent: str | None = "child"
    parent_column: str = "child_id"
    part_of: bool = False
    dates: tuple[DateRule, ...] = ()
    validate: Callable[[E, Context], Problems] = _no_rules
    check_json: Callable[[JsonReader, dict[str, Any], KeyPath, E, frozenset[str]], bool] | None = (
        None
    )
    export_extra: Callable[[E], list[Json]] | None = None
    # For rows read from a file: true when this one is not part of the record (skipped).
    skip_json: Callable[[JsonReader, dict[str, Any], KeyPath], bool] | None = None
    # Keys of the export's object that are not fields (tolerated, ignored on import).
    export_only: tuple[str, ...] = ()
    # How a row that is part of an entry is named with it: "a blood value (ANC) in the
    # blood count of …", "an intrathecal drug (Methotrexate) of the lumbar puncture of …".
    joiner: str = "in"
    # The export format from which every file has this kind's list (older files may lack it).
    json_required_since: int = 1

    def amount(self, n: int) -> str:
        """ "1 growth measurement", "19 growth measurements": ``n`` entries by the kind's
        names for people, in the family's language."""
        name = self.singular if plural_index(language(), n) == 0 else self.plural  # fr: 0 NFS
        return tr("{n} {entries}").format(n=n, entries=tr(name))

    # ------------------------------------------------------------------ fields

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.key} has no field {name}")  # i18n: not shown

    @property
    def rows_fields(self) -> tuple[Rows, ...]:
        return tuple(f for f in self.fields if isinstance(f, Rows))

    @property
    def link_fields(self) -> tuple[Link, ...]:
        return tuple(f for f in self.fields if isinstance(f, Link))

    # Worked out once per kind, not for every row read (years of doses are thousands).
    @functools.cached_property
    def has_id(self) -> bool:
        """Entries on their own have a row id; rows that are part of one have only a uid."""
        return "id" in {f.name for f in dataclasses.fields(self.model)}  # type: ignore[arg-type]

    @functools.cached_property
    def parent_attribute(self) -> str | None:
        """The entry's attribute holding its parent's id (``child_id``), if it has one."""
        names = {f.name for f in dataclasses.fields(self.model)}  # type: ignore[arg-type]
        return self.parent_column if self.parent and self.parent_column in names else None

    # ------------------------------------------------------------------ the table

    def columns(self, entry: E) -> dict[str, Any]:
        """The column values of ``entry`` (without id, uid, timestamps and seal)."""
        cols: dict[str, Any] = {}
        attr = self.parent_attribute
        if attr is not None:
            cols[self.parent_column] = getattr(entry, attr)
        for f in self.fields:
            cols.update(f.columns(getattr(entry, f.name) if hasattr(entry, f.name) else None))
        return cols

    def from_row(self, row: Any, rows: Mapping[str, tuple[Any, ...]] | None = None) -> E:
        """The entry stored in ``row`` (and its own rows, by field name)."""
        values: dict[str, Any] = {}
        for f in self.fields:
            if isinstance(f, Rows):
                values[f.name] = tuple((rows or {}).get(f.name, ()))
            elif not isinstance(f, Derived):
                values[f.name] = f.from_row(row)
        attr = self.parent_attribute
        if attr is not None:
            values[attr] = row[self.parent_column]
        if self.has_id:
            values["id"] = row["id"]
        values["uid"] = row["uid"]
        return self.model(**values)

    # ------------------------------------------------------------------ rules

    def problems(self, entry: E, context: Context) -> Problems:
        """Every rule of the kind broken by ``entry``: its own rules, then the date rules."""
        found = dict(self.validate(entry, context))
        for f in self.fields:  # a text too long first: the rules may quote it
            if isinstance(f, Text) and (why := f.length_problem(getattr(entry, f.name))):
                found[f.name] = why
        child = context.child
        for rule in self.dates:
            value = getattr(entry, rule.field)
            if value is None:
                continue
            label = tr(self.field(rule.field).label)
            if rule.not_before_birth and child is not None and value < child.birth_date:
                found.setdefault(
                    rule.field,
                    tr("{field}: {date} is before {name}'s date of birth ({birth})").format(
                        field=label,
                        date=date_text(value),
                        name=child.name,
                        birth=date_text(child.birth_date),
                    ),
                )
            elif (
                rule.not_in_future
                and value > context.today
                and not (rule.unless and getattr(entry, rule.unless))
            ):
                found.setdefault(
                    rule.field, future_problem(label, value, context.today, context.local_today)
                )
        return found

    @property
    def birth_date_columns(self) -> tuple[str, ...]:
        """The columns that must not hold a date before the child's date of birth."""
        out = []
        for rule in self.dates:
            f = self.field(rule.field)
            if rule.not_before_birth and isinstance(f, Date) and f.column:
                out.append(f.column)
        return tuple(out)

    # ------------------------------------------------------------------ the export

    def to_json(
        self,
        entry: E,
        uid_of: Callable[[str, int | None], str | None],
        rows: Callable[[Rows, Any], list[Json]],
    ) -> dict[str, Json]:
        """``entry`` as an object of the export; ``uid_of(kind_key, row_id)`` names a linked
        entry by its uid, ``rows(field, value)`` writes the rows of a Rows field."""
        obj: dict[str, Any] = {"uid": cast(Any, entry).uid}
        for f in self.fields:
            if f.json is None:
                continue
            if isinstance(f, Rows):
                obj[f.json] = rows(f, getattr(entry, f.name))
            elif isinstance(f, Link):
                obj[f.json] = uid_of(f.target, getattr(entry, f.name))
            elif isinstance(f, Derived):
                obj[f.json] = f.export(entry)
            else:
                obj[f.json] = f.to_json(getattr(entry, f.name))
        return obj


def date_sort_key(*names: str) -> Callable[[Any], tuple[Any, ...]]:
    """Order by the first of ``names`` that is set (a date or time), then by uid."""

    def key(entry: Any) -> tuple[Any, ...]:
        parts: list[str] = []
        for name in names:
            value = getattr(entry, name)
            parts.append(value.isoformat() if value is not None else "")
        return (*parts, entry.uid)

    return key


# The articles an entry's description (Kind.describe, in the family's language) starts
# with: indefinite → definite, by language.  French elides "le"/"la" before a vowel.
_ARTICLES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("a ", "the "), ("an ", "the ")),
    "es": (("un ", "el "), ("una ", "la ")),
    "fr": (("un ", "le "), ("une ", "la ")),
}
_DEFINITE: dict[str, tuple[str, ...]] = {
    "en": ("the ",),
    "es": ("el ", "la ", "los ", "las "),
    "fr": ("le ", "la ", "les ", "l’", "l'"),
}


def definite(description: str) -> str:
    """ "a blood count of 2026-05-10" → "the blood count of 2026-05-10" (and "un hemograma"
    → "el hemograma", "une ponction" → "la ponction", "un rendez-vous" → "le rendez-vous")."""
    lang = language()
    for indefinite_article, definite_article in _ARTICLES.get(lang, _ARTICLES["en"]):
        if description.startswith(indefinite_article):
            rest = description[len(indefinite_article) :]
            if lang == "fr" and rest[:1].lower() in "aeiouyhéèêâîôû":
                return "l’" + rest
            return definite_article + rest
    return description


def bare(description: str) -> str:
    """ "an appointment of 2026-12-08" → "appointment of 2026-12-08": a step's name ("… changed",
    "… deleted")."""
    lang = language()
    articles = [a for a, _ in _ARTICLES.get(lang, _ARTICLES["en"])]
    for article in (*articles, *_DEFINITE.get(lang, _DEFINITE["en"])):
        if description.startswith(article):
            return description[len(article) :]
    return description


def indefinite(noun: str) -> str:
    """ "appointment" → "an appointment", "blood count" → "a blood count"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def sentence_start(description: str) -> str:
    return description[:1].upper() + description[1:]
