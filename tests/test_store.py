"""The record store: file settings, each kind of row saved/read/edited/deleted, and undo.

Plain pytest, no Qt.  A clock that moves only when told lets ``created_at`` and
``updated_at`` be told apart; table dumps taken through a separate read-only
connection prove that a refused save wrote nothing and that undo is exact.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from kind_samples import saved_sample

from tracker import visits
from tracker.analytes import analyte, parse_number, to_canonical
from tracker.forms import (
    appointment_from_form,
    parse_range,
    question_from_form,
    threshold_from_form,
)
from tracker.kinds import ALL_CHANGED, Changes, child_kinds
from tracker.kinds import tables as kind_tables
from tracker.model import (
    Child,
    CnsVisit,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    OtherResult,
    Phase,
    PhaseKind,
    RiskGroup,
    Sex,
)
from tracker.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    Deleted,
    Record,
    RecordError,
    ValidationFailed,
)

TODAY = dt.date(2026, 11, 24)
BIRTH = dt.date(2026, 1, 10)
Dump = dict[str, list[tuple[Any, ...]]]


class StepClock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: int = 60) -> None:
        self.now += dt.timedelta(seconds=seconds)


def dump(path: Path) -> Dump:
    """Every row of every table, through a separate read-only connection."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in kind_tables()}
    finally:
        conn.close()


def rows(path: Path, table: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        conn.close()


def count_value(code: str, text: str, unit: str, range_text: str = "") -> CountValue:
    parsed = parse_number(text)
    low, high = parse_range(range_text) if range_text else (None, None)
    return CountValue(
        analyte=code,
        value_text=text,
        unit=unit,
        value=parsed.value,
        normalised_value=to_canonical(code, parsed.value, unit),
        canonical_unit=analyte(code).canonical_unit,
        comparator=parsed.comparator,
        range_text=range_text,
        range_low=low,
        range_high=high,
    )


@dataclass
class Saved:
    child: Child
    prophase: Phase
    induction: Phase
    mrd: Milestone
    count: CountResult
    visit: CnsVisit
    diagnostic_lp: CnsVisit


@pytest.fixture
def clock() -> StepClock:
    return StepClock(dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC))


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "family.sqlite"


@pytest.fixture
def rec(path: Path, clock: StepClock) -> Iterator[Record]:
    r = Record.open(path, create=True, clock=clock)
    yield r
    r.close()


def new_child(**kw: Any) -> Child:
    base: dict[str, Any] = {
        "name": "Mila",
        "birth_date": BIRTH,
        "sex": Sex.FEMALE,
        "diagnosis_date": dt.date(2026, 5, 12),
    }
    base.update(kw)
    return Child(**base)


