"""Issue 28 on Azure, with the real azure-mgmt-servicebus client over recorded ARM REST answers
(tests/adopt/azure_recorded.py): import -> validate -> plan with ARM import ids and inputs equal to the live
attributes -> drift clean; then a changed lock duration and filter -> drift names them, exit 1."""

from __future__ import annotations

import json

import pytest

from generator.check import check_file
from generator.cli import main
from generator.clouds.azure import reader
from tests.adopt import azure_recorded as az
from tests.adopt.recorded import serve

LOCATION = ["--subscription", az.SUB, "--resource-group", az.RG, "--namespace", az.NS]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path = tmp_path_factory.mktemp("adopt-azure") / "topology.yaml"
    with serve(az.routes()) as (ep, rec):
        assert main(["import", "azure", "--endpoint-url", ep, *LOCATION, "--prefix", "shop-", "--name", "shop",
                     "-o", str(path)]) == 0
    assert {m for m, _p, _q in rec.calls} == {"GET"}  # read-only
    assert all(q.get("api-version") == (["2022-04-01"] if "Microsoft.Authorization" in p else [reader.API_VERSION])
               for _m, p, q in rec.calls)  # role assignments (not recorded here: 404, the services stay TODO)
    assert any("$skiptoken" in q for _m, _p, q in rec.calls)  # the lists were paged through nextLink
    return path


@pytest.fixture(scope="module")
def plan(imported):
    from generator.plan.engine import run

    return run(str(imported), "azure")


def test_import_writes_a_valid_topology_of_the_team_only(imported):
    text = imported.read_text()
    assert "billing" not in text
    result = check_file(str(imported))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics if d.level == "error"]
    assert "TODO" in text and "NOT TRANSLATED" in text
    assert "forwardTo shop-jobs" in text  # what the format cannot state is a comment, not dropped
    assert "SET audited = 'yes'" in text and "tier = 'gold'" in text


def test_import_translates_settings_and_filters(imported):
    import yaml

    data = yaml.safe_load(imported.read_text())
    jobs = data["queues"]["jobs"]
    assert (jobs["visibility_timeout"], jobs["retention"], jobs["max_receive_count"], jobs["dead_letter"]) == \
        ("45s", "7d", 7, True)
    pay = data["queues"]["payments"]
    # Service Bus dead-letters after maxDeliveryCount (10) even with deadLetteringOnMessageExpiration false: that is
    # dead_letter on; the dropped expiries stay as they run (kept live)
    assert pay["fifo"] is True and pay["dead_letter"] is True and pay["max_receive_count"] == 10
    assert data["services"]["mailer"]["consumes"]["orders"]["filter"] == {"status": ["paid", "shipped"]}
    assert data["services"]["fraud"]["consumes"]["orders"]["filter"] == {"region": ["eu"]}  # correlation filter
    assert "filter" not in data["services"]["audit"]["consumes"]["orders"]
    assert data["topics"]["orders"]["adopt"]["azure"]["subscriptions"]["mailer"] == {"name": "mailer"}
    assert data["accounts"]["azure"] == {"subscription": az.SUB, "resource_group": az.RG, "namespace": az.NS}
    assert data["tags"] == {"cost-center": "42", "team": "shop"}


