"""Reference ranges by age, low/high flags, neutropenia categories, CTCAE grades, team notes.

Everything here labels a number; nothing advises.  The data come from three files under
``resources/reference/`` (each with its source, copied from ``shared/domain.md`` §2.3–2.5):

* ``infant_ranges.json``: age-specific example ranges (Tables A–C), in the source's units,
  each for an age band in completed calendar months or days (as the header counts age);
* ``anc_categories.json``: mild / moderate / severe (/ profound) neutropenia;
* ``ctcae.json``: CTCAE v5.0 grades for ANC, platelets, haemoglobin, WBC and lymphocytes.

The range printed by the family's own lab always wins over a built-in one
(:func:`range_for`); built-in ranges are a labelled fallback.  All limits handed out
are in the analyte's canonical unit (×10⁹/L cells, g/L Hb, L/L Hct, ×10¹²/L RBC, %),
see :mod:`tracker.analytes`.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import resources
from tracker import analytes, dates
from tracker.analytes import format_number
from tracker.display import converted_number
from tracker.i18n import N_, tr
from tracker.model import Comparator, CountValue, TeamThreshold, ThresholdPurpose
from tracker.range_units import range_unit_problem

Status = Literal["verified", "partly_verified"]
AgeUnit = Literal["day", "month"]
RangeKind = Literal["lab", "builtin"]

INFANT_RANGES_FILE = "reference/infant_ranges.json"
CTCAE_FILE = "reference/ctcae.json"
ANC_CATEGORIES_FILE = "reference/anc_categories.json"

# The wording of domain.md §6 ("ask your team about this"), kept verbatim.
# English, marked with N_(): a TeamNote's text is them translated (team_notes).
NOTE_OUTSIDE_LAB_RANGE = N_(
    "Outside the range printed by your lab — you may want to ask your team."
)
NOTE_SEVERE_NEUTROPENIA = N_(
    "Severe neutropenia range. Follow your team's fever and infection advice."
)
NOTE_LOW_PLATELETS = N_(
    "Low platelets — check what your team wants you to watch for (bruising, bleeding)."
)
NOTE_LOW_HAEMOGLOBIN = N_("Low haemoglobin — ask whether a transfusion is planned.")
NOTE_BELOW_NEXT_BLOCK = N_(
    "Counts below what your team said is needed to start — expect a possible delay; "
    "confirm with the team."
)
# domain.md §6: "Platelets < 20 ×10⁹/L or below the team's transfusion trigger" (a default
# the family may turn off: pass ``default_platelet_trigger=None`` to :func:`team_notes`).
DEFAULT_PLATELET_NOTE_BELOW = 20.0
# Where the default of 20 comes from, as a family can read it (domain.md §6 and §2.6).
DEFAULT_PLATELET_SOURCE = N_(
    "the program's 'ask your team' flag (platelets < 20 ×10⁹/L or below the team's "
    "transfusion trigger); 10 or 20 ×10⁹/L are common prophylactic triggers (Transfusion "
    "considerations in paediatric haematology/oncology, Hematol Oncol Clin N Am 2016;30:695)"
)

_STATUSES: tuple[Status, ...] = ("verified", "partly_verified")
_SEVERE_KEYS = frozenset({"severe", "profound"})


class ReferenceDataError(ValueError):
    """A reference file is missing, not JSON, or not shaped as this module expects."""


# --------------------------------------------------------------------------- value types


@dataclass(frozen=True, slots=True)
class ReferenceTable:
    """One source table (e.g. "Table B") as shipped, for an "about these ranges" screen."""

    id: str
    name: str
    title: str
    source: str
    status: Status
    status_note: str
    limits: str
    notes: tuple[str, ...]
    ranges: tuple[BuiltinRange, ...]


@dataclass(frozen=True, slots=True)
class AgeMark:
    """An age as the sources write it: ``count`` days, or ``count`` completed calendar months.

    Months are counted as the header counts them (:func:`tracker.dates.age`), never as
    30.4375-day months, so a band changes on the birthday the header shows.
    """

    count: int
    unit: AgeUnit

    def reached(self, birth_date: dt.date, on_date: dt.date) -> bool:
        if self.unit == "day":
            return age_in_days(birth_date, on_date) >= self.count
        return completed_months(birth_date, on_date) >= self.count

    @property
    def fewest_days(self) -> int:
        """The fewest days this age can be (a month is 28 to 31 days)."""
        return self.count if self.unit == "day" else self.count * 365 // 12 - 2

    @property
    def most_days(self) -> int:
        """The most days this age can be."""
        return self.count if self.unit == "day" else -(-self.count * 366 // 12) + 2


@dataclass(frozen=True, slots=True)
class BuiltinRange:
    """An example range from a published table for one count at one age.

    ``low``/``high``/``mean`` are in the analyte's canonical unit (``unit``); either limit
    may be ``None`` (Table A prints a lower limit only).  ``printed`` is the row as the
    source prints it, in the source's unit.
    """

    analyte: str
    low: float | None
    high: float | None
    mean: float | None
    unit: str
    table: str
    table_title: str
    source: str
    status: Status
    status_note: str
    age_label: str
    starts: AgeMark  # included
    ends: AgeMark  # not included
    limits: str
    printed: str

    def covers(self, birth_date: dt.date, on_date: dt.date) -> bool:
        """The child's age on ``on_date`` is in this row's band (``starts`` ≤ age < ``ends``)."""
        return self.starts.reached(birth_date, on_date) and not self.ends.reached(
            birth_date, on_date
        )

    @property
    def text(self) -> str:
        """One line for a tooltip or a summary: the range, the age it is for, its source."""
        text = tr("Example range for age {age}: {limits}").format(
            age=self.age_label, limits=describe_limits(self.low, self.high, self.unit)
        )
        if self.mean is not None:
            text = tr("{range} (mean {mean} {unit})").format(
                range=text, mean=format_number(self.mean), unit=self.unit
            )
        if self.low is None or self.high is None:
            text += f". {self.limits.rstrip('.')}"
        text += f". {self.table}: {self.source}."
        return text


@dataclass(frozen=True, slots=True)
class RangeUsed:
    """The range a value is judged against, and where it came from.

    ``kind`` is ``"lab"`` (the range printed on the report), ``"builtin"`` (an example
    from a published table) or ``None`` (no range).  ``low``/``high`` are canonical.
    """

    kind: RangeKind | None
    low: float | None
    high: float | None
    unit: str
    source: str
    status: Status | None = None
    builtin: BuiltinRange | None = None
    # A lab's "<5" leaves 5 out, ">150" leaves 150 out; "3.5-10.5", "≤5", "≥150" and the
    # built-in tables include their limits (compared as written, issue 11).
    low_included: bool = True
    high_included: bool = True
    printed: str = ""  # the lab's range as printed ("<5"), for saying how it was compared
    printed_low: float | None = None  # the limits in the value's own unit, as printed
    printed_high: float | None = None


class FlagKind(StrEnum):
    LOW = "low"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Flag:
    """Below or above the range used.  Shown as ``symbol`` and ``text``, never by colour only."""

    kind: FlagKind
    symbol: str  # "↓ L" or "↑ H"
    text: str
    range_kind: RangeKind

    @property
    def word(self) -> str:
        """ "low" or "high": printed beside a number as "(low)", since a bare letter reads
        as a unit ("0.26 L" for a Hct is not litres) and an arrow as the trend."""
        return tr("low") if self.kind is FlagKind.LOW else tr("high")


@dataclass(frozen=True, slots=True)
class AncCategory:
    key: str  # "profound", "severe", "moderate", "mild"
    label: str  # "Severe neutropenia"
    boundary: str  # "ANC < 0.5 ×10⁹/L"
    note: str
    source: str

    @property
    def text(self) -> str:
        """E.g. "Severe neutropenia (ANC < 0.5 ×10⁹/L)"."""
        return f"{self.label} ({self.boundary})"


@dataclass(frozen=True, slots=True)
class Grade:
    """A CTCAE grade computed from a number: for labelling, never for decisions."""

    version: str  # "CTCAE v5.0"
    grade: int
    term: str  # "Neutrophil count decreased"
    criterion: str  # "< 1.0 – 0.5 ×10⁹/L"
    label: str  # "CTCAE v5 grade 3"
    source: str
    note: str


class NoteKind(StrEnum):
    OUTSIDE_LAB_RANGE = "outside_lab_range"
    SEVERE_NEUTROPENIA = "severe_neutropenia"
    LOW_PLATELETS = "low_platelets"
    LOW_HAEMOGLOBIN = "low_haemoglobin"
    BELOW_NEXT_BLOCK = "below_next_block"


@dataclass(frozen=True, slots=True)
class TeamNote:
    """An "ask your team" note (domain.md §6) and what it is based on."""

    kind: NoteKind
    text: str
    basis: str  # e.g. "your team's transfusion trigger: 20 ×10⁹/L"
    threshold: TeamThreshold | None = None


@dataclass(frozen=True, slots=True)
class DefaultLine:
    """A line drawn where the family entered no team number for it (domain.md §6).

    ``value`` is canonical; ``name`` reads before the number ("low platelets below");
    ``replaced_by`` is the kind of team number that replaces it (``None``: any number the
    family entered for that count)."""

    analyte: str
    value: float
    name: str
    source: str
    replaced_by: ThresholdPurpose | None


def default_lines(thresholds: Sequence[TeamThreshold]) -> dict[str, DefaultLine]:
    """The default lines still in force, by analyte, once the team's numbers are given.

    ANC: the edge of severe neutropenia (``anc_categories.json``, with its source).
    Platelets: 20 ×10⁹/L (domain.md §6) until the team gives its transfusion trigger.
    Haemoglobin: none; domain.md §6 ties the Hb note to the team's own trigger."""
    severe = next(c for c in _anc().categories if c.key == "severe")
    lines = (
        DefaultLine("anc", severe.high, tr("severe neutropenia below"), _anc().source, None),
        DefaultLine(
            "plt",
            DEFAULT_PLATELET_NOTE_BELOW,
            tr("low platelets below"),
            tr(DEFAULT_PLATELET_SOURCE),
            ThresholdPurpose.TRANSFUSION,
        ),
    )
    return {
        line.analyte: line
        for line in lines
        if not any(
            t.analyte == line.analyte and line.replaced_by in (None, t.purpose) for t in thresholds
        )
    }


