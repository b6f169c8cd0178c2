"""Every diagnostic of a case, written out in full: position, level, code, message and hint.

The rule tests elsewhere assert a code and a phrase; mutation testing (tests/mutation/rules.md) showed that
a wrong word, a wrong node or a check that stops early then passes unseen. Each case here lists everything
its codes report, in the order ``validate`` prints it.
"""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator.check import check_document, check_file
from generator.loader import load_bytes
from generator.rules.common import Names, did_you_mean


def found(text, codes, clouds=None):
    diags = check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics
    return [(d.line, d.col, d.level, d.code, d.message, d.hint) for d in diags if d.code in codes]


def test_TOP115_every_unknown_channel_of_every_environment():
    text = ("queues: {jobs: {}}\ntopics: {events: {}}\nenvironments:\n  prod:\n"
            "    queues: {events: {}, jbos: {}, zzz: {}}\n    topics: {evnets: {}, jobs: {}, yyy: {}}\n"
            "  a1:\n    queues: {jobs: {retention: 1d}, kobs: {}}\n")
    structure = "first; an environment changes settings, not structure"
    assert found(text, {"TOP115"}) == [
        (7, 14, "error", "TOP115", "environment 'prod' sets queue 'events', but 'events' is a topic",
         "move it under environments.prod.topics"),
        (7, 26, "error", "TOP115", "environment 'prod' sets queue 'jbos', which is not a queue of this file",
         "did you mean 'jobs'?"),
        (7, 36, "error", "TOP115", "environment 'prod' sets queue 'zzz', which is not a queue of this file",
         f"declare it under 'queues:' {structure}"),
        (8, 14, "error", "TOP115", "environment 'prod' sets topic 'evnets', which is not a topic of this file",
         "did you mean 'events'?"),
        (8, 26, "error", "TOP115", "environment 'prod' sets topic 'jobs', but 'jobs' is a queue",
         "move it under environments.prod.queues"),
        (8, 36, "error", "TOP115", "environment 'prod' sets topic 'yyy', which is not a topic of this file",
         f"declare it under 'topics:' {structure}"),
        (10, 37, "error", "TOP115", "environment 'a1' sets queue 'kobs', which is not a queue of this file",
         "did you mean 'jobs'?"),
    ]


SHARE = "their stacks would share every queue and topic"
INVALID = "which is not a valid name (lowercase letters, digits and '-')"


@pytest.mark.parametrize("envs,expected", [
    # stacks whose default prefix "demo-<stack>" is not a name: the stack's key is cited, a prefix suggested;
    # checking goes on with the next stack
    ("  Prod_1: {}\n  '...': {}\n  b: {prefix: demo-a}\n  a: {}\n  c: {prefix: demo-dev}\n  d: {prefix: demo-a}\n", [
        (4, 3, "error", "TOP116", f"environment 'Prod_1' gives the physical-name prefix 'demo-Prod_1', {INVALID}",
         "set environments.Prod_1.prefix, e.g. prefix: demo-prod-1"),
        (5, 3, "error", "TOP116", f"environment '...' gives the physical-name prefix 'demo-...', {INVALID}",
         "set environments.....prefix, e.g. prefix: demo-stack"),
        (6, 15, "error", "TOP116", f"environments 'a' and 'b' have the same prefix 'demo-a': {SHARE}",
         "give each environment its own prefix"),
        (8, 15, "error", "TOP116", "environment 'c' has the prefix 'demo-dev' of the unlisted stack 'dev': the two "
         "stacks would share every queue and topic", "choose another prefix"),
        (9, 15, "error", "TOP116", f"environments 'a' and 'd' have the same prefix 'demo-a': {SHARE}",
         "give each environment its own prefix"),
    ]),
    # a default prefix that repeats an explicit one cites the stack's key; a listed dev is an ordinary stack
    ("  a: {prefix: demo-b}\n  b: {}\n  c: {prefix: demo-dev}\n  dev: {}\n  e: {prefix: demo-c}\n"
     "  f: {prefix: demo-c}\n", [
        (5, 3, "error", "TOP116", f"environments 'a' and 'b' have the same prefix 'demo-b': {SHARE}",
         "give each environment its own prefix"),
        (7, 3, "error", "TOP116", f"environments 'c' and 'dev' have the same prefix 'demo-dev': {SHARE}",
         "give each environment its own prefix"),
        (9, 15, "error", "TOP116", f"environments 'e' and 'f' have the same prefix 'demo-c': {SHARE}",
         "give each environment its own prefix"),
    ]),
    ("  Staging.Eu: {prefix: demo-staging}\n  prod: {prefix: demo}\n", []),
])
def test_TOP116_prefixes(envs, expected):
    assert found("queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n"
                 "environments:\n" + envs, {"TOP116"}) == [(line + 4, *rest) for line, *rest in expected]


def test_did_you_mean_within_and_past_the_budget():
    assert did_you_mean("jbos", ["jobs", "events"]) == "did you mean 'jobs'?"
    assert did_you_mean("zzzz", ["jobs", "events"]) == ""
    names = Names(["orders", "orders-v2", "order", "events", "jobs"])
    names.BUDGET = 0  # as if many names had been looked up already: only one-typo neighbours are compared
    assert names.closest("ordres") == "orders"  # two characters swapped
    assert names.closest("evnts") == "events"  # one dropped
    assert names.closest("jobsx") == "jobs"  # one added
    assert names.closest("orders-v3") == "orders-v2"  # one changed
    assert names.closest("eevents") == "events"
    assert names.closest("ojbs") == "jobs"
    assert names.closest("order-v2") == "orders-v2"
    assert names.closest("evxyz") is None  # close by difflib's ratio (0.6), but two typos away
    assert names.closest("x" * 257) is None  # longer than any name: no neighbours computed
    assert names.spent == 0


