"""A protocol roadmap template: what a protocol book says comes next, as data.

Pure values, no storage.  The file format is in ``docs/roadmap-format.md``; reading
and checking is :mod:`tracker.roadmap.read`, writing :mod:`tracker.roadmap.write`.
Unknown stays ``None``: a length, a gap or an LP day nobody has read in a source is
never filled in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tracker.i18n import tr
from tracker.model import PhaseKind

FORMAT = "treatment-tracker roadmap"  # i18n: not shown (the file format's own words)
VERSION = 1

MAX_LENGTH_DAYS = 1461
"""The longest phase accepted: 4 years.  Treatment as a whole runs about 2 years from
diagnosis (domain.md §1.2, maintenance), so a single phase longer than twice that is a
typing slip."""
MAX_GAP_DAYS = 365
"""The longest planned gap between two phases: a year; more is a typing slip (a real
delay is entered as the phase's real start, not as a gap)."""
MAX_PHASES = 100
"""A protocol book lists a dozen or two phases; a hundred is room for any arm."""
MAX_ITEMS = 100
"""At most this many LPs or MRD time points in one phase."""
MAX_TEXT = 500
"""The longest name, label, note or citation accepted (characters)."""


def latest_point_day(length: int | None) -> int:
    """The latest day an LP or MRD time point may have in a phase of ``length`` days: the
    day after its last day (the day-8 count after a 7-day prophase), or MAX_LENGTH_DAYS
    while the length is not known.  The one rule for a template file and a day typed."""
    return length + 1 if length is not None else MAX_LENGTH_DAYS


STATUS_FIELDS = ("name", "kind", "arms", "after", "length_days", "lps", "mrd", "drugs")
"""The phase fields that may carry a status (verified / partly / unverified / family)."""


class Mark(StrEnum):
    VERIFIED = "verified"
    PARTLY = "partly"
    UNVERIFIED = "unverified"
    FAMILY = "family"  # typed in from a family's protocol book, not read in a source


class At(StrEnum):
    """Where a time point lies in its phase."""

    START = "start"
    DAY = "day"  # day N of the phase, day 1 being its first day
    END = "end"


@dataclass(frozen=True, slots=True)
class Status:
    """How sure a field is: ``verified`` needs a ``source`` (an id from the file's sources)."""

    mark: Mark
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Arm:
    """A risk group or randomised arm the team allocates a child to (LR, MR-IB, ...)."""

    key: str
    name: str
    description: str | None = None
    status: Status | None = None


@dataclass(frozen=True, slots=True)
class After:
    """The phase this one starts after, for ``arms`` (None: every arm of the phase).

    Start = that phase's end + 1 day + ``gap_days``."""

    phase: str
    arms: tuple[str, ...] | None = None
    gap_days: int = 0


@dataclass(frozen=True, slots=True)
class TimePoint:
    """A planned LP or MRD / marrow check: at the phase's start, on day N, or at its end."""

    label: str
    at: At
    day: int | None = None
    arms: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class OtherProtocolExample:
    """What *another* protocol says about a similar phase: text only, never used for dates."""

    protocol: str
    source: str
    text: str


@dataclass(frozen=True, slots=True)
class PhasePlan:
    key: str
    name: str
    kind: PhaseKind
    arms: tuple[str, ...]
    after: tuple[After, ...] = ()  # empty: the first phase of every arm it applies to
    length_days: int | None = None  # None: not known
    lps: tuple[TimePoint, ...] | None = None  # None: not known; (): none planned
    mrd: tuple[TimePoint, ...] | None = None
    drugs: tuple[str, ...] = ()
    note: str | None = None
    status: tuple[tuple[str, Status], ...] = ()  # (field, status), in STATUS_FIELDS order
    other_protocol_example: OtherProtocolExample | None = None

    def __post_init__(self) -> None:
        # One order for the statuses (the file's), so equal plans compare equal.
        names = [name for name, _ in self.status]
        if len(set(names)) != len(names) or not set(names) <= set(STATUS_FIELDS):
            said = f"a status for each of {STATUS_FIELDS} at most: {names}"  # i18n: not shown
            raise ValueError(said)
        ordered = tuple(sorted(self.status, key=lambda pair: STATUS_FIELDS.index(pair[0])))
        object.__setattr__(self, "status", ordered)

    def status_of(self, field: str) -> Status:
        """The field's status; a field without one is unverified."""
        for name, status in self.status:
            if name == field:
                return status
        return Status(Mark.UNVERIFIED)

    @property
    def label(self) -> str:
        """How a message names the phase: its key and its name."""
        return tr("phase “{key}” ({name})").format(key=self.key, name=self.name)

    def predecessor(self, arm: str) -> After | None:
        """The phase this one starts after in ``arm`` (None: it starts the plan)."""
        for link in self.after:
            if link.arms is None or arm in link.arms:
                return link
        return None


@dataclass(frozen=True, slots=True)
class Template:
    protocol: str
    about: str | None = None
    sources: tuple[Source, ...] = ()
    arms: tuple[Arm, ...] = ()
    phases: tuple[PhasePlan, ...] = ()
    version: int = VERSION

    def phase(self, key: str) -> PhasePlan | None:
        for p in self.phases:
            if p.key == key:
                return p
        return None

    def arm(self, key: str) -> Arm | None:
        for a in self.arms:
            if a.key == key:
                return a
        return None

    def source(self, source_id: str) -> Source | None:
        for s in self.sources:
            if s.id == source_id:
                return s
        return None


def empty_template(protocol: str = "") -> Template:
    """A template to start from: one arm for everyone, no phases, no sources (called "New
    roadmap" in the current language when no ``protocol`` is given)."""
    return Template(
        protocol=protocol or tr("New roadmap"), arms=(Arm("all", tr("Everyone on this protocol")),)
    )
