"""Issue #30: `local smoke` bounds its waits as a total, and an example over a queue's max_message_size is a
failed route with a message (and a `validate` warning, TOP212), not exit 3. Issue #29: the delays of every
delayed queue are one wait, at most the smoke's budget; a failing delay, deduplication or type rule is seen.

The emulator is replaced by an in-memory SNS/SQS and the clock by a counter: the waits are counted, not timed.
"""

from __future__ import annotations

import itertools
import json

import pytest

from conftest import run_cli

from generator.check import load_topology
from generator.local import smoke as smoke_mod


class FakeClock:
    def __init__(self):
        self.now, self.slept = 0.0, 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


class FakeCloud:
    """SNS topics fanning out to SQS queues through the subscription filters; SQS refuses oversize messages."""

    def __init__(self, topo):
        self.topo, self.queues, self.handles = topo, {}, itertools.count()
        self.sqs, self.sns = self, self

    def outputs(self):
        out = {"queues": {}, "topics": {}, "subscriptions": {}}
        for q in self.topo.queues.values():
            out["queues"][q.name] = {"url": f"q/{q.name}"}
        for t in self.topo.topics.values():
            out["topics"][t.name] = {"arn": f"t/{t.name}"}
            for c in self.topo.consumers.get(t.name, ()):
                out["subscriptions"][f"{t.name}/{c.service}"] = {"queue_url": f"s/{t.name}/{c.service}"}
        return out

    def send_message(self, QueueUrl, MessageBody, MessageAttributes, **_):
        q = self.topo.queues.get(QueueUrl.split("/", 1)[1])
        if q is not None and q.settings.max_message_size is not None and len(MessageBody.encode()) > q.settings.max_message_size:
            raise RuntimeError("InvalidParameterValue: message too long")  # what botocore would raise
        self.queues.setdefault(QueueUrl, []).append({"Body": MessageBody, "MessageAttributes": MessageAttributes,
                                                     "ReceiptHandle": str(next(self.handles))})

    def publish(self, TopicArn, Message, MessageAttributes, **_):
        name = TopicArn.split("/", 1)[1]
        flat = {k: v["StringValue"] for k, v in MessageAttributes.items()}
        for c in self.topo.consumers.get(name, ()):
            if smoke_mod.accepts(c.filter, flat):
                self.queues.setdefault(f"s/{name}/{c.service}", []).append(
                    {"Body": Message, "MessageAttributes": MessageAttributes, "ReceiptHandle": str(next(self.handles))})

    def receive_message(self, QueueUrl, **_):
        return {"Messages": list(self.queues.get(QueueUrl, []))[:10]}

    def delete_message(self, QueueUrl, ReceiptHandle):
        self.queues[QueueUrl] = [m for m in self.queues.get(QueueUrl, []) if m["ReceiptHandle"] != ReceiptHandle]


def _smoke(tmp_path, body: str, monkeypatch):
    path = tmp_path / "topology.yaml"
    path.write_text(body)
    topo, _ = load_topology(str(path))
    clock = FakeClock()
    monkeypatch.setattr(smoke_mod, "time", clock)
    cloud = FakeCloud(topo)
    s = smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud})
    return s, clock


@pytest.mark.parametrize("consumers", [50, 200])
def test_filtered_out_pairs_share_one_wait_per_topic(tmp_path, monkeypatch, consumers):
    lines = ["version: 1", "name: demo", "topics:", "  events: {}", "services:", "  source: {publishes: [events]}"]
    lines += [f"  c{i:03d}: {{consumes: {{events: {{filter: {{kind: [k{i}], region: [eu]}}}}}}}}"
              for i in range(consumers)]
    s, clock = _smoke(tmp_path, "\n".join(lines) + "\n", monkeypatch)
    s.topics()
    routes = s.routes
    assert routes and all(r.ok for r in routes), [r for r in routes if not r.ok][:3]
    assert len([r for r in routes if r.kind == "topic"]) == (2 * consumers + 1) * consumers
    assert clock.slept <= s.wait + 1.0, f"{clock.slept:.1f} s of waits for one topic"


