"""The printed wallet card (a parent's walkthrough): the fold line ran through the ANC
line, and "20 mg/ mL" broke across two lines.  Each column is paged onto its two panels,
kept 3 mm off the folds; a number stays with its unit and a unit stays whole."""

from __future__ import annotations

import pytest
from conftest import TODAY, fixed_clock

from tracker.demo import build_demo
from tracker.store import Record


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    rec = Record.open(
        tmp_path_factory.mktemp("fold") / "demo.sqlite", create=True, clock=fixed_clock
    )
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def test_a_number_stays_with_its_unit_and_a_unit_stays_whole() -> None:
    from ui.printing.card import NO_BREAK, WORD_JOINER, keep_together

    assert keep_together("6-mercaptopurine 10 mg daily (20 mg/mL liquid)") == (
        f"6-mercaptopurine 10{NO_BREAK}mg daily (20{NO_BREAK}mg/{WORD_JOINER}mL liquid)"
    )
    assert keep_together("1.31 ×10⁹/L on 2026-11-22 (9 days") == (
        f"1.31{NO_BREAK}×10⁹/{WORD_JOINER}L on 2026-11-22 (9{NO_BREAK}days"
    )
    assert keep_together("an A / B choice") == "an A / B choice"  # words apart stay apart


def test_no_line_of_the_wallet_card_is_on_a_fold(qapp, demo) -> None:  # type: ignore[no-untyped-def]
    """Each column is laid out in pages of a panel's size: every line lies within one
    panel, and the panels keep 3 mm off both folds (the middle of the printable area)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPageLayout

    from ui.printing import card as pc
    from ui.printing.render import DOC_DPI

    rec, child_id = demo
    area = pc.page_layout("wallet").paintRect(QPageLayout.Unit.Point)
    width, height = area.width() * DOC_DPI / 72, area.height() * DOC_DPI / 72
    gap = 3 / 25.4 * DOC_DPI
    cut = pc.panels("wallet", width, height)
    assert len(cut) == 4
    for panel in cut:
        r = panel.rect
        assert r.right() <= width / 2 - gap + 0.01 or r.left() >= width / 2 + gap - 0.01
        assert r.bottom() <= height / 2 - gap + 0.01 or r.top() >= height / 2 + gap - 0.01
    docs, _scale = pc._fitted(pc.make_card(rec, child_id), "wallet", width, height)
    seen = set()
    for doc in docs:
        page_h = doc.pageSize().height()
        assert doc.pageCount() <= 2
        block = doc.begin()
        while block.isValid():
            layout = block.layout()
            top = doc.documentLayout().blockBoundingRect(block).top()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i).rect().translated(QPointF(0, top))
                page = int((line.top() + 0.01) // page_h)  # a line pushed onto page 1
                assert line.bottom() <= (page + 1) * page_h + 0.01, (block.text(), line)
                seen.add(block.text()[:3])
            block = block.next()
    assert {"ANC", "Hb", "PLT"} <= {text.strip() for text in seen} | seen


def test_each_line_of_the_wallet_card_is_printed_once(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A paragraph running from one panel onto the next is drawn on both, clipped: its
    lines of the other panel must not be in the PDF twice (copy, search, screen readers)."""
    from pypdf import PdfReader

    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    out = tmp_path / "wallet.pdf"
    write_card_pdf(rec, CardRequest(child_id, "wallet"), out)
    text = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    for once in ("demo rule)", "FEVER CARD", "Kept by the family", "co-trimoxazole"):
        assert text.count(once) == 1, (once, text)
