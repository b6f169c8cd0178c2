"""The docs at any size (issue 27): one page up to 30 services, above it an index and a page per group.

Every diagram has at most 60 boxes and, rendered by the real mermaid-cli, is at most 2,000 px wide with no error
box; every service is drawn; every page stays within GitHub's diff limits (500 KB, 20,000 lines); every link
and anchor resolves as GitHub reads them; nothing of the one page's tables is lost; `--check`,
`--fail-on-change` and the hook see the whole set; outputs stay confined.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import PurePosixPath

import pytest

from bench.organisation import topology as organisation
from conftest import ROOT, run_cli
from generator.check import load_result
from generator.cli.docs import render_set
from generator.docs import render, views
from generator.groups import SITE_THRESHOLD, groups, slugs

MAX_PAGE_BYTES = 500_000
MAX_PAGE_LINES = 20_000


def _write(tmp_path, text: str, name: str = "topology.yaml"):
    (tmp_path / ".git").mkdir(exist_ok=True)  # a repository: outputs are confined to it
    src = tmp_path / name
    src.write_text(text)
    return src


@lru_cache(maxsize=None)
def _site(services: int, tmp: str) -> dict:
    from pathlib import Path

    d = Path(tmp) / f"org{services}"
    d.mkdir(parents=True, exist_ok=True)
    src = _write(d, organisation(services))
    return render_set(str(src), str(d / "docs" / "architecture.md"))


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory):
    return str(tmp_path_factory.mktemp("site"))


def _blocks(text: str) -> list:
    return re.findall(r"```mermaid\n(.*?)```", text, re.S)


def _boxes(block: str) -> list:
    """The node declarations of a flowchart as views writes them: (id, label)."""
    return re.findall(r'^  (\w+)(?:\["|\[\("|\{\{")(.*?)(?:"\]|"\)\]|"\}\})$', block, re.M)


def _drawn_in_full(block: str) -> set:
    stubs = set()
    for line in block.splitlines():
        m = re.match(r"^  class (\S+) stub$", line)
        if m:
            stubs.update(m.group(1).split(","))
    return {label.split("<br/>")[0] for nid, label in _boxes(block) if nid.startswith("svc_") and nid not in stubs}


# --- one page up to the threshold ---

def test_the_demo_and_small_topologies_stay_one_page(tmp_path):
    assert list(render_set(str(ROOT / "topology.yaml"), str(ROOT / "docs" / "architecture.md"))) == ["architecture.md"]
    src = _write(tmp_path, organisation(SITE_THRESHOLD))
    assert list(render_set(str(src), str(tmp_path / "docs" / "architecture.md"))) == ["architecture.md"]
    src = _write(tmp_path, organisation(SITE_THRESHOLD + 1))
    assert len(render_set(str(src), str(tmp_path / "docs" / "architecture.md"))) > 2


def test_the_one_page_diagrams_keep_to_the_limits_and_draw_every_service(tmp_path):
    src = _write(tmp_path, organisation(30))
    [page] = render_set(str(src), str(tmp_path / "architecture.md")).values()
    blocks = _blocks(page)
    assert blocks and all(len(_boxes(b)) <= views.MAX_BOXES for b in blocks)
    assert set().union(*map(_drawn_in_full, blocks)) == {f"svc-{i:05d}" for i in range(30)}
    assert "dlq_" not in page  # dead letters are a line of their channel's label, not a box


# --- the site ---

@pytest.mark.parametrize("services", [60, 300, 5000])
def test_every_page_is_within_github_s_limits_and_every_diagram_within_60_boxes(tmp_module, services):
    pages = _site(services, tmp_module)
    assert "architecture.md" in pages and len(pages) == 1 + -(-services // 6)  # the index and a page per team
    drawn = set()
    for name, text in pages.items():
        assert len(text.encode("utf-8")) <= MAX_PAGE_BYTES, name
        assert text.count("\n") <= MAX_PAGE_LINES, name
        for block in _blocks(text):
            assert len(_boxes(block)) <= views.MAX_BOXES, name
            drawn |= _drawn_in_full(block)
    assert drawn == {f"svc-{i:05d}" for i in range(services)}  # every service in at least one diagram


def _slug(heading: str, seen: dict) -> str:
    """GitHub's heading anchor: lower case, punctuation but '-' and '_' dropped, spaces to '-', repeats numbered."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
    n = seen.get(s, 0)
    seen[s] = n + 1
    return s if n == 0 else f"{s}-{n}"


