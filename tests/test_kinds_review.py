"""The independent review of the kind registry (issue 10), kept as tests: each of these
failed on the first version of the registry, or shows what was checked and found sound
(the same export bytes whatever order entries were typed in, delete and undo, links).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from kind_samples import LINKED_TO, SAMPLES

from tracker.io.json_export import dumps, export_record
from tracker.io.json_import import JsonImportError, load_into_new_record, read_export
from tracker.kinds import kind_of, tables
from tracker.model import Child, CnsVisit, CountResult, ItDose, ItDrug, Phase, TeamThreshold
from tracker.store import Record, schema
from tracker.store.files import APPLICATION_ID

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
DATA = Path(__file__).parent / "data"


def _clock() -> dt.datetime:
    return NOW


def _dump(rec: Record) -> dict[str, list[tuple[Any, ...]]]:
    c = rec.connection
    return {t: [tuple(r) for r in c.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables()}


def _filled(path: Path, reverse: bool = False) -> Record:
    """A record with one entry of every kind (fixed uids), entered in one order or the other."""
    rec = Record.open(path, create=True, clock=_clock)
    child, _ = rec.save(
        Child(
            name="Mila",
            birth_date=dt.date(2026, 1, 10),
            uid="c" * 8 + "-0000-4000-8000-" + "0" * 12,
        )
    )
    phase, _ = rec.save(replace(SAMPLES["phase"](child, None, dt.date(2026, 5, 13)), uid=_u(1)))
    plan, _ = rec.save(
        replace(SAMPLES["medicine_plan"](child, None, dt.date(2026, 5, 20)), uid=_u(2))
    )
    linked = {"phase": phase.id, "medicine_plan": plan.id}
    entries = []
    n = 10
    for key, make in SAMPLES.items():
        if key == "phase":
            continue
        for i, day in enumerate((dt.date(2026, 6, 1), dt.date(2026, 6, 1), dt.date(2026, 6, 2))):
            if key == "dose" and i == 1:
                day = dt.date(2026, 6, 3)  # one log per due dose: another day's
            e = make(child, linked.get(LINKED_TO.get(key, "phase")), day)
            if key in ("threshold", "fever_rule") and day != dt.date(2026, 6, 2):  # one a day
                continue
            if key == "medicine_plan":  # one plan of a medicine at a time: another one's
                if day != dt.date(2026, 6, 2):
                    continue
                e = replace(e, drug="co-trimoxazole")
            n += 1
            e = replace(e, uid=_u(n))
            for j, f in enumerate(kind_of(e).rows_fields):  # every row a fixed uid
                rows = getattr(e, f.name)
                e = replace(
                    e,
                    **{
                        f.name: tuple(
                            replace(r, uid=_u(n * 1000 + j * 100 + i)) for i, r in enumerate(rows)
                        )
                    },
                )
            entries.append(e)
    if reverse:
        entries.reverse()
        entries = [_reverse_rows(e) for e in entries]
    for e in entries:
        rec.save(e)
    return rec


def _reverse_rows(e: Any) -> Any:
    for f in kind_of(e).rows_fields:
        e = replace(e, **{f.name: tuple(reversed(getattr(e, f.name)))})
    return e


def _u(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


# ---------------------------------------------------------------------- sound


def test_export_same_bytes_whatever_order_entries_were_typed(tmp_path: Path) -> None:
    a = _filled(tmp_path / "a.sqlite")
    b = _filled(tmp_path / "b.sqlite", reverse=True)
    b.take_record_uid(a.record_uid or "")
    assert _dump(a) != _dump(b)  # row ids differ between the two computers
    assert dumps(export_record(a, NOW)) == dumps(export_record(b, NOW))


def test_delete_phase_and_undo_relinks_visits_with_their_seals(tmp_path: Path) -> None:
    rec = _filled(tmp_path / "r.sqlite")
    before = _dump(rec)
    phase = rec.entries(Phase, 1)[0]
    deleted = rec.delete(Phase, phase.id)  # type: ignore[arg-type]
    assert all(v.phase_id is None for v in rec.entries(CnsVisit, 1))
    assert rec.problems() == []
    rec.undelete(deleted)
    assert _dump(rec) == before
    assert rec.problems() == []


def test_delete_child_and_undo_restores_every_row(tmp_path: Path) -> None:
    rec = _filled(tmp_path / "r.sqlite")
    before = _dump(rec)
    deleted = rec.delete(Child, 1)
    assert rec.is_empty()
    rec.undelete(deleted)
    assert _dump(rec) == before
    assert rec.problems() == []


def test_edit_of_one_row_value_is_saved_and_unchanged_edit_skipped(tmp_path: Path) -> None:
    rec = _filled(tmp_path / "r.sqlite")
    count = rec.entries(CountResult, 1)[0]
    _, nothing = rec.save(count)
    assert not nothing.any
    v = count.values[0]
    edited = replace(
        count,
        values=(replace(v, range_text="4-11", range_low=4.0, range_high=11.0), *count.values[1:]),
    )
    saved, changes = rec.save(edited)
    assert changes.any
    assert rec.entry(CountResult, count.id).values[0].range_low == 4.0  # type: ignore[arg-type]
    assert [x.uid for x in saved.values] == [x.uid for x in count.values]  # uids kept


def test_dose_text_change_only_is_saved(tmp_path: Path) -> None:
    rec = _filled(tmp_path / "r.sqlite")
    visit = rec.entries(CnsVisit, 1)[0]
    doses = (ItDose(ItDrug.METHOTREXATE, "10 mg", visit.it_drugs[0].uid), *visit.it_drugs[1:])
    _, changes = rec.save(replace(visit, it_drugs=doses))
    assert changes.any
    assert rec.entry(CnsVisit, visit.id).it_drugs[0].dose_text == "10 mg"  # type: ignore[arg-type]


def test_link_to_another_childs_phase_refused(tmp_path: Path) -> None:
    rec = _filled(tmp_path / "r.sqlite")
    other, _ = rec.save(Child(name="Noa", birth_date=dt.date(2025, 1, 1)))
    visit = rec.entries(CnsVisit, 1)[0]
    from tracker.store.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="this child's phases"):
        rec.save(replace(visit, child_id=other.id))


# ---------------------------------------------------------------------- a new kind, old records


def test_a_new_kind_does_not_stop_older_records_from_upgrading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next issue adds a kind and a step creating its table.  Upgrading a family's
    record of today's format then reads the new table's seals *before* that step made it."""
    from throwaway_kind import TABLE_SQL, TEMPERATURE

    from tracker.kinds import register

    now = schema.SCHEMA_VERSION
    copy = tmp_path / f"v{now}.sqlite"
    shutil.copy(DATA / f"record-v{now}.sqlite", copy)

    def next_step(conn: sqlite3.Connection) -> None:
        conn.execute(TABLE_SQL)

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, next_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        with register(TEMPERATURE):
            schema.migrate(conn, now, APPLICATION_ID)  # was: no such table: temperature
        assert conn.execute("PRAGMA user_version").fetchone()[0] == now + 1
    finally:
        conn.close()


