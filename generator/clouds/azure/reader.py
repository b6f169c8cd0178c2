"""Read one Azure Service Bus namespace, read-only: its queues, topics, subscriptions and their rules
(azure-mgmt-servicebus with azure-identity; the only module that imports them, for `import` and `drift`).

Every call is an ARM GET (docs/azure.md, "Adopting what runs", lists the actions and a least-privilege role). The
SDK's models are the REST API's JSON (Service Bus ARM REST API 2021-11-01: azure-rest-api-specs
specification/servicebus/resource-manager/Microsoft.ServiceBus/stable/2021-11-01/{Queue,topics,subscriptions,
Rules}.json); the reader keeps that JSON, bounded and checked: names must be Service Bus names, values of the type
the spec says, counts are totals (``MAX_*``), so a hostile or broken endpoint cannot make topowire write an unbounded
or unparseable file.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ...errors import InputError
from ..adoption import Calls, Pages, check_endpoint, clean, selected

API_VERSION = "2021-11-01"  # the GA version whose JSON the reader (and its recorded tests) follow
MAX_ENTITIES = 5000  # queues + topics
MAX_SUBSCRIPTIONS = 5000  # over all topics
MAX_RULES = 5000  # over all subscriptions
MAX_TAGS = 50
WORKERS = 8
# \Z, not $: '$' also matches before a final newline (docs/reliability.md, round 4)
_ENTITY = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,258}[A-Za-z0-9])?\Z")
_SUBSCRIPTION = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]{0,48}[A-Za-z0-9])?\Z")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_GROUP = re.compile(r"^[-\w._()]{0,89}[-\w_()]\Z")
_NAMESPACE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{4,48}[A-Za-z0-9]\Z")
# The properties read (SBQueueProperties, SBTopicProperties, SBSubscriptionProperties of the 2021-11-01 spec) and
# the JSON type each must have; anything else is dropped.
_BOOL = ("requiresSession", "requiresDuplicateDetection", "deadLetteringOnMessageExpiration",
         "deadLetteringOnFilterEvaluationExceptions", "enablePartitioning", "enableExpress", "supportOrdering",
         "enableBatchedOperations", "isClientAffine")
_INT = ("maxDeliveryCount", "maxSizeInMegabytes", "maxMessageSizeInKilobytes")
_TEXT = ("lockDuration", "defaultMessageTimeToLive", "duplicateDetectionHistoryTimeWindow", "autoDeleteOnIdle",
         "forwardTo", "forwardDeadLetteredMessagesTo", "status")
MAX_TEXT = 1024
MAX_FILTER = 4096  # a SQL filter is at most 1,024 characters (Service Bus quotas); anything longer is not one
# The read-only ARM actions import and drift need (docs/azure.md#least-privilege).
ACTIONS = ("Microsoft.ServiceBus/namespaces/read", "Microsoft.ServiceBus/namespaces/queues/read",
           "Microsoft.ServiceBus/namespaces/topics/read", "Microsoft.ServiceBus/namespaces/topics/subscriptions/read",
           "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules/read")


@dataclass
class Entity:
    name: str
    id: str
    properties: dict


@dataclass
class Subscription:
    name: str
    id: str
    properties: dict
    rules: list = field(default_factory=list)  # [{"name", "filterType", "sqlExpression", "correlation", "action"}]


@dataclass
class Topic:
    name: str
    id: str
    properties: dict
    subscriptions: list = field(default_factory=list)


@dataclass
class Namespace:
    subscription: str
    resource_group: str
    name: str
    endpoint: str | None
    sku: str
    tags: dict
    queues: dict  # name -> Entity
    topics: dict  # name -> Topic
    skipped: list = field(default_factory=list)


def check_location(subscription: str, resource_group: str, namespace: str) -> None:
    if not _GUID.match(subscription or ""):
        raise InputError(f"--subscription {clean(subscription, 60)!r} is not an Azure subscription id (a GUID)")
    if not _GROUP.match(resource_group or ""):
        raise InputError(f"--resource-group {clean(resource_group, 100)!r} is not a resource group name")
    if not _NAMESPACE.match(namespace or ""):
        raise InputError(f"--namespace {clean(namespace, 60)!r} is not a Service Bus namespace name (6 to 50 "
                         "letters, digits and '-')")


class _StaticToken:
    """The credential for an emulator or a recorded endpoint on loopback: never a caller's real one."""

    def get_token(self, *_scopes, **_kw):
        from azure.core.credentials import AccessToken

        return AccessToken("topowire-local", 2 ** 31 - 1)


