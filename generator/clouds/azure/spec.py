"""Azure Service Bus names, tiers and limits (no Pulumi here)."""

from __future__ import annotations

import re

from .. import Adjust, DerivedName, PulumiName, Range, subscription_pulumi_names
from ..accepts import Accepts

CLOUD = "azure"
TITLE = "Azure"

LOCK_MAX = 5 * 60
DELIVERY_MIN, DELIVERY_MAX = 1, 2000  # Service Bus maxDeliveryCount (ACCEPTS below)


def max_delivery_count(dead_letter) -> int:
    """``maxDeliveryCount`` for a store's ``dead_letter``: Service Bus always dead-letters a message after that many
    deliveries and has no switch to stop it, so ``dead_letter: false`` takes the highest count Azure accepts
    (2,000): a message is retried that often before it reaches the sub-queue (docs/azure.md)."""
    return dead_letter.max_receive_count if dead_letter.enabled else DELIVERY_MAX


_ENTITY = r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"
_ENTITY_RULE = "letters, digits, '.', '-' and '_', starting and ending with a letter or digit"


def ranges(topo):
    premium = topo.clouds.azure_sku == "Premium"
    basic = topo.clouds.azure_sku == "Basic"
    out = [
        Range("max_message_size", 1024, (100 * 1024 if premium else 256) * 1024,
              f"Service Bus {topo.clouds.azure_sku} maximum message size", "size"),
        Range("max_receive_count", DELIVERY_MIN, DELIVERY_MAX, "Service Bus maxDeliveryCount", "count"),
    ]
    if basic:
        out.append(Range("retention", 1, 14 * 86400, "Service Bus Basic message time-to-live"))
    return out


def adjustments(topo):
    return [
        Adjust("visibility_timeout", lambda v: v > LOCK_MAX,
               "on Azure the lock duration is at most 5m; {text} is clamped to 5m",
               "consumers that need longer must renew the message lock (the SDKs' auto lock renewal does it)"),
        Adjust("delay", lambda v: v > 0,
               "Service Bus has no queue-level delivery delay; delay {text} is not applied on Azure",
               "publishers schedule messages instead (ScheduledEnqueueTimeUtc / schedule_messages)"),
        # The dead-letter sub-queue has no time-to-live of its own: "Messages remain in the DLQ until you explicitly
        # retrieve them" (Service Bus dead-letter queues); the entity's TTL does not apply to them either.
        Adjust("dead_letter_retention", lambda v: True,
               "Service Bus dead-letter sub-queues keep messages until they are received; dead_letter.retention "
               "{text} is not applied on Azure",
               "drain the dead-letter sub-queue (<entity>/$DeadLetterQueue) yourself, or leave retention out "
               "for Azure", written_only=True),
    ]


