"""Property tests (hypothesis): generated valid topologies and random mutations of real ones."""

from __future__ import annotations

import random

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from generator.check import check_document, load_topology
from generator.docs import render
from generator.loader import load_bytes
from generator.plan import engine
from invariants import consistent, protected_by_default, secure

DURATION = st.sampled_from(["30s", "45s", "1m", "2m", "5m", 60, 120])
RETENTION = st.sampled_from(["10m", "1h", "1d", "4d", "7d", "14d"])
ATTRS = st.sampled_from(["status", "region", "kind"])
VALUES = st.lists(st.sampled_from(["a", "b", "eu", "us", "ok", "x y"]), min_size=1, max_size=3, unique=True)


@st.composite
def settings_(draw, consumer=False):
    out = {}
    if draw(st.booleans()):
        out["visibility_timeout"] = draw(DURATION)
    if not consumer and draw(st.booleans()):
        out["retention"] = draw(RETENTION)
    if draw(st.booleans()):
        out["max_receive_count"] = draw(st.integers(5, 100))
    if draw(st.booleans()):
        out["dead_letter"] = draw(st.sampled_from([True, False, {"max_receive_count": 7}, {"retention": "14d"}]))
        if isinstance(out["dead_letter"], dict) and "max_receive_count" in out:
            # one setting in two spellings must agree (TOP125): write the same count in both
            out["dead_letter"] = {"max_receive_count": out["max_receive_count"]}
    return out


@st.composite
def topologies(draw):
    queues = {f"q{i}": {**draw(settings_()), **({"fifo": True} if draw(st.booleans()) else {})}
              for i in range(draw(st.integers(0, 3)))}
    topics = {f"t{i}": ({"fifo": True} if draw(st.booleans()) else {}) for i in range(draw(st.integers(0, 3)))}
    channels = sorted(queues) + sorted(topics)
    services, consumed = {}, {}
    for i in range(draw(st.integers(1, 5))):
        svc = {}
        pubs = draw(st.lists(st.sampled_from(channels), unique=True, max_size=3)) if channels else []
        if pubs:
            svc["publishes"] = pubs
        subs = {}
        for ch in (draw(st.lists(st.sampled_from(channels), unique=True, max_size=3)) if channels else []):
            if ch in queues:
                if ch in consumed:      # one queue, one set of queue options: keep consumers compatible
                    subs[ch] = None
                    continue
                subs[ch] = {"processing_time": "10s"} if draw(st.booleans()) else None
            else:
                opts = draw(settings_(consumer=True))
                if draw(st.booleans()):
                    opts["filter"] = draw(st.dictionaries(ATTRS, VALUES, min_size=1, max_size=2))
                subs[ch] = opts or None
            consumed[ch] = True
        if subs:
            svc["consumes"] = subs
        services[f"s{i}"] = svc
    doc = {"version": 1, "name": "plat" + draw(st.text("abcdefgh", min_size=0, max_size=6)),
           "targets": draw(st.lists(st.sampled_from(["aws", "azure", "gcp"]), min_size=1, unique=True)),
           "tags": {"team": "x"}, "queues": queues, "topics": topics, "services": services}
    if draw(st.booleans()):
        doc["defaults"] = {"retention": draw(RETENTION)}
    return doc


def as_text(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(topologies())
def test_generated_topologies_validate_and_render_deterministically(doc):
    result = check_document(load_bytes(as_text(doc), "gen.yaml"))
    errors = [d for d in result.diagnostics if d.level == "error"]
    assert errors == [], errors
    first, second = render(result.topology, "gen.yaml"), render(result.topology, "gen.yaml")
    assert first == second
    for name in [*doc["queues"], *doc["topics"], *doc["services"]]:
        assert f"**{name}**" in first


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(topologies())
def test_generated_topologies_plan_consistently_on_every_target(tmp_path, doc):
    path = tmp_path / "gen.yaml"
    path.write_text(as_text(doc))
    topo = load_topology(path)[0]
    for cloud in topo.targets:
        plan = engine.run(str(path), cloud)
        consistent(plan, topo)
        secure(plan, topo)
        protected_by_default(plan, topo)


TEXT = (ROOT / "topology.yaml").read_text()
JUNK = ["", ":", "- ", "  ", "\t", "{", "}", "[", "]", "&a", "*a", "!!str", "yes", "010", "#", "'", '"', "<<: *x",
        "\x00", "é", "queues:", "    - x", "10m", "fifo: true", "---"]


@st.composite
def mutations(draw):
    lines = TEXT.split("\n")
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(1, 4))):
        if not lines:  # a truncation at line 0 leaves nothing to mutate: the empty file is a case too
            break
        op = rnd.choice(["delete", "duplicate", "junk", "truncate", "indent", "swap"])
        i = rnd.randrange(len(lines))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "junk":
            pos = rnd.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:pos] + rnd.choice(JUNK) + lines[i][pos:]
        elif op == "truncate":
            lines = lines[:i]
        elif op == "indent":
            lines[i] = " " * rnd.choice([1, 2, 3, 4]) + lines[i]
        else:
            j = rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations())
def test_mutated_files_exit_0_or_1_and_valid_ones_never_crash(tmp_path, text):
    path = tmp_path / "topology.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, out, err = run_cli("validate", path)
    assert code in (0, 1), out + err
    assert "Traceback" not in out + err
    if code == 0:
        assert run_cli("docs", path, "-o", "-")[0] == 0
        topo = load_topology(path)[0]
        plan = engine.run(str(path), random.Random(len(text)).choice(topo.targets))
        consistent(plan, topo)


@settings(max_examples=25, deadline=None)
@given(topologies(), st.data())
def test_diff_flags_every_deleted_or_replaced_queue(doc, data):
    from generator.diff import impact

    if not doc["queues"]:
        return
    victim = data.draw(st.sampled_from(sorted(doc["queues"])))
    head = {**doc, "queues": {k: v for k, v in doc["queues"].items() if k != victim}, "services": {
        s: {k: ([c for c in v if c != victim] if k == "publishes" else {c: o for c, o in v.items() if c != victim})
            for k, v in svc.items()} for s, svc in doc["services"].items()}}
    flipped = {**doc, "queues": {**doc["queues"], victim: {**doc["queues"][victim],
                                                           "fifo": not doc["queues"][victim].get("fifo", False)}}}
    base = check_document(load_bytes(as_text(doc), "base.yaml")).topology
    for changed in (head, flipped):
        after = check_document(load_bytes(as_text(changed), "head.yaml")).topology
        _, actions = impact.all_actions(base, after)
        for cloud in base.targets:
            hits = [a for a in actions if a.cloud == cloud and a.destructive and f"queue '{victim}'" == a.subject]
            assert hits, (cloud, victim)
