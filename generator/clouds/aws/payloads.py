"""Claim-check storage on AWS: the stack's payload buckets and each service's access to its channels' prefixes.

- ``topowire:aws:PayloadStore``: one S3 bucket per encryption key of the
  offloading channels (``spec.payload_buckets``: usually one per stack),
  with default encryption (SSE-KMS with the channels' key and an S3 Bucket
  Key, else SSE-S3), all four public-access blocks, ``BucketOwnerEnforced``
  ownership (ACLs off), a TLS-only bucket policy, and a lifecycle with one
  rule per channel prefix that expires objects after the channel's retention
  plus its dead-letter retention (whole days, rounded up) and aborts
  incomplete multipart uploads after a day.
- ``topowire:aws:PayloadAccess``: one service's IAM policy for payloads:
  ``s3:PutObject`` on the prefixes of the channels it publishes to,
  ``s3:GetObject`` on those it consumes, and ``s3:DeleteObject`` on those it
  consumes from a queue (one consumer owns a queue's message; a topic's
  object is shared by every subscription, so no subscriber may delete it:
  the lifecycle does). KMS rights for a KMS bucket's key go with them.
"""

from __future__ import annotations

import json
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import spec
from .. import renames
from ..components import with_aliases
from ... import payloads

ABORT_MULTIPART_DAYS = 1


def tls_only(bucket_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
        sort_keys=True)


def lifecycle_rules(topo, channels) -> list:
    return [aws.s3.BucketLifecycleConfigurationRuleArgs(
        id=payloads.object_prefix(c).rstrip("/"), status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=payloads.object_prefix(c)),
        expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=payloads.expiry_days(topo, c)),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=ABORT_MULTIPART_DAYS))
        for c in sorted(channels, key=lambda c: payloads.object_prefix(c))]


class PayloadStore(pulumi.ComponentResource):
    """The payload buckets of one stack, each with its encryption, access blocks, ownership, policy, lifecycle."""

    def __init__(self, name: str, topo, kms_arns: dict, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:PayloadStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.buckets = {}  # physical name -> (Bucket, kms key or None)
        for role, physical, key, channels in spec.payload_buckets(topo):
            protect = any(s.protect for c in channels for s in payloads.stores_of(topo, c))
            bucket = aws.s3.Bucket(f"{name}-{role}", bucket=physical, tags=dict(topo.tags),
                                   opts=pulumi.ResourceOptions(parent=self, protect=protect))
            by_default = (aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=kms_arns[key]) if key else
                aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"))
            aws.s3.BucketServerSideEncryptionConfiguration(
                f"{name}-{role}-encryption", bucket=bucket.id,
                rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=by_default, bucket_key_enabled=True if key else None)],
                opts=child)
            aws.s3.BucketPublicAccessBlock(f"{name}-{role}-public-access-block", bucket=bucket.id,
                                           block_public_acls=True, block_public_policy=True,
                                           ignore_public_acls=True, restrict_public_buckets=True, opts=child)
            aws.s3.BucketOwnershipControls(f"{name}-{role}-ownership", bucket=bucket.id,
                                           rule=aws.s3.BucketOwnershipControlsRuleArgs(
                                               object_ownership="BucketOwnerEnforced"), opts=child)
            aws.s3.BucketPolicy(f"{name}-{role}-policy", bucket=bucket.id, policy=bucket.arn.apply(tls_only),
                                opts=child)
            aws.s3.BucketLifecycleConfiguration(f"{name}-{role}-lifecycle", bucket=bucket.id,
                                                rules=lifecycle_rules(topo, channels), opts=child)
            self.buckets[physical] = (bucket, key)
        self.register_outputs({"buckets": sorted(self.buckets)})


