"""Azure, issue 29 round 3: what the plan does where the file asks for what Service Bus cannot do as written."""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator.check import check_document
from generator.loader import load_bytes
from generator.plan import engine

SB = "azure-native:servicebus:"


def _plan(write, body, **config):
    return engine.run(str(write("targets: [azure]\n" + body)), "azure", config=config or None)


def test_dead_letter_false_takes_the_highest_delivery_count(write):
    """Service Bus dead-letters after maxDeliveryCount whatever the entity says: with dead_letter: false the
    program sends 2,000 (the most Azure takes), so a message is retried as long as AWS and GCP would retry it."""
    plan = _plan(write, "topics: {events: {}}\nqueues:\n  jobs: {dead_letter: false, max_receive_count: 3}\n"
                        "  kept: {max_receive_count: 3}\n"
                        "services:\n  wk: {consumes: [jobs, kept]}\n  rd: {consumes: {events: {dead_letter: false}}}\n")
    queues = {r.inputs["queueName"]: r.inputs for r in plan.by_type(SB + "Queue")}
    assert queues["demo-dev-jobs"]["maxDeliveryCount"] == 2000
    assert queues["demo-dev-jobs"]["deadLetteringOnMessageExpiration"] is False
    assert queues["demo-dev-kept"]["maxDeliveryCount"] == 3          # dead_letter on: the file's count
    [sub] = plan.by_type(SB + "Subscription")
    assert sub.inputs["maxDeliveryCount"] == 2000


def test_the_diff_sees_the_delivery_count_the_program_sends(write, tmp_path):
    from generator.clouds.azure import spec
    from generator.check import load_topology

    def topo(body):
        return load_topology(str(write("targets: [azure]\nqueues:\n  jobs: {" + body + "}\n", name="t.yaml")),
                             warnings=False)[0]

    def count(t):
        [q] = [i for i in spec.inventory(t) if i.kind == "Service Bus queue"]
        return dict(q.update)["max_receive_count"]

    # with dead_letter: false a new max_receive_count changes nothing on Azure: no update to list
    assert count(topo("dead_letter: false, max_receive_count: 3")) == count(topo("dead_letter: false")) == 2000
    assert count(topo("max_receive_count: 3")) == 3


def _diags(text):
    return [d for d in check_document(load_bytes(HEADER + text, "t.yaml")).diagnostics if d.code == "TOP203"]


def test_dead_letter_retention_is_warned_where_it_is_written():
    [d] = [d for d in _diags("targets: [azure]\nqueues:\n  jobs: {dead_letter: {retention: 14d}}\n")
           if "dead_letter.retention" in d.message]
    assert d.message == ("Service Bus dead-letter sub-queues keep messages until they are received; "
                         "dead_letter.retention 14d is not applied on Azure (queue 'jobs')")
    assert (d.line, d.col) == (5, 35)
    # the built-in default is nobody's choice: no warning; nor on a cloud that applies it
    assert not [d for d in _diags("targets: [azure]\nqueues:\n  jobs: {dead_letter: true}\n")
                if "dead_letter.retention" in d.message]
    assert not [d for d in _diags("targets: [aws, gcp]\nqueues:\n  jobs: {dead_letter: {retention: 14d}}\n")
                if "dead_letter.retention" in d.message]


def test_dead_letter_retention_in_defaults_is_warned_once_at_the_defaults():
    ds = [d for d in _diags("targets: [azure]\ndefaults: {dead_letter: {retention: 3d}}\n"
                            "queues: {aa: {}, bb: {}}\n") if "dead_letter.retention" in d.message]
    [d] = ds
    assert "(queue 'aa', queue 'bb')" in d.message and d.line == 4


