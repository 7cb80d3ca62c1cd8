"""The summary laid out a small document at a time (issue 16): a table longer than a page is
cut between rows with its heading rows repeated, page 1 is ready before the last page is
laid out, the PDF has the pages laid out, and a cancel mid-way leaves no file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker.demo import build_demo
from tracker.progress import Cancelled
from tracker.store import Record

ROWS = 300
pytest_plugins = ["gui_helpers"]


@pytest.fixture
def demo(tmp_path):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def _long_table() -> list[Any]:
    from ui.printing.document import TABLE, Block, Rows, Section

    rows = tuple(f"<tr><td>row{i:03d}</td><td>value</td></tr>" for i in range(ROWS))
    head = "<thead><tr><th>Headcell</th><th>Second</th></tr></thead>"
    return [
        Section((Block("<p>Opening words</p>"),)),
        Section((Rows("<p>Tabletitle</p>", TABLE, head, rows), Block("<p>Closing words</p>"))),
    ]


def _words(page: Any) -> list[str]:
    return page.extract_text().split()


def test_a_table_longer_than_a_page_is_cut_between_rows_its_heading_on_every_page(
    qapp, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

    from ui.printing.pages import Flow

    flow = Flow(_long_table(), 600.0, 900.0)
    flow.run()
    assert flow.done and len(flow.pages) >= 3, len(flow.pages)
    target = tmp_path / "table.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageOrientation(QPageLayout.Orientation.Portrait)
    writer.setResolution(96)
    painter = QPainter(writer)
    for page in range(len(flow.pages)):
        if page:
            writer.newPage()
        flow.paint(painter, page)
    painter.end()
    del writer
    flow.drop()
    pages = [_words(p) for p in PdfReader(str(target)).pages]
    assert len(pages) == len(flow.pages)
    cells = [w for words in pages for w in words if w.startswith("row")]
    assert cells == [f"row{i:03d}" for i in range(ROWS)]  # every row once, in order
    table_pages = [words for words in pages if any(w.startswith("row") for w in words)]
    assert len(table_pages) >= 3
    for words in table_pages:  # the heading row repeated, before the page's first row
        assert "Headcell" in words and "Second" in words, words[:10]
        first_row = next(i for i, w in enumerate(words) if w.startswith("row"))
        assert words.index("Headcell") < first_row
    titled = [words for words in pages if "Tabletitle" in words]
    assert len(titled) == 1  # the table's title goes with its first piece only
    assert "Opening" in pages[0] and "Closing" in pages[-1]


def test_page_one_is_laid_out_before_the_last(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.pages import Flow

    flow = Flow(_long_table(), 600.0, 900.0)
    steps = 0
    while not flow.pages:
        assert flow.step()
        steps += 1
    assert not flow.done  # page 1 is ready, the rest still to lay out
    first = [p.piece for p in flow.pages[0]]
    flow.run()
    assert [p.piece for p in flow.pages[0]] == first  # and it stays as it was
    assert steps < 6 and len(flow.pages) >= 3, (steps, len(flow.pages))


def test_the_pdf_has_the_pages_laid_out_and_long_tables_repeat_their_heading(
    qapp, demo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.render import SummaryPages, SummaryRequest, make_summary, write_pdf

    rec, child_id = demo
    request = SummaryRequest(child_id, start=rec.child(child_id).birth_date, end=TODAY)
    summary = make_summary(rec, request)
    pages = SummaryPages(rec, request, summary, dpi=300)
    laid_out = pages.lay_out()
    pages.drop()
    target = tmp_path / "whole.pdf"
    assert write_pdf(rec, request, target) == laid_out
    reader = PdfReader(str(target))
    assert len(reader.pages) == laid_out
    texts = [" ".join(p.extract_text().split()) for p in reader.pages]
    counted = [t for t in texts if f"Blood counts ({len(summary.counts)})" in t]
    assert len(counted) >= 2, [t[:80] for t in texts]  # the counts run over pages
    assert all("WBC" in t and "Date Time" in t for t in counted)
    assert f"Page {laid_out} of {laid_out}" in texts[-1]


def test_a_pdf_cancelled_while_its_pages_are_laid_out_leaves_no_file(
    qapp, demo, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from ui.printing import pages as pages_module
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    request = SummaryRequest(child_id, start=rec.child(child_id).birth_date, end=TODAY)
    laid_out: list[int] = []
    step = pages_module.Flow.step

    def counted(self: Any) -> bool:
        laid_out.append(len(self.pages))
        return step(self)

    def cancel_mid_layout(done: int, total: int) -> None:
        if laid_out and laid_out[-1] >= 1:  # a page laid out, more to come
            raise Cancelled

    target = tmp_path / "out" / "summary.pdf"
    target.parent.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages_module.Flow, "step", counted)
        with pytest.raises(Cancelled):
            write_pdf(rec, request, target, progress=cancel_mid_layout)
    assert laid_out and laid_out[-1] >= 1
    assert list(target.parent.iterdir()) == []


@pytest.mark.gui
def test_the_preview_shows_page_one_while_the_rest_is_laid_out(
    qtbot, demo, interaction, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from gui_helpers import drive_modal

    from ui.bridge import RecordBridge
    from ui.printing import pages as pages_module
    from ui.printing.dialog import PrintSummaryDialog

    rec, child_id = demo
    step = pages_module.Flow.step

    def slow(self: Any) -> bool:
        time.sleep(0.03)
        return step(self)

    monkeypatch.setattr(pages_module.Flow, "step", slow)
    dialog = PrintSummaryDialog(RecordBridge(rec), interaction)
    qtbot.addWidget(dialog)
    dialog.start.setText(rec.child(child_id).birth_date.isoformat())
    dialog.end.setText(TODAY.isoformat())
    dialog.show()
    seen: dict[str, Any] = {}

    def look(preview: Any) -> None:
        qtbot.waitUntil(lambda: 0 in preview.painted, timeout=20000)
        seen["finished then"] = preview.finished
        seen["of"] = preview.of_pages.text()
        seen["count then"] = preview.count()
        qtbot.waitUntil(lambda: preview.finished, timeout=30000)
        seen["count"] = preview.count()
        seen["of after"] = preview.of_pages.text()
        preview.reject()

    drive_modal(dialog.preview, look)
    assert seen["finished then"] is False, seen
    assert seen["of"].endswith("…") and seen["count then"] < seen["count"], seen
    assert seen["of after"] == f"of {seen['count']}", seen
