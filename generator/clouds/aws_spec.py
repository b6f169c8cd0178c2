"""AWS: SQS, SNS and IAM names and limits (no Pulumi here)."""

from __future__ import annotations

from . import DerivedName, Range
from .accepts import Accepts

CLOUD = "aws"
TITLE = "AWS"

_SQS = r"^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$"
_SQS_RULE = "letters, digits, '-' and '_', at most 80 characters including '.fifo'"
_SNS = r"^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$"
_IAM_NAME = r"^[\w+=,.@-]{1,128}$"

QUEUE, TOPIC = "aws:sqs/queue:Queue", "aws:sns/topic:Topic"
SUBSCRIPTION, ALARM = "aws:sns/topicSubscription:TopicSubscription", "aws:cloudwatch/metricAlarm:MetricAlarm"
POLICY = "aws:iam/policy:Policy"
_SQS_API = "SQS API Reference, SetQueueAttributes / CreateQueue (docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference)"
_SQS_DLQ = "SQS Developer Guide, dead-letter queues: maxReceiveCount 1 to 1,000"
_SNS_API = "SNS API Reference, CreateTopic / Subscribe / SetSubscriptionAttributes (docs.aws.amazon.com/sns/latest/api)"
_CW_API = "CloudWatch API Reference, PutMetricAlarm (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference)"
_IAM_API = "IAM API Reference, CreatePolicy / AttachRolePolicy, and IAM quotas (docs.aws.amazon.com/IAM/latest)"
_TAGS = "AWS tagging: a tag value is 0 to 256 characters (docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html)"
_TAGGED = (QUEUE, TOPIC, ALARM, POLICY)

# What AWS accepts for every input the program sends (clouds/accepts.py); the validator's ranges below and the name
# patterns of derived_names are these numbers.
ACCEPTS = (
    Accepts(QUEUE, "name", _SQS_API, pattern=_SQS),
    Accepts(QUEUE, "visibilityTimeoutSeconds", _SQS_API, 0, 12 * 3600),
    Accepts(QUEUE, "messageRetentionSeconds", _SQS_API, 60, 14 * 86400),
    Accepts(QUEUE, "delaySeconds", _SQS_API, 0, 15 * 60),
    Accepts(QUEUE, "maxMessageSize", _SQS_API, 1024, 1024 * 1024),
    Accepts(QUEUE, "receiveWaitTimeSeconds", _SQS_API, 0, 20),
    Accepts(QUEUE, "kmsDataKeyReusePeriodSeconds", _SQS_API, 60, 86400),
    Accepts(QUEUE, "redrivePolicy#maxReceiveCount", _SQS_DLQ, 1, 1000),
    Accepts(QUEUE, "redrivePolicy#deadLetterTargetArn", _SQS_API, pattern=r"arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+"),
    Accepts("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "redriveAllowPolicy#redrivePermission", _SQS_API,
            choices=("allowAll", "denyAll", "byQueue")),
    Accepts("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "redriveAllowPolicy#sourceQueueArns[]", _SQS_API,
            pattern=r"arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+"),
    Accepts(TOPIC, "name", _SNS_API, pattern=_SNS),
    Accepts(SUBSCRIPTION, "protocol", _SNS_API, choices=("sqs",)),
    Accepts(SUBSCRIPTION, "filterPolicyScope", _SNS_API, choices=("MessageAttributes", "MessageBody")),
    Accepts(SUBSCRIPTION, "filterPolicy", "SNS Developer Guide, filter policy constraints: at most 256 KB",
            max_len=256 * 1024, unit="bytes"),
    Accepts(SUBSCRIPTION, "redrivePolicy#deadLetterTargetArn",
            "SNS Developer Guide, sns-configure-dead-letter-queue: RedrivePolicy {\"deadLetterTargetArn\": <SQS queue ARN>}",
            pattern=r"arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+"),
    Accepts(ALARM, "name", _CW_API, min_len=1, max_len=255),
    Accepts(ALARM, "alarmDescription", _CW_API, max_len=1024),
    Accepts(ALARM, "period", _CW_API + ": 10, 20, 30 or a multiple of 60 seconds", 10, None, choices=(10, 20, 30),
            multiple_of=60),
    Accepts(ALARM, "evaluationPeriods", _CW_API, 1, None),
    Accepts(ALARM, "threshold", _CW_API + ": any double"),
    Accepts(ALARM, "comparisonOperator", _CW_API, choices=(
        "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold")),
    Accepts(ALARM, "statistic", _CW_API, choices=("SampleCount", "Average", "Sum", "Minimum", "Maximum")),
    Accepts(ALARM, "treatMissingData", _CW_API, choices=("breaching", "notBreaching", "ignore", "missing")),
    Accepts(ALARM, "dimensions.*", _CW_API + ": a dimension value is 1 to 1024 characters", min_len=1, max_len=1024),
    Accepts(POLICY, "name", _IAM_API, pattern=_IAM_NAME),
    Accepts(POLICY, "description", _IAM_API, max_len=1000),
    Accepts(POLICY, "policy", _IAM_API + ": a managed policy document is at most 6,144 characters", max_len=6144),
    Accepts("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", _IAM_API + ": RoleName",
            pattern=r"^[\w+=,.@-]{1,64}$"),
    *(Accepts(t, "tags.*", _TAGS, max_len=256) for t in _TAGGED),
)