def populate(rec: Record) -> Saved:
    child, _ = rec.save(new_child(notes="Loves the blue giraffe 🦒 · שלום · مرحبا"))
    assert child.id is not None
    prophase, _ = rec.save(
        Phase(
            child.id,
            PhaseKind.PROPHASE,
            actual_start=dt.date(2026, 5, 13),
            actual_end=dt.date(2026, 5, 19),
        )
    )
    induction, _ = rec.save(
        Phase(child.id, PhaseKind.INDUCTION, name="Induction IA", actual_start=dt.date(2026, 5, 20))
    )
    mrd, _ = rec.save(
        Milestone(
            child.id,
            dt.date(2026, 6, 22),
            MilestoneKind.MRD_RESULT,
            mrd=Mrd("0.01%", 1e-4, MrdQualifier.QUANTIFIED, MrdMethod.PCR_KMT2A, MrdSample.MARROW),
        )
    )
    count, _ = rec.save(
        CountResult(
            child.id,
            dt.date(2026, 6, 1),
            dt.time(8, 15),
            source="Ward 5",
            values=(
                count_value("wbc", "3,4", "×10⁹/L", "5.0-19.5"),
                count_value("hgb", "8.2", "g/dL"),
                count_value("plt", "45", "K/µL", "150-450"),
            ),
            others=(OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150", lab_comment="ok"),),
        )
    )
    assert prophase.id is not None
    visit, _ = rec.save(
        CnsVisit(
            child.id,
            dt.date(2026, 5, 13),
            phase_id=prophase.id,
            it_drugs=(
                ItDose(ItDrug.METHOTREXATE, "6 mg"),
                ItDose(ItDrug.CYTARABINE, "15 mg"),
                ItDose(ItDrug.PREDNISOLONE, "4 mg"),
            ),
            csf_wbc=2,
            platelets=60,
        )
    )
    diagnostic_lp, _ = rec.save(
        CnsVisit(child.id, dt.date(2026, 5, 12), procedure=LpProcedure.DIAGNOSTIC_LP)
    )
    rec.save(
        threshold_from_form(
            {"analyte": "plt", "purpose": "transfusion", "value_text": "20", "unit": "×10⁹/L"},
            child=child,
        )
    )
    rec.save(appointment_from_form({"date": "2026-11-25", "with_whom": "Dr. A"}, child=child))
    series = appointment_from_form(
        {"date": "2026-11-24", "repeat": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"}, child=child
    )
    rec.save(visits.cancelled(series, dt.date(2026, 12, 8)))
    rec.save(question_from_form({"text": "When is the next LP?"}, child=child, today=TODAY))
    linked: dict[str, int | None] = {"phase": induction.id}
    for kind in child_kinds():  # a kind added later: its example (tests/kind_samples.py)
        if not rec.entries(kind.model, child.id):
            day = dt.date(2026, 6, 2)
            entry = saved_sample(lambda e: rec.save(e)[0], kind.key, child, day, linked)
            linked.setdefault(kind.key, rec.save(entry)[0].id)  # one plan for the dose
    return Saved(child, prophase, induction, mrd, count, visit, diagnostic_lp)


@pytest.fixture
def saved(rec: Record) -> Saved:
    return populate(rec)


# ---------------------------------------------------------------------- files and settings


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_record_file_is_private(rec: Record, path: Path) -> None:
    assert mode(path) == 0o600


def test_new_record_file_is_private_even_with_a_permissive_umask(
    tmp_path: Path, clock: StepClock
) -> None:
    old = os.umask(0)
    try:
        with Record.open(tmp_path / "open.sqlite", create=True, clock=clock):
            pass
    finally:
        os.umask(old)
    assert mode(tmp_path / "open.sqlite") == 0o600


def test_missing_folder_is_created_private(tmp_path: Path, clock: StepClock) -> None:
    target = tmp_path / "records" / "family.sqlite"
    with Record.open(target, create=True, clock=clock):
        pass
    assert mode(target.parent) == 0o700
    assert mode(target) == 0o600


def test_journal_is_private_too(rec: Record, path: Path, saved: Saved) -> None:
    """SQLite gives the rollback journal the database file's permissions."""
    conn = rec.connection
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE child SET notes = ? WHERE id = ?", ("x" * 5000, saved.child.id))
        journal = path.with_name(path.name + "-journal")
        assert journal.exists()
        assert mode(journal) == 0o600
    finally:
        conn.execute("ROLLBACK")
    assert not journal.exists()


def test_no_journal_left_beside_the_record(rec: Record, path: Path, saved: Saved) -> None:
    # only the one-writer lock while the record is open, and nothing once it is closed
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, f"{path.name}.lock"]
    rec.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_open_close_and_reopen_keeps_data(path: Path, clock: StepClock) -> None:
    with Record.open(path, create=True, clock=clock) as rec:
        child, _ = rec.save(new_child())
    with pytest.raises(sqlite3.ProgrammingError):
        rec.connection.execute("SELECT 1")  # closed by the with block
    again = Record.open(path, clock=clock)
    try:
        assert again.children() == [child]
    finally:
        again.close()


def test_create_refuses_an_existing_file(rec: Record, path: Path, clock: StepClock) -> None:
    before = path.read_bytes()
    with pytest.raises(RecordError, match="already exists"):
        Record.create(path, clock=clock)
    assert path.read_bytes() == before


def test_create_makes_a_new_record(tmp_path: Path, clock: StepClock) -> None:
    with Record.create(tmp_path / "new.sqlite", clock=clock) as rec:
        assert rec.children() == []
        assert rec.problems() == []


@pytest.mark.parametrize("reopen", [False, True], ids=["new", "reopened"])
def test_connection_settings(path: Path, clock: StepClock, reopen: bool) -> None:
    rec = Record.open(path, create=True, clock=clock)
    if reopen:
        rec.close()
        rec = Record.open(path, clock=clock)
    try:
        conn = rec.connection
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.isolation_level is None
    finally:
        rec.close()


def test_every_table_has_uid_and_timestamps(rec: Record) -> None:
    conn = rec.connection
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert tables == {*kind_tables(), "meta"}  # meta: the record's own small facts, no uid
    for table in kind_tables():
        columns = {r[1]: r for r in conn.execute(f"PRAGMA table_info({table})")}
        for name in ("id", "uid", "created_at", "updated_at", "checksum"):
            assert name in columns, f"{table} has no {name}"
        for name in ("uid", "created_at", "updated_at"):
            assert columns[name][3] == 1, f"{table}.{name} may be NULL"


def test_every_saved_row_has_a_uuid_and_utc_timestamps(
    rec: Record, path: Path, saved: Saved
) -> None:
    seen: set[str] = set()
    for table in kind_tables():
        found = rows(path, table)
        assert found, f"populate() saved nothing in {table}"
        for row in found:
            assert len(row["uid"]) == 36
            assert str(uuid.UUID(row["uid"])) == row["uid"]
            assert row["uid"] not in seen
            seen.add(row["uid"])
            assert row["created_at"] == "2026-11-24T09:30:00Z"
            assert row["updated_at"] == row["created_at"]


def test_uid_exists(rec: Record, saved: Saved) -> None:
    assert rec.uid_exists("child", saved.child.uid)
    assert not rec.uid_exists("phase", saved.child.uid)
    with pytest.raises(ValueError):
        rec.uid_exists("sqlite_master", saved.child.uid)


def test_given_uid_is_kept(rec: Record) -> None:
    uid = "0b5b2d4e-5c6e-4f0a-9a3e-2f1d8c7b6a59"
    child, _ = rec.save(new_child(uid=uid))
    assert child.uid == uid
    assert rec.child(child.id or 0).uid == uid


def test_edit_changes_updated_at_only(
    rec: Record, path: Path, clock: StepClock, saved: Saved
) -> None:
    before = {t: rows(path, t) for t in ("child", "phase", "milestone", "count_result")}
    clock.advance(3600)
    rec.save(replace(saved.child, hospital="Princess Máxima Center"))
    rec.save(replace(saved.induction, notes="day 8: good response"))
    rec.save(replace(saved.mrd, notes="sent to the reference lab"))
    rec.save(replace(saved.count, note="haemolysed, repeated"))
    for table, old_rows in before.items():
        new_rows = rows(path, table)
        assert len(new_rows) == len(old_rows)
        edited = {
            "child": saved.child.id,
            "phase": saved.induction.id,
            "milestone": saved.mrd.id,
            "count_result": saved.count.id,
        }[table]
        for old, new in zip(old_rows, new_rows, strict=True):
            assert new["uid"] == old["uid"]
            assert new["created_at"] == old["created_at"]
            if new["id"] == edited:
                assert new["updated_at"] == "2026-11-24T10:30:00Z"
            else:
                assert new["updated_at"] == old["updated_at"]


# ---------------------------------------------------------------------- children


def test_child_save_list_edit_delete(rec: Record) -> None:
    child, changes = rec.save(
        new_child(risk_group=RiskGroup.OTHER, risk_group_text="Interfant-21 MR")
    )
    assert changes == Changes.of(Child)
    assert child.id is not None and child.uid
    assert rec.children() == [child]
    assert rec.child(child.id) == child

    second, _ = rec.save(new_child(name="Noor", birth_date=dt.date(2025, 12, 1)))
    assert rec.children() == [child, second]

    edited, changes = rec.save(replace(child, name="Mila Rose"))
    assert changes == Changes.of(Child)
    assert edited.id == child.id and edited.uid == child.uid
    assert rec.child(child.id).name == "Mila Rose"

    deleted = rec.delete(Child, child.id)
    assert deleted.changes == ALL_CHANGED
    assert "Mila Rose" in deleted.description
    assert rec.children() == [second]
    with pytest.raises(KeyError):
        rec.child(child.id)


def test_name_is_stored_trimmed(rec: Record) -> None:
    child, _ = rec.save(new_child(name="  Mila  "))
    assert rec.child(child.id or 0).name == "Mila"


def test_text_round_trips_exactly(rec: Record) -> None:
    notes = "Bravest 🦁👶🏽 — ‏שלום‎ / ‏مرحبا بك‎ — line\nbreak\ttab — “quotes” — NUL-free"
    child, _ = rec.save(new_child(notes=notes, team_contacts="Dr. Ünal ☎ 020-555"))
    back = rec.child(child.id or 0)
    assert back.notes == notes
    assert back.team_contacts == "Dr. Ünal ☎ 020-555"


# ---------------------------------------------------------------------- phases


def test_phase_save_list_edit_delete(rec: Record, saved: Saved) -> None:
    cid = saved.child.id or 0
    assert rec.entries(Phase, cid) == [saved.prophase, saved.induction]  # ordered by start
    later, changes = rec.save(
        Phase(cid, PhaseKind.CONSOLIDATION, planned_start=dt.date(2026, 12, 1))
    )
    assert changes == Changes.of(Phase)
    assert rec.entries(Phase, cid)[-1] == later
    assert rec.entry(Phase, later.id or 0) == later

    edited, _ = rec.save(replace(later, planned_end=dt.date(2027, 1, 5), name="IB"))
    assert rec.entry(Phase, later.id or 0) == edited
    assert edited.display_name == "IB"

    deleted = rec.delete(Phase, later.id or 0)
    assert deleted.changes == Changes.of(Phase, CnsVisit)
    assert later not in rec.entries(Phase, cid)
    with pytest.raises(KeyError):
        rec.entry(Phase, later.id or 0)


def test_phase_for_unknown_child_is_refused(rec: Record, path: Path) -> None:
    before = dump(path)
    with pytest.raises(KeyError):
        rec.save(Phase(999, PhaseKind.INDUCTION, actual_start=dt.date(2026, 5, 1)))
    assert dump(path) == before


# ---------------------------------------------------------------------- milestones


def test_milestone_with_mrd_round_trips(rec: Record, saved: Saved) -> None:
    cid = saved.child.id or 0
    back = rec.entry(Milestone, saved.mrd.id or 0)
    assert back == saved.mrd
    assert back.mrd == Mrd(
        "0.01%", 1e-4, MrdQualifier.QUANTIFIED, MrdMethod.PCR_KMT2A, MrdSample.MARROW
    )
    negative, changes = rec.save(
        Milestone(
            cid,
            dt.date(2026, 9, 1),
            MilestoneKind.MRD_RESULT,
            mrd=Mrd(qualifier=MrdQualifier.NEGATIVE, method=MrdMethod.FLOW),
        )
    )
    assert changes == Changes.of(Milestone)
    assert rec.entry(Milestone, negative.id or 0).mrd == Mrd(
        qualifier=MrdQualifier.NEGATIVE, method=MrdMethod.FLOW
    )
    plain, _ = rec.save(
        Milestone(cid, dt.date(2026, 6, 24), MilestoneKind.REMISSION, result_text="CR")
    )
    assert rec.entry(Milestone, plain.id or 0).mrd is None
    planned, _ = rec.save(
        Milestone(cid, dt.date(2027, 1, 10), MilestoneKind.MARROW_CHECK, planned=True)
    )
    assert [m.id for m in rec.entries(Milestone, cid)] == [
        saved.mrd.id,
        plain.id,
        negative.id,
        planned.id,
    ]  # by date


def test_milestone_edit_and_delete(rec: Record, saved: Saved) -> None:
    cid = saved.child.id or 0
    assert saved.mrd.mrd is not None
    edited, _ = rec.save(
        replace(saved.mrd, mrd=replace(saved.mrd.mrd, entered="5x10^-4", fraction=5e-4))
    )
    assert rec.entry(Milestone, saved.mrd.id or 0) == edited
    deleted = rec.delete(Milestone, saved.mrd.id or 0)
    assert deleted.changes == Changes.of(Milestone)
    assert "2026-06-22" in deleted.description
    assert rec.entries(Milestone, cid) == []


# ---------------------------------------------------------------------- counts


def test_count_round_trips(rec: Record, saved: Saved) -> None:
    back = rec.entry(CountResult, saved.count.id or 0)
    assert back == saved.count
    assert rec.counts(saved.child.id or 0) == [saved.count]
    wbc = back.value("wbc")
    assert wbc is not None
    assert (wbc.value_text, wbc.unit, wbc.value, wbc.normalised_value) == (
        "3,4",
        "×10⁹/L",
        3.4,
        3.4,
    )
    assert (wbc.range_low, wbc.range_high) == (5.0, 19.5)
    hgb = back.value("hgb")
    assert hgb is not None and hgb.normalised_value == pytest.approx(82.0)
    assert all(v.uid for v in back.values)


def test_count_edit_replaces_values_and_keeps_uid_per_analyte(
    rec: Record, path: Path, saved: Saved
) -> None:
    old_rows = {r["analyte"]: r for r in rows(path, "count_value")}
    new_values = (
        count_value("hgb", "9.1", "g/dL"),  # changed value, same analyte
        count_value("wbc", "3,4", "×10⁹/L", "5.0-19.5"),  # unchanged
        count_value("anc", "<0.1", "×10⁹/L"),  # new analyte; plt removed
    )
    edited, changes = rec.save(replace(saved.count, values=new_values))
    assert changes == Changes.of(CountResult)
    back = rec.entry(CountResult, saved.count.id or 0)
    assert replace(back, values=()) == replace(edited, values=())
    # read back in stored order (by value id), so compare per analyte
    assert {v.analyte: v for v in back.values} == {v.analyte: v for v in edited.values}
    assert {v.analyte for v in back.values} == {"hgb", "wbc", "anc"}
    now_rows = {r["analyte"]: r for r in rows(path, "count_value")}
    assert set(now_rows) == {"hgb", "wbc", "anc"}
    for code in ("hgb", "wbc"):
        assert now_rows[code]["uid"] == old_rows[code]["uid"]
        assert now_rows[code]["id"] == old_rows[code]["id"]
    assert now_rows["hgb"]["value"] == 9.1
    assert now_rows["anc"]["uid"] not in {r["uid"] for r in old_rows.values()}
    assert now_rows["anc"]["comparator"] == "<"
    anc = back.value("anc")
    assert anc is not None and anc.comparator.value == "<"


def test_count_ordering_and_delete(rec: Record, saved: Saved) -> None:
    cid = saved.child.id or 0
    earlier, _ = rec.save(
        CountResult(
            cid, dt.date(2026, 6, 1), dt.time(6, 0), values=(count_value("plt", "40", "K/µL"),)
        )
    )
    no_time, _ = rec.save(
        CountResult(cid, dt.date(2026, 6, 1), values=(count_value("plt", "38", "K/µL"),))
    )
    assert [c.id for c in rec.counts(cid)] == [no_time.id, earlier.id, saved.count.id]
    deleted = rec.delete(CountResult, earlier.id or 0)
    assert deleted.changes == Changes.of(CountResult)
    assert [c.id for c in rec.counts(cid)] == [no_time.id, saved.count.id]
    with pytest.raises(KeyError):
        rec.entry(CountResult, earlier.id or 0)


# ---------------------------------------------------------------------- CNS visits


def test_cns_visit_round_trips_with_drugs(rec: Record, saved: Saved) -> None:
    back = rec.entry(CnsVisit, saved.visit.id or 0)
    assert back == saved.visit
    assert [d.drug for d in back.it_drugs] == [
        ItDrug.METHOTREXATE,
        ItDrug.CYTARABINE,
        ItDrug.PREDNISOLONE,
    ]
    assert back.phase_id == saved.prophase.id
    assert rec.entries(CnsVisit, saved.child.id or 0) == [saved.diagnostic_lp, saved.visit]


def test_cns_visit_edit_replaces_drugs_and_keeps_uid_per_drug(
    rec: Record, path: Path, saved: Saved
) -> None:
    old = {r["drug"]: r["uid"] for r in rows(path, "cns_it_drug")}
    edited, changes = rec.save(
        replace(
            saved.visit,
            it_drugs=(
                ItDose(ItDrug.METHOTREXATE, "8 mg"),
                ItDose(ItDrug.HYDROCORTISONE, "8 mg"),
            ),
        )
    )
    assert changes == Changes.of(CnsVisit)
    assert rec.entry(CnsVisit, saved.visit.id or 0) == edited
    now = {r["drug"]: r for r in rows(path, "cns_it_drug")}
    assert set(now) == {"methotrexate", "hydrocortisone"}
    assert now["methotrexate"]["uid"] == old["methotrexate"]
    assert now["methotrexate"]["dose_text"] == "8 mg"
    assert now["hydrocortisone"]["uid"] not in old.values()


def test_cns_visit_delete(rec: Record, saved: Saved) -> None:
    deleted = rec.delete(CnsVisit, saved.visit.id or 0)
    assert deleted.changes == Changes.of(CnsVisit)
    assert "2026-05-13" in deleted.description
    assert rec.entries(CnsVisit, saved.child.id or 0) == [saved.diagnostic_lp]


def test_cns_visit_with_another_childs_phase_is_refused(
    rec: Record, path: Path, saved: Saved
) -> None:
    other, _ = rec.save(new_child(name="Noor"))
    before = dump(path)
    with pytest.raises(ValidationFailed) as info:
        rec.save(CnsVisit(other.id or 0, dt.date(2026, 6, 1), phase_id=saved.prophase.id))
    assert "phase_id" in info.value.errors
    with pytest.raises(ValidationFailed):
        rec.save(CnsVisit(other.id or 0, dt.date(2026, 6, 1), phase_id=12345))
    assert dump(path) == before


# ---------------------------------------------------------------------- delete and undo


DELETES: dict[str, Callable[[Record, Saved], Deleted]] = {
    "child": lambda rec, s: rec.delete(Child, s.child.id or 0),
    "phase": lambda rec, s: rec.delete(Phase, s.prophase.id or 0),
    "milestone": lambda rec, s: rec.delete(Milestone, s.mrd.id or 0),
    "count": lambda rec, s: rec.delete(CountResult, s.count.id or 0),
    "cns_visit": lambda rec, s: rec.delete(CnsVisit, s.visit.id or 0),
}


@pytest.mark.parametrize("kind", list(DELETES))
def test_undelete_restores_identical_rows(
    rec: Record, path: Path, clock: StepClock, saved: Saved, kind: str
) -> None:
    rec.save(new_child(name="Noor"))  # a second child must be left alone
    before = dump(path)
    clock.advance(600)
    deleted = DELETES[kind](rec, saved)
    after_delete = dump(path)
    assert after_delete != before
    changes = rec.undelete(deleted)
    assert changes == deleted.changes
    assert dump(path) == before
    assert rec.problems() == []


def test_child_delete_cascades_everything(rec: Record, path: Path, saved: Saved) -> None:
    other, _ = rec.save(new_child(name="Noor"))
    deleted = rec.delete(Child, saved.child.id or 0)
    after = dump(path)
    assert [r[0] for r in after["child"]] == [other.id]
    for table in kind_tables()[1:]:
        assert after[table] == [], f"{table} kept rows of a deleted child"
    saved_tables = {table for table, _ in deleted.rows}
    assert saved_tables == set(kind_tables())
    # parents come before children so that undo can re-insert in order
    order = [kind_tables().index(table) for table, _ in deleted.rows]
    assert order == sorted(order)


def test_phase_delete_unlinks_and_undo_relinks(rec: Record, path: Path, saved: Saved) -> None:
    deleted = rec.delete(Phase, saved.prophase.id or 0)
    assert rec.entry(CnsVisit, saved.visit.id or 0).phase_id is None
    assert deleted.unlinked == (("cns_visit", saved.visit.id, "phase_id", saved.prophase.id),)
    assert len(rows(path, "cns_visit")) == 2  # the visit itself stays
    rec.undelete(deleted)
    assert rec.entry(CnsVisit, saved.visit.id or 0).phase_id == saved.prophase.id


def test_count_delete_removes_its_values(rec: Record, path: Path, saved: Saved) -> None:
    deleted = rec.delete(CountResult, saved.count.id or 0)
    assert rows(path, "count_value") == []
    assert rows(path, "count_other") == []
    assert sorted(t for t, _ in deleted.rows) == [
        "count_other",
        "count_result",
        *["count_value"] * 3,
    ]


# ---------------------------------------------------------------------- refusals


def test_count_before_birth_writes_nothing(rec: Record, path: Path, saved: Saved) -> None:
    before = dump(path)
    with pytest.raises(ValidationFailed) as info:
        rec.save(
            CountResult(
                saved.child.id or 0,
                BIRTH - dt.timedelta(days=1),
                values=(count_value("plt", "45", "K/µL"),),
            )
        )
    assert "taken_date" in info.value.errors
    assert "before" in info.value.errors["taken_date"]
    assert dump(path) == before


def test_invalid_edit_writes_nothing(rec: Record, path: Path, saved: Saved) -> None:
    before = dump(path)
    bad_hb = replace(count_value("hgb", "8.2", "g/dL"), value=150.0, normalised_value=1500.0)
    attempts = [
        lambda: rec.save(replace(saved.count, values=(bad_hb,))),
        lambda: rec.save(replace(saved.count, values=(), others=())),
        lambda: rec.save(replace(saved.count, others=(OtherResult(" ", "5"),))),
        lambda: rec.save(replace(saved.count, others=(OtherResult("CRP test", " "),))),
        lambda: rec.save(replace(saved.induction, actual_end=dt.date(2026, 5, 1))),
        lambda: rec.save(replace(saved.mrd, date=dt.date(2027, 1, 1))),
        lambda: rec.save(replace(saved.child, name="  ")),
        lambda: rec.save(replace(saved.child, diagnosis_date=dt.date(2025, 1, 1))),
        lambda: rec.save(
            replace(saved.visit, it_drugs=(ItDose("vincristine"),))  # type: ignore[arg-type]
        ),
        lambda: rec.save(replace(saved.visit, procedure=LpProcedure.DIAGNOSTIC_LP)),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as info:
            attempt()
        assert info.value.errors
        assert str(info.value)
    assert dump(path) == before


def test_edit_of_a_deleted_row_writes_nothing(rec: Record, path: Path, saved: Saved) -> None:
    rec.delete(Milestone, saved.mrd.id or 0)
    before = dump(path)
    with pytest.raises(KeyError):
        rec.save(replace(saved.mrd, notes="edited elsewhere"))
    assert dump(path) == before


def test_birth_date_after_an_existing_count_is_refused(
    rec: Record, path: Path, saved: Saved
) -> None:
    rec.delete(CnsVisit, saved.diagnostic_lp.id or 0)
    rec.delete(CnsVisit, saved.visit.id or 0)
    rec.delete(Phase, saved.prophase.id or 0)
    rec.delete(Phase, saved.induction.id or 0)
    rec.delete(Milestone, saved.mrd.id or 0)
    before = dump(path)
    with pytest.raises(ValidationFailed) as info:
        rec.save(replace(saved.child, birth_date=dt.date(2026, 6, 2), diagnosis_date=None))
    assert "2026-06-01" in info.value.errors["birth_date"]  # names the count's date
    assert dump(path) == before
    moved, _ = rec.save(replace(saved.child, birth_date=dt.date(2026, 6, 1), diagnosis_date=None))
    assert rec.child(moved.id or 0).birth_date == dt.date(2026, 6, 1)


@pytest.mark.parametrize("what", ["milestone", "cns_visit", "phase"])
def test_birth_date_after_other_events_is_refused(
    rec: Record, path: Path, saved: Saved, what: str
) -> None:
    cid = saved.child.id or 0
    fresh, _ = rec.save(new_child(name="Noor", diagnosis_date=None))
    fid = fresh.id or 0
    if what == "milestone":
        rec.save(Milestone(fid, dt.date(2026, 3, 1), MilestoneKind.OTHER))
    elif what == "cns_visit":
        rec.save(CnsVisit(fid, dt.date(2026, 3, 1), LpProcedure.DIAGNOSTIC_LP))
    else:
        # planned earlier than it actually started: the planned date counts too
        rec.save(
            Phase(
                fid,
                PhaseKind.INDUCTION,
                planned_start=dt.date(2026, 3, 1),
                actual_start=dt.date(2026, 3, 9),
            )
        )
    assert cid != fid
    before = dump(path)
    with pytest.raises(ValidationFailed) as info:
        rec.save(replace(fresh, birth_date=dt.date(2026, 3, 5)))
    assert "2026-03-01" in info.value.errors["birth_date"]
    assert dump(path) == before


# ---------------------------------------------------------------------- problems()


def test_problems_empty_on_a_good_record(rec: Record, saved: Saved) -> None:
    assert rec.problems() == []


def test_problems_reports_an_orphan(rec: Record, path: Path, saved: Saved) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(
            "INSERT INTO milestone (uid, created_at, updated_at, child_id, date, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                "2026-11-24T09:30:00Z",
                "2026-11-24T09:30:00Z",
                999,
                "2026-06-01",
                "other",
            ),
        )
    finally:
        raw.close()
    found = rec.problems()
    assert found
    assert any("milestone" in p and "child" in p for p in found)


def test_problems_reports_a_wrong_version_and_mark(rec: Record, path: Path) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        raw.execute("PRAGMA application_id = 7")
    finally:
        raw.close()
    found = rec.problems()
    assert any("format" in p for p in found)
    assert any("program mark" in p for p in found)
