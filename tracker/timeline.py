"""The timeline's layout, without Qt: record + date range → lanes of drawables.

Time is measured in days as floats (``x = date.toordinal() + time/24h``), so the
Qt side maps x linearly to pixels.  Everything here is pure and tested headless:
lane packing, visible-range selection by bisection, axis ticks on calendar dates
(as ``rrule`` gives them), and min/max thinning of dense series so painting cost follows the
screen width, not the length of the history.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY

from tracker import analytes, fever, labels, medicines, range_units, ranges, schedule
from tracker.analytes import format_number
from tracker.anc import calculate_anc
from tracker.dates import day_month, day_of_phase, short_month
from tracker.display import converted_number, typed_number, unit_spelling
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, date_time_text, decimal_text, time_text
from tracker.kinds import growth as growth_kind
from tracker.kinds import stay as stay_kind
from tracker.kinds import transfusion as transfusion_kind
from tracker.kinds.dose import DOSE_STATUS as DOSE_WORDS
from tracker.kinds.symptom import SEVERITY_LABELS, grade_label, what_words
from tracker.kinds.temperature import done_words, site_words
from tracker.model import (
    Appointment,
    CnsStatus,
    CnsVisit,
    CountResult,
    DoseLog,
    DoseStatus,
    FeverRule,
    Growth,
    MedicinePlan,
    Milestone,
    Phase,
    PhaseKind,
    Roadmap,
    Stay,
    Symptom,
    TeamThreshold,
    Temperature,
    Transfusion,
)
from tracker.mrd import format_mrd
from tracker.roadmap import child as roadmap_child
from tracker.roadmap.done import entered_items, entered_status
from tracker.roadmap.plan import What
from tracker.roadmap.planned_entries import planned_lp_entries
from tracker.roadmap.read import RoadmapError
from tracker.roadmap.shift import is_moved
from tracker.visits import Visit, series_dates
from tracker.visits import visits as visits_of

# Where the family entered no team number, a default line (tracker.ranges.default_lines:
# domain.md §6, each with its name and source; none for haemoglobin).
TEAM_SOURCE = N_("your team's number")


def _when(day: dt.date, at: dt.time | None) -> str:
    """A date, with its time when there is one, as a tooltip says it."""
    return date_time_text(dt.datetime.combine(day, at)) if at is not None else date_text(day)


CHART_ANALYTES = ("anc", "hgb", "plt")
# Lanes drawn as bars over days (spans), not as marks.
SPAN_LANES = ("phases", "symptoms", "medicines", "stays")
# How far ahead the timeline draws a repeating appointment that has no end.
SERIES_AHEAD_DAYS = 182
# What each lane is laid out from: the names of build()'s inputs ("today": the day it is);
# a chart of one analyte is laid out from CHART_INPUTS.
LANE_INPUTS: dict[str, tuple[str, ...]] = {
    "phases": ("phases", "today"),
    "milestones": ("milestones",),
    "cns": ("visits",),
    "growth": ("growth",),
    "temperatures": ("temperatures", "fever_rules"),
    "symptoms": ("symptoms",),
    "doses": ("medicine_plans", "doses"),
    "medicines": ("medicine_plans", "today"),
    "stays": ("stays", "today"),
    "appointments": ("appointments", "today"),
    "plan": ("roadmaps", "phases", "visits", "milestones", "today"),
    "transfusions": ("transfusions", "counts", "display_units"),
}
CHART_INPUTS = ("counts", "display_units", "thresholds", "team_thresholds")
# The kind of a temperature's mark at or above the team's fever number (drawn in vermillion).
AT_FEVER_NUMBER = "fever_number"


def x_of(d: dt.date, t: dt.time | None = None) -> float:
    x = float(d.toordinal())
    if t is not None:
        x += (t.hour * 60 + t.minute) / 1440.0
    return x


def date_of(x: float) -> dt.date:
    return dt.date.fromordinal(math.floor(x))


# ---------------------------------------------------------------------- drawables


@dataclass(frozen=True, slots=True)
class Ref:
    """What a drawable stands for, so a click can open its editor."""

    kind: str  # a key of tracker.kinds: "phase", "milestone", "cns_visit", "count"
    id: int


@dataclass(frozen=True, slots=True)
class Span:
    x0: float
    x1: float  # exclusive: a phase ending on day D covers up to D+1
    row: int
    label: str
    kind: str  # phase kind code
    planned: bool  # no actual start: drawn outlined/hatched
    open_ended: bool  # running, no end known: drawn to today
    ref: Ref
    tooltip: str
    start: dt.date
    plan_x1: float | None = None  # started, not ended: the planned rest, drawn hatched


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    row: int
    label: str
    shape: str  # "diamond", "circle", "triangle", "square", "star", "cross"
    filled: bool
    kind: str
    ref: Ref
    tooltip: str
    planned: bool = False


@dataclass(frozen=True, slots=True)
class Point:
    """A result on a chart.  Its tooltip is written only when asked for (15,000 points
    in a ten-year record would otherwise cost a third of a second at every start)."""

    x: float
    y: float  # in the display unit
    comparator: str
    ref: Ref
    result: CountResult
    code: str
    unit: str  # display unit label
    calculated: bool = False  # worked out (ANC from the differential), not reported

    @property
    def tooltip(self) -> str:
        r = self.result
        when = _when(r.taken_date, r.taken_time)
        a = analytes.analyte(self.code)
        if self.calculated:
            calc = calculate_anc(r)
            basis = calc.label if calc else tr("calculated")
            return tr("{when}\nANC ≈ {value} {unit}\n{basis} (not reported by the lab)").format(
                when=when, value=format_number(self.y, 2), unit=self.unit, basis=basis
            )
        v = r.value(self.code)
        assert v is not None
        converted = bool(v.unit) and a.unit(v.unit) is not a.unit(self.unit)
        number = converted_number(self.y, v.value_text) if converted else typed_number(v)
        tip = f"{when}\n{a.name}: {self.comparator}{number} {self.unit}"
        reported = unit_spelling(self.code, v.unit)
        if converted:
            tip += "\n" + tr("(reported as {value} {unit})").format(
                value=v.value_text, unit=reported
            )
        if v.range_text:
            tip += "\n" + tr("Lab's range: {range} {unit}").format(
                range=v.range_text, unit=reported
            )
        return tip


@dataclass(frozen=True, slots=True)
class Band:
    x0: float
    x1: float
    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class Threshold:
    y: float
    label: str  # what the line marks, with its number in the chart's unit
    source: str = ""  # where the number comes from (the team, or a named reference)


_BLOCK = 64  # points per block of Series.highest


@dataclass(slots=True)
class Series:
    analyte: str
    title: str
    unit: str  # display unit label
    points: list[Point]
    bands: list[Band]
    thresholds: list[Threshold]
    y_min: float
    y_max: float
    gap_days: float  # points further apart than this are not joined
    xs: list[float] = field(default_factory=list)
    ys: list[float] = field(default_factory=list)
    # the highest value of each block of _BLOCK points (for the highest of any range)
    _block_max: list[float] = field(default_factory=list, init=False, repr=False, compare=False)
    # the last scale found: (x0, x1, what it was found from, the scale)
    _scaled: tuple[float, float, tuple[object, ...], tuple[float, float]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def highest(self, i: int, j: int) -> float:
        """The highest value of the points [i, j) (j > i): per block of points, not per
        point, so a pan over a lifetime of results looks at a few hundred numbers."""
        if len(self.ys) != len(self.points):
            self.ys = [p.y for p in self.points]
        ys = self.ys
        if len(self._block_max) != (len(ys) + _BLOCK - 1) // _BLOCK:
            self._block_max = [max(ys[k : k + _BLOCK]) for k in range(0, len(ys), _BLOCK)]
        first, last = -(-i // _BLOCK), j // _BLOCK  # whole blocks first … last - 1
        if first >= last:
            return max(ys[i:j])
        parts = self._block_max[first:last]
        if i < first * _BLOCK:
            parts.append(max(ys[i : first * _BLOCK]))
        if last * _BLOCK < j:
            parts.append(max(ys[last * _BLOCK : j]))
        return max(parts)

    def scale(self, x0: float, x1: float) -> tuple[float, float]:
        """The y range for the days [x0, x1]: 0 to a round number above what is visible
        (points, the lab's range bands, the threshold lines), so a nadir of 0.3 is not
        flattened by a diagnosis WBC of 300 months earlier.  The last one found is kept
        (a paint asks for it several times)."""
        of = (self.points, len(self.points), self.thresholds, self.bands, self.y_min, self.y_max)
        kept = self._scaled
        if (
            kept is not None
            and (kept[0], kept[1]) == (x0, x1)
            and all(a is b or a == b for a, b in zip(kept[2], of, strict=True))
        ):
            return kept[3]
        found = self._scale(x0, x1)
        self._scaled = (x0, x1, of, found)
        return found

    def _scale(self, x0: float, x1: float) -> tuple[float, float]:
        i, j = self.visible_slice(x0, x1)
        # visible_slice keeps one neighbour each side (for lines to the edge): skip them
        if i < j and self.xs[i] < x0:
            i += 1
        if i < j and self.xs[j - 1] > x1:
            j -= 1
        if i >= j:
            return self.y_min, self.y_max
        ys = [self.highest(i, j)]
        ys += [t.y for t in self.thresholds]
        ys += [b.high for b in self.bands if b.high is not None and b.x1 >= x0 and b.x0 <= x1]
        top = max(ys)
        return 0.0, _nice_ceiling(top * 1.08 if top > 0 else 1.0)

    def visible_slice(self, x0: float, x1: float) -> tuple[int, int]:
        """Indices [i, j) of points inside [x0, x1], plus one neighbour each side for lines."""
        if len(self.xs) != len(self.points):  # kept sorted beside the points for bisection
            self.xs = [p.x for p in self.points]
        xs = self.xs
        i = max(bisect.bisect_left(xs, x0) - 1, 0)
        j = min(bisect.bisect_right(xs, x1) + 1, len(xs))
        return i, j


@dataclass(slots=True)
class Lane:
    key: str  # "phases", "milestones", "cns", or an analyte code
    title: str
    rows: int = 1
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    series: Series | None = None
    mark_xs: list[float] = field(default_factory=list)
    # A lane of one row per name (the doses lane: one per drug): each mark sits in its
    # ``row``, drawn without a label, and the names stand in the title column.
    row_titles: list[str] = field(default_factory=list)
    # each row's name shortened as the Medicines lane says it ("6-MP", "MTX"), for a title
    # column too narrow for the names as typed ("methotrexate (by mouth)")
    row_short: list[str] = field(default_factory=list)

    @property
    def drawn_as_spans(self) -> bool:
        return self.key in SPAN_LANES

    # what visible_spans found last: (the spans list, its length, x0, x1, the spans)
    _visible: tuple[object, int, float, float, list[Span]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    # the spans' starts (sorted) and the running furthest end, for bisection; None while
    # the spans are not in order of start (then every span is looked at)
    _span_index: tuple[object, int, list[float] | None, list[float]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def span_range(self, x0: float, x1: float) -> tuple[int, int] | None:
        """Indices [lo, hi) of ``spans`` outside which none reaches the days [x0, x1]
        (some inside may not either); None while the spans are not in order of start."""
        self.visible_spans(x0, x1)
        index = self._span_index
        assert index is not None
        if index[2] is None:
            return None
        return bisect.bisect_left(index[3], x0), bisect.bisect_right(index[2], x1)

    def visible_spans(self, x0: float, x1: float) -> list[Span]:
        """The spans (or their planned rest) in the days [x0, x1], in their order: found
        by bisection over the starts, and kept for the next call with the same days (a
        paint asks several times)."""
        spans = self.spans
        last = self._visible
        if (
            last is not None
            and last[0] is spans
            and last[1] == len(spans)
            and (last[2], last[3]) == (x0, x1)
        ):
            return last[4]
        index = self._span_index
        if index is None or index[0] is not spans or index[1] != len(spans):
            starts = [s.x0 for s in spans]
            reach: list[float] = []
            furthest = -math.inf
            for s in spans:
                furthest = max(furthest, s.plan_x1 or s.x1)
                reach.append(furthest)
            ordered = all(a <= b for a, b in itertools.pairwise(starts))
            index = self._span_index = (spans, len(spans), starts if ordered else None, reach)
        starts_or_none, reach = index[2], index[3]
        if starts_or_none is None:
            found = [s for s in spans if (s.plan_x1 or s.x1) >= x0 and s.x0 <= x1]
        else:
            # before ``lo`` every span ends before x0; from ``hi`` on each starts after x1
            lo = bisect.bisect_left(reach, x0)
            hi = bisect.bisect_right(starts_or_none, x1)
            found = [s for s in spans[lo:hi] if (s.plan_x1 or s.x1) >= x0]
        self._visible = (spans, len(spans), x0, x1, found)
        return found

    def visible_marks(self, x0: float, x1: float) -> list[Mark]:
        if len(self.mark_xs) != len(self.marks):
            self.mark_xs = [m.x for m in self.marks]
        xs = self.mark_xs
        return self.marks[bisect.bisect_left(xs, x0) : bisect.bisect_right(xs, x1)]


@dataclass(slots=True)
class Timeline:
    lanes: list[Lane]
    first: float  # x of the earliest item
    last: float  # x just after the latest item
    today: float
    phases: list[Phase]

    def lane(self, key: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.key == key), None)

    def day_of_phase(self, x: float) -> tuple[str, int] | None:
        """The phase running on day ``x`` and its day number (actual dates first)."""
        return _day_of_phase(self.phases, date_of(x))

    def days_of_phase(self, first: int, last: int) -> dict[int, tuple[str, int]]:
        """:meth:`day_of_phase` of each day ``first`` … ``last`` (ordinals) that has one:
        the phases running in those days are looked for once, not once a day."""
        start_of, end_of = date_of(first), date_of(last)
        running = [
            p
            for p in self.phases
            if p.start is not None and p.start <= end_of and (p.end is None or p.end >= start_of)
        ]
        out: dict[int, tuple[str, int]] = {}
        for day in range(first, last + 1):
            found = _day_of_phase(running, date_of(day))
            if found is not None:
                out[day] = found
        return out


def _day_of_phase(phases: Sequence[Phase], d: dt.date) -> tuple[str, int] | None:
    """The last of ``phases`` running on ``d`` and its day number in it."""
    best: tuple[str, int] | None = None
    for p in phases:
        start, end = p.start, p.end
        if start is None or d < start or (end is not None and d > end):
            continue
        best = (p.display_name, day_of_phase(start, d))
    return best


# ---------------------------------------------------------------------- lane packing


def pack(intervals: Sequence[tuple[float, float]]) -> list[int]:
    """Give each interval the lowest row where it overlaps nothing (greedy, by start).

    Returns the row of each interval in input order.  Touching intervals
    ([a, b) and [b, c)) share a row.
    """
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], intervals[i][1]))
    row_ends: list[float] = []
    rows = [0] * len(intervals)
    for i in order:
        x0, x1 = intervals[i]
        for r, end in enumerate(row_ends):
            if end <= x0:
                row_ends[r] = x1
                rows[i] = r
                break
        else:
            rows[i] = len(row_ends)
            row_ends.append(x1)
    return rows


# ---------------------------------------------------------------------- ticks


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str
    major: bool


_STEPS: tuple[tuple[str, int, int], ...] = (
    # (unit, rrule frequency, interval) from finest to coarsest
    ("day", DAILY, 1),
    ("day", DAILY, 2),
    ("week", WEEKLY, 1),
    ("week", WEEKLY, 2),
    ("month", MONTHLY, 1),
    ("month", MONTHLY, 3),
    ("month", MONTHLY, 6),
    ("year", YEARLY, 1),
    ("year", YEARLY, 2),
    ("year", YEARLY, 5),
)
_STEP_DAYS = {"day": 1.0, "week": 7.0, "month": 30.44, "year": 365.25}


def ticks(x0: float, x1: float, width_px: float, min_px: float = 56.0) -> list[Tick]:
    """Axis ticks for the days [x0, x1] drawn over ``width_px`` pixels.

    The step is the finest of day / 2 days / week / 2 weeks / month / quarter /
    half-year / year / 2 / 5 years whose ticks are at least ``min_px`` apart.
    Dates are calendar dates (no clock time; as ``rrule`` gives them), so month ends,
    leap days and daylight-saving changes never shift a tick.  Major ticks mark
    a new month (for day/week steps) or a new year (for month steps).
    """
    if x1 <= x0 or width_px <= 0:
        return []
    px_per_day = width_px / (x1 - x0)
    unit, _freq, interval = next(
        (step for step in _STEPS if _STEP_DAYS[step[0]] * step[2] * px_per_day >= min_px),
        _STEPS[-1],
    )
    start = date_of(x0)
    end = date_of(x1)
    anchor = _anchor(start, unit, interval)
    out: list[Tick] = []
    previous: dt.date | None = None
    for d in _tick_dates(anchor, end, unit, interval):
        if d < start:
            continue  # the first visible tick names its month or year
        out.append(
            Tick(float(d.toordinal()), _tick_label(d, unit, previous), _is_major(d, unit, previous))
        )
        previous = d
    return out


def _tick_dates(anchor: dt.date, end: dt.date, unit: str, interval: int) -> Iterable[dt.date]:
    """Every ``interval`` days, weeks (from a Monday), months or years (from the 1st)
    from ``anchor`` up to ``end``: the dates ``rrule`` gives, at a fraction of its cost
    (the axis is laid out again on every pan step)."""
    if unit in ("day", "week"):
        step = interval * (7 if unit == "week" else 1)
        first, last = anchor.toordinal(), end.toordinal()
        for ordinal in range(first, last + 1, step):
            yield dt.date.fromordinal(ordinal)
        return
    months = interval * (12 if unit == "year" else 1)
    index = anchor.year * 12 + anchor.month - 1
    while True:
        d = dt.date(index // 12, index % 12 + 1, 1)
        if d > end:
            return
        yield d
        index += months


def _anchor(start: dt.date, unit: str, interval: int) -> dt.date:
    if unit == "day":
        return start
    if unit == "week":
        return start - dt.timedelta(days=start.weekday() + 7 * (interval - 1))
    if unit == "month":
        month0 = (start.month - 1) // interval * interval
        return dt.date(start.year, month0 + 1, 1)
    return dt.date(start.year - start.year % interval, 1, 1)


def _is_major(d: dt.date, unit: str, previous: dt.date | None) -> bool:
    if unit in ("day", "week"):
        return previous is None or previous.month != d.month
    if unit == "month":
        return previous is None or previous.year != d.year
    return True


def _tick_label(d: dt.date, unit: str, previous: dt.date | None) -> str:
    if unit in ("day", "week"):
        if previous is None or previous.month != d.month:
            return day_month(d)
        return str(d.day)
    if unit == "month":
        if previous is None or previous.year != d.year or d.month == 1:
            return tr("{month} {year}").format(month=short_month(d.month), year=d.year)
        return short_month(d.month)
    return str(d.year)


# ---------------------------------------------------------------------- thinning


def thin(points: Sequence[Point], x0: float, x1: float, columns: int) -> list[Point]:
    """At most ~4 points per pixel column: first, min, max and last of each column.

    Keeps every extreme, so a nadir or a peak never disappears at far zoom.
    ``points`` must be sorted by x; points outside [x0, x1] are kept only as the
    nearest neighbours on either side (so lines run to the edge).
    """
    if len(points) <= columns * 2 or columns <= 0:
        return list(points)
    width = (x1 - x0) / columns
    out: list[Point] = []
    bucket: list[Point] = []
    current = None
    for p in points:
        col = math.floor((p.x - x0) / width) if width > 0 else 0
        if col != current and bucket:
            out.extend(_reduce(bucket))
            bucket = []
        current = col
        bucket.append(p)
    if bucket:
        out.extend(_reduce(bucket))
    return out


def thin_xy(
    xs: Sequence[float], ys: Sequence[float], bucket: float
) -> tuple[list[float], list[float]]:
    """The points (``xs`` sorted) kept when each stretch of ``bucket`` days counted from
    day 0 keeps at most four: its first, lowest, highest and last, in their order.  The
    stretches do not move with the range shown, so one thinning serves every pan at a
    zoom; a stretch no wider than a pixel column keeps every nadir and peak of it."""
    out_x: list[float] = []
    out_y: list[float] = []
    n = len(xs)
    if bucket <= 0 or n <= 4:
        return list(xs), list(ys)
    floor = math.floor
    start = 0
    while start < n:
        key = floor(xs[start] / bucket)
        limit = (key + 1) * bucket
        stop = start + 1
        lo = hi = start
        low, high = ys[start], ys[start]
        while stop < n and xs[stop] < limit:
            y = ys[stop]
            if y < low:
                low, lo = y, stop
            elif y > high:
                high, hi = y, stop
            stop += 1
        last = stop - 1
        if last - start < 4:
            out_x.extend(xs[start:stop])
            out_y.extend(ys[start:stop])
        else:
            for k in sorted({start, lo, hi, last}):
                out_x.append(xs[k])
                out_y.append(ys[k])
        start = stop
    return out_x, out_y


def _reduce(bucket: list[Point]) -> list[Point]:
    if len(bucket) <= 4:
        return bucket
    lo = min(bucket, key=lambda p: p.y)
    hi = max(bucket, key=lambda p: p.y)
    keep = {id(bucket[0]), id(lo), id(hi), id(bucket[-1])}
    return [p for p in bucket if id(p) in keep]


# ---------------------------------------------------------------------- building


MILESTONE_SHAPES = {
    "phase_start": ("triangle", N_("Start")),
    "phase_end": ("triangle", N_("End")),
    "marrow_check": ("square", N_("Marrow")),
    "mrd_result": ("diamond", N_("MRD")),
    "remission": ("star", N_("Remission")),
    "risk_change": ("cross", N_("Risk")),
    "transplant": ("circle", N_("SCT")),
    "end_of_therapy": ("star", N_("End of therapy")),
    "other": ("circle", ""),
}


def build(
    phases: Sequence[Phase],
    milestones: Sequence[Milestone],
    visits: Sequence[CnsVisit],
    counts: Sequence[CountResult],
    today: dt.date,
    *,
    display_units: Mapping[str, str] | None = None,
    thresholds: Mapping[str, float | None] | None = None,
    team_thresholds: Sequence[TeamThreshold] = (),
    lanes: Iterable[str] = ("phases", "milestones", "cns", *CHART_ANALYTES),
    growth: Sequence[Growth] = (),
    temperatures: Sequence[Temperature] = (),
    fever_rules: Sequence[FeverRule] = (),
    symptoms: Sequence[Symptom] = (),
    medicine_plans: Sequence[MedicinePlan] = (),
    doses: Sequence[DoseLog] = (),
    transfusions: Sequence[Transfusion] = (),
    stays: Sequence[Stay] = (),
    appointments: Sequence[Appointment] = (),
    previous: Timeline | None = None,
    changed: Collection[str] | None = None,
    roadmaps: Sequence[Roadmap] = (),
) -> Timeline:
    """Lay out a child's record.  ``display_units`` maps analyte → unit label (default: the
    unit of the latest result, i.e. the family's lab).  Threshold lines: the team's numbers
    (``team_thresholds``) for an analyte, and the default line of
    :func:`tracker.ranges.default_lines` while no team number replaces it; ``thresholds``
    maps analyte → a value in canonical units to use instead, or ``None`` to draw no line.

    With ``previous`` (the timeline laid out before) and ``changed`` (the names of the
    inputs that differ from its, e.g. ``{"doses"}``), a lane none of whose inputs
    (:func:`lane_inputs`) changed is taken from ``previous`` as it is: a dose ticked lays out
    the doses lane again, not years of counts."""
    wanted = list(lanes)
    today_x = x_of(today)
    inputs = {
        "phases": phases,
        "milestones": milestones,
        "visits": visits,
        "counts": counts,
        "today": today,
        "display_units": display_units,
        "thresholds": thresholds,
        "team_thresholds": team_thresholds,
        "growth": growth,
        "temperatures": temperatures,
        "fever_rules": fever_rules,
        "symptoms": symptoms,
        "medicine_plans": medicine_plans,
        "doses": doses,
        "transfusions": transfusions,
        "stays": stays,
        "appointments": appointments,
        "roadmaps": roadmaps,
    }
    kept: dict[str, Lane] = {}
    if previous is not None and changed is not None:
        stale = set(changed) | ({"today"} if previous.today != today_x else set())
        kept = {
            lane.key: lane
            for lane in previous.lanes
            if (inputs_of := lane_inputs(lane.key)) is not None
            and not stale.intersection(inputs_of)
        }
    out: list[Lane] = []
    xs: list[float] = [today_x]
    for key in wanted:
        lane = kept.get(key) or _make_lane(key, inputs)
        out.append(lane)
        xs.extend(s.x0 for s in lane.spans)
        xs.extend(s.plan_x1 or s.x1 for s in lane.spans)
        xs.extend(m.x for m in lane.marks)
        if lane.series and lane.series.points:
            xs.append(lane.series.points[0].x)
            xs.append(lane.series.points[-1].x)
    return Timeline(out, min(xs), max(xs) + 1, today_x, list(phases))


def lane_inputs(key: str) -> tuple[str, ...] | None:
    """The names of :func:`build`'s inputs the lane ``key`` is laid out from; None for a
    lane not declared (laid out again every time)."""
    if key in LANE_INPUTS:
        return LANE_INPUTS[key]
    return CHART_INPUTS if key in analytes.BY_CODE else None


def _make_lane(key: str, inputs: Mapping[str, Any]) -> Lane:
    """Lay out one lane from :func:`build`'s inputs (by name)."""
    phases, milestones, visits = inputs["phases"], inputs["milestones"], inputs["visits"]
    counts, today = inputs["counts"], inputs["today"]
    display_units, thresholds = inputs["display_units"], inputs["thresholds"]
    team_thresholds = inputs["team_thresholds"]
    growth, temperatures = inputs["growth"], inputs["temperatures"]
    fever_rules, symptoms = inputs["fever_rules"], inputs["symptoms"]
    medicine_plans, doses = inputs["medicine_plans"], inputs["doses"]
    transfusions, stays = inputs["transfusions"], inputs["stays"]
    if key == "phases":
        return _phase_lane(phases, today)
    if key == "milestones":
        return _milestone_lane(milestones)
    if key == "cns":
        return _cns_lane(visits)
    if key == "growth":
        return _growth_lane(growth)
    if key == "appointments":
        return _appointment_lane(inputs["appointments"], today)
    if key == "temperatures":
        return _temperature_lane(temperatures, fever_rules)
    if key == "symptoms":
        return _symptom_lane(symptoms)
    if key == "doses":
        return _dose_lane(medicine_plans, doses)
    if key == "medicines":
        return _medicine_lane(medicine_plans, today)
    if key == "stays":
        return _stay_lane(stays, today)
    if key == "plan":
        return _plan_lane(inputs["roadmaps"], phases, visits, milestones, today)
    if key == "transfusions":
        return _transfusion_lane(transfusions, counts, display_units or {})
    if key in analytes.BY_CODE:
        unit = (display_units or {}).get(key) or _latest_unit(counts, key)
        given = thresholds or {}
        team = [t for t in team_thresholds if t.analyte == key]
        lines: list[tuple[float, str, str]] = []
        if key in given:
            value = given[key]
            if value is not None:
                lines.append((value, "threshold", ""))
        else:
            lines = [
                (
                    t.normalised_value,
                    labels.THRESHOLD_PURPOSE[t.purpose.value].lower(),
                    tr(TEAM_SOURCE),
                )
                for t in team
            ]
            default = ranges.default_lines(team).get(key)
            if default is not None:
                lines.append(
                    (
                        default.value,
                        tr("reference: {name}").format(name=default.name),
                        default.source,
                    )
                )
        return _series_lane(counts, key, unit, lines)
    else:
        raise ValueError(f"unknown lane {key!r}")  # i18n: not shown


OPEN_PLAN_DAYS = 14
"""How wide a planned phase whose length is unknown is drawn: a drawing width only, not
a length (the band is open to the right and labelled "length unknown")."""


def _phase_lane(phases: Sequence[Phase], today: dt.date) -> Lane:
    """A started phase with no actual end is solid up to today (it is running), then
    hatched up to its planned end; a phase not started yet is hatched throughout."""
    items: list[tuple[float, float, Phase, bool, bool, float | None]] = []
    for p in phases:
        start = p.start
        if start is None:
            continue
        planned = p.actual_start is None
        plan_x1: float | None = None
        if planned:
            end = p.planned_end
        elif p.actual_end is not None:
            end = p.actual_end
        else:
            end = max(today, start)
            if p.planned_end is not None and p.planned_end > end:
                plan_x1 = x_of(p.planned_end) + 1
        open_ended = end is None or (not planned and p.actual_end is None and plan_x1 is None)
        if end is None and planned:  # a planned phase of unknown length: open to the right
            end = start + dt.timedelta(days=OPEN_PLAN_DAYS - 1)
        elif end is None:
            end = max(today, start)
        items.append((x_of(start), x_of(end) + 1, p, planned, open_ended, plan_x1))
    rows = pack([(a, plan or b) for a, b, _p, _pl, _o, plan in items])
    spans = []
    for (x0, x1, p, planned, open_ended, plan_x1), row in zip(items, rows, strict=True):
        assert p.id is not None
        spans.append(
            Span(
                x0,
                x1,
                row,
                tr("{phase} (length unknown)").format(phase=p.display_name)
                if _length_unknown(p)
                else p.display_name,
                p.kind.value,
                planned,
                open_ended,
                Ref("phase", p.id),
                _phase_tooltip(p, planned),
                p.start or dt.date.min,
                plan_x1,
            )
        )
    spans.sort(key=lambda s: s.x0)
    return Lane("phases", tr("Phases"), max(rows, default=0) + 1, spans=spans)


def _phase_tooltip(p: Phase, planned: bool) -> str:
    lines = [f"{p.display_name} ({labels.PHASE_KIND[p.kind.value]})"]
    if p.actual_start:
        end = date_text(p.actual_end) if p.actual_end else tr("running")
        lines.append(f"{date_text(p.actual_start)} – {end}")
        if p.actual_end:
            days = (p.actual_end - p.actual_start).days + 1
            lines.append(trn("{n} day", "{n} days", days).format(n=days))
    if p.planned_start:
        end = date_text(p.planned_end) if p.planned_end else "?"
        lines.append(
            tr("Planned: {start} – {end}").format(start=date_text(p.planned_start), end=end)
        )
    if planned:
        lines.append(tr("Still to come"))
    if _length_unknown(p):
        lines.append(
            tr("{notes}; length unknown").format(notes=p.notes) if p.notes else tr("Length unknown")
        )
    return "\n".join(lines)


def _length_unknown(p: Phase) -> bool:
    """A planned phase with no end that has a length (off therapy has none)."""
    return p.actual_start is None and p.planned_end is None and p.kind is not PhaseKind.OFF_THERAPY


def _plan_lane(
    roadmaps: Sequence[Roadmap],
    phases: Sequence[Phase],
    visits: Sequence[CnsVisit],
    milestones: Sequence[Milestone],
    today: dt.date,
) -> Lane:
    """The roadmaps' planned LPs (circles) and MRD checks (diamonds), hollow: planned,
    not done; a moved one says why; filled, "LP (done)", when the record has the entry on
    that day, and a past one without says "not entered" (tracker.roadmap.done).  Its
    phases are on the phases lane already, and so is an LP the family entered as planned
    on the CNS lane: a roadmap LP that is that entry (tracker.roadmap.planned_entries) is
    not drawn a second time."""
    marks: list[Mark] = []
    for roadmap in roadmaps:
        assert roadmap.id is not None
        try:
            plan = roadmap_child.plan_of(roadmap, phases)
        except RoadmapError:
            continue  # the Plan tab says why
        stored = {i.item_id: i for i in roadmap.items}
        entered = entered_items(plan, visits, milestones)
        as_entries = planned_lp_entries(plan, roadmap, phases, visits)
        for it in plan.items:
            if it.what not in (What.LP, What.MRD) or it.date is None or it.id in as_entries:
                continue
            old = stored.get(it.id)
            moved = old.moved_because if old is not None else ""
            status = entered_status(it, entered, today)
            tip = [f"{date_text(it.date)} · {it.description}", roadmap.note or roadmap.protocol]
            tip += [x for x in (status, moved) if x]
            lp = it.what is What.LP
            done = it.id in entered
            if done:
                label = tr("LP (done)") if lp else tr("MRD (done)")
            elif is_moved(moved):
                label = tr("LP (moved)") if lp else tr("MRD (moved)")
            else:
                label = tr("LP") if lp else tr("MRD")
            ref = Ref("roadmap", roadmap.id)
            x = x_of(it.date) + 0.5
            shape = "circle" if lp else "diamond"
            tip_text = "\n".join(tip)
            marks.append(Mark(x, 0, label, shape, done, "plan", ref, tip_text, not done))
    marks.sort(key=lambda m: m.x)
    rows = _stack_same_day([m.x for m in marks])
    marks = [replace(m, row=r) for m, r in zip(marks, rows, strict=True)]
    return Lane("plan", tr("Plan (LPs and MRD checks)"), max(rows, default=0) + 1, marks=marks)


def _milestone_label(m: Milestone) -> str:
    _shape, short = MILESTONE_SHAPES[m.kind.value]
    if m.mrd is not None:
        return tr("MRD {value}").format(value=format_mrd(m.mrd, short=True)).strip()
    return tr(short) if short else _first_words(m.result_text, 20)


def _first_words(text: str, length: int) -> str:
    """``text``'s first line, cut after the last whole word within ``length`` characters
    (and the punctuation before it) with "…"; whole when it fits."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    if len(line) <= length:
        return line
    words = line.split(" ")
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) > length:
            break
        kept = candidate
    return (kept or words[0][:length]).rstrip(" ,;:.(") + "…"


def _milestone_lane(milestones: Sequence[Milestone]) -> Lane:
    ordered = sorted(milestones, key=lambda m: (m.date, m.id or 0))
    xs = [x_of(m.date) + 0.5 for m in ordered]
    rows = _stack_same_day(xs)
    marks = []
    for m, x, row in zip(ordered, xs, rows, strict=True):
        assert m.id is not None
        shape, _ = MILESTONE_SHAPES[m.kind.value]
        tooltip = [f"{date_text(m.date)} · {labels.MILESTONE_KIND[m.kind.value]}"]
        if m.mrd is not None and (text := format_mrd(m.mrd)):
            tooltip.append(tr("MRD {value}").format(value=text))
        if m.result_text:
            tooltip.append(m.result_text)
        if m.planned:
            tooltip.append(tr("Planned"))
        marks.append(
            Mark(
                x,
                row,
                _milestone_label(m),
                shape,
                not m.planned,
                m.kind.value,
                Ref("milestone", m.id),
                "\n".join(tooltip),
                m.planned,
            )
        )
    return Lane("milestones", tr("Milestones"), max(rows, default=0) + 1, marks=marks)


def _growth_lane(entries: Sequence[Growth]) -> Lane:
    """A mark per weight, labelled in kg (up to 3 decimals; as typed in the tooltip), and a
    hollow mark for a day with only a length or head circumference."""
    ordered = sorted(entries, key=lambda g: (g.date, g.id or 0))
    xs = [x_of(g.date) + 0.5 for g in ordered]
    rows = _stack_same_day(xs)
    marks = []
    for g, x, row in zip(ordered, xs, rows, strict=True):
        assert g.id is not None
        tooltip = [date_text(g.date)]
        for label, text, value, unit in (
            (tr("Weight"), g.weight_text, g.weight_kg, "kg"),
            (tr("Length/height"), g.length_text, g.length_cm, "cm"),
            (tr("Head circumference"), g.head_text, g.head_cm, "cm"),
        ):
            if text:
                tooltip.append(
                    tr("{measure}: {value}").format(
                        measure=label, value=growth_kind.shown(text, value, unit)
                    )
                )
        if g.measured_by:
            tooltip.append(tr("Measured by: {who}").format(who=g.measured_by))
        weighed = g.weight_kg is not None
        label = growth_kind.format_kg(g.weight_kg) if g.weight_kg is not None else ""
        marks.append(
            Mark(
                x, row, label, "square", weighed, "growth", Ref("growth", g.id), "\n".join(tooltip)
            )
        )
    return Lane("growth", tr("Weight"), max(rows, default=0) + 1, marks=marks)


def _appointment_lane(appointments: Sequence[Appointment], today: dt.date) -> Lane:
    """A mark per visit as it stands (tracker.visits): every date of a series, a moved one
    where it is now, a cancelled one not at all; those still to come hollow.  A series with
    no end is drawn :data:`SERIES_AHEAD_DAYS` ahead."""
    if not appointments:
        return Lane("appointments", tr("Appointments"), 1, marks=[])
    first = min([a.date for a in appointments] + [c.date for a in appointments for c in a.changes])
    ahead = today + dt.timedelta(days=SERIES_AHEAD_DAYS)
    last = max(
        [ahead]
        + [_series_end(a) or ahead for a in appointments]
        + [c.date for a in appointments for c in a.changes]
    )
    shown: list[Visit] = []
    for a in appointments:
        end = ahead if a.repeat and _series_end(a) is None else last
        shown.extend(visits_of(a, first, end))
    shown.sort(key=lambda v: v.sort_key)
    xs = [x_of(v.date) + 0.5 for v in shown]
    rows = _stack_same_day(xs)
    marks = []
    for v, x, row in zip(shown, xs, rows, strict=True):
        a = v.appointment
        assert a.id is not None
        when = _when(v.date, v.time)
        tooltip = [
            tr("{when} · appointment (planned)").format(when=when)
            if v.date > today
            else tr("{when} · appointment").format(when=when)
        ]
        if v.with_whom:
            tooltip.append(tr("With: {with_whom}").format(with_whom=v.with_whom))
        if v.place:
            tooltip.append(tr("Where: {place}").format(place=v.place))
        if v.repeats:
            tooltip.append(tr("Repeats {repeat}").format(repeat=schedule.describe_repeat(a.repeat)))
        if v.moved:
            tooltip.append(
                tr("This date moved from {date}").format(date=date_text(v.original_date))
            )
        label = time_text(v.time) if v.time else ""
        planned = v.date > today
        marks.append(
            Mark(
                x,
                row,
                label,
                "diamond",
                not planned,
                "appointment",
                Ref("appointment", a.id),
                "\n".join(tooltip),
                planned,
            )
        )
    return Lane("appointments", tr("Appointments"), max(rows, default=0) + 1, marks=marks)


def _series_end(a: Appointment) -> dt.date | None:
    """The last date a series can fall on (its one date when it does not repeat), or None
    for a series without end."""
    r = schedule.parse_repeat(a.repeat)
    if r is None:
        return a.date
    if r.until is not None:
        return r.until
    if r.count is not None:
        days = series_dates(a, a.date, dt.date.max)
        return days[-1] if days else a.date
    return None


def _temperature_lane(readings: Sequence[Temperature], rules: Sequence[FeverRule]) -> Lane:
    """A hollow circle per reading at its time (midday without one); a filled vermillion
    triangle for one at or above the team's fever number in force on its date (only with a
    rule entered: there is no built-in number).  The first reading of a day carries the
    day's label (its highest, in the unit typed): marks hours apart overlap unless zoomed
    in, and a label on each would leave none readable."""
    ordered = sorted(readings, key=lambda t: (t.date, t.time or dt.time(12), t.id or 0))
    xs = [x_of(t.date, t.time or dt.time(12)) for t in ordered]
    rows = _stack_same_day(xs)
    days: dict[dt.date, list[Temperature]] = {}
    for t in ordered:
        days.setdefault(t.date, []).append(t)
    marks = []
    for t, x, row in zip(ordered, xs, rows, strict=True):
        assert t.id is not None
        marked = fever.at_or_above(t, rules)
        tooltip = [
            _when(t.date, t.time),
            tr("Temperature: {reading}").format(reading=fever.shown(t.value_text, t.unit)),
        ]
        if marked:
            said = tr(fever.AT_OR_ABOVE)
            tooltip.append(said[:1].upper() + said[1:])
        if site := site_words(t):
            tooltip.append(tr("Taken: {site}").format(site=site))
        if done := done_words(t):
            tooltip.append(tr("Done: {done}").format(done=done))
        if t.note:
            tooltip.append(t.note)
        label = _day_label(days[t.date]) if days[t.date][0] is t else ""
        marks.append(
            Mark(
                x,
                row,
                label,
                "triangle" if marked else "circle",
                marked,
                AT_FEVER_NUMBER if marked else "temperature",
                Ref("temperature", t.id),
                "\n".join(tooltip),
            )
        )
    return Lane("temperatures", tr("Temperature"), max(rows, default=0) + 1, marks=marks)


def _day_label(readings: Sequence[Temperature]) -> str:
    """ "38.4 °C" for a day's one reading; "highest 38.4 °C" for several."""
    top = max(readings, key=lambda t: t.celsius)
    value = f"{fever.number_text(top.value_text)} {fever.SYMBOL[top.unit]}"
    return value if len(readings) == 1 else f"highest {value}"


