"""Google Pub/Sub and IAM names and limits (no Pulumi here)."""

from __future__ import annotations

from . import Adjust, DerivedName, Range, env_name

CLOUD = "gcp"
TITLE = "GCP"

ACK_MIN, ACK_MAX = 10, 600
# The high-level client libraries extend a message's lease (modifyAckDeadline) for at most an hour by default
# (https://cloud.google.com/pubsub/docs/lease-management).
LEASE_EXTENSION_DEFAULT = 3600
SERVICE_AGENT_SERVICE = "pubsub.googleapis.com"
DELIVERY_MIN, DELIVERY_MAX = 5, 100
_PUBSUB = r"^(?!goog)[A-Za-z][A-Za-z0-9._~%+-]*$"
_PUBSUB_RULE = "a letter first, then letters, digits and ._~%+-, not starting with 'goog', 3 to 255 characters"
_SA = r"^[a-z]([-a-z0-9]*[a-z0-9])$"
_SA_RULE = "lowercase letters, digits and '-', 6 to 30 characters"


def ranges(topo):
    return [
        Range("retention", 600, 31 * 86400, "Pub/Sub message retention"),
        Range("dead_letter_retention", 600, 31 * 86400, "Pub/Sub dead-letter subscription retention"),
        Range("max_receive_count", None, DELIVERY_MAX, "Pub/Sub maxDeliveryAttempts", "count"),
        Range("max_message_size", None, 10_000_000, "Pub/Sub message size", "size"),
    ]


def adjustments(topo):
    return [
        Adjust("visibility_timeout", lambda v: v > ACK_MAX,
               "on GCP the ack deadline is at most 600s; {text} is clamped to 600s",
               "the Pub/Sub client libraries extend leases automatically while a message is processed"),
        Adjust("visibility_timeout", lambda v: v < ACK_MIN,
               "on GCP the ack deadline is at least 10s; {text} is raised to 10s", ""),
        Adjust("max_receive_count", lambda v: v < DELIVERY_MIN,
               "Pub/Sub makes at least 5 delivery attempts before dead-lettering; {text} is raised to 5",
               "a message may be delivered up to 5 times before it reaches the dead-letter topic"),
        Adjust("delay", lambda v: v > 0,
               "Pub/Sub has no delivery delay; delay {text} is not applied on GCP",
               "delay in the consumer, or use Cloud Tasks for scheduled delivery"),
    ]


def topic_id(topo, channel) -> str:
    return f"{topo.name}-{channel.deployed_name}"


def queue_subscription_id(topo, queue) -> str:
    return f"{topo.name}-{queue.deployed_name}"


def topic_subscription_id(topo, topic, service: str) -> str:
    return f"{topo.name}-{topic.deployed_name}-{topo.deployed(service)}"


def dead_letter_id(base: str) -> str:
    return f"{base}-dlq"


def service_account_id(topo, service: str) -> str:
    return f"{topo.name}-{topo.deployed(service)}"


def derived_names(topo):
    out = []

    def ps(kind, ns, name, path):
        out.append(DerivedName(CLOUD, kind, ns, name, path, 3, 255, _PUBSUB, _PUBSUB_RULE))

    for q in topo.queues.values():
        ps("Pub/Sub topic", "pubsub-topic", topic_id(topo, q), q.path)
        sub = queue_subscription_id(topo, q)
        ps("Pub/Sub subscription", "pubsub-subscription", sub, q.path)
        if q.settings.dead_letter.enabled:
            ps("Pub/Sub dead-letter topic", "pubsub-topic", dead_letter_id(sub), q.path)
            ps("Pub/Sub dead-letter subscription", "pubsub-subscription", dead_letter_id(sub), q.path)
    for t in topo.topics.values():
        ps("Pub/Sub topic", "pubsub-topic", topic_id(topo, t), t.path)
        for c in topo.consumers.get(t.name, ()):
            sub = topic_subscription_id(topo, t, c.service)
            ps("Pub/Sub subscription", "pubsub-subscription", sub, c.path)
            if c.settings.dead_letter.enabled:
                ps("Pub/Sub dead-letter topic", "pubsub-topic", dead_letter_id(sub), c.path)
                ps("Pub/Sub dead-letter subscription", "pubsub-subscription", dead_letter_id(sub), c.path)
    for s in topo.services.values():
        if not s.identity.gcp_service_account:
            out.append(DerivedName(CLOUD, "service account id", "gcp-service-account",
                                   service_account_id(topo, s.name), s.path, 6, 30, _SA, _SA_RULE))
    return out


def filter_expression(flt) -> str:
    """The Pub/Sub filter of a topowire filter, on message attributes."""

    def quote(v: str) -> str:
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'

    parts = []
    for attr, values in flt:
        terms = [f"attributes.{attr} = {quote(v)}" for v in values]
        parts.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    return " AND ".join(parts)


def filter_problems(flt) -> list:
    size = len(filter_expression(flt).encode("utf-8"))
    if size > 256:
        return [f"the Pub/Sub filter expression is {size} bytes, the limit is 256"]
    return []


