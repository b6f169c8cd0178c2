"""Drive real messages through every route of a deployed topology and check what arrives.

Checks, each a route with a result:

- every queue's consumers get what is sent to the queue;
- a topic consumer gets a message exactly when its filter accepts it: one
  message per filtered consumer carries attributes its filter accepts (and,
  with several attributes, one matches all but one), and one carries
  attributes no filter accepts;
- a message received and not deleted ``max_receive_count`` times lands in the
  dead-letter queue on the next receive, and not before;
- FIFO order holds within a message group.

Bodies are the channel's ``example`` message when it has one. Every message
carries a ``topowire_smoke_id`` attribute, so checks never confuse messages.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass

NO_MATCH = "topowire-smoke-no-match"
ID = "topowire_smoke_id"


@dataclass
class Route:
    kind: str
    name: str
    ok: bool
    detail: str


class Smoke:
    def __init__(self, topo, outputs: dict, clients: dict, progress=None, wait: float = 2.0):
        self.topo = topo
        self.out = outputs
        self.sqs = clients["sqs"]
        self.sns = clients["sns"]
        self.progress = progress
        self.wait = wait
        self.routes: list[Route] = []
        self._ids = itertools.count(1)

    # -- helpers ----------------------------------------------------------

    def _body(self, channel) -> str:
        msg = self.topo.messages.get(channel.message) if channel.message else None
        if msg is not None and msg.has_example:
            return json.dumps(msg.example, sort_keys=True)
        return json.dumps({"smoke": channel.name})

    def _attrs(self, sid: str, extra: dict | None = None) -> dict:
        attrs = {ID: {"DataType": "String", "StringValue": sid}}
        for k, v in (extra or {}).items():
            attrs[k] = {"DataType": "String", "StringValue": v}
        return attrs

    def _send(self, url: str, fifo: bool, body: str, group: str = "smoke", extra: dict | None = None) -> str:
        sid = f"m{next(self._ids)}"
        kwargs = {"QueueUrl": url, "MessageBody": body, "MessageAttributes": self._attrs(sid, extra)}
        if fifo:
            kwargs.update(MessageGroupId=group, MessageDeduplicationId=sid)
        else:
            kwargs["DelaySeconds"] = 0  # a queue's own delay would hold the smoke message back
        self.sqs.send_message(**kwargs)
        return sid

    def _publish(self, arn: str, fifo: bool, body: str, attrs: dict, group: str = "smoke") -> str:
        sid = f"m{next(self._ids)}"
        kwargs = {"TopicArn": arn, "Message": body, "MessageAttributes": self._attrs(sid, attrs)}
        if fifo:
            kwargs.update(MessageGroupId=group, MessageDeduplicationId=sid)
        self.sns.publish(**kwargs)
        return sid

    def _receive(self, url: str, visibility: int | None = None, wait: int = 0) -> list:
        kwargs = {"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": wait,
                  "MessageAttributeNames": ["All"], "AttributeNames": ["All"]}
        if visibility is not None:
            kwargs["VisibilityTimeout"] = visibility
        return self.sqs.receive_message(**kwargs).get("Messages", [])

    @staticmethod
    def _sid(message) -> str:
        return message.get("MessageAttributes", {}).get(ID, {}).get("StringValue", "")

    def _take(self, url: str, sid: str, timeout: float | None = None) -> dict | None:
        """Receive until message ``sid`` arrives (and delete it), or time out."""
        deadline = time.monotonic() + (self.wait if timeout is None else timeout)
        while True:
            for m in self._receive(url, wait=0):
                if self._sid(m) == sid:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                    return m
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.05)

    def _record(self, kind: str, name: str, ok: bool, detail: str) -> None:
        route = Route(kind, name, ok, detail)
        self.routes.append(route)
        if self.progress:
            self.progress(route)

    # -- checks -----------------------------------------------------------

    def queues(self) -> None:
        for q in self.topo.queues.values():
            consumers = ", ".join(c.service for c in self.topo.consumers.get(q.name, ())) or "(no consumer)"
            url = self.out["queues"][q.name]["url"]
            body = self._body(q)
            too_large = self._too_large(body, q.settings)
            if too_large:
                self._record("queue", f"{q.name} -> {consumers}", False, too_large)
                continue
            sid = self._send(url, q.fifo, body)
            got = self._take(url, sid)
            ok = got is not None and got["Body"] == body
            self._record("queue", f"{q.name} -> {consumers}", ok,
                         "delivered" if ok else "not delivered" if got is None else "body changed on the way")

    def topics(self) -> None:
        for t in self.topo.topics.values():
            consumers = self.topo.consumers.get(t.name, ())
            arn = self.out["topics"][t.name]["arn"]
            body = self._body(t)
            cases = []
            for c in consumers:
                if c.filter:
                    cases.append((f"attributes {c.service} accepts", {a: v[0] for a, v in c.filter}))
                if c.filter and len(c.filter) > 1:  # attributes are AND-ed: one mismatch is enough
                    partial = {a: v[0] for a, v in c.filter}
                    partial[c.filter[-1][0]] = NO_MATCH
                    cases.append((f"attributes {c.service} accepts but one", partial))
            attrs = sorted({a for c in consumers if c.filter for a, _ in c.filter})
            cases.append(("attributes no filter accepts" if attrs else "plain message",
                          {a: NO_MATCH for a in attrs}))
            # Every case is published first, then each consumer's queue is drained once: the wait for messages a
            # filter rejects is one grace period per topic, not per (case, consumer) pair (200 filtered consumers
            # of one topic waited 0.5 s each per case: hours).
            over = {c.service: self._too_large(body, c.settings) for c in consumers}
            for c in consumers:
                if over[c.service]:
                    self._record("topic", f"{t.name} -> {c.service}", False, over[c.service])
            consumers = [c for c in consumers if not over[c.service]]
            if not consumers:
                continue
            sent = [(label, message_attrs, self._publish(arn, t.fifo, body, message_attrs))
                    for label, message_attrs in cases]
            grace_until = time.monotonic() + min(self.wait, 0.5)
            got = {}
            for c in consumers:
                url = self.out["subscriptions"][f"{t.name}/{c.service}"]["queue_url"]
                expected = {sid for _, attrs, sid in sent if accepts(c.filter, attrs)}
                got[c.service] = self._take_all(url, {sid for _, _, sid in sent}, expected, grace_until)
            for label, message_attrs, sid in sent:
                for c in consumers:
                    expect = accepts(c.filter, message_attrs)
                    m = got[c.service].get(sid)
                    ok = (m is not None) == expect and (m is None or m["Body"] == body)
                    verdict = ("delivered" if m is not None else "filtered out")
                    self._record("topic", f"{t.name} -> {c.service} ({label})", ok,
                                 f"{verdict}, as its filter says" if ok else
                                 f"{verdict}, but its filter {'accepts' if expect else 'rejects'} it")

    @staticmethod
    def _too_large(body: str, settings) -> str:
        """Why ``body`` cannot be sent into a store with ``settings`` ("" when it can): larger than its
        max_message_size (SQS refuses it; `validate` warns, TOP212)."""
        limit = settings.max_message_size
        size = len(body.encode("utf-8"))
        if limit is None or size <= limit:
            return ""
        return (f"not sent: the example is {size:,} bytes, larger than max_message_size ({limit:,} bytes); "
                "shorten the example or raise max_message_size (TOP212)")

    def _take_all(self, url: str, sids: set, expected: set, grace_until: float) -> dict:
        """Receive (and delete) the messages ``sids`` from ``url``: until every ``expected`` one has arrived (at
        most ``self.wait``) and ``grace_until`` (shared by every consumer of a topic) has passed."""
        found: dict = {}
        deadline = time.monotonic() + self.wait
        while True:
            for m in self._receive(url, wait=0):
                sid = self._sid(m)
                if sid in sids:
                    found[sid] = m
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            now = time.monotonic()
            if (expected <= found.keys() and now >= grace_until) or now >= deadline:
                return found
            time.sleep(0.05)

    def dead_letters(self) -> None:
        stores = [(f"queue {q.name}", q.fifo, q.settings, self.out["queues"][q.name]) for q in self.topo.queues.values()]
        for c in self.topo.all_consumers():
            if c.kind == "topic":
                out = self.out["subscriptions"][f"{c.channel}/{c.service}"]
                stores.append((f"subscription {c.channel}/{c.service}", self.topo.topics[c.channel].fifo, c.settings,
                               {"url": out["queue_url"], "dlq_url": out.get("dlq_url")}))
        for label, fifo, settings, out in stores:
            dl = settings.dead_letter
            if not dl.enabled:
                continue
            url, dlq = out["url"], out["dlq_url"]
            sid = self._send(url, fifo, json.dumps({"smoke": "dead-letter"}))
            receives = 0
            early = False
            for _ in range(dl.max_receive_count):
                if any(self._sid(m) == sid for m in self._receive(url, visibility=0)):
                    receives += 1
                if any(self._sid(m) == sid for m in self._receive(dlq, visibility=0)):
                    early = True
            again = any(self._sid(m) == sid for m in self._receive(url, visibility=0))
            landed = self._take(dlq, sid) is not None
            ok = receives == dl.max_receive_count and not early and not again and landed
            detail = (f"in the DLQ after {dl.max_receive_count} receives, not before" if ok else
                      f"received {receives} of {dl.max_receive_count} times; in the DLQ early: {early}; "
                      f"delivered again: {again}; in the DLQ at the end: {landed}")
            self._record("dead-letter", f"{label} -> {out['dlq_url'].rsplit('/', 1)[-1]}", ok, detail)

    def fifo_order(self) -> None:
        for q in self.topo.queues.values():
            if q.fifo:
                url = self.out["queues"][q.name]["url"]
                sent = [self._send(url, True, json.dumps({"smoke": "order", "n": n}), group="order") for n in range(3)]
                self._check_order(f"queue {q.name}", url, sent)
        for t in self.topo.topics.values():
            if not t.fifo:
                continue
            for c in self.topo.consumers.get(t.name, ()):
                attrs = {a: v[0] for a, v in c.filter} if c.filter else {}
                arn = self.out["topics"][t.name]["arn"]
                sent = [self._publish(arn, True, json.dumps({"smoke": "order", "n": n}), attrs, group="order")
                        for n in range(3)]
                url = self.out["subscriptions"][f"{t.name}/{c.service}"]["queue_url"]
                self._check_order(f"topic {t.name} -> {c.service}", url, sent)

    def _check_order(self, label: str, url: str, sent: list) -> None:
        received = []
        deadline = time.monotonic() + self.wait
        while len(received) < len(sent) and time.monotonic() < deadline:
            for m in self._receive(url, wait=0):
                if self._sid(m) in sent:
                    received.append(self._sid(m))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        ok = received == sent
        self._record("fifo", label, ok, "in order within the group" if ok else f"sent {sent}, received {received}")

    def run(self) -> list[Route]:
        self.queues()
        self.topics()
        self.dead_letters()
        self.fifo_order()
        return self.routes


def accepts(flt, attrs: dict) -> bool:
    """Whether a topowire filter accepts a message with these attributes (AND of attributes, OR of values)."""
    if not flt:
        return True
    return all(attrs.get(attr) in values for attr, values in flt)
