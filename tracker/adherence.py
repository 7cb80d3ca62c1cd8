"""The doses due on a day and what was logged for each, and adherence as plain facts.

Pure: plans and dose logs in, facts out.  A due dose nobody logged is "not logged", never
assumed given or missed; a dose the team held is not a missed one.  The logs are looked up
by (plan, date, time) in a dict, so years of daily doses cost one pass, not a scan per dose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker import medicines, schedule
from tracker.i18n import tr, trn
from tracker.model import DoseLog, DoseStatus, MedicinePlan

Key = tuple[int, dt.date, dt.time | None]


@dataclass(frozen=True, slots=True)
class DueDose:
    """One due dose of a plan (date and hour its schedule gives) and its log, or None."""

    plan: MedicinePlan
    date: dt.date
    time: dt.time | None
    log: DoseLog | None


def log_index(doses: Iterable[DoseLog]) -> dict[Key, DoseLog]:
    """The linked logs by (plan id, due date, due time); the first saved wins."""
    out: dict[Key, DoseLog] = {}
    for d in doses:
        if d.plan_id is not None:
            out.setdefault((d.plan_id, d.due_date, d.due_time), d)
    return out


def running(plan: MedicinePlan, day: dt.date) -> bool:
    return plan.start_date <= day and (plan.end_date is None or day <= plan.end_date)


def _scheduled(plan: MedicinePlan) -> bool:
    return plan.schedule != schedule.AS_NEEDED and schedule.problem(plan.schedule) is None


def due_on(
    plans: Sequence[MedicinePlan], doses: Iterable[DoseLog] | dict[Key, DoseLog], day: dt.date
) -> list[DueDose]:
    """Every scheduled dose due on ``day`` of the plans running then, each with its log:
    doses without a time of day first, then by time, then by drug."""
    index = doses if isinstance(doses, dict) else log_index(doses)
    out: list[DueDose] = []
    for p in plans:
        if p.id is None or not running(p, day) or not _scheduled(p):
            continue
        for d, t in schedule.occurrences(p.schedule, p.start_date, p.end_date, day, day):
            out.append(DueDose(p, d, t, index.get((p.id, d, t))))
    out.sort(key=lambda x: (x.time is not None, x.time or dt.time(), x.plan.drug.lower()))
    return out


def as_needed_on(plans: Sequence[MedicinePlan], day: dt.date) -> list[MedicinePlan]:
    """The as-needed plans running on ``day`` (a dose is logged when given)."""
    return [p for p in plans if p.schedule == schedule.AS_NEEDED and running(p, day)]


def as_needed_logs(
    plans: Sequence[MedicinePlan], doses: Iterable[DoseLog], day: dt.date
) -> list[DoseLog]:
    """The doses of as-needed plans logged on ``day``, in time order."""
    ids = {p.id for p in plans if p.schedule == schedule.AS_NEEDED}
    found = [d for d in doses if d.plan_id in ids and d.due_date == day]
    return sorted(found, key=lambda d: (d.due_time or dt.time(), d.id or 0))


@dataclass(frozen=True, slots=True)
class Adherence:
    """What happened to one drug's doses due in a window (across its dose changes)."""

    drug: str
    as_needed: bool
    due: int  # scheduled doses in the window, those held by the team not included
    given: int
    partly_given: int
    vomited: int
    missed: int
    held: int
    not_logged: int
    # doses due today not logged yet (left out of ``due``), when today was given
    due_today: int = 0
    first_today: bool = False  # the drug's first plan starts today
    today_known: bool = False  # the window was counted up to a today given

    def line(self, period: str) -> str:
        """ "6-mercaptopurine: 26 of 28 doses given in the last 4 weeks (1 missed,
        1 vomited)"; ``period`` is "in the last 4 weeks", "since the last visit" …
        With nothing due yet it says so ("first dose due today"), never "0 of 0"."""
        if self.as_needed:
            return trn(
                "{drug} (as needed): {n} dose given {period}",
                "{drug} (as needed): {n} doses given {period}",
                self.given,
            ).format(drug=self.drug, n=self.given, period=period)
        if not self.due:
            return self._nothing_due(period)
        if self.due and self.not_logged == self.due:
            text = trn(
                "{drug}: {n} dose due {period}, none logged",
                "{drug}: {n} doses due {period}, none logged",
                self.due,
            ).format(drug=self.drug, n=self.due, period=period)
            return _held(text, self.held)
        head = trn(
            "{drug}: {given} of {n} dose given {period}",
            "{drug}: {given} of {n} doses given {period}",
            self.due,
        ).format(drug=self.drug, given=self.given, n=self.due, period=period)
        rest = [
            words.format(n=n)
            for n, words in (
                (self.partly_given, tr("{n} partly given")),
                (self.missed, tr("{n} missed")),
                (self.vomited, tr("{n} vomited")),
                (self.not_logged, tr("{n} not logged")),
            )
            if n
        ]
        if rest:
            head = tr("{line} ({details})").format(line=head, details=", ".join(rest))
        return _held(head, self.held)

    def _nothing_due(self, period: str) -> str:
        if self.held:
            return _held(
                tr("{drug}: no doses due {period}").format(drug=self.drug, period=period),
                self.held,
            )
        if self.due_today:
            if self.first_today and self.due_today == 1:
                return tr("{drug}: first dose due today, not logged yet").format(drug=self.drug)
            return trn(
                "{drug}: {n} dose due today, not logged yet",
                "{drug}: {n} doses due today, not logged yet",
                self.due_today,
            ).format(drug=self.drug, n=self.due_today)
        if self.today_known:
            return tr("{drug}: no doses due yet").format(drug=self.drug)
        return tr("{drug}: no doses due {period}").format(drug=self.drug, period=period)