PUBLISHER = "roles/pubsub.publisher"
SUBSCRIBER = "roles/pubsub.subscriber"
RETRY_MIN, RETRY_MAX = "10s", "600s"


def ack_deadline(visibility_timeout: int) -> int:
    """The ack deadline for a visibility timeout, clamped to 10..600 s (TOP203 warns)."""
    return min(max(int(visibility_timeout), ACK_MIN), ACK_MAX)


def delivery_attempts(max_receive_count: int) -> int:
    return min(max(int(max_receive_count), DELIVERY_MIN), DELIVERY_MAX)


def retention(seconds: int) -> str:
    """Pub/Sub's duration form, clamped to 10 min..31 days."""
    return f"{min(max(int(seconds), 600), 31 * 86400)}s"


def label(text: str, key: bool = False) -> str:
    """GCP label rules: lowercase letters, digits, '_' and '-', at most 63; keys start with a letter."""
    import re

    out = re.sub(r"[^a-z0-9_-]", "_", text.lower())[:63]
    if key and not re.match(r"[a-z]", out[:1]):
        out = ("t" + out)[:63]
    return out


def labels(tags) -> dict:
    return {label(k, key=True): label(v) for k, v in sorted(tags.items())}


def service_agent(project_number: str) -> str:
    return f"serviceAccount:service-{project_number}@gcp-sa-pubsub.iam.gserviceaccount.com"


def inventory(topo) -> list:
    """What diff compares on GCP: topics, subscriptions and dead-letter topics and subscriptions.

    A subscription's topic, filter and message ordering are fixed at creation:
    changing one replaces it. Ack deadline, retention, dead-letter policy and
    retry policy change in place. Topics hold no messages; their subscriptions do.
    """
    from . import Item, settings_view

    out = []

    def store(key, sub, topic, s, fifo, flt, subject):
        out.append(Item(CLOUD, "Pub/Sub subscription", key, sub,
                        (("topic", topic), ("filter", filter_expression(flt) if flt else None), ("ordering", fifo)),
                        settings_view(s), True, subject))
        if s.dead_letter.enabled:
            dlq = dead_letter_id(sub)
            out.append(Item(CLOUD, "Pub/Sub dead-letter topic", ("dlq-topic",) + key[1:], dlq, (), (), False, subject))
            out.append(Item(CLOUD, "Pub/Sub dead-letter subscription", ("dlq",) + key[1:], dlq, (("topic", dlq),),
                            (("retention", s.dead_letter.retention),), True, subject))

    for q in topo.queues.values():
        tid = topic_id(topo, q)
        out.append(Item(CLOUD, "Pub/Sub topic", ("queue-topic", q.deployed_name), tid, (), (), False, f"queue '{q.name}'"))
        store(("queue", q.deployed_name), queue_subscription_id(topo, q), tid, q.settings, q.fifo, None,
              f"queue '{q.name}'")
    for t in topo.topics.values():
        tid = topic_id(topo, t)
        out.append(Item(CLOUD, "Pub/Sub topic", ("topic", t.deployed_name), tid, (), (), False, f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            store(("subscription", t.deployed_name, topo.deployed(c.service)),
                  topic_subscription_id(topo, t, c.service), tid, c.settings, t.fifo, c.filter,
                  f"subscription of '{c.service}' to topic '{t.name}'")
    if any(i.kind == "Pub/Sub dead-letter topic" for i in out):
        # gcp.projects.ServiceIdentity: creating it ensures the agent exists; deleting it is a no-op in the provider
        out.append(Item(CLOUD, "Pub/Sub service agent identity", ("service-agent",),
                        f"service-<project-number>@gcp-sa-pubsub.iam.gserviceaccount.com", (), (), False,
                        "dead-letter delivery"))
    return out


# What lowering a subscription's messageRetentionDuration does: "After the message retention duration passes,
# Pub/Sub might discard the message independent of the acknowledgment state" (Pub/Sub subscription properties).
RETENTION_LOWERED = "Pub/Sub discards the unacknowledged messages already older than the new retention"


def long_processing(topo) -> list:
    """Consumers whose ``processing_time`` exceeds the ack deadline maximum: only lease extension covers them."""
    return [c for c in topo.all_consumers() if c.processing_time is not None and c.processing_time > ACK_MAX]


def max_lease_env(channel: str) -> str:
    """The environment variable holding the maximum lease extension a consumer of ``channel`` needs (seconds)."""
    return env_name(channel, "MAX_LEASE_SECONDS")


def lease_settings(seconds: int) -> str:
    """The client-library settings that keep extending a lease for ``seconds``."""
    return (f"Python FlowControl(max_lease_duration={seconds}), "
            f"Java Subscriber.newBuilder(...).setMaxAckExtensionPeriod(Duration.ofSeconds({seconds})), "
            f"Go sub.ReceiveSettings.MaxExtension = {seconds} * time.Second")
