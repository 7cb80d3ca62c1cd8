"""Windows and dialogs that fit every screen, from 1024×600 (or 1920×1080 at 200 %: 960×540
logical pixels) up to 4K: what does not fit scrolls; nothing opens past the screen's edge.

- :class:`FormScroll`: a dialog's form in a vertical scroll area, asking for the room the
  form wants (Qt's QScrollArea asks for at most 24 lines) and content with a few lines;
- :class:`ScrollingTabs`: the main window's tabs, each page scrolling when the window is
  smaller than the page's least size;
- :func:`fit_when_shown`: every dialog, as it opens, made no larger than the screen's room
  and moved onto it (one helper for every dialog of the program).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QStyle, QTabWidget, QWidget

TITLE_BAR_ROOM = 48  # a title bar and a panel: what a window's frame may take on screen
SIDE_ROOM = 16  # a little of the screen on each side (the frame is counted apart)
FORM_LEAST_HEIGHT = 120  # the form's part of a dialog on the smallest screen: it scrolls


def screen_room(widget: QWidget, room: QRect | None = None) -> QRect:
    """Where a window of ``widget`` may be: ``room`` (a test's screen), else its screen's
    available geometry less a title bar."""
    if room is None:
        screen = widget.screen()
        room = screen.availableGeometry() if screen is not None else QRect(0, 0, 960, 540)
    return room.adjusted(SIDE_ROOM // 2, TITLE_BAR_ROOM // 2, -SIDE_ROOM // 2, -TITLE_BAR_ROOM // 2)


def frame_size(window: QWidget) -> QSize:
    """What the window's frame (title bar, borders) adds to its size."""
    return window.frameGeometry().size() - window.geometry().size()


def room_height(window: QWidget) -> int:
    """The height ``window`` (without its frame) may have on its screen."""
    return screen_room(window).height() - frame_size(window).height()


def fit_to_screen(window: QWidget, room: QRect | None = None) -> None:
    """Make ``window`` no wider or taller than the screen's room (never below its minimum
    size: what keeps a dialog usable there scrolls), and move it back onto the screen,
    centred on its parent window."""
    inside = screen_room(window, room).size() - frame_size(window)
    now = window.geometry().size()  # not size(): a dialog may name a field "size"
    size = now.boundedTo(inside).expandedTo(window.minimumSize())
    if size != now:
        window.resize(size)
    keep_on_screen(window, room)


def keep_on_screen(window: QWidget, room: QRect | None = None) -> None:
    """A window past the screen's edge (it grew, or was put in a corner under the panel)
    moves back: centred on its parent's window, its title bar and buttons on the screen."""
    inside = screen_room(window, room)
    frame = window.frameGeometry()
    if inside.contains(frame):
        return
    parent = window.parentWidget()
    frame.moveCenter(
        parent.window().frameGeometry().center() if parent is not None else inside.center()
    )
    frame.moveLeft(max(inside.left(), min(frame.left(), inside.right() - frame.width())))
    frame.moveTop(max(inside.top(), min(frame.top(), inside.bottom() - frame.height())))
    window.move(frame.topLeft())


class _FitWhenShown(QObject):
    """Watches one dialog: as it is shown, it is fitted to its screen."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        shown = event.type() == QEvent.Type.Show
        if shown and isinstance(watched, QWidget) and watched.isWindow():
            fit_to_screen(watched)
        return False


def fit_when_shown(dialog: QWidget) -> None:
    """Every time ``dialog`` opens, it is no larger than its screen's room and on it."""
    dialog.installEventFilter(_FitWhenShown(dialog))


_PAGE_CHANGES = (QEvent.Type.LayoutRequest, QEvent.Type.Resize)


class FormScroll(QScrollArea):
    """``page`` (a dialog's form) scrolling up and down, never sideways, without a frame.

    It asks for the height the page wants at its width (so a dialog opens as tall as its
    form on a large screen) and needs only FORM_LEAST_HEIGHT (a small screen scrolls it)."""

    def __init__(self, page: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields, not here
        self.setWidget(page)
        self.least_width = 0  # never narrower (the page's own least width aside)

    def _bar(self) -> int:
        extent = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return max(extent, self.verticalScrollBar().sizeHint().width())

    def sizeHint(self) -> QSize:
        page = self.widget()
        if page is None:
            return super().sizeHint()
        if page.layout() is not None:
            # fields added since the page's layout last ran (a dialog's __init__, before it
            # is shown): Qt keeps the old hint until the layout runs again
            page.layout().activate()
        hint = page.sizeHint()
        width = max(self.width(), hint.width())
        height = page.heightForWidth(width) if page.hasHeightForWidth() else -1
        return QSize(hint.width() + self._bar(), max(height, hint.height()))

    def minimumSizeHint(self) -> QSize:
        page = self.widget()
        width = page.minimumSizeHint().width() if page is not None else 0
        width = max(self.least_width, width + self._bar())
        return QSize(width, min(FORM_LEAST_HEIGHT, self.sizeHint().height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() in _PAGE_CHANGES:
            # the page grew (a message shown, a field widened): the dialog hears of it
            self.updateGeometry()
        return super().eventFilter(watched, event)


class _PageFollowsItsTab(QObject):
    """Hides the page inside a tab's scroll area when the tab widget hides the area (another
    tab chosen) and shows it again with it, before the tab widget moves the focus there: a
    view refreshes when shown, as in a plain QTabWidget, and the keyboard lands in it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QScrollArea) and not event.spontaneous():
            page = watched.widget()
            if page is not None and event.type() == QEvent.Type.Show:
                page.show()
            elif page is not None and event.type() == QEvent.Type.Hide and watched.isHidden():
                page.hide()  # its tab was left (not: the whole window hidden)
        return False


class ScrollingTabs(QTabWidget):
    """Tabs whose pages scroll (up and down, and sideways if they must) when the window is
    smaller than a page's least size, so the window itself can be made small.

    ``widget``, ``currentWidget``, ``indexOf`` and ``setCurrentWidget`` speak of the pages
    as added, not of the scroll areas around them; a page whose tab is not showing is
    hidden, as in a plain QTabWidget (views refresh when shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow = _PageFollowsItsTab(self)

    def addTab(self, page: QWidget, *args: Any) -> int:  # type: ignore[override]
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(page)
        index = super().addTab(scroll, *args)
        page.setVisible(not scroll.isHidden())
        scroll.installEventFilter(self._follow)
        return index

    def set_page(self, index: int, page: QWidget) -> None:
        """Put ``page`` in place of the page at ``index`` (a stand-in made first)."""
        scroll = self.scroll_area(index)
        if scroll is None:
            raise IndexError(index)  # i18n: not shown
        old = scroll.takeWidget()
        scroll.setWidget(page)
        page.setVisible(not scroll.isHidden())
        if old is not None:
            old.deleteLater()

    def widget(self, index: int) -> QWidget:  # type: ignore[override]
        scroll = super().widget(index)
        return scroll.widget() if isinstance(scroll, QScrollArea) else scroll

    def scroll_area(self, index: int) -> QScrollArea | None:
        scroll = super().widget(index)
        return scroll if isinstance(scroll, QScrollArea) else None

    def currentWidget(self) -> QWidget:  # type: ignore[override]
        return self.widget(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:  # type: ignore[override]
        for index in range(self.count()):
            if self.widget(index) is page:
                return index
        return -1

    def setCurrentWidget(self, page: QWidget) -> None:  # type: ignore[override]
        self.setCurrentIndex(self.indexOf(page))
