"""The family's record: one SQLite file, one class, the only place that writes SQL.

Every save is one ``BEGIN IMMEDIATE … COMMIT`` on a connection opened with
``isolation_level=None``; settings per design.md §2 (rollback journal,
``synchronous=FULL``, ``foreign_keys=ON``).  Operations return
:class:`~tracker.model.Changes` so a screen refreshes only what changed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from tracker import forms
from tracker.clock import Clock, system_clock
from tracker.model import (
    ALL_CHANGED,
    Appointment,
    Changes,
    Child,
    CnsStatus,
    CnsVisit,
    Comparator,
    CountResult,
    CountValue,
    ItDose,
    ItDrug,
    Kmt2aStatus,
    LpProcedure,
    Milestone,
    MilestoneKind,
    Mrd,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    PrednisoneResponse,
    Question,
    RiskGroup,
    Sex,
    TeamThreshold,
    ThresholdPurpose,
    YesNoUnknown,
)
from tracker.store import checksums, durable, journal
from tracker.store.connection import (
    configured,
    connect,
    open_connection,
    same_version,
    take_lock,
    transaction,
)
from tracker.store.errors import (
    CannotSave,
    NotARecord,
    RecordError,
    ValidationFailed,
    translated,
)
from tracker.store.files import APPLICATION_ID, check_record_file, is_unstarted
from tracker.store.integrity import find_problems, quick_check
from tracker.store.lock import OnlyReadable, RecordLock
from tracker.store.schema import SCHEMA_VERSION, TABLES, count_save, migrate


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


_T = TypeVar("_T")
UNFINISHED_SUFFIX = ".unfinished"


@dataclass(frozen=True, slots=True)
class Deleted:
    """Everything a delete removed or unlinked, so that undo can put it back exactly."""

    rows: tuple[tuple[str, dict[str, Any]], ...]
    unlinked: tuple[tuple[str, int, str, int], ...] = ()  # (table, row id, column, old value)
    changes: Changes = field(default_factory=Changes)
    description: str = ""


class Record:
    """One family's treatment record.  Open with :meth:`open` or :meth:`create`.

    A record open for writing holds the one-writer lock (``<record>.lock`` and the
    record file itself) until :meth:`close`; a second copy of the program trying to
    open it for writing gets :class:`~tracker.store.errors.RecordInUse`.  Every save
    first checks that the record's path still names the file it has open, and again
    after it (someone may have moved or replaced the file).  A record that cannot be
    changed where it is opens for reading only; :attr:`read_only_reason` says why.
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        clock: Clock,
        *,
        read_only: bool = False,
        lock: RecordLock | None = None,
        only_readable: OnlyReadable | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only or only_readable is not None
        self._conn = conn
        self._clock = clock
        self._lock = lock
        self._only_readable = only_readable
        self._in_batch = False

    # ------------------------------------------------------------------ opening

    notices: tuple[str, ...] = ()
    """What opening did beside the record that the family should hear of (a journal that
    was not the record's own, set aside): one plain sentence each."""

    @classmethod
    def open(
        cls,
        path: str | Path,
        *,
        create: bool = False,
        clock: Clock = system_clock,
        backup_dir: Path | None = None,
        read_only: bool = False,
        start_over: bool = False,
    ) -> Record:
        """Open an existing record (running missing migrations after a backup).

        With ``create=True`` a missing file becomes a new, empty record (made whole in a
        temporary file and renamed into place).  With ``start_over`` too, a record that was
        begun but never finished (:func:`~tracker.store.files.is_unstarted`: 0 bytes, or no
        tables) is moved aside as ``<name>.unfinished`` and a new one made in its place.
        A file that is not ours, or is too new, raises NotARecord/TooNew untouched; one
        whose structure is damaged (SQLite's ``quick_check``) or whose tables are not a
        record's raises NotARecord; one that cannot be read for lack of permission raises
        RecordUnreadable.  ``read_only=True`` opens without writing anything (no lock, no
        migration).  Otherwise the one-writer lock is taken first (RecordInUse if another
        copy of the program has the record open), and a migration is preceded by a
        verified backup in ``backup_dir`` (default: ``backups/`` beside the record).
        A record that cannot be changed where it is (read-only disk, folder or file)
        opens for reading only, with :attr:`read_only_reason` saying why.
        """
        path = Path(path)
        if create and start_over and is_unstarted(path):
            return cls._create(path, clock, start_over=True)
        try:
            version = check_record_file(path, SCHEMA_VERSION)
        except FileNotFoundError:
            if not create:
                raise NotARecord(f"There is no record file at {path}.") from None
            return cls._create(path, clock)
        if read_only:
            return cls._open_read_only(path, clock)
        try:
            lock = take_lock(path)
        except OnlyReadable as why:  # never writable without the lock: read it, and say so
            return cls._open_read_only(path, clock, why)
        moved: list[journal.SetAside] = []
        try:
            conn, moved = open_connection(path)
            try:
                if moved:  # what was set aside may have been all that explained a short file
                    check_record_file(path, SCHEMA_VERSION)
                quick_check(conn, path)  # the first read also rolls back an interrupted save
                same_version(conn, path, version)
                with translated(path, "open the record"):
                    if version < SCHEMA_VERSION:
                        from tracker.store.backup import BEFORE_UPDATE, backup_connection

                        backup_connection(conn, path, BEFORE_UPDATE, clock, folder=backup_dir)
                        migrate(conn, version, APPLICATION_ID)  # its own transaction
            except BaseException:
                conn.close()
                raise
        except BaseException:
            lock.release()
            raise
        record = cls(path, conn, clock, lock=lock)
        record.notices = tuple(str(m) for m in moved)
        return record

    @classmethod
    def _open_read_only(cls, path: Path, clock: Clock, why: OnlyReadable | None = None) -> Record:
        version = check_record_file(path, SCHEMA_VERSION)
        conn = connect(path, read_only=True)
        try:
            quick_check(conn, path)
            same_version(conn, path, version)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, clock, read_only=True, only_readable=why)

    @classmethod
    def create(
        cls,
        path: str | Path,
        *,
        clock: Clock = system_clock,
        fill: Callable[[Record], object] | None = None,
    ) -> Record:
        """A new record at ``path`` (refused if anything is there).  ``fill``, if given, is
        run on the new record before it is put in place: the record appears whole, with
        everything ``fill`` saved, or not at all."""
        path = Path(path)
        if path.exists() or path.is_symlink():
            raise RecordError(f"{path} already exists; choose another name for a new record.")
        return cls._create(path, clock, fill=fill)

    @classmethod
    def _create(
        cls,
        path: Path,
        clock: Clock,
        *,
        start_over: bool = False,
        fill: Callable[[Record], object] | None = None,
    ) -> Record:
        """Build the new record whole in a private temporary file beside ``path`` (0600,
        schema, ``fill``, synced), then link it into place without ever replacing a file:
        a crash leaves no file or a whole record, never an empty one."""
        with translated(path, "create the record"):
            if not path.parent.exists():
                durable.private_folder(path.parent)
            lock = take_lock(path)
            try:
                if start_over and is_unstarted(path):  # checked again under the lock
                    durable.move_aside(path, UNFINISHED_SUFFIX)
                    lock.uncover()  # the lock moved with that file; the new one is covered below
                # a held temp: what a killed creation left is cleared (durable.temp_beside)
                with durable.temp_beside(path) as tmp:
                    try:
                        cls._build(tmp, clock, fill)
                        if not durable.rename_no_replace(tmp, path):
                            raise RecordError(
                                f"{path} already exists; choose another name for a new record."
                            )
                    finally:
                        journal.companion(tmp, journal.JOURNAL).unlink(missing_ok=True)
                lock.cover()  # the record exists now: lock the file itself too
                conn = connect(path)
            except BaseException:
                lock.release()
                raise
        return cls(path, conn, clock, lock=lock)

    @classmethod
    def _build(cls, tmp: Path, clock: Clock, fill: Callable[[Record], object] | None) -> None:
        conn = configured(tmp, read_only=False)
        try:
            migrate(conn, 0, APPLICATION_ID)  # in a transaction of its own
            if fill is not None:
                fill(cls(tmp, conn, clock))
        finally:
            conn.close()
        durable.fsync_file(tmp)

    def close(self) -> None:
        """Close the file and let go of the one-writer lock (safe to call twice)."""
        try:
            self._conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    @property
    def read_only_reason(self) -> str | None:
        """Why a record opened for changes could only be opened for reading, or None."""
        return self._only_readable.reading_only if self._only_readable else None

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """For backup and checks inside ``tracker.store`` only."""
        return self._conn

    @property
    def clock(self) -> Clock:
        return self._clock

    def today(self) -> dt.date:
        return self._clock().date()

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def count_on_above(self, saves: int) -> None:
        """Raise the save counter above ``saves`` (one transaction): backups are ordered by
        it, and an older copy put back by hand must count as the newest content."""
        with self._write("count on above the backups") as conn:
            count_save(conn, at_least=saves)

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        if self._in_batch:  # part of a larger all-or-nothing change
            with translated(self.path, doing):
                yield self._conn
            return
        with self._in_place(doing), translated(self.path, doing), transaction(self._conn):
            yield self._conn

    @contextmanager
    def _in_place(self, doing: str) -> Iterator[None]:
        """Refuse a save that cannot go into the record file at :attr:`path`.

        Before: the record was opened for reading only, or its file was moved or
        replaced (nothing is written).  After: it was replaced during the save, which
        then went into the old file; that save is not acknowledged (lock.py).
        """
        if self._only_readable is not None:
            raise CannotSave(self._only_readable.refusal(doing))
        if self._lock is not None:
            self._lock.check_in_place(doing)
        yield
        if self._lock is not None:
            self._lock.check_in_place(doing, done=True)

    @contextmanager
    def batch(self, doing: str) -> Iterator[None]:
        """Make every save inside the ``with`` block one transaction: all of them or none.

        ``doing`` names the whole change for error messages ("import the JSON export").
        """
        if self._in_batch:
            raise RuntimeError("batches do not nest")
        with self._in_place(doing), translated(self.path, doing), transaction(self._conn):
            self._in_batch = True
            try:
                yield
            finally:
                self._in_batch = False

    def _one(self, table: str, row_id: int, mapper: Callable[[sqlite3.Row], _T]) -> _T:
        """One row by id through ``mapper``; KeyError when it is not (or no longer) there."""
        rows = self._q(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
        if not rows:
            raise KeyError(row_id)
        return mapper(rows[0])

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with translated(self.path, "read the record"):
            return self._conn.execute(sql, params).fetchall()

    # ------------------------------------------------------------------ children

    def children(self) -> list[Child]:
        return [_child(r) for r in self._q("SELECT * FROM child ORDER BY id")]

    def child(self, child_id: int) -> Child:
        return self._one("child", child_id, _child)

    def save_child(self, child: Child) -> tuple[Child, Changes]:
        errors = forms.validate_child(child, self.today())
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "name": child.name.strip(),
            "birth_date": child.birth_date.isoformat(),
            "sex": child.sex.value,
            "diagnosis_date": _iso(child.diagnosis_date),
            "immunophenotype": child.immunophenotype,
            "kmt2a_status": child.kmt2a_status.value,
            "kmt2a_partner": child.kmt2a_partner,
            "wbc_at_diagnosis_text": child.wbc_at_diagnosis_text,
            "wbc_at_diagnosis_unit": child.wbc_at_diagnosis_unit,
            "wbc_at_diagnosis": child.wbc_at_diagnosis,
            "cns_status_at_diagnosis": child.cns_status_at_diagnosis.value,
            "prednisone_response": child.prednisone_response.value,
            "protocol": child.protocol,
            "risk_group": child.risk_group.value,
            "risk_group_text": child.risk_group_text,
            "hospital": child.hospital,
            "team_contacts": child.team_contacts,
            "notes": child.notes,
        }
        if child.id is not None:
            self._check_children_dates(child)
        with self._write("save the child's details") as conn:
            row_id, uid = self._upsert(conn, "child", child.id, child.uid, cols)
        return replace(child, id=row_id, uid=uid), Changes(children=True)

    def _check_children_dates(self, child: Child) -> None:
        """A new date of birth must not leave recorded events before birth."""
        assert child.id is not None
        birth = child.birth_date.isoformat()
        earliest = self._q(
            """SELECT min(d) FROM (
                 SELECT taken_date AS d FROM count_result WHERE child_id = :c
                 UNION ALL SELECT date FROM milestone WHERE child_id = :c
                 UNION ALL SELECT date FROM cns_visit WHERE child_id = :c
                 UNION ALL SELECT min(coalesce(actual_start, planned_start),
                                      coalesce(planned_start, actual_start)) FROM phase
                   WHERE child_id = :c)""",
            {"c": child.id},  # type: ignore[arg-type]
        )[0][0]
        if earliest is not None and earliest < birth:
            raise ValidationFailed(
                {
                    "birth_date": f"Date of birth: something is already recorded on {earliest}, "
                    f"before {birth}; check the date of birth"
                }
            )

    def delete_child(self, child_id: int) -> Deleted:
        name = self.child(child_id).name
        return self._delete(
            [
                ("child", "id = ?", (child_id,)),
                ("phase", "child_id = ?", (child_id,)),
                ("milestone", "child_id = ?", (child_id,)),
                ("count_result", "child_id = ?", (child_id,)),
                (
                    "count_value",
                    "result_id IN (SELECT id FROM count_result WHERE child_id = ?)",
                    (child_id,),
                ),
                ("cns_visit", "child_id = ?", (child_id,)),
                (
                    "cns_it_drug",
                    "visit_id IN (SELECT id FROM cns_visit WHERE child_id = ?)",
                    (child_id,),
                ),
                ("team_threshold", "child_id = ?", (child_id,)),
                ("appointment", "child_id = ?", (child_id,)),
                ("question", "child_id = ?", (child_id,)),
            ],
            "child",
            child_id,
            ALL_CHANGED,
            f"Delete {name}",
        )

    # ------------------------------------------------------------------ phases

    def phases(self, child_id: int) -> list[Phase]:
        rows = self._q(
            "SELECT * FROM phase WHERE child_id = ? "
            "ORDER BY coalesce(actual_start, planned_start), id",
            (child_id,),
        )
        return [_phase(r) for r in rows]

    def phase(self, phase_id: int) -> Phase:
        return self._one("phase", phase_id, _phase)

    def save_phase(self, phase: Phase) -> tuple[Phase, Changes]:
        child = self.child(phase.child_id)
        errors = forms.validate_phase(phase, child, self.today())
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "child_id": phase.child_id,
            "kind": phase.kind.value,
            "name": phase.name.strip(),
            "planned_start": _iso(phase.planned_start),
            "planned_end": _iso(phase.planned_end),
            "actual_start": _iso(phase.actual_start),
            "actual_end": _iso(phase.actual_end),
            "notes": phase.notes,
        }
        with self._write("save the phase") as conn:
            row_id, uid = self._upsert(conn, "phase", phase.id, phase.uid, cols)
        return replace(phase, id=row_id, uid=uid), Changes(phases=True)

    def delete_phase(self, phase_id: int) -> Deleted:
        p = self.phase(phase_id)
        return self._delete(
            [("phase", "id = ?", (phase_id,))],
            "phase",
            phase_id,
            Changes(phases=True, cns=True),
            f"Delete phase {p.display_name}",
            unlink=[("cns_visit", "phase_id", phase_id)],
        )

    # ------------------------------------------------------------------ milestones

    def milestones(self, child_id: int) -> list[Milestone]:
        rows = self._q("SELECT * FROM milestone WHERE child_id = ? ORDER BY date, id", (child_id,))
        return [_milestone(r) for r in rows]

    def milestone(self, milestone_id: int) -> Milestone:
        return self._one("milestone", milestone_id, _milestone)

    def save_milestone(self, m: Milestone) -> tuple[Milestone, Changes]:
        child = self.child(m.child_id)
        errors = forms.validate_milestone(m, child, self.today())
        if errors:
            raise ValidationFailed(errors)
        mrd = m.mrd
        cols = {
            "child_id": m.child_id,
            "date": m.date.isoformat(),
            "kind": m.kind.value,
            "result_text": m.result_text,
            "planned": int(m.planned),
            "mrd_entered": mrd.entered if mrd else None,
            "mrd_fraction": mrd.fraction if mrd else None,
            "mrd_qualifier": mrd.qualifier.value if mrd else None,
            "mrd_method": mrd.method.value if mrd and mrd.method else None,
            "mrd_sample": mrd.sample.value if mrd and mrd.sample else None,
            "notes": m.notes,
        }
        with self._write("save the milestone") as conn:
            row_id, uid = self._upsert(conn, "milestone", m.id, m.uid, cols)
        return replace(m, id=row_id, uid=uid), Changes(milestones=True)

    def delete_milestone(self, milestone_id: int) -> Deleted:
        m = self.milestone(milestone_id)
        return self._delete(
            [("milestone", "id = ?", (milestone_id,))],
            "milestone",
            milestone_id,
            Changes(milestones=True),
            f"Delete milestone of {m.date.isoformat()}",
        )

    # ------------------------------------------------------------------ counts

    def counts(self, child_id: int, since: dt.date | None = None) -> list[CountResult]:
        """All blood counts of a child (or those taken on or after ``since``), oldest first."""
        first = since.isoformat() if since else "0000-00-00"
        results = self._q(
            "SELECT * FROM count_result WHERE child_id = ? AND taken_date >= ? "
            "ORDER BY taken_date, coalesce(taken_time, ''), id",
            (child_id, first),
        )
        values = self._q(
            "SELECT v.* FROM count_value v JOIN count_result r ON r.id = v.result_id "
            "WHERE r.child_id = ? AND r.taken_date >= ? ORDER BY v.id",
            (child_id, first),
        )
        by_result: dict[int, list[CountValue]] = {}
        for v in values:
            by_result.setdefault(v["result_id"], []).append(_count_value(v))
        return [_count_result(r, by_result.get(r["id"], [])) for r in results]

    def recent_counts(self, child_id: int, limit: int = 30) -> list[CountResult]:
        """The ``limit`` newest blood counts, oldest first (for the header at a glance)."""
        results = self._q(
            "SELECT * FROM (SELECT * FROM count_result WHERE child_id = ? "
            "ORDER BY taken_date DESC, coalesce(taken_time, '') DESC, id DESC LIMIT ?) "
            "ORDER BY taken_date, coalesce(taken_time, ''), id",
            (child_id, limit),
        )
        ids = [r["id"] for r in results]
        marks = ", ".join("?" for _ in ids)
        values = (
            self._q(f"SELECT * FROM count_value WHERE result_id IN ({marks}) ORDER BY id", ids)
            if ids
            else []
        )
        by_result: dict[int, list[CountValue]] = {}
        for v in values:
            by_result.setdefault(v["result_id"], []).append(_count_value(v))
        return [_count_result(r, by_result.get(r["id"], [])) for r in results]

    def count(self, result_id: int) -> CountResult:
        rows = self._q("SELECT * FROM count_result WHERE id = ?", (result_id,))
        if not rows:
            raise KeyError(result_id)
        values = self._q("SELECT * FROM count_value WHERE result_id = ? ORDER BY id", (result_id,))
        return _count_result(rows[0], [_count_value(v) for v in values])

    def save_count(self, result: CountResult) -> tuple[CountResult, Changes]:
        child = self.child(result.child_id)
        errors = forms.validate_count(result, child, self.today())
        if errors:
            raise ValidationFailed(errors)
        with self._write("save the blood count") as conn:
            saved = self._write_count(conn, result)
        return saved, Changes(counts=True)

    def save_counts(self, results: Sequence[CountResult]) -> Changes:
        """Save many blood counts (an import) in ONE transaction: all of them or none.

        Each is validated like :meth:`save_count` before anything is written; the
        first that breaks a rule raises :class:`ValidationFailed` (keys prefixed
        with its position, ``"3:taken_date"``) and the record is unchanged.
        """
        if not results:
            return Changes()
        today = self.today()
        children: dict[int, Child] = {}
        for i, result in enumerate(results):
            if result.child_id not in children:
                children[result.child_id] = self.child(result.child_id)
            errors = forms.validate_count(result, children[result.child_id], today)
            if errors:
                when = result.taken_date.isoformat()
                raise ValidationFailed(
                    {f"{i}:{k}": f"Blood count of {when}: {m}" for k, m in errors.items()}
                )
        with self._write("save the blood counts") as conn:
            for result in results:
                self._write_count(conn, result)
        return Changes(counts=True)

    def _write_count(self, conn: sqlite3.Connection, result: CountResult) -> CountResult:
        """Insert or update one result and its values inside the caller's transaction."""
        cols = {
            "child_id": result.child_id,
            "taken_date": result.taken_date.isoformat(),
            "taken_time": result.taken_time.strftime("%H:%M") if result.taken_time else None,
            "source": result.source,
            "note": result.note,
        }
        saved_values: list[CountValue] = []
        row_id, uid = self._upsert(conn, "count_result", result.id, result.uid, cols)
        existing: dict[str, tuple[int, str]] = {}
        if result.id is not None:
            existing = {
                r["analyte"]: (r["id"], r["uid"])
                for r in conn.execute(
                    "SELECT id, uid, analyte FROM count_value WHERE result_id = ?", (row_id,)
                )
            }
        for v in result.values:
            vcols = {
                "result_id": row_id,
                "analyte": v.analyte,
                "value_text": v.value_text,
                "unit": v.unit,
                "value": v.value,
                "comparator": v.comparator.value,
                "normalised_value": v.normalised_value,
                "canonical_unit": v.canonical_unit,
                "range_text": v.range_text,
                "range_low": v.range_low,
                "range_high": v.range_high,
            }
            old = existing.pop(v.analyte, None)
            _, vuid = self._upsert(
                conn, "count_value", old[0] if old else None, old[1] if old else v.uid, vcols
            )
            saved_values.append(replace(v, uid=vuid))
        for vid, _ in existing.values():
            conn.execute("DELETE FROM count_value WHERE id = ?", (vid,))
        return replace(result, id=row_id, uid=uid, values=tuple(saved_values))

    def delete_count(self, result_id: int) -> Deleted:
        r = self.count(result_id)
        return self._delete(
            [
                ("count_result", "id = ?", (result_id,)),
                ("count_value", "result_id = ?", (result_id,)),
            ],
            "count_result",
            result_id,
            Changes(counts=True),
            f"Delete blood count of {r.taken_date.isoformat()}",
        )

    # ------------------------------------------------------------------ CNS visits

    def cns_visits(self, child_id: int) -> list[CnsVisit]:
        visits = self._q(
            "SELECT * FROM cns_visit WHERE child_id = ? ORDER BY date, id", (child_id,)
        )
        drugs = self._q(
            "SELECT d.* FROM cns_it_drug d JOIN cns_visit v ON v.id = d.visit_id "
            "WHERE v.child_id = ? ORDER BY d.id",
            (child_id,),
        )
        by_visit: dict[int, list[ItDose]] = {}
        for d in drugs:
            by_visit.setdefault(d["visit_id"], []).append(_it_dose(d))
        return [_cns_visit(v, by_visit.get(v["id"], [])) for v in visits]

    def cns_visit(self, visit_id: int) -> CnsVisit:
        rows = self._q("SELECT * FROM cns_visit WHERE id = ?", (visit_id,))
        if not rows:
            raise KeyError(visit_id)
        drugs = self._q("SELECT * FROM cns_it_drug WHERE visit_id = ? ORDER BY id", (visit_id,))
        return _cns_visit(rows[0], [_it_dose(d) for d in drugs])

    def save_cns_visit(self, visit: CnsVisit) -> tuple[CnsVisit, Changes]:
        child = self.child(visit.child_id)
        errors = forms.validate_cns_visit(visit, child, self.today())
        if visit.phase_id is not None:
            owner = self._q("SELECT child_id FROM phase WHERE id = ?", (visit.phase_id,))
            if not owner or owner[0][0] != visit.child_id:
                errors["phase_id"] = "Phase: choose one of this child's phases"
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "child_id": visit.child_id,
            "date": visit.date.isoformat(),
            "phase_id": visit.phase_id,
            "procedure": visit.procedure.value,
            "csf_wbc": visit.csf_wbc,
            "csf_rbc": visit.csf_rbc,
            "blasts_seen": visit.blasts_seen.value,
            "cns_status": visit.cns_status.value,
            "sedation": visit.sedation,
            "platelets": visit.platelets,
            "complications": visit.complications,
            "planned": int(visit.planned),
            "note": visit.note,
        }
        saved: list[ItDose] = []
        with self._write("save the CNS visit") as conn:
            row_id, uid = self._upsert(conn, "cns_visit", visit.id, visit.uid, cols)
            existing = {
                r["drug"]: (r["id"], r["uid"])
                for r in conn.execute(
                    "SELECT id, uid, drug FROM cns_it_drug WHERE visit_id = ?", (row_id,)
                )
            }
            for dose in visit.it_drugs:
                old = existing.pop(dose.drug.value, None)
                _, duid = self._upsert(
                    conn,
                    "cns_it_drug",
                    old[0] if old else None,
                    old[1] if old else dose.uid,
                    {"visit_id": row_id, "drug": dose.drug.value, "dose_text": dose.dose_text},
                )
                saved.append(replace(dose, uid=duid))
            for did, _ in existing.values():
                conn.execute("DELETE FROM cns_it_drug WHERE id = ?", (did,))
        return replace(visit, id=row_id, uid=uid, it_drugs=tuple(saved)), Changes(cns=True)

    def delete_cns_visit(self, visit_id: int) -> Deleted:
        v = self.cns_visit(visit_id)
        return self._delete(
            [
                ("cns_visit", "id = ?", (visit_id,)),
                ("cns_it_drug", "visit_id = ?", (visit_id,)),
            ],
            "cns_visit",
            visit_id,
            Changes(cns=True),
            f"Delete lumbar puncture of {v.date.isoformat()}",
        )

    # ------------------------------------------------------------------ team thresholds

    def thresholds(self, child_id: int) -> list[TeamThreshold]:
        rows = self._q(
            "SELECT * FROM team_threshold WHERE child_id = ? ORDER BY analyte, purpose, id",
            (child_id,),
        )
        return [_threshold(r) for r in rows]

    def threshold(self, threshold_id: int) -> TeamThreshold:
        return self._one("team_threshold", threshold_id, _threshold)

    def save_threshold(self, t: TeamThreshold) -> tuple[TeamThreshold, Changes]:
        self.child(t.child_id)
        errors = forms.validate_threshold(t)
        clash = self._q(
            "SELECT id FROM team_threshold WHERE child_id = ? AND analyte = ? AND purpose = ?",
            (t.child_id, t.analyte, t.purpose.value),
        )
        if clash and clash[0][0] != t.id:
            errors["purpose"] = (
                "What it is for: there is already a number for this count and purpose; "
                "edit that one instead"
            )
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "child_id": t.child_id,
            "analyte": t.analyte,
            "purpose": t.purpose.value,
            "value_text": t.value_text,
            "unit": t.unit,
            "normalised_value": t.normalised_value,
            "note": t.note,
        }
        with self._write("save the team's threshold") as conn:
            row_id, uid = self._upsert(conn, "team_threshold", t.id, t.uid, cols)
        return replace(t, id=row_id, uid=uid), Changes(thresholds=True)

    def delete_threshold(self, threshold_id: int) -> Deleted:
        t = self.threshold(threshold_id)
        return self._delete(
            [("team_threshold", "id = ?", (threshold_id,))],
            "team_threshold",
            threshold_id,
            Changes(thresholds=True),
            f"Delete the {t.analyte.upper()} threshold",
        )

    # ------------------------------------------------------------------ appointments

    def appointments(self, child_id: int) -> list[Appointment]:
        rows = self._q(
            "SELECT * FROM appointment WHERE child_id = ? ORDER BY date, coalesce(time, ''), id",
            (child_id,),
        )
        return [_appointment(r) for r in rows]

    def appointment(self, appointment_id: int) -> Appointment:
        return self._one("appointment", appointment_id, _appointment)

    def save_appointment(self, a: Appointment) -> tuple[Appointment, Changes]:
        errors = forms.validate_appointment(a, self.child(a.child_id))
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "child_id": a.child_id,
            "date": a.date.isoformat(),
            "time": a.time.strftime("%H:%M") if a.time else None,
            "with_whom": a.with_whom,
            "place": a.place,
            "note": a.note,
        }
        with self._write("save the appointment") as conn:
            row_id, uid = self._upsert(conn, "appointment", a.id, a.uid, cols)
        return replace(a, id=row_id, uid=uid), Changes(appointments=True)

    def delete_appointment(self, appointment_id: int) -> Deleted:
        a = self.appointment(appointment_id)
        return self._delete(
            [("appointment", "id = ?", (appointment_id,))],
            "appointment",
            appointment_id,
            Changes(appointments=True),
            f"Delete the appointment of {a.date.isoformat()}",
        )

    # ------------------------------------------------------------------ questions

    def questions(self, child_id: int) -> list[Question]:
        rows = self._q(
            "SELECT * FROM question WHERE child_id = ? ORDER BY answered, added_on, id",
            (child_id,),
        )
        return [_question(r) for r in rows]

    def question(self, question_id: int) -> Question:
        return self._one("question", question_id, _question)

    def save_question(self, q: Question) -> tuple[Question, Changes]:
        errors = forms.validate_question(q, self.child(q.child_id), self.today())
        if errors:
            raise ValidationFailed(errors)
        cols = {
            "child_id": q.child_id,
            "added_on": q.added_on.isoformat(),
            "text": q.text.strip(),
            "answered": int(q.answered),
            "answer": q.answer,
        }
        with self._write("save the question") as conn:
            row_id, uid = self._upsert(conn, "question", q.id, q.uid, cols)
        return replace(q, id=row_id, uid=uid), Changes(questions=True)

    def delete_question(self, question_id: int) -> Deleted:
        self.question(question_id)
        return self._delete(
            [("question", "id = ?", (question_id,))],
            "question",
            question_id,
            Changes(questions=True),
            "Delete the question",
        )

    # ------------------------------------------------------------------ delete / undo

    def _delete(
        self,
        selections: list[tuple[str, str, tuple[Any, ...]]],
        table: str,
        row_id: int,
        changes: Changes,
        description: str,
        unlink: Sequence[tuple[str, str, int]] = (),
    ) -> Deleted:
        with self._write("delete") as conn:
            rows: list[tuple[str, dict[str, Any]]] = []
            for tbl, where, params in selections:
                for r in conn.execute(f"SELECT * FROM {tbl} WHERE {where} ORDER BY id", params):
                    rows.append((tbl, dict(r)))
            unlinked: list[tuple[str, int, str, int]] = []
            for tbl, column, value in unlink:
                for (rid,) in conn.execute(f"SELECT id FROM {tbl} WHERE {column} = ?", (value,)):
                    unlinked.append((tbl, rid, column, value))
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
            for tbl, rid, _, _ in unlinked:  # SQLite set their link to NULL: seal them anew
                checksums.reseal(conn, tbl, rid)
        rows.sort(key=lambda item: TABLES.index(item[0]))
        return Deleted(tuple(rows), tuple(unlinked), changes, description)

    def undelete(self, deleted: Deleted) -> Changes:
        """Put back exactly what a delete removed: same ids, uids and timestamps."""
        with self._write("undo the delete") as conn:
            for table, row in deleted.rows:
                columns = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                conn.execute(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
                )
            for table, rid, column, value in deleted.unlinked:
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (value, rid))
                checksums.reseal(conn, table, rid)
        return deleted.changes

    # ------------------------------------------------------------------ helpers

    def _upsert(
        self,
        conn: sqlite3.Connection,
        table: str,
        row_id: int | None,
        uid: str,
        cols: dict[str, Any],
    ) -> tuple[int, str]:
        """Insert (``row_id`` None) or update one row and seal it, inside the open transaction."""
        now = self._now()
        if row_id is None:
            uid = uid or str(uuid.uuid4())
            names = ["uid", "created_at", "updated_at", *cols]
            marks = ", ".join("?" for _ in names)
            cur = conn.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks}) RETURNING *",
                (uid, now, now, *cols.values()),
            )
        else:
            sets = ", ".join(f"{name} = ?" for name in cols)
            cur = conn.execute(
                f"UPDATE {table} SET {sets}, updated_at = ? WHERE id = ? RETURNING *",
                (*cols.values(), now, row_id),
            )
        names = checksums.column_names(cur)
        found = cur.fetchall()
        if not found:
            raise KeyError(f"{table} {row_id} is no longer in the record")
        row = checksums.as_dict(names, found[0])
        checksums.seal(conn, table, row)
        return int(row["id"]), str(row["uid"])

    # ------------------------------------------------------------------ meta

    def meta(self, key: str) -> str | None:
        """One of the record's own small facts (e.g. when a copy was last saved), or None."""
        rows = self._q("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write("note this in the record") as conn:
            cur = conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at RETURNING *",
                (key, value, self._now()),
            )
            names = checksums.column_names(cur)
            checksums.seal(conn, "meta", checksums.as_dict(names, cur.fetchall()[0]))

    def is_empty(self) -> bool:
        """True when nothing at all has been recorded yet (no child, no row of any kind)."""
        return not any(self._q(f"SELECT 1 FROM {table} LIMIT 1") for table in TABLES)

    def uid_exists(self, table: str, uid: str) -> bool:
        if table not in TABLES:
            raise ValueError(table)
        return bool(self._q(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,)))

    def problems(self) -> list[str]:
        """Integrity, links, format version and every row's seal; empty means all is well."""
        with translated(self.path, "check the record"):
            return [p.message for p in find_problems(self._conn)]


