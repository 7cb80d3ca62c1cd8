"""Every kind of entry the record holds, declared once (docs/adding-a-kind.md).

``from tracker.kinds import kind_of, PHASE`` … : the declarations (:mod:`.kind`), their
fields (:mod:`.fields`), the list of all of them (:mod:`.registry`) and :class:`Changes`.
"""

from tracker.kinds.agenda import APPOINTMENT, QUESTION
from tracker.kinds.changes import ALL_CHANGED, Changes
from tracker.kinds.child import CHILD
from tracker.kinds.cns import CNS_VISIT, IT_DOSE
from tracker.kinds.count import COUNT, COUNT_OTHER, COUNT_VALUE
from tracker.kinds.kind import Context, DateRule, Kind
from tracker.kinds.milestone import MILESTONE
from tracker.kinds.phase import PHASE
from tracker.kinds.registry import (
    all_kinds,
    by_key,
    by_table,
    child_kinds,
    children_of,
    differences,
    entry_kinds,
    kind_of,
    linking_to,
    register,
    tables,
)
from tracker.kinds.threshold import THRESHOLD

__all__ = [
    "ALL_CHANGED",
    "APPOINTMENT",
    "CHILD",
    "CNS_VISIT",
    "COUNT",
    "COUNT_OTHER",
    "COUNT_VALUE",
    "IT_DOSE",
    "MILESTONE",
    "PHASE",
    "QUESTION",
    "THRESHOLD",
    "Changes",
    "Context",
    "DateRule",
    "Kind",
    "all_kinds",
    "by_key",
    "by_table",
    "child_kinds",
    "children_of",
    "differences",
    "entry_kinds",
    "kind_of",
    "linking_to",
    "register",
    "tables",
]
