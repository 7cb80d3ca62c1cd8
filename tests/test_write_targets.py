"""No writer replaces the record or one of its own files (issue 9, item 2).

Every command and every File-menu writer is given, as its target, the record
itself, a hard link to it, a symlink to it, its journal's name, its lock, one of
its backups, a file in its backups folder, a copy set aside as damaged, and a
symlink to the journal's (not yet existing) name.  Each is refused with one plain
sentence; afterwards every file beside the record, in its backups folder and
beside the links is byte for byte what it was, and no file was added.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

from tracker import cli
from tracker.store import Record, RecordError
from tracker.store.backup import make_backup
from tracker.store.backup_file import DAILY, backups_folder
from tracker.store.targets import check_write_target

pytest_plugins = ["gui_helpers"]

REFUSED = "Nothing was written"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tracker.demo import build_demo

    path = tmp_path_factory.mktemp("template") / "family.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    return path


@pytest.fixture
def family(template: Path, tmp_path: Path) -> Path:
    """A closed demo record with one backup and a copy set aside as damaged beside it."""
    path = tmp_path / "family.sqlite"
    shutil.copy(template, path)
    with Record.open(path, clock=fixed_clock) as rec:
        make_backup(rec, DAILY)
    (tmp_path / "family.sqlite.damaged").write_bytes(b"SQLite format 3\x00 old damaged copy")
    return path


def targets(record: Path, *, suffix: str = ".out") -> dict[str, Path]:
    """Every kind of target that leads to the record or one of its companions."""
    folder = record.parent
    elsewhere = folder / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    hard = elsewhere / f"hard{suffix}"
    if not hard.exists():
        os.link(record, hard)
    soft = folder / f"soft{suffix}"
    journal_link = folder / f"journal-link{suffix}"
    for link, to in ((soft, record), (journal_link, Path(str(record) + "-journal"))):
        if not link.is_symlink():
            link.symlink_to(to)
    backup = next(p for p in backups_folder(record).iterdir() if p.suffix == ".sqlite")
    found = {
        "the record": record,
        "a hard link": hard,
        "a symlink": soft,
        "the journal": Path(str(record) + "-journal"),
        "the WAL": Path(str(record) + "-wal"),
        "the lock": Path(str(record) + ".lock"),
        "a backup": backup,
        "a new file in backups/": backups_folder(record) / f"new{suffix}",
        "a damaged copy": Path(str(record) + ".damaged"),
        "a symlink to the journal": journal_link,
    }
    if suffix != ".out":  # the GUI adds a suffix only where there is none: give ones it keeps
        found = {k: v for k, v in found.items() if v.suffix == suffix}
    return found


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file below ``folder`` (settings files aside): its digest, or where a link leads."""
    seen: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.suffix == ".ini" or rel.startswith("qsettings") or rel.startswith("data"):
            continue
        if p.is_symlink():
            seen[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            seen[rel] = hashlib.sha256(p.read_bytes()).digest()
    return seen


def assert_all_refused(
    record: Path, write: Callable[[Path], tuple[int | None, str]], *, suffix: str = ".out"
) -> int:
    """``write(target)`` returns (exit code or None, message shown); returns the cases run."""
    cases = targets(record, suffix=suffix)
    before = snapshot(record.parent)
    for what, target in cases.items():
        code, said = write(target)
        assert code in (None, cli.EXIT_PROBLEM), f"{what}: exit {code}"
        assert REFUSED in said, f"{what} ({target}) was not refused: {said!r}"
        assert said.count("\n") <= 1, said
        assert snapshot(record.parent) == before, f"{what}: a file changed or was added"
    return len(cases)


# ---------------------------------------------------------------------- the rule itself


def test_check_write_target_names_each_companion(family: Path, tmp_path: Path) -> None:
    said = {}
    for what, target in targets(family).items():
        with pytest.raises(RecordError, match=REFUSED) as caught:
            check_write_target(target, family)
        said[what] = str(caught.value)
    assert "the treatment record itself" in said["a hard link"]
    assert "journal" in said["the journal"] and "journal" in said["a symlink to the journal"]
    assert "lock file" in said["the lock"]
    assert "one of the record's backups" in said["a backup"]
    assert "backups folder" in said["a new file in backups/"]
    assert "damaged" in said["a damaged copy"]
    with pytest.raises(RecordError, match="backups folder"):
        check_write_target(backups_folder(family), family)
    # the control: ordinary targets pass, also beside the record and through a folder link
    for fine in (tmp_path / "export.json", tmp_path / "family.sqlite.pdf", tmp_path / "x.sqlite"):
        check_write_target(fine, family)
    (tmp_path / "via").symlink_to(tmp_path)
    check_write_target(tmp_path / "via" / "export.json", family)
    with pytest.raises(RecordError, match=REFUSED):
        check_write_target(tmp_path / "via" / "family.sqlite-journal", family)


# ---------------------------------------------------------------------- command line


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, clock=fixed_clock)
    return code, err.getvalue() + out.getvalue()


