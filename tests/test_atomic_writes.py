"""Every file the program writes goes into place the one durable way (tracker.store.durable):
written under a private temp name beside it, the temp fsynced, renamed over the target, and
then the folder fsynced, so that after a power cut either the old file or the whole new one
is there.  Each writer is run with os.fsync and the renames recorded, in order."""

from __future__ import annotations

import ast
import datetime as dt
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="names open files through /proc"
)

ROOT = Path(__file__).resolve().parent.parent
Event = tuple[str, str, str]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """os.fsync, os.replace, os.rename and os.link, recorded in the order they happen:
    ("file"|"folder", path, "") for an fsync, ("rename", source, target) for a rename."""
    events: list[Event] = []
    real_fsync, real_replace, real_rename, real_link = os.fsync, os.replace, os.rename, os.link

    def fsync(fd: int) -> None:
        what = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append((what, os.readlink(f"/proc/self/fd/{fd}"), ""))
        real_fsync(fd)

    def renamer(real: Callable[..., None]) -> Callable[..., None]:
        def rename(src: object, dst: object, *args: object, **kwargs: object) -> None:
            real(src, dst, *args, **kwargs)
            events.append(
                ("rename", str(Path(str(src)).absolute()), str(Path(str(dst)).absolute()))
            )

        return rename

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", renamer(real_replace))
    monkeypatch.setattr(os, "rename", renamer(real_rename))
    monkeypatch.setattr(os, "link", renamer(real_link))
    return events


def assert_durable(events: list[Event], target: Path) -> None:
    """``target`` was put in place by a rename of a temp beside it that had been fsynced,
    and its folder was fsynced after that rename."""
    target = target.absolute()
    placed = [i for i, e in enumerate(events) if e[0] == "rename" and e[2] == str(target)]
    assert placed, f"{target.name} was not renamed into place: {events}"
    at = placed[-1]
    temp = events[at][1]
    assert Path(temp).parent == target.parent and Path(temp).name.startswith(f".{target.name}.")
    assert ("file", temp, "") in events[:at], f"{target.name}: temp not fsynced before rename"
    assert ("folder", str(target.parent), "") in events[at + 1 :], (
        f"{target.name}: folder not fsynced after the rename: {events[at:]}"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def demo(tmp_path: Path):  # type: ignore[no-untyped-def]
    from tracker.demo import build_demo
    from tracker.store import Record

    rec = Record.open(tmp_path / "family.sqlite", create=True, clock=fixed_clock)
    rec.child_id = build_demo(rec, TODAY)
    yield rec
    rec.close()


def test_record_creation(tmp_path: Path, calls: list[Event]) -> None:
    from tracker.store import Record

    path = tmp_path / "new.sqlite"
    Record.open(path, create=True, clock=fixed_clock).close()
    assert_durable(calls, path)


@pytest.mark.parametrize("old", [False, True], ids=["new", "over an old file"])
def test_json_export(demo, tmp_path: Path, calls: list[Event], old: bool) -> None:  # type: ignore[no-untyped-def]
    from tracker.io.json_export import write_json

    target = tmp_path / "out" / "export.json"
    target.parent.mkdir()
    if old:
        target.write_text("old", encoding="utf-8")
    write_json(demo, target, dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC))
    assert_durable(calls, target)


def test_csv_export(demo, tmp_path: Path, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from tracker.io.csv_export import write_csv

    target = tmp_path / "out" / "counts.csv"
    target.parent.mkdir()
    write_csv(demo, target)
    assert_durable(calls, target)


def test_backup_and_its_manifest(demo, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import make_backup, manifest_path

    info = make_backup(demo, "before-restore")
    assert_durable(calls, info.path)
    assert_durable(calls, manifest_path(info.path))
    manifest_at = max(i for i, e in enumerate(calls) if e[2] == str(manifest_path(info.path)))
    backup_at = max(i for i, e in enumerate(calls) if e[2] == str(info.path))
    assert manifest_at < backup_at  # a manifest without its backup, never the reverse


def test_saved_copy(demo, tmp_path: Path, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import save_copy

    target = tmp_path / "stick" / "copy.sqlite"
    target.parent.mkdir()
    save_copy(demo, target, off_computer=True)
    assert_durable(calls, target)


def test_restore(demo, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from tracker.store.backup import make_backup, restore

    info = make_backup(demo, "before-restore")
    path = demo.path
    demo.close()
    del calls[:]
    restore(path, info.path, fixed_clock)
    assert_durable(calls, path)


def test_summary_pdf(qapp, demo, tmp_path: Path, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from ui.printing import render

    child_id = demo.child_id
    target = tmp_path / "out" / "summary.pdf"
    target.parent.mkdir()
    render.write_pdf(demo, render.SummaryRequest(child_id), target)
    assert_durable(calls, target)


def test_screenshot(qapp, tmp_path: Path, calls: list[Event]) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from ui.app import _screenshot

    target = tmp_path / "out" / "shot.png"
    target.parent.mkdir()
    assert _screenshot(QLabel("a picture"), target, tmp_path / "family.sqlite") == 0
    assert_durable(calls, target)


# ------------------------------------------------------------------ one way to rename


RENAMES = {("os", "replace"), ("os", "rename"), ("os", "renames")}


def renames_in(source: str) -> list[int]:
    """Lines of ``source`` that call os.replace / os.rename / Path.rename / Path.replace."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, owner = node.func.attr, node.func.value
        if (
            (isinstance(owner, ast.Name) and (owner.id, name) in RENAMES)
            or name == "rename"  # Path.rename (str has no rename)
            or (name == "replace" and len(node.args) == 1 and not node.keywords)  # not str's
        ):
            found.append(node.lineno)
    return found


def test_no_rename_outside_durable() -> None:
    """Only tracker/store/durable.py renames files: everything else goes through it."""
    found = []
    for folder in ("tracker", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "tracker" / "store" / "durable.py":
                continue
            lines = renames_in(path.read_text(encoding="utf-8"))
            found += [f"{path.relative_to(ROOT)}:{n}" for n in lines]
    assert found == []


def test_the_rename_finder_finds_them() -> None:
    sample = (
        "import os\nos.replace(a, b)\nos.rename(a, b)\np.rename(q)\np.replace(q)\n"
        "s.replace('a', 'b')\nd.replace(year=1)\n"
    )
    assert renames_in(sample) == [2, 3, 4, 5]
