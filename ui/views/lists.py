"""The list views: a table of one kind of record with Add, Edit and Delete.

Each view reads through the bridge's record and changes it only through the
bridge (one transaction, one undo step).  Enter or double-click edits, Delete
deletes (undo with Ctrl+Z), Insert adds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.kinds import Changes
from tracker.model import (
    Appointment,
    CnsVisit,
    CountResult,
    Milestone,
    Phase,
    Question,
    TeamThreshold,
)
from ui.bridge import RecordBridge
from ui.dialogs.base import FormDialog
from ui.interaction import Interaction
from ui.models.tables import (
    CnsVisitsModel,
    MilestonesModel,
    PhasesModel,
    RecordTableModel,
)


class KeyTableView(QTableView):
    """A table whose Enter, Delete and Insert act on its rows, only while it has focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key_actions: dict[Qt.Key, Callable[[], object]] = {}

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.key_actions.get(Qt.Key(event.key()))
        if action is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            action()
            event.accept()
            return
        super().keyPressEvent(event)


class RecordTable(QWidget):
    """A titled table with Add/Edit/Delete buttons.

    Signals:
        add_requested(), edit_requested(object), delete_requested(object)
    """

    add_requested = Signal()
    edit_requested = Signal(object)
    delete_requested = Signal(object)

    def __init__(
        self,
        title: str,
        model: RecordTableModel[Any],
        add_text: str,
        empty_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.title = QLabel(f"<h3>{title}</h3>", self)
        self.add_button = QPushButton(add_text, self)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.setToolTip(self.tr("Delete the selected row (Ctrl+Z undoes it)"))
        self.empty = QLabel(empty_text, self)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5f6368; padding: 12px;")
        self.table = KeyTableView(self)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)  # long notes end in "…"; the tooltip shows them whole
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Size columns from the first rows only: measuring 5,000 rows costs half a second.
        self.table.horizontalHeader().setResizeContentsPrecision(60)
        if model.columnCount() > 0:  # the last column (notes) takes what is left, not more
            self.table.horizontalHeader().setSectionResizeMode(
                model.columnCount() - 1, QHeaderView.ResizeMode.Stretch
            )
        self.table.setAccessibleName(title)
        self.table.doubleClicked.connect(lambda _index: self._edit())
        self.table.key_actions = {
            Qt.Key.Key_Return: self._edit,
            Qt.Key.Key_Enter: self._edit,
            Qt.Key.Key_Delete: self._delete,
            Qt.Key.Key_Insert: self.add_requested.emit,
        }
        self.add_button.clicked.connect(self.add_requested)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.title)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.selection_changed()
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)
        model.modelReset.connect(self.selection_changed)

    def reload(self, items: Sequence[Any]) -> None:
        """Show ``items``, keeping the selected row selected when it is still there."""
        current = self.selected()
        self.model.reload(items)
        if current is not None:
            self.select_id(getattr(current, "id", None))

    def selected(self) -> Any | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            index = self.table.currentIndex()
            if not index.isValid():
                return None
            return self.model.item(index.row())
        return self.model.item(rows[0].row())

    def select_id(self, item_id: int | None) -> None:
        row = self.model.row_of(item_id) if item_id is not None else -1
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def selection_changed(self, *_: object) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)

    def _edit(self) -> None:
        item = self.selected()
        if item is not None:
            self.edit_requested.emit(item)

    def _delete(self) -> None:
        item = self.selected()
        if item is not None:
            self.delete_requested.emit(item)


