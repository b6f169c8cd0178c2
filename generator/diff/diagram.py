"""The diff comment's diagram: the neighbourhood of what changed, from both sides of the change.

What changed (an element added, changed or removed, a consumer edge or a publisher edge added or removed, a
dead-letter channel turned on or off) is drawn with everything it is joined to, on either side: a removed
service with the channels it used, a removed consumer edge (red, dashed) between the channel and the service
that still exist, a removed queue with its old edges and its dead-letter channel. Services stay boxes, queues
cylinders and topics hexagons, each with its own fill; the change is the outline (green added, orange changed,
red dashed removed), so a changed service never looks like a queue.

The diagram keeps to the docs' limits (``docs.views``: at most 60 boxes, about 2,000 px wide): when the
neighbourhood is larger, only the changed elements are drawn; when those are too, at most ``MAX_DIAGRAMS``
diagrams of them, else a sentence says why there is none. A pull-request comment never shows Mermaid's error box.
"""

from __future__ import annotations

from ..docs import views
from ..docs.mermaid import node_id
from ..escape import md_fence, mermaid_label

LEGEND = ("Green outline: added; orange outline: changed; red, dashed: removed (edges too). Services are boxes, "
          "queues cylinders, topics hexagons, dead-letter channels small dashed cylinders. Only what the change "
          "touches is drawn, with what it is joined to.")
MAX_DIAGRAMS = 3
_STYLE = ["  classDef dlq fill:#fce8e6,stroke:#d93025,color:#a50e0e,stroke-dasharray: 3 3",
          "  classDef added stroke:#188038,stroke-width:4px",
          "  classDef changed stroke:#e37400,stroke-width:4px",
          "  classDef removed fill:#fce8e6,stroke:#d93025,stroke-width:3px,stroke-dasharray: 6 4,color:#a50e0e"]
_LINK_STYLE = {"added": "stroke:#188038,stroke-width:3px",
               "removed": "stroke:#d93025,stroke-width:2px,stroke-dasharray: 6 4"}


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


def _side(topo) -> tuple:
    """(node id -> (kind, name), edges {(src, dst): label}, dead letters {dlq id: (channel id, label)}) of one side."""
    nodes, edges, dlqs = {}, {}, {}
    if topo is None:
        return nodes, edges, dlqs
    for s in topo.services.values():
        nodes[node_id("svc", s.name)] = ("service", s.name)
    for ch in topo.channels():
        cid = node_id("q" if ch.kind == "queue" else "t", ch.name)
        nodes[cid] = (ch.kind, ch.name)
        if ch.kind == "queue" and ch.settings.dead_letter.enabled:
            dlqs[node_id("dlq", ch.name)] = (cid, f"{ch.name}-dlq")
        for r in topo.publishers.get(ch.name, ()):
            edges[(node_id("svc", r.service), cid)] = ""
        for c in topo.consumers.get(ch.name, ()):
            edges[(cid, node_id("svc", c.service))] = views.consumer_label(c)
            if ch.kind == "topic" and c.settings is not None and c.settings.dead_letter.enabled:
                dlqs[node_id("dlq", ch.name, c.service)] = (cid, f"{ch.name}-{c.service}-dlq")
    return nodes, edges, dlqs


def _box(nid: str, kind: str, name: str, status: str, topo) -> views.Box:
    if kind == "service":
        b = views.service_box(name)
    else:
        ch = topo.channel(name) if topo is not None else None
        b = views.channel_box(topo, ch) if ch is not None else None
        if b is None:  # defensive: a node whose channel is on neither side
            b = views.Box(nid, f'  {nid}["{mermaid_label(name)}"]', kind, views.text_width(name), name)
    if status == "removed":
        line = b.line.replace("<br/>", "<br/>removed ", 1) if "<br/>" in b.line else \
            b.line.replace('"]', '<br/>removed"]', 1)
        b = b._replace(line=line)
    return b


