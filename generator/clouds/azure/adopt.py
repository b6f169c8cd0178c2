"""A Service Bus namespace as read by ``reader`` -> a topology document with adopted names (pure Python: `topowire
import azure`).

Queues are queues; topics are topics; each subscription is its consuming service (a subscription named like the
service is what topowire derives), one service for every topic a subscription name appears under. Every setting
the format states is written with its live value; what it cannot state (forwardTo, a filter with operators, rule
actions, further rules, duplicate detection without sessions ...) is written as a comment and reported, never
dropped silently, and an adopted entity keeps it live (``imports.*_KEPT``).
"""

from __future__ import annotations

import re

from ... import units
from ..adoption import clean, close_topic, common_tags, logical, sections, todo_consumer
from . import spec
from .reader import seconds

FORMAT_MAX_RECEIVE = 1000  # schema maxReceiveCount
NEVER = 10675199 * 86400  # TimeSpan.MaxValue in whole days: what Service Bus answers for "never expires"
_FILTER_ATTR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
_TOKEN = re.compile(r"\s*(?:(?P<lit>'(?:[^']|'')*')|(?P<delim>\[(?:[^\]]|\]\])+\])|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>[=(),]))")


def _sql_tokens(text: str):
    pos, out = 0, []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            return None
        pos = m.end()
        kind = m.lastgroup
        value = m.group(kind)
        if kind == "lit":
            value = value[1:-1].replace("''", "'")
        elif kind == "delim":
            value, kind = value[1:-1].replace("]]", "]"), "ident"
        elif kind == "word":
            kind = "kw" if value.upper() in ("AND", "IN", "OR", "NOT", "LIKE", "IS", "NULL") else "ident"
            value = value.upper() if kind == "kw" else value
        out.append((kind, value))
    return out


def parse_sql(text: str):
    """(filter or None, why not or None) of a Service Bus SQL filter: only ``a = 'x'`` and ``a IN ('x', 'y')``
    joined by AND are what topowire's filter states (spec.sql_filter writes that form)."""
    if text is None:
        return None, "the rule has no SQL expression"
    if text.strip() in (spec.ACCEPT_ALL, "1 = 1", "1=1"):
        return None, None
    tokens = _sql_tokens(text)
    if not tokens:
        return None, "the SQL filter uses operators topowire's filter cannot state"
    out, i = {}, 0
    while True:
        if i >= len(tokens) or tokens[i][0] != "ident":
            return None, "the SQL filter uses operators topowire's filter cannot state (only = and IN, joined by AND)"
        attr = tokens[i][1]
        i += 1
        values = []
        if i < len(tokens) and tokens[i] == ("op", "="):
            if i + 1 < len(tokens) and tokens[i + 1][0] == "lit":
                values, i = [tokens[i + 1][1]], i + 2
        elif i + 1 < len(tokens) and tokens[i] == ("kw", "IN") and tokens[i + 1] == ("op", "("):
            i += 2
            while i < len(tokens) and tokens[i][0] == "lit":
                values.append(tokens[i][1])
                i += 1
                if i < len(tokens) and tokens[i] == ("op", ","):
                    i += 1
                    continue
                break
            if i >= len(tokens) or tokens[i] != ("op", ")"):
                return None, "the SQL filter uses operators topowire's filter cannot state (only = and IN, joined by AND)"
            i += 1
        if not values:
            return None, "the SQL filter uses operators topowire's filter cannot state (only = and IN, joined by AND)"
        if not _FILTER_ATTR.match(attr) or attr in out or not all(0 < len(v) <= 256 for v in values):
            return None, f"the SQL filter tests {clean(attr, 64)!r} in a way topowire's filter cannot state"
        out[attr] = sorted(set(values))
        if i == len(tokens):
            return out, None
        if tokens[i] != ("kw", "AND"):
            return None, "the SQL filter uses OR, NOT or other operators topowire's filter cannot state"
        i += 1


