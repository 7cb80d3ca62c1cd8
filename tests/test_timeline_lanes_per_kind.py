"""Issue 12: a change of one kind (a dose ticked) lays out again only the lanes drawn from
that kind; the others are kept from the timeline before.  Counted, not timed."""

from __future__ import annotations

import inspect
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY, fixed_clock
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from tracker import timeline as layout
from tracker.demo import build_demo
from tracker.kinds import Changes
from tracker.model import Appointment, DoseLog, Milestone, Phase, Temperature
from tracker.store import Record

ALL_LANES = (
    "phases",
    "milestones",
    "cns",
    "growth",
    "appointments",
    "temperatures",
    "symptoms",
    "medicines",
    "doses",
    "stays",
    "transfusions",
    "anc",
    "hgb",
    "plt",
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("lanes") / "demo.sqlite"
    with Record.open(path, create=True, clock=fixed_clock) as rec:
        build_demo(rec, TODAY)
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Iterator[Record]:
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    with Record.open(path, clock=fixed_clock) as rec:
        yield rec


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each lane was laid out."""
    counter: Counter[str] = Counter()
    make = layout._make_lane

    def counting(key, inputs):  # type: ignore[no-untyped-def]
        counter[key] += 1
        return make(key, inputs)

    monkeypatch.setattr(layout, "_make_lane", counting)
    return counter


def test_every_input_of_build_feeds_a_known_lane() -> None:
    """A lane's inputs are named from build()'s own parameters (none forgotten)."""
    params = set(inspect.signature(layout.build).parameters) - {"lanes", "previous", "changed"}
    named = {name for names in layout.LANE_INPUTS.values() for name in names}
    named |= set(layout.CHART_INPUTS)
    assert named == params


def test_build_keeps_the_lanes_whose_inputs_did_not_change(built: Counter[str]) -> None:
    first = layout.build([], [], [], [], TODAY, lanes=ALL_LANES)
    assert built == Counter(dict.fromkeys(ALL_LANES, 1))
    built.clear()
    again = layout.build([], [], [], [], TODAY, lanes=ALL_LANES, previous=first, changed={"doses"})
    assert built == Counter({"doses": 1})
    for old, new in zip(first.lanes, again.lanes, strict=True):
        assert (new is old) == (new.key != "doses")
    built.clear()
    layout.build([], [], [], [], TODAY, lanes=ALL_LANES, previous=first, changed={"counts"})
    assert built == Counter({"transfusions": 1, "anc": 1, "hgb": 1, "plt": 1})
    built.clear()  # another day: the lanes that end at today
    layout.build([], [], [], [], TODAY.replace(day=1), lanes=ALL_LANES, previous=first, changed=())
    assert built == Counter({"phases": 1, "appointments": 1, "medicines": 1, "stays": 1})
    built.clear()  # no previous, or nothing said about what changed: everything
    layout.build([], [], [], [], TODAY, lanes=ALL_LANES, previous=first)
    assert built == Counter(dict.fromkeys(ALL_LANES, 1))


def _view(bridge, tmp_path: Path, qtbot: QtBot):  # type: ignore[no-untyped-def]
    from ui.timeline.view import TimelineView

    view = TimelineView(bridge, QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.refresh()  # the whole history (no wait for the timer)
    return view


def test_a_dose_change_lays_out_only_the_doses_lane_again(
    qtbot: QtBot, demo_copy: Record, tmp_path: Path, built: Counter[str]
) -> None:
    from ui.bridge import RecordBridge

    bridge = RecordBridge(demo_copy)
    view = _view(bridge, tmp_path, qtbot)
    child_id = bridge.child_id
    assert child_id is not None
    before = view.widget.timeline
    assert before is not None
    doses_before = before.lane("doses")
    assert doses_before is not None and doses_before.marks
    built.clear()
    dose = demo_copy.entries(DoseLog, child_id)[-1]
    assert dose.id is not None
    view.hide()  # on the Today tab: the change waits until the timeline is shown
    bridge.delete(DoseLog, dose.id)
    assert built == Counter()
    view.show()
    assert built == Counter({"doses": 1})
    after = view.widget.timeline
    assert after is not None and after is not before
    doses_after = after.lane("doses")
    assert doses_after is not None
    assert len(doses_after.marks) == len(doses_before.marks) - 1  # the change is shown
    for key in set(view.shown_lanes()) - {"doses"}:
        assert after.lane(key) is before.lane(key)
    # two kinds changed while hidden: the lanes of both
    built.clear()
    view.hide()
    bridge.undo_stack.undo()
    bridge.changed.emit(Changes.of(Temperature))
    view.show()
    assert built == Counter({"doses": 1, "temperatures": 1})
    # a lane shown again is laid out; the others are kept
    built.clear()
    view.lane_actions["doses"].setChecked(False)
    assert built == Counter()
    view.lane_actions["doses"].setChecked(True)
    assert built == Counter({"doses": 1})


def test_other_changes_still_lay_out_what_they_feed(
    qtbot: QtBot, demo_copy: Record, tmp_path: Path, built: Counter[str]
) -> None:
    from ui.bridge import RecordBridge

    bridge = RecordBridge(demo_copy)
    view = _view(bridge, tmp_path, qtbot)
    built.clear()
    bridge.changed.emit(Changes.of(Phase, Milestone))
    assert built == Counter({"phases": 1, "milestones": 1, "plan": 1})
    built.clear()
    bridge.changed.emit(Changes.of(Appointment))
    assert built == Counter({"appointments": 1})
    built.clear()
    bridge.changed.emit(Changes(frozenset({"question"})))  # no lane is drawn from it
    assert built == Counter()
    built.clear()
    bridge.changed.emit(Changes(everything=True))
    assert built == Counter(dict.fromkeys(view.shown_lanes(), 1))
    built.clear()
    view.threshold_action.toggle()  # the lines on the charts
    assert built == Counter({"anc": 1, "hgb": 1, "plt": 1})


def test_the_view_reads_every_input_from_its_kind() -> None:
    """Each of build()'s inputs that is entries has the kind a change of which re-reads it."""
    from ui.timeline.view import INPUT_MODELS

    params = set(inspect.signature(layout.build).parameters)
    not_entries = {"lanes", "previous", "changed", "today", "thresholds", "display_units"}
    assert set(INPUT_MODELS) == params - not_entries
