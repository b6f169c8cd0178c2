"""Issue #17 item 3: regexes from message schemas run on RE2 (linear time) or are refused at their line."""

from __future__ import annotations

import json
import re
import time

import jsonschema._format
import jsonschema._keywords
import jsonschema._utils
import pytest

from conftest import HEADER, run_cli

from generator import safe_regex
from generator.check import check_file

EVIL = "^(a+)+$"
SLOW_INPUT = "a" * 30 + "!"
MESSAGE_PATTERNS = (EVIL, "(x+x+)+y", "^x-", "(a)")


class _Backtracking:
    """Stands in for Python's `re` inside jsonschema: using it on a message schema's regex fails the test.

    (topowire's own schema, with its own fixed patterns, still runs on `re`.)
    """

    def __getattr__(self, name):
        attr = getattr(re, name)
        if name not in ("search", "match", "fullmatch", "compile", "findall", "finditer"):
            return attr

        def guarded(pattern, *args, **kwargs):
            if any(p in str(pattern) for p in MESSAGE_PATTERNS):
                raise AssertionError(f"jsonschema used Python's re.{name} on a message schema's regex {pattern!r}")
            return attr(pattern, *args, **kwargs)

        return guarded


@pytest.fixture
def no_python_re(monkeypatch):
    for module in (jsonschema._keywords, jsonschema._utils, jsonschema._format):
        monkeypatch.setattr(module, "re", _Backtracking())


@pytest.fixture
def engine_calls(monkeypatch):
    calls = []
    real = safe_regex.compile

    def spy(pattern):
        calls.append(pattern)
        return real(pattern)

    monkeypatch.setattr(safe_regex, "compile", spy)
    return calls


def topology(tmp_path, body: str) -> str:
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n" + body)
    return str(path)


def errors(path):
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    return rc, [(d["code"], d["line"], d["col"]) for d in json.loads(out)["files"][0]["diagnostics"]
                if d["level"] == "error"]


CATASTROPHIC = {
    "pattern": f"  Job:\n    schema: {{type: string, pattern: '{EVIL}'}}\n    example: '{SLOW_INPUT}'\n",
    "nested-pattern": f"  Job:\n    schema: {{type: object, properties: {{id: {{pattern: '(x+x+)+y'}}}}}}\n"
                      f"    example: {{id: '{'x' * 40}'}}\n",
    "patternProperties": f"  Job:\n    schema: {{type: object, patternProperties: {{'{EVIL}': {{type: string}}}},"
                         f" additionalProperties: false}}\n    example: {{'{SLOW_INPUT}': 1}}\n",
    "propertyNames": f"  Job:\n    schema: {{type: object, propertyNames: {{pattern: '{EVIL}'}}}}\n"
                     f"    example: {{'{SLOW_INPUT}': 1}}\n",
    "pattern-via-ref": f"  Job:\n    schema: {{$defs: {{s: {{pattern: '{EVIL}'}}}}, $ref: '#/$defs/s'}}\n"
                       f"    example: '{SLOW_INPUT}'\n",
}


@pytest.mark.parametrize("case", sorted(CATASTROPHIC))
def test_catastrophic_patterns_run_on_re2_and_fail_fast(tmp_path, case, no_python_re, engine_calls):
    path = topology(tmp_path, CATASTROPHIC[case])
    assert len(open(path, "rb").read()) < 1024
    start = time.monotonic()
    rc, found = errors(path)
    assert time.monotonic() - start < 1.0
    assert rc == 1 and [c for c, _l, _c in found] == ["TOP113"], found
    assert engine_calls, "the pattern did not go through RE2"


def test_a_matching_value_passes_on_re2(tmp_path, no_python_re):
    path = topology(tmp_path, f"  Job:\n    schema: {{type: string, pattern: '{EVIL}'}}\n    example: aaaa\n")
    assert errors(path) == (0, [])


