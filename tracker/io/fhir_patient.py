"""The Patient of a FHIR file: who it is (compared with the child, as the CSV import compares
a file's date of birth), and the child it becomes in a record that has none.

The name is the first ``name``'s ``text``, else its ``given`` and ``family``; it is refused
when it holds a character not shown (tracker.text_checks; a line break too).  ``birthDate``
must be one whole day: a date with a time, or only a year or a month, is said as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.i18n import tr
from tracker.i18n.formats import date_text
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
        other_name = bool(self.name) and not _same_person(self.name, child.name)
        other_birth = self.birth_date is not None and self.birth_date != child.birth_date
        if other_name and other_birth:
            said = tr(
                "This file is for {file_name} and gives a date of birth of {file_birth}, but "
                "the record's child is {name}, born on {birth_date}. Check that it is "
                "{name}'s file before importing."
            )
        elif other_name:
            said = tr(
                "This file is for {file_name}, but the record's child is {name}, born on "
                "{birth_date}. Check that it is {name}'s file before importing."
            )
        elif other_birth:
            said = tr(
                "This file gives a date of birth of {file_birth}, but the record's child is "
                "{name}, born on {birth_date}. Check that it is {name}'s file before importing."
            )
        else:
            return ""
        return said.format(
            file_name=self.name,
            file_birth=date_text(self.birth_date) if self.birth_date else "",
            name=child.name,
            birth_date=date_text(child.birth_date),
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
        return None, None, tr("the file has no Patient"), ""
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
        reason = tr("the Patient's name holds a hidden {removeprefix}").format(
            removeprefix=hidden.removeprefix("a ")
        )
        return (
            None,
            None,
            reason,
            tr("{reason}; nothing was imported from it").format(reason=reason),
        )
    birth: dt.date | None = None
    why = ""
    written = p.get("birthDate")
    if isinstance(written, str):
        birth, why = _birth_date(written.strip())
    elif written is None:
        why = tr("the file's Patient has no date of birth (birthDate)")
    else:
        why = tr("the file's Patient has a date of birth (birthDate) that is not a date")
    shown = [f"Patient {patients[0].id or tr('(no id)')}"]
    if name:
        shown.append(name)
    if birth is not None:
        shown.append(tr("born {date}").format(date=date_text(birth)))
    identity = PatientIdentity(lines=(" · ".join(shown),), birth_date=birth, name=name)
    child = Child(name=name or "Child", birth_date=birth) if birth is not None else None
    return identity, child, why, ""


def _birth_date(text: str) -> tuple[dt.date | None, str]:
    """A Patient's birthDate, or why it is not one whole day."""
    m = WHEN_PATTERN.match(text)
    if m is None:
        return None, tr("the file's Patient's date of birth “{value}” is not a FHIR date").format(
            value=text[:40]
        )
    if m["d"] is None:
        return None, (
            tr(
                "the file's Patient's date of birth “{text}” gives only a year or a "
                "month; the child's record needs the day"
            ).format(text=text)
        )
    if m["h"] is not None:
        return None, (
            tr(
                "the file's Patient's date of birth “{value}” holds a time; FHIR's "
                "birthDate is a date alone, such as 2025-06-01"
            ).format(value=text[:40])
        )
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, tr(
            "the file's Patient's date of birth “{text}” is not a day of the calendar"
        ).format(text=text)
