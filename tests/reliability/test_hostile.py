"""Hostile input, generated: bombs, huge and deep files, binary. Each gets exit 1 and file:line:col, fast.

The committed part of the corpus is tests/cases/invalid/ (tests/test_invalid_cases.py); what is too big or
too binary to commit is generated here. A generous timeout is only a safety net: speed is measured in bench/.
"""

from __future__ import annotations

import re

import pytest

from conftest import run_module

HEADER = b"version: 1\nname: shop\n"


def billion_laughs() -> bytes:
    lines = [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1).encode(), chr(ord("a") + i).encode()
        lines.append(cur + b": &" + cur + b" [" + b",".join([b"*" + prev] * 9) + b"]")
    return HEADER + b"tags:\n  " + b"\n  ".join(lines) + b"\n"


def mapping_bomb() -> bytes:
    lines = [b"x0: &x0 {k: v}"]
    for i in range(1, 30):
        lines.append(f"x{i}: &x{i} {{a: *x{i-1}, b: *x{i-1}}}".encode())
    return HEADER + b"defaults:\n  " + b"\n  ".join(lines) + b"\n"


def merge_bomb() -> bytes:
    lines = [b"m0: &m0 {k0: 1}"]
    for i in range(1, 25):
        lines.append(f"m{i}: &m{i} {{<<: [*m{i-1}, *m{i-1}], k{i}: 1}}".encode())
    return HEADER + b"queues:\n  " + b"\n  ".join(lines) + b"\n"


def huge() -> bytes:
    line = b"# " + b"x" * 98 + b"\n"
    return HEADER + line * (50 * 1024 * 1024 // len(line))


def deep_flow() -> bytes:
    return HEADER + b"tags: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"


def deep_mapping() -> bytes:
    return HEADER + b"defaults: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n"


def deep_block() -> bytes:
    return HEADER + b"".join(b" " * i + f"k{i}:\n".encode() for i in range(3_000))  # indentation grows quadratically


CASES = {
    "billion-laughs": (billion_laughs, "TOP003"),
    "mapping-bomb": (mapping_bomb, "TOP003"),
    "merge-key-bomb": (merge_bomb, "TOP003"),
    "50-mb": (huge, "TOP008"),
    "10000-deep-flow": (deep_flow, "TOP004"),
    "10000-deep-mapping": (deep_mapping, "TOP004"),
    "3000-deep-block": (deep_block, "TOP004"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "TOP006"),
    "random-binary": (lambda: bytes((i * 7919) % 256 for i in range(100_000)), "TOP006"),
    "latin-1": (lambda: HEADER + "description: caf\xe9 cr\xe8me\n".encode("latin-1"), "TOP006"),
    "utf-16-without-bom": (lambda: (HEADER.decode() + "owner: x\n").encode("utf-16-le"), "TOP006"),
    "nul-in-the-middle": (lambda: HEADER + b"owner: a\x00b\n", "TOP006"),
    "long-line": (lambda: HEADER + b"description: " + b"y" * 5_000_000 + b"\n" + b"queues: [\n", "TOP001"),
    "only-bom": (lambda: b"\xef\xbb\xbf", "TOP007"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(tmp_path, name):
    make, code = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(make())
    proc = run_module("validate", path, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-2000:]
    assert "Traceback" not in out
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: error {code} ", proc.stdout, re.M), out[-2000:]
