"""The compiled schema validator (jsonschema-rs) and jsonschema agree on every document we have.

`schema.check` asks jsonschema-rs first and returns at once when it says "valid"; otherwise jsonschema
finds and explains the errors, so every message is what it always was. That is sound only if the fast
validator never accepts what jsonschema rejects. These tests hold it over the whole corpus (tests/cases,
examples, the repository's topology.yaml, the benchmark's topologies), hypothesis-generated topologies and
random mutations of all of them, and the known places where the two regular-expression engines differ.
"""

from __future__ import annotations

import copy
import math
import random
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CASES, EXAMPLES, ROOT
from generator import schema
from generator.errors import InputError
from generator.loader import load_bytes, load_file

sys.path.insert(0, str(ROOT / "tests" / "reliability"))
from test_properties import topologies  # noqa: E402  (the property tests' generator of valid topologies)

FILES = sorted(CASES.rglob("*.yaml")) + EXAMPLES + [ROOT / "topology.yaml"]


def _corpus():
    docs = []
    for path in FILES:
        try:
            docs.append((str(path.relative_to(ROOT)), load_file(path).data))
        except InputError:  # a loader case (bad YAML): nothing for the schema to see
            continue
    sys.path.insert(0, str(ROOT))
    from bench.generate import topology

    for n in (10, 100):
        docs.append((f"bench-{n}", load_bytes(topology(n)).data))
    return docs


CORPUS = _corpus()


def fast_valid(data) -> bool:
    try:
        return schema._fast_validator().is_valid(data)
    except (ValueError, TypeError, OverflowError):
        return False


def slow_valid(data) -> bool:
    return not schema._explained(data)


def plain(data) -> bool:
    """Whether every string (key or value) is ASCII without a line break: where the two regex engines agree."""
    if isinstance(data, str):
        return data.isascii() and "\n" not in data and "\r" not in data
    if isinstance(data, dict):
        return all(plain(k) and plain(v) for k, v in data.items())
    if isinstance(data, list):
        return all(plain(v) for v in data)
    if isinstance(data, float):
        return math.isfinite(data)
    return True


def agree(data):
    fast, slow = fast_valid(data), slow_valid(data)
    assert not (fast and not slow), "jsonschema-rs accepted a document jsonschema rejects"
    if plain(data):
        assert fast == slow, f"jsonschema-rs rejected a document jsonschema accepts: {schema._explained(data)}"
    # and what check() returns is jsonschema's verdict and messages, whichever path ran
    assert schema.check(data) == schema._explained(data)


def test_the_fast_validator_is_there():
    # A core dependency; when it is missing, jsonschema alone decides (slower, same answers).
    assert schema._fast_validator() is not None


def test_the_corpus_has_valid_and_invalid_documents():
    verdicts = [slow_valid(d) for _, d in CORPUS]
    assert verdicts.count(True) >= 20 and verdicts.count(False) >= 20, verdicts


@pytest.mark.parametrize("name,data", CORPUS, ids=[n for n, _ in CORPUS])
def test_both_validators_agree_on_the_corpus(name, data):
    assert plain(data) or name.startswith("tests/cases"), name
    agree(data)


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "x", "jobs", "jobs\n", "a b", "10m", "14d", "4x", "arn:aws:kms:*:*:*", "256KiB", "ok\u0301",
                     "r\u00e9le", "application/json", "aws", "gcp", "azure", "Premium", "é", "\u0663", "\u00a0"]),
    st.text(max_size=8), st.lists(st.sampled_from(["aws", "jobs", 1, None]), max_size=3),
    st.dictionaries(st.sampled_from(["retention", "fifo", "x", "filter", "kms_key"]), st.sampled_from([1, "1d", True]),
                    max_size=2),
)
KEYS = st.sampled_from(["retention", "fifo", "description", "message", "visibility_timeout", "publishes", "consumes",
                        "filter", "dead_letter", "encryption", "kms_key", "identity", "aws_role", "targets", "tags",
                        "renamed_from", "processing_time", "max_receive_count", "schema", "example", "unknown",
                        "jobs\n", "Jobs", "j\u00f6bs", "1abc", ""])


def _nodes(data, path=()):
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _nodes(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _nodes(v, path + (i,))


def _at(data, path):
    for p in path:
        data = data[p]
    return data


@st.composite
def mutated(draw):
    _, base = draw(st.sampled_from(CORPUS))
    data = copy.deepcopy(base)
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    for _ in range(draw(st.integers(1, 4))):
        nodes = [p for p, v in _nodes(data) if isinstance(v, (dict, list)) and v]
        if not nodes:
            break
        parent = _at(data, rnd.choice(nodes))
        key = rnd.choice(list(parent)) if isinstance(parent, dict) else rnd.randrange(len(parent))
        op = draw(st.sampled_from(["replace", "delete", "add", "rename"]))
        if op == "replace":
            parent[key] = draw(VALUES)
        elif op == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            new = draw(KEYS)
            if op == "rename":
                parent[new] = parent.pop(key)
            else:
                parent[new] = draw(VALUES)
        else:
            parent.append(draw(VALUES))
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_both_validators_agree_on_mutated_documents(data):
    agree(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_both_validators_agree_on_generated_topologies(data):
    agree(data.draw(topologies()))


def _doc(**queue):
    return {"version": 1, "name": "demo", "queues": {"jobs": queue}, "services": {"api": {"publishes": ["jobs"]}}}


@pytest.mark.parametrize("data,python_says_valid", [
    # Python's `$` also matches before a final newline; Rust's and ECMA's only at the end. The explaining
    # validator runs the schema's patterns on RE2, which agrees with ECMA: both refuse.
    ({"version": 1, "name": "demo\n"}, False),
    ({**_doc(), "queues": {"jobs\n": {}}}, False),
    # Rust's Unicode \w takes combining marks: narrowed to ASCII for the fast path. ECMA's \w is ASCII,
    # and so is RE2's: a role name with a non-ASCII letter is refused by both (AWS role names are ASCII).
    ({**_doc(), "services": {"api": {"identity": {"aws_role": "ro\u0301le"}}}}, False),
    ({**_doc(), "services": {"api": {"identity": {"aws_role": "r\u00f4le"}}}}, False),
    ({**_doc(), "services": {"api": {"identity": {"aws_role": "role"}}}}, True),
    # values jsonschema-rs cannot represent: infinities and NaN
    (_doc(max_receive_count=math.inf), False),
    (_doc(max_receive_count=math.nan), False),
    (_doc(max_receive_count=10**40), False),
    ({**_doc(), "tags": {"size": math.inf}}, None),
])
def test_where_the_engines_differ_jsonschema_decides(data, python_says_valid):
    slow = slow_valid(data)
    if python_says_valid is not None:
        assert slow is python_says_valid
    assert not (fast_valid(data) and not slow)
    assert schema.check(data) == schema._explained(data)


def test_the_fast_schema_narrows_character_classes_to_ascii():
    assert schema._ascii_classes(r"^[\w+=,.@-]{1,64}$") == "^[0-9A-Za-z_+=,.@-]{1,64}$"
    assert schema._ascii_classes(r"^\w+\d\s\.$") == r"^[0-9A-Za-z_]+[0-9][\t\n\x0b\x0c\r ]\.$"
    assert schema._ascii_classes(r"[]\w]\\w") == r"[]0-9A-Za-z_]\\w"
