"""The AsyncAPI mapping of topology.yaml and the fixtures, value by value (expected values written out)."""

from __future__ import annotations

import re

import yaml

from conftest import CASES, ROOT
from generator import asyncapi
from generator.check import load_topology


def doc_of(path, service, stack="dev"):
    topo, _ = load_topology(path, stack=stack)
    return asyncapi.document(topo, service, "topology.yaml")


AI = ROOT / "topology.yaml"


def test_one_document_per_service_with_servers_for_every_target_cloud():
    topo, _ = load_topology(AI)
    docs = asyncapi.documents(topo, "topology.yaml")
    assert list(docs) == ["analytics", "api-gateway", "batch-scorer", "embedder", "gpu-worker", "moderation",
                          "notifier"]
    d = docs["api-gateway"]
    assert d["asyncapi"] == "3.0.0"
    assert d["id"] == "urn:topowire:ai-platform:api-gateway"
    assert list(d["servers"]) == ["aws-sqs", "aws-sns", "azure-servicebus", "gcp-pubsub"]
    assert d["servers"]["aws-sqs"]["protocol"] == "sqs" and d["servers"]["aws-sqs"]["host"] == "sqs.{region}.amazonaws.com"
    assert d["servers"]["aws-sns"]["protocol"] == "sns"
    assert d["servers"]["gcp-pubsub"]["protocol"] == "googlepubsub"
    sb = d["servers"]["azure-servicebus"]
    assert (sb["protocol"], sb["protocolVersion"], sb["host"]) == ("amqp", "1.0", "ai-platform-dev.servicebus.windows.net")
    assert sb["x-servicebus"] == {"namespace": "ai-platform-dev", "tier": "Standard"}
    # a service that touches no topic has no SNS server
    assert list(docs["embedder"]["servers"]) == ["aws-sqs", "azure-servicebus", "gcp-pubsub"]


def test_info_carries_owner_tags_and_description():
    info = doc_of(AI, "api-gateway")["info"]
    assert info["title"] == "ai-platform / api-gateway"
    assert info["version"] == "1.0.0"
    assert info["contact"] == {"name": "web-team"}
    assert [t["name"] for t in info["tags"]] == ["topology:ai-platform", "owner:web-team", "cost-center:ai",
                                                 "env:dev"]
    assert info["description"].startswith("Public REST API; accepts prompts and documents.\n\nService `api-gateway`")
    assert doc_of(AI, "notifier")["info"]["contact"] == {"name": "ml-platform"}  # the topology's owner


def test_publisher_channels_and_send_operations():
    d = doc_of(AI, "api-gateway")
    assert list(d["channels"]) == [
        "audit-events.aws", "audit-events.azure", "audit-events.gcp",
        "batch-scoring.aws", "batch-scoring.azure", "batch-scoring.gcp",
        "embedding-jobs.aws", "embedding-jobs.azure", "embedding-jobs.gcp",
        "inference-requests.aws", "inference-requests.azure", "inference-requests.gcp"]
    assert list(d["operations"]) == [f"send.{c}" for c in d["channels"]]
    op = d["operations"]["send.inference-requests.aws"]
    assert op["action"] == "send" and op["channel"] == {"$ref": "#/channels/inference-requests.aws"}
    # inference-requests offloads (large_payloads): a body above the threshold is sent as the pointer
    assert op["messages"] == [{"$ref": "#/channels/inference-requests.aws/messages/InferenceRequest"},
                              {"$ref": "#/channels/inference-requests.aws/messages/_PayloadPointer"}]
    assert d["operations"]["send.embedding-jobs.aws"]["messages"] == [
        {"$ref": "#/channels/embedding-jobs.aws/messages/EmbeddingJob"}]
    assert "messages" not in d["operations"]["send.audit-events.aws"]       # audit-events has no contract


