"""Read an AWS account, read-only: SQS queues, SNS topics and their subscriptions (boto3; the only module that
imports it for `import` and `drift`).

Every call is a read (docs/aws.md, "Adopting what runs", lists them and a least-privilege policy). What the
account answers is untrusted: names must be SQS/SNS names, numbers must be numbers in range, counts and sizes are
bounded as totals (``MAX_*``), so a hostile or broken endpoint cannot make topowire write an unbounded or
unparseable file. Reads are paginated and run concurrently on ``WORKERS`` threads (botocore clients are
thread-safe), with botocore's adaptive retry mode backing off on throttling.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ...errors import InputError
from ..adoption import Calls, Pages, aws_token, clean as _clean, selected
from ..adoption import progress_line  # noqa: F401  (the CLI's)

MAX_QUEUES = 5000
MAX_TOPICS = 1000
MAX_SUBSCRIPTIONS = 5000
MAX_TAGS = 50
MAX_ATTRIBUTE_CHARS = 256 * 1024  # the largest SNS filter policy; every other attribute is far shorter
MAX_TOTAL_ATTRIBUTE_CHARS = 64 * 1024 * 1024  # every attribute kept by one read: 5,000 queues of 256 KB each were 1.2 GB
WORKERS = 16
# \Z, not $: '$' also matches before a final newline, so "jobs\n" was a queue name (docs/reliability.md, round 4)
_NAME = re.compile(r"^(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)\Z")
_TOPIC = re.compile(r"^(?:[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}\.fifo)\Z")
_ARN = re.compile(r"^arn:aws[a-z-]*:(sqs|sns):([a-z0-9-]{1,30}):([0-9]{12}):([A-Za-z0-9_.-]{1,256})(?::([0-9a-f-]{36}))?\Z")
QUEUE_ATTRIBUTES = ("QueueArn", "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
                    "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue", "ContentBasedDeduplication",
                    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "Policy")
# The read-only API actions import and drift call (docs/aws.md lists them in a least-privilege policy).
ACTIONS = ("sqs:ListQueues", "sqs:GetQueueAttributes", "sqs:ListQueueTags", "sns:ListTopics",
           "sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic",
           "sns:GetSubscriptionAttributes")


@dataclass
class Queue:
    name: str
    url: str
    arn: str
    attributes: dict
    tags: dict


@dataclass
class Subscription:
    arn: str
    protocol: str
    endpoint: str
    attributes: dict


@dataclass
class Topic:
    name: str
    arn: str
    attributes: dict
    tags: dict
    subscriptions: list = field(default_factory=list)


@dataclass
class Account:
    account: str
    region: str
    endpoint: str | None
    queues: dict  # name -> Queue
    topics: dict  # name -> Topic
    skipped: list = field(default_factory=list)  # what was read but refused, with why


def clients(region: str, endpoint: str | None = None, profile: str | None = None) -> dict:
    """boto3 SQS and SNS clients: the caller's credentials (their usual chain), or the dummy ones of an emulator."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise InputError("topowire import and drift on AWS need boto3: pip install 'topowire[local]'") from None
    config = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 5, "mode": "adaptive"},
                    max_pool_connections=WORKERS)
    if endpoint:
        from ...local.emulator import check_endpoint, clients as emulator_clients

        check_endpoint(endpoint)
        made = emulator_clients(endpoint, region)
        return {"sqs": made["sqs"], "sns": made["sns"], "iam": made["iam"]}
    session = boto3.session.Session(profile_name=profile, region_name=region)
    if session.get_credentials() is None:
        raise InputError("no AWS credentials found: set AWS_PROFILE (or pass --profile), or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, or run where an instance or SSO role gives them")
    return {n: session.client(n, config=config) for n in ("sqs", "sns", "iam")}


