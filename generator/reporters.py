"""Reporters turn diagnostics into text for people, JSON for tools, or GitHub annotations."""

from __future__ import annotations

import json
from typing import Callable

from .escape import annotation_data, annotation_property, terminal


def text(results, summary: bool = True, style=None) -> str:
    """``style`` (terminal_style.Style): colour and source excerpts for a person at a terminal; None: plain."""
    from .terminal_style import excerpt

    lines = []
    errors = warnings = infos = 0
    for r in results:
        for d in r.diagnostics:
            if style is None:
                lines.append(terminal(f"{d.file}:{d.line}:{d.col}: {d.level} {d.code} {d.message}"))
            else:
                lines.append(style.paint("where", terminal(f"{d.file}:{d.line}:{d.col}:")) + " " +
                             style.paint(d.level if d.level in ("error", "warning", "info") else "where",
                                         terminal(d.level)) + " " + terminal(f"{d.code} {d.message}"))
                if style.excerpts:
                    lines += excerpt(style, d.file, d.line, d.col)
            if d.hint:
                label = "  hint:" if style is None else "  " + style.paint("hint", "hint:")
                lines.append(f"{label} {terminal(d.hint)}")
            errors += d.level == "error"
            warnings += d.level == "warning"
            infos += d.level == "info"
        lines += [terminal(f"{r.file}: note: {n}") for n in getattr(r, "notes", ())]
    if summary:
        files = len(results)
        ok = sum(1 for r in results if r.ok)
        lines.append(f"{files} file(s) checked, {ok} valid: {errors} error(s), {warnings} warning(s)"
                     + (f", {infos} info" if infos else ""))
    return "\n".join(lines) + "\n"


def as_json(results, summary: bool = True) -> str:
    doc = {
        "files": [{"file": r.file, "valid": r.ok, "diagnostics": [d.as_dict() for d in r.diagnostics],
                   "notes": list(getattr(r, "notes", ()))} for r in results],
    }
    doc["valid"] = all(f["valid"] for f in doc["files"])
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def github(results, summary: bool = True) -> str:
    """GitHub Actions workflow commands: ::error file=...,line=...,col=...,title=...::message."""
    lines = []
    for r in results:
        for d in r.diagnostics:
            kind = {"error": "error", "info": "notice"}.get(d.level, "warning")
            msg = d.message + (f" (hint: {d.hint})" if d.hint else "")
            lines.append(f"::{kind} file={annotation_property(d.file)},line={d.line},col={d.col},"
                         f"title={annotation_property(d.code)}::{annotation_data(terminal(msg))}")
        lines += [f"::notice file={annotation_property(r.file)}::{annotation_data(terminal(n))}"
                  for n in getattr(r, "notes", ())]
    if summary:
        lines.append(text(results).splitlines()[-1])
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable] = {"text": text, "json": as_json, "github": github}
