"""Identities per stack (issue 29): environments.<stack>.services.<name>.identity, resolved in the model.

dev and prod of one file used to grant the same AWS role, Azure principal and GCP service account rights on
both stacks' channels: a dev credential could read production messages. Each stack now runs as its own
identities when its environment says so, every backend sees them through the Topology only, and validate
warns (TOP119, an error with --strict) when two stacks still grant the same one.
"""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from generator.check import check_file, load_topology
from generator.plan import engine

PRINCIPAL_DEV, PRINCIPAL_PROD = "8f7e0c1a-0000-4000-8000-00000000000d", "8f7e0c1a-0000-4000-8000-00000000000f"
FILE = f"""queues: {{jobs: {{}}}}
services:
  api:
    publishes: [jobs]
    identity: {{aws_role: api-dev, azure_principal_id: {PRINCIPAL_DEV}, gcp_service_account: api@dev-1.iam.gserviceaccount.com}}
  worker: {{consumes: [jobs]}}
clouds: {{aws: {{alarm_topic: none}}, azure: {{action_group: none}}, gcp: {{notification_channels: none}}}}
environments:
  dev: {{}}
  prod:
    services:
      api:
        identity: {{aws_role: "arn:aws:iam::123456789012:role/api-prod", azure_principal_id: {PRINCIPAL_PROD}}}
      worker:
        identity: {{gcp_service_account: worker@prod-1.iam.gserviceaccount.com}}
"""


def test_the_model_resolves_each_stacks_identity_key_by_key(write):
    path = write(FILE)
    dev, prod = load_topology(path, stack="dev")[0], load_topology(path, stack="prod")[0]
    api = prod.services["api"].identity
    assert (api.aws_role, api.azure_principal_id, api.gcp_service_account) == \
        ("arn:aws:iam::123456789012:role/api-prod", PRINCIPAL_PROD, "api@dev-1.iam.gserviceaccount.com")
    assert api.origin("aws_role", ()) == ("environments", "prod", "services", "api", "identity", "aws_role")
    assert api.origin("gcp_service_account", ()) == ("services", "api", "identity", "gcp_service_account")
    assert dev.services["api"].identity.aws_role == "api-dev"
    assert dev.services["worker"].identity.gcp_service_account is None
    assert prod.services["worker"].identity.gcp_service_account == "worker@prod-1.iam.gserviceaccount.com"
    # a stack environments does not list runs as the file says
    assert load_topology(path, stack="staging")[0].services["api"].identity.aws_role == "api-dev"


@pytest.mark.parametrize("stack,role", [("dev", "api-dev"), ("prod", "api-prod")])
def test_aws_attaches_each_stacks_policy_to_that_stacks_role(write, stack, role):
    plan = engine.run(str(write(FILE)), "aws", stack=stack)
    [attachment] = plan.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["role"] == role


@pytest.mark.parametrize("stack,principal", [("dev", PRINCIPAL_DEV), ("prod", PRINCIPAL_PROD)])
def test_azure_assigns_roles_to_each_stacks_principal(write, stack, principal):
    plan = engine.run(str(write(FILE)), "azure", stack=stack)
    [worker] = plan.by_type("azure-native:managedidentity:UserAssignedIdentity")   # worker names none: its own
    assert worker.inputs["resourceName"] == f"demo-{stack}-worker"
    assert {r.inputs["principalId"] for r in plan.by_type("azure-native:authorization:RoleAssignment")} == \
        {principal, worker.outputs["principalId"]}


