"""One child's record as a FHIR R4 ``collection`` Bundle (docs/fhir.md is the contract).

The Patient comes first, then the treatment phases as one CarePlan, each blood draw as a
DiagnosticReport followed by one Observation per value (LOINC, the value as typed in its
unit with the UCUM code, the lab's printed range, the lab's own flag), the growth
measurements and temperatures as vital-signs Observations, each lumbar puncture as a
Procedure with its intrathecal drugs as MedicationAdministrations (``partOf`` the
Procedure), and the home medicines as MedicationStatements (the plans) and
MedicationAdministrations (each dose logged).  :mod:`tracker.io.fhir_export_resources`
and :mod:`tracker.io.fhir_export_medicines` build the resources; this module orders them,
names them and writes the file.

- **Stable names.**  Every ``fullUrl`` is ``urn:uuid:`` and the row's own uid (a UUID), or
  a name-based UUID (uuid5) made from it where one row gives several resources (a growth
  measurement's weight and length) or a resource has no row (the CarePlan): two exports of
  the same record give the same ``fullUrl``\\ s, and references use them.
- **Times.**  FHIR R4 ``dateTime`` with hours SHALL have a time zone, and the record keeps
  the family's wall-clock time with none: a time is written with the offset the
  computer's time zone has on that day (``zone``; summer and winter time each their own),
  a date without a time as the date alone.
- **Redacted** (as the summary and calendar, :mod:`tracker.redaction`): the Patient has no
  name and no birth date, and every text the family typed passes through the same
  redaction (the name, the date of birth and the hospital taken out).
- Written as the JSON export is: UTF-8, stable key order, atomically (0600, the old file
  kept on failure).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tracker import i18n
from tracker.i18n import tr
from tracker.io import fhir_export_medicines as meds
from tracker.io import fhir_export_resources as res
from tracker.kinds import by_key
from tracker.model import (
    Child,
    CnsVisit,
    CountResult,
    DoseLog,
    Growth,
    MedicinePlan,
    Phase,
    Temperature,
)
from tracker.progress import Progress, no_progress, part_of
from tracker.redaction import Redaction
from tracker.store import durable
from tracker.store.record import Record

JsonObject = dict[str, Any]

# The namespace of the name-based UUIDs (uuid5) of resources that are not one row each.
# Fixed for ever: changing it would change every such fullUrl.
NAMESPACE = uuid.UUID("3f6a0c52-8d0e-5b7e-9c35-0e0b6c2f7a14")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def resource_uuid(uid: str, part: str = "") -> str:
    """The UUID of the resource made from the row ``uid``: the uid itself when it is a UUID
    and the row gives one resource, else uuid5 of the uid and ``part``."""
    if not part and _UUID.fullmatch(uid):
        return uid  # the form every row's uid has (docs/export-format.md)
    if not part:
        try:
            return str(uuid.UUID(uid))
        except ValueError:
            pass
    return str(uuid.uuid5(NAMESPACE, f"{uid}/{part}" if part else uid))


@functools.lru_cache(maxsize=65536)  # a record has a few thousand draw times
def local_time(day: dt.date, at: dt.time | None, zone: dt.tzinfo | None) -> str:
    """A FHIR dateTime: the date alone, or the wall-clock time with the offset of ``zone``
    on that day (None: the computer's own zone, as its clock reads that day)."""
    if at is None:
        return day.isoformat()
    wall = dt.datetime.combine(day, at.replace(tzinfo=None))
    if zone is None:  # the computer's zone: its offset then, the wall-clock time kept
        zone = wall.astimezone().tzinfo  # (in the hour skipped in spring, the one before)
    return wall.replace(tzinfo=zone).isoformat(timespec="seconds")


EVERY = 50
"""Blood counts (or Bundle entries written) between two calls of ``progress``."""


class _Bundle:
    """The entries of one child's Bundle, in order."""

    def __init__(self, record: Record, child: Child, zone: dt.tzinfo | None, redact: bool) -> None:
        self.record = record
        self.child = child
        self.entries: list[JsonObject] = []
        self.redact = redact
        redaction = Redaction.for_child(child) if redact else None
        self.ctx = res.Context(
            patient="",
            text=redaction.text if redaction else _same,
            when=lambda day, at: local_time(day, at, zone),
            today=record.today(),
        )

    def add(self, resource: JsonObject) -> str:
        """Add ``resource`` (its ``id`` set); the reference other resources use."""
        full = f"urn:uuid:{resource['id']}"
        self.entries.append({"fullUrl": full, "resource": resource})
        return full

    def ordered(self, key: str, model: type[Any]) -> list[Any]:
        assert self.child.id is not None
        return sorted(self.record.entries(model, self.child.id), key=by_key(key).sort_key)

    def build(self, progress: Progress = no_progress) -> None:
        """The entries, in order; ``progress`` hears of the blood counts (most of the work)
        and of each kind after them, and may stop it (Cancelled)."""
        c = self.ctx
        child = self.child
        progress(0, 100)
        c.patient = self.add(res.patient(child, resource_uuid(child.uid), redacted=self.redact))
        phases: list[Phase] = self.ordered("phase", Phase)
        care_plan = None
        if phases:
            care_plan = self.add(
                res.care_plan(child, phases, resource_uuid(child.uid, "careplan"), c)
            )
        draw: CountResult
        draws = self.ordered("count", CountResult)
        progress(20, 100)  # reading them: about a fifth of the time
        for n, draw in enumerate(draws):
            if n % EVERY == 0:
                progress(20 + 60 * n // len(draws), 100)
            self._draw(draw)
        progress(80, 100)
        for g in self.ordered("growth", Growth):
            for part, resource in res.growth(g, c):
                resource["id"] = resource_uuid(g.uid, part)
                self.add(resource)
        for t in self.ordered("temperature", Temperature):
            self.add(res.temperature(t, resource_uuid(t.uid), c))
        for visit in self.ordered("cns_visit", CnsVisit):
            if visit.planned:
                continue  # not done yet: a plan, not something that happened
            procedure = self.add(res.procedure(visit, resource_uuid(visit.uid), care_plan, c))
            for drug in sorted(visit.it_drugs, key=by_key("it_dose").sort_key):
                self.add(meds.intrathecal(visit, drug, resource_uuid(drug.uid), procedure, c))
        progress(90, 100)
        plans: dict[int | None, tuple[MedicinePlan, str]] = {}
        for plan in self.ordered("medicine_plan", MedicinePlan):
            plans[plan.id] = (plan, self.add(meds.medicine(plan, resource_uuid(plan.uid), c)))
        for dose in self.ordered("dose", DoseLog):
            plan_and_ref = plans.get(dose.plan_id) if dose.plan_id is not None else None
            self.add(meds.dose_given(dose, plan_and_ref, resource_uuid(dose.uid), c))
        progress(100, 100)

    def _draw(self, draw: CountResult) -> None:
        c = self.ctx
        results: list[JsonObject] = []
        for v in sorted(draw.values, key=by_key("count_value").sort_key):
            results.append(res.lab_value(draw, v, resource_uuid(v.uid), c))
        for o in sorted(draw.others, key=by_key("count_other").sort_key):
            results.append(res.other_result(draw, o, resource_uuid(o.uid), c))
        if not results:
            return
        refs = [f"urn:uuid:{r['id']}" for r in results]
        self.add(res.report(draw, resource_uuid(draw.uid), refs, c))
        for r in results:
            self.add(r)


def _same(text: str) -> str:
    return text


def fhir_bundle(
    record: Record,
    child: Child | None,
    exported_at: dt.datetime,
    *,
    redact: bool = False,
    zone: dt.tzinfo | None = None,
    progress: Progress = no_progress,
) -> JsonObject:
    """``child``'s record as a FHIR R4 collection Bundle (no child: a Bundle with no
    entries, the export of an empty record).  ``zone``: the time zone of the family's
    wall-clock times (None: this computer's).  ``progress`` hears of the work and may
    stop it (Cancelled)."""
    entries: list[JsonObject] = []
    if child is not None:
        bundle = _Bundle(record, child, zone, redact)
        with i18n.using(i18n.SOURCE_LANGUAGE):  # HL7's English, whatever the window's
            bundle.build(progress)
        entries = bundle.entries
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": exported_at.isoformat(timespec="seconds"),
        "entry": entries,
    }


def resource_types(bundle: JsonObject) -> dict[str, int]:
    """How many resources of each type ``bundle`` holds, in the order they first come."""
    counts: dict[str, int] = {}
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def describe(counts: dict[str, int]) -> str:
    """ "1 Patient, 12 Observation, 1 CarePlan" (or "no resources")."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items()) or tr("no resources")


def _compact(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dumps(bundle: JsonObject, progress: Progress = no_progress) -> str:
    """The file's text: compact JSON with one entry per line (fast to write, and a change
    to one resource is a change to one line); UTF-8 characters as themselves, no NaN.
    ``progress`` hears of the entries written and may stop it (Cancelled)."""
    return "".join(_pieces(bundle, progress))


def _pieces(bundle: JsonObject, progress: Progress, *, spend: bool = False) -> Iterator[str]:
    """:func:`dumps`'s text in pieces, one entry's line at a time.  ``spend``: each entry
    is let go once written (freeing a whole Bundle at once held the program still)."""
    entries = bundle["entry"]
    if not entries:
        yield _compact(bundle) + "\n"
        return
    head = _compact({k: v for k, v in bundle.items() if k != "entry"})
    yield f'{head[:-1]},"entry":[\n'
    for n in range(len(entries)):
        if n % EVERY == 0:
            progress(n, len(entries))
        yield (",\n" if n else "") + _compact(entries[n])
        if spend:
            entries[n] = None
    progress(len(entries), len(entries))
    yield "\n]}\n"


def _encoded(pieces: Iterator[str], batch: int = 500) -> bytes:
    """``pieces`` as UTF-8, encoded a batch at a time (one 20 MB string, joined and then
    encoded, held the GIL for a tenth of a second each)."""
    chunks: list[bytes] = []
    waiting: list[str] = []
    for piece in pieces:
        waiting.append(piece)
        if len(waiting) >= batch:
            chunks.append("".join(waiting).encode("utf-8"))
            waiting.clear()
    chunks.append("".join(waiting).encode("utf-8"))
    return b"".join(chunks)


def write_fhir(
    record: Record,
    child: Child | None,
    path: Path,
    exported_at: dt.datetime,
    *,
    redact: bool = False,
    zone: dt.tzinfo | None = None,
    progress: Progress = no_progress,
) -> dict[str, int]:
    """Write ``child``'s Bundle to ``path`` atomically (0600; the old file kept on
    failure); how many resources of each type it holds.  ``progress`` hears of the work
    and may stop it (Cancelled) before anything is written: then no file is made and an
    existing one is unchanged."""
    bundle = fhir_bundle(
        record, child, exported_at, redact=redact, zone=zone, progress=part_of(progress, 0, 70, 100)
    )
    counts = resource_types(bundle)
    payload = _encoded(_pieces(bundle, part_of(progress, 70, 28, 100), spend=True))
    durable.write_atomically(Path(path), payload, tr("the FHIR export"))
    return counts