@pytest.mark.parametrize("where", ["queue", "subscription"])
def test_an_example_over_max_message_size_is_a_failed_route_and_a_warning(tmp_path, monkeypatch, where):
    example = json.dumps({"blob": "x" * 3000})
    channel = ("queues:\n  jobs: {message: Job, max_message_size: 1KiB}\nservices:\n  worker: {consumes: [jobs]}\n"
               if where == "queue" else
               "defaults: {max_message_size: 1KiB}\ntopics:\n  jobs: {message: Job}\nservices:\n"
               "  producer: {publishes: [jobs]}\n  worker: {consumes: [jobs]}\n")
    body = f"version: 1\nname: demo\nmessages:\n  Job: {{schema: {{type: object}}, example: {example}}}\n{channel}"
    s, _ = _smoke(tmp_path, body, monkeypatch)
    s.queues()
    s.topics()
    routes = s.routes
    bad = [r for r in routes if not r.ok]
    assert bad and "max_message_size" in bad[0].detail, routes
    rc, out, err = run_cli("validate", str(tmp_path / "topology.yaml"))
    assert rc == 0 and "TOP212" in out and "max_message_size" in out, out + err


# -- issue 29: delays, deduplication, the type rule ------------------------------------------------------------

NUMBERED = """version: 1
name: numbered
targets: [aws]
topics:
  jobs: {}
services:
  producer: {publishes: [jobs]}
  urgent: {consumes: {jobs: {filter: {priority: ["1"]}}}}
"""


def test_an_emulator_without_the_type_rule_lists_it_and_sends_no_number_case(tmp_path, monkeypatch):
    path = tmp_path / "t.yaml"
    path.write_text(NUMBERED)
    topo, _ = load_topology(str(path))
    monkeypatch.setattr(smoke_mod, "time", FakeClock())
    cloud = FakeCloud(topo)
    s = smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud}, typed_filters=False)
    s.topics()
    assert not any("typed Number" in r.name for r in s.routes)
    assert smoke_mod.TYPE_RULE in s.unchecked


class DelayingCloud:
    """Queues that hold a message back for their delay (or the message's DelaySeconds) on a fake clock, and
    content-based deduplication that can be switched off."""

    def __init__(self, topo, clock, dedup=True):
        self.base, self.clock, self.dedup, self.sent = FakeCloud(topo), clock, dedup, 0
        self.sqs = self.sns = self
        self.delay = {f"q/{q.name}": q.settings.delay for q in topo.queues.values()}
        self.seen: dict = {}

    def outputs(self):
        return self.base.outputs()

    def send_message(self, QueueUrl, MessageBody, MessageAttributes, DelaySeconds=None, **kw):
        self.sent += 1
        if self.dedup and "MessageGroupId" in kw and "MessageDeduplicationId" not in kw:
            if (QueueUrl, MessageBody) in self.seen:
                return
            self.seen[(QueueUrl, MessageBody)] = True
        self.base.send_message(QueueUrl, MessageBody, MessageAttributes)
        hold = self.delay.get(QueueUrl, 0) if DelaySeconds is None else DelaySeconds
        self.base.queues[QueueUrl][-1]["at"] = self.clock.now + hold

    def receive_message(self, QueueUrl, **_):
        return {"Messages": [m for m in self.base.queues.get(QueueUrl, []) if m.get("at", 0) <= self.clock.now][:10]}

    def delete_message(self, QueueUrl, ReceiptHandle):
        self.base.delete_message(QueueUrl, ReceiptHandle)

    def set_queue_attributes(self, QueueUrl, Attributes):
        self.delay[QueueUrl] = int(Attributes["DelaySeconds"])


def _delayed(tmp_path, monkeypatch, n, delay, fifo=False, dedup=True):
    queues = "".join(f"  q{i:03d}: {{delay: {delay}, fifo: {str(fifo).lower()}}}\n" for i in range(n))
    path = tmp_path / "t.yaml"
    path.write_text(f"version: 1\nname: delays\ntargets: [aws]\nqueues:\n{queues}services:\n"
                    f"  worker: {{consumes: [{', '.join(f'q{i:03d}' for i in range(n))}]}}\n")
    topo, _ = load_topology(str(path))
    clock = FakeClock()
    monkeypatch.setattr(smoke_mod, "time", clock)
    cloud = DelayingCloud(topo, clock, dedup)
    return smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud}), clock, cloud


def test_delays_of_many_queues_are_waited_for_at_once(tmp_path, monkeypatch):
    s, clock, cloud = _delayed(tmp_path, monkeypatch, 40, "8s")
    s.delays()
    assert len(s.routes) == 40 and all(r.ok for r in s.routes), s.routes[:2]
    assert 8 <= clock.slept <= 8 + 1, clock.slept  # one wait for all of them, not 40 x 8 s
    assert cloud.sent == 40


