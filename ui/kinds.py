"""Every kind of entry on screen, in one list (each declared beside its dialog): the order
is the Add menu's.  Every kind of ``tracker.kinds.entry_kinds()`` but the child (whose
commands are in the File menu) has one (tests/test_gui_kinds.py)."""

from __future__ import annotations

from ui.dialogs.agenda import APPOINTMENT_UI, QUESTION_UI
from ui.dialogs.cns import CNS_VISIT_UI
from ui.dialogs.count import COUNT_UI
from ui.dialogs.dose import DOSE_UI
from ui.dialogs.growth import GROWTH_UI
from ui.dialogs.medicine_plan import MEDICINE_PLAN_UI
from ui.dialogs.phase import MILESTONE_UI, PHASE_UI
from ui.dialogs.roadmap import ROADMAP_UI
from ui.dialogs.stay import STAY_UI
from ui.dialogs.symptom import SYMPTOM_UI
from ui.dialogs.temperature import FEVER_RULE_UI, TEMPERATURE_UI
from ui.dialogs.thresholds import THRESHOLD_UI
from ui.dialogs.transfusion import TRANSFUSION_UI
from ui.kind_ui import KindUi

UI_KINDS: tuple[KindUi, ...] = (
    COUNT_UI,
    PHASE_UI,
    MILESTONE_UI,
    CNS_VISIT_UI,
    APPOINTMENT_UI,
    QUESTION_UI,
    THRESHOLD_UI,
    GROWTH_UI,
    TEMPERATURE_UI,
    SYMPTOM_UI,
    FEVER_RULE_UI,
    DOSE_UI,
    MEDICINE_PLAN_UI,
    STAY_UI,
    TRANSFUSION_UI,
    ROADMAP_UI,
)


def ui_kind(key: str) -> KindUi:
    """The screen declaration of the kind called ``key`` (KeyError if it has none)."""
    for ui in UI_KINDS:
        if ui.key == key:
            return ui
    raise KeyError(f"the kind {key!r} has no declaration for the screens")  # i18n: not shown


def in_view(view: str) -> tuple[KindUi, ...]:
    """The kinds whose tables the view ``view`` shows, top first."""
    return tuple(sorted((ui for ui in UI_KINDS if ui.view == view), key=lambda ui: ui.place))


def in_add_menu() -> tuple[KindUi, ...]:
    """The kinds with a command in the Add menu, in the menu's order."""
    return tuple(ui for ui in UI_KINDS if ui.add_text is not None)
