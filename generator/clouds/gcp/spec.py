"""Google Pub/Sub and IAM names and limits (no Pulumi here)."""

from __future__ import annotations

from .. import Adjust, DerivedName, PulumiName, Range, env_name, subscription_pulumi_names
from ..accepts import Accepts

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


SUB, TOPIC = "gcp:pubsub/subscription:Subscription", "gcp:pubsub/topic:Topic"
ALERT, ACCOUNT = "gcp:monitoring/alertPolicy:AlertPolicy", "gcp:serviceaccount/account:Account"
_SUB_REF = "Pub/Sub REST reference, projects.subscriptions (cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions)"
_NAMES = "Pub/Sub resource names (cloud.google.com/pubsub/docs/pubsub-basics#resource_names): 3 to 255 characters"
_LABELS = ("Resource Manager labels (cloud.google.com/resource-manager/docs/labels-overview): keys and values at most "
           "63 characters of lowercase letters, digits, '_' and '-', keys start with a letter")
_SA_REF = "IAM REST reference, projects.serviceAccounts.create: accountId 6-30, displayName <= 100, description <= 256"
_ALERT_REF = "Cloud Monitoring REST reference, projects.alertPolicies (cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies)"
PUBLISHER = "roles/pubsub.publisher"
SUBSCRIBER = "roles/pubsub.subscriber"
_LABEL_VALUE = r"[a-z0-9_-]{0,63}"

# What Google Cloud accepts for every input the program sends (clouds/accepts.py); the validator's ranges below and
# the name patterns of derived_names are these numbers.
ACCEPTS = (
    Accepts(SUB, "name", _NAMES, pattern=_PUBSUB, min_len=3, max_len=255),
    Accepts(TOPIC, "name", _NAMES, pattern=_PUBSUB, min_len=3, max_len=255),
    Accepts(SUB, "ackDeadlineSeconds", _SUB_REF + ": ackDeadlineSeconds 10 to 600", ACK_MIN, ACK_MAX),
    Accepts(SUB, "messageRetentionDuration", _SUB_REF + ": at least 10 minutes, at most 31 days", 600, 31 * 86400,
            unit="seconds"),
    Accepts(SUB, "deadLetterPolicy.maxDeliveryAttempts", _SUB_REF + ": maxDeliveryAttempts 5 to 100",
            DELIVERY_MIN, DELIVERY_MAX),
    Accepts(SUB, "retryPolicy.minimumBackoff", _SUB_REF + ": 0 to 600 seconds", 0, 600, unit="seconds"),
    Accepts(SUB, "retryPolicy.maximumBackoff", _SUB_REF + ": 0 to 600 seconds", 0, 600, unit="seconds"),
    Accepts(SUB, "expirationPolicy.ttl", _SUB_REF + ": empty means never expire; else at least 1 day",
            pattern=r"|\d+(\.\d+)?s"),
    Accepts(SUB, "filter", "Pub/Sub filtering (cloud.google.com/pubsub/docs/subscription-message-filter): at most "
            "256 bytes", max_len=256, unit="bytes"),
    *(Accepts(t, "labels.*", _LABELS, pattern=_LABEL_VALUE) for t in (SUB, TOPIC)),
    Accepts(ALERT, "userLabels.*", _LABELS, pattern=_LABEL_VALUE),
    *(Accepts(t, "role", "Pub/Sub access control (cloud.google.com/pubsub/docs/access-control)", choices=(PUBLISHER, SUBSCRIBER))
      for t in ("gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember")),
    Accepts(ACCOUNT, "accountId", _SA_REF, pattern=_SA, min_len=6, max_len=30),
    Accepts(ACCOUNT, "displayName", _SA_REF, max_len=100),
    Accepts(ACCOUNT, "description", _SA_REF, max_len=256),
    Accepts(ALERT, "displayName", _ALERT_REF + ": at most 512 characters", max_len=512),
    Accepts(ALERT, "conditions[].displayName", _ALERT_REF + ": at most 512 characters", max_len=512),
    Accepts(ALERT, "documentation.content", _ALERT_REF + ": at most 8,192 bytes", max_len=8192, unit="bytes"),
    Accepts(ALERT, "conditions[].conditionThreshold.thresholdValue", _ALERT_REF + ": any double"),
    Accepts(ALERT, "conditions[].conditionThreshold.duration", _ALERT_REF + ": 0 to 1 day, whole minutes", 0, 86400,
            unit="seconds"),
    Accepts(ALERT, "conditions[].conditionThreshold.aggregations[].alignmentPeriod",
            _ALERT_REF + ": at least 60 seconds for alerting", 60, None, unit="seconds"),
    Accepts(ALERT, "conditions[].conditionThreshold.filter", "googleapis google/monitoring/v3/alert.proto: "
            "MetricThreshold.filter must not exceed 2048 Unicode characters", max_len=2048),
    Accepts(ALERT, "combiner", _ALERT_REF, choices=("AND", "OR", "AND_WITH_MATCHING_RESOURCE")),
    Accepts(ALERT, "conditions[].conditionThreshold.comparison", _ALERT_REF,
            choices=("COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ",
                     "COMPARISON_NE")),
    Accepts("gcp:projects/serviceIdentity:ServiceIdentity", "service",
            "Service Usage services.generateServiceIdentity: a service name", pattern=r"[a-z0-9.-]+\.googleapis\.com"),
    # The claim-check bucket's lifecycle (clouds/gcp/payloads.py): Cloud Storage JSON API, Buckets resource,
    # lifecycle.rule[].condition.age "age of an object in days", a non-negative integer.
    Accepts("gcp:storage/bucket:Bucket", "lifecycleRules[].condition.age",
            "Cloud Storage JSON API, Buckets: lifecycle.rule[].condition.age, days >= 0", 0, None),
)