def _symptom_lane(symptoms: Sequence[Symptom]) -> Lane:
    """A bar per symptom from its first to its last day (one day without an end date),
    labelled with what it was; overlapping ones on rows of their own."""
    ordered = sorted(symptoms, key=lambda s: (s.date, s.id or 0))
    items = [(x_of(s.date), x_of(s.end_date or s.date) + 1) for s in ordered]
    rows = pack(items)
    spans = []
    for s, (x0, x1), row in zip(ordered, items, rows, strict=True):
        assert s.id is not None
        when = date_text(s.date)
        if s.end_date is not None and s.end_date != s.date:
            days = (s.end_date - s.date).days + 1
            when = trn("{start} – {end} ({n} day)", "{start} – {end} ({n} days)", days).format(
                start=when, end=date_text(s.end_date), n=days
            )
        tooltip = [when, what_words(s)]
        if s.severity is not None:
            tooltip.append(
                tr("How bad: {severity}").format(
                    severity=tr(SEVERITY_LABELS[s.severity.value]).lower()
                )
            )
        if s.grade is not None:
            tooltip.append(grade_label(s)[:1].upper() + grade_label(s)[1:])
        if s.note:
            tooltip.append(s.note)
        spans.append(
            Span(
                x0,
                x1,
                row,
                what_words(s),
                "symptom",
                False,
                False,
                Ref("symptom", s.id),
                "\n".join(tooltip),
                s.date,
            )
        )
    return Lane("symptoms", tr("Symptoms"), max(rows, default=0) + 1, spans=spans)


