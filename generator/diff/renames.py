""""Did you mean to rename?": a channel or service removed and a similar one added in the same change.

Without ``renamed_from`` that is a delete and a create: the deployed queue goes, with its messages.
A pair is suggested when the names are alike, or the two are wired to the same services. The cost is
bounded: at most ``LIMIT`` removed and added names of a kind are compared.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

LIMIT = 50
THRESHOLD = 0.6


@dataclass(frozen=True)
class Suggestion:
    kind: str   # queue | topic | service
    old: str
    new: str

    def text(self) -> str:
        keep = "its deployed resources" if self.kind == "service" else "the deployed " + self.kind + " and its messages"
        return (f"{self.kind} '{self.old}' is removed and {self.kind} '{self.new}' added: if that is a rename, add "
                f"'renamed_from: {self.old}' to {self.kind} '{self.new}' to keep {keep}")

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _wiring(topo, kind: str, name: str) -> frozenset:
    if kind == "service":
        s = topo.services[name]
        return frozenset([("publishes", r.channel) for r in s.publishes] + [("consumes", c.channel) for c in s.consumes])
    return frozenset([("publisher", s.name) for s in topo.services.values() if any(r.channel == name for r in s.publishes)]
                     + [("consumer", c.service) for c in topo.consumers.get(name, ())])


def _named(topo, kind: str) -> dict:
    if kind == "service":
        return {s.deployed_name: s.name for s in topo.services.values()}
    return {c.deployed_name: c.name for c in topo.channels() if c.kind == kind}


def suggest(base, head) -> list:
    if base is None or head is None:
        return []
    out = []
    for kind in ("queue", "topic", "service"):
        old, new = _named(base, kind), _named(head, kind)
        removed = sorted(old[k] for k in old.keys() - new.keys())[:LIMIT]
        added = sorted(new[k] for k in new.keys() - old.keys())[:LIMIT]
        scored = []
        for o in removed:
            for n in added:
                score = difflib.SequenceMatcher(None, o, n).ratio()
                wiring = _wiring(base, kind, o)
                if wiring and wiring == _wiring(head, kind, n):
                    score += 0.5
                if score >= THRESHOLD:
                    scored.append((-score, o, n))
        taken = set()
        for _, o, n in sorted(scored):
            if o not in taken and n not in taken:
                taken |= {o, n}
                out.append(Suggestion(kind, o, n))
    return sorted(out, key=lambda s: (s.kind, s.old))
