"""The summary's own print preview and the PDF off the GUI thread (issue 16): the pages are
laid out on another thread, only the pages shown are painted, the window's events keep
turning while the PDF is written, and a cancelled PDF leaves no file."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QTimer

from tracker.demo import build_demo
from tracker.progress import Cancelled
from tracker.store import Record

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]


@pytest.fixture
def demo(tmp_path):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def _dialog(qtbot: Any, rec: Record, interaction: Any, whole: bool = True) -> Any:
    from ui.bridge import RecordBridge
    from ui.printing.dialog import PrintSummaryDialog

    dialog = PrintSummaryDialog(RecordBridge(rec), interaction)
    qtbot.addWidget(dialog)
    if whole:
        dialog.start.setText(rec.child(dialog.child_id).birth_date.isoformat())
        dialog.end.setText(TODAY.isoformat())
    dialog.show()
    return dialog


def test_the_preview_lays_out_off_the_gui_thread_and_paints_only_the_pages_shown(
    qtbot, demo, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import drive_modal

    from ui.printing import render

    rec, _ = demo
    threads: list[threading.Thread] = []
    lay_out = render.SummaryPages.__init__

    def noted(self: Any, *args: Any, **kwargs: Any) -> None:
        threads.append(threading.current_thread())
        lay_out(self, *args, **kwargs)

    monkeypatch.setattr(render.SummaryPages, "__init__", noted)
    dialog = _dialog(qtbot, rec, interaction)
    seen: dict[str, Any] = {}

    def look(preview: Any) -> None:
        qtbot.waitUntil(lambda: preview.finished, timeout=20000)
        qtbot.waitUntil(lambda: bool(preview.painted), timeout=20000)
        qtbot.wait(100)
        seen["count"] = preview.count()
        seen["first"] = sorted(set(preview.painted))
        preview.go(preview.count() - 1)  # Ctrl+End's way
        qtbot.waitUntil(lambda: preview.count() - 1 in preview.painted, timeout=20000)
        seen["after"] = sorted(set(preview.painted))
        seen["box"] = preview.page_box.value()
        preview.step_zoom(1)
        seen["zoom"] = preview.zoom
        preview.reject()

    drive_modal(dialog.preview, look)
    assert threads and all(t is not threading.main_thread() for t in threads), threads
    assert seen["count"] >= 4, seen  # a few pages: the whole of the demo's treatment
    assert seen["first"] == [0] or seen["first"] == [0, 1], seen  # what is in sight
    assert seen["count"] - 1 in seen["after"] and len(seen["after"]) < seen["count"], seen
    assert seen["box"] == seen["count"] and seen["zoom"] > 1.0, seen


def test_the_preview_can_be_stopped_while_it_lays_out(
    qtbot, demo, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import drive_modal

    from ui.printing import render

    rec, _ = demo
    lay_out = render.SummaryPages.__init__

    def slow(
        self: Any,
        record: Any,
        request: Any,
        summary: Any,
        dpi: float = 300.0,
        progress: Any = None,
        page: Any = None,
    ) -> None:
        for step in range(200):
            progress(step, 200)
            time.sleep(0.01)
        lay_out(self, record, request, summary, dpi, progress, page)

    monkeypatch.setattr(render.SummaryPages, "__init__", slow)
    dialog = _dialog(qtbot, rec, interaction)
    seen: dict[str, Any] = {}

    def look(preview: Any) -> None:
        qtbot.waitUntil(lambda: preview.progress_bar.value() > 0, timeout=20000)
        preview.cancel_button.click()
        qtbot.waitUntil(lambda: not preview.cancel_button.isVisible(), timeout=20000)
        seen["status"] = preview.status.text()
        seen["count"] = preview.count()
        preview.reject()

    drive_modal(dialog.preview, look)
    assert seen["count"] == 0 and "Stopped" in seen["status"], seen


def test_the_pdf_is_written_off_the_gui_thread_while_the_window_answers(
    qtbot, demo, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing import dialog as dialog_module

    rec, _ = demo
    target = tmp_path / "out" / "summary.pdf"
    target.parent.mkdir()
    interaction.save_file = lambda *args: target  # type: ignore[method-assign]
    interaction.info = lambda *args: None  # type: ignore[method-assign]
    write = dialog_module.write_pdf
    threads: list[threading.Thread] = []

    def noted(*args: Any, **kwargs: Any) -> int:
        threads.append(threading.current_thread())
        time.sleep(0.3)  # long enough for the heartbeat to tick meanwhile
        return write(*args, **kwargs)

    monkeypatch.setattr(dialog_module, "write_pdf", noted)
    dialog = _dialog(qtbot, rec, interaction, whole=False)
    beats = []
    heart = QTimer()
    heart.setInterval(10)
    heart.timeout.connect(lambda: beats.append(1))
    heart.start()
    assert dialog.save_pdf() == target
    heart.stop()
    assert threads and threads[0] is not threading.main_thread()
    assert len(beats) >= 5, beats  # the event loop kept turning
    assert target.read_bytes().rstrip().endswith(b"%%EOF")


def test_a_cancelled_pdf_leaves_no_file_and_the_old_one_as_it_was(
    qtbot, demo, interaction, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing import dialog as dialog_module
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    folder = tmp_path / "out"
    folder.mkdir()
    old = folder / "old.pdf"
    old.write_bytes(b"the old summary")

    def stop_after_a_page(done: int, total: int) -> None:
        if done > 10:
            raise Cancelled

    request = SummaryRequest(child_id, start=rec.child(child_id).birth_date, end=TODAY)
    with pytest.raises(Cancelled):
        write_pdf(rec, request, old, progress=stop_after_a_page)
    assert sorted(p.name for p in folder.iterdir()) == ["old.pdf"]
    assert old.read_bytes() == b"the old summary"

    # the dialog's Cancel: the job stops at its next progress, nothing is written
    target = folder / "new.pdf"
    interaction.save_file = lambda *args: target  # type: ignore[method-assign]
    interaction.info = lambda *args: pytest.fail("a cancelled PDF says it was saved")  # type: ignore[method-assign]
    write = dialog_module.write_pdf

    def slow(*args: Any, progress: Any, **kwargs: Any) -> int:
        def stalling(done: int, total: int) -> None:
            time.sleep(0.05)
            progress(done, total)

        return write(*args, progress=stalling, **kwargs)

    monkeypatch.setattr(dialog_module, "write_pdf", slow)
    dialog = _dialog(qtbot, rec, interaction)
    QTimer.singleShot(150, lambda: dialog.jobs[0].cancel())
    assert dialog.save_pdf() is None
    assert sorted(p.name for p in folder.iterdir()) == ["old.pdf"]
