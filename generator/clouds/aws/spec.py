"""AWS: SQS, SNS and IAM names and limits (no Pulumi here)."""

from __future__ import annotations

import json
import re

from .. import DerivedName, Range, access_words, subscription_pulumi_names
from ..accepts import Accepts

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
    # The claim-check bucket's lifecycle (clouds/aws/payloads.py): S3 API Reference, LifecycleExpiration "Days: the
    # value must be a non-zero positive integer"; AbortIncompleteMultipartUpload "DaysAfterInitiation" (days, >= 1).
    Accepts("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "rules[].expiration.days",
            "S3 API Reference, LifecycleExpiration: Days, a non-zero positive integer", 1, None),
    Accepts("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "rules[].abortIncompleteMultipartUpload.daysAfterInitiation",
            "S3 API Reference, AbortIncompleteMultipartUpload: DaysAfterInitiation, whole days", 1, None),
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


def _adopted(channel):
    """The AWS names ``channel`` keeps (``adopt.aws``), or None."""
    return (getattr(channel, "adopt", None) or {}).get(CLOUD)


def queue_name(topo, queue) -> str:
    a = _adopted(queue)
    if a and a.name:
        return a.name
    return fifo(f"{topo.prefix}-{queue.deployed_name}", queue.fifo)


def dlq_name(base: str) -> str:
    """``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo`` (a DLQ has its source's FIFO-ness)."""
    if base.endswith(".fifo"):
        return base[: -len(".fifo")] + "-dlq.fifo"
    return base + "-dlq"


def queue_dlq_name(topo, queue) -> str:
    """The name of a queue's dead-letter queue: the adopted one, else derived from the queue's name."""
    a = _adopted(queue)
    if a and a.dead_letter:
        return a.dead_letter
    return dlq_name(queue_name(topo, queue))


def topic_name(topo, topic) -> str:
    a = _adopted(topic)
    if a and a.name:
        return a.name
    return fifo(f"{topo.prefix}-{topic.deployed_name}", topic.fifo)


def adopted_subscription(topic, service: str):
    """What ``adopt.aws.subscriptions.<service>`` of ``topic`` keeps: {"queue", "dead_letter", "arn"} or {}."""
    a = _adopted(topic)
    return (a.subscriptions.get(service) if a else None) or {}


def subscription_queue_name(topo, topic, service: str) -> str:
    kept = adopted_subscription(topic, service).get("queue")
    return kept or fifo(f"{topo.prefix}-{topic.deployed_name}-{topo.deployed(service)}", topic.fifo)


def subscription_dlq_name(topo, topic, service: str) -> str:
    kept = adopted_subscription(topic, service).get("dead_letter")
    return kept or dlq_name(subscription_queue_name(topo, topic, service))


def policy_name(topo, service: str) -> str:
    return f"{topo.prefix}-{topo.deployed(service)}"


def derived_names(topo):
    out = []

    def sqs(name, path):
        out.append(DerivedName(CLOUD, "SQS queue", "sqs", name, path, 1, 80, _SQS, _SQS_RULE))

    for q in topo.queues.values():
        sqs(queue_name(topo, q), q.path)
        if q.settings.dead_letter.enabled:
            sqs(queue_dlq_name(topo, q), q.path)
    for t in topo.topics.values():
        out.append(DerivedName(CLOUD, "SNS topic", "sns", topic_name(topo, t), t.path, 1, 256, _SNS,
                               "letters, digits, '-' and '_', at most 256 characters"))
        for c in topo.consumers.get(t.name, ()):
            sqs(subscription_queue_name(topo, t, c.service), c.path)
            sqs(subscription_dlq_name(topo, t, c.service), c.path)  # always: the SNS subscription's own dead letters
    for s in topo.services.values():
        out.append(DerivedName(CLOUD, "IAM policy", "iam-policy", policy_name(topo, s.name), s.path, 1, 128,
                               _IAM_NAME, "letters, digits and +=,.@_-, at most 128 characters"))
    return out


