"""Messages that meet real mistakes: the whole text output, position, message, hint and order, exactly."""

from __future__ import annotations

from conftest import run_cli


def report(write, body: str) -> str:
    path = write(body)
    code, out, _ = run_cli("validate", "-q", path)
    # the note that semantic checks wait for the schema errors is tested in tests/test_messages_round8.py
    out = out.replace(str(path), "topology.yaml")
    # so is what every file without identities or alarm targets gets (TOP221 and TOP226 infos, TOP222: tests/rules): dropped
    # here with their hints, so that each test reads the messages its mistake causes
    kept, skip = [], False
    for line in out.splitlines(keepends=True):
        if line.startswith("  hint:") and skip:
            continue
        skip = " info TOP221 " in line or " info TOP226 " in line or " warning TOP222 " in line or ": note: the semantic checks" in line
        if not skip:
            kept.append(line)
    return "".join(kept)


def test_a_quoted_number_says_remove_the_quotes(write):
    out = report(write, 'queues:\n  jobs:\n    visibility_timeout: "30"\n    retention: "345600"\n'
                        '    max_message_size: "1024"\n    max_receive_count: "5"\n'
                        'services:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n')
    assert out == (
        "topology.yaml:5:25: error TOP010 visibility_timeout of queue 'jobs': '30' is in quotes, so it is text, "
        "not a number\n  hint: remove the quotes: visibility_timeout: 30\n"
        "topology.yaml:6:16: error TOP010 retention of queue 'jobs': '345600' is in quotes, so it is text, "
        "not a number\n  hint: remove the quotes: retention: 345600\n"
        "topology.yaml:7:23: error TOP010 max_message_size of queue 'jobs': '1024' is in quotes, so it is text, "
        "not a number\n  hint: remove the quotes: max_message_size: 1024\n"
        "topology.yaml:8:24: error TOP010 max_receive_count of queue 'jobs': '5' is in quotes, so it is text, "
        "not a number\n  hint: remove the quotes: max_receive_count: 5\n")


def test_quoted_text_that_is_not_a_number_keeps_the_form_hint(write):
    out = report(write, 'queues:\n  jobs: {retention: "4 days"}\nservices:\n  api: {publishes: [jobs]}\n'
                        '  wk: {consumes: [jobs]}\n')
    assert out == ("topology.yaml:4:21: error TOP010 retention of queue 'jobs': '4 days' is not in the expected form\n"
                   "  hint: write a duration like 30s, 10m, 4h or 14d, or a whole number of seconds\n")


def test_a_setting_dedented_under_queues(write):
    out = report(write, "queues:\n  jobs:\n    description: x\n    retention: 1d\n  visibility_timeout: 30s\n"
                        "services:\n  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n")
    assert out == (
        "topology.yaml:7:3: error TOP010 'visibility_timeout' looks indented one level too little (line 7): it "
        "reads as a queue named 'visibility_timeout', not as a setting of queue 'jobs'\n"
        "  hint: indent it to column 5, under 'jobs' (line 4)\n")


def test_a_setting_that_is_also_a_valid_name_dedented_under_topics(write):
    out = report(write, "topics:\n  events: {}\n  retention: 1d\nservices:\n  api: {publishes: [events]}\n"
                        "  wk: {consumes: [events]}\n")
    assert out == (
        "topology.yaml:5:3: error TOP010 'retention' looks indented one level too little (line 5): it reads as a "
        "topic named 'retention', not as a setting of topic 'events'\n"
        "  hint: indent it to column 5, under 'events' (line 4)\n")


def test_filter_dedented_under_consumes(write):
    out = report(write, "topics:\n  events: {}\nservices:\n  api: {publishes: [events]}\n  wk:\n    consumes:\n"
                        "      events:\n        max_receive_count: 3\n      filter: {status: [ok]}\n")
    assert out == (
        "topology.yaml:11:7: error TOP010 'filter' looks indented one level too little (line 11): it reads as a "
        "consumer of a channel named 'filter', not as an option of the consumer 'events'\n"
        "  hint: indent it to column 9, under 'events' (line 9)\n")


def test_a_channel_really_named_like_a_setting_is_fine(write):
    path = write("targets: [aws]\nclouds: {aws: {alarm_topic: none}}\n"  # no alarm target warning (TOP222)
                 "queues:\n  jobs: {}\n  retention: {}\nservices:\n  api: {publishes: [jobs, retention]}\n"
                 "  wk: {consumes: [jobs, retention]}\n")
    assert run_cli("validate", "--strict", path)[0] == 0


def test_subscribers_under_a_topic_and_consumes_under_a_queue(write):
    out = report(write, "topics:\n  events:\n    subscribers: [wk]\nqueues:\n  jobs:\n    consumes: [wk]\n"
                        "    publishers: [api]\nservices:\n  api: {publishes: [events, jobs]}\n  wk: {}\n")
    assert out == (
        "topology.yaml:5:5: error TOP010 unknown key 'subscribers' in topic 'events'\n"
        "  hint: consumers are declared under the service's 'consumes', not under the channel: "
        "services: {wk: {consumes: [events]}}\n"
        "topology.yaml:8:5: error TOP010 unknown key 'consumes' in queue 'jobs'\n"
        "  hint: consumers are declared under the service's 'consumes', not under the channel: "
        "services: {wk: {consumes: [jobs]}}\n"
        "topology.yaml:9:5: error TOP010 unknown key 'publishers' in queue 'jobs'\n"
        "  hint: publishers are declared under the service's 'publishes', not under the channel: "
        "services: {api: {publishes: [jobs]}}\n")


def test_the_warning_a_typo_causes_comes_after_the_typo(write):
    out = report(write, "queues:\n  jobs: {}\n  other: {}\nservices:\n  api: {publishes: [jbos, other]}\n"
                        "  wk: {consumes: [jobs, other]}\n")
    assert out == (
        "topology.yaml:7:21: error TOP101 service 'api' publishes to 'jbos', which is neither a queue nor a topic\n"
        "  hint: did you mean 'jobs'?\n"
        "topology.yaml:4:3: warning TOP109 no service publishes to queue 'jobs'\n"
        "  hint: probably because of the typo 'jbos' at line 7, which the error above reports; otherwise add "
        "'jobs' to the publishing service's 'publishes', or remove the queue\n")


def test_an_unrelated_warning_keeps_its_place(write):
    out = report(write, "queues:\n  idle: {}\n  jobs: {}\nservices:\n  api: {publishes: [jbos]}\n"
                        "  wk: {consumes: [jobs, idle]}\n")
    assert out.splitlines()[0] == "topology.yaml:4:3: warning TOP109 no service publishes to queue 'idle'"
    assert out.splitlines()[2].startswith("topology.yaml:7:21: error TOP101 service 'api' publishes to 'jbos'")
