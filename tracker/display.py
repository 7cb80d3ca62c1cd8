"""How values are shown: in the unit the lab reported, US conventional units, or SI units.

The stored record never changes; only the display does.  Every table, chart and
printout asks :func:`display_unit` / :func:`shown` so they all agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tracker import analytes
from tracker.analytes import format_number
from tracker.anc import calculated_value
from tracker.i18n import N_
from tracker.labels import Shown as Labels
from tracker.model import CountResult, CountValue


class UnitPreference(StrEnum):
    AS_REPORTED = "as_reported"
    US = "us"  # conventional: K/µL, g/dL, %, M/µL
    SI = "si"  # ×10⁹/L, g/L, L/L, ×10¹²/L


PREFERENCE_LABELS = Labels(
    {
        "as_reported": N_("As on the lab report"),
        "us": N_("US conventional (K/µL, g/dL)"),
        "si": N_("SI (×10⁹/L, g/L)"),
    }
)
"""Each preference's name, read in the current language (a menu lists them)."""

# The unit label (from the catalogue) each preference uses for each analyte.
_US = {"hgb": "g/dL", "hct": "%", "rbc": "×10⁶/µL"}
_SI = {"hgb": "g/L", "hct": "L/L", "rbc": "×10¹²/L"}
_COUNT_US = "×10³/µL"
_COUNT_SI = "×10⁹/L"


def unit_spelling(code: str, unit_text: str) -> str:
    """The program's own spelling of a unit of ``code`` as stored or printed ("K/uL" →
    "×10³/µL", "10^9/L" → "×10⁹/L"): every place that shows a stored unit uses it, so
    the screen and the paper spell each unit one way.  A unit the catalogue does not
    know is shown as typed."""
    unit = analytes.analyte(code).unit(unit_text) if unit_text else None
    return unit.label if unit else unit_text


def display_unit(code: str, preference: UnitPreference, reported_unit: str = "") -> str:
    """The unit label to show ``code`` in (for "as reported", the unit the lab used)."""
    a = analytes.analyte(code)
    if preference is UnitPreference.AS_REPORTED:
        return unit_spelling(code, reported_unit) or a.default_unit.label
    if a.canonical_unit == analytes.COUNT_CANONICAL:
        return _COUNT_US if preference is UnitPreference.US else _COUNT_SI
    if preference is UnitPreference.US:
        return _US.get(code, a.default_unit.label)
    # SI: the canonical unit (bilirubin µmol/L, glucose mmol/L, ferritin µg/L)
    canonical = a.unit(a.canonical_unit)
    return _SI.get(code) or (canonical.label if canonical else a.default_unit.label)


def chart_units(codes: Iterable[str], preference: UnitPreference) -> dict[str, str] | None:
    """The unit each chart of ``codes`` is drawn in (tracker.timeline.build's
    ``display_units``): None for "as reported" (the unit of the newest result)."""
    if preference is UnitPreference.AS_REPORTED:
        return None
    return {code: display_unit(code, preference) for code in codes}


@dataclass(frozen=True, slots=True)
class Shown:
    number: float
    text: str  # "<0.1", "8.1"
    unit: str  # label
    converted: bool  # shown in another unit than the lab used

    def __str__(self) -> str:
        return f"{self.text} {self.unit}".strip()


_DIGITS = re.compile(r"\d[\d.,]*")


def significant_figures(typed: str) -> int:
    """How many significant figures a typed number carries: "11.1" 3, "0.26" 2, "<0.1" 1,
    "8.0" 2 (a zero after the point is a figure), "3100" 2 (trailing zeros of a whole number
    only place it: 3100/µL is 3.1 ×10⁹/L, not 3.100)."""
    m = _DIGITS.search(typed)
    number = m.group() if m else ""
    digits = "".join(c for c in number if c.isdigit()).lstrip("0")
    if not any(sep in number for sep in ".,"):
        digits = digits.rstrip("0")
    return len(digits) or 1


def converted_number(value: float, typed: str) -> str:
    """``value``, converted from a number typed as ``typed`` in another unit, with no more
    significant figures than ``typed`` carried (and at least two, so that "7 mmol/L" reads
    110 g/L, not 100): Hb 11.1 g/dL → "111" g/L, 6.8 mmol/L → "110" g/L, never "109.57".
    Trailing zeros are kept: they are figures (8.0 g/dL → "5.0" mmol/L, not "5").
    Every place that prints a value in a unit other than the typed one uses this."""
    if value == 0 or not math.isfinite(value) or _DIGITS.search(typed) is None:
        return format_number(value)  # nothing typed to count figures from: as before
    typed_figures = significant_figures(typed)
    figures = max(2, typed_figures)
    decimals = figures - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    text = f"{rounded:.{max(0, decimals)}f}"  # its zeros are figures: 8.0 g/dL is 5.0 mmol/L
    extra = figures - typed_figures  # the figure added for "7 mmol/L": not shown as a zero
    if extra and "." in text:
        for _ in range(extra):
            text = text[:-1] if text.endswith("0") else text
        text = text.rstrip(".")
    return text


def typed_number(v: CountValue) -> str:
    """The number as it was typed, without its "<" or ">" and with a decimal comma as a point:
    its zeros are the lab's figures ("8.0 g/dL" stays 8.0, never "8")."""
    text = v.value_text.strip().lstrip("<>").strip().replace(",", ".")
    return text if _DIGITS.fullmatch(text) else format_number(v.value)


def shown(v: CountValue, preference: UnitPreference) -> Shown:
    """A stored value as it should be displayed under ``preference``."""
    a = analytes.analyte(v.analyte)
    if preference is UnitPreference.AS_REPORTED:  # the number exactly as typed from the report
        spelled = unit_spelling(v.analyte, v.unit)
        return Shown(v.value, v.comparator.value + typed_number(v), spelled, False)
    label = display_unit(v.analyte, preference)
    unit = a.unit(label)
    assert unit is not None
    number = v.normalised_value / unit.factor
    same = a.unit(v.unit) is unit
    text = typed_number(v) if same else converted_number(number, v.value_text)
    return Shown(number, v.comparator.value + text, label, not same)


def convert(code: str, canonical: float, unit_label: str) -> float:
    """A canonical value in ``unit_label`` (for ranges, thresholds, calculated values)."""
    unit = analytes.analyte(code).unit(unit_label)
    if unit is None:
        raise ValueError(f"unknown unit {unit_label!r} for {code}")  # i18n: not shown
    return canonical / unit.factor


def calculated_anc_text(result: CountResult, preference: UnitPreference) -> str | None:
    """A worked-out ANC (:func:`tracker.anc.calculated_value`) as shown, "1.3 ×10⁹/L": in
    the unit of the white count it came from (or the one ``preference`` asks for), two
    figures; None when the lab reported one or none can be worked out."""
    calc = calculated_value(result)
    if calc is None:
        return None
    wbc = result.value("wbc")
    unit = display_unit("anc", preference, wbc.unit if wbc else "")
    return f"{format_number(convert('anc', calc.normalised_value, unit), 2)} {unit}"
