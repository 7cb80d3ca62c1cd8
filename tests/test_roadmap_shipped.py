"""The shipped roadmap templates (resources/roadmaps/) hold only what domain.md and
capabilities.md support: every verified field cites a source listed in the file, and no
length, gap or day is filled in unless one of those documents gives it (quoted below)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import resources
from tracker.roadmap.plan import Facts, compute_plan
from tracker.roadmap.read import shipped_template
from tracker.roadmap.template import At, Mark
from tracker.roadmap.write import template_text

SHIPPED = ("interfant-06", "interfant-21", "empty")

# (template, phase, what, value): the line of domain.md / capabilities.md that gives it.
SOURCED_NUMBERS = {
    ("interfant-06", "pro", "length_days", 7): (
        "domain.md §1.2: Prednisone prophase … 7 days; day-8 blood blast count defines "
        "prednisone response … prophase ✅; capabilities.md §1: Prophase | 7 days | ✅ "
        "Interfant-99 Lancet 2007 summary"
    ),
    ("interfant-21", "pro", "length_days", 7): (
        "the same lines (Interfant-99/-06 prophase; marked partly for Interfant-21)"
    ),
    ("interfant-06", "pro", "mrd", 8): (
        "domain.md §1.3: Prednisone good response … blasts/µL in peripheral blood on day 8 "
        "after the 7-day prednisone prophase | ✅ BFM definition; §1.5: Day 8 | peripheral "
        "blood blast count → PGR/PPR | ✅"
    ),
    ("interfant-21", "pro", "mrd", 8): (
        "the same lines (the Interfant-99/-06 day-8 count; marked partly for Interfant-21)"
    ),
    ("interfant-21", "blina1", "length_days", 28): (
        "capabilities.md §1: Blinatumomab (pilot) | one post-induction course, 15 µg/m²/day, "
        "28-day continuous infusion | ✅ NEJM 2023;388:1572; domain.md §1.1: one "
        "post-induction 28-day blinatumomab course"
    ),
    ("interfant-21", "blina2", "length_days", 28): (
        "the same lines (the pilot's course length; marked partly for Interfant-21's cycle 2)"
    ),
}


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_template_loads_and_is_written_as_the_writer_writes(name: str) -> None:
    t = shipped_template(name)
    assert template_text(t).encode() == resources.read_bytes(f"roadmaps/{name}.json")


@pytest.mark.parametrize("name", SHIPPED)
def test_every_verified_field_cites_a_source_listed_in_the_file(name: str) -> None:
    t = shipped_template(name)
    listed = {s.id for s in t.sources}
    statuses = [a.status for a in t.arms if a.status is not None]
    statuses += [s for p in t.phases for _, s in p.status]
    for status in statuses:
        if status.mark is Mark.VERIFIED:
            assert status.source in listed
        if status.source is not None:
            assert status.source in listed
    for s in t.sources:
        assert s.citation.strip()


def numbers(name: str) -> set[tuple[str, str, str, int]]:
    t = shipped_template(name)
    found: set[tuple[str, str, str, int]] = set()
    for p in t.phases:
        if p.length_days is not None:
            found.add((name, p.key, "length_days", p.length_days))
        for link in p.after:
            if link.gap_days:
                found.add((name, p.key, "gap_days", link.gap_days))
        for field, points in (("lps", p.lps), ("mrd", p.mrd)):
            for point in points or ():
                if point.at is At.DAY:
                    assert point.day is not None
                    found.add((name, p.key, field, point.day))
    return found


@pytest.mark.parametrize("name", SHIPPED)
def test_no_shipped_number_without_a_line_of_domain_or_capabilities(name: str) -> None:
    t = shipped_template(name)
    for entry in numbers(name):
        assert entry in SOURCED_NUMBERS, f"{entry} is not given by domain.md or capabilities.md"
        phase = t.phase(entry[1])
        assert phase is not None
        assert phase.status_of(entry[2]).mark is not Mark.UNVERIFIED
        assert phase.status_of(entry[2]).source is not None


def test_the_list_of_sourced_numbers_is_exactly_what_is_shipped() -> None:
    assert set().union(*(numbers(n) for n in SHIPPED)) == set(SOURCED_NUMBERS)


def test_another_protocols_example_is_text_only_and_never_dates_anything() -> None:
    t = shipped_template("interfant-06")
    ib = t.phase("ib")
    assert ib is not None and ib.other_protocol_example is not None
    assert "not Interfant" in ib.other_protocol_example.protocol
    assert ib.length_days is None and ib.lps is None
    cited = {s.source for p in t.phases for _, s in p.status}
    assert ib.other_protocol_example.source not in cited  # no field rests on it
    plan = compute_plan(t, "LR", Facts(first_start=dt.date(2026, 1, 5)))
    assert plan.item("ib.end").date is None
    assert plan.item("ib.start").when == "unknown (after Induction, whose length is unknown)"


@pytest.mark.parametrize(
    ("name", "arm", "phases"),
    [
        ("interfant-06", "LR", ["pro", "ind", "ib", "marma", "octadad", "mt"]),
        ("interfant-06", "MR-ADE-MAE", ["pro", "ind", "ade", "mae", "marma", "octadad", "mt"]),
        ("interfant-06", "HR-IB", ["pro", "ind", "ib", "marma", "sct"]),
        ("interfant-21", "MR", ["pro", "ind", "blina1", "cons", "blina2", "mt"]),
        ("interfant-21", "HR", ["pro", "ind", "blina1", "sct"]),
    ],
)
def test_each_arm_is_one_chain_in_the_order_of_the_sources(
    name: str, arm: str, phases: list[str]
) -> None:
    assert list(compute_plan(shipped_template(name), arm, Facts()).phases) == phases


def cited(name: str) -> list[tuple[str, Any]]:
    """(where, status) for every status of the file: arms' and phases'."""
    t = shipped_template(name)
    found: list[tuple[str, Any]] = [(f"arm {a.key}", a.status) for a in t.arms if a.status]
    found += [(f"{p.key}.{f}", s) for p in t.phases for f, s in p.status]
    return found


@pytest.mark.parametrize("name", SHIPPED)
def test_every_listed_source_is_cited_and_no_note_leans_on_another_files_source(
    name: str,
) -> None:
    t = shipped_template(name)
    listed = {s.id for s in t.sources}
    used = {s.source for _, s in cited(name) if s.source is not None}
    used |= {p.other_protocol_example.source for p in t.phases if p.other_protocol_example}
    assert used == listed, f"listed but never cited: {listed - used}; cited: {used - listed}"
    others = {s.id for n in SHIPPED if n != name for s in shipped_template(n).sources} - listed
    for where, status in cited(name):
        for other in others:
            assert other.casefold() not in (status.note or "").casefold(), (where, other)
