"""The claim check end to end on moto's server, with AWS's own extended clients.

``amazon-sns-extended-client`` publishes a 3 MiB payload to a topic with a
filtered and an unfiltered subscriber, ``amazon-sqs-extended-client`` sends one
to a queue; every client is built only from the environment topowire gives
its service. With moto's IAM enforcement on, each consumer reads the payload
with credentials that carry exactly its topowire policies.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from generator.local import payloads as lp
from generator.local.deploy import up
from generator.local.emulator import reset
from generator.local.smoke import Smoke

FIXTURE = str(Path(__file__).parent / "local.yaml")


@pytest.fixture
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    reset(url)
    try:
        yield url
    finally:
        enforce(url, False)
        server.stop()


def enforce(url: str, on: bool) -> None:
    """moto's IAM enforcement: from now on (``0`` requests without auth) or never (``inf``)."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0" if on else b"inf",
                                                  headers={"Content-Type": "text/plain"}, method="POST"),
                           timeout=10).read()


def admin(name, url):
    return boto3.client(name, endpoint_url=url, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test", config=lp._config())


def test_smoke_sends_several_mib_through_the_extended_clients_and_back(endpoint):
    local = up(FIXTURE, endpoint)
    routes = Smoke(local.topology, local.outputs, local.clients, wait=1.0).run()
    large = {r.name: r for r in routes if r.kind == "large-payload"}
    assert sorted(large) == ["documents -> indexer", "documents dead letter -> lp-dev-documents-dlq",
                             "results -> audit", "results -> notifier",
                             "results dead letter -> lp-dev-results-audit-dlq"]
    assert all(r.ok for r in large.values()), [r for r in large.values() if not r.ok]
    s3 = admin("s3", endpoint)
    # what the brokers carried were pointers; the objects sit under each channel's prefix
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lp-dev-payloads").get("Contents", [])]
    assert keys and all(k.startswith(("documents/", "results/")) for k in keys)
    rules = s3.get_bucket_lifecycle_configuration(Bucket="lp-dev-payloads")["Rules"]
    assert sorted((r["Filter"]["Prefix"], r["Expiration"]["Days"]) for r in rules) == [("documents/", 18),
                                                                                      ("results/", 18)]
    block = s3.get_public_access_block(Bucket="lp-dev-payloads")["PublicAccessBlockConfiguration"]
    assert all(block.values())


def user(iam, name: str, policy_arns: list) -> tuple:
    iam.create_user(UserName=name)
    for arn in policy_arns:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def test_each_consumer_reads_the_payload_with_exactly_its_own_policies(endpoint):
    local = up(FIXTURE, endpoint)
    out = local.outputs
    iam = admin("iam", endpoint)
    creds = {s: user(iam, s, [out["services"][s]["policy_arn"], out["payloads"]["policies"][s]])
             for s in ("api", "indexer", "notifier", "audit")}
    env = {s: out["services"][s]["env"] for s in creds}
    payload = lp.body()
    api = lp.Service(env["api"], *creds["api"])
    # moto authorises SNS actions against the resource "*" (its SNS responses name no ARN), so an ARN-scoped
    # sns:Publish cannot be evaluated there: the topic is published to before enforcement starts.
    _, topic_key = api.publish("results", payload, "t1", {"kind": "done"})
    enforce(endpoint, True)
    try:
        bucket, queue_key = api.send("documents", payload, "q1")  # SQS and S3 check ARNs: the publisher's own
        assert bucket == "lp-dev-payloads" and queue_key.startswith("documents/")
        with pytest.raises(ClientError, match="AccessDenied|403"):
            api.sqs.s3_client.put_object(Bucket=bucket, Key="elsewhere/x", Body=b"x")  # only its channels
        with pytest.raises(ClientError, match="AccessDenied|403"):
            api.sqs.s3_client.get_object(Bucket=bucket, Key=queue_key)  # a publisher does not read

        indexer = lp.Service(env["indexer"], *creds["indexer"])
        assert indexer.take(env["indexer"]["DOCUMENTS_QUEUE_URL"], "q1", delete=True) == payload
        for name in ("notifier", "audit"):  # the filtered and the unfiltered subscriber
            consumer = lp.Service(env[name], *creds[name])
            assert consumer.take(env[name]["RESULTS_QUEUE_URL"], "t1", delete=False) == payload
            with pytest.raises(ClientError, match="AccessDenied|403"):  # a topic's object is shared: no delete
                consumer.sqs.s3_client.delete_object(Bucket=bucket, Key=topic_key)
            with pytest.raises(ClientError, match="AccessDenied|403"):  # nor another channel's payloads
                consumer.sqs.s3_client.get_object(Bucket=bucket, Key=queue_key)
    finally:
        enforce(endpoint, False)
    s3 = admin("s3", endpoint)
    left = {o["Key"] for o in s3.list_objects_v2(Bucket="lp-dev-payloads").get("Contents", [])}
    assert queue_key not in left  # the queue's one consumer deleted the object with the message
    assert topic_key in left  # the lifecycle, not a subscriber, removes a topic's object


def test_pointer_is_the_payload_offloading_format(endpoint):
    local = up(FIXTURE, endpoint)
    env = local.outputs["services"]["api"]["env"]
    api = lp.Service(env)
    bucket, key = api.send("documents", lp.body(), "p1")
    raw = admin("sqs", endpoint).receive_message(QueueUrl=env["DOCUMENTS_QUEUE_URL"], MessageAttributeNames=["All"])
    [m] = raw["Messages"]
    assert json.loads(m["Body"]) == ["software.amazon.payloadoffloading.PayloadS3Pointer",
                                     {"s3BucketName": bucket, "s3Key": key}]
    assert m["MessageAttributes"]["ExtendedPayloadSize"]["StringValue"] == str(lp.SIZE)
    # the AsyncAPI contract of the consumer describes this very message: its pointer schema accepts the body the
    # extended client sent, and its channel's x-largePayloads names the bucket and prefix the object is under
    import jsonschema

    from generator import asyncapi
    from generator.check import load_topology

    topo = load_topology(FIXTURE, stack="dev")[0]
    doc = asyncapi.document(topo, "indexer", FIXTURE)     # local.yaml: indexer consumes documents
    pointer = doc["components"]["messages"][asyncapi.POINTER]
    jsonschema.Draft7Validator(pointer["payload"]).validate(json.loads(m["Body"]))
    jsonschema.Draft7Validator(pointer["headers"]).validate({"ExtendedPayloadSize": lp.SIZE})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(pointer["payload"]).validate(["com.example.Other", {"s3BucketName": bucket}])
    storage = doc["channels"]["documents.aws"]["x-largePayloads"]["storage"]
    assert storage["bucket"] == bucket and key.startswith(storage["prefix"])


def test_loading_the_extended_clients_leaves_boto3s_default_session_alone():
    """Their packages swap boto3's default session on import when one exists; a plain client made afterwards
    must stay plain (it was an extended SQS client with an S3 client without credentials)."""
    import importlib
    import sys

    boto3.setup_default_session(region_name="us-east-1")
    before = boto3.DEFAULT_SESSION
    for mod in [m for m in sys.modules if m.startswith(("sqs_extended_client", "sns_extended_client"))]:
        del sys.modules[mod]  # imported again, as in a process that had not loaded them yet
    importlib.invalidate_caches()
    lp._sessions()
    assert boto3.DEFAULT_SESSION is before and type(boto3.DEFAULT_SESSION) is boto3.session.Session
