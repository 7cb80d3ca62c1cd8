"""Treatment tracker: the record, its rules and its files (no Qt here)."""

__version__ = "0.1.0"
"""The program's version, as pyproject.toml says (tests/test_start_imports.py keeps them
the same): read here, not through importlib.metadata, which costs the start ~15 ms."""
