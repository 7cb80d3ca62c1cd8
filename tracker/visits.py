"""The dates of clinic appointments: one visit, or a series (an RRULE, tracker.schedule)
with some of its dates moved, edited on their own or cancelled (iCalendar's
RECURRENCE-ID overrides and EXDATE).

Every screen, the header's "next", the printed summary, the timeline and the calendar
export take an appointment's visits from here, so they show the same dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from tracker import schedule
from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.model import Appointment, Child, OccurrenceChange

# Far enough to reach the next visit of any series (a rule repeats at least yearly: every
# 366 days, weeks or months at most); searched in growing windows, not walked day by day.
_SEARCH_YEARS = (1, 4, 35)


@dataclass(frozen=True, slots=True)
class Visit:
    """One date of an appointment as it stands: where it is (``date``, ``time``), who and
    where, and which series date it is (``original_date``; the appointment's date for a
    single visit)."""

    appointment: Appointment
    original_date: dt.date
    date: dt.date
    time: dt.time | None
    with_whom: str
    place: str
    note: str
    cancelled: bool = False
    change: OccurrenceChange | None = None

    @property
    def moved(self) -> bool:
        return self.change is not None and self.date != self.original_date

    @property
    def repeats(self) -> bool:
        return bool(self.appointment.repeat)

    @property
    def sort_key(self) -> tuple[dt.date, dt.time, int]:
        return (self.date, self.time or dt.time.min, self.appointment.id or 0)


def _visit(a: Appointment, original: dt.date, change: OccurrenceChange | None) -> Visit:
    if change is None:
        return Visit(a, original, original, a.time, a.with_whom, a.place, a.note)
    return Visit(
        a,
        original,
        change.date,
        change.time,
        change.with_whom,
        change.place,
        change.note,
        change.cancelled,
        change,
    )


def visits(
    a: Appointment, first: dt.date, last: dt.date, *, cancelled: bool = False
) -> list[Visit]:
    """The visits of ``a`` that fall on ``first`` … ``last`` (a moved one by where it is
    now), in date and time order; cancelled ones only if ``cancelled``."""
    changes = {c.original_date: c for c in a.changes}
    found = [
        _visit(a, d, changes.get(d))
        for d in schedule.repeat_dates(a.repeat, a.date, first, last)
        if d not in changes or changes[d].date == d
    ]
    for c in a.changes:  # moved ones, wherever they came from
        if c.date != c.original_date and first <= c.date <= last:
            found.append(_visit(a, c.original_date, c))
    return sorted((v for v in found if cancelled or not v.cancelled), key=lambda v: v.sort_key)


def all_visits(appointments: Iterable[Appointment], first: dt.date, last: dt.date) -> list[Visit]:
    """Every visit of ``appointments`` on ``first`` … ``last``, in date and time order."""
    found = [v for a in appointments for v in visits(a, first, last)]
    return sorted(found, key=lambda v: v.sort_key)


def next_visits(
    appointments: Sequence[Appointment], today: dt.date, n: int, *, now: dt.time | None = None
) -> list[Visit]:
    """The first ``n`` visits still to come of all ``appointments``: from ``today`` on, a
    visit today counting while its time has not passed (``now``; one without a time, or
    any when ``now`` is not known, counts all day)."""
    found: list[Visit] = []
    for years in _SEARCH_YEARS:
        last = dt.date(min(today.year + years, dt.MAXYEAR), 12, 31)
        found = [v for v in all_visits(appointments, today, last) if _to_come(v, today, now)]
        if len(found) >= n:
            break
    return found[:n]


def _to_come(v: Visit, today: dt.date, now: dt.time | None) -> bool:
    if v.date > today:
        return True
    return now is None or v.time is None or v.time >= now


def last_visit_before(appointments: Sequence[Appointment], day: dt.date) -> Visit | None:
    """The latest visit before ``day`` (the printed summary starts from it)."""
    if not appointments:
        return None
    start = min([a.date for a in appointments] + [c.date for a in appointments for c in a.changes])
    found = all_visits(appointments, start, day - dt.timedelta(days=1))
    return found[-1] if found else None


def series_dates(a: Appointment, first: dt.date, last: dt.date) -> list[dt.date]:
    """The series' own dates on ``first`` … ``last`` (before any was moved or cancelled)."""
    return schedule.repeat_dates(a.repeat, a.date, first, last)


def is_series_date(a: Appointment, day: dt.date) -> bool:
    return day in series_dates(a, day, day)


# ---------------------------------------------------------------------- changing one date


def change_for(a: Appointment, original: dt.date) -> OccurrenceChange:
    """The change of ``a``'s date ``original`` as saved, or a new one copied from the series."""
    for c in a.changes:
        if c.original_date == original:
            return c
    return OccurrenceChange(
        original_date=original,
        date=original,
        time=a.time,
        with_whom=a.with_whom,
        place=a.place,
        note=a.note,
    )


def with_change(a: Appointment, change: OccurrenceChange) -> Appointment:
    """``a`` with ``change`` in place of the one of its date (it keeps its uid)."""
    old = next((c for c in a.changes if c.original_date == change.original_date), None)
    if old is not None:
        change = replace(change, uid=old.uid)
    kept = tuple(c for c in a.changes if c.original_date != change.original_date)
    return replace(a, changes=tuple(sorted((*kept, change), key=lambda c: c.original_date)))


# What a changed date copies from the series when it is first moved or edited
# (:func:`change_for`), and keeps as its own once the family typed another value there.
_FOLLOWED = ("time", "with_whom", "place", "note")


