"""Claim-check storage on GCP: one Cloud Storage bucket per stack and per-prefix IAM.

- ``topowire:gcp:PayloadStore``: a bucket with uniform bucket-level access
  (IAM only, no ACLs), public access prevention ``enforced``, Google-managed
  encryption at rest, and one lifecycle rule per channel: Delete when
  ``age`` reaches the channel's retention plus dead-letter retention in days,
  ``matchesPrefix`` the channel's prefix.
- ``topowire:gcp:PayloadAccess``: bucket IAM members for the service's
  account, each with an IAM condition on ``resource.name`` that limits it to
  one channel's prefix: objectCreator to publish, objectUser to consume a
  queue (read and delete), objectViewer to read a topic's shared objects.
"""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from . import spec
from ... import payloads


class PayloadStore(pulumi.ComponentResource):
    def __init__(self, name: str, topo, location: str, opts=None):
        super().__init__("topowire:gcp:PayloadStore", name, None, opts)
        channels = payloads.offloading(topo)
        protect = any(s.protect for c in channels for s in payloads.stores_of(topo, c))
        self.bucket_name = spec.payload_bucket_name(topo)
        self.bucket = gcp.storage.Bucket(
            f"{name}-bucket", name=self.bucket_name, location=location, uniform_bucket_level_access=True,
            public_access_prevention="enforced", force_destroy=False, labels=dict(topo.tags) or None,
            lifecycle_rules=[gcp.storage.BucketLifecycleRuleArgs(
                action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
                condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                    age=payloads.expiry_days(topo, c), matches_prefixes=[payloads.object_prefix(c)]))
                for c in sorted(channels, key=lambda c: payloads.object_prefix(c))],
            opts=pulumi.ResourceOptions(parent=self, protect=protect))
        self.register_outputs({"bucket": self.bucket_name})


class PayloadAccess(pulumi.ComponentResource):
    def __init__(self, name: str, topo, service, store: PayloadStore, email, opts=None):
        super().__init__("topowire:gcp:PayloadAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        member = pulumi.Output.from_input(email).apply(lambda e: f"serviceAccount:{e}")
        for channel, label, role in spec.payload_roles(topo, service):
            cond = spec.prefix_condition(store.bucket_name, payloads.object_prefix(channel))
            gcp.storage.BucketIAMMember(f"{name}-{channel.name}-{label}", bucket=store.bucket.name, role=role,
                                        member=member, condition=gcp.storage.BucketIAMMemberConditionArgs(**cond),
                                        opts=child)
        self.register_outputs({"grants": len(spec.payload_roles(topo, service))})


def environment(topo, service, store) -> dict:
    """``spec.payload_environment`` (the core computes the same for diff)."""
    return spec.payload_environment(topo, service)


def build(topo, emails: dict, env: dict, child) -> PayloadStore | None:
    """The store and each service's grants; adds to ``env`` (service -> its environment). None: nothing offloads.

    The bucket is in the provider's ``gcp:region`` when set, else the US multi-region (Cloud Storage's default).
    """
    if not payloads.offloading(topo):
        return None
    location = (pulumi.Config("gcp").get("region") or "US").upper()
    store = PayloadStore("payloads", topo, location, child)
    for s in topo.services.values():
        if spec.payload_roles(topo, s):
            PayloadAccess(f"{s.name}-payloads", topo, s, store, emails[s.name], child)
            env[s.name] = dict(sorted({**env[s.name], **environment(topo, s, store)}.items()))
    return store


def outputs(topo, store) -> dict:
    return {"bucket": store.bucket_name,
            "channels": {c.name: {"prefix": payloads.object_prefix(c), "threshold": payloads.threshold(topo, c, "gcp"),
                                  "expiry_days": payloads.expiry_days(topo, c)}
                         for c in sorted(payloads.offloading(topo), key=lambda c: c.name)}}
