"""The loader: marks, duplicate keys, aliases, YAML 1.1 surprises and hostile input."""

from __future__ import annotations

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