def test_a_delay_over_the_budget_is_not_waited_for(tmp_path, monkeypatch):
    s, clock, cloud = _delayed(tmp_path, monkeypatch, 20, "15m")
    s.delays()
    assert s.routes == [] and clock.slept == 0 and cloud.sent == 0
    [line] = s.unchecked
    assert "'queue q000 (15m)'" in line and "and 10 more" in line  # named up to MAX_NAMED, then counted


def test_a_message_that_ignores_the_delay_fails_the_route(tmp_path, monkeypatch):
    s, _, cloud = _delayed(tmp_path, monkeypatch, 1, "5s")
    cloud.delay = {}  # the emulator does not hold messages back
    s.delays()
    [route] = s.routes
    assert not route.ok and route.detail.startswith("delivered after 0.0 s, before its delay of 5s")


def test_delays_are_set_to_zero_after_the_delay_check(tmp_path, monkeypatch):
    s, _, cloud = _delayed(tmp_path, monkeypatch, 2, "3s", fifo=True)
    s.delays()
    assert all(r.ok for r in s.routes) and set(cloud.delay.values()) == {0}


def test_a_fifo_store_without_content_based_deduplication_fails_the_route(tmp_path, monkeypatch):
    s, _, _ = _delayed(tmp_path, monkeypatch, 1, "0s", fifo=True, dedup=False)
    s.deduplication()
    [route] = s.routes
    assert not route.ok and route.detail.startswith("both copies delivered")




def test_the_type_rule_is_assumed_only_where_this_process_corrects_moto(tmp_path):
    from generator.local import fidelity

    path = tmp_path / "t.yaml"
    path.write_text(NUMBERED)
    topo, _ = load_topology(str(path))
    cloud = FakeCloud(topo)
    assert smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud}).typed_filters is False
    with fidelity.apply():
        assert smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud}).typed_filters is True


def test_publisher_types_of_odd_schemas_fall_back_to_string():
    from types import SimpleNamespace

    from generator.local.attributes import publisher_type

    def msg(schema, example=None):
        return SimpleNamespace(schema=schema, example=example, has_example=example is not None)

    assert [publisher_type(msg(s, e), "p") for s, e in [
        ({"properties": [1]}, None), ({"properties": {"p": "integer"}}, None), (True, None),
        ({"properties": {"p": {"type": ["integer", "null"]}}}, None),
        ({"properties": {"p": {"type": ["integer", "string"]}}}, None),
        (None, {"p": True}), (None, {"p": 2.5}), (None, ["p"]), (None, {"p": {"q": 1}})]] == [
        "String", "String", "String", "Number", "String", "String", "Number", "String", "String"]


class CountingCloud(FakeCloud):
    """Counts receives; the dead-letter queue of q/<name> is d/<name>."""

    def __init__(self, topo):
        super().__init__(topo)
        self.receives = 0

    def outputs(self):
        out = super().outputs()
        for name, q in out["queues"].items():
            q["dlq_url"] = f"d/{name}"
        return out

    def receive_message(self, QueueUrl, **kw):
        self.receives += 1
        return super().receive_message(QueueUrl, **kw)


def test_the_dead_letter_check_is_one_budget_of_receives(tmp_path, monkeypatch):
    """Round 4: a store takes max_receive_count rounds of two receives (up to 1,000), and nothing bounded their sum:
    30 queues of 1,000 were 60,000 receives (300 queues: 600,000 calls, an hour on moto)."""
    queues = "".join(f"  q{i:02d}: {{dead_letter: {{max_receive_count: 1000}}}}\n" for i in range(30))
    path = tmp_path / "t.yaml"
    path.write_text(f"version: 1\nname: redrive\ntargets: [aws]\nqueues:\n{queues}services:\n"
                    f"  worker: {{consumes: [{', '.join(f'q{i:02d}' for i in range(30))}]}}\n")
    topo, _ = load_topology(str(path))
    monkeypatch.setattr(smoke_mod, "time", FakeClock())
    cloud = CountingCloud(topo)
    s = smoke_mod.Smoke(topo, cloud.outputs(), {"sqs": cloud, "sns": cloud})
    s.dead_letters()
    assert len(s.routes) == smoke_mod.DEAD_LETTER_BUDGET // 1000
    assert cloud.receives <= 2 * smoke_mod.DEAD_LETTER_BUDGET + 100, cloud.receives
    [line] = s.unchecked
    assert "not exercised" in line and "'queue q02 (max_receive_count 1000)'" in line and "and 18 more" in line
