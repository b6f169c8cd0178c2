"""The model: defaults applied in the documented order, units normalised, frozen."""

from __future__ import annotations

import dataclasses
import os

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
    assert (ev.processing_time, dict(ev.options)) == (None, {"filter": ("services", "b1", "consumes", "events", "filter")})
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


# --- Every field of the Topology, written out (mutation testing: tests/mutation/model.md) -------------------------

SHOP = """\
version: 1
name: shop
description: Orders and events
owner: team-a
tags: {cost: a1, team: core}
targets: [gcp, aws]
defaults: {visibility_timeout: 1m, processing_time: 20s}
messages:
  Order: {description: One order, content_type: text/plain, example: hello}
  Bare: {}
  Typed: {schema: {type: object}}
queues:
  jobs: {description: Work to do, message: Order, renamed_from: old-jobs, fifo: true, max_message_size: 1KiB}
  plain: {}
topics:
  events: {description: Things that happened, message: Order, renamed_from: old-events, fifo: true, encryption: none}
  news: {}
services:
  api:
    description: Front door
    owner: web
    renamed_from: old-api
    publishes: [jobs, events]
    identity: {aws_role: r1, azure_principal_id: 8f7e0c1a-0000-4000-8000-000000000001, gcp_service_account: s1@x.iam.gserviceaccount.com}
  worker:
    consumes:
      news:
      jobs: {visibility_timeout: 5m, processing_time: 1m}
      events: {filter: {kind: [b, a], at: [x]}, max_receive_count: 9}
  zed: {consumes: [jobs], publishes: [news]}
clouds:
  aws: {alarm_topic: arn:aws:sns:eu-west-1:123456789012:oncall}
  azure: {sku: Premium}
environments:
  prod:
    prefix: shop-live
    tags: {team: ops}
    defaults: {retention: 7d}
    queues: {plain: {delay: 10s}}
    topics: {events: {retention: 2d}, news: {encryption: {kms_key: alias/k}}}
    clouds: {azure: {sku: Standard}}
  dev:
"""
DAYS_14 = 1209600
W = ("services", "worker", "consumes")


def shop(stack="prod", base=False):
    return model.build(load_bytes(SHOP, "t.yaml"), stack, base)


def test_every_field_of_a_queue_with_its_origins():
    t = shop()
    jobs = model.Settings(
        visibility_timeout=300, retention=604800, delay=0, max_message_size=1024,
        dead_letter=model.DeadLetter(True, 5, DAYS_14), encryption=model.Encryption("managed"), protect=True,
        origins={"visibility_timeout": W + ("jobs", "visibility_timeout"),
                 "retention": ("environments", "prod", "defaults", "retention"),
                 "delay": ("queues", "jobs"), "max_message_size": ("queues", "jobs", "max_message_size"),
                 "encryption": ("queues", "jobs"), "protect": ("queues", "jobs"), "dead_letter": ("queues", "jobs"),
                 "max_receive_count": ("queues", "jobs"), "dead_letter_retention": ("queues", "jobs")})
    assert t.queues["jobs"] == model.Queue("jobs", "old-jobs", "Work to do", "Order", True, jobs, ("queues", "jobs"))
    plain = t.queues["plain"]
    assert (plain.name, plain.deployed_name, plain.description, plain.message, plain.fifo, plain.path) == (
        "plain", "plain", "", None, False, ("queues", "plain"))
    assert (plain.settings.delay, plain.settings.visibility_timeout) == (10, 60)
    assert plain.settings.origins["delay"] == ("environments", "prod", "queues", "plain", "delay")
    assert plain.settings.origins["visibility_timeout"] == ("defaults", "visibility_timeout")
    assert list(t.queues) == ["jobs", "plain"]


def test_every_field_of_a_topic():
    t = shop()
    assert t.topics["events"] == model.Topic("events", "old-events", "Things that happened", "Order", True,
                                             model.Encryption("none"), ("topics", "events"),
                                             encryption_origin=("topics", "events", "encryption"))
    assert t.topics["news"] == model.Topic("news", "news", "", None, False, model.Encryption("kms", "alias/k"),
                                           ("topics", "news"),
                                           encryption_origin=("environments", "prod", "topics", "news", "encryption"))
    news = shop("dev").topics["news"]
    assert (news.encryption, news.encryption_origin) == (model.Encryption("managed"), ("topics", "news"))  # built-in