# A mark per logged dose: what happened is carried by the shape and the fill, not by colour
# alone (grey print keeps it).
DOSE_SHAPES: dict[DoseStatus, tuple[str, bool]] = {
    DoseStatus.GIVEN: ("circle", True),
    DoseStatus.PARTLY_GIVEN: ("diamond", True),
    DoseStatus.VOMITED: ("triangle", False),
    DoseStatus.MISSED: ("cross", False),
    DoseStatus.HELD: ("square", False),
}


def _dose_lane(plans: Sequence[MedicinePlan], doses: Sequence[DoseLog]) -> Lane:
    """One row per drug (in the order of its first plan; a dose change stays on its drug's
    row), a mark per logged dose; doses whose plan was deleted on a row of their own."""
    by_id = {p.id: p for p in plans if p.id is not None}
    names: list[str] = []
    row_of: dict[str, int] = {}
    for p in sorted(plans, key=lambda p: (p.start_date, p.id or 0)):
        if p.drug not in row_of:
            row_of[p.drug] = len(names)
            names.append(p.drug)
    marks: list[Mark] = []
    unlinked = tr("(plan deleted)")
    for d in doses:
        assert d.id is not None
        plan = by_id.get(d.plan_id) if d.plan_id is not None else None
        name = plan.drug if plan is not None else unlinked
        if name not in row_of:
            row_of[name] = len(names)
            names.append(name)
        at = d.due_time or d.given_time
        x = x_of(d.due_date, at) if at is not None else x_of(d.due_date) + 0.5
        shape, filled = DOSE_SHAPES[d.status]
        what = DOSE_WORDS[d.status.value]
        tip = [
            f"{_when(d.due_date, at)} · {name}"
            + (f" {plan.dose_amount} {plan.dose_unit}".rstrip() if plan is not None else ""),
            tr("{status} at {time}").format(status=what, time=time_text(d.given_time))
            if d.given_time
            else what,
        ]
        if d.amount:
            tip.append(tr("Amount given: {amount}").format(amount=d.amount))
        if d.note:
            tip.append(d.note)
        marks.append(
            Mark(
                x,
                row_of[name],
                "",
                shape,
                filled,
                d.status.value,
                Ref("dose", d.id),
                "\n".join(tip),
            )
        )
    marks.sort(key=lambda m: (m.x, m.row))
    titles = names or ["Doses"]
    return Lane(
        "doses",
        "Doses",
        max(len(names), 1),
        marks=marks,
        row_titles=titles,
        row_short=[medicines.short_name(name) for name in titles],
    )


