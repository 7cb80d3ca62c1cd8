"""Which of a child's phase entries each phase of a roadmap stands for, when the roadmap
is applied to a child who has phases already (entered by hand before any roadmap).

Both lists are in chain order: the template's phases in the arm's order, the child's by
their start (real, else planned).  A template phase links to a phase entry of the same
kind, or of the same name once words such as "cycle" and "protocol" and anything in
brackets are left out ("Blinatumomab, cycle 1" and a family's "Blinatumomab 1" entered as a
consolidation); the links keep both orders (a later template phase never links to an
earlier entry) and, among the ways to do that, the one with the most links and the most
matching names and kinds wins.  A phase linked this way is not created again: its real
dates are facts of the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from tracker.model import Phase
from tracker.roadmap.template import PhasePlan

# Words that say what sort of step a name is, not which one: "Blinatumomab, cycle 1" and
# "Blinatumomab 1" name the same course.
_FILLER = frozenset({"cycle", "course", "block", "protocol", "phase", "the", "of"})
_KIND, _NAME = 2, 3  # a matching kind, a matching name; both: 5


def name_words(name: str) -> frozenset[str]:
    """The words that tell one phase from another: lower case, brackets and filler out."""
    bare = re.sub(r"\([^)]*\)", " ", name.lower())
    return frozenset(w for w in re.findall(r"[^\W_]+", bare) if w not in _FILLER)


def _score(p: PhasePlan, e: Phase) -> int:
    score = _KIND if p.kind is e.kind else 0
    words = name_words(p.name)
    if words and words == name_words(e.name):
        score += _NAME
    return score


def _order(e: Phase) -> tuple[dt.date, int]:
    return (e.start or dt.date.max, e.id or 0)


def link_phases(chain: Sequence[PhasePlan], phases: Sequence[Phase]) -> dict[str, Phase]:
    """Template phase key → the child's phase entry it stands for (chain order kept)."""
    entries = sorted(phases, key=_order)
    n, m = len(chain), len(entries)
    # best[i][j]: the best (links, score) for chain[i:] and entries[j:]
    best = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            options = [best[i + 1][j], best[i][j + 1]]
            s = _score(chain[i], entries[j])
            if s:
                links, total = best[i + 1][j + 1]
                options.append((links + 1, total + s))
            best[i][j] = max(options)
    linked: dict[str, Phase] = {}
    i = j = 0
    while i < n and j < m:
        s = _score(chain[i], entries[j])
        if s and best[i][j] == (best[i + 1][j + 1][0] + 1, best[i + 1][j + 1][1] + s):
            linked[chain[i].key] = entries[j]
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return linked
