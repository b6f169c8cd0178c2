"""Property (hypothesis): for generated topologies with environments, every stack's plan validates and no two
stacks share a physical name."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.check import load_result
from generator.plan import engine
from invariants import consistent
from test_properties import RETENTION, as_text, topologies

NAME_KEYS = ("name", "queueName", "topicName", "namespaceName", "resourceGroupName", "ruleName", "accountId",
             "roleAssignmentName")
SCOPED = ("azure-native:servicebus:Subscription", "azure-native:servicebus:Rule")


@st.composite
def with_environments(draw):
    doc = draw(topologies())
    envs = {}
    for stack in draw(st.lists(st.sampled_from(["dev", "staging", "prod", "qa1"]), min_size=1, max_size=3,
                               unique=True)):
        env = {}
        if draw(st.booleans()):
            env["defaults"] = {"retention": draw(RETENTION)}
        if doc["queues"] and draw(st.booleans()):
            q = draw(st.sampled_from(sorted(doc["queues"])))
            env["queues"] = {q: {"visibility_timeout": draw(st.sampled_from(["45s", "2m"]))}}
        if draw(st.booleans()):
            env["tags"] = {"env": stack}
        envs[stack] = env
    if "prod" in envs and draw(st.booleans()):
        envs["prod"]["prefix"] = doc["name"]  # the compatibility prefix
    doc["environments"] = envs
    return doc


def names(plan) -> set:
    out = set()
    for r in plan.resources:
        if r.custom and r.type not in SCOPED:
            out |= {r.inputs[k] for k in NAME_KEYS if isinstance(r.inputs.get(k), str)}
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(with_environments())
def test_every_stack_plans_and_no_two_stacks_share_a_physical_name(tmp_path, doc):
    path = tmp_path / "gen.yaml"
    path.write_text(as_text(doc))
    result = load_result(path)        # validates the file and every environment
    stacks = sorted(set(result.stacks) | {"dev"})
    for cloud in result.topology.targets:
        seen = {}
        for stack in stacks:
            plan = engine.run(str(path), cloud, stack=stack)
            consistent(plan, result.stack(stack))
            mine = names(plan)
            for other, theirs in seen.items():
                assert not (mine & theirs), (cloud, stack, other, sorted(mine & theirs))
            seen[stack] = mine
