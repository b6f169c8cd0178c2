"""`topowire diff`: each destructive case per cloud, harmless changes, renames, sources and formats."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import ROOT, run_cli
from generator.plan import engine

BASE = """version: 1
name: shop
queues:
  orders: {}
  audit-trail: {fifo: true}
topics:
  payments: {}
services:
  storefront: {publishes: [orders, payments, audit-trail]}
  fulfilment: {consumes: [orders, audit-trail]}
  ledger:
    consumes:
      payments: {filter: {currency: [EUR]}}
"""


def diff(tmp_path, head: str, base: str = BASE, *flags):
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json", *flags)
    assert code in (0, 1), err
    return json.loads(out) if out else None, code


def destructive(doc):
    return sorted((a["cloud"], a["action"], a["kind"], a["name"]) for a in doc["destructive"])


def test_no_change(tmp_path):
    doc, code = diff(tmp_path, BASE)
    assert code == 0 and doc["changes"] == [] and doc["actions"] == []


def test_adding_a_consumer_or_a_channel_is_harmless(tmp_path):
    head = BASE.replace("  ledger:", "  audit:\n    consumes: [payments]\n  ledger:").replace(
        "  orders: {}", "  orders: {}\n  refunds: {}")
    doc, _ = diff(tmp_path, head)
    assert doc["destructive"] == []
    assert {"op": "added", "subject": "queue 'refunds'", "detail": ""} in doc["changes"]
    assert {"op": "added", "subject": "consumer 'audit' of topic 'payments'", "detail": ""} in doc["changes"]
    creates = {(a["cloud"], a["kind"]) for a in doc["actions"] if a["action"] == "create"}
    assert ("aws", "SQS queue") in creates and ("gcp", "Pub/Sub subscription") in creates
    assert ("azure", "Service Bus subscription") in creates


def test_a_setting_is_an_update_in_place(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("  orders: {}", "  orders: {retention: 7d}"))
    assert doc["destructive"] == []
    assert {a["action"] for a in doc["actions"]} == {"update"}
    assert {"op": "changed", "subject": "queue 'orders'", "detail": "retention: 4d -> 7d"} in doc["changes"]


def test_removing_a_queue_deletes_it_everywhere(tmp_path):
    head = BASE.replace("  orders: {}\n", "").replace("[orders, payments, audit-trail]", "[payments, audit-trail]") \
        .replace("consumes: [orders, audit-trail]", "consumes: [audit-trail]")
    doc, _ = diff(tmp_path, head)
    got = destructive(doc)
    assert ("aws", "delete", "SQS queue", "shop-dev-orders") in got
    assert ("aws", "delete", "SQS dead-letter queue", "shop-dev-orders-dlq") in got
    assert ("azure", "delete", "Service Bus queue", "shop-dev-orders") in got
    assert ("gcp", "delete", "Pub/Sub subscription", "shop-dev-orders") in got
    assert ("gcp", "delete", "Pub/Sub dead-letter subscription", "shop-dev-orders-dlq") in got


def test_fifo_change_replaces_queues_on_every_cloud(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}"))
    got = destructive(doc)
    assert ("aws", "replace", "SQS queue", "shop-dev-audit-trail") in got          # the name loses '.fifo'
    assert ("azure", "replace", "Service Bus queue", "shop-dev-audit-trail") in got   # requiresSession
    assert ("gcp", "replace", "Pub/Sub subscription", "shop-dev-audit-trail") in got  # message ordering


def test_filter_change_replaces_only_on_gcp(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("currency: [EUR]", "currency: [EUR, USD]"))
    assert destructive(doc) == [("gcp", "replace", "Pub/Sub subscription", "shop-dev-payments-ledger")]
    updates = {(a["cloud"], a["kind"]) for a in doc["actions"] if a["action"] == "update"}
    # on Azure the filter is the subscription's $Default rule, a resource of its own (tests/diff/test_plan_agreement.py)
    assert ("aws", "SNS subscription") in updates and ("azure", "Service Bus filter rule") in updates


def test_azure_fifo_change_replaces_and_names_the_protection(tmp_path):
    base = BASE.replace("  payments: {}", "  payments: {fifo: true}")
    doc, _ = diff(tmp_path, BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}"), base)
    azure = {(a["action"], a["kind"], a["name"]): a for a in doc["actions"] if a["cloud"] == "azure"}
    queue = azure[("replace", "Service Bus queue", "shop-dev-audit-trail")]
    assert queue["destructive"] and queue["reason"] == (
        "cannot change in place: requiresDuplicateDetection on -> off, requiresSession on -> off; "
        "the old one and its messages are deleted; Pulumi refuses while it is protected: "
        "deploy 'protect: false' first, then replace")
    sub = azure[("replace", "Service Bus subscription", "shop-dev-payments/ledger")]
    assert sub["reason"].startswith("cannot change in place: requiresSession on -> off, "
                                    "topic requiresDuplicateDetection on -> off")
    assert azure[("replace", "Service Bus topic", "shop-dev-payments")]["reason"] == \
        "cannot change in place: requiresDuplicateDetection on -> off"
    unprotected = BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {fifo: true, protect: false}")
    doc, _ = diff(tmp_path, unprotected.replace("{fifo: true, protect: false}", "{protect: false}"), unprotected)
    [queue] = [a for a in doc["actions"] if a["cloud"] == "azure" and a["kind"] == "Service Bus queue"]
    assert queue["action"] == "replace" and "protected" not in queue["reason"]


def test_adding_or_removing_a_filter_updates_the_azure_filter_rule_in_place(tmp_path):
    for head in (BASE.replace("      payments: {filter: {currency: [EUR]}}", "      payments: {}"),
                 BASE.replace("{filter: {currency: [EUR]}}", "{filter: {currency: [EUR], kind: [refund]}}")):
        doc, _ = diff(tmp_path, head)
        azure = [(a["action"], a["kind"], a["reason"]) for a in doc["actions"] if a["cloud"] == "azure"]
        assert azure == [("update", "Service Bus filter rule", "in place: filter")]


def test_turning_dead_letters_off_deletes_the_dlq(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("  orders: {}", "  orders: {dead_letter: false}"))
    got = destructive(doc)
    assert ("aws", "delete", "SQS dead-letter queue", "shop-dev-orders-dlq") in got
    assert ("gcp", "delete", "Pub/Sub dead-letter subscription", "shop-dev-orders-dlq") in got
    assert not [g for g in got if g[0] == "azure"]  # the sub-queue stays; only dead-lettering on expiry stops


def test_turning_dead_letters_off_on_a_topic_consumer_keeps_the_sns_dead_letter_queue_on_aws(tmp_path):
    head = BASE.replace("payments: {filter: {currency: [EUR]}}", "payments: {filter: {currency: [EUR]}, dead_letter: false}")
    doc, _ = diff(tmp_path, head)
    aws = [(a["action"], a["kind"], a["name"], a["reason"]) for a in doc["actions"] if a["cloud"] == "aws"]
    # the subscription DLQ stays (SNS still dead-letters there); the queue's redrive and the DLQ's redrive-allow
    # policy (no source queue any more) change, as the plan does (tests/diff/test_plan_agreement.py)
    assert aws == [
        ("update", "SQS queue", "shop-dev-payments-ledger", "in place: dead_letter"),
        ("update", "CloudWatch alarm", "shop-dev-payments-ledger-dlq-not-empty",
         "in place: description: max_receive_count"),
        ("update", "SQS redrive-allow policy", "shop-dev-payments-ledger-dlq", "in place: redrive permission"),
    ]
    assert not [a for a in doc["destructive"] if a["cloud"] == "aws"]


def test_a_new_topic_creates_its_policy_and_a_new_consumer_its_dead_letter_queue(tmp_path):
    head = BASE.replace("  payments: {}", "  payments: {}\n  refunds: {dead_letter: false}").replace(
        "  ledger:", "  refunder:\n    consumes: [refunds]\n  ledger:").replace(
        "publishes: [orders, payments,", "publishes: [orders, refunds, payments,")
    doc, _ = diff(tmp_path, head)
    creates = sorted((a["kind"], a["name"]) for a in doc["actions"] if a["cloud"] == "aws" and a["action"] == "create")
    # dead_letter: false still gets SNS's own DLQ, with its policy, redrive-allow (denyAll) and alarm
    assert creates == [("CloudWatch alarm", "shop-dev-refunds-refunder-dlq-not-empty"),
                       ("IAM policy", "shop-dev-refunder"),
                       ("SNS subscription", "shop-dev-refunds -> shop-dev-refunds-refunder"),
                       ("SNS topic", "shop-dev-refunds"), ("SNS topic policy", "shop-dev-refunds"),
                       ("SQS dead-letter queue", "shop-dev-refunds-refunder-dlq"),
                       ("SQS queue", "shop-dev-refunds-refunder"),
                       ("SQS queue policy", "shop-dev-refunds-refunder"),
                       ("SQS queue policy", "shop-dev-refunds-refunder-dlq"),
                       ("SQS redrive-allow policy", "shop-dev-refunds-refunder-dlq")]


def test_the_first_dead_letter_on_gcp_creates_the_service_agent_identity(tmp_path):
    base = BASE.replace("version: 1\n", "version: 1\ndefaults: {dead_letter: false}\n")
    doc, _ = diff(tmp_path, BASE, base)
    gcp = [(a["action"], a["kind"], a["name"]) for a in doc["actions"]
           if a["cloud"] == "gcp" and a["kind"] == "Pub/Sub service agent identity"]
    assert gcp == [("create", "Pub/Sub service agent identity",
                    "service-<project-number>@gcp-sa-pubsub.iam.gserviceaccount.com")]
    doc, _ = diff(tmp_path, BASE.replace("  orders: {}", "  orders: {retention: 2d}"))
    assert not [a for a in doc["actions"] if a["kind"] == "Pub/Sub service agent identity"]


def test_removing_a_topic_consumer_deletes_its_queue(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("  ledger:\n    consumes:\n      payments: {filter: {currency: [EUR]}}\n", ""))
    got = destructive(doc)
    assert ("aws", "delete", "SQS queue", "shop-dev-payments-ledger") in got
    assert ("azure", "delete", "Service Bus subscription", "shop-dev-payments/ledger") in got


def test_renaming_the_topology_replaces_everything(tmp_path):
    doc, _ = diff(tmp_path, BASE.replace("name: shop", "name: store"))
    assert len([a for a in doc["destructive"] if a["cloud"] == "aws"]) == 6  # 3 queues and their DLQs


def test_a_plain_rename_is_destructive_and_renamed_from_is_not(tmp_path):
    plain = BASE.replace("  orders: {}", "  purchase-orders: {}").replace("[orders,", "[purchase-orders,") \
        .replace("consumes: [orders,", "consumes: [purchase-orders,")
    doc, _ = diff(tmp_path, plain)
    assert ("aws", "delete", "SQS queue", "shop-dev-orders") in destructive(doc)
    safe = plain.replace("  purchase-orders: {}", "  purchase-orders: {renamed_from: orders}")
    doc, _ = diff(tmp_path, safe)
    assert doc["destructive"] == [] and doc["actions"] == []
    assert {"op": "renamed", "subject": "queue 'purchase-orders'",
            "detail": "from 'orders' (renamed_from keeps the deployed resources)"} in doc["changes"]


def test_renamed_service_keeps_its_resources(tmp_path):
    head = BASE.replace("  ledger:\n", "  bookkeeping:\n    renamed_from: ledger\n")
    doc, _ = diff(tmp_path, head)
    assert doc["destructive"] == [] and doc["actions"] == []


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_after_a_rename_the_program_registers_the_same_physical_resources(tmp_path, cloud):
    (tmp_path / "base.yaml").write_text(BASE)
    renamed = BASE.replace("  orders: {}", "  purchase-orders: {renamed_from: orders}") \
        .replace("[orders,", "[purchase-orders,").replace("consumes: [orders,", "consumes: [purchase-orders,") \
        .replace("  payments: {}", "  payment-events: {renamed_from: payments}") \
        .replace("[purchase-orders, payments,", "[purchase-orders, payment-events,") \
        .replace("      payments: {filter", "      payment-events: {filter") \
        .replace("  ledger:\n", "  bookkeeping:\n    renamed_from: ledger\n")
    (tmp_path / "head.yaml").write_text(renamed)
    before = engine.run(str(tmp_path / "base.yaml"), cloud)
    after = engine.run(str(tmp_path / "head.yaml"), cloud)

    def physical(plan):
        out = {}
        for r in plan.resources:
            if r.custom:
                ins = {k: v for k, v in r.inputs.items() if k not in ("description", "displayName")}  # text, updated in place
                out[(r.type, json.dumps(ins, sort_keys=True))] = r
        return out

    assert set(physical(before)) == set(physical(after))
    # Pulumi logical names follow the YAML; aliases map the components, and the engine gives their children
    # the same aliases with the parent's name prefix replaced. Every new URN must map onto an old one.
    def name_aliases(r):
        return [a for a in r.aliases if not a.startswith(" (type")]  # azure-native adds type aliases of its own

    old_urns = {r.urn for r in before.resources}
    aliased = {r.name: name_aliases(r) for r in after.resources if name_aliases(r)}
    assert aliased["purchase-orders"] == ["orders"] and aliased["bookkeeping"] == ["ledger"]
    assert aliased["payment-events-bookkeeping"] == ["payment-events-ledger", "payments-bookkeeping",
                                                     "payments-ledger"]
    by_urn = {r.urn: r for r in after.resources}
    for r in after.resources:
        if r.urn in old_urns:
            continue
        owner = r if name_aliases(r) else by_urn[r.parent]
        candidates = [old + r.name[len(owner.name):] for old in name_aliases(owner)]
        assert any(u.endswith(f"{r.type}::{c}") for u in old_urns for c in candidates), r.urn


def test_sources_from_git_refs(tmp_path):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    run = lambda *a: subprocess.run(a, cwd=tmp_path, env=env, check=True, capture_output=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    (tmp_path / "topology.yaml").write_text(BASE)
    run("git", "add", ".")
    run("git", "commit", "-qm", "base")
    (tmp_path / "topology.yaml").write_text(BASE.replace("  orders: {}\n", "  orders: {}\n  refunds: {}\n"))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        code, out, _ = run_cli("diff", "--base", "main", "--format", "json")
        assert code == 0 and {"op": "added", "subject": "queue 'refunds'", "detail": ""} in json.loads(out)["changes"]
        code, out, _ = run_cli("diff", "main:topology.yaml", "topology.yaml")
        assert code == 0 and "+ queue 'refunds'" in out
        code, _, err = run_cli("diff", "--base", "no-such-ref")
        assert code == 1 and "cannot read no-such-ref:topology.yaml from git" in err
        code, out, _ = run_cli("diff", "--base", "main", "new.yaml") if (tmp_path / "new.yaml").write_text(BASE) else (0, "", "")
        assert code == 0 and "+ queue 'orders'" in out          # a file new in this change: everything is added
        assert out.splitlines()[2] == ("NOTE: main:new.yaml does not exist, so the base is empty and everything below "
                                       "is new. If that path or ref is a typo, fix it: a wrong base hides every deletion.")
        code, md, _ = run_cli("diff", "--base", "main", "new.yaml", "--format", "markdown")
        assert "> [!NOTE]\n> `main:new.yaml` does not exist, so the base is empty" in md
        assert json.loads(run_cli("diff", "--base", "main", "new.yaml", "--format", "json")[1])["base_exists"] is False
        assert json.loads(run_cli("diff", "--base", "main", "--format", "json")[1])["base_exists"] is True
        assert "NOTE" not in run_cli("diff", "main:topology.yaml", "topology.yaml")[1]
        # pathspec magic, globs, .git and climbing out are tree paths to `git cat-file`, never pathspecs: at most
        # "does not exist" (an empty base, said loudly above) or a clean refusal
        for spec in ("main::(glob)*.yaml", "main::(top)topology.yaml", "main:*.yaml", "main:.git/config"):
            code, out, err = run_cli("diff", spec, "topology.yaml")
            assert code == 0 and f"NOTE: {spec} does not exist" in out, (spec, out + err)
        code, out, err = run_cli("diff", "main:../../../etc/passwd", "topology.yaml")
        assert code == 1 and "is outside repository" in err and "root:" not in out + err
    finally:
        os.chdir(cwd)


def test_fail_on_destructive_and_usage(tmp_path):
    _, code = diff(tmp_path, BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}"), BASE,
                   "--fail-on-destructive")
    assert code == 1
    _, code = diff(tmp_path, BASE.replace("  orders: {}", "  orders: {retention: 7d}"), BASE, "--fail-on-destructive")
    assert code == 0
    assert run_cli("diff", "only-one.yaml")[0] == 2


def test_invalid_side_reports_validate_messages(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(BASE.replace("  orders: {}", "  orders: {retention: soon}"))
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml")
    assert code == 1 and "head.yaml:4:23: error TOP010" in err


def test_text_lists_destructive_first_and_markdown_is_a_pr_comment(tmp_path):
    head = BASE.replace("  audit-trail: {fifo: true}", "  audit-trail: {}").replace("  orders: {}", "  orders: {retention: 7d}")
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "head.yaml").write_text(head)
    _, out, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml")
    lines = out.splitlines()
    assert lines[2].startswith("DESTRUCTIVE: 4 change(s) may lose messages")
    assert out.index("DESTRUCTIVE") < out.index("Changes:")
    _, md, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")
    assert md.startswith("### topowire diff:") and "> [!CAUTION]" in md
    assert "| AWS | 0 | 3 | 6 | 0 | **2** |" in md     # 2 IAM policies and 4 queue policies, redrive-allow, alarm follow
    assert "class q_audit_trail,q_orders changed" in md and "```mermaid" in md


def test_an_absolute_path_inside_the_repository_is_read_from_git_relative_to_it(tmp_path):
    """issue 31: `diff --base HEAD /abs/path/topology.yaml` and `asyncapi --changes-since` take an absolute path
    inside the repository as the path relative to its root (from any working directory); outside it, a refusal."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    run = lambda *a: subprocess.run(a, cwd=tmp_path, env=env, check=True, capture_output=True)  # noqa: E731
    run("git", "init", "-q", "-b", "main")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "topology.yaml").write_text(BASE)
    run("git", "add", ".")
    run("git", "commit", "-qm", "base")
    (tmp_path / "team" / "topology.yaml").write_text(
        BASE.replace("  orders: {}\n", "  orders: {}\n  refunds: {}\n").replace("payments, audit-trail]", "payments, audit-trail, refunds]"))
    (tmp_path / "sub").mkdir()
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(BASE)
    cwd = os.getcwd()
    os.chdir(tmp_path / "sub")
    try:
        absolute = str(tmp_path / "team" / "topology.yaml")
        code, out, err = run_cli("diff", "--base", "main", absolute, "--format", "json")
        assert code == 0, err
        report = json.loads(out)
        assert {"op": "added", "subject": "queue 'refunds'", "detail": ""} in report["changes"]
        assert report["base_exists"] is True       # main:team/topology.yaml, not main:/tmp/.../topology.yaml
        code, out, err = run_cli("asyncapi", absolute, "--changes-since", "main", "-o", str(tmp_path / "api"))
        assert code == 0 and "storefront" in out and "No service" not in out, out + err
        code, out, err = run_cli("diff", "--base", "main", str(outside))
        assert code == 1 and "outside" in err and "Traceback" not in out + err, out + err
    finally:
        os.chdir(cwd)
        outside.unlink()
