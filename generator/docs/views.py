"""Diagrams a person can read: at most ``MAX_BOXES`` boxes and about ``MAX_WIDTH`` px wide each, at any size.

A diagram shows a set of services and channels "in full" (every edge they have) and, as dashed grey stubs,
the services and channels of other groups they exchange messages with. Dead-letter channels get no box: a
queue's label says ``DLQ after N``, a topic's how many of its subscriptions keep dead letters (the dead-letter
table has every one). Edge labels are short (a filter's first words; the consumers table has all of it).

The boxes are split into as many diagrams as it takes (channels joined through a service kept together while
they fit), and each diagram's direction (left to right, or top down) is chosen from an estimate of its width
under Mermaid's layered layout (``direction_for``); the real mermaid-cli checks the estimate in the tests.
"""

from __future__ import annotations

from typing import NamedTuple

from ..escape import mermaid_label
from .mermaid import filter_text, node_id

MAX_BOXES = 60  # the limit every diagram keeps (the tests count them)
MAX_WIDTH = 2000  # px at natural size, as mermaid-cli renders it (the real-render tests measure it)
PACK_BOXES = 40  # what a diagram is filled to: past some 40 boxes Mermaid's layout is hard to follow
_BUDGET = 1700  # what the estimate may reach: the estimate is rough, the real limit is MAX_WIDTH
# Top down, Mermaid's layout (dagre: network-simplex ranks, crossings reduced by spreading) is wider than the
# longest-path ranks say: measured with mermaid-cli on organisation-shaped topologies, 1.3 to 2.6 times.
_TD_SPREAD = 1.7
MAX_EDGE_LABEL = 24
MAX_GROUP_LABEL = 32

# Mermaid 11 flowchart defaults: 16px trebuchet ms, nodeSpacing 50, rankSpacing 50, a node's padding 15.
_CHAR = 8.6
_PAD = 32
_GAP = 50

STYLE = ("  classDef service fill:#e8f0fe,stroke:#1a73e8,color:#174ea6",
         "  classDef queue fill:#fef7e0,stroke:#e37400,color:#5f3b00",
         "  classDef topic fill:#e6f4ea,stroke:#188038,color:#0d652d",
         "  classDef group fill:#f3e8fd,stroke:#8430ce,color:#4a148c",
         "  classDef stub fill:#f1f3f4,stroke:#80868b,color:#3c4043,stroke-dasharray: 4 4")
LEGEND = ("Services are boxes, queues cylinders, topics hexagons. A channel that keeps dead letters says so in its "
          "label (`DLQ after N` receives; for a topic, how many of its subscriptions do); the dead-letter table "
          "lists each. Edge labels are the first words of a consumer's filter (the consumers table has all of it).")


class Box(NamedTuple):
    nid: str
    line: str   # its declaration
    cls: str
    width: float
    name: str = ""  # a service's or group's name, for the text around the diagram


class Link(NamedTuple):
    src: str
    dst: str
    line: str
    label: float = 0.0  # the label's width, 0 without one


class Unit(NamedTuple):
    """What a diagram takes or leaves whole: boxes and the links between them."""
    boxes: tuple
    links: tuple


def text_width(*lines: str) -> float:
    return max(len(x) for x in lines) * _CHAR + _PAD


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _dlq_note(topo, ch) -> str:
    if ch.kind == "queue":
        dl = ch.settings.dead_letter
        return f"DLQ after {dl.max_receive_count}" if dl.enabled else ""
    subs = topo.consumers.get(ch.name, ())
    kept = sum(1 for c in subs if c.settings is not None and c.settings.dead_letter.enabled)
    if not kept:
        return ""
    return "DLQ per subscription" if kept == len(subs) else f"DLQ: {kept} of {len(subs)} subscriptions"


def channel_box(topo, ch, stub: str = "") -> Box:
    """A queue (cylinder) or topic (hexagon); ``stub``: the other group's name, drawn as a dashed grey stub."""
    nid = node_id("q" if ch.kind == "queue" else "t", ch.name)
    kind = ("FIFO " if ch.fifo else "") + ch.kind
    if getattr(ch, "large_payloads", None) is not None:
        kind += " · large payloads"
    lines = [mermaid_label(ch.name), kind]
    if stub:
        lines.append("of " + mermaid_label(short(stub, MAX_GROUP_LABEL)))
    else:
        note = _dlq_note(topo, ch)
        if note:
            lines.append(note)
    text = "<br/>".join(lines)
    line = f'  {nid}[("{text}")]' if ch.kind == "queue" else f'  {nid}{{{{"{text}"}}}}'
    width = text_width(ch.name, kind, lines[-1]) + (30 if ch.kind == "topic" else 0)
    return Box(nid, line, "stub" if stub else ch.kind, width)


