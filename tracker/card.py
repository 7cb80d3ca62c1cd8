"""The fever card's content, as plain data (layout lives in ``ui/printing/card.py``).

A one-page card the family keeps in the bag and hands to an emergency department that does
not know the child: who the child is, the diagnosis and where treatment is, the central
line, allergies, the latest ANC / Hb / PLT each with its own date, the medicines, the
team's fever rule as the family typed it, the team's phone numbers and the blood-product
notes.  Nothing here advises: every line is what the family recorded, with its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker import analytes, labels, medicines
from tracker.analytes import format_number
from tracker.anc import calculated_value
from tracker.dates import format_age
from tracker.display import UnitPreference, convert, display_unit, shown
from tracker.model import (
    CentralLine,
    Child,
    CountResult,
    DoseLog,
    DoseStatus,
    MedicinePlan,
    Phase,
)
from tracker.summary import FOOTER_NOTE, current_line, diagnosis_line

CARD_ANALYTES = ("anc", "hgb", "plt")
NOT_ENTERED = "Not entered"
NO_COUNT = "no count recorded"
NO_MEDICINES = "No medicines entered"
NO_FEVER_RULE = "No fever rule entered — ask your team for theirs and add it"
TITLE = "Fever card"


@dataclass(frozen=True)
class CountLine:
    """One latest value: "ANC", "0.42 ×10⁹/L", its date and how old it was when printed."""

    label: str
    text: str  # the value with its unit as the lab reported it, or NO_COUNT
    date: dt.date | None
    age: str  # "4 days before this card was printed", "the day this card was printed"
    note: str = ""  # "worked out from the white count and differential"


@dataclass(frozen=True)
class Card:
    name: str
    birth_date: dt.date
    age: str  # "10 months" on the day printed
    diagnosis: str  # NOT_ENTERED when nothing is
    diagnosis_date: dt.date | None
    protocol: str  # NOT_ENTERED when none
    current: str  # "Maintenance · day 37 (started …)" or "No phase running today"
    central_line: str
    allergies: str
    counts: tuple[CountLine, ...]
    medicines: tuple[str, ...]  # empty: ``medicines_empty`` is printed instead
    fever_rule: str  # as the family typed it, or NO_FEVER_RULE
    fever_rule_entered: bool
    phone_day: str
    phone_24h: str
    hospital: str
    blood_products: str
    printed_on: dt.date
    footer: str = FOOTER_NOTE
    medicines_empty: str = NO_MEDICINES

    @property
    def title(self) -> str:
        return f"{TITLE} — {self.name}"

    @property
    def printed_line(self) -> str:
        return f"{self.footer}. Printed {self.printed_on.isoformat()}."


def card_content(
    child: Child,
    phases: Sequence[Phase],
    counts: Sequence[CountResult],
    medicine_lines: Sequence[str],
    fever_rule_text: str | None,
    printed_on: dt.date,
) -> Card:
    """The card of ``child`` as of ``printed_on`` (the injected clock's day).

    ``medicine_lines`` (the current medicine list, one line each) and ``fever_rule_text``
    (the team's rule as the family typed it) come from their own kinds; empty ones are
    printed as "No medicines entered" and "No fever rule entered — ask your team …"."""
    rule = (fever_rule_text or "").strip()
    return Card(
        name=child.name,
        birth_date=child.birth_date,
        age=format_age(child.birth_date, printed_on) if printed_on >= child.birth_date else "",
        diagnosis=diagnosis_line(child) or NOT_ENTERED,
        diagnosis_date=child.diagnosis_date,
        protocol=child.protocol or NOT_ENTERED,
        current=current_line(phases, printed_on),
        central_line=central_line_text(child),
        allergies=allergies_text(child),
        counts=tuple(latest_count(counts, code, printed_on) for code in CARD_ANALYTES),
        medicines=tuple(line.strip() for line in medicine_lines if line.strip()),
        fever_rule=rule or NO_FEVER_RULE,
        fever_rule_entered=bool(rule),
        phone_day=child.phone_day or NOT_ENTERED,
        phone_24h=child.phone_24h or NOT_ENTERED,
        hospital=child.hospital,
        blood_products=child.blood_product_notes or NOT_ENTERED,
        printed_on=printed_on,
    )


def medicine_lines(
    plans: Sequence[MedicinePlan], doses: Sequence[DoseLog], printed_on: dt.date
) -> list[str]:
    """The plans running on ``printed_on`` as the team wrote them, one line each; a plan
    whose latest logged dose (on or before that day) was held by the team says so."""
    latest: dict[int, DoseLog] = {}
    for d in doses:
        if d.plan_id is None or d.due_date > printed_on:
            continue
        seen = latest.get(d.plan_id)
        key = (d.due_date, d.due_time or dt.time())
        if seen is None or key >= (seen.due_date, seen.due_time or dt.time()):
            latest[d.plan_id] = d
    lines = []
    for p in medicines.current_plans(plans, printed_on):
        line = medicines.plan_line(p)
        last = latest.get(p.id) if p.id is not None else None
        if last is not None and last.status is DoseStatus.HELD:
            line += f" (last due dose held by the team on {last.due_date.isoformat()}, as logged)"
        lines.append(line)
    return lines


def central_line_text(child: Child) -> str:
    """The line's kind in words, with what the team calls it when typed."""
    if child.central_line is CentralLine.OTHER:
        return child.central_line_text or labels.CENTRAL_LINE["other"]
    said = labels.CENTRAL_LINE[child.central_line.value]
    return f"{said} — {child.central_line_text}" if child.central_line_text else said


def allergies_text(child: Child) -> str:
    """As typed; "No known allergies" when the family said so; "Not entered" otherwise
    (never read as none: nothing typed is not "none known")."""
    if child.allergies:
        return child.allergies
    if child.no_known_allergies:
        return "No known allergies"
    return f"{NOT_ENTERED} (not known to be none)"


def latest_count(counts: Sequence[CountResult], code: str, printed_on: dt.date) -> CountLine:
    """The newest recorded value of ``code`` up to the day printed, as the lab reported it
    (an ANC worked out from a newer differential when the lab gave none), with its date."""
    label = analytes.analyte(code).short
    taken = [
        c
        for c in counts
        if c.taken_date <= printed_on
        and (c.value(code) is not None or (code == "anc" and calculated_value(c) is not None))
    ]
    if not taken:
        return CountLine(label, NO_COUNT, None, "")
    newest = max(taken, key=lambda c: (c.taken_date, c.taken_time or dt.time(), c.id or 0))
    value = newest.value(code)
    age = _age(newest.taken_date, printed_on)
    if value is None:  # an ANC the lab did not report: worked out, in the white count's unit
        calc = calculated_value(newest)
        assert calc is not None
        wbc = newest.value("wbc")
        unit = display_unit("anc", UnitPreference.AS_REPORTED, wbc.unit if wbc else "")
        number = format_number(convert("anc", calc.normalised_value, unit), 2)
        note = "worked out from the white count and differential"
        return CountLine(label, f"{number} {unit}", newest.taken_date, age, note)
    return CountLine(label, str(shown(value, UnitPreference.AS_REPORTED)), newest.taken_date, age)


def _age(taken: dt.date, printed_on: dt.date) -> str:
    days = (printed_on - taken).days
    if days == 0:
        return "the day this card was printed"
    return f"{days} day{'s' if days != 1 else ''} before this card was printed"
