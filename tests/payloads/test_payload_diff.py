"""diff and large payloads: storage that stops outliving its messages is destructive."""

from __future__ import annotations

import json

from conftest import run_cli

BASE = """version: 1
name: shop
targets: [aws, gcp]
queues:
  documents: {retention: 4d, large_payloads: true}
services:
  api: {publishes: [documents]}
  indexer: {consumes: [documents]}
"""


def diff(tmp_path, head: str, base: str = BASE):
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    assert code in (0, 1), err
    doc = json.loads(out)
    return [a for a in doc["actions"] if a["kind"] == "payload lifecycle rule"], \
        sorted((a["cloud"], a["action"]) for a in doc["destructive"] if a["kind"] == "payload lifecycle rule")


def test_adding_large_payloads_creates_a_rule_and_is_harmless(tmp_path):
    acts, bad = diff(tmp_path, BASE, BASE.replace(", large_payloads: true", ""))
    assert sorted((a["cloud"], a["action"], a["name"]) for a in acts) == [
        ("aws", "create", "s3://shop-dev-payloads/documents/"), ("gcp", "create", "gs://shop-dev-payloads/documents/")]
    assert bad == []


def test_dropping_large_payloads_is_destructive(tmp_path):
    _, bad = diff(tmp_path, BASE.replace(", large_payloads: true", ""))
    assert bad == [("aws", "delete"), ("gcp", "delete")]


def test_a_shorter_lifecycle_than_queued_messages_need_is_destructive(tmp_path):
    acts, bad = diff(tmp_path, BASE.replace("retention: 4d", "retention: 1d"))
    assert bad == [("aws", "update"), ("gcp", "update")]
    assert "18 d -> 15 d" in acts[0]["reason"] and "18d" in acts[0]["reason"]
    acts, bad = diff(tmp_path, BASE.replace("retention: 4d", "retention: 6d"))  # longer: harmless
    assert bad == [] and "18 d -> 20 d" in acts[0]["reason"]


def test_moving_the_payloads_is_destructive(tmp_path):
    head = BASE.replace("  documents: {retention: 4d, large_payloads: true}",
                        "  documents: {retention: 4d, large_payloads: true}\n  other: {}")
    _, bad = diff(tmp_path, head.replace("name: shop", "name: shop2"))
    assert ("aws", "replace") in bad
