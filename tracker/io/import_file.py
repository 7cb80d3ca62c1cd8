"""Read a file someone chose to import, bounded in kind, size, memory and time.

``Path.read_bytes()`` on ``/dev/zero`` reads until memory runs out, on a FIFO
it waits for ever, and a 2 GB sparse file is read whole before anything looks
at it.  So every importer (CSV and JSON, command line and window) reads through
:func:`read_import_file`:

1. ``stat`` the name (following a link: a link to a real file is fine) and
   refuse a folder, a FIFO, a device, a socket, and a size above the limit,
   before a byte is read (a sparse file is refused by its size);
2. open it with ``O_NONBLOCK`` (a FIFO put there since never blocks) and
   ``fstat`` the opened file, since the name may have changed in between;
3. read at most ``limit + 1`` bytes, so a file that grows, or lies about its
   size, is still refused and never read further.

The limits, with the measurements behind them (bench/make_record.py, ten
synthetic years of treatment: 5,113 blood counts, 23,774 values, 334 lumbar
punctures, 1,142 phases and milestones):

* JSON: the program's own export of those ten years is 13.3 MB; the limit,
  128 MiB, is ten times that.  The reader's memory stays below ten times the
  file's size, so a file at the limit needs about 1 GB at most.
* CSV: the program's own CSV export of those ten years is 2.3 MB, and a
  laboratory's export of a whole treatment is a few hundred kilobytes; the
  limit, 32 MiB, is fourteen times the first.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tracker.i18n import tr
from tracker.store.errors import RecordError

MiB = 1024 * 1024
MAX_JSON_BYTES = 128 * MiB
MAX_CSV_BYTES = 32 * MiB
_CHUNK = 1 * MiB


class ImportFileError(RecordError):
    """The chosen file cannot be imported as it is; ``str()`` is the message for the family."""


def _size_text(n: int) -> str:
    if n >= MiB:
        return tr("{n} MB").format(n=f"{n / MiB:,.1f}".removesuffix(".0"))
    if n >= 1024:
        return tr("{n} KB").format(n=f"{n / 1024:,.0f}")
    return tr("{n:,} bytes").format(n=n)


def _kind_problem(path: Path, st: os.stat_result) -> str | None:
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return tr(
            "{path} is a folder, not a file; choose the file inside it. Nothing was imported."
        ).format(path=path)
    if stat.S_ISFIFO(mode):
        what = tr("a named pipe (FIFO)")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "a device"
    elif stat.S_ISSOCK(mode):
        what = "a socket"
    else:
        what = tr("something other than a file")
    return tr(
        "{path} is {what}, not an ordinary file, so it cannot be imported. Nothing was imported."
    ).format(path=path, what=what)


def _too_big(path: Path, size: int | None, limit: int, what: str) -> str:
    shown, most = (_size_text(size) if size is not None else ""), _size_text(limit)
    if shown == most:  # just over: say it in bytes, or "32 MB; at most 32 MB" reads wrong
        shown = tr("{n:,} bytes").format(n=size) if size is not None else ""
        most = tr("{n:,} bytes").format(n=limit)
    if size is None:
        said = tr(
            "{path} holds more; {what} is at most {most}, so this is not one. Nothing was imported."
        )
    else:
        said = tr(
            "{path} is {shown}; {what} is at most {most}, so this is not one. Nothing was imported."
        )
    return said.format(path=path, shown=shown, what=what, most=most)


def read_import_file(path: Path | str, max_bytes: int, what: str = "") -> bytes:
    """The bytes of ``path``, or :class:`ImportFileError` with one plain sentence.

    ``what`` names the kind of file in the message ("a lab's CSV export").
    Never reads more than ``max_bytes + 1`` bytes and never blocks on a FIFO.
    """
    path = Path(path)
    what = what or tr("an import file")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ImportFileError(
            tr("{path} does not exist; check the name.").format(path=path)
        ) from None
    except PermissionError:
        raise ImportFileError(
            tr("{path} cannot be read: you do not have permission to open it.").format(path=path)
        ) from None
    except OSError as exc:
        raise ImportFileError(
            tr("{path} cannot be read ({value}).").format(path=path, value=exc.strerror or exc)
        ) from None
    problem = _kind_problem(path, st)
    if problem is None and st.st_size > max_bytes:
        problem = _too_big(path, st.st_size, max_bytes, what)
    if problem is not None:
        raise ImportFileError(problem)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise ImportFileError(
            tr("{path} cannot be read: you do not have permission to open it.").format(path=path)
        ) from None
    except OSError as exc:
        raise ImportFileError(
            tr("{path} cannot be read ({value}).").format(path=path, value=exc.strerror or exc)
        ) from None
    try:
        opened = os.fstat(fd)  # the name may point elsewhere since the stat above
        problem = _kind_problem(path, opened)
        if problem is None and opened.st_size > max_bytes:
            problem = _too_big(path, opened.st_size, max_bytes, what)
        if problem is not None:
            raise ImportFileError(problem)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            try:
                chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            except BlockingIOError:  # pragma: no cover - only a pipe or device does this
                raise ImportFileError(_kind_problem(path, os.fstat(fd)) or str(path)) from None
            except OSError as exc:
                if exc.errno == errno.EISDIR:
                    raise ImportFileError(
                        tr("{path} is a folder, not a file.").format(path=path)
                    ) from None
                raise ImportFileError(
                    tr("{path} could not be read ({value}); nothing was imported.").format(
                        path=path, value=exc.strerror or exc
                    )
                ) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > max_bytes:  # it grew while being read, or its size was not the truth
        raise ImportFileError(_too_big(path, None, max_bytes, what))
    return b"".join(chunks)
