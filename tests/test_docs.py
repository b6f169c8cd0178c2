"""`topowire docs`: deterministic Markdown whose Mermaid diagrams the real renderer accepts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from conftest import CASES, EXAMPLES, HEADER, ROOT, run_cli
from generator.check import load_topology
from generator.docs import render
from generator.docs import rules_page

MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
PUPPETEER_CONFIG = ROOT / "puppeteer.config.json"
SOURCES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "docs" / "tricky.yaml"]


def docs_of(path, stack="dev") -> str:
    from generator.check import load_result

    r = load_result(path, stack=stack)
    return render(r.topology, path.name, stacks=r.stacks, base=r.base)


def test_committed_architecture_docs_are_fresh():
    code, out, err = run_cli("docs", ROOT / "topology.yaml", "-o", ROOT / "docs" / "architecture.md", "--check")
    assert code == 0, err + " -- run 'make docs'"


def test_committed_rules_page_is_fresh():
    assert (ROOT / "docs" / "rules.md").read_text("utf-8") == rules_page.render(), "run 'make docs'"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_docs_are_deterministic(path):
    assert docs_of(path) == docs_of(path)


def test_docs_content_of_the_ai_platform():
    text = docs_of(ROOT / "topology.yaml")
    assert "```mermaid\nflowchart LR\n" in text
    # queues are cylinders, their dead letters a line of the label (no box of their own)
    assert 'q_inference_requests[("inference-requests<br/>queue · large payloads<br/>DLQ after 3")]' in text
    assert 't_inference_results{{"inference-results<br/>topic<br/>DLQ per subscription"}}' in text  # hexagons
    assert "FIFO queue" in text                                                        # FIFO marked
    assert "dlq_" not in text and "-.->" not in text                                   # no DLQ boxes
    assert 't_inference_results -- "status = succeeded or f…" --> svc_notifier' in text  # labels kept short
    assert "| **inference-requests** · large payloads above 256KiB | `InferenceRequest` | no | 10m | 1d | 0s | cloud default | after 3 receives, " \
           "kept 14d |" in text
    # stack dev: its environment's defaults (retention 1d) under the notifier's own max_receive_count
    assert "| **notifier** | inference-results | topic | status = succeeded or failed | 30s | — | 1d | after 10 " \
           "receives, kept 14d |" in text
    assert "| **gpu-worker** | inference-requests | queue | all messages | 10m | 8m | 1d | after 3 receives, " \
           "kept 14d |" in text
    assert '"prompt": "Summarise this ticket"' in text                                  # examples shown
    # cloud names per stack: dev (default prefix), prod (prefix: ai-platform keeps the names of before)
    assert "| AWS | SQS queue | `ai-platform-dev-embedding-jobs.fifo` | `ai-platform-embedding-jobs.fifo` |" in text
    assert "| GCP | service account id | `ai-platform-dev-embedder` | `ai-platform-embedder` |" in text
    assert "| Azure | Service Bus namespace | `ai-platform-dev` | `ai-platform-prod` |" in text
    # settings that differ between environments, one column per stack
    assert "| Subject | Setting | unlisted stacks | dev | prod |" in text
    assert "| queue inference-requests | retention | 1d | 1d | 4d |" in text
    assert "| defaults | retention | 4d | 1d | 14d |" in text      # one row for what every store follows
    assert "| subscription inference-results/notifier | retention |" not in text
    assert text.count("```mermaid") == 1
    prod = docs_of(ROOT / "topology.yaml", "prod")
    assert "This page shows stack **prod**" in prod and "| Tags | `cost-center=ai`, `env=prod` |" in prod


def test_markdown_tables_escape_pipes_and_newlines():
    text = docs_of(CASES / "docs" / "tricky.yaml")
    assert "| Owner | team \\| ops |" in text
    tables = tables_of(text)
    assert len(tables) >= 4 and sum(len(rows) for _, rows in tables) >= 10
    for header, rows in tables:
        for row in rows:  # every row has exactly as many cells as its own table's header
            assert len(cells(row)) == len(cells(header)), (header, row)


def cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def tables_of(text: str) -> list[tuple[str, list[str]]]:
    """GFM tables: a header line, a delimiter line (| --- |), then rows up to the first non-table line."""
    lines, found = text.splitlines(), []
    for i in range(len(lines) - 1):
        if lines[i].startswith("|") and re.fullmatch(r"\|( *:?-+:? *\|)+", lines[i + 1].strip()):
            rows = []
            for line in lines[i + 2:]:
                if not line.startswith("|"):
                    break
                rows.append(line)
            found.append((lines[i], rows))
    return found


def test_check_flag_and_writing(tmp_path):
    src = shutil.copy(ROOT / "topology.yaml", tmp_path / "topology.yaml")
    out = tmp_path / "docs" / "architecture.md"
    assert run_cli("docs", src, "-o", out, "--check")[0] == 1           # missing
    assert run_cli("docs", src, "-o", out)[0] == 0
    assert run_cli("docs", src, "-o", out, "--check")[0] == 0
    assert out.read_text().startswith("<!-- Generated by `topowire docs` from ../topology.yaml.")
    out.write_text(out.read_text() + "edited by hand\n")
    code, _, err = run_cli("docs", src, "-o", out, "--check")
    assert code == 1 and "is stale" in err
    code, _, err = run_cli("docs", src, "-o", out, "--fail-on-change")   # pre-commit's mode: fix, then fail
    assert code == 1 and "it was stale" in err and "edited by hand" not in out.read_text()
    assert run_cli("docs", src, "-o", out, "--fail-on-change")[0] == 0
    code, stdout, _ = run_cli("docs", src, "-o", "-")
    assert code == 0 and stdout.startswith("<!-- Generated")


def test_docs_of_an_invalid_file_fail_cleanly(write):
    code, out, err = run_cli("docs", write("queues: {jobs: {fifo: sometimes}}\n"), "-o", "-")
    assert code == 1 and "error TOP010" in err and out == ""


def test_schema_links_are_relative_to_the_page(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "job.json").write_text('{"type": "object"}')
    src = tmp_path / "topology.yaml"
    src.write_text("version: 1\nname: demo\nmessages:\n  Job: {schema: schemas/job.json}\n")
    out = tmp_path / "docs" / "arch.md"
    assert run_cli("docs", src, "-o", out)[0] == 0
    assert "Schema: [`schemas/job.json`](../schemas/job.json)" in out.read_text()


def test_every_mermaid_block_renders_with_the_real_renderer(tmp_path):
    assert MMDC.exists(), "mermaid-cli is missing: 'make test' installs it (npm ci)"
    assert os.access("/usr/bin/chromium", os.X_OK), "chromium is missing: 'make test' installs it (apt-get)"
    for src in SOURCES:
        md = tmp_path / f"{src.stem}.md"
        md.write_text(docs_of(src))
        blocks = md.read_text().count("```mermaid")
        assert blocks >= 1
        proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(md), "-o",
                               str(tmp_path / f"{src.stem}-out.md")], capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, f"{src.name}: {proc.stdout}{proc.stderr}"
        svgs = sorted(tmp_path.glob(f"{src.stem}-out-*.svg"))
        assert len(svgs) == blocks
        topo, _ = load_topology(src)
        svg = svgs[0].read_text()
        for name in [*topo.services, *topo.queues, *topo.topics]:
            assert name in svg, f"{name} missing from the rendered diagram of {src.name}"


def test_the_renderer_does_reject_a_broken_diagram(tmp_path):
    md = tmp_path / "bad.md"
    md.write_text("```mermaid\nflowchart LR\n  a --> end\n```\n")
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(md), "-o", str(tmp_path / "o.md")],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode != 0


def test_the_diff_comment_diagram_renders_too(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    head = base.replace("    fifo: true\n    visibility_timeout: 2m\n", "    visibility_timeout: 2m\n") \
        .replace("  batch-scoring:\n", "  batch-scoring:\n    retention: 2d\n").replace(
        "  moderation:\n", "  reviewer:\n    consumes: [audit-events]\n  moderation:\n")
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, md, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")
    assert code == 0 and re.search(r"^  class (\S+,)?svc_reviewer(,\S+)? added$", md, re.M), err
    (tmp_path / "diff.md").write_text(md)
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(tmp_path / "diff.md"), "-o",
                           str(tmp_path / "out.md")], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reviewer" in (tmp_path / "out-1.svg").read_text()


@pytest.mark.parametrize("field,value,text", [
    ("retention", None, "—"), ("dead_letter", True, "on"), ("dead_letter", False, "off"), ("protect", True, "yes"),
    ("protect", False, "no"), ("visibility_timeout", 90, "90s"), ("retention", 1209600, "14d"), ("delay", 0, "0s"),
    ("dead_letter_retention", 3600, "1h"), ("max_message_size", 262144, "256KiB"), ("max_receive_count", 5, "5"),
    ("encryption", "alias/k", "alias/k"),
])
def test_environment_settings_in_words(field, value, text):
    from generator.docs import _setting_text

    assert _setting_text(field, value) == text


def test_the_template_prints_only_text_it_escaped_or_numbers():
    from generator.docs import _environment
    from generator.escape import Escaped

    env = _environment()
    assert env.from_string("{{ a }}|{{ b }}|{{ c }}|{{ d }}").render(a="x_*y*", b=Escaped("x_*y*"), c=3, d=1.5) == \
        "x\\_\\*y\\*|x_*y*|3|1.5"
    for value in (True, None):
        with pytest.raises(TypeError, match=f"a template printed {value!r}: say what it means in words"):
            env.from_string("{{ v }}").render(v=value)
    with pytest.raises(Exception, match="'nope' is undefined"):  # a misspelt name fails, never prints ''
        env.from_string("{{ nope }}").render()


ENVS_TOPOLOGY = """\
version: 1
name: envs
targets: [azure, gcp]
clouds: {azure: {sku: Standard}}
messages:
  Job: {example: {title: "café crème"}}
