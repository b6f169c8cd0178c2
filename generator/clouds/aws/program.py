"""The topology on AWS: SQS, SNS, IAM and CloudWatch, as Pulumi ComponentResources.

One component per logical unit, each with a ``topowire:aws:<Type>`` token and
children named ``f"{name}-<role>"`` parented to it:

- ``topowire:aws:Topology``: everything below, with the stack's outputs.
- ``topowire:aws:Queue``: an SQS queue, its dead-letter queue with a redrive
  policy and a redrive-allow policy, TLS-only queue policies, and an alarm.
- ``topowire:aws:Topic``: an SNS topic and its TLS-only topic policy (which
  keeps the owner's rights of SNS's default policy).
- ``topowire:aws:Subscription``: one topic consumer: its own SQS queue and
  DLQ, the SNS subscription with raw delivery, a filter policy and a redrive
  policy to that DLQ (SNS's own dead letters: what it cannot deliver), and
  queue policies that let exactly that topic send to both queues; the
  subscription is created only after both policies.
- ``topowire:aws:ServiceAccess``: one service's least-privilege IAM policy,
  attached to ``identity.aws_role`` when given; a consumer may also read the
  dead-letter queues it is given as ``<CH>_DLQ_URL``.

Physical names come from ``clouds.aws.spec`` (never Pulumi auto-names). Only this
module and the program import the Pulumi SDK.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

import pulumi
import pulumi_aws as aws

from . import payloads as payload_store
from . import spec
from .. import renames
from .. import subscription_resource_name
from ..components import adopted, env_name, with_aliases

LONG_POLL_SECONDS = 20  # the SQS maximum: fewer empty receives, lower cost
KMS_DATA_KEY_REUSE_SECONDS = 300
SNS_MANAGED_KEY = "alias/aws/sns"
SNS_MAX_MESSAGE_SIZE = spec.SNS_MAX_MESSAGE_SIZE  # a subscription DLQ must hold any SNS payload
CONSUME_ACTIONS = ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage")
# The actions of SNS's default topic policy (statement "__default_statement_ID"), which a topic policy replaces.
SNS_OWNER_ACTIONS = ("SNS:AddPermission", "SNS:DeleteTopic", "SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic",
                     "SNS:Publish", "SNS:Receive", "SNS:RemovePermission", "SNS:SetTopicAttributes", "SNS:Subscribe")


@dataclass
class Options:
    """What the stack config adds to the topology."""

    region: Optional[str] = None
    endpoint: Optional[str] = None
    provider: Optional[pulumi.ProviderResource] = None



def policy_document(statements: list) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, sort_keys=True, separators=(",", ":"))


def deny_insecure_transport(queue_arn: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def topic_owner_rights(topic_arn: str, account: str) -> dict:
    """SNS's default topic policy statement: the topic owner's account keeps every right a policy would replace."""
    return {
        "Sid": "__default_statement_ID",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": list(SNS_OWNER_ACTIONS),
        "Resource": topic_arn,
        "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
    }


def deny_insecure_topic_transport(topic_arn: str) -> dict:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": list(SNS_OWNER_ACTIONS),
        "Resource": topic_arn,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def allow_topic_send(queue_arn: str, topic_arn: str) -> dict:
    return {
        "Sid": "AllowTopicToSend",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }


@dataclass
class QueueOut:
    """What a queue (or a subscription's queue) offers to the rest of the program."""

    name: str
    url: pulumi.Output
    arn: pulumi.Output
    kms_key: Optional[str]
    dlq_name: Optional[str] = None
    dlq_url: Optional[pulumi.Output] = None
    dlq_arn: Optional[pulumi.Output] = None
    policies: list = field(default_factory=list)  # the queue policies (queue, then DLQ)


def sns_usable_key(owner: pulumi.Resource, key: str, queue: str) -> pulumi.Output:
    """``key``, once AWS says it is a customer managed key; a RunError when it is an AWS managed one.

    SNS delivers to a queue (and dead-letters to its DLQ) only with a key whose policy admits
    sns.amazonaws.com, which an AWS managed key's never can (docs/aws.md, TOP220). An alias says so in the
    YAML (validate refuses it); a key id or key ARN only says it through KMS's ``KeyManager``."""
    def usable(manager: str) -> str:
        if manager == "AWS":
            raise pulumi.RunError(f"KMS key {key} of queue {queue} is an AWS managed key: SNS cannot deliver to a "
                                  "queue encrypted with it (its key policy cannot admit sns.amazonaws.com), so the "
                                  "messages would be lost. Use encryption: managed, or a customer managed key whose "
                                  "policy lets sns.amazonaws.com use it (docs/aws.md, TOP205).")
        return key

    found = aws.kms.get_key_output(key_id=key, opts=pulumi.InvokeOutputOptions(parent=owner))
    return found.key_manager.apply(usable)


def _broker_size(size):
    """What SQS is told: a channel with large_payloads may declare a payload size above the queue's limit."""
    return min(size, spec.SQS_MESSAGE_MAX) if size is not None else None


def _queue_resources(owner: pulumi.ComponentResource, name: str, physical: str, fifo: bool, settings, tags: dict,
                     alarm_topic: Optional[str], topic_arn=None, dlq_physical: Optional[str] = None,
                     imports: tuple = (None, None)) -> QueueOut:
    """The SQS resources of one queue, parented to ``owner`` and named ``f"{name}-<role>"``; ``imports`` are the
    import ids of the queue and its DLQ when they already exist (adopted)."""
    child = pulumi.ResourceOptions(parent=owner)
    protected = pulumi.ResourceOptions(parent=owner, protect=settings.protect)
    enc = settings.encryption
    encryption = {}
    if enc.mode == "managed":
        encryption = {"sqs_managed_sse_enabled": True}
    elif enc.mode == "kms":
        # a queue SNS delivers to takes the key only once KMS says it is not an AWS managed one
        key = enc.kms_key if topic_arn is None else sns_usable_key(owner, enc.kms_key, physical)
        encryption = {"kms_master_key_id": key, "kms_data_key_reuse_period_seconds": KMS_DATA_KEY_REUSE_SECONDS}
    elif enc.mode == "none":
        encryption = {"sqs_managed_sse_enabled": False}
    common = dict(fifo_queue=fifo or None, content_based_deduplication=True if fifo else None,
                  receive_wait_time_seconds=LONG_POLL_SECONDS, tags=tags, **encryption)

    dl = settings.dead_letter
    # A topic subscription always has a DLQ: SNS moves there what it cannot deliver (its redrive policy), even
    # when the consumer turns the queue's own redrive (dead_letter: false) off.
    has_dlq = dl.enabled or topic_arn is not None
    dlq = None
    if has_dlq:
        dlq_name = dlq_physical or spec.dlq_name(physical)
        dlq_size = _broker_size(settings.max_message_size)
        if topic_arn is not None and dlq_size is not None and dlq_size < SNS_MAX_MESSAGE_SIZE:
            dlq_size = SNS_MAX_MESSAGE_SIZE  # what the subscription queue refused for its size must fit here
        dlq = aws.sqs.Queue(f"{name}-dlq", name=dlq_name, message_retention_seconds=dl.retention,
                            visibility_timeout_seconds=settings.visibility_timeout,
                            max_message_size=dlq_size,
                            opts=adopted(protected, imports[1], spec.ADOPTED_DLQ_KEPT), **common)
    queue = aws.sqs.Queue(
        f"{name}-queue",
        name=physical,
        visibility_timeout_seconds=settings.visibility_timeout,
        message_retention_seconds=settings.retention,
        delay_seconds=settings.delay,
        max_message_size=_broker_size(settings.max_message_size),
        redrive_policy=dlq.arn.apply(lambda arn: json.dumps(
            {"deadLetterTargetArn": arn, "maxReceiveCount": dl.max_receive_count}, sort_keys=True))
        if dlq and dl.enabled else None,
        # An adopted subscription queue of a topic that states no size keeps its own (SQS's 1 MiB default is
        # above anything SNS delivers, and the format cannot state it on a topic without large_payloads: TOP213).
        opts=adopted(protected, imports[0], spec.ADOPTED_QUEUE_KEPT + (
            ("maxMessageSize",) if topic_arn is not None and settings.max_message_size is None else ())),
        **common,
    )
    out = QueueOut(physical, queue.url, queue.arn, enc.kms_key if enc.mode == "kms" else None)

    def statements(arn_output):
        # One Output per document (not one per statement and one to join them): the same value and the
        # same dependencies (the queue, and the topic of a subscription), a third of the SDK's work.
        if topic_arn is None:
            return arn_output.apply(lambda arn: policy_document([deny_insecure_transport(arn)]))
        return pulumi.Output.all(arn_output, topic_arn).apply(
            lambda a: policy_document([deny_insecure_transport(a[0]), allow_topic_send(*a)]))

    out.policies.append(aws.sqs.QueuePolicy(f"{name}-policy", queue_url=queue.url, policy=statements(queue.arn),
                                            opts=child))

    if dlq:
        out.dlq_name, out.dlq_url, out.dlq_arn = dlq_name, dlq.url, dlq.arn
        # byQueue names exactly the source; without a source (dead_letter: false) no queue may dead-letter here.
        aws.sqs.RedriveAllowPolicy(
            f"{name}-dlq-redrive-allow", queue_url=dlq.url,
            redrive_allow_policy=queue.arn.apply(lambda arn: json.dumps(
                {"redrivePermission": "byQueue", "sourceQueueArns": [arn]} if dl.enabled else
                {"redrivePermission": "denyAll"}, sort_keys=True)),
            opts=child)
        out.policies.append(aws.sqs.QueuePolicy(f"{name}-dlq-policy", queue_url=dlq.url, policy=statements(dlq.arn),
                                                opts=child))
        causes = []
        if dl.enabled:
            causes.append(f"they failed {dl.max_receive_count} deliveries from {physical}")
        if topic_arn is not None:
            causes.append(f"SNS could not deliver them to {physical}")
        aws.cloudwatch.MetricAlarm(
            f"{name}-dlq-alarm",
            name=f"{dlq_name}-not-empty",
            alarm_description=f"Messages in dead-letter queue {dlq_name}: {', or '.join(causes)}. "
                              f"Inspect them, then redrive or delete them.",
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": dlq_name},
            statistic="Maximum",
            period=300,
            evaluation_periods=1,
            comparison_operator="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
            alarm_actions=[alarm_topic] if alarm_topic else None,
            ok_actions=[alarm_topic] if alarm_topic else None,
            tags=tags,
            opts=child,
        )
    return out


class Queue(pulumi.ComponentResource):
    """An SQS queue with its dead-letter queue, policies and alarm."""

    def __init__(self, name: str, topo, queue, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:Queue", name, None, opts)
        self.out = _queue_resources(self, name, spec.queue_name(topo, queue), queue.fifo, queue.settings,
                                    dict(topo.tags), topo.clouds.aws_alarm_topic,
                                    dlq_physical=spec.queue_dlq_name(topo, queue),
                                    imports=spec.queue_import_ids(topo, queue))
        self.register_outputs({"url": self.out.url, "arn": self.out.arn, "dlq_url": self.out.dlq_url,
                               "dlq_arn": self.out.dlq_arn})


class Topic(pulumi.ComponentResource):
    """An SNS topic (FIFO where asked), encrypted."""

    def __init__(self, name: str, topo, topic, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:Topic", name, None, opts)
        enc = topic.encryption
        key = enc.kms_key if enc.mode == "kms" else SNS_MANAGED_KEY if enc.mode == "managed" else None
        self.kms_key = enc.kms_key if enc.mode == "kms" else None
        self.physical_name = spec.topic_name(topo, topic)
        self.topic = aws.sns.Topic(
            f"{name}-topic",
            name=self.physical_name,
            fifo_topic=topic.fifo or None,
            content_based_deduplication=True if topic.fifo else None,
            kms_master_key_id=key,
            tags=dict(topo.tags),
            opts=adopted(pulumi.ResourceOptions(parent=self), spec.topic_import_id(topo, topic), spec.ADOPTED_TOPIC_KEPT),
        )
        self.arn = self.topic.arn
        # A topic policy replaces SNS's default one: keep its owner statement, and deny requests without TLS.
        self.policy = aws.sns.TopicPolicy(
            f"{name}-policy",
            arn=self.topic.arn,
            policy=pulumi.Output.all(self.topic.arn, self.topic.owner).apply(
                lambda a: policy_document([topic_owner_rights(*a), deny_insecure_topic_transport(a[0])])),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"arn": self.arn, "name": self.physical_name})


class Subscription(pulumi.ComponentResource):
    """One topic consumer: its own SQS queue and DLQ, and the SNS subscription that feeds it."""

    def __init__(self, name: str, topo, topic_component: Topic, topic, consumer,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:Subscription", name, None, opts)
        physical = spec.subscription_queue_name(topo, topic, consumer.service)
        queue_id, dlq_id, subscription_id = spec.subscription_import_ids(topo, topic, consumer.service)
        self.out = _queue_resources(self, name, physical, topic.fifo, consumer.settings, dict(topo.tags),
                                    topo.clouds.aws_alarm_topic, topic_arn=topic_component.arn,
                                    dlq_physical=spec.subscription_dlq_name(topo, topic, consumer.service),
                                    imports=(queue_id, dlq_id))
        self.subscription = aws.sns.TopicSubscription(
            f"{name}-subscription",
            topic=topic_component.arn,
            protocol="sqs",
            endpoint=self.out.arn,
            raw_message_delivery=True,
            filter_policy=json.dumps(spec.filter_policy(consumer.filter), sort_keys=True) if consumer.filter else None,
            filter_policy_scope="MessageAttributes" if consumer.filter else None,
            # SNS's own dead letters: what it cannot deliver to the queue goes to the DLQ instead of being dropped.
            redrive_policy=self.out.dlq_arn.apply(lambda arn: json.dumps({"deadLetterTargetArn": arn})),
            # Deliveries before the queue policies admit the topic would be refused: subscribe after them.
            opts=adopted(pulumi.ResourceOptions(parent=self, depends_on=list(self.out.policies)), subscription_id,
                         spec.ADOPTED_SUBSCRIPTION_KEPT),
        )
        self.register_outputs({"queue_url": self.out.url, "queue_arn": self.out.arn, "dlq_url": self.out.dlq_url,
                               "subscription_arn": self.subscription.arn})


class ServiceAccess(pulumi.ComponentResource):
    """One service's least-privilege IAM policy, and its attachment to the service's role."""

    def __init__(self, name: str, topo, service, sends: list, publishes: list, receives: list, kms_arns,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:ServiceAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.policy = None
        document = access_document(service.name, sends, publishes, receives, kms_arns)
        if document is not None:
            self.policy = aws.iam.Policy(
                f"{name}-policy",
                name=spec.policy_name(topo, service.name),
                description=f"topowire: what service '{service.name}' of '{topo.name}' may send and receive",
                policy=document,
                tags=dict(topo.tags),
                opts=child,
            )
            if service.identity.aws_role:
                aws.iam.RolePolicyAttachment(f"{name}-attachment", role=attached_role(service, self),
                                             policy_arn=self.policy.arn, opts=child)
        self.register_outputs({"policy_arn": self.policy.arn if self.policy else None})


def bounded_policy(service: str, document: str) -> str:
    """The policy document, or a RunError when IAM would refuse it for its size (whitespace not counted)."""
    size = sum(1 for ch in document if not ch.isspace())
    if size > spec.MAX_MANAGED_POLICY_CHARS:
        raise pulumi.RunError(f"the IAM policy of service '{service}' is {size:,} characters; IAM managed policies hold "
                              f"at most {spec.MAX_MANAGED_POLICY_CHARS:,}: split the service's access across services")
    return document


def attached_role(service, parent):
    """The role name the policy is attached to; a role ARN must be in the account the stack deploys to.

    IAM attaches managed policies to roles of the policy's own account, by name: a role ARN of another
    account would silently become a role of the same name in the deploying account. TOP209 refuses role ARNs
    of several accounts in one file; this refuses one of another account than the stack's, at deployment.
    """
    role = service.identity.aws_role
    account = spec.role_account(role)
    if account is None:
        return role

    def same_account(deploying: str) -> str:
        if deploying != account:
            raise pulumi.RunError(
                f"service '{service.name}': aws_role {role} is a role of account {account}, but this stack deploys "
                f"to account {deploying}. Cross-account roles are not supported: the policy would be attached to a "
                f"role named '{role_name(role)}' in account {deploying}. Use a role of account {deploying}, or "
                "deploy this stack to the role's account.")
        return role_name(role)

    return aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=parent)).account_id.apply(
        same_account)


role_name = spec.role_name


def access_statements(sends: list, publishes: list, receives: list, kms):
    """(every ARN the policy names, a function from their values to its statements), or None when the service
    needs no access.

    ``sends``/``receives`` are QueueOut, ``publishes`` Topic components;
    ``kms`` maps a key as written to an Output of its ARN.
    """
    queue_arns_send = [q.arn for q in sends]
    topic_arns = [t.arn for t in publishes]
    queue_arns_recv = [q.arn for q in receives]
    # A consumer is given <CH>_DLQ_URL: it may read (receive, delete, return) its dead letters there.
    dlq_arns_recv = [q.dlq_arn for q in receives if q.dlq_arn is not None]
    encrypt_keys = sorted({q.kms_key for q in sends if q.kms_key} | {t.kms_key for t in publishes if t.kms_key})
    decrypt_keys = sorted({q.kms_key for q in receives if q.kms_key} - set(encrypt_keys))
    if not (queue_arns_send or topic_arns or queue_arns_recv):
        return None

    def build(args):
        send, pub, recv, dead, enc, dec = args
        out = []
        if send:
            out.append({"Sid": "SendToQueues", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                        "Resource": sorted(send)})
        if pub:
            out.append({"Sid": "PublishToTopics", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": sorted(pub)})
        if recv:
            out.append({"Sid": "ConsumeFromQueues", "Effect": "Allow", "Action": list(CONSUME_ACTIONS),
                        "Resource": sorted(recv)})
        if dead:
            out.append({"Sid": "ConsumeDeadLetters", "Effect": "Allow", "Action": list(CONSUME_ACTIONS),
                        "Resource": sorted(dead)})
        if enc:
            out.append({"Sid": "EncryptWithKeys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": sorted(set(enc))})
        if dec:
            out.append({"Sid": "DecryptWithKeys", "Effect": "Allow", "Action": ["kms:Decrypt"],
                        "Resource": sorted(set(dec))})
        return out

    # One Output.all over every ARN (not one per group and one over the groups): the same values and
    # dependencies with a fraction of the SDK's work; the groups are cut back out by their lengths.
    groups = [queue_arns_send, topic_arns, queue_arns_recv, dlq_arns_recv, [kms[k] for k in encrypt_keys],
              [kms[k] for k in decrypt_keys]]
    ends = [sum(len(g) for g in groups[:i + 1]) for i in range(len(groups))]

    def split(values):
        return build([values[start:end] for start, end in zip([0] + ends[:-1], ends)])

    return [arn for group in groups for arn in group], split


def access_document(service: str, sends: list, publishes: list, receives: list, kms):
    """The policy document of one service (an Output of JSON text), or None when it needs no access."""
    found = access_statements(sends, publishes, receives, kms)
    if found is None:
        return None
    arns, statements = found
    return pulumi.Output.all(*arns).apply(lambda values: bounded_policy(service, policy_document(statements(values))))


class AwsTopology(pulumi.ComponentResource):
    """The whole topology on AWS."""

    def __init__(self, topo, options: Options, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("topowire:aws:Topology", topo.name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self, provider=options.provider) if options.provider else \
            pulumi.InvokeOptions(parent=self)

        self.queues = {q.name: Queue(q.name, topo, q, with_aliases(child, renames.channel(q))) for q in topo.queues.values()}
        self.topics = {t.name: Topic(t.name, topo, t, with_aliases(child, renames.channel(t))) for t in topo.topics.values()}
        self.subscriptions = {}
        for t in topo.topics.values():
            for c in topo.consumers.get(t.name, ()):
                self.subscriptions[(t.name, c.service)] = Subscription(
                    subscription_resource_name(t.name, c.service), topo, self.topics[t.name], t, c,
                    with_aliases(child, renames.subscription(topo, t, c.service)))

        keys = sorted({q.out.kms_key for q in self.queues.values() if q.out.kms_key}
                      | {s.out.kms_key for s in self.subscriptions.values() if s.out.kms_key}
                      | {t.kms_key for t in self.topics.values() if t.kms_key})
        # IAM needs key ARNs; an alias or key id in the YAML is looked up once per key.
        self.kms_arns = {k: (pulumi.Output.from_input(k) if spec.is_key_arn(k) else
                             pulumi.Output.from_input(aws.kms.get_key_output(key_id=k, opts=invoke).arn))
                         for k in keys}

        self.access = {}
        self.env = {}
        for s in topo.services.values():
            sends = [self.queues[r.channel].out for r in s.publishes if r.channel in self.queues]
            publishes = [self.topics[r.channel] for r in s.publishes if r.channel in self.topics]
            receives = []
            env = {}
            for r in s.publishes:
                if r.channel in self.queues:
                    env[env_name(r.channel, "QUEUE_URL")] = self.queues[r.channel].out.url
                else:
                    env[env_name(r.channel, "TOPIC_ARN")] = self.topics[r.channel].arn
            for c in s.consumes:
                q = self.queues[c.channel].out if c.kind == "queue" else self.subscriptions[(c.channel, s.name)].out
                receives.append(q)
                env[env_name(c.channel, "QUEUE_URL")] = q.url
                if q.dlq_url is not None:
                    env[env_name(c.channel, "DLQ_URL")] = q.dlq_url
            env.update(payload_store.environment(topo, s))
            if options.region:
                env["AWS_REGION"] = options.region
            if options.endpoint:
                env["AWS_ENDPOINT_URL"] = options.endpoint
            self.access[s.name] = ServiceAccess(s.name, topo, s, sends, publishes, receives, self.kms_arns,
                                                with_aliases(child, renames.service(topo, s.name)))
            self.env[s.name] = dict(sorted(env.items()))

        self.payloads, self.payload_access = payload_store.build(topo, self.kms_arns, attached_role, child)
        self.outputs = self._outputs(topo)
        if self.payloads is not None:
            self.outputs["payloads"] = payload_store.outputs(topo, self.payload_access)
        self.register_outputs(self.outputs)

    def _outputs(self, topo) -> dict:
        queues = {n: {"name": q.out.name, "url": q.out.url, "arn": q.out.arn,
                      **({"dlq_name": q.out.dlq_name, "dlq_url": q.out.dlq_url, "dlq_arn": q.out.dlq_arn}
                         if q.out.dlq_url is not None else {})}
                  for n, q in self.queues.items()}
        topics = {n: {"name": t.physical_name, "arn": t.arn} for n, t in self.topics.items()}
        subs = {f"{t}/{s}": {"queue_name": sub.out.name, "queue_url": sub.out.url, "queue_arn": sub.out.arn,
                             "subscription_arn": sub.subscription.arn,
                             **({"dlq_url": sub.out.dlq_url, "dlq_arn": sub.out.dlq_arn}
                                if sub.out.dlq_url is not None else {})}
                for (t, s), sub in sorted(self.subscriptions.items())}
        services = {n: {"policy_arn": a.policy.arn if a.policy else None, "env": self.env[n]}
                    for n, a in self.access.items()}
        return {"cloud": "aws", "queues": queues, "topics": topics, "subscriptions": subs, "services": services}


def provider(options: Options) -> Optional[pulumi.ProviderResource]:
    """An explicit provider for an emulator endpoint (LocalStack, moto), or None for the default provider."""
    if not options.endpoint:
        return None
    e = options.endpoint
    return aws.Provider(
        "emulator",
        region=options.region or "us-east-1",
        access_key="test",
        secret_key="test",
        skip_credentials_validation=True,
        skip_metadata_api_check=True,
        skip_region_validation=True,
        skip_requesting_account_id=True,
        endpoints=[aws.ProviderEndpointArgs(sqs=e, sns=e, iam=e, cloudwatch=e, kms=e, sts=e, s3=e)],
        s3_use_path_style=True,
    )


def deploy(topo, options: Options) -> dict:
    """Register the topology's resources; returns the stack outputs."""
    adopted = spec.location(topo)
    if adopted and (adopted[2] or "").rstrip("/") != (options.endpoint or "").rstrip("/"):
        # the import ids are queue URLs on accounts.aws.endpoint: a file (a pull request) must not send the
        # provider's signed reads of a real stack to a host it names, nor adopt an emulator's queues into one
        where = f"the emulator at {options.endpoint}" if options.endpoint else "AWS itself (no endpoint)"
        raise pulumi.RunError(
            f"accounts.aws.endpoint is {adopted[2]!r} but this stack deploys to {where}: the adopted resources "
            "are an emulator's. Deploy to that emulator (pulumi config set endpoint <url>; topowire plan "
            "--endpoint-url <url>), or remove accounts.aws.endpoint to adopt the queues of the real account"
            if adopted[2] else
            f"accounts.aws has no endpoint but this stack deploys to the emulator at {options.endpoint}: its "
            "adopted names are a real account's; add endpoint to accounts.aws to adopt the emulator's queues")
    options.provider = provider(options)
    opts = pulumi.ResourceOptions(providers=[options.provider]) if options.provider else None
    return AwsTopology(topo, options, opts).outputs
