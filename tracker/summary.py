"""The printed summary's content, as plain data (layout lives in ``ui/printing``).

A parent prints this before an appointment: who the child is, where they are in
treatment, what happened since the last visit (counts, milestones, lumbar
punctures), what is planned, and their open questions.  Everything here is
pure and tested without Qt; the layout only places it on paper.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker import analytes, fever, labels, medicines, ranges, schedule
from tracker.adherence import adherence
from tracker.analytes import format_number
from tracker.anc import anc_view, calculate_anc, calculated_value
from tracker.assessment import Assessor, assess_calculated_anc, flag_in_cell
from tracker.dates import format_age
from tracker.display import (
    UnitPreference,
    convert,
    converted_number,
    display_unit,
    typed_number,
    unit_spelling,
)
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, date_time_text, time_text
from tracker.kinds import stay as stay_kind
from tracker.kinds import transfusion as transfusion_kind
from tracker.kinds.growth import bsa_line, weight_line
from tracker.kinds.symptom import SEVERITY_LABELS, grade_label, what_words
from tracker.kinds.temperature import done_words, site_words
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    CountResult,
    DoseLog,
    FeverRule,
    Growth,
    ItDrug,
    MedicinePlan,
    Milestone,
    Phase,
    Question,
    Roadmap,
    Stay,
    Symptom,
    TeamThreshold,
    Temperature,
    Transfusion,
)
from tracker.mrd import format_mrd
from tracker.phases import current_phase
from tracker.redaction import Redaction, initials, redacted_age
from tracker.roadmap.child import plan_of, whats_next
from tracker.roadmap.done import entered_items
from tracker.roadmap.read import RoadmapError
from tracker.visits import last_visit_before, next_visits

DEFAULT_WEEKS = 4
FOOTER_NOTE = N_("Kept by the family; not a medical record")
MAIN_ANALYTES = ("wbc", "anc", "hgb", "plt")
_NOT_IN_TABLE = ("Chemistry", "Drug levels")  # i18n: not shown


class SummaryError(ValueError):
    """A summary cannot be made (a range that ends before it starts): the reason.

    A range with nothing recorded in it is not refused: the summary says so and prints."""


Assess = Assessor


@dataclass(frozen=True)
class Cell:
    text: str  # "0.42 (low)"
    calculated: bool = False
    flagged: bool = False
    lab_flag: str = ""  # the flag the lab printed, as printed: shown apart from ``text``'s


@dataclass(frozen=True)
class LabLine:
    """A chemistry result or drug level, as typed, with the program's flag against the lab's
    own range (none for a drug level: its note says why) and the lab's own flag apart."""

    date: dt.date
    time: str
    test: str
    value: str  # "12 mg/L", as typed
    range_text: str
    flag: str  # "(high)" or ""
    lab_flag: str
    note: str  # "48 h after the infusion started; compare with your team's rescue plan"


@dataclass(frozen=True)
class OtherLine:
    """A result of a test the program does not know, as printed (no range check of its own)."""

    date: dt.date
    time: str
    name: str
    value: str
    unit: str
    range_text: str
    lab_flag: str
    lab_comment: str


@dataclass(frozen=True)
class CountRow:
    date: dt.date
    time: str
    cells: dict[str, Cell]
    source: str
    note: str


@dataclass(frozen=True)
class EventLine:
    date: dt.date
    text: str
    planned: bool = False


@dataclass(frozen=True)
class LpLine:
    date: dt.date
    procedure: str
    drugs: str
    status: str
    csf: str
    phase: str
    planned: bool


@dataclass(frozen=True)
class TemperatureLine:
    when: str  # "2026-05-03 21:40"
    reading: str  # in both units, the typed one first: "38.4 °C (101.1 °F)"
    marked: bool  # at or above the team's fever number in force that day
    site: str
    done: str  # what was done, as recorded
    note: str


@dataclass(frozen=True)
class SymptomLine:
    dates: str  # "2026-05-03" or "2026-05-03 – 2026-05-06"
    what: str
    severity: str  # in the family's words: "mild", or ""
    grade: str  # "grade 1 (CTCAE v5.0, for labelling, not decisions)", or ""
    note: str


