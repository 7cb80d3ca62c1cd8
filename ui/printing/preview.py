"""Print previews on most of the screen, the page at its width: Qt's for the one-page
fever card, and the summary's own (:class:`PagesPreview`), which lays the pages out off the
GUI thread and paints only those shown (Qt's asks for every page before showing one)."""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, QThread, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeySequence,
    QPageLayout,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import trn
from tracker.progress import Cancelled, Progress
from ui.background import POLL_MS
from ui.plain import plain_label
from ui.printing.render import DOC_DPI, SummaryPages

SCREEN_SHARE = 0.8  # of the screen's room: Qt's own size showed a page at 38 % in a corner


def preview_dialog(
    printer: QPrinter, parent: QWidget, paint: Callable[[QPrinter], None]
) -> QPrintPreviewDialog:
    """A preview of what ``paint`` puts on ``printer``, 80 % of the screen, centred on it,
    zoomed to the page's width (Fit width is the one checked in its tool bar)."""
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.paintRequested.connect(paint)
    room = parent.screen().availableGeometry()
    size = room.size() * SCREEN_SHARE
    frame = QRect(room.topLeft(), size)
    frame.moveCenter(room.center())
    dialog.setGeometry(frame)
    fit_width = dialog.findChild(QAction, "fitWidthAction")
    if fit_width is not None:
        fit_width.trigger()  # the tool bar's button and the zoom both
    widget = dialog.findChild(QPrintPreviewWidget)
    if widget is not None:
        widget.setZoomMode(QPrintPreviewWidget.ZoomMode.FitToWidth)
    return dialog


# --------------------------------------------------------------------------- the summary's own

ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)  # of the page's width fitted to the view
GAP = 12  # pixels between pages
KEPT = 8  # page pictures kept (memory stays bounded however long the summary)