def test_past_the_budget_at_most_64_neighbours_are_compared():
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    # 106 names one character away from "xy"; sorted, the 64th is "xuy"
    names = Names([c + "xy" for c in chars] + ["x" + c + "y" for c in chars] + ["xy" + c for c in chars])
    names.BUDGET = 0
    near = names._neighbours("xy")
    assert (len(near), near[0], near[-1]) == (64, "0xy", "xuy")
    assert names.closest("xy") == "xuy"  # equals: the last in sorted order among the 64 compared
    assert Names(names.choices).closest("xy") == "zxy"  # within the budget: among all of them


def test_did_you_mean_spends_its_budget_then_looks_only_one_typo_away():
    names = Names(["events", "jobs"])
    names.BUDGET = 4  # two full scans of two names
    assert names.closest("eventsxx") == "events"  # two typos away: found by the full scan
    assert names.closest("jobsxx") == "jobs"
    assert names.spent == 4
    assert names.closest("eventsyy") is None  # past the budget: two typos away is too far
    assert names.closest("eventsy") == "events"  # one typo away still is found
    assert names.spent == 4


def test_names_of_256_characters_still_get_neighbours():
    names = Names(["x" * 255, "y" * 256])
    names.BUDGET = 0
    assert names.closest("x" * 256) == "x" * 255
    assert names.closest("y" * 257) is None  # longer than 256: not looked up


def test_without_warnings_only_errors_are_reported():
    text = "queues: {jobs: {}}\nservices:\n  api: {publishes: [jbos]}\n"
    codes = {"TOP101", "TOP109"}
    assert [d[3] for d in found(text, codes)] == ["TOP109", "TOP101", "TOP109"]
    diags = check_document(load_bytes(HEADER + text, "t.yaml"), None, warnings=False).diagnostics
    assert [(d.line, d.col, d.level, d.code, d.message, d.hint) for d in diags] == [
        (5, 21, "error", "TOP101", "service 'api' publishes to 'jbos', which is neither a queue nor a topic",
         "did you mean 'jobs'?")]


STRUCTURE_HINT = "set dead_letter in the file itself; an environment may change max_receive_count and the dead-letter retention"


def test_TOP117_each_node_that_turns_dead_lettering_on_or_off_once():
    text = ("defaults: {dead_letter: false}\nqueues: {jobs: {}, q2: {dead_letter: true}, q3: {}, q4: {dead_letter: true}}\n"
            "topics: {events: {}}\nservices:\n  api: {publishes: [jobs, q2, q3, q4, events]}\n"
            "  wk: {consumes: [jobs, q2, q3, q4, events]}\n  w2: {consumes: [events]}\nenvironments:\n  prod:\n"
            "    defaults: {dead_letter: true}\n    queues: {q2: {dead_letter: false}, q4: {dead_letter: false}}\n"
            "  dev:\n    queues: {q3: {dead_letter: {max_receive_count: 2}}}\n")

    def turns(stack, state, queue):
        was = "off" if state == "on" else "on"
        return (f"environment '{stack}' turns dead-lettering {state} for queue '{queue}' (it is {was} in the file as "
                "written): an environment changes settings, not structure")

    # prod's defaults turn it on for jobs, q3 and both subscriptions of events: one finding, at that node
    assert found(text, {"TOP117"}) == [
        (12, 29, "error", "TOP117", turns("prod", "on", "jobs"), STRUCTURE_HINT),
        (13, 32, "error", "TOP117", turns("prod", "off", "q2"), STRUCTURE_HINT),
        (13, 58, "error", "TOP117", turns("prod", "off", "q4"), STRUCTURE_HINT),
        (15, 32, "error", "TOP117", turns("dev", "on", "q3"), STRUCTURE_HINT),
    ]


PULUMI = "would both be the Pulumi resource"
RENAME = "rename a topic or a service so that the joined names differ (for example without a '-' at the same place)"


def test_TOP118_every_pair_once_on_the_first_cloud_at_the_second_consumer():
    text = ("topics: {ab-cd: {}, ab: {}, xx-yy: {}, xx: {}}\nservices:\n  api: {publishes: [ab-cd, ab, xx-yy, xx]}\n"
            "  ee:\n    consumes:\n      ab-cd: {}\n  cd-ee:\n    consumes:\n      ab: {}\n"
            "  yy-zz: {consumes: [xx]}\n  zz: {consumes: [xx-yy]}\n")
    assert found(text, {"TOP118"}) == [
        (8, 7, "error", "TOP118", f"the subscription of 'ee' to topic 'ab-cd' and the subscription of 'cd-ee' to topic "
         f"'ab' {PULUMI} 'ab-cd-ee' on AWS: one of them would not be deployed", RENAME),
        (13, 19, "error", "TOP118", f"the subscription of 'zz' to topic 'xx-yy' and the subscription of 'yy-zz' to "
         f"topic 'xx' {PULUMI} 'xx-yy-zz' on AWS: one of them would not be deployed", RENAME),
    ]
    only_azure_gcp = "targets: [gcp, azure]\n" + text
    assert [d[4].rsplit(" on ", 1)[1] for d in found(only_azure_gcp, {"TOP118"})] == [
        "Azure: one of them would not be deployed"] * 2


def test_TOP204_names_every_fifo_queue_and_topic():
    text = ("clouds: {azure: {sku: Basic}}\nqueues: {jobs: {fifo: true}, a2: {fifo: true}, b2: {}}\n"
            "topics: {t1: {}, t2: {}}\nservices:\n  api: {publishes: [jobs, a2, b2, t1, t2]}\n"
            "  wk: {consumes: [jobs, a2, b2, t1, t2]}\n")
    assert found(text, {"TOP204"}) == [
        (3, 23, "error", "TOP204", "the Service Bus Basic tier has no sessions, which FIFO queues need: a2, jobs",
         "use sku: Standard (or Premium)"),
        (3, 23, "error", "TOP204", "the Service Bus Basic tier has no topics, but this topology declares t1, t2",
         "use sku: Standard (or Premium)"),
    ]


