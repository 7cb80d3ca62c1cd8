"""The plan's lengths and LP days from the family's protocol book, and the phases a family
adds to its plan (an empty roadmap starts with none): every wrong field shown at once,
each beside its row and outlined in red as in the other dialogs.  ui/views/plan.py opens
it and previews what the edited template moves."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker import labels
from tracker.forms import FormErrors
from tracker.i18n import tr
from tracker.model import PhaseKind
from tracker.roadmap.child import lp_days_text, with_lp_days
from tracker.roadmap.plan import chain
from tracker.roadmap.read import RoadmapError, stored_template
from tracker.roadmap.template import (
    MAX_GAP_DAYS,
    MAX_LENGTH_DAYS,
    After,
    At,
    PhasePlan,
    Template,
)
from tracker.roadmap.write import template_text
from ui.contrast import error_style, field_error_style
from ui.dialogs.base import FormDialog, fill_combo, scrolling
from ui.plain import plain_tooltip
from ui.screen_fit import fit_when_shown


def length_of(name: str, text: str) -> int | None:
    """A phase's length as typed (empty: unknown), or ValueError in plain words."""
    text = text.strip()
    if not text:
        return None
    if not text.isascii() or not text.isdecimal() or not 1 <= int(text) <= MAX_LENGTH_DAYS:
        raise ValueError(
            tr(
                "{name}: “{text}” is not a length; type a whole number of days from 1 to "
                "{most}, or leave it empty"
            ).format(name=name, text=text, most=MAX_LENGTH_DAYS)
        )
    return int(text)


def _free_key(template: Template) -> str:
    """A phase key the template does not use yet ("own-1", "own-2", …)."""
    used = {p.key for p in template.phases}
    n = 1
    while f"own-{n}" in used:
        n += 1
    return f"own-{n}"


