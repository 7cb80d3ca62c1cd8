"""Blood counts from a laboratory's CSV file: read, plan against the record, apply.

Three steps, so that a preview can sit between reading and writing:

1. :func:`read_csv` (pure, no database) decodes the bytes, finds the delimiter
   and the header line, recognises the *long* shape (one row per test) or the
   *wide* shape (one row per draw, one column per test with its unit in the
   header), parses every cell strictly and groups the values into draws (same
   date and time).  Each row that cannot be read becomes a :class:`RowProblem`
   with its line number; a flag and a comment column are kept on the value
   (``CountValue.lab_flag``/``lab_comment``), a drug level's hours after the
   infusion (a column, or "24 h" in the test name) in ``hours_after``; tests the
   program does not know are kept as printed (``Draw.others``, counted in
   ``unknown_tests``), never dropped silently.
2. :func:`plan_import` compares the draws with what the record already holds
   for the child: a value already there is skipped, a different value for the
   same test at the same draw is a :class:`Conflict` (never overwritten), and
   the rules every blood count obeys (``forms.validate_count``: not in the
   future, not before birth…) turn more rows into problems.
3. :func:`apply_import` writes everything in **one** transaction
   (``Record.save_counts``), so an interrupted import leaves all or nothing.
   It refuses a plan with problems unless the caller says the user agreed to
   leave the bad rows out (``skip_bad=True``).

Numbers go through ``analytes.parse_number`` (a decimal comma only in a
semicolon-separated file), units through ``Analyte.unit``, ranges through
``forms.parse_range``; an implausible value (a unit slip) is a bad row with the
catalogue's message, never guessed.  Numeric dates are matched against a short
list of patterns and built directly, because a day-first/month-first guess is
exactly what must not happen silently: when every numeric date of a file could
be either, ``needs_date_order`` is set and the caller must ask (or take
``--dayfirst``/``--monthfirst``); one date with a day above 12 settles the
order for the file.  Month names are read with ``dateutil``'s English names.
Cell-level reading lives in ``tracker.io.lab_values``; ``docs/csv-format.md``
describes the accepted files.  An EHR export (Synthea's ``observations.csv``) is a long
file like any other: its ``CODE`` column is taken as LOINC when its values are LOINC codes,
and its rows of vital signs, surveys, QALY scores or text answers of tests the program does
not keep are ``left_out`` with the reason (``tracker.io.ehr_rows``), not bad rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from tracker import analytes, forms
from tracker.analytes import Analyte
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_in_words, date_text, date_time_text
from tracker.io import ehr_rows
from tracker.io.csv_columns import METADATA_KEYS, PATIENT_KEYS, ROLE_BY_KEY
from tracker.io.import_file import MAX_CSV_BYTES
from tracker.io.lab_values import (
    BadRange,
    hours_in_name,
    is_not_a_result,
    is_percent,
    name_key,
    order_hint,
    parse_hours,
    parse_value,
    parse_when,
    resolve_test,
    split_flag,
    unknown_name,
)
from tracker.kinds import Changes
from tracker.model import Child, CountResult, CountValue, OtherResult
from tracker.progress import Progress, no_progress, part_of
from tracker.store.backup import make_backup
from tracker.store.backup_file import BEFORE_IMPORT
from tracker.store.record import Record
from tracker.text_checks import hidden_character

Shape = Literal["long", "wide"]
DateOrder = Literal["day-first", "month-first"]

MAX_BYTES = MAX_CSV_BYTES  # a lab export is kilobytes; anything this big is not one
_HEADER_SEARCH = 30  # records looked at for the header line (lines before it are a preamble)
_HEADER_LINES = 1000  # …within this many lines: 32 MB of blank lines is not searched through
# The program's own CSV export of ten synthetic years (bench/make_record.py) has 23,774
# rows; a lab's export of a whole treatment a few thousand.  Ten times the first and more
# is not a lab's file, and each bad row is kept with its reason (16 million one-byte rows
# took 1.5 GB and 70 s before this limit).
MAX_ROWS = 250_000
_STEP = 1000  # rows read between two calls of a progress
_DELIMITERS = (",", ";", "\t")
_SHIFTED = N_(
    "{reason} (this row has more cells than the header: a name or value with the separator "
    "in it needs quotes)"
)
_SEPARATED = {",": N_("comma-separated"), ";": N_("semicolon-separated"), "\t": N_("tab-separated")}
_SHAPES = {"long": N_("long form"), "wide": N_("wide form")}
_DATE_ORDERS = {"day-first": N_("dates day-first"), "month-first": N_("dates month-first")}
_QUOTES_NEEDED = {
    ",": N_(
        "this row has {cells} cells but the header has {width}; a name or value with a comma "
        "in it needs quotes"
    ),
    ";": N_(
        "this row has {cells} cells but the header has {width}; a name or value with a "
        "semicolon in it needs quotes"
    ),
    "\t": N_(
        "this row has {cells} cells but the header has {width}; a name or value with a tab "
        "in it needs quotes"
    ),
}


class UnreadableCsv(ValueError):
    """The file as a whole cannot be read as lab results; ``str()`` is the message."""


class DateOrderNeeded(ValueError):
    """Every numeric date could be day-first or month-first: ask, then read again."""


class BadRowsNotConfirmed(ValueError):
    """A plan with bad rows was applied without the user agreeing to leave them out."""


class PlanOutdated(ValueError):
    """The record changed between planning and applying; plan again."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row (or one cell of it) that cannot be imported, and why."""

    line: int
    reason: str
    bad_range: bool = False  # only the range is wrong: --leave-out-bad-ranges imports it

    def __str__(self) -> str:
        return tr("line {line}: {reason}").format(line=self.line, reason=self.reason)


def _on_line(line: int, value: str) -> str:
    """ "line 4: 7.2 g/dL", one item of a listing of the same test on several lines."""
    return tr("line {line}: {value}").format(line=line, value=value)


@dataclass(frozen=True, slots=True)
class DraftValue:
    """One parsed value with the line it came from and the lab's flag as printed."""

    line: int
    test: str  # the test name as written in the file
    value: CountValue
    flag: str = ""  # "H", "L", "*"… as printed (also kept on the value: ``value.lab_flag``)


@dataclass(frozen=True, slots=True)
class DraftOther:
    """A result of a test the program does not know, kept as printed, and its line."""

    line: int
    other: OtherResult


