"""Edges of the cloud specs that no fixture reaches: reserved names, a configured namespace, the role-assignment
limit. Expected values written out from the cloud documentation the specs cite (docs/azure.md)."""

from __future__ import annotations

import pytest

from generator.check import load_topology
from generator.clouds.azure import spec as azure_spec


def topo(write, body: str):
    return load_topology(write(body))[0]


@pytest.mark.parametrize("prefix, namespace", [
    ("shop-sb", "shop-sb-ns"),        # Service Bus refuses a namespace ending in -sb or -mgmt
    ("shop-mgmt", "shop-mgmt-ns"),
    ("shop-sbx", "shop-sbx"),
    ("ab", "ab-topowire"),            # at least 6 characters
    ("abc-de", "abc-de"),             # exactly 6: kept
])
def test_namespace_names_avoid_the_reserved_endings_and_the_minimum_length(write, prefix, namespace):
    t = topo(write, f"targets: [azure]\nqueues: {{jobs: {{}}}}\nenvironments: {{dev: {{prefix: {prefix}}}}}\n")
    assert azure_spec.namespace_name(t) == namespace
    assert azure_spec.namespace_name(t, "configured-ns") == "configured-ns"


def test_a_configured_namespace_is_the_one_services_connect_to(write):
    t = topo(write, "targets: [azure]\nqueues: {jobs: {}}\nservices:\n  web: {publishes: [jobs]}\n")
    env = azure_spec.environment(t, "shared-bus")
    assert env["web"]["SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"] == "shared-bus.servicebus.windows.net"
    assert azure_spec.environment(t)["web"]["SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"] == "demo-dev.servicebus.windows.net"


def test_role_assignments_over_the_subscription_limit_are_a_problem(write, monkeypatch):
    t = topo(write, "targets: [azure]\nqueues: {jobs: {}, mail: {}}\nservices:\n"
                    "  web: {publishes: [jobs, mail], identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}}\n")
    assert azure_spec.policy_problems(t) == []
    monkeypatch.setattr(azure_spec, "MAX_ROLE_ASSIGNMENTS", 1)   # 4,000 per subscription: two are enough here
    assert azure_spec.policy_problems(t) == [(("services",), "2 role assignments; an Azure subscription holds at "
                                                              "most 1")]


def test_the_aws_policy_size_bound_counts_every_arn_a_service_names(write):
    """Each ARN with the shortest region (us-east-1), quoted and separated: len + 3. Written out:
    ``arn:aws:sqs:us-east-1:123456789012:`` is 35 characters."""
    from generator.clouds.aws import spec as aws_spec

    t = topo(write, "targets: [aws]\nqueues: {jobs: {}}\ntopics: {events: {}}\nservices:\n"
                    "  sender: {publishes: [jobs]}\n  announcer: {publishes: [events]}\n"
                    "  worker: {consumes: [jobs]}\n  listener: {consumes: [events]}\n"
                    "  both: {publishes: [jobs, events], consumes: [events]}\n")
    bound = {name: aws_spec.policy_size_lower_bound(t, s) for name, s in t.services.items()}
    # a consumer reads its dead-letter queue too (<CH>_DLQ_URL): one more ARN per channel it consumes
    assert bound == {"sender": 35 + len("demo-dev-jobs") + 3, "announcer": 35 + len("demo-dev-events") + 3,
                     "worker": 2 * 35 + len("demo-dev-jobs") + len("demo-dev-jobs-dlq") + 6,
                     "listener": 2 * 35 + len("demo-dev-events-listener") + len("demo-dev-events-listener-dlq") + 6,
                     "both": 4 * 35 + len("demo-dev-jobs") + len("demo-dev-events") + len("demo-dev-events-both")
                     + len("demo-dev-events-both-dlq") + 12}


@pytest.mark.parametrize("full, fitted", [
    ("a" * 22 + "-" + "b" * 10, "a" * 22 + "-6b5a06"),   # cut at a '-': no double dash before the hash
    ("ab", "ab-fb8e20"),                                  # under 6 characters: the hash is added
    ("shop-dev-web", "shop-dev-web"),                     # fits: kept
])
def test_gcp_service_account_ids_fit_6_to_30_characters(full, fitted):
    from generator.clouds.gcp import spec as gcp_spec

    assert gcp_spec.fit_account_id(full) == fitted


def test_azure_role_assignment_names_checked_for_collisions_are_the_programs(write):
    from generator.plan import engine

    path = write("targets: [azure]\nqueues: {jobs: {}}\ntopics: {events: {}}\nservices:\n  web:\n"
                 "    publishes: [jobs, events]\n    consumes: [jobs, events]\n"
                 "    identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}\n")
    names = sorted(p.name for p in azure_spec.pulumi_names(load_topology(path)[0]) if p.scope == "RoleAssignment")
    assert names == ["web-receive-queue-jobs", "web-receive-subscription-events", "web-send-queue-jobs",
                     "web-send-topic-events"]
    plan = engine.run(str(path), "azure")
    assert sorted(r.name for r in plan.by_type("azure-native:authorization:RoleAssignment")) == names


def test_what_service_bus_entities_accept_as_documented():
    """The Service Bus quotas and REST spec limits (docs/azure.md cites them), written out. ``ACCEPTS`` is built
    from these at import; calling the builder again shows a changed limit to a test that runs after import."""
    got = {(a.type.rsplit(":", 1)[1], a.key): (a.low, a.high, a.unit, a.pattern) for a in azure_spec._entity_inputs()}
    iso = "iso8601"
    namespace, group = r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$", r"[-\w._()]{0,89}[-\w_()]"
    expected = {}
    for t in ("Queue", "Subscription"):
        expected.update({(t, "lockDuration"): (5, 300, iso, None), (t, "defaultMessageTimeToLive"): (1, None, iso, None),
                         (t, "maxDeliveryCount"): (1, 2000, "", None),
                         (t, "duplicateDetectionHistoryTimeWindow"): (20, 7 * 86400, iso, None)})
    for t in ("Queue", "Topic", "Subscription", "Rule"):
        expected.update({(t, "namespaceName"): (None, None, "", namespace), (t, "resourceGroupName"): (None, None, "", group)})
    assert got == expected
    assert {a.source.split(" ", 1)[0] for a in azure_spec._entity_inputs()} == {"azure-rest-api-specs", "Service"}
    assert all(("service-bus-quotas" in a.source) == (a.key in ("maxDeliveryCount", "duplicateDetectionHistoryTimeWindow",
                                                                  "lockDuration")) for a in azure_spec._entity_inputs())
