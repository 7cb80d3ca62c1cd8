"""A long list of problems, shortened for a screen or a terminal but counted in full.

A file with 100,000 bad rows must not print 100,000 lines (or fill a list widget
with them): the first :data:`SHOWN` are listed, then one line says how many more
there are.  Every problem is still counted in the summary.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tracker.i18n import tr

SHOWN = 200


def first_of(items: Sequence[object], shown: int = SHOWN) -> Iterator[str]:
    """The first ``shown`` items as text, then "… and 99,800 more like these" if any."""
    for item in items[:shown]:
        yield str(item)
    if len(items) > shown:
        yield more_line(len(items) - shown)


def more_line(n: int) -> str:
    return tr("… and {n:,} more like these (not listed one by one)").format(n=n)
