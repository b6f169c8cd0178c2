"""The corpus of invalid files: each exits 1 with file:line:col and names what is wrong.

Each file's first line says what to expect: ``# expect: CODE LINE:COL TEXT``,
where TEXT (a phrase, not a token: at least 12 characters) must appear in the message of
the error reported at that very position.
"""

from __future__ import annotations

import json

import pytest

from conftest import CASES, run_cli

FILES = sorted((CASES / "invalid").glob("*.yaml"))


def expectation(path):
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    _, code, pos, text = first.split(" ", 3)[0:1] + first.split(" ", 4)[2:5]
    line, col = map(int, pos.split(":"))
    return code, line, col, text


def test_there_are_at_least_forty():
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_invalid_file(path):
    code, line, col, text = expectation(path)
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert rc == 1, out + err
    assert "Traceback" not in out + err
    diags = json.loads(out)["files"][0]["diagnostics"]
    errors = [d for d in diags if d["level"] == "error"]
    assert len(text) >= 12, f"{path.name}: expect a phrase of the message, not {text!r}"
    at = [d for d in errors if (d["code"], d["line"], d["col"]) == (code, line, col)]
    assert any(text in d["message"] for d in at), (text, errors)
    rc, out, _ = run_cli("validate", path)
    assert f"{path}:{line}:{col}: error {code} " in out