# --------------------------------------------------------------------------- age ranges


def age_in_days(birth_date: dt.date, on_date: dt.date) -> int:
    """Whole days from birth; the birth date is day 0."""
    return (on_date - birth_date).days


@functools.lru_cache(maxsize=8192)
def completed_months(birth_date: dt.date, on_date: dt.date) -> int:
    """Completed calendar months from birth, as the header counts them (relativedelta).

    Remembered: every count's every value asks it of each age band (130,000 times for a
    ten-year summary, a relativedelta each), for a few thousand distinct days."""
    r = dates.age(birth_date, on_date)
    return r.years * 12 + r.months


def builtin_ranges(
    code: str,
    birth_date: dt.date | None,
    on_date: dt.date,
) -> tuple[BuiltinRange, ...]:
    """Every built-in example range for ``code`` at the child's age, most preferred first."""
    if birth_date is None:
        return ()
    if on_date < birth_date:
        return ()
    return tuple(r for r in _infant().by_analyte.get(code, ()) if r.covers(birth_date, on_date))


def builtin_range(
    code: str,
    birth_date: dt.date | None,
    on_date: dt.date,
) -> BuiltinRange | None:
    """The preferred built-in range for ``code`` at the child's age on ``on_date``.

    ``None`` when no table covers that count at that age (or the date is before birth).
    Only verified tables are shipped (the loader refuses any other), so every range
    handed out is from a verified source.
    """
    found = builtin_ranges(code, birth_date, on_date)
    return found[0] if found else None


