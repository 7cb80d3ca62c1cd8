"""The main window: composition only (header, views, menus, status bar)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QVBoxLayout, QWidget

from tracker.cli import GUI_VIEWS
from tracker.display import PREFERENCE_LABELS, UnitPreference
from tracker.i18n import LANGUAGES, tr, trn
from tracker.kinds import Changes, child_kinds
from tracker.model import Child
from tracker.progress import Progress
from tracker.store import Record, RecordError
from tracker.store.targets import check_write_target
from tracker.timeline import Ref
from ui import record_jobs
from ui.actions import ActionId, Actions
from ui.background import Job, Jobs, JobsIndicator
from ui.bridge import RecordBridge
from ui.dialog_focus import DialogFocus
from ui.folders import default_record_path
from ui.header import HeaderWidget
from ui.interaction import Interaction
from ui.kind_ui import edit_entry
from ui.kinds import in_add_menu, ui_kind
from ui.language import apply_language, system_language
from ui.menu_keys import OneEscape
from ui.plain import plain_label
from ui.safety import COPY_REMINDER_QUIET_DAYS, CopyReminder, PlaceNote, Safety
from ui.screen_fit import ScrollingTabs
from ui.settings import Settings
from ui.timeline.view import TimelineView
from ui.views.lists import (
    AgendaView,
    CnsView,
    CountsView,
    FeversView,
    HospitalView,
    MedicinesView,
    PhasesView,
    RecordView,
)
from ui.views.plan import PlanView
from ui.views.today import TodayView

VIEW_NAMES = GUI_VIEWS  # one list: the tabs, and the command line's --view

_Page = TypeVar("_Page", bound=QWidget)

_TAB_KINDS: dict[str, type[QWidget]] = {
    "phases": PhasesView,
    "counts": CountsView,
    "cns": CnsView,
    "agenda": AgendaView,
    "fevers": FeversView,
    "today": TodayView,
    "medicines": MedicinesView,
    "hospital": HospitalView,
    "plan": PlanView,
}
"""The tabs made when first shown (MainWindow.page), by name in VIEW_NAMES."""


class _Tab(Generic[_Page]):
    """``window.counts_view`` and the like: the tab, made on first use."""

    def __init__(self, name: str, kind: type[_Page]) -> None:
        self.name, self.kind = name, kind

    def __get__(self, window: MainWindow, _owner: object = None) -> _Page:
        page = window.page(self.name)
        assert isinstance(page, self.kind)
        return page


_OPEN_WINDOWS: set[MainWindow] = set()
"""Windows built again in another language (nothing else holds them)."""


SMALL_SCREEN = QSize(1280, 800)


def first_window_size(room: QSize) -> QSize:
    """The window's size at the very first start (after that, the size the family left it
    at): all of a small screen's room, 80% of a larger one's."""
    if first_window_maximized(room):
        return room
    return QSize(room.width() * 4 // 5, room.height() * 4 // 5)


def first_window_maximized(room: QSize) -> bool:
    """Whether the first window opens maximized: on a small screen, where all its room is
    wanted and a window of that size plus its title bar would run past the bottom edge
    (its status bar cut off at 1024x600 and at 1920x1080 / 200 %)."""
    return room.width() < SMALL_SCREEN.width() or room.height() < SMALL_SCREEN.height()


class MainWindow(QMainWindow):
    history_shown = Signal()
    """The whole history is on screen (the first picture may show only its recent part)."""
    start_finished = Signal()
    """The start's work after the first frame (daily backup, checks, history) has ended."""

    def __init__(
        self,
        bridge: RecordBridge,
        interaction: Interaction,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.interaction = interaction
        self.settings = settings
        self.demo = False  # the demo's own copy: said in the title
        self.closing = False
        self.setWindowTitle(self._title())
        self.actions_ = Actions(self)
        # Every dialog's close gives the keys back to the widget that had them.
        self._dialog_focus = DialogFocus(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._dialog_focus)
        self._refused_step = ""  # the undo or redo the record last refused
        self._printer = None  # one QPrinter, made on first use and kept for its settings
        bridge.set_unit_preference(settings.unit_preference)
        bridge.set_show_grades(settings.show_grades)

        # the notes at the top first: made first, their buttons come first in Tab order
        self.safety = Safety(bridge, interaction, self)
        self.reminder = CopyReminder(self)
        self.reminder.not_now.connect(self._copy_reminder_not_now)
        self.place_note = PlaceNote(self)
        self.place_note.move_requested.connect(self.keep_record_here)
        self.header = HeaderWidget(bridge, self)
        self.header.child_chosen.connect(bridge.select_child)
        self.views = ScrollingTabs(self)  # a page taller than a small window scrolls
        self.views.setDocumentMode(True)
        self.views.setAccessibleName(self.tr("Views"))
        self.timeline_view = TimelineView(bridge, settings, parent=self)
        self.timeline_view.edit_requested.connect(self.open_item)
        # The other tabs are made when first shown (or first asked for): the first frame
        # needs only the tab on screen.  Short names (nine tabs fit a 1024-pixel window),
        # the full ones in the tooltips.
        self._pages: dict[str, QWidget] = {"timeline": self.timeline_view}
        for name, title, full in (
            ("timeline", self.tr("Timeline"), self.tr("The timeline of the treatment")),
            ("phases", self.tr("Phases"), self.tr("Phases, milestones and growth")),
            ("counts", self.tr("Blood counts"), self.tr("Blood counts and other labs")),
            ("cns", self.tr("CNS visits"), self.tr("Lumbar punctures (CNS visits)")),
            ("agenda", self.tr("Appointments"), self.tr("Appointments and questions")),
            ("fevers", self.tr("Fevers"), self.tr("Fevers and symptoms")),
            ("today", self.tr("Today"), self.tr("Today's doses")),
            ("medicines", self.tr("Medicines"), self.tr("Medicines at home")),
            ("hospital", self.tr("Hospital"), self.tr("Hospital stays and transfusions")),
            ("plan", self.tr("Plan"), self.tr("The roadmap and what's next")),
        ):
            page = self._pages.get(name) or QWidget()  # a stand-in until it is made
            index = self.views.addTab(page, title)
            self.views.setTabToolTip(index, full)
            self.views.tabBar().setTabData(index, name)
        self.views.currentChanged.connect(self._made_when_shown)
        self.views.currentChanged.connect(self._view_changed)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.reminder)
        layout.addWidget(self.place_note)
        layout.addWidget(self.header)
        layout.addWidget(self.views, 1)
        self.setCentralWidget(central)
        self.record_label = plain_label(str(bridge.record.path), self)
        self.record_label.setToolTip(self.tr("The record file: everything stays on this computer"))
        self.statusBar().addPermanentWidget(self.record_label)
        # work off the GUI thread (a backup, a check, an export): its quiet mark
        self.jobs = Jobs(self)
        self.jobs_indicator = JobsIndicator(self.jobs, self)
        self.statusBar().addPermanentWidget(self.jobs_indicator)
        self._build_menus()
        self._connect()
        self.restore_state()

    # ------------------------------------------------------------------ menus

    def _build_menus(self) -> None:
        a = self.actions_
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action_id in (ActionId.NEW_CHILD, ActionId.EDIT_CHILD):
            file_menu.addAction(a[action_id])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.PRINT_SUMMARY])
        file_menu.addAction(a[ActionId.PRINT_CARD])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.IMPORT_CSV])
        file_menu.addAction(a[ActionId.IMPORT_FHIR])
        file_menu.addAction(a[ActionId.EXPORT_CSV])
        file_menu.addAction(a[ActionId.EXPORT_JSON])
        file_menu.addAction(a[ActionId.EXPORT_CALENDAR])
        file_menu.addAction(a[ActionId.EXPORT_FHIR])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.SAVE_COPY])
        file_menu.addAction(a[ActionId.RESTORE])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.DELETE_CHILD])
        file_menu.addSeparator()
        file_menu.addAction(a[ActionId.QUIT])
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(a[ActionId.UNDO])
        edit_menu.addAction(a[ActionId.REDO])
        edit_menu.addSeparator()
        edit_menu.addAction(a[ActionId.THRESHOLDS])
        add_menu = self.menuBar().addMenu(self.tr("&Add"))
        self.add_actions: dict[str, QAction] = {}  # by kind key, in the menu's order
        for ui in in_add_menu():
            action = QAction(tr(ui.add_text or ""), self)
            action.setObjectName(f"add_{ui.key}")
            if ui.shortcut is not None:
                action.setShortcut(QKeySequence(ui.shortcut))
            action.triggered.connect(lambda _=False, key=ui.key: self.add(key))
            add_menu.addAction(action)
            self.add_actions[ui.key] = action
        self.timeline_view.first_steps.set_steps(
            [
                *(
                    self.add_actions[k]
                    for k in ("roadmap", "phase", "count")
                    if k in self.add_actions
                ),
                a[ActionId.IMPORT_CSV],
            ]
        )
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(a[ActionId.SWITCH_CHILD])
        view_menu.addSeparator()
        for action_id in (
            ActionId.VIEW_TIMELINE,
            ActionId.VIEW_PHASES,
            ActionId.VIEW_COUNTS,
            ActionId.VIEW_CNS,
            ActionId.VIEW_AGENDA,
            ActionId.VIEW_FEVERS,
            ActionId.VIEW_TODAY,
            ActionId.VIEW_MEDICINES,
            ActionId.VIEW_HOSPITAL,
            ActionId.VIEW_PLAN,
        ):
            view_menu.addAction(a[action_id])
        view_menu.addAction(a[ActionId.GROWTH_CHART])
        view_menu.addSeparator()
        units_menu = view_menu.addMenu(self.tr("Show values &in"))
        group = QActionGroup(self)
        self.unit_actions: dict[UnitPreference, QAction] = {}
        for preference in UnitPreference:
            action = QAction(self.tr(PREFERENCE_LABELS[preference.value]), self)
            action.setCheckable(True)
            action.setChecked(preference is self.bridge.unit_preference)
            action.triggered.connect(lambda _=False, p=preference: self.set_units(p))
            group.addAction(action)
            units_menu.addAction(action)
            self.unit_actions[preference] = action
        self.grades_action = QAction(self.tr("Show CTCAE &grades (version named)"), self)
        self.grades_action.setCheckable(True)
        self.grades_action.setChecked(self.bridge.show_grades)
        self.grades_action.setToolTip(
            self.tr("Adds the CTCAE v5.0 grade of low counts to the flags' details")
        )
        self.grades_action.toggled.connect(self.set_grades)
        view_menu.addAction(self.grades_action)
        self._build_language_menu(view_menu.addMenu(self.tr("&Language")))
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(a[ActionId.CHECK])
        help_menu.addAction(a[ActionId.ABOUT])
        OneEscape(self.menuBar())

    def _build_language_menu(self, menu: QMenu) -> None:
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        system = LANGUAGES[system_language()]
        choices = [("", self.tr("As the &system ({language})").format(language=system))]
        # each named in itself, with letters of their own (English and Español share E)
        letters = {"en": "&English", "es": "Es&pañol", "fr": "&Français"}
        choices += [(code, letters.get(code, name)) for code, name in LANGUAGES.items()]
        for code, text in choices:
            action = QAction(text, self)
            action.setObjectName(f"language_{code or 'system'}")
            action.setCheckable(True)
            action.setChecked(code == self.settings.language)
            action.triggered.connect(lambda _=False, c=code: self.choose_language(c))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[code] = action

    def choose_language(self, code: str) -> MainWindow:
        """Show the program in ``code`` ("" follows the system) at once: the window is
        built again in the new language over the same record, undo history, child, view
        and size (no view holds typed text; dialogs are modal, so none is open)."""
        if code == self.settings.language:
            return self
        self.settings.language = code
        apply_language(code)
        return self.rebuilt()

    def _title(self) -> str:
        """The record's file name, and "(demo)" on the demo's copy (the program's name is
        added by Qt after it: setApplicationDisplayName)."""
        name = self.bridge.record.path.name
        return tr("{title} (demo)").format(title=name) if self.demo else name

    def show_as_demo(self) -> None:
        self.demo = True
        self.setWindowTitle(self._title())

    def rebuilt(self) -> MainWindow:
        """A new window like this one, in the current language; this one closes."""
        self.settings.set_geometry_for(self.screen_key(), self.saveGeometry())
        self.settings.window_state = self.saveState()
        new = MainWindow(self.bridge, self.interaction, self.settings)
        if self.demo:
            new.show_as_demo()  # "(demo)" in the new language
        new.views.setCurrentIndex(self.views.currentIndex())
        new.restoreGeometry(self.saveGeometry())
        _OPEN_WINDOWS.add(new)
        if self.isVisible():
            new.show()
            new.activateWindow()
        new.timeline_view.load_in_background(new.jobs)  # as at the start: off the GUI thread
        new.show_safety_notes()
        new.keys_to_current_view()
        self.close()
        _OPEN_WINDOWS.discard(self)
        self.deleteLater()
        return new

    def keys_to_current_view(self) -> None:
        """The keyboard in the tab shown (its first control), not in a note at the top."""
        page = self.views.currentWidget()
        for widget in [page, *page.findChildren(QWidget)] if page is not None else []:
            if (
                widget.isVisibleTo(self)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _connect(self) -> None:
        a = self.actions_
        stack = self.bridge.undo_stack
        a[ActionId.UNDO].triggered.connect(stack.undo)
        a[ActionId.REDO].triggered.connect(stack.redo)
        stack.canUndoChanged.connect(a[ActionId.UNDO].setEnabled)
        stack.canRedoChanged.connect(a[ActionId.REDO].setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        stack.indexChanged.connect(self._undo_index_changed)
        a[ActionId.UNDO].setEnabled(False)
        a[ActionId.REDO].setEnabled(False)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.NEW_CHILD].triggered.connect(self.add_child)
        a[ActionId.EDIT_CHILD].triggered.connect(self.edit_child)
        a[ActionId.DELETE_CHILD].triggered.connect(self.delete_child)
        a[ActionId.EXPORT_JSON].triggered.connect(self.export_json)
        a[ActionId.EXPORT_CALENDAR].triggered.connect(self.export_calendar)
        a[ActionId.EXPORT_FHIR].triggered.connect(self.export_fhir)
        a[ActionId.PRINT_SUMMARY].triggered.connect(self.print_summary)
        a[ActionId.PRINT_CARD].triggered.connect(self.print_card)
        a[ActionId.IMPORT_CSV].triggered.connect(self.import_csv)
        a[ActionId.IMPORT_FHIR].triggered.connect(self.import_fhir)
        a[ActionId.EXPORT_CSV].triggered.connect(self.export_csv)
        a[ActionId.THRESHOLDS].triggered.connect(self.edit_thresholds)
        self.timeline_view.thresholds_requested.connect(self.edit_thresholds)
        a[ActionId.SWITCH_CHILD].triggered.connect(self.header.choose_child)
        a[ActionId.VIEW_TIMELINE].triggered.connect(lambda: self.show_view("timeline"))
        a[ActionId.VIEW_PHASES].triggered.connect(lambda: self.show_view("phases"))
        a[ActionId.VIEW_COUNTS].triggered.connect(lambda: self.show_view("counts"))
        a[ActionId.VIEW_CNS].triggered.connect(lambda: self.show_view("cns"))
        a[ActionId.VIEW_AGENDA].triggered.connect(lambda: self.show_view("agenda"))
        a[ActionId.GROWTH_CHART].triggered.connect(self.show_growth_chart)
        a[ActionId.VIEW_FEVERS].triggered.connect(lambda: self.show_view("fevers"))
        a[ActionId.VIEW_TODAY].triggered.connect(lambda: self.show_view("today"))
        a[ActionId.VIEW_MEDICINES].triggered.connect(lambda: self.show_view("medicines"))
        a[ActionId.VIEW_HOSPITAL].triggered.connect(lambda: self.show_view("hospital"))
        a[ActionId.VIEW_PLAN].triggered.connect(lambda: self.show_view("plan"))
        a[ActionId.ABOUT].triggered.connect(self.about)
        a[ActionId.SAVE_COPY].triggered.connect(self.save_copy)
        a[ActionId.RESTORE].triggered.connect(self.safety.restore)
        a[ActionId.CHECK].triggered.connect(self.safety.check)
        self.reminder.save_requested.connect(self.save_copy)
        self.bridge.changed.connect(self._changed)
        self.bridge.refused.connect(self._undo_refused)
        self.bridge.child_selected.connect(self._child_selected)
        self._update_child_actions()

    def _child_selected(self, _child_id: object) -> None:
        self._update_child_actions()

    def _undo_refused(self, what: str, reason: str) -> None:
        self._refused_step = what  # said in the status bar once the stack has moved
        self.interaction.error(
            self,
            self.tr("Could not undo"),
            self.tr(
                "“{what}” could not be taken back: {reason}. The record stays as it is."
            ).format(what=what, reason=reason.rstrip(".")),
        )

    def _undo_text(self, text: str) -> None:
        action = self.actions_[ActionId.UNDO]
        action.setText(self.tr("&Undo: {what}").format(what=text) if text else self.tr("&Undo"))

    def _redo_text(self, text: str) -> None:
        action = self.actions_[ActionId.REDO]
        action.setText(self.tr("&Redo: {what}").format(what=text) if text else self.tr("&Redo"))

    def _undo_index_changed(self, index: int) -> None:
        """The status bar says what the step just made, undone or redone was (an undo on
        one tab may take back a change made on another)."""
        stack = self.bridge.undo_stack
        try:
            count = stack.count()
        except RuntimeError:  # the stack is being destroyed (it clears itself on the way)
            return
        how, self.bridge.last_move = self.bridge.last_move, ""
        if how in ("not undone", "not redone"):  # refused: the step left the stack
            text = (
                self.tr("Not undone: {what}")
                if how == "not undone"
                else self.tr("Not redone: {what}")
            )
            message = text.format(what=self._refused_step)
        elif how == "undone" and index < count:
            message = self.tr("Undone: {what}").format(what=stack.text(index))
        elif how == "redone" and index > 0:
            message = self.tr("Redone: {what}").format(what=stack.text(index - 1))
        elif index > 0 and count:
            message = self.tr("Saved: {what}. Ctrl+Z undoes it.").format(what=stack.text(index - 1))
        else:
            return
        self.statusBar().showMessage(message, 8000)

    def _changed(self, changes: Changes) -> None:
        if Child in changes:
            self._update_child_actions()

    def _update_child_actions(self) -> None:
        has_child = self.bridge.current_child() is not None
        for action_id in (
            ActionId.EDIT_CHILD,
            ActionId.DELETE_CHILD,
            ActionId.THRESHOLDS,
            ActionId.PRINT_SUMMARY,
            ActionId.PRINT_CARD,
            ActionId.EXPORT_CALENDAR,
            ActionId.EXPORT_FHIR,
            ActionId.IMPORT_CSV,
            ActionId.IMPORT_FHIR,
            ActionId.GROWTH_CHART,
        ):
            self.actions_[action_id].setEnabled(has_child)
        for action in self.add_actions.values():
            action.setEnabled(has_child)
        several = len(self.bridge.children()) > 1
        self.actions_[ActionId.SWITCH_CHILD].setEnabled(several)

    # ------------------------------------------------------------------ commands

    def set_grades(self, on: bool) -> None:
        self.settings.show_grades = on
        self.bridge.set_show_grades(on)

    def set_units(self, preference: UnitPreference) -> None:
        self.settings.unit_preference = preference
        self.unit_actions[preference].setChecked(True)
        self.bridge.set_unit_preference(preference)

    # ------------------------------------------------------------------ the tabs

    def _made_when_shown(self, index: int) -> None:
        name = self.views.tabBar().tabData(index)
        if isinstance(name, str):
            self.page(name)

    def page(self, name: str) -> QWidget:
        """The tab called ``name`` (VIEW_NAMES), made now if it was not yet."""
        made = self._pages.get(name)
        if made is not None:
            return made
        page = _TAB_KINDS[name](self.bridge, self.interaction, self)
        if isinstance(page, TodayView):
            page.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self._pages[name] = page
        self.views.set_page(VIEW_NAMES.index(name), page)
        return page

    phases_view = _Tab("phases", PhasesView)
    counts_view = _Tab("counts", CountsView)
    cns_view = _Tab("cns", CnsView)
    agenda_view = _Tab("agenda", AgendaView)
    fevers_view = _Tab("fevers", FeversView)
    today_view = _Tab("today", TodayView)
    medicines_view = _Tab("medicines", MedicinesView)
    hospital_view = _Tab("hospital", HospitalView)
    plan_view = _Tab("plan", PlanView)

    def show_view(self, name: str) -> None:
        if name in VIEW_NAMES:
            self.views.setCurrentIndex(VIEW_NAMES.index(name))
            view = self.views.currentWidget()
            if isinstance(view, RecordView):
                view.ensure_fresh()

    def show_growth_chart(self) -> None:
        """The Growth table's chart, over the view that holds the table."""
        self.show_view("phases")
        self.phases_view.show_growth_chart()

    def _view_changed(self, index: int) -> None:
        if 0 <= index < len(VIEW_NAMES):
            self.settings.last_view = VIEW_NAMES[index]
        view = self.views.widget(index)
        if isinstance(view, RecordView):
            view.ensure_fresh()

    def view_named(self, name: str) -> RecordView | None:
        """The tab called ``name`` (``KindUi.view``) when it lists entries, else None."""
        view = self.page(name) if name in VIEW_NAMES else None
        return view if isinstance(view, RecordView) else None

    def edit(self, kind_key: str, entry: Any) -> None:
        """Open the editor of ``entry`` of the kind ``kind_key`` (None: a new one) over
        whichever view is showing; the view listing the kind selects what was saved."""
        view = self.view_named(ui_kind(kind_key).view)
        if view is None:
            edit_entry(ui_kind(kind_key), self.bridge, entry, self)
        else:
            view.edit(kind_key, entry)

    def add(self, kind_key: str) -> None:
        """Add from the menu: a new entry of the kind ``kind_key``."""
        self.edit(kind_key, None)

    def open_item(self, ref: Ref) -> None:
        """Open the editor of an item chosen on the timeline (``ref.kind`` is a kind key)."""
        try:
            model = ui_kind(ref.kind).kind.model
            entry = self.bridge.record.entry(model, ref.id)
        except KeyError:
            self.statusBar().showMessage(self.tr("That item is no longer in the record."), 5000)
            return
        self.edit(ref.kind, entry)

    def add_child(self) -> None:
        from ui.dialogs.child import ChildDialog

        dialog = ChildDialog(None, self.bridge.record.today(), self)
        dialog.submit = self.bridge.save
        if dialog.exec() == ChildDialog.DialogCode.Accepted and dialog.value is not None:
            self.bridge.select_child(dialog.value.id)

    def edit_child(self) -> None:
        from ui.dialogs.child import ChildDialog

        child = self.bridge.current_child()
        if child is None:
            return
        dialog = ChildDialog(child, self.bridge.record.today(), self)
        dialog.submit = self.bridge.save
        dialog.exec()

    def edit_thresholds(self) -> None:
        from ui.dialogs.thresholds import ThresholdsDialog

        if self.bridge.current_child() is None:
            return
        ThresholdsDialog(self.bridge, self).exec()

    def delete_child(self) -> None:
        child = self.bridge.current_child()
        if child is None or child.id is None:
            return
        sure = self.interaction.confirm(
            self,
            self.tr("Delete {name}?").format(name=child.name),
            self.delete_child_text(child),
            self.tr("&Delete {name}").format(name=child.name.replace("&", "&&")),
        )
        if sure:
            self._guard(lambda: self.bridge.delete(Child, child.id), self.tr("Delete"))

    def delete_child_text(self, child: Child) -> str:
        """The question before deleting ``child``: what else goes with them, kind by kind
        (only the kinds that have entries), counted in the record."""
        assert child.id is not None
        parts = []
        for kind in child_kinds():
            n = len(self.bridge.record.entries(kind.model, child.id))
            if n:
                parts.append(f"{n} {tr(kind.singular if n == 1 else kind.plural)}")
        undo = self.tr("You can undo it with Ctrl+Z until you close the program.")
        if not parts:
            return self.tr("This deletes {name}; nothing else is recorded for them. {undo}").format(
                name=child.name, undo=undo
            )
        listed = (
            parts[0]
            if len(parts) == 1
            else self.tr("{some} and {last}").format(some=", ".join(parts[:-1]), last=parts[-1])
        )
        return self.tr(
            "This deletes {name} and everything recorded for them: {listed}. {undo}"
        ).format(name=child.name, listed=listed, undo=undo)

    def save_copy(self) -> None:
        """File ▸ Save a copy…, off the GUI thread; the reminder goes once it is saved."""
        self.safety.save_copy(on_saved=lambda _path: self.reminder.hide())

    def show_safety_notes(self) -> None:
        """After opening: a calm reminder to copy the record off the computer, and a note
        when the record sits in a cloud-sync folder or on a network share."""
        record = self.bridge.record
        quiet = self.settings.copy_reminder_quiet_until(record.path)
        if (
            self.bridge.current_child() is not None
            and self.safety.needs_reminder()
            and (quiet is None or record.today() >= quiet)
        ):
            self.reminder.show_for(self.safety.days_since_copy())
        reading_only = self.bridge.record.read_only_reason
        if reading_only:  # opened for reading only: say so now, not at the first save
            self.place_note.move_button.hide()
            self.place_note.setText("⚠ " + reading_only)
            self.place_note.show()
            return
        warning = self.safety.place_warning()
        if warning:
            self.place_note.move_button.show()
            self.place_note.setText("⚠ " + warning)
            self.place_note.show()

    def _copy_reminder_not_now(self) -> None:
        """ "Not now" quiets the reminder for this record for a week (it comes back while no
        copy has left the computer: the risk is real), not only until the next start."""
        record = self.bridge.record
        quiet = record.today() + dt.timedelta(days=COPY_REMINDER_QUIET_DAYS)
        self.settings.set_copy_reminder_quiet_until(record.path, quiet)

    def keep_record_here(self) -> None:
        if self.safety.move_to(default_record_path()):
            self.place_note.hide()
            self.record_label.setText(str(self.bridge.record.path))
            self.setWindowTitle(self._title())

    def print_summary(self) -> None:
        from ui.printing.dialog import PrintSummaryDialog

        if self.bridge.current_child() is None:
            return
        PrintSummaryDialog(self.bridge, self.interaction, self._shared_printer(), self).exec()

    def print_card(self) -> None:
        from ui.printing.card_dialog import PrintCardDialog

        if self.bridge.current_child() is None:
            return
        PrintCardDialog(self.bridge, self.interaction, self._shared_printer(), self).exec()

    def _shared_printer(self):  # type: ignore[no-untyped-def]
        if self._printer is None:
            from PySide6.QtPrintSupport import QPrinter

            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        return self._printer

    def import_csv(self) -> None:
        from ui.dialogs.import_csv import CsvImporter

        CsvImporter(self.bridge, self.interaction, self, self.jobs).run()

    def import_fhir(self) -> None:
        from ui.dialogs.import_fhir import FhirImporter

        FhirImporter(self.bridge, self.interaction, self, self.jobs).run()

    def export_csv(self) -> None:
        from tracker.io.csv_export import write_csv

        stem = self.bridge.record.path.stem
        suggested = Path.home() / self.tr("{name}-blood-counts.csv").format(name=stem)
        target = self.interaction.save_file(
            self, self.tr("Export blood counts"), suggested, self.tr("CSV files (*.csv)")
        )
        if target is None:
            return
        if target.suffix == "":
            target = target.with_suffix(".csv")

        def write(record: Record, progress: Progress) -> int:
            return write_csv(record, target, progress=progress)

        def said(rows: int) -> str:
            return trn(
                "Exported {n} value to {file}", "Exported {n} values to {file}", rows
            ).format(n=rows, file=target)

        self._export(
            "export_csv",
            self.tr("Exporting blood counts"),
            self.tr("Export"),
            target,
            (".csv",),
            write,
            said,
        )

    def export_json(self) -> None:
        from tracker.io.json_export import write_json

        stem = self.bridge.record.path.stem
        suggested = Path.home() / self.tr("{name}-export.json").format(name=stem)
        target = self.interaction.save_file(
            self, self.tr("Export the whole record"), suggested, self.tr("JSON files (*.json)")
        )
        if target is None:
            return
        if target.suffix == "":
            target = target.with_suffix(".json")

        def write(record: Record, progress: Progress) -> None:
            write_json(record, target, record.clock(), progress)

        self._export(
            "export_json",
            self.tr("Exporting the whole record"),
            self.tr("Export"),
            target,
            (".json",),
            write,
            lambda _: self.tr("Exported to {file}").format(file=target),
        )

    def export_calendar(self) -> None:
        """The child's appointments, planned LPs and phase starts as an .ics file
        (docs/calendar.md), with or without the child's name."""
        from tracker.io.ics import CALENDAR_ENDINGS, entries_of, write_calendar

        child = self.bridge.current_child()
        if child is None:
            return
        redact = self.interaction.choose(
            self,
            self.tr("Export calendar"),
            self.tr(
                "A calendar file for {name}: appointments (repeating ones with their moved and "
                "cancelled dates), planned lumbar punctures and phase starts. Exporting again "
                "later updates the same entries in a calendar that matches them. Leave the "
                "name, date of birth and hospital out (as on a redacted summary)?"
            ).format(name=child.name),
            [self.tr("&With the name"), self.tr("&Leave the name out")],
        )
        if redact is None:
            return
        stem = self.bridge.record.path.stem
        suggested = Path.home() / self.tr("{name}-calendar.ics").format(name=stem)
        target = self.interaction.save_file(
            self, self.tr("Export calendar"), suggested, self.tr("Calendar files (*.ics)")
        )
        if target is None:
            return
        if target.suffix == "":
            target = target.with_suffix(".ics")

        def write(record: Record, progress: Progress) -> int:
            return write_calendar(
                target,
                entries_of(record, child),
                record.today(),
                record.clock(),
                redact=redact == 1,
                progress=progress,
            )

        def said(n: int) -> str:
            return trn(
                "Exported {n} calendar entry to {file}",
                "Exported {n} calendar entries to {file}",
                n,
            ).format(n=n, file=target)

        self._export(
            "export_calendar",
            self.tr("Exporting the calendar"),
            self.tr("Export calendar"),
            target,
            CALENDAR_ENDINGS,
            write,
            said,
        )

    def export_fhir(self) -> None:
        """The current child's record as a FHIR R4 Bundle (docs/fhir.md)."""
        from ui.fhir_export import export_fhir

        export_fhir(
            self, self.bridge, self.interaction, lambda t: self.statusBar().showMessage(t, 8000)
        )

    def _guard(self, fn: object, title: str) -> None:
        try:
            fn()  # type: ignore[operator]
        except (RecordError, OSError) as exc:
            self.interaction.error(self, title, str(exc))

    def _export(
        self,
        key: str,
        title: str,
        error_title: str,
        target: Path,
        replaces: tuple[str, ...],
        write: Callable[[Record, Progress], Any],
        said: Callable[[Any], str],
    ) -> Job | None:
        """Write an export to ``target`` off the GUI thread: the target is checked here
        (a refusal is said at once), then ``write(reader, progress)`` runs as a job on a
        read-only view of the record of its own (``Record.reader()``); when it ends the
        status bar says ``said(result)``.  Cancel leaves no file (the file is written
        whole at the end, atomically)."""
        record = self.bridge.record
        try:
            check_write_target(target, record.path, replaces=replaces)
        except (RecordError, OSError) as exc:
            self.interaction.error(self, error_title, str(exc))
            return None

        def work(progress: Progress) -> Any:
            reader = record.reader()
            try:
                return write(reader, progress)
            finally:
                reader.close()

        return record_jobs.start(
            self,
            self.interaction,
            key,
            title,
            work,
            on_done=lambda result: record_jobs.say(self, said(result)),
            error_title=error_title,
        )

    def about(self) -> None:
        self.interaction.info(
            self,
            self.tr("About Treatment Tracker"),
            self.tr(
                "Treatment Tracker {version}\n\nA private record of a baby's leukemia "
                "treatment, kept by the family. It records and shows; it does not give "
                "medical advice: ask your treatment team.\n\nNothing leaves this computer: "
                "no account, no network.\n\nRecord file: {path}"
            ).format(version=QCoreApplication.applicationVersion(), path=self.bridge.record.path),
        )

    # ------------------------------------------------------------------ window state

    def screen_key(self) -> str:
        """The key of the screen the window is on (its size is kept per screen and scale)."""
        screen = self.screen()
        size = screen.size()
        return Settings.screen_key(
            screen.name(), size.width(), size.height(), screen.devicePixelRatio()
        )

    def restore_state(self) -> None:
        geometry = self.settings.geometry_for(self.screen_key())
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # the first window: most of the screen, centred, never past its edges
            room = self.screen().availableGeometry()
            self.resize(first_window_size(room.size()))
            self.move(room.center() - QRect(0, 0, self.width(), self.height()).center())
            if first_window_maximized(room.size()):  # the window manager fits the frame in
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        self.show_view(self.settings.last_view)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing = True  # no work is begun from here on
        self.timeline_view.stop_loading()  # the history read: dropped, not waited for
        self.jobs.cancel_all()  # today's backup, copies, exports: stopped, nothing left
        self.hide()  # gone at once, never a frozen window while work ends
        # Nothing reads or copies the record once it closes: waited for are only the
        # cancelled (until their next step) and what must end whole (Jobs.must_finish).
        self.jobs.finish_all()
        self.settings.set_geometry_for(self.screen_key(), self.saveGeometry())
        self.settings.window_state = self.saveState()
        self.settings.sync()
        super().closeEvent(event)