def _medicine_lane(plans: Sequence[MedicinePlan], today: dt.date) -> Lane:
    """One row per medicine, each plan a span labelled with its dose ("6-MP 20 mg"); the
    plans of one medicine alternate in shade, so a dose change shows where one span ends
    and the next begins.  An open plan runs to today (and continues); a plan starting
    after today is drawn planned, on its first day."""
    rows: dict[str, int] = {}
    shade: dict[str, int] = {}
    spans: list[Span] = []
    for p in medicines.sort_plans(plans):
        assert p.id is not None
        key = medicines.drug_key(p.drug)
        row = rows.setdefault(key, len(rows))
        n = shade[key] = shade.get(key, -1) + 1
        planned = p.start_date > today
        end = p.end_date if p.end_date is not None else max(today, p.start_date)
        label = f"{medicines.short_name(p.drug)} {medicines.dose_text(p)}".strip()
        tooltip = medicines.plan_line(p) + (
            "\n" + tr("What the team said: {note}").format(note=p.team_note) if p.team_note else ""
        )
        spans.append(
            Span(
                x_of(p.start_date),
                x_of(end) + 1,
                row,
                label,
                "medicine" if n % 2 == 0 else "medicine_next",
                planned,
                p.end_date is None and not planned,
                Ref("medicine_plan", p.id),
                tooltip + ("\n" + tr("Starts later") if planned else ""),
                p.start_date,
            )
        )
    spans.sort(key=lambda s: s.x0)
    return Lane("medicines", tr("Medicines"), max(len(rows), 1), spans=spans)


