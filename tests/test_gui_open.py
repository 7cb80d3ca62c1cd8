"""The window start (``ui.app``) and the welcome: a record begun but never finished is started
again, a journal that is not the record's own is set aside and said, a record that cannot be
read is a permission problem (nothing moved, no backup offered)  (issue 9, items 1, 3, 7)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import fixed_clock
from gui_helpers import ScriptedInteraction, fill, save_and_close
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from tracker.model import Child
from tracker.store import APPLICATION_ID, Record
from tracker.store import files as files_module
from tracker.store.backup import make_backup
from tracker.store.backup_file import DAILY
from tracker.store.errors import RecordUnreadable
from tracker.store.files import check_record_file, is_unstarted
from tracker.store.schema import SCHEMA_VERSION

pytest_plugins = ["gui_helpers"]
pytestmark = pytest.mark.gui


class Answers(ScriptedInteraction):
    pass


@pytest.fixture
def default_place(app_run: Callable[..., int]) -> Path:
    """Where the program keeps the record when no ``--db`` is given (under this test)."""
    from ui.app import APP_NAME, ORG_NAME
    from ui.folders import default_record_path

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    path = default_record_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def header_only(path: Path) -> None:
    """Our header, no tables: what a creation killed early could leave."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()


UNSTARTED = {"empty": lambda p: p.write_bytes(b""), "header only": header_only}


# ---------------------------------------------------------------------- started again