def _accepts(key: str) -> Accepts:
    [a] = [a for a in ACCEPTS if a.type == SUB and a.key == key]
    return a


def ranges(topo):
    kept = _accepts("messageRetentionDuration")
    attempts = _accepts("deadLetterPolicy.maxDeliveryAttempts")
    return [
        Range("retention", kept.low, kept.high, "Pub/Sub message retention"),
        Range("dead_letter_retention", kept.low, kept.high, "Pub/Sub dead-letter subscription retention"),
        Range("max_receive_count", None, attempts.high, "Pub/Sub maxDeliveryAttempts", "count"),
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
    a = channel.adopt.get(CLOUD)  # adopt.gcp: the ids that run (docs/format.md#adopted-names)
    return a.name if a and a.name else f"{topo.prefix}-{channel.deployed_name}"


def queue_subscription_id(topo, queue) -> str:
    a = queue.adopt.get(CLOUD)
    return a.subscription if a and a.subscription else f"{topo.prefix}-{queue.deployed_name}"


def topic_subscription_id(topo, topic, service: str) -> str:
    a = topic.adopt.get(CLOUD)
    kept = (a.subscriptions.get(service) or {}).get("name") if a else None
    return kept or f"{topo.prefix}-{topic.deployed_name}-{topo.deployed(service)}"


def dead_letter_id(base: str) -> str:
    return f"{base}-dlq"


def store_dead_letter_id(channel, service, sub_id: str) -> str:
    """The dead-letter topic (and keeping subscription) id of a queue (``service`` None) or a topic consumer: the
    adopted one (``adopt.gcp.dead_letter``), else ``<sub>-dlq``."""
    a = channel.adopt.get(CLOUD)
    kept = (a.dead_letter if service is None else (a.subscriptions.get(service) or {}).get("dead_letter")) if a else None
    return kept or dead_letter_id(sub_id)


SA_MIN, SA_MAX = 6, 30
SA_HASH = 6  # hex digits of sha256: 16.7 million values, so two ids of one project practically never meet


def fit_account_id(full: str) -> str:
    """A service account id of 6..30 characters for ``full`` (``<prefix>-<service>``), deterministically.

    Ids that fit are kept. Longer ones are cut and end in ``-`` plus the first
    6 hex digits of the sha256 of the full name; shorter ones get the same
    suffix. The same name gives the same id on every run and machine; two
    names that share their first 23 characters still differ in the hash.
    """
    if SA_MIN <= len(full) <= SA_MAX:
        return full
    import hashlib  # only here: loading OpenSSL's hashes costs 2-3 ms of every start

    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:SA_HASH]
    head = full[: SA_MAX - SA_HASH - 1].rstrip("-")
    return f"{head}-{digest}"


