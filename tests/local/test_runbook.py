"""The runbook of docs/aws.md for a topic subscription's dead letters, run as written against the emulator.

``start-message-move-task`` does not move messages out of a DLQ fed by SNS (SQS API reference,
StartMessageMoveTask); the page's ``move_back`` does: every message goes back to the subscription's own
queue with its body, its message attributes and (FIFO) its group, and leaves the DLQ.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from test_local import client, moto_endpoint, up  # noqa: F401 (moto_endpoint: a fixture)

PAGE = (ROOT / "docs" / "aws.md").read_text("utf-8")


def runbook():
    section = PAGE.split("### Runbook: dead letters of a topic subscription", 1)[1]
    [code] = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    scope: dict = {}
    exec(compile(code, "docs/aws.md", "exec"), scope)  # noqa: S102 -- the repository's own page
    return scope["move_back"]


@pytest.mark.parametrize("fifo", [False, True], ids=["standard", "fifo"])
def test_the_runbook_moves_sns_dead_letters_back_to_the_subscription_queue(moto_endpoint, write, fifo):
    path = write("targets: [aws]\nclouds: {aws: {alarm_topic: none}}\n"
                 f"topics: {{events: {{fifo: {str(fifo).lower()}}}}}\n"
                 "services:\n  api: {publishes: [events]}\n  audit: {consumes: {events: {filter: {kind: [a]}}}}\n")
    env = up(path, moto_endpoint)["services"]["audit"]
    sqs = client("sqs", moto_endpoint)
    dlq, queue = env["EVENTS_DLQ_URL"], env["EVENTS_QUEUE_URL"]
    sent = []
    for n in range(3):   # what SNS would have dead-lettered: the raw body and its message attributes
        body = f'{{"n": {n}}}'
        extra = {"MessageGroupId": "g1"} if fifo else {}
        sqs.send_message(QueueUrl=dlq, MessageBody=body, MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "a"}}, **extra)
        sent.append(body)
    assert runbook()(dlq, queue, fifo=fifo, sqs=sqs) == 3
    got = []
    for _ in range(5):
        for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                     AttributeNames=["MessageGroupId"], WaitTimeSeconds=1).get("Messages", []):
            got.append((m["Body"], m["MessageAttributes"]["kind"]["StringValue"],
                        m["Attributes"].get("MessageGroupId")))
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
        if len(got) == 3:
            break
    assert sorted(got) == [(b, "a", "g1" if fifo else None) for b in sent]
    assert sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0).get("Messages", []) == []
