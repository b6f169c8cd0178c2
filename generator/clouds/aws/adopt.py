"""An AWS account as read by ``reader`` -> a topology document with adopted names (pure Python: `topowire import`).

Queues that another selected queue redrives to are its dead-letter queue; queues that an SQS subscription of a
selected topic delivers to are that consumer's subscription queue; the rest are queues of their own. Every
setting the format states is written with its live value; what it cannot state is written as a comment and
reported, never dropped silently.
"""

from __future__ import annotations

import json
import re

from ... import units
from . import spec
from ..adoption import close_topic, common_tags, logical, sections, todo_consumer

def _int(attrs: dict, key: str):
    v = attrs.get(key)
    return int(v) if isinstance(v, str) and v.isdigit() and len(v) <= 9 else None


def settings(attrs: dict) -> dict:
    """The format's settings of one SQS queue from its attributes."""
    out = {}
    for key, field in (("VisibilityTimeout", "visibility_timeout"), ("MessageRetentionPeriod", "retention"),
                       ("DelaySeconds", "delay")):
        v = _int(attrs, key)
        if v is not None:
            out[field] = units.duration_text(v) if v else 0
    size = _int(attrs, "MaximumMessageSize")
    if size:
        out["max_message_size"] = units.size_text(size) if size % 1024 == 0 else size
    key = attrs.get("KmsMasterKeyId")
    if key:
        out["encryption"] = {"kms_key": key}
    elif attrs.get("SqsManagedSseEnabled") == "true":
        out["encryption"] = "managed"
    else:
        out["encryption"] = "none"
    return out


def filter_of(attrs: dict):
    """(filter or None, why it cannot be translated or None) of an SNS subscription's filter policy."""
    text = attrs.get("FilterPolicy")
    if not text:
        return None, None
    if attrs.get("FilterPolicyScope", "MessageAttributes") != "MessageAttributes":
        return None, "the filter policy applies to the message body (FilterPolicyScope MessageBody)"
    try:
        policy = json.loads(text)
    except (ValueError, RecursionError):
        return None, "the filter policy is not JSON"
    if not isinstance(policy, dict) or not policy:
        return None, "the filter policy is not an object of attributes"
    out = {}
    for attr, values in sorted(policy.items()):
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]{0,63}\Z", attr):
            return None, f"attribute {attr[:64]!r} is not a name topowire filters on"
        if not isinstance(values, list) or not values or \
                not all(isinstance(v, str) and 0 < len(v) <= 256 for v in values):
            return None, (f"attribute '{attr}' uses operators (numeric, prefix, anything-but, exists, or non-string "
                          "values) that topowire's filter cannot state")
        out[attr] = sorted(set(values))
    return out, None


