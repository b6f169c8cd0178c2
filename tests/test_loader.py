"""The loader: marks, duplicate keys, aliases, YAML 1.1 surprises and hostile input."""

from __future__ import annotations

import math

import pytest
import yaml

from generator import loader
from generator.errors import InputError


def codes(text):
    with pytest.raises(InputError) as exc:
        loader.load_bytes(text)
    return [(d.code, d.line, d.col) for d in exc.value.diagnostics]


def test_every_value_and_key_keeps_its_line_and_column():
    doc = loader.load_bytes("version: 1\nname: x\nqueues:\n  jobs:\n    retention: 1d\n")
    assert doc.values[("queues", "jobs", "retention")] == loader.Mark(5, 16)
    assert doc.keys[("queues", "jobs")] == loader.Mark(4, 3)
    assert doc.locator().mark(("queues", "jobs", "delay")) == loader.Mark(5, 5)  # falls back to the parent
    assert doc.locator().mark(("queues", "jobs"), key=True) == loader.Mark(4, 3)


def test_uses_the_c_parser_when_libyaml_is_there():
    assert yaml.__with_libyaml__, "PyYAML here was built without libyaml"
    assert loader._EventLoader is yaml.CSafeLoader


def test_duplicate_keys_are_errors_each_with_the_first_position():
    with pytest.raises(InputError) as exc:
        loader.load_bytes("a: 1\nb: 2\na: 3\nb: 4\n")
    msgs = [d.message for d in exc.value.diagnostics]
    assert msgs == ["duplicate key 'a' (first at line 1, column 1)", "duplicate key 'b' (first at line 2, column 1)"]


def test_yaml_12_scalars():
    doc = loader.load_bytes("a: 0x1F\nb: 0o17\nc: 1.5\nd: ~\ne: True\nf: 2024-01-01\ng: '010'\nh: \"on\"\n")
    assert doc.data == {"a": 31, "b": 15, "c": 1.5, "d": None, "e": True, "f": "2024-01-01", "g": "010", "h": "on"}


@pytest.mark.parametrize("value", ["yes", "No", "ON", "off", "010", "0777", "1:30", "1_000"])
def test_yaml_11_surprises_must_be_quoted(value):
    assert codes(f"a: {value}\n") == [("TOP005", 1, 4)]


def test_anchors_aliases_and_merge_keys_work():
    doc = loader.load_bytes("d: &d {a: 1, b: 2}\ne:\n  <<: *d\n  b: 3\nf: *d\n")
    assert doc.data["e"] == {"a": 1, "b": 3}
    assert doc.data["f"] == {"a": 1, "b": 2}


def test_alias_bomb_stops_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    assert codes("\n".join(lines))[0][0] == "TOP003"


def test_recursive_and_undefined_aliases():
    assert codes("a: &a [1, *a]\n")[0][0] == "TOP003"
    assert codes("a: *nope\n")[0][0] == "TOP003"


def test_deep_nesting_is_an_error_not_a_crash():
    assert codes("a: " + "[" * 10_000 + "]" * 10_000)[0][:1] == ("TOP004",)
    block = "".join(" " * i + f"k{i}:\n" for i in range(500))
    assert codes(block)[0][0] == "TOP004"


@pytest.mark.parametrize("text,code", [
    ("", "TOP007"), ("# only a comment\n", "TOP007"), ("~\n", "TOP007"), ("- a\n", "TOP007"),
    ("a: 1\n---\nb: 2\n", "TOP007"), ("1: a\n", "TOP007"), ("? [a]\n: b\n", "TOP007"),
    ("a: [\n", "TOP001"), ("a:\n\tb: 1\n", "TOP001"), ("a: !!python/name:os.system x\n", "TOP001"),
])
def test_shapes_that_are_not_a_topology(text, code):
    assert codes(text)[0][0] == code


def test_non_utf8_and_binary_input(tmp_path):
    with pytest.raises(InputError) as exc:
        loader.load_bytes(b"a: 1\nb: caf\xe9\n")
    d = exc.value.diagnostics[0]
    assert (d.code, d.line, d.col) == ("TOP006", 2, 7)
    with pytest.raises(InputError) as exc:
        loader.load_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert exc.value.diagnostics[0].code == "TOP006"


