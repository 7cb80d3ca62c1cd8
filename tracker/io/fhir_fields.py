"""What one FHIR R4 resource says, read tolerantly: its LOINC codes and name, its time, its
value and unit, the lab's range, flag and note, the references of a report or panel.

Each reader returns what it can and says in plain words what is wrong (ValueError) or
gives "" / None for what is absent; none trusts a field's type.  The readings are those
of tracker.io.fhir_import's docstring (docs/fhir.md "## Import").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from tracker.i18n import tr
from tracker.io.fhir_read import Resource

LOINC = "http://loinc.org"
LOINC_CODE = re.compile(r"^\d{1,7}-\d$", re.ASCII)
WHEN_PATTERN = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$",
    re.ASCII,
)


class ResourceIndex:
    """Resources by the ways a reference names them: fullUrl, "Type/id", "#id"."""

    def __init__(self, resources: list[Resource]) -> None:
        self.by: dict[str, Resource] = {}
        for r in resources:
            if r.full_url:
                self.by.setdefault(r.full_url, r)
            if r.id:
                self.by.setdefault(f"{r.type}/{r.id}", r)

    def find(self, ref: str, holder: Resource) -> Resource | None:
        if ref.startswith("#"):
            return next((c for c in holder.contained if c.id == ref[1:]), None)
        found = self.by.get(ref)
        if found is None and (current := without_history(ref)) != ref:
            found = self.find(current, holder)
        if found is None and "/" in ref:  # an absolute URL ending in Type/id
            found = self.by.get("/".join(ref.rstrip("/").split("/")[-2:]))
        return found


_HISTORY = re.compile(r"/_history/[^/]+/?$")


def without_history(ref: str) -> str:
    """ "Patient/45/_history/2" → "Patient/45": a version of a resource is that resource."""
    return _HISTORY.sub("", ref.strip())


def references(r: Resource, key: str) -> list[str]:
    items = r.data.get(key)
    if not isinstance(items, list):
        return []
    return [
        ref
        for item in items
        if isinstance(item, dict) and isinstance(ref := item.get("reference"), str) and ref
    ]


def effective(r: Resource) -> tuple[dt.date, dt.time | None] | None:
    """The date and time written (ValueError-free: None when absent or unreadable)."""
    try:
        return effective_strict(r)
    except ValueError:
        return None


def effective_strict(r: Resource) -> tuple[dt.date, dt.time | None] | None:
    d = r.data
    period = d.get("effectivePeriod")
    for text in (
        d.get("effectiveDateTime"),
        period.get("start") if isinstance(period, dict) else None,
        d.get("effectiveInstant"),
    ):
        if text is None:
            continue
        if not isinstance(text, str) or not (m := WHEN_PATTERN.match(text.strip())):
            raise ValueError(
                tr(
                    "its date “{value}” is not a FHIR date or dateTime (such as 2026-03-14 "
                    "or 2026-03-14T08:30:00+01:00)"
                ).format(value=str(text)[:40])
            )
        if m["d"] is None:
            raise ValueError(
                tr("its date “{text}” gives no day; a blood draw needs one").format(text=text)
            )
        try:
            day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            at = dt.time(int(m["h"]), int(m["mi"])) if m["h"] is not None else None
        except ValueError:
            raise ValueError(
                tr("its date “{text}” is not a real date or time").format(text=text)
            ) from None
        return day, at
    return None


def loinc_codes(r: Resource) -> tuple[list[str], str]:
    """The LOINC codes of ``code`` and the test's name (its text, else a display)."""
    code = r.data.get("code")
    if not isinstance(code, dict):
        return [], ""
    codings = (
        [c for c in code.get("coding", []) if isinstance(c, dict)]
        if isinstance(code.get("coding"), list)
        else []
    )
    loinc = [
        c["code"].strip()
        for c in codings
        if isinstance(c.get("code"), str)
        and (c.get("system") == LOINC or (c.get("system") is None and LOINC_CODE.match(c["code"])))
    ]
    text = code.get("text")
    name = text.strip() if isinstance(text, str) and text.strip() else ""
    if not name:
        name = next(
            (c["display"].strip() for c in codings if isinstance(c.get("display"), str)), ""
        )
    return loinc, name


def is_lab(r: Resource) -> bool:
    cats = r.data.get("category")
    for cat in cats if isinstance(cats, list) else []:
        for c in cat.get("coding", []) if isinstance(cat, dict) else []:
            if isinstance(c, dict) and c.get("code") == "laboratory":
                return True
    return False


def has_value(r: Resource) -> bool:
    return any(k.startswith("value") for k in r.data)


def quantity_unit(q: Any) -> str:
    if not isinstance(q, dict):
        return ""
    for key in ("code", "unit"):
        if isinstance(q.get(key), str) and q[key].strip():
            return str(q[key]).strip()
    return ""


