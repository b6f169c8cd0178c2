"""A topic subscription's SQS queue uses a customer-managed KMS key (warning, AWS).

SNS delivers to an encrypted subscription queue only if the key policy lets
``sns.amazonaws.com`` use the key (``kms:GenerateDataKey*`` and
``kms:Decrypt``). Without that statement deliveries fail silently. topowire
cannot edit a key it does not own: see docs/aws.md for the statement to add.

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
        where = c.settings.origins["encryption"]
        key = c.settings.encryption.kms_key
        if (where, key) in seen:
            continue
        seen.add((where, key))
        yield Finding(CODE, LEVEL, f"the subscription queue of '{c.service}' to topic '{c.channel}' is encrypted with "
                      f"KMS key '{key}': SNS can deliver to it only if the key policy allows sns.amazonaws.com",
                      where, "add the key-policy statement from docs/aws.md (kms:GenerateDataKey*, kms:Decrypt for "
                      "sns.amazonaws.com), or use encryption: managed")
