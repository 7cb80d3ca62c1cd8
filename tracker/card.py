"""The fever card's content, as plain data (layout lives in ``ui/printing/card.py``).

A one-page card the family keeps in the bag and hands to an emergency department that does
not know the child: who the child is, the diagnosis and where treatment is, the central
line, allergies, a hospital stay running on the day printed, the latest ANC / Hb / PLT
each with its own date (and the transfusion it followed, when it did), the medicines, the
team's fever rule as the family typed it, the team's phone numbers and the blood-product
notes.  Nothing here advises: every line is what the family recorded, with its date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from tracker import analytes, labels, medicines
from tracker.anc import calculated_value
from tracker.dates import format_age
from tracker.display import UnitPreference, calculated_anc_text, shown
from tracker.kinds import stay, transfusion
from tracker.model import (
    CentralLine,
    Child,
    CountResult,
    DoseLog,
    DoseStatus,
    MedicinePlan,
    Phase,
    Stay,
    Transfusion,
    TransfusionProduct,
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
    transfusion: str = ""  # "after a platelet transfusion on 2026-04-02"
    code: str = ""  # "plt"
    count: CountResult | None = field(default=None, compare=False, repr=False)  # shown


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
    in_hospital: str = ""  # "In hospital since 2026-04-01 (…), as entered by the family"

    @property
    def diagnosis_text(self) -> str:
        """ "pro-B (diagnosed 2026-01-15)", "Diagnosed 2026-01-15 (details not entered)"
        or "Not entered"."""
        if self.diagnosis_date is None:
            return self.diagnosis
        day = self.diagnosis_date.isoformat()
        if self.diagnosis == NOT_ENTERED:
            return f"Diagnosed {day} (details not entered)"
        return f"{self.diagnosis} (diagnosed {day})"

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
    *,
    transfusions: Sequence[Transfusion] = (),
    stays: Sequence[Stay] = (),
) -> Card:
    """The card of ``child`` as of ``printed_on`` (the injected clock's day).

    ``medicine_lines`` (the current medicine list, one line each) and ``fever_rule_text``
    (the team's rule as the family typed it) come from their own kinds; empty ones are
    printed as "No medicines entered" and "No fever rule entered — ask your team …".
    A latest PLT or Hb that is the count after a platelet or red-cell transfusion (the
    transfusion kind's link) says so; a stay of ``stays`` that includes the day printed
    is named."""
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
        counts=tuple(
            _after_transfusion(latest_count(counts, code, printed_on), counts, transfusions)
            for code in CARD_ANALYTES
        ),
        medicines=tuple(line.strip() for line in medicine_lines if line.strip()),
        fever_rule=rule or NO_FEVER_RULE,
        fever_rule_entered=bool(rule),
        phone_day=child.phone_day or NOT_ENTERED,
        phone_24h=child.phone_24h or NOT_ENTERED,
        hospital=child.hospital,
        blood_products=child.blood_product_notes or NOT_ENTERED,
        printed_on=printed_on,
        in_hospital=in_hospital_text(stays, printed_on),
    )


def in_hospital_text(stays: Sequence[Stay], printed_on: dt.date) -> str:
    """ "In hospital since 2026-04-01 (where), as entered by the family" for the stay that
    has the child in hospital on ``printed_on`` (the one going on after a transfer that
    day), "" when none does: a stay that ended that day has the child home."""
    running = [s for s in stays if stay.in_hospital_on(s, printed_on)]
    if not running:
        return ""
    s = max(running, key=lambda s: (s.from_date, s.id or 0))
    where = f" ({s.place.strip()})" if s.place.strip() else ""
    return f"In hospital since {s.from_date.isoformat()}{where}, as entered by the family"


_AFTER_PRODUCT = {
    TransfusionProduct.PLATELETS: "platelet",
    TransfusionProduct.RED_CELLS: "red-cell",
}


def _after_transfusion(
    line: CountLine, counts: Sequence[CountResult], transfusions: Sequence[Transfusion]
) -> CountLine:
    """``line`` saying "after a platelet transfusion on …" when its count is the count
    after a transfusion of the product that follows its value (the latest such one)."""
    if line.count is None:
        return line
    followed = [
        t
        for t in transfusions
        if t.product in _AFTER_PRODUCT
        and (linked := transfusion.linked_counts(t, counts)) is not None
        and linked.analyte == line.code
        and linked.after is line.count
    ]
    if not followed:
        return line
    t = max(followed, key=lambda t: (t.date, t.time or dt.time.min, t.id or 0))
    said = f"after a {_AFTER_PRODUCT[t.product]} transfusion on {t.date.isoformat()}"
    return replace(line, transfusion=said)


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


class CardDoesNotFit(ValueError):
    """The card does not fit its page at the smallest readable size; ``str()`` says which
    parts are long and where to shorten them, and that nothing was written."""


_CHILD_DETAILS = "the child's details (Child's details…)"
_LONG = 300  # characters: a part this long is named when the card does not fit


def long_parts(card: Card) -> list[tuple[str, str, str]]:
    """The parts of ``card`` the family typed, longest first, that make it long: each as
    (what, how long in words, where to shorten it).  Parts over ``_LONG`` characters, or
    the three longest when none is."""
    typed = [
        ("the name", card.name, _CHILD_DETAILS),
        ("the diagnosis", card.diagnosis, _CHILD_DETAILS),
        ("the hospital stay", card.in_hospital, "the Hospital tab"),
        ("the protocol", card.protocol, _CHILD_DETAILS),
        ("the central line", card.central_line, _CHILD_DETAILS),
        ("the allergies", card.allergies, _CHILD_DETAILS),
        ("the 24-hour phone number", card.phone_24h, _CHILD_DETAILS),
        ("the day phone number", card.phone_day, _CHILD_DETAILS),
        ("the hospital", card.hospital, _CHILD_DETAILS),
        ("the blood-product notes", card.blood_products, _CHILD_DETAILS),
        ("the fever rule", card.fever_rule, "the team's fever rule (Temperatures tab)"),
    ]
    sized = [(len(text), what, f"{len(text):,} characters", where) for what, text, where in typed]
    lines = "\n".join(card.medicines)
    n = len(card.medicines)
    sized.append(
        (
            len(lines),
            "the medicine list",
            f"{n} line{'s' if n != 1 else ''}, {len(lines):,} characters",
            "the Medicines tab (stop the medicines no longer given)",
        )
    )
    sized.sort(key=lambda part: -part[0])
    long = [part for part in sized if part[0] > _LONG] or sized[:3]
    return [(what, length, where) for _n, what, length, where in long]


def does_not_fit_message(card: Card, paper: str, least_pt: float, *, smaller: bool) -> str:
    """One plain sentence: the card does not fit on ``paper`` ("one A4 page") with its text
    at ``least_pt``,
    which parts are long and where to shorten them (``smaller``: a larger paper holds
    more), and that nothing was written."""
    parts = long_parts(card)
    each = [f"{what} ({length})" for what, length, _where in parts]
    named = each[0] if len(each) == 1 else f"{', '.join(each[:-1])} and {each[-1]}"
    wheres = list(dict.fromkeys(where for _what, _length, where in parts))
    long = "the long parts are" if len(parts) > 1 else "the long part is"
    also = "; or print it on A4 or US Letter, which hold more" if smaller else ""
    return (
        f"The fever card does not fit on {paper} with its text at least "
        f"{least_pt:g} pt (smaller would be hard to read); {long} {named}: shorten "
        f"{'them' if len(parts) > 1 else 'it'} in {' and '.join(wheres)}{also}. "
        "Nothing was written."
    )


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
        return CountLine(label, NO_COUNT, None, "", code=code)
    newest = max(taken, key=lambda c: (c.taken_date, c.taken_time or dt.time(), c.id or 0))
    value = newest.value(code)
    age = _age(newest.taken_date, printed_on)
    if value is None:  # an ANC the lab did not report: worked out, in the white count's unit
        text = calculated_anc_text(newest, UnitPreference.AS_REPORTED)
        assert text is not None
        note = "worked out from the white count and differential"
        return CountLine(label, text, newest.taken_date, age, note, code=code, count=newest)
    text = str(shown(value, UnitPreference.AS_REPORTED))
    return CountLine(label, text, newest.taken_date, age, code=code, count=newest)


def _age(taken: dt.date, printed_on: dt.date) -> str:
    days = (printed_on - taken).days
    if days == 0:
        return "the day this card was printed"
    return f"{days} day{'s' if days != 1 else ''} before this card was printed"
