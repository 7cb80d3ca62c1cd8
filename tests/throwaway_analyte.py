"""A throwaway timed analyte (a drug level), for tests of what a timed analyte gets
(hours after the infusion started) without depending on which drugs the catalogue has."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tracker import analytes
from tracker.analytes import Analyte, Unit
from tracker.io import lab_values

TESTDRUG = Analyte(
    "testdrug",
    "Testdrug level",
    "TDL",
    "99999-9",
    "umol/L",
    (Unit("µmol/L", 1.0, ("umol/l", "µmol/l")),),
    (0.0, 10_000.0),
    ("testdrug", "tdl"),
    group="Drug levels",
    timed=True,
)


@pytest.fixture
def timed_analyte(monkeypatch: pytest.MonkeyPatch) -> Iterator[Analyte]:
    """The catalogue with TESTDRUG added at its end, everywhere it is looked up."""
    monkeypatch.setattr(analytes, "ANALYTES", (*analytes.ANALYTES, TESTDRUG))
    monkeypatch.setattr(analytes, "BY_CODE", {**analytes.BY_CODE, TESTDRUG.code: TESTDRUG})
    monkeypatch.setattr(analytes, "CODES", (*analytes.CODES, TESTDRUG.code))
    by_key = dict(lab_values._ANALYTE_BY_KEY)
    for spelling in (
        TESTDRUG.code,
        TESTDRUG.english_short,
        TESTDRUG.english_name,
        *TESTDRUG.aliases,
    ):
        by_key.setdefault(lab_values.name_key(spelling), TESTDRUG)
    monkeypatch.setattr(lab_values, "_ANALYTE_BY_KEY", by_key)
    lab_values.unit_of.cache_clear()
    yield TESTDRUG
    lab_values.unit_of.cache_clear()
