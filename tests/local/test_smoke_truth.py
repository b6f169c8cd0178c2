"""Issue 29, "the embedded emulator tells the truth": `local smoke` exercises delays, content-based
deduplication and SNS's type rule of filters, `local up --endpoint` looks the topology's KMS keys up, and
what the emulator cannot show is listed as not checked (text and JSON)."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_cli
from test_local import client, moto_endpoint  # noqa: F401 (moto_endpoint: a fixture)
from generator.check import load_topology
from generator.errors import InputError
from generator.local import attributes, fidelity, keys
from generator.local.emulator import reset

TRUTH = """version: 1
name: truth
targets: [aws]
messages:
  Job:
    schema:
      type: object
      properties: {priority: {type: integer}, tags: {type: array, items: {type: string}}}
    example: {priority: 1, tags: [gpu]}
queues:
  slow: {delay: 2s}
  slow-fifo: {fifo: true, delay: 2s}
  later: {delay: 1m}
  ordered: {fifo: true}
topics:
  jobs: {message: Job}
  ledger: {fifo: true}
services:
  producer: {publishes: [slow, slow-fifo, later, ordered, jobs, ledger]}
  worker: {consumes: [slow, slow-fifo, later, ordered, ledger]}
  urgent:
    consumes:
      jobs: {filter: {priority: ["1"], tags: [gpu]}}