class _Change:
    def __init__(self, diff):
        head, base = diff.head_topology, diff.base_topology
        self.head, self.base = head, base
        h_nodes, h_edges, h_dlqs = _side(head)
        b_nodes, b_edges, b_dlqs = _side(base)
        marks = _subject_nodes(diff)
        self.status: dict = {}
        for nid in h_nodes.keys() | b_nodes.keys():
            if nid not in h_nodes:
                self.status[nid] = "removed"
            elif nid not in b_nodes and base is not None:
                self.status[nid] = marks.get(nid, "added")
            elif nid in marks:
                self.status[nid] = marks[nid] if marks[nid] != "removed" else "changed"
        self.nodes = {**b_nodes, **h_nodes}  # kind, name
        self.edges: dict = {}  # (src, dst) -> (label, status or "")
        for key in h_edges.keys() | b_edges.keys():
            if key not in h_edges:
                self.edges[key] = (b_edges[key], "removed")
            elif key not in b_edges and base is not None:
                self.edges[key] = (h_edges[key], "added")
            else:
                self.edges[key] = (h_edges[key], "")
        self.dlqs: dict = {}  # dlq id -> (channel id, label, status): only those that come or go
        for key in h_dlqs.keys() | b_dlqs.keys():
            if key not in h_dlqs:
                self.dlqs[key] = (*b_dlqs[key], "removed")
            elif key not in b_dlqs and base is not None:
                self.dlqs[key] = (*h_dlqs[key], "added")
        if base is None:  # everything is new: mark nothing twice
            self.status = {n: "added" for n in self.nodes}
        self._focus = self.focus()

    def focus(self) -> set:
        """The node ids the change touches: marked elements, ends of edges that come or go, owners of DLQs."""
        out = set(self.status)
        for (a, b), (_, st) in self.edges.items():
            if st:
                out.update((a, b))
        out.update(ch for ch, _, _ in self.dlqs.values())
        return out

    def box(self, nid: str) -> views.Box:
        kind, name = self.nodes[nid]
        st = self.status.get(nid, "")
        return _box(nid, kind, name, st, self.base if st == "removed" else self.head)

    def draw(self, shown: set) -> str:
        boxes = {n: self.box(n) for n in sorted(shown, key=self._order)}
        links, styles = [], {}
        for (a, b), (label, st) in sorted(self.edges.items()):
            if a in shown and b in shown and (a in self._focus or b in self._focus):
                links.append(views.link(a, b, label, dashed=st == "removed"))
                if st:
                    styles.setdefault(st, []).append(len(links) - 1)
        for did, (ch, label, st) in sorted(self.dlqs.items()):
            if ch in shown:
                boxes[did] = views.Box(did, f'  {did}[("{mermaid_label(label)}<br/>{st} dead letters")]', "dlq",
                                       views.text_width(label, f"{st} dead letters"))
                links.append(views.link(ch, did, dashed=True))
                styles.setdefault(st, []).append(len(links) - 1)
        text = views.render(boxes, links)
        lines = text.rstrip("\n").split("\n") + _STYLE
        for st in ("added", "changed", "removed"):
            ids = [n for n in boxes if self.status.get(n) == st or (n in self.dlqs and self.dlqs[n][2] == st)]
            if ids:
                lines.append(f"  class {','.join(ids)} {st}")
        for st, idx in sorted(styles.items()):
            lines.append(f"  linkStyle {','.join(map(str, idx))} {_LINK_STYLE[st]}")
        return "\n".join(lines) + "\n", len(boxes), links

    def _order(self, nid: str):
        kind, name = self.nodes[nid]
        return (0 if kind == "service" else 1, name)


def touched(diff) -> tuple:
    """The node ids a change draws: (the focus, the focus with its neighbours)."""
    ch = _Change(diff)
    focus = ch.focus()
    near = set(focus)
    for a, b in ch.edges:
        if a in focus or b in focus:
            near.update((a, b))
    return ch, focus, near


def markdown(diff) -> list:
    """The lines of the comment's diagram section."""
    ch, focus, near = touched(diff)
    if not focus:
        return ["This change touches none of the topology's channels or services: no diagram here. "
                "`topowire docs` draws the topology."]
    dlq_boxes = lambda shown: sum(1 for c, _, _ in ch.dlqs.values() if c in shown)  # noqa: E731
    for shown, note in ((near, ""), (focus, "Only the changed elements are drawn: with what they are joined to, "
                                            "they are more than one readable diagram holds.")):
        if len(shown) + dlq_boxes(shown) <= views.MAX_BOXES:
            text, _, links = ch.draw(shown)
            boxes = {n: ch.box(n) for n in shown}
            if views.direction_for(boxes, links) is not None:
                return ([note, ""] if note else []) + [md_fence(text, "mermaid"), "", LEGEND]
    # the changed elements in a few diagrams, each within the limits
    order = sorted(focus, key=ch._order)
    chunk = views.MAX_BOXES // 2
    parts = [set(order[i:i + chunk]) for i in range(0, len(order), chunk)]
    if len(parts) <= MAX_DIAGRAMS:
        out = [f"This change touches {len(focus)} elements, more than one readable diagram holds: they are drawn in "
               f"{len(parts)} diagrams, without what they are joined to.", ""]
        for i, p in enumerate(parts, 1):
            text, _, _ = ch.draw(p)
            out += [f"Diagram {i} of {len(parts)}:", "", md_fence(text, "mermaid"), ""]
        return out + [LEGEND]
    return [f"This change touches {len(focus)} elements, more than {MAX_DIAGRAMS} readable diagrams hold "
            f"({views.MAX_BOXES} boxes each): no diagram here. `topowire docs` draws the whole topology; the lists "
            "above and below say what changes."]
