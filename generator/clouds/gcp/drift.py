"""What a stack declares on Pub/Sub, attribute by attribute, and where the live project differs (`topowire drift
--cloud gcp`).

Pure Python: the declared side is what the program sets (clouds/gcp/program.py: each subscription's ack deadline,
retention, dead-letter policy, filter and ordering, each dead-letter subscription's retention), the live side the
reader's REST JSON. What an adopted subscription keeps live (``imports.SUBSCRIPTION_KEPT``) is not drift, nor is
the filter of a subscription whose file states none while it runs one the format cannot state (import wrote it as
NOT TRANSLATED; the program keeps it).
"""

from __future__ import annotations

from ..adoption import Row, compare_attributes, exists_row
from . import imports, spec
from .adopt import parse_filter
from .reader import resource_id


def _store(topo, channel, service, sub_id: str, settings, flt) -> tuple:
    """(subscription id, attributes, dead-letter id or None, dead-letter attributes)."""
    dl = settings.dead_letter
    dlq = imports.dead_letter_id(topo, channel, service, sub_id) if dl.enabled else None
    attrs = {"ackDeadlineSeconds": str(spec.ack_deadline(settings.visibility_timeout)),
             "messageRetentionDuration": spec.retention(settings.retention),
             "deadLetterPolicy": f"{dlq} after {spec.delivery_attempts(dl.max_receive_count)} attempts" if dlq
             else "none",
             "filter": spec.filter_expression(flt) if flt else ""}
    return sub_id, attrs, dlq, ({"messageRetentionDuration": spec.retention(dl.retention)} if dlq else {})


def declared(topo) -> tuple:
    """(topics: id -> adopted?, subscriptions: id -> (topic id, attributes, adopted?), dead-letter subscriptions:
    id -> attributes)."""
    topics, subs, dlqs = {}, {}, {}
    for ch in topo.channels():
        tid = spec.topic_id(topo, ch)
        a = ch.adopt.get(spec.CLOUD)
        topics[tid] = bool(a and a.name)
        if ch.kind == "queue":
            stores = [(None, spec.queue_subscription_id(topo, ch), ch.settings, None)]
        else:
            stores = [(c.service, spec.topic_subscription_id(topo, ch, c.service), c.settings, c.filter)
                      for c in topo.consumers.get(ch.name, ())]
        for service, sub_id, settings, flt in stores:
            sid, attrs, dlq, dlq_attrs = _store(topo, ch, service, sub_id, settings, flt)
            kept = imports.adopted_store(ch, service)
            subs[sid] = (tid, attrs, bool(kept.get("name")))
            if dlq:
                topics.setdefault(dlq, bool(kept.get("dead_letter")))
                dlqs[dlq] = (dlq_attrs, bool(kept.get("dead_letter")))
    return topics, subs, dlqs


def _live(project, s) -> dict:
    raw = s.raw
    policy = raw.get("deadLetterPolicy") or {}
    dlq = resource_id(policy.get("deadLetterTopic"), project.project, "topics") or policy.get("deadLetterTopic")
    return {"ackDeadlineSeconds": str(raw.get("ackDeadlineSeconds", "")),
            "messageRetentionDuration": raw.get("messageRetentionDuration", ""),
            "deadLetterPolicy": f"{dlq} after {policy.get('maxDeliveryAttempts', 5)} attempts" if dlq else "none",
            "filter": raw.get("filter", "")}


def compare(topo, project) -> list:
    """Every attribute the file declares that the project does not have, sorted."""
    topics, subs, dlqs = declared(topo)
    anything = any(topics.values())
    rows = []
    for tid, adopted in sorted(topics.items()):
        if tid not in project.topics:
            rows.append(exists_row("Pub/Sub topic", tid, adopted, anything))
    for sid, (tid, attrs, adopted) in sorted(subs.items()):
        live = project.subscriptions.get(sid)
        if live is None:
            rows.append(exists_row("Pub/Sub subscription", sid, adopted, anything))
            continue
        have = _live(project, live)
        if attrs["filter"] == "" and have["filter"] and parse_filter(have["filter"])[1]:
            attrs = {k: v for k, v in attrs.items() if k != "filter"}  # kept as it runs (NOT TRANSLATED)
        if live.topic != tid:
            rows.append(Row(f"Pub/Sub subscription {sid}", "topic", tid, live.topic or "(another project's)"))
        compare_attributes(rows, f"Pub/Sub subscription {sid}", attrs, have)
    for sid, (attrs, adopted) in sorted(dlqs.items()):
        live = project.subscriptions.get(sid)
        if live is None:
            rows.append(exists_row("Pub/Sub dead-letter subscription", sid, adopted, anything))
        else:
            compare_attributes(rows, f"Pub/Sub dead-letter subscription {sid}", attrs, _live(project, live))
    return sorted(rows, key=lambda r: (r.resource, r.attribute))


def names(topo) -> tuple:
    """(topic ids, subscription ids) the stack declares: what drift reads."""
    topics, subs, dlqs = declared(topo)
    return set(topics), set(subs) | set(dlqs)