def rule_filter(rules: list) -> tuple:
    """(filter or None, notes: [why something is not translated], rewritten: the note when Pulumi rewrites the
    rule's form) of a subscription's rules."""
    notes, rewritten = [], None
    default = next((r for r in rules if r["name"] == "$Default"), None)
    for r in rules:
        if r["name"] != "$Default":
            text = r.get("sqlExpression") or str(r.get("correlation"))
            notes.append(f"rule {clean(r['name'], 50)!r} ({clean(text, 200)}) also selects messages: topowire manages "
                         "only $Default; the rule is kept as it runs")
    if default is None:
        notes.append("no $Default rule: topowire's $Default (what the file's filter states) would be new")
        return None, notes, None
    if default.get("action"):
        notes.append(f"the $Default rule has an action ({clean(default['action'], 200)}) that the format cannot "
                     "state: the rule is kept as it runs")
        return None, notes, None
    if default.get("filterType") == "CorrelationFilter":
        corr = default.get("correlation") or {}
        props = corr.get("properties") or {}
        others = sorted(k for k in corr if k != "properties")
        if others or not props or not all(_FILTER_ATTR.match(k) and 0 < len(v) <= 256 for k, v in props.items()):
            notes.append(f"the correlation filter ({clean(corr, 200)}) matches system properties or names topowire's "
                         "filter cannot state: the rule is kept as it runs")
            return None, notes, None
        flt = {k: [v] for k, v in sorted(props.items())}
        return flt, notes, (f"the correlation filter {clean(props, 200)} becomes the equivalent SQL filter "
                            f"{spec.sql_filter(tuple((k, tuple(v)) for k, v in flt.items()))} on the first `pulumi up`")
    flt, why = parse_sql(default.get("sqlExpression"))
    if why:
        notes.append(f"{why}: {clean(default.get('sqlExpression'), 300)} (the rule is kept as it runs)")
        return None, notes, None
    if flt:
        canonical = spec.sql_filter(tuple((k, tuple(v)) for k, v in flt.items()))
        if canonical != default.get("sqlExpression"):
            rewritten = (f"the SQL filter {clean(default.get('sqlExpression'), 200)} is rewritten as {canonical} "
                         "(the same messages) on the first `pulumi up`")
    return flt, notes, rewritten


def settings(props: dict, what: str, report: list, lock: bool = True) -> dict:
    """The format's settings of one queue or subscription from its ARM properties."""
    out = {}
    lock_s = seconds(props.get("lockDuration"))
    if lock and lock_s is not None:
        out["visibility_timeout"] = units.duration_text(min(max(lock_s, 5), spec.LOCK_MAX))
    ttl = seconds(props.get("defaultMessageTimeToLive"))
    if ttl is not None and ttl > 0:
        if ttl >= NEVER:
            out["retention"] = units.duration_text(NEVER)
            report.append(f"{what}: no expiry (TimeSpan.MaxValue) is written as retention {units.duration_text(NEVER)}"
                          "; the first `pulumi up` sets exactly that (hours shorter than MaxValue: no message expires)")
        else:
            out["retention"] = units.duration_text(ttl)
    count = props.get("maxDeliveryCount")
    on_expiry = bool(props.get("deadLetteringOnMessageExpiration", False))
    if isinstance(count, int) and count >= spec.DELIVERY_MAX and not on_expiry:
        # what topowire's dead_letter: false deploys (spec.max_delivery_count): retried as often as Azure allows
        out["dead_letter"] = False
        return out
    if isinstance(count, int) and count >= 1:
        if count > FORMAT_MAX_RECEIVE:
            report.append(f"{what}: max delivery count {count} is more than the format's {FORMAT_MAX_RECEIVE}; "
                          f"written as {FORMAT_MAX_RECEIVE} (the first `pulumi up` lowers it: review)")
            count = FORMAT_MAX_RECEIVE
        out["max_receive_count"] = count
    # Service Bus dead-letters after maxDeliveryCount whatever deadLetteringOnMessageExpiration says, so the entity
    # dead-letters: dead_letter is on. Expired messages it drops instead stay dropped: an adopted entity keeps its
    # live deadLetteringOnMessageExpiration (imports.QUEUE_KEPT, SUBSCRIPTION_KEPT).
    out["dead_letter"] = True
    if not on_expiry:
        report.append(f"{what}: expired messages are dropped, not dead-lettered (deadLetteringOnMessageExpiration "
                      "false): kept as it runs; messages past the max delivery count are dead-lettered, so "
                      "dead_letter is on")
    return out


def _not_stated(props: dict, what: str, fifo: bool) -> list:
    """What an entity runs with that the format cannot state (kept live by an adopted entity)."""
    out = []
    for key in ("forwardTo", "forwardDeadLetteredMessagesTo"):
        if props.get(key):
            out.append(f"{key} {clean(props[key], 120)}")
    if bool(props.get("requiresDuplicateDetection")) != fifo:
        out.append(f"duplicate detection {'on' if props.get('requiresDuplicateDetection') else 'off'}")
    auto = seconds(props.get("autoDeleteOnIdle"))
    if auto is not None and auto < NEVER:
        out.append(f"auto-delete on idle {clean(props['autoDeleteOnIdle'], 40)}")
    if props.get("status") not in (None, "Active"):
        out.append(f"status {clean(props['status'], 30)}")
    return out