class PageView(QWidget):
    """One page's place in the column: the page's size at the zoom, its picture drawn
    when it comes into sight (Qt paints only what is visible)."""

    def __init__(self, preview: PagesPreview, page: int) -> None:
        super().__init__(preview.column)
        self.preview = preview
        self.page = page
        self.setAccessibleName(preview.tr("Page {n}").format(n=page + 1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        image = self.preview.picture(self.page, self.size())
        if image is None:  # asked for: drawn when the painter thread has it
            painter.fillRect(self.rect(), QColor("white"))
        else:
            painter.drawImage(0, 0, image)
        painter.end()


class _Thread(QThread):
    def __init__(self, run: Callable[[], None]) -> None:
        super().__init__()
        self._target = run

    def run(self) -> None:
        self._target()


class PagePainter:
    """The thread a preview's pages are laid out and painted on.

    Qt's text layout keeps its fonts per thread, so the pages are laid out, painted and
    dropped on this one thread.  It lays out a small step at a time
    (:meth:`SummaryPages.step`) and, between steps, paints the pages the GUI thread asks
    for (:meth:`want`) as soon as they are laid out: page 1 is on screen long before the
    last is laid out.  The GUI thread hears of it all through :meth:`news` (it polls).
    Memory stays bounded: the few documents the pages keep, and the pictures the preview
    keeps."""

    def __init__(
        self,
        lay_out: Callable[[Progress], SummaryPages],
        in_language: Callable[[], AbstractContextManager[None]],
        paper: QPageLayout,
    ) -> None:
        self._lay_out, self._in_language, self._paper = lay_out, in_language, paper
        self._news: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._wanted: list[tuple[int, int, int]] = []
        self._stop = False  # the preview is closed: the thread ends
        self._halt = False  # Stop pressed: no more laying out (the pages laid out stay)
        # a QThread, not a Python thread: Qt drops its per-thread font cache while the
        # thread's event dispatcher still exists (no "QBasicTimer" warnings at its end)
        self._thread = _Thread(self._run)
        self._thread.start()

    # the GUI side
    def want(self, key: tuple[int, int, int]) -> None:
        with self._lock:
            if key not in self._wanted:
                self._wanted.append(key)
                self._lock.notify()

    def only(self, keys: set[tuple[int, int, int]]) -> None:
        """Forget the pages asked for that are out of sight now."""
        with self._lock:
            self._wanted = [k for k in self._wanted if k in keys]

    def news(self) -> list[tuple[Any, ...]]:
        found = []
        while True:
            try:
                found.append(self._news.get_nowait())
            except queue.Empty:
                return found

    def halt(self) -> None:
        """Stop laying out at the next step; the pages laid out can still be painted."""
        with self._lock:
            self._halt = True
            self._lock.notify()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify()
        self._thread.wait()

    # the thread's side
    def _progress(self, done: int, total: int) -> None:
        if self._stop or self._halt:
            raise Cancelled
        self._news.put(("progress", done, total))

    def _run(self) -> None:
        try:
            pages = self._lay_out(self._progress)
        except Cancelled:
            self._news.put(("cancelled", 0))
            return
        except BaseException as exc:  # told to the GUI thread
            self._news.put(("error", exc))
            return
        try:
            self._serve(pages)
        finally:
            pages.drop()  # the documents go on the thread that made them
            del pages

    def _next(self, pages: SummaryPages, laying_out: bool) -> tuple[int, int, int] | None:
        """A page asked for and laid out, or None when the next thing is a layout step;
        waits while there is nothing to do.  Raises StopIteration once closed."""
        with self._lock:
            while True:
                if self._stop:
                    raise StopIteration
                for key in self._wanted:
                    if key[0] < pages.pages:
                        self._wanted.remove(key)
                        return key
                if laying_out and not self._halt:
                    return None
                self._lock.wait()

    def _serve(self, pages: SummaryPages) -> None:
        told = -1
        laying_out = True
        while True:
            try:
                key = self._next(pages, laying_out)
            except StopIteration:
                return
            if key is not None:
                self._news.put(("page", key, self._paint(pages, key), pages.done))
                continue
            try:
                with self._in_language():
                    more = pages.step()
            except Cancelled:
                laying_out = False
                self._news.put(("cancelled", pages.pages))
                continue
            except BaseException as exc:  # told to the GUI thread
                laying_out = False
                self._news.put(("error", exc))
                continue
            if not more:
                laying_out = False
            if pages.pages != told or not more:
                told = pages.pages
                self._news.put(("pages", told, not more))

    def _paint(self, pages: SummaryPages, key: tuple[int, int, int]) -> QImage:
        page, width, height = key
        image = QImage(width, height, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        full = self._paper.fullRect(QPageLayout.Unit.Inch)
        per_inch = width / full.width()
        margins = self._paper.margins(QPageLayout.Unit.Inch)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.translate(margins.left() * per_inch, margins.top() * per_inch)
        with self._in_language():
            pages.paint_page(painter, page, per_inch / DOC_DPI)
        painter.end()
        return image


class PagesPreview(QDialog):
    """The summary's print preview: the pages laid out off the GUI thread (progress and
    Cancel meanwhile), then each page painted into a picture only when it is shown, a few
    kept.  Page Up / Page Down / Home / End move between pages, Ctrl++ / Ctrl+- zoom;
    Print… and Save as PDF… hand back to the print dialog."""

    def __init__(
        self,
        parent: QWidget,
        layout_work: Callable[[Progress], SummaryPages],
        in_language: Callable[[], AbstractContextManager[None]],
        paper: QPageLayout,
        on_print: Callable[[], object],
        on_pdf: Callable[[], object],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Print preview"))
        self.in_language = in_language
        self.paper = paper
        self.zoom = 1.0
        self.painted: list[int] = []  # the pages painted, in order (tests look)
        self.laid_out = 0  # pages laid out so far
        self.finished = False  # every page laid out (the footers say "of N")
        self._asked: set[tuple[int, int, int]] = set()
        self._pictures: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._views: list[PageView] = []

        bar = QHBoxLayout()
        self.previous = self._button(self.tr("&Previous page"), self.tr("Page Up"))
        self.previous.clicked.connect(lambda: self.go(self.current() - 1))
        bar.addWidget(self.previous)
        self.page_box = QSpinBox(self)
        self.page_box.setAccessibleName(self.tr("Page number"))
        self.page_box.setMinimum(1)
        self.page_box.setMaximum(1)
        self.page_box.valueChanged.connect(lambda n: self.go(n - 1))
        bar.addWidget(self.page_box)
        self.of_pages = plain_label("", self)
        bar.addWidget(self.of_pages)
        self.next = self._button(self.tr("&Next page"), self.tr("Page Down"))
        self.next.clicked.connect(lambda: self.go(self.current() + 1))
        bar.addWidget(self.next)
        self.zoom_out = self._button(self.tr("Zoom &out"), self.tr("Ctrl+-"))
        self.zoom_out.clicked.connect(lambda: self.step_zoom(-1))
        bar.addWidget(self.zoom_out)
        self.zoom_label = plain_label("", self)
        bar.addWidget(self.zoom_label)
        self.zoom_in = self._button(self.tr("Zoom &in"), self.tr("Ctrl++"))
        self.zoom_in.clicked.connect(lambda: self.step_zoom(1))
        bar.addWidget(self.zoom_in)
        bar.addStretch(1)
        actions = QHBoxLayout()  # a row of their own: the dialog fits a small screen
        actions.addStretch(1)
        self.print_button = self._button(self.tr("P&rint…"), "")
        self.print_button.clicked.connect(on_print)
        actions.addWidget(self.print_button)
        self.pdf_button = self._button(self.tr("Save as P&DF…"), "")
        self.pdf_button.clicked.connect(on_pdf)
        actions.addWidget(self.pdf_button)
        close = self._button(self.tr("&Close"), "")
        close.clicked.connect(self.reject)
        actions.addWidget(close)

        self.status = plain_label(self.tr("Laying out the pages…"), self)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setAccessibleName(self.tr("Laying out the pages"))
        self.cancel_button = self._button(self.tr("&Stop"), "")
        status = QHBoxLayout()
        status.addWidget(self.status, 1)
        status.addWidget(self.progress_bar)
        status.addWidget(self.cancel_button)

        self.scroll = QScrollArea(self)
        self.scroll.setAccessibleName(self.tr("Pages"))
        self.scroll.setWidgetResizable(False)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Dark)
        self.column = QWidget()
        self.scroll.setWidget(self.column)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(status)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(actions)
        for key, delta in (
            (QKeySequence.StandardKey.MoveToPreviousPage, -1),
            (QKeySequence.StandardKey.MoveToNextPage, 1),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda d=delta: self.go(self.current() + d))
        for key, page in ((Qt.Key.Key_Home, 0), (Qt.Key.Key_End, -1)):
            shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | key), self)
            shortcut.activated.connect(lambda p=page: self.go(p))
        for key, delta in (
            (QKeySequence.StandardKey.ZoomIn, 1),
            (QKeySequence.StandardKey.ZoomOut, -1),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda d=delta: self.step_zoom(d))
        self._set_enabled(False)
        self._show_zoom()

        room = parent.screen().availableGeometry()
        frame = QRect(room.topLeft(), room.size() * SCREEN_SHARE)
        frame.moveCenter(room.center())
        self.setGeometry(frame)

        self.worker = PagePainter(layout_work, in_language, paper)
        self.cancel_button.clicked.connect(self._cancel)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def _button(self, text: str, key: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        if key:
            button.setToolTip(f"{text.replace('&', '')} ({key})")
        return button

    # ------------------------------------------------------------------ the layout job

    def poll(self) -> None:
        """Take what the painter thread said: progress, the page count, pictures."""
        for news in self.worker.news():
            what = news[0]
            if what == "progress":
                self.progress_bar.setRange(0, max(news[2], 1))
                self.progress_bar.setValue(news[1])
            elif what == "pages":
                self._grew(news[1], news[2])
            elif what == "page":
                key, image, final = news[1], news[2], news[3]
                self._asked.discard(key)
                if self.finished and not final:  # its footer lacks the page count
                    self._views[key[0]].update()
                    continue
                self._pictures[key] = image
                while len(self._pictures) > KEPT:
                    self._pictures.popitem(last=False)
                self.painted.append(key[0])
                if key[0] < len(self._views):
                    self._views[key[0]].update()
            elif what == "error":
                self._failed(news[1])
            elif what == "cancelled":
                self._stopped(news[1])

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.worker.halt()  # seen at the layout's next step

    def _grew(self, count: int, done: bool) -> None:
        """``count`` pages are laid out (``done``: all of them): their places in the
        column, the page box's range; once done, the pictures painted before (their
        footers without the page count) are painted again."""
        first = self.laid_out == 0 and count > 0
        self.laid_out = count
        self.page_box.setMaximum(max(count, 1))
        if done:
            self.finished = True
            self.status.setText(trn("{n} page", "{n} pages", count).format(n=count))
            self.of_pages.setText(self.tr("of {n}").format(n=count))
            self.progress_bar.hide()
            self.cancel_button.hide()
            self._pictures.clear()
        else:
            self.of_pages.setText(self.tr("of {n}…").format(n=count))
        while len(self._views) < count:
            view = PageView(self, len(self._views))
            self._views.append(view)
            view.show()
        if first:
            self._set_enabled(True)
            self._show_zoom()
        self._place()
        if done:
            for view in self._views:
                view.update()

    def _failed(self, error: BaseException) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        reason = getattr(error, "strerror", None) or str(error)
        self.status.setText(self.tr("Could not lay out the pages: {reason}").format(reason=reason))

    def _stopped(self, count: int) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        if count:
            self.status.setText(
                trn(
                    "Stopped after {n} page: the rest is not laid out.",
                    "Stopped after {n} pages: the rest is not laid out.",
                    count,
                ).format(n=count)
            )
        else:
            self.status.setText(self.tr("Stopped: no pages to show."))

    def _set_enabled(self, on: bool) -> None:
        for w in (self.previous, self.next, self.page_box, self.zoom_in, self.zoom_out):
            w.setEnabled(on)

    def done(self, result: int) -> None:
        self._timer.stop()
        self.worker.stop()
        super().done(result)

    # ------------------------------------------------------------------ pages and zoom

    def page_size(self) -> QSize:
        """A page's size on screen: its width fitted to the view, times the zoom."""
        full = self.paper.fullRect(QPageLayout.Unit.Point)
        room = max(self.scroll.viewport().width() - 2 * GAP, 100)
        width = int(room * self.zoom)
        return QSize(width, int(width * full.height() / full.width()))

    def _place(self) -> None:
        size = self.page_size()
        for i, view in enumerate(self._views):
            view.setGeometry(GAP, GAP + i * (size.height() + GAP), size.width(), size.height())
        self.column.resize(size.width() + 2 * GAP, GAP + len(self._views) * (size.height() + GAP))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def step_zoom(self, delta: int) -> None:
        at = self.current()
        index = min(range(len(ZOOMS)), key=lambda i: abs(ZOOMS[i] - self.zoom))
        self.zoom = ZOOMS[max(0, min(len(ZOOMS) - 1, index + delta))]
        self._show_zoom()
        self._place()
        self.go(at)

    def _show_zoom(self) -> None:
        self.zoom_label.setText(self.tr("{percent} %").format(percent=round(self.zoom * 100)))
        self.zoom_out.setEnabled(self.laid_out > 0 and self.zoom > ZOOMS[0])
        self.zoom_in.setEnabled(self.laid_out > 0 and self.zoom < ZOOMS[-1])

    def current(self) -> int:
        step = self.page_size().height() + GAP
        return min(
            self.scroll.verticalScrollBar().value() // max(step, 1), max(self.count() - 1, 0)
        )

    def count(self) -> int:
        return self.laid_out

    def go(self, page: int) -> None:
        if not self.count():
            return
        page = page % self.count() if page < 0 else min(page, self.count() - 1)
        step = self.page_size().height() + GAP
        self.scroll.verticalScrollBar().setValue(page * step)
        self._scrolled()

    def _scrolled(self) -> None:
        self._scrolled_away()
        if self.count():
            self.page_box.blockSignals(True)
            self.page_box.setValue(self.current() + 1)
            self.page_box.blockSignals(False)

    def picture(self, page: int, size: QSize) -> QImage | None:
        """Page ``page`` at ``size`` if painted (one of the last few), else None and
        asked of the painter thread (the pages out of sight are no longer asked for)."""
        key = (page, size.width(), size.height())
        image = self._pictures.get(key)
        if image is not None:
            self._pictures.move_to_end(key)
            return image
        if key not in self._asked:
            self._asked.add(key)
            self.worker.want(key)
        return None

    def _scrolled_away(self) -> None:
        """Keep asking only for the pages in sight."""
        top = self.scroll.verticalScrollBar().value()
        bottom = top + self.scroll.viewport().height()
        seen = {
            k
            for k in self._asked
            if k[0] < len(self._views)
            and self._views[k[0]].geometry().bottom() >= top
            and self._views[k[0]].geometry().top() <= bottom
        }
        self._asked = seen
        self.worker.only(seen)
