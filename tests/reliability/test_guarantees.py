"""The guarantees of docs/reliability.md, over the plans of every file in the repository, on every cloud."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import CASES, EXAMPLES, ROOT, run_cli
from generator.check import load_topology
from generator.plan import engine
from invariants import SECRETS, consistent, protected_by_default, secure

FILES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "aws" / "full.yaml", CASES / "azure" / "full.yaml",
         CASES / "gcp" / "full.yaml", CASES / "docs" / "tricky.yaml"]
PAIRS = [(f, c) for f in FILES for c in ("aws", "azure", "gcp") if c in load_topology(f)[0].targets]


@lru_cache(maxsize=None)
def plan_of(path, cloud):
    return engine.run(str(path), cloud)


@pytest.mark.parametrize("path,cloud", PAIRS, ids=lambda x: getattr(x, "name", x))
def test_every_plan_is_consistent_secure_and_loses_nothing(path, cloud):
    plan, topo = plan_of(path, cloud), load_topology(path)[0]
    consistent(plan, topo)
    secure(plan, topo)
    protected_by_default(plan, topo)


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
