"""How long work says how far it has come, and hears that it should stop.

Work that can take long (a backup, a check, an export, an import, a long printout) takes a
``progress`` callable and calls it now and then as ``progress(done, total)`` (``total`` 0
when not known).  The caller's progress may raise :class:`Cancelled` from that call when
the family pressed Cancel: the work then stops where it is, and whatever it was writing is
left as its own rules say (a save is all or nothing; a file being written is removed).
Pure Python: the Qt side (``ui/background.py``) runs such work off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable


class Cancelled(Exception):
    """The family asked the work to stop; nothing it had not finished was kept."""


Progress = Callable[[int, int], None]
"""``progress(done, total)``; may raise :class:`Cancelled`."""


def no_progress(done: int, total: int) -> None:
    """The progress of work nobody watches: never cancels."""


def part_of(progress: Progress, start: int, size: int, total: int) -> Progress:
    """A progress for one part of a larger piece of work: its ``done`` of ``of`` maps onto
    ``start`` … ``start + size`` of ``total``."""

    def report(done: int, of: int) -> None:
        share = size * done // of if of > 0 else 0
        progress(start + min(share, size), total)

    return report
