"""Symptoms and side effects (domain.md §5.4): what, from when (to when), how bad in the
family's words, and an optional CTCAE-style grade kept with the CTCAE version it refers to
(domain.md §2.5: for labelling, not for decisions)."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker import forms, ranges
from tracker.dates import parse_date, parse_optional_date
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, JsonReader, KeyPath, Number, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, Severity, Symptom, SymptomWhat

WHAT_LABELS: dict[str, str] = {
    "vomiting": N_("Vomiting"),
    "diarrhoea": N_("Diarrhoea"),
    "mouth_sores": N_("Mouth sores"),
    "constipation": N_("Constipation"),
    "pain": N_("Pain"),
    "rash": N_("Rash"),
    "bleeding_bruising": N_("Bleeding or bruising"),
    "tiredness": N_("Tiredness"),
    "jaw_pain": N_("Jaw pain"),
    "tingling": N_("Tingling fingers or toes"),
    "feeding_refusal": N_("Feeding refusal or drooling"),  # domain.md §5.4, mucositis
    "line_site": N_("Central line site red, swollen or oozing"),  # domain.md §5.4, central line
    "other": N_("Other (as typed)"),
}
SEVERITY_LABELS: dict[str, str] = {
    "mild": N_("Mild"),
    "moderate": N_("Moderate"),
    "severe": N_("Severe"),
}
GRADES = (1, 2, 3, 4)  # the grades domain.md §2.5 tables (grade 5 is death)
GRADE_NOTE = N_("for labelling, not decisions")


@dataclass(frozen=True)
class Grade(Number):
    """A CTCAE grade in an export: a whole number (2.0 is 2), anything else named as not a
    grade with the grades there are (not "must be a number")."""

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        assert self.json is not None
        value = obj.get(self.json)
        if isinstance(value, str | bool):
            shown = json.dumps(value, ensure_ascii=False)[:40]
            check.add(
                (*path, self.json),
                tr(
                    "Grade: {value} is not a CTCAE grade: a grade is a whole number from 1 to 4 "
                    "(without quotes), or null for none"
                ).format(value=shown),
            )
            return None
        found = super().from_json(check, obj, path)
        return int(found) if isinstance(found, float) and found.is_integer() else found


def grade_version() -> str:
    """The CTCAE version a grade is given in ("CTCAE v5.0", resources/reference/ctcae.json)."""
    return ranges.ctcae_version()


def grade_label(s: Symptom) -> str:
    """ "grade 2 (CTCAE v5.0, for labelling, not decisions)", or "" without a grade."""
    if s.grade is None:
        return ""
    return tr("grade {grade} ({version}, {note})").format(
        grade=s.grade, version=s.grade_version, note=tr(GRADE_NOTE)
    )


def what_words(s: Symptom) -> str:
    """ "Mouth sores", "Other: refused the bottle" → as typed for other; more words after."""
    if s.what is SymptomWhat.OTHER:
        return s.what_text
    label = tr(WHAT_LABELS[s.what.value])
    return f"{label} ({s.what_text})" if s.what_text else label


def validate_symptom(s: Symptom) -> Problems:
    errors: Problems = {}
    if s.what is SymptomWhat.OTHER and not s.what_text.strip():
        errors["what_text"] = tr("What: type what it was, for “other”")
    if s.end_date is not None and s.end_date < s.date:
        errors["end_date"] = tr("Until: {date} is before it started ({start})").format(
            date=date_text(s.end_date), start=date_text(s.date)
        )
    if s.grade is not None:
        if s.grade not in GRADES:
            errors["grade"] = tr(
                "Grade: {grade} is not a CTCAE grade; choose 1 to 4, or none"
            ).format(grade=f"{s.grade:g}")
        elif not s.grade_version.strip():
            errors["grade"] = tr("Grade: a grade is kept with its CTCAE version, which is missing")
        elif any(unicodedata.category(c) == "Cc" for c in s.grade_version):
            errors["grade"] = tr(
                "Grade: its CTCAE version holds a control character (such as NUL); write the "
                "version as “CTCAE v5.0”"
            )
    elif s.grade_version:
        errors["grade"] = tr("Grade: a CTCAE version is given without a grade")
    return errors


def _rules(s: Symptom, _context: Context) -> Problems:
    return validate_symptom(s)


def _grade(text: str) -> int:
    if text not in {str(g) for g in GRADES}:
        raise ValueError(
            tr("Grade: “{text}” is not a CTCAE grade; choose 1 to 4, or none").format(text=text)
        )
    return int(text)


def symptom_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    id: int | None = None,
    uid: str = "",
    version: str = "",
) -> Symptom:
    """The dialog's fields (date, end_date, what, what_text, severity, grade, note) as an
    entry; a grade is kept with ``version`` (the CTCAE version it was given in: the one the
    entry had, or else this program's)."""
    c = forms.Collector()
    assert child.id is not None
    window = forms.form_window(today, child)
    date = c.run("date", parse_date, forms.field_text(f, "date"), tr("Date"), window)
    end = c.run(
        "end_date", parse_optional_date, forms.field_text(f, "end_date"), tr("Until"), window
    )
    what = c.choice(f, "what", SymptomWhat, "other", tr("What"), WHAT_LABELS)
    severity_text = forms.field_text(f, "severity")
    severity = (
        c.choice(f, "severity", Severity, "mild", tr("How bad"), SEVERITY_LABELS)
        if severity_text
        else None
    )
    grade_text = forms.field_text(f, "grade")
    grade = c.run("grade", _grade, grade_text) if grade_text else None
    s = Symptom(
        child_id=child.id,
        date=date or child.birth_date,
        what=what,
        what_text=forms.field_text(f, "what_text"),
        end_date=end,
        severity=severity,
        grade=grade,
        grade_version=(version or grade_version()) if grade is not None else "",
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    problems = (
        SYMPTOM.problems(s, Context(child, today)) if date is not None else validate_symptom(s)
    )
    for field, message in problems.items():
        c.add(field, message)
    c.raise_if_any()
    return s


def describe(s: Symptom) -> str:
    return tr("a symptom of {date}").format(date=date_text(s.date))


SYMPTOM = Kind(
    key="symptom",
    model=Symptom,
    table="symptom",
    json="symptoms",
    fields=(
        Date("date", N_("Date")),
        Choice("what", N_("What"), enum=SymptomWhat, default=SymptomWhat.OTHER),
        Text("what_text", N_("What (in words)")),
        Date("end_date", N_("Until"), optional=True),
        Choice("severity", N_("How bad"), enum=Severity, optional=True),
        Grade("grade", N_("Grade")),
        Text("grade_version", N_("Grade version")),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("symptom"),
    plural=N_("symptoms"),
    describe=describe,
    order_by="date, id",  # i18n: not shown
    sort_key=date_sort_key("date"),
    dates=(
        DateRule("date", not_in_future=True),
        DateRule("end_date", not_in_future=True),
    ),
    validate=_rules,
    json_required_since=5,
)
