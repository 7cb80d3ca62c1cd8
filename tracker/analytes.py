"""The blood-count catalogue: analytes, units and exact conversions.

Conversions come from ``shared/domain.md`` §2.2:

* any cell count: 1 ×10⁹/L = 1 ×10³/µL = 1 K/µL = 1 G/L = 1,000 cells/µL = 1,000/mm³
* red cells: 1 ×10¹²/L = 1 ×10⁶/µL (M/µL)
* haemoglobin: g/L = g/dL × 10; mmol/L = g/dL × 0.6206
* haematocrit: L/L = % ÷ 100

Canonical units: ×10⁹/L for white cells and platelets, g/L for haemoglobin,
L/L for haematocrit, ×10¹²/L for red cells, % for percentages.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from tracker.i18n import N_, tr
from tracker.model import Comparator

COUNT_CANONICAL = "10^9/L"
HB_MMOL_PER_G_DL = 0.6206


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit an analyte may be reported in, and how to reach the canonical unit."""

    label: str  # how we print it
    factor: float  # canonical = value * factor
    spellings: tuple[str, ...] = ()
    # Said beside a value in this unit (enzyme "IU/L" read as U/L, domain.md §2.8.2 ⚠️).
    note: str = ""


@dataclass(frozen=True, slots=True)
class Analyte:
    """A test of the catalogue.  ``english_name`` / ``english_short`` are the English words
    (marked with N_, and what files and imports match); :attr:`name` and :attr:`short` are
    them in the family's language."""

    code: str
    english_name: str
    english_short: str
    loinc: str
    canonical_unit: str
    units: tuple[Unit, ...]
    # Plausible values in the canonical unit: anything outside is a typing or
    # unit slip, not a result.  These are input checks, not clinical ranges.
    plausible: tuple[float, float]
    aliases: tuple[str, ...] = ()
    # Where the count form and the tables list it: one of GROUPS.
    group: str = N_("Blood count")
    # A drug level, taken some hours after an infusion started (kept with the value).
    timed: bool = False
    # Other LOINC codes for the same test (method-less, molar, manual), for matching imports.
    other_loinc: tuple[str, ...] = ()
    # Where the codes and factors come from, with domain.md's status (shown in tooltips).
    source: str = ""
    # Units a lab may print that cannot be converted here: spelling → the plain reason.
    refused: tuple[tuple[str, str], ...] = ()
    # Look-alike tests never stored as this one, whatever a row's name says: (LOINC code,
    # name), e.g. hs-CRP 30522-7 is not CRP (domain.md §2.8.1); kept as an other result.
    not_loinc: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The test's name for people, in the family's language ("Haemoglobin")."""
        return tr(self.english_name)

    @property
    def short(self) -> str:
        """Its abbreviation for people, in the family's language ("Hb")."""
        return tr(self.english_short)

    def unit(self, text: str) -> Unit | None:
        """The unit a spelling stands for (cached: called for every value shown)."""
        return _unit_of(self, text)

    @property
    def default_unit(self) -> Unit:
        return self.units[0]


_COUNT_UNITS = (
    Unit("×10⁹/L", 1.0, ("10^9/L", "x10^9/L", "10E9/L", "x10E9/L", "10*9/L", "G/L", "Gpt/L")),
    Unit(
        "×10³/µL",
        1.0,
        ("10^3/uL", "x10^3/uL", "x10E3/uL", "10E3/uL", "K/uL", "K/µL", "10^3/mm3", "thou/uL"),
    ),
    Unit(
        "/µL",
        0.001,
        ("cells/uL", "/uL", "/mm3", "cells/mm3", "per uL", "/cmm"),  # i18n: not shown
    ),
)
_PCT_UNITS = (Unit("%", 1.0, ("percent", "pct")),)
_HB_UNITS = (
    Unit("g/dL", 10.0, ("g/100mL", "gm/dL")),
    Unit("g/L", 1.0, ()),
    Unit("mmol/L", 10.0 / HB_MMOL_PER_G_DL, ()),
)
_HCT_UNITS = (Unit("%", 0.01, ("percent",)), Unit("L/L", 1.0, ("l/l", "fraction")))
# Enzyme activity (domain.md §2.8.2, §2.8.7): 1 U/L = 1/60 µkat/L (U = µmol/min, kat =
# mol/s).  "IU/L" is kept as printed and read as U/L, with the note below (⚠️).
_IU_NOTE = N_("“IU/L” is read as the same number in U/L, as conversion tables do (⚠️)")
_ENZYME_UNITS = (
    Unit("U/L", 1.0, ("u/l", "units/L")),
    Unit("µkat/L", 60.0, ("ukat/L", "microkat/L")),
    Unit("IU/L", 1.0, ("[IU]/L", "iu/l"), note=_IU_NOTE),
)
# Bilirubin: mg/dL × 17.104 = µmol/L (C33H36N4O6, M = 584.66 g/mol; domain.md §2.8.2).
BILIRUBIN_UMOL_PER_MG_DL = 17.104
_BILIRUBIN_UNITS = (
    Unit("mg/dL", BILIRUBIN_UMOL_PER_MG_DL, ("mg/100mL",)),
    Unit("µmol/L", 1.0, ("umol/L", "µM", "uM", "micromol/L")),
)
# Monovalent ions: mEq/L = mmol/L (domain.md §2.8.3).
_MONOVALENT_UNITS = (Unit("mmol/L", 1.0, ()), Unit("mEq/L", 1.0, ("meq/L",)))
# Methotrexate: mg/L × 2.2005 = µmol/L (C20H22N8O5, M = 454.44 g/mol; domain.md §2.8.8).
MTX_UMOL_PER_MG_L = 2.2005
_RBC_UNITS = (
    Unit("×10¹²/L", 1.0, ("10^12/L", "x10^12/L", "10E12/L", "x10E12/L", "T/L")),
    Unit("×10⁶/µL", 1.0, ("10^6/uL", "x10^6/uL", "x10E6/uL", "M/uL", "M/µL", "10^6/mm3")),
)

