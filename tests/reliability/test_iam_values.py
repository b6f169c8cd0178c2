"""Issue #17 item 8: values cannot widen IAM: no wildcards in identifiers, no other account's role."""

from __future__ import annotations

import json

import pytest

from conftest import HEADER, run_cli

from generator.plan import engine

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"


def findings(path, code="TOP209"):
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    diags = json.loads(out)["files"][0]["diagnostics"]
    return rc, [(d["code"], d["line"], d["col"]) for d in diags if d["code"] == code], diags


def write(tmp_path, body):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "targets: [aws]\n" + body)
    return path


WILDCARD_KEYS = ["arn:aws:kms:*:*:*", "arn:aws:kms:us-east-1:123456789012:key/*", "arn:aws:kms:*:123456789012:key/*",
                 "*", "alias/*", "alias/prod-?", "arn:aws:kms:us-east-1:123456789012:alias/*",
                 "1111aaaa-2222-3333-4444-55556666777?"]


@pytest.mark.parametrize("key", WILDCARD_KEYS)
@pytest.mark.parametrize("where", ["queue", "defaults", "topic"])
def test_wildcard_kms_keys_are_errors_where_they_are_written(tmp_path, key, where):
    enc = f'{{kms_key: "{key}"}}'
    body = {
        "queue": f"queues:\n  jobs: {{encryption: {enc}}}\nservices:\n  worker: {{consumes: [jobs]}}\n",
        "defaults": f"defaults:\n  encryption: {enc}\nqueues:\n  jobs: {{}}\nservices:\n  worker: {{consumes: [jobs]}}\n",
        "topic": f"topics:\n  news: {{encryption: {enc}}}\nservices:\n  worker: {{publishes: [news]}}\n",
    }[where]
    path = write(tmp_path, body)
    rc, found, diags = findings(path)
    line = 5
    assert rc == 1 and found and {(ln) for _c, ln, _col in found} == {line}, diags
    assert any("wildcard" in d["message"] for d in diags if d["code"] == "TOP209")


@pytest.mark.parametrize("key", ["arn:aws:kms:us-east-1:123456789012:key/not-a-key", "arn:aws:s3:::bucket",
                                 "my-key", "alias/", "alias/has space", "arn:aws:kms:us-east-1:12345:key/"
                                 "1111aaaa-2222-3333-4444-555566667777"])
def test_malformed_kms_keys_are_errors(tmp_path, key):
    path = write(tmp_path, f'queues:\n  jobs: {{encryption: {{kms_key: "{key}"}}}}\nservices:\n  worker: {{consumes: [jobs]}}\n')
    rc, found, _ = findings(path)
    assert rc == 1 and found == [("TOP209", 5, 32)]


@pytest.mark.parametrize("key", ["1111aaaa-2222-3333-4444-555566667777", "mrk-" + "a" * 32, "alias/orders",
                                 "alias/team/orders_v2", KEY_ARN,
                                 "arn:aws:kms:eu-west-1:123456789012:alias/orders",
                                 "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-" + "b" * 32])
def test_every_documented_key_form_is_accepted_and_iam_gets_a_key_arn(tmp_path, key):
    path = write(tmp_path, f'queues:\n  jobs: {{encryption: {{kms_key: "{key}"}}}}\nservices:\n  worker: {{consumes: [jobs]}}\n')
    rc, found, diags = findings(path)
    assert rc == 0 and found == [], diags
    plan = engine.run(str(path), "aws")
    [policy] = plan.by_type("aws:iam/policy:Policy")
    doc = json.loads(policy.inputs["policy"])
    kms = [r for st in doc["Statement"] if any(a.startswith("kms:") for a in st["Action"])
           for r in ([st["Resource"]] if isinstance(st["Resource"], str) else st["Resource"])]
    assert kms and all(":key/" in r and "*" not in r and "?" not in r for r in kms), kms
    if key == KEY_ARN:
        assert kms == [KEY_ARN]


@pytest.mark.parametrize("field,value", [("aws_role", "*"), ("aws_role", "arn:aws:iam::123456789012:role/*"),
                                         ("aws_role", "task-?"), ("gcp_service_account", "*@p.iam.gserviceaccount.com"),
                                         ("azure_principal_id", "*")])
def test_wildcard_identities_are_refused(tmp_path, field, value):
    path = write(tmp_path, f'queues:\n  jobs: {{}}\nservices:\n  worker: {{consumes: [jobs], identity: {{{field}: "{value}"}}}}\n')
    rc, out, err = run_cli("validate", path)
    assert rc == 1 and ("TOP010" in out or "TOP209" in out), out


def test_role_arns_of_several_accounts_are_an_error_that_says_why(tmp_path):
    path = write(tmp_path, "queues:\n  jobs: {}\nservices:\n"
                 '  aa: {publishes: [jobs], identity: {aws_role: "arn:aws:iam::111111111111:role/a"}}\n'
                 '  bb: {consumes: [jobs], identity: {aws_role: "arn:aws:iam::111111111111:role/b"}}\n'
                 '  cc: {consumes: [jobs], identity: {aws_role: "arn:aws:iam::222222222222:role/team/c"}}\n')
    rc, found, diags = findings(path)
    assert rc == 1 and found == [("TOP209", 9, 47)], diags
    [message] = [d["message"] for d in diags if d["code"] == "TOP209"]
    assert "222222222222" in message and "cross-account roles are not supported" in message and "'cc'" in message


def test_a_role_of_another_account_than_the_stacks_is_refused_at_deployment(tmp_path):
    path = write(tmp_path, 'queues:\n  jobs: {}\nservices:\n'
                 '  aa: {consumes: [jobs], identity: {aws_role: "arn:aws:iam::210987654321:role/a"}}\n')
    assert findings(path)[0] == 0  # one account: only the deployment knows it is not the stack's
    rc, out, err = run_cli("plan", path, "--cloud", "aws")
    assert rc == 1 and "Traceback" not in err
    assert "Cross-account roles are not supported" in err and "210987654321" in err and "123456789012" in err


def test_a_role_of_the_stacks_account_is_attached_by_name(tmp_path):
    path = write(tmp_path, 'queues:\n  jobs: {}\nservices:\n'
                 '  aa: {consumes: [jobs], identity: {aws_role: "arn:aws:iam::123456789012:role/ecs/a-task"}}\n')
    plan = engine.run(str(path), "aws")
    [attachment] = plan.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["role"] == "a-task"
