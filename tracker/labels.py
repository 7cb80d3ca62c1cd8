"""Plain-English labels for stored codes, read in the family's language.

Each table keeps its English (marked with ``N_`` for the catalogues) and gives it
translated when read: ``labels.RISK["high"]`` is "High", "Alto" or "Élevé" as the window's
language is, so every place that shows a label needs no ``tr`` of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tracker.i18n import N_, tr


class Shown(Mapping[str, str]):
    """A table of stored code → English label, read in the current language."""

    def __init__(self, english: Mapping[str, str]) -> None:
        self.english = dict(english)

    def __getitem__(self, code: str) -> str:
        return tr(self.english[code])

    def __iter__(self) -> Iterator[str]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)

    def __repr__(self) -> str:
        return f"Shown({self.english!r})"


SEX = Shown(
    {"female": N_("Female"), "male": N_("Male"), "other": N_("Other"), "unknown": N_("Not stated")}
)
KMT2A = Shown(
    {
        "rearranged": N_("Rearranged"),
        "germline": N_("Germline (not rearranged)"),
        "unknown": N_("Unknown"),
    }
)
PREDNISONE = Shown(
    {"good": N_("Good response"), "poor": N_("Poor response"), "unknown": N_("Unknown")}
)
RISK = Shown(
    {
        "low": N_("Low"),
        "medium": N_("Medium"),
        "high": N_("High"),
        "other": N_("Other"),
        "unknown": N_("Not told yet"),
    }
)
CENTRAL_LINE = Shown(
    {
        "unknown": N_("Not entered"),
        "none": N_("No central line"),
        "port": N_("Port (implanted port, Port-a-Cath)"),
        "hickman": N_("Hickman / tunnelled line (Broviac)"),
        "picc": N_("PICC line"),
        "other": N_("Other"),
    }
)
CNS_STATUS = Shown(
    {
        "CNS1": N_("CNS1"),
        "CNS2": N_("CNS2"),
        "CNS3": N_("CNS3"),
        "TLP+": N_("TLP+ (traumatic, blasts)"),
        "TLP-": N_("TLP− (traumatic, no blasts)"),
        "pending": N_("Pending"),
        "unknown": N_("Unknown"),
    }
)
PHASE_DATES = Shown(
    {
        "planned_start": N_("Planned start"),
        "planned_end": N_("Planned end"),
        "actual_start": N_("Started on"),
        "actual_end": N_("Ended on"),
    }
)
"""The labels of a phase's dates (its kind's fields, tracker/kinds/phase.py), as its
messages name them."""
PHASE_KIND = Shown(
    {
        "prophase": N_("Prophase"),
        "induction": N_("Induction"),
        "consolidation": N_("Consolidation"),
        "intensification": N_("Intensification"),
        "maintenance": N_("Maintenance"),
        "transplant": N_("Transplant"),
        "off_therapy": N_("Off therapy"),
        "other": N_("Other"),
    }
)
MILESTONE_KIND = Shown(
    {
        "phase_start": N_("Phase start"),
        "phase_end": N_("Phase end"),
        "marrow_check": N_("Bone-marrow check"),
        "mrd_result": N_("MRD result"),
        "remission": N_("Remission confirmed"),
        "risk_change": N_("Risk-group change"),
        "transplant": N_("Transplant"),
        "end_of_therapy": N_("End of therapy"),
        "other": N_("Other"),
    }
)
MRD_METHOD = Shown(
    {
        "flow": N_("Flow cytometry"),
        "pcr_ig_tcr": N_("PCR (Ig/TCR)"),
        "pcr_kmt2a": N_("PCR (KMT2A fusion)"),
        "ngs": N_("NGS"),
        "other": N_("Other"),
    }
)
MRD_SAMPLE = Shown({"marrow": N_("Bone marrow"), "blood": N_("Blood")})
MRD_QUALIFIER = Shown(
    {
        "quantified": N_("Measured value"),
        "negative": N_("Negative"),
        "positive_not_quantifiable": N_("Positive, not quantifiable"),
        "below_quantifiable_range": N_("Below quantifiable range"),
    }
)
LP_PROCEDURE = Shown(
    {"lp_it": N_("LP with intrathecal chemo"), "diagnostic_lp": N_("Diagnostic LP")}
)
IT_DRUG = Shown(
    {
        "methotrexate": N_("Methotrexate"),
        "cytarabine": N_("Cytarabine"),
        "hydrocortisone": N_("Hydrocortisone"),
        "prednisolone": N_("Prednisolone"),
    }
)
YES_NO = Shown({"yes": N_("Yes"), "no": N_("No"), "unknown": N_("Unknown")})
THRESHOLD_PURPOSE = Shown(
    {
        "transfusion": N_("Transfusion trigger"),
        "next_block": N_("Needed to start the next block"),
        "watch": N_("Watch for"),
        "other": N_("Other"),
    }
)
