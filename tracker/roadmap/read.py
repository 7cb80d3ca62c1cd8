"""Read a roadmap template file and check it whole, or refuse it with one plain sentence.

The file is read through :func:`tracker.io.import_file.read_import_file` (a FIFO, a
device, a folder or a huge file is refused before a byte is read) and parsed by the
JSON export's strict reader (no duplicate keys, no NaN, bounded depth, the line of every
value).  Then every field is checked: unknown fields, an unknown phase kind or arm, a
cycle or a missing phase in "after", a negative or absurd length or gap, an LP or MRD
day outside a known length, a key used twice.  The message names the file, the line,
the phase (key and name), what is wrong and what would be accepted; nothing is loaded.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import resources
from tracker.forms import blank
from tracker.i18n import N_, tr
from tracker.io.import_file import ImportFileError, read_import_file
from tracker.io.json_text import JsonImportError, KeyPath, parse_with_lines
from tracker.model import PhaseKind
from tracker.roadmap.broken_json import not_a_number, phase_at, whole_rule
from tracker.roadmap.template import (
    FORMAT,
    MAX_GAP_DAYS,
    MAX_ITEMS,
    MAX_LENGTH_DAYS,
    MAX_PHASES,
    MAX_TEXT,
    STATUS_FIELDS,
    VERSION,
    After,
    Arm,
    At,
    Mark,
    OtherProtocolExample,
    PhasePlan,
    Source,
    Status,
    Template,
    TimePoint,
    latest_point_day,
)
from tracker.store.errors import RecordError
from tracker.text_checks import hidden_character

_E = TypeVar("_E", bound=StrEnum)

MAX_TEMPLATE_BYTES = 1024 * 1024
"""A roadmap of 20 phases is about 10 KB (the shipped Interfant-06 one: see the tests);
a megabyte is a hundred times that."""

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", re.ASCII)
_KEY_RULE = N_("1 to 40 letters, digits, “-” or “_”, starting with a letter or digit")

_PLAIN_TEXT = N_(
    "write it as plain text, without control or text-direction characters "
    "(a line break or a tab may stay)"
)

TOP_FIELDS = ("format", "version", "protocol", "about", "sources", "arms", "phases")
SOURCE_FIELDS = ("id", "citation", "url")
ARM_FIELDS = ("key", "name", "description", "status")
PHASE_FIELDS = (
    "key",
    "name",
    "kind",
    "arms",
    "after",
    "length_days",
    "lps",
    "mrd",
    "drugs",
    "note",
    "status",
    "other_protocol_example",
)
AFTER_FIELDS = ("phase", "arms", "gap_days")
POINT_FIELDS = ("label", "at", "day", "arms")
STATUS_KEYS = ("mark", "source", "note")
EXAMPLE_FIELDS = ("protocol", "source", "text")


class RoadmapError(RecordError):
    """A roadmap template (or a plan made from one) is refused; ``str()`` is the message."""


def load_template(path: Path | str) -> Template:
    """The template in ``path``, or :class:`RoadmapError` naming the file, phase and reason."""
    path = Path(path)
    try:
        data = read_import_file(path, MAX_TEMPLATE_BYTES, tr("a roadmap template"))
    except ImportFileError as exc:
        raise RoadmapError(_file_message(str(exc), path)) from None
    return parse_template(data, path.name)


def by_name(message: str, path: Path) -> str:
    """``message`` with the file ``path`` named by its name, as the family chose it in the
    file dialog: every message about a template file (read or written) names it so; a
    folder named in it stays whole (where it is)."""
    return message.replace(str(path), path.name)


def _file_message(message: str, path: Path) -> str:
    """The reader's refusal worded as the template's own: the file's name (as every other
    refusal names it), "loaded" for "imported", and that nothing was loaded."""
    message = by_name(message, path)
    # the file reader's own English words (tracker.io), reworded for a template
    message = message.replace("cannot be imported", "cannot be loaded")  # i18n: not shown
    message = message.replace("; nothing was imported.", ".")  # i18n: not shown
    message = message.replace(" Nothing was imported.", "")  # i18n: not shown
    return tr("{message} Nothing was loaded.").format(message=message.rstrip())


def stored_template(text: str) -> Template:
    """The child's own copy of a template, as a roadmap entry keeps it (named the same way
    in every message: the family never chose a file for it)."""
    return parse_template(text.encode("utf-8"), tr("the roadmap's own copy of its template"))


def shipped_template(name: str) -> Template:
    """One of the templates in ``resources/roadmaps/`` (``"interfant-06"``, ``"empty"``...)."""
    file = f"{name}.json"
    return parse_template(resources.read_bytes(f"roadmaps/{file}"), file)


def parse_template(data: bytes, file: str) -> Template:
    """The template in ``data`` (read from ``file``, named in every message)."""
    try:
        value, lines = parse_with_lines(data)
    except JsonImportError as exc:
        reason = exc.problems[0] if exc.problems else str(exc)
        place = re.match(r"line (\d+), column (\d+)", reason)
        phase = phase_at(data, int(place[1]), int(place[2])) if place else None
        number = not_a_number(data, int(place[1]), int(place[2])) if place else None
        if number is not None and place is not None:
            if phase:
                message = tr("{file}, line {line}, {phase}: {problem}. Nothing was loaded.")
            else:
                message = tr("{file}, line {line}: {problem}. Nothing was loaded.")
            raise RoadmapError(
                message.format(file=file, line=place[1], phase=phase, problem=number)
            ) from None
        if phase:
            message = tr(
                "{file} is not a roadmap template: it is not valid JSON ({reason}, in {phase}). "
                "Nothing was loaded."
            )
        else:
            message = tr(
                "{file} is not a roadmap template: it is not valid JSON ({reason}). "
                "Nothing was loaded."
            )
        raise RoadmapError(message.format(file=file, reason=reason, phase=phase)) from None
    return _Checker(file, lines).template(value)


def _listing(names: Iterable[str]) -> str:
    shown = [f"“{n}”" for n in names]
    if not shown:
        return tr("none")
    return ", ".join(shown)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return tr("a number")
    if isinstance(value, str):
        return tr("text")
    if isinstance(value, list):
        return tr("a list")
    return tr("an object")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value[:60]}”"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):  # as written: 7.0 is not "7, not a whole number"
        return (
            f"{value!r}"
            if value.is_integer()
            else tr("{value}, not a whole number").format(value=f"{value!r}")
        )
    return _kind(value)


def _as_whole(value: Any) -> int | None:
    """``value`` as a whole number when it is one: an int, or a decimal such as 7.0 (which
    is refused as written, naming the whole number to write); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class _Checker:
    def __init__(self, file: str, lines: dict[KeyPath, int]) -> None:
        self.file = file
        self.lines = lines
        self.where = ""  # the phase (or arm, source) being read, for messages

    # ------------------------------------------------------------------ refusing

    def refuse(self, path: KeyPath, reason: str, accepted: str) -> NoReturn:
        line = self._line(path)
        if line is not None and self.where:
            message = tr("{file}, line {line}, {where}: {reason}; {accepted}. Nothing was loaded.")
        elif line is not None:
            message = tr("{file}, line {line}: {reason}; {accepted}. Nothing was loaded.")
        elif self.where:
            message = tr("{file}, {where}: {reason}; {accepted}. Nothing was loaded.")
        else:
            message = tr("{file}: {reason}; {accepted}. Nothing was loaded.")
        raise RoadmapError(
            message.format(
                file=self.file, line=line, where=self.where, reason=reason, accepted=accepted
            )
        )

    def _line(self, path: KeyPath) -> int | None:
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]

    # ------------------------------------------------------------------ values

    def obj(
        self, value: Any, path: KeyPath, what: str, fields: tuple[str, ...] | None
    ) -> dict[str, Any]:
        """``value`` as an object with only ``fields`` (None: checked by the caller later)."""
        if not isinstance(value, dict):
            self.refuse(
                path,
                tr("{what} is {kind}").format(what=what, kind=_kind(value)),
                tr("{what} is an object {{…}}").format(what=what),
            )
        if fields is not None:
            self.known_fields(value, path, what, fields)
        return value

    def known_fields(
        self, value: dict[str, Any], path: KeyPath, what: str, fields: tuple[str, ...]
    ) -> None:
        unknown = [k for k in value if k not in fields]
        if unknown:
            self.refuse(
                (*path, unknown[0]),
                tr("{what} has a field “{unknown}” that a roadmap template does not have").format(
                    what=what, unknown=unknown[0][:60]
                ),
                tr("its fields are {names}").format(names=_listing(fields)),
            )

    def text(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if optional:
                return None
            self.refuse(
                (*path, key),
                tr("“{key}” is missing").format(key=key),
                tr("give “{key}” as text").format(key=key),
            )
        if not isinstance(value, str) or not value.strip():
            self.refuse(
                (*path, key),
                tr("“{key}” is {value}").format(key=key, value=_shown(value)),
                tr("give “{key}” as text that is not empty, or null").format(key=key)
                if optional
                else tr("give “{key}” as text that is not empty").format(key=key),
            )
        if len(value) > MAX_TEXT:
            self.refuse(
                (*path, key),
                tr("“{key}” is {length} characters long").format(key=key, length=f"{len(value):,}"),
                tr("it may be at most {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT),
            )
        hidden = hidden_character(value)
        if hidden is not None:
            self.refuse(
                (*path, key),
                tr("“{key}” holds {hidden}").format(key=key, hidden=hidden),
                tr(_PLAIN_TEXT),
            )
        return value

    def required_text(self, obj: dict[str, Any], key: str, path: KeyPath) -> str:
        value = self.text(obj, key, path)
        assert value is not None
        return value

    def key(self, obj: dict[str, Any], name: str, path: KeyPath, what: str) -> str:
        value = obj.get(name)
        if not isinstance(value, str) or not _KEY.fullmatch(value):
            self.refuse(
                (*path, name),
                tr("the {what} “{name}” is {value}").format(
                    what=what, name=name, value=_shown(value)
                )
                if name in obj
                else tr("the {what} “{name}” is missing").format(what=what, name=name),
                tr("a {what} is {rule}").format(what=what, rule=tr(_KEY_RULE)),
            )
        return value

    def whole(
        self, value: Any, path: KeyPath, what: str, low: int, high: int, *, nullable: bool
    ) -> int | None:
        if value is None and nullable:
            return None
        accepted = whole_rule(what, low, high, nullable=nullable)
        if isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0:
            minus_zero = tr("{what} is -0.0, a zero with a minus sign").format(what=what)
            self.refuse(path, minus_zero, accepted if low > 0 else tr("write 0"))
        number = _as_whole(value)
        if number is None:
            self.refuse(
                path, tr("{what} is {value}").format(what=what, value=_shown(value)), accepted
            )
        shown = f"{value!r}" if isinstance(value, float) else f"{number:,}"
        if number < low:
            reason = (
                tr("{what} is {value}, a negative number")
                if number < 0
                else tr("{what} is {value}")
            ).format(what=what, value=shown)
            self.refuse(path, reason, accepted)
        if number > high:
            self.refuse(
                path,
                tr("{what} is {shown}, far more than any protocol").format(what=what, shown=shown),
                accepted,
            )
        if isinstance(value, float):
            self.refuse(
                path,
                tr("{what} is {shown}, written as a decimal").format(what=what, shown=shown),
                tr("write {number}").format(number=number),
            )
        return number

    def choice(
        self, enum: type[_E], value: Any, path: KeyPath, said: str, what: str, after: str = ""
    ) -> _E:
        """``value`` as one of ``enum``'s values, or refused: "{said} “x”{after}; {what} is
        one of “a”, “b”" (a phase's kind, a status's mark, a time point's "at")."""
        values = tuple(member.value for member in enum)
        if value not in values:
            if after:
                reason = tr("{said} {value} {after}").format(
                    said=said, value=_shown(value), after=after
                )
            else:
                reason = tr("{said} {value}").format(said=said, value=_shown(value))
            self.refuse(
                path,
                reason,
                tr("{what} is one of {names}").format(what=what, names=_listing(values)),
            )
        return enum(value)

    def items(self, value: Any, path: KeyPath, what: str, most: int) -> list[Any]:
        if not isinstance(value, list):
            self.refuse(
                path,
                tr("{what} is {kind}").format(what=what, kind=_kind(value)),
                tr("{what} is a list […]").format(what=what),
            )
        if len(value) > most:
            self.refuse(
                path,
                tr("{what} has {length} entries").format(what=what, length=f"{len(value):,}"),
                tr("at most {most} are accepted").format(most=most),
            )
        return value

    def key_list(
        self, value: Any, path: KeyPath, what: str, known: tuple[str, ...], known_what: str
    ) -> tuple[str, ...]:
        entries = self.items(value, path, what, MAX_PHASES)
        if not entries:
            self.refuse(
                path,
                tr("{what} is empty").format(what=what),
                tr("name at least one of {names}").format(names=_listing(known)),
            )
        seen: list[str] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, str) or entry not in known:
                self.refuse(
                    (*path, i),
                    tr("{what} names {value}, which is not one of the {known_what}").format(
                        what=what, value=_shown(entry), known_what=known_what
                    ),
                    tr("the {what} are {names}").format(what=known_what, names=_listing(known)),
                )
            if entry in seen:
                self.refuse(
                    (*path, i),
                    tr("{what} names “{entry}” twice").format(what=what, entry=entry),
                    tr("name each once"),
                )
            seen.append(entry)
        return tuple(seen)

    # ------------------------------------------------------------------ the file

    def template(self, value: Any) -> Template:
        top = self.obj(value, (), tr("the file"), TOP_FIELDS)
        if top.get("format") != FORMAT:
            self.refuse(
                ("format",),
                tr("it is not a roadmap template (its “format” is {value})").format(
                    value=_shown(top.get("format"))
                ),
                tr('a template starts with "format": "{FORMAT}"').format(FORMAT=FORMAT),
            )
        version = top.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            self.refuse(
                ("version",),
                tr(
                    "it was made by a newer version of Treatment Tracker (roadmap format {version})"
                ).format(version=version),
                tr(
                    "this version reads format {VERSION}; install the newer version to load it"
                ).format(VERSION=VERSION),
            )
        if isinstance(version, float) and _as_whole(version) in range(1, VERSION + 1):
            self.refuse(
                ("version",),
                tr("“version” is {version}, written as a decimal").format(version=f"{version!r}"),
                tr("write {number}").format(number=int(version)),
            )
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            known = (
                tr("only version 1 is known")
                if VERSION == 1
                else tr("versions 1 to {version} are known").format(version=VERSION)
            )
            self.refuse(
                ("version",), tr("“version” is {value}").format(value=_shown(version)), known
            )
        protocol = self.required_text(top, "protocol", ())
        about = self.text(top, "about", (), optional=True)
        sources = self.sources(top.get("sources", []), ("sources",))
        source_ids = tuple(s.id for s in sources)
        arms = self.arms(top.get("arms"), ("arms",), source_ids)
        arm_keys = tuple(a.key for a in arms)
        raw_phases = self.items(top.get("phases", []), ("phases",), "“phases”", MAX_PHASES)
        phases: list[PhasePlan] = []
        for i, raw in enumerate(raw_phases):
            self.where = tr("phase {n}").format(n=i + 1)
            phase = self.phase(raw, ("phases", i), arm_keys, source_ids)
            for earlier in phases:
                if earlier.key == phase.key:
                    self.refuse(
                        ("phases", i, "key"),
                        tr("the key “{key}” is also the key of {label}").format(
                            key=phase.key, label=earlier.label
                        ),
                        tr("give every phase its own key"),
                    )
            phases.append(phase)
        self.where = ""
        template = Template(
            protocol=protocol,
            about=about,
            sources=sources,
            arms=arms,
            phases=tuple(phases),
            version=version,
        )
        self.chains(template)
        return template

    def sources(self, value: Any, path: KeyPath) -> tuple[Source, ...]:
        result: list[Source] = []
        for i, raw in enumerate(self.items(value, path, "“sources”", MAX_ITEMS)):
            here = (*path, i)
            obj = self.obj(raw, here, tr("source {n}").format(n=i + 1), SOURCE_FIELDS)
            sid = self.key(obj, "id", here, tr("source id"))
            if any(s.id == sid for s in result):
                self.refuse(
                    (*here, "id"),
                    tr("the source id “{sid}” is used twice").format(sid=sid),
                    tr("give each source its own id"),
                )
            citation = self.required_text(obj, "citation", here)
            url = self.text(obj, "url", here, optional=True)
            result.append(Source(sid, citation, url))
        return tuple(result)

    def arms(self, value: Any, path: KeyPath, source_ids: tuple[str, ...]) -> tuple[Arm, ...]:
        raw_arms = self.items(value, path, "“arms”", MAX_ITEMS)
        if not raw_arms:
            self.refuse(path, tr("“arms” is empty"), tr("declare at least one arm or risk group"))
        result: list[Arm] = []
        for i, raw in enumerate(raw_arms):
            here = (*path, i)
            obj = self.obj(raw, here, tr("arm {n}").format(n=i + 1), ARM_FIELDS)
            key = self.key(obj, "key", here, tr("arm key"))
            if any(a.key == key for a in result):
                self.refuse(
                    (*here, "key"),
                    tr("the arm “{key}” is declared twice").format(key=key),
                    tr("declare each arm once"),
                )
            self.where = tr("arm “{key}”").format(key=key)
            name = self.required_text(obj, "name", here)
            description = self.text(obj, "description", here, optional=True)
            status = None
            if obj.get("status") is not None:
                status = self.status(
                    obj["status"], (*here, "status"), tr("the arm's status"), source_ids
                )
            result.append(Arm(key, name, description, status))
        self.where = ""
        return tuple(result)

    def status(self, value: Any, path: KeyPath, what: str, source_ids: tuple[str, ...]) -> Status:
        obj = self.obj(value, path, what, STATUS_KEYS)
        raw_mark = obj.get("mark")
        mark = self.choice(
            Mark, raw_mark, (*path, "mark"), tr("{what} is").format(what=what), tr("a status")
        )
        source = obj.get("source")
        if source is None and mark is Mark.VERIFIED:
            self.refuse(
                (*path, "source"),
                tr("{what} is “verified” but names no source").format(what=what),
                tr(
                    "give the id of one of the file's sources ({names}), or mark it “partly” or "
                    "“unverified”"
                ).format(names=_listing(source_ids)),
            )
        if source is not None and source not in source_ids:
            self.refuse(
                (*path, "source"),
                tr("{what} cites {value}, which is not in the file's sources").format(
                    what=what, value=_shown(source)
                ),
                tr("the sources are {names}").format(names=_listing(source_ids)),
            )
        note = self.text(obj, "note", path, optional=True)
        return Status(mark, source, note)

    def phase(
        self, value: Any, path: KeyPath, arm_keys: tuple[str, ...], source_ids: tuple[str, ...]
    ) -> PhasePlan:
        obj = self.obj(value, path, tr("the phase"), None)  # its fields once it can be named
        key = self.key(obj, "key", path, tr("phase key"))
        self.where = tr("phase “{key}”").format(key=key)
        raw_name = obj.get("name")
        if isinstance(raw_name, str) and blank(raw_name):
            self.refuse(
                (*path, "name"),
                tr("the phase's name is empty")
                if not raw_name
                else tr("the phase's name is blank (only spaces or invisible characters)"),
                tr("give the phase the name your protocol book uses (such as “Induction”)"),
            )
        name = self.required_text(obj, "name", path)
        self.where = tr("phase “{key}” ({name})").format(key=key, name=name)
        self.known_fields(obj, path, tr("the phase"), PHASE_FIELDS)
        kind = self.choice(
            PhaseKind,
            obj.get("kind"),
            (*path, "kind"),
            tr("the kind"),
            "a kind",
            tr("is not a kind of phase"),
        )
        arms = self.key_list(
            obj.get("arms"), (*path, "arms"), "“arms”", arm_keys, "template's arms"
        )
        after = self.after(obj.get("after", []), (*path, "after"), arms)
        length = self.whole(
            obj.get("length_days"),
            (*path, "length_days"),
            tr("the length in days"),
            1,
            MAX_LENGTH_DAYS,
            nullable=True,
        )
        lps = self.points(obj.get("lps"), (*path, "lps"), tr("LP"), length, arms)
        mrd = self.points(obj.get("mrd"), (*path, "mrd"), tr("MRD time point"), length, arms)
        drugs: list[str] = []
        for i, drug in enumerate(
            self.items(obj.get("drugs", []), (*path, "drugs"), "“drugs”", MAX_ITEMS)
        ):
            if not isinstance(drug, str) or not drug.strip() or len(drug) > MAX_TEXT:
                self.refuse(
                    (*path, "drugs", i),
                    tr("drug {n} is {value}").format(n=i + 1, value=_shown(drug)),
                    tr("a drug is its name as text"),
                )
            hidden = hidden_character(drug)
            if hidden is not None:
                self.refuse(
                    (*path, "drugs", i),
                    tr("drug {n} holds {hidden}").format(n=i + 1, hidden=hidden),
                    tr(_PLAIN_TEXT),
                )
            drugs.append(drug)
        note = self.text(obj, "note", path, optional=True)
        raw_status = obj.get("status", {})
        status_obj = self.obj(raw_status, (*path, "status"), "“status”", STATUS_FIELDS)
        status = tuple(
            (
                f,
                self.status(
                    status_obj[f],
                    (*path, "status", f),
                    tr("the status of “{f}”").format(f=f),
                    source_ids,
                ),
            )
            for f in STATUS_FIELDS
            if f in status_obj
        )
        example = None
        if obj.get("other_protocol_example") is not None:
            here = (*path, "other_protocol_example")
            ex = self.obj(
                obj["other_protocol_example"], here, "“other_protocol_example”", EXAMPLE_FIELDS
            )
            protocol = self.required_text(ex, "protocol", here)
            source = ex.get("source")
            if source not in source_ids:
                self.refuse(
                    (*here, "source"),
                    tr(
                        "the example from another protocol cites {value}, which is not in the "
                        "file's sources"
                    ).format(value=_shown(source)),
                    tr("the sources are {names}").format(names=_listing(source_ids)),
                )
            example = OtherProtocolExample(protocol, source, self.required_text(ex, "text", here))
        return PhasePlan(
            key=key,
            name=name,
            kind=kind,
            arms=arms,
            after=after,
            length_days=length,
            lps=lps,
            mrd=mrd,
            drugs=tuple(drugs),
            note=note,
            status=status,
            other_protocol_example=example,
        )

    def after(self, value: Any, path: KeyPath, arms: tuple[str, ...]) -> tuple[After, ...]:
        links: list[After] = []
        for i, raw in enumerate(self.items(value, path, "“after”", MAX_ITEMS)):
            here = (*path, i)
            obj = self.obj(raw, here, tr("“after” entry {n}").format(n=i + 1), AFTER_FIELDS)
            phase = self.key(obj, "phase", here, tr("phase key"))
            link_arms = None
            if obj.get("arms") is not None:
                link_arms = self.key_list(
                    obj["arms"],
                    (*here, "arms"),
                    tr("the “arms” of “after” entry {n}").format(n=i + 1),
                    arms,
                    tr("arms this phase applies to"),
                )
            gap = self.whole(
                obj.get("gap_days", 0),
                (*here, "gap_days"),
                tr("the gap in days"),
                0,
                MAX_GAP_DAYS,
                nullable=False,
            )
            assert gap is not None
            links.append(After(phase, link_arms, gap))
        if links:
            for arm in arms:
                covering = [link for link in links if link.arms is None or arm in link.arms]
                if not covering:
                    self.refuse(
                        path,
                        tr(
                            "“after” names no phase this one starts after in the arm “{arm}”"
                        ).format(arm=arm),
                        tr(
                            "name one for every arm of the phase, or leave “after” empty for the "
                            "first phase"
                        ),
                    )
                if len(covering) > 1:
                    self.refuse(
                        path,
                        tr(
                            "“after” names two phases for the arm “{arm}” (“{phase}” and "
                            "“{phase2}”)"
                        ).format(arm=arm, phase=covering[0].phase, phase2=covering[1].phase),
                        tr("name one phase per arm: give each entry the arms it is for"),
                    )
        return tuple(links)

    def points(
        self, value: Any, path: KeyPath, what: str, length: int | None, arms: tuple[str, ...]
    ) -> tuple[TimePoint, ...] | None:
        if value is None:
            return None
        result: list[TimePoint] = []
        plural = tr("the LPs") if what == tr("LP") else tr("the MRD time points")
        for i, raw in enumerate(self.items(value, path, plural, MAX_ITEMS)):
            here = (*path, i)
            obj = self.obj(raw, here, tr("{what} {n}").format(what=what, n=i + 1), POINT_FIELDS)
            label = self.required_text(obj, "label", here)
            at = self.choice(
                At,
                obj.get("at"),
                (*here, "at"),
                tr("{what} {n}'s “at” is").format(what=what, n=i + 1),
                "“at”",
            )
            day = None
            if at is At.DAY:
                # Day N counts from the phase's day 1 and may be the day after its last
                # day (the day-8 count after a 7-day prophase), never later.
                high = latest_point_day(length)
                raw_day = obj.get("day")
                whole_day = _as_whole(raw_day)
                if whole_day is not None and length is not None and whole_day > high:
                    self.refuse(
                        (*here, "day"),
                        tr(
                            "the {what} “{label}” is on day {value}, more than a day after the "
                            "end of the phase's {length} days"
                        ).format(what=what, label=label[:60], value=_shown(raw_day), length=length),
                        tr(
                            "give a day from 1 to {high} ({high}: the day after its last day), or "
                            "change the length"
                        ).format(high=high),
                    )
                day = self.whole(
                    raw_day,
                    (*here, "day"),
                    tr("the day of {what} {n}").format(what=what, n=i + 1),
                    1,
                    high,
                    nullable=False,
                )
            elif obj.get("day") is not None:
                self.refuse(
                    (*here, "day"),
                    tr(
                        "the {what} “{label}” is at the phase's {value} and also gives a day"
                    ).format(what=what, label=label[:60], value=at.value),
                    tr('give a day only with "at": "day"'),
                )
            point_arms = None
            if obj.get("arms") is not None:
                point_arms = self.key_list(
                    obj["arms"],
                    (*here, "arms"),
                    tr("the {what}'s “arms”").format(what=what),
                    arms,
                    tr("arms this phase applies to"),
                )
            result.append(TimePoint(label, at, day, point_arms))
        return tuple(result)

    # ------------------------------------------------------------------ chains

    def chains(self, template: Template) -> None:
        """Every "after" names a phase of the file that runs in that arm, and each arm is one
        chain: one first phase, no phase followed by two, no cycle."""
        index = {p.key: i for i, p in enumerate(template.phases)}
        for i, phase in enumerate(template.phases):
            self.where = phase.label
            for j, link in enumerate(phase.after):
                here: KeyPath = ("phases", i, "after", j, "phase")
                if link.phase not in index:
                    self.refuse(
                        here,
                        tr("it starts after “{phase}”, which is not a phase in this file").format(
                            phase=link.phase
                        ),
                        tr("the phases are {names}").format(
                            names=_listing(p.key for p in template.phases)
                        ),
                    )
                before = template.phases[index[link.phase]]
                if before.key == phase.key:
                    self.refuse(here, tr("it starts after itself"), tr("name the phase before it"))
                for arm in link.arms or phase.arms:
                    if arm not in before.arms:
                        self.refuse(
                            here,
                            tr(
                                "it starts after {label} in the arm “{arm}”, but that phase is "
                                "not in that arm"
                            ).format(label=before.label, arm=arm),
                            tr(
                                "in “{arm}” name a phase of that arm, or give the entry the arms "
                                "it is for (of {names})"
                            ).format(arm=arm, names=_listing(before.arms)),
                        )
        for declared in template.arms:
            self.chain(template, declared.key, index)
        self.where = ""

    def chain(self, template: Template, arm: str, index: dict[str, int]) -> None:
        phases = [p for p in template.phases if arm in p.arms]
        if not phases:
            return
        follows: dict[str, str] = {}
        for p in phases:
            link = p.predecessor(arm)
            if link is None:
                continue
            self.where = p.label
            if link.phase in follows:
                other = template.phases[index[follows[link.phase]]]
                self.refuse(
                    ("phases", index[p.key], "after"),
                    tr(
                        "both this phase and {label} start after “{phase}” in the arm “{arm}”"
                    ).format(label=other.label, phase=link.phase, arm=arm),
                    tr(
                        "in one arm each phase is followed by one phase only; give each “after” "
                        "entry the arms it is for"
                    ),
                )
            follows[link.phase] = p.key
        for p in phases:  # a cycle: walking back never reaches a first phase
            seen = [p.key]
            link = p.predecessor(arm)
            while link is not None:
                if link.phase in seen:
                    self.where = p.label
                    loop = " → ".join([*seen[seen.index(link.phase) :], link.phase][::-1])
                    self.refuse(
                        ("phases", index[p.key], "after"),
                        tr(
                            "its “after” makes a cycle in the arm “{arm}” ({loop}: each starts "
                            "after the one before it)"
                        ).format(arm=arm, loop=loop),
                        tr("every chain of phases starts from a first phase with an empty “after”"),
                    )
                seen.append(link.phase)
                link = template.phases[index[link.phase]].predecessor(arm)
        firsts = [p for p in phases if p.predecessor(arm) is None]
        if len(firsts) > 1:
            self.where = firsts[1].label
            self.refuse(
                ("phases", index[firsts[1].key], "after"),
                tr(
                    "both this phase and {label} start the arm “{arm}” (neither starts after "
                    "another phase)"
                ).format(label=firsts[0].label, arm=arm),
                tr("in one arm only the first phase has an empty “after”"),
            )
