"""What every editor shares: fields with their error beside them, a date field, a banner.

A dialog takes a value in and gives a value out.  The caller may pass a
``submit`` function (which saves, and raises if the record refuses); the dialog
then stays open with the reason shown, so nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QStyle,
    QStyleOptionFrame,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from tracker.dates import ISO_DATE, date_as_typed, parse_date
from tracker.forms import FormErrors, read_back
from tracker.i18n import formats, tr
from tracker.store import RecordError, ValidationFailed
from ui.contrast import error_style, field_error_style, hint_style
from ui.interaction import interaction_of
from ui.plain import plain_label
from ui.screen_fit import FormScroll, fit_when_shown, keep_on_screen, room_height


def focus_target(widget: QWidget) -> QWidget:
    """The widget a label's Alt+letter should reach inside ``widget``: Qt moves focus to a
    label's buddy only if the buddy itself takes focus, which a container (a date field, a
    choice beside its words) does not, even with a focus proxy."""
    seen = widget
    while seen.focusPolicy() == Qt.FocusPolicy.NoFocus and seen.focusProxy() is not None:
        seen = seen.focusProxy()
    if seen.focusPolicy() != Qt.FocusPolicy.NoFocus:
        return seen
    for child in widget.findChildren(QWidget):
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return child
    return widget


class DateField(QWidget):
    """A date typed in the locale's order ("01/05/2026" in es) or as YYYY-MM-DD, with a
    calendar to pick from; may be left empty.  A date put in by the program is written as
    the family types one; a date that could be read two ways is shown back in words.

    ``today`` (the record's day, from its clock) is where the calendar opens while the field
    holds no date; without it the calendar stays on the last day it showed.

    Signals:
        edited(): the text changed.
    """

    edited = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, optional: bool = True, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self._today = today
        self.line = QLineEdit(self)
        self.line.setPlaceholderText(self._pattern())
        if formats.current().date_order != "YMD":
            self.line.setToolTip(
                self.tr("Also taken as year-month-day, e.g. {example}").format(example="2026-05-01")
            )
        self.line.setMaxLength(10)
        self.line.textEdited.connect(self._show_read_back)  # typed, not put by the program
        self.line.textChanged.connect(self._hide_read_back)
        self.line.textChanged.connect(self.edited)
        # A date that could be read two ways here ("01/05/2026": 1 May or 5 January) is
        # shown back in words under the box as it is typed, before anything is saved.
        self.read_back = plain_label(parent=self)
        self.read_back.setObjectName("read_back")
        self.read_back.setStyleSheet(hint_style())
        self.read_back.hide()
        self.button = QToolButton(self)
        from ui.icons import icon

        self.button.setIcon(icon("calendar"))
        # Not a Tab stop: Tab goes on to the next field; F4 or Alt+Down in the date opens it.
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(self.tr("Pick from a calendar (F4 or Alt+Down in the date)"))
        self.button.setAccessibleName(self.tr("Pick from a calendar"))
        self.button.setAccessibleDescription(
            self.tr("Opens with F4 or Alt+Down while the date has the focus")
        )
        for keys in ("F4", "Alt+Down"):
            shortcut = QShortcut(QKeySequence(keys), self.line)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.button.showMenu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(QLocale().firstDayOfWeek())
        if today is not None:
            self.calendar.setSelectedDate(QDate(today.year, today.month, today.day))
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        # The arrows, Enter and Esc work the calendar (some desktops left it without focus).
        menu.aboutToShow.connect(lambda: QTimer.singleShot(0, self, self._focus_calendar))
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        column.addLayout(layout)
        column.addWidget(self.read_back)
        self.setFocusProxy(self.line)

    def _pattern(self) -> str:
        """What to type, in the locale's order and the language's words ("dd/mm/aaaa")."""
        order = formats.current().date_order
        if order == "DMY":
            return self.tr("dd/mm/yyyy")
        if order == "MDY":
            return self.tr("mm/dd/yyyy")
        return self.tr("YYYY-MM-DD")

    def _show_read_back(self, text: str) -> None:
        words = read_back(text)
        if words is None:
            self._hide_read_back()
            return
        self.read_back.setText(self.tr("Read as {date}").format(date=words))
        self.read_back.show()

    def _hide_read_back(self, text: str | None = None) -> None:
        """Gone when the text cannot be misread or is empty (``text``), or was put by the
        program (a default, the entry being edited, the calendar's pick)."""
        if text is not None and read_back(text) is not None:
            return
        self.read_back.hide()
        self.read_back.clear()

    def showEvent(self, event: QShowEvent) -> None:
        if not self.line.accessibleName():
            self.line.setAccessibleName(self._label_text())
        super().showEvent(event)

    def _label_text(self) -> str:
        """The name a screen reader gives the date: the field's own, else its label's (a
        label's name reaches only a field beside it in the same parent, not the date in
        here)."""
        if self.accessibleName():
            return self.accessibleName()
        for label in self.window().findChildren(QLabel):
            if label.buddy() in (self, self.line):
                return spoken_label(label.text())
        return self.tr("Date")

    def text(self) -> str:
        return self.line.text().strip()

    def setText(self, text: str) -> None:
        """Show ``text``; a date in ISO (a dialog editing an entry) is written as the family
        types dates here, so what is shown can be typed back."""
        if ISO_DATE.match(text.strip()):
            try:
                self.set_date(dt.date.fromisoformat(text.strip()))
                return
            except ValueError:
                pass
        self.line.setText(text)
        self._hide_read_back()

    def set_date(self, value: dt.date | None) -> None:
        self.line.setText(date_as_typed(value) if value else "")
        self._hide_read_back()

    def _sync_calendar(self) -> None:
        try:
            d = parse_date(self.text())
        except ValueError:
            if self._today is None:
                return
            d = self._today
        self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))

    def _focus_calendar(self) -> None:
        menu = self.button.menu()
        if menu is not None and menu.isVisible():
            self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, qdate: QDate) -> None:
        self.set_date(dt.date(qdate.year(), qdate.month(), qdate.day()))
        menu = self.button.menu()
        if menu is not None:
            menu.hide()
        self.line.setFocus()


