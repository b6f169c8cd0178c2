"""What each cloud accepts for the inputs the programs send, and a checker for a planned resource.

Each ``<cloud>_spec`` holds an ``ACCEPTS`` table: per resource type and input,
the documented range, format or choices, with the reference it comes from. The
validator's ranges and name patterns are built from the same numbers, so the
table is the one place a limit is written; the tests walk every input of every
planned resource and check it against the table (``problems``): a value the
validator lets through must be one the cloud accepts. Pure Python, no Pulumi.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Accepts:
    """What the cloud accepts for one input of one resource type.

    ``key`` is the input's path among the engine's inputs (camelCase): ``a.b``
    for a nested field, ``a[]`` for any element of a list, ``a.*`` for any
    value of a map, and ``doc#field`` for a field of the JSON document held in
    the string input ``doc``. ``unit`` says how a string carries a number:
    ``"seconds"`` (Google Duration, ``"600s"``) or ``"iso8601"`` (``"PT5M"``);
    ``"bytes"`` measures ``min_len``/``max_len`` in UTF-8 bytes. A numeric
    input with neither ``low`` nor ``high`` is documented as unbounded.
    """

    type: str
    key: str
    source: str
    low: Optional[float] = None
    high: Optional[float] = None
    pattern: Optional[str] = None  # the whole string must match
    min_len: Optional[int] = None
    max_len: Optional[int] = None
    choices: tuple = ()
    unit: str = ""
    multiple_of: Optional[int] = None  # a number must be one of ``choices`` or a multiple of this


_ISO = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
_GOOGLE = re.compile(r"^(\d+(?:\.\d+)?)s$")


def seconds(text: str, unit: str) -> Optional[float]:
    """The seconds a duration string stands for, or None when it is not one."""
    if unit == "seconds":
        m = _GOOGLE.match(text)
        return float(m.group(1)) if m else None
    m = _ISO.match(text)
    if not m or text in ("P", "PT"):
        return None
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    return d * 86400 + h * 3600 + mi * 60 + s


def leaves(value, prefix: str = ""):
    """(path, value) of every scalar in the inputs: ``a.b``, ``a[]``, map keys spelled out."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, prefix + "[]")
    else:
        yield prefix, value


def _matches(path: str, key: str) -> bool:
    """``key`` names ``path``: ``*`` stands for a map key (which may hold dots), ``[]`` is literal."""
    return re.fullmatch(re.escape(key).replace(r"\*", r"[^\[\]]+"), path) is not None


def _check(a: Accepts, value) -> Optional[str]:
    if isinstance(value, bool):
        return None if not a.choices or value in a.choices else f"{value!r} is not one of {list(a.choices)}"
    if a.multiple_of is not None:
        if value not in a.choices and (not isinstance(value, (int, float)) or value % a.multiple_of):
            return f"{value!r} is neither one of {list(a.choices)} nor a multiple of {a.multiple_of}"
    elif a.choices and value not in a.choices:
        return f"{value!r} is not one of {list(a.choices)}"
    number = value if isinstance(value, (int, float)) else None
    if isinstance(value, str):
        if a.unit in ("seconds", "iso8601"):
            number = seconds(value, a.unit)
            if number is None:
                return f"{value!r} is not a {'Google' if a.unit == 'seconds' else 'ISO 8601'} duration"
        size = len(value.encode("utf-8")) if a.unit == "bytes" else len(value)
        if a.min_len is not None and size < a.min_len:
            return f"{value!r} is shorter than {a.min_len}"
        if a.max_len is not None and size > a.max_len:
            return f"{value[:40]!r}… is {size} long, more than {a.max_len}"
        if a.pattern is not None and not re.fullmatch(a.pattern, value):
            return f"{value!r} does not match {a.pattern}"
    if number is not None:
        if a.low is not None and number < a.low:
            return f"{value!r} is below {a.low:g}"
        if a.high is not None and number > a.high:
            return f"{value!r} is above {a.high:g}"
    return None


def problems(typ: str, inputs: dict, table) -> list:
    """What the cloud would refuse among ``inputs`` of a ``typ`` resource, and numeric inputs the table misses."""
    entries = [a for a in table if a.type == typ]
    out = []
    covered = set()
    for a in entries:
        if "#" not in a.key:
            continue
        field, inner = a.key.split("#", 1)
        if not isinstance(inputs.get(field), str):
            continue
        covered.add(field)
        doc = json.loads(inputs[field])
        for path, value in leaves(doc):
            if _matches(path, inner):
                why = _check(a, value)
                if why:
                    out.append(f"{typ} {field}#{path}: {why} ({a.source})")
    for path, value in leaves(inputs):
        matching = [a for a in entries if "#" not in a.key and _matches(path, a.key)]
        for a in matching:
            why = _check(a, value)
            if why:
                out.append(f"{typ} {path}: {why} ({a.source})")
        if not matching and isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(f"{typ} {path}: numeric input {value!r} has no documented range in the table")
    return out
