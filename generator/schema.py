"""The JSON Schema of topology.yaml and the check of a document against it.

The schema is package data (``generator/data/topology.schema.json``) so that an
installed topowire (pre-commit installs it as a package) has it; the copy in
``schema/`` at the repository root is what editors point at. A test proves the
two are byte-identical.

JSON Schema errors are rewritten into findings that name the offending key or
value, point at it, and carry the schema's ``x-hint`` as a fix.
"""

from __future__ import annotations

import difflib
import json
import sys
from functools import lru_cache
from importlib import resources

from . import lookalikes
from .diagnostics import ERROR, Finding

CODE = "TOP010"
NAME = "schema"


def schema_text() -> str:
    return resources.files("generator").joinpath("data/topology.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(schema_text())


@lru_cache(maxsize=64)
def _regex(pattern: str):
    import re2

    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


def _pattern(validator, pattern, instance, _schema):
    r"""``pattern`` as JSON Schema defines it (ECMA-262): '$' is the end of the text.

    Python's ``re`` also lets '$' match before a final newline, so ``"jobs\n"`` matched
    ``^[a-z][a-z0-9-]*$``: a name with a newline reached the plan and the docs, while
    check-jsonschema (an ECMA engine) and jsonschema-rs refused it. RE2 agrees with ECMA here
    (``\w`` and ``\d`` are ASCII, as ``_ascii_classes`` makes them for jsonschema-rs), and is
    linear-time.
    """
    if validator.is_type(instance, "string") and _regex(pattern).search(instance) is None:
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def _validator():
    # Our schema has no recursion, so its local $refs can be inlined: the same checks, the same
    # x-hints, without a reference lookup per node (a third of the time on large files).
    import jsonschema  # only when a document needs explaining: a valid file never imports it

    cls = jsonschema.validators.validator_for(schema())
    cls = jsonschema.validators.extend(cls, {"uniqueItems": _unique_items, "pattern": _pattern})
    return cls(_inline(schema(), schema()["$defs"]))


def _unique_items(validator, unique, instance, schema):
    """jsonschema's ``uniqueItems`` in linear time: its own compares every pair once items cannot be
    sorted (a list of 8,000 mappings took 50 s). Same equality: 1 equals 1.0, true does not equal 1."""
    if unique and validator.is_type(instance, "array") and len({_canonical(i) for i in instance}) != len(instance):
        from jsonschema.exceptions import ValidationError

        yield ValidationError(f"{instance!r} has non-unique elements")


def _canonical(value):
    """A hashable stand-in for a JSON value: equal stand-ins for values JSON Schema calls equal."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, (int, float)):
        return (float, value)
    if isinstance(value, list):
        return (list, tuple(_canonical(v) for v in value))
    if isinstance(value, dict):
        return (dict, frozenset((k, _canonical(v)) for k, v in value.items()))
    return (type(value), value)


@lru_cache(maxsize=1)
def _fast_validator():
    """The compiled validator (jsonschema-rs) that decides valid/invalid, or None when it is unavailable.

    It only ever answers "valid" for documents jsonschema also accepts: its regular expressions are
    at least as strict as Python's (``$`` matches only at the very end, unlike Python's ``$`` that
    also matches before a final newline; ``\\w`` is narrowed to ASCII here because Rust's Unicode
    ``\\w`` takes combining marks Python's does not), and values it cannot represent (infinities,
    NaN) fail every typed keyword. A document it rejects goes to jsonschema, which writes the
    messages, so they are exactly what they always were (tests/test_schema_fast.py holds this).
    """
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel: jsonschema alone decides
        return None
    return jsonschema_rs.validator_for(_strict_patterns(_inline(schema(), schema()["$defs"])),
                                       validate_formats=False)


def _strict_patterns(node):
    if isinstance(node, dict):
        return {k: _ascii_classes(v) if k == "pattern" and isinstance(v, str) else _strict_patterns(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_strict_patterns(v) for v in node]
    return node


_ASCII = {"w": "0-9A-Za-z_", "d": "0-9", "s": "\\t\\n\\x0b\\x0c\\r "}


def _ascii_classes(pattern: str) -> str:
    """``pattern`` with ``\\w``, ``\\d`` and ``\\s`` narrowed to ASCII (never wider than Python's)."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _ASCII:
                out.append(_ASCII[nxt] if in_class else f"[{_ASCII[nxt]}]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out[-1] != "[" and out[-2:] != ["[", "^"]:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _inline(node, defs):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = _inline(defs[ref[len("#/$defs/"):]], defs)
            rest = {k: _inline(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


# Below this many YAML nodes, when jsonschema is needed anyway (for the message schemas), jsonschema decides
# faster than importing and compiling jsonschema-rs (measured: 4.5 ms against 8 ms at 136 nodes, even at ~400,
# 14 ms against 8 at 1,200). Without message schemas, importing jsonschema (~20 ms) would cost more.
SMALL_DOCUMENT_NODES = 300


def _needs_jsonschema(data) -> bool:
    """Whether jsonschema is or will be imported anyway: already loaded, or a message names a schema."""
    if "jsonschema" in sys.modules:
        return True
    messages = data.get("messages") if isinstance(data, dict) else None
    return isinstance(messages, dict) and any(isinstance(m, dict) and "schema" in m for m in messages.values())


def check(data, nodes: int | None = None) -> list[Finding]:
    """All schema violations of ``data``, as findings sorted by path.

    ``nodes`` (the document's node count, when known): a small document whose message schemas need jsonschema
    anyway goes straight to it (the validator that writes every message); any other is decided by the compiled
    validator first.
    """
    if nodes is not None and nodes < SMALL_DOCUMENT_NODES and _needs_jsonschema(data):
        return _explained(data)
    fast = _fast_validator()
    if fast is not None:
        try:
            if fast.is_valid(data):
                return []
        except (ValueError, TypeError, OverflowError):  # a value it cannot convert: let jsonschema judge
            pass
    return _explained(data)


def _explained(data) -> list[Finding]:
    """All schema violations of ``data`` found by jsonschema, which also writes every message."""
    findings: list[Finding] = []
    for error in _validator().iter_errors(data):
        findings.extend(_explain(error))
    return sorted(set(findings), key=lambda f: (tuple(map(str, f.path)), f.message))


def where(path) -> str:
    """A reader's name for the node at ``path``: ``retention of queue 'jobs'``."""
    p = list(path)
    if not p:
        return "the top level"
    kinds = {"queues": "queue", "topics": "topic", "services": "service", "messages": "message"}
    if p[0] in kinds and len(p) >= 2:
        base = f"{kinds[p[0]]} '{p[1]}'"
        rest = p[2:]
        if p[0] == "services" and len(p) >= 4 and p[2] == "consumes" and isinstance(p[3], str):
            base = f"consumer '{p[3]}' of service '{p[1]}'"
            rest = p[4:]
        return f"{_dotted(rest)} of {base}" if rest else base
    return _dotted(p)


def _dotted(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"  # the only kind of JSON value left


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "empty"}


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", dict: "object", list: "array", type(None): "null"}.get(type(value), "")


def _hint(error, fallback: str) -> str:
    """The schema's hint for this error: ``x-hint-by-type`` for the kind of value found, else ``x-hint``."""
    s = error.schema if isinstance(error.schema, dict) else {}
    by_type = s.get("x-hint-by-type")
    if by_type and _json_type(error.instance) in by_type:
        return by_type[_json_type(error.instance)]
    return s.get("x-hint", "") or fallback


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _quoted_number(value) -> bool:
    """'30', "5": a number in quotes, which YAML reads as text."""
    return isinstance(value, str) and value.strip().isdigit()


def _quoted(path, inst) -> Finding:
    key = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""  # a list item has no key to repeat
    return Finding(CODE, ERROR, f"{where(path)}: '{inst}' is in quotes, so it is text, not a number", path,
                   f"remove the quotes: {key}{inst.strip()}")


# Keys people write under a queue or topic to say who uses it; topowire declares that on the service.
_ROLE_WORDS = {w: "consumes" for w in ("subscribers", "subscriber", "subscriptions", "subscription", "consumers",
                                       "consumer", "consumes", "consumed_by", "receivers")}
_ROLE_WORDS.update({w: "publishes" for w in ("publishers", "publisher", "publishes", "producers", "producer",
                                             "published_by", "senders")})


def _role_hint(role: str, channel: str, value) -> str:
    who = "consumers" if role == "consumes" else "publishers"
    names = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    example = f"services: {{{names[0] if names else '<service>'}: {{{role}: [{channel}]}}}}"
    return f"{who} are declared under the service's '{role}', not under the channel: {example}"


def _odd(value) -> str:
    """': it contains U+2013 EN DASH ...' for a value with characters that are not printable ASCII."""
    text = lookalikes.explain(value)
    return f": {text}" if text else ""


def _lookalike_hint(value) -> str:
    fixed = lookalikes.suggestion(value)
    return f"write '{fixed}'" if fixed else ""


def _type_mismatch(error) -> bool:
    """Whether ``error`` says the value is of another kind than its branch wants."""
    if error.validator == "type":
        return True
    if error.validator in ("enum", "const"):
        wanted = error.validator_value if error.validator == "enum" else [error.validator_value]
        return not any(type(w) is type(error.instance) for w in wanted)
    return False


def _explain(error, fallback: str = "") -> list[Finding]:
    path = tuple(error.absolute_path)
    v = error.validator
    inst = error.instance
    if "propertyNames" in error.absolute_schema_path:  # (the absolute path holds the relative one)
        return [Finding(CODE, ERROR, f"'{inst}' is not a valid name in {where(path)}{_odd(inst)}", path + (inst,),
                        _lookalike_hint(inst) or _hint(error, fallback) or "check the spelling of the name",
                        key=True)]
    if v == "additionalProperties":
        props = error.schema.get("properties", {})
        extra = sorted(k for k in inst if k not in props)
        out = []
        for k in extra:
            close = difflib.get_close_matches(k, list(props), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(sorted(props))}"
            if len(path) == 2 and path[0] in ("queues", "topics") and k in _ROLE_WORDS:
                hint = _role_hint(_ROLE_WORDS[k], path[1], inst[k])
            out.append(Finding(CODE, ERROR, f"unknown key '{k}' in {where(path)}", path + (k,), hint, key=True))
        return out
    if v == "required":
        missing = [k for k in error.validator_value if k not in inst]
        out = []
        for k in missing:
            desc = error.schema.get("properties", {}).get(k, {}).get("description", "")
            out.append(Finding(CODE, ERROR, f"{where(path)} is missing the required key '{k}'", path,
                               f"add '{k}:'" + (f" ({desc})" if desc else "")))
        return out
    if v in ("anyOf", "oneOf"):
        # Branches whose type did not match say nothing useful; the others
        # (e.g. a mapping with an unknown key, a string of the wrong form) do.
        if _quoted_number(inst) and any(e.validator == "type" and "integer" in _as_list(e.validator_value)
                                        for e in error.context or []):
            return [_quoted(path, inst)]
        mismatched = {e.relative_schema_path[0] for e in error.context or []
                      if len(e.absolute_path) == len(error.absolute_path) and _type_mismatch(e)}
        deeper = [e for e in error.context or [] if e.relative_schema_path[0] not in mismatched]
        if deeper:
            return [f for e in deeper for f in _explain(e, _hint(error, fallback))]
        return [Finding(CODE, ERROR, f"{where(path)}: {_describe(inst)} is not valid", path,
                        _hint(error, fallback) or "see docs/format.md")]
    if v == "type":
        want = _as_list(error.validator_value)
        if _quoted_number(inst) and ("integer" in want or "number" in want):
            return [_quoted(path, inst)]
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in want)
        hint = _hint(error, fallback)
        if isinstance(inst, bool) and "string" in want:
            hint = hint or "quote the value if you mean text"
        if isinstance(inst, str) and "boolean" in want:
            hint = hint or "write true or false, without quotes"
        if isinstance(inst, str) and "integer" in want:
            hint = hint or "write a whole number, without quotes"
        return [Finding(CODE, ERROR, f"{where(path)} must be {expected}, found {_describe(inst)}", path, hint)]
    if v == "const":
        return [Finding(CODE, ERROR, f"{where(path)} must be {error.validator_value!r}, found {_describe(inst)}",
                        path, _hint(error, fallback))]
    if v == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        close = difflib.get_close_matches(str(inst), [str(o) for o in error.validator_value], n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else f"use one of: {options}"
        return [Finding(CODE, ERROR, f"{where(path)} must be one of {options}; found {_describe(inst)}", path, hint)]
    if v == "pattern":
        return [Finding(CODE, ERROR, f"{where(path)}: {_describe(inst)} is not in the expected form{_odd(inst)}", path,
                        _lookalike_hint(inst) or _hint(error, fallback) or f"it must match {error.validator_value}")]
    if v == "not" and isinstance(error.validator_value, dict) and "pattern" in error.validator_value:
        # a form that must not match (a reserved ending): the same words as a pattern, the field's own hint
        return [Finding(CODE, ERROR, f"{where(path)}: {_describe(inst)} is not in the expected form{_odd(inst)}", path,
                        _hint(error, fallback) or f"it must not match {error.validator_value['pattern']}")]
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                "exclusiveMaximum": "less than"}[v]
        return [Finding(CODE, ERROR, f"{where(path)} must be {word} {error.validator_value}, found {inst}", path,
                        _hint(error, fallback))]
    if v == "uniqueItems":
        seen, dups = set(), []
        for item in inst:
            key = json.dumps(item, sort_keys=True)
            if key in seen:
                dups.append(item)
            seen.add(key)
        return [Finding(CODE, ERROR, f"{where(path)} lists {', '.join(map(str, dups)) or 'an entry'} more than once",
                        path, "remove the repeated entry")]
    if v in ("minLength", "minItems") and error.validator_value == 1:
        return [Finding(CODE, ERROR, f"{where(path)} must not be empty", path, _hint(error, fallback))]
    if v in ("minProperties", "maxProperties"):
        word = "at least" if v.startswith("min") else "at most"
        return [Finding(CODE, ERROR, f"{where(path)} has {len(inst)} entries; it may have {word} "
                        f"{error.validator_value}", path, _hint(error, fallback))]
    if v in ("minItems", "maxItems", "minLength", "maxLength"):
        what = "items" if "Items" in v else "characters"
        word = "at least" if v.startswith("min") else "at most"
        return [Finding(CODE, ERROR, f"{where(path)} must have {word} {error.validator_value} {what}", path,
                        _hint(error, fallback))]
    return [Finding(CODE, ERROR, f"{where(path)}: {error.message}", path, _hint(error, fallback))]
