"""Table models over the record's lists: one model per kind of row.

Each model holds a cached list of frozen records (ids and values) filled by
``reload``; views never run SQL.  ``ITEM_ROLE`` gives the record behind a row.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from tracker import analytes, labels, medicines, schedule
from tracker.analytes import format_number
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, number_text, time_text
from tracker.kinds import Kind, growth, stay, transfusion
from tracker.kinds.dose import DOSE_STATUS, plan_dose_text, when_text
from tracker.kinds.fields import Link
from tracker.model import (
    Appointment,
    CnsVisit,
    Growth,
    MedicinePlan,
    Milestone,
    Phase,
    Question,
    Stay,
    TeamThreshold,
    Transfusion,
)
from tracker.mrd import format_mrd
from ui.plain import plain_tooltip

T = TypeVar("T")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex
# The roles a table's cells answer; the model writes a cell's text only when Qt asks.
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ITEM_ROLE,
    }
)


@dataclass(frozen=True)
class Column(Generic[T]):
    header: str
    text: Callable[[T], str]
    align_right: bool = False
    tooltip: Callable[[T], str] | None = None


class RecordTableModel(QAbstractTableModel, Generic[T]):
    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[T] = []

    def reload(self, items: Sequence[T]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def set_item(self, row: int, item: T) -> None:
        """Show ``item`` on ``row`` instead (one row changed, the others left alone)."""
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def insert_item(self, row: int, item: T) -> None:
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.insert(row, item)
        self.endInsertRows()

    def remove_item(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()

    def set_related(self, related: Mapping[str, Sequence[Any]]) -> None:
        """The entries of the other kinds its rows show (by kind key), given before
        :meth:`reload` (see ``KindUi.reads``); most tables show none."""

    def item(self, row: int) -> T:
        return self._items[row]

    def items(self) -> list[T]:
        return list(self._items)

    def row_of(self, item_id: int) -> int:
        for row, item in enumerate(self._items):
            if getattr(item, "id", None) == item_id:
                return row
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                return tr(self.columns[section].header)
            return None
        return section + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:  # asked of every cell painted: answered before any work
            return None
        if not index.isValid() or not (0 <= index.row() < len(self._items)):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        item = self._items[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(item)
        if role == ITEM_ROLE:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:  # typed text: shown as typed, not as HTML
            if column.tooltip is not None:
                return plain_tooltip(column.tooltip(item))
            text = column.text(item)
            return plain_tooltip(text) if len(text) > 40 else None  # long notes: whole
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def computed_number(value: float, digits: int = 3) -> str:
    """A number the program worked out (an ANC from the differential), rounded as the
    tables round (:func:`format_number`), written as the locale writes numbers ("0,75");
    numbers the family typed are shown as typed instead."""
    return number_text(float(format_number(value, digits)))


def _date(d: Any) -> str:
    return date_text(d) if d else ""


# ---------------------------------------------------------------------- phases


def _phase_status(p: Phase) -> str:
    if p.actual_start is None:
        return tr("Planned")
    if p.actual_end is None:
        return tr("Running")
    return tr("Finished")


def _phase_days(p: Phase) -> str:
    start, end = p.start, p.end
    if start is None or end is None:
        return ""
    return str((end - start).days + 1)


class PhasesModel(RecordTableModel[Phase]):
    columns = (
        Column(N_("Phase"), lambda p: p.display_name),
        Column(N_("Kind"), lambda p: tr(labels.PHASE_KIND[p.kind.value])),
        Column(N_("Start"), lambda p: _date(p.actual_start or p.planned_start)),
        Column(N_("End"), lambda p: _date(p.actual_end or p.planned_end)),
        Column(N_("Days"), _phase_days, align_right=True),
        Column(N_("Status"), _phase_status),
        Column(N_("Notes"), lambda p: p.notes.replace("\n", " ")),
    )


# ---------------------------------------------------------------------- milestones


def milestone_result(m: Milestone) -> str:
    parts: list[str] = []
    if m.mrd is not None:
        if value := format_mrd(m.mrd):
            parts.append(tr("MRD {value}").format(value=value))
        detail = ", ".join(
            tr(x)
            for x in (
                labels.MRD_METHOD.get(m.mrd.method.value, "") if m.mrd.method else "",
                labels.MRD_SAMPLE.get(m.mrd.sample.value, "") if m.mrd.sample else "",
            )
            if x
        )
        if detail:
            parts.append(f"({detail})")
    if m.result_text:
        parts.append(m.result_text)
    return " ".join(parts)


class MilestonesModel(RecordTableModel[Milestone]):
    columns = (
        Column(N_("Date"), lambda m: date_text(m.date)),
        Column(N_("Milestone"), lambda m: tr(labels.MILESTONE_KIND[m.kind.value])),
        Column(N_("Result"), milestone_result),
        Column(N_("Planned"), lambda m: tr("Planned") if m.planned else ""),
        Column(N_("Notes"), lambda m: m.notes.replace("\n", " ")),
    )


# ---------------------------------------------------------------------- counts


# ---------------------------------------------------------------------- CNS visits


def drugs_text(v: CnsVisit) -> str:
    return ", ".join(
        f"{tr(labels.IT_DRUG[d.drug.value])} {d.dose_text}".strip() for d in v.it_drugs
    )


def _num(x: float | None) -> str:
    return format_number(x) if x is not None else ""


class CnsVisitsModel(RecordTableModel[CnsVisit]):
    """Names each lumbar puncture's phase from the child's phases (``set_related``)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._phase_names: dict[int, str] = {}

        def names(phase_id: int | None) -> str:
            return self._phase_names.get(phase_id, "") if phase_id is not None else ""

        self.columns = (
            Column(N_("Date"), lambda v: date_text(v.date)),
            Column(N_("Procedure"), lambda v: tr(labels.LP_PROCEDURE[v.procedure.value])),
            Column(N_("Intrathecal drugs"), drugs_text),
            Column(N_("CSF WBC /µL"), lambda v: _num(v.csf_wbc), align_right=True),
            Column(N_("CSF RBC /µL"), lambda v: _num(v.csf_rbc), align_right=True),
            Column(N_("Blasts"), lambda v: tr(labels.YES_NO[v.blasts_seen.value])),
            Column(N_("CNS status"), lambda v: tr(labels.CNS_STATUS[v.cns_status.value])),
            Column(N_("Phase"), lambda v: names(v.phase_id)),
            Column(N_("Planned"), lambda v: tr("Planned") if v.planned else ""),
            Column(N_("Note"), lambda v: " ".join(x for x in (v.complications, v.note) if x)),
        )

    def set_related(self, related: Mapping[str, Sequence[Any]]) -> None:
        self._phase_names = {
            p.id: p.display_name for p in related.get("phase", ()) if p.id is not None
        }


