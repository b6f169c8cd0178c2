"""Large payloads through AWS's own extended clients, on a deployed topology (``local smoke``, the suite).

``amazon-sqs-extended-client`` and ``amazon-sns-extended-client`` put a body
above their threshold into S3 and send a ``PayloadS3Pointer`` instead
(``["software.amazon.payloadoffloading.PayloadS3Pointer", {"s3BucketName": …,
"s3Key": …}]``); the SQS client on the consumer's side fetches it back. Every
client here is built from one service's environment as topowire gives it
(``<CHANNEL>_QUEUE_URL`` / ``_TOPIC_ARN``, ``_PAYLOAD_BUCKET``,
``_PAYLOAD_PREFIX``, ``_PAYLOAD_THRESHOLD``, ``AWS_REGION``,
``AWS_ENDPOINT_URL``) and credentials given by the caller. The Python clients
take no key prefix: the publisher names the object with the ``S3Key`` message
attribute, ``<prefix><uuid4>``, which both clients honour.
"""

from __future__ import annotations

import json
import uuid

from ..clouds import env_name
from ..payloads import offloading
from . import emulator

MIB = 1024 * 1024
SIZE = 3 * MIB  # "several MiB": above every broker limit of SQS and SNS
CLIENT_THRESHOLD_MAX = 256 * 1024  # what both Python clients accept at most (their DEFAULT_MESSAGE_SIZE_THRESHOLD)
ID = "topowire_smoke_id"


def _sessions():
    """The two clients' session classes, without the global swap their packages do on import: they replace
    ``boto3.Session`` and, when a default session exists, the default session itself (so every later
    ``boto3.client(...)`` of the process would be an extended client whose S3 client has no credentials)."""
    import boto3
    import boto3.session

    saved = boto3.Session, boto3.session.Session
    default = boto3.DEFAULT_SESSION
    try:
        from sns_extended_client.session import SNSExtendedClientSession
        from sqs_extended_client.client import SQSExtendedClientSession
    except ImportError:
        from ..errors import InputError

        raise InputError("large payloads locally need AWS's extended clients: pip install 'topowire[local]'") from None
    finally:
        boto3.Session, boto3.session.Session = saved
        boto3.DEFAULT_SESSION = default
    return SQSExtendedClientSession, SNSExtendedClientSession


def _config():
    from botocore.config import Config

    return Config(connect_timeout=emulator.CONNECT_TIMEOUT, read_timeout=emulator.READ_TIMEOUT,
                  retries={"max_attempts": emulator.ATTEMPTS, "mode": "standard"}, s3={"addressing_style": "path"})


class Service:
    """One service's extended clients, from its environment and its credentials."""

    def __init__(self, env: dict, key: str = emulator.DUMMY_KEY, secret: str = emulator.DUMMY_SECRET):
        self.env = env
        sqs_session, sns_session = _sessions()
        endpoint, region = env.get("AWS_ENDPOINT_URL"), env.get("AWS_REGION", emulator.REGION)
        with emulator._no_aws_environment():
            sqs = sqs_session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
            sns = sns_session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
            self.sqs = sqs.client("sqs", endpoint_url=endpoint, config=_config())
            self.sqs.s3_client = sqs.client("s3", endpoint_url=endpoint, config=_config())
            self.sns = sns.client("sns", endpoint_url=endpoint, config=_config())
            self.sns.s3_client = sns.client("s3", endpoint_url=endpoint, config=_config())

    def location(self, channel: str) -> tuple:
        return self.env[env_name(channel, "PAYLOAD_BUCKET")], self.env[env_name(channel, "PAYLOAD_PREFIX")]

    def _pointer_attrs(self, channel: str, sid: str, extra: dict) -> tuple:
        bucket, prefix = self.location(channel)
        key = f"{prefix}{uuid.uuid4()}"
        attrs = {ID: {"DataType": "String", "StringValue": sid}, "S3Key": {"DataType": "String", "StringValue": key}}
        for k, v in (extra or {}).items():
            attrs[k] = {"DataType": "String", "StringValue": v}
        return bucket, key, attrs

    def send(self, channel: str, body: str, sid: str, fifo: bool = False) -> tuple:
        """Send ``body`` to a queue through the SQS extended client; (bucket, key) of its object."""
        bucket, key, attrs = self._pointer_attrs(channel, sid, {})
        self.sqs.large_payload_support = bucket
        kwargs = {"QueueUrl": self.env[env_name(channel, "QUEUE_URL")], "MessageBody": body,
                  "MessageAttributes": attrs}
        if fifo:
            kwargs.update(MessageGroupId="smoke", MessageDeduplicationId=sid)
        self.sqs.send_message(**kwargs)
        return bucket, key

    def publish(self, channel: str, body: str, sid: str, extra: dict | None = None, fifo: bool = False) -> tuple:
        """Publish ``body`` to a topic through the SNS extended client; (bucket, key) of its object."""
        bucket, key, attrs = self._pointer_attrs(channel, sid, extra)
        self.sns.large_payload_support = bucket
        self.sns.message_size_threshold = min(int(self.env[env_name(channel, "PAYLOAD_THRESHOLD")]),
                                              CLIENT_THRESHOLD_MAX)
        kwargs = {"TopicArn": self.env[env_name(channel, "TOPIC_ARN")], "Message": body, "MessageAttributes": attrs}
        if fifo:
            kwargs.update(MessageGroupId="smoke", MessageDeduplicationId=sid)
        self.sns.publish(**kwargs)
        return bucket, key

    def take(self, url: str, sid: str, delete: bool, tries: int = 40, visibility: int | None = None,
             payload: bool | None = None):
        """Receive through the SQS extended client until message ``sid`` arrives; its body, or None.

        ``delete``: delete the message; ``payload`` (default: ``delete``): and its object too (the client's
        ``delete_payload_from_s3``). A topic's object is shared by every subscription: its consumers delete
        the message only, and the lifecycle removes the object.
        """
        import time

        self.sqs.delete_payload_from_s3 = delete if payload is None else payload
        for _ in range(tries):
            kwargs = {"QueueUrl": url, "MaxNumberOfMessages": 10, "MessageAttributeNames": ["All"],
                      "WaitTimeSeconds": 0}
            if visibility is not None:
                kwargs["VisibilityTimeout"] = visibility
            for m in self.sqs.receive_message(**kwargs).get("Messages", []):
                if m.get("MessageAttributes", {}).get(ID, {}).get("StringValue") == sid:
                    if delete:
                        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                    return m["Body"]
            time.sleep(0.05)
        return None