@dataclass(frozen=True, slots=True)
class Draw:
    """The values of one blood draw: same date and same time (or both without a time)."""

    taken_date: dt.date
    taken_time: dt.time | None
    values: tuple[DraftValue, ...]
    source: str = ""
    child: str = ""  # a "child" column (this program's own export); "" when the file has none
    others: tuple[DraftOther, ...] = ()  # tests the program does not know, as printed

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(sorted({v.line for v in self.values} | {o.line for o in self.others}))


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """Everything read from one file, before the record is looked at."""

    draws: tuple[Draw, ...]
    problems: tuple[RowProblem, ...]
    pending: tuple[RowProblem, ...]  # cells saying there is no result yet: "Pending", "--"
    repeated: tuple[RowProblem, ...]  # a row repeating another of the same draw, same value
    # Tests the program does not know (kept as printed: ``Draw.others``): name → rows or cells
    unknown_tests: dict[str, int]
    ignored_columns: tuple[str, ...]  # columns read as neither a test nor a known field
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "windows-1252" or "latin-1"
    delimiter: str  # ",", ";" or "\t"
    shape: Shape
    header_line: int
    rows: int  # data rows read (blank lines not counted)
    date_order: DateOrder | None  # None: no date in the file needed it
    needs_date_order: bool
    ambiguous_line: int = 0  # a date that could be either order, for the question to the user
    ambiguous_date: str = ""
    noted: tuple[RowProblem, ...] = ()  # imported, with a note to check (a very low Hb)
    # rows that are not lab results (vital signs, surveys, QALY…), left out with the reason
    left_out: tuple[RowProblem, ...] = ()
    patients: tuple[str, ...] = ()  # the patient column's ids (or names) of the lab rows read

    @property
    def skipped(self) -> tuple[RowProblem, ...]:
        """Rows left out on purpose (not errors), in line order."""
        return tuple(sorted((*self.pending, *self.repeated), key=lambda p: p.line))

    @property
    def ok(self) -> bool:
        return not self.problems and not self.needs_date_order

    def date_order_question(self) -> str:
        """The question to ask when ``needs_date_order`` is set, with an example from the file."""
        text = self.ambiguous_date
        try:
            day_first = parse_when(text, dayfirst=True)[0]
            month_first = parse_when(text, dayfirst=False)[0]
        except ValueError:
            return tr(
                "Are the dates in this file day-first or month-first? (line {line} reads {text})"
            ).format(line=self.ambiguous_line, text=text)
        return tr(
            "Are the dates in this file day-first or month-first? For example line {line} "
            "reads {text}: {day_first} if day-first, {month_first} if month-first."
        ).format(
            line=self.ambiguous_line,
            text=text,
            day_first=date_in_words(day_first),
            month_first=date_in_words(month_first),
        )

    def describe(self) -> str:
        """ "long form, comma-separated, UTF-8, dates month-first" """
        parts = [
            tr(_SHAPES[self.shape]),
            tr(_SEPARATED[self.delimiter]),
            tr(_ENCODING_NAMES.get(self.encoding, self.encoding)),
        ]
        if self.date_order:
            parts.append(tr(_DATE_ORDERS[self.date_order]))
        return ", ".join(parts)


_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": N_("UTF-8 with BOM"),
    "utf-16": "UTF-16",
    "windows-1252": "Windows-1252",
    "latin-1": "Latin-1",
}


# --------------------------------------------------------------------------- decoding


# fmt: off
_MAGIC = (
    (b"PK\x03\x04", N_("a ZIP archive or an Excel workbook (.xlsx); in Excel choose File › Save "
"As › CSV UTF-8 and import that file")),
    (b"\xd0\xcf\x11\xe0", N_("an old Excel workbook (.xls); in Excel choose File › Save As › CSV "
"UTF-8 and import that file")),
    (b"%PDF", N_("a PDF; ask the laboratory for a CSV export, or type the values in")),
    (b"\x89PNG", N_("a PNG picture, not a table of results")),
    (b"\xff\xd8\xff", N_("a JPEG picture, not a table of results")),
    (b"SQLite format 3\x00", N_("a database (perhaps a treatment record), not a CSV file")),
)
# fmt: on


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the encoding used: UTF-8 (BOM or not), UTF-16 with BOM,
    else Windows-1252/Latin-1 (Latin-1 decodes any byte, so that is the last resort)."""
    if len(data) > MAX_BYTES:  # read_import_file refuses it first; bytes from elsewhere too
        raise UnreadableCsv(
            tr(
                "The file is {value} MB; a laboratory's CSV export is far smaller, so "
                "this is probably not one."
            ).format(value=len(data) // (1024 * 1024))
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise UnreadableCsv(tr("This file is {what}.").format(what=tr(what)))
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableCsv(
                tr(
                    "The file says it is UTF-8 but byte {value} is not; save it again as CSV UTF-8."
                ).format(value=exc.start + 3)
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableCsv(
                tr("The file says it is UTF-16 text but is damaged; save it again as CSV UTF-8.")
            ) from None
    if b"\x00" in data:
        raise UnreadableCsv(tr("This is not a text file, so it cannot be a CSV export."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if not any(0x80 <= b <= 0x9F for b in data):
        return data.decode("latin-1"), "latin-1"
    try:
        return data.decode("windows-1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


# --------------------------------------------------------------------------- names


def _same(a: CountValue, b: CountValue) -> bool:
    return a.comparator == b.comparator and math.isclose(
        a.normalised_value, b.normalised_value, rel_tol=1e-9, abs_tol=1e-12
    )


def _shown(v: CountValue) -> str:
    return f"{v.value_text} {v.unit}".strip()


def _when(d: dt.date, t: dt.time | None) -> str:
    return date_text(d) if t is None else date_time_text(dt.datetime.combine(d, t))


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    header: str
    analyte: Analyte | None = None
    unit: str = ""
    hours: str = ""  # a drug level's hours written in the header ("MTX 24 h (µmol/L)")
    name: str = ""  # an unknown test: the header without its unit


@dataclass(slots=True)
class _Layout:
    shape: Shape
    header_index: int  # position among the records
    roles: dict[str, int]  # role → column index
    tests: list[_Column] = field(default_factory=list)  # wide: one per analyte column
    unknown: list[_Column] = field(default_factory=list)  # wide: columns that may be tests
    ignored: list[str] = field(default_factory=list)
    header_problems: list[str] = field(default_factory=list)
    width: int = 0
    score: int = 0
    headers: tuple[str, ...] = ()
    patient: int | None = None  # a column of patient ids (ignored, but counted)


_UNIT_IN_HEADER = re.compile(r"^(?P<name>.*?\S)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$")


def _layout(cells: Sequence[str], index: int) -> _Layout | None:
    """Read a candidate header row; None when it is not one we can use."""
    picked: dict[str, tuple[int, int]] = {}  # role → (rank, column)
    others: list[tuple[int, str]] = []
    ignored: list[str] = []
    for col, cell in enumerate(cells):
        k = name_key(cell)
        if not k:
            continue
        role = ROLE_BY_KEY.get(k)
        if role is None:
            if k in METADATA_KEYS:
                ignored.append(cell.strip())
            else:
                others.append((col, cell.strip()))
            continue
        name, rank = role
        if name not in picked or rank < picked[name][0]:
            if name in picked:
                ignored.append(cells[picked[name][1]].strip())
            picked[name] = (rank, col)
        else:
            ignored.append(cell.strip())
    roles = {name: col for name, (_, col) in picked.items()}
    if "date" not in roles:
        return None
    patient = next((c for c, cell in enumerate(cells) if name_key(cell) in PATIENT_KEYS), None)
    if "test" in roles and "value" in roles:
        # A second test column names the test when the first is empty: this program's
        # export leaves "analyte" empty for a test it does not know and names it in "test".
        second = [
            col
            for col, cell in enumerate(cells)
            if col != roles["test"] and ROLE_BY_KEY.get(name_key(cell), ("",))[0] == "test"
        ]
        if second:
            roles["second_test"] = second[0]
            ignored.remove(cells[second[0]].strip())
        ignored.extend(cell for _, cell in others)
        return _Layout(
            "long",
            index,
            roles,
            ignored=ignored,
            width=len(cells),
            score=len(roles) + 10,
            headers=tuple(cells),
            patient=patient,
        )
    layout = _Layout("wide", index, roles, ignored=ignored, width=len(cells), patient=patient)
    for long_role in (
        "test",
        "value",
        "unit",
        "range",
        "flag",
        "comment",
        "hours",
        "loinc",
        "status",
        "code",
        "category",
        "value_type",
    ):
        if long_role in roles:  # a long-form column in a wide file means nothing here
            layout.ignored.append(cells[roles.pop(long_role)].strip())
    for col, header in others:
        name, unit, hours = header, "", ""
        a = resolve_test(header)
        if a is None and (m := _UNIT_IN_HEADER.match(header)):
            name, unit = m["name"], m["unit"].strip()
            a = resolve_test(name, unit)
        if a is None and (timed := hours_in_name(name, unit)) is not None:
            a, hours = timed[0], _hours_text(timed[1])
        if a is None:
            layout.unknown.append(_Column(col, header, None, unit, name=name))
            continue
        if not unit:
            if all(is_percent(u.label) for u in a.units):
                unit = "%"
            else:
                layout.header_problems.append(
                    tr(
                        "column “{header}” gives no unit; write it in the header, for example "
                        "“{short} ({label})”. Its values were not read"
                    ).format(header=header, short=a.short, label=a.default_unit.label)
                )
                continue
        if a.unit(unit) is None:
            layout.header_problems.append(
                tr("column “{header}”: {unknown_unit_message}. Its values were not read").format(
                    header=header, unknown_unit_message=analytes.unknown_unit_message(a, unit)
                )
            )
            continue
        layout.tests.append(_Column(col, header, a, unit, hours))
    if not layout.tests and not layout.header_problems:
        return None
    layout.score = len(layout.tests) + len(roles)
    return layout


def _records(
    text: str, delimiter: str, start_line: int, last_line: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each record, blank records skipped, up to ``last_line``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            line = previous + 1 + start_line
            if last_line is not None and line > last_line:
                return
            previous = reader.line_num
            if cells and any(c.strip() for c in cells):
                yield line, cells
    except csv.Error as exc:
        raise UnreadableCsv(
            tr("line {value}: the file cannot be read as CSV ({exc}).").format(
                value=previous + 1 + start_line, exc=exc
            )
        ) from None


def _find_layout(text: str, start_line: int, forced: str | None) -> tuple[str, _Layout]:
    best: tuple[int, str, _Layout] | None = None
    for delimiter in (forced,) if forced else _DELIMITERS:
        try:
            records = _records(text, delimiter, start_line, _HEADER_LINES)
            sample = list(_take(records, _HEADER_SEARCH))
        except UnreadableCsv:
            continue
        for index, (_, cells) in enumerate(sample):
            layout = _layout(cells, index)
            if layout is not None:
                if best is None or layout.score > best[0]:
                    best = (layout.score, delimiter, layout)
                break
    if best is None:
        raise UnreadableCsv(
            tr(
                "No header line was found. A lab results file needs a date column and "
                "either a test name and a result on each row (for example “Date, Test, "
                "Result, Unit”) or one column per test with its unit (for example “Date, "
                "ANC (10^9/L), Hb (g/dL)”)."
            )
        )
    return best[1], best[2]


def _take(items: Iterator[tuple[int, list[str]]], n: int) -> Iterator[tuple[int, list[str]]]:
    for i, item in enumerate(items):
        if i >= n:
            return
        yield item


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Row:
    """A data row reduced to what a draw needs; the date is parsed once the order is known."""

    line: int
    date_text: str
    time_text: str
    source: str
    child: str
    values: list[_Cells]
    others: list[DraftOther] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Cells:
    """One result's cells as written, before they are parsed."""

    test: str
    analyte: Analyte
    value: str
    unit: str
    range: str = ""
    flag: str = ""
    comment: str = ""
    hours: str = ""


