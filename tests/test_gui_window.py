"""The main window: header, child switcher, view actions, deleting a child, window state,
the table models, and the command line's ``--screenshot``."""

from __future__ import annotations

import datetime as dt

import pytest
from gui_helpers import activate, blood_count, drive_modal, one, press, refresh_views, rows
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QImage, QKeySequence

from tracker.model import Child, CnsVisit, ItDose, ItDrug, Milestone, MilestoneKind, Mrd, Phase
from tracker.model import PhaseKind as Kind
from ui.actions import ActionId

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


def _fill_record(bridge) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Mila's treatment so far: prophase done, induction running, counts, an MRD, an LP."""
    mila = bridge.current_child()
    prophase = bridge.save(
        Phase(
            mila.id,
            Kind.PROPHASE,
            "Prednisone prophase",
            actual_start=dt.date(2026, 10, 25),
            actual_end=dt.date(2026, 10, 31),
        )
    )
    induction = bridge.save(
        Phase(mila.id, Kind.INDUCTION, "Induction", actual_start=dt.date(2026, 11, 1))
    )
    old = bridge.save(blood_count(mila, "2026-11-10", wbc="3.1 10^9/L", plt="120 10^9/L"))
    latest = bridge.save(
        blood_count(mila, "2026-11-23", wbc="1.2 K/uL", anc="0.4 10^9/L", hgb="98 g/L")
    )
    mrd = bridge.save(
        Milestone(mila.id, dt.date(2026, 11, 20), MilestoneKind.MRD_RESULT, mrd=Mrd("0.01%", 1e-4))
    )
    lp = bridge.save(
        CnsVisit(
            mila.id,
            dt.date(2026, 11, 18),
            phase_id=induction.id,
            it_drugs=(ItDose(ItDrug.METHOTREXATE, "8 mg"),),
            csf_wbc=2,
        )
    )
    planned_lp = bridge.save(
        CnsVisit(mila.id, dt.date(2026, 12, 1), planned=True, phase_id=induction.id)
    )
    return {
        "prophase": prophase,
        "induction": induction,
        "old": old,
        "latest": latest,
        "mrd": mrd,
        "lp": lp,
        "planned_lp": planned_lp,
    }


@pytest.fixture
def filled(bridge):  # type: ignore[no-untyped-def]
    items = _fill_record(bridge)
    bridge.undo_stack.clear()  # the window starts with nothing to undo, as after opening
    return items


# ---------------------------------------------------------------------- header


def test_header_shows_who_where_and_the_latest_counts(qtbot, filled, window, bridge):
    header = window.header
    assert header.name.text() == "Mila"
    assert header.age.text() == "Age 10 months 14 days"
    assert header.phase.text() == "Induction · day 24"
    assert header.diagnosis.text() == "diagnosed 2026-05-12"
    assert header.next.text() == "Next: Lumbar puncture on 2026-12-01"
    counts = header.counts.text()
    assert "Latest counts" in counts
    for expected in (
        "WBC",
        "1.2 ×10³/µL",  # the program's spelling of "K/uL"
        "ANC",
        "0.4 ×10⁹/L",
        "Hb",
        "98 g/L",
        "PLT",
        "120 ×10⁹/L",
        "2026-11-10",
    ):
        assert expected in counts, expected
    assert not header.switcher.isVisible()  # only one child

    # A newer count replaces the glance at once.
    bridge.save(blood_count(bridge.current_child(), "2026-11-24", plt="31 10^9/L"))
    assert "31 ×10⁹/L" in header.counts.text()
    assert "120 10^9/L" not in header.counts.text()


def test_header_without_phase_or_counts(qtbot, window):
    assert window.header.phase.text() == "No phase running today"
    assert window.header.counts.text() == "No blood counts yet"
    assert window.header.next.text() == "Nothing planned entered"


# ---------------------------------------------------------------------- children


