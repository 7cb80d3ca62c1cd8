"""What a family lives through, measured on 1-, 10- and 50-year records; one run, this machine.

    python bench/run.py [--quick] [--fresh] [--json FILE] [--out DIR] [--records 1,10,50]

Records: ``bench/make_record.py`` writes them once into ``bench/out/`` (``--out``), kept for
later runs unless ``--fresh``.  Every figure is min / median / max of 3 runs (the value is
the median); start-up is given as a ratio to a bare Qt window started in the same run.  The
figures (docs/performance.md says what each one means and why its goal):

- start (``bench/start_path.py``, ``bench/start_child.py``): the real entry point
  ``ui.app.main(["--db", COPY])`` in fresh processes, interleaved A B B A with a bare
  QApplication + QMainWindow + QLabel: the first start of the day (today's backup due) and a
  later start the same day; to the first painted frame and to the whole history on screen,
  as ratios to the bare window's first frame; the longest gap between ticks of a 10 ms
  heartbeat from the first frame to the end of the start's work; peak memory (``ru_maxrss``)
  as a ratio to the bare window's;
- tabs and operations (``bench/gui_ops.py``): the first switch to each tab, and Check, Save a
  copy and Export CSV from their menu actions in the real window, with their longest stall;
- timeline (``bench/timeline_paint.py``): repaint at 2 weeks … whole, one zoom step, the
  same three series drawn by pyqtgraph (the ``bench`` extra) in the same process;
- printing (``bench/print_bench.py``): the summary of 3 months and of everything, the print
  preview's first page and the whole PDF;
- import (``bench/import_bench.py``): 10,000 CSV rows into the 10-year record.

A helper that is not there (or fails) gives "n/a" for its figures, said on stderr; the rest
still run.  Prints a table with the goal beside each figure; ``--json FILE`` writes
``{"figures": {name: {"value", "min", "max", "goal", "better", "unit"}}, …}``.  Nothing here
asserts: goals are reported, not enforced.  ``--quick``: the 1-year record only, one run,
small sizes (the smoke test, tests/test_bench_run.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _folder in (ROOT, HERE):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import start_path  # noqa: E402
from make_record import DEFAULT_TODAY, make_record  # noqa: E402

OUT = HERE / "out"
YEARS = (1, 10, 50)
ZOOMS = ("2w", "3m", "1y", "2y", "5y", "all")
REPAINT_MS = 8.0  # every zoom, 10 and 50 years
FRAME_MS = 16.0  # one frame at 60 Hz
STALL_MS = 100.0  # the window never stalls longer
TODAY = DEFAULT_TODAY  # the records' last day, and "today" in every process that opens one


@dataclass(frozen=True, slots=True)
class Figure:
    value: float | None  # the median, None: not measured ("n/a")
    low: float | None
    high: float | None
    goal: float | None  # None: shown for reference, no goal of its own
    better: str  # "lower" | "higher"
    unit: str
    section: str

    def as_json(self) -> dict[str, object]:
        return {
            "value": self.value,
            "min": self.low,
            "max": self.high,
            "goal": self.goal,
            "better": self.better,
            "unit": self.unit,
        }

    def verdict(self) -> str:
        if self.value is None:
            return "n/a"
        if self.goal is None:
            return ""
        met = self.value <= self.goal if self.better == "lower" else self.value >= self.goal
        return "met" if met else "MISSED"


class Figures:
    """The run's figures, in the order they are measured."""

    def __init__(self) -> None:
        self.items: dict[str, Figure] = {}

    def add(
        self,
        name: str,
        values: Iterable[float] | float | None,
        *,
        unit: str,
        goal: float | None = None,
        better: str = "lower",
        section: str,
    ) -> None:
        low = mid = high = None
        if isinstance(values, (int, float)):
            low = mid = high = float(values)
        elif values is not None:
            got = [float(v) for v in values if v is not None]
            if got:
                low, mid, high = min(got), statistics.median(got), max(got)
        self.items[name] = Figure(mid, low, high, goal, better, unit, section)

    def get(self, name: str) -> Figure | None:
        return self.items.get(name)

    def ratio(self, name: str, top: str, bottom: str, *, goal: float | None, section: str) -> None:
        """``top`` ÷ ``bottom`` of two figures already added: the medians' ratio, between
        the bounds min(top) ÷ max(bottom) and max(top) ÷ min(bottom)."""
        a, b = self.items.get(top), self.items.get(bottom)

        def divide(x: float | None, y: float | None) -> float | None:
            return None if x is None or not y else x / y

        if a is None or b is None or a.value is None:
            self.items[name] = Figure(None, None, None, goal, "lower", "×", section)
            return
        self.items[name] = Figure(
            divide(a.value, b.value),
            divide(a.low, b.high),
            divide(a.high, b.low),
            goal,
            "lower",
            "×",
            section,
        )


