"""What an independent tester found in the targets the family names for a file the
program writes (check_write_target, and the roadmap template's writer): a link as the
target, a system file (/proc, /sys, /dev), a file protected against changes.  Each is
refused with one plain sentence, and nothing is written, replaced or created."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_roadmap import parse, sample

from tracker.roadmap.write import write_template
from tracker.store import RecordError
from tracker.store.errors import CannotSave
from tracker.store.targets import check_regular_target, check_write_target

SYSTEM = "is a system file, not a place to save"


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    path.write_bytes(b"x")  # only its name and place matter here
    return path


def listing(folder: Path) -> list[tuple[str, bool]]:
    return sorted((p.name, p.is_symlink()) for p in folder.iterdir())


# ---------------------------------------------------------------------- links


def test_a_dangling_link_is_refused_naming_where_it_points(tmp_path: Path, record: Path) -> None:
    link = tmp_path / "plan.ics"
    link.symlink_to(tmp_path / "gone" / "calendar.ics")
    before = listing(tmp_path)
    with pytest.raises(RecordError) as caught:
        check_write_target(link, record)
    message = str(caught.value)
    assert f"is a link to {tmp_path / 'gone' / 'calendar.ics'}, which does not exist" in message
    assert message.endswith("Nothing was written."), message
    with pytest.raises(RecordError, match="which does not exist"):
        write_template(tmp_path / "plan.ics", parse(sample()))
    assert listing(tmp_path) == before  # the link is still the link, nothing beside it


def test_a_link_to_a_file_is_refused_and_the_file_is_unchanged(
    tmp_path: Path, record: Path
) -> None:
    real = tmp_path / "real.json"
    real.write_text("ours\n")
    link = tmp_path / "ours.json"
    link.symlink_to(real)
    with pytest.raises(RecordError) as caught:
        write_template(link, parse(sample()), record_path=record)
    message = str(caught.value)
    assert message.startswith(f"ours.json is a link to {real}"), message
    assert link.is_symlink() and real.read_text() == "ours\n"


def test_the_cli_refuses_a_dangling_link(tmp_path: Path) -> None:
    from test_cli import run

    demo = tmp_path / "demo.sqlite"
    assert run("make-demo", str(demo))[0] == 0
    link = tmp_path / "plan.ics"
    link.symlink_to("nowhere.ics")
    code, _, err = run("calendar", "--db", str(demo), "-o", str(link))
    assert code == 1 and "is a link to nowhere.ics, which does not exist" in err, err
    assert link.is_symlink() and not (tmp_path / "nowhere.ics").exists()


# ---------------------------------------------------------------------- system files


@pytest.mark.parametrize(
    "target",
    ["/proc/self/comm", "/proc/plan.json", "/sys/kernel/plan.json", "/dev/shm/plan.json", "/dev"],
)
def test_a_system_file_is_not_a_place_to_save(target: str, record: Path) -> None:
    existed = os.path.lexists(target)
    with pytest.raises(RecordError) as caught:
        check_write_target(target, record)
    assert str(caught.value).startswith(f"{target} {SYSTEM}"), str(caught.value)
    with pytest.raises(RecordError, match=SYSTEM):
        check_regular_target(target)
    assert os.path.lexists(target) == existed


def test_a_link_into_proc_is_a_system_file_too(tmp_path: Path, record: Path) -> None:
    link = tmp_path / "name.txt"
    link.symlink_to("/proc/self/comm")
    with pytest.raises(RecordError, match=SYSTEM):
        check_write_target(link, record)


def test_names_that_only_look_like_system_folders_are_fine(tmp_path: Path, record: Path) -> None:
    for name in ("proc", "dev", "sys"):
        (tmp_path / name).mkdir()
        check_write_target(tmp_path / name / "plan.json", record)
    check_write_target(tmp_path / "devices.json", record)


# ---------------------------------------------------------------------- protected files


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Paths made unchangeable (chattr +i) by the test, made changeable again after it."""
    made: list[Path] = []
    yield made
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def _make_immutable(path: Path, made: list[Path]) -> None:
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
    made.append(path)


def test_an_unchangeable_file_is_said_to_be_protected_not_its_folder(
    tmp_path: Path, immutable: list[Path]
) -> None:
    target = tmp_path / "ours.json"
    target.write_text("old\n")
    _make_immutable(target, immutable)
    with pytest.raises(CannotSave) as caught:
        write_template(target, parse(sample()))
    message = str(caught.value)
    assert "ours.json is protected against changes" in message, message
    assert "folder" not in message, message
    assert message.endswith("the existing file ours.json is unchanged."), message
    assert str(tmp_path) not in message, message
    assert target.read_text() == "old\n"
    assert listing(tmp_path) == [("ours.json", False)]


def test_a_folder_that_cannot_be_written_to_is_named(tmp_path: Path, immutable: list[Path]) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    _make_immutable(folder, immutable)
    with pytest.raises(CannotSave) as caught:
        write_template(folder / "ours.json", parse(sample()))
    message = str(caught.value)
    assert f"the folder {folder} cannot be written to" in message, message
    assert message.startswith("Could not write the roadmap template to ours.json: "), message
    assert message.endswith("nothing was written."), message


# ---------------------------------------------------------------------- another kind of file


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (("calendar",), "notes.txt"),
        (("export", "--format", "json"), "letter.pdf"),
    ],
)
def test_an_existing_file_of_another_kind_is_not_replaced(
    tmp_path: Path, command: tuple[str, ...], name: str
) -> None:
    """`calendar -o notes.txt` replaced the family's notes (and made them private) without
    a word; as root it replaced /etc/passwd.  A file of the same kind is still updated."""
    from test_cli import run

    demo = tmp_path / "demo.sqlite"
    assert run("make-demo", str(demo))[0] == 0
    keep = tmp_path / name
    keep.write_text("keep this\n")
    keep.chmod(0o644)
    out = [str(keep)] if command[0] == "export" else ["-o", str(keep)]
    code, _, err = run(*command, "--db", str(demo), *out)
    assert code == 1, err
    assert "already exists and is not a" in err and "Nothing was written" in err, err
    assert keep.read_text() == "keep this\n" and keep.stat().st_mode & 0o777 == 0o644


def test_a_calendar_of_the_same_kind_is_updated(tmp_path: Path) -> None:
    from test_cli import run

    demo = tmp_path / "demo.sqlite"
    assert run("make-demo", str(demo))[0] == 0
    old = tmp_path / "Plan.ICS"
    old.write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    code, _, err = run("calendar", "--db", str(demo), "-o", str(old))
    assert code == 0, err
    assert "BEGIN:VEVENT" in old.read_text()


@pytest.mark.parametrize(("command", "name"), [("summary", "notes.txt"), ("card", "plan.ics")])
def test_a_pdf_never_replaces_a_file_of_another_kind(
    qapp, tmp_path: Path, capsys, command: str, name: str
) -> None:  # type: ignore[no-untyped-def]
    from test_cli import run

    from ui.app import main

    demo = tmp_path / "demo.sqlite"
    assert run("make-demo", str(demo))[0] == 0
    keep = tmp_path / name
    keep.write_text("keep this\n")
    assert main([command, "--db", str(demo), "-o", str(keep)]) == 1
    err = capsys.readouterr().err
    assert "already exists and is not a .pdf file" in err, err
    assert keep.read_text() == "keep this\n"