def test_TOP111_compares_values_as_values_and_shows_them_as_written():
    text = ("queues:\n  jobs: {visibility_timeout: 30s, dead_letter: {retention: 14d, max_receive_count: 3}}\n  q2: {}\n"
            "services:\n  api: {publishes: [jobs, q2]}\n  a1:\n    consumes:\n"
            "      jobs: {visibility_timeout: 1m, dead_letter: {max_receive_count: 3, retention: 1209600}}\n"
            "      q2: {dead_letter: true, max_receive_count: 4}\n  b1:\n    consumes:\n"
            "      jobs: {visibility_timeout: 30, dead_letter: {retention: 13d, max_receive_count: 3}}\n"
            "      q2: {dead_letter: false, max_receive_count: 4}\n  c1:\n    consumes:\n"
            "      jobs: {visibility_timeout: 2m}\n      q2: {dead_letter: true, max_receive_count: 5}\n")
    share = "all consumers share one queue"
    # 30 = 30s and 1209600 = 14d whatever the order of the keys: no finding for those
    assert found(text, {"TOP111"}) == [
        (10, 14, "error", "TOP111", f"service 'a1' sets visibility_timeout of queue 'jobs' to 1m, but queue 'jobs' "
         f"sets it to 30s: {share}", "set visibility_timeout once, on queue 'jobs'"),
        (14, 38, "error", "TOP111", "service 'b1' sets dead_letter of queue 'jobs' to {retention: 13d, "
         "max_receive_count: 3}, but queue 'jobs' sets it to {retention: 14d, max_receive_count: 3}: "
         f"{share}", "set dead_letter once, on queue 'jobs'"),
        (15, 12, "error", "TOP111", f"service 'b1' sets dead_letter of queue 'q2' to false, but service 'a1' sets it "
         f"to true: {share}", "set dead_letter once, on queue 'q2'"),
        (18, 14, "error", "TOP111", f"service 'c1' sets visibility_timeout of queue 'jobs' to 2m, but queue 'jobs' "
         f"sets it to 30s: {share}", "set visibility_timeout once, on queue 'jobs'"),
        (19, 31, "error", "TOP111", f"service 'c1' sets max_receive_count of queue 'q2' to 5, but service 'a1' sets "
         f"it to 4: {share}", "set max_receive_count once, on queue 'q2'"),
    ]


def test_TOP112_each_pair_once_and_the_queue_topic_pair_left_to_TOP102():
    text = ("targets: [gcp]\nqueues: {aa: {}, zz: {}, zz-dlq: {}}\ntopics: {aa: {}, aa-wk-dlq: {}}\nservices:\n"
            "  api: {publishes: [zz, zz-dlq, aa, aa-wk-dlq]}\n  wk: {consumes: [zz, zz-dlq, aa, aa-wk-dlq]}\n")
    rename = "rename one of the channels or services so that the derived names differ"
    # zz-dlq's topic and subscription both meet zz's dead-letter ones: one finding for the pair
    assert found(text, {"TOP112", "TOP102"}) == [
        (4, 26, "error", "TOP112", "GCP Pub/Sub topic 'demo-dev-zz-dlq' is also the name derived from queue 'zz' "
         "(Pub/Sub dead-letter topic)", rename),
        (5, 10, "error", "TOP102", "'aa' is declared both as a queue and as a topic",
         "rename one of them, e.g. the topic to 'aa-events'"),
        (5, 18, "error", "TOP112", "GCP Pub/Sub topic 'demo-dev-aa-wk-dlq' is also the name derived from consumes[2] "
         "of service 'wk' (Pub/Sub dead-letter topic)", rename),
    ]


def test_TOP112_dead_letter_subscriptions_named_as_such():
    """A dead-letter subscription (of a queue, of a topic's consumer) meeting another subscription only: the
    finding names its kind, 'Pub/Sub dead-letter subscription' (the topic kinds are above)."""
    text = ("targets: [gcp]\nqueues:\n  job-s: {dead_letter: true}\ntopics:\n  job: {}\n  ev: {}\n  ev-wk: {}\n"
            "services:\n  api: {publishes: [job-s, job, ev, ev-wk]}\n  wk:\n    consumes:\n      job-s: {}\n"
            "      ev: {dead_letter: true}\n  s-dlq: {consumes: [job]}\n  dlq: {consumes: [ev-wk]}\n")
    rename = "rename one of the channels or services so that the derived names differ"
    assert found(text, {"TOP112"}) == [
        (16, 22, "error", "TOP112", "GCP Pub/Sub subscription 'demo-dev-job-s-dlq' is also the name derived from "
         "queue 'job-s' (Pub/Sub dead-letter subscription)", rename),
        (17, 20, "error", "TOP112", "GCP Pub/Sub subscription 'demo-dev-ev-wk-dlq' is also the name derived from "
         "consumer 'ev' of service 'wk' (Pub/Sub dead-letter subscription)", rename),
    ]


def test_TOP118_a_former_subscription_name_meets_a_current_one():
    """Topic 'aa-bb' was 'aa': the subscription of 'bb-cc' keeps its former Pulumi name 'aa-bb-cc' through its
    alias, which is the current name of the subscription of 'cc' to 'aa-bb'."""
    text = ("topics:\n  aa-bb: {renamed_from: aa}\nservices:\n  api: {publishes: [aa-bb]}\n"
            "  bb-cc: {consumes: [aa-bb]}\n  cc: {consumes: [aa-bb]}\n")
    assert found(text, {"TOP118"}) == [
        (8, 19, "error", "TOP118", "the subscription of 'cc' to topic 'aa-bb' and the subscription of 'bb-cc' to "
         "topic 'aa-bb' (its former name, renamed_from) would both be the Pulumi resource 'aa-bb-cc' on AWS: one "
         "of them would not be deployed",
         "rename a topic or a service so that the joined names differ (for example without a '-' at the same place)"),
    ]


