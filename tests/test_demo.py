"""The demo record: deterministic, valid through the store, and shaped like a real course."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import stat
import statistics
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, TODAY, fixed_clock
from dateutil.relativedelta import relativedelta

from tracker import analytes, forms
from tracker.demo import build_demo, write_demo
from tracker.io.json_export import export_record
from tracker.model import (
    Child,
    CnsStatus,
    CnsVisit,
    CountResult,
    ItDrug,
    Kmt2aStatus,
    Milestone,
    MilestoneKind,
    MrdMethod,
    MrdQualifier,
    MrdSample,
    Phase,
    PhaseKind,
    PrednisoneResponse,
    RiskGroup,
)
from tracker.mrd import parse_mrd
from tracker.phases import current_phase
from tracker.store import Record, RecordError


def _clock_on(day: dt.date) -> Callable[[], dt.datetime]:
    def clock() -> dt.datetime:
        return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)

    return clock


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo(path, TODAY)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Record]:
    with Record.open(demo_path, read_only=True, clock=fixed_clock) as rec:
        yield rec


@pytest.fixture
def child(demo: Record) -> Child:
    (only,) = demo.children()
    return only


@pytest.fixture
def cid(child: Child) -> int:
    assert child.id is not None
    return child.id


def _offset(child: Child, day: dt.date) -> int:
    assert child.diagnosis_date is not None
    return (day - child.diagnosis_date).days


def _without_uids(node: Any, phase_index: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            k: (phase_index.get(v) if k in _LINKS else _without_uids(v, phase_index))
            for k, v in node.items()
            if k not in ("uid", "record_uid")
        }
    if isinstance(node, list):  # entries of one day are ordered by uid: fresh ones each time
        items = [_without_uids(x, phase_index) for x in node]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    return node


# A link names the other entry by its uid (fresh on every build): compared by its place.
_LINKS = ("phase_uid", "follows_uid", "plan_uid")


def _comparable(record: Record) -> Any:
    data = export_record(record, NOW)
    index = {p["uid"]: str(i) for c in data["children"] for i, p in enumerate(c["phases"])}
    index.update(  # plans starting on one day are ordered by uid: named by drug and start
        (p["uid"], f"{p['drug']} from {p['start_date']}")
        for c in data["children"]
        for p in c["medicine_plans"]
    )
    return _without_uids(data, index)


# ---------------------------------------------------------------------- determinism


def test_same_today_gives_the_same_record(demo: Record, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite"
    write_demo(again, TODAY)
    with Record.open(again, read_only=True, clock=fixed_clock) as other:
        assert _comparable(other) == _comparable(demo)
        # ... and the uids themselves are fresh ones
        assert other.children()[0].uid != demo.children()[0].uid


def test_another_today_shifts_the_dates_only(demo: Record, cid: int, tmp_path: Path) -> None:
    earlier = dt.date(2024, 2, 29)
    with Record.open(tmp_path / "e.sqlite", create=True, clock=_clock_on(earlier)) as rec:
        other_id = build_demo(rec, earlier)
        now = current_phase(rec.entries(Phase, other_id), earlier)
        assert now is not None and now.phase.kind is PhaseKind.MAINTENANCE
        here = current_phase(demo.entries(Phase, cid), TODAY)
        assert here is not None and now.day == here.day
        texts = [[v.value_text for v in c.values] for c in rec.counts(other_id)]
        assert texts == [[v.value_text for v in c.values] for c in demo.counts(cid)]
        shift = TODAY - earlier
        assert [c.taken_date + shift for c in rec.counts(other_id)] == [
            c.taken_date for c in demo.counts(cid)
        ]


def test_write_demo_makes_a_private_new_file(demo_path: Path) -> None:
    if os.name == "posix":
        assert stat.S_IMODE(demo_path.stat().st_mode) == 0o600
    with Record.open(demo_path, read_only=True, clock=fixed_clock) as rec:
        assert rec.problems() == []


def test_write_demo_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "family.sqlite"
    target.write_bytes(b"not to be touched")
    with pytest.raises(RecordError):
        write_demo(target, TODAY)
    assert target.read_bytes() == b"not to be touched"


def test_build_refuses_a_clock_before_today(tmp_path: Path) -> None:
    with Record.open(tmp_path / "x.sqlite", create=True, clock=fixed_clock) as rec:
        with pytest.raises(ValueError, match="future"):
            build_demo(rec, TODAY + dt.timedelta(days=1))
        assert rec.children() == []


# ---------------------------------------------------------------------- child and phases


def test_child_is_fictional_infant_with_kmt2a_aff1(child: Child) -> None:
    assert "demo" in child.name.lower()
    assert child.diagnosis_date is not None
    age = relativedelta(child.diagnosis_date, child.birth_date)
    assert (age.years, age.months) == (0, 4)
    assert child.kmt2a_status is Kmt2aStatus.REARRANGED
    assert "AFF1" in child.kmt2a_partner
    assert "pro-B" in child.immunophenotype
    assert child.protocol == "Interfant-21 (demo)"
    assert child.risk_group is RiskGroup.MEDIUM
    assert child.prednisone_response is PrednisoneResponse.GOOD
    assert child.cns_status_at_diagnosis is CnsStatus.CNS2
    assert "fictional" in child.hospital.lower()
    assert child.wbc_at_diagnosis is not None and child.wbc_at_diagnosis > 100


def test_phases_in_order(demo: Record, child: Child, cid: int) -> None:
    phases = demo.entries(Phase, cid)
    assert [(p.kind, p.name) for p in phases] == [
        (PhaseKind.PROPHASE, "Prednisone prophase"),
        (PhaseKind.INDUCTION, "Induction"),
        (PhaseKind.CONSOLIDATION, "Blinatumomab 1"),
        (PhaseKind.CONSOLIDATION, "Protocol IB"),
        (PhaseKind.CONSOLIDATION, "Blinatumomab 2"),
        (PhaseKind.INTENSIFICATION, "OCTADAD"),
        (PhaseKind.MAINTENANCE, "Maintenance"),
        (PhaseKind.OFF_THERAPY, "Off therapy"),
    ]
    prophase, induction, blina, _ib, blina2, *_, maintenance, off = phases
    assert prophase.actual_start == child.diagnosis_date
    assert _days(prophase) == 7  # domain.md §1.2: 7-day prophase
    # §1.2: induction about 5 weeks including the prophase, the end-of-induction marrow
    # and LP on about day 33 (offset 32), inside induction and near its end
    assert _days(prophase) + _days(induction) == 35
    assert induction.actual_start is not None and induction.actual_end is not None
    assert 0 <= _offset(child, induction.actual_end) - 32 <= 3
    assert _days(blina) == 28 and _days(blina2) == 28  # the blina pilot's 28-day course
    length_claim = re.compile(r"\d+-day|weeks? each|intrathecal every|years? from diagnosis")
    for p in phases:  # no note claims a protocol length (domain.md gives none but these)
        assert not length_claim.search(p.notes), p.notes
    done = phases[:-2]
    for before, after in itertools.pairwise(done):
        assert before.actual_end is not None and after.actual_start is not None
        assert before.actual_end < after.actual_start
    assert maintenance.actual_start is not None and maintenance.actual_end is None
    assert child.diagnosis_date is not None
    assert maintenance.planned_end == child.diagnosis_date + relativedelta(years=2)
    assert off.actual_start is None and off.planned_start == maintenance.planned_end


def _days(p: Phase) -> int:
    assert p.actual_start is not None and p.actual_end is not None
    return (p.actual_end - p.actual_start).days + 1


def test_today_is_in_maintenance(demo: Record, cid: int) -> None:
    now = current_phase(demo.entries(Phase, cid), TODAY)
    assert now is not None
    assert now.phase.kind is PhaseKind.MAINTENANCE
    assert now.label.startswith("Maintenance · day ")
    from tracker.upcoming import whats_coming

    lps = whats_coming(
        roadmap=None,
        phases=demo.entries(Phase, cid),
        visits=demo.entries(CnsVisit, cid),
        appointments=[],
        milestones=demo.entries(Milestone, cid),
        today=TODAY,
    )
    assert lps and lps[0].date is not None and lps[0].date > TODAY
    assert lps[0].short == "Lumbar puncture"


# ---------------------------------------------------------------------- milestones


def test_milestones(demo: Record, child: Child, cid: int) -> None:
    milestones = demo.entries(Milestone, cid)
    starts = {m.date for m in milestones if m.kind is MilestoneKind.PHASE_START}
    assert starts == {
        p.actual_start for p in demo.entries(Phase, cid) if p.actual_start is not None
    }
    marrow = [m for m in milestones if m.kind is MilestoneKind.MARROW_CHECK]
    assert any(_offset(child, m.date) == 32 and not m.planned for m in marrow)
    planned = [m for m in marrow if m.planned]
    assert len(planned) == 1 and planned[0].date > TODAY
    assert any(m.kind is MilestoneKind.REMISSION for m in milestones)
    day8 = [m for m in milestones if "Day 8" in m.result_text]
    assert len(day8) == 1 and _offset(child, day8[0].date) == 7
    assert "good prednisone response" in day8[0].result_text
    for m in milestones:
        assert m.planned == (m.date > TODAY)
        assert forms.validate_milestone(m, child, TODAY) == {}


def test_mrd_results(demo: Record, child: Child, cid: int) -> None:
    mrd = [m for m in demo.entries(Milestone, cid) if m.kind is MilestoneKind.MRD_RESULT]
    assert len(mrd) >= 4
    results = [m.mrd for m in mrd]
    assert all(r is not None for r in results)
    entered = {r.entered: r for r in results if r is not None}
    assert entered["3×10^-4"].fraction == pytest.approx(3e-4)
    assert entered["0.02%"].fraction == pytest.approx(2e-4)
    below = entered["0.01%"]
    assert below.qualifier is MrdQualifier.BELOW_QUANTIFIABLE_RANGE
    assert below.fraction == pytest.approx(1e-4)
    qualifiers = {r.qualifier for r in results if r is not None}
    assert MrdQualifier.NEGATIVE in qualifiers
    assert MrdQualifier.BELOW_QUANTIFIABLE_RANGE in qualifiers
    methods = {r.method for r in results if r is not None}
    assert {MrdMethod.PCR_KMT2A, MrdMethod.FLOW} <= methods
    for r in results:
        assert r is not None and r.sample is MrdSample.MARROW
        if r.qualifier is MrdQualifier.QUANTIFIED or r.entered:
            assert r.fraction == pytest.approx(parse_mrd(r.entered))
        else:
            assert r.fraction is None
    eoi = [m for m in mrd if _offset(child, m.date) == 32]
    assert eoi and all(m.mrd is not None and m.mrd.fraction for m in eoi)


def test_course_follows_one_interfant_21_branch(demo: Record, child: Child, cid: int) -> None:
    """domain.md §1.2: medium risk stays medium only with a good MRD response after
    induction and after blinatumomab 1, and then a second blinatumomab cycle replaces one
    chemotherapy course after consolidation.  The demo stays medium risk, so: blina 2 after
    protocol IB, MARMA (the course it replaces) not given, the team's word recorded."""
    assert child.risk_group is RiskGroup.MEDIUM
    names = [p.name for p in demo.entries(Phase, cid)]
    assert names.index("Blinatumomab 1") < names.index("Protocol IB")
    assert names.index("Protocol IB") < names.index("Blinatumomab 2")
    assert "MARMA" not in names
    milestones = demo.entries(Milestone, cid)
    assert not any(m.kind is MilestoneKind.RISK_CHANGE for m in milestones)
    mrd = {m.result_text: m for m in milestones if m.mrd is not None}
    after_blina = mrd["After blinatumomab 1"]
    assert after_blina.mrd is not None and after_blina.mrd.qualifier is MrdQualifier.NEGATIVE
    assert "The team said" in after_blina.notes and "second blinatumomab" in after_blina.notes


