"""The family's record: one SQLite file, one class, the only place that writes SQL.

Every save is one ``BEGIN IMMEDIATE … COMMIT`` on a connection opened with
``isolation_level=None``; settings per design.md §2 (rollback journal,
``synchronous=FULL``, ``foreign_keys=ON``).  Every kind of entry goes through the same
few methods (``entries``, ``entry``, ``save``, ``save_all``, ``delete``, ``undelete``),
driven by its declaration in :mod:`tracker.kinds`; they return
:class:`~tracker.kinds.Changes` so a screen refreshes only what changed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast

from tracker.clock import Clock, system_clock
from tracker.i18n import tr
from tracker.i18n.formats import date_text
from tracker.kinds import (
    ALL_CHANGED,
    CHILD,
    Changes,
    Context,
    Kind,
    by_key,
    by_table,
    children_of,
    differences,
    kind_of,
    linking_to,
    tables,
)
from tracker.kinds.kind import definite, sentence_start
from tracker.model import Child, CountResult
from tracker.progress import Progress, no_progress, part_of
from tracker.store import checksums, durable, journal
from tracker.store.backup_file import BEFORE_UPDATE, backup_connection
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
    RecordDamaged,
    RecordError,
    ValidationFailed,
    translated,
)
from tracker.store.files import APPLICATION_ID, check_record_file, is_unstarted
from tracker.store.integrity import find_problems, open_read_only, quick_check
from tracker.store.lock import OnlyReadable, RecordLock
from tracker.store.new_rows import NewRows
from tracker.store.schema import (
    SCHEMA_VERSION,
    count_save,
    migrate,
    record_identity,
    set_record_id,
    tables_present,
)

E = TypeVar("E")
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
        self._deferred: list[Any] | None = None  # saves checked at the end (checked_at_end)
        self._present: frozenset[str] | None = None
        # the structural check left for later (open(check_later=True)): set when it ends
        self._check_done: threading.Event | None = None
        self._damage: str | None = None  # what that check found, in plain words
        self._read_damage: str | None = None  # damage a read of this connection met

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
        check_later: bool = False,
    ) -> Record:
        """Open an existing record (running missing migrations after a backup).

        ``check_later``: SQLite's structural check (whose cost grows with the file) is
        left to :meth:`structure_problem`, run off the GUI thread once the window is up;
        until :meth:`checked` says how it went, every save waits for it (and a damaged
        record then refuses saves).  A record that needs migrating is checked at once.

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
                raise NotARecord(
                    tr("There is no record file at {path}.").format(path=path)
                ) from None
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
                deferred = check_later and version == SCHEMA_VERSION
                if not deferred:  # (any first read rolls back an interrupted save)
                    quick_check(conn, path)
                same_version(conn, path, version)
                with translated(path, tr("open the record")):
                    if version < SCHEMA_VERSION:
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
        if deferred:
            record._check_done = threading.Event()
        return record

    def structure_problem(self) -> str | None:
        """SQLite's structural check of the record file, on a connection of its own (so
        it may run on another thread while this record reads): None if whole, else why it
        is damaged, in plain words."""
        reader = self.reader()
        try:
            quick_check(reader.connection, self.path)
        except NotARecord as exc:
            return str(exc)
        except RecordError as exc:  # could not be read to the end: damaged as well
            return str(exc)
        finally:
            reader.close()
        return None

    def checked(self, problem: str | None) -> None:
        """The check left for later has ended (``problem`` None: the file is whole).
        Saves that waited go on; a damaged record refuses every save from now on."""
        self._damage = problem
        if self._check_done is not None:
            self._check_done.set()

    @property
    def check_pending(self) -> bool:
        """Whether the check left for later (``open(check_later=True)``) has not ended."""
        return self._check_done is not None and not self._check_done.is_set()

    @property
    def damage(self) -> str | None:
        """What the check left for later, or a read, found wrong with the file (None:
        nothing)."""
        return self._damage if self._damage is not None else self._read_damage

    def reader(self) -> Record:
        """A second, read-only view of this record's file for reading off the GUI thread
        (a history load, an export, a check): its own connection, so it never sees a save
        half made and never writes.  Cheap: the file was checked when this record opened,
        so no check is repeated.  The caller closes it.  While it reads, a save on this
        record waits for the read to end (SQLite's lock; the busy timeout covers it)."""
        conn = open_read_only(self.path, any_thread=True)
        conn.row_factory = sqlite3.Row
        return Record(self.path, conn, self._clock, read_only=True)

    def writer(self) -> Record:
        """A second connection that saves into this record, for one long save off the GUI
        thread (an import's apply): the same file, clock and refusals (opened for reading
        only, damaged, moved or replaced: this record's lock is checked, never released by
        it).  The one-writer rule: the caller keeps every other save of this record from
        starting while it works (an application-modal progress) and closes it; SQLite
        also serialises its transaction with this connection's.  Readers of the record
        see its save only once it is committed, whole.  Call it on the thread that uses it:
        it waits for a check left for later (``open(check_later=True)``) to end."""
        if self._check_done is not None:
            self._check_done.wait()
        if self.read_only:
            conn = open_read_only(self.path, any_thread=True)
            conn.row_factory = sqlite3.Row
        else:
            conn = configured(self.path, read_only=False)
            try:
                conn.execute("PRAGMA busy_timeout = 10000")  # off the GUI thread: it may wait
                conn.execute("PRAGMA cache_size = -65536")  # a big import's pages, unspilled
            except BaseException:
                conn.close()
                raise
        twin = Record(self.path, conn, self._clock, read_only=self.read_only)
        twin._only_readable = self._only_readable
        twin._damage = self.damage
        twin._lock = cast(RecordLock, _BorrowedLock(self._lock)) if self._lock else None
        return twin

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
            raise RecordError(
                tr("{path} already exists; choose another name for a new record.").format(path=path)
            )
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
        with translated(path, tr("create the record")):
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
                                tr(
                                    "{path} already exists; choose another name for a new record."
                                ).format(path=path)
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

    def time_now(self) -> dt.time:
        """The time of day now, to the minute (a dose logged "given now")."""
        return self._clock().time().replace(second=0, microsecond=0, tzinfo=None)

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def count_on_above(self, saves: int) -> None:
        """Raise the save counter above ``saves`` (one transaction): backups are ordered by
        it, and an older copy put back by hand must count as the newest content."""
        with self._write(tr("count on above the backups")) as conn:
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
        if self._check_done is not None:
            self._check_done.wait()  # at most the check's length, in the first seconds
        if self.damage is not None:  # (what SQLite found is not the family's to read)
            raise CannotSave(
                tr(
                    "Could not {doing}: the record file is damaged, so it takes no more "
                    "changes; it has not been changed."
                ).format(doing=doing)
            )
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
            raise RuntimeError("batches do not nest")  # i18n: not shown
        with self._in_place(doing), translated(self.path, doing), transaction(self._conn):
            self._in_batch = True
            try:
                yield
            finally:
                self._in_batch = False

    @contextmanager
    def checked_at_end(self, doing: str) -> Iterator[None]:
        """A :meth:`batch` whose saves are checked against the record as it is at the
        end, not one by one: a change of several entries that only agrees once all of
        them are written (a dose change from a past date ends a plan, starts the next and
        moves the doses logged since).  Any rule broken then by an entry saved in the block
        raises :class:`ValidationFailed` and nothing of the block is written."""
        with self.batch(doing):
            self._deferred = []
            try:
                yield
                written = self._deferred
            finally:
                self._deferred = None
            seen: set[tuple[type, int]] = set()
            for entry in written:
                key = (type(entry), entry.id)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    now = self.entry(type(entry), entry.id)
                except KeyError:
                    continue  # deleted later in the block
                errors = self.problems_of(now)
                if errors:
                    raise ValidationFailed(errors)

    def _q(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            with translated(self.path, tr("read the record")):
                return self._conn.execute(sql, params).fetchall()
        except RecordDamaged as exc:  # found by a read: damaged, whatever the check says
            if self._read_damage is None:
                self._read_damage = str(exc)
            raise

    def updated_times(self, model: type[Any]) -> dict[str, dt.datetime]:
        """When each entry (or row) of ``model``'s kind was last saved, by its uid (UTC):
        every save of an entry writes it, its own rows' too (a calendar's SEQUENCE).  Never
        before the entry was made: a save with the computer's clock set back counts as made
        then (the times are ISO text of one form: the larger text is the later time)."""
        table = kind_of(model).table
        times: dict[str, dt.datetime] = {}
        query = f"SELECT uid, MAX(created_at, updated_at) FROM {table}"
        for uid, updated in self._q(query):
            try:
                times[str(uid)] = dt.datetime.strptime(str(updated), "%Y-%m-%dT%H:%M:%SZ").replace(
                    tzinfo=dt.UTC
                )
            except ValueError:
                continue  # a row from before the times were kept: no time
        return times

    # ------------------------------------------------------------------ entries, any kind

    def entries(
        self,
        model: type[E],
        parent_id: int | None = None,
        *,
        where: str = "",
        params: Sequence[Any] = (),
    ) -> list[E]:
        """Every entry of the kind of ``model`` (of one child: ``parent_id``), in the
        kind's order; ``where`` narrows it (SQL on the kind's own columns)."""
        kind = kind_of(model)
        if not self._has_table(kind):
            return []  # a record of an older format, opened for reading: none yet
        clauses, args = [], []
        if kind.parent is not None:
            if parent_id is None:
                raise ValueError(  # i18n: not shown
                    f"{kind.plural} belong to a {kind.parent}: give its id"  # i18n: not shown
                )
            clauses.append(f"{kind.parent_column} = ?")
            args.append(parent_id)
        if where:
            clauses.append(f"({where})")
            args.extend(params)
        sql = f"SELECT * FROM {kind.table}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        rows = self._q(f"{sql} ORDER BY {kind.order_by}", args)  # i18n: not shown
        return self._built(kind, rows)

    def matching(self, model: type[E], parent_id: int | None, **values: Any) -> list[E]:
        """The entries of the kind of ``model`` (of one child) whose fields equal
        ``values`` (field name → value; None matches NULL): one query on the kind's
        columns, which an index can answer (a day's doses, a due dose's log)."""
        kind = kind_of(model)
        clauses, args = [], []
        for name, value in values.items():
            for column, db_value in kind.field(name).columns(value).items():
                clauses.append(f"{column} IS ?")
                args.append(db_value)
        return self.entries(model, parent_id, where=" AND ".join(clauses), params=args)

    def entries_since(
        self, model: type[E], parent_id: int | None, field: str, since: dt.date
    ) -> list[E]:
        """The entries whose date ``field`` is ``since`` or later (a log of recent doses
        without reading years of them)."""
        kind = kind_of(model)
        column = kind.field(field).column
        return self.entries(model, parent_id, where=f"{column} >= ?", params=[since.isoformat()])

    def entry(self, model: type[E], row_id: int) -> E:
        """One entry by its id; KeyError when it is not (or no longer) in the record."""
        kind = kind_of(model)
        if not self._has_table(kind):
            raise KeyError(row_id)
        rows = self._q(f"SELECT * FROM {kind.table} WHERE id = ?", (row_id,))
        if not rows:
            raise KeyError(row_id)
        found: E = self._built(kind, rows)[0]
        return found

    def _has_table(self, kind: Kind[Any]) -> bool:
        """Whether the file has the kind's table: a record of an older format opened for
        reading only (not brought up to date) lacks the tables of later kinds."""
        if self._present is None:
            self._present = frozenset(tables_present(self._conn, tables()))
        return kind.table in self._present

    def _built(self, kind: Kind[E], rows: list[sqlite3.Row]) -> list[E]:
        """The entries of ``rows`` with their own rows (a count's values) read in one query
        per kind of rows, ordered by id (the order they were typed in)."""
        own: dict[str, dict[int, list[Any]]] = {}
        ids = [r["id"] for r in rows]
        for f in kind.rows_fields:
            sub = by_key(f.kind)
            found: dict[int, list[Any]] = {}
            if not self._has_table(sub):
                own[f.name] = found
                continue
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                for r in self._q(
                    f"SELECT * FROM {sub.table} WHERE {sub.parent_column} IN ({marks}) "
                    f"ORDER BY {sub.order_by}",
                    chunk,
                ):
                    found.setdefault(r[sub.parent_column], []).append(sub.from_row(r))
            own[f.name] = found
        return [
            kind.from_row(r, {name: tuple(found.get(r["id"], ())) for name, found in own.items()})
            for r in rows
        ]

    def children(self) -> list[Child]:
        return self.entries(Child)

    def child(self, child_id: int) -> Child:
        return self.entry(Child, child_id)

    def context(self, entry: Any) -> Context:
        """What the rules of ``entry``'s kind look at: its child, today, the child's other
        entries.  KeyError when its child is not in the record."""
        kind = kind_of(entry)
        child = None
        if kind.parent is not None:
            child = self.child(getattr(entry, kind.parent_column))
        child_id = child.id if child is not None else None
        return Context(
            child=child,
            today=self.today(),
            entries=lambda key: self.entries(by_key(key).model, child_id),
            matching=lambda key, values: self.matching(by_key(key).model, child_id, **values),
        )

    def problems_of(self, entry: Any, context: Context | None = None) -> dict[str, str]:
        """Every rule ``entry`` breaks: its kind's, and links to entries of another child."""
        kind = kind_of(entry)
        context = context or self.context(entry)
        errors = kind.problems(entry, context)
        for f in kind.link_fields:
            target_id = getattr(entry, f.name)
            if target_id is None:
                continue
            target = by_key(f.target)
            owner = self._q(
                f"SELECT {target.parent_column} FROM {target.table} WHERE id = ?", (target_id,)
            )
            if not owner or owner[0][0] != getattr(entry, kind.parent_column):
                errors[f.name] = tr("{label}: choose one of this child's {plural}").format(
                    label=tr(f.label), plural=tr(target.plural)
                )
        row_id = getattr(entry, "id", None)
        if row_id is not None and kind.parent is not None:
            errors.update(self._linked_from_another_child(kind, entry))
        uid = getattr(entry, "uid", "")
        if row_id is None and uid and self._uid_taken(uid):
            errors["uid"] = tr(
                "Uid: {uid} is already another entry's; an entry has a uid of its own"
            ).format(uid=uid)
        if kind is CHILD and entry.id is not None and "birth_date" not in errors:
            problem = self._born_after_entries(entry)
            if problem:
                errors["birth_date"] = problem
        return errors

    def save(self, entry: E) -> tuple[E, Changes]:
        """Save one entry of any kind (new when its id is None) after its kind's rules;
        ValidationFailed (nothing written) lists every broken rule by field.  An edit that
        changes nothing (:func:`tracker.kinds.differences`) writes nothing and gives the
        stored entry with no Changes."""
        kind = kind_of(entry)
        deferred = self._deferred if kind.has_id else None  # checked at the block's end
        if deferred is None:
            errors = self.problems_of(entry)
            if errors:
                raise ValidationFailed(errors)
        row_id = getattr(entry, "id", None)
        if row_id is not None:
            stored = self.entry(type(entry), row_id)
            if not differences(kind, stored, entry):
                return stored, Changes()  # nothing changed: nothing written, no undo step
        with (
            self._write(tr("save the {singular}").format(singular=tr(kind.singular))) as conn,
            checksums.sealing(conn) as seals,
        ):
            saved = self._write_entry(conn, kind, entry, self._now(), seals)
        if deferred is not None and kind.has_id:
            deferred.append(saved)
        return saved, Changes.of(kind)

    def save_all(self, entries: Sequence[Any], progress: Progress = no_progress) -> Changes:
        """Save many entries (an import) in ONE transaction: all of them or none.

        Each is checked like :meth:`save` before anything is written; the first that
        breaks a rule raises :class:`ValidationFailed` (keys prefixed with its position,
        ``"3:taken_date"``, each message naming the entry) and the record is unchanged.
        ``progress`` hears of the checks (the first quarter) and the rows written; its
        Cancelled, like any error, leaves the record unchanged.
        """
        if not entries:
            return Changes()
        contexts: dict[tuple[str, int | None], Context] = {}
        # the entries checked so far, by child: a rule comparing entries (one log per due
        # dose) sees the others of the batch as well as the saved ones
        batch: dict[int | None, list[Any]] = {}
        checking, writing = part_of(progress, 0, 250, 1000), part_of(progress, 250, 750, 1000)
        for i, entry in enumerate(entries):
            if i % 500 == 0:
                checking(i, len(entries))
            kind = kind_of(entry)
            parent = getattr(entry, kind.parent_column) if kind.parent else None
            if (kind.key, parent) not in contexts:
                contexts[(kind.key, parent)] = _with_batch(
                    self.context(entry), batch.setdefault(parent, [])
                )
            errors = self.problems_of(entry, contexts[(kind.key, parent)])
            batch.setdefault(parent, []).append(entry)
            if errors:
                what = sentence_start(definite(kind.describe(entry)))
                raise ValidationFailed({f"{i}:{k}": f"{what}: {m}" for k, m in errors.items()})
        changed = Changes.of(*{kind_of(e).key for e in entries})
        doing = tr("save the {plural}").format(plural=tr(kind_of(entries[0]).plural))
        with self._write(doing) as conn, checksums.sealing(conn) as seals:
            now = self._now()  # one time for the whole transaction
            new = NewRows(conn, now, seals)  # new entries: one executemany per table
            for entry in entries:
                kind = kind_of(entry)
                if getattr(entry, "id", None) is None:
                    new.add_entry(kind, entry)
                    continue
                new.write()  # the rows before it first: ids in the order of the entries
                self._write_entry(conn, kind, entry, now, seals, saved=False)
            new.write(writing)
        return changed

    def _write_entry(
        self,
        conn: sqlite3.Connection,
        kind: Kind[E],
        entry: E,
        now: str,
        seals: checksums.PendingSeals,
        *,
        saved: bool = True,
    ) -> E:
        """Insert or update one entry and its own rows inside the caller's transaction,
        stamped ``now``, their seals into ``seals``; gives the entry as saved (with ids and
        uids; ``entry`` itself when ``saved`` is False: nobody looks at it).

        Rows are matched to the saved ones by their key (one value per analyte), so an
        edit keeps each row's id and uid; rows no longer there are deleted."""
        row_id, uid = self._upsert(
            conn,
            kind.table,
            getattr(entry, "id", None),
            cast(Any, entry).uid,
            kind.columns(entry),
            now,
            seals,
        )
        changes: dict[str, Any] = {"uid": uid}
        if kind.has_id:
            changes["id"] = row_id
        for f in kind.rows_fields:
            sub = by_key(f.kind)
            existing: dict[Any, tuple[int, str]] = {}
            if getattr(entry, "id", None) is not None:
                key_column = sub.field(f.key).column
                existing = {
                    r[key_column]: (r["id"], r["uid"])
                    for r in conn.execute(
                        f"SELECT id, uid, {key_column} FROM {sub.table} "
                        f"WHERE {sub.parent_column} = ?",
                        (row_id,),
                    )
                }
            saved_rows = []
            for item in getattr(entry, f.name):
                cols = {sub.parent_column: row_id, **sub.columns(item)}
                old = existing.pop(sub.field(f.key).to_db(getattr(item, f.key)), None)
                _, item_uid = self._upsert(
                    conn,
                    sub.table,
                    old[0] if old else None,
                    old[1] if old else cast(Any, item).uid,
                    cols,
                    now,
                    seals,
                )
                if saved:
                    saved_rows.append(replace(item, uid=item_uid))
            for gone, _ in existing.values():
                conn.execute(f"DELETE FROM {sub.table} WHERE id = ?", (gone,))
            changes[f.name] = tuple(saved_rows)
        if not saved:
            return entry
        return replace(entry, **changes)  # type: ignore[type-var]

    def _linked_from_another_child(self, kind: Kind[Any], entry: Any) -> dict[str, str]:
        """An entry others link to stays with their child (a phase its lumbar punctures
        name): moving it to another child would link them across children."""
        parent = getattr(entry, kind.parent_column)
        for linking, column in linking_to(kind):
            rows = self._q(
                f"SELECT count(*) FROM {linking.table} WHERE {column} = ? "
                f"AND {linking.parent_column} != ?",
                (entry.id, parent),
            )
            if rows[0][0]:
                return {
                    kind.parent_column: tr(
                        "{value} is linked to by {value2} {plural} of its child; it cannot move "
                        "to another child"
                    ).format(
                        value=sentence_start(definite(kind.describe(entry))),
                        value2=rows[0][0],
                        plural=tr(linking.plural),
                    )
                }
        return {}

    def _uid_taken(self, uid: str) -> bool:
        """Whether any entry of any kind already has ``uid`` (one identity per thing)."""
        present = tables_present(self._conn, tables())
        return any(self._q(f"SELECT 1 FROM {t} WHERE uid = ? LIMIT 1", (uid,)) for t in present)

    def _born_after_entries(self, child: Child) -> str | None:
        """A new date of birth must not leave recorded entries before birth: the earliest
        such entry, named."""
        birth = child.birth_date.isoformat()
        earliest: tuple[str, Kind[Any], sqlite3.Row] | None = None
        for kind in children_of(CHILD):
            for column in kind.birth_date_columns:
                rows = self._q(
                    f"SELECT * FROM {kind.table} WHERE {kind.parent_column} = ? AND "
                    f"{column} < ? ORDER BY {column} LIMIT 1",
                    (child.id, birth),
                )
                if rows and (earliest is None or rows[0][column] < earliest[0]):
                    earliest = (rows[0][column], kind, rows[0])
        if earliest is None:
            return None
        day, kind, row = earliest
        what = kind.describe(kind.from_row(row))
        return tr(
            "Date of birth: {what} is recorded on {day}, before {birth}; check the "
            "date of birth (or that entry's date)"
        ).format(what=what, day=_date_shown(day), birth=date_text(child.birth_date))

    def delete(self, model: type[Any], row_id: int) -> Deleted:
        """Delete one entry with its own rows (a child: with everything recorded for them);
        links to it from other entries are unlinked.  The Deleted puts it all back."""
        kind = kind_of(model)
        entry = self.entry(model, row_id)
        selections = list(self._owned(kind, "id = ?", (row_id,)))
        unlink: list[tuple[str, str, int]] = []
        changed = {kind.key}
        for owner, _, _ in selections:
            k = by_table(owner)
            assert k is not None
            changed.add(k.key if not k.part_of else kind.key)
            for linking, column in linking_to(k):
                if k is kind:
                    unlink.append((linking.table, column, row_id))
                    changed.add(linking.key)
        what = definite(kind.describe(entry))
        return self._delete(
            selections,
            kind.table,
            row_id,
            ALL_CHANGED if kind is CHILD else Changes.of(*changed),
            f"Delete {what}",
            unlink,
        )

    def _owned(
        self, kind: Kind[Any], where: str, params: tuple[Any, ...]
    ) -> Iterator[tuple[str, str, tuple[Any, ...]]]:
        """(table, where, params) of the rows selected by ``where`` and of every row that
        belongs to them, kind by kind down the registry."""
        yield kind.table, where, params
        for sub in children_of(kind):
            select = f"SELECT id FROM {kind.table} WHERE {where}"
            inner = f"{sub.parent_column} IN ({select})"
            yield from self._owned(sub, inner, params)

    # ------------------------------------------------------------------ queries of counts

    def counts(self, child_id: int, since: dt.date | None = None) -> list[CountResult]:
        """All blood counts of a child (or those taken on or after ``since``), oldest first."""
        first = since.isoformat() if since else "0000-00-00"
        return self.entries(CountResult, child_id, where="taken_date >= ?", params=(first,))

    def counts_at(
        self, child_id: int, draws: Iterable[tuple[dt.date, dt.time | None]]
    ) -> list[CountResult]:
        """The blood counts of a child taken at one of ``draws`` (a date and a time of day,
        or a date and None: no time), those of one draw by id: what an import compares
        its file with, without reading years of counts."""
        kind = kind_of(CountResult)
        if not self._has_table(kind):
            return []
        day, time = kind.field("taken_date"), kind.field("taken_time")
        asked = set(draws)
        wanted = {(day.to_db(d), time.to_db(t)) for d, t in asked}
        # by date, through the index on (child, date, time): the counts of the file's days
        # only, however many years the record holds; only those at the file's times are
        # built (the days in order, chunk after chunk: the kind's own order)
        days = sorted({d for d, _ in wanted})
        rows: list[sqlite3.Row] = []
        for start in range(0, len(days), 500):
            chunk = days[start : start + 500]
            rows.extend(
                r
                for r in self._q(
                    f"SELECT * FROM {kind.table} WHERE {kind.parent_column} = ? AND "
                    f"taken_date IN ({', '.join('?' for _ in chunk)}) ORDER BY {kind.order_by}",
                    [child_id, *chunk],
                )
                if (r["taken_date"], r["taken_time"]) in wanted
            )
        found = self._built(kind, rows)
        return [r for r in found if (r.taken_date, r.taken_time) in asked]  # (seconds: not one)

    def recent_counts(self, child_id: int, limit: int = 30) -> list[CountResult]:
        """The ``limit`` newest blood counts, oldest first (for the header at a glance)."""
        newest = self.entries(
            CountResult,
            child_id,
            where="id IN (SELECT id FROM count_result WHERE child_id = ? "  # i18n: not shown
            "ORDER BY taken_date DESC, coalesce(taken_time, '') DESC, id DESC LIMIT ?)",
            params=(child_id, limit),
        )
        return newest

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
        rows.sort(key=lambda item: tables().index(item[0]))
        return Deleted(tuple(rows), tuple(unlinked), changes, description)

    def undelete(self, deleted: Deleted) -> Changes:
        """Put back exactly what a delete removed: same ids, uids and timestamps."""
        with self._write(tr("undo the delete")) as conn:
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
        now: str,
        seals: checksums.PendingSeals,
    ) -> tuple[int, str]:
        """Insert (``row_id`` None) or update one row stamped ``now``, inside the open
        transaction; its seal (of the row as stored) goes into ``seals``."""
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
            raise KeyError(
                tr("{table} {row_id} is no longer in the record").format(table=table, row_id=row_id)
            )
        row = checksums.as_dict(names, found[0])
        seals.add(table, row)
        return int(row["id"]), str(row["uid"])

    # ------------------------------------------------------------------ meta

    @property
    def record_uid(self) -> str | None:
        """The record's own uid (given once when it was made, kept by its backups and copies);
        None in a record of a format before 3."""
        return record_identity(self._conn)[0]

    def take_record_uid(self, record_uid: str) -> None:
        """Give the record ``record_uid`` (loading an export of the same record)."""
        with self._write(tr("note the record's uid")) as conn:
            set_record_id(conn, record_uid)

    def meta(self, key: str) -> str | None:
        """One of the record's own small facts (e.g. when a copy was last saved), or None."""
        rows = self._q("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write(tr("note this in the record")) as conn:
            cur = conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at RETURNING *",
                (key, value, self._now()),
            )
            names = checksums.column_names(cur)
            checksums.seal(conn, "meta", checksums.as_dict(names, cur.fetchall()[0]))

    def begun_at(self) -> dt.datetime | None:
        """When the record's first child was saved (UTC), or None (no child yet)."""
        rows = self._q("SELECT MIN(created_at) FROM child")
        text = rows[0][0] if rows else None
        try:
            return dt.datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            return None

    def is_empty(self) -> bool:
        """True when nothing at all has been recorded yet (no child, no row of any kind)."""
        present = tables_present(self._conn, tables())
        return not any(self._q(f"SELECT 1 FROM {table} LIMIT 1") for table in present)

    def uid_exists(self, table: str, uid: str) -> bool:
        if table not in tables():
            raise ValueError(table)
        return bool(self._q(f"SELECT 1 FROM {table} WHERE uid = ?", (uid,)))

    def problems(self) -> list[str]:
        """Integrity, links, format version and every row's seal; empty means all is well."""
        with translated(self.path, tr("check the record")):
            return [p.message for p in find_problems(self._conn)]

    # ------------------------------------------------------------------ bounded reads (print)

    def counts_between(self, child_id: int, first: dt.date, last: dt.date) -> list[CountResult]:
        """The blood counts of a child taken from ``first`` to ``last`` (both included),
        oldest first: a printed range reads its own counts, not the whole history."""
        return self.entries(
            CountResult,
            child_id,
            where="taken_date BETWEEN ? AND ?",  # i18n: not shown
            params=(first.isoformat(), last.isoformat()),
        )

    def latest_count_before(self, child_id: int, day: dt.date) -> CountResult | None:
        """The newest blood count taken before ``day`` (one indexed row), or None."""
        found = self.entries(
            CountResult,
            child_id,
            where="id IN (SELECT id FROM count_result WHERE child_id = ? "  # i18n: not shown
            "AND taken_date < ? ORDER BY taken_date DESC, coalesce(taken_time, '') DESC, "
            "id DESC LIMIT 1)",
            params=(child_id, day.isoformat()),
        )
        return found[0] if found else None

    def latest_units(self, child_id: int) -> dict[str, str]:
        """The unit of each analyte as stored in the child's newest blood count holding
        it (what a new count starts with), without building every count: the analytes
        the record holds (one pass over that column, in SQLite), then one look-up each
        through the index of the child's counts, newest first."""
        kind = kind_of(CountResult)
        if not self._has_table(kind):
            return {}
        newest = (  # i18n: not shown
            "SELECT a.analyte, (SELECT v.unit FROM count_result r JOIN count_value v "
            "ON v.result_id = r.id AND v.analyte = a.analyte WHERE r.child_id = ? "
            "ORDER BY r.taken_date DESC, r.taken_time DESC, r.id DESC LIMIT 1) "
            "FROM (SELECT DISTINCT analyte FROM count_value) AS a"
        )
        return {str(a): str(u) for a, u in self._q(newest, (child_id,)) if u is not None}


