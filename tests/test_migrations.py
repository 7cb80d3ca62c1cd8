"""Schema migrations: old records open with every row intact, new ones run the whole chain.

Fixtures live in ``tests/data/record-v{N}.sqlite`` with a canonical dump beside
them; ``tests/data/make_fixtures.py`` writes the one for the current version.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import tracker.store.record as record_module
import tracker.store.schema as schema
from tracker import analytes
from tracker.kinds import tables as kind_tables
from tracker.model import CnsVisit, Milestone, Phase
from tracker.mrd import format_both
from tracker.store import APPLICATION_ID, SCHEMA_VERSION, Record, RecordError, TooNew
from tracker.store.backup import list_backups, restore
from tracker.store.backup_file import manifest_path, verify_backup
from tracker.store.schema import MIGRATIONS

DATA = Path(__file__).resolve().parent / "data"
STORE = Path(schema.__file__).resolve().parent
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def load_make_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fixtures = load_make_fixtures()
dump_tables: Callable[[Path], dict[str, Any]] = make_fixtures.dump_tables


def fixture_versions() -> list[int]:
    found = []
    for path in DATA.glob("record-v*.sqlite"):
        m = re.fullmatch(r"record-v(\d+)\.sqlite", path.name)
        if m:
            found.append(int(m.group(1)))
    return sorted(found)


def expected_dump(version: int) -> dict[str, Any]:
    return json.loads((DATA / f"record-v{version}.expected.json").read_text(encoding="utf-8"))


def copy_fixture(version: int, folder: Path) -> Path:
    target = folder / "family.sqlite"
    shutil.copyfile(DATA / f"record-v{version}.sqlite", target)
    target.chmod(0o600)
    return target


def assert_rows_intact(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """Every table, row and column of ``expected`` is in ``actual`` unchanged.

    Later versions may add tables and columns, and rows of the store's own facts (``meta``:
    format 3 gave every record an id and a save counter); they may not lose or change old
    ones.  A row's seal (``checksum``) covers all its columns, so a step that adds one
    re-seals the row.
    """
    for table, rows in expected["tables"].items():
        assert table in actual["tables"], f"table {table} is gone"
        now = {r["id"]: r for r in actual["tables"][table]}
        if table == "meta":
            assert {r["id"] for r in rows} <= set(now), "meta: rows lost"
        else:
            assert sorted(now) == [r["id"] for r in rows], f"{table}: rows added or lost"
        for row in rows:
            if table == "meta" and row["key"] == "saves":
                continue  # the save counter: every write transaction raises it
            for column, value in row.items():
                if column != "checksum":
                    assert now[row["id"]][column] == value, (table, row["id"], column)


# ---------------------------------------------------------------------- fixtures exist


def missing_fixtures(version: int) -> list[str]:
    wanted = (DATA / f"record-v{version}.sqlite", DATA / f"record-v{version}.expected.json")
    return [p.name for p in wanted if not p.is_file()]


def test_fixture_exists_for_the_current_schema_version() -> None:
    """Fails when SCHEMA_VERSION moves without a fixture: run tests/data/make_fixtures.py."""
    missing = missing_fixtures(SCHEMA_VERSION)
    assert missing == [], (
        f"missing {missing} in tests/data: run `python tests/data/make_fixtures.py` and commit "
        "both files"
    )


def test_fixture_check_would_catch_a_version_bump() -> None:
    """The control: a version with no fixture yet is reported."""
    assert missing_fixtures(SCHEMA_VERSION + 1) == [
        f"record-v{SCHEMA_VERSION + 1}.sqlite",
        f"record-v{SCHEMA_VERSION + 1}.expected.json",
    ]


def test_a_fixture_for_every_version() -> None:
    assert fixture_versions() == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("version", fixture_versions())
def test_fixture_file_matches_its_dump(version: int) -> None:
    """The committed file is the one the dump describes, at the version its name says."""
    dump = dump_tables(DATA / f"record-v{version}.sqlite")
    assert dump == expected_dump(version)
    assert dump["user_version"] == version
    assert dump["application_id"] == APPLICATION_ID


def test_fixture_covers_what_families_record() -> None:
    """The v1 fixture holds every analyte, several units, MRD forms, drugs, emoji and RTL text."""
    tables = expected_dump(1)["tables"]
    values = tables["count_value"]
    assert {v["analyte"] for v in values} == set(analytes.THRESHOLD_CODES)  # format 1 had these
    for code in ("wbc", "anc", "hgb", "hct", "plt", "rbc"):
        units = {analytes.analyte(code).unit(v["unit"]) for v in values if v["analyte"] == code}
        assert len(units) >= 2, f"{code} in one unit only"
    assert {v["comparator"] for v in values} == {"", "<", ">"}
    assert any(v["range_low"] is not None for v in values)
    qualifiers = {m["mrd_qualifier"] for m in tables["milestone"]}
    assert qualifiers >= {
        "quantified",
        "negative",
        "positive_not_quantifiable",
        "below_quantifiable_range",
    }
    assert {d["drug"] for d in tables["cns_it_drug"]} == {
        "methotrexate",
        "cytarabine",
        "hydrocortisone",
        "prednisolone",
    }
    assert len(tables["child"]) == 2
    text = repr(tables)
    assert re.search("[\U0001f300-\U0001faff]", text), "no emoji"
    assert re.search("[\u0590-\u05ff]", text), "no Hebrew"
    assert re.search("[\u0600-\u06ff]", text), "no Arabic"


def test_make_fixtures_reproduces_the_current_fixture(tmp_path: Path) -> None:
    """The script is deterministic and today's code writes what the newest fixture holds."""
    built = tmp_path / "built.sqlite"
    make_fixtures.build_record(built)
    # Timestamps depend on how often the store reads the clock, which is not the point here.
    assert without_timestamps(dump_tables(built)) == without_timestamps(
        expected_dump(SCHEMA_VERSION)
    )


