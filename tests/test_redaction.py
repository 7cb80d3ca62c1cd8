"""Redaction: one rule for the whole printed page, the summary and the timeline drawn with it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from typed_record import BIRTH, fill

from tracker import timeline as layout
from tracker.model import Appointment, Child, CnsVisit, Milestone, Phase, Question, TeamThreshold
from tracker.redaction import Redaction, redacted_age
from tracker.store import Record
from tracker.summary import build_summary

NAME = "Robin (Bobby) Quill"
HOSPITAL = "Sunnybrook Children's"
TYPED = (
    "Robin's ROBIN quill Bobby 04/01/2025 1/4/25 4 January 2025 January 4th, 2025 "
    "2025-01-04 4 Jan Sunnybrook  children's"
)
LEAKS = (
    "robin",
    "quill",
    "bobby",
    "sunnybrook",
    "04/01/2025",
    "1/4/25",
    "january 2025",
    "january 4th",
    "2025-01-04",
    "4 jan",
    "20 days",
)


def leaks(text: str) -> list[str]:
    low = " ".join(text.lower().split())
    return [word for word in LEAKS if word in low]


@pytest.fixture
def typed(tmp_path: Path):  # type: ignore[no-untyped-def]
    rec = Record.open(tmp_path / "typed.sqlite", create=True, clock=fixed_clock)
    child_id = fill(rec, NAME, TYPED, hospital=HOSPITAL)
    yield rec, child_id
    rec.close()


def summary_of(rec: Record, child_id: int, **kwargs):  # type: ignore[no-untyped-def]
    return build_summary(
        rec.child(child_id),
        phases=rec.entries(Phase, child_id),
        milestones=rec.entries(Milestone, child_id),
        counts=rec.counts(child_id),
        visits=rec.entries(CnsVisit, child_id),
        appointments=rec.entries(Appointment, child_id),
        questions=rec.entries(Question, child_id),
        thresholds=rec.entries(TeamThreshold, child_id),
        today=TODAY,
        **kwargs,
    )


def test_text_loses_every_part_of_the_name_the_birth_date_and_the_hospital() -> None:
    r = Redaction.for_child(Child(name=NAME, birth_date=BIRTH, hospital=HOSPITAL))
    assert (
        r.text("Robin's fever; ROBIN slept; quill; Bobby")
        == "R. Q.'s fever; R. Q. slept; R. Q.; R. Q."
    )
    assert r.text("Robin Quill went home") == "R. Q. went home"
    for written in (
        "2025-01-04",
        "04/01/2025",
        "1/4/25",
        "4 January 2025",
        "January 4th, 2025",
        "4th of Jan. 2025",
        "20250104",
        "4.1.2025",
    ):
        assert r.text(f"born {written}.") == "born [date].", written
    assert r.text("at sunnybrook  CHILDREN'S today") == "at [hospital] today"
    # whole words only; other dates and words are left alone ("robins" is the plural or
    # possessive written without its apostrophe: it goes, as a leak weighs more)
    assert r.text("Robinson 2025-01-05 14/01/2025") == "Robinson 2025-01-05 14/01/2025"
    assert r.text("robins") == "R. Q."


def test_redacted_age_is_in_months_only() -> None:
    assert redacted_age(BIRTH, TODAY) == "22 months"
    assert redacted_age(BIRTH, BIRTH + dt.timedelta(days=20)) == "under 1 month"
    assert redacted_age(BIRTH, dt.date(2025, 2, 20)) == "1 month"
    assert redacted_age(BIRTH, dt.date(2028, 3, 30)) == "3 years 2 months"


def test_redacted_summary_has_the_name_in_no_field(typed) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = typed
    plain = summary_of(rec, child_id, start=dt.date(2026, 9, 1), end=TODAY)
    assert "Robin" in plain.protocol and plain.age == "22 months 20 days"  # the test's premise
    s = summary_of(rec, child_id, start=dt.date(2026, 9, 1), end=TODAY, redact=True)
    assert leaks(repr(s)) == []
    assert s.age == "22 months" and s.hospital == "" and s.birth_date is None
    assert s.name == s.initials == "R. Q."
    assert "Interfant R. Q.'s" in s.protocol and "[date]" in s.protocol
    for text in (s.risk_group, s.diagnosis, s.current, *(q.text for q in s.questions)):
        assert "R. Q." in text, text


def test_redacted_timeline_has_the_name_in_no_label_or_tooltip(typed) -> None:  # type: ignore[no-untyped-def]
    rec, child_id = typed
    strip = layout.build(
        rec.entries(Phase, child_id),
        rec.entries(Milestone, child_id),
        rec.entries(CnsVisit, child_id),
        rec.counts(child_id),
        TODAY,
        team_thresholds=rec.entries(TeamThreshold, child_id),
    )
    texts = _timeline_texts(strip)
    assert leaks(" ".join(texts))  # the test's premise: the record's lanes name the child
    redaction = Redaction.for_child(rec.child(child_id))
    clean = redaction.apply(strip)
    assert leaks(" ".join(_timeline_texts(clean))) == []
    assert strip.day_of_phase(layout.x_of(TODAY)) is not None
    assert leaks(str(clean.day_of_phase(layout.x_of(TODAY)))) == []
    # codes the painter looks things up by are left alone
    assert [lane.key for lane in clean.lanes] == [lane.key for lane in strip.lanes]
    assert leaks(" ".join(_timeline_texts(strip))), "the original is not changed"


def _timeline_texts(t: layout.Timeline) -> list[str]:
    out = []
    for lane in t.lanes:
        out.append(lane.title)
        out += [x for s in lane.spans for x in (s.label, s.tooltip)]
        out += [x for m in lane.marks for x in (m.label, m.tooltip)]
        if lane.series:
            out += [p.tooltip for p in lane.series.points]
            out += [th.label for th in lane.series.thresholds]
    out += [p.display_name + p.notes for p in t.phases]
    return out


@pytest.mark.gui
def test_redacted_pdf_names_the_child_nowhere_timeline_included(qapp, typed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader
    from test_summary_pdf import pdf_text

    from ui.printing.render import SummaryRequest, write_pdf

    rec, child_id = typed
    request = SummaryRequest(child_id, start=dt.date(2026, 9, 1), end=TODAY)
    plain = tmp_path / "plain.pdf"
    write_pdf(rec, request, plain)
    _, plain_text = pdf_text(plain)
    # the premise: the phase name is printed by the timeline strip (and the header)
    assert "Induction Robin's" in plain_text and "22 months 20 days" in plain_text
    target = tmp_path / "redacted.pdf"
    request.redact = True
    write_pdf(rec, request, target)
    _, text = pdf_text(target)
    assert leaks(text) == [], text
    assert "22 months" in text
    assert text.count("Induction R. Q.'s") >= 2, text  # the "where we are" line and the strip
    raw = target.read_bytes().lower()
    for word in (b"robin", b"quill", b"bobby", b"sunnybrook"):
        assert word not in raw
    meta = PdfReader(str(target)).metadata or {}
    assert leaks(" ".join(str(v) for v in meta.values())) == []


def test_a_redacted_range_from_birth_does_not_print_the_date_of_birth(typed) -> None:  # type: ignore[no-untyped-def]
    """Only a 'to' date: the range starts at birth, and "covers <birth date> to …" would print
    the date of birth; redacted, it begins at the first entry instead."""
    rec, child_id = typed
    birth = rec.child(child_id).birth_date
    assert summary_of(rec, child_id, end=TODAY).start == birth  # the test's premise
    for start in (None, birth, birth - dt.timedelta(days=3)):
        s = summary_of(rec, child_id, start=start, end=TODAY, redact=True)
        assert s.start > birth, start
        firsts = (
            [c.taken_date for c in rec.counts(child_id)]
            + [m.date for m in rec.entries(Milestone, child_id)]
            + [v.date for v in rec.entries(CnsVisit, child_id)]
        )
        assert s.start == min(firsts)


def test_a_name_with_markup_or_signs_replaces_words_only() -> None:
    """Only the name's words go: "b" of a typed "<b>x</b>" is not a name part to cut out of
    other text (it turned "Lea <b>IB</b>" into "L. C. <b>IB</L. C.")."""
    from tracker.model import Child
    from tracker.redaction import Redaction

    child = Child(name="Lea <b>x</b> & Co", birth_date=dt.date(2025, 1, 15))
    out = Redaction.for_child(child).text("Lea <b>IB</b> with Co's team, Leah")
    assert "Lea " not in out
    assert "Co's" in out  # a part of two letters is an ordinary word alone (see below)
    assert "<b>IB</b>" in out and "Leah" in out, out


@pytest.mark.parametrize(
    ("name", "text", "gone"),
    [
        ("Robin_Smith", "Robin asks about Smith's dose", ("Robin", "Smith")),
        ("Dr.Robin Smith", "Can Robin go to the nursery?", ("Robin",)),
        ("Quinnella <i>Zebrowski</i>", "Zebrowski family", ("Zebrowski",)),
        ("李 小龙", "问题: 李 的剂量", ("李",)),
    ],
)
def test_every_word_of_an_unusual_name_is_redacted(
    name: str, text: str, gone: tuple[str, ...]
) -> None:
    from tracker.model import Child
    from tracker.redaction import Redaction

    out = Redaction.for_child(Child(name=name, birth_date=dt.date(2025, 1, 15))).text(text)
    for word in gone:
        assert word not in out, out


# ---------------------------------------------------------------------- near-names

LINDENBROOK = "Lindenbrook Children's Hospital (fictional)"
NEAR = (
    "Robins appointment at Lindenbrook; Robin's card; seen at LINDENBROOK CHILDRENS HOSPITAL "
    "and at Lindenbrook Children's with robins"
)


def test_near_names_of_the_hospital_and_child_are_redacted_other_words_kept() -> None:
    """The hospital's distinctive words in any case (not its common words), and the child's
    name with possessive and plural forms; the family's other words stay."""
    r = Redaction.for_child(Child(name="Robin", birth_date=BIRTH, hospital=LINDENBROOK))
    said = r.text(NEAR)
    assert "lindenbrook" not in said.lower() and "robin" not in said.lower(), said
    assert said == (
        "R. appointment at [hospital]; R.'s card; seen at [hospital] and at [hospital] with R."
    )
    kept = "the children's hospital clinic of the university medical centre, fictional"
    assert r.text(kept) == kept
    assert r.text("Lindenbrook's ward") == "[hospital] ward"