# ---------------------------------------------------------------------- team thresholds


class ThresholdsModel(RecordTableModel[TeamThreshold]):
    columns = (
        Column(N_("Count"), lambda t: analytes.analyte(t.analyte).name),
        Column(N_("What it is for"), lambda t: tr(labels.THRESHOLD_PURPOSE[t.purpose.value])),
        Column(N_("Value"), lambda t: f"{t.value_text} {t.unit}".strip(), align_right=True),
        Column(N_("Note"), lambda t: t.note.replace("\n", " ")),
    )


# ---------------------------------------------------------------------- appointments, questions


class AppointmentsModel(RecordTableModel[Appointment]):
    columns = (
        Column(N_("Date"), lambda a: date_text(a.date)),
        Column(N_("Time"), lambda a: time_text(a.time) if a.time else ""),
        Column(N_("With"), lambda a: a.with_whom),
        Column(N_("Where"), lambda a: a.place),
        Column(N_("Repeats"), lambda a: _repeats(a)),
        Column(N_("Note"), lambda a: a.note.replace("\n", " ")),
    )


def _repeats(a: Appointment) -> str:
    """ "every 2 weeks on Tuesday (2 dates changed)", or "" for one visit."""
    if not a.repeat:
        return ""
    try:
        words = schedule.describe_repeat(a.repeat, a.date)
    except ValueError:
        return a.repeat
    n = len(a.changes)
    if n:
        words += " " + trn("({n} date changed)", "({n} dates changed)", n).format(n=n)
    return words


class QuestionsModel(RecordTableModel[Question]):
    columns = (
        Column(N_("Added"), lambda q: date_text(q.added_on)),
        Column(N_("Question"), lambda q: q.text.replace("\n", " ")),
        Column(N_("Answered"), lambda q: tr("Yes") if q.answered else tr("Not yet")),
        Column(N_("Answer"), lambda q: q.answer.replace("\n", " ")),
    )


class GrowthModel(RecordTableModel[Growth]):
    columns = (
        Column(N_("Date"), lambda g: date_text(g.date)),
        Column(N_("Weight"), lambda g: growth.shown(g.weight_text, g.weight_kg, "kg"), True),
        Column(N_("Length/height"), lambda g: growth.shown(g.length_text, g.length_cm, "cm"), True),
        Column(
            N_("Head circumference"), lambda g: growth.shown(g.head_text, g.head_cm, "cm"), True
        ),
        Column(N_("Measured by"), lambda g: g.measured_by),
        Column(N_("Note"), lambda g: g.note.replace("\n", " ")),
    )


class MedicinePlansModel(RecordTableModel[MedicinePlan]):
    """The medicine plans: open plans first, then the ended ones, the latest first."""

    columns = (
        Column(N_("Medicine"), lambda p: p.drug),
        Column(N_("Dose"), lambda p: medicines.dose_text(p), True),
        Column(N_("Schedule"), lambda p: medicines.schedule_text(p)),
        Column(N_("Strength"), lambda p: medicines.strength_text(p)),
        Column(N_("From"), lambda p: date_text(p.start_date)),
        Column(N_("To"), lambda p: date_text(p.end_date) if p.end_date else tr("(open)")),
        Column(
            N_("What the team said"),
            lambda p: p.team_note.replace("\n", " "),
            tooltip=lambda p: p.team_note,
        ),
    )

    def reload(self, items: Sequence[MedicinePlan]) -> None:
        open_plans = medicines.sort_plans([p for p in items if p.end_date is None])
        ended = sorted(
            (p for p in items if p.end_date is not None),
            key=lambda p: (p.end_date, p.start_date, p.id or 0),
            reverse=True,
        )
        super().reload([*open_plans, *ended])


