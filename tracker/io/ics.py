"""The family's calendar: one child's appointments, planned lumbar punctures and phase
starts as an iCalendar file (RFC 5545, written with the ``icalendar`` package).

- An appointment is one VEVENT; a series is one VEVENT with its RRULE, an EXDATE for each
  cancelled date and a VEVENT of the same UID with RECURRENCE-ID for each moved or edited
  date (the dates are those of :mod:`tracker.visits`, which the program shows).
- Planned lumbar punctures (still to come) and phase starts are all-day events
  (``DTSTART;VALUE=DATE``), and so are a roadmap's planned LPs and MRD checks still to
  come (its plan items: "(planned)", STATUS:TENTATIVE; a day fixed by the team CONFIRMED).
- SEQUENCE and LAST-MODIFIED come from when the entry was last saved (the record keeps
  that time for every entry and row, not a count of changes): SEQUENCE is the seconds from
  :data:`SEQUENCE_EPOCH` to it, so it grows with every change saved and a calendar that
  compares SEQUENCE takes the newer event; DTSTAMP is the time of the export.
- Every event's UID is its entry's (or plan item's) uid and :data:`UID_DOMAIN`: exporting
  again (after an edit too) gives the same UIDs, so a calendar that matches entries by UID
  updates them instead of adding them twice.
- Times are floating local times (RFC 5545 §3.3.5, form 1: no zone): the record keeps the
  clinic's hour as written on the appointment card, with no zone, and a floating time
  shows that hour on the family's own devices; naming a zone would mean guessing it.
- ``redact``: the child's name, date of birth and hospital are taken out of every text
  as on the redacted summary (:mod:`tracker.redaction`); the child is named by initials.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from icalendar import Calendar, Event, vRecur

from tracker import labels, schedule
from tracker.i18n import tr
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    OccurrenceChange,
    Phase,
    PlanItemEntry,
    Roadmap,
)
from tracker.progress import Progress, no_progress
from tracker.redaction import Redaction
from tracker.roadmap.child import plan_of, planned_from
from tracker.roadmap.plan import Sureness, What
from tracker.roadmap.planned_entries import planned_lp_entries
from tracker.roadmap.read import RoadmapError
from tracker.store import durable
from tracker.store.record import Record

# A fixed domain for the UIDs (RFC 5545 §3.8.4.7 suggests uid@domain); ".invalid" is
# reserved (RFC 2606), so it names no one's host and never changes.
UID_DOMAIN = "treatment-tracker.invalid"
PRODID = "-//Treatment Tracker//Family calendar//EN"  # i18n: not shown
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
"""SEQUENCE counts seconds from here to the entry's last save (fits 32 bits until 2088)."""

# the endings a calendar export may replace (an older export of the same kind)
CALENDAR_ENDINGS = (".ics", ".ical", ".ifb", ".icalendar")


@dataclass(frozen=True)
class PlannedCheck:
    """A roadmap's planned LP or MRD check still to come (a plan item with a date)."""

    uid: str  # the plan item's own uid: kept across applies and moves
    date: dt.date
    lp: bool  # an LP, else an MRD / marrow check
    label: str  # the template's words ("end of induction (~day 33): marrow MRD")
    phase_name: str
    fixed: bool  # the day was fixed by hand (the team's): CONFIRMED
    protocol: str
    why: str = ""  # why it moved ("moved 3 days after … started late")


@dataclass(frozen=True)
class CalendarEntries:
    """What goes into one child's calendar."""

    child: Child
    appointments: Sequence[Appointment] = ()
    lps: Sequence[CnsVisit] = ()
    phases: Sequence[Phase] = ()
    plan: Sequence[PlannedCheck] = ()
    # when each entry (or plan item) was last saved, by uid: its SEQUENCE and LAST-MODIFIED
    updated: Mapping[str, dt.datetime] = field(default_factory=dict)


def uid_of(entry_uid: str) -> str:
    return f"{entry_uid}@{UID_DOMAIN}"


def _when(day: dt.date, time: dt.time | None) -> dt.date | dt.datetime:
    """A floating local date-time (no zone), or the day alone for an all-day event."""
    return dt.datetime.combine(day, time) if time is not None else day


def sequence_of(updated: dt.datetime | None) -> int:
    """The SEQUENCE of an event last changed at ``updated`` (0 when not known)."""
    if updated is None:
        return 0
    return max(0, int((updated - SEQUENCE_EPOCH).total_seconds()))