class _Calls(Calls):
    """Turn botocore's errors into exit-1 messages that say what to do."""

    def __exit__(self, typ, exc, tb):
        if exc is None or isinstance(exc, InputError):
            return False
        from botocore.exceptions import (ClientError, EndpointConnectionError, NoCredentialsError,
                                         BotoCoreError)

        if isinstance(exc, NoCredentialsError):
            raise InputError("no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                             "AWS_SECRET_ACCESS_KEY") from None
        if isinstance(exc, EndpointConnectionError):
            raise InputError(f"cannot reach {self.where}: {_clean(str(exc))}. Check --endpoint-url and --region "
                             "and the network") from None
        if isinstance(exc, ClientError):
            code = _clean(str(exc.response.get("Error", {}).get("Code", "")))
            if code in ("AccessDenied", "AccessDeniedException", "AuthorizationError", "AuthorizationErrorException"):
                raise InputError(f"{self.where} denied {exc.operation_name} ({code}): grant the read-only policy of "
                                 "docs/aws.md#least-privilege") from None
            if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "UnrecognizedClientException"):
                raise InputError(f"{self.where} refused the credentials ({code}): refresh them (aws sso login, "
                                 "or new keys)") from None
            raise InputError(f"{self.where} answered {code or 'an error'} to {exc.operation_name}: "
                             f"{_clean(str(exc))}") from None
        if isinstance(exc, BotoCoreError):
            raise InputError(f"cannot use {self.where}: {_clean(str(exc))}") from None
        from botocore.parsers import ResponseParserError

        # botocore checks the types of what it sends, not of what it parses: a JSON answer of another shape (a string
        # for Attributes), XML that does not parse, or one botocore's parser trips on comes out as these
        if isinstance(exc, (ResponseParserError, ValueError, TypeError, KeyError, AttributeError, NameError)):
            raise InputError(f"{self.where} answered what is not the SQS/SNS API ({type(exc).__name__}: "
                             f"{_clean(str(exc), 200)}); check --endpoint-url") from None
        return False


class _Kept:
    """The characters of attributes kept by one read, a total (``MAX_TOTAL_ATTRIBUTE_CHARS``); thread-safe."""

    def __init__(self, where: str):
        self.where, self.chars, self.lock = where, 0, threading.Lock()

    def add(self, n: int) -> None:
        with self.lock:
            self.chars += n
            if self.chars > MAX_TOTAL_ATTRIBUTE_CHARS:
                raise InputError(f"{self.where} answered more than {MAX_TOTAL_ATTRIBUTE_CHARS // 1048576} MiB of "
                                 "attributes (policies, filter policies) for the selection: narrow it with --prefix "
                                 "or --pattern")


def _bounded_attributes(attrs: dict, kept: _Kept | None = None) -> dict:
    out = {}
    for k, v in (attrs if isinstance(attrs, dict) else {}).items():
        if isinstance(k, str) and isinstance(v, str) and len(v) <= MAX_ATTRIBUTE_CHARS and len(k) <= 128:
            out[k] = v
    if kept is not None:
        kept.add(sum(len(k) + len(v) for k, v in out.items()))
    return out


def _bounded_tags(tags: dict, skipped: list, what: str) -> dict:
    out = {}
    if not isinstance(tags, dict):
        skipped.append(f"{what}: tags that are not a map of strings; left out")
        tags = {}
    for k, v in sorted(tags.items(), key=lambda kv: str(kv[0])):
        if not (isinstance(k, str) and isinstance(v, str)) or len(k) > 128 or len(v) > 256:
            skipped.append(f"{what}: a tag longer than AWS allows")
            continue
        out[k] = v
    if len(out) > MAX_TAGS:
        skipped.append(f"{what}: {len(out)} tags, more than AWS's {MAX_TAGS}; the first {MAX_TAGS} are kept")
        out = dict(list(out.items())[:MAX_TAGS])
    return out


def parse_arn(arn: str):
    """(service, region, account, name, uuid or None) of an SQS/SNS ARN, or None."""
    m = _ARN.match(arn or "")
    return m.groups() if m else None


