"""The blood-count catalogue: analytes, units and exact conversions.

Conversions come from ``shared/domain.md`` §2.2:

* any cell count: 1 ×10⁹/L = 1 ×10³/µL = 1 K/µL = 1 G/L = 1,000 cells/µL = 1,000/mm³
* red cells: 1 ×10¹²/L = 1 ×10⁶/µL (M/µL)
* haemoglobin: g/L = g/dL × 10; mmol/L = g/dL × 0.6206
* haematocrit: L/L = % ÷ 100

Canonical units: ×10⁹/L for white cells and platelets, g/L for haemoglobin,
L/L for haematocrit, ×10¹²/L for red cells, % for percentages.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from tracker.model import Comparator

COUNT_CANONICAL = "10^9/L"
HB_MMOL_PER_G_DL = 0.6206


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit an analyte may be reported in, and how to reach the canonical unit."""

    label: str  # how we print it
    factor: float  # canonical = value * factor
    spellings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analyte:
    code: str
    name: str
    short: str
    loinc: str
    canonical_unit: str
    units: tuple[Unit, ...]
    # Plausible values in the canonical unit: anything outside is a typing or
    # unit slip, not a result.  These are input checks, not clinical ranges.
    plausible: tuple[float, float]
    aliases: tuple[str, ...] = ()
    # Where the count form and the tables list it: one of GROUPS.
    group: str = "Blood count"
    # A drug level, taken some hours after an infusion started (kept with the value).
    timed: bool = False

    def unit(self, text: str) -> Unit | None:
        """The unit a spelling stands for (cached: called for every value shown)."""
        return _unit_of(self, text)

    @property
    def default_unit(self) -> Unit:
        return self.units[0]


_COUNT_UNITS = (
    Unit("×10⁹/L", 1.0, ("10^9/L", "x10^9/L", "10E9/L", "x10E9/L", "10*9/L", "G/L", "Gpt/L")),
    Unit(
        "×10³/µL",
        1.0,
        ("10^3/uL", "x10^3/uL", "x10E3/uL", "10E3/uL", "K/uL", "K/µL", "10^3/mm3", "thou/uL"),
    ),
    Unit("/µL", 0.001, ("cells/uL", "/uL", "/mm3", "cells/mm3", "per uL", "/cmm")),
)
_PCT_UNITS = (Unit("%", 1.0, ("percent", "pct")),)
_HB_UNITS = (
    Unit("g/dL", 10.0, ("g/100mL", "gm/dL")),
    Unit("g/L", 1.0, ()),
    Unit("mmol/L", 10.0 / HB_MMOL_PER_G_DL, ()),
)
_HCT_UNITS = (Unit("%", 0.01, ("percent",)), Unit("L/L", 1.0, ("l/l", "fraction")))
_RBC_UNITS = (
    Unit("×10¹²/L", 1.0, ("10^12/L", "x10^12/L", "10E12/L", "x10E12/L", "T/L")),
    Unit("×10⁶/µL", 1.0, ("10^6/uL", "x10^6/uL", "x10E6/uL", "M/uL", "M/µL", "10^6/mm3")),
)