# ---------------------------------------------------------------------- row mapping


def _child(r: sqlite3.Row) -> Child:
    return Child(
        name=r["name"],
        birth_date=dt.date.fromisoformat(r["birth_date"]),
        sex=Sex(r["sex"]),
        diagnosis_date=_d(r["diagnosis_date"]),
        immunophenotype=r["immunophenotype"],
        kmt2a_status=Kmt2aStatus(r["kmt2a_status"]),
        kmt2a_partner=r["kmt2a_partner"],
        wbc_at_diagnosis_text=r["wbc_at_diagnosis_text"],
        wbc_at_diagnosis_unit=r["wbc_at_diagnosis_unit"],
        wbc_at_diagnosis=r["wbc_at_diagnosis"],
        cns_status_at_diagnosis=CnsStatus(r["cns_status_at_diagnosis"]),
        prednisone_response=PrednisoneResponse(r["prednisone_response"]),
        protocol=r["protocol"],
        risk_group=RiskGroup(r["risk_group"]),
        risk_group_text=r["risk_group_text"],
        hospital=r["hospital"],
        team_contacts=r["team_contacts"],
        notes=r["notes"],
        id=r["id"],
        uid=r["uid"],
    )


def _phase(r: sqlite3.Row) -> Phase:
    return Phase(
        child_id=r["child_id"],
        kind=PhaseKind(r["kind"]),
        name=r["name"],
        planned_start=_d(r["planned_start"]),
        planned_end=_d(r["planned_end"]),
        actual_start=_d(r["actual_start"]),
        actual_end=_d(r["actual_end"]),
        notes=r["notes"],
        id=r["id"],
        uid=r["uid"],
    )