def without_timestamps(dump: dict[str, Any]) -> dict[str, Any]:
    """Also without the seals: they cover the timestamps (tests/test_integrity.py checks them)."""
    return {
        **dump,
        "tables": {
            table: [
                {k: v for k, v in row.items() if k not in ("created_at", "updated_at", "checksum")}
                for row in rows
            ]
            for table, rows in dump["tables"].items()
        },
    }


def test_make_fixtures_never_overwrites(tmp_path: Path) -> None:
    db, expected = make_fixtures.write_fixture(tmp_path)
    assert db.name == f"record-v{SCHEMA_VERSION}.sqlite"
    # how often the store reads the (ticking) clock is not the point: no timestamps
    assert without_timestamps(dump_tables(db)) == without_timestamps(expected_dump(SCHEMA_VERSION))
    before = db.read_bytes()
    with pytest.raises(FileExistsError):
        make_fixtures.write_fixture(tmp_path)
    assert db.read_bytes() == before
    written = json.loads(expected.read_text(encoding="utf-8"))
    committed = json.loads(
        (DATA / f"record-v{SCHEMA_VERSION}.expected.json").read_text(encoding="utf-8")
    )
    assert without_timestamps(written) == without_timestamps(committed)


# ---------------------------------------------------------------------- opening old records


@pytest.mark.parametrize("version", fixture_versions())
def test_old_record_opens_with_every_row_intact(version: int, tmp_path: Path) -> None:
    path = copy_fixture(version, tmp_path)
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
    after = dump_tables(path)
    assert after["user_version"] == SCHEMA_VERSION
    assert after["application_id"] == APPLICATION_ID
    assert_rows_intact(expected_dump(version), after)
    backups = sorted((tmp_path / "backups").glob("*.backup.sqlite"))
    assert len(backups) == (1 if version < SCHEMA_VERSION else 0)
    assert all(verify_backup(b) for b in backups)


