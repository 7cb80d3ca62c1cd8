"""The Plan tab: the child's roadmap, what comes next and how sure it is, every planned
item (the planned LPs and MRD time points among them), and what moves when a phase
starts late (a preview before anything is saved; Apply is one undo step)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import labels
from tracker.i18n.formats import date_text, time_text
from tracker.kinds import Changes
from tracker.model import Appointment, CnsVisit, Milestone, Phase, Roadmap
from tracker.roadmap.child import (
    apply_moves,
    fix_date,
    how_sure,
    pending_moves,
    plan_of,
    record_real_start,
    template_of,
    with_template,
)
from tracker.roadmap.done import entered_items, entered_status
from tracker.roadmap.family import shared_template, with_family_numbers
from tracker.roadmap.plan import in_date_order
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.recorded import real_start_change
from tracker.roadmap.shift import warnings_of
from tracker.roadmap.write import write_template
from tracker.store import RecordError, ValidationFailed
from tracker.upcoming import whats_coming
from ui.bridge import RecordBridge
from ui.dialogs.plan_lengths import LengthsDialog
from ui.dialogs.plan_moves import MovePreviewDialog, PlanDayDialog, fit_columns
from ui.dialogs.roadmap import save_applied
from ui.interaction import Interaction
from ui.plain import plain_tooltip
from ui.views.lists import RecordView

NEXT_COUNT = 5


def _when(d: dt.date | None) -> str:
    return date_text(d) if d is not None else "unknown"


class PlanView(RecordView):
    name = "plan"
    _chosen_list: QTreeWidget | None = None  # the list an item was selected in last

    def __init__(
        self, bridge: RecordBridge, interaction: Interaction, parent: QWidget | None = None
    ) -> None:
        super().__init__(bridge, interaction, parent)
        self.roadmaps = self.tables["roadmap"]
        panel = QWidget(self)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        self.pending = QLabel(panel)
        self.pending.setObjectName("pending")
        self.pending.setWordWrap(True)
        self.pending.setStyleSheet("QLabel { background: #fff4e5; color: #202124; padding: 6px; }")
        self.preview_button = QPushButton(self.tr("&Preview the move…"), panel)
        self.preview_button.setObjectName("preview_move")
        self.preview_button.clicked.connect(self.preview_move)
        row = QHBoxLayout()
        row.addWidget(self.pending, 1)
        row.addWidget(self.preview_button)
        column.addLayout(row)
        title = QLabel(self.tr("<b>What's next</b>"), panel)
        column.addWidget(title)
        self.next_list = QTreeWidget(panel)
        self.next_list.setAccessibleName(self.tr("What's next"))
        self.next_list.setObjectName("whats_next")
        self.next_list.setRootIsDecorated(False)
        self.next_list.setHeaderLabels([self.tr("When"), self.tr("What"), self.tr("How sure")])
        self.next_list.setMinimumHeight(60)
        title.setBuddy(self.next_list)
        column.addWidget(self.next_list, 1)
        buttons = QHBoxLayout()
        self.started_button = QPushButton(self.tr("It really &started on…"), panel)
        self.started_button.setObjectName("really_started")
        self._started_tip = self.tr(
            "The selected item's phase really started on another day than planned"
        )
        self.started_button.clicked.connect(self.really_started)
        self.fix_button = QPushButton(self.tr("Fi&x this date…"), panel)
        self.fix_button.setObjectName("fix_date")
        self._fix_tip = self.tr(
            "The team gave a day for the selected item: it never moves after this"
        )
        self.fix_button.clicked.connect(self.fix_selected)
        self.lengths_button = QPushButton(self.tr("Phases and len&gths…"), panel)
        self.lengths_button.setObjectName("edit_lengths")
        self.lengths_button.setToolTip(
            self.tr("The phases' lengths and LP days from your protocol book; add phases")
        )
        self.lengths_button.clicked.connect(self.edit_lengths)
        self.save_template_button = QPushButton(self.tr("Save our plan as a &template…"), panel)
        self.save_template_button.setObjectName("save_template")
        self.save_template_button.clicked.connect(self.save_as_template)
        for b in (
            self.started_button,
            self.fix_button,
            self.lengths_button,
            self.save_template_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        column.addLayout(buttons)
        plan_title = QLabel(self.tr("<b>The whole plan</b> (planned LPs and MRD checks too)"))
        column.addWidget(plan_title)
        self.plan_list = QTreeWidget(panel)
        self.plan_list.setObjectName("plan_items")
        self.plan_list.setAccessibleName(self.tr("The whole plan"))
        self.plan_list.setRootIsDecorated(False)
        self.plan_list.setHeaderLabels(
            [self.tr("When"), self.tr("What"), self.tr("How sure"), self.tr("Why")]
        )
        plan_title.setBuddy(self.plan_list)
        self.plan_list.setMinimumHeight(60)
        column.addWidget(self.plan_list, 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.roadmaps)
        splitter.addWidget(panel)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([150, 1000])  # room for the empty text when there is no roadmap
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.roadmaps.table.selectionModel().currentChanged.connect(lambda *_: self._fill_plan())
        for tree in (self.next_list, self.plan_list):
            tree.itemSelectionChanged.connect(lambda tree=tree: self._list_changed(tree))
        self.refresh_when_shown()

    # ------------------------------------------------------------------ reading

    def touched(self, changes: Changes) -> bool:
        shown = ("roadmap", "phase", "cns_visit", "appointment", "milestone")
        return changes.everything or any(k in changes.kinds for k in shown)

    def on_changed(self, changes: Changes) -> None:
        if self.touched(changes):
            self.refresh()

    def refresh(self) -> None:
        self.roadmaps.fill(keep_selection=True)
        self._fill_plan()
        self._fit_roadmaps()

    def _fit_roadmaps(self) -> None:
        """The roadmaps' table no taller than its rows (a child has one or two): the room
        goes to What's next and the whole plan."""
        table = self.roadmaps.table
        rows = table.model().rowCount()
        # with rows, the splitter may take it down to them; empty, its text keeps its room
        # (a least height of 60 had cut that text in half at 960x540)
        self.roadmaps.setMinimumHeight(60 if rows else 0)
        if rows == 0:
            return  # the empty text and the table keep the room they have
        shown = min(rows, 4)
        need = (
            self.roadmaps.sizeHint().height()
            - table.sizeHint().height()
            + table.horizontalHeader().height()
            + shown * table.verticalHeader().defaultSectionSize()
            + 2 * table.frameWidth()
            + 4
        )
        total = sum(self.splitter.sizes())
        if total > need:
            self.splitter.setSizes([need, total - need])

    def roadmap(self) -> Roadmap | None:
        """The selected roadmap, or the child's latest one."""
        chosen = self.roadmaps.selected()
        if isinstance(chosen, Roadmap):
            return chosen
        items = self.roadmaps.model.items()
        return items[-1] if items else None

    def _phases(self) -> list[Phase]:
        child_id = self.bridge.child_id
        return self.bridge.phases(child_id) if child_id is not None else []

    def _fill_next(self, roadmap: Roadmap | None) -> None:
        """What's next: the roadmap's items with the appointments and the entries still to
        come (tracker.upcoming), also without a roadmap; the header's "Next" is its first."""
        child_id = self.bridge.child_id
        if child_id is None:
            return
        record = self.bridge.record
        rows = whats_coming(
            roadmap=roadmap,
            phases=self._phases(),
            visits=self.bridge.entries(CnsVisit, child_id),
            appointments=self.bridge.entries(Appointment, child_id),
            milestones=self.bridge.entries(Milestone, child_id),
            today=record.today(),
            now=record.time_now(),
            milestone_labels=labels.MILESTONE_KIND,
            n=NEXT_COUNT,
        )
        items = []
        for u in rows:
            when = _when(u.date) + (f" {time_text(u.time)}" if u.time is not None else "")
            item = QTreeWidgetItem(self.next_list, [when, u.what, u.sure])
            # the roadmap's item, for the buttons; an appointment or entry has none
            item.setData(0, Qt.ItemDataRole.UserRole, u.item_id or None)
            items.append(item)
        fit_columns(self.next_list)
        for item, u in zip(items, rows, strict=True):  # what else it is, why: as typed
            item.setToolTip(1, plain_tooltip(u.why or u.what))
            item.setToolTip(2, plain_tooltip(u.why))

    def _fill_plan(self) -> None:
        self.next_list.clear()
        self.plan_list.clear()
        roadmap = self.roadmap()
        for b in (self.lengths_button, self.save_template_button):
            b.setEnabled(roadmap is not None)
        self._update_item_buttons()  # nothing is selected in the lists filled anew
        self.pending.hide()
        self.preview_button.hide()
        self._fill_next(roadmap)
        if roadmap is None:
            return
        phases = self._phases()
        try:
            plan = plan_of(roadmap, phases)
            moves = pending_moves(roadmap, phases)
        except RoadmapError as exc:
            self.pending.setText("⚠ " + str(exc))
            self.pending.show()
            return
        today = self.bridge.record.today()
        child_id = roadmap.child_id
        entered = entered_items(
            plan, self.bridge.entries(CnsVisit, child_id), self.bridge.entries(Milestone, child_id)
        )
        stored = {i.item_id: i for i in roadmap.items}
        for it in in_date_order(plan.items):
            old = stored.get(it.id)
            why = old.moved_because if old is not None else ""
            sure = entered_status(it, entered, today) or how_sure(it, old)
            item = QTreeWidgetItem(self.plan_list, [_when(it.date), it.description, sure, why])
            item.setData(0, Qt.ItemDataRole.UserRole, it.id)
        fit_columns(self.plan_list)
        if moves:
            self.pending.setText(
                self.tr(
                    "The plan has changed since it was last applied: {n} planned items would "
                    "move (a phase really started or ended on another day, or a length changed)."
                ).format(n=len(moves))
            )
            self.pending.show()
            self.preview_button.show()

    # ------------------------------------------------------------------ moving

    def _apply(  # type: ignore[no-untyped-def]
        self,
        roadmap: Roadmap,
        applied,
        moves,
        text: str,
        warnings=None,
        *,
        changes=(),
        first=(),
        kept=(),
    ) -> bool:
        """Preview ``moves`` (with what the plan after them leaves odd, ``changes``: what
        else the step changes; ``first`` and ``kept``: rows before and after them), then
        save."""
        if warnings is None:
            try:
                warnings = warnings_of(plan_of(applied.roadmap, self._phases()))
            except RoadmapError:
                warnings = ()
        dialog = MovePreviewDialog(
            moves, text, self, warnings, changes=changes, first=first, kept=kept
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            save_applied(self.bridge, applied, text)
        except ValidationFailed as exc:
            self.interaction.error(self, text, " ".join(exc.errors.values()))
            return False
        except RecordError as exc:
            self.interaction.error(self, text, str(exc))
            return False
        return True

    def preview_move(self) -> None:
        """The items whose date differs from the plan now: preview, then Apply."""
        roadmap = self.roadmap()
        if roadmap is None:
            return
        phases = self._phases()
        moves = pending_moves(roadmap, phases)
        if not moves:
            return
        applied = apply_moves(roadmap, phases, moves)
        earliest = min((m.old for m in moves if m.old is not None), default=None)
        kept = self._kept_rows(roadmap, earliest)
        self._apply(roadmap, applied, moves, self.tr("Move the plan"), kept=kept)

    def _list_changed(self, chosen: QTreeWidget) -> None:
        """An item chosen in one list: the other list's choice is cleared, so that the
        buttons between them act on the one the family sees highlighted."""
        if chosen.selectedItems():
            self._chosen_list = chosen
            other = self.plan_list if chosen is self.next_list else self.next_list
            other.blockSignals(True)
            other.clearSelection()
            other.blockSignals(False)
        self._update_item_buttons()

    def _update_item_buttons(self) -> None:
        chosen = self._selected_item() is not None
        for button, when_chosen in (
            (self.started_button, self._started_tip),
            (self.fix_button, self._fix_tip),
        ):
            button.setEnabled(chosen)
            button.setToolTip(
                when_chosen
                if chosen
                else self.tr("Select an item in What's next or The whole plan first")
            )

    def _selected_item(self) -> str | None:
        """The plan item selected last, in What's next or in The whole plan."""
        tree = self._chosen_list
        selected = tree.selectedItems() if tree is not None else []
        if not selected:
            return None
        item_id = selected[0].data(0, Qt.ItemDataRole.UserRole)
        return str(item_id) if item_id else None

    def _selected_phase(self, roadmap: Roadmap) -> str | None:
        item_id = self._selected_item()
        return item_id.rpartition(".")[0] if item_id is not None else None

    def _kept_rows(self, roadmap: Roadmap, after: dt.date | None) -> list[list[str]]:
        """The items fixed by hand dated from ``after`` on: a shift leaves them where they
        are (the preview says so)."""
        plan = plan_of(roadmap, self._phases())
        rows = []
        for entry in roadmap.items:
            if not entry.fixed or entry.date is None or (after and entry.date < after):
                continue
            what = plan.item(entry.item_id).description if entry.item_id in plan.dates() else ""
            if what:
                day = date_text(entry.date)
                rows.append([what, day, day, self.tr("fixed by you: kept where it is")])
        return rows

    def fix_selected(self) -> None:
        """The selected item's day as the team gave it, fixed by hand: preview the item
        and what moves after it, then Apply (one undo step)."""
        roadmap = self.roadmap()
        child = self.bridge.current_child()
        item_id = self._selected_item()
        if roadmap is None or child is None or item_id is None:
            return
        item = plan_of(roadmap, self._phases()).item(item_id)
        dialog = PlanDayDialog(
            self.tr("Fix this date"),
            self.tr("&Date:"),
            self.tr("The day the team gave for {what}; it never moves after this.").format(
                what=item.description
            ),
            item.date,
            lambda day: fix_date(
                roadmap, self._phases(), item_id, day, child.birth_date, self.bridge.record.today()
            ),
            self.bridge.record.today(),
            self,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        applied = dialog.value
        day = next(i.date for i in applied.roadmap.items if i.item_id == item_id)
        first = [
            [item.description, _when(item.date), _when(day), self.tr("fixed by you")],
        ]
        text = self.tr("Fix the date of {what}").format(what=item.description)
        self._apply(roadmap, applied, applied.moves, text, applied.warnings or None, first=first)

    def really_started(self) -> None:
        """The selected item's phase really started on a day typed: preview, then Apply
        (the phase entry's real start and the moved plan, one undo step)."""
        roadmap = self.roadmap()
        child = self.bridge.current_child()
        key = self._selected_phase(roadmap) if roadmap is not None else None
        if roadmap is None or child is None or key is None:
            return
        plan = plan_of(roadmap, self._phases())
        start = plan.item(f"{key}.start")
        today = self.bridge.record.today()
        dialog = PlanDayDialog(
            self.tr("It really started on…"),
            self.tr("&Started on:"),
            self.tr("The day {name} really started.").format(name=start.phase_name),
            start.date,
            lambda day: (
                day,
                *record_real_start(roadmap, self._phases(), key, day, child.birth_date, today),
            ),
            today,
            self,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        day, shift, applied = dialog.value
        earliest = min((d for d in (day, start.date) if d is not None), default=None)
        entry = applied.phases[0]  # the phase entry with its real start
        recorded = next((p for p in self._phases() if p.uid == entry.uid), None)
        change = (
            real_start_change(recorded, day, today)
            if recorded is not None
            else self.tr("A phase entry “{name}” is made, started on {day}.").format(
                name=entry.display_name, day=date_text(day)
            )
        )
        self._apply(
            roadmap,
            applied,
            shift.moves,
            self.tr("{name} started on {day}").format(name=start.phase_name, day=date_text(day)),
            shift.warnings,
            changes=(change,),
            kept=self._kept_rows(roadmap, earliest),
        )

    def edit_lengths(self) -> None:
        """The family's lengths (the child's template copy); the moves it makes previewed."""
        roadmap = self.roadmap()
        if roadmap is None:
            return
        dialog = LengthsDialog(template_of(roadmap), roadmap.arm, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.template is None:
            return
        before = template_of(roadmap)
        edited = with_template(roadmap, with_family_numbers(before, dialog.template))
        phases = self._phases()
        try:
            moves = pending_moves(edited, phases)
            applied = apply_moves(edited, phases, moves)
        except RoadmapError as exc:
            self.interaction.error(self, self.tr("Nothing was changed"), str(exc))
            return
        text = self.tr("Edit the plan's lengths")
        if not moves:
            save_applied(self.bridge, applied, text)
            return
        self._apply(roadmap, applied, moves, text, kept=self._kept_rows(roadmap, None))

    def save_as_template(self) -> None:
        """The child's own copy of the template, to share or start another plan from."""
        roadmap = self.roadmap()
        if roadmap is None:
            return
        template = template_of(roadmap)
        name = "".join(c if c.isalnum() or c in "-_" else "-" for c in template.protocol)
        path = self.interaction.save_file(
            self,
            self.tr("Save our plan as a template"),
            Path.home() / self.tr("{name}-our-plan.json").format(name=name),
            "Roadmap (*.json)",
        )
        if path is None:
            return
        try:
            write_template(path, shared_template(template), record_path=self.bridge.record.path)
        except (RecordError, OSError) as exc:
            self.interaction.error(self, self.tr("Could not save the template"), str(exc))
            return
        self.interaction.info(
            self,
            self.tr("Template saved"),
            self.tr("Saved {file}. Nothing in the record was changed.").format(file=path.name),
        )
