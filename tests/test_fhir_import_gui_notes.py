"""The FHIR import's preview shows the notes the CSV import gives (a very low value, a unit
and code that disagree, a preliminary result), through File ▸ Import lab results (FHIR)."""

from __future__ import annotations

import json

import pytest
from test_fhir_import_gui import RealPreview, obs

from ui.actions import ActionId

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


def test_the_preview_lists_the_notes_to_check(qtbot, window, record, tmp_path) -> None:  # type: ignore[no-untyped-def]
    when = "2026-11-02T08:15:00+01:00"
    hb = obs("hb", "718-7", 4.5, "g/dL", when)
    anc = obs("anc", "751-8", 0.6, "10*3/uL", when)
    anc["status"] = "preliminary"
    plt = obs("plt", "777-3", 55, "10*3/uL", when)
    plt["valueQuantity"]["unit"] = "/uL"  # the code (10*3/uL) is read
    path = tmp_path / "portal.json"
    entries = [{"resource": r} for r in (hb, anc, plt)]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    answers = RealPreview(path, click="cancel")
    window.interaction = answers
    window.actions_[ActionId.IMPORT_FHIR].trigger()
    text = " ".join(answers.seen["labels"])
    assert "Hemoglobin 4.5 g/dL is very low; check it and its unit against the report" in text
    assert "the lab marked this result preliminary" in text
    assert "unit “/uL” and code “10*3/uL” disagree; read as 10*3/uL" in text
