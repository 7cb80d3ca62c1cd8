"""Every menu command in one registry, with standard shortcuts and menu roles (the Add
menu's commands, one for each kind of entry, are declared with the kinds: ui/kinds.py)."""

from __future__ import annotations

from enum import Enum, auto

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from tracker.i18n import N_, tr


class ActionId(Enum):
    NEW_CHILD = auto()
    EDIT_CHILD = auto()
    DELETE_CHILD = auto()
    PRINT_SUMMARY = auto()
    PRINT_CARD = auto()
    IMPORT_CSV = auto()
    IMPORT_FHIR = auto()
    EXPORT_CSV = auto()
    EXPORT_JSON = auto()
    EXPORT_CALENDAR = auto()
    EXPORT_FHIR = auto()
    SAVE_COPY = auto()
    RESTORE = auto()
    CHECK = auto()
    QUIT = auto()
    THRESHOLDS = auto()
    UNDO = auto()
    REDO = auto()
    SWITCH_CHILD = auto()
    VIEW_TIMELINE = auto()
    VIEW_PHASES = auto()
    VIEW_COUNTS = auto()
    VIEW_CNS = auto()
    VIEW_AGENDA = auto()
    GROWTH_CHART = auto()
    VIEW_FEVERS = auto()
    VIEW_TODAY = auto()
    VIEW_MEDICINES = auto()
    VIEW_HOSPITAL = auto()
    VIEW_PLAN = auto()
    ABOUT = auto()


_SPECS: dict[ActionId, tuple[str, QKeySequence | QKeySequence.StandardKey | str | None]] = {
    ActionId.NEW_CHILD: (N_("Add a &child…"), None),
    ActionId.EDIT_CHILD: (N_("Child's &details…"), "Ctrl+I"),
    ActionId.DELETE_CHILD: (N_("Dele&te this child…"), None),
    ActionId.PRINT_SUMMARY: (N_("&Print summary…"), QKeySequence.StandardKey.Print),
    ActionId.PRINT_CARD: (N_("Print &fever card…"), None),
    ActionId.IMPORT_CSV: (N_("&Import lab results (CSV)…"), "Ctrl+Shift+I"),
    ActionId.IMPORT_FHIR: (N_("Import lab results (FHIR &JSON)…"), None),
    ActionId.EXPORT_CSV: (N_("Export &blood counts (CSV)…"), None),
    ActionId.EXPORT_JSON: (N_("&Export whole record (JSON)…"), "Ctrl+E"),
    ActionId.EXPORT_CALENDAR: (N_("Export ca&lendar (.ics)…"), None),
    ActionId.EXPORT_FHIR: (N_("Export for a &hospital system (FHIR R4)…"), None),
    ActionId.SAVE_COPY: (N_("Save a c&opy of the record…"), QKeySequence.StandardKey.SaveAs),
    ActionId.RESTORE: (N_("&Restore from backup…"), None),
    ActionId.CHECK: (N_("C&heck the record"), None),
    ActionId.QUIT: (N_("&Quit"), QKeySequence.StandardKey.Quit),
    ActionId.THRESHOLDS: (N_("Team &thresholds…"), None),
    ActionId.UNDO: (N_("&Undo"), QKeySequence.StandardKey.Undo),
    ActionId.REDO: (N_("&Redo"), QKeySequence.StandardKey.Redo),
    ActionId.SWITCH_CHILD: (N_("S&witch to another child…"), None),
    ActionId.VIEW_TIMELINE: (N_("&Timeline"), "Ctrl+1"),
    ActionId.VIEW_PHASES: (N_("&Phases && milestones"), "Ctrl+2"),
    ActionId.VIEW_COUNTS: (N_("&Blood counts"), "Ctrl+3"),
    ActionId.VIEW_CNS: (N_("&CNS visits (lumbar punctures)"), "Ctrl+4"),
    ActionId.VIEW_AGENDA: (N_("&Appointments && questions"), "Ctrl+5"),
    ActionId.GROWTH_CHART: (N_("G&rowth chart…"), "Ctrl+G"),
    ActionId.VIEW_FEVERS: (N_("&Fevers && symptoms"), "Ctrl+6"),
    ActionId.VIEW_TODAY: (N_("T&oday's doses"), "Ctrl+7"),
    ActionId.VIEW_MEDICINES: (N_("&Medicines"), "Ctrl+8"),
    ActionId.VIEW_HOSPITAL: (N_("&Hospital stays && transfusions"), "Ctrl+9"),
    ActionId.VIEW_PLAN: (N_("The pla&n: roadmap and what's next"), "Ctrl+0"),
    ActionId.ABOUT: (N_("&About Treatment Tracker"), None),
}


class Actions(QObject):
    """Builds each QAction once; ``actions[ActionId.UNDO]`` is the shared instance."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._actions: dict[ActionId, QAction] = {}
        for action_id, (text, shortcut) in _SPECS.items():
            action = QAction(tr(text), parent)
            action.setObjectName(action_id.name.lower())
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            self._actions[action_id] = action
        self._actions[ActionId.QUIT].setMenuRole(QAction.MenuRole.QuitRole)
        self._actions[ActionId.ABOUT].setMenuRole(QAction.MenuRole.AboutRole)

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]
