"""What an operation changed, so each screen refreshes only its part: a set of kinds (by
key), plus the few facts that are not kinds (how values are shown)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.kinds import registry
from tracker.kinds.child import CHILD
from tracker.kinds.kind import Kind


@dataclass(frozen=True, slots=True)
class Changes:
    kinds: frozenset[str] = frozenset()
    display: bool = False  # the units or grades values are shown with
    everything: bool = False

    @classmethod
    def of(cls, *models: Any) -> Changes:
        """The change of the kinds of ``models`` (model classes, entries or kind keys)."""
        return cls(frozenset(_key(m) for m in models))

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.kinds | other.kinds,
            self.display or other.display,
            self.everything or other.everything,
        )

    def touches(self, *models: Any) -> bool:
        """Did any of the kinds of ``models`` change (or the child, which all depend on)?"""
        if self.everything:
            return True
        keys = {_key(m) for m in models}
        return bool(self.kinds & keys) or CHILD.key in self.kinds

    def __contains__(self, model: Any) -> bool:
        """Did exactly this kind change (not counting the child)?"""
        return self.everything or _key(model) in self.kinds

    @property
    def any(self) -> bool:
        return self.everything or self.display or bool(self.kinds)


def _key(model: Any) -> str:
    if isinstance(model, Kind):
        return model.key
    if isinstance(model, str):
        return registry.by_key(model).key
    return registry.kind_of(model).key


ALL_CHANGED = Changes(everything=True)
