"""Read FHIR R4 JSON as it really is: a Bundle, one resource, or a folder of resource files.

Real files are often slightly invalid, so this reader is tolerant where it can be and
plain where it cannot: every problem names the file and the resource (its type and id)
and what is wrong; the only exception that leaves it is :class:`UnreadableFhir` (the
whole import cannot go on: not JSON, not FHIR, too big).

* Files are read through :func:`tracker.io.import_file.read_import_file` (a FIFO, a
  device, a huge file are refused before a byte is read) and parsed by
  :func:`tracker.io.json_text.parse_fast` (duplicate keys, NaN and nesting deeper than
  Python's parser goes are refused; the standard library's C parser: a Bundle of 10,000
  Observations reads in 0.2 s, against 0.7 s with the line-keeping reader).
* A Bundle of any type (collection, searchset, document, transaction, …) gives the
  resources of its entries; a Bundle inside a Bundle is read too (two levels).
* A folder (an Apple Health ``clinical-records`` folder) gives the ``*.json`` files
  directly inside it, one resource or Bundle each, in name order; sub-folders and other
  files are not read (so a link loop is never followed).
* Limits: a file is at most 64 MiB and an import at most 50,000 resources.  A Bundle of
  10,000 Observations (bench/fhir_import.py) is 5.9 MB; a family's portal export of a whole
  treatment is a few thousand resources.  Above the limits the message says so plainly.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.i18n import N_, tr
from tracker.io.import_file import ImportFileError, MiB, read_import_file
from tracker.io.json_text import JsonImportError, parse_fast
from tracker.store.errors import RecordError

MAX_FHIR_BYTES = 64 * MiB
MAX_RESOURCES = 50_000
_WHAT = N_("a FHIR file")


class UnreadableFhir(RecordError):
    """The import cannot go on at all; ``str()`` is the plain reason."""


class TooManyResources(UnreadableFhir):
    """More resources than one import reads (MAX_RESOURCES)."""


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource as read, with the file it came from and the ids it can be referred by."""

    type: str
    id: str
    data: dict[str, Any]
    file: str  # the file's name, for messages
    full_url: str = ""  # the Bundle entry's fullUrl
    contained: tuple[Resource, ...] = ()

    @property
    def label(self) -> str:
        """ "Observation f005 in Bundle-101.json" """
        return f"{self.type} {self.id or tr('(no id)')} in {self.file}"


