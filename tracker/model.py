"""The things a family records, as plain frozen dataclasses.

Dates are :class:`datetime.date`; what the family typed (value text, unit as
written, the lab's printed range) is kept beside the normalised number.  An
``id`` of ``None`` means "not saved yet"; a ``uid`` of ``""`` means "give it a
new one when saved".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from tracker import labels


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Kmt2aStatus(StrEnum):
    REARRANGED = "rearranged"
    GERMLINE = "germline"
    UNKNOWN = "unknown"


class PrednisoneResponse(StrEnum):
    GOOD = "good"
    POOR = "poor"
    UNKNOWN = "unknown"


class RiskGroup(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    OTHER = "other"
    UNKNOWN = "unknown"


class CentralLine(StrEnum):
    """The child's central line, as the team named it (domain.md §5.4)."""

    UNKNOWN = "unknown"  # not entered
    NONE = "none"
    PORT = "port"
    HICKMAN = "hickman"  # Hickman / Broviac / other tunnelled line
    PICC = "picc"
    OTHER = "other"


class CnsStatus(StrEnum):
    CNS1 = "CNS1"
    CNS2 = "CNS2"
    CNS3 = "CNS3"
    TLP_POSITIVE = "TLP+"
    TLP_NEGATIVE = "TLP-"
    PENDING = "pending"
    UNKNOWN = "unknown"


class PhaseKind(StrEnum):
    PROPHASE = "prophase"
    INDUCTION = "induction"
    CONSOLIDATION = "consolidation"
    INTENSIFICATION = "intensification"
    MAINTENANCE = "maintenance"
    TRANSPLANT = "transplant"
    OFF_THERAPY = "off_therapy"
    OTHER = "other"


class MilestoneKind(StrEnum):
    PHASE_START = "phase_start"
    PHASE_END = "phase_end"
    MARROW_CHECK = "marrow_check"
    MRD_RESULT = "mrd_result"
    REMISSION = "remission"
    RISK_CHANGE = "risk_change"
    TRANSPLANT = "transplant"
    END_OF_THERAPY = "end_of_therapy"
    OTHER = "other"


class MrdMethod(StrEnum):
    FLOW = "flow"
    PCR_IG_TCR = "pcr_ig_tcr"
    PCR_KMT2A = "pcr_kmt2a"
    NGS = "ngs"
    OTHER = "other"


class MrdSample(StrEnum):
    MARROW = "marrow"
    BLOOD = "blood"


class MrdQualifier(StrEnum):
    """How an MRD result was reported besides (or instead of) a number."""

    QUANTIFIED = "quantified"
    NEGATIVE = "negative"
    POSITIVE_NOT_QUANTIFIABLE = "positive_not_quantifiable"
    BELOW_QUANTIFIABLE_RANGE = "below_quantifiable_range"


class LpProcedure(StrEnum):
    LP_WITH_IT = "lp_it"
    DIAGNOSTIC_LP = "diagnostic_lp"


class ItDrug(StrEnum):
    """The only drugs that can be recorded as given intrathecally."""

    METHOTREXATE = "methotrexate"
    CYTARABINE = "cytarabine"
    HYDROCORTISONE = "hydrocortisone"
    PREDNISOLONE = "prednisolone"


