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
    cache: dict = field(default_factory=dict, compare=False)  # work several rules share

    def derived_names(self, cloud: str) -> list:
        """The cloud's derived names of this topology, computed once for all rules."""
        if ("names", cloud) not in self.cache:
            from ..clouds import spec

            self.cache[("names", cloud)] = spec(cloud).derived_names(self.topology)
        return self.cache[("names", cloud)]

    def raw(self, path):
        node = self.data
        for part in path:
            node = node[part]
        return node


def did_you_mean(name: str, choices) -> str:
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


