"""Draws a laid-out :class:`~tracker.timeline.Timeline` on any QPainter.

The same code paints the screen, a PNG and the printed page.  Only what
intersects the visible range is drawn; dense series are thinned to the pixel
columns first, and antialiasing is used only where points are sparse.

Colours are the Okabe–Ito palette (safe for colour-blind readers), and every
meaning is also carried by a label, a shape or a pattern, so grey print loses
nothing.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QStaticText,
    QTransform,
)

from tracker.analytes import format_number
from tracker.i18n.formats import decimal_text
from tracker.label_layout import Box, Wanted, line_labels, reference_label_box
from tracker.timeline import (
    AT_FEVER_NUMBER,
    Lane,
    Mark,
    Series,
    Span,
    Threshold,
    Timeline,
    thin,
    thin_xy,
    ticks,
)

OKABE_ITO = {
    "orange": QColor("#E69F00"),
    "sky": QColor("#56B4E9"),
    "green": QColor("#009E73"),
    "yellow": QColor("#F0E442"),
    "blue": QColor("#0072B2"),
    "vermillion": QColor("#D55E00"),
    "purple": QColor("#CC79A7"),
    "grey": QColor("#7f7f7f"),
}
PHASE_COLOURS = {
    "prophase": OKABE_ITO["yellow"],
    "induction": OKABE_ITO["orange"],
    "consolidation": OKABE_ITO["sky"],
    "intensification": OKABE_ITO["purple"],
    "maintenance": OKABE_ITO["green"],
    "transplant": OKABE_ITO["vermillion"],
    "off_therapy": QColor("#bbbbbb"),
    "other": QColor("#cccccc"),
    "medicine": OKABE_ITO["sky"].lighter(130),
    "medicine_next": OKABE_ITO["blue"].lighter(170),
}
SERIES_COLOURS = {
    "wbc": OKABE_ITO["orange"],
    "anc": OKABE_ITO["blue"],
    "hgb": OKABE_ITO["vermillion"],
    "plt": OKABE_ITO["green"],
}
DOSE_COLOURS = {
    "given": OKABE_ITO["blue"],
    "partly_given": OKABE_ITO["orange"],
    "vomited": OKABE_ITO["vermillion"],
    "missed": OKABE_ITO["vermillion"],
    "held_by_team": OKABE_ITO["grey"],
}
TEXT = QColor("#202124")
MUTED = QColor("#5f6368")
GRID = QColor("#e3e3e3")


@dataclass(frozen=True)
class Ink:
    """The colours of what is not data: text, grid, axis, the page behind.  Paper and a
    light window use :data:`LIGHT_INK`; a dark window palette :func:`ink_for` it (the
    data keep their Okabe–Ito colours, and text inside a coloured box stays dark)."""

    text: QColor
    muted: QColor
    grid: QColor
    grid_major: QColor
    axis: QColor
    background: QColor
    backdrop: QColor  # behind a reference line's label, over the grid


LIGHT_INK = Ink(
    TEXT,
    MUTED,
    GRID,
    QColor("#c8c8c8"),
    QColor("#9a9a9a"),
    QColor("#ffffff"),
    QColor(255, 255, 255, 200),
)


def ink_for(base: QColor, text: QColor) -> Ink:
    """The ink for a window whose background is ``base`` and text ``text``."""
    if base.lightness() >= 128:
        return LIGHT_INK
    backdrop = QColor(base)
    backdrop.setAlpha(210)
    return Ink(
        QColor(text),
        QColor("#a8adb3"),
        QColor("#34373b"),
        QColor("#4a4e53"),
        QColor("#80868b"),
        QColor(base),
        backdrop,
    )


TODAY = QColor("#D55E00")


@dataclass
class Geometry:
    """Where each lane sits, in device pixels; filled by :func:`layout_lanes`."""

    plot: QRectF = field(default_factory=QRectF)  # the time area (right of the titles)
    axis: QRectF = field(default_factory=QRectF)
    lanes: dict[str, QRectF] = field(default_factory=dict)


@dataclass
class Style:
    title_width: float = 118.0
    axis_height: float = 34.0
    phase_row: float = 26.0
    mark_row: float = 24.0
    lane_gap: float = 8.0
    min_chart: float = 70.0
    font_size: float = 9.0
    show_day_of_phase: bool = True
    mark_rows: dict[str, int] = field(
        default_factory=lambda: {"milestones": 3, "cns": 2, "transfusions": 1}
    )
    mark_size: float = 6.0
    name_row: float = 16.0  # a row of a lane with a row per name (the doses lane)
    empty_row: float = 18.0  # a lane with nothing in it: one line saying so


# What an empty lane says (plain text, translated when drawn: each a literal, for the
# catalogues' extraction).
def _none_yet() -> str:
    return QCoreApplication.translate("TimelinePainter", "none yet")


def _none_in_view() -> str:
    return QCoreApplication.translate("TimelinePainter", "none in these dates")


EMPTY_TEXTS: dict[str, Callable[[], str]] = {
    "phases": lambda: QCoreApplication.translate("TimelinePainter", "no phases yet"),
    "milestones": lambda: QCoreApplication.translate("TimelinePainter", "no milestones yet"),
    "cns": lambda: QCoreApplication.translate("TimelinePainter", "no lumbar punctures yet"),
    "appointments": lambda: QCoreApplication.translate("TimelinePainter", "no appointments yet"),
    "plan": lambda: QCoreApplication.translate("TimelinePainter", "no planned LPs or MRD checks"),
    "growth": lambda: QCoreApplication.translate("TimelinePainter", "no weights yet"),
    "temperatures": lambda: QCoreApplication.translate("TimelinePainter", "no temperatures yet"),
    "symptoms": lambda: QCoreApplication.translate("TimelinePainter", "no symptoms noted"),
    "stays": lambda: QCoreApplication.translate("TimelinePainter", "no hospital stays"),
    "transfusions": lambda: QCoreApplication.translate("TimelinePainter", "no transfusions"),
    "medicines": lambda: QCoreApplication.translate("TimelinePainter", "no medicines yet"),
    "doses": lambda: QCoreApplication.translate("TimelinePainter", "no doses ticked yet"),
}


@dataclass(frozen=True)
class PlacedMark:
    """A mark at its pixel position; ``label`` says whether its text is drawn, ``text`` is
    that text and ``rect`` where it is drawn."""

    mark: Mark
    cx: float
    cy: float
    label: bool
    text: str = ""
    rect: QRectF | None = None

    def symbol(self, size: float) -> QRectF:
        """The box the mark's shape is drawn in."""
        return QRectF(self.cx - size, self.cy - size, 2 * size, 2 * size)


def label_font(base: QFont, style: Style) -> QFont:
    """The font of every label: in logical pixels (96 per inch), not points, because the
    painter may be scaled onto a 300-dpi page, where a point size would be scaled twice.
    Painting and hit testing both use it, so they measure the same text."""
    font = QFont(base)
    font.setPixelSize(max(1, round(style.font_size * 96 / 72)))
    return font


_GAP = 2.0  # pixels kept free between a mark, its label and its neighbours


def shortened(text: str, fm: QFontMetricsF, room: float) -> str:
    """``text`` cut after a whole word, with "…", to fit ``room`` pixels; never inside or
    before a number ("MRD < 0.01% (below…", never "MRD 0.0…").  "" when nothing fits."""
    words = text.split(" ")
    last_number = max((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), default=0)
    for keep in range(len(words) - 1, last_number, -1):
        candidate = " ".join(words[:keep]).rstrip(" (,;:") + "…"
        if fm.horizontalAdvance(candidate) <= room:
            return candidate
    return ""


def row_names(lane: Lane, fm: QFontMetricsF, width: float) -> list[str]:
    """The names of ``lane``'s rows as the title column shows them in ``width`` pixels:
    as typed when every one fits, else each as the Medicines lane says it ("MTX"), cut
    with "…" only if still too long (the whole name is in the row's tooltip)."""
    names = lane.row_titles
    if all(fm.horizontalAdvance(name) <= width for name in names):
        return list(names)
    short = lane.row_short if len(lane.row_short) == len(names) else names
    return [fm.elidedText(name, Qt.TextElideMode.ElideRight, width) for name in short]


ARROW = 7.0  # the "continues" arrow after an open span


def outside_label(
    label: str, box: QRectF, low: float, high: float, fm: QFontMetricsF, open_ended: bool
) -> tuple[QRectF, str] | None:
    """Where the label of a span too narrow to hold it goes, and its text: whole, right
    after the span (and its arrow) when that is free up to ``high`` (the next span of its
    row or the lane's edge), else left of it when free down to ``low`` (the span before
    it, or the edge), else cut after a word on the right; None when nothing fits."""
    width = fm.horizontalAdvance(label) + 2
    right = box.right() + (ARROW if open_ended else 0.0) + 3
    if not label:
        return None
    if right + width <= high - _GAP:
        return QRectF(right, box.top(), width, box.height()), label
    if box.left() - 3 - width >= low + _GAP:
        return QRectF(box.left() - 3 - width, box.top(), width, box.height()), label
    words = label.split(" ")  # the name alone: never a dose cut from its unit ("30…")
    name = " ".join(words[: next((i for i, w in enumerate(words) if any(map(str.isdigit, w))), 0)])
    text = name + "…" if name else ""
    if not text or right + fm.horizontalAdvance(text) + 2 > high - _GAP:
        return None
    return QRectF(right, box.top(), fm.horizontalAdvance(text) + 2, box.height()), text


