"""A consumer may read the dead letters it is told about (issue 29).

Every consumer gets ``<CH>_DLQ_URL`` (AWS) or ``<CH>_DLQ_SUBSCRIPTION`` (GCP), but its policy covered only
the main queue or subscription. It now may receive, delete and return (visibility) messages of exactly
those dead-letter queues, and pull and acknowledge on exactly those dead-letter subscriptions; a store
without a dead-letter channel exports no variable and grants nothing more. On Azure the dead-letter
sub-queue is part of its queue or subscription, covered by the receiver role on that entity, and no
variable is exported.
"""

from __future__ import annotations

import json

from generator.plan import engine

FILE = """queues:
  jobs: {}
  scratch: {dead_letter: false}
topics:
  events: {}
services:
  api: {publishes: [jobs, scratch, events]}
  worker:
    consumes:
      jobs: {}
      scratch: {}
      events: {dead_letter: false}
    identity: {azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001}
"""
SQS = "arn:aws:sqs:us-east-1:123456789012:"


def test_aws_a_consumer_reads_exactly_the_dead_letter_queues_it_is_given(write):
    plan = engine.run(str(write(FILE)), "aws")
    env = plan.outputs["services"]["worker"]["env"]
    # SNS's own dead-letter queue exists for a topic consumer even with dead_letter: false; 'scratch' has none
    assert sorted(k for k in env if k.endswith("_DLQ_URL")) == ["EVENTS_DLQ_URL", "JOBS_DLQ_URL"]
    [policy] = [r for r in plan.by_type("aws:iam/policy:Policy") if r.inputs["name"] == "demo-dev-worker"]
    statements = {st["Sid"]: st for st in json.loads(policy.inputs["policy"])["Statement"]}
    assert statements["ConsumeDeadLetters"] == {
        "Sid": "ConsumeDeadLetters", "Effect": "Allow",
        "Action": ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
        "Resource": [SQS + "demo-dev-events-worker-dlq", SQS + "demo-dev-jobs-dlq"]}
    # the publisher is given no dead-letter queue and may not touch one
    api = next(r for r in plan.by_type("aws:iam/policy:Policy") if r.inputs["name"] == "demo-dev-api")
    assert "dlq" not in api.inputs["policy"] and not [k for k in plan.outputs["services"]["api"]["env"] if "DLQ" in k]


def test_aws_the_dead_letter_queues_key_may_be_used_to_read_them(write):
    path = write(FILE.replace("  jobs: {}\n", "  jobs: {encryption: {kms_key: alias/jobs}}\n", 1))
    plan = engine.run(str(path), "aws")
    [policy] = [r for r in plan.by_type("aws:iam/policy:Policy") if r.inputs["name"] == "demo-dev-worker"]
    statements = {st["Sid"]: st for st in json.loads(policy.inputs["policy"])["Statement"]}
    dlq = next(r for r in plan.by_type("aws:sqs/queue:Queue") if r.inputs["name"] == "demo-dev-jobs-dlq")
    assert dlq.inputs["kmsMasterKeyId"] == "alias/jobs"                 # a DLQ has its queue's key
    assert statements["DecryptWithKeys"]["Action"] == ["kms:Decrypt"]   # which the consumer may decrypt with


def test_gcp_a_consumer_may_pull_from_exactly_its_dead_letter_subscriptions(write):
    plan = engine.run(str(write(FILE)), "gcp")
    out = plan.outputs["services"]["worker"]
    member = f"serviceAccount:{out['service_account']}"
    # dead_letter: false on the topic consumer and on 'scratch': no dead-letter subscription there
    assert sorted(k for k in out["env"] if k.endswith("_DLQ_SUBSCRIPTION")) == ["JOBS_DLQ_SUBSCRIPTION"]
    grants = sorted((r.name, r.inputs["subscription"], r.inputs["role"])
                    for r in plan.by_type("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")
                    if r.inputs["member"] == member)
    assert grants == [("worker-dead-letter-subscriber-jobs", "demo-dev-jobs-dlq", "roles/pubsub.subscriber"),
                      ("worker-subscriber-events", "demo-dev-events-worker", "roles/pubsub.subscriber"),
                      ("worker-subscriber-jobs", "demo-dev-jobs", "roles/pubsub.subscriber"),
                      ("worker-subscriber-scratch", "demo-dev-scratch", "roles/pubsub.subscriber")]


def test_azure_exports_no_dead_letter_variable_and_the_receiver_role_is_on_the_entity(write):
    plan = engine.run(str(write(FILE)), "azure")
    assert not [k for k in plan.outputs["services"]["worker"]["env"] if "DLQ" in k or "DEAD" in k]
    scopes = sorted(r.inputs["scope"].rsplit("/providers/Microsoft.ServiceBus/namespaces/", 1)[1].split("/", 1)[1]
                    for r in plan.by_type("azure-native:authorization:RoleAssignment")
                    if r.name.startswith("worker-"))  # api, without a principal, gets an identity and its roles
    assert scopes == ["queues/demo-dev-jobs", "queues/demo-dev-scratch",
                      "topics/demo-dev-events/subscriptions/worker"]
