"""What rules share: the context they read and the 'did you mean' helper."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Context:
    topology: Any
    data: dict  # the raw document, for the few rules that compare what was written
    clouds: tuple  # clouds whose limits are checked: targets, narrowed by --cloud
    environment: Any = None  # the environment this pass checks; None: the file as written
    stacks: dict = field(default_factory=dict, compare=False)  # every declared environment's Topology
    cache: dict = field(default_factory=dict, compare=False)  # work several rules share

    def derived_names(self, cloud: str) -> list:
        """The cloud's derived names of this topology, computed once for all rules."""
        from ..clouds import derived_names

        return derived_names(self.topology, cloud)

    def raw(self, path):
        node = self.data
        for part in path:
            node = node[part]
        return node


class Names:
    """Names to suggest from ("did you mean"), in time linear in the file however many names are wrong.

    A suggestion is difflib's closest match (ratio at least 0.6; among equals, the last in sorted
    order). Comparing every unknown name with every known one is quadratic: 3,000 unknown references
    among 3,000 channels took 29 s. So each distinct unknown name is looked up once, and the full
    comparison runs only while the comparisons made so far stay under ``BUDGET``, which every
    ordinary file does (a few typos among a few hundred names). Past it, a name is compared only
    with the known names one typo away (a character added, dropped, changed or two swapped: they
    share a one-deletion variant), found through an index of those variants, at most
    ``NEIGHBOURS`` of them.
    """

    BUDGET = 20_000  # name comparisons spent on full scans, per set of names
    NEIGHBOURS = 64  # names compared per look-up once past the budget

    def __init__(self, choices):
        self.choices = sorted(set(choices))
        self.spent = 0
        self.cache: dict = {}
        self._index = None

    def closest(self, name: str):
        """The closest known name, or None."""
        if name not in self.cache:
            if self.spent + len(self.choices) <= self.BUDGET:
                self.spent += len(self.choices)
                pool = self.choices
            else:
                pool = self._neighbours(name)
            close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
            self.cache[name] = close[0] if close else None
        return self.cache[name]

    def _neighbours(self, name: str) -> list:
        if self._index is None:
            self._index = {}
            for choice in self.choices:
                for variant in _deletions(choice):
                    self._index.setdefault(variant, []).append(choice)
        if len(name) > 256:  # the schema keeps names shorter; never build a quadratic set of variants
            return []
        found = set()
        for variant in _deletions(name):
            found.update(self._index.get(variant, ()))
        return sorted(found)[:self.NEIGHBOURS]


def _deletions(name: str) -> set:
    """``name`` and every string made by deleting one of its characters."""
    return {name, *(name[:i] + name[i + 1:] for i in range(len(name)))}


def did_you_mean(name: str, choices) -> str:
    """The hint for an unknown ``name``; pass a ``Names`` when looking up many names in one set."""
    names = choices if isinstance(choices, Names) else Names(choices)
    close = names.closest(name)
    return f"did you mean '{close}'?" if close else ""