ANALYTES: tuple[Analyte, ...] = (
    Analyte(
        "wbc",
        "White blood cells",
        "WBC",
        "6690-2",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 2000.0),
        (
            "white blood cell count",
            "leukocytes",
            "leuk",
            "wbc count",
            "white blood cell",
            "white cell count",
            "white cells",
            "white count",
            "total white cell count",
            "total leukocyte count",
            "leucocytes",
            "leukocyte count",
            "leuko",
            "leukozyten",
            "leucocyten",
            "globules blancs",
            "leucociti",
            "leucocitos",
            "leukocyty",
        ),
    ),
    Analyte(
        "anc",
        "Neutrophils (absolute, ANC)",
        "ANC",
        "751-8",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 200.0),
        (
            "absolute neutrophil count",
            "neutrophils, absolute",
            "neut#",
            "neutrophils absolute",
            "neutrophils (absolute)",
            "neutrophils, abs",
            "neutrophils abs",
            "neutrophil, absolute",
            "neutrophil absolute",
            "absolute neutrophils",
            "abs neutrophils",
            "neutrophil count",
            "neutrophils #",
            "neu#",
            "neut #",
            "absolute neutrophil count (anc)",
            "anc (absolute neutrophil count)",
            "neutrophile absolut",
            "neutrophile abs.",
            "neutrophile granulozyten absolut",
            "neutrofielen absoluut",
            "polynucléaires neutrophiles",
        ),
    ),
    Analyte(
        "neut_pct",
        "Neutrophils %",
        "Neut %",
        "770-8",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "neut%",
            "neutrophils %",
            "segs",
            "neut %",
            "neu%",
            "neutrophils (%)",
            "neutrophil %",
            "neutrophils percent",
            "% neutrophils",
            "segmented neutrophils",
            "segmented neutrophils %",
            "neutrophile %",
            "neutrophile (%)",
        ),
    ),
    Analyte(
        "band_pct",
        "Band neutrophils %",
        "Bands %",
        "26508-2",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "bands",
            "stabs",
            "bands %",
            "band %",
            "band neutrophils",
            "band neutrophils %",
            "band forms",
            "stab neutrophils",
            "stabkernige",
            "stabkernige %",
        ),
    ),
    Analyte(
        "lymph",
        "Lymphocytes (absolute)",
        "Lymph",
        "731-0",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 2000.0),
        (
            "lym#",
            "lymphocytes",
            "lymphocytes, absolute",
            "lymphocytes absolute",
            "lymphocytes (absolute)",
            "lymphocytes, abs",
            "absolute lymphocyte count",
            "absolute lymphocytes",
            "lymphocyte count",
            "lymph#",
            "lymph #",
            "alc",
            "lymphozyten absolut",
        ),
    ),
    Analyte(
        "mono",
        "Monocytes (absolute)",
        "Mono",
        "742-7",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 500.0),
        (
            "mono#",
            "monocytes",
            "monocytes, absolute",
            "monocytes absolute",
            "monocytes (absolute)",
            "monocytes, abs",
            "absolute monocyte count",
            "absolute monocytes",
            "monocyte count",
            "mono #",
            "monozyten absolut",
        ),
    ),
    Analyte(
        "blast_pct",
        "Blasts (blood) %",
        "Blasts %",
        "26446-5",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "blasts",
            "blasts %",
            "blast %",
            "blast%",
            "blasts (%)",
            "blast cells",
            "blast cells %",
            "blasten",
            "blasten %",
        ),
    ),
    Analyte(
        "hgb",
        "Hemoglobin",
        "Hb",
        "718-7",
        "g/L",
        _HB_UNITS,
        # 10 g/L (1 g/dL): very low real values are possible (below VERY_LOW_INPUT_CHECK
        # the family is asked, not told to change the unit)
        (10.0, 250.0),
        (
            "hgb",
            "haemoglobin",
            "hemoglobin",
            "hb",
            "haemoglobin (hb)",
            "hemoglobin (hgb)",
            "hämoglobin",
            "haemoglobin concentration",
            "hémoglobine",
            "hemoglobine",
            "hemoglobina",
            "emoglobina",
        ),
    ),
    Analyte(
        "hct",
        "Hematocrit",
        "Hct",
        "4544-3",
        "L/L",
        _HCT_UNITS,
        (0.03, 0.85),
        (
            "haematocrit",
            "pcv",
            "hct",
            "hematocrit (hct)",
            "packed cell volume",
            "hämatokrit",
            "hématocrite",
            "hematocriet",
            "hematocrito",
            "ematocrito",
        ),
    ),
    Analyte(
        "plt",
        "Platelets",
        "PLT",
        "777-3",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 3000.0),
        (
            "platelet count",
            "thrombocytes",
            "thrombo",
            "platelets",
            "platelet",
            "plt count",
            "plts",
            "thrombocyte count",
            "thrombozyten",
            "thrombocyten",
            "plaquettes",
            "piastrine",
            "plaquetas",
            "płytki krwi",
        ),
    ),
    Analyte(
        "rbc",
        "Red blood cells",
        "RBC",
        "789-8",
        "10^12/L",
        _RBC_UNITS,
        (0.3, 12.0),
        (
            "red blood cell count",
            "erythrocytes",
            "ery",
            "red blood cells",
            "red cell count",
            "red cells",
            "rbc count",
            "erythrocyte count",
            "erythrozyten",
            "erytrocyten",
            "globules rouges",
            "eritrociti",
            "hematíes",
        ),
    ),
)

