"""The absolute neutrophil count, reported by the lab or worked out from the differential.

domain.md §2.2: ANC (×10⁹/L) = WBC (×10⁹/L) × (segmented % + band %) / 100.  When
only a total neutrophil % is given it is commonly said to include bands (no
primary source), so the ANC is then WBC × total % / 100, labelled as calculated
from total neutrophil %.  The basis (which inputs were used) goes with the number
wherever it is shown; a calculated ANC is never shown as if the lab had reported it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.analytes import COUNT_CANONICAL, format_number
from tracker.i18n import N_, tr
from tracker.model import Comparator, CountResult, CountValue

DISAGREEMENT = 0.10  # more than 10 % apart: show both and say so
SEGS_BASIS = N_("WBC × (segmented neutrophils % + bands %) ÷ 100")
TOTAL_BASIS = N_("WBC × total neutrophils % ÷ 100")
_NO_BANDS = N_("WBC × segmented neutrophils % ÷ 100 (no bands given)")
_TOTAL_NOT_USED = N_("total neutrophil % also given, not used")
_BANDS_NOT_ADDED = N_("bands % given but not added (a total % is commonly said to include bands)")


def basis_words(basis: str) -> str:
    """A basis (kept in English, its parts joined by "; ") in the current language."""
    return "; ".join(tr(part) for part in basis.split("; "))


@dataclass(frozen=True, slots=True)
class CalculatedAnc:
    value: float  # ×10⁹/L
    basis: str  # how it was worked out, in words
    # From a total % with bands given: the ANC were the bands added.  A lab's ANC that
    # matches either reading is not called different (whether a total % includes bands has
    # no primary source, domain.md §2.2).
    with_bands: float | None = None

    @property
    def label(self) -> str:
        if self.basis.startswith(TOTAL_BASIS):
            return tr("calculated from total neutrophil %: {basis}").format(
                basis=basis_words(self.basis)
            )
        return tr("calculated: {basis}").format(basis=basis_words(self.basis))


@dataclass(frozen=True, slots=True)
class AncView:
    """What to show for a result's ANC."""

    reported: float | None  # ×10⁹/L, as the lab gave it
    calculated: CalculatedAnc | None
    disagrees: bool  # both exist and differ by more than 10 % (a "<0.1" as a bound)
    comparator: Comparator = Comparator.EQUAL  # the lab's "<" or ">"

    @property
    def value(self) -> float | None:
        """The lab's number when there is one, else the calculated one."""
        if self.reported is not None:
            return self.reported
        return self.calculated.value if self.calculated else None

    @property
    def is_calculated(self) -> bool:
        return self.reported is None and self.calculated is not None

    @property
    def note(self) -> str:
        if self.disagrees and self.calculated is not None and self.reported is not None:
            return tr(
                "The lab's ANC ({reported} ×10⁹/L) and the one worked out from the white count "
                "and differential ({calculated} ×10⁹/L) differ by more than 10%; both are "
                "shown. The worked-out ANC is {how}."
            ).format(
                reported=f"{self.comparator.value}{format_number(self.reported)}",
                calculated=format_number(self.calculated.value, 2),
                how=self.calculated.label,
            )
        if self.reported is not None and self.calculated is not None:
            return tr("Worked out from the differential: ANC {how}.").format(
                how=self.calculated.label
            )
        if self.is_calculated and self.calculated is not None:
            return tr("ANC {how} (not reported by the lab).").format(how=self.calculated.label)
        return ""


def calculate_anc(result: CountResult) -> CalculatedAnc | None:
    """ANC from the white count and the differential (domain.md §2.2), or None.

    * segmented % given: WBC × (segs % + bands %) / 100 (bands 0 when not given), also
      when a total neutrophil % is given beside it (the basis says so);
    * only a total neutrophil %: WBC × total % / 100, bands not added (a total % is
      commonly said to include them, with no primary source: §2.2 ❌), labelled as
      calculated from total neutrophil %.

    Values printed with "<" or ">" are not exact, so nothing is calculated from them.
    """
    wbc = result.value("wbc")
    segs = result.value("seg_pct")
    total = result.value("neut_pct")
    neut = segs if segs is not None else total
    if wbc is None or neut is None:
        return None
    bands = result.value("band_pct")
    inputs = [v for v in (wbc, neut, bands) if v is not None]
    if any(v.comparator is not Comparator.EQUAL for v in inputs):
        return None
    band_pct = bands.normalised_value if bands is not None else 0.0
    if segs is not None:
        value = wbc.normalised_value * (segs.normalised_value + band_pct) / 100.0
        basis = SEGS_BASIS if bands is not None else _NO_BANDS
        if total is not None:
            basis += "; " + _TOTAL_NOT_USED
        return CalculatedAnc(value, basis)
    value = wbc.normalised_value * neut.normalised_value / 100.0
    if bands is None:
        return CalculatedAnc(value, TOTAL_BASIS)
    with_bands = wbc.normalised_value * (neut.normalised_value + band_pct) / 100.0
    return CalculatedAnc(
        value,
        f"{TOTAL_BASIS}; {_BANDS_NOT_ADDED}",
        with_bands,
    )


def _disagree(reported: float, comparator: Comparator, calculated: float) -> bool:
    """More than 10 % apart; a lab's "<0.1" agrees with anything below 0.1 (or within 10 %
    above it), a ">5" with anything above 5."""
    tolerance = DISAGREEMENT * reported
    if comparator is Comparator.LESS:
        return calculated - reported > tolerance
    if comparator is Comparator.GREATER:
        return reported - calculated > tolerance
    return abs(reported - calculated) > tolerance


def anc_view(result: CountResult) -> AncView:
    reported_value = result.value("anc")
    reported = reported_value.normalised_value if reported_value is not None else None
    comparator = reported_value.comparator if reported_value is not None else Comparator.EQUAL
    calculated = calculate_anc(result)
    disagrees = False
    if reported is not None and calculated is not None:
        disagrees = _disagree(reported, comparator, calculated.value)
        if disagrees and calculated.with_bands is not None:
            disagrees = _disagree(reported, comparator, calculated.with_bands)
    return AncView(reported, calculated, disagrees, comparator)


def calculated_value(result: CountResult) -> CountValue | None:
    """The worked-out ANC as a value an assessor takes (``tracker.assessment``), or None.

    None when the lab reported an ANC (a reported ANC is never replaced or second-guessed)
    or when nothing can be worked out.  The number is the one shown (two significant
    figures below 1 ×10⁹/L, two decimals above), so the flag, category and grade are those
    of the number the family reads.  It has no lab range: a range printed beside the WBC or
    a percentage belongs to that value, so the ANC is judged as a reported ANC without a
    range of its own would be.
    """
    if result.value("anc") is not None:
        return None
    calc = calculate_anc(result)
    if calc is None:
        return None
    text = format_number(calc.value, 2)
    number = float(text)
    return CountValue("anc", text, COUNT_CANONICAL, number, number, COUNT_CANONICAL)