ANALYTES: tuple[Analyte, ...] = (
    Analyte(
        "wbc",
        N_("White blood cells"),
        N_("WBC"),
        "6690-2",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 2000.0),
        (
            "white blood cell count",  # i18n: not shown
            "leukocytes",
            "leuk",
            "wbc count",  # i18n: not shown
            "white blood cell",  # i18n: not shown
            "white cell count",  # i18n: not shown
            "white cells",  # i18n: not shown
            "white count",  # i18n: not shown
            "total white cell count",  # i18n: not shown
            "total leukocyte count",  # i18n: not shown
            "leucocytes",
            "leukocyte count",  # i18n: not shown
            "leuko",
            "leukozyten",
            "leucocyten",
            "globules blancs",  # i18n: not shown
            "leucociti",
            "leucocitos",
            "leukocyty",
        ),
        other_loinc=("26464-8",),
    ),
    Analyte(
        "anc",
        N_("Neutrophils (absolute, ANC)"),
        N_("ANC"),
        "751-8",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 200.0),
        (
            "absolute neutrophil count",  # i18n: not shown
            "neutrophils, absolute",  # i18n: not shown
            "neut#",
            "neutrophils absolute",  # i18n: not shown
            "neutrophils (absolute)",  # i18n: not shown
            "neutrophils, abs",  # i18n: not shown
            "neutrophils abs",  # i18n: not shown
            "neutrophil, absolute",  # i18n: not shown
            "neutrophil absolute",  # i18n: not shown
            "absolute neutrophils",  # i18n: not shown
            "abs neutrophils",  # i18n: not shown
            "neutrophil count",  # i18n: not shown
            "neutrophils #",
            "neu#",
            "neut #",
            "absolute neutrophil count (anc)",  # i18n: not shown
            "anc (absolute neutrophil count)",  # i18n: not shown
            "neutrophile absolut",  # i18n: not shown
            "neutrophile abs.",  # i18n: not shown
            "neutrophile granulozyten absolut",  # i18n: not shown
            "neutrofielen absoluut",  # i18n: not shown
            "polynucléaires neutrophiles",  # i18n: not shown
        ),
        other_loinc=(
            "26499-4",
            "753-4",
        ),
    ),
    Analyte(
        "neut_pct",
        N_("Neutrophils %"),
        N_("Neut %"),
        "770-8",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "neut%",
            "neutrophils %",
            "neut %",
            "neu%",
            "neutrophils (%)",
            "neutrophil %",
            "neutrophils percent",  # i18n: not shown
            "% neutrophils",
            "neutrophile %",
            "neutrophile (%)",
        ),
        other_loinc=("26511-6",),
    ),
    Analyte(
        "band_pct",
        N_("Band neutrophils %"),
        N_("Bands %"),
        "26508-2",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "bands",
            "stabs",
            "bands %",
            "band %",
            "band neutrophils",  # i18n: not shown
            "band neutrophils %",  # i18n: not shown
            "band forms",  # i18n: not shown
            "stab neutrophils",  # i18n: not shown
            "stabkernige",
            "stabkernige %",
        ),
    ),
    Analyte(
        "lymph",
        N_("Lymphocytes (absolute)"),
        N_("Lymph"),
        "731-0",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 2000.0),
        (
            "lym#",
            "lymphocytes",
            "lymphocytes, absolute",  # i18n: not shown
            "lymphocytes absolute",  # i18n: not shown
            "lymphocytes (absolute)",  # i18n: not shown
            "lymphocytes, abs",  # i18n: not shown
            "absolute lymphocyte count",  # i18n: not shown
            "absolute lymphocytes",  # i18n: not shown
            "lymphocyte count",  # i18n: not shown
            "lymph#",
            "lymph #",
            "alc",
            "lymphozyten absolut",  # i18n: not shown
        ),
        other_loinc=("26474-7",),
    ),
    Analyte(
        "mono",
        N_("Monocytes (absolute)"),
        N_("Mono"),
        "742-7",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 500.0),
        (
            "mono#",
            "monocytes",
            "monocytes, absolute",  # i18n: not shown
            "monocytes absolute",  # i18n: not shown
            "monocytes (absolute)",  # i18n: not shown
            "monocytes, abs",  # i18n: not shown
            "absolute monocyte count",  # i18n: not shown
            "absolute monocytes",  # i18n: not shown
            "monocyte count",  # i18n: not shown
            "mono #",
            "monozyten absolut",  # i18n: not shown
        ),
        other_loinc=("26484-6",),
    ),
    Analyte(
        "blast_pct",
        N_("Blasts (blood) %"),
        N_("Blasts %"),
        "26446-5",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "blasts",
            "blasts %",
            "blast %",
            "blast%",
            "blasts (%)",
            "blast cells",  # i18n: not shown
            "blast cells %",  # i18n: not shown
            "blasten",
            "blasten %",
        ),
        other_loinc=("709-6",),
    ),
    Analyte(
        "hgb",
        N_("Hemoglobin"),
        N_("Hb"),
        "718-7",
        "g/L",
        _HB_UNITS,
        # 10 g/L (1 g/dL): very low real values are possible (below VERY_LOW_INPUT_CHECK
        # the family is asked, not told to change the unit)
        (10.0, 250.0),
        (
            "hgb",
            "haemoglobin",
            "hemoglobin",
            "hb",
            "haemoglobin (hb)",  # i18n: not shown
            "hemoglobin (hgb)",  # i18n: not shown
            "hämoglobin",
            "haemoglobin concentration",  # i18n: not shown
            "hémoglobine",
            "hemoglobine",
            "hemoglobina",
            "emoglobina",
        ),
        other_loinc=("59260-0",),
    ),
    Analyte(
        "hct",
        N_("Hematocrit"),
        N_("Hct"),
        "4544-3",
        "L/L",
        _HCT_UNITS,
        (0.03, 0.85),
        (
            "haematocrit",
            "pcv",
            "hct",
            "hematocrit (hct)",  # i18n: not shown
            "packed cell volume",  # i18n: not shown
            "hämatokrit",
            "hématocrite",
            "hematocriet",
            "hematocrito",
            "ematocrito",
        ),
    ),
    Analyte(
        "plt",
        N_("Platelets"),
        N_("PLT"),
        "777-3",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 3000.0),
        (
            "platelet count",  # i18n: not shown
            "thrombocytes",
            "thrombo",
            "platelets",
            "platelet",
            "plt count",  # i18n: not shown
            "plts",
            "thrombocyte count",  # i18n: not shown
            "thrombozyten",
            "thrombocyten",
            "plaquettes",
            "piastrine",
            "plaquetas",
            "płytki krwi",  # i18n: not shown
        ),
        other_loinc=("26515-7",),
    ),
    Analyte(
        "rbc",
        N_("Red blood cells"),
        N_("RBC"),
        "789-8",
        "10^12/L",
        _RBC_UNITS,
        (0.3, 12.0),
        (
            "red blood cell count",  # i18n: not shown
            "erythrocytes",
            "ery",
            "red blood cells",  # i18n: not shown
            "red cell count",  # i18n: not shown
            "red cells",  # i18n: not shown
            "rbc count",  # i18n: not shown
            "erythrocyte count",  # i18n: not shown
            "erythrozyten",
            "erytrocyten",
            "globules rouges",  # i18n: not shown
            "eritrociti",
            "hematíes",
        ),
        other_loinc=("26453-1",),
    ),
    # ------------------------------------------------------------------ domain.md §2.8
    # Plausible values below are typing- and unit-slip checks only, never clinical ranges
    # and never shown as one (domain.md gives no numbers for them).  They are set by
    # judgement at a physical limit or generously beyond extreme results, so that no real
    # result is refused: a percentage of cells 0-100; absolute eosinophils, basophils and
    # reticulocytes as wide as the monocyte or white-count check; a concentration from 0 to
    # several times the most extreme results (bilirubin, creatinine, ferritin in HLH,
    # triglycerides under asparaginase, enzymes after liver or pancreas injury, a
    # methotrexate level at the end of a high-dose infusion); red-cell indices a few times
    # wider than any blood; sodium from 50 mmol/L (a dropped digit, "13.8", is a slip).
    Analyte(
        "seg_pct",
        N_("Segmented neutrophils %"),
        N_("Segs %"),
        "",  # 769-8 is commonly used but not confirmed (domain.md §2.1 ❌): no code
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "segs",
            "segs %",
            "seg %",
            "seg%",
            "segmented",
            "segmented neutrophils",  # i18n: not shown
            "segmented neutrophils %",  # i18n: not shown
            "neutrophils, segmented",  # i18n: not shown
            "seg neutrophils",  # i18n: not shown
            "polys",
            "pmn",
            "pmns",
            "segmentkernige",
            "segmentkernige %",
        ),
        group=N_("Differential"),
        source=(
            "domain.md §2.1/§2.2: segmented neutrophils % "  # i18n: not shown
            "(LOINC not confirmed ❌, none shown)"
        ),
    ),
    Analyte(
        "lymph_pct",
        N_("Lymphocytes %"),
        N_("Lymph %"),
        "736-9",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "lym%",
            "lymph%",
            "lymphocytes %",
            "lymphocyte %",
            "% lymphocytes",
            "lymphocytes/100 leukocytes in blood by automated count",  # i18n: not shown
            "lymphocytes/100 leukocytes in blood",  # i18n: not shown
        ),
        group=N_("Differential"),
        other_loinc=("26478-8",),
        source=(
            "domain.md §2.8.6: 736-9 ✅ (GHP); 26478-8 "  # i18n: not shown
            "⚠️ (community files only)"
        ),
    ),
    Analyte(
        "mono_pct",
        N_("Monocytes %"),
        N_("Mono %"),
        "5905-5",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "mono%",
            "monocytes %",
            "monocyte %",
            "% monocytes",
            "monocytes/100 leukocytes in blood by automated count",  # i18n: not shown
        ),
        group=N_("Differential"),
        other_loinc=("26485-3",),
        source="domain.md §2.8.6: 5905-5 ✅ (GHP); 26485-3 ⚠️",
    ),
    Analyte(
        "eos_pct",
        N_("Eosinophils %"),
        N_("Eos %"),
        "713-8",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "eos%",
            "eo%",
            "eosinophils %",
            "eosinophil %",
            "% eosinophils",
            "eosinophils/100 leukocytes in blood by automated count",  # i18n: not shown
        ),
        group=N_("Differential"),
        source=(
            "domain.md §2.8.6: 713-8 ✅ (GHP; ULO); no "  # i18n: not shown
            "method-less % code (not found ❌)"
        ),
    ),
    Analyte(
        "eos",
        N_("Eosinophils (absolute)"),
        N_("Eos"),
        "711-2",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 500.0),
        (
            "eos#",
            "eo#",
            "eos #",
            "eosinophils, absolute",  # i18n: not shown
            "eosinophils absolute",  # i18n: not shown
            "absolute eosinophils",  # i18n: not shown
            "absolute eosinophil count",  # i18n: not shown
            "eosinophil count",  # i18n: not shown
            "eosinophils [#/volume] in blood by automated count",  # i18n: not shown
            "eosinophils [#/volume] in blood",  # i18n: not shown
        ),
        group=N_("Differential"),
        other_loinc=("26449-9",),
        source="domain.md §2.8.6: 711-2 ✅ (GHP; ULO); 26449-9 ✅ (ULO)",  # i18n: not shown
    ),
    Analyte(
        "baso_pct",
        N_("Basophils %"),
        N_("Baso %"),
        "706-2",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "baso%",
            "ba%",
            "basophils %",
            "basophil %",
            "% basophils",
            "basophils/100 leukocytes in blood by automated count",  # i18n: not shown
        ),
        group=N_("Differential"),
        source=(
            "domain.md §2.8.6: 706-2 ✅ (GHP); no "  # i18n: not shown
            "method-less code (not found ❌)"
        ),
    ),
    Analyte(
        "baso",
        N_("Basophils (absolute)"),
        N_("Baso"),
        "704-7",
        COUNT_CANONICAL,
        _COUNT_UNITS,
        (0.0, 500.0),
        (
            "baso#",
            "ba#",
            "baso #",
            "basophils, absolute",  # i18n: not shown
            "basophils absolute",  # i18n: not shown
            "absolute basophils",  # i18n: not shown
            "absolute basophil count",  # i18n: not shown
            "basophil count",  # i18n: not shown
            "basophils [#/volume] in blood by automated count",  # i18n: not shown
        ),
        group=N_("Differential"),
        source=(
            "domain.md §2.8.6: 704-7 ✅ (GHP); no "  # i18n: not shown
            "method-less code (not found ❌)"
        ),
    ),
    Analyte(
        "retic_pct",
        N_("Reticulocytes %"),
        N_("Retic %"),
        "17849-1",
        "%",
        _PCT_UNITS,
        (0.0, 100.0),
        (
            "retic%",
            "ret%",
            "reticulocytes %",
            "reticulocyte %",
            "reticulocyte count %",  # i18n: not shown
            "% reticulocytes",
            "reticulocytes/100 erythrocytes in blood by automated count",  # i18n: not shown
            "reticulocytes/100 erythrocytes in blood",  # i18n: not shown
            "reticulocytes/erythrocytes in blood by automated count",  # i18n: not shown
        ),
        group=N_("Differential"),
        other_loinc=("4679-7",),
        source=(
            "domain.md §2.8.5: 17849-1, 4679-7 ✅ "  # i18n: not shown
            "(loinc.org v2.73; ULO; ARUP)"
        ),
    ),
    Analyte(
        "retic",
        N_("Reticulocytes (absolute)"),
        N_("Retic"),
        "60474-4",
        COUNT_CANONICAL,
        (
            *_COUNT_UNITS,
            Unit("×10⁶/µL", 1000.0, ("10^6/uL", "x10^6/uL", "m/cumm", "M/uL", "M/µL")),
        ),
        (0.0, 2000.0),
        (
            "retic#",
            "ret#",
            "retic #",
            "reticulocytes, absolute",  # i18n: not shown
            "reticulocytes absolute",  # i18n: not shown
            "absolute reticulocytes",  # i18n: not shown
            "absolute reticulocyte count",  # i18n: not shown
            "reticulocytes [#/volume] in blood by automated count",  # i18n: not shown
            "reticulocytes [#/volume] in blood",  # i18n: not shown
        ),
        group=N_("Differential"),
        other_loinc=("14196-0",),
        source=(
            "domain.md §2.8.5: 60474-4 ✅ (ARUP; BJH); 14196-0 ⚠️; "
            "×10⁶/µL × 1000 = ×10³/µL = ×10⁹/L ✅"  # i18n: not shown
        ),
    ),
    # Red-cell indices (domain.md §2.1 ✅, §2.8.5): the same number in US and SI units.
    Analyte(
        "mcv",
        N_("Mean cell volume (MCV)"),
        N_("MCV"),
        "787-2",
        "fL",
        (Unit("fL", 1.0, ("fl", "femtoliter", "femtolitre", "um3", "µm3")),),
        (30.0, 200.0),
        ("mean corpuscular volume", "mean cell volume"),  # i18n: not shown
        source="domain.md §2.1 ✅, §2.8.5 ✅ (GHP)",
    ),
    Analyte(
        "mch",
        N_("Mean cell haemoglobin (MCH)"),
        N_("MCH"),
        "785-6",
        "pg",
        (Unit("pg", 1.0, ("picogram", "picograms", "pg/cell")),),
        (5.0, 100.0),
        (
            "mean corpuscular hemoglobin",  # i18n: not shown
            "mean corpuscular haemoglobin",  # i18n: not shown
            "mean cell hemoglobin",  # i18n: not shown
        ),
        refused=(
            ("fmol", N_("MCH in fmol is not converted (domain.md §2.8.5 ❌); type it in pg")),
        ),
        source="domain.md §2.1 ✅, §2.8.5 ✅ (GHP); fmol not converted ❌",  # i18n: not shown
    ),
    Analyte(
        "mchc",
        N_("Mean cell haemoglobin concentration (MCHC)"),
        N_("MCHC"),
        "786-4",
        "g/L",
        (Unit("g/dL", 10.0, ("g/100mL", "gm/dL")), Unit("g/L", 1.0, ())),
        (100.0, 600.0),
        (
            "mean corpuscular hemoglobin concentration",  # i18n: not shown
            "mean corpuscular haemoglobin concentration",  # i18n: not shown
            "mean cell hemoglobin concentration",  # i18n: not shown
        ),
        source="domain.md §2.1 ✅; g/dL × 10 = g/L (exact)",
    ),
    Analyte(
        "rdw_cv",
        N_("Red cell distribution width (RDW-CV)"),
        N_("RDW-CV"),
        "788-0",
        "%",
        _PCT_UNITS,
        (3.0, 60.0),
        ("rdw", "rdw %", "rdw-cv %", "rdw cv", "red cell distribution width %"),  # i18n: not shown
        refused=(
            (
                "fL",
                N_(
                    "an RDW in fL is the RDW-SD, a different quantity that cannot be converted "
                    "into RDW-CV % (domain.md §2.8.5); enter it as RDW-SD"
                ),
            ),
        ),
        source=(
            "domain.md §2.1 ✅, §2.8.5: RDW-CV % and "  # i18n: not shown
            "RDW-SD fL are not convertible"
        ),
    ),
    Analyte(
        "rdw_sd",
        N_("Red cell distribution width (RDW-SD)"),
        N_("RDW-SD"),
        "21000-5",
        "fL",
        (Unit("fL", 1.0, ("fl",)),),
        (10.0, 200.0),
        refused=(
            (
                "%",
                N_(
                    "an RDW in % is the RDW-CV, a different quantity that cannot be converted "
                    "into RDW-SD fL (domain.md §2.8.5); enter it as RDW-CV"
                ),
            ),
        ),
        source=(
            "domain.md §2.1 ✅, §2.8.5: RDW-CV % and "  # i18n: not shown
            "RDW-SD fL are not convertible"
        ),
    ),
    Analyte(
        "mpv",
        N_("Mean platelet volume (MPV)"),
        N_("MPV"),
        "32623-1",
        "fL",
        (Unit("fL", 1.0, ("fl",)),),
        (2.0, 40.0),
        ("mean platelet volume",),  # i18n: not shown
        source="domain.md §2.1 ✅",
    ),
    # ------------------------------------------------------------------ chemistry
    Analyte(
        "crp",
        N_("C-reactive protein (CRP)"),
        N_("CRP"),
        "1988-5",
        "mg/L",
        (Unit("mg/L", 1.0, ("mg/l",)), Unit("mg/dL", 10.0, ("mg/100mL",))),
        (0.0, 1000.0),
        (
            "c-reactive protein",  # i18n: not shown
            "c reactive protein",  # i18n: not shown
            "c reactive protein [mass/volume] in serum or plasma",  # i18n: not shown
            "c reactive protein [moles/volume] in serum or plasma",  # i18n: not shown
            "crp (c-reactive protein)",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("76485-2",),
        not_loinc=(("30522-7", "hs-CRP"),),
        refused=(
            (
                "nmol/L",
                N_(
                    "a CRP in nmol/L cannot be converted to mg/L without an assumed molar mass "
                    "(domain.md §2.8.1); type it in mg/L or mg/dL if the lab printed that too, "
                    "or keep it as another result, as printed"
                ),
            ),
        ),
        source=(
            "domain.md §2.8.1: 1988-5, 76485-2 ✅ (ULO; GECCO; Mayo/ARUP); mg/dL × 10 = mg/L ✅; "
            "nmol/L not converted ❌. Not hs-CRP (30522-7)"  # i18n: not shown
        ),
    ),
    Analyte(
        "igg",
        N_("Immunoglobulin G (IgG)"),
        N_("IgG"),
        "2465-3",
        "g/L",
        (Unit("mg/dL", 0.01, ("mg/100mL",)), Unit("g/L", 1.0, ())),
        (0.0, 150.0),
        (
            "immunoglobulin g",  # i18n: not shown
            "igg [mass/volume] in serum or plasma",  # i18n: not shown
            "igg, serum",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        source="domain.md §2.8.1: 2465-3 ✅ (ULO); mg/dL × 0.01 = g/L ✅",  # i18n: not shown
    ),
    Analyte(
        "alt",
        N_("Alanine aminotransferase (ALT)"),
        N_("ALT"),
        "1742-6",
        "U/L",
        _ENZYME_UNITS,
        (0.0, 50000.0),
        (
            "alanine aminotransferase",  # i18n: not shown
            "alat",
            "gpt",
            "sgpt",
            "alt (sgpt)",  # i18n: not shown
            "alanine aminotransferase [enzymatic "  # i18n: not shown
            "activity/volume] in serum or plasma",
        ),
        group=N_("Chemistry"),
        other_loinc=("1744-2", "76625-3"),
        source=(
            "domain.md §2.8.2: 1742-6 ✅ (GHP; ULO), "  # i18n: not shown
            "1744-2/76625-3 ⚠️; U/L = 1/60 µkat/L ✅; " + _IU_NOTE
        ),
    ),
    Analyte(
        "ast",
        N_("Aspartate aminotransferase (AST)"),
        N_("AST"),
        "1920-8",
        "U/L",
        _ENZYME_UNITS,
        (0.0, 50000.0),
        (
            "aspartate aminotransferase",  # i18n: not shown
            "asat",
            "got",
            "sgot",
            "ast (sgot)",  # i18n: not shown
            "aspartate aminotransferase [enzymatic "  # i18n: not shown
            "activity/volume] in serum or plasma",
        ),
        group=N_("Chemistry"),
        other_loinc=("30239-8", "88112-8"),
        source=(
            "domain.md §2.8.2: 1920-8 ✅ (GHP; ULO; "  # i18n: not shown
            "GECCO); U/L = 1/60 µkat/L ✅; " + _IU_NOTE
        ),
    ),
    Analyte(
        "bili_total",
        N_("Bilirubin, total"),
        N_("T. bili"),
        "1975-2",
        "umol/L",
        _BILIRUBIN_UNITS,
        (0.0, 1500.0),
        (
            "total bilirubin",  # i18n: not shown
            "bilirubin total",  # i18n: not shown
            "bilirubin",
            "tbil",
            "t bili",
            "bilirubin.total [mass/volume] in serum or plasma",  # i18n: not shown
            "bilirubin.total [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("14631-6",),
        source=(
            "domain.md §2.8.2: 1975-2, 14631-6 ✅ (ULO; GECCO; ARUP; GHP); "
            "mg/dL × 17.104 = µmol/L ✅ (derived, M = 584.66 g/mol)"  # i18n: not shown
        ),
    ),
    Analyte(
        "bili_direct",
        N_("Bilirubin, direct"),
        N_("D. bili"),
        "1968-7",
        "umol/L",
        _BILIRUBIN_UNITS,
        (0.0, 1500.0),
        (
            "direct bilirubin",  # i18n: not shown
            "bilirubin direct",  # i18n: not shown
            "dbil",
            "d bili",
            "bilirubin.direct [mass/volume] in serum or plasma",  # i18n: not shown
            "bilirubin.direct [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("14629-0",),
        source=(
            "domain.md §2.8.2: 1968-7, 14629-0 ✅ (loinc.org; ULO; GHP); × 17.104 ⚠️ (derived). "
            "Direct is not conjugated bilirubin (LOINC): kept apart"  # i18n: not shown
        ),
    ),
    Analyte(
        "bili_conj",
        N_("Bilirubin, conjugated"),
        N_("Conj. bili"),
        "",  # 15152-2 is not confirmed (domain.md §2.8 "do not ship" 1): no code
        "umol/L",
        _BILIRUBIN_UNITS,
        (0.0, 1500.0),
        ("conjugated bilirubin", "bilirubin conjugated", "cbil"),  # i18n: not shown
        group=N_("Chemistry"),
        source=(
            "domain.md §2.8.2: conjugated bilirubin, kept apart from direct (LOINC ✅); "
            "no code shown (the one in use is not confirmed ❌); × 17.104 ⚠️"  # i18n: not shown
        ),
    ),
    Analyte(
        "albumin",
        N_("Albumin"),
        N_("Alb"),
        "1751-7",
        "g/L",
        (Unit("g/dL", 10.0, ("g/100mL", "gm/dL")), Unit("g/L", 1.0, ())),
        (0.0, 100.0),
        (
            "albumin, serum",  # i18n: not shown
            "serum albumin",  # i18n: not shown
            "albumin [mass/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("61151-7", "61152-5", "54347-0"),
        refused=(
            (
                "umol/L",
                N_(
                    "an albumin in µmol/L is not converted: its molar mass is not verified "
                    "(domain.md §2.8.2); type it in g/L or g/dL"
                ),
            ),
        ),
        source=(
            "domain.md §2.8.2: 1751-7, 61151-7, 61152-5, 54347-0 ✅ (GHP; ULO; GECCO); "
            "g/dL × 10 = g/L ✅; µmol/L not converted ❌"  # i18n: not shown
        ),
    ),
    Analyte(
        "creatinine",
        N_("Creatinine"),
        N_("Creat"),
        "2160-0",
        "umol/L",
        (
            Unit("mg/dL", 88.40, ("mg/100mL",)),
            Unit("µmol/L", 1.0, ("umol/L", "µM", "uM")),
            Unit("mmol/L", 1000.0, ()),
        ),
        (0.0, 5000.0),
        (
            "creatinine, serum",  # i18n: not shown
            "serum creatinine",  # i18n: not shown
            "crea",
            "creatinine [mass/volume] in serum or plasma",  # i18n: not shown
            "creatinine [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("14682-9",),
        source=(
            "domain.md §2.8.3: 2160-0, 14682-9 ✅ (ULO; GECCO; ARUP; GHP; UCSF); "
            "mg/dL × 88.40 = µmol/L, mmol/L × 1000 ✅"  # i18n: not shown
        ),
    ),
    Analyte(
        "potassium",
        N_("Potassium"),
        N_("K"),
        "2823-3",
        "mmol/L",
        _MONOVALENT_UNITS,
        (0.0, 30.0),
        (
            "k+",
            "potassium, serum",  # i18n: not shown
            "serum potassium",  # i18n: not shown
            "kalium",
            "potassium [moles/volume] in serum or plasma",  # i18n: not shown
            "potassium [moles/volume] in blood",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("6298-4",),
        source=(
            "domain.md §2.8.3: 2823-3, 6298-4 ✅ (GHP; ULO); "  # i18n: not shown
            "mEq/L = mmol/L (K⁺, one charge) ✅"
        ),
    ),
    Analyte(
        "sodium",
        N_("Sodium"),
        N_("Na"),
        "2951-2",
        "mmol/L",
        _MONOVALENT_UNITS,
        (50.0, 250.0),
        (
            "na+",
            "sodium, serum",  # i18n: not shown
            "serum sodium",  # i18n: not shown
            "natrium",
            "sodium [moles/volume] in serum or plasma",  # i18n: not shown
            "sodium [moles/volume] in blood",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("2947-0",),
        source=(
            "domain.md §2.8.3: 2951-2, 2947-0 ✅ (GHP; ULO); "  # i18n: not shown
            "mEq/L = mmol/L ✅"
        ),
    ),
    Analyte(
        "fibrinogen",
        N_("Fibrinogen"),
        N_("Fib"),
        "3255-7",
        "g/L",
        (Unit("mg/dL", 0.01, ("mg/100mL",)), Unit("g/L", 1.0, ())),
        (0.0, 20.0),
        (
            "fibrinogen (clauss)",  # i18n: not shown
            "fibrinogen [mass/volume] in platelet poor "  # i18n: not shown
            "plasma by coagulation assay",
        ),
        group=N_("Chemistry"),
        other_loinc=("3256-5", "48664-7"),
        source=(
            "domain.md §2.8.4: 3255-7, 3256-5, 48664-7 ✅ (ULO; GECCO), one code per method; "
            "mg/dL × 0.01 = g/L ✅"  # i18n: not shown
        ),
    ),
    Analyte(
        "ferritin",
        N_("Ferritin"),
        N_("Ferritin"),
        "2276-4",
        "ug/L",
        (Unit("ng/mL", 1.0, ("ng/ml",)), Unit("µg/L", 1.0, ("ug/L", "mcg/L"))),
        (0.0, 500000.0),
        (
            "ferritin, serum",  # i18n: not shown
            "serum ferritin",  # i18n: not shown
            "ferritin [mass/volume] in serum or plasma",  # i18n: not shown
            "ferritin [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("14723-1",),
        refused=(
            (
                "pmol/L",
                N_(
                    "a ferritin in pmol/L is not converted: ferritin has no single molar mass "
                    "(domain.md §2.8.5); type it in ng/mL or µg/L"
                ),
            ),
        ),
        source=(
            "domain.md §2.8.5: 2276-4, 14723-1 ✅ (ULO; GECCO); ng/mL = µg/L ✅; "
            "pmol/L not converted ⚠️"  # i18n: not shown
        ),
    ),
    Analyte(
        "triglycerides",
        N_("Triglycerides"),
        N_("TG"),
        "2571-8",
        "mg/dL",
        (Unit("mg/dL", 1.0, ("mg/100mL",)),),
        (0.0, 30000.0),
        (
            "triglyceride",
            "trig",
            "trigs",
            "triglyceride [mass/volume] in serum or plasma",  # i18n: not shown
            "triglyceride [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        refused=(
            (
                "mmol/L",
                N_(
                    "triglycerides in mmol/L are not converted: the factor between mg/dL and "
                    "mmol/L has no verified source (domain.md §2.8); type a result printed in "
                    "mg/dL, or keep this one in the note"
                ),
            ),
        ),
        source=(
            "domain.md §2.8.7: 2571-8 ✅ (ULO; HL7 LT); mmol/L (14927-8) not converted: the "
            "triolein convention is not verified (domain.md §2.8, do not ship 5)"  # i18n: not shown
        ),
    ),
    Analyte(
        "amylase",
        N_("Amylase"),
        N_("Amylase"),
        "1798-8",
        "U/L",
        _ENZYME_UNITS,
        (0.0, 50000.0),
        (
            "amylase, serum",  # i18n: not shown
            "amylase [enzymatic activity/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        source=(
            "domain.md §2.8.7: 1798-8 ✅ (ULO; UCUM); "  # i18n: not shown
            "U/L = 1/60 µkat/L ✅; " + _IU_NOTE
        ),
    ),
    Analyte(
        "lipase",
        N_("Lipase"),
        N_("Lipase"),
        "3040-3",
        "U/L",
        _ENZYME_UNITS,
        (0.0, 50000.0),
        (
            "lipase, serum",  # i18n: not shown
            "lipase [enzymatic activity/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        source=(
            "domain.md §2.8.7: 3040-3 ✅ (ULO; UCUM); U/L = 1/60 µkat/L ✅; compare results "
            "within one lab; " + _IU_NOTE  # i18n: not shown
        ),
    ),
    Analyte(
        "glucose",
        N_("Glucose"),
        N_("Glu"),
        "2345-7",
        "mmol/L",
        (Unit("mg/dL", 0.05551, ("mg/100mL",)), Unit("mmol/L", 1.0, ())),
        (0.0, 250.0),
        (
            "glucose, serum",  # i18n: not shown
            "blood glucose",  # i18n: not shown
            "blood sugar",  # i18n: not shown
            "glucose [mass/volume] in serum or plasma",  # i18n: not shown
            "glucose [moles/volume] in serum or plasma",  # i18n: not shown
            "glucose [mass/volume] in capillary blood by glucometer",  # i18n: not shown
        ),
        group=N_("Chemistry"),
        other_loinc=("14749-6", "2339-0", "41653-7", "15074-8"),
        source=(
            "domain.md §2.8.7: 2345-7, 14749-6, 2339-0, 41653-7 ✅ (ULO; GHP), 15074-8 ⚠️; "
            "mg/dL × 0.05551 = mmol/L ✅ (M = 180.16 g/mol)"  # i18n: not shown
        ),
    ),
    # ------------------------------------------------------------------ drug levels
    Analyte(
        "mtx",
        N_("Methotrexate level"),
        N_("MTX"),
        "14836-1",
        "umol/L",
        (
            Unit("µmol/L", 1.0, ("umol/L", "µM", "uM", "micromol/L")),
            Unit("mg/L", MTX_UMOL_PER_MG_L, ("µg/mL", "ug/mL", "mcg/mL")),
        ),
        (0.0, 10000.0),
        (
            "methotrexate",
            "methotrexate level",  # i18n: not shown
            "methotrexate, serum",  # i18n: not shown
            "mtx level",  # i18n: not shown
            "methotrexate [moles/volume] in serum or plasma",  # i18n: not shown
        ),
        group=N_("Drug levels"),
        timed=True,
        refused=(
            (
                "mmol/L",
                N_(
                    "methotrexate levels are reported in µmol/L, and a level in mmol/L is a "
                    "known misprint (domain.md §2.8.8); check the unit on the report and type "
                    "it in µmol/L"
                ),
            ),
        ),
        source=(
            "domain.md §2.8.8: 14836-1 ✅ (ARUP; Mayo; ULO); µmol/L ✅; mg/L × 2.2005 = µmol/L ✅ "
            "(M = 454.44 g/mol). No flags: thresholds are protocol-specific"  # i18n: not shown
        ),
    ),
)

BY_CODE: dict[str, Analyte] = {a.code: a for a in ANALYTES}
CODES: tuple[str, ...] = tuple(a.code for a in ANALYTES)
# The groups of the catalogue, in the order the count form and the tables show them.
GROUPS: tuple[str, ...] = (
    N_("Blood count"),
    N_("Differential"),
    N_("Chemistry"),
    N_("Drug levels"),
)
# The counts a team gives a number for (transfusion trigger, next block): the blood count of
# record format 2, the values ``team_threshold.analyte``'s CHECK lists.
THRESHOLD_CODES: tuple[str, ...] = (
    "wbc",
    "anc",
    "neut_pct",
    "band_pct",
    "lymph",
    "mono",
    "blast_pct",
    "hgb",
    "hct",
    "plt",
    "rbc",
)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


@functools.lru_cache(maxsize=4096)
def _unit_of(a: Analyte, text: str) -> Unit | None:
    key = unit_key(text)
    for unit in a.units:
        if key == unit_key(unit.label) or key in (unit_key(s) for s in unit.spellings):
            return unit
    return None


@functools.lru_cache(maxsize=4096)
def unit_key(text: str) -> str:
    """A comparison key for a unit spelling: case, spaces, µ/u/mc, ×/x/*, ^ and superscripts,
    and UCUM's annotations in braces (``{cells}/uL`` is ``cells/uL``)."""
    s = text.strip().translate(_SUPERSCRIPTS).lower()
    s = re.sub(r"\{([^{}]*)\}", r"\1", s)
    s = s.replace(" ", "").replace("μ", "u").replace("µ", "u").replace("mcl", "ul")
    s = s.replace("³", "3")
    s = s.replace("×", "x").replace("*", "^")
    s = re.sub(r"10e(\d+)", r"10^\1", s)
    s = re.sub(
        r"10(\d+)",
        lambda m: "10^" + m.group(1) if m.group(1) in {"3", "6", "9", "12"} else m.group(0),
        s,
    )
    if s.startswith("x10"):
        s = s[1:]
    return s


_SOURCE_REFERENCE = re.compile(r"(?:domain\.md(?:'s)?\s*)?(?:[/,]?\s*§[\d.]+)+\s*:?\s*")
_STATUS_MARKS = re.compile(r"\s*[✅⚠❌]\ufe0f?")


def for_people(source: str) -> str:
    """An analyte's source note as a family reads it: without the developers' reference file
    (domain.md §…) and its status marks (✅ ⚠️ ❌, which many fonts draw as empty boxes)."""
    text = _SOURCE_REFERENCE.sub("", source).replace(", do not ship 5", "")  # i18n: not shown
    text = _STATUS_MARKS.sub("", text).replace("()", "")
    text = re.sub(r"\s+([;,.)])", r"\1", re.sub(r"\s{2,}", " ", text))
    return text.strip(" ;,:")


def analyte(code: str) -> Analyte:
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"unknown analyte code {code!r}") from None  # i18n: not shown


def find_analyte(name: str) -> Analyte | None:
    """Look an analyte up by code, abbreviation, display name or a lab's spelling."""
    key = name.strip().lower()
    for a in ANALYTES:
        if key in (a.code, a.english_short.lower(), a.english_name.lower(), *a.aliases):
            return a
    return None


_NUMBER = re.compile(r"^\s*([<>]?)\s*(\d+)(?:([.,])(\d+))?\s*$")


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    value: float
    comparator: Comparator


def parse_number(text: str) -> ParsedNumber:
    """Parse a value as typed: ASCII digits, one decimal point or comma, optional < or >.

    Refuses what ``float()`` would let through (``nan``, ``1e3``, ``1_000``,
    non-ASCII digits) and a comma followed by exactly three digits, which could
    be a thousands separator ("1,200") or a decimal comma.
    """
    m = _NUMBER.match(text)
    if not m and text.strip()[:1] in ("-", "−") and _NUMBER.match(text.strip()[1:]):
        raise ValueError(
            tr("“{text}” is negative; a count or measurement cannot be below 0").format(
                text=text.strip()
            )
        )
    if not m or not text.isascii():
        raise ValueError(
            tr(
                "“{text}” is not a number; write digits with an optional decimal point, "
                "for example 1.2 or 850"
            ).format(text=text.strip())
        )
    sign, whole, sep, frac = m.groups()
    if sep == "," and frac is not None and len(frac) == 3:
        raise ValueError(
            tr(
                "“{text}” is ambiguous: write {whole} if you meant a whole number "
                "or {decimal} for a decimal"
            ).format(text=text.strip(), whole=f"{whole}{frac}", decimal=f"{whole}.{frac}")
        )
    value = float(f"{whole}.{frac}" if frac is not None else whole)
    if not math.isfinite(value):  # hundreds of digits overflow to inf
        raise ValueError(
            tr("“{text}…” is far too large to be a result").format(text=text.strip()[:20])
        )
    return ParsedNumber(value, Comparator(sign))


def format_number(value: float, digits: int = 3) -> str:
    """Print a number with at most ``digits`` significant decimals and no trailing zeros."""
    if value == 0:
        return "0"
    text = f"{value:.{max(0, digits)}f}" if abs(value) >= 1 else f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.6f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def to_canonical(code: str, value: float, unit_text: str) -> float:
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        raise ValueError(unknown_unit_message(a, unit_text))
    return value * unit.factor


def from_canonical(code: str, canonical_value: float, unit_text: str) -> float:
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        raise ValueError(unknown_unit_message(a, unit_text))
    return canonical_value / unit.factor


def unknown_unit_message(a: Analyte, unit_text: str) -> str:
    accepted = ", ".join(u.label for u in a.units)
    key = unit_key(unit_text)
    for spelling, reason in a.refused:
        if key == unit_key(spelling):
            return tr("{name} in {unit} (a unit not converted here): {reason}").format(
                name=a.name, unit=unit_text.strip(), reason=for_people(tr(reason))
            )
    if not unit_text.strip():
        return tr("{name}: choose a unit ({units})").format(name=a.name, units=accepted)
    if any(other.unit(unit_text) is not None for other in ANALYTES):  # real, but not this test's
        labels = [u.label for u in a.units]
        kept = (
            tr("{units} or {last}").format(units=", ".join(labels[:-1]), last=labels[-1])
            if len(labels) > 1
            else labels[0]
        )
        return tr(
            "{name}: the unit “{unit}” is not one {short} is kept in ({short} is kept in {kept})"
        ).format(name=a.name, unit=unit_text.strip(), short=a.short, kept=kept)
    return tr("{name}: the unit “{unit}” is not one we know; use one of {units}").format(
        name=a.name, unit=unit_text.strip(), units=accepted
    )


# The smallest count a lab reports other than 0 (in the canonical unit): below it a number
# is a unit slip ("269" platelets typed with /µL is 0.269 ×10⁹/L), not a result.  Input
# checks, not clinical limits.
SMALLEST_NONZERO: dict[str, float] = {
    "wbc": 0.001,  # 1/µL: below 10/µL the family is asked (VERY_LOW_INPUT_CHECK)
    "anc": 0.001,
    "lymph": 0.001,
    "mono": 0.001,
    "plt": 1.0,  # platelets are printed in whole ×10⁹/L (1,000/µL)
}


# Typing-slip checks, not clinical ranges (in the canonical unit): a value below one is
# possible but rare enough to be worth a second look, so the form asks "is it right?"
# (Save as typed, or look again) and a lab CSV row is imported and listed with a note.  A
# lab's printed range never starts below one (a range is of ordinary values).  Never shown
# as a clinical fact.
VERY_LOW_INPUT_CHECK: dict[str, float] = {
    "hgb": 50.0,  # 5 g/dL, 3.1 mmol/L
    # 10/µL: a white count typed with /µL that was meant in ×10⁹/L ("5" for 5,000/µL), or
    # the other way, is asked about with its unit, never swapped (domain.md §2.2, 1.2 vs 1200)
    "wbc": 0.01,
    "anc": 0.01,
    "lymph": 0.01,
    "mono": 0.01,
}


def very_low(code: str, canonical: float) -> bool:
    """Whether a possible value is below the typing-slip check of ``code`` (asked about)."""
    return 0 < canonical < VERY_LOW_INPUT_CHECK.get(code, 0.0)


def possible(code: str, canonical: float) -> bool:
    """Whether a number in the canonical unit can be a result of ``code``: within the
    catalogue's plausible values, and 0 or at least the smallest a lab reports."""
    low, high = analyte(code).plausible
    smallest = SMALLEST_NONZERO.get(code, 0.0)
    return low <= canonical <= high and (canonical == 0 or canonical >= smallest)


def plausibility_problem(code: str, value: float, unit_text: str) -> str | None:
    """A plain message when a value cannot be right in this unit, naming the likely unit."""
    a = analyte(code)
    unit = a.unit(unit_text)
    if unit is None:
        return unknown_unit_message(a, unit_text)
    low, high = a.plausible
    smallest = SMALLEST_NONZERO.get(code, 0.0)

    if possible(code, value * unit.factor):
        return None
    lo_u, hi_u = max(low, smallest) / unit.factor, high / unit.factor
    between = (
        tr(
            "{name} of {value} {unit} is not possible; in {unit} it is 0, "
            "or between {low} and {high}"
        )
        if smallest and low == 0
        else tr(
            "{name} of {value} {unit} is not possible; in {unit} it is between {low} and {high}"
        )
    )
    message = between.format(
        name=a.name,
        value=format_number(value),
        unit=unit.label,
        low=format_number(lo_u),
        high=format_number(hi_u),
    )
    likely = [u.label for u in a.units if u is not unit and possible(code, value * u.factor)]
    if likely:
        units = (
            likely[0]
            if len(likely) == 1
            else tr("{units} or {last}").format(units=", ".join(likely[:-1]), last=likely[-1])
        )
        message = tr("{message}. Did you mean {units}?").format(message=message, units=units)
    return message