BY_CODE: dict[str, Analyte] = {a.code: a for a in ANALYTES}
CODES: tuple[str, ...] = tuple(a.code for a in ANALYTES)
# The groups of the catalogue, in the order the count form and the tables show them.
GROUPS: tuple[str, ...] = ("Blood count", "Differential", "Chemistry", "Drug levels")
# The counts a team gives a number for (transfusion trigger, next block): the blood count of
# record format 2, the values ``team_threshold.analyte``'s CHECK lists.
THRESHOLD_CODES: tuple[str, ...] = (
    "wbc",
    "anc",
    "neut_pct",
    "band_pct",
    "lymph",
    "mono",
    "blast_pct",
    "hgb",
    "hct",
    "plt",
    "rbc",
)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@functools.lru_cache(maxsize=4096)
def _unit_of(a: Analyte, text: str) -> Unit | None:
    key = unit_key(text)
    for unit in a.units:
        if key == unit_key(unit.label) or key in (unit_key(s) for s in unit.spellings):
            return unit
    return None


@functools.lru_cache(maxsize=4096)
def unit_key(text: str) -> str:
    """A comparison key for a unit spelling: case, spaces, µ/u/mc, ×/x/*, ^ and superscripts."""
    s = text.strip().translate(_SUPERSCRIPTS).lower()
    s = s.replace(" ", "").replace("μ", "u").replace("µ", "u").replace("mcl", "ul")
    s = s.replace("³", "3")
    s = s.replace("×", "x").replace("*", "^")
    s = re.sub(r"10e(\d+)", r"10^\1", s)
    s = re.sub(
        r"10(\d+)",
        lambda m: "10^" + m.group(1) if m.group(1) in {"3", "6", "9", "12"} else m.group(0),
        s,
    )
    if s.startswith("x10"):
        s = s[1:]
    return s


def analyte(code: str) -> Analyte:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown analyte code {code!r}") from None


def find_analyte(name: str) -> Analyte | None:
    """Look an analyte up by code, abbreviation, display name or a lab's spelling."""
    key = name.strip().lower()
    for a in ANALYTES:
        if key in (a.code, a.short.lower(), a.name.lower(), *a.aliases):
            return a
    return None


_NUMBER = re.compile(r"^\s*([<>]?)\s*(\d+)(?:([.,])(\d+))?\s*$")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    value: float
    comparator: Comparator


def parse_number(text: str) -> ParsedNumber:
    """Parse a value as typed: ASCII digits, one decimal point or comma, optional < or >.

    Refuses what ``float()`` would let through (``nan``, ``1e3``, ``1_000``,
    non-ASCII digits) and a comma followed by exactly three digits, which could
    be a thousands separator ("1,200") or a decimal comma.
    """
    m = _NUMBER.match(text)
    if not m and text.strip()[:1] in ("-", "−") and _NUMBER.match(text.strip()[1:]):
        raise ValueError(f"“{text.strip()}” is negative; a count or measurement cannot be below 0")
    if not m or not text.isascii():
        raise ValueError(
            f"“{text.strip()}” is not a number; write digits with an optional decimal point, "
            "for example 1.2 or 850"
        )
    sign, whole, sep, frac = m.groups()
    if sep == "," and frac is not None and len(frac) == 3:
        raise ValueError(
            f"“{text.strip()}” is ambiguous: write {whole}{frac} if you meant a whole number "
            f"or {whole}.{frac} for a decimal"
        )
    value = float(f"{whole}.{frac}" if frac is not None else whole)
    if not math.isfinite(value):  # hundreds of digits overflow to inf
        raise ValueError(f"“{text.strip()[:20]}…” is far too large to be a result")
    return ParsedNumber(value, Comparator(sign))


