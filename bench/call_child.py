"""Run one bench helper's ``measure`` in this (fresh) process and write what it returns.

    python bench/call_child.py MODULE FUNCTION OUT.json RECORD [JSON-ARG…]

Bench only: ``bench/run.py`` runs every helper (``timeline_paint``, ``print_bench``,
``import_bench``) this way, each in a process of its own with an empty HOME, so one
helper's windows, caches or memory never weigh on the next figure.  RECORD is copied
first (opening a record writes beside it).  When the module or the function is not there
(a helper still to land), OUT.json says ``{"missing": why}``: the figure is "n/a".
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)) or value is None:
        return value
    return str(value)


def main(argv: list[str]) -> int:
    module_name, function_name, out, record, *rest = argv
    try:
        module = importlib.import_module(module_name)
        function = getattr(module, function_name)
    except (ImportError, AttributeError) as exc:
        Path(out).write_text(json.dumps({"missing": str(exc)}), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory(prefix="tt-bench-call-") as folder:
        copy = Path(folder) / "record.sqlite"
        shutil.copyfile(record, copy)
        result = function(copy, *(json.loads(arg) for arg in rest))
    Path(out).write_text(json.dumps({"result": _plain(result)}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