def _accepts(typ: str, key: str) -> Accepts:
    [a] = [a for a in ACCEPTS if a.type == typ and a.key == key]
    return a


def _range(field: str, typ: str, key: str, what: str, unit: str = "duration") -> Range:
    a = _accepts(typ, key)
    return Range(field, a.low, a.high, what, unit)


def ranges(topo):
    return [
        _range("visibility_timeout", QUEUE, "visibilityTimeoutSeconds", "SQS visibility timeout"),
        _range("retention", QUEUE, "messageRetentionSeconds", "SQS message retention"),
        _range("delay", QUEUE, "delaySeconds", "SQS delivery delay"),
        _range("max_message_size", QUEUE, "maxMessageSize", "SQS maximum message size", "size"),
        _range("max_receive_count", QUEUE, "redrivePolicy#maxReceiveCount", "SQS maxReceiveCount", "count"),
        _range("dead_letter_retention", QUEUE, "messageRetentionSeconds", "SQS dead-letter queue retention"),
    ]


def adjustments(topo):
    return []


def fifo(name: str, is_fifo: bool) -> str:
    return name + ".fifo" if is_fifo else name


def queue_name(topo, queue) -> str:
    return fifo(f"{topo.name}-{queue.deployed_name}", queue.fifo)


def dlq_name(base: str) -> str:
    """``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo`` (a DLQ has its source's FIFO-ness)."""
    if base.endswith(".fifo"):
        return base[: -len(".fifo")] + "-dlq.fifo"
    return base + "-dlq"


def topic_name(topo, topic) -> str:
    return fifo(f"{topo.name}-{topic.deployed_name}", topic.fifo)


def subscription_queue_name(topo, topic, service: str) -> str:
    return fifo(f"{topo.name}-{topic.deployed_name}-{topo.deployed(service)}", topic.fifo)


def policy_name(topo, service: str) -> str:
    return f"{topo.name}-{topo.deployed(service)}"


def derived_names(topo):
    out = []

    def sqs(name, path):
        out.append(DerivedName(CLOUD, "SQS queue", "sqs", name, path, 1, 80, _SQS, _SQS_RULE))

    for q in topo.queues.values():
        name = queue_name(topo, q)
        sqs(name, q.path)
        if q.settings.dead_letter.enabled:
            sqs(dlq_name(name), q.path)
    for t in topo.topics.values():
        out.append(DerivedName(CLOUD, "SNS topic", "sns", topic_name(topo, t), t.path, 1, 256, _SNS,
                               "letters, digits, '-' and '_', at most 256 characters"))
        for c in topo.consumers.get(t.name, ()):
            name = subscription_queue_name(topo, t, c.service)
            sqs(name, c.path)
            sqs(dlq_name(name), c.path)  # always: the SNS subscription's own dead letters
    for s in topo.services.values():
        out.append(DerivedName(CLOUD, "IAM policy", "iam-policy", policy_name(topo, s.name), s.path, 1, 128,
                               _IAM_NAME, "letters, digits and +=,.@_-, at most 128 characters"))
    return out


