"""The embedded default: the AWS program materialised into moto's server, messages flowing.

Tests deploy with --endpoint into a moto server they start themselves, then
check with plain boto3 calls that routing, filtering, dead-lettering and
ordering behave as the topology declares.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import boto3
import pytest
from moto.server import ThreadedMotoServer

from conftest import CASES, EXAMPLES, ROOT, emulator_keys, run_cli
from generator.local import materialize
from generator.local.emulator import reset
from generator.plan import engine


@pytest.fixture
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset(endpoint)  # moto's state is per process, shared by every server in it
    yield endpoint
    server.stop()


def client(name, endpoint):
    return boto3.client(name, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


def up(path, endpoint):
    emulator_keys(path, endpoint)
    code, out, err = run_cli("local", "up", path, "--endpoint", endpoint, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def inventory(endpoint):
    sqs, sns, iam, cw = (client(n, endpoint) for n in ("sqs", "sns", "iam", "cloudwatch"))
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    return {
        "queues": sorted(sqs.list_queues().get("QueueUrls", [])),
        "topics": sorted(topics),
        "subscriptions": sorted((s["TopicArn"], s["Endpoint"]) for s in sns.list_subscriptions()["Subscriptions"]),
        "policies": sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]),
        "alarms": sorted(a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]),
    }


@pytest.mark.parametrize("path", [ROOT / "topology.yaml", *EXAMPLES, CASES / "aws" / "full.yaml"],
                         ids=lambda p: p.name)
def test_local_smoke_passes(path):
    code, out, err = run_cli("local", "smoke", path)
    assert code == 0, out + err
    assert out.endswith(" checked: all passed\n") and "FAIL" not in out
    results = [line for line in out.splitlines() if line.startswith("  ok ")]
    assert len(results) == len(set(results))      # each route once


def test_smoke_prints_each_route_once_and_counts_in_words():
    code, out, _ = run_cli("local", "smoke", ROOT / "topology.yaml")
    lines = out.splitlines()
    assert code == 0
    assert lines[1] == ("Deployed ai-platform (stack dev, prefix ai-platform-dev) into " + lines[0].split()[2].rstrip(";") + ": 14 queues, 2 topics, "
                        "4 subscriptions, 9 IAM policies, 7 alarms")
    assert "  ok   queue       inference-requests -> gpu-worker: delivered" in lines
    assert sum("queue       inference-requests -> gpu-worker" in line for line in lines) == 1  # and its large payload
    # 21, inference-requests' large payload and its dead letter, and embedding-jobs' content-based deduplication
    assert lines[-1] == "24 routes checked: all passed"


def test_words_have_the_right_plural():
    from generator.words import plural

    assert [plural(1, "queue"), plural(2, "queue"), plural(0, "IAM policy"), plural(1, "IAM policy")] == [
        "1 queue", "2 queues", "0 IAM policies", "1 IAM policy"]


def test_up_port_is_checked_and_a_taken_port_is_an_input_error():
    import socket

    assert run_cli("local", "up", "--port", "70000")[0] == 2
    assert run_cli("local", "up", "--port", "5000", "--endpoint", "http://x")[0] == 2
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = run_cli("local", "up", ROOT / "topology.yaml", "--port", port)
    assert (code, out) == (1, "")
    assert err == (f"topowire: port {port} on 127.0.0.1 is in use; choose another --port, or leave it out for a "
                   "free one\n")


def test_smoke_json_lists_every_route():
    code, out, _ = run_cli("local", "smoke", ROOT / "topology.yaml", "--format", "json")
    doc = json.loads(out)
    kinds = {r["kind"] for r in doc["routes"]}
    # inference-requests offloads large payloads: a 3 MiB route through the extended clients too
    assert code == 0 and doc["passed"] and kinds == {"queue", "topic", "dead-letter", "fifo", "large-payload", "dedup"}
    # batch-scoring's 15-minute delay is over the smoke's budget for delays: listed, not waited for
    assert any("'queue batch-scoring (15m)'" in line for line in doc["not_checked"])
    assert len([r for r in doc["routes"] if r["kind"] == "dead-letter"]) == 7


def test_up_prints_each_service_environment_and_is_idempotent(moto_endpoint):
    first = up(ROOT / "topology.yaml", moto_endpoint)
    env = first["services"]["notifier"]
    assert env["AWS_ENDPOINT_URL"] == moto_endpoint and env["AWS_REGION"] == "us-east-1"
    assert env["INFERENCE_RESULTS_QUEUE_URL"].startswith(moto_endpoint)
    before = inventory(moto_endpoint)
    assert len(before["queues"]) == 14 and len(before["topics"]) == 2 and len(before["subscriptions"]) == 4
    # 7 access policies and the payload policies of inference-requests' publisher and consumer
    assert len(before["policies"]) == 9 and len(before["alarms"]) == 7
    second = up(ROOT / "topology.yaml", moto_endpoint)
    assert inventory(moto_endpoint) == before
    assert second["services"] == first["services"]


def test_routing_filtering_dead_lettering_and_order_with_plain_boto3(moto_endpoint):
    env = up(ROOT / "topology.yaml", moto_endpoint)["services"]
    sqs, sns = client("sqs", moto_endpoint), client("sns", moto_endpoint)

    # routing: what the API gateway sends, the GPU worker receives
    sqs.send_message(QueueUrl=env["api-gateway"]["INFERENCE_REQUESTS_QUEUE_URL"], MessageBody='{"request_id": "r-1"}')
    got = sqs.receive_message(QueueUrl=env["gpu-worker"]["INFERENCE_REQUESTS_QUEUE_URL"], WaitTimeSeconds=1)
    assert got["Messages"][0]["Body"] == '{"request_id": "r-1"}'

    # filtering: a rejected result goes to moderation and analytics, not to the notifier
    sns.publish(TopicArn=env["gpu-worker"]["INFERENCE_RESULTS_TOPIC_ARN"], Message='{"status": "rejected"}',
                MessageAttributes={"status": {"DataType": "String", "StringValue": "rejected"}})

    def count(url):
        return len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []))

    assert count(env["moderation"]["INFERENCE_RESULTS_QUEUE_URL"]) == 1
    assert count(env["analytics"]["INFERENCE_RESULTS_QUEUE_URL"]) == 1
    assert count(env["notifier"]["INFERENCE_RESULTS_QUEUE_URL"]) == 0

    # raw delivery: the subscriber gets the body as published, not an SNS envelope
    sns.publish(TopicArn=env["gpu-worker"]["AUDIT_EVENTS_TOPIC_ARN"], Message="audit-1")
    body = sqs.receive_message(QueueUrl=env["analytics"]["AUDIT_EVENTS_QUEUE_URL"], WaitTimeSeconds=1)
    assert body["Messages"][0]["Body"] == "audit-1"

    # dead-lettering: 3 receives without delete on inference-requests, then the DLQ
    url, dlq = env["gpu-worker"]["INFERENCE_REQUESTS_QUEUE_URL"], env["gpu-worker"]["INFERENCE_REQUESTS_DLQ_URL"]
    sqs.purge_queue(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    now = {"VisibilityTimeout": 0, "WaitTimeSeconds": 0}  # the queues long-poll 20s by default
    for _ in range(3):
        assert sqs.receive_message(QueueUrl=url, **now)["Messages"][0]["Body"] == "poison"
        assert "Messages" not in sqs.receive_message(QueueUrl=dlq, **now)
    assert "Messages" not in sqs.receive_message(QueueUrl=url, **now)
    assert sqs.receive_message(QueueUrl=dlq, **now)["Messages"][0]["Body"] == "poison"

    # ordering: FIFO within a message group
    fifo = env["api-gateway"]["EMBEDDING_JOBS_QUEUE_URL"]
    for n in range(5):
        sqs.send_message(QueueUrl=fifo, MessageBody=f"chunk-{n}", MessageGroupId="doc-7")
    seen = []
    while len(seen) < 5:
        for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            seen.append(m["Body"])
            sqs.delete_message(QueueUrl=fifo, ReceiptHandle=m["ReceiptHandle"])
    assert seen == [f"chunk-{n}" for n in range(5)]


def test_deployed_attributes_are_the_programs_inputs(moto_endpoint):
    up(ROOT / "topology.yaml", moto_endpoint)
    sqs = client("sqs", moto_endpoint)
    url = sqs.get_queue_url(QueueName="ai-platform-dev-inference-requests")["QueueUrl"]
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (a["VisibilityTimeout"], a["MessageRetentionPeriod"], a["ReceiveMessageWaitTimeSeconds"]) == \
           ("600", "86400", "20")
    redrive = json.loads(a["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == 3 and redrive["deadLetterTargetArn"].endswith(":ai-platform-dev-inference-requests-dlq")
    policy = json.loads(a["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    # moto does not keep RedriveAllowPolicy (the plan tests check that input); LocalStack and AWS do.
    sns = client("sns", moto_endpoint)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":ai-platform-dev-inference-results"))
    [sub] = [x for x in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
             if x["Endpoint"].endswith(":ai-platform-dev-inference-results-notifier")]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
    assert json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].endswith(":ai-platform-dev-inference-results-notifier-dlq")
    statements = json.loads(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])["Statement"]
    assert [st["Sid"] for st in statements] == ["__default_statement_ID", "DenyInsecureTransport"]


def test_materialize_puts_the_subscription_after_the_policies_that_admit_the_topic():
    plan = engine.run(str(ROOT / "topology.yaml"), "aws")
    position = {r.name: i for i, r in enumerate(materialize.order(plan.resources))}
    assert position["inference-results-notifier-policy"] < position["inference-results-notifier-subscription"]
    assert position["inference-results-notifier-dlq-policy"] < position["inference-results-notifier-subscription"]


def test_materialize_orders_by_the_references_in_inputs():
    plan = engine.run(str(ROOT / "topology.yaml"), "aws")
    ordered = materialize.order(plan.resources)
    position = {r.urn: i for i, r in enumerate(ordered)}
    by_name = {(r.type, r.name): r for r in ordered}
    queue = by_name[("aws:sqs/queue:Queue", "inference-requests-queue")]
    dlq = by_name[("aws:sqs/queue:Queue", "inference-requests-dlq")]
    policy = by_name[("aws:sqs/queuePolicy:QueuePolicy", "inference-requests-policy")]
    assert position[dlq.urn] < position[queue.urn] < position[policy.urn]


def test_up_without_endpoint_serves_on_its_port_until_interrupted(tmp_path):
    import socket

    with socket.socket() as s:      # a port that is free now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A pytest started with SIGINT ignored (nohup, a script's background job) passes that on to its
    # children, and Python then installs no KeyboardInterrupt handler: restore the default first.
    proc = subprocess.Popen([sys.executable, "-m", "generator", "local", "up", "topology.yaml", "--port", str(port)],
                            cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("Serving on "):
                break
        text = "".join(lines)
        assert "Deployed ai-platform (stack dev, prefix ai-platform-dev) into http://127.0.0.1:" in text and "gpu-worker:" in text
        # the embedded emulator starts empty: the topology's key is listed, not looked up
        assert "\nnot checked by the emulator:\n  - KMS key 'alias/ai-platform-batch': " in text
        endpoint = text.split("Serving on ", 1)[1].split(";", 1)[0]
        assert endpoint == f"http://127.0.0.1:{port}"
        assert len(client("sqs", endpoint).list_queues()["QueueUrls"]) == 14
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_two_stacks_side_by_side_in_one_emulator(moto_endpoint):
    """local up --stack: dev and prod of one file in one account share nothing."""
    path = ROOT / "topology.yaml"
    emulator_keys(path, moto_endpoint)
    for stack in ("dev", "prod"):
        code, out, err = run_cli("local", "up", path, "--endpoint", moto_endpoint, "--format", "json",
                                 "--stack", stack)
        assert code == 0, err
        assert json.loads(out)["outputs"]["stack"] == stack
    inv = inventory(moto_endpoint)
    names = [u.rsplit("/", 1)[1] for u in inv["queues"]]
    dev = [n for n in names if n.startswith("ai-platform-dev-")]
    prod = [n for n in names if not n.startswith("ai-platform-dev-")]
    assert len(dev) == len(prod) == 14 and "ai-platform-inference-requests" in prod
    assert "ai-platform-dev-inference-requests" in dev
    assert {"ai-platform-dev-gpu-worker", "ai-platform-gpu-worker"} <= set(inv["policies"])
    sqs = client("sqs", moto_endpoint)
    url = sqs.get_queue_url(QueueName="ai-platform-inference-requests")["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])["Attributes"]
    assert attrs["MessageRetentionPeriod"] == str(4 * 86400)      # prod's own retention for this queue