STAY_KIND = "stay"  # the look of a hospital stay's span (not a phase kind)


def _stay_lane(stays: Sequence[Stay], today: dt.date) -> Lane:
    """A band per hospital stay, from its first day to the morning it ended; an open stay
    runs to today, with the arrow that says it continues."""
    spans = []
    for s in sorted(stays, key=lambda s: (s.from_date, s.id or 0)):
        assert s.id is not None
        end = s.to_date if s.to_date is not None else max(today, s.from_date)
        nights = stay_kind.nights(s, today)
        night_text = (
            trn("{n} night so far", "{n} nights so far", nights)
            if s.to_date is None
            else trn("{n} night", "{n} nights", nights)
        ).format(n=nights)
        tooltip = [
            tr("Hospital stay: {dates}").format(dates=stay_kind.dates_text(s)),
            night_text,
            tr("Why: {reason}").format(reason=stay_kind.reason_name(s)),
        ]
        if s.place:
            tooltip.append(tr("Where: {place}").format(place=s.place))
        x0 = x_of(s.from_date) + 0.75  # admitted in the day: the band begins that evening
        x1 = x_of(end) + (0.5 if s.to_date is not None else 1.0)  # home by midday
        spans.append(
            Span(
                x0,
                max(x1, x0 + 0.25),  # a day case still shows
                0,
                f"{stay_kind.reason_short(s)} · {night_text}",
                STAY_KIND,
                False,
                s.to_date is None,
                Ref("stay", s.id),
                "\n".join(tooltip),
                s.from_date,
            )
        )
    return Lane("stays", tr("Hospital stays"), 1, spans=spans)