class _Writer:
    def __init__(
        self,
        child: Child,
        stamp: dt.datetime,
        redact: bool,
        updated: Mapping[str, dt.datetime] | None = None,
    ) -> None:
        self.redaction = Redaction.for_child(child) if redact else None
        self.who = self.redaction.initials if self.redaction else child.name
        self.stamp = stamp.astimezone(dt.UTC)
        self.updated = updated or {}

    def text(self, text: str) -> str:
        return self.redaction.text(text) if self.redaction else text

    def event(self, uid: str, summary: str, start: dt.date | dt.datetime) -> Event:
        e = Event()
        e.add("uid", uid_of(uid))
        e.add("dtstamp", self.stamp)
        e.add("dtstart", start)
        e.add("summary", f"{self.who} · {self.text(summary)}")
        changed = self.updated.get(uid)
        e.add("sequence", sequence_of(changed))
        if changed is not None:
            e.add("last-modified", changed.astimezone(dt.UTC))
        return e

    def planned_check(self, c: PlannedCheck) -> Event:
        if c.lp and c.fixed:
            title = tr("Lumbar puncture (planned, date fixed by the team): {label} · {phase}")
        elif c.lp:
            title = tr("Lumbar puncture (planned): {label} · {phase}")
        elif c.fixed:
            title = tr("MRD check (planned, date fixed by the team): {label} · {phase}")
        else:
            title = tr("MRD check (planned): {label} · {phase}")
        e = self.event(c.uid, title.format(label=c.label, phase=c.phase_name), c.date)
        e.add("status", "CONFIRMED" if c.fixed else "TENTATIVE")
        e.add("transp", "TRANSPARENT")  # a day's plan, not a busy hour
        about = planned_from(c.protocol) + (f"; {c.why}" if c.why else "")
        e.add("description", self.text(about))
        return e

    def visit_details(self, e: Event, place: str, note: str) -> None:
        if place:
            e.add("location", self.text(place))
        if note:
            e.add("description", self.text(note))

    def appointment(self, a: Appointment) -> list[Event]:
        summary = (
            tr("Appointment: {with_whom}").format(with_whom=a.with_whom)
            if a.with_whom
            else tr("Appointment")
        )
        e = self.event(a.uid, summary, _when(a.date, a.time))
        self.visit_details(e, a.place, a.note)
        r = schedule.parse_repeat(a.repeat)
        if r is None:
            return [e]
        e.add("rrule", _recur(r, a.time))
        gone = [c for c in a.changes if c.cancelled]
        if gone:
            e.add("exdate", [_when(c.original_date, a.time) for c in gone])
        overrides = [self.override(a, c) for c in a.changes if not c.cancelled]
        return [e, *overrides]

    def override(self, a: Appointment, c: OccurrenceChange) -> Event:
        summary = (
            tr("Appointment: {with_whom}").format(with_whom=c.with_whom)
            if c.with_whom
            else tr("Appointment")
        )
        e = self.event(a.uid, summary, _when(c.date, c.time))
        e.add("recurrence-id", _when(c.original_date, a.time))
        self.visit_details(e, c.place, c.note)
        return e

    def lp(self, v: CnsVisit) -> Event:
        drugs = ", ".join(tr(labels.IT_DRUG[d.drug.value]) for d in v.it_drugs)
        summary = (
            tr("Lumbar puncture (planned): {drugs}").format(drugs=drugs)
            if drugs
            else tr("Lumbar puncture (planned)")
        )
        e = self.event(v.uid, summary, v.date)
        if v.note:
            e.add("description", self.text(v.note))
        return e

    def phase(self, p: Phase, start: dt.date) -> Event:
        planned = p.actual_start is None
        summary = (tr("{phase} starts (planned)") if planned else tr("{phase} starts")).format(
            phase=p.display_name
        )
        e = self.event(p.uid, summary, start)
        if p.notes:
            e.add("description", self.text(p.notes))
        return e


def _recur(r: schedule.Repeat, time: dt.time | None) -> vRecur:
    """The RRULE of a series; UNTIL in DTSTART's form (a floating end of day, or the day)."""
    rule = vRecur(freq=r.freq.upper())
    if r.interval != 1:
        rule["interval"] = r.interval
    if r.weekdays:
        rule["byday"] = [schedule.DAY_CODES[d] for d in r.weekdays]
    if r.until is not None:
        rule["until"] = _when(r.until, dt.time(23, 59, 59) if time is not None else None)
    if r.count is not None:
        rule["count"] = r.count
    return rule