def test_sqs_channel_binding_from_effective_settings():
    ch = doc_of(AI, "api-gateway")["channels"]
    assert ch["inference-requests.aws"]["address"] == "ai-platform-dev-inference-requests"
    assert ch["inference-requests.aws"]["servers"] == [{"$ref": "#/servers/aws-sqs"}]
    assert ch["inference-requests.aws"]["bindings"] == {"sqs": {
        "queue": {"name": "ai-platform-dev-inference-requests", "fifoQueue": False, "deliveryDelay": 0,
                  "visibilityTimeout": 600, "messageRetentionPeriod": 86400,
                  "redrivePolicy": {"deadLetterQueue": {"name": "ai-platform-dev-inference-requests-dlq"},
                                    "maxReceiveCount": 3}},
        "deadLetterQueue": {"name": "ai-platform-dev-inference-requests-dlq", "fifoQueue": False,
                            "visibilityTimeout": 600, "messageRetentionPeriod": 1209600},
        "bindingVersion": "0.2.0"}}
    fifo = ch["embedding-jobs.aws"]
    assert fifo["address"] == "ai-platform-dev-embedding-jobs.fifo"
    assert fifo["bindings"]["sqs"]["queue"]["fifoQueue"] is True
    assert fifo["bindings"]["sqs"]["queue"]["redrivePolicy"] == {
        "deadLetterQueue": {"name": "ai-platform-dev-embedding-jobs-dlq.fifo"}, "maxReceiveCount": 5}
    assert ch["audit-events.aws"]["bindings"] == {"sns": {"name": "ai-platform-dev-audit-events", "bindingVersion": "0.1.0"}}
    delay = doc_of(AI, "batch-scorer")["channels"]["batch-scoring.aws"]["bindings"]["sqs"]["queue"]
    assert (delay["deliveryDelay"], delay["visibilityTimeout"]) == (900, 7200)   # 15m delay; 2h set by the consumer


def test_service_bus_and_pubsub_settings_are_the_programs_values():
    ch = doc_of(AI, "batch-scorer")["channels"]
    assert ch["batch-scoring.azure"]["x-servicebus"] == {
        "entity": "queue", "name": "ai-platform-dev-batch-scoring", "lockDuration": "PT5M",   # 2h clamped to 5 min
        "maxDeliveryCount": 5, "defaultMessageTimeToLive": "P1D", "deadLetteringOnMessageExpiration": True,
        "requiresSession": False, "requiresDuplicateDetection": False,
        "deadLetterQueue": "ai-platform-dev-batch-scoring/$DeadLetterQueue"}
    assert ch["batch-scoring.gcp"]["x-googlepubsub"] == {
        "topic": "ai-platform-dev-batch-scoring",
        "subscription": {"name": "ai-platform-dev-batch-scoring", "ackDeadlineSeconds": 600,   # clamped to 600 s
                         "messageRetentionDuration": "86400s", "enableMessageOrdering": False,
                         "retryPolicy": {"minimumBackoff": "10s", "maximumBackoff": "600s"},
                         "deadLetterPolicy": {"deadLetterTopic": "ai-platform-dev-batch-scoring-dlq",
                                              "maxDeliveryAttempts": 5}}}
    emb = doc_of(AI, "embedder")["channels"]
    assert emb["embedding-jobs.azure"]["x-servicebus"]["requiresSession"] is True
    assert emb["embedding-jobs.gcp"]["x-googlepubsub"]["subscription"]["enableMessageOrdering"] is True


