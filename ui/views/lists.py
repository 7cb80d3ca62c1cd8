"""The views on the tabs: the tables of the kinds of entry each shows (``KindUi.view``),
with Add, Edit and Delete.

Each view reads through the bridge's record and changes it only through the
bridge (one transaction, one undo step).  Enter or double-click edits, Delete
deletes (undo with Ctrl+Z), Insert adds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n.formats import date_text, time_text
from tracker.kinds import ALL_CHANGED, Changes
from tracker.model import Appointment, CountResult, MedicinePlan, Phase, TeamThreshold
from tracker.store.errors import RecordError
from ui.bridge import RecordBridge
from ui.contrast import hint_style
from ui.interaction import Interaction
from ui.kind_ui import edit_entry
from ui.kinds import in_view, ui_kind
from ui.views.table import FOCUS_FRAME, RecordTable

# The least height of each table in a view of three or more (its title, buttons and a row).
STACKED_MIN_HEIGHT = 90
COUNTS_ROWS_SHOWN = 3  # the Blood counts table's least height, in whole rows
# More blood counts than this: the charts are drawn from the results of the last
# CHART_RECENT_DAYS days (the range they open on), and from the whole history only when
# the family looks further back (4 charts of 25,000 results take half a second).
CHART_AT_ONCE = 1000
CHART_RECENT_DAYS = 120


class RecordView(QWidget):
    """Base for the views: one :class:`RecordTable` for each kind the view shows
    (``tables[kind_key]``), refreshed when its kind changed; :meth:`edit` opens any kind's
    editor.  ``name`` is the view's name (``KindUi.view``).

    Built empty, cheaply: nothing is read until the view is first shown (showEvent) or
    :meth:`ensure_fresh` is called (a window building its tabs lazily calls it, or just
    shows the tab); a standalone view (no parent) fills at once."""

    name = ""

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.interaction = interaction
        self._stale = True
        self.tables: dict[str, RecordTable] = {}
        for ui in in_view(self.name):
            table = RecordTable(ui, bridge, self)
            table.add_requested.connect(lambda key=ui.key: self.edit(key, None))
            table.edit_requested.connect(lambda entry, key=ui.key: self.edit(key, entry))
            table.entered.connect(lambda table=table: self.keys_to(table))
            self.tables[ui.key] = table
        if self.tables:
            self.keys_to(next(iter(self.tables.values())))
        bridge.changed.connect(self._changed)
        bridge.child_selected.connect(self._child_selected)

    def _child_selected(self, _child_id: int) -> None:
        self._changed(None)

    def keys_to(self, here: RecordTable) -> None:
        """Alt+I and Alt+L (Edit, Delete) act on ``here``, the table the keyboard came into:
        one letter each on every tab, where the family is working, rather than a letter
        per table to look for (and no two buttons of the window share one)."""
        for table in self.tables.values():
            table.set_keys_here(table is here)

    # A view on a tab that is not showing is refreshed when it is next shown, not on
    # every change: start-up and saves then cost only what is on screen.

    def _changed(self, changes: Changes | None) -> None:
        if self.isHidden():
            if changes is None or self.touched(changes):
                self._stale = True
        elif changes is None:
            self.refresh()
        else:
            self.on_changed(changes)

    def ensure_fresh(self) -> None:
        """Bring the view up to date now (its tab was chosen, or a caller needs its rows)."""
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh_when_shown(self) -> None:
        """Fill the view now if it stands alone; inside the main window, when its tab is
        first shown (the window calls :meth:`ensure_fresh`)."""
        self._stale = True
        if self.parent() is None:
            self.ensure_fresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_fresh()
        super().showEvent(event)

    def touched(self, changes: Changes) -> bool:
        """Did ``changes`` touch what the view shows?  A hidden view is read again when next
        shown only then (a dose ticked does not make the Blood counts tab read 10 years of
        counts again).  A view that reacts to more in :meth:`on_changed` says so here; one
        that does not is read again after any change, as before."""
        if changes.everything or changes.display:
            return True
        if type(self).on_changed is not RecordView.on_changed:
            return True
        return any(table.touched(changes) for table in self.tables.values())

    def on_changed(self, changes: Changes) -> None:
        for table in self.tables.values():
            if table.touched(changes):
                table.fill()

    def refresh(self) -> None:
        for table in self.tables.values():
            table.fill(keep_selection=False)

    def edit(self, kind_key: str, entry: Any) -> None:
        """Open the editor of ``entry`` of the kind ``kind_key`` (None: a new one); the
        saved entry is then selected in its table."""
        saved = edit_entry(ui_kind(kind_key), self.bridge, entry, self)
        table = self.tables.get(kind_key)
        if saved is not None and table is not None:
            table.select_id(saved.id)

    def stacked(self) -> None:
        """Lay the view's tables out top to bottom (more than one: in a splitter)."""
        layout = QVBoxLayout(self)
        if len(self.tables) == 1:
            layout.addWidget(next(iter(self.tables.values())))
            return
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        for table in self.tables.values():
            if len(self.tables) > 2:  # three tables still fit a 600-pixel-high screen:
                table.setMinimumHeight(STACKED_MIN_HEIGHT)  # each scrolls, or is dragged taller
            splitter.addWidget(table)
        layout.addWidget(splitter)


