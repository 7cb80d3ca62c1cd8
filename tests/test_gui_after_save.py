"""After a save, nothing on the GUI thread reads the whole history again (issue 16: a
blood count saved on a 50-year record froze the window 13.7 s while every count was read
again and laid out): the bridge's kept counts take the saved count in, the timeline shows
it at once from the months on screen and lays the whole history out on a job; opening the
blood count form reads only what it needs.  Undo and redo leave everything as before."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from tracker.forms import ValueInput, count_from_form
from tracker.model import CountResult
from tracker.store import Record
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

MANY = 300  # a few hundred counts: a whole-history read builds every one of them


def _count(
    record: Any, child: Any, day: dt.date, values: list[ValueInput], source: str = ""
) -> CountResult:
    fields = {"taken_date": day.isoformat(), "source": source}
    return count_from_form(fields, values, child=child, today=record.today())


@pytest.fixture
def long_record(record, child):  # type: ignore[no-untyped-def]
    """MANY counts, one a day; only the oldest has a hemoglobin (in g/L), the newest
    is from "City lab"."""
    today = record.today()
    counts = []
    for i in range(MANY):
        day = today - dt.timedelta(days=MANY - i)
        values = [ValueInput("plt", str(100 + i % 50), "×10⁹/L")]
        if i == 0:
            values.append(ValueInput("hgb", "105", "g/L"))
        counts.append(_count(record, child, day, values, "City lab" if i == MANY - 1 else ""))
    record.save_all(counts)
    return record


class _GuiReads:
    """How many blood counts ``Record.entries`` built on the GUI thread (any read of them:
    the whole list, the recent ones, one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.gui = threading.get_ident()
        self.built = 0
        self.elsewhere = 0
        original = Record.entries

        def spy(record: Record, model: type[Any], *args: Any, **kwargs: Any) -> Any:
            found = original(record, model, *args, **kwargs)
            if model is CountResult:
                if threading.get_ident() == self.gui:
                    self.built += len(found)
                else:
                    self.elsewhere += len(found)
            return found

        monkeypatch.setattr(Record, "entries", spy)
        # and the most counts a lay-out of the timeline took on the GUI thread
        import ui.timeline.view

        self.laid_out = 0
        build = ui.timeline.view.layout.build

        def build_spy(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() == self.gui:
                counts = kwargs.get("counts", args[3] if len(args) > 3 else ())
                self.laid_out = max(self.laid_out, len(counts))
            return build(*args, **kwargs)

        monkeypatch.setattr(ui.timeline.view.layout, "build", build_spy)


def test_opening_the_count_form_reads_only_what_it_needs(
    qtbot, long_record, bridge, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.count import COUNT_UI
    from ui.kind_ui import Editing

    child = bridge.current_child()
    whole: list[int] = []
    monkeypatch.setattr(type(bridge), "counts", lambda self, c: whole.append(c) or [])
    reads = _GuiReads(monkeypatch)
    dialog = COUNT_UI.dialog(Editing(bridge, child, long_record.today()), None, None)
    qtbot.addWidget(dialog)
    assert whole == [] and reads.built < 10  # not every count of the child
    # as before: the newest unit of each analyte, even one last measured long ago, and the
    # lab of the newest count
    assert dialog.field("hgb.unit").currentText() == "g/L"
    assert dialog.field("plt.unit").currentText() == "×10⁹/L"
    assert dialog.field("source").currentText() == "City lab"


def _window(qtbot, bridge, interaction, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _plt_days(window: MainWindow) -> list[int]:
    timeline = window.timeline_view.widget.timeline
    assert timeline is not None
    lane = timeline.lane("plt")
    assert lane is not None and lane.series is not None
    return [int(p.x) for p in lane.series.points]


def _loaded(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view = window.timeline_view
    qtbot.waitUntil(
        lambda: not view._history_pending and view._loading is None and view._handing is None,
        timeout=30000,
    )


def test_a_saved_count_shows_at_once_without_the_history_read_on_the_gui_thread(
    qtbot, long_record, bridge, child, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = _window(qtbot, bridge, interaction, settings)
    window.timeline_view.load_in_background(window.jobs)
    _loaded(qtbot, window)
    child_id = bridge.child_id
    before_counts = bridge.counts(child_id)
    before_days = _plt_days(window)
    assert len(before_counts) == MANY and len(before_days) == MANY
    today = long_record.today()
    reads = _GuiReads(monkeypatch)

    saved = bridge.save(_count(long_record, child, today, [ValueInput("plt", "150", "×10⁹/L")]))
    # at once: on the timeline, in the kept counts (the newest), nothing read whole
    assert today.toordinal() in _plt_days(window)
    after = bridge.counts(child_id)
    assert after[:-1] == before_counts and after[-1] == saved
    assert reads.built < 10
    # laid out at once from the months on screen only; the whole history off the GUI thread
    assert 0 < reads.laid_out < MANY // 2
    _loaded(qtbot, window)
    assert _plt_days(window) == [*before_days, today.toordinal()]
    assert reads.built < 10
    assert bridge.counts(child_id) == after

    bridge.undo_stack.undo()  # everything as before
    assert today.toordinal() not in _plt_days(window)
    assert bridge.counts(child_id) == before_counts
    _loaded(qtbot, window)
    assert _plt_days(window) == before_days
    bridge.undo_stack.redo()
    assert bridge.counts(child_id) == after
    _loaded(qtbot, window)
    assert _plt_days(window) == [*before_days, today.toordinal()]
    assert reads.built < 10 and reads.laid_out < MANY // 2
    # and what is kept is what the record holds
    assert bridge.counts(child_id) == long_record.counts(child_id)


def test_an_edited_count_moves_in_the_kept_list_and_back(
    qtbot, long_record, bridge, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    window = _window(qtbot, bridge, interaction, settings)
    window.timeline_view.load_in_background(window.jobs)
    _loaded(qtbot, window)
    child_id = bridge.child_id
    before = bridge.counts(child_id)
    reads = _GuiReads(monkeypatch)
    oldest = before[0]
    moved = replace(oldest, taken_date=before[10].taken_date + dt.timedelta(days=1))
    bridge.save(moved)
    assert bridge.counts(child_id) == long_record.counts(child_id)
    bridge.undo_stack.undo()
    assert bridge.counts(child_id) == before
    bridge.delete(CountResult, before[5].id)
    assert bridge.counts(child_id) == long_record.counts(child_id) == before[:5] + before[6:]
    bridge.undo_stack.undo()
    assert bridge.counts(child_id) == before
    # three whole reads (the record's, to compare) and no more
    assert reads.built < 3 * MANY + 10
    _loaded(qtbot, window)
    assert len(_plt_days(window)) == MANY


def test_an_import_shows_the_recent_months_at_once_and_the_history_from_a_job(
    qtbot, long_record, bridge, child, interaction, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Something written outside the undo stack (an import, a restore: "everything
    changed") is read again like the start: the months on screen on the GUI thread, the
    whole history by a job (read whole there it stood the window still for seconds)."""
    from tracker.kinds import ALL_CHANGED

    window = _window(qtbot, bridge, interaction, settings)
    window.timeline_view.load_in_background(window.jobs)
    _loaded(qtbot, window)
    child_id = bridge.child_id
    before_days = _plt_days(window)
    old_day = long_record.today() - dt.timedelta(days=MANY - 5)  # long before what is shown
    imported = _count(long_record, child, old_day, [ValueInput("plt", "90", "×10⁹/L")])
    long_record.save_all([imported])  # as an import writes: outside the undo stack
    reads = _GuiReads(monkeypatch)

    bridge.changed_outside(ALL_CHANGED)
    assert reads.built < MANY  # the recent months only, on the GUI thread
    assert 0 < reads.laid_out < MANY
    _loaded(qtbot, window)
    assert reads.elsewhere >= MANY  # the whole history read by the job
    assert _plt_days(window) == sorted([old_day.toordinal(), *before_days])
    assert reads.built < MANY
    assert bridge.counts(child_id) == long_record.counts(child_id)