class AddPhaseDialog(FormDialog):
    """A phase of the family's protocol book: its kind, name, length (or unknown) and LP
    days; it starts after the plan's last phase (a gap of days may be given), or is the
    first.  Gives the template with it (:attr:`value`)."""

    def __init__(self, template: Template, arm: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add a phase"), parent)
        self.setObjectName("add_phase")
        self._template = template
        self._arm = arm
        arm_chain = chain(template, arm)
        self._after = arm_chain[-1] if arm_chain else None
        form = QFormLayout()
        kind = QComboBox(self)
        fill_combo(kind, labels.PHASE_KIND)
        self.add_field(form, "kind", self.tr("&Kind:"), kind)
        name = QLineEdit(self)
        name.setPlaceholderText(self.tr("as your protocol book names it, e.g. Protocol IB"))
        self.add_field(form, "name", self.tr("&Name:"), name)
        after = QLabel(
            self.tr("After {name}").format(name=self._after.name)
            if self._after is not None
            else self.tr("It is the first phase (it starts on the roadmap's first start)"),
            self,
        )
        after.setTextFormat(Qt.TextFormat.PlainText)  # a family's phase name
        after.setWordWrap(True)
        form.addRow(QLabel(self.tr("Starts:"), self), after)
        gap = QLineEdit(self)
        gap.setPlaceholderText(self.tr("0"))
        if self._after is not None:
            self.add_field(
                form,
                "gap",
                self.tr("&Gap (days):"),
                gap,
                self.tr("Days between the end of the phase before and this one's start"),
            )
        length = QLineEdit(self)
        length.setPlaceholderText(self.tr("unknown"))
        self.add_field(
            form, "length", self.tr("&Length (days):"), length, self.tr("Empty: not known yet")
        )
        lps = QLineEdit(self)
        lps.setPlaceholderText(self.tr("e.g. 1, 15, 29"))
        self.add_field(form, "lps", self.tr("L&P days:"), lps)
        self.body.addLayout(form)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Add"))
        kind.setFocus()

    def build(self) -> Template:
        errors: dict[str, str] = {}
        name = self.text_of("name")
        if not name:
            errors["name"] = tr("Name: type the phase's name as your protocol book gives it")
        try:
            length = length_of(name or tr("Length"), self.text_of("length"))
        except ValueError as exc:
            errors["length"], length = str(exc), None
        gap = 0
        if self._after is not None and self.text_of("gap"):
            text = self.text_of("gap")
            if not text.isascii() or not text.isdecimal() or int(text) > MAX_GAP_DAYS:
                errors["gap"] = tr(
                    "Gap: “{text}” is not a number of days; type a whole number from 0 to "
                    "{most}, or leave it empty"
                ).format(text=text, most=MAX_GAP_DAYS)
            else:
                gap = int(text)
        phase = PhasePlan(
            _free_key(self._template),
            name or "?",
            PhaseKind(self.text_of("kind")),
            (self._arm,),
            after=(After(self._after.key, gap_days=gap),) if self._after is not None else (),
            length_days=length,
        )
        template = replace(self._template, phases=(*self._template.phases, phase))
        if self.text_of("lps"):
            try:
                template = with_lp_days(template, phase.key, self.text_of("lps"))
            except ValueError as exc:
                errors["lps"] = str(exc)
        if errors:
            raise FormErrors(errors)
        try:
            return stored_template(template_text(template))  # every rule of a file
        except RoadmapError as exc:
            raise FormErrors({"name": str(exc)}) from None


class LengthsDialog(QDialog):
    """The plan's lengths from the family's protocol book: a length in days per phase of
    the arm (empty: unknown) and the days of its LPs; phases added ("Add a phase…") and
    those added here removed again.  Gives the edited template (:attr:`template`)."""

    def __init__(self, template: Template, arm: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.setObjectName("lengths")
        self.setWindowTitle(self.tr("The plan's lengths"))
        self.setModal(True)
        self._template = template
        self._arm = arm
        self._added: set[str] = set()  # phases added in this dialog: they may go again
        self.template: Template | None = None
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr(
                "Type each phase's length in days and the days of its LPs (1, 15, 29) as your "
                "protocol book gives them; leave them empty while you do not know them. The "
                "plan is worked out again from them."
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.page = QWidget(self)
        self.grid = QGridLayout(self.page)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 2)
        for column, text in enumerate(
            (self.tr("Phase"), self.tr("Length (days)"), self.tr("LP days"))
        ):
            self.grid.addWidget(QLabel(f"<b>{text}</b>", self.page), 0, column)
        self.fields: dict[str, QLineEdit] = {}
        self.lp_fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._rows: dict[str, list[QWidget]] = {}
        self.none_yet = QLabel(
            self.tr(
                "No phases yet. Add the first one from your protocol book with "
                "“Add a phase…”; the ones after it follow in order."
            ),
            self,
        )
        self.none_yet.setObjectName("none_yet")
        self.none_yet.setWordWrap(True)
        layout.addWidget(self.none_yet)
        layout.addWidget(scrolling(self.page, self), 1)
        for p in template.phases:
            if arm in p.arms:
                self._add_row(p)
        self.none_yet.setVisible(not self.fields)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("A&dd a phase…"), self)
        self.add_button.setObjectName("add_phase")
        self.add_button.clicked.connect(self.add_phase)
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(760)

    # ------------------------------------------------------------------ rows

    def _add_row(self, p: PhasePlan) -> None:
        at = 1 + 2 * len(self._rows)  # a row for the fields, one for its message
        name = QLabel(p.name, self.page)
        name.setTextFormat(Qt.TextFormat.PlainText)  # a family's phase name
        name.setWordWrap(True)
        line = QLineEdit(self.page)
        line.setText(str(p.length_days) if p.length_days is not None else "")
        line.setPlaceholderText(self.tr("unknown"))
        line.setAccessibleName(p.name)
        line.setObjectName(f"length_{p.key}")
        line.setMinimumWidth(90)
        days = QLineEdit(self.page)
        days.setText(lp_days_text(p))
        days.setPlaceholderText(self.tr("LP days"))
        own = [t for t in p.lps or () if t.at is not At.DAY]  # the template's, approximate
        if own:
            where = "; ".join(
                self.tr("at the start") if t.at is At.START else self.tr("at the end") for t in own
            )
            days.setPlaceholderText(self.tr("LP days (now: {where})").format(where=where))
            days.setToolTip(
                plain_tooltip(
                    self.tr(
                        "The roadmap's own LPs: {labels}. The days you type replace them."
                    ).format(labels="; ".join(t.label for t in own))
                )
            )
        days.setAccessibleName(self.tr("LP days of {name}").format(name=p.name))
        days.setObjectName(f"lps_{p.key}")
        days.setMinimumWidth(200)
        error = QLabel(self.page)
        error.setObjectName(f"error_{p.key}")
        error.setTextFormat(Qt.TextFormat.PlainText)  # quotes what was typed
        error.setWordWrap(True)
        error.setStyleSheet(error_style())
        error.hide()
        name.setBuddy(line)
        self.grid.addWidget(name, at, 0)
        self.grid.addWidget(line, at, 1)
        self.grid.addWidget(days, at, 2)
        self.grid.addWidget(error, at + 1, 0, 1, 4)
        widgets: list[QWidget] = [name, line, days, error]
        if p.key in self._added:
            remove = QPushButton(self.tr("Remove"), self.page)
            remove.setObjectName(f"remove_{p.key}")
            remove.setAccessibleName(self.tr("Remove {name}").format(name=p.name))
            remove.clicked.connect(lambda _=False, key=p.key: self.remove_phase(key))
            self.grid.addWidget(remove, at, 3)
            widgets.append(remove)
        self.fields[p.key] = line
        self.lp_fields[p.key] = days
        self.errors[p.key] = error
        self._rows[p.key] = widgets

    def add_phase(self) -> None:
        """A phase from the family's protocol book, after the plan's last one."""
        dialog = AddPhaseDialog(self._edited(strict=False), self._arm, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        template: Template = dialog.value
        added = template.phases[-1]
        self._template = replace(self._template, phases=(*self._template.phases, added))
        self._added.add(added.key)
        self._add_row(added)
        self.none_yet.hide()
        self.fields[added.key].setFocus()

    def remove_phase(self, key: str) -> None:
        """A phase added in this dialog taken out again (the last one first: the others
        start after it)."""
        if any(a.phase == key for p in self._template.phases for a in p.after):
            error = self.errors[key]
            error.setText("⚠ " + self.tr("A phase starts after this one: remove that first"))
            error.show()
            return
        self._template = replace(
            self._template, phases=tuple(p for p in self._template.phases if p.key != key)
        )
        self._added.discard(key)
        for widget in self._rows.pop(key):
            self.grid.removeWidget(widget)
            widget.deleteLater()
        for d in (self.fields, self.lp_fields, self.errors):
            del d[key]
        self.none_yet.setVisible(not self.fields)

    # ------------------------------------------------------------------ reading

    def _edited(self, strict: bool = True) -> Template:
        """The template with the lengths and LP days typed; FormErrors naming every phase
        whose fields are wrong (``strict``), or those fields left as they were."""
        errors: dict[str, str] = {}
        phases = []
        for p in self._template.phases:
            line = self.fields.get(p.key)
            if line is None:
                phases.append(p)
                continue
            try:
                phases.append(replace(p, length_days=length_of(p.name, line.text())))
            except ValueError as exc:
                errors[f"length_{p.key}"] = str(exc)
                phases.append(p)
        template = replace(self._template, phases=tuple(phases))
        for key, days in self.lp_fields.items():
            try:
                template = with_lp_days(template, key, days.text())
            except ValueError as exc:
                errors[f"lps_{key}"] = str(exc)
        if errors and strict:
            raise FormErrors(errors)
        return template

    def _show(self, errors: dict[str, str]) -> None:
        """Every message beside its row, its fields outlined; the first one focused."""
        first: QWidget | None = None
        for key, error in self.errors.items():
            said = [errors[f] for f in (f"length_{key}", f"lps_{key}") if f in errors]
            for field, name in ((self.fields[key], "length"), (self.lp_fields[key], "lps")):
                wrong = f"{name}_{key}" in errors
                field.setStyleSheet(field_error_style() if wrong else "")
                if wrong and first is None:
                    first = field
            error.setText("\n".join("⚠ " + s for s in said))
            error.setVisible(bool(said))
        if first is not None:
            first.setFocus()
        QTimer.singleShot(0, self._fit_errors)

    def _fit_errors(self) -> None:
        """A wrapped message shown late gets the height its text needs (never squeezed)."""
        for error in self.errors.values():
            if error.isVisible() and error.width() > 0:
                error.setMinimumHeight(error.heightForWidth(error.width()))

    def accept(self) -> None:
        try:
            template = self._edited()
        except FormErrors as exc:
            self._show(dict(exc.errors))
            return
        self.template = template
        super().accept()
