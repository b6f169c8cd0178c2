"""The guarantees of docs/reliability.md, over the plans of every file in the repository, on every cloud."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CASES, EXAMPLES, ROOT, run_cli
from generator.check import load_topology
from generator.plan import engine
from invariants import SECRETS, consistent, granted_and_notified, protected_by_default, secure

FILES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "aws" / "full.yaml", CASES / "azure" / "full.yaml",
         CASES / "gcp" / "full.yaml", CASES / "docs" / "tricky.yaml"]
PAIRS = [(f, c) for f in FILES for c in ("aws", "azure", "gcp") if c in load_topology(f)[0].targets]
# Every stack of every file: dev (the file as written unless environments lists it) and each environment
STACKS = [(f, c, stack) for f, c in PAIRS for stack in sorted({"dev", *load_topology(f)[0].environments})]


@lru_cache(maxsize=None)
def plan_of(path, cloud, stack="dev"):
    return engine.run(str(path), cloud, stack=stack)


@pytest.mark.parametrize("path,cloud,stack", STACKS, ids=lambda x: getattr(x, "name", x))
def test_every_plan_of_every_stack_is_consistent_secure_and_loses_nothing(path, cloud, stack):
    plan, topo = plan_of(path, cloud, stack), load_topology(path, stack=stack)[0]
    consistent(plan, topo)
    secure(plan, topo)
    protected_by_default(plan, topo)
    granted_and_notified(plan, topo)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_secret_in_the_docs(path):
    code, out, _ = run_cli("docs", path, "-o", "-")
    assert code == 0 and not SECRETS.search(out)


def test_the_invariants_catch_a_broken_plan():
    plan, topo = plan_of(ROOT / "topology.yaml", "gcp"), load_topology(ROOT / "topology.yaml")[0]
    broken = type(plan)(plan.cloud, plan.file, [r for r in plan.resources if not r.name.endswith("dlq-subscription")],
                        plan.outputs)
    with pytest.raises(AssertionError, match="Pub/Sub would drop its messages"):
        consistent(broken, topo)
    aws = plan_of(ROOT / "topology.yaml", "aws")
    import copy
    import json

    bad = copy.deepcopy(aws)
    policy = next(r for r in bad.resources if r.type == "aws:iam/policy:Policy")
    doc = json.loads(policy.inputs["policy"])
    doc["Statement"][0]["Action"] = ["sqs:*"]
    policy.inputs["policy"] = json.dumps(doc)
    with pytest.raises(AssertionError):
        secure(bad, topo)


OPT_OUT = """version: 1
name: shop
queues:
  orders: {}
  scratch: {dead_letter: false, encryption: none, protect: false}
topics:
  audit: {}
services:
  checkout: {publishes: [orders, scratch, audit]}
  ledger: {consumes: [orders, scratch, audit]}
