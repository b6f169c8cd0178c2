"""What `plan` does to run faster changes nothing it reports, and leaves the SDK as it found it."""

from __future__ import annotations

import contextlib
import gc

import pytest

from conftest import ROOT
from generator.plan import engine

TOPOLOGY = ROOT / "topology.yaml"


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_the_plan_is_the_same_with_the_sdks_source_positions(monkeypatch, cloud):
    fast = engine.run(str(TOPOLOGY), cloud).as_dict()
    monkeypatch.setattr(engine, "_without_source_positions", contextlib.nullcontext)
    slow = engine.run(str(TOPOLOGY), cloud).as_dict()
    assert fast == slow
    assert len(fast["resources"]) > 20


def test_the_sdk_and_the_collector_are_restored_after_a_plan():
    from pulumi.runtime import resource as sdk_resource

    before_trace, before_gc = sdk_resource._get_stack_trace, gc.get_threshold()
    calls = []

    def spy():  # what each registration calls
        calls.append(1)
        return before_trace()

    sdk_resource._get_stack_trace = spy
    try:
        plan = engine.run(str(TOPOLOGY), "gcp")
        # only the stack resource, registered when the mocks are set, before the program runs
        assert len(calls) == 1 and len(plan.resources) > 20
        assert sdk_resource._get_stack_trace is spy
    finally:
        sdk_resource._get_stack_trace = before_trace
    assert gc.get_threshold() == before_gc
