"""MRD notation: entered as a percentage, a fraction or a power of ten; stored as a fraction.

domain.md §4: 10⁻⁴ = 0.01 % = one leukaemic cell in 10,000.  Both notations are
always shown together; the program never colours an MRD value as good or bad.
"""

from __future__ import annotations

import math
import re

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_DECIMAL = r"\d+(?:\.\d+)?"
_PERCENT = re.compile(rf"^({_DECIMAL})%$")
_PLAIN = re.compile(rf"^({_DECIMAL})$")
_E_NOTATION = re.compile(rf"^({_DECIMAL})e(-?\d+)$")
_POWER = re.compile(rf"^(?:({_DECIMAL})[x×*])?10\^?(-?\d+)$")

HINT = "for example 0.01%, 0.0001, 1e-4, 10^-4 or 1×10^-4"


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
            f"MRD “{text.strip()}” could be a percentage or a fraction; say which "
            f"(for example {text.strip()}% for a percentage, or choose “fraction”)"
        )
    raw = text.strip()
    s = raw.translate(_SUPERSCRIPTS).replace(" ", "").replace(",", ".").replace("×", "x").lower()
    if not s.isascii() or not s:
        raise ValueError(f"MRD “{raw}” is not a value we can read; write it {HINT}")
    fraction: float
    if m := _PERCENT.match(s):
        fraction = float(m.group(1)) / 100
    elif m := _PLAIN.match(s):
        fraction = float(m.group(1))
        if fraction > 1:
            raise ValueError(
                f"MRD “{raw}” is more than 1 as a fraction; add % if you meant a percentage "
                f"({raw}%)"
            )
    elif m := _E_NOTATION.match(s):
        # float("1e400") is inf (refused below); float * 10**400 would raise OverflowError
        fraction = float(f"{m.group(1)}e{m.group(2)}")
    elif m := _POWER.match(s):
        fraction = float(f"{m.group(1) or 1}e{m.group(2)}")
    else:
        raise ValueError(f"MRD “{raw}” is not a value we can read; write it {HINT}")
    if not 0 <= fraction <= 1:
        raise ValueError(f"MRD “{raw}” is above 100%; an MRD value is between 0 and 100%")
    return fraction


def format_percent(fraction: float) -> str:
    pct = fraction * 100
    if pct == 0:
        return "0%"
    if pct >= 0.0001:
        text = f"{pct:.6f}".rstrip("0").rstrip(".")
    else:  # two significant digits, never scientific notation ("1e-05%")
        text = f"{float(f'{pct:.2g}'):.15f}".rstrip("0").rstrip(".")
    return f"{text}%"


def format_power(fraction: float) -> str:
    """1e-4 → "1×10⁻⁴"; 5e-4 → "5×10⁻⁴"; 0.0012 → "1.2×10⁻³"."""
    if fraction == 0:
        return "0"
    exponent = math.floor(math.log10(fraction))
    mantissa = round(fraction / 10**exponent, 2)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    sup = str(exponent).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    m_text = f"{mantissa:g}"
    return f"{m_text}×10{sup}"


def format_both(fraction: float) -> str:
    """The two notations side by side, e.g. "0.01% (1×10⁻⁴)"."""
    return f"{format_percent(fraction)} ({format_power(fraction)})"