def identity_note(topo, service):
    """(message, hint) saying what a service gets on AWS when the file names no role for it, or None.

    Without ``identity.aws_role`` topowire still creates the service's IAM policy, but attaches it to nothing:
    the service can do nothing until someone attaches it (topowire never guesses a role)."""
    if service.identity.aws_role or not (service.publishes or service.consumes):
        return None
    return (f"on AWS, service '{service.name}' runs as no role the file names (identity.aws_role): topowire creates "
            f"its IAM policy ({access_words(topo, service)}) and attaches it to no role, so the service can do none "
            "of it until the policy is attached to the role it runs as",
            f"set identity.aws_role (per stack: environments.<stack>.services.{service.name}.identity.aws_role), or "
            f"attach the stack output services.{service.name}.policy_arn to the service's role yourself")


def filter_policy(flt) -> dict:
    """The SNS filter policy (MessageAttributes scope) of a topowire filter."""
    return {attr: list(values) for attr, values in flt}


# Amazon SNS, "Filter policy constraints":
# https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
SNS_FILTER_KEYS = 5
SNS_FILTER_COMBINATIONS = 150
SNS_FILTER_POLICY_BYTES = 256 * 1024
SNS_FILTER_POLICIES_PER_TOPIC = 200  # default quota (Service Quotas can raise it)
# Tags: at most 50 per SQS queue, SNS topic and IAM policy
# (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html#tag-conventions)
MAX_TAGS = 50
# IAM: a managed policy document holds at most 6,144 characters, whitespace not counted
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length)
MAX_MANAGED_POLICY_CHARS = 6144
# IAM: at most 10 managed policies attached to one role by default, an adjustable quota ("Managed policies per role";
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entities)
MAX_ROLE_MANAGED_POLICIES = 10


def filter_problems(flt) -> list:
    out = []
    if len(flt) > SNS_FILTER_KEYS:
        out.append(f"SNS filter policies allow at most {SNS_FILTER_KEYS} attributes, this one has {len(flt)}")
    combos = 1
    for _attr, values in flt:
        combos *= max(1, len(values))
    if combos > SNS_FILTER_COMBINATIONS:
        out.append(f"SNS filter policies allow at most {SNS_FILTER_COMBINATIONS} combinations of values, this one "
                   f"has {combos}")
    size = len(json.dumps(filter_policy(flt), separators=(",", ":")).encode("utf-8"))
    if size > SNS_FILTER_POLICY_BYTES:
        out.append(f"the SNS filter policy is {size:,} bytes, the limit is {SNS_FILTER_POLICY_BYTES:,}")
    return out


def topic_problems(n_subscriptions: int, n_filtered: int) -> list:
    """Limits of one topic with these subscriptions (``n_filtered`` of them with a filter)."""
    if n_filtered > SNS_FILTER_POLICIES_PER_TOPIC:
        return [f"{n_filtered} subscriptions have a filter policy; SNS allows {SNS_FILTER_POLICIES_PER_TOPIC} per topic "
                "by default (a Service Quotas increase is needed first)"]
    return []


def policy_problems(topo) -> list:
    """(path, message) for tags and IAM policies over AWS limits."""
    out = []
    if len(topo.tags) > MAX_TAGS:
        out.append((("tags",), f"{len(topo.tags)} tags; AWS resources take at most {MAX_TAGS}"))
    for s in topo.services.values():
        size = policy_size_lower_bound(topo, s)
        if size > MAX_MANAGED_POLICY_CHARS:
            out.append((s.path, f"the IAM policy of service '{s.name}' would hold at least {size:,} characters; "
                                f"a managed policy holds at most {MAX_MANAGED_POLICY_CHARS:,}"))
    return out


def policy_size_lower_bound(topo, service) -> int:
    """A lower bound of the service's policy size: its resource ARNs with the shortest region name, quoted.

    The exact size is checked when the program builds the policy (plan and deployment).
    """
    def arn(kind: str, name: str) -> int:
        return len(f"arn:aws:{kind}:us-east-1:123456789012:{name}") + 3

    total = 0
    for r in service.publishes:
        if r.channel in topo.queues:
            total += arn("sqs", queue_name(topo, topo.queues[r.channel]))
        elif r.channel in topo.topics:
            total += arn("sns", topic_name(topo, topo.topics[r.channel]))
    for c in service.consumes:
        if c.kind == "queue":
            name = queue_name(topo, topo.queues[c.channel])
            total += arn("sqs", name)
            if topo.queues[c.channel].settings.dead_letter.enabled:
                total += arn("sqs", dlq_name(name))  # it reads its dead letters too (<CH>_DLQ_URL)
        elif c.kind == "topic":
            name = subscription_queue_name(topo, topo.topics[c.channel], service.name)
            total += arn("sqs", name) + arn("sqs", dlq_name(name))
    return total


