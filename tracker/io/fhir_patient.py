"""The Patient of a FHIR file: who it is (compared with the child, as the CSV import compares
a file's date of birth), and the child it becomes in a record that has none.

The name is the first ``name``'s ``text``, else its ``given`` and ``family``; it is refused
when it holds a character not shown (tracker.text_checks; a line break too).  ``birthDate``
must be one whole day: a date with a time, or only a year or a month, is said as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.io.csv_import import FileIdentity
from tracker.io.fhir_fields import WHEN_PATTERN
from tracker.io.fhir_read import Resource
from tracker.model import Child
from tracker.text_checks import hidden_character


@dataclass(frozen=True, slots=True)
class PatientIdentity(FileIdentity):
    """Who the file's Patient is; the warning when that is not the chosen child."""

    name: str = ""

    def mismatch(self, child: Child) -> str:
        said = []
        if self.name and not _same_person(self.name, child.name):
            said.append(f"is for {self.name}")
        if self.birth_date is not None and self.birth_date != child.birth_date:
            said.append(f"gives a date of birth of {self.birth_date.isoformat()}")
        if not said:
            return ""
        return (
            f"This file {' and '.join(said)}, but the record's child is {child.name}, born "
            f"on {child.birth_date.isoformat()}. Check that it is {child.name}'s file before "
            "importing."
        )


def _same_person(file_name: str, child_name: str) -> bool:
    wanted = child_name.strip().casefold()
    words = file_name.casefold().split()
    return (
        wanted == file_name.strip().casefold()
        or wanted in words
        or (bool(words) and wanted.split()[:1] == words[:1])
    )


def read_patient(
    patients: list[Resource],
) -> tuple[PatientIdentity | None, Child | None, str, str]:
    """Who the file's (first) Patient is, the child it would be in an empty record, why it
    cannot be that child ("" when it can), and why the Patient is refused altogether (a
    problem of the import, "" when it is not)."""
    if not patients:
        return None, None, "the file has no Patient", ""
    p = patients[0].data
    name = ""
    names = p.get("name")
    for n in names if isinstance(names, list) else []:
        if not isinstance(n, dict):
            continue
        if isinstance(n.get("text"), str) and n["text"].strip():
            name = n["text"].strip()
        else:
            given = (
                [g for g in n.get("given", []) if isinstance(g, str)]
                if isinstance(n.get("given"), list)
                else []
            )
            family = n.get("family")
            name = " ".join([*given, family if isinstance(family, str) else ""]).strip()
        if name:
            break
    hidden = hidden_character(name, "")
    if hidden is not None:
        reason = f"the Patient's name holds a hidden {hidden.removeprefix('a ')}"
        return None, None, reason, f"{reason}; nothing was imported from it"
    birth: dt.date | None = None
    why = ""
    written = p.get("birthDate")
    if isinstance(written, str):
        birth, why = _birth_date(written.strip())
    elif written is None:
        why = "the file's Patient has no date of birth (birthDate)"
    else:
        why = "the file's Patient has a date of birth (birthDate) that is not a date"
    shown = [f"Patient {patients[0].id or '(no id)'}"]
    if name:
        shown.append(name)
    if birth is not None:
        shown.append(f"born {birth.isoformat()}")
    identity = PatientIdentity(lines=(" · ".join(shown),), birth_date=birth, name=name)
    child = Child(name=name or "Child", birth_date=birth) if birth is not None else None
    return identity, child, why, ""


def _birth_date(text: str) -> tuple[dt.date | None, str]:
    """A Patient's birthDate, or why it is not one whole day."""
    m = WHEN_PATTERN.match(text)
    if m is None:
        return None, f"the file's Patient's date of birth “{text[:40]}” is not a FHIR date"
    if m["d"] is None:
        return None, (
            f"the file's Patient's date of birth “{text}” gives only a year or a month; the "
            "child's record needs the day"
        )
    if m["h"] is not None:
        return None, (
            f"the file's Patient's date of birth “{text[:40]}” holds a time; FHIR's birthDate "
            "is a date alone, such as 2025-06-01"
        )
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, f"the file's Patient's date of birth “{text}” is not a day of the calendar"