def read(made: dict, region: str, endpoint: str | None = None, prefix: str | None = None,
         pattern: str | None = None, progress=None, names: set | None = None, topic_names: set | None = None) -> Account:
    """The selected queues and topics of the account (``names``/``topic_names``: exactly these, for drift)."""
    sqs, sns = made["sqs"], made["sns"]
    where = endpoint or f"AWS in {region}"
    skipped: list = []
    pages = Pages(where)
    with _Calls(where):
        urls = []
        for page in pages.each(sqs.get_paginator("list_queues").paginate(
                PaginationConfig={"PageSize": 1000}, **({"QueueNamePrefix": prefix} if prefix else {})), "queues",
                aws_token):
            urls += [u for u in page.get("QueueUrls", []) if isinstance(u, str) and len(u) <= 1024]
            if len(urls) > MAX_QUEUES:
                raise InputError(f"{where} lists more than {MAX_QUEUES} queues: narrow the selection with --prefix "
                                 "or --pattern")
        topic_arns = []
        for page in pages.each(sns.get_paginator("list_topics").paginate(), "topics", aws_token):
            topic_arns += [t.get("TopicArn", "") for t in page.get("Topics", []) if isinstance(t, dict)]
            if len(topic_arns) > MAX_TOPICS:
                raise InputError(f"{where} lists more than {MAX_TOPICS} topics: narrow the selection")

    def want_queue(name):
        return name in names if names is not None else selected(name, prefix, pattern)

    def want_topic(name):
        return name in topic_names if topic_names is not None else selected(name, prefix, pattern)

    picked = []
    for url in urls:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        if not _NAME.match(name):
            skipped.append(f"queue URL {_clean(url, 120)!r}: not an SQS queue name")
        elif want_queue(name):
            picked.append((name, url))
    topics_picked = []
    for arn in topic_arns:
        parts = parse_arn(arn)
        if not parts or parts[0] != "sns" or not _TOPIC.match(parts[3]):
            skipped.append(f"topic ARN {_clean(arn, 120)!r}: not an SNS topic ARN")
        elif want_topic(parts[3]):
            topics_picked.append((parts[3], arn))
    total = len(picked) + len(topics_picked)
    done = [0]
    lock = threading.Lock()
    kept = _Kept(where)
    n_subscriptions = [0]  # over every topic: MAX_SUBSCRIPTIONS is a total, as MAX_QUEUES and MAX_TOPICS are

    def tick():
        if progress:
            with lock:
                done[0] += 1
                progress(done[0], total)

    def read_queue(item):
        name, url = item
        with _Calls(where):
            attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]).get("Attributes", {})
            tags = sqs.list_queue_tags(QueueUrl=url).get("Tags", {})
        tick()
        attrs = _bounded_attributes(attrs, kept)
        return Queue(name, url, attrs.get("QueueArn", ""), attrs, _bounded_tags(tags, skipped, f"queue {name}"))

    def read_topic(item):
        name, arn = item
        with _Calls(where):
            attrs = sns.get_topic_attributes(TopicArn=arn).get("Attributes", {})
            tags = {t.get("Key"): t.get("Value") for t in sns.list_tags_for_resource(ResourceArn=arn).get("Tags", [])
                    if isinstance(t, dict)}
            subs = []
            for page in pages.each(sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn),
                                   f"subscriptions of topic {name}", aws_token):
                listed = [s for s in page.get("Subscriptions", []) if isinstance(s, dict)]
                subs += listed
                with lock:
                    n_subscriptions[0] += len(listed)
                    if n_subscriptions[0] > MAX_SUBSCRIPTIONS:
                        raise InputError(f"{where} lists more than {MAX_SUBSCRIPTIONS} subscriptions of the selected "
                                         "topics: narrow the selection with --prefix or --pattern")
            out = []
            for s in subs:
                sarn = s.get("SubscriptionArn", "")
                if not parse_arn(sarn):  # "PendingConfirmation" and the like
                    skipped.append(f"topic {name}: a subscription that is not confirmed ({_clean(sarn, 60)})")
                    continue
                sattrs = sns.get_subscription_attributes(SubscriptionArn=sarn).get("Attributes", {})
                out.append(Subscription(sarn, _clean(str(s.get("Protocol", "")), 20), _clean(str(s.get("Endpoint", "")), 300),
                                        _bounded_attributes(sattrs, kept)))
        tick()
        return Topic(name, arn, _bounded_attributes(attrs, kept), _bounded_tags(tags, skipped, f"topic {name}"),
                     sorted(out, key=lambda s: s.arn))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        queues = {q.name: q for q in pool.map(read_queue, picked)}
        topics = {t.name: t for t in pool.map(read_topic, topics_picked)}
    account = ""
    for q in queues.values():
        parts = parse_arn(q.arn)
        if parts:
            account = parts[2]
            break
    else:
        for t in topics.values():
            account = parse_arn(t.arn)[2]
            break
    return Account(account, region, endpoint, dict(sorted(queues.items())), dict(sorted(topics.items())),
                   sorted(set(skipped)))


def json_attr(text: str):
    """A JSON attribute (RedrivePolicy, FilterPolicy), or None when it is not JSON."""
    try:
        return json.loads(text) if text else None
    except (ValueError, RecursionError):
        return None
