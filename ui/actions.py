"""Every menu command in one registry, with standard shortcuts and menu roles (the Add
menu's commands, one for each kind of entry, are declared with the kinds: ui/kinds.py)."""

from __future__ import annotations

from enum import Enum, auto

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence


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


def _tr(text: str) -> str:
    return QCoreApplication.translate("Actions", text)


_SPECS: dict[ActionId, tuple[str, QKeySequence | QKeySequence.StandardKey | str | None]] = {
    ActionId.NEW_CHILD: ("Add a &child…", None),
    ActionId.EDIT_CHILD: ("Child's &details…", "Ctrl+I"),
    ActionId.DELETE_CHILD: ("Delete this child…", None),
    ActionId.PRINT_SUMMARY: ("&Print summary…", QKeySequence.StandardKey.Print),
    ActionId.PRINT_CARD: ("Print &fever card…", None),
    ActionId.IMPORT_CSV: ("&Import lab results (CSV)…", "Ctrl+Shift+I"),
    ActionId.IMPORT_FHIR: ("Import lab results (FHIR &JSON)…", None),
    ActionId.EXPORT_CSV: ("Export blood counts (&CSV)…", None),
    ActionId.EXPORT_JSON: ("&Export whole record (JSON)…", "Ctrl+E"),
    ActionId.EXPORT_CALENDAR: ("Export ca&lendar (.ics)…", None),
    ActionId.EXPORT_FHIR: ("Export for a &hospital system (FHIR R4)…", None),
    ActionId.SAVE_COPY: ("Save a &copy of the record…", QKeySequence.StandardKey.SaveAs),
    ActionId.RESTORE: ("&Restore from backup…", None),
    ActionId.CHECK: ("C&heck the record", None),
    ActionId.QUIT: ("&Quit", QKeySequence.StandardKey.Quit),
    ActionId.THRESHOLDS: ("Team &thresholds…", None),
    ActionId.UNDO: ("&Undo", QKeySequence.StandardKey.Undo),
    ActionId.REDO: ("&Redo", QKeySequence.StandardKey.Redo),
    ActionId.SWITCH_CHILD: ("S&witch to another child…", None),
    ActionId.VIEW_TIMELINE: ("&Timeline", "Ctrl+1"),
    ActionId.VIEW_PHASES: ("&Phases && milestones", "Ctrl+2"),
    ActionId.VIEW_COUNTS: ("&Blood counts", "Ctrl+3"),
    ActionId.VIEW_CNS: ("&CNS visits (lumbar punctures)", "Ctrl+4"),
    ActionId.VIEW_AGENDA: ("&Appointments && questions", "Ctrl+5"),
    ActionId.GROWTH_CHART: ("G&rowth chart…", "Ctrl+G"),
    ActionId.VIEW_FEVERS: ("&Fevers && symptoms", "Ctrl+6"),
    ActionId.VIEW_TODAY: ("T&oday's doses", "Ctrl+7"),
    ActionId.VIEW_MEDICINES: ("&Medicines", "Ctrl+8"),
    ActionId.VIEW_HOSPITAL: ("&Hospital stays && transfusions", "Ctrl+9"),
    ActionId.VIEW_PLAN: ("The &plan: roadmap and what's next", "Ctrl+0"),
    ActionId.ABOUT: ("&About Treatment Tracker", None),
}


class Actions(QObject):
    """Builds each QAction once; ``actions[ActionId.UNDO]`` is the shared instance."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._actions: dict[ActionId, QAction] = {}
        for action_id, (text, shortcut) in _SPECS.items():
            action = QAction(_tr(text), parent)
            action.setObjectName(action_id.name.lower())
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            self._actions[action_id] = action
        self._actions[ActionId.QUIT].setMenuRole(QAction.MenuRole.QuitRole)
        self._actions[ActionId.ABOUT].setMenuRole(QAction.MenuRole.AboutRole)

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]
