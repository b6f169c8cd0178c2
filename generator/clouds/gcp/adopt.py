"""A project's Pub/Sub as read by ``reader`` -> a topology document with adopted ids (pure Python: `topowire import
gcp`).

A topic that a selected subscription dead-letters to is that subscription's dead-letter topic (adopted when the
subscription on it that keeps the dead letters has its id, as topowire makes it); a topic with exactly one
subscription of the same id is a queue; every other topic is a topic, and each of its subscriptions is its
consuming service. Every setting the format states is written with its live value; what it cannot state (push or
export delivery, exactly-once, a retry policy or expiration other than topowire's, a filter beyond exact attribute
matches) is written as a comment and reported, never dropped silently, and an adopted subscription keeps it live.
Filters and ordering cannot change on a live subscription (a change replaces it): a filter is translated only when
topowire would write exactly the live text, else the subscription keeps it (``imports.subscription_kept``).
"""

from __future__ import annotations

import re

from ... import units
from ..adoption import clean, close_topic, common_tags, logical, sections, todo_consumer
from . import spec
from .reader import resource_id, seconds

FORMAT_MAX_RECEIVE = 1000
_TERM = re.compile(r'attributes\.([A-Za-z_][A-Za-z0-9_]{0,63}) = "((?:[^"\\]|\\.){1,512})"')


def _unquote(v: str) -> str:
    return re.sub(r"\\(.)", r"\1", v)


def parse_filter(text: str):
    """(filter or None, why not or None) of a Pub/Sub filter: only what spec.filter_expression writes, exactly."""
    if not text:
        return None, None
    out = {}
    for part in text.split(" AND "):
        inner = part[1:-1] if part.startswith("(") and part.endswith(")") else part
        terms = inner.split(" OR ")
        matches = [_TERM.fullmatch(t) for t in terms]
        if not all(matches) or len({m.group(1) for m in matches}) != 1 or matches[0].group(1) in out:
            return None, "the filter uses functions or operators topowire's filter cannot state (only exact " \
                         "attribute matches, OR-ed per attribute and AND-ed)"
        values = [_unquote(m.group(2)) for m in matches]
        if not all(0 < len(v) <= 256 for v in values):
            return None, "a filter value is longer than topowire's filter takes"
        out[matches[0].group(1)] = values
    flt = {k: sorted(set(v)) for k, v in sorted(out.items())}
    if spec.filter_expression(tuple((k, tuple(v)) for k, v in flt.items())) != text:
        return None, ("the filter is not written as topowire writes it (attributes sorted, values sorted); a "
                      "filter cannot change on a live subscription, so it is kept as it runs")
    return flt, None


def not_stated(raw: dict) -> list:
    """What a subscription runs with that the format cannot state (kept live by an adopted one)."""
    out = []
    push = raw.get("pushConfig") or {}
    if push.get("pushEndpoint"):
        out.append(f"push delivery to {clean(push['pushEndpoint'], 120)}")
    for k, what in (("bigqueryConfig", "export to BigQuery"), ("cloudStorageConfig", "export to Cloud Storage")):
        if raw.get(k):
            out.append(what)
    if raw.get("enableExactlyOnceDelivery"):
        out.append("exactly-once delivery")
    if raw.get("retainAckedMessages"):
        out.append("retains acknowledged messages")
    retry = raw.get("retryPolicy")
    if not retry:
        out.append("no retry policy (immediate redelivery)")
    elif (retry.get("minimumBackoff"), retry.get("maximumBackoff")) != (spec.RETRY_MIN, spec.RETRY_MAX):
        out.append(f"retry backoff {clean(retry.get('minimumBackoff'), 20)}..{clean(retry.get('maximumBackoff'), 20)}")
    ttl = (raw.get("expirationPolicy") or {}).get("ttl")
    if ttl:
        out.append(f"expires after {clean(ttl, 20)} without subscribers")
    if raw.get("detached"):
        out.append("detached from its topic")
    return out


def settings(raw: dict, what: str, report: list) -> dict:
    out = {}
    ack = raw.get("ackDeadlineSeconds")
    if isinstance(ack, int) and ack > 0:
        out["visibility_timeout"] = units.duration_text(min(max(ack, spec.ACK_MIN), spec.ACK_MAX))
    ret = seconds(raw.get("messageRetentionDuration"))
    if ret:
        out["retention"] = units.duration_text(ret)
    return out


def _dead_letter(project, sub, subs: dict, report: list) -> tuple:
    """(dead_letter value, adopted dead-letter id or None) of a subscription."""
    policy = sub.raw.get("deadLetterPolicy") or {}
    dlq = resource_id(policy.get("deadLetterTopic"), project.project, "topics")
    if not policy.get("deadLetterTopic"):
        return False, None
    dl = {}
    count = policy.get("maxDeliveryAttempts")
    if isinstance(count, int) and count > 0:
        dl["max_receive_count"] = min(count, FORMAT_MAX_RECEIVE)
    if dlq and dlq in project.topics and dlq in subs and subs[dlq].topic == dlq:
        ret = seconds(subs[dlq].raw.get("messageRetentionDuration"))
        if ret:
            dl["retention"] = units.duration_text(ret)
        return dl or True, dlq
    report.append(f"subscription {sub.id}: its dead-letter topic {clean(policy.get('deadLetterTopic'), 120)} has no "
                  "subscription of the same id in the selection; the first `pulumi up` dead-letters to a new "
                  f"{spec.dead_letter_id(sub.id)} instead (review)")
    return dl or True, None