def service_box(name: str, stub: str = "") -> Box:
    nid = node_id("svc", name)
    if stub:
        group = mermaid_label(short(stub, MAX_GROUP_LABEL))
        return Box(nid, f'  {nid}["{mermaid_label(name)}<br/>of {group}"]', "stub", text_width(name, "of " + group))
    return Box(nid, f'  {nid}["{mermaid_label(name)}"]', "service", text_width(name), name)


def group_box(nid: str, name: str, detail: str) -> Box:
    text = mermaid_label(short(name, MAX_GROUP_LABEL))
    return Box(nid, f'  {nid}["{text}<br/>{detail}"]', "group", text_width(short(name, MAX_GROUP_LABEL), detail), name)


def link(src: str, dst: str, label: str = "", dashed: bool = False) -> Link:
    if not label:
        return Link(src, dst, f"  {src} {'-.->' if dashed else '-->'} {dst}")
    text = mermaid_label(short(label, MAX_EDGE_LABEL))
    return Link(src, dst, f'  {src} {"-." if dashed else "--"} "{text}" {".->" if dashed else "-->"} {dst}',
                len(short(label, MAX_EDGE_LABEL)) * _CHAR + 10)


def consumer_label(c) -> str:
    return filter_text(c.filter) if c.filter else ""


# --- the estimate of a diagram's width under Mermaid's layered (dagre) layout ---

def _ranks(boxes: dict, inside: list) -> dict:
    """Longest-path layers of the boxes (links closing a cycle left out, as dagre reverses them); ``inside``: the
    links between two boxes of the diagram."""
    out_edges: dict = {n: [] for n in boxes}
    for ln in inside:
        if ln.src != ln.dst:
            out_edges[ln.src].append(ln.dst)
    order, state = [], {}
    append = order.append
    for start in boxes:  # iterative DFS: the post-order, back edges skipped
        if start in state:
            continue
        stack = [(start, iter(out_edges[start]))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            for nxt in it:
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(out_edges[nxt])))
                    break
            else:
                append(node)
                stack.pop()
    order.reverse()
    pos = {n: i for i, n in enumerate(order)}
    rank = dict.fromkeys(boxes, 0)
    for n in order:
        here, after = rank[n] + 1, pos[n]
        for m in out_edges[n]:
            if rank[m] < here and pos[m] > after:  # a forward edge (a back edge closes a cycle)
                rank[m] = here
    return rank


def _left_right(boxes: dict, inside: list, rank: dict) -> float:
    """Left to right: each rank as wide as its widest box, the labels of the edges leaving it between ranks."""
    widest: dict = {}
    for nid, b in boxes.items():
        r, w = rank[nid], b.width
        if w > widest.get(r, -1.0):
            widest[r] = w
    labels: dict = {}
    for ln in inside:
        if ln.label:  # a labelled edge puts its label between the ranks it joins
            a, b = rank[ln.src], rank[ln.dst]
            r = a if a < b else b
            if ln.label > labels.get(r, 0.0):
                labels[r] = ln.label
    return sum(widest.values()) + _GAP * (len(widest) - 1) + sum(labels.values()) + 16


def _top_down(boxes: dict, inside: list, rank: dict) -> float:
    """Top down: the widest rank, with its gaps, and the edges passing through it (a narrow dummy node each)."""
    across: dict = {}
    count: dict = {}
    for nid, b in boxes.items():
        r = rank[nid]
        if r in across:
            across[r] += b.width
            count[r] += 1
        else:
            across[r], count[r] = b.width, 1
    passing: dict = {}
    for ln in inside:
        a, b = rank[ln.src], rank[ln.dst]
        lo, hi = (a, b) if a < b else (b, a)
        for r in range(lo + 1, hi):
            passing[r] = passing.get(r, 0) + 1
    return max(across[r] + _GAP * (count[r] - 1) + passing.get(r, 0) * _GAP for r in across) * _TD_SPREAD + 16


class Diagram(NamedTuple):
    text: str
    names: tuple  # the services (or groups) it draws in full
    boxes: int