def test_TOP210_cites_the_service_whose_policy_is_too_long():
    qs = [f"queue-number-{i:03d}-with-a-long-name" for i in range(100)]
    text = (f"targets: [aws]\nqueues: {{{', '.join(q + ': {}' for q in qs)}}}\nservices:\n"
            f"  api: {{publishes: [{', '.join(qs)}]}}\n  wk: {{consumes: [{', '.join(qs)}]}}\n")
    # each ARN: 'arn:aws:sqs:us-east-1:123456789012:demo-dev-queue-number-000-with-a-long-name' (77) + 3 quotes/comma
    hint = "use fewer tags, or split the service's access across services"
    assert found(text, {"TOP210"}) == [
        (6, 3, "error", "TOP210", "AWS: the IAM policy of service 'api' would hold at least 8,000 characters; a "
         "managed policy holds at most 6,144", hint),
        (7, 3, "error", "TOP210", "AWS: the IAM policy of service 'wk' would hold at least 8,000 characters; a "
         "managed policy holds at most 6,144", hint),
    ]


def test_TOP113_every_way_an_example_meets_its_schema(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "ref.json").write_text('{"type": "object", "properties": {"id": {"$ref": "#/$defs/nope"}}}')
    (tmp_path / "schemas" / "order.json").write_text('{"type": "object", "properties": {"id": {"type": "string"}}}')
    (tmp_path / "topology.yaml").write_text(HEADER + (
        "messages:\n"
        "  A0: {schema: {type: string}}\n"  # no example: nothing to check, and the next ones still are
        "  A1: {schema: {$ref: '#/definitions/nope'}, example: 1}\n"
        "  A2: {schema: schemas/ref.json, example: {id: x}}\n"
        "  A3: {schema: {$ref: '#'}, example: 1}\n"
        "  A4: {schema: {type: object, properties: {n: {type: array, items: {type: integer}}}}, example: {n: [1, x]}}\n"
        "  A5: {schema: {type: string}, example: 5}\n"
        "  A6: {schema: schemas/order.json, example: {id: 5}}\n"
        "  A7: {schema: schemas/order.json, example: {id: x}}\n"
        "  A8: {example: 1}\n"))  # an example without a schema: nothing to check
    diags = check_file(tmp_path / "topology.yaml").diagnostics
    nowhere = "refer only inside the document or to schema files by relative path"
    agree = "fix the example or the schema so that they agree"
    assert [(d.line, d.col, d.level, d.code, d.message, d.hint) for d in diags] == [
        (5, 16, "error", "TOP113", "the schema of message 'A1' has a $ref that points nowhere ('/definitions/nope')",
         nowhere),
        # in a schema file: the file's content is not quoted
        (6, 16, "error", "TOP113", "the schema of message 'A2' has a $ref that points nowhere", nowhere),
        (7, 16, "error", "TOP113", "checking the example of message 'A3' against its schema does not end in bounded "
         "time (a $ref cycle, or more than 10,000 keyword evaluations, 100,000 for the whole file)",
         "remove the $ref cycle, or simplify the schema's nested anyOf/oneOf"),
        (8, 105, "error", "TOP113", "the example of message 'A4' does not match its schema at n/1: 'x' is not of type "
         "'integer'", agree),
        (9, 41, "error", "TOP113", "the example of message 'A5' does not match its schema: 5 is not of type 'string'",
         agree),
        (10, 50, "error", "TOP113", "the example of message 'A6' does not match its schema at id: it fails the "
         "schema's 'type' (at /properties/id/type of schemas/order.json)", agree),
    ]


def _checked_lists(n, messages):
    """``messages`` messages whose check costs 1 + n keyword evaluations each (``items``, then ``type`` per item)."""
    example = "[" + ", ".join(["a"] * n) + "]"
    return (f"messages:\n  M0: {{schema: &s {{items: {{type: string}}}}, example: &e {example}}}\n"
            + "".join(f"  M{j}: {{schema: *s, example: *e}}\n" for j in range(1, messages)))


@pytest.mark.parametrize("n,messages,reported", [
    (9_999, 1, []),  # 10,000 evaluations: at the limit of one message
    (10_000, 1, [(4, "M0")]),
    # 100,000 for the file: the first ten in name order (M0, M1, M10, M2 ... M8) reach it, the eleventh is over
    (9_999, 11, [(13, "M9")]),
])
def test_TOP113_step_budgets_per_message_and_per_file(n, messages, reported):
    got = found(_checked_lists(n, messages), {"TOP113"})
    assert [(line, msg.split("'")[1]) for line, _c, _l, _code, msg, _h in got] == reported
    assert all("does not end in bounded time" in msg for *_x, msg, _h in got)


