"""Lumbar punctures (CNS visits) and the intrathecal drugs given at each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker import forms, labels
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import (
    LONG_TEXT,
    Choice,
    Date,
    Flag,
    JsonReader,
    KeyPath,
    Link,
    Number,
    Rows,
    Text,
)
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import CnsStatus, CnsVisit, ItDose, ItDrug, LpProcedure, YesNoUnknown


def _validate(v: CnsVisit, context: Context) -> Problems:
    assert context.child is not None
    return forms.validate_cns_visit(v, context.child, context.today)


def _drug_order(d: ItDose) -> tuple[Any, ...]:
    order = list(ItDrug)
    return (order.index(d.drug) if d.drug in order else len(order), d.uid)


@dataclass(frozen=True)
class _ItDrugChoice(Choice):
    """The drug of an intrathecal dose: a file naming one that must never go into the spinal
    fluid (vincristine, Oncovin, VCR…) gets the same warning as the form, not "is not one of"."""

    def from_json(self, check: JsonReader, obj: dict[str, Any], path: KeyPath) -> Any:
        typed = obj.get(self.json or self.name)
        never = forms.never_intrathecal_message(typed) if isinstance(typed, str) else None
        if never is not None:
            check.add((*path, self.json or self.name), never)
            return self.default
        return super().from_json(check, obj, path)


IT_DOSE = Kind(
    key="it_dose",
    model=ItDose,
    table="cns_it_drug",
    json=None,
    parent="cns_visit",
    parent_column="visit_id",
    part_of=True,
    fields=(
        _ItDrugChoice("drug", N_("Drug"), enum=ItDrug, default=ItDrug.METHOTREXATE),
        Text("dose_text", N_("Dose")),
    ),
    singular=N_("intrathecal drug"),
    plural=N_("intrathecal drugs"),
    describe=lambda d: tr("an intrathecal drug ({drug})").format(
        drug=tr(labels.IT_DRUG.get(d.drug.value, d.drug.value))
    ),
    order_by="id",
    sort_key=_drug_order,
    joiner="of",
)

CNS_VISIT = Kind(
    key="cns_visit",
    model=CnsVisit,
    table="cns_visit",
    json="cns_visits",
    fields=(
        Date("date", N_("Date")),
        Choice("procedure", N_("Procedure"), enum=LpProcedure, default=LpProcedure.LP_WITH_IT),
        Link("phase_id", N_("Phase"), json="phase_uid", target="phase"),
        Rows("it_drugs", N_("Intrathecal drugs"), kind="it_dose", key="drug"),
        Number("csf_wbc", N_("CSF white cells")),
        Number("csf_rbc", N_("CSF red cells")),
        Choice("blasts_seen", N_("Blasts seen"), enum=YesNoUnknown, default=YesNoUnknown.UNKNOWN),
        Choice("cns_status", N_("CNS status"), enum=CnsStatus, default=CnsStatus.PENDING),
        Text("sedation", N_("Sedation")),
        Number("platelets", N_("Platelets that day")),
        Text("complications", N_("Complications"), longest=LONG_TEXT),
        Flag("planned", N_("Planned")),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("lumbar puncture"),
    plural=N_("lumbar punctures"),
    describe=lambda v: tr("a lumbar puncture of {date}").format(date=date_text(v.date)),
    order_by="date, id",  # i18n: not shown
    sort_key=date_sort_key("date"),
    dates=(DateRule("date", not_in_future=True, unless="planned"),),
    validate=_validate,
)
