"""A replacement takes its dependents along: every one is counted and listed, per cloud."""

from __future__ import annotations

import json

from conftest import run_cli
from test_diff import BASE


def actions(tmp_path, head, base=BASE):
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    return doc, sorted((a["cloud"], a["action"], a["kind"], a["name"], a["reason"]) for a in doc["actions"])


def test_a_fifo_change_lists_what_follows_the_queue_on_each_cloud(tmp_path):
    doc, got = actions(tmp_path, BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}"))
    follows_q = "follows SQS queue shop-dev-audit-trail, which is replaced; "
    follows_dlq = "follows SQS dead-letter queue shop-dev-audit-trail-dlq, which is replaced; "
    follows_sub = "follows Pub/Sub subscription shop-dev-audit-trail, which is replaced; "
    dependents = [a for a in got if a[4].startswith("follows ")]
    assert dependents == [
        ("aws", "replace", "CloudWatch alarm", "shop-dev-audit-trail-dlq-not-empty",
         follows_dlq + "cannot change in place: name shop-dev-audit-trail-dlq.fifo-not-empty -> shop-dev-audit-trail-dlq-not-empty"),
        ("aws", "replace", "SQS queue policy", "shop-dev-audit-trail", follows_q + "queue_url cannot change in place"),
        ("aws", "replace", "SQS queue policy", "shop-dev-audit-trail-dlq", follows_dlq + "queue_url cannot change in place"),
        ("aws", "replace", "SQS redrive-allow policy", "shop-dev-audit-trail-dlq",
         follows_dlq + "queue_url cannot change in place"),
        ("aws", "update", "IAM policy", "shop-dev-fulfilment", follows_q + "policy changes in place"),
        ("aws", "update", "IAM policy", "shop-dev-storefront", follows_q + "policy changes in place"),
        # on Azure each service runs as a principal (given, or the identity created for it): its grant on the queue
        ("azure", "replace", "role assignment", "fulfilment may receive on audit-trail",
         "follows Service Bus queue shop-dev-audit-trail, which is replaced; scope cannot change in place"),
        ("azure", "replace", "role assignment", "storefront may send on audit-trail",
         "follows Service Bus queue shop-dev-audit-trail, which is replaced; scope cannot change in place"),
        ("gcp", "replace", "IAM member", "shop-dev-audit-trail: fulfilment", follows_sub + "subscription cannot change in place"),
        ("gcp", "replace", "IAM member", "shop-dev-audit-trail: service agent",
         follows_sub + "subscription cannot change in place"),
    ]
    assert doc["summary"]["aws"] == {"create": 0, "update": 2, "replace": 6, "delete": 0, "destructive": 2}
    assert doc["summary"]["gcp"] == {"create": 0, "update": 0, "replace": 3, "delete": 0, "destructive": 1}


def test_azure_role_assignments_and_filter_rules_follow_a_replaced_subscription(tmp_path):
    base = BASE.replace("  ledger:\n", "  ledger:\n    identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}\n") \
        .replace("  payments: {}", "  payments: {fifo: true}")
    head = base.replace("  payments: {fifo: true}", "  payments: {}")
    _, got = actions(tmp_path, head, base)
    azure = [a[1:4] for a in got if a[0] == "azure"]
    assert azure == [("replace", "Service Bus filter rule", "shop-dev-payments/ledger/$Default"),
                     ("replace", "Service Bus subscription", "shop-dev-payments/ledger"),
                     ("replace", "Service Bus topic", "shop-dev-payments"),
                     ("replace", "role assignment", "ledger may receive on payments"),
                     ("replace", "role assignment", "storefront may send on payments")]  # its created identity's


def test_a_harmless_change_has_no_dependents(tmp_path):
    _, got = actions(tmp_path, BASE.replace("  orders: {}", "  orders: {retention: 2d}"))
    assert [a[:4] for a in got] == [("aws", "update", "SQS queue", "shop-dev-orders"),
                                    ("azure", "update", "Service Bus queue", "shop-dev-orders"),
                                    ("gcp", "update", "Pub/Sub subscription", "shop-dev-orders")]


