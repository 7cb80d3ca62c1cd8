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
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, number_text
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
NOT_ENTERED = N_("Not entered")
NO_COUNT = N_("no count recorded")
NO_MEDICINES = N_("No medicines entered")
NO_FEVER_RULE = N_("No fever rule entered — ask your team for theirs and add it")
TITLE = N_("Fever card")


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
    footer: str = field(default_factory=lambda: tr(FOOTER_NOTE))
    medicines_empty: str = field(default_factory=lambda: tr(NO_MEDICINES))
    in_hospital: str = ""  # "In hospital since 2026-04-01 (…), as entered by the family"

    @property
    def diagnosis_text(self) -> str:
        """ "pro-B (diagnosed 2026-01-15)", "Diagnosed 2026-01-15 (details not entered)"
        or "Not entered"."""
        if self.diagnosis_date is None:
            return self.diagnosis
        day = date_text(self.diagnosis_date)
        if self.diagnosis == tr(NOT_ENTERED):
            return tr("Diagnosed {date} (details not entered)").format(date=day)
        return tr("{diagnosis} (diagnosed {date})").format(diagnosis=self.diagnosis, date=day)

    @property
    def title(self) -> str:
        return tr("Fever card — {name}").format(name=self.name)

    @property
    def printed_line(self) -> str:
        return tr("{footer}. Printed {date}.").format(
            footer=self.footer, date=date_text(self.printed_on)
        )


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
        diagnosis=diagnosis_line(child) or tr(NOT_ENTERED),
        diagnosis_date=child.diagnosis_date,
        protocol=child.protocol or tr(NOT_ENTERED),
        current=current_line(phases, printed_on),
        central_line=central_line_text(child),
        allergies=allergies_text(child),
        counts=tuple(
            _after_transfusion(latest_count(counts, code, printed_on), counts, transfusions)
            for code in CARD_ANALYTES
        ),
        medicines=tuple(line.strip() for line in medicine_lines if line.strip()),
        fever_rule=rule or tr(NO_FEVER_RULE),
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
    if s.place.strip():
        return tr("In hospital since {date} ({place}), as entered by the family").format(
            date=date_text(s.from_date), place=s.place.strip()
        )
    return tr("In hospital since {date}, as entered by the family").format(
        date=date_text(s.from_date)
    )