"""


@pytest.fixture(scope="module")
def truth(tmp_path_factory):
    path = tmp_path_factory.mktemp("truth") / "topology.yaml"
    path.write_text(TRUTH)
    code, out, err = run_cli("local", "smoke", path, "--format", "json")
    return code, json.loads(out), err


def _routes(doc, kind):
    return {r["name"]: r for r in doc["routes"] if r["kind"] == kind}


def test_a_queue_delay_within_the_budget_is_exercised_and_a_longer_one_is_listed(truth):
    code, doc, err = truth
    assert code == 0 and doc["passed"], err + json.dumps([r for r in doc["routes"] if not r["ok"]])
    delays = _routes(doc, "delay")
    assert set(delays) == {"queue slow", "queue slow-fifo"}
    assert all(r["ok"] and r["detail"] == "held back 2s by its delay, then delivered" for r in delays.values())
    [line] = [n for n in doc["not_checked"] if n.startswith("delay longer")]
    assert "'queue later (1m)'" in line and "10 s budget" in line


def test_a_fifo_queue_with_a_delay_passes_every_other_check(truth):
    _, doc, _ = truth
    names = {(r["kind"], r["name"]) for r in doc["routes"] if r["ok"]}
    assert {("queue", "slow-fifo -> worker"), ("dead-letter", "queue slow-fifo -> truth-dev-slow-fifo-dlq.fifo"),
            ("fifo", "queue slow-fifo"), ("dedup", "queue slow-fifo")} <= names


def test_a_subscription_with_a_delay_is_exercised_and_still_gets_what_the_topic_sends(write):
    """SNS sets no message timer when it delivers, so the topic checks wait for no delay once it is checked."""
    path = write("targets: [aws]\ndefaults: {delay: 2s}\ntopics:\n  ev: {}\nservices:\n  pub: {publishes: [ev]}\n"
                 "  sub: {consumes: [ev]}\n")
    code, out, err = run_cli("local", "smoke", path, "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["passed"], err + json.dumps([r for r in doc["routes"] if not r["ok"]])
    assert {(r["kind"], r["name"]) for r in doc["routes"]} >= {("delay", "subscription ev/sub"),
                                                               ("topic", "ev -> sub (plain message)")}


def test_content_based_deduplication_drops_the_second_copy(truth):
    _, doc, _ = truth
    dedup = _routes(doc, "dedup")
    assert set(dedup) == {"queue ordered", "queue slow-fifo", "topic ledger -> worker"}
    assert all(r["ok"] and "second copy" in r["detail"] for r in dedup.values())


def test_attributes_are_typed_as_publishers_type_them_and_a_number_never_matches(truth):
    _, doc, _ = truth
    topic = _routes(doc, "topic")
    accepted = topic["jobs -> urgent (attributes urgent accepts)"]  # priority String "1", tags String.Array
    assert accepted["ok"] and accepted["detail"].startswith("delivered")
    number = topic["jobs -> urgent (attributes urgent accepts, priority typed Number as its message makes it)"]
    assert number["ok"] and number["detail"].startswith("filtered out, as its filter says")
    assert "SNS's type rule: a Number attribute priority never matches a string filter" in number["detail"]
    assert not any("type rule" in n for n in doc["not_checked"])  # the embedded emulator applies it


def test_the_not_checked_list_names_what_moto_cannot_show(truth):
    _, doc, _ = truth
    assert any(n.startswith("SNS's own redrive") for n in doc["not_checked"])
    assert any(n.startswith("access: queue, topic, IAM and KMS key policies") for n in doc["not_checked"])


def test_smoke_text_lists_what_it_did_not_check_before_the_count():
    code, out, _ = run_cli("local", "smoke", ROOT / "topology.yaml")
    lines = out.splitlines()
    assert code == 0 and lines[-1].endswith(" checked: all passed")
    start = lines.index("not checked by the emulator:")
    listed = lines[start + 1:-2]
    assert listed and all(line.startswith("  - ") for line in listed)
    assert any("KMS key 'alias/ai-platform-batch'" in line for line in listed)
    assert any("'queue batch-scoring (15m)'" in line for line in listed)
    assert "  ok   dedup       queue embedding-jobs: the second copy of a body sent without a deduplication id " \
           "was dropped (content-based)" in lines


# -- SNS's type rule on the embedded emulator -----------------------------------------------------------------

def _deliveries(endpoint, policy, attrs):
    """How many messages a queue subscribed with filter ``policy`` gets for each of ``attrs``."""
    sns, sqs = client("sns", endpoint), client("sqs", endpoint)
    topic = sns.create_topic(Name="t")["TopicArn"]
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, ReturnSubscriptionArn=True,
                  Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps(policy)})
    out = []
    for a in attrs:
        sns.publish(TopicArn=topic, Message="m", MessageAttributes=attributes.wire(a))
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        out.append(len(got))
    return out


CASES = [{"priority": ("Number", "1")}, {"priority": ("String", "1")}, {"priority": ("String.Array", '["1"]')}]


def test_moto_itself_lets_a_number_pass_a_string_filter(moto_endpoint):
    """What the correction is for: if moto ever applies the type rule itself, local/fidelity.py can go."""
    assert not fidelity.enforced()
    assert _deliveries(moto_endpoint, {"priority": ["1"]}, CASES) == [1, 1, 1]


def test_the_embedded_emulator_applies_the_type_rule_and_restores_moto_after(moto_endpoint):
    with fidelity.apply() as applied:
        assert applied and fidelity.enforced()
        assert _deliveries(moto_endpoint, {"priority": ["1"]}, CASES) == [0, 1, 1]
        reset(moto_endpoint)
        numeric = {"priority": [{"numeric": ["=", 1]}]}  # numeric matching is for Number attributes: untouched
        assert _deliveries(moto_endpoint, numeric, CASES[:1]) == [1]
    assert not fidelity.enforced()


def test_publisher_types_come_from_the_schema_then_the_example(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TRUTH.replace("example: {priority: 1, tags: [gpu]}",
                                  "example: {priority: 1, tags: [gpu], size: 3, kind: [a], name: x}"))
    topo, _ = load_topology(str(path))
    job = topo.messages["Job"]
    assert [attributes.publisher_type(job, a) for a in ("priority", "tags", "size", "kind", "name", "absent")] == [
        "Number", "String.Array", "Number", "String.Array", "String", "String"]
    assert attributes.publisher_type(None, "priority") == "String"
    assert [attributes.is_number(v) for v in ("1", "-2.5", "1e3", "high", "01", "1.123456", "")] == [
        True, True, False, False, False, False, False]


# -- KMS keys -----------------------------------------------------------------------------------------------------

KEYED = """version: 1
name: keyed
targets: [aws]
queues:
  jobs: {encryption: {kms_key: alias/jobs-key}}
services:
  worker: {consumes: [jobs]}
