"""Red-team round on issue #17: variants the first tests did not try, each a hole that was open.

- an integer scalar of thousands of digits: Python refuses to convert it (4,300-digit limit), every command
  ended in exit 3;
- a key or value with a newline, quoted in a diagnostic: the text report printed it raw, so a file could forge
  report lines, among them GitHub workflow commands (`::error::`, `::add-mask::`) that a CI step's log obeys;
  bidi and zero-width characters reordered or hid what the reviewer reads.
"""

from __future__ import annotations

import pytest

from conftest import HEADER, run_cli


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "1" * 4400, "0x" + "f" * 5000, "0o" + "7" * 5000,
                                    "!!int " + "9" * 5000])
@pytest.mark.parametrize("command", [["validate"], ["docs", "-o", "-"], ["plan", "--cloud", "aws"]])
def test_an_integer_of_thousands_of_digits_is_a_clean_error(tmp_path, number, command):
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + f"queues:\n  jobs: {{max_receive_count: {number}}}\n")
    code, out, err = run_cli(*command[:1], path, *command[1:])
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    text = out + err
    assert ":4:29: error TOP001 an integer of" in text
    assert "topowire reads integers of at most 100" in text


def test_an_integer_of_100_characters_is_still_read(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job:\n    example: {n: " + "9" * 100 + "}\n")
    code, out, err = run_cli("validate", path)
    assert code == 0, out + err


HOSTILE_KEYS = HEADER + (
    'tags: {"k\\n::add-mask::secret": v}\n'
    'queues:\n'
    '  "q\\r\\n::error file=x.yaml::forged": {}\n'
    '  "jobs\\u202e\\u200bgnp": {}\n'
)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_diagnostic_never_prints_a_line_break_or_bidi_control_from_the_file(tmp_path, fmt):
    path = tmp_path / "topology.yaml"
    path.write_text(HOSTILE_KEYS)
    code, out, err = run_cli("validate", "--format", fmt, path)
    assert code == 1
    lines = out.splitlines()
    # every line is one of ours: a diagnostic, a hint or the summary; none starts with a forged command
    for line in lines:
        assert line.startswith((str(path), "  hint:", "::error file=", "::notice file=", "1 file(s) checked")), line
    for ch in "\r\u202e\u200b\u2028":
        assert ch not in out
    if fmt == "text":
        assert "'k\\n::add-mask::secret' is not a valid name in tags" in out
        assert "'q\\r\\n::error file=x.yaml::forged' is not a valid name in queues" in out
        assert "'jobs\\u202e\\u200bgnp' is not a valid name in queues" in out
    else:
        assert "'k\\n::add-mask::secret' is not a valid name in tags" in out


DOC_TEXT = HEADER.replace("name: demo", "name: demo\n" + r'''description: "intro\n::error::forged\n```\n<!-- hidden\n\u202eevil"
owner: "team\n::add-mask::x"''') + r'''
queues:
  jobs:
    description: "a\n::stop-commands::t </details>"
services:
  svc: {consumes: [jobs]}
'''


def test_docs_render_free_text_as_inert_markdown(tmp_path):
    path = tmp_path / "topology.yaml"
    path.write_text(DOC_TEXT)
    code, out, err = run_cli("docs", path, "-o", "-")
    assert code == 0, err
    for line in out.splitlines():
        assert not line.lstrip().startswith("::"), line  # no GitHub workflow command
    assert "\u202e" not in out and "<!-- hidden" not in out and "</details>" not in out
    # one line each, every markup character escaped (generator/escape.py md_text): nothing opens at a line start
    assert "\nintro ::error::forged \\`\\`\\` \\<\\!-- hidden \\<U+202E\\>evil\n" in out
    assert "| a ::stop-commands::t \\</details\\> |" in out
    assert out.count("```") == out.count("```mermaid") * 2 + out.count("```json") * 2  # no fence of the file's