def _held(text: str, held: int) -> str:
    """ "…; 1 held by the team" when doses were held."""
    if not held:
        return text
    return tr("{line}; {n} held by the team").format(line=text, n=held)


def adherence(
    plans: Sequence[MedicinePlan],
    doses: Sequence[DoseLog],
    first: dt.date,
    last: dt.date,
    today: dt.date | None = None,
) -> list[Adherence]:
    """One :class:`Adherence` per drug with a plan running in ``first`` … ``last``, in the
    order of their first plan.  A dose due ``today`` that is not logged yet is left out (it
    may not be due yet: tonight's dose is not "not logged" at breakfast)."""
    index = log_index(doses)
    order: list[tuple[str, bool]] = []
    counts: dict[tuple[str, bool], dict[str, int]] = {}
    names: dict[tuple[str, bool], str] = {}
    starts: dict[tuple[str, bool], dt.date] = {}  # each drug's first plan's start
    by_plan_day: dict[int, list[DoseLog]] = {}
    for d in doses:
        if d.plan_id is not None and first <= d.due_date <= last:
            by_plan_day.setdefault(d.plan_id, []).append(d)
    for p in sorted(plans, key=lambda p: (p.start_date, p.id or 0)):
        if p.id is None or p.start_date > last or (p.end_date is not None and p.end_date < first):
            continue
        if p.schedule != schedule.AS_NEEDED and schedule.problem(p.schedule) is not None:
            continue
        # One line per drug (its usual name, whichever name was typed), and its as-needed
        # doses on a line of their own: they are given, never due.
        key = (medicines.drug_key(p.drug), p.schedule == schedule.AS_NEEDED)
        if key not in counts:
            order.append(key)
            usual = medicines.usual(p.drug)
            names[key] = usual.name if usual is not None else p.drug
            counts[key] = dict.fromkeys(
                ("due", "given", "partly", "vomited", "missed", "held", "none", "today"), 0
            )
            starts[key] = p.start_date
        c = counts[key]
        if key[1]:
            c["given"] += sum(
                1
                for d in by_plan_day.get(p.id, ())
                if d.status in (DoseStatus.GIVEN, DoseStatus.PARTLY_GIVEN)
            )
            continue
        for day, at in schedule.occurrences(p.schedule, p.start_date, p.end_date, first, last):
            log = index.get((p.id, day, at))
            status = log.status if log is not None else None
            if status is None and today is not None and day >= today:
                c["today"] += day == today
                continue
            if status is DoseStatus.HELD:
                c["held"] += 1
                continue
            c["due"] += 1
            if status is None:
                c["none"] += 1
            elif status is DoseStatus.GIVEN:
                c["given"] += 1
            elif status is DoseStatus.PARTLY_GIVEN:
                c["partly"] += 1
            elif status is DoseStatus.VOMITED:
                c["vomited"] += 1
            else:
                c["missed"] += 1
    return [
        Adherence(
            names[key],
            key[1],
            counts[key]["due"],
            counts[key]["given"],
            counts[key]["partly"],
            counts[key]["vomited"],
            counts[key]["missed"],
            counts[key]["held"],
            counts[key]["none"],
            counts[key]["today"],
            starts[key] == today,
            today is not None,
        )
        for key in order
    ]
