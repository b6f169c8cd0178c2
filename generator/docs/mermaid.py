"""Mermaid's limits and the helpers every diagram shares: node ids, labels, filter texts.

The diagrams themselves are made by ``views`` (the docs: at most 60 boxes, about 2,000 px wide) and
``diff.diagram`` (the pull-request comment); they stay far below Mermaid's own limits, which the tests pin to the
installed renderer: a diagram longer than 50,000 characters or with more than 500 edges is an error box.
Node ids are derived from names, so the same topology always gives the same text.
"""

from __future__ import annotations

# Mermaid 11's defaults (node_modules/mermaid, the renderer the tests run): `MAX_TEXTLENGTH = 5e4` in
# dist/mermaid.core.mjs (a longer diagram is replaced by "Maximum text size in diagram exceeded", counted in
# JavaScript string length, UTF-16 code units) and `"maxEdges": 500` in its default config (a flowchart with more
# edges throws "Edge limit exceeded").
MAX_TEXT = 50_000
MAX_EDGES = 500


def node_id(prefix: str, *names: str) -> str:
    if len(names) == 1:  # most ids: one name
        return prefix + "_" + names[0].replace("-", "_")
    return prefix + "_" + "__".join([n.replace("-", "_") for n in names])


def filter_text(flt) -> str:
    return "; ".join(f"{attr} = {' or '.join(values)}" for attr, values in flt)


def js_length(text: str) -> int:
    """The length Mermaid measures: JavaScript's, in UTF-16 code units (a character beyond U+FFFF counts 2)."""
    n = len(text)
    return n if text.isascii() else n + sum(ord(ch) > 0xFFFF for ch in text)


def fits(diagram: str, edges: int) -> bool:
    """Whether Mermaid (with its default limits) renders ``diagram`` of ``edges`` edges rather than an error."""
    return edges <= MAX_EDGES and js_length(diagram) <= MAX_TEXT
