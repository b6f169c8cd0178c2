"""large_payloads on AWS, on the plan: the buckets' guarantees, a lifecycle rule per channel prefix, and each
service's rights on exactly its channels' prefixes."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from generator.plan import engine

HERE = Path(__file__).parent
FIXTURE = HERE / "large.yaml"
BUCKET = "aws:s3/bucket:Bucket"


@lru_cache(maxsize=None)
def plan():
    return engine.run(str(FIXTURE), "aws")


def of_type(kind):
    return [r for r in plan().resources if r.type == f"aws:s3/{kind}"]


def by_bucket(kind):
    return {r.inputs["bucket"]: r for r in of_type(kind)}


def test_one_bucket_per_encryption_key_with_default_encryption():
    enc = by_bucket("bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sorted(enc) == ["lp-dev-payloads", "lp-dev-payloads-d151b9b0"]
    [plain] = enc["lp-dev-payloads"].inputs["rules"]
    assert plain["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    [kms] = enc["lp-dev-payloads-d151b9b0"].inputs["rules"]
    assert kms["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert kms["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert kms["bucketKeyEnabled"] is True
    assert sorted(r.inputs["bucket"] for r in plan().resources if r.type == BUCKET) == sorted(enc)


def test_public_access_blocked_ownership_enforced_tls_only():
    blocks = by_bucket("bucketPublicAccessBlock:BucketPublicAccessBlock")
    owners = by_bucket("bucketOwnershipControls:BucketOwnershipControls")
    policies = by_bucket("bucketPolicy:BucketPolicy")
    for bucket in ("lp-dev-payloads", "lp-dev-payloads-d151b9b0"):
        b = blocks[bucket].inputs
        assert all(b[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                           "restrictPublicBuckets"))
        assert owners[bucket].inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
        [deny] = json.loads(policies[bucket].inputs["policy"])["Statement"]
        assert deny["Effect"] == "Deny" and deny["Principal"] == "*" and deny["Action"] == "s3:*"
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Resource"] == [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]


def test_lifecycle_rule_per_channel_prefix_outlives_its_messages():
    rules = {r["filter"]["prefix"]: r for lc in of_type(
        "bucketLifecycleConfiguration:BucketLifecycleConfiguration") for r in lc.inputs["rules"]}
    assert sorted(rules) == ["documents/", "results/", "secrets/"]  # 'plain' does not offload
    # documents: 36 h + 14 d dead-letter retention = 15.5 d, rounded up
    assert rules["documents/"]["expiration"] == {"days": 16}
    # results: its longest subscription (notifier's, 2 d + its 14 d DLQ; audit has none) decides
    assert rules["results/"]["expiration"] == {"days": 16}
    # secrets: the defaults, 4 d + 14 d
    assert rules["secrets/"]["expiration"] == {"days": 18}
    assert all(r["status"] == "Enabled" and r["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 1}
               for r in rules.values())


def payload_policy(service):
    [p] = [r for r in plan().resources if r.type == "aws:iam/policy:Policy" and r.name == f"{service}-payloads-policy"]
    return {s["Sid"]: s for s in json.loads(p.inputs["policy"])["Statement"]}


def test_least_privilege_per_service():
    api = payload_policy("api")
    assert api["PutPayloads"]["Action"] == ["s3:PutObject"]
    assert api["PutPayloads"]["Resource"] == ["arn:aws:s3:::lp-dev-payloads-d151b9b0/secrets/*",
                                              "arn:aws:s3:::lp-dev-payloads/documents/*",
                                              "arn:aws:s3:::lp-dev-payloads/results/*"]
    assert sorted(api) == ["EncryptPayloads", "PutPayloads"]  # no read, no delete
    indexer = payload_policy("indexer")
    assert sorted(indexer) == ["DecryptPayloads", "DeleteConsumedPayloads", "GetPayloads"]
    assert indexer["GetPayloads"]["Resource"] == indexer["DeleteConsumedPayloads"]["Resource"] == [
        "arn:aws:s3:::lp-dev-payloads-d151b9b0/secrets/*", "arn:aws:s3:::lp-dev-payloads/documents/*"]
    assert indexer["DecryptPayloads"]["Action"] == ["kms:Decrypt"]
    # a topic's object is shared by every subscription: its subscribers read it and never delete it
    for subscriber in ("notifier", "audit"):
        assert payload_policy(subscriber) == {"GetPayloads": {
            "Sid": "GetPayloads", "Effect": "Allow", "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::lp-dev-payloads/results/*"]}}
    attached = [r for r in plan().resources if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
                and r.name == "api-payloads-attachment"]
    assert [a.inputs["role"] for a in attached] == ["api-role"]


def test_every_service_environment_carries_bucket_prefix_and_threshold():
    out = plan().outputs
    env = out["services"]["notifier"]["env"]
    assert env["RESULTS_PAYLOAD_BUCKET"] == "lp-dev-payloads"
    assert env["RESULTS_PAYLOAD_PREFIX"] == "results/"
    assert env["RESULTS_PAYLOAD_THRESHOLD"] == str(128 * 1024)
    assert "PLAIN_PAYLOAD_BUCKET" not in out["services"]["audit"]["env"]
    assert out["services"]["api"]["env"]["DOCUMENTS_PAYLOAD_THRESHOLD"] == str(1024 * 1024)  # true: SQS's limit
    assert out["payloads"]["channels"]["secrets"]["bucket"] == "lp-dev-payloads-d151b9b0"


def test_declared_payload_size_above_sqs_limit_leaves_the_queue_at_the_limit():
    [q] = [r for r in plan().resources if r.name == "documents-queue"]
    assert q.inputs["maxMessageSize"] == 1024 * 1024


def test_no_payload_resources_without_large_payloads():
    p = engine.run(str(HERE / "none.yaml"), "aws")
    assert [r for r in p.resources if r.type.startswith("aws:s3/") or "Payload" in r.type] == []
    assert "payloads" not in p.outputs
    assert not any("PAYLOAD" in k for s in p.outputs["services"].values() for k in s["env"])
