"""An AWS managed KMS key where the service that must use it cannot (error, AWS).

An AWS managed key (``alias/aws/sqs``, ``alias/aws/sns``, ``alias/aws/<service>``)
has a key policy nobody can change: only its own service may use it, on
behalf of callers of that service. So:

- a queue SNS delivers to (every topic consumer's queue, and its dead-letter
  queue) cannot use any AWS managed key: SNS needs ``kms:GenerateDataKey*``
  on the queue's key, which only a customer managed key's policy can grant
  (SNS: "To use an encrypted Amazon SQS queue as a dead-letter queue, you
  must use a custom KMS with a key policy that grants the Amazon SNS service
  principal access"). Deliveries fail and the messages are lost. A topic's
  ``encryption`` applies to its subscription queues too, so
  ``kms_key: alias/aws/sns`` on a topic is refused for them;
- a queue cannot use another service's managed key (``alias/aws/sns`` on a
  queue), nor a topic another's than SNS's (``alias/aws/sqs`` on a topic):
  every send would fail.

``encryption: managed`` (the default) already gives topics SNS's managed key
and queues SQS-owned keys (SSE-SQS), which SNS can deliver to. A key named by
its key id or ARN cannot be told apart here; at deployment the program looks
it up and refuses an AWS managed key on a queue SNS delivers to.

Passing:

    topics: {events: {encryption: managed}}
    services:
      api: {publishes: [events]}
      audit: {consumes: [events]}

Failing:

    topics: {events: {encryption: {kms_key: alias/aws/sns}}}
    services:
      api: {publishes: [events]}
      audit: {consumes: [events]}
"""

from ..clouds.aws import spec as aws_spec
from ..diagnostics import ERROR, Finding

CODE = "TOP220"
NAME = "aws-managed-kms-key"
LEVEL = ERROR

HINT = ("use encryption: managed (SNS's own key on topics, SQS-owned keys on queues, which SNS can deliver to), or a "
        "customer managed key whose key policy lets sns.amazonaws.com use it (docs/aws.md, TOP205)")


def check(ctx):
    if "aws" not in ctx.clouds:
        return
    topo = ctx.topology
    fed: dict = {}  # (where, key) -> [subscription labels]
    for c in topo.all_consumers():
        enc = c.settings.encryption if c.kind == "topic" else None
        if enc is not None and enc.mode == "kms" and aws_spec.aws_managed_key(enc.kms_key):
            fed.setdefault((c.settings.origins["encryption"], enc.kms_key), []).append(
                f"'{c.service}' to topic '{c.channel}'")
    for (where, key), subs in sorted(fed.items()):
        shown = ", ".join(subs[:3]) + (f" and {len(subs) - 3} more" if len(subs) > 3 else "")
        yield Finding(CODE, LEVEL, f"KMS key '{key}' is an AWS managed key and encrypts the queues SNS delivers to "
                      f"(the subscription of {shown}, and its dead-letter queue): its key policy cannot be changed "
                      "to let sns.amazonaws.com use it, so SNS cannot deliver and the messages are lost",
                      where + ("kms_key",), HINT)
    seen = set(where for where, _key in fed)
    for q in topo.queues.values():
        enc, where = q.settings.encryption, q.settings.origins["encryption"]
        owner = aws_spec.aws_managed_key(enc.kms_key) if enc.mode == "kms" else None
        if owner and owner != "sqs" and where not in seen:
            seen.add(where)
            yield Finding(CODE, LEVEL, f"KMS key '{enc.kms_key}' is the AWS managed key of {owner}, which SQS "
                          f"cannot use (queue '{q.name}'): every send to the queue would fail",
                          where + ("kms_key",), "use alias/aws/sqs, encryption: managed, or a customer managed key")
    for t in topo.topics.values():
        enc = t.encryption
        owner = aws_spec.aws_managed_key(enc.kms_key) if enc.mode == "kms" else None
        if owner and owner != "sns" and t.encryption_origin not in seen:
            seen.add(t.encryption_origin)
            yield Finding(CODE, LEVEL, f"KMS key '{enc.kms_key}' is the AWS managed key of {owner}, which SNS "
                          f"cannot use (topic '{t.name}'): every publish to the topic would fail",
                          t.encryption_origin + ("kms_key",), HINT)