def _hours_text(hours: float) -> str:
    return f"{hours:g}"


def read_csv(
    data: bytes,
    *,
    dayfirst: bool | None = None,
    leave_out_bad_ranges: bool = False,
    progress: Progress = no_progress,
) -> ParsedFile:
    """Read a lab's CSV export (see the module docstring); never touches a record.

    Raises :class:`UnreadableCsv` when the file as a whole is not lab results.
    ``dayfirst`` answers the date-order question; ``None`` lets the file decide.
    ``leave_out_bad_ranges``: a value whose printed range cannot be used (not possible in
    its unit, unreadable, or a reading that would need asking) is kept without the range,
    never flagged against it, and noted with its line and the reason; otherwise its row
    is bad.  ``progress`` hears how far the reading is (every :data:`_STEP` rows) and may
    stop it (:class:`~tracker.progress.Cancelled`).
    """
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    forced: str | None = None
    start_line = 0
    first, _, rest = text.partition("\n")
    if sep := re.fullmatch(r"(?i)sep=(.)\r?", first):  # Excel's delimiter line
        forced = sep[1] if sep[1] in _DELIMITERS else None
        if forced:
            text, start_line = rest, 1
    delimiter, layout = _find_layout(text, start_line, forced)
    _decide_code_column(text, delimiter, start_line, layout)
    decimal_comma = delimiter == ";"
    problems: list[RowProblem] = []
    pending: list[RowProblem] = []
    repeated: list[RowProblem] = []
    noted: list[RowProblem] = []
    left_out: list[RowProblem] = []
    unknown: Counter[str] = Counter()
    rows: list[_Row] = []
    patient_of: dict[int, str] = {}  # line → the patient column's id, when there is one
    header_line = 0
    count = 0
    overflow: set[int] = set()  # rows with empty cells past the header: maybe a stray comma
    lines = text.count("\n") + 1  # the rows to read, about: the reading's 80 %, grouping 20 %
    reading = part_of(progress, 0, 80, 100)
    progress(0, 100)
    for index, (line, cells) in enumerate(_records(text, delimiter, start_line)):
        if index % _STEP == 0:
            reading(min(line, lines), lines)
        if index < layout.header_index:
            continue
        if index == layout.header_index:
            header_line = line
            problems.extend(RowProblem(line, p) for p in layout.header_problems)
            continue
        count += 1
        if count > MAX_ROWS:
            raise UnreadableCsv(
                tr(
                    "The file has more than {MAX_ROWS:,} rows; a laboratory's export has far "
                    "fewer (ten years of this program's own export have about 24,000), so "
                    "this is probably not one."
                ).format(MAX_ROWS=MAX_ROWS)
            )
        extra = [c for c in cells[layout.width :] if c.strip()]
        if extra:
            problems.append(
                RowProblem(
                    line,
                    tr(_QUOTES_NEEDED[delimiter]).format(cells=len(cells), width=layout.width),
                )
            )
            continue
        if len(cells) > layout.width:
            overflow.add(line)
        cells = [*cells, *[""] * (layout.width - len(cells))]
        if layout.patient is not None and (patient := cells[layout.patient].strip()):
            patient_of[line] = patient
        if layout.shape == "long":
            _long_row(line, cells, layout, rows, problems, pending, unknown, left_out)
        else:
            _wide_row(line, cells, layout, rows, pending, unknown, problems)

    order, needs, example = _date_order(rows, dayfirst)
    draws: tuple[Draw, ...] = ()
    if not needs:
        first_day = dayfirst if dayfirst is not None else order == "day-first"
        draws = _group(
            rows,
            first_day,
            decimal_comma,
            problems,
            repeated,
            noted,
            leave_out_bad_ranges,
            part_of(progress, 80, 20, 100),
        )
    progress(100, 100)
    problems = [
        RowProblem(p.line, tr(_SHIFTED).format(reason=p.reason)) if p.line in overflow else p
        for p in problems
    ]
    problems.sort(key=lambda p: p.line)
    pending.sort(key=lambda p: p.line)
    repeated.sort(key=lambda p: p.line)
    ignored = list(layout.ignored)
    ignored += [c.header for c in layout.unknown if c.header not in unknown]
    return ParsedFile(
        draws=draws,
        problems=tuple(problems),
        pending=tuple(pending),
        repeated=tuple(repeated),
        unknown_tests=dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0].lower()))),
        ignored_columns=tuple(ignored),
        encoding=encoding,
        delimiter=delimiter,
        shape=layout.shape,
        header_line=header_line,
        rows=count,
        date_order=order,
        needs_date_order=needs,
        ambiguous_line=example[0] if example else 0,
        ambiguous_date=example[1] if example else "",
        noted=tuple(sorted(noted, key=lambda p: p.line)),
        left_out=tuple(sorted(left_out, key=lambda p: p.line)),
        patients=_patients(patient_of, draws),
    )


def _patients(patient_of: dict[int, str], draws: Sequence[Draw]) -> tuple[str, ...]:
    """The patient column's values on the lab rows read, each once (case aside)."""
    seen: dict[str, str] = {}
    for draw in draws:
        for line in draw.lines:
            if line in patient_of:
                seen.setdefault(patient_of[line].casefold(), patient_of[line])
    return tuple(sorted(seen.values()))


