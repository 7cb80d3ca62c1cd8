"""Entry point and composition root: arguments → record → bridge → main window.

Subcommands (``make-demo``, ``export``, ``check``) run without importing Qt.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tracker import cli
from tracker.store.record import Clock, system_clock

APP_NAME = "treatment-tracker"
ORG_NAME = "TreatmentTracker"


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "summary":
        from ui.printing.cli import run_summary

        return run_summary(args)
    if args.command:
        return cli.run(args)
    if args.demo and args.db:
        parser.error("--demo opens a copy of the demo record; it cannot be used with --db")
    return run_gui(args)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(APP_NAME)
    except PackageNotFoundError:
        return "0.0"


def default_record_path() -> Path:
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / "record.sqlite"


def make_application(argv: list[str]):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
    from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
    from PySide6.QtWidgets import QApplication

    import resources

    app = QApplication.instance() or QApplication(argv)
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(_version())
    QGuiApplication.setApplicationDisplayName("Treatment Tracker")
    pixmap = QPixmap()
    pixmap.loadFromData(resources.read_bytes("icons/app.svg"))
    QGuiApplication.setWindowIcon(QIcon(pixmap))
    translator = QTranslator(app)
    if translator.load(
        QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator)
    return app


def install_crash_hook(log_dir: Path, clock: Clock = system_clock) -> None:
    """Log unexpected errors, stamped by ``clock``, and tell the family calmly that the
    record is safe."""
    import os
    import traceback

    def hook(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log_path = log_dir / "crash.log"
        try:
            log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(f"--- {clock().isoformat()}\n{text}\n")
        except OSError:
            pass
        print(text, file=sys.stderr)
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None and not _offscreen():
            QMessageBox.critical(
                None,
                "Something went wrong",
                "Something went wrong in Treatment Tracker. Your record is safe: every save "
                "is complete or not made at all.\n\nDetails were written to "
                f"{log_path}; please include that file if you report the problem.",
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


def run_gui(args) -> int:  # type: ignore[no-untyped-def]
    app = make_application(sys.argv[:1])
    from PySide6.QtCore import QStandardPaths

    from tracker.store import Record, RecordError
    from ui.interaction import Interaction

    data_dir = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    )
    install_crash_hook(data_dir / "logs")
    interaction = Interaction()
    non_interactive = args.screenshot is not None

    if args.demo:
        from tracker.demo import write_demo
        from tracker.store.record import system_clock

        folder = Path(_temporary_folder("treatment-tracker-demo-"))
        path = folder / "demo-record.sqlite"
        write_demo(path, system_clock().date())
    else:
        path = args.db or default_record_path()

    record: Record | None
    try:
        record = Record.open(path) if path.exists() or path.is_symlink() else None
    except RecordError as exc:
        print(f"treatment-tracker: {exc}", file=sys.stderr)
        if non_interactive:
            return cli.EXIT_PROBLEM
        record = offer_restore(path, exc, interaction)
        if record is None:
            interaction.error(None, "Cannot open the record", str(exc))
            return cli.EXIT_PROBLEM

    if record is None or not record.children():
        from ui.welcome import WelcomeDialog

        welcome = WelcomeDialog(path, record)
        if non_interactive:
            return _screenshot(welcome, args.screenshot)
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
        window.setWindowTitle(window.windowTitle() + " (demo)")
    if args.view:
        window.show_view(args.view)
    if non_interactive:
        code = _screenshot(window, args.screenshot)
        record.close()
        return code
    _daily_backup(record, interaction, window)
    window.show()
    window.show_safety_notes()
    code = app.exec()
    bridge.record.close()
    return code


def offer_restore(path: Path, problem: Exception, interaction):  # type: ignore[no-untyped-def]
    """A damaged record with a backup that checks out: offer to move the damaged file aside
    (kept as .damaged, never deleted) and restore the backup.  The open record, or None."""
    from tracker.store import NotARecord, Record, RecordError
    from tracker.store.backup import newest_verified_backup, restore
    from tracker.store.integrity import quarantine

    if not isinstance(problem, NotARecord):
        return None  # in use, too new: nothing to restore
    try:
        best = newest_verified_backup(path)
    except (RecordError, OSError):
        return None
    if best is None:
        return None
    made = best.created.strftime("%Y-%m-%d %H:%M")
    if not interaction.confirm(
        None,
        "The record cannot be opened",
        f"{problem}\n\nA backup made {made} checks out. Move the damaged file aside (it is "
        "kept beside the record with “.damaged” added to its name; nothing is deleted) and "
        "restore that backup?",
        "Restore the backup",
    ):
        return None
    try:
        quarantine(path)
        restore(path, best.path)
        return Record.open(path)
    except (RecordError, OSError) as exc:
        interaction.error(None, "Restore from a backup", str(exc))
        return None


def _daily_backup(record, interaction, window) -> None:  # type: ignore[no-untyped-def]
    """The first start of each day makes a verified backup (thinned to dailies, weeklies and
    monthlies).  A failure is said plainly and the program goes on: the record is intact."""
    from tracker.store import RecordError
    from tracker.store.backup import daily_backup_if_due

    try:
        daily_backup_if_due(record)
    except (RecordError, OSError) as exc:
        window.statusBar().showMessage(f"Today's automatic backup could not be made: {exc}", 15000)


def _screenshot(widget, target: Path) -> int:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QMainWindow

    if isinstance(widget, QMainWindow):
        widget.resize(1280, 820)
    else:
        widget.adjustSize()
    widget.show()
    QApplication.processEvents()
    image = widget.grab()
    widget.close()
    # The picture shows the child's record: write it private to the user, like the record.
    import os

    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        os.chmod(target, 0o600)
    except OSError as exc:
        print(
            f"treatment-tracker: could not write the screenshot to {target}: {exc.strerror}",
            file=sys.stderr,
        )
        return cli.EXIT_PROBLEM
    if not image.save(str(target), "PNG"):
        print(f"treatment-tracker: could not write the screenshot to {target}", file=sys.stderr)
        return cli.EXIT_PROBLEM
    return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