def message_size_kb(size: int) -> int:
    """``maxMessageSizeInKilobytes`` for a size in bytes: Premium takes 1024 KB (its default) up to 100 MB."""
    return max(1024, size // 1024)


def topic_message_size(topo, topic):
    """The largest message a topic must accept, in bytes: the largest ``max_message_size`` of its subscriptions
    (each already includes the topic's own and the defaults), or None (the cloud's default)."""
    sizes = [c.settings.max_message_size for c in topo.consumers.get(topic.name, ()) if c.settings.max_message_size]
    return max(sizes) if sizes else None


def entity_name(topo, channel) -> str:
    a = channel.adopt.get(CLOUD)  # adopt.azure.name: the entity that runs (docs/format.md#adopted-names)
    return a.name if a and a.name else f"{topo.prefix}-{channel.deployed_name}"


def subscription_name(topo, service: str, topic=None) -> str:
    a = topic.adopt.get(CLOUD) if topic is not None else None
    kept = (a.subscriptions.get(service) or {}).get("name") if a else None
    return kept or topo.deployed(service)


# Names only unique within the stack's own namespace; the namespace is the stack's.
STACK_SCOPED = ("servicebus-entity", "servicebus-subscription")


def derived_names(topo):
    out = []
    for ch in topo.channels():
        kind = "Service Bus queue" if ch.kind == "queue" else "Service Bus topic"
        out.append(DerivedName(CLOUD, kind, "servicebus-entity", entity_name(topo, ch), ch.path, 1, 260,
                               _ENTITY, _ENTITY_RULE))
    out.append(DerivedName(CLOUD, "resource group", "resource-group", resource_group_name(topo), ("name",), 1, 90,
                           r"^[-\w._()]*[-\w_()]$", "letters, digits and -._(), not ending with '.'"))
    out.append(DerivedName(CLOUD, "Service Bus namespace", "servicebus-namespace", namespace_name(topo), ("name",),
                           6, 50, _NAMESPACE, NAMESPACE_RULE))
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            out.append(DerivedName(CLOUD, "Service Bus subscription", f"servicebus-subscription:{t.name}",
                                   subscription_name(topo, c.service, t), c.path, 1, 50, _ENTITY, _ENTITY_RULE))
    for svc in created_identities(topo):
        out.append(DerivedName(CLOUD, "managed identity", "managed-identity", identity_name(topo, svc.name), svc.path,
                               3, IDENTITY_MAX, _IDENTITY, "letters, digits, '-' and '_', starting with a letter or "
                               "digit"))
    return out


ACCEPT_ALL = "1=1"  # the SQL form of the TrueFilter Azure gives every new subscription's $Default rule
OLD_RULE_TYPE = "azure-native:servicebus:Rule"  # how topowire managed $Default before servicebus.DefaultRule


# Words of the Service Bus SQL filter and action grammar (operators, constants, functions, scopes, actions), and
# SQL-92 words its parser may reserve: an attribute named like one of them is written delimited, ``[name]``.
SQL_KEYWORDS = frozenset("""
AND OR NOT IS NULL IN LIKE ESCAPE EXISTS TRUE FALSE NEWID PROPERTY P SYS USER SET REMOVE
ALL ANY BETWEEN BY CASE CAST DELETE DISTINCT ELSE END FROM GROUP HAVING INSERT INTO JOIN ON ORDER SELECT SOME
THEN UNION UNKNOWN UPDATE VALUES WHEN WHERE
""".split())
_REGULAR_IDENTIFIER = re.compile(r"[^\W\d_]\w*")  # a letter, then letters, digits and '_'


def sql_identifier(name: str) -> str:
    """An attribute name as a Service Bus SQL property: as is when it is a regular identifier, not a keyword;
    otherwise delimited, ``[HR-EmployeeID]``, with ``]`` doubled (the grammar's escape)."""
    if _REGULAR_IDENTIFIER.fullmatch(name) and name.upper() not in SQL_KEYWORDS:
        return name
    return "[" + name.replace("]", "]]") + "]"


def sql_filter(flt) -> str:
    """The Service Bus SQL filter of a topowire filter: ``status IN ('a', 'b') AND ...``; accept-all without one."""
    if not flt:
        return ACCEPT_ALL

    def quote(v: str) -> str:
        return "'" + v.replace("'", "''") + "'"

    return " AND ".join(f"{sql_identifier(attr)} IN ({', '.join(quote(v) for v in values)})" for attr, values in flt)




# Service Bus quotas (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas):
# "Maximum length of filter condition string: 1,024", "Number of SQL filters per topic: 2,000",
# "Number of subscriptions per topic: 2,000". Every subscription holds one SQL filter: ours, or the
# accept-all "$Default" (a TrueFilter, which is an SqlFilter "1=1").
SQL_FILTER_CHARS = SQL_FILTER_MAX = 1024
SUBSCRIPTIONS_PER_TOPIC = 2000
SQL_FILTERS_PER_TOPIC = 2000
# Tags: at most 50 name/value pairs per resource
# (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations)
MAX_TAGS = 50
# Role assignments: at most 4,000 per subscription
# (https://learn.microsoft.com/azure/role-based-access-control/troubleshoot-limits)
MAX_ROLE_ASSIGNMENTS = 4000


def filter_problems(flt) -> list:
    size = len(sql_filter(flt))
    if size > SQL_FILTER_MAX:
        return [f"the Service Bus SQL filter is {size} characters, the limit is {SQL_FILTER_MAX}"]
    return []


# Set only when an entity is created: changing them replaces it. Names are fixed, so the old one goes first
# (a create with the name still taken fails); `protect` makes Pulumi refuse that deletion.
REPLACE_ON = {
    "queue": ("requiresSession", "requiresDuplicateDetection"),
    "topic": ("requiresDuplicateDetection",),
    "subscription": ("requiresSession",),
}


def replacement(kind: str) -> dict:
    """Pulumi resource options for a ``kind`` of entity: what replaces it, and delete before replace."""
    return {"replace_on_changes": list(REPLACE_ON[kind]), "delete_before_replace": True}


ALERT_MAX = 260  # Microsoft.Insights/metricAlerts names: 1..260 characters


def alert_name(namespace: str, entity: str) -> str:
    """The dead-letter alert of an entity, ``<namespace>-<entity>-dead-letters``: alerts live in the resource group,
    which stacks may share, and namespace names are globally unique. Over 260 characters: cut, plus a hash."""
    name = f"{namespace}-{entity}-dead-letters"
    if len(name) <= ALERT_MAX:
        return name
    import hashlib  # only here: loading OpenSSL's hashes costs 2-3 ms of every start

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:ALERT_MAX - 9].rstrip('.-_')}-{digest}"


