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
                     ("replace", "role assignment", "ledger may receive on payments")]


def test_a_harmless_change_has_no_dependents(tmp_path):
    _, got = actions(tmp_path, BASE.replace("  orders: {}", "  orders: {retention: 2d}"))
    assert [a[:4] for a in got] == [("aws", "update", "SQS queue", "shop-dev-orders"),
                                    ("azure", "update", "Service Bus queue", "shop-dev-orders"),
                                    ("gcp", "update", "Pub/Sub subscription", "shop-dev-orders")]


def test_what_follows_a_removed_dlq_goes_with_it(tmp_path):
    _, got = actions(tmp_path, BASE.replace("  orders: {}", "  orders: {dead_letter: false}"))
    assert [a for a in got if a[4].startswith("goes with")] == [
        ("aws", "delete", "CloudWatch alarm", "shop-dev-orders-dlq-not-empty", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        ("aws", "delete", "SQS queue policy", "shop-dev-orders-dlq", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        ("aws", "delete", "SQS redrive-allow policy", "shop-dev-orders-dlq", "goes with SQS dead-letter queue shop-dev-orders-dlq"),
        ("gcp", "delete", "IAM member", "shop-dev-orders: service agent", "goes with Pub/Sub subscription shop-dev-orders"),
    ]
