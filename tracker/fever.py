"""Temperatures as typed (°C or °F), and the team's own fever rule.

A temperature is kept as the family typed it ("38,4", "101.2 °F") beside the same in °C.
Conversions are exact (°F = °C × 9/5 + 32).  There is no built-in fever threshold: a
reading is marked only against the fever rule the family entered for their team
(domain.md §5.1: fever rules are centre-specific), in force on the reading's date, and the
mark says "at or above your team's fever number" and nothing more: no advice, no diagnosis.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from tracker.analytes import format_number, parse_number
from tracker.i18n import N_, tr
from tracker.i18n.formats import decimal_text
from tracker.model import FeverRule, Temperature, TemperatureUnit

AT_OR_ABOVE = N_("at or above your team's fever number")

SYMBOL = {TemperatureUnit.CELSIUS: "°C", TemperatureUnit.FAHRENHEIT: "°F"}

# ------------------------------------------------------------ typing-slip checks
# An input check against typing slips, NOT a clinical range, and never shown as one: the
# message says it is this program's check.  A misplaced decimal point (3.8, 380) or the
# two units mixed up (101 typed as °C is 101 °C; 38 typed as °F is 3.3 °C) lands far
# outside it, while every reading a thermometer shows a living child, however unusual
# (a cold armpit reading, a very high fever), lies well inside: 30–45 °C, which is
# 86–113 °F (the same limits, converted exactly).
SLIP_LOW_C = Fraction(30)
SLIP_HIGH_C = Fraction(45)

_UNIT = r"(?:°|º|˚|deg\.?|degrees?)?\s*(c|f|celsius|fahrenheit)\.?"
_TEMPERATURE = re.compile(rf"^(\S+?)\s*(?:{_UNIT})?$", re.IGNORECASE)
# A degree sign without its letter ("38.4°"): the number, with no unit (as if none typed).
_DEGREE_ONLY = re.compile(r"(?<=\d)\s*(?:°|º|˚|deg\.?|degrees?)$", re.IGNORECASE)


@dataclass(frozen=True)
class Typed:
    """A temperature as read from its text: the number as typed, and the unit the text
    gives (None: the text gives none)."""

    number_text: str
    value: Fraction
    unit: TemperatureUnit | None


def to_celsius(value: Fraction, unit: TemperatureUnit) -> Fraction:
    return value if unit is TemperatureUnit.CELSIUS else (value - 32) * Fraction(5, 9)


def from_celsius(celsius: Fraction, unit: TemperatureUnit) -> Fraction:
    return celsius if unit is TemperatureUnit.CELSIUS else celsius * Fraction(9, 5) + 32


def read_temperature(text: str, label: str = "") -> Typed:
    """The number and unit of a temperature as typed: "38.4", "38,4 °C", "101.2F",
    "38.4 deg C" ("38.4°" gives no unit).  Raises ValueError (one plain sentence) when it
    is not one."""
    label = label or tr("Temperature")
    s = " ".join(text.split())
    if not s:
        raise ValueError(
            tr("{field}: type the temperature, e.g. 38.4 °C or 101.1 °F").format(field=label)
        )
    m = _TEMPERATURE.match(_DEGREE_ONLY.sub("", s))
    if m is None:
        raise ValueError(
            tr(
                "{field}: “{text}” is not a temperature this program reads; write a number "
                "and °C or °F (e.g. 38.4 °C, 101.1 °F)"
            ).format(field=label, text=s)
        )
    number, unit_text = m.group(1), m.group(2)
    # below zero: a number all the same, refused by the typing-slip check with its range
    negative = number[:1] in ("-", "−")
    try:
        parsed = parse_number(number[1:] if negative else number)
    except ValueError as exc:
        raise ValueError(tr("{field}: {problem}").format(field=label, problem=exc)) from None
    if parsed.comparator.value:
        raise ValueError(
            tr("{field}: “{text}” has a {sign}; type the number shown").format(
                field=label, text=s, sign=parsed.comparator.value
            )
        )
    unit = None
    if unit_text is not None:
        unit = (
            TemperatureUnit.CELSIUS if unit_text[0].lower() == "c" else TemperatureUnit.FAHRENHEIT
        )
    value = Fraction(number.lstrip("-−").replace(",", "."))
    return Typed(number, -value if negative else value, unit)


def degrees(value: Fraction | float) -> str:
    """A converted temperature as every screen and page shows it: one decimal ("38.0")."""
    return f"{float(value):.1f}"


def slip_problem(
    celsius: Fraction, number_text: str, unit: TemperatureUnit | None, label: str
) -> str:
    """The typing-slip message for a reading outside 30–45 °C, else "" (``unit`` None: a
    number outside the range in both units, whichever was meant)."""
    if SLIP_LOW_C <= celsius <= SLIP_HIGH_C:
        return ""
    low_f, high_f = (from_celsius(v, TemperatureUnit.FAHRENHEIT) for v in (SLIP_LOW_C, SLIP_HIGH_C))
    typed = f"{number_text} {SYMBOL[unit]}" if unit is not None else number_text
    return tr(
        "{field}: {typed} is outside {low_c}–{high_c} °C ({low_f}–{high_f} °F), this "
        "program's check against typing slips (a misplaced decimal point, or °C and °F mixed "
        "up); check the number and its unit"
    ).format(
        field=label,
        typed=typed,
        low_c=SLIP_LOW_C,
        high_c=SLIP_HIGH_C,
        low_f=format_number(float(low_f), 1),
        high_f=format_number(float(high_f), 1),
    )


def parse_temperature(
    text: str, unit: TemperatureUnit | None, label: str = ""
) -> tuple[TemperatureUnit, float]:
    """The unit and °C value of ``text`` typed with ``unit`` chosen beside it (None: none
    chosen).  The text's own unit wins when it agrees; a bare number with no unit chosen is
    refused (the program never guesses the unit from the number); a typing slip is refused
    with what would be accepted."""
    label = label or tr("Temperature")
    typed = read_temperature(text, label)
    if typed.unit is not None and unit is not None and typed.unit is not unit:
        raise ValueError(
            tr(
                "{field}: “{text}” is in {typed_unit} but {chosen_unit} is chosen as its unit; "
                "make them agree"
            ).format(
                field=label,
                text=" ".join(text.split()),
                typed_unit=SYMBOL[typed.unit],
                chosen_unit=SYMBOL[unit],
            )
        )
    used = typed.unit or unit
    if used is None and all(
        slip_problem(to_celsius(typed.value, u), typed.number_text, None, label)
        for u in TemperatureUnit
    ):
        raise ValueError(slip_problem(typed.value, typed.number_text, None, label))
    if used is None:
        raise ValueError(
            tr("{field}: “{text}” has no unit; choose °C or °F (or type it: {number} °C)").format(
                field=label, text=" ".join(text.split()), number=typed.number_text
            )
        )
    celsius = to_celsius(typed.value, used)
    problem = slip_problem(celsius, typed.number_text, used, label)
    if problem:
        raise ValueError(problem)
    return used, float(celsius)


# A record's readings repeat a few typed texts ("36.8"): each is read once, not each time a
# lane, a table or a page looks at it (the results are immutable).
@functools.lru_cache(maxsize=4096)
def exact_celsius(value_text: str, unit: TemperatureUnit) -> Fraction | None:
    """The exact °C value of a stored reading's text (None when it does not read)."""
    try:
        typed = read_temperature(value_text)
    except ValueError:
        return None
    return to_celsius(typed.value, typed.unit or unit)