def role_assignment_name(scope: str, principal: str, role: str) -> str:
    """The deterministic GUID of (scope, principal, role), the triple Microsoft recommends naming an assignment by.

    ARM ids are case-insensitive: the parts are lowercased, so that a change of casing in a returned id does not
    rename (replace) the assignment.
    """
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"topowire:role-assignment:{scope.lower()}|{principal.lower()}|{role.lower()}"))


def topic_problems(n_subscriptions: int, n_filtered: int) -> list:
    out = []
    if n_subscriptions > SUBSCRIPTIONS_PER_TOPIC:
        out.append(f"{n_subscriptions} subscriptions; a Service Bus topic holds at most {SUBSCRIPTIONS_PER_TOPIC} "
                   f"(and {SQL_FILTERS_PER_TOPIC} SQL filters)")
    return out


def policy_problems(topo) -> list:
    out = []
    if len(topo.tags) > MAX_TAGS:
        out.append((("tags",), f"{len(topo.tags)} tags; Azure resources take at most {MAX_TAGS}"))
    assignments = sum(1 for pn in pulumi_names(topo) if pn.scope == "RoleAssignment")
    if assignments > MAX_ROLE_ASSIGNMENTS:
        out.append((("services",), f"{assignments:,} role assignments; an Azure subscription holds at most "
                                   f"{MAX_ROLE_ASSIGNMENTS:,}"))
    return out


SENDER_ROLE = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"  # Azure Service Bus Data Sender
RECEIVER_ROLE = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"  # Azure Service Bus Data Receiver
# Microsoft.ServiceBus/namespaces (resource-name-rules#microsoftservicebus): global, 6-50 characters, letters,
# digits and hyphens, starting with a letter, ending with a letter or digit; "-sb" and "-mgmt" endings are reserved.
_NAMESPACE = r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]$"
_NAMESPACE_RESERVED = r"-([Ss][Bb]|[Mm][Gg][Mm][Tt])$"  # a separate check: the schema's regexes have no lookahead
NAMESPACE_RULE = ("6 to 50 letters, digits and '-', starting with a letter, ending with a letter or digit, not "
                  "ending with -sb or -mgmt")


