"""Home medicines in words: the usual drugs of infant ALL with the short names families
and teams use, the plans running on a day, one plan as a line, and the history of dose
changes read from the chain of plans (each change ends a plan and starts the next, whose
``follows_id`` points back).

The list is domain.md §5.3 ("Medicines at home": 6-mercaptopurine daily, methotrexate by
mouth weekly, co-trimoxazole on set days, dexamethasone / prednisone courses, and the
others: antiemetics, antifungal prophylaxis), with prednisolone and the names issue 12
asks for.  Any other
medicine is typed as free text.  Nothing here works out a dose or says what to do: the
lines repeat what the family copied from the team's sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker import schedule
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.model import MedicineForm, MedicinePlan

ASK_YOUR_TEAM = N_("ask your team")


@dataclass(frozen=True)
class Drug:
    """One of the usual medicines: its name, the short name lines use, other names it is
    typed as (brands, abbreviations), and its usual form of use (domain.md §5.3)."""

    name: str
    short: str
    aliases: tuple[str, ...]
    use: str


USUAL: tuple[Drug, ...] = (
    Drug(
        "6-mercaptopurine",
        "6-MP",
        ("6-MP", "6MP", "6 MP", "mercaptopurine", "Purinethol", "Xaluprine", "mercaptopurina"),
        N_("by mouth, daily in maintenance (some protocols: in the evening)"),
    ),
    Drug(
        "methotrexate (by mouth)",  # i18n: not shown (the name a plan keeps, as data)
        "MTX",
        (
            "MTX",
            "methotrexate",
            "oral methotrexate",  # i18n: not shown (names matched as typed)
            "methotrexate oral",  # i18n: not shown
            "MTX oral",  # i18n: not shown
            "metotrexato (oral)",  # i18n: not shown (the Spanish pick list's name)
            "méthotrexate (par voie orale)",  # i18n: not shown (the French one's)
        ),
        N_("by mouth, weekly in maintenance"),
    ),
    Drug(
        "co-trimoxazole",
        "co-trimoxazole",
        (
            "cotrimoxazole",
            "Septrin",
            "Bactrim",
            "Septra",
            "TMP-SMX",
            "TMP/SMX",
            "trimethoprim-sulfamethoxazole",
            "cotrimoxazol",  # i18n: not shown (es)
        ),
        N_("Pneumocystis prophylaxis on set days of the week"),
    ),
    Drug(
        "dexamethasone",
        "dexamethasone",
        ("dex", "Decadron", "dexametasona", "dexaméthasone"),
        N_("courses with start/stop dates"),
    ),
    Drug("prednisone", "prednisone", ("prednisona",), N_("courses with start/stop dates")),
    # Not "pred": it is typed for prednisone and for prednisolone, two different drugs.
    Drug("prednisolone", "prednisolone", ("prednisolona",), N_("courses with start/stop dates")),
    Drug("fluconazole", "fluconazole", ("Diflucan", "fluconazol"), N_("antifungal prophylaxis")),
    Drug("posaconazole", "posaconazole", ("Noxafil", "posaconazol"), N_("antifungal prophylaxis")),
    Drug(
        "ondansetron",
        "ondansetron",
        ("Zofran", "ondansetrón", "ondansétron"),
        N_("against sickness"),
    ),
)


# The names the medicine pick list offers, in the language shown (USUAL's order).  What is
# picked is kept as the family's text; every translated name is also one of the drug's
# aliases above, so a plan picked in Spanish is the same medicine as one picked in English.
PICK_LIST = (
    N_("6-mercaptopurine"),
    N_("methotrexate (by mouth)"),
    N_("co-trimoxazole"),
    N_("dexamethasone"),
    N_("prednisone"),
    N_("prednisolone"),
    N_("fluconazole"),
    N_("posaconazole"),
    N_("ondansetron"),
)


def pick_list() -> list[str]:
    """The usual medicines' names as the pick list offers them, in the language shown."""
    return [tr(name) for name in PICK_LIST]