def test_TOP114_renames_of_channels_and_of_services_apart():
    text = ("queues: {jobs: {}, q2: {renamed_from: old}, q3: {renamed_from: old}, q4: {renamed_from: jobs}}\n"
            "topics: {t1: {renamed_from: old}}\nservices:\n  pub: {publishes: [jobs, q2, q3, q4, t1], renamed_from: old}\n"
            "  s2: {renamed_from: old, consumes: [jobs, q2, q3, q4, t1]}\n  s3: {renamed_from: pub}\n")
    keep = "only one of them can keep the deployed resources"
    # a service may have the old name of a channel: they are named apart
    assert found(text, {"TOP114"}) == [
        (3, 64, "error", "TOP114", "'q3' and 'q2' are both renamed_from 'old'", keep),
        (3, 89, "error", "TOP114", "'q4' is renamed_from 'jobs', which is still declared as a channel",
         "remove the old 'jobs', or drop renamed_from"),
        (4, 29, "error", "TOP114", "'t1' and 'q2' are both renamed_from 'old'", keep),
        (7, 22, "error", "TOP114", "'s2' and 'pub' are both renamed_from 'old'", keep),
        (8, 22, "error", "TOP114", "'s3' is renamed_from 'pub', which is still declared as a service",
         "remove the old 'pub', or drop renamed_from"),
    ]


def test_TOP206_a_filter_after_consumers_without_one():
    vals = "[" + ", ".join(f"v{i}" for i in range(13)) + "]"
    text = ("targets: [aws]\nqueues: {jobs: {}}\ntopics: {t1: {}}\nservices:\n  pub: {publishes: [t1, jobs]}\n"
            f"  aa: {{consumes: [jobs, t1]}}\n  sub:\n    consumes:\n      t1: {{filter: {{a: {vals}, b: {vals}}}}}\n")
    assert found(text, {"TOP206"}) == [
        (11, 12, "error", "TOP206", "the filter of 'sub' on topic 't1': SNS filter policies allow at most 150 "
         "combinations of values, this one has 169", "split the subscription, or filter the rest in the consumer")]


@pytest.mark.parametrize("n,reported", [(101, False), (200, False), (201, True)])
def test_TOP206_filter_policies_per_sns_topic(n, reported):
    subscribers = "".join(f"  s{i:03d}:\n    consumes:\n      big: {{filter: {{kind: [x]}}}}\n" for i in range(n))
    text = f"targets: [aws]\ntopics: {{big: {{}}}}\nservices:\n  api: {{publishes: [big]}}\n{subscribers}"
    assert found(text, {"TOP206"}) == ([
        (4, 10, "error", "TOP206", "topic 'big' on AWS: 201 subscriptions have a filter policy; SNS allows 200 per "
         "topic by default (a Service Quotas increase is needed first)",
         "split the topic, or let fewer services subscribe to it")] if reported else [])


def test_TOP107_cites_the_schema_file_or_the_key_and_gives_the_problem_s_hint(tmp_path):
    (tmp_path / "bad.yaml").write_text("type: object\nproperties: [\n")
    (tmp_path / "topology.yaml").write_text(HEADER + (
        "messages:\n  B1: {schema: bad.yaml}\n  B2: {schema: {patternProperties: {'(a)\\1': {}}}}\n"
        "  B3: {schema: missing.json}\n  B4: {schema: {type: objekt}}\n"))
    diags = check_file(tmp_path / "topology.yaml").diagnostics
    top = str(tmp_path / "topology.yaml")
    assert [(d.file, d.line, d.col, d.level, d.code, d.message, d.hint) for d in diags] == [
        (str(tmp_path / "bad.yaml"), 3, 1, "error", "TOP107", "message 'B1': schema file 'bad.yaml' is not valid JSON or "
         "YAML (TOP001: the file is not well-formed YAML)", "fix the schema file at this position"),
        (top, 5, 37, "error", "TOP107", "message 'B2': a regex of the message schema cannot be used: RE2 cannot run it "
         "(invalid escape sequence); backreferences and lookaround are not supported",
         "rewrite it without backreferences or lookaround (RE2 syntax, see docs/format.md)"),
        (top, 6, 16, "error", "TOP107", "message 'B3': schema file 'missing.json' does not exist",
         "check the path: it is relative to the topology file"),
        (top, 7, 23, "error", "TOP107", "message 'B4': schema is not a valid JSON Schema: 'objekt' is not valid under "
         "any of the given schemas (at type)", "see https://json-schema.org/understanding-json-schema/"),
    ]


def test_TOP209_wildcard_keys_once_per_node_and_roles_of_other_accounts():
    text = ("queues:\n  q1: {encryption: {kms_key: 'alias/*'}}\n  q2: {encryption: {kms_key: 'alias/ok'}}\n"
            "  q3: {encryption: {kms_key: 'arn:aws:kms:eu-west-1:123456789012:key/*'}}\n"
            "topics:\n  t1: {encryption: {kms_key: 'alias/a?'}}\n"
            "defaults: {encryption: {kms_key: 'alias/d*'}}\n"  # inherited by no channel: nothing deploys it
            "services:\n"
            "  a1: {publishes: [q1, q2, q3, t1], identity: {aws_role: 'arn:aws:iam::111111111111:role/r1'}}\n"
            "  a2: {consumes: [q1, q2, q3, t1], identity: {aws_role: 'arn:aws:iam::222222222222:role/path/r2'}}\n"
            "  a3: {consumes: [q1], identity: {aws_role: 'arn:aws:iam::222222222222:role/r3'}}\n"
            "  a4: {identity: {aws_role: 'arn:aws:iam::333333333333:role/r4'}}\n"
            "  a5: {identity: {aws_role: 'role-5'}}\n"
            "  a6: {identity: {aws_role: 'arn:aws:iam::111111111111:role/r6'}}\n")
    key = "name one key: its id, key ARN, alias/<name> or alias ARN, without wildcards"
    wild = "contains a wildcard: the service's IAM policy would allow kms:Decrypt on every matching key"
    same = "use roles of the account the stack deploys to (a role name is enough)"

    def other(svc, account, role):
        return (f"identity.aws_role of service '{svc}' is a role of account {account}, while other services use roles "
                f"of account 111111111111: cross-account roles are not supported (the policy would be attached to a "
                f"role named '{role}' in the deploying account)")

    # accounts 111... and 222... have two roles each: the tie goes to the first in order
    assert found(text, {"TOP209"}) == [
        (4, 30, "error", "TOP209", f"KMS key 'alias/*' {wild}", key),
        (6, 30, "error", "TOP209", f"KMS key 'arn:aws:kms:eu-west-1:123456789012:key/*' {wild}", key),
        (8, 30, "error", "TOP209", f"KMS key 'alias/a?' {wild}", key),
        (12, 57, "error", "TOP209", other("a2", "222222222222", "r2"), same),
        (13, 45, "error", "TOP209", other("a3", "222222222222", "r3"), same),
        (14, 29, "error", "TOP209", other("a4", "333333333333", "r4"), same),
    ]


