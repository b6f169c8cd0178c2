"""Azure Service Bus names, tiers and limits (no Pulumi here)."""

from __future__ import annotations

from . import Adjust, DerivedName, Range

CLOUD = "azure"
TITLE = "Azure"

LOCK_MAX = 5 * 60
_ENTITY = r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"
_ENTITY_RULE = "letters, digits, '.', '-' and '_', starting and ending with a letter or digit"


def ranges(topo):
    premium = topo.clouds.azure_sku == "Premium"
    basic = topo.clouds.azure_sku == "Basic"
    out = [
        Range("max_message_size", 1024, (100 * 1024 if premium else 256) * 1024,
              f"Service Bus {topo.clouds.azure_sku} maximum message size", "size"),
        Range("max_receive_count", 1, 2000, "Service Bus maxDeliveryCount", "count"),
    ]
    if basic:
        out.append(Range("retention", 1, 14 * 86400, "Service Bus Basic message time-to-live"))
    return out


def adjustments(topo):
    return [
        Adjust("visibility_timeout", lambda v: v > LOCK_MAX,
               "on Azure the lock duration is at most 5m; {text} is clamped to 5m",
               "consumers that need longer must renew the message lock (the SDKs' auto lock renewal does it)"),
        Adjust("delay", lambda v: v > 0,
               "Service Bus has no queue-level delivery delay; delay {text} is not applied on Azure",
               "publishers schedule messages instead (ScheduledEnqueueTimeUtc / schedule_messages)"),
    ]


def entity_name(topo, channel) -> str:
    return f"{topo.name}-{channel.name}"


def subscription_name(service: str) -> str:
    return service


def derived_names(topo):
    out = []
    for ch in topo.channels():
        kind = "Service Bus queue" if ch.kind == "queue" else "Service Bus topic"
        out.append(DerivedName(CLOUD, kind, "servicebus-entity", entity_name(topo, ch), ch.path, 1, 260,
                               _ENTITY, _ENTITY_RULE))
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            out.append(DerivedName(CLOUD, "Service Bus subscription", f"servicebus-subscription:{t.name}",
                                   subscription_name(c.service), c.path, 1, 50, _ENTITY, _ENTITY_RULE))
    return out


def sql_filter(flt) -> str:
    """The Service Bus SQL filter of a topogen filter: ``status IN ('a', 'b') AND ...``."""

    def quote(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"

    return " AND ".join(f"{attr} IN ({', '.join(quote(v) for v in values)})" for attr, values in flt)


def filter_problems(flt) -> list:
    return []