def service_account_id(topo, service: str) -> str:
    """``<prefix>-<service>``, made to fit GCP's 6..30 characters (``fit_account_id``)."""
    return fit_account_id(f"{topo.prefix}-{topo.deployed(service)}")


def shortened_accounts(topo) -> list:
    """(service, full name, account id) of every created account whose id had to be shortened."""
    out = []
    for s in topo.services.values():
        full = f"{topo.prefix}-{s.deployed_name}"
        if not s.identity.gcp_service_account and fit_account_id(full) != full:
            out.append((s.name, full, fit_account_id(full)))
    return out


def derived_names(topo):
    out = []

    def ps(kind, ns, name, path):
        out.append(DerivedName(CLOUD, kind, ns, name, path, 3, 255, _PUBSUB, _PUBSUB_RULE))

    for q in topo.queues.values():
        ps("Pub/Sub topic", "pubsub-topic", topic_id(topo, q), q.path)
        sub = queue_subscription_id(topo, q)
        ps("Pub/Sub subscription", "pubsub-subscription", sub, q.path)
        if q.settings.dead_letter.enabled:
            ps("Pub/Sub dead-letter topic", "pubsub-topic", store_dead_letter_id(q, None, sub), q.path)
            ps("Pub/Sub dead-letter subscription", "pubsub-subscription", store_dead_letter_id(q, None, sub), q.path)
    for t in topo.topics.values():
        ps("Pub/Sub topic", "pubsub-topic", topic_id(topo, t), t.path)
        for c in topo.consumers.get(t.name, ()):
            sub = topic_subscription_id(topo, t, c.service)
            ps("Pub/Sub subscription", "pubsub-subscription", sub, c.path)
            if c.settings.dead_letter.enabled:
                ps("Pub/Sub dead-letter topic", "pubsub-topic", store_dead_letter_id(t, c.service, sub), c.path)
                ps("Pub/Sub dead-letter subscription", "pubsub-subscription", store_dead_letter_id(t, c.service, sub),
                   c.path)
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


# Pub/Sub resource limits (https://cloud.google.com/pubsub/quotas#resource_limits): "Subscriptions per topic:
# 10,000"; a filter is at most 256 bytes (https://cloud.google.com/pubsub/docs/subscription-message-filter);
# labels: at most 64 per resource (https://cloud.google.com/resource-manager/docs/labels-overview#requirements).
FILTER_BYTES = 256
SUBSCRIPTIONS_PER_TOPIC = 10000
MAX_LABELS = 64


def filter_problems(flt) -> list:
    size = len(filter_expression(flt).encode("utf-8"))
    if size > FILTER_BYTES:
        return [f"the Pub/Sub filter expression is {size} bytes, the limit is {FILTER_BYTES}"]
    return []


def topic_problems(n_subscriptions: int, n_filtered: int) -> list:
    if n_subscriptions > SUBSCRIPTIONS_PER_TOPIC:
        return [f"{n_subscriptions:,} subscriptions; a Pub/Sub topic holds at most {SUBSCRIPTIONS_PER_TOPIC:,}"]
    return []


def policy_problems(topo) -> list:
    if len(topo.tags) > MAX_LABELS:
        return [(("tags",), f"{len(topo.tags)} tags; GCP resources take at most {MAX_LABELS} labels")]
    return []


# Cloud Monitoring alert policies (googleapis google/monitoring/v3/alert.proto): a condition's MetricThreshold
# `filter` "must not exceed 2048 Unicode characters"; AlertPolicy.conditions: "A policy can have from one to six
# conditions". The dead-letter alert names the exact dead-letter subscription ids in one_of(...) filters of at most
# ALERT_FILTER_MAX characters, ALERT_CONDITIONS conditions a policy, as many policies as that takes: every request
# stays within the limits for any number of subscriptions (a Pub/Sub id has at most 255 characters).
ALERT_FILTER_MAX = 2048
ALERT_CONDITIONS = 6
ALERT_FILTER_HEAD = ('metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND '
                     'resource.type = "pubsub_subscription" AND resource.label.subscription_id = one_of(')


