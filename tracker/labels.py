"""Plain-English labels for stored codes (the UI translates them with ``tr``)."""

from __future__ import annotations

SEX = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not stated"}
KMT2A = {"rearranged": "Rearranged", "germline": "Germline (not rearranged)", "unknown": "Unknown"}
PREDNISONE = {"good": "Good response", "poor": "Poor response", "unknown": "Unknown"}
RISK = {
    "low": "Low",
    "medium": "Medium",
    "high": "High",
    "other": "Other",
    "unknown": "Not told yet",
}
CENTRAL_LINE = {
    "unknown": "Not entered",
    "none": "No central line",
    "port": "Port (implanted port, Port-a-Cath)",
    "hickman": "Hickman / tunnelled line (Broviac)",
    "picc": "PICC line",
    "other": "Other",
}
CNS_STATUS = {
    "CNS1": "CNS1",
    "CNS2": "CNS2",
    "CNS3": "CNS3",
    "TLP+": "TLP+ (traumatic, blasts)",
    "TLP-": "TLP− (traumatic, no blasts)",
    "pending": "Pending",
    "unknown": "Unknown",
}
PHASE_DATES = {
    "planned_start": "Planned start",
    "planned_end": "Planned end",
    "actual_start": "Started on",
    "actual_end": "Ended on",
}
"""The labels of a phase's dates (its kind's fields, tracker/kinds/phase.py), as its
messages name them."""
PHASE_KIND = {
    "prophase": "Prophase",
    "induction": "Induction",
    "consolidation": "Consolidation",
    "intensification": "Intensification",
    "maintenance": "Maintenance",
    "transplant": "Transplant",
    "off_therapy": "Off therapy",
    "other": "Other",
}
MILESTONE_KIND = {
    "phase_start": "Phase start",
    "phase_end": "Phase end",
    "marrow_check": "Bone-marrow check",
    "mrd_result": "MRD result",
    "remission": "Remission confirmed",
    "risk_change": "Risk-group change",
    "transplant": "Transplant",
    "end_of_therapy": "End of therapy",
    "other": "Other",
}
MRD_METHOD = {
    "flow": "Flow cytometry",
    "pcr_ig_tcr": "PCR (Ig/TCR)",
    "pcr_kmt2a": "PCR (KMT2A fusion)",
    "ngs": "NGS",
    "other": "Other",
}
MRD_SAMPLE = {"marrow": "Bone marrow", "blood": "Blood"}
MRD_QUALIFIER = {
    "quantified": "Measured value",
    "negative": "Negative",
    "positive_not_quantifiable": "Positive, not quantifiable",
    "below_quantifiable_range": "Below quantifiable range",
}
LP_PROCEDURE = {"lp_it": "LP with intrathecal chemo", "diagnostic_lp": "Diagnostic LP"}
IT_DRUG = {
    "methotrexate": "Methotrexate",
    "cytarabine": "Cytarabine",
    "hydrocortisone": "Hydrocortisone",
    "prednisolone": "Prednisolone",
}
YES_NO = {"yes": "Yes", "no": "No", "unknown": "Unknown"}
THRESHOLD_PURPOSE = {
    "transfusion": "Transfusion trigger",
    "next_block": "Needed to start the next block",
    "watch": "Watch for",
    "other": "Other",
}
