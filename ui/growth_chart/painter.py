"""Draws a :class:`~tracker.growth_chart.GrowthChart` on any QPainter (screen, PNG, paper).

One panel per measure, stacked over one age axis: weight in kg, length/height in cm, head
circumference in cm, each with its own scale.  The colours are the timeline's Okabe–Ito
palette and each measure also has its own point shape, so grey print loses nothing.  The
note that these are the child's own measurements, with no reference curves, is drawn on
the chart itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from tracker.analytes import format_number
from tracker.growth_chart import GrowthChart, GrowthPoint, GrowthSeries
from tracker.i18n import N_, tr
from tracker.i18n.formats import decimal_text
from tracker.kinds.growth import format_cm, format_kg
from tracker.timeline import Ref
from ui.timeline.painter import GRID, MUTED, OKABE_ITO, TEXT, Style, label_font

COLOURS = {"weight": OKABE_ITO["blue"], "length": OKABE_ITO["green"], "head": OKABE_ITO["purple"]}
SHAPES = {"weight": "circle", "length": "square", "head": "triangle"}
EMPTY = {
    "weight": N_("No weight measured yet"),
    "length": N_("No length/height measured yet"),
    "head": N_("No head circumference measured yet"),
}


@dataclass
class ChartStyle:
    title_width: float = 150.0
    axis_height: float = 30.0
    panel_gap: float = 12.0
    note_gap: float = 6.0
    font_size: float = 9.0
    point_size: float = 4.0
    min_panel: float = 60.0


@dataclass
class ChartGeometry:
    note: QRectF = field(default_factory=QRectF)
    panels: dict[str, QRectF] = field(default_factory=dict)  # the plot areas, by measure
    axis: QRectF = field(default_factory=QRectF)


class GrowthChartPainter:
    def __init__(self, style: ChartStyle | None = None) -> None:
        self.style = style or ChartStyle()

    def font(self, base: QFont) -> QFont:
        return label_font(base, Style(font_size=self.style.font_size))

    def layout(self, chart: GrowthChart, rect: QRectF, font: QFont) -> ChartGeometry:
        s = self.style
        fm = QFontMetricsF(font)
        g = ChartGeometry()
        note = fm.boundingRect(
            QRectF(rect.left() + 4, rect.top(), rect.width() - 8, 1000),
            int(Qt.TextFlag.TextWordWrap),
            chart.note,
        )
        g.note = QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, note.height())
        top = g.note.bottom() + s.note_gap
        left = rect.left() + s.title_width
        width = max(rect.width() - s.title_width - 16, 10.0)
        n = len(chart.series)
        room = rect.bottom() - top - s.axis_height - s.panel_gap * (n - 1)
        height = max(room / max(n, 1), s.min_panel)
        for i, series in enumerate(chart.series):
            g.panels[series.key] = QRectF(left, top + i * (height + s.panel_gap), width, height)
        bottom = top + n * height + (n - 1) * s.panel_gap
        g.axis = QRectF(left, bottom, width, s.axis_height)
        return g

    # ------------------------------------------------------------------ mapping

    @staticmethod
    def _px(chart: GrowthChart, area: QRectF, age: float) -> float:
        return area.left() + (age - chart.x0) / max(chart.x1 - chart.x0, 1e-9) * area.width()

    @staticmethod
    def _py(series: GrowthSeries, area: QRectF, value: float) -> float:
        inner = area.adjusted(0, 20, 0, -6)  # room above the top point for its value
        span = series.y_high - series.y_low or 1.0
        return inner.bottom() - (value - series.y_low) / span * inner.height()

    def positions(
        self, chart: GrowthChart, rect: QRectF, font: QFont
    ) -> list[tuple[str, GrowthPoint, QPointF]]:
        """Every point where :meth:`paint` draws it, with its measure's key: by age, then
        top panel first (the order Tab walks through them)."""
        g = self.layout(chart, rect, font)
        out: list[tuple[int, str, GrowthPoint, QPointF]] = []
        for index, series in enumerate(chart.series):
            area = g.panels[series.key]
            for point in series.points:
                at = QPointF(self._px(chart, area, point.age), self._py(series, area, point.value))
                out.append((index, series.key, point, at))
        out.sort(key=lambda item: (item[2].age, item[0]))
        return [(key, point, at) for _, key, point, at in out]

    # ------------------------------------------------------------------ painting

    def paint(
        self,
        p: QPainter,
        rect: QRectF,
        chart: GrowthChart,
        highlight: tuple[Ref, str] | None = None,
    ) -> ChartGeometry:
        """``highlight``: (the entry, the measure) drawn with a focus ring."""
        font = self.font(p.font())
        p.setFont(font)
        g = self.layout(chart, rect, font)
        fm = QFontMetricsF(font)
        p.setPen(MUTED)
        p.drawText(g.note, int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft), chart.note)
        ticks = chart.ticks(g.axis.width(), min_px=fm.horizontalAdvance("1 y 10 mo") + 12)
        bottom = g.axis.top()
        top = min((r.top() for r in g.panels.values()), default=bottom)
        drawn_to = -1e9  # where the last tick label ends: labels never overlap
        for tick in ticks:  # the age grid through every panel, labelled under the last
            x = self._px(chart, g.axis, tick.age)
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(x, top), QPointF(x, bottom + 4))
            label_w = fm.horizontalAdvance(tick.label)
            left = min(max(x - label_w / 2, g.axis.left() - 8), g.axis.right() - label_w + 8)
            if left < drawn_to + 6:
                continue
            p.setPen(TEXT)
            p.drawText(QPointF(left, bottom + 4 + fm.ascent()), tick.label)
            drawn_to = left + label_w
        p.setPen(TEXT)
        p.drawText(
            QRectF(rect.left() + 4, bottom + 4, self.style.title_width - 12, fm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            tr("Age"),
        )
        for series in chart.series:
            self._panel(p, chart, series, g.panels[series.key], rect, fm, highlight)
        return g

    def _panel(
        self,
        p: QPainter,
        chart: GrowthChart,
        series: GrowthSeries,
        area: QRectF,
        rect: QRectF,
        fm: QFontMetricsF,
        highlight: tuple[Ref, str] | None,
    ) -> None:
        colour = COLOURS[series.key]
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(QPen(GRID, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(area)
        title = QRectF(rect.left() + 4, area.top(), self.style.title_width - 48, area.height())
        p.setPen(TEXT)
        p.drawText(
            title,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
            f"{series.title}\n{series.unit}",
        )
        if not series.points:
            p.setPen(MUTED)
            p.drawText(area, int(Qt.AlignmentFlag.AlignCenter), tr(EMPTY[series.key]))
            return
        for value in series.y_ticks:
            y = self._py(series, area, value)
            p.setPen(QPen(GRID, 1, Qt.PenStyle.DotLine))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            label = decimal_text(format_number(value))
            p.setPen(MUTED)
            p.drawText(
                QPointF(area.left() - fm.horizontalAdvance(label) - 5, y + fm.ascent() / 2 - 1),
                label,
            )
        at = [
            QPointF(self._px(chart, area, pt.age), self._py(series, area, pt.value))
            for pt in series.points
        ]
        p.save()
        p.setClipRect(area.adjusted(-6, -6, 6, 6))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(colour, 1.5))
        if len(at) > 1:
            p.drawPolyline(QPolygonF(at))
        for pt, c in zip(series.points, at, strict=True):
            self._shape(p, SHAPES[series.key], c, colour)
            if highlight == (pt.ref, series.key):
                p.save()
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(QColor("#000000"), 2, Qt.PenStyle.DotLine))
                r = self.style.point_size + 4
                p.drawRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r))
                p.restore()
        p.restore()
        # the latest value written beside its point (the others: in their tooltips)
        last, c = series.points[-1], at[-1]
        text = format_kg(last.value) if series.unit == "kg" else format_cm(last.value)
        width = fm.horizontalAdvance(text)
        x = c.x() + 8 if c.x() + 8 + width <= area.right() - 2 else c.x() - 8 - width
        y = c.y() - 6 if c.y() - 6 - fm.ascent() >= area.top() else c.y() + 6 + fm.ascent()
        p.setPen(TEXT)
        p.drawText(QPointF(x, y), text)

    def _shape(self, p: QPainter, shape: str, c: QPointF, colour: QColor) -> None:
        r = self.style.point_size
        p.setPen(QPen(colour.darker(130), 1.2))
        p.setBrush(colour)
        if shape == "circle":
            p.drawEllipse(c, r, r)
        elif shape == "square":
            p.drawRect(QRectF(c.x() - r + 0.5, c.y() - r + 0.5, 2 * r - 1, 2 * r - 1))
        else:
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(c.x(), c.y() - r - 0.5),
                        QPointF(c.x() + r, c.y() + r - 0.5),
                        QPointF(c.x() - r, c.y() + r - 0.5),
                    ]
                )
            )