def _with_batch(context: Context, batch: list[Any]) -> Context:
    """``context`` whose entries also hold those of ``batch`` (checked, not yet saved).
    The batch is indexed as it grows (by kind, and by the values a rule looks up), so an
    import of years of doses costs one pass, not a scan of the batch per entry."""
    saved_entries, saved_matching = context.entries, context.matching
    by_model: dict[type, list[Any]] = {}
    indexes: dict[tuple[type, tuple[str, ...]], dict[tuple[Any, ...], list[Any]]] = {}
    seen = [0]

    def catch_up() -> None:
        for e in batch[seen[0] :]:
            by_model.setdefault(type(e), []).append(e)
            for (model, names), index in indexes.items():
                if isinstance(e, model):
                    index.setdefault(tuple(getattr(e, n) for n in names), []).append(e)
        seen[0] = len(batch)

    def entries(key: str) -> list[Any]:
        catch_up()
        return [*saved_entries(key), *by_model.get(by_key(key).model, ())]

    def matching(key: str, values: Mapping[str, Any]) -> list[Any]:
        catch_up()
        model = by_key(key).model
        names = tuple(sorted(values))
        index = indexes.get((model, names))
        if index is None:
            index = indexes[(model, names)] = {}
            for e in by_model.get(model, ()):
                index.setdefault(tuple(getattr(e, n) for n in names), []).append(e)
        found = list(saved_matching(key, values)) if saved_matching else []
        return found + index.get(tuple(values[n] for n in names), [])

    return replace(context, entries=entries, matching=matching)


def _date_shown(text: str) -> str:
    """A date read back from the record (ISO text) as the family's locale shows it; text
    that is not a date stays as it is."""
    try:
        return date_text(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return text


class _BorrowedLock:
    """A record's lock as a :meth:`Record.writer` holds it: it checks that the record is
    still in place, and letting go of it is left to the record that took it."""

    def __init__(self, lock: RecordLock) -> None:
        self._lock = lock

    def check_in_place(self, doing: str, *, done: bool = False) -> None:
        self._lock.check_in_place(doing, done=done)

    def release(self) -> None:
        """The record that took the lock lets go of it, not this view."""
