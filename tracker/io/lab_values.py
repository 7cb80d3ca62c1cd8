"""How a laboratory writes one result: the test's name, the number, its unit and range, the date.

Shared by the CSV importer (``tracker.io.csv_import``) and anything else that
reads lab output cell by cell.  Every function is pure and refuses with a
``ValueError`` whose message can be shown to the family as it is.

* Test names: a LOINC code the catalogue knows first (over the name; a look-alike's
  code such as hs-CRP's is never a known test), then ``analytes.find_analyte``, then the
  catalogue's spellings under a loose key (case, punctuation, spacing).  A bare
  "Neutrophils", "Lymphocytes", "Blasts" or "Bands" means the absolute count or
  the percentage depending on the unit; a combination the catalogue does not
  keep (blasts as a count) is an unknown test, not a wrong row.  A LOINC code
  matches the preferred one or one of ``Analyte.other_loinc``.
* Numbers: ``analytes.parse_number`` (ASCII digits, one decimal separator,
  ``<``/``>``); a decimal comma only where the caller allows it.
* Test names also include the LOINC long common names of the catalogue's codes
  (``tracker.loinc.LONG_NAMES``: "Hemoglobin [Mass/volume] in Blood").
* Dates: numeric dates are matched against a short list of patterns and built
  directly; ``dayfirst`` decides 03/04/2026 and nothing guesses it.  Month
  names are read with ``dateutil``'s English names (14 Mar 2026, Mar 14, 2026).
  ISO 8601 instants with ``Z`` or an offset (``2026-03-02T23:30:00-05:00``) are read
  as the local date and time at the lab's offset, as written: :func:`parse_instant`
  (also for FHIR's ``effectiveDateTime``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Literal

from dateutil.parser import parserinfo

from tracker import analytes, forms, loinc, range_units
from tracker.analytes import Analyte, Unit, parse_number, unit_key
from tracker.i18n import N_, tr
from tracker.loinc import is_loinc_code
from tracker.model import CountValue


@functools.lru_cache(maxsize=4096)
def name_key(text: str) -> str:
    """A loose comparison key for header and test names: case, punctuation, spacing
    (remembered: a file repeats a handful of names on thousands of rows)."""
    s = text.strip().strip("\ufeff").lower()
    s = re.sub(r"[\s,.;:()\[\]_\-]+", " ", s).strip()
    return re.sub(r"\s*([%#])\s*", r"\1", s)


# Every spelling in the catalogue, under the loose key (find_analyte is tried first).
_ANALYTE_BY_KEY: dict[str, Analyte] = {}
for _a in analytes.ANALYTES:
    for _spelling in (_a.code, _a.english_short, _a.english_name, *_a.aliases):
        _ANALYTE_BY_KEY.setdefault(name_key(_spelling), _a)
_ANALYTE_BY_LOINC = {
    code: a for a in analytes.ANALYTES for code in (a.loinc, *a.other_loinc) if code
}
for _code, _long_name in loinc.long_names():  # a test checks that no name is taken twice
    _ANALYTE_BY_KEY.setdefault(name_key(_long_name), _ANALYTE_BY_LOINC[_code])
# Look-alike tests never stored as a known one, by code (hs-CRP is not CRP, §2.8.1).
_NOT_KNOWN_LOINC = {code: name for a in analytes.ANALYTES for code, name in a.not_loinc}

# Bare names whose meaning depends on the unit: (absolute count, percentage).  A
# "Neutrophils" row in K/µL is the ANC; in % it is the total neutrophil percentage (a
# "Segs" / "Segmented neutrophils" row is the segmented %, by its own name).
_BY_UNIT_KIND: dict[str, tuple[str | None, str | None]] = {}
# fmt: off
for _names, _pair in (
    (("neutrophils", "neutrophil", "neut", "neu", "neutro", "granulocytes", "gran",
      "neutrophile", "neutrophiles", "neutrofielen", "neutrófilos", "neutrofili"),
     ("anc", "neut_pct")),
    (("lymphocytes", "lymphocyte", "lymph", "lymphs", "lym", "lymphozyten", "lymfocyten"),
     ("lymph", "lymph_pct")),
    (("monocytes", "monocyte", "mono", "monos", "monozyten", "monocyten"),
     ("mono", "mono_pct")),
    (("eosinophils", "eosinophil", "eos", "eosinophile"), ("eos", "eos_pct")),
    (("basophils", "basophil", "baso", "basos", "basophile"), ("baso", "baso_pct")),
    (("reticulocytes", "reticulocyte", "retic", "retics", "retikulozyten"),
     ("retic", "retic_pct")),
    # a bare "RDW": in % the RDW-CV, in fL the RDW-SD (not convertible, domain.md §2.8.5)
    (("rdw", "red cell distribution width"), ("rdw_sd", "rdw_cv")),  # i18n: not shown
    (("blasts", "blast", "blast cells", "blasten"), (None, "blast_pct")),  # i18n: not shown
    (("bands", "band", "band neutrophils", "band forms", "stabs", "stabkernige"),  # i18n: not shown
     (None, "band_pct")),
):
    for _name in _names:
        _BY_UNIT_KIND[name_key(_name)] = _pair
# fmt: on

_PERCENT_KEYS = frozenset({"%", "percent", "pct"})


def is_percent(unit_text: str) -> bool:
    return unit_key(unit_text) in _PERCENT_KEYS


# A LOINC long common name, "Component [Property] in System by Method": the system blood
# (or serum / plasma), where the catalogue's tests are measured.
_IN_BLOOD = re.compile(
    r"^\s*(?P<component>[^\[\]]+?)\s*\[[^\]]*\]\s+(?:in|of)\s+"
    r"(?:Blood|Serum or Plasma|Serum|Plasma)\b(?!\s*(?:spot|drop)\b)",  # i18n: not shown
    re.IGNORECASE,
)


def resolve_test(name: str, unit_text: str = "", loinc: str = "") -> Analyte | None:
    """The analyte a lab's test name (and unit, and LOINC code) means, or None if not kept.

    A LOINC code the catalogue knows wins over the name ("Bilirubin" with 1968-7 is direct
    bilirubin, not total); a look-alike's code (hs-CRP, 30522-7) is never a known test,
    whatever the name says.  A real LOINC code (its shape and check digit,
    ``loinc.is_loinc_code``) the catalogue does not know is never a known test either: the
    code names another test than the name may seem to ("Blasts" with 35068-6 is blasts in
    spinal fluid, not in blood), so it is kept as printed, unless the name is the code's
    long common name and says the test is of blood ("Platelets [#/volume] in Blood by
    Manual count"): then its component (and the unit) decide.  Without a code, or with one
    that is not a LOINC code (a lab's own "CBC1"), the name (and the unit) decide."""
    code_text = loinc.strip()
    if code_text in _NOT_KNOWN_LOINC:
        return None
    if (by_code := _ANALYTE_BY_LOINC.get(code_text)) is not None:
        return by_code
    if code_text and is_loinc_code(code_text):
        # the code's long common name says its specimen ("… in Blood by Manual count"):
        # only then does its component name the test; otherwise kept as printed
        in_blood = _IN_BLOOD.match(name)
        return resolve_test(in_blood["component"], unit_text) if in_blood else None
    key = name_key(name)
    pair = _BY_UNIT_KIND.get(key)
    if pair is not None:
        if is_percent(unit_text):
            code = pair[1]
        elif unit_of("wbc", unit_text) is not None:  # WBC has every cell-count spelling
            code = pair[0]
        else:  # no unit, or a wrong one: the meaning the catalogue keeps, so the unit is refused
            code = pair[0] or pair[1]
        return analytes.BY_CODE[code] if code else None
    return analytes.find_analyte(name) or _ANALYTE_BY_KEY.get(key)


def unknown_name(name: str, unit_text: str, loinc: str = "") -> str:
    """How an unknown test is listed: "MCV", "Lymphocytes (%)" when the unit decides,
    "CRP (hs-CRP, LOINC 30522-7)" when a look-alike's code says the name is not that test, or
    "Blasts (LOINC 35068-6)" when a LOINC code the catalogue does not know goes with a name
    it knows (blasts in spinal fluid, not the blood test)."""
    code = loinc.strip()
    if code in _NOT_KNOWN_LOINC and analytes.find_analyte(name) is not None:
        return f"{name.strip()} ({_NOT_KNOWN_LOINC[code]}, LOINC {code})"
    if code and is_loinc_code(code) and resolve_test(name, unit_text) is not None:
        return f"{name.strip()} (LOINC {code})"  # "Blasts (LOINC 35068-6)": not the blood test
    if name_key(name) in _BY_UNIT_KIND and unit_text.strip():
        return f"{name.strip()} ({unit_text.strip()})"
    return name.strip()


# --------------------------------------------------------------------------- dates

_TIME = (
    r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.\d{1,6})?)?"
    r"(?:\s*(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?"
)
_YMD = re.compile(
    rf"^(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})"
    rf"(?:(?:T|\s+){_TIME})?$",
    re.ASCII,
)
_NUMERIC = re.compile(
    rf"^(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}|\d{{2}})\.?"
    rf"(?:,?\s+{_TIME})?$",
    re.ASCII,
)
_NAMED_DMY = re.compile(
    rf"^(?P<d>\d{{1,2}})\.?[ \-](?P<mon>[A-Za-z]{{3,9}})\.?[ \-](?P<y>\d{{4}})"
    rf"(?:,?\s+{_TIME})?$",
    re.ASCII,
)
_NAMED_MDY = re.compile(
    rf"^(?P<mon>[A-Za-z]{{3,9}})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?:,?\s+{_TIME})?$",
    re.ASCII,
)
_TIME_ONLY = re.compile(rf"^{_TIME}$", re.ASCII)
# ISO 8601 / FHIR: 2026-03-02, 2026-03-02T09:15, …T09:15:00.123Z, …T23:30:00-05:00.
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[Tt ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d{1,9})?)?"
    r"(?P<zone>[Zz]|[+-](?P<zh>\d{2}):?(?P<zm>\d{2}))?)?$",
    re.ASCII,
)
# Only a year, or a year and month: FHIR allows them, a draw needs its day.
_ISO_PARTIAL = re.compile(r"^\d{4}(?:-\d{2})?$", re.ASCII)
_MONTHS = parserinfo()

