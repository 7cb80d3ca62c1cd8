"""The family's LP days replace the template's approximate ones (walkthrough finding 6): no
"end of induction (~day 33)" LP two days beside the family's "day 26"; typed as they were,
or left empty, the template's LPs stay."""

from __future__ import annotations

from dataclasses import replace

from tracker.roadmap.child import lp_days_text, with_lp_days
from tracker.roadmap.read import shipped_template
from tracker.roadmap.template import At


def _interfant_21(ind_days: int = 26):  # type: ignore[no-untyped-def]
    t = shipped_template("interfant-21")
    return replace(
        t,
        phases=tuple(replace(p, length_days=ind_days) if p.key == "ind" else p for p in t.phases),
    )


def test_typed_lp_days_replace_the_templates_end_of_induction_lp() -> None:
    t = _interfant_21()
    ind = t.phase("ind")
    assert ind is not None and ind.lps is not None and ind.lps[0].at is At.END
    edited = with_lp_days(t, "ind", "12, 26")
    lps = edited.phase("ind").lps  # type: ignore[union-attr]
    assert lps is not None and [(p.label, p.at, p.day) for p in lps] == [
        ("day 12", At.DAY, 12),
        ("day 26", At.DAY, 26),
    ]


def test_left_empty_or_as_they_were_the_templates_lps_stay() -> None:
    t = _interfant_21()
    assert with_lp_days(t, "ind", "") == t
    mt = with_lp_days(t, "mt", "1, 99")
    assert with_lp_days(mt, "mt", "1, 99") == mt
    assert lp_days_text(mt.phase("mt")) == "1, 99"  # type: ignore[arg-type]
