"""Shared test set-up: offscreen Qt, no network, a fixed clock, throw-away records."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_QPA_PLATFORM"] = "offscreen"

# CI runs the property tests with fixed examples (a landing must not depend on luck);
# locally they explore anew each run.
from hypothesis import settings as _hypothesis_settings

_hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

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

    saved, _ = record.save_child(
        Child(
            name="Mila",
            birth_date=dt.date(2026, 1, 10),
            diagnosis_date=dt.date(2026, 5, 12),
        )
    )
    return saved
