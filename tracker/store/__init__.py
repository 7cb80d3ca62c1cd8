"""Storage: the record file, its schema and the only code that writes SQL."""

from tracker.clock import system_clock
from tracker.store.errors import (
    CannotSave,
    NotARecord,
    RecordDamaged,
    RecordError,
    RecordInUse,
    TooNew,
    ValidationFailed,
)
from tracker.store.files import APPLICATION_ID
from tracker.store.record import Deleted, Record
from tracker.store.schema import SCHEMA_VERSION

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "CannotSave",
    "Deleted",
    "NotARecord",
    "Record",
    "RecordDamaged",
    "RecordError",
    "RecordInUse",
    "TooNew",
    "ValidationFailed",
    "system_clock",
]
