"""Write a roadmap template ("save our plan as a template"): the exact form read back.

:func:`template_text` gives every field in the documented order (docs/roadmap-format.md),
so ``parse_template(template_text(t)) == t`` and a file this module wrote is written again
byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracker.i18n import tr
from tracker.roadmap.read import by_name
from tracker.roadmap.template import (
    FORMAT,
    After,
    Arm,
    PhasePlan,
    Source,
    Status,
    Template,
    TimePoint,
)
from tracker.store.durable import write_atomically
from tracker.store.errors import RecordError
from tracker.store.targets import check_regular_target, check_write_target


def template_data(template: Template) -> dict[str, Any]:
    """The template as the JSON value its file holds."""
    return {
        "format": FORMAT,
        "version": template.version,
        "protocol": template.protocol,
        "about": template.about,
        "sources": [_source(s) for s in template.sources],
        "arms": [_arm(a) for a in template.arms],
        "phases": [_phase(p) for p in template.phases],
    }


def template_text(template: Template) -> str:
    return json.dumps(template_data(template), ensure_ascii=False, indent=2) + "\n"


def write_template(
    path: Path | str, template: Template, *, record_path: Path | str | None = None
) -> None:
    """Write the file whole or not at all (:func:`write_atomically`); CannotSave if refused.

    A target that is not a regular file (a named pipe, a device) is refused first, and
    with ``record_path`` so is the record or any of its companions
    (:func:`check_write_target`): RecordError, nothing written.  Every message names the
    file by its name (:func:`tracker.roadmap.read.by_name`), as a template read does."""
    path = Path(path)
    try:
        if record_path is not None:
            check_write_target(path, record_path, replaces=(".json",))
        else:
            check_regular_target(path)
        write_atomically(path, template_text(template).encode("utf-8"), tr("the roadmap template"))
    except RecordError as exc:  # the file named as everywhere else for templates
        raise type(exc)(by_name(str(exc), path)) from exc


def _source(s: Source) -> dict[str, Any]:
    return {"id": s.id, "citation": s.citation, "url": s.url}


def _status(s: Status) -> dict[str, Any]:
    return {"mark": s.mark.value, "source": s.source, "note": s.note}


def _arm(a: Arm) -> dict[str, Any]:
    return {
        "key": a.key,
        "name": a.name,
        "description": a.description,
        "status": _status(a.status) if a.status is not None else None,
    }


def _after(link: After) -> dict[str, Any]:
    arms = list(link.arms) if link.arms is not None else None
    return {"phase": link.phase, "arms": arms, "gap_days": link.gap_days}


def _point(t: TimePoint) -> dict[str, Any]:
    arms = list(t.arms) if t.arms is not None else None
    return {"label": t.label, "at": t.at.value, "day": t.day, "arms": arms}


def _points(points: tuple[TimePoint, ...] | None) -> list[dict[str, Any]] | None:
    return [_point(t) for t in points] if points is not None else None


def _phase(p: PhasePlan) -> dict[str, Any]:
    example = p.other_protocol_example
    return {
        "key": p.key,
        "name": p.name,
        "kind": p.kind.value,
        "arms": list(p.arms),
        "after": [_after(link) for link in p.after],
        "length_days": p.length_days,
        "lps": _points(p.lps),
        "mrd": _points(p.mrd),
        "drugs": list(p.drugs),
        "note": p.note,
        "status": {field: _status(s) for field, s in p.status},
        "other_protocol_example": (
            {"protocol": example.protocol, "source": example.source, "text": example.text}
            if example is not None
            else None
        ),
    }