def reference_tables() -> tuple[ReferenceTable, ...]:
    """The shipped tables in order of preference, each with its source and status."""
    return _infant().tables


# infant_ranges.json's disclaimer, written here too so that the catalogues carry it
# (tests/test_ranges.py checks the two read the same).
BUILTIN_DISCLAIMER = N_(
    "Examples from one published source each, not your child's laboratory. The range "
    "printed by your lab is always used first; these are only a fallback, shown with "
    "their source."
)


# The tables' own titles in infant_ranges.json (the program's words, translated where shown;
# each source's citation stays as published).  tests/test_ranges.py checks they match.
TABLE_TITLES = (
    N_("Haemoglobin / haematocrit / MCV (mean and lower limit = mean − 2 SD)"),
    N_("One hospital laboratory's paediatric ranges"),
    N_("Textbook ranges with SI"),
)


def builtin_disclaimer() -> str:
    """What the built-in tables are (``infant_ranges.json``'s disclaimer), for a tooltip or
    a footnote beside a value judged against one of them, in the reader's language."""
    return tr(_infant().disclaimer)


# The counts the built-in tables judge (record format 2's blood count); every other value
# is judged against its lab's printed range only.
BUILTIN_CODES: frozenset[str] = frozenset(analytes.THRESHOLD_CODES)
NO_RANGE_GIVEN = N_(
    "No range given: your lab printed none, and this program keeps no range for it."
)


def reference_notes() -> tuple[str, ...]:
    """How ages map to days and how a table is chosen (shown beside the tables)."""
    return _infant().notes


def range_for(
    value: CountValue,
    birth_date: dt.date | None,
    on_date: dt.date,
) -> RangeUsed:
    """The range to judge ``value`` against: the lab's printed one always wins.

    A lab range (``value.range_low``/``range_high``, in the value's own unit) is converted
    to canonical.  Without one, the built-in range for the child's age is used; without
    that, ``kind`` is ``None``.  If the lab's range cannot be converted (unknown unit), no
    built-in range is offered in its place: ``kind`` is ``None`` and ``source`` says why.
    """
    unit = canonical_unit_label(value.analyte)
    if value.range_low is not None or value.range_high is not None:
        factor = _value_factor(value)
        if factor is None:
            return RangeUsed(
                None,
                None,
                None,
                unit,
                tr("The range printed by your lab could not be converted from “{unit}”.").format(
                    unit=value.unit
                ),
            )
        wrong_unit = range_unit_problem(
            value.analyte, value.range_low, value.range_high, value.unit, value.range_text
        )
        if wrong_unit:  # stored before it was refused: never flagged against
            return RangeUsed(
                None,
                None,
                None,
                unit,
                tr("{problem}. It is not used for flags.").format(problem=wrong_unit),
            )
        low = _canon(value.range_low * factor) if value.range_low is not None else None
        high = _canon(value.range_high * factor) if value.range_high is not None else None
        shown = value.range_text or describe_limits(value.range_low, value.range_high, "")
        source = (
            tr("Range printed by your lab: {range} {unit}")
            .format(range=shown, unit=value.unit)
            .strip()
        )
        strict = _STRICT_BOUND.match(value.range_text)
        return RangeUsed(
            "lab",
            low,
            high,
            unit,
            source,
            low_included=not (strict and strict.group(1) == ">"),
            high_included=not (strict and strict.group(1) == "<"),
            printed=shown.strip(),
            printed_low=value.range_low,
            printed_high=value.range_high,
        )
    # Only the blood count of record format 2 (BUILTIN_CODES) is judged against a built-in
    # table: the tables' MCV and lymphocyte / monocyte % rows stay reference text, and
    # chemistry and drug levels have none (domain.md §2.8: the lab's range, or none).
    found = (
        builtin_range(value.analyte, birth_date, on_date)
        if value.analyte in BUILTIN_CODES
        else None
    )
    if found is not None:
        return RangeUsed("builtin", found.low, found.high, unit, found.text, found.status, found)
    if value.analyte not in BUILTIN_CODES:
        return RangeUsed(None, None, None, unit, tr(NO_RANGE_GIVEN))
    return RangeUsed(
        None,
        None,
        None,
        unit,
        tr("No range: your lab's range was not entered and no built-in example covers this age."),
    )


def drug_level_note(code: str) -> str:
    """What is said beside a drug level instead of a flag, or "" for any other value.

    Methotrexate thresholds are lab- and protocol-specific and disagree (domain.md §2.8.8),
    so a level is never flagged, even against a range the lab printed."""
    a = analytes.BY_CODE.get(code)
    if a is None or not a.timed:
        return ""
    return tr("Not flagged: compare with your team's rescue plan (thresholds differ by protocol).")