def test_the_summary_and_the_calendar_leave_out_near_names(tmp_path: Path) -> None:
    from tracker.io.ics import CalendarEntries, calendar_bytes

    child = Child(name="Robin", birth_date=BIRTH, hospital=LINDENBROOK, id=1)
    a = Appointment(1, dt.date(2026, 12, 8), dt.time(9, 0), "Dr. Vos", "at LINDENBROOK", NEAR)
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[a],
        questions=[Question(1, TODAY, "Robins port: ask Lindenbrook Children's")],
        thresholds=[],
        today=TODAY,
        redact=True,
    )
    text = repr(s).lower()
    assert "lindenbrook" not in text and "robin" not in text
    assert "dr. vos" in text and "appointment" in text
    ics = calendar_bytes(
        CalendarEntries(child, [a]), TODAY, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), redact=True
    ).decode()
    assert "lindenbrook" not in ics.lower() and "robin" not in ics.lower()
    assert "Dr. Vos" in ics


# ---------------------------------------------------------------------- the demo's name


def _texts(item: object) -> list[str]:
    """Every text in a summary (dataclasses, lists, tuples, dict values), in order."""
    import dataclasses

    if isinstance(item, str):
        return [item]
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return [t for f in dataclasses.fields(item) for t in _texts(getattr(item, f.name))]
    if isinstance(item, list | tuple):
        return [t for x in item for t in _texts(x)]
    if isinstance(item, dict):
        return [t for x in item.values() for t in _texts(x)]
    return []


