"""The interactive timeline: zoom, pan, hover, click and keyboard, over the shared painter."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.timeline import Lane, Ref, Timeline, preset_range
from ui.plain import plain_tooltip
from ui.timeline.painter import (
    Geometry,
    TimelinePainter,
    ink_for,
    is_thin,
    label_font,
    required_height,
)

MIN_DAYS = 5.0
MAX_DAYS = 365.25 * 30


@dataclass(frozen=True)
class Hit:
    ref: Ref
    tooltip: str
    rect: QRectF


class TimelineWidget(QWidget):
    """Shows a :class:`Timeline` for a range of days.

    Signals:
        item_activated(Ref): a phase, milestone, LP or count was clicked or Entered.
        range_changed(float, float): the visible days changed (zoom or pan).
    """

    # Screen repaints blit the finished picture of everything but the focus (see _picture);
    # False paints it all each time (what the tests compare the picture with).
    use_picture = True

    item_activated = Signal(object)
    item_focused = Signal(QRectF)  # where the item Tab moved to is (to scroll it into view)
    range_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Timeline"))
        self.setAccessibleDescription(
            self.tr(
                "Phases, milestones, lumbar punctures and blood counts on one time axis. "
                "Plus and minus zoom, Left and Right move in time, Tab or Up and Down move "
                "between items, Enter opens one; Alt+T lists them all as a table."
            )
        )
        self.painter = TimelinePainter()
        self.opening_preset = "3m"  # the range a new timeline opens on (tracker.timeline)
        self.timeline: Timeline | None = None
        self.x0 = 0.0
        self.x1 = 1.0
        self._hits: list[Hit] = []
        self._lane_hit_lists: dict[str, list[Hit]] = {}  # a lane's key → its items' boxes
        self._hits_of: Timeline | None = None  # the timeline those are of
        self._geometry_of: tuple[tuple[object, ...], Geometry] | None = None
        self._focused: Ref | None = None
        self._own_name: str | None = None  # the accessible name while an item names it
        self._drag_from: QPointF | None = None
        self._drag_range = (0.0, 1.0)
        self._dragged = False
        # Another day is under the pointer: the tooltip (Qt hides it on a wheel turn or a
        # click, not on the keys that pan and zoom) would name what is no longer there.
        self.range_changed.connect(self._hide_tip)
        self.range_changed.connect(self._fit_height)
        self._picture_image: QImage | None = None
        self._picture_of: tuple[object, ...] = ()
        self._picture_timeline: Timeline | None = None
        self.pictures_painted = 0  # how many finished pictures were painted (for tests)

    def sizeHint(self) -> QSize:
        return QSize(900, 520)

    # ------------------------------------------------------------------ data

    def set_timeline(self, timeline: Timeline, keep_range: bool = True) -> None:
        first = self.timeline is None
        self.timeline = timeline
        if first or not keep_range:
            self.apply_preset(self.opening_preset)
        self._fit_height()
        self._forget_hits()
        self.update()

    def _fit_height(self) -> None:
        """Every lane keeps its least height (a small window scrolls instead of losing the
        charts); a lane with nothing in the dates shown is thin, so that height follows
        the range."""
        if self.timeline is not None:
            need = required_height(self.timeline, self.painter.style, self.x0, self.x1)
            self.setMinimumHeight(int(need + 0.5))

    def highlight(self, ref: Ref | None, x: float | None = None) -> None:
        """Ring ``ref`` (e.g. the table's selected result); bring day ``x`` into view."""
        self._focused = ref
        if x is not None and not self.x0 <= x <= self.x1:
            days = self.x1 - self.x0
            self.set_range(x - days * 0.7, x + days * 0.3)
        self.update()

    def visible_range(self) -> tuple[float, float]:
        return self.x0, self.x1

    def set_range(self, x0: float, x1: float) -> None:
        days = min(max(x1 - x0, MIN_DAYS), MAX_DAYS)
        centre = (x0 + x1) / 2
        self.x0, self.x1 = centre - days / 2, centre + days / 2
        self._forget_hits()
        self.update()
        self.range_changed.emit(self.x0, self.x1)

    def apply_preset(self, kind: str) -> None:
        if self.timeline is None:
            return
        self.set_range(*preset_range(kind, self.timeline))

    def zoom(self, factor: float, anchor_px: float | None = None) -> None:
        """factor > 1 zooms in, around the pointer's day (``anchor_px``, the wheel), else
        around today when it is in view, else the ringed entry (the table's selection, the
        item Tab moved to), else the middle: "+" never pushes today or the data away."""
        plot = self._plot()
        if anchor_px is None:
            anchor_px = self._zoom_anchor(plot)
        if anchor_px is None or plot.width() <= 0:
            anchor = (self.x0 + self.x1) / 2
            frac = 0.5
        else:
            frac = min(max((anchor_px - plot.left()) / plot.width(), 0.0), 1.0)
            anchor = self.x0 + frac * (self.x1 - self.x0)
        days = min(max((self.x1 - self.x0) / factor, MIN_DAYS), MAX_DAYS)
        self.x0 = anchor - frac * days
        self.x1 = self.x0 + days
        self._forget_hits()
        self.update()
        self.range_changed.emit(self.x0, self.x1)

    def _zoom_anchor(self, plot: QRectF) -> float | None:
        """Where "+" and "−" zoom around, in widget pixels (None: the middle)."""
        if self.timeline is None or plot.width() <= 0:
            return None
        today = self.timeline.today + 0.5
        if self.x0 <= today <= self.x1:
            return plot.left() + (today - self.x0) / (self.x1 - self.x0) * plot.width()
        if self._focused is not None:
            hit = next((h for h in self.hit_items() if h.ref == self._focused), None)
            if hit is not None and plot.left() <= hit.rect.center().x() <= plot.right():
                return hit.rect.center().x()
        return None

    def pan(self, fraction: float) -> None:
        shift = (self.x1 - self.x0) * fraction
        self.set_range(self.x0 + shift, self.x1 + shift)

    def _plot(self) -> QRectF:
        style = self.painter.style
        return QRectF(style.title_width, 0, self.width() - style.title_width - 8, self.height())

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            if self.use_picture and self.timeline is not None:
                p.drawImage(QPointF(0, 0), self._picture())
            else:
                self._paint_static(p)
            if self.timeline is None:
                return
            if self._focused is not None:  # its ring where it is drawn (none where not)
                ref = self._focused
                self.painter.paint_focus(
                    p, QRectF(self.rect()), self.timeline, self.x0, self.x1, (ref.kind, ref.id)
                )
            if self.hasFocus():
                p.setPen(QColor("#0072B2"))
                p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        finally:
            p.end()

    def _paint_static(self, p: QPainter) -> None:
        """Everything but the focus: the background, the lanes, the axis and the labels."""
        # the window's own background: the painter's ink follows the palette (ink_for)
        p.fillRect(self.rect(), self.palette().base())
        if self.timeline is not None:
            palette = self.palette()
            self.painter.ink = ink_for(palette.base().color(), palette.text().color())
            self.painter.paint(p, QRectF(self.rect()), self.timeline, self.x0, self.x1)

    def _picture(self) -> QImage:
        """The finished picture of :meth:`_paint_static` at the screen's pixel ratio, kept
        while nothing it is drawn from changes: the timeline (a new one for every change
        to the record, the lanes shown or the threshold lines), the range, the size, the
        pixel ratio, the colours, the font and the style.  A repaint for the focus, a
        tooltip, a dialog on top or a scroll only puts it on the screen again."""
        ratio = self.devicePixelRatioF()
        key = (
            self.width(),
            self.height(),
            ratio,
            self.x0,
            self.x1,
            self.palette().cacheKey(),
            self.palette().base().color().rgba(),
            self.palette().windowText().color().rgba(),
            self.font().key(),
            copy.deepcopy(self.painter.style),
        )
        image = self._picture_image
        if (
            image is not None
            and self._picture_timeline is self.timeline
            and key == self._picture_of
        ):
            return image
        image = QImage(
            max(round(self.width() * ratio), 1),
            max(round(self.height() * ratio), 1),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(ratio)
        p = QPainter(image)
        try:  # what a painter on the widget itself starts with
            p.setPen(QPen(self.palette().color(self.foregroundRole())))
            p.setBrush(self.palette().brush(self.backgroundRole()))
            p.setFont(self.font())
            self._paint_static(p)
        finally:
            p.end()
        self._picture_image, self._picture_of, self._picture_timeline = image, key, self.timeline
        self.pictures_painted += 1
        return image

    def render_range(self, p: QPainter, rect: QRectF, x0: float, x1: float) -> None:
        """Paint any range at any size on any QPainter (PNG, PDF, printer)."""
        if self.timeline is not None:
            self.painter.paint(p, rect, self.timeline, x0, x1)

    # ------------------------------------------------------------------ hit testing

    def hit_items(self) -> list[Hit]:
        """Everything drawn in the visible range, left to right, with its screen box: made
        when first asked for after a change (a Tab or arrow key), not on every zoom step."""
        if self._hits or self.timeline is None:
            return self._hits
        hits = [h for lane in self.timeline.lanes for h in self._lane_hits(lane)]
        hits.sort(key=lambda h: (h.rect.left(), h.rect.top()))
        self._hits = hits
        return hits

    def _geometry(self):  # type: ignore[no-untyped-def]
        """The lanes' boxes for the range and size shown (kept until either changes)."""
        from ui.timeline.painter import layout_lanes

        assert self.timeline is not None
        key = (self.timeline, self.x0, self.x1, self.width(), self.height())
        if self._geometry_of is None or self._geometry_of[0] != key:
            g = layout_lanes(
                self.timeline, QRectF(self.rect()), self.painter.style, self.x0, self.x1
            )
            self._geometry_of = (key, g)
        return self._geometry_of[1]

    def _lane_hits(self, lane: Lane) -> list[Hit]:
        """What ``lane`` draws in the visible range, with its screen boxes (kept per lane
        until the range, the size or the timeline changes: a hover looks only at the
        lane under the pointer)."""
        if self._hits_of is not self.timeline:
            self._lane_hit_lists = {}
            self._hits_of = self.timeline
        found = self._lane_hit_lists.get(lane.key)
        if found is not None:
            return found
        geometry = self._geometry()
        plot = geometry.plot
        scale = plot.width() / max(self.x1 - self.x0, 1e-9)

        def px(x: float) -> float:
            return plot.left() + (x - self.x0) * scale

        hits: list[Hit] = []
        style = self.painter.style
        area = geometry.lanes[lane.key]
        if lane.drawn_as_spans:
            for s in lane.visible_spans(self.x0, self.x1):
                r = QRectF(
                    px(s.x0),
                    area.top() + s.row * style.phase_row,
                    max(px(s.x1) - px(s.x0), 4),
                    style.phase_row,
                )
                hits.append(Hit(s.ref, s.tooltip, r))
        elif lane.series is not None:
            series = lane.series
            inner = area.adjusted(0, 6, 0, -4)
            y_min, y_max = series.scale(self.x0, self.x1)
            span = y_max - y_min or 1.0
            i, j = series.visible_slice(self.x0, self.x1)
            if j - i <= plot.width() / 4:  # else too dense to point at one result; zoom in
                for pt in series.points[i:j]:
                    if not self.x0 <= pt.x <= self.x1:
                        continue
                    y = inner.bottom() - (pt.y - y_min) / span * inner.height()
                    hits.append(Hit(pt.ref, pt.tooltip, QRectF(px(pt.x) - 5, y - 5, 10, 10)))
        elif not is_thin(lane, self.x0, self.x1):
            # the marks where paint() draws them: the same placement, kept by the painter
            plot_area = QRectF(plot.left(), area.top(), plot.width(), area.height())
            font = label_font(self.font(), style)
            for item in self.painter.marks_placed(lane, plot_area, self.x0, self.x1, px, font):
                hits.append(
                    Hit(item.mark.ref, item.mark.tooltip, QRectF(item.cx - 8, item.cy - 8, 16, 16))
                )
        self._lane_hit_lists[lane.key] = hits
        return hits

    def _forget_hits(self) -> None:
        """The items' boxes are of another range or size: made again when next asked for."""
        self._hits = []
        self._lane_hit_lists = {}

    def hit_at(self, pos: QPointF) -> Hit | None:
        if self.timeline is None:
            return None
        geometry = self._geometry()
        under: list[Hit] = []
        for lane in self.timeline.lanes:
            area = geometry.lanes.get(lane.key)
            if area is None or not area.top() - 8 <= pos.y() <= area.bottom() + 8:
                continue  # a box reaches at most 8 px past its lane (a mark's 16-px box)
            under += [
                h for h in self._lane_hits(lane) if h.rect.adjusted(-2, -2, 2, 2).contains(pos)
            ]
        # the smallest item under the pointer wins (a mark over a band), then the leftmost
        return min(under, key=lambda h: (h.rect.width(), h.rect.left(), h.rect.top()), default=None)

    def focused_item(self) -> Hit | None:
        if self._focused is None:
            return None  # nothing to look for: no need to place every item
        hits = self.hit_items()
        return next((h for h in hits if h.ref == self._focused), None)

    # ------------------------------------------------------------------ events

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            hit = self.hit_at(QPointF(e.pos()))  # type: ignore[attr-defined]
            if hit is not None:
                # gone as soon as the pointer leaves the mark
                self._tip(e.globalPos(), hit.tooltip, hit.rect.toAlignedRect())  # type: ignore[attr-defined]
            else:
                day_text = self._title_text(QPointF(e.pos())) or self._day_text(  # type: ignore[attr-defined]
                    QPointF(e.pos())  # type: ignore[attr-defined]
                )
                if day_text:
                    self._tip(e.globalPos(), day_text)  # type: ignore[attr-defined]
                else:
                    QToolTip.hideText()
            return True
        if e.type() == QEvent.Type.NativeGesture:
            gesture: QNativeGestureEvent = e  # type: ignore[assignment]
            if gesture.gestureType() == Qt.NativeGestureType.ZoomNativeGesture:
                self.zoom(1.0 + gesture.value(), gesture.position().x())
                return True
        return super().event(e)

    def _tip(self, where: QPoint, text: str, rect: QRect | None = None) -> None:
        """Hover text holds typed names and notes: shown as typed, never as HTML (and
        hidden when the pointer leaves ``rect``, if given)."""
        if rect is None:
            QToolTip.showText(where, plain_tooltip(text), self)
        else:
            QToolTip.showText(where, plain_tooltip(text), self, rect)

    def _hide_tip(self) -> None:
        if QToolTip.isVisible():
            QToolTip.hideText()

    def _title_text(self, pos: QPointF) -> str:
        """Over the title column, the whole name of the row there (the doses lane's names
        may be shortened to "MTX" or cut with "…")."""
        from ui.timeline.painter import layout_lanes

        if self.timeline is None or pos.x() >= self._plot().left():
            return ""
        style = self.painter.style
        geometry = layout_lanes(self.timeline, QRectF(self.rect()), style, self.x0, self.x1)
        for lane in self.timeline.lanes:
            area = geometry.lanes.get(lane.key)
            if area is None or not area.top() <= pos.y() < area.bottom():
                continue
            if lane.row_titles:
                row = int((pos.y() - area.top()) // style.name_row)
                return lane.row_titles[row] if 0 <= row < len(lane.row_titles) else ""
            return lane.title
        return ""

    def _day_text(self, pos: QPointF) -> str:
        plot = self._plot()
        if self.timeline is None or not plot.contains(pos):
            return ""
        x = self.x0 + (pos.x() - plot.left()) / plot.width() * (self.x1 - self.x0)
        from tracker.timeline import date_of

        d = date_of(x)
        found = self.timeline.day_of_phase(x)
        text = (
            tr("{date} · {phase} day {day}").format(date=date_text(d), phase=found[0], day=found[1])
            if found
            else date_text(d)
        )
        from tracker.timeline import line_legend
        from ui.timeline.painter import layout_lanes

        geometry = layout_lanes(
            self.timeline, QRectF(self.rect()), self.painter.style, self.x0, self.x1
        )
        for lane in self.timeline.lanes:  # over a chart: what its lines mark, and their source
            area = geometry.lanes.get(lane.key)
            if (
                lane.series is not None
                and area is not None
                and area.top() <= pos.y() <= area.bottom()
            ):
                text += "".join(f"\n{part}" for part in line_legend(lane.series))
        return text

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._forget_hits()  # the items' boxes were of the size before
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = delta.y() / 120.0
            self.zoom(1.25**steps, event.position().x())
        else:
            amount = delta.x() or delta.y()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and not delta.x():
                amount = delta.y()
            self.pan(-amount / 120.0 * 0.1)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self._drag_range = (self.x0, self.x1)
            self._dragged = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and event.buttons() & Qt.MouseButton.LeftButton:
            dx = event.position().x() - self._drag_from.x()
            if abs(dx) > 3:
                self._dragged = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            plot = self._plot()
            days = (self._drag_range[1] - self._drag_range[0]) * dx / max(plot.width(), 1)
            self.x0, self.x1 = self._drag_range[0] - days, self._drag_range[1] - days
            self._forget_hits()
            self.update()
            self.range_changed.emit(self.x0, self.x1)
        else:
            hit = self.hit_at(event.position())
            self.setCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            if not self._dragged:
                hit = self.hit_at(event.position())
                if hit is not None:
                    self._focused = hit.ref
                    self.update()
                    self.item_activated.emit(hit.ref)
            self._drag_from = None
            self._dragged = False
            self.unsetCursor()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / 1.5)
        elif key == Qt.Key.Key_Left:
            self.pan(-0.1)
        elif key == Qt.Key.Key_Right:
            self.pan(0.1)
        elif key == Qt.Key.Key_PageUp:
            self.pan(-0.9)
        elif key == Qt.Key.Key_PageDown:
            self.pan(0.9)
        elif key == Qt.Key.Key_Home and self.timeline is not None:
            days = self.x1 - self.x0
            self.set_range(self.timeline.first - 1, self.timeline.first - 1 + days)
        elif key == Qt.Key.Key_End and self.timeline is not None:
            days = self.x1 - self.x0
            self.set_range(self.timeline.last + 1 - days, self.timeline.last + 1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.hit_items():
            self._step(key == Qt.Key.Key_Down)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            hit = self.focused_item()
            if hit is not None:
                self.item_activated.emit(hit.ref)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab walks through the items drawn; past the last one, focus leaves the timeline."""
        if self._step(forward):
            return True
        self._focused = None
        self._say(None)
        self.update()
        return super().focusNextPrevChild(forward)

    def _step(self, forward: bool) -> bool:
        """Focus the next (or previous) item drawn; False past the last (first) one, the
        focus left where it was.  Up and Down step too, without leaving the timeline."""
        hits = self.hit_items()
        current = self.focused_item()
        if current is None:
            nxt = 0 if forward else len(hits) - 1
        else:
            nxt = hits.index(current) + (1 if forward else -1)
        if not 0 <= nxt < len(hits):
            return False
        hit = hits[nxt]
        self._focused = hit.ref
        self.update()
        self.item_focused.emit(hit.rect)
        self._tip(self.mapToGlobal(hit.rect.bottomLeft().toPoint()), hit.tooltip)
        self._say(hit.tooltip)
        return True

    def _say(self, tooltip: str | None) -> None:
        """A screen reader names the focused item: the chart's name carries its words while
        an item has the focus (its own name back after)."""
        if self._own_name is None:
            self._own_name = self.accessibleName()
        if tooltip is None:
            self.setAccessibleName(self._own_name)
            self._own_name = None
        else:
            words = " · ".join(line for line in tooltip.splitlines() if line.strip())
            self.setAccessibleName(
                self.tr("{chart}: {item}").format(chart=self._own_name, item=words)
            )
