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
