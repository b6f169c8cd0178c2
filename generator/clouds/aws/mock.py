"""What AWS would answer: realistic ids and outputs for Pulumi's mock engine (``topowire plan``, tests).

ARNs, queue URLs and ids have the real formats, derived deterministically from
the resource's name so that two plans of one topology are identical.
"""

from __future__ import annotations

import hashlib
import uuid

ACCOUNT = "123456789012"
PARTITION = "aws"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "topowire:" + ":".join(parts)))


def _suffix(*parts: str, n: int = 17) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:n].upper()


def new_resource(typ: str, name: str, inputs: dict, region: str) -> tuple:
    """(id, state) for a resource of type ``typ``; the state starts from the inputs, as providers echo them."""
    state = dict(inputs)
    if "tags" in inputs:
        state["tagsAll"] = inputs["tags"]
    if typ == "aws:sqs/queue:Queue":
        qname = inputs.get("name", name)
        url = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{qname}"
        state.update(arn=f"arn:{PARTITION}:sqs:{region}:{ACCOUNT}:{qname}", url=url)
        return url, state
    if typ == "aws:sns/topic:Topic":
        arn = f"arn:{PARTITION}:sns:{region}:{ACCOUNT}:{inputs.get('name', name)}"
        state.update(arn=arn, owner=ACCOUNT)
        return arn, state
    if typ == "aws:sns/topicSubscription:TopicSubscription":
        arn = f"{inputs['topic']}:{_uuid(name)}"
        state.update(arn=arn, ownerId=ACCOUNT, confirmationWasAuthenticated=True, pendingConfirmation=False)
        return arn, state
    if typ == "aws:sns/topicPolicy:TopicPolicy":
        state.update(owner=ACCOUNT)
        return inputs["arn"], state
    if typ in ("aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"):
        return inputs["queueUrl"], state
    if typ == "aws:iam/policy:Policy":
        pname = inputs.get("name", name)
        arn = f"arn:{PARTITION}:iam::{ACCOUNT}:policy/{inputs.get('path', '/').strip('/') + '/' if inputs.get('path', '/') != '/' else ''}{pname}"
        state.update(arn=arn, policyId="ANPA" + _suffix(pname), attachmentCount=0, path=inputs.get("path", "/"))
        return arn, state
    if typ == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
        return f"{inputs['role']}-{_suffix(inputs['role'], inputs['policyArn'], n=20).lower()}", state
    if typ == "aws:cloudwatch/metricAlarm:MetricAlarm":
        aname = inputs.get("name", name)
        state.update(arn=f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT}:alarm:{aname}")
        return aname, state
    if typ == "aws:s3/bucket:Bucket":  # the provider's id is the bucket's name; S3 ARNs carry no region or account
        bname = inputs.get("bucket", name)
        state.update(arn=f"arn:{PARTITION}:s3:::{bname}", bucketDomainName=f"{bname}.s3.amazonaws.com",
                     bucketRegionalDomainName=f"{bname}.s3.{region}.amazonaws.com", region=region)
        return bname, state
    if typ.startswith("aws:s3/bucket") and "bucket" in inputs:  # a bucket's configuration: its id is the bucket's
        return inputs["bucket"], state
    if typ.startswith("pulumi:providers:"):
        return _uuid("provider", name), state
    return f"{name}-{_suffix(typ, name, n=8).lower()}", state


def call(token: str, args: dict, region: str) -> dict:
    """Answers to the data sources (invokes) the AWS program uses."""
    if token == "aws:kms/getKey:getKey":
        key = args["keyId"]
        if key.startswith("arn:"):
            arn = key.replace(":alias/", ":key/") if ":alias/" in key else key
        else:
            arn = f"arn:{PARTITION}:kms:{region}:{ACCOUNT}:key/{_uuid('kms', key)}"
        manager = "AWS" if ":alias/aws/" in key or key.startswith("alias/aws/") else "CUSTOMER"  # AWS managed keys
        return {"id": arn.rsplit("/", 1)[-1], "arn": arn, "keyId": key, "enabled": True, "keyState": "Enabled",
                "keyManager": manager, "keyUsage": "ENCRYPT_DECRYPT", "awsAccountId": ACCOUNT}
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT, "arn": f"arn:{PARTITION}:iam::{ACCOUNT}:user/plan", "userId": "AIDA" + _suffix("u"),
                "id": ACCOUNT}
    if token == "aws:index/getRegion:getRegion":
        return {"region": region, "name": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com"}
    raise NotImplementedError(f"the AWS mocks do not answer {token}")
