"""Environments: one topology, many stacks (docs/format.md#environments)."""

from __future__ import annotations

import pytest

from conftest import HEADER, ROOT, run_cli
from generator import model
from generator.check import check_document, load_result
from generator.clouds.aws import spec as aws_spec
from generator.clouds.azure import spec as azure_spec
from generator.clouds.gcp import spec as gcp_spec
from generator.clouds.gcp.spec import fit_account_id
from generator.loader import load_bytes
from generator.plan import engine

PRECEDENCE = HEADER + """\
defaults: {retention: 2d, visibility_timeout: 40s, delay: 5s}
queues:
  jobs: {visibility_timeout: 50s}
topics:
  events: {max_receive_count: 7}
services:
  api: {publishes: [jobs, events]}
  worker:
    consumes:
      jobs: {}
      events: {visibility_timeout: 90s}
environments:
  prod:
    defaults: {retention: 3d, delay: 6s, max_receive_count: 8, visibility_timeout: 45s}
    queues:
      jobs: {visibility_timeout: 55s, max_receive_count: 9}
    topics:
      events: {visibility_timeout: 70s, max_receive_count: 11, retention: 12d}
    tags: {env: prod}
    clouds: {azure: {sku: Premium}}
"""


def stacks_of(text: str, stack="dev"):
    r = check_document(load_bytes(text, "t.yaml"), stack=stack)
    assert r.ok, r.diagnostics
    return r


def test_precedence_setting_by_setting():
    r = stacks_of(PRECEDENCE)
    base, prod = r.base, r.stacks["prod"]
    jobs, sub = prod.queues["jobs"].settings, prod.consumers["events"][0].settings
    # queue: environment's channel entry (55s) over the channel (50s) over defaults
    assert jobs.visibility_timeout == 55
    # environment defaults (3d) over top-level defaults (2d); the channel sets none
    assert jobs.retention == 3 * 86400
    assert jobs.delay == 6
    # environment's channel entry (9) over environment defaults (8)
    assert jobs.dead_letter.max_receive_count == 9
    # topic subscription: the consumer (90s) over the environment's topic entry (70s)
    assert sub.visibility_timeout == 90
    # environment's topic entry (11) over the topic (7) over environment defaults (8)
    assert sub.dead_letter.max_receive_count == 11
    assert sub.retention == 12 * 86400
    # the file as written: channel, then top-level defaults, then built-ins
    bjobs, bsub = base.queues["jobs"].settings, base.consumers["events"][0].settings
    assert (bjobs.visibility_timeout, bjobs.retention, bjobs.delay, bjobs.dead_letter.max_receive_count) == \
        (50, 2 * 86400, 5, 5)
    assert (bsub.visibility_timeout, bsub.retention, bsub.dead_letter.max_receive_count) == (90, 2 * 86400, 7)
    # tags merge, clouds override key by key, the prefix follows the stack
    assert dict(prod.tags) == {"env": "prod"} and prod.clouds.azure_sku == "Premium"
    assert base.clouds.azure_sku == "Standard"
    assert (prod.prefix, prod.stack, prod.environment) == ("demo-prod", "prod", "prod")
    assert (base.prefix, base.stack, base.environment) == ("demo-dev", "dev", None)
    # every setting remembers where it came from, for file:line:col
    assert jobs.origins["visibility_timeout"] == ("environments", "prod", "queues", "jobs", "visibility_timeout")
    assert jobs.origins["retention"] == ("environments", "prod", "defaults", "retention")


def test_an_unlisted_stack_deploys_the_file_as_written():
    r = stacks_of(PRECEDENCE, stack="staging")
    t = r.topology
    assert (t.prefix, t.environment) == ("demo-staging", None)
    assert t.queues["jobs"].settings.visibility_timeout == 50


def diags(text: str):
    return check_document(load_bytes(text, "t.yaml")).diagnostics


def test_a_setting_that_fits_the_file_but_not_prod_is_reported_in_prod_at_its_line():
    text = HEADER + "targets: [aws]\nqueues:\n  jobs: {}\nenvironments:\n  prod:\n    queues:\n      jobs: {retention: 30d}\n"
    [d] = [d for d in diags(text) if d.level == "error"]
    assert (d.code, d.line, d.col) == ("TOP201", 9, 25)
    assert d.message.startswith("in environment 'prod': queue 'jobs': retention is 30d")


def test_unknown_channels_and_keys_in_an_environment():
    text = HEADER + "queues:\n  jobs: {}\ntopics:\n  events: {}\nenvironments:\n  prod:\n    queues:\n" \
                    "      jbos: {retention: 1d}\n      events: {retention: 1d}\n"
    found = {(d.code, d.line, d.col, d.hint) for d in diags(text)}
    assert ("TOP115", 10, 7, "did you mean 'jobs'?") in found
    assert ("TOP115", 11, 7, "move it under environments.prod.topics") in found
    found = {(d.code, d.line, d.col, d.hint) for d in diags(text + "    defautls: {}\n    queues2: {}\n")}
    assert ("TOP010", 12, 5, "did you mean 'defaults'?") in found
    assert ("TOP010", 13, 5, "did you mean 'queues'?") in found


