"""The kinds' labels and checks, the analyte catalogue and the ranges' notes read in Spanish
and French, while what files and imports match stays English."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tracker import analytes, i18n, loinc, ranges
from tracker.io import csv_export
from tracker.kinds import CNS_VISIT, COUNT, Context
from tracker.kinds.growth import parse_weight
from tracker.kinds.kind import bare, definite
from tracker.kinds.stay import StayTotal
from tracker.kinds.symptom import SYMPTOM, validate_symptom
from tracker.model import Child, CountResult, CountValue, Severity, Symptom, SymptomWhat

CHILD = Child("Ana", dt.date(2026, 1, 10), id=1)
TODAY = dt.date(2026, 6, 1)


def _count(day: dt.date) -> CountResult:
    return CountResult(child_id=1, taken_date=day)


def test_english_stays_as_it_was() -> None:
    assert analytes.analyte("anc").name == "Neutrophils (absolute, ANC)"
    assert COUNT.amount(1) == "1 blood count"
    assert COUNT.amount(2) == "2 blood counts"
    assert definite(COUNT.describe(_count(dt.date(2026, 5, 10)))) == (
        "the blood count of 2026-05-10"
    )


@pytest.mark.parametrize(
    ("language", "name", "short"),
    [
        ("es", "Recuento de neutrófilos (absolutos, RAN)", "RAN"),
        ("fr", "Polynucléaires neutrophiles (valeur absolue, PNN)", "PNN"),
    ],
)
def test_an_analyte_reads_in_the_hospitals_words(language: str, name: str, short: str) -> None:
    with i18n.using(language):
        anc = analytes.analyte("anc")
        assert (anc.name, anc.short) == (name, short)
        assert anc.english_name == "Neutrophils (absolute, ANC)"
        # what a lab report or a person typed still matches, in English
        assert analytes.find_analyte("Neutrophils (absolute, ANC)") is anc
        assert analytes.find_analyte("absolute neutrophil count") is anc
        assert analytes.find_analyte("ANC") is anc


def test_loinc_long_names_are_the_standards_own_english() -> None:
    with i18n.using("fr"):
        assert loinc.LONG_NAMES["751-8"] == "Neutrophils [#/volume] in Blood by Automated count"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "«7.8.5» no es un número; escriba cifras"),
        ("fr", "« 7.8.5 » n'est pas un nombre ; écrivez des chiffres"),
    ],
)
def test_a_number_that_does_not_read_is_said_in_the_language(language: str, said: str) -> None:
    with i18n.using(language), pytest.raises(ValueError) as caught:
        analytes.parse_number("7.8.5")
    assert str(caught.value).startswith(said)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "Peso: «7.85» no tiene unidad; escriba kg, g, lb o lb y oz"),
        ("fr", "Poids : « 7.85 » n'a pas d'unité ; écrivez kg, g, lb ou lb et oz"),
    ],
)
def test_a_weight_without_a_unit_is_refused_in_the_language(language: str, said: str) -> None:
    with i18n.using(language), pytest.raises(ValueError) as caught:
        parse_weight("7.85")
    assert str(caught.value).startswith(said)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "Fecha: 2025-12-31 es anterior a la fecha de nacimiento de Ana (2026-01-10)"),
        ("fr", "Date : le 2025-12-31 est avant la date de naissance de Ana (2026-01-10)"),
    ],
)
def test_a_date_before_birth_is_named_with_its_translated_label(language: str, said: str) -> None:
    with i18n.using(language):
        s = Symptom(child_id=1, date=dt.date(2025, 12, 31), what=SymptomWhat.PAIN)
        problems = SYMPTOM.problems(s, Context(CHILD, TODAY))
    assert problems["date"] == said


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        ("es", "1 ingreso, 1 noche", "2 ingresos, 3 noches"),
        ("fr", "1 hospitalisation, 1 nuit", "2 hospitalisations, 3 nuits"),
        ("en", "1 stay, 1 night", "2 stays, 3 nights"),
    ],
)
def test_stays_and_nights_take_the_languages_plural(language: str, one: str, two: str) -> None:
    with i18n.using(language):
        assert StayTotal(1, 1, None).text("") == one
        assert StayTotal(2, 3, None).text("") == two
        assert (
            COUNT.amount(2)
            == {"es": "2 hemogramas", "fr": "2 NFS", "en": "2 blood counts"}[language]
        )


@pytest.mark.parametrize(
    ("language", "described", "the", "step"),
    [
        ("es", "un hemograma del 2026-05-10", "el hemograma del 2026-05-10", "hemograma del"),
        ("fr", "une NFS du 2026-05-10", "la NFS du 2026-05-10", "NFS du"),
    ],
)
def test_an_entry_is_described_with_the_languages_articles(
    language: str, described: str, the: str, step: str
) -> None:
    with i18n.using(language):
        text = COUNT.describe(_count(dt.date(2026, 5, 10)))
        assert text == described
        assert definite(text) == the
        assert bare(text).startswith(step)


def test_french_elides_the_article_before_a_vowel() -> None:
    with i18n.using("fr"):
        assert definite("une hospitalisation à partir du 2026-03-25") == (
            "l’hospitalisation à partir du 2026-03-25"
        )


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "Grado: 7 no es un grado CTCAE; elija de 1 a 4, o ninguno"),
        ("fr", "Grade : 7 n'est pas un grade CTCAE ; choisissez de 1 à 4, ou aucun"),
    ],
)
def test_a_symptoms_grade_is_checked_in_the_language(language: str, said: str) -> None:
    s = Symptom(
        child_id=1,
        date=dt.date(2026, 5, 1),
        what=SymptomWhat.PAIN,
        severity=Severity.MILD,
        grade=7,
        grade_version="CTCAE v5.0",
    )
    with i18n.using(language):
        assert validate_symptom(s)["grade"] == said


@pytest.mark.parametrize(
    ("language", "limits", "note"),
    [
        ("es", "límite inferior 9 g/L", "Plaquetas bajas: compruebe qué quiere su equipo"),
        ("fr", "limite inférieure 9 g/L", "Plaquettes basses : vérifiez ce que votre équipe"),
    ],
)
def test_ranges_speak_the_language(language: str, limits: str, note: str) -> None:
    with i18n.using(language):
        assert ranges.describe_limits(9, None, "g/L") == limits
        assert i18n.tr(ranges.NOTE_LOW_PLATELETS).startswith(note)


@pytest.mark.parametrize(
    ("language", "word", "text"),
    [
        ("es", "bajo", "Bajo: por debajo del intervalo impreso por su laboratorio"),
        ("fr", "bas", "Bas : en dessous des valeurs de référence imprimées par votre laboratoire"),
    ],
)
def test_a_flag_reads_in_the_language_but_the_csv_keeps_its_own_word(
    language: str, word: str, text: str
) -> None:
    v = CountValue("plt", "12", "×10⁹/L", 12.0, 12.0, "10^9/L", range_text="150-400")
    v = replace(v, range_low=150.0, range_high=400.0)
    with i18n.using(language):
        found = ranges.flag(v, ranges.range_for(v, None, TODAY))
        assert found is not None
        assert (found.word, found.text) == (word, text)
        assert csv_export.lab_flag(v) == "low"


@pytest.mark.parametrize(
    ("language", "none", "two"),
    [
        ("en", "0 lumbar punctures", "2 lumbar punctures"),
        ("es", "0 punciones lumbares", "2 punciones lumbares"),
        ("fr", "0 ponction lombaire", "2 ponctions lombaires"),
    ],
)
def test_an_amount_of_entries_follows_the_languages_plural_rule(
    language: str, none: str, two: str
) -> None:
    with i18n.using(language):
        assert (CNS_VISIT.amount(0), CNS_VISIT.amount(2)) == (none, two)