def test_TOP209_wildcards_the_schema_refuses_first_are_refused_by_the_rule_too():
    # Defence in depth: the schema's patterns refuse these before any rule runs; the rule must not rely on them.
    from generator import model, rules
    from generator.rules import top209_identifier_values

    text = (HEADER + "services:\n  a1:\n    identity: {aws_role: 'role-*', azure_principal_id: '8f7e0c1a-?', "
            "gcp_service_account: 'x*@p.iam.gserviceaccount.com'}\n  a2: {identity: {aws_role: r2}}\n"
            "clouds: {aws: {alarm_topic: 'arn:aws:sns:eu-west-1:123456789012:*'}}\n")
    doc = load_bytes(text, "t.yaml")
    got = list(top209_identifier_values.check(rules.Context(model.build(doc), doc.data, ("aws",))))
    assert [(f.code, f.level, f.message, f.path, f.hint) for f in got] == [
        ("TOP209", "error", f"identity.{field} of service 'a1' contains a wildcard", ("services", "a1", "identity", field),
         "name exactly one identity") for field in ("aws_role", "azure_principal_id", "gcp_service_account")] + [
        ("TOP209", "error", "clouds.aws.alarm_topic contains a wildcard", ("clouds", "aws", "alarm_topic"),
         "name exactly one SNS topic ARN")]


def test_TOP201_each_node_once_derived_retentions_left_to_their_source():
    text = ("targets: [aws]\ndefaults: {delay: 16m}\nqueues:\n  q1: {retention: 15d}\n"
            "  q2: {dead_letter: {retention: 15d}}\n  q3: {delay: 20m}\ntopics: {t1: {}}\nservices:\n"
            "  api: {publishes: [q1, q2, q3, t1]}\n  wk:\n    consumes:\n      q1: {}\n      q2: {}\n      q3: {}\n"
            "      t1: {dead_letter: {retention: 16d}}\nenvironments:\n  prod:\n"
            "    queues: {q3: {dead_letter: {retention: 17d}}}\n")
    delay = "the SQS delivery delay on AWS must be between 0s and 15m"
    dlq = "the SQS dead-letter queue retention on AWS must be between 1m and 14d"
    # the defaults' delay reaches q1, q2 and the subscription: reported once, at the defaults; q1's dead-letter
    # queue keeps 15d because q1 does (not reported twice); a consumer's and an environment's dead_letter count
    assert found(text, {"TOP201"}) == [
        (4, 19, "error", "TOP201", f"queue 'q1': delay is 16m, but {delay}", "set delay: 15m, or drop aws from 'targets'"),
        (6, 19, "error", "TOP201", "queue 'q1': retention is 15d, but the SQS message retention on AWS must be between "
         "1m and 14d", "set retention: 14d, or drop aws from 'targets'"),
        (7, 33, "error", "TOP201", f"queue 'q2': dead_letter_retention is 15d, but {dlq}",
         "set dead_letter.retention: 14d, or drop aws from 'targets'"),
        (8, 15, "error", "TOP201", f"queue 'q3': delay is 20m, but {delay}", "set delay: 15m, or drop aws from 'targets'"),
        (17, 37, "error", "TOP201", f"subscription of 'wk' to topic 't1': dead_letter_retention is 16d, but {dlq}",
         "set dead_letter.retention: 14d, or drop aws from 'targets'"),
        (20, 44, "error", "TOP201", f"in environment 'prod': queue 'q3': dead_letter_retention is 17d, but {dlq}",
         "set dead_letter.retention: 14d, or drop aws from 'targets'"),
    ]


def test_TOP209_a_topic_nobody_consumes_and_two_accounts():
    # a store without a KMS key first; the account most services use is not the first in order
    text = ("topics:\n  t2: {encryption: {kms_key: 'alias/t*'}}\nservices:\n"
            "  a1: {publishes: [t2], identity: {aws_role: 'arn:aws:iam::111111111111:role/r1'}}\n"
            "  a2: {identity: {aws_role: 'arn:aws:iam::222222222222:role/r2'}}\n"
            "  a3: {identity: {aws_role: 'arn:aws:iam::222222222222:role/r3'}}\n"
            "queues: {a0: {}}\nclouds: {aws: {alarm_topic: 'arn:aws:sns:eu-west-1:123456789012:oncall'}}\n")
    assert found(text, {"TOP209"}) == [
        (4, 30, "error", "TOP209", "KMS key 'alias/t*' contains a wildcard: the service's IAM policy would allow "
         "kms:Decrypt on every matching key", "name one key: its id, key ARN, alias/<name> or alias ARN, without wildcards"),
        (6, 46, "error", "TOP209", "identity.aws_role of service 'a1' is a role of account 111111111111, while other "
         "services use roles of account 222222222222: cross-account roles are not supported (the policy would be "
         "attached to a role named 'r1' in the deploying account)",
         "use roles of the account the stack deploys to (a role name is enough)"),
        # issue 30: an alarm topic (or a KMS key ARN) of another account is refused like a role
        (10, 29, "error", "TOP209", "clouds.aws.alarm_topic 'arn:aws:sns:eu-west-1:123456789012:oncall' is in account "
         "123456789012, while the file's other ARNs name account 222222222222: resources of another account are not "
         "supported (its policies and grants are not this stack's to set)",
         "use a topic of account 222222222222, the one the stack deploys to"),
    ]