def client(subscription: str, endpoint: str | None = None):
    """A ServiceBusManagementClient: the caller's Azure credentials (DefaultAzureCredential: environment, managed
    identity, Azure CLI ...), or, for ``endpoint`` on loopback, a static token that is no one's."""
    try:
        from azure.mgmt.servicebus import ServiceBusManagementClient
    except ImportError:
        raise InputError("topowire import and drift on Azure need azure-mgmt-servicebus and azure-identity: "
                         "pip install 'topowire[import-azure]'") from None
    return _made(ServiceBusManagementClient, subscription, endpoint, API_VERSION)


def authorization_client(subscription: str, endpoint: str | None = None):
    """An AuthorizationManagementClient (role assignments and definitions, clouds/azure/principals.py) with the
    same credentials as ``client``, or None when azure-mgmt-authorization is not installed."""
    try:
        from azure.mgmt.authorization import AuthorizationManagementClient
    except ImportError:
        return None
    from .principals import API_VERSION as AUTHORIZATION_API

    return _made(AuthorizationManagementClient, subscription, endpoint, AUTHORIZATION_API)


def _made(cls, subscription: str, endpoint: str | None, api_version: str):
    kw = dict(api_version=api_version, retry_total=2, retry_backoff_factor=0.2, connection_timeout=5,
              read_timeout=30)
    if endpoint:
        check_endpoint(endpoint)
        from azure.core.pipeline.policies import SansIOHTTPPolicy

        class _Header(SansIOHTTPPolicy):  # a bearer token over plain http is for loopback recordings only
            def on_request(self, request):
                request.http_request.headers["Authorization"] = "Bearer topowire-local"

        return cls(_StaticToken(), subscription, base_url=endpoint.rstrip("/"), authentication_policy=_Header(), **kw)
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise InputError("topowire import and drift on Azure need azure-identity: "
                         "pip install 'topowire[import-azure]'") from None
    return cls(DefaultAzureCredential(exclude_interactive_browser_credential=True), subscription, **kw)


class _Calls(Calls):
    """Turn azure-core's errors into exit-1 messages that say what to do."""

    def __exit__(self, typ, exc, tb):
        if exc is None or isinstance(exc, InputError):
            return False
        from azure.core.exceptions import (AzureError, ClientAuthenticationError, HttpResponseError,
                                           ResourceNotFoundError, ServiceRequestError, ServiceResponseError)

        if isinstance(exc, ClientAuthenticationError) and getattr(exc, "status_code", None) != 403:
            raise InputError("no usable Azure credentials: sign in with `az login`, or set AZURE_CLIENT_ID, "
                             "AZURE_TENANT_ID and AZURE_CLIENT_SECRET (or run with a managed identity). "
                             f"({clean(exc.message if hasattr(exc, 'message') else exc, 200)})") from None
        if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
            raise InputError(f"cannot reach {self.where}: {clean(exc, 200)}. Check --endpoint-url and the "
                             "network") from None
        if isinstance(exc, ResourceNotFoundError):
            raise InputError(f"{self.where}: not found ({clean(exc.reason or '', 80)}): check --subscription, "
                             "--resource-group and --namespace") from None
        if isinstance(exc, HttpResponseError):
            code = clean(getattr(getattr(exc, "error", None), "code", None) or exc.reason or "", 80)
            if exc.status_code == 403:
                raise InputError(f"{self.where} denied a read ({code}): grant the read-only role of "
                                 "docs/azure.md#least-privilege") from None
            if exc.status_code == 401:
                raise InputError(f"{self.where} refused the credentials ({code}): sign in again (az login)") from None
            raise InputError(f"{self.where} answered {exc.status_code} {code}") from None
        if isinstance(exc, AzureError):
            raise InputError(f"cannot use {self.where}: {clean(exc, 200)}") from None
        if isinstance(exc, (ValueError, TypeError, KeyError, AttributeError)):  # JSON not of the REST API's shape
            raise InputError(f"{self.where} answered what is not Service Bus's REST API: {clean(exc, 200)}") from None
        return False


