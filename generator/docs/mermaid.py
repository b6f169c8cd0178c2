"""The Mermaid flowchart of a topology, in as many diagrams as Mermaid can render.

Services are boxes, queues cylinders, topics hexagons, dead-letter channels
dashed cylinders; filters label the edges they restrict and FIFO channels say
so. Node ids are derived from names, so the same topology always gives the
same text.

Mermaid refuses a diagram longer than 50,000 characters or with more than 500
edges (its defaults; below) and draws an error box instead, so a topology of a
few hundred services cannot be one diagram. ``parts`` splits it: connected
channels stay together where they fit, each part declares the nodes it uses
(a service with channels in two parts appears in both), and a channel with
more edges than one diagram holds is spread over several.
"""

from __future__ import annotations

import re
from functools import partial
from typing import NamedTuple

from ..escape import mermaid_label

# Mermaid 11's defaults (node_modules/mermaid, the renderer the tests run): `MAX_TEXTLENGTH = 5e4` in
# dist/mermaid.core.mjs (a longer diagram is replaced by "Maximum text size in diagram exceeded", counted in
# JavaScript string length, UTF-16 code units) and `"maxEdges": 500` in its default config (a flowchart with more
# edges throws "Edge limit exceeded").
MAX_TEXT = 50_000
MAX_EDGES = 500
# An edge label longer than this (a filter with hundreds of values) is shortened in the diagram; the consumers
# table lists the whole filter.
MAX_LABEL = 1_000

_SECTIONS = ("services", "queues", "topics", "publishers", "consumers", "dead letters")
_CLASSES = ("service", "queue", "topic", "dlq")
_STYLE = ("  classDef service fill:#e8f0fe,stroke:#1a73e8,color:#174ea6",
          "  classDef queue fill:#fef7e0,stroke:#e37400,color:#5f3b00",
          "  classDef topic fill:#e6f4ea,stroke:#188038,color:#0d652d",
          "  classDef dlq fill:#fce8e6,stroke:#d93025,color:#a50e0e,stroke-dasharray: 5 5")


def node_id(prefix: str, *names: str) -> str:
    return prefix + "_" + "__".join([n.replace("-", "_") for n in names])


def label(text: str) -> str:
    """A quoted Mermaid label: one line; quotes, brackets, entities and backticks as entities."""
    return '"' + mermaid_label(text) + '"'


def filter_text(flt) -> str:
    return "; ".join(f"{attr} = {' or '.join(values)}" for attr, values in flt)


def js_length(text: str) -> int:
    """The length Mermaid measures: JavaScript's, in UTF-16 code units (a character beyond U+FFFF counts 2)."""
    n = len(text)
    return n if text.isascii() else n + sum(ord(ch) > 0xFFFF for ch in text)


def _edge_label(text: str) -> str:
    if len(text) <= MAX_LABEL:
        return label(text)
    return label(text[:MAX_LABEL].rsplit(" ", 1)[0] + " … (shortened: the consumers table has all of it)")


class Node(NamedTuple):
    order: int
    section: int
    line: str
    nid: str
    cls: str
    cost: int  # what it adds to a diagram's length: its line, its newline, its id in a "class" line and a comma


class Edge(NamedTuple):
    order: int
    section: int
    line: str
    ends: tuple  # the node ids it joins
    cost: int    # its line and newline, and its slack
    slack: int = 0  # characters its line may grow by in another environment (``_receive_slack``)


class Graph(NamedTuple):
    nodes: dict      # node id -> Node
    edges: list      # Edge, in the whole diagram's order
    channels: list   # (channel name, its node ids, its edges) in topology order: the units parts are made of
    loose: list      # node ids of services without any channel
    services: list   # per channel (as ``channels``), the service node ids its edges join


# Tens of thousands of each per large topology: made as tuple.__new__ does, without the named tuple's Python-level
# __new__ (a third of the time).
_new_node = partial(tuple.__new__, Node)
_new_edge = partial(tuple.__new__, Edge)


def _labels(names) -> dict:
    """``mermaid_label`` of each name; at once when every name needs nothing (their characters allow it)."""
    names = list(names)
    if _PLAIN_NAMES.fullmatch("".join(names)):
        return {n: n for n in names}
    return {n: mermaid_label(n) for n in names}


_PLAIN_NAMES = re.compile(r"[a-z0-9-]*")  # the topology's names as its schema allows them: nothing to escape


def _offloads(channel) -> str:
    """A note in the label of a channel whose large bodies go to object storage (large_payloads)."""
    return " · large payloads" if getattr(channel, "large_payloads", None) is not None else ""