def iso_duration(seconds: int) -> str:
    """Seconds as an ISO 8601 duration, the form Service Bus takes: 600 -> PT10M, 86400 -> P1D."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    date = f"P{days}D" if days else "P"
    time = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return date + (f"T{time}" if time else "") if (days or time) else "PT0S"


def lock_duration(visibility_timeout: int) -> str:
    """The lock duration for a visibility timeout: clamped to 5 s..5 min (TOP203 warns)."""
    return iso_duration(min(max(visibility_timeout, 5), LOCK_MAX))


def container_name(topo) -> str:
    """The stack's resource group and namespace name: its prefix.

    The compatibility prefix (an environment whose ``prefix`` is the
    topology's bare name, which keeps the entity names of stacks deployed
    before environments) keeps their containers too: those were always
    ``<name>-<stack>``.
    """
    if topo.prefix == topo.name:
        return f"{topo.name}-{topo.stack}"
    return topo.prefix


# Microsoft.ManagedIdentity/userAssignedIdentities (resource-name-rules#microsoftmanagedidentity): resource group
# scope, 3-128 characters, letters, digits, '-' and '_', starting with a letter or digit.
IDENTITY_MAX = 128
_IDENTITY = r"^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$"


def identity_name(topo, service: str) -> str:
    """The managed identity created for a service without ``azure_principal_id``: ``<prefix>-<service>``, per stack
    (the resource group may be shared by stacks)."""
    return f"{topo.prefix}-{topo.deployed(service)}"


def created_identities(topo) -> list:
    """The services that get a created identity: every one without ``identity.azure_principal_id``."""
    return [s for s in topo.services.values() if not s.identity.azure_principal_id]


def resource_group_name(topo) -> str:
    return container_name(topo)


def namespace_name(topo, override: str | None = None) -> str:
    """The stack's Service Bus namespace, a global DNS name: an adopted stack's ``accounts.azure.namespace``, else
    the file's ``clouds.azure.namespace`` (per stack), else stack config ``namespace`` (``override``), else derived from the stack's prefix (6..50 characters).

    The derived name stays what it always was, so a deployed stack keeps its namespace; it is anyone's to take,
    so validate says so (TOP226) and the file can name one that is the user's.
    """
    import re

    adopted = topo.accounts.get(CLOUD)  # accounts.azure: the namespace that runs (topowire import azure)
    if adopted and adopted.get("namespace"):
        return adopted["namespace"]
    if topo.clouds.azure_namespace:
        return topo.clouds.azure_namespace
    if override:
        return override
    name = re.sub(r"[^A-Za-z0-9-]", "-", container_name(topo))[:50].rstrip("-")
    for bad in ("-sb", "-mgmt"):  # reserved endings
        if name.endswith(bad):
            name += "-ns"
    return name if len(name) >= 6 else (name + "-topowire")[:50]


def namespace_problem(name: str) -> str | None:
    import re

    if not re.match(_NAMESPACE, name) or re.search(_NAMESPACE_RESERVED, name):
        return (f"Service Bus namespace name '{name}' must have 6 to 50 letters, digits and '-', start with a letter, "
                "end with a letter or digit and not end with -sb or -mgmt")
    return None


# What replacing the namespace does (a new name, or a move to or from Premium): Azure deletes a namespace with
# everything in it, and there is no in-place change of tier to or from Premium; Microsoft's own route from Standard
# keeps the entities and messages (service-bus-migrate-standard-premium), outside Pulumi.
NAMESPACE_REPLACED = ("a new namespace: the old one is deleted first (its name is taken), with every queue, topic and "
                      "subscription in it and their messages; Pulumi refuses while the namespace is protected (always: "
                      "drain it, then 'pulumi state unprotect' it); Microsoft's Standard-to-Premium migration keeps "
                      "the entities and messages, outside topowire (docs/azure.md)")
NAMESPACE_REPLACE_ON = ("sku.capacity",)  # present exactly on Premium (its messaging units): see namespace_sku


def namespace_sku(sku: str) -> dict:
    """The namespace's ``sku`` input: Premium with 1 messaging unit; Basic and Standard without a capacity.

    ``capacity`` is there exactly when the tier is Premium, so ``replace_on_changes=["sku.capacity"]``
    (NAMESPACE_REPLACE_ON) replaces the namespace on a move to or from Premium, which Azure cannot make in place,
    and leaves Basic <-> Standard an in-place update, which it can.
    """
    return {"name": sku, "tier": sku, "capacity": 1 if sku == "Premium" else None}


def inventory(topo) -> list:
    """What diff compares on Azure: the namespace, queues, topics and subscriptions.

    Service Bus cannot switch sessions (``requiresSession``) or duplicate
    detection on an existing entity, nor move a namespace to or from Premium:
    those replace (``REPLACE_ON``; the program sets the same ``replace_on_changes``).
    Lock duration, delivery count, TTL, dead-lettering, the maximum message size
    and the subscription's ``$Default`` rule change in place. Deleting a topic
    deletes its subscriptions.
    """
    from .. import Item, settings_view

    sku = topo.clouds.azure_sku
    # not applied on Service Bus (TOP203, TOP207): no delay, no KMS key; the message size only on Premium
    skip = ("delay", "encryption") + (() if sku == "Premium" else ("max_message_size",))
    namespace = namespace_name(topo)
    # A new namespace (another name, or to or from Premium) replaces every entity in it: their namespaceName is
    # part of their resource path, and Pulumi replaces the dependents of a resource it deletes before replacing.
    inside = (("namespace", namespace), ("namespace premium", sku == "Premium"))
    out = [Item(CLOUD, "Service Bus namespace", ("namespace",), namespace,
                (("premium", sku == "Premium"),), (("sku", sku), ("tags", tuple(sorted(dict(topo.tags).items())))), True,
                "the topology", replaced=NAMESPACE_REPLACED)]
    for q in topo.queues.values():
        out.append(Item(CLOUD, "Service Bus queue", ("queue", q.deployed_name), entity_name(topo, q),
                        (("requiresSession", q.fifo), ("requiresDuplicateDetection", q.fifo)) + inside,
                        _settings_view(q.settings, skip), True, f"queue '{q.name}'", q.settings.protect))
    for t in topo.topics.values():
        tname = entity_name(topo, t)
        out.append(Item(CLOUD, "Service Bus topic", ("topic", t.deployed_name), tname,
                        (("requiresDuplicateDetection", t.fifo),) + inside,
                        (("supportOrdering", t.fifo), ("max_message_size", topic_message_size(topo, t))), False,
                        f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            out.append(Item(CLOUD, "Service Bus subscription", ("subscription", t.deployed_name, topo.deployed(c.service)),
                            f"{tname}/{subscription_name(topo, c.service, t)}",
                            (("topic", tname), ("requiresSession", t.fifo), ("topic requiresDuplicateDetection", t.fifo))
                            + inside,
                            _settings_view(c.settings, skip), True,
                            f"subscription of '{c.service}' to topic '{t.name}'", c.settings.protect))
    for svc in created_identities(topo):  # a new name is a new identity (its principal and client id change)
        out.append(Item(CLOUD, "managed identity", ("identity", svc.deployed_name), identity_name(topo, svc.name),
                        (), (("tags", tuple(sorted(dict(topo.tags).items()))),), False, f"service '{svc.name}'"))
    return out


def _settings_view(s, skip) -> tuple:
    """``settings_view`` with the delivery count the program sends (``max_delivery_count``): with ``dead_letter:
    false`` it is 2,000 whatever ``max_receive_count`` says, so a change of that is no update on Azure."""
    from .. import settings_view

    return tuple((k, max_delivery_count(s.dead_letter) if k == "max_receive_count" else v)
                 for k, v in settings_view(s, skip))


# What lowering a store's retention (defaultMessageTimeToLive) does: messages expire that much sooner after
# they are sent; expired messages are dead-lettered when dead_letter is on, dropped when it is off
# (Service Bus "Message expiration"; CreateQueueOptions.DefaultMessageTimeToLive).
RETENTION_LOWERED = "Service Bus expires messages sooner (to the dead-letter sub-queue if dead_letter is on, dropped if off)"


def access_label(kind: str, deployed: str) -> str:
    """What a role assignment is about: ``queue-<name>``, ``topic-<name>`` or ``subscription-<topic>``."""
    return f"{kind}-{deployed}"


def role_assignment_resource_name(service: str, role: str, label: str) -> str:
    """The Pulumi name of one role assignment of a service (``send`` or ``receive`` on ``label``)."""
    return f"{service}-{role}-{label}"


def pulumi_names(topo) -> list:
    """Pulumi names joined from several YAML names: subscriptions and role assignments."""
    out = subscription_pulumi_names(topo)
    for s in topo.services.values():  # every service: its principal, or the identity created for it
        for r in s.publishes:
            if topo.channel(r.channel) is None:  # unknown references are TOP101's
                continue
            kind = "queue" if r.channel in topo.queues else "topic"
            label = access_label(kind, topo.channel(r.channel).deployed_name)
            out.append(PulumiName("RoleAssignment", role_assignment_resource_name(s.name, "send", label), r.path,
                                  f"the role assignment letting '{s.name}' send to {kind} '{r.channel}'"))
        for c in s.consumes:
            if topo.channel(c.channel) is None:
                continue
            kind = "queue" if c.kind == "queue" else "subscription"
            label = access_label(kind, topo.channel(c.channel).deployed_name)
            out.append(PulumiName("RoleAssignment", role_assignment_resource_name(s.name, "receive", label), c.path,
                                  f"the role assignment letting '{s.name}' receive from '{c.channel}'"))
    return out


# What Azure accepts for every input the program sends (clouds/accepts.py), from the same constants the validator's
# ranges and name patterns use.
_SB_SPEC = ("azure-rest-api-specs specification/servicebus/resource-manager/Microsoft.ServiceBus/stable/2021-11-01 "
            "(Queue.json, topics.json, subscriptions.json, Rules.json, ../common/v1/definitions.json parameters)")
_SB_QUOTAS = "Service Bus quotas (learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas)"
_ALERT_SPEC = "Azure Monitor metric alerts REST reference (learn.microsoft.com/rest/api/monitor/metric-alerts)"
_SB_QUEUE, _SB_TOPIC = "azure-native:servicebus:Queue", "azure-native:servicebus:Topic"
_SB_SUB, _SB_RULE = "azure-native:servicebus:Subscription", "azure-native:servicebus:Rule"
_SB_NS, _ALERT = "azure-native:servicebus:Namespace", "azure-native:monitor:MetricAlert"
_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _entity_inputs():
    out = []
    for t in (_SB_QUEUE, _SB_SUB):
        out += [
            Accepts(t, "lockDuration", _SB_SPEC + ": at most 5 minutes; " + _SB_QUOTAS + ": at least 5 seconds", 5,
                    LOCK_MAX, unit="iso8601"),
            Accepts(t, "defaultMessageTimeToLive", _SB_SPEC + ": a positive ISO 8601 timespan", 1, None,
                    unit="iso8601"),
            Accepts(t, "maxDeliveryCount", _SB_QUOTAS + ": maximum delivery count 1 to 2000", DELIVERY_MIN,
                    DELIVERY_MAX),
            Accepts(t, "duplicateDetectionHistoryTimeWindow", _SB_QUOTAS + ": 20 seconds to 7 days", 20, 7 * 86400,
                    unit="iso8601"),
        ]
    for t in (_SB_QUEUE, _SB_TOPIC, _SB_SUB, _SB_RULE):
        out.append(Accepts(t, "namespaceName", _SB_SPEC + ": namespace name, 6 to 50", pattern=_NAMESPACE))
        out.append(Accepts(t, "resourceGroupName", _SB_SPEC + ": resource group name, 1 to 90",
                           pattern=r"[-\w._()]{0,89}[-\w_()]"))
    return out


ACCEPTS = (
    *_entity_inputs(),
    Accepts(_SB_QUEUE, "queueName", _SB_SPEC + ": entity name, 1 to 260", pattern=_ENTITY, max_len=260),
    Accepts(_SB_TOPIC, "topicName", _SB_SPEC + ": entity name, 1 to 260", pattern=_ENTITY, max_len=260),
    *(Accepts(t, "topicName", _SB_SPEC, pattern=_ENTITY, max_len=260) for t in (_SB_SUB, _SB_RULE)),
    *(Accepts(t, "subscriptionName", _SB_SPEC + ": SubscriptionNameParameter, 1 to 50", pattern=_ENTITY, max_len=50)
      for t in (_SB_SUB, _SB_RULE)),
    Accepts(_SB_RULE, "ruleName", _SB_SPEC + ": RuleNameParameter, 1 to 50", min_len=1, max_len=50),
    Accepts(_SB_RULE, "sqlFilter.sqlExpression", _SB_QUOTAS + ": a SQL filter condition is at most 1024 characters",
            max_len=1024),
    *(Accepts(t, "maxMessageSizeInKilobytes", _SB_SPEC + ": Premium only; " + _SB_QUOTAS + ": 1 MB to 100 MB",
              1024, 102400) for t in (_SB_QUEUE, _SB_TOPIC)),
    Accepts(_SB_NS, "namespaceName", _SB_SPEC + ": NamespaceNameParameter", pattern=_NAMESPACE),
    Accepts(_SB_NS, "sku.name", _SB_SPEC, choices=("Basic", "Standard", "Premium")),
    Accepts(_SB_NS, "sku.tier", _SB_SPEC, choices=("Basic", "Standard", "Premium")),
    Accepts(_SB_NS, "sku.capacity", _SB_SPEC + ": Premium messaging units", choices=(1, 2, 4, 8, 16)),
    Accepts(_SB_NS, "minimumTlsVersion", _SB_SPEC, choices=("1.0", "1.1", "1.2")),
    Accepts(_ALERT, "severity", _ALERT_SPEC + ": 0 to 4", 0, 4),
    Accepts(_ALERT, "windowSize", _ALERT_SPEC,
            choices=("PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D")),
    Accepts(_ALERT, "evaluationFrequency", _ALERT_SPEC, choices=("PT1M", "PT5M", "PT15M", "PT30M", "PT1H")),
    Accepts(_ALERT, "criteria.allOf[].threshold", _ALERT_SPEC + ": any double"),
    Accepts("azure-native:managedidentity:UserAssignedIdentity", "resourceName",
            "naming rules, Microsoft.ManagedIdentity/userAssignedIdentities: 3 to 128 characters, letters, digits, "
            "'-' and '_', starting with a letter or digit", pattern=_IDENTITY, min_len=3, max_len=IDENTITY_MAX),
    Accepts("azure-native:authorization:RoleAssignment", "roleAssignmentName",
            "Azure RBAC REST reference, role assignments: the name is a GUID", pattern=_GUID),
    *(Accepts(t, "tags.*", "Azure tags: a value is at most 256 characters", max_len=256)
      for t in ("azure-native:resources:ResourceGroup", _SB_NS, _ALERT)),
    # The claim-check storage account's lifecycle (clouds/azure/payloads.py): Storage REST API, DateAfterCreation
    # daysAfterCreationGreaterThan "must be between 0 and 99999" (Microsoft.Storage management policies).
    Accepts("azure-native:storage:ManagementPolicy",
            "policy.rules[].definition.actions.baseBlob.delete.daysAfterCreationGreaterThan",
            "Storage REST API, ManagementPolicy DateAfterCreation: 0 to 99999 days", 0, 99999),
)


def dependents(topo) -> list:
    """What follows the items of ``inventory`` on Azure (see docs/azure.md).

    A role assignment's ``scope`` is the entity it grants on, and part of its resource id
    (``/{scope}/providers/Microsoft.Authorization/roleAssignments/{name}``): a replaced entity replaces
    it. A subscription's filter rule lives inside the subscription and goes with it. A new
    ``azure_principal_id`` replaces the service's assignments (their name is the GUID of scope, principal
    and role, ``role_assignment_name``; the principal is compared lowercased, as that name is), and so does a
    move between a given principal and the identity topowire creates (or a new name of that identity).
    """
    from .. import Dependent

    out = []
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):   # every subscription's "$Default" rule is managed (azure/program.py)
            key = ("subscription", t.deployed_name, topo.deployed(c.service))
            out.append(Dependent(CLOUD, "Service Bus filter rule", ("rule",) + key[1:],
                                 f"{entity_name(topo, t)}/{subscription_name(topo, c.service, t)}/$Default",
                                 ((key, "replace"),), f"subscription of '{c.service}' to topic '{t.name}'",
                                 "the subscription it belongs to", update=(("filter", c.filter),)))
    # One alert per queue and topic (unless stack config alerts: false), on the namespace, naming the entity by
    # name: a replaced entity of the same name keeps it; its action group changes in place.
    namespace = namespace_name(topo)
    group = topo.clouds.azure_action_group or ("none" if topo.clouds.notifies_no_one_on_purpose("azure") else None)
    for ch in topo.channels():
        entity = entity_name(topo, ch)
        out.append(Dependent(CLOUD, "Azure Monitor metric alert", ("alert", ch.kind, ch.deployed_name),
                             alert_name(namespace, entity), (((ch.kind, ch.deployed_name), "none"),),
                             f"{ch.kind} '{ch.name}'", "its entity", named=True,
                             update=(("action_group", group), ("tags", tuple(sorted(dict(topo.tags).items()))))))
    for s in topo.services.values():
        principal = (s.identity.azure_principal_id.lower() if s.identity.azure_principal_id else
                     f"the managed identity {identity_name(topo, s.name)}")
        grants = []
        for r in s.publishes:
            ch = topo.channel(r.channel)
            grants.append(("send", (ch.kind, ch.deployed_name)))
        for c in s.consumes:
            ch = topo.channel(c.channel)
            grants.append(("receive", ("queue", ch.deployed_name) if ch.kind == "queue" else
                           ("subscription", ch.deployed_name, topo.deployed(s.name))))
        for role, key in sorted(set(grants)):
            out.append(Dependent(CLOUD, "role assignment", ("role-assignment", s.deployed_name, role) + key,
                                 f"{s.name} may {role} on {key[1]}", ((key, "replace"),), f"service '{s.name}'",
                                 "scope", replace_on=(("principal", principal),)))
    return out


def environment(topo, namespace: str | None = None, client_ids: dict | None = None) -> dict:
    """Each service's environment as the Azure program exports it, without Pulumi (see clouds.aws.spec.environment).

    ``client_ids``: service -> the client id of the identity created for it, once known (a placeholder before)."""
    from .. import env_name

    out = {}
    for s in topo.services.values():
        env = {"SERVICEBUS_FULLY_QUALIFIED_NAMESPACE": f"{namespace_name(topo, namespace)}.servicebus.windows.net"}
        if not s.identity.azure_principal_id:  # known once the identity exists
            env["AZURE_CLIENT_ID"] = (client_ids or {}).get(s.name) or f"<client id of {identity_name(topo, s.name)}>"
        for r in s.publishes:
            ch = topo.channel(r.channel)
            env[env_name(r.channel, "QUEUE_NAME" if ch.kind == "queue" else "TOPIC_NAME")] = entity_name(topo, ch)
        for c in s.consumes:
            ch = topo.channel(c.channel)
            if ch.kind == "queue":
                env[env_name(c.channel, "QUEUE_NAME")] = entity_name(topo, ch)
            else:
                env[env_name(c.channel, "TOPIC_NAME")] = entity_name(topo, ch)
                env[env_name(c.channel, "SUBSCRIPTION_NAME")] = subscription_name(topo, s.name, ch)
        env.update(payload_environment(topo, s))
        out[s.name] = dict(sorted(env.items()))
    return out


def identity_note(topo, service):
    """(message, hint) saying what a service gets on Azure when the file names no principal for it, or None (TOP221).

    Local (SAS) auth is off, so a service can only use Entra ID: topowire creates a user-assigned managed identity
    for it, with the service's role assignments; the service must run as that identity."""
    from .. import access_words

    if service.identity.azure_principal_id or not (service.publishes or service.consumes):
        return None
    name = identity_name(topo, service.name)
    return (f"on Azure, service '{service.name}' names no principal (identity.azure_principal_id): topowire creates "
            f"user-assigned managed identity '{name}' with its Service Bus roles ({access_words(topo, service)}); "
            "the namespace takes no SAS keys, so the service can use them only when it runs as that identity",
            f"attach stack output services.{service.name}.identity.id to the service's compute (its env carries "
            "AZURE_CLIENT_ID for DefaultAzureCredential), or set identity.azure_principal_id (per stack: "
            f"environments.<stack>.services.{service.name}.identity.azure_principal_id) to the identity it runs as")