def filter_policy(flt) -> dict:
    """The SNS filter policy (MessageAttributes scope) of a topowire filter."""
    return {attr: list(values) for attr, values in flt}


def filter_problems(flt) -> list:
    out = []
    if len(flt) > 5:
        out.append(f"SNS filter policies allow at most 5 attributes, this one has {len(flt)}")
    combos = 1
    for _attr, values in flt:
        combos *= max(1, len(values))
    if combos > 150:
        out.append(f"SNS filter policies allow at most 150 combinations of values, this one has {combos}")
    return out


def inventory(topo) -> list:
    """What diff compares on AWS: SQS queues and DLQs, SNS topics and subscriptions, IAM policies.

    SQS and SNS cannot rename a queue or topic or change its FIFO-ness (the
    name carries ``.fifo``): a new name is a new resource. Everything else in
    the YAML is an attribute set in place. A topic subscription's DLQ exists
    whether or not its consumer dead-letters (SNS dead-letters there what it
    cannot deliver), so ``dead_letter: false`` on a topic consumer updates
    what the DLQ receives instead of deleting it.
    """
    from . import Item, settings_view

    out = []

    def queue(key, name, fifo, s, subject, extra=(), sns=False):
        out.append(Item(CLOUD, "SQS queue", key, name, (("fifo", fifo),), settings_view(s) + extra, True, subject))
        if s.dead_letter.enabled or sns:
            sources = ("SQS redrive after max_receive_count",) if s.dead_letter.enabled else ()
            sources += ("SNS undeliverable messages",) if sns else ()
            out.append(Item(CLOUD, "SQS dead-letter queue", ("dlq",) + key[1:], dlq_name(name), (("fifo", fifo),),
                            (("retention", s.dead_letter.retention), ("receives", " and ".join(sources))), True,
                            subject))

    for q in topo.queues.values():
        queue(("queue", q.deployed_name), queue_name(topo, q), q.fifo, q.settings, f"queue '{q.name}'")
    for t in topo.topics.values():
        tname = topic_name(topo, t)
        out.append(Item(CLOUD, "SNS topic", ("topic", t.deployed_name), tname, (("fifo", t.fifo),),
                        (("encryption", t.encryption.kms_key or t.encryption.mode),), False, f"topic '{t.name}'"))
        out.append(Item(CLOUD, "SNS topic policy", ("topic-policy", t.deployed_name), tname, (("topic", tname),),
                        (), False, f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            key = ("subscription", t.deployed_name, topo.deployed(c.service))
            subject = f"subscription of '{c.service}' to topic '{t.name}'"
            qname = subscription_queue_name(topo, t, c.service)
            queue(key, qname, t.fifo, c.settings, subject, sns=True)
            out.append(Item(CLOUD, "SNS subscription", ("sns-subscription",) + key[1:], f"{tname} -> {qname}",
                            (("topic", tname), ("queue", qname)), (("filter", c.filter), ("dead_letter_queue",
                                                                                         dlq_name(qname))),
                            False, subject))
    for s in topo.services.values():
        grants = tuple(sorted(("publishes", topo.channel(r.channel).deployed_name) for r in s.publishes)) + \
            tuple(sorted(("consumes", topo.channel(c.channel).deployed_name) for c in s.consumes))
        out.append(Item(CLOUD, "IAM policy", ("policy", s.deployed_name), policy_name(topo, s.name), (),
                        (("grants", grants), ("role", s.identity.aws_role)), False, f"service '{s.name}'"))
    return out


# What lowering a store's retention does to the messages it already holds (topowire diff flags it):
# "Changes made to the MessageRetentionPeriod attribute ... will impact existing messages in the queue
# potentially causing them to be expired and deleted" (SQS API reference, SetQueueAttributes).
RETENTION_LOWERED = "SQS deletes the messages already older than the new retention, within 15 minutes"
