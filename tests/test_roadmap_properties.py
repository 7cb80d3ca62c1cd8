"""Property tests of tracker/roadmap: a mutated template is loaded or refused with a
message (never a crash), and what loads writes back equal; random valid chains compute in
every arm; a shift of N days and then of -N gives back the dates."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from test_roadmap import sample

import resources
from tracker.roadmap.plan import Facts, compute_plan
from tracker.roadmap.read import RoadmapError, parse_template
from tracker.roadmap.shift import shift_start_by
from tracker.roadmap.template import MAX_GAP_DAYS, MAX_LENGTH_DAYS
from tracker.roadmap.write import template_text

WORDS = st.sampled_from(
    [
        "pro",
        "ind",
        "ib",
        "ade",
        "mae",
        "marma",
        "std",
        "exp",
        "all",
        "LR",
        "MR-IB",
        "day",
        "start",
        "end",
        "verified",
        "partly",
        "book",
        "ash2018",
        "phase",
        "arms",
        "gap_days",
        "length_days",
        "lps",
        "mrd",
        "kind",
        "after",
        "status",
        "mark",
        "",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 40)
    | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | WORDS
    | st.text(max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(WORDS | st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def bases() -> list[dict[str, Any]]:
    shipped = [
        json.loads(resources.read_bytes(f"roadmaps/{name}.json"))
        for name in ("interfant-06", "interfant-21", "empty")
    ]
    return [sample(), *shipped]


BASES = bases()


def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for k, v in value.items():
            found += paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += paths(v, (*here, i))
    return found


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def loads_or_refuses(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False).encode()
    try:
        t = parse_template(text, "mutated.json")
    except RoadmapError as exc:
        event("refused")
        message = str(exc)
        assert message.startswith("mutated.json"), message
        assert message.endswith("Nothing was loaded."), message
        return
    event("loaded")
    again = parse_template(template_text(t).encode(), "again.json")
    assert again == t  # what loads, writes back and reads back the same
    for arm in t.arms:
        compute_plan(t, arm.key, Facts(first_start=dt.date(2026, 1, 5)))


@settings(max_examples=600)
@given(st.data())
def test_a_mutated_template_loads_or_is_refused_with_a_message(data: st.DataObject) -> None:
    base = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(base)))
        action = data.draw(st.sampled_from(["replace", "delete", "add", "append", "copy"]))
        target = at(base, where)
        if action == "replace" and where:
            at(base, where[:-1])[where[-1]] = data.draw(VALUES)
        elif action == "delete" and where:
            parent = at(base, where[:-1])
            del parent[where[-1]]
        elif action == "add" and isinstance(target, dict):
            target[data.draw(WORDS | st.text(max_size=6))] = data.draw(VALUES)
        elif action == "append" and isinstance(target, list):
            target.append(data.draw(VALUES))
        elif action == "copy" and isinstance(target, list) and target:
            target.append(copy.deepcopy(data.draw(st.sampled_from(target))))
    loads_or_refuses(base)


@settings(max_examples=300)
@given(st.sampled_from(BASES), st.data())
def test_damaged_bytes_load_or_are_refused_with_a_message(base: Any, data: st.DataObject) -> None:
    raw = bytearray(json.dumps(base, ensure_ascii=False).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    try:
        parse_template(bytes(raw), "damaged.json")
    except RoadmapError as exc:
        assert str(exc).startswith("damaged.json"), str(exc)


@st.composite
def chains(draw: st.DrawFn) -> dict[str, Any]:
    """A valid template: phase 0 in every arm, the others in random arms; in each arm a
    phase starts after the one before it in the list that is in the same arm."""
    arms = [f"a{i}" for i in range(draw(st.integers(1, 3)))]
    n = draw(st.integers(1, 12))
    phases: list[dict[str, Any]] = []
    for i in range(n):
        mine = arms if i == 0 else draw(st.lists(st.sampled_from(arms), min_size=1, unique=True))
        length = draw(st.none() | st.integers(1, MAX_LENGTH_DAYS) | st.integers(1, 60))
        after: dict[str, list[str]] = {}
        for arm in mine:
            before = next(p["key"] for p in reversed(phases) if arm in p["arms"]) if i else None
            if before is not None:
                after.setdefault(before, []).append(arm)
        high = length or MAX_LENGTH_DAYS

        def points(high: int = high) -> list[dict[str, Any]] | None:
            if draw(st.booleans()):
                return None
            result = []
            for _ in range(draw(st.integers(0, 3))):
                where = draw(st.sampled_from(["start", "day", "end"]))
                day = draw(st.integers(1, high)) if where == "day" else None
                result.append({"label": f"p{len(result)}", "at": where, "day": day})
            return result

        phases.append(
            {
                "key": f"p{i}",
                "name": f"Phase {i}",
                "kind": draw(st.sampled_from(["induction", "consolidation", "other"])),
                "arms": mine,
                "after": [
                    {"phase": k, "arms": v, "gap_days": draw(st.integers(0, MAX_GAP_DAYS))}
                    for k, v in after.items()
                ],
                "length_days": length,
                "lps": points(),
                "mrd": points(),
            }
        )
    return {
        "format": "treatment-tracker roadmap",
        "version": 1,
        "protocol": "Random",
        "arms": [{"key": a, "name": a} for a in arms],
        "phases": phases,
    }


DATES = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))


@settings(max_examples=150)
@given(chains(), DATES)
def test_random_valid_chains_compute_in_every_arm(data: dict[str, Any], first: dt.date) -> None:
    t = parse_template(json.dumps(data).encode(), "random.json")
    for arm in t.arms:
        plan = compute_plan(t, arm.key, Facts(first_start=first))
        assert plan.phases[0] == "p0"
        known = [it.date for it in plan.items if it.what.value in ("start", "end") and it.date]
        assert known == sorted(known)  # planned phases follow each other in order
        for it in plan.items:
            assert (it.date is None) == (it.why_unknown is not None)


@settings(max_examples=100)
@given(chains(), DATES, st.integers(-60, 60), st.data())
def test_a_shift_of_n_then_minus_n_gives_back_the_dates(
    data: dict[str, Any], first: dt.date, n: int, draw: st.DataObject
) -> None:
    t = parse_template(json.dumps(data).encode(), "random.json")
    arm = draw.draw(st.sampled_from(t.arms)).key
    facts = Facts(first_start=first)
    plan = compute_plan(t, arm, facts)
    dated = [k for k in plan.phases if plan.item(f"{k}.start").date is not None]
    phase = draw.draw(st.sampled_from(dated))
    there = shift_start_by(t, arm, facts, phase, n)
    assert all(m.reason for m in there.moves)
    back = shift_start_by(t, arm, there.facts, phase, -n)
    assert back.after.dates() == plan.dates()