def _milestone(r: sqlite3.Row) -> Milestone:
    mrd = None
    if r["mrd_qualifier"] is not None:
        mrd = Mrd(
            entered=r["mrd_entered"] or "",
            fraction=r["mrd_fraction"],
            qualifier=MrdQualifier(r["mrd_qualifier"]),
            method=MrdMethod(r["mrd_method"]) if r["mrd_method"] else None,
            sample=MrdSample(r["mrd_sample"]) if r["mrd_sample"] else None,
        )
    return Milestone(
        child_id=r["child_id"],
        date=dt.date.fromisoformat(r["date"]),
        kind=MilestoneKind(r["kind"]),
        result_text=r["result_text"],
        planned=bool(r["planned"]),
        mrd=mrd,
        notes=r["notes"],
        id=r["id"],
        uid=r["uid"],
    )


def _count_value(r: sqlite3.Row) -> CountValue:
    return CountValue(
        analyte=r["analyte"],
        value_text=r["value_text"],
        unit=r["unit"],
        value=r["value"],
        normalised_value=r["normalised_value"],
        canonical_unit=r["canonical_unit"],
        comparator=Comparator(r["comparator"]),
        range_text=r["range_text"],
        range_low=r["range_low"],
        range_high=r["range_high"],
        uid=r["uid"],
    )