def _key(text: str) -> str:
    """A name folded for matching: case and everything but letters and digits dropped
    ("6-MP", "6 mp" and "6MP" are one name)."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


_BY_KEY: dict[str, Drug] = {}
for _drug in USUAL:
    for _name in (_drug.name, _drug.short, *_drug.aliases):
        _BY_KEY.setdefault(_key(_name), _drug)


def usual(text: str) -> Drug | None:
    """The usual medicine ``text`` names (any of its names, any case), or None."""
    return _BY_KEY.get(_key(text)) if _key(text) else None


def drug_key(text: str) -> str:
    """What two plans of the same medicine share: the usual drug's name, else the typed
    name folded ("Septrin" and "co-trimoxazole" are one medicine)."""
    d = usual(text)
    return d.name if d is not None else _key(text)


def same_drug(a: str, b: str) -> bool:
    return drug_key(a) == drug_key(b)


def short_name(text: str) -> str:
    """ "6-MP" for any name of 6-mercaptopurine; a typed name as typed."""
    d = usual(text)
    return d.short if d is not None else text.strip()


def _order(p: MedicinePlan) -> tuple[int, str, dt.date, int]:
    d = usual(p.drug)
    place = USUAL.index(d) if d is not None else len(USUAL)
    return (place, drug_key(p.drug), p.start_date, p.id or 0)


def sort_plans(plans: Iterable[MedicinePlan]) -> list[MedicinePlan]:
    """The usual medicines first in the list's order, then the others by name; each
    medicine's plans by start."""
    return sorted(plans, key=_order)


def runs_on(p: MedicinePlan, on: dt.date) -> bool:
    return p.start_date <= on and (p.end_date is None or on <= p.end_date)


def current_plans(plans: Iterable[MedicinePlan], on: dt.date) -> list[MedicinePlan]:
    """The plans running on ``on`` (started on or before it, not ended before it), the
    usual medicines first in the list's order, then the others by name."""
    return sort_plans(p for p in plans if runs_on(p, on))


def dose_text(p: MedicinePlan) -> str:
    """ "20 mg", as the team wrote it; "dose not entered" for a plan saved without one
    (formats 6-8 allowed it)."""
    text = " ".join(part for part in (p.dose_amount.strip(), p.dose_unit.strip()) if part)
    return text or tr(NO_DOSE)


NO_DOSE = N_("dose not entered")


# The form's word as the family reads it (the stored value stays the English identifier).
FORM_NAMES = {
    MedicineForm.TABLET.value: N_("tablet"),
    MedicineForm.LIQUID.value: N_("liquid"),
    MedicineForm.CAPSULE.value: N_("capsule"),
    MedicineForm.OTHER.value: N_("other"),
}


def strength_text(p: MedicinePlan) -> str:
    """ "50 mg tablet", "20 mg/mL liquid": the strength with its form (in the reader's
    language) unless it says it."""
    strength = p.strength.strip()
    if not strength:
        return ""
    if p.form is None or p.form is MedicineForm.OTHER:
        return strength
    form = tr(FORM_NAMES[p.form.value])
    said = strength.casefold()
    if p.form.value in said or form.casefold() in said:
        return strength
    return tr("{strength} {form}").format(strength=strength, form=form)


def schedule_text(p: MedicinePlan) -> str:
    """The schedule in words ("daily, at 19:00"); a rule this program cannot read is shown
    as stored (the plan's own check names it)."""
    try:
        return schedule.describe(p.schedule)
    except ValueError:
        return p.schedule


