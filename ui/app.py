"""Entry point and composition root: arguments → record → bridge → main window.

Subcommands (``make-demo``, ``export``, ``check``) run without importing Qt.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tracker import cli
from tracker.clock import Clock, system_clock
from tracker.i18n import tr
from tracker.i18n.formats import date_time_text

APP_NAME = "treatment-tracker"
ORG_NAME = "TreatmentTracker"


def main(argv: Sequence[str] | None = None, clock: Clock = system_clock) -> int:
    """The console script.  Every date and time is read from ``clock`` (tests pass a fixed
    one); nothing reads the wall clock behind it."""
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "summary":
        from ui.printing.cli import run_summary

        return run_summary(args, clock=clock)
    if args.command == "card":
        from ui.printing.cli import run_card

        return run_card(args, clock=clock)
    if args.command:
        return cli.run(args, clock=clock)
    if args.demo and args.db:
        parser.error(tr("--demo opens a copy of the demo record; it cannot be used with --db"))
    if args.screenshot is None and (args.screen_size or args.screen_scale):
        parser.error(tr("--size and --scale go with --screenshot PNG (the picture they shape)"))
    if args.screenshot is not None:
        _screen_for_screenshot(args.screen_size, args.screen_scale or 1.0)
    return run_gui(args, clock)


def _screen_for_screenshot(size: tuple[int, int] | None, scale: float) -> None:
    """Before the QApplication exists: the screen the picture is taken on.  Qt's scale
    factor (QT_SCALE_FACTOR) gives it ``scale`` device pixels per logical pixel, and on the
    offscreen platform a screen of ``size`` logical pixels (its configfile; without a size,
    MAIN_WINDOW_PICTURE's), so dialogs and the first window size see that screen's room.
    With a QApplication already running (tests in one process) the picture is still
    rendered at ``scale`` (_screenshot)."""
    import json
    import os

    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        return
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":  # its own screen is 800x800 pixels
        width, height = (round(side * scale) for side in size or MAIN_WINDOW_PICTURE)
        screen = {"name": "screenshot", "x": 0, "y": 0, "width": width, "height": height}
        screen |= {"logicalDpi": 96, "logicalBaseDpi": 96}
        config = Path(_temporary_folder("treatment-tracker-screen-")) / "screen.json"
        config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
        os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def _version() -> str:
    from tracker import __version__

    return __version__


def make_application(argv: list[str]):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
    from PySide6.QtWidgets import QApplication

    import resources

    app = QApplication.instance() or QApplication(argv)
    from ui.focus_style import FocusRingStyle

    if not isinstance(app.style(), FocusRingStyle):
        app.setStyle(FocusRingStyle(app.style().name()))  # the platform's, with a visible ring
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(_version())
    QGuiApplication.setApplicationDisplayName("Treatment Tracker")
    pixmap = QPixmap()
    pixmap.loadFromData(resources.read_bytes("icons/app.svg"))
    QGuiApplication.setWindowIcon(QIcon(pixmap))
    from ui.language import apply_language

    apply_language("", app)  # the system's; run_gui applies the family's choice
    return app


def install_crash_hook(log_dir: Path, clock: Clock = system_clock) -> None:
    """Log unexpected errors, stamped by ``clock``, and tell the family calmly that the
    record is safe.

    The log and every folder made for it are private (0600 / 0700) whatever the umask,
    like the record: a traceback can quote what was typed."""
    import os
    import traceback

    from tracker.store import durable

    def hook(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log_path = log_dir / "crash.log"
        try:
            durable.private_folder(log_dir)
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(log_path, flags, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                if hasattr(os, "fchmod"):
                    os.fchmod(fh.fileno(), 0o600)  # a log left readable by others
                fh.write(f"--- {clock().isoformat()}\n{text}\n")
        except OSError:
            pass
        print(text, file=sys.stderr)
        from PySide6.QtWidgets import QApplication

        from tracker.store import RecordDamaged
        from ui.interaction import Interaction

        if isinstance(exc, RecordDamaged) and exc.path is not None:
            # damage met by a read no view caught: the one damage message, not a crash
            if QApplication.instance() is not None and not _offscreen():
                from ui.damage import tell_damage

                tell_damage(Interaction(), None, exc.path)
            return
        if QApplication.instance() is not None and not _offscreen():
            Interaction().error(
                None,
                tr("Something went wrong"),
                tr(
                    "Something went wrong in Treatment Tracker. Your record is safe: every "
                    "save is complete or not made at all.\n\nDetails were written to "
                    "{file}; please include that file if you report the problem."
                ).format(file=log_path),
            )

    sys.excepthook = hook


def _temporary_folder(prefix: str) -> str:
    """A private folder removed when the program ends."""
    import atexit
    import shutil

    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _offscreen() -> bool:
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() == "offscreen"


def run_gui(args, clock: Clock = system_clock) -> int:  # type: ignore[no-untyped-def]
    app = make_application(sys.argv[:1])
    from tracker.store import Record, RecordError
    from ui.folders import data_folder, default_record_path
    from ui.interaction import Interaction

    install_crash_hook(data_folder() / "logs", clock)
    interaction = Interaction()
    non_interactive = args.screenshot is not None
    if not non_interactive:  # a screenshot follows the system (LANG): reproducible
        from ui.language import apply_language
        from ui.settings import Settings

        apply_language(Settings().language, app)
    if not non_interactive:  # a screenshot never waits in an event loop
        from ui.quit_signals import quit_on_signals

        quit_on_signals(app)

    if args.demo:
        from tracker.demo import write_demo

        folder = Path(_temporary_folder("treatment-tracker-demo-"))
        path = folder / "demo-record.sqlite"
        made = clock()
        write_demo(path, made.date(), now=made)
    else:
        path = args.db or default_record_path()

    record: Record | None = None
    start_over = not args.demo and should_start_over(
        path, chosen=args.db is not None, interaction=None if non_interactive else interaction
    )
    try:
        if not start_over and (path.exists() or path.is_symlink()):
            # the structural check runs once the window is up (ui/start.py)
            record = Record.open(path, clock=clock, check_later=not non_interactive)
    except RecordError as exc:
        print(f"treatment-tracker: {exc}", file=sys.stderr)
        if non_interactive:
            return cli.EXIT_PROBLEM
        record = offer_restore(path, exc, interaction, clock)
        if record is None:
            interaction.error(None, tr("Cannot open the record"), str(exc))
            return cli.EXIT_PROBLEM
    for notice in record.notices if record is not None else ():
        print(f"treatment-tracker: {notice}", file=sys.stderr)
        if not non_interactive:
            interaction.info(None, tr("A file beside the record was set aside"), notice)

    if record is None or not record.children():
        from ui.welcome import WelcomeDialog

        welcome = WelcomeDialog(path, record, clock=clock, start_over=start_over)
        if non_interactive:
            return _screenshot(welcome, args.screenshot, path, *_picture(args))
        if welcome.exec() != WelcomeDialog.DialogCode.Accepted or welcome.record is None:
            if record is not None:
                record.close()
            return cli.EXIT_OK
        record = welcome.record

    from ui.bridge import RecordBridge
    from ui.main_window import MainWindow
    from ui.settings import Settings

    bridge = RecordBridge(record)
    if non_interactive:
        # A screenshot must not change the family's saved window layout: use a throw-away
        # settings file (deleted with its folder when the process ends).
        from PySide6.QtCore import QSettings

        scratch = _temporary_folder("treatment-tracker-settings-")
        settings = Settings(QSettings(str(Path(scratch) / "s.ini"), QSettings.Format.IniFormat))
    else:
        settings = Settings()
    window = MainWindow(bridge, interaction, settings)
    if args.demo:
        window.show_as_demo()
    if args.view:
        window.show_view(args.view)
    if non_interactive:
        code = _screenshot(window, args.screenshot, path, *_picture(args))
        record.close()
        return code
    window.show()
    window.show_safety_notes()

    def begin() -> None:  # its imports too: after the first frame
        from ui.start import StartWork

        StartWork(window, record, interaction).begin()  # a child of the window: kept

    _after_first_frame(window, begin)
    code = app.exec()
    bridge.record.close()
    return code


def _after_first_frame(window, then, at_the_latest_ms: int = 1000) -> None:  # type: ignore[no-untyped-def]
    """Call ``then`` once ``window`` has been painted the first time (or after
    ``at_the_latest_ms``, a window never painted): work begun earlier, on any thread,
    shares the GIL with that first paint and slows it."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__(window)
            self.called = False
            QTimer.singleShot(at_the_latest_ms, self, self.call)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.called:
                QTimer.singleShot(0, self, self.call)  # once this paint has ended
            return False

        def call(self) -> None:
            if not self.called:
                self.called = True
                window.removeEventFilter(self)
                then()

    window.installEventFilter(FirstPaint())


def should_start_over(path: Path, *, chosen: bool, interaction) -> bool:  # type: ignore[no-untyped-def]
    """Whether the welcome starts the record at ``path`` again: it was begun but never
    finished (a crash during the first "Start my record" in an older version) and holds
    nothing.  At the program's own place that is done at once; a file the family named
    with ``--db`` is started again only when they say so (never without a question)."""
    from tracker.store.files import is_unstarted

    if not is_unstarted(path):
        return False
    if not chosen:
        return True
    if interaction is None:
        return False
    return bool(
        interaction.confirm(
            None,
            tr("Start this record again?"),
            tr(
                "{path} was begun but never finished, so it holds nothing. Start a new record "
                "there? The unfinished file is kept beside it as “{name}.unfinished”; "
                "nothing is deleted."
            ).format(path=path, name=path.name),
            tr("&Start again"),
        )
    )


def offer_restore(  # type: ignore[no-untyped-def]
    path: Path, problem: Exception, interaction, clock: Clock = system_clock
):
    """A damaged record with a backup that checks out: offer to move the damaged file aside
    (kept as .damaged, never deleted) and restore the backup.  The open record, or None."""
    from tracker.store import NotARecord, Record, RecordError
    from tracker.store.backup import damaged_but_ours, newest_verified_backup, restore
    from tracker.store.errors import WrongLayout
    from tracker.store.integrity import quarantine

    if (
        not isinstance(problem, NotARecord)
        or isinstance(problem, WrongLayout)
        or not damaged_but_ours(path)
    ):
        # in use, too new, cannot be read (a permission problem), another tool's tables or
        # file: not damage to a record, so nothing is moved and no backup takes its place
        return None
    try:
        best = newest_verified_backup(path)
    except (RecordError, OSError):
        return None
    if best is None:
        return None
    made = date_time_text(best.created)
    if not interaction.confirm(
        None,
        tr("The record cannot be opened"),
        tr(
            "{problem}\n\nA backup made {made} checks out. Move the damaged file aside (it "
            "is kept beside the record with “.damaged” added to its name; nothing is "
            "deleted) and restore that backup?"
        ).format(problem=problem, made=made),
        tr("&Restore the backup"),
    ):
        return None
    try:
        quarantine(path)
        restore(path, best.path, clock)
        return Record.open(path, clock=clock)
    except (RecordError, OSError) as exc:
        interaction.error(None, tr("Restore from a backup"), str(exc))
        return None


def _picture(args) -> tuple[tuple[int, int] | None, float]:  # type: ignore[no-untyped-def]
    return args.screen_size, args.screen_scale or 1.0


MAIN_WINDOW_PICTURE = (1280, 820)  # --screenshot's main window without --size


def _screenshot(  # type: ignore[no-untyped-def]
    widget, target: Path, record_path: Path, size: tuple[int, int] | None = None, scale=1.0
) -> int:
    """Render ``widget`` to the PNG ``target``: never over the record or its own files, and
    atomically (the old file stays unless the new one is written whole and reads back).
    ``size``: the window's logical size (the main window's default MAIN_WINDOW_PICTURE, a
    dialog its own); ``scale``: device pixels per logical pixel (the PNG is size * scale)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QMainWindow

    from tracker.store import RecordError, durable
    from tracker.store.targets import check_write_target

    try:
        check_write_target(target, record_path, replaces=(".png",))
    except RecordError as exc:
        print(f"treatment-tracker: {exc}", file=sys.stderr)
        return cli.EXIT_PROBLEM
    if size is None and isinstance(widget, QMainWindow):
        size = MAIN_WINDOW_PICTURE
    if size is None:
        widget.adjustSize()
    else:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    if size is not None:
        widget.resize(*size)  # a dialog sizes itself to its screen as it is shown
        QApplication.processEvents()
    image = QImage(
        QSize(round(widget.width() * scale), round(widget.height() * scale)),
        QImage.Format.Format_RGB32,  # opaque, as a window on screen
    )
    image.setDevicePixelRatio(scale)
    image.fill(widget.palette().window().color())
    widget.render(image)
    widget.close()
    # The picture shows the child's record: written private to the user, like the record.
    try:
        with durable.replacing(target) as temp:
            if not image.save(str(temp), "PNG"):
                raise OSError("the picture could not be written")
            back = QImage(str(temp), "PNG")
            if back.isNull() or back.size() != image.size() or not _png_ends(temp):
                raise OSError("the picture came out incomplete")
    except OSError as exc:
        print(
            f"treatment-tracker: {durable.cannot_save('the screenshot', target, exc)}",
            file=sys.stderr,
        )
        return cli.EXIT_PROBLEM
    return cli.EXIT_OK


_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _png_ends(path: Path) -> bool:
    """Whether the PNG at ``path`` ends with its IEND chunk (a cut-off file does not)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - len(_PNG_END)))
        return fh.read() == _PNG_END


if __name__ == "__main__":
    sys.exit(main())