def flag(value: CountValue, used: RangeUsed) -> Flag | None:
    """LOW or HIGH against ``used``; ``None`` when inside, without a range, or undetermined.

    A printed comparator is respected: "<0.1" below a lower limit of 0.5 is low, but
    "<5" against a lower limit of 1 could be either side, so it is not flagged.  Limits
    are compared as written: a band ("3.5-10.5", "≤5") includes them, a lab's "<5" or
    ">150" leaves them out (5 is then high); the flag's text says so at a limit.
    """
    if used.kind is None or drug_level_note(value.analyte):
        return None
    v = value.normalised_value
    low, high = used.low, used.high
    is_low = is_high = False
    if value.comparator is Comparator.EQUAL:
        is_low = low is not None and (_lt(v, low) if used.low_included else _le(v, low))
        is_high = high is not None and (_lt(high, v) if used.high_included else _le(high, v))
    elif value.comparator is Comparator.LESS:  # the true value is below v
        is_low = low is not None and _le(v, low)
    elif value.comparator is Comparator.GREATER:  # the true value is above v
        is_high = high is not None and _le(high, v)
    if not (is_low or is_high):
        return None
    kind = FlagKind.LOW if is_low else FlagKind.HIGH
    if used.kind == "lab":
        text = (
            tr("Low: below the range printed by your lab")
            if is_low
            else tr("High: above the range printed by your lab")
        )
        if at_limit := limit_comparison(value, used):
            text = tr("{flag} ({comparison})").format(flag=text, comparison=at_limit)
    else:
        b = used.builtin
        # the source by name, as a family can look it up ("Table B" is the file's label)
        where = (
            tr("{table}, {source}, age {age}").format(
                table=tr(b.table_title), source=b.source, age=b.age_label
            )
            if b is not None
            else tr("built-in")
        )
        text = (
            tr("Low: below the built-in example range ({where})")
            if is_low
            else tr("High: above the built-in example range ({where})")
        ).format(where=where)
    return Flag(kind, "↓ L" if is_low else "↑ H", text, used.kind)


def limit_comparison(value: CountValue, used: RangeUsed) -> str:
    """How a value exactly at a lab limit was compared, as written; "" elsewhere.

    "5 is not < 5, as your lab printed “<5”" or "1 is at the lower limit 1, which
    “1.0-8.5” includes".
    """
    if used.kind != "lab" or value.comparator is not Comparator.EQUAL:
        return ""
    v, printed = value.normalised_value, f"“{used.printed}”"
    for limit, shown, included, at_limit, op in (
        (
            used.low,
            used.printed_low,
            used.low_included,
            tr("{number} is at the lower limit {limit}, which {printed} includes"),
            ">",
        ),
        (
            used.high,
            used.printed_high,
            used.high_included,
            tr("{number} is at the upper limit {limit}, which {printed} includes"),
            "<",
        ),
    ):
        if limit is None or shown is None or not math.isclose(v, limit, rel_tol=1e-9):
            continue
        number = format_number(value.value)
        if included:
            return at_limit.format(number=number, limit=format_number(shown), printed=printed)
        return tr("{number} is not {op} {limit}, as your lab printed {printed}").format(
            number=number, op=op, limit=format_number(shown), printed=printed
        )
    return ""


# --------------------------------------------------------------------------- ANC categories


def anc_category(
    anc_canonical: float, comparator: Comparator = Comparator.EQUAL
) -> AncCategory | None:
    """The neutropenia category of an ANC in ×10⁹/L, most specific first; ``None`` if none.

    Lower limits are included, upper limits are not (exactly 0.5 is moderate); see
    ``anc_categories.json``.  "<x" is placed only if every value below x falls in one
    category; ">x" never is.
    """
    data = _anc()
    for cat in data.categories:
        if comparator is Comparator.EQUAL:
            inside = (cat.low is None or _le(cat.low, anc_canonical)) and _lt(
                anc_canonical, cat.high
            )
        elif comparator is Comparator.LESS:
            inside = cat.low is None and _le(anc_canonical, cat.high)
        else:
            inside = False
        if inside:
            return AncCategory(cat.key, cat.label, cat.boundary, cat.note, data.source)
    return None


# --------------------------------------------------------------------------- CTCAE


def ctcae_version() -> str:
    """The CTCAE version grades are computed with, e.g. "CTCAE v5.0"."""
    return _ctcae().version


def ctcae_display_note() -> str:
    """The caveat shipped with the grades (``ctcae.json``'s ``display_note``): adult-derived,
    infant normal values can fall inside a grade."""
    return _ctcae().display_note


def ctcae_grade(code: str, value: CountValue, used: RangeUsed | None = None) -> Grade | None:
    """The CTCAE grade of ``value`` (an ANC, platelet, Hb, WBC or lymphocyte count).

    ``None`` when the count is not graded here, is not low enough for a grade, or cannot
    be told (a "<x" spanning two grades, any ">x").  Grade 1 means "below the lower limit
    of normal" and is given only with the lab's own range (``used.kind == "lab"``).
    A value in a unit CTCAE prints limits for (g/dL, g/L, mmol/L for Hb) is graded
    against those printed limits directly: mmol/L is never converted.
    """
    if value.analyte != code:
        raise ValueError(
            f"ctcae_grade: value is {value.analyte!r}, not {code!r}"  # i18n: not shown
        )  # i18n: not shown
    data = _ctcae()
    term = data.terms.get(code)
    if term is None:
        return None
    x, limits = _limits_for(code, value, term)
    ordered = sorted(limits.items(), key=lambda kv: kv[0], reverse=True)  # grade 4 first
    grade: int | None = None
    if value.comparator is Comparator.EQUAL:
        grade = next((g for g, lim in ordered if _lt(x, lim)), None)
        if grade is None and used is not None and used.kind == "lab" and used.low is not None:
            grade = 1 if _lt(value.normalised_value, used.low) else None
    elif value.comparator is Comparator.LESS and ordered:
        top, top_limit = ordered[0]
        grade = top if _le(x, top_limit) else None
    if grade is None:
        return None
    return Grade(
        version=data.version,
        grade=grade,
        term=term.term,
        criterion=term.criteria.get(grade, ""),
        label=tr("{version} grade {grade}").format(version=data.short, grade=grade),
        source=data.source,
        note=data.display_note,
    )


def _limits_for(code: str, value: CountValue, term: _Term) -> tuple[float, Mapping[int, float]]:
    """The number to grade and the limits to grade it against, in the same unit."""
    own = analytes.analyte(code).unit(value.unit)
    if own is not None:
        for unit_text, limits in term.below.items():
            if analytes.analyte(code).unit(unit_text) is own:
                return value.value, limits
    return value.normalised_value, term.below[term.canonical_unit]