def graph(topo) -> Graph:
    """Every node and edge of the topology's diagram, grouped by the channel each belongs to.

    Written for a large topology's 50,000 nodes and edges: each name escaped once, each node and edge made as a
    plain tuple is."""
    consumers = topo.consumers
    svc = {name: node_id("svc", name) for name in topo.services}
    chan = {ch.name: node_id("q" if ch.kind == "queue" else "t", ch.name) for ch in topo.channels()}
    lab = _labels([*svc, *chan])
    own: dict = {name: ([], [], {}) for name in chan}  # channel -> ([its node ids], [its edges], {its services})
    nodes: dict = {}
    edges: list = []
    order = iter(range(1 << 62)).__next__

    def node(section, line, nid, cls, channel=None):
        nodes[nid] = _new_node((order(), section, line, nid, cls,
                                (len(line) if line.isascii() else js_length(line)) + len(nid) + 2))
        if channel is not None:
            own[channel][0].append(nid)

    for name, nid in svc.items():
        node(0, f'  {nid}["{lab[name]}"]', nid, "service")
    for q in topo.queues.values():
        nid = chan[q.name]
        node(1, f'  {nid}[("{lab[q.name]}<br/>{"FIFO queue" if q.fifo else "queue"}{_offloads(q)}")]', nid, "queue",
             q.name)
        if q.settings.dead_letter.enabled:
            did = node_id("dlq", q.name)
            node(1, f'  {did}[("{lab[q.name]}-dlq<br/>dead letters")]', did, "dlq", q.name)
    for t in topo.topics.values():
        nid = chan[t.name]
        node(2, f'  {nid}{{{{"{lab[t.name]}<br/>{"FIFO topic" if t.fifo else "topic"}{_offloads(t)}"}}}}', nid,
             "topic", t.name)
        for c in consumers.get(t.name, ()):
            if c.settings.dead_letter.enabled:
                did = node_id("dlq", t.name, c.service)
                node(2, f'  {did}[("{lab[t.name]}-{lab[c.service]}-dlq<br/>dead letters")]', did, "dlq", t.name)

    def edge(section, line, channel, src, dst, service=None, slack=0):
        e = _new_edge((order(), section, line, (src, dst),
                       (len(line) if line.isascii() else js_length(line)) + 1 + slack, slack))
        edges.append(e)
        mine = own[channel]
        mine[1].append(e)
        if service is not None:
            mine[2][service] = True

    for s in topo.services.values():
        src = svc[s.name]
        for r in s.publishes:
            dst = chan[r.channel]
            edge(3, f"  {src} --> {dst}", r.channel, src, dst, src)
    for name, src in chan.items():
        for c in consumers.get(name, ()):
            dst = svc[c.service]
            line = f"  {src} -- {_edge_label(filter_text(c.filter))} --> {dst}" if c.filter else f"  {src} --> {dst}"
            edge(4, line, name, src, dst, dst)
    for q in topo.queues.values():
        dl = q.settings.dead_letter
        if dl.enabled:
            src, dst = chan[q.name], node_id("dlq", q.name)
            edge(5, f'  {src} -. "after {dl.max_receive_count} receives" .-> {dst}', q.name, src, dst,
                 slack=_receive_slack(dl.max_receive_count))
    for t in topo.topics.values():
        src = chan[t.name]
        for c in consumers.get(t.name, ()):
            dl = c.settings.dead_letter
            if dl.enabled:
                dst = node_id("dlq", t.name, c.service)
                edge(5, f'  {src} -. "{lab[c.service]}: after {dl.max_receive_count} receives" .-> {dst}', t.name,
                     src, dst, slack=_receive_slack(dl.max_receive_count))

    used = {n for e in edges for n in e.ends}
    loose = [nid for nid in svc.values() if nid not in used]
    return Graph(nodes, edges, [(name, *own[name][:2]) for name in chan], loose, [list(own[name][2]) for name in chan])


def text(g: Graph, node_ids=None, edges=None) -> str:
    """The flowchart of ``g``, or of the given nodes and edges only (each edge's ends among the nodes)."""
    # Sorted as tuples: their first field, the order, is unique, so no other field is compared.
    nodes = g.nodes.values() if node_ids is None else sorted([g.nodes[n] for n in node_ids])
    edges = g.edges if edges is None else sorted(edges)
    by_section: list = [[] for _ in _SECTIONS]
    classes: dict = {c: [] for c in _CLASSES}
    for n in nodes:
        by_section[n.section].append(n.line)
        classes[n.cls].append(n.nid)
    for e in edges:
        by_section[e.section].append(e.line)
    out = ["flowchart LR"]
    for name, lines in zip(_SECTIONS, by_section):
        out.append(f"  %% {name}")
        out += lines
    out += _STYLE
    out += [f"  class {','.join(ids)} {cls}" for cls, ids in classes.items() if ids]
    return "\n".join(out) + "\n"


