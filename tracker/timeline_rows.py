"""The charts as rows of a table: what a screen reader user reads instead of the drawing.

Every phase, mark and charted value of a :class:`~tracker.timeline.Timeline` (and every
point of the growth chart), one row each, in date order, with the lane it is drawn in and
the words of its tooltip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.growth_chart import GrowthChart
from tracker.timeline import Ref, Timeline, date_of


@dataclass(frozen=True, slots=True)
class TimelineRow:
    lane: str  # the lane's title, as drawn
    date: dt.date
    what: str  # the item's tooltip on one line, its date left out when that is all it says
    ref: Ref  # the entry it stands for (Enter opens it)


def _one_line(tooltip: str, date: dt.date) -> str:
    lines = [line.strip() for line in tooltip.splitlines() if line.strip()]
    if lines and lines[0] == date.isoformat():
        lines = lines[1:]
    text = " · ".join(lines)
    prefix = date.isoformat() + " · "
    return text[len(prefix) :] if text.startswith(prefix) else text


def timeline_rows(timeline: Timeline) -> list[TimelineRow]:
    """Every item drawn on ``timeline``, oldest first; lanes in their drawn order."""
    rows: list[tuple[dt.date, int, int, TimelineRow]] = []
    for order, lane in enumerate(timeline.lanes):
        items: list[tuple[dt.date, str, Ref]] = []
        items += [(s.start, s.tooltip, s.ref) for s in lane.spans]
        items += [(date_of(m.x), m.tooltip, m.ref) for m in lane.marks]
        if lane.series is not None:
            items += [(p.result.taken_date, p.tooltip, p.ref) for p in lane.series.points]
        for n, (date, tooltip, ref) in enumerate(items):
            row = TimelineRow(lane.title, date, _one_line(tooltip, date), ref)
            rows.append((date, order, n, row))
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]


def growth_rows(chart: GrowthChart) -> list[TimelineRow]:
    """Every measurement drawn on the growth chart, oldest first; the measures in the chart's
    order (the "lane" is the measure)."""
    rows: list[tuple[dt.date, int, int, TimelineRow]] = []
    for order, series in enumerate(chart.series):
        for n, point in enumerate(series.points):
            row = TimelineRow(
                series.title, point.date, _one_line(point.tooltip, point.date), point.ref
            )
            rows.append((point.date, order, n, row))
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]
