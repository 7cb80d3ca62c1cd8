"""The medicines on the timeline (a parent's walkthrough): the doses lane's names were cut
("methotrexate (b…"), a plan started today was an unlabelled sliver, and at 1024×600 the
medicines were far from the blood counts they are read against."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from tracker import timeline as layout
from tracker.model import DoseLog, DoseStatus, MedicinePlan
from ui.timeline.painter import TimelinePainter, outside_label, row_names
from ui.timeline.view import LANES
from ui.timeline.widget import TimelineWidget

pytestmark = pytest.mark.gui

START = TODAY - dt.timedelta(days=20)


def test_the_medicine_and_dose_lanes_sit_right_above_the_counts() -> None:
    keys = [key for key, _ in LANES]
    assert keys.index("medicines") + 1 == keys.index("doses")
    assert keys.index("doses") + 1 == keys.index("anc")  # the first count chart


def _doses_timeline() -> layout.Timeline:
    plans = [
        MedicinePlan(1, "6-mercaptopurine", START, "25", "mg", schedule="FREQ=DAILY", id=1),
        MedicinePlan(1, "methotrexate (by mouth)", START, "5", "mg", id=2),
    ]
    doses = [
        DoseLog(1, 1, TODAY, DoseStatus.GIVEN, id=1),
        DoseLog(1, 2, TODAY, DoseStatus.MISSED, id=2),
    ]
    return layout.build([], [], [], [], TODAY, medicine_plans=plans, doses=doses, lanes=("doses",))


def test_a_long_medicine_name_is_said_short_and_whole_in_its_tooltip(qtbot) -> None:  # type: ignore[no-untyped-def]
    timeline = _doses_timeline()
    lane = timeline.lane("doses")
    assert lane is not None
    fm = QFontMetricsF(QFont())
    width = 110.0
    assert fm.horizontalAdvance("methotrexate (by mouth)") > width  # as typed, it is cut
    assert row_names(lane, fm, width) == ["6-MP", "MTX"]  # as the Medicines lane says them
    assert row_names(lane, fm, 1000.0) == ["6-mercaptopurine", "methotrexate (by mouth)"]

    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(1000, 200)
    widget.set_timeline(timeline, keep_range=False)
    widget.show()
    qtbot.waitExposed(widget)
    style = widget.painter.style
    from ui.timeline.painter import layout_lanes

    area = layout_lanes(timeline, QRectF(widget.rect()), style).lanes["doses"]
    where = QPoint(10, int(area.top() + style.name_row * 1.5))  # the second row's name
    QApplication.sendEvent(
        widget, QHelpEvent(QHelpEvent.Type.ToolTip, where, widget.mapToGlobal(where))
    )
    assert QToolTip.text() == "methotrexate (by mouth)"
    QToolTip.hideText()


def test_a_plan_started_today_is_drawn_wide_enough_with_its_label_beside_it() -> None:
    plan = MedicinePlan(1, "fluconazole", TODAY, "30", "mg", id=3)
    [span] = (
        layout.build([], [], [], [], TODAY, medicine_plans=[plan], lanes=("medicines",))
        .lanes[0]
        .spans
    )
    assert span.open_ended and span.label == "fluconazole 30 mg"
    painter = TimelinePainter()
    scale = 0.5  # pixels a day: a one-day plan is half a pixel wide
    box = painter._span_box(span, QRectF(0, 0, 800, 100), lambda x: (x - span.x0) * scale + 400)
    assert box.width() >= 6

    fm = QFontMetricsF(QFont())
    right = outside_label(span.label, box, 0, 800, fm, True)
    assert right is not None and right[1] == span.label and right[0].left() > box.right()
    near_edge = outside_label(span.label, box, 0, box.right() + 20, fm, True)
    assert near_edge is not None and near_edge[0].right() < box.left()  # on its left
    room = box.right() + 7 + 3 + fm.horizontalAdvance("fluconazole…") + 5  # not the dose
    squeezed = outside_label(span.label, box, box.left() - 5, room, fm, True)
    assert squeezed is not None and squeezed[1] == "fluconazole…"
    assert outside_label(span.label, box, box.left() - 5, box.right() + 12, fm, True) is None
