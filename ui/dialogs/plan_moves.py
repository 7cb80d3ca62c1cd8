"""The Plan tab's dialogs: the preview of what moves (old → new, why, and what the move
leaves odd above it) before anything is saved, and the one day typed for the plan (the
plan's lengths: plan_lengths.py; ui/views/plan.py opens them; applying a roadmap:
roadmap.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import parse_date
from tracker.forms import FormErrors
from tracker.i18n import formats, tr
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.shift import Move
from ui.dialogs.base import DateField, FormDialog, spoken_label
from ui.plain import plain_tooltip
from ui.screen_fit import fit_when_shown

T = TypeVar("T")


def date_text(d: dt.date | None) -> str:
    return formats.date_text(d) if d is not None else tr("unknown")


def fit_columns(tree: QTreeWidget, what: int = 1) -> None:
    """Dates and the other short columns to their contents (a reason in full), the item's
    description ``what`` taking the rest of the width: it grows on a wide window instead
    of leaving empty space, and is cut with "…" on a narrow one (all of it in its
    tooltip)."""
    header = tree.header()
    header.setStretchLastSection(False)
    for column in range(tree.columnCount()):
        mode = QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(
            column, QHeaderView.ResizeMode.Stretch if column == what else mode
        )
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        item.setToolTip(what, plain_tooltip(item.text(what)))  # typed text, as typed


class MovePreviewDialog(QDialog):
    """What moves, before it is applied: each item that moves (old → new, why), Apply."""

    def __init__(
        self,
        moves: Sequence[Move],
        title: str,
        parent: QWidget | None = None,
        warnings: Sequence[str] = (),
        *,
        changes: Sequence[str] = (),
        first: Sequence[Sequence[str]] = (),
        kept: Sequence[Sequence[str]] = (),
    ) -> None:
        """``first``: rows (what, was, now, why) listed before the moves (the item fixed by
        hand); ``kept``: rows after them (the items fixed by hand that stay where they
        are)."""
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.setObjectName("move_preview")
        # a short title the window manager never cuts; the step itself (it may name a long
        # LP label) in full above the list
        self.setWindowTitle(self.tr("What moves"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        self.step = QLabel(title, self)
        self.step.setObjectName("step")
        self.step.setTextFormat(Qt.TextFormat.PlainText)  # names a family's phase or LP
        self.step.setWordWrap(True)
        self.step.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.step)
        # what the move leaves odd but possible (tracker.roadmap.shift), above the moves
        self.warnings = QLabel("\n".join(f"⚠ {w}" for w in warnings), self)
        self.warnings.setObjectName("warnings")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("QLabel { background: #fff4e5; color: #202124; padding: 6px; }")
        self.warnings.setVisible(bool(warnings))
        layout.addWidget(self.warnings)
        # what the step changes besides the planned items (a recorded phase's start)
        self.changes = QLabel("\n".join(changes), self)
        self.changes.setObjectName("changes")
        self.changes.setTextFormat(Qt.TextFormat.PlainText)
        self.changes.setWordWrap(True)
        self.changes.setVisible(bool(changes))
        layout.addWidget(self.changes)
        words = (
            self.tr("No other planned item moves.")
            if not moves
            else self.tr("1 planned item moves:")
            if len(moves) == 1
            else self.tr("{n} planned items move:").format(n=len(moves))
        )
        layout.addWidget(QLabel(words, self))
        self.table = QTreeWidget(self)
        self.table.setAccessibleName(self.tr("Planned items that move"))
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
        fit_columns(self.table, what=0)  # "Why" in full
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
        self._label = spoken_label(label)
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
                raise ValueError(tr("{label}: type the day (YYYY-MM-DD)").format(label=self._label))
            return self._check(parse_date(text, self._label))
        except (ValueError, RoadmapError) as exc:
            raise FormErrors({"day": str(exc)}) from None
