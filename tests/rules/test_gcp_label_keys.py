"""TOP210 on GCP: two tags that become one label key are an error, not a silent overwrite (issue 29)."""

from __future__ import annotations

import pytest

from conftest import HEADER
from generator.check import check_document
from generator.loader import load_bytes


def found(text, clouds=None):
    diags = check_document(load_bytes(HEADER + text, "t.yaml"), clouds).diagnostics
    return [(d.line, d.col, d.level, d.message) for d in diags if d.code == "TOP210"]


@pytest.mark.parametrize("a,b,key", [("Cost-Center", "cost-center", "cost-center"),
                                     ("cost.center", "cost_center", "cost_center"),
                                     ("team/a", "team:a", "team_a"),
                                     ("x" * 63, "x" * 62 + "X", "x" * 63)])
def test_two_tags_one_label_key_are_an_error(a, b, key):
    got = found(f"targets: [gcp]\ntags: {{'{a}': one, '{b}': two}}\nqueues: {{jobs: {{}}}}\n")
    assert got == [(4, len(a) + 17, "error",  # at the second key
                    f"GCP: tags '{a}' and '{b}' both become label key '{key}' (label keys are lowercase letters, "
                    "digits, '_' and '-', at most 63 characters); one value would be lost")]


def test_distinct_keys_and_other_clouds_are_fine():
    assert found("targets: [gcp]\ntags: {cost-center: a, team: b}\nqueues: {jobs: {}}\n") == []
    # AWS and Azure keep the keys as written: no collision there
    assert found("targets: [aws, azure]\ntags: {Cost-Center: a, cost-center: b}\nqueues: {jobs: {}}\n") == []


def test_an_environments_tag_that_meets_a_top_level_one_is_cited_in_the_environment():
    text = ("targets: [gcp]\ntags: {cost-center: a}\nqueues: {jobs: {}}\n"
            "environments:\n  prod:\n    tags: {Cost-Center: b}\n")
    got = found(text)
    assert [(line, level) for line, _col, level, _m in got] == [(8, "error")]
    assert "tags 'cost-center' and 'Cost-Center'" in got[0][3]
    # the same key overridden per environment is one tag, not two
    assert found("targets: [gcp]\ntags: {team: a}\nqueues: {jobs: {}}\nenvironments:\n  prod:\n    tags: {team: b}\n") == []
