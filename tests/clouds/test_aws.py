"""The AWS program under Pulumi's mock engine: every resource, and every statement of every policy."""

from __future__ import annotations

import json
from functools import lru_cache

import pytest

from conftest import CASES, EXAMPLES, ROOT, run_cli
from generator.check import load_topology
from generator.errors import InputError
from generator.plan import engine

FILES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "aws" / "full.yaml"]
QUEUE = "aws:sqs/queue:Queue"
POLICY = "aws:sqs/queuePolicy:QueuePolicy"
TAGGABLE = (QUEUE, "aws:sns/topic:Topic", "aws:iam/policy:Policy", "aws:cloudwatch/metricAlarm:MetricAlarm")


@lru_cache(maxsize=None)
def plan_of(path):
    return engine.run(str(path), "aws")


@lru_cache(maxsize=None)
def topo_of(path):
    return load_topology(path)[0]


def _name(topo, *parts, fifo=False):
    """The naming docs/aws.md documents, written here (not taken from aws_spec):
    ``<prefix>-<channel>[-<service>]``, ``.fifo`` for FIFO."""
    return "-".join((topo.prefix, *parts)) + (".fifo" if fifo else "")


def _dlq(name):
    """``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo``."""
    return name[:-5] + "-dlq.fifo" if name.endswith(".fifo") else name + "-dlq"


def doc(resource, key="policy"):
    return json.loads(resource.inputs[key])


def expected_queues(topo):
    """(physical name, fifo, settings, is_dlq) of every SQS queue the topology needs.

    A topic subscription always has a DLQ: SNS's own, even with dead_letter: false.
    """
    out = []
    for q in topo.queues.values():
        name = _name(topo, q.deployed_name, fifo=q.fifo)
        out.append((name, q.fifo, q.settings, False))
        if q.settings.dead_letter.enabled:
            out.append((_dlq(name), q.fifo, q.settings, True))
    for t in topo.topics.values():
        for c in topo.consumers.get(t.name, ()):
            name = _name(topo, t.deployed_name, topo.deployed(c.service), fifo=t.fifo)
            out.append((name, t.fifo, c.settings, False))
            out.append((_dlq(name), t.fifo, c.settings, True))
    return out


