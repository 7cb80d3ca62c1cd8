"""The Timeline view (home): toolbar with zoom presets and lane filter, over the widget."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker import timeline as layout
from tracker.kinds import Changes
from tracker.model import (
    CnsVisit,
    DoseLog,
    FeverRule,
    Growth,
    MedicinePlan,
    Milestone,
    Phase,
    Roadmap,
    Stay,
    Symptom,
    TeamThreshold,
    Temperature,
    Transfusion,
)
from ui.bridge import RecordBridge
from ui.settings import Settings
from ui.timeline.widget import TimelineWidget

RECENT_DAYS = 120  # counts, temperatures and doses shown in the first picture; the rest
# follows a moment later

LANES = (
    ("phases", "Phases"),
    ("milestones", "Milestones"),
    ("cns", "Lumbar punctures"),
    ("plan", "Plan (LPs and MRD checks)"),
    ("growth", "Weight"),
    ("temperatures", "Temperature"),
    ("symptoms", "Symptoms"),
    ("medicines", "Medicines"),
    ("doses", "Doses"),
    ("stays", "Hospital stays"),
    ("transfusions", "Transfusions"),
    ("anc", "ANC (neutrophils)"),
    ("hgb", "Hemoglobin"),
    ("plt", "Platelets"),
)


class TimelineView(QWidget):
    """Signals:
    edit_requested(Ref): open the editor of this item.
    """

    edit_requested = Signal(object)
    thresholds_requested = Signal()

    def __init__(
        self,
        bridge: RecordBridge,
        settings: Settings | QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        if isinstance(settings, Settings):
            self._settings = settings
        else:
            self._settings = Settings(settings)
        self.widget = TimelineWidget(self)
        self.widget.item_activated.connect(self.edit_requested)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), self))
        self.preset_buttons: dict[str, QToolButton] = {}
        for key, text, tip in (
            ("2w", self.tr("2 weeks"), self.tr("The last ten days and the next four")),
            ("3m", self.tr("3 months"), self.tr("The last three months")),
            ("treatment", self.tr("Whole treatment"), self.tr("From the first phase to the last")),
            ("all", self.tr("Fit all"), self.tr("Everything recorded")),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=key: self.widget.apply_preset(k))
            bar.addWidget(button)
            self.preset_buttons[key] = button
        zoom_in = QToolButton(self)
        zoom_in.setText("+")
        zoom_in.setToolTip(self.tr("Zoom in (+, or Ctrl+wheel)"))
        zoom_in.setAccessibleName(self.tr("Zoom in"))
        zoom_in.clicked.connect(lambda: self.widget.zoom(1.5))
        zoom_out = QToolButton(self)
        zoom_out.setText("−")
        zoom_out.setToolTip(self.tr("Zoom out (−, or Ctrl+wheel)"))
        zoom_out.setAccessibleName(self.tr("Zoom out"))
        zoom_out.clicked.connect(lambda: self.widget.zoom(1 / 1.5))
        bar.addSpacing(12)
        bar.addWidget(zoom_in)
        bar.addWidget(zoom_out)
        bar.addStretch(1)
        self.lanes_button = QToolButton(self)
        self.lanes_button.setText(self.tr("Lanes"))
        self.lanes_button.setToolTip(self.tr("Choose what the timeline shows"))
        self.lanes_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.lanes_button)
        self.lane_actions: dict[str, QAction] = {}
        hidden = set(self._hidden_lanes())
        for key, text in LANES:
            action = QAction(self.tr(text), menu)
            action.setCheckable(True)
            action.setChecked(key not in hidden)
            action.toggled.connect(self._lanes_changed)
            menu.addAction(action)
            self.lane_actions[key] = action
        menu.addSeparator()
        self.threshold_action = QAction(self.tr("Team threshold lines"), menu)
        self.threshold_action.setCheckable(True)
        self.threshold_action.setChecked(self._settings.timeline_thresholds)
        self.threshold_action.setToolTip(
            self.tr("Your team's numbers, and reference lines (with their source) where none.")
        )
        self.threshold_action.toggled.connect(self._thresholds_toggled)
        menu.addAction(self.threshold_action)
        set_numbers = QAction(self.tr("Your team's numbers…"), menu)
        set_numbers.triggered.connect(self.thresholds_requested)
        menu.addAction(set_numbers)
        self.lanes_button.setMenu(menu)
        bar.addWidget(self.lanes_button)
        self.range_label = QLabel(self)
        bar.addWidget(self.range_label)
        self.widget.range_changed.connect(self._show_range)
        outer = QVBoxLayout(self)
        outer.addLayout(bar)
        # The lanes need more height than a small window has (1024×600 with every lane
        # shown): they scroll, each at its least height, instead of squeezing the charts away.
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.widget)
        self.widget.item_focused.connect(
            lambda r: self.scroll.ensureVisible(int(r.center().x()), int(r.center().y()), 0, 40)
        )
        outer.addWidget(self.scroll, 1)
        bridge.changed.connect(self.on_changed)
        bridge.child_selected.connect(lambda _id: self.refresh(keep_range=False))
        self._history_pending = False
        self._stale = False  # changed while hidden: refreshed when next shown
        self._history_timer = QTimer(self)
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(250)
        self._history_timer.timeout.connect(self._load_history)
        self.refresh(keep_range=False, recent_first=True)

    # ------------------------------------------------------------------ settings

    def _hidden_lanes(self) -> list[str]:
        return self._settings.timeline_hidden_lanes

    def shown_lanes(self) -> list[str]:
        return [key for key, _ in LANES if self.lane_actions[key].isChecked()]

    def _lanes_changed(self) -> None:
        hidden = [key for key, _ in LANES if not self.lane_actions[key].isChecked()]
        self._settings.timeline_hidden_lanes = hidden
        self.refresh()

    def _thresholds_toggled(self, on: bool) -> None:
        self._settings.timeline_thresholds = on
        self.refresh()

    # ------------------------------------------------------------------ data

    def on_changed(self, changes: Changes) -> None:
        if not changes.any:
            return
        if self.isHidden():  # on another tab (a dose ticked on Today): laid out when shown
            self._stale = True
            return
        self.refresh()

    def refresh(self, keep_range: bool = True, recent_first: bool = False) -> None:
        """Lay the child's record out again.  With ``recent_first`` the first picture uses
        only the last months of blood counts, temperatures and doses (what the opening
        3-month view shows), and the whole history follows as soon as the window is up: a
        long record opens fast."""
        self._stale = False
        record = self.bridge.record
        child_id = self.bridge.child_id
        if child_id is None:  # no child (the last one was deleted): nothing to draw
            empty = layout.build([], [], [], [], record.today(), lanes=self.shown_lanes())
            self.widget.set_timeline(empty, keep_range=False)
            return
        if recent_first:
            since = record.today() - dt.timedelta(days=RECENT_DAYS)
            counts = record.counts(child_id, since=since)
            temperatures = record.entries_since(Temperature, child_id, "date", since)
            doses = record.entries_since(DoseLog, child_id, "due_date", since)
            self._history_pending = True
            self._history_timer.start()
        else:
            self._history_pending = False
            counts = self.bridge.counts(child_id)
            temperatures = record.entries(Temperature, child_id)
            doses = record.entries(DoseLog, child_id)
        thresholds = (
            None if self.threshold_action.isChecked() else dict.fromkeys(layout.CHART_ANALYTES)
        )
        timeline = layout.build(
            record.entries(Phase, child_id),
            record.entries(Milestone, child_id),
            record.entries(CnsVisit, child_id),
            counts,
            record.today(),
            thresholds=thresholds,
            team_thresholds=record.entries(TeamThreshold, child_id),
            lanes=self.shown_lanes(),
            growth=record.entries(Growth, child_id),
            temperatures=temperatures,
            fever_rules=record.entries(FeverRule, child_id),
            symptoms=record.entries(Symptom, child_id),
            medicine_plans=record.entries(MedicinePlan, child_id),
            doses=doses,
            transfusions=record.entries(Transfusion, child_id),
            stays=record.entries(Stay, child_id),
            roadmaps=record.entries(Roadmap, child_id),
        )
        legend = layout.threshold_legend(timeline)
        if legend:  # what each line drawn marks, in its unit, with its source
            self.threshold_action.setToolTip(legend)
        self.widget.set_timeline(timeline, keep_range=keep_range)

    def _load_history(self) -> None:
        """The whole history, once the window shows (a hidden view waits until shown)."""
        if self._history_pending and self.isVisible():
            self.refresh(keep_range=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
        if self._history_pending:
            self._history_timer.start()

    def _show_range(self, x0: float, x1: float) -> None:
        start, end = layout.date_of(x0), layout.date_of(x1)
        self.range_label.setText(f"{start.isoformat()} – {end.isoformat()}")