def test_a_service_without_a_principal_gets_a_managed_identity_with_its_roles(write):
    """Local (SAS) auth is off, so a service without identity.azure_principal_id could do nothing: it gets a
    user-assigned managed identity of its own (per stack), the role assignments, and AZURE_CLIENT_ID; TOP221 says so."""
    text = ("targets: [azure]\nqueues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n"
            "  worker:\n    consumes: [jobs]\n    identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000002}\n"
            "  idle: {}\n")
    ds = [d for d in check_document(load_bytes(HEADER + text, "t.yaml")).diagnostics if d.code == "TOP221"]
    assert [(d.level, d.line, d.message) for d in ds] == [
        ("info", 6, "on Azure, service 'api' names no principal (identity.azure_principal_id): topowire creates "
                    "user-assigned managed identity 'demo-dev-api' with its Service Bus roles (send to queue 'jobs'); "
                    "the namespace takes no SAS keys, so the service can use them only when it runs as that identity")]
    assert ds[0].hint.startswith("attach stack output services.api.identity.id to the service's compute")
    plan = engine.run(str(write(text)), "azure")
    identities = {r.inputs["resourceName"]: r for r in plan.by_type("azure-native:managedidentity:UserAssignedIdentity")}
    assert sorted(identities) == ["demo-dev-api", "demo-dev-idle"]  # every service without a principal
    api = identities["demo-dev-api"]
    assert api.inputs["resourceGroupName"] == "demo-dev" and api.inputs["location"] == "westeurope"
    grants = sorted((r.inputs["description"], r.inputs["principalId"], r.inputs["principalType"])
                    for r in plan.by_type("azure-native:authorization:RoleAssignment"))
    assert grants == [("topowire: api may send on queue-jobs", api.outputs["principalId"], "ServicePrincipal"),
                      ("topowire: worker may receive on queue-jobs", "8f7e0c1a-0000-4000-8000-000000000002",
                       "ServicePrincipal")]
    out = plan.outputs["services"]
    assert out["api"]["identity"] == {"id": api.outputs["id"], "client_id": api.outputs["clientId"],
                                      "principal_id": api.outputs["principalId"]}
    assert out["api"]["env"]["AZURE_CLIENT_ID"] == api.outputs["clientId"]
    assert "identity" not in out["worker"] and "AZURE_CLIENT_ID" not in out["worker"]["env"]


def test_created_identities_are_per_stack_and_in_the_diff(write):
    from generator.clouds.azure import spec
    from generator.diff import impact

    text = "targets: [azure]\nqueues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n" \
           "environments:\n  dev: {}\n  prod: {}\n"
    path = write(text)
    names = {stack: [r.inputs["resourceName"] for r in engine.run(str(path), "azure", stack=stack).by_type(
        "azure-native:managedidentity:UserAssignedIdentity")] for stack in ("dev", "prod")}
    assert names == {"dev": ["demo-dev-api"], "prod": ["demo-prod-api"]}
    old = _topo(write, "queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n", "o.yaml")
    given = _topo(write, "queues: {jobs: {}}\nservices:\n  api:\n    publishes: [jobs]\n"
                         "    identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000002}\n", "g.yaml")
    _, actions = impact.all_actions(old, given)
    got = sorted((a.action, a.kind) for a in actions if a.cloud == "azure")
    # naming the principal drops the created identity and moves the assignment to the given principal
    assert got == [("delete", "managed identity"), ("replace", "role assignment")]
    assert spec.environment(old)["api"]["AZURE_CLIENT_ID"] == "<client id of demo-dev-api>"
    assert "AZURE_CLIENT_ID" not in spec.environment(given)["api"]


def test_to_or_from_premium_the_program_replaces_the_namespace_and_basic_standard_stays_in_place(write):
    """Azure has no in-place change to or from Premium (only a new namespace, or Microsoft's migration), while the
    provider would send the sku as an update: the program replaces on sku.capacity, which is set exactly on
    Premium, old namespace first (the name is fixed); Basic <-> Standard, which Azure changes in place, does not."""
    for sku, capacity in (("Basic", None), ("Standard", None), ("Premium", 1)):
        plan = _plan(write, f"clouds: {{azure: {{sku: {sku}}}}}\nqueues: {{jobs: {{}}}}\n")
        [ns] = plan.by_type(SB + "Namespace")
        assert ns.inputs["sku"].get("capacity") == capacity and ns.inputs["sku"]["tier"] == sku
        assert ns.replace_on_changes == ["sku.capacity"] and ns.delete_before_replace is True and ns.protect


def _topo(write, body, name):
    from generator.check import load_topology

    return load_topology(str(write("targets: [azure]\n" + body, name=name)), warnings=False)[0]


