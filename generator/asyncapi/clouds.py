"""What each cloud adds to an AsyncAPI document: servers, channel addresses, bindings, extensions.

Every physical name and every value comes from ``clouds/<cloud>_spec.py`` and
the Topology's effective settings, exactly as the Pulumi programs use them;
nothing is re-derived here.

Binding versions are the ones the AsyncAPI 3.0.0 JSON Schema of
``@asyncapi/specs`` (what ``asyncapi validate`` checks against) accepts:
SQS 0.2.0, SNS 0.1.0. The Google Pub/Sub channel binding (0.2.0) requires
``schemaSettings`` (a Pub/Sub schema resource, which topowire does not
create) and AsyncAPI has no Pub/Sub operation binding and no Service Bus
binding at all, so those settings go under ``x-googlepubsub`` and
``x-servicebus`` extensions, with the field names of the clouds' own APIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clouds.aws import spec as aws_spec
from ..clouds.azure import spec as azure_spec
from ..clouds.gcp import spec as gcp_spec

SQS_BINDING = "0.2.0"
SNS_BINDING = "0.1.0"


@dataclass
class Channel:
    """One channel of one cloud: where it lives, and what its bindings and extensions say."""

    address: str
    servers: tuple
    bindings: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)


@dataclass
class Receive:
    """What a receive operation adds for one cloud (the consumer's own store of messages)."""

    bindings: dict = field(default_factory=dict)
    extensions: dict = field(default_factory=dict)


# --- AWS: SQS and SNS -------------------------------------------------------------------------------

def _sqs_queue(name: str, fifo: bool, s, dlq: str | None) -> dict:
    out = {"name": name, "fifoQueue": fifo, "deliveryDelay": s.delay, "visibilityTimeout": s.visibility_timeout,
           "messageRetentionPeriod": s.retention}
    if dlq:
        out["redrivePolicy"] = {"deadLetterQueue": {"name": dlq}, "maxReceiveCount": s.dead_letter.max_receive_count}
    return out


def _sqs_dlq(name: str, fifo: bool, s) -> dict:
    return {"name": name, "fifoQueue": fifo, "visibilityTimeout": s.visibility_timeout,
            "messageRetentionPeriod": s.dead_letter.retention}


class Aws:
    cloud = "aws"
    title = aws_spec.TITLE

    @staticmethod
    def servers(topo, topics: bool) -> dict:
        region = {"region": {"description": "the AWS region of the stack (Pulumi config aws:region)",
                             "examples": ["eu-west-1"]}}
        out = {"aws-sqs": {"host": "sqs.{region}.amazonaws.com", "protocol": "sqs", "title": "Amazon SQS",
                           "description": "SQS queues of the stack: every queue, and each topic consumer's own "
                                          "queue", "variables": region}}
        if topics:
            out["aws-sns"] = {"host": "sns.{region}.amazonaws.com", "protocol": "sns", "title": "Amazon SNS",
                              "description": "SNS topics of the stack", "variables": dict(region)}
        return out

    @staticmethod
    def queue(topo, queue) -> Channel:
        name = aws_spec.queue_name(topo, queue)
        s = queue.settings
        dlq = aws_spec.queue_dlq_name(topo, queue) if s.dead_letter.enabled else None
        binding = {"queue": _sqs_queue(name, queue.fifo, s, dlq)}
        if dlq:
            binding["deadLetterQueue"] = _sqs_dlq(dlq, queue.fifo, s)
        binding["bindingVersion"] = SQS_BINDING
        return Channel(name, ("aws-sqs",), {"sqs": binding})

    @staticmethod
    def topic(topo, topic) -> Channel:
        binding = {"name": aws_spec.topic_name(topo, topic)}
        if topic.fifo:
            binding["ordering"] = {"type": "FIFO", "contentBasedDeduplication": True}
        binding["bindingVersion"] = SNS_BINDING
        return Channel(aws_spec.topic_name(topo, topic), ("aws-sns",), {"sns": binding})

    @staticmethod
    def receive(topo, topic, consumer) -> Receive:
        """A topic consumer: its SNS subscription (raw delivery, filter policy) into its own SQS queue."""
        queue = aws_spec.subscription_queue_name(topo, topic, consumer.service)
        s = consumer.settings
        dlq = aws_spec.subscription_dlq_name(topo, topic, consumer.service) if s.dead_letter.enabled else None
        sub = {"protocol": "sqs", "endpoint": {"name": queue}, "rawMessageDelivery": True}
        if consumer.filter:
            sub["filterPolicy"] = aws_spec.filter_policy(consumer.filter)
            sub["filterPolicyScope"] = "MessageAttributes"
        queues = [_sqs_queue(queue, topic.fifo, s, dlq)]
        if dlq:
            queues.append(_sqs_dlq(dlq, topic.fifo, s))
        return Receive({"sns": {"consumers": [sub], "bindingVersion": SNS_BINDING},
                        "sqs": {"queues": queues, "bindingVersion": SQS_BINDING}})

    @staticmethod
    def dead_letter(topo, channel, consumer) -> Channel | None:
        if channel.kind == "queue":
            s, name, fifo = channel.settings, aws_spec.queue_dlq_name(topo, channel), channel.fifo
        else:
            s, fifo = consumer.settings, channel.fifo
            name = aws_spec.subscription_dlq_name(topo, channel, consumer.service)
        if not s.dead_letter.enabled:
            return None
        return Channel(name, ("aws-sqs",), {"sqs": {"queue": _sqs_dlq(name, fifo, s), "bindingVersion": SQS_BINDING}})

    @staticmethod
    def payload_storage(topo, channel) -> dict:
        """Where an offloading channel's bodies go (the program's bucket and prefix: clouds/aws/spec.py)."""
        bucket, prefix = aws_spec.payload_location(topo, channel)
        return {"service": "s3", "bucket": bucket, "prefix": prefix}


# --- Azure: Service Bus over AMQP 1.0 ----------------------------------------------------------------

def _servicebus_entity(s, fifo: bool) -> dict:
    """The entity settings the Azure program sets (generator/clouds/azure.py, ``_entity_settings``)."""
    return {"lockDuration": azure_spec.lock_duration(s.visibility_timeout),
            "maxDeliveryCount": s.dead_letter.max_receive_count,
            "defaultMessageTimeToLive": azure_spec.iso_duration(s.retention),
            "deadLetteringOnMessageExpiration": s.dead_letter.enabled,
            "requiresSession": fifo}


def _premium_size(topo, size) -> dict:
    """``maxMessageSizeInKilobytes``: set on Premium only, from the largest message the entity must accept."""
    if topo.clouds.azure_sku == "Premium" and size:
        return {"maxMessageSizeInKilobytes": azure_spec.message_size_kb(size)}
    return {}


class Azure:
    cloud = "azure"
    title = azure_spec.TITLE

    @staticmethod
    def servers(topo, topics: bool) -> dict:
        ns = azure_spec.namespace_name(topo)
        return {"azure-servicebus": {
            "host": f"{ns}.servicebus.windows.net", "protocol": "amqp", "protocolVersion": "1.0",
            "title": "Azure Service Bus",
            "description": f"Service Bus namespace '{ns}' (the default name for stack '{topo.stack}'; stack config "
                           "key namespace of the Pulumi project overrides it), reached over AMQP 1.0",
            "x-servicebus": {"namespace": ns, "tier": topo.clouds.azure_sku}}}

    @staticmethod
    def queue(topo, queue) -> Channel:
        name = azure_spec.entity_name(topo, queue)
        ext = {"entity": "queue", "name": name, **_servicebus_entity(queue.settings, queue.fifo),
               "requiresDuplicateDetection": queue.fifo, **_premium_size(topo, queue.settings.max_message_size),
               "deadLetterQueue": f"{name}/$DeadLetterQueue"}
        return Channel(name, ("azure-servicebus",), extensions={"x-servicebus": ext})

    @staticmethod
    def topic(topo, topic) -> Channel:
        name = azure_spec.entity_name(topo, topic)
        ext = {"entity": "topic", "name": name, "supportOrdering": topic.fifo,
               "requiresDuplicateDetection": topic.fifo,
               **_premium_size(topo, azure_spec.topic_message_size(topo, topic))}
        return Channel(name, ("azure-servicebus",), extensions={"x-servicebus": ext})

    @staticmethod
    def _subscription_path(topo, topic, consumer) -> str:
        return (f"{azure_spec.entity_name(topo, topic)}/Subscriptions/"
                f"{azure_spec.subscription_name(topo, consumer.service, topic)}")

    @classmethod
    def receive(cls, topo, topic, consumer) -> Receive:
        ext = {"subscription": azure_spec.subscription_name(topo, consumer.service, topic),
               **_servicebus_entity(consumer.settings, topic.fifo),
               "deadLetteringOnFilterEvaluationExceptions": True,
               "deadLetterQueue": cls._subscription_path(topo, topic, consumer) + "/$DeadLetterQueue",
               "sqlFilter": azure_spec.sql_filter(consumer.filter)}  # the $Default rule: the filter, or 1=1
        return Receive(extensions={"x-servicebus": ext})

    @classmethod
    def dead_letter(cls, topo, channel, consumer) -> Channel | None:
        # Service Bus always has a dead-letter sub-queue: it receives what exceeds maxDeliveryCount.
        if channel.kind == "queue":
            path = f"{azure_spec.entity_name(topo, channel)}/$DeadLetterQueue"
        else:
            path = cls._subscription_path(topo, channel, consumer) + "/$DeadLetterQueue"
        return Channel(path, ("azure-servicebus",), extensions={"x-servicebus": {"entity": "dead-letter sub-queue"}})

    @staticmethod
    def payload_storage(topo, channel) -> dict:
        from ..payloads import object_prefix

        return {"service": "blob", "accountUrl": f"https://{azure_spec.storage_account_name(topo)}.blob.core.windows.net",
                "container": azure_spec.payload_container_name(channel), "prefix": object_prefix(channel)}


# --- GCP: Pub/Sub --------------------------------------------------------------------------------------

def _pubsub_subscription(sub_id: str, s, fifo: bool, flt, dlq: str | None = None) -> dict:
    """The subscription fields the GCP program sets (generator/clouds/gcp.py, ``_Store``), REST names."""
    out = {"name": sub_id, "ackDeadlineSeconds": gcp_spec.ack_deadline(s.visibility_timeout),
           "messageRetentionDuration": gcp_spec.retention(s.retention), "enableMessageOrdering": fifo,
           "retryPolicy": {"minimumBackoff": gcp_spec.RETRY_MIN, "maximumBackoff": gcp_spec.RETRY_MAX}}
    if flt:
        out["filter"] = gcp_spec.filter_expression(flt)
    if s.dead_letter.enabled:
        out["deadLetterPolicy"] = {"deadLetterTopic": dlq or gcp_spec.dead_letter_id(sub_id),
                                   "maxDeliveryAttempts": gcp_spec.delivery_attempts(s.dead_letter.max_receive_count)}
    return out


class Gcp:
    cloud = "gcp"
    title = gcp_spec.TITLE

    @staticmethod
    def servers(topo, topics: bool) -> dict:
        return {"gcp-pubsub": {
            "host": "pubsub.googleapis.com", "pathname": "/v1/projects/{project}", "protocol": "googlepubsub",
            "title": "Google Cloud Pub/Sub",
            "description": "Pub/Sub of the stack's project: channel addresses are topic ids in it",
            "variables": {"project": {"description": "the GCP project of the stack (Pulumi config gcp:project)"}}}}

    @staticmethod
    def queue(topo, queue) -> Channel:
        sub = gcp_spec.queue_subscription_id(topo, queue)
        ext = {"topic": gcp_spec.topic_id(topo, queue),
               "subscription": _pubsub_subscription(sub, queue.settings, queue.fifo, None,
                                                    gcp_spec.store_dead_letter_id(queue, None, sub))}
        return Channel(gcp_spec.topic_id(topo, queue), ("gcp-pubsub",), extensions={"x-googlepubsub": ext})

    @staticmethod
    def topic(topo, topic) -> Channel:
        tid = gcp_spec.topic_id(topo, topic)
        return Channel(tid, ("gcp-pubsub",), extensions={"x-googlepubsub": {"topic": tid}})

    @staticmethod
    def receive(topo, topic, consumer) -> Receive:
        sub = gcp_spec.topic_subscription_id(topo, topic, consumer.service)
        return Receive(extensions={"x-googlepubsub": {
            "subscription": _pubsub_subscription(sub, consumer.settings, topic.fifo, consumer.filter,
                                                 gcp_spec.store_dead_letter_id(topic, consumer.service, sub))}})

    @staticmethod
    def dead_letter(topo, channel, consumer) -> Channel | None:
        if channel.kind == "queue":
            s, sub = channel.settings, gcp_spec.queue_subscription_id(topo, channel)
        else:
            s, sub = consumer.settings, gcp_spec.topic_subscription_id(topo, channel, consumer.service)
        if not s.dead_letter.enabled:
            return None
        dlq = gcp_spec.store_dead_letter_id(channel, None if channel.kind == "queue" else consumer.service, sub)
        return Channel(dlq, ("gcp-pubsub",), extensions={"x-googlepubsub": {
            "topic": dlq, "subscription": {"name": dlq, "messageRetentionDuration": gcp_spec.retention(
                s.dead_letter.retention)}}})

    @staticmethod
    def payload_storage(topo, channel) -> dict:
        from ..payloads import object_prefix

        return {"service": "gcs", "bucket": gcp_spec.payload_bucket_name(topo), "prefix": object_prefix(channel)}


CLOUDS = {"aws": Aws, "azure": Azure, "gcp": Gcp}
