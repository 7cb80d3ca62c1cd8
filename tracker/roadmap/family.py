"""The family's own numbers in a template: marked as theirs, and said so when shared.

A length or an LP day the family types in from their protocol book ("Edit the plan's
lengths…") is not a fact read in a source: :func:`with_family_numbers` gives the changed
fields the status ``family`` ("from the family's protocol book").  Saving the plan as a
template (:func:`shared_template`) marks, besides, every length and LP list that differs
from the shipped template of the same protocol (a plan filled in before the marks were
kept), and rewrites the ``about`` text so that a family receiving the file reads which
numbers came from another family's book, not "the lengths are not filled in".
"""

from __future__ import annotations

from dataclasses import replace

from tracker.i18n import N_, tr, trn
from tracker.roadmap.read import RoadmapError, shipped_template
from tracker.roadmap.template import MAX_TEXT, Mark, PhasePlan, Status, Template

SHIPPED = ("interfant-21", "interfant-06")
FAMILY_NOTE = N_("typed in by a family from their protocol book")
"""The note of a field's status once a family typed it in (written into their template)."""
_FIELDS = ("length_days", "lps")


def _marked(p: PhasePlan, field: str) -> PhasePlan:
    others = tuple((name, s) for name, s in p.status if name != field)
    if getattr(p, field) is None:  # cleared again: not known
        return replace(p, status=others)
    return replace(p, status=(*others, (field, Status(Mark.FAMILY, None, tr(FAMILY_NOTE)))))


def with_family_numbers(before: Template, after: Template) -> Template:
    """``after`` with the status ``family`` on each length and LP list that differs from
    ``before`` (a field cleared again loses its status: unknown, unverified)."""
    phases = []
    for p in after.phases:
        old = before.phase(p.key)
        for field in _FIELDS:
            if old is None or getattr(old, field) != getattr(p, field):
                p = _marked(p, field)
        phases.append(p)
    return replace(after, phases=tuple(phases))


def shipped_like(template: Template) -> Template | None:
    """The shipped template of the same protocol, if there is one."""
    for name in SHIPPED:
        try:
            shipped = shipped_template(name)
        except RoadmapError:  # pragma: no cover - the shipped files are tested
            continue
        if shipped.protocol == template.protocol:
            return shipped
    return None


def family_fields(template: Template) -> tuple[list[str], list[str]]:
    """The phases whose length, and whose LP days, are marked as the family's."""
    lengths = [
        trn("{phase} ({n} day)", "{phase} ({n} days)", p.length_days).format(
            phase=p.name, n=p.length_days
        )
        for p in template.phases
        if p.length_days is not None and p.status_of("length_days").mark is Mark.FAMILY
    ]
    lps = [
        p.name
        for p in template.phases
        if p.lps is not None and p.status_of("lps").mark is Mark.FAMILY
    ]
    return lengths, lps


def shared_template(template: Template) -> Template:
    """The template to save for another family: the family's numbers marked (also those
    that differ from the shipped template of the protocol) and the ``about`` rewritten."""
    shipped = shipped_like(template)
    if shipped is not None:
        template = with_family_numbers(shipped, template)  # the unchanged ones keep theirs
    lengths, lps = family_fields(template)
    if not lengths and not lps:
        return template
    about = _about(template.protocol, lengths, lps)
    return replace(template, about=about)


def _listed(names: list[str], room: int) -> str:
    """The names joined, as many as fit in ``room`` characters, then "and N more"."""
    shown: list[str] = []
    for i, name in enumerate(names):
        rest = len(names) - i - 1
        tail = tr("{names} and {n} more").format(names="", n=rest) if rest else ""
        if len(", ".join([*shown, name])) + len(tail) > room:
            return tr("{names} and {n} more").format(names=", ".join(shown), n=len(names) - i)
        shown.append(name)
    return ", ".join(shown)


def _about(protocol: str, lengths: list[str], lps: list[str]) -> str:
    about = tr(
        "{protocol} as one family filled it in from their own protocol book. From that "
        "family's book, not from the sources (status “family”): {parts}. Everything else is "
        "as in the roadmap it came from, with its status and sources. Check every number "
        "against your own protocol book; your team's plan wins."
    )
    room = MAX_TEXT - len(about) - len(protocol) - 40
    parts = []
    if lengths:
        listed = _listed(lengths, room // 2 if lps else room)
        parts.append(tr("the lengths of {phases}").format(phases=listed))
    if lps:
        listed = _listed(lps, room // 2 if lengths else room)
        parts.append(tr("the LP days of {phases}").format(phases=listed))
    return about.format(protocol=protocol, parts="; ".join(parts))[:MAX_TEXT]