def test_texts_are_the_familys_notes_or_the_teams_words(demo: Record, cid: int) -> None:
    """No demo text gives advice or a rule without saying whose it is (issue 11)."""
    texts = [m.result_text + " " + m.notes for m in demo.entries(Milestone, cid)]
    texts += [p.notes for p in demo.entries(Phase, cid)]
    texts += [v.note + " " + v.complications for v in demo.entries(CnsVisit, cid)]
    joined = "\n".join(texts)
    for advice in ("keep an eye", "paracetamol", "/µL is good", "is a good response", "BFM:"):
        assert advice not in joined
    day8 = next(t for t in texts if t.startswith("Day 8"))
    assert "the team said" in day8
    # the printed summary's font has no emoji: a note with one prints as an empty box
    notes = joined + "\n".join(c.note for c in demo.counts(cid))
    assert all(ord(ch) < 0x1F000 for ch in notes)


# ---------------------------------------------------------------------- blood counts


def _value(c: CountResult, code: str) -> float:
    v = c.value(code)
    assert v is not None, (c.taken_date, code)
    return v.normalised_value


def test_enough_counts_every_one_valid(demo: Record, child: Child, cid: int) -> None:
    counts = demo.counts(cid)
    assert len(counts) >= 150
    for c in counts:
        assert forms.validate_count(c, child, TODAY) == {}
        assert {"wbc", "anc", "hgb", "plt"} <= {v.analyte for v in c.values}
        for v in c.values:
            assert analytes.parse_number(v.value_text).value == v.value
            assert analytes.parse_number(v.value_text).comparator is v.comparator
            assert v.normalised_value == pytest.approx(
                analytes.to_canonical(v.analyte, v.value, v.unit)
            )
            assert v.canonical_unit == analytes.analyte(v.analyte).canonical_unit
            if v.range_text:
                assert (v.range_low, v.range_high) == forms.parse_range(v.range_text)
            else:
                assert v.range_low is None and v.range_high is None
    assert max(c.taken_date for c in counts) <= TODAY