def access_statements(topo, service, kms_arns: dict):
    """(the KMS ARNs the policy names, a function from their values to its statements), or None.

    Object ARNs are built from the bucket's physical name (S3 ARNs carry no account or region).
    """
    put, get, delete, encrypt, decrypt = set(), set(), set(), set(), set()
    for r in service.publishes:
        channel = topo.channel(r.channel)
        loc = channel is not None and spec.payload_location(topo, channel)
        if loc:
            put.add(f"arn:aws:s3:::{loc[0]}/{loc[1]}*")
            key = spec.channel_encryption(channel)
            if key.mode == "kms":
                encrypt.add(key.kms_key)
    for c in service.consumes:
        channel = topo.channel(c.channel)
        loc = channel is not None and spec.payload_location(topo, channel)
        if loc:
            get.add(f"arn:aws:s3:::{loc[0]}/{loc[1]}*")
            if channel.kind == "queue":
                delete.add(f"arn:aws:s3:::{loc[0]}/{loc[1]}*")
            key = spec.channel_encryption(channel)
            if key.mode == "kms":
                decrypt.add(key.kms_key)
    if not (put or get):
        return None
    decrypt -= encrypt
    enc, dec = sorted(encrypt), sorted(decrypt)

    def build(values):
        out = []
        if put:
            out.append({"Sid": "PutPayloads", "Effect": "Allow", "Action": ["s3:PutObject"], "Resource": sorted(put)})
        if get:
            out.append({"Sid": "GetPayloads", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": sorted(get)})
        if delete:
            out.append({"Sid": "DeleteConsumedPayloads", "Effect": "Allow", "Action": ["s3:DeleteObject"],
                        "Resource": sorted(delete)})
        if enc:
            out.append({"Sid": "EncryptPayloads", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": sorted(set(values[:len(enc)]))})
        if dec:
            out.append({"Sid": "DecryptPayloads", "Effect": "Allow", "Action": ["kms:Decrypt"],
                        "Resource": sorted(set(values[len(enc):]))})
        return out

    return [kms_arns[k] for k in enc + dec], build


class PayloadAccess(pulumi.ComponentResource):
    """One service's rights on its channels' payload prefixes, attached to ``identity.aws_role`` when given."""

    def __init__(self, name: str, topo, service, kms_arns: dict, attach, opts: Optional[pulumi.ResourceOptions] = None):
        """``attach(service, parent)``: the role name to attach the policy to (the program's ``attached_role``)."""
        super().__init__("topowire:aws:PayloadAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.policy = None
        found = access_statements(topo, service, kms_arns)
        if found is not None:
            arns, build = found
            document = pulumi.Output.all(*arns).apply(
                lambda values: json.dumps({"Version": "2012-10-17", "Statement": build(values)}, sort_keys=True))
            self.policy = aws.iam.Policy(
                f"{name}-policy", name=spec.payload_policy_name(topo, service.name),
                description=f"topowire: the large payloads service '{service.name}' of '{topo.name}' may write and read",
                policy=document, tags=dict(topo.tags), opts=child)
            if service.identity.aws_role:
                aws.iam.RolePolicyAttachment(f"{name}-attachment", role=attach(service, self),
                                             policy_arn=self.policy.arn, opts=child)
        self.register_outputs({"policy_arn": self.policy.arn if self.policy else None})


def environment(topo, service) -> dict:
    """What a service needs to offload (``spec.payload_environment``: the core computes the same for diff)."""
    return spec.payload_environment(topo, service)


def build(topo, kms_arns: dict, attach, child: pulumi.ResourceOptions):
    """The store and every service's access, or (None, {}) when no channel offloads."""
    if not payloads.offloading(topo):
        return None, {}
    store = PayloadStore("payloads", topo, kms_arns, child)
    access = {s.name: PayloadAccess(f"{s.name}-payloads", topo, s, kms_arns, attach,
                                    with_aliases(child, [f"{d}-payloads" for d in renames.service(topo, s.name)]))
              for s in topo.services.values() if access_statements(topo, s, kms_arns) is not None}
    return store, access


def outputs(topo, access: dict) -> dict:
    """The stack's ``payloads`` output: per offloading channel its bucket, prefix, threshold and expiry."""
    out = {}
    for _role, bucket, key, channels in spec.payload_buckets(topo):
        for c in channels:
            out[c.name] = {"bucket": bucket, "prefix": payloads.object_prefix(c), "kms_key": key,
                           "threshold": payloads.threshold(topo, c, "aws"), "expiry_days": payloads.expiry_days(topo, c)}
    return {"channels": dict(sorted(out.items())),
            "policies": {n: a.policy.arn for n, a in sorted(access.items()) if a.policy is not None}}