# --------------------------------------------------------------------------- team notes


def team_notes(
    value: CountValue,
    thresholds: Sequence[TeamThreshold],
    used: RangeUsed | None = None,
    *,
    default_platelet_trigger: float | None = DEFAULT_PLATELET_NOTE_BELOW,
) -> tuple[TeamNote, ...]:
    """The "ask your team" notes (domain.md §6 wording) that apply to ``value``.

    * outside the lab's own printed range (only when ``used.kind == "lab"``);
    * ANC in the severe (or profound) range;
    * platelets below a team transfusion trigger, or, only while the team has given none,
      below ``default_platelet_trigger`` (20 ×10⁹/L, domain.md §6; ``None`` turns it off);
    * haemoglobin below a team transfusion trigger (no default: the team sets it);
    * any count below a team "next block" number (the count must be at or above it).

    Only thresholds for ``value.analyte`` are looked at.  "watch" and "other" thresholds
    carry no direction, so they give no note.  A comparator is respected: "<15" is below
    20, ">15" is not known to be.  A team number is compared as the family typed it:
    "0.5" (or "<0.5" for a trigger) is reached at 0.5, ">0.5" ("over 0.5") only above it,
    and the basis then says how ("0.5 is not more than 0.5").
    """
    code = value.analyte
    canon = canonical_unit_label(code)
    mine = [t for t in thresholds if t.analyte == code]
    notes: list[TeamNote] = []

    if used is not None and used.kind == "lab" and flag(value, used) is not None:
        notes.append(TeamNote(NoteKind.OUTSIDE_LAB_RANGE, tr(NOTE_OUTSIDE_LAB_RANGE), used.source))

    if code == "anc":
        cat = anc_category(value.normalised_value, value.comparator)
        if cat is not None and cat.key in _SEVERE_KEYS:
            notes.append(
                TeamNote(NoteKind.SEVERE_NEUTROPENIA, tr(NOTE_SEVERE_NEUTROPENIA), cat.text)
            )

    transfusion = [t for t in mine if t.purpose is ThresholdPurpose.TRANSFUSION]
    if code == "plt":
        hit = _first_below(value, transfusion)
        if hit is not None:
            notes.append(
                TeamNote(
                    NoteKind.LOW_PLATELETS, tr(NOTE_LOW_PLATELETS), _basis(hit, canon, value), hit
                )
            )
        elif (
            not transfusion  # the team's trigger replaces the default (issue 11)
            and default_platelet_trigger is not None
            and _below(value, default_platelet_trigger)
        ):
            basis = tr(
                "platelets below {limit} {unit} (default until your team gives its trigger)"
            ).format(limit=format_number(default_platelet_trigger), unit=canon)
            notes.append(TeamNote(NoteKind.LOW_PLATELETS, tr(NOTE_LOW_PLATELETS), basis))
    elif code == "hgb":
        hit = _first_below(value, transfusion)
        if hit is not None:
            notes.append(
                TeamNote(
                    NoteKind.LOW_HAEMOGLOBIN,
                    tr(NOTE_LOW_HAEMOGLOBIN),
                    _basis(hit, canon, value),
                    hit,
                )
            )

    needed = [t for t in mine if t.purpose is ThresholdPurpose.NEXT_BLOCK]
    hit = _first_below(value, needed)
    if hit is not None:
        notes.append(
            TeamNote(
                NoteKind.BELOW_NEXT_BLOCK,
                tr(NOTE_BELOW_NEXT_BLOCK),
                _basis(hit, canon, value),
                hit,
            )
        )
    return tuple(notes)


def _below(value: CountValue, limit: float) -> bool:
    """The value is certainly below ``limit`` (canonical)."""
    if value.comparator is Comparator.EQUAL:
        return _lt(value.normalised_value, limit)
    if value.comparator is Comparator.LESS:
        return _le(value.normalised_value, limit)
    return False


def _not_above(value: CountValue, limit: float) -> bool:
    """The value is certainly not above ``limit`` (canonical): at or below it."""
    if value.comparator is Comparator.GREATER:
        return False
    return _le(value.normalised_value, limit)


def _over(t: TeamThreshold) -> bool:
    """The team said "over" the number (typed ">0.5"): reaching it is not enough."""
    return t.value_text.strip().startswith(">")


def _first_below(value: CountValue, thresholds: Sequence[TeamThreshold]) -> TeamThreshold | None:
    hits = [
        t for t in thresholds if (_not_above if _over(t) else _below)(value, t.normalised_value)
    ]
    return max(hits, key=lambda t: t.normalised_value) if hits else None


def _basis(t: TeamThreshold, canon: str, value: CountValue | None = None) -> str:
    what = {
        ThresholdPurpose.TRANSFUSION: tr("your team's transfusion trigger"),
        ThresholdPurpose.NEXT_BLOCK: tr("what your team said is needed to start the next block"),
    }.get(t.purpose, tr("your team's number"))
    limit = converted_number(t.normalised_value, t.value_text)
    text = (
        tr("{what}: more than {limit} {unit}") if _over(t) else tr("{what}: {limit} {unit}")
    ).format(what=what, limit=limit, unit=canon)
    typed = f"{t.value_text} {t.unit}".strip()
    if typed and t.unit and analytes.unit_key(t.unit) != analytes.unit_key(canon):
        text = tr("{basis} (as typed: {typed})").format(basis=text, typed=typed)
    if value is not None and _over(t):
        shown = (
            f"{value.comparator.value}{converted_number(value.normalised_value, value.value_text)}"
        )
        text = tr("{basis}; {value} is not more than {limit}").format(
            basis=text, value=shown, limit=limit
        )
    return text


# --------------------------------------------------------------------------- small helpers


