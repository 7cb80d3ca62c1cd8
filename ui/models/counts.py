"""The blood-count table: newest first, values in the chosen units, trends, flags, ANC.

Trend arrows and the calculated ANC are worked out once per reload; flags when a
row is first painted.  Flags come from ``tracker.ranges``
through the ``assess`` function given to :meth:`CountsModel.reload`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from tracker import analytes, ranges
from tracker.analytes import format_number
from tracker.anc import AncView, anc_view, calculated_value
from tracker.assessment import Assessment, assess_calculated_anc, flag_in_cell
from tracker.display import (
    UnitPreference,
    convert,
    converted_number,
    display_unit,
    shown,
    unit_spelling,
)
from tracker.i18n import tr
from tracker.i18n.formats import date_text, time_text
from tracker.model import CountResult, CountValue, OtherResult
from ui.models.tables import ITEM_ROLE, RecordTableModel, computed_number
from ui.plain import plain_tooltip

_Index = QModelIndex | QPersistentModelIndex


Assess = Callable[[CountResult, CountValue], Assessment | None]


@dataclass(slots=True)
class CountRow:
    result: CountResult
    anc: AncView
    trends: dict[str, str] = field(default_factory=dict)  # analyte → "↑" / "↓" / "→" / ""
    assessed: dict[str, Assessment] | None = None  # worked out when the row is first shown


def _word(a: Assessment) -> str:
    return {"low": tr("low"), "high": tr("high")}.get(a.word, a.word)


def _lab_marker(v: CountValue) -> str:
    """The lab's own flag in the cell, apart from the program's ("lab: L"); "lab note" when
    the lab wrote only a comment (the tooltip has it)."""
    if v.lab_flag:
        return tr("(lab: {flag})").format(flag=v.lab_flag)
    if v.lab_comment:
        return tr("(lab note)")
    return ""


def _lab_disagrees(v: CountValue, own: Assessment | None) -> str:
    """ "ALT: the lab flagged it H; by the range as typed it is not high": when the lab's own
    flag points another way than the program's (or the program has none), both are said;
    with no range kept (dropped on import, or never printed), only the flag is ("RBC: the lab
    flagged it L; no lab range is kept with it")."""
    lab = v.lab_flag.strip().upper()
    direction = "low" if lab.startswith("L") else "high" if lab.startswith("H") else ""
    if not direction or ranges.drug_level_note(v.analyte):
        return ""
    ours = own.word if own is not None else ""
    if ours == direction:
        return ""
    said = {"low": tr("low"), "high": tr("high")}[direction]
    test = analytes.analyte(v.analyte).short
    if v.range_low is None and v.range_high is None:  # no range kept: only the flag is known
        return tr("{test}: the lab flagged it {flag}; no lab range is kept with it").format(
            test=test, flag=v.lab_flag.strip()
        )
    return tr(
        "{test}: the lab flagged it {flag}; by the range as typed it is not {word}: check the "
        "range, or ask the lab"
    ).format(test=test, flag=v.lab_flag.strip(), word=said)


def _lab_notes(v: CountValue) -> str:
    """ "Lab's flag: L · Lab's comment: clumped" (what the lab printed, as printed)."""
    parts = []
    if v.lab_flag:
        parts.append(tr("Lab's flag: {flag}").format(flag=v.lab_flag))
    if v.lab_comment:
        parts.append(tr("Lab's comment: {comment}").format(comment=v.lab_comment))
    return " · ".join(parts)


def _other_text(o: OtherResult) -> str:
    """ "Vitamin D 25-OH 54 nmol/L (lab: L)": a test the program does not know, as printed."""
    text = " ".join(x for x in (o.name, o.value_text, o.unit) if x)
    return text + (" " + tr("(lab: {flag})").format(flag=o.lab_flag) if o.lab_flag else "")


def _others_tooltip(others: Sequence[OtherResult]) -> str:
    if not others:
        return ""
    lines = []
    for o in others:
        line = _other_text(o)
        if o.range_text:
            line += " " + tr("(lab's range {range})").format(range=o.range_text)
        if o.lab_comment:
            line += " · " + tr("Lab's comment: {comment}").format(comment=o.lab_comment)
        lines.append(line)
    lines.append(tr("As printed; no unit conversion and no range check by this program."))
    return "\n".join(lines)


_CODES = frozenset(analytes.CODES)
_NO_TREND = ""  # a trend worked out: there is no previous result to compare with


def _arrow(value: float, before: float) -> str:
    return "↑" if value > before else "↓" if value < before else "→"


def _order(r: CountResult) -> tuple[Any, str, int]:
    return (r.taken_date, r.taken_time.isoformat() if r.taken_time else "", r.id or 0)


# The roles data() answers (the others, asked of every cell painted, cost nothing).
_TEXT_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole})
_ROLES = _TEXT_ROLES | {
    ITEM_ROLE,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole,
}

