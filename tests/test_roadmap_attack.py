"""What an independent tester found in the roadmap templates, each pinned by a test: a
template never written over a device or a pipe, a day-8 count dated from the start of
treatment, a shift that never makes a future day "done", overlaps refused or warned
about, parse refusals that name the phase, and plain wording."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from test_roadmap import START, parse, refused, sample

from tracker.roadmap.plan import Facts, Sureness, compute_plan
from tracker.roadmap.read import RoadmapError, load_template, parse_template, shipped_template
from tracker.roadmap.shift import preview_shift, shift_start_by
from tracker.roadmap.write import template_text, write_template
from tracker.store.errors import RecordError

D = dt.date
TODAY = D(2026, 12, 1)


# ---------------------------------------------------------------------- 1. write target


def test_a_template_is_never_written_over_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    with pytest.raises(RecordError, match=r"not a regular file \(a named pipe\)"):
        write_template(fifo, parse(sample()))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the pipe, not replaced


def test_a_template_is_never_written_over_a_device(tmp_path: Path) -> None:
    node = tmp_path / "device.json"
    try:  # a device node of its own in tmp (the same numbers as /dev/null), never /dev/*
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    with pytest.raises(RecordError, match=r"not a regular file \(a device\)"):
        write_template(node, parse(sample()))
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_template_is_never_written_over_the_record(tmp_path: Path) -> None:
    record = tmp_path / "our.tracker"
    record.write_bytes(b"x")
    with pytest.raises(RecordError, match="the treatment record itself"):
        write_template(record, parse(sample()), record_path=record)
    assert record.read_bytes() == b"x"
    ok = tmp_path / "ours.json"
    write_template(ok, parse(sample()), record_path=record)
    assert ok.read_text(encoding="utf-8") == template_text(parse(sample()))


# ---------------------------------------------------------------------- 2. statuses


def test_the_day_8_count_cites_the_prednisone_response_definition() -> None:
    for name in ("interfant-06", "interfant-21"):
        t = shipped_template(name)
        pro = t.phase("pro")
        assert pro is not None and pro.mrd is not None
        assert "day 8" in pro.mrd[0].label
        assert pro.status_of("mrd").source == "pred-response"
    # Interfant-21's prophase length is only "partly": the day-8 count cannot be more
    assert shipped_template("interfant-21").phase("pro").status_of("mrd").mark.value == "partly"  # type: ignore[union-attr]


# ---------------------------------------------------------------------- 3. day 8


def test_day_8_is_prophase_start_plus_7_whatever_the_prophase_really_did() -> None:
    t = shipped_template("interfant-06")
    facts = Facts(first_start=D(2026, 3, 1))
    assert compute_plan(t, "MR-ADE-MAE", facts).item("pro.mrd1").date == D(2026, 3, 8)
    late_end = preview_shift(t, "MR-ADE-MAE", facts, "pro", ended=D(2026, 3, 9))
    assert late_end.after.item("pro.mrd1").date == D(2026, 3, 8)  # not 2026-03-10
    assert late_end.after.item("ind.start").date == D(2026, 3, 10)
    late_start = preview_shift(t, "MR-ADE-MAE", facts, "pro", started=D(2026, 3, 3))
    assert late_start.after.item("pro.mrd1").date == D(2026, 3, 10)
    t21 = shipped_template("interfant-21")
    shifted = preview_shift(t21, "MR", facts, "pro", ended=D(2026, 3, 12))
    assert shifted.after.item("pro.mrd1").date == D(2026, 3, 8)


def test_a_day_may_be_the_day_after_a_phase_of_known_length_but_not_later() -> None:
    data = sample()
    data["phases"][0]["mrd"] = [{"label": "day 8", "at": "day", "day": 8}]  # a 7-day prophase
    t = parse(data)
    assert compute_plan(t, "std", Facts(first_start=START)).item("pro.mrd1").date == D(2026, 1, 12)
    data["phases"][0]["mrd"] = [{"label": "day 9", "at": "day", "day": 9}]
    message = refused(data)
    assert "on day 9, more than a day after the end of the phase's 7 days" in message, message
    assert "give a day from 1 to 8 (8: the day after its last day)" in message, message


# ---------------------------------------------------------------------- 4. future "done"


def i21_future() -> tuple[Any, Facts]:
    return shipped_template("interfant-21"), Facts(
        first_start=D(2030, 3, 1), fixed={"ind.end": D(2030, 4, 2)}
    )


def test_shifting_a_future_start_keeps_it_a_plan_not_done() -> None:
    t, facts = i21_future()
    there = shift_start_by(t, "MR", facts, "blina1", 3, today=TODAY)
    item = there.after.item("blina1.start")
    assert item.date == D(2030, 4, 6)
    assert item.sureness is Sureness.FIXED
    assert there.facts.started == {}
    back = shift_start_by(t, "MR", there.facts, "blina1", -3, today=TODAY)
    assert back.facts == facts
    assert back.after == compute_plan(t, "MR", facts)  # dates and sureness


def test_without_today_a_shift_by_days_never_says_done() -> None:
    t, facts = i21_future()
    there = shift_start_by(t, "MR", facts, "blina1", 3)
    assert there.after.item("blina1.start").sureness is Sureness.FIXED


def test_a_past_start_shifted_by_days_really_happened() -> None:
    t = shipped_template("interfant-21")
    facts = Facts(first_start=D(2026, 3, 1), fixed={"ind.end": D(2026, 4, 2)})
    there = shift_start_by(t, "MR", facts, "blina1", 3, today=TODAY)
    assert there.after.item("blina1.start").sureness is Sureness.DONE
    assert there.facts.started == {"blina1": D(2026, 4, 6)}


def test_a_real_start_or_end_in_the_future_is_refused() -> None:
    t, facts = i21_future()
    with pytest.raises(RoadmapError) as caught:
        preview_shift(t, "MR", facts, "blina1", started=D(2030, 4, 6), today=TODAY)
    assert str(caught.value) == (
        "Blinatumomab, cycle 1 cannot have started on 2030-04-06: that is after today "
        "(2026-12-01); enter the day it really started. Nothing was changed."
    )
    with pytest.raises(RoadmapError, match=r"cannot have ended on 2030-04-02: that is after"):
        preview_shift(t, "MR", facts, "ind", ended=D(2030, 4, 2), today=TODAY)


# ---------------------------------------------------------------------- 5. overlaps


def test_a_real_start_before_the_real_end_of_the_phase_before_is_refused() -> None:
    t = shipped_template("interfant-21")
    facts = Facts(first_start=D(2026, 3, 1), ended={"ind": D(2026, 4, 2)})
    with pytest.raises(RoadmapError) as caught:
        preview_shift(t, "MR", facts, "blina1", started=D(2026, 3, 20), today=TODAY)
    assert str(caught.value) == (
        "Blinatumomab, cycle 1 cannot have started on 2026-03-20: Induction, the phase "
        "before it, ended on 2026-04-02, and a phase cannot start before the one before it "
        "ended; check both dates. Nothing was changed."
    )
    facts = Facts(first_start=D(2026, 3, 1), started={"blina1": D(2026, 3, 20)})
    with pytest.raises(RoadmapError, match=r"^Induction cannot have ended on 2026-04-02: "):
        preview_shift(t, "MR", facts, "ind", ended=D(2026, 4, 2), today=TODAY)


def test_a_fixed_start_or_lp_left_outside_by_a_shift_is_a_warning() -> None:
    t = parse(sample())
    facts = Facts(first_start=START, fixed={"marma.lp1": D(2026, 3, 9)})
    shift = preview_shift(t, "std", facts, "ib", started=D(2026, 2, 12))  # ends 3-11
    assert shift.warnings == (
        "LP “day 1” in MARMA is fixed on 2026-03-09, outside MARMA "
        "(2026-03-12 to 2026-03-25); change that date if it moved.",
    )
    facts = Facts(first_start=START, fixed={"marma.start": D(2026, 3, 9)})
    shift = preview_shift(t, "std", facts, "ib", started=D(2026, 2, 12))
    assert shift.warnings == (
        "The start of MARMA is fixed on 2026-03-09, before IB ends on 2026-03-11; "
        "change one of them if it moved.",
    )
    on_time = preview_shift(t, "std", Facts(first_start=START), "ib", started=D(2026, 2, 9))
    assert on_time.warnings == ()


# ---------------------------------------------------------------------- 6. parse refusals


def text_of(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ('"length_days": 28', '"length_days": 28, "length_days": 29', "appears twice"),
        ('"length_days": 28', '"length_days": NaN', "the length in days is NaN"),
        ('"length_days": 28', '"length_days": 1e999', "far too large"),
    ],
)
def test_a_parse_refusal_inside_a_phase_names_the_phase(old: str, new: str, says: str) -> None:
    text = text_of(sample()).replace(old, new)
    with pytest.raises(RoadmapError) as caught:
        parse_template(text.encode(), "ours.json")
    message = str(caught.value)
    assert says in message, message
    assert "phase “ib” (IB)" in message, message
    assert message.endswith("Nothing was loaded."), message


def test_in_a_file_of_one_line_the_phase_is_found_by_its_column() -> None:
    text = json.dumps(sample()).replace('"length_days": 14', '"length_days": 14, "length_days": 1')
    with pytest.raises(RoadmapError) as caught:
        parse_template(text.encode(), "ours.json")
    assert "line 1, column" in str(caught.value)
    assert "phase “marma” (MARMA)" in str(caught.value), str(caught.value)


def test_a_parse_refusal_outside_the_phases_names_no_phase() -> None:
    text = text_of(sample()).replace('"protocol": "Sample"', '"protocol": "A", "protocol": "B"')
    with pytest.raises(RoadmapError) as caught:
        parse_template(text.encode(), "ours.json")
    assert "phase “" not in str(caught.value)


# ---------------------------------------------------------------------- 7. wording


def test_a_wrong_version_says_which_is_known() -> None:
    data = sample()
    data["version"] = 0
    message = refused(data)
    assert "only version 1 is known" in message, message
    assert "from 1 to 1" not in message


def test_a_whole_number_written_as_a_decimal_says_how_to_write_it() -> None:
    data = sample()
    data["phases"][0]["length_days"] = 7.0
    message = refused(data)
    assert "the length in days is 7.0, written as a decimal; write 7." in message, message
    data["phases"][0]["length_days"] = 7.5
    assert "7.5, not a whole number" in refused(data)


def test_file_refusals_name_the_file_as_the_json_ones_do(tmp_path: Path) -> None:
    for target in (tmp_path / "missing.json", tmp_path):
        with pytest.raises(RoadmapError) as caught:
            load_template(target)
        message = str(caught.value)
        assert message.startswith(f"{target.name} "), message
        assert str(tmp_path) not in message, message
        assert message.endswith("Nothing was loaded."), message
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(RoadmapError) as caught:
        load_template(fifo)
    assert str(caught.value).startswith("pipe.json is a named pipe"), str(caught.value)
    assert "imported" not in str(caught.value)


# ---------------------------------------------------------------------- 8. fixed out of order


def test_fixing_a_date_warns_of_a_start_before_the_phase_before_it_ends(record, child) -> None:  # type: ignore[no-untyped-def]
    from test_roadmap_child import _applied, _filled

    from tracker.roadmap.child import fix_date

    roadmap, phases = _applied(record, child, _filled())  # blinatumomab 1 ends 2026-11-07
    applied = fix_date(roadmap, phases, "cons.start", D(2026, 10, 20), child.birth_date)
    assert applied.warnings == (
        "The start of Chemotherapy courses after blinatumomab 1 (from your protocol book) is "
        "fixed on 2026-10-20, before Blinatumomab, cycle 1 ends on 2026-11-07; change one of "
        "them if it moved.",
    )
    on_time = fix_date(roadmap, phases, "cons.start", D(2026, 11, 9), child.birth_date)
    assert on_time.warnings == ()


def test_fixing_a_later_start_before_an_earlier_one_warns_with_a_length_unknown(
    record, child
) -> None:  # type: ignore[no-untyped-def]
    from test_roadmap_child import _applied

    from tracker.roadmap.child import fix_date

    roadmap, phases = _applied(record, child)  # induction from 2026-09-08, of unknown length
    applied = fix_date(roadmap, phases, "blina1.start", D(2026, 9, 5), child.birth_date)
    assert applied.warnings == (
        "The start of Blinatumomab, cycle 1 is fixed on 2026-09-05, before Induction starts "
        "on 2026-09-08; change one of them if it moved.",
    )


def test_fixing_an_lp_outside_its_phase_warns(record, child) -> None:  # type: ignore[no-untyped-def]
    from test_roadmap_child import _applied, _filled

    from tracker.roadmap.child import fix_date

    roadmap, phases = _applied(record, child, _filled())  # induction 2026-09-08 to 10-10
    applied = fix_date(roadmap, phases, "ind.lp1", D(2026, 10, 20), child.birth_date)
    assert len(applied.warnings) == 1, applied.warnings
    assert (
        "is fixed on 2026-10-20, outside Induction (2026-09-08 to 2026-10-10)"
        in (applied.warnings[0])
    )


# ---------------------------------------------------------------------- 9. every refusal


def _set(*path: Any, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        here: Any = data
        for key in path[:-1]:
            here = here[key]
        here[path[-1]] = value

    return change


def _drop(*path: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        here: Any = data
        for key in path[:-1]:
            here = here[key]
        del here[path[-1]]

    return change


BAD_TEMPLATES: list[tuple[str, Any]] = [
    ("not an object", lambda d: d.clear() or d.update({"x": 1})),
    ("unknown top field", _set("colour", value="red")),
    ("wrong format", _set("format", value="something else")),
    ("newer version", _set("version", value=2)),
    ("version zero", _set("version", value=0)),
    ("version as decimal", _set("version", value=1.0)),
    ("version as text", _set("version", value="1")),
    ("no protocol", _drop("protocol")),
    ("empty protocol", _set("protocol", value="  ")),
    ("long protocol", _set("protocol", value="x" * 501)),
    ("sources not a list", _set("sources", value={})),
    ("source id twice", _set("sources", value=[{"id": "a", "citation": "A"}] * 2)),
    ("bad source id", _set("sources", 0, "id", value="-x")),
    ("no arms", _set("arms", value=[])),
    ("arm twice", lambda d: d["arms"].append(dict(d["arms"][0]))),
    ("arm status mark", _set("arms", 0, "status", value={"mark": "sure"})),
    ("verified without source", _set("arms", 0, "status", value={"mark": "verified"})),
    ("unknown source", _set("arms", 0, "status", value={"mark": "partly", "source": "x"})),
    ("phase not an object", _set("phases", 0, value=[])),
    ("phase without key", _drop("phases", 0, "key")),
    ("unknown phase field", _set("phases", 0, "colour", value="red")),
    ("unknown kind", _set("phases", 0, "kind", value="party")),
    ("unknown arm", _set("phases", 0, "arms", value=["std", "zzz"])),
    ("arm twice in phase", _set("phases", 0, "arms", value=["std", "std"])),
    ("empty arms", _set("phases", 0, "arms", value=[])),
    ("negative length", _set("phases", 0, "length_days", value=-3)),
    ("length as decimal", _set("phases", 0, "length_days", value=7.0)),
    ("length half", _set("phases", 0, "length_days", value=7.5)),
    ("huge length", _set("phases", 0, "length_days", value=99999)),
    ("huge length as decimal", _set("phases", 0, "length_days", value=2000.0)),
    ("negative length as decimal", _set("phases", 0, "length_days", value=-3.0)),
    ("length as text", _set("phases", 0, "length_days", value="7")),
    ("length true", _set("phases", 0, "length_days", value=True)),
    ("gap negative", _set("phases", 1, "after", 0, "gap_days", value=-1)),
    ("gap decimal", _set("phases", 1, "after", 0, "gap_days", value=2.0)),
    ("after unknown phase", _set("phases", 1, "after", 0, "phase", value="nope")),
    ("after itself", _set("phases", 1, "after", 0, "phase", value="ind")),
    ("two firsts", _set("phases", 1, "after", value=[])),
    ("after names no phase for an arm", _set("phases", 1, "after", 0, "arms", value=["std"])),
    ("lp day too late", _set("phases", 1, "lps", 0, "day", value=99)),
    ("lp day zero", _set("phases", 1, "lps", 0, "day", value=0)),
    ("lp day decimal", _set("phases", 1, "lps", 0, "day", value=15.0)),
    ("lp bad at", _set("phases", 1, "lps", 0, "at", value="soon")),
    ("lp end with day", _set("phases", 1, "lps", 1, "day", value=3)),
    ("drug not text", _set("phases", 0, "drugs", value=[3])),
    ("status of unknown field", _set("phases", 0, "status", "colour", value={"mark": "partly"})),
    ("duplicate phase key", lambda d: d["phases"].append(dict(d["phases"][0]))),
    ("cycle", _set("phases", 0, "after", value=[{"phase": "ind"}])),
]


@pytest.mark.parametrize(("case", "change"), BAD_TEMPLATES, ids=[c for c, _ in BAD_TEMPLATES])
def test_every_refusal_names_the_file_and_ends_nothing_was_loaded(
    case: str, change: Any, tmp_path: Path
) -> None:
    data = sample()
    change(data)
    file = tmp_path / "ours.json"
    file.write_text(text_of(data), encoding="utf-8")
    with pytest.raises(RoadmapError) as caught:
        load_template(file)
    message = str(caught.value)
    assert message.startswith("ours.json"), message
    assert str(tmp_path) not in message, message
    assert message.endswith(". Nothing was loaded."), message
    assert message.count("Nothing was loaded.") == 1, message
    for low, high in re.findall(r"from (\d(?:[\d,]*\d)?) to (\d(?:[\d,]*\d)?)", message):
        assert low != high, message  # never "from 1 to 1"
    assert ", not a whole number" not in message or ".5" in message, message


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\xff\xfe not text",
        b"[1, 2]",
        b'{"format": "treatment-tracker roadmap", "version": 1, "version": 1}',
        b'{"a": NaN}',
        b"{" * 5000,
        b'{"format": 1e999}',
    ],
    ids=["empty", "not utf-8", "a list", "duplicate key", "NaN", "deep", "huge number"],
)
def test_every_refusal_of_a_file_that_is_not_a_template_ends_nothing_was_loaded(
    raw: bytes, tmp_path: Path
) -> None:
    file = tmp_path / "ours.json"
    file.write_bytes(raw)
    with pytest.raises(RoadmapError) as caught:
        load_template(file)
    message = str(caught.value)
    assert message.startswith("ours.json"), message
    assert str(tmp_path) not in message, message
    assert message.endswith(". Nothing was loaded."), message
    assert message.count("Nothing was loaded.") == 1, message


def test_a_file_too_big_or_not_a_file_ends_nothing_was_loaded(tmp_path: Path) -> None:
    from tracker.roadmap.read import MAX_TEMPLATE_BYTES

    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_TEMPLATE_BYTES + 1))
    (tmp_path / "folder.json").mkdir()
    os.mkfifo(tmp_path / "pipe.json")
    for name in ("big.json", "folder.json", "pipe.json", "missing.json"):
        with pytest.raises(RoadmapError) as caught:
            load_template(tmp_path / name)
        message = str(caught.value)
        assert message.startswith(f"{name} "), message
        assert str(tmp_path) not in message, message
        assert message.endswith(". Nothing was loaded."), message
        assert message.count("Nothing was loaded.") == 1, message
        assert "imported" not in message, message


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (2000.0, "the length in days is 2000.0, far more than any protocol"),
        (-3.0, "the length in days is -3.0, a negative number"),
        (0.0, "the length in days is 0.0;"),
    ],
)
def test_a_decimal_out_of_range_is_named_as_written(value: float, says: str) -> None:
    data = sample()
    data["phases"][0]["length_days"] = value
    message = refused(data)
    assert says in message, message
    assert "not a whole number" not in message, message


def test_a_version_written_as_a_decimal_says_how_to_write_it() -> None:
    data = sample()
    data["version"] = 1.0
    message = refused(data)
    assert "“version” is 1.0, written as a decimal; write 1." in message, message