def alarms(topo) -> int:
    """How many Azure Monitor alerts the stack creates (unless stack config ``alerts`` is false): one per queue and
    topic, on its dead-lettered messages."""
    return len(topo.queues) + len(topo.topics)


ALARM_TARGET = ("clouds.azure.action_group", "an action group's resource id",
                "Azure Monitor alert", "Azure Monitor alerts")


# Large payloads (claim check, docs/format.md#large-payloads): Service Bus quotas, "Maximum message size":
# 256 KB on Basic and Standard, 100 MB on Premium (learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas).
def payload_limit(topo, channel) -> tuple:
    """(bytes, what): the largest body the channel's broker carries itself."""
    premium = topo.clouds.azure_sku == "Premium"
    return (100 * 1024 * 1024 if premium else 256 * 1024), f"a Service Bus {topo.clouds.azure_sku} message"


# Claim-check storage (generator/clouds/azure/payloads.py). Built-in roles (learn.microsoft.com/azure/role-based-
# access-control/built-in-roles/storage): Storage Blob Data Contributor reads, writes and deletes blobs; Reader reads.
BLOB_CONTRIBUTOR_ROLE = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
BLOB_READER_ROLE = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
STORAGE_ACCOUNT_MAX = 24  # 3-24 lowercase letters and digits, globally unique (storage account naming rules)
CONTAINER_MAX = 63  # 3-63 lowercase letters, digits and '-'