def test_plan_imports_every_live_entity_with_its_live_attributes(plan):
    st = az.state()
    imports = {r.import_id: r for r in plan.resources if r.import_id}
    for name, props in st["queues"].items():
        if not name.startswith("shop-"):
            continue
        r = imports[f"{az.BASE}/queues/{name}"]
        assert r.type == "azure-native:servicebus:Queue" and r.protect
        assert r.inputs["lockDuration"] == props["lockDuration"], name
        assert r.inputs["maxDeliveryCount"] == props["maxDeliveryCount"], name
        assert r.inputs["deadLetteringOnMessageExpiration"] == props["deadLetteringOnMessageExpiration"] or \
            "deadLetteringOnMessageExpiration" in r.ignore_changes, name
        assert bool(r.inputs.get("requiresSession")) == props["requiresSession"], name
        if props["defaultMessageTimeToLive"] != az.MAX_TTL:
            assert r.inputs["defaultMessageTimeToLive"] == props["defaultMessageTimeToLive"], name
        assert {"forwardTo", "requiresDuplicateDetection", "requiresSession"} <= set(r.ignore_changes)
    topic = f"{az.BASE}/topics/shop-orders"
    assert imports[topic].type == "azure-native:servicebus:Topic"
    for sname, (props, rules) in st["topics"]["shop-orders"]["subscriptions"].items():
        r = imports[f"{topic}/subscriptions/{sname}"]
        assert r.inputs["subscriptionName"] == sname and r.protect
        assert r.inputs["lockDuration"] == props["lockDuration"], sname
        assert r.inputs["maxDeliveryCount"] == props["maxDeliveryCount"], sname
        assert r.inputs["defaultMessageTimeToLive"] == props["defaultMessageTimeToLive"], sname
        rule = imports[f"{topic}/subscriptions/{sname}/rules/$Default"]
        assert rule.type == "azure-native:servicebus:DefaultRule"
        live = rules["$Default"]
        if sname == "mailer":
            assert rule.inputs["sqlFilter"]["sqlExpression"] == live["sqlFilter"]["sqlExpression"]
            assert "sqlFilter" not in rule.ignore_changes
        if sname in ("audit", "ledger"):  # no filter in the file: the live rule (and its action) is kept
            assert {"sqlFilter", "correlationFilter", "action", "filterType"} <= set(rule.ignore_changes)
    ns = imports[az.BASE]
    assert ns.type == "azure-native:servicebus:Namespace" and ns.inputs["namespaceName"] == az.NS
    assert {"sku", "location", "disableLocalAuth"} <= set(ns.ignore_changes)
    # nothing that holds messages is replaced: every entity that exists is imported, never created
    created = {r.inputs.get("queueName") or r.inputs.get("topicName") for r in plan.resources
               if r.type in ("azure-native:servicebus:Queue", "azure-native:servicebus:Topic") and not r.import_id}
    assert created == set()
    new_subs = [r.inputs["subscriptionName"] for r in plan.by_type("azure-native:servicebus:Subscription")
                if not r.import_id]
    assert new_subs == ["events-consumer"]  # the TODO consumer of the topic no one subscribes to


def test_plan_lists_the_first_up(imported, capsys):
    assert main(["plan", str(imported), "--cloud", "azure"]) == 0
    out = capsys.readouterr().out
    assert f"[import {az.BASE}/queues/shop-jobs]" in out
    assert "First `pulumi up`" in out and "REVIEW" not in out


def test_drift_is_clean_then_names_a_changed_lock_duration_and_filter(imported, capsys):
    with serve(az.routes()) as (ep, _rec):
        assert main(["drift", str(imported), "--cloud", "azure", "--endpoint-url", ep]) == 0
    assert "in sync" in capsys.readouterr().out
    st = az.state()
    st["queues"]["shop-jobs"]["lockDuration"] = "PT2M"
    st["topics"]["shop-orders"]["subscriptions"]["mailer"][1]["$Default"]["sqlFilter"]["sqlExpression"] = \
        "status IN ('paid')"
    with serve(az.routes(st)) as (ep, rec):
        assert main(["drift", str(imported), "--cloud", "azure", "--endpoint-url", ep, "--format", "json"]) == 1
    assert {m for m, _p, _q in rec.calls} == {"GET"}
    rows = {(r["resource"], r["attribute"]): r for r in json.loads(capsys.readouterr().out)["drift"] if r["drift"]}
    assert rows[("Service Bus queue shop-jobs", "lockDuration")]["live"] == "PT2M"
    assert rows[("Service Bus queue shop-jobs", "lockDuration")]["declared"] == "PT45S"
    assert rows[("Service Bus subscription shop-orders/mailer", "filter ($Default rule)")]["live"] == \
        '{"status": ["paid"]}'
    assert len(rows) == 2


def test_drift_names_a_deleted_adopted_queue(imported, capsys):
    st = az.state()
    del st["queues"]["shop-payments"]
    with serve(az.routes(st)) as (ep, _rec):
        assert main(["drift", str(imported), "--cloud", "azure", "--endpoint-url", ep, "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert "| `Service Bus queue shop-payments` | `exists` | `yes` | `(missing)` |" in out
