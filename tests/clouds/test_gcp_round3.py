"""GCP, issue 29 round 3: exactly-once delivery for fifo, and dead-letter alerts that fit Cloud Monitoring's limits."""

from __future__ import annotations

from generator.plan import engine

SUB = "gcp:pubsub/subscription:Subscription"
ALERT = "gcp:monitoring/alertPolicy:AlertPolicy"


def _plan(write, body, **config):
    return engine.run(str(write("targets: [gcp]\n" + body)), "gcp", config=config or None)


def test_fifo_subscriptions_get_ordering_and_exactly_once_delivery(write):
    plan = _plan(write, "queues:\n  orders: {fifo: true}\n  plain: {}\ntopics:\n  events: {fifo: true}\n"
                        "services:\n  api: {publishes: [orders, plain, events]}\n"
                        "  wk: {consumes: [orders, plain, events]}\n")
    subs = {r.inputs["name"]: r.inputs for r in plan.by_type(SUB)}
    got = {n: (i.get("enableMessageOrdering"), i.get("enableExactlyOnceDelivery")) for n, i in subs.items()}
    assert got == {
        "demo-dev-orders": (True, True), "demo-dev-events-wk": (True, True),
        "demo-dev-plain": (None, None),
        # dead-letter subscriptions keep what failed: neither ordered nor exactly-once
        "demo-dev-orders-dlq": (None, None), "demo-dev-events-wk-dlq": (None, None), "demo-dev-plain-dlq": (None, None),
    }
    # pull subscriptions only (exactly-once is not offered on push or export subscriptions)
    assert not any("pushConfig" in i or "bigqueryConfig" in i or "cloudStorageConfig" in i for i in subs.values())


def test_exactly_once_is_changed_in_place_and_ordering_still_replaces(write):
    """The provider's enable_exactly_once_delivery has no ForceNew (docs/gcp.md): it is not in replace_on_changes."""
    plan = _plan(write, "queues:\n  orders: {fifo: true}\nservices:\n  api: {publishes: [orders]}\n"
                        "  wk: {consumes: [orders]}\n")
    [main] = [r for r in plan.by_type(SUB) if r.inputs["name"] == "demo-dev-orders"]
    assert "enableExactlyOnceDelivery" not in main.replace_on_changes
    assert "enableMessageOrdering" in main.replace_on_changes
