"""What `topowire plan` changes in the Pulumi SDK while the mock engine runs the program, and why.

Each shortcut gives the same results with less work, is measured in bench/NOTES.md, and is undone when the plan
ends. `pulumi up` and `pulumi preview` run the SDK as it is: only `topowire plan` and the tests come through here.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache


@contextmanager
def shortcuts():
    """Both shortcuts below, for the length of the block: the SDK's own functions are put back after."""
    try:
        from pulumi.runtime import resource as sdk_resource
        from pulumi.runtime import rpc
        from pulumi.runtime.proto import source_pb2
    except ImportError:  # pragma: no cover - another SDK layout: keep its behaviour
        yield
        return
    # Skip the SDK's capture of each resource's Python stack. For every resource registered by a typed class
    # (``aws.sqs.Queue``...), the SDK walks the whole Python stack, reads each frame's source line and turns
    # each file name into a URI, so that the engine can point at the program line in its messages. The mock
    # monitor discards all of it, and it cost ~1 ms a resource, as much as the rest of registering it.
    with _swapped(sdk_resource, "_get_stack_trace", source_pb2.StackTrace), \
            _swapped(rpc, "contains_unknowns", contains_unknowns):
        yield


@contextmanager
def _swapped(module, name: str, value):
    saved = getattr(module, name, None)
    if saved is None:  # pragma: no cover - another SDK version: keep its behaviour
        yield
        return
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def contains_unknowns(val) -> bool:
    """``pulumi.runtime.rpc.contains_unknowns``, the same answer without a reference cycle per call.

    The SDK's version defines a recursive ``impl(val, seen_ids: set[int])`` inside itself on every call: the
    function refers to itself through its closure cell, so each call leaves a function, a cell, the ``set[int]``
    annotation and its tuples for the cyclic garbage collector. Every Output's value is checked (30 calls a
    resource on GCP), and these cycles were nearly all the garbage of a plan: the young-generation collections
    that free them were a fifth to a quarter of `plan`'s CPU, growing per resource with the heap (bench/NOTES.md).
    """
    return _contains_unknowns(val, set(), _unknown())


def _contains_unknowns(val, seen_ids: set, unknown: type) -> bool:
    if isinstance(val, unknown):  # known_types.is_unknown
        return True
    val_id = id(val)
    if val_id in seen_ids:
        return False
    seen_ids.add(val_id)
    if isinstance(val, dict):
        return any(_contains_unknowns(val[k], seen_ids, unknown) for k in val)
    if isinstance(val, list):
        return any(_contains_unknowns(x, seen_ids, unknown) for x in val)
    return False


@cache
def _unknown() -> type:
    from pulumi.output import Unknown

    return Unknown
