"""The model: defaults applied in the documented order, units normalised, frozen."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import EXAMPLES, HEADER
from generator import model
from generator.loader import load_bytes, load_file


def build(text):
    return model.build(load_bytes(HEADER + text, "t.yaml"))


def test_builtin_defaults():
    q = build("queues: {jobs: {}}\n").queues["jobs"]
    s = q.settings
    assert (s.visibility_timeout, s.retention, s.delay, s.protect, q.fifo) == (30, 4 * 86400, 0, True, False)
    assert s.dead_letter == model.DeadLetter(True, 5, 14 * 86400)
    assert s.encryption == model.Encryption("managed")
    assert s.max_message_size is None


def test_precedence_defaults_then_channel_then_consumer():
    t = build("defaults: {visibility_timeout: 1m, retention: 2d, max_receive_count: 7}\n"
              "topics:\n  events: {visibility_timeout: 2m}\nqueues:\n  jobs: {retention: 3d}\n"
              "services:\n  wk:\n    consumes:\n      jobs: {visibility_timeout: 5m}\n"
              "      events: {max_receive_count: 9}\n")
    jobs = t.queues["jobs"].settings
    assert (jobs.visibility_timeout, jobs.retention, jobs.dead_letter.max_receive_count) == (300, 3 * 86400, 7)
    assert jobs.origins["visibility_timeout"] == ("services", "wk", "consumes", "jobs", "visibility_timeout")
    [sub] = [c for c in t.services["wk"].consumes if c.channel == "events"]
    assert (sub.settings.visibility_timeout, sub.settings.dead_letter.max_receive_count) == (120, 9)
    assert sub.settings.retention == 2 * 86400


def test_dead_letter_object_and_false():
    t = build("defaults: {dead_letter: false}\nqueues:\n  a1: {}\n  b1: {max_receive_count: 2, dead_letter: "
              "{max_receive_count: 3, retention: 20d}}\n")
    assert t.queues["a1"].settings.dead_letter.enabled is False
    assert t.queues["b1"].settings.dead_letter == model.DeadLetter(True, 3, 20 * 86400)


def test_dead_letter_keeps_at_least_the_source_retention():
    t = build("queues:\n  long: {retention: 30d}\n")
    assert t.queues["long"].settings.dead_letter.retention == 30 * 86400


@pytest.mark.parametrize("text,secs", [("90", 90), ("90s", 90), ("10m", 600), ("4h", 14400), ("14d", 1209600)])
def test_durations(text, secs):
    assert build(f"queues: {{q1: {{delay: {text}}}}}\n").queues["q1"].settings.delay == secs


def test_sizes_and_kms():
    q = build("queues: {q1: {max_message_size: 256KiB, encryption: {kms_key: alias/k}}}\n").queues["q1"]
    assert q.settings.max_message_size == 262144
    assert q.settings.encryption == model.Encryption("kms", "alias/k")


def test_short_and_long_consumer_forms_and_indexes():
    t = build("queues: {jobs: {}}\ntopics: {events: {}}\nservices:\n  a1: {consumes: [jobs], publishes: [events]}\n"
              "  b1:\n    consumes:\n      events: {filter: {kind: [x, y]}}\n      jobs:\n")
    assert [c.service for c in t.consumers["jobs"]] == ["a1", "b1"]
    [ev] = t.consumers["events"]
    assert ev.kind == "topic" and ev.filter == (("kind", ("x", "y")),)
    assert [r.service for r in t.publishers["events"]] == ["a1"]


def test_frozen():
    t = build("queues: {jobs: {}}\n")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.queues["jobs"].fifo = True
    with pytest.raises(TypeError):
        t.queues["new"] = None


def test_shared_example_model():
    t = model.build(load_file(EXAMPLES[0]))
    assert t.queues["inference-requests"].settings.dead_letter.max_receive_count == 3
    assert t.queues["embedding-jobs"].fifo is True
    assert t.queues["batch-scoring"].settings.visibility_timeout == 7200  # from its consumer
    assert t.messages["InferenceRequest"].schema["required"] == ["request_id", "model", "prompt"]
