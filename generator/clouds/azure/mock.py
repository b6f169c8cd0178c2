"""What Azure Resource Manager would answer: ids and outputs for Pulumi's mock engine."""

from __future__ import annotations

import uuid

SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
LOCATION = "westeurope"


def _rg(inputs) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{inputs['resourceGroupName']}"


def _ns(inputs) -> str:
    return f"{_rg(inputs)}/providers/Microsoft.ServiceBus/namespaces/{inputs['namespaceName']}"


def new_resource(typ: str, name: str, inputs: dict, region: str) -> tuple:
    state = dict(inputs)
    location = region or LOCATION
    if typ == "azure-native:resources:ResourceGroup":
        rid = _rg(inputs)
        state.update(id=rid, name=inputs["resourceGroupName"], location=inputs.get("location") or location,
                     provisioningState="Succeeded")
        return rid, state
    if typ == "azure-native:servicebus:Namespace":
        rid = _ns(inputs)
        n = inputs["namespaceName"]
        state.update(id=rid, name=n, serviceBusEndpoint=f"https://{n}.servicebus.windows.net:443/",
                     metricId=f"{SUBSCRIPTION}:{n}", status="Active", provisioningState="Succeeded",
                     type="Microsoft.ServiceBus/Namespaces")
        return rid, state
    if typ == "azure-native:servicebus:Queue":
        rid = f"{_ns(inputs)}/queues/{inputs['queueName']}"
        state.update(id=rid, name=inputs["queueName"], status="Active", type="Microsoft.ServiceBus/Namespaces/Queues")
        return rid, state
    if typ == "azure-native:servicebus:Topic":
        rid = f"{_ns(inputs)}/topics/{inputs['topicName']}"
        state.update(id=rid, name=inputs["topicName"], status="Active", type="Microsoft.ServiceBus/Namespaces/Topics")
        return rid, state
    if typ == "azure-native:servicebus:Subscription":
        rid = f"{_ns(inputs)}/topics/{inputs['topicName']}/subscriptions/{inputs['subscriptionName']}"
        state.update(id=rid, name=inputs["subscriptionName"], status="Active",
                     type="Microsoft.ServiceBus/Namespaces/Topics/Subscriptions")
        return rid, state
    if typ == "azure-native:servicebus:DefaultRule":
        rid = (f"{_ns(inputs)}/topics/{inputs['topicName']}/subscriptions/{inputs['subscriptionName']}"
               "/rules/$Default")
        state.update(id=rid, name="$Default", type="Microsoft.ServiceBus/Namespaces/Topics/Subscriptions/Rules")
        return rid, state
    if typ == "azure-native:authorization:RoleAssignment":
        rid = f"{inputs['scope']}/providers/Microsoft.Authorization/roleAssignments/{inputs['roleAssignmentName']}"
        state.update(id=rid, name=inputs["roleAssignmentName"], type="Microsoft.Authorization/roleAssignments")
        return rid, state
    if typ == "azure-native:storage:StorageAccount":
        rid = f"{_rg(inputs)}/providers/Microsoft.Storage/storageAccounts/{inputs['accountName']}"
        state.update(id=rid, name=inputs["accountName"], type="Microsoft.Storage/storageAccounts",
                     primaryEndpoints={"blob": f"https://{inputs['accountName']}.blob.core.windows.net/"})
        return rid, state
    if typ == "azure-native:storage:BlobContainer":
        rid = (f"{_rg(inputs)}/providers/Microsoft.Storage/storageAccounts/{inputs['accountName']}/blobServices/default"
               f"/containers/{inputs['containerName']}")
        state.update(id=rid, name=inputs["containerName"], type="Microsoft.Storage/storageAccounts/blobServices/containers")
        return rid, state
    if typ == "azure-native:storage:ManagementPolicy":
        rid = f"{_rg(inputs)}/providers/Microsoft.Storage/storageAccounts/{inputs['accountName']}/managementPolicies/default"
        state.update(id=rid, name="DefaultManagementPolicy", type="Microsoft.Storage/storageAccounts/managementPolicies")
        return rid, state
    if typ == "azure-native:managedidentity:UserAssignedIdentity":
        n = inputs["resourceName"]
        rid = f"{_rg(inputs)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{n}"
        state.update(id=rid, name=n, type="Microsoft.ManagedIdentity/userAssignedIdentities", tenantId=TENANT,
                     principalId=str(uuid.uuid5(uuid.NAMESPACE_URL, "principal:" + rid)),
                     clientId=str(uuid.uuid5(uuid.NAMESPACE_URL, "client:" + rid)))
        return rid, state
    if typ == "azure-native:monitor:MetricAlert":
        rid = f"{_rg(inputs)}/providers/Microsoft.Insights/metricAlerts/{inputs['ruleName']}"
        state.update(id=rid, name=inputs["ruleName"], type="Microsoft.Insights/metricAlerts")
        return rid, state
    return f"{name}-{uuid.uuid5(uuid.NAMESPACE_URL, typ + name)}", state


def call(token: str, args: dict, region: str) -> dict:
    if token == "azure-native:authorization:getClientConfig":
        return {"clientId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "objectId": "3c1f7a52-6d0e-4b8a-9a51-2f4d8e9b7c10",
                "subscriptionId": SUBSCRIPTION, "tenantId": TENANT}
    if token == "azure-native:resources:getResourceGroup":
        name = args["resourceGroupName"]
        return {"id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{name}", "name": name,
                "location": region or LOCATION, "type": "Microsoft.Resources/resourceGroups"}
    raise NotImplementedError(f"the Azure mocks do not answer {token}")
