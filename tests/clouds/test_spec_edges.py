"""Edges of the cloud specs that no fixture reaches: reserved names, a configured namespace, the role-assignment
limit. Expected values written out from the cloud documentation the specs cite (docs/azure.md)."""

from __future__ import annotations

import pytest

from generator.check import load_topology
from generator.clouds import azure_spec


def topo(write, body: str):
    return load_topology(write(body))[0]


@pytest.mark.parametrize("prefix, namespace", [
    ("shop-sb", "shop-sb-ns"),        # Service Bus refuses a namespace ending in -sb or -mgmt
    ("shop-mgmt", "shop-mgmt-ns"),
    ("shop-sbx", "shop-sbx"),
    ("ab", "ab-topowire"),            # at least 6 characters
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