_PRODUCT_SHORT = {
    "red_cells": N_("RBC"),
    "platelets": N_("PLT"),
    "plasma": N_("FFP"),
    "other": N_("Other"),
}


def _transfusion_lane(
    transfusions: Sequence[Transfusion],
    counts: Sequence[CountResult],
    display_units: Mapping[str, str],
) -> Lane:
    """A mark per transfusion at its time, in line with the Hb / PLT charts below it, and
    labelled with the jump it was followed by ("PLT 8 → 41"), linked from the counts."""
    ordered = sorted(transfusions, key=lambda t: (t.date, t.time or dt.time(), t.id or 0))
    xs = [x_of(t.date, t.time or _NOON) for t in ordered]
    rows = _stack_same_day(xs)
    # only the counts within the linking window of each transfusion are looked at (years
    # of counts, not all of them for every transfusion)
    by_date = sorted(counts, key=lambda r: r.taken_date)
    dates = [r.taken_date for r in by_date]
    window = dt.timedelta(days=transfusion_kind.WINDOW_DAYS)
    marks = []
    for t, x, row in zip(ordered, xs, rows, strict=True):
        assert t.id is not None
        tooltip = [
            tr("{when} · transfusion: {product}").format(
                when=transfusion_kind.when(t), product=transfusion_kind.product_name(t)
            )
        ]
        if t.amount_text:
            tooltip.append(tr("Amount: {amount}").format(amount=transfusion_kind.amount_shown(t)))
        if t.reason:
            tooltip.append(tr("Reason: {reason}").format(reason=t.reason))
        label = tr(_PRODUCT_SHORT[t.product.value])
        near = by_date[
            bisect.bisect_left(dates, t.date - window) : bisect.bisect_right(dates, t.date + window)
        ]
        linked = transfusion_kind.linked_counts(t, near)
        if linked is not None:
            unit = display_units.get(linked.analyte)
            jump = transfusion_kind.jump_in(linked, unit, short=True)
            label = jump or label
            tooltip.extend(transfusion_kind.jump_details_in(linked, unit))
        if t.note:
            tooltip.append(tr("Reaction or note: {note}").format(note=t.note))
        marks.append(
            Mark(
                x,
                row,
                label,
                "triangle",
                True,
                "transfusion",
                Ref("transfusion", t.id),
                "\n".join(tooltip),
            )
        )
    return Lane("transfusions", tr("Transfusions"), max(rows, default=0) + 1, marks=marks)