def test_what_follows_a_removed_dlq_goes_with_it(tmp_path):
    _, got = actions(tmp_path, BASE.replace("  orders: {}", "  orders: {dead_letter: false}"))
    assert [a for a in got if a[4].startswith(("goes with", "no longer"))] == [
        ("aws", "delete", "CloudWatch alarm", "shop-dev-orders-dlq-not-empty", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        ("aws", "delete", "SQS queue policy", "shop-dev-orders-dlq", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        ("aws", "delete", "SQS redrive-allow policy", "shop-dev-orders-dlq", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        # the consumer's grant on the dead-letter subscription goes with it
        ("gcp", "delete", "IAM member", "shop-dev-orders-dlq: fulfilment",
         "goes with Pub/Sub dead-letter subscription shop-dev-orders-dlq"),
        # the subscription stays: only the service agent's grants for dead-lettering go (publisher on the
        # dead-letter topic, which goes; subscriber on the subscription, which stays)
        ("gcp", "delete", "IAM member", "shop-dev-orders-dlq: service agent",
         "goes with Pub/Sub dead-letter topic shop-dev-orders-dlq"),
        ("gcp", "delete", "IAM member", "shop-dev-orders: service agent",
         "no longer needed on Pub/Sub subscription shop-dev-orders, which stays"),
    ]


def test_a_grant_a_service_stops_or_starts_needing_is_not_said_to_follow_its_channel(tmp_path):
    base = BASE.replace("  storefront: {", "  storefront: {identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}, ")
    fewer = base.replace("publishes: [orders, payments, audit-trail]", "publishes: [orders, audit-trail]")
    _, got = actions(tmp_path, fewer, base)
    assert got == [
        ("aws", "update", "IAM policy", "shop-dev-storefront", "in place: grants"),
        ("azure", "delete", "role assignment", "storefront may send on payments",
         "no longer needed on Service Bus topic shop-dev-payments, which stays"),
        ("gcp", "delete", "IAM member", "shop-dev-payments: storefront",
         "no longer needed on Pub/Sub topic shop-dev-payments, which stays"),
    ]
    _, got = actions(tmp_path, base, fewer)
    assert [a[1:] for a in got if a[0] != "aws"] == [
        ("create", "role assignment", "storefront may send on payments",
         "now needed on Service Bus topic shop-dev-payments, which exists"),
        ("create", "IAM member", "shop-dev-payments: storefront", "now needed on Pub/Sub topic shop-dev-payments, which exists"),
    ]


def test_a_new_alarm_topic_updates_every_dlq_alarm_in_place(tmp_path):
    base = BASE.replace("name: shop\n", "name: shop\nclouds: {aws: {alarm_topic: 'arn:aws:sns:us-east-1:123456789012:oncall'}}\n")
    head = base.replace(":oncall'", ":pager'")
    _, got = actions(tmp_path, head, base)
    why = "in place: alarm_actions"     # as for every in-place update: the setting's name (the values are in Changes)
    assert got == [("aws", "update", "CloudWatch alarm", f"shop-dev-{q}-dlq{fifo}-not-empty", why)
                   for q, fifo in (("audit-trail", ".fifo"), ("orders", ""), ("payments-ledger", ""))]
    _, got = actions(tmp_path, BASE, base)   # the alarm topic removed: the alarms notify no one
    assert [a[1:4] for a in got] == [("update", "CloudWatch alarm", f"shop-dev-{q}-dlq{fifo}-not-empty")
                                     for q, fifo in (("audit-trail", ".fifo"), ("orders", ""), ("payments-ledger", ""))]


def test_a_new_azure_principal_replaces_the_services_role_assignments(tmp_path):
    base = BASE.replace("  storefront: {", "  storefront: {identity: {azure_principal_id: 8F7E0C1A-0000-4000-8000-000000000001}, ")
    head = base.replace("000000000001}", "000000000002}")
    _, got = actions(tmp_path, head, base)
    why = "cannot change in place: principal 8f7e0c1a-0000-4000-8000-000000000001 -> 8f7e0c1a-0000-4000-8000-000000000002"
    assert got == [("azure", "replace", "role assignment", f"storefront may send on {c}", why)
                   for c in ("audit-trail", "orders", "payments")]
    # Casing alone: the assignment's name (the GUID of scope, principal, role) is computed lowercased: no change
    _, got = actions(tmp_path, base.replace("8F7E0C1A", "8f7e0c1a"), base)
    assert got == []


def test_a_new_gcp_service_account_replaces_the_services_iam_members(tmp_path):
    base = BASE.replace("  fulfilment: {", "  fulfilment: {identity: {gcp_service_account: a@p.iam.gserviceaccount.com}, ")
    head = base.replace("a@p.", "b@p.")
    _, got = actions(tmp_path, head, base)
    why = "cannot change in place: member serviceAccount:a@p.iam.gserviceaccount.com -> serviceAccount:b@p.iam.gserviceaccount.com"
    # its grants on the subscriptions it consumes, and on their dead-letter subscriptions (<CH>_DLQ_SUBSCRIPTION)
    assert got == sorted(("gcp", "replace", "IAM member", f"shop-dev-{c}: fulfilment", why)
                         for c in ("audit-trail", "audit-trail-dlq", "orders", "orders-dlq"))
    # The given account dropped: the program creates one named after the service, and grants it instead
    _, got = actions(tmp_path, BASE, base)
    assert {a[:2] + a[4:] for a in got} == {("gcp", "replace", "cannot change in place: member serviceAccount:"
                                             "a@p.iam.gserviceaccount.com -> serviceAccount:shop-dev-fulfilment@"
                                             "<project>.iam.gserviceaccount.com")}


def test_new_tags_update_every_tagged_resource_in_place(tmp_path):
    base = BASE.replace("name: shop\n", "name: shop\ntags: {team: shop}\n")
    _, got = actions(tmp_path, base.replace("team: shop", "team: checkout"), base)
    kinds = {}
    for cloud, action, kind, _, why in got:
        assert action == "update" and why == ("in place: labels" if cloud == "gcp" else "in place: tags")
        kinds[(cloud, kind)] = kinds.get((cloud, kind), 0) + 1
    assert kinds == {("aws", "CloudWatch alarm"): 3, ("aws", "IAM policy"): 3, ("aws", "SNS topic"): 1,
                     ("aws", "SQS dead-letter queue"): 3, ("aws", "SQS queue"): 3,
                     ("azure", "Service Bus namespace"): 1,   # Service Bus entities have no tags
                     ("azure", "Azure Monitor metric alert"): 3,   # its alerts do
                     ("azure", "managed identity"): 3,   # and the identities created for the services
                     ("gcp", "Pub/Sub dead-letter subscription"): 3, ("gcp", "Pub/Sub dead-letter topic"): 3,
                     ("gcp", "Pub/Sub subscription"): 3, ("gcp", "Pub/Sub topic"): 3,
                     ("gcp", "Cloud Monitoring alert policy"): 1}


def test_azure_role_assignments_follow_a_replaced_queue(tmp_path):
    base = BASE.replace("  fulfilment: {", "  fulfilment: {identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}, ")
    head = base.replace("  audit-trail: {fifo: true}", "  audit-trail: {}")
    _, got = actions(tmp_path, head, base)
    assert [a[1:] for a in got if a[0] == "azure" and a[2] == "role assignment"] == [
        ("replace", "role assignment", "fulfilment may receive on audit-trail",
         "follows Service Bus queue shop-dev-audit-trail, which is replaced; scope cannot change in place"),
        ("replace", "role assignment", "storefront may send on audit-trail",   # through its created identity
         "follows Service Bus queue shop-dev-audit-trail, which is replaced; scope cannot change in place")]