@pytest.mark.parametrize("version", fixture_versions())
def test_old_record_reads_through_the_api(version: int, tmp_path: Path) -> None:
    path = copy_fixture(version, tmp_path)
    expected = expected_dump(version)["tables"]
    with Record.open(path, clock=clock) as rec:
        children = rec.children()
        assert [c.uid for c in children] == [r["uid"] for r in expected["child"]]
        totals = {"phase": 0, "milestone": 0, "count_value": 0, "cns_it_drug": 0}
        for child in children:
            assert child.id is not None
            totals["phase"] += len(rec.entries(Phase, child.id))
            milestones = rec.entries(Milestone, child.id)
            totals["milestone"] += len(milestones)
            for m in milestones:
                if m.mrd is not None and m.mrd.fraction is not None:
                    assert format_both(m.mrd.fraction)
            for result in rec.counts(child.id):
                totals["count_value"] += len(result.values)
                for v in result.values:
                    converted = analytes.to_canonical(v.analyte, v.value, v.unit)
                    assert converted == pytest.approx(v.normalised_value)
            totals["cns_it_drug"] += sum(len(v.it_drugs) for v in rec.entries(CnsVisit, child.id))
        assert totals == {table: len(expected[table]) for table in totals}


def test_new_record_runs_the_whole_chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, bool]] = []

    def spy(number: int, step: Callable[[sqlite3.Connection], None]) -> Callable[..., None]:
        def run(conn: sqlite3.Connection) -> None:
            calls.append((number, conn.in_transaction))
            step(conn)

        return run

    def kept(number: int, step: Callable[[sqlite3.Connection], None]) -> Any:
        spied = spy(number, step)  # a rebuilding step stays one
        return schema.Migration(spied, rebuilds=True) if schema.rebuilds(step) else spied

    monkeypatch.setattr(schema, "MIGRATIONS", [kept(i + 1, s) for i, s in enumerate(MIGRATIONS)])
    path = tmp_path / "new.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        conn = rec.connection
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(kind_tables()) <= tables
        assert rec.problems() == []
    assert calls == [(n, True) for n in range(1, SCHEMA_VERSION + 1)]


def test_migrate_from_zero_on_a_bare_connection() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        schema.migrate(conn, 0, APPLICATION_ID)  # in a transaction of its own
        assert not conn.in_transaction
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


# ---------------------------------------------------------------------- a migration step


def add_step(monkeypatch: pytest.MonkeyPatch, step: Callable[[sqlite3.Connection], None]) -> int:
    """Pretend the code is one schema version newer, with ``step`` as the new migration."""
    new_version = SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "MIGRATIONS", [*MIGRATIONS, step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", new_version)
    monkeypatch.setattr(record_module, "SCHEMA_VERSION", new_version)
    return new_version


def add_weight_table(conn: sqlite3.Connection) -> None:
    assert conn.in_transaction
    conn.execute(
        "CREATE TABLE weight (id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, "
        "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, child_id INTEGER NOT NULL "
        "REFERENCES child(id) ON DELETE CASCADE, date TEXT NOT NULL, grams INTEGER) STRICT"
    )
    conn.execute("ALTER TABLE child ADD COLUMN nickname TEXT NOT NULL DEFAULT ''")


def test_migration_makes_a_verified_private_backup_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = SCHEMA_VERSION
    path = copy_fixture(old, tmp_path)
    new = add_step(monkeypatch, add_weight_table)
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert rec.connection.execute("SELECT count(*) FROM weight").fetchone()[0] == 0
    after = dump_tables(path)
    assert after["user_version"] == new
    assert_rows_intact(expected_dump(old), after)
    assert all(r["nickname"] == "" for r in after["tables"]["child"])

    folder = tmp_path / "backups"
    backups = sorted(folder.glob("*.backup.sqlite"))
    assert [b.name for b in backups] == ["family.20261124-093000.before-update.backup.sqlite"]
    backup = backups[0]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(manifest_path(backup)).st_mode) == 0o600
    assert verify_backup(backup)
    [info] = list_backups(path)
    assert (info.reason, info.record_format, info.verified) == ("before-update", old, True)
    conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert dump_tables(backup) == expected_dump(old)  # the record exactly as it was


def test_backup_goes_to_the_chosen_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    backups = tmp_path / "elsewhere"
    backups.mkdir(mode=0o700)
    add_step(monkeypatch, add_weight_table)
    with Record.open(path, clock=clock, backup_dir=backups):
        pass
    assert list(tmp_path.glob("*.backup.sqlite")) == []
    assert not (tmp_path / "backups").exists()
    assert len(list(backups.glob("*.backup.sqlite"))) == 1