def test_topic_consumer_operation_shows_subscription_filter_and_dead_letters():
    d = doc_of(AI, "notifier")
    assert list(d["channels"]) == ["inference-results.aws", "inference-results.dlq.aws", "inference-results.azure",
                                   "inference-results.dlq.azure", "inference-results.gcp",
                                   "inference-results.dlq.gcp"]
    aws = d["operations"]["receive.inference-results.aws"]
    assert aws["action"] == "receive"
    assert aws["bindings"]["sns"] == {"consumers": [{
        "protocol": "sqs", "endpoint": {"name": "ai-platform-dev-inference-results-notifier"}, "rawMessageDelivery": True,
        "filterPolicy": {"status": ["succeeded", "failed"]}, "filterPolicyScope": "MessageAttributes"}],
        "bindingVersion": "0.1.0"}
    assert aws["bindings"]["sqs"]["queues"][0]["redrivePolicy"] == {
        "deadLetterQueue": {"name": "ai-platform-dev-inference-results-notifier-dlq"}, "maxReceiveCount": 10}
    assert aws["bindings"]["sqs"]["queues"][1]["name"] == "ai-platform-dev-inference-results-notifier-dlq"
    assert aws["x-filter"] == {"status": ["succeeded", "failed"]}
    azure = d["operations"]["receive.inference-results.azure"]["x-servicebus"]
    assert azure["subscription"] == "notifier" and azure["maxDeliveryCount"] == 10
    assert azure["sqlFilter"] == "status IN ('succeeded', 'failed')"
    unfiltered = doc_of(AI, "analytics")["operations"]["receive.inference-results.azure"]["x-servicebus"]
    assert unfiltered["sqlFilter"] == "1=1" and "x-filter" not in doc_of(AI, "analytics")["operations"][
        "receive.inference-results.azure"]
    gcp = d["operations"]["receive.inference-results.gcp"]["x-googlepubsub"]["subscription"]
    assert gcp["name"] == "ai-platform-dev-inference-results-notifier"
    assert gcp["filter"] == '(attributes.status = "succeeded" OR attributes.status = "failed")'
    assert gcp["deadLetterPolicy"] == {"deadLetterTopic": "ai-platform-dev-inference-results-notifier-dlq",
                                       "maxDeliveryAttempts": 10}
    assert d["channels"]["inference-results.aws"]["x-deadLetterChannel"] == "inference-results.dlq.aws"
    assert d["channels"]["inference-results.dlq.aws"]["address"] == "ai-platform-dev-inference-results-notifier-dlq"
    assert d["channels"]["inference-results.dlq.azure"]["address"] == \
        "ai-platform-dev-inference-results/Subscriptions/notifier/$DeadLetterQueue"
    assert d["channels"]["inference-results.dlq.gcp"]["address"] == "ai-platform-dev-inference-results-notifier-dlq"


def test_queue_consumer_and_processing_time():
    op = doc_of(AI, "gpu-worker")["operations"]["receive.inference-requests.aws"]
    assert "bindings" not in op                      # the queue's binding is on its channel
    assert op["x-processingTime"] == 480


def test_fixture_without_dead_letters_and_with_clamps():
    d = doc_of(CASES / "gcp" / "full.yaml", "thumbnailer")
    assert list(d["servers"]) == ["gcp-pubsub"]
    assert "thumbnails.dlq.gcp" not in d["channels"]                               # dead_letter: false
    sub = d["channels"]["thumbnails.gcp"]["x-googlepubsub"]["subscription"]
    assert sub["ackDeadlineSeconds"] == 10 and "deadLetterPolicy" not in sub      # 5 s raised to 10 s
    assert d["operations"]["receive.uploads.gcp"]["x-googlepubsub"]["subscription"]["enableMessageOrdering"] is True
    idx = doc_of(CASES / "gcp" / "full.yaml", "indexer")["operations"]["receive.uploads.gcp"]
    assert idx["x-filter"] == {"kind": ["video", 'say "hi"'], "region": ["eu"]}


