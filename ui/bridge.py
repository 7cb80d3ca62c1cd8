"""The Qt side of the record: operations with undo, and one ``changed`` signal.

Views never touch the database: they read through :attr:`RecordBridge.record`
and change it through the methods here, each of which is one transaction and
one step on the undo stack.

Lists several screens show (the header and the timeline both show the phases) are read
once through :meth:`RecordBridge.entries` and kept until a change of their kind: the
``changed`` signal drops them, before any view hears of it.  A long list (years of blood
counts) takes the one entry a step saved or deleted in, in place, instead of being read
again (:data:`IN_PLACE`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from tracker.display import UnitPreference
from tracker.i18n import tr
from tracker.kinds import ALL_CHANGED, Changes, kind_of
from tracker.kinds.kind import bare
from tracker.model import Child, CountResult, Phase
from tracker.store import Deleted, Record, RecordDamaged, RecordError

E = TypeVar("E")
# the one entry a change wrote: (before, after); None before when added, after when deleted
Written = tuple[Any, Any] | None
# The one entry (its model and id) a step saved, deleted or put back, with its own rows
# (a count's values): what the kept lists of its kind take in place (RecordBridge.forget).
Entry = tuple[type[Any], int] | None


def _count_order(count: CountResult) -> tuple[Any, ...]:
    """A count's place in ``record.entries``' order (its kind's ``order_by``: the date,
    the time as stored, or '' when none, then the id)."""
    time = count.taken_time.strftime("%H:%M") if count.taken_time is not None else ""
    return (count.taken_date, time, count.id)


# The kinds whose kept lists take a saved or deleted entry in, in place, rather than being
# read again (years of them: issue 16), with their order in Python.
IN_PLACE: dict[type[Any], Callable[[Any], tuple[Any, ...]]] = {CountResult: _count_order}


class _Applied(QUndoCommand):
    """A change already made; the stack's first ``redo`` is skipped.

    An undo or redo the record refuses (a rule an entry saved since would break) changes
    nothing: ``refused(text, reason)`` tells the family, and the step leaves the stack
    (it cannot be taken back), so the stack and the record keep telling the same story.

    ``written()`` is the one entry the step writes, (before, after), or None (more than one,
    or not known); undo writes it the other way round (:attr:`RecordBridge.written`)."""

    def __init__(
        self,
        text: str,
        undo: Callable[[], Changes],
        redo: Callable[[], Changes],
        notify: Callable[[Changes, Written], None],
        refused: Callable[[str, str], None],
        written: Callable[[], Written] = lambda: None,
        moved: Callable[[str], None] = lambda _how: None,
    ) -> None:
        super().__init__(text)
        self._undo, self._redo, self._notify, self._refused = undo, redo, notify, refused
        self._written = written
        self._moved = moved  # told "saved", "undone" or "redone" before the index moves
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            self._moved("saved")
            return
        self._moved("redone")
        self._run(self._redo, False)

    def undo(self) -> None:
        self._moved("undone")
        self._run(self._undo, True)

    def _run(self, step: Callable[[], Changes], back: bool) -> None:
        try:
            changes = step()
        except RecordError as exc:
            self.setObsolete(True)
            self._moved("not undone" if back else "not redone")
            self._refused(self.text(), str(exc))
            return
        written = self._written()
        self._notify(changes, (written[1], written[0]) if back and written else written)


class RecordBridge(QObject):
    """Operations on the open record.

    Signals:
        changed(Changes): something was saved, deleted, undone or redone.
        child_selected(int): the child shown everywhere changed (its id).
        display_changed(): the units values are shown in changed.
        refused(str, str): an undo or redo (its text) was refused by the record (why).
    """

    changed = Signal(object)
    refused = Signal(str, str)
    child_selected = Signal(int)
    display_changed = Signal()
    damaged = Signal()  # a read met damage in the record file (ui/damage.py says so once)

    def __init__(self, record: Record, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.undo_stack = QUndoStack(self)
        self._child_id: int | None = None
        self.unit_preference = UnitPreference.AS_REPORTED
        self.show_grades = False
        # What entries() read, by (kind key, child id): the lists, kept until their kind
        # changes; and the children.  ``_forgotten``: the change already forgotten by _emit
        # (its own ``changed`` is not forgotten twice).
        self._lists: dict[tuple[str, int | None], list[Any]] = {}
        self._children: list[Child] | None = None
        self._forgotten: Changes | None = None
        # The record connection's count of rows written when the lists were last known
        # good: a write no ``changed`` told of (a script, a test) drops them all.
        self._written_rows = self._rows_written()
        # While ``changed`` is being sent: the one entry the change wrote, (before, after)
        # (None before: added; None after: deleted), or None when it wrote more or is not
        # known.  A view may then change that one row instead of reading its list again.
        self.written: Written = None
        # How the undo stack last moved: "saved" (a new step), "undone", "redone", or "not
        # undone" / "not redone" (refused: the step left the stack); set before its index
        # changes, so that the window can say what happened.
        self.last_move = ""
        # The kinds (keys) whose last read met damage in the file: shown as unreadable, not
        # as "nothing yet"; a read that succeeds again takes its kind out.
        self.unreadable: set[str] = set()
        children = self.children()
        if children:
            self._child_id = children[0].id
        # first of all the slots: a view told of a change reads the lists again, not the
        # ones kept from before it (a test, or a tool, may send ``changed`` itself)
        self.changed.connect(self._changed_signal)

    def _step_moved(self, how: str) -> None:
        self.last_move = how

    # ------------------------------------------------------------------ shared reads

    def entries(self, model: type[E], child_id: int | None = None) -> list[E]:
        """Every entry of ``model``'s kind (of the child ``child_id``), as
        ``record.entries`` gives them, read once and kept until a change of the kind (or of
        the child) or another record: the header, the timeline and the tabs that show the
        same list share one read.  A new list each time (the entries themselves are frozen
        and shared): the caller may sort or reverse it."""
        self._check_unannounced()
        key = (kind_of(model).key, child_id)
        cached = self._lists.get(key)
        if cached is None:
            try:
                cached = self.record.entries(model, child_id)
            except RecordDamaged:
                self.met_damage(key[0])
                return []
            self.unreadable.discard(key[0])
            self._lists[key] = cached
        return list(cached)

    def met_damage(self, kind_key: str) -> None:
        """A read of ``kind_key``'s entries met damage in the record file (the record now
        refuses saves): the views show that part as unreadable, and the window says so
        once (``damaged``), instead of a crash."""
        self.unreadable.add(kind_key)
        self.damaged.emit()

    def read_failed(self, *kind_keys: str) -> bool:
        """Whether the last read of any of ``kind_keys`` met damage in the record file."""
        return any(key in self.unreadable for key in kind_keys)

    def keep(self, model: type[E], child_id: int | None, entries: list[E], rows: int) -> None:
        """Keep ``entries``, the whole list of ``model``'s kind of ``child_id`` read on
        another connection (a history read off the GUI thread), as :meth:`entries` would
        have read it, when the record was written no more since: ``rows``, the record
        connection's count of rows written when the read began, is still the count."""
        self._check_unannounced()
        if rows < 0 or rows != self._written_rows:
            return  # a save since: what was read may not hold it
        self._lists[(kind_of(model).key, child_id)] = list(entries)

    def kept(self, model: type[E], child_id: int | None) -> list[E] | None:
        """The whole list of ``model``'s kind of ``child_id`` when it is kept (a new list),
        else None: nothing is read."""
        self._check_unannounced()
        cached = self._lists.get((kind_of(model).key, child_id))
        return None if cached is None else list(cached)

    def counts(self, child_id: int) -> list[CountResult]:
        """The child's blood counts, oldest first (:meth:`entries`)."""
        return self.entries(CountResult, child_id)

    def recent_counts(self, child_id: int, limit: int = 30) -> list[CountResult]:
        """The ``limit`` newest blood counts, oldest first: from the counts kept when they
        are (the whole history was read), else one short query (``record.recent_counts``)."""
        self._check_unannounced()
        cached = self._lists.get((kind_of(CountResult).key, child_id))
        if cached is not None:
            return cached[-limit:] if limit > 0 else []
        try:
            return self.record.recent_counts(child_id, limit)
        except RecordDamaged:
            self.met_damage(kind_of(CountResult).key)
            return []

    def phases(self, child_id: int) -> list[Phase]:
        """The child's phases, in the record's order (:meth:`entries`)."""
        return self.entries(Phase, child_id)

    def children(self) -> list[Child]:
        """The children in the record, read once and kept until a child changes."""
        self._check_unannounced()
        if self._children is None:
            try:
                self._children = self.record.children()
            except RecordDamaged:
                self.met_damage(kind_of(Child).key)
                return []
            self.unreadable.discard(kind_of(Child).key)
        return list(self._children)

    def forget(self, changes: Changes, entry: Entry = None) -> None:
        """Drop the lists ``changes`` touched (all of them when a child changed): the next
        :meth:`entries` reads them again.  ``entry``: the one entry the change wrote (or
        deleted) with its own rows, and nothing else of its kind: a kept list of a kind of
        :data:`IN_PLACE` takes it in (or lets it go) instead, from one row read again."""
        self._written_rows = self._rows_written()  # every write so far is told of
        if changes.everything or Child in changes:
            self._lists.clear()
            self._children = None
            return
        kept = self._take_in(changes, entry)
        for key in [key for key in self._lists if changes.touches(key[0]) and key[0] != kept]:
            del self._lists[key]

    def _take_in(self, changes: Changes, entry: Entry) -> str | None:
        """Put ``entry`` as the record now holds it in the kept lists of its kind (out of
        them when deleted), in their order; the kind's key, or None when its lists are
        to be dropped (the change wrote other entries of it too, or not only its kind)."""
        if entry is None or changes.display or entry[0] not in IN_PLACE:
            return None
        model, row_id = entry
        key = kind_of(model).key
        if changes.kinds != {key}:
            return None
        lists = [k for k in self._lists if k[0] == key]
        if not lists:
            return key  # nothing kept: nothing to do
        try:
            now: Any = self.record.entry(model, row_id)
        except KeyError:
            now = None  # deleted
        except Exception:  # not readable now: read the lists again when next asked
            return None
        order = IN_PLACE[model]
        for k in lists:
            kept = self._lists[k]
            # from the end: what is saved is most often the newest
            at = next((i for i in range(len(kept) - 1, -1, -1) if kept[i].id == row_id), None)
            if at is not None:
                del kept[at]
            if now is not None and (k[1] is None or k[1] == getattr(now, "child_id", None)):
                kept.insert(bisect.bisect_right(kept, order(now), key=order), now)
        return key

    def _rows_written(self) -> int:
        try:
            return int(self.record.connection.total_changes)
        except Exception:  # closed, or a stand-in record: nothing kept is trusted
            return -1

    def _check_unannounced(self) -> None:
        """Forget every list kept when the record was written since without a ``changed``
        (the program's own saves all tell of theirs)."""
        written = self._rows_written()
        if written != self._written_rows or written < 0:
            self._lists.clear()
            self._children = None
            self._written_rows = written

    def _changed_signal(self, changes: object) -> None:
        if changes is self._forgotten:
            return  # already forgotten by _emit, before it sent them
        if isinstance(changes, Changes):
            self.forget(changes)
        else:  # not a Changes: nothing kept can be trusted
            self.forget(ALL_CHANGED)

    def set_show_grades(self, on: bool) -> None:
        if on != self.show_grades:
            self.show_grades = on
            self.display_changed.emit()

    def set_unit_preference(self, preference: UnitPreference) -> None:
        if preference is not self.unit_preference:
            self.unit_preference = preference
            self.display_changed.emit()

    # ------------------------------------------------------------------ current child

    @property
    def child_id(self) -> int | None:
        return self._child_id

    def current_child(self) -> Child | None:
        if self._child_id is None:
            return None
        return next((c for c in self.children() if c.id == self._child_id), None)

    def select_child(self, child_id: int) -> None:
        if child_id != self._child_id:
            self._child_id = child_id
            self.child_selected.emit(child_id)

    def _emit(self, changes: Changes, written: Written = None, entry: Entry = None) -> None:
        self.forget(changes, entry)  # before the child is looked for, and before any view reads
        if Child in changes and self.current_child() is None:
            children = self.children()
            self._child_id = children[0].id if children else None
            self.child_selected.emit(self._child_id if self._child_id is not None else -1)
        self.written = written
        self._forgotten = changes
        try:
            self.changed.emit(changes)
        finally:
            self.written = None
            self._forgotten = None

    def replace_record(self, record: Record) -> None:
        """The record file was replaced (a restore): forget undo, show the new one."""
        self.record = record
        self.undo_stack.clear()
        self.forget(ALL_CHANGED)  # before child_selected: its views read the new record
        children = self.children()
        ids = [c.id for c in children]
        if self._child_id not in ids:
            self._child_id = children[0].id if children else None
        self.child_selected.emit(self._child_id if self._child_id is not None else -1)
        self._forgotten = ALL_CHANGED
        try:
            self.changed.emit(ALL_CHANGED)
        finally:
            self._forgotten = None

    def changed_outside(self, changes: Changes) -> None:
        """Something was written without the undo stack (an import): refresh the views."""
        self._emit(changes)

    # ------------------------------------------------------------------ saving

    def save(self, entry: E, text: str | None = None) -> E:
        """Save an entry of any kind (one transaction) as one step on the undo stack;
        ``text`` names the step as what happened ("appointment of 2026-12-08 cancelled",
        "dose of 6-mercaptopurine given"; default "… added" or "… changed", the entry as
        its kind describes it)."""
        kind = kind_of(entry)
        model = type(entry)
        before = self.record.entry(model, entry.id) if entry.id is not None else None  # type: ignore[attr-defined]
        saved, changes = self.record.save(entry)
        if before is not None and not changes.any:
            return saved  # an edit that changed nothing: no undo step
        one: Entry = (model, saved.id)  # type: ignore[attr-defined]

        def notify(step: Changes, written: Written) -> None:  # the kept lists take it in
            self._emit(step, written, one)

        if before is None:
            holder: dict[str, Deleted] = {}

            def undo_add() -> Changes:
                holder["deleted"] = self.record.delete(model, saved.id)  # type: ignore[attr-defined]
                return holder["deleted"].changes

            def redo_add() -> Changes:
                return self.record.undelete(holder["deleted"])

            def added() -> Written:  # the entry alone, unless its delete took more with it
                deleted = holder.get("deleted")
                alone = deleted is None or (len(deleted.rows) == 1 and not deleted.unlinked)
                return (None, saved) if alone else None

            text = text or tr("{what} added").format(what=bare(kind.describe(saved)))
            self.undo_stack.push(
                _Applied(
                    text, undo_add, redo_add, notify, self.refused.emit, added, self._step_moved
                )
            )
        else:
            text = text or tr("{what} changed").format(what=bare(kind.describe(before)))
            self.undo_stack.push(
                _Applied(
                    text,
                    lambda: self.record.save(before)[1],
                    lambda: self.record.save(saved)[1],
                    notify,
                    self.refused.emit,
                    lambda: (before, saved),
                    self._step_moved,
                )
            )
        if isinstance(saved, Child) and self._child_id is None:
            self.forget(changes)  # the new child is in the list the views read
            self._child_id = saved.id
            self.child_selected.emit(saved.id)
        self._emit(changes, (before, saved), one)
        return saved

    def save_edit_and_new(
        self,
        edited: E,
        added: E,
        text: str,
        moved: Callable[[E], Sequence[Any]] | None = None,
    ) -> tuple[E, E]:
        """Save an edit of one saved entry and a new entry together (a dose change ends a
        plan and starts the next), with the entries ``moved(new entry)`` gives re-linked
        to the new one (the doses logged since the change): one transaction checked as a
        whole (Record.checked_at_end), one step on the undo stack; undo puts every entry
        back exactly and removes the new one, in one transaction too."""
        model = type(edited)
        before = self.record.entry(model, edited.id)  # type: ignore[attr-defined]
        with self.record.checked_at_end(text):
            saved_edit, changes = self.record.save(edited)
            saved_new, more = self.record.save(added)
            moves = list(moved(saved_new)) if moved is not None else []
            moved_before = [self.record.entry(type(m), m.id) for m in moves]
            moved_after = [self.record.save(m)[0] for m in moves]
        changes = changes | more
        if moves:
            changes = changes | Changes.of(*{kind_of(m).key for m in moves})
        holder: dict[str, Deleted] = {}

        def undo() -> Changes:
            with self.record.checked_at_end(text):
                for entry in moved_before:
                    self.record.save(entry)
                holder["deleted"] = self.record.delete(type(added), saved_new.id)  # type: ignore[attr-defined]
                self.record.save(before)
            return changes

        def redo() -> Changes:
            with self.record.checked_at_end(text):
                self.record.save(saved_edit)
                self.record.undelete(holder["deleted"])
                for entry in moved_after:
                    self.record.save(entry)
            return changes

        self.undo_stack.push(
            _Applied(text, undo, redo, self._emit, self.refused.emit, moved=self._step_moved)
        )
        self._emit(changes)
        return saved_edit, saved_new

    def save_together(self, entries: Sequence[Any], text: str) -> list[Any]:
        """Save several entries, new and edited (a roadmap with the phases it plans), in one
        transaction and as ONE step on the undo stack; undo deletes the new ones and puts
        the edited ones back, in one transaction too."""
        before = [self.record.entry(type(e), e.id) if e.id is not None else None for e in entries]
        with self.record.batch(text):
            saved = [self.record.save(e)[0] for e in entries]
        changes = Changes.of(*{kind_of(e).key for e in entries})
        holder: dict[str, list[Deleted]] = {"deleted": []}

        def undo() -> Changes:
            with self.record.batch(text):
                holder["deleted"] = []
                for now, old in reversed(list(zip(saved, before, strict=True))):
                    if old is None:
                        holder["deleted"].append(self.record.delete(type(now), now.id))
                    else:
                        self.record.save(old)
            return changes

        def redo() -> Changes:
            with self.record.batch(text):
                for deleted in reversed(holder["deleted"]):
                    self.record.undelete(deleted)
                for now, old in zip(saved, before, strict=True):
                    if old is not None:
                        self.record.save(now)
            return changes

        self.undo_stack.push(
            _Applied(text, undo, redo, self._emit, self.refused.emit, moved=self._step_moved)
        )
        self._emit(changes)
        return saved

    # ------------------------------------------------------------------ deleting

    def delete(self, model: type[Any], row_id: int) -> None:
        """Delete an entry of any kind (with what belongs to it) as one undo step."""
        what = bare(kind_of(model).describe(self.record.entry(model, row_id)))
        text = tr("{what} deleted").format(what=what)
        state = {"deleted": self.record.delete(model, row_id)}

        def undo() -> Changes:
            return self.record.undelete(state["deleted"])

        def redo() -> Changes:
            state["deleted"] = self.record.delete(model, row_id)
            return state["deleted"].changes

        def notify(step: Changes, written: Written) -> None:  # the kept lists let it go
            self._emit(step, written, (model, row_id))

        self.undo_stack.push(
            _Applied(text, undo, redo, notify, self.refused.emit, moved=self._step_moved)
        )
        self._emit(state["deleted"].changes, None, (model, row_id))