def document(project, name: str, prefix: str | None = None) -> tuple:
    """(data, comments, report) for `topowire import gcp`: the topology of ``project`` named ``name``."""
    comments: dict = {}
    report: list = list(project.skipped)
    subs = project.subscriptions
    by_topic: dict = {}
    for s in subs.values():
        by_topic.setdefault(s.topic, []).append(s)
    dlq_topics = set()
    for s in subs.values():
        dlq = resource_id((s.raw.get("deadLetterPolicy") or {}).get("deadLetterTopic"), project.project, "topics")
        if dlq in project.topics and dlq != s.topic:
            dlq_topics.add(dlq)
    taken, service_taken = set(), set()
    service_of: dict = {}
    queues, topics, services = {}, {}, {}
    labels = []

    def store(sub, what):
        """(settings, adopt entry, notes) of one subscription."""
        opts = settings(sub.raw, what, report)
        dl, dlq = _dead_letter(project, sub, subs, report)
        opts["dead_letter"] = dl
        kept = {"name": sub.id}
        if dlq:
            kept["dead_letter"] = dlq
            labels.extend([project.topics[dlq].labels, subs[dlq].labels])
        labels.append(sub.labels)
        notes = not_stated(sub.raw)
        flt, why = parse_filter(sub.raw.get("filter"))
        if flt:
            opts["filter"] = flt
        elif why:
            notes.append(f"{why}: {clean(sub.raw.get('filter'), 300)}")
        return opts, kept, notes

    for t in project.topics.values():
        if t.id in dlq_topics:
            continue
        labels.append(t.labels)
        mine = sorted(by_topic.get(t.id, []), key=lambda s: s.id)
        if len(mine) == 1 and mine[0].id == t.id:  # topowire's queue: a topic and its one subscription
            sub = mine[0]
            cname = logical(t.id, prefix, taken)
            entry = {"description": f"adopted from Pub/Sub topic {t.id} and its subscription"}
            if sub.raw.get("enableMessageOrdering"):
                entry["fifo"] = True
            opts, kept, notes = store(sub, f"subscription {sub.id}")
            if "filter" in opts:
                notes.append(f"a filter on a queue ({clean(sub.raw.get('filter'), 200)})")
                del opts["filter"]
            entry.update(opts)
            entry["adopt"] = {"gcp": {"name": t.id, "subscription": kept["name"],
                                      **({"dead_letter": kept["dead_letter"]} if "dead_letter" in kept else {})}}
            queues[cname] = entry
            if notes:
                comments[("queues", cname)] = [f"NOT TRANSLATED (kept as it runs): {n}" for n in notes]
                report += [f"subscription {sub.id}: {n}" for n in notes]
            # the one placeholder comment clouds/identities.py knows: it goes once an IAM policy names the puller
            todo_consumer((topics, services, comments, service_taken), cname, sub.id, "Pub/Sub")
            continue
        tname = logical(t.id, prefix, taken)
        entry = {"description": f"adopted from Pub/Sub topic {t.id}"}
        if any(s.raw.get("enableMessageOrdering") for s in mine):
            entry["fifo"] = True
        adopted_subs = {}
        retentions = []
        for sub in mine:
            what = f"subscription {sub.id}"
            opts, kept, notes = store(sub, what)
            retentions.append(opts.pop("retention", None))
            base = sub.id[len(t.id) + 1:] if sub.id.startswith(t.id + "-") and len(sub.id) > len(t.id) + 1 else sub.id
            if base not in service_of:
                service_of[base] = logical(base, prefix, service_taken)
            svc = service_of[base]
            if notes:
                comments[("services", svc, "consumes", tname)] = [f"NOT TRANSLATED (kept as it runs): {n}"
                                                                  for n in notes]
                report += [f"{what}: {n}" for n in notes]
            services.setdefault(svc, {}).setdefault("consumes", {})[tname] = opts
            comments.setdefault(("services", svc), [f"from the Pub/Sub subscription {sub.id} of topic {t.id}"])
            adopted_subs[svc] = kept
        durations = [r for r in retentions if r]
        if durations:
            entry["retention"] = max(durations, key=units.seconds)
            if len(set(durations)) > 1:
                report.append(f"topic {t.id}: its subscriptions keep messages for different times "
                              f"({', '.join(sorted(set(durations)))}); the format sets it per topic, the longest "
                              f"({entry['retention']}) is written, so no message is discarded sooner")
        close_topic((topics, services, comments, service_taken), "gcp", tname, entry, t.id, adopted_subs, bool(mine),
                    "subscription")
    data = {"version": 1, "name": name, "targets": ["gcp"]}
    tags = common_tags(labels, report, ("goog",))
    if tags:
        data["tags"] = tags
    data["accounts"] = {"gcp": {"project": project.project}}
    return sections(data, queues, topics, services), comments, sorted(set(report))
