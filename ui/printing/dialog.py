"""File ▸ Print summary…: choose the range, sections, paper and redaction; preview, print, PDF."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from tracker import i18n
from tracker.dates import date_window, parse_date
from tracker.i18n import N_, trn
from tracker.model import Appointment
from tracker.progress import Progress
from tracker.store import RecordError
from tracker.summary import SummaryError, check_range, default_range
from ui.background import Job, Work
from ui.bridge import RecordBridge
from ui.contrast import error_style, hint_style
from ui.dialogs.base import DateField, scrolling
from ui.interaction import Interaction
from ui.language import page_language
from ui.printing.card_dialog import page_language_choice
from ui.printing.preview import PagesPreview
from ui.printing.render import (
    SECTIONS,
    SummaryPages,
    SummaryRequest,
    default_paper,
    make_summary,
    page_layout,
    paint_summary,
    write_pdf,
)
from ui.screen_fit import fit_when_shown

PROGRESS_AFTER_MS = 400  # work done sooner than this shows no progress window


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(total)
    dialog.setValue(done)


SECTION_LABELS = {
    "where": N_("Where we are and what is planned"),
    "medicines": N_("Medicines"),
    "since": N_("Milestones and notes in the range"),
    "counts": N_("Blood counts table"),
    "charts": N_("Timeline and count charts"),
    "cns": N_("Lumbar punctures (CNS prophylaxis)"),
    "temps": N_("Temperatures and symptoms"),
    "questions": N_("Open questions for the team"),
}
# A checkbox does not wrap: a long explanation goes in a wrapped line under it.
SECTION_HINTS = {
    "medicines": N_("The list to bring, dose changes, doses given since the last visit."),
}


class PrintSummaryDialog(QDialog):
    """One reused QPrinter (Frescobaldi's way); the summary is rebuilt for each output."""

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
        self.setWindowTitle(self.tr("Print summary"))
        self.setMinimumWidth(520)
        record = bridge.record
        child = bridge.current_child()
        assert child is not None and child.id is not None
        self.child_id = child.id
        self.nothing_new = ""  # the summary's own line when the range holds nothing new
        self.jobs: list[Job] = []  # the work running off the GUI thread (at most one)
        self.shown_preview: PagesPreview | None = None
        start, end, reason = default_range(record.entries(Appointment, child.id), record.today())
        form = QFormLayout()
        self.start = DateField(self, today=record.today())
        self.start.set_date(start)
        self.end = DateField(self, today=record.today())
        self.end.set_date(end)
        form.addRow(self.tr("&From:"), self.start)
        form.addRow(self.tr("&To:"), self.end)
        hint = QLabel(self.tr("Suggested: {reason}.").format(reason=reason), self)
        hint.setWordWrap(True)
        hint.setStyleSheet(hint_style())
        form.addRow("", hint)
        self.paper = QComboBox(self)
        for label, code in ((self.tr("A4"), "a4"), (self.tr("US Letter"), "letter")):
            self.paper.addItem(label, code)
        self.paper.setCurrentIndex(self.paper.findData(default_paper()))
        form.addRow(self.tr("P&aper:"), self.paper)
        self.page_language = page_language_choice(self)
        form.addRow(self.tr("&Language of the page:"), self.page_language)
        self.redact = QCheckBox(self.tr("&Redact: initials only"), self)
        form.addRow("", self.redact)
        form.addRow("", self._hint(self.tr("The child's name is left out of every page.")))
        sections = QGroupBox(self.tr("Sections"), self)
        box = QVBoxLayout(sections)
        self.section_boxes: dict[str, QCheckBox] = {}
        for key in SECTIONS:
            check = QCheckBox(self.tr(SECTION_LABELS[key]), self)
            check.setChecked(True)
            box.addWidget(check)
            if key in SECTION_HINTS:
                hint_line = self._hint(self.tr(SECTION_HINTS[key]))
                style = check.style()
                hint_line.setIndent(  # under the box's text
                    style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
                    + style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing)
                )
                box.addWidget(hint_line)
            self.section_boxes[key] = check
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        self.error.setObjectName("error")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        # its own Alt letter: without one Alt+C fell through to the next Alt key
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Close"))
        buttons.rejected.connect(self.reject)
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
        # the choices scroll on a small screen (960x540 at 200 %, with the page's language
        # and the sections' lines); the error, the print buttons and Close stay in sight
        page = QWidget(self)
        choices = QVBoxLayout(page)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.addLayout(form)
        choices.addWidget(sections)
        layout = QVBoxLayout(self)
        layout.addWidget(scrolling(page, self), 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.pdf_button.setDefault(True)

    def _hint(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setStyleSheet(hint_style())
        return label

    # ------------------------------------------------------------------ the request

    def request(self) -> SummaryRequest | None:
        """The choices as a request, or None with the reason shown."""
        record = self.bridge.record
        window = date_window(record.today(), record.child(self.child_id).birth_date)
        try:
            start = parse_date(self.start.text(), "From", window)
            end = parse_date(self.end.text(), "To", window)
        except ValueError as exc:
            self._show_error(str(exc))
            return None
        sections = frozenset(k for k, box in self.section_boxes.items() if box.isChecked())
        if not sections:
            self._show_error(self.tr("Choose at least one section to print."))
            return None
        request = SummaryRequest(
            child_id=self.child_id,
            start=start,
            end=end,
            redact=self.redact.isChecked(),
            paper=str(self.paper.currentData()),
            units=self.bridge.unit_preference,
            sections=sections,
        )
        try:
            if start is not None and end is not None:  # either left empty: birth, today
                check_range(start, end)
        except SummaryError as exc:  # a range that ends before it starts
            self._show_error(str(exc))
            return None
        self.error.hide()
        return request

    def _show_error(self, text: str) -> None:
        self.error.setText("⚠ " + text)
        self.error.show()

    def _prepare_printer(self, request: SummaryRequest) -> None:
        self.printer.setPageLayout(page_layout(request.paper))
        self.printer.setDocName(self.tr("Treatment summary"))

    def _language(self) -> Callable[[], AbstractContextManager[None]]:
        """The page's language as a context to enter later (on the worker too: the combo
        box is read here, on the GUI thread)."""
        code = str(self.page_language.currentData())
        shown = i18n.language()
        return lambda: nullcontext() if code == shown else page_language(code)

    def in_background(self, title: str, work: Work) -> tuple[bool, Any]:
        """Run ``work`` off the GUI thread, a window-modal progress with Cancel meanwhile
        (so nothing is saved while it reads); the window's events keep turning.  Returns
        (True, its result), or (False, None) when cancelled; raises what the work raised."""
        progress = QProgressDialog(title, self.tr("Cancel"), 0, 0, self)
        progress.setWindowTitle(self.tr("Print summary"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(PROGRESS_AFTER_MS)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        outcome: dict[str, Any] = {}
        loop = QEventLoop(self)
        job = Job(
            title,
            work,
            on_done=lambda value: outcome.update(done=value),
            on_error=lambda exc: outcome.update(error=exc),
            on_cancelled=lambda: outcome.update(cancelled=True),
            cancellable=True,
            parent=self,
        )
        job.progressed.connect(lambda done, total: _show_progress(progress, done, total))
        progress.canceled.connect(job.cancel)
        job.ended.connect(loop.quit)
        self.jobs.append(job)
        job.start()
        loop.exec()
        progress.close()
        progress.deleteLater()
        self.jobs.remove(job)
        if "error" in outcome:
            raise outcome["error"]
        if "done" in outcome:
            return True, outcome["done"]
        return False, None

    def _paint(self, printer: QPrinter, request: SummaryRequest) -> None:
        record, language = self.bridge.record, self._language()

        def work(progress: Progress) -> int:
            reader = record.reader()
            try:
                with language():
                    summary = make_summary(reader, request)
                    return paint_summary(printer, reader, request, summary, progress)
            finally:
                reader.close()

        try:
            self.in_background(self.tr("Printing the summary…"), work)
        except OSError as exc:  # the printer would not start or finish the pages
            self._show_error(
                self.tr("Could not print the summary: {reason}; check the printer.").format(
                    reason=exc.strerror or str(exc)
                )
            )

    # ------------------------------------------------------------------ outputs

    def preview(self) -> None:
        request = self.request()
        if request is None:
            return
        self._prepare_printer(request)
        record, language = self.bridge.record, self._language()

        def lay_out(progress: Progress) -> SummaryPages:
            reader = record.reader()
            try:
                with language():
                    summary = make_summary(reader, request)
                    pages = SummaryPages(reader, request, summary, progress=progress)
            finally:
                reader.close()
            return pages  # painted on the same thread, a page at a time

        dialog = PagesPreview(
            self,
            lay_out,
            language,
            page_layout(request.paper),
            on_print=self.print_,
            on_pdf=self.save_pdf,
        )
        self.shown_preview = dialog
        dialog.exec()

    def print_(self) -> None:
        request = self.request()
        if request is None:
            return
        self._prepare_printer(request)
        dialog = QPrintDialog(self.printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._paint(self.printer, request)

    def save_pdf(self) -> Path | None:
        request = self.request()
        if request is None:
            return None
        child = self.bridge.record.child(self.child_id)
        name = "" if request.redact else f"{child.name.split()[0].lower()}-"
        # a file's name in the language, ASCII only (names travel to other computers)
        file_name = self.tr("{name}summary-{date}.pdf").format(
            name=name, date=self.bridge.record.today().isoformat()
        )
        suggested = Path.home() / file_name
        target = self.interaction.save_file(
            self, self.tr("Save the summary as PDF"), suggested, self.tr("PDF files (*.pdf)")
        )
        if target is None:
            return None
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        record, language = self.bridge.record, self._language()

        def work(progress: Progress) -> tuple[int, str]:
            reader = record.reader()
            try:
                with language():
                    summary = make_summary(reader, request)
                    pages = write_pdf(reader, request, target, summary=summary, progress=progress)
                return pages, summary.nothing_new
            finally:
                reader.close()

        try:
            finished, result = self.in_background(self.tr("Saving the summary as PDF…"), work)
        except (OSError, RecordError, SummaryError) as exc:
            self._show_error(str(exc))
            return None
        if not finished:  # cancelled: no file written, the old one as it was
            return None
        pages, self.nothing_new = result
        self.interaction.info(
            self,
            self.tr("Summary saved"),
            " ".join(
                t
                for t in (
                    trn("Saved {n} page to {file}.", "Saved {n} pages to {file}.", pages).format(
                        n=pages, file=target
                    ),
                    self.nothing_new,
                )
                if t
            ),
        )
        return target