def test_utf8_bom_and_utf16_are_read():
    assert loader.load_bytes(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}
    assert loader.load_bytes("a: 1\n".encode("utf-16")).data == {"a": 1}


def test_huge_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.write(b"a: 1\n")
        f.seek(50 * 1024 * 1024)
        f.write(b"\n")
    with pytest.raises(InputError) as exc:
        loader.load_file(big)
    assert exc.value.diagnostics[0].code == "TOP008"
    assert "50.0 MiB" in exc.value.diagnostics[0].message


def test_missing_directory_and_device_paths(tmp_path):
    for path in (tmp_path / "nope.yaml", tmp_path, "/dev/zero"):
        with pytest.raises(InputError) as exc:
            loader.load_file(path)
        assert exc.value.diagnostics[0].code == "TOP009"


# -- every message of the loader, whole ------------------------------------------------------------
# Each row: the input and the complete diagnostics a user reads (code, line, col, message, hint).
# The phrase-only checks above would let a wrong hint, a lost position or a garbled message pass.

ALIAS_KEY = ("TOP007", 2, 1, "an alias cannot be used as a mapping key", "write the key out")
TAB = "YAML indentation must use spaces, not tabs"
INDENT = "check the indentation: siblings must start in the same column"
TAG_HINT = "remove the tag: topology files use plain YAML"
BIG_INT = ("an integer of 101 characters; topowire reads integers of at most 100",
           "quote it if you mean text, or write a smaller number")
MERGE = ("a merge key '<<' needs a mapping or a list of mappings", "write '<<: *anchor' where the anchor names a mapping")
DEEP = ("nesting is deeper than 64 levels", "a topology is a few levels deep; check for runaway brackets or indentation")
NUL = ("binary data: the file contains NUL bytes", "topology files are UTF-8 text; check that this is the right file")
NOT_UTF8 = "save the file as UTF-8 (most editors: 'Save with encoding')"
CONTROL = ("unacceptable character in the file: control characters are not allowed",
           "topology files are printable UTF-8 text; remove control characters")
ROOT = "the top level must be a mapping of keys (version, name, queues...), found "

