"""Blood counts as a CSV table, one row per value, for spreadsheets and the team.

Columns (``docs/csv-format.md`` is the contract): child, date, time, analyte,
value, unit, normalised_value, canonical_unit, lab_range, flag, source, test,
lab_flag, lab_comment, hours_after.

* UTF-8 **without** a byte-order mark, comma-separated, CRLF line ends
  (RFC 4180), a header row.  Spreadsheet programs that guess Windows-1252
  should open it through their import dialog (Excel: Data › From Text/CSV).
* ``value`` and ``unit`` are what the family or the lab wrote (a decimal comma
  becomes a point so that every reader sees one number); ``normalised_value``
  is in ``canonical_unit``, with no more significant figures than ``value``
  (``display.converted_number``).  Zeros stay ``0``, never an empty cell.
* ``flag`` is worked out from the lab's range (``ranges.flag``, as the counts
  table does): ``low`` below it, ``high`` above it (a word: a letter beside a
  number reads as a unit), empty inside it, when it cannot be told (``<5``
  against a lower limit of 1) or when there is no lab range.
  ``lab_flag`` and ``lab_comment`` are what the lab printed, as printed: the two
  flags can disagree and are never merged.
* A result of a test the program does not know is a row with an empty
  ``analyte``, its name as printed in ``test``, its value, unit and range as
  printed, and empty ``normalised_value``, ``canonical_unit`` and ``flag`` (the
  program neither converts nor checks it).
* NUL and the other control characters a family may have typed or pasted
  (all of C0 but tab, line feed and carriage return, and DEL) are written as
  their visible control pictures (NUL as ``␀``): a raw NUL makes the file binary
  and the importer refuse it.  The JSON export keeps them exactly (``\u0000``).
* A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is prefixed with ``'`` so that a spreadsheet shows it as text instead
  of running it as a formula (CSV formula injection).  The importer removes the
  prefix again.

The file is replaced atomically (``durable.write_atomically``: private
temp file, fsync, rename, folder fsync; the old file is untouched on failure).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from tracker import analytes, ranges
from tracker.analytes import format_number
from tracker.display import converted_number
from tracker.i18n import tr
from tracker.model import Child, CountResult, CountValue
from tracker.progress import Progress, no_progress, part_of
from tracker.store import durable
from tracker.store.record import Record

COLUMNS = (
    "child",
    "date",
    "time",
    "analyte",
    "value",
    "unit",
    "normalised_value",
    "canonical_unit",
    "lab_range",
    "flag",
    "source",
    "test",
    "lab_flag",
    "lab_comment",
    "hours_after",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 control characters (tab, line feed and carriage return aside) and DEL, as their
# visible Unicode control pictures: NUL → ␀ (U+2400), ESC → ␛, DEL → ␡.  A raw NUL made
# the file binary (the importer refused it); the pictures keep what was typed visible.
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n\r"} | {0x7F: 0x2421}


def visible(text: str) -> str:
    """``text`` with its control characters as control pictures (see ``_CONTROL_PICTURES``)."""
    return text.translate(_CONTROL_PICTURES)


def escape_cell(text: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def lab_flag(v: CountValue) -> str:
    """``low`` or ``high`` when the value lies outside the lab's own range, else ``""``.

    The same judgement as the counts table (``ranges.flag``, comparators respected,
    limits inclusive), but only against the range the lab printed: the column sits
    beside ``lab_range``, so a built-in example range never flags here.
    """
    if v.range_low is None and v.range_high is None:
        return ""
    used = ranges.range_for(v, None, dt.date.min)
    if used.kind != "lab":
        return ""
    found = ranges.flag(v, used)
    if found is None:
        return ""
    return found.kind.value  # the file's own word ("low" / "high"), whatever the language


EVERY = 50
"""Blood counts written between two calls of ``progress`` (a few milliseconds)."""


def rows(
    record: Record, child_id: int | None = None, progress: Progress = no_progress
) -> Iterator[list[str]]:
    """The table body, oldest draw first, values in catalogue order within a draw.

    ``progress`` hears of the children read (reading a child's counts is one step) and
    of the counts written, and may stop it (Cancelled)."""
    children = [c for c in record.children() if child_id is None or c.id == child_id]
    for n, child in enumerate(children):
        assert child.id is not None
        part = part_of(progress, 100 * n, 100, 100 * len(children))
        part(0, 1)
        results = record.counts(child.id)
        part(1, 5)  # reading them: about a fifth of the time
        for i, result in enumerate(results):
            if i % EVERY == 0:
                part(len(results) + 4 * i, 5 * len(results))
            yield from _result_rows(child, result)
        part(1, 1)


def _result_rows(child: Child, result: CountResult) -> Iterator[list[str]]:
    time = result.taken_time.strftime("%H:%M") if result.taken_time is not None else ""
    order = {code: i for i, code in enumerate(analytes.CODES)}
    for v in sorted(result.values, key=lambda v: order.get(v.analyte, len(order))):
        cells = [
            child.name,
            result.taken_date.isoformat(),
            time,
            analytes.analyte(v.analyte).english_short,
            v.value_text.replace(",", "."),
            v.unit,
            converted_number(v.normalised_value, v.value_text),
            v.canonical_unit,
            v.range_text,
            lab_flag(v),
            result.source,
            analytes.analyte(v.analyte).english_name,
            v.lab_flag,
            v.lab_comment,
            format_number(v.hours_after) if v.hours_after is not None else "",
        ]
        yield [escape_cell(visible(c)) for c in cells]
    for o in result.others:  # as printed: no conversion, no flag of the program's own
        cells = [
            child.name,
            result.taken_date.isoformat(),
            time,
            "",
            o.value_text,
            o.unit,
            "",
            "",
            o.range_text,
            "",
            result.source,
            o.name,
            o.lab_flag,
            o.lab_comment,
            "",
        ]
        yield [escape_cell(visible(c)) for c in cells]


def csv_text(
    record: Record, child_id: int | None = None, progress: Progress = no_progress
) -> tuple[str, int]:
    """The whole CSV text and the number of value rows in it (``progress``: see
    :func:`rows`)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows(record, child_id, progress):
        writer.writerow(row)
        n += 1
    return buffer.getvalue(), n


def write_csv(
    record: Record,
    path: Path,
    *,
    child_id: int | None = None,
    progress: Progress = no_progress,
) -> int:
    """Export the blood counts to ``path`` atomically (0600); returns the number of values.

    ``progress`` (see :func:`rows`) may stop it before anything is written: then no file
    is made and an existing one is unchanged."""
    text, n = csv_text(record, child_id, progress)
    durable.write_atomically(Path(path), text.encode("utf-8"), tr("the export"))
    return n
