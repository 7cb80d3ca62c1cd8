"""A protocol roadmap applied to a child, and its planned items (rows of the roadmap).

The roadmap keeps the child's own copy of the template (the roadmap format's JSON text,
docs/roadmap-format.md), so the family's lengths and LP days live with the child; the
items keep the dates as last applied (the baseline the family saw), which are fixed by
hand, and why they moved.  The dates themselves are worked out by tracker.roadmap.plan;
tracker.roadmap.child applies them.
"""

from __future__ import annotations

from tracker.i18n import N_, tr
from tracker.i18n.formats import date_text
from tracker.kinds.fields import LONG_TEXT, Date, Flag, Rows, Text
from tracker.kinds.kind import Context, DateRule, Kind, Problems, date_sort_key
from tracker.model import PlanItemEntry, Roadmap


def _validate(r: Roadmap, context: Context) -> Problems:
    # imported here: tracker.roadmap reads through tracker.store.errors, whose package
    # imports the record, which needs the kinds (no cycle of modules: tests/test_layering.py)
    from tracker.roadmap.plan import item_ids
    from tracker.roadmap.read import RoadmapError, stored_template

    assert context.child is not None
    errors: Problems = {}
    try:
        template = stored_template(r.template)
    except RoadmapError as exc:
        return {"template": tr("Template: {problem}").format(problem=exc)}
    if template.arm(r.arm) is None:
        arms = ", ".join(f"“{a.key}”" for a in template.arms)
        errors["arm"] = tr(
            "Arm: “{arm}” is not one of the roadmap's arms ({arms}); choose one"
        ).format(arm=r.arm, arms=arms)
    known = {i for p in template.phases for a in template.arms for i in item_ids(p, a.key)}
    seen: set[str] = set()
    birth = context.child.birth_date
    for item in r.items:
        if item.item_id not in known:
            errors["items"] = tr(
                "Planned items: “{item}” is not an item of the roadmap “{protocol}”; apply the "
                "roadmap again"
            ).format(item=item.item_id, protocol=template.protocol)
            break
        if item.item_id in seen:
            errors["items"] = tr("Planned items: “{item}” is listed twice").format(
                item=item.item_id
            )
            break
        seen.add(item.item_id)
        if item.date is not None and item.date < birth:
            errors["items"] = tr(
                "Planned items: “{item}” is planned on {date}, before the date of birth "
                "({birth}); check the date"
            ).format(item=item.item_id, date=date_text(item.date), birth=date_text(birth))
            break
        if item.fixed and item.date is None:
            errors["items"] = tr("Planned items: “{item}” is fixed by hand but has no date").format(
                item=item.item_id
            )
            break
    return errors


PLAN_ITEM = Kind(
    key="plan_item",
    model=PlanItemEntry,
    table="plan_item",
    json=None,
    parent="roadmap",
    parent_column="roadmap_id",
    part_of=True,
    fields=(
        Text("item_id", N_("Item")),
        Date("date", N_("Date"), optional=True),
        Flag("fixed", N_("Fixed by hand")),
        Text("moved_because", N_("Moved because"), longest=LONG_TEXT),
        Text("phase_uid", N_("Phase")),
    ),
    singular=N_("planned item"),
    plural=N_("planned items"),
    describe=lambda i: tr("the planned item {item}").format(item=i.item_id),
    order_by="id",
    sort_key=lambda i: (i.item_id, i.uid),
    joiner="of",
)

ROADMAP = Kind(
    key="roadmap",
    model=Roadmap,
    table="roadmap",
    json="roadmaps",
    fields=(
        Text("protocol", N_("Protocol"), strip=True),
        Text("arm", N_("Arm")),
        Text("template", N_("Template"), longest=1024 * 1024),  # roadmap.read's file limit
        Date("applied_on", N_("Applied on")),
        Date("first_start", N_("First start"), optional=True),
        Rows("items", N_("Planned items"), kind="plan_item", key="item_id"),
        Text("note", N_("Note"), longest=LONG_TEXT),
    ),
    singular=N_("roadmap"),
    plural=N_("roadmaps"),
    describe=lambda r: tr("the roadmap {protocol} ({arm}) applied on {date}").format(
        protocol=r.protocol, arm=r.arm, date=date_text(r.applied_on)
    ),
    order_by="applied_on, id",  # i18n: not shown
    sort_key=date_sort_key("applied_on"),
    dates=(DateRule("applied_on", not_in_future=True), DateRule("first_start")),
    validate=_validate,
    json_required_since=6,
)