def test_prefixes_must_differ_and_be_valid_names():
    text = HEADER + "environments:\n  a: {prefix: shared}\n  b: {prefix: shared}\n  Prod_1: {}\n  c: {prefix: demo-dev}\n"
    found = {(d.code, d.line) for d in diags(text)}
    assert ("TOP116", 5) in found          # b has a's prefix
    assert ("TOP116", 6) in found          # Prod_1 -> demo-Prod_1 is not a name
    assert ("TOP116", 7) in found          # c takes the prefix of the unlisted stack dev


def test_an_environment_may_not_add_or_remove_dead_letter_channels():
    text = HEADER + "queues:\n  jobs: {}\nenvironments:\n  dev:\n    defaults: {dead_letter: false}\n"
    [d] = [d for d in diags(text) if d.code == "TOP117"]
    assert d.line == 7 and "turns dead-lettering off for queue 'jobs'" in d.message


def test_two_stacks_that_derive_one_name_are_an_error():
    text = HEADER + "targets: [aws]\nqueues:\n  jobs: {}\n  dev-jobs: {}\nenvironments:\n  prod: {prefix: demo}\n"
    [d] = [d for d in diags(text) if d.code == "TOP208"]
    assert "'demo-dev-jobs' is a name of both stack 'dev' and stack 'prod'" in d.message


