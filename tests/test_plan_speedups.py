"""What `plan` does to run faster changes nothing it reports, and leaves the SDK as it found it."""

from __future__ import annotations

import contextlib
import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from generator.plan import engine, sdk_shortcuts

TOPOLOGY = ROOT / "topology.yaml"


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_the_plan_is_the_same_without_the_sdk_shortcuts(monkeypatch, cloud):
    fast = engine.run(str(TOPOLOGY), cloud).as_dict()
    monkeypatch.setattr(sdk_shortcuts, "shortcuts", contextlib.nullcontext)
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

    from pulumi.runtime import rpc

    before_unknowns = rpc.contains_unknowns
    sdk_resource._get_stack_trace = spy
    try:
        plan = engine.run(str(TOPOLOGY), "gcp")
        # only the stack resource, registered when the mocks are set, before the program runs
        assert len(calls) == 1 and len(plan.resources) > 20
        assert sdk_resource._get_stack_trace is spy
    finally:
        sdk_resource._get_stack_trace = before_trace
    assert gc.get_threshold() == before_gc
    assert rpc.contains_unknowns is before_unknowns


def _values():
    from pulumi.output import Unknown

    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=3),
                       st.just(Unknown()))
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                                         st.dictionaries(st.text(max_size=2), inner, max_size=4)),
                        max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_values(), st.booleans())
def test_contains_unknowns_answers_as_the_sdks_does(value, shared):
    from pulumi.runtime import rpc

    if shared and isinstance(value, (list, dict)):  # the same object twice, and a list that holds itself
        value = [value, value, {"again": value}]
        value.append(value)
    assert sdk_shortcuts.contains_unknowns(value) is rpc.contains_unknowns(value)


@pytest.mark.parametrize("which", ["sdk", "shortcut"])
def test_contains_unknowns_leaves_no_cycles_for_the_collector(which):
    from pulumi.runtime import rpc

    check = rpc.contains_unknowns if which == "sdk" else sdk_shortcuts.contains_unknowns
    value = {"a": [1, {"b": "c"}], "d": "e"}
    gc.collect()
    gc.disable()
    try:
        for _ in range(200):
            check(value)
        garbage = gc.collect()
    finally:
        gc.enable()
    if which == "sdk":  # what the shortcut is for: the SDK's nested function refers to itself (a cycle a call)
        assert garbage >= 200, "the SDK's contains_unknowns no longer leaves a cycle a call: drop the shortcut"
    else:
        assert garbage == 0
