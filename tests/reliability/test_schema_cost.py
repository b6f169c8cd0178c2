"""Message schemas cannot make `validate` run without end: $ref cycles, exponential anyOf, size, repetition."""

from __future__ import annotations

import json
import time

from conftest import HEADER, run_cli

from generator import message_schema


def diags(path):
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    return rc, [(d["code"], d["line"], d["col"], d["message"]) for d in json.loads(out)["files"][0]["diagnostics"]]


def exponential(levels=40) -> str:
    lines = ["  Job:\n    example: 1\n    schema: &s\n      $ref: '#/$defs/a0'\n      $defs:\n"]
    lines += [f"        a{i}: {{anyOf: [{{$ref: '#/$defs/a{i + 1}'}}, {{$ref: '#/$defs/a{i + 1}'}}]}}\n"
              for i in range(levels)]
    lines.append(f"        a{levels}: {{type: string}}\n")
    return "".join(lines)


def test_a_ref_cycle_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: {$ref: '#'}, example: 1}\n"
                    "  Two:\n    schema: {$defs: {a: {$ref: '#/$defs/b'}, b: {$ref: '#/$defs/a'}}, $ref: '#/$defs/a'}\n"
                    "    example: 1\n")
    rc, found = diags(path)
    assert rc == 1 and [(c, ln) for c, ln, _col, _m in found] == [("TOP113", 4), ("TOP113", 6)], found
    assert "$ref cycle" in found[0][3]


def test_an_exponential_schema_stops_at_the_step_budget(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n" + exponential())
    assert path.stat().st_size < 3000
    start = time.process_time()
    rc, found = diags(path)
    assert time.process_time() - start < 5
    assert rc == 1 and [c for c, *_ in found] == ["TOP113"] and "10,000 keyword evaluations" in found[0][3]


def test_many_messages_share_one_budget_and_one_schema_check(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n" + exponential() + "".join(
        f"  M{j}: {{example: 1, schema: *s}}\n" for j in range(300)))
    start = time.process_time()
    rc, found = diags(path)
    assert time.process_time() - start < 10
    assert rc == 1 and len(found) == 301 and {c for c, *_ in found} == {"TOP113"}


def test_a_schema_with_too_many_mappings_is_refused(tmp_path):
    props = {f"p{i}": {"type": "string"} for i in range(message_schema.MAX_SCHEMA_NODES + 1)}
    (tmp_path / "big.json").write_text(json.dumps({"type": "object", "properties": props}))
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: big.json}\n")
    rc, found = diags(path)
    assert rc == 1 and [c for c, *_ in found] == ["TOP107"] and "5,000 mappings" in found[0][3]


def test_all_distinct_schemas_of_a_file_are_bounded_together(tmp_path):
    per = message_schema.MAX_TOTAL_SCHEMA_NODES // 4 - 10  # each schema also has its root and properties
    lines = []
    for j in range(6):
        props = ", ".join(f"p{j}x{i}: {{type: string}}" for i in range(per))
        lines.append(f"  M{j}: {{schema: {{type: object, properties: {{{props}}}}}}}\n")
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n" + "".join(lines))
    rc, found = diags(path)
    assert rc == 1 and {c for c, *_ in found} == {"TOP107"} and "10,000" in found[0][3]
    assert len(found) == 2  # the first four fit; the fifth and sixth are refused


def test_a_pointer_to_nothing_is_an_error(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: {$ref: '#/definitions/nope'}, example: 1}\n")
    rc, found = diags(path)
    assert rc == 1 and [c for c, *_ in found] == ["TOP113"] and "points nowhere" in found[0][3]
