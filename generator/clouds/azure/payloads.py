"""Claim-check storage on Azure: a storage account, one blob container per offloading channel, and RBAC.

- ``topowire:azure:PayloadStore``: a StorageV2 account with secure transfer
  only, TLS 1.2 at least, no public blob access, no shared-key (SAS/account
  key) access: Entra ID and RBAC only; Microsoft-managed encryption at rest;
  one private container per channel; a lifecycle management policy with one
  rule per channel (``prefixMatch`` ``<container>/<channel>/``) that deletes a
  blob after the channel's retention plus dead-letter retention in days.
- ``topowire:azure:PayloadAccess``: Storage Blob Data Contributor on the
  container of a channel the service publishes to or consumes from a queue,
  Reader on the container of a topic it subscribes to; scoped to the
  container, the finest scope a built-in role assignment takes.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization, storage

from . import spec
from ... import payloads


class PayloadStore(pulumi.ComponentResource):
    def __init__(self, name: str, topo, rg_name, location, opts=None):
        super().__init__("topowire:azure:PayloadStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        channels = payloads.offloading(topo)
        protect = any(s.protect for c in channels for s in payloads.stores_of(topo, c))
        self.account_name = spec.storage_account_name(topo)
        account = storage.StorageAccount(
            f"{name}-account", account_name=self.account_name, resource_group_name=rg_name, location=location,
            kind="StorageV2", sku=storage.SkuArgs(name="Standard_LRS"), enable_https_traffic_only=True,
            minimum_tls_version="TLS1_2", allow_blob_public_access=False, allow_shared_key_access=False,
            default_to_o_auth_authentication=True, tags=dict(topo.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=protect))
        self.account_id = account.id
        self.blob_url = f"https://{self.account_name}.blob.core.windows.net"
        self.containers = {}
        for c in channels:
            container = storage.BlobContainer(
                f"{name}-{c.name}-container", account_name=account.name, resource_group_name=rg_name,
                container_name=spec.payload_container_name(c), public_access="None", opts=child)
            self.containers[c.name] = container
        storage.ManagementPolicy(
            f"{name}-lifecycle", account_name=account.name, resource_group_name=rg_name,
            management_policy_name="default",  # the only name Azure accepts
            policy=storage.ManagementPolicySchemaArgs(rules=[
                storage.ManagementPolicyRuleArgs(
                    name=payloads.object_prefix(c).rstrip("/"), type="Lifecycle", enabled=True,
                    definition=storage.ManagementPolicyDefinitionArgs(
                        filters=storage.ManagementPolicyFilterArgs(
                            blob_types=["blockBlob"],
                            prefix_match=[f"{spec.payload_container_name(c)}/{payloads.object_prefix(c)}"]),
                        actions=storage.ManagementPolicyActionArgs(base_blob=storage.ManagementPolicyBaseBlobArgs(
                            delete=storage.DateAfterModificationArgs(
                                days_after_creation_greater_than=payloads.expiry_days(topo, c))))))
                for c in sorted(channels, key=lambda c: c.name)]),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(self.containers.values())))
        self.register_outputs({"account": self.account_name})


class PayloadAccess(pulumi.ComponentResource):
    def __init__(self, name: str, topo, service, store: PayloadStore, subscription_id, opts=None, principal=None):
        super().__init__("topowire:azure:PayloadAccess", name, None, opts)
        principal = principal if principal is not None else service.identity.azure_principal_id
        self.assignments = []
        if principal is not None:
            for channel, role_name, role in spec.payload_roles(topo, service):
                scope = store.containers[channel.name].id
                self.assignments.append(authorization.RoleAssignment(
                    f"{name}-{channel.name}-{role_name}",
                    role_assignment_name=pulumi.Output.all(scope, principal).apply(
                        lambda a, r=role: spec.role_assignment_name(a[0], a[1], r)),
                    principal_id=principal, principal_type="ServicePrincipal",
                    role_definition_id=subscription_id.apply(
                        lambda sub, r=role: f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{r}"),
                    scope=scope, description=f"topowire: {service.name} payloads of {channel.name} ({role_name})",
                    opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True)))
        self.register_outputs({"role_assignments": len(self.assignments)})


def environment(topo, service, store) -> dict:
    """``spec.payload_environment`` (the core computes the same for diff); nothing when no store is built."""
    return spec.payload_environment(topo, service) if store is not None else {}


def build(topo, rg_name, location, subscription_id, child, principals=None):
    """(store, {service: PayloadAccess}), or (None, {}) when no channel offloads. ``principals``: each service's
    principal (given, or its created identity's), as ServiceAccess grants it."""
    if not payloads.offloading(topo):
        return None, {}
    store = PayloadStore("payloads", topo, rg_name, location, child)
    access = {s.name: PayloadAccess(f"{s.name}-payloads", topo, s, store, subscription_id, child,
                                    (principals or {}).get(s.name))
              for s in topo.services.values() if spec.payload_roles(topo, s)}
    return store, access


def outputs(topo, store) -> dict:
    return {"account": store.account_name, "blob_url": store.blob_url,
            "channels": {c.name: {"container": spec.payload_container_name(c), "prefix": payloads.object_prefix(c),
                                  "threshold": payloads.threshold(topo, c, "azure"),
                                  "expiry_days": payloads.expiry_days(topo, c)}
                         for c in sorted(payloads.offloading(topo), key=lambda c: c.name)}}
