"""The fast paths of this round's speed-ups: each gives what the general path gave (expected values written
out, as the previous code printed them), and `topowire COMMAND` imports only COMMAND's module."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli

ROWS_TOPOLOGY = """\
version: 1
name: rows
targets: [aws, gcp]
queues:
  jobs:
    description: "1. first | second_part @team"
    dead_letter: false
  orders-q:
    fifo: true
    encryption: {kms_key: alias/orders}
    protect: true
    max_message_size: 64KiB
    visibility_timeout: 90s
topics:
  events:
    description: "`code` & <b>"
services:
  api:
    owner: "@platform"
    description: "- starts like a list"
    publishes: [jobs, events]
  worker:
    consumes:
      jobs: {processing_time: 20s}
      events: {filter: {status: [ok, failed]}}
"""


# `topowire docs` of ROWS_TOPOLOGY before its large tables were written in Python (docs/tables.py): the same
# bytes must come out, cell by cell (escaping, joins, sort order, durations, settings).
EXPECTED_TABLE_ROWS = [
    '| Service | Owner | Publishes | Consumes | Description |',
    '| --- | --- | --- | --- | --- |',
    '| **api** | @\u2060platform | `events`, `jobs` |  | \\- starts like a list |',
    '| **worker** |  |  | `events`, `jobs` |  |',
    '| Queue | Message | FIFO | Visibility timeout | Retention | Delay | Max size | Dead letter | Encryption | Protected | Consumers | Description |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    '| **jobs** |  | no | 30s | 4d | 0s | cloud default | off | cloud-managed | yes | worker | 1\\. first \\| second\\_part @\u2060team |',
    '| **orders-q** |  | yes | 90s | 4d | 0s | 64KiB | after 5 receives, kept 14d | KMS `alias/orders` | yes |  |  |',
    '| Topic | Message | FIFO | Encryption | Publishers | Subscribers | Description |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    '| **events** |  | no | cloud-managed | api | worker | \\`code\\` \\& \\<b\\> |',
    '| Service | Consumes | Kind | Filter | Visibility timeout | Processing time | Retention | Dead letter |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    '| **worker** | events | topic | status = ok or failed | 30s | — | 4d | after 5 receives, kept 14d |',
    '| **worker** | jobs | queue | all messages | 30s | 20s | 4d | off |',
    '| Source | Consumer | After | Kept for | Source keeps |',
    '| --- | --- | --- | --- | --- |',
    '| queue `orders-q` |  | 5 receives | 14d | 4d |',
    '| topic `events` | worker | 5 receives | 14d | 4d |',
]
EXPECTED_NAME_ROWS = [
    '| Cloud | Resource | Name |',
    '| --- | --- | --- |',
    '| AWS | SQS queue | `rows-dev-jobs` |',
    '| AWS | SQS queue | `rows-dev-orders-q.fifo` |',
    '| AWS | SQS queue | `rows-dev-orders-q-dlq.fifo` |',
    '| GCP | service account id | `rows-dev-api` |',
    '| GCP | service account id | `rows-dev-worker` |',
]


def test_docs_tables_are_what_the_template_wrote(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(ROWS_TOPOLOGY)
    code, out, err = run_cli("docs", path, "-o", "-")
    assert code == 0, err
    lines = out.splitlines()
    start = lines.index(EXPECTED_TABLE_ROWS[0])
    table = [line for line in lines[start:] if line.startswith("|")]
    assert table[:len(EXPECTED_TABLE_ROWS)] == EXPECTED_TABLE_ROWS
    names = lines[lines.index(EXPECTED_NAME_ROWS[0]):]
    assert names[:5] == EXPECTED_NAME_ROWS[:5]
    assert [line for line in names if line.startswith("| GCP | service account id")] == EXPECTED_NAME_ROWS[5:]
    assert out.count("\n\n| --- |") == 0  # no blank line inside a table (rows joined exactly as the loops did)


# (value, md_text, md_cell_code, mermaid_label, terminal) as the general paths give them.
ESCAPES = [
    ("svc-00001", "svc-00001", "`svc-00001`", "svc-00001", "svc-00001"),
    ("a b", "a b", "`a b`", "a b", "a b"),
    ("Zz-9", "Zz-9", "`Zz-9`", "Zz-9", "Zz-9"),
    ("a_b", "a\\_b", "`a_b`", "a_b", "a_b"),
    ("1. x", "1\\. x", "`1. x`", "1. x", "1. x"),
    ("-x", "\\-x", "`-x`", "-x", "-x"),
    (" a ", "a", "`  a  `", " a ", " a "),
    (" a", "a", "`  a `", " a", " a"),
    ("a ", "a", "` a  `", "a ", "a "),
    ("x@y", "x@\u2060y", "`x@y`", "x@y", "x@y"),
    ("a|b", "a\\|b", "`a\\|b`", "a|b", "a|b"),
    ("a`b", "a\\`b", "``a`b``", "a#96;b", "a`b"),
    ("`a", "\\`a", "`` `a ``", "#96;a", "`a"),
    ("#1", "\\#1", "`#1`", "#35;1", "#1"),
    ("50%", "50%", "`50%`", "50#37;", "50%"),
    ("<b>", "\\<b\\>", "`<b>`", "#lt;b#gt;", "<b>"),
    ("a&b", "a\\&b", "`a&b`", "a#amp;b", "a&b"),
    ("é", "é", "`é`", "é", "é"),
    ("tab\there", "tab\there", "`tab\there`", "tab\there", "tab here"),
    ("x\x1b[31m", "x\\\\x1b\\[31m", "`x\\x1b[31m`", "x\\x1b[31m", "x\\u001b[31m"),
    ("x\x7fy", "x\\\\x7fy", "`x\\x7fy`", "x\\x7fy", "x\\u007fy"),
    ("a\u202eb", "a\\<U+202E\\>b", "`a<U+202E>b`", "a#lt;U+202E#gt;b", "a\\u202eb"),
    ("line\nbreak", "line break", "`line break`", "line break", "line\\nbreak"),
    ("", "", "", "", ""),
]


@pytest.mark.parametrize("value, text, cell_code, label, term", ESCAPES)
def test_escapes_with_and_without_their_fast_paths(value, text, cell_code, label, term):
    from generator.escape import md_cell_code, md_text, mermaid_label, terminal

    assert (md_text(value), md_cell_code(value), mermaid_label(value), terminal(value)) == (text, cell_code, label,
                                                                                           term)


def test_output_pieces_are_the_text_and_nothing_is_returned_past_the_limit():
    from generator import output

    chunks = [f"{i}," for i in range(10_000)]
    pieces = output.pieces(chunks, "the test")
    assert len(pieces) == 3  # 4,096 chunks a piece
    assert "".join(pieces) == "".join(chunks) == output.join(chunks, "the test")
    with pytest.raises(output.OutputTooLarge):
        output.pieces(chunks, "the test", limit=1000)


def _cli_modules(*args, prefix: str = "generator.cli.") -> list:
    code = ("import sys, io, contextlib\n"
            "from generator.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
            "    try:\n"
            f"        main({list(args)!r})\n"
            "    except SystemExit:\n"  # --help
            "        pass\n"
            f"print(' '.join(sorted(m for m in sys.modules if m.startswith({prefix!r}))))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_a_subcommand_imports_only_its_own_module():
    assert _cli_modules("validate", "-q", "topology.yaml") == ["generator.cli.commands", "generator.cli.options",
                                                               "generator.cli.validate"]
    assert _cli_modules("schema") == ["generator.cli.commands", "generator.cli.schema"]
    assert _cli_modules("--help") == ["generator.cli.commands"]
    assert _cli_modules("docs", "--help") == ["generator.cli.commands", "generator.cli.docs", "generator.cli.options",
                                              "generator.cli.stack"]


@pytest.mark.parametrize("module", ["jsonschema_rs", "_hashlib"])
def test_a_small_topology_starts_without_what_it_does_not_need(module):
    """topology.yaml (171 nodes, message schemas, names that fit): jsonschema (needed for the message schemas
    anyway) decides the file; neither jsonschema-rs nor OpenSSL's hashes are loaded (bench: cold start)."""
    assert _cli_modules("validate", "-q", "topology.yaml", prefix=module) == []