def _longest(values: list):
    durations = [v for v in values if v is not None]
    return max(durations, key=units.seconds) if durations else None


def document(ns, name: str, prefix: str | None = None) -> tuple:
    """(data, comments, report) for `topowire import azure`: the topology of namespace ``ns`` named ``name``."""
    comments: dict = {}
    report: list = list(ns.skipped)
    taken, service_taken = set(), set()
    service_of: dict = {}  # subscription name -> service name
    queues, topics, services = {}, {}, {}
    for q in ns.queues.values():
        cname = logical(q.name, prefix, taken)
        what = f"queue {q.name}"
        entry = {"description": f"adopted from Service Bus queue {q.name}"}
        fifo = bool(q.properties.get("requiresSession"))
        if fifo:
            entry["fifo"] = True
        entry.update(settings(q.properties, what, report))
        entry["adopt"] = {"azure": {"name": q.name}}
        queues[cname] = entry
        kept = _not_stated(q.properties, what, fifo)
        if kept:
            comments[("queues", cname)] = [f"NOT TRANSLATED (kept as it runs): {', '.join(kept)}"]
            report += [f"{what}: {k} is not in the format; the adopted queue keeps it" for k in kept]
        todo_consumer((topics, services, comments, service_taken), cname, q.name, "Service Bus")
    for t in ns.topics.values():
        tname = logical(t.name, prefix, taken)
        entry = {"description": f"adopted from Service Bus topic {t.name}"}
        fifo = any(s.properties.get("requiresSession") for s in t.subscriptions)
        if fifo:
            entry["fifo"] = True
            if not all(s.properties.get("requiresSession") for s in t.subscriptions):
                report.append(f"topic {t.name}: only some subscriptions require sessions; written as fifo, the "
                              "adopted subscriptions keep what they run with")
        per_sub = {}
        for s in t.subscriptions:
            what = f"subscription {t.name}/{s.name}"
            per_sub[s.name] = settings(s.properties, what, report)
        longest = _longest([v.get("retention") for v in per_sub.values()])
        if longest:
            entry["retention"] = longest
            for sname, st in per_sub.items():
                if st.get("retention") != longest:
                    report.append(f"subscription {t.name}/{sname}: time-to-live {st.get('retention')} differs from "
                                  f"the topic's other subscriptions; the format sets it per topic, the longest "
                                  f"({longest}) is written, so no message expires sooner")
        kept_topic = _not_stated(t.properties, f"topic {t.name}", fifo)
        if kept_topic:
            comments[("topics", tname)] = [f"NOT TRANSLATED (kept as it runs): {', '.join(kept_topic)}"]
            report += [f"topic {t.name}: {k} is not in the format; the adopted topic keeps it" for k in kept_topic]
        subs = {}
        for s in t.subscriptions:
            what = f"subscription {t.name}/{s.name}"
            if s.name not in service_of:
                service_of[s.name] = logical(s.name, None, service_taken)
            svc = service_of[s.name]
            opts = {k: v for k, v in per_sub[s.name].items() if k != "retention"}
            flt, notes, rewritten = rule_filter(s.rules)
            if flt:
                opts["filter"] = flt
            if rewritten:
                report.append(f"{what}: {rewritten}")
            kept = _not_stated(s.properties, what, fifo) + notes
            if kept:
                comments[("services", svc, "consumes", tname)] = [f"NOT TRANSLATED (kept as it runs): {k}"
                                                                  for k in kept]
                report += [f"{what}: {k}" for k in kept]
            services.setdefault(svc, {}).setdefault("consumes", {})[tname] = opts
            comments.setdefault(("services", svc), [f"from the Service Bus subscription {s.name} (a subscription "
                                                    "is its consuming service)"])
            subs[svc] = {"name": s.name}
        close_topic((topics, services, comments, service_taken), "azure", tname, entry, t.name, subs, bool(subs),
                    "subscription")
    data = {"version": 1, "name": name, "targets": ["azure"]}
    tags = common_tags([ns.tags], report, ("hidden-", "ms-resource-usage"))
    if tags:
        data["tags"] = tags
    data["accounts"] = {"azure": {"subscription": ns.subscription, "resource_group": ns.resource_group,
                                  "namespace": ns.name}}
    data["clouds"] = {"azure": {"sku": ns.sku}}
    return sections(data, queues, topics, services), comments, sorted(set(report))