def plan_line(p: MedicinePlan) -> str:
    """ "6-mercaptopurine 20 mg daily (50 mg tablet), since 2026-03-04"; an ended plan
    "…, 2026-01-10 to 2026-03-03"."""
    what = " ".join(part for part in (p.drug.strip(), dose_text(p), schedule_text(p)) if part)
    strength = strength_text(p)
    if strength:
        what += f" ({strength})"
    if p.end_date is not None:
        return tr("{medicine}, {start} to {end}").format(
            medicine=what, start=date_text(p.start_date), end=date_text(p.end_date)
        )
    return tr("{medicine}, since {start}").format(medicine=what, start=date_text(p.start_date))


@dataclass(frozen=True)
class Change:
    """One step in a medicine's history: ``date`` it took effect, ``text`` in words,
    ``plan`` the plan it started (a change or start) or ended (a stop)."""

    date: dt.date
    text: str
    plan: MedicinePlan
    kind: str  # "start", "change" or "stop"


def _dose_and_schedule(p: MedicinePlan, other: MedicinePlan) -> str:
    """The dose, with the schedule and strength where they differ from ``other``'s."""
    text = dose_text(p) or tr("no dose written")
    if p.schedule != other.schedule:
        text += f" {schedule_text(p)}"
    if strength_text(p) != strength_text(other) and strength_text(p):
        text += f" ({strength_text(p)})"
    return text


def _words(*parts: str) -> str:
    """The parts that say something, one space between them (a plan without a dose)."""
    return " ".join(part.strip() for part in parts if part.strip())


def _team(p: MedicinePlan) -> str:
    note = " ".join(p.team_note.split())
    return tr(", team: {note}").format(note=note) if note else ""


def history(plans: Sequence[MedicinePlan]) -> list[Change]:
    """Every start, dose change and stop, oldest first: a plan following another of the
    same medicine is a change ("6-MP 25 mg → 20 mg on 2026-03-04, team: WBC low"); a plan
    following none is a start; an ended plan no other follows is a stop."""
    by_id = {p.id: p for p in plans if p.id is not None}
    followed = {p.follows_id for p in plans if p.follows_id is not None}
    out: list[Change] = []
    for p in sorted(plans, key=lambda p: (p.start_date, _order(p))):
        name = short_name(p.drug)
        before = by_id.get(p.follows_id) if p.follows_id is not None else None
        if before is not None:
            text = tr("{medicine} {before} → {after} on {date}{team}").format(
                medicine=name,
                before=_dose_and_schedule(before, p),
                after=_dose_and_schedule(p, before),
                date=date_text(p.start_date),
                team=_team(p),
            )
            out.append(Change(p.start_date, text, p, "change"))
        else:
            text = _words(name, dose_text(p), schedule_text(p))
            out.append(
                Change(
                    p.start_date,
                    tr("{medicine}: started {date}{team}").format(
                        medicine=text, date=date_text(p.start_date), team=_team(p)
                    ),
                    p,
                    "start",
                )
            )
        if p.end_date is not None and p.id not in followed:
            out.append(
                Change(
                    p.end_date,
                    tr("{medicine}: stopped after {date}").format(
                        medicine=_words(name, dose_text(p)), date=date_text(p.end_date)
                    ),
                    p,
                    "stop",
                )
            )
    out.sort(key=lambda c: c.date)
    return out


def history_lines(plans: Sequence[MedicinePlan]) -> list[str]:
    """:func:`history` as lines, oldest first."""
    return [c.text for c in history(plans)]


def chain(plans: Sequence[MedicinePlan], plan: MedicinePlan) -> list[MedicinePlan]:
    """The plans ``plan`` belongs with through dose changes, oldest first."""
    by_id = {p.id: p for p in plans if p.id is not None}
    first = plan
    seen = {first.id}
    while first.follows_id is not None and first.follows_id in by_id:
        first = by_id[first.follows_id]
        if first.id in seen:
            break
        seen.add(first.id)
    out = [first]
    while True:
        nxt = [p for p in plans if p.follows_id == out[-1].id and p.id not in {q.id for q in out}]
        if not nxt:
            return out
        out.append(min(nxt, key=lambda p: (p.start_date, p.id or 0)))