def _stack_same_day(xs: Sequence[float]) -> list[int]:
    rows: list[int] = []
    for i, x in enumerate(xs):
        rows.append(rows[i - 1] + 1 if i and xs[i - 1] == x else 0)
    return rows


def _cns_lane(visits: Sequence[CnsVisit]) -> Lane:
    ordered = sorted(visits, key=lambda v: (v.date, v.id or 0))
    xs = [x_of(v.date) + 0.5 for v in ordered]
    rows = _stack_same_day(xs)
    marks = []
    for v, x, row in zip(ordered, xs, rows, strict=True):
        assert v.id is not None
        status = v.cns_status
        shape = {
            CnsStatus.CNS1: "circle",
            CnsStatus.CNS2: "triangle",
            CnsStatus.CNS3: "square",
            CnsStatus.TLP_POSITIVE: "cross",
            CnsStatus.TLP_NEGATIVE: "circle",
        }.get(status, "circle")
        given = bool(v.it_drugs)
        drugs = ", ".join(
            f"{labels.IT_DRUG[d.drug.value]} {d.dose_text}".strip() for d in v.it_drugs
        )
        day = date_text(v.date)
        tooltip = [
            tr("{date} · lumbar puncture (planned)").format(date=day)
            if v.planned
            else tr("{date} · lumbar puncture").format(date=day),
            tr("Intrathecal: {drugs}").format(drugs=drugs) if drugs else tr("No intrathecal drugs"),
            tr("CNS status: {status}").format(status=labels.CNS_STATUS[status.value]),
        ]
        if v.csf_wbc is not None:
            tooltip.append(tr("CSF white cells {value}/µL").format(value=format_number(v.csf_wbc)))
        label = {"CNS1": "1", "CNS2": "2", "CNS3": "3", "TLP+": "T+", "TLP-": "T−"}.get(
            status.value, "?" if not v.planned else ""
        )
        marks.append(
            Mark(
                x,
                row,
                label,
                shape,
                given,
                status.value,
                Ref("cns_visit", v.id),
                "\n".join(tooltip),
                v.planned,
            )
        )
    return Lane("cns", tr("Lumbar punctures"), max(rows, default=0) + 1, marks=marks)


