"""A diagram of a large topology is split into parts the real Mermaid renders, not one error box.

Mermaid replaces a diagram longer than 50,000 characters with "Maximum text size in diagram exceeded" and
refuses one with more than 500 edges ("Edge limit exceeded"); mermaid-cli still exits 0 with the error box
drawn, so the SVGs are read for it.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from bench.generate import topology as synthetic
from conftest import ROOT, run_cli
from generator.check import load_result, load_topology
from generator.docs import mermaid

MMDC = ROOT / "node_modules" / ".bin" / "mmdc"
PUPPETEER_CONFIG = ROOT / "puppeteer.config.json"
ERROR_BOXES = ("Maximum text size in diagram exceeded", "Edge limit exceeded", "Syntax error")


def _render(md_path, tmp_path) -> list:
    proc = subprocess.run([str(MMDC), "-p", str(PUPPETEER_CONFIG), "-i", str(md_path), "-o",
                           str(tmp_path / "out.md")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    svgs = sorted(tmp_path.glob("out-*.svg"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    for svg in svgs:
        body = svg.read_text()
        assert not any(e in body for e in ERROR_BOXES), f"{svg.name} is Mermaid's error box"
    return svgs


def _one_topic_with(consumers: int) -> str:
    # 50 filtered subscriptions (SNS allows 200 a topic: TOP206), the others take every message
    svcs = "".join(f"  s{i:04d}:\n    consumes:\n      wide: {{filter: {{kind: [k{i}]}}}}\n" if i < 50 else
                   f"  s{i:04d}: {{consumes: [wide]}}\n" for i in range(consumers))
    return "version: 1\nname: wide\ntopics:\n  wide: {}\nservices:\n  pub:\n    publishes: [wide]\n" + svcs


def test_the_limits_are_the_installed_mermaids():
    core = (ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.core.mjs").read_text()
    assert re.search(r"MAX_TEXTLENGTH = 5e4;", core), "Mermaid's text limit moved: update mermaid.MAX_TEXT"
    chunks = "".join(p.read_text() for p in (ROOT / "node_modules" / "mermaid" / "dist" / "chunks" /
                                             "mermaid.core").glob("*.mjs"))
    assert '"maxEdges": 500,' in chunks, "Mermaid's edge limit moved: update mermaid.MAX_EDGES"
    assert (mermaid.MAX_TEXT, mermaid.MAX_EDGES) == (50_000, 500)


def test_a_small_topology_stays_one_diagram():
    topo, _ = load_topology(ROOT / "topology.yaml")
    parts = mermaid.parts(topo)
    assert len(parts) == 1 and parts[0].text == mermaid.flowchart(topo)


@pytest.mark.parametrize("services", [130, 400, 1500])
def test_every_part_fits_and_together_they_draw_everything_once(tmp_path, services):
    src = tmp_path / "topology.yaml"
    src.write_text(synthetic(services))
    topo, _ = load_topology(src)
    g = mermaid.graph(topo)
    assert not mermaid.fits(mermaid.text(g), len(g.edges))  # the whole is too large: this is the case under test
    parts = mermaid.parts(topo)
    assert len(parts) > 1
    drawn, declared = [], set()
    for p in parts:
        edge_lines = [line for line in p.text.split("\n") if line in {e.line for e in g.edges}]
        assert len(edge_lines) <= mermaid.MAX_EDGES and mermaid.js_length(p.text) <= mermaid.MAX_TEXT
        ids = set(re.findall(r"^  (\w+)[\[{(]", p.text, re.M))
        for line in edge_lines:  # every edge's two ends are declared in its own part
            ends = re.findall(r"\b((?:svc|q|t|dlq)_\w+)", line)
            assert set(ends) <= ids, line
        drawn += edge_lines
        declared |= ids
    assert sorted(drawn) == sorted(e.line for e in g.edges)  # each edge exactly once
    assert declared == set(g.nodes)
    assert mermaid.parts(topo) == parts  # deterministic


@pytest.mark.parametrize("services", [400, 1500])
def test_every_environment_splits_at_the_same_channels(tmp_path, services):
    # an environment may change max_receive_count, which the dead-letter edges show: "after 5 receives" in dev,
    # "after 100 receives" in prod moved the parts' boundaries, so part 2 of dev was not part 2 of prod
    src = tmp_path / "topology.yaml"
    src.write_text(synthetic(services) + "environments:\n  dev: {}\n  prod: {defaults: {max_receive_count: 100}}\n"
                   "  one: {defaults: {max_receive_count: 1}}\n")
    split = {}
    for stack in ("dev", "prod", "one", "unlisted"):
        parts = mermaid.parts(load_result(src, warnings=False, stack=stack).topology)
        assert all(mermaid.js_length(p.text) <= mermaid.MAX_TEXT for p in parts)
        split[stack] = [(p.first, p.last, p.channels) for p in parts]
    assert len(split["dev"]) > 1
    assert split["prod"] == split["dev"] == split["one"] == split["unlisted"]


def test_a_topic_with_more_consumers_than_a_diagram_holds_is_spread(write):
    topo, _ = load_topology(write(_one_topic_with(700)))
    parts = mermaid.parts(topo)
    assert len(parts) >= 3  # 701 edges to consumers and 700 to dead letters, at most 500 a part
    for p in parts:
        assert "t_wide{{" in p.text and p.first == p.last == "wide"
        assert mermaid.js_length(p.text) <= mermaid.MAX_TEXT
        declared = set(re.findall(r"^  (\w+)[\[{(]", p.text, re.M))
        joined = {n for line in p.text.split("\n") if "->" in line for n in re.findall(r"\b((?:svc|t|dlq)_\w+)", line)}
        assert declared == joined | {"t_wide"}  # the topic and what its edges in this part join, nothing else


def test_a_queue_with_more_consumers_than_a_diagram_holds_is_spread(write):
    svcs = "".join(f"  s{i:04d}: {{consumes: [wide]}}\n" for i in range(700))
    topo, _ = load_topology(write(f"version: 1\nname: wide\nqueues:\n  wide: {{}}\nservices:\n"
                                  f"  pub:\n    publishes: [wide]\n{svcs}"))
    parts = mermaid.parts(topo)
    assert len(parts) >= 2
    edges = []
    for p in parts:
        declared = set(re.findall(r"^  (\w+)[\[{(]", p.text, re.M))
        for line in (line for line in p.text.split("\n") if "->" in line):
            assert set(re.findall(r"\b((?:svc|q|dlq)_\w+)", line)) <= declared, line
            edges.append(line)
    assert len(edges) == 702 and sum("q_wide -. " in e for e in edges) == 1  # the publisher, 700 consumers, the DLQ


def test_a_huge_filter_is_shortened_in_the_diagram_only(write):
    # 150 values: the most an SNS filter takes (TOP206); Pub/Sub and Service Bus allow far shorter filters
    values = ", ".join(f"a-rather-long-value-{i:05d}" for i in range(150))
    src = write("targets: [aws]\ntopics:\n  tt: {}\nservices:\n  pp: {publishes: [tt]}\n"
                f"  cc:\n    consumes:\n      tt: {{filter: {{kind: [{values}]}}}}\n")
    topo, _ = load_topology(src)
    line = next(line for line in mermaid.flowchart(topo).split("\n") if "shortened" in line)
    assert len(line) < mermaid.MAX_LABEL + 200 and "value-00000" in line and "value-00149" not in line
    code, page, _ = run_cli("docs", src, "-o", "-")
    assert code == 0 and "value-00149" in page  # the consumers table keeps every value


def test_javascript_length_counts_astral_characters_twice():
    assert mermaid.js_length("abc") == 3
    assert mermaid.js_length("é") == 1
    assert mermaid.js_length("😀a") == 3
    assert mermaid.js_length("\uffff\U00010000") == 3  # the last one-unit character, the first two-unit one


def test_fits_at_each_limit():
    at = "x" * mermaid.MAX_TEXT
    assert mermaid.fits(at, mermaid.MAX_EDGES) and mermaid.fits(at, 0)
    assert not mermaid.fits(at + "x", 0) and not mermaid.fits("x", mermaid.MAX_EDGES + 1)
    assert mermaid.fits(at[:-2], 0, slack=2) and not mermaid.fits(at[:-2], 0, slack=3)


def test_an_edge_label_is_shortened_past_its_limit_only_at_a_space():
    exact = ("word " * (mermaid.MAX_LABEL // 5))[:mermaid.MAX_LABEL]
    assert mermaid._edge_label(exact) == f'"{exact}"'  # exactly the limit: whole
    longer = "aa bb " * 200 + "tail"
    assert mermaid._edge_label(longer) == \
        '"' + longer[:mermaid.MAX_LABEL].rsplit(" ", 1)[0] + ' … (shortened: the consumers table has all of it)"'
    assert longer[:mermaid.MAX_LABEL].rsplit(" ", 1)[0] == "aa bb " * 166 + "aa"  # at the last space, not before


@pytest.mark.parametrize("services", [400, 1500])
def test_a_part_is_closed_only_when_the_next_channel_does_not_fit(tmp_path, services):
    src = tmp_path / "topology.yaml"
    src.write_text(synthetic(services))
    parts = mermaid.parts(load_topology(src)[0])
    # the channels are small next to a diagram, so every part but the last is nearly full (a part that started
    # from its predecessor's size closed at once, with one channel each)
    edges = [p.text.count("-->") + p.text.count(".->") for p in parts]
    assert len(parts) > 2
    assert all(mermaid.js_length(p.text) > mermaid.MAX_TEXT * 0.8 or n > mermaid.MAX_EDGES * 0.9
               for p, n in zip(parts[:-1], edges))


@pytest.mark.parametrize("flt", ["ok", "\U0001F600 é & <b>"])
def test_the_size_model_is_the_text_s_javascript_length(write, flt):
    """What parts() adds up (a fixed frame, each node's and edge's cost) is the text's JavaScript length and the
    environments' slack, plus exactly what it counts in advance: one comma per class line and the lines of
    classes a part may lack."""
    from generator.docs.mermaid import _CLASSES, _FIXED

    topo, _ = load_topology(write(synthetic(30).replace("region: [eu]", f"region: ['{flt}']")))
    g = mermaid.graph(topo)
    model = _FIXED + sum(n.cost for n in g.nodes.values()) + sum(e.cost for e in g.edges)
    present = {n.cls for n in g.nodes.values()}
    ahead = len(present) + sum(len(f"  class  {c}\n") for c in _CLASSES if c not in present)
    assert model == mermaid.js_length(mermaid.text(g)) + mermaid.slack(g.edges) + ahead
    # slack only where a number may grow: "after 5 receives" may become "after 1000 receives" (three more)
    dead = [e for e in g.edges if ".->" in e.line]
    assert dead and all(e.slack == 3 for e in dead) and all(e.slack == 0 for e in g.edges if e not in dead)


def test_channels_joined_through_a_service_are_grouped_before_the_next_component(write):
    # In name order the channels alternate between two groups that share no service.
    topo, _ = load_topology(write("queues:\n  c1-x: {}\n  c2-y: {}\n  c3-x: {}\n  c4-y: {}\nservices:\n"
                                  "  sx: {publishes: [c1-x, c3-x]}\n  sy: {publishes: [c2-y, c4-y]}\n"))
    g = mermaid.graph(topo)
    assert [g.channels[i][0] for i in mermaid._in_components(g)] == ["c1-x", "c3-x", "c2-y", "c4-y"]


def _six_hundred_consumers(tmp_path):
    # One topic, 600 consumers, no dead letters: 601 edges, packed to Mermaid's limit of 500 in the first part
    # (it refuses the 501st edge: `edges.length < maxEdges` before each one).
    svcs = "".join(f"  s{i:04d}: {{consumes: [wide]}}\n" for i in range(600))
    src = tmp_path / "topology.yaml"
    src.write_text("version: 1\nname: wide\ntargets: [azure]\ndefaults: {dead_letter: false}\ntopics:\n  wide: {}\n"
                   "services:\n  pub: {publishes: [wide]}\n" + svcs)
    return mermaid.parts(load_topology(src)[0])


def test_a_part_holds_exactly_as_many_edges_as_mermaid_allows(tmp_path):
    edges = [p.text.count(" --> ") for p in _six_hundred_consumers(tmp_path)]
    assert edges[0] == mermaid.MAX_EDGES and sum(edges) == 601


def test_a_part_of_exactly_the_edge_limit_renders(tmp_path):
    md = tmp_path / "first.md"
    md.write_text("```mermaid\n" + _six_hundred_consumers(tmp_path)[0].text + "```\n")
    _render(md, tmp_path)  # and 501 edges make mermaid-cli exit 1 ("Edge limit exceeded")