def place_marks(
    lane: Lane, area: QRectF, x0: float, x1: float, px, fm: QFontMetricsF, style: Style
) -> list[PlacedMark]:
    """Stack marks into the lane's rows in pixel space so that no label covers another
    label or any mark, and none leaves ``area`` (the lane's part of the plot).

    Each mark takes the first row where its label fits whole, to its right or, near the
    right edge, to its left; where none does, its label is shortened to the room there is
    (:func:`shortened`; the tooltip, and on paper the list of milestones, keep the full
    text); where
    there is no room at all the mark is drawn without a label.  When every row is taken
    the mark is still drawn, and a label it would cover is dropped instead.  Painting and
    hit testing both use this, so what is clicked is what is seen."""
    rows = max(style.mark_rows.get(lane.key, 2), 1)
    size = style.mark_size
    if lane.row_titles:  # a row per name (the doses lane): each mark in its own row
        half = style.name_row / 2
        return [
            PlacedMark(m, px(m.x), area.top() + m.row * style.name_row + half + 1, False)
            for m in lane.visible_marks(x0, x1)
        ]
    height = fm.height()
    lo, hi = area.left() + 1, area.right() - 1
    # per row, in order of left edge: the lefts, the rights, the index of the owner in
    # ``placed`` and whether it is a label.  No label overlaps anything and every mark's
    # box is as wide as every other's, so the rights are in order too: the neighbours of a
    # place are found by bisection, not by a look at everything placed before.
    lefts: list[list[float]] = [[] for _ in range(rows)]
    rights: list[list[float]] = [[] for _ in range(rows)]
    owners: list[list[tuple[int, bool]]] = [[] for _ in range(rows)]
    placed: list[PlacedMark] = []
    widths: dict[str, float] = {}

    def width_of(text: str) -> float:
        found = widths.get(text)
        if found is None:
            found = widths[text] = fm.horizontalAdvance(text)
        return found

    def free(row: int, left: float, right: float) -> bool:
        k = bisect.bisect_left(lefts[row], right + _GAP)  # those that start before right
        return k == 0 or rights[row][k - 1] + _GAP <= left

    def room(row: int, left: float, right: float) -> tuple[float, float]:
        """The widest free stretch of ``row`` to the right of ``right`` and to the left of
        ``left`` (a symbol's box), inside the area."""
        k = bisect.bisect_left(lefts[row], right)
        ahead = lefts[row][k] if k < len(lefts[row]) else hi + _GAP
        k = bisect.bisect_right(rights[row], left)
        behind = rights[row][k - 1] if k > 0 else lo - _GAP
        return ahead - _GAP - (right + 3), (left - 3) - (behind + _GAP)

    def take(row: int, left: float, right: float, index: int, is_label: bool) -> None:
        k = bisect.bisect_right(lefts[row], left)
        lefts[row].insert(k, left)
        rights[row].insert(k, right)
        owners[row].insert(k, (index, is_label))

    def label_box(cx: float, cy: float, width: float, side: str) -> QRectF:
        left = cx + size + 3 if side == "right" else cx - size - 3 - width
        return QRectF(left, cy - height / 2, width, height)

    for mark in lane.visible_marks(x0, x1):
        cx = px(mark.x)
        s_left, s_right = cx - size, cx + size
        text = mark.label
        width = width_of(text) if text else 0.0
        open_rows = [r for r in range(rows) if free(r, s_left, s_right)]
        choice: tuple[int, str, str, float] | None = None  # row, side, text, width
        if text:
            for r in open_rows:  # the whole label, right of the mark, else left of it
                right_room, left_room = room(r, s_left, s_right)
                if width <= right_room and s_right + 3 + width <= hi:
                    choice = (r, "right", text, width)
                elif width <= left_room and s_left - 3 - width >= lo:
                    choice = (r, "left", text, width)
                if choice:
                    break
            if choice is None and open_rows:  # shortened to the widest room there is
                best = max(
                    (
                        (r, side, w)
                        for r in open_rows
                        for side, w in zip(("right", "left"), room(r, s_left, s_right), strict=True)
                    ),
                    key=lambda c: c[2],
                )
                short = shortened(text, fm, best[2])
                if short:
                    choice = (best[0], best[1], short, width_of(short))
        if choice is not None:
            row, side, shown, shown_w = choice
        elif open_rows:
            row, side, shown, shown_w = open_rows[0], "", "", 0.0
        else:
            # every row is taken here: draw the mark in the row with the fewest labels in
            # its way, and drop those labels (marks may touch marks, never text)
            def in_the_way(r: int, left: float, right: float) -> list[int]:
                return [
                    i
                    for a, b, (i, is_label) in zip(lefts[r], rights[r], owners[r], strict=True)
                    if is_label and not (right + _GAP <= a or b + _GAP <= left)
                ]

            row = min(range(rows), key=lambda r: len(in_the_way(r, s_left, s_right)))
            dropped = set(in_the_way(row, s_left, s_right))
            for i in dropped:
                placed[i] = replace(placed[i], label=False, text="", rect=None)
            kept = [
                (a, b, o)
                for a, b, o in zip(lefts[row], rights[row], owners[row], strict=True)
                if not (o[1] and o[0] in dropped)
            ]
            lefts[row] = [a for a, _, _ in kept]
            rights[row] = [b for _, b, _ in kept]
            owners[row] = [o for _, _, o in kept]
            side, shown, shown_w = "", "", 0.0
        cy = area.top() + row * style.mark_row + size + 3
        index = len(placed)
        take(row, s_left, s_right, index, False)
        rect = None
        if shown:
            rect = label_box(cx, cy, shown_w, side)
            take(row, rect.left(), rect.right(), index, True)
        placed.append(PlacedMark(mark, cx, cy, bool(shown), shown, rect))
    return placed


def dense(lane: Lane, area: QRectF, x0: float, x1: float) -> bool:
    """Too many marks to tell apart (years at a glance): drawn as ticks, without labels."""
    return len(lane.visible_marks(x0, x1)) > area.width() / 6


def placed_marks(
    timeline: Timeline, rect: QRectF, x0: float, x1: float, style: Style, font: QFont
) -> dict[str, list[PlacedMark]]:
    """Every mark lane's marks and labels as :meth:`TimelinePainter.paint` draws them into
    ``rect`` for the days [x0, x1] (``font`` from :func:`label_font`)."""
    g = layout_lanes(timeline, rect, style, x0, x1)
    fm = QFontMetricsF(font)
    scale = g.plot.width() / max(x1 - x0, 1e-9)

    def px(x: float) -> float:
        return g.plot.left() + (x - x0) * scale

    out: dict[str, list[PlacedMark]] = {}
    for lane in timeline.lanes:
        if lane.series is not None or lane.drawn_as_spans:
            continue
        area = g.lanes[lane.key]
        plot_area = QRectF(g.plot.left(), area.top(), g.plot.width(), area.height())
        placed = place_marks(lane, plot_area, x0, x1, px, fm, style)
        if dense(lane, plot_area, x0, x1):  # ticks only: still there to point at
            placed = [replace(p, label=False, text="", rect=None) for p in placed]
        out[lane.key] = placed
    return out


def is_empty(lane: Lane) -> bool:
    """A lane of marks or spans with nothing in it at all: drawn thin, saying so."""
    return lane.series is None and not lane.spans and not lane.marks and not lane.row_titles


def is_thin(lane: Lane, x0: float | None, x1: float | None) -> bool:
    """A lane drawn as one thin line: empty, or with nothing in the days [x0, x1] (the
    charts take the room; the lanes stay in their order)."""
    if is_empty(lane):
        return True
    if x0 is None or x1 is None or lane.series is not None or lane.row_titles:
        return False
    if lane.drawn_as_spans:
        return not lane.visible_spans(x0, x1)
    return not lane.visible_marks(x0, x1)


def _fixed_height(
    lane: Lane, style: Style, x0: float | None = None, x1: float | None = None
) -> float:
    """The height of a lane that is not a chart (thin with nothing in [x0, x1])."""
    if is_thin(lane, x0, x1):
        return style.empty_row
    if lane.drawn_as_spans:
        return max(lane.rows, 1) * style.phase_row
    if lane.row_titles:
        return len(lane.row_titles) * style.name_row + 2
    return style.mark_rows.get(lane.key, 2) * style.mark_row + 2


def name_mark_size(style: Style, scale: float) -> float:
    """The radius of a mark in a lane of a row per name: small enough for a mark a day
    to stay apart (``scale``: pixels per day)."""
    return max(2.5, min(style.name_row * 0.3, scale * 0.4))


def scale_x(x0: float, x1: float, area: QRectF) -> float:
    """Pixels per day."""
    return area.width() / max(x1 - x0, 1e-9)


def required_height(
    timeline: Timeline, style: Style, x0: float | None = None, x1: float | None = None
) -> float:
    """The least height that shows every lane (charts at their minimum; a lane with
    nothing in the days [x0, x1], when given, thin)."""
    height = style.axis_height + 4
    for lane in timeline.lanes:
        if lane.series is not None:
            height += style.min_chart
        else:
            height += _fixed_height(lane, style, x0, x1)
        height += style.lane_gap
    return height


