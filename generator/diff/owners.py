"""The groups (teams, the services' ``owner``: docs/format.md, "Groups") a change touches.

What the comment's diagram draws as changed (``diagram.touched``: an element added, changed or removed, an edge
or a dead-letter channel that comes or goes) belongs to a group on the side it is on: HEAD's for what HEAD has,
BASE's for what was removed. A workflow can ask those teams to review (docs/review.md); the names are the file's
free text, untrusted like everything else in the report.
"""

from __future__ import annotations

from ..groups import groups
from . import diagram


def touched(diff) -> list:
    """The sorted names of the groups the change touches (``(no owner)`` for a service without any owner)."""
    change, focus, _ = diagram.touched(diff)
    sides = [(t, groups(t)) for t in (diff.head_topology, diff.base_topology) if t is not None]
    out = set()
    for nid in focus:
        kind, name = change.nodes[nid]
        for _topo, g in sides:  # HEAD's group when HEAD has it, else BASE's
            grp = g.of_service.get(name) if kind == "service" else g.of_channel.get(name)
            if grp is not None:
                out.add(grp)
                break
    return sorted(out)