FIXED = ("date", "time")
TAIL = ("others", "flags", "source", "note")


class CountsModel(RecordTableModel[CountResult]):
    """Columns: date, time, one per analyte, other results (as printed), flags, lab, note.

    The lab's own flag and comment are shown beside the program's flag, never instead of
    it: a marker in the cell ("lab: L") and a line in the tooltip.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.preference = UnitPreference.AS_REPORTED
        self._rows: list[CountRow | None] = []  # made when first shown (``row``)
        self._assess: Assess | None = None
        self._keys: tuple[str, ...] = (*FIXED, *analytes.CODES, *TAIL)
        self._present: set[str] = set()  # the analytes some row has a value of
        self._has_others = False

    # the base class's column list is replaced by keys
    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys)

    def column_key(self, column: int) -> str:
        return self._keys[column]

    def column_keys(self) -> tuple[str, ...]:
        return self._keys

    def analyte_column(self, code: str) -> int:
        return self._keys.index(code)

    def reload(
        self,
        items: Sequence[CountResult],
        assess: Assess | None = None,
        preference: UnitPreference | None = None,
    ) -> None:
        """Show ``items`` (any order: newest first on screen).  Only what the whole list
        decides is worked out now (which analytes have a value, whether any row has other
        results); each row's ANC, trends and flags when the row is first shown."""
        if preference is not None:
            self.preference = preference
        newest_first = sorted(items, key=_order)
        newest_first.reverse()
        present: set[str] = set()
        add = present.add
        has_others = False
        for r in newest_first:
            for v in r.values:
                if v.normalised_value is not None:
                    add(v.analyte)
            if r.others:
                has_others = True
        present &= _CODES
        if "anc" not in present and any(anc_view(r).is_calculated for r in newest_first):
            present.add("anc")  # worked out from the differential
        self._assess = assess
        self.beginResetModel()
        self._items = newest_first
        self._rows = [None] * len(newest_first)
        self._present = present
        self._has_others = has_others
        self.endResetModel()

    def row(self, index: int) -> CountRow:
        """The row ``index`` (newest first), made the first time it is asked for."""
        row = self._rows[index]
        if row is None:
            r = self._items[index]
            row = self._rows[index] = CountRow(r, anc_view(r))
        return row

    def _canonical(self, index: int, code: str) -> float | None:
        """Row ``index``'s value of ``code`` in the standard unit (the worked-out ANC where
        the lab gave none), or None."""
        v = self._items[index].value(code)
        if v is not None:
            return v.normalised_value
        if code == "anc":
            anc = self.row(index).anc
            return anc.value if anc.is_calculated else None
        return None

    def trend(self, index: int, code: str) -> str:
        """ "↑", "↓" or "→" from the previous result holding ``code`` to row ``index``'s, or
        "" (no value, or none before it); looked for back from the row the first time the
        row's value is shown, then kept."""
        row = self.row(index)
        found = row.trends.get(code)
        if found is None:
            found = _NO_TREND
            value = self._canonical(index, code)
            if value is not None:
                for older in range(index + 1, len(self._items)):
                    before = self._canonical(older, code)
                    if before is not None:
                        found = _arrow(value, before)
                        break
            row.trends[code] = found
        return found

    def row_flags(self, row: CountRow) -> dict[str, Assessment]:
        """The row's flags, worked out the first time the row is painted (a long history
        is not assessed value by value before the window can open)."""
        if row.assessed is None:
            row.assessed = {}
            if self._assess is not None:
                for v in row.result.values:
                    found = self._assess(row.result, v)
                    if found is not None:
                        row.assessed[v.analyte] = found
                if row.anc.is_calculated:  # judged as a reported ANC would be, marked so
                    found = assess_calculated_anc(self._assess, row.result)
                    if found is not None:
                        row.assessed["anc"] = found
        return row.assessed

    def has_others(self) -> bool:
        """Whether any row holds results of tests the program does not know."""
        return self._has_others

    def empty_analytes(self) -> set[str]:
        """The analytes no row has a value of (their columns are hidden)."""
        return set(analytes.CODES) - self._present

    # ------------------------------------------------------------------ Qt

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._keys):
            return super().headerData(section, orientation, role)
        key = self._keys[section]
        if role == Qt.ItemDataRole.DisplayRole:
            if key in analytes.BY_CODE:
                a = analytes.analyte(key)
                if self.preference is UnitPreference.AS_REPORTED or a.canonical_unit == "%":
                    return a.short
                return f"{a.short}\n{display_unit(key, self.preference)}"
            return {
                "date": tr("Date"),
                "time": tr("Time"),
                "others": tr("Other results"),
                "flags": tr("Flags"),
                "source": tr("Lab"),
                "note": tr("Note"),
            }[key]
        if role == Qt.ItemDataRole.ToolTipRole and key in analytes.BY_CODE:
            a = analytes.analyte(key)
            return "\n".join(x for x in (a.name, analytes.for_people(a.source)) if x)
        if role == Qt.ItemDataRole.ToolTipRole and key == "others":
            return tr("Results of tests this program does not know, as the lab printed them")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._keys):
            return None
        if role not in _ROLES:
            return None  # asked of every cell painted: answered before any work
        number = index.row()
        key = self._keys[index.column()]
        if role == ITEM_ROLE:
            return self._items[number]
        row = self.row(number)
        if key in _CODES and role in _TEXT_ROLES:
            self.trend(number, key)  # into row.trends, for the text and the tooltip
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:  # holds typed values: shown as typed
            return plain_tooltip(self._tooltip(row, key))
        if role == Qt.ItemDataRole.TextAlignmentRole and key in analytes.BY_CODE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            flagged = self.row_flags(row).get(key)
            bold = key == "date" or bool(flagged and flagged.short)
            italic = key == "anc" and row.anc.is_calculated
            if bold or italic:
                font = QFont()
                font.setBold(bold)
                font.setItalic(italic)
                return font
        return None

    def _text(self, row: CountRow, key: str) -> str:
        r = row.result
        if key == "date":
            return date_text(r.taken_date)
        if key == "time":
            return time_text(r.taken_time) if r.taken_time else ""
        if key == "flags":
            parts = [
                f"{self._flag_name(row, code)} {_word(a)}"
                for code, a in self.row_flags(row).items()
                if a.short
            ]
            parts += [
                f"{self._flag_name(row, code)} {a.below_team}"
                for code, a in self.row_flags(row).items()
                if a.below_team
            ]
            parts += [  # a drug level is never flagged (domain.md §2.8.8)
                f"{analytes.analyte(v.analyte).short}: {tr('compare with your team’s rescue plan')}"
                for v in r.values
                if ranges.drug_level_note(v.analyte)
            ]
            parts += self._disagreements(row)  # the lab's flag where ours says otherwise
            return "; ".join(parts)
        if key == "others":
            return "; ".join(_other_text(o) for o in r.others)
        if key == "source":
            return r.source
        if key == "note":
            return r.note.replace("\n", " ")
        v = r.value(key)
        trend = row.trends.get(key, "")
        # "(low)" / "(high)": never read as a unit ("0.26 L") nor as the trend arrow beside it
        flag = flag_in_cell(_word(self.row_flags(row)[key])) if key in self.row_flags(row) else ""
        if v is None:
            if key == "anc" and (calc := calculated_value(r)) is not None:
                number, unit = self._anc_in_units(calc.normalised_value)
                return " ".join(x for x in (number, unit, tr("calc."), flag, trend) if x)
            return ""
        text = str(shown(v, self.preference))
        if v.hours_after is not None:
            text += f" ({format_number(v.hours_after)} h)"
        if key == "anc" and row.anc.disagrees and row.anc.calculated is not None:
            number, _unit = self._anc_in_units(row.anc.calculated.value)
            text += " " + tr("(calc. {number})").format(number=number)
        return " ".join(x for x in (text, flag, trend, _lab_marker(v)) if x)

    @staticmethod
    def _flag_name(row: CountRow, code: str) -> str:
        """ "ANC", or "ANC (calc.)" for an ANC worked out from the differential."""
        short = analytes.analyte(code).short
        return f"{short} ({tr('calc.')})" if code == "anc" and row.anc.is_calculated else short

    def _anc_in_units(self, canonical: float) -> tuple[str, str]:
        latest = next(
            (
                r.value("anc") or r.value("wbc")
                for r in self._items
                if r.value("anc") or r.value("wbc")
            ),
            None,
        )
        unit = display_unit("anc", self.preference, latest.unit if latest else "")
        return computed_number(convert("anc", canonical, unit), 2), unit

    def _disagreements(self, row: CountRow) -> list[str]:
        """Each value whose lab flag points another way than the program's, said once."""
        flags = self.row_flags(row)
        said = (_lab_disagrees(v, flags.get(v.analyte)) for v in row.result.values)
        return [line for line in said if line]

    def _tooltip(self, row: CountRow, key: str) -> str:
        r = row.result
        if key == "others":
            return _others_tooltip(r.others)
        if key not in analytes.BY_CODE:
            if key == "flags":
                lines = [  # one block per test, each of its lines named
                    "\n".join(
                        f"{analytes.analyte(code).short}: {line}"
                        for line in (a.text, *a.notes, *a.sources)
                        if line
                    )
                    for code, a in self.row_flags(row).items()
                ]
                lines += self._disagreements(row)
                return "\n\n".join(lines)
            return ""
        a = analytes.analyte(key)
        v = r.value(key)
        lines: list[str] = []
        if v is not None:
            reported = unit_spelling(key, v.unit)  # "K/uL" from an import: ×10³/µL
            lines.append(f"{a.name}: {v.value_text} {reported} " + tr("(as on the report)"))
            lines.append(
                tr("= {value} {unit} (standard unit)").format(
                    value=converted_number(v.normalised_value, v.value_text),
                    unit=unit_spelling(key, v.canonical_unit),
                )
            )
            if v.range_text:
                lines.append(
                    tr("Lab's printed range: {range} {unit}").format(
                        range=v.range_text, unit=reported
                    )
                )
            elif key not in ranges.BUILTIN_CODES:
                lines.append(tr("No range given."))
            unit = a.unit(v.unit)
            if unit is not None and unit.note:
                lines.append(analytes.for_people(tr(unit.note)))
            if v.hours_after is not None:
                lines.append(
                    tr("{hours} h after the infusion started").format(
                        hours=format_number(v.hours_after)
                    )
                )
            if (drug_note := ranges.drug_level_note(key)) and key not in self.row_flags(row):
                lines.append(drug_note)
            lab = _lab_notes(v)
            if lab:
                lines.append(lab)
            if disagree := _lab_disagrees(v, self.row_flags(row).get(key)):
                lines.append(disagree)
        if key == "anc" and row.anc.note:
            lines.append(row.anc.note)
        if key in self.row_flags(row):
            lines.append(self.row_flags(row)[key].text)
            lines.extend(self.row_flags(row)[key].notes)
            lines.extend(self.row_flags(row)[key].sources)  # where range, category, grade come from
        if a.source:
            lines.append(
                tr("Codes and units: {source}").format(source=analytes.for_people(a.source))
            )
        trend = row.trends.get(key)
        if trend:
            lines.append(
                {
                    "↑": tr("↑ higher than the previous result"),
                    "↓": tr("↓ lower than the previous result"),
                    "→": tr("→ the same as the previous result"),
                }[trend]
            )
        return "\n".join(lines)