MESSAGES = [
    (b"a: 1\n---\nb: 2\n",
     [("TOP007", 2, 1, "the file holds more than one YAML document", "remove the '---' separator: one topology per file")]),
    (b"text\n---\nb: 1\n",
     [("TOP007", 2, 1, "the file holds more than one YAML document", "remove the '---' separator: one topology per file")]),
    (b"# only a comment\n", [("TOP007", 1, 1, "the file is empty", "start with 'version: 1' and 'name: <your-platform>'")]),
    (b"- a\n", [("TOP007", 1, 1, ROOT + "a list", "see docs/format.md for the shape of topology.yaml")]),
    (b"\njust text\n", [("TOP007", 2, 1, ROOT + "a single value ('just text')",
                         "see docs/format.md for the shape of topology.yaml")]),
    (b"a: &x k\n*x : 1\n", [ALIAS_KEY]),
    (b"a: 1\n? [b]\n: 2\n", [("TOP007", 2, 3, "a mapping or list cannot be used as a mapping key",
                              "keys are plain names; check for a stray '?' or '[' before the ':'")]),
    (b"~: 1\n", [("TOP007", 1, 1, "mapping key '~' is read as null, not as a name", 'quote the key: "~"')]),
    (b"a: 1\nTrue: 1\n", [("TOP007", 2, 1, "mapping key 'True' is read as the boolean true, not as a name",
                           'quote the key: "True"')]),
    (b"1.5: 1\n", [("TOP007", 1, 1, "mapping key '1.5' is read as the number 1.5, not as a name", 'quote the key: "1.5"')]),
    (b"a: 1\nb: 2\na: 3\n", [("TOP002", 3, 1, "duplicate key 'a' (first at line 1, column 1)",
                              "each key may appear once per mapping; merge the two entries")]),
    (b"a:\n  '<<': {x: 1}\n  '<<': {y: 2}\n", [("TOP002", 3, 3, "duplicate key '<<' (first at line 2, column 3)",
                                                "each key may appear once per mapping; merge the two entries")]),
    (b"a: ! on\n", [("TOP005", 1, 4, "'on' is a boolean to YAML 1.1 tools but a string to YAML 1.2",
                     'quote it ("on") if you mean text, or write true/false')]),
    (b"a: &a [1, *a]\n", [("TOP003", 1, 11, "alias '*a' refers to a node that contains it (recursive alias)",
                           "an alias must refer to a finished node")]),
    (b"a: [x]\nc:\n  <<: *nope\n", [("TOP003", 3, 7, "alias '*nope' has no anchor '&nope' before it",
                                     "define the anchor before using it")]),
    (b"a: {b: 1}\nc:\n  <<: 1\n", [("TOP007", 3, 3) + MERGE]),
    (b"a: &a [1]\nc:\n  x: 1\n  <<: [*a]\n", [("TOP007", 4, 3) + MERGE]),
    # nesting: the root mapping and 63 lists are 64 levels (fine, see below); 64 lists are one too many.
    (b"a: " + b"[" * 64 + b"]" * 64 + b"\n", [("TOP004", 1, 67) + DEEP]),
    # libyaml stops at its own limit (1,000 levels) before us: the same finding, at libyaml's position.
    (b"a: " + b"[" * 10_000, [("TOP004", 1, 1003) + DEEP]),
    # YAML syntax: one hint per kind of mistake
    (b"a:\n\tb: 1\n", [("TOP001", 2, 1, "invalid YAML: a tab character cannot be used for indentation", TAB)]),
    (b"a: b\tc: d\n", [("TOP001", 1, 7, "invalid YAML: mapping values are not allowed in this context", TAB)]),
    (b"a: b: c\n", [("TOP001", 1, 5, "invalid YAML: mapping values are not allowed in this context",
                     "quote a value that contains ': ', or check the indentation of this line")]),
    # the tab hint when a tab is at or before the error's column, not after it
    (b"a: b\t: c\n", [("TOP001", 1, 6, "invalid YAML: mapping values are not allowed in this context", TAB)]),
    (b"a: b:\tc\n", [("TOP001", 1, 5, "invalid YAML: mapping values are not allowed in this context",
                      "quote a value that contains ': ', or check the indentation of this line")]),
    (b"a:\n  - b\n  -\tc\n", [("TOP001", 3, 4, "invalid YAML: a tab character cannot be used for indentation",
                               TAB)]),
    # lines end in \r\n or a lone \r too (old Mac files): the tab is still found on its line
    (b"a: 1\rb: 2\r\tc: 3\r", [("TOP001", 3, 1, "invalid YAML: a tab character cannot be used for indentation",
                                 TAB)]),
    (b"a: 1\r\nb:\r\n\tc: 3\r\n", [("TOP001", 3, 1, "invalid YAML: a tab character cannot be used for "
                                    "indentation", TAB)]),
    (b"a: 1\nb\nc: 2\n", [("TOP001", 3, 1, "invalid YAML: could not find expected ':' (while scanning a simple key)",
                           "each entry of a mapping is 'key: value'; check the line above for a missing ':'")]),
    (b"a:\n  b: 1\n c: 2\n", [("TOP001", 3, 2, "invalid YAML: did not find expected key (while parsing a block mapping)",
                               INDENT)]),
    (b"a: [1, 2\nb: 3\n", [("TOP001", 2, 2, "invalid YAML: did not find expected ',' or ']' (while parsing a flow "
                            "sequence)", INDENT)]),
    (b"a: 'unterminated\n", [("TOP001", 2, 1, "invalid YAML: found unexpected end of stream (while scanning a quoted "
                              "scalar)", "fix the YAML syntax at this position")]),
    # tags: the plain-YAML ones are read, others refused
    (b"a: !!int abc\n", [("TOP001", 1, 4, "cannot read 'abc' with tag 'tag:yaml.org,2002:int'", TAG_HINT)]),
    (b"a: !!float x\n", [("TOP001", 1, 4, "cannot read 'x' with tag 'tag:yaml.org,2002:float'", TAG_HINT)]),
    (b"a: !!bool yes\n", [("TOP001", 1, 4, "cannot read 'yes' with tag 'tag:yaml.org,2002:bool'", TAG_HINT)]),
    (b"a: !!null x\n", [("TOP001", 1, 4, "cannot read 'x' with tag 'tag:yaml.org,2002:null'", TAG_HINT)]),
    (b"a: !custom true\n", [("TOP001", 1, 4, "cannot read 'true' with tag '!custom'", TAG_HINT)]),
    (b"a: !custom ~\n", [("TOP001", 1, 4, "cannot read '~' with tag '!custom'", TAG_HINT)]),
    (b"a: !!seq {b: 1}\n", [("TOP001", 1, 4, "unsupported tag 'tag:yaml.org,2002:seq'", TAG_HINT)]),
    (b"a: !!map [1]\n", [("TOP001", 1, 4, "unsupported tag 'tag:yaml.org,2002:map'", TAG_HINT)]),
    # integers: at most 100 characters, whatever the base or tag
    (b"a: " + b"1" * 101 + b"\n", [("TOP001", 1, 4) + BIG_INT]),
    (b"a: 0x" + b"f" * 99 + b"\n", [("TOP001", 1, 4) + BIG_INT]),
    (b"a: 0o" + b"7" * 99 + b"\n", [("TOP001", 1, 4) + BIG_INT]),
    (b"a: !!int " + b"1" * 101 + b"\n", [("TOP001", 1, 4) + BIG_INT]),
    # YAML 1.1 surprises: every one is reported, each with the fix that fits it
    (b"a: yes\nb: 010\n", [("TOP005", 1, 4, "'yes' is a boolean to YAML 1.1 tools but a string to YAML 1.2",
                            'quote it ("yes") if you mean text, or write true/false'),
                           ("TOP005", 2, 4, "'010' is a number to YAML 1.1 tools but a string to YAML 1.2",
                            'quote it ("010") if you mean text, or write the plain number')]),
    # bytes that are not UTF-8 text, positions counted in characters after a byte-order mark
    (b"\xff\xfea", [("TOP006", 1, 1, "starts with a UTF-16 byte-order mark but is not valid UTF-16",
                     "save the file as UTF-8")]),
    (b"\na: caf\xe9\n", [("TOP006", 2, 7, "not valid UTF-8: byte 0xe9 cannot start a character here", NOT_UTF8)]),
    (b"\xef\xbb\xbfa: \xc3\xa9\xff\n", [("TOP006", 1, 5, "not valid UTF-8: byte 0xff cannot start a character here",
                                         NOT_UTF8)]),
    (b"\nab\x00c\x00\n", [("TOP006", 2, 3) + NUL]),
    (b"\x00a: 1\n", [("TOP006", 1, 1) + NUL]),
    (b"\xef\xbb\xbf\x00", [("TOP006", 1, 1) + NUL]),
    (b"\na: \x07\n", [("TOP006", 2, 4) + CONTROL]),
]


