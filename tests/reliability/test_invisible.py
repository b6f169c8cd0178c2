"""Issue #30, "Unicode and labels": invisible and bidi characters are shown by name wherever a person reads them,
and escaped in AsyncAPI YAML (which the official @asyncapi/cli still validates).

A filter change ``order`` -> ``order<U+200B>`` must not read ``[order] -> [order]``.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest
import yaml

from conftest import run_cli

from generator import asyncapi, escape

HIDDEN = {
    "zero-width-space": "\u200b",
    "word-joiner": "\u2060",
    "bom": "\ufeff",
    "tag-a": "\U000e0061",
    "cancel-tag": "\U000e007f",
    "rlo": "\u202e",
    "isolate": "\u2066",
    "zwj": "\u200d",
    "soft-hyphen": "\u00ad",
    "mongolian-vs": "\u180e",
    "variation-selector": "\ufe0f",
    "hangul-filler": "\u3164",
    "invisible-times": "\u2062",
}


def test_every_format_character_is_hidden_by_the_pattern():
    missed = [f"U+{cp:04X}" for cp in range(sys.maxunicode + 1)
              if unicodedata.category(chr(cp)) == "Cf" and not escape.HIDDEN.match(chr(cp))]
    assert missed == []
    for ch in HIDDEN.values():
        assert escape.HIDDEN.match(ch)
    assert not escape.HIDDEN.search("café — ünïcödé ✓ 日本語 עברית")  # visible text is left alone


@pytest.mark.parametrize("variant", sorted(HIDDEN))
def test_every_place_a_person_reads_shows_the_character(variant):
    ch = HIDDEN[variant]
    value = f"order{ch}"
    for shown in (escape.md_text(value), escape.md_code(value), escape.md_cell_code(value), escape.md_fence(value),
                  escape.html(value), escape.html_comment(value), escape.mermaid_label(value), escape.url(value),
                  escape.terminal(value), escape.annotation_data(value), escape.annotation_property(value),
                  asyncapi.one_line(value)):
        assert ch not in shown and shown != "order", (variant, shown)
        assert f"{ord(ch):04x}" in shown.lower() or "%" in shown, shown


def _topology(tmp_path, value: str, name: str):
    path = tmp_path / name
    path.write_text(f"""version: 1
name: demo
messages:
  Order:
    description: "An order{value}"
    schema: {{type: object}}
    example: {{status: "new"}}
topics:
  orders: {{message: Order, description: "Every order{value}"}}
services:
  shop: {{publishes: [orders]}}
  billing:
    consumes:
      orders: {{filter: {{status: ["order{value}"]}}}}
""", encoding="utf-8")
    return path


@pytest.mark.parametrize("variant", ["zero-width-space", "word-joiner", "tag-a", "rlo", "bom"])
def test_a_filter_change_to_an_invisible_character_is_visible_in_the_diff(tmp_path, variant):
    ch = HIDDEN[variant]
    base, head = _topology(tmp_path, "", "base.yaml"), _topology(tmp_path, ch, "head.yaml")
    for fmt in ("text", "markdown"):
        rc, out, err = run_cli("diff", str(base), str(head), "--format", fmt)
        assert rc == 0, out + err
        assert ch not in out
        assert f"{ord(ch):04x}" in out.lower(), out


@pytest.mark.parametrize("variant", ["zero-width-space", "rlo", "tag-a"])
def test_docs_show_invisible_characters_by_name(tmp_path, variant):
    ch = HIDDEN[variant]
    rc, out, err = run_cli("docs", str(_topology(tmp_path, ch, "topology.yaml")), "-o", "-")
    assert rc == 0, out + err
    assert ch not in out and f"U+{ord(ch):04X}" in out


@pytest.mark.parametrize("variant", sorted(HIDDEN))
def test_asyncapi_yaml_escapes_hidden_characters_and_keeps_their_value(variant):
    ch = HIDDEN[variant]
    doc = {"info": {"description": f"An order{ch} café", "title": "x"}, f"key{ch}": ["a", f"b{ch}"]}
    text = asyncapi.dump(doc)
    assert not escape.HIDDEN.search(text), text
    assert yaml.safe_load(text) == doc
    assert "plain café" in asyncapi.dump({"d": "plain café"})  # other text stays readable


def test_the_official_cli_validates_documents_with_escaped_characters(tmp_path):
    from asyncapi.official_asyncapi import problems, validate

    path = _topology(tmp_path, "\u202e\u200b\U000e0061\ufeff", "topology.yaml")
    out = tmp_path / "asyncapi"
    rc, o, e = run_cli("asyncapi", str(path), "-o", str(out))
    assert rc == 0, o + e
    docs = sorted(out.glob("*.yaml"))
    for doc in docs:
        assert not escape.HIDDEN.search(doc.read_text("utf-8"))
    assert "\\u202E" in (out / "shop.yaml").read_text("utf-8")
    assert problems(validate(docs, tmp_path)) == []
