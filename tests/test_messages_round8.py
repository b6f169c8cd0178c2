"""Messages and options that misled a new user (issue: a team's first week), each as the user met it."""

from __future__ import annotations

import json

from conftest import HEADER, run_cli
from generator.check import check_document
from generator.loader import load_bytes


def diags(text, clouds=None):
    return check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics


def test_validate_cloud_outside_targets_checks_it_and_says_so(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(HEADER + "targets: [aws]\nqueues:\n  jobs: {visibility_timeout: 10m}\nservices:\n"
                 "  api: {publishes: [jobs]}\n  worker: {consumes: [jobs]}\n")
    code, out, _ = run_cli("validate", f, "--cloud", "azure")
    assert code == 0
    assert "TOP203" in out and "lock duration" in out  # Azure's limits were checked
    assert "checked for azure, which 'targets' (aws) does not list" in out
    assert "plan and pulumi up refuse azure" in out
    doc = json.loads(run_cli("validate", f, "--cloud", "azure", "--format", "json")[1])
    assert any("does not list" in n for n in doc["files"][0]["notes"])
    assert "does not list" not in run_cli("validate", f)[1]


def test_two_spellings_of_max_receive_count_in_one_queue_is_an_error():
    text = ("queues:\n  jobs: {max_receive_count: 4, dead_letter: {max_receive_count: 10}}\nservices:\n"
            "  api: {publishes: [jobs]}\n  worker: {consumes: [jobs]}\n")
    found = [d for d in diags(text) if d.level == "error"]
    assert [(d.code, d.line) for d in found] == [("TOP125", 4)]
    assert "max_receive_count: 4" in found[0].message and "10 would win" in found[0].message
    same = text.replace("max_receive_count: 4", "max_receive_count: 10")
    assert [d for d in diags(same) if d.code in ("TOP125", "TOP111")] == []


def test_two_spellings_in_defaults_environments_and_consumers():
    text = ("defaults: {max_receive_count: 3, dead_letter: {max_receive_count: 6}}\n"
            "topics:\n  ev: {}\nservices:\n  api: {publishes: [ev]}\n  worker:\n    consumes:\n"
            "      ev: {max_receive_count: 2, dead_letter: {max_receive_count: 9}}\n"
            "environments:\n  prod:\n    topics:\n      ev: {max_receive_count: 1, dead_letter: {max_receive_count: 7}}\n")
    paths = sorted(d.path for d in diags(text) if d.code == "TOP125")
    assert paths == [("defaults", "max_receive_count"), ("environments", "prod", "topics", "ev", "max_receive_count"),
                     ("services", "worker", "consumes", "ev", "max_receive_count")]


def test_a_consumers_count_against_the_queues_dead_letter_spelling_is_TOP111():
    text = ("queues:\n  jobs: {dead_letter: {max_receive_count: 10}}\nservices:\n  api: {publishes: [jobs]}\n"
            "  worker:\n    consumes:\n      jobs: {max_receive_count: 3}\n")
    [d] = [d for d in diags(text) if d.code == "TOP111"]
    assert "to 3" in d.message and "sets it to 10" in d.message


def _filter_hint(value):
    text = (f"topics:\n  orders: {{}}\nservices:\n  api: {{publishes: [orders]}}\n  worker:\n    consumes:\n"
            f"      orders:\n        filter: {{currency: {value}}}\n")
    return [d.hint for d in diags(text)]


def test_filter_values_that_are_not_strings_get_their_own_hint():
    assert all("quote the number" in h for h in _filter_hint("[1, 2]"))
    assert "quote it ('true')" in _filter_hint("[true]")[0]
    for numeric in ('[{numeric: [">", 5]}]', '[{prefix: "ord"}]'):
        [hint] = _filter_hint(numeric)
        assert "only exact string matches are supported, on every cloud" in hint
    assert not any("processing_time" in h for h in _filter_hint("[1]"))  # not the hint meant for consumes


def test_a_dedented_consumer_block_is_reported_once_at_its_root():
    text = ("queues:\n  jobs: {}\ntopics:\n  orders: {}\nservices:\n  api: {publishes: [jobs, orders]}\n"
            "  worker:\n    consumes:\n    jobs:\n      processing_time: 20s\n    orders: {}\n")
    [d] = diags(text)
    assert (d.line, d.col) == (10, 5)
    assert "'consumes' of service 'worker' is empty" in d.message and "'jobs' (line 11)" in d.message
    assert "'orders' (line 13)" in d.message and d.hint == "indent them to column 7, under 'consumes' (line 10)"


def test_a_dedented_top_level_block_and_filter_block():
    [d] = diags("queues:\njobs: {}\n")
    assert "'queues' is empty" in d.message and "top-level keys" in d.message and "column 3" in d.hint
    text = ("topics:\n  ev: {}\nservices:\n  api: {publishes: [ev]}\n  worker:\n    consumes:\n      ev:\n"
            "        filter:\n        status: [ok]\n")
    [d] = diags(text)
    assert "'filter' of the consumer 'ev' of service 'worker' is empty" in d.message


def test_a_lookalike_character_is_named_with_its_code_point():
    [d] = diags("queues:\n  inference\u2013requests: {}\n")
    assert "U+2013 EN DASH at character 10, which looks like '-' but is not" in d.message
    assert d.hint == "write 'inference-requests'"
    [d] = [d for d in diags("queues:\n  jobs: {}\nservices:\n  w\u0430rker: {consumes: [jobs]}\n")]
    assert "U+0430 CYRILLIC SMALL LETTER A" in d.message


def test_lookalike_explanation_is_bounded():
    from generator import lookalikes
    text = lookalikes.explain("\u2013" * 10_000)
    assert text.count("U+2013") == 3 and text.endswith("and 9997 more")


def test_schema_errors_say_the_semantic_checks_did_not_run(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(HEADER + "queues:\n  jobs: {retention: 4 days}\nservices:\n  api: {publishes: [jbos], colour: red}\n"
                 "  worker: {consumes: [jobs]}\n")
    code, out, _ = run_cli("validate", f)
    assert code == 1
    assert "semantic checks (references, names, dead letters, cloud limits) did not run" in out
    assert "TOP101" not in out  # jbos is reported once the schema errors are fixed
    gh = run_cli("validate", f, "--format", "github")[1]
    assert "::notice file=" in gh and "did not run" in gh


def test_a_service_without_keys_gets_a_hint():
    [d] = diags("queues:\n  jobs: {}\nservices:\n  api:\n  worker: {consumes: [jobs]}\n")
    assert "publishes or consumes" in d.hint


def test_plan_names_an_azure_alert_by_its_rule_name_not_its_resource_group():
    from generator.cli.plan import PHYSICAL_NAME_KEYS
    inputs = {"resourceGroupName": "rg", "ruleName": "rg-jobs-dead-letters"}
    assert next(inputs[k] for k in PHYSICAL_NAME_KEYS if k in inputs) == "rg-jobs-dead-letters"
    rule = {"resourceGroupName": "rg", "namespaceName": "ns", "topicName": "t", "subscriptionName": "s",
            "ruleName": "r"}
    assert next(rule[k] for k in PHYSICAL_NAME_KEYS if k in rule) == "r"


def test_a_protected_deletion_says_pulumi_up_stops_until_protect_false_is_deployed():
    from generator.diff import impact
    base = check_document(load_bytes(HEADER + "queues:\n  jobs: {}\n  other: {}\nservices:\n"
                                     "  api: {publishes: [jobs, other]}\n  wk: {consumes: [jobs, other]}\n", "b.yaml")).topology
    head = check_document(load_bytes(HEADER + "queues:\n  jobs: {}\nservices:\n"
                                     "  api: {publishes: [jobs]}\n  wk: {consumes: [jobs]}\n", "h.yaml")).topology
    gone = [a for a in impact.actions(base, head, "aws") if a.action == "delete" and "other" in a.name]
    assert gone and all("deploy 'protect: false' first" in a.reason for a in gone)


def test_docs_to_a_directory_written_with_a_trailing_slash_is_refused_like_an_existing_one(tmp_path, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(tmp_path)
    (tmp_path / "topology.yaml").write_text((ROOT / "topology.yaml").read_text())
    code, out, err = run_cli("docs", "topology.yaml", "-o", "newdir/")
    assert code == 1 and "-o newdir/ is a directory; give the file to write, e.g. -o newdir/architecture.md" in err
    assert not (tmp_path / "newdir").exists()
    (tmp_path / "existing").mkdir()
    code, out, err = run_cli("docs", "topology.yaml", "-o", "existing")
    assert code == 1 and "is a directory" in err


class _Tty:
    """A stand-in terminal: what validate writes to a person's terminal."""

    def __init__(self):
        import io

        self.buf = io.StringIO()

    def write(self, s):
        return self.buf.write(s)

    def isatty(self):
        return True

    def flush(self):
        pass


def _validate_on_a_terminal(monkeypatch, path, **env):
    import sys

    from generator.cli import main

    for k in ("NO_COLOR",):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    tty = _Tty()
    monkeypatch.setattr(sys, "stdout", tty)
    code = main(["validate", str(path)])
    return code, tty.buf.getvalue()


def test_on_a_terminal_validate_shows_colour_and_the_source_line_with_a_caret(tmp_path, monkeypatch):
    f = tmp_path / "t.yaml"
    f.write_text(HEADER + "queues:\n  jobs: {visiblity_timeout: 30s}\nservices:\n  api: {publishes: [jobs]}\n"
                 "  worker: {consumes: [jobs]}\n")
    code, out = _validate_on_a_terminal(monkeypatch, f)
    assert code == 1
    assert "\x1b[1;31merror\x1b[0m" in out  # the level in red
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if "unknown key 'visiblity_timeout'" in line)
    assert lines[i + 1].endswith("    4 | \x1b[0m  jobs: {visiblity_timeout: 30s}")
    caret = lines[i + 2]
    assert caret.index("^") - len("\x1b[1;32m") - len("\x1b[34m      | \x1b[0m") == 9  # under column 10
    code, plain = _validate_on_a_terminal(monkeypatch, f, NO_COLOR="1")
    assert "\x1b[" not in plain and "    4 |   jobs: {visiblity_timeout: 30s}" in plain
    assert "      |          ^" in plain


def test_not_on_a_terminal_the_report_stays_plain(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(HEADER + "queues:\n  jobs: {visiblity_timeout: 30s}\n")
    code, out, _ = run_cli("validate", f)
    assert "\x1b[" not in out and " | " not in out


def test_a_hostile_source_line_is_escaped_and_the_caret_follows_the_escaped_text(tmp_path, monkeypatch):
    f = tmp_path / "t.yaml"
    f.write_text(HEADER + "queues:\n  \u202eab: {}\n", encoding="utf-8")  # a bidi override in the file itself
    code, out = _validate_on_a_terminal(monkeypatch, f, NO_COLOR="1")
    assert "\u202e" not in out and "\\u202e" in out
    excerpt = [line for line in out.splitlines() if line.startswith("    4 | ")]
    assert excerpt and "\\u202eab" in excerpt[0]