def test_the_diff_says_what_a_move_to_premium_does_to_the_messages(write):
    from generator.diff import impact

    body = "clouds: {{azure: {{sku: {}}}}}\nqueues: {{jobs: {{}}}}\ntopics: {{events: {{}}}}\n" \
           "services:\n  api: {{publishes: [jobs, events]}}\n  wk: {{consumes: [jobs, events]}}\n"
    std, prem = _topo(write, body.format("Standard"), "s.yaml"), _topo(write, body.format("Premium"), "p.yaml")
    _, actions = impact.all_actions(std, prem)
    acts = {(a.action, a.kind): a for a in actions if a.cloud == "azure"}
    ns = acts[("replace", "Service Bus namespace")]
    assert ns.destructive
    assert ns.reason.startswith("cannot change in place: premium off -> on; a new namespace: the old one is deleted")
    assert "with every queue, topic and subscription in it and their messages" in ns.reason
    assert "pulumi state unprotect" in ns.reason and "Standard-to-Premium migration" in ns.reason
    # everything in it goes with it: the diff lists each as replaced, not unchanged
    for kind in ("Service Bus queue", "Service Bus topic", "Service Bus subscription"):
        assert ("replace", kind) in acts, kind
        assert "namespace premium" in acts[("replace", kind)].reason
    basic = _topo(write, "clouds: {azure: {sku: Basic}}\nqueues: {jobs: {}}\n", "b.yaml")
    standard = _topo(write, "clouds: {azure: {sku: Standard}}\nqueues: {jobs: {}}\n", "s2.yaml")
    _, up = impact.all_actions(basic, standard)
    assert [(a.action, a.kind) for a in up if a.cloud == "azure" and "Service Bus" in a.kind] == [
        ("update", "Service Bus namespace")]


def _validate(text):
    return check_document(load_bytes(HEADER + text, "t.yaml")).diagnostics


def test_the_file_names_the_namespace_per_stack_and_the_plan_uses_it(write):
    text = ("targets: [azure]\nclouds: {azure: {namespace: demo-dev-7f3a}}\nqueues: {jobs: {}}\n"
            "environments:\n  dev: {}\n  prod: {clouds: {azure: {namespace: demo-prod-7f3a}}}\n")
    path = write(text)
    for stack, ns in (("dev", "demo-dev-7f3a"), ("prod", "demo-prod-7f3a")):
        plan = engine.run(str(path), "azure", stack=stack)
        [r] = plan.by_type(SB + "Namespace")
        assert r.inputs["namespaceName"] == ns
        [q] = plan.by_type(SB + "Queue")
        assert q.inputs["namespaceName"] == ns and q.inputs["queueName"] == f"demo-{stack}-jobs"
        assert plan.outputs["services"] == {} and plan.outputs["namespace"]["name"] == ns
    assert [d.code for d in _validate(text) if d.code in ("TOP226", "TOP225")] == []


def test_without_a_name_the_derived_one_stays_and_validate_says_it_may_be_taken(write):
    """Existing stacks keep their namespace (the derived name is unchanged); each stack is told, as an info."""
    text = "targets: [azure]\nqueues: {jobs: {}}\nenvironments:\n  dev: {}\n  prod: {}\n"
    [d] = [d for d in _validate(text) if d.code == "TOP226"]   # once per file, naming each stack
    assert (d.level, d.line) == ("info", 2)
    assert d.message == ("Azure: Service Bus namespaces 'demo-dev' (stack dev) and 'demo-prod' (stack prod) come from "
                         "the stack's prefix (unless stack config namespace names another): a global DNS name "
                         "(<namespace>.servicebus.windows.net) that anyone in Azure may already hold, and then the "
                         "first pulumi up fails")
    assert "environments.<stack>.clouds.azure.namespace" in d.hint and "('demo-dev' for stack dev)" in d.hint
    # a stack that names its own is not listed; nothing to deploy, nothing to say
    [d] = [d for d in _validate(text.replace("prod: {}", "prod: {clouds: {azure: {namespace: demo-prod-7f3a}}}"))
           if d.code == "TOP226"]
    assert "'demo-dev' (stack dev) comes from" in d.message and "demo-prod" not in d.message
    assert [d for d in _validate("targets: [azure]\nmessages: {Order: {}}\n") if d.code == "TOP226"] == []
    [ns] = engine.run(str(write(text)), "azure", stack="prod").by_type(SB + "Namespace")
    assert ns.inputs["namespaceName"] == "demo-prod"
    assert [d for d in _validate("targets: [aws, gcp]\nqueues: {jobs: {}}\n") if d.code == "TOP226"] == []