def test_what_counts_as_unstarted(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    header = tmp_path / "header.sqlite"
    header_only(header)
    record = tmp_path / "record.sqlite"
    Record.open(record, create=True, clock=fixed_clock).close()
    table = tmp_path / "table.sqlite"
    conn = sqlite3.connect(table)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a record\n")
    assert is_unstarted(empty) and is_unstarted(header)
    for has_content in (record, table, text, tmp_path / "missing.sqlite", tmp_path):
        assert not is_unstarted(has_content), has_content


@pytest.mark.parametrize("kind", UNSTARTED)
def test_the_window_start_offers_to_start_again(
    qtbot, tmp_path: Path, app_run: Callable[..., int], default_place: Path, kind: str
) -> None:
    UNSTARTED[kind](default_place)
    before = default_place.read_bytes()
    png = tmp_path / "welcome.png"
    assert app_run("--screenshot", str(png)) == 0  # the welcome, not "is empty (0 bytes)"
    assert png.stat().st_size > 0
    assert default_place.read_bytes() == before  # nothing changed until the family acts
    assert not default_place.with_name(default_place.name + ".lock").exists()


def test_a_chosen_empty_file_is_still_refused(tmp_path: Path, app_run: Callable[..., int]) -> None:
    """Only the program's own place is started again; a file named with --db is not ours."""
    chosen = tmp_path / "chosen.sqlite"
    chosen.write_bytes(b"")
    assert app_run("--db", str(chosen), "--screenshot", str(tmp_path / "x.png")) == 1
    assert chosen.read_bytes() == b""


@pytest.mark.parametrize("kind", UNSTARTED)
def test_starting_again_keeps_the_unfinished_file_aside(qtbot, tmp_path: Path, kind: str) -> None:
    from ui.welcome import WelcomeDialog

    path = tmp_path / "record.sqlite"
    UNSTARTED[kind](path)
    before = path.read_bytes()
    dialog = WelcomeDialog(path, None, clock=fixed_clock, start_over=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    note = dialog.findChild(QLabel, "startOver")
    assert note is not None and "never finished" in note.text()
    fill(dialog, "name", "Mila")
    fill(dialog, "birth_date", "2026-01-10")
    save_and_close(qtbot, dialog)
    assert dialog.record is not None
    dialog.record.close()
    assert check_record_file(path, SCHEMA_VERSION) == SCHEMA_VERSION
    with Record.open(path, clock=fixed_clock) as rec:
        assert [c.name for c in rec.children()] == ["Mila"]
    assert (tmp_path / "record.sqlite.unfinished").read_bytes() == before


def test_start_over_never_touches_a_file_with_content(tmp_path: Path) -> None:
    path = tmp_path / "record.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
    before = path.read_bytes()
    with Record.open(path, create=True, start_over=True, clock=fixed_clock) as rec:
        assert [c.name for c in rec.children()] == ["Mila"]
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.unfinished*"))


# ---------------------------------------------------------------------- a foreign journal


def test_the_window_start_sets_a_foreign_journal_aside_and_says_so(
    qtbot, tmp_path: Path, app_run: Callable[..., int], capfd: pytest.CaptureFixture[str]
) -> None:
    from test_foreign_journal import make_record, other_programs_journal

    path = tmp_path / "family.sqlite"
    make_record(path)
    before = path.read_bytes()
    data = other_programs_journal(tmp_path)
    path.with_name("family.sqlite-journal").write_bytes(data)
    assert app_run("--db", str(path), "--screenshot", str(tmp_path / "w.png")) == 0
    err = capfd.readouterr().err
    assert "family.sqlite-journal" in err and "set aside as family.sqlite-journal.foreign" in err
    assert path.read_bytes() == before
    assert path.with_name("family.sqlite-journal.foreign").read_bytes() == data


# ---------------------------------------------------------------------- cannot be read


@pytest.fixture
def no_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the record's mode were 000 for this user (root reads anything)."""

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module, "open", refuse, raising=False)


def test_a_permission_error_is_not_called_damage(tmp_path: Path, no_permission: None) -> None:
    path = tmp_path / "family.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + bytes(84))
    with pytest.raises(RecordUnreadable, match="permission problem, not damage") as info:
        check_record_file(path, SCHEMA_VERSION)
    assert "\n" not in str(info.value)


def test_the_window_says_a_permission_problem_and_moves_nothing(
    qtbot,
    tmp_path: Path,
    app_run: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        make_backup(rec, DAILY)  # a good backup a damage path would offer
    before = sorted(p.name for p in tmp_path.iterdir())
    content = path.read_bytes()
    answers = Answers()  # any confirmation asked fails the test
    monkeypatch.setattr("ui.interaction.Interaction", lambda: answers)

    def refuse(*_args: object, **_kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module, "open", refuse, raising=False)
    assert app_run("--db", str(path)) == 1
    monkeypatch.undo()
    [(kind, _title, text)] = answers.asked
    assert kind == "error" and "permission problem, not damage" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert path.read_bytes() == content


def test_offer_restore_offers_nothing_for_a_permission_problem(tmp_path: Path) -> None:
    from ui.app import offer_restore

    path = tmp_path / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        make_backup(rec, DAILY)
    answers = Answers()
    assert offer_restore(path, RecordUnreadable("cannot be read"), answers) is None
    assert answers.asked == [] and path.exists()


@pytest.mark.parametrize("kind", UNSTARTED)
def test_a_chosen_unfinished_file_is_started_again_only_when_the_family_says_so(
    tmp_path: Path, kind: str
) -> None:
    from ui.app import should_start_over

    chosen = tmp_path / "chosen.sqlite"
    UNSTARTED[kind](chosen)
    answers = Answers()
    answers.confirm_answers = [False, True]
    assert should_start_over(chosen, chosen=True, interaction=answers) is False
    assert should_start_over(chosen, chosen=True, interaction=answers) is True
    assert [kind for kind, *_ in answers.asked] == ["confirm", "confirm"]
    assert "chosen.sqlite.unfinished" in answers.asked[0][2]
    assert should_start_over(chosen, chosen=True, interaction=None) is False  # no one to ask
    assert should_start_over(chosen, chosen=False, interaction=None) is True  # our own place
    with_content = tmp_path / "kept.sqlite"
    with_content.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert should_start_over(with_content, chosen=True, interaction=answers) is False
