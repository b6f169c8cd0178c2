"""Adopted names (adopt.aws, accounts.aws): every backend uses them through the spec; TOP214, TOP202, TOP112."""

from __future__ import annotations

import json
import textwrap

from generator import model
from generator.check import check_document
from generator.clouds.aws import spec
from generator.loader import load_bytes

BASE = """\
version: 1
name: shop
targets: [aws]
accounts: {aws: {account: "123456789012", region: eu-west-1}}
"""


def doc(text: str):
    return load_bytes(BASE + textwrap.dedent(text), "topology.yaml")


def codes(text: str, stack="dev"):
    return sorted((d.code, d.message) for d in check_document(doc(text), stack=stack).diagnostics
                  if d.level == "error")


QUEUE = """\
queues:
  jobs:
    adopt: {aws: {name: legacy-jobs, dead_letter: legacy-jobs-dead}}
environments:
  prod:
    queues:
      jobs: {adopt: {aws: {name: prod-jobs-v1}}}
services:
  api: {publishes: [jobs]}
  worker: {consumes: [jobs]}
"""


def test_adopted_names_are_used_and_the_environment_overrides_the_channel():
    dev = model.build(doc(QUEUE), "dev")
    prod = model.build(doc(QUEUE), "prod")
    q = dev.queues["jobs"]
    assert spec.queue_name(dev, q) == "legacy-jobs" and spec.queue_dlq_name(dev, q) == "legacy-jobs-dead"
    assert spec.queue_name(prod, prod.queues["jobs"]) == "prod-jobs-v1"
    assert spec.queue_dlq_name(prod, prod.queues["jobs"]) == "legacy-jobs-dead"  # key by key over the channel's
    assert spec.queue_import_ids(dev, q) == ("https://sqs.eu-west-1.amazonaws.com/123456789012/legacy-jobs",
                                             "https://sqs.eu-west-1.amazonaws.com/123456789012/legacy-jobs-dead")
    env = spec.environment(dev)["worker"]
    assert env["JOBS_QUEUE_URL"].endswith("/legacy-jobs") and env["JOBS_DLQ_URL"].endswith("/legacy-jobs-dead")
    names = {i.name for i in spec.inventory(dev)}
    assert {"legacy-jobs", "legacy-jobs-dead"} <= names
    # without adopt, derived names are still the default
    plain = model.build(load_bytes(BASE + "queues: {jobs: {}}\n", "t.yaml"), "dev")
    assert spec.queue_name(plain, plain.queues["jobs"]) == "shop-dev-jobs"
    assert spec.queue_import_ids(plain, plain.queues["jobs"]) == (None, None)


def test_asyncapi_uses_the_adopted_names():
    from generator.asyncapi.clouds import Aws as AWS

    topo = model.build(doc(QUEUE), "dev")
    ch = AWS.queue(topo, topo.queues["jobs"])
    assert ch.address == "legacy-jobs"
    assert ch.bindings["sqs"]["deadLetterQueue"]["name"] == "legacy-jobs-dead"


def test_an_adopted_name_is_checked_against_sqs_naming_rules_and_collisions():
    bad = codes("""\
        queues:
          jobs: {adopt: {aws: {name: "%s"}}}
        services: {api: {publishes: [jobs]}, worker: {consumes: [jobs]}}
        """ % ("x" * 81))
    assert {c for c, _ in bad} == {"TOP202"} and any("'" + "x" * 81 + "' has 81" in m for _, m in bad)
    clash = codes("""\
        queues:
          jobs: {adopt: {aws: {name: shop-dev-audit}}}
          audit: {}
        services: {api: {publishes: [jobs, audit]}, worker: {consumes: [jobs, audit]}}
        """)
    assert "TOP112" in [c for c, _ in clash]