def test_gcp_grants_each_stacks_service_account_and_creates_one_only_where_none_is_given(write):
    path = write(FILE)
    dev, prod = engine.run(str(path), "gcp", stack="dev"), engine.run(str(path), "gcp", stack="prod")
    members = lambda plan: {r.inputs["member"] for r in plan.by_type(  # noqa: E731
        "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember") if "gcp-sa-pubsub" not in r.inputs["member"]}
    assert members(prod) == {"serviceAccount:worker@prod-1.iam.gserviceaccount.com"}
    assert [r.inputs["accountId"] for r in prod.by_type("gcp:serviceaccount/account:Account")] == []
    assert [r.inputs["accountId"] for r in dev.by_type("gcp:serviceaccount/account:Account")] == ["demo-dev-worker"]
    assert prod.outputs["services"]["api"]["service_account"] == "api@dev-1.iam.gserviceaccount.com"


def test_two_stacks_that_grant_one_identity_are_warned_and_strict_refuses_them(write):
    shared = write(FILE.replace(f"azure_principal_id: {PRINCIPAL_PROD}", f"azure_principal_id: {PRINCIPAL_DEV.upper()}")
                   .replace("role/api-prod", "role/API-DEV"))
    what = lambda d: d.message.split(" grant the same ")[1].split(" '")[0]  # noqa: E731
    found = {what(d): d for d in check_file(shared).diagnostics if d.code == "TOP119"}
    lines = sorted(d.line for d in check_file(shared).diagnostics if d.code == "TOP119")
    # the role by ARN and by name, in other case, is one role; the principal id ignores case too. Each is cited
    # where each stack sets it: the service's own identity (dev) and prod's environment
    assert lines == [7, 7, 7, 15, 15]
    gcp = found["GCP service account"]
    assert gcp.level == "warning" and gcp.message == (
        "stacks 'dev' and 'prod' grant the same GCP service account 'api@dev-1.iam.gserviceaccount.com' (service "
        "'api') rights on their own queues and topics: a credential of one stack can read and send the other "
        "stacks' messages")
    assert gcp.hint == "give each stack its own: environments.<stack>.services.api.identity.gcp_service_account"
    assert set(found) == {"AWS role", "Azure principal", "GCP service account"}
    assert run_cli("validate", shared)[0] == 0
    assert run_cli("validate", "--strict", shared)[0] == 1
    own = write(FILE.replace("identity: {aws_role: api-dev, azure_principal_id",
                             "identity: {aws_role: api-dev, azure_principal_id"), "own.yaml")
    found = [d for d in check_file(own).diagnostics if d.code == "TOP119"]
    assert [what(d) for d in found] == ["GCP service account"]


def test_the_file_as_written_counts_as_stack_dev_when_environments_does_not_list_it(write):
    path = write("queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs], identity: {aws_role: api}}\n"
                 "environments:\n  prod: {}\n")
    [d] = [d for d in check_file(path).diagnostics if d.code == "TOP119"]
    assert "stacks 'dev' and 'prod'" in d.message and d.line == 5
    # one stack alone shares with no one; nor does a service that is granted nothing
    assert not [d for d in check_file(write("queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs], identity: "
                                            "{aws_role: api}}\n", "one.yaml")).diagnostics if d.code == "TOP119"]
    assert not [d for d in check_file(write("queues: {jobs: {}}\nservices:\n  idle: {identity: {aws_role: x}}\n"
                                            "environments: {dev: {}, prod: {}}\n", "idle.yaml")).diagnostics
                if d.code == "TOP119"]


def test_only_the_clouds_checked_count(write):
    path = write("queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs], identity: {aws_role: api}}\n"
                 "environments: {dev: {}, prod: {}}\n")
    assert [d.code for d in check_file(path, clouds=("gcp",), asked=True).diagnostics if d.code == "TOP119"] == []
    assert [d.code for d in check_file(path, clouds=("aws",), asked=True).diagnostics if d.code == "TOP119"] == ["TOP119"]


