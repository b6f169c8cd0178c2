"""Every rule: its registry entry, and the passing and failing examples of its docstring.

The examples are the ones docs/rules.md shows, so the docs cannot lie.
"""

from __future__ import annotations

import re

import pytest

from conftest import HEADER
from generator import rules
from generator.check import check_document
from generator.docs.rules_page import rule_sections
from generator.loader import load_bytes

RULES = {r.CODE: r for r in rules.RULES}


def codes_of(text: str):
    result = check_document(load_bytes(HEADER + text, "example.yaml"))
    return result, {d.code for d in result.diagnostics}


def test_codes_and_names_are_unique_and_stable():
    codes = [r.CODE for r in rules.RULES]
    names = [r.NAME for r in rules.RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    for r in rules.RULES:
        assert re.fullmatch(r"TOP[12]\d\d", r.CODE)
        assert r.__name__.rsplit(".", 1)[1] == f"{r.CODE.lower()}_{r.NAME.replace('-', '_')}"
        assert r.LEVEL in ("error", "warning", "info")


@pytest.mark.parametrize("code", sorted(RULES))
def test_docstring_examples(code):
    rule = RULES[code]
    s = rule_sections(rule)
    assert s["summary"] and s["passing"] and s["failing"], f"{code} needs a summary and both examples"
    result, found = codes_of(s["passing"])
    assert code not in found, f"{code}'s passing example triggers it: {result.diagnostics}"
    assert result.topology is not None, f"{code}'s passing example fails the schema: {result.diagnostics}"
    result, found = codes_of(s["failing"])
    assert code in found, f"{code}'s failing example does not trigger it: {result.diagnostics}"
    levels = {d.level for d in result.diagnostics if d.code == code}
    assert levels == {rule.LEVEL}
