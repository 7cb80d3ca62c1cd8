"""SIGTERM and SIGINT (a logout, ``kill``, Ctrl+C in the terminal) end the program like File ▸
Quit: the windows close, the event loop ends and Python exits normally, so the record is
closed and ``atexit`` removes the temporary folders (``--demo``'s).  Without this Qt's
event loop never hands control back to Python and the signal's default action kills the
process on the spot."""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication


def quit_on_signals(app: QApplication) -> None:
    """Make SIGTERM and SIGINT quit ``app`` cleanly (also before its event loop runs)."""
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    # The C-level handler writes a byte here: the notifier wakes the event loop, and
    # Python then runs the handler below.
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
    notifier.activated.connect(lambda *_: _drain(reader))

    def quit_now() -> None:
        app.closeAllWindows()  # the main window keeps its size and place, as on Quit
        app.quit()

    def handler(_signum: int, _frame: object) -> None:
        QTimer.singleShot(0, app, quit_now)  # runs once an event loop does

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
    _KEPT.append((reader, writer, notifier))


_KEPT: list[tuple[socket.socket, socket.socket, QSocketNotifier]] = []  # alive as long as Qt


def _drain(reader: socket.socket) -> None:
    try:
        while reader.recv(64):
            pass
    except OSError:  # nothing more to read
        pass
