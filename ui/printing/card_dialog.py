"""File ▸ Print fever card…: choose the size (A4, Letter, wallet); preview, print, or PDF."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker import i18n
from tracker.i18n import N_
from tracker.store import RecordError
from ui.bridge import RecordBridge
from ui.contrast import error_style, hint_style
from ui.interaction import Interaction
from ui.language import page_language, page_languages
from ui.printing.card import (
    CARD_SIZES,
    SIZE_LABELS,
    CardRequest,
    fit_problem,
    make_card,
    page_layout,
    paint_card,
    write_card_pdf,
)
from ui.printing.preview import preview_dialog
from ui.printing.render import default_paper
from ui.screen_fit import fit_when_shown

FOLD_HINT = N_(
    "Wallet: print at actual size (100 %), cut along the edge, fold the left half behind "
    "the right at the dashed marks, then the bottom half behind the top: bank-card size "
    "(85.6 × 54 mm), with the name and the team's numbers on the front."
)
# What the chosen size gives on paper, under the size box (it follows the choice).
SIZE_HINTS = {
    "a4": N_(
        "A4: the whole card on one A4 page, to keep in the bag; print at actual size (100 %)."
    ),
    "letter": N_(
        "US Letter: the whole card on one Letter page, to keep in the bag; print at actual "
        "size (100 %)."
    ),
    "wallet": FOLD_HINT,
}


def page_language_choice(parent: QWidget) -> QComboBox:
    """ "Language of the page:" — the program's language first, each named in itself (a
    summary or a card printed for a hospital abroad)."""
    combo = QComboBox(parent)
    for code, name in page_languages():
        combo.addItem(name, code)
    return combo


def in_page_language(choice: QComboBox) -> AbstractContextManager[None]:
    """Text and values in the language chosen for the page inside the block; the window's
    own (its formats as they are) when that is the one chosen."""
    code = str(choice.currentData())
    return nullcontext() if code == i18n.language() else page_language(code)


class PrintCardDialog(QDialog):
    """The fever card of the current child, through the window's one reused QPrinter."""

    def __init__(
        self,
        bridge: RecordBridge,
        interaction: Interaction,
        printer: QPrinter | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        fit_when_shown(self)  # never larger than the screen
        self.bridge = bridge
        self.interaction = interaction
        self.printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        self.setWindowTitle(self.tr("Print fever card"))
        self.setMinimumWidth(480)
        child = bridge.current_child()
        assert child is not None and child.id is not None
        self.child_id = child.id
        intro = QLabel(
            self.tr(
                "One page to keep in the bag and hand to an emergency team that does not "
                "know {name}: the line, allergies, latest counts, medicines, the team's fever "
                "rule and phone numbers, as you entered them."
            ).format(name=child.name),
            self,
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.size = QComboBox(self)
        for key in CARD_SIZES:
            self.size.addItem(self.tr(SIZE_LABELS[key]), key)
        self.size.setCurrentIndex(self.size.findData(default_paper()))
        form.addRow(self.tr("&Size:"), self.size)
        self.page_language = page_language_choice(self)
        form.addRow(self.tr("&Language of the page:"), self.page_language)
        self.size_hint = hint = QLabel(self)
        hint.setWordWrap(True)
        hint.setStyleSheet(hint_style())
        form.addRow("", hint)
        self.size.currentIndexChanged.connect(self._show_size_hint)
        self._show_size_hint()
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        self.error.setObjectName("error")
        self.error.hide()
        self.preview_button = QPushButton(self.tr("Pre&view…"), self)
        self.print_button = QPushButton(self.tr("&Print…"), self)
        self.pdf_button = QPushButton(self.tr("Save as P&DF…"), self)
        row = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.pdf_button):
            row.addWidget(button)
        row.addStretch(1)
        self.preview_button.clicked.connect(self.preview)
        self.print_button.clicked.connect(self.print_)
        self.pdf_button.clicked.connect(self.save_pdf)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        # its own Alt letter: without one Alt+C fell through to the next Alt key
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.pdf_button.setDefault(True)

    def _show_size_hint(self) -> None:
        self.size_hint.setText(self.tr(SIZE_HINTS[str(self.size.currentData())]))

    def request(self) -> CardRequest:
        return CardRequest(self.child_id, str(self.size.currentData()))

    def _show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text)
        self.error.show()

    def _paint(self, printer: QPrinter, request: CardRequest) -> None:
        try:
            with in_page_language(self.page_language):
                paint_card(printer, make_card(self.bridge.record, self.child_id), request.size)
        except ValueError as exc:  # CardDoesNotFit on this printer's page
            self._show_error(str(exc))
        except OSError as exc:
            self._show_error(
                self.tr("Could not print the card: {reason}; check the printer.").format(
                    reason=exc.strerror or str(exc)
                )
            )

    def _prepare(self, request: CardRequest) -> None:
        self.printer.setPageLayout(page_layout(request.size))
        self.printer.setDocName(self.tr("Fever card"))

    def _refused(self, request: CardRequest) -> bool:
        """Show why the card cannot be printed readably, before any dialog opens."""
        with in_page_language(self.page_language):
            card = make_card(self.bridge.record, self.child_id)
        problem = fit_problem(card, request.size)
        if problem is not None:
            self._show_error(problem)
        return problem is not None

    def preview(self) -> None:
        request = self.request()
        if self._refused(request):
            return
        self._prepare(request)
        dialog = preview_dialog(self.printer, self, lambda printer: self._paint(printer, request))
        dialog.exec()

    def print_(self) -> None:
        request = self.request()
        if self._refused(request):
            return
        self._prepare(request)
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._paint(self.printer, request)

    def save_pdf(self) -> Path | None:
        request = self.request()
        child = self.bridge.record.child(self.child_id)
        first = child.name.split()[0].lower() if child.name.split() else "child"
        # in the language, ASCII only
        file_name = self.tr("{name}-fever-card-{size}.pdf").format(name=first, size=request.size)
        suggested = Path.home() / file_name
        target = self.interaction.save_file(
            self, self.tr("Save the fever card as PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        if target is None:
            return None
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        try:
            with in_page_language(self.page_language):
                write_card_pdf(self.bridge.record, request, target)
        except (OSError, RecordError, ValueError) as exc:
            self._show_error(str(exc))
            return None
        self.error.hide()
        self.interaction.info(
            self,
            self.tr("Fever card saved"),
            self.tr("Saved the fever card (1 page) to {file}.").format(file=target),
        )
        return target
