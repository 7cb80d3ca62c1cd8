"""Protocol roadmap templates and the plan arithmetic made from them (pure, no storage).

- :mod:`tracker.roadmap.template`: the values (a template, its arms, phases, time points);
- :mod:`tracker.roadmap.read`: read and check a template file, or refuse it;
- :mod:`tracker.roadmap.write`: write one ("save our plan as a template");
- :mod:`tracker.roadmap.plan`: every planned item's date in one arm, or why it is unknown;
- :mod:`tracker.roadmap.shift`: what moves when a phase really starts or ends on another day.

The file format: docs/roadmap-format.md.
"""
