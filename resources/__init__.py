"""Data files shipped with the program, read through :func:`read_bytes` / :func:`read_text`.

Works from an installed wheel as well as from the source tree (importlib.resources).
"""

from __future__ import annotations

from importlib import resources as _resources


def read_bytes(name: str) -> bytes:
    """``name`` is a path below ``resources/``, e.g. ``"icons/app.svg"``."""
    return _resources.files(__name__).joinpath(name).read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")


def exists(name: str) -> bool:
    return _resources.files(__name__).joinpath(name).is_file()
