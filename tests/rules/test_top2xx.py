"""The cloud limits, by code: each cloud's real numbers, checked only for its targets."""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator.check import check_document
from generator.loader import load_bytes


def found(text, code, clouds=None):
    return [d for d in check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics if d.code == code]


@pytest.mark.parametrize("setting,ok,bad", [
    ("visibility_timeout", "12h", "43201"),
    ("retention", "60s", "59s"),
    ("retention", "14d", "1209601"),
    ("delay", "15m", "901"),
    ("max_message_size", "1MiB", "1048577"),
    ("max_receive_count", "1000", None),
])
def test_TOP201_aws_boundaries(setting, ok, bad):
    assert found(f"targets: [aws]\nqueues:\n  q1: {{{setting}: {ok}}}\n", "TOP201") == []
    if bad:
        [d] = found(f"targets: [aws]\nqueues:\n  q1: {{{setting}: {bad}}}\n", "TOP201")
        assert "AWS" in d.message and setting in d.message


def test_TOP201_gcp_retention_and_delivery_attempts():
    assert found("targets: [gcp]\nqueues:\n  q1: {retention: 31d, max_receive_count: 100}\n", "TOP201") == []
    assert len(found("targets: [gcp]\nqueues:\n  q1: {retention: 9m}\n", "TOP201")) == 1
    assert len(found("targets: [gcp]\nqueues:\n  q1: {max_receive_count: 101}\n", "TOP201")) == 1


def test_TOP201_only_for_targets_and_narrowed_by_cloud_flag():
    text = "targets: [gcp]\nqueues:\n  q1: {retention: 20d}\n"
    assert found(text, "TOP201") == []  # 20d is fine on GCP, and AWS is not a target
    text = "queues:\n  q1: {retention: 20d}\n"
    assert len(found(text, "TOP201")) == 1
    assert found(text, "TOP201", clouds=("gcp", "azure")) == []


def test_TOP201_azure_message_size_depends_on_the_tier():
    text = "targets: [azure]\nclouds: {azure: {sku: %s}}\nqueues:\n  q1: {max_message_size: 1MiB}\n"
    assert len(found(text % "Standard", "TOP201")) == 1
    assert found(text % "Premium", "TOP201") == []


def test_TOP201_reports_an_inherited_value_once_at_its_origin():
    text = ("targets: [aws]\ndefaults: {retention: 15d}\nqueues:\n  q1: {}\n  q2: {}\n")
    [d] = found(text, "TOP201")
    assert d.path == ("defaults", "retention")


def test_TOP202_sqs_fifo_suffix_counts():
    topic = "t" * 35
    text = ("targets: [aws]\ntopics:\n  %s: {fifo: true, dead_letter: false}\nservices:\n  pub: {publishes: [%s]}\n"
            "  %s: {consumes: [%s]}\n")
    # Even with dead_letter: false a topic subscription has a DLQ (SNS's own), <queue>-dlq.fifo: the longest name.
    fits = "s" * 26  # demo-dev- (9) + 35 + - (1) + 26 + -dlq.fifo (9) = 80
    assert found(text % (topic, topic, fits, topic), "TOP202") == []
    [d] = found(text % (topic, topic, fits + "x", topic), "TOP202")
    assert "81 characters" in d.message and d.message.endswith("at most 80")
    assert f"'demo-dev-{topic}-{fits}x-dlq.fifo'" in d.message


def test_TOP202_gcp_service_account_ids_are_shortened_not_refused():
    # demo-dev-worker-with-a-long-name-xy has 35 characters: the id is cut and hashed instead (gcp_spec.fit_account_id)
    text = "targets: [gcp]\nservices:\n  worker-with-a-long-name-xy: {}\n  io: {}\n"
    assert found(text, "TOP202") == []


def test_TOP203_clamps_are_warnings_that_name_the_cloud():
    ds = found("queues:\n  q1: {visibility_timeout: 2h, delay: 1m, max_receive_count: 3}\n", "TOP203")
    text = " | ".join(d.message for d in ds)
    assert all(d.level == "warning" for d in ds)
    assert "Azure" in text and "clamped to 5m" in text and "600s" in text and "raised to 5" in text
    assert "no queue-level delivery delay" in text and "Pub/Sub has no delivery delay" in text
    assert found("targets: [aws]\nqueues:\n  q1: {visibility_timeout: 2h, delay: 1m}\n", "TOP203") == []