@dataclass
class Summary:
    # header
    name: str  # full name, or initials when redacted (tracker.redaction)
    initials: str
    redacted: bool
    birth_date: dt.date | None  # None on a redacted summary
    age: str
    diagnosis_date: dt.date | None
    diagnosis: str  # "pro-B · KMT2A rearranged (AFF1)"
    protocol: str
    risk_group: str
    hospital: str
    printed_on: dt.date
    # the range
    start: dt.date
    end: dt.date
    range_reason: str
    # where we are
    current: str
    plan_ahead: list[EventLine] = field(default_factory=list)
    # the roadmap's next items (tracker.roadmap.child.whats_next; the Plan tab's What's next
    # lists them among the appointments and entries, which plan_ahead has here):
    # (date or "unknown", what, how sure), and the roadmap's protocol; empty without one
    roadmap_next: list[tuple[str, str, str]] = field(default_factory=list)
    roadmap_protocol: str = ""
    # since the last visit
    milestones: list[EventLine] = field(default_factory=list)
    notes: list[EventLine] = field(default_factory=list)
    count_columns: list[str] = field(default_factory=list)  # analyte codes
    count_headers: dict[str, str] = field(default_factory=dict)  # code → "ANC (×10⁹/L)"
    counts: list[CountRow] = field(default_factory=list)
    count_footnotes: list[str] = field(default_factory=list)
    # what the lab wrote beside a value: "2026-11-02 PLT: clumped sample" (as printed)
    lab_comments: list[EventLine] = field(default_factory=list)
    other_results: list[OtherLine] = field(default_factory=list)  # newest first
    lab_results: list[LabLine] = field(default_factory=list)  # chemistry, drug levels; newest first
    thresholds: list[str] = field(default_factory=list)
    # CNS
    lps: list[LpLine] = field(default_factory=list)
    it_totals: dict[str, int] = field(default_factory=dict)  # drug label → doses so far
    next_lp: EventLine | None = None
    # questions
    questions: list[EventLine] = field(default_factory=list)
    # growth: "Latest weight 7.85 kg on 2026-11-20" and the BSA, labelled with its formula and
    # for information only, when a weight and a length of one day exist (tracker.kinds.growth)
    growth: list[str] = field(default_factory=list)
    # temperatures and symptoms in the range (tracker.fever): the team's fever rule in force
    # at the range's end as typed ("" when none is entered: readings are only shown), the
    # readings at or above its number or with something done, a line counting them all
    fever_rule: str = ""
    temperatures: list[TemperatureLine] = field(default_factory=list)
    temperature_count: str = ""
    temperatures_listed: str = ""  # which readings the table lists (not all are)
    symptoms: list[SymptomLine] = field(default_factory=list)
    # Medicines at home in the range, as plain facts per drug (tracker.adherence): "6-MP: 26
    # of 28 doses given since the last visit (1 missed, 1 vomited)"; a dose not logged is
    # said to be not logged, never counted as given or missed.
    medicines_at_home: list[str] = field(default_factory=list)
    # Current medicines (the list to bring): every plan running on the range's end date, as
    # the team wrote it (tracker.medicines.plan_line); and the starts, dose changes and stops
    # within the range, oldest first
    medicines: list[str] = field(default_factory=list)
    # the same plans in columns for the printed table: medicine, dose, when, strength, since
    medicine_rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    medicine_changes: list[EventLine] = field(default_factory=list)
    # hospital stays in the range ("2 stays, 9 nights since the last visit", then one line
    # each) and the transfusions in it with the counts before and after, linked from the
    # record (tracker.kinds.stay, tracker.kinds.transfusion)
    stay_total: str = ""
    stays: list[EventLine] = field(default_factory=list)
    transfusions: list[EventLine] = field(default_factory=list)
    # The team's contacts as typed, on a sheet with nothing new (it has room then: a full
    # four-week sheet must stay one page); never on a redacted one.
    contacts: list[str] = field(default_factory=list)
    # "Nothing new since the last visit (DATE)." when the range holds no count, milestone or
    # lumbar puncture: the sheet still prints (where we are, latest count, plan, questions)
    nothing_new: str = ""
    counts_before_range: bool = False  # the counts table holds the latest count before it
    footer: str = field(default_factory=lambda: tr(FOOTER_NOTE))
    # Set on a redacted summary: what else printed with it (the timeline) must pass through
    redaction: Redaction | None = field(default=None, repr=False, compare=False)
    # The counts it was made from, as given (the printout's strip and charts draw them
    # rather than read a long range's counts again)
    source_counts: tuple[CountResult, ...] = field(default=(), repr=False, compare=False)

    @property
    def title(self) -> str:
        return tr("Treatment summary — {name}").format(name=self.name)


def default_range(
    appointments: Sequence[Appointment], today: dt.date
) -> tuple[dt.date, dt.date, str]:
    """Since the last appointment before today, else the last four weeks."""
    last = last_visit_before(appointments, today)  # a series' latest date too
    if last is not None:
        return (
            last.date,
            today,
            tr("since the last appointment on {date}").format(date=date_text(last.date)),
        )
    start = today - dt.timedelta(weeks=DEFAULT_WEEKS)
    return start, today, _last_weeks_reason()


