"""The fever card on paper: exactly one page at every size, however long the typed text
(it wraps and shrinks, never runs off), the command line, and the File menu's dialog."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from pypdf import PdfReader

from tracker.card import Card, card_content
from tracker.demo import DEMO_FEVER_RULE, build_demo
from tracker.model import Child, Phase
from tracker.store import Record

pytestmark = pytest.mark.gui

MM = 72 / 25.4  # PDF points per millimetre
SIZES_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4), "wallet": (171.2, 108.0)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("card") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def pdf_of(path: Path) -> tuple[int, str, tuple[float, float]]:
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    box = reader.pages[0].mediabox
    return len(reader.pages), " ".join(text.split()), (float(box.width), float(box.height))


def _with_lines(medicines: list[str], rule: str | None, **child_fields: str):  # type: ignore[no-untyped-def]
    def card_for(record: Record, child_id: int) -> Card:
        child = dataclasses.replace(record.child(child_id), **child_fields)
        return card_content(
            child,
            record.entries(Phase, child_id),
            record.counts(child_id),
            medicines,
            rule,
            record.today(),
        )

    return card_for


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_the_command_line_writes_one_page_at_each_size(qapp, demo, tmp_path, size, capsys) -> None:  # type: ignore[no-untyped-def]
    from ui.app import main

    rec, _ = demo
    out = tmp_path / f"card-{size}.pdf"
    assert (
        main(["card", "--db", str(rec.path), "-o", str(out), "--size", size], clock=fixed_clock)
        == 0
    )
    assert "Fever card written" in capsys.readouterr().out
    pages, text, (w, h) = pdf_of(out)
    assert pages == 1
    want_w, want_h = SIZES_MM[size]
    assert abs(w / MM - want_w) < 1 and abs(h / MM - want_h) < 1
    for part in (
        "Robin (demo)",
        "Date of birth: 4 Jan 2025",  # the command line's page: the locale's dates
        "Interfant-21 (demo)",
        "Port",
        "No known allergies",
        "555-0142",
        "555-0177",
        "Irradiated, CMV-negative products (demo)",
        "6-mercaptopurine 10 mg",  # the demo's current plans, as the team wrote them
        "methotrexate (by mouth) 5 mg",
        "co-trimoxazole",
        "Kept by the family; not a medical record. Printed 24 Nov 2026.",  # locale's form
    ):
        assert part in text, (size, part)
    for code in ("ANC", "Hb", "PLT"):
        assert code in text
    rule = " ".join(DEMO_FEVER_RULE.split())  # the team's rule as the demo family typed it
    assert rule in unicodedata.normalize("NFKC", " ".join(text.split())), (size, rule)  # ﬁ


def test_the_default_size_is_a4_and_a_bad_target_is_refused(qapp, demo, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from ui.app import main

    rec, _ = demo
    out = tmp_path / "card.pdf"
    assert main(["card", "--db", str(rec.path), "-o", str(out)], clock=fixed_clock) == 0
    assert abs(pdf_of(out)[2][0] / MM - 210) < 1
    assert main(["card", "--db", str(rec.path), "-o", str(tmp_path)], clock=fixed_clock) == 1
    assert "is a folder" in capsys.readouterr().err
    assert main(["card", "--db", str(rec.path), "-o", str(rec.path)], clock=fixed_clock) == 1


# The wallet card refuses this much text (below 6 pt): tests/test_card_readable.py.
@pytest.mark.parametrize("size", ["a4", "letter"])
def test_long_text_shrinks_to_one_page_and_keeps_every_line(qapp, demo, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    medicines = [
        f"Medicine number {n}: 2.5 mL of a 10 mg/mL liquid twice daily with food, as the "
        f"team wrote it on the sheet of 2026-11-0{n % 9 + 1}"
        for n in range(1, 31)
    ]
    allergies = "; ".join(f"allergen{n} (hives, swelling of the lips)" for n in range(40))
    card_for = _with_lines(
        medicines,
        "≥ 38.0 °C once, or ≥ 37.5 °C twice an hour apart — phone the 24-hour number " * 6,
        allergies=allergies,
        no_known_allergies=False,
        blood_product_notes="Irradiated, CMV-negative products; HLA-matched platelets " * 10,
    )
    out = tmp_path / f"long-{size}.pdf"
    scale = write_card_pdf(rec, CardRequest(child_id, size), out, card_for=card_for)
    pages, text, _box = pdf_of(out)
    assert pages == 1
    assert scale < 1  # it was shrunk, not cut
    assert "Medicine number 30:" in text and "allergen39" in text
    assert text.rstrip().endswith("Printed 2026-11-24.")  # the last line is on the page


def test_the_medicines_and_fever_rule_are_printed_when_given(qapp, demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    card_for = _with_lines(
        ["6-mercaptopurine 20 mg daily (evening)", "Co-trimoxazole 120 mg Sat and Sun"],
        "≥ 38.0 °C once: phone the 24-hour number",
    )
    out = tmp_path / "lines.pdf"
    write_card_pdf(rec, CardRequest(child_id, "wallet"), out, card_for=card_for)
    _pages, text, _box = pdf_of(out)
    assert "6-mercaptopurine 20 mg daily (evening)" in text
    assert "Co-trimoxazole 120 mg Sat and Sun" in text
    assert "38.0 °C once: phone the 24-hour number" in text
    assert "No medicines entered" not in text and "No fever rule entered" not in text


def test_an_old_count_is_printed_with_its_date(qapp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.forms import ValueInput, count_from_form
    from ui.printing.card import CardRequest, write_card_pdf

    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(Child("Noor", dt.date(2025, 12, 1)))
        rec.save(
            count_from_form(
                {"taken_date": "2026-09-01"},
                [ValueInput("plt", "45", "×10⁹/L")],
                child=child,
                today=TODAY,
            )
        )
        out = tmp_path / "old.pdf"
        write_card_pdf(rec, CardRequest(child.id or 0, "a4"), out)
    _pages, text, _box = pdf_of(out)
    assert "2026-09-01 (84 days before this card was printed)" in text
    assert text.count("no count recorded") == 2  # ANC and Hb