def test_switching_child_updates_header_and_views(qtbot, filled, bridge, interaction, settings):
    from ui.main_window import MainWindow

    noah, _ = bridge.record.save(Child("Noah", dt.date(2026, 3, 2)))
    bridge.record.save(blood_count(noah, "2026-11-22", plt="250 10^9/L"))
    window = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    switcher = window.header.switcher
    assert switcher.isVisible()
    assert [switcher.itemText(i) for i in range(switcher.count())] == ["Mila", "Noah"]
    refresh_views(window)
    assert window.counts_view.model.rowCount() == 2
    assert window.phases_view.phases.model.rowCount() == 2

    switcher.setFocus()
    qtbot.keyClick(switcher, Qt.Key.Key_Down)
    assert bridge.child_id == noah.id
    assert window.header.name.text() == "Noah"
    assert window.header.age.text() == "Age 8 months 22 days"
    assert "250 ×10⁹/L" in window.header.counts.text()
    refresh_views(window)
    assert [r.id for r in window.counts_view.model.items()] == [
        r.id for r in bridge.record.counts(noah.id)
    ]
    assert window.counts_view.model.rowCount() == 1
    assert window.phases_view.phases.model.rowCount() == 0
    assert window.phases_view.milestones.model.rowCount() == 0
    assert window.cns_view.model.rowCount() == 0

    qtbot.keyClick(switcher, Qt.Key.Key_Up)
    assert window.header.name.text() == "Mila"
    refresh_views(window)
    assert window.counts_view.model.rowCount() == 2
    assert window.cns_view.model.rowCount() == 2
    window.close()


def test_delete_child_asks_first_and_undo_restores(
    qtbot, filled, window, bridge, interaction, record_path
):
    child_id = bridge.child_id
    tables = (
        "child",
        "phase",
        "milestone",
        "count_result",
        "count_value",
        "cns_visit",
        "cns_it_drug",
    )
    before = {t: rows(record_path, f"SELECT * FROM {t} ORDER BY id") for t in tables}
    delete = window.actions_[ActionId.DELETE_CHILD]

    interaction.confirm_answers = [False]
    delete.trigger()
    assert interaction.asked == [("confirm", "Delete Mila?", interaction.asked[0][2])]
    assert "Ctrl+Z" in interaction.asked[0][2]
    assert {t: rows(record_path, f"SELECT * FROM {t} ORDER BY id") for t in tables} == before
    assert bridge.undo_stack.count() == 0

    interaction.confirm_answers = [True]
    delete.trigger()
    assert all(rows(record_path, f"SELECT * FROM {t}") == [] for t in tables)
    assert bridge.current_child() is None
    assert window.header.name.text() == "No child yet"
    refresh_views(window)
    assert window.counts_view.model.rowCount() == 0
    assert not window.add_actions["count"].isEnabled()
    window.show_view("timeline")  # the timeline no longer draws the deleted child's entries
    drawn = window.timeline_view.widget.timeline
    assert drawn is not None and drawn.phases == []
    assert all(not lane.spans and not lane.marks for lane in drawn.lanes)
    undo = window.actions_[ActionId.UNDO]
    assert undo.isEnabled() and undo.text() == "&Undo: entry for the child Mila deleted"

    undo.trigger()
    assert {t: rows(record_path, f"SELECT * FROM {t} ORDER BY id") for t in tables} == before
    assert bridge.child_id == child_id
    assert window.header.name.text() == "Mila"
    refresh_views(window)
    assert window.counts_view.model.rowCount() == 2
    assert window.add_actions["count"].isEnabled()


# ---------------------------------------------------------------------- views and keys


def test_view_actions_switch_tabs(qtbot, window, settings):
    from ui.main_window import VIEW_NAMES

    views = window.views
    widgets = {
        "timeline": window.timeline_view,
        "phases": window.phases_view,
        "counts": window.counts_view,
        "cns": window.cns_view,
        "agenda": window.agenda_view,
        "fevers": window.fevers_view,
        "today": window.today_view,
        "medicines": window.medicines_view,
        "hospital": window.hospital_view,
        "plan": window.plan_view,
    }
    assert set(VIEW_NAMES) == set(widgets)
    for action_id, name in (
        (ActionId.VIEW_AGENDA, "agenda"),
        (ActionId.VIEW_FEVERS, "fevers"),
        (ActionId.VIEW_MEDICINES, "medicines"),
        (ActionId.VIEW_HOSPITAL, "hospital"),
        (ActionId.VIEW_COUNTS, "counts"),
        (ActionId.VIEW_CNS, "cns"),
        (ActionId.VIEW_PHASES, "phases"),
        (ActionId.VIEW_TIMELINE, "timeline"),
        (ActionId.VIEW_TODAY, "today"),
        (ActionId.VIEW_COUNTS, "counts"),
    ):
        # Ctrl+N shows the N-th tab.
        keys = f"Ctrl+{views.indexOf(widgets[name]) + 1}"
        assert window.actions_[action_id].shortcut() == QKeySequence(keys), name
        activate(qtbot, window)
        press(qtbot, window, keys)
        assert views.currentWidget() is widgets[name], keys
        assert settings.last_view == name