def _letter(text: str) -> str | None:
    """The Alt letter of a label's or button's text (lower case), None for none."""
    match = re.search(r"&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def give_free_letter(button: QAbstractButton, window: QWidget) -> None:
    """Put the Alt letter of ``button`` on the first letter of its words that no other
    label or button of ``window`` takes (a button without one was passed over by Alt)."""
    others = [w for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton)]
    taken = {_letter(w.text()) for w in others if w is not button}
    words = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&&")
    for i, char in enumerate(words):
        if char.isalpha() and char.lower() not in taken:
            button.setText(words[:i] + "&" + words[i:])
            return


def spoken_label(text: str) -> str:
    """A label's words as a screen reader should say them for its field: no shortcut &,
    no colon, no space left before it (French writes "Heure :")."""
    words = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return words.rstrip().rstrip(":").rstrip(" \u00a0\u202f\t")


def name_fields(root: QWidget) -> None:
    """Every field a label names takes the label's spoken words as its own name (Qt's own
    reading keeps French's space before the colon: "Heure "), and an editable choice's
    own line takes the choice's name: over AT-SPI it is a text of its own, focusable,
    which a screen reader otherwise reads as an unnamed field."""
    labels = root.findChildren(QLabel)
    for label in labels:
        buddy = label.buddy()
        if buddy is not None and not buddy.accessibleName() and spoken_label(label.text()):
            buddy.setAccessibleName(spoken_label(label.text()))
    for combo in root.findChildren(QComboBox):
        line = combo.lineEdit()
        if line is None or line.accessibleName():
            continue
        name = combo.accessibleName() or next(
            (spoken_label(x.text()) for x in labels if x.buddy() is combo), ""
        )
        if name:
            line.setAccessibleName(name)


def scrolling(page: QWidget, parent: QWidget) -> QScrollArea:
    """``page`` in a frameless area that scrolls up and down (a small screen), never
    sideways.  No Tab stop of its own: it scrolls to the field the keys move to."""
    scroll = QScrollArea(parent)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(page)
    return scroll


def _edit_signals(widget: QWidget) -> list[Any]:
    """The signals saying that ``widget``'s value changed (a custom field's ``edited``)."""
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.editTextChanged]
    if isinstance(widget, QCheckBox):
        return [widget.toggled]
    edited = getattr(widget, "edited", None)
    return [edited] if edited is not None else []


def fit_placeholder(edit: QLineEdit) -> None:
    """Make ``edit`` at least as wide as its placeholder (the example of what to type):
    Qt cuts a placeholder that does not fit to "e.g. irradiated, CMV-nega…"."""
    text = edit.placeholderText()
    if not text:
        return
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    contents = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    chrome = edit.width() - contents.width() + margins.left() + margins.right() + 4  # Qt's 2+2
    need = math.ceil(edit.fontMetrics().horizontalAdvance(text)) + chrome
    if edit.minimumWidth() < need:
        edit.setMinimumWidth(need)


def fill_combo(combo: QComboBox, choices: Mapping[str, str]) -> None:
    """Items show translated labels (marked with N_() where the table is kept) and carry
    the stored code as data."""
    combo.clear()
    for code, label in choices.items():
        combo.addItem(tr(label), code)


