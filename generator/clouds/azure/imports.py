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


# An adopted role assignment keeps what topowire does not set (Pulumi's ignoreChanges sends the imported value):
# its description, and what only an assignment made elsewhere can have.
ASSIGNMENT_KEPT = ("description", "condition", "conditionVersion", "delegatedManagedIdentityResourceId")
ROLE_FOR = {"send": spec.SENDER_ROLE, "receive": spec.RECEIVER_ROLE}  # what the program assigns
ROLE_NAMES = {spec.SENDER_ROLE: "Azure Service Bus Data Sender", spec.RECEIVER_ROLE: "Azure Service Bus Data Receiver",
              "090c5cfd-751d-490a-894a-3ce6f1109419": "Azure Service Bus Data Owner"}


def adopted_assignment(topo, channel, service: str, role: str) -> dict:
    """The live role assignment ``{"name", "role"}`` the file adopts for ``service`` doing ``role`` ("send" |
    "receive") on ``channel`` (a queue or topic; receiving from a topic is its subscription's), or {}."""
    a = _adopted(channel)
    if not a or not topo.services[service].identity.azure_principal_id:
        return {}
    if channel.kind == "topic" and role == "receive":
        return dict(adopted_subscription(channel, service).get("role_assignment") or {})
    return dict((a.role_assignments.get(service) or {}).get(role) or {})


def assignment_scope_id(topo, channel, service: str, role: str) -> str | None:
    """The ARM id of the entity a service's assignment is scoped to, as adopted (a subscription when receiving
    from a topic)."""
    if channel.kind == "queue":
        return queue_import_id(topo, channel)
    return subscription_import_id(topo, channel, service) if role == "receive" else topic_import_id(topo, channel)


def assignment_import(topo, channel, service: str, role: str):
    """(role assignment name, import id) when the file adopts a live assignment of exactly topowire's role for this
    grant, else None: Azure refuses a second assignment of one principal, role and scope (409
    RoleAssignmentExists, docs/azure.md#adopting-what-runs), whatever its name, so `pulumi up` imports it."""
    live = adopted_assignment(topo, channel, service, role)
    scope = assignment_scope_id(topo, channel, service, role)
    if not live.get("name") or str(live.get("role", "")).lower() != ROLE_FOR[role] or not scope:
        return None
    name = live["name"].lower()
    return name, f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"


def assignment_notes(topo) -> dict:
    """Pulumi resource name -> (harmless, note) for the role assignments the first `pulumi up` of an adopting stack
    creates: beside a live one of another role (a different triple, so Azure accepts it), or, for a principal the
    file names on an adopted entity with no adopted assignment, one that Azure refuses if it exists already."""
    out = {}
    for s in topo.services.values():
        grants = [("send", topo.channel(r.channel)) for r in s.publishes] + \
                 [("receive", topo.channel(c.channel)) for c in s.consumes]
        for role, ch in grants:
            if not _adopted(ch) or assignment_import(topo, ch, s.name, role):
                continue
            kind = "queue" if ch.kind == "queue" else ("subscription" if role == "receive" else "topic")
            resource = spec.role_assignment_resource_name(s.name, role, spec.access_label(kind, ch.deployed_name))
            topowire_role = ROLE_NAMES[ROLE_FOR[role]]
            live = adopted_assignment(topo, ch, s.name, role)
            if live.get("name"):
                live_role = str(live.get("role", "")).lower()
                out[resource] = (True, f"{topowire_role} for '{s.name}' beside its live assignment {live['name']} "
                                       f"({ROLE_NAMES.get(live_role, 'custom role ' + live_role)}), which stays as "
                                       "it runs: another role is another assignment, Azure accepts both; remove the "
                                       "live one by hand for least privilege")
            elif s.identity.azure_principal_id:
                out[resource] = (False, f"{topowire_role} for principal {s.identity.azure_principal_id.lower()} on "
                                        f"adopted {ch.kind} '{ch.name}': if that principal already holds this role "
                                        "there, Azure refuses a second assignment (409 RoleAssignmentExists); adopt "
                                        "it (`topowire import azure` writes adopt.azure role assignments)")
    return out