class PhasesView(RecordView):
    name = "phases"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.phases = self.tables["phase"]
        self.milestones = self.tables["milestone"]
        growth = self.tables["growth"]
        self.growth_chart_button = QPushButton(self.tr("Growth &chart…"), growth)
        self.growth_chart_button.setToolTip(
            self.tr("Weight, length/height and head circumference by age, in a window")
        )
        self.growth_chart_button.clicked.connect(self.show_growth_chart)
        growth.add_command(self.growth_chart_button)
        self.stacked()
        self.refresh_when_shown()

    def show_growth_chart(self) -> None:
        """The growth chart of the current child (the child's own measurements)."""
        from ui.growth_chart.widget import GrowthChartDialog

        GrowthChartDialog(self.bridge, self).exec()


class CountsView(RecordView):
    """The blood counts: charts (WBC, ANC, Hb, platelets) over the table, newest first.

    Selecting a row rings its point on the charts; clicking a point selects its row.
    """

    name = "counts"
    CHARTS = ("wbc", "anc", "hgb", "plt")

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        from ui.models.counts import CountsModel
        from ui.timeline.range_bar import RangeBar
        from ui.timeline.widget import TimelineWidget

        self.counts = self.tables["count"]
        assert isinstance(self.counts.model, CountsModel)
        self.model = self.counts.model
        self.counts.table.verticalHeader().setDefaultSectionSize(26)
        self.chart = TimelineWidget(self)
        self.chart.painter.style.min_chart = 40  # four charts and the range bar above the table
        self.chart.setAccessibleName(self.tr("Blood count charts"))
        self.chart.setAccessibleDescription(
            self.tr(
                "WBC, ANC, Hb and platelets over time. The same values are in the table "
                "below, one row per blood count; Tab moves between the points, Enter opens one."
            )
        )
        self.chart.item_activated.connect(self._point_clicked)
        self.chart.opening_preset = "counts"  # the newest results, filling the width
        # While the charts show only the last months of a long history: what draws the
        # whole of it, and where the months shown begin (see refresh)
        self._whole_chart: Callable[[], Any] | None = None
        self._recent_from = 0.0
        self.chart.range_changed.connect(self._chart_range_moved)
        self.range_bar = RangeBar(self.chart, self)  # the timeline's own range controls
        charts = QWidget(self)
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.range_bar)
        charts_layout.addWidget(self.chart, 1)
        legend = QLabel(
            self.tr(
                "(low) / (high): below / above the range used (the lab's printed range, "
                "otherwise a published infant range) · charts: shaded band or bar = the lab's "
                "range, dash-dot line = your team's number or a reference line · ↑ ↓ →: higher, "
                "lower or the same as the previous result · calc.: ANC worked out from the "
                "white count and differential · hover over a value for its details"
            ),
            self,
        )
        legend.setWordWrap(True)
        legend.setStyleSheet(hint_style())
        self.counts.layout().addWidget(legend)
        # At least three whole rows of values: on a small screen the page scrolls rather
        # than the charts crushing the table to half a row (the values are the record).
        table = self.counts.table
        table.setMinimumHeight(
            table.horizontalHeader().sizeHint().height()
            + COUNTS_ROWS_SHOWN * table.verticalHeader().defaultSectionSize()
            + table.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            + 2 * table.frameWidth()
        )
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(charts)
        splitter.addWidget(self.counts)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.counts.table.selectionModel().currentRowChanged.connect(self._row_changed)
        # the columns are measured after the empty ones are hidden (refresh), not before
        self.model.modelReset.disconnect(self.counts.table.fit_columns)
        bridge.display_changed.connect(self._display_changed)
        self.refresh_when_shown()

    def _display_changed(self) -> None:
        self._changed(Changes(display=True))

    def touched(self, changes: Changes) -> bool:
        return changes.display or changes.touches(CountResult, TeamThreshold, Phase)

    def on_changed(self, changes: Changes) -> None:
        if changes.display or changes.touches(CountResult, TeamThreshold, Phase):
            self.refresh(keep_selection=True)

    def refresh(self, keep_selection: bool = False) -> None:
        from tracker import analytes
        from tracker import timeline as layout
        from tracker.display import chart_units

        child_id = self.bridge.child_id
        record = self.bridge.record
        items = self.bridge.counts(child_id) if child_id is not None else []
        preference = self.bridge.unit_preference
        thresholds = self.bridge.entries(TeamThreshold, child_id) if child_id is not None else []
        assess = self._assessor(thresholds)
        current, before = self.counts.selected(), self.counts.uids()
        self.model.reload(items, assess, preference)
        empty = self.model.empty_analytes()
        for code in analytes.CODES:
            self.counts.table.setColumnHidden(self.model.analyte_column(code), code in empty)
        others = self.model.column_keys().index("others")
        self.counts.table.setColumnHidden(others, not self.model.has_others())
        self.counts.table.fit_columns()
        if keep_selection:  # on the same count across an undo (RecordTable.reload)
            self.counts.reselect(current, before, items)
        self.counts.selection_changed()
        if child_id is None:
            return
        units = chart_units(self.CHARTS, preference)
        phases, today = self.bridge.phases(child_id), record.today()

        def build(counts: list[CountResult]) -> Any:
            return layout.build(
                phases,
                [],
                [],
                counts,
                today,
                display_units=units,
                team_thresholds=thresholds,
                lanes=self.CHARTS,
            )

        # A long history: the charts from the last months of results (where they open);
        # from the whole history once the family looks further back (range_changed).
        recent, self._whole_chart = items, None
        if len(items) > CHART_AT_ONCE:
            newest = max(r.taken_date for r in items)
            since = min(newest, today) - dt.timedelta(days=CHART_RECENT_DAYS)
            recent = [r for r in items if r.taken_date >= since]
            self._recent_from = layout.x_of(since)
        self._show_chart(build(recent), keep_range=keep_selection)
        if len(recent) < len(items):
            self._whole_chart = lambda: build(items)
            self._chart_range_moved(*self.chart.visible_range())  # already further back?

    def _show_chart(self, timeline: Any, keep_range: bool) -> None:
        from ui.timeline.painter import required_height

        self.chart.set_timeline(timeline, keep_range=keep_range)
        self.chart.setMinimumHeight(int(required_height(timeline, self.chart.painter.style)))

    def whole_chart_pending(self) -> bool:
        """Whether the charts show only the last months of a long history (the rest is
        drawn when the family looks further back)."""
        return self._whole_chart is not None

    def _chart_range_moved(self, x0: float, _x1: float) -> None:
        if self._whole_chart is not None and x0 < self._recent_from:
            whole, self._whole_chart = self._whole_chart, None
            self._show_chart(whole(), keep_range=True)

    def _assessor(self, thresholds: list[TeamThreshold]):  # type: ignore[no-untyped-def]
        """Flags from tracker.ranges for the current child (lab range first)."""
        from tracker.assessment import make_assessor

        child = self.bridge.current_child()
        if child is None or child.id is None:
            return None
        return make_assessor(child, thresholds, grades=self.bridge.show_grades)

    def _row_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        from tracker.timeline import Ref, x_of

        if not current.isValid():
            self.chart.highlight(None)
            return
        r = self.model.item(current.row())
        x = x_of(r.taken_date, r.taken_time)
        self.chart.highlight(Ref("count", r.id), x)

    def _point_clicked(self, ref) -> None:  # type: ignore[no-untyped-def]
        if ref.kind == "count":
            self.counts.select_id(ref.id)
            self.counts.table.setFocus()


