"""Notes and refusals about one FHIR lab value, beside those of ``lab_values.parse_value``:
the CSV import's "very low" note, a ``valueQuantity`` whose ``unit`` and ``code`` name
different units, and text holding characters that are not shown (tracker.text_checks)."""

from __future__ import annotations

import math

from tracker import analytes
from tracker.analytes import Analyte
from tracker.i18n import tr
from tracker.io.csv_import import very_low_note
from tracker.io.fhir_fields import lab_flag, lab_note, lab_range, text_value
from tracker.io.fhir_read import Resource
from tracker.model import CountValue
from tracker.text_checks import hidden_character


def very_low(cv: CountValue) -> str:
    """The CSV import's note on a value so low it may be a typing or unit slip."""
    return very_low_note(cv) if analytes.very_low(cv.analyte, cv.normalised_value) else ""


def units_disagree(a: Analyte, quantity: object) -> str:
    """A note when valueQuantity's ``unit`` and ``code`` name different units of the test:
    the code is read (UCUM, the coded field), and the family is asked to check."""
    if not isinstance(quantity, dict):
        return ""
    shown, code = quantity.get("unit"), quantity.get("code")
    if not isinstance(shown, str) or not isinstance(code, str):
        return ""
    by_text, by_code = a.unit(shown.strip()), a.unit(code.strip())
    if by_text is None or by_code is None or math.isclose(by_text.factor, by_code.factor):
        return ""  # not both units of this test, or the same quantity (10*3/uL and 10*9/L)
    return tr(
        "unit “{shown}” and code “{code}” disagree; read as {code}, as the code "
        "says — check it against the report"
    ).format(shown=shown.strip(), code=code.strip())


def hidden_text(r: Resource, test: str) -> str:
    """Why the texts an Observation would put in the record (its name, unit, result, range,
    flag, comment) cannot be kept: a character not shown that changes what is shown (a
    text-direction override reverses what follows it in the window); "" when none."""
    q = r.data.get("valueQuantity")
    units = [q.get(k) for k in ("unit", "code")] if isinstance(q, dict) else []
    for what, text, allowed in (
        ("name", test, ""),
        *(("unit", u, "") for u in units if isinstance(u, str)),
        ("result", text_value(r) or "", ""),
        ("range", lab_range(r)[0], ""),
        ("flag", lab_flag(r), ""),
        ("comment", lab_note(r), "\t\n\r"),
    ):
        hidden = hidden_character(text, allowed)
        if hidden is not None:
            hidden = hidden.removeprefix("a ")
            return tr("its {what} holds a hidden {hidden}; nothing was imported from it").format(
                what=what, hidden=hidden
            )
    return ""
