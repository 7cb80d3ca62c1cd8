"""The Timeline view (home): toolbar with zoom presets and lane filter, over the widget."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
import sqlite3
import threading
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker import analytes
from tracker import timeline as layout
from tracker.display import chart_units
from tracker.i18n import N_, tr
from tracker.kinds import Changes
from tracker.model import (
    Appointment,
    CnsVisit,
    CountResult,
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
from tracker.progress import Cancelled, Progress
from tracker.store import Record, RecordError
from ui.background import Job, Jobs
from ui.bridge import RecordBridge
from ui.settings import Settings
from ui.timeline.first_steps import FirstSteps
from ui.timeline.range_bar import RangeBar
from ui.timeline.values_table import TimelineValuesTable
from ui.timeline.widget import TimelineWidget

RECENT_DAYS = 120  # counts, temperatures and doses shown in the first picture; the rest
# follows a moment later

LANES = (
    ("phases", N_("Phases")),
    ("milestones", N_("Milestones")),
    ("cns", N_("Lumbar punctures")),
    ("appointments", N_("Appointments")),
    ("plan", N_("Plan (LPs and MRD checks)")),
    ("growth", N_("Weight")),
    ("temperatures", N_("Temperature")),
    ("symptoms", N_("Symptoms")),
    ("stays", N_("Hospital stays")),
    ("transfusions", N_("Transfusions")),
    # the medicines and the doses given right above the counts (issue 12: "shown next to
    # the counts on the timeline"), the doses lane touching the ANC chart
    ("medicines", N_("Medicines")),
    ("doses", N_("Doses")),
    ("anc", N_("ANC (neutrophils)")),
    ("hgb", N_("Hemoglobin")),
    ("plt", N_("Platelets")),
)

# The kind of entry each of tracker.timeline.build's inputs is read from;
# a change of a kind lays out again only the lanes drawn from it (tracker.timeline.
# lane_inputs).  The other inputs are not entries: "today", "thresholds" (the menu's
# switch) and "display_units".
INPUT_MODELS: dict[str, type[Any]] = {
    "phases": Phase,
    "milestones": Milestone,
    "visits": CnsVisit,
    "counts": CountResult,
    "team_thresholds": TeamThreshold,
    "growth": Growth,
    "temperatures": Temperature,
    "fever_rules": FeverRule,
    "symptoms": Symptom,
    "medicine_plans": MedicinePlan,
    "doses": DoseLog,
    "transfusions": Transfusion,
    "stays": Stay,
    "appointments": Appointment,
    "roadmaps": Roadmap,
}
HISTORY = frozenset({"counts", "temperatures", "doses"})  # read from RECENT_DAYS first


def changed_inputs(changes: Changes) -> frozenset[str] | None:
    """The names of build()'s inputs ``changes`` touches; None: all of them."""
    if changes.everything:
        return None
    touched = frozenset(name for name, model in INPUT_MODELS.items() if changes.touches(model))
    # the units values are shown in: the charts (and transfusions) laid out again, not read
    return touched | {"display_units"} if changes.display else touched


