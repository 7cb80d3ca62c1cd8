"""The Qt-free core speaks Spanish and French (issue 15): the printed summary's and the
fever card's sentences, the labels of stored codes and the temperature checks, read in
the language chosen (tracker.i18n.using), with dates still ISO where no window installed
its locale."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import fever, i18n, labels
from tracker.card import card_content, does_not_fit_message
from tracker.model import Child, Phase, PhaseKind, TemperatureUnit
from tracker.summary import build_summary, default_range

TODAY = dt.date(2026, 6, 6)
MILA = Child("Mila", dt.date(2026, 1, 10), diagnosis_date=dt.date(2026, 5, 12), id=1)
INDUCTION = Phase(child_id=1, kind=PhaseKind.INDUCTION, actual_start=dt.date(2026, 6, 1), id=1)


def _summary():  # type: ignore[no-untyped-def]
    return build_summary(
        MILA,
        phases=[INDUCTION],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[],
        questions=[],
        thresholds=[],
        today=TODAY,
        start=dt.date(2026, 6, 1),
        end=TODAY,
    )


def test_the_summary_reads_in_spanish_and_french() -> None:
    with i18n.using("es"):
        s = _summary()
        assert s.title == "Resumen del tratamiento — Mila"
        assert s.nothing_new.startswith("Nada registrado entre el 2026-06-01 y el 2026-06-06")
        assert "punción lumbar" in s.nothing_new
        assert s.current.startswith("Inducción · día 6 (empezó el 2026-06-01")
        assert s.footer == "Llevado por la familia; no es una historia clínica"
        assert "no hay ninguna cita anterior" in default_range([], TODAY)[2]
    with i18n.using("fr"):
        s = _summary()
        assert s.title == "Résumé du traitement — Mila"
        assert "ponction lombaire" in s.nothing_new
        assert s.current.startswith("Induction · jour 6 (commencée le 2026-06-01")
    assert _summary().title == "Treatment summary — Mila"  # English again after the block


def test_the_fever_card_reads_in_spanish_and_french() -> None:
    def card():  # type: ignore[no-untyped-def]
        return card_content(MILA, [INDUCTION], [], [], None, TODAY)

    with i18n.using("es"):
        c = card()
        assert c.title == "Tarjeta de fiebre — Mila"
        assert c.fever_rule.startswith("No se ha introducido ninguna regla de fiebre")
        assert c.medicines_empty == "No se han introducido medicamentos"
        assert c.counts[0].text == "ningún recuento registrado"
        assert c.printed_line.endswith("Impreso el 2026-06-06.")
    with i18n.using("fr"):
        c = card()
        assert c.title == "Carte fièvre — Mila"
        assert c.allergies == "Non saisi (on ne sait pas s’il n’y en a aucune)"
        message = does_not_fit_message(c, "une page A6", 7.0, smaller=True)
        assert message.startswith("La carte fièvre ne tient pas sur une page A6")
        assert message.endswith("Rien n’a été écrit.")


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "no tiene unidad; elija °C o °F"), ("fr", "n’a pas d’unité ; choisissez °C ou °F")],
)
def test_a_temperature_check_reads_in_the_language(language: str, text: str) -> None:
    with i18n.using(language), pytest.raises(ValueError, match=text):
        fever.parse_temperature("38.4", None, "Temp")


def test_a_fever_number_rule_and_labels_are_translated() -> None:
    with i18n.using("es"):
        assert labels.PHASE_KIND["maintenance"] == "Mantenimiento"
        assert labels.IT_DRUG.get("methotrexate") == "Metotrexato"
        assert dict(labels.YES_NO)["yes"] == "Sí"
    with i18n.using("fr"):
        assert labels.MILESTONE_KIND["marrow_check"] == "Myélogramme"
        assert list(labels.YES_NO.values()) == ["Oui", "Non", "Inconnu"]
    assert labels.PHASE_KIND["maintenance"] == "Maintenance"
    assert fever.SYMBOL[TemperatureUnit.CELSIUS] == "°C"


def test_form_checks_read_in_spanish_and_french() -> None:
    from tracker.forms import FormErrors, child_from_form, parse_range

    with i18n.using("es"), pytest.raises(FormErrors) as info:
        child_from_form({"name": "", "birth_date": "2030-01-01"}, today=TODAY)
    assert info.value.errors["name"].startswith("Nombre: escriba el nombre del niño")
    assert info.value.errors["birth_date"].startswith("Fecha de nacimiento: 2030-01-01 está")
    with i18n.using("fr"), pytest.raises(ValueError, match="la limite haute est en dessous"):
        parse_range("10-3")


def test_repeats_and_schedules_read_in_the_language() -> None:
    from tracker import schedule

    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=6"
    assert schedule.describe_repeat(rule) == "every 2 weeks on Tuesday and Thursday, 6 times"
    with i18n.using("es"):
        assert schedule.describe_repeat(rule) == "cada 2 semanas, martes y jueves, 6 veces"
        assert schedule.describe("FREQ=DAILY;BYHOUR=8,20") == "a diario, a las 08:00 y 20:00"
    with i18n.using("fr"):
        assert schedule.describe_repeat("FREQ=MONTHLY;COUNT=1", dt.date(2026, 6, 3)) == (
            "tous les mois, le 3, 1 fois"
        )
        assert schedule.problem("FREQ=WEEKLY").startswith("un rythme hebdomadaire nomme")


@pytest.mark.parametrize(
    ("given", "es", "fr"),
    [
        (1, "6-MP: 1 de 1 dosis dada en las últimas 4 semanas", "6-MP : 1 sur 1 dose donnée"),
        (2, "6-MP: 2 de 2 dosis dadas en las últimas 4 semanas", "6-MP : 2 sur 2 doses données"),
    ],
)
def test_adherence_lines_take_the_plural_of_each_language(given: int, es: str, fr: str) -> None:
    from tracker.adherence import Adherence

    line = Adherence("6-MP", False, given, given, 0, 0, 0, 0, 0)
    with i18n.using("es"):
        assert line.line("en las últimas 4 semanas") == es
    with i18n.using("fr"):
        assert line.line("sur les 4 dernières semaines").startswith(fr)


def test_roadmap_messages_read_in_spanish_and_french() -> None:
    from tracker.roadmap.read import RoadmapError, parse_template, shipped_template
    from tracker.roadmap.shift import days_text, is_moved

    with i18n.using("es"), pytest.raises(RoadmapError) as info:
        parse_template(b'{"format": "something else"}', "plan.json")
    assert "no es una plantilla de plan de tratamiento" in str(info.value)
    assert str(info.value).endswith("No se ha cargado nada.")
    with i18n.using("fr"):
        template = shipped_template("interfant-21")  # the data itself stays as shipped
        assert template.protocol.startswith("Interfant")
        assert days_text(1) == "1 jour" and days_text(3) == "3 jours"
        assert is_moved("déplacée de 3 jours après que Induction a commencé plus tard")
        assert is_moved("moved 3 days after Induction started late")  # saved in English
        assert not is_moved("datée maintenant que Induction a commencé le 2026-06-01")


def test_a_default_roadmap_note_is_known_in_any_language() -> None:
    from tracker.roadmap.child import is_planned_from, planned_from

    assert is_planned_from(planned_from("Interfant-21"))
    with i18n.using("es"):
        assert planned_from("Interfant-21") == "prevista según Interfant-21"
        assert is_planned_from(planned_from("Interfant-21"))
        assert is_planned_from("planned from Interfant-21")  # written before, in English
        assert not is_planned_from("our own note")
