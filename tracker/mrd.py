"""MRD notation: entered as a percentage, a fraction or a power of ten; stored as a fraction.

domain.md §4: 10⁻⁴ = 0.01 % = one leukaemic cell in 10,000.  Both notations are
always shown together; the program never colours an MRD value as good or bad.
"""

from __future__ import annotations

import decimal
import re

from tracker.i18n import N_, tr
from tracker.model import MilestoneKind, Mrd, MrdQualifier

CARRIES_MRD = frozenset({MilestoneKind.MRD_RESULT, MilestoneKind.MARROW_CHECK})
"""The milestone kinds that carry an MRD result: an MRD result, and a bone-marrow check
whose MRD came back with it (optional there).  The form, the record's rule, the dialog
and the plan's "done" marks all read it."""
MRD_OPTIONAL = frozenset({MilestoneKind.MARROW_CHECK})
"""Of those, the kinds that may be saved without one (a marrow check's MRD may come later)."""

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_DECIMAL = r"\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"^({_DECIMAL})%$")
_PLAIN = re.compile(rf"^({_DECIMAL})$")
_E_NOTATION = re.compile(rf"^({_DECIMAL})e(-?\d+)$")
_POWER = re.compile(rf"^(?:({_DECIMAL})[x×*])?10\^?(-?\d+)$")

HINT = N_("for example 0.01%, 0.0001, 1e-4, 10^-4 or 1×10^-4")


def is_bare_number(text: str) -> bool:
    """True for "0.05" (no %, no power of ten): percent or fraction cannot be told apart."""
    s = text.strip().replace(",", ".")
    return bool(_PLAIN.match(s)) and float(s) != 0


def parse_mrd(text: str, *, bare_as: str = "fraction") -> float:
    """Return the MRD as a fraction (0 ≤ f ≤ 1) or raise ValueError with a plain reason.

    ``bare_as`` says what a plain number such as "0.05" means: ``"fraction"``,
    ``"percent"``, or ``""`` to refuse it (a report's "0.05%" typed without the
    % would otherwise be stored 100 times too high).
    """
    if bare_as == "percent" and is_bare_number(text):
        text = text.strip() + "%"
    elif bare_as == "" and is_bare_number(text):
        raise ValueError(
            tr(
                "MRD “{text}” could be a percentage or a fraction; say which "
                "(for example {text}% for a percentage, or choose “fraction”)"
            ).format(text=text.strip())
        )
    raw = text.strip()
    s = raw.translate(_SUPERSCRIPTS).replace(" ", "").replace(",", ".").replace("×", "x").lower()
    if not s.isascii() or not s:
        raise ValueError(_unreadable(raw))
    fraction: float
    if m := _PERCENT.match(s):
        fraction = float(m.group(1)) / 100
    elif m := _PLAIN.match(s):
        fraction = float(m.group(1))
        if fraction > 1:
            raise ValueError(
                tr(
                    "MRD “{text}” is more than 1 as a fraction; add % if you meant a "
                    "percentage ({text}%)"
                ).format(text=raw)
            )
    elif m := _E_NOTATION.match(s):
        # float("1e400") is inf (refused below); float * 10**400 would raise OverflowError
        fraction = float(f"{m.group(1)}e{m.group(2)}")
    elif m := _POWER.match(s):
        fraction = float(f"{m.group(1) or 1}e{m.group(2)}")
    else:
        raise ValueError(_unreadable(raw))
    if not 0 <= fraction <= 1:
        raise ValueError(
            tr("MRD “{text}” is above 100%; an MRD value is between 0 and 100%").format(text=raw)
        )
    return fraction


def _unreadable(raw: str) -> str:
    return tr("MRD “{text}” is not a value we can read; write it {hint}").format(
        text=raw, hint=tr(HINT)
    )


SIGNIFICANT = 3  # both notations show the same number, rounded once to this many figures

_SUP_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_BELOW = N_("below the quantifiable range")
_POSITIVE_NQ = N_("positive, not quantifiable")


def _rounded(fraction: float) -> decimal.Decimal:
    """The fraction rounded once, half up, to ``SIGNIFICANT`` figures (from its shortest
    decimal spelling, so 0.0012345 is 0.00123 and 0.0012355 is 0.00124)."""
    exact = decimal.Decimal(repr(fraction))
    if exact == 0:
        return decimal.Decimal(0)
    quantum = decimal.Decimal(1).scaleb(exact.adjusted() - SIGNIFICANT + 1)
    return exact.quantize(quantum, rounding=decimal.ROUND_HALF_UP).normalize()


def _plain(d: decimal.Decimal) -> str:
    """A decimal in positional notation, never "1E-7"."""
    return format(d.normalize(), "f")


def format_percent(fraction: float) -> str:
    """1e-4 → "0.01%"; never scientific notation ("1e-05%")."""
    return f"{_plain(_rounded(fraction).scaleb(2))}%"


def format_power(fraction: float) -> str:
    """1e-4 → "1×10⁻⁴"; 5e-4 → "5×10⁻⁴"; 0.0012 → "1.2×10⁻³"."""
    d = _rounded(fraction)
    if d == 0:
        return "0"
    exponent = d.adjusted()
    return f"{_plain(d.scaleb(-exponent))}×10{str(exponent).translate(_SUP_DIGITS)}"


def format_both(fraction: float) -> str:
    """The two notations side by side, e.g. "0.01% (1×10⁻⁴)": the same rounded number, so
    they never fall on different sides of a decade."""
    return f"{format_percent(fraction)} ({format_power(fraction)})"


def format_mrd(mrd: Mrd, *, short: bool = False) -> str:
    """An MRD result as every place shows it, its qualifier always kept (issue 11).

    "< 0.01% (< 1×10⁻⁴; below the quantifiable range)"; ``short`` (the timeline's
    label) leaves out the power of ten: "< 0.01% (below the quantifiable range)".
    A planned result without a value is "".
    """
    f = mrd.fraction
    match mrd.qualifier:
        case MrdQualifier.NEGATIVE:
            return tr("negative")
        case MrdQualifier.BELOW_QUANTIFIABLE_RANGE if f is not None:
            if short:
                return f"< {format_percent(f)} ({tr(_BELOW)})"
            return f"< {format_percent(f)} (< {format_power(f)}; {tr(_BELOW)})"
        case MrdQualifier.BELOW_QUANTIFIABLE_RANGE:
            return tr(_BELOW)
        case MrdQualifier.POSITIVE_NOT_QUANTIFIABLE if f is not None:
            value = format_percent(f) if short else format_both(f)
            return tr("positive, not quantifiable; value given {value}").format(value=value)
        case MrdQualifier.POSITIVE_NOT_QUANTIFIABLE:
            return tr(_POSITIVE_NQ)
    if f is None:
        return ""
    return format_percent(f) if short else format_both(f)
