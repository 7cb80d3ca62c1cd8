"""The CSV reader's shortcuts for big files read exactly what reading cell by cell reads:
a row of many reads the same as the row alone (each distinct cell is read once per file),
a row with no hidden character is passed in one search, and the reading says how far it
is and stops when asked."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.io.csv_import import _hidden_cell, read_csv
from tracker.progress import Cancelled
from tracker.text_checks import hidden_character

HEADER = ["Date", "Time", "Test", "Result", "Unit", "Reference range", "Flag", "Comment"]


def _file(rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _reference_hidden(*cells: tuple[str, str, str]) -> str:
    """What ``_hidden_cell`` said before its shortcut: every cell, character by character."""
    for what, text, allowed in cells:
        hidden = hidden_character(text, allowed)
        if hidden is not None:
            hidden = hidden.removeprefix("a ")
            return f"the {what} cell holds a hidden {hidden}; this row was not read"
    return ""


odd_text = st.text(
    alphabet=st.sampled_from(
        [
            *"0123456789.,<>- ab%µé",
            *["\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\x9f", "\xa0", "\u200b"],
            *["\u061c", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ud800"],
        ]
    ),
    max_size=8,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["test", "comment", "lab"]), odd_text), max_size=5))
def test_the_shortcut_for_hidden_characters_says_what_the_long_way_says(
    cells: list[tuple[str, str]],
) -> None:
    allowed = {"test": "", "comment": "\t\n\r", "lab": "\t\n\r"}
    given_cells = [(what, text, allowed[what]) for what, text in cells]
    assert _hidden_cell(*given_cells) == _reference_hidden(*given_cells)


results = st.one_of(
    st.sampled_from(["1.2", "0.4", "12", "<0.1", "150", "3.94", "1,2", "9999", "pending", ""]),
    # a file cannot hold NUL or half a character; a line break in a cell moves line numbers
    odd_text.filter(lambda t: not set(t) & set("\x00\ud800\r\n")),
)
row = st.tuples(
    st.sampled_from(["WBC", "ANC", "Hgb", "Platelets", "MCV", "Blasts"]),
    results,
    st.sampled_from(["K/uL", "g/dL", "%", "10^9/L", "fL", "mmol/L", ""]),
    st.sampled_from(["", "4.5-13.5", "1.5 - 8.5", "10.5-13.5", "150-450", "6.5-8.4", "x"]),
    st.sampled_from(["", "H", "L"]),
    st.sampled_from(["", "repeat", "hem\u202eolysed"]),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(row, min_size=1, max_size=10), st.lists(st.integers(0, 5), max_size=10))
def test_a_row_among_many_reads_as_it_reads_alone(
    some: list[tuple[str, ...]], changed: list[int]
) -> None:
    """Rows repeat cells (the reader reads each distinct one once): every row's value or
    problem is the one the same row gives in a file of its own.  The file holds each row
    again and again with one cell changed."""
    rows = list(some)
    for i, cell in enumerate(changed):  # a row again with one cell of another row
        base, other = list(some[i % len(some)]), some[(i + 1) % len(some)]
        base[cell] = other[cell]
        rows += [tuple(base), some[i % len(some)]]
    day = dt.date(2026, 1, 1)
    lines = [
        [(day + dt.timedelta(days=i)).isoformat(), "08:00", *cells] for i, cells in enumerate(rows)
    ]
    whole = read_csv(_file(lines))
    for i, line in enumerate(lines):
        alone = read_csv(_file([line]))
        at = i + 2  # the header is line 1
        assert [p.reason for p in whole.problems if p.line == at] == [
            p.reason for p in alone.problems
        ]
        assert [p.reason for p in whole.noted if p.line == at] == [p.reason for p in alone.noted]
        assert [p.reason for p in whole.pending if p.line == at] == [
            p.reason for p in alone.pending
        ]
        mine = [dv.value for d in whole.draws for dv in d.values if dv.line == at]
        assert mine == [dv.value for d in alone.draws for dv in d.values]


def _long_file(n: int) -> bytes:
    tests = (("WBC", "2.4", "K/uL"), ("ANC", "0.6", "K/uL"), ("Hgb", "9.8", "g/dL"))
    lines = []
    for i in range(n):
        day = (dt.date(2020, 1, 1) + dt.timedelta(days=i // 4)).isoformat()
        lines.append([day, "08:00", *tests[i % 3], "", "", ""])
    return _file(lines)


def test_reading_a_big_file_says_how_far_it_is() -> None:
    heard: list[tuple[int, int]] = []
    parsed = read_csv(_long_file(5000), progress=lambda d, t: heard.append((d, t)))
    assert parsed.rows == 5000
    assert len(heard) >= 5
    shares = [d / t for d, t in heard]
    assert shares == sorted(shares)
    assert shares[0] == 0 and shares[-1] == 1


def test_reading_stops_when_asked() -> None:
    calls = 0

    def stop_on_third(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise Cancelled

    with pytest.raises(Cancelled):
        read_csv(_long_file(5000), progress=stop_on_third)
    assert calls == 3