def _decide_code_column(text: str, delimiter: str, start_line: int, layout: _Layout) -> None:
    """A "Code" column of a long file is the LOINC column when its values are LOINC codes
    (an EHR export's CODE); otherwise it holds the lab's own codes and is ignored.  A
    column headed LOINC wins over it."""
    col = layout.roles.pop("code", None)
    if col is None:
        return
    if "loinc" not in layout.roles:
        values: list[str] = []
        for index, (_, cells) in enumerate(_records(text, delimiter, start_line)):
            if index > layout.header_index + ehr_rows.SAMPLE_ROWS:
                break
            if index > layout.header_index and col < len(cells):
                values.append(cells[col])
        if ehr_rows.holds_loinc_codes(values):
            layout.roles["loinc"] = col
            return
    layout.ignored.append(layout.headers[col].strip())


def _cell(cells: Sequence[str], layout: _Layout, role: str) -> str:
    col = layout.roles.get(role)
    if col is None:
        return ""
    text = cells[col].strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":  # our own export's escape
        text = text[1:]
    return text


_NO_CELLS = dict.fromkeys(
    (
        "category",
        "child",
        "comment",
        "date",
        "flag",
        "hours",
        "loinc",
        "range",
        "second_test",
        "source",
        "status",
        "test",
        "time",
        "unit",
        "value",
        "value_type",
    ),
    "",
)  # every role a row's cells are read by


def _by_role(cells: Sequence[str], layout: _Layout) -> dict[str, str]:
    """The row's cell of each role (:func:`_cell`), "" for a role the file has no column of:
    one pass over the columns the layout found, not a look-up per cell read."""
    by = dict(_NO_CELLS)
    by.update((role, _cell(cells, layout, role)) for role in layout.roles)
    return by


def _long_row(
    line: int,
    cells: list[str],
    layout: _Layout,
    rows: list[_Row],
    problems: list[RowProblem],
    pending: list[RowProblem],
    unknown: Counter[str],
    left_out: list[RowProblem],
) -> None:
    by = _by_role(cells, layout)
    test = by["test"] or by["second_test"]
    value = by["value"]
    unit = by["unit"]
    if not test:
        problems.append(RowProblem(line, tr("no test name in this row")))
        return
    loinc = by["loinc"]
    hours = by["hours"]
    hidden = _hidden_cell(
        ("test", test, ""),
        ("value", value, ""),
        ("unit", unit, ""),
        ("range", by["range"], ""),
        ("flag", by["flag"], ""),
        ("comment", by["comment"], "\t\n\r"),
        ("lab", by["source"], "\t\n\r"),
        ("child", by["child"], ""),
    )
    if hidden:
        problems.append(RowProblem(line, hidden))
        return
    a = resolve_test(test, unit, loinc)
    if a is None and (not_lab := _not_a_lab_value(test, unit, loinc, cells, layout)):
        left_out.append(RowProblem(line, not_lab))  # vital signs, surveys, QALY: not lab results
        return
    # the hours in a drug level's name, also when its LOINC code named the test
    if (a is None or a.timed) and (timed := hours_in_name(test, unit, loinc)) is not None:
        if hours.strip():
            try:
                given = parse_hours(hours, timed[0].name)
            except ValueError:
                given = None  # the hours cell's own problem is said when the value is read
            if given is not None and given != timed[1]:
                problems.append(
                    RowProblem(
                        line,
                        tr(
                            "{test}: the name says {value} h after the infusion started and the "
                            "hours column {hours}; check which is right on the report and correct "
                            "the other"
                        ).format(test=test, value=_hours_text(timed[1]), hours=hours.strip()),
                    )
                )
                return
        a, hours = timed[0], hours or _hours_text(timed[1])
    status = by["status"]
    for said in (value, status if not value else ""):  # the result, or the row's status
        if said and is_not_a_result(said):
            pending.append(
                RowProblem(
                    line,
                    tr("{test}: “{said}”: not given yet; left out").format(test=test, said=said),
                )
            )
            return
    row = _Row(
        line,
        by["date"],
        by["time"],
        by["source"],
        by["child"],
        [],
    )
    flag_cell = by["flag"]
    comment = by["comment"]
    if a is None:  # a test the program does not know: kept as printed, no check of its own
        name = unknown_name(test, unit, loinc)
        if not value:
            pending.append(
                RowProblem(line, tr("{test}: no result in this row; left out").format(test=test))
            )
            return
        unknown[name] += 1
        other = OtherResult(
            name=name,
            value_text=value,
            unit=unit,
            range_text=by["range"],
            lab_flag=flag_cell,
            lab_comment=comment,
        )
        row.others.append(DraftOther(line, other))
        rows.append(row)
        return
    number, flag = split_flag(value)
    row.values.append(
        _Cells(
            test,
            a,
            number,
            unit,
            by["range"],
            flag_cell or flag,
            comment,
            hours,
        )
    )
    rows.append(row)


# Every character ``hidden_character`` may name: the control characters (Unicode's Cc,
# exactly U+0000–U+001F and U+007F–U+009F), the surrogates (Cs) and the text-direction
# marks.  A row with none of them (nearly every row) is passed in one regular-expression
# search instead of a look at each character of each cell.
_MAYBE_HIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _hidden_cell(*cells: tuple[str, str, str]) -> str:
    """Why a row's texts cannot be kept: a cell (what, text, characters allowed) holds a
    character not shown that changes what is shown (tracker.text_checks); "" when none."""
    if _MAYBE_HIDDEN.search("".join(text for _, text, _ in cells)) is None:
        return ""
    for what, text, allowed in cells:
        hidden = hidden_character(text, allowed)
        if hidden is not None:
            hidden = hidden.removeprefix("a ")
            return tr("the {what} cell holds a hidden {hidden}; this row was not read").format(
                what=what, hidden=hidden
            )
    return ""


def _not_a_lab_value(
    test: str, unit: str, loinc: str, cells: Sequence[str], layout: _Layout
) -> str:
    """Why a row of a test the program does not keep is left out rather than kept as
    printed, or "": its category is not a lab's (vital signs, a survey), its code in an EHR
    export is not a LOINC code (QALY), or it is a text answer.  A test the catalogue knows is
    never left out, whatever its category says; a drug level's hours are looked for first."""
    if hours_in_name(test, unit, loinc) is not None:
        return ""
    ehr = "category" in layout.roles  # an ordinary lab's own codes in a LOINC column stay
    return (
        ehr_rows.category_reason(_cell(cells, layout, "category"))
        or (ehr_rows.code_reason(loinc) if ehr else "")
        or ehr_rows.text_reason(_cell(cells, layout, "value_type"))
    )


def _wide_row(
    line: int,
    cells: list[str],
    layout: _Layout,
    rows: list[_Row],
    pending: list[RowProblem],
    unknown: Counter[str],
    problems: list[RowProblem],
) -> None:
    values: list[_Cells] = []
    others: list[DraftOther] = []
    for col in layout.tests:
        text = cells[col.index].strip()
        if not text:
            continue
        if is_not_a_result(text):
            reason = tr("{header}: “{text}”: not given yet; left out").format(
                header=col.header, text=text
            )
            pending.append(RowProblem(line, reason))
            continue
        assert col.analyte is not None
        number, flag = split_flag(text)
        values.append(_Cells(col.header, col.analyte, number, col.unit, flag=flag, hours=col.hours))
    for col in layout.unknown:
        text = cells[col.index].strip()
        if text and (hidden := _hidden_cell((f"“{col.header}”", text, ""))):
            problems.append(RowProblem(line, hidden))
            continue
        if text and (col.unit or _looks_numeric(text)):
            unknown[col.header] += 1
            if is_not_a_result(text):
                continue
            number, flag = split_flag(text)
            name = unknown_name(col.name or col.header, col.unit)
            other = OtherResult(name=name, value_text=number, unit=col.unit, lab_flag=flag)
            others.append(DraftOther(line, other))
    if not values and not others:
        return  # nothing on this row
    by = _by_role(cells, layout)
    hidden = _hidden_cell(
        ("lab", by["source"], "\t\n\r"),
        ("child", by["child"], ""),
    )
    if hidden:
        problems.append(RowProblem(line, hidden))
        return
    rows.append(
        _Row(
            line,
            by["date"],
            by["time"],
            by["source"],
            by["child"],
            values,
            others,
        )
    )


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[<>]?\s*\d[\d.,]*\s*\S{0,3}", text, re.ASCII))