@functools.lru_cache(maxsize=4096)
def number_text(value_text: str) -> str:
    """The number of a stored reading as typed, without its unit ("38,4 °C" → "38,4")."""
    try:
        return read_temperature(value_text).number_text
    except ValueError:
        return value_text


def shown(value_text: str, unit: TemperatureUnit) -> str:
    """A reading in both units, the typed one first: "38.4 °C (101.1 °F)"."""
    other = (
        TemperatureUnit.FAHRENHEIT if unit is TemperatureUnit.CELSIUS else TemperatureUnit.CELSIUS
    )
    celsius = exact_celsius(value_text, unit)
    typed = f"{number_text(value_text)} {SYMBOL[unit]}"
    if celsius is None:
        return typed
    converted = decimal_text(degrees(from_celsius(celsius, other)))  # the locale's comma
    return f"{typed} ({converted} {SYMBOL[other]})"


# ------------------------------------------------------------ the team's fever rule


def rule_on(rules: Iterable[FeverRule], date: dt.date) -> FeverRule | None:
    """The team's fever rule in force on ``date``: the newest given on or before it (a newer
    rule replaces the older from its own date); None when none was given by then."""
    given = [r for r in rules if r.given_on <= date]
    return max(given, key=lambda r: (r.given_on, r.id or 0), default=None)


def rule_text(rule: FeverRule) -> str:
    """The rule as the family typed it ("≥ 38.0 °C: phone the ward, day or night"); when
    they typed only the number: "At or above 38.0 °C (100.4 °F)"."""
    if rule.rule_text.strip():
        return rule.rule_text.strip()
    return tr("At or above {reading}").format(reading=shown(rule.value_text, rule.unit))


def at_or_above(reading: Temperature, rules: Iterable[FeverRule]) -> bool:
    """Whether ``reading`` is at or above the fever number of the team's rule in force on
    its date (compared exactly: 100.4 °F is 38.0 °C).  False with no rule then."""
    rule = rule_on(rules, reading.date)
    if rule is None:
        return False
    value, limit = (
        exact_celsius(reading.value_text, reading.unit),
        exact_celsius(rule.value_text, rule.unit),
    )
    if value is None or limit is None:
        return False
    return value >= limit
