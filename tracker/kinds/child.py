"""The child: the one kind every other entry belongs to."""

from __future__ import annotations

from tracker import forms
from tracker.i18n import N_, tr
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Flag, Number, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems
from tracker.model import (
    CentralLine,
    Child,
    CnsStatus,
    Kmt2aStatus,
    PrednisoneResponse,
    RiskGroup,
    Sex,
)

# The export format that added the fever card's fields (line, allergies, phones, blood).
CARD_FIELDS_SINCE = 5


def _validate(child: Child, context: Context) -> Problems:
    return forms.validate_child(child, context.today, context.local_today)


CHILD = Kind(
    key="child",
    model=Child,
    table="child",
    json="children",
    parent=None,
    fields=(
        Text("name", N_("Name"), strip=True),
        Date("birth_date", N_("Date of birth")),
        Choice("sex", N_("Sex"), enum=Sex, default=Sex.UNKNOWN),
        Date("diagnosis_date", N_("Diagnosis date"), optional=True),
        Text("immunophenotype", N_("Immunophenotype")),
        Choice("kmt2a_status", N_("KMT2A status"), enum=Kmt2aStatus, default=Kmt2aStatus.UNKNOWN),
        Text("kmt2a_partner", N_("KMT2A partner")),
        Text("wbc_at_diagnosis_text", N_("WBC at diagnosis")),
        Text("wbc_at_diagnosis_unit", N_("WBC at diagnosis, unit")),
        Number("wbc_at_diagnosis", N_("WBC at diagnosis (10⁹/L)")),
        Choice(
            "cns_status_at_diagnosis",
            N_("CNS status at diagnosis"),
            enum=CnsStatus,
            default=CnsStatus.UNKNOWN,
        ),
        Choice(
            "prednisone_response",
            N_("Prednisone response"),
            enum=PrednisoneResponse,
            default=PrednisoneResponse.UNKNOWN,
        ),
        Text("protocol", N_("Protocol")),
        Choice("risk_group", N_("Risk group"), enum=RiskGroup, default=RiskGroup.UNKNOWN),
        Text("risk_group_text", N_("Risk group as the team wrote it")),
        Text("hospital", N_("Hospital")),
        Text("team_contacts", N_("Team contacts"), longest=LONG_TEXT),
        Text("notes", N_("Notes"), longest=LONG_TEXT),
        Choice(
            "central_line",
            N_("Central line"),
            enum=CentralLine,
            default=CentralLine.UNKNOWN,
            since=CARD_FIELDS_SINCE,
        ),
        Text("central_line_text", N_("Central line as the team calls it"), since=CARD_FIELDS_SINCE),
        Text("allergies", N_("Allergies"), since=CARD_FIELDS_SINCE, longest=LONG_TEXT),
        Flag("no_known_allergies", N_("No known allergies"), since=CARD_FIELDS_SINCE),
        Text("phone_day", N_("Team phone (day)"), since=CARD_FIELDS_SINCE),
        Text("phone_24h", N_("Team phone (24-hour)"), since=CARD_FIELDS_SINCE),
        Text(
            "blood_product_notes",
            N_("Blood-product notes"),
            since=CARD_FIELDS_SINCE,
            longest=LONG_TEXT,
        ),
    ),
    singular=N_("child"),
    plural=N_("children"),
    describe=lambda c: tr("the entry for the child {name}").format(name=c.name),
    order_by="id",
    sort_key=lambda c: (c.birth_date.isoformat(), c.uid),
    dates=(
        DateRule("birth_date", not_before_birth=False, not_in_future=True),
        DateRule("diagnosis_date", not_in_future=True),
    ),
    validate=_validate,
)
