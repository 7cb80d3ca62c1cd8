"""A record this user may not read is a permission problem, said as such, and nothing is moved
(issue 9, item 7).  Root reads any file, so the check runs in a forked child that drops to the
unprivileged user ``nobody``; skipped, saying why, where there is no such user or no root."""

from __future__ import annotations

import datetime as dt
import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.model import Child
from tracker.store import Record
from tracker.store.backup import make_backup
from tracker.store.backup_file import DAILY

NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def _nobody() -> pwd.struct_passwd:
    if os.geteuid() != 0:
        pytest.skip("needs root to hand the file to another user (run as root in CI)")
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("there is no unprivileged user 'nobody' on this machine")


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder outside root's private test folder that ``nobody`` can enter."""
    folder = Path(tempfile.mkdtemp(prefix="tt-unreadable-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_user(user: pwd.struct_passwd, path: Path) -> str:
    """Open ``path`` as ``user`` in a forked child; what happened, in one line."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            try:
                Record.open(path, clock=clock).close()
                said = "opened"
            except Exception as exc:
                said = f"{type(exc).__name__}: {exc}"
            os.write(w, said.encode())
        finally:
            os._exit(0)
    os.close(w)
    said = b""
    while chunk := os.read(r, 4096):
        said += chunk
    os.close(r)
    os.waitpid(pid, 0)
    return said.decode()


def test_a_record_of_mode_000_is_a_permission_problem_and_nothing_moves(
    shared_folder: Path,
) -> None:
    user = _nobody()
    path = shared_folder / "family.sqlite"
    with Record.open(path, create=True, clock=clock) as rec:
        rec.save(Child(name="Mila", birth_date=dt.date(2026, 1, 10)))
        make_backup(rec, DAILY)
    for entry in [shared_folder, *shared_folder.rglob("*")]:
        os.chown(entry, user.pw_uid, user.pw_gid)
    content = path.read_bytes()
    names = sorted(p.name for p in shared_folder.rglob("*"))
    path.chmod(0o600)
    assert as_user(user, path) == "opened"  # the control: the owner can open it
    path.chmod(0)
    said = as_user(user, path)
    assert said.startswith("RecordUnreadable: "), said
    assert "permission problem, not damage" in said
    path.chmod(0o600)
    assert path.read_bytes() == content
    assert sorted(p.name for p in shared_folder.rglob("*")) == names