def body(size: int = SIZE) -> str:
    """A JSON document of ``size`` bytes, like a prompt carrying a whole document."""
    head = '{"prompt": "summarise", "document": "'
    filler = size - len(head) - 2
    return head + ("lorem ipsum " * (filler // 12 + 1))[:filler] + '"}'


def routes(smoke, accepts, size: int = SIZE) -> None:
    """Add to ``smoke`` (a ``smoke.Smoke``) one route per offloading channel and consumer, and its dead letter.

    ``accepts(filter, attributes)``: whether a consumer's filter takes a message (smoke's own).
    """
    topo, out = smoke.topo, smoke.out
    services = out["services"]
    payload = body(size)
    for channel in offloading(topo):
        publishers = topo.publishers.get(channel.name, ())
        consumers = topo.consumers.get(channel.name, ())
        if not publishers or not consumers:
            continue
        sender = Service(services[publishers[0].service]["env"])
        if channel.kind == "queue":
            sid = f"lp{next(smoke._ids)}"
            sender.send(channel.name, payload, sid, channel.fifo)
            c = consumers[0]
            got = Service(services[c.service]["env"]).take(out["queues"][channel.name]["url"], sid, delete=True)
            _record(smoke, f"{channel.name} -> {c.service}", got, payload)
        else:
            for c in consumers:
                attrs = {a: v[0] for a, v in c.filter} if c.filter else {}
                sid = f"lp{next(smoke._ids)}"
                sender.publish(channel.name, payload, sid, attrs, channel.fifo)
                for other in consumers:
                    if accepts(other.filter, attrs):
                        url = out["subscriptions"][f"{channel.name}/{other.service}"]["queue_url"]
                        got = Service(services[other.service]["env"]).take(url, sid, delete=True, payload=False)
                        if other is c:
                            _record(smoke, f"{channel.name} -> {c.service}", got, payload)
        dead_letter(smoke, channel, sender, payload)


def dead_letter(smoke, channel, sender, payload) -> None:
    """A large message that dead-letters keeps its payload: read it back from the DLQ."""
    topo, out = smoke.topo, smoke.out
    if channel.kind == "queue":
        settings, urls = channel.settings, out["queues"][channel.name]
        url, dlq = urls["url"], urls.get("dlq_url")
    else:
        c = topo.consumers[channel.name][0]
        if c.filter:
            return
        settings, sub = c.settings, out["subscriptions"][f"{channel.name}/{c.service}"]
        url, dlq = sub["queue_url"], sub.get("dlq_url")
    if not settings.dead_letter.enabled or not dlq:
        return
    sid = f"lp{next(smoke._ids)}"
    if channel.kind == "queue":
        sender.send(channel.name, payload, sid, channel.fifo)
    else:
        sender.publish(channel.name, payload, sid, {}, channel.fifo)
    reader = Service(sender.env)
    for _ in range(settings.dead_letter.max_receive_count):
        reader.take(url, sid, delete=False, visibility=0)
    reader.take(url, sid, delete=False, tries=2, visibility=0)  # the receive that moves it
    got = reader.take(dlq, sid, delete=False, visibility=0)
    _record(smoke, f"{channel.name} dead letter -> {dlq.rsplit('/', 1)[-1]}", got, payload)


def _record(smoke, name: str, got, payload: str) -> None:
    ok = got == payload
    smoke._record("large-payload", name, ok,
                  f"{len(payload) // MIB} MiB through S3 and back, intact" if ok else
                  "not delivered" if got is None else f"body changed ({len(got)} of {len(payload)} bytes)")
