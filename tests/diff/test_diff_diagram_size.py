"""The pull-request comment's diagram stays one a person can read, however large the topology.

The neighbourhood of the change (what changed and what it is joined to, on both sides) within the docs' limits
(60 boxes, about 2,000 px wide); past them the changed elements alone, in at most three diagrams; past that no
diagram and a sentence saying why. Every drawn block goes through the real renderer (mermaid-cli exits 0 even
when it draws its error box, so the SVG is read for it).
"""

from __future__ import annotations

import re
import subprocess

from bench.generate import topology as synthetic
from conftest import ROOT, run_cli
from generator.docs import mermaid

MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
ERROR_BOXES = ("Maximum text size in diagram exceeded", "Edge limit exceeded", "Syntax error")
COMMENT_LIMIT = 60_000  # bytes: topology-comment.yml refuses a larger report


def _diff(tmp_path, base: str | None, head: str) -> str:
    (tmp_path / "head.yaml").write_text(head)
    if base is not None:
        (tmp_path / "base.yaml").write_text(base)
    code, md, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")
    assert code == 0, err
    return md


def _blocks(md: str) -> list:
    return [b.split("```", 1)[0] for b in md.split("```mermaid\n")[1:]]


def _renders(tmp_path, md: str) -> str:
    (tmp_path / "c.md").write_text(md)
    proc = subprocess.run([str(MMDC), "-p", str(ROOT / "puppeteer.config.json"), "-i", str(tmp_path / "c.md"),
                           "-o", str(tmp_path / "out.md")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    svg = (tmp_path / "out-1.svg").read_text()
    assert not any(e in svg for e in ERROR_BOXES)
    return svg


def test_a_small_change_to_a_large_topology_draws_the_channels_it_touches(tmp_path):
    base = synthetic(300)
    head = base.replace("  svc-00007:\n", "  svc-new:\n    consumes: [q-00001]\n  svc-00007:\n", 1) \
        .replace("  q-00010: {description: queue 10}", "  q-00010: {description: queue 10, retention: 2d}")
    assert head != base and "svc-new" in head and "retention: 2d" in head
    md = _diff(tmp_path, base, head)
    [block] = _blocks(md)
    assert mermaid.js_length(block) <= mermaid.MAX_TEXT
    assert "svc_svc_new" in block and re.search(r"^  class (\S+,)?svc_svc_new(,\S+)? added$", block, re.M)
    assert re.search(r"^  class (\S+,)?q_q_00010(,\S+)? changed$", block, re.M)
    assert "svc_svc_00150[" not in block  # an untouched service is left out
    assert len(md.encode()) < COMMENT_LIMIT
    svg = _renders(tmp_path, md)
    assert ">svc-new<" in svg and ">q-00010<" in svg


def test_a_removed_service_of_a_large_topology_is_drawn_removed(tmp_path):
    base = synthetic(300)
    start = base.index("  svc-00011:\n")
    head = base[:start] + base[base.index("  svc-00012:\n"):]
    md = _diff(tmp_path, base, head)
    [block] = _blocks(md)
    assert 'svc_svc_00011["svc-00011<br/>removed"]' in block and "class svc_svc_00011 removed" in block
    _renders(tmp_path, md)


def test_a_change_too_large_to_draw_says_so_instead(tmp_path):
    md = _diff(tmp_path, "version: 1\nname: bench\n", synthetic(400))  # every element is new
    assert "```mermaid" not in md
    assert "no diagram here" in md and "`topowire docs` draws the whole topology" in md


def test_a_change_that_touches_no_channel_draws_no_empty_diagram(tmp_path):
    base = synthetic(300)
    md = _diff(tmp_path, base, base.replace("tags: {cost-center: bench}", "tags: {cost-center: other}"))
    assert "```mermaid" not in md  # it drew an empty frame under "shows only the channels the change touches"
    assert "touches none of the topology's channels or services: no diagram here" in md


def test_a_small_topology_is_drawn_as_the_neighbourhood_of_the_change(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    md = _diff(tmp_path, base, base.replace("  moderation:\n", "  reviewer:\n    consumes: [audit-events]\n"
                                                                "  moderation:\n"))
    [block] = _blocks(md)
    assert "svc_api_gateway[" in block and "t_audit_events{{" in block  # what the new consumer is joined to
    assert "svc_moderation[" not in block  # not joined to the change


def _md_tables(md: str) -> list:
    """Each GFM table's body rows (as lists of cell texts), as a real Markdown parser reads them."""
    from markdown_it import MarkdownIt

    tables, rows, cells = [], None, None
    for tok in MarkdownIt("gfm-like").parse(md):
        if tok.type == "tbody_open":
            rows = []
        elif tok.type == "tbody_close":
            tables.append(rows)
            rows = None
        elif tok.type == "tr_open" and rows is not None:
            cells = []
        elif tok.type == "inline" and cells is not None:
            cells.append(tok.content)
        elif tok.type == "tr_close" and rows is not None:
            rows.append(cells)
            cells = None
    return tables


def _comment(tmp_path, base: str, head: str, max_bytes: int) -> str:
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, md, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown",
                            "--max-bytes", max_bytes)
    assert code == 0, err
    assert len(md.encode()) <= max_bytes
    return md


def test_a_first_import_gets_a_comment_under_the_limit_that_says_what_it_left_out(tmp_path):
    md = _comment(tmp_path, "version: 1\nname: bench\n", synthetic(400), 50_000)
    tables = _md_tables(md)
    counts = {row[0]: sum(map(int, row[1:5])) for row in tables[0]}  # create..delete: the totals, never cut
    # GCP: the agent's publisher grant on each DLQ topic, each consumer's grant on its dead-letter subscription,
    # the alert policies (two: the dead-letter filters fill more than one); Azure: the dead-letter alert of each
    # entity, and the managed identity and role assignments of each service without a principal
    assert counts == {"AWS": 4140, "Azure": 3336, "GCP": 5470}
    for cloud, rows in zip(("AWS", "Azure", "GCP"), tables[1:4]):
        more = rows[-1][3]
        left = int(more.split(" more resource change(s)")[0].rsplit(" ", 1)[1])
        assert len(rows) - 1 + left == counts[cloud] and "`topowire diff`" in more
    whole = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")[1]
    listed = [line for line in md.split("\n") if line.startswith("- **added**")]
    cut = next(line for line in md.split("\n") if line.startswith("- … and "))
    assert listed and len(listed) + int(cut.split()[3]) == whole.count("\n- **added**")
    assert "The diagram is left out" in md


def test_destructive_changes_are_the_last_list_cut(tmp_path):
    base = synthetic(300)
    head = "version: 1\nname: bench\n"  # everything removed: thousands of destructive deletions
    md = _comment(tmp_path, base, head, 20_000)
    lines = md.split("\n")
    destructive = [x for x in lines if x.startswith("> - **")]
    assert destructive, "some destructive changes are listed"
    assert any(x.startswith("> - … and ") and "destructive change(s)" in x for x in lines)
    assert not any(x.startswith("- **removed**") for x in lines)  # every lesser list gave up its rows first
    assert "**" in md.split("destructive change(s)**")[0]  # the headline count is whole


def test_the_redeploy_table_is_cut_too(tmp_path):
    # a new name changes every physical name: every service's variables on every cloud, ~100 KB of table rows
    base = synthetic(40)
    md = _comment(tmp_path, base, base.replace("name: bench", "name: bench2"), 50_000)
    whole = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")[1]
    table = _md_tables(md)[1]  # after the counts: the services to redeploy
    more = table[-1][2]
    assert "more variable change(s)" in more and table[-1][:2] == ["…", ""]
    left = int(more.split(" more variable change(s)")[0].rsplit(" ", 1)[1])
    assert len(table) - 1 + left == len(_md_tables(whole)[1])


def _long_names(suffix: str) -> str:
    pad = "x" * 52  # names of 61 characters and more (Service Bus takes them)
    return "\n".join(["version: 1", "name: ren", "targets: [azure]", "queues:",
                      *(f"  queue-{pad}-{i:03d}{suffix}: {{}}" for i in range(50)), "topics:",
                      *(f"  topic-{pad}-{i:03d}{suffix}: {{}}" for i in range(50)), "services:",
                      *(f"  svc-{pad}-{i:03d}{suffix}: {{publishes: [queue-{pad}-{i:03d}{suffix}, "
                        f"topic-{pad}-{i:03d}{suffix}]}}" for i in range(50))]) + "\n"


def test_rename_suggestions_are_cut_right_after_destructive_changes(tmp_path):
    # 150 suggestions (50 a kind) of long names: about 55,000 bytes of warning before anything else
    md = _comment(tmp_path, _long_names(""), _long_names("b"), 50_000)
    listed = [x for x in md.split("\n") if x.startswith("> - ") and "is removed and" in x]
    more = next(x for x in md.split("\n") if "more rename suggestion(s)" in x)
    assert listed and len(listed) + int(more.split()[4]) == 150
    destructive = [x for x in md.split("\n") if x.startswith("> - **Azure**")]
    assert "more destructive change(s)" not in md and f"**{len(destructive)} destructive change(s)**" in md


def test_a_diagram_left_out_leaves_its_room_to_the_resource_tables(tmp_path):
    base = synthetic(60)
    head = base.replace("tags: {cost-center: bench}", "tags: {cost-center: other}") \
        .replace("retention: 4d", "retention: 5d")  # every store changes
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    whole = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")[1]
    drawn = sum(len(b) for b in _blocks(whole))
    assert drawn > 3_000
    # room for half the diagram before the resource tables: the diagram is left out, its room goes to the tables
    md = _comment(tmp_path, base, head, len(whole[:whole.index("<details>")].encode()) - drawn // 2)
    assert "The diagram is left out" in md and "```mermaid" not in md
    rows = [row for table in _md_tables(md)[1:] for row in table if row[0] != "…"]
    assert len(rows) > 20


def test_without_a_limit_nothing_is_cut(tmp_path):
    base, head = synthetic(300), synthetic(300).replace("{description: queue 10}", "{description: queue 10, delay: 5s}")
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    whole = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")[1]
    assert "left out" not in whole
    assert _comment(tmp_path, base, head, 10_000_000) == whole


def test_a_limit_below_the_fixed_lines_cuts_the_end_and_says_so(tmp_path):
    """Issue 30: --max-bytes bounds the whole comment; past the fixed lines, the end is cut at a line (never the
    destructive changes, which come first) with a line saying so, and every <details> is closed."""
    base = synthetic(40) + "environments:\n  dev: {}\n  prod: {}\n  stage: {}\n"
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(base.replace("retention: 4d", "retention: 1d"))
    code, md, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown",
                            "--max-bytes", "1000")
    size = len(md.encode())
    assert code == 0 and size <= 1000, err
    assert md.rstrip().endswith("has it all") and "left out to keep this comment under 1,000 bytes" in md
    assert "> [!CAUTION]" in md and "destructive change(s)" in md
    assert md.count("<details>") == md.count("</details>")
    assert not [x for x in md.split("\n") if x.startswith(("- **", "> - **", "| update", "| **"))]  # all cut


def test_max_bytes_is_for_markdown_only(tmp_path):
    (tmp_path / "t.yaml").write_text(synthetic(10))
    code, out, err = run_cli("diff", tmp_path / "t.yaml", tmp_path / "t.yaml", "--max-bytes", "50000")
    assert code == 2 and "--max-bytes is for --format markdown" in err


def _edges(block: str) -> dict:
    """(src, dst) -> the indices of its lines among the block's edges, and which are styled how."""
    edges = re.findall(r"^  (\w+) (?:-->|-\.->|--\s\"[^\"]*\" -->|-\.\s\"[^\"]*\" \.->) (\w+)$", block, re.M)
    styles = {}
    for idx, style in re.findall(r"^  linkStyle ([\d,]+) (.*)$", block, re.M):
        for i in idx.split(","):
            styles[int(i)] = "removed" if "#d93025" in style else "added"
    return {e: styles.get(i, "") for i, e in enumerate(edges)}


def test_removed_consumer_edges_queues_and_dead_letters_are_drawn_red_and_dashed(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    head = base.replace("    consumes: [inference-results, audit-events]\n", "    consumes: [inference-results]\n")
    assert head != base
    md = _diff(tmp_path, base, head)
    [block] = _blocks(md)
    edges = _edges(block)
    assert edges[("t_audit_events", "svc_analytics")] == "removed"  # the consumer edge that is gone
    assert "t_audit_events -.-> svc_analytics" in block  # dashed
    assert edges[("t_audit_events", "dlq_audit_events__analytics")] == "removed"  # and its dead-letter channel
    assert re.search(r"^  class (\S+,)?dlq_audit_events__analytics(,\S+)? removed$", block, re.M)
    assert edges[("t_inference_results", "svc_analytics")] == ""  # what stays is drawn plain


def test_a_removed_queue_is_drawn_with_its_old_edges(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    head = base.replace("publishes: [inference-requests, embedding-jobs, batch-scoring, audit-events]",
                        "publishes: [inference-requests, embedding-jobs, audit-events]")
    start, end = head.index("  batch-scorer:\n"), head.index("  notifier:\n")
    head = head[:start] + head[end:]
    start, end = head.index("  batch-scoring:\n"), head.index("\ntopics:")
    head = head[:start] + head[end + 1:]
    md = _diff(tmp_path, base, head)
    [block] = _blocks(md)
    edges = _edges(block)
    assert 'q_batch_scoring[("batch-scoring<br/>removed queue' in block
    assert edges[("svc_api_gateway", "q_batch_scoring")] == "removed"
    assert edges[("q_batch_scoring", "svc_batch_scorer")] == "removed"
    assert edges[("q_batch_scoring", "dlq_batch_scoring")] == "removed"
    svg = _renders(tmp_path, md)
    assert ">batch-scorer<" in svg or "batch-scorer" in svg


def test_a_changed_service_keeps_the_look_of_a_service(tmp_path):
    base = (ROOT / "topology.yaml").read_text()
    head = base.replace("Turns document chunks into vectors.", "Turns document chunks into vectors, faster.")
    md = _diff(tmp_path, base, head)
    [block] = _blocks(md)
    assert re.search(r"^  class (\S+,)?svc_embedder(,\S+)? service$", block, re.M)  # its own fill
    assert re.search(r"^  class (\S+,)?svc_embedder(,\S+)? changed$", block, re.M)  # and the change's outline
    changed = re.search(r"^  classDef changed (.*)$", block, re.M).group(1)
    assert "fill" not in changed  # the outline only: it never paints a service like a queue


def test_the_report_names_the_groups_a_change_touches(tmp_path):
    import json

    base = (ROOT / "topology.yaml").read_text()
    head = base.replace("    owner: web-team\n", "    owner: '@evil/team'\n").replace(
        "Turns document chunks into vectors.", "Turns document chunks into vectors, faster.")
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "head.yaml").write_text(head)
    code, out, err = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["groups"] == ["@evil/team", "ml-platform"]  # the renamed owner's service changed too
    code, md, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml", "--format", "markdown")
    assert "Groups (owners) this change touches: `@evil/team`, `ml-platform`." in md  # code: no mention
    code, text, _ = run_cli("diff", tmp_path / "base.yaml", tmp_path / "head.yaml")
    assert "Groups (owners) touched: @evil/team, ml-platform" in text
