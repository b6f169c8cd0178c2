"""Every generated AsyncAPI document passes the official `asyncapi validate` (@asyncapi/cli): no error, no warning."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import CASES, EXAMPLES, ROOT, run_cli
from generator.check import check_document
from generator.loader import load_bytes
from official_asyncapi import problems, validate

REPO_TOPOLOGIES = [ROOT / "topology.yaml", *EXAMPLES, CASES / "aws" / "full.yaml", CASES / "azure" / "full.yaml",
                   CASES / "gcp" / "full.yaml", CASES / "docs" / "tricky.yaml"]


def generate(src, out, *args) -> list:
    code, _, err = run_cli("asyncapi", src, "-o", out, *args)
    assert code == 0, err
    return sorted(out.glob("*.yaml"))


def test_documents_of_every_repository_topology_are_valid(tmp_path):
    files = []
    for i, src in enumerate(REPO_TOPOLOGIES):
        files += generate(src, tmp_path / f"t{i}")
    files += generate(ROOT / "topology.yaml", tmp_path / "prod", "--stack", "prod")   # an environment's settings
    assert len(files) == 7 + 7 + 4 + 4 + 4 + 2 + 7    # every service of every topology
    results = validate(files, tmp_path)
    assert problems(results) == []
    assert {d[1] for _, diags in results.values() for d in diags} == {"asyncapi-latest-version"}


def test_the_validator_does_check_bindings(tmp_path):
    """A document with a wrong SQS binding fails: the validation above is not vacuous."""
    good = generate(ROOT / "topology.yaml", tmp_path / "g")[0]
    doc = yaml.safe_load(good.read_text())
    channel = next(c for c in doc["channels"].values() if "sqs" in c.get("bindings", {}))
    channel["bindings"]["sqs"]["queue"]["visibilityTimeout"] = 50000      # the binding allows 0..43200
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, sort_keys=False))
    results = validate([bad], tmp_path)
    code, diags = results[bad]
    assert code == 1
    assert any(d[0] == "error" and "visibilityTimeout" in d[2] for d in diags), diags


DURATION = st.sampled_from(["30s", "1m", "5m", "10m", 45])
RETENTION = st.sampled_from(["1h", "1d", "4d", "14d"])
TEXT = st.sampled_from(["", "plain words", "a | pipe\nand a newline", "<b>html</b> & 'quotes' \"double\"",
                        "# not a heading: `code` *stars* [link](x)", "unicode é ✓"])
CONTRACTS = [
    {"schema": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
     "example": {"id": "x-1"}},
    {"content_type": "text/plain", "schema": {"type": "string", "maxLength": 100}, "example": "hello"},
    {"schema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0},
                                                 "tags": {"type": "array", "items": {"type": "string"}}}},
     "example": {"n": 3, "tags": ["a"]}},
    {"description": "no schema, only an example", "example": {"free": ["form", 1, None, True]}},
    {},
]


@st.composite
def topologies(draw):
    messages = {f"Msg{i}": {**CONTRACTS[i], **({"description": d} if (d := draw(TEXT)) else {})}
                for i in sorted(draw(st.sets(st.integers(0, len(CONTRACTS) - 1), max_size=3)))}
    names = sorted(messages)

    def channel():
        c = {}
        if names and draw(st.booleans()):
            c["message"] = draw(st.sampled_from(names))
        if draw(st.booleans()):
            c["fifo"] = True
        if d := draw(TEXT):
            c["description"] = d
        return c

    queues = {}
    for i in range(draw(st.integers(0, 3))):
        q = channel()
        if draw(st.booleans()):
            q["visibility_timeout"] = draw(DURATION)
        if draw(st.booleans()):
            q["retention"] = draw(RETENTION)
        if draw(st.booleans()):
            q["delay"] = draw(st.sampled_from(["0s", "30s", "15m"]))
        if draw(st.booleans()):
            q["dead_letter"] = draw(st.sampled_from([False, {"max_receive_count": 7}, {"retention": "14d"}]))
        queues[f"queue-{i}"] = q
    topics = {f"topic-{i}": channel() for i in range(draw(st.integers(0 if queues else 1, 2)))}
    chans = sorted(queues) + sorted(topics)
    services, queue_taken = {}, set()
    for i in range(draw(st.integers(1, 4))):
        svc = {}
        if d := draw(TEXT):
            svc["description"] = d
        if draw(st.booleans()):
            svc["owner"] = draw(st.sampled_from(["team-a", "ops | sre"]))
        if pubs := draw(st.lists(st.sampled_from(chans), unique=True, max_size=3)):
            svc["publishes"] = pubs
        consumes = {}
        for ch in draw(st.lists(st.sampled_from(chans), unique=True, max_size=3)):
            opts = {}
            if ch in topics:
                if draw(st.booleans()):
                    opts["filter"] = {"status": draw(st.lists(st.sampled_from(["ok", "failed", "a \"b\""]),
                                                              min_size=1, max_size=2, unique=True))}
                if draw(st.booleans()):
                    opts["max_receive_count"] = draw(st.integers(5, 20))
            elif ch not in queue_taken and draw(st.booleans()):
                opts["processing_time"] = "10s"
            queue_taken.add(ch)
            consumes[ch] = opts or None
        if consumes:
            svc["consumes"] = consumes
        services[f"svc-{i}"] = svc
    doc = {"version": 1, "name": "gen" + draw(st.text("abcxyz", max_size=5)),
           "targets": draw(st.lists(st.sampled_from(["aws", "azure", "gcp"]), min_size=1, unique=True)),
           "messages": messages, "queues": queues, "topics": topics, "services": services}
    if d := draw(TEXT):
        doc["description"] = d
    if draw(st.booleans()):
        doc["owner"] = "platform"
        doc["tags"] = {"cost-center": "42", "Team": "A & B"}
    if draw(st.booleans()):
        prod = {"defaults": {"retention": draw(RETENTION)}, "tags": {"env": "prod"}}
        if draw(st.booleans()):
            prod["prefix"] = "prd"
        if queues:
            prod["queues"] = {sorted(queues)[0]: {"visibility_timeout": draw(DURATION)}}
        doc["environments"] = {"prod": prod}
    return doc


@settings(max_examples=2, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(st.lists(st.tuples(topologies(), st.sampled_from(["dev", "prod"])), min_size=4, max_size=4))
def test_documents_of_generated_topologies_are_valid(tmp_path_factory, docs):
    """Bounded: 2 batches of 4 topologies (about 20 documents), each batch validated together, no shrinking."""
    tmp = tmp_path_factory.mktemp("gen")
    files = []
    for i, (doc, stack) in enumerate(docs):
        src = tmp / f"topology-{i}.yaml"
        src.write_text(yaml.safe_dump(doc, sort_keys=True, allow_unicode=True))
        result = check_document(load_bytes(src.read_bytes(), str(src)))
        assert [d for d in result.diagnostics if d.level == "error"] == [], doc
        files += generate(src, tmp / f"out-{i}", "--stack", stack)
    assert len(files) == sum(len(d["services"]) for d, _ in docs)
    assert problems(validate(files, tmp)) == []


def test_modelina_generates_typed_models_named_after_the_contracts(tmp_path):
    """`asyncapi generate models` (Modelina) names each model after its message contract."""
    import subprocess

    from official_asyncapi import ASYNCAPI, env

    doc = generate(ROOT / "topology.yaml", tmp_path / "docs")
    gpu = next(p for p in doc if p.name == "gpu-worker.yaml")
    proc = subprocess.run([str(ASYNCAPI), "generate", "models", "typescript", str(gpu), "-o", str(tmp_path / "models"),
                           "--no-interactive"], capture_output=True, text=True, env=env(tmp_path), cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    models = {p.name for p in (tmp_path / "models").iterdir()}
    assert {"InferenceRequest.ts", "InferenceResult.ts"} <= models, models
    assert "private _maxTokens?: number;" in (tmp_path / "models" / "InferenceRequest.ts").read_text()
