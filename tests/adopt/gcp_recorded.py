"""Recorded Pub/Sub v1 REST answers of one project (cloud.google.com/pubsub/docs/reference/rest/v1:
projects.topics.list -> ListTopicsResponse {"topics", "nextPageToken"}, projects.subscriptions.list ->
ListSubscriptionsResponse {"subscriptions", "nextPageToken"}; Topic and Subscription as googleapis
google/pubsub/v1/pubsub.proto in protobuf's JSON mapping: camelCase, durations "600s").

One team's topics ("shop-") next to another team's ("billing-"): a queue (a topic with its one subscription of the
same id) with its dead-letter topic, a topic with four subscriptions (exact filters, a hasPrefix filter, push
delivery, exactly-once, expiration), and a topic no one subscribes to; their IAM policies (``policies``), served
by projects.topics.getIamPolicy / projects.subscriptions.getIamPolicy (GET /v1/{resource}:getIamPolicy, a
google.iam.v1.Policy)."""

from __future__ import annotations

import copy

PROJECT = "shop-proj"
P = f"projects/{PROJECT}"
LABELS = {"team": "shop"}


def _sub(sid: str, topic: str, **kw) -> dict:
    out = {"name": f"{P}/subscriptions/{sid}", "topic": f"{P}/topics/{topic}", "pushConfig": {},
           "ackDeadlineSeconds": 30, "messageRetentionDuration": "345600s", "labels": dict(LABELS),
           "expirationPolicy": {}, "retryPolicy": {"minimumBackoff": "10s", "maximumBackoff": "600s"},
           "state": "ACTIVE"}
    out.update(kw)
    return out


def _dlq(source: str, attempts: int = 5) -> dict:
    return {"deadLetterTopic": f"{P}/topics/{source}-dlq", "maxDeliveryAttempts": attempts}


def state() -> dict:
    return {
        "topics": {t: {"name": f"{P}/topics/{t}", "labels": dict(LABELS)} for t in
                   ("shop-jobs", "shop-jobs-dlq", "shop-orders", "shop-orders-mailer-dlq", "shop-events")} |
        {"billing-runs": {"name": f"{P}/topics/billing-runs"}},
        "subscriptions": {
            "shop-jobs": _sub("shop-jobs", "shop-jobs", ackDeadlineSeconds=45, messageRetentionDuration="604800s",
                              deadLetterPolicy=_dlq("shop-jobs", 7)),
            "shop-jobs-dlq": _sub("shop-jobs-dlq", "shop-jobs-dlq", messageRetentionDuration="1209600s",
                                  ackDeadlineSeconds=45, retryPolicy={}),
            "shop-orders-ledger": _sub("shop-orders-ledger", "shop-orders"),
            "shop-orders-mailer": _sub("shop-orders-mailer", "shop-orders", ackDeadlineSeconds=120,
                                       filter='(attributes.status = "paid" OR attributes.status = "shipped")',
                                       deadLetterPolicy=_dlq("shop-orders-mailer")),
            "shop-orders-mailer-dlq": _sub("shop-orders-mailer-dlq", "shop-orders-mailer-dlq",
                                           messageRetentionDuration="1209600s", ackDeadlineSeconds=120),
            "shop-orders-fraud": _sub("shop-orders-fraud", "shop-orders", filter='attributes.region = "eu"'),
            "shop-orders-audit": _sub("shop-orders-audit", "shop-orders", filter='hasPrefix(attributes.kind, "a")',
                                      enableExactlyOnceDelivery=True, expirationPolicy={"ttl": "2678400s"},
                                      pushConfig={"pushEndpoint": "https://audit.example.com/push"}),
            "billing-runs-x": _sub("billing-runs-x", "billing-runs"),
        },
    }


SA = "iam.gserviceaccount.com"
AGENT = f"serviceAccount:service-123456789012@gcp-sa-pubsub.{SA}"


def sa(name: str) -> str:
    return f"{name}@{PROJECT}.{SA}"


def _binding(role: str, *members: str, **kw) -> dict:
    return {"role": role, "members": list(members), **kw}


def policies() -> dict:
    """The IAM policies (google.iam.v1.Policy in JSON, version 3) of the team's topics and subscriptions: a publisher
    service account on two topics, a subscriber per subscription, a user, allUsers, a custom role, a conditional
    binding, an editor and Pub/Sub's own service agent. Everything else answers the empty policy Pub/Sub gives."""
    pub, sub = "roles/pubsub.publisher", "roles/pubsub.subscriber"
    return {
        f"{P}/topics/shop-orders": [_binding(pub, f"serviceAccount:{sa('checkout')}", "user:alice@example.com"),
                                    _binding(f"{P}/roles/orderPeek", f"serviceAccount:{sa('peeker')}")],
        f"{P}/topics/shop-jobs": [_binding(pub, f"serviceAccount:{sa('checkout')}")],
        f"{P}/topics/shop-orders-mailer-dlq": [_binding(pub, AGENT)],
        f"{P}/topics/shop-events": [_binding("roles/pubsub.editor", f"serviceAccount:{sa('ops-tool')}")],
        f"{P}/subscriptions/shop-jobs": [_binding(sub, f"serviceAccount:{sa('jobs-worker')}")],
        f"{P}/subscriptions/shop-orders-ledger": [_binding(sub, f"serviceAccount:{sa('ledger')}")],
        f"{P}/subscriptions/shop-orders-mailer": [
            _binding(sub, f"serviceAccount:{sa('mailer')}", AGENT),
            _binding(sub, f"serviceAccount:{sa('mailer-tmp')}",
                     condition={"title": "until-2030", "expression": 'request.time < timestamp("2030-01-01T00:00:00Z")'})],
        f"{P}/subscriptions/shop-orders-fraud": [_binding(sub, f"serviceAccount:{sa('fraud-svc')}")],
        f"{P}/subscriptions/shop-orders-audit": [_binding(sub, "allUsers")],
    }


def routes(st: dict | None = None, page_size: int = 3, iam: dict | None = None) -> dict:
    """path -> JSON of every GET the reader makes; lists page by ``page_size`` through nextPageToken."""
    st = copy.deepcopy(st or state())
    out = {}

    def listing(path: str, key: str, items: list):
        pages = [items[i:i + page_size] for i in range(0, len(items), page_size)] or [[]]
        for n, page in enumerate(pages):
            body = {key: page} if page else {}
            if n + 1 < len(pages):
                body["nextPageToken"] = f"p{n + 1}"
            out[path + (f"?page=p{n}" if n else "")] = body

    listing(f"/v1/{P}/topics", "topics", [t for _k, t in sorted(st["topics"].items())])
    listing(f"/v1/{P}/subscriptions", "subscriptions", [s for _k, s in sorted(st["subscriptions"].items())])
    # projects.topics.getIamPolicy / projects.subscriptions.getIamPolicy: GET /v1/{resource}:getIamPolicy
    found = policies() if iam is None else iam
    for kind in ("topics", "subscriptions"):
        for rid in st[kind]:
            path = f"{P}/{kind}/{rid}"
            body = found.get(path, [])
            out[f"/v1/{path}:getIamPolicy"] = body if not isinstance(body, list) else \
                {"version": 3 if any("condition" in b for b in body) else 1, "etag": "BwYz1A==",
                 **({"bindings": copy.deepcopy(body)} if body else {})}
    return out