def test_counts_look_like_typed_reports(demo: Record, cid: int) -> None:
    counts = demo.counts(cid)
    timed = sum(c.taken_time is not None for c in counts)
    assert timed >= 0.75 * len(counts)
    ranged = sum(any(v.range_text for v in c.values) for c in counts)
    assert 0.1 * len(counts) <= ranged <= 0.9 * len(counts)
    with_diff = sum(c.value("neut_pct") is not None for c in counts)
    assert with_diff >= 0.5 * len(counts)
    assert all(c.value("band_pct") is not None for c in counts if c.value("neut_pct"))
    assert sum(c.value("hct") is not None for c in counts) >= 20
    assert sum(c.value("rbc") is not None for c in counts) >= 20
    assert any(c.value("blast_pct") and c.value("lymph") and c.value("mono") for c in counts)
    assert any(v.comparator.value == "<" for c in counts for v in c.values)
    # each lab writes each analyte in one unit, and the two labs use different ones
    units: dict[tuple[str, str], set[str]] = {}
    for c in counts:
        for v in c.values:
            units.setdefault((c.source, v.analyte), set()).add(v.unit)
    assert all(len(u) == 1 for u in units.values())
    sources = {c.source for c in counts}
    assert len(sources) == 2
    wbc_units = {next(iter(units[(s, "wbc")])) for s in sources}
    hb_units = {next(iter(units[(s, "hgb")])) for s in sources}
    assert wbc_units == {"×10⁹/L", "K/µL"} and hb_units == {"g/L", "g/dL"}