def test_a_larger_topology_is_decided_by_the_compiled_validator(tmp_path):
    big = tmp_path / "big.yaml"
    extra = "".join(f"  extra-{i}: {{}}\n" for i in range(200))
    big.write_text((ROOT / "topology.yaml").read_text().replace("\nqueues:\n", "\nqueues:\n" + extra, 1))
    assert "jsonschema_rs" in _cli_modules("validate", "-q", str(big), prefix="jsonschema_rs")


def test_help_lists_every_subcommand_with_its_help():
    proc = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for line in ("    init      start a repository: topology.yaml, the Pulumi program, pre-commit hooks, CI",
                 "    validate  check topology files against the schema and the rules",
                 "    docs      render the architecture docs (Markdown + Mermaid)",
                 "    asyncapi  write one AsyncAPI 3.0 document per service",
                 "    plan      show every resource the Pulumi program would create (mock engine, offline)",
                 "    diff      what a change to the topology does on each cloud; destructive changes first",
                 "    local     run the topology on a local AWS emulator (moto), no account needed",
                 "    schema    print the JSON Schema of topology.yaml"):
        assert line in out.splitlines()
    from generator.cli import parser
    from generator.cli.commands import COMMANDS

    full = parser()  # every module's own add_parser: the same help as the table's
    sub = next(a for a in full._actions if a.dest == "command")
    assert {c.dest: c.help for c in sub._choices_actions} == COMMANDS


