"""Per-cloud knowledge, one package per cloud: ``aws/``, ``azure/``, ``gcp/``.

Each holds ``spec`` (names, limits and quirks: pure Python, used by the validator
and the docs), ``program`` (the Pulumi ComponentResources: imports the SDK, loaded
only by ``plan`` and ``pulumi up``) and ``mock`` (what the cloud would answer, for
Pulumi's mock engine). This module holds what the clouds share.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Callable, NamedTuple, Optional


@dataclass(frozen=True)
class Range:
    """A setting the cloud refuses outside [low, high] (an error)."""

    field: str
    low: Optional[int]
    high: Optional[int]
    what: str
    unit: str = "duration"  # duration | size | count


@dataclass(frozen=True)
class Adjust:
    """A setting the deployment changes, with a warning: clamped or ignored."""

    field: str
    applies: Callable[[int], bool]
    message: str  # formatted with value=..., text=...
    hint: str
    written_only: bool = False  # warn only where the topology writes the field (not for built-in defaults)

    @property
    def written_path(self) -> tuple:
        """The end of the YAML path where the field is written: ``dead_letter.retention`` for its retention."""
        return ("dead_letter", "retention") if self.field == "dead_letter_retention" else (self.field,)


class DerivedName(NamedTuple):  # a tuple: tens of thousands are made per large topology, cheaply
    cloud: str
    kind: str  # "SQS queue", "Pub/Sub subscription", ...
    namespace: str  # names must be unique within one namespace
    name: str
    path: tuple  # the YAML node the name derives from
    min_len: int
    max_len: int
    pattern: str  # a regular expression the whole name must match
    rule: str  # the pattern in words, for messages


def env_name(channel: str, suffix: str) -> str:
    """``inference-requests``, ``QUEUE_URL`` -> ``INFERENCE_REQUESTS_QUEUE_URL``: a service's environment variable."""
    return f"{channel.upper().replace('-', '_')}_{suffix}"


def access_words(topo, service, limit: int = 4) -> str:
    """What a service's rights let it do (an IAM policy, role assignments), in words: ``send to queue 'a', receive from queue 'b'`` (at most
    ``limit`` channels named, then how many more)."""
    items = []
    for r in service.publishes:
        ch = topo.channel(r.channel)
        if ch is not None:
            items.append(f"send to queue '{r.channel}'" if ch.kind == "queue" else f"publish to topic '{r.channel}'")
    for c in service.consumes:
        if c.kind is not None:
            items.append(f"receive from {c.kind} '{c.channel}'")
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def spec(cloud: str):
    """The spec module of ``cloud`` ("aws", "azure" or "gcp")."""
    import importlib

    if cloud not in ("aws", "azure", "gcp"):
        raise KeyError(cloud)
    return importlib.import_module(f"{__name__}.{cloud}.spec")


_MEMO: dict = {}  # id(topology) -> what is derived from it, dropped with the topology


def _memo(topo) -> dict:
    key = id(topo)
    if key not in _MEMO:
        _MEMO[key] = {}
        weakref.finalize(topo, _MEMO.pop, key, None)
    return _MEMO[key]


def derived_names(topo, cloud: str) -> list:
    """``spec(cloud).derived_names(topo)``, computed once per topology: the rules and the docs share it."""
    memo = _memo(topo)
    if ("names", cloud) not in memo:
        memo[("names", cloud)] = spec(cloud).derived_names(topo)
    return memo[("names", cloud)]


def stores(topo) -> tuple:
    """Every store of messages: (label, settings, path) for queues and topic subscriptions (computed once)."""
    memo = _memo(topo)
    if "stores" not in memo:
        out = [(f"queue '{q.name}'", q.settings, q.path) for q in topo.queues.values()]
        for c in topo.all_consumers():
            if c.kind == "topic":
                out.append((f"subscription of '{c.service}' to topic '{c.channel}'", c.settings, c.path))
        memo["stores"] = tuple(out)
    return memo["stores"]


def setting(settings, field: str):
    """The value of ``field`` in effective settings, or None when it does not apply."""
    if field == "max_receive_count":
        return settings.dead_letter.max_receive_count
    if field == "dead_letter_retention":
        return settings.dead_letter.retention if settings.dead_letter.enabled else None
    return getattr(settings, field)