def direction_for(boxes: dict, links) -> str | None:
    """"LR" when the estimated width left to right is within budget, else "TD" when top down is, else None
    (top down is only estimated when left to right is too wide)."""
    if not boxes:
        return "LR"
    inside = [ln for ln in links if ln.src in boxes and ln.dst in boxes]
    rank = _ranks(boxes, inside)
    if _left_right(boxes, inside, rank) <= _BUDGET:
        return "LR"
    if _top_down(boxes, inside, rank) <= _BUDGET:
        return "TD"
    return None


def render(boxes: dict, links: list, direction: str | None = None) -> str:
    direction = direction or direction_for(boxes, links) or "LR"
    out = [f"flowchart {direction}"]
    out += [b.line for b in boxes.values()]
    out += [ln.line for ln in links]
    classes: dict = {}
    for b in boxes.values():
        classes.setdefault(b.cls, []).append(b.nid)
    out += [line for line in STYLE if line.split()[1] in classes]  # the styles of the classes it uses
    out += [f"  class {','.join(ids)} {cls}" for cls, ids in sorted(classes.items())]
    return "\n".join(out) + "\n"


def pack(units: list) -> list:
    """The units in diagrams of at most MAX_BOXES boxes and a width within budget, in order: a unit too large for
    a diagram of its own is spread over several (its links one by one, each with the boxes it joins)."""
    made: list = []
    boxes: dict = {}
    links: list = []
    way = [None]  # the direction of the diagram being made, as its last check found it

    def close():
        if boxes:  # a link to a box of an earlier diagram is not drawn here (Mermaid would make a bare node of it)
            made.append((dict(boxes), [ln for ln in links if ln.src in boxes and ln.dst in boxes], way[0]))
        boxes.clear()
        links.clear()

    def fits(new_boxes, new_links) -> bool:
        merged = dict(boxes)
        merged.update((b.nid, b) for b in new_boxes)
        if len(merged) > PACK_BOXES:
            return False
        found = direction_for(merged, links + list(new_links))
        if found is not None:
            way[0] = found
        return found is not None

    def add(new_boxes, new_links):
        boxes.update((b.nid, b) for b in new_boxes)
        links.extend(new_links)

    every = {b.nid: b for u in units for b in u.boxes}
    if 0 < len(every) <= PACK_BOXES:  # the common case (a group's page): all in one diagram, when it is narrow enough
        drawn = [ln for u in units for ln in u.links]
        way[0] = direction_for(every, drawn)
        if way[0] is not None:
            return [(every, [ln for ln in drawn if ln.src in every and ln.dst in every], way[0])]
    i = 0
    while i < len(units):
        # the most units from i on that fit: as many as the box count allows, fewer (bisected) while too wide
        seen, hi = dict(boxes), 0
        for u in units[i:]:
            seen.update((b.nid, b) for b in u.boxes)
            if len(seen) > PACK_BOXES:
                break
            hi += 1
        lo, best = 1, 0
        while lo <= hi:
            mid = hi if best == 0 and lo == 1 else (lo + hi) // 2  # the whole run first: most often it fits
            if fits([b for u in units[i:i + mid] for b in u.boxes], [ln for u in units[i:i + mid] for ln in u.links]):
                best, lo = mid, mid + 1
            else:
                hi = mid - 1
        if best:
            for u in units[i:i + best]:
                add(u.boxes, u.links)
            i += best
            continue
        if boxes:  # the next unit does not fit beside what is drawn: a new diagram
            close()
            continue
        u = units[i]  # one unit larger than a diagram: spread
        i += 1
        by_id = {b.nid: b for b in u.boxes}
        linked = {n for ln in u.links for n in (ln.src, ln.dst)}
        first = u.boxes[:1]  # the unit's own box (a channel), kept in each diagram it is spread over
        add(first, [])
        for ln in u.links:
            ends = [by_id[n] for n in (ln.src, ln.dst) if n in by_id]
            if not fits(ends, [ln]):
                close()
                add(first, [])
            add(ends, [ln])
        for b in u.boxes:
            if b.nid not in linked and b.nid not in boxes:
                if not fits([b], []):
                    close()
                add([b], [])
    close()
    return made


# --- a topology's services and channels as units ---

