"""Issue 28 on GCP, with the real google-cloud-pubsub GAPIC clients over REST and recorded Pub/Sub v1 answers
(tests/adopt/gcp_recorded.py): import -> validate -> plan with projects/P/... import ids and inputs equal to the
live attributes -> drift clean; then a changed ack deadline and filter -> drift names them, exit 1."""

from __future__ import annotations

import json

import pytest
import yaml

from generator.check import check_file
from generator.cli import main
from tests.adopt import gcp_recorded as g
from tests.adopt.recorded import serve


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = tmp_path_factory.mktemp("adopt-gcp") / "topology.yaml"
    with serve(g.routes()) as (ep, rec):
        assert main(["import", "gcp", "--endpoint-url", ep, "--project", g.PROJECT, "--prefix", "shop-",
                     "--name", "shop", "-o", str(path)]) == 0
    assert {m for m, _p, _q in rec.calls} == {"GET"}
    assert any("pageToken" in q for _m, _p, q in rec.calls)  # paged through nextPageToken
    return path


@pytest.fixture(scope="module")
def plan(imported):
    from generator.plan.engine import run

    return run(str(imported), "gcp")


def test_import_writes_a_valid_topology_of_the_team_only(imported):
    text = imported.read_text()
    assert "billing" not in text
    result = check_file(str(imported))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics if d.level == "error"]
    assert "TODO" in text and "NOT TRANSLATED" in text
    for kept in ("push delivery to https://audit.example.com/push", "exactly-once delivery",
                 'hasPrefix(attributes.kind, "a")', "expires after 2678400s"):
        assert kept in text, kept


def test_import_translates_queues_topics_and_dead_letters(imported):
    data = yaml.safe_load(imported.read_text())
    jobs = data["queues"]["jobs"]
    assert jobs["adopt"]["gcp"] == {"name": "shop-jobs", "subscription": "shop-jobs", "dead_letter": "shop-jobs-dlq",
                                    # the IAM members that exist (tests/adopt/test_gcp_principals.py)
                                    "publishers": [g.sa("checkout")], "subscribers": [g.sa("jobs-worker")]}
    assert (jobs["visibility_timeout"], jobs["retention"]) == ("45s", "7d")
    assert jobs["dead_letter"] == {"max_receive_count": 7, "retention": "14d"}
    mailer = data["services"]["mailer"]["consumes"]["orders"]
    assert mailer["filter"] == {"status": ["paid", "shipped"]} and mailer["visibility_timeout"] == "2m"
    assert data["topics"]["orders"]["adopt"]["gcp"]["subscriptions"]["mailer"] == \
        {"name": "shop-orders-mailer", "dead_letter": "shop-orders-mailer-dlq", "subscribers": [g.sa("mailer")]}
    assert "filter" not in data["services"]["audit"]["consumes"]["orders"]
    assert data["accounts"] == {"gcp": {"project": g.PROJECT}} and data["tags"] == {"team": "shop"}
    assert "orders-mailer-dlq" not in data.get("topics", {})  # a dead-letter topic is not a channel of its own


def _in_project(inputs: dict) -> dict:
    """Inputs with the plan's mock project as the live one: a stack deploys with gcp:project =
    accounts.gcp.project (docs/gcp.md#adopting-what-runs), whose ids the provider then makes."""
    from generator.clouds.gcp.mock import PROJECT

    return json.loads(json.dumps(inputs).replace(f"projects/{PROJECT}/", f"{g.P}/"))


def test_plan_imports_every_live_resource_with_its_live_attributes(plan):
    st = g.state()
    imports = {r.import_id: r for r in plan.resources if r.import_id}
    for r in imports.values():
        r.inputs = _in_project(r.inputs)
    for tid in ("shop-jobs", "shop-jobs-dlq", "shop-orders", "shop-orders-mailer-dlq", "shop-events"):
        r = imports[f"{g.P}/topics/{tid}"]
        assert r.type == "gcp:pubsub/topic:Topic" and r.inputs["name"] == tid
    for sid, live in st["subscriptions"].items():
        if not sid.startswith("shop-"):
            continue
        r = imports[f"{g.P}/subscriptions/{sid}"]
        assert r.type == "gcp:pubsub/subscription:Subscription" and r.protect
        assert r.inputs["name"] == sid and r.inputs["topic"] == live["topic"], sid
        assert r.inputs["ackDeadlineSeconds"] == live["ackDeadlineSeconds"], sid
        if sid.endswith("-dlq"):
            assert r.inputs["messageRetentionDuration"] == live["messageRetentionDuration"], sid
            continue
        # a topic's subscriptions share its retention in the format: all of these keep 4 days
        assert r.inputs["messageRetentionDuration"] == live["messageRetentionDuration"], sid
        if "deadLetterPolicy" in live:
            assert r.inputs["deadLetterPolicy"] == live["deadLetterPolicy"], sid
        else:
            assert "deadLetterPolicy" not in r.inputs, sid
        if "filter" in live and sid != "shop-orders-audit":
            assert r.inputs["filter"] == live["filter"], sid
        # never replaced: ordering is kept; a filter the file does not state is kept
        assert "enableMessageOrdering" in r.ignore_changes
        assert ("filter" in r.ignore_changes) == ("filter" not in r.inputs), sid
    created = [r.inputs["name"] for r in plan.by_type("gcp:pubsub/subscription:Subscription") if not r.import_id]
    assert sorted(created) == ["shop-dev-events-events-consumer", "shop-dev-events-events-consumer-dlq"]


def test_drift_is_clean_then_names_a_changed_ack_deadline_and_filter(imported, capsys):
    with serve(g.routes()) as (ep, _rec):
        assert main(["drift", str(imported), "--cloud", "gcp", "--endpoint-url", ep]) == 0
    assert "in sync" in capsys.readouterr().out
    st = g.state()
    st["subscriptions"]["shop-jobs"]["ackDeadlineSeconds"] = 90
    st["subscriptions"]["shop-orders-mailer"]["filter"] = 'attributes.status = "paid"'
    with serve(g.routes(st)) as (ep, rec):
        assert main(["drift", str(imported), "--cloud", "gcp", "--endpoint-url", ep, "--format", "json"]) == 1
    assert {m for m, _p, _q in rec.calls} == {"GET"}
    rows = {(r["resource"], r["attribute"]): r for r in json.loads(capsys.readouterr().out)["drift"] if r["drift"]}
    assert rows[("Pub/Sub subscription shop-jobs", "ackDeadlineSeconds")]["live"] == "90"
    assert rows[("Pub/Sub subscription shop-orders-mailer", "filter")]["live"] == 'attributes.status = "paid"'
    assert len(rows) == 2


def test_drift_names_a_deleted_dead_letter_subscription(imported, capsys):
    st = g.state()
    del st["subscriptions"]["shop-jobs-dlq"]
    with serve(g.routes(st)) as (ep, _rec):
        assert main(["drift", str(imported), "--cloud", "gcp", "--endpoint-url", ep]) == 1
    assert "Pub/Sub dead-letter subscription shop-jobs-dlq" in capsys.readouterr().out