def subscription_dlqs(topo) -> set:
    return {_dlq(_name(topo, t.deployed_name, topo.deployed(c.service), fifo=t.fifo))
            for t in topo.topics.values() for c in topo.consumers.get(t.name, ())}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_queue_carries_its_settings(path):
    plan, topo = plan_of(path), topo_of(path)
    queues = {r.inputs["name"]: r for r in plan.by_type(QUEUE)}
    expected = expected_queues(topo)
    assert sorted(queues) == sorted(e[0] for e in expected)
    arn = {n: r.outputs["arn"] for n, r in queues.items()}
    for name, fifo, s, is_dlq in expected:
        i = queues[name].inputs
        assert name.endswith(".fifo") == fifo and i.get("fifoQueue", False) == fifo
        assert i.get("contentBasedDeduplication", False) == fifo
        assert i["receiveWaitTimeSeconds"] == 20
        assert queues[name].protect == s.protect
        if s.encryption.mode == "kms":
            assert i["kmsMasterKeyId"] == s.encryption.kms_key and "sqsManagedSseEnabled" not in i
        else:
            assert i["sqsManagedSseEnabled"] == (s.encryption.mode == "managed")
        if is_dlq:
            assert i["messageRetentionSeconds"] == s.dead_letter.retention >= s.retention
            assert "redrivePolicy" not in i
            if name in subscription_dlqs(topo) and s.max_message_size is not None:
                # SNS publishes up to 256 KiB: what the subscription queue refused for its size must fit here
                assert i["maxMessageSize"] == max(s.max_message_size, 262144)
            else:
                assert i.get("maxMessageSize") == s.max_message_size
        else:
            assert (i["visibilityTimeoutSeconds"], i["messageRetentionSeconds"], i["delaySeconds"]) == \
                   (s.visibility_timeout, s.retention, s.delay)
            assert i.get("maxMessageSize") == s.max_message_size
            if s.dead_letter.enabled:
                redrive = json.loads(i["redrivePolicy"])
                assert redrive == {"deadLetterTargetArn": arn[_dlq(name)],
                                   "maxReceiveCount": s.dead_letter.max_receive_count}
            else:
                assert "redrivePolicy" not in i


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_redrive_allow_names_exactly_the_source(path):
    plan = plan_of(path)
    queues = {r.outputs["url"]: r for r in plan.by_type(QUEUE)}
    allows = plan.by_type("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy")
    dlqs = [r for r in plan.by_type(QUEUE) if "-dlq" in r.inputs["name"]]
    assert len(allows) == len(dlqs)
    topo = topo_of(path)
    settings = {e[0]: e[2] for e in expected_queues(topo) if e[3]}
    for a in allows:
        dlq = queues[a.inputs["queueUrl"]]
        source_arn = dlq.outputs["arn"].replace("-dlq", "")
        if settings[dlq.inputs["name"]].dead_letter.enabled:
            assert json.loads(a.inputs["redriveAllowPolicy"]) == {"redrivePermission": "byQueue",
                                                                  "sourceQueueArns": [source_arn]}
        else:  # only SNS sends here: no queue may dead-letter into it
            assert json.loads(a.inputs["redriveAllowPolicy"]) == {"redrivePermission": "denyAll"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_queue_has_one_policy_that_denies_insecure_transport(path):
    plan = plan_of(path)
    policies = {}
    for p in plan.by_type(POLICY):
        assert p.inputs["queueUrl"] not in policies, "one QueuePolicy per queue"
        policies[p.inputs["queueUrl"]] = doc(p)
    for q in plan.by_type(QUEUE):
        statements = policies[q.outputs["url"]]["Statement"]
        deny = [s for s in statements if s["Effect"] == "Deny"]
        assert deny == [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*",
                         "Resource": q.outputs["arn"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_topic_consumers_get_a_subscription_and_exactly_their_topic_may_send(path):
    plan, topo = plan_of(path), topo_of(path)
    topics = {r.inputs["name"]: r for r in plan.by_type("aws:sns/topic:Topic")}
    queues = {r.inputs["name"]: r for r in plan.by_type(QUEUE)}
    policies = {p.inputs["queueUrl"]: doc(p) for p in plan.by_type(POLICY)}
    subs = {r.inputs["endpoint"]: r for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription")}
    assert len(subs) == sum(len(topo.consumers.get(t, ())) for t in topo.topics)
    for t in topo.topics.values():
        topic = topics[_name(topo, t.deployed_name, fifo=t.fifo)]
        assert topic.inputs.get("fifoTopic", False) == t.fifo
        assert topic.inputs["kmsMasterKeyId"] == (t.encryption.kms_key if t.encryption.mode == "kms" else "alias/aws/sns")
        for c in topo.consumers.get(t.name, ()):
            q = queues[_name(topo, t.deployed_name, topo.deployed(c.service), fifo=t.fifo)]
            sub = subs[q.outputs["arn"]]
            assert sub.inputs["topic"] == topic.outputs["arn"] and sub.inputs["protocol"] == "sqs"
            assert sub.inputs["rawMessageDelivery"] is True
            if c.filter:
                assert json.loads(sub.inputs["filterPolicy"]) == {a: list(v) for a, v in c.filter}
                assert sub.inputs["filterPolicyScope"] == "MessageAttributes"
            else:
                assert "filterPolicy" not in sub.inputs
            dlq = queues[_dlq(q.inputs["name"])]
            for target in (q, dlq):  # the queue, and the DLQ where SNS puts what it cannot deliver
                allow = [s for s in policies[target.outputs["url"]]["Statement"] if s["Effect"] == "Allow"]
                assert allow == [{"Sid": "AllowTopicToSend", "Effect": "Allow",
                                  "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                                  "Resource": target.outputs["arn"],
                                  "Condition": {"ArnEquals": {"aws:SourceArn": topic.outputs["arn"]}}}]
            assert json.loads(sub.inputs["redrivePolicy"]) == {"deadLetterTargetArn": dlq.outputs["arn"]}
            assert dlq.inputs.get("fifoQueue", False) == t.fifo == dlq.inputs["name"].endswith(".fifo")
            # subscribed only once both queue policies admit the topic
            admitting = sorted(p.urn for p in plan.by_type(POLICY)
                               if p.inputs["queueUrl"] in (q.outputs["url"], dlq.outputs["url"]))
            assert len(admitting) == 2 and sub.explicit_depends_on == admitting


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_service_policies_are_least_privilege(path):
    plan, topo = plan_of(path), topo_of(path)
    queues = {r.inputs["name"]: r.outputs["arn"] for r in plan.by_type(QUEUE)}
    topics = {r.inputs["name"]: r.outputs["arn"] for r in plan.by_type("aws:sns/topic:Topic")}
    policies = {r.inputs["name"]: doc(r) for r in plan.by_type("aws:iam/policy:Policy")}
    for s in topo.services.values():
        name = _name(topo, s.deployed_name)
        want = {}
        send = [queues[_name(topo, topo.queues[r.channel].deployed_name, fifo=topo.queues[r.channel].fifo)] for r in s.publishes if r.channel in topo.queues]
        pub = [topics[_name(topo, topo.topics[r.channel].deployed_name, fifo=topo.topics[r.channel].fifo)] for r in s.publishes if r.channel in topo.topics]
        recv = [queues[_name(topo, topo.queues[c.channel].deployed_name, fifo=topo.queues[c.channel].fifo) if c.kind == "queue" else
                       _name(topo, topo.topics[c.channel].deployed_name, topo.deployed(s.name), fifo=topo.topics[c.channel].fifo)] for c in s.consumes]
        if send:
            want["SendToQueues"] = (["sqs:SendMessage"], sorted(send))
        if pub:
            want["PublishToTopics"] = (["sns:Publish"], sorted(pub))
        if recv:
            want["ConsumeFromQueues"] = (["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                                          "sqs:ReceiveMessage"], sorted(recv))
        # the dead-letter queues it is given as <CH>_DLQ_URL: exactly those, with the same actions
        env = plan.outputs["services"][s.name]["env"]
        dead = [queues[url.rsplit("/", 1)[1]] for key, url in env.items() if key.endswith("_DLQ_URL")]
        if dead:
            want["ConsumeDeadLetters"] = (want["ConsumeFromQueues"][0], sorted(dead))
        if not want:
            assert name not in policies
            continue
        statements = policies[name]["Statement"]
        got = {st["Sid"]: (st["Action"], st["Resource"]) for st in statements if not st["Sid"].endswith("WithKeys")}
        assert got == want
        for st in statements:
            assert st["Effect"] == "Allow"
            for item in st["Action"] + st["Resource"]:
                assert "*" not in item, f"wildcard in {name}: {item}"
        uses_key = any(q.settings.encryption.mode == "kms" for q in
                       [topo.queues[r.channel] for r in s.publishes if r.channel in topo.queues]) or any(
            topo.topics[r.channel].encryption.mode == "kms" for r in s.publishes if r.channel in topo.topics) or any(
            c.settings.encryption.mode == "kms" for c in s.consumes)
        assert uses_key == any(st["Sid"].endswith("WithKeys") for st in statements)


def test_subscription_ordering_and_dead_letters_written_out():
    plan = plan_of(CASES / "aws" / "full.yaml")
    [sub] = [r for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription") if r.name == "audit-janitor-subscription"]
    base = "urn:pulumi:dev::topowire::topowire:aws:Subscription$"
    assert sub.explicit_depends_on == [base + "aws:sqs/queuePolicy:QueuePolicy::audit-janitor-dlq-policy",
                              base + "aws:sqs/queuePolicy:QueuePolicy::audit-janitor-policy"]
    assert sub.inputs["redrivePolicy"] == \
        '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:shop-dev-audit-janitor-dlq"}'
    queues = {r.inputs["name"]: r.inputs for r in plan.by_type(QUEUE)}
    # audit says dead_letter: false: no SQS redrive, but SNS's DLQ exists, holds 256 KiB messages, and is alarmed
    assert "redrivePolicy" not in queues["shop-dev-audit-janitor"] and queues["shop-dev-audit-janitor"]["maxMessageSize"] == 65536
    assert queues["shop-dev-audit-janitor-dlq"]["maxMessageSize"] == 262144
    assert queues["shop-dev-audit-janitor-dlq"]["messageRetentionSeconds"] == 14 * 86400
    [alarm] = [r.inputs for r in plan.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")
               if r.inputs["name"] == "shop-dev-audit-janitor-dlq-not-empty"]
    assert alarm["alarmDescription"] == ("Messages in dead-letter queue shop-dev-audit-janitor-dlq: SNS could not deliver "
                                         "them to shop-dev-audit-janitor. Inspect them, then redrive or delete them.")
    [fifo] = [r.inputs for r in plan.by_type("aws:sns/topicSubscription:TopicSubscription")
              if r.inputs["endpoint"].endswith(":shop-dev-payments-ledger.fifo")]
    assert json.loads(fifo["redrivePolicy"]) == {
        "deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:shop-dev-payments-ledger-dlq.fifo"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_topic_policies_deny_insecure_transport_and_keep_the_owners_rights(path):
    plan, topo = plan_of(path), topo_of(path)
    topics = {r.outputs["arn"]: r for r in plan.by_type("aws:sns/topic:Topic")}
    policies = plan.by_type("aws:sns/topicPolicy:TopicPolicy")
    assert sorted(p.inputs["arn"] for p in policies) == sorted(topics) and len(topics) == len(topo.topics)
    actions = ["SNS:AddPermission", "SNS:DeleteTopic", "SNS:GetTopicAttributes", "SNS:ListSubscriptionsByTopic",
               "SNS:Publish", "SNS:Receive", "SNS:RemovePermission", "SNS:SetTopicAttributes", "SNS:Subscribe"]
    for p in policies:
        arn = p.inputs["arn"]
        assert doc(p) == {"Version": "2012-10-17", "Statement": [
            {"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": actions,
             "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}},
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": actions, "Resource": arn,
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
        assert p.parent == topics[arn].parent and p.name == topics[arn].name.replace("-topic", "-policy")


def test_kms_rights_match_each_key_and_direction():
    plan = plan_of(CASES / "aws" / "full.yaml")
    policies = {r.inputs["name"]: doc(r)["Statement"] for r in plan.by_type("aws:iam/policy:Policy")}
    kms = {n: {s["Sid"]: (s["Action"], s["Resource"]) for s in st if "kms:Decrypt" in s["Action"]}
           for n, st in policies.items()}
    alias_arn = "arn:aws:kms:us-east-1:123456789012:key/"
    payments_key = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"
    [(actions, resources)] = kms["shop-dev-checkout"].values()
    assert actions == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert payments_key in resources and len(resources) == 2
    assert all(r.startswith(alias_arn) for r in resources)          # the alias was resolved to a key ARN
    assert kms["shop-dev-fulfilment"] == {"DecryptWithKeys": (["kms:Decrypt"], [r for r in resources if r != payments_key])}
    assert kms["shop-dev-ledger"] == {"DecryptWithKeys": (["kms:Decrypt"], [payments_key])}
    assert kms["shop-dev-janitor"] == {}


def test_policies_attach_to_the_given_roles_only():
    plan = plan_of(CASES / "aws" / "full.yaml")
    attachments = {r.inputs["role"]: r.inputs["policyArn"] for r in
                   plan.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attachments == {"checkout-task": "arn:aws:iam::123456789012:policy/shop-dev-checkout",
                           "fulfilment-task": "arn:aws:iam::123456789012:policy/shop-dev-fulfilment"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_dlq_has_an_alarm(path):
    plan, topo = plan_of(path), topo_of(path)
    dlqs = [e[0] for e in expected_queues(topo) if e[3]]
    alarms = {r.inputs["dimensions"]["QueueName"]: r.inputs for r in plan.by_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert sorted(alarms) == sorted(dlqs)
    for name, a in alarms.items():
        assert (a["namespace"], a["metricName"], a["comparisonOperator"], a["threshold"]) == \
               ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "GreaterThanThreshold", 0)
        if topo.clouds.aws_alarm_topic:
            assert a["alarmActions"] == [topo.clouds.aws_alarm_topic] == a["okActions"]
        else:
            assert "alarmActions" not in a


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_tags_on_everything_taggable(path):
    plan, topo = plan_of(path), topo_of(path)
    for r in plan.resources:
        if r.type in TAGGABLE:
            assert r.inputs.get("tags", {}) == dict(topo.tags), r.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_components_and_child_names(path):
    plan = plan_of(path)
    by_urn = {r.urn: r for r in plan.resources}
    for r in plan.resources:
        if r.custom:
            parent = by_urn[r.parent]
            assert parent.type.startswith("topowire:aws:") and not parent.custom
            assert r.name.startswith(parent.name + "-"), r.name
        elif r.type == "topowire:aws:Topology":
            assert by_urn[r.parent].type == "pulumi:pulumi:Stack"
        elif r.type != "pulumi:pulumi:Stack":
            assert r.type in ("topowire:aws:Queue", "topowire:aws:Topic", "topowire:aws:Subscription",
                              "topowire:aws:ServiceAccess", "topowire:aws:PayloadStore", "topowire:aws:PayloadAccess")
            assert by_urn[r.parent].type == "topowire:aws:Topology"


def test_stack_outputs_give_each_service_its_environment():
    plan = plan_of(ROOT / "topology.yaml")
    out = plan.outputs
    assert out["cloud"] == "aws"
    assert out["queues"]["embedding-jobs"]["url"].endswith("/123456789012/ai-platform-dev-embedding-jobs.fifo")
    assert out["topics"]["inference-results"]["arn"] == "arn:aws:sns:us-east-1:123456789012:ai-platform-dev-inference-results"
    assert out["services"]["api-gateway"]["env"] == {
        "AUDIT_EVENTS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:ai-platform-dev-audit-events",
        "AWS_REGION": "us-east-1",
        "BATCH_SCORING_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/ai-platform-dev-batch-scoring",
        "EMBEDDING_JOBS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/ai-platform-dev-embedding-jobs.fifo",
        "INFERENCE_REQUESTS_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/ai-platform-dev-inference-requests",
        # inference-requests offloads prompts above 256 KiB (large_payloads): where the extended client puts them
        "INFERENCE_REQUESTS_PAYLOAD_BUCKET": "ai-platform-dev-payloads",
        "INFERENCE_REQUESTS_PAYLOAD_PREFIX": "inference-requests/",
        "INFERENCE_REQUESTS_PAYLOAD_THRESHOLD": "262144",
    }
    notifier = out["services"]["notifier"]["env"]
    assert notifier["INFERENCE_RESULTS_QUEUE_URL"].endswith("/ai-platform-dev-inference-results-notifier")
    assert notifier["INFERENCE_RESULTS_DLQ_URL"].endswith("/ai-platform-dev-inference-results-notifier-dlq")
    assert out["subscriptions"]["inference-results/notifier"]["subscription_arn"].startswith(
        "arn:aws:sns:us-east-1:123456789012:ai-platform-dev-inference-results:")


def test_endpoint_config_uses_an_explicit_emulator_provider():
    plan = engine.run(str(ROOT / "topology.yaml"), "aws", endpoint="http://127.0.0.1:4566")
    [provider] = plan.by_type("pulumi:providers:aws")
    i = provider.inputs
    assert i["skipCredentialsValidation"] and i["skipRequestingAccountId"] and i["skipRegionValidation"]
    endpoints = json.loads(i["endpoints"]) if isinstance(i["endpoints"], str) else i["endpoints"]
    assert {k for k, v in endpoints[0].items() if v == "http://127.0.0.1:4566"} == {"sqs", "sns", "iam", "cloudwatch",
                                                                                  "kms", "sts", "s3"}
    assert plan.outputs["services"]["gpu-worker"]["env"]["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"


def test_plans_are_deterministic():
    a = engine.run(str(ROOT / "topology.yaml"), "aws").as_dict()
    b = engine.run(str(ROOT / "topology.yaml"), "aws").as_dict()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_an_invalid_topology_stops_the_program_with_validate_messages(write):
    bad = write("targets: [aws]\nqueues:\n  jobs: {retention: 30d}\n")
    with pytest.raises(InputError) as exc:
        engine.run(str(bad), "aws")
    assert "not a valid topology; nothing was deployed" in str(exc.value)
    assert f"{bad}:5:21: error TOP201" in str(exc.value)
    code, out, err = run_cli("plan", bad, "--cloud", "aws")
    assert code == 1 and f"{bad}:5:21: error TOP201" in err and out == ""


def test_a_cloud_outside_targets_is_refused(write):
    path = write("targets: [gcp]\nqueues: {jobs: {}}\n")
    with pytest.raises(InputError) as exc:
        engine.run(str(path), "aws")
    assert "do not include 'aws'" in str(exc.value)


def test_plan_cli_text_and_json(tmp_path):
    code, out, _ = run_cli("plan", ROOT / "topology.yaml", "--cloud", "aws")
    assert code == 0
    assert "+ topowire:aws:Topology  ai-platform" in out
    # stack dev: protect false in its environment
    assert "      + aws:sqs/queue:Queue  embedding-jobs-queue  ai-platform-dev-embedding-jobs.fifo\n" in out
    code, out, _ = run_cli("plan", ROOT / "topology.yaml", "--cloud", "aws", "--stack", "prod")
    assert "Plan of" in out and "stack prod" in out
    assert "      + aws:sqs/queue:Queue  embedding-jobs-queue  ai-platform-embedding-jobs.fifo  [protected]" in out
    # 58 for the channels, 9 for the claim check of inference-requests: the bucket and its 5 settings, two services'
    # payload policies and the attachment to gpu-worker's role
    assert "67 resources to create (20 components):" in out and "  14  aws:sqs/queue:Queue" in out
    assert "   1  aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" in out
    assert "  2  aws:sns/topicPolicy:TopicPolicy" in out
    assert ("      + aws:sns/topicSubscription:TopicSubscription  inference-results-notifier-subscription  "
            "[after inference-results-notifier-dlq-policy, inference-results-notifier-policy]") in out
    code, out, _ = run_cli("plan", ROOT / "topology.yaml", "--cloud", "aws", "--format", "json")
    doc_ = json.loads(out)
    assert code == 0 and doc_["cloud"] == "aws" and set(doc_) == {"cloud", "file", "stack", "resources", "outputs"}
    r = doc_["resources"][0]
    assert set(r) == {"urn", "type", "name", "parent", "custom", "protect", "id", "inputs", "outputs", "aliases",
                      "dependsOn", "replaceOnChanges", "deleteBeforeReplace", "explicitDependsOn"}


def test_the_pulumi_entry_point_runs_the_same_program():
    text = (ROOT / "__main__.py").read_text()
    assert "from generator.program import main" in text and "\nmain()" in text
    import yaml

    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert project["name"] == "topowire" and "cloud" in project["config"]


KEY = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"
# tests/cases/aws/full.yaml, written out: name -> (visibility, retention, delay, maxMessageSize, SSE, KMS key,
# maxReceiveCount of the redrive policy or None, protect)
AWS_FULL = {
    "shop-dev-orders.fifo": (30, 2 * 86400, 0, None, None, "alias/shop-orders", 4, True),
    "shop-dev-orders-dlq.fifo": (30, 10 * 86400, None, None, None, "alias/shop-orders", None, True),
    "shop-dev-scratch": (30, 4 * 86400, 30, 64 * 1024, False, None, None, False),
    "shop-dev-audit-janitor": (30, 4 * 86400, 0, 64 * 1024, True, None, None, True),
    # SNS's own DLQ of a subscription queue, even with dead_letter: false (what SNS cannot deliver)
    "shop-dev-audit-janitor-dlq": (30, 14 * 86400, None, 256 * 1024, True, None, None, True),
    "shop-dev-payments-ledger.fifo": (120, 4 * 86400, 0, None, None, KEY, 5, True),
    "shop-dev-payments-ledger-dlq.fifo": (120, 14 * 86400, None, None, None, KEY, None, True),
}


def test_full_fixture_queues_written_out():
    plan = plan_of(CASES / "aws" / "full.yaml")
    queues = {r.inputs["name"]: r for r in plan.by_type(QUEUE)}
    assert sorted(queues) == sorted(AWS_FULL)
    for name, (vis, ret, delay, size, sse, key, receives, protect) in AWS_FULL.items():
        r, i = queues[name], queues[name].inputs
        got = (i["visibilityTimeoutSeconds"], i["messageRetentionSeconds"], i.get("delaySeconds"),
               i.get("maxMessageSize"), i.get("sqsManagedSseEnabled"), i.get("kmsMasterKeyId"),
               json.loads(i["redrivePolicy"])["maxReceiveCount"] if "redrivePolicy" in i else None, r.protect)
        assert got == (vis, ret, delay, size, sse, key, receives, protect), name
        # SQS accepts a data-key reuse period of 60..86400 s; topowire uses 300 with a KMS key
        assert i.get("kmsDataKeyReusePeriodSeconds") == (300 if key else None), name
        assert i.get("fifoQueue", False) is i.get("contentBasedDeduplication", False) is name.endswith(".fifo")
    topics = {r.inputs["name"]: r.inputs for r in plan.by_type("aws:sns/topic:Topic")}
    assert topics == {
        "shop-dev-audit": {"kmsMasterKeyId": "alias/aws/sns", "name": "shop-dev-audit",
                           "tags": {"env": "test", "team": "payments"}},
        "shop-dev-payments.fifo": {"contentBasedDeduplication": True, "fifoTopic": True, "kmsMasterKeyId": KEY,
                                   "name": "shop-dev-payments.fifo", "tags": {"env": "test", "team": "payments"}}}
    assert sorted(r.inputs["name"] for r in plan.by_type("aws:iam/policy:Policy")) == \
        ["shop-dev-checkout", "shop-dev-fulfilment", "shop-dev-janitor", "shop-dev-ledger"]


def test_a_service_with_one_kind_of_access_gets_exactly_that_policy(write):
    """Each service below needs one kind of access only; each still gets its policy (no fixture has all four)."""
    path = write("targets: [aws]\nqueues: {jobs: {}}\ntopics: {events: {}}\nservices:\n"
                 "  sender: {publishes: [jobs]}\n  announcer: {publishes: [events]}\n"
                 "  worker: {consumes: [jobs]}\n  listener: {consumes: [events]}\n")
    plan = engine.run(str(path), "aws")
    policies = {r.inputs["name"]: doc(r)["Statement"] for r in plan.by_type("aws:iam/policy:Policy")}
    sqs, sns = "arn:aws:sqs:us-east-1:123456789012:", "arn:aws:sns:us-east-1:123456789012:"
    consume = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
    assert policies == {
        "demo-dev-sender": [{"Sid": "SendToQueues", "Effect": "Allow", "Action": ["sqs:SendMessage"],
                             "Resource": [sqs + "demo-dev-jobs"]}],
        "demo-dev-announcer": [{"Sid": "PublishToTopics", "Effect": "Allow", "Action": ["sns:Publish"],
                                "Resource": [sns + "demo-dev-events"]}],
        # a consumer also reads the dead-letter queue it is given as <CH>_DLQ_URL
        "demo-dev-worker": [{"Sid": "ConsumeFromQueues", "Effect": "Allow", "Action": consume,
                             "Resource": [sqs + "demo-dev-jobs"]},
                            {"Sid": "ConsumeDeadLetters", "Effect": "Allow", "Action": consume,
                             "Resource": [sqs + "demo-dev-jobs-dlq"]}],
        "demo-dev-listener": [{"Sid": "ConsumeFromQueues", "Effect": "Allow", "Action": consume,
                               "Resource": [sqs + "demo-dev-events-listener"]},
                              {"Sid": "ConsumeDeadLetters", "Effect": "Allow", "Action": consume,
                               "Resource": [sqs + "demo-dev-events-listener-dlq"]}],
    }


@pytest.mark.parametrize("path", [ROOT / "topology.yaml", CASES / "aws" / "full.yaml"], ids=["topology", "full"])
def test_with_an_endpoint_every_data_source_asks_the_emulator(path, monkeypatch):
    """`topowire local` plans against moto: a KMS key or the account id looked up through the default provider
    would ask the real AWS account of whoever runs it (and fail without credentials)."""
    from pulumi.runtime import mocks

    asked = []
    original = mocks.MockMonitor.Invoke

    def listen(self, request):
        asked.append((request.tok, request.provider.split("::")[-2]))
        return original(self, request)

    monkeypatch.setattr(mocks.MockMonitor, "Invoke", listen)
    engine.run(str(path), "aws", endpoint="http://127.0.0.1:4566")
    tokens = {tok for tok, _ in asked}
    assert "aws:kms/getKey:getKey" in tokens                         # both files use a KMS key
    if path.name == "full.yaml":
        assert "aws:index/getCallerIdentity:getCallerIdentity" in tokens  # a role given by ARN: the account is checked
    assert {provider for _, provider in asked} == {"emulator"}
