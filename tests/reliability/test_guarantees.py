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
