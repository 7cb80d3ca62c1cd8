"""How a lab's printed range reads against a value's unit (range-unit readings).

A range printed beside a value is read in the value's unit; these functions say when it
cannot be (:func:`range_unit_problem`, refused with the unit it fits), when it reads as
another unit too and the flag depends on which the lab meant (:func:`other_reading`,
:func:`two_readings`, asked), and when a percentage's range reads as fractions
(:func:`fraction_reading`, asked).  Each limit passes the same plausibility test as a value
(:func:`tracker.analytes.possible`).  Unit-slip checks, not clinical numbers: nothing is
converted or guessed.
"""

from __future__ import annotations

import functools
import math

from tracker.analytes import Analyte, analyte, format_number, possible, very_low
from tracker.i18n import N_, tr

# The least upper limit a printed reference range can have (canonical unit): Hb 90 g/L
# (9.0 g/dL), the lowest *lower* limit in the published infant tables (domain.md §2.3,
# Tables A and B at 2 months): a range ending below it is no Hb range in that unit, so
# "6.5-8.4" beside a g/dL value is a mmol/L range (g/dL and mmol/L otherwise overlap, and a
# range possible in both is read in the value's unit).  A unit check, not a clinical number.
RANGE_HIGH_AT_LEAST: dict[str, float] = {"hgb": 90.0}


def range_possible(code: str, low: float | None, high: float | None, factor: float) -> bool:
    """Whether a printed range can be one of ``code`` read with ``factor``: each limit
    possible (:func:`_all_possible`) and the upper one not below what any range reaches."""
    limits = [x for x in (low, high) if x is not None and x != 0]
    if not _all_possible(code, limits, factor):
        return False
    least = RANGE_HIGH_AT_LEAST.get(code)
    return least is None or high is None or high * factor >= least


def _all_possible(code: str, numbers: list[float], factor: float) -> bool:
    """Whether every limit of a lab's range can be one in this unit: possible as a value, and
    not below the typing-slip check (no lab prints a range of very low values)."""
    return all(possible(code, x * factor) and not very_low(code, x * factor) for x in numbers)


# Pure, and a lab prints the same range on every result: worked out once per range (the
# timeline checks each value's range every time it is laid out).
@functools.lru_cache(maxsize=4096)
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
        return range_possible(code, low, high, factor)

    if fits(unit.factor):
        return None
    others: dict[float, str] = {}
    for u in a.units:
        if u.factor != unit.factor and u.factor not in others and fits(u.factor):
            others[u.factor] = u.label
    shown = range_text.strip() or "–".join(format_number(x) for x in limits)
    values = {"test": a.name, "range": shown, "unit": unit.label}
    labels = list(others.values())
    if len(labels) == 1:
        return tr(
            "{test}: the lab range {range} cannot be in {unit}, the unit of the value; it fits "
            "{other}. Type the value in the unit the range is printed in, or check the range"
        ).format(other=labels[0], **values)
    if labels:
        return tr(
            "{test}: the lab range {range} cannot be in {unit}, the unit of the value; it fits "
            "{others} alike: check which unit the lab printed the range in, and type the value "
            "in that unit"
        ).format(
            others=tr("{items} and {last}").format(items=", ".join(labels[:-1]), last=labels[-1]),
            **values,
        )
    return tr(
        "{test}: the lab range {range} cannot be in {unit}, the unit of the value, nor in any "
        "unit this program knows; check the range"
    ).format(**values)


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

    Chemistry's input checks are so wide (CRP 0-1000 mg/L) that nearly every range is
    possible in every unit, so how far is "far" grows with the factor R between the value's
    unit and the other one (a range misread across R puts a normal value about R times off):
    far below is under low ÷ max(3, √R), far above is over high × max(10, √R).  Creatinine
    0.4 mg/dL beside 18-35 (R = 88.4) is asked about, a CRP of 200 mg/L beside 0-5 is not
    (above in mg/dL too), nor an ALT of 300 U/L beside 5-45 (6.7×).  Drug levels are never
    flagged, so never asked.  These multiples are unit-slip checks, not clinical numbers."""
    a = analyte(code)
    unit = a.unit(unit_text)
    drug_level = a.group == "Drug levels"  # i18n: not shown
    if unit is None or (low is None and high is None) or drug_level:
        return None
    if range_unit_problem(code, low, high, unit_text) is not None:
        return None  # not possible in the value's unit: refused, not asked
    canonical = value * unit.factor
    own = range_position(canonical, low, high, unit.factor)
    if own == "inside":
        return None
    for u in a.units:
        if u.factor == unit.factor or not range_possible(code, low, high, u.factor):
            continue
        below, above = _far_multiples(a, unit.factor, u.factor)
        far = (own == "below" and low is not None and canonical * below < low * unit.factor) or (
            own == "above" and high is not None and canonical > high * unit.factor * above
        )
        if far and range_position(canonical, low, high, u.factor) != own:
            return u.label
    return None


def _far_multiples(a: Analyte, factor: float, other: float) -> tuple[float, float]:
    """How many times below its low limit, and above its high limit, a value must be for
    :func:`other_reading` to ask whether its range is in the unit of ``other``: ten times
    for the blood count; for chemistry max(3, √R) below and max(10, R/2) above, R the
    ratio of the two factors (unit-slip checks, not clinical numbers).  A range misread in
    the other unit puts the value about R times out; far above is looked for only near that,
    as real results many times the upper limit are common (ALT 460 U/L beside 5-45 under
    asparaginase: 10×, R 60), while far below the lower limit seldom is."""
    if a.group != "Chemistry":
        return 10.0, 10.0
    ratio = max(factor / other, other / factor)
    return max(3.0, math.sqrt(ratio)), max(10.0, ratio / 2)


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
    return tr(_TWO_READINGS[(own, alt)]).format(unit=unit.label, other=there.label)


_TWO_READINGS = {
    ("below", "inside"): N_("below the range in {unit}, but inside it if the range is in {other}"),
    ("below", "above"): N_("below the range in {unit}, but above it if the range is in {other}"),
    ("above", "inside"): N_("above the range in {unit}, but inside it if the range is in {other}"),
    ("above", "below"): N_("above the range in {unit}, but below it if the range is in {other}"),
    ("inside", "below"): N_("inside the range in {unit}, but below it if the range is in {other}"),
    ("inside", "above"): N_("inside the range in {unit}, but above it if the range is in {other}"),
}
"""Where a value lies under each reading of its range (its own unit's, then the other's)."""


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