def test_messages_are_the_contracts_with_examples():
    components = doc_of(AI, "api-gateway")["components"]
    msgs = components["messages"]
    assert list(msgs) == ["EmbeddingJob", "InferenceRequest", "_PayloadPointer"]  # the pointer last: inference-requests offloads
    req = msgs["InferenceRequest"]
    assert req["contentType"] == "application/json"
    assert req["payload"] == {"$ref": "#/components/schemas/InferenceRequest"}
    assert list(components["schemas"]) == ["InferenceRequest"]
    assert components["schemas"]["InferenceRequest"] == {"type": "object", "required": ["request_id", "model", "prompt"], "properties": {
        "request_id": {"type": "string"}, "model": {"type": "string"}, "prompt": {"type": "string"},
        "max_tokens": {"type": "integer", "minimum": 1}}}
    assert req["examples"][0]["payload"] == {"request_id": "r-1", "model": "llama-3-8b",
                                             "prompt": "Summarise this ticket", "max_tokens": 256}
    assert "payload" not in msgs["EmbeddingJob"]          # no schema given: no payload claimed
    assert "components" not in doc_of(AI, "analytics") or \
        list(doc_of(AI, "analytics")["components"]["messages"]) == ["InferenceResult"]


def test_schema_from_a_file_is_the_loaded_file(write, tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "job.json").write_text('{"type": "object", "required": ["id"]}')
    path = write("messages:\n  Job: {schema: schemas/job.json}\nqueues:\n  jobs: {message: Job}\n"
                 "services:\n  sa: {publishes: [jobs]}\n  sb: {consumes: [jobs]}\n")
    d = doc_of(path, "sa")
    assert d["components"]["schemas"]["Job"] == {"type": "object", "required": ["id"]}


def test_premium_message_size(write):
    path = write("targets: [azure]\nclouds: {azure: {sku: Premium}}\nqueues:\n  big: {max_message_size: 4MiB}\n"
                 "topics:\n  news: {max_message_size: 2MiB}\nservices:\n  pub: {publishes: [big, news]}\n"
                 "  sub: {consumes: [big, news]}\n")
    d = doc_of(path, "pub")
    assert d["servers"]["azure-servicebus"]["x-servicebus"]["tier"] == "Premium"
    assert d["channels"]["big.azure"]["x-servicebus"]["maxMessageSizeInKilobytes"] == 4096
    assert d["channels"]["news.azure"]["x-servicebus"]["maxMessageSizeInKilobytes"] == 2048


def test_stack_changes_the_namespace_host():
    d = doc_of(AI, "notifier", stack="prod")
    assert d["servers"]["azure-servicebus"]["host"] == "ai-platform-prod.servicebus.windows.net"


def test_a_stack_gets_its_environment_prefix_and_settings():
    prod = doc_of(AI, "api-gateway", stack="prod")
    q = prod["channels"]["inference-requests.aws"]["bindings"]["sqs"]["queue"]
    assert q["name"] == "ai-platform-inference-requests"                    # prod's prefix: ai-platform
    assert (q["messageRetentionPeriod"], q["redrivePolicy"]["maxReceiveCount"]) == (345600, 5)   # prod's override
    assert "env:prod" in [t["name"] for t in prod["info"]["tags"]]
    assert "stack `prod`" in prod["info"]["description"]
    dev = doc_of(AI, "api-gateway", stack="dev")["channels"]["inference-requests.aws"]["bindings"]["sqs"]["queue"]
    assert (dev["name"], dev["messageRetentionPeriod"], dev["redrivePolicy"]["maxReceiveCount"]) == \
        ("ai-platform-dev-inference-requests", 86400, 3)
    other = doc_of(AI, "api-gateway", stack="alice")["channels"]["audit-events.aws"]["address"]
    assert other == "ai-platform-alice-audit-events"                         # a stack without an environment


def test_yaml_is_deterministic_and_has_no_anchors():
    topo, _ = load_topology(AI)
    first = asyncapi.dump(asyncapi.document(topo, "api-gateway", "topology.yaml"))
    assert first == asyncapi.dump(asyncapi.document(topo, "api-gateway", "topology.yaml"))
    assert not re.search(r"[&*]id\d+", first)
    assert yaml.safe_load(first) == asyncapi.document(topo, "api-gateway", "topology.yaml")