def _date_order(
    rows: Sequence[_Row], dayfirst: bool | None
) -> tuple[DateOrder | None, bool, tuple[int, str] | None]:
    """The file's date order: (order, needs asking, an example of an ambiguous date).

    One date that can only be day-first (or month-first) settles the order;
    when both kinds occur the majority wins and parsing reports the others.
    """
    hints: dict[str, list[_Row]] = {"day-first": [], "month-first": [], "ambiguous": []}
    for row in rows:
        hint = order_hint(row.date_text)
        if hint is not None:
            hints[hint].append(row)
    numeric = hints["ambiguous"] or hints["day-first"] or hints["month-first"]
    example = (numeric[0].line, numeric[0].date_text) if numeric else None
    if dayfirst is not None:
        needed = bool(numeric)
        return ("day-first" if dayfirst else "month-first") if needed else None, False, example
    day, month = len(hints["day-first"]), len(hints["month-first"])
    if day == month:  # none settles it (or as many say one as the other): ask
        return None, bool(hints["ambiguous"]) or day > 0, example
    return ("day-first" if day > month else "month-first"), False, example


_DrawKey = tuple[str, dt.date, dt.time | None]  # (child casefolded, date, time)


def very_low_note(v: CountValue) -> str:
    name = analytes.analyte(v.analyte).name
    return tr(
        "{name} {value_text} {unit} is very low; check it and its unit against "
        "the report (kept as the file gives it; a check for typing and unit "
        "slips, not a medical judgement)"
    ).format(name=name, value_text=v.value_text, unit=v.unit)


def _group(
    rows: Sequence[_Row],
    dayfirst: bool,
    decimal_comma: bool,
    problems: list[RowProblem],
    repeated: list[RowProblem],
    noted: list[RowProblem],
    leave_out_bad_ranges: bool = False,
    progress: Progress = no_progress,
) -> tuple[Draw, ...]:
    when_cache: dict[tuple[str, str], tuple[dt.date, dt.time | None] | str] = {}
    by_draw: dict[_DrawKey, dict[str, list[DraftValue]]] = {}
    others_by_draw: dict[_DrawKey, dict[str, list[DraftOther]]] = {}
    sources: dict[_DrawKey, str] = {}
    children: dict[_DrawKey, str] = {}
    # A file repeats the same cells (test, result, unit, range) many times: each is read
    # once (parse_value is pure; a CountValue is frozen, so one serves every row).
    read_values: dict[tuple[str, str, str, str], tuple[CountValue, bool] | ValueError] = {}

    def value_of(
        a: Analyte, value: str, unit: str, range_text: str
    ) -> tuple[CountValue, bool] | ValueError:
        """The value and whether it is very low, or why it cannot be read (BadRange when
        only its range is the problem)."""
        key = (a.code, value, unit, range_text)
        read = read_values.get(key)
        if read is None:
            try:
                cv = parse_value(a, value, unit, range_text, decimal_comma=decimal_comma)
                read = (cv, analytes.very_low(cv.analyte, cv.normalised_value))
            except ValueError as exc:
                read = exc.with_traceback(None)
            read_values[key] = read
        return read

    for i, row in enumerate(rows):
        if i % _STEP == 0:
            progress(i, len(rows))
        cache_key = (row.date_text, row.time_text)
        when = when_cache.get(cache_key)
        if when is None:
            try:
                when = parse_when(row.date_text, row.time_text, dayfirst=dayfirst)
            except ValueError as exc:
                when = str(exc)
            when_cache[cache_key] = when
        if isinstance(when, str):
            problems.append(RowProblem(row.line, when[:1].upper() + when[1:]))
            continue
        parsed: list[DraftValue] = []
        for c in row.values:
            read = value_of(c.analyte, c.value, c.unit, c.range)
            if isinstance(read, BadRange):
                if not leave_out_bad_ranges:
                    problems.append(RowProblem(row.line, str(read), bad_range=True))
                    continue
                bad_range, read = read, value_of(c.analyte, c.value, c.unit, "")
                if not isinstance(read, ValueError):
                    noted.append(
                        RowProblem(
                            row.line,
                            tr("{exc}; imported without this range (not flagged)").format(
                                exc=bad_range
                            ),
                        )
                    )
            if isinstance(read, ValueError):
                problems.append(RowProblem(row.line, str(read)))
                continue
            cv, very_low = read
            try:
                hours = _hours(c)
            except ValueError as exc:
                problems.append(RowProblem(row.line, str(exc)))
                continue
            if c.flag or c.comment or hours is not None:
                cv = replace(cv, lab_flag=c.flag, lab_comment=c.comment, hours_after=hours)
            parsed.append(DraftValue(row.line, c.test, cv, c.flag))
            if very_low:  # the lab printed it
                noted.append(RowProblem(row.line, very_low_note(cv)))
        if not parsed and not row.others:
            continue
        key = (row.child.casefold(), *when)
        draw = by_draw.setdefault(key, {})
        children.setdefault(key, row.child)
        if row.source and key not in sources:
            sources[key] = row.source
        for dv in parsed:
            draw.setdefault(dv.value.analyte, []).append(dv)
        for do in row.others:
            others_by_draw.setdefault(key, {}).setdefault(do.other.name.casefold(), []).append(do)
    draws: list[Draw] = []
    for key, by_code in by_draw.items():
        _, day, at = key
        kept_others = _merge_others(others_by_draw.get(key, {}), day, at, problems, repeated)
        kept: list[DraftValue] = []
        for same_test in by_code.values():
            first = same_test[0]
            if all(_same(first.value, other.value) for other in same_test[1:]):
                kept.append(first)
                repeated.extend(
                    RowProblem(
                        o.line,
                        tr("{test}: the same value as line {line}; counted once").format(
                            test=o.test, line=first.line
                        ),
                    )
                    for o in same_test[1:]
                )
                continue
            listing = "; ".join(_on_line(o.line, _shown(o.value)) for o in same_test)
            name = analytes.analyte(first.value.analyte).name
            problems.extend(
                RowProblem(
                    o.line,
                    tr(
                        "{name} is given more than once for {value} with different values "
                        "({listing}); check which is right"
                    ).format(name=name, value=_when(day, at), listing=listing),
                )
                for o in same_test
            )
        if kept or kept_others:
            kept.sort(key=lambda v: (v.line, analytes.CODES.index(v.value.analyte)))
            draws.append(
                Draw(day, at, tuple(kept), sources.get(key, ""), children[key], kept_others)
            )
    draws.sort(key=lambda d: (d.taken_date, d.taken_time or dt.time.min, d.taken_time is not None))
    return tuple(draws)


def _hours(c: _Cells) -> float | None:
    """The hours after the infusion started, for a drug level; refused for any other test."""
    hours = parse_hours(c.hours, c.analyte.name)
    if hours is not None and not c.analyte.timed:
        raise ValueError(
            tr(
                "{name}: hours after an infusion ({hours}) go with a drug level, not "
                "with this test; leave the hours cell of this row empty"
            ).format(name=c.analyte.name, hours=c.hours)
        )
    return hours