queues:
  jobs:
    message: Job
    visibility_timeout: 2h
    dead_letter: {max_receive_count: 5}
topics:
  events: {}
  audit: {}
services:
  api: {publishes: [jobs, events, audit]}
  transcoding-worker-with-a-long-name:
    consumes:
      jobs: {processing_time: 1h}
      events: {processing_time: 2h, visibility_timeout: 4h}
environments:
  prod:
    prefix: envs-live
    tags: {tier: gold}
    clouds: {azure: {sku: Premium}}
    queues: {jobs: {retention: 14d, dead_letter: {retention: 10d}}}
    topics: {events: {retention: 2d, encryption: {kms_key: alias/events}}}
  staging: {}
"""

ENVS_SETTINGS = """\
| Subject | Setting | unlisted stacks | prod | staging |
| --- | --- | --- | --- | --- |
| stack | prefix | envs-\\<stack\\> | envs-live | envs-staging |
| tags | tier | — | gold | — |
| clouds | azure sku | Standard | Premium | Standard |
| queue jobs | retention | 4d | 14d | 4d |
| queue jobs | dead\\_letter\\_retention | 14d | 10d | 14d |
| topic events | encryption | managed | alias/events | managed |
| subscription events/transcoding-worker-with-a-long-name | retention | 4d | 2d | 4d |
| subscription events/transcoding-worker-with-a-long-name | encryption | managed | alias/events | managed |
"""

ENVS_LONG_GCP = """\
| Service | Consumes | Processing time | Environment | Client settings |
| --- | --- | --- | --- | --- |
| **transcoding-worker-with-a-long-name** | events | 2h (**over the 1h default: must be set**) | \
`EVENTS_MAX_LEASE_SECONDS` | Python FlowControl(max\\_lease\\_duration=7200), Java Subscriber.newBuilder(...)\
.setMaxAckExtensionPeriod(Duration.ofSeconds(7200)), Go sub.ReceiveSettings.MaxExtension = 7200 \\* time.Second |
| **transcoding-worker-with-a-long-name** | jobs | 1h | `JOBS_MAX_LEASE_SECONDS` | Python \
FlowControl(max\\_lease\\_duration=3600), Java Subscriber.newBuilder(...).setMaxAckExtensionPeriod(Duration.ofSeconds(\
3600)), Go sub.ReceiveSettings.MaxExtension = 3600 \\* time.Second |
"""

ENVS_SHORTENED = """\
| Stack | Service | Full name | Account id |
| --- | --- | --- | --- |
| dev (unlisted) | transcoding-worker-with-a-long-name | `envs-dev-transcoding-worker-with-a-long-name` | \
`envs-dev-transcoding-wo-91c987` |
| prod | transcoding-worker-with-a-long-name | `envs-live-transcoding-worker-with-a-long-name` | \
`envs-live-transcoding-w-f3b0cc` |
| staging | transcoding-worker-with-a-long-name | `envs-staging-transcoding-worker-with-a-long-name` | \
`envs-staging-transcodin-cf2b1c` |
"""


def test_environments_long_gcp_jobs_and_shortened_accounts_whole(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(ENVS_TOPOLOGY, "utf-8")
    text = docs_of(path)  # stack dev: not listed, so it gets its own '(unlisted)' column of names
    assert ENVS_SETTINGS in text
    assert ENVS_LONG_GCP in text  # sorted by service then channel; exactly 1h is not over the default
    assert "| Cloud | Resource | dev (unlisted) | prod | staging |\n| --- | --- | --- | --- | --- |\n" \
           "| Azure | Service Bus queue | `envs-dev-jobs` | `envs-live-jobs` | `envs-staging-jobs` |\n" in text
    assert "| GCP | service account id | `envs-dev-transcoding-wo-91c987` | `envs-live-transcoding-w-f3b0cc` | " \
           "`envs-staging-transcodin-cf2b1c` |\n" in text
    assert ENVS_SHORTENED in text
    assert '```json\n{\n  "title": "café crème"\n}\n```' in text  # examples keep their characters


def test_an_unlisted_stack_s_page_lists_its_own_names_too(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(ENVS_TOPOLOGY, "utf-8")
    text = docs_of(path, stack="qa")  # neither dev (the default) nor qa is listed: both get a column
    assert "| Cloud | Resource | dev (unlisted) | qa (unlisted) | prod | staging |\n| --- | --- | --- | --- | --- | --- |\n" \
           "| Azure | Service Bus queue | `envs-dev-jobs` | `envs-qa-jobs` | `envs-live-jobs` | `envs-staging-jobs` |\n" \
           in text
    assert "| qa (unlisted) | transcoding-worker-with-a-long-name | `envs-qa-transcoding-worker-with-a-long-name` |" in text
    prod = docs_of(path, stack="prod")  # a listed stack's page: the default stack's column, no other
    assert "| Cloud | Resource | dev (unlisted) | prod | staging |\n" in prod


def test_a_single_environment_gets_one_column_of_names(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: one\ntargets: [aws]\nqueues: {jobs: {}}\nservices:\n"
                    "  api: {publishes: [jobs]}\n  worker: {consumes: [jobs]}\n"
                    "environments:\n  dev: {defaults: {retention: 1d}}\n", "utf-8")
    text = docs_of(path)
    assert "| Subject | Setting | unlisted stacks | dev |\n| --- | --- | --- | --- |\n" \
           "| stack | prefix | one-\\<stack\\> | one-dev |\n| defaults | retention | 4d | 1d |\n" in text
    assert "| Cloud | Resource | dev |\n| --- | --- | --- |\n| AWS | SQS queue | `one-dev-jobs` |\n" in text


def test_one_stack_shortened_accounts_and_channels_without_publishers_or_consumers(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: solo\ntargets: [gcp]\ntopics: {heard: {}, said: {}}\nservices:\n"
                    "  speaker: {publishes: [said]}\n  a-listener-with-a-rather-long-name: {consumes: [heard]}\n",
                    "utf-8")
    text = docs_of(path)
    assert "| **heard** |  | no | cloud-managed |  | a-listener-with-a-rather-long-name |  |\n" \
           "| **said** |  | no | cloud-managed | speaker |  |  |\n" in text
    assert "| Stack | Service | Full name | Account id |\n| --- | --- | --- | --- |\n" \
           "| dev | a-listener-with-a-rather-long-name | `solo-dev-a-listener-with-a-rather-long-name` | " \
           "`solo-dev-a-listener-wit-0143c6` |\n" in text


def test_no_gcp_account_table_without_gcp(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text("version: 1\nname: solo\ntargets: [aws]\nqueues: {heard: {}}\nservices:\n"
                    "  speaker: {publishes: [heard]}\n  a-listener-with-a-rather-long-name: {consumes: [heard]}\n",
                    "utf-8")
    text = docs_of(path)
    assert "| AWS | SQS queue | `solo-dev-heard` |\n" in text
    assert "GCP" not in text and "Account id" not in text


def test_docs_past_the_output_limit_stop_with_what_they_are(monkeypatch):
    from generator import output

    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", 2 * 1048576)
    topo = load_topology(ROOT / "topology.yaml")[0]
    assert len(render(topo, "topology.yaml")) < 2 * 1048576
    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", 1000)
    with pytest.raises(output.OutputTooLarge) as exc:
        render(topo, "topology.yaml")
    assert (exc.value.what, exc.value.limit) == ("the architecture docs", 1000)


DEFAULTS_ROWS = HEADER + """\
targets: [aws]
defaults: {retention: 2d}
queues:
  follows: {}
  own: {retention: 7d, delay: 5s}
  own-in-prod: {}
