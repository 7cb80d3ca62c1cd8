"""A plan saved as a template says which numbers came from the family's protocol book
(walkthrough finding 13): status "family", and an "about" that says so."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tracker.roadmap.child import with_lp_days
from tracker.roadmap.family import shared_template, with_family_numbers
from tracker.roadmap.read import RoadmapError, load_template, parse_template, shipped_template
from tracker.roadmap.template import Mark
from tracker.roadmap.write import template_text, write_template


def _filled():  # type: ignore[no-untyped-def]
    t = shipped_template("interfant-21")
    t = replace(
        t,
        phases=tuple(
            replace(p, length_days={"ind": 28, "mt": 530}.get(p.key, p.length_days))
            for p in t.phases
        ),
    )
    return with_lp_days(t, "mt", "1, 99, 183")


def test_the_familys_lengths_and_lp_days_are_marked_as_theirs() -> None:
    shipped = shipped_template("interfant-21")
    marked = with_family_numbers(shipped, _filled())
    ind, mt, pro = (marked.phase(k) for k in ("ind", "mt", "pro"))
    assert ind is not None and mt is not None and pro is not None
    assert ind.status_of("length_days").mark is Mark.FAMILY
    assert mt.status_of("length_days").mark is Mark.FAMILY
    assert mt.status_of("lps").mark is Mark.FAMILY
    assert pro.status_of("length_days") == shipped.phase("pro").status_of("length_days")  # type: ignore[union-attr]
    # cleared again: unknown, unverified
    cleared = with_family_numbers(
        marked,
        replace(
            marked,
            phases=tuple(
                replace(p, length_days=None) if p.key == "ind" else p for p in marked.phases
            ),
        ),
    )
    assert cleared.phase("ind").status_of("length_days").mark is Mark.UNVERIFIED  # type: ignore[union-attr]


def test_the_saved_template_says_where_its_numbers_came_from(tmp_path: Path) -> None:
    """Even numbers typed in before they were marked (the copy's status still
    "unverified"): the shipped template of the protocol tells them apart."""
    shared = shared_template(_filled())
    about = shared.about or ""
    assert "not filled in" not in about and "fill them in" not in about
    assert "Induction (28 days)" in about and "Maintenance (530 days)" in about
    assert "the LP days of Maintenance" in about and "status “family”" in about
    assert len(about) <= 500
    assert shared.phase("ind").status_of("length_days").mark is Mark.FAMILY  # type: ignore[union-attr]
    path = tmp_path / "our-plan.json"
    write_template(path, shared)
    back = load_template(path)
    assert back == shared
    assert '"mark": "family"' in path.read_text("utf-8")


def test_a_template_untouched_keeps_its_about() -> None:
    shipped = shipped_template("interfant-21")
    assert shared_template(shipped) == shipped


def test_an_unknown_mark_is_still_refused_with_the_marks_listed() -> None:
    text = template_text(shipped_template("interfant-21")).replace(
        '"mark": "partly"', '"mark": "guessed"', 1
    )
    with pytest.raises(RoadmapError, match="“family”"):
        parse_template(text.encode(), "ours.json")