def test_a_stack_name_that_is_not_a_prefix_stops_plan_with_a_hint(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text(HEADER + "queues: {jobs: {}}\n")
    code, _, err = run_cli("plan", p, "--cloud", "aws", "--stack", "Prod_1")
    assert code == 1 and "stack 'Prod_1' gives the physical-name prefix 'demo-Prod_1'" in err
    code, _, err = run_cli("plan", p, "--cloud", "aws", "--stack", "a/b")
    assert code == 2 and "--stack 'a/b'" in err


# -- names ---------------------------------------------------------------------------------------------------------

def test_gcp_account_ids_are_shortened_stably_and_uniquely():
    # expected values written out: sha256("ai-platform-prod-quality-dashboard")[:6] == "dc4b9a"
    assert fit_account_id("ai-platform-prod-quality-dashboard") == "ai-platform-prod-qualit-dc4b9a"
    assert fit_account_id("ai-platform-prod-quality-dashboards") == "ai-platform-prod-qualit-32ae76"
    assert fit_account_id("ab-io") == "ab-io-7b55a2"
    assert fit_account_id("ai-platform-dev-embedder") == "ai-platform-dev-embedder"   # fits: unchanged
    # a cut that ends in '-' drops it (ids end in a letter or digit)
    assert fit_account_id("abcdefghijklmnopqrstuv-xyzxyzxyz") == \
        "abcdefghijklmnopqrstuv-" .rstrip("-") + "-" + __import__("hashlib").sha256(
            b"abcdefghijklmnopqrstuv-xyzxyzxyz").hexdigest()[:6]
    ids = {fit_account_id(f"ai-platform-prod-service-number-{i}") for i in range(2000)}
    assert len(ids) == 2000 and all(6 <= len(i) <= 30 for i in ids)


def test_long_service_names_deploy_on_gcp_without_an_identity(write):
    path = write("targets: [gcp]\nqueues: {jobs: {}}\nservices:\n  quality-dashboard-and-alerting: "
                 "{consumes: [jobs]}\n")
    plan = engine.run(str(path), "gcp", stack="production")
    [account] = plan.by_type("gcp:serviceaccount/account:Account")
    assert account.inputs["accountId"] == fit_account_id("demo-production-quality-dashboard-and-alerting")
    assert len(account.inputs["accountId"]) == 30
    code, out, _ = run_cli("docs", path, "-o", "-", "--stack", "production")
    assert f"`demo-production-quality-dashboard-and-alerting` | `{account.inputs['accountId']}` |" in out


NAME_KEYS = ("name", "queueName", "topicName", "namespaceName", "resourceGroupName", "ruleName", "accountId",
             "roleAssignmentName")
SCOPED = ("azure-native:servicebus:Subscription", "azure-native:servicebus:Rule")


def physical_names(plan) -> set:
    out = set()
    for r in plan.resources:
        if not r.custom or r.type in SCOPED:
            continue
        out |= {(k, r.inputs[k]) for k in NAME_KEYS if isinstance(r.inputs.get(k), str)}
    return out


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_two_stacks_side_by_side_have_disjoint_names_that_start_with_their_prefix(cloud):
    path = str(ROOT / "topology.yaml")
    dev, prod, staging = (engine.run(path, cloud, stack=s) for s in ("dev", "prod", "staging"))
    names = {p.stack: physical_names(p) for p in (dev, prod, staging)}
    assert names["dev"] and not (names["dev"] & names["prod"]) and not (names["dev"] & names["staging"])
    assert not (names["prod"] & names["staging"])
    for stack, prefix in (("dev", "ai-platform-dev"), ("prod", "ai-platform"), ("staging", "ai-platform-staging")):
        for key, value in names[stack]:
            if key != "roleAssignmentName":
                assert value.startswith(prefix + "-") or value == prefix, (stack, key, value)
    plans = {"dev": dev, "prod": prod}
    for stack, plan in plans.items():
        assert plan.outputs["stack"] == stack
    assert prod.outputs["prefix"] == "ai-platform"


def test_the_compatibility_prefix_keeps_the_names_of_before():
    """prod has prefix: ai-platform (its name): the exact names topowire gave before environments."""
    path = str(ROOT / "topology.yaml")
    aws = engine.run(path, "aws", stack="prod")
    assert aws.outputs["queues"]["inference-requests"]["name"] == "ai-platform-inference-requests"
    assert {r.inputs["name"] for r in aws.by_type("aws:iam/policy:Policy")} >= {"ai-platform-gpu-worker"}
    azure = engine.run(path, "azure", stack="prod")
    [ns] = azure.by_type("azure-native:servicebus:Namespace")
    [rg] = azure.by_type("azure-native:resources:ResourceGroup")
    assert (ns.inputs["namespaceName"], rg.inputs["resourceGroupName"]) == ("ai-platform-prod", "ai-platform-prod")
    assert "ai-platform-inference-requests" in {r.inputs["queueName"] for r in
                                                azure.by_type("azure-native:servicebus:Queue")}
    gcp = engine.run(path, "gcp", stack="prod")
    assert "ai-platform-inference-requests" in {r.inputs["name"] for r in
                                                gcp.by_type("gcp:pubsub/subscription:Subscription")}
    assert "ai-platform-embedder" in {r.inputs["accountId"] for r in
                                      gcp.by_type("gcp:serviceaccount/account:Account")}


def test_overrides_reach_the_plan_inputs_on_every_cloud():
    path = str(ROOT / "topology.yaml")
    # prod: inference-requests retention 4d, max_receive_count 5; defaults retention 14d; alarm topic set
    aws = engine.run(path, "aws", stack="prod")
    q = aws.one("aws:sqs/queue:Queue", "inference-requests-queue").inputs
    assert q["messageRetentionSeconds"] == 4 * 86400 and '"maxReceiveCount":5' in q["redrivePolicy"].replace(" ", "")
    assert aws.one("aws:sqs/queue:Queue", "batch-scoring-queue").inputs["messageRetentionSeconds"] == 14 * 86400
    alarm = aws.one("aws:cloudwatch/metricAlarm:MetricAlarm", "inference-requests-dlq-alarm").inputs
    assert alarm["alarmActions"] == ["arn:aws:sns:eu-west-1:123456789012:ai-platform-oncall"]
    assert q["tags"]["env"] == "prod"
    # dev: retention 1d from its defaults (batch-scoring), nothing protected
    dev = engine.run(path, "aws", stack="dev")
    assert dev.one("aws:sqs/queue:Queue", "batch-scoring-queue").inputs["messageRetentionSeconds"] == 86400
    assert not any(r.protect for r in dev.resources)
    azure = engine.run(path, "azure", stack="prod")
    [aq] = [r.inputs for r in azure.by_type("azure-native:servicebus:Queue")
            if r.inputs["queueName"] == "ai-platform-inference-requests"]
    assert (aq["defaultMessageTimeToLive"], aq["maxDeliveryCount"]) == ("P4D", 5)
    gcp = engine.run(path, "gcp", stack="prod")
    [gs] = [r.inputs for r in gcp.by_type("gcp:pubsub/subscription:Subscription")
            if r.inputs["name"] == "ai-platform-inference-requests"]
    assert gs["messageRetentionDuration"] == f"{4 * 86400}s" and gs["deadLetterPolicy"]["maxDeliveryAttempts"] == 5
    assert gs["labels"]["env"] == "prod"


# -- docs and diff ---------------------------------------------------------------------------------------------------

def test_docs_escape_environment_values(write):
    path = write("queues: {jobs: {}}\nenvironments:\n  prod: {tags: {team: \"a|b\"}}\n")
    code, out, _ = run_cli("docs", path, "-o", "-")
    assert code == 0 and "| tags | team | — | a\\|b |" in out


def test_diff_reports_per_environment(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    a.write_text(base)
    b.write_text(base.replace("inference-requests: {retention: 4d, max_receive_count: 5}",
                              "inference-requests: {retention: 7d, max_receive_count: 5}"))
    import json

    code, out, _ = run_cli("diff", a, b, "--format", "json")
    envs = {e["stack"]: e for e in json.loads(out)["environments"]}
    assert code == 0 and set(envs) == {"dev", "prod"}
    assert envs["dev"]["actions"] == [] and envs["dev"]["changes"] == []
    assert {(x["cloud"], x["name"]) for x in envs["prod"]["actions"]} == {
        ("aws", "ai-platform-inference-requests"), ("azure", "ai-platform-inference-requests"),
        ("gcp", "ai-platform-inference-requests"),
        # the queue offloads large payloads: its lifecycle rule (retention + dead-letter retention) follows
        ("aws", "s3://ai-platform-payloads/inference-requests/"),
        ("gcp", "gs://ai-platform-payloads/inference-requests/"),
        ("azure", "aiplatformplffc2fda7/inference-requests-payloads/inference-requests/")}
    # a change to the file itself reaches every stack whose environment does not override it
    c.write_text(base.replace("    retention: 1d\n    dead_letter: {max_receive_count: 3, retention: 14d}",
                              "    retention: 2d\n    dead_letter: {max_receive_count: 3, retention: 14d}"))
    code, out, _ = run_cli("diff", a, c, "--format", "json")
    envs = {e["stack"]: e for e in json.loads(out)["environments"]}
    assert ("aws", "ai-platform-dev-inference-requests") in {(x["cloud"], x["name"]) for x in envs["dev"]["actions"]}
    assert envs["prod"]["actions"] == []      # prod sets retention: 4d for that queue itself


def test_a_prefix_change_is_destructive_in_that_stack_only_and_fails_the_check(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(base)
    b.write_text(base.replace("    prefix: ai-platform  ", "    prefix: ai-platform-prod  "))
    code, out, err = run_cli("diff", a, b, "--fail-on-destructive")
    assert code == 1 and "destructive change(s)" in err
    assert "  !! [prod] AWS   replace SQS queue ai-platform-prod-inference-requests (queue 'inference-requests'): " \
           "cannot change in place: name ai-platform-inference-requests -> ai-platform-prod-inference-requests; " \
           "the old one and its messages are deleted" in out
    assert "[dev]" not in out and "  dev: no changes" in out
    code, out, _ = run_cli("diff", a, b, "--format", "markdown")
    assert "> - stack prod, **AWS** replace SQS queue `ai-platform-prod-inference-requests`" in out


def test_the_number_of_environments_is_bounded():
    """Each environment is a full validation pass: a hostile file cannot ask for thousands."""
    text = HEADER + "queues: {jobs: {}}\nenvironments:\n" + "".join(f"  s{i}: {{}}\n" for i in range(5000))
    [d] = diags(text)
    assert (d.code, d.line) == ("TOP010", 5)
    assert d.message == "environments has 5000 entries; it may have at most 50" and "at most 50 environments" in d.hint
    assert [d.code for d in diags(HEADER + "queues: {jobs: {}}\nenvironments:\n" +
                                  "".join(f"  s{i}: {{}}\n" for i in range(50)))] == ["TOP226", "TOP222", "TOP109", "TOP109"]  # once, not
    # once per environment


def test_precedence_of_protect_encryption_and_processing_time():
    text = HEADER + """\
defaults: {encryption: managed}
queues:
  jobs: {protect: true}
  other: {}
topics:
  events: {}
services:
  api: {publishes: [jobs, other, events]}
  worker: {consumes: [jobs, other, events]}
environments:
  prod:
    defaults: {protect: false, encryption: none, processing_time: 20s}
    topics:
      events: {encryption: {kms_key: alias/prod-events}}
"""
    prod = stacks_of(text).stacks["prod"]
    assert prod.queues["jobs"].settings.protect is True            # the channel over the environment's defaults
    assert prod.queues["other"].settings.protect is False          # the environment's defaults over the built-in
    assert prod.queues["other"].settings.encryption.mode == "none"  # ... and over the top-level defaults
    assert (prod.topics["events"].encryption.mode, prod.topics["events"].encryption.kms_key) == \
        ("kms", "alias/prod-events")                               # the environment's topic entry
    [c] = [c for c in prod.consumers["events"]]
    assert c.processing_time == 20 and c.options["processing_time"] == ("environments", "prod", "defaults",
                                                                        "processing_time")
    base = stacks_of(text).base
    assert (base.queues["other"].settings.protect, base.queues["other"].settings.encryption.mode) == (True, "managed")
    assert base.consumers["events"][0].processing_time is None
