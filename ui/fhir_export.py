"""File ▸ Export for a hospital system (FHIR R4): the current child's record as a FHIR R4
Bundle (docs/fhir.md), with or without the name, date of birth and hospital."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from tracker.i18n import tr
from tracker.io.fhir_export import describe, write_fhir
from tracker.progress import Progress
from tracker.store import RecordError
from tracker.store.targets import check_write_target
from ui import record_jobs
from ui.background import Job
from ui.bridge import RecordBridge
from ui.interaction import Interaction


def export_fhir(
    parent: QWidget, bridge: RecordBridge, interaction: Interaction, say: Callable[[str], None]
) -> Job | None:
    """Ask whether to leave the name out, then where to write, then write it off the GUI
    thread (the job; None if not begun): ``say`` shows what was written (the status bar)
    when it ends.  A problem is shown plainly and nothing else changes; Cancel leaves no
    file."""
    child = bridge.current_child()
    if child is None:
        return None
    title = tr("Export for a hospital system")
    redact = interaction.choose(
        parent,
        title,
        tr(
            "A FHIR R4 file of {name}'s record for a hospital system or health app: blood "
            "counts with their LOINC codes and units, growth, temperatures, lumbar punctures, "
            "home medicines and the treatment phases. Leave the name, date of birth and "
            "hospital out (as on a redacted summary)?"
        ).format(name=child.name),
        [tr("&With the name"), tr("&Leave the name out")],
    )
    if redact is None:
        return None
    record = bridge.record
    suggested = Path.home() / f"{record.path.stem}-fhir.json"
    target = interaction.save_file(parent, title, suggested, tr("FHIR JSON files (*.json)"))
    if target is None:
        return None
    if target.suffix == "":
        target = target.with_suffix(".json")
    try:
        check_write_target(target, record.path, replaces=(".json",))
    except (RecordError, OSError) as exc:
        interaction.error(parent, title, str(exc))
        return None

    def work(progress: Progress) -> dict[str, int]:
        reader = record.reader()  # read-only, its own connection: usable on the job's thread
        try:
            return write_fhir(
                reader, child, target, record.clock(), redact=redact == 1, progress=progress
            )
        finally:
            reader.close()

    return record_jobs.start(
        parent,
        interaction,
        "export_fhir",
        tr("Exporting for a hospital system"),
        work,
        on_done=lambda counts: say(
            tr("Exported {what} to {file}").format(what=describe(counts), file=target)
        ),
        error_title=title,
    )
