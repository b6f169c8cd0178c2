"""What each component of the programs records as its outputs in the Pulumi state.

`pulumi stack --show-urns`, `pulumi stack export` and the Pulumi Console show a component's registered
outputs (its queue URL, topic ARN, service account...). The mock engine drops them (``MockMonitor.
RegisterResourceOutputs`` returns nothing), so plans and the golden files cannot show them: this test
listens to that call. The values are the names docs/<cloud>.md documents, written out.
"""

from __future__ import annotations

import json

import pytest

TOPOLOGY = """version: 1
name: shop
targets: [aws, azure, gcp]
queues: {orders: {}}
topics: {payments: {}}
services:
  web: {publishes: [orders, payments], identity: {azure_principal_id: 11111111-2222-3333-4444-555555555555}}
  ledger: {consumes: {orders: {}, payments: {}}}
"""

SQS = "https://sqs.us-east-1.amazonaws.com/123456789012/"
ARN = "arn:aws:sqs:us-east-1:123456789012:"
SB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/shop-dev/providers/Microsoft.ServiceBus/" \
     "namespaces/shop-dev/"
PS = "projects/topowire-plan/"

EXPECTED = {
    "aws": {
        "topowire:aws:Queue::orders": {"arn": ARN + "shop-dev-orders", "dlq_arn": ARN + "shop-dev-orders-dlq",
                                       "dlq_url": SQS + "shop-dev-orders-dlq", "url": SQS + "shop-dev-orders"},
        "topowire:aws:Topic::payments": {"arn": "arn:aws:sns:us-east-1:123456789012:shop-dev-payments",
                                         "name": "shop-dev-payments"},
        "topowire:aws:Subscription::payments-ledger": {
            "dlq_url": SQS + "shop-dev-payments-ledger-dlq", "queue_arn": ARN + "shop-dev-payments-ledger",
            "queue_url": SQS + "shop-dev-payments-ledger",
            "subscription_arn": "arn:aws:sns:us-east-1:123456789012:shop-dev-payments:"
                                "ba33bc15-29db-5737-a002-62d0a0669330"},
        "topowire:aws:ServiceAccess::ledger": {"policy_arn": "arn:aws:iam::123456789012:policy/shop-dev-ledger"},
        "topowire:aws:ServiceAccess::web": {"policy_arn": "arn:aws:iam::123456789012:policy/shop-dev-web"},
    },
    "azure": {
        "topowire:azure:Queue::orders": {"id": SB + "queues/shop-dev-orders", "name": "shop-dev-orders"},
        "topowire:azure:Topic::payments": {"id": SB + "topics/shop-dev-payments", "name": "shop-dev-payments"},
        "topowire:azure:Subscription::payments-ledger": {"id": SB + "topics/shop-dev-payments/subscriptions/ledger",
                                                         "name": "ledger"},
        # no azure_principal_id: an identity of its own, with receive on orders and on its payments subscription
        "topowire:azure:ServiceAccess::ledger": {"role_assignments": 2, "identity": {
            "client_id": "457b0404-40bf-593d-ae97-a7308605451d", "principal_id": "ffb74dde-4a47-58c9-805d-0dff4b4d94b8",
            "id": "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/shop-dev/providers/"
                  "Microsoft.ManagedIdentity/userAssignedIdentities/shop-dev-ledger"}},
        "topowire:azure:ServiceAccess::web": {"role_assignments": 2},      # send on orders, send on payments
    },
    "gcp": {
        "topowire:gcp:Queue::orders": {"subscription": PS + "subscriptions/shop-dev-orders",
                                       "topic": PS + "topics/shop-dev-orders"},
        "topowire:gcp:Topic::payments": {"topic": PS + "topics/shop-dev-payments"},
        "topowire:gcp:Subscription::payments-ledger": {"subscription": PS + "subscriptions/shop-dev-payments-ledger"},
        "topowire:gcp:ServiceAccess::ledger": {"email": "shop-dev-ledger@topowire-plan.iam.gserviceaccount.com"},
        "topowire:gcp:ServiceAccess::web": {"email": "shop-dev-web@topowire-plan.iam.gserviceaccount.com"},
    },
}


@pytest.mark.parametrize("cloud", sorted(EXPECTED))
def test_every_component_records_its_outputs(cloud, tmp_path, monkeypatch):
    import pulumi
    from pulumi.runtime import mocks

    from generator.plan import engine

    recorded = {}
    original = mocks.MockMonitor.RegisterResourceOutputs

    def listen(self, request):
        kind_and_name = request.urn.split("::", 2)[2].rsplit("$", 1)[-1]
        recorded[kind_and_name] = json.loads(json.dumps(pulumi.runtime.rpc.deserialize_properties(request.outputs)))
        return original(self, request)

    monkeypatch.setattr(mocks.MockMonitor, "RegisterResourceOutputs", listen)
    (tmp_path / "topology.yaml").write_text(TOPOLOGY)
    plan = engine.run(str(tmp_path / "topology.yaml"), cloud)
    got = {k: v for k, v in recorded.items() if k.startswith(f"topowire:{cloud}:") and "Topology::" not in k}
    assert got == EXPECTED[cloud]
    # The Topology component records what the stack exports (the golden plans pin those), but stack and prefix.
    exported = {k: v for k, v in plan.outputs.items() if k not in ("stack", "prefix")}
    assert recorded[f"topowire:{cloud}:Topology::shop"] == exported and exported["cloud"] == cloud