def following(before: Appointment, after: Appointment) -> Appointment:
    """``after`` (the series edited from ``before``) with each changed date's time, who,
    place and note that were still the series' own in ``before`` (copied when the date
    was moved) taken from ``after``: a visit moved to another day only keeps following
    the series' time; one given its own time (or place) keeps it.  A value the family
    typed equal to the series' is the series' own: nothing in the record tells the two
    apart, and following it changes nothing they see until the series changes."""
    changes = tuple(
        replace(
            c,
            **{
                f: getattr(after, f)
                for f in _FOLLOWED
                if getattr(c, f) == getattr(before, f) != getattr(after, f)
            },
        )
        for c in after.changes
    )
    return replace(after, changes=changes)


def cancelled(a: Appointment, original: dt.date) -> Appointment:
    """``a`` with its date ``original`` cancelled (the EXDATE), kept as it was otherwise."""
    c = change_for(a, original)
    return with_change(a, replace(c, cancelled=True, date=original))


def put_back(a: Appointment, original: dt.date) -> Appointment:
    """``a`` with its date ``original`` as the series has it again."""
    return replace(a, changes=tuple(c for c in a.changes if c.original_date != original))


# ---------------------------------------------------------------------- rules


def _before_birth(what: str, day: dt.date, child: Child) -> str:
    return tr("{field}: {date} is before the date of birth ({birth}); check the year").format(
        field=what, date=date_text(day), birth=date_text(child.birth_date)
    )


def _taken(a: Appointment, c: OccurrenceChange) -> str | None:
    """What already stands on the day ``c`` moves its date to (another visit of the same
    series), in words, or None (a visit that is not moved, or a free day)."""
    if c.cancelled or c.date == c.original_date:
        return None
    there = next((d for d in a.changes if d.original_date == c.date), None)
    if is_series_date(a, c.date) and (
        there is None or (not there.cancelled and there.date == there.original_date)
    ):
        return tr("{date} is already a date of this series").format(date=date_text(c.date))
    for d in a.changes:
        if d is not c and not d.cancelled and d.date == c.date and d.date != d.original_date:
            return tr("{date} is already the date of the visit moved from {original}").format(
                date=date_text(c.date), original=date_text(d.original_date)
            )
    return None


def problems(a: Appointment, child: Child) -> dict[str, str]:
    """What is wrong with ``a``'s repeat and its changed dates, beside the field: a rule
    the program does not keep ("repeat"); a first date the rule does not start on, or that
    comes after a changed date ("date"); a changed date that is not one of the series or
    lies before birth ("changes", which a form with no such field shows beside the repeat)."""
    errors: dict[str, str] = {}
    why = schedule.repeat_problem(a.repeat)
    if why is not None:
        errors["repeat"] = tr("Repeat: {problem}").format(problem=why)
        return errors
    why = schedule.start_problem(a.repeat, a.date)
    if why is not None:  # the first date and the rule disagree: the date is the series' start
        rule = schedule.parse_repeat(a.repeat)
        if rule is not None and rule.until is not None and rule.until < a.date:
            # the last day typed is the odd one out
            errors["repeat"] = tr("Until: {problem}").format(problem=why)
        else:
            errors["date"] = tr("Date: {problem}").format(problem=why)
        return errors
    if not a.changes:
        return errors
    if not a.repeat:
        errors["changes"] = tr(
            "Moved or cancelled dates: only a repeating appointment has them; edit the "
            "appointment's own date instead"
        )
        return errors
    seen: set[dt.date] = set()
    for c in sorted(a.changes, key=lambda c: c.original_date):
        day = date_text(c.original_date)
        if c.original_date in seen:
            errors["changes"] = tr("Moved or cancelled dates: {date} is changed twice").format(
                date=day
            )
            break
        seen.add(c.original_date)
        if c.original_date < a.date:
            if c.cancelled:
                message = tr(
                    "Date: the visit of {date} was cancelled on its own, and it comes before "
                    "this first date {first}; choose a first date on or before {date}, or put "
                    "that visit back first (Appointments tab)"
                )
            else:
                message = tr(
                    "Date: the visit of {date} was moved or edited on its own, and it comes "
                    "before this first date {first}; choose a first date on or before {date}, "
                    "or put that visit back first (Appointments tab)"
                )
            errors["date"] = message.format(date=day, first=date_text(a.date))
            break
        if not is_series_date(a, c.original_date):
            errors["changes"] = tr(
                "Moved or cancelled dates: {date} is not one of the dates of this series "
                "({repeat}); put it back as the series has it, or change the repeat back"
            ).format(date=day, repeat=schedule.describe_repeat(a.repeat))
            break
        if c.date < child.birth_date:
            errors["changes"] = _before_birth(
                tr("The visit of {date} moved").format(date=day), c.date, child
            )
            break
        if c.cancelled and c.date != c.original_date:
            errors["changes"] = tr(
                "Moved or cancelled dates: the visit of {date} is cancelled and moved at once"
            ).format(date=day)
            break
        taken = _taken(a, c)
        if taken is not None:
            errors["changes"] = tr(
                "Moved or cancelled dates: the visit of {date} cannot move to {new}: {reason}; "
                "choose another day, or cancel the visit of {date} instead"
            ).format(date=day, new=date_text(c.date), reason=taken)
            break
    else:
        r = schedule.parse_repeat(a.repeat)
        if r is not None and (r.count is not None or r.until is not None):
            last = r.until or dt.date.max
            dates = series_dates(a, a.date, last)
            gone = {c.original_date for c in a.changes if c.cancelled}
            if dates and all(d in gone for d in dates):
                errors["changes"] = tr(
                    "Moved or cancelled dates: every date of this series is cancelled; "
                    "delete the appointment instead"
                )
    return errors
