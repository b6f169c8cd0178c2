"""Every input the programs send is one the cloud accepts (clouds/*_spec.py ACCEPTS), on generated topologies.

The validator's ranges and name patterns come from the same ACCEPTS tables, so a topology that validates
without errors for a cloud must plan into inputs inside the documented ranges and formats: the programs'
clamps, unit conversions, derived names and constants are what these tests hold to the tables.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import CASES, EXAMPLES, ROOT
from generator.check import check_document, load_topology
from generator.clouds import spec
from generator.clouds.aws import spec as aws_spec
from generator.clouds.azure import spec as azure_spec
from generator.clouds.gcp import spec as gcp_spec
from generator.clouds.accepts import Accepts, problems, seconds
from generator.loader import load_bytes
from generator.plan import engine

FILES = [ROOT / "topology.yaml", *EXAMPLES, *sorted(CASES.glob("*/full.yaml"))]

# Values at and around every documented edge, so that the validator's boundaries are exercised.
VISIBILITY = st.sampled_from([0, 1, 5, 9, 10, 30, 299, 300, 301, 599, 600, 601, 3600, 43200, 43201])
RETENTION = st.sampled_from([59, 60, 599, 600, 3600, 86400, 14 * 86400, 14 * 86400 + 1, 31 * 86400, 31 * 86400 + 1])
DELAY = st.sampled_from([0, 1, 900, 901])
SIZE = st.sampled_from([1023, 1024, 65536, 262144, 262145, 1048576, 1048577, 102400 * 1024, 102400 * 1024 + 1])
RECEIVES = st.sampled_from([1, 2, 4, 5, 100, 101, 1000, 1001, 2000, 2001])
PROCESSING = st.sampled_from([1, 599, 600, 601, 3600, 3601, 40000])
ENCRYPTION = st.sampled_from(["managed", "none", {"kms_key": "alias/orders"}])
VALUES = st.lists(st.sampled_from(["a", "eu", "x y", "say \"hi\"", "it's", "ünï"]), min_size=1, max_size=3, unique=True)
NAMES = st.sampled_from(["p", "plat", "a-platform-with-a-name-long-enough-to-reach-the-cloud-name-limits"])


@st.composite
def store_settings(draw, consumer=False):
    out = {"visibility_timeout": draw(VISIBILITY)} if draw(st.integers(0, 3)) else {}
    for key, values in (("max_receive_count", RECEIVES),
                        *(() if consumer else (("retention", RETENTION), ("delay", DELAY), ("max_message_size", SIZE),
                                               ("encryption", ENCRYPTION)))):
        if draw(st.booleans()):
            out[key] = draw(values)
    if draw(st.booleans()):
        out["dead_letter"] = draw(st.sampled_from([True, False, {"retention": draw(RETENTION)},
                                                   {"max_receive_count": draw(RECEIVES)}]))
    return out


@st.composite
def topologies(draw, cloud):
    long_ = draw(st.booleans())
    queues = {(f"q{i}" if not long_ else f"queue-named-at-length-{i}"):
              {**draw(store_settings()), **({"fifo": True} if draw(st.booleans()) else {})}
              for i in range(draw(st.integers(0, 2)))}
    # a topic's settings are its subscriptions' defaults
    topics = {f"t{i}": {**draw(store_settings()), **({"fifo": True} if draw(st.booleans()) else {})}
              for i in range(draw(st.integers(1 if not queues else 0, 2)))}
    channels = sorted(queues) + sorted(topics)
    services, consumed = {}, set()
    for i in range(draw(st.integers(1, 3))):
        svc = {"publishes": list(channels)} if i == 0 and channels else {}
        subs = {}
        for ch in draw(st.lists(st.sampled_from(channels), unique=True, min_size=1, max_size=3)):
            opts = {}
            if ch in topics:
                opts = draw(store_settings(consumer=True))
                if draw(st.booleans()):
                    opts["filter"] = draw(st.dictionaries(st.sampled_from(["status", "region"]), VALUES, min_size=1,
                                                          max_size=2))
            elif ch in consumed:
                subs[ch] = None
                continue
            if draw(st.booleans()):
                opts["processing_time"] = draw(PROCESSING)
            subs[ch] = opts or None
            consumed.add(ch)
        if subs:
            svc["consumes"] = subs
        services[f"s{i}" if not long_ else f"service-with-a-long-name-{i}"] = svc
    doc = {"version": 1, "name": draw(NAMES), "targets": [cloud], "queues": queues, "topics": topics,
           "services": services, "tags": {"team": "Video Platform", "Cost.Center": draw(st.sampled_from(["42", "x" * 256]))}}
    if cloud == "azure":
        doc["clouds"] = {"azure": {"sku": draw(st.sampled_from(["Basic", "Standard", "Premium"]))}}
    return doc


def planned_problems(tmp_path, doc, cloud) -> list:
    text = yaml.safe_dump(doc, sort_keys=True, allow_unicode=True)
    result = check_document(load_bytes(text.encode("utf-8"), "gen.yaml"), clouds=(cloud,))
    assume(not [d for d in result.diagnostics if d.level == "error"])  # only what the validator lets through
    path = tmp_path / "gen.yaml"
    path.write_text(text, "utf-8")
    plan = engine.run(str(path), cloud)
    return [p for r in plan.resources if r.custom for p in problems(r.type, r.inputs, spec(cloud).ACCEPTS)]


SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.function_scoped_fixture])


@SETTINGS
@given(doc=topologies("aws"))
def test_aws_accepts_every_input_of_a_valid_topology(tmp_path, doc):
    assert planned_problems(tmp_path, doc, "aws") == []


@SETTINGS
@given(doc=topologies("gcp"))
def test_gcp_accepts_every_input_of_a_valid_topology(tmp_path, doc):
    assert planned_problems(tmp_path, doc, "gcp") == []


@SETTINGS
@given(doc=topologies("azure"))
def test_azure_accepts_every_input_of_a_valid_topology(tmp_path, doc):
    assert planned_problems(tmp_path, doc, "azure") == []


def test_every_repository_topology_plans_into_accepted_inputs():
    for path in FILES:
        topo = load_topology(path)[0]
        for cloud in topo.targets:
            plan = engine.run(str(path), cloud)
            assert [p for r in plan.resources if r.custom for p in problems(r.type, r.inputs, spec(cloud).ACCEPTS)] \
                == [], (path, cloud)


def test_the_validator_ranges_are_the_tables_numbers():
    topo = load_topology(ROOT / "topology.yaml")[0]
    aws = {r.field: (r.low, r.high) for r in aws_spec.ranges(topo)}
    assert aws == {"visibility_timeout": (0, 43200), "retention": (60, 1209600), "delay": (0, 900),
                   "max_message_size": (1024, 1048576), "max_receive_count": (1, 1000),
                   "dead_letter_retention": (60, 1209600)}
    gcp = {r.field: (r.low, r.high) for r in gcp_spec.ranges(topo)}
    assert gcp["retention"] == (600, 2678400) and gcp["max_receive_count"] == (None, 100)
    azure = {r.field: (r.low, r.high) for r in azure_spec.ranges(topo)}
    assert azure["max_receive_count"] == (1, 2000)


def test_the_checker_finds_what_a_cloud_refuses():
    table = aws_spec.ACCEPTS
    assert problems("aws:sqs/queue:Queue", {"visibilityTimeoutSeconds": 43200, "receiveWaitTimeSeconds": 20}, table) == []
    [p] = problems("aws:sqs/queue:Queue", {"visibilityTimeoutSeconds": 43201}, table)
    assert p.startswith("aws:sqs/queue:Queue visibilityTimeoutSeconds: 43201 is above 43200 (SQS API Reference")
    [p] = problems("aws:sqs/queue:Queue", {"name": "x" * 81}, table)
    assert "does not match" in p
    [p] = problems("aws:sqs/queue:Queue", {"redrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:'
                                                            '123456789012:q-dlq", "maxReceiveCount": 1001}'}, table)
    assert p.startswith("aws:sqs/queue:Queue redrivePolicy#maxReceiveCount: 1001 is above 1000")
    [p] = problems("aws:sqs/queue:Queue", {"somethingNew": 3}, table)
    assert p == "aws:sqs/queue:Queue somethingNew: numeric input 3 has no documented range in the table"
    [p] = problems("aws:cloudwatch/metricAlarm:MetricAlarm", {"period": 90}, table)
    assert "neither one of [10, 20, 30] nor a multiple of 60" in p
    assert problems("aws:cloudwatch/metricAlarm:MetricAlarm", {"period": 120, "threshold": -1e9}, table) == []
    gcp = gcp_spec.ACCEPTS
    [p] = problems("gcp:pubsub/subscription:Subscription", {"messageRetentionDuration": "599s"}, gcp)
    assert "'599s' is below 600" in p
    [p] = problems("gcp:pubsub/subscription:Subscription", {"filter": "é" * 129}, gcp)  # 258 bytes
    assert "is 258 long, more than 256" in p
    [p] = problems("gcp:pubsub/subscription:Subscription", {"labels": {"team": "Video Platform"}}, gcp)
    assert "labels.team" in p
    az = azure_spec.ACCEPTS
    [p] = problems("azure-native:servicebus:Queue", {"lockDuration": "PT5M1S"}, az)
    assert "'PT5M1S' is above 300" in p
    [p] = problems("azure-native:servicebus:Queue", {"lockDuration": "5 minutes"}, az)
    assert "is not a ISO 8601 duration" in p


def test_durations():
    assert seconds("PT5M", "iso8601") == 300 and seconds("P1DT1H", "iso8601") == 90000
    assert seconds("P14D", "iso8601") == 14 * 86400 and seconds("PT0.5S", "iso8601") == 0.5
    assert seconds("P", "iso8601") is None and seconds("PT", "iso8601") is None and seconds("5m", "iso8601") is None
    assert seconds("600s", "seconds") == 600 and seconds("1.5s", "seconds") == 1.5 and seconds("PT1M", "seconds") is None


def test_every_table_entry_cites_its_source():
    for mod in (aws_spec, azure_spec, gcp_spec):
        for a in mod.ACCEPTS:
            assert isinstance(a, Accepts) and len(a.source) > 10, a