# ---------------------------------------------------------------------- the import


def _small_export(tmp_path: Path) -> dict[str, Any]:
    rec = _filled(tmp_path / "src.sqlite")
    return export_record(rec, NOW)


def _problems(doc: dict[str, Any]) -> list[str]:
    try:
        read_export(json.dumps(doc).encode(), TODAY)
    except JsonImportError as exc:
        return exc.problems
    return []


def test_import_still_runs_the_rules_of_an_entry_with_one_bad_field(tmp_path: Path) -> None:
    """5d769cd reported both problems in one pass; the generic reader only the first."""
    doc = _small_export(tmp_path)
    phase = doc["children"][0]["phases"][0]
    phase["kind"] = "inducton"
    phase["actual_start"] = "2026-12-20"
    found = _problems(doc)
    assert any("inducton" in p for p in found)
    assert any("in the future" in p for p in found), found


def test_an_unknown_key_inside_mrd_is_refused_not_dropped(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    milestone = doc["children"][0]["milestones"][0]
    milestone["mrd"]["lab_comment"] = "repeat in 4 weeks"
    found = _problems(doc)
    assert any("lab_comment" in p for p in found), "silently dropped"


def test_a_duplicate_threshold_in_a_file_names_the_first(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    thresholds = doc["children"][0]["team_thresholds"]
    thresholds.append(dict(thresholds[0], uid=_u(999)))
    found = _problems(doc)
    assert found and "edit that one instead" not in found[0], found
    assert "team_thresholds[0]" in found[0], found


def test_unknown_key_messages_use_the_right_article(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    doc["children"][0]["cns_visits"][0]["it_drugs"][0]["volume_ml"] = 6
    doc["children"][0]["appointments"][0]["room"] = "3"
    found = " | ".join(_problems(doc))
    assert "a intrathecal" not in found and "a appointment" not in found, found


def test_import_round_trip_of_every_kind(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    contents = read_export(json.dumps(doc).encode(), TODAY)
    new = load_into_new_record(tmp_path / "new.sqlite", contents, _clock)
    assert dumps(export_record(new, NOW)) == dumps(doc)
    assert len(new.entries(TeamThreshold, 1)) == 1


def test_a_backup_made_before_a_new_kind_still_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the next kind's step 4, every backup of format 3 is judged 'seals not ok'
    (changed_rows asks the registry's tables of a file that predates them)."""
    from throwaway_kind import TABLE_SQL, TEMPERATURE

    from tracker.kinds import register
    from tracker.store.backup_file import inspect

    now = schema.SCHEMA_VERSION
    copy = tmp_path / f"v{now}-backup.sqlite"
    shutil.copy(DATA / f"record-v{now}.sqlite", copy)
    assert inspect(copy)[1]["seals_ok"] is True

    def next_step(conn: sqlite3.Connection) -> None:
        conn.execute(TABLE_SQL)

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, next_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    with register(TEMPERATURE):
        problems, contents = inspect(copy)
    assert problems == [] and contents["seals_ok"] is True


def test_check_names_an_entry_before_birth_left_by_the_old_bug(tmp_path: Path) -> None:
    """A record where the old bug let the date of birth move after an appointment: check
    says nothing while its own JSON export can no longer be imported."""
    rec = _filled(tmp_path / "r.sqlite")
    conn = rec.connection
    conn.execute("UPDATE child SET birth_date = '2026-06-02' WHERE id = 1")  # as 5d769cd allowed
    from tracker.store import checksums

    checksums.reseal(conn, "child", 1)
    with pytest.raises(JsonImportError):
        read_export(dumps(export_record(rec, NOW)).encode(), TODAY)
    assert rec.problems() != [], "check reports nothing"


def test_no_messages_about_stand_in_values(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    v = doc["children"][0]["counts"][0]["values"][0]
    v["value"] = True  # JSON true where a number belongs
    found = _problems(doc)
    assert len(found) == 1, found  # 5d769cd: only "must be a number, not true/false"


def test_a_new_field_inside_mrd_changes_the_export_shape() -> None:
    """export_shape lists a Group's inner fields only for their choices, not their keys:
    adding one would not force a new export VERSION (and older readers drop it silently)."""
    from tracker.io.json_export import export_shape
    from tracker.kinds import MILESTONE
    from tracker.kinds.fields import Text

    before = export_shape()["milestone"]
    mrd = MILESTONE.field("mrd")
    grown = replace(mrd, fields=(*mrd.fields, Text("lab_comment")))  # type: ignore[attr-defined]
    fields = tuple(grown if f.name == "mrd" else f for f in MILESTONE.fields)
    object.__setattr__(MILESTONE, "fields", fields)
    try:
        assert export_shape()["milestone"] != before
    finally:
        object.__setattr__(
            MILESTONE, "fields", tuple(mrd if f.name == "mrd" else f for f in fields)
        )


# ---------------------------------------------------------------------- the walkthrough


def test_a_typed_value_marked_calculated_is_refused_not_dropped(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    doc["children"][0]["counts"][0]["values"][0]["calculated"] = True  # a typed WBC
    found = _problems(doc)
    assert any(".values[0].calculated" in p and "worked-out ANC" in p for p in found), found


def test_a_uid_is_used_once_in_the_whole_file(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    child = doc["children"][0]
    child["questions"][0]["uid"] = child["appointments"][0]["uid"]
    found = _problems(doc)
    assert any("questions[0].uid" in p and "used twice" in p for p in found), found
    doc = _small_export(tmp_path / "b")
    doc["record_uid"] = doc["children"][0]["uid"]
    assert any("used twice" in p for p in _problems(doc))


def test_exported_at_must_be_a_date_and_time(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    doc["exported_at"] = "yesterday"
    assert any("(exported_at)" in p and "yesterday" in p for p in _problems(doc))
    del doc["exported_at"]
    assert any("“exported_at” is missing" in p for p in _problems(doc))


def test_an_unknown_analyte_of_a_threshold_is_named_at_its_key(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    doc["children"][0]["team_thresholds"][0]["analyte"] = "platelets"
    found = _problems(doc)
    assert any("team_thresholds[0].analyte" in p and "“platelets”" in p for p in found), found


def test_moving_the_birth_date_names_what_is_in_the_way(tmp_path: Path) -> None:
    from tracker.store.errors import ValidationFailed

    rec = _filled(tmp_path / "r.sqlite")
    child = rec.child(1)
    with pytest.raises(ValidationFailed) as caught:
        rec.save(replace(child, birth_date=dt.date(2026, 6, 3)))
    message = caught.value.errors["birth_date"]
    assert "the phase" in message and "2026-05-13" in message, message


# ---------------------------------------------------------------------- the re-check


def test_an_entry_others_link_to_cannot_move_to_another_child(tmp_path: Path) -> None:
    from tracker.store.errors import ValidationFailed

    rec = _filled(tmp_path / "r.sqlite")
    noah, _ = rec.save(Child(name="Noah", birth_date=dt.date(2025, 1, 1)))
    phase = rec.entries(Phase, 1)[0]
    assert any(v.phase_id == phase.id for v in rec.entries(CnsVisit, 1))
    with pytest.raises(ValidationFailed) as caught:
        rec.save(replace(phase, child_id=noah.id))
    assert "lumbar puncture" in str(caught.value), caught.value
    assert rec.entry(Phase, phase.id).child_id == 1  # type: ignore[arg-type]


def test_check_names_a_link_to_another_childs_entry(tmp_path: Path) -> None:
    from tracker.store import checksums

    rec = _filled(tmp_path / "r.sqlite")
    noah, _ = rec.save(Child(name="Noah", birth_date=dt.date(2025, 1, 1)))
    phase = rec.entries(Phase, 1)[0]
    rec.connection.execute("UPDATE phase SET child_id = ? WHERE id = ?", (noah.id, phase.id))
    checksums.reseal(rec.connection, "phase", phase.id)  # as an old version could leave it
    found = rec.problems()
    assert any("linked to" in p and "another child" in p for p in found), found


def test_a_new_entry_cannot_take_a_uid_another_entry_has(tmp_path: Path) -> None:
    from tracker.model import Appointment, Question
    from tracker.store.errors import ValidationFailed

    rec = _filled(tmp_path / "r.sqlite")
    appointment = rec.entries(Appointment, 1)[0]
    with pytest.raises(ValidationFailed) as caught:
        rec.save(Question(1, dt.date(2026, 6, 1), "Again?", uid=appointment.uid))
    assert "uid" in caught.value.errors
    assert len(rec.entries(Question, 1)) == 3


def test_check_names_a_uid_used_by_two_entries(tmp_path: Path) -> None:
    from tracker.model import Appointment, Question
    from tracker.store import checksums

    rec = _filled(tmp_path / "r.sqlite")
    appointment = rec.entries(Appointment, 1)[0]
    question = rec.entries(Question, 1)[0]
    conn = rec.connection
    conn.execute("UPDATE question SET uid = ? WHERE id = ?", (appointment.uid, question.id))
    checksums.reseal(conn, "question", question.id)  # type: ignore[arg-type]
    found = rec.problems()
    assert any(appointment.uid in p and "more than one entry" in p for p in found), found


def test_a_record_uid_used_by_a_child_names_both_places(tmp_path: Path) -> None:
    doc = _small_export(tmp_path)
    doc["record_uid"] = doc["children"][0]["uid"]
    found = [p for p in _problems(doc) if "used twice" in p]
    assert found and all("(also at )" not in p for p in found), found
    assert any("record_uid" in p for p in found), found
