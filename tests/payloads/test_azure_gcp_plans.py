"""large_payloads on Azure and GCP, on the plan: encryption and transport, no public access, a lifecycle rule
per channel prefix, and grants scoped to a channel (Azure: its container; GCP: an IAM condition on its prefix)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.plan import engine

FIXTURE = Path(__file__).parent / "large.yaml"
CONTRIBUTOR, READER = "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"


@lru_cache(maxsize=None)
def plan(cloud):
    return engine.run(str(FIXTURE), cloud)


def of(cloud, typ):
    return [r for r in plan(cloud).resources if r.type == typ]


def test_azure_account_is_private_tls12_https_only_and_rbac_only():
    [account] = of("azure", "azure-native:storage:StorageAccount")
    i = account.inputs
    assert i["enableHttpsTrafficOnly"] is True and i["minimumTlsVersion"] == "TLS1_2"
    assert i["allowBlobPublicAccess"] is False
    assert i["allowSharedKeyAccess"] is False  # no account keys or SAS: Entra ID and RBAC only
    assert account.protect
    containers = {c.inputs["containerName"]: c.inputs for c in of("azure", "azure-native:storage:BlobContainer")}
    assert sorted(containers) == ["documents-payloads", "results-payloads", "secrets-payloads"]
    assert all(c["publicAccess"] == "None" for c in containers.values())


def test_azure_lifecycle_rule_per_channel():
    [policy] = of("azure", "azure-native:storage:ManagementPolicy")
    assert policy.inputs["managementPolicyName"] == "default"
    rules = {r["name"]: r["definition"] for r in policy.inputs["policy"]["rules"]}
    assert rules["documents"]["filters"] == {"blobTypes": ["blockBlob"], "prefixMatch": ["documents-payloads/documents/"]}
    assert rules["documents"]["actions"]["baseBlob"]["delete"] == {"daysAfterCreationGreaterThan": 16}
    assert rules["results"]["actions"]["baseBlob"]["delete"] == {"daysAfterCreationGreaterThan": 16}
    assert rules["secrets"]["actions"]["baseBlob"]["delete"] == {"daysAfterCreationGreaterThan": 18}


def test_azure_roles_are_blob_data_roles_on_exactly_the_channels_containers():
    got = {}
    for a in of("azure", "azure-native:authorization:RoleAssignment"):
        if "/containers/" not in a.inputs["scope"]:
            continue
        got.setdefault(a.inputs["principalId"][:8], set()).add(
            (a.inputs["scope"].rsplit("/", 1)[-1], a.inputs["roleDefinitionId"].rsplit("/", 1)[-1]))
    assert got == {
        "11111111": {("documents-payloads", CONTRIBUTOR), ("results-payloads", CONTRIBUTOR),
                     ("secrets-payloads", CONTRIBUTOR)},  # api publishes: write needs Contributor
        "22222222": {("documents-payloads", CONTRIBUTOR), ("secrets-payloads", CONTRIBUTOR)},  # reads and deletes
        "33333333": {("results-payloads", READER)},  # a topic's blob is shared: its subscribers only read
        # the one service without a principal reads through the managed identity topowire creates for it
        "59d71d88": {("results-payloads", READER)},
    }
    env = plan("azure").outputs["services"]["notifier"]["env"]
    assert env["RESULTS_PAYLOAD_CONTAINER"] == "results-payloads" and env["RESULTS_PAYLOAD_PREFIX"] == "results/"
    assert env["RESULTS_PAYLOAD_ACCOUNT_URL"].endswith(".blob.core.windows.net")


def test_gcp_bucket_uniform_access_public_prevention_lifecycle_per_prefix():
    [bucket] = of("gcp", "gcp:storage/bucket:Bucket")
    i = bucket.inputs
    assert i["uniformBucketLevelAccess"] is True and i["publicAccessPrevention"] == "enforced"
    assert i["forceDestroy"] is False and bucket.protect
    rules = {tuple(r["condition"]["matchesPrefixes"]): r for r in i["lifecycleRules"]}
    assert {k: (r["action"]["type"], r["condition"]["age"]) for k, r in rules.items()} == {
        ("documents/",): ("Delete", 16), ("results/",): ("Delete", 16), ("secrets/",): ("Delete", 18)}


def test_gcp_grants_are_conditioned_on_each_channels_prefix():
    grants = {}
    for m in of("gcp", "gcp:storage/bucketIAMMember:BucketIAMMember"):
        who = m.inputs["member"].split(":")[1].split("@")[0]
        grants.setdefault(who, set()).add((m.inputs["role"], m.inputs["condition"]["expression"]))

    def on(prefix):
        return f'resource.name.startsWith("projects/_/buckets/lp-dev-payloads/objects/{prefix}/")'

    assert grants == {
        "lp-dev-api": {("roles/storage.objectCreator", on(p)) for p in ("documents", "results", "secrets")},
        "lp-dev-indexer": {("roles/storage.objectUser", on("documents")), ("roles/storage.objectUser", on("secrets"))},
        "lp-dev-notifier": {("roles/storage.objectViewer", on("results"))},
        "lp-dev-audit": {("roles/storage.objectViewer", on("results"))},
    }
    env = plan("gcp").outputs["services"]["audit"]["env"]
    assert env["RESULTS_PAYLOAD_BUCKET"] == "lp-dev-payloads" and "PLAIN_PAYLOAD_BUCKET" not in env


def test_no_storage_without_large_payloads():
    for cloud, prefix in (("azure", "azure-native:storage:"), ("gcp", "gcp:storage/")):
        p = engine.run(str(Path(__file__).parent / "none-all.yaml"), cloud)
        assert [r for r in p.resources if r.type.startswith(prefix)] == [] and "payloads" not in p.outputs