def test_TOP203_groups_subscriptions_that_inherit_one_value():
    text = ("targets: [gcp]\ndefaults: {visibility_timeout: 20m}\ntopics: {t1: {}}\nservices:\n"
            "  pub: {publishes: [t1]}\n" + "".join(f"  s{i}x: {{consumes: [t1]}}\n" for i in range(5)))
    [d] = found(text, "TOP203")
    assert "and 2 more" in d.message


def test_TOP204_basic_tier_with_fifo_queue():
    [d] = found("targets: [azure]\nclouds: {azure: {sku: Basic}}\nqueues:\n  q1: {fifo: true}\n", "TOP204")
    assert "sessions" in d.message


def test_TOP205_only_for_subscription_queues_on_aws():
    text = ("queues:\n  q1: {encryption: {kms_key: alias/q}}\ntopics:\n  t1: {encryption: {kms_key: alias/t}}\n"
            "services:\n  pub: {publishes: [q1, t1]}\n  sub: {consumes: [q1, t1]}\n")
    [d] = found(text, "TOP205")
    assert "alias/t" in d.message and "sns.amazonaws.com" in d.message and "dead-letter queue" in d.message
    assert d.hint == (
        'add this statement to the key policy (docs/aws.md): {"Sid":"AllowSNSToDeliverToEncryptedQueues",'
        '"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*",'
        '"kms:Decrypt"],"Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":'
        '"arn:aws:sns:<region>:<account-id>:demo-dev-t1"}}}, or use encryption: managed')
    assert found(text.replace("queues:", "targets: [gcp]\nqueues:"), "TOP205") == []


def test_TOP211_long_processing_on_gcp_names_the_client_settings():
    text = ("queues:\n  jobs: {visibility_timeout: 3h}\nservices:\n  api: {publishes: [jobs]}\n  worker:\n"
            "    consumes:\n      jobs: {processing_time: %s}\n")
    assert found(text % "10m", "TOP211") == []  # exactly the ack deadline maximum: nothing to extend
    [d] = found(text % "15m", "TOP211")
    assert d.message == ("on GCP, service 'worker' needs up to 15m per message of 'jobs', longer than the 600s "
                         "Pub/Sub ack deadline: its client must keep lease management on (the client libraries "
                         "extend leases up to 1h by default)")
    assert d.path == ("services", "worker", "consumes", "jobs", "processing_time")
    [d] = found(text % "2h", "TOP211")
    assert d.message.endswith("the client libraries stop extending leases after 1h by default, so its client must "
                              "raise the maximum lease extension to 7200s or the message is delivered again while "
                              "still processed")
    assert d.hint == ("set the maximum lease extension to 7200s (environment JOBS_MAX_LEASE_SECONDS): Python "
                      "FlowControl(max_lease_duration=7200), Java Subscriber.newBuilder(...)"
                      ".setMaxAckExtensionPeriod(Duration.ofSeconds(7200)), Go sub.ReceiveSettings.MaxExtension = "
                      "7200 * time.Second")
    assert found(text % "2h", "TOP211", clouds=("aws", "azure")) == []


def test_TOP206_sns_value_combinations_and_pubsub_expression_length():
    vals = "[" + ", ".join(f"v{i}" for i in range(13)) + "]"
    text = ("targets: [aws]\ntopics: {t1: {}}\nservices:\n  pub: {publishes: [t1]}\n  sub:\n    consumes:\n"
            f"      t1: {{filter: {{a: {vals}, b: {vals}}}}}\n")
    [d] = found(text, "TOP206")
    assert "169" in d.message
    long_values = "[" + ", ".join("x" * 40 + str(i) for i in range(6)) + "]"
    text = ("targets: [gcp]\ntopics: {t1: {}}\nservices:\n  pub: {publishes: [t1]}\n  sub:\n    consumes:\n"
            f"      t1: {{filter: {{a: {long_values}}}}}\n")
    [d] = found(text, "TOP206")
    assert "256" in d.message
