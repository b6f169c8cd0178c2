"""Issue #17 item 10: every documented filter and policy limit of the three clouds, at, below and above it."""

from __future__ import annotations

import json

import pytest

from conftest import HEADER, run_cli

from generator.clouds.aws import spec as aws_spec
from generator.clouds.azure import spec as azure_spec
from generator.clouds.gcp import spec as gcp_spec


def codes(path, code):
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    diags = [d for d in json.loads(out)["files"][0]["diagnostics"] if d["code"] == code]
    return rc, diags


def one_filter(tmp_path, target: str, flt: dict, name="t.yaml"):
    path = tmp_path / name
    path.write_text(HEADER + f"targets: [{target}]\ntopics: {{news: {{}}}}\nservices:\n  api: {{publishes: [news]}}\n"
                    f"  reader:\n    consumes:\n      news: {{filter: {json.dumps(flt)}}}\n")
    return path


def fill(build, target: int, parts: int = 1):
    """Values (each <= 256 chars) such that ``len(build(values)) == target``: the last one is sized to fit."""
    values = [f"v{i}" + "v" * 198 for i in range(parts - 1)] + ["w"]
    base = len(build(values)) - 1
    values[-1] = "w" * (target - base)
    assert 1 <= len(values[-1]) <= 256
    assert len(build(values)) == target
    return values


# -- filters, per subscription ---------------------------------------------------------------------------------

@pytest.mark.parametrize("n,ok", [(4, True), (5, True), (6, False)])
def test_sns_filter_attribute_count(tmp_path, n, ok):
    rc, diags = codes(one_filter(tmp_path, "aws", {f"a{i}": ["x"] for i in range(n)}), "TOP206")
    assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags


@pytest.mark.parametrize("n,ok", [(149, True), (150, True), (151, False)])
def test_sns_filter_value_combinations(tmp_path, n, ok):
    rc, diags = codes(one_filter(tmp_path, "aws", {"a": [f"v{i}" for i in range(n)]}), "TOP206")
    assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags
    if not ok:
        assert "at most 150 combinations" in diags[0]["message"] and "151" in diags[0]["message"]


def test_sns_filter_policy_size_limit_at_below_above(monkeypatch):
    flt = (("a", ("x" * 100,)),)
    size = len(json.dumps(aws_spec.filter_policy(flt), separators=(",", ":")))
    assert size == 110  # {"a":["xxx..."]}
    for limit, ok in ((size + 1, True), (size, True), (size - 1, False)):
        monkeypatch.setattr(aws_spec, "SNS_FILTER_POLICY_BYTES", limit)
        assert (aws_spec.filter_problems(flt) == []) is ok


def azure_sql(values):
    return azure_spec.sql_filter((("attr", tuple(values)),))


@pytest.mark.parametrize("length,ok", [(1023, True), (1024, True), (1025, False)])
def test_azure_sql_filter_length(tmp_path, length, ok):
    values = fill(azure_sql, length, parts=5)
    rc, diags = codes(one_filter(tmp_path, "azure", {"attr": values}), "TOP206")
    assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags
    if not ok:
        assert "1025 characters, the limit is 1024" in diags[0]["message"]


def gcp_expr(values):
    return gcp_spec.filter_expression((("attr", tuple(values)),))


@pytest.mark.parametrize("length,ok", [(255, True), (256, True), (257, False)])
def test_gcp_filter_bytes(tmp_path, length, ok):
    values = fill(gcp_expr, length, parts=2)
    rc, diags = codes(one_filter(tmp_path, "gcp", {"attr": values}), "TOP206")
    assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags


def test_gcp_filter_counts_bytes_not_characters():
    values = ["é" * 100, "é" * 10]  # 2 bytes each in UTF-8
    expr = gcp_expr(values)
    assert len(expr) < 256 < len(expr.encode("utf-8"))
    assert gcp_spec.filter_problems((("attr", tuple(values)),))


# -- per topic ----------------------------------------------------------------------------------------------------

def many_subscribers(tmp_path, target, n, filtered=True):
    lines = [HEADER, f"targets: [{target}]\ntopics: {{news: {{}}}}\nservices:\n  api: {{publishes: [news]}}\n"]
    flt = "{filter: {kind: [x]}}" if filtered else "{}"
    lines += [f"  s{i:05d}:\n    consumes:\n      news: {flt}\n" for i in range(n)]
    path = tmp_path / "many.yaml"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("n,ok", [(199, True), (200, True), (201, False)])
def test_sns_filter_policies_per_topic(tmp_path, n, ok):
    rc, diags = codes(many_subscribers(tmp_path, "aws", n), "TOP206")
    assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags
    if not ok:
        assert diags[0]["line"] == 4 and "201 subscriptions have a filter policy" in diags[0]["message"]


def test_unfiltered_subscriptions_do_not_count_as_sns_filter_policies(tmp_path):
    assert codes(many_subscribers(tmp_path, "aws", 201, filtered=False), "TOP206") == (0, [])