def test_every_field_of_a_service_and_its_consumers():
    t = shop()
    api, worker, zed = (t.services[n] for n in ("api", "worker", "zed"))
    assert list(t.services) == ["api", "worker", "zed"]
    assert api == model.Service(
        "api", "old-api", "Front door", "web",
        (model.Ref("api", "events", ("services", "api", "publishes", 1)),
         model.Ref("api", "jobs", ("services", "api", "publishes", 0))),
        (), model.Identity("r1", "8f7e0c1a-0000-4000-8000-000000000001", "s1@x.iam.gserviceaccount.com"), ("services", "api"))
    assert (zed.deployed_name, zed.description, zed.owner, zed.identity, zed.path) == (
        "zed", "", "", model.Identity(None, None, None), ("services", "zed"))
    assert zed.publishes == (model.Ref("zed", "news", ("services", "zed", "publishes", 0)),)
    events, jobs, news = worker.consumes  # sorted by channel, not in the order written
    ev_settings = model.Settings(
        visibility_timeout=60, retention=172800, delay=0, max_message_size=None,
        dead_letter=model.DeadLetter(True, 9, DAYS_14), encryption=model.Encryption("none"), protect=True,
        origins={"visibility_timeout": ("defaults", "visibility_timeout"),
                 "retention": ("environments", "prod", "topics", "events", "retention"),
                 "delay": W + ("events",), "max_message_size": W + ("events",),
                 "encryption": ("topics", "events", "encryption"), "protect": W + ("events",),
                 "dead_letter": W + ("events",), "max_receive_count": W + ("events", "max_receive_count"),
                 "dead_letter_retention": W + ("events",)})
    assert events == model.Consumer(
        service="worker", channel="events", kind="topic", filter=(("at", ("x",)), ("kind", ("b", "a"))),
        processing_time=20, options={"filter": W + ("events", "filter"),
                                     "max_receive_count": W + ("events", "max_receive_count"),
                                     "processing_time": ("defaults", "processing_time")},
        settings=ev_settings, path=W + ("events",))
    assert jobs == model.Consumer("worker", "jobs", "queue", None, 60,
                                  {"visibility_timeout": W + ("jobs", "visibility_timeout"),
                                   "processing_time": W + ("jobs", "processing_time")},
                                  t.queues["jobs"].settings, W + ("jobs",))
    assert (news.kind, news.filter, news.processing_time, dict(news.options)) == (
        "topic", None, 20, {"processing_time": ("defaults", "processing_time")})
    assert news.settings.encryption == model.Encryption("kms", "alias/k")
    assert news.settings.origins["encryption"] == ("environments", "prod", "topics", "news", "encryption")
    assert (news.settings.retention, news.settings.origins["retention"]) == (
        604800, ("environments", "prod", "defaults", "retention"))
    [zjobs] = zed.consumes
    assert (zjobs.path, zjobs.kind, zjobs.settings, zjobs.options["processing_time"]) == (
        ("services", "zed", "consumes", 0), "queue", t.queues["jobs"].settings, ("defaults", "processing_time"))


def test_consumers_and_publishers_by_channel():
    t = shop()
    assert {k: [(c.service, c.channel) for c in v] for k, v in t.consumers.items()} == {
        "events": [("worker", "events")], "jobs": [("worker", "jobs"), ("zed", "jobs")], "news": [("worker", "news")]}
    assert list(t.consumers) == ["events", "jobs", "news"]
    assert {k: [(r.service, r.path) for r in v] for k, v in t.publishers.items()} == {
        "events": [("api", ("services", "api", "publishes", 1))], "jobs": [("api", ("services", "api", "publishes", 0))],
        "news": [("zed", ("services", "zed", "publishes", 0))]}


@pytest.mark.parametrize("stack,base,tags,sku,prefix,environment,explicit", [
    ("prod", False, {"cost": "a1", "team": "ops"}, "Standard", "shop-live", "prod", True),
    ("dev", False, {"cost": "a1", "team": "core"}, "Premium", "shop-dev", "dev", False),
    ("other", False, {"cost": "a1", "team": "core"}, "Premium", "shop-other", None, False),
    ("prod", True, {"cost": "a1", "team": "core"}, "Premium", "shop-prod", None, False),  # the file as written
])
def test_the_topology_of_each_stack(stack, base, tags, sku, prefix, environment, explicit):
    t = shop(stack, base)
    assert (t.name, t.description, t.owner, dict(t.tags), t.targets, t.targets_explicit) == (
        "shop", "Orders and events", "team-a", tags, ("aws", "gcp"), True)
    assert t.clouds == model.Clouds("arn:aws:sns:eu-west-1:123456789012:oncall", sku, True)
    assert (t.file, t.stack, t.prefix, t.environment, t.environments, t.prefix_explicit) == (
        "t.yaml", stack, prefix, environment, ("dev", "prod"), explicit)
    assert t.queues["plain"].settings.delay == (10 if environment == "prod" else 0)


