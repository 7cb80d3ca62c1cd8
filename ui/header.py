"""The header always in view: who, how old, where in treatment, last counts, what's next."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFrame, QGridLayout, QLabel, QWidget

from tracker import analytes, labels
from tracker.anc import anc_view
from tracker.assessment import (
    Assessment,
    Assessor,
    assess_calculated_anc,
    flag_in_cell,
    make_assessor,
)
from tracker.dates import format_age
from tracker.display import calculated_anc_text, shown
from tracker.i18n.formats import date_text, time_text
from tracker.kinds import Changes
from tracker.model import (
    Appointment,
    CnsVisit,
    CountResult,
    Milestone,
    Phase,
    Roadmap,
    TeamThreshold,
)
from tracker.phases import current_phase
from tracker.upcoming import whats_coming
from ui.bridge import RecordBridge
from ui.contrast import HINT, readable
from ui.plain import plain_label

GLANCE = ("wbc", "anc", "hgb", "plt")
# The kinds the header shows (with the child): a dose ticked or a temperature taken does
# not read the phases, plans and counts again.
SHOWN = (Phase, Milestone, CnsVisit, Appointment, TeamThreshold, CountResult, Roadmap)


class HeaderWidget(QFrame):
    """Signals:
    child_chosen(int): the family picked another child in the switcher.
    """

    child_chosen = Signal(int)

    def __init__(self, bridge: RecordBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._tips: list[str] = []  # a calculated ANC's basis, each value's flag and notes
        self.setObjectName("header")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#header { background: palette(alternate-base); border-radius: 6px; }"
            "QLabel#name { font-size: 20px; font-weight: 600; }"
            "QLabel#phase { font-size: 16px; font-weight: 600; }"
        )
        self.name = plain_label(parent=self)  # typed text: shown as typed, never as HTML
        self.name.setObjectName("name")
        self.switcher = QComboBox(self)
        self.switcher.setAccessibleName(self.tr("Child shown"))
        self.switcher.setToolTip(self.tr("Switch to another child in this record"))
        self.switcher.activated.connect(self._switched)
        self.age = plain_label(parent=self)
        self.age.setObjectName("age")
        self.phase = plain_label(parent=self)
        self.phase.setObjectName("phase")
        self.diagnosis = plain_label(parent=self)
        self.diagnosis.setObjectName("diagnosis")
        self.counts = QLabel(self)
        self.counts.setObjectName("counts")
        self.counts.setTextFormat(Qt.TextFormat.RichText)  # a table: every value escaped
        self.next = plain_label(parent=self)
        self.next.setObjectName("next")
        for label in (self.age, self.diagnosis, self.counts, self.next, self.phase):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.name, self.age, self.diagnosis, self.next, self.phase):
            label.setWordWrap(True)  # a narrow window wraps the header instead of clipping
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.name, 0, 0)
        grid.addWidget(self.switcher, 1, 0)
        grid.addWidget(self.age, 2, 0)
        grid.addWidget(self.phase, 0, 1)
        grid.addWidget(self.diagnosis, 1, 1)
        grid.addWidget(self.next, 2, 1)
        grid.addWidget(self.counts, 0, 2, 3, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        bridge.changed.connect(self.on_changed)
        bridge.child_selected.connect(self._child_selected)
        bridge.display_changed.connect(self.refresh)
        self.refresh()

    def _child_selected(self, _child_id: int) -> None:
        self.refresh()

    def on_changed(self, changes: Changes) -> None:
        if changes.display or changes.touches(*SHOWN):
            self.refresh()

    def choose_child(self) -> None:
        """View ▸ Switch to another child: the keys go to the list of children (the arrows
        or a name's first letters switch at once, Alt+Down opens the list)."""
        self.switcher.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _date_grey(self) -> str:
        """The grey of a count's date, readable on the header's own background."""
        p = self.palette()
        return readable(
            HINT, p.color(QPalette.ColorRole.AlternateBase), p.color(QPalette.ColorRole.WindowText)
        ).name()

    def _switched(self, index: int) -> None:
        child_id = self.switcher.itemData(index)
        if child_id is not None:
            self.child_chosen.emit(int(child_id))

    def refresh(self) -> None:
        """Show the current child, from the lists the bridge keeps (``bridge.entries``):
        the timeline shows the same phases, visits and appointments, read once for both."""
        bridge, record = self.bridge, self.bridge.record
        today = record.today()
        children = bridge.children()
        self.switcher.blockSignals(True)
        self.switcher.clear()
        for c in children:
            self.switcher.addItem(c.name, c.id)
        self.switcher.setVisible(len(children) > 1)
        child = self.bridge.current_child()
        if child is not None:
            self.switcher.setCurrentIndex(self.switcher.findData(child.id))
        self.switcher.blockSignals(False)
        if child is None or child.id is None:
            self.name.setText(self.tr("No child yet"))
            for label in (self.age, self.phase, self.diagnosis, self.counts, self.next):
                label.clear()
            return
        self.name.setText(child.name)
        if today >= child.birth_date:
            self.age.setText(self.tr("Age {age}").format(age=format_age(child.birth_date, today)))
        else:
            self.age.setText("")
        details = [child.protocol] if child.protocol else []
        if child.risk_group.value not in ("unknown",):
            risk = child.risk_group_text or self.tr(labels.RISK[child.risk_group.value])
            details.append(self.tr("risk group: {risk}").format(risk=risk))
        if child.diagnosis_date:
            details.insert(
                0, self.tr("diagnosed {date}").format(date=date_text(child.diagnosis_date))
            )
        self.diagnosis.setText(" · ".join(details))
        phases = bridge.phases(child.id)
        current = current_phase(phases, today)
        self.phase.setText(
            self.tr("{phase} · day {day}").format(phase=current.phase.display_name, day=current.day)
            if current
            else self.tr("No phase running today")
        )
        # the first of the Plan tab's What's next (tracker.upcoming): the two always agree
        roadmaps = bridge.entries(Roadmap, child.id)
        coming = whats_coming(
            roadmap=roadmaps[-1] if roadmaps else None,
            phases=phases,
            visits=bridge.entries(CnsVisit, child.id),
            appointments=bridge.entries(Appointment, child.id),
            milestones=bridge.entries(Milestone, child.id),
            today=today,
            now=record.time_now(),
            milestone_labels=labels.MILESTONE_KIND,
            n=1,
        )
        upcoming = coming[0] if coming else None
        if upcoming is None:
            self.next.setText(self.tr("Nothing planned entered"))
        elif upcoming.date is None:
            self.next.setText(
                self.tr("Next: {what} (date not known yet)").format(what=upcoming.short)
            )
        elif upcoming.date == today and upcoming.time is not None:
            self.next.setText(
                self.tr("Next: {what} today at {time}").format(
                    what=upcoming.short, time=time_text(upcoming.time)
                )
            )
        elif upcoming.date == today:
            self.next.setText(self.tr("Next: {what} today").format(what=upcoming.short))
        else:
            self.next.setText(
                self.tr("Next: {what} on {date}").format(
                    what=upcoming.short, date=date_text(upcoming.date)
                )
            )
        self._tips = []
        assess = make_assessor(
            child, bridge.entries(TeamThreshold, child.id), grades=self.bridge.show_grades
        )
        self.counts.setText(self._glance(child.id, assess))
        # which inputs a calculated ANC used; each flag with its category, grade and sources
        self.counts.setToolTip("\n".join(dict.fromkeys(self._tips)))

    def _judged(self, short: str, found: Assessment | None) -> str:
        """ "(low)" / "(high)" as in the table, its text, notes and sources for the tooltip."""
        if found is None:
            return ""
        said = found.text  # a worked-out ANC's text names the ANC already
        self._tips.append(said if said.startswith(short) else f"{short}: {said}")
        self._tips.extend((*found.notes, *found.sources))
        return flag_in_cell(
            {"low": self.tr("low"), "high": self.tr("high")}.get(found.word, found.word)
        )

    def _glance(self, child_id: int, assess: Assessor) -> str:
        results = self.bridge.recent_counts(child_id)
        if not results:
            return self.tr("No blood counts yet")
        cells: list[str] = []
        grey = self._date_grey()
        for code in GLANCE:
            latest = next((r for r in reversed(results) if r.value(code) is not None), None)
            if code == "anc":
                # A newer result may have only a differential: its worked-out ANC is newer.
                newest = next(
                    (
                        r
                        for r in reversed(results)
                        if r.value("anc") is not None or anc_view(r).is_calculated
                    ),
                    None,
                )
                text = (
                    calculated_anc_text(newest, self.bridge.unit_preference)
                    if newest is not None
                    else None
                )
                if newest is not None and text is not None:
                    a = analytes.analyte("anc")
                    self._tips.append(anc_view(newest).note)
                    flag = self._judged(a.short, assess_calculated_anc(assess, newest))
                    cells.append(
                        f"<tr><td><b>{escape(a.short)}</b></td><td align='right'>"
                        f"{escape(text)} <i>{escape(self.tr('calc.'))}</i>"
                        f"{escape(' ' + flag if flag else '')}</td>"
                        f"<td style='color:{grey}'>&nbsp;{date_text(newest.taken_date)}</td></tr>"
                    )
                    continue
            if latest is None:
                continue
            value = latest.value(code)
            assert value is not None
            a = analytes.analyte(code)
            flag = self._judged(a.short, assess(latest, value))
            text = " ".join(x for x in (str(shown(value, self.bridge.unit_preference)), flag) if x)
            cells.append(
                f"<tr><td><b>{escape(a.short)}</b></td><td align='right'>{escape(text)}</td>"
                f"<td style='color:{grey}'>&nbsp;{date_text(latest.taken_date)}</td></tr>"
            )
        title = self.tr("Latest counts")
        return f"<b>{escape(title)}</b><table cellspacing='2'>{''.join(cells)}</table>"
