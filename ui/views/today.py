"""The Today tab: the doses due on a day and whether each is logged, ticked with one key
or one click (Given, Missed, Vomited, Held by the team, Partly given), with an optional
note; Ctrl+Z takes a tick back.  Previous / next day catch up on yesterday; an as-needed
medicine is logged when given.  Below it, the log of doses (the dose kind's table).

A tick (its undo, redo or note) changes its own row, the counts, the four-week facts and
the log's one line in place, from what the tab was filled from (``RecordBridge.written``):
nothing is read again and no other row is made anew.  Any other change fills it again.

A missed dose is as quick to log as a given one, and said as calmly: self-report
over-states adherence (capabilities.md §2), so nothing here blames, and nothing advises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import adherence
from tracker.i18n import N_, trn
from tracker.i18n.formats import time_text
from tracker.kinds import Changes, kind_of
from tracker.kinds.dose import ASK_AFTER_VOMITING, DOSE_STATUS, WITH_GIVEN_TIME, plan_dose_text
from tracker.model import DoseLog, DoseStatus, MedicinePlan
from tracker.store import RecordDamaged, ValidationFailed
from ui.bridge import RecordBridge
from ui.contrast import hint_style
from ui.dialogs.dose import RECENT_DAYS, dose_dialog
from ui.interaction import Interaction
from ui.kind_ui import Editing
from ui.views.lists import STACKED_MIN_HEIGHT, RecordView
from ui.views.table import FOCUS_FRAME

FACT_DAYS = 28  # the window of the adherence facts under the list

# One key each, the same as the buttons say: the English keys; in another language the
# letter in brackets of each translated button ("Donnée (D)"), see status_keys().
KEYS: dict[Qt.Key, DoseStatus] = {
    Qt.Key.Key_G: DoseStatus.GIVEN,
    Qt.Key.Key_M: DoseStatus.MISSED,
    Qt.Key.Key_V: DoseStatus.VOMITED,
    Qt.Key.Key_H: DoseStatus.HELD,
    Qt.Key.Key_P: DoseStatus.PARTLY_GIVEN,
}
BUTTONS = (
    (DoseStatus.GIVEN, N_("Given (G)")),
    (DoseStatus.MISSED, N_("Missed (M)")),
    (DoseStatus.VOMITED, N_("Vomited (V)")),
    (DoseStatus.HELD, N_("Held by the team (H)")),
    (DoseStatus.PARTLY_GIVEN, N_("Partly given… (P)")),
)


_KEY_IN_LABEL = re.compile(r"\(([A-Za-z])\)\s*$")


def status_keys(labels: dict[DoseStatus, str]) -> dict[Qt.Key, DoseStatus]:
    """The key of each status as its button reads ("Oubliée (O)" → O), so a keyboard user
    presses the letter they see; a label without one, or one already taken (or N, the
    note's key), keeps the English key."""
    keys: dict[Qt.Key, DoseStatus] = {}
    english = {status: key for key, status in KEYS.items()}
    for status, label in labels.items():
        found = _KEY_IN_LABEL.search(label)
        key = Qt.Key(ord(found.group(1).upper())) if found else english[status]
        if key in keys or key == Qt.Key.Key_N:
            key = english[status]
        keys[key] = status
    if len(keys) < len(labels):  # a translation took an English key another one needs
        return dict(KEYS)
    return keys


def _order(d: DoseLog) -> tuple[dt.date, bool, dt.time, int]:
    """The record's order of doses (DOSE.order_by: due date, due time with none first, id)."""
    return (d.due_date, d.due_time is not None, d.due_time or dt.time(), d.id or 0)


def _swapped(
    doses: list[DoseLog],
    before: DoseLog | None,
    after: DoseLog | None,
    keeps: Callable[[DoseLog], bool],
) -> list[DoseLog]:
    """``doses`` (in the record's order) with ``before`` taken out and ``after`` put in
    where ``keeps`` it."""
    out = [d for d in doses if before is None or d.id != before.id]
    if after is not None and keeps(after):
        out = sorted([*(d for d in out if d.id != after.id), after], key=_order)
    return out


class _Splitter(QSplitter):
    """The tab's splitter, passing a layout request on only when one of its two parts asks
    for another size: a tick changes labels and a row, each asking for a layout, and every
    request that reached the tab widget had it paint the whole tab again."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self._hints: tuple[object, ...] = ()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            hints = tuple(
                (w.sizeHint(), w.minimumSizeHint(), w.minimumSize(), w.maximumSize(), w.isHidden())
                for w in (self.widget(i) for i in range(self.count()))
            )
            if hints == self._hints:
                return True  # the same sizes: the parts laid themselves out
            self._hints = hints
        return super().event(event)


class DueList(QTreeWidget):
    """The day's due doses; a status key ticks the current one, N asks for a note."""

    def __init__(self, view: TodayView) -> None:
        super().__init__(view)
        self._view = view

    def keyPressEvent(self, event: QKeyEvent) -> None:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = Qt.Key(event.key())
        if not mods and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._view.edit_current()
            event.accept()
            return
        if not mods and self._view.dose_key(key):
            event.accept()
            return
        super().keyPressEvent(event)


class TodayView(RecordView):
    """The Today tab (the module's docstring says what it does).

    Signals:
        notice(str): a key could not act, and why ("Select a dose first"), for the status bar
    """

    name = "today"
    notice = Signal(str)

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.doses = self.tables["dose"]
        self._day: dt.date | None = None
        self._due: list[adherence.DueDose] = []
        self._as_needed: list[MedicinePlan] = []
        self._facts_for: tuple[int | None, dt.date] | None = None  # (child, today) shown
        # what the day and the facts were worked out from, to change one dose in place
        self._filled_for: tuple[int | None, dt.date] | None = None  # (child, day) shown
        self._plans: list[MedicinePlan] = []
        self._day_doses: list[DoseLog] = []
        self._extra: list[DoseLog] = []
        self._fact_doses: list[DoseLog] = []
        # the day
        self.previous_button = QPushButton(self.tr("◀ Previous day"), self)
        self.previous_button.setToolTip(self.tr("The day before (Alt+Left)"))
        self.next_button = QPushButton(self.tr("Next day ▶"), self)
        self.next_button.setToolTip(self.tr("The day after (Alt+Right)"))
        self.today_button = QPushButton(self.tr("Back to today"), self)
        self.today_button.setToolTip(self.tr("Alt+Home"))
        self.day_label = QLabel(self)
        self.day_label.setObjectName("day")
        self.previous_button.clicked.connect(lambda: self.move_day(-1))
        self.next_button.clicked.connect(lambda: self.move_day(1))
        self.today_button.clicked.connect(self.go_today)
        for seq, slot in (
            ("Alt+Left", lambda: self.move_day(-1)),
            ("Alt+Right", lambda: self.move_day(1)),
            ("Alt+Home", self.go_today),
        ):
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.day_label, 1)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_button)
        # the due doses
        self.due_list = DueList(self)
        self.due_list.setColumnCount(4)
        self.due_list.setHeaderLabels(
            [self.tr("Time"), self.tr("Medicine"), self.tr("Dose"), self.tr("Logged")]
        )
        self.due_list.setRootIsDecorated(False)
        self.due_list.setUniformRowHeights(True)
        self.due_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.due_list.setAccessibleName(self.tr("Doses due on this day"))
        self.due_list.setStyleSheet(FOCUS_FRAME)
        font = self.due_list.font()  # read at a glance, at the end of a long day
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.due_list.setFont(font)
        header = self.due_list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.due_list.itemDoubleClicked.connect(lambda *_: self.edit_current())
        self.due_list.currentItemChanged.connect(lambda *_: self._buttons_enabled())
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("counts")
        # adherence as plain facts: what was logged, nothing assumed
        self.facts = QLabel(self)
        self.facts.setObjectName("facts")
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(hint_style())
        self.nothing_due = QLabel(self)
        self.nothing_due.setWordWrap(True)
        self.nothing_due.setStyleSheet(hint_style() + " padding: 8px;")
        self.status_buttons: dict[DoseStatus, QPushButton] = {}
        self.ticks = QWidget(self)
        ticks = QHBoxLayout(self.ticks)
        ticks.setContentsMargins(0, 0, 0, 0)
        for status, text in BUTTONS:
            button = QPushButton(self.tr(text), self)
            button.clicked.connect(lambda _=False, s=status: self.tick(s))
            ticks.addWidget(button)
            self.status_buttons[status] = button
        self.keys = status_keys({s: b.text() for s, b in self.status_buttons.items()})
        self.note_button = QPushButton(self.tr("Note… (N)"), self)
        self.note_button.setToolTip(self.tr("An optional note on the logged dose"))
        self.note_button.clicked.connect(self.add_note)
        ticks.addWidget(self.note_button)
        ticks.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.ask = QLabel(self.tr(ASK_AFTER_VOMITING), self)
        self.ask.setObjectName("ask_team")
        self.ask.setStyleSheet(
            "QLabel { background: #eef3fb; color: #1f3a5f; border-radius: 4px; padding: 6px; }"
        )
        self.ask.hide()
        # as needed
        self.as_needed_row = QHBoxLayout()
        self.as_needed_row.addStretch(1)
        self.as_needed_buttons: list[QPushButton] = []
        self._as_needed_key: tuple[object, ...] = ()
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.counts_label)
        column.addWidget(self.due_list, 1)
        column.addWidget(self.nothing_due)
        column.addWidget(self.ticks)
        column.addWidget(self.message)
        column.addWidget(self.ask)
        column.addLayout(self.as_needed_row)
        column.addWidget(self.facts)
        self.doses.setMinimumHeight(STACKED_MIN_HEIGHT)  # the log scrolls; 600 pixels fit
        # The log's columns are fitted to its rows when the tab is filled, then kept while
        # doses are ticked (and may be widened): measuring them again on every tick took
        # longer than the tick itself.  The last column (the note) takes what is left.
        log_header = self.doses.table.horizontalHeader()
        for column in range(log_header.count() - 1):
            log_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.message.hide()
        splitter = _Splitter(self)
        splitter.addWidget(top)
        splitter.addWidget(self.doses)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.setFocusProxy(self.due_list)
        # what the line below the list says of the last tick: (its undo step, the line,
        # the line once taken back, ask the team); an undo or redo says it again
        self._said: tuple[object, str, str, bool] | None = None
        bridge.undo_stack.indexChanged.connect(self._undo_moved)
        self.refresh_when_shown()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A status key pressed on a button of the tab (not in the log) ticks too: a click
        on "Given (G)" leaves the keyboard on the button."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if not mods and self.dose_key(Qt.Key(event.key())):
            event.accept()
            return
        super().keyPressEvent(event)

    def dose_key(self, key: Qt.Key) -> bool:
        """Act on a status key (G, M, V, H, P in English: the buttons' letters) or N; where
        it cannot, say why (``notice``).  False when ``key`` is none of them."""
        if key not in self.keys and key != Qt.Key.Key_N:
            return False
        due = self.current_due()
        if not self._due:
            self.notice.emit(self.tr("No dose is due on this day: nothing to tick."))
        elif due is None:
            self.notice.emit(self.tr("Select a dose first (the arrow keys move in the list)."))
        elif key == Qt.Key.Key_N:
            if due.log is None:
                self.notice.emit(self.tr("Log the dose first; a note goes with a logged dose."))
            else:
                self.add_note()
        else:
            self.tick(self.keys[key])
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Ctrl+7 and the first key ticks: the list has the keyboard (with nothing due, the
        # day's first button has it, and a status key says why it cannot tick)
        if not self.isAncestorOf(QApplication.focusWidget()):
            self._focus_home()

    def _focus_home(self) -> None:
        (self.due_list if self.due_list.isVisible() else self.previous_button).setFocus()

    # ------------------------------------------------------------------ the day

    @property
    def day(self) -> dt.date:
        return self._day or self.bridge.record.today()

    def move_day(self, days: int) -> None:
        new = self.day + dt.timedelta(days=days)
        if new > self.bridge.record.today():
            return  # doses are logged once due, never ahead
        self.show_day(new)

    def go_today(self) -> None:
        self.show_day(self.bridge.record.today())

    def show_day(self, day: dt.date) -> None:
        self._day = day
        self._said = None
        self.message.clear()
        self.message.hide()
        self.ask.hide()
        self.fill_day(facts=False)  # the four weeks up to today: the same on any day shown
        self._focus_home()

    # ------------------------------------------------------------------ refreshing

    def touched(self, changes: Changes) -> bool:
        return changes.touches("dose", "medicine_plan") or any(
            table.touched(changes) for table in self.tables.values()
        )

    def on_changed(self, changes: Changes) -> None:
        written = self._one_dose(changes)
        if written is not None and self._dose_changed(*written):
            for key, table in self.tables.items():  # the log was changed in place
                if key != "dose" and table.touched(changes):
                    table.fill()
            return
        if changes.touches("dose", "medicine_plan"):
            self.fill_day(keep_current=True)
        super().on_changed(changes)

    def _one_dose(self, changes: Changes) -> tuple[DoseLog | None, DoseLog | None] | None:
        """The one dose of the child shown that ``changes`` wrote (before, after), when
        that is all it wrote and the tab shows what it was worked out from."""
        if changes.everything or changes.display or changes.kinds != {"dose"}:
            return None
        written = self.bridge.written
        if written is None or written == (None, None):
            return None
        child_id = self.bridge.child_id
        today = self.bridge.record.today()
        for entry in written:
            if entry is not None and (not isinstance(entry, DoseLog) or entry.child_id != child_id):
                return None
        if self._filled_for != (child_id, self.day) or self._facts_for != (child_id, today):
            return None
        return written[0], written[1]

    def _dose_changed(self, before: DoseLog | None, after: DoseLog | None) -> bool:
        """Change the row, counts, facts and log line of one dose written (a tick, its undo
        or redo, a note) in place, from what the tab was filled from: nothing is read again
        and no other row is made anew.  False (nothing changed) when the day's rows would
        not be the same ones (an as-needed dose): the tab is then filled again."""
        day = self.day
        today = self.bridge.record.today()
        doses = _swapped(self._day_doses, before, after, lambda d: d.due_date == day)
        due = adherence.due_on(self._plans, doses, day)
        if [(d.plan.id, d.time) for d in due] != [(d.plan.id, d.time) for d in self._due]:
            return False
        if adherence.as_needed_logs(self._plans, doses, day) != self._extra:
            return False
        for row, (old, new) in enumerate(zip(self._due, due, strict=True)):
            if old.log != new.log:
                self.due_list.topLevelItem(row).setText(3, self._logged_text(new.log))
        self._due = due
        self._day_doses = doses
        self._count_logged()
        first = today - dt.timedelta(days=FACT_DAYS - 1)
        self._fact_doses = _swapped(
            self._fact_doses, before, after, lambda d: first <= d.due_date <= today
        )
        self._show_facts(self._plans, self._fact_doses, first, today)
        self._log_changed(before, after, today - dt.timedelta(days=RECENT_DAYS))
        self._buttons_enabled()
        return True

    def _log_changed(self, before: DoseLog | None, after: DoseLog | None, since: dt.date) -> None:
        """The log below: the one dose's line changed, added or taken out (newest first)."""
        model = self.doses.model
        old = model.row_of(before.id) if before is not None and before.id is not None else -1
        if after is None or after.due_date < since:
            if old >= 0:
                model.remove_item(old)
        else:
            items = [d for d in model.items() if d.id != after.id]
            key = _order(after)
            new = next((i for i, d in enumerate(items) if _order(d) < key), len(items))
            if new == old:
                model.set_item(old, after)
            else:
                if old >= 0:
                    model.remove_item(old)
                model.insert_item(new, after)
        self.doses.selection_changed()

    def refresh(self) -> None:
        self.fill_day()
        super().refresh()
        self.doses.table.resizeColumnsToContents()

    def fill_day(self, keep_current: bool = False, facts: bool = True) -> None:
        """Show the day's due doses; the four-week facts too, unless ``facts`` is false and
        they are those of the same child and today."""
        child_id = self.bridge.child_id
        record = self.bridge.record
        today = record.today()
        day = self.day
        plans: list[MedicinePlan] = []
        doses: list[DoseLog] = []
        if child_id is not None:
            plans = self.bridge.entries(MedicinePlan, child_id)
            doses = record.matching(DoseLog, child_id, due_date=day)  # the day's only
        current = self.due_list.currentIndex().row() if keep_current else -1
        self._due = adherence.due_on(plans, doses, day)
        self._as_needed = adherence.as_needed_on(plans, day)
        extra = adherence.as_needed_logs(plans, doses, day)
        self._plans, self._day_doses, self._extra = plans, doses, extra
        self._filled_for = (child_id, day)
        names = {p.id: p for p in plans}
        locale = QLocale()
        date_text = locale.toString(  # the locale's own: "martes, 24 de noviembre de 2026"
            QDate(day.year, day.month, day.day), locale.dateFormat(QLocale.FormatType.LongFormat)
        )
        self.day_label.setText(
            "<b>{}</b>".format(
                self.tr("Today, {date}").format(date=date_text) if day == today else date_text
            )
        )
        self.next_button.setEnabled(day < today)
        self.today_button.setEnabled(day != today)
        self.due_list.clear()
        for due in self._due:
            item = QTreeWidgetItem(
                [
                    time_text(due.time) if due.time else self.tr("during the day"),
                    due.plan.drug,
                    plan_dose_text(due.plan),
                    self._logged_text(due.log),
                ]
            )
            self.due_list.addTopLevelItem(item)
        for log in extra:  # as-needed doses given that day
            p = names.get(log.plan_id)
            item = QTreeWidgetItem(
                [
                    time_text(log.due_time) if log.due_time else "",
                    (p.drug if p else "") + self.tr(" (as needed)"),
                    log.amount or (plan_dose_text(p) if p else ""),
                    self._logged_text(log),
                ]
            )
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.due_list.addTopLevelItem(item)
        self._count_logged()
        self.nothing_due.setVisible(not self._due)
        self.due_list.setVisible(bool(self._due) or bool(extra))
        self.ticks.setVisible(bool(self._due))
        self.nothing_due.setText(
            self.tr(
                "No doses are due on this day. Medicine plans (the team's doses and "
                "schedules) are kept on the Medicines tab."
            )
            if not plans
            else self.tr("No doses are due on this day.")
        )
        self._as_needed_buttons(day == today)
        if facts or self._facts_for != (child_id, today):
            self._facts(plans, child_id, today)
            self._facts_for = (child_id, today)
        if self._due:
            row = current if 0 <= current < len(self._due) else self._next_open(-1)
            self.due_list.setCurrentItem(self.due_list.topLevelItem(max(row, 0)))
        self._buttons_enabled()

    def _count_logged(self) -> None:
        logged = sum(1 for d in self._due if d.log is not None)
        if self._due:
            left = len(self._due) - logged
            due = len(self._due)
            # three counts, each its own plural (French agrees: "1 prévue · 2 notées")
            self.counts_label.setText(
                " · ".join(
                    (
                        trn("{n} due", "{n} due", due).format(n=due),
                        trn("{n} logged", "{n} logged", logged).format(n=logged),
                        trn("{n} not logged yet", "{n} not logged yet", left).format(n=left),
                    )
                )
            )
        else:
            self.counts_label.setText("")

    def _facts(self, plans: list[MedicinePlan], child_id: int | None, today: dt.date) -> None:
        """The last four weeks of each medicine, as logged (today's doses once logged)."""
        self._fact_doses = []
        if child_id is None or not plans:
            self.facts.hide()
            return
        first = today - dt.timedelta(days=FACT_DAYS - 1)
        try:
            doses = self.bridge.record.entries_since(DoseLog, child_id, "due_date", first)
        except RecordDamaged:  # not "nothing given": the window says the file is damaged
            self.bridge.met_damage(kind_of(DoseLog).key)
            self.facts.hide()
            return
        self._fact_doses = doses
        self._show_facts(plans, self._fact_doses, first, today)

    def _show_facts(
        self, plans: list[MedicinePlan], doses: list[DoseLog], first: dt.date, today: dt.date
    ) -> None:
        if not plans:
            self.facts.hide()
            return
        facts = adherence.adherence(plans, doses, first, today, today)
        lines = [f.line(self.tr("in the last 4 weeks")) for f in facts]
        self.facts.setText("\n".join(lines))
        self.facts.setVisible(bool(lines))

    def _logged_text(self, log: DoseLog | None) -> str:
        if log is None:
            return self.tr("not logged yet")
        text = self.tr(DOSE_STATUS[log.status.value])
        if log.given_time is not None:
            text += f" {time_text(log.given_time)}"
        if log.amount:
            text += f" ({log.amount})"
        if log.note:
            text += f" · {log.note}"
        return text

    def _as_needed_buttons(self, is_today: bool) -> None:
        key = (tuple((p.id, p.drug) for p in self._as_needed), is_today)
        if key == self._as_needed_key:
            return  # the same buttons: a tick does not rebuild them
        self._as_needed_key = key
        for button in self.as_needed_buttons:
            self.as_needed_row.removeWidget(button)
            button.hide()  # gone now, not at the next turn of the event loop
            button.deleteLater()
        self.as_needed_buttons = []
        for p in self._as_needed:
            text = (
                self.tr("Log a dose of {drug} given now")
                if is_today
                else self.tr("Log a dose of {drug} given this day…")
            ).format(drug=p.drug)
            button = QPushButton(text, self)
            button.clicked.connect(lambda _=False, plan=p: self.log_as_needed(plan))
            self.as_needed_row.insertWidget(len(self.as_needed_buttons), button)
            self.as_needed_buttons.append(button)

    def _next_open(self, after: int) -> int:
        """The first due dose after row ``after`` not logged yet (else the first one)."""
        for i in range(after + 1, len(self._due)):
            if self._due[i].log is None:
                return i
        return after if after >= 0 else 0

    def _buttons_enabled(self) -> None:
        has = self.current_due() is not None
        for button in self.status_buttons.values():
            button.setEnabled(has)
        due = self.current_due()
        self.note_button.setEnabled(due is not None and due.log is not None)

    def current_due(self) -> adherence.DueDose | None:
        row = self.due_list.currentIndex().row()
        return self._due[row] if 0 <= row < len(self._due) else None

    # ------------------------------------------------------------------ ticking

    def tick(self, status: DoseStatus) -> None:
        """Log what happened to the current due dose (or change what was logged): one
        save, one undo step."""
        due = self.current_due()
        child = self.bridge.current_child()
        if due is None or child is None or child.id is None:
            return
        amount = ""
        if status is DoseStatus.PARTLY_GIVEN:
            typed = self.interaction.ask_text(
                self,
                self.tr("Partly given"),
                self.tr("How much went in ({drug}, {dose} due)? e.g. 0.3 mL, half").format(
                    drug=due.plan.drug, dose=plan_dose_text(due.plan)
                ),
                due.log.amount if due.log else "",
            )
            if typed is None or not typed.strip():
                return
            amount = typed.strip()
        row = self.due_list.currentIndex().row()
        assert due.plan.id is not None
        # The time it was given: now, on today's page (on an earlier day it is not known:
        # Enter opens the dose to type it); a time already logged is kept.
        record = self.bridge.record
        now = record.time_now() if due.date == record.today() else None
        given_at = now if status in WITH_GIVEN_TIME else None
        if due.log is None:
            entry: Any = DoseLog(
                child.id,
                due.plan.id,
                due.date,
                status,
                due.time,
                given_time=given_at,
                amount=amount,
            )
        else:
            keeps_time = status in WITH_GIVEN_TIME
            entry = DoseLog(
                child.id,
                due.plan.id,
                due.date,
                status,
                due.time,
                given_time=(due.log.given_time or given_at) if keeps_time else None,
                amount=amount if status is DoseStatus.PARTLY_GIVEN else "",
                note=due.log.note,
                id=due.log.id,
                uid=due.log.uid,
            )
        step = self.tr("dose of {drug} {what}").format(
            drug=due.plan.drug, what=self.tr(DOSE_STATUS[status.value]).lower()
        )
        if not self._save(entry, step):  # the bridge refreshes the view (changed)
            return
        when = f"{time_text(due.time)} " if due.time else ""
        what = self.tr(DOSE_STATUS[status.value])
        self._say(
            self.tr("{drug} {when}logged: {what}. Ctrl+Z takes it back.").format(
                drug=due.plan.drug, when=when, what=what
            ),
            self.tr("Taken back: {drug} {when}logged: {what}.").format(
                drug=due.plan.drug, when=when, what=what
            ),
            ask=status is DoseStatus.VOMITED,
        )
        next_row = self._next_open(row)
        if 0 <= next_row < len(self._due):
            self.due_list.setCurrentItem(self.due_list.topLevelItem(next_row))
        self._buttons_enabled()

    def _say(self, logged: str, taken_back: str, ask: bool = False) -> None:
        """Say ``logged`` of the save just made; ``taken_back`` once it is undone."""
        stack = self.bridge.undo_stack
        step = stack.command(stack.index() - 1)
        self._said = (step, logged, taken_back, ask)
        self.message.setText(logged)
        self.message.show()
        self.ask.setVisible(ask)

    def _undo_moved(self, index: int) -> None:
        """Undo or redo of the last tick says so; any other step clears the line."""
        if self._said is None:
            return
        step, logged, taken_back, ask = self._said
        stack = self.bridge.undo_stack
        if index > 0 and stack.command(index - 1) is step:
            self.message.setText(logged)
            self.ask.setVisible(ask)
        elif index < stack.count() and stack.command(index) is step:
            self.message.setText(taken_back)
            self.ask.hide()
        else:
            self.message.clear()
            self.message.hide()
            self.ask.hide()
            return
        self.message.show()

    def _save(self, entry: DoseLog, step: str | None = None) -> bool:
        """Save through the bridge (one undo step, named ``step`` if given); a refusal is
        said beside the list, nothing saved."""
        try:
            saved = self.bridge.save(entry, step)
        except ValidationFailed as exc:
            self.message.setText(
                self.tr("Nothing was saved: {why}").format(why=" ".join(exc.errors.values()))
            )
            self.message.show()
            self.ask.hide()
            return False
        self._fit_log_row(saved.id)
        return True

    def _fit_log_row(self, dose_id: int | None) -> None:
        """Widen the log's columns where the row of ``dose_id`` needs it (never narrower:
        the columns do not jump while ticking; a log fitted empty gets room for its rows)."""
        row = self.doses.model.row_of(dose_id) if dose_id is not None else -1
        if row < 0:
            return
        table = self.doses.table
        header = table.horizontalHeader()
        for column in range(header.count() - 1):
            need = table.sizeHintForIndex(self.doses.model.index(row, column)).width()
            if need > header.sectionSize(column):
                header.resizeSection(column, need)

    def add_note(self) -> None:
        due = self.current_due()
        if due is None or due.log is None:
            return
        typed = self.interaction.ask_text(
            self, self.tr("Note"), self.tr("A note on this dose (optional):"), due.log.note
        )
        if typed is not None:
            self._save(replace(due.log, note=typed.strip()))

    def edit_current(self) -> None:
        due = self.current_due()
        if due is None:
            return
        if due.log is not None:
            self.edit("dose", due.log)
            return
        self._open_dialog(
            DoseLog(0, due.plan.id, due.date, DoseStatus.GIVEN, due.time),
        )

    def log_as_needed(self, plan: MedicinePlan) -> None:
        child = self.bridge.current_child()
        if child is None or child.id is None or plan.id is None:
            return
        record = self.bridge.record
        if self.day == record.today():
            now = record.time_now()
            if not self._save(
                DoseLog(child.id, plan.id, self.day, DoseStatus.GIVEN, now, given_time=now),
                self.tr("dose of {drug} given").format(drug=plan.drug),
            ):
                return
            self._say(
                self.tr("{drug} logged: given at {time}. Ctrl+Z takes it back.").format(
                    drug=plan.drug, time=time_text(now)
                ),
                self.tr("Taken back: {drug} logged: given at {time}.").format(
                    drug=plan.drug, time=time_text(now)
                ),
            )
            return
        self._open_dialog(DoseLog(child.id, plan.id, self.day, DoseStatus.GIVEN))

    def _open_dialog(self, preset: DoseLog) -> None:
        from PySide6.QtWidgets import QDialog

        child = self.bridge.current_child()
        if child is None or child.id is None:
            return
        editing = Editing(self.bridge, child, self.bridge.record.today())
        dialog = dose_dialog(editing, None, self, preset)
        dialog.submit = self.bridge.save
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.value is not None:
            self._fit_log_row(dialog.value.id)
            self.doses.select_id(dialog.value.id)