def _merge_others(
    by_name: dict[str, list[DraftOther]],
    day: dt.date,
    at: dt.time | None,
    problems: list[RowProblem],
    repeated: list[RowProblem],
) -> tuple[DraftOther, ...]:
    """One result per unknown test and draw: a repeat is counted once, a different one asked."""
    kept: list[DraftOther] = []
    for same in by_name.values():
        first = same[0]
        if all(o.other.value_text == first.other.value_text for o in same[1:]):
            kept.append(first)
            repeated.extend(
                RowProblem(
                    o.line,
                    tr("{name}: the same result as line {line}; counted once").format(
                        name=o.other.name, line=first.line
                    ),
                )
                for o in same[1:]
            )
            continue
        listing = "; ".join(_on_line(o.line, _shown_other(o.other)) for o in same)
        problems.extend(
            RowProblem(
                o.line,
                tr(
                    "{name} is given more than once for {value} with different results "
                    "({listing}); check which is right"
                ).format(name=first.other.name, value=_when(day, at), listing=listing),
            )
            for o in same
        )
    return tuple(sorted(kept, key=lambda o: o.line))


def _shown_other(o: OtherResult) -> str:
    return f"{o.value_text} {o.unit}".strip()


# --------------------------------------------------------------------------- planning


@dataclass(frozen=True, slots=True)
class Conflict:
    """A value in the file that differs from the one recorded for the same test and draw."""

    line: int
    analyte: str  # catalogue code
    taken: str  # "2026-03-14 08:30"
    in_file: str  # "1.2 K/uL"
    in_record: str
    test: str = ""  # a test the program does not know (``analyte`` is then "")

    def __str__(self) -> str:
        name = analytes.analyte(self.analyte).name if self.analyte else self.test
        return tr(
            "line {line}: {name} on {taken} is {in_file} in the file but {in_record} "
            "in the record; the record was kept"
        ).format(
            line=self.line,
            name=name,
            taken=self.taken,
            in_file=self.in_file,
            in_record=self.in_record,
        )


@dataclass(frozen=True, slots=True)
class Addition:
    """One value the import will add, for the preview: where it comes from and where it goes."""

    line: int
    taken_date: dt.date
    taken_time: dt.time | None
    value: CountValue
    test: str  # as written in the file
    flag: str
    into_result_id: int | None  # an existing blood count it completes, or None for a new one


@dataclass(frozen=True, slots=True)
class OtherAddition:
    """A result of a test the program does not know that the import keeps as printed."""

    line: int
    taken_date: dt.date
    taken_time: dt.time | None
    other: OtherResult
    into_result_id: int | None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What applying the import would do; nothing has been written yet."""

    child: Child
    results: tuple[CountResult, ...]  # to save: new counts (id None) and completed ones (id set)
    additions: tuple[Addition, ...]
    new_results: int
    completed_results: int  # blood counts already recorded that get more values
    already_there: tuple[RowProblem, ...]  # values skipped because the record has them
    conflicts: tuple[Conflict, ...]
    problems: tuple[RowProblem, ...]  # bad rows: the file's own and the record's rules
    pending: tuple[RowProblem, ...]
    repeated: tuple[RowProblem, ...]
    other_children: tuple[RowProblem, ...]  # rows whose "child" column names someone else
    unknown_tests: dict[str, int]
    ignored_columns: tuple[str, ...]
    noted: tuple[RowProblem, ...] = ()  # values to be imported, each with a note to check
    others_added: tuple[OtherAddition, ...] = ()  # unknown tests kept as printed
    left_out: tuple[RowProblem, ...] = ()  # rows that are not lab results (vital signs…)
    patients: tuple[str, ...] = ()  # a patient column's ids among the lab rows
    first: tuple[str, ...] = ()  # said before everything (a corrected result not taken)
    item: str = "row"  # what the file holds, in the summary's words ("resource": FHIR)

    @property
    def ok(self) -> bool:
        """Nothing in the file is wrong: it can be applied without asking."""
        return not self.problems

    @property
    def bad_lines(self) -> tuple[int, ...]:
        return tuple(sorted({p.line for p in self.problems}))

    @property
    def values_added(self) -> int:
        return len(self.additions)

    @property
    def anything_added(self) -> bool:
        return bool(self.additions or self.others_added)

    def kept_as_printed(self) -> dict[str, int]:
        """Tests the program does not know that the import keeps: name → results, file order."""
        return dict(Counter(a.other.name for a in self.others_added))


def plan_import(
    parsed: ParsedFile, record: Record, child: Child, *, source: str = ""
) -> ImportPlan:
    """Compare the file with ``child``'s blood counts; ``source`` names draws the file does not.

    A value already recorded for the same test at the same draw (same date and
    the same time, or both without a time) is skipped; a different value there
    is a conflict and the record's value stays.  Raises :class:`DateOrderNeeded`
    while the file's date order is undecided.
    """
    if parsed.needs_date_order:
        raise DateOrderNeeded(parsed.date_order_question())
    assert child.id is not None
    today = record.today()
    recorded: dict[tuple[dt.date, dt.time | None], list[CountResult]] = {}
    for r in record.counts_at(child.id, {(d.taken_date, d.taken_time) for d in parsed.draws}):
        recorded.setdefault((r.taken_date, r.taken_time), []).append(r)
    problems = list(parsed.problems)
    others: list[RowProblem] = []
    already: list[RowProblem] = []
    conflicts: list[Conflict] = []
    results: list[CountResult] = []
    additions: list[Addition] = []
    others_added: list[OtherAddition] = []
    new_results = completed = 0
    wanted = child.name.strip().casefold()
    paired = _pair_draws(
        [d for d in parsed.draws if not d.child or d.child.strip().casefold() == wanted], recorded
    )
    for draw in parsed.draws:
        if draw.child and draw.child.strip().casefold() != wanted:
            others.extend(
                RowProblem(
                    line,
                    tr("for {child}, not {name}; left out").format(
                        child=draw.child, name=child.name
                    ),
                )
                for line in [*(dv.line for dv in draw.values), *(o.line for o in draw.others)]
            )
            continue
        key = (draw.taken_date, draw.taken_time)
        when = _when(*key)
        matches = paired.get(id(draw), recorded.get(key, []))
        present: dict[str, CountValue] = {}
        present_others: dict[str, OtherResult] = {}
        for r in matches:
            for v in r.values:
                present.setdefault(v.analyte, v)
            for o in r.others:
                present_others.setdefault(o.name.strip().casefold(), o)
        new_others: list[DraftOther] = []
        for do in draw.others:
            had = present_others.get(do.other.name.strip().casefold())
            if had is None:
                new_others.append(do)
            elif had.value_text.strip() == do.other.value_text.strip():
                already.append(
                    RowProblem(
                        do.line,
                        tr("{name} on {when}: already recorded").format(
                            name=do.other.name, when=when
                        ),
                    )
                )
            else:
                conflicts.append(
                    Conflict(
                        do.line,
                        "",
                        when,
                        _shown_other(do.other),
                        _shown_other(had),
                        do.other.name,
                    )
                )
        new: list[DraftValue] = []
        for dv in draw.values:
            old = present.get(dv.value.analyte)
            if old is None:
                new.append(dv)
            elif _same(old, dv.value):
                already.append(
                    RowProblem(
                        dv.line,
                        tr("{test} on {when}: already recorded").format(test=dv.test, when=when),
                    )
                )
            else:
                conflicts.append(
                    Conflict(dv.line, dv.value.analyte, when, _shown(dv.value), _shown(old))
                )
        target = matches[0] if matches else None
        new, new_others, result = _valid_result(
            draw, new, new_others, target, child, today, source, problems
        )
        if result is None:
            continue
        results.append(result)
        if target is None:
            new_results += 1
        else:
            completed += 1
        additions.extend(
            Addition(
                dv.line,
                draw.taken_date,
                draw.taken_time,
                dv.value,
                dv.test,
                dv.flag,
                target.id if target is not None else None,
            )
            for dv in new
        )
        others_added.extend(
            OtherAddition(
                do.line,
                draw.taken_date,
                draw.taken_time,
                do.other,
                target.id if target is not None else None,
            )
            for do in new_others
        )
    problems.sort(key=lambda p: p.line)
    added = {a.line for a in additions}
    return ImportPlan(
        child=child,
        results=tuple(results),
        additions=tuple(additions),
        new_results=new_results,
        completed_results=completed,
        already_there=tuple(already),
        conflicts=tuple(conflicts),
        problems=tuple(problems),
        pending=parsed.pending,
        repeated=parsed.repeated,
        other_children=tuple(sorted(others, key=lambda p: p.line)),
        unknown_tests=dict(parsed.unknown_tests),
        ignored_columns=parsed.ignored_columns,
        noted=tuple(n for n in parsed.noted if n.line in added),
        others_added=tuple(others_added),
        left_out=parsed.left_out,
        patients=parsed.patients,
    )


def _pair_draws(
    draws: Sequence[Draw], recorded: dict[tuple[dt.date, dt.time | None], list[CountResult]]
) -> dict[int, list[CountResult]]:
    """The record's draw each file draw is compared with, where the file keeps several draws
    apart at one moment (two FHIR reports of one day without a time): each is paired with the
    recorded draw at that moment holding most of the same values, one each (none left: a new
    draw).  A file draw alone at its moment is compared with all the record's draws there."""
    at: dict[tuple[dt.date, dt.time | None], list[Draw]] = {}
    for d in draws:
        at.setdefault((d.taken_date, d.taken_time), []).append(d)
    paired: dict[int, list[CountResult]] = {}
    for moment, same in at.items():
        if len(same) < 2:
            continue
        scores = sorted(
            (
                -sum(
                    any(v.analyte == dv.value.analyte and _same(v, dv.value) for v in r.values)
                    for dv in d.values
                ),
                i,
                j,
            )
            for i, d in enumerate(same)
            for j, r in enumerate(recorded.get(moment, []))
        )
        taken: set[int] = set()
        for _score, i, j in scores:
            if id(same[i]) not in paired and j not in taken:
                paired[id(same[i])] = [recorded[moment][j]]
                taken.add(j)
        for d in same:
            paired.setdefault(id(d), [])
    return paired


