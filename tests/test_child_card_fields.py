"""The child's fever-card fields: the central line, allergies ("none known" apart from not
entered), the team's day and 24-hour phone numbers (read loosely), blood-product notes;
their migration (older records read "not entered") and their export and import."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import TODAY
from kind_samples import drop_later_lists

from tracker.forms import FormErrors, child_from_form, phone_problem
from tracker.io.json_export import dumps, export_record
from tracker.io.json_import import JsonImportError, load_export, read_export
from tracker.model import CentralLine, Child
from tracker.store import Record, RecordError

DATA = Path(__file__).resolve().parent / "data"
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
NEW_KEYS = (
    "central_line",
    "central_line_text",
    "allergies",
    "no_known_allergies",
    "phone_day",
    "phone_24h",
    "blood_product_notes",
)


def clock() -> dt.datetime:
    return NOW


def _form(**fields: str) -> Child:
    return child_from_form({"name": "Mila", "birth_date": "2026-01-10", **fields}, today=TODAY)


def _errors(**fields: str) -> dict[str, str]:
    with pytest.raises(FormErrors) as caught:
        _form(**fields)
    return caught.value.errors


# ---------------------------------------------------------------------- the form


def test_the_new_fields_are_read_from_the_form() -> None:
    child = _form(
        central_line="port",
        allergies="Penicillin (rash)",
        phone_day="020 7946 0123",
        phone_24h="+44 20 7946 0999",
        blood_product_notes="irradiated, CMV-negative products",
    )
    assert child.central_line is CentralLine.PORT
    assert child.allergies == "Penicillin (rash)"
    assert not child.no_known_allergies
    assert (child.phone_day, child.phone_24h) == ("020 7946 0123", "+44 20 7946 0999")
    assert child.blood_product_notes == "irradiated, CMV-negative products"


def test_nothing_entered_is_not_none_known() -> None:
    empty = _form()
    assert empty.central_line is CentralLine.UNKNOWN
    assert (empty.allergies, empty.no_known_allergies) == ("", False)
    none_known = _form(no_known_allergies="1")
    assert none_known.no_known_allergies and none_known != empty


def test_none_known_and_typed_allergies_is_refused_beside_the_field() -> None:
    errors = _errors(no_known_allergies="1", allergies="penicillin")
    assert "none known" in errors["allergies"] and "untick" in errors["allergies"]


def test_other_line_needs_its_name() -> None:
    errors = _errors(central_line="other")
    assert "Other" in errors["central_line_text"]
    assert _form(central_line="other", central_line_text="Port-a-Cath, double").central_line_text


@pytest.mark.parametrize(
    "number",
    [
        "020 7946 0123",
        "+44 20 7946 0123",
        "+44 (0)20 7946 0123",
        "(555) 010-1234",
        "555.010.1234",
        "0161 123 4567 ext. 2345",
        "2222 ext 45",
        "01632 960 123 x12",
        "+31 88 972 72 72",
        "112",
        "020/7946/0123",
        "020\u00a07946\u00a00123",  # pasted from a web page: no-break spaces
        "020 7946\u20130123",  # an en dash
        "020\u20117946\u20110123",  # non-breaking hyphens
        "٠٢٠ ٧٩٤٦ ٠١٢٣",  # Arabic-Indic digits
    ],
)
def test_real_numbers_are_accepted(number: str) -> None:
    assert phone_problem(number, "Day phone") is None
    assert _form(phone_day=number, phone_24h=number).phone_24h == number


@pytest.mark.parametrize("typed", ["Dr Smith", "ward 84", "12", "0800 FLOWERS", "020 7946 0123!"])
def test_what_is_no_number_is_refused_saying_what_is_accepted(typed: str) -> None:
    errors = _errors(phone_24h=typed)
    message = errors["phone_24h"]
    assert message.startswith("24-hour phone:") and typed in message
    assert "digits, spaces and + - ( ) . /" in message and "ext. 123" in message


def test_a_phone_problem_shows_even_with_a_bad_date_of_birth() -> None:
    with pytest.raises(FormErrors) as caught:
        child_from_form({"name": "Mila", "birth_date": "soon", "phone_day": "Dr X"}, today=TODAY)
    assert {"birth_date", "phone_day"} <= set(caught.value.errors)


def test_the_store_refuses_what_the_form_refuses(tmp_path: Path) -> None:
    with Record.open(tmp_path / "r.sqlite", create=True, clock=clock) as rec:
        bad = Child("Mila", dt.date(2026, 1, 10), phone_day="call Dr X")
        with pytest.raises(RecordError, match="Day phone"):
            rec.save(bad)


# ---------------------------------------------------------------------- the migration


def test_an_older_record_gains_the_columns_and_reads_not_entered(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "record-v5.sqlite", path)
    with Record.open(path, clock=clock) as rec:  # opened for writing: migrated
        children = rec.children()
        assert children
        for c in children:
            assert c.central_line is CentralLine.UNKNOWN
            assert (c.allergies, c.no_known_allergies, c.phone_day, c.phone_24h) == (
                "",
                False,
                "",
                "",
            )
            assert c.blood_product_notes == "" and c.central_line_text == ""
        saved, _ = rec.save(
            Child(
                **{
                    **{f: getattr(children[0], f) for f in ("name", "birth_date")},
                    "central_line": CentralLine.HICKMAN,
                    "no_known_allergies": True,
                    "phone_24h": "020 7946 0999",
                    "id": children[0].id,
                    "uid": children[0].uid,
                }
            )
        )
        assert rec.child(saved.id or 0).central_line is CentralLine.HICKMAN
        assert rec.child(saved.id or 0).no_known_allergies
    with Record.open(path, read_only=True, clock=clock) as rec:
        assert rec.child(saved.id or 0).phone_24h == "020 7946 0999"


def test_an_older_record_read_only_reads_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(DATA / "record-v5.sqlite", path)
    with Record.open(path, read_only=True, clock=clock) as rec:
        assert all(c.central_line is CentralLine.UNKNOWN for c in rec.children())


# ---------------------------------------------------------------------- export and import


def _record_with_card_fields(tmp_path: Path) -> Path:
    path = tmp_path / "source.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(
            _form(
                central_line="picc",
                allergies="Penicillin — rash\nPlasters",
                phone_day="020 7946 0123",
                phone_24h="020 7946 0999",
                blood_product_notes="Irradiated products",
            )
        )
        rec.save(
            child_from_form(
                {"name": "Noor", "birth_date": "2025-12-01", "no_known_allergies": "1"},
                today=TODAY,
            )
        )
    return path


def _load(text: str, tmp_path: Path) -> Path:
    target = tmp_path / "loaded.sqlite"
    with Record.open(target, create=True, clock=clock) as rec:
        load_export(rec, read_export(text.encode(), TODAY))
    return target


def test_the_fields_are_exported_and_read_back(tmp_path: Path) -> None:
    source = _record_with_card_fields(tmp_path)
    with Record.open(source, read_only=True, clock=clock) as rec:
        doc = export_record(rec, NOW)
    mila = next(c for c in doc["children"] if c["name"] == "Mila")
    assert mila["central_line"] == "picc"
    assert mila["allergies"] == "Penicillin — rash\nPlasters"
    assert mila["no_known_allergies"] is False
    assert (mila["phone_day"], mila["phone_24h"]) == ("020 7946 0123", "020 7946 0999")
    assert mila["blood_product_notes"] == "Irradiated products"
    loaded = _load(dumps(doc), tmp_path)
    with Record.open(loaded, read_only=True, clock=clock) as rec:
        again = export_record(rec, NOW)
        noor = next(c for c in rec.children() if c.name == "Noor")
    assert again == doc
    assert noor.no_known_allergies and noor.allergies == ""


def test_an_older_export_without_the_keys_reads_not_entered(tmp_path: Path) -> None:
    source = _record_with_card_fields(tmp_path)
    with Record.open(source, read_only=True, clock=clock) as rec:
        doc = json.loads(dumps(export_record(rec, NOW)))
    doc["version"] = 4
    for child in doc["children"]:
        for key in NEW_KEYS:
            del child[key]
        drop_later_lists(child, 4)
    loaded = _load(json.dumps(doc), tmp_path)
    with Record.open(loaded, read_only=True, clock=clock) as rec:
        for c in rec.children():
            assert c.central_line is CentralLine.UNKNOWN
            assert not c.no_known_allergies and c.phone_24h == "" and c.allergies == ""


def test_a_bad_phone_in_an_export_is_refused_naming_it(tmp_path: Path) -> None:
    source = _record_with_card_fields(tmp_path)
    with Record.open(source, read_only=True, clock=clock) as rec:
        doc = json.loads(dumps(export_record(rec, NOW)))
    doc["children"][0]["phone_day"] = "ring the ward"
    with pytest.raises(JsonImportError) as caught:
        read_export(json.dumps(doc).encode(), TODAY)
    assert any("Day phone" in p and "ring the ward" in p for p in caught.value.problems)