# What the program sets aside beside the record, never deleted, so never to be written over:
# journals and WALs not its own (journal.py), a record whose making was cut short
# (record.py), the journals moved off before a restore (backup.py), damaged copies and what
# moved with them (integrity.py), each also under its numbered ``-N`` name.
SET_ASIDE = {
    "a foreign journal": "family.sqlite-journal.foreign",
    "a second foreign journal": "family.sqlite-journal.foreign-2",
    "a foreign WAL": "family.sqlite-wal.foreign",
    "a third foreign WAL": "family.sqlite-wal.foreign-3",
    "an unfinished record": "family.sqlite.unfinished",
    "a second unfinished record": "family.sqlite.unfinished-2",
    "a journal before a restore": "family.sqlite-journal.before-restore",
    "a WAL before a restore": "family.sqlite-wal.before-restore-2",
    "an index before a restore": "family.sqlite-shm.before-restore",
    "a second damaged copy": "family.sqlite.damaged-2",
    "a damaged copy's journal": "family.sqlite.damaged-journal",
    "a damaged copy's foreign journal": "family.sqlite.damaged-2-journal.foreign",
}


@pytest.mark.parametrize("what", sorted(SET_ASIDE))
def test_files_set_aside_beside_the_record_are_never_targets(
    family: Path, tmp_path: Path, what: str
) -> None:
    name = SET_ASIDE[what]
    with pytest.raises(RecordError, match=REFUSED) as caught:  # not there yet: a name it takes
        check_write_target(tmp_path / name, family)
    assert "set aside" in str(caught.value), str(caught.value)
    (tmp_path / name).write_bytes(b"kept: never written over")
    with pytest.raises(RecordError, match=REFUSED):
        check_write_target(tmp_path / name, family)
    link = tmp_path / "elsewhere.csv"
    link.symlink_to(tmp_path / name)
    with pytest.raises(RecordError, match=REFUSED):
        check_write_target(link, family)
    code, said = run_cli("export", "--db", str(family), "--format", "csv", str(tmp_path / name))
    assert code == cli.EXIT_PROBLEM and REFUSED in said, said
    assert (tmp_path / name).read_bytes() == b"kept: never written over"


def test_names_that_only_resemble_set_aside_files_are_fine(family: Path, tmp_path: Path) -> None:
    for fine in (
        "family.sqlite.foreign.csv",
        "family.sqlite-journal.foreign.pdf",
        "family.sqlite.unfinished-x",
        "other.sqlite-journal.foreign",
        "family.sqlite.before-restore.png",
    ):
        check_write_target(tmp_path / fine, family)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_refuses_the_record_and_its_files(family: Path, fmt: str) -> None:
    n = assert_all_refused(
        family, lambda t: run_cli("export", "--db", str(family), "--format", fmt, str(t))
    )
    assert n == 10


def test_backup_command_refuses_the_record_and_its_files(family: Path) -> None:
    assert_all_refused(family, lambda t: run_cli("backup", "--db", str(family), str(t)))