@pytest.mark.parametrize("name", ["shop", "9shop-prod", "shop_prod1", "shop-prod-", "shop-prod-sb", "shop-prod-MGMT",
                                  "a" * 51])
def test_a_namespace_azure_refuses_is_refused_by_validate(name):
    ds = [d for d in _validate(f"targets: [azure]\nclouds: {{azure: {{namespace: '{name}'}}}}\nqueues: {{jobs: {{}}}}\n")
          if d.level == "error"]
    assert ds and all(d.line == 4 for d in ds), ds
    assert any("not ending with -sb or -mgmt" in d.message + d.hint for d in ds), ds


@pytest.mark.parametrize("name", ["shop-prod", "Shop-Prod-7f3a", "a" * 50, "shop-sbx", "shop-prod-sb1"])
def test_a_namespace_azure_takes_is_valid(name):
    assert [d for d in _validate(f"targets: [azure]\nclouds: {{azure: {{namespace: '{name}'}}}}\nqueues: {{jobs: {{}}}}\n")
            if d.level == "error"] == []


def test_two_stacks_on_one_namespace_are_an_error():
    text = ("targets: [azure]\nclouds: {azure: {namespace: demo-shared-7f3a}}\nqueues: {jobs: {}}\n"
            "environments:\n  dev: {}\n  prod: {}\n  test: {clouds: {azure: {namespace: Demo-Shared-7F3A}}}\n")
    ds = [(d.level, d.line, d.message) for d in _validate(text) if d.code == "TOP225"]
    assert ds == [
        ("error", 4, "Azure: stacks 'dev', 'prod' and 'test' would deploy one Service Bus namespace "
                     "'demo-shared-7f3a': each stack would manage, and could delete, the other's queues and topics"),
        ("error", 9, "Azure: stacks 'dev', 'prod' and 'test' would deploy one Service Bus namespace "
                     "'demo-shared-7f3a': each stack would manage, and could delete, the other's queues and topics")]


def test_the_file_and_stack_config_may_not_name_two_namespaces(write):
    from generator.errors import InputError

    path = write("targets: [azure]\nclouds: {azure: {namespace: demo-dev-7f3a}}\nqueues: {jobs: {}}\n")
    with pytest.raises(InputError) as caught:
        engine.run(str(path), "azure", config={"namespace": "other-name-1"})
    assert "names Service Bus namespace 'demo-dev-7f3a' (clouds.azure.namespace) and stack config namespace " \
           "names 'other-name-1'" in str(caught.value)
    [ns] = engine.run(str(path), "azure", config={"namespace": "demo-dev-7f3a"}).by_type(SB + "Namespace")
    assert ns.inputs["namespaceName"] == "demo-dev-7f3a"


def test_a_new_namespace_name_is_a_replace_that_loses_the_messages(write):
    from generator.diff import impact

    old = _topo(write, "queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n", "o.yaml")
    new = _topo(write, "clouds: {azure: {namespace: demo-dev-7f3a}}\nqueues: {jobs: {}}\n"
                       "services:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n", "n.yaml")
    _, actions = impact.all_actions(old, new)
    acts = {(a.action, a.kind): a for a in actions if a.cloud == "azure"}
    ns = acts[("replace", "Service Bus namespace")]
    assert ns.destructive and ns.reason.startswith("cannot change in place: name demo-dev -> demo-dev-7f3a; a new "
                                                   "namespace: the old one is deleted first")
    q = acts[("replace", "Service Bus queue")]
    assert q.destructive and "namespace demo-dev -> demo-dev-7f3a" in q.reason and "messages are deleted" in q.reason
    # writing the name it already has changes nothing
    same = _topo(write, "clouds: {azure: {namespace: demo-dev}}\nqueues: {jobs: {}}\n"
                        "services:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n", "same.yaml")
    assert [a for a in impact.all_actions(old, same)[1] if a.cloud == "azure"] == []