def test_message_validators_count_every_keyword_through_a_shared_class():
    """The counting validator class is made once per draft; the counts travel with each validator (its format
    checker), through $ref and subschemas: 7 keyword evaluations per instance here (as before the class was
    shared), the file's total adding up across validators."""
    from generator.message_schema import _counting, validator

    schema = {"type": "object", "properties": {"a": {"type": "string", "pattern": "^x"}, "b": {"$ref": "#/$defs/n"}},
              "$defs": {"n": {"type": "integer", "minimum": 1}}}
    total = [0]
    first = validator(schema, "", (), total)
    assert list(first.iter_errors({"a": "x", "b": 2})) == [] and total == [7]
    second = validator(schema, "", (), total)
    assert sorted(e.message for e in second.iter_errors({"a": "y", "b": 0})) == [
        "'y' does not match '^x'", "0 is less than the minimum of 1"]
    assert total == [14] and (first.format_checker.steps, second.format_checker.steps) == (7, 7)
    import jsonschema

    assert type(first) is type(second) is _counting(jsonschema.Draft202012Validator)


@pytest.mark.parametrize("value, fenced", [
    ("flowchart LR\n  a --> b\n", "```mermaid\nflowchart LR\n  a --> b\n```"),        # the fast path
    ("a\r\nb\rc", "```mermaid\na\nb\nc\n```"),                                       # carriage returns
    ("x\x1b[31m\n", "```mermaid\nx\\x1b[31m\n```"),                                  # a control character
    ("a\u202eb", "```mermaid\na<U+202E>b\n```"),                                     # a bidi override
    ("tab\there", "```mermaid\ntab\there\n```"),                                     # a tab is kept
    ("```\nx", "````mermaid\n```\nx\n````"),                                         # backticks lengthen it
    ("é and `", "```mermaid\né and `\n```"),
])
def test_fences_with_and_without_their_fast_path(value, fenced):
    from generator.escape import md_fence

    assert md_fence(value, "mermaid") == fenced


def test_many_cell_codes_at_once_are_each_one_escaped():
    from generator.escape import md_cell_codes

    values = [value for value, *_ in ESCAPES]
    assert md_cell_codes(values) == [cell_code for _, _, cell_code, _, _ in ESCAPES]  # one needs more: each alone
    assert md_cell_codes(["rows-dev-jobs", "a.fifo", "q~1"]) == ["`rows-dev-jobs`", "`a.fifo`", "`q~1`"]
    assert md_cell_codes([]) == []
    for value, _, cell_code, _, _ in ESCAPES:  # among plain names, a value that is not decides for all of them
        assert md_cell_codes(["ok", value, "ok"]) == ["`ok`", cell_code, "`ok`"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=st.sampled_from("ab-.\n"), min_size=1, max_size=6),  # mostly plain names
                          st.text(alphabet=st.sampled_from("ab-|` \n\t\u202e.é"), max_size=6)), max_size=5))
def test_many_cell_codes_agree_with_one_at_a_time(values):
    from generator.escape import md_cell_code, md_cell_codes

    assert md_cell_codes(values) == [md_cell_code(v) for v in values]