topics:
  events: {retention: 3d}
  sealed: {encryption: {kms_key: alias/events}}
  open: {}
services:
  api: {publishes: [follows, own, own-in-prod, events, sealed, open]}
  worker: {consumes: {follows: {}, own: {processing_time: 10s}, own-in-prod: {}, events: {}, sealed: {}, open: {}}}
environments:
  dev: {defaults: {retention: 1d}}
  prod:
    defaults: {retention: 14d, encryption: {kms_key: alias/prod}, processing_time: 1m, visibility_timeout: 5m}
    queues: {own-in-prod: {retention: 5d}}
    tags: {oncall: pager}
"""


def test_docs_settings_that_differ_group_what_the_defaults_change(write):
    """A change of `defaults` is one row, not one per queue and subscription: a store is listed only where it
    does not have the defaults row's values, even when its own value is the same in every stack."""
    code, out, err = run_cli("docs", write(DEFAULTS_ROWS), "-o", "-")
    assert code == 0, err
    table = out.split("Settings that differ between environments:", 1)[1].split("## Diagram", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "Subject" not in line]
    assert "| defaults | retention | 2d | 1d | 14d |" in rows
    assert "| defaults | encryption | managed | managed | alias/prod |" in rows
    assert "| queue own | retention | 7d | 7d | 7d |" in rows              # its own, against varying defaults
    assert "| queue own-in-prod | retention | 2d | 1d | 5d |" in rows       # the environment's entry for it
    assert "| subscription events/worker | retention | 3d | 3d | 3d |" in rows  # inherited from its topic
    assert "| topic sealed | encryption | alias/events | alias/events | alias/events |" in rows
    for follower in ("queue follows", "subscription open/worker", "topic open", "topic events"):
        assert not any(r.startswith(f"| {follower} |") for r in rows), follower
    assert not any(r.startswith("| queue own | delay |") for r in rows)  # its own, but the same in every stack
    assert "| defaults | processing\\_time | — | — | 1m |" in rows        # the consumers' (GCP's lease)
    assert "| consumer own/worker | processing\\_time | 10s | 10s | 10s |" in rows
    assert not any(r.startswith("| consumer follows/worker |") for r in rows)
    assert "or consumer without a row of its own for a setting has the `defaults` row's value there; so has a " \
           "topic for its encryption" in table
    # in groups: the stack, tags (one only prod sets among them), clouds, defaults, the stores, the consumers
    heads = [r.split(" | ")[0][2:].split(" ")[0] for r in rows[1:]]
    assert heads == sorted(heads, key=["stack", "tags", "clouds", "defaults", "queue", "topic", "subscription",
                                       "consumer"].index) and "tags" in heads


def test_docs_settings_that_differ_without_a_defaults_row_list_what_varies(write):
    """Defaults the same in every stack: no defaults row, no sentence about it, stores listed where they vary."""
    code, out, _ = run_cli("docs", write(DEFAULTS_ROWS.replace("  dev: {defaults: {retention: 1d}}\n", "  dev: {}\n")
                                        .replace("    defaults: {retention: 14d, encryption: {kms_key: alias/prod}, "
                                                 "processing_time: 1m, visibility_timeout: 5m}\n", "")), "-o", "-")
    assert code == 0
    assert "| queue own-in-prod | retention | 2d | 2d | 5d |" in out
    assert "| defaults |" not in out and "| queue own | retention |" not in out
    assert "| consumer own/worker |" not in out  # its own processing time, the same in every stack
    assert "`defaults` row's value" not in out


def test_docs_settings_without_channels_have_no_defaults_row(write):
    """Defaults that nothing follows are not a difference to review."""
    code, out, err = run_cli("docs", write(HEADER + "services: {api: {}}\nenvironments:\n"
                                           "  prod: {defaults: {retention: 14d}}\n"), "-o", "-")
    assert code == 0, err
    assert "| defaults |" not in out and "`defaults` row's value" not in out