def format_number(value: float, digits: int = 3) -> str:
    """Print a number with at most ``digits`` significant decimals and no trailing zeros."""
    if value == 0:
        return "0"
    text = f"{value:.{max(0, digits)}f}" if abs(value) >= 1 else f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.6f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def to_canonical(code: str, value: float, unit_text: str) -> float:
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        raise ValueError(unknown_unit_message(a, unit_text))
    return value * unit.factor


def from_canonical(code: str, canonical_value: float, unit_text: str) -> float:
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        raise ValueError(unknown_unit_message(a, unit_text))
    return canonical_value / unit.factor


def unknown_unit_message(a: Analyte, unit_text: str) -> str:
    accepted = ", ".join(u.label for u in a.units)
    if not unit_text.strip():
        return f"{a.name}: choose a unit ({accepted})"
    return f"{a.name}: the unit “{unit_text.strip()}” is not one we know; use one of {accepted}"


# The smallest count a lab reports other than 0 (in the canonical unit): below it a number
# is a unit slip ("269" platelets typed with /µL is 0.269 ×10⁹/L), not a result.  Input
# checks, not clinical limits.
SMALLEST_NONZERO: dict[str, float] = {
    "wbc": 0.001,  # 1/µL: below 10/µL the family is asked (VERY_LOW_INPUT_CHECK)
    "anc": 0.001,
    "lymph": 0.001,
    "mono": 0.001,
    "plt": 1.0,  # platelets are printed in whole ×10⁹/L (1,000/µL)
}


# Typing-slip checks, not clinical ranges (in the canonical unit): a value below one is
# possible but rare enough to be worth a second look, so the form asks "is it right?"
# (Save as typed, or look again) and a lab CSV row is imported and listed with a note.  A
# lab's printed range never starts below one (a range is of ordinary values).  Never shown
# as a clinical fact.
VERY_LOW_INPUT_CHECK: dict[str, float] = {
    "hgb": 50.0,  # 5 g/dL, 3.1 mmol/L
    # 10/µL: a white count typed with /µL that was meant in ×10⁹/L ("5" for 5,000/µL), or
    # the other way, is asked about with its unit, never swapped (domain.md §2.2, 1.2 vs 1200)
    "wbc": 0.01,
    "anc": 0.01,
    "lymph": 0.01,
    "mono": 0.01,
}


def very_low(code: str, canonical: float) -> bool:
    """Whether a possible value is below the typing-slip check of ``code`` (asked about)."""
    return 0 < canonical < VERY_LOW_INPUT_CHECK.get(code, 0.0)


def possible(code: str, canonical: float) -> bool:
    """Whether a number in the canonical unit can be a result of ``code``: within the
    catalogue's plausible values, and 0 or at least the smallest a lab reports."""
    low, high = analyte(code).plausible
    smallest = SMALLEST_NONZERO.get(code, 0.0)
    return low <= canonical <= high and (canonical == 0 or canonical >= smallest)


def _all_possible(code: str, numbers: list[float], factor: float) -> bool:
    """Whether every limit of a lab's range can be one in this unit: possible as a value, and
    not below the typing-slip check (no lab prints a range of very low values)."""
    return all(possible(code, x * factor) and not very_low(code, x * factor) for x in numbers)


def plausibility_problem(code: str, value: float, unit_text: str) -> str | None:
    """A plain message when a value cannot be right in this unit, naming the likely unit."""
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        return unknown_unit_message(a, unit_text)
    low, high = a.plausible
    smallest = SMALLEST_NONZERO.get(code, 0.0)

    if possible(code, value * unit.factor):
        return None
    lo_u, hi_u = max(low, smallest) / unit.factor, high / unit.factor
    between = f"between {format_number(lo_u)} and {format_number(hi_u)}"
    if smallest and low == 0:
        between = f"0, or {between}"
    message = (
        f"{a.name} of {format_number(value)} {unit.label} is not possible; in {unit.label} it is "
        f"{between}"
    )
    likely = [u.label for u in a.units if u is not unit and possible(code, value * u.factor)]
    if likely:
        message += f". Did you mean {' or '.join(likely)}?"
    return message