SHARED = "in one account they would share it"


def test_TOP208_azure_containers_of_a_compatibility_prefix_and_no_subscription_across_namespaces():
    # prod's prefix is the bare name: its resource group stays 'demo-prod', which xx's prefix derives too;
    # cited at xx's prefix, where the fix goes (not at the topology's name the group is derived from)
    # subscriptions and entities live in each stack's own namespace and never meet
    text = ("targets: [azure]\nqueues: {jobs: {}}\ntopics: {t1: {}}\nservices:\n  api: {publishes: [jobs, t1]}\n"
            "  wk: {consumes: [jobs, t1]}\nenvironments:\n  prod: {prefix: demo}\n  xx: {prefix: demo-prod}\n")
    assert found(text, {"TOP208"}) == [
        (11, 8, "error", "TOP208", f"Azure resource group 'demo-prod' is a name of both stack 'prod' and stack 'xx': "
         f"{SHARED}", "give environment 'xx' a prefix that does not start another stack's names")]


def test_TOP208_with_the_unlisted_stack_dev_cites_the_environment():
    text = ("targets: [aws, gcp]\nqueues: {jobs: {}, dev-jobs: {}}\nservices:\n  api: {publishes: [jobs, dev-jobs]}\n"
            "  wk: {consumes: [jobs, dev-jobs]}\nenvironments:\n  aa: {prefix: demo}\n  zz: {prefix: demo-zz}\n")
    hint = "give environment 'aa' a prefix that does not start another stack's names"
    assert found(text, {"TOP208"}) == [
        (9, 8, "error", "TOP208", f"AWS SQS queue 'demo-dev-jobs' is a name of both stack 'aa' and stack 'dev': {SHARED}",
         hint),
        (9, 8, "error", "TOP208", f"GCP Pub/Sub topic 'demo-dev-jobs' is a name of both stack 'aa' and stack 'dev': "
         f"{SHARED}", hint),
    ]


def test_TOP207_each_kms_node_once_after_stores_without_kms():
    text = ("defaults: {encryption: {kms_key: alias/d1}}\nqueues:\n  q0: {encryption: managed}\n  q1: {}\n  q2: {}\n"
            "  q3: {encryption: {kms_key: alias/b1}}\nservices:\n  api: {publishes: [q0, q1, q2, q3]}\n"
            "  wk: {consumes: [q0, q1, q2, q3]}\n")
    ok = "nothing to do if that is acceptable; otherwise drop those clouds from 'targets'"
    managed = "applies on AWS only: on Azure and GCP these messages are encrypted at rest with the cloud's managed keys"
    assert found(text, {"TOP207"}) == [
        (3, 24, "warning", "TOP207", f"KMS key 'alias/d1' {managed}", ok),
        (8, 20, "warning", "TOP207", f"KMS key 'alias/b1' {managed}", ok),
    ]
    assert found("targets: [aws, gcp]\n" + text, {"TOP207"})[0][4] == (
        "KMS key 'alias/d1' applies on AWS only: on GCP these messages are encrypted at rest with the cloud's managed "
        "keys")


def test_TOP202_too_long_once_per_name_and_not_valid():
    name, q = "n" * 40, "q" * 40
    text = (f"version: 1\nname: {name}\ntargets: [aws]\nqueues: {{{q}: {{}}, {q}-dlq: {{}}, short: {{}}}}\nservices:\n"
            f"  api: {{publishes: [{q}, {q}-dlq, short]}}\n  wk: {{consumes: [{q}, {q}-dlq, short]}}\n")
    diags = check_document(load_bytes(text, "t.yaml"), None).diagnostics
    shorten = "shorten the topology 'name' or this name"
    # q's dead-letter queue and the queue q-dlq derive one name: reported once
    assert [(d.line, d.col, d.code, d.message, d.hint) for d in diags if d.code == "TOP202"] == [
        (4, 10, "TOP202", f"AWS SQS queue '{name}-dev-{q}' has 85 characters; it must have at most 80", shorten),
        (4, 10, "TOP202", f"AWS SQS queue '{name}-dev-{q}-dlq' has 89 characters; it must have at most 80", shorten),
        (4, 56, "TOP202", f"AWS SQS queue '{name}-dev-{q}-dlq-dlq' has 93 characters; it must have at most 80",
         shorten),
    ]
    goog = "version: 1\nname: goog\ntargets: [gcp]\nqueues: {jobs: {dead_letter: false}}\n"
    rule = "a letter first, then letters, digits and ._~%+-, not starting with 'goog', 3 to 255 characters"
    assert [(d.line, d.col, d.level, d.code, d.message, d.hint) for d in check_document(load_bytes(goog, "t.yaml"), None)
            .diagnostics if d.code == "TOP202"] == [
        (4, 10, "error", "TOP202", f"GCP Pub/Sub subscription 'goog-dev-jobs' is not a valid name: {rule}",
         "rename it"),
        (4, 10, "error", "TOP202", f"GCP Pub/Sub topic 'goog-dev-jobs' is not a valid name: {rule}", "rename it"),
    ]
    # the shortest names are long enough: a 6-character Service Bus namespace 'ab-dev' is valid
    ab = "version: 1\nname: ab\ntargets: [azure]\nqueues: {jobs: {}}\n"
    assert [d for d in check_document(load_bytes(ab, "t.yaml"), None).diagnostics if d.code == "TOP202"] == []