def inventory(topo) -> list:
    """What diff compares on AWS: SQS queues and DLQs, SNS topics and subscriptions, IAM policies.

    SQS and SNS cannot rename a queue or topic or change its FIFO-ness (the
    name carries ``.fifo``): a new name is a new resource. Everything else in
    the YAML is an attribute set in place. A topic subscription's DLQ exists
    whether or not its consumer dead-letters (SNS dead-letters there what it
    cannot deliver), so ``dead_letter: false`` on a topic consumer updates
    what may redrive into the DLQ (its redrive-allow policy, a dependent) instead of deleting it.
    """
    from .. import Item, settings_view

    out = []
    tags = (("tags", tuple(sorted(dict(topo.tags).items()))),)  # every resource below but policies and subscriptions

    def queue(key, name, dlq, fifo, s, subject, extra=(), sns=False):
        out.append(Item(CLOUD, "SQS queue", key, name, (("fifo", fifo),), settings_view(s) + extra + tags, True,
                        subject, s.protect))  # the program protects the queue and its DLQ (program._queue_resources)
        if s.dead_letter.enabled or sns:
            # the program gives the DLQ the queue's visibility timeout, size (SNS's at least) and encryption
            size = s.max_message_size
            if sns and size is not None and size < SNS_MAX_MESSAGE_SIZE:
                size = SNS_MAX_MESSAGE_SIZE
            out.append(Item(CLOUD, "SQS dead-letter queue", ("dlq",) + key[1:], dlq, (("fifo", fifo),),
                            (("retention", s.dead_letter.retention),
                             ("visibility_timeout", s.visibility_timeout), ("max_message_size", size),
                             ("encryption", s.encryption.kms_key or s.encryption.mode)) + tags,
                            True, subject, s.protect))

    for q in topo.queues.values():
        queue(("queue", q.deployed_name), queue_name(topo, q), queue_dlq_name(topo, q), q.fifo, q.settings,
              f"queue '{q.name}'")
    for t in topo.topics.values():
        tname = topic_name(topo, t)
        out.append(Item(CLOUD, "SNS topic", ("topic", t.deployed_name), tname, (("fifo", t.fifo),),
                        (("encryption", t.encryption.kms_key or t.encryption.mode),) + tags, False,
                        f"topic '{t.name}'"))
        out.append(Item(CLOUD, "SNS topic policy", ("topic-policy", t.deployed_name), tname, (("topic", tname),),
                        (), False, f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            key = ("subscription", t.deployed_name, topo.deployed(c.service))
            subject = f"subscription of '{c.service}' to topic '{t.name}'"
            qname = subscription_queue_name(topo, t, c.service)
            qdlq = subscription_dlq_name(topo, t, c.service)
            queue(key, qname, qdlq, t.fifo, c.settings, subject, sns=True)
            out.append(Item(CLOUD, "SNS subscription", ("sns-subscription",) + key[1:], f"{tname} -> {qname}",
                            (("topic", tname), ("queue", qname)), (("filter", c.filter), ("dead_letter_queue", qdlq)),
                            False, subject))
    for s in topo.services.values():
        grants = tuple(sorted(("publishes", topo.channel(r.channel).deployed_name) for r in s.publishes)) + \
            tuple(sorted(("consumes", topo.channel(c.channel).deployed_name) for c in s.consumes)) + \
            tuple(sorted(("reads dead letters of", topo.channel(c.channel).deployed_name) for c in s.consumes
                         if c.kind == "topic" or (c.kind == "queue" and c.settings.dead_letter.enabled)))
        out.append(Item(CLOUD, "IAM policy", ("policy", s.deployed_name), policy_name(topo, s.name), (),
                        (("grants", grants), ("kms keys", policy_keys(topo, s)))
                        + tags, False, f"service '{s.name}'"))
    return out


# What lowering a store's retention does to the messages it already holds (topowire diff flags it):
# "Changes made to the MessageRetentionPeriod attribute ... will impact existing messages in the queue
# potentially causing them to be expired and deleted" (SQS API reference, SetQueueAttributes).
RETENTION_LOWERED = "SQS deletes the messages already older than the new retention, within 15 minutes"


SNS_MAX_MESSAGE_SIZE = 256 * 1024  # the largest payload SNS publishes: a subscription DLQ must hold any of them


def policy_keys(topo, service) -> tuple:
    """The KMS keys a service's IAM policy grants, as the program's ``access_statements`` picks them: encrypt
    (kms:Decrypt, kms:GenerateDataKey) with the keys of the queues it sends to and the topics it publishes to,
    decrypt with the keys of the queues it receives from (its topic subscriptions' queues included)."""
    def key(enc):
        return enc.kms_key if enc.mode == "kms" else None

    encrypt, decrypt = set(), set()
    for r in service.publishes:
        ch = topo.channel(r.channel)
        encrypt.add(key(ch.settings.encryption) if ch.kind == "queue" else key(ch.encryption))
    for c in service.consumes:
        decrypt.add(key(topo.queues[c.channel].settings.encryption) if c.kind == "queue" else key(c.settings.encryption))
    encrypt.discard(None)
    decrypt.discard(None)
    return (("encrypt", tuple(sorted(encrypt))), ("decrypt", tuple(sorted(decrypt - encrypt))))


def pulumi_names(topo) -> list:
    """Pulumi names joined from several YAML names: the subscription components."""
    return subscription_pulumi_names(topo)


# Identifiers that reach IAM policies. A KMS key as AWS documents its forms (KMS developer guide, "Key
# identifiers (KeyId)": key ID, key ARN, alias name, alias ARN; alias names: "alias/" + letters, digits, '/', '_',
# '-', at most 256 characters in all). Wildcards are never part of an identifier.
_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
_ARN_PREFIX = r"arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-[0-9]:[0-9]{12}:"
KMS_KEY = re.compile(rf"^(?:{_KEY_ID}|{_ALIAS}|{_ARN_PREFIX}key/{_KEY_ID}|{_ARN_PREFIX}{_ALIAS})$")
KMS_KEY_ARN = re.compile(rf"^{_ARN_PREFIX}key/{_KEY_ID}$")
ROLE_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/")
WILDCARDS = ("*", "?")


def kms_key_problem(key: str) -> str | None:
    """Why ``key`` cannot name one KMS key (None when it can)."""
    if any(w in key for w in WILDCARDS):
        return (f"KMS key '{key}' contains a wildcard: the service's IAM policy would allow kms:Decrypt on every "
                "matching key")
    if not KMS_KEY.match(key):
        return (f"KMS key '{key}' is not a key id, key ARN, alias/<name> or alias ARN")
    return None


# AWS managed keys are named alias/aws/<service> ("AWS managed keys": the alias is aws/ and the service's name; KMS
# developer guide, concepts.html#aws-managed-key). Their key policies cannot be changed and let only the service
# that owns the key use it, for the callers of that service (kms:ViaService); SNS, delivering to a queue, is
# neither: "To use an encrypted Amazon SQS queue as a dead-letter queue, you must use a custom KMS with a key policy
# that grants the Amazon SNS service principal access" (SNS developer guide, sns-dead-letter-queues.html), and
# "you can't modify the key policy of an AWS managed KMS key for Amazon SQS" (SQS developer guide,
# sqs-key-management.html).
AWS_MANAGED_ALIAS = re.compile(rf"^(?:{_ARN_PREFIX})?alias/aws/([A-Za-z0-9/_-]+)$")


def aws_managed_key(key: str) -> str | None:
    """The service whose AWS managed key ``key`` names (``alias/aws/sqs`` -> ``sqs``), or None.

    Only aliases tell: an AWS managed key named by its key id or key ARN is found at deployment
    (``aws.kms.getKey``'s ``keyManager``)."""
    m = AWS_MANAGED_ALIAS.match(key or "")
    return m.group(1) if m else None


def role_account(role: str) -> str | None:
    """The account of a role ARN (None for a plain role name)."""
    m = ROLE_ARN.match(role)
    return m.group(1) if m else None


def role_name(role: str) -> str:
    """``arn:aws:iam::123456789012:role/path/name`` or ``name`` -> ``name``."""
    return role.rsplit("/", 1)[-1] if role.startswith("arn:") else role


def is_key_arn(key: str) -> bool:
    """A key ARN can go into IAM as it is; ids, aliases and alias ARNs are looked up to their key's ARN."""
    return bool(KMS_KEY_ARN.match(key))


def dependents(topo) -> list:
    """What follows the items of ``inventory`` on AWS (see docs/aws.md, "What a replacement takes along").

    Per queue (and per topic consumer's queue): its queue policy (``queue_url`` is ForceNew), with a DLQ
    its redrive-allow policy (``queue_url`` ForceNew; it names the source queue's ARN) and policy, and the
    alarm named after the DLQ (``alarm_name`` ForceNew, ``dimensions`` and ``alarm_actions``, the
    ``alarm_topic``, in place). The source queue's redrive policy names the DLQ's ARN, but a DLQ is only
    replaced (renamed) with its queue, whose own action covers it. Per service: the IAM policy lists the
    ARNs it may use.
    """
    from .. import Dependent

    out = []

    def queue(key, name, dlq_physical, s, subject, topic_key=None):
        refs = ((key, "replace"),) + (((topic_key, "update"),) if topic_key else ())
        out.append(Dependent(CLOUD, "SQS queue policy", ("queue-policy",) + key[1:], name, refs, subject, "queue_url"))
        if not s.dead_letter.enabled and topic_key is None:  # a topic consumer's queue always has SNS's DLQ
            return
        dlq = ("dlq",) + key[1:]
        out.append(Dependent(CLOUD, "SQS redrive-allow policy", ("redrive-allow",) + key[1:], dlq_physical,
                             ((dlq, "replace"), (key, "update")), subject, "queue_url",
                             update=(("redrive permission", "byQueue" if s.dead_letter.enabled else "denyAll"),)))
        out.append(Dependent(CLOUD, "SQS queue policy", ("dlq-policy",) + key[1:], dlq_physical,
                             ((dlq, "replace"),), subject, "queue_url"))
        out.append(Dependent(CLOUD, "CloudWatch alarm", ("alarm",) + key[1:], f"{dlq_physical}-not-empty",
                             ((dlq, "update"),), subject, "dimensions", named=True,
                             update=(("alarm_actions", topo.clouds.aws_alarm_topic),
                                     ("description: max_receive_count", s.dead_letter.max_receive_count
                                      if s.dead_letter.enabled else None),
                                     ("tags", tuple(sorted(dict(topo.tags).items()))))))

    for q in topo.queues.values():
        queue(("queue", q.deployed_name), queue_name(topo, q), queue_dlq_name(topo, q), q.settings,
              f"queue '{q.name}'")
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            queue(("subscription", t.deployed_name, topo.deployed(c.service)), subscription_queue_name(topo, t, c.service),
                  subscription_dlq_name(topo, t, c.service), c.settings, f"subscription of '{c.service}' to topic '{t.name}'", ("topic", t.deployed_name))
    for s in topo.services.values():
        refs = []
        for r in s.publishes:
            ch = topo.channel(r.channel)
            refs.append(((ch.kind, ch.deployed_name), "update"))
        for c in s.consumes:
            ch = topo.channel(c.channel)
            key = ("queue", ch.deployed_name) if ch.kind == "queue" else \
                ("subscription", ch.deployed_name, topo.deployed(s.name))
            refs.append((key, "update"))
        out.append(Dependent(CLOUD, "IAM policy", ("policy", s.deployed_name), policy_name(topo, s.name),
                             tuple(sorted(set(refs))), f"service '{s.name}'", "policy"))
        if s.identity.aws_role and (s.publishes or s.consumes):
            # RolePolicyAttachment: role and policy_arn are ForceNew (terraform-provider-aws
            # internal/service/iam/role_policy_attachment.go); the role is attached by name
            out.append(Dependent(CLOUD, "IAM role policy attachment", ("attachment", s.deployed_name),
                                 f"{policy_name(topo, s.name)} -> {role_name(s.identity.aws_role)}",
                                 ((("policy", s.deployed_name), "none"),), f"service '{s.name}'", "role",
                                 replace_on=(("role", role_name(s.identity.aws_role)),)))
    return out


def environment(topo, region: str = "<region>", account: str = "<account>") -> dict:
    """Each service's environment as the AWS program exports it (``services.<name>.env``), without Pulumi.

    What ``diff`` compares: a variable's name comes from the channel's name in the YAML, its value from the
    deployed (physical) name. ``tests/diff/test_environment.py`` checks it against the program's outputs.
    """
    from .. import env_name

    def url(name):
        return f"https://sqs.{region}.amazonaws.com/{account}/{name}"

    out = {}
    for s in topo.services.values():
        env = {"AWS_REGION": region}
        for r in s.publishes:
            ch = topo.channel(r.channel)
            if ch.kind == "queue":
                env[env_name(r.channel, "QUEUE_URL")] = url(queue_name(topo, ch))
            else:
                env[env_name(r.channel, "TOPIC_ARN")] = f"arn:aws:sns:{region}:{account}:{topic_name(topo, ch)}"
        for c in s.consumes:
            ch = topo.channel(c.channel)
            name = queue_name(topo, ch) if ch.kind == "queue" else subscription_queue_name(topo, ch, s.name)
            env[env_name(c.channel, "QUEUE_URL")] = url(name)
            # a topic consumer's queue always has a DLQ: SNS's own, for what it cannot deliver (see aws/program.py)
            if ch.kind == "topic" or ch.settings.dead_letter.enabled:
                dlq = queue_dlq_name(topo, ch) if ch.kind == "queue" else subscription_dlq_name(topo, ch, s.name)
                env[env_name(c.channel, "DLQ_URL")] = url(dlq)
        env.update(payload_environment(topo, s))
        out[s.name] = dict(sorted(env.items()))
    return out


def alarms(topo) -> int:
    """How many CloudWatch alarms the stack creates: one per dead-letter queue (every dead-lettering queue, every
    topic consumer's queue: SNS's own dead letters)."""
    return sum(1 for q in topo.queues.values() if q.settings.dead_letter.enabled) + \
        sum(1 for c in topo.all_consumers() if c.kind == "topic")


ALARM_TARGET = ("clouds.aws.alarm_topic", "an SNS topic ARN", "CloudWatch alarm", "CloudWatch alarms")


# Large payloads (claim check, docs/format.md#large-payloads). SQS takes 1 MiB since August 2025 (it was 256 KiB;
# moto 5.2 has MAXIMUM_MESSAGE_LENGTH = 1_048_576, moto/sqs/constants.py); SNS still 256 KiB (SNS quotas).
SQS_MESSAGE_MAX = 1024 * 1024
SNS_MESSAGE_MAX = 256 * 1024
# What amazon-sqs-extended-client and amazon-sns-extended-client offload above when no threshold is given.
EXTENDED_CLIENT_THRESHOLD = 256 * 1024
S3_BUCKET_MAX = 63


def payload_limit(topo, channel) -> tuple:
    """(bytes, what): the largest body the channel's broker carries itself."""
    if channel.kind == "topic":
        return SNS_MESSAGE_MAX, "an SNS message"
    return SQS_MESSAGE_MAX, "an SQS message"


def payload_bucket_name(topo) -> str:
    """The stack's one payload bucket: '<prefix>-payloads', cut to S3's 63 characters with a stable digest."""
    from ...payloads import fit

    return fit(f"{topo.prefix}-payloads".lower(), S3_BUCKET_MAX)


def channel_encryption(channel):
    """The encryption a channel's messages have: a queue's settings', a topic's own."""
    return channel.settings.encryption if channel.kind == "queue" else channel.encryption


def payload_buckets(topo) -> list:
    """The stack's payload buckets as [(role, physical name, kms key or None, [channel, ...]), ...], sorted.

    One bucket per encryption key: the extended clients call PutObject without encryption headers, so an
    object gets its bucket's default encryption, which is one key per bucket. Channels with ``managed`` or
    ``none`` share the SSE-S3 bucket (S3 encrypts every object since 2023); each KMS key gets its own.
    """
    from ...payloads import fit, offloading

    groups: dict = {}
    for c in offloading(topo):
        enc = channel_encryption(c)
        groups.setdefault(enc.kms_key if enc.mode == "kms" else None, []).append(c)
    out = []
    for key in sorted(groups, key=lambda k: (k is not None, k or "")):
        if key is None:
            role, name = "bucket", payload_bucket_name(topo)
        else:
            import hashlib

            digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
            role = f"bucket-{digest}"
            name = fit(f"{topo.prefix}-payloads".lower(), S3_BUCKET_MAX - 9) + f"-{digest}"
        out.append((role, name, key, groups[key]))
    return out


def payload_location(topo, channel):
    """(bucket name, key prefix) of a channel that offloads, or None."""
    from ...payloads import object_prefix

    for _role, name, _key, channels in payload_buckets(topo):
        if any(c is channel for c in channels):
            return name, object_prefix(channel)
    return None


def payload_environment(topo, service) -> dict:
    """What a service needs to offload: per channel it uses that offloads, bucket, key prefix and threshold."""
    from .. import env_name
    from ...payloads import threshold

    env = {}
    for name in sorted({r.channel for r in service.publishes} | {c.channel for c in service.consumes}):
        channel = topo.channel(name)
        loc = channel is not None and payload_location(topo, channel)
        if loc:
            env[env_name(name, "PAYLOAD_BUCKET")] = loc[0]
            env[env_name(name, "PAYLOAD_PREFIX")] = loc[1]
            env[env_name(name, "PAYLOAD_THRESHOLD")] = str(threshold(topo, channel, CLOUD))
    return env


def payload_policy_name(topo, service: str) -> str:
    """The IAM policy of a service's payload rights: its access policy's name and '-payloads'."""
    return f"{policy_name(topo, service)}-payloads"


# --- Adopted resources: the Pulumi import id of each (docs/aws.md, "Adopting what runs") ----------------------
# pulumi-aws (the Terraform AWS provider underneath) imports an SQS queue by its URL, an SNS topic by its ARN and
# an SNS subscription by its ARN: docs of aws.sqs.Queue, aws.sns.Topic and aws.sns.TopicSubscription, "Import".
# Inputs that the format cannot state (topowire's long polling, KMS data-key reuse, raw delivery ...) are not
# forced on an adopted resource: the program ignores their changes, so the first `pulumi up` keeps the live value.
ADOPTED_QUEUE_KEPT = ("receiveWaitTimeSeconds", "kmsDataKeyReusePeriodSeconds", "contentBasedDeduplication", "tags")
# A DLQ's visibility, size and delay follow its source queue in topowire; an adopted one keeps its own.
ADOPTED_DLQ_KEPT = ADOPTED_QUEUE_KEPT + ("visibilityTimeoutSeconds", "maxMessageSize", "delaySeconds")
ADOPTED_TOPIC_KEPT = ("contentBasedDeduplication", "tags")
ADOPTED_SUBSCRIPTION_KEPT = ("rawMessageDelivery", "redrivePolicy", "filterPolicyScope")


def location(topo):
    """(account, region, endpoint or None) of ``accounts.aws``, or None."""
    acc = topo.accounts.get(CLOUD)
    if not acc:
        return None
    return acc["account"], acc["region"], acc.get("endpoint")


def queue_url(topo, name: str) -> str | None:
    loc = location(topo)
    if loc is None:
        return None
    account, region, endpoint = loc
    base = endpoint.rstrip("/") if endpoint else f"https://sqs.{region}.amazonaws.com"
    return f"{base}/{account}/{name}"


def topic_arn(topo, name: str) -> str | None:
    loc = location(topo)
    return f"arn:aws:sns:{loc[1]}:{loc[0]}:{name}" if loc else None


def queue_import_ids(topo, queue) -> tuple:
    """(queue URL or None, DLQ URL or None): the import ids of a queue that ``adopt.aws`` keeps."""
    a = _adopted(queue)
    if not a:
        return None, None
    return (queue_url(topo, queue_name(topo, queue)) if a.name else None,
            queue_url(topo, queue_dlq_name(topo, queue)) if a.dead_letter else None)


def topic_import_id(topo, topic):
    a = _adopted(topic)
    return topic_arn(topo, topic_name(topo, topic)) if a and a.name else None


def subscription_import_ids(topo, topic, service: str) -> tuple:
    """(queue URL, DLQ URL, subscription ARN), each None unless adopted."""
    kept = adopted_subscription(topic, service)
    return (queue_url(topo, subscription_queue_name(topo, topic, service)) if kept.get("queue") else None,
            queue_url(topo, subscription_dlq_name(topo, topic, service)) if kept.get("dead_letter") else None,
            kept.get("arn"))