class Boxes:
    """The boxes and edges of one topology, each made once (a site draws a channel on its group's page and as a
    stub on each page that uses it): a service's box in full and as another group's stub, a channel's, and each
    channel's edges to its publishers and consumers."""

    def __init__(self, topo):
        self.topo = topo
        self.full: dict = {}   # service -> its box
        self.stubs: dict = {}  # (kind, name, group) -> the box of another group's service ("s") or channel ("c")
        self.channels: dict = {}  # channel -> its box
        self.edges: dict = {}  # channel -> ((publisher, Link), ...), ((consumer, Link), ...)

    def service(self, name: str) -> Box:
        box = self.full.get(name)
        if box is None:
            box = self.full[name] = service_box(name)
        return box

    def stub(self, kind: str, name: str, group: str) -> Box:
        key = (kind, name, group)
        box = self.stubs.get(key)
        if box is None:
            box = self.stubs[key] = service_box(name, group) if kind == "s" else \
                channel_box(self.topo, self.topo.channel(name), group)
        return box

    def channel(self, name: str) -> Box:
        box = self.channels.get(name)
        if box is None:
            box = self.channels[name] = channel_box(self.topo, self.topo.channel(name))
        return box

    def edges_of(self, name: str, nid: str) -> tuple:
        made = self.edges.get(name)
        if made is None:
            topo = self.topo
            made = self.edges[name] = (
                tuple((r.service, link(node_id("svc", r.service), nid)) for r in topo.publishers.get(name, ())),
                tuple((c.service, link(nid, node_id("svc", c.service), filter_text(c.filter) if c.filter else ""))
                      for c in topo.consumers.get(name, ())))
        return made


def units(topo, services, channels, of_service=None, of_channel=None, made=None, others=None) -> list:
    """The units of a diagram drawing ``services`` and ``channels`` (names, in order) in full: each channel with
    the services at its ends, then each other group's channel those services use (a stub), then services without
    any channel. ``of_service``/``of_channel`` name the group of a box drawn as a stub (None: one page, no
    stubs). Channels come in the order the services reach them, so a service's channels are neighbours.
    ``others``: an Others that records the other groups' channels drawn as stubs and the groups of the services
    drawn as stubs."""
    mine_s, mine_c = set(services), set(channels)
    of_service, of_channel = of_service or {}, of_channel or {}
    made = made if made is not None else Boxes(topo)
    service_box_of, stub = made.service, made.stub

    order: dict = {}
    queues, topics = topo.queues, topo.topics
    for name in services:
        s = topo.services[name]
        for r in s.publishes:
            if r.channel in queues or r.channel in topics:
                order.setdefault(r.channel, None)
        for c in s.consumes:
            if c.channel in queues or c.channel in topics:
                order.setdefault(c.channel, None)
    ordered = [c for c in order if c in mine_c] + [c for c in channels if c not in order]
    out, drawn = [], set()
    services_all = topo.services

    def unit(name, box, keep):  # a channel's box, with its edges to the services ``keep`` accepts
        nid = box.nid
        bs, ls = {nid: box}, []
        for side in made.edges_of(name, nid):  # publishers, then consumers
            for svc, ln in side:
                if not keep(svc):
                    continue
                if svc in mine_s:
                    b = service_box_of(svc)
                else:
                    group = of_service.get(svc, "?")
                    b = stub("s", svc, group)
                    if others is not None:
                        others.groups.add(group)
                bs[b.nid] = b
                ls.append(ln)
        drawn.update(bs)
        out.append(Unit(tuple(bs.values()), tuple(ls)))

    for name in ordered:  # this page's channels, with every service they join
        unit(name, made.channel(name), services_all.__contains__)
    for name in order:  # other groups' channels, with this page's services only
        if name not in mine_c:
            group = of_channel.get(name, "?")
            if others is not None:
                others.channels[name] = group
            unit(name, stub("c", name, group), mine_s.__contains__)
    for name in services:
        b = service_box_of(name)
        if b.nid not in drawn:
            out.append(Unit((b,), ()))
    return out


class Others(NamedTuple):
    """What a group's diagrams draw of other groups (``units``)."""
    channels: dict  # another group's channel this group's services use -> that group
    groups: set  # the groups of services drawn as stubs (they use this group's channels)


def diagrams(topo, services, channels, of_service=None, of_channel=None, made=None, others=None) -> list:
    """The diagrams (Diagram) drawing ``services`` and ``channels`` in full, as ``units`` and ``pack`` make them
    (``made``: a ``Boxes`` shared by the pages of a site; ``others``: an Others to fill, as ``units``)."""
    out = []
    for boxes, links, direction in pack(units(topo, services, channels, of_service, of_channel, made, others)):
        out.append(Diagram(render(boxes, links, direction), tuple(b.name for b in boxes.values()
                                                                  if b.cls == "service"), len(boxes)))
    return out
