"""Recorded Azure Resource Manager answers of one Service Bus namespace, shaped as the Service Bus ARM REST API
2021-11-01 (azure-rest-api-specs, specification/servicebus/resource-manager/Microsoft.ServiceBus/stable/2021-11-01/
namespace-preview.json, Queue.json, topics.json, subscriptions.json, Rules.json: SBNamespace, SBQueueListResult,
SBTopicListResult, SBSubscriptionListResult, RuleListResult; list results are {"value": [...], "nextLink"}).

One team's entities ("shop-") next to another team's ("billing-"), with what the format can state and what it
cannot (forwardTo, a SQL filter with an operator, a rule action, a second rule, TimeSpan.MaxValue TTL)."""

from __future__ import annotations

import copy

SUB = "00000000-0000-0000-0000-0000000000aa"
RG = "shop-rg"
NS = "shop-bus"
BASE = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ServiceBus/namespaces/{NS}"
MAX_TTL = "P10675199DT2H48M5.4775807S"  # TimeSpan.MaxValue: what Service Bus answers when no TTL is set


def _entity(kind: str, name: str, props: dict, parent: str = BASE) -> dict:
    types = {"queues": "Microsoft.ServiceBus/Namespaces/Queues", "topics": "Microsoft.ServiceBus/Namespaces/Topics",
             "subscriptions": "Microsoft.ServiceBus/Namespaces/Topics/Subscriptions",
             "rules": "Microsoft.ServiceBus/Namespaces/Topics/Subscriptions/Rules"}
    return {"id": f"{parent}/{kind}/{name}", "name": name, "type": types[kind], "location": "West Europe",
            "properties": props}


def _queue(**kw) -> dict:
    props = {"lockDuration": "PT1M", "maxSizeInMegabytes": 1024, "requiresDuplicateDetection": False,
             "requiresSession": False, "defaultMessageTimeToLive": "P4D", "deadLetteringOnMessageExpiration": True,
             "duplicateDetectionHistoryTimeWindow": "PT10M", "maxDeliveryCount": 5, "status": "Active",
             "enableBatchedOperations": True, "autoDeleteOnIdle": MAX_TTL, "enablePartitioning": False,
             "enableExpress": False, "messageCount": 0, "sizeInBytes": 0}
    props.update(kw)
    return props


def _subscription(**kw) -> dict:
    props = {"lockDuration": "PT30S", "requiresSession": False, "defaultMessageTimeToLive": "P4D",
             "deadLetteringOnFilterEvaluationExceptions": True, "deadLetteringOnMessageExpiration": True,
             "maxDeliveryCount": 5, "status": "Active", "enableBatchedOperations": True, "autoDeleteOnIdle": MAX_TTL,
             "messageCount": 0}
    props.update(kw)
    return props


def _sql(expr: str, action: str | None = None) -> dict:
    p = {"filterType": "SqlFilter", "sqlFilter": {"sqlExpression": expr, "compatibilityLevel": 20}}
    if action:
        p["action"] = {"sqlExpression": action, "compatibilityLevel": 20}
    return p


def state() -> dict:
    """The namespace as plain data: what `routes` answers (a test changes it, then answers again)."""
    return {
        "namespace": {"sku": {"name": "Standard", "tier": "Standard"}, "tags": {"team": "shop", "cost-center": "42"},
                      "properties": {"minimumTlsVersion": "1.2", "disableLocalAuth": True, "status": "Active"}},
        "queues": {
            "shop-jobs": _queue(lockDuration="PT45S", maxDeliveryCount=7, defaultMessageTimeToLive="P7D"),
            "shop-payments": _queue(requiresSession=True, requiresDuplicateDetection=True, maxDeliveryCount=10,
                                    defaultMessageTimeToLive="P14D", deadLetteringOnMessageExpiration=False),
            "shop-legacy": _queue(forwardTo="shop-jobs", defaultMessageTimeToLive=MAX_TTL),
            "billing-invoices": _queue(),
        },
        "topics": {
            "shop-orders": {"props": {"defaultMessageTimeToLive": MAX_TTL, "maxSizeInMegabytes": 1024,
                                      "requiresDuplicateDetection": False, "supportOrdering": True,
                                      "enableBatchedOperations": True, "status": "Active"},
                            "subscriptions": {
                                "ledger": (_subscription(), {"$Default": _sql("1=1")}),
                                "mailer": (_subscription(lockDuration="PT2M", maxDeliveryCount=8),
                                           {"$Default": _sql("status IN ('paid', 'shipped')")}),
                                "fraud": (_subscription(), {"$Default": {"filterType": "CorrelationFilter",
                                                                         "correlationFilter": {"properties":
                                                                                               {"region": "eu"}}}}),
                                "audit": (_subscription(forwardTo="shop-jobs"),
                                          {"$Default": _sql("amount > 100", action="SET audited = 'yes'"),
                                           "vip": _sql("tier = 'gold'")}),
                            }},
            "shop-events": {"props": {"defaultMessageTimeToLive": "P1D", "status": "Active"}, "subscriptions": {}},
            "billing-runs": {"props": {}, "subscriptions": {"billing": (_subscription(), {"$Default": _sql("1=1")})}},
        },
    }


def routes(st: dict | None = None, page_size: int = 2) -> dict:
    """path -> JSON of every GET the reader makes; lists page by ``page_size`` through nextLink."""
    st = copy.deepcopy(st or state())
    out = {BASE: {"id": BASE, "name": NS, "type": "Microsoft.ServiceBus/Namespaces", "location": "West Europe",
                  **st["namespace"]}}

    def listing(path: str, items: list):
        pages = [items[i:i + page_size] for i in range(0, len(items), page_size)] or [[]]
        for n, page in enumerate(pages):
            body = {"value": page}
            if n + 1 < len(pages):
                body["nextLink"] = f"{{endpoint}}{path}?api-version=2021-11-01&$skiptoken={n + 1}"
            out[path + (f"?page={n}" if n else "")] = body

    listing(f"{BASE}/queues", [_entity("queues", n, p) for n, p in sorted(st["queues"].items())])
    listing(f"{BASE}/topics", [_entity("topics", n, t["props"]) for n, t in sorted(st["topics"].items())])
    for tname, t in st["topics"].items():
        tpath = f"{BASE}/topics/{tname}"
        listing(f"{tpath}/subscriptions", [_entity("subscriptions", s, p, tpath)
                                           for s, (p, _r) in sorted(t["subscriptions"].items())])
        for sname, (_p, rules) in t["subscriptions"].items():
            spath = f"{tpath}/subscriptions/{sname}"
            listing(f"{spath}/rules", [_entity("rules", r, p, spath) for r, p in sorted(rules.items())])
    return out