def _raw(model) -> dict:
    """The REST JSON of an SDK model (its wire names: lockDuration, maxDeliveryCount ...)."""
    return model.as_dict() if hasattr(model, "as_dict") else dict(model)


def _properties(raw, skipped: list, what: str) -> dict:
    props = raw.get("properties") if isinstance(raw, dict) else None
    out = {}
    for k, v in (props if isinstance(props, dict) else {}).items():
        if k in _BOOL and isinstance(v, bool):
            out[k] = v
        elif k in _INT and isinstance(v, int) and not isinstance(v, bool):
            out[k] = v
        elif k in _TEXT and isinstance(v, str):
            if len(v) > MAX_TEXT:
                skipped.append(f"{what}: {k} longer than {MAX_TEXT} characters; left out")
            else:
                out[k] = v
    return out


def _rule(raw, skipped: list, what: str):
    name = raw.get("name") if isinstance(raw, dict) else None
    props = raw.get("properties") if isinstance(raw, dict) else None
    if not isinstance(name, str) or not _SUBSCRIPTION.match(name.lstrip("$")) or not isinstance(props, dict):
        skipped.append(f"{what}: a rule that is not a Service Bus rule ({clean(name, 60)!r}); left out")
        return None
    out = {"name": name, "filterType": props.get("filterType") if props.get("filterType") in
           ("SqlFilter", "CorrelationFilter") else None}
    sql = (props.get("sqlFilter") or {}).get("sqlExpression") if isinstance(props.get("sqlFilter"), dict) else None
    if isinstance(sql, str) and len(sql) <= MAX_FILTER:
        out["sqlExpression"] = sql
    corr = props.get("correlationFilter")
    if isinstance(corr, dict):
        c = {k: v for k, v in corr.items() if k != "properties" and isinstance(v, (str, bool))
             and len(str(v)) <= MAX_TEXT}
        user = corr.get("properties")
        if isinstance(user, dict):
            c["properties"] = {k: v for k, v in list(user.items())[:64] if isinstance(k, str) and len(k) <= 128 and
                               isinstance(v, str) and len(v) <= MAX_TEXT}
        out["correlation"] = c
    action = (props.get("action") or {}).get("sqlExpression") if isinstance(props.get("action"), dict) else None
    if isinstance(action, str) and action.strip():
        out["action"] = action[:MAX_FILTER]
    return out


def _tags(raw, skipped: list) -> dict:
    tags = raw.get("tags") if isinstance(raw, dict) else None
    out = {}
    for k, v in sorted((tags if isinstance(tags, dict) else {}).items()):
        if not (isinstance(k, str) and isinstance(v, str)) or len(k) > 512 or len(v) > 256:
            skipped.append("namespace: a tag longer than Azure allows; left out")
            continue
        out[k] = v
    if len(out) > MAX_TAGS:
        skipped.append(f"namespace: {len(out)} tags, more than Azure's {MAX_TAGS}; the first {MAX_TAGS} are kept")
        out = dict(list(out.items())[:MAX_TAGS])
    return out