def test_delete_and_enter_keys_in_the_counts_table(qtbot, filled, window, bridge, record_path):
    window.show_view("counts")
    table = window.counts_view.counts
    latest = filled["latest"]
    table.select_id(latest.id)
    activate(qtbot, window)
    table.table.setFocus()
    qtbot.waitUntil(table.table.hasFocus)

    def look(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "Edit blood count"
        assert dialog.text_of("wbc.value") == "1.2"
        dialog.reject()

    drive_modal(lambda: qtbot.keyClick(table.table, Qt.Key.Key_Return), look)
    activate(qtbot, window)
    table.table.setFocus()
    qtbot.waitUntil(table.table.hasFocus)
    qtbot.keyClick(table.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM count_result WHERE id = ?", (latest.id,)) == []
    press(qtbot, window, QKeySequence.StandardKey.Undo)
    assert (
        one(record_path, "SELECT uid FROM count_result WHERE id = ?", (latest.id,))["uid"]
        == latest.uid
    )


def test_keys_act_on_the_focused_table_of_the_phases_tab(qtbot, filled, window, record_path):
    """Phases and milestones share a tab: each table's keys act on that table only."""
    window.show_view("phases")
    phases, milestones = window.phases_view.phases, window.phases_view.milestones
    phases.select_id(filled["induction"].id)
    milestones.select_id(filled["mrd"].id)
    activate(qtbot, window)
    milestones.table.setFocus()
    qtbot.waitUntil(milestones.table.hasFocus)
    qtbot.keyClick(milestones.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM milestone") == []
    assert len(rows(record_path, "SELECT * FROM phase")) == 2

    phases.select_id(filled["induction"].id)  # the view reloaded both tables
    phases.table.setFocus()
    qtbot.waitUntil(phases.table.hasFocus)

    def look(dialog):  # type: ignore[no-untyped-def]
        assert dialog.windowTitle() == "New phase"
        dialog.reject()

    drive_modal(lambda: qtbot.keyClick(phases.table, Qt.Key.Key_Insert), look)
    activate(qtbot, window)
    phases.table.setFocus()
    qtbot.waitUntil(phases.table.hasFocus)
    qtbot.keyClick(phases.table, Qt.Key.Key_Delete)
    assert rows(record_path, "SELECT * FROM phase WHERE id = ?", (filled["induction"].id,)) == []
    assert len(rows(record_path, "SELECT * FROM phase")) == 1


def test_delete_key_outside_the_table_deletes_nothing(qtbot, filled, window, record_path):
    window.show_view("counts")
    window.counts_view.counts.select_id(filled["latest"].id)
    tab_bar = window.views.tabBar()
    activate(qtbot, window)
    tab_bar.setFocus()
    qtbot.waitUntil(tab_bar.hasFocus)
    qtbot.keyClick(tab_bar, Qt.Key.Key_Delete)
    assert len(rows(record_path, "SELECT * FROM count_result")) == 2


def test_bridge_may_be_destroyed_before_the_window(qtbot, record, child, interaction, settings):
    import shiboken6

    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    bridge = RecordBridge(record)
    window = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(window)
    bridge.save(blood_count(child, "2026-11-20", plt="45 10^9/L"))
    with qtbot.captureExceptions() as exceptions:
        shiboken6.delete(bridge)
    assert [str(e[1]) for e in exceptions] == []


# ---------------------------------------------------------------------- window state


def test_geometry_and_view_are_kept_for_the_next_window(
    qtbot, bridge, interaction, settings_store, tmp_path
):
    from ui.main_window import MainWindow
    from ui.settings import Settings

    first = MainWindow(bridge, interaction, Settings(settings_store))
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    # Smaller than the offscreen screen (800×600), so restoring need not shrink it.
    first.resize(720, 540)
    qtbot.waitUntil(lambda: first.size() == QSize(720, 540))
    first.show_view("cns")
    first.close()

    # Read back from the file with a fresh QSettings, as the next start would.
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    restored = Settings(again)
    assert restored.geometry_for(first.screen_key()) is not None
    assert restored.last_view == "cns"
    second = MainWindow(bridge, interaction, restored)
    qtbot.addWidget(second)
    assert second.size() == QSize(720, 540)
    assert second.views.currentWidget() is second.cns_view


def test_first_window_has_a_default_size(qtbot, bridge, interaction, settings):
    from ui.main_window import MainWindow

    window = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(window)
    assert settings.geometry_for(window.screen_key()) is None
    room = window.screen().availableGeometry()  # all of a small screen, 80% of a large one
    from ui.main_window import first_window_size

    assert window.size() == first_window_size(room.size())
    assert window.size().width() <= room.width() and window.size().height() <= room.height()
    assert window.views.currentWidget() is window.timeline_view  # the home view


# ---------------------------------------------------------------------- command line


def test_screenshot_of_the_counts_view(
    qtbot, filled, record, record_path, tmp_path, app_run, isolated_qsettings
):
    record.close()  # the program takes the record's one-writer lock: this test lets go first
    png = tmp_path / "counts.png"
    assert app_run("--db", str(record_path), "--screenshot", str(png), "--view", "counts") == 0
    assert png.stat().st_size > 0
    image = QImage(str(png))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1280, 820)
    colours = {image.pixel(x, y) for x in range(0, 1280, 37) for y in range(0, 820, 23)}
    assert len(colours) > 3  # something was drawn
    # A screenshot leaves the family's saved window layout alone.
    for written in [*isolated_qsettings.rglob("*.conf"), *isolated_qsettings.rglob("*.ini")]:
        saved = QSettings(str(written), QSettings.Format.IniFormat)
        assert saved.value("window/last_view") is None
    assert png.stat().st_mode & 0o777 == 0o600


def test_screenshot_of_the_welcome_for_a_new_record(qtbot, tmp_path, app_run):
    target = tmp_path / "not yet" / "record.sqlite"
    png = tmp_path / "welcome.png"
    assert app_run("--db", str(target), "--screenshot", str(png)) == 0
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300 and image.height() > 200
    assert not target.exists()
    assert not target.parent.exists()  # rendering the welcome creates nothing


def test_unreadable_record_exits_1_without_a_window(qtbot, tmp_path, app_run, capsys):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"these are my notes, not a record\n")
    png = tmp_path / "never.png"
    assert app_run("--db", str(bogus), "--screenshot", str(png)) == 1
    assert "treatment-tracker:" in capsys.readouterr().err
    assert not png.exists()
    assert bogus.read_bytes() == b"these are my notes, not a record\n"


def test_the_growth_chart_opens_from_the_view_menu_by_keyboard(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """View ▸ Growth chart… (Ctrl+G) from any view: the Phases & milestones view, where the
    Growth table is, comes forward and the chart opens over it."""
    from ui.growth_chart import widget

    opened: list[object] = []
    monkeypatch.setattr(widget.GrowthChartDialog, "exec", lambda self: opened.append(self) or 0)
    action = window.actions_[ActionId.GROWTH_CHART]
    assert action.text() == "G&rowth chart…"
    assert action.isEnabled()
    window.show_view("timeline")
    press(qtbot, window, "Ctrl+G")
    assert len(opened) == 1
    assert window.views.currentWidget() is window.view_named("phases")


def test_every_tab_is_shown_at_1024_wide(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Nine tabs after issue 12: at 1024 px the last ones hid behind scroll arrows.  Short
    names, the full ones in their tooltips."""
    window.resize(1024, 600)
    window.show()
    qtbot.waitExposed(window)
    bar = window.views.tabBar()
    assert bar.sizeHint().width() <= window.views.width()
    assert all(bar.tabToolTip(i) for i in range(bar.count()))


def test_a_first_window_fits_the_screen(qtbot, bridge, interaction, settings) -> None:  # type: ignore[no-untyped-def]
    """A parent's walkthrough on a 1024×600 screen: the first window opened 1200×780, past
    the screen's edges.  (The offscreen test screen is smaller than the window wanted.)"""
    from ui.main_window import MainWindow

    win = MainWindow(bridge, interaction, settings)
    qtbot.addWidget(win)
    win.restore_state()
    room = win.screen().availableGeometry()
    assert win.width() <= room.width() and win.height() <= room.height(), (win.size(), room)