def test_failed_migration_leaves_the_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = SCHEMA_VERSION
    path = copy_fixture(old, tmp_path)

    class Boom(RuntimeError):
        pass

    def half_a_step(conn: sqlite3.Connection) -> None:
        add_weight_table(conn)
        conn.execute("UPDATE child SET nickname = 'half done'")
        raise Boom("the step fails after changing things")

    add_step(monkeypatch, half_a_step)
    with pytest.raises(Boom):
        Record.open(path, clock=clock)
    assert dump_tables(path) == expected_dump(old)  # no table, no column, no change
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "family.sqlite"]
    monkeypatch.undo()
    with Record.open(path, clock=clock) as rec:  # still opens with today's code
        assert rec.problems() == []


def test_record_from_the_future_of_a_patched_version_is_too_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After migrating under a newer code version, today's code refuses the file."""
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    add_step(monkeypatch, add_weight_table)
    with Record.open(path, clock=clock):
        pass
    monkeypatch.undo()
    before = path.read_bytes()
    with pytest.raises(TooNew):
        Record.open(path, clock=clock)
    assert path.read_bytes() == before


# ---------------------------------------------------------------------- executescript


def test_store_never_calls_executescript() -> None:
    """executescript() commits first (bpo-30593), which would break a migration's transaction."""
    offenders = []
    for source in sorted(STORE.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "executescript":
                offenders.append(f"{source.name}:{node.lineno}")
            if isinstance(node, ast.Constant) and node.value == "executescript":
                offenders.append(f"{source.name}:{node.lineno} (by name)")
    assert offenders == []


class NoScriptConnection(sqlite3.Connection):
    def executescript(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
        raise AssertionError("a migration called executescript()")


def test_migrations_run_without_executescript() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=NoScriptConnection)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for step in MIGRATIONS:
            step(conn)
            assert conn.in_transaction, "a step committed the caller's transaction"
        conn.execute("ROLLBACK")
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


# ---------------------------------------------------------------------- rebuilding a table
#
# ALTER TABLE cannot change a column's type or CHECK, so such a change rebuilds the table
# (https://www.sqlite.org/lang_altertable.html#otheralter): create the new one, copy, drop
# the old one, rename.  Dropping a table other tables point to, with foreign keys on, runs
# their ON DELETE actions: every lumbar puncture loses its phase (SET NULL), and dropping
# ``child`` deletes the whole record (CASCADE).  A step that rebuilds says so
# (``rebuilds=True``); the runner then turns foreign keys off before its transaction and
# checks every link before it commits.  See docs/adding-a-kind.md, "Migrations".

FOREIGN_KEYS_SEEN: list[int] = []


def rebuild(table: str, keep: str = "1") -> Callable[[sqlite3.Connection], None]:
    """A throwaway step that rebuilds ``table`` the documented way, with the same columns,
    copying the rows where ``keep`` holds, and recreating its indexes."""

    def step(conn: sqlite3.Connection) -> None:
        assert conn.in_transaction
        FOREIGN_KEYS_SEEN.append(conn.execute("PRAGMA foreign_keys").fetchone()[0])
        [create] = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        indexes = [
            r[0]
            for r in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (table,),
            )
        ]
        assert create.startswith(f"CREATE TABLE {table} ")
        conn.execute(create.replace(f"CREATE TABLE {table} ", f"CREATE TABLE new_{table} ", 1))
        conn.execute(f"INSERT INTO new_{table} SELECT * FROM {table} WHERE {keep}")
        conn.execute(f"DROP TABLE {table}")
        conn.execute(f"ALTER TABLE new_{table} RENAME TO {table}")
        for sql in indexes:
            conn.execute(sql)

    return step


def linked_phases(path: Path) -> list[Any]:
    return [v["phase_id"] for v in dump_tables(path)["tables"]["cns_visit"]]


