"""Behaviour of the semantic rules beyond their docstring examples, by code."""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator.check import check_document
from generator.loader import load_bytes


def diags(text, clouds=None):
    return check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics


def only(text, code, clouds=None):
    return [d for d in diags(text, clouds) if d.code == code]


def test_TOP101_did_you_mean_and_exact_node():
    [d] = only("queues: {inference-requests: {}}\nservices:\n  api: {publishes: [inference-requets]}\n"
               "  w: {consumes: [inference-requests]}\n".replace("  w:", "  wk:"), "TOP101")
    assert d.hint == "did you mean 'inference-requests'?"
    assert (d.line, d.col) == (5, 21)


def test_TOP101_long_form_consumer_points_at_the_key():
    [d] = only("queues: {jobs: {}}\nservices:\n  wk:\n    consumes:\n      jbos: {processing_time: 1s}\n", "TOP101")
    assert (d.line, d.col) == (7, 7) and "jbos" in d.message


def test_TOP105_inherits_visibility_from_defaults_and_cites_processing_time():
    text = ("defaults: {visibility_timeout: 1m}\ntopics: {t: {}}\nqueues: {jobs: {}}\nservices:\n"
            "  api: {publishes: [jobs]}\n  wk:\n    consumes:\n      jobs: {processing_time: 2m}\n")
    [d] = only(text.replace("topics: {t: {}}\n", ""), "TOP105")
    assert (d.line, d.col) == (9, 31)
    assert "2m" in d.message and "1m" in d.message and "visibility_timeout: 4m" in d.hint


def test_TOP105_defaults_processing_time_applies_to_every_consumer():
    text = ("defaults: {processing_time: 5m}\nqueues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n"
            "  wk: {consumes: [jobs]}\n")
    [d] = only(text, "TOP105")
    assert d.path == ("defaults", "processing_time")


def test_TOP108_warns_only_when_the_dlq_is_shorter():
    assert only("queues:\n  q1: {retention: 14d}\n", "TOP108") == []  # default DLQ retention follows the source
    [d] = only("queues:\n  q1: {retention: 4d, dead_letter: {retention: 2d}}\n", "TOP108")
    assert d.level == "warning" and (d.line, d.col) == (4, 48)


def test_TOP109_both_directions():
    found = only("topics: {events: {}}\n", "TOP109")
    assert {("consumes" in d.message, "publishes" in d.message) for d in found} == {(True, False), (False, True)}


def test_TOP110_names_the_competing_services():
    [d] = only("queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n  one: {consumes: [jobs]}\n"
               "  two: {consumes: [jobs]}\n", "TOP110")
    assert "one, two" in d.message and "topics:" in d.hint


def test_TOP111_queue_and_consumer_disagree_but_equal_values_are_fine():
    base = "queues:\n  jobs: {visibility_timeout: 60s}\nservices:\n  api: {publishes: [jobs]}\n  wk:\n    consumes:\n"
    assert only(base + "      jobs: {visibility_timeout: 1m}\n", "TOP111") == []
    [d] = only(base + "      jobs: {visibility_timeout: 2m}\n", "TOP111")
    assert "queue 'jobs' sets it to 60s" in d.message


def test_TOP112_fifo_suffix_separates_names_on_aws_but_not_on_gcp():
    text = ("targets: [aws, gcp]\nqueues:\n  orders-audit: {fifo: true}\ntopics:\n  orders: {}\nservices:\n"
            "  shop: {publishes: [orders, orders-audit]}\n  audit: {consumes: [orders, orders-audit]}\n")
    found = only(text, "TOP112")
    assert found and all(d.message.startswith("GCP ") for d in found)
    assert only(text, "TOP112", clouds=("aws",)) == []


def test_TOP113_points_inside_the_example():
    text = "messages:\n  Job:\n    schema: {type: object, properties: {n: {type: integer}}}\n    example: {n: x}\n"
    [d] = only(text, "TOP113")
    assert (d.line, d.col) == (6, 18) and "at n" in d.message


def test_TOP107_schema_from_a_file_relative_to_the_topology(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "job.yaml").write_text("type: object\nrequired: [id]\n")
    (tmp_path / "bad.json").write_text('{"type": 12}')
    topo = tmp_path / "topology.yaml"
    topo.write_text(HEADER + "messages:\n  Job: {schema: schemas/job.yaml, example: {id: 1}}\n"
                    "  Bad: {schema: bad.json}\n  Gone: {schema: gone.json}\n")
    from generator.check import check_file

    result = check_file(topo)
    msgs = {d.path[1]: d.message for d in result.diagnostics if d.code == "TOP107"}
    assert set(msgs) == {"Bad", "Gone"}
    assert "not a valid JSON Schema" in msgs["Bad"] and "does not exist" in msgs["Gone"]


@pytest.mark.parametrize("queue,consumer,conflict", [
    ("{retention: 14d}", "{retention: 1209600}", False),      # the same duration, written two ways
    ("{retention: 14d}", "{retention: 13d}", True),
    ("2m", "120", False),
    ("2m", "121", True),
])
def test_TOP111_compares_durations_as_durations_not_text(queue, consumer, conflict):
    field = "visibility_timeout" if "{" not in queue else "dead_letter"
    text = (f"queues:\n  q1: {{{field}: {queue}}}\nservices:\n  api: {{publishes: [q1]}}\n"
            f"  worker:\n    consumes:\n      q1: {{{field}: {consumer}}}\n")
    assert bool(only(text, "TOP111")) is conflict


def test_TOP105_checks_every_consumer_and_names_where_to_fix():
    """A consumer without processing_time first does not stop the check; the hint names the right place."""
    text = ("queues: {q1: {visibility_timeout: 30s}}\ntopics: {t1: {visibility_timeout: 30s}}\n"
            "services:\n  api: {publishes: [q1, t1]}\n  alpha: {consumes: [q1, t1]}\n"
            "  beta:\n    consumes:\n      q1: {processing_time: 8m}\n      t1: {processing_time: 1m}\n")
    found = sorted(only(text, "TOP105"), key=lambda d: d.line)
    assert [(d.line, d.message, d.hint) for d in found] == [
        (10, "service 'beta' needs up to 8m per message of 'q1', but the visibility timeout is 30s: messages would be "
            "delivered again while still being processed",
         "set visibility_timeout: 16m (or at least 8m) on queue 'q1' or this consumer"),
        (11, "service 'beta' needs up to 1m per message of 't1', but the visibility timeout is 30s: messages would be "
            "delivered again while still being processed",
         "set visibility_timeout: 2m (or at least 1m) on this consumer")]