# plain ids: mutmut passes test ids to pytest, and an id with a backslash or a bracket would not be found
@pytest.mark.parametrize("text,expected", MESSAGES, ids=[f"{i:02d}-{e[0][0]}" for i, (_, e) in enumerate(MESSAGES)])
def test_every_loader_message_whole(text, expected):
    with pytest.raises(InputError) as exc:
        loader.load_bytes(text, "t.yaml")
    got = [(d.file, d.level, d.code, d.line, d.col, d.message, d.hint) for d in exc.value.diagnostics]
    assert got == [("t.yaml", "error") + e for e in expected]
    assert str(exc.value) == expected[0][3]  # the exception reads as its first finding


def test_the_pure_python_parser_gets_the_same_hints(monkeypatch):
    # Without libyaml PyYAML's own parser words indentation mistakes differently ("expected <block end>").
    monkeypatch.setattr(loader, "_EventLoader", yaml.SafeLoader)
    with pytest.raises(InputError) as exc:
        loader.load_bytes("a:\n  b: 1\n c: 2\n")
    d = exc.value.diagnostics[0]
    assert (d.code, d.line, d.col, d.message, d.hint) == (
        "TOP001", 3, 2, "invalid YAML: expected <block end>, but found '<block mapping start>' (while parsing a "
        "block mapping)", INDENT)
    with pytest.raises(InputError) as exc:
        loader.load_bytes("a:\n  - b\n  -\tc\n")
    d = exc.value.diagnostics[0]
    assert (d.code, d.line, d.col, d.message, d.hint) == (
        "TOP001", 3, 4, "invalid YAML: a tab character cannot be used for indentation", TAB)


