"""The Mermaid flowchart of a topology.

Services are boxes, queues cylinders, topics hexagons, dead-letter channels
dashed cylinders; filters label the edges they restrict and FIFO channels say
so. Node ids are derived from names, so the same topology always gives the
same text.
"""

from __future__ import annotations

from ..escape import mermaid_label


def node_id(prefix: str, *names: str) -> str:
    return prefix + "_" + "__".join(n.replace("-", "_") for n in names)


_node_id = node_id


def label(text: str) -> str:
    """A quoted Mermaid label: one line; quotes, brackets, entities and backticks as entities."""
    return '"' + mermaid_label(text) + '"'


def _lines(*parts: str) -> str:
    return "<br/>".join(label(p)[1:-1] for p in parts if p)


def filter_text(flt) -> str:
    return "; ".join(f"{attr} = {' or '.join(values)}" for attr, values in flt)


def flowchart(topo) -> str:
    ids: dict = {}  # (prefix, names) -> node id: each channel's and service's id is used several times

    def node_id(prefix: str, *names: str) -> str:
        nid = ids.get((prefix, names))
        if nid is None:
            nid = ids[(prefix, names)] = _node_id(prefix, *names)
        return nid

    out = ["flowchart LR"]
    classes: dict[str, list[str]] = {"service": [], "queue": [], "topic": [], "dlq": []}

    out.append("  %% services")
    for s in topo.services.values():
        nid = node_id("svc", s.name)
        out.append(f'  {nid}["{_lines(s.name)}"]')
        classes["service"].append(nid)

    out.append("  %% queues")
    for q in topo.queues.values():
        nid = node_id("q", q.name)
        out.append(f'  {nid}[("{_lines(q.name, "FIFO queue" if q.fifo else "queue")}")]')
        classes["queue"].append(nid)
        if q.settings.dead_letter.enabled:
            did = node_id("dlq", q.name)
            out.append(f'  {did}[("{_lines(q.name + "-dlq", "dead letters")}")]')
            classes["dlq"].append(did)

    out.append("  %% topics")
    for t in topo.topics.values():
        nid = node_id("t", t.name)
        out.append(f'  {nid}{{{{"{_lines(t.name, "FIFO topic" if t.fifo else "topic")}"}}}}')
        classes["topic"].append(nid)
        for c in topo.consumers.get(t.name, ()):
            if c.settings.dead_letter.enabled:
                did = node_id("dlq", t.name, c.service)
                out.append(f'  {did}[("{_lines(f"{t.name}-{c.service}-dlq", "dead letters")}")]')
                classes["dlq"].append(did)

    out.append("  %% publishers")
    for s in topo.services.values():
        for r in s.publishes:
            ch = topo.channel(r.channel)
            out.append(f"  {node_id('svc', s.name)} --> {node_id('q' if ch.kind == 'queue' else 't', ch.name)}")

    out.append("  %% consumers")
    for ch in topo.channels():
        src = node_id("q" if ch.kind == "queue" else "t", ch.name)
        for c in topo.consumers.get(ch.name, ()):
            dst = node_id("svc", c.service)
            if c.filter:
                out.append(f"  {src} -- {label(filter_text(c.filter))} --> {dst}")
            else:
                out.append(f"  {src} --> {dst}")

    out.append("  %% dead letters")
    for q in topo.queues.values():
        dl = q.settings.dead_letter
        if dl.enabled:
            text = f"after {dl.max_receive_count} receives"
            out.append(f"  {node_id('q', q.name)} -. {label(text)} .-> {node_id('dlq', q.name)}")
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            dl = c.settings.dead_letter
            if dl.enabled:
                text = f"{c.service}: after {dl.max_receive_count} receives"
                out.append(f"  {node_id('t', t.name)} -. {label(text)} .-> {node_id('dlq', t.name, c.service)}")

    out.append("  classDef service fill:#e8f0fe,stroke:#1a73e8,color:#174ea6")
    out.append("  classDef queue fill:#fef7e0,stroke:#e37400,color:#5f3b00")
    out.append("  classDef topic fill:#e6f4ea,stroke:#188038,color:#0d652d")
    out.append("  classDef dlq fill:#fce8e6,stroke:#d93025,color:#a50e0e,stroke-dasharray: 5 5")
    for cls, ids in classes.items():
        if ids:
            out.append(f"  class {','.join(ids)} {cls}")
    return "\n".join(out) + "\n"

