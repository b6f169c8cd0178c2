"""large_payloads: the format (schema, resolution through defaults and environments) and TOP213 / TOP201."""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator import model, payloads
from generator.check import check_document
from generator.loader import load_bytes

PAIR = "services:\n  api: {publishes: [%s]}\n  worker: {consumes: [%s]}\n"


def diags(text, clouds=None):
    return check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics


def codes(text, clouds=None):
    return sorted(d.code for d in diags(text, clouds) if d.level == "error")


def topo(text, stack="dev"):
    return model.build(load_bytes(HEADER + text, "t.yaml"), stack)


def test_resolution_defaults_channel_environment():
    text = ("defaults: {large_payloads: {threshold: 128KiB}}\n"
            "queues:\n  aa: {}\n  bb: {large_payloads: true}\n  cc: {large_payloads: false}\n"
            "environments:\n  prod:\n    queues:\n      cc: {large_payloads: {threshold: 64KiB}}\n"
            "    defaults: {large_payloads: false}\n"
            + PAIR % ("aa, bb, cc", "aa, bb, cc"))
    dev = topo(text)
    assert dev.queues["aa"].large_payloads.threshold == 128 * 1024
    assert dev.queues["aa"].large_payloads.origin == ("defaults", "large_payloads")
    assert dev.queues["bb"].large_payloads.threshold is None  # the broker's limit
    assert dev.queues["cc"].large_payloads is None
    prod = topo(text, "prod")
    assert prod.queues["aa"].large_payloads is None  # the environment's defaults turn it off
    assert prod.queues["bb"].large_payloads is not None
    assert prod.queues["cc"].large_payloads.threshold == 64 * 1024
    assert [c.name for c in payloads.offloading(prod)] == ["bb", "cc"]


@pytest.mark.parametrize("bad", ["{threshold: 0}", "{threshold: 1GB}", "{size: 1KiB}", "yes please", "{}"])
def test_schema_refuses_bad_values(bad):
    found = diags(f"queues:\n  jobs: {{large_payloads: {bad}}}\n" + PAIR % ("jobs", "jobs"))
    assert any(d.code.startswith("TOP0") or d.code == "schema" or "large_payloads" in d.message for d in found), found
    assert any(d.level == "error" for d in found)


def test_sns_limit_needs_large_payloads_on_aws():
    text = "targets: [aws]\ntopics:\n  docs: {max_message_size: 512KiB}\n" + PAIR % ("docs", "docs")
    [d] = [d for d in diags(text) if d.code == "TOP213"]
    assert "256KiB" in d.message and "large_payloads: true" in d.hint
    assert (d.line, d.col) == (5, 28)  # the value of max_message_size
    fixed = "targets: [aws]\ntopics:\n  docs: {max_message_size: 512KiB, large_payloads: true}\n" + PAIR % ("docs",
                                                                                                        "docs")
    assert codes(fixed) == []


def test_queue_above_sqs_limit_hint_proposes_it_and_offloading_allows_it():
    text = "targets: [aws]\nqueues:\n  jobs: {max_message_size: 5MiB}\n" + PAIR % ("jobs", "jobs")
    [d] = [d for d in diags(text) if d.level == "error"]
    assert d.code == "TOP201" and "large_payloads: true" in d.hint
    assert codes("targets: [aws]\nqueues:\n  jobs: {max_message_size: 5MiB, large_payloads: true}\n"
                 + PAIR % ("jobs", "jobs")) == []


@pytest.mark.parametrize("cloud,threshold,ok", [
    ("aws", "1MiB", True), ("aws", "1048577", False),  # SQS 1 MiB
    ("gcp", "10000000", True), ("gcp", "10000001", False),  # Pub/Sub 10 MB
    ("azure", "256KiB", True), ("azure", "262145", False),  # Service Bus Standard 256 KB
])
def test_threshold_above_broker_limit(cloud, threshold, ok):
    text = f"targets: [{cloud}]\nqueues:\n  jobs: {{large_payloads: {{threshold: {threshold}}}}}\n" + PAIR % ("jobs", "jobs")
    found = [d for d in diags(text) if d.code == "TOP213"]
    assert (found == []) is ok
    if not ok:
        assert "threshold" in d_message(found) and (found[0].line, found[0].col) == (5, 38)


def d_message(found):
    return " ".join(d.message for d in found)


def test_threshold_on_sns_topic_and_premium_service_bus():
    topic = "topics:\n  docs: {large_payloads: {threshold: 512KiB}}\n" + PAIR % ("docs", "docs")
    assert [d.code for d in diags("targets: [aws]\n" + topic) if d.level == "error"] == ["TOP213"]
    premium = "targets: [azure]\nclouds: {azure: {sku: Premium}}\n"
    assert codes(premium + "queues:\n  jobs: {large_payloads: {threshold: 50MiB}}\n" + PAIR % ("jobs", "jobs")) == []


def test_example_larger_than_the_broker():
    big = "x" * (300 * 1024)
    text = (f"targets: [aws]\nmessages:\n  doc: {{example: {big}}}\n"
            "topics:\n  docs: {message: doc}\n" + PAIR % ("docs", "docs"))
    [d] = [d for d in diags(text) if d.code == "TOP213"]
    assert "example" in d.message and d.line == 5
    assert [d for d in diags(text.replace("{message: doc}", "{message: doc, large_payloads: true}"))
            if d.code == "TOP213"] == []


def test_expiry_is_retention_plus_dead_letter_rounded_up():
    text = ("queues:\n  jobs: {retention: 36h, dead_letter: {retention: 14d}, large_payloads: true}\n"
            "topics:\n  docs: {retention: 1d, large_payloads: true}\n"
            "services:\n  api: {publishes: [jobs, docs]}\n  aa: {consumes: {jobs: {}, docs: {dead_letter: false}}}\n"
            "  bb: {consumes: {docs: {dead_letter: {retention: 20d}}}}\n")
    top = topo(text)
    assert payloads.expiry_days(top, top.queues["jobs"]) == 16  # 1.5 d + 14 d, rounded up
    assert payloads.expiry_days(top, top.topics["docs"]) == 1 + 20  # the longest subscription: 1 d + its 20 d DLQ