def test_plain_tagged_and_special_scalars():
    # '!' (the non-specific tag) leaves the scalar to be read as without it: 12 is a number, as PyYAML reads it
    assert loader.load_bytes("a: ! 12\n").data == {"a": 12}
    doc = loader.load_bytes("a: ! text\nb: !!str 12\nc: !!int 0x1F\nd: !!float 1.5\ne: !!bool true\nf: !!null ~\n"
                            "g: !!map {x: 1}\nh: !!seq [1]\ni: ! {x: 1}\nj: -.inf\nk: +.inf\nl: .inf\nm: !!int 17\n"
                            "n: " + "9" * 100 + "\n")
    assert doc.data == {"a": "text", "b": "12", "c": 31, "d": 1.5, "e": True, "f": None, "g": {"x": 1}, "h": [1],
                        "i": {"x": 1}, "j": -math.inf, "k": math.inf, "l": math.inf, "m": 17, "n": 10**100 - 1}
    assert math.isnan(loader.load_bytes("a: .nan\n").data["a"])


def test_nesting_of_64_levels_is_read():
    doc = loader.load_bytes(b"a: " + b"[" * 63 + b"1" + b"]" * 63 + b"\n")
    inner = doc.data["a"]
    for _ in range(62):
        inner = inner[0]
    assert inner == [1]


def test_merge_keys_take_a_list_and_repeat_and_point_at_the_merge():
    doc = loader.load_bytes("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\nd:\n  <<: *a\n  <<: *b\n")
    assert doc.data["c"] == {"x": 1, "y": 2, "z": 3}
    assert doc.data["d"] == {"x": 1, "y": 2}  # two merge keys both merge, as PyYAML does
    # a merged key is found (and reported) at the '<<' that brought it
    assert doc.keys[("c", "x")] == loader.Mark(4, 3) and doc.values[("c", "x")] == loader.Mark(4, 3)
    assert doc.keys[("c", "z")] == loader.Mark(5, 3)


def test_utf16_big_endian_is_read():
    assert loader.load_bytes(b"\xfe\xff" + "a: 1\n".encode("utf-16-be")).data == {"a": 1}


# -- the expansion budgets, counted exactly -------------------------------------------------------------
# Nodes: every value (a mapping, a list, a scalar; keys are not nodes) an alias brings in again.
# Characters: every scalar and key of the expanded document.
BUDGET_DOC = "s: &s x\na: &a [1, [2, 3], *s]\nb: &b {k: *a, m: *a, n: 4}\nc: [*b]\n"
# nodes: *s 1, a = 6 (list, 1, list, 2, 3, *s), *a twice 12, b = 14 (mapping, 6, 6, 4): 1 + 12 + 14 = 27
# characters: s x a 1 2 3 *s(1) = 7; b k *a(4) m *a(4) n 4 = 20; c *b(12) = 33


def _budget_error(monkeypatch, name, limit, text=BUDGET_DOC):
    monkeypatch.setattr(loader, name, limit)
    try:
        loader.load_bytes(text)
    except InputError as exc:
        return [(d.code, d.line, d.col) for d in exc.diagnostics]
    return []


def test_an_alias_value_is_found_where_the_alias_is():
    doc = loader.load_bytes(BUDGET_DOC)
    assert doc.values[("b", "k")] == loader.Mark(3, 11) and doc.values[("b", "m")] == loader.Mark(3, 18)
    assert doc.values[("c", 0)] == loader.Mark(4, 5) and doc.values[("a", 2)] == loader.Mark(2, 19)
    assert doc.data["c"] == [{"k": [1, [2, 3], "x"], "m": [1, [2, 3], "x"], "n": 4}]


def test_the_node_budget_is_exact(monkeypatch):
    assert _budget_error(monkeypatch, "MAX_NODES", 27) == []
    assert _budget_error(monkeypatch, "MAX_NODES", 26) == [("TOP003", 4, 5)]
    assert _budget_error(monkeypatch, "MAX_NODES", 12) == [("TOP003", 3, 18)]  # the second *a: 1 + 6 + 6


