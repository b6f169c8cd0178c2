"""Boundaries by table: every limit and clamp of clouds/*_spec.py and every rule threshold, at, just below and
just above the boundary.

The cases are generated FROM the tables the code uses (``ranges()``, ``adjustments()``), so a new entry is
tested without touching this file; the written-out anchors below pin the numbers themselves, so a wrong entry
in a table fails too.
"""

from __future__ import annotations

import json

import pytest

from conftest import HEADER, ROOT
from generator import loader
from generator.check import check_document
from generator.clouds import spec
from generator.clouds.aws import spec as aws_spec
from generator.clouds.azure import spec as azure_spec
from generator.clouds.gcp import spec as gcp_spec
from generator.errors import InputError
from generator.loader import load_bytes
from generator.model import build

DAY = 86400
SKUS = {"aws": [None], "gcp": [None], "azure": ["Basic", "Standard", "Premium"]}

# Written out from the clouds' references (docs/<cloud>.md cites them): (cloud, sku, field) -> (low, high).
RANGES = {
    ("aws", None, "visibility_timeout"): (0, 43200),
    ("aws", None, "retention"): (60, 1209600),
    ("aws", None, "delay"): (0, 900),
    ("aws", None, "max_message_size"): (1024, 1048576),
    ("aws", None, "max_receive_count"): (1, 1000),
    ("aws", None, "dead_letter_retention"): (60, 1209600),
    ("gcp", None, "retention"): (600, 2678400),
    ("gcp", None, "dead_letter_retention"): (600, 2678400),
    ("gcp", None, "max_receive_count"): (None, 100),
    ("gcp", None, "max_message_size"): (None, 10_000_000),
    ("azure", "Basic", "max_message_size"): (1024, 262144),
    ("azure", "Basic", "max_receive_count"): (1, 2000),
    ("azure", "Basic", "retention"): (1, 1209600),
    ("azure", "Standard", "max_message_size"): (1024, 262144),
    ("azure", "Standard", "max_receive_count"): (1, 2000),
    ("azure", "Premium", "max_message_size"): (1024, 104857600),
    ("azure", "Premium", "max_receive_count"): (1, 2000),
}

# Where a warning (TOP203) starts: (cloud, field) -> the values at which `applies` switches.
ADJUSTMENTS = {
    ("azure", "visibility_timeout"): [(300, 301)],      # lock duration at most 5 min
    ("azure", "delay"): [(0, 1)],                       # no queue-level delay
    ("azure", "dead_letter_retention"): [],             # never applied (the sub-queue keeps until read): always
    ("gcp", "visibility_timeout"): [(9, 10), (600, 601)],  # ack deadline 10..600 s
    ("gcp", "max_receive_count"): [(4, 5)],             # at least 5 delivery attempts
    ("gcp", "delay"): [(0, 1)],
}

SCHEMA = json.loads((ROOT / "schema" / "topology.schema.json").read_text())
SCHEMA_MAX = {"max_receive_count": SCHEMA["$defs"]["maxReceiveCount"]["maximum"]}
SCHEMA_MIN = {"max_receive_count": SCHEMA["$defs"]["maxReceiveCount"]["minimum"],
              "max_message_size": SCHEMA["$defs"]["size"]["anyOf"][0]["minimum"]}


def topo_for(cloud, sku):
    clouds = f"clouds: {{azure: {{sku: {sku}}}}}\n" if sku else ""
    return build(load_bytes(HEADER + f"targets: [{cloud}]\n{clouds}queues: {{q1: {{}}}}\n", "t.yaml"))


def table(cloud, sku):
    return {r.field: r for r in spec(cloud).ranges(topo_for(cloud, sku))}


def test_the_ranges_are_the_written_out_ones():
    got = {(c, sku, f): (r.low, r.high) for c in SKUS for sku in SKUS[c] for f, r in table(c, sku).items()}
    assert got == RANGES


def setting_yaml(field, value):
    if field == "dead_letter_retention":
        return f"dead_letter: {{retention: {value}}}"
    return f"{field}: {value}"


