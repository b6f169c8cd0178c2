"""What a stack declares on Azure Service Bus, attribute by attribute, and where the live namespace differs
(`topowire drift --cloud azure`).

Pure Python: the declared side is what the program sets (clouds/azure/program.py: lock duration, time-to-live, max
delivery count, dead-lettering on expiration, sessions, the $Default rule's filter), the live side the reader's ARM
JSON. Only what the file states is compared; what an adopted entity keeps live (``imports.*_KEPT``) is not drift,
nor is the filter of a subscription whose file states none while its live rule is one the format cannot state
(import wrote it as NOT TRANSLATED; the program keeps it).
"""

from __future__ import annotations

import json

from ..adoption import Row, compare_attributes, exists_row
from . import spec
from .adopt import NEVER, rule_filter
from .reader import seconds


def _duration(secs) -> str:
    if secs is None:
        return ""
    return "never" if secs >= NEVER else spec.iso_duration(secs)


def _store(s, fifo: bool, adopted: bool = False) -> dict:
    """What the program sends for a store; an adopted one keeps its live deadLetteringOnMessageExpiration
    (imports.QUEUE_KEPT, SUBSCRIPTION_KEPT), so that is not declared for it."""
    out = {"lockDuration": spec.lock_duration(s.visibility_timeout),
           "defaultMessageTimeToLive": _duration(s.retention),
           "maxDeliveryCount": str(spec.max_delivery_count(s.dead_letter)),
           "requiresSession": str(bool(fifo)).lower()}
    if not adopted:
        out["deadLetteringOnMessageExpiration"] = str(s.dead_letter.enabled).lower()
    return out


def _live(props: dict) -> dict:
    out = {"lockDuration": _duration(seconds(props.get("lockDuration"))),
           "defaultMessageTimeToLive": _duration(seconds(props.get("defaultMessageTimeToLive"))),
           "requiresSession": str(bool(props.get("requiresSession"))).lower(),
           "deadLetteringOnMessageExpiration": str(bool(props.get("deadLetteringOnMessageExpiration"))).lower()}
    if isinstance(props.get("maxDeliveryCount"), int):
        out["maxDeliveryCount"] = str(props["maxDeliveryCount"])
    return out


def _filter_text(flt) -> str:
    return json.dumps({k: sorted(v) for k, v in flt}, sort_keys=True) if flt else "none"


def _live_filter(rules: list):
    """The live $Default filter as the declared side writes it, or None when the format cannot state it."""
    flt, notes, _ = rule_filter(rules)
    if any(n.startswith(("the ", "no $Default")) for n in notes):  # an untranslatable $Default (not a further rule)
        return None
    return json.dumps(flt, sort_keys=True) if flt else "none"


def declared(topo) -> tuple:
    """(queues: name -> attributes, topics: name -> {}, subscriptions: {(topic, subscription): (attributes,
    filter text, adopted)})."""
    queues, topics, subs = {}, {}, {}
    for q in topo.queues.values():
        a = q.adopt.get(spec.CLOUD)
        queues[spec.entity_name(topo, q)] = _store(q.settings, q.fifo, bool(a and a.name))
    for t in topo.topics.values():
        tname = spec.entity_name(topo, t)
        topics[tname] = {}
        a = t.adopt.get(spec.CLOUD)
        for c in topo.consumers.get(t.name, ()):
            adopted = bool(a and (a.subscriptions.get(c.service) or {}).get("name"))
            subs[(tname, spec.subscription_name(topo, c.service, t))] = (_store(c.settings, t.fifo, adopted),
                                                                         _filter_text(c.filter), adopted)
    return queues, topics, subs


def adopted_names(topo) -> set:
    out = set()
    for ch in topo.channels():
        a = ch.adopt.get(spec.CLOUD)
        if a is not None and a.name:
            out.add(a.name)
    return out


def compare(topo, ns) -> list:
    """Every attribute the file declares that the namespace does not have, sorted."""
    queues, topics, subs = declared(topo)
    kept = adopted_names(topo)
    rows = []
    for name, attrs in queues.items():
        live = ns.queues.get(name)
        if live is None:
            rows.append(exists_row("Service Bus queue", name, name in kept, bool(kept)))
        else:
            compare_attributes(rows, f"Service Bus queue {name}", attrs, _live(live.properties))
    for name in topics:
        if name not in ns.topics:
            rows.append(exists_row("Service Bus topic", name, name in kept, bool(kept)))
    for (tname, sname), (attrs, flt, adopted) in sorted(subs.items()):
        t = ns.topics.get(tname)
        if t is None:
            continue
        live = next((s for s in t.subscriptions if s.name == sname), None)
        res = f"Service Bus subscription {tname}/{sname}"
        if live is None:
            rows.append(exists_row("Service Bus subscription", f"{tname}/{sname}", adopted, bool(kept)))
            continue
        compare_attributes(rows, res, attrs, _live(live.properties))
        have = _live_filter(live.rules)
        if have is None and flt == "none":
            continue  # the file states no filter over one it cannot state: kept as it runs, not drift
        if have != flt:
            rows.append(Row(res, "filter ($Default rule)", flt, have or "a filter the format cannot state"))
    return sorted(rows, key=lambda r: (r.resource, r.attribute))


def names(topo) -> tuple:
    """(queue names, topic names) the stack declares: what drift reads, and nothing else."""
    queues, topics, _ = declared(topo)
    return set(queues), set(topics)