def test_TOP203_names_three_stores_then_counts_the_rest():
    text = ("targets: [azure]\ndefaults: {visibility_timeout: 10m}\nqueues: {a1: {}, a2: {}, a3: {}, a4: {}}\n"
            "topics: {t1: {visibility_timeout: 6m}}\nservices:\n  api: {publishes: [a1, a2, a3, a4, t1]}\n"
            "  wk: {consumes: [a1, a2, a3, a4]}\n  s1: {consumes: [t1]}\n  s2: {consumes: [t1]}\n  s3: {consumes: [t1]}\n")
    renew = "consumers that need longer must renew the message lock (the SDKs' auto lock renewal does it)"
    assert found(text, {"TOP203"}) == [
        (4, 32, "warning", "TOP203", "on Azure the lock duration is at most 5m; 10m is clamped to 5m (queue 'a1', "
         "queue 'a2', queue 'a3' and 1 more)", renew),
        (6, 35, "warning", "TOP203", "on Azure the lock duration is at most 5m; 6m is clamped to 5m (subscription of "
         "'s1' to topic 't1', subscription of 's2' to topic 't1', subscription of 's3' to topic 't1')", renew),
    ]


def test_TOP101_an_unknown_name_after_a_known_one_without_a_close_name():
    text = "queues: {jobs: {}}\nservices:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs, zzzz]}\n"
    assert found(text, {"TOP101"}) == [
        (6, 25, "error", "TOP101", "service 'wk' consumes 'zzzz', which is neither a queue nor a topic",
         "declare it under 'queues:' or 'topics:'")]


def test_TOP104_after_consumers_without_a_filter():
    text = ("topics: {t1: {}}\nqueues: {jobs: {}}\nservices:\n  api: {publishes: [t1, jobs]}\n"
            "  aa: {consumes: [jobs, t1]}\n  bb:\n    consumes:\n      t1: {filter: {kind: []}}\n")
    assert found(text, {"TOP104"}) == [
        (10, 27, "error", "TOP104", "filter attribute 'kind' of service 'bb' lists no values, so it would accept "
         "nothing", "list the accepted values, e.g. kind: [value-a, value-b]")]


def test_TOP205_once_per_key_node_and_topic_statement():
    text = ("targets: [aws]\ntopics:\n  t1: {encryption: {kms_key: alias/k1}}\n  t2: {encryption: {kms_key: alias/k2}}\n"
            "services:\n  api: {publishes: [t1, t2]}\n  aa: {consumes: [t1]}\n  bb: {consumes: [t1, t2]}\n")

    def warning(service, topic, key):
        return (f"the subscription queue of '{service}' to topic '{topic}' and its dead-letter queue are encrypted "
                f"with KMS key '{key}': SNS can deliver to them only if the key policy allows sns.amazonaws.com "
                "kms:GenerateDataKey* and kms:Decrypt; otherwise the messages are lost")

    def hint(topic):
        return ('add this statement to the key policy (docs/aws.md): {"Sid":"AllowSNSToDeliverToEncryptedQueues",'
                '"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*",'
                '"kms:Decrypt"],"Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:<region>:'
                f'<account-id>:demo-dev-{topic}"}}}}}}, or use encryption: managed')

    assert found(text, {"TOP205"}) == [
        (5, 20, "warning", "TOP205", warning("aa", "t1", "alias/k1"), hint("t1")),
        (6, 20, "warning", "TOP205", warning("bb", "t2", "alias/k2"), hint("t2")),
    ]


def test_TOP211_at_the_default_lease_extension_of_one_hour():
    text = ("targets: [gcp]\nqueues: {jobs: {visibility_timeout: 2h}}\nservices:\n  api: {publishes: [jobs]}\n"
            "  worker:\n    consumes:\n      jobs: {processing_time: 1h}\n")
    assert found(text, {"TOP211"}) == [
        (9, 31, "warning", "TOP211", "on GCP, service 'worker' needs up to 1h per message of 'jobs', longer than the "
         "600s Pub/Sub ack deadline: its client must keep lease management on (the client libraries extend leases up "
         "to 1h by default)", "set the maximum lease extension to 3600s (environment JOBS_MAX_LEASE_SECONDS): Python "
         "FlowControl(max_lease_duration=3600), Java Subscriber.newBuilder(...).setMaxAckExtensionPeriod("
         "Duration.ofSeconds(3600)), Go sub.ReceiveSettings.MaxExtension = 3600 * time.Second")]


def test_TOP113_a_schema_file_that_refers_to_another_file(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "order.json").write_text('{"type": "object", "properties": {"id": {"$ref": "id.json"}}}')
    (tmp_path / "schemas" / "id.json").write_text('{"type": "string"}')
    (tmp_path / "topology.yaml").write_text(HEADER + "messages:\n  A8: {schema: schemas/order.json, example: {id: 5}}\n"
                                            "  A9: {schema: schemas/order.json, example: {id: x}}\n")
    assert [(d.line, d.col, d.code, d.message) for d in check_file(tmp_path / "topology.yaml").diagnostics] == [
        (4, 50, "TOP113", "the example of message 'A8' does not match its schema at id: it fails the schema's 'type' "
         "(at /properties/id/type of schemas/order.json)")]


def test_TOP209_cites_the_environment_that_sets_a_topic_s_key():
    # a topic nobody consumes, whose key only prod sets: the error points at prod's key, not at the topic
    text = ("topics:\n  t2: {}\nservices:\n  a1: {publishes: [t2]}\nenvironments:\n  prod:\n"
            "    topics: {t2: {encryption: {kms_key: 'alias/x*'}}}\n")
    assert found(text, {"TOP209"}) == [
        (9, 41, "error", "TOP209", "in environment 'prod': KMS key 'alias/x*' contains a wildcard: the service's IAM "
         "policy would allow kms:Decrypt on every matching key",
         "name one key: its id, key ARN, alias/<name> or alias ARN, without wildcards")]
