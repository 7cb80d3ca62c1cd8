"""The public command line (design.md §3): parsing, and the subcommands that need no display.

Exit status: 0 success, 1 a problem with the input or the record (one plain
sentence on stderr, nothing changed), 2 bad usage (argparse's own).
``ui.app.main`` is the console script: it runs these subcommands without
importing Qt, and starts the window otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from tracker import i18n
from tracker.clock import Clock, system_clock
from tracker.i18n import N_, tr, trn
from tracker.i18n.formats import date_text, date_time_text
from tracker.model import Child
from tracker.store import Record, RecordError
from tracker.store.targets import check_write_target

GUI_VIEWS = (
    "timeline",
    "phases",
    "counts",
    "cns",
    "agenda",
    "fevers",
    "today",
    "medicines",
    "hospital",
    "plan",
)
"""The window's tabs, in order (ui.main_window.VIEW_NAMES is this tuple): `--view NAME`."""

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def use_system_language(environ: Mapping[str, str] | None = None) -> None:
    """Speak the system's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) at the terminal,
    unless a language was already chosen: the command line runs before any window, so
    this is the first choice in its process.  Called by :func:`build_parser` (its help is
    made there), :func:`run` and :func:`main`."""
    if i18n.language() == i18n.SOURCE_LANGUAGE:
        i18n.set_language(i18n.system_language(os.environ if environ is None else environ))