class CnsView(RecordView):
    name = "cns"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.visits = self.tables["cns_visit"]
        self.model = self.visits.model
        self.stacked()
        self.refresh_when_shown()


class AgendaView(RecordView):
    """Appointments (past and planned) and the questions the family wants to ask."""

    name = "agenda"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.questions = self.tables["question"]
        self.appointments = self.tables["appointment"]
        self.series_box = QWidget(self)
        self.series_words = QLabel(self.series_box)
        self.series_words.setWordWrap(True)
        self.dates = QListWidget(self.series_box)
        self.dates.setAccessibleName(self.tr("Next dates of the series"))
        self.dates.setStyleSheet(FOCUS_FRAME)
        self.series_words.setBuddy(self.dates)
        self.dates.setMaximumHeight(96)
        self.move_button = QPushButton(self.tr("&Move this date…"), self.series_box)
        self.move_button.setToolTip(
            self.tr("Another day or time, or other details, for this date only (Ctrl+Z undoes)")
        )
        self.cancel_button = QPushButton(self.tr("Ca&ncel this date"), self.series_box)
        self.cancel_button.setToolTip(
            self.tr("This date does not take place; the others stay (Ctrl+Z undoes)")
        )
        self.put_back_button = QPushButton(self.tr("Put &back as planned"), self.series_box)
        self.put_back_button.setToolTip(self.tr("This date as the series has it again"))
        buttons = QVBoxLayout()
        for button in (self.move_button, self.cancel_button, self.put_back_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dates, 1)
        row.addLayout(buttons)
        column = QVBoxLayout(self.series_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.series_words)
        column.addLayout(row)
        self.appointments.layout().addWidget(self.series_box)
        self.move_button.clicked.connect(self.move_date)
        self.cancel_button.clicked.connect(self.cancel_date)
        self.put_back_button.clicked.connect(self.put_back)
        self.dates.currentRowChanged.connect(self._date_chosen)
        self.dates.itemActivated.connect(lambda _item: self.move_date())
        self.appointments.table.selectionModel().selectionChanged.connect(self._selection_moved)
        # once per reload, after the selection came back: the box is not hidden meanwhile
        # (the keyboard stays in the dates) and the same date stays chosen (an undo)
        self.appointments.reloaded.connect(self._fill_dates)
        self._dates_of: str | None = None  # the uid of the series whose dates are listed
        self.stacked()
        splitter = self.findChild(QSplitter)
        if splitter is not None:  # the appointments (with a series' dates) get the room
            splitter.setStretchFactor(splitter.indexOf(self.appointments), 2)
            splitter.setStretchFactor(splitter.indexOf(self.questions), 1)
        self._fill_dates()
        self.refresh_when_shown()

    def refresh(self) -> None:
        self.on_changed(ALL_CHANGED)

    # ------------------------------------------------------------------ a series' dates

    SHOWN_DATES = 12

    def _series(self) -> Appointment | None:
        a = self.appointments.selected()
        return a if isinstance(a, Appointment) and a.repeat else None

    def _selection_moved(self, *_: object) -> None:
        if not self.appointments.reloading:
            self._fill_dates()

    def _fill_dates(self, *_: object) -> None:
        """The selected series' next dates (cancelled ones too, so they can be put back);
        the date chosen before stays chosen when the series is the same one."""
        from tracker import schedule, visits

        a = self._series()
        chosen = self._chosen()
        keep = (
            chosen[1] if chosen is not None and a is not None and a.uid == self._dates_of else None
        )
        self._dates_of = a.uid if a is not None else None
        self.series_box.setVisible(a is not None)
        self.dates.clear()
        if a is None:
            self._date_chosen()
            return
        self.series_words.setText(
            self.tr("Repeats {how}. Its next dates:").format(
                how=schedule.describe_repeat(a.repeat, a.date)
            )
        )
        today = self.bridge.record.today()
        shown: list[visits.Visit] = []
        for years in (1, 5, 40):  # the next dates, however far apart
            last = dt.date(min(today.year + years, dt.MAXYEAR), 12, 31)
            shown = visits.visits(a, today, last, cancelled=True)
            if len(shown) >= self.SHOWN_DATES:
                break
        for v in shown[: self.SHOWN_DATES]:
            when = date_text(v.date) + (f" {time_text(v.time)}" if v.time else "")
            text = f"{when}  {v.date:%a}"
            if v.cancelled:
                text += "  " + self.tr("cancelled")
            elif v.moved:
                text += "  " + self.tr("moved from {date}").format(date=date_text(v.original_date))
            elif v.change is not None:
                text += "  " + self.tr("changed")
            if not v.cancelled and v.place and v.place != a.place:
                text += f" · {v.place}"
            item = QListWidgetItem(text, self.dates)
            item.setData(Qt.ItemDataRole.UserRole, v.original_date.isoformat())
            item.setData(Qt.ItemDataRole.UserRole + 1, v.change is not None)
            item.setData(Qt.ItemDataRole.UserRole + 2, v.cancelled)
        if not shown:
            QListWidgetItem(self.tr("No dates from today on"), self.dates).setFlags(
                Qt.ItemFlag.NoItemFlags
            )
        kept = [v.original_date for v in shown[: self.SHOWN_DATES]]
        self.dates.setCurrentRow(kept.index(keep) if keep in kept else (0 if shown else -1))
        self._date_chosen()

    def _chosen(self) -> tuple[Appointment, dt.date, bool, bool] | None:
        """The series, the chosen series date, whether it is changed, and cancelled."""
        a = self._series()
        item = self.dates.currentItem()
        if a is None or item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return None
        day = dt.date.fromisoformat(str(item.data(Qt.ItemDataRole.UserRole)))
        changed = bool(item.data(Qt.ItemDataRole.UserRole + 1))
        return a, day, changed, bool(item.data(Qt.ItemDataRole.UserRole + 2))

    def _date_chosen(self, *_: object) -> None:
        chosen = self._chosen()
        self.move_button.setEnabled(chosen is not None)
        self.cancel_button.setEnabled(chosen is not None and not chosen[3])
        self.put_back_button.setEnabled(chosen is not None and chosen[2])

    def _after(self, saved: Appointment | None, day: dt.date) -> None:
        if saved is None:
            return
        self.appointments.select_id(saved.id)
        self._fill_dates()
        for i in range(self.dates.count()):
            if self.dates.item(i).data(Qt.ItemDataRole.UserRole) == day.isoformat():
                self.dates.setCurrentRow(i)
        self.dates.setFocus()

    def move_date(self) -> None:
        from ui.dialogs.agenda import move_date_command

        chosen = self._chosen()
        if chosen is not None:
            self._after(move_date_command(self.bridge, chosen[0], chosen[1], self), chosen[1])

    def cancel_date(self) -> None:
        from ui.dialogs.agenda import cancel_date_command

        chosen = self._chosen()
        if chosen is None or chosen[3]:
            return
        try:
            saved = cancel_date_command(self.bridge, chosen[0], chosen[1])
        except RecordError as exc:  # the last date of a series: delete it instead
            self.interaction.error(self, self.tr("Cannot cancel this date"), str(exc))
            return
        self._after(saved, chosen[1])

    def put_back(self) -> None:
        from ui.dialogs.agenda import put_back_command

        chosen = self._chosen()
        if chosen is not None and chosen[2]:
            self._after(put_back_command(self.bridge, chosen[0], chosen[1]), chosen[1])