def storage_account_name(topo) -> str:
    """The stack's payload storage account: its prefix's letters and digits, 'pl', and 8 hex digits of the prefix."""
    import hashlib
    import re

    digest = hashlib.sha256(topo.prefix.encode("utf-8")).hexdigest()[:8]
    letters = re.sub(r"[^a-z0-9]", "", topo.prefix.lower())
    return f"{letters[:STORAGE_ACCOUNT_MAX - 10]}pl{digest}"


def payload_container_name(channel) -> str:
    """One container per offloading channel: role assignments scope to a container, not to a blob prefix."""
    from ...payloads import fit

    return fit(f"{channel.deployed_name}-payloads", CONTAINER_MAX)


def payload_environment(topo, service) -> dict:
    """What a service needs to offload: per channel it uses that offloads, account URL, container, prefix, threshold."""
    from .. import env_name
    from ...payloads import object_prefix, threshold

    env = {}
    for channel, _role, _id in payload_roles(topo, service):
        env[env_name(channel.name, "PAYLOAD_ACCOUNT_URL")] = f"https://{storage_account_name(topo)}.blob.core.windows.net"
        env[env_name(channel.name, "PAYLOAD_CONTAINER")] = payload_container_name(channel)
        env[env_name(channel.name, "PAYLOAD_PREFIX")] = object_prefix(channel)
        env[env_name(channel.name, "PAYLOAD_THRESHOLD")] = str(threshold(topo, channel, "azure"))
    return env


def payload_roles(topo, service) -> list:
    """[(channel, role name, role id), ...]: what a service needs on each offloading channel's container.

    Publishing needs write, which only Contributor grants among the built-in blob roles; consuming a queue
    reads and deletes (Contributor); a topic's blob is shared by every subscription, so its subscribers read.
    """
    from ...payloads import offloading

    offloads = {c.name for c in offloading(topo)}
    roles = {}
    for r in service.publishes:
        if r.channel in offloads:
            roles[r.channel] = ("contributor", BLOB_CONTRIBUTOR_ROLE)
    for c in service.consumes:
        if c.channel in offloads and c.channel not in roles:
            roles[c.channel] = (("contributor", BLOB_CONTRIBUTOR_ROLE) if c.kind == "queue" else
                                ("reader", BLOB_READER_ROLE))
    return [(topo.channel(n), *roles[n]) for n in sorted(roles)]