def _links_and_anchors(text: str) -> tuple:
    from markdown_it import MarkdownIt

    links, anchors, seen = [], set(), {}
    tokens = MarkdownIt("gfm-like").parse(text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            anchors.add(_slug("".join(c.content for c in tokens[i + 1].children if c.type in ("text", "code_inline")),
                              seen))
        if tok.type == "inline":
            links += [c.attrGet("href") for c in tok.children or () if c.type == "link_open"]
    return links, anchors


@pytest.mark.parametrize("services", [60, 300])
def test_every_link_and_anchor_resolves_as_github_reads_them(tmp_module, services):
    from urllib.parse import unquote

    pages = _site(services, tmp_module)
    parsed = {name: _links_and_anchors(text) for name, text in pages.items()}
    checked = 0
    for name, (links, _) in parsed.items():
        for href in links:
            if href.startswith("../") and href.endswith(".yaml"):
                continue  # the topology file
            assert not re.match(r"^[a-z]+:", href) and not href.startswith("/"), href  # relative only
            path, _, anchor = href.partition("#")
            target = os.path.normpath(str(PurePosixPath(name).parent / unquote(path))) if path else name
            assert target in pages, f"{name}: {href} leads to no page"
            if anchor:
                assert anchor in parsed[target][1], f"{name}: {href}: no such anchor in {target}"
            checked += 1
    assert checked > services  # the index links every group, a group page its stubs' pages


def _table_rows(text: str) -> set:
    return {line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| ---")}


def test_nothing_of_the_one_page_is_lost_on_the_site(tmp_path):
    src = _write(tmp_path, organisation(60))
    r = load_result(str(src), warnings=False)
    one = render(r.topology, "topology.yaml", {}, r.stacks, r.base)
    pages = render_set(str(src), str(tmp_path / "architecture.md"))
    everywhere = set().union(*(_table_rows(t) for t in pages.values()))
    skipped = {"| Services | 60 |", "| Queues | 30 |", "| Topics | 30 |"}  # the counts: a group page has its own
    lost = {row for row in _table_rows(one) - skipped if row not in everywhere and not row.startswith("| Service |")
            and not row.startswith("| Queue |") and not row.startswith("| Topic |") and not row.startswith("| Source |")
            and not row.startswith("| Cloud |") and not row.startswith("| | |")}
    assert not lost, sorted(lost)[:5]
    assert len(_table_rows(one)) > 200


def test_a_group_page_draws_other_groups_channels_as_stubs_that_link_to_their_page(tmp_module):
    pages = _site(60, tmp_module)
    text = pages["architecture/team-0004.md"]
    assert "class t_t_00019,t_t_00049 stub" in text or re.search(r"class \S*t_t_00019\S* stub", text)
    assert "[`t-00019`](team-0003.md#topics) of team-0003" in text
    index = pages["architecture.md"]
    assert "| [team-0004](architecture/team-0004.md) |" in index
    assert "6 services · 6 channels" in index


# --- --check, --fail-on-change, left-over pages, confinement ---

def test_check_and_fail_on_change_cover_the_whole_set(tmp_path):
    src = _write(tmp_path, organisation(48))
    out = tmp_path / "docs" / "architecture.md"
    assert run_cli("docs", src, "-o", out, "--check")[0] == 1  # nothing written yet: every page missing
    assert run_cli("docs", src, "-o", out)[0] == 0
    code, msg, _ = run_cli("docs", src, "-o", out, "--check")
    assert code == 0 and "(9 pages)" in msg
    page = tmp_path / "docs" / "architecture" / "team-0003.md"
    page.write_text(page.read_text() + "edited\n")  # a stale page
    code, _, err = run_cli("docs", src, "-o", out, "--check")
    assert code == 1 and "team-0003.md is stale" in err
    page.unlink()  # a missing page
    code, _, err = run_cli("docs", src, "-o", out, "--check")
    assert code == 1 and "team-0003.md does not exist" in err
    code, _, err = run_cli("docs", src, "-o", out, "--fail-on-change")
    assert code == 1 and "wrote" in err and page.exists()
    mine = tmp_path / "docs" / "architecture" / "notes.md"
    mine.write_text("# my own notes\n")
    src.write_text(organisation(36))  # two teams fewer: their pages are left over
    code, _, err = run_cli("docs", src, "-o", out, "--check")
    assert code == 1 and "team-0006.md is left over (its group is gone)" in err
    code, _, err = run_cli("docs", src, "-o", out, "--fail-on-change")
    assert code == 1 and "removed" in err
    assert not (tmp_path / "docs" / "architecture" / "team-0007.md").exists() and mine.exists()  # not ours: kept
    assert run_cli("docs", src, "-o", out, "--check")[0] == 0
    src.write_text(organisation(12))  # one page again: every group page is left over
    assert run_cli("docs", src, "-o", out, "--fail-on-change")[0] == 1
    assert sorted(p.name for p in (tmp_path / "docs" / "architecture").iterdir()) == ["notes.md"]


def test_the_group_pages_never_go_through_a_symlink(tmp_path):
    src = _write(tmp_path, organisation(48))
    elsewhere = tmp_path.parent / (tmp_path.name + "-elsewhere")
    elsewhere.mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture").symlink_to(elsewhere, target_is_directory=True)
    code, _, err = run_cli("docs", src, "-o", tmp_path / "docs" / "architecture.md")
    assert code == 1 and "symbolic link" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("mode", ["write", "--check"])
def test_a_group_page_that_is_a_symlink_is_neither_written_nor_read(tmp_path, mode):
    # the page directory is checked once for all pages (confine.Output.child); each page still is, on its own
    src = _write(tmp_path, organisation(48))
    secret = tmp_path.parent / (tmp_path.name + "-secret.md")
    secret.write_text("<!-- Generated by `topowire docs` secret\n")
    out = tmp_path / "docs" / "architecture.md"
    assert run_cli("docs", src, "-o", out)[0] == 0
    page = sorted((tmp_path / "docs" / "architecture").iterdir())[0]
    page.unlink()
    page.symlink_to(secret)
    code, _, err = run_cli("docs", src, "-o", out, *([mode] if mode != "write" else []))
    assert code == 1 and "symbolic link" in err and page.name in err and "Traceback" not in err
    assert secret.read_text() == "<!-- Generated by `topowire docs` secret\n" and page.is_symlink()


def test_a_page_name_that_is_not_a_file_name_is_refused(tmp_path):
    from generator.confine import Output, OutputRefused

    (tmp_path / ".git").mkdir()
    pages = Output(tmp_path / "docs" / "architecture", "docs page directory", directory=True)
    for bad in ("", ".", "..", ".git", "a/b", "../x.md", "x\0.md"):
        with pytest.raises(OutputRefused):
            pages.child(bad, "docs page")
    assert pages.child("team-a.md", "docs page").parts == ("docs", "architecture", "team-a.md")


def test_hostile_owners_make_safe_file_names_and_escaped_text(tmp_path):
    owners = ["../../etc/passwd", "@org/payments <script>alert(1)</script>", "index", "x" * 300, "Ünïcode team",
              ".git", "team|pipe", "UNOWNED"]
    body = ["version: 1", "name: hostile", "queues:"] + [f"  q-{i:02d}: {{}}" for i in range(40)] + ["services:"]
    for i in range(40):
        owner = owners[i % len(owners)].replace("'", "''")
        body += [f"  svc-{i:02d}:", f"    owner: '{owner}'", f"    publishes: [q-{i:02d}]",
                 f"    consumes: [q-{(i + 1) % 40:02d}]"]
    src = _write(tmp_path, "\n".join(body) + "\n")
    out = tmp_path / "docs" / "architecture.md"
    code, _, err = run_cli("docs", src, "-o", out)
    assert code == 0, err
    written = sorted(p.name for p in (tmp_path / "docs" / "architecture").iterdir())
    assert len(written) == len(owners)
    for name in written:
        assert re.fullmatch(r"[a-z0-9-]{1,48}\.md", name), name
    assert not (tmp_path / "etc").exists() and not (tmp_path / ".git" / "architecture").exists()
    index = out.read_text()
    prose = re.sub(r"```mermaid\n.*?```", "", index, flags=re.S)
    assert "<script>" not in index and "@org" not in prose  # escaped, and no mention (a code block mentions no one)
    for page in (tmp_path / "docs" / "architecture").iterdir():
        text = page.read_text()
        assert "<script>" not in text
        for block in _blocks(text):
            assert "<script" not in block and "%%{" not in block


def test_slugs_are_unique_and_bounded():
    names = ["Team A", "team-a", "team a!", "", "index", "unowned", "(no owner)", "x" * 100]
    s = slugs(names)
    assert len(set(s.values())) == len(names)
    assert all(re.fullmatch(r"[a-z0-9-]{1,48}", v) for v in s.values())
    assert s["(no owner)"] == "unowned" and s["index"] != "index" and s["unowned"] != "unowned"


def test_a_channel_belongs_to_the_group_of_most_of_its_publishers(tmp_path):
    src = _write(tmp_path, "version: 1\nname: groups\nqueues: {jobs: {}, idle: {}}\nservices:\n"
                 "  aa: {owner: b-team, publishes: [jobs]}\n  ab: {owner: a-team, publishes: [jobs]}\n"
                 "  ac: {owner: b-team, publishes: [jobs]}\n  ad: {owner: c-team, consumes: [jobs, idle]}\n")
    r = load_result(str(src), warnings=False)
    g = groups(r.topology)
    assert g.of_channel == {"jobs": "b-team", "idle": "c-team"}  # most publishers; without any, its consumers'
    assert g.claimed == {"jobs": ["a-team", "b-team"]}


# --- the real renderer ---

def _render_site(pages: dict, tmp_path, names=None):
    from mermaid_render import render_markdown

    blocks = [b for name, text in sorted(pages.items()) if names is None or name in names for b in _blocks(text)]
    md = tmp_path / "all.md"
    md.write_text("".join(f"```mermaid\n{b}```\n\n" for b in blocks))
    return blocks, render_markdown(md, tmp_path / "svg")


def _check_rendered(pages, tmp_path, services: int, names=None):
    blocks, rendered = _render_site(pages, tmp_path, names)
    assert len(rendered) == len(blocks)
    shown = ""
    for r in rendered:
        assert r.width <= views.MAX_WIDTH, f"{r.svg.name}: {r.width:.0f} px wide"
        assert r.boxes <= views.MAX_BOXES, f"{r.svg.name}: {r.boxes} boxes"
        shown += r.text
    if names is None:
        for i in range(services):
            assert f">svc-{i:05d}<" in shown, f"svc-{i:05d} is in no rendered diagram"


def test_12_services_render_within_the_limits(tmp_path):
    src = _write(tmp_path, organisation(12))
    _check_rendered(render_set(str(src), str(tmp_path / "architecture.md")), tmp_path, 12)


@pytest.mark.slow
@pytest.mark.parametrize("services", [60, 300])
def test_the_site_renders_within_the_limits(tmp_module, tmp_path, services):
    _check_rendered(_site(services, tmp_module), tmp_path, services)


@pytest.mark.slow
def test_the_index_and_a_group_page_of_5000_services_render_within_the_limits(tmp_module, tmp_path):
    pages = _site(5000, tmp_module)
    _check_rendered(pages, tmp_path, 5000, names={"architecture.md", "architecture/team-0100.md"})


@pytest.mark.parametrize("environments", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_one_group_of_5000_services_is_split_into_pages_within_github_s_limits(tmp_path, environments):
    from bench.generate import topology as synthetic

    src = _write(tmp_path, synthetic(5000, environments=environments))  # no owner: one group
    pages = render_set(str(src), str(tmp_path / "docs" / "architecture.md"))
    assert len(pages) > 40 and "architecture/no-owner-part-1-of-50.md" in pages or environments
    for name, text in pages.items():
        assert len(text.encode("utf-8")) <= MAX_PAGE_BYTES and text.count("\n") <= MAX_PAGE_LINES, name
        assert all(len(_boxes(b)) <= views.MAX_BOXES for b in _blocks(text)), name


# --- Mermaid's own limits, far above what the diagrams use ---

def test_the_limits_are_the_installed_mermaids():
    from generator.docs import mermaid

    core = (ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.core.mjs").read_text()
    assert re.search(r"MAX_TEXTLENGTH = 5e4;", core), "Mermaid's text limit moved: update mermaid.MAX_TEXT"
    chunks = "".join(p.read_text() for p in (ROOT / "node_modules" / "mermaid" / "dist" / "chunks" /
                                             "mermaid.core").glob("*.mjs"))
    assert '"maxEdges": 500,' in chunks, "Mermaid's edge limit moved: update mermaid.MAX_EDGES"
    assert (mermaid.MAX_TEXT, mermaid.MAX_EDGES) == (50_000, 500)


def test_javascript_length_counts_astral_characters_twice():
    from generator.docs import mermaid

    assert mermaid.js_length("abc") == 3
    assert mermaid.js_length("é") == 1
    assert mermaid.js_length("😀a") == 3
    assert mermaid.js_length("\uffff\U00010000") == 3  # the last one-unit character, the first two-unit one


def test_every_diagram_of_5000_services_is_far_within_mermaid_s_limits(tmp_module):
    from generator.docs import mermaid

    for name, text in _site(5000, tmp_module).items():
        for block in _blocks(text):
            edges = len(re.findall(r"^  \w+ (?:--|-\.)", block, re.M))
            assert mermaid.fits(block, edges) and edges <= 200, name


def test_a_topic_with_700_consumers_is_spread_over_diagrams_within_the_limits(tmp_path):
    svcs = "".join(f"  s{i:04d}: {{owner: readers, consumes: [wide]}}\n" for i in range(700))
    src = _write(tmp_path, "version: 1\nname: wide\ntopics:\n  wide: {}\nservices:\n  pub: {owner: writers, "
                 "publishes: [wide]}\n" + svcs)
    pages = render_set(str(src), str(tmp_path / "docs" / "architecture.md"))
    drawn = set()
    for name, text in pages.items():
        assert len(text.encode()) <= MAX_PAGE_BYTES, name
        for block in _blocks(text):
            assert len(_boxes(block)) <= views.MAX_BOXES
            drawn |= _drawn_in_full(block)
    assert drawn == {"pub", *(f"s{i:04d}" for i in range(700))}


def test_the_output_limit_is_on_all_pages_together(tmp_path, monkeypatch):
    from generator import output

    src = _write(tmp_path, organisation(60))
    pages = render_set(str(src), str(tmp_path / "architecture.md"))
    largest, total = max(len(t) for t in pages.values()), sum(len(t) for t in pages.values())
    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", (largest + total) // 2)  # each page fits, not all of them
    code, _, err = run_cli("docs", src, "-o", tmp_path / "architecture.md")
    assert code == 1 and "all pages" in err and "Traceback" not in err
    assert not (tmp_path / "architecture").exists()  # nothing written


def test_the_output_limit_is_counted_over_the_pages_as_they_are_made(tmp_path, monkeypatch):
    # one large example carried by a channel of every group is on every group's page: the limit on all pages
    # together stops the docs at the page that passes it, not after hundreds of copies are held in memory
    from generator import output
    from generator.docs import site

    n = 120
    body = ["version: 1", "name: big", "targets: [gcp]", "messages:", "  m:", "    example: {blob: '" + "x" * 50_000 + "'}",
            "queues:"] + [f"  q-{i:04d}: {{message: m}}" for i in range(n)] + ["services:"]
    for i in range(n):
        body += [f"  svc-{i:04d}:", f"    owner: team-{i // 6:03d}", f"    publishes: [q-{i:04d}]",
                 f"    consumes: [q-{(i + 1) % n:04d}]"]
    src = _write(tmp_path, "\n".join(body) + "\n")
    made = []
    real = site.page
    monkeypatch.setattr(site, "page", lambda *a, **k: made.append(1) or real(*a, **k))
    monkeypatch.setattr(output, "MAX_OUTPUT_CHARS", 400_000)  # about six pages' worth of the example
    code, _, err = run_cli("docs", src, "-o", tmp_path / "docs" / "architecture.md")
    assert code == 1 and "the architecture docs (all pages) would be larger than" in err and "Traceback" not in err
    assert 5 <= len(made) <= 8, len(made)  # of 20 group pages
    assert not (tmp_path / "docs").exists()  # nothing written


def test_a_group_view_is_the_topology_with_its_fields_replaced(tmp_path):
    """site._replaced skips dataclasses.replace's __init__: it is only right while Topology has no __post_init__."""
    import dataclasses
    from types import MappingProxyType

    from generator import model
    from generator.docs.site import _replaced

    assert not hasattr(model.Topology, "__post_init__")
    r = load_result(str(ROOT / "topology.yaml"))
    fields = {"services": MappingProxyType({}), "queues": MappingProxyType({})}
    view = _replaced(r.topology, **fields)
    assert view == dataclasses.replace(r.topology, **fields) and view is not r.topology
    assert r.topology.services and r.topology.queues  # the topology itself is left as it was
