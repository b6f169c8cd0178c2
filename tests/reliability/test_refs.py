"""Issue #17 item 2: `$ref` in message schemas resolves only inside the document or to confined files.

Every other URI is an error at the `$ref`'s file:line:col, and no socket is ever opened.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from conftest import HEADER, run_cli

from generator.check import check_file


def write_topology(tmp_path, schema_yaml: str, example: str = "{id: 1}") -> str:
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job:\n    example: " + example + "\n    schema:\n" + schema_yaml)
    return str(path)


def diagnostics(path):
    rc, out, err = run_cli("validate", "--format", "json", path)
    assert "Traceback" not in out + err
    return rc, [d for d in json.loads(out)["files"][0]["diagnostics"] if d["level"] == "error"]


REMOTE = ["http://127.0.0.1:9/job.json", "https://example.com/job.json#/$defs/id", "file:///etc/passwd",
          "urn:example:job", "/etc/passwd.json", "//example.com/job.json", "ftp://example.com/x.json",
          "HTTP://EXAMPLE.COM/x.json", "data:application/json,{}"]


@pytest.mark.parametrize("ref", REMOTE)
def test_a_remote_ref_in_an_inline_schema_is_an_error_at_its_line(tmp_path, ref):
    path = write_topology(tmp_path, "      type: object\n      properties:\n        id:\n"
                                    f"          $ref: '{ref}'\n")
    rc, errors = diagnostics(path)
    assert rc == 1
    assert [(e["code"], e["file"], e["line"], e["col"]) for e in errors] == [("TOP107", path, 10, 17)], errors


@pytest.mark.parametrize("keyword,col", [("$dynamicRef", 20), ("$recursiveRef", 22)])
def test_dynamic_refs_are_held_to_the_same_rule(tmp_path, keyword, col):
    path = write_topology(tmp_path, f"      {keyword}: 'https://example.com/x.json'\n")
    rc, errors = diagnostics(path)
    assert rc == 1 and [(e["code"], e["line"], e["col"]) for e in errors] == [("TOP107", 7, col)], errors


def test_an_absolute_id_cannot_turn_a_relative_ref_into_a_url(tmp_path):
    path = write_topology(tmp_path, "      $id: 'https://evil.example/schemas/'\n      $ref: 'job.json'\n")
    rc, errors = diagnostics(path)
    assert rc == 1 and [(e["code"], e["line"]) for e in errors] == [("TOP107", 8)], errors
    assert "https://evil.example/schemas/job.json" in errors[0]["message"]


def test_an_absolute_id_with_refs_inside_the_document_is_fine(tmp_path):
    path = write_topology(tmp_path, "      $id: 'https://example.com/job.json'\n      $defs: {id: {type: integer}}\n"
                                    "      type: object\n      properties: {id: {$ref: '#/$defs/id'}}\n",
                          example="{id: one}")
    rc, errors = diagnostics(path)
    assert [e["code"] for e in errors] == ["TOP113"], errors  # the ref resolved, offline, and the example fails it


def test_a_ref_in_a_schema_file_is_reported_in_that_file(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "job.json").write_text('{\n  "type": "object",\n  "properties": {\n'
                                                   '    "id": {"$ref": "http://127.0.0.1:9/id.json"}\n  }\n}\n')
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: schemas/job.json}\n")
    rc, errors = diagnostics(str(path))
    assert rc == 1
    assert [(e["file"], e["line"], e["col"]) for e in errors] == [(str(tmp_path / "schemas" / "job.json"), 4, 20)]


def test_relative_file_refs_resolve_confined_and_are_used(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "common.yaml").write_text("$defs:\n  id: {type: integer}\n")
    (tmp_path / "schemas" / "job.json").write_text('{"type": "object", "required": ["id"], '
                                                   '"properties": {"id": {"$ref": "common.yaml#/$defs/id"}}}')
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: schemas/job.json, example: {id: 7}}\n"
                    "  Bad: {schema: schemas/job.json, example: {id: seven}}\n"
                    "  Inline: {schema: {$ref: 'schemas/common.yaml#/$defs/id'}, example: x}\n")
    rc, errors = diagnostics(str(path))
    assert rc == 1
    assert sorted((e["code"], e["line"]) for e in errors) == [("TOP113", 5), ("TOP113", 6)], errors
    assert "'type'" in errors[0]["message"]


def test_a_chain_of_files_is_followed_and_the_remote_link_is_reported_where_it_is(tmp_path):
    (tmp_path / "a.json").write_text('{"$ref": "b.yaml"}')
    (tmp_path / "b.yaml").write_text("type: object\nproperties:\n  x: {$ref: 'https://example.com/x'}\n")
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: a.json}\n")
    rc, errors = diagnostics(str(path))
    assert [(e["file"], e["line"], e["col"]) for e in errors] == [(str(tmp_path / "b.yaml"), 3, 13)], errors


@pytest.mark.parametrize("ref", ["../outside.json", "sub/../../outside.json", ".git/config.json", "notes.txt"])
def test_relative_refs_leaving_the_directory_are_refused_at_the_ref(tmp_path, ref):
    (tmp_path / "outside.json").write_text('{"description": "CANARY-REF"}')
    repo = tmp_path / "repo"
    repo.mkdir()
    path = write_topology(repo, f"      $ref: '{ref}'\n")
    rc, errors = diagnostics(path)
    assert rc == 1 and [(e["code"], e["line"], e["col"]) for e in errors] == [("TOP107", 7, 13)], errors
    assert "CANARY-REF" not in json.dumps(errors)


def test_a_schema_file_that_refers_to_itself_is_fine(tmp_path):
    (tmp_path / "tree.json").write_text('{"type": "object", "properties": {"child": {"$ref": "tree.json"}}}')
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n  Job: {schema: tree.json, example: {child: {child: 1}}}\n")
    rc, errors = diagnostics(str(path))
    assert [e["code"] for e in errors] == ["TOP113"], errors


def test_an_unknown_dialect_is_refused_not_fetched(tmp_path):
    path = write_topology(tmp_path, "      $schema: 'http://127.0.0.1:9/my-dialect'\n      type: object\n")
    rc, errors = diagnostics(path)
    assert rc == 1 and [(e["code"], e["line"]) for e in errors] == [("TOP107", 7)], errors


class _NoSockets(Exception):
    pass


def test_no_socket_is_ever_opened(tmp_path, monkeypatch):
    """With socket.socket raising, every hostile ref still gives its diagnostic (nothing tried the network)."""
    (tmp_path / "common.json").write_text('{"$defs": {"id": {"type": "integer"}}}')
    lines = "".join(f"  M{i}:\n    example: {{id: 1}}\n    schema: {{properties: {{id: {{$ref: '{ref}'}}}}}}\n"
                    for i, ref in enumerate(REMOTE + ["common.json#/$defs/id"]))
    path = tmp_path / "topology.yaml"
    path.write_text(HEADER + "messages:\n" + lines)

    def refuse(*args, **kwargs):
        raise _NoSockets("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = check_file(path)
    bad = sorted(d.path[1] for d in result.diagnostics if d.code == "TOP107")
    assert bad == sorted(f"M{i}" for i in range(len(REMOTE)))
    assert not [d for d in result.diagnostics if d.path[1] == f"M{len(REMOTE)}"]


def test_a_server_that_never_answers_cannot_hang_validate(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)  # accepts connections into the backlog, never answers
    port = server.getsockname()[1]
    try:
        path = write_topology(tmp_path, f"      $ref: 'http://127.0.0.1:{port}/schema.json'\n", example="{}")
        start = time.monotonic()
        rc, errors = diagnostics(path)
        assert time.monotonic() - start < 5
        assert rc == 1 and [e["code"] for e in errors] == ["TOP107"]
        server.setblocking(False)
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody ever connected
    finally:
        server.close()