def flowchart(topo) -> str:
    """The whole topology as one flowchart (what Mermaid renders only while it ``fits``)."""
    return text(graph(topo))


def fits(diagram: str, edges: int, slack: int = 0) -> bool:
    """Whether Mermaid (with its default limits) renders ``diagram`` of ``edges`` edges rather than an error
    (``slack``: characters to count on top, for a decision every environment must share)."""
    return edges <= MAX_EDGES and js_length(diagram) + slack <= MAX_TEXT


def _receive_slack(count: int) -> int:
    """An environment may change ``max_receive_count`` (1 to 1000), the one number the diagram shows: its digits
    are counted as four wherever the diagram is split, so every stack's docs split at the same channels."""
    return 4 - len(str(count))


def slack(edges) -> int:
    """The characters ``edges`` may grow by in another environment."""
    return sum(e.slack for e in edges)


class Part(NamedTuple):
    first: str  # the first and last channel it draws, in the order it draws them ("" without channels)
    last: str
    channels: int
    text: str
    loose: int = 0  # services without any channel it draws too


# A part's text without its nodes' and edges' lines: the header, section comments, styles and "class" lines'
# own words (their ids are counted with each node).
_FIXED = js_length(text(Graph({}, [], [], [], []))) + sum(len(f"  class  {c}\n") for c in _CLASSES)


def parts(topo, g: Graph | None = None) -> list[Part]:
    """The diagram split into parts Mermaid renders, in a stable order: channels as the topology lists them,
    those connected through a service kept together where they fit. One part when the whole diagram fits."""
    g = g or graph(topo)
    if len(g.edges) <= MAX_EDGES:  # else it cannot fit, whatever its length
        whole = text(g)
        if fits(whole, len(g.edges), slack(g.edges)):
            return [Part("", "", len(g.channels), whole)]
    made: list = []
    part: dict = {"nodes": {}, "edges": [], "names": [], "size": _FIXED, "loose": 0}
    node_cost = {nid: n.cost for nid, n in g.nodes.items()}

    def cost(nids, edges) -> int:
        seen = part["nodes"]
        return sum([node_cost[n] for n in nids if n not in seen]) + sum([e.cost for e in edges])

    def close():
        if part["nodes"]:
            names = part["names"]
            made.append(Part(names[0] if names else "", names[-1] if names else "", len(dict.fromkeys(names)),
                             text(g, part["nodes"], part["edges"]), part["loose"]))
        part.update(nodes={}, edges=[], names=[], size=_FIXED, loose=0)

    def add(name, nids, edges, size=None):
        part["size"] += cost(nids, edges) if size is None else size
        part["nodes"].update(dict.fromkeys(nids, True))
        part["edges"] += edges
        if name is not None:
            part["names"].append(name)

    for i in _in_components(g):
        name, own, edges = g.channels[i]
        joined = g.services[i]
        fixed = sum([node_cost[n] for n in own]) + sum([e.cost for e in edges])  # what the channel's own lines add
        size = fixed + sum([node_cost[n] for n in joined if n not in part["nodes"]])
        if not _fits_in(part, size, len(edges)):
            close()
            size = fixed + sum([node_cost[n] for n in joined])  # a new part has none of its services yet
        if _fits_in(part, size, len(edges)):
            add(name, own + joined, edges, size)
            continue
        # One channel larger than a diagram: its edges over several parts, each with the nodes it joins.
        add(name, own[:1], [])
        for e in edges:
            if not _fits_in(part, cost(e.ends, [e]), 1):
                close()
                add(name, own[:1], [])
            add(None, e.ends, [e])
    for nid in g.loose:
        if not _fits_in(part, cost([nid], []), 0):
            close()
        add(None, [nid], [])
        part["loose"] += 1
    close()
    return made


def _fits_in(part: dict, size: int, edges: int) -> bool:
    return len(part["edges"]) + edges <= MAX_EDGES and part["size"] + size <= MAX_TEXT


def _in_components(g: Graph) -> list:
    """The channels' indices grouped by connected component (channels joined through a service), each component
    in the order of its first channel, channels in topology order within it."""
    parent = list(range(len(g.channels)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict = {}  # service node id -> the first channel index it touches
    for i, joined in enumerate(g.services):
        for n in joined:
            j = first.setdefault(n, i)
            if j != i:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict = {}
    for i in range(len(g.channels)):
        groups.setdefault(root(i), []).append(i)
    return [i for r in sorted(groups) for i in groups[r]]