"""


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_one_opt_out_does_not_switch_the_invariants_off_for_the_others(cloud, tmp_path):
    """Queue 'scratch' has encryption: none and protect: false; every other store keeps its own settings:
    unprotecting or unencrypting one of them must still be caught."""
    import copy

    path = tmp_path / "t.yaml"
    path.write_text(OPT_OUT)
    topo = load_topology(path)[0]
    plan = engine.run(str(path), cloud)
    protected_by_default(plan, topo)
    holding = ("aws:sqs/queue:Queue", "azure-native:servicebus:Queue", "gcp:pubsub/subscription:Subscription")
    stores = [r for r in plan.resources if r.type in holding]
    scratch = [r for r in stores if "scratch" in r.name]
    others = [r for r in stores if "scratch" not in r.name]
    assert scratch and others and all(not r.protect for r in scratch) and all(r.protect for r in others)
    bad = copy.deepcopy(plan)
    next(r for r in bad.resources if r.type in holding and "scratch" not in r.name).protect = False
    with pytest.raises(AssertionError, match="its entity says protect: True"):
        protected_by_default(bad, topo)
    bad = copy.deepcopy(plan)
    next(r for r in bad.resources if r.type in holding and "scratch" in r.name).protect = True
    with pytest.raises(AssertionError, match="its entity says protect: False"):
        protected_by_default(bad, topo)
    if cloud == "aws":
        assert [r.inputs.get("sqsManagedSseEnabled") for r in scratch] == [False]
        bad = copy.deepcopy(plan)
        victim = next(r for r in bad.resources if r.type == "aws:sqs/queue:Queue" and "scratch" not in r.name)
        victim.inputs.pop("sqsManagedSseEnabled", None)
        victim.inputs.pop("kmsMasterKeyId", None)
        with pytest.raises(AssertionError, match="is not"):
            secure(bad, topo)
        bad = copy.deepcopy(plan)
        next(r for r in bad.resources if r.type == "aws:sns/topic:Topic").inputs.pop("kmsMasterKeyId")
        with pytest.raises(AssertionError, match="is not encrypted"):
            secure(bad, topo)


def test_the_grant_and_target_invariant_catches_a_broken_plan():
    """granted_and_notified fails on each way issue 29 found a plan wrong."""
    import copy
    import json

    from generator.clouds.aws import spec as aws_spec

    path = ROOT / "topology.yaml"
    prod = load_topology(path, stack="prod")[0]
    plan = plan_of(path, "aws", "prod")
    granted_and_notified(plan, prod)

    bad = copy.deepcopy(plan)   # a consumer given <CH>_DLQ_URL without the right to read it
    policy = next(r for r in bad.resources if r.type == "aws:iam/policy:Policy" and "ConsumeDeadLetters" in
                  r.inputs["policy"])
    doc = json.loads(policy.inputs["policy"])
    doc["Statement"] = [st for st in doc["Statement"] if st["Sid"] != "ConsumeDeadLetters"]
    policy.inputs["policy"] = json.dumps(doc)
    with pytest.raises(AssertionError, match="may not receive from it"):
        granted_and_notified(bad, prod)

    bad = copy.deepcopy(plan)   # prod's alarms sent nowhere (or to the file's top-level 'none')
    next(r for r in bad.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm").inputs.pop("alarmActions")
    with pytest.raises(AssertionError, match="notifies the wrong target"):
        granted_and_notified(bad, prod)

    bad = copy.deepcopy(plan)   # prod's policy attached to dev's role
    attachment = next(r for r in bad.resources if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    attachment.inputs["role"] = "gpu-worker-task-dev"
    with pytest.raises(AssertionError, match="the stack's role is gpu-worker-task"):
        granted_and_notified(bad, prod)

    bad = copy.deepcopy(plan)   # a subscription queue with SNS's own managed key
    fed = next(r for r in bad.resources if r.type == "aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"]
    queue = next(r for r in bad.resources if r.type == "aws:sqs/queue:Queue" and r.outputs["arn"] == fed)
    queue.inputs["kmsMasterKeyId"] = "alias/aws/sqs"
    assert aws_spec.aws_managed_key("alias/aws/sqs") == "sqs"
    with pytest.raises(AssertionError, match="AWS managed key"):
        granted_and_notified(bad, prod)

    gcp = plan_of(path, "gcp", "dev")
    dev = load_topology(path, stack="dev")[0]
    granted_and_notified(gcp, dev)
    bad = copy.deepcopy(gcp)    # the consumer's grant on its dead-letter subscription missing
    bad.resources = [r for r in bad.resources if not (r.type.endswith("SubscriptionIAMMember") and
                                                      "dead-letter-subscriber" in r.name)]
    with pytest.raises(AssertionError, match="may not read"):
        granted_and_notified(bad, dev)

    azure = plan_of(path, "azure", "prod")
    granted_and_notified(azure, prod)
    bad = copy.deepcopy(azure)  # the dev principal granted in prod
    next(r for r in bad.resources if r.type == "azure-native:authorization:RoleAssignment").inputs["principalId"] = \
        "6b2e9d41-7a3c-4f1e-8d20-5c9a1b7e3f64"
    with pytest.raises(AssertionError):
        granted_and_notified(bad, prod)


def test_the_payload_invariants_catch_a_widened_grant_or_an_open_bucket():
    """secure() fails when a payload grant reaches past its channel's prefix, or a bucket could be public."""
    import copy
    import json

    path = ROOT / "topology.yaml"
    topo = load_topology(path, stack="prod")[0]
    plan = plan_of(path, "aws", "prod")
    secure(plan, topo)

    bad = copy.deepcopy(plan)  # PutObject on the whole bucket instead of inference-requests/*
    policy = next(r for r in bad.resources if r.type == "aws:iam/policy:Policy" and "s3:PutObject" in r.inputs["policy"])
    doc = json.loads(policy.inputs["policy"])
    for st in doc["Statement"]:
        if "s3:PutObject" in st["Action"]:
            st["Resource"] = [res.split("/", 1)[0] + "/*" for res in st["Resource"]]
    policy.inputs["policy"] = json.dumps(doc)
    with pytest.raises(AssertionError):
        secure(bad, topo)

    bad = copy.deepcopy(plan)  # one public-access block turned off
    block = next(r for r in bad.resources if r.type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    block.inputs["restrictPublicBuckets"] = False
    with pytest.raises(AssertionError):
        secure(bad, topo)
