"""Vital-sign Observations of a FHIR import as the record's growth measurements and
temperatures, compared with what the record holds (the same value already there is
skipped; a different one on the same day, or at the same time, is left out and the record
kept), each checked by its kind's own rules before anything is written.

Codes: HL7's R4 vital-signs profile (body weight 29463-7, body height 8302-2, body height
lying 8306-3, head circumference 9843-4, body temperature 8310-5; tracker.kinds.growth has
the growth ones).  Units: the UCUM code first (kg, g, [lb_av], [oz_av], cm, mm, [in_i],
Cel, [degF]), then the unit text; each becomes what the kind reads ("7.85 kg", "26.75 in").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from tracker import fever
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, date_time_text
from tracker.kinds.growth import (
    GROWTH,
    LOINC_BODY_HEIGHT,
    LOINC_BODY_WEIGHT,
    LOINC_HEAD_CIRCUMFERENCE,
    LOINC_INFANT_LENGTH,
    parse_length,
    parse_weight,
)
from tracker.kinds.kind import Context
from tracker.kinds.temperature import TEMPERATURE
from tracker.model import Child, Growth, Temperature, TemperatureUnit
from tracker.store.record import Record

LOINC_BODY_TEMPERATURE = "8310-5"
# code → (field of Growth, or "temperature")
VITAL_CODES = {
    LOINC_BODY_WEIGHT: "weight",
    LOINC_BODY_HEIGHT: "length",
    LOINC_INFANT_LENGTH: "length",
    LOINC_HEAD_CIRCUMFERENCE: "head",
    LOINC_BODY_TEMPERATURE: "temperature",
}
_UCUM_WORDS = {
    "kg": "kg", "g": "g", "[lb_av]": "lb", "[oz_av]": "oz", "cm": "cm", "mm": "mm",
    "[in_i]": "in", "Cel": "°C", "[degF]": "°F", "degC": "°C", "degF": "°F",
}  # fmt: skip
_LABEL = {"weight": N_("Weight"), "length": N_("Length/height"), "head": N_("Head circumference")}


@dataclass(frozen=True, slots=True)
class VitalReading:
    what: str  # "weight", "length", "head" or "temperature"
    text: str  # as the kind reads it: "7.85 kg", "38.4 °C"
    value: float  # kg, cm or °C
    day: dt.date
    at: dt.time | None
    line: int
    unit: TemperatureUnit = TemperatureUnit.CELSIUS


def read_vital(
    code: str, quantity: tuple[str, str], when: tuple[dt.date, dt.time | None], line: int
) -> VitalReading:
    """One vital sign as the record keeps it; ValueError with the kind's own reason."""
    what = VITAL_CODES[code]
    number, unit = quantity
    word = _UCUM_WORDS.get(unit, unit)
    text = f"{number} {word}"
    if what == "temperature":
        used, celsius = fever.parse_temperature(text, None, "Temperature")
        return VitalReading(what, text, celsius, when[0], when[1], line, used)
    value = parse_weight(text) if what == "weight" else parse_length(text, tr(_LABEL[what]))
    return VitalReading(what, text, value, when[0], None, line)


@dataclass(slots=True)
class Vitals:
    readings: list[VitalReading] = field(default_factory=list)

    def add(self, reading: VitalReading) -> None:
        self.readings.append(reading)


@dataclass(slots=True)
class VitalsPlan:
    entries: list[Growth | Temperature] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    already: list[tuple[int, str]] = field(default_factory=list)
    conflicts: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, child: Child) -> list[str]:
        growth = sum(isinstance(e, Growth) for e in self.entries)
        temps = len(self.entries) - growth
        growth_text = trn("{n} growth measurement", "{n} growth measurements", growth)
        temps_text = trn("{n} temperature", "{n} temperatures", temps)
        if growth and temps:
            said = tr("Vital signs for {name}: {growth} and {temperatures}.")
        elif growth:
            said = tr("Vital signs for {name}: {growth}.")
        elif temps:
            said = tr("Vital signs for {name}: {temperatures}.")
        else:
            said = ""
        lines = [
            said.format(
                name=child.name,
                growth=growth_text.format(n=growth),
                temperatures=temps_text.format(n=temps),
            )
        ]
        lines = [line for line in lines if line]
        if self.already:
            lines.append(
                tr("Skipped: {n} vital sign(s) already in the record.").format(n=len(self.already))
            )
        return lines