HOSTILE = """version: 1
name: evil
description: "x\\n</script><script>alert(1)</script> & [link](javascript:alert(1))"
owner: "a | b\\n# heading"
targets: [aws]
messages:
  M:
    description: "line one\\nasyncapi: 9.9.9\\n<img src=x onerror=alert(1)>"
    example: {text: "--> ]] \\n key: value"}
queues:
  qq:
    description: "'quoted' \\"double\\" \\u2028 sep"
    message: M
services:
  s-one:
    description: "| pipe | and `code` and *stars* and $math$"
    publishes: [qq]
  s-two:
    consumes: [qq]
"""


def test_hostile_strings_stay_data_in_yaml_and_text_in_markdown(write):
    topo, _ = load_topology(write(HOSTILE, header=False))
    for name in topo.services:
        d = asyncapi.document(topo, name, "topology.yaml")
        assert yaml.safe_load(asyncapi.dump(d)) == d                   # round-trips: nothing injected
        assert d["asyncapi"] == "3.0.0"
    d = asyncapi.document(topo, "s-one", "topology.yaml")
    assert "<script>" not in d["info"]["tags"][0]["description"]
    assert d["info"]["tags"][0]["description"].startswith("x\n&lt;/script>&lt;script>alert(1)&lt;/script> &amp; ")
    assert d["components"]["messages"]["M"]["description"] == "line one\nasyncapi: 9.9.9\n&lt;img src=x onerror=alert(1)>"
    assert d["components"]["messages"]["M"]["examples"][0]["payload"] == {"text": "--> ]] \n key: value"}
    page = asyncapi.index(topo, {"s-one": "s-one.yaml", "s-two": "s-two.yaml"}, "a\n-->\n<b>.yaml")
    lines = page.splitlines()
    assert lines[0] == "<!-- Generated by `topowire asyncapi` from a -&#45;&gt; &lt;b&gt;.yaml. Do not edit by hand. -->"
    rows = [ln for ln in lines if ln.startswith("| s-")]
    assert rows[0] == ("| s-one | [s-one.yaml](s-one.yaml) | a \\| b # heading | qq | — | \\| pipe \\| and \\`code\\` "
                       "and \\*stars\\* and \\$math\\$ |")
    header = next(ln for ln in lines if ln.startswith("| service"))
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == len(re.split(r"(?<!\\)\|", header))
    assert "<" not in "".join(lines[1:]).replace("\\<", "")


def test_refs_in_schemas_or_examples_are_never_published(write):
    """A $ref would make AsyncAPI tools resolve it against the AsyncAPI document (where '#/$defs/a' does not exist)
    or fetch a URL: left out, said why. (`validate` already refuses remote refs in schemas, TOP107.)"""
    path = write('messages:\n  Remote:\n    schema: {type: object, $defs: {a: {type: string}}, properties: {a: {$ref: "#/$defs/a"}}}\n'
                 '  Data:\n    example: {a: {$ref: "http://169.254.169.254/latest/meta-data"}}\n'
                 'queues:\n  jobs: {message: Remote}\n  data: {message: Data}\n'
                 'services:\n  api: {publishes: [jobs, data]}\n  wk: {consumes: [jobs, data]}\n')
    topo, _ = load_topology(path)
    msgs = asyncapi.document(topo, "api", "topology.yaml")["components"]["messages"]
    assert "payload" not in msgs["Remote"] and "examples" not in msgs["Data"]
    assert "schemas" not in asyncapi.document(topo, "api", "topology.yaml")["components"]
    assert msgs["Remote"]["x-topowire-omitted"] == {"payload": asyncapi.REF_LEFT_OUT}
    assert msgs["Data"]["x-topowire-omitted"] == {"example": asyncapi.REF_LEFT_OUT}
    text = asyncapi.dump(asyncapi.document(topo, "api", "topology.yaml"))
    assert "$defs" not in text and "169.254" not in text
