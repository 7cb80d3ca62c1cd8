"""One place that says what a value means against its range, for the table, charts and paper.

It puts together ``tracker.ranges`` (the lab's range first, else a built-in infant
table with its source), the ANC category, an optional CTCAE grade (always with its
version) and the "ask your team" notes.  It labels; it never advises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from tracker import ranges
from tracker.anc import calculated_value
from tracker.i18n import N_, tr
from tracker.model import Child, CountResult, CountValue, TeamThreshold


@dataclass(frozen=True)
class Assessment:
    short: str  # "↓ L", "↑ H" or "" (within the range, or no range)
    text: str  # the flag and the range used, with its source
    notes: tuple[str, ...] = ()  # ANC category, CTCAE grade, "ask your team" notes
    range_source: str = ""  # "lab", a built-in table's source, or ""
    below_team: str = ""  # "below your team's transfusion trigger (20 ×10⁹/L)", or ""
    sources: tuple[str, ...] = ()  # where the built-in range, category and grade come from
    word: str = ""  # "low", "high" or "": in a cell as "(low)" (flag_in_cell)


Assessor = Callable[[CountResult, CountValue], Assessment | None]


def make_assessor(
    child: Child, thresholds: Sequence[TeamThreshold] = (), *, grades: bool = True
) -> Assessor:
    """An assess(result, value) function for one child (its age picks the built-in range)."""

    def assess(result: CountResult, value: CountValue) -> Assessment | None:
        if drug_note := ranges.drug_level_note(value.analyte):  # never "within" or a flag
            return Assessment("", drug_note, (), "", "", ())
        used = ranges.range_for(value, child.birth_date, result.taken_date)
        flag = ranges.flag(value, used)
        notes: list[str] = []
        sources: list[str] = []
        if used.kind == "builtin":
            sources.append(ranges.builtin_disclaimer())
        labelled: list[str] = []  # sources of the category / grade shown
        said: list[str] = []  # the same, as listed with the tooltip's sources
        if value.analyte == "anc":
            category = ranges.anc_category(value.normalised_value, value.comparator)
            if category is not None:
                notes.append(category.text)
                labelled.append(tr("categories: {source}").format(source=category.source))
                said.append(tr("Neutropenia categories: {source}.").format(source=category.source))
        if grades:
            grade = ranges.ctcae_grade(value.analyte, value, used)
            if grade is not None and grade.grade > 0:
                notes.append(f"{grade.label} ({grade.term})")
                labelled.append(tr("grades: {source}").format(source=grade.source))
                said.append(f"{grade.version}: {grade.source}. {grade.note}")
        if labelled and used.kind is not None and flag is None:
            notes.append(_caveat(used, labelled))  # the caveat names the sources itself
        else:
            sources.extend(said)
        team = ranges.team_notes(value, thresholds, used)
        notes.extend(n.text for n in team)
        below = next(
            (tr("below {basis}").format(basis=n.basis) for n in team if n.threshold is not None),
            "",
        )
        if used.kind is None and flag is None and not notes:
            return None
        if flag is not None:
            text = flag.text
        elif used.kind is not None:
            text = tr("Within the range used ({source})").format(source=used.source)
            if at_limit := ranges.limit_comparison(value, used):
                text = tr("{assessment}: {at_limit}").format(assessment=text, at_limit=at_limit)
        else:
            text = tr("No range to compare with")
        if used.kind == "lab":
            source = "lab"
        elif used.builtin is not None:  # one line per table on paper, not per age band
            b = used.builtin
            source = tr("{table} — {source}").format(table=tr(b.table_title), source=b.source)
        else:
            source = ""
        return Assessment(
            flag.symbol if flag else "",
            text,
            tuple(notes),
            source,
            below,
            tuple(sources),
            flag.word if flag else "",
        )

    return assess


WORKED_OUT = N_("ANC worked out from the differential, not reported by the lab")


def assess_calculated_anc(assess: Assessor, result: CountResult) -> Assessment | None:
    """What ``assess`` says of the ANC worked out from the white count and differential
    when the lab reported none: the same flag, category, grade and sources a reported ANC
    of that number without a lab range would get, its text marked as worked out.  None when
    the lab reported an ANC or none can be worked out (``tracker.anc.calculated_value``)."""
    value = calculated_value(result)
    found = assess(result, value) if value is not None else None
    if found is None:
        return None
    return replace(
        found,
        text=tr("ANC worked out from the differential, not reported by the lab: {text}").format(
            text=found.text
        ),
    )


def flag_in_cell(word: str) -> str:
    """A flag beside a number: "(low)" / "(high)", so "0.26 L/L (low)" can never be read as
    a unit ("0.26 L") nor as the trend arrow beside it; "" when not flagged."""
    return tr("({flag})").format(flag=word) if word else ""


def _caveat(used: ranges.RangeUsed, sources: Sequence[str]) -> str:
    """Said beside a category or grade given to a value the range used calls normal."""
    if used.kind == "lab":
        message = tr(
            "This value is within the range printed by your lab. {note} Sources: {sources}."
        )
    else:
        message = tr(
            "This value is within the range of the built-in example. {note} Sources: {sources}."
        )
    return message.format(note=ranges.ctcae_display_note(), sources="; ".join(sources))
