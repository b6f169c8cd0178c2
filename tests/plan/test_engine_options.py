"""The plan records what orders and guards each resource: explicitDependsOn, deleteBeforeReplace, replaceOnChanges."""

from __future__ import annotations

import json

from conftest import CASES, ROOT, run_cli
from generator.plan import engine


def _program():
    """A tiny program: one explicit depends_on, one input dependency, and the replacement options."""
    import pulumi
    import pulumi_aws as aws

    first = aws.sqs.Queue("first", name="first")
    policy = aws.sqs.QueuePolicy("policy", queue_url=first.url, policy="{}")
    aws.sns.Topic("topic", name="topic", opts=pulumi.ResourceOptions(depends_on=[policy, first]))
    aws.sqs.Queue("guarded", name="guarded", opts=pulumi.ResourceOptions(
        replace_on_changes=["name", "fifoQueue"], delete_before_replace=True, protect=True))


def test_explicit_dependencies_and_replacement_options(monkeypatch, tmp_path):
    from generator import program

    monkeypatch.setattr(program, "main", _program)
    plan = engine.run(str(tmp_path / "unused.yaml"), "aws")
    by_name = {r.name: r for r in plan.resources}
    urn = {n: r.urn for n, r in by_name.items()}
    assert urn["policy"] == "urn:pulumi:dev::topowire::pulumi:pulumi:Stack$aws:sqs/queuePolicy:QueuePolicy::policy"
    # explicit depends_on, sorted by URN
    assert by_name["topic"].explicit_depends_on == sorted([urn["policy"], urn["first"]])
    assert by_name["topic"].explicit_depends_on == [
        "urn:pulumi:dev::topowire::pulumi:pulumi:Stack$aws:sqs/queue:Queue::first",
        "urn:pulumi:dev::topowire::pulumi:pulumi:Stack$aws:sqs/queuePolicy:QueuePolicy::policy",
    ]
    # a dependency through an input (queue_url=first.url) is not an explicit one
    assert by_name["policy"].explicit_depends_on == [] and by_name["policy"].depends_on == [urn["first"]]
    g = by_name["guarded"].as_dict()
    assert (g["deleteBeforeReplace"], g["replaceOnChanges"], g["protect"]) == (True, ["fifoQueue", "name"], True)
    f = by_name["first"].as_dict()
    assert (f["deleteBeforeReplace"], f["replaceOnChanges"], f["explicitDependsOn"]) == (False, [], [])


def test_json_plan_carries_the_options_of_the_real_programs():
    code, out, _ = run_cli("plan", CASES / "gcp" / "full.yaml", "--cloud", "gcp", "--format", "json")
    assert code == 0
    resources = json.loads(out)["resources"]
    for r in resources:
        assert {"dependsOn", "explicitDependsOn", "deleteBeforeReplace", "replaceOnChanges", "aliases"} <= set(r)
    subs = [r for r in resources if r["type"] == "gcp:pubsub/subscription:Subscription"]
    consuming = [r for r in subs if not r["name"].endswith("-dlq-subscription")]
    assert consuming and all(r["replaceOnChanges"] == ["enableMessageOrdering", "filter"] and r["deleteBeforeReplace"]
                             for r in consuming)


def test_plans_stay_deterministic_with_the_options():
    a = json.dumps(engine.run(str(ROOT / "topology.yaml"), "gcp").as_dict(), sort_keys=True)
    b = json.dumps(engine.run(str(ROOT / "topology.yaml"), "gcp").as_dict(), sort_keys=True)
    assert a == b
