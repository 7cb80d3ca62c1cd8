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
_KEY_RULE = "1 to 40 letters, digits, “-” or “_”, starting with a letter or digit"

_PLAIN_TEXT = (
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
        data = read_import_file(path, MAX_TEMPLATE_BYTES, "a roadmap template")
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
    message = message.replace("cannot be imported", "cannot be loaded")
    message = message.replace("; nothing was imported.", ".").replace(" Nothing was imported.", "")
    return message.rstrip() + " Nothing was loaded."


def stored_template(text: str) -> Template:
    """The child's own copy of a template, as a roadmap entry keeps it (named the same way
    in every message: the family never chose a file for it)."""
    return parse_template(text.encode("utf-8"), "the roadmap's own copy of its template")


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
            at = f", {phase}" if phase else ""
            raise RoadmapError(
                f"{file}, line {place[1]}{at}: {number}. Nothing was loaded."
            ) from None
        where = f", in {phase}" if phase else ""
        raise RoadmapError(
            f"{file} is not a roadmap template: it is not valid JSON ({reason}{where}). "
            "Nothing was loaded."
        ) from None
    return _Checker(file, lines).template(value)


def _listing(names: Iterable[str]) -> str:
    shown = [f"“{n}”" for n in names]
    if not shown:
        return "none"
    return ", ".join(shown)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"“{value[:60]}”"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, float):  # as written: 7.0 is not "7, not a whole number"
        return f"{value!r}" if value.is_integer() else f"{value!r}, not a whole number"
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
        at = f", line {line}" if line is not None else ""
        where = f", {self.where}" if self.where else ""
        raise RoadmapError(f"{self.file}{at}{where}: {reason}; {accepted}. Nothing was loaded.")

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
            self.refuse(path, f"{what} is {_kind(value)}", f"{what} is an object {{…}}")
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
                f"{what} has a field “{unknown[0][:60]}” that a roadmap template does not have",
                f"its fields are {_listing(fields)}",
            )

    def text(
        self, obj: dict[str, Any], key: str, path: KeyPath, *, optional: bool = False
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if optional:
                return None
            self.refuse((*path, key), f"“{key}” is missing", f"give “{key}” as text")
        if not isinstance(value, str) or not value.strip():
            self.refuse(
                (*path, key),
                f"“{key}” is {_shown(value)}",
                f"give “{key}” as text that is not empty" + (", or null" if optional else ""),
            )
        if len(value) > MAX_TEXT:
            self.refuse(
                (*path, key),
                f"“{key}” is {len(value):,} characters long",
                f"it may be at most {MAX_TEXT} characters",
            )
        hidden = hidden_character(value)
        if hidden is not None:
            self.refuse((*path, key), f"“{key}” holds {hidden}", _PLAIN_TEXT)
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
                f"the {what} “{name}” is {_shown(value) if name in obj else 'missing'}",
                f"a {what} is {_KEY_RULE}",
            )
        return value

    def whole(
        self, value: Any, path: KeyPath, what: str, low: int, high: int, *, nullable: bool
    ) -> int | None:
        if value is None and nullable:
            return None
        accepted = whole_rule(what, low, high, nullable=nullable)
        if isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0:
            minus_zero = f"{what} is -0.0, a zero with a minus sign"
            self.refuse(path, minus_zero, accepted if low > 0 else "write 0")
        number = _as_whole(value)
        if number is None:
            self.refuse(path, f"{what} is {_shown(value)}", accepted)
        shown = f"{value!r}" if isinstance(value, float) else f"{number:,}"
        if number < low:
            reason = f"{what} is {shown}" + (", a negative number" if number < 0 else "")
            self.refuse(path, reason, accepted)
        if number > high:
            self.refuse(path, f"{what} is {shown}, far more than any protocol", accepted)
        if isinstance(value, float):
            self.refuse(path, f"{what} is {shown}, written as a decimal", f"write {number}")
        return number

    def choice(
        self, enum: type[_E], value: Any, path: KeyPath, said: str, what: str, after: str = ""
    ) -> _E:
        """``value`` as one of ``enum``'s values, or refused: "{said} “x”{after}; {what} is
        one of “a”, “b”" (a phase's kind, a status's mark, a time point's "at")."""
        values = tuple(member.value for member in enum)
        if value not in values:
            tail = f" {after}" if after else ""
            self.refuse(
                path, f"{said} {_shown(value)}{tail}", f"{what} is one of {_listing(values)}"
            )
        return enum(value)

    def items(self, value: Any, path: KeyPath, what: str, most: int) -> list[Any]:
        if not isinstance(value, list):
            self.refuse(path, f"{what} is {_kind(value)}", f"{what} is a list […]")
        if len(value) > most:
            self.refuse(path, f"{what} has {len(value):,} entries", f"at most {most} are accepted")
        return value

    def key_list(
        self, value: Any, path: KeyPath, what: str, known: tuple[str, ...], known_what: str
    ) -> tuple[str, ...]:
        entries = self.items(value, path, what, MAX_PHASES)
        if not entries:
            self.refuse(path, f"{what} is empty", f"name at least one of {_listing(known)}")
        seen: list[str] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, str) or entry not in known:
                self.refuse(
                    (*path, i),
                    f"{what} names {_shown(entry)}, which is not one of the {known_what}",
                    f"the {known_what} are {_listing(known)}",
                )
            if entry in seen:
                self.refuse((*path, i), f"{what} names “{entry}” twice", "name each once")
            seen.append(entry)
        return tuple(seen)

    # ------------------------------------------------------------------ the file

    def template(self, value: Any) -> Template:
        top = self.obj(value, (), "the file", TOP_FIELDS)
        if top.get("format") != FORMAT:
            self.refuse(
                ("format",),
                f"it is not a roadmap template (its “format” is {_shown(top.get('format'))})",
                f'a template starts with "format": "{FORMAT}"',
            )
        version = top.get("version")
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            self.refuse(
                ("version",),
                f"it was made by a newer version of Treatment Tracker (roadmap format {version})",
                f"this version reads format {VERSION}; install the newer version to load it",
            )
        if isinstance(version, float) and _as_whole(version) in range(1, VERSION + 1):
            self.refuse(
                ("version",),
                f"“version” is {version!r}, written as a decimal",
                f"write {int(version)}",
            )
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            known = "only version 1 is" if VERSION == 1 else f"versions 1 to {VERSION} are"
            self.refuse(("version",), f"“version” is {_shown(version)}", f"{known} known")
        protocol = self.required_text(top, "protocol", ())
        about = self.text(top, "about", (), optional=True)
        sources = self.sources(top.get("sources", []), ("sources",))
        source_ids = tuple(s.id for s in sources)
        arms = self.arms(top.get("arms"), ("arms",), source_ids)
        arm_keys = tuple(a.key for a in arms)
        raw_phases = self.items(top.get("phases", []), ("phases",), "“phases”", MAX_PHASES)
        phases: list[PhasePlan] = []
        for i, raw in enumerate(raw_phases):
            self.where = f"phase {i + 1}"
            phase = self.phase(raw, ("phases", i), arm_keys, source_ids)
            for earlier in phases:
                if earlier.key == phase.key:
                    self.refuse(
                        ("phases", i, "key"),
                        f"the key “{phase.key}” is also the key of {earlier.label}",
                        "give every phase its own key",
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
            obj = self.obj(raw, here, f"source {i + 1}", SOURCE_FIELDS)
            sid = self.key(obj, "id", here, "source id")
            if any(s.id == sid for s in result):
                self.refuse(
                    (*here, "id"),
                    f"the source id “{sid}” is used twice",
                    "give each source its own id",
                )
            citation = self.required_text(obj, "citation", here)
            url = self.text(obj, "url", here, optional=True)
            result.append(Source(sid, citation, url))
        return tuple(result)

    def arms(self, value: Any, path: KeyPath, source_ids: tuple[str, ...]) -> tuple[Arm, ...]:
        raw_arms = self.items(value, path, "“arms”", MAX_ITEMS)
        if not raw_arms:
            self.refuse(path, "“arms” is empty", "declare at least one arm or risk group")
        result: list[Arm] = []
        for i, raw in enumerate(raw_arms):
            here = (*path, i)
            obj = self.obj(raw, here, f"arm {i + 1}", ARM_FIELDS)
            key = self.key(obj, "key", here, "arm key")
            if any(a.key == key for a in result):
                self.refuse(
                    (*here, "key"), f"the arm “{key}” is declared twice", "declare each arm once"
                )
            self.where = f"arm “{key}”"
            name = self.required_text(obj, "name", here)
            description = self.text(obj, "description", here, optional=True)
            status = None
            if obj.get("status") is not None:
                status = self.status(
                    obj["status"], (*here, "status"), "the arm's status", source_ids
                )
            result.append(Arm(key, name, description, status))
        self.where = ""
        return tuple(result)

    def status(self, value: Any, path: KeyPath, what: str, source_ids: tuple[str, ...]) -> Status:
        obj = self.obj(value, path, what, STATUS_KEYS)
        raw_mark = obj.get("mark")
        mark = self.choice(Mark, raw_mark, (*path, "mark"), f"{what} is", "a status")
        source = obj.get("source")
        if source is None and mark is Mark.VERIFIED:
            self.refuse(
                (*path, "source"),
                f"{what} is “verified” but names no source",
                f"give the id of one of the file's sources ({_listing(source_ids)}), "
                "or mark it “partly” or “unverified”",
            )
        if source is not None and source not in source_ids:
            self.refuse(
                (*path, "source"),
                f"{what} cites {_shown(source)}, which is not in the file's sources",
                f"the sources are {_listing(source_ids)}",
            )
        note = self.text(obj, "note", path, optional=True)
        return Status(mark, source, note)

    def phase(
        self, value: Any, path: KeyPath, arm_keys: tuple[str, ...], source_ids: tuple[str, ...]
    ) -> PhasePlan:
        obj = self.obj(value, path, "the phase", None)  # its fields once it can be named
        key = self.key(obj, "key", path, "phase key")
        self.where = f"phase “{key}”"
        raw_name = obj.get("name")
        if isinstance(raw_name, str) and blank(raw_name):
            self.refuse(
                (*path, "name"),
                "the phase's name is "
                + ("empty" if not raw_name else "blank (only spaces or invisible characters)"),
                "give the phase the name your protocol book uses (such as “Induction”)",
            )
        name = self.required_text(obj, "name", path)
        self.where = f"phase “{key}” ({name})"
        self.known_fields(obj, path, "the phase", PHASE_FIELDS)
        kind = self.choice(
            PhaseKind,
            obj.get("kind"),
            (*path, "kind"),
            "the kind",
            "a kind",
            "is not a kind of phase",
        )
        arms = self.key_list(
            obj.get("arms"), (*path, "arms"), "“arms”", arm_keys, "template's arms"
        )
        after = self.after(obj.get("after", []), (*path, "after"), arms)
        length = self.whole(
            obj.get("length_days"),
            (*path, "length_days"),
            "the length in days",
            1,
            MAX_LENGTH_DAYS,
            nullable=True,
        )
        lps = self.points(obj.get("lps"), (*path, "lps"), "LP", length, arms)
        mrd = self.points(obj.get("mrd"), (*path, "mrd"), "MRD time point", length, arms)
        drugs: list[str] = []
        for i, drug in enumerate(
            self.items(obj.get("drugs", []), (*path, "drugs"), "“drugs”", MAX_ITEMS)
        ):
            if not isinstance(drug, str) or not drug.strip() or len(drug) > MAX_TEXT:
                self.refuse(
                    (*path, "drugs", i),
                    f"drug {i + 1} is {_shown(drug)}",
                    "a drug is its name as text",
                )
            hidden = hidden_character(drug)
            if hidden is not None:
                self.refuse((*path, "drugs", i), f"drug {i + 1} holds {hidden}", _PLAIN_TEXT)
            drugs.append(drug)
        note = self.text(obj, "note", path, optional=True)
        raw_status = obj.get("status", {})
        status_obj = self.obj(raw_status, (*path, "status"), "“status”", STATUS_FIELDS)
        status = tuple(
            (
                f,
                self.status(
                    status_obj[f], (*path, "status", f), f"the status of “{f}”", source_ids
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
                    f"the example from another protocol cites {_shown(source)}, "
                    "which is not in the file's sources",
                    f"the sources are {_listing(source_ids)}",
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
            obj = self.obj(raw, here, f"“after” entry {i + 1}", AFTER_FIELDS)
            phase = self.key(obj, "phase", here, "phase key")
            link_arms = None
            if obj.get("arms") is not None:
                link_arms = self.key_list(
                    obj["arms"],
                    (*here, "arms"),
                    f"the “arms” of “after” entry {i + 1}",
                    arms,
                    "arms this phase applies to",
                )
            gap = self.whole(
                obj.get("gap_days", 0),
                (*here, "gap_days"),
                "the gap in days",
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
                        f"“after” names no phase this one starts after in the arm “{arm}”",
                        "name one for every arm of the phase, "
                        "or leave “after” empty for the first phase",
                    )
                if len(covering) > 1:
                    self.refuse(
                        path,
                        f"“after” names two phases for the arm “{arm}” "
                        f"(“{covering[0].phase}” and “{covering[1].phase}”)",
                        "name one phase per arm: give each entry the arms it is for",
                    )
        return tuple(links)

    def points(
        self, value: Any, path: KeyPath, what: str, length: int | None, arms: tuple[str, ...]
    ) -> tuple[TimePoint, ...] | None:
        if value is None:
            return None
        result: list[TimePoint] = []
        for i, raw in enumerate(self.items(value, path, f"the {what}s", MAX_ITEMS)):
            here = (*path, i)
            obj = self.obj(raw, here, f"{what} {i + 1}", POINT_FIELDS)
            label = self.required_text(obj, "label", here)
            at = self.choice(At, obj.get("at"), (*here, "at"), f"{what} {i + 1}'s “at” is", "“at”")
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
                        f"the {what} “{label[:60]}” is on day {_shown(raw_day)}, more than a day "
                        f"after the end of the phase's {length} days",
                        f"give a day from 1 to {high} ({high}: the day after its last day), "
                        "or change the length",
                    )
                day = self.whole(
                    raw_day, (*here, "day"), f"the day of {what} {i + 1}", 1, high, nullable=False
                )
            elif obj.get("day") is not None:
                self.refuse(
                    (*here, "day"),
                    f"the {what} “{label[:60]}” is at the phase's {at.value} and also gives a day",
                    'give a day only with "at": "day"',
                )
            point_arms = None
            if obj.get("arms") is not None:
                point_arms = self.key_list(
                    obj["arms"],
                    (*here, "arms"),
                    f"the {what}'s “arms”",
                    arms,
                    "arms this phase applies to",
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
                        f"it starts after “{link.phase}”, which is not a phase in this file",
                        f"the phases are {_listing(p.key for p in template.phases)}",
                    )
                before = template.phases[index[link.phase]]
                if before.key == phase.key:
                    self.refuse(here, "it starts after itself", "name the phase before it")
                for arm in link.arms or phase.arms:
                    if arm not in before.arms:
                        self.refuse(
                            here,
                            f"it starts after {before.label} in the arm “{arm}”, "
                            "but that phase is not in that arm",
                            f"in “{arm}” name a phase of that arm, or give the entry "
                            f"the arms it is for (of {_listing(before.arms)})",
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
                    f"both this phase and {other.label} start after “{link.phase}” "
                    f"in the arm “{arm}”",
                    "in one arm each phase is followed by one phase only; "
                    "give each “after” entry the arms it is for",
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
                        f"its “after” makes a cycle in the arm “{arm}” "
                        f"({loop}: each starts after the one before it)",
                        "every chain of phases starts from a first phase with an empty “after”",
                    )
                seen.append(link.phase)
                link = template.phases[index[link.phase]].predecessor(arm)
        firsts = [p for p in phases if p.predecessor(arm) is None]
        if len(firsts) > 1:
            self.where = firsts[1].label
            self.refuse(
                ("phases", index[firsts[1].key], "after"),
                f"both this phase and {firsts[0].label} start the arm “{arm}” "
                "(neither starts after another phase)",
                "in one arm only the first phase has an empty “after”",
            )
