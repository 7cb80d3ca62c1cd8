"""The Plan tab's dialogs: the preview of what moves (old → new, why, and what the move
leaves odd above it) before anything is saved, and the plan's lengths and LP days from the
family's protocol book (ui/views/plan.py opens them; applying a roadmap: roadmap.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import parse_date
from tracker.forms import FormErrors
from tracker.roadmap.child import lp_days_text, with_lp_days
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.shift import Move
from tracker.roadmap.template import MAX_LENGTH_DAYS, Template
from ui.dialogs.base import DateField, FormDialog

T = TypeVar("T")


def date_text(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else "unknown"


def fit_columns(tree: QTreeWidget, what: int = 1, width: int = 380) -> None:
    """Dates and short columns to their contents, the item's description ``what`` wide
    (the rest of it in its tooltip), the last column to its contents."""
    header = tree.header()
    header.setStretchLastSection(False)
    for column in range(tree.columnCount()):
        tree.resizeColumnToContents(column)
    tree.setColumnWidth(what, max(min(tree.columnWidth(what), width), 160))
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        item.setToolTip(what, item.text(what))


class MovePreviewDialog(QDialog):
    """What moves, before it is applied: each item that moves (old → new, why), Apply."""

    def __init__(
        self,
        moves: Sequence[Move],
        title: str,
        parent: QWidget | None = None,
        warnings: Sequence[str] = (),
        first: Sequence[Sequence[str]] = (),
        kept: Sequence[Sequence[str]] = (),
    ) -> None:
        """``first``: rows (what, was, now, why) listed before the moves (the item fixed by
        hand); ``kept``: rows after them (the items fixed by hand that stay where they
        are)."""
        super().__init__(parent)
        self.setObjectName("move_preview")
        self.setWindowTitle(title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        # what the move leaves odd but possible (tracker.roadmap.shift), above the moves
        self.warnings = QLabel("\n".join(f"⚠ {w}" for w in warnings), self)
        self.warnings.setObjectName("warnings")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("QLabel { background: #fff4e5; padding: 6px; }")
        self.warnings.setVisible(bool(warnings))
        layout.addWidget(self.warnings)
        words = (
            self.tr("No other planned item moves.")
            if not moves
            else self.tr("1 planned item moves:")
            if len(moves) == 1
            else self.tr("{n} planned items move:").format(n=len(moves))
        )
        layout.addWidget(QLabel(words, self))
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(
            [self.tr("What"), self.tr("Was"), self.tr("Now"), self.tr("Why")]
        )
        rows = [
            *(list(r) for r in first),
            *([m.item.description, date_text(m.old), date_text(m.new), m.reason] for m in moves),
            *(list(r) for r in kept),
        ]
        for row in rows:
            item = QTreeWidgetItem(self.table, row)
            item.setToolTip(3, row[3])
        fit_columns(self.table, what=0, width=420)
        self.table.header().setStretchLastSection(True)  # "Why" to the dialog's edge
        self.table.setWordWrap(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(self)
        self.apply_button = buttons.addButton(
            self.tr("&Apply"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.apply_button.setDefault(True)
        layout.addWidget(buttons)
        self.apply_button.setFocus()
        self.setMinimumWidth(640)
        self.resize(820, 420)

    def rows(self) -> list[list[str]]:
        out = []
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            out.append([item.text(c) for c in range(4)])
        return out


class PlanDayDialog(FormDialog):
    """One day typed for the plan (the day the team gave, the day a phase really started):
    ``check`` turns it into what to preview (ValueError or RoadmapError with the plain
    reason); a wrong day is shown beside the field, the dialog open with what was typed."""

    def __init__(
        self,
        title: str,
        label: str,
        what: str,
        day: dt.date | None,
        check: Callable[[dt.date], T],
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("plan_day")
        self._label = label.replace("&", "").rstrip(":")
        self._check = check
        said = QLabel(what, self)
        said.setTextFormat(Qt.TextFormat.PlainText)  # a family's phase name
        said.setWordWrap(True)
        self.body.addWidget(said)
        form = QFormLayout()
        field = DateField(self, optional=False, today=today)
        field.set_date(day)
        self.add_field(form, "day", label, field, self.tr("YYYY-MM-DD, or pick it"))
        self.body.addLayout(form)
        self.body.addStretch(1)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Co&ntinue…"))
        field.setFocus()

    def build(self) -> T:
        text = self.text_of("day")
        try:
            if not text:
                raise ValueError(f"{self._label}: type the day (YYYY-MM-DD)")
            return self._check(parse_date(text, self._label))
        except (ValueError, RoadmapError) as exc:
            raise FormErrors({"day": str(exc)}) from None


class LengthsDialog(QDialog):
    """The plan's lengths from the family's protocol book: a length in days per phase of
    the arm (empty: unknown) and the days of its LPs.  Gives the edited template
    (:attr:`template`)."""

    def __init__(self, template: Template, arm: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lengths")
        self.setWindowTitle(self.tr("The plan's lengths"))
        self.setModal(True)
        self._template = template
        self.template: Template | None = None
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "Type each phase's length in days and the days of its LPs (1, 15, 29) as your "
                "protocol book gives them; leave them empty while you do not know them. The "
                "plan is worked out again from them."
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.lp_fields: dict[str, QLineEdit] = {}
        for p in template.phases:
            if arm not in p.arms:
                continue
            line = QLineEdit(self)
            line.setText(str(p.length_days) if p.length_days is not None else "")
            line.setPlaceholderText(self.tr("unknown"))
            line.setAccessibleName(p.name)
            line.setObjectName(f"length_{p.key}")
            days = QLineEdit(self)
            days.setText(lp_days_text(p))
            days.setPlaceholderText(self.tr("LP days"))
            days.setAccessibleName(self.tr("LP days of {name}").format(name=p.name))
            days.setObjectName(f"lps_{p.key}")
            line.setMinimumWidth(90)
            days.setMinimumWidth(200)
            row = QHBoxLayout()
            row.addWidget(line, 1)
            row.addWidget(days, 2)
            form.addRow(QLabel(p.name, self), row)
            self.fields[p.key] = line
            self.lp_fields[p.key] = days
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a1260d;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(760)

    def accept(self) -> None:
        lengths: dict[str, int | None] = {}
        for key, line in self.fields.items():
            text = line.text().strip()
            name = next(p.name for p in self._template.phases if p.key == key)
            if not text:
                lengths[key] = None
                continue
            if not text.isdigit() or not 1 <= int(text) <= MAX_LENGTH_DAYS:
                self.error.setText(
                    "⚠ "
                    + self.tr(
                        "{name}: “{text}” is not a length; type a whole number of days from "
                        "1 to {most}, or leave it empty"
                    ).format(name=name, text=text, most=MAX_LENGTH_DAYS)
                )
                self.error.show()
                line.setFocus()
                return
            lengths[key] = int(text)
        phases = tuple(
            replace(p, length_days=lengths[p.key]) if p.key in lengths else p
            for p in self._template.phases
        )
        template = replace(self._template, phases=phases)
        for key, days in self.lp_fields.items():
            try:
                template = with_lp_days(template, key, days.text())
            except ValueError as exc:
                self.error.setText("⚠ " + str(exc))
                self.error.show()
                days.setFocus()
                return
        self.template = template
        super().accept()
