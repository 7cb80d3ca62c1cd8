"""Rows of an EHR-style export that are not lab results, and the export's code column.

An EHR or research export (Synthea's ``observations.csv``: ``DATE, PATIENT, ENCOUNTER,
CATEGORY, CODE, DESCRIPTION, VALUE, UNITS, TYPE``) mixes lab results with vital signs,
surveys, social history and summary scores (QALY, DALY).  Those rows are *left out* with
the reason — not bad rows — and listed one line per reason, however many rows share it.

A column headed "Code" holds LOINC codes in such an export but the lab's own test codes in
an ordinary lab file: :func:`holds_loinc_codes` takes it as LOINC only when its values have
LOINC's shape and check digit (``tracker.loinc.is_loinc_code``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from tracker.i18n import N_, tr, trn
from tracker.io.lab_values import name_key
from tracker.loinc import is_loinc_code, looks_like_loinc

# FHIR observation-category codes (hl7.org/fhir/R4/valueset-observation-category) that are
# not lab results, with the spellings exports use; "laboratory" (or any other word, such as
# a lab's "Hematology") is read as today.
_NOT_LAB = {  # the keys are spellings of the codes to match; the values are shown
    "vital-signs": N_("vital signs"),
    "vital signs": N_("vital signs"),  # i18n: not shown
    "vitals": N_("vital signs"),
    "survey": N_("a survey answer"),
    "social-history": N_("social history"),
    "social history": N_("social history"),  # i18n: not shown
    "exam": N_("an examination finding"),
    "imaging": N_("imaging"),
    "procedure": N_("a procedure's measurement"),
    "therapy": N_("therapy"),
    "activity": N_("activity"),
}
_NOT_LAB_BY_KEY = {name_key(k): v for k, v in _NOT_LAB.items()}

SAMPLE_ROWS = 1000  # data rows looked at to decide what a "Code" column holds


def holds_loinc_codes(values: Iterable[str]) -> bool:
    """A code column holds LOINC codes when at least half of its filled cells are LOINC codes
    with a right check digit (Synthea's also has QALY, DALY and QOLS rows)."""
    filled = valid = 0
    for value in values:
        if value.strip():
            filled += 1
            valid += is_loinc_code(value)
    return valid > 0 and 2 * valid >= filled


def category_reason(category: str) -> str:
    """Why a row of this category is left out, or "" when it may be a lab result."""
    what = _NOT_LAB_BY_KEY.get(name_key(category))
    if what is None:
        return ""
    return tr("{what} (category “{category}”), not a lab result").format(
        what=tr(what), category=category.strip()
    )


def code_reason(code: str) -> str:
    """Why a row of a LOINC column is left out when its test is not one the program keeps:
    its code is not a LOINC code (QALY, DALY: summary scores, not tests)."""
    if not code.strip() or looks_like_loinc(code):
        return ""
    return tr("code “{code}” is not a LOINC code, so not a lab test").format(code=code.strip())


def text_reason(value_type: str) -> str:
    """A text answer (TYPE ``text``) of a test the program does not keep."""
    if name_key(value_type) != "text":
        return ""
    return tr("a text answer (type “text”) of a test the program does not keep")


class _Line(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def reason(self) -> str: ...


def summary(left_out: Sequence[_Line], shown: int = 5) -> list[str]:
    """One line per reason, in the order first met: "Left out 12 rows: vital signs (category
    “vital-signs”), not a lab result (lines 2, 3, 4, 5, 6 and 7 more)"."""
    by_reason: dict[str, list[int]] = {}
    for row in left_out:
        by_reason.setdefault(row.reason, []).append(row.line)
    lines: list[str] = []
    for reason, numbers in by_reason.items():
        numbers.sort()
        listed = ", ".join(str(n) for n in numbers[:shown])
        more, n = len(numbers) - shown, len(numbers)
        if more > 0:
            where = tr("lines {listed} and {more} more").format(listed=listed, more=more)
        else:
            where = trn("line {listed}", "lines {listed}", n).format(listed=listed)
        lines.append(
            trn(
                "Left out {n} row: {reason} ({where}).", "Left out {n} rows: {reason} ({where}).", n
            ).format(n=n, reason=reason, where=where)
        )
    return lines
