"""LOINC codes as files write them: the code's shape, its check digit and long common names.

* :func:`is_loinc_code`: ``\\d{1,7}-\\d`` whose last digit is the LOINC mod-10 check digit
  (the mod-10 rule LOINC uses: the digits in odd places from the right, as one number,
  doubled; the digits in even places put before it; the check digit brings the sum of all
  those digits up to a multiple of 10; the Luhn rule in other words).  Written from that
  description, not from LOINC's own text, and checked against 6690-2, 751-8, 777-3, 718-7,
  26499-4 and all 78 codes of the catalogue (tests/test_csv_loinc.py).
  It tells a column of LOINC codes from a lab's own test codes ("WBC", "CBC1", "1234").
* :data:`LONG_NAMES`: LOINC long common names of codes the catalogue already has (its
  ``loinc`` / ``other_loinc``), as their sources print them.  They are display text (LOINC
  rewords them between releases, domain.md §2.8), so a name only ever helps when a file has
  no code column; the code always wins.  :func:`long_names` adds each "…by Automated count"
  name without its method, the method-less test of the same analyte ("Eosinophils
  [#/volume] in Blood", domain.md §2.8.6).
"""

from __future__ import annotations

import re

from tracker.i18n import tr

_SHAPE = re.compile(r"^(\d{1,7})-(\d)$", re.ASCII)


def check_digit(digits: str) -> int:
    """The LOINC mod-10 check digit of a code's number part ("6690" → 2)."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(
            tr("“{digits}” is not the number part of a LOINC code").format(digits=digits)
        )
    from_right = digits[::-1]
    odd = from_right[0::2][::-1]  # places 1, 3, 5… from the right, in their order
    even = from_right[1::2][::-1]
    doubled = str(int(odd) * 2)
    total = sum(int(c) for c in even + doubled)
    return (10 - total % 10) % 10


def is_loinc_code(text: str) -> bool:
    """True when ``text`` (spaces around it ignored) is a LOINC code with a right check digit."""
    m = _SHAPE.match(text.strip())
    return m is not None and check_digit(m[1]) == int(m[2])


def looks_like_loinc(text: str) -> bool:
    """The shape alone (``\\d{1,7}-\\d``), whatever the check digit."""
    return _SHAPE.match(text.strip()) is not None


# Code → long common name, each code in the catalogue (a test checks it), grouped by source.
# They are the standard's own English text, used to match a file's names: never translated.
# fmt: off
LONG_NAMES: dict[str, str] = {
    # issue 14 and the HL7 R4 examples (capabilities.md §3)
    "6690-2": "Leukocytes [#/volume] in Blood by Automated count",  # i18n: not shown
    "751-8": "Neutrophils [#/volume] in Blood by Automated count",  # i18n: not shown
    "777-3": "Platelets [#/volume] in Blood by Automated count",  # i18n: not shown
    "718-7": "Hemoglobin [Mass/volume] in Blood",  # i18n: not shown
    # Synthea's csv/observations.csv (capabilities.md §8; tests/data/csv/README.md)
    "789-8": "Erythrocytes [#/volume] in Blood by Automated count",  # i18n: not shown
    "4544-3": "Hematocrit [Volume Fraction] of Blood by Automated count",  # i18n: not shown
    "787-2": "MCV [Entitic volume] by Automated count",  # i18n: not shown
    "785-6": "MCH [Entitic mass] by Automated count",  # i18n: not shown
    "786-4": "MCHC [Mass/volume] by Automated count",  # i18n: not shown
    "21000-5": (
        "Erythrocyte distribution width [Entitic volume]"  # i18n: not shown
        " by Automated count"
    ),
    "32623-1": (
        "Platelet mean volume [Entitic volume]"  # i18n: not shown
        " in Blood by Automated count"
    ),
    "2339-0": "Glucose [Mass/volume] in Blood",  # i18n: not shown
    # domain.md §2.1 and §2.8 (the "LOINC (code — LCN)" columns)
    "59260-0": "Hemoglobin [Moles/volume] in Blood",  # i18n: not shown
    "736-9": "Lymphocytes/100 leukocytes in Blood by Automated count",  # i18n: not shown
    "26478-8": "Lymphocytes/100 leukocytes in Blood",  # i18n: not shown
    "5905-5": "Monocytes/100 leukocytes in Blood by Automated count",  # i18n: not shown
    "713-8": "Eosinophils/100 leukocytes in Blood by Automated count",  # i18n: not shown
    "711-2": "Eosinophils [#/volume] in Blood by Automated count",  # i18n: not shown
    "706-2": "Basophils/100 leukocytes in Blood by Automated count",  # i18n: not shown
    "704-7": "Basophils [#/volume] in Blood by Automated count",  # i18n: not shown
    "17849-1": "Reticulocytes/100 erythrocytes in Blood by Automated count",  # i18n: not shown
    "60474-4": "Reticulocytes [#/volume] in Blood by Automated count",  # i18n: not shown
    "1988-5": "C reactive protein [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "76485-2": "C reactive protein [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "2465-3": "IgG [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "1742-6": (
        "Alanine aminotransferase [Enzymatic activity/volume]"  # i18n: not shown
        " in Serum or Plasma"
    ),
    "1920-8": (
        "Aspartate aminotransferase [Enzymatic activity/volume]"  # i18n: not shown
        " in Serum or Plasma"
    ),
    "1975-2": "Bilirubin.total [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "14631-6": "Bilirubin.total [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "1968-7": "Bilirubin.direct [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "14629-0": "Bilirubin.direct [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "1751-7": "Albumin [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "54347-0": "Albumin [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "2160-0": "Creatinine [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "14682-9": "Creatinine [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "2823-3": "Potassium [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "6298-4": "Potassium [Moles/volume] in Blood",  # i18n: not shown
    "2951-2": "Sodium [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "2947-0": "Sodium [Moles/volume] in Blood",  # i18n: not shown
    "3255-7": (
        "Fibrinogen [Mass/volume]"  # i18n: not shown
        " in Platelet poor plasma by Coagulation assay"
    ),
    "2276-4": "Ferritin [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "14723-1": "Ferritin [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "2571-8": "Triglyceride [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "1798-8": "Amylase [Enzymatic activity/volume] in Serum or Plasma",  # i18n: not shown
    "3040-3": "Lipase [Enzymatic activity/volume] in Serum or Plasma",  # i18n: not shown
    "2345-7": "Glucose [Mass/volume] in Serum or Plasma",  # i18n: not shown
    "14749-6": "Glucose [Moles/volume] in Serum or Plasma",  # i18n: not shown
    "41653-7": "Glucose [Mass/volume] in Capillary blood by Glucometer",  # i18n: not shown
    "14836-1": "Methotrexate [Moles/volume] in Serum or Plasma",  # i18n: not shown
}
# fmt: on

_BY_AUTOMATED_COUNT = " by Automated count"  # i18n: not shown


def long_names() -> list[tuple[str, str]]:
    """(code, name) for every long common name known, with the method-less form of each
    "…by Automated count" name (the same analyte; the code given is the automated one's)."""
    out: dict[str, str] = {}  # name → code; a listed name wins over a derived one
    for code, name in LONG_NAMES.items():
        out[name] = code
    for code, name in LONG_NAMES.items():
        if name.endswith(_BY_AUTOMATED_COUNT):
            out.setdefault(name.removesuffix(_BY_AUTOMATED_COUNT), code)
    return [(code, name) for name, code in out.items()]