def _latest_unit(counts: Sequence[CountResult], code: str) -> str:
    a = analytes.analyte(code)
    for r in reversed(counts):
        v = r.value(code)
        if v is not None:
            unit = a.unit(v.unit)
            return unit.label if unit else a.default_unit.label
    return a.default_unit.label


_NOON = dt.time(12, 0)


def _series_lane(
    counts: Sequence[CountResult],
    code: str,
    unit_label: str,
    lines: Sequence[tuple[float, str, str]] = (),
) -> Lane:
    a = analytes.analyte(code)
    unit = a.unit(unit_label) or a.default_unit
    points: list[Point] = []
    bands: list[Band] = []
    ordered = sorted(counts, key=lambda r: (r.taken_date, r.taken_time or dt.time(), r.id or 0))
    for r in ordered:
        v = r.value(code)
        if v is None:
            if code == "anc" and r.id is not None:
                calc = calculate_anc(r)
                if calc is not None:
                    x = x_of(r.taken_date, r.taken_time or _NOON)
                    points.append(
                        Point(
                            x,
                            calc.value / unit.factor,
                            "",
                            Ref("count", r.id),
                            r,
                            code,
                            unit.label,
                            calculated=True,
                        )
                    )
            continue
        assert r.id is not None
        x = x_of(r.taken_date, r.taken_time or _NOON)
        y = v.normalised_value / unit.factor
        points.append(Point(x, y, v.comparator.value, Ref("count", r.id), r, code, unit.label))
        usable = not range_units.range_unit_problem(
            code, v.range_low, v.range_high, v.unit, v.range_text
        )  # a range that cannot be in the value's unit is not drawn (nor flagged against)
        if usable and (v.range_low is not None or v.range_high is not None):
            source = a.unit(v.unit) or unit
            conv = source.factor / unit.factor
            low = v.range_low * conv if v.range_low is not None else None
            high = v.range_high * conv if v.range_high is not None else None
            bands.append(Band(x, x, low, high))
    bands = _merge_bands(bands, points)
    thresholds = [
        Threshold(
            value / unit.factor,
            f"{who} {decimal_text(format_number(value / unit.factor))} {unit.label}",
            source,
        )
        for value, who, source in lines
    ]
    ys = [p.y for p in points] + [t.y for t in thresholds]
    ys += [b.high for b in bands if b.high is not None]
    y_max = max(ys, default=1.0)
    y_max = _nice_ceiling(y_max * 1.08 if y_max > 0 else 1.0)
    series = Series(code, a.short, unit.label, points, bands, thresholds, 0.0, y_max, gap_days=45.0)
    return Lane(code, f"{a.short}\n{unit.label}", 1, series=series)


def line_legend(series: Series) -> list[str]:
    """Each dash-dot line of one chart: "PLT reference: low platelets below 20 ×10⁹/L
    (its source)", in the chart's unit."""
    return [
        tr("{chart} {line} ({source})").format(chart=series.title, line=t.label, source=t.source)
        if t.source
        else tr("{chart} {line}").format(chart=series.title, line=t.label)
        for t in series.thresholds
    ]


def threshold_legend(timeline: Timeline) -> str:
    """What each dash-dot line drawn on ``timeline`` marks, in the unit it is drawn in, and
    where its number comes from: one text for the screen's tooltip and the paper's caption.
    Empty when no line is drawn."""
    parts = [part for lane in timeline.lanes if lane.series for part in line_legend(lane.series)]
    if not parts:
        return ""
    return tr(
        "Dash-dot lines, not your team's advice unless marked as your team's number: {lines}. "
        "Your team's own numbers (Edit ▸ Team thresholds) replace the reference lines."
    ).format(lines="; ".join(parts))


def _merge_bands(bands: list[Band], points: list[Point]) -> list[Band]:
    """Results with the same printed range become one band from first to last, even when
    another lab's results (with another range) come in between; a gap of more than 45
    days starts a new band."""
    open_: dict[tuple[float | None, float | None], Band] = {}
    merged: list[Band] = []
    for b in bands:
        key = (b.low, b.high)
        last = open_.get(key)
        if last is not None and b.x0 - last.x1 <= 45:
            open_[key] = Band(last.x0, b.x1, last.low, last.high)
        else:
            if last is not None:
                merged.append(last)
            open_[key] = b
    merged.extend(open_.values())
    merged.sort(key=lambda b: b.x0)
    return [Band(b.x0 - 0.5, b.x1 + 0.5, b.low, b.high) for b in merged]


def _nice_ceiling(value: float) -> float:
    """1, 2, 2.5, 5 × 10^n at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    base = 10**exponent
    for m in (1, 2, 2.5, 5, 10):
        if m * base >= value:
            return float(m * base)
    return float(10 * base)


def preset_range(kind: str, timeline: Timeline) -> tuple[float, float]:
    """Zoom presets: "2w", "3m" (ending a little after today), "treatment" (from the
    first phase to the last one's planned end), "all", and "counts" (where the Blood
    counts charts open: "3m", or the last three months of results when none is that
    recent)."""
    today = timeline.today
    if kind == "2w":
        return today - 10, today + 4
    if kind == "3m":
        end = date_of(today) + relativedelta(weeks=2)
        start = end - relativedelta(months=3)
        return x_of(start), x_of(end)
    if kind == "counts":
        return _counts_range(timeline)
    if kind == "treatment":
        lane = timeline.lane("phases")
        if lane and lane.spans:
            # a running phase up to its planned end (its hatched rest), and the roadmap's
            # planned LPs and MRD checks when the Plan lane shows them
            plan = timeline.lane("plan")
            planned = [m.x for m in plan.marks] if plan is not None else []
            x0 = min(s.x0 for s in lane.spans)
            x1 = max([s.plan_x1 or s.x1 for s in lane.spans] + planned)
            pad = (x1 - x0) * 0.02 + 1
            return x0 - pad, x1 + pad
    pad = (timeline.last - timeline.first) * 0.02 + 1
    return timeline.first - pad, timeline.last + pad


def _counts_range(timeline: Timeline) -> tuple[float, float]:
    """The 3-month preset if a chart has a point in it; else the three months up to the
    newest point, from the first point in them, so the data fills the width."""
    recent = preset_range("3m", timeline)
    xs = [x for lane in timeline.lanes if lane.series for x in (p.x for p in lane.series.points)]
    if not xs or max(xs) >= recent[0]:
        return recent
    last = max(xs)
    first = min(x for x in xs if x >= last - 91)
    pad = max((last - first) * 0.03, 2.0)
    return first - pad, last + pad