def document(account, name: str, prefix: str | None = None) -> tuple:
    """(data, comments, report) for `topowire import`: the topology of ``account`` named ``name``."""
    from .reader import json_attr

    comments: dict = {}
    report: list = list(account.skipped)
    by_arn = {q.arn: q for q in account.queues.values()}
    dlq_of = {}  # source queue name -> DLQ Queue
    for q in account.queues.values():
        rp = json_attr(q.attributes.get("RedrivePolicy", ""))
        target = rp.get("deadLetterTargetArn") if isinstance(rp, dict) else None
        target = target if isinstance(target, str) else None
        if target in by_arn:
            dlq_of[q.name] = by_arn[target]
        elif target:
            report.append(f"queue {q.name}: its dead-letter queue {str(target)[:120]} is outside the selection")
    subscribed = {}  # queue name -> (topic, subscription)
    for t in account.topics.values():
        for s in t.subscriptions:
            if s.protocol == "sqs" and s.endpoint in by_arn:
                subscribed.setdefault(by_arn[s.endpoint].name, (t, s))
            else:
                report.append(f"topic {t.name}: subscription {s.arn} ({s.protocol}) delivers outside the selected "
                              "queues; left out")
    dlqs = {d.name for d in dlq_of.values()}

    taken: set = set()  # channel names
    service_taken: set = set()  # service names
    service_of: dict = {}  # the physical service part of a subscription queue's name -> service name
    queues, topics, services = {}, {}, {}
    all_tags = [q.tags for q in account.queues.values()] + [t.tags for t in account.topics.values()]
    common = common_tags(all_tags, report, ("aws:",))

    def dead_letter(q) -> tuple:
        dlq = dlq_of.get(q.name)
        if dlq is None:
            return False, None
        rp = json_attr(q.attributes.get("RedrivePolicy", "")) or {}
        count = rp.get("maxReceiveCount")
        dl = {}
        if isinstance(count, (int, str)) and not isinstance(count, bool) and str(count).isdigit() and \
                len(str(count)) <= 9:  # SQS: 1 to 1,000; thousands of digits would not even convert
            dl["max_receive_count"] = int(count)
        ret = _int(dlq.attributes, "MessageRetentionPeriod")
        if ret:
            dl["retention"] = units.duration_text(ret)
        return dl or True, dlq

    for q in account.queues.values():
        if q.name in dlqs or q.name in subscribed:
            continue
        cname = logical(q.name, prefix, taken)
        entry = {"description": f"adopted from SQS queue {q.name}"}
        if q.name.endswith(".fifo"):
            entry["fifo"] = True
        entry.update(settings(q.attributes))
        dl, dlq = dead_letter(q)
        entry["dead_letter"] = dl
        adopt = {"name": q.name}
        if dlq:
            adopt["dead_letter"] = dlq.name
        entry["adopt"] = {"aws": adopt}
        queues[cname] = entry
        todo_consumer((topics, services, comments, service_taken), cname, q.name, "SQS")
    for t in account.topics.values():
        tname = logical(t.name, prefix, taken)
        entry = {"description": f"adopted from SNS topic {t.name}"}
        if t.name.endswith(".fifo"):
            entry["fifo"] = True
        key = t.attributes.get("KmsMasterKeyId")
        entry["encryption"] = "managed" if key == "alias/aws/sns" else {"kms_key": key} if key else "none"
        subs = {}
        first_settings = None
        for qname, (topic, s) in sorted(subscribed.items()):
            if topic is not t:
                continue
            q = account.queues[qname]
            rest = qname[:-5] if qname.endswith(".fifo") else qname
            tbase = t.name[:-5] if t.name.endswith(".fifo") else t.name
            svc_phys = rest[len(tbase) + 1:] if rest.startswith(tbase + "-") and len(rest) > len(tbase) + 1 else rest
            if svc_phys not in service_of:  # one service for every topic that delivers to <topic>-<service>
                service_of[svc_phys] = logical(svc_phys, prefix, service_taken)
            svc = service_of[svc_phys]
            opts = {}
            flt, why = filter_of(s.attributes)
            if flt:
                opts["filter"] = flt
            elif why:
                live = json.dumps(json_attr(s.attributes.get("FilterPolicy", "")), sort_keys=True)
                comments[("services", svc, "consumes", tname)] = [f"NOT TRANSLATED: {why}. Live filter policy "
                                                                  f"(kept by SNS until you state it): {live[:300]}"]
                report.append(f"subscription {s.arn}: filter policy not translated: {why}")
            qs = settings(q.attributes)
            if first_settings is None:
                first_settings = qs
                entry.update({k: v for k, v in qs.items() if k in ("retention", "max_message_size")})
                if units.size_bytes(entry.get("max_message_size") or 0) > spec.SNS_MAX_MESSAGE_SIZE:
                    # the subscription queues' SQS size, above what SNS delivers: not the topic's to state (TOP213);
                    # the program keeps the live value of an adopted subscription queue
                    del entry["max_message_size"]
            if qs["encryption"] != entry["encryption"]:
                opts["encryption"] = qs["encryption"]
            if "visibility_timeout" in qs:
                opts["visibility_timeout"] = qs["visibility_timeout"]
            dl, dlq = dead_letter(q)
            opts["dead_letter"] = dl
            for k in ("retention", "max_message_size", "delay"):
                if qs.get(k) != first_settings.get(k):
                    report.append(f"subscription queue {qname}: {k} {qs.get(k)} differs from the topic's other "
                                  f"subscriptions ({first_settings.get(k)}); the format sets it per topic")
            services.setdefault(svc, {}).setdefault("consumes", {})[tname] = opts
            comments.setdefault(("services", svc), [f"from the SQS queue {qname} that topic {t.name} delivers to"])
            sub = {"queue": qname, "arn": s.arn}
            if dlq:
                sub["dead_letter"] = dlq.name
            subs[svc] = sub
        close_topic((topics, services, comments, service_taken), "aws", tname, entry, t.name, subs, bool(subs),
                    "SQS subscriber")
    data = {"version": 1, "name": name, "targets": ["aws"]}
    if common:
        data["tags"] = dict(sorted(common.items()))
    accounts = {"account": account.account or "000000000000", "region": account.region}
    if account.endpoint:
        accounts["endpoint"] = account.endpoint
    data["accounts"] = {"aws": accounts}
    return sections(data, queues, topics, services), comments, sorted(set(report))
