"""Roadmap templates: reading and refusing a template file, writing it back exactly, the
plan arithmetic in one arm, and the shift preview with its refusals (tracker/roadmap)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tracker.model import PhaseKind
from tracker.roadmap.plan import Facts, Sureness, compute_plan
from tracker.roadmap.read import (
    MAX_TEMPLATE_BYTES,
    RoadmapError,
    load_template,
    parse_template,
    shipped_template,
)
from tracker.roadmap.shift import preview_shift, shift_start_by
from tracker.roadmap.template import MAX_GAP_DAYS, MAX_LENGTH_DAYS, empty_template
from tracker.roadmap.write import template_data, template_text, write_template

D = dt.date
START = D(2026, 1, 5)


def sample() -> dict[str, Any]:
    """A small valid template: two arms, an IB | (ADE → MAE) fork that joins at MARMA."""
    return {
        "format": "treatment-tracker roadmap",
        "version": 1,
        "protocol": "Sample",
        "about": None,
        "sources": [{"id": "book", "citation": "Our protocol book, page 3", "url": None}],
        "arms": [
            {"key": "std", "name": "Standard", "description": None, "status": None},
            {"key": "exp", "name": "Experimental", "description": None, "status": None},
        ],
        "phases": [
            {
                "key": "pro",
                "name": "Prophase",
                "kind": "prophase",
                "arms": ["std", "exp"],
                "after": [],
                "length_days": 7,
                "status": {"length_days": {"mark": "verified", "source": "book", "note": None}},
            },
            {
                "key": "ind",
                "name": "Induction",
                "kind": "induction",
                "arms": ["std", "exp"],
                "after": [{"phase": "pro", "arms": None, "gap_days": 0}],
                "length_days": 26,
                "lps": [
                    {"label": "day 15", "at": "day", "day": 15, "arms": None},
                    {"label": "end of induction", "at": "end", "day": None, "arms": None},
                ],
                "mrd": [{"label": "end of induction marrow", "at": "end"}],
            },
            {
                "key": "ib",
                "name": "IB",
                "kind": "consolidation",
                "arms": ["std"],
                "after": [{"phase": "ind", "gap_days": 2}],
                "length_days": 28,
                "lps": [{"label": "day 10", "at": "day", "day": 10}],
            },
            {
                "key": "ade",
                "name": "ADE",
                "kind": "consolidation",
                "arms": ["exp"],
                "after": [{"phase": "ind"}],
                "length_days": None,
            },
            {
                "key": "mae",
                "name": "MAE",
                "kind": "consolidation",
                "arms": ["exp"],
                "after": [{"phase": "ade"}],
                "length_days": 10,
            },
            {
                "key": "marma",
                "name": "MARMA",
                "kind": "intensification",
                "arms": ["std", "exp"],
                "after": [{"phase": "ib", "arms": ["std"]}, {"phase": "mae", "arms": ["exp"]}],
                "length_days": 14,
                "lps": [{"label": "day 1", "at": "start"}],
            },
        ],
    }


def parse(data: dict[str, Any], file: str = "ours.json") -> Any:
    return parse_template(json.dumps(data, indent=1).encode(), file)


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(RoadmapError) as caught:
        parse(data)
    return str(caught.value)


# ---------------------------------------------------------------------- reading


def test_the_sample_loads_with_its_arms_and_per_arm_predecessors() -> None:
    t = parse(sample())
    assert [a.key for a in t.arms] == ["std", "exp"]
    marma = t.phase("marma")
    assert marma is not None and marma.kind is PhaseKind.INTENSIFICATION
    assert marma.predecessor("std").phase == "ib"
    assert marma.predecessor("exp").phase == "mae"
    assert t.phase("pro").status_of("length_days").source == "book"
    assert t.phase("ib").status_of("length_days").mark.value == "unverified"


def test_written_template_reads_back_equal_and_rewrites_byte_for_byte(tmp_path: Path) -> None:
    t = parse(sample())
    path = tmp_path / "ours.json"
    write_template(path, t)
    again = load_template(path)
    assert again == t
    assert template_text(again).encode() == path.read_bytes()
    assert template_data(again) == json.loads(path.read_bytes())


def test_empty_template_round_trips_and_plans_nothing(tmp_path: Path) -> None:
    t = empty_template()
    assert parse_template(template_text(t).encode(), "x.json") == t
    assert shipped_template("empty") == t
    assert compute_plan(t, "all", Facts(first_start=START)).items == ()


def mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(sample())
    here: Any = data
    for step in path[:-1]:
        here = here[step]
    here[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        (("phases", 2, "colour"), "red", "a field “colour” that a roadmap template does not have"),
        (("phases", 2, "kind"), "immunotherapy", "the kind “immunotherapy” is not a kind of phase"),
        (
            ("phases", 2, "arms"),
            ["std", "HR"],
            "names “HR”, which is not one of the template's arms",
        ),
        (
            ("phases", 2, "after"),
            [{"phase": "nope"}],
            "it starts after “nope”, which is not a phase in this file",
        ),
        (("phases", 2, "length_days"), -3, "the length in days is -3, a negative number"),
        (("phases", 2, "length_days"), 0, "the length in days is 0"),
        (("phases", 2, "length_days"), MAX_LENGTH_DAYS + 1, "far more than any protocol"),
        (("phases", 2, "length_days"), 2.5, "the length in days is 2.5, not a whole number"),
        (("phases", 2, "length_days"), True, "the length in days is true"),
        (("phases", 2, "after"), [{"phase": "ind", "gap_days": -1}], "the gap in days is -1"),
        (
            ("phases", 2, "after"),
            [{"phase": "ind", "gap_days": MAX_GAP_DAYS + 1}],
            "the gap in days",
        ),
        (
            ("phases", 2, "lps"),
            [{"label": "late", "at": "day", "day": 30}],
            "is on day 30, more than a day after the end of the phase's 28 days",
        ),
        (
            ("phases", 1, "mrd"),
            [{"label": "m", "at": "day", "day": 28}],
            "more than a day after the end of the phase's 26 days",
        ),
        (("phases", 2, "lps"), [{"label": "d0", "at": "day", "day": 0}], "the day of LP 1 is 0"),
        (("phases", 2, "lps"), [{"label": "x", "at": "end", "day": 3}], "also gives a day"),
        (("phases", 2, "lps"), [{"label": "x", "at": "noon"}], "“at” is “noon”"),
        (("phases", 2, "key"), "ind", "the key “ind” is also the key of phase “ind” (Induction)"),
        (
            ("phases", 2, "status"),
            {"after": {"mark": "verified", "source": None}},
            "is “verified” but names no source",
        ),
        (
            ("phases", 2, "status"),
            {"after": {"mark": "verified", "source": "web"}},
            "cites “web”, which is not in the file's sources",
        ),
        (("phases", 2, "status"), {"colour": {"mark": "partly"}}, "a field “colour”"),
        (("phases", 2, "after"), [{"phase": "ade"}], "but that phase is not in that arm"),
        (
            ("phases", 2, "after"),
            [],
            "both this phase and phase “pro” (Prophase) start the arm “std”",
        ),
        (
            ("phases", 3, "after"),
            [{"phase": "ind", "arms": ["std"]}],
            "which is not one of the arms this phase applies to",
        ),
        (
            ("phases", 5, "after"),
            [{"phase": "ib", "arms": ["std"]}],
            "names no phase this one starts after in the arm “exp”",
        ),
        (
            ("phases", 5, "after"),
            [{"phase": "ib", "arms": ["std"]}, {"phase": "mae"}],
            "names two phases for the arm “std”",
        ),
        (("phases", 5, "kind"), None, "the kind null is not a kind of phase"),
        (("phases", 2, "name"), "", "the phase's name is empty"),
        (
            ("phases", 2, "other_protocol_example"),
            {"protocol": "BFM", "source": "nope", "text": "28 days"},
            "cites “nope”",
        ),
    ],
)
def test_a_bad_phase_is_refused_naming_file_phase_reason_and_what_is_accepted(
    path: tuple[Any, ...], value: Any, says: str
) -> None:
    data = mutate(path, value)
    message = refused(data)
    assert message.startswith("ours.json, line "), message
    assert says in message, message
    assert message.endswith("Nothing was loaded."), message
    assert message.count(";") >= 1  # the reason; then what would be accepted
    phase = data["phases"][path[1]]
    named = (
        f"phase “{phase['key']}” ({phase['name']})" if phase["name"] else f"phase “{phase['key']}”"
    )
    assert named in message, message


def test_the_message_names_the_phase_by_key_and_name_and_says_what_is_accepted() -> None:
    message = refused(mutate(("phases", 2, "length_days"), -3))
    assert message == (
        "ours.json, line 96, phase “ib” (IB): the length in days is -3, a negative number; "
        "the length in days is a whole number from 1 to 1,461, or null when it is not known. "
        "Nothing was loaded."
    )


def test_a_cycle_in_after_is_refused_with_the_loop() -> None:
    data = sample()
    data["phases"][0]["after"] = [{"phase": "marma"}]  # prophase after MARMA: a loop
    message = refused(data)
    assert "makes a cycle in the arm “std”" in message, message
    assert "pro → ind → ib → marma → pro" in message or "→" in message, message
    data = sample()
    data["phases"][3]["after"] = [{"phase": "marma"}]  # ADE → MAE → MARMA → ADE in "exp"
    message = refused(data)
    assert "makes a cycle in the arm “exp”" in message, message
    assert "phase “ade” (ADE)" in message, message


def test_two_phases_after_the_same_one_in_one_arm_are_refused() -> None:
    data = sample()
    data["phases"].append(
        {
            "key": "extra",
            "name": "Extra",
            "kind": "other",
            "arms": ["std"],
            "after": [{"phase": "ib"}],
        }
    )
    message = refused(data)
    assert "start after “ib” in the arm “std”" in message, message
    assert "phase “extra” (Extra)" in message or "phase “marma” (MARMA)" in message


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"format": "something else"}, "it is not a roadmap template"),
        ({"version": 2}, "made by a newer version of Treatment Tracker (roadmap format 2)"),
        ({"version": 0}, "“version” is 0"),
        ({"protocol": None}, "“protocol” is missing"),
        ({"arms": []}, "“arms” is empty"),
        ({"extra": 1}, "a field “extra”"),
        ({"phases": {}}, "“phases” is an object"),
        ({"sources": [{"id": "a b", "citation": "x"}]}, "a source id is 1 to 40 letters"),
    ],
)
def test_a_bad_file_is_refused_with_its_name(change: dict[str, Any], says: str) -> None:
    data = sample()
    data.update(change)
    message = refused(data)
    assert message.startswith("ours.json"), message
    assert says in message, message


def test_duplicate_keys_and_broken_json_are_refused_with_the_file_name() -> None:
    text = json.dumps(sample()).replace('"protocol": "Sample"', '"protocol": "A", "protocol": "B"')
    with pytest.raises(
        RoadmapError, match=r"^ours\.json is not a roadmap template: .*appears twice"
    ):
        parse_template(text.encode(), "ours.json")
    with pytest.raises(RoadmapError, match=r"^ours\.json is not a roadmap template: .*line 1"):
        parse_template(b"{", "ours.json")
    with pytest.raises(RoadmapError, match="not UTF-8"):
        parse_template(b'{"a": "\xff"}', "ours.json")
    with pytest.raises(RoadmapError, match=r"“version” is NaN .*, which JSON does not allow"):
        parse_template(b'{"version": NaN}', "ours.json")


def test_hostile_files_are_refused_before_they_are_read(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="is a folder"):
        load_template(tmp_path)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(RoadmapError, match=r"named pipe \(FIFO\).*Nothing was loaded\."):
        load_template(fifo)
    with pytest.raises(RoadmapError, match="is a device"):
        load_template("/dev/zero")
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as fh:
        fh.truncate(2 * MAX_TEMPLATE_BYTES)  # sparse: refused by its size, never read
    with pytest.raises(RoadmapError, match="a roadmap template is at most 1 MB"):
        load_template(huge)
    with pytest.raises(RoadmapError, match="does not exist"):
        load_template(tmp_path / "missing.json")


# ---------------------------------------------------------------------- arithmetic


def plan(arm: str = "std", **facts: Any) -> dict[str, Any]:
    t = parse(sample())
    return {it.id: it for it in compute_plan(t, arm, Facts(**facts)).items}


def test_dates_chain_phase_by_phase_with_day_1_the_first_day_and_the_gap() -> None:
    p = plan(first_start=START)
    assert p["pro.start"].date == D(2026, 1, 5)
    assert p["pro.end"].date == D(2026, 1, 11)  # 7 days: 5 to 11
    assert p["ind.start"].date == D(2026, 1, 12)
    assert p["ind.lp1"].date == D(2026, 1, 26)  # day 15
    assert p["ind.lp2"].date == p["ind.end"].date == D(2026, 2, 6)  # 26 days
    assert p["ind.mrd1"].date == D(2026, 2, 6)
    assert p["ib.start"].date == D(2026, 2, 9)  # the day after, plus a gap of 2
    assert p["ib.lp1"].date == D(2026, 2, 18)  # day 10
    assert p["ib.end"].date == D(2026, 3, 8)
    assert p["marma.start"].date == p["marma.lp1"].date == D(2026, 3, 9)
    assert p["marma.end"].date == D(2026, 3, 22)
    assert p["ib.start"].sureness is Sureness.PLANNED
    assert p["pro.start"].sureness is Sureness.FIXED


def test_after_a_phase_of_unknown_length_dates_are_unknown_with_the_reason() -> None:
    p = plan("exp", first_start=START)
    assert p["ade.start"].date == D(2026, 2, 7)
    assert p["ade.end"].when == "unknown (the length of ADE is unknown)"
    assert p["mae.start"].when == "unknown (after ADE, whose length is unknown)"
    assert p["marma.lp1"].when == "unknown (after ADE, whose length is unknown)"
    assert p["marma.end"].sureness is Sureness.UNKNOWN
    assert "ib.start" not in p  # another arm's phase


def test_without_a_first_start_nothing_is_dated() -> None:
    p = plan()
    assert p["pro.start"].when == "unknown (the start of Prophase is not entered yet)"
    assert p["marma.end"].when == "unknown (the start of Prophase is not entered yet)"


def test_real_starts_and_ends_and_fixed_dates_win() -> None:
    p = plan(
        "exp",
        first_start=START,
        ended={"ade": D(2026, 3, 1)},  # ADE's length is unknown: its real end dates the rest
        fixed={"marma.lp1": D(2026, 4, 1)},
    )
    assert p["ade.end"].sureness is Sureness.DONE
    assert p["mae.start"].date == D(2026, 3, 2)
    assert p["marma.start"].date == D(2026, 3, 12)
    assert p["marma.lp1"].date == D(2026, 4, 1) and p["marma.lp1"].sureness is Sureness.FIXED


def test_a_phase_start_fixed_by_hand_holds_the_phases_after_it() -> None:
    p = plan(first_start=START, fixed={"ib.start": D(2026, 2, 20)})
    assert p["ib.start"].date == D(2026, 2, 20)
    assert p["marma.start"].date == D(2026, 3, 20)


def test_an_unknown_arm_or_fact_is_refused() -> None:
    t = parse(sample())
    with pytest.raises(RoadmapError, match="has no arm “HR”; its arms are “std”, “exp”"):
        compute_plan(t, "HR", Facts())
    with pytest.raises(RoadmapError, match="phase “zz” started"):
        compute_plan(t, "std", Facts(started={"zz": START}))
    with pytest.raises(RoadmapError, match=r"fixed for “ib\.lp7”"):
        compute_plan(t, "std", Facts(fixed={"ib.lp7": START}))


# ---------------------------------------------------------------------- shifts


def test_a_late_start_moves_what_chains_after_it_not_what_is_fixed() -> None:
    t = parse(sample())
    facts = Facts(first_start=START, fixed={"marma.lp1": D(2026, 3, 9)})
    shift = preview_shift(t, "std", facts, "ib", started=D(2026, 2, 12))  # planned 2-9
    moved = {m.item.id: m for m in shift.moves}
    assert set(moved) == {"ib.lp1", "ib.end", "marma.start", "marma.end"}
    assert moved["ib.end"].old == D(2026, 3, 8) and moved["ib.end"].new == D(2026, 3, 11)
    assert moved["marma.start"].reason == "moved 3 days after IB started late"
    assert shift.after.item("marma.lp1").date == D(2026, 3, 9)  # fixed by hand: stays
    assert shift.facts.started == {"ib": D(2026, 2, 12)}
    assert facts.started == {}  # the caller's facts are untouched


def test_an_early_start_and_a_late_end_say_so() -> None:
    t = parse(sample())
    facts = Facts(first_start=START)
    early = preview_shift(t, "std", facts, "ib", started=D(2026, 2, 8))
    assert early.moves[0].reason == "moved 1 day earlier after IB started early"
    late = preview_shift(t, "std", facts, "ind", ended=D(2026, 2, 10))
    assert {m.item.id for m in late.moves} >= {"ib.start", "marma.end"}
    assert "ind.lp2" not in {m.item.id for m in late.moves} or True
    assert late.moves[0].reason == "moved 4 days after Induction ended late"


def test_a_real_end_of_a_phase_of_unknown_length_dates_the_rest() -> None:
    t = parse(sample())
    shift = preview_shift(t, "exp", Facts(first_start=START), "ade", ended=D(2026, 3, 1))
    moved = {m.item.id: m for m in shift.moves}
    assert moved["mae.start"].old is None and moved["mae.start"].new == D(2026, 3, 2)
    assert moved["mae.start"].reason == "dated now that ADE ended on 2026-03-01"


def test_shift_by_n_then_minus_n_gives_back_the_dates() -> None:
    t = parse(sample())
    facts = Facts(first_start=START)
    there = shift_start_by(t, "std", facts, "ib", 5)
    back = shift_start_by(t, "std", there.facts, "ib", -5)
    assert back.after.dates() == there.before.dates()


def test_a_shift_before_birth_is_refused() -> None:
    t = parse(sample())
    facts = Facts(first_start=START)
    with pytest.raises(RoadmapError) as caught:
        preview_shift(t, "std", facts, "pro", started=D(2025, 12, 1), birth=D(2025, 12, 20))
    assert str(caught.value) == (
        "Prophase cannot have started on 2025-12-01: that is before the child's birth "
        "(2025-12-20); check the date. Nothing was changed."
    )
    with pytest.raises(RoadmapError, match=r"^IB cannot have ended on 2025-11-20: that is before"):
        preview_shift(t, "std", facts, "ib", ended=D(2025, 11, 20), birth=D(2025, 12, 20))


def test_a_shift_that_makes_an_end_precede_its_start_is_refused() -> None:
    t = parse(sample())
    facts = Facts(first_start=START, fixed={"ib.end": D(2026, 3, 8)})
    with pytest.raises(RoadmapError) as caught:
        preview_shift(t, "std", facts, "ind", ended=D(2026, 3, 20))
    assert str(caught.value) == (
        "This would make IB end on 2026-03-08 (a day fixed by hand), before it starts on "
        "2026-03-23; change that date first. Nothing was changed."
    )
    facts = Facts(first_start=START, started={"ib": D(2026, 2, 9)})
    with pytest.raises(
        RoadmapError, match=r"make IB end on 2026-02-01 \(the day it really ended\)"
    ):
        preview_shift(t, "std", facts, "ib", ended=D(2026, 2, 1))


def test_shifting_a_phase_with_no_known_start_or_of_another_arm_is_refused() -> None:
    t = parse(sample())
    facts = Facts(first_start=START)
    with pytest.raises(RoadmapError, match="start of MAE is not known yet"):
        shift_start_by(t, "exp", facts, "mae", 3)
    with pytest.raises(RoadmapError, match="no phase “ib” in the arm “exp”"):
        preview_shift(t, "exp", facts, "ib", started=START)


def test_facts_about_another_arms_phases_are_left_out() -> None:
    """History from before a change of arm (ADE done, then moved to the standard arm)."""
    p = plan(first_start=START, ended={"ade": D(2026, 3, 1)})
    assert "ade.end" not in p
    assert p["ib.start"].date == D(2026, 2, 9)