def test_the_topology_of_a_minimal_file():
    t = build("")
    assert (t.name, t.description, t.owner, dict(t.tags), t.targets, t.targets_explicit) == (
        "demo", "", "", {}, ("aws", "azure", "gcp"), False)
    assert t.clouds == model.Clouds(None, "Standard", False)
    assert (t.stack, t.prefix, t.environment, t.environments, t.prefix_explicit) == ("dev", "demo-dev", None, (), False)
    assert (dict(t.queues), dict(t.topics), dict(t.services), dict(t.messages)) == ({}, {}, {}, {})


def test_an_environment_cloud_choice_merges_over_the_top_level_one():
    t = build("clouds: {aws: {alarm_topic: arn:aws:sns:eu-west-1:123456789012:a}}\n"
              "environments:\n  dev: {clouds: {azure: {sku: Basic}}}\n  prod:\n"
              "    clouds: {aws: {alarm_topic: arn:aws:sns:eu-west-1:123456789012:b}}\n")
    assert t.clouds == model.Clouds("arn:aws:sns:eu-west-1:123456789012:a", "Basic", True)
    prod = model.build(load_bytes(HEADER + "clouds: {azure: {sku: Premium}}\nenvironments:\n  prod:\n"
                                  "    clouds: {aws: {alarm_topic: arn:aws:sns:eu-west-1:123456789012:b}}\n", "t.yaml"),
                       "prod")
    assert prod.clouds == model.Clouds("arn:aws:sns:eu-west-1:123456789012:b", "Premium", True)


def test_channel_and_deployed_name_lookups():
    t = shop()
    assert t.channel("jobs") is t.queues["jobs"]
    assert t.channel("news") is t.topics["news"]
    assert t.channel("nope") is None
    assert [c.name for c in t.channels()] == ["jobs", "plain", "events", "news"]
    assert t.deployed("api") == "old-api"  # renamed: cloud names keep the old name
    assert t.deployed("zed") == "zed"
    assert t.deployed("gone") == "gone"  # a service that no longer exists (a diff's old side)


@pytest.mark.parametrize("dl,enabled", [("{}", True), ("true", True), ("{retention: 20d}", True), ("false", False)])
def test_a_queue_dead_letter_over_defaults_false(dl, enabled):
    q = build(f"defaults: {{dead_letter: false}}\nqueues:\n  q1: {{dead_letter: {dl}}}\n").queues["q1"]
    assert q.settings.dead_letter.enabled is enabled
    assert q.settings.origins["dead_letter"] == ("queues", "q1", "dead_letter")


def test_origins_of_a_dead_letter_object():
    s = build("queues:\n  q1: {max_receive_count: 2, dead_letter: {max_receive_count: 3, retention: 20d}}\n"
              "  q2: {dead_letter: {max_receive_count: 4}, max_receive_count: 6}\n").queues
    assert s["q1"].settings.origins["max_receive_count"] == ("queues", "q1", "dead_letter", "max_receive_count")
    assert s["q1"].settings.origins["dead_letter_retention"] == ("queues", "q1", "dead_letter", "retention")
    # within one layer the dead_letter object wins over the channel's own key, whatever the order written
    assert s["q2"].settings.dead_letter.max_receive_count == 4
    assert s["q2"].settings.origins["max_receive_count"] == ("queues", "q2", "dead_letter", "max_receive_count")
    assert s["q2"].settings.origins["dead_letter_retention"] == ("queues", "q2", "dead_letter")


# --- stack_problem: the default prefix "<name>-<stack>" must be a valid name -------------------------------------

def _problem(name, stack):
    return (f"stack '{stack}' gives the physical-name prefix '{name}-{stack}', which is not a valid name (lowercase "
            "letters, digits and '-')")


@pytest.mark.parametrize("name,stack,envs,bad", [
    ("shop", "prod", None, False),
    ("shop", "Prod", None, True),
    ("shop", "Prod", {"Prod": None}, True),
    ("shop", "Prod", {"Prod": {"prefix": "shop-p"}}, False),  # its own prefix: the default is not used
    ("shop", "Prod", {"prod": {"prefix": "shop-p"}}, True),  # another stack's prefix does not count
    ("s" * 50, "x" * 12, None, False),  # 63 characters: the longest valid prefix
    ("s" * 50, "x" * 13, None, True),  # 64
    ("s" * 70, "prod", None, True),  # valid characters, too long
])
def test_stack_problem(name, stack, envs, bad):
    data = {"name": name, **({"environments": envs} if envs is not None else {})}
    assert model.stack_problem(data, stack) == (_problem(name, stack) if bad else None)


