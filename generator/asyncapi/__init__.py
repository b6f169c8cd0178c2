"""AsyncAPI 3.0.0 documents of a topology: one per service, plus an index page.

A pure reader of the Topology (like ``generator.docs``): physical names come
from the per-cloud specs, settings from the model's effective settings.
Deterministic: the same topology gives byte-identical YAML (no timestamps,
stable order, no YAML anchors).

Layout of one service's document:

- ``servers``: one per target cloud and protocol (``aws-sqs``, ``aws-sns``,
  ``azure-servicebus``, ``gcp-pubsub``).
- ``channels``: ``<channel>.<cloud>`` for every queue and topic the service
  publishes to or consumes, ``address`` = that cloud's physical name; a
  consumer also gets ``<channel>.dlq.<cloud>``, its dead-letter channel.
  Channel names never contain '.', so these ids cannot collide.
- ``operations``: ``send.<channel>.<cloud>`` and ``receive.<channel>.<cloud>``.
- ``components.messages``: the message contracts the channels carry.
"""

from __future__ import annotations

import yaml

from .. import escape

from .clouds import CLOUDS

ASYNCAPI_VERSION = "3.0.0"
DOC_VERSION = "1.0.0"  # topowire has no contract version of its own: see docs/asyncapi.md


def _ref(*parts: str) -> dict:
    return {"$ref": "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)}


def _text(value) -> str:
    """A topology string for a CommonMark description: no raw HTML (``<`` and ``&`` as entities)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;")


def one_line(value) -> str:
    """A string for one line of a comment: control and line-break characters become '?'."""
    text = "".join("?" if (ord(c) < 32 or c in "\x7f\x85\u2028\u2029") else c for c in str(value))
    return escape.HIDDEN.sub(lambda m: escape.name(m.group()), text)


def _filter(flt) -> dict:
    """topowire's filter: attribute -> accepted values (OR within a list, AND across attributes)."""
    return {attr: list(values) for attr, values in flt}


def has_ref(value) -> bool:
    """Whether a ``$ref`` key occurs anywhere in ``value`` (walked without recursion)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


# The claim check's pointer (docs/format.md#large-payloads): the body AWS's extended clients send in place of a
# payload above the threshold, which topowire's Azure and GCP conventions share. Its component name starts with
# '_', which no topology message name can (messageName: a letter first), so it never collides with one.
POINTER = "_PayloadPointer"
POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"


def _pointer_message() -> dict:
    return {
        "name": POINTER, "title": "Large-payload pointer (claim check)",
        "summary": "Sent instead of a body above the channel's x-largePayloads.threshold: where the body is stored.",
        "description": ("The claim check of AWS's extended clients (amazon-sqs-extended-client, "
                        "amazon-sns-extended-client), used on every cloud: a JSON array of the pointer class and "
                        "the object's location. `s3BucketName` is the bucket (AWS, GCP) or the container (Azure) "
                        "and `s3Key` the object's key under the channel's `x-largePayloads.storage.prefix`; read "
                        "the body from there, and delete it after processing a queue's message (a topic's object "
                        "is shared by every subscription: the storage lifecycle removes it)."),
        "contentType": "application/json",
        "headers": {"type": "object", "required": ["ExtendedPayloadSize"], "properties": {
            "ExtendedPayloadSize": {"type": "integer", "minimum": 0,
                                    "description": "the stored body's size in bytes (a message attribute)"}}},
        # an AsyncAPI Schema (JSON Schema draft 07): a tuple is `items` as a list with `additionalItems: false`
        "payload": {"type": "array", "minItems": 2, "maxItems": 2, "additionalItems": False, "items": [
            {"const": POINTER_CLASS},
            {"type": "object", "required": ["s3BucketName", "s3Key"], "properties": {
                "s3BucketName": {"type": "string"}, "s3Key": {"type": "string"}}}]},
    }


def _large_payloads(topo, ch, cloud) -> dict:
    """``x-largePayloads`` of an offloading channel on one cloud: when a body is stored, where, for how long."""
    from ..payloads import expiry_days, threshold

    return {"threshold": threshold(topo, ch, cloud.cloud), "storage": cloud.payload_storage(topo, ch),
            "expiresAfterDays": expiry_days(topo, ch), "pointer": _ref("components", "messages", POINTER)}


REF_LEFT_OUT = ("left out: it contains a $ref, which AsyncAPI tools resolve against this document or fetch from "
                "the network; topowire only publishes self-contained schemas and examples")


def _message(m) -> dict:
    out = {"name": m.name, "title": m.name}
    if m.description:
        out["summary"] = _text(m.description.strip().splitlines()[0])
        out["description"] = _text(m.description)
    out["contentType"] = m.content_type
    omitted = {}
    if m.schema is not None:
        if has_ref(m.schema):
            omitted["payload"] = REF_LEFT_OUT
        else:
            out["payload"] = _ref("components", "schemas", m.name)  # named: code generators name the model
    if m.has_example:
        if has_ref(m.example):
            omitted["example"] = REF_LEFT_OUT
        else:
            out["examples"] = [{"name": "example", "summary": f"Example of {m.name} from the topology",
                                "payload": m.example}]
    if omitted:
        out["x-topowire-omitted"] = omitted
    return out


def _info(topo, svc, source: str) -> dict:
    owner = svc.owner or topo.owner
    lines = [_text(svc.description.strip())] if svc.description.strip() else []
    lines.append(f"Service `{svc.name}` of topology `{topo.name}` (stack `{topo.stack}`), generated by `topowire "
                 f"asyncapi` from `{one_line(source)}`: publishes to {len(svc.publishes)} and consumes from "
                 f"{len(svc.consumes)} channel(s).")
    info = {"title": f"{topo.name} / {svc.name}", "version": DOC_VERSION, "description": "\n\n".join(lines)}
    if owner:
        info["contact"] = {"name": owner}
    tags = [{"name": f"topology:{topo.name}", "description": _text(topo.description or topo.name)}]
    if owner:
        tags.append({"name": f"owner:{owner}"})
    tags += [{"name": f"{k}:{v}"} for k, v in sorted(topo.tags.items())]
    info["tags"] = tags
    return info


def document(topo, service: str, source: str) -> dict:
    """The AsyncAPI 3.0.0 document of one service, as plain data in a stable order."""
    svc = topo.services[service]
    touched = {r.channel for r in svc.publishes} | {c.channel for c in svc.consumes}
    channel_objs = [topo.channel(n) for n in sorted(touched) if topo.channel(n) is not None]
    uses_topics = any(ch.kind == "topic" for ch in channel_objs)
    clouds = [CLOUDS[c] for c in topo.targets]
    consumer_of = {c.channel: c for c in svc.consumes}
    publishes = {r.channel for r in svc.publishes}

    servers: dict = {}
    for cloud in clouds:
        servers.update(cloud.servers(topo, uses_topics))

    channels: dict = {}
    operations: dict = {}
    used_messages = set()
    offloads = False
    for ch in channel_objs:
        msg = ch.message if ch.message in topo.messages else None
        if msg:
            used_messages.add(msg)
        pointer = getattr(ch, "large_payloads", None) is not None
        offloads = offloads or pointer
        for cloud in clouds:
            spec = cloud.queue(topo, ch) if ch.kind == "queue" else cloud.topic(topo, ch)
            key = f"{ch.name}.{cloud.cloud}"
            what = "queue" if ch.kind == "queue" else "topic"
            channels[key] = _channel(spec, f"{ch.name} ({cloud.title} {what})", _text(ch.description), msg, pointer)
            if pointer:
                channels[key]["x-largePayloads"] = _large_payloads(topo, ch, cloud)
            if ch.name in publishes:
                operations[f"send.{key}"] = _operation("send", key, msg, f"Publish to {what} {ch.name}",
                                                       f"`{svc.name}` sends to the {what} `{ch.name}` on "
                                                       f"{cloud.title}.", pointer)
            consumer = consumer_of.get(ch.name)
            if consumer is None:
                continue
            op = _operation("receive", key, msg, f"Consume {what} {ch.name}",
                            f"`{svc.name}` receives from the {what} `{ch.name}` on {cloud.title}"
                            + (" through its own subscription." if ch.kind == "topic" else
                               " (competing consumers share the queue)."), pointer)
            if ch.kind == "topic":
                rec = cloud.receive(topo, ch, consumer)
                if rec.bindings:
                    op["bindings"] = rec.bindings
                op.update(rec.extensions)
            if consumer.filter:
                op["x-filter"] = _filter(consumer.filter)
            if consumer.processing_time is not None:
                op["x-processingTime"] = consumer.processing_time
            operations[f"receive.{key}"] = op
            dlq = cloud.dead_letter(topo, ch, consumer)
            if dlq is not None:
                dkey = f"{ch.name}.dlq.{cloud.cloud}"
                channels[dkey] = _channel(dlq, f"{ch.name} dead letters ({cloud.title})",
                                          f"Messages that `{svc.name}` failed to process "
                                          f"{consumer.settings.dead_letter.max_receive_count} times.", msg, pointer)
                channels[key].setdefault("x-deadLetterChannel", dkey)

    doc = {"asyncapi": ASYNCAPI_VERSION, "id": f"urn:topowire:{topo.name}:{svc.name}",
           "info": _info(topo, svc, source), "servers": servers, "channels": channels,
           "operations": operations}
    if used_messages or offloads:
        msgs = [topo.messages[n] for n in sorted(used_messages)]
        schemas = {m.name: m.schema for m in msgs if m.schema is not None and not has_ref(m.schema)}
        messages = {m.name: _message(m) for m in msgs}
        if offloads:
            messages[POINTER] = _pointer_message()
        doc["components"] = {**({"schemas": schemas} if schemas else {}), "messages": messages}
    return doc


def _channel(spec, title: str, description: str, msg, pointer: bool = False) -> dict:
    out = {"address": spec.address, "title": title}
    if description:
        out["description"] = description
    out["servers"] = [_ref("servers", s) for s in spec.servers]
    if msg or pointer:
        out["messages"] = {**({msg: _ref("components", "messages", msg)} if msg else {}),
                           **({POINTER: _ref("components", "messages", POINTER)} if pointer else {})}
    if spec.bindings:
        out["bindings"] = spec.bindings
    out.update(spec.extensions)
    return out


def _operation(action: str, channel_key: str, msg, title: str, description: str, pointer: bool = False) -> dict:
    out = {"action": action, "channel": _ref("channels", channel_key), "title": title, "description": description}
    if msg or pointer:
        out["messages"] = ([_ref("channels", channel_key, "messages", msg)] if msg else []) + (
            [_ref("channels", channel_key, "messages", POINTER)] if pointer else [])
    return out


def documents(topo, source: str) -> dict:
    """service name -> its document, for every service, sorted by name."""
    return {name: document(topo, name, source) for name in sorted(topo.services)}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # no &id001 anchors: every document reads on its own
        return True

    # A scalar holding a hidden character (bidi override, zero-width space, tag character: escape.HIDDEN) is
    # written double-quoted with every non-ASCII character as a \u escape: PyYAML keeps them raw otherwise (even
    # in double quotes), and a reviewer would read reordered or invisible text in the contract.
    def analyze_scalar(self, scalar):
        analysis = super().analyze_scalar(scalar)
        if escape.HIDDEN.search(scalar):
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis

    def write_double_quoted(self, text, split=True):
        if not escape.HIDDEN.search(text):
            return super().write_double_quoted(text, split)
        self.allow_unicode = False
        try:
            return super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = True


def dump(doc: dict, budget=None) -> str:
    """YAML text of a document: keys in the order built (stable), Unicode kept, no anchors. With ``budget`` (an
    output.Budget), the text is counted while it is written: OutputTooLarge as soon as the total passes it."""
    if budget is None:
        return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                         default_flow_style=False)
    stream = budget.stream()
    yaml.dump(doc, stream, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return stream.getvalue()


def md(text) -> str:
    """Plain text safe in Markdown, table cells included (generator/escape.py, the one escaping module)."""
    return escape.md_text(text)


def index(topo, files: dict, source: str) -> str:
    """The Markdown index of the documents: ``files`` maps a service to its document's relative href."""
    lines = [f"<!-- Generated by `topowire asyncapi` from {escape.html_comment(source)}. Do not edit "
             "by hand. -->",
             f"# AsyncAPI documents of {md(topo.name)}", "",
             f"One AsyncAPI {ASYNCAPI_VERSION} document per service, for stack `{topo.stack}` on "
             + ", ".join(CLOUDS[c].title for c in topo.targets) + ". Open one in AsyncAPI Studio, or see "
             "docs/asyncapi.md of topowire for Modelina and EventCatalog.", "",
             "| service | document | owner | publishes | consumes | description |",
             "| --- | --- | --- | --- | --- | --- |"]
    for name in sorted(topo.services):
        svc = topo.services[name]
        href = files[name].replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        pubs = ", ".join(md(r.channel) for r in svc.publishes) or "—"
        subs = ", ".join(md(c.channel) for c in svc.consumes) or "—"
        lines.append(f"| {md(name)} | [{md(files[name])}]({href}) | {md(svc.owner or topo.owner) or '—'} | "
                     f"{pubs} | {subs} | {md(svc.description)} |")
    return "\n".join(lines) + "\n"
