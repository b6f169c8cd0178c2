"""The topology on Azure Service Bus, as Pulumi ComponentResources (``topowire:azure:<Type>``).

- ``Topology``: the resource group (or the existing one named in stack config),
  one Service Bus namespace (tier from ``clouds.azure.sku``, TLS 1.2, local SAS
  auth off unless asked for), everything below, and the stack outputs.
- ``Queue``: a Service Bus queue; dead letters go to its built-in
  ``$DeadLetterQueue`` sub-queue; an alert on dead-lettered messages.
- ``Topic``: a Service Bus topic; an alert on dead-lettered messages.
- ``Subscription``: one consuming service's subscription to a topic, and its
  ``$Default`` rule: the consumer's SQL filter, or accept-all (``1=1``).
- ``ServiceAccess``: role assignments of the built-in Data Sender / Data
  Receiver roles to the service's principal, scoped to exact entities; a
  service that names no ``azure_principal_id`` gets a user-assigned managed
  identity of its own (``<prefix>-<service>``), whose client id it is given
  as ``AZURE_CLIENT_ID``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_azure_native import authorization, managedidentity, monitor, resources, servicebus

from . import imports
from . import payloads as payload_store
from . import spec
from .. import renames
from .. import subscription_resource_name
from ..components import adopted, env_name, with_aliases

DUPLICATE_WINDOW = "PT10M"


@dataclass
class Options:
    resource_group: Optional[str] = None
    namespace: Optional[str] = None
    location: Optional[str] = None
    local_auth: bool = False
    action_group: Optional[str] = None
    alerts: bool = True



def _entity_settings(settings, fifo: bool, sku: str) -> dict:
    out = dict(
        lock_duration=spec.lock_duration(settings.visibility_timeout),
        max_delivery_count=spec.max_delivery_count(settings.dead_letter),
        default_message_time_to_live=spec.iso_duration(settings.retention),
        # Service Bus always dead-letters after maxDeliveryCount (no switch): dead_letter: false takes the highest
        # count (spec.max_delivery_count) and stops dead-lettering of expired messages (they are then dropped).
        dead_lettering_on_message_expiration=settings.dead_letter.enabled,
        requires_session=fifo or None,
    )
    if sku == "Premium" and settings.max_message_size:
        out["max_message_size_in_kilobytes"] = spec.message_size_kb(settings.max_message_size)
    return out




class Queue(pulumi.ComponentResource):
    def __init__(self, name, topo, queue, ns, opts=None):
        super().__init__("topowire:azure:Queue", name, None, opts)
        s = queue.settings
        self.entity_name = spec.entity_name(topo, queue)
        args = _entity_settings(s, queue.fifo, ns.sku)
        self.queue = servicebus.Queue(
            f"{name}-queue", queue_name=self.entity_name, namespace_name=ns.name, resource_group_name=ns.rg_name,
            requires_duplicate_detection=True if queue.fifo else None,
            duplicate_detection_history_time_window=DUPLICATE_WINDOW if queue.fifo else None,
            opts=adopted(pulumi.ResourceOptions(parent=self, protect=s.protect, **spec.replacement("queue")),
                         imports.queue_import_id(topo, queue), imports.QUEUE_KEPT), **args)
        self.id = self.queue.id
        _alert(self, name, topo, ns, self.entity_name)
        self.register_outputs({"name": self.entity_name, "id": self.id})


class Topic(pulumi.ComponentResource):
    def __init__(self, name, topo, topic, ns, opts=None):
        super().__init__("topowire:azure:Topic", name, None, opts)
        self.entity_name = spec.entity_name(topo, topic)
        size = spec.topic_message_size(topo, topic)
        self.topic = servicebus.Topic(
            f"{name}-topic", topic_name=self.entity_name, namespace_name=ns.name, resource_group_name=ns.rg_name,
            support_ordering=True if topic.fifo else None,
            requires_duplicate_detection=True if topic.fifo else None,
            duplicate_detection_history_time_window=DUPLICATE_WINDOW if topic.fifo else None,
            # Premium only (Standard is fixed at 256 KB); publishers send to the topic, so it is the topic's limit
            max_message_size_in_kilobytes=spec.message_size_kb(size) if ns.sku == "Premium" and size else None,
            opts=adopted(pulumi.ResourceOptions(parent=self, **spec.replacement("topic")),
                         imports.topic_import_id(topo, topic), imports.TOPIC_KEPT))
        self.id = self.topic.id
        _alert(self, name, topo, ns, self.entity_name)
        self.register_outputs({"name": self.entity_name, "id": self.id})


class Subscription(pulumi.ComponentResource):
    def __init__(self, name, topo, topic_component, topic, consumer, ns, opts=None):
        super().__init__("topowire:azure:Subscription", name, None, opts)
        s = consumer.settings
        self.subscription_name = spec.subscription_name(topo, consumer.service, topic)
        args = _entity_settings(s, topic.fifo, ns.sku)
        args.pop("max_message_size_in_kilobytes", None)
        self.subscription = servicebus.Subscription(
            f"{name}-subscription", subscription_name=self.subscription_name, topic_name=topic_component.topic.name,
            namespace_name=ns.name, resource_group_name=ns.rg_name,
            dead_lettering_on_filter_evaluation_exceptions=True,
            opts=adopted(pulumi.ResourceOptions(parent=self, protect=s.protect, depends_on=[topic_component.topic],
                                                **spec.replacement("subscription")),
                         imports.subscription_import_id(topo, topic, consumer.service), imports.SUBSCRIPTION_KEPT),
            **args)
        self.id = self.subscription.id
        # Azure creates the "$Default" rule (accept-all) with every subscription. DefaultRule adopts it (a PUT, no
        # existence check) and is always managed, so adding or removing a filter is an update of that one rule,
        # never its deletion (which would stop all delivery). It replaces the servicebus.Rule of earlier versions
        # (same logical name, aliased type), and deletes before replacing, so that the rule's last write is a PUT.
        self.rule = servicebus.DefaultRule(
            f"{name}-filter", subscription_name=self.subscription.name, topic_name=topic_component.topic.name,
            namespace_name=ns.name, resource_group_name=ns.rg_name,
            filter_type="SqlFilter", sql_filter=servicebus.SqlFilterArgs(sql_expression=spec.sql_filter(consumer.filter)),
            opts=adopted(pulumi.ResourceOptions(parent=self, depends_on=[self.subscription], delete_before_replace=True,
                                                protect=s.protect,  # a rule-less subscription receives nothing
                                                aliases=[pulumi.Alias(type_=spec.OLD_RULE_TYPE)]),
                         imports.rule_import_id(topo, topic, consumer.service), imports.rule_kept(consumer)))
        self.register_outputs({"name": self.subscription_name, "id": self.id})


def alert_target(topo, options: Options) -> Optional[str]:
    """Where the alerts notify: the file's ``clouds.azure.action_group`` (``none``: no one), else stack config
    ``actionGroup`` (kept for stacks configured before the file could say it)."""
    if topo.clouds.azure_action_group or topo.clouds.notifies_no_one_on_purpose("azure"):
        return topo.clouds.azure_action_group
    return options.action_group


def _alert(owner, name, topo, ns, entity: str) -> None:
    if not ns.options.alerts:
        return
    monitor.MetricAlert(
        f"{name}-dead-letter-alert",
        rule_name=spec.alert_name(ns.namespace_name, entity),
        resource_group_name=ns.rg_name,
        location="global",
        description=f"Messages in the dead-letter sub-queue of {entity}: inspect them, then resubmit or delete them.",
        severity=2,
        enabled=True,
        scopes=[ns.id],
        evaluation_frequency="PT5M",
        window_size="PT5M",
        criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
            odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            all_of=[monitor.MetricCriteriaArgs(
                criterion_type="StaticThresholdCriterion", name="dead-lettered", metric_name="DeadletteredMessages",
                metric_namespace="Microsoft.ServiceBus/namespaces", operator="GreaterThan", threshold=0,
                time_aggregation="Maximum",
                dimensions=[monitor.MetricDimensionArgs(name="EntityName", operator="Include", values=[entity])])]),
        actions=[monitor.MetricAlertActionArgs(action_group_id=ns.action_group)] if ns.action_group else None,
        tags=dict(topo.tags),
        opts=pulumi.ResourceOptions(parent=owner))


def assignment_name(scope, principal, role: str):
    """The GUID of (scope, principal, role), once both are known (either may be an output)."""
    return pulumi.Output.all(scope, principal).apply(lambda a: spec.role_assignment_name(a[0], a[1], role))


class ServiceAccess(pulumi.ComponentResource):
    """Built-in Data Sender / Data Receiver roles, scoped to exactly the entities the service uses, for the
    service's principal: ``identity.azure_principal_id``, or a user-assigned managed identity created for it."""

    def __init__(self, name, topo, service, sends: list, receives: list, subscription_id, opts=None, ns=None):
        super().__init__("topowire:azure:ServiceAccess", name, None, opts)
        self.identity = None
        if service.identity.azure_principal_id:
            self.principal = pulumi.Output.from_input(service.identity.azure_principal_id)
        else:
            # Without one the service could do nothing (local auth is off): an identity of its own, per stack
            self.identity = managedidentity.UserAssignedIdentity(
                f"{name}-identity", resource_name_=spec.identity_name(topo, service.name),
                resource_group_name=ns.rg_name, location=ns.location, tags=dict(topo.tags),
                opts=pulumi.ResourceOptions(parent=self))
            self.principal = self.identity.principal_id
        self.assignments = []
        for role_name, role, targets in (("send", spec.SENDER_ROLE, sends), ("receive", spec.RECEIVER_ROLE, receives)):
            for label, scope, adopted_as in targets:
                # the GUID of (scope, principal, role): unique across stacks and entities, and the same after
                # a rename with renamed_from (the scope is the deployed entity's id); an adopted assignment
                # (imports.assignment_import: Azure refuses a second one of the triple) keeps its live name
                self.assignments.append(authorization.RoleAssignment(
                    spec.role_assignment_resource_name(name, role_name, label),
                    role_assignment_name=adopted_as[0] if adopted_as else assignment_name(scope, self.principal, role),
                    principal_id=self.principal,
                    # set, so that a new identity's assignment does not fail while Entra ID replicates it
                    principal_type="ServicePrincipal",
                    role_definition_id=subscription_id.apply(
                        lambda sub, r=role: f"/subscriptions/{sub}/providers/Microsoft.Authorization/"
                                            f"roleDefinitions/{r}"),
                    scope=scope,
                    description=f"topowire: {service.name} may {role_name} on {label}",
                    # Azure refuses a second assignment of the same triple: a renamed one goes first
                    opts=adopted(pulumi.ResourceOptions(parent=self, delete_before_replace=True),
                                 adopted_as[1] if adopted_as else None, imports.ASSIGNMENT_KEPT)))
        outputs = {"role_assignments": len(self.assignments)}
        if self.identity is not None:
            outputs["identity"] = self.outputs()
        self.register_outputs(outputs)

    def outputs(self) -> dict:
        """The created identity, for the stack outputs: its resource id (to attach it to the service's compute),
        client id and principal id."""
        return {"id": self.identity.id, "client_id": self.identity.client_id, "principal_id": self.identity.principal_id}


