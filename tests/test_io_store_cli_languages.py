"""The command line, the imports, the calendar and the record's own messages read in
Spanish and French (issue 15): the CLI follows the system's language, and a language
chosen before it (a test's, the window's) wins."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY

from tracker import cli, i18n
from tracker.io.csv_import import UnreadableCsv, read_csv
from tracker.io.json_import import JsonImportError, read_export
from tracker.store import Record, RecordError


def run(environ: dict[str, str], *argv: str) -> tuple[int, str, str]:
    """A subcommand in the language ``environ`` asks for; English again afterwards."""
    out, err = io.StringIO(), io.StringIO()
    with i18n.using("en"):
        args = cli.build_parser(environ).parse_args(list(argv))
        code = cli.run(args, out=out, err=err, today=TODAY, environ=environ)
    return code, out.getvalue(), err.getvalue()


ES = {"LANG": "es_ES.UTF-8"}
FR = {"LANG": "fr_FR.UTF-8"}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    code, _, err = run({}, "make-demo", str(path))
    assert code == 0, err
    return path


def test_a_fresh_process_speaks_the_language_of_lang(tmp_path: Path, demo: Path) -> None:
    """Through the console script (ui.app.main), as a family runs it."""
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env |= {"LANG": "es_ES.UTF-8", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from ui.app import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "make-demo", str(demo)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "ya existe; elija un nombre de archivo nuevo para el registro de demostración" in (
        done.stderr
    )
    helped = subprocess.run(
        [sys.executable, "-c", code, "--help"],
        capture_output=True,
        text=True,
        env=env | {"LANG": "fr_FR.UTF-8"},
        timeout=120,
    )
    shown = " ".join(helped.stdout.split())  # argparse wraps the help at the terminal's width
    assert "ouvrir une nouvelle copie temporaire du dossier de démonstration" in shown


def test_the_command_line_reads_the_language_from_its_environment(demo: Path) -> None:
    code, out, _ = run(FR, "check", "--db", str(demo))
    assert code == 0
    assert "OK — l'intégrité, les liens, la version du format" in out
    code, _, err = run(ES, "make-demo", str(demo))
    assert code == 1
    assert "ya existe" in err
    assert i18n.language() == "en"


def test_a_language_chosen_before_wins_over_the_environment(demo: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with i18n.using("es"):
        args = cli.build_parser(FR).parse_args(["make-demo", str(demo)])
        cli.run(args, out=out, err=err, today=TODAY, environ=FR)
    assert "ya existe" in err.getvalue()


def test_an_import_report_counts_in_each_language(demo: Path, tmp_path: Path) -> None:
    """Plurals: one value and one new blood count, then two values."""
    one = tmp_path / "one.csv"
    one.write_text("Date,Test,Result,Unit\n2026-11-21,Platelets,45,K/uL\n", encoding="utf-8")
    two = tmp_path / "two.csv"
    two.write_text(
        "Date,Test,Result,Unit\n2026-11-21,Platelets,45,K/uL\n2026-11-21,Hemoglobin,9.1,g/dL\n",
        encoding="utf-8",
    )
    code, out, err = run(ES, "import-counts", "--dry-run", "--db", str(demo), str(one))
    assert code == 0, err
    assert "Para Robin (demo) se añadiría 1 valor (1 hemograma nuevo)." in out
    assert "; 1 fila." in out  # one row, in the singular
    assert "Prueba: no se escribió nada." in out
    code, out, err = run(FR, "import-counts", "--dry-run", "--db", str(demo), str(two))
    assert code == 0, err
    assert "Seraient ajoutées pour Robin (demo) : 2 valeurs (1 nouvelle NFS)." in out
    assert "format long, séparé par des virgules, UTF-8" in out


def test_the_calendar_names_its_events_in_the_language(demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    code, out, err = run(FR, "calendar", "--db", str(demo), "-o", str(target))
    assert code == 0, err
    assert "événements d'agenda écrits" in out  # the plural, agreed
    text = target.read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Ponction lombaire (prévue" in text
    assert "SUMMARY:Robin (demo) · Lumbar puncture" not in text


def test_refusals_of_a_file_read_in_each_language() -> None:
    with i18n.using("es"), pytest.raises(UnreadableCsv, match="Este archivo es un PDF; pida"):
        read_csv(b"%PDF-1.7 not a table")
    with i18n.using("fr"), pytest.raises(JsonImportError) as caught:
        read_export(b"{ not json", TODAY, TODAY)
    assert "n'est pas du JSON valide" in str(caught.value)


def test_the_records_own_messages_in_each_language(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite"
    with i18n.using("fr"), pytest.raises(RecordError, match="Il n'y a pas de fichier de dossier"):
        Record.open(missing)
    with i18n.using("es"), pytest.raises(RecordError, match="No hay ningún archivo de registro"):
        Record.open(missing)
    assert not missing.exists()
