"""How values are shown: in the unit the lab reported, US conventional units, or SI units.

The stored record never changes; only the display does.  Every table, chart and
printout asks :func:`display_unit` / :func:`shown` so they all agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker import analytes
from tracker.analytes import format_number
from tracker.model import CountValue


class UnitPreference(StrEnum):
    AS_REPORTED = "as_reported"
    US = "us"  # conventional: K/µL, g/dL, %, M/µL
    SI = "si"  # ×10⁹/L, g/L, L/L, ×10¹²/L


PREFERENCE_LABELS = {
    "as_reported": "As on the lab report",
    "us": "US conventional (K/µL, g/dL)",
    "si": "SI (×10⁹/L, g/L)",
}

# The unit label (from the catalogue) each preference uses for each analyte.
_US = {"hgb": "g/dL", "hct": "%", "rbc": "×10⁶/µL"}
_SI = {"hgb": "g/L", "hct": "L/L", "rbc": "×10¹²/L"}
_COUNT_US = "×10³/µL"
_COUNT_SI = "×10⁹/L"


def display_unit(code: str, preference: UnitPreference, reported_unit: str = "") -> str:
    """The unit label to show ``code`` in (for "as reported", the unit the lab used)."""
    a = analytes.analyte(code)
    if preference is UnitPreference.AS_REPORTED:
        unit = a.unit(reported_unit) if reported_unit else None
        return unit.label if unit else (reported_unit or a.default_unit.label)
    if a.canonical_unit == analytes.COUNT_CANONICAL:
        return _COUNT_US if preference is UnitPreference.US else _COUNT_SI
    if preference is UnitPreference.US:
        return _US.get(code, a.default_unit.label)
    # SI: the canonical unit (bilirubin µmol/L, glucose mmol/L, ferritin µg/L)
    canonical = a.unit(a.canonical_unit)
    return _SI.get(code) or (canonical.label if canonical else a.default_unit.label)


@dataclass(frozen=True, slots=True)
class Shown:
    number: float
    text: str  # "<0.1", "8.1"
    unit: str  # label
    converted: bool  # shown in another unit than the lab used

    def __str__(self) -> str:
        return f"{self.text} {self.unit}".strip()


def shown(v: CountValue, preference: UnitPreference) -> Shown:
    """A stored value as it should be displayed under ``preference``."""
    a = analytes.analyte(v.analyte)
    if preference is UnitPreference.AS_REPORTED:  # exactly the unit as typed from the report
        return Shown(v.value, v.comparator.value + format_number(v.value), v.unit, False)
    label = display_unit(v.analyte, preference)
    unit = a.unit(label)
    assert unit is not None
    number = v.normalised_value / unit.factor
    same = a.unit(v.unit) is unit
    return Shown(number, v.comparator.value + format_number(number), label, not same)


def convert(code: str, canonical: float, unit_label: str) -> float:
    """A canonical value in ``unit_label`` (for ranges, thresholds, calculated values)."""
    unit = analytes.analyte(code).unit(unit_label)
    if unit is None:
        raise ValueError(f"unknown unit {unit_label!r} for {code}")
    return canonical / unit.factor
