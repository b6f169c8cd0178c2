"""A team's AWS setup built by hand with plain boto3, as issue 28 describes (the proof's starting point)."""

from __future__ import annotations

import json

TEAM = "shop-prod-"


def build(sqs, sns, kms=None) -> dict:
    """Queues with and without DLQs, a FIFO pair, a KMS-encrypted delayed queue, a topic with a filtered and an
    unfiltered SQS subscriber and their queue policies, tags, and another team's queue. Returns their URLs/ARNs."""
    out = {}

    def queue(name, **attrs):
        url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attrs.items()},
                               tags={"team": "shop", "env": "prod"})["QueueUrl"]
        out[name] = url
        return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    _, dlq_arn = queue(TEAM + "jobs-dlq", MessageRetentionPeriod=1209600, SqsManagedSseEnabled="true")
    queue(TEAM + "jobs", VisibilityTimeout=120, MessageRetentionPeriod=345600, SqsManagedSseEnabled="true",
          RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 4}))
    queue(TEAM + "audit", VisibilityTimeout=30, SqsManagedSseEnabled="false")
    _, fdlq = queue(TEAM + "payments-dlq.fifo", FifoQueue="true", ContentBasedDeduplication="true",
                    MessageRetentionPeriod=1209600)
    queue(TEAM + "payments.fifo", FifoQueue="true", ContentBasedDeduplication="true",
          RedrivePolicy=json.dumps({"deadLetterTargetArn": fdlq, "maxReceiveCount": 3}))
    queue(TEAM + "reports", DelaySeconds=60, KmsMasterKeyId="alias/shop-reports", KmsDataKeyReusePeriodSeconds=600)
    queue("billing-prod-invoices", VisibilityTimeout=60)  # another team's: the selection leaves it out

    topic = sns.create_topic(Name=TEAM + "orders", Tags=[{"Key": "team", "Value": "shop"},
                                                         {"Key": "env", "Value": "prod"}])["TopicArn"]
    out[TEAM + "orders"] = topic
    for sub, flt in (("orders-mailer", {"status": ["shipped", "delivered"]}), ("orders-ledger", None),
                     ("orders-fraud", None)):
        url, arn = queue(TEAM + sub, VisibilityTimeout=90)
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}]})})
        attrs = {"RawMessageDelivery": "true"}
        if flt:
            attrs["FilterPolicy"] = json.dumps(flt)
        out["sub:" + sub] = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attrs,
                                          ReturnSubscriptionArn=True)["SubscriptionArn"]
    return out
