"""The fever card is never printed too small to read (issue 12, an attacker's finding: 400
allergies shrank it to 4.9 pt on A4 and 2 pt on the wallet card, phone numbers included).

It shrinks to fit down to a floor (body text 7 pt on A4 and Letter, 6 pt on the wallet card;
the name and the phone numbers are printed larger than the body text, so never below
9 pt); a card that does not fit at the floor is not written, and the family is told which
parts are long (their names and lengths) and where to shorten them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker.card import Card, card_content
from tracker.demo import build_demo
from tracker.model import Phase
from tracker.store import Record

pytestmark = pytest.mark.gui
pytest_plugins = ["gui_helpers"]

HUGE_ALLERGIES = "; ".join(f"allergen number {n} (hives, swelling of the lips)" for n in range(400))
# The longest a record keeps (tracker.kinds.fields.LONG_TEXT: 2,000 characters), for the
# tests that save it: too long for the wallet card still.
LONGEST_ALLERGIES = "; ".join(
    f"allergen number {n} (hives, swelling of the lips)" for n in range(38)
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("card") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


def _card_for(medicines: list[str] | None = None, **fields: object):  # type: ignore[no-untyped-def]
    def card_for(record: Record, child_id: int) -> Card:
        child = dataclasses.replace(record.child(child_id), **fields)  # type: ignore[arg-type]
        return card_content(
            child,
            record.entries(Phase, child_id),
            record.counts(child_id),
            medicines if medicines is not None else ["6-MP 10 mg daily at 19:00"],
            "≥ 38.0 °C",
            record.today(),
        )

    return card_for


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_the_smallest_text_is_readable(size: str) -> None:
    from ui.printing import card as pc

    least = pc.min_scale(size)
    assert pc._BASE_PT[size] * least >= (7.0 if size != "wallet" else 6.0)
    assert pc._BASE_PT[size] * least * 1.5 >= 9.0  # the day phone number, the smallest big one


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_a_card_too_long_to_read_is_not_written(qapp, demo, tmp_path: Path, size: str) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    out = tmp_path / "card.pdf"
    card_for = _card_for(allergies=HUGE_ALLERGIES, no_known_allergies=False)
    with pytest.raises(ValueError) as caught:
        write_card_pdf(rec, CardRequest(child_id, size), out, card_for=card_for)
    said = str(caught.value)
    assert "does not fit" in said and "pt" in said, said
    assert f"allergies ({len(HUGE_ALLERGIES):,} characters)" in said, said
    assert "child's details" in said and "Nothing was written" in said, said
    assert "medicine list" not in said  # one short line: not what is long
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temp left either


def test_an_old_card_is_kept_when_the_new_one_does_not_fit(qapp, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    out = tmp_path / "card.pdf"
    write_card_pdf(rec, CardRequest(child_id, "a4"), out)
    before = out.read_bytes()
    with pytest.raises(ValueError):
        write_card_pdf(
            rec,
            CardRequest(child_id, "a4"),
            out,
            card_for=_card_for(allergies=HUGE_ALLERGIES, no_known_allergies=False),
        )
    assert out.read_bytes() == before


def test_a_long_medicine_list_is_named_with_where_to_shorten_it(qapp, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    medicines = [
        f"Medicine number {n}: 2.5 mL of a 10 mg/mL liquid twice daily" for n in range(200)
    ]
    with pytest.raises(ValueError) as caught:
        write_card_pdf(
            rec, CardRequest(child_id, "a4"), tmp_path / "c.pdf", card_for=_card_for(medicines)
        )
    said = str(caught.value)
    assert "medicine list (200 lines" in said and "Medicines tab" in said, said


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_a_card_that_fits_is_never_below_the_floor(qapp, demo, tmp_path: Path, size: str) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card import CardRequest, min_scale, write_card_pdf

    rec, child_id = demo
    some = "; ".join(f"allergen{n} (hives)" for n in range(25))
    scale = write_card_pdf(
        rec,
        CardRequest(child_id, size),
        tmp_path / "c.pdf",
        card_for=_card_for(allergies=some, no_known_allergies=False),
    )
    assert scale >= min_scale(size)


def test_the_command_line_refuses_with_exit_1_and_names_what_is_long(
    qapp, demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from ui.app import main

    rec, child_id = demo
    path = tmp_path / "long.sqlite"
    shutil.copy(rec.path, path)
    with Record.open(path, clock=fixed_clock) as own:
        child = own.child(child_id)
        own.save(dataclasses.replace(child, allergies=LONGEST_ALLERGIES, no_known_allergies=False))
    out = tmp_path / "card.pdf"
    code = main(["card", "--db", str(path), "-o", str(out), "--size", "wallet"], clock=fixed_clock)
    said = capsys.readouterr()
    assert code == 1, said
    assert "does not fit" in said.err and "allergies (" in said.err and "shrunk" not in said.out
    assert "A4" in said.err  # the wallet card suggests the larger sheet
    assert not out.exists()


def test_the_file_menu_says_so_in_a_plain_message(qtbot, bridge, interaction, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.printing.card_dialog import PrintCardDialog

    child = bridge.current_child()
    bridge.record.save(
        dataclasses.replace(child, allergies=LONGEST_ALLERGIES, no_known_allergies=False)
    )
    dialog = PrintCardDialog(bridge, interaction)
    qtbot.addWidget(dialog)
    dialog.size.setCurrentIndex(dialog.size.findData("wallet"))  # the longest a record keeps
    target = tmp_path / "card.pdf"
    interaction.save_answers.append(target)
    assert dialog.save_pdf() is None
    assert not target.exists()
    assert not dialog.error.isHidden()
    assert "does not fit" in dialog.error.text() and "allergies (" in dialog.error.text()
    dialog.error.hide()
    dialog.preview()  # refused before any preview window opens
    assert "does not fit" in dialog.error.text() and not dialog.error.isHidden()


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_no_text_on_the_card_asks_to_be_smaller_than_the_body(qapp, demo, size: str) -> None:  # type: ignore[no-untyped-def]
    """Every size the card's markup sets is in points and at least the body's: a relative
    size below it (the footer's "0.85em") would put "Kept by the family; not a medical
    record" and the printed date under the readable floor (0.85 × 6 pt on the wallet
    sheet), wherever a renderer honours it."""
    import re

    from ui.printing import card as pc

    rec, child_id = demo
    markup = pc.card_html(pc.make_card(rec, child_id), size)
    sizes = re.findall(r"font-size:\s*([0-9.]+)\s*([a-z%]+)", markup)
    assert sizes
    assert {unit for _, unit in sizes} == {"pt"}, sizes
    assert min(float(value) for value, _ in sizes) >= pc._BASE_PT[size], sizes
    footer = re.search(r"<p [^>]*>([^<]*Kept by the family[^<]*)</p>", markup)
    assert footer is not None and f"font-size:{pc._BASE_PT[size]:.1f}pt" in footer.group(0)


@pytest.mark.parametrize("size", ["a4", "letter", "wallet"])
def test_the_printed_footer_is_as_large_as_the_body(qapp, demo, tmp_path: Path, size: str) -> None:  # type: ignore[no-untyped-def]
    """On the page itself: the footer's text is printed at the size of the body text."""
    from pypdf import PdfReader

    from ui.printing.card import CardRequest, write_card_pdf

    rec, child_id = demo
    out = tmp_path / "card.pdf"
    write_card_pdf(rec, CardRequest(child_id, size), out)
    [page] = PdfReader(str(out)).pages
    runs: list[tuple[str, float]] = []

    def seen(text, cm, tm, _font, font_size) -> None:  # type: ignore[no-untyped-def]
        if text.strip():  # the size on the page: the font's, times both matrices' scale
            runs.append((text.replace("\t", " ").strip(), font_size * cm[0] * tm[0]))

    page.extract_text(visitor_text=seen)
    body = [pt for text, pt in runs if text.startswith(("Protocol", "Irradiated"))]
    footer = [pt for text, pt in runs if text.startswith("Kept by the family")]
    assert body and footer, runs
    assert min(footer) >= max(body) - 0.01, (footer, body)
