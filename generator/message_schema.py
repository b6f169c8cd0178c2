"""Message schemas: loaded confined, references resolved offline, regexes run by RE2.

A message's ``schema`` is inline JSON Schema or a path to a JSON/YAML file.
Both are untrusted. This module is the only place that reads, checks or runs
them:

* files are read through ``confine.read`` (inside the topology's directory or
  ``--root``; never absolute, never out through ``..`` or a symlink, never a
  device, FIFO, directory or oversize file);
* every ``$ref`` (and ``$dynamicRef``/``$recursiveRef``) is resolved before
  anything runs: a reference inside the document, or a relative path to a
  confined file (loaded the same way, up to ``MAX_FILES`` files). Any other
  URI -- ``http:``, ``https:``, ``file:``, ``urn:``, an absolute path, or a
  relative one that an absolute ``$id`` turns into a URL -- is an error at
  the ``$ref``'s ``file:line:col``. The validator's ``referencing.Registry``
  holds exactly the resources loaded here, and its ``retrieve`` function
  refuses everything else, so nothing is ever fetched and no socket opened;
* every regex (``pattern``, ``patternProperties`` keys, ``format: regex``)
  runs on RE2 (``safe_regex``); a pattern RE2 cannot run is an error at its
  line;
* no message about a schema *file* quotes what the file holds: only the
  name the topology wrote, positions, JSON pointers and keyword names.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Optional
from urllib.parse import urldefrag, urljoin, urlsplit

import jsonschema
from jsonschema import FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012, specification_with

from . import confine, safe_regex
from .errors import InputError
from .loader import LOAD_CODES, load_bytes

MAX_FILES = 64
MAX_SCHEMA_NODES = 5000  # mappings in one message's schema documents: checking them costs ~1 ms each
MAX_TOTAL_SCHEMA_NODES = 10_000  # mappings in all the distinct message schemas of one topology
MAX_TOTAL_SCHEMA_BYTES = 16 * 1024 * 1024  # bytes read from schema files for one topology, all files together
REF_KEYWORDS = ("$ref", "$dynamicRef", "$recursiveRef")
# Values that are data, not schemas: never scanned for keywords.
_DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default", "example"})
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a message schema, and where: ``at`` is (file, line, col) or None for the topology."""

    message: str
    hint: str
    at: Optional[tuple] = None  # (file, line, col) inside a schema file
    pointer: tuple = ()  # inside an inline schema: the path below ``messages.<name>.schema``
    key: bool = False  # the pointer names a mapping key (a patternProperties regex), not a value


@dataclass(frozen=True)
class Loaded:
    schema: object  # the root schema (dict | bool) or None when it could not be loaded
    file: Optional[str]  # the name the topology wrote, for a schema file
    uri: str  # the root's URI in the registry: its path relative to the topology's directory, or ""
    resources: tuple  # ((uri, contents), ...) of every schema file, the root's included
    problem: Optional[Problem]


