"""The topology on Google Pub/Sub, as Pulumi ComponentResources (``topowire:gcp:<Type>``).

- ``Topology``: everything below, the project number lookup, and the outputs.
- ``Queue``: a topic ``<name>-<queue>`` with exactly one pull subscription.
- ``Topic``: a topic.
- ``Subscription``: one consuming service's subscription to a topic, with its
  filter.
- Every subscription that dead-letters gets a dead-letter topic ``<sub>-dlq``
  and a subscription on it that keeps its messages (without one Pub/Sub drops
  them), and the project's Pub/Sub service agent gets publisher on the
  dead-letter topic and subscriber on the source subscription (without these
  Pub/Sub silently stops dead-lettering). The agent is created lazily by
  Google; ``gcp.projects.ServiceIdentity`` (``<name>-pubsub-agent``) makes
  sure it exists, and every grant to it depends on that resource.
- ``ServiceAccess``: the service's account (``identity.gcp_service_account`` or
  a created one) gets ``roles/pubsub.publisher`` on exactly the topics it
  publishes to and ``roles/pubsub.subscriber`` on exactly the subscriptions it
  consumes, and on their dead-letter subscriptions (which it is given as
  ``<CH>_DLQ_SUBSCRIPTION``).

Filters and message ordering cannot change on an existing subscription: such a
change replaces it, deleting the old one first (names are fixed), so nothing
fails halfway; a protected subscription refuses that replacement loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_gcp as gcp

from . import imports
from . import payloads as payload_store
from . import spec
from .. import renames
from .. import subscription_resource_name
from ..components import adopted, env_name, with_aliases

IMMUTABLE = ["filter", "enableMessageOrdering"]


@dataclass
class Options:
    project: Optional[str] = None
    alerts: bool = True
    notification_channels: tuple = ()



class _Store:
    """A subscription with its dead-letter topic and keeping subscription, parented to ``owner``."""

    def __init__(self, owner, name: str, sub_id: str, topic, settings, fifo: bool, flt, labels: dict, agent,
                 agent_identity=None, adopt=None):
        s = settings
        topo, channel, service = adopt or (None, None, None)
        kept = imports.store_import_ids(topo, channel, service, sub_id) if adopt else (None, None, None)
        dl = s.dead_letter
        child = pulumi.ResourceOptions(parent=owner)
        self.dlq_topic = self.dlq_subscription = None
        dead_letter_policy = None
        if dl.enabled:
            dlq_id = imports.dead_letter_id(topo, channel, service, sub_id) if adopt else spec.dead_letter_id(sub_id)
            self.dlq_topic = gcp.pubsub.Topic(f"{name}-dlq-topic", name=dlq_id, labels=labels,
                                              opts=adopted(child, kept[1], imports.TOPIC_KEPT))
            self.dlq_subscription = gcp.pubsub.Subscription(
                f"{name}-dlq-subscription", name=dlq_id, topic=self.dlq_topic.id,
                message_retention_duration=spec.retention(dl.retention), retain_acked_messages=False,
                ack_deadline_seconds=spec.ack_deadline(s.visibility_timeout),
                expiration_policy=gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl=""), labels=labels,
                opts=adopted(pulumi.ResourceOptions(parent=owner, protect=s.protect), kept[2],
                             imports.DLQ_SUBSCRIPTION_KEPT))
            dead_letter_policy = gcp.pubsub.SubscriptionDeadLetterPolicyArgs(
                dead_letter_topic=self.dlq_topic.id, max_delivery_attempts=spec.delivery_attempts(dl.max_receive_count))
        self.subscription = gcp.pubsub.Subscription(
            f"{name}-subscription",
            name=sub_id,
            topic=topic.id,
            ack_deadline_seconds=spec.ack_deadline(s.visibility_timeout),
            message_retention_duration=spec.retention(s.retention),
            retain_acked_messages=False,
            enable_message_ordering=True if fifo else None,
            # fifo: ordering, and exactly-once delivery of each messageId (no redelivery once acknowledged, none while
            # outstanding): what Pub/Sub has closest to the AWS and Azure deduplication; in place (docs/gcp.md)
            enable_exactly_once_delivery=spec.exactly_once(fifo),
            filter=spec.filter_expression(flt) if flt else None,
            dead_letter_policy=dead_letter_policy,
            retry_policy=gcp.pubsub.SubscriptionRetryPolicyArgs(minimum_backoff=spec.RETRY_MIN,
                                                                maximum_backoff=spec.RETRY_MAX),
            # Pub/Sub deletes a subscription after 31 days without subscribers unless told not to.
            expiration_policy=gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl=""),
            labels=labels,
            opts=adopted(pulumi.ResourceOptions(parent=owner, protect=s.protect, replace_on_changes=IMMUTABLE,
                                                delete_before_replace=True), kept[0], imports.subscription_kept(flt)),
        )
        if dl.enabled:
            # The agent may not exist yet in a new project: grant only after ServiceIdentity made sure it does.
            after_agent = pulumi.ResourceOptions(parent=owner, depends_on=[agent_identity] if agent_identity else None)
            gcp.pubsub.TopicIAMMember(f"{name}-dlq-agent-publisher", topic=self.dlq_topic.name, role=spec.PUBLISHER,
                                      member=agent, opts=after_agent)
            gcp.pubsub.SubscriptionIAMMember(f"{name}-agent-subscriber", subscription=self.subscription.name,
                                             role=spec.SUBSCRIBER, member=agent, opts=after_agent)


class Queue(pulumi.ComponentResource):
    def __init__(self, name, topo, queue, agent, opts=None, agent_identity=None):
        super().__init__("topowire:gcp:Queue", name, None, opts)
        labels = spec.labels(topo.tags)
        self.topic = gcp.pubsub.Topic(f"{name}-topic", name=spec.topic_id(topo, queue), labels=labels,
                                      opts=adopted(pulumi.ResourceOptions(parent=self),
                                                   imports.topic_import_id(topo, queue), imports.TOPIC_KEPT))
        self.store = _Store(self, name, spec.queue_subscription_id(topo, queue), self.topic, queue.settings, queue.fifo,
                            None, labels, agent, agent_identity, (topo, queue, None))
        self.register_outputs({"topic": self.topic.id, "subscription": self.store.subscription.id})


class Topic(pulumi.ComponentResource):
    def __init__(self, name, topo, topic, opts=None):
        super().__init__("topowire:gcp:Topic", name, None, opts)
        self.topic = gcp.pubsub.Topic(f"{name}-topic", name=spec.topic_id(topo, topic), labels=spec.labels(topo.tags),
                                      opts=adopted(pulumi.ResourceOptions(parent=self),
                                                   imports.topic_import_id(topo, topic), imports.TOPIC_KEPT))
        self.register_outputs({"topic": self.topic.id})


class Subscription(pulumi.ComponentResource):
    def __init__(self, name, topo, topic_component, topic, consumer, agent, opts=None, agent_identity=None):
        super().__init__("topowire:gcp:Subscription", name, None, opts)
        self.store = _Store(self, name, spec.topic_subscription_id(topo, topic, consumer.service), topic_component.topic,
                            consumer.settings, topic.fifo, consumer.filter, spec.labels(topo.tags), agent,
                            agent_identity, (topo, topic, consumer.service))
        self.register_outputs({"subscription": self.store.subscription.id})


class ServiceAccess(pulumi.ComponentResource):
    def __init__(self, name, topo, service, topics: list, subscriptions: list, opts=None, dead_letters: list = ()):
        super().__init__("topowire:gcp:ServiceAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if service.identity.gcp_service_account:
            self.email = pulumi.Output.from_input(service.identity.gcp_service_account)
        else:
            account = gcp.serviceaccount.Account(
                f"{name}-account", account_id=spec.service_account_id(topo, service.name),
                display_name=f"{topo.prefix} {service.name}"[:100],
                description=f"topowire: runs service '{service.name}' of '{topo.name}'", opts=child)
            self.email = account.email
        member = self.email.apply(lambda e: f"serviceAccount:{e}")
        # An IAM member that exists already (adopt.gcp.publishers / subscribers) is imported, not created: creating
        # one merges it into the policy (a no-op when it is there), but Pulumi would then own, and later delete, a
        # grant the team had before adoption without the plan saying so (docs/gcp.md#services-from-iam-policies).
        for label, topic, import_id in topics:
            gcp.pubsub.TopicIAMMember(spec.iam_member_resource_name(name, "publisher", label), topic=topic.name, role=spec.PUBLISHER,
                                      member=member, opts=adopted(child, import_id, ()))
        for label, sub, import_id in subscriptions:
            gcp.pubsub.SubscriptionIAMMember(spec.iam_member_resource_name(name, "subscriber", label), subscription=sub.name, role=spec.SUBSCRIBER,
                                             member=member, opts=adopted(child, import_id, ()))
        # The service is given <CH>_DLQ_SUBSCRIPTION: it may read (pull, acknowledge) its dead letters there.
        for label, sub in dead_letters:
            gcp.pubsub.SubscriptionIAMMember(spec.iam_member_resource_name(name, spec.DEAD_LETTER_SUBSCRIBER, label),
                                             subscription=sub.name, role=spec.SUBSCRIBER, member=member, opts=child)
        self.register_outputs({"email": self.email})


class GcpTopology(pulumi.ComponentResource):
    def __init__(self, topo, options: Options, opts=None):
        super().__init__("topowire:gcp:Topology", topo.name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # stack config's project, else the one adopted ids are in (accounts.gcp.project)
        project = gcp.organizations.get_project_output(project_id=options.project or imports.project(topo),
                                                       opts=pulumi.InvokeOutputOptions(parent=self))
        agent = project.number.apply(spec.service_agent)
        self.project_id = project.project_id
        # Google creates the Pub/Sub service agent lazily: make sure it exists before granting it anything.
        # (generateServiceIdentity; the provider's delete is a no-op, and its email may come back empty, so the
        # grants keep naming the agent by project number and only wait for this resource.)
        self.agent_identity = None
        if any(st.settings.dead_letter.enabled for st in _stores_of(topo)):
            self.agent_identity = gcp.projects.ServiceIdentity(
                f"{topo.name}-pubsub-agent", project=options.project, service=spec.SERVICE_AGENT_SERVICE, opts=child)
        self.queues = {q.name: Queue(q.name, topo, q, agent, with_aliases(child, renames.channel(q)),
                                     self.agent_identity)
                       for q in topo.queues.values()}
        self.topics = {t.name: Topic(t.name, topo, t, with_aliases(child, renames.channel(t))) for t in topo.topics.values()}
        self.subscriptions = {}
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                self.subscriptions[(t.name, c.service)] = Subscription(
                    subscription_resource_name(t.name, c.service), topo, self.topics[t.name], t, c, agent,
                    with_aliases(child, renames.subscription(topo, t, c.service)), self.agent_identity)
        self.env, emails = {}, {}
        for s in topo.services.values():
            topics, subs, dead, env = [], [], [], {"GOOGLE_CLOUD_PROJECT": self.project_id}
            email = s.identity.gcp_service_account  # a created account cannot have a member yet: never imported
            for r in s.publishes:
                comp = self.queues.get(r.channel) or self.topics[r.channel]
                topics.append((topo.channel(r.channel).deployed_name, comp.topic,
                               imports.publisher_import_id(topo, topo.channel(r.channel), email)))
                env[env_name(r.channel, "TOPIC")] = comp.topic.id
            for c in s.consumes:
                store = self.queues[c.channel].store if c.kind == "queue" else self.subscriptions[(c.channel, s.name)].store
                ch = topo.channel(c.channel)
                sub_id = spec.queue_subscription_id(topo, ch) if c.kind == "queue" else \
                    spec.topic_subscription_id(topo, ch, s.name)
                subs.append((ch.deployed_name, store.subscription, imports.subscriber_import_id(
                    topo, ch, None if c.kind == "queue" else s.name, email, sub_id)))
                env[env_name(c.channel, "SUBSCRIPTION")] = store.subscription.id
                if store.dlq_subscription is not None:
                    env[env_name(c.channel, "DLQ_SUBSCRIPTION")] = store.dlq_subscription.id
                    dead.append((topo.channel(c.channel).deployed_name, store.dlq_subscription))
                if c.processing_time is not None and c.processing_time > spec.ACK_MAX:
                    # beyond the ack deadline only lease extension covers the job: the client's maximum (TOP211)
                    env[spec.max_lease_env(c.channel)] = str(c.processing_time)
            access = ServiceAccess(s.name, topo, s, topics, subs, with_aliases(child, renames.service(topo, s.name)),
                                   dead)
            emails[s.name] = access.email
            self.env[s.name] = dict(sorted(env.items()))
        self.payloads = payload_store.build(topo, emails, self.env, child)
        dlq_subs = [st.dlq_subscription for st in self._stores() if st.dlq_subscription is not None]
        if options.alerts and dlq_subs:
            self._alert(topo, options, dlq_subs)
        self.outputs = {
            "cloud": "gcp",
            "project": self.project_id,
            "queues": {n: {"topic": q.topic.id, "subscription": q.store.subscription.id,
                           **({"dlq_topic": q.store.dlq_topic.id, "dlq_subscription": q.store.dlq_subscription.id}
                              if q.store.dlq_topic else {})} for n, q in self.queues.items()},
            "topics": {n: {"topic": t.topic.id} for n, t in self.topics.items()},
            "subscriptions": {f"{t}/{sv}": {"subscription": sub.store.subscription.id,
                                            **({"dlq_topic": sub.store.dlq_topic.id,
                                                "dlq_subscription": sub.store.dlq_subscription.id}
                                               if sub.store.dlq_topic else {})}
                              for (t, sv), sub in sorted(self.subscriptions.items())},
            "services": {n: {"service_account": emails[n], "env": e} for n, e in self.env.items()},
        }
        if self.payloads is not None:
            self.outputs["payloads"] = payload_store.outputs(topo, self.payloads)
        self.register_outputs(self.outputs)

    def _stores(self):
        return [q.store for q in self.queues.values()] + [s.store for s in self.subscriptions.values()]

    def _alert(self, topo, options, dlq_subs):
        # the exact ids in one_of(...) filters within alert.proto's 2,048 characters, six conditions a policy
        policies = spec.alert_policies([n for n, _key in spec.dead_letters(topo)])
        channels = list(alert_channels(topo, options)) or None
        for index, groups in enumerate(policies):
            gcp.monitoring.AlertPolicy(
                spec.alert_policy_resource_name(topo.name, index),
                display_name=spec.alert_display_name(topo, index),
                combiner="OR",
                conditions=[gcp.monitoring.AlertPolicyConditionArgs(
                    display_name="undelivered messages in a dead-letter subscription",
                    condition_threshold=gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
                        filter=spec.alert_filter(ids), comparison="COMPARISON_GT", threshold_value=0, duration="0s",
                        aggregations=[gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                            alignment_period="300s", per_series_aligner="ALIGN_MAX")]))
                    for ids in groups],
                documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                    content="Messages failed every delivery attempt and wait in a dead-letter subscription: inspect "
                            "them, then republish or acknowledge them.", mime_type="text/markdown"),
                notification_channels=channels,
                user_labels=spec.labels(topo.tags),
                opts=pulumi.ResourceOptions(parent=self, depends_on=dlq_subs))


def alert_channels(topo, options: Options) -> tuple:
    """Where the alert notifies: the file's ``clouds.gcp.notification_channels`` (``none``: no one), else stack
    config ``notificationChannels`` (kept for stacks configured before the file could say it)."""
    if topo.clouds.gcp_notification_channels or topo.clouds.notifies_no_one_on_purpose("gcp"):
        return tuple(topo.clouds.gcp_notification_channels)
    return tuple(options.notification_channels)


def _stores_of(topo):
    """The settings holders that become subscriptions: queues and topic consumers."""
    return list(topo.queues.values()) + [c for c in topo.all_consumers() if c.kind == "topic"]


def deploy(topo, options: Options) -> dict:
    return GcpTopology(topo, options).outputs