def _count_result(r: sqlite3.Row, values: list[CountValue]) -> CountResult:
    return CountResult(
        child_id=r["child_id"],
        taken_date=dt.date.fromisoformat(r["taken_date"]),
        taken_time=dt.time.fromisoformat(r["taken_time"]) if r["taken_time"] else None,
        source=r["source"],
        note=r["note"],
        values=tuple(values),
        id=r["id"],
        uid=r["uid"],
    )


def _it_dose(r: sqlite3.Row) -> ItDose:
    return ItDose(drug=ItDrug(r["drug"]), dose_text=r["dose_text"], uid=r["uid"])


def _cns_visit(r: sqlite3.Row, drugs: list[ItDose]) -> CnsVisit:
    return CnsVisit(
        child_id=r["child_id"],
        date=dt.date.fromisoformat(r["date"]),
        procedure=LpProcedure(r["procedure"]),
        phase_id=r["phase_id"],
        it_drugs=tuple(drugs),
        csf_wbc=r["csf_wbc"],
        csf_rbc=r["csf_rbc"],
        blasts_seen=YesNoUnknown(r["blasts_seen"]),
        cns_status=CnsStatus(r["cns_status"]),
        sedation=r["sedation"],
        platelets=r["platelets"],
        complications=r["complications"],
        planned=bool(r["planned"]),
        note=r["note"],
        id=r["id"],
        uid=r["uid"],
    )


def _threshold(r: sqlite3.Row) -> TeamThreshold:
    return TeamThreshold(
        child_id=r["child_id"],
        analyte=r["analyte"],
        purpose=ThresholdPurpose(r["purpose"]),
        value_text=r["value_text"],
        unit=r["unit"],
        normalised_value=r["normalised_value"],
        note=r["note"],
        id=r["id"],
        uid=r["uid"],
    )


def _appointment(r: sqlite3.Row) -> Appointment:
    return Appointment(
        child_id=r["child_id"],
        date=dt.date.fromisoformat(r["date"]),
        time=dt.time.fromisoformat(r["time"]) if r["time"] else None,
        with_whom=r["with_whom"],
        place=r["place"],
        note=r["note"],
        id=r["id"],
        uid=r["uid"],
    )


def _question(r: sqlite3.Row) -> Question:
    return Question(
        child_id=r["child_id"],
        added_on=dt.date.fromisoformat(r["added_on"]),
        text=r["text"],
        answered=bool(r["answered"]),
        answer=r["answer"],
        id=r["id"],
        uid=r["uid"],
    )
