"""The import's report in French and Spanish: the verb agrees with the number added."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_csv import DATA, make_record, run

from tracker import i18n


@pytest.mark.parametrize(
    ("language", "dry", "said"),
    [
        ("fr", True, "Seraient ajoutées pour Mila : 39 valeurs (6 nouvelles NFS)."),
        ("fr", False, "Ajoutées pour Mila : 39 valeurs (6 nouvelles NFS)."),
        ("es", True, "Para Mila se añadirían 39 valores (6 hemogramas nuevos)."),
        ("es", False, "Para Mila se añadieron 39 valores (6 hemogramas nuevos)."),
        ("en", True, "Would add for Mila: 39 values (6 new blood counts)."),
    ],
)
def test_the_import_report_agrees_with_the_count(
    tmp_path: Path, language: str, dry: bool, said: str
) -> None:
    db = make_record(tmp_path / "family.sqlite", "Mila")
    argv = ["import-counts", "--db", str(db), str(DATA / "eu_wide_semicolon_latin1.csv")]
    with i18n.using(language):
        code, out, err = run(*argv[:3], *(["--dry-run"] if dry else []), argv[3])
    assert code == 0, err
    assert said in out.splitlines(), out


def test_one_value_reads_singular_in_french() -> None:
    from tracker.io.csv_import import _added_sentence

    with i18n.using("fr"):
        one = _added_sentence(1, False, False, True).format(name="Mila", n=1, counts="1 NFS")
        assert one == "Ajoutée pour Mila : 1 valeur (1 NFS)."
        two = _added_sentence(2, True, False, False).format(name="Mila", n=2, counts="1 NFS")
        assert two == "Seraient ajoutés pour Mila : 2 résultats gardés tels qu'imprimés (1 NFS)."