def printed_range(
    child: Child,
    appointments: Sequence[Appointment],
    today: dt.date,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[dt.date, dt.date]:
    """The dates a summary covers: the suggested range when none is given, else from
    ``start`` (the date of birth when None) to ``end`` (today when None)."""
    if start is None and end is None:
        suggested = default_range(appointments, today)
        return suggested[0], suggested[1]
    return start or child.birth_date, end or today


def check_range(start: dt.date, end: dt.date) -> None:
    """Raise SummaryError for a range that ends before it starts."""
    if end < start:
        raise SummaryError(
            tr(
                "The range ends ({end}) before it starts ({start}); "
                "choose a 'to' date on or after the 'from' date."
            ).format(end=date_text(end), start=date_text(start))
        )


def _last_weeks() -> str:
    # DEFAULT_WEEKS is more than one: the plural's form is enough
    return tr("the last {n} weeks").format(n=DEFAULT_WEEKS)


def _last_weeks_reason() -> str:
    return tr("{weeks} (no earlier appointment recorded)").format(weeks=_last_weeks())


def _range_kind(appointments: Sequence[Appointment], today: dt.date, chosen: bool) -> str:
    """Which range the summary covers: "visit" (since the last appointment), "weeks" (the
    default weeks) or "chosen" (dates chosen by the family)."""
    if chosen:
        return "chosen"
    return "visit" if last_visit_before(appointments, today) is not None else "weeks"


def build_summary(
    child: Child,
    *,
    phases: Sequence[Phase],
    milestones: Sequence[Milestone],
    counts: Sequence[CountResult],
    visits: Sequence[CnsVisit],
    appointments: Sequence[Appointment],
    questions: Sequence[Question],
    thresholds: Sequence[TeamThreshold],
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    redact: bool = False,
    units: UnitPreference = UnitPreference.AS_REPORTED,
    assess: Assess | None = None,
    growth: Sequence[Growth] = (),
    temperatures: Sequence[Temperature] = (),
    fever_rules: Sequence[FeverRule] = (),
    symptoms: Sequence[Symptom] = (),
    medicine_plans: Sequence[MedicinePlan] = (),
    doses: Sequence[DoseLog] = (),
    transfusions: Sequence[Transfusion] = (),
    stays: Sequence[Stay] = (),
    now: dt.time | None = None,
    roadmaps: Sequence[Roadmap] = (),
) -> Summary:
    """The printed summary of ``child``; ``now`` (the time of day) leaves out of the plan
    an appointment of today whose time has passed."""
    suggested = default_range(appointments, today)
    start, end = printed_range(child, appointments, today, start, end)
    if (start, end) == suggested[:2]:
        # the window fills in the suggested range: it keeps its reason unless changed
        reason = suggested[2]
        kind = _range_kind(appointments, today, chosen=False)
    else:
        reason = tr("the dates chosen")
        kind = _range_kind(appointments, today, chosen=True)
    check_range(start, end)
    in_range_counts = [c for c in counts if start <= c.taken_date <= end]
    in_range_milestones = [m for m in milestones if start <= m.date <= end]
    in_range_visits = [v for v in visits if start <= v.date <= end]
    in_range_temperatures = [t for t in temperatures if start <= t.date <= end]
    in_range_symptoms = [s for s in symptoms if s.date <= end and (s.end_date or s.date) >= start]
    in_range_transfusions = [t for t in transfusions if start <= t.date <= end]
    in_range_stays = [s for s in stays if stay_kind.in_period(s, start, end, today)]
    in_range_dates = (
        [c.taken_date for c in in_range_counts]
        + [m.date for m in in_range_milestones]
        + [v.date for v in in_range_visits]
        + [t.date for t in in_range_temperatures]
        + [max(s.date, start) for s in in_range_symptoms]
        + [t.date for t in in_range_transfusions]
        + [max(s.from_date, start) for s in in_range_stays]
    )
    if redact and start <= child.birth_date:
        # "covers <date of birth> to …" would print the date of birth: begin at the first entry
        start = min(in_range_dates, default=end)
    nothing_new = ""
    if not in_range_dates:
        # A family brings the sheet days after a visit too: say so plainly and print it.
        # what "nothing" means: the entries a range is made of (questions and appointments
        # are listed whatever their date)
        if kind == "visit":
            nothing_new = tr(
                "Nothing new since the last visit ({date}): "
                "no blood count, result or lumbar puncture."
            ).format(date=date_text(start))
        elif start == end:
            nothing_new = tr(
                "Nothing recorded on {date}: no blood count, result or lumbar puncture."
            ).format(date=date_text(start))
        else:
            nothing_new = tr(
                "Nothing recorded between {start} and {end}: "
                "no blood count, result or lumbar puncture."
            ).format(start=date_text(start), end=date_text(end))
    earlier = [c for c in counts if c.taken_date < start]
    latest_before = (
        [max(earlier, key=lambda c: (c.taken_date, c.taken_time or dt.time()))]
        if not in_range_counts and earlier
        else []
    )
    summary = Summary(
        name=initials(child.name) if redact else child.name,
        initials=initials(child.name),
        redacted=redact,
        birth_date=child.birth_date,
        age=format_age(child.birth_date, today) if today >= child.birth_date else "",
        diagnosis_date=child.diagnosis_date,
        diagnosis=diagnosis_line(child),
        protocol=child.protocol,
        risk_group=(child.risk_group_text or labels.RISK[child.risk_group.value])
        if child.risk_group.value != "unknown"
        else "",
        hospital=child.hospital,
        printed_on=today,
        start=start,
        end=end,
        range_reason=reason,
        current=current_line(phases, today),
        nothing_new=nothing_new,
        counts_before_range=bool(latest_before),
        source_counts=tuple(counts),
        contacts=[]
        if redact or not nothing_new
        else [ln.strip() for ln in child.team_contacts.splitlines() if ln.strip()],
    )
    phase_names = {p.id: p.display_name for p in phases if p.id is not None}
    summary.plan_ahead = _plan(phases, milestones, visits, appointments, today, now)
    _roadmap_next(summary, roadmaps, phases, today, (visits, milestones))
    summary.milestones = [
        _milestone_line(m) for m in sorted(in_range_milestones, key=lambda m: m.date)
    ]
    summary.notes = _notes(in_range_counts, in_range_milestones, in_range_visits)
    _counts_table(summary, in_range_counts or latest_before, units, assess)
    summary.thresholds = [_threshold_line(t) for t in thresholds]
    summary.lps = [_lp_line(v, phase_names) for v in sorted(in_range_visits, key=lambda v: v.date)]
    summary.it_totals = it_totals(visits, end)
    upcoming = sorted((v for v in visits if v.date > today), key=lambda v: v.date)
    if upcoming:
        v = upcoming[0]
        drugs = ", ".join(labels.IT_DRUG[d.drug.value] for d in v.it_drugs)
        summary.next_lp = EventLine(v.date, _lp_words(drugs), True)
    summary.questions = [EventLine(q.added_on, q.text) for q in questions if not q.answered]
    _stays_and_transfusions(
        summary, in_range_stays, in_range_transfusions, counts, kind, today, units
    )
    measured = [g for g in growth if g.date <= end]
    summary.growth = [
        line for line in (weight_line(measured), bsa_line(measured)) if line is not None
    ]
    _temperatures_and_symptoms(summary, in_range_temperatures, fever_rules, in_range_symptoms, end)
    summary.medicines_at_home = medicines_at_home(
        medicine_plans, doses, start, min(end, today), kind, today
    )
    running = medicines.current_plans(medicine_plans, end)
    summary.medicines = [medicines.plan_line(p) for p in running]
    summary.medicine_rows = [
        (
            p.drug,
            medicines.dose_text(p),
            medicines.schedule_text(p),
            medicines.strength_text(p),
            date_text(p.start_date),
        )
        for p in running
    ]
    summary.medicine_changes = [
        EventLine(c.date, c.text)
        for c in medicines.history(medicine_plans)
        if start <= c.date <= end
    ]
    if redact:
        # One rule for the whole page: the header, every line and every typed part.
        redaction = Redaction.for_child(child)
        summary = redaction.apply(summary)
        summary.redaction = redaction
        summary.hospital = ""
        summary.birth_date = None
        summary.age = redacted_age(child.birth_date, today) if today >= child.birth_date else ""
    return summary


def _threshold_line(t: TeamThreshold) -> str:
    """ "Transfusion trigger: Hb 7 g/dL (their note)": a threshold from the team."""
    purpose = labels.THRESHOLD_PURPOSE[t.purpose.value]
    value = f"{analytes.analyte(t.analyte).short} {t.value_text} {t.unit}"
    if t.note:
        return tr("{purpose}: {value} ({note})").format(purpose=purpose, value=value, note=t.note)
    return tr("{purpose}: {value}").format(purpose=purpose, value=value)


def _lp_words(drugs: str) -> str:
    """ "Lumbar puncture (Methotrexate, Cytarabine)", or without drugs."""
    if drugs:
        return tr("Lumbar puncture ({drugs})").format(drugs=drugs)
    return tr("Lumbar puncture")


def _temperatures_and_symptoms(
    summary: Summary,
    readings: Sequence[Temperature],
    rules: Sequence[FeverRule],
    symptoms: Sequence[Symptom],
    end: dt.date,
) -> None:
    """The section "Temperatures and symptoms": every reading of the range is counted and
    its highest named; the readings at or above the team's fever number (in force on each
    one's date) or with something done are listed; every symptom of the range is listed."""
    rule = fever.rule_on(rules, end)
    if rule is not None:
        summary.fever_rule = tr(
            "Your team's fever rule (as you typed it, given {date}): {rule}"
        ).format(date=date_text(rule.given_on), rule=fever.rule_text(rule))
    ordered = sorted(readings, key=lambda t: (t.date, t.time or dt.time(), t.id or 0))
    for t in ordered:
        marked = fever.at_or_above(t, rules)
        done = done_words(t)
        if marked or done:
            summary.temperatures.append(
                TemperatureLine(
                    date_time_text(dt.datetime.combine(t.date, t.time))
                    if t.time
                    else date_text(t.date),
                    fever.shown(t.value_text, t.unit),
                    marked,
                    site_words(t),
                    done,
                    t.note.replace("\n", " "),
                )
            )
    if ordered:
        summary.temperatures_listed = (
            tr(
                "Listed: the readings at or above your team's fever number and those with "
                "something done; the others are only counted."
            )
            if rules
            else tr(
                "Listed: the readings with something done (no fever rule from your team is "
                "entered); the others are only counted."
            )
        )
        highest = max(ordered, key=lambda t: t.celsius)
        n = len(ordered)
        summary.temperature_count = trn(
            "{n} temperature recorded in this range; the highest {reading} on {date}.",
            "{n} temperatures recorded in this range; the highest {reading} on {date}.",
            n,
        ).format(
            n=n,
            reading=fever.shown(highest.value_text, highest.unit),
            date=date_text(highest.date),
        )
    for s in sorted(symptoms, key=lambda s: (s.date, s.id or 0)):
        dates = date_text(s.date)
        if s.end_date is not None and s.end_date != s.date:
            dates = tr("{start} – {end}").format(start=dates, end=date_text(s.end_date))
        summary.symptoms.append(
            SymptomLine(
                dates,
                what_words(s),
                tr(SEVERITY_LABELS[s.severity.value]).lower() if s.severity else "",
                grade_label(s),
                s.note.replace("\n", " "),
            )
        )


def medicines_at_home(
    plans: Sequence[MedicinePlan],
    doses: Sequence[DoseLog],
    start: dt.date,
    end: dt.date,
    kind: str,
    today: dt.date,
) -> list[str]:
    """The adherence facts of each drug given at home from ``start`` to ``end`` (today's
    doses counted once logged)."""
    if end < start:
        return []
    if kind == "visit":
        period = tr("since the last visit")
    elif kind == "weeks":
        period = tr("in {weeks}").format(weeks=_last_weeks())
    else:
        period = tr("from {start} to {end}").format(start=date_text(start), end=date_text(end))
    return [a.line(period) for a in adherence(plans, doses, start, end, today)]


def _period(start: dt.date, end: dt.date, kind: str) -> str:
    if kind == "visit":
        return tr("since the last visit")
    if start == end:
        return tr("on {date}").format(date=date_text(start))
    return tr("between {start} and {end}").format(start=date_text(start), end=date_text(end))


def _stays_and_transfusions(
    summary: Summary,
    stays: Sequence[Stay],
    transfusions: Sequence[Transfusion],
    counts: Sequence[CountResult],
    kind: str,
    today: dt.date,
    units: UnitPreference,
) -> None:
    """The stays of the range with their nights inside it (tracker.kinds.stay's rule) and
    the transfusions with the counts before and after them, linked from the record."""
    start, end = summary.start, summary.end
    if stays:
        total = stay_kind.total(stays, start, end, today)
        summary.stay_total = total.text(_period(start, end, kind))
    for s in sorted(stays, key=lambda s: (s.from_date, s.id or 0)):
        inside = stay_kind.nights_between(s, start, end, today)
        if s.to_date is None or s.from_date < start or s.to_date > end:
            nights = trn("{n} night in this period", "{n} nights in this period", inside)
        else:
            nights = trn("{n} night", "{n} nights", inside)
        nights = nights.format(n=inside)
        parts = [stay_kind.dates_text(s), nights, stay_kind.reason_name(s)]
        if s.place:
            parts.append(s.place)
        summary.stays.append(EventLine(s.from_date, " · ".join(parts)))
    # each transfusion looks only at the counts of its window (the record's many years of
    # counts, scanned once per transfusion, were a second of a whole-record summary)
    by_date = sorted(counts, key=lambda r: r.taken_date)
    days = [r.taken_date for r in by_date]
    window = dt.timedelta(days=transfusion_kind.WINDOW_DAYS)
    for t in sorted(transfusions, key=lambda t: (t.date, t.time or dt.time(), t.id or 0)):
        near = by_date[
            bisect.bisect_left(days, t.date - window) : bisect.bisect_right(days, t.date + window)
        ]
        parts = [
            transfusion_kind.product_name(t)
            + (f", {transfusion_kind.amount_shown(t)}" if t.amount_text else "")
        ]
        linked = transfusion_kind.linked_counts(t, near)
        if linked is not None:
            parts.append(transfusion_kind.jump_text(linked, units))
        if t.reason:
            parts.append(t.reason)
        if t.note:
            parts.append(t.note)
        parts.insert(0, transfusion_kind.when(t))
        summary.transfusions.append(EventLine(t.date, " · ".join(parts)))


def it_totals(visits: Sequence[CnsVisit], until: dt.date) -> dict[str, int]:
    """How many intrathecal doses of each drug were given up to ``until`` (planned LPs and
    diagnostic LPs give none)."""
    totals: dict[str, int] = {}
    for v in visits:
        if v.planned or v.date > until:
            continue
        for dose in v.it_drugs:
            label = labels.IT_DRUG[dose.drug.value]
            totals[label] = totals.get(label, 0) + 1
    order = [labels.IT_DRUG[d.value] for d in ItDrug]
    return {k: totals[k] for k in order if k in totals}


def diagnosis_line(child: Child) -> str:
    """The diagnosis in one line ("pro-B · KMT2A rearranged (AFF1) · …"), "" when none is
    entered; the summary's and the fever card's."""
    parts = []
    if child.immunophenotype:
        parts.append(child.immunophenotype)
    kmt2a = {"rearranged": tr("KMT2A rearranged"), "germline": tr("KMT2A germline")}.get(
        child.kmt2a_status.value, ""
    )
    if kmt2a:
        parts.append(kmt2a + (f" ({child.kmt2a_partner})" if child.kmt2a_partner else ""))
    if child.wbc_at_diagnosis is not None:
        parts.append(
            tr("WBC at diagnosis {value} ×10⁹/L").format(
                value=format_number(child.wbc_at_diagnosis)
            )
        )
    if child.cns_status_at_diagnosis.value not in ("unknown", "pending"):
        status = tr(labels.CNS_STATUS[child.cns_status_at_diagnosis.value])
        parts.append(tr("{status} at diagnosis").format(status=status))
    if child.prednisone_response.value == "good":
        parts.append(tr("good prednisone response"))
    elif child.prednisone_response.value == "poor":
        parts.append(tr("poor prednisone response"))
    return " · ".join(parts)


def current_line(phases: Sequence[Phase], today: dt.date) -> str:
    """Where treatment is on ``today``: the phase and its day (the summary's, the card's)."""
    found = current_phase(phases, today)
    if found is None:
        return tr("No phase running today")
    p = found.phase
    if not p.start:
        return found.label
    if p.planned_end:
        return tr("{phase} · day {day} (started {start}; planned end {end})").format(
            phase=p.display_name,
            day=found.day,
            start=date_text(p.start),
            end=date_text(p.planned_end),
        )
    return tr("{phase} · day {day} (started {start})").format(
        phase=p.display_name, day=found.day, start=date_text(p.start)
    )


def _plan(
    phases: Sequence[Phase],
    milestones: Sequence[Milestone],
    visits: Sequence[CnsVisit],
    appointments: Sequence[Appointment],
    today: dt.date,
    now: dt.time | None = None,
) -> list[EventLine]:
    lines: list[EventLine] = []
    for p in phases:
        if p.actual_start is None and p.planned_start and p.planned_start > today:
            lines.append(
                EventLine(
                    p.planned_start,
                    tr("{phase} starts (planned)").format(phase=p.display_name),
                    True,
                )
            )
    for m in milestones:
        if m.date > today:
            text = labels.MILESTONE_KIND[m.kind.value]
            if m.result_text:
                text += f": {m.result_text}"
            lines.append(EventLine(m.date, text, True))
    for v in visits:
        if v.date > today:
            drugs = ", ".join(labels.IT_DRUG[d.drug.value] for d in v.it_drugs)
            lines.append(EventLine(v.date, _lp_words(drugs), True))
    # each appointment's next visit; a series once, by its next date and how it repeats
    for s in (v for a in appointments for v in next_visits([a], today, 1, now=now)):
        text = (
            tr("Appointment {time}").format(time=time_text(s.time)) if s.time else tr("Appointment")
        )
        if s.with_whom:
            text = tr("{appointment} — {with_whom}").format(appointment=text, with_whom=s.with_whom)
        if s.repeats:
            text = tr("{appointment} ({repeat})").format(
                appointment=text, repeat=schedule.describe_repeat(s.appointment.repeat)
            )
        if s.moved:
            text = tr("{appointment} (moved)").format(appointment=text)
        lines.append(EventLine(s.date, text, True))
    return sorted(lines, key=lambda e: e.date)[:8]


ROADMAP_NEXT_COUNT = 5
"""As many rows as the Plan tab's What's next lists."""


def _roadmap_next(
    summary: Summary,
    roadmaps: Sequence[Roadmap],
    phases: Sequence[Phase],
    today: dt.date,
    entries: tuple[Sequence[CnsVisit], Sequence[Milestone]],
) -> None:
    """The latest roadmap's next planned things (the Plan tab's What's next lists them among
    the appointments and entries; an LP or MRD time point the record shows done,
    ``entries``, left out); none when there is no roadmap or it cannot be read (the Plan
    tab says why)."""
    if not roadmaps:
        return
    roadmap = roadmaps[-1]
    try:
        plan = plan_of(roadmap, phases)
    except RoadmapError:
        return
    summary.roadmap_protocol = roadmap.protocol
    summary.roadmap_next = [
        (date_text(u.date) if u.date else tr("unknown"), u.what, u.sure)
        for u in whats_next(plan, roadmap, today, ROADMAP_NEXT_COUNT, entered_items(plan, *entries))
    ]


def _milestone_line(m: Milestone) -> EventLine:
    text = labels.MILESTONE_KIND[m.kind.value]
    if m.mrd is not None:
        if value := format_mrd(m.mrd):
            text += f": {value}"
        detail = ", ".join(
            x
            for x in (
                labels.MRD_METHOD[m.mrd.method.value] if m.mrd.method else "",
                labels.MRD_SAMPLE[m.mrd.sample.value].lower() if m.mrd.sample else "",
            )
            if x
        )
        if detail:
            text += f", {detail}"
    if m.result_text:
        text += f" — {m.result_text}"
    return EventLine(m.date, text, m.planned)


def _notes(
    counts: Sequence[CountResult], milestones: Sequence[Milestone], visits: Sequence[CnsVisit]
) -> list[EventLine]:
    lines = [
        EventLine(c.taken_date, tr("Blood count: {note}").format(note=c.note))
        for c in counts
        if c.note
    ]
    lines += [EventLine(m.date, m.notes) for m in milestones if m.notes]
    lines += [
        EventLine(
            v.date,
            tr("LP: {note}").format(note="; ".join(x for x in (v.complications, v.note) if x)),
        )
        for v in visits
        if v.complications or v.note
    ]
    return sorted(lines, key=lambda e: e.date)


def _counts_table(
    summary: Summary, counts: Sequence[CountResult], units: UnitPreference, assess: Assess | None
) -> None:
    present = [
        c
        for c in analytes.CODES
        if any(r.value(c) is not None for r in counts)
        or (c == "anc" and any(anc_view(r).is_calculated for r in counts))
    ]
    # Chemistry and drug levels are not blood counts: named under the table, not columns.
    elsewhere = [c for c in present if analytes.analyte(c).group in _NOT_IN_TABLE]
    present = [c for c in present if c not in elsewhere]
    columns = [c for c in MAIN_ANALYTES if c in present]
    columns += [c for c in present if c not in MAIN_ANALYTES]
    summary.count_columns = columns
    sources: dict[str, None] = {}
    ordered = sorted(counts, key=lambda r: (r.taken_date, r.taken_time or dt.time()), reverse=True)
    # One unit per column, in its heading, so the cells hold numbers only.  "As on the
    # report" keeps the lab's own numbers when the column has one unit; a column where
    # labs used different units is shown in the newest report's unit, and a footnote says
    # so.
    column_unit: dict[str, str] = {}
    converted: list[str] = []
    for code in columns:
        a = analytes.analyte(code)
        typed = [v.unit for r in ordered if (v := r.value(code)) is not None]
        if units is not UnitPreference.AS_REPORTED:
            column_unit[code] = display_unit(code, units)
        elif typed and len({id(a.unit(t)) for t in typed}) == 1:
            column_unit[code] = unit_spelling(code, typed[0])
        else:
            newest = a.unit(typed[0]) if typed else None
            column_unit[code] = newest.label if newest else display_unit(code, units)
            if len(typed) > 1:
                converted.append(a.short)
        unit = column_unit[code]
        if unit == "%":
            summary.count_headers[code] = a.short if a.short.endswith("%") else f"{a.short} %"
        else:
            summary.count_headers[code] = f"{a.short} ({unit})"
    # each worked-out ANC's basis, numbered when they differ: a row says which it used
    bases = {
        calc.label: None
        for r in ordered
        if r.value("anc") is None and (calc := calculate_anc(r)) is not None
    }
    basis_number = {label: i for i, label in enumerate(bases, 1)}
    for r in ordered:
        row_cells: dict[str, Cell] = {}
        for code in columns:
            unit = column_unit[code]
            v = r.value(code)
            if v is None:
                view = anc_view(r) if code == "anc" else None
                shown_value = calculated_value(r) if code == "anc" else None
                if view is not None and view.calculated is not None and shown_value is not None:
                    number = format_number(convert("anc", shown_value.normalised_value, unit), 2)
                    mark = (
                        tr("calc. {n}").format(n=basis_number[view.calculated.label])
                        if len(bases) > 1 and view.calculated.label in basis_number
                        else tr("calc.")
                    )
                    # judged as a reported ANC of that number would be (no lab range)
                    judged = assess_calculated_anc(assess, r) if assess else None
                    flag = flag_in_cell(judged.word) if judged else ""
                    if flag and judged is not None and judged.range_source:
                        sources[judged.range_source] = None
                    row_cells[code] = Cell(
                        f"{number} ({mark}) {flag}".strip(), calculated=True, flagged=bool(flag)
                    )
                continue
            a = analytes.analyte(code)
            if a.unit(v.unit) is a.unit(unit):
                number = f"{v.comparator.value}{typed_number(v)}"
            else:
                number = (
                    f"{v.comparator.value}"
                    f"{converted_number(convert(code, v.normalised_value, unit), v.value_text)}"
                )
            flagged = assess(r, v) if assess else None
            # "(low)" / "(high)": a word, which reads neither as a unit nor as a trend arrow
            flag = flag_in_cell(flagged.word) if flagged else ""
            if flag and flagged is not None and flagged.range_source:
                sources[flagged.range_source] = None
            text = f"{number} {flag}".strip()
            if v.hours_after is not None:
                text += f" ({format_number(v.hours_after)} h)"
            row_cells[code] = Cell(text, flagged=bool(flag), lab_flag=v.lab_flag)
            if v.lab_comment:
                summary.lab_comments.append(EventLine(r.taken_date, f"{a.short}: {v.lab_comment}"))
        for code in elsewhere:
            v = r.value(code)
            if v is None:
                continue
            a = analytes.analyte(code)
            flagged = assess(r, v) if assess else None
            notes = []
            if v.hours_after is not None:
                notes.append(
                    tr("{hours} h after the infusion started").format(
                        hours=format_number(v.hours_after)
                    )
                )
            if drug := ranges.drug_level_note(code):
                notes.append(drug)
            if v.lab_comment:
                notes.append(tr("lab's comment: {comment}").format(comment=v.lab_comment))
            summary.lab_results.append(
                LabLine(
                    r.taken_date,
                    r.taken_time.strftime("%H:%M") if r.taken_time else "",
                    a.name,
                    f"{v.value_text} {unit_spelling(code, v.unit)}".strip(),
                    v.range_text or tr("no range given"),
                    flag_in_cell(flagged.word) if flagged else "",
                    v.lab_flag,
                    "; ".join(
                        (n if i == 0 else n[:1].lower() + n[1:]).rstrip(".")
                        for i, n in enumerate(notes)
                    ),
                )
            )
        summary.other_results.extend(
            OtherLine(
                r.taken_date,
                r.taken_time.strftime("%H:%M") if r.taken_time else "",
                o.name,
                o.value_text,
                o.unit,
                o.range_text,
                o.lab_flag,
                o.lab_comment,
            )
            for o in r.others
        )
        summary.counts.append(
            CountRow(
                r.taken_date,
                r.taken_time.strftime("%H:%M") if r.taken_time else "",
                row_cells,
                r.source,
                r.note,
            )
        )
    builtin = [s for s in sources if s != "lab"]
    footnotes = [
        tr(
            "(low) / (high): below / above the range used: the lab's printed range when the "
            "report gives one, otherwise a published infant range for the child's age "
            "(named below). A value with neither is not flagged."
        )
        if builtin
        else tr(
            "(low) / (high): below / above the range used: the lab's printed range when the "
            "report gives one, otherwise a published infant range for the child's age. "
            "A value with neither is not flagged."
        )
    ]
    if any(c.lab_flag for row in summary.counts for c in row.cells.values()):
        footnotes.append(
            tr(
                "[lab: …]: the flag the lab printed, as printed; the program's (low) / (high) "
                "is worked out from the range on its own, and the two may disagree."
            )
        )
    if any(v.hours_after is not None for r in counts for v in r.values):
        footnotes.append(tr("(N h): a drug level taken N hours after the infusion started."))
    footnotes += [tr("Infant range used: {range}.").format(range=s) for s in builtin]
    if any(s != "lab" for s in sources):
        footnotes.append(ranges.builtin_disclaimer())
    if converted:
        footnotes.append(
            tr(
                "{tests}: labs reported these in different units; shown here in the unit of "
                "the newest report (the record keeps each value as reported)."
            ).format(tests=", ".join(converted))
        )
    if bases and any(c.calculated for row in summary.counts for c in row.cells.values()):
        if len(bases) == 1:
            said = next(iter(bases))
            footnotes.append(
                tr("(calc.) ANC worked out, not reported by the lab: {basis}.").format(basis=said)
            )
        else:
            said = "; ".join(
                tr("(calc. {n}) {basis}").format(n=basis_number[b], basis=b) for b in bases
            )
            footnotes.append(
                tr("ANC worked out, not reported by the lab: {bases}.").format(bases=said)
            )
    summary.count_footnotes = footnotes


def _lp_line(v: CnsVisit, phase_names: dict[int, str]) -> LpLine:
    drugs = ", ".join(
        f"{labels.IT_DRUG[d.drug.value]} {d.dose_text}".strip() for d in v.it_drugs
    ) or tr("none")
    csf = []
    if v.csf_wbc is not None:
        csf.append(tr("WBC {value}/µL").format(value=format_number(v.csf_wbc)))
    if v.csf_rbc is not None:
        csf.append(tr("RBC {value}/µL").format(value=format_number(v.csf_rbc)))
    if v.blasts_seen.value == "yes":
        csf.append(tr("blasts yes"))
    elif v.blasts_seen.value == "no":
        csf.append(tr("blasts no"))
    return LpLine(
        date=v.date,
        procedure=labels.LP_PROCEDURE[v.procedure.value],
        drugs=drugs,
        status=labels.CNS_STATUS[v.cns_status.value],
        csf=", ".join(csf),
        phase=phase_names.get(v.phase_id, "") if v.phase_id is not None else "",
        planned=v.planned,
    )
