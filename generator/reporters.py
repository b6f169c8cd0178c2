"""Reporters turn diagnostics into text for people, JSON for tools, or GitHub annotations."""

from __future__ import annotations

import json
import unicodedata
from typing import Callable

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(s: str, keep_newlines: bool = False) -> str:
    """Show control, format (bidi, zero-width) and line-separator characters as escapes.

    Messages quote names, keys and values from the topology; a raw newline in one would let a file forge a
    line of the report (in CI, a `::error::` or `::add-mask::` workflow command) and bidi controls would
    reorder what a reviewer reads. Every reporter writes what this returns.
    """
    if s.isprintable():
        return s
    out = []
    for ch in s:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        elif ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Zs",):
            out.append(" ")
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def text(results, summary: bool = True) -> str:
    lines = []
    errors = warnings = 0
    for r in results:
        for d in r.diagnostics:
            lines.append(f"{visible(d.file)}:{d.line}:{d.col}: {d.level} {d.code} {visible(d.message)}")
            if d.hint:
                lines.append(f"  hint: {visible(d.hint)}")
            errors += d.level == "error"
            warnings += d.level == "warning"
    if summary:
        files = len(results)
        ok = sum(1 for r in results if r.ok)
        lines.append(f"{files} file(s) checked, {ok} valid: {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines) + "\n"


def as_json(results, summary: bool = True) -> str:
    doc = {
        "files": [{"file": r.file, "valid": r.ok, "diagnostics": [d.as_dict() for d in r.diagnostics]}
                  for r in results],
    }
    doc["valid"] = all(f["valid"] for f in doc["files"])
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(results, summary: bool = True) -> str:
    """GitHub Actions workflow commands: ::error file=...,line=...,col=...,title=...::message."""
    lines = []
    for r in results:
        for d in r.diagnostics:
            kind = "error" if d.level == "error" else "warning"
            msg = visible(d.message + (f" (hint: {d.hint})" if d.hint else ""))
            lines.append(f"::{kind} file={_escape_prop(visible(d.file))},line={d.line},col={d.col},"
                         f"title={_escape_prop(d.code)}::{_escape_data(msg)}")
    if summary:
        lines.append(text(results).splitlines()[-1])
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable] = {"text": text, "json": as_json, "github": github}