def test_pattern_properties_match_on_re2(tmp_path, no_python_re):
    path = topology(tmp_path, "  Job:\n    schema:\n      type: object\n      patternProperties: {'^x-': {type: integer}}\n"
                              "      additionalProperties: false\n    example: {x-a: 1, x-b: two}\n")
    rc, found = errors(path)
    assert rc == 1 and found == [("TOP113", 9, 28)], found


@pytest.mark.parametrize("pattern,what", [
    (r"^(a)\\1$", "backreference"),
    ("^(?=a)a$", "lookahead"),
    ("^(?!a)b$", "negative lookahead"),
    ("(?<=a)b", "lookbehind"),
    ("a++", "possessive"),
    ("(?<name>a)\\\\k<name>", "named backreference"),
    ("[", "unbalanced"),
])
def test_patterns_re2_cannot_run_are_refused_at_their_line(tmp_path, pattern, what):
    path = topology(tmp_path, f"  Job:\n    schema:\n      type: object\n      properties:\n        id:\n"
                              f"          pattern: \"{pattern}\"\n")
    rc, found = errors(path)
    assert rc == 1 and found == [("TOP107", 9, 20)], (what, found)


def test_pattern_property_keys_re2_cannot_run_are_refused_at_the_key(tmp_path):
    path = topology(tmp_path, "  Job:\n    schema:\n      type: object\n      patternProperties:\n"
                              "        '^(?!internal)': {type: string}\n")
    rc, found = errors(path)
    assert rc == 1 and found == [("TOP107", 8, 9)], found


def test_a_refused_pattern_in_a_schema_file_points_into_the_file(tmp_path):
    (tmp_path / "job.json").write_text('{\n  "type": "string",\n  "pattern": "(a)\\\\1"\n}\n')
    path = topology(tmp_path, "  Job: {schema: job.json}\n")
    rc, out, err = run_cli("validate", "--format", "json", path)
    diag = json.loads(out)["files"][0]["diagnostics"][0]
    assert (rc, diag["file"], diag["line"], diag["col"]) == (1, str(tmp_path / "job.json"), 3, 14)
    assert "(a)" not in diag["message"]  # the file's pattern is not quoted


def test_format_regex_is_checked_with_re2(tmp_path, no_python_re):
    path = topology(tmp_path, "  Job:\n    schema: {type: string, format: regex}\n    example: '(a)\\1'\n"
                              "  Ok:\n    schema: {type: string, format: regex}\n    example: '^(a+)+$'\n")
    rc, found = errors(path)
    assert rc == 1 and found == [("TOP113", 6, 14)], found


def test_unevaluated_properties_with_pattern_properties_is_refused(tmp_path):
    path = topology(tmp_path, "  Job:\n    schema:\n      patternProperties: {'^a': {}}\n"
                              "      unevaluatedProperties: false\n")
    rc, found = errors(path)
    assert rc == 1 and found == [("TOP107", 7, 7)], found


def test_huge_patterns_are_refused(tmp_path):
    path = topology(tmp_path, f"  Job:\n    schema: {{pattern: '{'a' * (safe_regex.MAX_PATTERN_CHARS + 1)}'}}\n")
    rc, found = errors(path)
    assert rc == 1 and [c for c, _l, _c in found] == ["TOP107"]


def test_a_program_too_big_for_re2_is_refused_not_run():
    with pytest.raises(safe_regex.RegexRefused):
        safe_regex.compile("((a{100}){100}){100}")


def test_re2_search_is_linear_on_the_issue_example():
    start = time.monotonic()
    assert safe_regex.search(EVIL, "a" * 100_000 + "!") is False
    assert time.monotonic() - start < 1.0


def test_the_reported_file_from_the_issue(tmp_path):
    """The 190-byte file of issue #17 (97 s before): exit 1 in well under a second, in a fresh interpreter."""
    from conftest import run_module

    path = tmp_path / "slow.yaml"
    path.write_text(HEADER + "messages:\n  Job:\n    schema: {type: string, pattern: '^(a+)+$'}\n"
                    "    example: aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n")
    proc = run_module("validate", path, timeout=30)
    assert proc.returncode == 1 and "TOP113" in proc.stdout, proc.stdout + proc.stderr