class FeversView(RecordView):
    """Temperatures (marked against the team's fever rule), symptoms, and the team's fever
    rules (design.md §4: a view of fevers and symptoms)."""

    name = "fevers"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.temperatures = self.tables["temperature"]
        self.symptoms = self.tables["symptom"]
        self.fever_rules = self.tables["fever_rule"]
        self.stacked()
        self.refresh_when_shown()


class MedicinesView(RecordView):
    """The medicines given at home: every plan (open ones first) with Change dose and Stop
    medicine on the selected one, and the history of starts, dose changes and stops."""

    name = "medicines"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.plans = self.tables["medicine_plan"]
        self.change_button = QPushButton(self.tr("Change &dose…"), self)
        self.change_button.setToolTip(
            self.tr(
                "Ends the selected plan the day before and starts the new dose "
                "(Alt+D; Ctrl+Alt+D in the table)"
            )
        )
        self.stop_button = QPushButton(self.tr("Sto&p medicine…"), self)
        self.stop_button.setToolTip(
            self.tr("Ends the selected plan on a day (Alt+P; Ctrl+Alt+S in the table)")
        )
        self.change_action = QAction(self.tr("Change dose"), self)
        self.change_action.setShortcut(QKeySequence("Ctrl+Alt+D"))
        # on the table only: the plan's editor (a child of this view) has its own
        self.change_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.stop_action = QAction(self.tr("Stop medicine"), self)
        self.stop_action.setShortcut(QKeySequence("Ctrl+Alt+S"))
        self.stop_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.plans.table.addAction(self.change_action)
        self.plans.table.addAction(self.stop_action)
        self.change_button.clicked.connect(self.change_dose)
        self.stop_button.clicked.connect(self.stop)
        self.change_action.triggered.connect(self.change_dose)
        self.stop_action.triggered.connect(self.stop)
        note = QLabel(
            self.tr(
                "Doses as the team wrote them. This program never works a dose out and does "
                "not say what to do after a missed or vomited dose: ask your team."
            ),
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet(hint_style())
        commands = QHBoxLayout()
        commands.addWidget(self.change_button)
        commands.addWidget(self.stop_button)
        commands.addWidget(note, 1)
        self.plans.layout().addLayout(commands)
        self.history = QListWidget(self)
        self.history.setAccessibleName(self.tr("Dose changes"))
        self.history.setStyleSheet(FOCUS_FRAME)
        history_box = QWidget(self)
        column = QVBoxLayout(history_box)
        column.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("<h3>Starts, dose changes and stops</h3>"), history_box)
        title.setBuddy(self.history)
        column.addWidget(title)
        column.addWidget(self.history, 1)
        history_box.setMinimumHeight(STACKED_MIN_HEIGHT)
        self.plans.setMinimumHeight(STACKED_MIN_HEIGHT * 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.plans)
        splitter.addWidget(history_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self.plans.table.selectionModel().selectionChanged.connect(self._selection)
        self.plans.model.modelReset.connect(self._selection)
        self._selection()
        self.refresh_when_shown()

    def refresh(self) -> None:
        super().refresh()
        self._fill_history()

    def touched(self, changes: Changes) -> bool:
        """Plans and doses only: a temperature does not make the tab read its plans again."""
        return changes.touches(MedicinePlan, "dose")

    def on_changed(self, changes: Changes) -> None:
        super().on_changed(changes)
        if changes.touches(MedicinePlan):
            self._fill_history()

    def _fill_history(self) -> None:
        from tracker import medicines

        self.history.clear()
        child_id = self.bridge.child_id
        if child_id is None:
            return
        plans = self.bridge.entries(MedicinePlan, child_id)
        for change in reversed(medicines.history(plans)):
            self.history.addItem(f"{date_text(change.date)}  {change.text}")

    def _selection(self, *_: object) -> None:
        plan = self.plans.selected()
        has = plan is not None
        self.change_button.setEnabled(has)
        self.stop_button.setEnabled(has)

    def change_dose(self) -> None:
        from ui.dialogs.medicine_plan import change_dose_command

        plan = self.plans.selected()
        if plan is None:
            return
        new = change_dose_command(self.bridge, plan, self)
        if new is not None:
            self.plans.select_id(new.id)
            self.plans.table.setFocus()

    def stop(self) -> None:
        from ui.dialogs.medicine_plan import stop_command

        plan = self.plans.selected()
        if plan is None:
            return
        stopped = stop_command(self.bridge, plan, self)
        if stopped is not None:
            self.plans.select_id(stopped.id)
            self.plans.table.setFocus()


class HospitalView(RecordView):
    """Hospital stays and transfusions (with the counts before and after each, linked from
    the blood counts)."""

    name = "hospital"

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.stays = self.tables["stay"]
        self.transfusions = self.tables["transfusion"]
        self.stacked()
        self.refresh_when_shown()
