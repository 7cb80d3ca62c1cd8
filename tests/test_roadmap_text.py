"""A template's text and numbers refused with a precise reason: control and text-direction
characters in its text fields, NaN and Infinity, -0.0, a blank phase name (the file, the
phase and the field named, and what would be accepted); a UTF-8 byte-order mark accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_roadmap import mutate, parse, refused, sample

from tracker.roadmap.read import parse_template
from tracker.roadmap.write import template_text


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (
            ("protocol",),
            "Sample\u202e",
            "ours.json, line 4: “protocol” holds a text-direction character (U+202E)",
        ),
        (
            ("phases", 2, "name"),
            "I\u202eB",
            "ours.json, line 85, phase “ib”: “name” holds a text-direction character (U+202E)",
        ),
        (
            ("phases", 2, "note"),
            "ring\u0007the bell",
            "phase “ib” (IB): “note” holds a control character (U+0007)",
        ),
        (
            ("sources", 0, "citation"),
            "Our book\u2066, page 3",
            "“citation” holds a text-direction character (U+2066)",
        ),
        (("arms", 0, "name"), "Std\x00", "arm “std”: “name” holds a control character (U+0000)"),
        (
            ("phases", 1, "lps", 0, "label"),
            "day\u200f 15",
            "phase “ind” (Induction): “label” holds a text-direction character (U+200F)",
        ),
        (
            ("phases", 0, "drugs"),
            ["pred\u202enisone"],
            "phase “pro” (Prophase): drug 1 holds a text-direction character (U+202E)",
        ),
        (("about",), "x\ud800", "“about” holds half of a character (U+D800)"),
    ],
)
def test_control_and_text_direction_characters_are_refused(
    path: tuple[Any, ...], value: Any, says: str
) -> None:
    message = refused(mutate(path, value))
    assert says in message, message
    assert "write it as plain text, without control or text-direction characters" in message
    assert message.endswith("Nothing was loaded.")


def test_a_line_break_or_tab_in_a_note_is_text() -> None:
    t = parse(mutate(("phases", 2, "note"), "first line\n\tsecond line"))
    ib = t.phase("ib")
    assert ib is not None and ib.note == "first line\n\tsecond line"


def _with(old: str, new: str) -> bytes:
    text = json.dumps(sample(), indent=1)
    assert old in text
    return text.replace(old, new).encode()


def _refused_bytes(data: bytes) -> str:
    from tracker.roadmap.read import RoadmapError

    with pytest.raises(RoadmapError) as caught:
        parse_template(data, "ours.json")
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            '"length_days": 28',
            '"length_days": NaN',
            "ours.json, line 96, phase “ib” (IB): the length in days is NaN (“not a number”), "
            "which JSON does not allow; the length in days is a whole number from 1 to 1,461, "
            "or null when it is not known. Nothing was loaded.",
        ),
        (
            '"length_days": 28',
            '"length_days": Infinity',
            "ours.json, line 96, phase “ib” (IB): the length in days is Infinity, which JSON "
            "does not allow; the length in days is a whole number from 1 to 1,461, or null "
            "when it is not known. Nothing was loaded.",
        ),
        (
            '"day": 10',
            '"day": -Infinity',
            "ours.json, line 101, phase “ib” (IB): the day is -Infinity, which JSON does not "
            "allow; the day is a whole number from 1 (the phase's first day) to the day after "
            "its last day. Nothing was loaded.",
        ),
        (
            '"gap_days": 2',
            '"gap_days": NaN',
            "phase “ib” (IB): the gap in days is NaN (“not a number”), which JSON does not "
            "allow; the gap in days is a whole number from 0 to 365",
        ),
    ],
)
def test_nan_and_infinity_name_the_field_and_what_is_accepted(
    old: str, new: str, says: str
) -> None:
    message = _refused_bytes(_with(old, new))
    assert says in message, message


def test_minus_zero_is_named_as_written() -> None:
    length = refused(mutate(("phases", 2, "length_days"), -0.0))
    assert length == (
        "ours.json, line 96, phase “ib” (IB): the length in days is -0.0, a zero with a minus "
        "sign; the length in days is a whole number from 1 to 1,461, or null when it is not "
        "known. Nothing was loaded."
    )
    gap = refused(mutate(("phases", 2, "after"), [{"phase": "ind", "gap_days": -0.0}]))
    assert "the gap in days is -0.0, a zero with a minus sign; write 0" in gap, gap


@pytest.mark.parametrize("name", ["", "   ", "\u200b"])
def test_a_blank_phase_name_says_so(name: str) -> None:
    message = refused(mutate(("phases", 2, "name"), name))
    assert message.startswith("ours.json, line 85, phase “ib”: the phase's name is "), message
    assert (
        "; give the phase the name your protocol book uses (such as “Induction”). "
        "Nothing was loaded."
    ) in message


def test_a_utf8_byte_order_mark_is_accepted_and_never_written() -> None:
    """As the CSV import: a file saved by an editor that adds a BOM reads the same."""
    data = json.dumps(sample(), indent=1).encode()
    with_bom = parse_template(b"\xef\xbb\xbf" + data, "ours.json")
    assert with_bom == parse_template(data, "ours.json")
    assert not template_text(with_bom).startswith("\ufeff")