class _Stop(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Source:
    """One schema document and how to point into it."""

    def __init__(self, uri: str, contents, display: Optional[str], locator):
        self.uri, self.contents, self.display, self.locator = uri, contents, display, locator

    def problem(self, message: str, hint: str, pointer: tuple, key: bool = False) -> Problem:
        if self.locator is None:
            return Problem(message, hint, None, pointer, key)
        mark = self.locator.mark(pointer, key)
        return Problem(message, hint, (self.display, mark.line, mark.col), pointer, key)

    @property
    def is_file(self) -> bool:
        return self.locator is not None


def load(raw, base: Path, root: Path, topology_file: str, cache: dict | None = None, files=None) -> Loaded:
    """Load, resolve and check the ``schema`` of one message; problems are returned, not raised.

    ``cache`` (one per topology) makes a schema written once and used by many messages -- an alias, or the
    same file -- cost once: checking a schema against its metaschema is the expensive part. ``files`` reads the
    files (``confine.read``'s signature): None is the working tree, a ``diff.gittree.GitTree`` a commit's files.
    """
    if raw is None:
        return Loaded(None, None, "", (), None)
    if cache is None:
        return _load(raw, base, root, topology_file, [0, 0], files)
    if isinstance(raw, str):
        # Keyed by the real path, not the name as written: 'xK/../big.json' for K = 1..2000 is one file, read once.
        try:
            if files is None:
                key = ("file", str(confine.resolve(raw, base, root)))
            else:  # a commit's tree (diff --base): no links to follow there, the normalised path is the file
                key = ("file", os.path.normpath(os.path.join(str(base), raw)))
        except confine.PathRefused:
            key = ("refused", raw)
    else:
        key = ("inline", json.dumps(raw, sort_keys=True, default=str))
    if key not in cache:
        cache[key] = _load(raw, base, root, topology_file, cache.setdefault("nodes", [0, 0]), files)
    return cache[key]


def _load(raw, base: Path, root: Path, topology_file: str, total: list, files=None) -> Loaded:
    sources: dict[str, _Source] = {}
    name = raw if isinstance(raw, str) else None
    try:
        if name is not None:
            uri = _uri_of(name)
            first = _read(name, uri, base, root, topology_file, None, (), total, files)
        else:
            uri = ""
            first = _Source("", raw, None, None)
        sources[first.uri] = first
        pending = [first]
        nodes = 0
        while pending:
            src = pending.pop()
            size = sum(1 for _ in islice(_walk(src.contents), MAX_SCHEMA_NODES + 1))  # stops at the cap
            nodes += size
            total[0] += size
            if total[0] > MAX_TOTAL_SCHEMA_NODES:
                raise _Stop(src.problem(f"the message schemas of this file have more than {MAX_TOTAL_SCHEMA_NODES:,} "
                                        "mappings in all; topowire checks schemas of a reasonable size",
                                        "share schemas between messages (a file, or a YAML alias), or simplify them",
                                        ()))
            if nodes > MAX_SCHEMA_NODES:
                raise _Stop(src.problem(f"the schema has more than {MAX_SCHEMA_NODES:,} mappings (with the files it "
                                        "references); topowire checks message schemas of a reasonable size",
                                        "split the schema, or keep the contract simpler", ()))
            for target, where in _scan(src):
                if target in sources:
                    continue
                if len(sources) >= MAX_FILES:
                    raise _Stop(src.problem(f"the schema references more than {MAX_FILES} files", "merge the files",
                                            where))
                sources[target] = _read(target, target, base, root, topology_file, src, where, total, files)
                pending.append(sources[target])
        for src in sources.values():
            _check_dialect(src)
    except _Stop as stop:
        return Loaded(None, name, "", (), stop.problem)
    files = tuple(sorted((u, s.contents) for u, s in sources.items() if s.is_file))
    return Loaded(first.contents, name, uri, files, None)


def _uri_of(name: str) -> str:
    try:
        return confine.check_name(name).as_posix()
    except confine.PathRefused as exc:
        raise _Stop(Problem(f"schema file {exc}", exc.hint)) from None


def _read(name: str, uri: str, base: Path, root: Path, topology_file: str, referrer: Optional[_Source],
          where: tuple, total: list, files=None) -> _Source:
    """One schema file, read confined (from ``files``, a commit's tree, when given); ``total[1]`` counts the bytes
    read for the whole topology (one budget)."""
    display = os.path.join(os.path.dirname(topology_file), uri)
    left = MAX_TOTAL_SCHEMA_BYTES - total[1]
    try:
        data = (files or confine).read(name, base, root, max_bytes=min(confine.MAX_REFERENCED_BYTES, max(left, 0)))
    except confine.PathRefused as exc:
        if left < confine.MAX_REFERENCED_BYTES and "larger than" in exc.reason:
            exc = confine.PathRefused(name, f"would make the schema files of this topology more than "
                                            f"{MAX_TOTAL_SCHEMA_BYTES // 1048576} MiB in all",
                                      "share schema files between messages, or make them smaller")
        if referrer is None:
            raise _Stop(Problem(f"schema file {exc}", exc.hint)) from None
        raise _Stop(referrer.problem(f"$ref to schema file {exc}", exc.hint, where)) from None
    total[1] += len(data)
    try:
        doc = load_bytes(data, display)
    except InputError as exc:
        # Never repeat the loader's message: it may quote the file (a YAML scalar, a duplicate key).
        d = exc.diagnostics[0] if exc.diagnostics else None
        what = LOAD_CODES.get(d.code, ("", "the file cannot be read"))[1].rstrip(".") if d else "cannot be read"
        at = (display, d.line, d.col) if d else None
        raise _Stop(Problem(f"schema file '{name}' is not valid JSON or YAML ({d.code if d else 'TOP001'}: "
                            f"{what[0].lower() + what[1:]})", "fix the schema file at this position", at)) from None
    if not isinstance(doc.data, (dict, bool)):
        raise _Stop(Problem(f"schema file '{name}' does not hold a JSON Schema (a mapping or true/false)",
                            "a schema file holds one JSON Schema object", (display, 1, 1)))
    return _Source(uri, doc.data, display, doc.locator())


def _walk(node, pointer=()):
    """Every mapping of a schema document that is a schema position, with its pointer (data values skipped)."""
    stack = [(node, pointer)]
    while stack:
        current, ptr = stack.pop()
        if isinstance(current, dict):
            yield current, ptr
            for k, v in current.items():
                if k not in _DATA_KEYWORDS:
                    stack.append((v, ptr + (k,)))
        elif isinstance(current, list):
            stack.extend((v, ptr + (i,)) for i, v in enumerate(current))


def _scan(src: _Source) -> list:
    """Check ``src``'s references and regexes; return the schema files it references."""
    targets: list = []
    ids = _ids(src)
    any_pattern_properties = None
    any_unevaluated = None
    for node, ptr in _walk(src.contents):
        base = _base_at(src.uri, ptr, ids)
        for kw in REF_KEYWORDS:
            if kw not in node:
                continue
            ref = node[kw]
            where = ptr + (kw,)
            if not isinstance(ref, str):
                raise _Stop(src.problem(f"{kw} must be a string", "write a JSON pointer ('#/$defs/x') or a relative "
                                        "path", where))
            target = _target(ref, base, src, where, ids)
            if target is not None and target not in {t for t, _ in targets}:
                targets.append((target, where))
        pats = node.get("pattern")
        if isinstance(pats, str):
            _regex(src, pats, ptr + ("pattern",), False)
        props = node.get("patternProperties")
        if isinstance(props, dict):
            any_pattern_properties = any_pattern_properties or ptr + ("patternProperties",)
            for p in props:
                _regex(src, p, ptr + ("patternProperties", p), True)
        if "unevaluatedProperties" in node:
            any_unevaluated = any_unevaluated or ptr + ("unevaluatedProperties",)
    if any_pattern_properties and any_unevaluated:
        raise _Stop(src.problem("unevaluatedProperties cannot be combined with patternProperties in a message schema "
                                "(its implementation would run the patterns with a backtracking regex engine)",
                                "list the properties, or use additionalProperties", any_unevaluated, True))
    return targets


def _regex(src: _Source, pattern: str, where: tuple, key: bool) -> None:
    try:
        safe_regex.compile(pattern)
    except safe_regex.RegexRefused as exc:
        raise _Stop(src.problem(f"a regex of the message schema cannot be used: {exc}",
                                "rewrite it without backreferences or lookaround (RE2 syntax, see docs/format.md)",
                                where, key)) from None


def _ids(src: _Source) -> dict:
    """Pointer -> the ``$id`` written there (strings only)."""
    return {ptr: node["$id"] for node, ptr in _walk(src.contents) if isinstance(node.get("$id"), str)}


def _base_at(uri: str, ptr: tuple, ids: dict) -> str:
    base = uri
    for i in range(len(ptr) + 1):
        if ptr[:i] in ids:
            base = urljoin(base, ids[ptr[:i]])
    return base


def _target(ref: str, base: str, src: _Source, where: tuple, ids: dict) -> Optional[str]:
    """The schema file ``ref`` needs, None for one inside a known document; _Stop for anything else."""
    if ref.startswith("#"):
        return None
    if _SCHEME.match(ref) or ref.startswith(("//", "/", "\\")):
        raise _Stop(src.problem(f"$ref '{ref}' is not a reference topowire resolves: only '#...' inside the "
                                "document, or a relative path to a schema file in the repository (nothing is fetched)",
                                "copy the referenced schema into the repository and refer to it by relative path",
                                where))
    resolved = urldefrag(urljoin(base, ref))[0]
    known = {urldefrag(urljoin(src.uri, i))[0] for i in ids.values()} | {src.uri}
    if resolved in known:
        return None
    parts = urlsplit(resolved)
    if parts.scheme or parts.netloc or resolved.startswith("/"):
        raise _Stop(src.problem(f"$ref '{ref}' resolves (against $id) to '{resolved}', which topowire does not fetch",
                                "remove the absolute $id, or refer to the schema file by a path relative to this one",
                                where))
    try:
        confine.check_name(resolved)
    except confine.PathRefused as exc:
        raise _Stop(src.problem(f"$ref '{ref}': {exc.reason}", exc.hint, where)) from None
    return resolved


def _check_dialect(src: _Source) -> None:
    contents = src.contents
    if isinstance(contents, dict) and "$schema" in contents:
        dialect = contents["$schema"]
        try:
            specification_with(str(dialect))
        except Exception:
            raise _Stop(src.problem("$schema names a JSON Schema dialect topowire does not know",
                                    "use https://json-schema.org/draft/2020-12/schema (or draft-07, -06, -04, "
                                    "2019-09), or remove $schema", ("$schema",))) from None
    cls = jsonschema.validators.validator_for(contents if isinstance(contents, dict) else {}, default=_DEFAULT)
    try:
        cls.check_schema(contents, format_checker=safe_regex.format_checker())
    except jsonschema.SchemaError as exc:
        ptr = tuple(exc.absolute_path)
        at = "/".join(str(p) for p in ptr)
        if src.is_file:  # content-free: the keyword and the position only
            message = f"is not a valid JSON Schema (keyword '{exc.validator}' fails" + (f" at /{at}" if at else "") + ")"
            raise _Stop(src.problem(f"schema file '{src.uri}' {message}", _HINT, ptr)) from None
        raise _Stop(src.problem(f"schema is not a valid JSON Schema: {exc.message}" + (f" (at {at})" if at else ""),
                                _HINT, ptr)) from None


_DEFAULT = jsonschema.Draft202012Validator
_HINT = "see https://json-schema.org/understanding-json-schema/"


def _refuse(uri: str):
    raise NoSuchResource(ref=uri)


class BudgetExceeded(Exception):
    """Checking one instance took more than ``MAX_STEPS`` keyword evaluations (a schema built to explode)."""


MAX_STEPS = 10_000  # per instance checked (a $ref step costs up to ~0.1 ms)
MAX_TOTAL_STEPS = 100_000  # per topology (``total``: a counter shared by every check of one file)


def validator(loaded_schema, loaded_uri: str, resources: tuple, total: list | None = None):
    """A validator of instances against a message schema: offline registry, RE2 for every regex, bounded work.

    Every keyword evaluation is counted: ``$ref``s can make a small schema evaluate exponentially many
    branches (``anyOf`` of two refs to the next level, 40 levels deep), and a ``$ref`` cycle recurses without
    end; past ``MAX_STEPS`` evaluations the check stops with BudgetExceeded (RecursionError for the cycle).
    """
    contents = loaded_schema
    cls = jsonschema.validators.validator_for(contents if isinstance(contents, dict) else {}, default=_DEFAULT)
    registry = Registry(retrieve=_refuse).with_resources(
        (uri, Resource.from_contents(c, default_specification=_spec(cls))) for uri, c in resources)
    root = {"$ref": loaded_uri} if loaded_uri else contents
    budget = _Budget([0] if total is None else total)
    return _counting(cls)(root, registry=registry, format_checker=budget)


class _Budget(FormatChecker):
    """``safe_regex.format_checker()`` (``format: regex`` with RE2) that also carries the counts of one validator:
    its own steps and the file's ``total``. A validator passes its format checker to every validator it makes
    for a subschema or a ``$ref``, so the counting keywords find the counts there."""

    def __init__(self, total: list):
        super().__init__(formats=())
        self.checkers = dict(safe_regex.format_checker().checkers)
        self.steps = 0
        self.total = total


@lru_cache(maxsize=None)
def _counting(cls):
    """``cls`` with every keyword counted against the budget its format checker carries (one class per draft:
    making a validator class costs a millisecond, and every message's example is checked in each environment)."""

    def counted(fn):
        def keyword(validator, value, instance, schema):
            budget = validator.format_checker
            budget.steps += 1
            budget.total[0] += 1
            if budget.steps > MAX_STEPS or budget.total[0] > MAX_TOTAL_STEPS:
                raise BudgetExceeded(f"more than {MAX_STEPS:,} steps")
            return fn(validator, value, instance, schema)
        return keyword

    keywords = {**cls.VALIDATORS, **safe_regex.KEYWORDS}
    return jsonschema.validators.extend(cls, {k: counted(f) for k, f in keywords.items()})


def _spec(cls):
    try:
        return specification_with(cls.META_SCHEMA["$schema"])
    except Exception:  # pragma: no cover - every shipped draft has a known $schema
        return DRAFT202012
