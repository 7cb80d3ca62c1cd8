"""Hospital stays: from a date to a date (open, no end, while the child is still in
hospital), where, why and a note.

Nights are counted honestly, by one rule (:func:`nights_between`): a stay's nights are the
dates ``d`` with ``from ≤ d < to`` (the night from ``d`` to the next morning); a stay from
2026-03-25 to 2026-03-29 has 4 nights, a day case (from = to) none.  An open stay's nights
run up to the end of the period asked about, and never past today.  Within a period
[start, end] (the summary's range) only the nights from ``start`` to the morning of ``end``
count: a stay that began before the range counts only its nights inside it.

Two stays may not overlap (a child is in one hospital at a time); a stay may begin on the
day another ended (a transfer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker import forms
from tracker.dates import parse_date, parse_optional_date
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import Child, Stay, StayReason

REASON_LABELS = {
    "planned": N_("Planned block of treatment"),
    "fever": N_("Fever / febrile neutropenia"),
    "infection": N_("Infection"),
    "other": N_("Other"),
}


def _listed(labels: Mapping[str, str]) -> str:
    """ "A, B, C or D" (in the family's language)."""
    names = [tr(n) for n in labels.values()]
    return tr("{names} or {last}").format(names=", ".join(names[:-1]), last=names[-1])


# Short enough for a band a few days wide on the timeline.
REASON_SHORT = {
    "planned": N_("Planned"),
    "fever": N_("Fever"),
    "infection": N_("Infection"),
    "other": N_("Other"),
}


def reason_short(s: Stay) -> str:
    if s.reason is StayReason.OTHER and s.reason_text:
        return s.reason_text
    return tr(REASON_SHORT[s.reason.value])


def reason_name(s: Stay) -> str:
    """ "Fever / febrile neutropenia", or the other reason as typed."""
    if s.reason is StayReason.OTHER and s.reason_text:
        return s.reason_text
    return tr(REASON_LABELS[s.reason.value])


def dates_text(s: Stay) -> str:
    """ "2026-03-25 – 2026-03-29", or "in hospital since 2026-03-25" while open."""
    if s.to_date is None:
        return tr("in hospital since {date}").format(date=date_text(s.from_date))
    if s.to_date == s.from_date:
        return tr("{date} (day case)").format(date=date_text(s.from_date))
    return f"{date_text(s.from_date)} – {date_text(s.to_date)}"


def in_hospital_on(s: Stay, day: dt.date) -> bool:
    """Whether this stay has the child in hospital on ``day``: it began on or before it and
    has not ended by then.  ``to_date`` is the day the child came home, so on that day the
    stay is over (a day case, from = to, too); an open stay goes on.  The same as the
    summary's and the Hospital tab's "in hospital", which only a stay without an end has."""
    return s.from_date <= day and (s.to_date is None or day < s.to_date)


def _overlap(a: Stay, b: Stay) -> bool:
    """Whether two stays share a night, or one lies inside the other (an open stay runs on
    without end: nothing may begin after it until it is closed)."""
    far = dt.date.max
    a_to, b_to = a.to_date or far, b.to_date or far
    if a.from_date == a_to or b.from_date == b_to:  # a day case inside another stay
        return a.from_date < b_to and b.from_date < a_to and a.from_date != b.from_date
    return a.from_date < b_to and b.from_date < a_to


def _same(a: Stay, b: Stay) -> bool:
    return (a.id is not None and a.id == b.id) or (bool(a.uid) and a.uid == b.uid)


def validate_stay(s: Stay, others: Sequence[Stay] = (), where: str = "") -> Problems:
    errors: Problems = {}
    if s.reason is StayReason.OTHER and not s.reason_text.strip():
        errors["reason_text"] = tr("Other reason: say why the child was in hospital")
    elif s.reason is not StayReason.OTHER and s.reason_text:
        errors["reason_text"] = tr(
            "Other reason: typed only for “Other”; this one is {reason}"
        ).format(reason=tr(REASON_LABELS[s.reason.value]))
    if s.to_date is not None and s.to_date < s.from_date:
        errors["to_date"] = tr("To: {date} is before the stay began ({start})").format(
            date=date_text(s.to_date), start=date_text(s.from_date)
        )
        return errors
    for other in others:
        if _same(s, other) or not _overlap(s, other):
            continue
        named = (
            tr("{dates} at {place}").format(dates=dates_text(other), place=other.place)
            if other.place
            else dates_text(other)
        )
        message = (
            tr(
                "From: this stay overlaps another one ({stay}); a child is in one hospital at "
                "a time: close that stay first"
            )
            if other.to_date is None
            else tr(
                "From: this stay overlaps another one ({stay}); a child is in one hospital at "
                "a time: check the dates"
            )
        )
        errors["from_date"] = message.format(stay=named)
        break
    return errors


def _validate(s: Stay, context: Context) -> Problems:
    return validate_stay(s, context.entries("stay"))


# ------------------------------------------------------------ the form


def stay_from_form(
    f: Mapping[str, str],
    *,
    child: Child,
    today: dt.date,
    others: Sequence[Stay] = (),
    id: int | None = None,
    uid: str = "",
) -> Stay:
    """The dialog's fields (from_date, to_date, place, reason, reason_text, note) as an
    entry; ``others`` are the child's saved stays (overlaps are refused)."""
    c = forms.Collector()
    assert child.id is not None
    window = forms.form_window(today, child)
    start = c.run("from_date", parse_date, forms.field_text(f, "from_date"), tr("From"), window)
    end = c.run("to_date", parse_optional_date, forms.field_text(f, "to_date"), tr("To"), window)
    if forms.field_text(f, "reason"):
        reason = c.choice(f, "reason", StayReason, "other", tr("Why"), REASON_LABELS)
    else:  # required by the kind: never guessed
        reason = StayReason.OTHER
        c.add(
            "reason",
            tr("Why: choose why the child was in hospital ({reasons})").format(
                reasons=_listed(REASON_LABELS)
            ),
        )
    reason_text = forms.field_text(f, "reason_text")
    if reason is not StayReason.OTHER:
        reason_text = ""
    s = Stay(
        child_id=child.id,
        from_date=start or child.birth_date,
        to_date=end,
        place=forms.field_text(f, "place"),
        reason=reason,
        reason_text=reason_text,
        note=forms.field_text(f, "note"),
        id=id,
        uid=uid,
    )
    if start is not None:
        context = Context(child, today, lambda key: others if key == "stay" else ())
        for field, message in STAY.problems(s, context).items():
            if field != "reason_text" or "reason" not in c.errors:  # not of the stand-in
                c.add(field, message)
    c.raise_if_any()
    return s


# ------------------------------------------------------------ nights


def nights_between(s: Stay, start: dt.date, end: dt.date, today: dt.date) -> int:
    """The stay's nights from the evening of ``start`` to the morning of ``end`` (the
    module's rule); an open stay's run to ``end`` or today, whichever is earlier."""
    stop = s.to_date if s.to_date is not None else min(end, today)
    first, last = max(s.from_date, start), min(stop, end)
    return max((last - first).days, 0)


def nights(s: Stay, today: dt.date) -> int:
    """All the stay's nights (an open one's up to today)."""
    return nights_between(s, s.from_date, dt.date.max, today)


def in_period(s: Stay, start: dt.date, end: dt.date, today: dt.date) -> bool:
    """Whether the stay counts in [start, end]: it began inside it, or has a night inside
    it (a stay that ended on ``start`` had all its nights before)."""
    return start <= s.from_date <= end or nights_between(s, start, end, today) > 0


@dataclass(frozen=True)
class StayTotal:
    stays: int
    nights: int
    open_since: dt.date | None  # the start of a stay still open, if one counts

    def text(self, period: str) -> str:
        """ "2 stays, 9 nights since the last visit" (``period`` as the summary says it)."""
        stays = trn("{n} stay", "{n} stays", self.stays).format(n=self.stays)
        nights = trn("{n} night", "{n} nights", self.nights).format(n=self.nights)
        line = tr("{stays}, {nights} {period}").format(stays=stays, nights=nights, period=period)
        line = line.rstrip()
        if self.open_since is not None:
            line = tr("{total}; in hospital since {date}").format(
                total=line, date=date_text(self.open_since)
            )
        return line


def total(stays: Sequence[Stay], start: dt.date, end: dt.date, today: dt.date) -> StayTotal:
    inside = [s for s in stays if in_period(s, start, end, today)]
    return StayTotal(
        len(inside),
        sum(nights_between(s, start, end, today) for s in inside),
        min((s.from_date for s in inside if s.to_date is None), default=None),
    )


def describe(s: Stay) -> str:
    return tr("a hospital stay from {date}").format(date=date_text(s.from_date))


STAY = Kind(
    key="stay",
    model=Stay,
    table="stay",
    json="stays",
    fields=(
        Date("from_date", N_("From")),
        Date("to_date", N_("To"), optional=True),
        Text("place", N_("Where")),
        Choice("reason", N_("Why"), enum=StayReason, default=StayReason.OTHER),
        Text("reason_text", N_("Other reason"), longest=LONG_TEXT),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("hospital stay"),
    plural=N_("hospital stays"),
    describe=describe,
    order_by="from_date, id",  # i18n: not shown
    sort_key=date_sort_key("from_date"),
    dates=(
        DateRule("from_date", not_in_future=True),
        DateRule("to_date", not_in_future=True),
    ),
    validate=_validate,
    json_required_since=5,
)
