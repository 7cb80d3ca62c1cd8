"""Where the timeline's labels go, in pixels, without Qt: the axis labels on their lines
(tick dates, phase days "D22", "today") and the reference lines' labels in a chart.  Rules:
a label stays inside the drawing area (shifted inward at an edge), never lies over another
label, and a reference line's label covers no data, on the side of the chart farthest from
the values.  ui/timeline/painter.py draws what these return."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """A label's rectangle: x to the right, y downwards (pixels)."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Closer than ``gap`` pixels to ``other`` (or across it)."""
        return not (
            self.right + gap <= other.left
            or other.right + gap <= self.left
            or self.bottom + gap <= other.top
            or other.bottom + gap <= self.top
        )

    def inside(self, bounds: Box) -> bool:
        return (
            bounds.left <= self.left
            and self.right <= bounds.right
            and bounds.top <= self.top
            and self.bottom <= bounds.bottom
        )


@dataclass(frozen=True, slots=True)
class Wanted:
    """A label wanted on a line: ``width`` pixels, centred on ``x`` (``centred``) or
    starting at it; a higher ``priority`` is placed first and keeps its place."""

    x: float
    width: float
    priority: int = 0
    centred: bool = True


def line_labels(
    wanted: Sequence[Wanted], lo: float, hi: float, gap: float = 4.0
) -> list[float | None]:
    """The left edge of each label of ``wanted`` on one line between ``lo`` and ``hi``, or
    None for one left out: a label is shifted inward where it would cross an edge, and one
    that would come within ``gap`` pixels of a label of higher priority (or of the same
    priority further left) is left out, so no two labels touch."""
    out: list[float | None] = [None] * len(wanted)
    taken: list[tuple[float, float]] = []
    order = sorted(range(len(wanted)), key=lambda i: (-wanted[i].priority, wanted[i].x))
    for i in order:
        w = wanted[i]
        if w.width > hi - lo:
            continue
        left = w.x - w.width / 2 if w.centred else w.x
        left = min(max(left, lo), hi - w.width)
        right = left + w.width
        if any(not (right + gap <= a or b + gap <= left) for a, b in taken):
            continue
        taken.append((left, right))
        out[i] = left
    return out


def reference_label_box(
    y: float,
    width: float,
    height: float,
    bounds: Box,
    data_xs: Sequence[float],
    free: Callable[[Box], bool],
    step: float = 24.0,
) -> Box | None:
    """Where the label of a reference line at height ``y`` goes: just above or just below
    the line, anywhere along it inside ``bounds`` where ``free`` (no data, no other label,
    not across the today line), and of those the one farthest from the values drawn
    (``data_xs``, their x in pixels, sorted): the side of the chart with no points, never
    on top of the newest ones.  Ties go to the right end.  None when no place is free."""
    best: tuple[float, float, Box] | None = None
    right = bounds.right
    while right - width >= bounds.left - 0.5:
        for top in (y - 2 - height, y + 2):
            box = Box(max(right - width, bounds.left), top, width, height)
            if not box.inside(bounds) or not free(box):
                continue
            score = (_distance(box, data_xs), box.right)
            if best is None or score > best[:2]:
                best = (score[0], score[1], box)
        if right - width <= bounds.left:
            break
        right = max(right - step, bounds.left + width)
    return best[2] if best is not None else None


def _distance(box: Box, xs: Sequence[float]) -> float:
    """How far (horizontally) ``box`` is from the nearest of ``xs`` (sorted); 0 across one."""
    if not xs:
        return float("inf")
    i = bisect.bisect_left(xs, box.left)
    if i < len(xs) and xs[i] <= box.right:
        return 0.0
    before = box.left - xs[i - 1] if i > 0 else float("inf")
    after = xs[i] - box.right if i < len(xs) else float("inf")
    return min(before, after)