def test_anc_agrees_with_the_differential(demo: Record, cid: int) -> None:
    for c in demo.counts(cid):
        neut, band = c.value("neut_pct"), c.value("band_pct")
        if neut is None or band is None:
            continue
        expected = _value(c, "wbc") * (neut.value + band.value) / 100
        assert _value(c, "anc") == pytest.approx(expected, abs=0.006)


def test_count_shape(demo: Record, child: Child, cid: int) -> None:
    by_offset = {_offset(child, c.taken_date): c for c in demo.counts(cid)}
    # very high white count at diagnosis, falling fast under prednisone
    assert _value(by_offset[0], "wbc") >= 200
    assert _value(by_offset[0], "blast_pct") >= 80
    day8 = by_offset[7]
    assert _value(day8, "wbc") < 10
    assert _value(day8, "wbc") * _value(day8, "blast_pct") / 100 < 1.0  # < 1,000 blasts/µL
    assert all(_value(c, "blast_pct") == 0 for o, c in by_offset.items() if 14 <= o < 60)
    # after each chemotherapy block the counts fall to a nadir about 10 days in, then recover
    for phase in demo.entries(Phase, cid):
        if phase.name not in ("Protocol IB", "OCTADAD"):
            continue
        assert phase.actual_start is not None
        start = _offset(child, phase.actual_start)
        window = {o: c for o, c in by_offset.items() if start + 5 <= o <= start + 16}
        nadir_day = min(window, key=lambda o: _value(window[o], "wbc"))
        assert 7 <= nadir_day - start <= 13
        at_start, nadir = by_offset[start], window[nadir_day]
        assert _value(nadir, "wbc") < _value(at_start, "wbc") / 3
        assert _value(nadir, "anc") < 0.5 < _value(at_start, "anc")
        assert _value(nadir, "plt") < _value(at_start, "plt") / 2
        recovered = [c for o, c in by_offset.items() if start + 21 <= o <= start + 28]
        assert recovered and max(_value(c, "wbc") for c in recovered) > 2 * _value(nadir, "wbc")