@dataclass(slots=True)
class FhirSource:
    """Everything read: the resources in file order, and each problem as a sentence."""

    resources: list[Resource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files: int = 0


def read_fhir_path(path: Path | str) -> FhirSource:
    """The resources of a file or a folder of files; UnreadableFhir when nothing can be read."""
    path = Path(path)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    source = FhirSource()
    if st is not None and stat.S_ISDIR(st.st_mode):
        names = _json_files(path)
        if not names:
            raise UnreadableFhir(
                tr(
                    "{path} is a folder with no .json files in it; choose a FHIR file or a "
                    "folder of them (such as Apple Health's clinical-records). Nothing was "
                    "imported."
                ).format(path=path)
            )
        for name in names:
            try:
                data = read_import_file(path / name, MAX_FHIR_BYTES, tr(_WHAT))
            except ImportFileError as exc:
                source.problems.append(f"{name}: {_without_nothing(str(exc))}")
                continue
            try:
                read_fhir_bytes(data, name, source)
            except TooManyResources:
                raise
            except UnreadableFhir as exc:
                source.problems.append(_without_nothing(str(exc)))
            source.files += 1
        if not source.resources and source.problems:
            raise UnreadableFhir(
                (
                    tr(
                        "No file in {path} could be read as FHIR: {value} (and {n} more). "
                        "Nothing was imported."
                    )
                    if len(source.problems) > 1
                    else tr(
                        "No file in {path} could be read as FHIR: {value}. Nothing was imported."
                    )
                ).format(path=path, value=source.problems[0], n=len(source.problems) - 1)
            )
        return source
    data = read_import_file(path, MAX_FHIR_BYTES, tr(_WHAT))
    read_fhir_bytes(data, path.name, source)
    source.files = 1
    return source


def _json_files(folder: Path) -> list[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        raise UnreadableFhir(
            tr("{folder} cannot be read ({value}).").format(
                folder=folder, value=exc.strerror or exc
            )
        ) from None
    names = [e.name for e in entries if e.name.lower().endswith(".json")]
    if len(names) > MAX_RESOURCES:
        raise TooManyResources(_too_many(len(names), "files"))
    return sorted(names)


def _without_nothing(message: str) -> str:
    return message.removesuffix(tr(" Nothing was imported.")).removesuffix(
        tr("; nothing was imported.")
    )


def _too_many(n: int, what: str = "resources") -> str:
    return tr(
        "The import holds {n:,} {what}; at most {MAX_RESOURCES:,} resources are "
        "read at once (a portal's export of a whole treatment holds a few "
        "thousand), so this is probably not one. Nothing was imported."
    ).format(n=n, what=what, MAX_RESOURCES=MAX_RESOURCES)


def read_fhir_bytes(data: bytes, name: str, source: FhirSource) -> None:
    """Add the resources of one file's bytes to ``source``; UnreadableFhir if it is not FHIR."""
    try:
        doc = parse_fast(data)
    except JsonImportError as exc:
        reason = exc.problems[0] if exc.problems else str(exc)
        raise UnreadableFhir(
            tr("{name} is not JSON, so not a FHIR file ({reason}). Nothing was imported.").format(
                name=name, reason=reason
            )
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("resourceType"), str):
        raise UnreadableFhir(
            tr(
                "{name} is JSON but not FHIR: it has no resourceType (a FHIR file is a "
                "Bundle or a resource such as an Observation). Nothing was imported."
            ).format(name=name)
        )
    for r in _resources(doc, name, source.problems, "", 0):
        if len(source.resources) >= MAX_RESOURCES:
            raise TooManyResources(_too_many(_count_entries(doc) + len(source.resources)))
        source.resources.append(r)


def _count_entries(doc: dict[str, Any]) -> int:
    entries = doc.get("entry")
    return len(entries) if isinstance(entries, list) else 1


def _resources(
    doc: dict[str, Any], file: str, problems: list[str], full_url: str, depth: int
) -> Iterator[Resource]:
    kind = doc.get("resourceType")
    rid = doc.get("id")
    rid_text = rid if isinstance(rid, str) else ""
    if not isinstance(kind, str) or not kind.strip():
        problems.append(
            tr("a resource in {file} has no resourceType; it was left out").format(file=file)
        )
        return
    if kind != "Bundle":
        yield _resource(kind, rid_text, doc, file, full_url, problems)
        return
    if depth >= 2:
        problems.append(
            tr("Bundle {value} in {file}: nested too deeply; left out").format(
                value=rid_text or tr("(no id)"), file=file
            )
        )
        return
    entries = doc.get("entry", [])
    if not isinstance(entries, list):
        problems.append(
            tr("Bundle {value} in {file}: entry is not a list").format(
                value=rid_text or tr("(no id)"), file=file
            )
        )
        return
    if len(entries) > MAX_RESOURCES:
        raise TooManyResources(_too_many(len(entries)))
    for i, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            if isinstance(entry, dict) and "request" in entry and "resource" not in entry:
                continue  # a transaction's DELETE or GET: nothing to read
            problems.append(
                tr("entry {i} of Bundle {value} in {file} has no resource").format(
                    i=i, value=rid_text or tr("(no id)"), file=file
                )
            )
            continue
        url = entry.get("fullUrl")
        yield from _resources(
            resource, file, problems, url if isinstance(url, str) else "", depth + 1
        )


def _resource(
    kind: str, rid: str, doc: dict[str, Any], file: str, full_url: str, problems: list[str]
) -> Resource:
    contained: list[Resource] = []
    inner = doc.get("contained", [])
    if isinstance(inner, list):
        for c in inner:
            if isinstance(c, dict) and isinstance(c.get("resourceType"), str):
                cid = c.get("id")
                contained.append(
                    Resource(c["resourceType"], cid if isinstance(cid, str) else "", c, file)
                )
            else:
                problems.append(
                    tr(
                        "{kind} {value} in {file}: a contained resource has no resourceType; it "
                        "was left out"
                    ).format(kind=kind, value=rid or tr("(no id)"), file=file)
                )
    return Resource(kind, rid, doc, file, full_url, tuple(contained))