class TransfusionsModel(RecordTableModel[Transfusion]):
    """Shows beside each transfusion the counts before and after it, linked from the
    child's blood counts (``set_related``; tracker.kinds.transfusion.linked_counts)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._counts: Sequence[Any] = ()
        self._days: list[dt.date] = []  # each count's date, oldest first (as _counts)
        self._linked: dict[int, transfusion.Linked | None] = {}  # by id(transfusion)

        def linked(t: Transfusion) -> transfusion.Linked | None:
            """The counts linked to ``t``, looked for only among those within the window
            around its date (years of counts are not gone through for each row), worked
            out when its row is first shown and kept until the rows are read again."""
            key = id(t)
            if key not in self._linked:
                window = dt.timedelta(days=transfusion.WINDOW_DAYS)
                first = bisect.bisect_left(self._days, t.date - window)
                last = bisect.bisect_right(self._days, t.date + window)
                self._linked[key] = transfusion.linked_counts(t, self._counts[first:last])
            return self._linked[key]

        def counts_text(t: Transfusion) -> str:
            found = linked(t)
            return transfusion.jump_text(found) if found is not None else ""

        def counts_tip(t: Transfusion) -> str:
            found = linked(t)
            if found is None:
                return tr("No count is linked to this product")
            return "\n".join(
                [
                    *transfusion.jump_details(found),
                    tr("Linked from the blood counts within {n} days").format(
                        n=transfusion.WINDOW_DAYS
                    ),
                ]
            )

        self.columns = (
            Column(N_("Date"), transfusion.when),
            Column(N_("Product"), transfusion.product_name),
            Column(N_("Amount"), lambda t: transfusion.amount_shown(t), True),
            Column(N_("Counts before → after"), counts_text, tooltip=counts_tip),
            Column(N_("Reason"), lambda t: t.reason.replace("\n", " ")),
            Column(N_("Reaction or note"), lambda t: t.note.replace("\n", " ")),
        )

    def set_related(self, related: Mapping[str, Sequence[Any]]) -> None:
        counts = related.get("count", ())
        self._counts = sorted(counts, key=lambda r: r.taken_date)  # stable: as read within a day
        self._days = [r.taken_date for r in self._counts]
        self._linked = {}

    def reload(self, items: Sequence[Transfusion]) -> None:
        self._linked = {}
        super().reload(items)


def _stay_nights(s: Stay) -> str:
    if s.to_date is None:
        return tr("still in hospital")
    return str(stay.nights(s, s.to_date))


class StaysModel(RecordTableModel[Stay]):
    columns = (
        Column(N_("From"), lambda s: date_text(s.from_date)),
        Column(N_("To"), lambda s: date_text(s.to_date) if s.to_date else tr("in hospital")),
        Column(N_("Nights"), _stay_nights, True),
        Column(N_("Where"), lambda s: s.place),
        Column(N_("Why"), stay.reason_name),
        Column(N_("Note"), lambda s: s.note.replace("\n", " ")),
    )


def _field_text(value: Any) -> str:
    """A stored value as a table cell: dates ISO, times HH:MM, yes/no, numbers as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return tr("Yes") if value else ""
    if isinstance(value, float | int):
        return format_number(float(value))
    if isinstance(value, dt.time):
        return time_text(value)
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


class FieldsModel(RecordTableModel[Any]):
    """A table of any kind of entry with one column per declared field (its label): what a
    new kind shows until it is given columns of its own."""

    def __init__(self, kind: Kind[Any], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(
            Column(tr(f.label), lambda e, name=f.name: _field_text(getattr(e, name)))
            for f in kind.fields
            if f.column is not None and not isinstance(f, Link)
        )


class DosesModel(RecordTableModel[Any]):
    """The log of doses given at home, naming each dose's medicine from the child's plans
    (``set_related``); a dose whose plan was deleted says so."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._plans: dict[int, Any] = {}
        self.columns = (
            Column(N_("Due"), lambda d: when_text(d.due_date, d.due_time)),
            Column(N_("Medicine"), self._drug),
            Column(N_("What happened"), lambda d: tr(DOSE_STATUS[d.status.value])),
            Column(N_("Given at"), lambda d: time_text(d.given_time) if d.given_time else ""),
            Column(N_("Amount given"), lambda d: d.amount),
            Column(N_("Note"), lambda d: d.note.replace("\n", " ")),
        )

    def _drug(self, d: Any) -> str:
        p = self._plans.get(d.plan_id) if d.plan_id is not None else None
        if p is None:
            return tr("(medicine plan deleted)")
        return f"{p.drug} {plan_dose_text(p)}".strip()

    def set_related(self, related: Mapping[str, Sequence[Any]]) -> None:
        self._plans = {p.id: p for p in related.get("medicine_plan", ()) if p.id is not None}