def canonical_unit_label(code: str) -> str:
    """How the canonical unit of ``code`` is printed: "×10⁹/L", "g/L", "L/L", "%", "fL"…"""
    outside = _infant().outside_catalogue
    if code in outside:
        return outside[code]
    return _catalogue_unit_label(code) if code in analytes.BY_CODE else ""


def describe_limits(low: float | None, high: float | None, unit: str) -> str:
    """ "3.5–10.5 ×10⁹/L", "lower limit 9 g/L", "upper limit 5 ×10⁹/L" or "no limits"."""
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{format_number(low)}–{format_number(high)}{suffix}"
    if low is not None:
        return tr("lower limit {limit}").format(limit=format_number(low)) + suffix
    if high is not None:
        return tr("upper limit {limit}").format(limit=format_number(high)) + suffix
    return tr("no limits")


def _lt(a: float, b: float) -> bool:
    """a < b, ignoring floating-point noise from unit conversion (1800 × 0.001 vs 1.8)."""
    return a < b and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _le(a: float, b: float) -> bool:
    return a <= b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _canon(x: float) -> float:
    return round(x, 10)


def _value_factor(value: CountValue) -> float | None:
    """value × factor = canonical, from the catalogue or, failing that, the stored pair."""
    a = analytes.BY_CODE.get(value.analyte)
    unit = a.unit(value.unit) if a is not None else None
    if unit is not None:
        return unit.factor
    if value.value != 0 and math.isfinite(value.normalised_value):
        return value.normalised_value / value.value
    return None


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _InfantRanges:
    tables: tuple[ReferenceTable, ...]
    by_analyte: Mapping[str, tuple[BuiltinRange, ...]]
    notes: tuple[str, ...]
    outside_catalogue: Mapping[str, str]
    disclaimer: str = ""


@dataclass(frozen=True, slots=True)
class _AncCat:
    key: str
    label: str
    low: float | None
    high: float
    boundary: str
    note: str


@dataclass(frozen=True, slots=True)
class _AncCategories:
    source: str
    categories: tuple[_AncCat, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    term: str
    criteria: Mapping[int, str]
    below: Mapping[str, Mapping[int, float]]
    canonical_unit: str


@dataclass(frozen=True, slots=True)
class _Ctcae:
    version: str
    short: str
    source: str
    display_note: str
    terms: Mapping[str, _Term]


def load_all() -> None:
    """Load and check every reference file now (raises :class:`ReferenceDataError`)."""
    _infant()
    _anc()
    _ctcae()


@functools.cache
def _infant() -> _InfantRanges:
    return parse_infant_ranges(_read(INFANT_RANGES_FILE), INFANT_RANGES_FILE)


@functools.cache
def _anc() -> _AncCategories:
    return parse_anc_categories(_read(ANC_CATEGORIES_FILE), ANC_CATEGORIES_FILE)


@functools.cache
def _ctcae() -> _Ctcae:
    return parse_ctcae(_read(CTCAE_FILE), CTCAE_FILE)


def _read(name: str) -> object:
    try:
        text = resources.read_text(name)
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{name}: cannot be read ({exc})") from exc  # i18n: not shown
    try:
        data: object = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"{name}: not valid JSON ({exc})") from exc  # i18n: not shown
    return data