class FormDialog(QDialog):
    """A titled form whose fields are named like the tracker's form keys."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self.value: Any = None
        self.submit: Callable[[Any], Any] | None = None
        self._initial: dict[str, str] | None = None
        self._growing = False  # a fit to the layout's height is on its way (_grow_to_fit)
        self._marked: set[str] = set()  # the fields outlined in red (show_errors)
        self._generic_banner = False  # the banner says only "correct the marked fields"
        self.banner = plain_label(parent=self)  # errors quote what was typed
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #fdecea; color: #7a1c0c; border: 1px solid #e0a59a;"
            " border-radius: 4px; padding: 8px; }"
        )
        self.banner.setObjectName("banner")
        self.banner.hide()
        self.body = QVBoxLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        # Alt+S saves on every desktop (some themes' "Save" has no Alt letter).
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Save"))
        # Cancel gets its Alt letter when shown, one no field of the editor takes (Esc too)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The form scrolls when the screen is too small for it (1024×600, or 1920×1080 at
        # 200 %); the banner and Save / Cancel stay in sight under and over it.
        self.form_page = QWidget(self)
        page_layout = QVBoxLayout(self.form_page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(self.body, 1)
        self.form_scroll = FormScroll(self.form_page, self)
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addWidget(self.form_scroll, 1)
        outer.addWidget(self.buttons)
        margins = outer.contentsMargins()  # 560 wide at least, and as wide as the form needs
        self.form_scroll.least_width = 560 - margins.left() - margins.right()
        fit_when_shown(self)

    # ------------------------------------------------------------------ fields

    def add_field(
        self, form: QFormLayout, name: str, label: str, widget: QWidget, hint: str = ""
    ) -> QWidget:
        """Add ``widget`` as field ``name``, with a (hidden) error line under it."""
        error = plain_label(parent=self)
        error.setWordWrap(True)
        error.setStyleSheet(error_style())
        error.setObjectName(f"error_{name}")
        error.hide()
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            hint_label = QLabel(hint, self)
            hint_label.setWordWrap(True)
            hint_label.setStyleSheet(hint_style())
            column.addWidget(hint_label)
        column.addWidget(error)
        label_widget = QLabel(label, self)
        label_widget.setBuddy(focus_target(widget))
        form.addRow(label_widget, holder)
        spoken = spoken_label(label)
        widget.setAccessibleName(spoken)
        target = label_widget.buddy()
        if target is not None and target is not widget and not target.accessibleName():
            # a screen reader names a field by a label beside it in the same parent only:
            # the date inside a date field, the first part of a row
            target.setAccessibleName(spoken)
        self.register(name, widget, error)
        return widget

    def register(self, name: str, widget: QWidget, error: QLabel | None = None) -> None:
        self._fields[name] = widget
        if error is not None:
            self._errors[name] = error
        for signal in _edit_signals(widget):
            signal.connect(lambda *_, name=name: self._edited(name))

    def _edited(self, name: str) -> None:
        """Field ``name`` changed: its own red outline and message go at once (the family
        is correcting it; Save checks it again), and every other marked field now right
        (or left empty where it may be) loses its mark too.  Nothing is marked anew until
        the next Save."""
        if name in self._marked:
            self._unmark(name)
            self._marked.discard(name)
        self._recheck()

    def _recheck(self) -> None:
        if not self._marked:
            if self._generic_banner:
                self.banner.hide()
            return
        try:
            self.build()
            still: set[str] = set()
        except FormErrors as exc:
            still = set(exc.errors)
        for name in self._marked - still:
            self._unmark(name)
        self._marked &= still
        if not self._marked and self._generic_banner:
            self.banner.hide()

    def _unmark(self, name: str) -> None:
        widget = self._fields[name]
        (widget.line if isinstance(widget, DateField) else widget).setStyleSheet("")
        label = self._errors.get(name)
        shared = [n for n in self._marked if n != name and self._errors.get(n) is label]
        if label is not None and not shared:  # one line may stand under two fields
            label.hide()
            label.setMinimumHeight(0)
            label.clear()

    def field(self, name: str) -> QWidget:
        return self._fields[name]

    def text_of(self, name: str) -> str:
        widget = self._fields[name]
        if isinstance(widget, QLineEdit | DateField):
            return widget.text().strip()
        if isinstance(widget, QComboBox):
            data = widget.currentData()
            return str(data) if data is not None else widget.currentText().strip()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText().strip()
        if isinstance(widget, QCheckBox):
            return "1" if widget.isChecked() else ""
        raise TypeError(f"no text for {type(widget).__name__}")  # i18n: not shown

    def set_text(self, name: str, value: str | None) -> None:
        widget = self._fields[name]
        if isinstance(widget, QLineEdit | DateField):
            widget.setText(value or "")
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index >= 0:
                widget.setCurrentIndex(index)
            elif widget.isEditable():
                widget.setEditText(value or "")
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))

    def texts(self) -> dict[str, str]:
        return {name: self.text_of(name) for name in self._fields}

    # ------------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        self._marked = set()
        self._generic_banner = False
        self.banner.hide()
        for name, label in self._errors.items():
            label.hide()
            label.setMinimumHeight(0)
            label.clear()
            self._fields[name].setStyleSheet("")

    def show_errors(self, errors: Mapping[str, str]) -> None:
        self.clear_errors()
        general: list[str] = []
        first: QWidget | None = None
        for name, message in errors.items():
            label = self._errors.get(name)
            if label is None:
                general.append(message)
                continue
            label.setText("⚠ " + message)
            label.show()
            widget = self._fields[name]
            target = widget.line if isinstance(widget, DateField) else widget
            target.setStyleSheet(field_error_style())
            self._marked.add(name)
            if first is None:
                first = widget
        if general:
            self.show_banner("\n".join("⚠ " + m for m in general))
        elif errors:
            self.show_banner(self.tr("Nothing was saved yet: please correct the marked fields."))
            self._generic_banner = True
        if first is not None:
            first.setFocus()
        QTimer.singleShot(0, self._fit_errors)

    def _fit_errors(self) -> None:
        """Word-wrapped labels shown late get clipped; give each the height its text needs."""
        for label in (*self._errors.values(), self.banner):
            if label.isVisible() and label.width() > 0:
                label.setMinimumHeight(label.heightForWidth(label.width()))
        hint = self.sizeHint()
        if hint.height() > self.height():  # taller, up to the screen's room: past it, scrolls
            self.resize(self.width(), max(self.height(), min(hint.height(), room_height(self))))
            self.keep_on_screen()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible() and not self._growing:
            self._growing = True  # once the layout has settled
            QTimer.singleShot(0, self, self._grow_to_fit)
        return super().event(event)

    def _grow_to_fit(self) -> None:
        """Taller when what is shown grew (the appointment's repeat opened its days and its
        end): Qt keeps the dialog's height and squeezes word-wrapped hints to one line."""
        self._growing = False
        layout = self.layout()
        if layout is None or not self.isVisible():
            # closed meanwhile (Save pressed before the layout settled): a resize of a
            # dialog whose window is gone crashed Qt in QCursor::pos (offscreen, tests)
            return
        width = self.width()
        need = (
            layout.totalHeightForWidth(width)
            if layout.hasHeightForWidth()
            else layout.totalSizeHint().height()
        )
        room = room_height(self)
        if need > self.height() and self.height() < room:
            self.resize(width, min(need, room))
        self.keep_on_screen()

    def keep_on_screen(self) -> None:
        """A dialog that grew past the screen's edge (or was put in a corner under the
        panel) moves back: centred on its window, its title bar and buttons on the screen."""
        keep_on_screen(self)

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    # ------------------------------------------------------------------ leaving

    def showEvent(self, event: QShowEvent) -> None:
        if self._initial is None:
            self._initial = self.texts()  # what was there before the family typed anything
            for edit in self.findChildren(QLineEdit):
                fit_placeholder(edit)
            name_fields(self)
        give_free_letter(self.cancel_button, self)  # after the fields (and their letters)
        super().showEvent(event)  # the focus goes back on closing: ui/dialog_focus.py

    def reject(self) -> None:
        typed = self._initial is not None and self.texts() != self._initial
        if typed and not interaction_of(self).confirm_discard(self):
            return
        super().reject()

    # ------------------------------------------------------------------ saving

    def build(self) -> Any:
        """Turn the fields into a record (raise FormErrors); subclasses implement it."""
        raise NotImplementedError

    def questions(self, value: Any) -> list[str]:
        """What to ask before ``value`` is saved (it may be right); none by default."""
        return []

    def answered(self, value: Any) -> Any:
        """``value`` as the family settles it when only they know (asked here; it may
        raise FormErrors), or None to look again; ``value`` unchanged by default."""
        return value

    def accept(self) -> None:
        try:
            value = self.build()
            asked = self.questions(value)
            if asked and not interaction_of(self).confirm(
                self,
                self.tr("Is this right?"),
                "\n\n".join(asked),
                self.tr("&Save as typed"),
            ):
                return  # the family looks again; nothing is saved
            value = self.answered(value)
            if value is None:
                return  # the family looks again; nothing is saved
            if self.submit is not None:
                value = self.submit(value)
        except (FormErrors, ValidationFailed) as exc:
            self.show_errors(exc.errors)
            return
        except RecordError as exc:
            self.clear_errors()
            self.show_banner("⚠ " + str(exc))
            return
        self.value = value
        super().accept()