class RecordView(QWidget):
    """Base for the views: knows the bridge, the dialog opener and the clock."""

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.interaction = interaction
        self._stale = True
        bridge.changed.connect(self._changed)
        bridge.child_selected.connect(lambda _id: self._changed(None))

    # A view on a tab that is not showing is refreshed when it is next shown, not on
    # every change: start-up and saves then cost only what is on screen.

    def _changed(self, changes: Changes | None) -> None:
        if self.isHidden():
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

    def on_changed(self, changes: Changes) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def run_dialog(self, dialog: FormDialog, save: Callable[[Any], Any]) -> Any | None:
        """Open ``dialog``; its Save button saves through ``save`` and keeps it open on error."""
        dialog.submit = save
        accepted = dialog.exec() == FormDialog.DialogCode.Accepted
        return dialog.value if accepted else None


def dialog_factory() -> dict[str, Any]:
    """The dialog classes, looked up late so tests can replace them."""
    from ui.dialogs.cns import CnsVisitDialog
    from ui.dialogs.count import CountDialog
    from ui.dialogs.phase import MilestoneDialog, PhaseDialog

    return {
        "phase": PhaseDialog,
        "milestone": MilestoneDialog,
        "count": CountDialog,
        "cns": CnsVisitDialog,
    }


class PhasesView(RecordView):
    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.phases = RecordTable(
            self.tr("Treatment phases"),
            PhasesModel(self),
            self.tr("&Add phase…"),
            self.tr(
                "No phases yet. Add the phases from your team's roadmap, e.g. prophase "
                "and induction; planned phases can be added with planned dates."
            ),
            self,
        )
        self.milestones = RecordTable(
            self.tr("Milestones"),
            MilestonesModel(self),
            self.tr("Add &milestone…"),
            self.tr(
                "No milestones yet: marrow checks, MRD results, remission, risk-group changes."
            ),
            self,
        )
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.phases)
        splitter.addWidget(self.milestones)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.phases.add_requested.connect(lambda: self.edit_phase(None))
        self.phases.edit_requested.connect(self.edit_phase)
        self.phases.delete_requested.connect(lambda p: self.bridge.delete(Phase, p.id))
        self.milestones.add_requested.connect(lambda: self.edit_milestone(None))
        self.milestones.edit_requested.connect(self.edit_milestone)
        self.milestones.delete_requested.connect(lambda m: self.bridge.delete(Milestone, m.id))
        self.refresh_when_shown()

    def on_changed(self, changes: Changes) -> None:
        child_id = self.bridge.child_id
        record = self.bridge.record
        if changes.touches(Phase):
            self.phases.reload(record.entries(Phase, child_id) if child_id is not None else [])
        if changes.touches(Milestone):
            self.milestones.reload(
                record.entries(Milestone, child_id) if child_id is not None else []
            )

    def refresh(self) -> None:
        child_id = self.bridge.child_id
        record = self.bridge.record
        self.phases.model.reload(record.entries(Phase, child_id) if child_id is not None else [])
        self.milestones.model.reload(
            record.entries(Milestone, child_id) if child_id is not None else []
        )

    def edit_phase(self, phase: Any) -> None:
        child = self.bridge.current_child()
        if child is None:
            return
        dialog = dialog_factory()["phase"](phase, child, self.bridge.record.today(), self)
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.phases.select_id(saved.id)

    def edit_milestone(self, milestone: Any) -> None:
        child = self.bridge.current_child()
        if child is None:
            return
        dialog = dialog_factory()["milestone"](milestone, child, self.bridge.record.today(), self)
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.milestones.select_id(saved.id)


