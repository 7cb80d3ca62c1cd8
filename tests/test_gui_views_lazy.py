"""The tabs' cost on a long history (issue 16): a view reads nothing until it is first
shown, a change of another kind reads nothing again, the header and the timeline share
one read of the lists both show, and the Blood counts rows (worked out only when shown)
say what a pass over the whole history says."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWidget

from tracker.kinds import Changes
from tracker.model import CountResult, CountValue, Temperature

pytest_plugins = ["gui_helpers"]


def _traced(bridge) -> list[str]:  # type: ignore[no-untyped-def]
    queries: list[str] = []
    bridge.record.connection.set_trace_callback(queries.append)
    return queries


def _reads(queries: list[str], table: str) -> int:
    return sum(1 for q in queries if f"FROM {table} " in q)


def test_a_view_reads_nothing_until_it_is_first_shown(qtbot, bridge, interaction) -> None:  # type: ignore[no-untyped-def]
    from ui.views import lists
    from ui.views.plan import PlanView
    from ui.views.today import TodayView

    queries = _traced(bridge)
    holder = QWidget()  # a tab not shown yet
    qtbot.addWidget(holder)
    views = [
        cls(bridge, interaction, holder)
        for cls in (lists.PhasesView, lists.CountsView, lists.CnsView)
    ]
    assert queries == [], "built empty: filled when first shown"
    for cls in (
        lists.AgendaView,
        lists.FeversView,
        lists.MedicinesView,
        lists.HospitalView,
        TodayView,
        PlanView,
    ):
        cls(bridge, interaction, holder).hide()
        assert queries == [], cls.__name__
    for view in views:
        view.hide()
    holder.show()
    assert queries == []
    views[0].show()  # its tab is chosen (or the window calls ensure_fresh)
    assert _reads(queries, "phase") == 1 and _reads(queries, "growth") == 1
    assert _reads(queries, "count_result") == 0, "the other tabs still wait"


def test_a_change_of_another_kind_reads_nothing_again(qtbot, bridge, interaction) -> None:  # type: ignore[no-untyped-def]
    from ui.views.lists import PhasesView

    view = PhasesView(bridge, interaction, None)  # alone: filled at once
    qtbot.addWidget(view)
    view.show()
    queries = _traced(bridge)
    bridge.changed_outside(Changes.of(Temperature))
    assert queries == [], "a temperature does not read the phases again"
    bridge.changed_outside(Changes.of("phase"))
    assert _reads(queries, "phase") == 1, "a phase does, once"


def test_the_header_and_the_timeline_share_one_read(qtbot, bridge, settings) -> None:  # type: ignore[no-untyped-def]
    from ui.header import HeaderWidget
    from ui.timeline.view import TimelineView

    queries = _traced(bridge)
    header = HeaderWidget(bridge)
    timeline = TimelineView(bridge, settings)
    qtbot.addWidget(header)
    qtbot.addWidget(timeline)
    for table in ("phase", "milestone", "cns_visit", "appointment", "roadmap", "team_threshold"):
        assert _reads(queries, table) == 1, table
    assert _reads(queries, "child") <= 1


def test_a_write_nobody_told_of_is_read_again(bridge, child) -> None:  # type: ignore[no-untyped-def]
    assert bridge.counts(child.id) == []
    bridge.record.save(_count(child.id, dt.date(2026, 11, 1), 1.0))  # no ``changed``
    assert len(bridge.counts(child.id)) == 1


def _count(child_id: int, day: dt.date, wbc: float, plt: float | None = None) -> CountResult:
    values = [CountValue("wbc", f"{wbc:g}", "10^9/L", wbc, wbc, "10^9/L")]
    if plt is not None:
        values.append(CountValue("plt", f"{plt:g}", "10^9/L", plt, plt, "10^9/L"))
    return CountResult(child_id=child_id, taken_date=day, values=tuple(values))


def test_the_counts_trends_are_those_of_a_pass_over_the_history(bridge, child) -> None:  # type: ignore[no-untyped-def]
    from ui.models.counts import CountsModel

    start = dt.date(2026, 1, 1)
    wbcs = [1.0, 2.0, 2.0, 1.5, 3.0, 3.0, 0.5]
    plts = {0: 40.0, 5: 30.0}  # a rarer value: its previous one is rows back
    items = [
        _count(child.id, start + dt.timedelta(days=7 * i), w, plts.get(i))
        for i, w in enumerate(wbcs)
    ]
    model = CountsModel()
    model.reload(list(reversed(items)))  # any order in: newest first out
    assert [model.item(i).taken_date for i in range(len(items))] == [
        r.taken_date for r in reversed(items)
    ]
    expected: list[dict[str, str]] = []
    previous: dict[str, float] = {}
    for r in items:  # oldest first, as the model did it before
        arrows = {}
        for v in r.values:
            if v.analyte in previous:
                before = previous[v.analyte]
                value = v.normalised_value
                arrows[v.analyte] = "↑" if value > before else "↓" if value < before else "→"
            previous[v.analyte] = v.normalised_value
        expected.append(arrows)
    expected.reverse()
    for i, arrows in enumerate(expected):
        for code in ("wbc", "plt"):
            assert model.trend(i, code) == arrows.get(code, ""), (i, code)
            text = model.index(i, model.analyte_column(code)).data()
            assert text.endswith(arrows[code]) if code in arrows else True
    assert model.empty_analytes() >= {"hgb", "anc"}
    assert "wbc" not in model.empty_analytes() and "plt" not in model.empty_analytes()


def test_a_long_historys_charts_show_the_recent_months_then_the_whole(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, bridge, interaction, child
) -> None:
    from ui.views import lists

    monkeypatch.setattr(lists, "CHART_AT_ONCE", 3)  # a "long" history of 6 counts
    today = bridge.record.today()
    for weeks in (40, 34, 28, 22, 2, 1):
        bridge.save(_count(child.id, today - dt.timedelta(weeks=weeks), 1.0 + weeks / 10))
    view = lists.CountsView(bridge, interaction, None)
    qtbot.addWidget(view)
    view.show()

    def points() -> int:
        lane = view.chart.timeline.lane("wbc")
        return len(lane.series.points)

    assert view.model.rowCount() == 6, "the table lists every count at once"
    assert view.whole_chart_pending() and points() == 2, "the charts: the last months"
    x0, x1 = view.chart.visible_range()
    view.chart.set_range(x0 - 300, x1)  # the family looks further back
    assert not view.whole_chart_pending() and points() == 6
