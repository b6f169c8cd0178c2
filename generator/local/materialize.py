"""Create a plan's AWS resources in an emulator, from the inputs the engine received.

Each resource type has one function that maps its Pulumi inputs (camelCase)
to the AWS API, as the provider would. References between resources are the
mock engine's ARNs and URLs in those inputs; they are replaced by the
emulator's real ones as resources are created, in dependency order derived
from those very references and from each resource's explicit ``dependsOn``. Every call is idempotent, so a second ``up``
converges instead of duplicating.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..errors import InputError

SQS_ATTRIBUTES = {
    "visibilityTimeoutSeconds": "VisibilityTimeout",
    "messageRetentionSeconds": "MessageRetentionPeriod",
    "delaySeconds": "DelaySeconds",
    "maxMessageSize": "MaximumMessageSize",
    "receiveWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "fifoQueue": "FifoQueue",
    "contentBasedDeduplication": "ContentBasedDeduplication",
    "kmsMasterKeyId": "KmsMasterKeyId",
    "kmsDataKeyReusePeriodSeconds": "KmsDataKeyReusePeriodSeconds",
    "sqsManagedSseEnabled": "SqsManagedSseEnabled",
    "redrivePolicy": "RedrivePolicy",
    "redriveAllowPolicy": "RedriveAllowPolicy",
    "policy": "Policy",
}
SNS_ATTRIBUTES = {"fifoTopic": "FifoTopic", "contentBasedDeduplication": "ContentBasedDeduplication",
                  "kmsMasterKeyId": "KmsMasterKeyId"}


@dataclass
class Deployed:
    """What was created: real outputs by URN, and the mock -> real replacements."""

    outputs: dict = field(default_factory=dict)
    replacements: dict = field(default_factory=dict)
    created: list = field(default_factory=list)  # (type, physical name)

    def translate(self, value):
        """Replace mock ARNs/URLs by real ones, inside strings, lists and dicts."""
        if isinstance(value, str):
            for mock in sorted(self.replacements, key=len, reverse=True):
                if mock in value:
                    value = value.replace(mock, self.replacements[mock])
            return value
        if isinstance(value, list):
            return [self.translate(v) for v in value]
        if isinstance(value, dict):
            return {k: self.translate(v) for k, v in value.items()}
        return value


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _tags(inputs) -> list:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _queue(c, r, i, d):
    attrs = {SQS_ATTRIBUTES[k]: _text(v) for k, v in i.items() if k in SQS_ATTRIBUTES}
    kwargs = {"QueueName": i["name"], "Attributes": attrs}
    if i.get("tags"):
        kwargs["tags"] = dict(i["tags"])
    try:
        url = c["sqs"].create_queue(**kwargs)["QueueUrl"]
    except c["sqs"].exceptions.QueueNameExists:  # exists with other attributes: converge
        url = c["sqs"].get_queue_url(QueueName=i["name"])["QueueUrl"]
        c["sqs"].set_queue_attributes(QueueUrl=url, Attributes={k: v for k, v in attrs.items() if k != "FifoQueue"})
    arn = c["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"url": url, "arn": arn, "id": url}


def _queue_attribute(key):
    def apply(c, r, i, d):
        c["sqs"].set_queue_attributes(QueueUrl=i["queueUrl"], Attributes={SQS_ATTRIBUTES[key]: i[key]})
        return {"id": i["queueUrl"]}
    return apply


def _topic(c, r, i, d):
    attrs = {SNS_ATTRIBUTES[k]: _text(v) for k, v in i.items() if k in SNS_ATTRIBUTES}
    kwargs = {"Name": i["name"], "Attributes": attrs}
    if i.get("tags"):
        kwargs["Tags"] = _tags(i)
    arn = c["sns"].create_topic(**kwargs)["TopicArn"]
    return {"arn": arn, "id": arn}


def _topic_policy(c, r, i, d):
    c["sns"].set_topic_attributes(TopicArn=i["arn"], AttributeName="Policy", AttributeValue=i["policy"])
    return {"id": i["arn"]}


def _subscription(c, r, i, d):
    attrs = {"RawMessageDelivery": _text(i.get("rawMessageDelivery", False))}
    if i.get("redrivePolicy"):
        attrs["RedrivePolicy"] = i["redrivePolicy"]
    if i.get("filterPolicy"):
        attrs["FilterPolicy"] = i["filterPolicy"]
        attrs["FilterPolicyScope"] = i.get("filterPolicyScope", "MessageAttributes")
    existing = [s for s in _subscriptions(c, i["topic"]) if s["Endpoint"] == i["endpoint"]]
    if existing:
        arn = existing[0]["SubscriptionArn"]
        for name, value in attrs.items():
            c["sns"].set_subscription_attributes(SubscriptionArn=arn, AttributeName=name, AttributeValue=value)
    else:
        arn = c["sns"].subscribe(TopicArn=i["topic"], Protocol=i["protocol"], Endpoint=i["endpoint"],
                                 Attributes=attrs, ReturnSubscriptionArn=True)["SubscriptionArn"]
    return {"arn": arn, "id": arn}


def _subscriptions(c, topic_arn):
    out, token = [], None
    while True:
        page = c["sns"].list_subscriptions_by_topic(TopicArn=topic_arn, **({"NextToken": token} if token else {}))
        out += page["Subscriptions"]
        token = page.get("NextToken")
        if not token:
            return out


def _policy(c, r, i, d):
    iam = c["iam"]
    kwargs = {"PolicyName": i["name"], "PolicyDocument": i["policy"], "Path": i.get("path", "/")}
    if i.get("description"):
        kwargs["Description"] = i["description"]
    try:
        arn = iam.create_policy(Tags=_tags(i), **kwargs)["Policy"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        account = d.replacements.get("123456789012", "123456789012")
        arn = f"arn:aws:iam::{account}:policy/{i['name']}"
        current = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        doc = iam.get_policy_version(PolicyArn=arn, VersionId=current)["PolicyVersion"]["Document"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        if doc != json.loads(i["policy"]):
            versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
            for v in sorted(versions, key=lambda v: v["CreateDate"])[:-3]:
                if not v["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=i["policy"], SetAsDefault=True)
    return {"arn": arn, "id": arn}


def _attachment(c, r, i, d):
    iam = c["iam"]
    try:
        iam.get_role(RoleName=i["role"])
    except iam.exceptions.NoSuchEntityException:
        # The role is the service's own; locally there is none, so a stand-in is made.
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]}
        iam.create_role(RoleName=i["role"], AssumeRolePolicyDocument=json.dumps(trust),
                        Description="stand-in created by topowire local up")
    iam.attach_role_policy(RoleName=i["role"], PolicyArn=i["policyArn"])
    return {"id": f"{i['role']}/{i['policyArn']}"}


def _alarm(c, r, i, d):
    kwargs = {
        "AlarmName": i["name"], "Namespace": i["namespace"], "MetricName": i["metricName"],
        "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(i.get("dimensions", {}).items())],
        "Statistic": i["statistic"], "Period": int(i["period"]), "EvaluationPeriods": int(i["evaluationPeriods"]),
        "Threshold": float(i["threshold"]), "ComparisonOperator": i["comparisonOperator"],
        "TreatMissingData": i.get("treatMissingData", "missing"), "AlarmActions": i.get("alarmActions", []),
        "OKActions": i.get("okActions", []), "Tags": _tags(i),
    }
    if i.get("alarmDescription"):
        kwargs["AlarmDescription"] = i["alarmDescription"]
    c["cloudwatch"].put_metric_alarm(**kwargs)
    return {"id": i["name"], "arn": r.outputs.get("arn")}


def _bucket(c, r, i, d):
    s3 = c["s3"]
    try:
        s3.create_bucket(Bucket=i["bucket"])
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass  # a second `up` converges
    if i.get("tags"):
        s3.put_bucket_tagging(Bucket=i["bucket"], Tagging={"TagSet": _tags(i)})
    return {"id": i["bucket"], "arn": f"arn:aws:s3:::{i['bucket']}", "bucket": i["bucket"]}


def _bucket_encryption(c, r, i, d):
    rules = []
    for rule in i["rules"]:
        default = rule["applyServerSideEncryptionByDefault"]
        by_default = {"SSEAlgorithm": default["sseAlgorithm"]}
        if default.get("kmsMasterKeyId"):
            by_default["KMSMasterKeyID"] = default["kmsMasterKeyId"]
        out = {"ApplyServerSideEncryptionByDefault": by_default}
        if rule.get("bucketKeyEnabled") is not None:
            out["BucketKeyEnabled"] = bool(rule["bucketKeyEnabled"])
        rules.append(out)
    c["s3"].put_bucket_encryption(Bucket=i["bucket"], ServerSideEncryptionConfiguration={"Rules": rules})
    return {"id": i["bucket"]}


def _public_access_block(c, r, i, d):
    c["s3"].put_public_access_block(Bucket=i["bucket"], PublicAccessBlockConfiguration={
        "BlockPublicAcls": bool(i.get("blockPublicAcls")), "IgnorePublicAcls": bool(i.get("ignorePublicAcls")),
        "BlockPublicPolicy": bool(i.get("blockPublicPolicy")),
        "RestrictPublicBuckets": bool(i.get("restrictPublicBuckets"))})
    return {"id": i["bucket"]}


def _ownership(c, r, i, d):
    c["s3"].put_bucket_ownership_controls(Bucket=i["bucket"], OwnershipControls={
        "Rules": [{"ObjectOwnership": i["rule"]["objectOwnership"]}]})
    return {"id": i["bucket"]}


def _bucket_policy(c, r, i, d):
    """The bucket policy, less its TLS-only statement on an http:// emulator.

    An emulator on http:// serves no TLS, and moto evaluates ``aws:SecureTransport`` without the request's
    transport (no value: the Deny always matches), so the statement would refuse every request. The plan's
    tests check the statement itself (tests/payloads/test_aws_plan.py).
    """
    policy = json.loads(i["policy"])
    if str(c["s3"].meta.endpoint_url).startswith("http://"):
        policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != "DenyInsecureTransport"]
    if policy["Statement"]:
        c["s3"].put_bucket_policy(Bucket=i["bucket"], Policy=json.dumps(policy, sort_keys=True))
    return {"id": i["bucket"]}


def _lifecycle(c, r, i, d):
    rules = [{"ID": rule["id"], "Status": rule["status"], "Filter": {"Prefix": rule["filter"]["prefix"]},
              "Expiration": {"Days": int(rule["expiration"]["days"])},
              "AbortIncompleteMultipartUpload": {
                  "DaysAfterInitiation": int(rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"])}}
             for rule in i["rules"]]
    c["s3"].put_bucket_lifecycle_configuration(Bucket=i["bucket"], LifecycleConfiguration={"Rules": rules})
    return {"id": i["bucket"]}


HANDLERS = {
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _bucket_encryption,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _public_access_block,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _ownership,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_policy,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _lifecycle,
    "aws:sqs/queue:Queue": _queue,
    "aws:sqs/queuePolicy:QueuePolicy": _queue_attribute("policy"),
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": _queue_attribute("redriveAllowPolicy"),
    "aws:sns/topic:Topic": _topic,
    "aws:sns/topicPolicy:TopicPolicy": _topic_policy,
    "aws:sns/topicSubscription:TopicSubscription": _subscription,
    "aws:iam/policy:Policy": _policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": _attachment,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
}
SKIPPED = ("pulumi:providers:aws",)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def order(resources) -> list:
    """Custom resources, each after the resources whose outputs its inputs mention and those it depends on."""
    custom = [r for r in resources if r.custom and r.type not in SKIPPED]
    produced = {}
    for r in custom:
        for key in ("arn", "url"):
            if isinstance(r.outputs.get(key), str):
                produced[r.outputs[key]] = r.urn
        if r.type == "aws:s3/bucket:Bucket" and isinstance(r.outputs.get("bucket"), str):
            produced[r.outputs["bucket"]] = r.urn  # a bucket's configurations name it, not its ARN
    urns = {r.urn for r in custom}
    deps = {}
    for r in custom:
        text = list(_strings(r.inputs))
        deps[r.urn] = {urn for value, urn in produced.items() if urn != r.urn and any(value in s for s in text)}
        deps[r.urn] |= {u for u in getattr(r, "depends_on", ()) if u in urns}
    done, out = set(), []
    pending = sorted(custom, key=lambda r: r.urn)
    while pending:
        ready = [r for r in pending if deps[r.urn] <= done]
        if not ready:
            raise InputError("resources depend on each other in a cycle: " + ", ".join(r.name for r in pending))
        for r in ready:
            out.append(r)
            done.add(r.urn)
        pending = [r for r in pending if r.urn not in done]
    return out


def materialize(plan, clients, progress=None) -> Deployed:
    d = Deployed()
    unknown = sorted({r.type for r in plan.resources if r.custom and r.type not in HANDLERS and r.type not in SKIPPED})
    if unknown:
        raise InputError(f"the local emulator cannot create {', '.join(unknown)}")
    for r in order(plan.resources):
        inputs = d.translate(r.inputs)
        real = HANDLERS[r.type](clients, r, inputs, d)
        for key, value in real.items():
            mock = r.outputs.get(key) if key != "id" else r.id
            if isinstance(mock, str) and isinstance(value, str) and mock != value:
                d.replacements[mock] = value
        d.outputs[r.urn] = real
        d.created.append((r.type, inputs.get("name") or r.name))
        if progress:
            progress(r)
    return d