def test_maintenance_counts_every_two_weeks(demo: Record, child: Child, cid: int) -> None:
    maintenance = next(p for p in demo.entries(Phase, cid) if p.kind is PhaseKind.MAINTENANCE)
    assert maintenance.actual_start is not None
    days = [c.taken_date for c in demo.counts(cid) if c.taken_date >= maintenance.actual_start]
    assert len(days) >= 20
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert max(gaps) <= 14
    assert statistics.median(gaps) == 14
    assert (TODAY - days[-1]).days <= 14
    wbc = [_value(c, "wbc") for c in demo.counts(cid) if c.taken_date >= days[0]]
    assert 2.0 <= statistics.median(wbc) <= 4.5


# ---------------------------------------------------------------------- lumbar punctures


def test_cns_visits(demo: Record, child: Child, cid: int) -> None:
    visits = demo.entries(CnsVisit, cid)
    done = [v for v in visits if not v.planned]
    planned = [v for v in visits if v.planned]
    assert len(done) >= 10
    assert 1 <= len(planned) <= 2
    assert all(v.date > TODAY and v.cns_status is CnsStatus.PENDING for v in planned)
    assert all(v.date <= TODAY for v in done)
    assert done[0].date == child.diagnosis_date
    assert done[0].cns_status is CnsStatus.CNS2
    statuses = [v.cns_status for v in done]
    assert statuses.count(CnsStatus.TLP_NEGATIVE) == 1
    assert statuses.count(CnsStatus.CNS1) >= len(done) - 2
    counts = {c.taken_date: c for c in demo.counts(cid)}
    phases = {p.id: p for p in demo.entries(Phase, cid)}
    for v in visits:
        assert forms.validate_cns_visit(v, child, TODAY) == {}
        assert v.phase_id in phases
        phase = phases[v.phase_id]
        assert phase.start is not None and phase.start <= v.date
        assert phase.end is None or v.date <= phase.end
        assert v.it_drugs and v.it_drugs[0].drug is ItDrug.METHOTREXATE
        assert all(d.dose_text == "" for d in v.it_drugs)  # no source gives a dose
        assert v.sedation
        if not v.planned:
            assert v.csf_wbc is not None and v.csf_rbc is not None
            assert v.platelets == _value(counts[v.date], "plt")
    assert any(len(v.it_drugs) == 3 for v in done)
    assert any(len(v.it_drugs) == 1 for v in done)


def test_wbc_at_diagnosis_matches_the_first_count(demo: Record, child: Child, cid: int) -> None:
    first = demo.counts(cid)[0]
    wbc = first.value("wbc")
    assert first.taken_date == child.diagnosis_date and wbc is not None
    assert (wbc.value_text, wbc.unit) == (child.wbc_at_diagnosis_text, child.wbc_at_diagnosis_unit)
    assert wbc.normalised_value == child.wbc_at_diagnosis


# ---------------------------------------------------------------------- medicines


