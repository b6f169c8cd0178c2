"""Settings that lose messages already stored: lowering retention is destructive on every cloud.

The audit behind it (every setting, every cloud, with citations) is the table "What loses messages" in
docs/review.md; these tests hold each row.
"""

from __future__ import annotations

import json

from conftest import run_cli

BASE = """version: 1
name: shop
defaults:
  retention: 10d
queues:
  orders: {retention: 10d, dead_letter: {retention: 14d}}
topics:
  payments: {}
services:
  storefront: {publishes: [orders, payments]}
  fulfilment: {consumes: [orders]}
  ledger: {consumes: [payments]}
"""


def run(tmp_path, head, *flags):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json", *flags)
    assert code in (0, 1), err
    return json.loads(out), code


def destructive(doc):
    return sorted((a["cloud"], a["action"], a["kind"], a["name"]) for a in doc["destructive"])


def test_lowering_a_queues_retention_loses_messages_on_every_cloud(tmp_path):
    doc, code = run(tmp_path, BASE.replace("orders: {retention: 10d,", "orders: {retention: 2d,"), "--fail-on-destructive")
    assert code == 1
    assert destructive(doc) == [
        ("aws", "update", "SQS queue", "shop-dev-orders"),
        ("azure", "update", "Service Bus queue", "shop-dev-orders"),
        ("gcp", "update", "Pub/Sub subscription", "shop-dev-orders"),
    ]
    reasons = {a["cloud"]: a["reason"] for a in doc["destructive"]}
    assert reasons["aws"] == ("in place: retention; retention lowered 10d -> 2d: SQS deletes the messages already "
                              "older than the new retention, within 15 minutes")
    assert reasons["gcp"].endswith("Pub/Sub discards the unacknowledged messages already older than the new retention")
    assert "Service Bus expires messages sooner" in reasons["azure"]


def test_lowering_a_subscriptions_retention_loses_messages_on_every_cloud(tmp_path):
    doc, _ = run(tmp_path, BASE.replace("defaults:\n  retention: 10d", "defaults:\n  retention: 1d"))
    assert destructive(doc) == [
        ("aws", "update", "SQS queue", "shop-dev-payments-ledger"),
        ("azure", "update", "Service Bus subscription", "shop-dev-payments/ledger"),
        ("gcp", "update", "Pub/Sub subscription", "shop-dev-payments-ledger"),
    ]


def test_lowering_the_dead_letter_retention_loses_dead_letters(tmp_path):
    doc, _ = run(tmp_path, BASE.replace("dead_letter: {retention: 14d}", "dead_letter: {retention: 11d}"))
    # Azure's dead-letter sub-queue has no retention of its own: nothing to lower there.
    assert destructive(doc) == [
        ("aws", "update", "SQS dead-letter queue", "shop-dev-orders-dlq"),
        ("gcp", "update", "Pub/Sub dead-letter subscription", "shop-dev-orders-dlq"),
    ]


def test_raising_retention_is_harmless(tmp_path):
    doc, code = run(tmp_path, BASE.replace("orders: {retention: 10d,", "orders: {retention: 12d,"), "--fail-on-destructive")
    assert code == 0 and doc["destructive"] == []
    assert {a["action"] for a in doc["actions"]} == {"update"}


def test_settings_that_keep_stored_messages_are_not_destructive(tmp_path):
    """Audited as not losing stored messages: each is an update, none destructive (docs/review.md)."""
    for head in (
        BASE.replace("orders: {retention: 10d,", "orders: {retention: 10d, visibility_timeout: 5s,"),
        BASE.replace("orders: {retention: 10d,", "orders: {retention: 10d, max_message_size: 64KiB,"),
        BASE.replace("dead_letter: {retention: 14d}", "dead_letter: {retention: 14d, max_receive_count: 1}"),
        BASE.replace("orders: {retention: 10d,", "orders: {retention: 10d, delay: 30s,"),
        BASE.replace("orders: {retention: 10d,", "orders: {retention: 10d, protect: false,"),
    ):
        doc, code = run(tmp_path, head, "--fail-on-destructive")
        assert code == 0 and doc["destructive"] == [], head
        assert {a["action"] for a in doc["actions"]} <= {"update"}, head


def test_the_text_and_markdown_reports_say_it(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(BASE.replace("orders: {retention: 10d,", "orders: {retention: 2d,"))
    _, out, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml")
    assert "DESTRUCTIVE: 3 change(s) may lose messages" in out
    assert "!! AWS   update SQS queue shop-dev-orders (queue 'orders'): in place: retention; retention lowered 10d -> 2d" in out
    _, md, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")
    assert "**3 destructive change(s)**" in md and "No destructive change" not in md