def test_foreign_keys_cannot_be_turned_off_inside_a_transaction(tmp_path: Path) -> None:
    """Why the runner turns them off before BEGIN: inside a transaction the pragma does
    nothing (https://www.sqlite.org/pragma.html#pragma_foreign_keys), and rebuilding
    ``phase`` there silently unlinks every lumbar puncture from its phase."""
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    before = linked_phases(path)
    assert [p for p in before if p is not None] != []
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA foreign_keys = OFF")
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # still on
        rebuild("phase")(conn)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []  # nothing to see…
        conn.execute("COMMIT")
    finally:
        conn.close()
    assert linked_phases(path) == [None] * len(before)  # …and every link is gone


def test_rebuilding_phase_keeps_every_lumbar_puncture_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    before = linked_phases(path)
    FOREIGN_KEYS_SEEN.clear()
    add_step(monkeypatch, schema.Migration(rebuild("phase"), rebuilds=True))
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert rec.connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # on again
    assert FOREIGN_KEYS_SEEN == [0]
    assert linked_phases(path) == before
    assert_rows_intact(expected_dump(SCHEMA_VERSION), dump_tables(path))


def test_rebuilding_child_keeps_every_row_of_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    new = add_step(monkeypatch, schema.Migration(rebuild("child"), rebuilds=True))
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []
        assert len(rec.children()) == 2
    after = dump_tables(path)
    assert after["user_version"] == new
    assert_rows_intact(expected_dump(SCHEMA_VERSION), after)


def test_restoring_an_older_backup_rebuilds_with_every_link_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restore migrates the copy it puts in place (tracker/store/backup.py): the same rule."""
    old = tmp_path / "older.sqlite"
    shutil.copyfile(DATA / f"record-v{SCHEMA_VERSION}.sqlite", old)
    old.chmod(0o600)
    before = linked_phases(old)
    new = add_step(monkeypatch, schema.Migration(rebuild("phase"), rebuilds=True))
    path = tmp_path / "family.sqlite"
    restore(path, old, clock)
    assert dump_tables(path)["user_version"] == new
    assert linked_phases(path) == before
    assert_rows_intact(expected_dump(SCHEMA_VERSION), dump_tables(path))


def test_a_rebuild_that_leaves_a_dangling_link_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phase 1 is not copied: a lumbar puncture would point to a phase that is not there."""
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    before = path.read_bytes()
    add_step(monkeypatch, schema.Migration(rebuild("phase", keep="id <> 1"), rebuilds=True))
    with pytest.raises(RecordError, match=r"entries in cns_visit pointing to a missing phase"):
        Record.open(path, clock=clock)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "family.sqlite"]
    monkeypatch.undo()
    with Record.open(path, clock=clock) as rec:
        assert rec.problems() == []


def test_a_rebuild_that_does_not_say_so_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that drops a table without ``rebuilds=True`` would run the ON DELETE actions;
    it is stopped before it commits, naming the table, and the record is unchanged."""
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    before = path.read_bytes()
    add_step(monkeypatch, rebuild("phase"))
    with pytest.raises(RuntimeError, match=r"drops the table phase without declaring"):
        Record.open(path, clock=clock)
    assert path.read_bytes() == before


def test_a_link_already_broken_does_not_stop_an_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only links a migration breaks are refused: one broken outside the program before
    stays for ``check`` to name, and the record still opens in the new version."""
    path = copy_fixture(SCHEMA_VERSION, tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("UPDATE cns_visit SET phase_id = 99 WHERE id = 2")
    finally:
        conn.close()
    new = add_step(monkeypatch, schema.Migration(rebuild("phase"), rebuilds=True))
    with Record.open(path, clock=clock) as rec:
        assert "cns_visit row 2 points to a missing phase" in rec.problems()
    assert dump_tables(path)["user_version"] == new


def test_foreign_keys_are_on_again_after_a_failed_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    class Boom(RuntimeError):
        pass

    def fail(conn: sqlite3.Connection) -> None:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 0
        raise Boom

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        add_step(monkeypatch, schema.Migration(fail, rebuilds=True))
        with pytest.raises(Boom):
            schema.migrate(conn, 0, APPLICATION_ID)
        assert not conn.in_transaction
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    finally:
        conn.close()


def test_migrate_refuses_an_open_transaction() -> None:
    """Inside the caller's transaction foreign keys could not be turned off: refused."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        with pytest.raises(RuntimeError, match="own transaction"):
            schema.migrate(conn, 0, APPLICATION_ID)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
