"""Regular expressions from message schemas, run in linear time with RE2.

A message schema is untrusted (it arrives in pull requests). Python's ``re``
backtracks: ``pattern: "^(a+)+$"`` against 30 characters takes minutes.
Every regex a message schema holds -- ``pattern``, the keys of
``patternProperties`` (also where ``additionalProperties`` consults them) and
the values checked by ``format: regex`` -- is compiled and run by RE2
(google-re2), whose matching time is linear in the input. Patterns RE2 cannot
run (backreferences ``\\1``, lookaround ``(?=``, ``(?<!``, possessive
quantifiers...) are refused with an error at their line.

Nothing here prints: RE2's own error log is switched off, so a refused
pattern is never echoed by the C library either.
"""

from __future__ import annotations

from functools import lru_cache

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError

MAX_PATTERN_CHARS = 4096
_MAX_MEM = 8 << 20  # RE2's default program budget, stated: a pattern needing more is refused


class RegexRefused(ValueError):
    """RE2 cannot run this pattern; the message says why in RE2's words (never echoing the input)."""


def _options(re2):
    opts = re2.Options()
    opts.log_errors = False
    opts.max_mem = _MAX_MEM
    return opts


@lru_cache(maxsize=1024)
def compile(pattern: str):
    """The RE2 program of ``pattern``, or RegexRefused."""
    if not isinstance(pattern, str):
        raise RegexRefused("a regular expression must be a string")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexRefused(f"the pattern is longer than {MAX_PATTERN_CHARS} characters")
    import re2  # here, not at the top: most topologies hold no message-schema regex (2 ms of every start)

    try:
        return re2.compile(pattern, _options(re2))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "cannot be compiled"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        reason = str(reason).split(":", 1)[0]  # RE2 appends the offending fragment; the kind is enough
        raise RegexRefused(f"RE2 cannot run it ({reason}); backreferences and lookaround are not supported") from None


def search(pattern: str, text: str) -> bool:
    return compile(pattern).search(text) is not None


# -- jsonschema keywords that match regexes, re-implemented on RE2 -----------------------------------

def pattern(validator, patrn, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    try:
        found = search(patrn, instance)
    except RegexRefused as exc:
        yield ValidationError(f"pattern cannot be used: {exc}")
        return
    if not found:
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def patternProperties(validator, pattern_properties, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for patrn, subschema in pattern_properties.items():
        try:
            program = compile(patrn)
        except RegexRefused as exc:
            yield ValidationError(f"patternProperties cannot be used: {exc}")
            continue
        for k, v in instance.items():
            if program.search(k) is not None:
                yield from validator.descend(v, subschema, path=k, schema_path=patrn)


def additionalProperties(validator, additional, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    programs = []
    for patrn in schema.get("patternProperties", {}):
        try:
            programs.append(compile(patrn))
        except RegexRefused:
            continue  # reported by patternProperties
    extras = [p for p in instance if p not in properties and not any(r.search(p) is not None for r in programs)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            yield ValidationError(f"{joined} {verb} not match any of the regexes of patternProperties")
        else:
            word = "was" if len(extras) == 1 else "were"
            yield ValidationError(f"Additional properties are not allowed "
                                  f"({', '.join(repr(e) for e in extras)} {word} unexpected)")


KEYWORDS = {"pattern": pattern, "patternProperties": patternProperties, "additionalProperties": additionalProperties}


def _is_regex(instance) -> bool:
    if not isinstance(instance, str):
        return True
    try:
        compile(instance)
    except RegexRefused:
        return False
    return True


def format_checker() -> FormatChecker:
    """A checker that asserts only ``format: regex``, with RE2 (other formats stay annotations)."""
    checker = FormatChecker(formats=())
    checker.checks("regex")(_is_regex)
    return checker