# --- messages -------------------------------------------------------------------------------------------------------

def test_messages_without_a_schema():
    m = shop().messages
    assert list(m) == ["Bare", "Order", "Typed"]
    assert m["Order"] == model.Message("Order", "One order", "text/plain", None, None, None, "hello", True,
                                       ("messages", "Order"))
    assert m["Bare"] == model.Message("Bare", "", "application/json", None, None, None, None, False,
                                      ("messages", "Bare"))
    assert build("messages: {N: {example: null}}\n").messages["N"].has_example is True  # an example that is null


def test_a_message_with_an_inline_schema():
    m = model.build(load_bytes(HEADER + "messages:\n  T: {description: d, content_type: text/csv, example: 1, "
                               "schema: {type: object}}\n", "t.yaml")).messages["T"]
    assert m == model.Message("T", "d", "text/csv", {"type": "object"}, None, None, 1, True, ("messages", "T"),
                              None, (), "", (), "", False)


def test_a_message_with_schema_files(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "order.json").write_text('{"type": "object", "properties": {"id": {"$ref": "id.json"}}}')
    (tmp_path / "schemas" / "id.json").write_text('{"type": "string"}')
    (tmp_path / "topology.yaml").write_text(HEADER + "messages:\n  O: {schema: schemas/order.json}\n")
    m = model.build(load_file(tmp_path / "topology.yaml")).messages["O"]
    order = {"type": "object", "properties": {"id": {"$ref": "id.json"}}}
    assert m == model.Message(
        "O", "", "application/json", order, "schemas/order.json", None, None, False, ("messages", "O"), None, (),
        "schemas/order.json", (("schemas/id.json", {"type": "string"}), ("schemas/order.json", order)), "", False)


def test_a_schema_file_that_is_not_yaml_is_cited_where_it_breaks(tmp_path):
    (tmp_path / "bad.yaml").write_text("type: object\nproperties: [\n")
    (tmp_path / "topology.yaml").write_text(HEADER + "messages:\n  O: {schema: bad.yaml}\n")
    m = model.build(load_file(tmp_path / "topology.yaml")).messages["O"]
    assert (m.schema, m.schema_file, m.schema_uri, m.schema_resources) == (None, "bad.yaml", "", ())
    assert m.schema_error == "schema file 'bad.yaml' is not valid JSON or YAML (TOP001: the file is not well-formed YAML)"
    assert m.schema_error_hint == "fix the schema file at this position"
    assert m.schema_error_at == (str(tmp_path / "bad.yaml"), 3, 1)


def test_a_schema_problem_at_a_key_of_an_inline_schema():
    m = build("messages:\n  K: {schema: {patternProperties: {'(a)\\1': {}}}}\n").messages["K"]
    assert m.schema is None and m.schema_error.startswith("a regex of the message schema cannot be used: ")
    assert m.schema_error_hint == "rewrite it without backreferences or lookaround (RE2 syntax, see docs/format.md)"
    assert (m.schema_error_pointer, m.schema_error_key, m.schema_error_at) == (("patternProperties", "(a)\\1"), True,
                                                                               None)


def test_the_schema_budget_is_shared_by_every_message_of_a_file():
    def big(j):  # 5,001 mappings: one over the cap of one message's schema, counted before it is refused
        return "{properties: {" + ", ".join(f"p{j}x{i}: {{}}" for i in range(5000)) + "}}"

    m = build(f"messages:\n  A: {{schema: {big(1)}}}\n  B: {{schema: {big(2)}}}\n").messages
    assert m["A"].schema_error == ("the schema has more than 5,000 mappings (with the files it references); topowire "
                                   "checks message schemas of a reasonable size")
    assert m["B"].schema_error == ("the message schemas of this file have more than 10,000 mappings in all; topowire "
                                   "checks schemas of a reasonable size")


def test_schema_files_may_be_read_up_to_the_root_the_caller_allows(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "s.json").write_text('{"type": "string"}')
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "topology.yaml"
    path.write_text(HEADER + "messages:\n  M: {schema: ../shared/s.json}\n")
    assert model.build(load_file(path, tmp_path)).messages["M"].schema == {"type": "string"}  # --root DIR
    m = model.build(load_file(path)).messages["M"]  # by default: the topology's own directory
    assert m.schema is None
    real = os.path.realpath(tmp_path / "sub")
    assert m.schema_error == f"schema file '../shared/s.json' climbs out of the directory topowire may read ({real})"