def test_maintenance_medicines_and_a_month_of_doses(demo: Record, child: Child, cid: int) -> None:
    from tracker import medicines
    from tracker.model import DoseLog, DoseStatus, MedicinePlan

    plans = demo.entries(MedicinePlan, cid)
    current = medicines.current_plans(plans, TODAY)
    assert [medicines.short_name(p.drug) for p in current] == ["6-MP", "MTX", "co-trimoxazole"]
    assert all(p.team_note for p in plans)  # each as the team wrote it, labelled fictional
    assert all("fictional" in p.team_note.casefold() for p in plans)
    changes = [c for c in medicines.history(plans) if c.kind == "change"]
    assert [c.text.split(", team")[0] for c in changes] == [
        f"6-MP 10 mg → 7.5 mg on {(TODAY - dt.timedelta(days=25)).isoformat()}",
        f"6-MP 7.5 mg → 10 mg on {(TODAY - dt.timedelta(days=11)).isoformat()}",
    ]
    first = min(p.start_date for p in plans)
    assert _offset(child, first) == 201  # from the maintenance start
    doses = demo.entries(DoseLog, cid)
    by_plan = {p.id: p for p in plans}
    month = [d for d in doses if d.due_date >= TODAY - dt.timedelta(days=30)]
    mp = [d for d in month if medicines.short_name(by_plan[d.plan_id].drug) == "6-MP"]
    assert [d.status for d in mp].count(DoseStatus.MISSED) == 2
    assert [d.status for d in mp].count(DoseStatus.VOMITED) == 1
    assert TODAY not in {d.due_date for d in mp}  # today's evening dose is still to tick
    # every due dose of the month before today is logged, once
    for plan in current:
        due = set(
            medicines.schedule.occurrences(
                plan.schedule,
                plan.start_date,
                plan.end_date,
                TODAY - dt.timedelta(days=30),
                TODAY - dt.timedelta(days=1),
            )
        )
        logged = {(d.due_date, d.due_time) for d in month if d.plan_id == plan.id}
        assert due <= logged, plan.drug
    held = [d for d in doses if d.status is DoseStatus.HELD]
    assert held and {_offset(child, d.due_date) for d in held} <= {316, 317, 318, 319}


def test_the_fever_story_agrees_with_the_readings_and_the_held_doses(
    demo: Record, child: Child, cid: int
) -> None:
    from tracker.model import DoseLog, DoseStatus, Temperature

    held = [d.due_date for d in demo.entries(DoseLog, cid) if d.status is DoseStatus.HELD]
    fever = min(held)
    restart = max(held) + dt.timedelta(days=1)
    night = [t for t in demo.entries(Temperature, cid) if t.date == fever]
    peak = max(t.celsius for t in night)
    notes = [c.note for c in demo.entries(CountResult, cid) if "°C" in c.note]
    assert notes and all(f"{peak:.1f} °C" in n for n in notes), (peak, notes)
    said = [c.note for c in demo.entries(CountResult, cid) if "restart" in c.note.casefold()]
    assert said and all(restart.isoformat() in n for n in said), (restart, said)


def test_the_teams_words_on_the_medicines_name_no_count(demo: Record, cid: int) -> None:
    from tracker.model import MedicinePlan

    for plan in demo.entries(MedicinePlan, cid):
        found = re.search(r"\b(wbc|anc|counts?|neutrophils?)\b", plan.team_note, re.I)
        assert found is None, plan.team_note


def test_every_transfusion_a_note_tells_of_is_an_entry(demo: Record, cid: int) -> None:
    """A count's or a lumbar puncture's note that says blood was given ("Platelets
    transfused", "Red cell transfusion after this count") has that transfusion in the
    record, on that day, after the count it follows (before the puncture it went before),
    with its reason as the family was told; and every transfusion is told of in a note."""
    from tracker.kinds.transfusion import linked_counts
    from tracker.model import Transfusion, TransfusionProduct

    given = demo.entries(Transfusion, cid)
    counts = demo.counts(cid)
    told: list[tuple[dt.date, TransfusionProduct]] = []
    for c in counts:
        note = c.note.casefold()
        # ("The morning after the platelet transfusion" tells of the day before's)
        if "platelets transfused" in note or "platelet transfusion this afternoon" in note:
            told.append((c.taken_date, TransfusionProduct.PLATELETS))
        if "red cell transfusion" in note:
            told.append((c.taken_date, TransfusionProduct.RED_CELLS))
    visits = demo.entries(CnsVisit, cid)
    for v in visits:
        if "transfused" in v.note.casefold():
            assert "platelets transfused before the lp" in v.note.casefold()
            told.append((v.date, TransfusionProduct.PLATELETS))
    assert told
    for day, product in told:
        found = [t for t in given if t.date == day and t.product is product]
        assert found, (day, product)
        for t in found:
            assert t.reason and "fictional" in t.note.casefold(), t
            linked = linked_counts(t, counts)  # the count the note is on comes first
            assert linked is not None and linked.before is not None, t
            assert linked.before.taken_date == day, t
    assert {(t.date, t.product) for t in given} == set(told)
