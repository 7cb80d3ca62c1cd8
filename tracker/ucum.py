"""UCUM codes (the Unified Code for Units of Measure) for the catalogue's units and the few
other units an export names: what a FHIR ``Quantity`` carries as ``system`` + ``code``.

The catalogue prints units for people ("×10⁹/L", "µmol/L"); UCUM writes them for programs
("10*9/L", "umol/L").  Sources: capabilities.md §3 (``10*9/L``, ``10*3/uL``, ``g/dL``,
``g/L``, ``%``, ``10*12/L``, checked against the HL7 R4 examples); domain.md §2.8 (the
ucum-org ``ucum-essence.xml`` and its table of example codes for electronic messaging:
``mg/dL``, ``umol/L``, ``meq/L``, ``10*3/uL``, ``fL``, ``pg``, ``ng/mL``, ``U/L``,
``ukat/L``, ``[IU]/L``); issue 14 (``10*6/uL``, ``mmol/L``, ``/uL``, ``mg/L``); the
HL7 R4 vital-signs profile (``kg``, ``cm``, ``Cel``, ``[degF]``).  The rest are UCUM's
plain prefixes on the same base units (``ug/L`` is micro-gram per litre, ``L/L`` litre
per litre).
"""

from __future__ import annotations

from tracker.analytes import Unit

SYSTEM = "http://unitsofmeasure.org"

# Catalogue unit label (tracker.analytes) → UCUM code.  tests/test_fhir_export.py holds
# every unit of the catalogue to having one.
CATALOGUE: dict[str, str] = {
    "×10⁹/L": "10*9/L",
    "×10³/µL": "10*3/uL",
    "/µL": "/uL",
    "×10¹²/L": "10*12/L",
    "×10⁶/µL": "10*6/uL",
    "%": "%",
    "L/L": "L/L",
    "g/dL": "g/dL",
    "g/L": "g/L",
    "mmol/L": "mmol/L",
    "mEq/L": "meq/L",
    "fL": "fL",
    "pg": "pg",
    "mg/L": "mg/L",
    "mg/dL": "mg/dL",
    "µg/L": "ug/L",
    "ng/mL": "ng/mL",
    "µmol/L": "umol/L",
    "U/L": "U/L",
    "µkat/L": "ukat/L",
    "IU/L": "[IU]/L",
}

# Units of a medicine's dose as typed (lower case) → UCUM: only the plain metric ones;
# "tablet", "drops", "sachet" have no UCUM code and keep their words alone.
DOSE: dict[str, str] = {
    "mg": "mg",
    "g": "g",
    "µg": "ug",
    "ug": "ug",
    "mcg": "ug",
    "ml": "mL",
}

KILOGRAM = "kg"
CENTIMETRE = "cm"
CELSIUS = "Cel"
FAHRENHEIT = "[degF]"


def code_of(unit: Unit) -> str | None:
    """The UCUM code of a catalogue unit (None only for a unit added without one)."""
    return CATALOGUE.get(unit.label)


def dose_code(unit_text: str) -> str | None:
    """The UCUM code of a dose's unit as typed ("mg", "mL"), or None ("tablet")."""
    return DOSE.get(unit_text.strip().lower())
