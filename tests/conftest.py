"""Shared test set-up: offscreen Qt, no network, a fixed clock, throw-away records, and
folders of its own for HOME and XDG."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Tests hold on any machine: the program speaks the system's language and writes values in
# its locale, so every test starts from English and the C locale (a test of another
# language sets it itself; a child process started with another LANG drops these).
os.environ["LANGUAGE"] = "en"
os.environ["LC_ALL"] = "C.UTF-8"
from hypothesis import HealthCheck
from hypothesis import settings as _hypothesis_settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_QPA_PLATFORM"] = "offscreen"

# A HOME and XDG folders of this test process's own, set before Qt or anything else reads
# them: what the code under test writes to "the user's" folders (QSettings(), QStandardPaths,
# Path.home()) never reaches the real user's, nor another copy of the suite running beside.
SESSION_HOME = Path(tempfile.mkdtemp(prefix="treatment-tracker-tests-home-")).resolve()
_OWNER = os.getpid()


@atexit.register
def _remove_session_home() -> None:
    if os.getpid() == _OWNER:  # not in a forked child that happens to exit normally
        shutil.rmtree(SESSION_HOME, ignore_errors=True)


os.environ["HOME"] = str(SESSION_HOME)
for _name, _folder in (
    ("XDG_CONFIG_HOME", "config"),
    ("XDG_DATA_HOME", "data"),
    ("XDG_CACHE_HOME", "cache"),
    ("XDG_STATE_HOME", "state"),
):
    (SESSION_HOME / _folder).mkdir(mode=0o700)
    os.environ[_name] = str(SESSION_HOME / _folder)

# CI runs the property tests with fixed examples (a landing must not depend on luck);
# locally they explore anew each run.
# No deadline anywhere: a test must not depend on how fast (or loaded) the machine is.
_hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_hypothesis_settings.register_profile(
    "local", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "local")

# "Today" in every test, so age, day-of-phase and "in the future" checks are stable.
TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)


def fixed_clock() -> dt.datetime:
    return NOW


class NetworkUsed(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program must never talk to a network: any attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkUsed(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that changes the language or the value formats leaves English and ISO
    behind, so no later test depends on the order the tests ran in."""
    yield
    from tracker import i18n
    from tracker.i18n import formats

    if i18n.language() != i18n.SOURCE_LANGUAGE:
        i18n.set_language(i18n.SOURCE_LANGUAGE)
    if type(formats.current()) is not formats.Formats:
        formats.install(formats.Formats())


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    return fixed_clock


@pytest.fixture
def record_path(tmp_path: Path) -> Path:
    return tmp_path / "family.sqlite"


@pytest.fixture
def record(record_path: Path) -> Iterator[object]:
    from tracker.store import Record

    rec = Record.open(record_path, create=True, clock=fixed_clock)
    yield rec
    rec.close()


@pytest.fixture
def child(record):  # type: ignore[no-untyped-def]
    from tracker.model import Child

    saved, _ = record.save(
        Child(
            name="Mila",
            birth_date=dt.date(2026, 1, 10),
            diagnosis_date=dt.date(2026, 5, 12),
        )
    )
    return saved