def origin(settings, field: str) -> tuple:
    return settings.origins.get(field) or settings.origins["retention"]


@dataclass(frozen=True)
class Item:
    """One cloud resource as ``diff`` sees it: identity, physical name, and what an edit does to it.

    ``replace_on``: settings the provider cannot change in place (a change
    replaces the resource); ``update``: settings it changes in place;
    ``holds``: whether it may hold messages (deleting or replacing it loses them);
    ``protected``: Pulumi's ``protect`` is set on it, so the engine refuses to delete or replace it.
    """

    cloud: str
    kind: str
    key: tuple  # identity across edits: deployed names, so renames with renamed_from match
    name: str
    replace_on: tuple = ()  # ((setting, value), ...)
    update: tuple = ()
    holds: bool = False
    subject: str = ""  # the YAML element it comes from, for people
    protected: bool = False
    replaced: str = ""  # what a replacement does, when the general words do not say it (the Azure namespace)


@dataclass(frozen=True)
class Dependent:
    """A resource that follows others: it is not in the YAML itself, but refers to items of ``inventory``.

    ``refs``: ((item key, effect), ...) where effect is what a replacement of that item does to this
    resource: "replace" (the reference cannot change in place), "update", or "none" (it only comes and
    goes with the item: an alert that names an entity by name). ``why`` says which property
    refers. With ``named``, ``name`` is the resource's own name, fixed at creation: a new one replaces it;
    otherwise ``name`` only tells people which one it is. ``replace_on`` and ``update``: its own settings
    from the YAML, as for ``Item`` (a role assignment's principal, an alarm's actions).
    """

    cloud: str
    kind: str
    key: tuple
    name: str
    refs: tuple
    subject: str = ""
    why: str = ""
    named: bool = False
    replace_on: tuple = ()  # ((setting, value), ...)
    update: tuple = ()


def settings_view(s, skip: tuple = ()) -> tuple:
    """The in-place settings of a queue or subscription, as (name, value) pairs for diffs.

    ``skip``: the settings a cloud's program does not apply (Azure and GCP have no KMS key nor SQS's SSE choice,
    no queue-level delay; GCP has no message size and Azure only on Premium): a change to one is no update there,
    so their diff must not list it (tests/diff/test_plan_agreement.py compares the diff with the plans).
    """
    view = (("visibility_timeout", s.visibility_timeout), ("retention", s.retention), ("delay", s.delay),
            ("max_message_size", s.max_message_size), ("max_receive_count", s.dead_letter.max_receive_count),
            ("dead_letter", s.dead_letter.enabled), ("encryption", s.encryption.kms_key or s.encryption.mode))
    return tuple(kv for kv in view if kv[0] not in skip) if skip else view


class PulumiName(NamedTuple):  # a named tuple: tens of thousands are made for a large topology
    """A Pulumi logical name joined from two YAML names; it must be unique within its component type."""

    scope: str  # the resource type (under its component type) the name must be unique in
    name: str
    path: tuple  # the YAML node it comes from
    what: str  # for people: "the subscription of 'ee' to topic 'ab-cd'"


def subscription_resource_name(topic: str, service: str) -> str:
    """The Pulumi name of the component of one topic subscription, on every cloud."""
    return f"{topic}-{service}"


def subscription_pulumi_names(topo) -> list:
    """Subscription components (all clouds), with the former names their aliases claim (computed once per
    topology: every cloud's list starts with them; a new list each call, the callers extend it)."""
    memo = _memo(topo)
    if "subscription_pulumi_names" not in memo:
        memo["subscription_pulumi_names"] = tuple(_subscription_pulumi_names(topo))
    return list(memo["subscription_pulumi_names"])


def _subscription_pulumi_names(topo) -> list:
    from . import renames

    out = []
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            what = f"the subscription of '{c.service}' to topic '{t.name}'"
            out.append(PulumiName("Subscription", subscription_resource_name(t.name, c.service), c.path, what))
            for old in renames.subscription(topo, t, c.service):
                out.append(PulumiName("Subscription", old, c.path, what + " (its former name, renamed_from)"))
    return out
