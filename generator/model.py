"""The Topology: frozen dataclasses with every default applied.

Built from a document that passed the schema. Durations are seconds, sizes
bytes. Every effective setting remembers the JSON path it came from
(``origins``), so a rule about an inherited value still cites the exact YAML
node that set it. The model knows nothing of clouds.

Precedence of a setting, lowest first: built-in default, ``defaults``, the
stack's environment's ``defaults``, the channel, the environment's entry for
the channel, the consumer. On a queue, consumer options set the queue's own
settings (all consumers share it); on a topic they set that consumer's
subscription.

A stack's environment is resolved here, once: ``build(doc, stack)`` returns
the Topology of that stack, with its settings, tags, cloud choices and
physical-name ``prefix``; no backend reads ``environments`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Mapping, Optional

import re

from . import units
from .loader import Document

DAY = 86400
DLQ_MIN_RETENTION = 14 * DAY
CLOUDS = ("aws", "azure", "gcp")

BUILTIN = {
    "visibility_timeout": 30,
    "retention": 4 * DAY,
    "delay": 0,
    "max_receive_count": 5,
    "dead_letter": True,
    "fifo": False,
    "encryption": "managed",
    "protect": True,
    "max_message_size": None,  # the cloud's own default
    "processing_time": None,
}
DURATIONS = ("visibility_timeout", "retention", "delay", "processing_time")
DEFAULT_STACK = "dev"
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
PREFIX_MAX = 63


@dataclass(frozen=True)
class Encryption:
    mode: str  # "managed" | "none" | "kms"
    kms_key: Optional[str] = None


@dataclass(frozen=True)
class LargePayloads:
    """A channel's claim check: bodies above ``threshold`` bytes go to object storage, the broker carries a pointer.

    ``threshold`` None: the broker's own limit (each cloud's spec knows it). ``origin``: the node that set it.
    """

    threshold: Optional[int]
    origin: tuple


@dataclass(frozen=True)
class DeadLetter:
    enabled: bool
    max_receive_count: int
    retention: int


@dataclass(frozen=True)
class Settings:
    """Effective settings of one store of messages: a queue or a subscription."""

    visibility_timeout: int
    retention: int
    delay: int
    max_message_size: Optional[int]
    dead_letter: DeadLetter
    encryption: Encryption
    protect: bool
    origins: Mapping[str, tuple]


@dataclass(frozen=True)
class Adopted:
    """Existing physical names one channel keeps on one cloud (``adopt.<cloud>``, the environment's over the
    channel's), and the path of the node that set each."""

    name: Optional[str] = None
    dead_letter: Optional[str] = None
    subscriptions: Mapping = field(default_factory=lambda: MappingProxyType({}))  # service -> {"queue", "dead_letter", "arn"} (AWS), {"name"[, "dead_letter"]} (Azure, GCP)
    path: tuple = ()
    subscription: Optional[str] = None  # GCP: a queue's one subscription
    # Azure: service -> {"send"|"receive": {"name", "role"}}: its live role assignments on the entity (their GUIDs)
    role_assignments: Mapping = field(default_factory=lambda: MappingProxyType({}))
    publishers: tuple = ()  # GCP: service accounts whose roles/pubsub.publisher member on the topic exists
    subscribers: tuple = ()  # GCP: ... whose roles/pubsub.subscriber member on a queue's subscription exists


@dataclass(frozen=True)
class Message:
    name: str
    description: str
    content_type: str
    schema: object  # dict | bool | None
    schema_file: Optional[str]
    schema_error: Optional[str]
    example: object
    has_example: bool
    path: tuple
    schema_error_at: Optional[tuple] = None  # (file, line, col) inside a schema file
    schema_error_pointer: tuple = ()  # below ``schema`` of an inline schema
    schema_uri: str = ""  # the schema file's URI in the message's registry ("" for inline)
    schema_resources: tuple = ()  # ((uri, contents), ...): every schema file it references, loaded confined
    schema_error_hint: str = ""
    schema_error_key: bool = False  # the error is about a key of the inline schema (a patternProperties regex)


@dataclass(frozen=True)
class Queue:
    name: str
    deployed_name: str  # renamed_from, or the name: what cloud names derive from
    description: str
    message: Optional[str]
    fifo: bool
    settings: Settings
    path: tuple
    kind: str = "queue"
    large_payloads: Optional[LargePayloads] = None  # None: the broker carries every body itself
    adopt: Mapping = field(default_factory=lambda: MappingProxyType({}))  # cloud -> Adopted: existing physical names it keeps (``adopt``)


@dataclass(frozen=True)
class Topic:
    name: str
    deployed_name: str
    description: str
    message: Optional[str]
    fifo: bool
    encryption: Encryption
    path: tuple
    kind: str = "topic"
    encryption_origin: tuple = ()  # the node that set ``encryption`` (the topic's path for the built-in default)
    large_payloads: Optional[LargePayloads] = None
    adopt: Mapping = field(default_factory=lambda: MappingProxyType({}))  # cloud -> Adopted


@dataclass(frozen=True)
class Consumer:
    service: str
    channel: str
    kind: Optional[str]  # "queue" | "topic" | None when the channel does not exist
    filter: Optional[tuple]  # ((attribute, (value, ...)), ...) sorted, or None
    processing_time: Optional[int]
    options: Mapping[str, tuple]  # option -> path, for options set on this consumer
    settings: Optional[Settings]  # the queue's, or this consumer's subscription's
    path: tuple


@dataclass(frozen=True)
class Ref:
    service: str
    channel: str
    path: tuple


IDENTITY_FIELDS = ("aws_role", "azure_principal_id", "gcp_service_account")


@dataclass(frozen=True)
class Identity:
    """Who a service runs as, per cloud: its ``identity``, with its stack's environment's over it key by key."""

    aws_role: Optional[str] = None
    azure_principal_id: Optional[str] = None
    gcp_service_account: Optional[str] = None
    origins: Optional[Mapping[str, tuple]] = field(default=None, compare=False)  # field -> the node that set it

    def origin(self, name: str, fallback: tuple) -> tuple:
        """The JSON path of the node that set ``name`` (the service's own identity or its environment's)."""
        return (self.origins or {}).get(name) or fallback


@dataclass(frozen=True)
class Service:
    name: str
    deployed_name: str
    description: str
    owner: str
    publishes: tuple  # of Ref
    consumes: tuple  # of Consumer
    identity: Identity
    path: tuple


NOTIFY_KEYS = {"aws": "alarm_topic", "azure": "action_group", "gcp": "notification_channels"}
NO_ONE = "none"  # a notification target that says, on purpose, that alarms notify no one


@dataclass(frozen=True)
class Clouds:
    aws_alarm_topic: Optional[str] = None  # the SNS topic ARN the alarms notify (None: none set, or 'none')
    azure_sku: str = "Standard"
    azure_sku_explicit: bool = False
    azure_action_group: Optional[str] = None  # the action group resource id the alerts notify
    azure_namespace: Optional[str] = None  # clouds.azure.namespace: the Service Bus namespace name, as written
    azure_namespace_path: tuple = field(default=(), compare=False)  # where it is written (top level or environment)
    gcp_notification_channels: tuple = ()  # the Cloud Monitoring channels the alert notifies
    # cloud -> what the file says about where that cloud's alarms go: "none" (no one, on purpose), a target,
    # or absent (nothing said); and cloud -> the node that says it (top-level clouds or the environment's)
    notify: Optional[Mapping[str, object]] = field(default=None, compare=False)
    notify_origins: Optional[Mapping[str, tuple]] = field(default=None, compare=False)

    def targets(self, cloud: str) -> tuple:
        """Where ``cloud``'s dead-letter alarms notify, as the file says (empty: no one)."""
        if cloud == "aws":
            return (self.aws_alarm_topic,) if self.aws_alarm_topic else ()
        if cloud == "azure":
            return (self.azure_action_group,) if self.azure_action_group else ()
        return tuple(self.gcp_notification_channels)

    def notifies_no_one_on_purpose(self, cloud: str) -> bool:
        return (self.notify or {}).get(cloud) == NO_ONE

    def notify_origin(self, cloud: str) -> tuple:
        return (self.notify_origins or {}).get(cloud) or ("clouds", cloud, NOTIFY_KEYS[cloud])


@dataclass(frozen=True)
class Topology:
    name: str
    description: str
    owner: str
    tags: Mapping[str, str]
    targets: tuple
    messages: Mapping[str, Message]
    queues: Mapping[str, Queue]
    topics: Mapping[str, Topic]
    services: Mapping[str, Service]
    clouds: Clouds
    consumers: Mapping[str, tuple]  # channel -> consumers, sorted by service
    publishers: Mapping[str, tuple]  # channel -> Refs, sorted by service
    file: str
    targets_explicit: bool = False
    stack: str = DEFAULT_STACK  # the Pulumi stack this Topology is for
    prefix: str = ""  # every physical name starts with it: "<name>-<stack>" unless the environment sets one
    environment: Optional[str] = None  # the stack, when ``environments`` lists it (its settings are applied)
    environments: tuple = ()  # every stack that ``environments`` lists, sorted
    prefix_explicit: bool = False
    # What a queue, topic or subscription that sets nothing of its own gets: the built-in defaults under
    # ``defaults`` and the stack's environment's ``defaults``.
    defaults: Optional[Settings] = None
    defaults_processing_time: Optional[int] = None  # what a consumer that sets no processing_time gets (seconds)
    accounts: Mapping = field(default_factory=lambda: MappingProxyType({}))  # cloud -> {"account", "region", "endpoint"}: where adopted names run

    def channel(self, name: str):
        return self.queues.get(name) or self.topics.get(name)

    def channels(self):
        """Queues then topics, each sorted by name."""
        return [*self.queues.values(), *self.topics.values()]

    def all_consumers(self):
        return [c for s in self.services.values() for c in s.consumes]

    def deployed(self, service: str) -> str:
        """The name a service's cloud resources derive from (its ``renamed_from``, or its name)."""
        svc = self.services.get(service)
        return svc.deployed_name if svc else service


def _frozen(d: dict) -> Mapping:
    return MappingProxyType(dict(sorted(d.items())))


def _norm(field: str, value):
    if field in DURATIONS and value is not None:
        return units.seconds(value)
    if field == "max_message_size" and value is not None:
        return units.size_bytes(value)
    return value


def _large_payloads(layers: list) -> Optional[LargePayloads]:
    """``large_payloads`` from ``layers`` [(mapping, path), ...] (lowest first): None when unset or false."""
    value, path = _pick("large_payloads", layers)
    if not value or path is None:
        return None
    threshold = value.get("threshold") if isinstance(value, dict) else None
    return LargePayloads(units.size_bytes(threshold) if threshold is not None else None, path)


def _encryption(value) -> Encryption:
    if isinstance(value, dict):
        return Encryption("kms", value["kms_key"])
    return Encryption(value)


def _settings(layers: list, fallback_path: tuple) -> Settings:
    """Resolve settings from ``layers`` [(mapping, path), ...], lowest precedence first."""
    origins: dict = {}
    values: dict = {}
    for field in ("visibility_timeout", "retention", "delay", "max_message_size", "encryption", "protect"):
        values[field], origins[field] = BUILTIN[field], fallback_path
        for mapping, path in layers:
            if field in mapping:
                values[field], origins[field] = mapping[field], path + (field,)
        values[field] = _norm(field, values[field])

    enabled, origins["dead_letter"] = BUILTIN["dead_letter"], fallback_path
    count, origins["max_receive_count"] = BUILTIN["max_receive_count"], fallback_path
    dlq_retention = None
    for mapping, path in layers:
        dl = mapping.get("dead_letter")
        if "max_receive_count" in mapping:
            count, origins["max_receive_count"] = mapping["max_receive_count"], path + ("max_receive_count",)
        if dl is not None:
            enabled, origins["dead_letter"] = bool(dl) if not isinstance(dl, dict) else True, path + ("dead_letter",)
            if isinstance(dl, dict):
                if "max_receive_count" in dl:
                    count = dl["max_receive_count"]
                    origins["max_receive_count"] = path + ("dead_letter", "max_receive_count")
                if "retention" in dl:
                    dlq_retention = units.seconds(dl["retention"])
                    origins["dead_letter_retention"] = path + ("dead_letter", "retention")
    if dlq_retention is None:
        # A dead-letter channel keeps messages 14 days unless its source keeps them longer.
        dlq_retention = max(DLQ_MIN_RETENTION, values["retention"])
        origins["dead_letter_retention"] = origins["dead_letter"]
    return Settings(
        visibility_timeout=values["visibility_timeout"],
        retention=values["retention"],
        delay=values["delay"],
        max_message_size=values["max_message_size"],
        dead_letter=DeadLetter(enabled, count, dlq_retention),
        encryption=_encryption(values["encryption"]),
        protect=values["protect"],
        origins=MappingProxyType(origins),
    )


CONSUMER_QUEUE_OPTIONS = ("visibility_timeout", "max_receive_count", "dead_letter")


def environments(data: dict) -> tuple:
    """The stacks that ``environments`` lists, sorted."""
    return tuple(sorted((data.get("environments") or {})))


def default_prefix(name: str, stack: str) -> str:
    return f"{name}-{stack}"


def stack_problem(data: dict, stack: str) -> Optional[str]:
    """Why ``stack`` cannot be deployed from this document (its prefix is not a valid name), or None."""
    env = (data.get("environments") or {}).get(stack) or {}
    if env.get("prefix"):
        return None
    prefix = default_prefix(data["name"], stack)
    if PREFIX_PATTERN.match(prefix) and len(prefix) <= PREFIX_MAX:
        return None
    return (f"stack '{stack}' gives the physical-name prefix '{prefix}', which is not a valid name (lowercase "
            "letters, digits and '-')")


def build(doc: Document, stack: str = DEFAULT_STACK, base: bool = False) -> Topology:
    """The Topology of ``stack`` from a document that passed the schema check.

    The stack's entry in ``environments`` (if any) is applied; ``base=True``
    ignores it (the file as written, as for a stack it does not list).
    """
    data = doc.data
    envs = data.get("environments") or {}
    declared = stack in envs and not base
    env = (envs.get(stack) or {}) if declared else {}
    epath = ("environments", stack)
    env_queues = env.get("queues") or {}
    env_topics = env.get("topics") or {}
    env_services = env.get("services") or {}
    defaults = data.get("defaults") or {}
    dpath = ("defaults",)
    env_defaults = env.get("defaults") or {}
    edpath = epath + ("defaults",)
    # lowest first: the top-level defaults, then the environment's
    default_layers = [(defaults, dpath), (env_defaults, edpath)]
    base = doc.source.parent if doc.source else FsPath.cwd()
    root = doc.root if doc.root is not None else base

    schemas = doc.cache.setdefault("message_schemas", {})  # one check per distinct schema, however many messages
    # (and environments: each is a build of the same document) use it
    messages = {n: _message(n, m or {}, base, root, doc.file, schemas, doc.files)
                for n, m in (data.get("messages") or {}).items()}

    raw_services = data.get("services") or {}
    queue_defs = data.get("queues") or {}
    topic_defs = data.get("topics") or {}

    # consumer options per channel, in service order
    consumer_raw: dict = {}  # channel -> [(service, options, path)]
    by_service: dict = {}  # service -> [(channel, options, path)]
    for sname in sorted(raw_services):
        consumes = (raw_services[sname] or {}).get("consumes") or []
        if isinstance(consumes, list):
            items = [(c, {}, ("services", sname, "consumes", i)) for i, c in enumerate(consumes)]
        else:
            items = [(c, o or {}, ("services", sname, "consumes", c)) for c, o in consumes.items()]
        for cname, opts, cpath in items:
            consumer_raw.setdefault(cname, []).append((sname, opts, cpath))
            by_service.setdefault(sname, []).append((cname, opts, cpath))

    queues = {}
    for qname, q in queue_defs.items():
        q = q or {}
        qpath = ("queues", qname)
        layers = [*default_layers, (q, qpath), (env_queues.get(qname) or {}, epath + ("queues", qname))]
        for _s, opts, cpath in consumer_raw.get(qname, []):
            layers.append(({k: v for k, v in opts.items() if k in CONSUMER_QUEUE_OPTIONS}, cpath))
        queues[qname] = Queue(qname, q.get("renamed_from", qname), q.get("description", ""), q.get("message"),
                              bool(q.get("fifo")), _settings(layers, qpath), qpath,
                              large_payloads=_large_payloads([*default_layers, (q, qpath),
                                                              (env_queues.get(qname) or {}, epath + ("queues", qname))]),
                              adopt=_adopt(q, qpath, env_queues.get(qname), epath + ("queues", qname)))

    topics = {}
    for tname, t in topic_defs.items():
        t = t or {}
        tpath = ("topics", tname)
        enc, enc_path = _pick("encryption", [*default_layers, (t, tpath),
                                             (env_topics.get(tname) or {}, epath + ("topics", tname))])
        topics[tname] = Topic(tname, t.get("renamed_from", tname), t.get("description", ""), t.get("message"),
                              bool(t.get("fifo")), _encryption(enc), tpath, encryption_origin=enc_path or tpath,
                              large_payloads=_large_payloads([*default_layers, (t, tpath),
                                                              (env_topics.get(tname) or {}, epath + ("topics", tname))]),
                              adopt=_adopt(t, tpath, env_topics.get(tname), epath + ("topics", tname)))

    services = {}
    for sname in sorted(raw_services):
        s = raw_services[sname] or {}
        spath = ("services", sname)
        pubs = tuple(sorted((Ref(sname, c, spath + ("publishes", i)) for i, c in enumerate(s.get("publishes") or [])),
                            key=lambda r: r.channel))
        consumers = []
        for cname, opts, cpath in by_service.get(sname, ()):
            kind = "queue" if cname in queues else "topic" if cname in topic_defs else None
            if kind == "queue":
                settings = queues[cname].settings
            elif kind == "topic":
                tpath = ("topics", cname)
                settings = _settings([*default_layers, (topic_defs[cname] or {}, tpath),
                                      (env_topics.get(cname) or {}, epath + ("topics", cname)), (opts, cpath)], cpath)
            else:
                settings = None
            flt = opts.get("filter")
            ptime, ppath = _pick("processing_time", [*default_layers, (opts, cpath)])
            options = {k: cpath + (k,) for k in opts}
            if ppath is not None:  # the consumer's own, or the defaults' it inherits
                options["processing_time"] = ppath
            consumers.append(Consumer(
                service=sname, channel=cname, kind=kind,
                filter=None if flt is None else tuple(sorted((k, tuple(v)) for k, v in flt.items())),
                processing_time=units.seconds(ptime) if ptime is not None else None,
                options=MappingProxyType(options), settings=settings, path=cpath))
        services[sname] = Service(sname, s.get("renamed_from", sname), s.get("description", ""), s.get("owner", ""), pubs,
                                  tuple(sorted(consumers, key=lambda c: c.channel)),
                                  _identity(s, spath, env_services.get(sname), epath + ("services", sname)), spath)

    consumers_by: dict = {}
    publishers_by: dict = {}
    for svc in services.values():
        for c in svc.consumes:
            consumers_by.setdefault(c.channel, []).append(c)
        for r in svc.publishes:
            publishers_by.setdefault(r.channel, []).append(r)

    base_clouds, env_clouds = data.get("clouds") or {}, env.get("clouds") or {}
    clouds = {c: {**(base_clouds.get(c) or {}), **(env_clouds.get(c) or {})} for c in CLOUDS}
    azure = clouds["azure"]
    notify, notify_origins = {}, {}
    for cloud, key in NOTIFY_KEYS.items():
        if key in (env_clouds.get(cloud) or {}):
            notify[cloud], notify_origins[cloud] = env_clouds[cloud][key], epath + ("clouds", cloud, key)
        elif key in (base_clouds.get(cloud) or {}):
            notify[cloud], notify_origins[cloud] = base_clouds[cloud][key], ("clouds", cloud, key)
    prefix = env.get("prefix") or default_prefix(data["name"], stack)
    return Topology(
        name=data["name"],
        description=data.get("description", ""),
        owner=data.get("owner", ""),
        tags=_frozen({**(data.get("tags") or {}), **(env.get("tags") or {})}),
        targets=tuple(c for c in CLOUDS if c in data.get("targets", CLOUDS)),
        targets_explicit="targets" in data,
        messages=_frozen(messages),
        queues=_frozen(queues),
        topics=_frozen(topics),
        services=_frozen(services),
        clouds=Clouds(aws_alarm_topic=_target(notify.get("aws")), azure_sku=azure.get("sku", "Standard"),
                      azure_sku_explicit="sku" in azure, azure_action_group=_target(notify.get("azure")),
                      gcp_notification_channels=tuple(_target(notify.get("gcp")) or ()),
                      notify=MappingProxyType(notify), notify_origins=MappingProxyType(notify_origins),
                      azure_namespace=azure.get("namespace"),
                      azure_namespace_path=(epath + ("clouds", "azure", "namespace")
                                            if "namespace" in (env_clouds.get("azure") or {})
                                            else ("clouds", "azure", "namespace")) if azure.get("namespace") else ()),
        consumers=_frozen({k: tuple(sorted(v, key=lambda c: c.service)) for k, v in consumers_by.items()}),
        publishers=_frozen({k: tuple(sorted(v, key=lambda r: r.service)) for k, v in publishers_by.items()}),
        file=doc.file,
        stack=stack,
        prefix=prefix,
        environment=stack if declared else None,
        environments=environments(data),
        prefix_explicit=bool(env.get("prefix")),
        defaults=_settings(default_layers, dpath),
        defaults_processing_time=_norm("processing_time", _pick("processing_time", default_layers)[0]),
        accounts=_frozen({c: MappingProxyType(dict(v)) for c, v in
                          {**(data.get("accounts") or {}), **(env.get("accounts") or {})}.items()}),
    )


def _target(value):
    """A notification target as written, or None for 'none' and for nothing written."""
    return None if value in (None, NO_ONE) else value


def _identity(service: dict, spath: tuple, env_service: Optional[dict], epath: tuple) -> Identity:
    """The service's identity, with its environment's entry over it key by key, remembering who set what."""
    values, origins = {}, {}
    for layer, path in (((service or {}).get("identity") or {}, spath + ("identity",)),
                        (((env_service or {}).get("identity") or {}), epath + ("identity",))):
        for name in IDENTITY_FIELDS:
            if name in layer:
                values[name], origins[name] = layer[name], path + (name,)
    return Identity(**values, origins=MappingProxyType(origins))


def _adopt(channel: dict, path: tuple, env_channel: Optional[dict], env_path: tuple) -> Mapping:
    """cloud -> Adopted: the channel's ``adopt``, with the environment's entry over it key by key."""
    out = {}
    base, over = channel.get("adopt") or {}, (env_channel or {}).get("adopt") or {}
    for cloud in sorted(set(base) | set(over)):
        b, o = base.get(cloud) or {}, over.get(cloud) or {}
        where = env_path + ("adopt", cloud) if cloud in over else path + ("adopt", cloud)
        subs = {**(b.get("subscriptions") or {}), **(o.get("subscriptions") or {})}
        roles = {**(b.get("role_assignments") or {}), **(o.get("role_assignments") or {})}
        out[cloud] = Adopted(o.get("name", b.get("name")), o.get("dead_letter", b.get("dead_letter")),
                             _frozen({k: MappingProxyType(dict(v or {})) for k, v in subs.items()}), where,
                             o.get("subscription", b.get("subscription")),
                             _frozen({k: MappingProxyType(dict(v or {})) for k, v in roles.items()}),
                             tuple(o.get("publishers", b.get("publishers")) or ()),
                             tuple(o.get("subscribers", b.get("subscribers")) or ()))
    return MappingProxyType(out)


def _pick(field: str, layers: list):
    """The value of ``field`` from ``layers`` [(mapping, path), ...] (lowest first) and its path; built-in else."""
    value, path = BUILTIN.get(field), None
    for mapping, mpath in layers:
        if field in mapping:
            value, path = mapping[field], mpath + (field,)
    return value, path


def _message(name: str, m: dict, base: FsPath, root: FsPath, file: str, cache: dict, files=None) -> Message:
    if m.get("schema") is None:  # a file without message schemas never loads jsonschema
        return Message(name, m.get("description", ""), m.get("content_type", "application/json"), None, None, None,
                       m.get("example"), "example" in m, ("messages", name))
    from . import message_schema

    loaded = message_schema.load(m.get("schema"), base, root, file, cache, files)
    p = loaded.problem
    return Message(name, m.get("description", ""), m.get("content_type", "application/json"), loaded.schema,
                   loaded.file, p.message if p else None, m.get("example"), "example" in m, ("messages", name),
                   p.at if p else None, p.pointer if p else (), loaded.uri, loaded.resources, p.hint if p else "",
                   p.key if p else False)
