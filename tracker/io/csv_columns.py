"""The column names a lab's CSV export may use, in the languages labs print them: words of
the file, matched against its header (never shown, never translated: an English, German or
Spanish header must keep matching whatever language the program speaks)."""

from __future__ import annotations

from tracker.io.lab_values import name_key

# Column roles, most specific spelling first: when a file has both "Component" and
# "Test" (a panel name), the component is the test; the other becomes an ignored column.
# fmt: off
_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "date": (
        "collection date/time", "collected date/time", "collection datetime",
        "specimen collection date/time", "specimen collected", "date/time collected",
        "collection date", "date collected", "collected date", "collected on", "collected",
        "drawn", "date drawn", "draw date", "specimen date", "sample date", "date/time",
        "date time", "datetime", "date and time", "timestamp", "date", "observation date",
        "test date", "datum/zeit", "datum/uhrzeit", "entnahmedatum", "abnahmedatum", "datum",
        "date/heure", "date de prélèvement", "fecha/hora", "fecha", "data", "afnamedatum",
        "data pobrania",
    ),
    "time": (
        "collection time", "collected time", "time collected", "draw time", "sample time",
        "specimen time", "time", "entnahmezeit", "abnahmezeit", "uhrzeit", "zeit", "heure",
        "hora", "ora", "tijd", "afnametijd", "godzina",
    ),
    "test": (
        "component", "component name", "test name", "analyte", "result name", "test",
        "parameter", "observation", "test description", "lab test", "investigation",
        "description", "untersuchung", "analyse", "bezeichnung", "examen", "prueba", "esame",
        "bepaling", "badanie", "name",
    ),
    "value": (
        "result", "value", "result value", "numeric result", "observation value", "results",
        "wert", "ergebnis", "befund", "resultat", "résultat", "valeur", "resultado", "valor",
        "risultato", "valore", "uitslag", "waarde", "wynik",
    ),
    "unit": (
        "unit", "units", "uom", "unit of measure", "result unit", "result units", "einheit",
        "unité", "unidad", "unidades", "unità", "eenheid", "jednostka",
    ),
    "range": (
        "reference range", "lab range", "ref range", "reference interval", "ref interval",
        "reference values", "normal range", "standard range", "reference", "range",
        "referenzbereich", "referenzwerte", "normbereich", "normalwert", "normwert", "norm",
        "valeurs de référence", "valeurs normales", "intervalle de référence",
        "rango de referencia", "valores de referencia", "intervallo di riferimento",
        "referentiewaarden", "referentiewaarde", "normaalwaarde", "zakres referencyjny",
        "norma",
    ),
    "flag": (
        "lab flag", "lab's flag", "lab_flag", "flag", "flags", "abnormal flag", "result flag",
        "abn flag", "abnormal", "abn", "h/l",
        "interpretation", "kennzeichen", "markierung", "drapeau", "indicador",
    ),
    "comment": (
        "lab comment", "lab's comment", "lab_comment", "result comment", "result comments",
        "comment on the result", "note on the result", "result note", "comment", "comments",
        "remark", "remarks", "bemerkung", "kommentar", "commentaire", "comentario",
        "commento", "opmerking",
    ),
    "hours": (
        "hours after", "hours_after", "hours after start", "hours after the infusion started",
        "hours after infusion start", "hours after infusion", "time after infusion",
        "time after start", "hours post infusion", "hours post", "h post", "hrs post",
        "h after start", "hours since infusion start", "hours since the infusion started",
    ),
    "status": (
        "status", "result status", "order status", "report status", "befundstatus", "statut",
        "estado", "stato",
    ),
    "child": ("child", "child name"),
    "source": (
        "performing lab", "performing laboratory", "performing site", "laboratory", "lab",
        "source", "labor", "laboratoire", "laboratorio", "laboratorium",
    ),
    "loinc": ("loinc", "loinc code", "loinc number", "loinc no"),
    # LOINC only when its values are LOINC codes (ehr_rows.holds_loinc_codes); otherwise
    # the lab's own codes, an ignored column
    "code": ("observation code", "code", "result code", "component code", "test code"),
    "category": ("category", "observation category", "result category"),
    "value_type": ("type", "value type", "result type"),
}
# fmt: on
# Known columns that are not results: read past them without listing them as tests.
# fmt: off
_METADATA_NAMES = (
    "patient", "patient name", "patient id", "name of patient", "mrn", "dob",
    "date of birth", "birth date", "sex", "gender", "age", "order", "order name",
    "order id", "ordered", "ordered by", "panel", "panel name", "test panel", "accession",
    "accession number", "specimen", "specimen type", "sample", "sample type", "status",
    "result status", "comment", "comments", "note", "notes", "provider",
    "ordering provider", "physician", "department", "location", "code", "test code", "id",
    "row", "#", "no", "nr", "result date", "resulted", "reported", "report date",
    "received", "verified", "method", "units system", "normalised value",
    "normalized value", "canonical unit",
)
# fmt: on

ROLE_BY_KEY: dict[str, tuple[str, int]] = {}
for _role, _names in _ROLE_NAMES.items():
    for _rank, _name in enumerate(_names):
        ROLE_BY_KEY.setdefault(name_key(_name), (_role, _rank))
METADATA_KEYS = frozenset(name_key(n) for n in _METADATA_NAMES) - set(ROLE_BY_KEY)
# Columns of patient ids or names (EHR exports: PATIENT): never compared with the child's
# name, but a file whose lab rows belong to several patients is said so before importing.
PATIENT_KEYS = frozenset(
    name_key(n) for n in ("patient", "patient id", "patient name", "mrn", "name of patient")
)