def dead_letters(topo) -> list:
    """(dead-letter subscription id, its inventory key) of every store that dead-letters, sorted by id (an adopted
    store's own dead-letter id: adopt.gcp)."""
    out = [(store_dead_letter_id(q, None, queue_subscription_id(topo, q)), ("dlq", q.deployed_name))
           for q in topo.queues.values() if q.settings.dead_letter.enabled]
    for t in topo.topics.values():
        out += [(store_dead_letter_id(t, c.service, topic_subscription_id(topo, t, c.service)),
                 ("dlq", t.deployed_name, topo.deployed(c.service)))
                for c in topo.consumers.get(t.name, ()) if c.settings.dead_letter.enabled]
    return sorted(out)


def alert_filter(ids) -> str:
    """The Monitoring filter matching exactly the subscriptions ``ids``."""
    return ALERT_FILTER_HEAD + ", ".join(f'"{n}"' for n in ids) + ")"


def alert_conditions(ids) -> list:
    """``ids`` (in order) cut into groups whose ``alert_filter`` has at most ALERT_FILTER_MAX characters each."""
    out, chunk, size = [], [], len(alert_filter(()))
    for n in ids:
        add = len(n) + 2 + (2 if chunk else 0)  # the quotes, and ", " between two
        if chunk and size + add > ALERT_FILTER_MAX:
            out.append(chunk)
            chunk, size, add = [], len(alert_filter(())), len(n) + 2
        chunk.append(n)
        size += add
    if chunk:
        out.append(chunk)
    return out


def alert_policies(ids) -> list:
    """The dead-letter alert's policies: each a list of at most ALERT_CONDITIONS groups of ids (one per condition)."""
    groups = alert_conditions(ids)
    return [groups[i:i + ALERT_CONDITIONS] for i in range(0, len(groups), ALERT_CONDITIONS)]


def alert_policy_resource_name(topology: str, index: int) -> str:
    """The Pulumi name of the ``index``-th dead-letter alert policy (0: the one name of earlier versions)."""
    return f"{topology}-dead-letter-alert" + (f"-{index + 1}" if index else "")


def alert_display_name(topo, index: int) -> str:
    """The ``index``-th policy's display name: the first keeps the one of earlier versions; a policy keeps its name
    however many follow it (only its conditions change)."""
    return f"{topo.prefix}: messages in dead-letter subscriptions" + (f" (part {index + 1})" if index else "")