@pytest.mark.gui
def test_summary_command_refuses_the_record_and_its_files(
    qapp, family: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.app import main

    def write(target: Path) -> tuple[int, str]:
        code = main(["summary", "--db", str(family), "-o", str(target)], clock=fixed_clock)
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    assert_all_refused(family, write)


@pytest.mark.gui
def test_card_command_refuses_the_record_and_its_files(
    qapp, family: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ui.app import main

    def write(target: Path) -> tuple[int, str]:
        code = main(["card", "--db", str(family), "-o", str(target)], clock=fixed_clock)
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    assert_all_refused(family, write)


@pytest.mark.gui
def test_screenshot_refuses_the_record_and_its_files(
    qapp,
    family: Path,
    capsys: pytest.CaptureFixture[str],
    isolated_qsettings: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.app import main

    monkeypatch.setenv("XDG_DATA_HOME", str(family.parent / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(family.parent / "data" / "config"))
    name, version = qapp.applicationDisplayName(), qapp.applicationVersion()

    def write(target: Path) -> tuple[int, str]:
        hook = sys.excepthook
        try:
            code = main(["--db", str(family), "--screenshot", str(target)], clock=fixed_clock)
        finally:
            sys.excepthook = hook
            qapp.setApplicationDisplayName(name)
            qapp.setApplicationVersion(version)
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    assert_all_refused(family, write)


# ---------------------------------------------------------------------- the window


@pytest.fixture
def open_family(family: Path) -> Iterator[Record]:
    rec = Record.open(family, clock=fixed_clock)
    yield rec
    rec.close()


@pytest.fixture
def family_window(qtbot, open_family, interaction, settings):  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow

    win = MainWindow(RecordBridge(open_family), interaction, settings)
    qtbot.addWidget(win)
    return win


def gui_writer(interaction, act: Callable[[], object]) -> Callable[[Path], tuple[None, str]]:  # type: ignore[no-untyped-def]
    def write(target: Path) -> tuple[None, str]:
        interaction.asked.clear()
        interaction.save_answers = [target]
        act()
        errors = [text for kind, _title, text in interaction.asked if kind == "error"]
        infos = [text for kind, _title, text in interaction.asked if kind == "info"]
        assert not infos, infos
        return None, "\n".join(errors)

    return write


@pytest.mark.gui
@pytest.mark.parametrize(
    ("action", "suffix"),
    [("export_json", ".json"), ("export_csv", ".csv"), ("save_copy", ".sqlite")],
)
def test_window_writers_refuse_the_record_and_its_files(
    family_window, interaction, open_family, action: str, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    act = getattr(family_window, action)
    write = gui_writer(interaction, act)
    # the same targets, named the way the file dialog hands them over
    assert assert_all_refused(open_family.path, write) == 10
    assert_all_refused(open_family.path, write, suffix=suffix)
    assert open_family.problems() == []


@pytest.mark.gui
def test_save_as_pdf_refuses_the_record_and_its_files(qtbot, open_family, interaction) -> None:  # type: ignore[no-untyped-def]
    from ui.bridge import RecordBridge
    from ui.printing.dialog import PrintSummaryDialog

    dialog = PrintSummaryDialog(RecordBridge(open_family), interaction)
    qtbot.addWidget(dialog)

    def write(target: Path) -> tuple[None, str]:
        interaction.save_answers = [target]
        assert dialog.save_pdf() is None
        return None, dialog.error.text()

    assert len(targets(open_family.path, suffix=".pdf")) == 4
    assert_all_refused(open_family.path, write, suffix=".pdf")


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_never_replaces_another_treatment_record(
    family: Path, template: Path, tmp_path: Path, fmt: str
) -> None:
    """``export --db family.sqlite … family.db`` replaced the other record with JSON (even one
    open in another copy of the program); any file that is a treatment record is refused."""
    other = tmp_path / "elsewhere" / "family.db"
    other.parent.mkdir()
    shutil.copyfile(template, other)
    before = other.read_bytes()
    with Record.open(other, clock=fixed_clock):  # open (and locked) in "another copy"
        code, said = run_cli("export", "--db", str(family), "--format", fmt, str(other))
    assert code == 1 and "is a treatment record" in said, said
    assert other.read_bytes() == before
    with pytest.raises(RecordError, match="is a treatment record"):
        check_write_target(other, family)


# A target that exists and is not a regular file (a named pipe here; a device the same) is
# refused, never replaced by a regular file: check_write_target is the one place (issue 12).
NOT_REGULAR = "is not a regular file"


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    return path


def _assert_fifo_kept(path: Path, code: int, said: str) -> None:
    import stat

    assert code != 0, said
    assert NOT_REGULAR in said and REFUSED.lower() in said.lower(), said
    assert stat.S_ISFIFO(os.lstat(path).st_mode), "the named pipe was replaced"


def test_check_write_target_refuses_a_named_pipe(family: Path, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    with pytest.raises(RecordError, match=NOT_REGULAR):
        check_write_target(fifo, family)
    link = tmp_path / "link.pdf"
    link.symlink_to(fifo)
    with pytest.raises(RecordError, match=NOT_REGULAR):
        check_write_target(link, family)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_refuses_a_named_pipe(family: Path, tmp_path: Path, fmt: str) -> None:
    fifo = _fifo(tmp_path)
    _assert_fifo_kept(fifo, *run_cli("export", "--db", str(family), "--format", fmt, str(fifo)))


def test_backup_copy_refuses_a_named_pipe(family: Path, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path)
    _assert_fifo_kept(fifo, *run_cli("backup", "--db", str(family), str(fifo)))


@pytest.mark.gui
@pytest.mark.parametrize("command", ["summary", "card"])
def test_pdf_commands_refuse_a_named_pipe(
    qapp, family: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    from ui.app import main

    fifo = _fifo(tmp_path)
    code = main([command, "--db", str(family), "-o", str(fifo)], clock=fixed_clock)
    captured = capsys.readouterr()
    _assert_fifo_kept(fifo, code, captured.err + captured.out)


@pytest.mark.gui
@pytest.mark.parametrize(
    ("action", "name"),
    [("export_json", "notes.txt"), ("export_csv", "letter.pdf"), ("export_calendar", "notes.txt")],
)
def test_window_exports_never_replace_a_file_of_another_kind(
    family_window, interaction, open_family, tmp_path: Path, action: str, name: str
) -> None:  # type: ignore[no-untyped-def]
    """The file dialog hands over any existing file the family clicks: a JSON export over
    their notes replaced them (the command line already refused it)."""
    keep = tmp_path / "elsewhere" / name
    keep.parent.mkdir()
    keep.write_text("keep this\n")
    interaction.choose = lambda *args: 0  # the calendar asks whether to leave the name out
    _, errors = gui_writer(interaction, getattr(family_window, action))(keep)
    assert "already exists and is not a" in errors, errors
    assert keep.read_text() == "keep this\n"