def diagnostics(cloud, sku, field, value):
    clouds = f"clouds: {{azure: {{sku: {sku}}}}}\n" if sku else ""
    text = HEADER + f"targets: [{cloud}]\n{clouds}queues:\n  q1: {{{setting_yaml(field, value)}}}\n" \
                    "services:\n  api: {publishes: [q1]}\n  worker: {consumes: [q1]}\n"
    return check_document(load_bytes(text, "t.yaml"), (cloud,)).diagnostics


RANGE_CASES = [(c, sku, f, bound, value)
               for (c, sku, f), (low, high) in RANGES.items()
               for bound in (low, high) if bound is not None
               for value in (bound - 1, bound, bound + 1)]


@pytest.mark.parametrize("cloud,sku,field,bound,value", RANGE_CASES,
                         ids=lambda x: str(x))
def test_TOP201_at_below_and_above_each_limit(cloud, sku, field, bound, value):
    r = table(cloud, sku)[field]
    inside = (r.low is None or value >= r.low) and (r.high is None or value <= r.high)
    diags = diagnostics(cloud, sku, field, value)
    mine = [d for d in diags if d.code == "TOP201" and f"{field} is " in d.message]
    schema_refuses = value < SCHEMA_MIN.get(field, 0) or value > SCHEMA_MAX.get(field, float("inf"))
    if schema_refuses:  # the format itself stops it first, with its own message
        assert not mine and [d for d in diags if d.level == "error"], (value, diags)
    elif inside:
        assert not [d for d in diags if d.level == "error"], diags
    else:
        [d] = mine
        word = "at most" if r.low is None else "at least" if r.high is None else "between"
        assert word in d.message and spec(cloud).TITLE in d.message
        assert f"set {field.replace('dead_letter_retention', 'dead_letter.retention')}: " in d.hint


def transitions(adj, top=3 * DAY):
    return [(v, v + 1) for v in range(-1, top) if adj.applies(v) != adj.applies(v + 1) and v >= 0]


def test_the_adjustments_switch_where_written_out():
    got = {}
    for c in ("aws", "azure", "gcp"):
        for adj in spec(c).adjustments(topo_for(c, None)):
            got.setdefault((c, adj.field), []).extend(transitions(adj))
    got = {k: sorted(v) for k, v in got.items()}
    assert got == ADJUSTMENTS


ADJUST_CASES = [(c, f, v) for (c, f), pairs in ADJUSTMENTS.items() for pair in pairs
                for v in (pair[0] - 1, *pair, pair[1] + 1) if v >= 0 and not (f == "max_receive_count" and v < 1)]


@pytest.mark.parametrize("cloud,field,value", ADJUST_CASES, ids=str)
def test_TOP203_warns_exactly_where_the_table_applies(cloud, field, value):
    applies = any(a.applies(value) for a in spec(cloud).adjustments(topo_for(cloud, None)) if a.field == field)
    diags = diagnostics(cloud, None, field, value)
    assert not [d for d in diags if d.level == "error"], diags
    warned = [d for d in diags if d.code == "TOP203"]
    assert bool(warned) is applies, (value, warned)


# The clamps the programs apply, written out at, below and above every boundary.
@pytest.mark.parametrize("given,want", [(0, "PT5S"), (4, "PT5S"), (5, "PT5S"), (6, "PT6S"), (299, "PT4M59S"),
                                        (300, "PT5M"), (301, "PT5M"), (7200, "PT5M")])
def test_azure_lock_duration_clamp(given, want):
    assert azure_spec.lock_duration(given) == want
    assert azure_spec.LOCK_MAX == 300


@pytest.mark.parametrize("given,want", [(0, 10), (9, 10), (10, 10), (11, 11), (599, 599), (600, 600), (601, 600)])
def test_gcp_ack_deadline_clamp(given, want):
    assert gcp_spec.ack_deadline(given) == want


@pytest.mark.parametrize("given,want", [(1, 5), (4, 5), (5, 5), (6, 6), (99, 99), (100, 100), (101, 100)])
def test_gcp_delivery_attempts_clamp(given, want):
    assert gcp_spec.delivery_attempts(given) == want


