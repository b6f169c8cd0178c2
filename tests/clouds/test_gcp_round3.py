"""GCP, issue 29 round 3: exactly-once delivery for fifo, and dead-letter alerts that fit Cloud Monitoring's limits."""

from __future__ import annotations

import pytest

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


def _consumers(n):
    """One topic with ``n`` consuming services (ids ``demo-dev-events-consumer-NNN-dlq``, 32 characters)."""
    return ("topics: {events: {}}\nservices:\n  api: {publishes: [events]}\n"
            + "".join(f"  consumer-{i:03}: {{consumes: [events]}}\n" for i in range(n)))


def _conditions(plan):
    return [[c["conditionThreshold"]["filter"] for c in r.inputs["conditions"]] for r in plan.by_type(ALERT)]


import re  # noqa: E402

_QUOTED = re.compile(r'"([^"]+)"')


def _ids(flt):
    head, _, rest = flt.partition("one_of(")
    assert head == ('metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND '
                    'resource.type = "pubsub_subscription" AND resource.label.subscription_id = ')
    assert rest.endswith(")")
    return _QUOTED.findall(rest)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The 500-consumer topology and its plan, made once (the plan of 500 subscriptions takes seconds)."""
    from conftest import HEADER

    path = tmp_path_factory.mktemp("many") / "topology.yaml"
    path.write_text(HEADER + "targets: [gcp]\n" + _consumers(500), "utf-8")
    return path, engine.run(str(path), "gcp")


@pytest.mark.parametrize("n,policies", [(45, 1), (500, 2)])
def test_dead_letter_alert_filters_fit_alert_proto_for_any_number_of_consumers(write, many, n, policies):
    """alert.proto: a filter "must not exceed 2048 Unicode characters", a policy has one to six conditions. One
    topic with 45 consumers made a 2,861-character filter before; now each filter fits and every dead-letter
    subscription is named exactly once."""
    plan = many[1] if n == 500 else _plan(write, _consumers(n))
    conds = _conditions(plan)
    assert len(conds) == policies
    assert all(1 <= len(c) <= 6 for c in conds)
    assert all(len(f) <= 2048 for c in conds for f in c)
    named = [i for c in conds for f in c for i in _ids(f)]
    assert sorted(named) == named == sorted(f"demo-dev-events-consumer-{i:03}-dlq" for i in range(n))
    # the first policy keeps the name and display name of earlier versions; later ones are numbered
    alerts = plan.by_type(ALERT)
    assert [a.name for a in alerts] == ["demo-dead-letter-alert"] + [f"demo-dead-letter-alert-{i}"
                                                                     for i in range(2, policies + 1)]
    assert alerts[0].inputs["displayName"] == "demo-dev: messages in dead-letter subscriptions"
    assert [a.inputs["displayName"] for a in alerts[1:]] == [
        f"demo-dev: messages in dead-letter subscriptions (part {i})" for i in range(2, policies + 1)]


def test_the_split_packs_filters_up_to_the_limit():
    from generator.clouds.gcp import spec

    ids = [f"s-{i:05}-" + "x" * 200 for i in range(100)]
    groups = spec.alert_conditions(ids)
    assert [n for g in groups for n in g] == ids
    assert all(len(spec.alert_filter(g)) <= 2048 for g in groups)
    # no room wasted: the next id would not have fit in any group but the last
    assert all(len(spec.alert_filter(g + [ids[0]])) > 2048 for g in groups[:-1])
    longest = "a" * 255  # the longest Pub/Sub id fits alone
    assert spec.alert_conditions([longest]) == [[longest]] and len(spec.alert_filter([longest])) <= 2048
    assert spec.alert_policies([]) == []


def test_diff_and_the_program_agree_on_the_alert_policies(many):
    """The diff models each policy as a dependent (its display name and the dead-letter subscriptions it names):
    the same policies, in the same order, with the same subscriptions as the program."""
    from generator.check import load_topology
    from generator.clouds.gcp import spec

    path, plan = many
    topo = load_topology(str(path), warnings=False)[0]
    modelled = [d for d in spec.dependents(topo) if d.kind == "Cloud Monitoring alert policy"]
    alerts = plan.by_type(ALERT)
    assert [d.name for d in modelled] == [a.inputs["displayName"] for a in alerts]
    for d, a in zip(modelled, alerts):
        in_plan = [i for f in (c["conditionThreshold"]["filter"] for c in a.inputs["conditions"]) for i in _ids(f)]
        assert [spec.dead_letter_id(spec.topic_subscription_id(topo, topo.topics["events"], k[2]))
                for k, _effect in d.refs] == in_plan
    assert spec.alarms(topo) == len(alerts) == 2


def test_diff_says_a_second_policy_is_created_when_the_first_is_full(write):
    """Dead-letter subscriptions beyond what six filters hold make a new policy (a create); the first changes in
    place; dropping them deletes the new one. No plan needed: the diff models the policies (spec.dependents)."""
    from generator.check import load_topology
    from generator.diff import impact

    def topo(n, name):
        long = "s" * 50  # long service names: fewer ids per filter, so a second policy at a small count
        body = ("targets: [gcp]\ntopics: {events: {}}\nservices:\n  api: {publishes: [events]}\n"
                + "".join(f"  {long}{i:03}: {{consumes: [events]}}\n" for i in range(n)))
        return load_topology(str(write(body, name=name)), warnings=False)[0]

    few, more = topo(100, "a.yaml"), topo(200, "b.yaml")
    from generator.clouds.gcp import spec

    assert (spec.alarms(few), spec.alarms(more)) == (1, 2)
    _, actions = impact.all_actions(few, more)
    policies = [(a.action, a.name) for a in actions if a.kind == "Cloud Monitoring alert policy"]
    assert policies == [("update", "demo-dev: messages in dead-letter subscriptions"),
                        ("create", "demo-dev: messages in dead-letter subscriptions (part 2)")]
    _, back = impact.all_actions(more, few)
    assert ("delete", "demo-dev: messages in dead-letter subscriptions (part 2)") in \
        [(a.action, a.name) for a in back if a.kind == "Cloud Monitoring alert policy"]
