"""Every text field has a length it keeps (tracker.kinds.fields: SHORT_TEXT for names and
labels, LONG_TEXT for notes): the form, the store and the import all refuse more, naming the
field and the limit (a 200,000-character note made a summary of 192 pages)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import NOW, TODAY, fixed_clock

from tracker.forms import FormErrors
from tracker.io.json_export import dumps, export_record
from tracker.io.json_import import JsonImportError, read_export
from tracker.kinds import all_kinds
from tracker.kinds.fields import LONG_TEXT, SHORT_TEXT, Text
from tracker.kinds.stay import stay_from_form
from tracker.model import Child, Stay, StayReason
from tracker.store import Record, ValidationFailed

MILA = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)


def test_every_text_field_has_a_limit_and_notes_the_long_one() -> None:
    for kind in all_kinds():
        for f in kind.fields:
            if isinstance(f, Text):
                assert f.longest is not None and f.longest >= SHORT_TEXT, (kind.key, f.name)
                if f.name in ("note", "notes"):
                    assert f.longest == LONG_TEXT, (kind.key, f.name)
    assert (SHORT_TEXT, LONG_TEXT) == (200, 2000)


def test_the_form_refuses_a_note_too_long_naming_the_field_and_the_limit() -> None:
    fields = {"from_date": "2026-11-20", "reason": "fever", "note": "x" * 2001}
    with pytest.raises(FormErrors) as caught:
        stay_from_form(fields, child=MILA, today=TODAY)
    assert caught.value.errors["note"] == (
        "Note: 2,001 characters, more than the 2,000 this field keeps; shorten it"
    )
    assert stay_from_form({**fields, "note": "x" * 2000}, child=MILA, today=TODAY).note
    with pytest.raises(FormErrors) as caught:
        stay_from_form({**fields, "note": "", "place": "W" * 201}, child=MILA, today=TODAY)
    assert caught.value.errors["place"].startswith("Where: 201 characters, more than the 200")


def test_the_store_and_the_import_refuse_it_too(tmp_path: Path) -> None:
    with Record.open(tmp_path / "r.sqlite", create=True, clock=fixed_clock) as rec:
        child, _ = rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        with pytest.raises(ValidationFailed) as caught:
            rec.save(Child(name="M" * 201, birth_date=dt.date(2026, 1, 10)))
        assert "Name: 201 characters" in caught.value.errors["name"]
        stay = Stay(child.id, dt.date(2026, 11, 20), None, "", StayReason.FEVER, note="ok")
        rec.save(stay)
        doc = json.loads(dumps(export_record(rec, NOW)))
    doc["children"][0]["stays"][0]["note"] = "x" * 200_000
    with pytest.raises(JsonImportError) as info:
        read_export(dumps(doc).encode(), TODAY)
    said = "\n".join(info.value.problems)
    assert "Note: 200,000 characters, more than the 2,000 this field keeps" in said, said
