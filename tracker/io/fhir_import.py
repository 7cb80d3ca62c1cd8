"""FHIR R4 resources into the record: lab Observations as blood counts, vital signs as
growth measurements and temperatures, the Patient compared with the child.

The same three steps as the CSV import (:mod:`tracker.io.csv_import`), on the same
objects, so that a FHIR import obeys the same rules:

1. :func:`read_fhir` (no database): :mod:`tracker.io.fhir_read` gives the resources;
   each lab Observation becomes a ``DraftValue`` (a test the catalogue knows, through
   ``lab_values.resolve_test`` by its LOINC code and ``lab_values.parse_value``) or a
   ``DraftOther`` (a test it does not know: kept as printed), grouped into ``Draw``s of
   the CSV import.  Each resource is given a number (its "line") so that every problem
   and every skipped value is listed with the resource's type, id and file.
2. :func:`plan_fhir`: ``csv_import.plan_import`` (values already in the record are
   skipped, different ones are conflicts and never overwritten, the record's rules),
   plus the vital signs compared with the record the same way.
3. :func:`apply_fhir`: ``csv_import.apply_import`` with the vital signs among its
   entries: a backup, then one transaction, all or nothing.

Readings (docs/fhir.md "## Import"):

* ``valueQuantity``: the UCUM ``code`` first, then ``unit`` (never a display text);
  ``comparator`` ``<`` / ``>`` kept (``<=`` / ``>=`` are refused: the record keeps only
  ``<`` and ``>``); ``referenceRange[0]`` low/high (else its text) is the lab's range;
  ``interpretation`` (H, L, LL, HH…) is the lab's flag; ``note`` the lab's comment.
* When: ``effectiveDateTime``, ``effectivePeriod.start`` or ``effectiveInstant``, as the
  date and time written, at the offset written (``23:30-05:00`` is that day at 23:30,
  ``Z`` too); a date alone has no time.  A DiagnosticReport (``result``) or a panel
  Observation (``hasMember``) is one draw: its members take its time, else the first
  member's.
* A lab result is an Observation of category ``laboratory`` or a member of a report or
  panel; other Observations are listed as left out unless they are one of the vital
  signs (body weight 29463-7, body height/length 8302-2 and 8306-3, head circumference
  9843-4, body temperature 8310-5: HL7's R4 vital-signs profile).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

from tracker import analytes
from tracker.analytes import Analyte
from tracker.i18n import tr, trn
from tracker.io.csv_import import (
    Conflict,
    DraftOther,
    DraftValue,
    Draw,
    ImportPlan,
    ImportReport,
    ParsedFile,
    RowProblem,
    apply_import,
    plan_import,
    summary_lines,
)
from tracker.io.fhir_fields import (
    ResourceIndex,
    effective,
    effective_strict,
    has_value,
    is_lab,
    lab_flag,
    lab_note,
    lab_range,
    loinc_codes,
    other_specimen,
    quantity_text,
    quantity_unit,
    references,
    text_value,
    without_history,
)
from tracker.io.fhir_patient import PatientIdentity, read_patient
from tracker.io.fhir_read import FhirSource, Resource, read_fhir_path
from tracker.io.fhir_value_notes import hidden_text, units_disagree, very_low
from tracker.io.fhir_vitals import VITAL_CODES, Vitals, plan_vitals, read_vital
from tracker.io.lab_values import (
    BadRange,
    is_not_a_result,
    parse_value,
    resolve_test,
    unknown_name,
)
from tracker.model import Child, CountResult, CountValue, OtherResult
from tracker.progress import Progress, no_progress
from tracker.store.backup import make_backup
from tracker.store.backup_file import BEFORE_IMPORT
from tracker.store.record import Record

_SHOWN_IDS = 10


@dataclass(frozen=True, slots=True)
class ResourceProblem(RowProblem):
    """A problem (or a skipped value) named by its resource instead of a line."""

    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass(frozen=True, slots=True)
class ResourceConflict(Conflict):
    where: str = ""

    def __str__(self) -> str:
        text = Conflict.__str__(self)
        return f"{self.where}: {text.split(': ', 1)[1]}" if self.where else text


@dataclass(slots=True)
class FhirFile:
    """Everything read from a file or folder, before the record is looked at."""

    parsed: ParsedFile
    vitals: Vitals
    labels: dict[int, str]  # line (resource number) → "Observation f005 in Bundle-101.json"
    identity: PatientIdentity | None
    patient_child: Child | None  # the Patient as a child (for a record with no child)
    left_out: dict[str, list[str]] = field(default_factory=dict)  # type → ids
    resources: int = 0
    files: int = 0
    no_patient_child: str = ""  # why the Patient cannot be the child of an empty record
    missing: tuple[str, ...] = ()  # "DiagnosticReport 102: its 4 results are not in this file"
    corrected: dict[int, str] = field(default_factory=dict)  # line → "corrected", "amended"

    def left_out_lines(self) -> list[str]:
        """One line per resource type: how many, and their ids (the first ten)."""
        lines = []
        for kind, ids in sorted(self.left_out.items()):
            shown = ", ".join(ids[:_SHOWN_IDS]) + (
                f" and {len(ids) - _SHOWN_IDS:,} more" if len(ids) > _SHOWN_IDS else ""
            )
            lines.append(
                tr("Left out: {n:,} {kind} ({shown}).").format(n=len(ids), kind=kind, shown=shown)
            )
        lines.extend(tr("Left out: {m}.").format(m=m) for m in self.missing[:_SHOWN_IDS])
        if len(self.missing) > _SHOWN_IDS:
            lines.append(
                tr(
                    "Left out: {value:,} more reports or panels whose results are not in this file."
                ).format(value=len(self.missing) - _SHOWN_IDS)
            )
        return lines


@dataclass(frozen=True, slots=True)
class FhirPlan:
    plan: ImportPlan
    vitals_lines: tuple[str, ...]
    fhir: FhirFile
    vitals_already: int = 0  # the last of plan.already_there: vital signs, said in vitals_lines

    @property
    def problems(self) -> tuple[RowProblem, ...]:
        return self.plan.problems


def read_fhir(path: Path | str) -> FhirFile:
    """Read a Bundle, a resource or a folder of them (UnreadableFhir if none can be)."""
    return parse_resources(read_fhir_path(path))


# --------------------------------------------------------------------------- reading


@dataclass(slots=True)
class _Reading:
    labels: dict[int, str] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    pending: list[RowProblem] = field(default_factory=list)
    repeated: list[RowProblem] = field(default_factory=list)
    noted: list[RowProblem] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    left_out: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # reports whose results are elsewhere
    corrected: dict[int, str] = field(default_factory=dict)  # line → "corrected", "amended"

    def problem(self, line: int, reason: str, bad_range: bool = False) -> None:
        self.problems.append(ResourceProblem(line, reason, bad_range, self.labels[line]))

    def leave_out(self, kind: str, r: Resource) -> None:
        self.left_out.setdefault(kind, []).append(r.id or tr("(no id)"))


def parse_resources(source: FhirSource) -> FhirFile:
    """The draws, vital signs, Patient and left-out resources of what was read."""
    rd = _Reading()
    everything: list[Resource] = []
    for r in source.resources:
        everything.append(r)
        everything.extend(r.contained)
    lines = {id(r): i for i, r in enumerate(everything, 1)}
    for r, i in zip(everything, range(1, len(everything) + 1), strict=True):
        rd.labels[i] = r.label
    for n, text in enumerate(source.problems, len(everything) + 1):
        rd.labels[n] = ""
        rd.problem(n, text)
    index = ResourceIndex(everything)
    group_time: dict[int, tuple[dt.date, dt.time | None]] = {}  # member → its draw's time
    in_group: set[int] = set()
    parent: dict[int, int] = {}  # member → its report or panel (the first that names it)
    for r in everything:
        refs = (
            references(r, "result") if r.type == "DiagnosticReport" else references(r, "hasMember")
        )
        if r.type not in ("DiagnosticReport", "Observation") or not refs:
            continue
        members = [m for ref in refs if (m := index.find(ref, r)) is not None]
        if len(members) < len(refs):
            rd.missing.append(_missing_members(r, len(refs) - len(members), len(refs)))
        when = effective(r)
        if when is None:
            when = next((w for m in members if (w := effective(m)) is not None), None)
        for m in members:
            in_group.add(id(m))
            if m is not r:
                parent.setdefault(id(m), id(r))
            if when is not None:
                group_time.setdefault(id(m), when)
    patients: list[Resource] = []
    values: dict[_DrawKey, list[DraftValue]] = {}
    others: dict[_DrawKey, list[DraftOther]] = {}
    vitals = Vitals()
    subjects = {id(r): _subject(r, index) for r in everything if r.type == "Observation"}
    counted = Counter(s for s in subjects.values() if s and not _not_a_patient(s))
    main = counted.most_common(1)[0][0] if counted else ""
    for r in everything:
        line = lines[id(r)]
        if r.type == "Patient":
            patients.append(r)
        elif r.type == "Observation" and (kind := _not_a_patient(subjects[id(r)])):
            rd.leave_out(tr("Observation about a {kind}, not a patient").format(kind=kind), r)
        elif r.type == "Observation" and subjects[id(r)] not in ("", main):
            rd.problem(
                line,
                tr(
                    "it is about another patient ({value}) than the other results of this "
                    "import ({main}); import each patient's file on its own"
                ).format(value=subjects[id(r)], main=main),
            )
        elif r.type == "Observation":
            top = _report_of(id(r), parent)
            draw = _DrawOf(group_time, id(r) in in_group, lines[top] if top else 0)
            _observation(r, line, rd, draw, values, others, vitals)
        elif r.type == "DiagnosticReport":
            if not references(r, "result"):
                rd.leave_out(tr("DiagnosticReport with no results"), r)
        else:
            rd.leave_out(r.type, r)
    draws = _draws(values, others, rd)
    parsed = ParsedFile(
        draws=tuple(draws),
        problems=tuple(sorted(rd.problems, key=lambda p: p.line)),
        pending=tuple(rd.pending),
        repeated=tuple(rd.repeated),
        unknown_tests=dict(rd.unknown),
        ignored_columns=(),
        encoding="utf-8",
        delimiter=",",
        shape="long",
        header_line=0,
        rows=len(everything),
        date_order=None,
        needs_date_order=False,
        noted=tuple(rd.noted),
    )
    identity, child, why, refused = read_patient(patients)
    if refused:
        rd.problem(lines[id(patients[0])], refused)
    parsed = replace(parsed, problems=tuple(sorted(rd.problems, key=lambda p: p.line)))
    return FhirFile(
        parsed,
        vitals,
        rd.labels,
        identity,
        child,
        rd.left_out,
        len(everything),
        source.files,
        why,
        tuple(rd.missing),
        rd.corrected,
    )


def _missing_members(r: Resource, missing: int, of: int) -> str:
    """ "DiagnosticReport 102: its 4 results are not in this file": a report (or panel)
    whose results are in another file is listed, not silently empty."""
    report = r.type == "DiagnosticReport"
    if missing == of and report:
        said = trn(
            "{type} {id}: its {of:,} result is not in this file",
            "{type} {id}: its {of:,} results are not in this file",
            of,
        )
    elif missing == of:
        said = trn(
            "{type} {id}: its {of:,} member is not in this file",
            "{type} {id}: its {of:,} members are not in this file",
            of,
        )
    elif report:
        said = trn(
            "{type} {id}: {missing:,} of its {of:,} results is not in this file",
            "{type} {id}: {missing:,} of its {of:,} results are not in this file",
            missing,
        )
    else:
        said = trn(
            "{type} {id}: {missing:,} of its {of:,} members is not in this file",
            "{type} {id}: {missing:,} of its {of:,} members are not in this file",
            missing,
        )
    return said.format(type=r.type, id=r.id or tr("(no id)"), missing=missing, of=of)


def _subject(r: Resource, index: ResourceIndex) -> str:
    """Who an Observation is about, as one text for every way of naming the same Patient
    (its fullUrl, "Patient/id", an absolute URL, a version "Patient/45/_history/2"); ""
    when it does not say."""
    subject = r.data.get("subject")
    ref = subject.get("reference") if isinstance(subject, dict) else None
    if not isinstance(ref, str) or not ref.strip():
        return ""
    found = index.find(ref.strip(), r)
    if found is not None:
        return f"{found.type}/{found.id}" if found.id else found.full_url or ref.strip()
    return "/".join(without_history(ref).rstrip("/").split("/")[-2:])


def _not_a_patient(subject: str) -> str:
    """The kind of subject ("Group", "Device", "Location") when it is known not to be a
    patient; "" for a Patient or a subject of unknown kind."""
    kind = subject.split("/")[0] if "/" in subject else ""
    return kind if re.fullmatch(r"[A-Z][A-Za-z]+", kind) and kind != "Patient" else ""


# A draw of the file: its date and time, and the report (or panel) it belongs to (0 when it
# belongs to none): two reports of the same day without a time are two draws.
_DrawKey = tuple[dt.date, dt.time | None, int]


@dataclass(frozen=True, slots=True)
class _DrawOf:
    group_time: dict[int, tuple[dt.date, dt.time | None]]  # member → its report's time
    grouped: bool  # a member of a report or panel
    report: int  # the outermost report or panel that holds it (its number), 0 for none


def _report_of(member: int, parent: dict[int, int]) -> int:
    """The outermost report or panel holding ``member`` (a report's panel's members are that
    report's draw); 0 when none does."""
    top, seen = 0, set()
    while member in parent and member not in seen:
        seen.add(member)
        top = member = parent[member]
    return top


def _observation(
    r: Resource,
    line: int,
    rd: _Reading,
    draw: _DrawOf,
    values: dict[_DrawKey, list[DraftValue]],
    others: dict[_DrawKey, list[DraftOther]],
    vitals: Vitals,
) -> None:
    grouped = draw.grouped
    loinc, name = loinc_codes(r)
    if references(r, "hasMember") and not has_value(r):
        return  # a panel: its members are read
    if not loinc and not name:
        rd.problem(line, tr("it has no code (code.coding with a LOINC code); it was not read"))
        return
    vital = next((c for c in loinc if c in VITAL_CODES), "")
    code = loinc[0] if loinc else ""
    quantity = r.data.get("valueQuantity")
    a = next((a for c in loinc if (a := resolve_test("", quantity_unit(quantity), c))), None)
    if a is None and not vital:  # no code the catalogue knows: the name decides, as in a CSV
        a = resolve_test(name, quantity_unit(quantity), code)
    test = name or (a.english_name if a is not None else f"LOINC {code}")  # may be stored
    if a is not None and not vital and (fluid := other_specimen(r)):
        a, test = None, f"{test} ({fluid})"  # never a blood count: kept as printed, so named
    if a is None and not vital and not grouped and not is_lab(r):
        rd.leave_out(tr("Observation (not a lab result or vital sign)"), r)
        return
    status = r.data.get("status")
    if status in ("cancelled", "entered-in-error", "registered"):
        rd.pending.append(
            ResourceProblem(
                line,
                tr("status “{status}”: no result; left out").format(status=status),
                where=rd.labels[line],
            )
        )
        return
    hidden = hidden_text(r, test)
    if hidden:
        rd.problem(line, hidden)
        return
    try:
        when = effective_strict(r)
    except ValueError as exc:
        rd.problem(line, str(exc))
        return
    when = draw.group_time.get(id(r), when) if grouped else when
    if when is None:
        rd.problem(line, tr("it gives no date (effectiveDateTime or effectivePeriod.start)"))
        return
    key = (*when, draw.report)
    if vital:
        try:
            vitals.add(read_vital(vital, quantity_text(r), when, line))
        except ValueError as exc:
            rd.problem(line, str(exc))
        return
    text = text_value(r)
    if a is None:
        if quantity is None and text is None:
            rd.leave_out(tr("Observation with no value"), r)
            return
        try:
            value_text, unit = (
                quantity_text(r, unit_needed=False) if quantity is not None else (text or "", "")
            )
        except ValueError as exc:
            rd.problem(line, str(exc))
            return
        shown = unknown_name(test, unit, code)
        rd.unknown[shown] += 1
        other = OtherResult(
            name=shown,
            value_text=value_text,
            unit=unit,
            range_text=lab_range(r)[0],
            lab_flag=lab_flag(r),
            lab_comment=lab_note(r),
        )
        others.setdefault(key, []).append(DraftOther(line, other))
        return
    if quantity is None:
        if text is not None and is_not_a_result(text):
            rd.pending.append(
                ResourceProblem(
                    line,
                    tr("{name}: “{text}”: not given yet; left out").format(name=a.name, text=text),
                    where=rd.labels[line],
                )
            )
            return
        if text is None:
            rd.leave_out(tr("Observation with no value"), r)
            return
    try:
        value_text, unit = quantity_text(r) if quantity is not None else (text or "", "")
        range_text, range_note = lab_range(r, unit)
        try:
            cv = parse_value(a, value_text, unit, range_text)
        except BadRange as exc:
            cv = parse_value(a, value_text, unit, "")
            range_note = tr("{exc}; imported without this range (not flagged)").format(exc=exc)
    except ValueError as exc:
        rd.problem(line, str(exc))
        return
    if status in ("corrected", "amended"):
        rd.corrected[line] = str(status)
    preliminary = (
        tr("the lab marked this result preliminary (a final one may follow); imported as given")
        if status == "preliminary"
        else ""
    )
    for note in (range_note, units_disagree(a, quantity), very_low(cv), preliminary):
        if note:
            rd.noted.append(ResourceProblem(line, note, where=rd.labels[line]))
    cv = _as_printed(a, cv, r)
    printed_flag, comment = lab_flag(r), lab_note(r)
    if printed_flag or comment:  # most values have neither: no copy of each
        cv = replace(cv, lab_flag=printed_flag, lab_comment=comment)
    values.setdefault(key, []).append(DraftValue(line, test, cv, printed_flag))


def _as_printed(a: Analyte, cv: CountValue, r: Resource) -> CountValue:
    """The value with the unit and range as the lab printed them: valueQuantity's ``unit``
    when it names the same unit as its ``code`` (our own export writes "/µL" with "/uL"),
    and the range's ``text`` when it gives the same bounds as its low and high."""
    q = r.data.get("valueQuantity")
    shown = q.get("unit") if isinstance(q, dict) else None
    if isinstance(shown, str) and shown.strip() and shown.strip() != cv.unit:
        unit = a.unit(cv.unit)
        if unit is not None and a.unit(shown.strip()) is unit:
            cv = replace(cv, unit=shown.strip())
    ranges = r.data.get("referenceRange")
    first = ranges[0] if isinstance(ranges, list) and ranges else None
    text = first.get("text") if isinstance(first, dict) else None
    if isinstance(text, str) and text.strip() and cv.range_text and text.strip() != cv.range_text:
        try:
            typed = parse_value(a, cv.value_text, cv.unit, text.strip())
        except ValueError:  # BadRange too: the text is not a range of this value
            return cv
        if (typed.range_low, typed.range_high) == (cv.range_low, cv.range_high):
            cv = replace(cv, range_text=typed.range_text)
    return cv


def _draws(
    values: dict[_DrawKey, list[DraftValue]],
    others: dict[_DrawKey, list[DraftOther]],
    rd: _Reading,
) -> list[Draw]:
    """One Draw per date and time and report; a test given twice is counted once, or asked
    about.  Results of no report at the time of a report's are that report's draw."""
    reports: dict[tuple[dt.date, dt.time | None], list[int]] = {}
    for day, at, report in sorted({*values, *others}, key=lambda k: k[2]):
        reports.setdefault((day, at), []).append(report)
    for loose in [k for k in {*values, *others} if k[2] == 0]:
        moment = (loose[0], loose[1])
        if len(reports[moment]) == 2:  # loose results beside ONE report: that report's draw
            into = (*moment, reports[moment][1])
            values.setdefault(into, []).extend(values.pop(loose, []))
            others.setdefault(into, []).extend(others.pop(loose, []))
    draws = []
    for when in sorted(
        set(values) | set(others),
        key=lambda w: (w[0], w[1] or dt.time.min, w[1] is not None, w[2]),
    ):
        kept: dict[str, DraftValue] = {}
        bad: set[str] = set()
        for dv in values.get(when, []):
            first = kept.get(dv.value.analyte)
            if first is None:
                kept[dv.value.analyte] = dv
            elif math.isclose(first.value.normalised_value, dv.value.normalised_value) and (
                first.value.comparator == dv.value.comparator
            ):
                rd.repeated.append(
                    ResourceProblem(
                        dv.line,
                        tr("{test}: the same value as {value}; counted once").format(
                            test=dv.test, value=rd.labels[first.line]
                        ),
                        where=rd.labels[dv.line],
                    )
                )
            else:
                bad.add(dv.value.analyte)
                for x in (first, dv):
                    rd.problem(
                        x.line,
                        tr(
                            "{test} is given more than once for the same draw with different "
                            "values; check which is right"
                        ).format(test=x.test),
                    )
        seen: dict[str, DraftOther] = {}
        for do in others.get(when, []):
            key = do.other.name.casefold()
            if key in seen:
                rd.repeated.append(
                    ResourceProblem(
                        do.line,
                        tr("{name}: given again for the same draw; counted once").format(
                            name=do.other.name
                        ),
                        where=rd.labels[do.line],
                    )
                )
            else:
                seen[key] = do
        good = tuple(dv for code, dv in kept.items() if code not in bad)
        if good or seen:
            draws.append(Draw(when[0], when[1], good, "", "", tuple(seen.values())))
    return draws


# --------------------------------------------------------------------------- planning


def plan_fhir(fhir: FhirFile, record: Record, child: Child, *, source: str = "") -> FhirPlan:
    """``csv_import.plan_import`` for the lab values, the vital signs alongside; every
    item named by its resource."""
    plan = plan_import(fhir.parsed, record, child, source=source)
    vit = plan_vitals(fhir.vitals, record, child)
    labels = fhir.labels

    def named(p: RowProblem) -> RowProblem:
        if isinstance(p, ResourceProblem):
            return p
        return ResourceProblem(p.line, p.reason, p.bad_range, labels.get(p.line, ""))

    def conflict(c: Conflict) -> Conflict:
        return ResourceConflict(
            c.line, c.analyte, c.taken, c.in_file, c.in_record, c.test, labels.get(c.line, "")
        )

    vital_problems = [named(RowProblem(line, reason)) for line, reason in vit.problems]
    plan = replace(
        plan,
        # the vital signs go into the same one transaction (Record.save_all takes any kind)
        results=plan.results + cast(tuple[CountResult, ...], tuple(vit.entries)),
        problems=tuple(sorted((*map(named, plan.problems), *vital_problems), key=lambda p: p.line)),
        already_there=tuple(
            map(named, (*plan.already_there, *(RowProblem(ln, t) for ln, t in vit.already)))
        ),
        conflicts=tuple(map(conflict, plan.conflicts)),
        noted=tuple(map(named, plan.noted)),
        item="resource",  # a file of resources, not rows
    )
    plan = replace(plan, first=_corrected_not_taken(plan.conflicts, fhir.corrected))
    lines = list(vit.summary(child))
    lines.extend(str(named(RowProblem(ln, t))) for ln, t in vit.conflicts)
    return FhirPlan(plan, tuple(lines), fhir, len(vit.already))


def _corrected_not_taken(
    conflicts: tuple[Conflict, ...], corrected: dict[int, str]
) -> tuple[str, ...]:
    """The one thing to check first: a result the lab corrected (status corrected or amended)
    that differs from the record's, which the import never overwrites."""
    items = [(corrected[c.line], c) for c in conflicts if c.line in corrected]
    if not items:
        return ()
    words = {status for status, _ in items}
    listing = "; ".join(
        f"{analytes.analyte(c.analyte).short if c.analyte else c.test} on {c.taken}, "
        f"record {c.in_record}, {status} {c.in_file}"
        for status, c in items
    )
    n = len(items)
    if words == {"corrected"}:
        said = trn(
            "{n} corrected result differs from the one in the record: {listing} — the record "
            "was kept; change it by hand if the lab corrected it.",
            "{n} corrected results differ from the ones in the record: {listing} — the record "
            "was kept; change it by hand if the lab corrected it.",
            n,
        )
    elif words == {"amended"}:
        said = trn(
            "{n} amended result differs from the one in the record: {listing} — the record "
            "was kept; change it by hand if the lab corrected it.",
            "{n} amended results differ from the ones in the record: {listing} — the record "
            "was kept; change it by hand if the lab corrected it.",
            n,
        )
    else:
        said = trn(
            "{n} corrected or amended result differs from the one in the record: {listing} — "
            "the record was kept; change it by hand if the lab corrected it.",
            "{n} corrected or amended results differ from the ones in the record: {listing} — "
            "the record was kept; change it by hand if the lab corrected it.",
            n,
        )
    return (said.format(n=n, listing=listing),)


def summary_of(fplan: FhirPlan, *, applied: bool) -> list[str]:
    """The CSV import's summary, then the vital signs and what was left out, by type (the
    vital signs already in the record counted there, not also among the values)."""
    labs = fplan.plan.already_there[: len(fplan.plan.already_there) - fplan.vitals_already]
    return [
        *summary_lines(replace(fplan.plan, already_there=labs), applied=applied),
        *fplan.vitals_lines,
        *fplan.fhir.left_out_lines(),
    ]


def apply_with_new_child(
    fhir: FhirFile, record: Record, child: Child, *, source: str, skip_bad: bool = False
) -> tuple[Child, FhirPlan, ImportReport]:
    """The file's Patient as the record's first child, and the file's results for it: after
    a backup, in ONE transaction (a child never stays behind without its import)."""
    make_backup(record, BEFORE_IMPORT)
    with record.batch(tr("import the FHIR file")):
        saved, _changes = record.save(replace(child, id=None))
        fplan = plan_fhir(fhir, record, saved, source=source)
        report = apply_import(fplan.plan, record, skip_bad=skip_bad, backed_up=True)
    return saved, fplan, report


def apply_fhir(
    fplan: FhirPlan, record: Record, *, skip_bad: bool = False, progress: Progress = no_progress
) -> ImportReport:
    """``csv_import.apply_import``: a backup, then every entry in one transaction."""
    return apply_import(fplan.plan, record, skip_bad=skip_bad, progress=progress)
