"""The diff comment's diagram: HEAD's topology with added, changed and removed elements styled apart.

The whole topology when Mermaid can draw it in one diagram (``docs.mermaid``'s limits); otherwise only the
channels a change touches, with their services; otherwise none, and the comment says why. A pull-request
comment never shows Mermaid's error box.
"""

from __future__ import annotations

from ..docs import mermaid
from ..docs.mermaid import label, node_id
from ..escape import md_fence

LEGEND = "Green: added; orange: changed; red, dashed: removed."
_STYLE = ["  classDef added fill:#e6f4ea,stroke:#188038,stroke-width:3px",
          "  classDef changed fill:#fef7e0,stroke:#e37400,stroke-width:3px",
          "  classDef removed fill:#fce8e6,stroke:#d93025,stroke-width:3px,stroke-dasharray: 6 4"]


def _subject_nodes(diff) -> dict:
    """Mermaid node id -> added/changed/removed, from the semantic changes.

    A consumer's change marks its service; a detail on an existing element (a setting, a rename) marks it
    changed; a bare added/removed marks the element itself.
    """
    marks: dict = {}
    for c in diff.changes:
        kind, _, rest = c.subject.partition(" '")
        prefix = {"queue": "q", "topic": "t", "service": "svc", "consumer": "svc"}.get(kind)
        if prefix is None:
            continue
        op = "changed" if kind == "consumer" or c.detail or c.op == "renamed" else c.op
        nid = node_id(prefix, rest.split("'", 1)[0])
        if marks.get(nid) not in ("added", "removed"):
            marks[nid] = op
    return marks


def _removed(diff, marks: dict) -> dict:
    """Node id -> the line declaring it, for BASE's channels and services that HEAD no longer has (marked in
    ``marks``)."""
    head, base = diff.head_topology, diff.base_topology
    lines: dict = {}
    if base is None:
        return lines
    kept_channels = {c.deployed_name for c in head.channels()}  # one set, not a scan per removed channel
    kept_services = {h.deployed_name for h in head.services.values()}
    for ch in base.channels():
        if head.channel(ch.name) is None and ch.deployed_name not in kept_channels:
            nid = node_id("q" if ch.kind == "queue" else "t", ch.name)
            shape = f'[("{label(ch.name)[1:-1]}<br/>removed {ch.kind}")]' if ch.kind == "queue" else \
                f'{{{{"{label(ch.name)[1:-1]}<br/>removed topic"}}}}'
            lines[nid] = f"  {nid}{shape}"
            marks[nid] = "removed"
    for s in base.services.values():
        if s.name not in head.services and s.deployed_name not in kept_services:
            nid = node_id("svc", s.name)
            lines[nid] = f'  {nid}["{label(s.name)[1:-1]}<br/>removed"]'
            marks[nid] = "removed"
    return lines


def _styled(body: str, removed: dict, marks: dict, shown=None) -> str:
    lines = body.rstrip("\n").split("\n") + list(removed.values()) + _STYLE
    for op in ("added", "changed", "removed"):
        ids = sorted(n for n, o in marks.items() if o == op and (shown is None or n in shown))
        if ids:
            lines.append(f"  class {','.join(ids)} {op}")
    return "\n".join(lines) + "\n"


def markdown(diff) -> list:
    """The lines of the comment's diagram section."""
    g = mermaid.graph(diff.head_topology)
    marks = _subject_nodes(diff)
    extra = _removed(diff, marks)
    if len(g.edges) <= mermaid.MAX_EDGES:  # else it cannot fit, whatever its length
        whole = _styled(mermaid.text(g), extra, marks)
        if mermaid.fits(whole, len(g.edges), mermaid.slack(g.edges)):  # as in every environment
            return [md_fence(whole, "mermaid"), "", LEGEND]
    # Too large for one diagram: the channels a change touches (a marked channel or dead-letter channel, or a
    # marked service at one end of its edges), with every node their edges join.
    changed = set(marks)
    nodes: dict = {}
    edges: list = []
    for _, own, own_edges in g.channels:
        if changed.intersection(own) or any(changed.intersection(e.ends) for e in own_edges):
            nodes.update(dict.fromkeys(own))
            nodes.update(dict.fromkeys(n for e in own_edges for n in e.ends))
            edges += own_edges
    nodes.update(dict.fromkeys(n for n in changed if n in g.nodes))  # a changed service without channels
    part = _styled(mermaid.text(g, list(nodes), edges), extra, marks, set(nodes) | set(extra))
    why = (f"The whole topology is more than Mermaid draws in one diagram ({mermaid.MAX_EDGES} edges and "
           f"{mermaid.MAX_TEXT:,} characters at most)")
    if not nodes and not extra:  # tags, defaults or a message: nothing to draw but an empty frame
        return [f"{why}, and this change touches none of its channels or services: no diagram here. "
                "`topowire docs` draws the whole topology in parts."]
    if mermaid.fits(part, len(edges), mermaid.slack(edges)):
        return [f"{why}: this shows only the channels the change touches and their services.", "",
                md_fence(part, "mermaid"), "", LEGEND]
    return [f"{why}, and so is the part this change touches ({len(marks)} changed element(s), {len(edges)} edges): "
            "no diagram here. `topowire docs` draws the whole topology in parts; the lists above and below say "
            "what changes."]
