"""A team's AWS setup built by hand with plain boto3, as issue 28 describes (the proof's starting point)."""

from __future__ import annotations

import json

TEAM = "shop-prod-"


def build(sqs, sns, kms=None, iam=None) -> dict:
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
    if iam is not None:
        roles(iam, out, topic)
    return out


def arn_of(url: str) -> str:
    """An emulator queue's ARN from its URL (moto: account 123456789012, us-east-1)."""
    return f"arn:aws:sqs:us-east-1:123456789012:{url.rsplit('/', 1)[-1]}"


def roles(iam, out: dict, topic: str) -> None:
    """The team's IAM roles, as a platform team writes them: an API that sends (a customer-managed policy), a
    worker that receives and sends (inline), the mailer's task role on its subscription queue, an operator with
    sqs:* on everything, a service-linked role, and another team's role on its own queue."""
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})

    def role(name, path="/"):
        out["role:" + name] = iam.create_role(RoleName=name, Path=path, AssumeRolePolicyDocument=trust)["Role"]["Arn"]

    def inline(name, *statements):
        iam.put_role_policy(RoleName=name, PolicyName=f"{name}-access", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": list(statements)}))

    role("shop-api")
    policy = iam.create_policy(PolicyName="shop-api-send", PolicyDocument=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:GetQueueUrl"],
                       "Resource": [arn_of(out[TEAM + "jobs"]), arn_of(out[TEAM + "payments.fifo"])]},
                      {"Effect": "Allow", "Action": "SNS:Publish", "Resource": topic}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="shop-api", PolicyArn=policy)
    role("shop-jobs-worker")
    inline("shop-jobs-worker",
           {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": arn_of(out[TEAM + "jobs"])},
           {"Effect": "Allow", "Action": "sqs:Send*", "Resource": f"arn:aws:sqs:*:123456789012:{TEAM}rep*"})
    role("shop-mailer-task")
    inline("shop-mailer-task", {"Effect": "Allow", "Action": "sqs:*", "Resource": arn_of(out[TEAM + "orders-mailer"])})
    role("ops-admin")
    inline("ops-admin", {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    role("AWSServiceRoleForShop", path="/aws-service-role/shop.amazonaws.com/")
    inline("AWSServiceRoleForShop", {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn_of(out[TEAM + "audit"])})
    role("billing-invoicer")
    inline("billing-invoicer", {"Effect": "Allow", "Action": "sqs:ReceiveMessage",
                                "Resource": arn_of(out["billing-prod-invoices"])})
