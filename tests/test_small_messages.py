"""Small messages found by an attacker (issue 12): each says what is wrong and what is
accepted, in the family's words."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import TODAY, fixed_clock

from tracker import fever, medicines
from tracker.demo import build_demo
from tracker.io.json_export import dumps, export_record
from tracker.io.json_import import JsonImportError, read_export
from tracker.model import MedicinePlan, TemperatureUnit
from tracker.store import Record

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


# ---------------------------------------------------------------------- temperatures


@pytest.mark.parametrize("typed", ["38.4°", "38.4 °", "38,4º", "38.4 deg", "38.4 degrees"])
def test_a_degree_sign_without_its_unit_says_the_unit_is_missing(typed: str) -> None:
    with pytest.raises(ValueError) as caught:
        fever.parse_temperature(typed, None)
    said = str(caught.value)
    assert "no unit" in said and "°C or °F" in said and "not a number" not in said, said


def test_a_degree_sign_with_the_unit_chosen_beside_it_reads() -> None:
    assert fever.parse_temperature("38.4°", TemperatureUnit.CELSIUS) == (
        TemperatureUnit.CELSIUS,
        pytest.approx(38.4),
    )


@pytest.mark.parametrize("typed", ["-38", "−38.4 °C", "-101 F"])
def test_a_temperature_below_zero_is_named_as_a_temperature(typed: str) -> None:
    with pytest.raises(ValueError) as caught:
        fever.parse_temperature(typed, TemperatureUnit.CELSIUS if "F" not in typed else None)
    said = str(caught.value)
    assert "is outside 30–45 °C (86–113 °F)" in said, said  # the range accepted
    assert "count or measurement" not in said


# ---------------------------------------------------------------------- an import's symptoms


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("small") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
        doc: dict[str, Any] = json.loads(dumps(export_record(rec, NOW)))
    return doc


def _problems(doc: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> list[str]:
    changed = copy.deepcopy(doc)
    change(changed["children"][0])
    with pytest.raises(JsonImportError) as caught:
        read_export(json.dumps(changed, ensure_ascii=False).encode(), TODAY)
    return [str(p) for p in caught.value.problems]


def _symptom(**values: object) -> Callable[[dict[str, Any]], None]:
    return lambda child: child["symptoms"][0].update(values)


def test_grade_0_is_shown_as_0(exported: dict[str, Any]) -> None:
    said = " ".join(_problems(exported, _symptom(grade=0, grade_version="CTCAE v5.0")))
    assert "Grade: 0 is not a CTCAE grade" in said and "0.0" not in said, said


@pytest.mark.parametrize("grade", ["2a", "2", True])
def test_a_grade_that_is_not_a_number_names_the_grades(
    exported: dict[str, Any], grade: object
) -> None:
    said = " ".join(_problems(exported, _symptom(grade=grade, grade_version="CTCAE v5.0")))
    assert "not a CTCAE grade" in said and "1 to 4" in said, said


def test_a_whole_grade_written_2_0_is_kept_as_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tracker.kinds.symptom import SYMPTOM

    field = next(f for f in SYMPTOM.fields if f.name == "grade")

    class Reader:
        def number(self, obj, key, path, *, optional=False):  # type: ignore[no-untyped-def]
            return float(obj[key])

    got = field.from_json(Reader(), {"grade": 2.0}, ())  # type: ignore[arg-type]
    assert got == 2 and isinstance(got, int)


@pytest.mark.parametrize("version", ["whatever \x00", "CTCAE\x1b v5.0", "CTCAE v5.0\x7f"])
def test_a_grade_version_with_a_control_character_is_refused(
    exported: dict[str, Any], version: str
) -> None:
    said = " ".join(_problems(exported, _symptom(grade=3, grade_version=version)))
    assert "control character" in said, said


# ---------------------------------------------------------------------- medicine history


def test_a_history_line_without_a_dose_has_single_spaces() -> None:
    plan = MedicinePlan(
        child_id=1,
        drug="co-trimoxazole",
        start_date=dt.date(2026, 9, 5),
        end_date=dt.date(2026, 10, 1),
        dose_amount="",
        dose_unit="",
        schedule="FREQ=WEEKLY;BYDAY=SA,SU",
        id=1,
    )
    lines = medicines.history_lines([plan])
    assert lines and all("  " not in line and " :" not in line for line in lines), lines
    assert lines[0].startswith("co-trimoxazole dose not entered on Saturday and Sunday"), lines
