"""Importing lab results from CSV: realistic files, every refusal, the record's rules,
no duplicates on re-import, one transaction, property tests and a 10,000-row fuzzed file."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, fixed_clock
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tracker import analytes, range_units
from tracker.io.csv_import import (
    BadRowsNotConfirmed,
    DateOrderNeeded,
    ParsedFile,
    PlanOutdated,
    UnreadableCsv,
    apply_import,
    plan_import,
    read_csv,
)
from tracker.io.lab_values import parse_value, parse_when, resolve_test, split_flag
from tracker.model import Child, Comparator, CountResult
from tracker.store import Record, ValidationFailed

DATA = Path(__file__).parent / "data" / "csv"
BIRTH = dt.date(2026, 1, 10)


def read(name: str, **kwargs: bool | None) -> ParsedFile:
    return read_csv((DATA / name).read_bytes(), **kwargs)  # type: ignore[arg-type]


def values_by_draw(parsed: ParsedFile) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for d in parsed.draws:
        key = d.taken_date.isoformat() + (f" {d.taken_time:%H:%M}" if d.taken_time else "")
        out[key] = {v.value.analyte: round(v.value.normalised_value, 6) for v in d.values}
    return out


def stored(record: Record, child: Child) -> list[tuple[str, str, str, float]]:
    assert child.id is not None
    return sorted(
        (
            r.taken_date.isoformat(),
            r.taken_time.strftime("%H:%M") if r.taken_time else "",
            v.analyte,
            round(v.normalised_value, 6),
        )
        for r in record.counts(child.id)
        for v in r.values
    )


def problem_lines(parsed_or_plan: object) -> list[int]:
    return [p.line for p in parsed_or_plan.problems]  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- realistic files


def test_us_lab_portal_long_export() -> None:
    parsed = read("us_portal_long.csv")
    assert (parsed.shape, parsed.delimiter, parsed.encoding) == ("long", ",", "utf-8")
    assert parsed.header_line == 5, "the three preamble lines and the blank line are skipped"
    assert parsed.date_order == "month-first", "05/19/2026 settles the order for the file"
    assert not parsed.needs_date_order
    assert parsed.problems == ()
    draws = values_by_draw(parsed)
    assert list(draws) == [
        "2026-05-12 07:45",
        "2026-05-19 08:05",
        "2026-06-02 07:50",
        "2026-06-16 08:20",
    ], "7:45 AM is read as 07:45 and rows of one draw become one result"
    first = draws["2026-05-12 07:45"]
    assert first["wbc"] == 98.4
    assert first["hgb"] == 79.0, "7.9 g/dL is 79 g/L"
    assert first["hct"] == 0.234, "23.4 % is 0.234 L/L"
    assert first["rbc"] == 2.61
    assert first["neut_pct"] == 4.0, "“Neutrophils” in % is the percentage"
    assert first["anc"] == 3.94, "“Neutrophils, Absolute” in K/uL is the ANC"
    assert first["lymph"] == 21.65
    assert first["blast_pct"] == 71.0
    anc = next(v for v in parsed.draws[1].values if v.value.analyte == "anc")
    assert anc.value.comparator is Comparator.LESS and anc.value.value_text == "<0.10"
    assert anc.flag == "L"
    assert anc.value.range_text == "1.90 - 5.40"
    assert (anc.value.range_low, anc.value.range_high) == (1.9, 5.4)
    assert parsed.draws[0].source == "CHILDREN'S HOSPITAL LAB"
    # MCV, RDW (%) and lymphocytes % are in the catalogue since issue 11 (domain.md §2.8)
    assert parsed.unknown_tests == {}
    assert (first["mcv"], first["rdw_cv"]) == (89.7, 16.8)
    assert "lymph_pct" in first
    assert [p.line for p in parsed.skipped] == [33], "the pending blasts row is left out, said"
    assert "Pending" in parsed.skipped[0].reason
    # "Status" is read: a pending status is listed as not given yet
    assert set(parsed.ignored_columns) == {"Order"}


def test_european_semicolon_wide_latin1_with_decimal_commas() -> None:
    parsed = read("eu_wide_semicolon_latin1.csv")
    assert (parsed.shape, parsed.delimiter, parsed.encoding) == ("wide", ";", "latin-1")
    assert parsed.date_order == "day-first", "19.05.2026 settles the order"
    assert parsed.problems == ()
    draws = values_by_draw(parsed)
    assert draws["2026-05-12 07:50"] == {
        "wbc": 98.4,
        "anc": 3.94,  # 3940 /µl — the µ came through Latin-1
        "blast_pct": 71.0,
        "hgb": 79.0,
        "hct": 0.234,
        "plt": 42.0,
        "mcv": 84.0,  # in the catalogue since issue 11
    }
    assert draws["2026-05-19 08:10"]["anc"] == 0.1
    assert "2026-07-07" in draws, "a row without a time is a draw without a time"
    assert parsed.unknown_tests == {}, "MCV (fl) is in the catalogue (issue 11)"
    assert all("mcv" in d for d in draws.values() if "wbc" in d)
    assert parsed.ignored_columns == ("Bemerkung",), "a text column is listed, not a test"
    wbc = parsed.draws[0].values[0].value
    assert (wbc.value_text, wbc.unit) == ("98,4", "G/l"), "kept as the lab wrote it"


def test_tab_separated_with_bom_and_unicode_units() -> None:
    parsed = read("tab_bom_long.tsv")
    assert (parsed.shape, parsed.delimiter, parsed.encoding) == ("long", "\t", "utf-8-sig")
    assert parsed.date_order is None, "ISO dates need no order"
    assert parsed.problems == ()
    draws = values_by_draw(parsed)
    assert draws["2026-07-07 07:40"]["hgb"] == pytest.approx(5.6 * 10 / 0.6206, abs=1e-6)
    assert draws["2026-07-07 07:40"]["hct"] == 0.27
    assert draws["2026-07-21"]["rbc"] == 3.6
    hb = parsed.draws[0].values[2].value
    assert hb.unit == "mmol/L" and (hb.range_low, hb.range_high) == (6.5, 8.5)


def test_file_with_bad_rows_and_an_unknown_test(record: Record, child: Child) -> None:
    parsed = read("bad_rows.csv")
    reasons = {p.line: p.reason for p in parsed.problems}
    assert sorted(reasons) == [3, 5, 6, 8, 10, 11, 14, 16]
    assert "850" in reasons[3] and "Did you mean /µL?" in reasons[3], "a slip is never guessed"
    assert "not a number" in reasons[5]
    assert "mg/dL" in reasons[6]
    assert "comma" in reasons[8]
    assert "not a day of the calendar" in reasons[10]
    assert "has no date" in reasons[11]
    assert "header has 6" in reasons[14]
    assert "range" in reasons[16]
    assert parsed.unknown_tests == {"Ammonia": 2}

    plan = plan_import(parsed, record, child)
    reasons = {p.line: p.reason for p in plan.problems}
    assert sorted(reasons) == [3, 5, 6, 8, 10, 11, 12, 13, 14, 16]
    assert "in the future" in reasons[12]
    assert "before Mila's date of birth" in reasons[13]
    assert sorted(a.line for a in plan.additions) == [2, 4, 9, 15], "every good row is kept"
    assert not plan.ok

    with pytest.raises(BadRowsNotConfirmed):
        apply_import(plan, record)
    assert stored(record, child) == [], "nothing is written without confirmation"

    report = apply_import(plan, record, skip_bad=True)
    assert (report.values_added, report.new_results, report.bad_rows) == (4, 3, 10)
    assert stored(record, child) == [
        ("2026-07-01", "08:30", "hgb", 94.0),
        ("2026-07-01", "08:30", "wbc", 2.1),
        ("2026-07-08", "08:15", "anc", 1.1),
        ("2026-07-15", "08:00", "plt", 120.0),
    ]


def test_every_date_ambiguous_needs_an_answer(record: Record, child: Child) -> None:
    parsed = read("ambiguous_dates.csv")
    assert parsed.needs_date_order and not parsed.ok
    assert parsed.draws == ()
    question = parsed.date_order_question()
    assert "line 2" in question and "3 April 2026" in question and "4 March 2026" in question
    with pytest.raises(DateOrderNeeded):
        plan_import(parsed, record, child)

    day_first = read("ambiguous_dates.csv", dayfirst=True)
    assert [d.taken_date for d in day_first.draws] == [dt.date(2026, 4, 3), dt.date(2026, 6, 5)]
    assert day_first.date_order == "day-first"
    month_first = read("ambiguous_dates.csv", dayfirst=False)
    assert [d.taken_date for d in month_first.draws] == [dt.date(2026, 3, 4), dt.date(2026, 5, 6)]


# --------------------------------------------------------------------------- re-import


def test_reimport_adds_nothing_twice(record: Record, child: Child) -> None:
    for name in ("us_portal_long.csv", "eu_wide_semicolon_latin1.csv", "tab_bom_long.tsv"):
        apply_import(plan_import(read(name), record, child), record)
    before = stored(record, child)
    for name in ("us_portal_long.csv", "eu_wide_semicolon_latin1.csv", "tab_bom_long.tsv"):
        plan = plan_import(read(name), record, child)
        assert plan.additions == () and plan.results == ()
        assert plan.conflicts == ()
        report = apply_import(plan, record)
        assert report.values_added == 0 and not report.changes.any
    assert stored(record, child) == before


def test_overlapping_export_completes_a_draw_and_reports_conflicts(
    record: Record, child: Child
) -> None:
    first = (
        "Date,Time,Test,Result,Unit\n"
        "2026-06-01,08:00,WBC,2.0,K/uL\n"
        "2026-06-01,08:00,ANC,0.5,K/uL\n"
        "2026-06-08,08:00,WBC,3.0,K/uL\n"
    )
    apply_import(plan_import(read_csv(first.encode()), record, child), record)
    assert child.id is not None
    old = {r.taken_date: r for r in record.counts(child.id)}
    overlapping = (
        "Date,Time,Test,Result,Unit\n"
        "2026-06-01,08:00,WBC,2000,cells/uL\n"  # the same value in another unit: already there
        "2026-06-01,08:00,ANC,0.7,K/uL\n"  # corrected by the lab: a conflict, not overwritten
        "2026-06-01,08:00,PLT,45,K/uL\n"  # new for that draw: added to it
        "2026-06-01,,PLT,50,K/uL\n"  # no time: another draw
        "2026-06-15,08:00,WBC,3.5,K/uL\n"  # a new draw
    )
    plan = plan_import(read_csv(overlapping.encode()), record, child)
    assert [p.line for p in plan.already_there] == [2]
    assert [(c.line, c.analyte, c.in_file, c.in_record) for c in plan.conflicts] == [
        (3, "anc", "0.7 K/uL", "0.5 K/uL")
    ]
    assert "the record was kept" in str(plan.conflicts[0])
    assert (plan.new_results, plan.completed_results, plan.values_added) == (2, 1, 3)
    assert plan.ok, "a conflict is reported, not a bad row"
    apply_import(plan, record)
    counts = record.counts(child.id)
    june1 = next(r for r in counts if r.taken_date == dt.date(2026, 6, 1) and r.taken_time)
    assert june1.id == old[dt.date(2026, 6, 1)].id and june1.uid == old[dt.date(2026, 6, 1)].uid
    assert {v.analyte: v.value_text for v in june1.values} == {
        "wbc": "2.0",
        "anc": "0.5",
        "plt": "45",
    }
    old_uids = {v.uid for v in old[dt.date(2026, 6, 1)].values}
    assert old_uids <= {v.uid for v in june1.values}, "existing values keep their identity"
    assert len(counts) == 4


class CrashesAtInsert:
    """The record's connection, failing at its ``at``-th INSERT statement (one row, or
    many with executemany): a crash in the middle of writing."""

    def __init__(self, conn: sqlite3.Connection, at: int) -> None:
        self._conn, self._at, self.inserts = conn, at, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def _count(self, sql: str) -> None:
        if sql.lstrip().upper().startswith("INSERT"):
            self.inserts += 1
            if self.inserts == self._at:
                raise sqlite3.OperationalError("simulated crash in the middle of the import")

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._count(sql)
        return self._conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._count(sql)
        return self._conn.executemany(sql, *args)


def test_apply_is_one_transaction(
    record: Record, child: Child, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = read("us_portal_long.csv")
    plan = plan_import(parsed, record, child)
    crashing = CrashesAtInsert(record.connection, at=2)  # the blood counts are in by then
    monkeypatch.setattr(record, "_conn", crashing)
    with pytest.raises(sqlite3.OperationalError):
        apply_import(plan, record)
    assert crashing.inserts == 2
    monkeypatch.undo()
    assert stored(record, child) == [], "all or nothing"
    apply_import(plan, record)
    assert len(stored(record, child)) == 27  # 24 + MCV, RDW-CV, lymphocytes % (issue 11)


def test_a_plan_made_stale_by_a_delete_writes_nothing(record: Record, child: Child) -> None:
    first = "Date,Test,Result,Unit\n2026-06-01,WBC,2.0,K/uL\n"
    apply_import(plan_import(read_csv(first.encode()), record, child), record)
    second = "Date,Test,Result,Unit\n2026-06-01,PLT,45,K/uL\n2026-06-02,PLT,50,K/uL\n"
    plan = plan_import(read_csv(second.encode()), record, child)
    assert plan.completed_results == 1
    assert child.id is not None
    existing = record.counts(child.id)[0]
    assert existing.id is not None
    record.delete(CountResult, existing.id)
    with pytest.raises(PlanOutdated):
        apply_import(plan, record)
    assert record.counts(child.id) == [], "the new draw of 2026-06-02 was rolled back too"


def test_save_counts_validates_everything_before_writing(record: Record, child: Child) -> None:
    assert child.id is not None
    good = parse_value(analytes.analyte("wbc"), "2.0", "K/uL")
    results = [
        CountResult(child.id, dt.date(2026, 6, 1), values=(good,)),
        CountResult(child.id, dt.date(2027, 6, 1), values=(good,)),  # in the future
    ]
    with pytest.raises(ValidationFailed) as caught:
        record.save_all(results)
    assert "1:taken_date" in caught.value.errors
    assert record.counts(child.id) == []
    assert record.save_all([]).any is False
    assert CountResult in record.save_all(results[:1])
    assert len(record.counts(child.id)) == 1


# --------------------------------------------------------------------------- file-level refusals


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "No header"),
        (b"PK\x03\x04rest-of-a-zip", "Excel workbook"),
        (b"%PDF-1.7\n", "PDF"),
        (b"SQLite format 3\x00....", "database"),
        (b"a\x00b,c\n", "not a text file"),
        (b"just some words\nand more words\n", "No header"),
        (b"Date,Result\n2026-01-01,4\n", "No header"),
        (b"\xef\xbb\xbfDate,Test,Result\n\xff\xfe,x,1\n", "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(UnreadableCsv, match=words):
        read_csv(data)


def test_utf16_with_bom_and_excel_sep_line() -> None:
    text = "Date\tTest\tResult\tUnit\n2026-03-14\tHb\t9.8\tg/dL\n"
    parsed = read_csv(text.encode("utf-16"))
    assert (parsed.encoding, parsed.delimiter) == ("utf-16", "\t")
    assert values_by_draw(parsed) == {"2026-03-14": {"hgb": 98.0}}
    sep = "sep=;\r\nDate;Test;Result;Unit\r\n2026-03-14;Hb;9,8;g/dL\r\n"
    parsed = read_csv(sep.encode())
    assert (parsed.delimiter, parsed.header_line) == (";", 2)
    assert values_by_draw(parsed) == {"2026-03-14": {"hgb": 98.0}}


def test_windows_1252_file_is_read() -> None:
    text = "Date;Test;Result;Unit;Range\n2026-03-14;Hb;9,8;g/dL;10,5–13,5\n"
    parsed = read_csv(text.encode("windows-1252"))
    assert parsed.encoding == "windows-1252", "the en dash is byte 0x96"
    assert parsed.draws[0].values[0].value.range_text == "10,5–13,5"


# --------------------------------------------------------------------------- cells and rows


def test_decimal_comma_only_in_semicolon_files() -> None:
    semicolon = read_csv(b"Date;Test;Result;Unit\n2026-03-14;WBC;1,5;10^9/L\n")
    assert values_by_draw(semicolon) == {"2026-03-14": {"wbc": 1.5}}
    for sep in (b",", b"\t"):
        row = b"2026-03-14" + sep + b"WBC" + sep + b'"1,5"' + sep + b"10^9/L\n"
        parsed = read_csv(b"Date" + sep + b"Test" + sep + b"Result" + sep + b"Unit\n" + row)
        assert problem_lines(parsed) == [2]
        assert "comma" in parsed.problems[0].reason
    thousands = read_csv(b"Date;Test;Result;Unit\n2026-03-14;PLT;1,200;/uL\n")
    assert "ambiguous" in thousands.problems[0].reason, "1,200 is never guessed"


def test_times_in_all_their_forms() -> None:
    text = (
        "Date,Time,Test,Result,Unit\n"
        "03/14/2026 8:30 PM,,WBC,2,K/uL\n"
        "03/14/2026,20:30,ANC,1,K/uL\n"
        "2026-03-14T20:30:15,,PLT,50,K/uL\n"
        "14 Mar 2026 08:30,,WBC,3,K/uL\n"
        '"Mar 14, 2026",08:30:00,ANC,1.5,K/uL\n'
        "2026-03-14 08:30,09:00,PLT,60,K/uL\n"
        ",08:30,PLT,60,K/uL\n"
        "2026-03-14,25:00,PLT,60,K/uL\n"
        "13/14/2026,,PLT,60,K/uL\n"
        "14 Mär 2026,,PLT,60,K/uL\n"
    )
    parsed = read_csv(text.encode())
    assert values_by_draw(parsed) == {
        "2026-03-14 08:30": {"wbc": 3.0, "anc": 1.5},
        "2026-03-14 20:30": {"wbc": 2.0, "anc": 1.0, "plt": 50.0},
    }
    reasons = {p.line: p.reason for p in parsed.problems}
    assert sorted(reasons) == [7, 8, 9, 10, 11]
    assert "differs from the time column" in reasons[7]
    assert "has no date" in reasons[8]
    assert "not a time" in reasons[9]
    assert "month-first" in reasons[10] or "not a date" in reasons[10]
    assert "not a date we can read" in reasons[11]


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2026-03-14", None, (dt.date(2026, 3, 14), None)),
        ("2026/03/14", None, (dt.date(2026, 3, 14), None)),
        ("2026-03-14T08:30:00", None, (dt.date(2026, 3, 14), dt.time(8, 30))),
        ("14.03.2026", None, (dt.date(2026, 3, 14), None)),
        ("03/14/2026", None, (dt.date(2026, 3, 14), None)),
        ("3/14/26", None, (dt.date(2026, 3, 14), None)),
        ("14-03-2026 08:30", None, (dt.date(2026, 3, 14), dt.time(8, 30))),
        ("03/04/2026", True, (dt.date(2026, 4, 3), None)),
        ("03/04/2026", False, (dt.date(2026, 3, 4), None)),
        ("04/04/2026", None, (dt.date(2026, 4, 4), None)),
        ("14 Mar 2026", None, (dt.date(2026, 3, 14), None)),
        ("14-Mar-2026", None, (dt.date(2026, 3, 14), None)),
        ("Mar 14, 2026", None, (dt.date(2026, 3, 14), None)),
        ("March 14 2026 8:30 AM", None, (dt.date(2026, 3, 14), dt.time(8, 30))),
        ("Sept 1, 2026 12:05 AM", None, (dt.date(2026, 9, 1), dt.time(0, 5))),
    ],
)
def test_accepted_date_forms(
    text: str, dayfirst: bool | None, expected: tuple[dt.date, dt.time | None]
) -> None:
    assert parse_when(text, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("03/04/2026", "could be day-first or month-first"),
        ("2026-03-14T08:30:00+25:00", "not a time zone offset"),  # a Z or offset is read
        ("2026-03-14Z", "not a date we can read"),
        ("2026-02-30", "not a day of the calendar"),
        ("Mar 2026", "not a date we can read"),
        ("14 Foo 2026", "not a month name"),
        ("2026-03-14 13:00 PM", "does not go with AM/PM"),
        ("20260314", "not a date we can read"),
        ("2026-W11-6", "not a date we can read"),
        ("", "no date"),
    ],
)
def test_refused_date_forms(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_when(text)


def test_a_day_above_12_settles_the_order_and_contradictions_are_reported() -> None:
    text = "Date,Test,Result,Unit\n03/04/2026,WBC,2,K/uL\n25/04/2026,WBC,3,K/uL\n"
    parsed = read_csv(text.encode())
    assert parsed.date_order == "day-first" and not parsed.needs_date_order
    assert [d.taken_date for d in parsed.draws] == [dt.date(2026, 4, 3), dt.date(2026, 4, 25)]
    mixed = text + "20/05/2026,WBC,4,K/uL\n05/21/2026,WBC,5,K/uL\n"
    parsed = read_csv(mixed.encode())
    assert parsed.date_order == "day-first", "two day-first dates outvote one month-first"
    assert problem_lines(parsed) == [5]
    assert "cannot be read day-first" in parsed.problems[0].reason
    tie = "Date,Test,Result,Unit\n20/05/2026,WBC,4,K/uL\n05/21/2026,WBC,5,K/uL\n"
    assert read_csv(tie.encode()).needs_date_order
    told = read_csv(text.encode(), dayfirst=False)
    assert problem_lines(told) == [3], "an explicit order is obeyed; 25/04 cannot be month-first"


def test_same_draw_repeated_rows() -> None:
    text = (
        "Date,Test,Result,Unit\n"
        "2026-03-14,WBC,2.0,K/uL\n"
        "2026-03-14,Leukocytes,2000,/uL\n"  # the same value again
        "2026-03-14,ANC,0.5,K/uL\n"
        "2026-03-14,Absolute Neutrophil Count,0.8,K/uL\n"  # a different value: which?
    )
    parsed = read_csv(text.encode())
    assert values_by_draw(parsed) == {"2026-03-14": {"wbc": 2.0}}
    assert [p.line for p in parsed.skipped] == [3]
    assert problem_lines(parsed) == [4, 5], "both lines of a contradiction are reported"
    assert "line 4: 0.5 K/uL; line 5: 0.8 K/uL" in parsed.problems[0].reason


def test_neutrophil_and_band_percentages_over_100_are_bad_rows(
    record: Record, child: Child
) -> None:
    text = (
        "Date,Test,Result,Unit\n"
        "2026-03-14,Segs,80,%\n"
        "2026-03-14,Bands,30,%\n"
        "2026-03-14,WBC,5,K/uL\n"
    )
    plan = plan_import(read_csv(text.encode()), record, child)
    assert problem_lines(plan) == [2, 3]
    assert "more than 100%" in plan.problems[0].reason
    assert [a.line for a in plan.additions] == [4]


def test_wide_headers() -> None:
    text = (
        "Patient;Datum;ANC;Neutrophile (%);Lymphozyten (%);Hb (mg/dl);PLT [G/l];Ferritin (ng/ml)\n"
        "Mila;14.03.2026;1,2;40;50;9;120;300\n"
        "Mila;15.03.2026;;41;;;130;\n"
    )
    parsed = read_csv(text.encode())
    assert parsed.shape == "wide"
    reasons = [p.reason for p in parsed.problems if p.line == 1]
    assert len(reasons) == 2
    assert "“ANC” gives no unit" in reasons[0]
    assert "mg/dl" in reasons[1]
    assert values_by_draw(parsed) == {
        "2026-03-14": {"neut_pct": 40.0, "plt": 120.0, "lymph_pct": 50.0, "ferritin": 300.0},
        "2026-03-15": {"neut_pct": 41.0, "plt": 130.0},
    }
    assert parsed.unknown_tests == {}, "lymphocytes % and ferritin are kept since issue 11"
    assert "Patient" in parsed.ignored_columns


def test_flags_after_values_and_lab_words_for_no_result() -> None:
    assert split_flag("3.2 H") == ("3.2", "H")
    assert split_flag("0.4 (L)") == ("0.4", "L")
    assert split_flag("12*") == ("12", "*")
    assert split_flag("<0.1") == ("<0.1", "")
    assert split_flag("1.2 mg") == ("1.2 mg", "")
    text = (
        "Date,Test,Result,Unit,Flag\n"
        "2026-03-14,WBC,3.2 H,K/uL,\n"
        "2026-03-14,PLT,cancelled,K/uL,\n"
        "2026-03-14,Hb,--,g/dL,\n"
        "2026-03-14,ANC,,K/uL,\n"
    )
    parsed = read_csv(text.encode())
    assert parsed.draws[0].values[0].flag == "H"
    assert [p.line for p in parsed.skipped] == [3, 4]
    assert problem_lines(parsed) == [5], "an empty result is a bad row, not a zero"


def test_test_names_by_unit_and_lab_spellings() -> None:
    def code(name: str, unit: str = "", loinc: str = "") -> str | None:
        a = resolve_test(name, unit, loinc)
        return a.code if a else None

    assert code("Neutrophils", "%") == "neut_pct"
    assert code("Neutrophils", "K/uL") == "anc"
    assert code("NEUTROPHILS", "10^9/L") == "anc"
    assert code("Lymphocytes", "%") == "lymph_pct"
    assert code("Segs", "%") == "seg_pct", "segmented % is kept apart from the total %"
    assert code("Lymphocytes", "K/uL") == "lymph"
    assert code("Blasts", "%") == "blast_pct"
    assert code("Blasts", "K/uL") is None
    for spelling, expected in [
        ("White Blood Cell Count", "wbc"),
        ("Leukocytes", "wbc"),
        ("Absolute Neutrophil Count", "anc"),
        ("Neutrophils, Absolute", "anc"),
        ("Neutrophils Absolute", "anc"),
        ("NEUT#", "anc"),
        ("Hgb", "hgb"),
        ("HGB", "hgb"),
        ("Haemoglobin", "hgb"),
        ("Platelet Count", "plt"),
        ("Platelets", "plt"),
        ("RBC", "rbc"),
        ("Hematocrit", "hct"),
        ("HCT", "hct"),
        ("Lymphocytes, Absolute", "lymph"),
        ("Monocytes, Absolute", "mono"),
        ("Bands", "band_pct"),
        ("Thrombozyten", "plt"),
    ]:
        assert code(spelling) == expected, spelling
    assert code("Something", loinc="777-3") == "plt", "a LOINC column names the test too"
    assert code("MCV") == "mcv"
    assert code("Ammonia") is None


def test_no_alias_points_at_two_analytes() -> None:
    from tracker.io.lab_values import name_key

    seen: dict[str, str] = {}
    for a in analytes.ANALYTES:
        for spelling in (a.code, a.short, a.name, *a.aliases):
            assert spelling == spelling.strip().lower() or spelling in (a.short, a.name)
            key = name_key(spelling)
            assert seen.setdefault(key, a.code) == a.code, f"{spelling!r} is ambiguous"


# --------------------------------------------------------------------------- properties

_UNITS = [
    (a, u, spelling)
    for a in analytes.ANALYTES
    for u in a.units
    for spelling in (u.label, *u.spellings)
]


def _mangle(text: str, data: st.DataObject) -> str:
    out = []
    for ch in text:
        if ch.isalpha() and data.draw(st.booleans()):
            ch = ch.swapcase()
        if ch in "µμu" and ch.lower() == ch and data.draw(st.booleans()):
            ch = data.draw(st.sampled_from(["µ", "μ", "u"]))
        out.append(ch)
        if data.draw(st.integers(0, 9)) == 0:
            out.append(" ")
    return data.draw(st.sampled_from(["", " "])) + "".join(out)


@settings(max_examples=400)
@given(st.sampled_from(_UNITS), st.data())
def test_unit_spellings_resolve_whatever_the_case_spacing_and_micro_sign(
    item: tuple[analytes.Analyte, analytes.Unit, str], data: st.DataObject
) -> None:
    a, unit, spelling = item
    assert a.unit(spelling) is unit
    assert a.unit(_mangle(spelling, data)) is unit


@settings(max_examples=300)
@given(st.sampled_from(analytes.ANALYTES), st.text(max_size=20))
def test_unit_lookup_never_raises(a: analytes.Analyte, text: str) -> None:
    found = a.unit(text)
    assert found is None or found in a.units


@settings(max_examples=400)
@given(
    st.integers(0, 10**9),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
    st.sampled_from(["", "<", ">"]),
    st.sampled_from([".", ","]),
)
def test_number_parsing_reads_what_was_written(
    whole: int, frac: str, sign: str, separator: str
) -> None:
    text = f"{sign}{whole}{separator}{frac}"
    if separator == "," and len(frac) == 3:
        with pytest.raises(ValueError, match="ambiguous"):
            analytes.parse_number(text)
        return
    parsed = analytes.parse_number(text)
    assert parsed.value == float(f"{whole}.{frac}")
    assert parsed.comparator.value == sign


@settings(max_examples=500)
@given(st.text(max_size=15))
def test_number_parsing_refuses_anything_else_plainly(text: str) -> None:
    try:
        parsed = analytes.parse_number(text)
    except ValueError as exc:
        assert str(exc)
        return
    stripped = text.strip().lstrip("<>").strip()
    assert stripped.replace(".", "", 1).replace(",", "", 1).isdigit()
    assert stripped.isascii()
    assert parsed.value >= 0


_PLAUSIBLE = {  # counts above analytes.SMALLEST_NONZERO: smaller ones are unit slips
    "wbc": (0.1, 50.0),
    "anc": (0.05, 20.0),
    "neut_pct": (0.0, 60.0),
    "band_pct": (0.0, 30.0),
    "lymph": (0.1, 15.0),
    "mono": (0.05, 3.0),
    "blast_pct": (0.0, 90.0),
    "hgb": (52.0, 160.0),  # the value is its own range here: not below the very-low check
    "hct": (0.15, 0.5),
    "plt": (5.0, 800.0),
    "rbc": (1.5, 6.0),
    # issue 11 (domain.md §2.8), canonical units
    "seg_pct": (0.0, 60.0),
    "lymph_pct": (0.0, 90.0),
    "mono_pct": (0.0, 30.0),
    "eos_pct": (0.0, 20.0),
    "eos": (0.05, 2.0),
    "baso_pct": (0.0, 5.0),
    "baso": (0.05, 1.0),
    "retic_pct": (0.0, 10.0),
    "retic": (5.0, 300.0),
    "mcv": (60.0, 120.0),
    "mch": (20.0, 40.0),
    "mchc": (280.0, 380.0),
    "rdw_cv": (10.0, 25.0),
    "rdw_sd": (30.0, 70.0),
    "mpv": (6.0, 14.0),
    "crp": (0.0, 300.0),
    "igg": (1.0, 20.0),
    "alt": (5.0, 900.0),
    "ast": (5.0, 900.0),
    "bili_total": (2.0, 300.0),
    "bili_direct": (1.0, 200.0),
    "bili_conj": (1.0, 200.0),
    "albumin": (20.0, 50.0),
    "creatinine": (10.0, 200.0),
    "potassium": (2.5, 7.0),
    "sodium": (120.0, 160.0),
    "fibrinogen": (0.5, 6.0),
    "ferritin": (10.0, 5000.0),
    "triglycerides": (40.0, 2000.0),
    "amylase": (10.0, 900.0),
    "lipase": (10.0, 900.0),
    "glucose": (2.0, 30.0),
    "mtx": (0.05, 900.0),
}


@st.composite
def good_values(draw: st.DrawFn) -> tuple[analytes.Analyte, str, str, float]:
    a = draw(st.sampled_from(analytes.ANALYTES))
    unit = draw(st.sampled_from(a.units))
    spelling = draw(st.sampled_from((unit.label, *unit.spellings)))
    low, high = _PLAUSIBLE[a.code]
    canonical = draw(st.floats(low, high))
    text = f"{canonical / unit.factor:.2f}"
    return a, text, spelling, float(text) * unit.factor


@settings(max_examples=400)
@given(good_values(), st.booleans())
def test_row_parser_keeps_good_values(
    item: tuple[analytes.Analyte, str, str, float], decimal_comma: bool
) -> None:
    a, text, unit, canonical = item
    typed = text.replace(".", ",") if decimal_comma else text
    # a range possible in the value's unit (the value itself, when a range can end there:
    # range_units.RANGE_HIGH_AT_LEAST): tests/test_range_units.py has the ranges that cannot be
    least = range_units.RANGE_HIGH_AT_LEAST.get(a.code)
    printed = "" if least is not None and canonical < least else f"{typed}-{typed}"
    value = parse_value(a, typed, unit, printed, decimal_comma=decimal_comma)
    assert value.analyte == a.code
    assert value.value_text == typed and value.unit == unit
    assert value.normalised_value == pytest.approx(canonical)
    assert value.canonical_unit == a.canonical_unit


@settings(max_examples=500)
@given(
    st.sampled_from(analytes.ANALYTES),
    st.text(max_size=12),
    st.text(max_size=10),
    st.text(max_size=12),
    st.booleans(),
)
def test_row_parser_refuses_with_a_message_never_a_crash(
    a: analytes.Analyte, value: str, unit: str, range_text: str, decimal_comma: bool
) -> None:
    try:
        parsed = parse_value(a, value, unit, range_text, decimal_comma=decimal_comma)
    except ValueError as exc:
        assert str(exc)
        return
    assert parsed.value >= 0 and parsed.normalised_value >= 0
    assert analytes.plausibility_problem(a.code, parsed.value, parsed.unit) is None


@settings(max_examples=400)
@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
    st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))),
    st.sampled_from(["iso", "dmy", "mdy", "named", "named_us"]),
)
def test_date_parser_reads_every_accepted_form(day: dt.date, at: dt.time | None, form: str) -> None:
    text = {
        "iso": f"{day:%Y-%m-%d}",
        "dmy": f"{day:%d.%m.%Y}",
        "mdy": f"{day.month}/{day.day}/{day.year}",
        "named": f"{day.day} {day:%b} {day.year}",
        "named_us": f"{day:%B} {day.day}, {day.year}",
    }[form]
    if at is not None:
        text += f" {at:%H:%M}"
    assert parse_when(text, dayfirst=form == "dmy") == (day, at)


@settings(max_examples=500)
@given(st.text(max_size=25), st.text(max_size=8), st.sampled_from([None, True, False]))
def test_date_parser_refuses_plainly(date_text: str, time_text: str, dayfirst: bool | None) -> None:
    try:
        day, _ = parse_when(date_text, time_text, dayfirst=dayfirst)
    except ValueError as exc:
        assert str(exc)
        return
    assert isinstance(day, dt.date)


_CELL = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["WBC", "ANC", "Hb", "2026-03-14", "14.03.2026", "1,2", "1.2", "K/uL", "%"]),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([",", ";", "\t"]),
    st.lists(st.lists(_CELL, min_size=0, max_size=7), max_size=12),
    st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
)
def test_fuzzed_files_never_crash_and_report_real_lines(
    delimiter: str, rows: list[list[str]], encoding: str
) -> None:
    header = delimiter.join(["Date", "Time", "Test", "Result", "Unit", "Range"])
    lines = [header, *(delimiter.join(r) for r in rows)]
    text = "\n".join(lines) + "\n"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
        return
    try:
        parsed = read_csv(data)
    except UnreadableCsv as exc:
        assert str(exc)
        return
    physical = text.count("\n") + text.count("\r") + 1
    for item in (*parsed.problems, *parsed.skipped):
        assert 1 <= item.line <= physical and item.reason
    for d in parsed.draws:
        for v in d.values:
            assert 2 <= v.line <= physical


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.dates(dt.date(2026, 1, 10), dt.date(2026, 11, 24)),
            st.sampled_from(analytes.CODES),
            st.floats(0, 1),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.sampled_from(["long", "wide"]),
)
def test_generated_good_files_round_trip(
    items: list[tuple[dt.date, str, float]], shape: str
) -> None:
    expected: dict[str, dict[str, float]] = {}
    for day, code, fraction in items:
        low, high = _PLAUSIBLE[code]
        value = round(low + (high - low) * fraction, 2)
        if code == "hct":
            value = round(low + (high - low) * fraction, 3)
        expected.setdefault(day.isoformat(), {})[code] = value
    if shape == "long":
        lines = ["Date,Test,Result,Unit"]
        for day, by_code in expected.items():
            for code, value in by_code.items():
                a = analytes.analyte(code)
                lines.append(f"{day},{a.short},{value},{a.canonical_unit}")
    else:
        columns = list(analytes.CODES)
        names = [
            f"{analytes.analyte(c).short} ({analytes.analyte(c).canonical_unit})" for c in columns
        ]
        lines = ["Date," + ",".join(names)]
        for day, by_code in expected.items():
            lines.append(day + "," + ",".join(str(by_code.get(c, "")) for c in columns))
    parsed = read_csv(("\n".join(lines) + "\n").encode())
    assert parsed.problems == ()
    assert values_by_draw(parsed) == {
        day: {c: pytest.approx(v) for c, v in by.items()} for day, by in expected.items()
    }


# --------------------------------------------------------------------------- 10,000 rows


_FAULTS = (
    "number",
    "unit",
    "slip",
    "calendar",
    "future",
    "before_birth",
    "no_date",
    "extra",
    "no_test",
    "comma",
    "range",
)


def generate(n_rows: int, seed: int, fault_rate: float) -> tuple[bytes, set[int], set[int], int]:
    """A long-form export: (bytes, fault lines, good lines, unknown-test rows)."""
    rng = random.Random(seed)
    lines = ["Collection Date,Collection Time,Test,Result,Units,Reference Range"]

    def row(cells: list[str]) -> str:
        return ",".join(f'"{c}"' if "," in c and not c.startswith('"') else c for c in cells)

    faults: set[int] = set()
    good: set[int] = set()
    unknown = 0
    draw = 0
    while len(lines) - 1 < n_rows:
        day = dt.date(2026, 1, 20) + dt.timedelta(days=draw % 300)
        at = f"{(draw // 300) % 24:02d}:{(draw * 7) % 60:02d}"
        draw += 1
        for code in rng.sample(analytes.CODES, rng.randint(3, len(analytes.CODES))):
            if len(lines) - 1 >= n_rows:
                break
            line = len(lines) + 1
            a = analytes.analyte(code)
            unit = rng.choice(a.units)
            spelling = rng.choice((unit.label, *unit.spellings))
            low, high = _PLAUSIBLE[code]
            value = f"{rng.uniform(low, high) / unit.factor:.2f}"
            if value.strip("0.") == "":
                value = "0"
            cells = [
                day.isoformat(),
                at,
                rng.choice((a.short, a.name, *a.aliases)),
                value,
                spelling,
                "",
            ]
            if rng.random() < 0.02:
                # kept as printed; one result per draw (a second, different one is asked about)
                cells[2], cells[3], cells[4] = "Ammonia", "80", "umol/L"
                lines.append(row(cells))
                unknown += 1
                continue
            if rng.random() < fault_rate:
                kind = rng.choice(_FAULTS)
                faults.add(line)
                if kind == "number":
                    cells[3] = rng.choice(["abc", "1..2", "1e3", "nan", "½", "١٢"])
                elif kind == "unit":
                    cells[4] = "furlongs"
                elif kind == "slip":
                    cells[3] = f"{a.plausible[1] / unit.factor * 50 + 1:.0f}"
                elif kind == "calendar":
                    cells[0] = rng.choice(["2026-02-30", "2026-13-01", "2026-04-31"])
                elif kind == "future":
                    cells[0] = (TODAY + dt.timedelta(days=1 + line)).isoformat()
                elif kind == "before_birth":
                    cells[0] = (BIRTH - dt.timedelta(days=1 + line)).isoformat()
                elif kind == "no_date":
                    cells[0] = ""
                elif kind == "extra":
                    cells.append("unexpected")
                elif kind == "no_test":
                    cells[2] = ""
                elif kind == "comma":
                    cells[3] = '"1,5"'
                else:
                    cells[5] = "about normal"
            else:
                good.add(line)
            lines.append(row(cells))
    return ("\r\n".join(lines) + "\r\n").encode(), faults, good, unknown


@pytest.fixture
def mila(tmp_path: Path) -> Iterator[tuple[Record, Child]]:
    record = Record.open(tmp_path / "big.sqlite", create=True, clock=fixed_clock)
    child, _ = record.save(Child(name="Mila", birth_date=BIRTH))
    yield record, child
    record.close()


def test_ten_thousand_rows_with_injected_faults(mila: tuple[Record, Child]) -> None:
    record, child = mila
    data, faults, good, unknown = generate(10_000, seed=20261124, fault_rate=0.05)
    assert len(faults) > 300
    parsed = read_csv(data)
    plan = plan_import(parsed, record, child)
    assert set(plan.bad_lines) == faults, "every fault is reported at its line, nothing else"
    assert {a.line for a in plan.additions} == good, "no good row is rejected"
    assert sum(parsed.unknown_tests.values()) == unknown
    with pytest.raises(BadRowsNotConfirmed):
        apply_import(plan, record)
    assert stored(record, child) == [], "nothing is written without confirmation"
    report = apply_import(plan, record, skip_bad=True)
    assert report.values_added == len(good)
    assert len(stored(record, child)) == len(good)
    again = plan_import(read_csv(data), record, child)
    known_again = [p for p in again.already_there if not p.reason.startswith("Ammonia ")]
    assert again.additions == () and again.others_added == () and len(known_again) == len(good)


def test_ten_thousand_rows_timing(
    mila: tuple[Record, Child], capsys: pytest.CaptureFixture[str], record_property: object
) -> None:
    """Measured, not asserted (the benchmark has the 2 s goal); run with -s to see it."""
    record, child = mila
    data, faults, good, _ = generate(10_000, seed=7, fault_rate=0.0)
    assert not faults
    started = time.perf_counter()
    parsed = read_csv(data)
    read_done = time.perf_counter()
    plan = plan_import(parsed, record, child)
    plan_done = time.perf_counter()
    report = apply_import(plan, record)
    done = time.perf_counter()
    assert report.values_added == len(good)
    timing = (
        f"10,000-row import: read {read_done - started:.3f} s, plan {plan_done - read_done:.3f} s, "
        f"apply {done - plan_done:.3f} s, total {done - started:.3f} s"
    )
    record_property("csv_import_10k_seconds", round(done - started, 3))  # type: ignore[operator]
    with capsys.disabled():
        print("\n" + timing)


def test_module_has_no_hidden_state_between_files() -> None:
    """Reading one file must not change how the next is read (caches are per call)."""
    first = read("ambiguous_dates.csv", dayfirst=True)
    second = read("ambiguous_dates.csv", dayfirst=False)
    assert first.draws[0].taken_date != second.draws[0].taken_date


def test_a_file_with_too_many_rows_is_refused_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bad row is kept with its reason: 16 million one-byte rows took 1.5 GB, so the
    reader stops at MAX_ROWS (250,000; lowered here to keep the test small)."""
    from tracker.io import csv_import

    monkeypatch.setattr(csv_import, "MAX_ROWS", 100)
    rows = "Date,Test,Result,Unit\n" + "x\n" * 101
    with pytest.raises(UnreadableCsv, match=r"more than 100 rows; a laboratory's export"):
        read_csv(rows.encode())
    assert len(read_csv(("Date,Test,Result,Unit\n" + "x\n" * 100).encode()).problems) == 100


def test_the_header_is_looked_for_in_the_first_thousand_lines_only() -> None:
    """A file of blank lines (32 MB of them took 15 s) is not searched to its end."""
    late = "\n" * 1000 + "Date,Test,Result,Unit\n2026-03-01,Platelets,100,K/uL\n"
    with pytest.raises(UnreadableCsv, match="No header line was found"):
        read_csv(late.encode())
    early = "\n" * 998 + "Date,Test,Result,Unit\n2026-03-01,Platelets,100,K/uL\n"
    assert sum(len(d.values) for d in read_csv(early.encode()).draws) == 1
