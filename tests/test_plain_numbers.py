"""Numbers are printed as a parent reads them: never "1.2e+02" or "1.23457e+06" (issue 11)."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from tracker.model import Child, CnsVisit
from ui.dialogs.cns import CnsVisitDialog

CHILD = Child("Mila", dt.date(2026, 1, 10), id=1)


def test_an_lp_opened_for_editing_shows_its_numbers_as_saved(qtbot: QtBot) -> None:
    """A bloody tap's red cells in the millions came back as "1.23457e+06": saved again,
    that would have changed the number."""
    visit = CnsVisit(1, dt.date(2026, 5, 20), csf_wbc=2, csf_rbc=1234567, platelets=85.5, id=3)
    dialog = CnsVisitDialog(visit, CHILD, [], dt.date(2026, 6, 1))
    qtbot.addWidget(dialog)
    assert dialog.text_of("csf_rbc") == "1234567"
    assert dialog.text_of("csf_wbc") == "2"
    assert dialog.text_of("platelets") == "85.5"