class _FileName(argparse.Action):
    """A file the command writes, named by the family (``-o plan.ics``, an export's OUT):
    a name that is empty or only spaces is bad usage, said plainly ("-o needs a file name,
    e.g. plan.ics") instead of being read as the current folder.  ``example`` is the name
    shown; the value is a Path, or the text as typed with ``as_text`` (a backup's OUT,
    where "folder/" is not a file name)."""

    def __init__(self, *args: object, example: str, as_text: bool = False, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.example = example
        self.as_text = as_text

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        text = str(values)
        if not text.strip():
            parser.error(
                tr("{option} needs a file name, e.g. {example}").format(
                    option=option_string or self.metavar, example=self.example
                )
            )
        setattr(namespace, self.dest, text if self.as_text else Path(text))


SCREEN_SIDE_MIN = 320
SCREEN_SIDE_MAX = 7680
SCALE_MIN = 1.0
SCALE_MAX = 4.0
# Whole sentences with named places, translated where they are said.
SIZE_REFUSED = N_(
    "--size must look like 1024x600, two whole numbers of at least {least} and at most "
    "{most} (not “{typed}”)"
)
SCALE_REFUSED = N_(
    "--scale must be a number from {least} to {most}, e.g. 2 for 200 % (not “{typed}”)"
)


def screen_size(text: str) -> tuple[int, int] | None:
    """``"1024x600"`` as (1024, 600); None unless two whole numbers from SCREEN_SIDE_MIN to
    SCREEN_SIDE_MAX joined by an x (or ×)."""
    parts = text.strip().lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        return None
    width, height = (int(p) for p in parts)
    if not all(SCREEN_SIDE_MIN <= side <= SCREEN_SIDE_MAX for side in (width, height)):
        return None
    return width, height


def scale_factor(text: str) -> float | None:
    """``"2"`` or ``"1.5"`` as a float from SCALE_MIN to SCALE_MAX, else None."""
    try:
        value = float(text.strip().rstrip("%").strip())
    except ValueError:
        return None
    if text.strip().endswith("%"):
        value /= 100
    return value if SCALE_MIN <= value <= SCALE_MAX else None


class _CheckedValue(argparse.Action):
    """An option whose value is read by :meth:`read` (None: refused); a bad value is bad
    usage, said with what would be accepted (:meth:`refusal`)."""

    def read(self, text: str) -> object | None:
        raise NotImplementedError

    def refusal(self, typed: object) -> str:
        raise NotImplementedError

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        value = self.read(str(values))
        if value is None:
            parser.error(self.refusal(values))
        setattr(namespace, self.dest, value)


class _ScreenSize(_CheckedValue):
    """``--size WxH``."""

    def read(self, text: str) -> object | None:
        return screen_size(text)

    def refusal(self, typed: object) -> str:
        return tr(SIZE_REFUSED).format(least=SCREEN_SIDE_MIN, most=SCREEN_SIDE_MAX, typed=typed)


class _ScaleFactor(_CheckedValue):
    """``--scale F``."""

    def read(self, text: str) -> object | None:
        return scale_factor(text)

    def refusal(self, typed: object) -> str:
        return tr(SCALE_REFUSED).format(least=f"{SCALE_MIN:g}", most=f"{SCALE_MAX:g}", typed=typed)


def build_parser(environ: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    """The parser, its help in the system's language (``environ``: the environment, by
    default the process's)."""
    use_system_language(environ)
    parser = argparse.ArgumentParser(
        prog="treatment-tracker",
        description=tr(
            "A private record of a baby's leukemia treatment: phases, blood counts "
            "and lumbar punctures. With no command, opens the program."
        ),
    )
    parser.add_argument("--db", metavar="FILE", type=Path, help=tr("the record file to open"))
    parser.add_argument(
        "--demo",
        action="store_true",
        help=tr("open a fresh temporary copy of the demo record (never your own file)"),
    )
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        action=_FileName,
        example="window.png",
        help=tr("render the main window to a PNG file and exit"),
    )
    parser.add_argument(
        "--size",
        dest="screen_size",
        metavar="WxH",
        action=_ScreenSize,
        default=None,
        help=tr(
            "with --screenshot: the window's size in logical pixels (default 1280x820 for "
            "the main window; the welcome its own size), on a screen of that size"
        ),
    )
    parser.add_argument(
        "--scale",
        dest="screen_scale",
        metavar="F",
        action=_ScaleFactor,
        default=None,
        help=tr(
            "with --screenshot: the screen's scale (device pixel ratio), e.g. 2 for 200 %%; "
            "the PNG is W*F x H*F pixels"
        ),
    )
    parser.add_argument(
        "--view",
        choices=GUI_VIEWS,
        default=None,
        help=tr("the view shown (or rendered with --screenshot)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("make-demo", help=tr("write the demo record to FILE"))
    demo.add_argument("file", metavar="FILE", action=_FileName, example="demo.sqlite")

    export = sub.add_parser("export", help=tr("export the whole record to a file"))
    export.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    export.add_argument(
        "--format",
        choices=("json", "csv", "fhir"),
        required=True,
        help=tr(
            "json: the whole record (docs/export-format.md); csv: the blood counts; fhir: "
            "one child's record as a FHIR R4 Bundle for hospital systems (docs/fhir.md)"
        ),
    )
    export.add_argument(
        "--child", metavar="NAME", help=tr("with --format fhir: the child (needed if several)")
    )
    export.add_argument(
        "--redact",
        action="store_true",
        help=tr(
            "with --format fhir: no name and no date of birth, and the name, date of birth "
            "and hospital taken out of every typed text, as on the redacted summary"
        ),
    )
    export.add_argument("out", metavar="OUT", action=_FileName, example="export.json")

    imp = sub.add_parser(
        "import-counts",
        help=tr("import blood counts from a laboratory's CSV file (docs/csv-format.md)"),
    )
    _import_options(
        imp,
        tr("whose counts they are (needed with several children)"),
        tr("import the other rows when some are wrong (each is still listed)"),
    )
    imp.add_argument(
        "--leave-out-bad-ranges",
        action="store_true",
        help=tr(
            "import a value whose printed range cannot be in its unit without that range "
            "(never flagged against it; each is listed with its line and the reason)"
        ),
    )
    order = imp.add_mutually_exclusive_group()
    order.add_argument(
        "--dayfirst",
        dest="dayfirst",
        action="store_const",
        const=True,
        default=None,
        help=tr("dates such as 03/04/2026 are day-first (3 April)"),
    )
    order.add_argument(
        "--monthfirst",
        dest="dayfirst",
        action="store_const",
        const=False,
        help=tr("dates such as 03/04/2026 are month-first (March 4)"),
    )
    imp.add_argument("csv", metavar="CSV", type=Path)

    fhir = sub.add_parser(
        "import-fhir",
        help=tr(
            "import lab results and vital signs from FHIR R4 JSON: a Bundle, a resource, or "
            "a folder of them such as Apple Health's clinical-records (docs/fhir.md)"
        ),
    )
    _import_options(
        fhir,
        tr("whose results they are (needed with several children)"),
        tr("import the other resources when some are wrong (each is still listed)"),
    )
    fhir.add_argument("path", metavar="PATH", type=Path)

    summary = sub.add_parser(
        "summary", help=tr("print the summary for an appointment to a PDF file (no window needed)")
    )
    summary.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    summary.add_argument("--child", metavar="NAME", help=tr("the child (needed if several)"))
    summary.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help=tr("first day, YYYY-MM-DD (default: since the last appointment)"),
    )
    summary.add_argument("--to", dest="end", metavar="DATE", help=tr("last day, YYYY-MM-DD"))
    summary.add_argument(
        "--redact",
        action="store_true",
        help=tr("initials instead of the child's name on every page"),
    )
    summary.add_argument("--paper", choices=("a4", "letter"), default="a4")
    summary.add_argument(
        "-o", dest="out", metavar="OUT.pdf", required=True, action=_FileName, example="summary.pdf"
    )

    calendar = sub.add_parser(
        "calendar",
        help=tr(
            "write the family's calendar (appointments, planned LPs, phase starts) to an .ics file"
        ),
    )
    calendar.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    calendar.add_argument("--child", metavar="NAME", help=tr("the child (needed if several)"))
    calendar.add_argument(
        "--redact",
        action="store_true",
        help=tr(
            "leave out the name, date of birth and hospital (initials instead), as on the "
            "redacted summary"
        ),
    )
    calendar.add_argument(
        "-o", dest="out", metavar="OUT.ics", required=True, action=_FileName, example="plan.ics"
    )

    card = sub.add_parser(
        "card",
        help=tr(
            "print the fever card (one page to keep in the bag) to a PDF file (no window needed)"
        ),
    )
    card.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    card.add_argument("--child", metavar="NAME", help=tr("the child (needed if several)"))
    card.add_argument(
        "--size",
        choices=("a4", "letter", "wallet"),
        default="a4",
        help=tr("A4, US Letter, or a wallet card (171.2 × 108 mm, folds in four to 85.6 × 54 mm)"),
    )
    card.add_argument(
        "-o", dest="out", metavar="OUT.pdf", required=True, action=_FileName, example="card.pdf"
    )

    check = sub.add_parser(
        "check",
        help=tr("check the record's integrity, links, format version and every entry's check mark"),
    )
    check.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)

    ij = sub.add_parser(
        "import-json",
        help=tr("load a JSON export (docs/export-format.md) into a new, empty record"),
    )
    ij.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    ij.add_argument("json", metavar="JSON", type=Path)

    backup = sub.add_parser(
        "backup",
        help=tr("write a checked copy of the record to OUT (works while the program is open)"),
    )
    backup.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    backup.add_argument(  # as typed: "folder/" is not a file name
        "out", metavar="OUT", action=_FileName, example="backup.sqlite", as_text=True
    )

    restore = sub.add_parser(
        "restore",
        help=tr("replace the record with a backup (the record as it was is backed up first)"),
    )
    restore.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    restore.add_argument("backup", metavar="BACKUP", type=Path)
    return parser


def run(
    args: argparse.Namespace,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    today: dt.date | None = None,
    clock: Clock | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run a subcommand; the caller has checked that ``args.command`` is set.

    Every date and time comes from ``clock`` (by default the system's; ``today`` is a
    shorthand for a clock fixed at noon UTC on that day).  Messages are in the language of
    ``environ`` (by default the process's environment) unless one was chosen before."""
    use_system_language(environ)
    clock = clock or _clock(today)
    try:
        if args.command == "make-demo":
            return _make_demo(args.file, clock(), out)
        if args.command == "export":
            if args.format == "fhir":
                return _export_fhir(args, out, clock)
            if args.child is not None or args.redact:
                raise RecordError(
                    tr(
                        "--child and --redact go with --format fhir; the JSON and CSV exports "
                        "hold the whole record."
                    )
                )
            return _export(args.sub_db, args.out, out, args.format, clock)
        if args.command == "import-counts":
            return _import_counts(args, out, err, clock)
        if args.command == "import-fhir":
            return _import_fhir(args, out, err, clock)
        if args.command in ("summary", "card"):
            raise AssertionError(f"the {args.command} needs Qt: ui.app runs it")  # i18n: not shown
        if args.command == "calendar":
            return _calendar(args, out, clock)
        if args.command == "check":
            return _check(args.sub_db, out, err, clock)
        if args.command == "import-json":
            return _import_json(args.sub_db, args.json, out, err, clock)
        if args.command == "backup":
            return _backup(args.sub_db, args.out, out, clock)
        if args.command == "restore":
            return _restore(args.sub_db, args.backup, out, clock)
    except RecordError as exc:
        print(f"treatment-tracker: {exc}", file=err)
        return EXIT_PROBLEM
    except OSError as exc:
        print(
            f"treatment-tracker: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=err
        )
        return EXIT_PROBLEM
    raise AssertionError(f"unknown command {args.command!r}")  # i18n: not shown


def _make_demo(path: Path, now: dt.datetime, out: TextIO) -> int:
    from tracker.demo import write_demo

    if path.exists() or path.is_symlink():
        raise RecordError(
            tr("{path} already exists; choose a new file name for the demo record.").format(
                path=path
            )
        )
    write_demo(path, now.date(), now=now)
    print(tr("Demo record written to {path}").format(path=path), file=out)
    return EXIT_OK


def _export(db: Path, target: Path, out: TextIO, fmt: str, clock: Clock) -> int:
    from tracker.io.csv_export import write_csv
    from tracker.io.json_export import write_json

    check_write_target(target, db, replaces=(f".{fmt}",))
    if target.is_dir():
        raise RecordError(
            tr("{path} is a folder; give a file name for the export.").format(path=target)
        )
    with Record.open(db, read_only=True, clock=clock) as record:
        if fmt == "csv":
            n = write_csv(record, target)
            print(
                trn(
                    "Exported {n} blood count value from {db} to {target}",
                    "Exported {n} blood count values from {db} to {target}",
                    n,
                ).format(n=n, db=db, target=target),
                file=out,
            )
            return EXIT_OK
        write_json(record, target, clock())
    print(tr("Exported {db} to {target}").format(db=db, target=target), file=out)
    return EXIT_OK


def _export_fhir(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    """One child's record (the only one, or --child's) as a FHIR R4 Bundle; an empty record
    gives a Bundle with no entries, as the other exports of it hold nothing."""
    from tracker.io.fhir_export import describe, write_fhir

    db, target = args.sub_db, args.out
    check_write_target(target, db, replaces=(".json",))
    if target.is_dir():
        raise RecordError(
            tr("{path} is a folder; give a file name for the export.").format(path=target)
        )
    with Record.open(db, read_only=True, clock=clock) as record:
        child = _choose_child(record, args.child) if record.children() else None
        counts = write_fhir(record, child, target, clock(), redact=args.redact)
    if child is None:
        said = tr("Exported no child from {db} to {target}: {contents}")
    elif args.redact:
        said = tr("Exported the child (redacted) from {db} to {target}: {contents}")
    else:
        said = tr("Exported {name} from {db} to {target}: {contents}")
    name = "" if child is None else child.name
    print(said.format(name=name, db=db, target=target, contents=describe(counts)), file=out)
    return EXIT_OK


def _import_options(parser: argparse.ArgumentParser, child_help: str, skip_help: str) -> None:
    """The options import-counts and import-fhir share (the help of --child and --skip-bad
    names what each imports)."""
    parser.add_argument("--db", dest="sub_db", metavar="FILE", type=Path, required=True)
    parser.add_argument("--child", metavar="NAME", help=child_help)
    parser.add_argument(
        "--dry-run", action="store_true", help=tr("show what would be imported; change nothing")
    )
    parser.add_argument(
        "--skip-bad",
        action="store_true",
        help=skip_help,
    )
    parser.add_argument(
        "--despite-mismatch",
        action="store_true",
        help=tr(
            "import although the file seems to be another child's (another name or date of "
            "birth, or results of several patients)"
        ),
    )


def _refused_as_another_childs(
    warning: str, path: Path, child: Child, args: argparse.Namespace, err: TextIO
) -> bool:
    """The window warns and asks before importing another child's file; a command cannot
    ask, so it refuses (True) until --despite-mismatch says so.  A dry run only warns."""
    if not warning:
        return False
    print(f"treatment-tracker: {path}: {warning}", file=err)
    if args.dry_run or args.despite_mismatch:
        return False
    print(
        tr(
            "treatment-tracker: nothing was imported. If it is {name}'s file, run again "
            "with --despite-mismatch."
        ).format(name=child.name),
        file=err,
    )
    return True


def _import_counts(args: argparse.Namespace, out: TextIO, err: TextIO, clock: Clock) -> int:
    """Bad rows are listed on stderr, one "line N: reason" each; the summary goes to stdout."""
    from tracker.io.csv_import import (
        UnreadableCsv,
        apply_import,
        file_identity,
        plan_import,
        read_csv,
        summary_lines,
    )
    from tracker.io.import_file import MAX_CSV_BYTES, read_import_file
    from tracker.io.listing import first_of

    path: Path = args.csv
    data = read_import_file(path, MAX_CSV_BYTES, tr("a lab's CSV export"))
    try:
        parsed = read_csv(
            data, dayfirst=args.dayfirst, leave_out_bad_ranges=args.leave_out_bad_ranges
        )
    except UnreadableCsv as exc:
        print(f"treatment-tracker: {path}: {exc}", file=err)
        return EXIT_PROBLEM
    if parsed.needs_date_order:
        print(
            tr(
                "treatment-tracker: {path}: {question} Run again with --dayfirst or --monthfirst."
            ).format(path=path, question=parsed.date_order_question()),
            file=err,
        )
        return EXIT_PROBLEM
    with Record.open(args.sub_db, read_only=args.dry_run, clock=clock) as record:
        for notice in record.notices:  # a journal not the record's own was set aside
            print(f"treatment-tracker: {notice}", file=err)
        child = _choose_child(record, args.child)
        source = tr("imported from {file}").format(file=path.name)
        plan = plan_import(parsed, record, child, source=source)
        # another child's file is said first: its bad rows do not matter if it is not theirs
        if _refused_as_another_childs(
            file_identity(data, parsed).mismatch(child), path, child, args, err
        ):
            return EXIT_PROBLEM
        for line in first_of(plan.problems):  # the first 200, then how many more
            print(line, file=err)
        if plan.problems and not args.skip_bad:
            if any(p.bad_range for p in plan.problems):
                said = tr(
                    "treatment-tracker: {n} bad row(s) in {path}; nothing was imported. "
                    "Correct them, or run again with --skip-bad to import the other rows (or "
                    "with --leave-out-bad-ranges to import the values whose range cannot be "
                    "used without it)."
                )
            else:
                said = tr(
                    "treatment-tracker: {n} bad row(s) in {path}; nothing was imported. "
                    "Correct them, or run again with --skip-bad to import the other rows."
                )
            print(said.format(n=len(plan.bad_lines), path=path), file=err)
            return EXIT_PROBLEM
        print(
            trn(
                "Read {path}: {contents}; {n} row.",
                "Read {path}: {contents}; {n} rows.",
                parsed.rows,
            ).format(path=path, contents=parsed.describe(), n=parsed.rows),
            file=out,
        )
        if args.dry_run:
            print(tr("Dry run: nothing was written."), file=out)
        else:
            apply_import(plan, record, skip_bad=args.skip_bad)
        for line in summary_lines(plan, applied=not args.dry_run):
            print(line, file=out)
    return EXIT_OK


def _import_fhir(args: argparse.Namespace, out: TextIO, err: TextIO, clock: Clock) -> int:
    """As import-counts: each problem on stderr, named by its resource and file; the
    summary on stdout; nothing written while a resource is wrong unless --skip-bad."""
    from tracker.io.fhir_import import (
        apply_fhir,
        apply_with_new_child,
        plan_fhir,
        read_fhir,
        summary_of,
    )
    from tracker.io.listing import first_of

    path: Path = args.path
    fhir = read_fhir(path)  # UnreadableFhir / ImportFileError: one sentence, exit 1
    with Record.open(args.sub_db, read_only=args.dry_run, clock=clock) as record:
        for notice in record.notices:
            print(f"treatment-tracker: {notice}", file=err)
        new_child = None
        if not record.children() and args.child is None:
            new_child = fhir.patient_child
            if new_child is None:
                raise RecordError(
                    tr(
                        "The record has no child yet and the file's Patient cannot be that "
                        "child: {reason}; add the child in the program first."
                    ).format(reason=fhir.no_patient_child or tr("it has no date of birth"))
                )
            child = replace(new_child, id=0)  # planned against an empty record
        else:
            child = _choose_child(record, args.child)
        source = tr("imported from {file}").format(file=path.name)
        fplan = plan_fhir(fhir, record, child, source=source)
        plan = fplan.plan
        warning = fhir.identity.mismatch(child) if fhir.identity and not new_child else ""
        if _refused_as_another_childs(warning, path, child, args, err):  # said first
            return EXIT_PROBLEM
        for line in first_of(plan.problems):
            print(line, file=err)
        if plan.problems and not args.skip_bad:
            print(
                trn(
                    "treatment-tracker: {n} resource in {path} cannot be imported as it is; "
                    "nothing was imported. Correct it, or run again with --skip-bad to import "
                    "the others.",
                    "treatment-tracker: {n} resources in {path} cannot be imported as they "
                    "are; nothing was imported. Correct them, or run again with --skip-bad to "
                    "import the others.",
                    len(plan.bad_lines),
                ).format(n=len(plan.bad_lines), path=path),
                file=err,
            )
            return EXIT_PROBLEM
        print(
            tr("Read {path}: {resources} resource(s) in {files} file(s).").format(
                path=path, resources=f"{fhir.resources:,}", files=f"{fhir.files:,}"
            ),
            file=out,
        )
        if args.dry_run:
            if new_child is not None:
                print(
                    tr("Would add the child {name}, born {birth}, from the file's Patient.").format(
                        name=new_child.name, birth=date_text(new_child.birth_date)
                    ),
                    file=out,
                )
            print(tr("Dry run: nothing was written."), file=out)
        else:
            if new_child is not None:
                child, fplan, _report = apply_with_new_child(
                    fhir, record, new_child, source=source, skip_bad=args.skip_bad
                )
                print(
                    tr("Added the child {name}, born {birth}, from the file's Patient.").format(
                        name=child.name, birth=date_text(child.birth_date)
                    ),
                    file=out,
                )
            else:
                apply_fhir(fplan, record, skip_bad=args.skip_bad)
        for line in [*summary_of(fplan, applied=not args.dry_run)]:
            print(line, file=out)
    return EXIT_OK


def _calendar(args: argparse.Namespace, out: TextIO, clock: Clock) -> int:
    from tracker.io.ics import CALENDAR_ENDINGS, entries_of, write_calendar

    db, target = args.sub_db, args.out
    check_write_target(target, db, replaces=CALENDAR_ENDINGS)
    if target.is_dir():
        raise RecordError(
            tr("{path} is a folder; give a file name for the calendar.").format(path=target)
        )
    with Record.open(db, read_only=True, clock=clock) as record:
        child = _choose_child(record, args.child)
        entries = entries_of(record, child)
        n = write_calendar(target, entries, record.today(), clock(), redact=args.redact)
    print(
        trn(
            "Wrote {n} calendar event to {target}", "Wrote {n} calendar events to {target}", n
        ).format(n=n, target=target),
        file=out,
    )
    return EXIT_OK


def _clock(today: dt.date | None) -> Clock:
    if today is None:
        return system_clock
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    return lambda: noon


def _choose_child(record: Record, name: str | None) -> Child:
    children = record.children()
    if not children:
        raise RecordError(tr("The record has no child yet; add the child in the program first."))
    names = ", ".join(c.name for c in children)
    if name is None:
        if len(children) == 1:
            return children[0]
        raise RecordError(
            tr("The record has {n} children ({names}); choose one with --child NAME.").format(
                n=len(children), names=names
            )
        )
    wanted = name.strip().casefold()
    matches = [c for c in children if c.name.strip().casefold() == wanted]
    if not matches:
        raise RecordError(
            tr('There is no child called "{name}" in the record; it has: {names}.').format(
                name=name, names=names
            )
        )
    if len(matches) > 1:
        raise RecordError(
            tr(
                '{n} children are called "{name}"; give them different names in the program first.'
            ).format(n=len(matches), name=name)
        )
    return matches[0]


def _check(db: Path, out: TextIO, err: TextIO, clock: Clock) -> int:
    from tracker.store.backup import newest_verified_backup
    from tracker.store.integrity import check_record

    problems = check_record(db)
    if problems:
        for problem in problems:
            print(tr("problem: {problem}").format(problem=problem), file=err)
        newest = newest_verified_backup(db)
        if newest is None:
            said = tr(
                "treatment-tracker: {db} has {n} problem(s); restore it from a backup or ask "
                "for help before adding more."
            ).format(db=db, n=len(problems))
        else:
            said = tr(
                "treatment-tracker: {db} has {n} problem(s); the newest backup that checks "
                "out is {backup} (made {made}); restore it with "
                "`treatment-tracker restore --db {db} {backup}`."
            ).format(
                db=db,
                n=len(problems),
                backup=newest.path,
                made=date_time_text(newest.created),
            )
        print(said, file=err)
        return EXIT_PROBLEM
    with Record.open(db, read_only=True, clock=clock) as record:
        children = record.children()
        counts = sum(len(record.counts(c.id)) for c in children if c.id is not None)
    print(
        tr(
            "{db}: OK — integrity, links, format version and every entry's check mark are "
            "good ({children} child(ren), {counts} blood count(s))."
        ).format(db=db, children=len(children), counts=counts),
        file=out,
    )
    return EXIT_OK


def _import_json(db: Path, source: Path, out: TextIO, err: TextIO, clock: Clock) -> int:
    """Problems are listed on stderr, one "line N (key path): reason" each, then one sentence."""
    from tracker.io.import_file import MAX_JSON_BYTES, read_import_file
    from tracker.io.json_import import (
        JsonImportError,
        latest_clock,
        load_export,
        load_into_new_record,
        problems_text,
        read_export,
    )
    from tracker.store.backup import make_backup
    from tracker.store.backup_file import BEFORE_IMPORT

    data = read_import_file(source, MAX_JSON_BYTES, tr("a JSON export"))
    latest = latest_clock(clock)  # "in the future" = after today everywhere on Earth
    try:
        contents = read_export(data, latest().date(), clock().date())
    except JsonImportError as exc:
        if exc.listed:
            for line in problems_text(exc):
                print(line, file=err)
        print(f"treatment-tracker: {source}: {exc}", file=err)
        return EXIT_PROBLEM
    if not (db.exists() or db.is_symlink()):  # built whole beside it, then put in place
        try:
            load_into_new_record(db, contents, latest).close()
        except JsonImportError as exc:
            print(f"treatment-tracker: {source}: {exc}", file=err)
            return EXIT_PROBLEM
    else:
        with Record.open(db, clock=latest) as record:
            for notice in record.notices:
                print(f"treatment-tracker: {notice}", file=err)
            if not record.is_empty():
                raise RecordError(
                    tr(
                        "{db} already holds a record; a JSON export can only be loaded into a "
                        "new, empty record. Choose a new file name with --db."
                    ).format(db=db)
                )
            make_backup(record, BEFORE_IMPORT, clock)
            try:
                load_export(record, contents)
            except JsonImportError as exc:
                print(f"treatment-tracker: {source}: {exc}", file=err)
                return EXIT_PROBLEM
    print(
        tr("Imported {contents} from {source} into {db}.").format(
            contents=contents.describe(), source=source, db=db
        ),
        file=out,
    )
    if contents.skipped_calculated:
        print(
            trn(
                "Left out {n} worked-out ANC value marked “calculated” (it is not part of "
                "the record).",
                "Left out {n} worked-out ANC values marked “calculated” (they are not part "
                "of the record).",
                contents.skipped_calculated,
            ).format(n=contents.skipped_calculated),
            file=out,
        )
    return EXIT_OK


def _backup(db: Path, target: str, out: TextIO, clock: Clock) -> int:
    from tracker.store.backup import copy_record

    info = copy_record(db, target, clock)
    print(
        tr(
            "Backup of {db} written to {target} ({size} bytes, checked whole; SHA-256 {sha})."
        ).format(db=db, target=target, size=f"{info.size:,}", sha=info.sha256),
        file=out,
    )
    if not info.off_computer:
        print(
            tr(
                "Keep a copy off this computer too (a USB stick, another computer): that is "
                "what protects the record if this computer is lost or broken."
            ),
            file=out,
        )
    return EXIT_OK


def _restore(db: Path, backup: Path, out: TextIO, clock: Clock) -> int:
    from tracker.store.backup import restore

    result = restore(db, backup, clock)
    print(tr("Restored {db} from {backup}.").format(db=db, backup=backup), file=out)
    if result.safety_backup is not None:
        print(
            tr("The record as it was before is kept in {path}.").format(
                path=result.safety_backup.path
            ),
            file=out,
        )
    if result.damaged is not None:
        print(
            tr("The damaged record was moved aside to {path}.").format(path=result.damaged),
            file=out,
        )
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    clock: Clock = system_clock,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Headless entry point (tests, scripts): subcommands only, reading time from ``clock``,
    speaking the language of ``environ`` (by default the process's environment)."""
    args = build_parser(environ).parse_args(argv)
    if not args.command:
        print(
            tr(
                "treatment-tracker: give a command (make-demo, export, import-counts, "
                "import-fhir, import-json, check, backup, restore)"
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run(args, clock=clock, environ=environ)