class _Where:
    """Builds error messages that say which file and which item is wrong."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, problem: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.name}: {path}: {problem}")

    def obj(self, x: object, path: str) -> Mapping[str, object]:
        if not isinstance(x, dict):
            raise self.fail(path, "expected an object")  # i18n: not shown
        return x

    def items(self, x: object, path: str) -> list[object]:
        if not isinstance(x, list):
            raise self.fail(path, "expected a list")
        return x

    def text(self, o: Mapping[str, object], key: str, path: str, *, empty: bool = False) -> str:
        x = o.get(key)
        if not isinstance(x, str) or (not empty and not x.strip()):
            raise self.fail(f"{path}.{key}", "expected a non-empty text")  # i18n: not shown
        return x

    def opt_text(self, o: Mapping[str, object], key: str, path: str) -> str:
        return self.text(o, key, path, empty=True) if key in o else ""

    def texts(self, o: Mapping[str, object], key: str, path: str) -> tuple[str, ...]:
        items = self.items(o.get(key), f"{path}.{key}")
        if not all(isinstance(s, str) and s.strip() for s in items):
            raise self.fail(f"{path}.{key}", "expected a list of texts")  # i18n: not shown
        return tuple(str(s) for s in items)

    def num(self, x: object, path: str) -> float:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise self.fail(path, "expected a number")
        return float(x)

    def opt_num(self, o: Mapping[str, object], key: str, path: str) -> float | None:
        x = o.get(key)
        return None if x is None else self.num(x, f"{path}.{key}")

    def age(self, o: Mapping[str, object], key: str, path: str) -> AgeMark:
        x = o.get(key)
        m = _AGE.fullmatch(x) if isinstance(x, str) else None
        if m is None:
            raise self.fail(
                f"{path}.{key}",
                "expected an age: ‘N days’, ‘N weeks’ or ‘N months’",  # i18n: not shown
            )  # i18n: not shown
        n, unit = int(m.group(1)), m.group(2)
        if unit == "week":
            return AgeMark(n * 7, "day")
        return AgeMark(n, "day" if unit == "day" else "month")

    def status(self, o: Mapping[str, object], key: str, path: str) -> Status:
        x = o.get(key)
        for s in _STATUSES:
            if x == s:
                return s
        raise self.fail(
            f"{path}.{key}",
            f"expected one of {', '.join(_STATUSES)}",  # i18n: not shown
        )  # i18n: not shown


_STRICT_BOUND = re.compile(r"\s*([<>])(?!=)")
_AGE = re.compile(r"(\d{1,4}) (day|week|month)s?", re.ASCII)
_PRINTED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _printed_numbers(text: str) -> list[float]:
    return [float(m.group(0).replace(",", "")) for m in _PRINTED_NUMBER.finditer(text)]


def parse_infant_ranges(data: object, name: str = INFANT_RANGES_FILE) -> _InfantRanges:
    """Check and convert ``infant_ranges.json`` (already parsed from JSON)."""
    w = _Where(name)
    top = w.obj(data, "file")
    notes = w.texts(top, "notes", "file")
    outside_raw = w.obj(top.get("analytes_outside_catalogue", {}), "analytes_outside_catalogue")
    outside: dict[str, str] = {}
    for code, unit in outside_raw.items():
        if code in analytes.BY_CODE and unit == _catalogue_unit_label(code):
            continue  # the catalogue has grown to hold it (issue 11), in the same unit
        if not isinstance(unit, str) or not unit or code in analytes.BY_CODE:
            raise w.fail(
                f"analytes_outside_catalogue.{code}",
                "expected a unit for a new code",  # i18n: not shown
            )  # i18n: not shown
        outside[code] = unit
    preference = w.texts(top, "preference", "file")

    tables: dict[str, ReferenceTable] = {}
    for i, raw_table in enumerate(w.items(top.get("tables"), "tables")):
        path = f"tables[{i}]"
        t = w.obj(raw_table, path)
        table_id = w.text(t, "id", path)
        path = f"table {table_id}"
        if table_id in tables:
            raise w.fail(path, "appears twice")  # i18n: not shown
        status = w.status(t, "status", path)
        status_note = w.opt_text(t, "status_note", path)
        if status != "verified":  # domain.md §2.3: unverified values are not shipped
            raise w.fail(path, "only a verified table may be shipped")  # i18n: not shown
        head = (
            w.text(t, "name", path),
            w.text(t, "title", path),
            w.text(t, "source", path),
        )
        limits = w.text(t, "limits", path)
        table_notes = w.texts(t, "notes", path)
        ranges = tuple(
            _parse_row(
                w, raw_row, f"{path} row {j + 1}", head, status, status_note, limits, outside
            )
            for j, raw_row in enumerate(w.items(t.get("rows"), f"{path}.rows"))
        )
        if not ranges:
            raise w.fail(path, "has no rows")  # i18n: not shown
        _check_no_overlap(w, path, ranges)
        tables[table_id] = ReferenceTable(
            table_id, head[0], head[1], head[2], status, status_note, limits, table_notes, ranges
        )
    if sorted(preference) != sorted(tables):
        raise w.fail(
            "preference",
            f"must list each table once: {', '.join(sorted(tables))}",  # i18n: not shown
        )  # i18n: not shown
    ordered = tuple(tables[k] for k in preference)
    by_analyte: dict[str, list[BuiltinRange]] = {}
    for table in ordered:
        for r in sorted(table.ranges, key=lambda r: r.starts.fewest_days):
            by_analyte.setdefault(r.analyte, []).append(r)
    disclaimer = w.opt_text(top, "disclaimer", "file")
    return _InfantRanges(
        ordered, {k: tuple(v) for k, v in by_analyte.items()}, notes, outside, disclaimer
    )


def _parse_row(
    w: _Where,
    raw: object,
    path: str,
    head: tuple[str, str, str],
    status: Status,
    status_note: str,
    limits: str,
    outside: Mapping[str, str],
) -> BuiltinRange:
    row = w.obj(raw, path)
    code = w.text(row, "analyte", path)
    unit_text = w.text(row, "unit", path)
    factor = _row_factor(w, code, unit_text, path, outside)
    starts, ends = w.age(row, "from", path), w.age(row, "before", path)
    same = starts.unit == ends.unit
    if (ends.count <= starts.count) if same else (ends.fewest_days <= starts.most_days):
        raise w.fail(path, "‘before’ is not after ‘from’")  # i18n: not shown
    low, high = w.opt_num(row, "low", path), w.opt_num(row, "high", path)
    mean = w.opt_num(row, "mean", path)
    if low is None and high is None:
        raise w.fail(path, "needs a low or a high limit")  # i18n: not shown
    if low is not None and high is not None and high < low:
        raise w.fail(path, "high is below low")  # i18n: not shown
    printed = w.opt_text(row, "printed", path)
    if printed and _printed_numbers(printed) != [x for x in (low, high) if x is not None]:
        raise w.fail(path, f"“{printed}” does not match low/high")  # i18n: not shown
    if "si" in row:
        si = w.obj(row["si"], f"{path}.si")
        si_factor = _row_factor(w, code, w.text(si, "unit", f"{path}.si"), f"{path}.si", outside)
        for key, mine in (("low", low), ("high", high)):
            other = w.opt_num(si, key, f"{path}.si")
            same = (mine is None) == (other is None) and (
                mine is None or other is None or math.isclose(mine * factor, other * si_factor)
            )
            if not same:
                raise w.fail(
                    f"{path}.si.{key}",
                    "does not agree with the row's own unit",  # i18n: not shown
                )  # i18n: not shown
    shown = printed or describe_limits(low, high, "")
    return BuiltinRange(
        analyte=code,
        low=_canon(low * factor) if low is not None else None,
        high=_canon(high * factor) if high is not None else None,
        mean=_canon(mean * factor) if mean is not None else None,
        unit=outside.get(code) or _catalogue_unit_label(code),
        table=head[0],
        table_title=head[1],
        source=head[2],
        status=status,
        status_note=status_note,
        age_label=w.text(row, "printed_age", path),
        starts=starts,
        ends=ends,
        limits=limits,
        printed=f"{shown} {unit_text}",
    )


def _catalogue_unit_label(code: str) -> str:
    a = analytes.analyte(code)
    return next((u.label for u in a.units if u.factor == 1.0), a.canonical_unit)


def _row_factor(
    w: _Where, code: str, unit_text: str, path: str, outside: Mapping[str, str]
) -> float:
    if code in outside:
        if unit_text != outside[code]:
            raise w.fail(
                path,
                f"{code} must be in {outside[code]}, not “{unit_text}”",  # i18n: not shown
            )  # i18n: not shown
        return 1.0
    a = analytes.BY_CODE.get(code)
    if a is None:
        raise w.fail(path, f"unknown analyte “{code}”")  # i18n: not shown
    unit = a.unit(unit_text)
    if unit is None:
        raise w.fail(
            path,
            f"unit “{unit_text}” is not one {a.name} can be converted from",  # i18n: not shown
        )  # i18n: not shown
    return unit.factor


def _check_no_overlap(w: _Where, path: str, ranges: Sequence[BuiltinRange]) -> None:
    by_code: dict[str, list[BuiltinRange]] = {}
    for r in ranges:
        by_code.setdefault(r.analyte, []).append(r)
    for code, rows in by_code.items():
        rows.sort(key=lambda r: r.starts.fewest_days)
        for a, b in itertools.pairwise(rows):
            same = a.ends.unit == b.starts.unit
            if (
                (b.starts.count < a.ends.count)
                if same
                else (b.starts.fewest_days < a.ends.most_days)
            ):
                raise w.fail(path, f"{code} rows “{a.age_label}” and “{b.age_label}” overlap")


def parse_anc_categories(data: object, name: str = ANC_CATEGORIES_FILE) -> _AncCategories:
    """Check and convert ``anc_categories.json`` (already parsed from JSON)."""
    w = _Where(name)
    top = w.obj(data, "file")
    source = w.text(top, "source", "file")
    w.status(top, "status", "file")
    unit = w.text(top, "unit", "file")
    anc_unit = analytes.analyte("anc").unit(unit)
    if anc_unit is None or anc_unit.factor != 1.0:
        raise w.fail("file.unit", "categories must be given in ×10⁹/L")  # i18n: not shown
    cats: list[_AncCat] = []
    for i, raw in enumerate(w.items(top.get("categories"), "categories")):
        path = f"categories[{i}]"
        c = w.obj(raw, path)
        low = w.opt_num(c, "low", path)
        high = w.num(c.get("high"), f"{path}.high")
        if low is not None and not low < high:
            raise w.fail(path, "low must be below high")  # i18n: not shown
        if cats and high < cats[-1].high:
            raise w.fail(path, "categories must go from most to least severe")  # i18n: not shown
        limits = f"{low:.1f} to < {high:.1f}" if low is not None else f"< {high:.1f}"
        boundary = f"ANC {limits} ×10⁹/L"
        cats.append(
            _AncCat(
                w.text(c, "key", path),
                w.text(c, "label", path),
                low,
                high,
                boundary,
                w.opt_text(c, "note", path),
            )
        )
    if not cats:
        raise w.fail("categories", "is empty")  # i18n: not shown
    return _AncCategories(source, tuple(cats))


def parse_ctcae(data: object, name: str = CTCAE_FILE) -> _Ctcae:
    """Check and convert ``ctcae.json`` (already parsed from JSON)."""
    w = _Where(name)
    top = w.obj(data, "file")
    version, short = w.text(top, "version", "file"), w.text(top, "short", "file")
    if w.status(top, "status", "file") != "verified":
        raise w.fail(
            "file.status",
            "only a verified CTCAE version may be shipped",  # i18n: not shown
        )  # i18n: not shown
    terms: dict[str, _Term] = {}
    for i, raw in enumerate(w.items(top.get("terms"), "terms")):
        path = f"terms[{i}]"
        t = w.obj(raw, path)
        code = w.text(t, "analyte", path)
        a = analytes.BY_CODE.get(code)
        if a is None or code in terms:
            raise w.fail(path, f"unknown or repeated analyte “{code}”")  # i18n: not shown
        criteria: dict[int, str] = {}
        for g, text in w.obj(t.get("grades"), f"{path}.grades").items():
            if g not in {"1", "2", "3", "4"} or not isinstance(text, str):
                raise w.fail(
                    f"{path}.grades.{g}",
                    "expected grades 1–4 with their wording",  # i18n: not shown
                )  # i18n: not shown
            criteria[int(g)] = text
        below: dict[str, dict[int, float]] = {}
        canonical = ""
        for unit_text, raw_limits in w.obj(t.get("below"), f"{path}.below").items():
            unit = a.unit(unit_text)
            if unit is None:
                raise w.fail(
                    f"{path}.below.{unit_text}",
                    f"not a unit of {a.name}",  # i18n: not shown
                )  # i18n: not shown
            if unit.factor == 1.0:
                canonical = unit_text
            limits: dict[int, float] = {}
            for g, x in w.obj(raw_limits, f"{path}.below.{unit_text}").items():
                if g not in {"2", "3", "4"}:
                    raise w.fail(
                        f"{path}.below.{unit_text}.{g}",
                        "only grades 2–4 have numbers",  # i18n: not shown
                    )  # i18n: not shown
                limits[int(g)] = w.num(x, f"{path}.below.{unit_text}.{g}")
            ordered = [limits[g] for g in sorted(limits)]
            if (
                not limits
                or ordered != sorted(ordered, reverse=True)
                or len(set(ordered)) != len(ordered)
            ):
                raise w.fail(
                    f"{path}.below.{unit_text}",
                    "a higher grade needs a lower limit",  # i18n: not shown
                )  # i18n: not shown
            below[unit_text] = limits
        if not canonical:
            raise w.fail(
                f"{path}.below",
                f"needs limits in the canonical unit of {a.name}",  # i18n: not shown
            )  # i18n: not shown
        if len({frozenset(v) for v in below.values()}) != 1:
            raise w.fail(f"{path}.below", "every unit must give the same grades")  # i18n: not shown
        terms[code] = _Term(w.text(t, "term", path), criteria, below, canonical)
    return _Ctcae(
        version, short, w.text(top, "source", "file"), w.text(top, "display_note", "file"), terms
    )