def exactly_once(fifo: bool):
    """``enableExactlyOnceDelivery`` of a subscription: on for ``fifo`` (with ordering), else left out.

    Pub/Sub's ordering alone neither deduplicates nor stops redelivery. Exactly-once delivery adds that an
    acknowledged message is not resent and an outstanding one not before its ack deadline ends. Copies a publisher
    sends twice keep distinct messageIds and are both delivered, where AWS FIFO and Service Bus duplicate detection
    drop the second (docs/gcp.md). The provider changes it in place (no ForceNew).
    """
    return True if fifo else None


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
    from .. import Item, settings_view

    out = []
    tags = (("labels", tuple(sorted(labels(topo.tags).items()))),)  # on every topic and subscription

    def store(key, sub, topic, s, fifo, flt, subject, owner):
        out.append(Item(CLOUD, "Pub/Sub subscription", key, sub,
                        (("topic", topic), ("filter", filter_expression(flt) if flt else None), ("ordering", fifo)),
                        settings_view(s, ("delay", "encryption", "max_message_size")) + tags, True, subject, s.protect))  # protected like the program's
        if s.dead_letter.enabled:
            dlq = store_dead_letter_id(*owner, sub)
            out.append(Item(CLOUD, "Pub/Sub dead-letter topic", ("dlq-topic",) + key[1:], dlq, (), tags, False, subject))
            out.append(Item(CLOUD, "Pub/Sub dead-letter subscription", ("dlq",) + key[1:], dlq, (("topic", dlq),),
                            (("retention", s.dead_letter.retention), ("visibility_timeout", s.visibility_timeout))
                            + tags, True, subject, s.protect))  # protected like the program's

    for q in topo.queues.values():
        tid = topic_id(topo, q)
        out.append(Item(CLOUD, "Pub/Sub topic", ("queue-topic", q.deployed_name), tid, (), tags, False, f"queue '{q.name}'"))
        store(("queue", q.deployed_name), queue_subscription_id(topo, q), tid, q.settings, q.fifo, None,
              f"queue '{q.name}'", (q, None))
    for t in topo.topics.values():
        tid = topic_id(topo, t)
        out.append(Item(CLOUD, "Pub/Sub topic", ("topic", t.deployed_name), tid, (), tags, False, f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            store(("subscription", t.deployed_name, topo.deployed(c.service)),
                  topic_subscription_id(topo, t, c.service), tid, c.settings, t.fifo, c.filter,
                  f"subscription of '{c.service}' to topic '{t.name}'", (t, c.service))
    if any(i.kind == "Pub/Sub dead-letter topic" for i in out):
        # gcp.projects.ServiceIdentity: creating it ensures the agent exists; deleting it is a no-op in the provider
        out.append(Item(CLOUD, "Pub/Sub service agent identity", ("service-agent",),
                        f"service-<project-number>@gcp-sa-pubsub.iam.gserviceaccount.com", (), (), False,
                        "dead-letter delivery"))
    return out


# What lowering a subscription's messageRetentionDuration does: "After the message retention duration passes,
# Pub/Sub might discard the message independent of the acknowledgment state" (Pub/Sub subscription properties).
RETENTION_LOWERED = "Pub/Sub discards the unacknowledged messages already older than the new retention"


DEAD_LETTER_SUBSCRIBER = "dead-letter-subscriber"  # the consumer's grant on its dead-letter subscription


def iam_member_resource_name(service: str, role: str, label: str) -> str:
    """The Pulumi name of one IAM member of a service (``publisher``/``subscriber`` on channel ``label``)."""
    return f"{service}-{role}-{label}"


def pulumi_names(topo) -> list:
    """Pulumi names joined from several YAML names: subscriptions and IAM members."""
    out = subscription_pulumi_names(topo)
    for s in topo.services.values():
        for r in s.publishes:
            if topo.channel(r.channel) is not None:  # unknown references are TOP101's
                out.append(PulumiName("TopicIAMMember", iam_member_resource_name(
                    s.name, "publisher", topo.channel(r.channel).deployed_name), r.path,
                    f"the IAM member letting '{s.name}' publish to '{r.channel}'"))
        for c in s.consumes:
            if topo.channel(c.channel) is not None:
                out.append(PulumiName("SubscriptionIAMMember", iam_member_resource_name(
                    s.name, "subscriber", topo.channel(c.channel).deployed_name), c.path,
                    f"the IAM member letting '{s.name}' consume '{c.channel}'"))
                if c.settings is not None and c.settings.dead_letter.enabled:
                    out.append(PulumiName("SubscriptionIAMMember", iam_member_resource_name(
                        s.name, DEAD_LETTER_SUBSCRIBER, topo.channel(c.channel).deployed_name), c.path,
                        f"the IAM member letting '{s.name}' read the dead letters of '{c.channel}'"))
    return out


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


def dependents(topo) -> list:
    """What follows the items of ``inventory`` on GCP (see docs/gcp.md).

    IAM members cannot change in place (the Google provider's IAM member has no update; ``role`` and
    ``member`` are ForceNew, and the subscription or topic is part of its id): a replaced subscription
    or topic replaces each grant on it, the service agent's included; so does a new ``member``: another
    ``gcp_service_account``, or the created account's (``service_account_id``) instead of a given one.
    """
    from .. import Dependent

    out = []

    def store(key, sub, s, subject, owner):
        if s.dead_letter.enabled:
            out.append(Dependent(CLOUD, "IAM member", ("agent-subscriber",) + key[1:], f"{sub}: service agent",
                                 ((key, "replace"),), subject, "subscription"))
            # and publisher on the dead-letter topic, so it can forward there (gcp/program.py)
            dlq_topic = ("dlq-topic",) + key[1:]
            out.append(Dependent(CLOUD, "IAM member", ("agent-publisher",) + key[1:],
                                 f"{store_dead_letter_id(*owner, sub)}: service agent", ((dlq_topic, "replace"),), subject,
                                 "topic"))

    for q in topo.queues.values():
        store(("queue", q.deployed_name), queue_subscription_id(topo, q), q.settings, f"queue '{q.name}'", (q, None))
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            store(("subscription", t.deployed_name, topo.deployed(c.service)),
                  topic_subscription_id(topo, t, c.service), c.settings,
                  f"subscription of '{c.service}' to topic '{t.name}'", (t, c.service))
    # The dead-letter alert policies (unless stack config alerts: false): their filters name the dead-letter
    # subscriptions (at most 2,048 characters a filter, 6 conditions a policy: alert_policies) and their
    # notification channels are the file's; both change in place.
    keys = dict(dead_letters(topo))
    if keys:
        channels = topo.clouds.gcp_notification_channels or \
            (("none",) if topo.clouds.notifies_no_one_on_purpose("gcp") else ())
        for index, policy in enumerate(alert_policies(sorted(keys))):
            dlqs = [keys[n] for group in policy for n in group]
            out.append(Dependent(CLOUD, "Cloud Monitoring alert policy", ("alert-policy",) + ((index,) if index else ()),
                                 alert_display_name(topo, index), tuple((k, "none") for k in dlqs),
                                 "dead-letter delivery", "its conditions",
                                 update=(("notification_channels", tuple(channels)),
                                         ("dead-letter subscriptions", tuple(k[1:] for k in dlqs)),
                                         ("labels", tuple(sorted(labels(topo.tags).items()))))))
    for s in topo.services.values():
        member = (("member", "serviceAccount:" + (s.identity.gcp_service_account or
                                                  f"{service_account_id(topo, s.name)}@<project>.iam.gserviceaccount.com")),)
        for r in s.publishes:
            ch = topo.channel(r.channel)
            key = ("queue-topic" if ch.kind == "queue" else "topic", ch.deployed_name)
            out.append(Dependent(CLOUD, "IAM member", ("publisher", s.deployed_name) + key,
                                 f"{topic_id(topo, ch)}: {s.name}", ((key, "replace"),), f"service '{s.name}'", "topic",
                                 replace_on=member))
        for c in s.consumes:
            ch = topo.channel(c.channel)
            if ch.kind == "queue":
                key, sub = ("queue", ch.deployed_name), queue_subscription_id(topo, ch)
            else:
                key, sub = ("subscription", ch.deployed_name, topo.deployed(s.name)), \
                    topic_subscription_id(topo, ch, s.name)
            out.append(Dependent(CLOUD, "IAM member", ("subscriber", s.deployed_name) + key, f"{sub}: {s.name}",
                                 ((key, "replace"),), f"service '{s.name}'", "subscription", replace_on=member))
            if (ch.settings if ch.kind == "queue" else c.settings).dead_letter.enabled:
                # the consumer reads its dead letters too: it is given <CH>_DLQ_SUBSCRIPTION (gcp/program.py)
                dlq = ("dlq",) + key[1:]
                out.append(Dependent(CLOUD, "IAM member", ("dead-letter-subscriber", s.deployed_name) + dlq,
                                     f"{store_dead_letter_id(ch, None if ch.kind == 'queue' else s.name, sub)}: {s.name}",
                                     ((dlq, "replace"),), f"service '{s.name}'",
                                     "subscription", replace_on=member))
    return out


def environment(topo, project: str = "<project>") -> dict:
    """Each service's environment as the GCP program exports it, without Pulumi (see clouds.aws.spec.environment)."""
    from .. import env_name

    out = {}
    for s in topo.services.values():
        env = {"GOOGLE_CLOUD_PROJECT": project}
        for r in s.publishes:
            env[env_name(r.channel, "TOPIC")] = f"projects/{project}/topics/{topic_id(topo, topo.channel(r.channel))}"
        for c in s.consumes:
            ch = topo.channel(c.channel)
            sub = queue_subscription_id(topo, ch) if ch.kind == "queue" else topic_subscription_id(topo, ch, s.name)
            env[env_name(c.channel, "SUBSCRIPTION")] = f"projects/{project}/subscriptions/{sub}"
            if (ch.settings if ch.kind == "queue" else c.settings).dead_letter.enabled:
                dlq = store_dead_letter_id(ch, None if ch.kind == "queue" else s.name, sub)
                env[env_name(c.channel, "DLQ_SUBSCRIPTION")] = f"projects/{project}/subscriptions/{dlq}"
            if c.processing_time is not None and c.processing_time > ACK_MAX:
                env[max_lease_env(c.channel)] = str(c.processing_time)
        env.update(payload_environment(topo, s))
        out[s.name] = dict(sorted(env.items()))
    return out


def identity_note(topo, service):
    """(message, hint) saying what a service gets on this cloud when the file names no identity for it, or None
    (TOP221; see clouds.aws.spec.identity_note for the wording)."""
    return None


def alarms(topo) -> int:
    """How many Cloud Monitoring alert policies on dead letters the stack creates (unless stack config ``alerts``
    is false): one when any subscription dead-letters, more when their filters do not fit one (alert_policies)."""
    return len(alert_policies([n for n, _key in dead_letters(topo)]))


ALARM_TARGET = ("clouds.gcp.notification_channels", "a list of notification channels",
                "Cloud Monitoring alert policy", "Cloud Monitoring alert policies")


# Large payloads (claim check, docs/format.md#large-payloads): Pub/Sub quotas, "Message size (the data field)":
# 10 MB (cloud.google.com/pubsub/quotas#resource_limits).
def payload_limit(topo, channel) -> tuple:
    """(bytes, what): the largest body the channel's broker carries itself."""
    return 10_000_000, "a Pub/Sub message"


# Claim-check storage (generator/clouds/gcp/payloads.py). Predefined roles (cloud.google.com/storage/docs/
# access-control/iam-roles): objectCreator creates objects only; objectViewer reads (and lists); objectUser
# reads, creates and deletes. IAM Conditions on resource.name (cloud.google.com/iam/docs/conditions-resource-
# attributes#resource-name): an object's name is projects/_/buckets/<bucket>/objects/<object>.
OBJECT_CREATOR = "roles/storage.objectCreator"
OBJECT_VIEWER = "roles/storage.objectViewer"
OBJECT_USER = "roles/storage.objectUser"
BUCKET_MAX = 63


def payload_bucket_name(topo) -> str:
    from ...payloads import fit

    return fit(f"{topo.prefix}-payloads".lower(), BUCKET_MAX)


def payload_environment(topo, service) -> dict:
    """What a service needs to offload: per channel it uses that offloads, bucket, key prefix and threshold."""
    from .. import env_name
    from ...payloads import object_prefix, threshold

    env = {}
    for channel, _label, _role in payload_roles(topo, service):
        env[env_name(channel.name, "PAYLOAD_BUCKET")] = payload_bucket_name(topo)
        env[env_name(channel.name, "PAYLOAD_PREFIX")] = object_prefix(channel)
        env[env_name(channel.name, "PAYLOAD_THRESHOLD")] = str(threshold(topo, channel, "gcp"))
    return env


def payload_roles(topo, service) -> list:
    """[(channel, label, role), ...] sorted: a publisher creates, a queue's consumer reads and deletes
    (objectUser: the one predefined role with delete short of objectAdmin), a topic's subscriber reads."""
    from ...payloads import offloading

    offloads = {c.name for c in offloading(topo)}
    out = set()
    for r in service.publishes:
        if r.channel in offloads:
            out.add((r.channel, "creator", OBJECT_CREATOR))
    for c in service.consumes:
        if c.channel in offloads:
            out.add((c.channel, "user", OBJECT_USER) if c.kind == "queue" else (c.channel, "viewer", OBJECT_VIEWER))
    return [(topo.channel(n), label, role) for n, label, role in sorted(out)]


def prefix_condition(bucket: str, prefix: str) -> dict:
    """An IAM condition that limits a grant to the objects under one prefix of one bucket."""
    return {"title": f"objects under {prefix}"[:100],
            "description": "topowire: one channel's large payloads",
            "expression": f'resource.name.startsWith("projects/_/buckets/{bucket}/objects/{prefix}")'}