def read(sb, subscription: str, resource_group: str, namespace: str, endpoint: str | None = None,
         prefix: str | None = None, pattern: str | None = None, progress=None, names: set | None = None,
         topic_names: set | None = None) -> Namespace:
    """The selected queues and topics of one namespace (``names``/``topic_names``: exactly these, for drift)."""
    check_location(subscription, resource_group, namespace)
    where = endpoint or f"Service Bus namespace {namespace}"
    skipped: list = []
    pages = Pages(where)

    def items(paged, what):
        """The items of an ItemPaged, its pages bounded and its next links checked (``Pages``)."""
        it = paged.by_page()
        for page in pages.each(((list(p), it.continuation_token) for p in it), what, lambda page: page[1]):
            yield from page[0]

    with _Calls(where):
        ns = _raw(sb.namespaces.get(resource_group, namespace))
        sku = ns.get("sku", {}).get("name") if isinstance(ns.get("sku"), dict) else None
        raw_queues, raw_topics = [], []
        for item in items(sb.queues.list_by_namespace(resource_group, namespace), "queues"):
            raw_queues.append(_raw(item))
            if len(raw_queues) + len(raw_topics) > MAX_ENTITIES:
                raise InputError(f"{where} lists more than {MAX_ENTITIES} queues and topics: narrow the selection "
                                 "with --prefix or --pattern")
        if sku != "Basic":  # Basic has no topics (the list answers 400)
            for item in items(sb.topics.list_by_namespace(resource_group, namespace), "topics"):
                raw_topics.append(_raw(item))
                if len(raw_queues) + len(raw_topics) > MAX_ENTITIES:
                    raise InputError(f"{where} lists more than {MAX_ENTITIES} queues and topics: narrow the "
                                     "selection with --prefix or --pattern")

    def pick(raws, want, kind):
        out = []
        for raw in raws:
            name = raw.get("name")
            if not isinstance(name, str) or not _ENTITY.match(name):
                skipped.append(f"{kind} {clean(name, 120)!r}: not a name topowire can adopt (letters, digits, '.', "
                               "'-' and '_'); left out")
            elif want(name):
                out.append(raw)
        return out

    queues = pick(raw_queues, (lambda n: n in names) if names is not None else
                  (lambda n: selected(n, prefix, pattern)), "queue")
    topics = pick(raw_topics, (lambda n: n in topic_names) if topic_names is not None else
                  (lambda n: selected(n, prefix, pattern)), "topic")
    total, done, lock = len(topics), [0], threading.Lock()
    counted = {"subscriptions": 0, "rules": 0}

    def count(kind, n, limit):
        with lock:
            counted[kind] += n
            if counted[kind] > limit:
                raise InputError(f"{where} has more than {limit} {kind} in the selection: narrow it with --prefix "
                                 "or --pattern")

    def read_topic(raw):
        name = raw["name"]
        subs = []
        with _Calls(where):
            for item in items(sb.subscriptions.list_by_topic(resource_group, namespace, name),
                             f"subscriptions of topic {name}"):
                s = _raw(item)
                sname = s.get("name")
                count("subscriptions", 1, MAX_SUBSCRIPTIONS)
                if not isinstance(sname, str) or not _SUBSCRIPTION.match(sname):
                    skipped.append(f"topic {name}: subscription {clean(sname, 80)!r} is not a name topowire can "
                                   "adopt; left out")
                    continue
                subs.append(Subscription(sname, clean(s.get("id", ""), 600), _properties(s, skipped,
                                                                                          f"subscription {name}/{sname}")))
            for sub in subs:
                rules = []
                for item in items(sb.rules.list_by_subscriptions(resource_group, namespace, name, sub.name),
                                 f"rules of subscription {name}/{sub.name}"):
                    count("rules", 1, MAX_RULES)
                    r = _rule(_raw(item), skipped, f"subscription {name}/{sub.name}")
                    if r:
                        rules.append(r)
                sub.rules = sorted(rules, key=lambda r: r["name"])
        if progress:
            with lock:
                done[0] += 1
                progress(done[0], total)
        return Topic(name, clean(raw.get("id", ""), 600), _properties(raw, skipped, f"topic {name}"),
                     sorted(subs, key=lambda s: s.name))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        read_topics = list(pool.map(read_topic, topics))
    return Namespace(subscription, resource_group, namespace, endpoint, sku if sku in ("Basic", "Standard", "Premium")
                     else "Standard", _tags(ns, skipped),
                     {q["name"]: Entity(q["name"], clean(q.get("id", ""), 600), _properties(q, skipped,
                                                                                            f"queue {q['name']}"))
                      for q in sorted(queues, key=lambda q: q["name"])},
                     {t.name: t for t in sorted(read_topics, key=lambda t: t.name)}, sorted(set(skipped)))


_DURATION = re.compile(r"^P(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9})(?:\.\d{1,9})?S)?)?\Z")


def seconds(iso) -> int | None:
    """Seconds of an ISO 8601 duration as Service Bus writes them (PT1M, P14D, P10675199DT2H48M5.4775807S), or
    None when it is not one."""
    m = _DURATION.match(iso) if isinstance(iso, str) and iso not in ("P", "PT") else None
    if not m:
        return None
    d, h, mi, s = (int(x) if x else 0 for x in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s