def test_the_character_budget_is_exact(monkeypatch):
    assert _budget_error(monkeypatch, "MAX_EXPANDED_CHARS", 33) == []
    assert _budget_error(monkeypatch, "MAX_EXPANDED_CHARS", 32) == [("TOP003", 4, 5)]
    assert _budget_error(monkeypatch, "MAX_EXPANDED_CHARS", 5) == [("TOP003", 2, 15)]  # at the scalar '3'


def test_the_budgets_messages():
    with pytest.raises(InputError) as exc:
        # 1 + 1 MiB + 1 + 31 copies of 1 MiB: the 31st alias (column 125) crosses 32 MiB
        loader.load_bytes("s: &s " + "x" * 1048576 + "\nt: [" + "*s, " * 40 + "]\n")
    d = exc.value.diagnostics[0]
    assert (d.code, d.line, d.col, d.message, d.hint) == (
        "TOP003", 2, 125, "the document expands (aliases replaced by what they name) to more than 32 MiB of text, "
        "topowire's limit", "this looks like an alias bomb; write the values out or alias fewer long strings")
    # a holds 11 nodes, b 111, ... f 1,111,111; the aliases up to f bring 1,234,560: g's first one crosses 2,000,000
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    with pytest.raises(InputError) as exc:
        loader.load_bytes("\n".join(lines))
    d = exc.value.diagnostics[0]
    assert (d.code, d.line, d.col, d.message, d.hint) == (
        "TOP003", 7, 8, "aliases expand to more than 2,000,000 nodes",
        "this looks like an alias bomb; write the values out or use fewer nested aliases")


def test_the_size_limit_is_exact(monkeypatch):
    monkeypatch.setattr(loader, "MAX_BYTES", 1048576)
    assert loader.load_bytes("a: " + "x" * (1048576 - 4) + "\n").data == {"a": "x" * (1048576 - 4)}
    with pytest.raises(InputError) as exc:
        loader.load_bytes("a: " + "x" * (1048576 - 3) + "\n", "t.yaml")
    d = exc.value.diagnostics[0]
    assert (d.file, d.code, d.line, d.col, d.message, d.hint) == (
        "t.yaml", "TOP008", 1, 1, "input is larger than 1 MiB", "")
    assert str(exc.value) == "input is larger than 1 MiB"


# -- files ---------------------------------------------------------------------------------------------

def _file_error(path):
    with pytest.raises(InputError) as exc:
        loader.load_file(path)
    assert str(exc.value) == exc.value.diagnostics[0].message
    return [(d.file, d.code, d.line, d.col, d.message, d.hint) for d in exc.value.diagnostics]


def test_every_file_problem_whole(tmp_path):
    regular = tmp_path / "t.yaml"
    regular.write_text("a: 1\n")
    hint = "pass the path of a topology.yaml"
    assert _file_error(tmp_path / "nope.yaml") == [(str(tmp_path / "nope.yaml"), "TOP009", 1, 1, "file not found", hint)]
    assert _file_error(tmp_path) == [(str(tmp_path), "TOP009", 1, 1, "is a directory, not a file", hint)]
    assert _file_error("/dev/zero") == [("/dev/zero", "TOP009", 1, 1, "is not a regular file (a device or a pipe?)",
                                         hint)]
    assert _file_error(regular / "x") == [(str(regular / "x"), "TOP009", 1, 1, "cannot read: Not a directory", "")]


def test_the_file_size_limit_is_exact(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.write(b"a: 1\n")
        f.truncate(52481229)  # 50.0500004 MiB: shown rounded up, to one decimal
    assert _file_error(big) == [(str(big), "TOP008", 1, 1, "file is 50.1 MiB; topowire reads at most 16 MiB",
                                 "split the topology or check that this is the right file")]
    with big.open("wb") as f:  # exactly 16 MiB is read (and here refused for what it holds)
        f.write(b"a: 1\n")
        f.truncate(16 * 1024 * 1024)
    assert _file_error(big) == [(str(big), "TOP006", 2, 1) + NUL]


def test_a_loaded_file_knows_where_it_came_from(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a: 1\n")
    doc = loader.load_file(path, tmp_path)
    assert (doc.data, doc.file, doc.source, doc.root) == ({"a": 1}, str(path), path, tmp_path)
    assert loader.load_file(str(path)).root is None
    assert loader.load_bytes("a: 1\n").file == "<string>"