_DATE_HELP = N_(
    "use a date such as 2026-03-14, 14.03.2026, 03/14/2026 or 14 Mar 2026, "
    "optionally followed by a time such as 08:30 (or 2026-03-14T08:30:00Z)"
)


def order_hint(date_text: str) -> Literal["day-first", "month-first", "ambiguous"] | None:
    """What a numeric date says about the file's order; None when it needs no order."""
    m = _NUMERIC.match(date_text.strip())
    if not m:
        return None
    a, b = int(m["a"]), int(m["b"])
    if a > 12 and b <= 12:
        return "day-first"
    if b > 12 and a <= 12:
        return "month-first"
    if a <= 12 and b <= 12 and a != b:
        return "ambiguous"
    return None


def _time_from(m: re.Match[str], text: str) -> dt.time | None:
    if m["h"] is None:
        return None
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    ampm = m.groupdict().get("ampm")  # ISO instants have none
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(
                tr("“{text}”: {hour} o'clock does not go with AM/PM").format(text=text, hour=hour)
            )
        hour = hour % 12 + (12 if ampm in "Pp" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(tr("“{text}” is not a time of day").format(text=text))
    return dt.time(hour, minute)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _calendar(y: int, m: int, d: int, text: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(tr("“{text}” is not a day of the calendar").format(text=text)) from None


def _iso(m: re.Match[str], text: str) -> tuple[dt.date, dt.time | None]:
    """The date and time as written, at the writer's own offset (checked, not applied)."""
    day = _calendar(int(m["y"]), int(m["m"]), int(m["d"]), text)
    if m["zh"] is not None and (int(m["zh"]) > 14 or int(m["zm"]) > 59):
        raise ValueError(
            tr(
                "“{text}”: {value} is not a time zone offset; write it as Z or as hours "
                "and minutes from UTC between -12:00 and +14:00, such as +01:00"
            ).format(text=text, value=m["zone"])
        )
    return day, _time_from(m, text)


def parse_instant(text: str) -> tuple[dt.date, dt.time | None]:
    """The day and time of an ISO 8601 date or instant, as FHIR and EHR exports write them.

    ``2026-03-02`` → (2 March 2026, None); ``2026-03-02T09:15:00Z``, ``…T09:15:00.250+01:00``
    → (2 March 2026, 09:15).  The rule: **the local date and time at the offset written**
    (``2026-03-02T23:30:00-05:00`` is the 2nd at 23:30, never converted to UTC nor to this
    computer's zone), because that is the day and time the lab's report shows for the draw.
    Seconds and fractions are dropped, as for every draw; the offset must be a real one
    (``Z``, or ±hh:mm up to 14 hours).  ``T`` may be a space.  A year or a year and month
    alone (FHIR allows ``2026-03``), a day not in the calendar, a time of 24:00 or any other
    form is refused with a ``ValueError`` whose message can be shown as it is.
    """
    s = text.strip()
    if m := _ISO.match(s):
        return _iso(m, s)
    if _ISO_PARTIAL.match(s):
        raise ValueError(
            tr("“{s}” gives no day; a draw needs its full date, such as 2026-03-14").format(s=s)
        )
    raise ValueError(
        tr(
            "“{s}” is not an ISO date or date and time; write it as 2026-03-14 or "
            "2026-03-14T08:30:00Z (or with an offset such as +01:00)"
        ).format(s=s)
    )


def parse_when(
    date_text: str, time_text: str = "", *, dayfirst: bool | None = None
) -> tuple[dt.date, dt.time | None]:
    """A draw's date (and time) from a date cell and an optional time cell.

    ``dayfirst`` decides numeric dates such as 03/04/2026; ``None`` refuses any
    that it would change (the caller decides the order for the whole file).  ISO
    instants with ``Z`` or an offset are read as :func:`parse_instant` reads them.
    """
    date_s, time_s = date_text.strip(), time_text.strip()
    if not date_s:
        if time_s:
            raise ValueError(
                tr("the time {time_s} has no date; give the date of the draw").format(time_s=time_s)
            )
        raise ValueError(tr("no date; give the date of the draw"))
    when: tuple[dt.date, dt.time | None]
    if m := _ISO.match(date_s):
        when = _iso(m, date_s)
    elif m := _YMD.match(date_s):
        when = (_calendar(int(m["y"]), int(m["m"]), int(m["d"]), date_s), _time_from(m, date_s))
    elif m := _NUMERIC.match(date_s):
        a, b, y = int(m["a"]), int(m["b"]), _year(m["y"])
        if dayfirst is None and a != b and a <= 12 and b <= 12:
            raise ValueError(
                tr("“{date_s}” could be day-first or month-first; say which this file uses").format(
                    date_s=date_s
                )
            )
        if dayfirst is None:
            dayfirst = a > 12
        day, month = (a, b) if dayfirst else (b, a)
        if month > 12:
            order = "day-first" if dayfirst else "month-first"
            raise ValueError(
                tr(
                    "“{date_s}” cannot be read {order} (there is no month {month}), but the "
                    "other dates in this file are"
                ).format(date_s=date_s, order=order, month=month)
            )
        when = (_calendar(y, month, day, date_s), _time_from(m, date_s))
    elif (m := _NAMED_DMY.match(date_s)) or (m := _NAMED_MDY.match(date_s)):
        month_no = _MONTHS.month(m["mon"])
        if month_no is None:
            raise ValueError(
                tr("“{date_s}”: “{value}” is not a month name we know; {help}").format(
                    date_s=date_s, value=m["mon"], help=tr(_DATE_HELP)
                )
            )
        when = (_calendar(int(m["y"]), month_no, int(m["d"]), date_s), _time_from(m, date_s))
    else:
        raise ValueError(
            tr("“{date_s}” is not a date we can read; {help}").format(
                date_s=date_s, help=tr(_DATE_HELP)
            )
        )
    if time_s:
        tm = _TIME_ONLY.match(time_s)
        if not tm:
            raise ValueError(
                tr("“{time_s}” is not a time; write it as hours:minutes, e.g. 08:30").format(
                    time_s=time_s
                )
            )
        column_time = _time_from(tm, time_s)
        if when[1] is not None and when[1] != column_time:
            raise ValueError(
                tr(
                    "the date “{date_s}” has a time that differs from the time column ({time_s})"
                ).format(date_s=date_s, time_s=time_s)
            )
        when = (when[0], column_time)
    return when


# --------------------------------------------------------------------------- values

# A flag printed after the number: "3.2 H", "0.4 (L)", "12*".
_VALUE_FLAG = re.compile(
    r"^(?P<num>[<>]?\s*\d[\d.,]*)\s*(?P<flag>\(?(?:HH|LL|H|L|AA|A|C)\)?|\*{1,2}|!)$", re.ASCII
)
# fmt: off
_NOT_A_RESULT = frozenset(
    name_key(s)
    for s in (
        "pending", "in progress", "to follow", "cancelled",  # i18n: not shown
        "canceled", "see comment", "see note", "see below",  # i18n: not shown
        "see report", "not done", "nd", "n/a", "na", "tnp",  # i18n: not shown
        "test not performed", "not performed", "qns",  # i18n: not shown
        "quantity not sufficient", "clotted",  # i18n: not shown
        "hemolyzed", "haemolysed", "folgt", "storniert",
        "nicht durchgeführt", "entfällt", "siehe befund",  # i18n: not shown
        "en cours", "annulé", "pendiente", "volgt",  # i18n: not shown
    )
)
# fmt: on
_NO_RANGE = frozenset(
    name_key(s)
    for s in ("not established", "n/a", "na", "none", "see comment", "see note")  # i18n: not shown
)
_DASHES = frozenset("-–—./* ")


def is_not_a_result(text: str) -> bool:
    """ "Pending", "cancelled", "--"…: a cell a lab fills when there is no result."""
    stripped = text.strip()
    return name_key(stripped) in _NOT_A_RESULT or (bool(stripped) and set(stripped) <= _DASHES)


def split_flag(value_text: str) -> tuple[str, str]:
    """ "3.2 H" → ("3.2", "H"); a value without a trailing flag is returned unchanged."""
    m = _VALUE_FLAG.match(value_text.strip())
    if not m:
        return value_text.strip(), ""
    return m["num"].strip(), m["flag"].strip("()")


class BadRange(ValueError):
    """The value is readable but its printed range cannot be used as it is (unreadable, not
    possible in the value's unit, or a reading that needs asking): the reason."""


def parse_value(
    a: Analyte,
    value_text: str,
    unit_text: str,
    range_text: str = "",
    *,
    decimal_comma: bool = False,
) -> CountValue:
    """One value as the lab printed it, or ValueError with a plain reason (BadRange when
    only its range is the problem).

    ``decimal_comma`` is True only for semicolon-separated files; elsewhere a
    comma in a value is refused (it may be a thousands separator).
    """
    text = value_text.strip()
    if not text:
        raise ValueError(tr("{name}: no result in this row").format(name=a.name))
    if "," in text and not decimal_comma:
        raise ValueError(
            tr(
                "{name}: “{text}” has a comma; in a file that is not separated by "
                "semicolons write decimals with a point (1.2) and no thousands separator "
                "(1200)"
            ).format(name=a.name, text=text)
        )
    try:
        number = parse_number(text)
    except ValueError as exc:
        raise ValueError(f"{a.name}: {exc}") from None
    unit = unit_of(a.code, unit_text)
    if unit is None:
        raise ValueError(analytes.unknown_unit_message(a, unit_text))
    low_ok, high_ok = a.plausible
    if not low_ok <= number.value * unit.factor <= high_ok:  # the catalogue words the refusal
        raise ValueError(analytes.plausibility_problem(a.code, number.value, unit_text) or "")
    low: float | None = None
    high: float | None = None
    range_s = _clean_range(range_text, unit_text)
    if range_s:
        try:
            low, high = forms.parse_range(range_s)
        except ValueError as exc:
            raise BadRange(tr("{test} range: {problem}").format(test=a.name, problem=exc)) from None
        wrong_unit = range_units.range_unit_problem(a.code, low, high, unit_text, range_s)
        if wrong_unit:
            raise BadRange(wrong_unit)
        if range_units.fraction_reading(a.code, number.value, low, high):
            raise BadRange(
                tr(
                    "{name}: the lab range {range_s} reads like fractions beside {text} %; "
                    "check how the lab printed it (enter it in the form to confirm it)"
                ).format(name=a.name, range_s=range_s, text=text)
            )
        other = range_units.other_reading(a.code, number.value, low, high, unit_text)
        if other is not None:  # a file cannot be asked: the row is refused, saying why
            where = range_units.two_readings(a.code, number.value, low, high, unit_text, other)
            raise BadRange(
                tr(
                    "{name}: the lab range {range_s} puts {text} {where}; check which unit "
                    "the lab printed the range in (enter it in the form to confirm it)"
                ).format(name=a.name, range_s=range_s, text=text, where=where)
            )
    return CountValue(
        analyte=a.code,
        value_text=text,
        unit=unit_text.strip(),
        value=number.value,
        normalised_value=number.value * unit.factor,
        canonical_unit=a.canonical_unit,
        comparator=number.comparator,
        range_text=range_s,
        range_low=low,
        range_high=high,
    )


@functools.lru_cache(maxsize=4096)
def unit_of(code: str, unit_text: str) -> Unit | None:
    """``Analyte.unit``, remembered: a file repeats a handful of spellings thousands of times."""
    return analytes.analyte(code).unit(unit_text)


@functools.lru_cache(maxsize=4096)
def _clean_range(range_text: str, unit_text: str) -> str:
    """ "(3.5-10.5)", "[3.5-10.5]", "3.5-10.5 K/uL" → "3.5-10.5"; "not established" → "".
    Remembered: a lab prints the same range beside every result of a test."""
    s = range_text.strip()
    if name_key(s) in _NO_RANGE or set(s) <= _DASHES:
        return ""
    if len(s) > 1 and s[0] + s[-1] in ("()", "[]"):
        s = s[1:-1].strip()
    unit = unit_text.strip()
    if unit and s.lower().endswith(unit.lower()) and len(s) > len(unit):
        s = s[: -len(unit)].strip()
    return s


# --------------------------------------------------------------------------- drug levels

# Hours since an infusion started, as a column ("24", "24 h", "48hrs") or in a test name
# ("Methotrexate 24 h", "MTX 48h level", "MTX level 24 hours post").
_HOURS_TEXT = re.compile(r"^(?P<n>\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours|std|uur)?\.?$", re.I)
_HOURS_IN_NAME = re.compile(
    r"(?:^|[\s(\[])(?P<n>\d+(?:[.,]\d+)?)\s*-?\s*(?:h|hr|hrs|hour|hours|std)\b\.?"
    r"(?:\s*(?:post(?:\s+infusion)?|after(?:\s+start)?|p\.?i\.?))?",
    re.I,
)
_LEVEL_WORD = re.compile(r"\s*\b(?:level|levels|spiegel|concentration)\b\s*", re.I)


def parse_hours(text: str, name: str = "") -> float | None:
    """Hours after the infusion started from a cell ("24", "24 h"); None when empty.

    ValueError (a plain reason) when it is not a number of hours of 0 or more.
    """
    s = text.strip()
    if not s:
        return None
    m = _HOURS_TEXT.match(s)
    what = f"{name}: " if name else ""
    if s.startswith("-") and _HOURS_TEXT.match(s[1:].strip()):
        raise ValueError(
            tr(
                "{what}“{s}” is below 0; write the hours since the infusion started, such as 24"
            ).format(what=what, s=s)
        )
    if not m:
        raise ValueError(
            tr(
                "{what}“{s}” is not a number of hours after the infusion started; write "
                "it as a number such as 24 or 42.5"
            ).format(what=what, s=s)
        )
    return float(m["n"].replace(",", "."))


def hours_in_name(name: str, unit_text: str = "", loinc: str = "") -> tuple[Analyte, float] | None:
    """ "Methotrexate 24 h" → (the timed analyte, 24.0); None when the name says no hours
    or what is left of it is not a timed analyte (a "24h urine" test keeps its name)."""
    m = _HOURS_IN_NAME.search(name)
    if not m:
        return None
    rest = (name[: m.start()] + " " + name[m.end() :]).strip()
    rest = re.sub(r"[(\[]\s*[)\]]", " ", rest)  # "Methotrexate (48 h)": the brackets it left
    rest = _LEVEL_WORD.sub(" ", rest).strip(" -,([")
    if not rest:
        return None
    a = resolve_test(rest, unit_text, loinc)
    if a is None or not a.timed:
        return None
    return a, float(m["n"].replace(",", "."))