class CountsView(RecordView):
    """The blood counts: charts (WBC, ANC, Hb, platelets) over the table, newest first.

    Selecting a row rings its point on the charts; clicking a point selects its row.
    """

    CHARTS = ("wbc", "anc", "hgb", "plt")

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        from ui.models.counts import CountsModel
        from ui.timeline.widget import TimelineWidget

        self.model = CountsModel(self)
        self.counts = RecordTable(
            self.tr("Blood counts (newest first)"),
            self.model,
            self.tr("&Add blood count…"),
            self.tr(
                "No blood counts yet. Add one from a lab report: type each value as it "
                "is printed, with its unit."
            ),
            self,
        )
        self.counts.table.verticalHeader().setDefaultSectionSize(26)
        self.chart = TimelineWidget(self)
        self.chart.painter.style.min_chart = 48  # four charts must fit above the table
        self.chart.setAccessibleName(self.tr("Blood count charts"))
        self.chart.item_activated.connect(self._point_clicked)
        legend = QLabel(
            self.tr(
                "L / H: below / above the range used (the lab's printed range, otherwise a "
                "published infant range) · charts: shaded band or bar = the lab's range, dash-dot "
                "line = your team's number or a reference line · ↑ ↓ →: higher, lower or the "
                "same as the previous result · calc.: ANC worked out from the white count and "
                "differential · hover over a value for its details"
            ),
            self,
        )
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #5f6368;")
        self.counts.layout().addWidget(legend)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.counts)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.counts.add_requested.connect(lambda: self.edit_count(None))
        self.counts.edit_requested.connect(self.edit_count)
        self.counts.delete_requested.connect(lambda r: self.bridge.delete(CountResult, r.id))
        self.counts.table.selectionModel().currentRowChanged.connect(self._row_changed)
        bridge.display_changed.connect(lambda: self._changed(Changes(display=True)))
        self.refresh_when_shown()

    def on_changed(self, changes: Changes) -> None:
        if changes.display or changes.touches(CountResult, TeamThreshold, Phase):
            self.refresh(keep_selection=True)

    def refresh(self, keep_selection: bool = False) -> None:
        from tracker import analytes
        from tracker import timeline as layout
        from tracker.display import UnitPreference, display_unit
        from ui.timeline.painter import required_height

        child_id = self.bridge.child_id
        record = self.bridge.record
        items = self.bridge.counts(child_id) if child_id is not None else []
        preference = self.bridge.unit_preference
        assess = self._assessor()
        current = self.counts.selected() if keep_selection else None
        self.model.reload(items, assess, preference)
        if current is not None:
            self.counts.select_id(current.id)
        self.counts.selection_changed()
        empty = self.model.empty_analytes()
        for code in analytes.CODES:
            self.counts.table.setColumnHidden(self.model.analyte_column(code), code in empty)
        if child_id is None:
            return
        units = None
        if preference is not UnitPreference.AS_REPORTED:
            units = {code: display_unit(code, preference) for code in self.CHARTS}
        timeline = layout.build(
            record.entries(Phase, child_id),
            [],
            [],
            items,
            record.today(),
            display_units=units,
            team_thresholds=record.entries(TeamThreshold, child_id),
            lanes=self.CHARTS,
        )
        self.chart.set_timeline(timeline, keep_range=keep_selection)
        self.chart.setMinimumHeight(int(required_height(timeline, self.chart.painter.style)))

    def _assessor(self):  # type: ignore[no-untyped-def]
        """Flags from tracker.ranges for the current child (lab range first)."""
        from tracker.assessment import make_assessor

        child = self.bridge.current_child()
        if child is None or child.id is None:
            return None
        return make_assessor(
            child,
            self.bridge.record.entries(TeamThreshold, child.id),
            grades=self.bridge.show_grades,
        )

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

    def edit_count(self, result: Any) -> None:
        child = self.bridge.current_child()
        if child is None:
            return
        latest = self.model.items()
        units: dict[str, str] = {}
        for r in reversed(latest):  # oldest → newest so the newest unit wins
            for v in r.values:
                units[v.analyte] = v.unit
        source = latest[0].source if latest else ""
        dialog = dialog_factory()["count"](
            result,
            child,
            self.bridge.record.today(),
            self,
            default_units=units,
            default_source=source,
        )
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.counts.select_id(saved.id)


