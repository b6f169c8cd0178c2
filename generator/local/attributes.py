"""Message attributes as real publishers type them, and SNS's type rule for topowire's filters.

A topowire filter lists strings (docs/format.md), so its SNS filter policy holds quoted strings, and SNS
matches a quoted string only against a ``String`` or ``String.Array`` attribute: a ``Number`` attribute
``1`` never matches ``["1"]``; numeric matching (``{"numeric": ["=", 1]}``) is for ``Number`` attributes
(docs/aws.md, "The type rule of filters"). moto matches the string against any attribute's value, whatever
its type; the embedded emulator is corrected for it (``local/fidelity.py``).

A publisher types an attribute after the field of the message it copies: a number in the message's schema
(``type: integer`` / ``number``) or example is sent as ``Number``, an array as ``String.Array``, anything
else as ``String``.
"""

from __future__ import annotations

import json
import re

STRING, NUMBER, ARRAY = "String", "Number", "String.Array"
MATCHED_BY_STRINGS = (STRING, ARRAY)
# What SNS accepts as the value of a Number attribute (an integer, a decimal, an exponent), and what the smoke
# can send typed Number: a filter value like "1" or "2.5"; "high" cannot be a Number.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,5})?")


def is_number(value: str) -> bool:
    return bool(_NUMBER.fullmatch(value))


def publisher_type(message, attr: str) -> str:
    """How a publisher would type attribute ``attr`` of ``message`` (a model Message, or None)."""
    if message is None:
        return STRING
    schema = message.schema if isinstance(message.schema, dict) else {}
    props = schema.get("properties")
    declared = props.get(attr, {}) if isinstance(props, dict) else {}
    kind = declared.get("type") if isinstance(declared, dict) else None
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if kinds & {"integer", "number"} and not kinds & {"string", "array"}:
        return NUMBER
    if "array" in kinds:
        return ARRAY
    if kinds & {"string", "boolean", "object", "null"}:
        return STRING
    example = message.example if message.has_example and isinstance(message.example, dict) else {}
    value = example.get(attr)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return NUMBER
    if isinstance(value, list):
        return ARRAY
    return STRING


def typed(data_type: str, value: str) -> tuple:
    """One attribute (data type, SNS string value) carrying ``value``."""
    return (data_type, json.dumps([value]) if data_type == ARRAY else value)


def wire(attrs: dict) -> dict:
    """Typed attributes as boto3's MessageAttributes."""
    return {k: {"DataType": t, "StringValue": v} for k, (t, v) in attrs.items()}


def values(attr) -> list:
    """The strings an attribute (a (data type, value) pair; a plain string is a String) offers a string
    filter: none for a Number (SNS's type rule)."""
    data_type, value = (STRING, attr) if isinstance(attr, str) else attr
    if data_type == STRING:
        return [value]
    if data_type == ARRAY:
        try:
            items = json.loads(value)
        except ValueError:
            return []
        return [v for v in items if isinstance(v, str)] if isinstance(items, list) else []
    return []


def accepts(flt, attrs: dict) -> bool:
    """Whether SNS delivers a message with these typed attributes to a subscription with topowire filter
    ``flt``: every attribute of the filter present, typed String or String.Array, with one of its values."""
    if not flt:
        return True
    return all(attr in attrs and any(v in accepted for v in values(attrs[attr])) for attr, accepted in flt)
