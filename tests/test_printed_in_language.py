"""The printed summary and the words it shares with the screen read in the family's
language: footer, symptom severity, medicine forms, CNS status, reference-range notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from conftest import TODAY, fixed_clock

import resources
from tracker import i18n, medicines, ranges, timeline
from tracker.demo import build_demo
from tracker.kinds.symptom import symptom_from_form
from tracker.model import Child, CnsStatus, MedicineForm, MedicinePlan
from tracker.store import Record
from tracker.summary import build_summary, diagnosis_line

CHILD = Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1)


def plan(strength: str, form: MedicineForm) -> MedicinePlan:
    return MedicinePlan(
        child_id=1,
        drug="6-mercaptopurine",
        dose_amount="10",
        dose_unit="mg",
        schedule="FREQ=DAILY;BYHOUR=19",
        start_date=dt.date(2026, 11, 1),
        strength=strength,
        form=form,
    )


def test_a_medicine_form_reads_in_the_family_language() -> None:
    liquid = plan("20 mg/mL", MedicineForm.LIQUID)
    tablet = plan("2.5 mg", MedicineForm.TABLET)
    assert medicines.strength_text(liquid) == "20 mg/mL liquid"
    with i18n.using("fr"):
        assert medicines.strength_text(liquid) == "liquide à 20 mg/mL"
        assert medicines.strength_text(tablet) == "comprimé à 2.5 mg"
        assert "liquide" in medicines.plan_line(liquid)
    with i18n.using("es"):
        assert medicines.strength_text(liquid) == "líquido de 20 mg/mL"
        assert medicines.strength_text(tablet) == "comprimido de 2.5 mg"
    # a strength that already names its form is not said twice, in either language
    with i18n.using("fr"):
        assert medicines.strength_text(plan("5 mL liquide", MedicineForm.LIQUID)) == "5 mL liquide"


def symptom():  # type: ignore[no-untyped-def]
    s = symptom_from_form(
        {"date": "2026-11-10", "what": "vomiting", "severity": "moderate"},
        child=CHILD,
        today=TODAY,
    )
    return dataclasses.replace(s, id=1)


def test_a_symptom_severity_on_paper_and_timeline_reads_in_french() -> None:
    with i18n.using("fr"):
        s = build_summary(
            CHILD,
            phases=[],
            milestones=[],
            counts=[],
            visits=[],
            appointments=[],
            questions=[],
            thresholds=[],
            today=TODAY,
            start=dt.date(2026, 11, 1),
            end=TODAY,
            symptoms=[symptom()],
        )
        assert s.symptoms[0].severity == "modérée"
        lane = timeline._symptom_lane([symptom()])
        assert "modérée" in repr(lane)


def test_the_cns_status_at_diagnosis_reads_snc_in_french_and_spanish() -> None:
    child = dataclasses.replace(CHILD, cns_status_at_diagnosis=CnsStatus.CNS2)
    assert "CNS2 at diagnosis" in diagnosis_line(child)
    with i18n.using("fr"):
        assert "SNC2 au diagnostic" in diagnosis_line(child)
    with i18n.using("es"):
        assert "SNC2 al diagnóstico" in diagnosis_line(child)


def test_the_reference_range_note_is_the_program_words_translated() -> None:
    infant = json.loads(resources.read_text(ranges.INFANT_RANGES_FILE))
    assert infant["disclaimer"] == ranges.BUILTIN_DISCLAIMER
    assert [t["title"] for t in infant["tables"]] == list(ranges.TABLE_TITLES)
    with i18n.using("fr"):
        assert ranges.builtin_disclaimer().startswith("Des exemples")
        assert "laboratoire" in ranges.builtin_disclaimer()
    with i18n.using("es"):
        assert "laboratorio" in ranges.builtin_disclaimer()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("printed") / "demo.sqlite"
    rec = Record.open(path, create=True, clock=fixed_clock)
    child_id = build_demo(rec, TODAY)
    yield rec, child_id
    rec.close()


@pytest.mark.gui
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "fr",
            ["Page 1 sur 2", "imprimé le", "Des exemples", "Valeurs de laboratoire d’un hôpital"],
        ),
        (
            "es",
            ["Página 1 de 2", "impreso el", "Ejemplos", "Valores de laboratorio de un hospital"],
        ),
    ],
)
def test_the_printed_summary_footer_and_notes_read_in_the_language(
    qapp,
    demo,
    tmp_path,
    language,
    words,  # type: ignore[no-untyped-def]
) -> None:
    from pypdf import PdfReader

    from ui.language import page_language
    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = demo
    target = tmp_path / "summary.pdf"
    with page_language(language):  # as the summary command and the print dialog draw it
        write_pdf(rec, SummaryRequest(child_id), target)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(str(target)).pages).split())
    for word in words:
        assert word in text, word
    for english in ("printed 20", "Page 1 of", "Examples from one", "20 mg/mL liquid", "today"):
        assert english not in text
