"""The child: the one kind every other entry belongs to."""

from __future__ import annotations

from tracker import forms
from tracker.kinds.fields import LONG_TEXT, Choice, Date, Flag, Number, Text
from tracker.kinds.kind import QT_TRANSLATE_NOOP, Context, DateRule, Kind, Problems
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
        Text("name", "Name", strip=True),
        Date("birth_date", "Date of birth"),
        Choice("sex", "Sex", enum=Sex, default=Sex.UNKNOWN),
        Date("diagnosis_date", "Diagnosis date", optional=True),
        Text("immunophenotype", "Immunophenotype"),
        Choice("kmt2a_status", "KMT2A status", enum=Kmt2aStatus, default=Kmt2aStatus.UNKNOWN),
        Text("kmt2a_partner", "KMT2A partner"),
        Text("wbc_at_diagnosis_text", "WBC at diagnosis"),
        Text("wbc_at_diagnosis_unit", "WBC at diagnosis, unit"),
        Number("wbc_at_diagnosis", "WBC at diagnosis (10⁹/L)"),
        Choice(
            "cns_status_at_diagnosis",
            "CNS status at diagnosis",
            enum=CnsStatus,
            default=CnsStatus.UNKNOWN,
        ),
        Choice(
            "prednisone_response",
            "Prednisone response",
            enum=PrednisoneResponse,
            default=PrednisoneResponse.UNKNOWN,
        ),
        Text("protocol", "Protocol"),
        Choice("risk_group", "Risk group", enum=RiskGroup, default=RiskGroup.UNKNOWN),
        Text("risk_group_text", "Risk group as the team wrote it"),
        Text("hospital", "Hospital"),
        Text("team_contacts", "Team contacts", longest=LONG_TEXT),
        Text("notes", "Notes", longest=LONG_TEXT),
        Choice(
            "central_line",
            "Central line",
            enum=CentralLine,
            default=CentralLine.UNKNOWN,
            since=CARD_FIELDS_SINCE,
        ),
        Text("central_line_text", "Central line as the team calls it", since=CARD_FIELDS_SINCE),
        Text("allergies", "Allergies", since=CARD_FIELDS_SINCE, longest=LONG_TEXT),
        Flag("no_known_allergies", "No known allergies", since=CARD_FIELDS_SINCE),
        Text("phone_day", "Team phone (day)", since=CARD_FIELDS_SINCE),
        Text("phone_24h", "Team phone (24-hour)", since=CARD_FIELDS_SINCE),
        Text(
            "blood_product_notes", "Blood-product notes", since=CARD_FIELDS_SINCE, longest=LONG_TEXT
        ),
    ),
    singular=QT_TRANSLATE_NOOP("kinds", "child"),
    plural=QT_TRANSLATE_NOOP("kinds", "children"),
    describe=lambda c: f"the entry for the child {c.name}",
    order_by="id",
    sort_key=lambda c: (c.birth_date.isoformat(), c.uid),
    dates=(
        DateRule("birth_date", not_before_birth=False, not_in_future=True),
        DateRule("diagnosis_date", not_in_future=True),
    ),
    validate=_validate,
)