def _valid_result(
    draw: Draw,
    new: list[DraftValue],
    new_others: list[DraftOther],
    target: CountResult | None,
    child: Child,
    today: dt.date,
    source: str,
    problems: list[RowProblem],
) -> tuple[list[DraftValue], list[DraftOther], CountResult | None]:
    """The result to save with ``new`` values and ``new_others``, after leaving out what
    breaks the rules."""
    assert child.id is not None
    while new or new_others:
        values = tuple(dv.value for dv in new)
        others = tuple(do.other for do in new_others)
        if target is None:
            result = CountResult(
                child_id=child.id,
                taken_date=draw.taken_date,
                taken_time=draw.taken_time,
                source=draw.source or source,
                values=values,
                others=others,
            )
        else:
            result = replace(target, values=target.values + values, others=target.others + others)
        errors = forms.validate_count(result, child, today)
        if not errors:
            return new, new_others, result
        first_new = len(target.others) if target is not None else 0
        bad_others = {
            int(key.split(".")[1]) - first_new: message
            for key, message in errors.items()
            if key.startswith("others.") and int(key.split(".")[1]) >= first_new
        }
        if bad_others:
            problems.extend(
                RowProblem(do.line, bad_others[i])
                for i, do in enumerate(new_others)
                if i in bad_others
            )
            new_others = [do for i, do in enumerate(new_others) if i not in bad_others]
            continue
        errors = {k: m for k, m in errors.items() if not k.startswith("others.")} or errors
        if not new:  # a rule about the draw itself (its date): its unknown tests go too
            message = errors.get("taken_date") or next(iter(errors.values()), "")
            problems.extend(RowProblem(do.line, message) for do in new_others)
            return [], [], None
        new_codes = {dv.value.analyte for dv in new}
        drop: dict[str, str] = {}  # analyte code → reason
        for key, message in errors.items():
            code = key.partition(".")[0]
            if key == "taken_date" or (code not in new_codes and code != "band_pct"):
                drop = {c: message for c in new_codes}  # the whole draw is wrong
                break
            if key == "band_pct.value":  # its own range, or segmented % + bands % > 100
                drop.update((c, message) for c in ("seg_pct", "band_pct") if c in new_codes)
            else:
                drop[code] = message
        if not drop:  # a rule about values the record already had: leave the draw alone
            drop = {c: next(iter(errors.values())) for c in new_codes}
        problems.extend(
            RowProblem(dv.line, drop[dv.value.analyte]) for dv in new if dv.value.analyte in drop
        )
        new = [dv for dv in new if dv.value.analyte not in drop]
        if "taken_date" in errors:  # the whole draw is wrong: its unknown tests too
            problems.extend(RowProblem(do.line, errors["taken_date"]) for do in new_others)
            new_others = []
    return new, new_others, None