def quantity_text(r: Resource, *, unit_needed: bool = True) -> tuple[str, str]:
    """(value text with its comparator, unit) of valueQuantity; ValueError saying what is
    wrong.  The UCUM code is the unit when given, else ``unit``; a value with neither is
    refused unless ``unit_needed`` is False (a test the catalogue does not know, kept as
    printed: a urine specific gravity of 1.009 has no unit)."""
    q = r.data.get("valueQuantity")
    if not isinstance(q, dict):
        raise ValueError(tr("it has no valueQuantity (a number with its unit)"))
    value = q.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(tr("valueQuantity has no value (a number)"))
    text = number_text(value)
    unit = quantity_unit(q)
    if not unit and unit_needed:
        raise ValueError(tr("valueQuantity has a value but no unit or code; give a unit"))
    comparator = q.get("comparator", "")
    if comparator not in ("", "<", ">"):
        raise ValueError(
            tr(
                "valueQuantity.comparator “{comparator}” is not kept by this program "
                "(only < and > are); enter this value by hand"
            ).format(comparator=comparator)
        )
    return f"{comparator}{text}", unit


def number_text(value: int | float | str) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int):
        if value.bit_length() > 100:  # over 30 digits: as json_text's reader refuses
            raise ValueError(tr("valueQuantity.value is far too large to be a result"))
        return str(value)
    if not math.isfinite(value):
        raise ValueError(tr("valueQuantity.value is not a number"))
    return format(Decimal(repr(value)), "f")


def text_value(r: Resource) -> str | None:
    d = r.data
    if isinstance(d.get("valueString"), str):
        return str(d["valueString"]).strip()
    cc = d.get("valueCodeableConcept")
    if isinstance(cc, dict):
        if isinstance(cc.get("text"), str):
            return str(cc["text"]).strip()
        for c in cc.get("coding", []) if isinstance(cc.get("coding"), list) else []:
            if isinstance(c, dict):
                for key in ("display", "code"):
                    if isinstance(c.get(key), str):
                        return str(c[key]).strip()
    for key in ("valueInteger", "valueBoolean"):
        if key in d and not isinstance(d[key], dict | list):
            return str(d[key]).lower() if isinstance(d[key], bool) else str(d[key])
    return None


def lab_range(r: Resource, unit: str = "") -> tuple[str, str]:
    """(the lab's range as text, a note when it was left out)."""
    ranges = r.data.get("referenceRange")
    if not isinstance(ranges, list) or not ranges or not isinstance(ranges[0], dict):
        return "", ""
    first = ranges[0]
    bounds: dict[str, str] = {}
    for key in ("low", "high"):
        q = first.get(key)
        if not isinstance(q, dict) or "value" not in q:
            continue
        v = q["value"]
        if isinstance(v, bool) or not isinstance(v, int | float):
            return "", tr(
                "referenceRange.{key} is not a number; imported without the range"
            ).format(key=key)
        q_unit = quantity_unit(q)
        if unit and q_unit and q_unit != unit:
            return "", (
                tr(
                    "its range is in {q_unit}, the value in {unit}; imported without the "
                    "range (not flagged)"
                ).format(q_unit=q_unit, unit=unit)
            )
        bounds[key] = number_text(v)
    if "low" in bounds and "high" in bounds:
        return f"{bounds['low']}-{bounds['high']}", ""
    if "high" in bounds:
        return f"≤{bounds['high']}", ""
    if "low" in bounds:
        return f"≥{bounds['low']}", ""
    text = first.get("text")
    return (text.strip(), "") if isinstance(text, str) else ("", "")


def lab_flag(r: Resource) -> str:
    items = r.data.get("interpretation")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        for c in item.get("coding", []) if isinstance(item.get("coding"), list) else []:
            if isinstance(c, dict) and isinstance(c.get("code"), str):
                return str(c["code"]).strip()
        if isinstance(item.get("text"), str):
            return str(item["text"]).strip()
    return ""


def lab_note(r: Resource) -> str:
    notes = r.data.get("note")
    texts = [
        n["text"].strip()
        for n in (notes if isinstance(notes, list) else [])
        if isinstance(n, dict) and isinstance(n.get("text"), str) and n["text"].strip()
    ]
    return " ".join(texts)


# Specimens no blood count is measured in: a result of one is never a blood count, whatever
# its name ("Blasts" of spinal fluid or marrow is not the blood's blasts %).
_NOT_BLOOD = re.compile(
    r"cerebro-?spinal|cerebral spinal|spinal fluid|\bcsf\b|\bliquor\b|marrow|urine|"
    r"pleural|peritoneal|ascit|synovial|pericardial|\bstool\b|saliva|sputum",  # i18n: not shown
    re.IGNORECASE,
)


def other_specimen(r: Resource) -> str:
    """The specimen ``r`` names when it is not blood ("Cerebrospinal fluid"), else ""."""
    spec = r.data.get("specimen")
    if not isinstance(spec, dict):
        return ""
    for key in ("display", "reference"):
        text = spec.get(key)
        if isinstance(text, str) and _NOT_BLOOD.search(text):
            return text.strip()
    return ""