def test_an_environment_names_only_services_of_the_file(write):
    path = write("queues: {jobs: {}}\nservices:\n  worker: {consumes: [jobs]}\nenvironments:\n  prod:\n"
                 "    services:\n      wroker: {identity: {aws_role: w}}\n      jobs: {identity: {aws_role: j}}\n")
    found = [(d.code, d.line, d.message, d.hint) for d in check_file(path).diagnostics if d.level == "error"]
    assert found == [
        ("TOP115", 9, "environment 'prod' sets service 'wroker', which is not a service of this file",
         "did you mean 'worker'?"),
        ("TOP115", 10, "environment 'prod' sets service 'jobs', which is not a service of this file",
         "declare it under 'services:' first; an environment changes settings, not structure")]
    # and nothing but an identity: who consumes what is structure
    code, out, _ = run_cli("validate", write("queues: {jobs: {}}\nservices:\n  worker: {consumes: [jobs]}\n"
                                             "environments:\n  prod:\n    services:\n      worker: {consumes: []}\n",
                                             "structure.yaml"))
    assert code == 1 and "TOP010" in out and ":9:" in out


def test_a_wildcard_identity_in_an_environment_is_refused_where_it_is_written(write):
    path = write("queues: {jobs: {}}\nservices:\n  worker: {consumes: [jobs]}\nenvironments:\n  prod:\n"
                 "    services:\n      worker: {identity: {gcp_service_account: \"*@p.iam.gserviceaccount.com\"}}\n")
    code, out, _ = run_cli("validate", path)
    assert code == 1 and ":9:" in out  # the schema: not a service account email


def _shared_role(n: int, stacks: int) -> str:
    services = "".join(f"  s{i}: {{publishes: [jobs], identity: {{aws_role: shared}}}}\n" for i in range(n))
    envs = "".join(f"  e{j}: {{}}\n" for j in range(stacks))
    return f"targets: [aws]\nqueues: {{jobs: {{}}}}\nservices:\n{services}environments:\n{envs}"


def test_managed_policies_per_role_are_counted_over_every_stack(write):
    """IAM attaches at most 10 managed policies to a role by default: 6 services x 2 stacks (e0, and dev as
    written) on one role is 12,
    and the 11th attachment would stop `pulumi up` (TOP223). Per-stack roles keep each role at 6."""
    found = [d for d in check_file(write(_shared_role(6, 1))).diagnostics if d.code == "TOP223"]
    assert [(d.level, d.line) for d in found] == [("warning", 6)]
    assert found[0].message.startswith("IAM role 'shared' would get 12 managed policies from this file (stack "
                                       "'dev': s0, s1, s2, s3, s4 and 1 more; stack 'e0': ")
    assert "at most 10 to a role by default" in found[0].message and "LimitExceeded" in found[0].message
    assert not [d for d in check_file(write(_shared_role(5, 1), "five.yaml")).diagnostics if d.code == "TOP223"]
    per_stack = _shared_role(6, 1).replace("  e0: {}\n", "  e0: {services: {" + ", ".join(
        f"s{i}: {{identity: {{aws_role: e0-role}}}}" for i in range(6)) + "}}\n")
    assert not [d for d in check_file(write(per_stack, "per-stack.yaml")).diagnostics if d.code == "TOP223"]


def test_the_docs_show_the_identity_of_each_stack(write):
    code, out, _ = run_cli("docs", write(FILE), "-o", "-")
    assert code == 0
    assert "| service api | aws\\_role | api-dev | api-dev | arn:aws:iam::123456789012:role/api-prod |" in out


def test_the_diff_of_a_stacks_new_identity_replaces_only_that_stacks_grants(write, tmp_path):
    base = write(FILE, "base.yaml")
    head = write(FILE.replace("role/api-prod", "role/api-prod-2"), "head.yaml")
    code, out, err = run_cli("diff", base, head, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["actions"] == []   # the file as written (dev) is unchanged
    [prod] = [e for e in doc["environments"] if e["stack"] == "prod"]
    assert [(a["cloud"], a["action"], a["kind"]) for a in prod["actions"]] == \
        [("aws", "replace", "IAM role policy attachment")]
