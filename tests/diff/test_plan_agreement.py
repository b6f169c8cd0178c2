"""The diff's per-cloud actions agree with the plans (issue 30): for each field change, the resources that the
plans of base and head (mock engine) differ in are exactly the resources `topowire diff` lists, on every cloud.

A new ``kms_key`` once listed only the queue on AWS (the plan also changes its DLQ and the IAM policies of its
publisher and consumer) and an update on Azure and GCP, whose plans do not change. The comparison is a class:
a new setting that one side models and the other does not fails here (tests/diff/plan_agreement.py)."""

from __future__ import annotations

import pytest

from plan_agreement import disagreement

BASE = """version: 1
name: shop
targets: [aws, azure, gcp]
queues:
  orders: {dead_letter: {max_receive_count: 5}}
topics:
  events: {}
services:
  web: {publishes: [orders, events]}
  worker: {consumes: [orders, events]}
"""
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"
ORDERS = "  orders: {dead_letter: {max_receive_count: 5}}"
EDITS = {
    "queue kms_key": (ORDERS, ORDERS[:-1] + f', encryption: {{kms_key: "{KEY}"}}}}'),
    "queue encryption none": (ORDERS, ORDERS[:-1] + ", encryption: none}"),
    "topic kms_key": ("  events: {}", f'  events: {{encryption: {{kms_key: "{KEY}"}}}}'),
    "consumer visibility_timeout": ("worker: {consumes: [orders, events]}",
                                    "worker: {consumes: {orders: , events: {visibility_timeout: 2m}}}"),
    "retention": (ORDERS, ORDERS[:-1] + ", retention: 1d}"),
    "visibility_timeout": (ORDERS, ORDERS[:-1] + ", visibility_timeout: 2m}"),
    "max_receive_count": ("max_receive_count: 5", "max_receive_count: 7"),
    "delay": (ORDERS, ORDERS[:-1] + ", delay: 10s}"),
    "max_message_size": (ORDERS, ORDERS[:-1] + ", max_message_size: 128KiB}"),
    "consumer dead_letter off": ("worker: {consumes: [orders, events]}",
                                 "worker: {consumes: {orders: , events: {dead_letter: false}}}"),
    "dead_letter off": (ORDERS, "  orders: {dead_letter: false}"),
    "tags": ("targets: [aws, azure, gcp]", "targets: [aws, azure, gcp]\ntags: {team: a}"),
    "alarm_topic": ("targets: [aws, azure, gcp]", "targets: [aws, azure, gcp]\nclouds: {aws: {alarm_topic: "
                                                  "'arn:aws:sns:us-east-1:123456789012:oncall'}}"),
    "filter": ("worker: {consumes: [orders, events]}", "worker: {consumes: {orders: , events: {filter: {kind: [a]}}}}"),
    "description": ("  events: {}", "  events: {description: hello}"),
    "azure premium max_message_size": ("targets: [aws, azure, gcp]\n",
                                       "targets: [aws, azure, gcp]\nclouds: {azure: {sku: Premium}}\n"),
}


@pytest.fixture(scope="module")
def base_path(tmp_path_factory):
    p = tmp_path_factory.mktemp("agreement") / "base.yaml"
    p.write_text(BASE)
    return p


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_diff_lists_what_the_plans_change_and_nothing_else(tmp_path, base_path, edit, cloud):
    old, new = EDITS[edit]
    assert old in BASE
    head = tmp_path / "head.yaml"
    head.write_text(BASE.replace(old, new))
    base = base_path
    if edit == "azure premium max_message_size":   # on Premium, the message size is applied: an update there
        base = tmp_path / "base.yaml"
        base.write_text(BASE.replace(old, new))
        head.write_text(BASE.replace(old, new).replace(ORDERS, ORDERS[:-1] + ", max_message_size: 512KiB}"))
    missing, extra = disagreement(base, head, cloud)
    assert (missing, extra) == ([], []), f"the plan changes {missing} that the diff does not list; the diff lists {extra}"
