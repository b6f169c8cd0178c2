"""Where moto differs from AWS in what a topology relies on, corrected while the embedded emulator runs.

One correction, made only in this process and only while ``emulator.embedded()`` runs (an ``--endpoint``
emulator is never touched):

- SNS's type rule of filters. A quoted string in a filter policy matches only a ``String`` or
  ``String.Array`` attribute (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html; numbers
  are matched by ``numeric`` conditions against ``Number`` attributes,
  https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html). moto's
  ``FilterPolicyMatcher._field_match`` (moto/sns/utils.py) compares a string rule with the attribute's value
  whatever its ``Type``, so a ``Number`` attribute ``1`` passes ``["1"]`` there and is dropped by AWS.

``apply()`` says whether the correction is in place: when moto's matcher is not the one this was written for,
nothing is changed and the smoke lists the rule as not checked by the emulator.
"""

from __future__ import annotations

import contextlib

STRING_TYPES = ("String", "String.Array")


def _typed(original):
    def match(message_attributes, source):
        for field, rules in source.items():
            if field.startswith("$") or not isinstance(rules, list) or not rules:
                continue
            if all(isinstance(rule, str) for rule in rules):  # exact string matching only
                attr = (message_attributes or {}).get(field)
                if isinstance(attr, dict) and attr.get("Type") not in STRING_TYPES:
                    return False
        return original(message_attributes, source)

    match.topowire_typed = True
    return staticmethod(match)


@contextlib.contextmanager
def apply():
    """Yields True while SNS's type rule is enforced by the in-process moto, False when it cannot be."""
    try:
        from moto.sns.utils import FilterPolicyMatcher
    except ImportError:
        yield False
        return
    original = FilterPolicyMatcher.__dict__.get("_attributes_based_match")
    if not isinstance(original, staticmethod) or enforced():
        yield enforced()
        return
    FilterPolicyMatcher._attributes_based_match = _typed(original.__func__)
    try:
        yield True
    finally:
        FilterPolicyMatcher._attributes_based_match = original


def enforced() -> bool:
    """Whether the in-process moto applies SNS's type rule now (inside ``apply()``)."""
    try:
        from moto.sns.utils import FilterPolicyMatcher
    except ImportError:
        return False
    current = FilterPolicyMatcher.__dict__.get("_attributes_based_match")
    return getattr(getattr(current, "__func__", None), "topowire_typed", False)
