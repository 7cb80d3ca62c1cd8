"""The timeline painter keeps what it placed for a mark lane between repaints: a repaint
draws exactly what a new painter draws, for the same timeline and for another one."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import TODAY
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from tracker import timeline as layout
from tracker.model import Milestone, MilestoneKind
from ui.timeline.painter import TimelinePainter


def _timeline(n: int, step: int) -> layout.Timeline:
    start = TODAY - dt.timedelta(days=n * step)
    milestones = [
        Milestone(1, start + dt.timedelta(days=i * step), MilestoneKind.REMISSION, "", id=i + 1)
        for i in range(n)
    ]
    return layout.build([], milestones, [], [], TODAY, lanes=("milestones",))


def _picture(painter: TimelinePainter, timeline: layout.Timeline, days: int) -> QImage:
    image = QImage(600, 200, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    x1 = timeline.today + 1
    painter.paint(p, QRectF(0, 0, 600, 200), timeline, x1 - days, x1)
    p.end()
    return image


def test_a_repaint_draws_what_a_new_painter_draws(qapp) -> None:  # type: ignore[no-untyped-def]
    painter = TimelinePainter()
    for n, days in ((12, 30), (400, 820)):  # labelled marks, then ticks (dense)
        first, second = _timeline(n, 1), _timeline(n, 2)
        assert _picture(painter, first, days) == _picture(TimelinePainter(), first, days)
        assert _picture(painter, first, days) == _picture(TimelinePainter(), first, days)
        # another timeline, same lane, range and size: nothing kept from the first
        assert _picture(painter, second, days) == _picture(TimelinePainter(), second, days)
        assert _picture(painter, second, days) != _picture(painter, first, days)
        # the same lane with other marks (a new list), then moved
        lane = second.lanes[0]
        fewer = dataclasses.replace(
            second, lanes=[dataclasses.replace(lane, marks=lane.marks[::2])]
        )
        assert _picture(painter, fewer, days) == _picture(TimelinePainter(), fewer, days)
        assert _picture(painter, second, days + 3) == _picture(TimelinePainter(), second, days + 3)
