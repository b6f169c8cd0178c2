"""AWS: SQS, SNS and IAM names and limits (no Pulumi here)."""

from __future__ import annotations

from . import DerivedName, Range

CLOUD = "aws"
TITLE = "AWS"

_SQS = r"^[A-Za-z0-9_-]{1,80}$|^[A-Za-z0-9_-]{1,75}\.fifo$"
_SQS_RULE = "letters, digits, '-' and '_', at most 80 characters including '.fifo'"


def ranges(topo):
    return [
        Range("visibility_timeout", 0, 12 * 3600, "SQS visibility timeout"),
        Range("retention", 60, 14 * 86400, "SQS message retention"),
        Range("delay", 0, 15 * 60, "SQS delivery delay"),
        Range("max_message_size", 1024, 1024 * 1024, "SQS maximum message size", "size"),
        Range("max_receive_count", 1, 1000, "SQS maxReceiveCount", "count"),
        Range("dead_letter_retention", 60, 14 * 86400, "SQS dead-letter queue retention"),
    ]


def adjustments(topo):
    return []


def fifo(name: str, is_fifo: bool) -> str:
    return name + ".fifo" if is_fifo else name


def queue_name(topo, queue) -> str:
    return fifo(f"{topo.prefix}-{queue.deployed_name}", queue.fifo)


def dlq_name(base: str) -> str:
    """``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo`` (a DLQ has its source's FIFO-ness)."""
    if base.endswith(".fifo"):
        return base[: -len(".fifo")] + "-dlq.fifo"
    return base + "-dlq"


def topic_name(topo, topic) -> str:
    return fifo(f"{topo.prefix}-{topic.deployed_name}", topic.fifo)


def subscription_queue_name(topo, topic, service: str) -> str:
    return fifo(f"{topo.prefix}-{topic.deployed_name}-{topo.deployed(service)}", topic.fifo)


def policy_name(topo, service: str) -> str:
    return f"{topo.prefix}-{topo.deployed(service)}"


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
        out.append(DerivedName(CLOUD, "SNS topic", "sns", topic_name(topo, t), t.path, 1, 256,
                               r"^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$",
                               "letters, digits, '-' and '_', at most 256 characters"))
        for c in topo.consumers.get(t.name, ()):
            name = subscription_queue_name(topo, t, c.service)
            sqs(name, c.path)
            if c.settings.dead_letter.enabled:
                sqs(dlq_name(name), c.path)
    for s in topo.services.values():
        out.append(DerivedName(CLOUD, "IAM policy", "iam-policy", policy_name(topo, s.name), s.path, 1, 128,
                               r"^[\w+=,.@-]{1,128}$", "letters, digits and +=,.@_-, at most 128 characters"))
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
    the YAML is an attribute set in place.
    """
    from . import Item, settings_view

    out = []

    def queue(key, name, fifo, s, subject, extra=()):
        out.append(Item(CLOUD, "SQS queue", key, name, (("fifo", fifo),), settings_view(s) + extra, True, subject))
        if s.dead_letter.enabled:
            out.append(Item(CLOUD, "SQS dead-letter queue", ("dlq",) + key[1:], dlq_name(name), (("fifo", fifo),),
                            (("retention", s.dead_letter.retention),), True, subject))

    for q in topo.queues.values():
        queue(("queue", q.deployed_name), queue_name(topo, q), q.fifo, q.settings, f"queue '{q.name}'")
    for t in topo.topics.values():
        tname = topic_name(topo, t)
        out.append(Item(CLOUD, "SNS topic", ("topic", t.deployed_name), tname, (("fifo", t.fifo),),
                        (("encryption", t.encryption.kms_key or t.encryption.mode),), False, f"topic '{t.name}'"))
        for c in topo.consumers.get(t.name, ()):
            key = ("subscription", t.deployed_name, topo.deployed(c.service))
            subject = f"subscription of '{c.service}' to topic '{t.name}'"
            qname = subscription_queue_name(topo, t, c.service)
            queue(key, qname, t.fifo, c.settings, subject)
            out.append(Item(CLOUD, "SNS subscription", ("sns-subscription",) + key[1:], f"{tname} -> {qname}",
                            (("topic", tname), ("queue", qname)), (("filter", c.filter),), False, subject))
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


def dependents(topo) -> list:
    """What follows the items of ``inventory`` on AWS (see docs/aws.md, "What a replacement takes along").

    Per queue (and per topic consumer's queue): its queue policy (``queue_url`` is ForceNew), with a DLQ
    its redrive-allow policy (``queue_url`` ForceNew; it names the source queue's ARN) and policy, and the
    alarm named after the DLQ (``alarm_name`` ForceNew, ``dimensions`` in place); the source queue's
    redrive policy names the DLQ's ARN. Per service: the IAM policy lists the ARNs it may use.
    """
    from . import Dependent

    out = []

    def queue(key, name, fifo, s, subject, topic_key=None):
        refs = ((key, "replace"),) + (((topic_key, "update"),) if topic_key else ())
        out.append(Dependent(CLOUD, "SQS queue policy", ("queue-policy",) + key[1:], name, refs, subject, "queue_url"))
        if not s.dead_letter.enabled:
            return
        dlq = ("dlq",) + key[1:]
        out.append(Dependent(CLOUD, "SQS queue", ("redrive",) + key[1:], name, ((dlq, "update"),), subject,
                             "redrive_policy"))
        out.append(Dependent(CLOUD, "SQS redrive-allow policy", ("redrive-allow",) + key[1:], dlq_name(name),
                             ((dlq, "replace"), (key, "update")), subject, "queue_url"))
        out.append(Dependent(CLOUD, "SQS queue policy", ("dlq-policy",) + key[1:], dlq_name(name),
                             ((dlq, "replace"),), subject, "queue_url"))
        out.append(Dependent(CLOUD, "CloudWatch alarm", ("alarm",) + key[1:], f"{dlq_name(name)}-not-empty",
                             ((dlq, "update"),), subject, "dimensions", named=True))

    for q in topo.queues.values():
        queue(("queue", q.deployed_name), queue_name(topo, q), q.fifo, q.settings, f"queue '{q.name}'")
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            queue(("subscription", t.deployed_name, topo.deployed(c.service)), subscription_queue_name(topo, t, c.service),
                  t.fifo, c.settings, f"subscription of '{c.service}' to topic '{t.name}'", ("topic", t.deployed_name))
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
    return out


def environment(topo, region: str = "<region>", account: str = "<account>") -> dict:
    """Each service's environment as the AWS program exports it (``services.<name>.env``), without Pulumi.

    What ``diff`` compares: a variable's name comes from the channel's name in the YAML, its value from the
    deployed (physical) name. ``tests/diff/test_environment.py`` checks it against the program's outputs.
    """
    from . import env_name

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
            if (ch.settings if ch.kind == "queue" else c.settings).dead_letter.enabled:
                env[env_name(c.channel, "DLQ_URL")] = url(dlq_name(name))
        out[s.name] = dict(sorted(env.items()))
    return out
