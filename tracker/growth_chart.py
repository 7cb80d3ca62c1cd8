"""The growth chart's layout, without Qt: a child's growth measurements → one chart each
for weight (kg), length/height (cm) and head circumference (cm) against the child's age.

Only the child's own measurements are drawn: domain.md gives no growth reference curves
(no WHO percentiles), so the chart draws none and says so (:data:`NOTE`).  Ages are in
days since birth; the axis ticks fall on whole months of age (``relativedelta``), so a
tick labelled "6 mo" is the day the child was six months old.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from tracker.dates import format_age
from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.growth import shown
from tracker.model import Growth
from tracker.timeline import Ref

NOTE = N_(
    "The child's own measurements; no reference curves (no percentiles) are drawn. "
    "Ask your team how the growth compares."
)
MEASURES: tuple[tuple[str, str, str, str, str], ...] = (
    # (key, title, text field, value field, unit)
    ("weight", N_("Weight"), "weight_text", "weight_kg", "kg"),
    ("length", N_("Length/height"), "length_text", "length_cm", "cm"),
    ("head", N_("Head circumference"), "head_text", "head_cm", "cm"),
)
_LEAST_SPAN = {"kg": 1.0, "cm": 2.0}  # the least y range drawn: a flat line stays readable


@dataclass(frozen=True, slots=True)
class GrowthPoint:
    age: float  # days since birth (x)
    value: float  # in the chart's unit (y)
    date: dt.date
    ref: Ref
    tooltip: str  # the date, the age, the value as typed (and in kg / cm), who measured


@dataclass(frozen=True, slots=True)
class GrowthSeries:
    key: str  # "weight", "length", "head"
    title: str
    unit: str  # "kg" or "cm"
    points: tuple[GrowthPoint, ...]
    y_low: float
    y_high: float
    y_ticks: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class AgeTick:
    age: float  # days since birth
    label: str


@dataclass(frozen=True, slots=True)
class GrowthChart:
    birth: dt.date
    series: tuple[GrowthSeries, ...]  # always the three, in MEASURES' order
    x0: float  # the ages drawn, in days
    x1: float
    note: str = field(default_factory=lambda: tr(NOTE))

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)

    def ticks(self, width_px: float, min_px: float = 48.0) -> list[AgeTick]:
        return age_ticks(self.birth, self.x0, self.x1, width_px, min_px)


def build_growth_chart(entries: Sequence[Growth], birth: dt.date) -> GrowthChart:
    """The chart of ``entries`` (one child's) by age.  The age axis starts at birth while
    the first measurement is in the first two years, else a little before it."""
    ordered = sorted(entries, key=lambda g: (g.date, g.id or 0))
    series = tuple(_series(ordered, birth, *m) for m in MEASURES)
    ages = [p.age for s in series for p in s.points]
    if not ages:
        return GrowthChart(birth, series, 0.0, 365.0)
    first, last = min(ages), max(ages)
    pad = max((last - first) * 0.04, 10.0)
    x0 = 0.0 if first < 730 else first - pad
    return GrowthChart(birth, series, x0, last + pad)


def _series(
    entries: Sequence[Growth],
    birth: dt.date,
    key: str,
    title: str,
    text_field: str,
    value_field: str,
    unit: str,
) -> GrowthSeries:
    points: list[GrowthPoint] = []
    for g in entries:
        value: float | None = getattr(g, value_field)
        text: str = getattr(g, text_field)
        if value is None or g.id is None or g.date < birth:
            continue
        lines = [
            tr("{date} · age {age}").format(date=date_text(g.date), age=format_age(birth, g.date)),
            tr("{measure}: {value}").format(measure=tr(title), value=shown(text, value, unit)),
        ]
        if g.measured_by:
            lines.append(tr("Measured by: {who}").format(who=g.measured_by))
        points.append(
            GrowthPoint(
                float((g.date - birth).days), value, g.date, Ref("growth", g.id), "\n".join(lines)
            )
        )
    low, high, ticks = value_axis([p.value for p in points], _LEAST_SPAN[unit])
    return GrowthSeries(key, tr(title), unit, tuple(points), low, high, ticks)


def value_axis(
    values: Sequence[float], least_span: float
) -> tuple[float, float, tuple[float, ...]]:
    """A y range around ``values`` (not from 0: a growth chart shows change, and 60–75 cm
    drawn from 0 is a flat line) with 3 to 6 round ticks (1, 2, 2.5 or 5 × 10ⁿ apart)."""
    if not values:
        return 0.0, 1.0, ()
    lo, hi = min(values), max(values)
    span = max(hi - lo, least_span)
    middle = (lo + hi) / 2
    lo, hi = middle - span * 0.55, middle + span * 0.55
    step = _nice_step(span / 4)
    low = math.floor(lo / step) * step
    high = math.ceil(hi / step) * step
    low = max(low, 0.0)  # no measurement is below zero
    count = round((high - low) / step)
    return low, high, tuple(round(low + i * step, 10) for i in range(count + 1))


def _nice_step(raw: float) -> float:
    exponent = math.floor(math.log10(raw))
    base = 10.0**exponent
    for m in (1, 2, 2.5, 5, 10):
        if m * base >= raw:
            return m * base
    return 10 * base


_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


def age_ticks(
    birth: dt.date, x0: float, x1: float, width_px: float, min_px: float = 48.0
) -> list[AgeTick]:
    """Ticks on whole months of age between the ages ``x0`` and ``x1`` (days), the finest
    step of 1, 2, 3, 6 months, 1, 2, 5 or 10 years whose ticks are ``min_px`` apart."""
    if x1 <= x0 or width_px <= 0:
        return []
    px_per_day = width_px / (x1 - x0)
    step = next((m for m in _MONTH_STEPS if m * 30.44 * px_per_day >= min_px), _MONTH_STEPS[-1])
    first_month = max(math.ceil(x0 / 30.44) - 1, 0)
    out: list[AgeTick] = []
    month = first_month - first_month % step
    while True:
        day = birth + relativedelta(months=month)
        age = float((day - birth).days)
        if age > x1:
            return out
        if age >= x0:
            out.append(AgeTick(age, age_label(month)))
        month += step


def age_label(months: int) -> str:
    """ "birth", "4 mo", "1 y", "1 y 6 mo", "10 y"."""
    if months == 0:
        return "birth"
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest} mo"
    return f"{years} y" + (f" {rest} mo" if rest else "")
