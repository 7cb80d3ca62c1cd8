"""Spanish and French wording an independent tester read badly (session 26, fix-words):
the words of the catalogues as a family reads them, checked on real words."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tracker import i18n
from tracker.model import Child, CnsStatus
from tracker.summary import diagnosis_line


def test_the_planned_end_and_the_teams_numbers_agree_in_spanish() -> None:
    with i18n.using("es"):
        assert i18n.tr("Planned en&d:") == "&Fin previsto:"  # el fin
        assert i18n.tr("None entered yet.") == "Aún no se ha anotado ninguna."  # las cifras


@pytest.mark.parametrize(
    ("language", "column", "values"),
    [
        ("es", "Certeza", ["confirmada", "prevista", "anotada como prevista", "hecha"]),
        ("fr", "Certitude", ["confirmé", "prévue", "saisie comme prévue", "faite"]),
    ],
)
def test_the_plan_column_says_how_sure_a_date_is(
    language: str, column: str, values: list[str]
) -> None:
    with i18n.using(language):
        assert i18n.tr("How sure") == column
        said = [i18n.tr(w) for w in ("booked", "planned", "entered as planned", "done")]
    assert said == values


@pytest.mark.parametrize(
    ("language", "what", "undo", "saved", "undone"),
    [
        (
            "es",
            "hemograma del 1 may 2026",
            "&Deshacer el cambio de hemograma del 1 may 2026",
            "Se guardó el cambio de hemograma del 1 may 2026. Ctrl+Z lo deshace.",
            "Se deshizo el cambio de hemograma del 1 may 2026",
        ),
        (
            "fr",
            "NFS du 1 mai 2026",
            "&Annuler la modification : NFS du 1 mai 2026",
            "Vous avez enregistré la modification : NFS du 1 mai 2026. Ctrl+Z l’annule.",
            "Vous avez annulé la modification : NFS du 1 mai 2026",
        ),
        (
            "en",
            "blood count of 2026-05-01",
            "&Undo: blood count of 2026-05-01 changed",
            "Saved: blood count of 2026-05-01 changed. Ctrl+Z undoes it.",
            "Undone: blood count of 2026-05-01 changed",
        ),
    ],
)
def test_an_undo_step_reads_as_one_sentence(
    language: str, what: str, undo: str, saved: str, undone: str
) -> None:
    """The Edit menu and the status bar put the step's name into a frame: in Spanish
    "Deshacer: Cambiado: hemograma…" read as two labels glued."""
    with i18n.using(language):
        step = i18n.tr("{what} changed").format(what=what)
        assert i18n.tr("&Undo: {what}").format(what=step) == undo
        assert i18n.tr("Saved: {what}. Ctrl+Z undoes it.").format(what=step) == saved
        assert i18n.tr("Undone: {what}").format(what=step) == undone


def test_the_summary_names_the_cns_status_as_the_form_does() -> None:
    child = dataclasses.replace(
        Child(name="Mila", birth_date=dt.date(2026, 1, 10), id=1),
        cns_status_at_diagnosis=CnsStatus.CNS2,
    )
    with i18n.using("es"):
        assert "SNC2 al diagnóstico" in diagnosis_line(child)
    assert "CNS2 at diagnosis" in diagnosis_line(child)


# ------------------------------------------------------------------ the CSV import's report


@dataclasses.dataclass(frozen=True)
class _Row:
    line: int
    reason: str


@pytest.mark.parametrize(
    ("language", "rows", "said"),
    [
        ("es", [2, 3], "Se dejaron fuera 2 filas: x (líneas 2, 3)."),
        ("es", [8], "Se dejó fuera 1 fila: x (línea 8)."),
        ("fr", [2, 3], "2 lignes laissées de côté : x (lignes 2, 3)."),
        ("fr", [8], "1 ligne laissée de côté : x (ligne 8)."),
        ("en", [8], "Left out 1 row: x (line 8)."),
        ("en", [2, 3], "Left out 2 rows: x (lines 2, 3)."),
    ],
)
def test_the_left_out_rows_read_as_one_sentence(language: str, rows: list[int], said: str) -> None:
    from tracker.io import ehr_rows

    with i18n.using(language):
        assert ehr_rows.summary([_Row(n, "x") for n in rows]) == [said]


def test_many_left_out_rows_say_how_many_more_in_spanish() -> None:
    from tracker.io import ehr_rows

    with i18n.using("es"):
        [line] = ehr_rows.summary([_Row(n, "x") for n in range(2, 12)])
    assert line == "Se dejaron fuera 10 filas: x (líneas 2, 3, 4, 5, 6 y 5 más)."


def test_a_bad_row_and_a_bad_range_read_in_spanish(record, child) -> None:  # type: ignore[no-untyped-def]
    from tracker.io.csv_import import RowProblem, plan_import, read_csv

    with i18n.using("es"):
        assert str(RowProblem(3, "x")) == "línea 3: x"
        csv = b"Date,Test,Result,Unit,Range\n2026-11-02,Hgb,10.4,g/dL,about ten\n"
        plan = plan_import(read_csv(csv), record, child)
        said = [str(p) for p in plan.problems]
    assert len(said) == 1, said
    assert said[0].startswith("línea 2: Intervalo de "), said
    assert " range" not in said[0] and "line" not in said[0], said


# ------------------------------------------------------------------ the pick lists


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_medicine_picked_from_the_translated_list_is_the_same_medicine(language: str) -> None:
    """The pick list shows the names in the language; what is picked is kept as typed,
    and is recognised as the English name is (short name, same drug, usual use)."""
    from tracker import medicines

    english = [d.name for d in medicines.USUAL]
    with i18n.using(language):
        picked = medicines.pick_list()
    assert picked != english
    for name, translated in zip(english, picked, strict=True):
        assert medicines.usual(translated) is medicines.usual(name), translated
        assert medicines.short_name(translated) == medicines.short_name(name)
        assert medicines.same_drug(translated, name)


def test_the_pick_lists_read_in_spanish_and_french() -> None:
    from tracker import medicines

    with i18n.using("es"):
        assert medicines.pick_list()[:3] == ["mercaptopurina", "metotrexato (oral)", "cotrimoxazol"]
        assert i18n.tr("Prednisone prophase") == "Prefase con prednisona"
        assert i18n.tr("common B (B-II)") == "B común (B-II)"
        assert i18n.tr("clinic") == "consulta"
    with i18n.using("fr"):
        assert medicines.pick_list()[8] == "ondansétron"
        assert i18n.tr("mixed phenotype (MPAL)") == "phénotype mixte (MPAL)"
