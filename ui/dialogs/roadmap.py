"""Roadmaps on screen: apply a template to the child, preview what a late start moves,
fill in the plan's lengths, and the roadmap's table (the plan itself is ui/views/plan.py).

Applying a template saves the roadmap and the planned phases it creates together: one
transaction, one undo step (RecordBridge.save_together)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from tracker.dates import parse_date
from tracker.forms import FormErrors, form_window
from tracker.i18n import N_, tr
from tracker.model import Child, Phase, Roadmap
from tracker.roadmap.arm import ArmChange, change_arm, child_in_arm, risk_change_milestone
from tracker.roadmap.child import (
    Applied,
    apply_moves,
    apply_template,
    how_sure,
    is_planned_from,
    pending_moves,
    plan_of,
    planned_from,
    template_of,
)
from tracker.roadmap.plan import in_date_order
from tracker.roadmap.read import RoadmapError, load_template, shipped_template
from tracker.roadmap.template import Template
from ui.bridge import RecordBridge
from ui.contrast import hint_style
from ui.dialogs.base import DateField, FormDialog
from ui.dialogs.plan_moves import date_text, fit_columns
from ui.interaction import interaction_of
from ui.kind_ui import Editing, KindUi
from ui.models.tables import Column, RecordTableModel

SHIPPED = (
    ("interfant-21", N_("Interfant-21 (shipped)")),
    ("interfant-06", N_("Interfant-06 (shipped)")),
    ("empty", N_("An empty roadmap, to fill in from your protocol book")),
)
FROM_FILE = "file"


def save_applied(bridge: RecordBridge, applied: Applied, text: str) -> Roadmap:
    """The roadmap and its phases saved together as one undo step; the saved roadmap."""
    saved = bridge.save_together([*applied.phases, applied.roadmap], text)
    roadmap: Roadmap = saved[-1]
    return roadmap


class RoadmapDialog(FormDialog):
    """A new roadmap: a template (shipped or a file), the arm, the first start, and a
    preview of what it creates.  An applied one: its arm (a change of risk group), first
    start and note; the plan moves as the preview says."""

    def __init__(self, editing: Editing, entry: Roadmap | None, parent: QWidget | None) -> None:
        super().__init__(
            self.tr("New roadmap, from a template")
            if entry is None
            else self.tr("Edit the roadmap"),
            parent,
        )
        self.setObjectName("roadmap_dialog")
        self._editing = editing
        self._entry = entry
        self._template: Template | None = None
        self._file: Path | None = None
        self.pending: Applied | None = Applied(entry, ()) if entry is not None else None
        self.arm_change: ArmChange | None = None  # the arm chosen is not the roadmap's
        self._with_milestone = False
        form = QFormLayout()
        source = QComboBox(self)
        for key, label in SHIPPED:
            source.addItem(self.tr(label), key)
        source.addItem(self.tr("Our own template file…"), FROM_FILE)
        self.source = source
        if entry is None:
            self.add_field(form, "source", self.tr("&Roadmap:"), source)
        else:  # an applied roadmap keeps its template: nothing to choose again
            source.hide()
        arm = QComboBox(self)
        self.arm = arm
        self.add_field(
            form, "arm", self.tr("&Arm (risk group):"), arm, self.tr("As the team told you")
        )
        first = DateField(self, today=editing.today)
        self._first_field = first
        self.add_field(
            form,
            "first_start",
            self.tr("&First phase starts:"),
            first,
            self.tr("The day the arm's first phase starts (planned or real); may be left empty"),
        )
        note = QPlainTextEdit(self)
        note.setTabChangesFocus(True)
        note.setFixedHeight(48)
        self.add_field(form, "note", self.tr("&Note:"), note)
        self.body.addLayout(form)
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)  # a family's file's text
        self.about.setStyleSheet(hint_style())
        self.body.addWidget(self.about)
        self.links = QLabel(self)
        self.links.setObjectName("links")
        self.links.setWordWrap(True)
        self.links.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(self.links)
        self.preview = QTreeWidget(self)
        self.preview.setAccessibleName(self.tr("What the roadmap would add"))
        self.preview.setObjectName("preview")
        self.preview.setRootIsDecorated(False)
        self.preview.setHeaderLabels([self.tr("When"), self.tr("What"), self.tr("How sure")])
        self.preview.setMinimumHeight(120)
        self.body.addWidget(self.preview, 1)
        if entry is None:
            source.currentIndexChanged.connect(self._source_changed)
            first.set_date(editing.child.diagnosis_date or editing.today)
            self._source_changed()
        else:
            self._set_template(template_of(entry))
            self.set_text("arm", entry.arm)
            first.set_date(entry.first_start)
            self.set_text("note", entry.note)
        arm.currentIndexChanged.connect(self._update)
        first.edited.connect(self._update)
        self._update()
        (source if entry is None else arm).setFocus()

    # ------------------------------------------------------------------ the template

    def _source_changed(self) -> None:
        key = self.source.currentData()
        if key == FROM_FILE:
            path = interaction_of(self).open_file(
                self, self.tr("Open a roadmap template"), Path.home(), "Roadmap (*.json)"
            )
            if path is None:
                self.source.setCurrentIndex(0)
                return
            try:
                self._set_template(load_template(path))
            except RoadmapError as exc:
                self.show_banner("⚠ " + str(exc))
                self.source.setCurrentIndex(0)
                return
            self._file = path
        else:
            self._set_template(shipped_template(str(key)))
        note = self.text_of("note")
        if self._template is not None and (not note or is_planned_from(note)):
            self.set_text("note", planned_from(self._template.protocol))
        self._update()

    def _set_template(self, template: Template) -> None:
        self._template = template
        keep = self.arm.currentData()
        self.arm.blockSignals(True)
        self.arm.clear()
        for a in template.arms:
            self.arm.addItem(f"{a.name} ({a.key})", a.key)
        index = self.arm.findData(keep)
        self.arm.setCurrentIndex(max(index, 0))
        self.arm.blockSignals(False)
        self.about.setText(template.about or "")

    # ------------------------------------------------------------------ preview

    def _first_start(self) -> dt.date | None:
        text = self.text_of("first_start")
        if not text:
            return None
        try:
            return parse_date(text, tr("First start"), form_window(self._editing.today))
        except ValueError:
            return None

    def _applied(self, first: dt.date | None) -> Applied:
        child = self._editing.child
        assert child.id is not None and self._template is not None
        arm = str(self.arm.currentData())
        phases = self._editing.bridge.record.entries(Phase, child.id)
        if self._entry is None:
            return apply_template(
                self._template,
                arm,
                child_id=child.id,
                first_start=first,
                today=self._editing.today,
                phases=phases,
            )
        self.arm_change = None
        changed = replace(self._entry, first_start=first, note=self.text_of("note"))
        if arm != self._entry.arm:  # a change of risk group: from where the child is now
            change = change_arm(changed, phases, arm, self._editing.today)
            if change.applied.roadmap.arm != self._entry.arm:
                self.arm_change = change
                return change.applied
        if first == self._entry.first_start:
            return Applied(changed, ())  # the plan itself moves by "Preview the move…"
        return apply_moves(changed, phases, pending_moves(changed, phases))

    def _update(self) -> None:
        self.preview.clear()
        self.links.clear()
        if self._template is None or self.arm.currentData() is None:
            return
        try:
            applied = self._applied(self._first_start())
        except RoadmapError as exc:
            self.show_banner("⚠ " + str(exc))
            return
        saved = self._editing.bridge.record.entries(Phase, self._editing.child.id)
        plan = plan_of(applied.roadmap, [*saved, *applied.phases])
        new = {p.name for p in applied.phases if p.id is None}
        linked = dict(applied.linked)
        for it in in_date_order(plan.items):
            sure = how_sure(it, None)
            what = it.description
            if it.what.value == "start" and it.phase in linked:
                what += self.tr(" (linked to your phase “{name}”)").format(
                    name=linked[it.phase].display_name
                )
            elif it.what.value == "start" and it.phase_name in new:
                what += self.tr(" (a planned phase entry is made)")
            QTreeWidgetItem(self.preview, [date_text(it.date), what, sure])
        fit_columns(self.preview)
        if self.arm_change is not None:
            self.links.setText(" ".join(self.arm_change.lines()))
        if self._entry is None:
            self.links.setText(self._links_text(applied, plan.phases))
            first = applied.roadmap.first_start
            if plan.phases and plan.phases[0] in linked and first != self._first_start():
                # the first phase is one the child has: its start is the plan's, shown here
                field = self._first_field
                field.blockSignals(True)
                field.set_date(first)
                field.blockSignals(False)

    def _links_text(self, applied: Applied, keys: Sequence[str]) -> str:
        """Which of the child's phases the roadmap links (their real dates are the plan's),
        which phases it makes, and which it leaves undated for now."""
        assert self._template is not None
        linked = dict(applied.linked)
        made = {p.name for p in applied.phases if p.id is None}
        names = {k: (p.name if p else k) for k in keys for p in [self._template.phase(k)]}
        parts = []
        if linked:
            parts.append(
                self.tr("Linked to the phases you entered (their dates are used): {list}.").format(
                    list="; ".join(
                        f"{names[k]} → {linked[k].display_name}" for k in keys if k in linked
                    )
                )
            )
        fresh = [names[k] for k in keys if k not in linked and names[k] in made]
        later = [names[k] for k in keys if k not in linked and names[k] not in made]
        parts.append(
            self.tr("New planned phases: {list}.").format(list="; ".join(fresh))
            if fresh
            else self.tr("No new phase entry is made.")
        )
        if later:
            parts.append(
                self.tr(
                    "Not dated yet (plan items only, until their dates are known): {list}."
                ).format(list="; ".join(later))
            )
        return " ".join(parts)

    # ------------------------------------------------------------------ saving

    def build(self) -> Roadmap:
        """The roadmap as saved (its planned phases are saved with it: :attr:`pending`)."""
        self.pending = built = self._build()
        return built.roadmap

    def _build(self) -> Applied:
        text = self.text_of("first_start")
        first = None
        if text:
            try:
                first = parse_date(text, tr("First start"), form_window(self._editing.today))
            except ValueError as exc:
                raise FormErrors({"first_start": str(exc)}) from None
        if self._template is None:
            raise FormErrors({"source": self.tr("Roadmap: choose a roadmap to apply")})
        try:
            applied = self._applied(first)
        except RoadmapError as exc:
            raise FormErrors({"arm": str(exc)}) from None
        if self._entry is None:
            applied = replace(
                applied, roadmap=replace(applied.roadmap, note=self.text_of("note") or "")
            )
        return applied

    def accept(self) -> None:
        # whatever the caller set: the roadmap is saved with the phases it plans, together
        self.submit = self._save
        if self._entry is not None and self.arm.currentData() != self._entry.arm:
            try:
                self._build()
            except FormErrors:
                super().accept()  # shows what is wrong; nothing is saved
                return
            if self.arm_change is not None and not self._confirm_arm_change():
                return  # Cancel: nothing is saved, the dialog stays as it was
        super().accept()

    def _confirm_arm_change(self) -> bool:
        """Ask before anything is saved: what the change keeps, offers and drops, and
        whether to record the risk-group change milestone with it (one step)."""
        change = self.arm_change
        assert change is not None
        choice = interaction_of(self).choose(
            self,
            self.tr("Change the risk group?"),
            self.tr(
                "The arm changes from {old} to {new}, and the child's risk group with it."
            ).format(old=change.old_arm, new=change.new_arm)
            + "\n\n"
            + "\n\n".join(change.lines()),
            [
                self.tr("Change it and &record a risk-group change milestone today"),
                self.tr("Change it &only"),
            ],
        )
        if choice is None:
            return False
        self._with_milestone = choice == 0
        return True

    def _save(self, _roadmap: Roadmap) -> Roadmap:
        applied = self.pending
        assert applied is not None  # built just before
        bridge = self._editing.bridge
        if self._entry is None:
            text = self.tr("Apply the roadmap {name}").format(name=applied.roadmap.protocol)
            return save_applied(bridge, applied, text)
        if self.arm_change is None:
            text = self.tr("Edit the roadmap {name}").format(name=applied.roadmap.protocol)
            return save_applied(bridge, applied, text)
        change = self.arm_change
        child_id = self._editing.child.id
        assert child_id is not None
        child = bridge.record.entry(Child, child_id)  # as saved now
        assert child.id is not None
        extra: list[object] = [child_in_arm(child, change.new_arm)]
        if self._with_milestone:
            extra.append(
                risk_change_milestone(child.id, self._editing.today, change.old_arm, change.new_arm)
            )
        text = self.tr("Change the risk group from {old} to {new}").format(
            old=change.old_arm, new=change.new_arm
        )
        saved = bridge.save_together([*applied.phases, *extra, applied.roadmap], text)
        roadmap: Roadmap = saved[-1]
        return roadmap


class RoadmapsModel(RecordTableModel[Roadmap]):
    columns = (
        Column(N_("Protocol"), lambda r: r.protocol),
        Column(N_("Arm"), lambda r: r.arm),
        Column(N_("First start"), lambda r: date_text(r.first_start) if r.first_start else ""),
        Column(N_("Applied on"), lambda r: date_text(r.applied_on)),
        Column(N_("Note"), lambda r: r.note.replace("\n", " ")),
    )


def _dialog(e: Editing, entry: Any, parent: QWidget | None) -> FormDialog:
    return RoadmapDialog(e, entry, parent)


ROADMAP_UI = KindUi(
    key="roadmap",
    dialog=_dialog,
    add_text=N_("Apply a r&oadmap…"),
    view="plan",
    place=0,
    title=N_("Roadmaps"),
    add_button=N_("Apply a &roadmap…"),
    empty=N_(
        "No roadmap yet. Apply the protocol your team named (Interfant-21, Interfant-06) or "
        "an empty one, and fill in the lengths from your protocol book.",
    ),
    model=RoadmapsModel,
)
