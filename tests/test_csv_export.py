"""The CSV export: one row per value, the documented columns, zeros kept, formulas
neutralised, written atomically, and read back by the importer without loss."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import fixed_clock

from tracker import analytes
from tracker.display import converted_number
from tracker.io import csv_export
from tracker.io.csv_export import COLUMNS, csv_text, escape_cell, lab_flag, write_csv
from tracker.io.csv_import import apply_import, plan_import, read_csv
from tracker.io.lab_values import parse_value
from tracker.model import Child, CountResult, CountValue
from tracker.store import CannotSave, Record


def value(code: str, text: str, unit: str, range_text: str = "", comma: bool = False) -> CountValue:
    return parse_value(analytes.analyte(code), text, unit, range_text, decimal_comma=comma)


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def filled(record: Record, child: Child) -> Record:
    assert child.id is not None
    record.save(
        CountResult(
            child.id,
            dt.date(2026, 6, 1),
            dt.time(8, 30),
            source="Children's Hospital",
            values=(
                value("wbc", "1,2", "G/l", "6,0-17,5", comma=True),
                value("anc", "<0.1", "K/µL", "1.0-8.5"),
                value("blast_pct", "0", "%"),
                value("hgb", "6.2", "mmol/L", "6.5-8.5"),
                value("plt", "480", "×10⁹/L", "150-450"),
                value("hct", "31", "%", "29-41"),
            ),
        )
    )
    record.save(CountResult(child.id, dt.date(2026, 6, 8), values=(value("anc", "850", "/µL"),)))
    return record


def test_one_row_per_value_with_the_documented_columns(filled: Record) -> None:
    text, n = csv_text(filled)
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    rows = table(text)
    assert n == len(rows) == 7
    assert list(rows[0]) == list(COLUMNS)
    by = {(r["date"], r["analyte"]): r for r in rows}
    wbc = by[("2026-06-01", "WBC")]
    assert wbc == {
        "child": "Mila",
        "date": "2026-06-01",
        "time": "08:30",
        "analyte": "WBC",
        "value": "1.2",
        "unit": "G/l",
        "normalised_value": "1.2",
        "canonical_unit": "10^9/L",
        "lab_range": "6,0-17,5",
        "flag": "low",
        "source": "Children's Hospital",
        "test": "White blood cells",
        "lab_flag": "",
        "lab_comment": "",
        "hours_after": "",
    }
    assert by[("2026-06-01", "ANC")]["value"] == "<0.1"
    assert by[("2026-06-01", "ANC")]["flag"] == "low", "<0.1 is below a range starting at 1.0"
    assert by[("2026-06-01", "Blasts %")]["value"] == "0"
    assert by[("2026-06-01", "Blasts %")]["normalised_value"] == "0", "zeros stay zeros"
    assert by[("2026-06-01", "Hb")]["normalised_value"] == "100", "6.2 mmol/L: two figures"
    assert by[("2026-06-01", "PLT")]["flag"] == "high"
    assert by[("2026-06-01", "Hct")]["normalised_value"] == "0.31"
    assert by[("2026-06-01", "Hct")]["flag"] == ""
    late = by[("2026-06-08", "ANC")]
    assert (late["time"], late["normalised_value"], late["lab_range"], late["flag"]) == (
        "",
        "0.85",
        "",
        "",
    )
    assert [r["analyte"] for r in rows[:6]] == ["WBC", "ANC", "Blasts %", "Hb", "Hct", "PLT"]


def test_formula_cells_are_neutralised(record: Record, child: Child) -> None:
    assert child.id is not None
    evil, _ = record.save(
        Child(name='=HYPERLINK("http://x","click")', birth_date=dt.date(2026, 1, 1))
    )
    assert evil.id is not None
    for name, source in (("+1+1", "@SUM(A1)"), ("-2", "\tTAB")):
        record.save(
            CountResult(
                evil.id,
                dt.date(2026, 6, 1) + dt.timedelta(days=len(name)),
                source=source,
                values=(value("wbc", "2", "K/uL"),),
            )
        )
    record.save(
        CountResult(
            child.id,
            dt.date(2026, 6, 1),
            source="=cmd|' /C calc'!A0",
            values=(value("wbc", "2", "K/uL"),),
        )
    )
    rows = table(csv_text(record)[0])
    cells = [c for r in rows for c in r.values()]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert {r["child"] for r in rows} == {"Mila", '\'=HYPERLINK("http://x","click")'}
    assert {r["source"] for r in rows} == {"'@SUM(A1)", "'\tTAB", "'=cmd|' /C calc'!A0"}
    assert escape_cell("safe") == "safe" and escape_cell("") == ""
    assert escape_cell("-1") == "'-1"


def test_written_atomically_private_utf8_without_bom(filled: Record, tmp_path: Path) -> None:
    target = tmp_path / "counts.csv"
    n = write_csv(filled, target)
    assert n == 7
    data = target.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "µ" in data.decode("utf-8") and "×10⁹/L" in data.decode("utf-8")
    assert target.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "counts.csv",
        "family.sqlite",
        "family.sqlite.lock",
    ]


def test_a_failed_export_leaves_the_old_file(
    filled: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "counts.csv"
    target.write_bytes(b"old export\r\n")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(CannotSave, match="disk is full"):
        write_csv(filled, target)
    assert target.read_bytes() == b"old export\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "counts.csv",
        "family.sqlite",
        "family.sqlite.lock",
    ]
    with pytest.raises(CannotSave, match="does not exist"):
        write_csv(filled, tmp_path / "missing" / "counts.csv")


def test_only_one_child_when_asked(filled: Record, child: Child) -> None:
    other, _ = filled.save(Child(name="Tom", birth_date=dt.date(2025, 1, 1)))
    assert other.id is not None
    filled.save(CountResult(other.id, dt.date(2026, 6, 1), values=(value("plt", "200", "K/uL"),)))
    assert {r["child"] for r in table(csv_text(filled)[0])} == {"Mila", "Tom"}
    assert child.id is not None
    assert {r["child"] for r in table(csv_text(filled, child.id)[0])} == {"Mila"}


def test_export_reads_back_without_loss(filled: Record, child: Child, tmp_path: Path) -> None:
    """The importer takes the export as it is: a long file in the documented columns."""
    target = tmp_path / "counts.csv"
    write_csv(filled, target)
    parsed = read_csv(target.read_bytes())
    assert parsed.problems == () and parsed.unknown_tests == {}
    assert parsed.shape == "long"
    # "flag" is the program's own; "lab_flag" (what the lab printed) is read back instead.
    assert set(parsed.ignored_columns) == {"normalised_value", "canonical_unit", "flag"}
    fresh = Record.open(tmp_path / "copy.sqlite", create=True, clock=fixed_clock)
    try:
        twin, _ = fresh.save(replace(child, id=None, uid=""))
        apply_import(plan_import(parsed, fresh, twin), fresh)
        assert child.id is not None and twin.id is not None

        def facts(rec: Record, child_id: int) -> list[tuple[object, ...]]:
            return sorted(
                (
                    r.taken_date,
                    r.taken_time,
                    r.source,
                    v.analyte,
                    v.comparator,
                    v.unit,
                    round(v.normalised_value, 9),
                    v.range_low,
                    v.range_high,
                )
                for r in rec.counts(child_id)
                for v in r.values
            )

        assert facts(fresh, twin.id) == facts(filled, child.id)
        assert plan_import(read_csv(target.read_bytes()), fresh, twin).additions == ()
    finally:
        fresh.close()


def test_an_export_of_two_children_imports_only_the_chosen_one(
    filled: Record, child: Child, tmp_path: Path
) -> None:
    tom, _ = filled.save(Child(name="Tom", birth_date=dt.date(2025, 1, 1)))
    assert tom.id is not None
    filled.save(  # same draw time as one of Mila's: must not merge with hers
        CountResult(
            tom.id, dt.date(2026, 6, 1), dt.time(8, 30), values=(value("plt", "200", "K/uL"),)
        )
    )
    parsed = read_csv(csv_text(filled)[0].encode())
    assert len(parsed.draws) == 3
    fresh = Record.open(tmp_path / "copy.sqlite", create=True, clock=fixed_clock)
    try:
        mila, _ = fresh.save(replace(child, id=None, uid="", name="MILA"))
        plan = plan_import(parsed, fresh, mila)
        assert [p.line for p in plan.other_children] == [9]
        assert "for Tom, not MILA" in plan.other_children[0].reason
        assert plan.values_added == 7 and plan.ok
    finally:
        fresh.close()


@pytest.mark.parametrize(
    ("text", "range_text", "expected"),
    [
        ("0.4", "1.0-8.5", "low"),
        ("9", "1.0-8.5", "high"),
        ("1.0", "1.0-8.5", ""),
        ("8.5", "1.0-8.5", ""),
        ("<1.0", "1.0-8.5", "low"),
        ("<2", "1.0-8.5", ""),
        (">8.5", "1.0-8.5", "high"),
        (">5", "1.0-8.5", ""),
        ("0.4", "", ""),
        ("0.4", ">0.5", "low"),
        ("9", "<8", "high"),
    ],
)
def test_flag_from_the_lab_range(text: str, range_text: str, expected: str) -> None:
    assert lab_flag(value("anc", text, "10^9/L", range_text)) == expected


def test_plain_numbers() -> None:
    assert converted_number(0.0, "0") == "0"
    assert converted_number(1200 * 0.001, "1200") == "1.2"
    assert converted_number(1e-5, "10") == "0.00001"
    assert converted_number(150.0, "150") == "150"
    assert "e" not in converted_number(1.23456789e-7, "123.456789")
    assert csv_export.COLUMNS[-5:] == ("source", "test", "lab_flag", "lab_comment", "hours_after")


CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\x7f"
EMOJI_RTL = "🩸 Mila 💪 — مختبر المستشفى · מעבדה"


def test_control_characters_emoji_and_right_to_left_text_round_trip(
    record: Record, tmp_path: Path
) -> None:
    """NUL and the other C0 controls in typed text are written as their visible control
    pictures (NUL as ␀), so the export stays a text file the importer reads back; emoji
    and right-to-left text come back exactly."""
    child, _ = record.save(Child(name="Mila 🌸 מילה", birth_date=dt.date(2026, 1, 10)))
    assert child.id is not None
    record.save(
        CountResult(
            child.id,
            dt.date(2026, 6, 1),
            source=f"lab\x00{CONTROLS} {EMOJI_RTL}\tsecond line\nthird",
            note=f"note\x00 {EMOJI_RTL}",
            values=(value("plt", "480", "×10⁹/L", "150-450"),),
        )
    )
    target = tmp_path / "counts.csv"
    write_csv(record, target)
    data = target.read_bytes()
    assert b"\x00" not in data
    assert not any(b in data for b in CONTROLS.encode())
    pictures = "".join(chr(0x2400 + ord(c)) if c != "\x7f" else "␡" for c in CONTROLS)
    [row] = table(data.decode("utf-8"))
    assert row["source"] == f"lab␀{pictures} {EMOJI_RTL}\tsecond line\nthird"
    assert row["child"] == "Mila 🌸 מילה"

    parsed = read_csv(data)
    assert parsed.problems == ()
    fresh = Record.open(tmp_path / "copy.sqlite", create=True, clock=fixed_clock)
    try:
        twin, _ = fresh.save(replace(child, id=None, uid=""))
        plan = plan_import(parsed, fresh, twin)
        assert plan.problems == () and plan.other_children == ()
        apply_import(plan, fresh)
        assert twin.id is not None
        [result] = fresh.counts(twin.id)
        assert result.source == row["source"]
    finally:
        fresh.close()