def plan_vitals(vitals: Vitals, record: Record, child: Child) -> VitalsPlan:
    """The entries to save, and what is skipped or wrong, each by its resource's line."""
    out = VitalsPlan()
    if not vitals.readings:
        return out
    assert child.id is not None
    today = record.today()
    context = Context(child, today)
    recorded_growth = record.entries(Growth, child.id) if child.id > 0 else []
    recorded_temps = record.entries(Temperature, child.id) if child.id > 0 else []
    new_growth: dict[dt.date, Growth] = {}
    growth_lines: dict[dt.date, list[int]] = {}
    for r in vitals.readings:
        when = (
            date_text(r.day) if r.at is None else date_time_text(dt.datetime.combine(r.day, r.at))
        )
        if r.what == "temperature":
            same = [t for t in recorded_temps if t.date == r.day and t.time == r.at]
            if any(math.isclose(t.celsius, r.value) for t in same):
                out.already.append(
                    (r.line, tr("temperature on {when}: already recorded").format(when=when))
                )
                continue
            if same:
                out.conflicts.append(
                    (
                        r.line,
                        tr(
                            "temperature on {when} is {text} in the file but {value_text} in the "
                            "record; the record was kept"
                        ).format(when=when, text=r.text, value_text=same[0].value_text),
                    )
                )
                continue
            t = Temperature(child.id, r.day, r.at, r.text, r.unit, r.value)
            problems = TEMPERATURE.problems(t, context)
            if problems:
                out.problems.extend((r.line, m) for m in problems.values())
            else:
                out.entries.append(t)
                recorded_temps.append(t)
            continue
        attr = {"weight": "weight_kg", "length": "length_cm", "head": "head_cm"}[r.what]
        had = [getattr(g, attr) for g in recorded_growth if g.date == r.day]
        had = [v for v in had if v is not None]
        if any(math.isclose(v, r.value) for v in had):
            out.already.append(
                (
                    r.line,
                    tr("{lower} on {when}: already recorded").format(
                        lower=tr(_LABEL[r.what]).lower(), when=when
                    ),
                )
            )
            continue
        if had:
            out.conflicts.append(
                (
                    r.line,
                    tr(
                        "{lower} on {when} is {text} in the file but different in the record; "
                        "the record was kept"
                    ).format(lower=tr(_LABEL[r.what]).lower(), when=when, text=r.text),
                )
            )
            continue
        g = new_growth.get(r.day, Growth(child.id, r.day, measured_by=tr("imported (FHIR)")))
        if getattr(g, attr) is not None and math.isclose(getattr(g, attr), r.value):
            out.already.append(
                (
                    r.line,
                    tr("{lower} on {when}: given again").format(
                        lower=tr(_LABEL[r.what]).lower(), when=when
                    ),
                )
            )
            continue
        if getattr(g, attr) is not None:
            out.problems.append(
                (
                    r.line,
                    tr(
                        "{value} is given twice for {when} with different values; check which is "
                        "right"
                    ).format(value=tr(_LABEL[r.what]), when=when),
                )
            )
            continue
        measured: dict[str, Any] = {f"{r.what}_text": r.text, attr: r.value}
        new_growth[r.day] = replace(g, **measured)
        growth_lines.setdefault(r.day, []).append(r.line)
    for day, g in new_growth.items():
        problems = GROWTH.problems(g, context)
        if problems:
            out.problems.extend((growth_lines[day][0], m) for m in problems.values())
        else:
            out.entries.append(g)
    return out
