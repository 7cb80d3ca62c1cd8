"""tracker.label_layout: axis labels inside the drawing and off each other; reference
lines' labels off the data, on the side away from the values."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tracker.label_layout import Box, Wanted, line_labels, reference_label_box


def test_labels_at_the_edges_are_shifted_inward() -> None:
    lefts = line_labels([Wanted(2, 40), Wanted(498, 40)], 0, 500)
    assert lefts == [0, 460]


def test_today_keeps_its_place_and_a_phase_day_under_it_is_left_out() -> None:
    """ "D22" was drawn across "today"."""
    wanted = [Wanted(100, 24), Wanted(110, 36, priority=1), Wanted(200, 24)]
    lefts = line_labels(wanted, 0, 500)
    assert lefts[1] == 110 - 18
    assert lefts[0] is None
    assert lefts[2] == 200 - 12


def test_a_label_wider_than_the_line_is_left_out() -> None:
    assert line_labels([Wanted(10, 80)], 0, 50) == [None]


@given(
    st.lists(
        st.tuples(st.floats(-50, 550), st.floats(1, 120), st.integers(0, 2), st.booleans()),
        max_size=30,
    )
)
def test_placed_labels_are_inside_and_never_touch(
    spec: list[tuple[float, float, int, bool]],
) -> None:
    wanted = [Wanted(x, w, p, c) for x, w, p, c in spec]
    lefts = line_labels(wanted, 0, 500, gap=4)
    placed = [
        (left, left + w.width) for left, w in zip(lefts, wanted, strict=True) if left is not None
    ]
    for a, b in placed:
        assert a >= 0 and b <= 500
    for (a0, a1), (b0, b1) in itertools.combinations(placed, 2):
        assert a1 + 4 <= b0 or b1 + 4 <= a0


BOUNDS = Box(0, 0, 600, 80)


def _free_of(points: list[tuple[float, float]], air: float = 5):  # type: ignore[no-untyped-def]
    def free(box: Box) -> bool:
        return not any(
            box.left - air <= x <= box.right + air and box.top - air <= y <= box.bottom + air
            for x, y in points
        )

    return free


def test_a_reference_label_goes_to_the_side_without_values() -> None:
    """The newest values sit at the right end: the label goes to the left end, not onto
    them (issue 15)."""
    points = [(400 + 10 * k, 60.0) for k in range(20)]  # x 400..590, just above the line
    box = reference_label_box(66, 120, 14, BOUNDS, [x for x, _ in points], _free_of(points))
    assert box is not None
    assert box.left == 0
    assert _free_of(points)(box)


def test_a_reference_label_stays_right_when_the_values_are_on_the_left() -> None:
    points = [(10 * k, 60.0) for k in range(20)]
    box = reference_label_box(66, 120, 14, BOUNDS, [x for x, _ in points], _free_of(points))
    assert box is not None and box.right == 600


def test_a_reference_label_with_no_free_place_is_none() -> None:
    box = reference_label_box(40, 120, 14, BOUNDS, [300.0], lambda _box: False)
    assert box is None


def test_a_reference_label_is_above_or_below_its_line_inside_the_chart() -> None:
    near_top = reference_label_box(5, 100, 14, BOUNDS, [], lambda _box: True)
    assert near_top is not None and near_top.top == 7  # no room above: below the line
    box = reference_label_box(40, 100, 14, BOUNDS, [], lambda _box: True)
    assert box is not None and box.bottom == 38 and box.inside(BOUNDS)