def test_the_demo_redacted_keeps_its_word_demo_and_loses_the_name(tmp_path: Path) -> None:
    """The demo child is "Robin (demo)": "(demo)" is a note on the name, not a nickname,
    so "Fictional demo entry" stays as it is while "Robin" goes everywhere."""
    from tracker.demo import CHILD_NAME, build_demo
    from ui.printing.render import SummaryRequest, make_summary

    assert CHILD_NAME == "Robin (demo)"  # the test's premise
    with Record.open(tmp_path / "demo.sqlite", create=True, clock=fixed_clock) as rec:
        child_id = build_demo(rec, TODAY)
        plain = make_summary(rec, SummaryRequest(child_id))
        redacted = make_summary(rec, SummaryRequest(child_id, redact=True))
        kept = Redaction.for_child(rec.child(child_id))
    demo_words = [t.count("demo") for t in _texts(plain)]
    assert sum(demo_words) > 3, "the demo's summary marks its fictional entries"
    texts = _texts(redacted)
    said = "\n".join(texts)
    assert "robin" not in said.lower()
    assert "(R.)" not in said and "fictional R." not in said, said
    assert "Interfant-21 (demo)" in said and "fictional demo rule" in said
    assert sum(t.count("demo") for t in texts) == sum(demo_words) - 1  # the name's alone
    assert redacted.name == "R."
    assert kept.text("Robin (demo)'s fictional demo stay") == "R.'s fictional demo stay"


