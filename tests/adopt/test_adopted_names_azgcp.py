"""adopt.azure / adopt.gcp: names every backend uses, import ids, and TOP224."""

from __future__ import annotations

from conftest import HEADER
from generator.check import check_document
from generator.loader import load_bytes
from generator.model import build

AZ = 'accounts: {azure: {subscription: "00000000-0000-0000-0000-0000000000aa", resource_group: rg, namespace: shop-bus}}\n'
GCP = "accounts: {gcp: {project: shop-proj}}\n"
BODY = """queues:
  jobs: {adopt: {CLOUD: {name: legacy-jobs}}}
topics:
  orders: {adopt: {CLOUD: {name: legacy-orders, subscriptions: {billing: {name: legacy-billing}}}}}
services:
  billing: {consumes: [orders, jobs]}
  shop: {publishes: [orders, jobs]}
"""


def _diags(text, code):
    return [d for d in check_document(load_bytes(HEADER + text, "t.yaml")).diagnostics if d.code == code]


def _topo(text):
    doc = load_bytes(HEADER + text, "t.yaml")
    return build(doc)


def test_azure_names_and_import_ids():
    from generator.clouds.azure import imports, spec

    topo = _topo("targets: [azure]\n" + AZ + BODY.replace("CLOUD", "azure"))
    q, t = topo.queues["jobs"], topo.topics["orders"]
    assert spec.entity_name(topo, q) == "legacy-jobs" and spec.entity_name(topo, t) == "legacy-orders"
    assert spec.subscription_name(topo, "billing", t) == "legacy-billing"
    base = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg/providers/Microsoft.ServiceBus/" \
           "namespaces/shop-bus"
    assert imports.queue_import_id(topo, q) == f"{base}/queues/legacy-jobs"
    assert imports.rule_import_id(topo, t, "billing") == f"{base}/topics/legacy-orders/subscriptions/legacy-billing" \
                                                         "/rules/$Default"
    assert spec.environment(topo)["billing"]["ORDERS_SUBSCRIPTION_NAME"] == "legacy-billing"
    assert _diags("targets: [azure]\n" + AZ + BODY.replace("CLOUD", "azure"), "TOP224") == []


def test_gcp_names_and_import_ids():
    from generator.clouds.gcp import imports, spec

    body = BODY.replace("CLOUD", "gcp").replace("{name: legacy-jobs}", "{name: legacy-jobs, subscription: legacy-jobs-sub, "
                                                 "dead_letter: legacy-jobs-dead}")
    topo = _topo("targets: [gcp]\n" + GCP + body)
    q, t = topo.queues["jobs"], topo.topics["orders"]
    assert spec.topic_id(topo, q) == "legacy-jobs" and spec.queue_subscription_id(topo, q) == "legacy-jobs-sub"
    assert spec.topic_subscription_id(topo, t, "billing") == "legacy-billing"
    assert imports.topic_import_id(topo, t) == "projects/shop-proj/topics/legacy-orders"
    assert imports.store_import_ids(topo, q, None, "legacy-jobs-sub") == (
        "projects/shop-proj/subscriptions/legacy-jobs-sub", "projects/shop-proj/topics/legacy-jobs-dead",
        "projects/shop-proj/subscriptions/legacy-jobs-dead")
    # a consumer that adopts no dead-letter topic gets topowire's <sub>-dlq, created by the first up
    assert imports.store_import_ids(topo, t, "billing", "legacy-billing") == (
        "projects/shop-proj/subscriptions/legacy-billing", None, None)
    assert imports.dead_letter_id(topo, t, "billing", "legacy-billing") == "legacy-billing-dlq"


def test_TOP224_needs_the_account_and_consumers():
    for cloud, account in (("azure", AZ), ("gcp", GCP)):
        [d] = _diags(f"targets: [{cloud}]\n" + BODY.replace("CLOUD", cloud), "TOP224")
        assert f"accounts.{cloud}" in d.message
        bad = BODY.replace("CLOUD", cloud).replace("billing: {name: legacy-billing}", "mailer: {name: x}")
        [d] = _diags(f"targets: [{cloud}]\n" + account + bad, "TOP224")
        assert "service 'mailer', which does not consume it" in d.message
    [d] = _diags("targets: [gcp]\n" + GCP + "queues:\n  jobs: {dead_letter: false, adopt: {gcp: {name: j, "
                 "dead_letter: j-dlq}}}\nservices:\n  worker: {consumes: [jobs], publishes: [jobs]}\n", "TOP224")
    assert "dead_letter: false" in d.message


def test_an_adopted_name_breaking_the_clouds_rules_is_TOP202():
    text = "targets: [azure]\n" + AZ + BODY.replace("CLOUD", "azure").replace("legacy-billing", "-bad-")
    assert any("-bad-" in d.message for d in _diags(text, "TOP202"))


def test_every_reader_of_names_uses_the_adopted_ones():
    """The architecture docs, diff's inventory, the namespace and GCP's dead-letter alert name what runs, not the
    derived names (after the merge of the adoption and round-3 work, each reads the same spec functions)."""
    from generator.clouds.azure import spec as az
    from generator.clouds.gcp import spec as gcp
    from generator.docs import render

    topo = _topo("targets: [azure]\n" + AZ + BODY.replace("CLOUD", "azure"))
    assert az.namespace_name(topo, "from-stack-config") == "shop-bus"   # accounts.azure: what runs comes first
    inventory = {i.name for i in az.inventory(topo)}
    assert "legacy-orders/legacy-billing" in inventory
    page = render(topo, "t.yaml")
    assert "legacy-billing" in page and "legacy-jobs" in page

    body = BODY.replace("CLOUD", "gcp").replace("{name: legacy-jobs}", "{name: legacy-jobs, subscription: legacy-jobs-sub, "
                                                 "dead_letter: legacy-jobs-dead}")
    topo = _topo("targets: [gcp]\n" + GCP + body)
    ids = [n for n, _key in gcp.dead_letters(topo)]
    assert "legacy-jobs-dead" in ids and "legacy-billing-dlq" in ids
    policies = gcp.alert_policies(ids)
    assert any("legacy-jobs-dead" in gcp.alert_filter(group) for policy in policies for group in policy)
    assert "legacy-jobs-dead" in render(topo, "t.yaml")