class TimelineView(QWidget):
    """Signals:
    edit_requested(Ref): open the editor of this item.
    """

    edit_requested = Signal(object)
    thresholds_requested = Signal()
    history_loaded = Signal(bool)
    """After :meth:`load_in_background`: True once the whole history is shown (at once
    when the first picture already was the whole), False when its read stopped for good
    (the window closing)."""

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
        self.range_bar = RangeBar(self.widget, self)
        self.preset_buttons = self.range_bar.preset_buttons
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
        self.range_bar.add_widget(self.lanes_button)
        # The text alternative of the drawing: every item in a table a screen reader reads
        # (in the Lanes menu, and Alt+T while this tab shows: no room for one more button).
        self.values_action = QAction(self.tr("Values as a &table"), self)
        self.values_action.setToolTip(
            self.tr("Show every phase, mark and value as rows of a table instead of the drawing")
        )
        self.values_action.setCheckable(True)
        self.values_action.setShortcut(QKeySequence("Alt+T"))
        # the whole window while this tab shows (after Ctrl+1 the keys are on the tab bar)
        self.values_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.values_action.toggled.connect(self._show_values)
        self.addAction(self.values_action)
        menu.insertAction(menu.actions()[0], self.values_action)
        menu.insertSeparator(menu.actions()[1])
        self.range_label = self.range_bar.range_label
        outer = QVBoxLayout(self)
        outer.addWidget(self.range_bar)
        # The lanes need more height than a small window has (1024×600 with every lane
        # shown): they scroll, each at its least height, instead of squeezing the charts away.
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.widget)
        self.scroll.setAccessibleName(self.tr("Timeline lanes (the arrow keys scroll them)"))
        self.widget.item_focused.connect(
            lambda r: self.scroll.ensureVisible(int(r.center().x()), int(r.center().y()), 0, 40)
        )
        self.first_steps = FirstSteps(self)  # a new, empty record: what to do first
        outer.addWidget(self.first_steps)
        outer.addWidget(self.scroll, 1)
        self.values = TimelineValuesTable(self)
        self.values.item_activated.connect(self.edit_requested)
        self.values.hide()
        outer.addWidget(self.values, 1)
        bridge.changed.connect(self.on_changed)
        # View ▸ Show values in: the charts' axes in the units the lists show
        bridge.display_changed.connect(self._display_changed)
        bridge.child_selected.connect(self._child_selected)
        self._history_pending = False  # the history inputs hold only the recent months
        self._partial: set[str] = set()  # the history inputs read only from a date on
        self._jobs: Jobs | None = None  # where the history is read (load_in_background)
        self._loading: Job | None = None  # the history being read and laid out
        self._loading_stop = threading.Event()  # set: that read stops at its next step
        self._told = False  # history_loaded sent (since load_in_background was asked)
        # The whole history being put on screen a few lanes at a time (_hand_over): the
        # timeline, the steps left and the lanes already shown whole.
        self._handing: tuple[layout.Timeline, list[list[str]], set[str]] | None = None
        # Raised by every lay-out: a history read begun before it is out of date.
        self._generation = 0
        self._stale = False  # changed while hidden: refreshed when next shown
        self._stale_inputs: frozenset[str] | None = frozenset()  # what changed (None: all)
        self._inputs: dict[str, Any] = {}  # what the timeline shown was laid out from
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
        self.refresh(changed=())  # a lane shown again is laid out; the others are kept

    def _thresholds_toggled(self, on: bool) -> None:
        self._settings.timeline_thresholds = on
        self.refresh(changed={"thresholds"})

    # ------------------------------------------------------------------ data

    def _child_selected(self, _child_id: int) -> None:
        self.refresh(keep_range=False)

    def _display_changed(self) -> None:
        self.on_changed(Changes(display=True))

    def on_changed(self, changes: Changes) -> None:
        if not changes.any:
            return
        changed = changed_inputs(changes)
        if changed is not None and not changed:
            return  # a kind no lane is drawn from (an appointment)
        if self.isHidden():  # on another tab (a dose ticked on Today): laid out when shown
            self._stale = True
            stale = self._stale_inputs
            self._stale_inputs = None if stale is None or changed is None else stale | changed
            return
        self.refresh(changed=changed)

    def refresh(
        self,
        keep_range: bool = True,
        recent_first: bool = False,
        changed: Collection[str] | None = None,
    ) -> None:
        """Lay the child's record out again.  With ``recent_first`` the first picture uses
        only the last months of blood counts, temperatures and doses (what the opening
        3-month view shows), and the whole history follows as soon as the window is up: a
        long record opens fast.  ``changed``: the names of the inputs that changed since
        the timeline shown (tracker.timeline.build), read again with only the lanes drawn
        from them; None: everything."""
        self._finish_hand_over()  # what follows is laid out over the whole history
        self._stale = False
        self._stale_inputs = frozenset()
        record = self.bridge.record
        child_id = self.bridge.child_id
        if child_id is None:  # no child (the last one was deleted): nothing to draw
            self._generation += 1
            self._history_pending = False
            self.stop_loading()
            self._inputs = {}
            empty = layout.build([], [], [], [], record.today(), lanes=self.shown_lanes())
            self.widget.set_timeline(empty, keep_range=False)
            self.first_steps.hide()
            self._fill_values()
            return
        self._generation += 1  # a history read begun before this is out of date
        if recent_first or not self._inputs:
            changed = None
        # Everything again (an import, a restore, another child) while the history is read
        # off the GUI thread: the recent months now, the whole history by a job, as at start
        # (read whole here it stood the window still for seconds on a long record).
        again = (
            changed is None and not recent_first and self._jobs is not None and bool(self._inputs)
        )
        if changed is not None and self._jobs is not None and HISTORY.intersection(changed):
            # A change of the history (a count saved, or undone): what is on screen is laid
            # out now, the whole history again by a job (a long record took seconds on the
            # GUI thread).  Ends as the first picture's history does (_history_read).
            self._history_pending = True
        if recent_first or again:
            self._history_pending = True
            if self._jobs is None:  # else load_in_background was asked for: it reads
                self._history_timer.start()
        elif changed is None:
            self._history_pending = False  # everything is read whole below
            self.stop_loading()
        # While the whole history is still to come (being read off the GUI thread), a
        # change reads the history inputs it touches from the recent months only: the
        # read under way is done again with it, so nothing is lost or shown stale.
        since = self._since() if self._history_pending else None
        for name in INPUT_MODELS if changed is None else set(changed) & set(INPUT_MODELS):
            self._inputs[name] = self._read(name, child_id, since)
            if since is not None and name in HISTORY:
                self._partial.add(name)
            else:
                self._partial.discard(name)
        timeline = layout.build(
            **self._build_arguments(self._inputs),
            previous=self.widget.timeline if changed is not None else None,
            changed=changed,
        )
        self._show_timeline(timeline, keep_range)
        if self._loading is not None:
            self.stop_loading()  # out of date: read again once it has stopped
        elif self._history_pending and self._jobs is not None and not recent_first:
            self._start_loading()  # the whole history again, with the change

    def _since(self) -> dt.date:
        """The first day the history inputs are read from while the whole is to come: the
        recent months, and every day on screen (a change shows no less than before it)."""
        since = self.bridge.record.today() - dt.timedelta(days=RECENT_DAYS)
        if self.widget.timeline is not None:
            with contextlib.suppress(ValueError, OverflowError):
                since = min(since, layout.date_of(max(1.0, self.widget.visible_range()[0])))
        return since

    def _build_arguments(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """tracker.timeline.build's arguments from ``inputs`` and the view's choices."""
        thresholds = (
            None if self.threshold_action.isChecked() else dict.fromkeys(layout.CHART_ANALYTES)
        )
        return dict(
            phases=inputs["phases"],
            milestones=inputs["milestones"],
            visits=inputs["visits"],
            counts=inputs["counts"],
            today=self.bridge.record.today(),
            thresholds=thresholds,
            team_thresholds=inputs["team_thresholds"],
            lanes=self.shown_lanes(),
            growth=inputs["growth"],
            temperatures=inputs["temperatures"],
            fever_rules=inputs["fever_rules"],
            symptoms=inputs["symptoms"],
            medicine_plans=inputs["medicine_plans"],
            doses=inputs["doses"],
            transfusions=inputs["transfusions"],
            stays=inputs["stays"],
            appointments=inputs["appointments"],
            roadmaps=inputs["roadmaps"],
            display_units=chart_units(analytes.CODES, self.bridge.unit_preference),
        )

    def _show_timeline(self, timeline: layout.Timeline, keep_range: bool) -> None:
        legend = layout.threshold_legend(timeline)
        if legend:  # what each line drawn marks, in its unit, with its source
            self.threshold_action.setToolTip(legend)
        self.widget.set_timeline(timeline, keep_range=keep_range)
        self._fill_values()
        self._show_first_steps()

    def _show_values(self, on: bool) -> None:
        """The table instead of the drawing (or back), the keys in what is shown."""
        self.scroll.setVisible(not on)
        self.values.setVisible(on)
        self._fill_values()
        (self.values if on else self.widget).setFocus(Qt.FocusReason.OtherFocusReason)

    def _fill_values(self) -> None:
        if self.values.isVisibleTo(self):
            self.values.set_timeline(self.widget.timeline)

    def _show_first_steps(self) -> None:
        """The first steps while the child's record holds nothing the timeline draws (not
        while only the last months are read: the history may hold something)."""
        nothing = self.bridge.child_id is not None and not any(self._inputs.values())
        self.first_steps.setVisible(nothing and not self._history_pending)

    def _read(self, name: str, child_id: int, since: dt.date | None) -> Sequence[Any]:
        """One of build()'s inputs from the record; the history ones from ``since`` on."""
        record = self.bridge.record
        if name == "counts":
            if since is None:
                return self.bridge.counts(child_id)
            kept = self.bridge.kept(CountResult, child_id)  # no read: its last part
            if kept is None:
                return record.counts(child_id, since=since)
            return kept[bisect.bisect_left(kept, since, key=lambda c: c.taken_date) :]
        if name == "temperatures" and since is not None:
            return record.entries_since(Temperature, child_id, "date", since)
        if name == "doses" and since is not None:
            return record.entries_since(DoseLog, child_id, "due_date", since)
        return self.bridge.entries(INPUT_MODELS[name], child_id)  # shared with the header

    def _load_history(self) -> None:
        """The whole history on the GUI thread, once the view shows (a hidden view waits
        until shown): a view no one asked to :meth:`load_in_background`."""
        if self._history_pending and self._jobs is None and self.isVisible():
            self._history_pending = False
            self.refresh(keep_range=True, changed=HISTORY)
            self._tell(True)

    # ------------------------------------------------------------------ the history

    def _tell(self, shown: bool) -> None:
        """``history_loaded`` once per :meth:`load_in_background` (the history laid out again
        after a change is not news to the window's start)."""
        if not self._told:
            self._told = True
            self.history_loaded.emit(shown)

    def load_in_background(self, jobs: Jobs) -> None:
        """Read and lay out the whole history off the GUI thread (a job of ``jobs``, on a
        read-only connection of its own), then show it in place of the recent months:
        ``history_loaded`` once it shows.  A change saved meanwhile is shown at once (from
        the recent months) and the history is read again with it: what arrives is never
        older than what is on screen.  At once when there is nothing more to read."""
        self._jobs = jobs
        self._told = False
        self._history_timer.stop()
        if not self._history_pending:
            self._tell(True)
            return
        if self._loading is None:
            self._start_loading()

    def _start_loading(self) -> None:
        assert self._jobs is not None and self.bridge.child_id is not None
        record, child_id = self.bridge.record, self.bridge.child_id
        generation = self._written()
        # the inputs the history is laid out with: the ones on screen (frozen entries, read
        # again by no one), so the result is this picture with the whole history in it
        inputs = dict(self._inputs)
        arguments = self._build_arguments(inputs)
        previous = self.widget.timeline
        # what is already whole here is not read again: the history inputs not read from a
        # date on, and the counts the bridge keeps (a save after the history arrived)
        whole: dict[str, list[Any]] = {
            name: list(inputs[name]) for name in HISTORY - self._partial if name in inputs
        }
        if "counts" in self._partial:
            kept = self.bridge.kept(CountResult, child_id)
            if kept is not None:
                whole["counts"] = kept

        # Stopped by the view (out of date, the window closing), not by the family: the job
        # has no Cancel button, there is nothing the family would gain by stopping it.
        stop = threading.Event()
        self._loading_stop = stop

        def work(job_progress: Progress) -> tuple[object, dict[str, Any], layout.Timeline]:
            """On the job's thread: the history read and laid out, nothing else touched."""

            def progress(done: int, total: int) -> None:
                if stop.is_set():
                    raise Cancelled
                job_progress(done, total)

            progress(0, len(HISTORY) + 1)
            with _kept_objects():
                reader = record.reader()
                try:
                    history = {}
                    for done, name in enumerate(sorted(HISTORY), 1):
                        history[name] = whole.get(name) or _read_whole(reader, name, child_id)
                        progress(done, len(HISTORY) + 1)
                finally:
                    reader.close()
                arguments.update(history)
                timeline = layout.build(**arguments, previous=previous, changed=HISTORY)
            return generation, history, timeline

        self._loading = self._jobs.start(
            tr("Reading the whole history"),
            work,
            on_done=self._history_read,
            on_error=self._history_failed,
            on_cancelled=self._history_stopped,
            pause_collector=True,
        )

    def _written(self) -> tuple[int, int, int | None]:
        """What the view showed and the record held when a history read began: the same
        again when it ends, or the read is out of date."""
        try:
            rows = int(self.bridge.record.connection.total_changes)
        except Exception:  # closed: nothing read can be trusted
            rows = -1
        return self._generation, rows, self.bridge.child_id

    def _history_read(self, result: tuple[object, dict[str, Any], layout.Timeline]) -> None:
        self._loading = None
        generation, history, timeline = result
        if self._closed():
            self._tell(False)
            return
        if not self._history_pending:  # everything was read whole meanwhile
            self._tell(True)
            return
        if generation != self._written() or generation[1] < 0:
            self._start_loading()  # a change came in meanwhile: read again with it
            return
        self._inputs.update(history)
        self._partial.clear()
        self._history_pending = False
        self._generation += 1
        self.bridge.keep(CountResult, self.bridge.child_id, history["counts"], generation[1])
        self._hand_over(timeline)

    def _hand_over(self, whole: layout.Timeline) -> None:
        """Show ``whole`` (the timeline with the whole history) a few lanes at a time, one
        step per turn of the event loop: drawing a chart's whole series the first time is
        the dearest part of a repaint (tens of ms on a long record each), so the window
        answers between them.  Until the last step the other lanes show the recent months,
        the same in the range on screen."""
        shown = self.widget.timeline
        new = [
            lane.key
            for lane in whole.lanes
            if shown is None
            or (inputs := layout.lane_inputs(lane.key)) is None
            or HISTORY.intersection(inputs)
        ]
        steps = [[key for key in new if key not in analytes.BY_CODE]]
        steps += [[key] for key in new if key in analytes.BY_CODE]
        self._handing = (whole, [step for step in steps if step], set())
        self._hand_over_step()

    def _hand_over_step(self) -> None:
        if self._handing is None:
            return
        whole, steps, given = self._handing
        shown = self.widget.timeline
        if self._closed():
            self._handing = None
            self._tell(False)
            return
        if len(steps) <= 1 or shown is None:
            self._finish_hand_over()
            return
        given = given | set(steps[0])
        self._handing = (whole, steps[1:], given)
        now = {lane.key: lane for lane in shown.lanes}
        lanes = [lane if lane.key in given else now.get(lane.key, lane) for lane in whole.lanes]
        partial = layout.Timeline(lanes, whole.first, whole.last, whole.today, whole.phases)
        self._show_timeline(partial, keep_range=True)
        self.widget.repaint()  # now, not with the next step's
        QTimer.singleShot(0, self, self._hand_over_step)

    def _finish_hand_over(self) -> None:
        """The whole history on screen (at once when a change needs it now)."""
        if self._handing is None:
            return
        whole = self._handing[0]
        self._handing = None
        self._show_timeline(whole, keep_range=True)
        self._tell(True)

    def _history_stopped(self) -> None:
        """Cancelled: out of date (read again), or the window is closing (nothing)."""
        self._loading = None
        if self._closed():
            self._tell(False)
            return
        if self._history_pending:
            self._start_loading()
        else:
            self._tell(True)

    def _history_failed(self, exc: BaseException) -> None:
        """The read failed (the file went away, a lock held too long): the history is read
        on the GUI thread instead, as without a job; a fault of the program's is raised."""
        self._loading = None
        if self._closed():
            self._tell(False)
            return
        if not isinstance(exc, (RecordError, OSError, sqlite3.Error)):
            raise exc
        self._jobs = None
        self._history_timer.start()

    def stop_loading(self) -> None:
        """Stop the history read under way at its next step (the window closing)."""
        self._loading_stop.set()

    def _closed(self) -> bool:
        window = self.window()
        return bool(getattr(window, "closing", False))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh(changed=self._stale_inputs)
        if self._history_pending and self._jobs is None:
            self._history_timer.start()


@contextlib.contextmanager
def _kept_objects() -> Iterator[None]:
    """Around making objects that are kept (years of entries and their lay-out): then
    everything alive is moved out of the cycle collector's sight (``gc.freeze``).  The
    collector itself is paused meanwhile by the job (``pause_collector``, ui.background):
    each of its full passes walks every object with the GIL held, so the GUI thread stood
    still 0.1–0.5 s at a time while a long history was read, and again after; what is
    frozen is still freed when no longer referred to (only cycles among it are not)."""
    try:
        yield
    finally:
        gc.freeze()


def _read_whole(record: Record, name: str, child_id: int) -> list[Any]:
    """One of the history inputs, the whole of it (on any thread, from ``record``)."""
    if name == "counts":
        return record.counts(child_id)
    return record.entries(INPUT_MODELS[name], child_id)
