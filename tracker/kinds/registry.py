"""Every kind of entry the record holds, in one list: the order is the tables' order
(a parent before its rows) and the export's order under each child.

A new kind is declared in a module of its own beside this one and added to
:data:`DECLARED` (docs/adding-a-kind.md).  Tests may :func:`register` a kind of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tracker.kinds.agenda import APPOINTMENT, OCCURRENCE_CHANGE, QUESTION
from tracker.kinds.child import CHILD
from tracker.kinds.cns import CNS_VISIT, IT_DOSE
from tracker.kinds.count import COUNT, COUNT_OTHER, COUNT_VALUE
from tracker.kinds.dose import DOSE
from tracker.kinds.fields import Derived, Rows
from tracker.kinds.growth import GROWTH
from tracker.kinds.kind import Kind
from tracker.kinds.medicine_plan import MEDICINE_PLAN
from tracker.kinds.milestone import MILESTONE
from tracker.kinds.phase import PHASE
from tracker.kinds.roadmap import PLAN_ITEM, ROADMAP
from tracker.kinds.stay import STAY
from tracker.kinds.symptom import SYMPTOM
from tracker.kinds.temperature import FEVER_RULE, TEMPERATURE
from tracker.kinds.threshold import THRESHOLD
from tracker.kinds.transfusion import TRANSFUSION

DECLARED: tuple[Kind[Any], ...] = (
    CHILD,
    PHASE,
    MILESTONE,
    COUNT,
    COUNT_VALUE,
    COUNT_OTHER,
    CNS_VISIT,
    IT_DOSE,
    THRESHOLD,
    APPOINTMENT,
    OCCURRENCE_CHANGE,
    QUESTION,
    GROWTH,
    MEDICINE_PLAN,
    DOSE,
    TEMPERATURE,
    FEVER_RULE,
    SYMPTOM,
    TRANSFUSION,
    STAY,
    ROADMAP,
    PLAN_ITEM,
)

_kinds: list[Kind[Any]] = list(DECLARED)


def all_kinds() -> tuple[Kind[Any], ...]:
    """Every kind, parents before their rows."""
    return tuple(_kinds)


def entry_kinds() -> tuple[Kind[Any], ...]:
    """The kinds of entry a family adds on their own (not rows that are part of one)."""
    return tuple(k for k in _kinds if not k.part_of)


def child_kinds() -> tuple[Kind[Any], ...]:
    """The kinds of entry that belong to a child, in the export's order."""
    return tuple(k for k in _kinds if k.parent == CHILD.key and not k.part_of)


def tables() -> tuple[str, ...]:
    return tuple(k.table for k in _kinds)


def by_key(key: str) -> Kind[Any]:
    for k in _kinds:
        if k.key == key:
            return k
    raise KeyError(f"no kind of entry is called {key!r}")  # i18n: not shown


def by_table(table: str) -> Kind[Any] | None:
    for k in _kinds:
        if k.table == table:
            return k
    return None


def kind_of(model: type[Any] | Any) -> Kind[Any]:
    """The kind of a model class (``Phase``) or of an entry."""
    cls = model if isinstance(model, type) else type(model)
    for k in _kinds:
        if k.model is cls:
            return k
    raise KeyError(f"{cls.__name__} is not a kind of entry")  # i18n: not shown


def children_of(kind: Kind[Any]) -> tuple[Kind[Any], ...]:
    """Every kind whose parent is ``kind`` (entries and rows)."""
    return tuple(k for k in _kinds if k.parent == kind.key)


def linking_to(kind: Kind[Any]) -> tuple[tuple[Kind[Any], str], ...]:
    """(kind, column) of every link to an entry of ``kind`` (unlinked when it is deleted)."""
    return tuple(
        (k, f.column) for k in _kinds for f in k.link_fields if f.target == kind.key and f.column
    )


def differences(kind: Kind[Any], a: Any, b: Any) -> tuple[str, ...]:
    """The fields in which two entries of ``kind`` differ, each compared as its field says
    (numbers to the last bits a float keeps; a Rows field row by row, matched by its key,
    uids aside).  Ids and uids are not compared: they say which entry, not what it says."""
    found: list[str] = []
    attr = kind.parent_attribute
    if attr is not None and getattr(a, attr) != getattr(b, attr):
        found.append(attr)
    for f in kind.fields:
        if isinstance(f, Derived):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(f, Rows):
            sub = by_key(f.kind)
            xs = {getattr(r, f.key): r for r in x}
            ys = {getattr(r, f.key): r for r in y}
            if xs.keys() != ys.keys() or any(differences(sub, xs[k], ys[k]) for k in xs):
                found.append(f.name)
        elif not f.same(x, y):
            found.append(f.name)
    return tuple(found)


@contextmanager
def register(kind: Kind[Any]) -> Iterator[Kind[Any]]:
    """Add ``kind`` to the registry for the length of a ``with`` block (tests only)."""
    if any(k.key == kind.key or k.table == kind.table for k in _kinds):
        raise ValueError(
            f"a kind called {kind.key!r} (table {kind.table}) "  # i18n: not shown
            "is already declared"
        )
    _kinds.append(kind)
    try:
        yield kind
    finally:
        _kinds.remove(kind)
