"""A FHIR Bundle is a file for hospital systems, in HL7's English (docs/fhir.md): the
window's language does not reach it, although the labels and schedules it borrows from
tracker/ are read in the current language everywhere else (issue 15)."""

from __future__ import annotations

import json
import zoneinfo
from pathlib import Path

from conftest import NOW, TODAY, fixed_clock

from tracker import i18n
from tracker.demo import write_demo
from tracker.io.fhir_export import fhir_bundle
from tracker.store import Record


def test_the_bundle_is_the_same_in_every_language(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    write_demo(path, TODAY)
    zone = zoneinfo.ZoneInfo("Europe/Amsterdam")
    with Record.open(path, read_only=True, clock=fixed_clock) as record:
        child = record.children()[0]
        english = json.dumps(fhir_bundle(record, child, NOW, zone=zone), sort_keys=True)
        for language in ("es", "fr"):
            with i18n.using(language):
                said = json.dumps(fhir_bundle(record, child, NOW, zone=zone), sort_keys=True)
            assert said == english, language
        assert i18n.language() == "en"
