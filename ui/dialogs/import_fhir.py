"""File ▸ Import lab results (FHIR JSON)…: read a FHIR R4 Bundle, a resource or a folder of
them, show the CSV import's preview (with the vital signs and what is left out), then add it.

Nothing is written before the family confirms in the preview; the Patient in the file is
compared with the child there (a warning above everything when it is someone else).
Reading and planning, then saving, run off the GUI thread behind the CSV import's progress
dialogs (``ui.dialogs.import_csv``: the plan through a reader of the record's own, the save
through :meth:`Record.writer`, Cancel rolling it back).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from tracker.io.csv_import import BadRowsNotConfirmed, ImportReport, PlanOutdated
from tracker.io.fhir_import import FhirPlan, apply_fhir, plan_fhir, read_fhir, summary_of
from tracker.progress import Progress
from tracker.store import RecordError
from ui.background import Jobs
from ui.bridge import RecordBridge
from ui.dialogs.import_csv import (
    CANCELLED,
    cancelled_text,
    read_in_background,
    save_in_background,
    saving_text,
)
from ui.dialogs.import_preview import finished_text
from ui.interaction import Interaction


class FhirImporter:
    """The whole flow, with the questions going through ``interaction`` (tests replace it)."""

    def __init__(
        self,
        bridge: RecordBridge,
        interaction: Interaction,
        parent: QWidget,
        jobs: Jobs | None = None,
    ) -> None:
        self.bridge, self.interaction, self.parent = bridge, interaction, parent
        self.jobs = jobs

    def title(self) -> str:
        return self.parent.tr("Import lab results (FHIR)")

    def _ask_for_path(self) -> Path | None:
        """A file (a Bundle or one resource) or a folder of them (Apple Health keeps one
        resource per file in its clinical-records folder)."""
        tr = self.parent.tr
        which = self.interaction.choose(
            self.parent,
            self.title(),
            tr(
                "Import from one file (a Bundle or a single resource, as a hospital portal "
                "gives it), or from a folder of FHIR files (such as the clinical-records folder "
                "of an Apple Health export)?"
            ),
            [tr("One f&ile…"), tr("A &folder…")],
        )
        if which is None:
            return None
        if which == 1:
            return self.interaction.open_folder(self.parent, self.title(), Path.home())
        return self.interaction.open_file(
            self.parent, self.title(), Path.home(), tr("FHIR JSON (*.json);;All files (*)")
        )

    def run(self, path: Path | None = None) -> ImportReport | None:
        child = self.bridge.current_child()
        if child is None:
            return None
        if path is None:
            path = self._ask_for_path()
            if path is None:
                return None
        record = self.bridge.record
        source = self.parent.tr("imported from {file}").format(file=path.name)

        def plan(fhir: Any, _progress: Progress) -> FhirPlan:
            reader = record.reader()  # a connection of its own, on the job's thread
            try:
                return plan_fhir(fhir, reader, child, source=source)
            finally:
                reader.close()

        outcome = read_in_background(  # kind and size first (read_import_file): a FIFO or a
            self.parent,  # huge file is refused
            self.parent.tr("Reading the FHIR file…"),
            [lambda _, _progress: read_fhir(path), plan],
            jobs=self.jobs,
        )
        if outcome is CANCELLED:
            return None
        if isinstance(outcome, str):  # UnreadableFhir, ImportFileError, the record's own
            self.interaction.error(self.parent, self.title(), outcome)
            return None
        fplan: FhirPlan = outcome
        extra = [*fplan.vitals_lines, *fplan.fhir.left_out_lines()]
        if not self.interaction.confirm_import(
            self.parent, fplan.plan, path, fplan.fhir.identity, extra
        ):
            return None
        try:
            report = save_in_background(
                self.parent,
                saving_text(self.parent, fplan.plan),
                record,
                lambda writer, progress: apply_fhir(
                    fplan, writer, skip_bad=bool(fplan.plan.problems), progress=progress
                ),
                jobs=self.jobs,
            )
        except (BadRowsNotConfirmed, PlanOutdated, RecordError) as exc:
            self.interaction.error(self.parent, self.title(), str(exc))
            return None
        if report is None:
            self.interaction.info(self.parent, self.title(), cancelled_text(self.parent))
            return None
        self.bridge.changed_outside(report.changes)
        self.interaction.info(
            self.parent,
            self.title(),
            finished_text(summary_of(fplan, applied=True), fplan.plan.problems),
        )
        return report
