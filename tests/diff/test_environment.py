"""`diff` shows every consequence: the services' environment, renames to suggest, words for values."""

from __future__ import annotations

import json

import pytest

from conftest import CASES, ROOT, run_cli
from generator.check import load_topology
from generator.plan import engine
from test_diff import BASE

PLACES = {"aws": {"region": "us-east-1", "account": "123456789012"}, "azure": {},
          "gcp": {"project": "topowire-plan"}}


@pytest.mark.parametrize("path", [ROOT / "topology.yaml", CASES / "aws" / "full.yaml", CASES / "azure" / "full.yaml",
                                  CASES / "gcp" / "full.yaml"], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_core_knows_each_service_environment_exactly_as_the_program_exports_it(path):
    from generator.clouds import spec

    topo, _ = load_topology(path)
    for cloud in topo.targets:
        plan = engine.run(str(path), cloud)
        exported = {name: s["env"] for name, s in plan.outputs["services"].items()}
        places = dict(PLACES[cloud])
        if cloud == "azure":  # the client ids of the identities created for services without a principal
            places["client_ids"] = {n: s["identity"]["client_id"] for n, s in plan.outputs["services"].items()
                                    if "identity" in s}
            assert places["client_ids"] or all(s.identity.azure_principal_id for s in topo.services.values())
        assert spec(cloud).environment(topo, **places) == exported, cloud


def run(tmp_path, head, base=BASE, fmt="json"):
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", fmt)
    assert code == 0, err
    return json.loads(out) if fmt == "json" else out


RENAMED = BASE.replace("  orders: {}", "  purchase-orders: {renamed_from: orders}") \
    .replace("[orders,", "[purchase-orders,").replace("consumes: [orders,", "consumes: [purchase-orders,")


def test_a_rename_keeps_resources_but_renames_variables(tmp_path):
    doc = run(tmp_path, RENAMED)
    assert doc["actions"] == [] and doc["renames"] == []
    got = [(c["cloud"], c["service"], c["op"], c["old"], c["name"]) for c in doc["redeploy"]]
    assert got == [
        ("aws", "fulfilment", "renamed", "ORDERS_DLQ_URL", "PURCHASE_ORDERS_DLQ_URL"),
        ("aws", "fulfilment", "renamed", "ORDERS_QUEUE_URL", "PURCHASE_ORDERS_QUEUE_URL"),
        ("aws", "storefront", "renamed", "ORDERS_QUEUE_URL", "PURCHASE_ORDERS_QUEUE_URL"),
        ("azure", "fulfilment", "renamed", "ORDERS_QUEUE_NAME", "PURCHASE_ORDERS_QUEUE_NAME"),
        ("azure", "storefront", "renamed", "ORDERS_QUEUE_NAME", "PURCHASE_ORDERS_QUEUE_NAME"),
        ("gcp", "fulfilment", "renamed", "ORDERS_DLQ_SUBSCRIPTION", "PURCHASE_ORDERS_DLQ_SUBSCRIPTION"),
        ("gcp", "fulfilment", "renamed", "ORDERS_SUBSCRIPTION", "PURCHASE_ORDERS_SUBSCRIPTION"),
        ("gcp", "storefront", "renamed", "ORDERS_TOPIC", "PURCHASE_ORDERS_TOPIC"),
    ]
    text = run(tmp_path, RENAMED, fmt="text")
    section = text[text.index("Services that must be redeployed"):].split("\n\n")[0].splitlines()
    assert section == [
        "Services that must be redeployed (2): their environment changes",
        "  fulfilment:",
        "    AWS   ORDERS_DLQ_URL is now PURCHASE_ORDERS_DLQ_URL (same value)",
        "    AWS   ORDERS_QUEUE_URL is now PURCHASE_ORDERS_QUEUE_URL (same value)",
        "    Azure ORDERS_QUEUE_NAME is now PURCHASE_ORDERS_QUEUE_NAME (same value)",
        "    GCP   ORDERS_DLQ_SUBSCRIPTION is now PURCHASE_ORDERS_DLQ_SUBSCRIPTION (same value)",
        "    GCP   ORDERS_SUBSCRIPTION is now PURCHASE_ORDERS_SUBSCRIPTION (same value)",
        "  storefront:",
        "    AWS   ORDERS_QUEUE_URL is now PURCHASE_ORDERS_QUEUE_URL (same value)",
        "    Azure ORDERS_QUEUE_NAME is now PURCHASE_ORDERS_QUEUE_NAME (same value)",
        "    GCP   ORDERS_TOPIC is now PURCHASE_ORDERS_TOPIC (same value)",
    ]
    md = run(tmp_path, RENAMED, fmt="markdown")
    assert "#### Services that must be redeployed (2)" in md
    # escaped as Markdown text (generator/escape.py): '_' is shown, never emphasis
    assert "| storefront | AWS | ORDERS\\_QUEUE\\_URL is now PURCHASE\\_ORDERS\\_QUEUE\\_URL (same value) |" in md


def test_a_fifo_change_changes_the_urls_services_read(tmp_path):
    doc = run(tmp_path, BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}"))
    url = "https://sqs.<region>.amazonaws.com/<account>/"
    assert [(c["cloud"], c["service"], c["op"], c["name"], c["old"], c["new"]) for c in doc["redeploy"]] == [
        ("aws", "fulfilment", "changed", "AUDIT_TRAIL_DLQ_URL", url + "shop-dev-audit-trail-dlq.fifo",
         url + "shop-dev-audit-trail-dlq"),
        ("aws", "fulfilment", "changed", "AUDIT_TRAIL_QUEUE_URL", url + "shop-dev-audit-trail.fifo", url + "shop-dev-audit-trail"),
        ("aws", "storefront", "changed", "AUDIT_TRAIL_QUEUE_URL", url + "shop-dev-audit-trail.fifo", url + "shop-dev-audit-trail"),
    ]


def test_added_and_removed_variables(tmp_path):
    head = BASE.replace("storefront: {publishes: [orders, payments, audit-trail]}", "storefront: {publishes: [orders]}")
    doc = run(tmp_path, head)
    aws = [(c["service"], c["op"], c["name"]) for c in doc["redeploy"] if c["cloud"] == "aws"]
    assert aws == [("storefront", "removed", "AUDIT_TRAIL_QUEUE_URL"), ("storefront", "removed", "PAYMENTS_TOPIC_ARN")]
    doc = run(tmp_path, BASE, head)
    assert [c["op"] for c in doc["redeploy"] if c["cloud"] == "gcp"] == ["added", "added"]
    text = run(tmp_path, head, fmt="text")
    assert "    AWS   PAYMENTS_TOPIC_ARN is gone (was arn:aws:sns:<region>:<account>:shop-dev-payments)" in text
    assert "  ~ service 'storefront': no longer publishes to 'payments'" in text


PLAIN = BASE.replace("  orders: {}", "  purchase-orders: {}").replace("[orders,", "[purchase-orders,") \
    .replace("consumes: [orders,", "consumes: [purchase-orders,")


def test_a_remove_and_a_similar_add_suggest_renamed_from_before_the_deletes(tmp_path):
    doc = run(tmp_path, PLAIN)
    assert doc["renames"] == [{"kind": "queue", "old": "orders", "new": "purchase-orders"}]
    text = run(tmp_path, PLAIN, fmt="text")
    assert text.splitlines()[2:4] == [
        "Did you mean to rename?",
        "  ? queue 'orders' is removed and queue 'purchase-orders' added: if that is a rename, add "
        "'renamed_from: orders' to queue 'purchase-orders' to keep the deployed queue and its messages"]
    assert text.index("Did you mean to rename?") < text.index("DESTRUCTIVE")
    md = run(tmp_path, PLAIN, fmt="markdown")
    assert md.index("**Did you mean to rename?**") < md.index("[!CAUTION]")


def test_a_rename_is_suggested_by_wiring_even_when_the_names_differ(tmp_path):
    head = BASE.replace("  payments: {}", "  money-events: {}").replace("orders, payments,", "orders, money-events,") \
        .replace("      payments: {filter", "      money-events: {filter")
    assert run(tmp_path, head)["renames"] == [{"kind": "topic", "old": "payments", "new": "money-events"}]


def test_unrelated_add_and_remove_suggest_nothing(tmp_path):
    head = BASE.replace("  orders: {}", "  zz: {}").replace("[orders,", "[zz,").replace("consumes: [orders,", "consumes: [")
    assert run(tmp_path, head)["renames"] == []


def test_suggestions_are_bounded(tmp_path):
    from generator.diff import renames

    many = lambda prefix: "".join(f"  {prefix}{i:03d}: {{}}\n" for i in range(300))  # noqa: E731
    base = "version: 1\nname: shop\nqueues:\n" + many("old-queue-")
    head = "version: 1\nname: shop\nqueues:\n" + many("new-queue-")
    (tmp_path / "b.yaml").write_text(base)
    (tmp_path / "h.yaml").write_text(head)
    b, _ = load_topology(tmp_path / "b.yaml")
    h, _ = load_topology(tmp_path / "h.yaml")
    got = renames.suggest(b, h)
    assert len(got) == renames.LIMIT and got[0].old == "old-queue-000" and got[0].new == "new-queue-000"


def test_words_not_python_values(tmp_path):
    head = BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}") \
        .replace("currency: [EUR]", "currency: [EUR, USD]").replace("  orders: {}", "  orders: {dead_letter: false}")
    text = run(tmp_path, head, fmt="text")
    for python in ("True", "False", "None", "((", "'currency'"):
        assert python not in text, python
    assert "cannot change in place: name shop-dev-audit-trail.fifo -> shop-dev-audit-trail, fifo on -> off; the old one " \
           "and its messages are deleted" in text
    assert "  ~ consumer 'ledger' of topic 'payments': filter: currency in [EUR] -> currency in [EUR, USD]" in text
    assert "  ~ queue 'orders': dead_letter_retention: 14d -> none" in text


def test_services_to_redeploy_are_listed_by_their_new_names(tmp_path):
    """'zz' was 'aa' (renamed_from): it sorts after 'mm' by its new name, before it by its deployed one."""
    base = ("version: 1\nname: demo\ntargets: [aws]\nqueues:\n  jobs: {}\nservices:\n  aa: {publishes: [jobs]}\n"
            "  mm: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n")
    head = ("version: 1\nname: demo\ntargets: [aws]\nqueues:\n  jobs: {}\n  more: {}\nservices:\n"
            "  zz: {publishes: [jobs, more], renamed_from: aa}\n  mm: {publishes: [jobs, more]}\n"
            "  wk: {consumes: [jobs, more]}\n")
    (tmp_path / "b.yaml").write_text(base)
    (tmp_path / "h.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "b.yaml", tmp_path / "h.yaml", "--format", "json")
    assert code == 0, err
    assert [(r["service"], r["name"]) for r in json.loads(out)["redeploy"]] == [
        ("mm", "MORE_QUEUE_URL"), ("wk", "MORE_DLQ_URL"), ("wk", "MORE_QUEUE_URL"), ("zz", "MORE_QUEUE_URL")]