class AzureTopology(pulumi.ComponentResource):
    def __init__(self, topo, options: Options, opts=None):
        super().__init__("topowire:azure:Topology", topo.name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(topo.tags)
        self.options = options
        self.action_group = alert_target(topo, options)
        self.sku = topo.clouds.azure_sku
        kept = imports.location(topo)  # accounts.azure: the namespace and resource group that run
        existing_group = options.resource_group or (kept[1] if kept else None)
        if existing_group:
            self.rg_name = pulumi.Output.from_input(existing_group)
            location = resources.get_resource_group_output(resource_group_name=existing_group,
                                                           opts=pulumi.InvokeOutputOptions(parent=self)).location
        else:
            rg = resources.ResourceGroup(f"{topo.name}-resource-group", resource_group_name=spec.resource_group_name(topo),
                                         location=options.location, tags=tags, opts=child)
            self.rg_name, location = rg.name, rg.location
        written = topo.clouds.azure_namespace
        if written and options.namespace and options.namespace != written:
            raise pulumi.RunError(f"the file names Service Bus namespace '{written}' (clouds.azure.namespace) and "
                                  f"stack config namespace names '{options.namespace}': remove one "
                                  "('pulumi config rm namespace'), or make them the same")
        self.namespace_name = spec.namespace_name(topo, options.namespace)  # accounts.azure first
        problem = spec.namespace_problem(self.namespace_name)
        if problem:
            raise pulumi.RunError(problem + ": set another with 'pulumi config set namespace <name>'")
        namespace = servicebus.Namespace(
            f"{topo.name}-namespace", namespace_name=self.namespace_name, resource_group_name=self.rg_name,
            location=location,
            sku=servicebus.SBSkuArgs(**spec.namespace_sku(self.sku)),
            minimum_tls_version="1.2", disable_local_auth=not options.local_auth, tags=tags,
            # To or from Premium is a new namespace (Azure has no in-place change; the provider would send one):
            # replaced, the old one first (the name is fixed); protect makes Pulumi refuse until protect is lifted.
            # An adopted namespace keeps its live sku (imports.NAMESPACE_KEPT), so adoption never replaces it.
            opts=adopted(pulumi.ResourceOptions(parent=self, protect=True, replace_on_changes=list(spec.NAMESPACE_REPLACE_ON),
                                                delete_before_replace=True), imports.namespace_id(topo),
                         imports.NAMESPACE_KEPT))
        self.name, self.id = namespace.name, namespace.id
        self.fqdn = namespace.name.apply(lambda n: f"{n}.servicebus.windows.net")

        self.queues = {q.name: Queue(q.name, topo, q, self, with_aliases(child, renames.channel(q)))
                       for q in topo.queues.values()}
        self.topics = {t.name: Topic(t.name, topo, t, self, with_aliases(child, renames.channel(t)))
                       for t in topo.topics.values()}
        self.subscriptions = {}
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                self.subscriptions[(t.name, c.service)] = Subscription(
                    subscription_resource_name(t.name, c.service), topo, self.topics[t.name], t, c, self,
                    with_aliases(child, renames.subscription(topo, t, c.service)))
        subscription_id = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self)).subscription_id
        self.location = location
        self.env, self.access = {}, {}
        for s in topo.services.values():
            sends, receives, env = [], [], {"SERVICEBUS_FULLY_QUALIFIED_NAMESPACE": self.fqdn}
            for r in s.publishes:
                if r.channel in self.queues:
                    q = self.queues[r.channel]
                    sends.append((spec.access_label("queue", topo.queues[r.channel].deployed_name), q.id,
                                  imports.assignment_import(topo, topo.queues[r.channel], s.name, "send")))
                    env[env_name(r.channel, "QUEUE_NAME")] = q.entity_name
                else:
                    t = self.topics[r.channel]
                    sends.append((spec.access_label("topic", topo.topics[r.channel].deployed_name), t.id,
                                  imports.assignment_import(topo, topo.topics[r.channel], s.name, "send")))
                    env[env_name(r.channel, "TOPIC_NAME")] = t.entity_name
            for c in s.consumes:
                if c.kind == "queue":
                    q = self.queues[c.channel]
                    receives.append((spec.access_label("queue", topo.queues[c.channel].deployed_name), q.id,
                                     imports.assignment_import(topo, topo.queues[c.channel], s.name, "receive")))
                    env[env_name(c.channel, "QUEUE_NAME")] = q.entity_name
                else:
                    sub = self.subscriptions[(c.channel, s.name)]
                    receives.append((spec.access_label("subscription", topo.topics[c.channel].deployed_name), sub.id,
                                     imports.assignment_import(topo, topo.topics[c.channel], s.name, "receive")))
                    env[env_name(c.channel, "TOPIC_NAME")] = self.topics[c.channel].entity_name
                    env[env_name(c.channel, "SUBSCRIPTION_NAME")] = sub.subscription_name
            access = ServiceAccess(s.name, topo, s, sends, receives, subscription_id,
                                   with_aliases(child, renames.service(topo, s.name)), self)
            if access.identity is not None:
                env["AZURE_CLIENT_ID"] = access.identity.client_id  # DefaultAzureCredential picks the identity by it
            self.access[s.name] = access
            self.env[s.name] = env
        self.payloads, _access = payload_store.build(topo, self.rg_name, location, subscription_id, child,
                                                     {n: a.principal for n, a in self.access.items()})
        for s in topo.services.values():
            env = self.env[s.name]
            env.update(payload_store.environment(topo, s, self.payloads))
            self.env[s.name] = dict(sorted(env.items()))
        self.outputs = {
            "cloud": "azure",
            "namespace": {"name": self.name, "fully_qualified_name": self.fqdn, "resource_group": self.rg_name,
                          "sku": self.sku},
            "queues": {n: {"name": q.entity_name, "id": q.id} for n, q in self.queues.items()},
            "topics": {n: {"name": t.entity_name, "id": t.id} for n, t in self.topics.items()},
            "subscriptions": {f"{t}/{sv}": {"topic": self.topics[t].entity_name, "name": sub.subscription_name,
                                            "id": sub.id} for (t, sv), sub in sorted(self.subscriptions.items())},
            "services": {n: {"env": e, **({"identity": self.access[n].outputs()} if self.access[n].identity else {})}
                         for n, e in self.env.items()},
        }
        if self.payloads is not None:
            self.outputs["payloads"] = payload_store.outputs(topo, self.payloads)
        self.register_outputs(self.outputs)


def deploy(topo, options: Options) -> dict:
    return AzureTopology(topo, options).outputs
