"""``treatment-tracker summary``: the printed summary to a PDF, offscreen, no window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from tracker import cli, i18n
from tracker.clock import Clock, system_clock
from tracker.dates import date_window, parse_date
from tracker.i18n import tr, trn
from tracker.store import Record, RecordError
from tracker.summary import SummaryError
from ui.language import page_language


def run_summary(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    clock: Clock = system_clock,
) -> int:
    """Exit 1 with one plain sentence (and no file written) on a bad date (or one outside
    the child's date window), a range that ends before it starts, an unknown child, a
    target that is one of the record's own files, a PDF that could not be written whole,
    or a record problem.  A range with nothing recorded in it prints, saying so."""
    out, err = out or sys.stdout, err or sys.stderr  # as they are now (pytest swaps them)
    app = _application()  # kept alive while the PDF is drawn
    _ = app
    from ui.printing.render import SummaryRequest, make_summary, write_pdf

    try:
        _refuse_folder(args.out)
        with Record.open(args.sub_db, read_only=True, clock=clock) as record:
            child = _child(record, args.child)
            assert child.id is not None
            window = date_window(record.today(), child.birth_date)
            start = parse_date(args.start, "--from", window) if args.start else None
            end = parse_date(args.end, "--to", window) if args.end else None
            request = SummaryRequest(
                child.id, start=start, end=end, redact=args.redact, paper=args.paper
            )
            nothing_new = make_summary(record, request).nothing_new  # the terminal: ISO
            with page_language(i18n.language()):  # the page: its language's dates
                pages = write_pdf(record, request, args.out)
    except (ValueError, RecordError, SummaryError) as exc:
        print(f"treatment-tracker: {exc}", file=err)
        return cli.EXIT_PROBLEM
    except OSError as exc:
        print(_could_not_write(args.out, exc), file=err)
        return cli.EXIT_PROBLEM
    written = trn(
        "Summary written to {file} ({n} page)", "Summary written to {file} ({n} pages)", pages
    ).format(file=args.out, n=pages)
    print(f"{written}. {nothing_new}" if nothing_new else written, file=out)
    return cli.EXIT_OK


def run_card(
    args: argparse.Namespace,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    clock: Clock = system_clock,
) -> int:
    """``treatment-tracker card``: the fever card to a one-page PDF.  Exit 1 with one plain
    sentence (and no file written) for an unknown child, a target that is one of the
    record's own files or a folder, a card too long to print readably (CardDoesNotFit, a
    ValueError: it names the long parts), a PDF that could not be written whole, or a
    record problem."""
    out, err = out or sys.stdout, err or sys.stderr  # as they are now (pytest swaps them)
    app = _application()  # kept alive while the PDF is drawn
    _ = app
    from ui.printing.card import SIZE_LABELS, CardRequest, write_card_pdf

    try:
        _refuse_folder(args.out)
        with Record.open(args.sub_db, read_only=True, clock=clock) as record:
            child = _child(
                record,
                args.child,
                tr("The record has no child yet; there is nothing to put on a card."),
            )
            assert child.id is not None
            with page_language(i18n.language()):  # the card: its language's dates
                scale = write_card_pdf(record, CardRequest(child.id, args.size), args.out)
    except (ValueError, RecordError) as exc:
        print(f"treatment-tracker: {exc}", file=err)
        return cli.EXIT_PROBLEM
    except OSError as exc:
        print(_could_not_write(args.out, exc), file=err)
        return cli.EXIT_PROBLEM
    size = tr(SIZE_LABELS[args.size])
    if scale < 1:
        written = tr("Fever card written to {file} (1 page, {size}, shrunk to {percent} to fit).")
    else:
        written = tr("Fever card written to {file} (1 page, {size}).")
    print(written.format(file=args.out, size=size, percent=f"{scale:.0%}"), file=out)
    return cli.EXIT_OK


def _application():  # type: ignore[no-untyped-def]
    """The QApplication a PDF is drawn with (offscreen unless a platform is set)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def _could_not_write(out: Path, exc: OSError) -> str:
    return tr("treatment-tracker: could not write {file}: {reason}").format(
        file=out, reason=exc.strerror
    )


def _refuse_folder(out: Path) -> None:
    if out.is_dir():
        raise RecordError(
            tr("{folder} is a folder; give a file name for the PDF.").format(folder=out)
        )


def _child(record: Record, name: str | None, no_child: str = ""):  # type: ignore[no-untyped-def]
    children = record.children()
    if not children:
        raise RecordError(
            no_child or tr("The record has no child yet; there is nothing to summarise.")
        )
    if name is None:
        if len(children) == 1:
            return children[0]
        names = ", ".join(c.name for c in children)
        raise RecordError(
            tr("The record holds several children ({names}); choose one with --child NAME.").format(
                names=names
            )
        )
    for c in children:
        if c.name.casefold() == name.strip().casefold():
            return c
    names = ", ".join(c.name for c in children)
    raise RecordError(
        tr("There is no child called {name} in the record; its children are: {names}.").format(
            name=repr(name), names=names
        )
    )
