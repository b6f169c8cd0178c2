"""What a stack declares on AWS, attribute by attribute, and where the live account differs (`topowire drift`).

Pure Python: the declared side comes from the spec's naming functions and the model's settings (what the program
sets), the live side from ``reader.Account``. Only what the file states is compared; what the format cannot state
(and an adopted resource keeps live: ``spec.ADOPTED_*_KEPT``) is not drift.
"""

from __future__ import annotations

import json
from . import spec
from ..adoption import MISSING, PENDING, Row  # noqa: F401  (Row: the CLI's)

def _queue(name, fifo, s, dlq: str | None, redrive: bool) -> dict:
    enc = s.encryption
    attrs = {"VisibilityTimeout": str(s.visibility_timeout), "MessageRetentionPeriod": str(s.retention),
             "DelaySeconds": str(s.delay), "FifoQueue": "true" if fifo else "false",
             "encryption": enc.kms_key if enc.mode == "kms" else "SSE-SQS" if enc.mode == "managed" else "none"}
    if s.max_message_size is not None:
        attrs["MaximumMessageSize"] = str(s.max_message_size)
    attrs["redrive"] = f"{dlq} after {s.dead_letter.max_receive_count} receives" if redrive else "none"
    return attrs


def declared(topo) -> tuple:
    """(queues: name -> attributes, dlqs: name -> attributes, topics: name -> {}, subscriptions: [(topic, queue,
    filter JSON or "none")])."""
    queues, dlqs, topics, subs = {}, {}, {}, []
    for q in topo.queues.values():
        s, dlq = q.settings, spec.queue_dlq_name(topo, q)
        queues[spec.queue_name(topo, q)] = _queue(q.name, q.fifo, s, dlq, s.dead_letter.enabled)
        if s.dead_letter.enabled:
            dlqs[dlq] = {"MessageRetentionPeriod": str(s.dead_letter.retention)}
    for t in topo.topics.values():
        tname = spec.topic_name(topo, t)
        topics[tname] = {}
        for c in topo.consumers.get(t.name, ()):
            qname, dlq = spec.subscription_queue_name(topo, t, c.service), spec.subscription_dlq_name(topo, t, c.service)
            queues[qname] = _queue(qname, t.fifo, c.settings, dlq, c.settings.dead_letter.enabled)
            dlqs[dlq] = {"MessageRetentionPeriod": str(c.settings.dead_letter.retention)}
            flt = json.dumps(spec.filter_policy(c.filter), sort_keys=True) if c.filter else "none"
            subs.append((tname, qname, flt, bool(spec.adopted_subscription(t, c.service).get("arn"))))
    return queues, dlqs, topics, sorted(subs)


def live_queue(q, by_arn: dict) -> dict:
    from .reader import json_attr

    a = q.attributes
    key = a.get("KmsMasterKeyId")
    out = {k: a.get(k, "") for k in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
                                      "MaximumMessageSize")}
    out["FifoQueue"] = a.get("FifoQueue", "false")
    out["encryption"] = key if key else "SSE-SQS" if a.get("SqsManagedSseEnabled") == "true" else "none"
    rp = json_attr(a.get("RedrivePolicy", "")) or {}
    if not isinstance(rp, dict):  # JSON, but not a redrive policy: shown as it is
        out["redrive"] = _text(rp)
        return out
    arn = rp.get("deadLetterTargetArn")
    target = by_arn.get(arn) if isinstance(arn, str) else None
    out["redrive"] = f"{target or _text(arn)} after {_text(rp.get('maxReceiveCount'))} receives" if rp else "none"
    return out


def _text(value) -> str:
    """A live JSON value as drift shows it (a string as it is; anything else as JSON, or its type when it cannot be
    written: nested past the recursion limit)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True)
    except (ValueError, TypeError, RecursionError):
        return f"(a JSON {type(value).__name__} topowire cannot show)"


def _filter(attrs: dict) -> str:
    from .reader import json_attr

    text = attrs.get("FilterPolicy")
    if not text:
        return "none"
    policy = json_attr(text)
    if isinstance(policy, dict) and all(isinstance(v, list) for v in policy.values()):
        try:
            policy = {k: sorted(v) for k, v in policy.items()}
        except TypeError:
            pass
    return _text(policy)


def adopted_names(topo) -> set:
    """The physical names the stack adopts: missing live, each is drift; any other is created by `pulumi up`."""
    out = set()
    for ch in topo.channels():
        a = ch.adopt.get("aws")
        if a is None:
            continue
        out |= {n for n in (a.name, a.dead_letter) if n}
        for sub in a.subscriptions.values():
            out |= {n for n in (sub.get("queue"), sub.get("dead_letter")) if n}
    return out


def compare(topo, account) -> list:
    """Every attribute the file declares that the account does not have, sorted."""
    queues, dlqs, topics, subs = declared(topo)
    kept = adopted_names(topo)
    by_arn = {q.arn: q.name for q in account.queues.values()}
    rows = []
    for kind, wanted in (("SQS queue", queues), ("SQS dead-letter queue", dlqs)):
        for name, attrs in wanted.items():
            live = account.queues.get(name)
            if live is None:
                rows.append(Row(f"{kind} {name}", "exists", "yes", MISSING if name in kept or not kept else PENDING))
                continue
            have = live_queue(live, by_arn)
            for attr, value in attrs.items():
                if have.get(attr, "") != value:
                    rows.append(Row(f"{kind} {name}", attr, value, have.get(attr, "") or MISSING))
    for name in topics:
        if name not in account.topics:
            rows.append(Row(f"SNS topic {name}", "exists", "yes", MISSING))
    for tname, qname, flt, adopted in subs:
        t = account.topics.get(tname)
        if t is None:
            continue
        qarn = account.queues[qname].arn if qname in account.queues else None
        found = [s for s in t.subscriptions if s.protocol == "sqs" and s.endpoint == qarn]
        res = f"SNS subscription {tname} -> {qname}"
        if not found:
            rows.append(Row(res, "exists", "yes", MISSING if adopted or not kept else PENDING))
            continue
        live = _filter(found[0].attributes)
        declared_flt = json.dumps({k: sorted(v) for k, v in json.loads(flt).items()}, sort_keys=True) \
            if flt != "none" else "none"
        if live != declared_flt:
            rows.append(Row(res, "FilterPolicy", declared_flt, live))
    return sorted(rows, key=lambda r: (r.resource, r.attribute))


def names(topo) -> tuple:
    """(queue names, topic names) the stack declares: what drift reads, and nothing else."""
    queues, dlqs, topics, _ = declared(topo)
    return set(queues) | set(dlqs), set(topics)
