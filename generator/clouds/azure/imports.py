"""The Pulumi import ids of what a stack adopts on Azure Service Bus, and the inputs an adopted entity keeps live.

Pure Python (the program and `drift` use it). An azure-native resource is imported by its ARM resource id
(the Pulumi registry, azure-native servicebus Queue/Topic/Subscription/Rule/Namespace, "Import":
``/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ServiceBus/namespaces/
{namespaceName}/queues/{queueName}``); ``accounts.azure`` says the subscription, resource group and namespace.
"""

from __future__ import annotations

from . import spec

# What the format cannot state, or the program states only for entities it creates: an adopted entity keeps its
# live value (Pulumi's ignoreChanges sends the imported value), so the first `pulumi up` changes none of them and
# never replaces (requiresSession and requiresDuplicateDetection replace: spec.REPLACE_ON).
_COMMON = ("autoDeleteOnIdle", "enableBatchedOperations", "status", "userMetadata",
           "requiresDuplicateDetection", "duplicateDetectionHistoryTimeWindow")
# deadLetteringOnMessageExpiration: what an adopted entity does with expired messages stays as it runs (the
# format's dead_letter sets it together with the delivery count: adopt.settings).
QUEUE_KEPT = _COMMON + ("deadLetteringOnMessageExpiration", "forwardTo", "forwardDeadLetteredMessagesTo", "enablePartitioning", "enableExpress",
                        "maxSizeInMegabytes", "maxMessageSizeInKilobytes", "requiresSession")
TOPIC_KEPT = _COMMON + ("defaultMessageTimeToLive", "supportOrdering", "enablePartitioning", "enableExpress",
                        "maxSizeInMegabytes", "maxMessageSizeInKilobytes")
SUBSCRIPTION_KEPT = ("deadLetteringOnMessageExpiration", "autoDeleteOnIdle", "enableBatchedOperations", "status", "userMetadata", "forwardTo",
                     "forwardDeadLetteredMessagesTo", "deadLetteringOnFilterEvaluationExceptions", "requiresSession",
                     "duplicateDetectionHistoryTimeWindow", "isClientAffine", "clientAffineProperties")
# A $Default rule whose filter the file does not state (not translated, or accept-all) keeps the live one: setting
# accept-all over an untranslated filter would change what the subscription receives.
RULE_KEPT = ("filterType", "sqlFilter", "correlationFilter", "action")
NAMESPACE_KEPT = ("location", "sku", "minimumTlsVersion", "disableLocalAuth", "tags")
RULE = "$Default"


def location(topo):
    """(subscription id, resource group, namespace) of ``accounts.azure``, or None."""
    acc = topo.accounts.get(spec.CLOUD)
    if not acc:
        return None
    return acc["subscription"], acc["resource_group"], acc["namespace"]


def namespace_id(topo) -> str | None:
    loc = location(topo)
    if loc is None:
        return None
    return f"/subscriptions/{loc[0]}/resourceGroups/{loc[1]}/providers/Microsoft.ServiceBus/namespaces/{loc[2]}"


def _adopted(channel):
    return channel.adopt.get(spec.CLOUD)


def adopted_subscription(topic, service: str) -> dict:
    a = _adopted(topic)
    return dict(a.subscriptions.get(service) or {}) if a else {}


def queue_import_id(topo, queue) -> str | None:
    a, ns = _adopted(queue), namespace_id(topo)
    return f"{ns}/queues/{spec.entity_name(topo, queue)}" if a and a.name and ns else None


def topic_import_id(topo, topic) -> str | None:
    a, ns = _adopted(topic), namespace_id(topo)
    return f"{ns}/topics/{spec.entity_name(topo, topic)}" if a and a.name and ns else None


def subscription_import_id(topo, topic, service: str) -> str | None:
    tid = topic_import_id(topo, topic)
    if not tid or not adopted_subscription(topic, service).get("name"):
        return None
    return f"{tid}/subscriptions/{spec.subscription_name(topo, service, topic)}"


def rule_import_id(topo, topic, service: str) -> str | None:
    sid = subscription_import_id(topo, topic, service)
    return f"{sid}/rules/{RULE}" if sid else None


def rule_kept(consumer) -> tuple:
    """The rule inputs an adopted subscription keeps: all of its filter when the file states none."""
    return ("action",) if consumer.filter else RULE_KEPT
