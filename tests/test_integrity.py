"""Silent corruption and structural damage: the seals name what changed, the check says so.

SQLite's ``integrity_check`` does not notice a changed value (the controls below
show it saying "ok" about a file with a flipped byte); every row's seal does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import sqlite3
import struct
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TODAY

import tracker.store.record as record_module
import tracker.store.schema as schema
from tracker import cli
from tracker.model import (
    Appointment,
    Child,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Phase,
    PhaseKind,
    Question,
)
from tracker.store import SCHEMA_VERSION, NotARecord, Record
from tracker.store.backup import make_backup, newest_verified_backup, restore
from tracker.store.backup_file import DAILY
from tracker.store.checksums import row_checksum
from tracker.store.integrity import check_record, quarantine

DATA = Path(__file__).resolve().parent / "data"
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def value(code: str, number: float) -> CountValue:
    return CountValue(code, f"{number:g}", "10^9/L", number, number, "10^9/L")


def per_microlitre(code: str, number: float) -> CountValue:
    return CountValue(code, f"{number:g}", "/µL", number, number / 1000, "10^9/L")


def build(path: Path) -> None:
    """A record with one distinctive text and one distinctive number in every kind of row."""
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(
            Child(name="Mila", birth_date=dt.date(2026, 1, 10), notes="child-note-AAAA")
        )
        assert child.id is not None
        phase, _ = rec.save(
            Phase(
                child.id,
                PhaseKind.INDUCTION,
                actual_start=dt.date(2026, 5, 20),
                notes="phase-note-BBBB",
            )
        )
        rec.save(
            Milestone(
                child.id, dt.date(2026, 6, 22), MilestoneKind.REMISSION, notes="milestone-note-CCCC"
            )
        )
        for day in range(1, 9):
            rec.save(
                CountResult(
                    child.id,
                    dt.date(2026, 5, day),
                    note=f"count-note-{day:04d}",
                    values=(value("wbc", 1.25 + day), per_microlitre("plt", 1234.5678 + day)),
                )
            )
        rec.save(
            CnsVisit(
                child.id,
                dt.date(2026, 6, 3),
                LpProcedure.LP_WITH_IT,
                phase_id=phase.id,
                it_drugs=(ItDose(ItDrug.METHOTREXATE, "dose-DDDD"),),
                note="lp-note-EEEE",
            )
        )
        rec.save(Appointment(child.id, dt.date(2026, 12, 1), note="appt-note-FFFF"))
        rec.save(Question(child.id, dt.date(2026, 11, 1), "question-text-GGGG"))


@pytest.fixture
def record_file(tmp_path: Path) -> Path:
    path = tmp_path / "family.sqlite"
    build(path)
    return path


def flip_in(path: Path, needle: bytes, offset: int = 0, bit: int = 0x01) -> Path:
    """A copy of ``path`` with one bit flipped inside the one stored copy of ``needle``."""
    data = bytearray(path.read_bytes())
    assert bytes(data).count(needle) == 1, needle
    spot = bytes(data).index(needle) + offset
    data[spot] ^= bit
    copy = path.with_name(f"flipped-{hashlib.sha1(needle).hexdigest()[:6]}.sqlite")
    copy.write_bytes(bytes(data))
    return copy


def sqlite_says(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def messages(path: Path) -> list[str]:
    return [p.message for p in check_record(path)]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(cli.build_parser().parse_args(list(argv)), out=out, err=err, today=TODAY)
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------------- the seals


def test_a_record_written_by_the_program_checks_clean(record_file: Path) -> None:
    assert check_record(record_file) == []
    assert sqlite_says(record_file) == "ok"


@pytest.mark.parametrize(
    ("needle", "offset", "named"),
    [
        (b"count-note-0005", 12, "a blood count of 2026-05-05 was changed outside the program"),
        (b"child-note-AAAA", 12, "the entry for the child Mila was changed outside the program"),
        (b"phase-note-BBBB", 12, "the phase Induction starting 2026-05-20 was changed"),
        (b"milestone-note-CCCC", 16, "a milestone of 2026-06-22 was changed"),
        (b"lp-note-EEEE", 9, "a lumbar puncture of 2026-06-03 was changed"),
        (
            b"dose-DDDD",
            6,
            "an intrathecal drug (Methotrexate) of the lumbar puncture of 2026-06-03",
        ),
        (b"appt-note-FFFF", 11, "an appointment of 2026-12-01 was changed"),
        (b"question-text-GGGG", 15, "a question added on 2026-11-01 was changed"),
        # a number: the last byte of the 8-byte float 1237.5678 (platelets of 2026-05-03)
        (struct.pack(">d", 1234.5678 + 3), 7, "a blood value (Platelets) in the blood count of"),
    ],
)
def test_a_flipped_byte_inside_a_stored_value_is_named(
    record_file: Path, needle: bytes, offset: int, named: str
) -> None:
    flipped = flip_in(record_file, needle, offset)
    assert sqlite_says(flipped) == "ok", "the control: SQLite's own check sees nothing"
    found = check_record(flipped)
    assert len(found) == 1, found
    assert named in found[0].message
    assert found[0].kind == "changed"
    assert check_record(record_file) == []  # the original is untouched


def test_a_change_made_with_another_tool_is_named(record_file: Path) -> None:
    conn = sqlite3.connect(record_file)
    conn.execute("UPDATE count_result SET taken_date = '2026-05-11' WHERE note = 'count-note-0002'")
    conn.execute(
        "INSERT INTO question (uid, created_at, updated_at, child_id, added_on, text) "
        "VALUES ('00000000-0000-4000-8000-000000000000', 'x', 'x', 1, '2026-11-02', 'sneaky')"
    )
    conn.commit()
    conn.close()
    found = messages(record_file)
    assert any("a blood count of 2026-05-11 was changed outside the program" in m for m in found)
    assert any(
        "a question added on 2026-11-02 was added or changed outside the program" in m
        for m in found
    )


def test_every_kind_of_save_edit_delete_and_undo_keeps_the_seals(record_file: Path) -> None:
    with Record.open(record_file, clock=clock) as rec:
        child = rec.children()[0]
        assert child.id is not None
        phase = rec.entries(Phase, child.id)[0]
        visit = rec.entries(CnsVisit, child.id)[0]
        count = rec.counts(child.id)[0]
        steps: list[Callable[[], object]] = [
            lambda: rec.save(replace(child, notes="edited")),
            lambda: rec.save(replace(count, note="edited", values=count.values[:1])),
            lambda: rec.undelete(rec.delete(Phase, phase.id or 0)),  # unlinks and relinks a visit
            lambda: rec.delete(Phase, phase.id or 0),
            lambda: rec.undelete(rec.delete(CnsVisit, visit.id or 0)),
            lambda: rec.undelete(rec.delete(Child, child.id or 0)),
            lambda: rec.set_meta("note", "a value"),
            lambda: rec.set_meta("note", "another value"),
        ]
        for step in steps:
            step()
            assert rec.problems() == [], step
    assert check_record(record_file) == []


def test_the_checksum_is_canonical() -> None:
    row = {"id": 1, "value": 5.0, "text": "x", "checksum": "ignored"}
    assert row_checksum("t", row) == row_checksum("t", {**row, "value": 5, "checksum": None})
    assert row_checksum("t", row) != row_checksum("u", row)  # the table is part of it
    assert row_checksum("t", row) != row_checksum("t", {**row, "value": 5.000001})


def test_the_v1_fixture_is_sealed_when_it_is_updated(tmp_path: Path) -> None:
    path = tmp_path / "family.sqlite"
    shutil.copyfile(DATA / "record-v1.sqlite", path)
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
    assert check_record(path) == []


def test_a_row_broken_before_an_update_stays_named_after_it(
    record_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flipped = flip_in(record_file, b"count-note-0004", 12)
    new_version = SCHEMA_VERSION + 1

    def step(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE child ADD COLUMN nickname TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", new_version)
    monkeypatch.setattr(record_module, "SCHEMA_VERSION", new_version)
    with Record.open(flipped, clock=clock) as rec:
        found = rec.problems()
    assert len(found) == 1 and "a blood count of 2026-05-04 was changed" in found[0]


# ---------------------------------------------------------------------- structural damage


def zero_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    size = int.from_bytes(data[16:18], "big")
    data[(page - 1) * size : page * size] = bytes(size)
    path.write_bytes(bytes(data))


def test_open_refuses_a_damaged_record_with_a_clear_message(record_file: Path) -> None:
    zero_page(record_file, 5)
    before = record_file.read_bytes()
    for read_only in (False, True):
        with pytest.raises(NotARecord) as info:
            Record.open(record_file, clock=clock, read_only=read_only)
        message = str(info.value)
        assert "is damaged" in message and "restore it from a backup" in message
        assert "\n" not in message
    assert record_file.read_bytes() == before
    assert sorted(p.name for p in record_file.parent.iterdir()) == ["family.sqlite"]


def test_damage_then_quarantine_then_the_newest_good_backup(record_file: Path) -> None:
    """Zotero's way: move the damaged file aside, offer the newest backup that verifies."""
    with Record.open(record_file, clock=clock) as rec:
        good = make_backup(rec, DAILY, clock)
    later = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)
    with Record.open(record_file, clock=lambda: later) as rec:
        spoiled = make_backup(rec, DAILY, lambda: later)
    spoiled.path.write_bytes(flip_in(spoiled.path, b"count-note-0001", 12).read_bytes())
    zero_page(record_file, 5)
    assert newest_verified_backup(record_file) is not None
    offered = newest_verified_backup(record_file)
    assert offered is not None and offered.path == good.path  # the newer one is spoiled
    moved = quarantine(record_file)
    assert moved.name == "family.sqlite.damaged" and not record_file.exists()
    restore(record_file, offered.path, clock)
    assert check_record(record_file) == []


# ---------------------------------------------------------------------- the check command


def test_check_command_names_the_changed_entry_and_offers_a_backup(record_file: Path) -> None:
    code, out, _ = run("check", "--db", str(record_file))
    assert code == 0 and "every entry's check mark" in out  # the control
    with Record.open(record_file, clock=clock) as rec:
        good = make_backup(rec, DAILY, clock)
    flipped = flip_in(record_file, b"count-note-0006", 12)
    shutil.copyfile(flipped, record_file)
    code, out, err = run("check", "--db", str(record_file))
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith(
        "problem: a blood count of 2026-05-06 was changed outside the program"
    )
    assert str(good.path) in lines[-1]
    assert "treatment-tracker restore --db" in lines[-1]


def test_check_command_reports_structural_damage(record_file: Path) -> None:
    zero_page(record_file, 5)
    code, _, err = run("check", "--db", str(record_file))
    assert code == 1
    assert "problem:" in err