class YesNoUnknown(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Comparator(StrEnum):
    """A lab value printed as "<0.1" or ">1000" keeps its sign."""

    EQUAL = ""
    LESS = "<"
    GREATER = ">"


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    birth_date: dt.date
    sex: Sex = Sex.UNKNOWN
    diagnosis_date: dt.date | None = None
    immunophenotype: str = ""
    kmt2a_status: Kmt2aStatus = Kmt2aStatus.UNKNOWN
    kmt2a_partner: str = ""
    wbc_at_diagnosis_text: str = ""
    wbc_at_diagnosis_unit: str = ""
    wbc_at_diagnosis: float | None = None  # normalised, 10^9/L
    cns_status_at_diagnosis: CnsStatus = CnsStatus.UNKNOWN
    prednisone_response: PrednisoneResponse = PrednisoneResponse.UNKNOWN
    protocol: str = ""
    risk_group: RiskGroup = RiskGroup.UNKNOWN
    risk_group_text: str = ""
    hospital: str = ""
    team_contacts: str = ""
    notes: str = ""
    # for the fever card (record format 6, export format 5)
    central_line: CentralLine = CentralLine.UNKNOWN
    central_line_text: str = ""  # what the team called it, for "other" (or more detail)
    allergies: str = ""  # as typed; empty with no_known_allergies False: not entered
    no_known_allergies: bool = False
    phone_day: str = ""
    phone_24h: str = ""
    blood_product_notes: str = ""  # "irradiated, CMV-negative products", as typed
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Phase:
    child_id: int
    kind: PhaseKind
    name: str = ""
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    notes: str = ""
    id: int | None = None
    uid: str = ""

    @property
    def start(self) -> dt.date | None:
        """The actual start when known, else the planned one."""
        return self.actual_start or self.planned_start

    @property
    def end(self) -> dt.date | None:
        return self.actual_end or self.planned_end

    @property
    def display_name(self) -> str:
        return self.name or labels.PHASE_KIND[self.kind.value]


@dataclass(frozen=True, slots=True)
class Mrd:
    """A measurable-residual-disease result.  ``fraction`` 1e-4 is 0.01 %."""

    entered: str = ""  # as the family typed it: "0.01%", "1e-4", "10^-4"
    fraction: float | None = None
    qualifier: MrdQualifier = MrdQualifier.QUANTIFIED
    method: MrdMethod | None = None
    sample: MrdSample | None = None


@dataclass(frozen=True, slots=True)
class Milestone:
    child_id: int
    date: dt.date
    kind: MilestoneKind
    result_text: str = ""
    planned: bool = False
    mrd: Mrd | None = None
    notes: str = ""
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class CountValue:
    analyte: str  # catalogue code: wbc, anc, hgb, ...
    value_text: str  # as typed, e.g. "1,2" or "<0.1"
    unit: str  # as written on the report
    value: float  # parsed from value_text, in ``unit``
    normalised_value: float
    canonical_unit: str
    comparator: Comparator = Comparator.EQUAL
    range_text: str = ""  # the lab's printed range, as typed
    range_low: float | None = None  # in ``unit``
    range_high: float | None = None
    uid: str = ""
    lab_flag: str = ""  # the flag the lab printed beside it ("L", "H", "*"), as printed
    lab_comment: str = ""  # the lab's comment on this value, as printed
    hours_after: float | None = None  # a drug level: hours since the infusion started


@dataclass(frozen=True, slots=True)
class OtherResult:
    """A result of a test the program does not know, kept as the lab printed it: no unit
    conversion, no flag of the program's own (the lab's flag is shown as printed)."""

    name: str  # the test's name as printed ("Vitamin D 25-OH")
    value_text: str  # the result as printed ("54", "positive", "<0.5")
    unit: str = ""
    range_text: str = ""
    lab_flag: str = ""
    lab_comment: str = ""
    uid: str = ""


@dataclass(frozen=True, slots=True)
class CountResult:
    """One blood draw: a date (and maybe a time) with the values measured."""

    child_id: int
    taken_date: dt.date
    taken_time: dt.time | None = None
    source: str = ""
    note: str = ""
    values: tuple[CountValue, ...] = ()
    id: int | None = None
    uid: str = ""
    others: tuple[OtherResult, ...] = ()  # results of tests the program does not know

    def value(self, analyte: str) -> CountValue | None:
        for v in self.values:
            if v.analyte == analyte:
                return v
        return None


@dataclass(frozen=True, slots=True)
class ItDose:
    drug: ItDrug
    dose_text: str = ""  # e.g. "8 mg"
    uid: str = ""


@dataclass(frozen=True, slots=True)
class CnsVisit:
    child_id: int
    date: dt.date
    procedure: LpProcedure = LpProcedure.LP_WITH_IT
    phase_id: int | None = None
    it_drugs: tuple[ItDose, ...] = ()
    csf_wbc: float | None = None  # cells per µL
    csf_rbc: float | None = None  # cells per µL
    blasts_seen: YesNoUnknown = YesNoUnknown.UNKNOWN
    cns_status: CnsStatus = CnsStatus.PENDING
    sedation: str = ""
    platelets: float | None = None  # 10^9/L that day
    complications: str = ""
    planned: bool = False
    note: str = ""
    id: int | None = None
    uid: str = ""


class ThresholdPurpose(StrEnum):
    """Why the team gave the family this number."""

    TRANSFUSION = "transfusion"  # e.g. "we transfuse platelets below 20"
    NEXT_BLOCK = "next_block"  # e.g. "ANC must be over 0.5 to start the next block"
    WATCH = "watch"  # anything else the team asked the family to watch
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class TeamThreshold:
    """A number the treatment team gave for one count, as the family typed it."""

    child_id: int
    analyte: str  # anc, hgb, plt, ...
    purpose: ThresholdPurpose
    value_text: str
    unit: str
    normalised_value: float  # in the analyte's canonical unit
    note: str = ""
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class OccurrenceChange:
    """One date of a repeating appointment moved, edited or cancelled (the iCalendar
    RECURRENCE-ID override or EXDATE): ``original_date`` is the series date it stands for
    and keeps its link to the series; the rest is that occurrence's own (copied from the
    series when first changed)."""

    original_date: dt.date
    date: dt.date  # where it is now (the original date: not moved)
    cancelled: bool = False
    time: dt.time | None = None
    with_whom: str = ""
    place: str = ""
    note: str = ""
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Appointment:
    """A clinic visit (past or planned): the printed summary covers what happened since.
    ``repeat`` makes it a series from ``date`` (an RRULE, tracker.schedule; "" once);
    ``changes`` holds its moved, edited and cancelled dates."""

    child_id: int
    date: dt.date
    time: dt.time | None = None
    with_whom: str = ""  # "Dr. de Vries, oncology day clinic"
    place: str = ""
    note: str = ""
    repeat: str = ""
    changes: tuple[OccurrenceChange, ...] = ()
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Question:
    """A question the family wants to ask the team."""

    child_id: int
    added_on: dt.date
    text: str
    answered: bool = False
    answer: str = ""
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Growth:
    """A growth measurement: weight, length/height and head circumference of one day, each
    as typed ("15 lb 4 oz", "68 cm") beside its value in kg / cm; at least one is given."""

    child_id: int
    date: dt.date
    weight_text: str = ""  # as typed, with its unit: "7.85 kg", "7850 g", "15 lb 4 oz"
    weight_kg: float | None = None
    length_text: str = ""  # "68 cm", "26.75 in"
    length_cm: float | None = None
    head_text: str = ""
    head_cm: float | None = None
    measured_by: str = ""  # who measured it: "clinic", "home scale", …
    note: str = ""
    id: int | None = None
    uid: str = ""


class MedicineForm(StrEnum):
    TABLET = "tablet"
    LIQUID = "liquid"
    CAPSULE = "capsule"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class MedicinePlan:
    """A medicine given at home as the team wrote it: drug, strength and form, dose (amount
    and unit as typed), schedule (an RFC 5545 RRULE, ``""`` for as needed; see
    :mod:`tracker.schedule`), from ``start_date`` to ``end_date`` (open while ``None``).  A
    dose change ends this plan and starts the next, whose ``follows_id`` points back here."""

    child_id: int
    drug: str  # as chosen or typed: "6-mercaptopurine", "co-trimoxazole"
    start_date: dt.date
    dose_amount: str = ""  # as the team wrote it: "25", "2.5"
    dose_unit: str = ""  # "mg", "mL", "tablet"
    strength: str = ""  # "50 mg tablet", "20 mg/mL"
    form: MedicineForm | None = None  # None: not entered (no form is guessed)
    schedule: str = ""  # RRULE: "FREQ=DAILY", "FREQ=WEEKLY;BYDAY=SA,SU"; "" = as needed
    end_date: dt.date | None = None
    team_note: str = ""  # what the team said, in their words
    follows_id: int | None = None  # the plan this one replaced (a dose change)
    id: int | None = None
    uid: str = ""


class DoseStatus(StrEnum):
    GIVEN = "given"
    PARTLY_GIVEN = "partly_given"
    VOMITED = "vomited"
    MISSED = "missed"
    HELD = "held_by_team"


@dataclass(frozen=True, slots=True)
class DoseLog:
    """What happened to one due dose of a plan (or to an as-needed dose, logged when
    given): given, partly given, vomited, missed or held by the team.  ``due_date`` and
    ``due_time`` name the occurrence of the plan's schedule it answers (``due_time`` is
    ``None`` for a schedule without times of day)."""

    child_id: int
    plan_id: int | None
    due_date: dt.date
    status: DoseStatus
    due_time: dt.time | None = None
    given_time: dt.time | None = None
    amount: str = ""  # only if different from the plan's dose, as typed: "10 mg"
    note: str = ""
    id: int | None = None
    uid: str = ""


class TemperatureUnit(StrEnum):
    CELSIUS = "C"
    FAHRENHEIT = "F"


class TemperatureSite(StrEnum):
    """How a temperature was taken.  There is no "rectal": domain.md §5.1 (never rectal);
    a family that took one otherwise types it under "other"."""

    ARMPIT = "armpit"
    EAR = "ear"
    FOREHEAD = "forehead"
    MOUTH = "mouth"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Temperature:
    """A temperature taken at home: the number as typed ("38,4", "101.2 °F") with its unit
    and the same in °C; how it was taken; what was done (a record, never advice)."""

    child_id: int
    date: dt.date
    time: dt.time | None = None
    value_text: str = ""  # as typed, with or without its unit: "38.4", "101.2 °F"
    unit: TemperatureUnit = TemperatureUnit.CELSIUS
    celsius: float = 0.0  # the same in °C (exact conversion of the typed number)
    site: TemperatureSite | None = None  # None: not noted
    site_text: str = ""  # "other": as typed
    called_team: bool = False
    went_to_hospital: bool = False
    gave_paracetamol: bool = False
    done_text: str = ""  # anything else that was done, as typed
    note: str = ""
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class FeverRule:
    """The team's own fever rule as the family typed it, from the day it was given (a newer
    rule replaces it from its own date): the number, its unit, and the rule's words."""

    child_id: int
    given_on: dt.date
    value_text: str = ""  # "38.0", "100.4 °F"
    unit: TemperatureUnit = TemperatureUnit.CELSIUS
    celsius: float = 0.0
    rule_text: str = ""  # the rule as written on the team's sheet
    id: int | None = None
    uid: str = ""


class SymptomWhat(StrEnum):
    VOMITING = "vomiting"
    DIARRHOEA = "diarrhoea"
    MOUTH_SORES = "mouth_sores"
    CONSTIPATION = "constipation"
    PAIN = "pain"
    RASH = "rash"
    BLEEDING = "bleeding_bruising"
    TIREDNESS = "tiredness"
    JAW_PAIN = "jaw_pain"
    TINGLING = "tingling"
    FEEDING_REFUSAL = "feeding_refusal"
    LINE_SITE = "line_site"
    OTHER = "other"


class Severity(StrEnum):
    """How bad, in the family's words."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True, slots=True)
class Symptom:
    """A symptom or side effect from ``date`` (to ``end_date``, if given): what, how bad in the
    family's words, and an optional CTCAE-style grade kept with its version (a label)."""

    child_id: int
    date: dt.date
    what: SymptomWhat = SymptomWhat.OTHER
    what_text: str = ""  # "other", or more words: "refused the bottle"
    end_date: dt.date | None = None
    severity: Severity | None = None
    grade: int | None = None  # 1–5, for labelling only
    grade_version: str = ""  # "CTCAE v5.0" when a grade is given
    note: str = ""
    id: int | None = None
    uid: str = ""


class TransfusionProduct(StrEnum):
    RED_CELLS = "red_cells"
    PLATELETS = "platelets"
    PLASMA = "plasma"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Transfusion:
    """A blood-product transfusion: when, which product (``product_text`` names an "other"
    one as typed), how much as typed ("150 mL", "1 unit") beside its value in mL or units
    (one of them, or neither when not known), the reason as the team told it, and what
    happened (a reaction) or a note.  The counts before and after are not stored: they are
    linked from the record's blood counts (tracker.kinds.transfusion.linked_counts)."""

    child_id: int
    date: dt.date
    time: dt.time | None = None
    product: TransfusionProduct = TransfusionProduct.RED_CELLS
    product_text: str = ""
    amount_text: str = ""
    volume_ml: float | None = None
    units: float | None = None
    reason: str = ""
    note: str = ""
    id: int | None = None
    uid: str = ""


class StayReason(StrEnum):
    PLANNED = "planned"  # a planned block of treatment
    FEVER = "fever"  # fever / febrile neutropenia
    INFECTION = "infection"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Stay:
    """A hospital stay from ``from_date`` to ``to_date`` (``None`` while still in hospital),
    where (as typed), why (``reason_text`` names an "other" reason as typed) and a note."""

    child_id: int
    from_date: dt.date
    to_date: dt.date | None = None
    place: str = ""
    reason: StayReason = StayReason.OTHER
    reason_text: str = ""
    note: str = ""
    id: int | None = None
    uid: str = ""


@dataclass(frozen=True, slots=True)
class PlanItemEntry:
    """One planned item of a child's roadmap (``item_id`` as in tracker.roadmap.plan:
    "ind.start", "ib.lp1"), with its date as last applied (what the family saw), whether it
    was fixed by hand (it never moves), why it moved, and the phase entry a phase's start or
    end stands for (its uid, once that phase exists)."""

    item_id: str
    date: dt.date | None = None
    fixed: bool = False
    moved_because: str = ""  # "moved 3 days after Induction started late"
    phase_uid: str = ""
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Roadmap:
    """A protocol roadmap applied to a child: the child's own copy of the template (the
    roadmap format's JSON text, with the family's lengths and LP days), the arm the team
    gave, the day the arm's first phase starts, and the planned items."""

    child_id: int
    protocol: str
    arm: str
    template: str
    applied_on: dt.date
    first_start: dt.date | None = None
    items: tuple[PlanItemEntry, ...] = ()
    note: str = ""
    id: int | None = None
    uid: str = ""