@pytest.mark.parametrize("given,want", [(599, "600s"), (600, "600s"), (601, "601s"), (2678399, "2678399s"),
                                        (2678400, "2678400s"), (2678401, "2678400s")])
def test_gcp_retention_clamp(given, want):
    assert gcp_spec.retention(given) == want


@pytest.mark.parametrize("given,want", [(1024, 1024), (1024 * 1024 - 1, 1024), (1024 * 1024, 1024),
                                        (1024 * 1025, 1025), (100 * 1024 * 1024, 102400)])
def test_azure_premium_message_size_kb(given, want):
    assert azure_spec.message_size_kb(given) == want


@pytest.mark.parametrize("n,bad", [(5, False), (6, True)])
def test_sns_filter_attribute_limit(n, bad):
    flt = tuple((f"a{i}", ("x",)) for i in range(n))
    assert bool(aws_spec.filter_problems(flt)) is bad


@pytest.mark.parametrize("combos,bad", [(149, False), (150, False), (151, True)])
def test_sns_filter_combination_limit(combos, bad):
    flt = (("a", tuple(f"v{i}" for i in range(combos))),)
    problems = aws_spec.filter_problems(flt)
    assert bool(problems) is bad
    if bad:
        assert problems == [f"SNS filter policies allow at most 150 combinations of values, this one has {combos}"]


@pytest.mark.parametrize("length,bad", [(255, False), (256, False), (257, True)])
def test_pubsub_filter_256_bytes(length, bad):
    # attributes.k = "…": 17 bytes around the value
    flt = (("k", ("v" * (length - 17),)),)
    assert len(gcp_spec.filter_expression(flt).encode()) == length
    assert bool(gcp_spec.filter_problems(flt)) is bad


@pytest.mark.parametrize("length,bad", [(1023, False), (1024, False), (1025, True)])
def test_service_bus_sql_filter_1024_characters(length, bad):
    flt = (("kind", ("a" * (length - 12),)),)   # kind IN ('…'): 12 characters around the value
    assert len(azure_spec.sql_filter(flt)) == length
    assert bool(azure_spec.filter_problems(flt)) is bad


# Rule thresholds.

@pytest.mark.parametrize("processing,refused", [(59, False), (60, False), (61, True)])
def test_TOP105_visibility_equal_to_processing_time_is_accepted(processing, refused):
    """visibility_timeout == processing_time is accepted (see TOP105's docstring): refused only strictly above."""
    text = HEADER + "queues: {q1: {visibility_timeout: 60}}\nservices:\n  api: {publishes: [q1]}\n" \
                    f"  worker:\n    consumes:\n      q1: {{processing_time: {processing}}}\n"
    found = [d for d in check_document(load_bytes(text, "t.yaml")).diagnostics if d.code == "TOP105"]
    assert bool(found) is refused


@pytest.mark.parametrize("dlq,warned", [(4 * DAY - 1, True), (4 * DAY, False), (4 * DAY + 1, False)])
def test_TOP108_dead_letter_retention_equal_to_the_source_is_enough(dlq, warned):
    text = HEADER + f"queues: {{q1: {{retention: {4 * DAY}, dead_letter: {{retention: {dlq}}}}}}}\n" \
                    "services:\n  api: {publishes: [q1]}\n  worker: {consumes: [q1]}\n"
    found = [d for d in check_document(load_bytes(text, "t.yaml"), ("aws",)).diagnostics if d.code == "TOP108"]
    assert bool(found) is warned


def test_file_size_limit_is_16_mib():
    assert loader.MAX_BYTES == 16 * 1024 * 1024
    with pytest.raises(InputError, match="larger than 16 MiB"):
        load_bytes(HEADER.encode() + b"#" * (loader.MAX_BYTES + 1 - len(HEADER)), "t.yaml")
    # exactly at the limit is read (a comment-only tail: the YAML is tiny)
    load_bytes(HEADER.encode() + b"#" * (loader.MAX_BYTES - len(HEADER)), "t.yaml")