def range_unit_problem(
    code: str, low: float | None, high: float | None, unit_text: str, range_text: str = ""
) -> str | None:
    """Why a lab's printed range cannot be in the value's unit (``unit_text``, the unit it
    is read in), or None when it can.  Each limit must pass the same plausibility test as a
    value; a range that fits another unit instead names it, and one that fits two units
    alike (Hb in g/dL or mmol/L) asks which, never guesses.  A limit of 0 fits every unit."""
    a = analyte(code)
    unit = a.unit(unit_text)
    limits = [x for x in (low, high) if x is not None and x != 0]
    if unit is None or not limits:
        return None

    def fits(factor: float) -> bool:
        return _all_possible(code, limits, factor)

    if fits(unit.factor):
        return None
    others: dict[float, str] = {}
    for u in a.units:
        if u.factor != unit.factor and u.factor not in others and fits(u.factor):
            others[u.factor] = u.label
    shown = range_text.strip() or "–".join(format_number(x) for x in limits)
    said = f"{a.name}: the lab range {shown} cannot be in {unit.label}, the unit of the value"
    labels = list(others.values())
    if len(labels) == 1:
        return (
            f"{said}; it fits {labels[0]}. Type the value in the unit the range is printed in, "
            "or check the range"
        )
    if labels:
        return (
            f"{said}; it fits {' and '.join(labels)} alike: check which unit the lab printed "
            "the range in, and type the value in that unit"
        )
    return f"{said}, nor in any unit this program knows; check the range"


def other_reading(
    code: str, value: float, low: float | None, high: float | None, unit_text: str
) -> str | None:
    """The other unit a range reads as when it is possible in the value's unit too, but the
    value is more than ten times beyond its own reading's limit and the other reading gives
    another flag (lymphocytes 3 ×10⁹/L beside "1000-1900": below in ×10⁹/L, above in /µL).
    The flag then depends on which unit the lab meant, so the family is asked.  The label of
    that unit, or None (one reading only, the same flag either way, inside in its own unit,
    or not that far out).

    A range possible in the value's unit and not that far from the value is read in it, as
    the lab printed both on one line: Hb 4.2 mmol/L beside 6.5-8.4 is low, although 6.5-8.4
    would also be a range in g/dL (asking there questioned every low Hb of a Dutch report).
    The "ten times" is a unit-slip check, not a clinical number."""
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None or (low is None and high is None):
        return None
    if range_unit_problem(code, low, high, unit_text) is not None:
        return None  # not possible in the value's unit: refused, not asked
    canonical = value * unit.factor
    own = range_position(canonical, low, high, unit.factor)
    if own == "inside":
        return None
    far = (own == "below" and low is not None and canonical * 10 < low * unit.factor) or (
        own == "above" and high is not None and canonical > high * unit.factor * 10
    )
    limits = [x for x in (low, high) if x is not None and x != 0]
    for u in a.units:
        if u.factor == unit.factor or not _all_possible(code, limits, u.factor):
            continue
        if far and range_position(canonical, low, high, u.factor) != own:
            return u.label
    return None


def two_readings(
    code: str, value: float, low: float | None, high: float | None, unit_text: str, other: str
) -> str:
    """ "below the range in ×10⁹/L, but above it if the range is in /µL": where a value lies
    under each reading that :func:`other_reading` found (for its question or refusal)."""
    a = analyte(code)
    unit, there = a.unit(unit_text), a.unit(other)
    assert unit is not None and there is not None
    canonical = value * unit.factor
    own = range_position(canonical, low, high, unit.factor)
    alt = range_position(canonical, low, high, there.factor)
    return f"{own} the range in {unit.label}, but {alt} it if the range is in {there.label}"


def range_position(canonical: float, low: float | None, high: float | None, factor: float) -> str:
    """ "below", "inside" or "above" a range whose limits are read with ``factor``."""
    if low is not None and canonical < low * factor:
        return "below"
    if high is not None and canonical > high * factor:
        return "above"
    return "inside"


def fraction_reading(code: str, value: float, low: float | None, high: float | None) -> bool:
    """Whether a percentage's range reads as fractions (0.40-0.75 beside 45 %): outside as
    printed, inside once multiplied by 100.  Asked about, never converted."""
    if analyte(code).canonical_unit != "%" or high is None or not 0 < high <= 1:
        return False
    lo = low or 0.0
    outside = not lo <= value <= high
    return outside and lo * 100 <= value <= high * 100