@pytest.mark.parametrize("mod,limit", [(azure_spec, 2000), (gcp_spec, 10000)])
def test_subscriptions_per_topic(mod, limit):
    assert mod.topic_problems(limit - 1, 0) == []
    assert mod.topic_problems(limit, limit) == []
    [problem] = mod.topic_problems(limit + 1, 0)
    assert f"{limit + 1:,}" in problem or str(limit + 1) in problem


def test_azure_subscriptions_per_topic_end_to_end(tmp_path):
    rc, diags = codes(many_subscribers(tmp_path, "azure", 2001, filtered=False), "TOP206")
    assert rc == 1 and len(diags) == 1 and "at most 2000" in diags[0]["message"]


# -- tags and policies ------------------------------------------------------------------------------------------

def tagged(tmp_path, target, n):
    path = tmp_path / "tags.yaml"
    tags = ", ".join(f"t{i:03d}: x" for i in range(n))
    path.write_text(HEADER + f"targets: [{target}]\ntags: {{{tags}}}\nqueues: {{jobs: {{}}}}\nservices:\n"
                    "  worker: {consumes: [jobs]}\n")
    return path


@pytest.mark.parametrize("target,limit", [("aws", 50), ("azure", 50), ("gcp", 64)])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_tags_per_resource(tmp_path, target, limit, delta):
    rc, diags = codes(tagged(tmp_path, target, limit + delta), "TOP210")
    assert (rc, len(diags)) == ((1, 1) if delta > 0 else (0, 0)), diags
    if delta > 0:
        assert (diags[0]["line"], f"at most {limit}") == (4, f"at most {limit}") and f"at most {limit}" in \
            diags[0]["message"]


def consuming_many(tmp_path, n):
    path = tmp_path / "iam.yaml"
    queues = "".join(f"  queue-with-a-rather-long-name-{i:04d}: {{}}\n" for i in range(n))
    path.write_text(HEADER + "targets: [aws]\nqueues:\n" + queues + "services:\n  worker:\n    consumes: ["
                    + ", ".join(f"queue-with-a-rather-long-name-{i:04d}" for i in range(n)) + "]\n")
    return path


def test_an_iam_policy_too_large_is_refused_at_validation(tmp_path):
    rc, diags = codes(consuming_many(tmp_path, 120), "TOP210")
    assert rc == 1 and "6,144" in diags[0]["message"] and diags[0]["line"] == 126, diags


def test_an_iam_policy_just_over_the_limit_is_refused_when_the_program_builds_it(tmp_path):
    from generator.check import check_file

    n = 1
    while True:  # the largest count whose lower bound still fits: validation accepts it
        topo = check_file(consuming_many(tmp_path, n + 1)).topology
        if aws_spec.policy_size_lower_bound(topo, topo.services["worker"]) > aws_spec.MAX_MANAGED_POLICY_CHARS:
            break
        n += 1
    path = consuming_many(tmp_path, n)
    assert codes(path, "TOP210") == (0, [])
    rc, out, err = run_cli("plan", path, "--cloud", "aws", "--region", "ap-southeast-2")
    assert rc == 1 and "IAM managed policies hold at most 6,144" in err and "Traceback" not in err, err


def test_a_policy_under_the_limit_is_planned(tmp_path):
    from generator.plan import engine

    plan = engine.run(str(consuming_many(tmp_path, 10)), "aws")
    [policy] = plan.by_type("aws:iam/policy:Policy")
    assert len(policy.inputs["policy"]) < aws_spec.MAX_MANAGED_POLICY_CHARS


def test_azure_role_assignments_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(azure_spec, "MAX_ROLE_ASSIGNMENTS", 3)
    ident = "identity: {azure_principal_id: 11111111-1111-1111-1111-111111111111}"
    for n, ok in ((3, True), (4, False)):
        path = tmp_path / f"ra{n}.yaml"
        path.write_text(HEADER + "targets: [azure]\nqueues:\n" + "".join(f"  q{i:02d}: {{}}\n" for i in range(n))
                        + f"services:\n  worker: {{{ident}, consumes: [" + ", ".join(f"q{i:02d}" for i in range(n))
                        + "]}\n")
        rc, diags = codes(path, "TOP210")
        assert (rc, bool(diags)) == ((0, False) if ok else (1, True)), diags


def test_the_documented_values():
    assert (aws_spec.SNS_FILTER_KEYS, aws_spec.SNS_FILTER_COMBINATIONS, aws_spec.SNS_FILTER_POLICY_BYTES,
            aws_spec.SNS_FILTER_POLICIES_PER_TOPIC, aws_spec.MAX_TAGS, aws_spec.MAX_MANAGED_POLICY_CHARS) == \
        (5, 150, 262144, 200, 50, 6144)
    assert (azure_spec.SQL_FILTER_CHARS, azure_spec.SUBSCRIPTIONS_PER_TOPIC, azure_spec.SQL_FILTERS_PER_TOPIC,
            azure_spec.MAX_TAGS, azure_spec.MAX_ROLE_ASSIGNMENTS) == (1024, 2000, 2000, 50, 4000)
    assert (gcp_spec.FILTER_BYTES, gcp_spec.SUBSCRIPTIONS_PER_TOPIC, gcp_spec.MAX_LABELS) == (256, 10000, 64)