def test_a_nickname_in_brackets_is_still_a_name() -> None:
    r = Redaction.for_child(Child(name="Robin (Bobby) Quill", birth_date=BIRTH))
    assert r.text("Bobby slept; a demo of the pump") == "R. Q. slept; a demo of the pump"


# ---------------------------------------------------------------------- accents, file names

HOSTILE = "Émilie-Rose van der Berg"


def test_a_name_is_found_without_its_accents_in_any_case_and_run_together() -> None:
    """attack14 finding 2b: "Emilie" typed without its accent, in any case, and the name's
    parts joined as in a file name ("_", ".", "-" or nothing) are the name too."""
    r = Redaction.for_child(Child(name=HOSTILE, birth_date=BIRTH))
    note = (
        "Emilie slept. emilie ate; EMILIE cried; see vanderberg.csv and Van der Berg's card; "
        "Émilie-Rose, E\u0301milie and Emilie_Rose.van-der-berg 2025-01-04.pdf; "
        "ÉMILIE ROSE; EmilieRoseVanDerBerg; Rose came too"
    )
    said = r.text(note).casefold()
    for word in ("emilie", "émilie", "vanderberg", "berg", "rose", "2025-01-04"):
        assert word not in said, (word, said)
    assert "\u0301" not in said, "a combining accent goes with its letter"
    assert r.text("Emilie slept") == "É.-R. V. D. B. slept"  # the same initials everywhere
    assert r.text("Van der Berg's card") == "É.-R. V. D. B.'s card"
    mila = Redaction.for_child(Child(name="Mila Jansen", birth_date=BIRTH))
    for source in ("imported from Mila_Jansen_labs.csv", "MilaJansen.csv", "mila.jansen.csv"):
        assert "mila" not in mila.text(source).casefold(), source
        assert "jansen" not in mila.text(source).casefold(), source
    assert mila.text("MilaJansenLabs.csv") == "M. J.Labs.csv"


def test_short_parts_and_particles_alone_are_ordinary_words() -> None:
    """A part of fewer than 3 letters or a particle goes only with the rest of the name;
    no part eats a longer word it begins ("Eva" / "evaluation", "Ana" / "anaemia")."""
    r = Redaction.for_child(Child(name="Eva Ana Bo van der Li", birth_date=BIRTH))
    kept = "evaluation of anaemia; Bo; the van der Waals force; a list; rosemary; Bordeaux"
    assert r.text(kept) == kept
    assert r.text("Eva and Ana") == f"{r.initials} and {r.initials}"
    assert r.text("EvaAna.csv") == f"{r.initials}.csv"
    berg = Redaction.for_child(Child(name=HOSTILE, birth_date=BIRTH))
    assert berg.text("Bergen; rosemary; van der Waals; de la") == (
        "Bergen; rosemary; van der Waals; de la"
    )
    # a name of short parts alone is still the name, whole or joined
    li = Redaction.for_child(Child(name="Li Bo", birth_date=BIRTH))
    assert li.text("Li Bo; LiBo.csv; li_bo; a bolide") == "L. B.; L. B..csv; L. B.; a bolide"


def test_hostile_notes_leave_no_part_of_the_name_in_the_summary_or_calendar(
    tmp_path: Path,
) -> None:
    """The three redacted outputs share the rule: the summary and the calendar too."""
    from tracker.io.ics import CalendarEntries, calendar_bytes

    child = Child(name=HOSTILE, birth_date=BIRTH, id=1)
    note = "Emilie, emilie, EMILIE, vanderberg, Van der Berg's"
    a = Appointment(1, dt.date(2026, 12, 8), dt.time(9, 0), "Dr. Vos", note, note)
    s = build_summary(
        child,
        phases=[],
        milestones=[],
        counts=[],
        visits=[],
        appointments=[a],
        questions=[Question(1, TODAY, note)],
        thresholds=[],
        today=TODAY,
        redact=True,
    )
    texts = "\n".join(_texts(s)).casefold()
    ics = calendar_bytes(
        CalendarEntries(child, [a]), TODAY, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), redact=True
    ).decode()
    for said in (texts, ics.casefold()):
        assert "emilie" not in said and "berg" not in said, said
        assert "é.-r. v. d. b." in said