def build_calendar(
    entries: CalendarEntries, today: dt.date, stamp: dt.datetime, *, redact: bool = False
) -> Calendar:
    """The calendar of one child: every appointment (series with their changes), the
    lumbar punctures planned from ``today`` on, every phase's start, and the roadmap's
    planned LPs and MRD checks from ``today`` on (a roadmap LP on the day of an LP the
    family entered is that entry: one event, not two)."""
    w = _Writer(entries.child, stamp, redact, entries.updated)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", tr("{who} · treatment plan").format(who=w.who))
    for a in sorted(entries.appointments, key=lambda a: (a.date, a.uid)):
        for e in w.appointment(a):
            cal.add_component(e)
    entered_lp_days: set[dt.date] = set()  # a roadmap LP on such a day is that entry
    for v in sorted(entries.lps, key=lambda v: (v.date, v.uid)):
        if v.planned and v.date >= today:
            cal.add_component(w.lp(v))
            entered_lp_days.add(v.date)
    for p in entries.phases:
        start = p.start
        if start is not None:
            cal.add_component(w.phase(p, start))
    for c in sorted(entries.plan, key=lambda c: (c.date, c.uid)):
        if c.date >= today and not (c.lp and c.date in entered_lp_days):
            cal.add_component(w.planned_check(c))
    return cal


def planned_checks(
    roadmaps: Sequence[Roadmap],
    phases: Sequence[Phase],
    today: dt.date,
    visits: Sequence[CnsVisit] = (),
) -> list[PlannedCheck]:
    """The roadmaps' planned LPs and MRD checks dated ``today`` or later (not yet done),
    but for an LP that is one of ``visits`` the family entered as planned, today or later
    (tracker.roadmap.planned_entries: the same phase, a few days apart; that entry is the event);
    a roadmap that cannot be read gives none (the Plan tab says why)."""
    checks: list[PlannedCheck] = []
    to_come = [v for v in visits if v.date >= today]
    for roadmap in roadmaps:
        try:
            plan = plan_of(roadmap, phases)
        except RoadmapError:
            continue
        stored: dict[str, PlanItemEntry] = {i.item_id: i for i in roadmap.items}
        entered = planned_lp_entries(plan, roadmap, phases, to_come)
        for it in plan.items:
            item = stored.get(it.id)
            if (
                it.id in entered
                or it.what not in (What.LP, What.MRD)
                or it.date is None
                or it.date < today
                or it.sureness is Sureness.DONE
                or item is None
                or not item.uid
            ):
                continue
            checks.append(
                PlannedCheck(
                    item.uid,
                    it.date,
                    it.what is What.LP,
                    it.label,
                    it.phase_name,
                    it.sureness is Sureness.FIXED,
                    roadmap.protocol,
                    item.moved_because,
                )
            )
    return checks


def calendar_bytes(
    entries: CalendarEntries, today: dt.date, stamp: dt.datetime, *, redact: bool = False
) -> bytes:
    data: bytes = build_calendar(entries, today, stamp, redact=redact).to_ical()
    return data


def write_calendar(
    path: Path,
    entries: CalendarEntries,
    today: dt.date,
    stamp: dt.datetime,
    *,
    redact: bool = False,
    progress: Progress = no_progress,
) -> int:
    """Write the calendar to ``path`` atomically (0600; the old file kept on failure); the
    number of events written.  ``progress`` hears of the steps and may stop it
    (Cancelled) before anything is written: then no file is made."""
    progress(0, 3)
    cal = build_calendar(entries, today, stamp, redact=redact)
    progress(1, 3)
    data = cal.to_ical()
    progress(2, 3)
    durable.write_atomically(Path(path), data, tr("the calendar"))  # nothing stops it now
    return len(cal.walk("VEVENT"))


def entries_of(record: Record, child: Child) -> CalendarEntries:
    """What the calendar of ``child`` holds, read from ``record``."""
    assert child.id is not None
    phases = record.entries(Phase, child.id)
    lps = record.entries(CnsVisit, child.id)
    updated = {
        **record.updated_times(Appointment),
        **record.updated_times(CnsVisit),
        **record.updated_times(Phase),
        **record.updated_times(PlanItemEntry),
    }
    return CalendarEntries(
        child,
        record.entries(Appointment, child.id),
        lps,
        phases,
        planned_checks(record.entries(Roadmap, child.id), phases, record.today(), lps),
        updated,
    )