class CnsView(RecordView):
    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self._phase_names: dict[int, str] = {}
        self.model = CnsVisitsModel(lambda pid: self._phase_names.get(pid, "") if pid else "", self)
        self.visits = RecordTable(
            self.tr("CNS prophylaxis: lumbar punctures"),
            self.model,
            self.tr("&Add lumbar puncture…"),
            self.tr(
                "No lumbar punctures yet. Add each LP with the intrathecal drugs given and "
                "the spinal-fluid result when it is back."
            ),
            self,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.visits)
        self.visits.add_requested.connect(lambda: self.edit_visit(None))
        self.visits.edit_requested.connect(self.edit_visit)
        self.visits.delete_requested.connect(lambda v: self.bridge.delete(CnsVisit, v.id))
        self.refresh_when_shown()

    def on_changed(self, changes: Changes) -> None:
        if changes.touches(CnsVisit, Phase):
            self.refresh()

    def refresh(self) -> None:
        child_id = self.bridge.child_id
        record = self.bridge.record
        phases = record.entries(Phase, child_id) if child_id is not None else []
        self._phase_names = {p.id: p.display_name for p in phases if p.id is not None}
        visits = record.entries(CnsVisit, child_id) if child_id is not None else []
        self.visits.reload(sorted(visits, key=lambda v: (v.date, v.id or 0), reverse=True))

    def edit_visit(self, visit: Any) -> None:
        child = self.bridge.current_child()
        if child is None or child.id is None:
            return
        phases = self.bridge.record.entries(Phase, child.id)
        dialog = dialog_factory()["cns"](visit, child, phases, self.bridge.record.today(), self)
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.visits.select_id(saved.id)


class AgendaView(RecordView):
    """Appointments (past and planned) and the questions the family wants to ask."""

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        from ui.models.tables import AppointmentsModel, QuestionsModel

        self.appointments = RecordTable(
            self.tr("Appointments"),
            AppointmentsModel(self),
            self.tr("Add &appointment…"),
            self.tr(
                "No appointments yet. Add clinic visits, past and planned: the printed "
                "summary covers what happened since the last one."
            ),
            self,
        )
        self.questions = RecordTable(
            self.tr("Questions for the team"),
            QuestionsModel(self),
            self.tr("Add &question…"),
            self.tr(
                "No questions yet. Write them down as they come; open ones are printed "
                "on the summary you take to the appointment."
            ),
            self,
        )
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.questions)
        splitter.addWidget(self.appointments)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.appointments.add_requested.connect(lambda: self.edit_appointment(None))
        self.appointments.edit_requested.connect(self.edit_appointment)
        self.appointments.delete_requested.connect(lambda a: self.bridge.delete(Appointment, a.id))
        self.questions.add_requested.connect(lambda: self.edit_question(None))
        self.questions.edit_requested.connect(self.edit_question)
        self.questions.delete_requested.connect(lambda q: self.bridge.delete(Question, q.id))
        self.refresh_when_shown()

    def on_changed(self, changes: Changes) -> None:
        child_id = self.bridge.child_id
        record = self.bridge.record
        if changes.touches(Appointment):
            self.appointments.reload(
                list(reversed(record.entries(Appointment, child_id)))
                if child_id is not None
                else []
            )
        if changes.touches(Question):
            self.questions.reload(
                record.entries(Question, child_id) if child_id is not None else []
            )

    def refresh(self) -> None:
        from tracker.kinds import ALL_CHANGED

        self.on_changed(ALL_CHANGED)

    def edit_appointment(self, appointment: Any) -> None:
        from ui.dialogs.agenda import AppointmentDialog

        child = self.bridge.current_child()
        if child is None:
            return
        dialog = AppointmentDialog(appointment, child, self.bridge.record.today(), self)
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.appointments.select_id(saved.id)

    def edit_question(self, question: Any) -> None:
        from ui.dialogs.agenda import QuestionDialog

        child = self.bridge.current_child()
        if child is None:
            return
        dialog = QuestionDialog(question, child, self.bridge.record.today(), self)
        saved = self.run_dialog(dialog, self.bridge.save)
        if saved is not None:
            self.questions.select_id(saved.id)
