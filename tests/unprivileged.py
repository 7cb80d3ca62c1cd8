"""Run a test's body as an unprivileged user, where file permissions bite.

Sessions and CI run as root, for whom a mode-000 file or a file that belongs to
another user is no obstacle, so a permission test run as root proves nothing.
:func:`run_unprivileged` forks; the child drops to the user ``nobody``
(``setgroups``, ``setgid``, ``setuid``: it can never become root again) and calls
the function; its result, its failure (with the traceback) or its ``pytest.skip``
comes back to the test through a pipe.  Run without root, the child keeps the
ids it has: it is unprivileged already.

The child can only use files it may reach: :func:`unprivileged_folder` makes a
private folder for it in the system's temporary folder (pytest's ``tmp_path``
lies inside a folder only its owner may enter) and removes it afterwards.

Fork before the test opens anything it shares with the child; the child leaves
with ``os._exit`` so pytest's own clean-up never runs twice.
"""

from __future__ import annotations

import os
import pickle
import select
import shutil
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

UNPRIVILEGED_USER = "nobody"
_LIMIT_SECONDS = 300  # a hung child is killed and the test fails (a safety net, not a timing test)

T = TypeVar("T")


def unprivileged_ids() -> tuple[int, int]:
    """(uid, gid) the child runs as: ``nobody`` under root, else our own; skip if none."""
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    import pwd

    try:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        pytest.skip(
            f"running as root and there is no user {UNPRIVILEGED_USER!r} to drop to, so file "
            "permissions would not apply"
        )
    if entry.pw_uid == 0:
        pytest.skip(f"the user {UNPRIVILEGED_USER!r} is root here, so permissions would not apply")
    return entry.pw_uid, entry.pw_gid


def require_root(why: str) -> None:
    """Skip unless we are root (needed, e.g., to leave a file that belongs to another user)."""
    if os.geteuid() != 0:
        pytest.skip(f"needs root {why}")


@contextmanager
def unprivileged_folder() -> Iterator[Path]:
    """A new private folder (0700) that belongs to the user the child runs as."""
    uid, gid = unprivileged_ids()
    folder = Path(tempfile.mkdtemp(prefix="tracker-unprivileged-"))
    try:
        if os.geteuid() == 0:
            os.chown(folder, uid, gid)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def give_away(path: Path) -> None:
    """Hand ``path`` (and everything under it) to the user the child runs as."""
    uid, gid = unprivileged_ids()
    if os.geteuid() != 0:
        return
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        os.chown(item, uid, gid, follow_symlinks=False)


def run_unprivileged(func: Callable[..., T], *args: Any) -> T:
    """Call ``func(*args)`` in a forked child running as an unprivileged user; its result.

    An exception in the child fails the test with the child's traceback; a
    ``pytest.skip`` in the child skips the test.
    """
    uid, gid = unprivileged_ids()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(r)
        try:
            try:
                if os.geteuid() == 0:
                    os.setgroups([])
                    os.setgid(gid)
                    os.setuid(uid)
                outcome: tuple[str, Any] = ("ok", func(*args))
            except pytest.skip.Exception as exc:
                outcome = ("skip", str(exc))
            except BaseException:
                outcome = ("error", traceback.format_exc())
            try:
                data = pickle.dumps(outcome)
            except Exception:
                data = pickle.dumps(("error", f"the result could not be sent: {outcome!r}"))
            view = memoryview(data)
            while view:
                view = view[os.write(w, view) :]
        finally:
            os._exit(0)
    os.close(w)
    chunks: list[bytes] = []
    try:
        while True:
            ready, _, _ = select.select([r], [], [], _LIMIT_SECONDS)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                pytest.fail(f"the unprivileged child did not finish within {_LIMIT_SECONDS} s")
            chunk = os.read(r, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        _, status = os.waitpid(pid, 0)
    if not chunks:
        pytest.fail(f"the unprivileged child ended without a word (wait status {status})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "skip":
        pytest.skip(value)
    if kind == "error":
        pytest.fail(f"in the child running as uid {uid}:\n{value}", pytrace=False)
    return value  # type: ignore[no-any-return]