"""


def test_up_on_an_emulator_without_the_topologys_key_fails_clearly(moto_endpoint, write):
    path = write(KEYED, header=False)
    code, out, err = run_cli("local", "up", path, "--endpoint", moto_endpoint)
    assert (code, out) == (1, "")
    assert "1 KMS key named by the topology cannot be used on the emulator" in err
    assert "  alias/jobs-key (keyed-dev-jobs, keyed-dev-jobs-dlq) does not exist" in err
    assert "kms create-alias --alias-name alias/..." in err
    assert client("sqs", moto_endpoint).list_queues().get("QueueUrls", []) == []  # nothing was created


def test_up_with_the_key_created_first_deploys_and_a_disabled_key_is_refused(moto_endpoint, write):
    path = write(KEYED, header=False)
    kms = client("kms", moto_endpoint)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/jobs-key", TargetKeyId=key)
    code, out, _ = run_cli("local", "up", path, "--endpoint", moto_endpoint, "--format", "json")
    assert code == 0 and json.loads(out)["not_checked"] == []  # looked up, found
    kms.disable_key(KeyId=key)
    code, _, err = run_cli("local", "up", path, "--endpoint", moto_endpoint)
    assert code == 1 and "alias/jobs-key (keyed-dev-jobs, keyed-dev-jobs-dlq) is Disabled, not Enabled" in err


def test_an_asymmetric_key_is_refused(moto_endpoint, write):
    kms = client("kms", moto_endpoint)
    key = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/jobs-key", TargetKeyId=key)
    code, _, err = run_cli("local", "up", write(KEYED, header=False), "--endpoint", moto_endpoint)
    assert code == 1 and "is a RSA_2048 SIGN_VERIFY key; SQS and SNS encrypt with symmetric keys only" in err


def test_aws_managed_keys_are_not_looked_up():
    class Plan:
        resources = [type("R", (), {"type": "aws:sqs/queue:Queue", "name": "a", "inputs": {
            "name": "a", "kmsMasterKeyId": "alias/aws/sqs"}})()]

    assert keys.customer_keys(Plan) == {} and keys.unchecked(Plan) == []


def test_a_key_name_is_escaped_where_it_is_printed():
    class Plan:
        resources = [type("R", (), {"type": "aws:sns/topic:Topic", "name": "t", "inputs": {
            "name": "t", "kmsMasterKeyId": "alias/k\n::error::x\x1b[31m"}})()]

    [line] = keys.unchecked(Plan)
    assert "\n" not in line and "\x1b" not in line and "alias/k\\n::error::x" in line


def test_the_correction_and_the_server_are_undone_when_anything_fails(monkeypatch):
    """Round 4: an error inside the embedded emulator puts moto's matcher back; a failing reset (before the
    correction is applied) stops the server it started (it was left running)."""
    from moto.sns.utils import FilterPolicyMatcher

    from generator.local import emulator

    original = FilterPolicyMatcher.__dict__["_attributes_based_match"]
    with pytest.raises(RuntimeError):
        with fidelity.apply():
            raise RuntimeError("a check failed")
    assert FilterPolicyMatcher.__dict__["_attributes_based_match"] is original and not fidelity.enforced()

    stopped = []

    class Server:
        def __init__(self, **_kw):
            pass

        def start(self):
            pass

        def get_host_and_port(self):
            return "127.0.0.1", 1

        def stop(self):
            stopped.append(True)

    import moto.server

    monkeypatch.setattr(moto.server, "ThreadedMotoServer", Server)

    def broken(_endpoint):
        raise RuntimeError("reset failed")

    monkeypatch.setattr(emulator, "reset", broken)
    with pytest.raises(RuntimeError, match="reset failed"):
        with emulator.embedded():
            pass
    assert stopped == [True] and not fidelity.enforced()


def test_a_key_name_is_cut_where_it_is_printed():
    """Round 4: the format bounds no kms_key's length; 20 keys of 100,000 characters made one line of 2 MB."""
    class Plan:
        resources = [type("R", (), {"type": "aws:sqs/queue:Queue", "name": f"q{i}", "inputs": {
            "name": f"q{i}", "kmsMasterKeyId": f"alias/{i}" + "k" * 100_000}})() for i in range(20)]

    [line] = keys.unchecked(Plan)
    assert len(line) < 20 * (keys.MAX_KEY_SHOWN + 40) + 400 and "(100007 characters)" in line

    class Kms:
        class exceptions:
            NotFoundException = KeyError

        def describe_key(self, KeyId):
            raise KeyError(KeyId)

    with pytest.raises(InputError) as info:
        keys.check(Plan, {"kms": Kms()}, "http://127.0.0.1:4566")
    assert len(str(info.value)) < 20 * (keys.MAX_KEY_SHOWN + 80) + 800