def note(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- records


def ensure_record(years: int, out: Path, fresh: bool) -> Path:
    """``out/record-<years>y.sqlite``, written if missing (or ``fresh``); written under a
    temporary name and renamed, so a run stopped half-way never leaves half a record."""
    path = out / f"record-{years}y.sqlite"
    if fresh:
        path.unlink(missing_ok=True)
    if path.exists():
        return path
    out.mkdir(parents=True, exist_ok=True)
    partial = out / f".record-{years}y.{os.getpid()}.partial"
    partial.unlink(missing_ok=True)
    made = make_record(years, partial, TODAY)
    os.replace(partial, path)
    note(f"wrote {path.name} in {made.seconds:.1f} s ({made.counts} counts)")
    return path


# ---------------------------------------------------------------------- children


def _isolated_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "QT_")) and key not in ("HOME", "PYTHONPATH")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_STATE_HOME=str(home / "state"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_child(script: str, args: list[str], label: str) -> dict[str, object] | None:
    """``python bench/<script> … OUT.json`` in a fresh home; its JSON, or None (said)."""
    home = Path(tempfile.mkdtemp(prefix="tt-bench-home-"))
    try:
        out = home / "out.json"
        argv = [sys.executable, str(HERE / script), *[out if a == "{out}" else a for a in args]]
        done = subprocess.run(
            [str(a) for a in argv],
            env=_isolated_env(home),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            tail = "\n".join(done.stderr.strip().splitlines()[-12:])
            note(f"{label} failed (exit {done.returncode}): n/a\n{tail}")
            return None
        result: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
        return result
    except subprocess.TimeoutExpired:
        note(f"{label} took over an hour: n/a")
        return None
    finally:
        shutil.rmtree(home, ignore_errors=True)


MISSING = "missing"  # call_helper's answer when the helper is not there


def call_helper(module: str, function: str, record: Path, *args: object) -> object:
    """A helper's ``function(copy_of_record, *args)`` in a fresh process (``call_child``):
    what it returned, None if it failed, MISSING if it is not there (both said)."""
    got = run_child(
        "call_child.py",
        [module, function, "{out}", str(record), *(json.dumps(a) for a in args)],
        f"{module}.{function}({record.name})",
    )
    if got is None:
        return None
    if MISSING in got:
        note(f"{module}.{function} is not there ({got[MISSING]})")
        return MISSING
    return got.get("result")


def call_measure(module: str, record: Path, *args: object) -> dict[str, object] | None:
    """A helper's ``measure``: its figures by name, or None (not there or failed)."""
    result = call_helper(module, "measure", record, *args)
    return result if isinstance(result, dict) else None


def samples(value: object) -> list[float] | None:
    """A helper's figure as values: a number, a list of runs (or [min, median, max]), or a
    dict with min/median/max."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, (list, tuple)):
        got = [float(v) for v in value if isinstance(v, (int, float))]
        return got or None
    if isinstance(value, dict):
        keys = ("min", "median", "max") if "median" in value else ("value",)
        numbers = [float(v) for k in keys if isinstance(v := value.get(k), (int, float))]
        return numbers or None
    return None


def gather(runs: list[dict[str, object] | None]) -> dict[str, list[float]]:
    """Per figure name, the values of every run that gave it."""
    joined: dict[str, list[float]] = {}
    for run in runs:
        for name, value in (run or {}).items():
            got = samples(value)
            if got is not None:
                joined.setdefault(name, []).extend(got)
    return joined


# ---------------------------------------------------------------------- the parts


def measure_start(figures: Figures, label: str, record: Path, rounds: int, warm: bool) -> None:
    section = f"Start ({label} record)"
    try:
        runs = start_path.measure(record, TODAY, rounds, warm_up=warm)
    except start_path.StartFailed as exc:
        note(f"start of the {label} record failed: n/a\n{exc}")
        runs = {"bare": [], "first": [], "later": []}
    bare = runs["bare"]

    def around(n: int, what: str) -> float:
        """The bare window's figure of round ``n``: the mean of the two either side."""
        a, b = bare[2 * n], bare[2 * n + 1]
        return float(getattr(a, what) + getattr(b, what)) / 2

    for kind, title in (("first", "first start of the day"), ("later", "later start")):
        starts = runs[kind]
        frame = [s.first_frame_s / around(n, "first_frame_s") for n, s in enumerate(starts)]
        history = [
            max(s.history_s or 0.0, s.first_frame_s) / around(n, "first_frame_s")
            for n, s in enumerate(starts)
        ]
        memory = [s.rss_mib / around(n, "rss_mib") for n, s in enumerate(starts)]
        figures.add(
            f"start_{kind}_frame_ratio_{label}",
            frame or None,
            unit="× bare",
            goal=2.0,
            section=section,
        )
        figures.add(
            f"start_{kind}_history_ratio_{label}", history or None, unit="× bare", section=section
        )
        figures.add(
            f"start_{kind}_stall_ms_{label}",
            [s.stall_ms for s in starts if s.stall_ms is not None] or None,
            unit="ms",
            goal=STALL_MS,
            section=section,
        )
        figures.add(
            f"start_{kind}_memory_ratio_{label}",
            memory or None,
            unit="× bare",
            goal=2.0,
            section=section,
        )
        figures.add(
            f"start_{kind}_frame_s_{label}",
            [s.first_frame_s for s in starts] or None,
            unit="s",
            section=section,
        )
        figures.add(
            f"start_{kind}_done_s_{label}",
            [s.done_s for s in starts if s.done_s is not None] or None,
            unit="s",
            section=section,
        )
        note(f"{title} of the {label} record: {len(starts)} runs")
    figures.add(
        f"bare_frame_s_{label}", [b.first_frame_s for b in bare] or None, unit="s", section=section
    )
    figures.add(
        f"bare_memory_mib_{label}", [b.rss_mib for b in bare] or None, unit="MiB", section=section
    )
    figures.add(
        f"start_first_memory_mib_{label}",
        [s.rss_mib for s in runs["first"]] or None,
        unit="MiB",
        section=section,
    )


def measure_ops(figures: Figures, label: str, record: Path, runs: int) -> None:
    """Tabs and operations: ``runs`` fresh processes, each on a fresh copy of ``record``."""
    section = f"Tabs and operations ({label} record)"
    results = []
    for n in range(runs):
        with tempfile.TemporaryDirectory(prefix="tt-bench-ops-") as folder:
            copy = Path(folder) / "record.sqlite"
            shutil.copyfile(record, copy)
            results.append(
                run_child(
                    "gui_ops.py",
                    [str(copy), TODAY.isoformat(), "{out}", "--repeats", "1"],
                    f"tabs and operations, run {n + 1}",
                )
            )
    got = gather(results)
    from tracker.cli import GUI_VIEWS as VIEW_NAMES  # the tabs (a failed run has no rows)

    for name in VIEW_NAMES:
        if name != "timeline":
            key = f"tab_{name}_ms"
            figures.add(f"{key}_{label}", got.get(key), unit="ms", goal=STALL_MS, section=section)
    for op in ("check", "save_copy", "export_csv"):
        figures.add(f"op_{op}_s_{label}", got.get(f"op_{op}_s"), unit="s", section=section)
        figures.add(
            f"op_{op}_stall_ms_{label}",
            got.get(f"op_{op}_stall_ms"),
            unit="ms",
            goal=STALL_MS,
            section=section,
        )
    note(f"tabs and operations on the {label} record: {sum(r is not None for r in results)} runs")


def measure_timeline(figures: Figures, label: str, record: Path, repeats: int) -> None:
    section = f"Timeline ({label} record)"
    spread = call_helper("timeline_paint", "measure_spread", record, repeats)
    result = spread if isinstance(spread, dict) else call_measure("timeline_paint", record, repeats)
    got = gather([result])
    for zoom in ZOOMS:
        figures.add(
            f"repaint_{zoom}_ms_{label}",
            got.get(f"repaint_{zoom}_ms"),
            unit="ms",
            goal=REPAINT_MS,
            section=section,
        )
    for zoom in ZOOMS:
        figures.add(
            f"repaint_kept_{zoom}_ms_{label}",
            got.get(f"repaint_kept_{zoom}_ms"),
            unit="ms",
            goal=REPAINT_MS,
            section=section,
        )
    figures.add(
        f"zoom_step_ms_{label}", got.get("zoom_step_ms"), unit="ms", goal=FRAME_MS, section=section
    )
    for zoom in (*ZOOMS, "moving"):
        figures.add(
            f"pyqtgraph_{zoom}_ms_{label}",
            got.get(f"pyqtgraph_{zoom}_ms"),
            unit="ms",
            section=section,
        )
    # ÷ pyqtgraph: static (nothing changed) and while the range moves
    for zoom in ZOOMS:
        figures.ratio(
            f"vs_pyqtgraph_{zoom}_{label}",
            f"repaint_kept_{zoom}_ms_{label}",
            f"pyqtgraph_{zoom}_ms_{label}",
            goal=1.0,
            section=section,
        )
    figures.add(
        f"repaint_moving_ms_{label}", got.get("repaint_moving_ms"), unit="ms", section=section
    )
    figures.ratio(
        f"vs_pyqtgraph_moving_{label}",
        f"repaint_moving_ms_{label}",
        f"pyqtgraph_moving_ms_{label}",
        goal=1.0,
        section=section,
    )
    note(f"timeline of the {label} record: {'measured' if result else 'n/a'}")


PRINT_FIGURES = {  # print_bench.measure's names → unit, goal
    "summary_3m_s": ("s", 0.5),
    "summary_all_s": ("s", None),
    "preview_first_page_s": ("s", 1.0),
    "preview_longest_stall_ms": ("ms", STALL_MS),
    "pdf_all_s": ("s", 5.0),
    "pdf_all_peak_mib": ("MiB", None),
}


# print_bench.one(record, what) → (seconds, peak MiB), for a print_bench without measure()
PRINT_ONE = {
    "summary3m": ("summary_3m_s",),
    "summary": ("summary_all_s",),
    "preview1": ("preview_first_page_s",),
    "pdf": ("pdf_all_s", "pdf_all_peak_mib"),
}


def _print_once(record: Path, quick: bool) -> dict[str, object] | None:
    result = call_helper("print_bench", "measure", record)
    if result is not MISSING:
        return result if isinstance(result, dict) else None
    figures: dict[str, object] = {}
    whats = ["summary3m"] if quick else list(PRINT_ONE)  # a whole preview takes long
    for what in whats:  # each in a fresh process, as print_bench --all
        names = PRINT_ONE[what]
        got = call_helper("print_bench", "one", record, what)
        if isinstance(got, list) and len(got) == 2:
            figures.update(zip(names, got, strict=False))
    return figures or None


def measure_print(
    figures: Figures, label: str, record: Path, runs: int, *, quick: bool = False
) -> None:
    section = f"Printing ({label} record)"
    results = []
    for _ in range(runs):
        result = _print_once(record, quick)
        results.append(result)
        if result is None:
            break  # not there, or failed: once is enough to know
    got = gather(results)
    for name, (unit, goal) in PRINT_FIGURES.items():
        goal_here = goal if name != "pdf_all_s" or label == "10y" else None  # the goal's record
        figures.add(f"{name}_{label}", got.get(name), unit=unit, goal=goal_here, section=section)
    note(f"printing on the {label} record: {sum(r is not None for r in results)} runs")


def rows_label(rows: int) -> str:
    return f"{rows // 1000}k" if rows % 1000 == 0 else str(rows)


def measure_import(figures: Figures, label: str, record: Path, rows: int, runs: int) -> None:
    section = f"Import ({label} record)"
    results = []
    for _ in range(runs):
        result = call_measure("import_bench", record, rows)
        results.append(result)
        if result is None:
            break
    got = gather(results)
    goal = {10_000: 1.0, 100_000: 10.0}.get(rows)
    tag = rows_label(rows)
    figures.add(f"import_{tag}_s_{label}", got.get("total"), unit="s", goal=goal, section=section)
    for part in ("parse", "plan", "apply"):
        figures.add(f"import_{tag}_{part}_s_{label}", got.get(part), unit="s", section=section)
    for name, values in got.items():  # anything more it measures (a stall, say)
        if name not in ("total", "parse", "plan", "apply"):
            is_stall = "stall" in name
            figures.add(
                f"import_{tag}_{name}_{label}",
                values,
                unit="ms" if name.endswith("_ms") else "s",
                goal=STALL_MS if is_stall else None,
                section=section,
            )
    note(f"import of {rows} rows into the {label} record: {sum(r is not None for r in results)}")


# ---------------------------------------------------------------------- report


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit.startswith("×"):
        return f"{value:.2f}"
    if unit == "ms":
        return f"{value:.1f}"
    if unit == "MiB":
        return f"{value:.0f}"
    return f"{value:.3f}"


def table(figures: Figures) -> str:
    lines: list[str] = []
    section = None
    width = max((len(n) for n in figures.items), default=10)
    for name, f in figures.items.items():
        if f.section != section:
            section = f.section
            lines.append("")
            lines.append(f"## {section}")
            lines.append(
                f"{'figure':<{width}}  {'min':>8} {'median':>8} {'max':>8}  "
                f"{'unit':<7} {'goal':>8}  verdict"
            )
        goal = (
            "—"
            if f.goal is None
            else ("≤ " if f.better == "lower" else "≥ ") + _number(f.goal, f.unit)
        )
        lines.append(
            f"{name:<{width}}  {_number(f.low, f.unit):>8} {_number(f.value, f.unit):>8} "
            f"{_number(f.high, f.unit):>8}  {f.unit:<7} {goal:>8}  {f.verdict()}"
        )
    return "\n".join(lines).lstrip("\n")


def scale_figures(figures: Figures, labels: list[str]) -> None:
    """The same at 50 years as at 1: the 50-year ratio ÷ the 1-year ratio."""
    if "1y" not in labels or "50y" not in labels:
        return
    for kind in ("first", "later"):
        figures.ratio(
            f"start_{kind}_frame_50y_vs_1y",
            f"start_{kind}_frame_ratio_50y",
            f"start_{kind}_frame_ratio_1y",
            goal=1.15,
            section="Start: growth with the record",
        )
    figures.ratio(
        "summary_3m_50y_vs_1y",
        "summary_3m_s_50y",
        "summary_3m_s_1y",
        goal=1.15,
        section="Start: growth with the record",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1-year record, one run, small")
    parser.add_argument("--fresh", action="store_true", help="write the records again")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--out", type=Path, default=OUT, help="where the records are kept")
    parser.add_argument("--records", help="years of the records, e.g. 10,50 (default 1,10,50)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    years = [1] if args.quick else list(YEARS)
    if args.records:
        years = [int(y) for y in re.split(r"[,\s]+", args.records.strip()) if y]
    runs = 1 if args.quick else 3
    paint_repeats = 2 if args.quick else 20
    import_rows = 500 if args.quick else 10_000
    import_label = f"{years[0]}y" if args.quick or 10 not in years else "10y"
    ops_label = import_label

    started = time.monotonic()
    records = {f"{y}y": ensure_record(y, args.out, args.fresh) for y in years}
    figures = Figures()
    for label, record in records.items():
        measure_start(figures, label, record, runs, warm=not args.quick)
    measure_ops(figures, ops_label, records[ops_label], runs)
    for label, record in records.items():
        measure_timeline(figures, label, record, paint_repeats)
    for label, record in records.items():
        measure_print(figures, label, record, runs if label != "50y" else 1, quick=args.quick)
    measure_import(figures, import_label, records[import_label], import_rows, runs)
    scale_figures(figures, list(records))

    print(table(figures))
    seconds = time.monotonic() - started
    print(f"\n{len(figures.items)} figures in {seconds:.0f} s; runs each: {runs}", flush=True)
    if args.json:
        document = {
            "figures": {name: f.as_json() for name, f in figures.items.items()},
            "runs": runs,
            "today": TODAY.isoformat(),
            "records": {label: str(path) for label, path in records.items()},
            "machine": {
                "python": platform.python_version(),
                "system": platform.platform(),
                "cpus": os.cpu_count(),
            },
            "seconds": round(seconds, 1),
        }
        args.json.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