def layout_lanes(
    timeline: Timeline,
    rect: QRectF,
    style: Style,
    x0: float | None = None,
    x1: float | None = None,
) -> Geometry:
    """Each lane's box in ``rect``: the charts share what the other lanes leave, and a
    lane with nothing in the days [x0, x1] (when given) is a thin line."""
    g = Geometry()
    g.plot = QRectF(
        rect.left() + style.title_width,
        rect.top(),
        rect.width() - style.title_width - 8,
        rect.height(),
    )
    g.axis = QRectF(g.plot.left(), rect.top(), g.plot.width(), style.axis_height)
    y = rect.top() + style.axis_height + 4
    fixed: list[tuple[str, float]] = []
    charts: list[str] = []
    for lane in timeline.lanes:
        if lane.series is not None:
            charts.append(lane.key)
        else:
            fixed.append((lane.key, _fixed_height(lane, style, x0, x1)))
    used = sum(h + style.lane_gap for _, h in fixed)
    left = rect.bottom() - y - used
    chart_h = max(style.min_chart, (left - style.lane_gap * len(charts)) / max(len(charts), 1))
    for lane in timeline.lanes:
        h = chart_h if lane.series is not None else dict(fixed)[lane.key]
        g.lanes[lane.key] = QRectF(rect.left(), y, rect.width(), h)
        y += h + style.lane_gap
    return g


def _chart_mapping(series: Series, area: QRectF, x0: float, x1: float):  # type: ignore[no-untyped-def]
    """Day → x and value → y inside a chart lane, as :meth:`TimelinePainter._series` draws."""
    inner = area.adjusted(0, 6, 0, -4)
    y_min, y_max = series.scale(x0, x1)
    span = y_max - y_min or 1.0
    scale = scale_x(x0, x1, area)

    def px(x: float) -> float:
        return area.left() + (x - x0) * scale

    def py(y: float) -> float:
        return inner.bottom() - (y - y_min) / span * inner.height()

    return px, py


def point_positions(series: Series, area: QRectF, x0: float, x1: float) -> list[QPointF]:
    """Where each point of ``series`` in [x0, x1] (and one neighbour each side, for the
    lines to the edges) is drawn in the chart ``area``."""
    px, py = _chart_mapping(series, area, x0, x1)
    i, j = series.visible_slice(x0, x1)
    return [QPointF(px(pt.x), py(pt.y)) for pt in series.points[i:j]]


def _data_transform(series: Series, area: QRectF, x0: float, x1: float) -> QTransform:
    """(day, value) → pixels in the chart ``area``, as :func:`_chart_mapping` maps them."""
    inner = area.adjusted(0, 6, 0, -4)
    y_min, y_max = series.scale(x0, x1)
    span = y_max - y_min or 1.0
    sx = scale_x(x0, x1, area)
    return QTransform(
        sx,
        0,
        0,
        -inner.height() / span,
        area.left() - x0 * sx,
        inner.bottom() + y_min * inner.height() / span,
    )