_AFTER_PRODUCT = {
    TransfusionProduct.PLATELETS: N_("after a platelet transfusion on {date}"),
    TransfusionProduct.RED_CELLS: N_("after a red-cell transfusion on {date}"),
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
    said = tr(_AFTER_PRODUCT[t.product]).format(date=date_text(t.date))
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
            line = tr("{medicine} (last due dose held by the team on {date}, as logged)").format(
                medicine=line, date=date_text(last.due_date)
            )
        lines.append(line)
    return lines


class CardDoesNotFit(ValueError):
    """The card does not fit its page at the smallest readable size; ``str()`` says which
    parts are long and where to shorten them, and that nothing was written."""


_CHILD_DETAILS = N_("the child's details (Child's details…)")
_LONG = 300  # characters: a part this long is named when the card does not fit


def long_parts(card: Card) -> list[tuple[str, str, str]]:
    """The parts of ``card`` the family typed, longest first, that make it long: each as
    (what, how long in words, where to shorten it).  Parts over ``_LONG`` characters, or
    the three longest when none is."""
    details = tr(_CHILD_DETAILS)
    typed = [
        (tr("the name"), card.name, details),
        (tr("the diagnosis"), card.diagnosis, details),
        (tr("the hospital stay"), card.in_hospital, tr("the Hospital tab")),
        (tr("the protocol"), card.protocol, details),
        (tr("the central line"), card.central_line, details),
        (tr("the allergies"), card.allergies, details),
        (tr("the 24-hour phone number"), card.phone_24h, details),
        (tr("the day phone number"), card.phone_day, details),
        (tr("the hospital"), card.hospital, details),
        (tr("the blood-product notes"), card.blood_products, details),
        (tr("the fever rule"), card.fever_rule, tr("the team's fever rule (Temperatures tab)")),
    ]
    sized = [(len(text), what, _characters(len(text)), where) for what, text, where in typed]
    lines = "\n".join(card.medicines)
    n = len(card.medicines)
    sized.append(
        (
            len(lines),
            tr("the medicine list"),
            trn("{n} line, {characters}", "{n} lines, {characters}", n).format(
                n=n, characters=_characters(len(lines))
            ),
            tr("the Medicines tab (stop the medicines no longer given)"),
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
    each = [
        tr("{part} ({length})").format(part=what, length=length) for what, length, _where in parts
    ]
    wheres = list(dict.fromkeys(where for _what, _length, where in parts))
    values = {
        "paper": paper,
        "size": number_text(least_pt),
        "parts": _and(each),
        "where": _and(wheres),
    }
    if len(parts) > 1 and smaller:
        message = tr(
            "The fever card does not fit on {paper} with its text at least {size} pt (smaller "
            "would be hard to read); the long parts are {parts}: shorten them in {where}; or "
            "print it on A4 or US Letter, which hold more. Nothing was written."
        )
    elif len(parts) > 1:
        message = tr(
            "The fever card does not fit on {paper} with its text at least {size} pt (smaller "
            "would be hard to read); the long parts are {parts}: shorten them in {where}. "
            "Nothing was written."
        )
    elif smaller:
        message = tr(
            "The fever card does not fit on {paper} with its text at least {size} pt (smaller "
            "would be hard to read); the long part is {parts}: shorten it in {where}; or "
            "print it on A4 or US Letter, which hold more. Nothing was written."
        )
    else:
        message = tr(
            "The fever card does not fit on {paper} with its text at least {size} pt (smaller "
            "would be hard to read); the long part is {parts}: shorten it in {where}. "
            "Nothing was written."
        )
    return message.format(**values)


def _characters(n: int) -> str:
    return trn("{n} character", "{n} characters", n).format(n=f"{n:,}")


def _and(items: Sequence[str]) -> str:
    """ "a, b and c" in the current language."""
    if len(items) == 1:
        return items[0]
    return tr("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def central_line_text(child: Child) -> str:
    """The line's kind in words, with what the team calls it when typed."""
    if child.central_line is CentralLine.OTHER:
        return child.central_line_text or labels.CENTRAL_LINE["other"]
    said = labels.CENTRAL_LINE[child.central_line.value]
    if child.central_line_text:
        return tr("{kind} — {name}").format(kind=said, name=child.central_line_text)
    return said


def allergies_text(child: Child) -> str:
    """As typed; "No known allergies" when the family said so; "Not entered" otherwise
    (never read as none: nothing typed is not "none known")."""
    if child.allergies:
        return child.allergies
    if child.no_known_allergies:
        return tr("No known allergies")
    return tr("Not entered (not known to be none)")


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
        return CountLine(label, tr(NO_COUNT), None, "", code=code)
    newest = max(taken, key=lambda c: (c.taken_date, c.taken_time or dt.time(), c.id or 0))
    value = newest.value(code)
    age = _age(newest.taken_date, printed_on)
    if value is None:  # an ANC the lab did not report: worked out, in the white count's unit
        text = calculated_anc_text(newest, UnitPreference.AS_REPORTED)
        assert text is not None
        note = tr("worked out from the white count and differential")
        return CountLine(label, text, newest.taken_date, age, note, code=code, count=newest)
    text = str(shown(value, UnitPreference.AS_REPORTED))
    return CountLine(label, text, newest.taken_date, age, code=code, count=newest)


def _age(taken: dt.date, printed_on: dt.date) -> str:
    days = (printed_on - taken).days
    if days == 0:
        return tr("the day this card was printed")
    return trn(
        "{n} day before this card was printed", "{n} days before this card was printed", days
    ).format(n=days)
