"""Drive real messages through every route of a deployed topology and check what arrives.

Checks, each a route with a result:

- every queue's consumers get what is sent to the queue;
- a topic consumer gets a message exactly when its filter accepts it: one
  message per filtered consumer carries attributes its filter accepts (and,
  with several attributes, one matches all but one), and one carries
  attributes no filter accepts;
- a message received and not deleted ``max_receive_count`` times lands in the
  dead-letter queue on the next receive, and not before;
- FIFO order holds within a message group;
- a channel with ``large_payloads``: a body of several MiB goes through S3
  and back with AWS's extended clients, to every consumer, and stays readable
  from the dead-letter queue (``local/payloads.py``);
- a queue's (or subscription's) ``delay`` holds a message back for that long,
  and not much longer, when it fits the smoke's budget for delays;
- a FIFO queue or topic drops a second copy of a body sent without a
  deduplication id (content-based deduplication);
- attributes are typed the way publishers type them (``local/attributes.py``),
  and a ``Number`` attribute never passes a filter (SNS's type rule).

Bodies are the channel's ``example`` message when it has one. Every message
carries a ``topowire_smoke_id`` attribute, so checks never confuse messages.
What the emulator cannot show is listed in ``unchecked``, one line each.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass

from ..escape import terminal
from ..units import duration_text
from ..words import listing
from . import attributes
from .attributes import NUMBER, STRING

NO_MATCH = "topowire-smoke-no-match"
ID = "topowire_smoke_id"
DELAY_BUDGET = 10  # seconds: the longest delay the smoke waits for (every delayed store at once, so a total)
DELAY_EARLY = 0.25  # seconds: how much earlier than its delay a message may show (clock granularity)
# receive rounds of the dead-letter check, every store together: each round is two receives, and a store takes
# max_receive_count rounds (up to 1,000), so 300 queues of 1,000 were 600,000 calls
DEAD_LETTER_BUDGET = 2000
MAX_NAMED = 10  # stores named on one line of the not-checked list; the rest are counted
SNS_REDRIVE = ("SNS's own redrive (each subscription's RedrivePolicy to its DLQ, for messages SNS cannot "
               "deliver to the queue): moto keeps the policy but never delivers to it")
ACCESS = ("access: queue, topic, IAM and KMS key policies (moto stores them and enforces none; the plan tests "
          "check them statement by statement)")
TYPE_RULE = ("SNS's type rule: a Number attribute never matches a filter's string values (this emulator "
             "matches the string whatever the type)")


@dataclass
class Route:
    kind: str
    name: str
    ok: bool
    detail: str


class Smoke:
    def __init__(self, topo, outputs: dict, clients: dict, progress=None, wait: float = 2.0,
                 typed_filters: bool | None = None, unchecked: tuple = ()):
        """``typed_filters``: the emulator applies SNS's type rule (default: whether this process's moto is
        corrected for it, as the embedded emulator is: local/fidelity.py); ``unchecked``: what the caller
        already knows the emulator cannot check (the KMS keys, on the embedded one)."""
        from . import fidelity

        self.topo = topo
        self.out = outputs
        self.sqs = clients["sqs"]
        self.sns = clients["sns"]
        self.progress = progress
        self.wait = wait
        self.typed_filters = fidelity.enforced() if typed_filters is None else typed_filters
        self.routes: list[Route] = []
        self.unchecked: list[str] = list(unchecked)
        self._ids = itertools.count(1)

    # -- helpers ----------------------------------------------------------

    def _body(self, channel) -> str:
        msg = self.topo.messages.get(channel.message) if channel.message else None
        if msg is not None and msg.has_example:
            return json.dumps(msg.example, sort_keys=True)
        return json.dumps({"smoke": channel.name})

    def _attrs(self, sid: str, extra: dict | None = None) -> dict:
        """boto3 MessageAttributes: the smoke id, and ``extra`` (name -> a string, sent as String, or a
        (data type, value) pair from ``attributes.typed``)."""
        typed = {k: (STRING, v) if isinstance(v, str) else v for k, v in (extra or {}).items()}
        return attributes.wire({ID: (STRING, sid), **typed})

    def _send(self, url: str, fifo: bool, body: str, group: str = "smoke", extra: dict | None = None,
              delay: bool = False, dedup: bool = True) -> str:
        """Send ``body``; ``delay``: under the queue's own delay (else, on a standard queue, DelaySeconds 0:
        ``delays()`` exercises the delay once); ``dedup``: with an explicit deduplication id (FIFO)."""
        sid = f"m{next(self._ids)}"
        kwargs = {"QueueUrl": url, "MessageBody": body, "MessageAttributes": self._attrs(sid, extra)}
        if fifo:
            kwargs["MessageGroupId"] = group
            if dedup:
                kwargs["MessageDeduplicationId"] = sid
        elif not delay:
            kwargs["DelaySeconds"] = 0
        self.sqs.send_message(**kwargs)
        return sid

    def _publish(self, arn: str, fifo: bool, body: str, attrs: dict, group: str = "smoke", dedup: bool = True) -> str:
        sid = f"m{next(self._ids)}"
        kwargs = {"TopicArn": arn, "Message": body, "MessageAttributes": self._attrs(sid, attrs)}
        if fifo:
            kwargs["MessageGroupId"] = group
            if dedup:
                kwargs["MessageDeduplicationId"] = sid
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
            message = self.topo.messages.get(t.message) if t.message else None
            cases = []
            for c in consumers:
                if c.filter:
                    cases.append((f"attributes {c.service} accepts", self._accepted(message, c.filter)))
                if c.filter and len(c.filter) > 1:  # attributes are AND-ed: one mismatch is enough
                    partial = self._accepted(message, c.filter)
                    partial[c.filter[-1][0]] = NO_MATCH
                    cases.append((f"attributes {c.service} accepts but one", partial))
                number = self._as_number(message, c)
                if number:
                    cases.append(number)
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
                    typed = [a for a, v in message_attrs.items() if not isinstance(v, str) and v[0] == NUMBER]
                    rule = (f" (SNS's type rule: a Number attribute {', '.join(typed)} never matches a string "
                            f"filter; publish it as String)") if typed and c.filter and \
                        any(a in dict(c.filter) for a in typed) else ""
                    self._record("topic", f"{t.name} -> {c.service} ({label})", ok,
                                 (f"{verdict}, as its filter says" if ok else
                                  f"{verdict}, but its filter {'accepts' if expect else 'rejects'} it") + rule)

    @staticmethod
    def _accepted(message, flt) -> dict:
        """Attributes a filter accepts, each typed as its publisher types it: String, or String.Array for a
        field that is an array (a Number cannot be accepted: see ``_as_number``)."""
        out = {}
        for attr, values in flt:
            kind = attributes.publisher_type(message, attr)
            out[attr] = attributes.typed(kind if kind != NUMBER else STRING, values[0])
        return out

    def _as_number(self, message, consumer):
        """The case (label, attributes) of a filter's accepted values with one sent as a Number, the way a
        publisher that copies a numeric field sends it: for the first attribute with a value that reads as a
        number. None when there is none, or when the emulator cannot apply the type rule (then listed)."""
        for attr, values in consumer.filter or ():
            number = next((v for v in values if attributes.is_number(v)), None)
            if number is None:
                continue  # no publisher can send these values typed Number
            if not self.typed_filters:
                self._unchecked(TYPE_RULE)
                return None
            case = self._accepted(message, consumer.filter)
            case[attr] = (NUMBER, number)
            why = " as its message makes it" if attributes.publisher_type(message, attr) == NUMBER else ""
            return (f"attributes {consumer.service} accepts, {attr} typed Number{why}", case)
        return None

    def _unchecked(self, line: str) -> None:
        if line not in self.unchecked:
            self.unchecked.append(line)

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
        budget, over = DEAD_LETTER_BUDGET, []
        for label, fifo, settings, out in stores:
            dl = settings.dead_letter
            if not dl.enabled:
                continue
            if dl.max_receive_count > budget:
                over.append(f"{label} (max_receive_count {dl.max_receive_count})")
                continue
            budget -= dl.max_receive_count
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
        if over:
            self._unchecked(f"dead-letter redrive past the smoke's budget of {DEAD_LETTER_BUDGET} receives, not "
                            "exercised: " + listing([terminal(x) for x in over], MAX_NAMED))

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

    def _stores(self) -> list:
        """(label, fifo, settings, queue url) of every queue and every subscription queue."""
        out = [(f"queue {q.name}", q.fifo, q.settings, self.out["queues"][q.name]["url"])
               for q in self.topo.queues.values()]
        for t in self.topo.topics.values():
            for c in self.topo.consumers.get(t.name, ()):
                out.append((f"subscription {t.name}/{c.service}", t.fifo, c.settings,
                            self.out["subscriptions"][f"{t.name}/{c.service}"]["queue_url"]))
        return out

    def delays(self) -> None:
        """A store's own delay holds a message back that long (and it arrives within ``wait`` after): every
        delayed store at once, so the wait is the longest delay, at most ``DELAY_BUDGET``. A longer delay is
        listed as not checked. Afterwards every delayed store's delay is set to 0 on the smoke's emulator, so
        that the other checks do not wait for it: FIFO queues take no per-message DelaySeconds, SNS delivers to
        a subscription queue without one, and the extended clients send without one."""
        delayed = [s for s in self._stores() if s[2].delay]
        over = [s for s in delayed if s[2].delay > DELAY_BUDGET]
        if over:
            self._unchecked(f"delay longer than the smoke's {DELAY_BUDGET} s budget for delays, not exercised: "
                            + listing([terminal(f"{label} ({duration_text(st.delay)})") for label, _, st, _ in over],
                                      MAX_NAMED))
        pending = {}
        for label, fifo, settings, url in delayed:
            if settings.delay <= DELAY_BUDGET:
                sid = self._send(url, fifo, json.dumps({"smoke": "delay"}), delay=True)
                pending[sid] = (label, settings.delay, url, time.monotonic())
        arrived: dict = {}
        if pending:
            deadline = time.monotonic() + max(d for _, d, _, _ in pending.values()) + self.wait
            while len(arrived) < len(pending) and time.monotonic() < deadline:
                for sid, (_, _, url, _) in pending.items():
                    if sid not in arrived:
                        for m in self._receive(url, wait=0):
                            if self._sid(m) == sid:
                                arrived[sid] = time.monotonic()
                                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
                time.sleep(0.1)
        for sid, (label, delay, url, sent) in pending.items():
            at = arrived.get(sid)
            ok = at is not None and at - sent >= delay - DELAY_EARLY
            self._record("delay", label, ok,
                         f"held back {duration_text(delay)} by its delay, then delivered" if ok else
                         f"not delivered within {duration_text(delay)} + {self.wait:g} s" if at is None else
                         f"delivered after {at - sent:.1f} s, before its delay of {duration_text(delay)}")
        for _, _, _, url in delayed:
            self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0"})

    def deduplication(self) -> None:
        """Content-based deduplication: a FIFO queue, or a FIFO topic's subscriptions, keep the first of two
        messages with the same body and no deduplication id, and drop the second (within SQS's and SNS's
        5-minute deduplication interval)."""
        for q in self.topo.queues.values():
            if not q.fifo:
                continue
            url = self.out["queues"][q.name]["url"]
            body = json.dumps({"smoke": "dedup", "queue": q.name})
            first, second = (self._send(url, True, body, dedup=False) for _ in range(2))
            got = self._take_all(url, {first, second}, {first}, time.monotonic() + min(self.wait, 0.5))
            self._record_dedup(f"queue {q.name}", first, second, got)
        for t in self.topo.topics.values():
            if not t.fifo:
                continue
            arn = self.out["topics"][t.name]["arn"]
            message = self.topo.messages.get(t.message) if t.message else None
            consumers = self.topo.consumers.get(t.name, ())
            for c in consumers:
                attrs = self._accepted(message, c.filter) if c.filter else {}
                body = json.dumps({"smoke": "dedup", "topic": t.name, "consumer": c.service})
                first, second = (self._publish(arn, True, body, attrs, dedup=False) for _ in range(2))
                grace = time.monotonic() + min(self.wait, 0.5)
                for other in consumers:  # every subscription the pair reaches is drained
                    if accepts(other.filter, attrs):
                        url = self.out["subscriptions"][f"{t.name}/{other.service}"]["queue_url"]
                        got = self._take_all(url, {first, second}, {first}, grace)
                        if other is c:
                            self._record_dedup(f"topic {t.name} -> {c.service}", first, second, got)

    def _record_dedup(self, label: str, first: str, second: str, got: dict) -> None:
        ok = first in got and second not in got
        self._record("dedup", label, ok,
                     "the second copy of a body sent without a deduplication id was dropped (content-based)" if ok
                     else "the first copy was not delivered" if first not in got
                     else "both copies delivered: content-based deduplication did not drop the second")

    def run(self) -> list[Route]:
        self.delays()
        self.queues()
        self.topics()
        self.dead_letters()
        self.fifo_order()
        self.deduplication()
        if any(self.topo.consumers.get(t, ()) for t in self.topo.topics):
            self._unchecked(SNS_REDRIVE)
        self._unchecked(ACCESS)
        from ..payloads import offloading

        if offloading(self.topo):  # claim checks through AWS's extended clients (generator/local/payloads.py)
            from . import payloads

            payloads.routes(self, accepts)
        return self.routes


def accepts(flt, attrs: dict) -> bool:
    """Whether a topowire filter accepts a message with these attributes (AND of attributes, OR of values;
    a value is a String, or a (data type, value) pair: a Number never matches, SNS's type rule)."""
    return attributes.accepts(flt, attrs)
