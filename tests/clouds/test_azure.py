"""The Azure Service Bus program under Pulumi's mock engine, point by point."""

from __future__ import annotations

import uuid
from functools import lru_cache

import pytest

from conftest import CASES, EXAMPLES, ROOT
from generator.check import load_topology
from generator.clouds.azure import spec as azure_spec
from generator.errors import InputError
from generator.plan import engine

FILES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "azure" / "full.yaml"]
SB = "azure-native:servicebus:"


@lru_cache(maxsize=None)
def plan_of(path, **config):
    return engine.run(str(path), "azure", config=config or None)


def topo_of(path):
    return load_topology(path)[0]


SENDER, RECEIVER = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"  # built-in role ids


def _entity(topo, channel):
    """The naming docs/azure.md documents, written here (not taken from azure_spec): ``<prefix>-<channel>``."""
    return f"{topo.prefix}-{channel.deployed_name}"


def _iso(seconds):
    """ISO 8601 durations as the fixtures need them, written here: 30 -> PT30S, 3600 -> PT1H, 4 days -> P4D."""
    days, rest = divmod(seconds, 86400)
    time = "".join(f"{n}{u}" for n, u in zip((rest // 3600, rest % 3600 // 60, rest % 60), "HMS") if n)
    return (f"P{days}D" if days else "P") + (f"T{time}" if time else "")


def _sql(flt):
    """The Service Bus SQL filter of the fixtures' filters (plain identifiers), written here."""
    assert all(a.isidentifier() for a, _ in flt)
    return " AND ".join(f"{a} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"
                        for a, values in flt)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_namespace(path):
    plan, topo = plan_of(path), topo_of(path)
    [ns] = plan.by_type(SB + "Namespace")
    i = ns.inputs
    assert i["sku"]["name"] == i["sku"]["tier"] == topo.clouds.azure_sku
    assert i["minimumTlsVersion"] == "1.2" and i["disableLocalAuth"] is True
    assert i["location"] == "westeurope"          # the provider's location config
    assert i["tags"] == dict(topo.tags) and ns.protect
    [rg] = plan.by_type("azure-native:resources:ResourceGroup")
    assert i["resourceGroupName"] == rg.inputs["resourceGroupName"] and rg.inputs["tags"] == dict(topo.tags)


def test_existing_resource_group_and_local_auth_from_stack_config():
    plan = engine.run(str(ROOT / "topology.yaml"), "azure", config={"resourceGroup": "shared-rg", "localAuth": "true",
                                                                    "namespace": "ai-platform-prod-sb1"})
    assert plan.by_type("azure-native:resources:ResourceGroup") == []
    [ns] = plan.by_type(SB + "Namespace")
    assert ns.inputs["resourceGroupName"] == "shared-rg" and ns.inputs["disableLocalAuth"] is False
    assert ns.inputs["namespaceName"] == "ai-platform-prod-sb1"


@pytest.mark.parametrize("namespace", ["9bad", "short", "a" * 51, "ends-with-"])
def test_a_namespace_name_azure_refuses_stops_the_plan_with_what_to_do(namespace):
    with pytest.raises(InputError) as caught:
        engine.run(str(ROOT / "topology.yaml"), "azure", config={"namespace": namespace})
    assert str(caught.value) == (f"Service Bus namespace name '{namespace}' must have 6 to 50 letters, digits and '-', "
                                 "start with a letter, end with a letter or digit and not end with -sb or -mgmt: set another with "
                                 "'pulumi config set namespace <name>'")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_queues_carry_their_settings(path):
    plan, topo = plan_of(path), topo_of(path)
    queues = {r.inputs["queueName"]: r for r in plan.by_type(SB + "Queue")}
    assert sorted(queues) == sorted(_entity(topo, q) for q in topo.queues.values())
    for q in topo.queues.values():
        r = queues[_entity(topo, q)]
        s, i = q.settings, r.inputs
        # dead_letter: false cannot stop Service Bus dead-lettering: the highest count Azure takes instead
        assert i["maxDeliveryCount"] == (s.dead_letter.max_receive_count if s.dead_letter.enabled else 2000)
        assert i["lockDuration"] == _iso(min(max(s.visibility_timeout, 5), 300))
        assert i["defaultMessageTimeToLive"] == _iso(s.retention)
        assert i["deadLetteringOnMessageExpiration"] is s.dead_letter.enabled
        assert i.get("requiresSession", False) is q.fifo and i.get("requiresDuplicateDetection", False) is q.fifo
        assert r.protect == s.protect


def test_iso_durations():
    assert [azure_spec.iso_duration(s) for s in (30, 300, 3600, 86400, 90061, 1209600)] == \
           ["PT30S", "PT5M", "PT1H", "P1D", "P1DT1H1M1S", "P14D"]


def test_lock_duration_is_clamped_to_five_minutes():
    plan = plan_of(ROOT / "topology.yaml")
    queues = {r.inputs["queueName"]: r.inputs for r in plan.by_type(SB + "Queue")}
    assert queues["ai-platform-dev-batch-scoring"]["lockDuration"] == "PT5M"      # 2h in the YAML
    assert queues["ai-platform-dev-inference-requests"]["lockDuration"] == "PT5M"  # 10m


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_one_subscription_per_consuming_service_with_its_default_rule(path):
    plan, topo = plan_of(path), topo_of(path)
    subs = {(r.inputs["topicName"], r.inputs["subscriptionName"]): r for r in plan.by_type(SB + "Subscription")}
    rules = {(r.inputs["topicName"], r.inputs["subscriptionName"]): r for r in plan.by_type(SB + "DefaultRule")}
    expected = {(_entity(topo, topo.topics[c.channel]), c.service): c
                for c in topo.all_consumers() if c.kind == "topic"}
    assert set(subs) == set(expected) == set(rules)   # every subscription's $Default rule is managed
    assert plan.by_type(SB + "Rule") == []            # Rule("$Default") fails on create: Azure made it already
    for key, c in expected.items():
        i = subs[key].inputs
        assert len(key[1]) <= 50
        assert i["maxDeliveryCount"] == (c.settings.dead_letter.max_receive_count if c.settings.dead_letter.enabled
                                         else 2000)
        assert i["deadLetteringOnFilterEvaluationExceptions"] is True
        rule = rules[key]
        assert "ruleName" not in rule.inputs and rule.outputs["name"] == "$Default"
        assert rule.inputs["filterType"] == "SqlFilter"
        assert rule.inputs["sqlFilter"]["sqlExpression"] == (_sql(c.filter) if c.filter else "1=1")
        assert rule.parent == subs[key].parent
        assert subs[key].urn in rule.depends_on
        assert rule.delete_before_replace is True and rule.replace_on_changes == []
        assert rule.protect is subs[key].protect is c.settings.protect
        assert " (type azure-native:servicebus:Rule)" in rule.aliases   # the Rule of earlier versions is this one


def test_the_default_rule_is_one_resource_with_or_without_a_filter(write):
    """Adding or removing a filter updates $Default in place: same URN, same type, only the expression differs."""
    body = "targets: [azure]\ntopics: {events: {}}\nservices:\n  api: {publishes: [events]}\n  worker:\n    consumes:\n"
    filtered = plan_of(write(body + "      events: {filter: {kind: [created, deleted]}}\n", "a.yaml"))
    unfiltered = plan_of(write(body + "      events: {}\n", "b.yaml"))
    [a], [b] = filtered.by_type(SB + "DefaultRule"), unfiltered.by_type(SB + "DefaultRule")
    assert a.urn == b.urn and a.urn.endswith("::events-worker-filter")
    assert a.inputs["sqlFilter"]["sqlExpression"] == "kind IN ('created', 'deleted')"
    assert b.inputs["sqlFilter"]["sqlExpression"] == "1=1"
    assert {k: v for k, v in a.inputs.items() if k != "sqlFilter"} == {k: v for k, v in b.inputs.items() if k != "sqlFilter"}


def test_sql_filters_quote_values():
    flt = (("currency", ("EUR", "O'Neil")), ("kind", ("capture",)))
    assert azure_spec.sql_filter(flt) == "currency IN ('EUR', 'O''Neil') AND kind IN ('capture')"
    assert azure_spec.sql_filter(None) == azure_spec.sql_filter(()) == "1=1"


@pytest.mark.parametrize("name, written", [
    ("status", "status"), ("Straße", "Straße"), ("a1", "a1"),
    ("AND", "[AND]"), ("not", "[not]"), ("Exists", "[Exists]"), ("null", "[null]"), ("like", "[like]"),
    ("sys", "[sys]"), ("user", "[user]"), ("p", "[p]"), ("newid", "[newid]"), ("select", "[select]"),
    ("_trace", "[_trace]"), ("1a", "[1a]"),                      # a regular identifier starts with a letter
    ("HR-EmployeeID", "[HR-EmployeeID]"), ("a.b", "[a.b]"), ("x y", "[x y]"),
    ("we]ird", "[we]]ird]"), ("[x]", "[[x]]]"), ("]", "[]]]"),   # ']' doubled, as the grammar escapes it
    ("x') OR 1=1 --", "[x') OR 1=1 --]"),
])
def test_sql_identifiers_are_delimited_when_they_must_be(name, written):
    """https://learn.microsoft.com/azure/service-bus-messaging/service-bus-messaging-sql-filter: property_name."""
    assert azure_spec.sql_identifier(name) == written
    assert azure_spec.sql_filter(((name, ("v",)),)) == f"{written} IN ('v')"


def test_keyword_and_underscore_attributes_in_a_plan(write):
    path = write("targets: [azure]\ntopics: {events: {}}\nservices:\n  api: {publishes: [events]}\n  worker:\n"
                 "    consumes:\n      events: {filter: {AND: [x], _trace: ['on'], exists: [y], region: [eu]}}\n")
    [rule] = plan_of(path).by_type(SB + "DefaultRule")
    assert rule.inputs["sqlFilter"]["sqlExpression"] == \
        "[AND] IN ('x') AND [_trace] IN ('on') AND [exists] IN ('y') AND region IN ('eu')"


def test_a_bracket_in_an_attribute_name_is_refused_by_validation(write):
    from conftest import run_cli

    path = write("targets: [azure]\ntopics: {events: {}}\nservices:\n  api: {publishes: [events]}\n  worker:\n"
                 "    consumes:\n      events: {filter: {'we]ird': [x]}}\n")
    code, out, err = run_cli("validate", path)
    assert code == 1 and "Traceback" not in out + err
    assert "topology.yaml:9:25: error TOP010" in out and "filter attributes are identifiers" in out


def _principal(plan, topo, service):
    """The service's principal: its azure_principal_id, or the managed identity created for it, named
    ``<prefix>-<service>`` (docs/azure.md)."""
    if service.identity.azure_principal_id:
        return service.identity.azure_principal_id
    [identity] = [r for r in plan.by_type("azure-native:managedidentity:UserAssignedIdentity")
                  if r.inputs["resourceName"] == f"{topo.prefix}-{service.deployed_name}"]
    return identity.outputs["principalId"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_role_assignments_are_scoped_to_exact_entities(path):
    plan, topo = plan_of(path), topo_of(path)
    ids = {r.inputs.get("queueName") or r.inputs.get("topicName"): r.outputs["id"]
           for r in plan.by_type(SB + "Queue") + plan.by_type(SB + "Topic")}
    sub_ids = {(r.inputs["topicName"], r.inputs["subscriptionName"]): r.outputs["id"] for r in plan.by_type(SB + "Subscription")}
    got = {(r.inputs["principalId"], r.inputs["roleDefinitionId"].rsplit("/", 1)[1], r.inputs["scope"])
           for r in plan.by_type("azure-native:authorization:RoleAssignment")}
    want = set()
    for s in topo.services.values():
        p = _principal(plan, topo, s)
        for r in s.publishes:
            want.add((p, SENDER, ids[_entity(topo, topo.channel(r.channel))]))
        for c in s.consumes:
            scope = ids[_entity(topo, topo.queues[c.channel])] if c.kind == "queue" else \
                sub_ids[(_entity(topo, topo.topics[c.channel]), s.name)]
            want.add((p, RECEIVER, scope))
        # and on each offloading channel's payload container (large_payloads; its own tests: tests/payloads)
        for channel, _label, role in azure_spec.payload_roles(topo, s):
            want.update((p, role, scope) for (pp, rr, scope) in got
                        if pp == p and rr == role and scope.endswith(f"/containers/{azure_spec.payload_container_name(channel)}"))
            assert any(w[1] == role and w[2].endswith(azure_spec.payload_container_name(channel)) for w in want), channel.name
    assert got == want
    for r in plan.by_type("azure-native:authorization:RoleAssignment"):
        assert r.inputs["principalType"] == "ServicePrincipal"
        assert r.inputs["roleDefinitionId"].startswith("/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/providers/")
        role = r.inputs["roleDefinitionId"].rsplit("/", 1)[1]
        # the GUID of (scope, principal, role), as Microsoft recommends naming assignments
        assert r.inputs["roleAssignmentName"] == str(uuid.uuid5(
            uuid.NAMESPACE_URL,
            f"topowire:role-assignment:{r.inputs['scope'].lower()}|{r.inputs['principalId'].lower()}|{role}"))
        assert r.delete_before_replace is True   # Azure refuses two assignments of one triple


def test_role_assignment_names_never_collide_across_stacks_or_entities():
    def names(**config):
        return {r.name: r.inputs["roleAssignmentName"]
                for r in plan_of(CASES / "azure" / "full.yaml", **config).by_type("azure-native:authorization:RoleAssignment")}

    here = names()
    assert here["issuer-send-queue-invoices"] == "1e23ba43-8b7f-519e-bded-9d3516ca6fc3"
    assert len(set(here.values())) == len(here) == 7   # janitor's two: its created identity's
    # printer and issuer on the same queue, different roles and principals: different names
    assert here["printer-receive-queue-invoices"] != here["issuer-send-queue-invoices"]
    for other in (names(namespace="billing-other"), names(resourceGroup="shared-rg")):
        assert set(other) == set(here) and not set(other.values()) & set(here.values())


def test_no_keys_or_connection_strings_anywhere():
    plan = plan_of(ROOT / "topology.yaml")
    types = {r.type for r in plan.resources}
    assert not [t for t in types if "AuthorizationRule" in t or "listKeys" in t.lower()]
    assert "connection" not in str(plan.outputs).lower() and "SharedAccessKey" not in str(plan.outputs)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_dead_letter_alerts_per_entity(path):
    plan, topo = plan_of(path), topo_of(path)
    alerts = {r.inputs["criteria"]["allOf"][0]["dimensions"][0]["values"][0]: r.inputs
              for r in plan.by_type("azure-native:monitor:MetricAlert")}
    assert sorted(alerts) == sorted(_entity(topo, ch) for ch in topo.channels())
    for a in alerts.values():
        c = a["criteria"]["allOf"][0]
        assert c["metricName"] == "DeadletteredMessages" and c["operator"] == "GreaterThan" and c["threshold"] == 0
        # clouds.azure.action_group of the file (none: no actions)
        group = topo.clouds.azure_action_group
        assert a.get("actions") == ([{"actionGroupId": group}] if group else None)


GROUP = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/ops/providers/microsoft.insights/actionGroups/"


def test_alerts_go_to_the_action_group_and_can_be_turned_off(write):
    path = write("targets: [azure]\nqueues: {jobs: {}}\n")         # the file says nothing: stack config decides
    plan = engine.run(str(path), "azure", config={"actionGroup": GROUP + "config"})
    assert [a.inputs["actions"] for a in plan.by_type("azure-native:monitor:MetricAlert")] == \
        [[{"actionGroupId": GROUP + "config"}]]
    plan = engine.run(str(path), "azure", config={"alerts": "false"})
    assert plan.by_type("azure-native:monitor:MetricAlert") == []


def test_the_files_action_group_is_per_stack_and_wins_over_stack_config(write):
    path = write("targets: [azure]\nqueues: {jobs: {}}\nclouds: {azure: {action_group: none}}\nenvironments:\n"
                 f"  dev: {{}}\n  prod: {{clouds: {{azure: {{action_group: {GROUP}oncall}}}}}}\n")
    alerts = lambda plan: [a.inputs.get("actions") for a in plan.by_type("azure-native:monitor:MetricAlert")]
    assert alerts(engine.run(str(path), "azure", stack="prod", config={"actionGroup": GROUP + "config"})) == \
        [[{"actionGroupId": GROUP + "oncall"}]]
    # 'none' in the file: no one, even when stack config names a group (the file is the truth)
    assert alerts(engine.run(str(path), "azure", stack="dev", config={"actionGroup": GROUP + "config"})) == [None]


def test_outputs_and_environment():
    out = plan_of(CASES / "azure" / "full.yaml").outputs
    assert out["namespace"]["fully_qualified_name"] == "billing-dev.servicebus.windows.net"
    assert out["services"]["ledger"]["env"] == {
        "PAYMENTS_SUBSCRIPTION_NAME": "ledger", "PAYMENTS_TOPIC_NAME": "billing-dev-payments",
        "SERVICEBUS_FULLY_QUALIFIED_NAMESPACE": "billing-dev.servicebus.windows.net"}
    assert out["services"]["issuer"]["env"]["INVOICES_QUEUE_NAME"] == "billing-dev-invoices"


def test_premium_message_size_and_basic_refusal(write):
    plan = plan_of(CASES / "azure" / "full.yaml")
    queues = {r.inputs["queueName"]: r.inputs for r in plan.by_type(SB + "Queue")}
    assert queues["billing-dev-invoices"]["maxMessageSizeInKilobytes"] == 2048
    basic = write("targets: [azure]\nclouds: {azure: {sku: Basic}}\ntopics: {events: {}}\n")
    with pytest.raises(InputError) as exc:
        engine.run(str(basic), "azure")
    assert "TOP204" in str(exc.value)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sessions_and_duplicate_detection_replace_the_entity(path):
    """Set only at creation: a change replaces the entity, the old one first (fixed name), and protect blocks it."""
    plan, topo = plan_of(path), topo_of(path)
    protect = {_entity(topo, q): q.settings.protect for q in topo.queues.values()}
    for q in plan.by_type(SB + "Queue"):
        assert q.replace_on_changes == ["requiresDuplicateDetection", "requiresSession"]
        assert q.delete_before_replace is True and q.protect is protect[q.inputs["queueName"]]
    topics = {t.inputs["topicName"]: t for t in plan.by_type(SB + "Topic")}
    for t in topics.values():
        assert t.replace_on_changes == ["requiresDuplicateDetection"] and t.delete_before_replace is True
    for s in plan.by_type(SB + "Subscription"):
        assert s.replace_on_changes == ["requiresSession"] and s.delete_before_replace is True
        assert topics[s.inputs["topicName"]].urn in s.depends_on   # a replaced topic replaces its subscriptions


def test_diff_and_the_program_agree_on_what_replaces():
    topo = topo_of(CASES / "azure" / "full.yaml")
    replace_on = {}
    for item in azure_spec.inventory(topo):
        # every entity also goes with its namespace (a new name or tier: tests/clouds/test_azure_round3.py)
        replace_on.setdefault(item.kind, set()).update(k for k, _ in item.replace_on
                                                       if k not in ("namespace", "namespace premium"))
    assert replace_on["Service Bus queue"] == {"requiresSession", "requiresDuplicateDetection"}
    assert replace_on["Service Bus topic"] == {"requiresDuplicateDetection"}
    assert {"requiresSession", "topic requiresDuplicateDetection"} <= replace_on["Service Bus subscription"]
    assert set(azure_spec.REPLACE_ON["queue"]) == replace_on["Service Bus queue"]
    assert set(azure_spec.REPLACE_ON["topic"]) == replace_on["Service Bus topic"]
    assert set(azure_spec.REPLACE_ON["subscription"]) <= replace_on["Service Bus subscription"]


def test_plan_cli_says_what_replaces(tmp_path):
    from conftest import run_cli

    code, out, _ = run_cli("plan", CASES / "azure" / "full.yaml", "--cloud", "azure")
    assert code == 0
    assert ("      + azure-native:servicebus:Queue  invoices-queue  billing-dev-invoices  [protected]"
            "  [replaced if requiresDuplicateDetection, requiresSession change]") in out
    assert ("      + azure-native:servicebus:Subscription  payments-ledger-subscription  ledger  [protected]"
            "  [replaced if requiresSession change]") in out
    assert "      + azure-native:servicebus:DefaultRule  payments-ledger-filter  ledger  [protected]\n" in out
    code, out, _ = run_cli("plan", CASES / "azure" / "full.yaml", "--cloud", "azure", "--format", "json")
    import json

    [rule] = [r for r in json.loads(out)["resources"] if r["name"] == "payments-ledger-filter"]
    assert rule["deleteBeforeReplace"] is True and rule["replaceOnChanges"] == []
    assert rule["dependsOn"] == sorted(rule["dependsOn"]) and any(u.endswith("::payments-ledger-subscription")
                                                                  for u in rule["dependsOn"])


def test_premium_topics_take_max_message_size(write):
    body = """targets: [azure]
clouds: {azure: {sku: %s}}
defaults: {max_message_size: 3MiB}
topics:
  scans: {max_message_size: 10MiB}
  events: {}
  idle: {max_message_size: 4MiB}
services:
  api: {publishes: [scans, events, idle]}
  ocr: {consumes: [scans]}
  archive: {consumes: [scans, events]}
"""
    topics = {r.inputs["topicName"]: r.inputs for r in plan_of(write(body % "Premium", "p.yaml")).by_type(SB + "Topic")}
    assert topics["demo-dev-scans"]["maxMessageSizeInKilobytes"] == 10240   # the topic's own
    assert topics["demo-dev-events"]["maxMessageSizeInKilobytes"] == 3072   # the defaults'
    assert "maxMessageSizeInKilobytes" not in topics["demo-dev-idle"]       # no subscription: nothing is delivered
    standard = write(body.replace("MiB", "KiB") % "Standard", "s.yaml")
    assert not [t for t in plan_of(standard).by_type(SB + "Topic") if "maxMessageSizeInKilobytes" in t.inputs]


def test_a_topic_message_size_change_is_an_update(tmp_path):
    from conftest import run_cli
    import json

    base = "version: 1\nname: shop\ntargets: [azure]\nclouds: {azure: {sku: Premium}}\ntopics: {scans: {}}\n" \
           "services:\n  api: {publishes: [scans]}\n  ocr: {consumes: [scans]}\n"
    (tmp_path / "a.yaml").write_text(base)
    (tmp_path / "b.yaml").write_text(base.replace("scans: {}", "scans: {max_message_size: 2MiB}"))
    code, out, _ = run_cli("diff", tmp_path / "a.yaml", tmp_path / "b.yaml", "--format", "json")
    topic = [a for a in json.loads(out)["actions"] if a["kind"] == "Service Bus topic"]
    assert [(a["action"], a["reason"]) for a in topic] == [("update", "in place: max_message_size")]


def test_a_rename_with_renamed_from_keeps_the_role_assignment_names(write):
    body = ("targets: [azure]\nqueues:\n  {q}\nservices:\n  api:\n    publishes: [{name}]\n"
            "    identity: {{azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000009}}\n")
    before = plan_of(write(body.format(q="jobs: {}", name="jobs"), "a.yaml"))
    after = plan_of(write(body.format(q="work: {renamed_from: jobs}", name="work"), "b.yaml"))
    [a] = before.by_type("azure-native:authorization:RoleAssignment")
    [b] = after.by_type("azure-native:authorization:RoleAssignment")
    assert a.inputs["scope"] == b.inputs["scope"] and a.inputs["roleAssignmentName"] == b.inputs["roleAssignmentName"]


def test_alert_names_are_unique_per_namespace():
    def names(**config):
        return sorted(r.inputs["ruleName"] for r in
                      plan_of(CASES / "azure" / "full.yaml", **config).by_type("azure-native:monitor:MetricAlert"))

    assert names() == ["billing-dev-billing-dev-invoices-dead-letters", "billing-dev-billing-dev-payments-dead-letters",
                       "billing-dev-billing-dev-scratch-dead-letters"]
    # another stack in the same resource group: its own namespace, its own alert names
    assert names(namespace="billing-staging", resourceGroup="shared-rg") == [
        "billing-staging-billing-dev-invoices-dead-letters", "billing-staging-billing-dev-payments-dead-letters",
        "billing-staging-billing-dev-scratch-dead-letters"]


def test_long_alert_names_are_cut_with_a_hash():
    entity = "e" * 250 + ".queue-x"
    a, b = azure_spec.alert_name("ns-one", entity), azure_spec.alert_name("ns-two", entity)
    assert len(a) <= 260 and len(b) <= 260 and a != b
    assert a == azure_spec.alert_name("ns-one", entity) and a.startswith("ns-one-eeee")
    assert a[-9] == "-" and all(ch in "0123456789abcdef" for ch in a[-8:])
    assert azure_spec.alert_name("ns", "orders") == "ns-orders-dead-letters"


def test_a_sql_filter_over_1024_characters_is_refused(write):
    from conftest import run_cli

    values = ", ".join("v%03d%s" % (i, "x" * 60) for i in range(15))   # kind IN ( + 15 x (64+2) + 14 x 2 + ) = 1028
    path = write("targets: [azure]\ntopics: {events: {}}\nservices:\n  api: {publishes: [events]}\n  worker:\n"
                 f"    consumes:\n      events: {{filter: {{kind: [{values}]}}}}\n")
    code, out, _ = run_cli("validate", path)
    assert code == 1
    assert "error TOP206 the filter of 'worker' on topic 'events': the Service Bus SQL filter is 1028 characters, " \
           "the limit is 1024" in out
    assert azure_spec.filter_problems((("kind", ("a" * 1012,)),)) == []          # kind IN ('…'): 12 + 1012 = 1024
    assert len(azure_spec.filter_problems((("kind", ("a" * 1013,)),))) == 1      # 1025


# tests/cases/azure/full.yaml, written out: entity -> (lockDuration, defaultMessageTimeToLive, maxDeliveryCount,
# deadLetteringOnMessageExpiration, requiresSession, requiresDuplicateDetection, maxMessageSizeInKilobytes, protect)
AZURE_FULL = {
    "billing-dev-invoices": ("PT5M", "P4D", 4, True, True, True, 2048, True),          # 10m clamped to 5m
    "billing-dev-scratch": ("PT30S", "PT1H", 2000, False, None, None, None, True),  # dead_letter: false: the most
    ("billing-dev-payments", "janitor"): ("PT30S", "P4D", 5, True, None, None, None, True),
    ("billing-dev-payments", "ledger"): ("PT30S", "P4D", 5, True, None, None, None, True),
}


def test_full_fixture_entities_written_out():
    plan = plan_of(CASES / "azure" / "full.yaml")
    got = {}
    for r in plan.by_type(SB + "Queue") + plan.by_type(SB + "Subscription"):
        i = r.inputs
        key = i.get("queueName") or (i["topicName"], i["subscriptionName"])
        got[key] = (i["lockDuration"], i["defaultMessageTimeToLive"], i["maxDeliveryCount"],
                    i["deadLetteringOnMessageExpiration"], i.get("requiresSession"),
                    i.get("requiresDuplicateDetection"), i.get("maxMessageSizeInKilobytes"), r.protect)
    assert got == AZURE_FULL
    rules = {r.inputs["subscriptionName"]: r.inputs["sqlFilter"] for r in plan.by_type(SB + "DefaultRule")}
    assert rules == {"janitor": {"requiresPreprocessing": True, "sqlExpression": "1=1"},
                     "ledger": {"requiresPreprocessing": True,
                                "sqlExpression": "currency IN ('EUR', 'O''Neil') AND kind IN ('capture')"}}
    [ns] = plan.by_type(SB + "Namespace")
    assert (ns.inputs["namespaceName"], ns.inputs["sku"]) == ("billing-dev", {"capacity": 1, "name": "Premium", "tier": "Premium"})