def test_TOP214_fifo_dead_letter_subscriptions_and_location():
    assert [c for c, _ in codes("""\
        queues: {jobs: {fifo: true, adopt: {aws: {name: legacy-jobs}}}}
        services: {api: {publishes: [jobs]}, worker: {consumes: [jobs]}}
        """)] == ["TOP214"]
    found = codes("""\
        queues: {jobs: {dead_letter: false, adopt: {aws: {name: a, dead_letter: b}}}}
        topics:
          orders:
            adopt:
              aws:
                name: legacy-orders
                subscriptions:
                  nobody: {queue: x}
                  worker: {queue: y, arn: "arn:aws:sns:eu-west-1:123456789012:other-topic:0f4e8d8e-1111-2222-3333-444455556666"}
        services: {api: {publishes: [jobs, orders]}, worker: {consumes: [jobs, orders]}}
        """)
    messages = " | ".join(m for _, m in found)
    assert "has dead_letter: false" in messages
    assert "service 'nobody', which does not consume it" in messages
    assert "is not a subscription of topic 'legacy-orders'" in messages
    no_location = load_bytes("version: 1\nname: shop\ntargets: [aws]\nqueues: {jobs: {adopt: {aws: {name: a}}}}\n"
                             "services: {api: {publishes: [jobs]}, worker: {consumes: [jobs]}}\n", "t.yaml")
    assert any("need accounts.aws" in d.message for d in check_document(no_location).diagnostics)


def test_two_stacks_adopting_one_name_collide_TOP208():
    found = codes("""\
        queues: {jobs: {adopt: {aws: {name: shared-jobs}}}}
        environments: {prod: {}}
        services: {api: {publishes: [jobs]}, worker: {consumes: [jobs]}}
        """)
    assert "TOP208" in [c for c, _ in found]


PLAN = """\
queues:
  jobs:
    adopt: {aws: {name: legacy-jobs, dead_letter: legacy-jobs-dlq}}
topics:
  orders:
    adopt:
      aws:
        name: legacy-orders
        subscriptions:
          billing: {queue: billing-orders, arn: "arn:aws:sns:eu-west-1:123456789012:legacy-orders:0f4e8d8e-1111-2222-3333-444455556666"}
services:
  shop: {publishes: [jobs, orders]}
  worker: {consumes: [jobs]}
  billing: {consumes: [orders]}
"""


def test_plan_shows_import_ids_in_text_and_json_and_lists_the_first_up(tmp_path, capsys):
    from generator.cli import main

    path = tmp_path / "topology.yaml"
    path.write_text(BASE + PLAN)
    assert main(["plan", str(path), "--cloud", "aws", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    imports = {r["name"]: r["import"] for r in plan["resources"] if "import" in r}
    base = "https://sqs.eu-west-1.amazonaws.com/123456789012/"
    assert imports == {"jobs-queue": base + "legacy-jobs", "jobs-dlq": base + "legacy-jobs-dlq",
                       "orders-topic": "arn:aws:sns:eu-west-1:123456789012:legacy-orders",
                       "orders-billing-queue": base + "billing-orders",
                       "orders-billing-subscription":
                           "arn:aws:sns:eu-west-1:123456789012:legacy-orders:0f4e8d8e-1111-2222-3333-444455556666"}
    first = {c["resource"]: c for c in plan["firstUp"]}
    assert first["orders-billing-dlq"]["action"] == "create" and first["orders-billing-dlq"]["harmless"]
    assert first["jobs-policy"]["harmless"] is False and first["jobs-dlq-alarm"]["harmless"] is True
    assert all(first[n]["action"] == "import" for n in imports)
    assert main(["plan", str(path), "--cloud", "aws"]) == 0
    text = capsys.readouterr().out
    assert f"[import {base}legacy-jobs]" in text and "First `pulumi up`: 5 resources adopted" in text
    assert "jobs-policy (aws:sqs/queuePolicy:QueuePolicy) [REVIEW]" in text


def test_a_plan_that_adopts_nothing_is_unchanged(tmp_path, capsys):
    from generator.cli import main

    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: shop\nqueues: {jobs: {}}\nservices: {a1: {publishes: [jobs]}, b1: {consumes: [jobs]}}\n")
    assert main(["plan", str(path), "--cloud", "aws", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert "firstUp" not in plan and not any("import" in r for r in plan["resources"])
