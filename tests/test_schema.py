"""The JSON Schema: one contract in two copies, accepted by editors' and CI's validators."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, run_cli
from generator import schema
from generator.loader import load_file

SCHEMA_FILE = ROOT / "schema" / "topology.schema.json"


def test_package_copy_is_identical_to_the_repository_copy():
    assert schema.schema_text() == SCHEMA_FILE.read_text("utf-8"), "run 'make schema-sync'"


def test_schema_is_valid_draft_2020_12():
    s = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def _objects(node, path=""):
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for k, v in node.items():
            yield from _objects(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _objects(v, f"{path}/{i}")


def test_every_object_rejects_unknown_keys():
    s = json.loads(SCHEMA_FILE.read_text("utf-8"))
    loose = [p for p, o in _objects(s) if "additionalProperties" not in o]
    assert loose == []


@pytest.mark.parametrize("example", EXAMPLES + [ROOT / "topology.yaml"], ids=lambda p: p.name)
def test_examples_pass_the_plain_schema(example):
    errors = list(jsonschema.Draft202012Validator(schema.schema()).iter_errors(load_file(example).data))
    assert errors == []


def test_topowire_schema_prints_the_schema():
    code, out, _ = run_cli("schema")
    assert code == 0 and out == SCHEMA_FILE.read_text("utf-8")


def test_modeline_points_editors_at_the_schema():
    first = (ROOT / "topology.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema/topology.schema.json"


# -- messages, whole --------------------------------------------------------------------------------
# Each row: a document and every finding (path, message, hint, whether it points at the key) a user reads.

DOC = {"version": 1, "name": "demo"}
NAME_HINT = "names are lowercase letters, digits and '-', start with a letter, do not end with '-', and have 2 to 63 characters"
DURATION_HINT = "write a duration like 30s, 10m, 4h or 14d, or a whole number of seconds"
ENCRYPTION_HINT = "write managed, none, or {kms_key: alias/my-key}"

SCHEMA_MESSAGES = [
    ({"queues": {"jobs": {"consumers": ["billing", "audit"]}}},
     [(("queues", "jobs", "consumers"), "unknown key 'consumers' in queue 'jobs'",
       "consumers are declared under the service's 'consumes', not under the channel: "
       "services: {billing: {consumes: [jobs]}}", True)]),
    ({"topics": {"events": {"publishers": {}}}},
     [(("topics", "events", "publishers"), "unknown key 'publishers' in topic 'events'",
       "publishers are declared under the service's 'publishes', not under the channel: "
       "services: {<service>: {publishes: [events]}}", True)]),
    ({"queues": {"jobs": {"consumers": {"billing": {}}}}},
     [(("queues", "jobs", "consumers"), "unknown key 'consumers' in queue 'jobs'",
       "consumers are declared under the service's 'consumes', not under the channel: "
       "services: {<service>: {consumes: [jobs]}}", True)]),
    ({"queues": {"jobs": {"producers": [1, "api"]}}},
     [(("queues", "jobs", "producers"), "unknown key 'producers' in queue 'jobs'",
       "publishers are declared under the service's 'publishes', not under the channel: "
       "services: {api: {publishes: [jobs]}}", True)]),
    # a role word elsewhere than directly under a channel is just an unknown key
    ({"queues": {"jobs": {"dead_letter": {"consumers": 1}}}},
     [(("queues", "jobs", "dead_letter", "consumers"), "unknown key 'consumers' in dead_letter of queue 'jobs'",
       "allowed keys: max_receive_count, retention", True)]),
    ({"services": {"api": {"subscribers": ["jobs"]}}},
     [(("services", "api", "subscribers"), "unknown key 'subscribers' in service 'api'",
       "allowed keys: consumes, description, identity, owner, publishes, renamed_from", True)]),
    ({"queues": {"jobs": {"retention": None}}},
     [(("queues", "jobs", "retention"), "retention of queue 'jobs': nothing (null) is not valid", DURATION_HINT, False)]),
    ({"queues": {"jobs": {"retention": True}}},
     [(("queues", "jobs", "retention"), "retention of queue 'jobs': the boolean true is not valid", DURATION_HINT,
       False)]),
    # a value of another kind than every branch wants (here: not a word of the enum, not a mapping)
    ({"queues": {"jobs": {"encryption": 5}}},
     [(("queues", "jobs", "encryption"), "encryption of queue 'jobs': the number 5 is not valid", ENCRYPTION_HINT,
       False)]),
    ({"queues": {"jobs": {"encryption": "aes"}}},
     [(("queues", "jobs", "encryption"), "encryption of queue 'jobs' must be one of managed, none; found 'aes'",
       "use one of: managed, none", False)]),
    ({"services": {"api": {"consumes": {"Jobs": {}}}}},
     [(("services", "api", "consumes", "Jobs"), "'Jobs' is not a valid name in consumes of service 'api'", NAME_HINT,
       True)]),
    ({"version": 2}, [(("version",), "version must be 1, found the number 2", "write 'version: 1'", False)]),
    ({"environments": {f"e{i}": {} for i in range(51)}},
     [(("environments",), "environments has 51 entries; it may have at most 50",
       "at most 50 environments: each one is validated against every target cloud", False)]),
    ({"name": "a" * 64}, [(("name",), "name must have at most 63 characters", NAME_HINT, False)]),
    ({"queues": {"jobs": {"max_receive_count": 1001}}},
     [(("queues", "jobs", "max_receive_count"), "max_receive_count of queue 'jobs' must be at most 1000, found 1001",
       "a whole number of delivery attempts from 1 to 1000", False)]),
    ({"targets": ["aws", "aws", "gcp", "gcp"]},
     [(("targets",), "targets lists aws, gcp more than once", "remove the repeated entry", False)]),
    ({"description": True},
     [(("description",), "description must be a string, found the boolean true", "quote the value if you mean text",
       False)]),
    ({"services": {"api": {"publishes": ["jobs"], "consumes": ["jobs", "jobs"]}}},
     [(("services", "api", "consumes"), "consumes of service 'api' lists jobs more than once",
       "remove the repeated entry", False)]),
]


@pytest.mark.parametrize("doc,expected", SCHEMA_MESSAGES, ids=[f"{i:02d}-{'-'.join(e[0][0][:2])}"
                                                                for i, (_, e) in enumerate(SCHEMA_MESSAGES)])
def test_every_kind_of_schema_message_whole(doc, expected):
    found = schema.check({**DOC, **doc})
    assert [(f.path, f.message, f.hint, f.key) for f in found] == expected
    assert {(f.code, f.level) for f in found} == {("TOP010", "error")}


def test_the_validators_built_afresh_decide_and_explain_the_same():
    # The validators are built once per process (lru_cache); build them again from the schema file.
    for cached in (schema.schema, schema._validator, schema._fast_validator, schema._regex):
        cached.cache_clear()
    assert schema.check({**DOC, "queues": {"jobs": {"retention": "1d"}}}) == []
    assert schema._fast_validator().is_valid({**DOC, "queues": {"jobs": {"retention": "1d"}}})
    assert not schema._fast_validator().is_valid({**DOC, "queues": {"jobs": {"retention": "1 day"}}})
    assert not schema._fast_validator().is_valid({**DOC, "name": "d\u0301emo"})  # \w narrowed to ASCII
    found = schema.check({**DOC, "name": "demo\n", "queues": {"jobs": {"retention": "1 day"}}})
    assert [(f.path, f.message) for f in found] == [
        (("name",), "name: 'demo\n' is not in the expected form: it contains U+000A LINE FEED at character 5"),
        (("queues", "jobs", "retention"), "retention of queue 'jobs': '1 day' is not in the expected form")]


def test_local_refs_are_inlined_with_the_referring_keys_winning():
    defs = {"a": {"type": "string", "x-hint": "from a"}, "b": {"items": {"$ref": "#/$defs/a"}}}
    node = {"$defs": defs, "properties": {"p": {"$ref": "#/$defs/a", "x-hint": "here"}, "q": {"$ref": "#/$defs/b"},
                                          "r": {"$ref": "#/$defs/a", "not": {"$ref": "#/$defs/a"}}},
            "anyOf": [{"$ref": "#/$defs/a"}, {"type": "null"}], "x": {"$ref": "https://example.com/s.json"}}
    assert schema._inline(node, defs) == {
        "properties": {"p": {"type": "string", "x-hint": "here"}, "q": {"items": {"type": "string", "x-hint": "from a"}},
                       "r": {"type": "string", "x-hint": "from a", "not": {"type": "string", "x-hint": "from a"}}},
        "anyOf": [{"type": "string", "x-hint": "from a"}, {"type": "null"}],
        "x": {"$ref": "https://example.com/s.json"}}


def test_the_fast_schema_narrows_only_patterns():
    node = {"pattern": r"^\w$", "description": r"\w", "properties": {"x": {"pattern": r"\d", "enum": [r"\s"]}},
            "anyOf": [{"pattern": r"\s"}, {"const": 1}]}
    assert schema._strict_patterns(node) == {
        "pattern": "^[0-9A-Za-z_]$", "description": r"\w",
        "properties": {"x": {"pattern": "[0-9]", "enum": [r"\s"]}},
        "anyOf": [{"pattern": r"[\t\n\x0b\x0c\r ]"}, {"const": 1}]}


@pytest.mark.parametrize("pattern,ascii_pattern", [
    (r"a\w", "a[0-9A-Za-z_]"),                       # an escape at the very end
    ("a\\", "a\\"),                                  # a lone backslash at the end stays
    (r"[a]\w", "[a][0-9A-Za-z_]"),                   # the class ends at its ']'
    (r"[^]\w]\w", "[^]0-9A-Za-z_][0-9A-Za-z_]"),     # ']' first in a negated class is a character
    (r"x[^]\w]", "x[^]0-9A-Za-z_]"),                  # ... also after other characters
    (r"[ab-]\d[\d]", "[ab-][0-9][0-9]"),
], ids=["end", "lone-backslash", "class-end", "negated-bracket", "negated-bracket-later", "class-twice"])
def test_ascii_classes_follow_the_class_boundaries(pattern, ascii_pattern):
    assert schema._ascii_classes(pattern) == ascii_pattern


def test_a_valid_document_never_reaches_jsonschema(monkeypatch):
    # the fast validator answers "valid" alone; only an invalid document is explained (and imports jsonschema)
    def explained(data):
        raise AssertionError("jsonschema ran on a valid document")

    monkeypatch.setattr(schema, "_explained", explained)
    assert schema.check({**DOC, "queues": {"jobs": {"retention": "1d"}}}) == []


def test_lists_of_lists_or_mappings_are_unique_by_content():
    found = schema.check({**DOC, "services": {"api": {"publishes": [["a"], ["b"]], "consumes": [{"a": 1}, {"a": 2}]}}})
    assert [f.message for f in found] == [
        "consumes[0] of service 'api' must be a string, found a mapping",
        "consumes[1] of service 'api' must be a string, found a mapping",
        "publishes[0] of service 'api' must be a string, found a list",
        "publishes[1] of service 'api' must be a string, found a list"]
    found = schema.check({**DOC, "services": {"api": {"publishes": [["a"], ["a"]]}}})
    assert "publishes of service 'api' lists ['a'] more than once" in [f.message for f in found]


def _explained_by(sub_schema, value):
    """schema._explain over every error of a small schema: the keywords topology.schema.json does not use (yet)."""
    validator = jsonschema.Draft202012Validator({"type": "object", "properties": {"a": sub_schema}})
    found = [f for e in validator.iter_errors({"a": value}) for f in schema._explain(e)]
    assert {(f.code, f.level) for f in found} == {("TOP010", "error")}
    found = [(f.path, f.message, f.hint) for f in found]
    return list(dict.fromkeys(found))  # jsonschema reports 'required' once per missing key, each naming all


@pytest.mark.parametrize("sub_schema,value,expected", [
    ({"minItems": 2}, [1], ("a must have at least 2 items", "")),
    ({"maxItems": 1}, [1, 2], ("a must have at most 1 items", "")),
    ({"minLength": 2}, "x", ("a must have at least 2 characters", "")),
    ({"maxLength": 3, "x-hint": "short"}, "abcd", ("a must have at most 3 characters", "short")),
    ({"minItems": 1}, [], ("a must not be empty", "")),
    ({"minLength": 1}, "", ("a must not be empty", "")),
    ({"minProperties": 2}, {"x": 1}, ("a has 1 entries; it may have at least 2", "")),
    ({"maxProperties": 1}, {"x": 1, "y": 2}, ("a has 2 entries; it may have at most 1", "")),
    ({"minimum": 1}, 0, ("a must be at least 1, found 0", "")),
    ({"maximum": 1}, 2, ("a must be at most 1, found 2", "")),
    ({"exclusiveMinimum": 0}, 0, ("a must be more than 0, found 0", "")),
    ({"exclusiveMaximum": 10}, 10, ("a must be less than 10, found 10", "")),
    ({"multipleOf": 2}, 3, ("a: 3 is not a multiple of 2", "")),                     # any other keyword
    ({"multipleOf": 2, "x-hint": "an even number"}, 3, ("a: 3 is not a multiple of 2", "an even number")),
    ({"const": "x"}, "y", ("a must be 'x', found 'y'", "")),
    ({"enum": [1, 2]}, 3, ("a must be one of 1, 2; found the number 3", "use one of: 1, 2")),
    ({"enum": ["alpha", "beta"]}, "alpah", ("a must be one of alpha, beta; found 'alpah'", "did you mean 'alpha'?")),
    ({"enum": ["alpha", "beta"]}, "al", ("a must be one of alpha, beta; found 'al'", "did you mean 'alpha'?")),  # 0.57
    ({"type": "integer"}, "5", ("a: '5' is in quotes, so it is text, not a number", "remove the quotes: a: 5")),
    ({"type": "number"}, " 7", ("a: ' 7' is in quotes, so it is text, not a number", "remove the quotes: a: 7")),
    ({"type": "integer"}, "x", ("a must be a whole number, found 'x'", "write a whole number, without quotes")),
    ({"type": "boolean"}, "yes", ("a must be true or false, found 'yes'", "write true or false, without quotes")),
    ({"type": "string"}, False, ("a must be a string, found the boolean false", "quote the value if you mean text")),
    ({"type": "string"}, 5, ("a must be a string, found the number 5", "")),
    ({"type": ["string", "null"]}, [], ("a must be a string or empty, found a list", "")),
    ({"type": "array"}, None, ("a must be a list, found nothing (null)", "")),
    ({"type": "object", "x-hint": "a mapping here"}, "x", ("a must be a mapping, found 'x'", "a mapping here")),
    ({"pattern": "^x$"}, "y", ("a: 'y' is not in the expected form", "it must match ^x$")),
    ({"uniqueItems": True}, [{"x": 1}, {"x": 1}], ("a lists {'x': 1} more than once", "remove the repeated entry")),
    ({"uniqueItems": True}, [{"x": 1, "y": 2}, {"y": 2, "x": 1}],
     ("a lists {'y': 2, 'x': 1} more than once", "remove the repeated entry")),  # the repeat, as written
    ({"uniqueItems": True}, ["p", "q", "q", "r"], ("a lists q more than once", "remove the repeated entry")),
    ({"uniqueItems": True}, [1, 1.0], ("a lists an entry more than once", "remove the repeated entry")),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, [], ("a: a list is not valid", "see docs/format.md")),
    ({"oneOf": [{"type": "integer"}, {"type": "string"}], "x-hint": "a number or a word"}, {},
     ("a: a mapping is not valid", "a number or a word")),
    ({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x"}]}, "5",
     ("a: '5' is in quotes, so it is text, not a number", "remove the quotes: a: 5")),
    ({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x$"}], "x-hint": "x or a number"}, "y",
     ("a: 'y' is not in the expected form", "x or a number")),   # the branch of the right kind explains
    ({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^x$"}]}, "y",
     ("a: 'y' is not in the expected form", "it must match ^x$")),
    ({"anyOf": [{"const": "x"}, {"type": "object"}]}, 5, ("a: the number 5 is not valid", "see docs/format.md")),
    ({"anyOf": [{"const": "x"}, {"type": "object"}]}, "y", ("a must be 'x', found 'y'", "")),
    ({"anyOf": [{"enum": ["x"]}, {"type": "object"}]}, 5, ("a: the number 5 is not valid", "see docs/format.md")),
    ({"anyOf": [{"const": 1}, {"type": "object"}]}, "y", ("a: 'y' is not valid", "see docs/format.md")),
    # a quoted number is called so only where a branch wants a number
    ({"anyOf": [{"type": "object"}, {"type": "string", "pattern": "^x$"}]}, "5",
     ("a: '5' is not in the expected form", "it must match ^x$")),
    ({"required": ["b"]}, {}, ("a is missing the required key 'b'", "add 'b:'")),
], ids=lambda v: "-".join(v) if isinstance(v, dict) else None)
def test_explain_words_every_keyword(sub_schema, value, expected):
    assert _explained_by(sub_schema, value) == [(("a",),) + expected]


@pytest.mark.parametrize("sub_schema,value,expected", [
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, {"B": 1},
     [(("a", "B"), "'B' is not a valid name in a", "check the spelling of the name")]),
    ({"required": ["b", "c"], "properties": {"b": {"description": "The b."}}}, {},
     [(("a",), "a is missing the required key 'b'", "add 'b:' (The b.)"),
      (("a",), "a is missing the required key 'c'", "add 'c:'")]),
    ({"additionalProperties": False}, {"zz": 1}, [(("a", "zz"), "unknown key 'zz' in a", "allowed keys: ")]),
    # a name refused inside a branch takes the hint of the whole (anyOf's x-hint) when it has none itself
    ({"anyOf": [{"type": "array"}, {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}],
      "x-hint": "names or a mapping"}, {"B": 1},
     [(("a", "B"), "'B' is not a valid name in a", "names or a mapping")]),
    # a boolean subschema (jsonschema reports it at the mapping): no x-hint to read from it
    # a branch that fails in turn (an anyOf in an anyOf) takes the outer hint when it has none
    ({"anyOf": [{"type": "integer"}, {"type": "object", "properties": {"x": {"anyOf": [{"type": "integer"},
                                                                                     {"type": "string"}]}}}],
      "x-hint": "outer"}, {"x": []}, [(("a", "x"), "a.x: a list is not valid", "outer")]),
    ({"properties": {"x": False}}, {"x": 1}, [(("a",), "a: False schema does not allow 1", "")]),
    ({"items": {"type": "integer"}}, ["5"],   # a list item: no key to repeat in the hint
     [(("a", 0), "a[0]: '5' is in quotes, so it is text, not a number", "remove the quotes: 5")]),
    ({"properties": {"colour": {}, "size": {}}, "additionalProperties": False}, {"color": 1, "weight": 2},
     [(("a", "color"), "unknown key 'color' in a", "did you mean 'colour'?"),
      (("a", "weight"), "unknown key 'weight' in a", "allowed keys: colour, size")]),
])
def test_explain_names_the_key(sub_schema, value, expected):
    assert _explained_by(sub_schema, value) == expected
