"""AWS managed KMS keys where the service that must use them cannot (issue 29, TOP220).

``kms_key: alias/aws/sqs`` (or ``alias/aws/sns``) was accepted, and a topic's key is copied onto its
subscription queues, so SNS delivered to queues whose key policy can never admit it: the messages were
lost. An AWS managed key on a queue SNS delivers to, or another service's managed key, is now an error at
validation when an alias says so, and at deployment (and in plan) when KMS says so of a key id or ARN.
"""

from __future__ import annotations

import pytest

from generator.check import check_file
from generator.clouds.aws import mock as aws_mock
from generator.clouds.aws import spec as aws_spec
from generator.errors import InputError
from generator.plan import engine

SUB = "topics: {{events: {topic}}}\nservices:\n  api: {{publishes: [events]}}\n  audit: {{consumes: [events]}}\n"


def codes(write, text, name="topology.yaml"):
    return [(d.code, d.level, d.line, d.message) for d in check_file(write("targets: [aws]\n" + text, name)).diagnostics
            if d.code in ("TOP205", "TOP220")]


@pytest.mark.parametrize("key", ["alias/aws/sns", "alias/aws/sqs", "alias/aws/s3",
                                 "arn:aws:kms:eu-west-1:123456789012:alias/aws/sqs"])
def test_an_aws_managed_key_on_a_queue_sns_delivers_to_is_an_error(write, key):
    [(code, level, line, message)] = codes(write, SUB.format(topic=f'{{encryption: {{kms_key: "{key}"}}}}'))
    assert (code, level, line) == ("TOP220", "error", 4)   # the topic's encryption, which its queues inherit
    assert message == (f"KMS key '{key}' is an AWS managed key and encrypts the queues SNS delivers to (the "
                       "subscription of 'audit' to topic 'events', and its dead-letter queue): its key policy cannot "
                       "be changed to let sns.amazonaws.com use it, so SNS cannot deliver and the messages are lost")


def test_defaults_that_give_subscription_queues_sqss_managed_key_are_refused_there_only(write):
    text = "defaults: {encryption: {kms_key: alias/aws/sqs}}\nqueues: {jobs: {}}\n" + SUB.format(topic="{}")
    found = codes(write, text)
    assert [(c, line) for c, _l, line, _m in found] == [("TOP220", 4)]
    assert "the subscription of 'audit' to topic 'events'" in found[0][3]
    # a plain queue with SQS's own managed key is fine: producers and consumers reach it through SQS
    assert codes(write, "queues: {jobs: {encryption: {kms_key: alias/aws/sqs}}}\n", "plain.yaml") == []


def test_another_services_managed_key_is_refused_on_a_queue_and_on_a_topic(write):
    assert [(c, line) for c, _l, line, m in codes(write, "queues: {jobs: {encryption: {kms_key: alias/aws/sns}}}\n")] \
        == [("TOP220", 4)]
    found = codes(write, "topics: {events: {encryption: {kms_key: alias/aws/lambda}}}\n", "topic.yaml")
    assert [c for c, *_ in found] == ["TOP220"] and "the AWS managed key of lambda, which SNS cannot use" in found[0][3]


def test_sns_managed_key_on_a_topic_without_consumers_and_managed_encryption_pass(write):
    assert codes(write, "topics: {events: {encryption: {kms_key: alias/aws/sns}}}\n") == []
    assert codes(write, SUB.format(topic="{encryption: managed}"), "managed.yaml") == []


def test_a_customer_key_on_a_subscription_queue_keeps_its_warning_and_a_managed_one_does_not(write):
    assert [c for c, *_ in codes(write, SUB.format(topic="{encryption: {kms_key: alias/mine}}"))] == ["TOP205"]
    assert [c for c, *_ in codes(write, SUB.format(topic="{encryption: {kms_key: alias/aws/sqs}}"), "m.yaml")] == \
        ["TOP220"]   # no key policy statement to add to a key nobody can edit


def test_the_alias_forms_are_recognised_and_no_others():
    assert aws_spec.aws_managed_key("alias/aws/sqs") == "sqs"
    assert aws_spec.aws_managed_key("arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/aws/sns") == "sns"
    for key in ("alias/awsome", "alias/my/aws/sqs", "1111aaaa-2222-3333-4444-555566667777", "alias/aws",
                "arn:aws:kms:eu-west-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777", ""):
        assert aws_spec.aws_managed_key(key) is None, key


KEY = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"


def test_a_key_arn_that_kms_says_is_aws_managed_stops_the_plan(write, monkeypatch):
    """validate cannot tell a key ARN's manager; the program asks KMS (``keyManager``) for every key of a queue SNS
    delivers to and stops before anything is created."""
    original = aws_mock.call

    def answer(token, args, region):
        out = original(token, args, region)
        return {**out, "keyManager": "AWS"} if token == "aws:kms/getKey:getKey" and args["keyId"] == KEY else out

    monkeypatch.setattr(aws_mock, "call", answer)
    path = write("targets: [aws]\n" + SUB.format(topic=f'{{encryption: {{kms_key: "{KEY}"}}}}'))
    with pytest.raises(InputError, match=r"KMS key .* of queue demo-dev-events-audit is an AWS managed key: SNS "
                                         r"cannot deliver to a queue encrypted with it"):
        engine.run(str(path), "aws")
    # a customer managed key passes, and is the queue's key
    monkeypatch.setattr(aws_mock, "call", original)
    plan = engine.run(str(path), "aws")
    assert {r.inputs.get("kmsMasterKeyId") for r in plan.by_type("aws:sqs/queue:Queue")} == {KEY}
