"""Issue #30: `local smoke` bounds its waits as a total, and an example over a queue's max_message_size is a
failed route with a message (and a `validate` warning, TOP212), not exit 3.

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