# --------------------------------------------------------------------------- applying


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an applied import wrote and what it left out."""

    new_results: int
    completed_results: int
    values_added: int
    already_there: int
    conflicts: tuple[Conflict, ...]
    bad_rows: int  # lines left out because something in them was wrong
    pending: int
    repeated: int
    other_children: int
    unknown_tests: dict[str, int]
    changes: Changes
    kept_as_printed: dict[str, int] = field(default_factory=dict)  # unknown test → results
    left_out: int = 0  # rows that are not lab results


def apply_import(
    plan: ImportPlan,
    record: Record,
    *,
    skip_bad: bool = False,
    backed_up: bool = False,
    progress: Progress = no_progress,
) -> ImportReport:
    """Write the plan in one transaction (all or nothing), after a backup of the record
    (``backed_up``: the caller made it, just before its own larger transaction).

    A plan with bad rows is refused with :class:`BadRowsNotConfirmed` unless
    ``skip_bad`` says the user agreed to import the rest without them.  ``progress``
    hears of the backup (the first 30 %) and the save; its Cancelled, up to the last
    call, leaves the record as it was (a backup made stays, as any backup).
    """
    if plan.problems and not skip_bad:
        raise BadRowsNotConfirmed(
            trn(
                "{n} row of the file is wrong; nothing was imported.",
                "{n} rows of the file are wrong; nothing was imported.",
                len(plan.bad_lines),
            ).format(n=len(plan.bad_lines))
        )
    if plan.results and not backed_up:  # a verified backup first, or nothing is imported
        make_backup(record, BEFORE_IMPORT, progress=part_of(progress, 0, 300, 1000))
    saving = part_of(progress, 300, 700, 1000) if not backed_up else progress
    try:
        changes = record.save_all(plan.results, progress=saving) if plan.results else Changes()
    except KeyError:  # a blood count the plan completes was deleted since (rolled back)
        raise PlanOutdated(
            tr(
                "The record changed after the file was read; nothing was imported. Read "
                "the file again."
            )
        ) from None
    return ImportReport(
        new_results=plan.new_results,
        completed_results=plan.completed_results,
        values_added=plan.values_added,
        already_there=len(plan.already_there),
        conflicts=plan.conflicts,
        bad_rows=len(plan.bad_lines),
        pending=len(plan.pending),
        repeated=len(plan.repeated),
        other_children=len(plan.other_children),
        unknown_tests=dict(plan.unknown_tests),
        changes=changes,
        kept_as_printed=plan.kept_as_printed(),
        left_out=len(plan.left_out),
    )


def summary_lines(plan: ImportPlan, *, applied: bool) -> list[str]:
    """The plain-language summary the command line prints (and a preview may show)."""
    name = plan.child.name
    if not plan.anything_added:
        line = (
            tr("Added for {name}: nothing new.")
            if applied
            else tr("Would add for {name}: nothing new.")
        ).format(name=name)
    else:
        counts = trn("{n} new blood count", "{n} new blood counts", plan.new_results)
        completed = trn(
            "{n} blood count already recorded completed with new values",
            "{n} blood counts already recorded completed with new values",
            plan.completed_results,
        )
        results_only = bool(plan.others_added) and not plan.values_added
        n = len(plan.others_added) if results_only else plan.values_added
        # Whole sentences per count: the verb agrees with what was added in es and fr
        # ("Ajoutées pour Robin : 39 valeurs", "Se añadirían para Robin: 39 valores").
        said = _added_sentence(n, results_only, bool(plan.completed_results), applied)
        line = said.format(
            name=name,
            n=n,
            counts=counts.format(n=plan.new_results),
            completed=completed.format(n=plan.completed_results),
        )
    lines = [*plan.first, line]
    if len(plan.patients) > 1:  # a research export: said first, it is the one thing to check
        lines.append(_several_patients(plan.patients, plan.child, applied=applied))
    if plan.others_added:
        kept = plan.kept_as_printed()
        listing = ", ".join(name if n == 1 else f"{name} ×{n}" for name, n in kept.items())
        n = len(plan.others_added)
        lines.append(
            trn(
                "Kept as printed for {name}: {n} result of tests the program does not know: "
                "{listing} (no unit conversion and no range check by this program).",
                "Kept as printed for {name}: {n} results of tests the program does not "
                "know: {listing} (no unit conversion and no range check by this program).",
                n,
            ).format(name=plan.child.name, n=n, listing=listing)
        )
    skipped = _skipped(plan)
    if skipped:
        lines.append(tr("Skipped: {items}.").format(items="; ".join(skipped)))
    lines.extend(ehr_rows.summary(plan.left_out))  # one line per reason, not per row
    lines.extend(str(p) for p in plan.pending)  # each by its line, as bad rows are
    lines.extend(str(c) for c in plan.conflicts)
    lines.extend(str(n) for n in plan.noted)  # imported, each with what to check
    return lines


def _skipped(plan: ImportPlan) -> list[str]:
    """What the summary's "Skipped:" line lists, each a whole phrase with its number."""
    skipped: list[str] = []
    rows = plan.item == "row"  # else FHIR resources
    if plan.already_there:
        n = len(plan.already_there)
        skipped.append(
            trn("{n} value already in the record", "{n} values already in the record", n).format(
                n=n
            )
        )
    if plan.conflicts:
        n = len(plan.conflicts)
        skipped.append(
            trn(
                "{n} value that differs from the record (the record was kept; listed below)",
                "{n} values that differ from the record (the record was kept; listed below)",
                n,
            ).format(n=n)
        )
    if plan.problems:
        n = len(plan.bad_lines)
        if rows:
            bad = trn("{n} bad row (listed above)", "{n} bad rows (listed above)", n)
        else:
            bad = trn(
                "{n} resource with a problem (listed above)",
                "{n} resources with a problem (listed above)",
                n,
            )
        skipped.append(bad.format(n=n))
    if plan.pending:
        n = len(plan.pending)
        skipped.append(
            trn(
                "{n} result not given yet (pending, cancelled…)",
                "{n} results not given yet (pending, cancelled…)",
                n,
            ).format(n=n)
        )
    if plan.repeated:
        n = len(plan.repeated)
        if rows:
            repeated = trn("{n} repeated row", "{n} repeated rows", n)
        else:
            repeated = trn("{n} repeated resource", "{n} repeated resources", n)
        skipped.append(repeated.format(n=n))
    if plan.other_children:
        n = len(plan.other_children)
        skipped.append(
            trn("{n} value of another child", "{n} values of another child", n).format(n=n)
        )
    if plan.left_out:
        n = len(plan.left_out)
        if rows:
            out = trn(
                "{n} row that is not a lab result (listed below)",
                "{n} rows that are not lab results (listed below)",
                n,
            )
        else:
            out = trn(
                "{n} resource that is not a lab result (listed below)",
                "{n} resources that are not lab results (listed below)",
                n,
            )
        skipped.append(out.format(n=n))
    return skipped


# i18n: not shown
_BIRTH = re.compile(
    r"\b(?:DOB|D\.O\.B\.|date of birth|birth ?date|born|"  # i18n: not shown
    r"geb(?:oren|\.|urtsdatum)?)"
    r"\s*[:=]?\s*([0-9][0-9./-]{5,9}[0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What the lines above the table say about whose results these are."""

    lines: tuple[str, ...]  # the preamble as written (patient name, DOB, lab…)
    birth_date: dt.date | None  # a date of birth found there, if any
    patients: tuple[str, ...] = ()  # a patient column's ids among the lab rows

    def mismatch(self, child: Child) -> str:
        """A plain warning when the file names another date of birth than ``child``'s, or its
        lab rows belong to several patients (a research export); "" otherwise.  A patient
        column of ids is never compared with the child's name."""
        if len(self.patients) > 1:
            return _several_patients(self.patients, child, applied=False)
        if self.birth_date is None or self.birth_date == child.birth_date:
            return ""
        return tr(
            "This file gives a date of birth of {file_birth}, but {name} was born on "
            "{birth_date}. Check that it is {name}'s file before importing."
        ).format(
            file_birth=date_text(self.birth_date),
            name=child.name,
            birth_date=date_text(child.birth_date),
        )


def _added_sentence(n: int, results_only: bool, completed: bool, applied: bool) -> str:
    """The import's "Added for {name}: {n} values (…)." line, plural by ``n``."""
    if results_only:
        if completed:
            if applied:
                return trn(
                    "Added for {name}: {n} result kept as printed ({counts}; {completed}).",
                    "Added for {name}: {n} results kept as printed ({counts}; {completed}).",
                    n,
                )
            return trn(
                "Would add for {name}: {n} result kept as printed ({counts}; {completed}).",
                "Would add for {name}: {n} results kept as printed ({counts}; {completed}).",
                n,
            )
        if applied:
            return trn(
                "Added for {name}: {n} result kept as printed ({counts}).",
                "Added for {name}: {n} results kept as printed ({counts}).",
                n,
            )
        return trn(
            "Would add for {name}: {n} result kept as printed ({counts}).",
            "Would add for {name}: {n} results kept as printed ({counts}).",
            n,
        )
    if completed:
        if applied:
            return trn(
                "Added for {name}: {n} value ({counts}; {completed}).",
                "Added for {name}: {n} values ({counts}; {completed}).",
                n,
            )
        return trn(
            "Would add for {name}: {n} value ({counts}; {completed}).",
            "Would add for {name}: {n} values ({counts}; {completed}).",
            n,
        )
    if applied:
        return trn(
            "Added for {name}: {n} value ({counts}).", "Added for {name}: {n} values ({counts}).", n
        )
    return trn(
        "Would add for {name}: {n} value ({counts}).",
        "Would add for {name}: {n} values ({counts}).",
        n,
    )


def _several_patients(patients: Sequence[str], child: Child, *, applied: bool) -> str:
    shown = ", ".join(patients[:3]) + (", …" if len(patients) > 3 else "")
    if applied:
        said = tr(
            "The lab results in this file belong to {n} different patients ({shown}); they "
            "were all added to {name}'s blood counts. Import a file with only {name}'s "
            "results."
        )
    else:
        said = tr(
            "The lab results in this file belong to {n} different patients ({shown}); they "
            "would all be added to {name}'s blood counts. Import a file with only {name}'s "
            "results."
        )
    return said.format(n=len(patients), shown=shown, name=child.name)


def file_identity(data: bytes, parsed: ParsedFile) -> FileIdentity:
    """The preamble above the header row, and a date of birth read from it."""
    text, _encoding = decode(data)
    above = text.splitlines()[: max(parsed.header_line - 1, 0)]  # lines above the header
    lines = tuple(
        joined
        for row in csv.reader(above, delimiter=parsed.delimiter)
        if (joined := " · ".join(cell.strip() for cell in row if cell.strip()))
    )[:8]
    birth: dt.date | None = None
    for line in lines:
        m = _BIRTH.search(line)
        if m:
            try:
                birth = parse_when(m.group(1), dayfirst=parsed.date_order == "day-first")[0]
            except ValueError:
                birth = None
            break
    return FileIdentity(lines, birth, parsed.patients)
