"""A topic subscription's SQS queue uses a customer-managed KMS key (warning, AWS).

SNS delivers to an encrypted subscription queue, and to the subscription's
dead-letter queue (same key), only if the key policy lets
``sns.amazonaws.com`` use the key (``kms:GenerateDataKey*`` and
``kms:Decrypt``). Without that statement deliveries fail and the messages are
lost. topowire cannot edit a key it does not own: the warning's hint holds the
statement to add (also in docs/aws.md), conditioned on the topic's ARN.

Passing:

    topics: {events: {}}
    services:
      api: {publishes: [events]}
      audit: {consumes: [events]}

Failing:

    topics: {events: {encryption: {kms_key: alias/events}}}
    services:
      api: {publishes: [events]}
      audit: {consumes: [events]}
"""

import json

from ..clouds.aws import spec as aws_spec
from ..diagnostics import WARNING, Finding

CODE = "TOP205"
NAME = "kms-subscription-queue"
LEVEL = WARNING


def check(ctx):
    if "aws" not in ctx.clouds:
        return
    seen = set()
    for c in ctx.topology.all_consumers():
        if c.kind != "topic" or c.settings.encryption.mode != "kms":
            continue
        if aws_spec.aws_managed_key(c.settings.encryption.kms_key):
            continue  # no key policy to add it to: TOP220's error
        where = c.settings.origins["encryption"]
        key = c.settings.encryption.kms_key
        if (where, key) in seen:
            continue
        seen.add((where, key))
        topic = aws_spec.topic_name(ctx.topology, ctx.topology.topics[c.channel])
        yield Finding(CODE, LEVEL, f"the subscription queue of '{c.service}' to topic '{c.channel}' and its dead-letter "
                      f"queue are encrypted with KMS key '{key}': SNS can deliver to them only if the key policy allows "
                      "sns.amazonaws.com kms:GenerateDataKey* and kms:Decrypt; otherwise the messages are lost",
                      where, "add this statement to the key policy (docs/aws.md): " + statement(topic) +
                      ", or use encryption: managed")


def statement(topic_name: str) -> str:
    """The key-policy statement that lets SNS use the key for deliveries from one topic."""
    return json.dumps({
        "Sid": "AllowSNSToDeliverToEncryptedQueues", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
        "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:<region>:<account-id>:{topic_name}"}}},
        separators=(",", ":"))