class _DataMask:
    """Where a chart's data is drawn: its line and points, rasterised once (in C++, through
    the same transform as the chart) into a mask of the chart's size.  A box covers data
    when any masked pixel lies within ``AIR`` pixels of it (a point's dot, the line's width
    and some air), so trying a label at many places costs a few byte slices each."""

    AIR = 5

    def __init__(
        self, series: Series, area: QRectF, x0: float, x1: float, polygon: QPolygonF | None
    ) -> None:
        self.series, self.area, self.x0, self.x1, self.polygon = series, area, x0, x1, polygon
        self.width = max(int(area.width()) + 1, 1)
        self.height = max(int(area.height()) + 1, 1)
        i, j = series.visible_slice(x0, x1)
        px, _ = _chart_mapping(series, area, x0, x1)
        # the data's horizontal extent: a box beside it needs no mask at all
        self.extent = (px(series.points[i].x), px(series.points[j - 1].x)) if j > i else None
        self.image: QImage | None = None

    def _mask(self) -> QImage:
        if self.image is not None:
            return self.image
        series, area = self.series, self.area
        # the raster engine's own format: the fastest to draw into
        image = QImage(self.width, self.height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        polygon = self.polygon
        if polygon is None:
            polygon = QPolygonF([QPointF(pt.x, pt.y) for pt in series.points])
        p = QPainter(image)
        p.setTransform(QTransform.fromTranslate(-area.left(), -area.top()))
        p.setTransform(_data_transform(series, area, self.x0, self.x1), True)
        pen = QPen(QColor(255, 255, 255), 1)
        pen.setCosmetic(True)
        p.setPen(pen)
        if polygon.size() > 1:
            p.drawPolyline(polygon)  # through every point, so every point is in it
        else:
            p.drawPoints(polygon)
        y_min, y_max = series.scale(self.x0, self.x1)
        for band in series.bands:  # a result's own range, drawn as a bar at its point
            if band.x1 - band.x0 < 2 and band.x1 >= self.x0 and band.x0 <= self.x1:
                cx = (band.x0 + band.x1) / 2
                low = band.low if band.low is not None else y_min
                high = band.high if band.high is not None else y_max
                p.drawLine(QPointF(cx, low), QPointF(cx, high))
        p.end()
        self.image = image
        return image

    def covers(self, box: QRectF) -> bool:
        air = self.AIR
        if self.extent is None or not (
            self.extent[0] - air <= box.right() and box.left() <= self.extent[1] + air
        ):
            return False
        image = self._mask()
        left = 4 * max(math.floor(box.left() - self.area.left()) - air, 0)  # 4 bytes a pixel
        right = 4 * min(math.ceil(box.right() - self.area.left()) + air + 1, self.width)
        top = max(math.floor(box.top() - self.area.top()) - air, 0)
        bottom = min(math.ceil(box.bottom() - self.area.top()) + air + 1, self.height)
        bits, stride = image.constBits(), image.bytesPerLine()
        return any(
            bytes(bits[row * stride + left : row * stride + right]).strip(b"\x00")
            for row in range(top, bottom)
        )


def threshold_labels(
    series: Series,
    area: QRectF,
    x0: float,
    x1: float,
    fm: QFontMetricsF,
    today: float | None = None,
    polygon: QPolygonF | None = None,
) -> list[tuple[Threshold, QRectF | None, str]]:
    """Each dash-dot line's label box in the chart ``area`` and the text drawn in it,
    placed where it covers no plotted point, no part of the data line and no lab range
    bar: just above or below the line, at the place along it farthest from the values
    (tracker.label_layout.reference_label_box: the side with no points, never on the
    newest ones), never across the today line nor over another line's label.  Where
    the whole label finds no place, its number and unit
    alone ("0.5 ×10⁹/L"); where that finds none either (the dense data of years at a
    glance), None: the line is drawn without a label.  The legend (the chart's tooltip,
    the printed caption) always names each line in full.  ``polygon``: all the series'
    points in (day, value) units, when the caller has it built already."""
    px, py = _chart_mapping(series, area, x0, x1)
    data = _DataMask(series, area, x0, x1, polygon)
    today_px = px(today + 0.5) if today is not None and x0 <= today + 0.5 <= x1 else None
    height = fm.height()
    out: list[tuple[Threshold, QRectF | None, str]] = []
    taken: list[QRectF] = []

    i, j = series.visible_slice(x0, x1)
    # px of each visible point, in order (the days are), without a call per point
    left, per_day = area.left() - x0 * scale_x(x0, x1, area), scale_x(x0, x1, area)
    data_xs = [left + x * per_day for x in series.xs[i:j]]
    bounds = Box(area.left() + 1, area.top() + 1, area.width() - 2, area.height() - 2)

    def place(y: float, text: str) -> QRectF | None:
        width = fm.horizontalAdvance(text) + 6

        def free(box: Box) -> bool:
            r = QRectF(box.left, box.top, box.width, box.height)
            return (
                (today_px is None or not r.left() - 4 <= today_px <= r.right() + 4)
                and not any(r.intersects(other) for other in taken)
                and not data.covers(r)
            )

        found = reference_label_box(
            y, width, height, bounds, data_xs, free, step=max(width / 2, 24.0)
        )
        return None if found is None else QRectF(found.left, found.top, found.width, found.height)

    for t in series.thresholds:
        y = py(t.y)
        text = t.label
        found = place(y, text)
        if found is None:
            text = f"{decimal_text(format_number(t.y))} {series.unit}"
            found = place(y, text)
        if found is not None:
            taken.append(found)
        out.append((t, found, text if found is not None else ""))
    return out


def _on_screen(p: QPainter) -> bool:
    """A painter on a screen picture (an image at 96 dpi, pixels not scaled or turned):
    where marks may be put down as kept images (:meth:`TimelinePainter._stamp`).  A page
    (hundreds of dpi) or a scaled painter draws every shape as vectors."""
    device = p.device()
    if device is None or device.logicalDpiX() > 150:
        return False
    t = p.deviceTransform()
    whole_pixels = t.dx().is_integer() and t.dy().is_integer()
    return not t.isScaling() and not t.isRotating() and whole_pixels


def _mark_colour(lane: Lane, mark: Mark) -> QColor:
    """The colour of a mark: by lane, a dose by what happened, a worrying result red."""
    colour = OKABE_ITO["blue"] if lane.key == "milestones" else OKABE_ITO["purple"]
    if lane.key == "appointments":
        colour = OKABE_ITO["green"]
    if lane.key == "doses":
        colour = DOSE_COLOURS.get(mark.kind, OKABE_ITO["grey"])
    if mark.kind in ("CNS2", "CNS3", "TLP+", AT_FEVER_NUMBER):
        colour = OKABE_ITO["vermillion"]
    return colour


def _drawing_order(lane: Lane, placed: list[PlacedMark]) -> list[PlacedMark]:
    """In a lane of a row per name (the doses lane) the doses that did not all go in are
    drawn last, on top of the given ones they touch when days are a pixel or two apart."""
    if not lane.row_titles:
        return placed
    return sorted(placed, key=lambda item: item.mark.kind != "given")


CHUNK = 256  # segments per kept piece of a chart's line (a pan draws only the pieces shown)


class _Pieces:
    """A chart's line (or its dots) in (day, value) units, cut into polygons of at most
    :data:`CHUNK` segments that share their end points, in the order of days: drawing
    the days [a, b] draws only the pieces that reach them (no copy of a whole history's
    polygon per paint: PySide converts a ``QPolygonF.mid`` to a Python list and back)."""

    def __init__(self, runs: list[tuple[list[float], list[float]]], least: int = 2) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.polygons: list[QPolygonF] = []
        self.size = 0
        for xs, ys in runs:  # each run a line of its own: a gap is not joined
            if len(xs) < least:
                continue
            step = CHUNK if least > 1 else CHUNK + 1
            first = 0
            while first < len(xs) - (least - 1):
                last = min(first + step, len(xs) - 1)
                self.polygons.append(
                    QPolygonF(
                        [
                            QPointF(x, y)
                            for x, y in zip(xs[first : last + 1], ys[first : last + 1], strict=True)
                        ]
                    )
                )
                self.starts.append(xs[first])
                self.ends.append(xs[last])
                self.size += last + 1 - first
                first = last if least > 1 else last + 1

    def shown(self, a: float, b: float) -> list[QPolygonF]:
        """The pieces with a point in [a, b], or a segment across it."""
        lo = bisect.bisect_left(self.ends, a)
        hi = bisect.bisect_right(self.starts, b)
        return self.polygons[lo:hi]


class TimelinePainter:
    """Paints ``timeline`` for the days [x0, x1] into ``rect``; :meth:`paint_focus` draws
    the focus ring of one item over it (the screen keeps the picture of :meth:`paint` and
    draws only the ring again when the focus moves)."""

    def __init__(self, style: Style | None = None) -> None:
        self.style = style or Style()
        self.ink = LIGHT_INK  # the widget sets its palette's (:func:`ink_for`)
        self._polylines: dict[int, tuple[Series, QPolygonF, list[int]]] = {}
        # (a series' id, what: "line" or "dots", bucket days or 0) → (the series, the runs
        # of points it was made from, the pieces): :meth:`_pieces`
        self._kept_pieces: dict[tuple[int, str, float], tuple[Series, object, _Pieces]] = {}
        self._labels: dict[
            tuple[object, ...], tuple[Series, list[tuple[Threshold, QRectF | None, str]]]
        ] = {}
        # (a mark lane's id, what, what it depends on) → (the lane, its marks, what it draws)
        self._placed: dict[tuple[object, ...], tuple[Lane, list[Mark], object]] = {}
        self._looks: dict[tuple[int, bool], tuple[QPen, QBrush]] = {}  # a mark's pen, brush
        # a mark's look at a sixteenth of a pixel → its shape drawn once (:meth:`_stamp`)
        self._sprites: dict[tuple[object, ...], QImage] = {}
        self._sprite_reach: dict[tuple[object, ...], int] = {}
        # a lane's placed marks (by identity) → where each one's image goes
        self._stamp_lists: dict[
            int, tuple[object, tuple[float, bool], list[tuple[QPointF, QImage]]]
        ] = {}
        self.stamped = 0  # marks put down from a kept image (for tests)
        # labels laid out once: a font's key → text → layout (:meth:`_laid_out`)
        self._texts: dict[str, dict[str, QStaticText]] = {}
        # (a span lane's id, scale, row height) → what _narrow_spans made of its spans
        self._narrow_kept: dict[
            tuple[object, ...], tuple[Lane, list[Span], Any, Any, list[int]]
        ] = {}
        self._widths: dict[str, dict[str, float]] = {}  # a font's key → text → its width
        self._rows_kept: dict[int, tuple[Lane, list[Span], Any]] = {}  # :meth:`_row_ends`
        # the axis labels of the last paint: (timeline, what they depend on, the labels)
        self._axis_kept: (
            tuple[Timeline, tuple[object, ...], list[tuple[str, str, QRectF]]] | None
        ) = None
        # a list to collect every label drawn, (what, text, box), for tests; None: not kept
        self.drawn_labels: list[tuple[str, str, QRectF]] | None = None

    def paint(
        self,
        p: QPainter,
        rect: QRectF,
        timeline: Timeline,
        x0: float,
        x1: float,
    ) -> Geometry:
        s = self.style
        g = layout_lanes(timeline, rect, s, x0, x1)
        p.setFont(label_font(p.font(), s))
        scale = g.plot.width() / max(x1 - x0, 1e-9)

        def px(x: float) -> float:
            return g.plot.left() + (x - x0) * scale

        self._axis(p, g, x0, x1, px, timeline)
        p.save()
        for lane in timeline.lanes:
            area = g.lanes[lane.key]
            self._lane_title(p, lane, area, is_thin(lane, x0, x1))
            plot_area = QRectF(g.plot.left(), area.top(), g.plot.width(), area.height())
            p.save()
            if lane.series is not None:
                self._y_labels(p, lane.series, plot_area, *lane.series.scale(x0, x1))
            p.setClipRect(plot_area.adjusted(-1, -2, 1, 2))
            if is_thin(lane, x0, x1):
                self._empty(p, lane, plot_area)
            elif lane.drawn_as_spans:
                self._spans(p, lane, plot_area, x0, x1, px)
            elif lane.series is not None:
                self._series(p, lane.series, plot_area, x0, x1, px, timeline.today)
            else:
                self._marks(p, lane, plot_area, x0, x1, px)
            p.restore()
        p.restore()
        self._today(p, g, timeline, x0, x1, px, rect)
        return g

    # ------------------------------------------------------------------ axis

    def _axis(self, p: QPainter, g: Geometry, x0: float, x1: float, px, timeline) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        bottom_of_lanes = max((r.bottom() for r in g.lanes.values()), default=g.axis.bottom())
        tick_list = ticks(x0, x1, g.plot.width())
        for t in tick_list:
            x = px(t.x)
            p.setPen(QPen(self.ink.grid if not t.major else self.ink.grid_major, 1))
            p.drawLine(QPointF(x, g.axis.bottom() - 4), QPointF(x, bottom_of_lanes))
        base = QFont(p.font())
        base.setBold(False)
        bold = QFont(base)
        bold.setBold(True)
        for kind, text, box in self._axis_labels(g, x0, x1, px, timeline, base):
            if kind == "today":
                continue  # drawn over the lanes with its line (:meth:`_today`)
            p.setFont(bold if kind == "major" else base)
            p.setPen(self.ink.text if kind == "major" else self.ink.muted)
            self._text(p, kind, box, text)
        p.setFont(base)
        p.setPen(QPen(self.ink.axis, 1))
        p.drawLine(
            QPointF(g.plot.left(), g.axis.bottom()), QPointF(g.plot.right(), g.axis.bottom())
        )

    def _axis_labels(
        self, g: Geometry, x0: float, x1: float, px, timeline: Timeline, font: QFont
    ) -> list[tuple[str, str, QRectF]]:
        """The axis's labels and their boxes (kind "major", "tick", "day" or "today"):
        the dates on the first line, the phase days ("D22") and "today" on the second, each
        inside the time area (shifted inward at an edge) and off the others; "today" keeps
        its place and a phase day under it is left out (tracker.label_layout).  Kept
        for the same timeline, range, plot and font: :meth:`_today` asks again."""
        key = (x0, x1, g.plot.getRect(), font.key(), self.style.show_day_of_phase, timeline.today)
        kept = self._axis_kept
        if kept is not None and kept[0] is timeline and kept[1] == key:
            return kept[2]
        out = self._make_axis_labels(g, x0, x1, px, timeline, font)
        self._axis_kept = (timeline, key, out)
        return out

    def _make_axis_labels(
        self, g: Geometry, x0: float, x1: float, px, timeline: Timeline, font: QFont
    ) -> list[tuple[str, str, QRectF]]:
        fm = QFontMetricsF(font)
        bold = QFont(font)
        bold.setBold(True)
        fm_bold = QFontMetricsF(bold)
        lo, hi = g.plot.left(), g.plot.right()
        height = fm.height()
        out: list[tuple[str, str, QRectF]] = []
        tick_list = ticks(x0, x1, g.plot.width())
        widths = [(fm_bold if t.major else fm).horizontalAdvance(t.label) + 1 for t in tick_list]
        first = [
            Wanted(px(t.x) + 3, w, 1 if t.major else 0, False)
            for t, w in zip(tick_list, widths, strict=True)
        ]
        top = g.axis.top() + 2
        for t, w, left in zip(tick_list, widths, line_labels(first, lo, hi), strict=True):
            if left is not None:
                out.append(("major" if t.major else "tick", t.label, QRectF(left, top, w, height)))
        second: list[tuple[str, str, Wanted]] = []
        today = timeline.today + 0.5
        if x0 <= today <= x1:
            label = QCoreApplication.translate("TimelinePainter", "today")
            second.append(("today", label, Wanted(px(today), fm.horizontalAdvance(label) + 1, 1)))
        days_visible = x1 - x0
        if self.style.show_day_of_phase and 0 < days_visible <= 45:
            step = 1 if days_visible <= 16 else 7
            for day, (_name, n) in timeline.days_of_phase(int(x0), int(x1)).items():
                if step > 1 and n != 1 and n % step != 1:
                    continue
                label = QCoreApplication.translate("TimelinePainter", "D{day}").format(day=n)
                second.append(
                    ("day", label, Wanted(px(day + 0.5), fm.horizontalAdvance(label) + 1))
                )
        top = g.axis.bottom() - 2 - height
        for (kind, label, _w), left in zip(
            second, line_labels([w for _, _, w in second], lo, hi), strict=True
        ):
            if left is not None:
                out.append((kind, label, QRectF(left, top, _w.width, height)))
        return out

    def paint_focus(
        self,
        p: QPainter,
        rect: QRectF,
        timeline: Timeline,
        x0: float,
        x1: float,
        highlight: tuple[str, int],
    ) -> None:
        """A dotted focus ring around the item ``highlight`` (kind, id) where :meth:`paint`
        draws it for the same ``rect`` and range (none where it is not drawn on its own:
        a mark among ticks, a result thinned away)."""
        s = self.style
        g = layout_lanes(timeline, rect, s, x0, x1)
        p.save()
        p.setFont(label_font(p.font(), s))
        scale = g.plot.width() / max(x1 - x0, 1e-9)

        def px(x: float) -> float:
            return g.plot.left() + (x - x0) * scale

        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for lane in timeline.lanes:
            area = g.lanes[lane.key]
            plot_area = QRectF(g.plot.left(), area.top(), g.plot.width(), area.height())
            rings = self._rings(p, lane, plot_area, x0, x1, px, highlight)
            if rings:
                p.save()
                p.setClipRect(plot_area.adjusted(-1, -2, 1, 2))
                for ring in rings:
                    self._focus_ring(p, ring)
                p.restore()
        p.restore()

    def _rings(  # type: ignore[no-untyped-def]
        self,
        p: QPainter,
        lane: Lane,
        area: QRectF,
        x0: float,
        x1: float,
        px,
        highlight: tuple[str, int],
    ) -> list[QRectF]:
        """Where the focus ring of ``highlight`` goes in ``lane`` (none, or one per chart
        for a count)."""
        if lane.drawn_as_spans:
            return [
                self._span_box(span, area, px)
                for span in lane.visible_spans(x0, x1)
                if (span.ref.kind, span.ref.id) == highlight
            ]
        if lane.series is not None:
            if highlight[0] != "count":
                return []
            point_px, point_py = _chart_mapping(lane.series, area, x0, x1)
            i, j = lane.series.visible_slice(x0, x1)
            if j - i > area.width() / 4:
                return []  # too dense to point at one result (no hit box either)
            return [
                QRectF(point_px(pt.x) - 5, point_py(pt.y) - 5, 10, 10)
                for pt in lane.series.points[i:j]
                if pt.ref.id == highlight[1]
            ]
        if dense(lane, area, x0, x1):
            return []
        size = self._mark_radius(lane, area, x0, x1)
        return [
            QRectF(item.cx - size - 3, item.cy - size - 3, 2 * size + 6, 2 * size + 6)
            for item, _, _ in self._placed_marks(p, lane, area, x0, x1, px)
            if (item.mark.ref.kind, item.mark.ref.id) == highlight
        ]

    def _empty(self, p: QPainter, lane: Lane, area: QRectF) -> None:
        """An empty lane's short plain text, at the left of its thin row."""
        said = EMPTY_TEXTS.get(lane.key, _none_yet) if is_empty(lane) else _none_in_view
        text = said()
        fm = QFontMetricsF(p.font())
        width = min(fm.horizontalAdvance(text) + 2, area.width() - 4)
        p.setPen(self.ink.muted)
        self._text(p, "empty", QRectF(area.left() + 4, area.top(), width, area.height()), text)

    def _lane_title(self, p: QPainter, lane: Lane, area: QRectF, thin: bool = False) -> None:
        p.setPen(self.ink.text)
        if thin:  # a thin lane: its title on one line
            fm = QFontMetricsF(p.font())
            title = fm.elidedText(
                lane.title, Qt.TextElideMode.ElideRight, self.style.title_width - 8
            )
            self._left_text(
                p,
                QRectF(area.left() + 2, area.top(), self.style.title_width - 8, area.height()),
                title,
                fm,
                None,
            )
            return
        if lane.row_titles:  # each row's name beside it
            fm = QFontMetricsF(p.font())
            laid_out = self._laid_out(p)
            width = self.style.title_width - 8
            for row, text in enumerate(row_names(lane, fm, width)):
                r = QRectF(
                    area.left() + 2,
                    area.top() + row * self.style.name_row,
                    width,
                    self.style.name_row,
                )
                self._left_text(p, r, text, fm, laid_out)
            return
        width = self.style.title_width - (44 if lane.series is not None else 8)
        title_rect = QRectF(area.left() + 2, area.top(), width, min(area.height(), 44))
        p.drawText(
            title_rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
            lane.title,
        )

    def _today(
        self, p: QPainter, g: Geometry, timeline: Timeline, x0: float, x1: float, px, rect: QRectF
    ) -> None:
        if not x0 <= timeline.today + 0.5 <= x1:
            return
        x = px(timeline.today + 0.5)
        pen = QPen(TODAY, 1.5, Qt.PenStyle.DashLine)
        p.setPen(pen)
        bottom = max((r.bottom() for r in g.lanes.values()), default=rect.bottom())
        p.drawLine(QPointF(x, g.axis.bottom()), QPointF(x, bottom))
        p.setPen(TODAY)
        for kind, text, box in self._axis_labels(g, x0, x1, px, timeline, p.font()):
            if kind == "today":
                self._text(p, kind, box, text)

    # ------------------------------------------------------------------ phases

    def _spans(self, p: QPainter, lane: Lane, area: QRectF, x0: float, x1: float, px) -> None:
        self._wide_spans(p, lane, area, x0, x1, px)

    def _draw_narrow(self, p: QPainter, narrow: dict[tuple[str, bool], list[QRectF]]) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        # in one order of looks, whichever span was placed first (where two touch, the
        # same one is on top after a pan as in a new picture)
        for (kind, planned), rects in sorted(narrow.items()):
            colour = PHASE_COLOURS.get(kind, PHASE_COLOURS["other"])
            p.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern) if planned else colour)
            p.drawRects(rects)

    def _span_box(self, span: Span, area: QRectF, px) -> QRectF:  # type: ignore[no-untyped-def]
        """Where a span is drawn (at least 2 px wide)."""
        left, right = px(span.x0), px(span.x1)
        row_h = self.style.phase_row
        least = 6 if span.open_ended else 2  # a plan started today is a mark, not a sliver
        return QRectF(left, area.top() + span.row * row_h + 2, max(right - left, least), row_h - 4)

    def _narrow_spans(
        self, lane: Lane, scale: float, lo: int, hi: int
    ) -> tuple[dict[tuple[str, bool], list[QRectF]], list[int]]:
        """The spans ``lo`` … ``hi`` of ``lane`` too narrow at ``scale`` (pixels a day) for
        a label or an outline, as rectangles in pixels from day 0 and the lane's top, by
        look; and the indices of the others.  Kept per lane and scale, and grown as a pan
        brings other spans in: a pan at one zoom places each span once."""
        key = (id(lane), scale, self.style.phase_row)
        kept = self._narrow_kept.get(key)
        if kept is None or kept[0] is not lane or kept[1] is not lane.spans:
            kept = (lane, lane.spans, {}, [], [lo, lo])
            if len(self._narrow_kept) > 48:
                self._narrow_kept.clear()
            self._narrow_kept[key] = kept
        _, spans, narrow, wide, done = kept
        row_h = self.style.phase_row
        # the spans not placed yet: before those placed, and after (a jump: the gap too)
        for a, b, at_end in ((lo, done[0], False), (done[1], hi, True)):
            batch: dict[tuple[str, bool], tuple[list[int], list[QRectF]]] = {}
            for k in range(a, b):
                span = spans[k]
                left, right = span.x0 * scale, span.x1 * scale
                if right - left < 6 and span.plan_x1 is None and not span.open_ended:
                    r = QRectF(left, span.row * row_h + 2, max(right - left, 1), row_h - 4)
                    found = batch.setdefault((span.kind, span.planned), ([], []))
                    found[0].append(k)
                    found[1].append(r)
                else:
                    bisect.insort(wide, k)
            for look, (indices, rects) in batch.items():
                had = narrow.get(look, ([], []))
                if at_end:
                    narrow[look] = (had[0] + indices, had[1] + rects)
                else:
                    narrow[look] = (indices + had[0], rects + had[1])
        done[0], done[1] = min(done[0], lo), max(done[1], hi)
        # of each look, the spans lo … hi only (those placed before for another range
        # are not drawn: a picture after a pan is the picture of a new painter)
        shown: dict[tuple[str, bool], list[QRectF]] = {}
        for look, (indices, rects) in narrow.items():
            first, last = bisect.bisect_left(indices, lo), bisect.bisect_left(indices, hi)
            if last > first:
                shown[look] = rects[first:last]
        return shown, wide

    def _row_ends(self, lane: Lane) -> dict[int, tuple[list[float], list[float]]]:
        """Each row's span starts and ends (days, in order), kept per lane: where a label
        beside a narrow span may go is found by bisection."""
        kept = self._rows_kept.get(id(lane))
        if kept is not None and kept[0] is lane and kept[1] is lane.spans:
            return kept[2]  # type: ignore[no-any-return]
        rows: dict[int, tuple[list[float], list[float]]] = {}
        for span in lane.spans:
            starts, ends = rows.setdefault(span.row, ([], []))
            starts.append(span.x0)
            ends.append(span.plan_x1 or span.x1)
        for starts, ends in rows.values():
            starts.sort()
            ends.sort()
        if len(self._rows_kept) > 32:
            self._rows_kept.clear()
        self._rows_kept[id(lane)] = (lane, lane.spans, rows)
        return rows

    def _width(self, fm: QFontMetricsF, font: QFont, text: str) -> float:
        """``fm.horizontalAdvance(text)``, kept per font (a label measured once, not on
        every pan and zoom step)."""
        widths = self._widths.get(font.key())
        if widths is None:
            if len(self._widths) > 8:
                self._widths.clear()
            widths = self._widths[font.key()] = {}
        found = widths.get(text)
        if found is None:
            if len(widths) > 8192:
                widths.clear()
            found = widths[text] = fm.horizontalAdvance(text)
        return found

    def _wide_spans(self, p: QPainter, lane: Lane, area: QRectF, x0: float, x1: float, px) -> None:
        font = p.font()
        fm = QFontMetricsF(font)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        spans = lane.visible_spans(x0, x1)
        laid_out = self._laid_out(p)
        bounds = lane.span_range(x0, x1)
        scale = scale_x(x0, x1, area)
        if bounds is not None:
            narrow, wide = self._narrow_spans(lane, scale, *bounds)
            first, last = bisect.bisect_left(wide, bounds[0]), bisect.bisect_left(wide, bounds[1])
            drawn = [lane.spans[k] for k in wide[first:last]]
        else:  # spans not in order of start: each looked at here
            narrow, drawn = {}, []
            row_h = self.style.phase_row
            for span in spans:
                left, right = px(span.x0), px(span.x1)
                if right - left < 6 and span.plan_x1 is None and not span.open_ended:
                    r = QRectF(
                        left, area.top() + span.row * row_h + 2, max(right - left, 1), row_h - 4
                    )
                    narrow.setdefault((span.kind, span.planned), []).append(r)
                else:
                    drawn.append(span)
        for span in drawn:
            if (span.plan_x1 or span.x1) < x0 or span.x0 > x1:
                continue
            r = self._span_box(span, area, px)
            colour = PHASE_COLOURS.get(span.kind, PHASE_COLOURS["other"])
            if span.planned:
                p.setPen(QPen(colour.darker(140), 1.5, Qt.PenStyle.DashLine))
                brush = QBrush(colour, Qt.BrushStyle.BDiagPattern)
                p.setBrush(brush)
            else:
                p.setPen(QPen(colour.darker(160), 1))
                p.setBrush(colour.lighter(115))
            p.drawRect(r)
            if span.plan_x1 is not None:
                # Started and still running: the planned rest of the phase, hatched.
                rest = QRectF(r.right(), r.top(), max(px(span.plan_x1) - r.right(), 0), r.height())
                p.setPen(QPen(colour.darker(140), 1, Qt.PenStyle.DashLine))
                p.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
                p.drawRect(rest)
            if span.open_ended:
                # A running phase fades out at today, a planned one of unknown length after
                # its first days: an arrow says "continues".
                p.setBrush(colour.darker(160))
                mid = r.center().y()
                tri = QPolygonF(
                    [
                        QPointF(r.right(), mid - 5),
                        QPointF(r.right() + ARROW, mid),
                        QPointF(r.right(), mid + 5),
                    ]
                )
                p.drawPolygon(tri)
            label = span.label
            visible = r.intersected(area)
            if visible.width() > self._width(fm, font, label[:3]) + 6:
                p.setPen(TEXT)
                text = fm.elidedText(label, Qt.TextElideMode.ElideRight, visible.width() - 6)
                self._left_text(p, visible.adjusted(4, 0, -2, 0), text, fm, laid_out)
            else:  # too narrow (a plan started today): the label beside it, if it fits
                # the next span of its row starting after it, the last one ending before
                starts, ends = self._row_ends(lane)[span.row]
                half = 0.5 / scale  # half a pixel, in days
                after = bisect.bisect_right(starts, span.x0 + half)
                high = area.right()
                if after < len(starts):
                    high = min(px(starts[after]), high)
                before = bisect.bisect_left(ends, span.x0 - half)
                low = max(px(ends[before - 1]), area.left()) if before > 0 else area.left()
                beside = outside_label(label, r, low, high, fm, span.open_ended)
                if beside is not None:
                    p.setPen(self.ink.text)
                    self._left_text(p, beside[0], beside[1], fm, laid_out)
        if bounds is not None:
            p.save()
            p.translate(area.left() - x0 * scale, area.top())
            self._draw_narrow(p, narrow)
            p.restore()
        else:
            self._draw_narrow(p, narrow)

    # ------------------------------------------------------------------ marks

    def _marks(self, p: QPainter, lane: Lane, area: QRectF, x0: float, x1: float, px) -> None:
        font = p.font()
        visible = lane.visible_marks(x0, x1)
        if lane.row_titles and dense(lane, area, x0, x1):
            solid, outlined = self._kept(
                lane,
                area,
                x0,
                x1,
                px,
                font,
                "rows",
                lambda: self._dense_rects(lane, area, visible, px),
            )
            self._dense_rows(p, solid, outlined)
            return
        if dense(lane, area, x0, x1):
            # Too many to tell apart (years at a glance): one tick per pixel column, in one
            # call; zooming in brings back shapes and labels.
            colour = OKABE_ITO["blue"] if lane.key == "milestones" else OKABE_ITO["purple"]
            top = area.top() + 3
            per_day = scale_x(x0, x1, area)
            at = px(0.0)  # px(x) is at + x * per_day: no call per mark
            ticks_ = self._kept(
                lane,
                area,
                x0,
                x1,
                px,
                font,
                "ticks",
                lambda: [
                    QRectF(c - 1, top, 2, self.style.mark_size * 2)
                    for c in sorted({round(at + m.x * per_day) for m in visible})
                ],
            )
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRects(ticks_)
            return
        placed = self._placed_marks(p, lane, area, x0, x1, px)
        smooth = len(placed) < 400
        p.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
        size = self._mark_radius(lane, area, x0, x1)
        if _on_screen(p):
            # the marks as kept images, then their labels (a label never covers a mark)
            stamps = self._stamps(placed, size, smooth)
            for at, sprite in stamps:
                p.drawImage(at, sprite)
            self.stamped += len(stamps)
            p.setPen(self.ink.text)
            fm = QFontMetricsF(font)
            laid_out = self._laid_out(p)
            for item, _, _ in placed:
                if item.label and item.rect is not None:
                    self._left_text(p, item.rect, item.text, fm, laid_out)
                    if self.drawn_labels is not None:
                        self.drawn_labels.append((lane.key, item.text, QRectF(item.rect)))
            return
        look: object = None  # the pen and brush set last (runs of one look set them once)
        for item, centre, colour in placed:
            look = self._shape(p, item.mark, centre, size, colour, look)
            if item.label and item.rect is not None:
                p.setPen(self.ink.text)
                self._text(p, lane.key, item.rect, item.text)
                look = None

    def _placed_marks(  # type: ignore[no-untyped-def]
        self, p: QPainter, lane: Lane, area: QRectF, x0: float, x1: float, px
    ) -> list[tuple[PlacedMark, QPointF, QColor]]:
        """A mark lane's marks where they are drawn, with their colours (kept)."""
        return self._placed_with_colours(lane, area, x0, x1, px, p.font())

    def _placed_with_colours(  # type: ignore[no-untyped-def]
        self, lane: Lane, area: QRectF, x0: float, x1: float, px, font: QFont
    ) -> list[tuple[PlacedMark, QPointF, QColor]]:
        fm = QFontMetricsF(font)
        return self._kept(  # type: ignore[no-any-return]
            lane,
            area,
            x0,
            x1,
            px,
            font,
            "placed",
            lambda: [
                (item, QPointF(item.cx, item.cy), _mark_colour(lane, item.mark))
                for item in _drawing_order(
                    lane, place_marks(lane, area, x0, x1, px, fm, self.style)
                )
            ],
        )

    def marks_placed(
        self, lane: Lane, area: QRectF, x0: float, x1: float, px, font: QFont
    ) -> list[PlacedMark]:
        """A mark lane's marks where :meth:`paint` puts them in ``area`` (the lane's part
        of the plot) with ``font`` (:func:`label_font`): the placement the last paint
        made, when it made one for the same range and size, for hit testing."""
        placed = self._placed_with_colours(lane, area, x0, x1, px, font)
        return [item for item, _, _ in placed]

    def _mark_radius(self, lane: Lane, area: QRectF, x0: float, x1: float) -> float:
        if lane.row_titles:
            return name_mark_size(self.style, scale_x(x0, x1, area))
        return self.style.mark_size

    def _kept(
        self, lane: Lane, area: QRectF, x0: float, x1: float, px, font: QFont, what: str, make
    ):  # type: ignore[no-untyped-def]
        """``make()`` (what a mark lane draws: placed marks, tick rectangles), kept while
        the lane, its marks, the range, the area, the font and the style stay the same
        (repaints for hover, focus, or a dialog on top, and presets gone back to)."""
        s = self.style
        key = (
            id(lane),
            what,
            x0,
            x1,
            area.left(),
            area.top(),
            area.width(),
            area.height(),
            px(x0),
            px(x1),
            font.key(),
            s.mark_size,
            s.mark_row,
            s.name_row,
            tuple(sorted(s.mark_rows.items())),
            len(lane.marks),
        )
        cached = self._placed.get(key)
        if cached is not None and cached[0] is lane and cached[1] is lane.marks:
            return cached[2]
        made = make()
        if len(self._placed) > 64:
            self._placed.clear()
        self._placed[key] = (lane, lane.marks, made)
        return made

    def _dense_rects(
        self, lane: Lane, area: QRectF, visible: list[Mark], px
    ) -> tuple[list[QRectF], list[QRectF]]:
        """Years of daily doses at a glance: per row and pixel column a short solid tick
        where every dose went in, a full-height outlined box where one did not (missed,
        vomited, held, partly given) — shape and fill, not colour alone."""
        given: dict[tuple[int, int], bool] = {}
        for m in visible:
            key = (m.row, round(px(m.x)))
            given[key] = given.get(key, True) and m.kind == "given"
        row_h = self.style.name_row
        solid = [
            QRectF(c - 1, area.top() + row * row_h + row_h / 2 - 1, 2, 4)
            for (row, c), ok in given.items()
            if ok
        ]
        outlined = [
            QRectF(c - 2, area.top() + row * row_h + 2, 4, row_h - 3)
            for (row, c), ok in given.items()
            if not ok
        ]
        return solid, outlined

    def _dense_rows(self, p: QPainter, solid: list[QRectF], outlined: list[QRectF]) -> None:
        """The rectangles of :meth:`_dense_rects`, in two calls."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(DOSE_COLOURS["given"])
        p.drawRects(solid)
        p.setPen(QPen(DOSE_COLOURS["missed"], 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRects(outlined)

    def _laid_out(self, p: QPainter) -> dict[str, QStaticText] | None:
        """On screen, the labels already laid out in the painter's font (text → layout),
        for :meth:`_left_text`; None on paper (drawn as text)."""
        if not _on_screen(p):
            return None
        font = p.font()
        key = font.key()
        found = self._texts.get(key)
        if found is None:
            if len(self._texts) > 8:
                self._texts.clear()
            found = self._texts[key] = {}
        return found

    def _text(self, p: QPainter, kind: str, box: QRectF, text: str) -> None:
        """``text`` at the left of ``box``, centred up and down, never clipped (a page's
        font measures a hair wider than the screen's); noted in :attr:`drawn_labels`."""
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.drawText(box, int(flags | Qt.TextFlag.TextDontClip), text)
        if self.drawn_labels is not None:
            self.drawn_labels.append((kind, text, QRectF(box)))

    def _left_text(
        self,
        p: QPainter,
        rect: QRectF,
        text: str,
        fm: QFontMetricsF,
        laid_out: dict[str, QStaticText] | None,
    ) -> None:
        """``text`` (that fits) at the left of ``rect``, centred up and down, as
        ``drawText(rect, AlignLeft | AlignVCenter, text)`` puts it; on screen from a
        layout kept per text (``laid_out``, from :meth:`_laid_out`): the same pixels at
        half the cost, and a label is drawn again on every pan and zoom step."""
        if laid_out is None:
            p.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
            return
        static = laid_out.get(text)
        if static is None:
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), p.font())
            if len(laid_out) > 4096:
                laid_out.clear()
            laid_out[text] = static
        p.drawStaticText(
            QPointF(rect.left(), rect.top() + (rect.height() - fm.height()) / 2), static
        )

    def _stamps(
        self, placed: list[tuple[PlacedMark, QPointF, QColor]], size: float, smooth: bool
    ) -> list[tuple[QPointF, QImage]]:
        """:meth:`_stamp` of each placed mark, kept with the placed marks they are of."""
        cached = self._stamp_lists.get(id(placed))
        if cached is not None and cached[0] is placed and cached[1] == (size, smooth):
            return cached[2]
        stamps = [self._stamp(item.mark, c, size, colour, smooth) for item, c, colour in placed]
        if len(self._stamp_lists) > 64:
            self._stamp_lists.clear()
        self._stamp_lists[id(placed)] = (placed, (size, smooth), stamps)
        return stamps

    def _stamp(
        self, mark: Mark, c: QPointF, r: float, colour: QColor, smooth: bool
    ) -> tuple[QPointF, QImage]:
        """On screen, a mark is its shape drawn once (by :meth:`_shape`, at the same
        sixteenth of a pixel) into a small image kept per look, and that image put down
        (where, and which image: returned): one C++ call instead of stroking the outline
        again for each of hundreds of doses.
        The pixels are those of the shape drawn in place, but for the sixteenth (and the
        rounding of blending an edge twice); printing draws the shapes themselves."""
        x, y = c.x(), c.y()
        ix, iy = math.floor(x), math.floor(y)
        fx, fy = round((x - ix) * 16), round((y - iy) * 16)
        key = (mark.shape, mark.filled, mark.planned, colour.rgba(), r, smooth, fx, fy)
        sprite = self._sprites.get(key)
        if sprite is None:
            reach = math.ceil(r + 3)  # the outline's pen, a star's points, antialiasing
            sprite = QImage(2 * reach + 2, 2 * reach + 2, QImage.Format.Format_ARGB32_Premultiplied)
            sprite.fill(0)
            sp = QPainter(sprite)
            sp.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
            self._shape(sp, mark, QPointF(reach + fx / 16, reach + fy / 16), r, colour)
            sp.end()
            if len(self._sprites) > 2048:
                self._sprites.clear()
            self._sprites[key] = sprite
            self._sprite_reach[key] = reach
        reach = self._sprite_reach[key]
        return QPointF(ix - reach, iy - reach), sprite

    def _shape(
        self,
        p: QPainter,
        mark: Mark,
        c: QPointF,
        r: float,
        colour: QColor,
        current: object = None,
    ) -> object:
        """Draw ``mark``'s shape; returns its look, so that the next mark of the same look
        (``current``: the look the painter has) sets no pen or brush."""
        key = (colour.rgba(), mark.planned)
        look = (key, mark.filled)
        if look != current:
            pen_brush = self._looks.get(key)
            if pen_brush is None:  # made once per colour: a dose lane has hundreds of marks
                pen = QPen(colour.darker(130), 1.5)
                if mark.planned:
                    pen.setStyle(Qt.PenStyle.DashLine)
                pen_brush = self._looks[key] = (pen, QBrush(colour))
            p.setPen(pen_brush[0])
            p.setBrush(pen_brush[1] if mark.filled else Qt.BrushStyle.NoBrush)
        x, y = c.x(), c.y()
        if mark.shape == "circle":
            p.drawEllipse(c, r, r)
        elif mark.shape == "square":
            p.drawRect(QRectF(x - r + 1, y - r + 1, 2 * r - 2, 2 * r - 2))
        elif mark.shape == "diamond":
            p.drawPolygon(
                QPolygonF(
                    [QPointF(x, y - r), QPointF(x + r, y), QPointF(x, y + r), QPointF(x - r, y)]
                )
            )
        elif mark.shape == "triangle":
            p.drawPolygon(
                QPolygonF([QPointF(x, y - r), QPointF(x + r, y + r - 1), QPointF(x - r, y + r - 1)])
            )
        elif mark.shape == "star":
            path = QPainterPath()
            import math

            for i in range(10):
                radius = r + 1 if i % 2 == 0 else r * 0.45
                angle = -math.pi / 2 + i * math.pi / 5
                point = QPointF(x + radius * math.cos(angle), y + radius * math.sin(angle))
                if i == 0:
                    path.moveTo(point)
                else:
                    path.lineTo(point)
            path.closeSubpath()
            p.drawPath(path)
        else:  # cross
            p.drawLine(QPointF(x - r, y - r), QPointF(x + r, y + r))
            p.drawLine(QPointF(x - r, y + r), QPointF(x + r, y - r))
        return look

    def _focus_ring(self, p: QPainter, r: QRectF) -> None:
        p.save()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor("#000000"), 2, Qt.PenStyle.DotLine))
        p.drawRect(r.adjusted(-2, -2, 2, 2))
        p.restore()

    # ------------------------------------------------------------------ charts

    def _y_labels(
        self, p: QPainter, series: Series, area: QRectF, y_min: float, y_max: float
    ) -> None:
        inner = area.adjusted(0, 6, 0, -4)
        span = y_max - y_min or 1.0
        fm = QFontMetricsF(p.font())
        p.setPen(self.ink.muted)
        for value in (y_min, y_max / 2, y_max):
            y = inner.bottom() - (value - y_min) / span * inner.height()
            label = decimal_text(format_number(value))
            p.drawText(
                QPointF(area.left() - fm.horizontalAdvance(label) - 4, y + fm.ascent() / 2 - 1),
                label,
            )

    def _polyline(self, series: Series) -> tuple[QPolygonF, list[int]]:
        """All points as one polygon in (day, value) units, and where gaps break the line."""
        cached = self._polylines.get(id(series))
        if cached is not None and cached[0] is series:
            return cached[1], cached[2]
        points = series.points
        polygon = QPolygonF([QPointF(pt.x, pt.y) for pt in points])
        breaks = [
            k for k in range(1, len(points)) if points[k].x - points[k - 1].x > series.gap_days
        ]
        if len(self._polylines) > 32:
            self._polylines.clear()
        self._polylines[id(series)] = (series, polygon, breaks)
        return polygon, breaks

    def _runs(self, series: Series, bucket: float) -> list[tuple[list[float], list[float]]]:
        """The series' joined runs of (days, values), each thinned to ``bucket`` days
        (:func:`~tracker.timeline.thin_xy`; 0: every point); a thinning is made from the
        next finer one kept, not from every point again."""
        key = (id(series), "runs", bucket)
        cached = self._kept_pieces.get(key)
        if cached is not None and cached[0] is series and cached[1] is series.points:
            return cached[2]  # type: ignore[return-value]
        if bucket == 0:
            _, breaks = self._polyline(series)
            xs = [pt.x for pt in series.points]
            ys = [pt.y for pt in series.points]
            bounds = [0, *breaks, len(xs)]
            runs = [(xs[a:b], ys[a:b]) for a, b in itertools.pairwise(bounds)]
        else:
            finer = [
                k[2]
                for k, v in self._kept_pieces.items()
                if k[0] == id(series)
                and k[1] == "runs"
                and 0 < k[2] < bucket
                and v[0] is series
                and v[1] is series.points
            ]
            source = self._runs(series, max(finer, default=0.0))
            runs = [thin_xy(xs, ys, bucket) for xs, ys in source]
        self._keep((id(series), "runs", bucket), series, runs)
        return runs

    def _keep(self, key: tuple[int, str, float], series: Series, made: object) -> None:
        if len(self._kept_pieces) > 96:
            self._kept_pieces.clear()
        self._kept_pieces[key] = (series, series.points, made)  # type: ignore[assignment]

    def _pieces(self, series: Series, what: str, bucket: float = 0.0) -> _Pieces:
        """The series' line ("line", thinned to ``bucket`` days) or its lab dots ("dots":
        the results that are not worked out) as :class:`_Pieces`, kept per series."""
        key = (id(series), what, bucket)
        cached = self._kept_pieces.get(key)
        if cached is not None and cached[0] is series and cached[1] is series.points:
            return cached[2]
        if what == "dots":
            lab = [pt for pt in series.points if not pt.calculated]
            made = _Pieces([([pt.x for pt in lab], [pt.y for pt in lab])], least=1)
        else:
            made = _Pieces(self._runs(series, bucket))
        self._keep(key, series, made)
        return made

    def _threshold_labels(
        self,
        series: Series,
        area: QRectF,
        x0: float,
        x1: float,
        fm: QFontMetricsF,
        today: float | None,
        polygon: QPolygonF,
    ) -> list[tuple[Threshold, QRectF | None, str]]:
        """:func:`threshold_labels`, kept while the chart, its range and size stay the same
        (a repaint for focus or a highlight does not place the labels again)."""
        key = (id(series), x0, x1, area.getRect(), fm.height(), today)
        cached = self._labels.get(key)
        if cached is not None and cached[0] is series:
            return cached[1]
        found = threshold_labels(series, area, x0, x1, fm, today, polygon)
        if len(self._labels) > 32:
            self._labels.clear()
        self._labels[key] = (series, found)
        return found

    def _series(
        self,
        p: QPainter,
        series: Series,
        area: QRectF,
        x0: float,
        x1: float,
        px,
        today: float | None = None,
    ) -> None:
        inner = area.adjusted(0, 6, 0, -4)
        y_min, y_max = series.scale(x0, x1)
        span = y_max - y_min or 1.0

        def py(y: float) -> float:
            return inner.bottom() - (y - y_min) / span * inner.height()

        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(QPen(self.ink.grid, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(area)
        fm = QFontMetricsF(p.font())
        for value in (y_max / 2, y_max):
            y = py(value)
            p.setPen(QPen(self.ink.grid, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        colour = SERIES_COLOURS.get(series.analyte, OKABE_ITO["blue"])
        # the lab's range as a band
        band_colour = QColor(colour)
        band_colour.setAlpha(38)
        for band in series.bands:
            if band.x1 < x0 or band.x0 > x1:
                continue
            top = py(band.high) if band.high is not None else inner.top()
            bottom = py(band.low) if band.low is not None else inner.bottom()
            r = QRectF(QPointF(px(band.x0), top), QPointF(px(band.x1), bottom))
            if band.x1 - band.x0 < 2:
                # One result's own range: an I-beam at the point, not a sliver of band.
                cx = r.center().x()
                p.setPen(QPen(colour.lighter(120), 1))
                p.drawLine(QPointF(cx, top), QPointF(cx, bottom))
                p.drawLine(QPointF(cx - 3, top), QPointF(cx + 3, top))
                p.drawLine(QPointF(cx - 3, bottom), QPointF(cx + 3, bottom))
                continue
            p.fillRect(r, band_colour)
            p.setPen(QPen(colour.lighter(130), 1, Qt.PenStyle.DashLine))
            p.drawLine(r.topLeft(), r.topRight())
            p.drawLine(r.bottomLeft(), r.bottomRight())
        # thresholds
        polygon, breaks = self._polyline(series)
        for t, box, text in self._threshold_labels(series, area, x0, x1, fm, today, polygon):
            y = py(t.y)
            p.setPen(QPen(self.ink.text, 1, Qt.PenStyle.DashDotLine))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            if box is None:  # no free place beside the data: the legend names the line
                continue
            p.setPen(self.ink.text)
            p.fillRect(box, self.ink.backdrop)  # legible over the grid
            self._text(p, "reference", box.adjusted(2, 0, 0, 0), text)
        # the values: lines from polygons built once per series in data units and drawn
        # through a transform (no Python loop over points at paint time)
        i, j = series.visible_slice(x0, x1)
        columns = max(int(area.width()), 1)
        sparse = j - i < min(columns / 8, 100)
        transform = _data_transform(series, area, x0, x1)
        # A pen wider than one pixel takes Qt's slow stroking path (285 ms for 5,000
        # points): on screen, lines are cosmetic (device-pixel) pens through the transform.
        # On paper (hundreds of dpi) a cosmetic pixel is a hair, so the few points of a
        # printed range are mapped by hand and drawn with a real width.
        on_paper = p.device() is not None and p.device().logicalDpiX() > 150
        line = QPen(colour, 1.3 if sparse or on_paper else 1.0)
        line.setCosmetic(not on_paper)
        runs = [b for b in breaks if i < b < j] + [j]
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, sparse or on_paper)
        p.setPen(line)
        start = i
        if on_paper:
            for stop in runs:
                if stop - start > 1:
                    # a long printed range: at most a few points per column of the page
                    run = thin(series.points[start:stop], x0, x1, columns)
                    p.drawPolyline(QPolygonF([QPointF(px(pt.x), py(pt.y)) for pt in run]))
                start = stop
        elif j > i:
            # More points than a few per pixel column (years at a glance): each stretch of
            # days no wider than a column keeps its first, lowest, highest and last point
            # (tracker.timeline.thin_xy), so no nadir or peak is lost.
            per_day = columns / max(x1 - x0, 1e-9)
            bucket = 0.0
            if j - i > 2 * columns:
                bucket = 2.0 ** math.floor(math.log2(1 / per_day))
            a, b = series.xs[i], series.xs[j - 1]
            p.setTransform(transform, True)
            for piece in self._pieces(series, "line", bucket).shown(a, b):
                p.drawPolyline(piece)
        p.restore()
        p.setPen(QPen(colour, 1))
        p.setBrush(colour)
        if not sparse and j - i < columns / 2:
            # dense: small squares in one call a piece, through the same transform (a
            # 3-pixel square pen's point: the pixels of a 2×2 box with its 1-pixel outline)
            dot = QPen(colour, 3)
            dot.setCosmetic(True)
            dot.setCapStyle(Qt.PenCapStyle.SquareCap)
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.setPen(dot)
            p.setTransform(transform, True)
            for piece in self._pieces(series, "dots").shown(series.xs[i], series.xs[j - 1]):
                p.drawPoints(piece)
            p.restore()
        # denser still (points under 2 px apart): the line alone shows the shape
        for point in series.points[i:j] if sparse else ():
            c = QPointF(px(point.x), py(point.y))
            if point.calculated:  # a worked-out ANC: hollow square, never a lab dot
                p.setBrush(self.ink.background)
                p.drawRect(QRectF(c.x() - 3, c.y() - 3, 6, 6))
                p.setBrush(colour)
            elif point.comparator:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(c, 3.5, 3.5)
                p.setBrush(colour)
            else:
                p.drawEllipse(c, 2.6, 2.6)
